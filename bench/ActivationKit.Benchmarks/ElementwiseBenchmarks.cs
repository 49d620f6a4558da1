using ActivationKit.Catalog;
using BenchmarkDotNet.Attributes;

namespace ActivationKit.Benchmarks;

/// <summary>
/// Forward and backward of every element-wise function in the catalog (a new function is benchmarked with no
/// edit here), float32, at an L1-resident, an L2-resident and a memory-bound size. The memory diagnoser shows the
/// kernels allocate nothing per call.
/// </summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private float[] _x = [];
    private float[] _dy = [];
    private float[] _y = [];
    private Activation _f = null!;

    /// <summary>Every element-wise function, or the comma-separated list in ACTKIT_BENCH_FUNCTIONS.</summary>
    public static IEnumerable<string> Functions() =>
        BenchSelection.Names("ACTKIT_BENCH_FUNCTIONS") ?? ActivationCatalog.All.Where(i => i.Kind == ActivationKind.Elementwise).Select(i => i.Name);

    /// <summary>4096, 262144 and 16777216, or the comma-separated list in ACTKIT_BENCH_SIZES.</summary>
    public static IEnumerable<int> Sizes() => BenchSelection.Sizes() ?? [4096, 262_144, 16_777_216];

    [ParamsSource(nameof(Functions))]
    public string Function { get; set; } = "relu";

    [ParamsSource(nameof(Sizes))]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _f = ActivationCatalog.Create(Function);
        var rng = new Random(42);
        _x = new float[N];
        _dy = new float[N];
        _y = new float[N];
        for (int i = 0; i < N; i++)
        {
            _x[i] = (float)((rng.NextDouble() * 20) - 10);
            _dy[i] = (float)rng.NextDouble();
        }
    }

    [Benchmark]
    public void Forward() => _f.Forward(_x, _y);

    [Benchmark]
    public void Backward() => _f.Backward(_x, _dy, _y);

    /// <summary>The memory-bandwidth floor for a read-one-write-one kernel of this size.</summary>
    [Benchmark(Baseline = true)]
    public void Copy() => _x.AsSpan().CopyTo(_y);
}
