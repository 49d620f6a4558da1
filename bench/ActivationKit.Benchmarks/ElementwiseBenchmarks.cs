using ActivationKit.Catalog;
using BenchmarkDotNet.Attributes;

namespace ActivationKit.Benchmarks;

/// <summary>
/// Forward and backward of every element-wise function in the catalog (a new function is benchmarked with no
/// edit here), float32, at an L1-resident, an L2-resident and a memory-bound size. The memory diagnoser shows the
/// kernels allocate nothing per call. A row-wise function named in ACTKIT_BENCH_FUNCTIONS is timed over one row of N,
/// a gated one over one row of N inputs [a | b] and N/2 outputs (N even; <see cref="BenchSelection.Problem"/> says so).
/// </summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private float[] _x = [];
    private float[] _dy = [];
    private float[] _y = [];
    private int _outputs;
    private Activation _f = null!;

    /// <summary>Every element-wise function, or the comma-separated list in ACTKIT_BENCH_FUNCTIONS (any kind).</summary>
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
        // One row of N: a gated function maps it to N/2 outputs, and its dy has the output's length.
        _outputs = _f.Info.Kind == ActivationKind.Gated ? _f.OutputColumns(N) : N;
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
    public void Forward() => _f.Forward(_x, _y.AsSpan(0, _outputs));

    /// <summary>dx (N elements) into the output buffer; dy is the first <see cref="_outputs"/> of its buffer.</summary>
    [Benchmark]
    public void Backward() => _f.Backward(_x, _dy.AsSpan(0, _outputs), _y);

    /// <summary>The memory-bandwidth floor for a read-one-write-one kernel of this size.</summary>
    [Benchmark(Baseline = true)]
    public void Copy() => _x.AsSpan().CopyTo(_y);
}
