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
    [InlineData("silu(beta=30)")]
    [InlineData("softplus(beta=5)")]
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
    [InlineData("glu", 100)]
    [InlineData("swiglu", 37)]
    [InlineData("reglu", 5)]
    [InlineData("geglu", 250)]
    public void Multi_threaded_gated_calls_are_bit_identical_to_one_thread(string name, int half)
    {
        // Rows are split across threads whole, in chunks of at least 2^16 inputs (three here, the last one short); each
        // chunk runs the one-thread path, in place too.
        var f = ActivationCatalog.Create(name);
        int rows = ((1 << 16) * 5 / (2 * half) / 2) + 7;
        var rng = new Random(3);
        var x = Enumerable.Range(0, rows * 2 * half).Select(_ => (float)((rng.NextDouble() - 0.5) * 30)).ToArray();
        var dy = Enumerable.Range(0, rows * half).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var (xd, dyd) = (x.Select(v => (double)v).ToArray(), dy.Select(v => (double)v).ToArray());
        (float[] Y, float[] G, double[] Yd, double[] Gd) Calls()
        {
            var (y, g, yd, gd) = (new float[rows * half], new float[x.Length], new double[rows * half], new double[x.Length]);
            f.Forward(x, y, 2 * half);
            f.Backward(x, dy, g, 2 * half);
            f.Forward(xd, yd, 2 * half);
            f.Backward(xd, dyd, gd, 2 * half);
            return (y, g, yd, gd);
        }

        var one = Calls();
        OnThreeThreads(() =>
        {
            var split = Calls();
            Assert.Equal(one.Y, split.Y);
            Assert.Equal(one.G, split.G);
            Assert.Equal(one.Yd, split.Yd);
            Assert.Equal(one.Gd, split.Gd);
            var inPlace = (float[])x.Clone();
            f.Backward(inPlace, dy, inPlace, 2 * half);
            Assert.Equal(one.G, inPlace);
        });
    }

    [Theory]
    [InlineData("softmax", 1000)]
    [InlineData("log_softmax", 37)]
    [InlineData("softmin", 10)]
    [InlineData("log_softmax", 4)]
    public void Multi_threaded_row_wise_calls_are_bit_identical_to_one_thread(string name, int columns)
    {
        // Rows are split across threads whole, in chunks of at least 2^16 entries (three here, the last one short; short
        // rows go through the blocks of rows in each chunk); in place too.
        var f = ActivationCatalog.Create(name);
        int rows = ((1 << 16) * 5 / columns / 2) + 7;
        var rng = new Random(5);
        var x = Enumerable.Range(0, rows * columns).Select(_ => (float)((rng.NextDouble() - 0.5) * 30)).ToArray();
        var dy = Enumerable.Range(0, rows * columns).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var (xd, dyd) = (x.Select(v => (double)v).ToArray(), dy.Select(v => (double)v).ToArray());
        (float[] Y, float[] G, float[] FromY, double[] Yd, double[] Gd) Calls()
        {
            var (y, g, fromY, yd, gd) = (new float[x.Length], new float[x.Length], new float[x.Length], new double[x.Length], new double[x.Length]);
            f.Forward(x, y, columns);
            f.Backward(x, dy, g, columns);
            f.BackwardFromOutput(y, dy, fromY, columns);
            f.Forward(xd, yd, columns);
            f.Backward(xd, dyd, gd, columns);
            return (y, g, fromY, yd, gd);
        }

        var one = Calls();
        OnThreeThreads(() =>
        {
            var split = Calls();
            Assert.Equal(one.Y, split.Y);
            Assert.Equal(one.G, split.G);
            Assert.Equal(one.FromY, split.FromY);
            Assert.Equal(one.Yd, split.Yd);
            Assert.Equal(one.Gd, split.Gd);
            var inPlace = (float[])x.Clone();
            f.Forward(inPlace, inPlace, columns);
            Assert.Equal(one.Y, inPlace);
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
        (Half[] Y, Half[] G, ushort[] Yb, ushort[] Gb, Half[] FromY, ushort[] FromYb) Calls()
        {
            var (y, g, yb, gb) = (new Half[n], new Half[n], new BFloat16[n], new BFloat16[n]);
            var (fromY, fromYb) = (new Half[n], new BFloat16[n]);
            f.Forward(xh, y);
            f.Backward(xh, dyh, g);
            f.Forward(xb, yb);
            f.Backward(xb, dyb, gb);
            f.BackwardFromOutput(y, dyh, fromY);
            f.BackwardFromOutput(yb, dyb, fromYb);
            return (y, g, yb.Select(v => v.RawValue).ToArray(), gb.Select(v => v.RawValue).ToArray(), fromY, fromYb.Select(v => v.RawValue).ToArray());
        }

        var one = Calls();
        var xTimesSlope = new Half[n];
        f.Backward(xh, (Half[])xh.Clone(), xTimesSlope);
        OnThreeThreads(() =>
        {
            var split = Calls();
            Assert.Equal(one.Y, split.Y);
            Assert.Equal(one.G, split.G);
            Assert.Equal(one.Yb, split.Yb);
            Assert.Equal(one.Gb, split.Gb);
            Assert.Equal(one.FromY, split.FromY);
            Assert.Equal(one.FromYb, split.FromYb);

            // The backward with dy the very span of x (a legal, if odd, call) is a backward, not a forward.
            var g = new Half[n];
            f.Backward(xh, xh, g);
            Assert.Equal(xTimesSlope, g);

            // In place.
            var inPlace = (Half[])xh.Clone();
            f.Forward(inPlace, inPlace);
            Assert.Equal(one.Y, inPlace);
        });
    }

    [Theory]
    [InlineData(int.MaxValue, 2)]
    [InlineData(int.MaxValue, 8)]
    [InlineData(2_000_000_000, 2)]
    [InlineData(1_912_602_625, 2)]
    [InlineData(16_384, 3)]
    [InlineData(1_000_003, 256)]
    public void Split_covers_every_length_with_whole_chunks(int length, int threads)
    {
        // Calls of 2·10⁹ elements need 4–8 GB, too much for a unit test, so the cut itself is checked: it made Chunks
        // negative above about 1.9·10⁹ elements (int overflow), no chunk ran, and the call waited for ever.
        var job = new CountingJob();
        job.Split(length, threads);
        Assert.True(job.Chunks > 0, $"{job.Chunks} chunks");
        Assert.True((long)job.Chunks * job.ChunkLength >= length, $"{job.Chunks} × {job.ChunkLength} < {length}");
        Assert.True((long)(job.Chunks - 1) * job.ChunkLength < length, $"chunk {job.Chunks - 1} starts past {length}");
        long covered = 0;
        for (int i = 0; i < job.Chunks; i++) covered += job.Count(i);
        Assert.Equal(length, covered);
    }

    private sealed class CountingJob : ActivationKit.Kernels.SpanJob
    {
        public int Count(int index)
        {
            ChunkAt(index, out int n);
            return n;
        }

        public override void RunChunk(int index) => Count(index);
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
