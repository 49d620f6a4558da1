using ActivationKit.Catalog;

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
        int threads = KernelOptions.MaxThreads, threshold = KernelOptions.ParallelThreshold;
        try
        {
            KernelOptions.MaxThreads = 3;
            KernelOptions.ParallelThreshold = KernelOptions.MinParallelThreshold;
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
        }
        finally
        {
            KernelOptions.MaxThreads = threads;
            KernelOptions.ParallelThreshold = threshold;
            KernelOptions.StreamingThreshold = KernelOptions.DefaultStreamingThreshold;
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
