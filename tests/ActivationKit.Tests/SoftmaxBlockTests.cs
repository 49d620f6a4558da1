using System.Runtime.Intrinsics;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Tests;

/// <summary>
/// Softmax, softmin and log-softmax over many short rows (up to 16 entries) go through blocks of rows, one row per lane
/// (<see cref="SoftmaxCoreFloat.SoftmaxBlocks{TV}"/>, <see cref="SoftmaxCoreFloat.LogSoftmaxBlocks{TV}"/>): those must give the bits of the one-row path row by row, decline
/// (unwritten) exactly the blocks that hold a row outside their arithmetic, and work in place.
/// </summary>
public class SoftmaxBlockTests
{
    private static readonly Lazy<List<SoftmaxWidthRows.Set>> ShortSets = new(() => SoftmaxWidthRows.All(0.05).Where(s => s.Columns <= SoftmaxCoreFloat.MaxBlockColumns).ToList());

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in new[] { "softmax", "softmin", "log_softmax" })
        {
            for (int n = 1; n <= SoftmaxCoreFloat.MaxBlockColumns; n++) data.Add(name, n);
        }

        return data;
    }

    /// <summary>
    /// Through the public API, every row length from 1 to 16 over the hard rows of <see cref="SoftmaxWidthRows"/> (NaN,
    /// ±∞, maxima outside the frames, −∞ rows) shifted by 0 to 16 rows so that the special rows fall at every position
    /// of a block, and over 2,000 random rows: the same bits as each row alone, out of place and in place.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Many_rows_give_the_bits_of_one_row_at_a_time(string name, int n)
    {
        var f = ActivationCatalog.Create(name);
        var hard = ShortSets.Value.Single(s => s.Columns == n).X;
        var failures = new List<string>();
        for (int shift = 0; shift <= 16; shift += 3)
        {
            // The hard rows from row `shift` on, then the ones before it.
            var x = hard.AsSpan(shift * n % hard.Length).ToArray().Concat(hard.AsSpan(0, shift * n % hard.Length).ToArray()).ToArray();
            Compare(f, x, n, $"hard rows shifted by {shift}", failures);
        }

        Compare(f, RandomRows(2000, n, seed: n), n, "random rows", failures);
        Assert.True(failures.Count == 0, $"{name}, rows of {n}: {string.Join("; ", failures.Take(10))}");
    }

    /// <summary>
    /// The blocks of every width the machine has, called directly (AVX-512 takes rows of 1, 2, 4, 8 and 16 in their own
    /// layout and gathers the other lengths; Vector256 and Vector128 always gather or turn the block by hand): a call
    /// stops exactly before the blocks that hold a row outside the short rows' arithmetic (NaN, +∞, a maximum outside
    /// [−150, 300]) and leaves them as they were; every entry before has the bits of the row alone.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_block_width_stops_at_the_rows_it_must_leave(string name, int n)
    {
        float sign = name == "softmin" ? -1f : 1f;
        bool log = name == "log_softmax";
        var x = RandomRows(400, n, seed: 100 + n);
        // Rows the float path declines, one in each of a few blocks: NaN, +∞, a maximum above 300, below −150.
        float[] specials = [float.NaN, float.PositiveInfinity, 400f * sign, -170f * sign];
        var rng = new Random(n);
        for (int k = 0; k < specials.Length; k++)
        {
            int row = 40 + (k * 77) + rng.Next(16);
            if (specials[k] < 0 || sign < 0 && specials[k] > 0)
            {
                // A maximum out of range needs every entry of the row there.
                for (int j = 0; j < n; j++) x[(row * n) + j] = specials[k] + j;
            }
            else
            {
                x[(row * n) + rng.Next(n)] = specials[k];
            }
        }

        // Zero entries of both signs: log-softmax's x − m keeps the sign of an entry −0 at a maximum 0.
        x[7 * n] = -0f;
        x[(9 * n) + (n - 1)] = 0f;
        var expected = OneRowAtATime(name, x, n, sign, out var declined);
        if (Vector512.IsHardwareAccelerated) CheckBlocks<V512<float>>(x, n, sign, log, expected, declined);
        if (Vector256.IsHardwareAccelerated) CheckBlocks<V256<float>>(x, n, sign, log, expected, declined);
        if (Vector128.IsHardwareAccelerated) CheckBlocks<V128<float>>(x, n, sign, log, expected, declined);
    }

    private static int Blocks<TV>(ReadOnlySpan<float> x, Span<float> y, int n, float sign, bool log) where TV : struct, IVec<TV>
        => log ? SoftmaxCoreFloat.LogSoftmaxBlocks<TV>(x, y, n) : SoftmaxCoreFloat.SoftmaxBlocks<TV>(x, y, n, sign);

    private static void CheckBlocks<TV>(float[] x, int n, float sign, bool log, float[] expected, bool[] declined) where TV : struct, IVec<TV>
    {
        int block = TV.Count * n;
        int whole = x.Length / block * block;
        var y = new float[x.Length];
        int start = 0;
        int stops = 0;
        while (start < whole)
        {
            Array.Fill(y, 12345f, start, whole - start);
            int done = Blocks<TV>(x.AsSpan(start, whole - start), y.AsSpan(start, whole - start), n, sign, log);
            Assert.True(done % n == 0 && done <= whole - start, $"{typeof(TV).Name}: {done} entries done is not a number of whole rows within the call");
            Assert.DoesNotContain(true, declined.AsSpan(start / n, done / n).ToArray());
            for (int i = start; i < start + done; i++)
            {
                Assert.True(Same(expected[i], y[i]), $"{typeof(TV).Name}, rows of {n}: entry {i} is {y[i]:R}, one row at a time {expected[i]:R}");
            }

            start += done;
            if (start == whole) break;

            // A stop: the next block (or what is left) holds a declined row and is untouched.
            int rest = Math.Min(block, whole - start);
            Assert.Contains(true, declined.AsSpan(start / n, rest / n).ToArray());
            Assert.All(y.AsSpan(start, rest).ToArray(), v => Assert.Equal(12345f, v));
            start += rest;
            stops++;
        }

        Assert.True(stops > 0 || !declined.AsSpan(0, whole / n).ToArray().Contains(true), $"{typeof(TV).Name}: went through a block with a declined row");

        // In place: the same bits where the call took the rows.
        var inPlace = (float[])x.Clone();
        int doneInPlace = Blocks<TV>(inPlace.AsSpan(0, whole), inPlace.AsSpan(0, whole), n, sign, log);
        for (int i = 0; i < doneInPlace; i++) Assert.True(Same(expected[i], inPlace[i]), $"{typeof(TV).Name} in place: entry {i}");
        for (int i = doneInPlace; i < whole; i++) Assert.True(Same(x[i], inPlace[i]), $"{typeof(TV).Name} in place: entry {i} past the stop was written");
    }

    /// <summary>
    /// Each row alone through the public API, and whether it needs more than the short rows' arithmetic (a maximum of
    /// sign·x outside the scaled frames' [−150, 300], or a NaN entry): the rows a block must not take.
    /// </summary>
    private static float[] OneRowAtATime(string name, float[] x, int n, float sign, out bool[] declined)
    {
        var f = ActivationCatalog.Create(name);
        var y = new float[x.Length];
        declined = new bool[x.Length / n];
        for (int r = 0; r < declined.Length; r++)
        {
            var row = x.AsSpan(r * n, n);
            f.Forward(row, y.AsSpan(r * n, n), n);
            float max = float.NegativeInfinity;
            bool nan = false;
            foreach (float v in row)
            {
                max = Math.Max(max, sign * v);
                nan |= float.IsNaN(v);
            }

            declined[r] = nan || !(max >= -150f && max <= 300f);
        }

        return y;
    }

    private static void Compare(Activation f, float[] x, int n, string what, List<string> failures)
    {
        var all = new float[x.Length];
        f.Forward(x, all, n);
        var inPlace = (float[])x.Clone();
        f.Forward(inPlace, inPlace, n);
        for (int r = 0; r < x.Length / n; r++)
        {
            var alone = new float[n];
            f.Forward(x.AsSpan(r * n, n), alone, n);
            for (int j = 0; j < n; j++)
            {
                int i = (r * n) + j;
                if (!Same(alone[j], all[i])) failures.Add($"{what}: row {r} entry {j} is {all[i]:R}, alone {alone[j]:R}");
                if (!Same(alone[j], inPlace[i])) failures.Add($"{what}: row {r} entry {j} in place is {inPlace[i]:R}, alone {alone[j]:R}");
            }
        }
    }

    /// <summary>Rows of logits: Normal(0, σ) with σ from 0.1 to 30 by row, some rows shifted by up to ±120.</summary>
    private static float[] RandomRows(int rows, int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * n];
        for (int r = 0; r < rows; r++)
        {
            double sigma = new[] { 0.1, 1, 3, 10, 30 }[r % 5];
            double offset = r % 7 == 0 ? (rng.NextDouble() * 240) - 120 : 0;
            for (int j = 0; j < n; j++)
            {
                double u1 = 1.0 - rng.NextDouble();
                double u2 = rng.NextDouble();
                x[(r * n) + j] = (float)(offset + (sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)));
            }
        }

        return x;
    }

    private static bool Same(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b) || (float.IsNaN(a) && float.IsNaN(b));
}
