using ActivationKit.Catalog;
using BenchmarkDotNet.Attributes;

namespace ActivationKit.Benchmarks;

/// <summary>
/// Forward of a function with the output placed at a chosen distance from the input modulo 4 KiB, carved from one
/// pinned buffer: the layout that two arrays allocated one after the other produce (a few dozen bytes above), the
/// mirror image below, and distances that never alias. With the element-wise driver's choice of loop direction every
/// distance should measure the same; an ascending loop alone is up to 1.25× slower at +64 bytes (docs/performance.md).
/// </summary>
public class PlacementBenchmarks
{
    private float[] _buffer = [];
    private int _x;
    private int _y;
    private Activation _f = null!;

    /// <summary>
    /// relu (memory-bound) and sigmoid (compute-bound), or the element-wise ones of the comma-separated list in
    /// ACTKIT_BENCH_FUNCTIONS (what this suite varies reaches only the element-wise driver).
    /// </summary>
    public static IEnumerable<string> Functions() =>
        BenchSelection.Names("ACTKIT_BENCH_FUNCTIONS")?.Where(n => ActivationCatalog.Create(n).Info.Kind == ActivationKind.Elementwise)
        ?? ["relu", "sigmoid"];

    [ParamsSource(nameof(Functions))]
    public string Function { get; set; } = "relu";

    /// <summary>(y − x) modulo 4096, in bytes (negative: below).</summary>
    [Params(-64, 0, 64, 256, 2048)]
    public int Distance { get; set; }

    [Params(262_144)]
    public int N { get; set; }

    [GlobalSetup]
    public unsafe void Setup()
    {
        _f = ActivationCatalog.Create(Function);
        const int page = 1024;   // floats per 4 KiB
        _buffer = GC.AllocateArray<float>((2 * N) + (8 * page), pinned: true);
        fixed (float* p = _buffer)
        {
            // x on a 64-byte boundary; y a whole number of pages past the end of x, plus the distance.
            int align = (int)((64 - ((nint)p & 63)) & 63) / sizeof(float);
            _x = align + page;
            _y = _x + ((N + page - 1) / page * page) + (2 * page) + (Distance / sizeof(float));
        }

        var rng = new Random(42);
        for (int i = 0; i < N; i++) _buffer[_x + i] = (float)((rng.NextDouble() * 20) - 10);
    }

    [Benchmark]
    public void Forward() => _f.Forward(_buffer.AsSpan(_x, N), _buffer.AsSpan(_y, N));
}
