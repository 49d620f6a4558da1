using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
    /// of a block (steps of 3), rows with a zero maximum, and 2,015 random rows: the same bits as each row alone, out of
    /// place and in place.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Many_rows_give_the_bits_of_one_row_at_a_time(string name, int n)
    {
        var f = ActivationCatalog.Create(name);
        var hard = ShortSets.Value.Single(s => s.Columns == n).X;
        // Rows whose maximum is a zero of either sign, with entries −0 and +0 (log-softmax's x − m keeps the sign).
        hard = [.. hard, .. ZeroRows(n)];
        var failures = new List<string>();
        for (int shift = 0; shift <= 16; shift += 3)
        {
            // The hard rows from row `shift` on, then the ones before it.
            var x = hard.AsSpan(shift * n % hard.Length).ToArray().Concat(hard.AsSpan(0, shift * n % hard.Length).ToArray()).ToArray();
            Compare(f, x, n, $"hard rows shifted by {shift}", failures);
        }

        // 125 blocks of 16, then one of 8, one of 4 and three rows alone: every width and the one-row remainder.
        Compare(f, RandomRows(2015, n, seed: n), n, "random rows", failures);
        Assert.True(failures.Count == 0, $"{name}, rows of {n}: {string.Join("; ", failures.Take(10))}");
    }

    public static TheoryData<string, int, bool> BackwardCases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (string name in new[] { "softmax", "softmin", "log_softmax" })
        {
            foreach (bool fromOutput in new[] { false, true })
            {
                for (int n = 1; n <= SoftmaxCoreFloat.MaxBlockColumns; n++) data.Add(name, n, fromOutput);
            }
        }

        return data;
    }

    /// <summary>
    /// The backward from the input, and from the output, over many short rows (blocks of rows) against each row alone:
    /// the hard rows and 2,015 random ones (from the output: their forward outputs, NaN and ±∞ included, and the raw rows
    /// as outputs no forward gives), dy uniform with some entries huge, infinite, NaN, −0 or subnormal (Σe·dy, ⟨dy, y⟩ or
    /// Σdy not finite: those rows go one at a time), and dy all −0, out of place, over dy and over the first input; and
    /// every width's blocks called directly stop only at such rows.
    /// </summary>
    [Theory]
    [MemberData(nameof(BackwardCases))]
    public void Backward_of_many_rows_gives_the_bits_of_one_row_at_a_time(string name, int n, bool fromOutput)
    {
        var f = ActivationCatalog.Create(name);
        float[] hard = [.. ShortSets.Value.Single(s => s.Columns == n).X, .. ZeroRows(n)];
        var random = RandomRows(2015, n, seed: 50 + n);
        var sets = new List<(string What, float[] A)> { ("hard rows", hard), ("random rows", random) };
        if (fromOutput) sets.AddRange([("outputs of the hard rows", Forward(f, hard, n)), ("outputs of random rows", Forward(f, random, n))]);
        var failures = new List<string>();
        // dy with a few special entries (±∞, huge, NaN, −0, subnormal), and dy all −0 (sums of zeros keep or lose the
        // sign as the one-row path's do).
        float[] specials = [float.PositiveInfinity, 3e38f, float.NaN, -0f, float.NegativeInfinity, 1e-40f, -1e-45f];
        var rng = new Random(n);
        foreach (var (what, a, dy) in sets.SelectMany(set => new[]
        {
            (set.What, set.A, Enumerable.Range(0, set.A.Length).Select(_ => rng.Next(100) == 0 ? specials[rng.Next(specials.Length)] : (float)((rng.NextDouble() * 2) - 1)).ToArray()),
            (set.What + " with dy all −0", set.A, Enumerable.Repeat(-0f, set.A.Length).ToArray()),
        }))
        {
            void Run(ReadOnlySpan<float> first, ReadOnlySpan<float> g, Span<float> dx)
            {
                if (fromOutput) f.BackwardFromOutput(first, g, dx, n);
                else f.Backward(first, g, dx, n);
            }

            var all = new float[a.Length];
            Run(a, dy, all);
            var overDy = (float[])dy.Clone();
            Run(a, overDy, overDy);
            var overA = (float[])a.Clone();
            Run(overA, dy, overA);
            for (int r = 0; r < a.Length / n; r++)
            {
                var alone = new float[n];
                Run(a.AsSpan(r * n, n), dy.AsSpan(r * n, n), alone);
                for (int j = 0; j < n; j++)
                {
                    int i = (r * n) + j;
                    if (!Same(alone[j], all[i]) || !Same(alone[j], overDy[i]) || !Same(alone[j], overA[i]))
                    {
                        failures.Add($"{what}: row {r} entry {j} is {all[i]:R} (over dy {overDy[i]:R}, over the input {overA[i]:R}), alone {alone[j]:R}");
                    }
                }
            }

            var kind = new BackwardKind(name, fromOutput);
            if (Vector512.IsHardwareAccelerated) CheckBackwardBlocks<V512<float>>(kind, a, dy, n, failures);
            if (Vector256.IsHardwareAccelerated) CheckBackwardBlocks<V256<float>>(kind, a, dy, n, failures);
            if (Vector128.IsHardwareAccelerated) CheckBackwardBlocks<V128<float>>(kind, a, dy, n, failures);
        }

        Assert.True(failures.Count == 0, $"{name} ({(fromOutput ? "from the output" : "from the input")}), rows of {n}: {failures.Count} differences: {string.Join("; ", failures.Take(10))}");
    }

    private static float[] Forward(Activation f, float[] x, int n)
    {
        var y = new float[x.Length];
        f.Forward(x, y, n);
        return y;
    }

    /// <summary>Which backward of which function: its blocks and its one-row float path, called directly.</summary>
    private readonly record struct BackwardKind(string Name, bool FromOutput)
    {
        private float Sign => Name == "softmin" ? -1f : 1f;

        public int Blocks<TV>(ReadOnlySpan<float> a, ReadOnlySpan<float> dy, Span<float> dx, int n) where TV : struct, IVec<TV>
            => (Name, FromOutput) switch
            {
                ("log_softmax", false) => SoftmaxCoreFloat.LogSoftmaxBackwardBlocks<TV>(a, dy, dx, n),
                ("log_softmax", true) => SoftmaxCoreFloat.LogSoftmaxBackwardFromOutputBlocks<TV>(a, dy, dx, n),
                (_, false) => SoftmaxCoreFloat.SoftmaxBackwardBlocks<TV>(a, dy, dx, n, Sign),
                _ => SoftmaxCoreFloat.SoftmaxBackwardFromOutputBlocks<TV>(a, dy, dx, n, Sign),
            };

        public bool OneRow(ReadOnlySpan<float> a, ReadOnlySpan<float> dy, Span<float> dx)
            => (Name, FromOutput) switch
            {
                ("log_softmax", false) => SoftmaxCoreFloat.LogSoftmaxBackward<S<float>>(a, dy, dx),
                ("log_softmax", true) => SoftmaxCoreFloat.LogSoftmaxBackwardFromOutput<S<float>>(a, dy, dx),
                (_, false) => SoftmaxCoreFloat.SoftmaxBackward<S<float>>(a, dy, dx, Sign),
                _ => SoftmaxCoreFloat.SoftmaxBackwardFromOutput<S<float>>(a, dy, dx, Sign),
            };
    }

    /// <summary>Where a width's backward blocks stop, the rows from there hold one the one-row float path declines, and are unwritten.</summary>
    private static void CheckBackwardBlocks<TV>(BackwardKind kind, float[] a, float[] dy, int n, List<string> failures) where TV : struct, IVec<TV>
    {
        int block = TV.Count * n;
        int whole = a.Length / block * block;
        var dx = new float[a.Length];
        int start = 0;
        while (start < whole)
        {
            Array.Fill(dx, 12345f, start, whole - start);
            int done = kind.Blocks<TV>(a.AsSpan(start, whole - start), dy.AsSpan(start, whole - start), dx.AsSpan(start, whole - start), n);
            for (int r = start / n; r < (start + done) / n; r++)
            {
                var alone = new float[n];
                bool taken = kind.OneRow(a.AsSpan(r * n, n), dy.AsSpan(r * n, n), alone);
                if (!taken) failures.Add($"{typeof(TV).Name}: row {r} taken by a block but declined by the one-row path");
                else if (!Enumerable.Range(0, n).All(j => Same(alone[j], dx[(r * n) + j]))) failures.Add($"{typeof(TV).Name}: row {r} differs from the one-row path");
            }

            start += done;
            if (start == whole) break;
            int rest = Math.Min(block, whole - start);
            bool anyDeclined = false;
            for (int r = start / n; r < (start + rest) / n; r++) anyDeclined |= !kind.OneRow(a.AsSpan(r * n, n), dy.AsSpan(r * n, n), new float[n]);
            if (!anyDeclined) failures.Add($"{typeof(TV).Name}: stopped at row {start / n} with no row there that the one-row path declines");
            if (dx.AsSpan(start, rest).ToArray().Any(v => v != 12345f)) failures.Add($"{typeof(TV).Name}: wrote into the rows it stopped at ({start / n})");
            start += rest;
        }
    }

    /// <summary>
    /// The blocks of every width the machine has, called directly (AVX-512 takes softmax rows of 1, 2, 4, 8 and 16 in
    /// their own layout and gathers the others; Vector256 and Vector128 always gather or turn the block by hand): a call
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

        // Rows with a zero maximum of either sign (log-softmax's x − m keeps the sign of an entry −0 at a maximum 0).
        ZeroRows(n).CopyTo(x, 7 * n);
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

    /// <summary>Rows [−0, −1, −2, …], [+0, −0, −3, …] and [−0, +0, …] of length n.</summary>
    private static float[] ZeroRows(int n)
    {
        var rows = new float[3 * n];
        for (int j = 0; j < n; j++)
        {
            rows[j] = j == 0 ? -0f : -j;
            rows[n + j] = j == 0 ? 0f : j == 1 ? -0f : -j;
            rows[(2 * n) + j] = j % 2 == 0 ? -0f : 0f;
        }

        return rows;
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

/// <summary>
/// The pieces of the blocks of rows against the one-row path's, bit for bit, on values chosen so that they would show a
/// wrong order of additions or a wrong rounding (a double sum of at most sixteen floats is exact unless they span more
/// than about 2^29, and a last-bit change of Σt almost never reaches a float output, so the whole-row comparisons alone
/// would rarely see one).
/// </summary>
public class SoftmaxBlockPieceTests
{
    /// <summary>Floats m·2^k with k across ±70 and some zeros: sums of them round in double.</summary>
    private static float[] SpreadFloats(int count, int seed)
    {
        var rng = new Random(seed);
        var t = new float[count];
        for (int i = 0; i < t.Length; i++) t[i] = rng.Next(8) == 0 ? 0f : (float)((1 + rng.NextDouble()) * Math.ScaleB(1.0, rng.Next(-70, 71)));
        return t;
    }

    /// <summary>The canonical fold of one row of up to 16 entries (zeros in the lanes it leaves empty).</summary>
    private static double CanonicalSum(ReadOnlySpan<float> row)
    {
        var lanes = new float[16];
        row.CopyTo(lanes);
        return FloatLanes16Fold.Of(Vector512.Create(lanes));
    }

    [Fact]
    public void Column_sums_add_the_pairs_of_the_canonical_fold()
    {
        for (int columns = 1; columns <= SoftmaxCoreFloat.MaxBlockColumns; columns++)
        {
            if (Vector512.IsHardwareAccelerated) CheckColumns<V512<double>>(columns);
            if (Vector256.IsHardwareAccelerated) CheckColumns<V256<double>>(columns);
            if (Vector128.IsHardwareAccelerated) CheckColumns<V128<double>>(columns);
        }
    }

    private static void CheckColumns<TD>(int columns) where TD : struct, IVec<TD>
    {
        int rows = TD.Count;
        for (int trial = 0; trial < 200; trial++)
        {
            // Column-major: entry j of row r at j·rows + r.
            var t = SpreadFloats(rows * columns, (columns * 1000) + trial);
            var sums = new double[rows];
            var total = SoftmaxCoreFloat.FoldColumns<TD>(ref t[0], rows, columns);
            for (int r = 0; r < rows; r++)
            {
                var row = new float[columns];
                for (int j = 0; j < columns; j++) row[j] = t[(j * rows) + r];
                double expected = CanonicalSum(row);
                double got = GetLane(total, r);
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(got), $"{typeof(TD).Name}, rows of {columns}, trial {trial}, row {r}: {got:R}, canonical {expected:R}");
            }
        }
    }

    [Fact]
    public void Tiled_row_sums_add_the_pairs_of_the_canonical_fold()
    {
        if (!Avx512F.IsSupported) return;
        foreach (int columns in new[] { 1, 2, 4, 8, 16 })
        {
            var swaps = new SoftmaxCoreFloat.LaneSwaps(columns);
            for (int trial = 0; trial < 500; trial++)
            {
                var t = SpreadFloats(16, (columns * 7919) + trial);
                swaps.RowSums(new V512<float>(Vector512.Create(t)), out var lo, out var hi);
                for (int lane = 0; lane < 16; lane++)
                {
                    int row = lane / columns;
                    double expected = CanonicalSum(t.AsSpan(row * columns, columns));
                    double got = lane < 8 ? lo.GetElement(lane) : hi.GetElement(lane - 8);
                    Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(got), $"rows of {columns}, trial {trial}, lane {lane}: {got:R}, canonical {expected:R}");
                }
            }
        }
    }

    /// <summary>Maxima across [−150, 300], and those whose m·log2 e lies next to a half-integer (where rounding m·log2 e differently would move N).</summary>
    private static List<float> Maxima()
    {
        var rng = new Random(3);
        var maxima = new List<float> { -150f, 300f, 0f, -0f, float.Epsilon, -float.Epsilon };
        for (int i = 0; i < 2000; i++) maxima.Add((float)((rng.NextDouble() * 450) - 150));
        for (int k = -217; k <= 432; k++)
        {
            float m = (float)((k + 0.5) / 1.4426950408889634);
            maxima.Add(m);
            maxima.Add(MathF.BitIncrement(m));
            maxima.Add(MathF.BitDecrement(m));
        }

        return maxima.Where(m => m >= -150f && m <= 300f).ToList();
    }

    [Fact]
    public void Frame_tops_are_those_of_the_one_row_frames()
    {
        var maxima = Maxima();
        if (Vector512.IsHardwareAccelerated) CheckTops<V512<double>>(maxima);
        if (Vector256.IsHardwareAccelerated) CheckTops<V256<double>>(maxima);
        if (Vector128.IsHardwareAccelerated) CheckTops<V128<double>>(maxima);
    }

    private static void CheckTops<TD>(List<float> maxima) where TD : struct, IVec<TD>
    {
        var lanes = new float[TD.Count];
        var tops = new float[TD.Count];
        for (int start = 0; start + TD.Count <= maxima.Count; start += TD.Count)
        {
            maxima.CopyTo(start, lanes, 0, TD.Count);
            foreach (var (bias, reach) in new[] { (SoftmaxCoreFloat.GuessBias, SoftmaxCoreFloat.GuessFloorReach), (SoftmaxCoreFloat.ScaleBias, SoftmaxCoreFloat.RangedFloorReach) })
            {
                var m = Lanes.LoadWidened<TD>(ref lanes[0]);
                Lanes.StoreNarrowed(SoftmaxCoreFloat.FrameTop(m, bias), ref tops[0]);
                for (int i = 0; i < TD.Count; i++)
                {
                    float expected = new SoftmaxCoreFloat.ScaledFrame(lanes[i], bias, reach).Top;
                    Assert.True(expected == tops[i], $"{typeof(TD).Name}, bias {bias}: maximum {lanes[i]:R} gives top {tops[i]:R}, the one-row frame {expected:R}");
                }
            }
        }
    }

    [Fact]
    public void Tiled_frames_and_scaling_are_those_of_the_one_row_path()
    {
        if (!Avx512F.IsSupported) return;
        var maxima = Maxima();
        var rng = new Random(11);
        foreach (int columns in new[] { 1, 2, 4, 8, 16 })
        {
            var swaps = new SoftmaxCoreFloat.LaneSwaps(columns);
            int rows = 16 / columns;
            for (int start = 0; start + rows <= maxima.Count; start += rows)
            {
                // Each row's maximum in all of its lanes, as the butterfly leaves it.
                var max = new float[16];
                for (int lane = 0; lane < 16; lane++) max[lane] = maxima[start + (lane / columns)];
                var top = swaps.Top(new V512<float>(Vector512.Create(max))).Value;

                // Row sums (the same in every lane of a row) and entries t, scaled by 1/Σt as two floats.
                var sums = new double[16];
                var t = new float[16];
                for (int lane = 0; lane < 16; lane++)
                {
                    sums[lane] = lane % columns == 0 ? (1 + rng.NextDouble()) * Math.ScaleB(1.0, rng.Next(-40, 100)) : sums[lane - 1];
                    t[lane] = (float)(rng.NextDouble() * sums[lane]);
                }

                var scaled = swaps.Scale(new V512<float>(Vector512.Create(t)), Vector512.Create(sums.AsSpan(0, 8)), Vector512.Create(sums.AsSpan(8, 8))).Value;
                for (int lane = 0; lane < 16; lane++)
                {
                    float expectedTop = new SoftmaxCoreFloat.ScaledFrame(max[lane], SoftmaxCoreFloat.GuessBias, SoftmaxCoreFloat.GuessFloorReach).Top;
                    Assert.True(expectedTop == top.GetElement(lane), $"rows of {columns}: maximum {max[lane]:R} gives top {top.GetElement(lane):R}, the one-row frame {expectedTop:R}");
                    double inverse = 1.0 / sums[lane];
                    float hi = (float)inverse;
                    float lo = (float)(inverse - hi);
                    float expected = MathF.FusedMultiplyAdd(t[lane], hi, t[lane] * lo);
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(scaled.GetElement(lane)), $"rows of {columns}, lane {lane}: {scaled.GetElement(lane):R}, one row {expected:R}");
                }
            }
        }
    }

    /// <summary>
    /// ln s of log-softmax (<see cref="SoftmaxCoreFloat.LogOfSum{TD}"/>) for a register of rows gives each row the bits of
    /// the one-row path's scalar lanes, over maxima across the frame's range, sums below the maximum from 0 to far above
    /// the scale, and counts at the maximum from 1 to 16.
    /// </summary>
    [Fact]
    public void Log_sums_of_a_register_of_rows_are_those_of_one_row()
    {
        var maxima = Maxima();
        if (Vector512.IsHardwareAccelerated) CheckLogSums<V512<double>>(maxima);
        if (Vector256.IsHardwareAccelerated) CheckLogSums<V256<double>>(maxima);
        if (Vector128.IsHardwareAccelerated) CheckLogSums<V128<double>>(maxima);
    }

    private static void CheckLogSums<TD>(List<float> maxima) where TD : struct, IVec<TD>
    {
        var rng = new Random(5);
        var below = new double[TD.Count];
        var max = new double[TD.Count];
        var count = new double[TD.Count];
        var got = new double[TD.Count];
        for (int start = 0; start + TD.Count <= maxima.Count; start += TD.Count)
        {
            for (int i = 0; i < TD.Count; i++)
            {
                max[i] = maxima[start + i];
                below[i] = rng.Next(5) == 0 ? 0 : Math.ScaleB(1 + rng.NextDouble(), rng.Next(-80, 100));
                count[i] = 1 + rng.Next(16);
            }

            var ln = SoftmaxCoreFloat.LogOfSum(Lanes.Load<TD, double>(ref below[0]), Lanes.Load<TD, double>(ref max[0]), Lanes.Load<TD, double>(ref count[0]));
            Lanes.Store(ln, ref got[0]);
            for (int i = 0; i < TD.Count; i++)
            {
                double expected = SoftmaxCoreFloat.LogOfSum(new S<double>(below[i]), new S<double>(max[i]), new S<double>(count[i])).Value;
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(got[i]), $"{typeof(TD).Name}: below {below[i]:R}, maximum {max[i]:R}, count {count[i]}: {got[i]:R}, one row {expected:R}");
            }
        }
    }

    private static double GetLane<TD>(TD v, int lane) where TD : struct, IVec<TD>
    {
        var values = new double[TD.Count];
        Lanes.Store(v, ref values[0]);
        return values[lane];
    }
}
