using ActivationKit.Catalog;

namespace ActivationKit.Tests;

/// <summary>
/// Kernels allocate nothing per call once warm (the memory target; BenchmarkDotNet's diagnoser measures a few
/// functions, this checks every one). A default interface method called on a kernel struct would box it on every row or
/// register: the pair path of the float rows once cost log-softmax 24 bytes per row this way. In the collection of the
/// tests that change <see cref="KernelOptions"/>: run beside ParallelKernelTests (three threads, the lowest parallel
/// threshold), a call here could be the first to need a third worker and count its creation (about 8 KB, seen
/// intermittently for gelu in the full suite).
/// </summary>
[Collection(KernelOptionsCollection.Name)]
public class AllocationTests
{
    [Theory]
    [MemberData(nameof(CatalogData.AllNames), MemberType = typeof(CatalogData))]
    public void Calls_in_every_precision_allocate_nothing_once_warm(string name) => AssertNoAllocations(name);

    /// <summary>
    /// The parameters that send float data to double lanes run the driver's parameter loops, whose default forms
    /// (default interface methods) would box the kernel on every register if called: celu with α = 1e35 allocated
    /// 32 KB per call of 4,096 floats that way.
    /// </summary>
    [Theory]
    [MemberData(nameof(ElementwiseBehaviourTests.ParameterisedSpecs), MemberType = typeof(ElementwiseBehaviourTests))]
    public void Parameterised_calls_allocate_nothing_once_warm(string spec) => AssertNoAllocations(spec);

    /// <summary>
    /// Short rows take the blocks of rows (softmax, softmin and log-softmax up to 16 entries: stack buffers, pinned
    /// spans), with a row in every few that the blocks decline (−∞ throughout, then NaN) and a row count that leaves
    /// blocks of every width and single rows.
    /// </summary>
    [Theory]
    [InlineData("softmax")]
    [InlineData("softmin")]
    [InlineData("log_softmax")]
    public void Short_rows_allocate_nothing_once_warm(string name)
    {
        foreach (int columns in new[] { 1, 2, 3, 10, 16 })
        {
            AssertNoAllocations(name, columns, rows: 16 + 8 + 4 + 3, (x, n) =>
            {
                x.AsSpan(5 * n, n).Fill(float.NegativeInfinity);
                x[(20 * n) + (n - 1)] = float.NaN;
            });
        }
    }

    private static void AssertNoAllocations(string name) => AssertNoAllocations(name, columns: 1000, rows: 8, change: null);

    private static void AssertNoAllocations(string name, int columns, int rows, Action<float[], int>? change)
    {
        var f = ActivationCatalog.Create(name);
        int outColumns = f.OutputColumns(columns);
        var rng = new Random(3);
        var x = Enumerable.Range(0, rows * columns).Select(_ => (float)((rng.NextDouble() * 20) - 10)).ToArray();
        change?.Invoke(x, columns);
        var y = new float[rows * outColumns];
        var dy = Enumerable.Range(0, rows * outColumns).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var dx = new float[rows * columns];
        var xd = x.Select(v => (double)v).ToArray();
        var yd = new double[y.Length];
        var dyd = dy.Select(v => (double)v).ToArray();
        var dxd = new double[dx.Length];
        var (xh, yh, dyh, dxh) = (x.Select(v => (Half)v).ToArray(), new Half[y.Length], dy.Select(v => (Half)v).ToArray(), new Half[dx.Length]);
        var (xb, yb, dyb, dxb) = (x.Select(v => (ActivationKit.Numerics.BFloat16)v).ToArray(), new ActivationKit.Numerics.BFloat16[y.Length], dy.Select(v => (ActivationKit.Numerics.BFloat16)v).ToArray(), new ActivationKit.Numerics.BFloat16[dx.Length]);

        void Calls()
        {
            f.Forward(x, y, columns);
            f.Backward(x, dy, dx, columns);
            f.Forward(xd, yd, columns);
            f.Backward(xd, dyd, dxd, columns);
            f.Forward(xh, yh, columns);
            f.Backward(xh, dyh, dxh, columns);
            f.Forward(xb, yb, columns);
            f.Backward(xb, dyb, dxb, columns);
            if (f.SupportsBackwardFromOutput)
            {
                f.BackwardFromOutput(y, dy, dx, columns);
                f.BackwardFromOutput(yd, dyd, dxd, columns);
                f.BackwardFromOutput(yh, dyh, dxh, columns);
                f.BackwardFromOutput(yb, dyb, dxb, columns);
            }
        }

        for (int i = 0; i < 3; i++) Calls();

        // Windows of 5 rounds, until one allocates nothing (at most 10): a kernel that allocates per call allocates in
        // every window, while the runtime may still be promoting hot methods to a higher tier on this thread (seen
        // once in about ten runs with hardware intrinsics off, where the calls are slow: 8,104 bytes in one window).
        long allocated = -1;
        for (int window = 0; window < 10 && allocated != 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++) Calls();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(allocated == 0, $"{name} (rows of {columns}): {allocated} bytes over 5 rounds of calls, in each of 10 windows");
    }
}
