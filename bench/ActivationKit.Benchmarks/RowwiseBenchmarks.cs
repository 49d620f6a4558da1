using ActivationKit.Catalog;
using BenchmarkDotNet.Attributes;

namespace ActivationKit.Benchmarks;

/// <summary>
/// Forward and backward of the softmax family over about a million float32 entries in rows of 1000 (the issue's
/// shape: 1024 rows) and of 10 (a classifier's outputs: 102,400 rows, one method per row, SoftmaxCoreFloat.ShortRow).
/// The memory diagnoser shows what a call allocates: nothing, forward or backward (the gradients keep their
/// exponentials on the stack or in a buffer the thread made on its first call).
/// </summary>
[MemoryDiagnoser]
public class RowwiseBenchmarks
{
    /// <summary>Entries per call: rows of <see cref="Columns"/> up to about this many.</summary>
    public const int Elements = 1_024_000;
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

    /// <summary>Row lengths: 1000 and 10, or the comma-separated list in ACTKIT_BENCH_COLUMNS (1 to <see cref="Elements"/>).</summary>
    public static IEnumerable<int> RowLengths() => BenchSelection.Columns() ?? [1000, 10];

    [ParamsSource(nameof(RowLengths))]
    public int Columns { get; set; } = 1000;

    private int Rows => Elements / Columns;

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
