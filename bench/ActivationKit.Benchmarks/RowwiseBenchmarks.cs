using ActivationKit.Catalog;
using BenchmarkDotNet.Attributes;

namespace ActivationKit.Benchmarks;

/// <summary>
/// Forward and backward of the softmax family over 1024 rows of 1000 float32 entries (the shape). The memory
/// diagnoser shows what a call allocates: nothing on the float-lane forward.
/// </summary>
[MemoryDiagnoser]
public class RowwiseBenchmarks
{
    private const int Rows = 1024;
    private const int Columns = 1000;
    private float[] _x = [];
    private float[] _dy = [];
    private float[] _y = [];
    private Activation _f = null!;

    /// <summary>Every row-wise function, or the comma-separated list in ACTKIT_BENCH_FUNCTIONS.</summary>
    public static IEnumerable<string> Functions() =>
        BenchSelection.Names("ACTKIT_BENCH_FUNCTIONS")?.Where(n => ActivationCatalog.Find(n)?.Kind == ActivationKind.Rowwise)
        ?? ActivationCatalog.All.Where(i => i.Kind == ActivationKind.Rowwise).Select(i => i.Name);

    [ParamsSource(nameof(Functions))]
    public string Function { get; set; } = "softmax";

    [GlobalSetup]
    public void Setup()
    {
        _f = ActivationCatalog.Create(Function);
        var rng = new Random(42);
        _x = new float[Rows * Columns];
        _dy = new float[Rows * Columns];
        _y = new float[Rows * Columns];
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = (float)((rng.NextDouble() * 20) - 10);
            _dy[i] = (float)rng.NextDouble();
        }
    }

    [Benchmark]
    public void Forward() => _f.Forward(_x, _y, Columns);

    [Benchmark]
    public void Backward() => _f.Backward(_x, _dy, _y, Columns);
}

/// <summary>Optional narrowing of the benchmark parameters through environment variables.</summary>
internal static class BenchSelection
{
    public static IEnumerable<string>? Names(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;

    public static IEnumerable<int>? Sizes() =>
        Names("ACTKIT_BENCH_SIZES")?.Select(int.Parse);
}
