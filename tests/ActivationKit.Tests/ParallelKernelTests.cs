using ActivationKit.Catalog;
using ActivationKit.Numerics;

namespace ActivationKit.Tests;

[Collection(KernelOptionsCollection.Name)]
public class ParallelKernelTests
{
    [Theory]
    [InlineData("sigmoid")]
    [InlineData("gelu")]
    [InlineData("relu")]
    [InlineData("leaky_relu(0.2)")]
    public void Multi_threaded_calls_are_bit_identical_to_one_thread(string spec)
    {
        var f = ActivationCatalog.Create(spec);
        int n = KernelOptions.MinParallelThreshold * 5 + 13;
        var rng = new Random(7);
        var x = new float[n];
        var dy = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)((rng.NextDouble() - 0.5) * 40);
            dy[i] = (float)rng.NextDouble();
        }

        var xd = x.Select(v => (double)v).ToArray();
        var dyd = dy.Select(v => (double)v).ToArray();
        (float[] Y, float[] G, double[] Yd) Calls()
        {
            var (y, g, yd) = (new float[n], new float[n], new double[n]);
            f.Forward(x, y);
            f.Backward(x, dy, g);
            f.Forward(xd, yd);
            return (y, g, yd);
        }

        var one = Calls();
        OnThreeThreads(() =>
        {
            var split = Calls();
            Assert.Equal(one.Y, split.Y);
            Assert.Equal(one.G, split.G);
            Assert.Equal(one.Yd, split.Yd);

            // In place.
            var inPlace = (float[])x.Clone();
            f.Forward(inPlace, inPlace);
            Assert.Equal(one.Y, inPlace);

            // Each thread's chunk with streaming stores.
            KernelOptions.StreamingThreshold = 0;
            var streamed = Calls();
            Assert.Equal(one.Y, streamed.Y);
            Assert.Equal(one.G, streamed.G);
            Assert.Equal(one.Yd, streamed.Yd);
        });
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("leaky_relu(0.2)")]
    public void Multi_threaded_half_and_bfloat16_calls_are_bit_identical_to_one_thread(string spec)
    {
        var f = ActivationCatalog.Create(spec);
        int n = (KernelOptions.MinParallelThreshold * 9) + 13;
        var rng = new Random(11);
        var xf = Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() - 0.5) * 40)).ToArray();
        var dyf = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        var (xh, dyh) = (xf.Select(v => (Half)v).ToArray(), dyf.Select(v => (Half)v).ToArray());
        var (xb, dyb) = (xf.Select(v => (BFloat16)v).ToArray(), dyf.Select(v => (BFloat16)v).ToArray());
        (Half[] Y, Half[] G, ushort[] Yb, ushort[] Gb) Calls()
        {
            var (y, g, yb, gb) = (new Half[n], new Half[n], new BFloat16[n], new BFloat16[n]);
            f.Forward(xh, y);
            f.Backward(xh, dyh, g);
            f.Forward(xb, yb);
            f.Backward(xb, dyb, gb);
            return (y, g, yb.Select(v => v.RawValue).ToArray(), gb.Select(v => v.RawValue).ToArray());
        }

        var one = Calls();
        OnThreeThreads(() =>
        {
            var split = Calls();
            Assert.Equal(one.Y, split.Y);
            Assert.Equal(one.G, split.G);
            Assert.Equal(one.Yb, split.Yb);
            Assert.Equal(one.Gb, split.Gb);

            // In place.
            var inPlace = (Half[])xh.Clone();
            f.Forward(inPlace, inPlace);
            Assert.Equal(one.Y, inPlace);
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/> with calls of at least the smallest threshold split over three threads, then puts
    /// the thread count, the threshold and the streaming threshold (which a body may change) back.
    /// </summary>
    private static void OnThreeThreads(Action body)
    {
        int threads = KernelOptions.MaxThreads, threshold = KernelOptions.ParallelThreshold;
        long streaming = KernelOptions.StreamingThreshold;
        try
        {
            KernelOptions.MaxThreads = 3;
            KernelOptions.ParallelThreshold = KernelOptions.MinParallelThreshold;
            body();
        }
        finally
        {
            KernelOptions.MaxThreads = threads;
            KernelOptions.ParallelThreshold = threshold;
            KernelOptions.StreamingThreshold = streaming;
        }
    }

    [Fact]
    public void Options_reject_out_of_range_values()
    {
        Assert.StartsWith("KernelOptions.MaxThreads must be between 1 and 256, got 0.", Assert.Throws<ArgumentOutOfRangeException>(() => KernelOptions.MaxThreads = 0).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelOptions.MaxThreads = 257);
        Assert.StartsWith("KernelOptions.ParallelThreshold must be at least", Assert.Throws<ArgumentOutOfRangeException>(() => KernelOptions.ParallelThreshold = KernelOptions.MinParallelThreshold - 1).Message, StringComparison.Ordinal);
        Assert.StartsWith("KernelOptions.StreamingThreshold must be 0 or more bytes", Assert.Throws<ArgumentOutOfRangeException>(() => KernelOptions.StreamingThreshold = -1).Message, StringComparison.Ordinal);
        Assert.Equal(1, KernelOptions.MaxThreads);
        Assert.Equal(KernelOptions.DefaultParallelThreshold, KernelOptions.ParallelThreshold);
    }
}
