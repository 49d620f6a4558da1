using System.Runtime.InteropServices;
using ActivationKit.Catalog;

namespace ActivationKit.Tests;

/// <summary>
/// Streaming (non-temporal) stores for large outputs (<see cref="KernelOptions.StreamingThreshold"/>) change where the
/// results go, never their bits: every element-wise function, both precisions, every start alignment and length
/// (the elements before the first 64-byte boundary and after the last whole line take ordinary stores).
/// </summary>
[Collection(KernelOptionsCollection.Name)]
public class StreamingStoreTests
{
    // 40,000: more than two of the driver's blocks for calls whose marked lanes are redone after the loop.
    private static readonly int[] Lengths = [0, 1, 15, 16, 17, 47, 1000, 4133, 40000];

    [Theory]
    [MemberData(nameof(CatalogData.ElementwiseNames), MemberType = typeof(CatalogData))]
    public void Streamed_results_are_bit_identical_to_cached_ones(string name)
    {
        var f = CatalogData.Elementwise(name);
        var rng = new Random(11);
        foreach (int n in Lengths)
        {
            for (int offset = 0; offset < 16; offset += n > 100 ? 5 : 3)
            {
                var x = Enumerable.Range(0, n + offset).Select(_ => (float)((rng.NextDouble() - 0.5) * 60)).ToArray();
                var dy = Enumerable.Range(0, n + offset).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
                var xd = x.Select(v => (double)v).ToArray();
                var dyd = dy.Select(v => (double)v).ToArray();
                var cached = Run(f, x, dy, xd, dyd, offset, n, long.MaxValue);
                var streamed = Run(f, x, dy, xd, dyd, offset, n, 0);
                for (int k = 0; k < cached.Length; k++)
                {
                    Assert.True(cached[k].SequenceEqual(streamed[k]), $"{name}: output {k} differs for n = {n}, offset {offset}");
                }
            }
        }
    }

    [Fact]
    public unsafe void A_destination_not_aligned_to_its_element_size_is_written_correctly()
    {
        var f = ActivationCatalog.Create("sigmoid");
        const int n = 1000;
        var x = Enumerable.Range(0, n).Select(i => (i - 500) / 50f).ToArray();
        var expected = new float[n];
        f.Forward(x, expected);
        byte* raw = (byte*)NativeMemory.AlignedAlloc((nuint)(n * sizeof(float)) + 64, 64);
        long saved = KernelOptions.StreamingThreshold;
        try
        {
            KernelOptions.StreamingThreshold = 0;
            // One byte past a line boundary: no float of it ever starts a line, so nothing can stream.
            var y = new Span<float>(raw + 1, n);
            f.Forward(x, y);
            Assert.True(y.SequenceEqual(expected));
        }
        finally
        {
            KernelOptions.StreamingThreshold = saved;
            NativeMemory.AlignedFree(raw);
        }
    }

    [Fact]
    public void The_threshold_rejects_negative_values_and_defaults_to_20_MiB()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelOptions.StreamingThreshold = -1);
        Assert.Equal(20L << 20, KernelOptions.DefaultStreamingThreshold);
        Assert.Equal(KernelOptions.DefaultStreamingThreshold, KernelOptions.StreamingThreshold);
    }

    private static float[][] Run(ElementwiseActivation f, float[] x, float[] dy, double[] xd, double[] dyd, int offset, int n, long threshold)
    {
        long saved = KernelOptions.StreamingThreshold;
        try
        {
            KernelOptions.StreamingThreshold = threshold;
            var y = new float[n + offset];
            var dx = new float[n + offset];
            var yd = new double[n + offset];
            var dxd = new double[n + offset];
            f.Forward(x.AsSpan(offset, n), y.AsSpan(offset, n));
            f.Backward(x.AsSpan(offset, n), dy.AsSpan(offset, n), dx.AsSpan(offset, n));
            f.Forward(xd.AsSpan(offset, n), yd.AsSpan(offset, n));
            f.Backward(xd.AsSpan(offset, n), dyd.AsSpan(offset, n), dxd.AsSpan(offset, n));
            var outputs = new List<float[]> { y, dx, Bits(yd), Bits(dxd) };
            if (f.SupportsBackwardFromOutput)
            {
                var g = new float[n + offset];
                var gd = new double[n + offset];
                f.BackwardFromOutput(y.AsSpan(offset, n), dy.AsSpan(offset, n), g.AsSpan(offset, n));
                f.BackwardFromOutput(yd.AsSpan(offset, n), dyd.AsSpan(offset, n), gd.AsSpan(offset, n));
                outputs.Add(g);
                outputs.Add(Bits(gd));
            }

            return [.. outputs];
        }
        finally
        {
            KernelOptions.StreamingThreshold = saved;
        }
    }

    // Doubles compared bit for bit (NaN payloads and signed zeros included) through their halves.
    private static float[] Bits(double[] v) => MemoryMarshal.Cast<double, float>(v).ToArray();
}

/// <summary>Tests that change the process-wide <see cref="KernelOptions"/> run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class KernelOptionsCollection
{
    public const string Name = "KernelOptions";
}
