using ActivationKit.Catalog;

namespace ActivationKit.Tests;

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
        var (y1, g1, yd1) = (new float[n], new float[n], new double[n]);
        f.Forward(x, y1);
        f.Backward(x, dy, g1);
        f.Forward(xd, yd1);

        int threads = KernelOptions.MaxThreads, threshold = KernelOptions.ParallelThreshold;
        try
        {
            KernelOptions.MaxThreads = 3;
            KernelOptions.ParallelThreshold = KernelOptions.MinParallelThreshold;
            var (y2, g2, yd2) = (new float[n], new float[n], new double[n]);
            f.Forward(x, y2);
            f.Backward(x, dy, g2);
            f.Forward(xd, yd2);
            Assert.Equal(y1, y2);
            Assert.Equal(g1, g2);
            Assert.Equal(yd1, yd2);

            // In place.
            var inPlace = (float[])x.Clone();
            f.Forward(inPlace, inPlace);
            Assert.Equal(y1, inPlace);
        }
        finally
        {
            KernelOptions.MaxThreads = threads;
            KernelOptions.ParallelThreshold = threshold;
        }
    }

    [Fact]
    public void Options_reject_out_of_range_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelOptions.MaxThreads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelOptions.MaxThreads = 257);
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelOptions.ParallelThreshold = KernelOptions.MinParallelThreshold - 1);
        Assert.Equal(1, KernelOptions.MaxThreads);
        Assert.Equal(KernelOptions.DefaultParallelThreshold, KernelOptions.ParallelThreshold);
    }
}
