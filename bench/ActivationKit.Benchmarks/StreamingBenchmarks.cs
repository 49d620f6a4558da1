using ActivationKit.Catalog;
using BenchmarkDotNet.Attributes;

namespace ActivationKit.Benchmarks;

/// <summary>
/// Forward and backward of arrays around and beyond the last-level cache with streaming (non-temporal) stores on and
/// off (<see cref="KernelOptions.StreamingThreshold"/>): where the default threshold should sit, and what streaming
/// saves once the data live in memory (docs/performance.md, "Streaming stores").
/// </summary>
public class StreamingBenchmarks
{
    private float[] _x = [];
    private float[] _dy = [];
    private float[] _y = [];
    private Activation _f = null!;
    private long _saved;

    /// <summary>
    /// relu (memory-bound) and sigmoid (compute-bound), or the element-wise ones of the comma-separated list in
    /// ACTKIT_BENCH_FUNCTIONS (what this suite varies reaches only the element-wise driver).
    /// </summary>
    public static IEnumerable<string> Functions() =>
        BenchSelection.Names("ACTKIT_BENCH_FUNCTIONS")?.Where(n => ActivationCatalog.Create(n).Info.Kind == ActivationKind.Elementwise)
        ?? ["relu", "sigmoid"];

    [ParamsSource(nameof(Functions))]
    public string Function { get; set; } = "relu";

    /// <summary>Elements: 8 MiB, 16 MiB and 64 MiB of float input.</summary>
    [Params(2_097_152, 4_194_304, 16_777_216)]
    public int N { get; set; }

    [Params(false, true)]
    public bool Streaming { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _f = ActivationCatalog.Create(Function);
        _x = new float[N];
        _dy = new float[N];
        _y = new float[N];
        var rng = new Random(42);
        for (int i = 0; i < N; i++)
        {
            _x[i] = (float)((rng.NextDouble() * 20) - 10);
            _dy[i] = (float)(rng.NextDouble() - 0.5);
        }

        _saved = KernelOptions.StreamingThreshold;
        KernelOptions.StreamingThreshold = Streaming ? 0 : long.MaxValue;
    }

    [GlobalCleanup]
    public void Cleanup() => KernelOptions.StreamingThreshold = _saved;

    [Benchmark]
    public void Forward() => _f.Forward(_x, _y);

    [Benchmark]
    public void Backward() => _f.Backward(_x, _dy, _y);
}
