using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Softmax, softmin and log-softmax over one float row in float lanes (sixteen per AVX-512 register), for rows whose
/// entries are not NaN and whose maximum is finite (−∞ entries, masked positions, are fine); other rows return false
/// and take the double-row path, which defines them.
/// </summary>
/// <remarks>
/// <para>
/// Rows whose maximum m lies in [−150, 300] (all practical logits) take the scaled path: e^v is computed from v itself
/// as p·2^n (no subtraction v − m, whose rounding a large |m| would amplify in the exponential), and each entry is
/// stored as t = p·2^(n − N + 64) with N the exponent of e^m, so t is a normal float for every entry within 131 of
/// the maximum and exactly 0 for the entries more than 120 below it (clamped to m − 120, where t is still normal, and
/// then zeroed: no operation on them underflows, which on Intel takes a microcode assist; this keeps |n| &lt; 512 for
/// an exact reduction and the power of two within <see cref="IVec{TV}.ScaleB"/>'s range). Then softmax is t/Σt, and log-softmax is
/// (v − m) − ln s with s = 1 + s′, s′ = Σ_{v &lt; m} t / (e^(m − N·ln 2)·2^64) + (k − 1), k the count of maxima.
/// Softmax rounds v − m nowhere; log-softmax rounds it, but v − m ≤ 0 and −ln s ≤ 0 have the same sign, so that
/// rounding is at most half an ULP of the result. The sum of t is compensated (fast two-sum against a running sum
/// that starts at 4·2^64, so every addend is smaller than it; the start is subtracted in double at the end); the
/// below-maximum sum of log-softmax keeps the full two-sum from zero, since a tiny s′ needs its relative accuracy.
/// Each pass is its own small method: one method with all passes spilled registers inside the loops (2× slower).
/// </para>
/// <para>
/// Softmax and softmin rows skip the range pass where they can (<see cref="GuessedPass{TV, TS}"/>): the frame comes
/// from the largest of the first max(128, n/8) entries, g ≤ m, with t = e^v·2^(32 − G) (G the exponent of e^g) and entries
/// clamped at g − 150, and the exponential pass itself tells whether the row fits: Σt at most 2^96 (m within about 44
/// of g) and every lane's running sum within twice its start of 2^39 (every t below it, so the fast two-sum was exact;
/// otherwise Σt is summed again from y). Rows that do not fit (and NaN or +∞ entries, whose Σt is NaN) take the range
/// pass after all; written over x, a row is checked before anything is stored. The range pass with its two reductions
/// cost about a sixth of a row of 1000 (0.228 → 0.188 ns/element without it, in a throwaway build); the guessed pass,
/// which clamps every entry and sums about one row in twenty twice, keeps about half of that.
/// </para>
/// <para>
/// Other rows (a maximum beyond that range) use the exact-shift algorithm of the double rows: d + lo = v − m exactly (TwoSum), e = e^d·(1 + lo) with the float exp, and the
/// sum split as 1 + s′ with s′ = Σ_{below the maximum} e + (k − 1). The float sums are compensated per lane (TwoSum)
/// and reduced in double, so s carries far less than a float ULP of error whatever the row length. Softmax then
/// multiplies by 1/s held as two floats (one rounding of the product: about 2 ULP in all, the float exp's included);
/// log-softmax subtracts ln s = log1p(s′), computed in double and split into two floats, from the exact d + lo
/// (about 2 ULP).
/// </para>
/// <para>
/// Every float sum over a row (the exponentials, the sum below the maximum, ⟨dy, y⟩, Σdy) runs over sixteen canonical
/// lanes whatever the register width (<see cref="FloatLanes16x1{TV}"/> and its siblings: entry i in lane i mod 16, each
/// lane in index order, the lanes added in double in one fixed tree), the double-lane sums of the backward from the
/// input over eight (<see cref="DoubleLanes8x1{TD}"/> and its siblings), and every choice of arithmetic depends on the
/// row alone (its length, its guess over a whole number of blocks of sixteen, its maximum and minimum, flags over all
/// sixteen lanes), never on the width: so every instruction-set path returns the same bits by construction. Each
/// pass takes the lanes of its width as a type argument (TA), picked from TV where it is called.
/// </para>
/// </remarks>
internal static partial class SoftmaxCoreFloat
{

    private const double Log2E = VMath.Log2E;
    private const double Ln2HiF = VMath.Ln2HiF;   // fdlibm's float ln 2 split (e_expf.c)
    private const double Ln2LoF = VMath.Ln2LoF;
    private const double RoundingShift = 12582912.0;  // 1.5·2^23: adding it rounds a float below 2^22 to an integer
    private const float ScaledLowest = -150f;
    private const float ScaledHighest = 300f;
    internal const int ScaleBias = 64;
    private const int GuessLength = 128;     // the guessed pass takes g from the first max(128, n/8) entries (see Guess)
    internal const int GuessBias = 32;        // the guessed pass's t = e^v·2^(32 − G), G the exponent of e^g
    // Entries more than this below the guess are clamped to it (and their t zeroed): there t = e^v·2^(32 − G) is still a
    // normal float (2^−122 at least, so no operation on it underflows), and above 104 their softmax rounds to 0 even at
    // the row's true maximum, which is at or above the guess. 150 until 2026-12-05.
    internal const float GuessFloorReach = 106f;

    // The same for the ranged frame (t = e^v·2^(64 − N), at least 2^−110 here); 200 until 2026-12-05. Log-softmax
    // loses terms below e^−120 of its sum, at most n·2^−173.
    internal const float RangedFloorReach = 120f;
    private const double GuessSumStart = 549755813888.0;                  // 2^39: t up to it keeps the fast two-sum exact
    private const int ShortSumLength = 32;   // rows up to this long sum their t with the two-sum from 0 instead (ShortRow on AVX-512)
    private const double GuessLimit = 79228162514264337593543950336.0;    // 2^96: the largest Σt the guessed pass accepts
    private const double GuessSureLog2 = 62.0;   // (m − g)·log2 e + log2 n up to this: Σt < n·2^(33.5 + (m − g)·log2 e) ≤ 2^96
    private const int ShortGradientLength = 64;      // softmax, softmin and log-softmax gradients of rows up to this long keep their exponentials on the stack,
    private const int KeptGradientLength = 65536;    // and up to this long in a buffer of the thread's (512 KiB at most)
    private const double ScaleBiasFactor = 18446744073709551616.0;   // 2^64
    private const double SumStart = 4.0 * ScaleBiasFactor;          // above every t (t < 1.42·2^65)

    // e^r = 1 + r + r²·(1/2 + r·(c2 + r·(c3 + r·(c4 + r·c5)))) on |r| ≤ ln2/2 (tools/poly/fit_expm1.py 4: 0.16 ULP).
    private const float ExpC5 = 0.0013926175888627768f;
    private const float ExpC4 = 0.008363173343241215f;
    private const float ExpC3 = 0.041666556149721146f;
    private const float ExpC2 = 0.16666577756404877f;

    /// <summary>Applies the row's sign (softmax: +, softmin: −) at no cost for +.</summary>
    private interface ISign
    {
        static abstract float Value { get; }

        static abstract TV Apply<TV>(TV v) where TV : struct, IVec<TV>;
    }

    private readonly struct Plus : ISign
    {
        public static float Value => 1f;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV>(TV v) where TV : struct, IVec<TV> => v;
    }

    private readonly struct Minus : ISign
    {
        public static float Value => -1f;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV>(TV v) where TV : struct, IVec<TV> => -v;
    }

    /// <summary>
    /// A compile-time switch of a pass: TClamp: whether entries are clamped from below (rows reaching more than
    /// <see cref="RangedFloorReach"/> below their maximum, or <see cref="GuessFloorReach"/> below the guess, −∞ included); TCheckNaN: whether the first pass looks for NaN entries (or leaves that to the sums).
    /// </summary>
    private interface IFlag
    {
        static abstract bool On { get; }
    }

    private readonly struct Yes : IFlag
    {
        public static bool On => true;
    }

    private readonly struct No : IFlag
    {
        public static bool On => false;
    }

    /// <summary>softmax(sign·x) or log_softmax(sign·x) for one row (TV: float lanes, TV.Count ≤ x.Length); y may be x.</summary>
    public static bool Forward<TV>(ReadOnlySpan<float> x, Span<float> y, float sign, bool log) where TV : struct, IVec<TV>
        => sign > 0 ? Forward<TV, Plus>(x, y, log) : Forward<TV, Minus>(x, y, log);

    private static bool Forward<TV, TS>(ReadOnlySpan<float> x, Span<float> y, bool log)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
        => (x.Length <= 2 * TV.Count && ShortRow<TV, TS>(x, y, log))
            || (!log && (x.Overlaps(y) ? GuessedInPlace<TV, TS>(x, y) : GuessedForward<TV, TS>(x, y)))
            || RangedForward<TV, TS>(x, y, log);

    /// <summary>
    /// softmax(sign·x) or log_softmax(sign·x) of a row of at most two registers (rows of 10 classes, say) in one method:
    /// both registers loaded (the second overlapping the first when the row is shorter), the maximum, the exponentials,
    /// their sum and the outputs, with no pass of its own per step. The same frames and arithmetic as the longer rows
    /// (softmax: the guessed frame with g the maximum itself and, for rows of up to <see cref="ShortSumLength"/>, the
    /// two-sum from 0 of <see cref="GuessedSum{TV, TS, TClamp, TStore}"/>; log-softmax: the ranged frame, the sum below
    /// the maximum and the count at it), in the same canonical lanes, so a row gives the same bits here as through the
    /// passes of a narrower width. False, having written nothing, for rows the scaled frames do not cover (a maximum
    /// outside [−150, 300], NaN or +∞ entries), which take the general path. 16,384 rows of 10: softmax 20 → 18 ns per
    /// row (TensorPrimitives.SoftMax 22.5 in the same process), log-softmax 40 → 34; rows of 32: 70 → 33 (the passes
    /// one by one, paired). Rows in pairs gain nothing here. Many rows of up to 16 entries go through
    /// <see cref="SoftmaxBlocks{TV}"/> and <see cref="LogSoftmaxBlocks{TV}"/> instead, with the same bits; this method takes
    /// the rows those leave (a lone row, the last few, the rows of a block they decline) and rows of 17 to 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ShortRow<TV, TS>(ReadOnlySpan<float> x, Span<float> y, bool log)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
        => typeof(TV) == typeof(V512<float>) ? ShortRow<TV, FloatLanes16x1<TV>, TS>(x, y, log)
            : typeof(TV) == typeof(V256<float>) ? ShortRow<TV, FloatLanes16x2<TV>, TS>(x, y, log)
            : typeof(TV) == typeof(V128<float>) ? ShortRow<TV, FloatLanes16x4<TV>, TS>(x, y, log)
            : ShortRow<TV, FloatLanes16x16<TV>, TS>(x, y, log);

    /// <summary><see cref="ShortRow{TV, TS}"/> with the canonical lanes <typeparamref name="TA"/> of TV's width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool ShortRow<TV, TA, TS>(ReadOnlySpan<float> x, Span<float> y, bool log)
        where TV : struct, IVec<TV>
        where TA : struct, IFloatLanes16<TV, TA>
        where TS : struct, ISign
    {
        int n = x.Length;
        int second = n - TV.Count;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        var a = TS.Apply(Lanes.Load<TV, float>(ref px));
        var b = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, second)));
        // The entries from Count on (the second register's lanes that the first did not cover, all of them for a row of
        // two whole registers) are the next register of a block of sixteen (FloatLanes16): their sums take them rotated
        // to its first lanes, with zeros above them.
        int fresh = n - TV.Count;
        var front = TA.Front(fresh);
        float max = Lanes.ExtremeOfFloats(TV.Max(a, b), largest: true);
        if (!(max >= ScaledLowest && max <= ScaledHighest)) return false;
        var frame = log ? new ScaledFrame(max) : GuessedFrame(max);
        var floor = TV.Create(frame.Floor);
        var top = TV.Create(frame.Top);
        ExpConstants(0f, out TV log2E, out TV shift, out TV minusLn2Hi, out TV minusLn2Lo, out TV c5, out TV c4, out TV c3, out TV c2);
        var ta = ScaledExp<TV, Yes>(a, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
        if (!log && fresh == 0)
        {
            // A row of exactly one register (4, 8 or 16 classes): the second register is the first again, adding zeros
            // to the sum; one exponential and one store give the same bits.
            double single = TA.TotalOfFirstTwo(ta, TV.Zero);
            if (!(single > 0)) return false;
            var hiOnly = TV.Create(FloatPair(1.0 / single, out float loOnly));
            Lanes.Store(TimesPair(ta, hiOnly, TV.Create(loOnly)), ref py);
            return true;
        }

        if (!log)
        {
            var tb = ScaledExp<TV, Yes>(b, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
            // The guessed pass's sum for rows of up to ShortSumLength in its frame with g = m (two-sum from 0).
            double total = TA.TotalOfFirstTwo(ta, TV.And(front, TA.Rotate(tb, fresh)));
            // A NaN entry makes the sum NaN.
            if (!(total > 0)) return false;
            var hi = TV.Create(FloatPair(1.0 / total, out float loValue));
            var lo = TV.Create(loValue);
            Lanes.Store(TimesPair(ta, hi, lo), ref py);
            Lanes.Store(TimesPair(tb, hi, lo), ref Unsafe.Add(ref py, second));
            return true;
        }

        // BelowTopPass's sum: two-sum from zero over the entries below the maximum, and the count at it (the lanes the
        // first register covered count as below the maximum in the second, and are left out of its sum).
        var bFront = TA.Rotate(b, fresh);
        var tFront = ScaledExp<TV, Yes>(bFront, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
        var m = TV.Create(max);
        var w = TV.Select(front, bFront, TV.Create(float.NegativeInfinity));
        double belowSum = TA.TotalOfFirstTwo(TV.SelectWhereEqual(a, m, TV.Zero, ta), TV.SelectWhereEqual(w, m, TV.Zero, TV.And(front, tFront)));
        int atTop = TV.CountWhereEqual(a, m) + TV.CountWhereEqual(w, m);
        if (double.IsNaN(belowSum)) return false;
        var lnHi = TV.Create(FloatPair(LogOfSum(belowSum, max, atTop), out float lnLoValue));
        var lnLo = TV.Create(lnLoValue);
        Lanes.Store(MinusPair(a - m, lnHi, lnLo), ref py);
        Lanes.Store(MinusPair(b - m, lnHi, lnLo), ref Unsafe.Add(ref py, second));
        return true;
    }

    /// <summary>One row with its range pass first: log-softmax, y over x, and the rows the guessed pass declines.</summary>
    private static bool RangedForward<TV, TS>(ReadOnlySpan<float> x, Span<float> y, bool log)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        // A NaN entry makes the exponential sums NaN, so the NaN check waits for them unless softmax writes y over x
        // before its sum is known (then the first pass checks, 3 of its 5 operations per register).
        bool early = !log && x.Overlaps(y);
        float max = early ? RowRange<TV, TS, Yes>(x, out float min, out bool ordered) : RowRange<TV, TS, No>(x, out min, out ordered);
        if (!(max >= ScaledLowest && max <= ScaledHighest))
        {
            if (!early) RowRange<TV, TS, Yes>(x, out _, out ordered);
            return ordered && float.IsFinite(max) && ExactShiftForward<TV>(x, y, TS.Value, log);
        }

        if (!ordered) return false;
        if (!log)
        {
            double total = ExpPass<TV, TS>(x, y, max, min);
            if (double.IsNaN(total)) return false;
            Scale<TV>(y, total);
            return true;
        }

        double below = SumBelowTop<TV, TS>(x, max, min, out int atTop);
        if (double.IsNaN(below)) return false;
        LogPass<TV, TS>(x, y, max, LogOfSum(below, max, atTop));
        return true;
    }

    /// <summary>
    /// softmax(sign·x) of two rows at once, pass by pass (both guesses, both exponential passes, both scalings), so the
    /// latency at the end of each pass (the register reductions, the division for 1/Σt) overlaps the other row's work
    /// instead of stalling; about 60 ns per row otherwise. A row the guessed pass declines is done alone by the range
    /// pass. Same arithmetic and bits as <see cref="Forward{TV}"/> row by row. Returns false when an output overlaps an
    /// input or a declined row needs the double path (a NaN entry, an infinite maximum); it may then have written the
    /// outputs, which the caller's one-row path overwrites from the intact inputs.
    /// </summary>
    public static bool SoftmaxPair<TV>(ReadOnlySpan<float> x0, Span<float> y0, ReadOnlySpan<float> x1, Span<float> y1, float sign) where TV : struct, IVec<TV>
        => sign > 0 ? SoftmaxPair<TV, Plus>(x0, y0, x1, y1) : SoftmaxPair<TV, Minus>(x0, y0, x1, y1);

    private static bool SoftmaxPair<TV, TS>(ReadOnlySpan<float> x0, Span<float> y0, ReadOnlySpan<float> x1, Span<float> y1)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        if (x0.Overlaps(y0) || x0.Overlaps(y1) || x1.Overlaps(y0) || x1.Overlaps(y1)) return false;
        float guess0 = Guess<TV, TS>(x0);
        float guess1 = Guess<TV, TS>(x1);
        double total0 = GuessedPass<TV, TS>(x0, y0, guess0);
        double total1 = GuessedPass<TV, TS>(x1, y1, guess1);
        bool done0 = total0 > 0;
        bool done1 = total1 > 0;
        if (done0) Scale<TV>(y0, total0);
        if (done1) Scale<TV>(y1, total1);
        return (done0 || RangedForward<TV, TS>(x0, y0, log: false)) && (done1 || RangedForward<TV, TS>(x1, y1, log: false));
    }

    /// <summary>softmax(sign·x) of one row by <see cref="GuessedPass{TV, TS}"/>; false (y perhaps written) when that declines the row.</summary>
    private static bool GuessedForward<TV, TS>(ReadOnlySpan<float> x, Span<float> y)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        double total = GuessedPass<TV, TS>(x, y, Guess<TV, TS>(x));
        if (!(total > 0)) return false;
        Scale<TV>(y, total);
        return true;
    }

    /// <summary>
    /// The largest of sign·x over the row's first max(128, n/8) entries rounded up to a multiple of 16 (all of a row of
    /// up to 128): the same on every register width (a maximum does not depend on the order, and a zero comes back as
    /// +0); unspecified when one of them
    /// is NaN. An eighth of a long row keeps the guess within the fast two-sum's reach of the row's maximum: on rows of
    /// 16,000 Normal(0, 3) values the maximum lies 1.6 above the first 2,000 entries on average (more than 4.5 above in
    /// 1.3 % of rows), against 4.1 above the first 128 (41 %).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Guess<TV, TS>(ReadOnlySpan<float> x)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        int last = x.Length - TV.Count;
        // Up to a whole block of sixteen, so that every register width reads the same entries (a Vector512 register
        // would read past an end that is not a multiple of sixteen, and a narrower one stop short of it).
        int end = Math.Min((Math.Max(GuessLength, x.Length / 8) + 15) & ~15, x.Length);
        var hi = TS.Apply(Lanes.Load<TV, float>(ref px));
        for (int j = TV.Count; j < end; j += TV.Count)
        {
            hi = TV.Max(hi, TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, Math.Min(j, last)))));
        }

        return Lanes.ExtremeOfFloats(hi, largest: true);
    }

    /// <summary>
    /// The exponential pass of softmax with no range pass before it: t = e^v·2^(32 − G) into y, G the exponent of e^g for
    /// the guess g of <see cref="Guess{TV, TS}"/> (at most the row's maximum m), and Σt returned; 0 (y written) when the
    /// row needs the range pass: g outside [−150, 300], Σt above 2^96 (m more than about 44 above g), or an entry NaN or
    /// +∞ (Σt NaN).
    /// </summary>
    /// <remarks>
    /// Entries are clamped at g − 150 (their softmax is below e^−150: 0, as in the ranged pass), and every entry whose
    /// softmax is not 0 (within 104 of m) has t above 2^−119, a normal float, so 1/Σt and the scaling round as in the
    /// ranged pass. Σt is the fast two-sum against a running sum that starts at 2^39 (t(g) is about 2^32), which is exact
    /// while every t stays below that start, m less than about 4.8 above g; the pass reports whether every lane's sum
    /// stayed below twice the start (so every t was below it), and a row where one did not is summed again from y
    /// with the full two-sum (<see cref="SumOfRow{TV}"/>), about a fifth of the pass's time. The guess over max(128, n/8)
    /// entries is within that reach of the maximum for most rows of logits; rows of up to 128 entries get the maximum itself.
    /// </remarks>
    private static double GuessedPass<TV, TS>(ReadOnlySpan<float> x, Span<float> y, float guess)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
        => guess >= ScaledLowest && guess <= ScaledHighest ? GuessedPassInFrame<TV, TS>(x, y, GuessedFrame(guess), clamp: true) : 0;

    /// <summary>The guessed frame for a guess g in [−150, 300]: t = e^v·2^(32 − G), entries clamped at g − 150.</summary>
    private static ScaledFrame GuessedFrame(float guess) => new(guess, GuessBias, GuessFloorReach);

    /// <summary><see cref="GuessedPass{TV, TS}"/> in a given frame, clamping only when <paramref name="clamp"/> says an entry may lie below the floor.</summary>
    private static double GuessedPassInFrame<TV, TS>(ReadOnlySpan<float> x, Span<float> y, ScaledFrame frame, bool clamp)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        double total = clamp
            ? GuessedSum<TV, TS, Yes, Yes>(x, y, frame, out bool exact)
            : GuessedSum<TV, TS, No, Yes>(x, y, frame, out exact);
        if (!(total <= GuessLimit)) return 0;
        // The limit is far inside what the scaling needs (Σt below 2^126), so the exact sum is taken whatever it is.
        return exact ? total : SumOfRow<TV>(y);
    }

    /// <summary>
    /// The guessed pass's exponentials and their sum in <paramref name="frame"/>: for rows of up to
    /// <see cref="ShortSumLength"/> entries (whose guess is their maximum) the two-sum from 0, as <see cref="ShortRow{TV, TS}"/>
    /// forms it, longer rows the fast two-sum from <see cref="GuessSumStart"/>; the same on every register width, since
    /// the choice depends on the row's length alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double GuessedSum<TV, TS, TClamp, TStore>(ReadOnlySpan<float> x, Span<float> y, ScaledFrame frame, out bool exact)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
        where TClamp : struct, IFlag
        where TStore : struct, IFlag
        => x.Length <= ShortSumLength
            ? ExpPass<TV, TS, TClamp, TStore, TwoSumStep>(x, y, frame.Floor, frame.Top, 0, out exact)
            : ExpPass<TV, TS, TClamp, TStore, FastTwoSumStep>(x, y, frame.Floor, frame.Top, GuessSumStart, out exact);

    /// <summary>
    /// <see cref="GuessedForward{TV, TS}"/> for y over x, which must not start writing unless the guessed pass will
    /// accept the row: a range pass first (NaN and +∞ decline), and where the maximum m is too far above the guess for
    /// Σt ≤ 2^96 to be certain (n·2^(33.5 + (m − g)·log2 e) above it), a pass that only sums; then the same arithmetic as
    /// out of place, so both give the same bits.
    /// </summary>
    private static bool GuessedInPlace<TV, TS>(ReadOnlySpan<float> x, Span<float> y)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        float guess = Guess<TV, TS>(x);
        if (!(guess >= ScaledLowest && guess <= ScaledHighest)) return false;
        float max = RowRange<TV, TS, Yes>(x, out float min, out bool ordered);
        if (!ordered || !float.IsFinite(max)) return false;
        var frame = GuessedFrame(guess);
        if (((max - guess) * Log2E) + Math.Log2(x.Length) > GuessSureLog2
            && !(GuessedSum<TV, TS, Yes, No>(x, y, frame, out _) <= GuessLimit))
        {
            return false;
        }

        // Known here: whether any entry lies below the clamp floor (without one, clamping changes nothing).
        double total = GuessedPassInFrame<TV, TS>(x, y, frame, clamp: frame.Clamps(min));
        Scale<TV>(y, total);
        return true;
    }

    /// <summary>
    /// log-softmax of two rows at once, pass by pass as <see cref="SoftmaxPair{TV}"/> does (both ranges, both sums below
    /// the maximum, both logarithms, both output passes), so that the end of each pass (the register reductions, the
    /// scalar ln(1 + s′)) overlaps the other row's work. Same arithmetic and bits as <see cref="Forward{TV}"/> row by
    /// row. Returns false, having written nothing, when either row needs anything but the scaled path (NaN entries
    /// included) or an output overlaps an input.
    /// </summary>
    public static bool LogSoftmaxPair<TV>(ReadOnlySpan<float> x0, Span<float> y0, ReadOnlySpan<float> x1, Span<float> y1) where TV : struct, IVec<TV>
    {
        if (x0.Overlaps(y0) || x0.Overlaps(y1) || x1.Overlaps(y0) || x1.Overlaps(y1)) return false;
        float max0 = RowRange<TV, Plus, No>(x0, out float min0, out _);
        float max1 = RowRange<TV, Plus, No>(x1, out float min1, out _);
        if (!(max0 >= ScaledLowest && max0 <= ScaledHighest && max1 >= ScaledLowest && max1 <= ScaledHighest)) return false;
        double below0 = SumBelowTop<TV, Plus>(x0, max0, min0, out int atTop0);
        double below1 = SumBelowTop<TV, Plus>(x1, max1, min1, out int atTop1);
        if (double.IsNaN(below0) || double.IsNaN(below1)) return false;
        double lnS0 = LogOfSum(below0, max0, atTop0);
        double lnS1 = LogOfSum(below1, max1, atTop1);
        LogPass<TV, Plus>(x0, y0, max0, lnS0);
        LogPass<TV, Plus>(x1, y1, max1, lnS1);
        return true;
    }

    /// <summary>
    /// dx = sign·p ⊙ (dy − ⟨dy, p⟩) with p = softmax(sign·x), the softmax (sign = 1) or softmin (sign = −1) gradient
    /// from the input, for one float row in float lanes; dx may be x or dy. Rows outside the scaled path, and rows
    /// whose dy makes the weighted sum non-finite, return false having written nothing.
    /// </summary>
    /// <remarks>
    /// <para>
    /// With c the dy of the first entry at the maximum, dy − ⟨dy, p⟩ = (dy − c) − W/s with s = Σe and W = Σe·(dy − c)
    /// (as the double rows form it): the entry at the maximum has dy − c = 0, so where it dominates (p close to 1) W
    /// holds only the small terms and its gradient −p·W/s keeps its relative accuracy; a row whose dy are all equal gets
    /// dx = 0 exactly. Before 2026-12-02 the difference was dy − ⟨dy, p⟩ with the dot product rounded to double, whose
    /// 2^−53 the cancellation at a dominant entry amplified (an exploratory tester: [30, 0], dy [1, 0] gave dx[0]
    /// 9.348078e−14 against 9.357623e−14, 14,000 ULP; [40, 0] gave 0 against 4.2e−18).
    /// </para>
    /// <para>
    /// The first pass sums e = e^(v − m) and e·(dy − c) in double lanes (<see cref="ExpSums{TD, TS, TWeighted, TKeep}"/>). Rows of up
    /// to <see cref="KeptGradientLength"/> entries keep those e (on the stack, or in a buffer of the thread's) and the
    /// second pass writes (e·((dy − c) − W/s))·(sign/s) in double lanes, rounded once: within 0.5 ULP of the exact value
    /// on the golden rows (FloatSoftmaxGradientGoldenTests), the dominant entry's included; the same bits on every path.
    /// Longer rows do not store p (dx may be dy, which the last pass still reads): the second pass recomputes t in float
    /// lanes and writes sign·(t·u)·(1/Σt) with u = (dy − d_hi) − d_lo and the dot product ⟨dy, p⟩ = c + W/s = d_hi + d_lo
    /// held as two floats, except where dy = c (the entry at the maximum among them), whose u is −W/s rounded to float.
    /// The factors keep their relative accuracy (u is exact when dy is close to the dot product), so that result is
    /// within about 3 ULP: the exponential's 0.7, u's two roundings, t·u and the product with 1/Σt.
    /// </para>
    /// </remarks>
    public static bool SoftmaxBackward<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float sign) where TV : struct, IVec<TV>
        => sign > 0 ? SoftmaxBackward<TV, Plus>(x, dy, dx) : SoftmaxBackward<TV, Minus>(x, dy, dx);

    private static bool SoftmaxBackward<TV, TS>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        float max = RowRange<TV, TS, Yes>(x, out float min, out bool ordered);
        if (!ordered || !(max >= ScaledLowest && max <= ScaledHighest)) return false;
        // The sums run in double lanes of TV's register width, or of the next width where the machine has it (a row of
        // 8–15 entries, which takes Vector256 float lanes, sums in one Vector512 register of doubles on AVX-512): the
        // canonical lanes give the same bits at any width, and one register per block is cheaper than two.
        if (typeof(TV) == typeof(V512<float>) || (typeof(TV) == typeof(V256<float>) && Vector512.IsHardwareAccelerated)) return SoftmaxBackward<TV, V512<double>, TS>(x, dy, dx, max, min);
        if (typeof(TV) == typeof(V256<float>) || (typeof(TV) == typeof(V128<float>) && Vector256.IsHardwareAccelerated)) return SoftmaxBackward<TV, V256<double>, TS>(x, dy, dx, max, min);
        if (typeof(TV) == typeof(V128<float>)) return SoftmaxBackward<TV, V128<double>, TS>(x, dy, dx, max, min);
        return SoftmaxBackward<TV, S<double>, TS>(x, dy, dx, max, min);
    }

    /// <summary><see cref="SoftmaxBackward{TV}"/> for a row in range, with its double lanes <typeparamref name="TD"/>.</summary>
    private static bool SoftmaxBackward<TV, TD, TS>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float max, float min)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
        where TS : struct, ISign
    {
        float c = dy[FirstAtMaximum<TV, TS>(x, max)];
        if (x.Length <= KeptGradientLength) return KeptSoftmaxBackward<TD, TS>(x, dy, dx, max, c);
        // The float pass multiplies t < 1.42·2^65 by u = dy − ⟨dy, p⟩ (|u| ≤ 4·max|dy|, ⟨dy, p⟩ a mean of dy), which
        // overflows from max|dy| ≈ 2^61: dy of ±1e20 gave NaN and ∞ where dx was finite. Such rows go to double lanes,
        // found by one pass over dy (only rows longer than the kept exponentials come here).
        float dyMax = RowRange<TV, Plus, No>(dy, out float dyMin, out _);
        if (!(Math.Max(dyMax, -dyMin) < LongRowDyLimit)) return false;
        var frame = new ScaledFrame(max);
        double total = ExpSums<TD, TS, Yes>(x, dy, max, c, out double weighted);
        if (!double.IsFinite(weighted)) return false;
        double d = weighted / total;
        // The float pass recomputes t = e^(v − m)·e^(m − N·ln2)·2^64 (see ScaledExp), so 1/Σt carries that factor.
        float inverseHi = FloatPair(1.0 / (total * frame.Scale), out float inverseLo);
        float dotHi = FloatPair(c + d, out float dotLo);
        var factors = new GradientFactors(inverseHi, inverseLo, dotHi, dotLo, TS.Value, c, (float)-d);
        if (frame.Clamps(min)) GradientPass<TV, TS, Yes>(x, dy, dx, frame.Floor, frame.Top, factors);
        else GradientPass<TV, TS, No>(x, dy, dx, frame.Floor, frame.Top, factors);
        return true;
    }

    /// <summary>
    /// dx = sign·y ⊙ (dy − ⟨dy, y⟩) from the output y, for one float row (dx may be y or dy); false (nothing written) for
    /// a ⟨dy, y⟩ of magnitude <see cref="OutputDotLimit"/> or more, or not finite.
    /// </summary>
    public static bool SoftmaxBackwardFromOutput<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, float sign) where TV : struct, IVec<TV>
    {
        double dot = DotProduct<TV>(y, dy);
        if (!(Math.Abs(dot) < OutputDotLimit)) return false;
        float dotHi = FloatPair(dot, out float dotLo);
        OutputGradientPass<TV>(y, dy, dx, new GradientFactors(1f, 0f, dotHi, dotLo, sign, 0f, 0f));
        return true;
    }

    /// <summary>
    /// 2^60: below it in magnitude every dy keeps the float pass of a long row from the input (<see cref="GradientPass{TV, TS, TClamp}"/>)
    /// finite, t·u &lt; 1.42·2^65·2^62; rows with a larger |dy| are formed in double lanes.
    /// </summary>
    private const float LongRowDyLimit = 1152921504606846976f;

    /// <summary>
    /// 2^103, half an ULP of float.MaxValue: below it in magnitude, ⟨dy, y⟩ leaves the float pass from the output
    /// (dy − d_hi) − d_lo finite for every finite float dy. At or above it (dy near ±3.4e38 of both signs: y = [0.1, 0.9],
    /// dy = [−3e38, 3e38] made −3e38 − 2.4e38 = −∞ where dx_0 is −5.4e37), the row declines, and the driver forms it in
    /// double lanes, rounded to float once. Only rows with a dy of 2^103 or more get there, so no other row's bits change.
    /// </summary>
    internal const double OutputDotLimit = 10141204801825835211973625643008.0;

    /// <summary>
    /// The scalars of the gradient pass: 1/Σt and ⟨dy, p⟩ as float pairs, the sign, and for the pass from the input c
    /// (the dy at the first maximum) with −W/s rounded to float, the u of the entries whose dy is c.
    /// </summary>
    private readonly record struct GradientFactors(float InverseHi, float InverseLo, float DotHi, float DotLo, float Sign, float C, float AtC);

    /// <summary>The index of the first entry of sign·x equal to <paramref name="max"/>.</summary>
    /// <remarks>
    /// Requires what every caller has checked: <paramref name="max"/> is the row's maximum as found by RowRange (so it is
    /// present; an ordered row, no NaN) and the row is at least one register long (the driver picks TV by the row length).
    /// Without a match it would return x.Length, an index past the row.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int FirstAtMaximum<TV, TS>(ReadOnlySpan<float> x, float max)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        var target = TV.Create(max);
        int last = x.Length - TV.Count;
        for (int i = 0; i < last; i += TV.Count)
        {
            int k = TV.FirstWhereEqual(TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i))), target);
            if (k < TV.Count) return i + k;
        }

        // The last register overlaps the one before; its lanes already read hold no match.
        return last + TV.FirstWhereEqual(TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, last))), target);
    }

    /// <summary>
    /// Σe (returned) and W = Σe·(dy − c) or, unless <typeparamref name="TWeighted"/>, R = Σ(dy − c·e) (<paramref name="second"/>,
    /// c the dy at the first maximum), with e = e^(sign·x − m) in double lanes read straight from the float rows, both
    /// sums compensated (two-sum per lane, over the eight canonical double lanes of <see cref="IDoubleLanes8{TD, TSelf}"/>:
    /// the same bits on every width).
    /// </summary>
    /// <remarks>
    /// W/s decides the cancelling difference dy − ⟨dy, p⟩ = (dy − c) − W/s (and R/s the log-softmax gradient
    /// dy − p·Σdy = (dy − c·e) − e·R/s), so the exponentials are formed in double: float ones would leave errors of
    /// 2^−24·|dy| there, which a small difference magnifies. v − m of two floats is exact in double to 2^−53, and so is
    /// dy − c; the products e·(dy − c) are not split, their rounding is 2^−53 relative, and the entry at the maximum adds
    /// exactly 0 to W. R is formed from Σdy and Σe as double-doubles (<see cref="RestOfRow{TD}"/>), not term by term, so
    /// it keeps its relative accuracy where the other entries' dy cancel each other.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExpSums<TD, TS, TWeighted>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float max, float c, out double second)
        where TD : struct, IVec<TD>
        where TS : struct, ISign
        where TWeighted : struct, IFlag
        => ExpSums<TD, TS, TWeighted, No>(x, dy, max, c, out second, default);

    /// <summary><see cref="ExpSums{TD, TS, TWeighted}"/>, also writing every e into <paramref name="kept"/> when <typeparamref name="TKeep"/> says so.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExpSums<TD, TS, TWeighted, TKeep>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float max, float c, out double second, Span<double> kept)
        where TD : struct, IVec<TD>
        where TS : struct, ISign
        where TWeighted : struct, IFlag
        where TKeep : struct, IFlag
        => typeof(TD) == typeof(V512<double>) ? ExpSums<TD, DoubleLanes8x1<TD>, TS, TWeighted, TKeep>(x, dy, max, c, out second, kept)
            : typeof(TD) == typeof(V256<double>) ? ExpSums<TD, DoubleLanes8x2<TD>, TS, TWeighted, TKeep>(x, dy, max, c, out second, kept)
            : typeof(TD) == typeof(V128<double>) ? ExpSums<TD, DoubleLanes8x4<TD>, TS, TWeighted, TKeep>(x, dy, max, c, out second, kept)
            : ExpSums<TD, DoubleLanes8x8<TD>, TS, TWeighted, TKeep>(x, dy, max, c, out second, kept);

    /// <summary>
    /// <see cref="ExpSums{TD, TS, TWeighted, TKeep}"/> with the canonical double lanes <typeparamref name="TA"/> of TD's width (entry i in
    /// lane i mod 8 on every width, the lanes combined in one fixed compensated tree: the same bits on every path).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double ExpSums<TD, TA, TS, TWeighted, TKeep>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float max, float c, out double second, Span<double> kept)
        where TD : struct, IVec<TD>
        where TA : struct, IDoubleLanes8<TD, TA>
        where TS : struct, ISign
        where TWeighted : struct, IFlag
        where TKeep : struct, IFlag
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        int last = n - TD.Count;
        var m = TD.Create(max);
        var cv = TD.Create(c);
        var sum = TA.Zero;
        var other = TA.Zero;
        // One register per iteration and one call site for the exponential (a double exp is large: a second inlined
        // copy exhausted the JIT's inlining budget and made the lane operations calls, 3× slower on rows of 10); the
        // register's place in its block of eight comes from its position, and the overlapping last register's fresh
        // lanes go to their own lanes.
        for (int i = 0; i < n; i += TD.Count)
        {
            bool full = i <= last;
            int at = full ? i : last;
            var e = VMath.ExpNonPositiveEighths(TS.Apply(Lanes.LoadWidened<TD>(ref Unsafe.Add(ref px, at))) - m);
            var g = Lanes.LoadWidened<TD>(ref Unsafe.Add(ref pdy, at));
            // Kept before the last register's old lanes are left out of the sums (they hold the same values).
            if (TKeep.On) Lanes.Store(e, ref kept[at]);
            // Log-softmax sums dy itself: R = Σdy − c·Σe is formed after the loop (see RestOfRow).
            var w = TWeighted.On ? e * (g - cv) : g;
            if (!full)
            {
                e = TA.FreshToFront(e, n - i);
                w = TA.FreshToFront(w, n - i);
            }

            int k = TA.Register(i);
            sum.Add(k, e);
            other.Add(k, w);
        }

        if (TWeighted.On)
        {
            second = other.Total();
            return sum.Total();
        }

        return RestAndSum<TD, TA>(sum, other, c, out second);
    }

    /// <summary>
    /// Σe (returned) and R = Σdy − c·Σe (<see cref="RestOfRow{TD}"/>) from the lanes of Σe and Σdy. Out of line, so
    /// that the folds do not count against the inlining budget of the loop's method (softmax's instantiation too:
    /// a branch whose flag is off still counts); fully optimized from its first call, as the loops are.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double RestAndSum<TD, TA>(in TA sum, in TA other, float c, out double rest)
        where TD : struct, IVec<TD>
        where TA : struct, IDoubleLanes8<TD, TA>
    {
        double sHi = sum.TotalParts(out double sLo);
        double gHi = other.TotalParts(out double gLo);
        rest = RestOfRow(new S<double>(gHi), new S<double>(gLo), new S<double>(sHi), new S<double>(sLo), new S<double>(c)).Value;
        return DoubleLanes8Fold.Last(sHi, sLo);
    }

    /// <summary>
    /// R = Σ(dy − c·e) of the log-softmax gradient from the input as Σdy − c·Σe, from the two compensated sums as
    /// double-doubles (their plain sums and compensations): c·Σe_hi split exactly by a fused multiply-add, the rest
    /// rounded once per step. The blocks take it lane by lane, so every path gives its bits.
    /// </summary>
    /// <remarks>
    /// Summing the terms dy − c·e rounded each before the sum: where the dominant entry k has e = 1 and the other
    /// entries' dy cancel each other, R is c·Σ_(j≠k) e_j, far below the terms' 2^−53·|dy|, and it came out 0 or wrong in
    /// every bit (x = [−1.2388847, 40, 1.1854873], dy = [−1, 1, 1]: dx_k = 0 for 1.51e−17). Σdy of floats is exact to
    /// 2^−106 of Σ|dy| as a double-double, Σe carries only the exponentials' own errors (e_k = 1 adds none), and Σdy_hi − c·Σe_hi
    /// cancels exactly (both near the same value), so R keeps its relative accuracy whatever the other dy do.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TD RestOfRow<TD>(TD dyHi, TD dyLo, TD sHi, TD sLo, TD c) where TD : struct, IVec<TD>
    {
        var product = c * sHi;
        var productLo = TD.Fms(c, sHi, product);
        return (dyHi - product) + ((dyLo - productLo) - (c * sLo));
    }

    /// <summary>dx = sign·(t·u)·(1/Σt), u = (dy − d_hi) − d_lo (−W/s rounded where dy = c), recomputing t.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void GradientPass<TV, TS, TClamp>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float floorValue, float topValue, GradientFactors k)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
        where TClamp : struct, IFlag
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float pdx = ref MemoryMarshal.GetReference(dx);
        int last = n - TV.Count;
        var floor = TV.Create(floorValue);
        var top = TV.Create(topValue);
        // The exponential's constants in registers for the whole pass (see ScaledExp).
        ExpConstants(floorValue * 0f, out TV log2E, out TV shift, out TV minusLn2Hi, out TV minusLn2Lo, out TV c5, out TV c4, out TV c3, out TV c2);
        var inverseHi = TV.Create(k.InverseHi * k.Sign);
        var inverseLo = TV.Create(k.InverseLo * k.Sign);
        var dotHi = TV.Create(k.DotHi);
        var dotLo = TV.Create(k.DotLo);
        var c = TV.Create(k.C);
        var atC = TV.Create(k.AtC);
        // The overlapping last register's inputs are read before anything is stored (dx may be x or dy).
        var lastV = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, last)));
        var lastG = Lanes.Load<TV, float>(ref Unsafe.Add(ref pdy, last));
        int i = 0;
        for (; i <= last; i += TV.Count)
        {
            var t = ScaledExp<TV, TClamp>(TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i))), floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
            var g = Lanes.Load<TV, float>(ref Unsafe.Add(ref pdy, i));
            var w = t * TV.SelectWhereEqual(g, c, atC, (g - dotHi) - dotLo);
            Lanes.Store(TimesPair(w, inverseHi, inverseLo), ref Unsafe.Add(ref pdx, i));
        }

        if (i < n)
        {
            var w = ScaledExp<TV, TClamp>(lastV, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2) * TV.SelectWhereEqual(lastG, c, atC, (lastG - dotHi) - dotLo);
            Lanes.Store(TimesPair(w, inverseHi, inverseLo), ref Unsafe.Add(ref pdx, last));
        }
    }

    /// <summary>⟨y, dy⟩ with exact products and a compensated sum, in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double DotProduct<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy) where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<float>) ? DotProduct<TV, FloatLanes16x1<TV>>(y, dy)
            : typeof(TV) == typeof(V256<float>) ? DotProduct<TV, FloatLanes16x2<TV>>(y, dy)
            : typeof(TV) == typeof(V128<float>) ? DotProduct<TV, FloatLanes16x4<TV>>(y, dy)
            : DotProduct<TV, FloatLanes16x16<TV>>(y, dy);

    /// <summary><see cref="DotProduct{TV}"/> with the canonical lanes <typeparamref name="TA"/> of TV's width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double DotProduct<TV, TA>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy)
        where TV : struct, IVec<TV>
        where TA : struct, IFloatLanes16<TV, TA>
    {
        int n = y.Length;
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        int last = n - TV.Count;
        var sums = TA.Start(0f);
        int i = 0;
        // A block of sixteen per iteration (one, two or four registers); the scalar path takes the loop below.
        if (typeof(TA) != typeof(FloatLanes16x16<TV>))
        {
            for (; i + 16 <= n; i += 16)
            {
                AddProduct(ref sums, 0, Lanes.Load<TV, float>(ref Unsafe.Add(ref py, i)), Lanes.Load<TV, float>(ref Unsafe.Add(ref pdy, i)));
                if (typeof(TA) != typeof(FloatLanes16x1<TV>))
                {
                    int at = i + TV.Count;
                    AddProduct(ref sums, 1, Lanes.Load<TV, float>(ref Unsafe.Add(ref py, at)), Lanes.Load<TV, float>(ref Unsafe.Add(ref pdy, at)));
                }

                if (typeof(TA) == typeof(FloatLanes16x4<TV>))
                {
                    int at = i + (2 * TV.Count);
                    AddProduct(ref sums, 2, Lanes.Load<TV, float>(ref Unsafe.Add(ref py, at)), Lanes.Load<TV, float>(ref Unsafe.Add(ref pdy, at)));
                    at += TV.Count;
                    AddProduct(ref sums, 3, Lanes.Load<TV, float>(ref Unsafe.Add(ref py, at)), Lanes.Load<TV, float>(ref Unsafe.Add(ref pdy, at)));
                }
            }
        }

        for (; i <= last; i += TV.Count)
        {
            AddProduct(ref sums, TA.Register(i), Lanes.Load<TV, float>(ref Unsafe.Add(ref py, i)), Lanes.Load<TV, float>(ref Unsafe.Add(ref pdy, i)));
        }

        if (i < n)
        {
            // The fresh lanes moved to their canonical lanes (zeros above them, whose products are +0).
            var a = TA.FreshToFront(Lanes.Load<TV, float>(ref Unsafe.Add(ref py, last)), n - i);
            var g = TA.FreshToFront(Lanes.Load<TV, float>(ref Unsafe.Add(ref pdy, last)), n - i);
            AddProduct(ref sums, TA.Register(i), a, g);
        }

        return sums.Total(0);
    }

    /// <summary>a·g into register <paramref name="k"/>'s lanes: the product's rounding error (exact, by a fused multiply-subtract) into the error terms, then the product by two-sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddProduct<TV, TA>(ref TA sums, int k, TV a, TV g)
        where TV : struct, IVec<TV>
        where TA : struct, IFloatLanes16<TV, TA>
    {
        var product = a * g;
        sums.AddError(k, TV.Fms(a, g, product));
        sums.Add<TwoSumStep>(k, product);
    }

    /// <summary>dx = sign·y·((dy − d_hi) − d_lo).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void OutputGradientPass<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, GradientFactors k) where TV : struct, IVec<TV>
    {
        int n = y.Length;
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float pdx = ref MemoryMarshal.GetReference(dx);
        int last = n - TV.Count;
        var sign = TV.Create(k.Sign);
        var dotHi = TV.Create(k.DotHi);
        var dotLo = TV.Create(k.DotLo);
        var lastY = Lanes.Load<TV, float>(ref Unsafe.Add(ref py, last));
        var lastG = Lanes.Load<TV, float>(ref Unsafe.Add(ref pdy, last));
        int i = 0;
        for (; i <= last; i += TV.Count)
        {
            var a = Lanes.Load<TV, float>(ref Unsafe.Add(ref py, i)) * sign;
            Lanes.Store(a * ((Lanes.Load<TV, float>(ref Unsafe.Add(ref pdy, i)) - dotHi) - dotLo), ref Unsafe.Add(ref pdx, i));
        }

        if (i < n) Lanes.Store(lastY * sign * ((lastG - dotHi) - dotLo), ref Unsafe.Add(ref pdx, last));
    }

    /// <summary>
    /// dx = dy − p·Σdy with p = softmax(x), the log-softmax gradient from the input, for one float row (dx may be x or
    /// dy), in double lanes read from and written to the float rows directly; false (nothing written) for rows with a
    /// NaN or +∞ entry or a non-finite Σdy.
    /// </summary>
    /// <remarks>
    /// dy − p·Σdy cancels where dy is close to p·Σdy (the cross-entropy gradient at a confident class), so p must be far
    /// more accurate than a float: e^(v − m) in double (v − m of two floats is exact in double to 2^−53), the sums
    /// compensated, the difference formed in double and rounded to float once. With c the dy of the first entry at the
    /// maximum and R = Σ(dy − c·e) (Σdy = c·s + R, s = Σe), dx = (dy − c·e) − e·R/s: the entry at the maximum (e = 1)
    /// gets 0 − R/s, and R holds only the other entries' terms, so its gradient keeps its relative accuracy where it
    /// dominates. Before 2026-12-02 dx was dy − e·(Σdy/s) with s rounded to double, which loses a dominant entry's
    /// 1 − p below 2^−53 (margin 40, dy one-hot: 0 against −4.2e−18; 37 ULP at a margin of 30 on a row of 10).
    /// </remarks>
    public static bool LogSoftmaxBackward<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV>
    {
        float max = RowRange<TV, Plus, Yes>(x, out _, out bool ordered);
        if (!ordered || !float.IsFinite(max)) return false;
        // Double lanes of TV's width or of the next where the machine has it (see SoftmaxBackward).
        if (typeof(TV) == typeof(V512<float>) || (typeof(TV) == typeof(V256<float>) && Vector512.IsHardwareAccelerated)) return LogSoftmaxBackwardInDouble<TV, V512<double>>(x, dy, dx, max);
        if (typeof(TV) == typeof(V256<float>) || (typeof(TV) == typeof(V128<float>) && Vector256.IsHardwareAccelerated)) return LogSoftmaxBackwardInDouble<TV, V256<double>>(x, dy, dx, max);
        if (typeof(TV) == typeof(V128<float>)) return LogSoftmaxBackwardInDouble<TV, V128<double>>(x, dy, dx, max);
        return LogSoftmaxBackwardInDouble<TV, S<double>>(x, dy, dx, max);
    }

    /// <summary>
    /// dx = dy − e^y·Σdy, the log-softmax gradient from its output y, for one float row (dx may be y or dy): e^y and the
    /// difference in double lanes (the difference cancels as in <see cref="LogSoftmaxBackward{TV}"/>), rounded once;
    /// false (nothing written) when Σdy is not finite.
    /// </summary>
    /// <remarks>
    /// With t the first entry at the maximum of y (finite and at most 0, as every forward output is; no NaN in the row;
    /// other rows keep the plain formula, whose e^y may be +∞ there), c = dy_t and R = Σ of the other dy
    /// (dy_t taken as +0 in the compensated sum), Σdy = c + R and dx_t = dy_t − e^y_t·(c + R) = −c·(e^y_t − 1) − e^y_t·R
    /// (<see cref="TopLogOutputGradient"/>): the top y is close to 0 where it dominates, and e^y_t − 1 from expm1 keeps
    /// 1 − p_t's relative accuracy there, where 1 − e^y_t in double loses it below 2^−53 (x = [30, 0], dy = [1, 0]: 120
    /// float ULP before 2026-12-02, margin 40 gave −1.11e−16 for −1.66e−16). The other entries take dy + e^y·(−(c + R)),
    /// one fused step as before (their e^y is far from 1; expm1 + 1 would lose the entries far below the maximum).
    /// </remarks>
    public static bool LogSoftmaxBackwardFromOutput<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV>
    {
        float max = RowRange<TV, Plus, Yes>(y, out _, out bool ordered);
        int top = ordered && float.IsFinite(max) && max <= 0f ? FirstAtMaximum<TV, Plus>(y, max) : -1;
        double rest = SumOfRow<TV>(dy, top);
        float c = top >= 0 ? dy[top] : 0f;
        double total = rest + c;
        if (!double.IsFinite(total)) return false;
        // y_t and dy_t are read before anything is stored (dx may be y or dy).
        float topY = top >= 0 ? y[top] : 0f;
        if (typeof(TV) == typeof(V512<float>)) LogGradientPass<V512<double>, No>(y, dy, dx, 0f, 0f, total);
        else if (typeof(TV) == typeof(V256<float>)) LogGradientPass<V256<double>, No>(y, dy, dx, 0f, 0f, total);
        else if (typeof(TV) == typeof(V128<float>)) LogGradientPass<V128<double>, No>(y, dy, dx, 0f, 0f, total);
        else LogGradientPass<S<double>, No>(y, dy, dx, 0f, 0f, total);
        if (top >= 0) dx[top] = TopLogOutputGradient(topY, c, rest);
        return true;
    }

    /// <summary>
    /// dx_t = −c·(e^y − 1) − e^y·R for the log-softmax gradient from the output at the first maximum (see
    /// <see cref="LogSoftmaxBackwardFromOutput{TV}"/>), in double, rounded to float once; the blocks take it too, so
    /// every path gives its bits.
    /// </summary>
    internal static float TopLogOutputGradient(float y, float c, double rest)
        => (float)TopLogOutputGradient(new S<double>(y), new S<double>(c), new S<double>(rest)).Value;

    /// <summary>
    /// <see cref="TopLogOutputGradient(float, float, double)"/> lane by lane in double lanes (y and c floats widened), before
    /// the rounding to float: the blocks take a register of rows at once, with the bits of one row at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TD TopLogOutputGradient<TD>(TD y, TD c, TD rest) where TD : struct, IVec<TD>
        => TopLogOutputGradient(VMath.ExpEighths(y), VMath.Expm1(y), c, rest);

    /// <summary><see cref="TopLogOutputGradient{TD}(TD, TD, TD)"/> from e^y and e^y − 1 (the tiled rows have e^y already).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TD TopLogOutputGradient<TD>(TD e, TD em1, TD c, TD rest) where TD : struct, IVec<TD>
    {
        var dx = TD.Fma(-e, rest, -(c * em1));
        // A zero takes the plain formula's sign (dy − e^y·Σdy: +0 for y = 0 on a row of one, where this gives −0).
        return TD.Select(TD.EqualTo(dx, TD.Zero), TD.Fma(e, -(rest + c), c), dx);
    }

    /// <summary>Σ of a float row, compensated per lane (two-sum), in double.</summary>
    /// <remarks>The entry at <paramref name="skip"/> (none when it is −1) is added as +0: it changes nothing in its lane.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumOfRow<TV>(ReadOnlySpan<float> v, int skip = -1) where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<float>) ? SumOfRow<TV, FloatLanes16x1<TV>>(v, skip)
            : typeof(TV) == typeof(V256<float>) ? SumOfRow<TV, FloatLanes16x2<TV>>(v, skip)
            : typeof(TV) == typeof(V128<float>) ? SumOfRow<TV, FloatLanes16x4<TV>>(v, skip)
            : SumOfRow<TV, FloatLanes16x16<TV>>(v, skip);

    /// <summary>The register of v at entry <paramref name="at"/>, with the entry at <paramref name="skip"/> as +0 when the register holds it.</summary>
    /// <remarks>
    /// The lane is cleared by a compare and a select in the loop, not by a call: a call there, however rarely taken,
    /// kept the sums' registers in memory through the whole loop (rows of 1000 on AVX-512: 266 ns a row against 88).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LoadSkipping<TV>(ref float pv, int at, int skip) where TV : struct, IVec<TV>
    {
        var r = Lanes.Load<TV, float>(ref Unsafe.Add(ref pv, at));
        return (uint)(skip - at) < (uint)TV.Count ? TV.Select(TV.EqualTo(TV.Indices, TV.Create(skip - at)), TV.Zero, r) : r;
    }

    /// <summary><see cref="SumOfRow{TV}"/> with the canonical lanes <typeparamref name="TA"/> of TV's width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double SumOfRow<TV, TA>(ReadOnlySpan<float> v, int skip)
        where TV : struct, IVec<TV>
        where TA : struct, IFloatLanes16<TV, TA>
    {
        int n = v.Length;
        ref float pv = ref MemoryMarshal.GetReference(v);
        int last = n - TV.Count;
        var sums = TA.Start(0f);
        int i = 0;
        // A block of sixteen per iteration (one, two or four registers); the scalar path takes the loop below.
        if (typeof(TA) != typeof(FloatLanes16x16<TV>))
        {
            for (; i + 16 <= n; i += 16)
            {
                sums.Add<TwoSumStep>(0, LoadSkipping<TV>(ref pv, i, skip));
                if (typeof(TA) != typeof(FloatLanes16x1<TV>)) sums.Add<TwoSumStep>(1, LoadSkipping<TV>(ref pv, i + TV.Count, skip));
                if (typeof(TA) == typeof(FloatLanes16x4<TV>))
                {
                    sums.Add<TwoSumStep>(2, LoadSkipping<TV>(ref pv, i + (2 * TV.Count), skip));
                    sums.Add<TwoSumStep>(3, LoadSkipping<TV>(ref pv, i + (3 * TV.Count), skip));
                }
            }
        }

        for (; i <= last; i += TV.Count) sums.Add<TwoSumStep>(TA.Register(i), LoadSkipping<TV>(ref pv, i, skip));
        if (i < n) sums.Add<TwoSumStep>(TA.Register(i), TA.FreshToFront(LoadSkipping<TV>(ref pv, last, skip), n - i));
        return sums.Total(0);
    }

    [SkipLocalsInit]
    private static bool LogSoftmaxBackwardInDouble<TV, TD>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float max)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
    {
        float c = dy[FirstAtMaximum<TV, Plus>(x, max)];
        if (x.Length <= KeptGradientLength)
        {
            // Rows keep their exponentials for the gradient instead of forming them again (the same values): short
            // rows on the stack, longer ones in a buffer of this thread's, made once at the longest row it has seen.
            Span<double> exps = x.Length <= ShortGradientLength ? stackalloc double[x.Length] : KeptExponentials(x.Length);
            double rowSum = ExpSums<TD, Plus, No, Yes>(x, dy, max, c, out double rowRest, exps);
            if (!double.IsFinite(rowRest)) return false;
            KeptLogGradientPass<TD>(exps, dy, dx, c, rowRest / rowSum);
            return true;
        }

        double sum = ExpSums<TD, Plus, No>(x, dy, max, c, out double rest);
        if (!double.IsFinite(rest)) return false;
        LogGradientPass<TD, Yes>(x, dy, dx, max, c, rest / sum);
        return true;
    }

    /// <summary>
    /// dx = dy − e^(v − m)·q in double lanes (from the output q = Σdy with m = 0), or from the input
    /// (<typeparamref name="TInput"/>) dx = (dy − c·e) − e·q with q = R/Σe (see <see cref="LogSoftmaxBackward{TV}"/>),
    /// rounded to float once. The full exponential: from the output v − m = y may lie above 0 (no forward gives such a
    /// y, but it still gets the formula's value, the same on every width): the table exponential
    /// (<see cref="VMath.ExpEighths{TV}"/>), whose bits for v − m ≤ 0 are those of <see cref="VMath.ExpNonPositiveEighths{TV}"/>,
    /// which formed the sums from the input (the same e in both passes); from the output 0.70 → 0.61 ns/element at 1024 × 1000.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LogGradientPass<TD, TInput>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float max, float cValue, double scale)
        where TD : struct, IVec<TD>
        where TInput : struct, IFlag
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float pdx = ref MemoryMarshal.GetReference(dx);
        int last = n - TD.Count;
        var m = TD.Create(max);
        var c = TD.Create(-scale);
        var minusC = TD.Create(-cValue);
        // The overlapping last register's inputs are read before anything is stored (dx may be x or dy).
        var lastV = Lanes.LoadWidened<TD>(ref Unsafe.Add(ref px, last));
        var lastG = Lanes.LoadWidened<TD>(ref Unsafe.Add(ref pdy, last));
        int i = 0;
        for (; i <= last; i += TD.Count)
        {
            var e = VMath.ExpEighths(Lanes.LoadWidened<TD>(ref Unsafe.Add(ref px, i)) - m);
            var g = Lanes.LoadWidened<TD>(ref Unsafe.Add(ref pdy, i));
            if (TInput.On) g = TD.Fma(e, minusC, g);
            Lanes.StoreNarrowed(TD.Fma(e, c, g), ref Unsafe.Add(ref pdx, i));
        }

        if (i < n)
        {
            var e = VMath.ExpEighths(lastV - m);
            if (TInput.On) lastG = TD.Fma(e, minusC, lastG);
            Lanes.StoreNarrowed(TD.Fma(e, c, lastG), ref Unsafe.Add(ref pdx, last));
        }
    }

    [ThreadStatic]
    private static double[]? t_keptExponentials;

    /// <summary>This thread's buffer for the exponentials of a gradient row of n ≤ <see cref="KeptGradientLength"/> entries (made once at the longest row seen, then reused: no allocation per call).</summary>
    private static Span<double> KeptExponentials(int n)
    {
        var buffer = t_keptExponentials;
        if (buffer is null || buffer.Length < n) t_keptExponentials = buffer = new double[Math.Max(n, 1024)];
        return buffer.AsSpan(0, n);
    }

    /// <summary>
    /// The softmax gradient from exponentials kept by <see cref="ExpSums{TD, TS, TWeighted, TKeep}"/> (rows up to
    /// <see cref="KeptGradientLength"/>): dx = (e·((dy − c) − W/s))·(sign/s) in double lanes, rounded to float once.
    /// </summary>
    [SkipLocalsInit]
    private static bool KeptSoftmaxBackward<TD, TS>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float max, float c)
        where TD : struct, IVec<TD>
        where TS : struct, ISign
    {
        Span<double> exps = x.Length <= ShortGradientLength ? stackalloc double[x.Length] : KeptExponentials(x.Length);
        double total = ExpSums<TD, TS, Yes, Yes>(x, dy, max, c, out double weighted, exps);
        if (!double.IsFinite(weighted)) return false;
        KeptSoftmaxGradientPass<TD>(exps, dy, dx, c, weighted / total, TS.Value / total);
        return true;
    }

    /// <summary>dx = ((e·((dy − c) − d))·scale), e kept, in double lanes rounded to float once.</summary>
    /// <remarks>
    /// The same loop as <see cref="KeptLogGradientPass{TD}"/> with another step. One generic pass taking the step as a
    /// struct of broadcast constants gave the same bits but measured slower (rows of 32: 2.24 → 3.23 ns/element,
    /// rows of 10: 4.04 → 4.46), so the two stay apart.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void KeptSoftmaxGradientPass<TD>(ReadOnlySpan<double> exps, ReadOnlySpan<float> dy, Span<float> dx, float cValue, double dValue, double scaleValue) where TD : struct, IVec<TD>
    {
        int n = exps.Length;
        ref double pe = ref MemoryMarshal.GetReference(exps);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float pdx = ref MemoryMarshal.GetReference(dx);
        int last = n - TD.Count;
        var c = TD.Create(cValue);
        var d = TD.Create(dValue);
        var scale = TD.Create(scaleValue);
        // The overlapping last register's dy is read before anything is stored (dx may be dy).
        var lastG = Lanes.LoadWidened<TD>(ref Unsafe.Add(ref pdy, last));
        int i = 0;
        for (; i <= last; i += TD.Count)
        {
            var w = Lanes.Load<TD, double>(ref Unsafe.Add(ref pe, i)) * ((Lanes.LoadWidened<TD>(ref Unsafe.Add(ref pdy, i)) - c) - d);
            Lanes.StoreNarrowed(w * scale, ref Unsafe.Add(ref pdx, i));
        }

        if (i < n) Lanes.StoreNarrowed(Lanes.Load<TD, double>(ref Unsafe.Add(ref pe, last)) * ((lastG - c) - d) * scale, ref Unsafe.Add(ref pdx, last));
    }

    /// <summary><see cref="LogGradientPass{TD, TInput}"/> from the input, from exponentials kept by <see cref="ExpSums{TD, TS, TWeighted, TKeep}"/>: (dy − c·e) − e·q.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void KeptLogGradientPass<TD>(ReadOnlySpan<double> exps, ReadOnlySpan<float> dy, Span<float> dx, float cValue, double scale) where TD : struct, IVec<TD>
    {
        int n = exps.Length;
        ref double pe = ref MemoryMarshal.GetReference(exps);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float pdx = ref MemoryMarshal.GetReference(dx);
        int last = n - TD.Count;
        var c = TD.Create(-scale);
        var minusC = TD.Create(-cValue);
        // The overlapping last register's dy is read before anything is stored (dx may be dy).
        var lastG = Lanes.LoadWidened<TD>(ref Unsafe.Add(ref pdy, last));
        int i = 0;
        for (; i <= last; i += TD.Count)
        {
            var e = Lanes.Load<TD, double>(ref Unsafe.Add(ref pe, i));
            Lanes.StoreNarrowed(TD.Fma(e, c, TD.Fma(e, minusC, Lanes.LoadWidened<TD>(ref Unsafe.Add(ref pdy, i)))), ref Unsafe.Add(ref pdx, i));
        }

        if (i < n)
        {
            var e = Lanes.Load<TD, double>(ref Unsafe.Add(ref pe, last));
            Lanes.StoreNarrowed(TD.Fma(e, c, TD.Fma(e, minusC, lastG)), ref Unsafe.Add(ref pdx, last));
        }
    }

    /// <summary>
    /// The maximum and minimum of sign·x and, when <typeparamref name="TCheckNaN"/> checks, whether no entry is NaN (otherwise
    /// <paramref name="ordered"/> is true and a NaN may leave either extreme wrong or NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float RowRange<TV, TS, TCheckNaN>(ReadOnlySpan<float> x, out float min, out bool ordered)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
        where TCheckNaN : struct, IFlag
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        int last = n - TV.Count;
        var hi = TV.Create(float.NegativeInfinity);
        var lo = TV.Create(float.PositiveInfinity);
        var ok = TV.EqualTo(TV.Zero, TV.Zero);
        int i = 0;
        if (!TCheckNaN.On)
        {
            // Two pairs of accumulators: max and min alone are too short to hide their latency.
            var hi2 = hi;
            var lo2 = lo;
            for (; i + TV.Count <= last; i += 2 * TV.Count)
            {
                var a = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)));
                var b = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i + TV.Count)));
                hi = TV.Max(hi, a);
                lo = TV.Min(lo, a);
                hi2 = TV.Max(hi2, b);
                lo2 = TV.Min(lo2, b);
            }

            hi = TV.Max(hi, hi2);
            lo = TV.Min(lo, lo2);
        }

        for (; i < n; i += TV.Count)
        {
            var v = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, Math.Min(i, last))));
            // v = v is false for NaN.
            if (TCheckNaN.On) ok = TV.And(ok, TV.EqualTo(v, v));
            hi = TV.Max(hi, v);
            lo = TV.Min(lo, v);
        }

        ordered = TV.AllTrue(ok);
        min = Lanes.ExtremeOfFloats(lo, largest: false);
        return Lanes.ExtremeOfFloats(hi, largest: true);
    }

    /// <summary>The exponential pass of the scaled path for a row whose maximum is <paramref name="max"/> (in range) and minimum <paramref name="min"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExpPass<TV, TS>(ReadOnlySpan<float> x, Span<float> y, float max, float min)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        var frame = new ScaledFrame(max);
        return frame.Clamps(min)
            ? ExpPass<TV, TS, Yes, Yes, FastTwoSumStep>(x, y, frame.Floor, frame.Top, SumStart, out _)
            : ExpPass<TV, TS, No, Yes, FastTwoSumStep>(x, y, frame.Floor, frame.Top, SumStart, out _);
    }

    /// <summary>The scaled path's constants for a row whose maximum m lies in [−150, 300].</summary>
    internal readonly struct ScaledFrame
    {
        private readonly float _max;
        private readonly double _nTop;
        private readonly double _biasFactor;

        public ScaledFrame(float max)
            : this(max, ScaleBias, RangedFloorReach)
        {
        }

        /// <summary>The frame of t = e^v·2^(bias − N) with entries clamped at m − reach.</summary>
        public ScaledFrame(float max, int bias, float reach)
        {
            _max = max;
            _nTop = Math.Round(max * Log2E);
            _biasFactor = Math.ScaleB(1.0, bias);
            Floor = max - reach;
            // t − top = n − N + bias with t = n + 1.5·2^23 (the rounding constant): exact, both are integers below 2^24.
            Top = (float)(_nTop - bias + RoundingShift);
        }

        /// <summary>m − reach (<see cref="RangedFloorReach"/> for the ranged pass, <see cref="GuessFloorReach"/> below the guess for the guessed one): entries below are clamped there and their t zeroed (their softmax is 0 either way), which keeps every t normal and the power of two within ScaleB's ±250 on every width.</summary>
        public float Floor { get; }

        /// <summary>N − bias + 1.5·2^23, N the exponent of e^m.</summary>
        public float Top { get; }

        /// <summary>e^(m − N·ln2)·2^bias, so that e^(v − m) = t/Scale: m − N·ln2 is within a few double ULPs of |m| ≤ 300, far below a float ULP.</summary>
        public double Scale => Math.Exp(_max - (_nTop * 0.6931471805599453)) * _biasFactor;

        /// <summary>Whether a row with minimum <paramref name="min"/> reaches below <see cref="Floor"/> (−∞ and NaN included).</summary>
        public bool Clamps(float min) => !(min >= Floor);
    }

    /// <summary>
    /// The scaled path's sum below the maximum for a row whose maximum is <paramref name="max"/> (in range) and minimum
    /// <paramref name="min"/> (NaN when the row holds a NaN), with the count at the maximum, for <see cref="LogOfSum(double, float, int)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumBelowTop<TV, TS>(ReadOnlySpan<float> x, float max, float min, out int atTop)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        var frame = new ScaledFrame(max);
        return frame.Clamps(min)
            ? BelowTopPass<TV, TS, Yes>(x, max, frame.Floor, frame.Top, out atTop)
            : BelowTopPass<TV, TS, No>(x, max, frame.Floor, frame.Top, out atTop);
    }

    /// <summary>ln Σ e^(v − m) of one row from <see cref="SumBelowTop"/>'s results (<see cref="LogOfSum{TD}"/> in one lane).</summary>
    private static double LogOfSum(double below, float max, int atTop)
        => LogOfSum(new S<double>(below), new S<double>(max), new S<double>(atTop)).Value;

    /// <summary>
    /// ln Σ e^(v − m) of rows in the ranged frame, in double lanes: s = 1 + s′ with s′ = below/scale + (k − 1), where
    /// below is the sum of t = e^v·2^(64 − N) below the maximum m, N = round(m·log2 e), scale = e^(m − N·ln 2)·2^64 (so
    /// that below/scale = Σ e^(v − m) below m) and k the count at m; ln s = log1p(s′). The exponential and the logarithm
    /// are <see cref="VMath"/>'s, which give the same bits at every width: a block of rows
    /// (<see cref="LogSoftmaxBlocks{TV}"/>) forms them for a register of rows at once, with the bits of one row at a time
    /// (libm's, which these replace, took about 18 ns a row there). Their error, a few double ULPs, is far below a float's.
    /// </summary>
    /// <remarks>
    /// Out of line: inlined into the passes and blocks, the exponential and the logarithm used up the JIT's inlining
    /// budget there and the lane operations became calls (log-softmax rows of 1 took 156 ns/element instead of 19).
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static TD LogOfSum<TD>(TD below, TD max, TD atTop)
        where TD : struct, IVec<TD>
    {
        var nTop = TD.RoundToEven(max * TD.Create(Log2E));
        // m − N·ln 2 is within a few double ULPs of |m| ≤ 300 of the exact reduction, and |m − N·ln 2| ≤ 0.35.
        var scale = VMath.ExpClamped(max - (nTop * TD.Create(0.6931471805599453))) * TD.Create(ScaleBiasFactor);
        return VMath.Log1p((below / scale) + (atTop - TD.One));
    }

    /// <summary>y = t/Σt with 1/Σt held as two floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale<TV>(Span<float> y, double total) where TV : struct, IVec<TV>
    {
        float inverseHi = FloatPair(1.0 / total, out float inverseLo);
        ScalePass<TV>(y, inverseHi, inverseLo);
    }

    /// <summary>
    /// t = e^v·2^(bias − N) into y for every entry (the bias in <paramref name="topValue"/>); returns Σt, compensated by
    /// the fast two-sum against a running sum that starts at <paramref name="sumStart"/> (a power of two), and whether
    /// every lane's sum stayed below twice that start, so that no t exceeded it and the two-sum was exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExpPass<TV, TS, TClamp, TStore, TStep>(ReadOnlySpan<float> x, Span<float> y, float floorValue, float topValue, double sumStart, out bool exact)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
        where TClamp : struct, IFlag
        where TStore : struct, IFlag
        where TStep : struct, ISumStep
        => typeof(TV) == typeof(V512<float>) ? ExpPass<TV, FloatLanes16x1<TV>, TS, TClamp, TStore, TStep>(x, y, floorValue, topValue, sumStart, out exact)
            : typeof(TV) == typeof(V256<float>) ? ExpPass<TV, FloatLanes16x2<TV>, TS, TClamp, TStore, TStep>(x, y, floorValue, topValue, sumStart, out exact)
            : typeof(TV) == typeof(V128<float>) ? ExpPass<TV, FloatLanes16x4<TV>, TS, TClamp, TStore, TStep>(x, y, floorValue, topValue, sumStart, out exact)
            : ExpPass<TV, FloatLanes16x16<TV>, TS, TClamp, TStore, TStep>(x, y, floorValue, topValue, sumStart, out exact);

    /// <summary><see cref="ExpPass{TV, TS, TClamp, TStore, TStep}"/> with the canonical lanes <typeparamref name="TA"/> of TV's width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double ExpPass<TV, TA, TS, TClamp, TStore, TStep>(ReadOnlySpan<float> x, Span<float> y, float floorValue, float topValue, double sumStart, out bool exact)
        where TV : struct, IVec<TV>
        where TA : struct, IFloatLanes16<TV, TA>
        where TS : struct, ISign
        where TClamp : struct, IFlag
        where TStore : struct, IFlag
        where TStep : struct, ISumStep
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int last = n - TV.Count;
        var floor = TV.Create(floorValue);
        var top = TV.Create(topValue);
        // The exponential's constants in registers for the whole pass (see ScaledExp).
        ExpConstants(floorValue * 0f, out TV log2E, out TV shift, out TV minusLn2Hi, out TV minusLn2Lo, out TV c5, out TV c4, out TV c3, out TV c2);
        // The overlapping last register is read before anything is stored, so y may be x.
        var lastV = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, last)));
        // Every canonical lane starts at sumStart (FloatLanes16: the same sums on every register width).
        var sums = TA.Start((float)sumStart);
        int i = 0;
        // Two registers per iteration (two independent exponential chains to overlap), and the next two loaded before
        // these are stored: when y sits just above x modulo 4 KiB (two arrays allocated one after the other), a load
        // issued after a store to an address that agrees with it in the low 12 bits waits for that store, which made
        // the pass latency-bound (up to 2× slower with one register per iteration, 10% with two and no look-ahead).
        // Each lane adds its entries in the order of the row, as one register at a time would. Vector128 takes a
        // block of four registers per iteration (its four accumulators) and the scalar path none (its loop below).
        if (typeof(TA) == typeof(FloatLanes16x1<TV>) && i + TV.Count <= last)
        {
            int secondRegister = TA.Register(TV.Count);
            var va = TS.Apply(Lanes.Load<TV, float>(ref px));
            var vb = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, TV.Count)));
            for (; i + TV.Count <= last; i += 2 * TV.Count)
            {
                var a = ScaledExp<TV, TClamp>(va, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                var b = ScaledExp<TV, TClamp>(vb, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                // The next pair, or (after the last pair) a harmless re-read of the last full pair.
                int next = Math.Min(i + (2 * TV.Count), last - TV.Count);
                va = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, next)));
                vb = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, next + TV.Count)));
                if (TStore.On)
                {
                    Lanes.Store(a, ref Unsafe.Add(ref py, i));
                    Lanes.Store(b, ref Unsafe.Add(ref py, i + TV.Count));
                }

                sums.Add<TStep>(0, a);
                sums.Add<TStep>(secondRegister, b);
            }
        }
        else if (typeof(TA) == typeof(FloatLanes16x2<TV>))
        {
            // Vector256 has sixteen registers, too few for two pairs of accumulators beside two exponential chains and
            // their constants (the loop spilled its temporaries): lanes 0–7 of every pair of blocks first, then lanes
            // 8–15, each half with one pair of accumulators and two registers per iteration, as on Vector512. Each lane
            // still adds its entries in the order of the row; the blocks left over go through the loop below.
            int paired = n & ~31;
            var s0 = TV.Create((float)sumStart);
            var e0 = TV.Zero;
            var s1 = s0;
            var e1 = e0;
            for (int half = 0; half < 2; half++)
            {
                var sum = half == 0 ? s0 : s1;
                var error = half == 0 ? e0 : e1;
                for (int j = half * TV.Count; j < paired; j += 32)
                {
                    var a = ScaledExp<TV, TClamp>(TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, j))), floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                    var b = ScaledExp<TV, TClamp>(TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, j + 16))), floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                    if (TStore.On)
                    {
                        Lanes.Store(a, ref Unsafe.Add(ref py, j));
                        Lanes.Store(b, ref Unsafe.Add(ref py, j + 16));
                    }

                    sum = TStep.Add(TStep.Add(sum, a, ref error), b, ref error);
                }

                if (half == 0)
                {
                    s0 = sum;
                    e0 = error;
                }
                else
                {
                    s1 = sum;
                    e1 = error;
                }
            }

            sums = Unsafe.BitCast<FloatLanes16x2<TV>, TA>(FloatLanes16x2<TV>.Of(s0, e0, s1, e1));
            i = paired;
        }
        else if (typeof(TA) == typeof(FloatLanes16x4<TV>))
        {
            for (; i + (3 * TV.Count) <= last; i += 4 * TV.Count)
            {
                var a = ScaledExp<TV, TClamp>(TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i))), floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                var b = ScaledExp<TV, TClamp>(TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i + TV.Count))), floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                var c = ScaledExp<TV, TClamp>(TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i + (2 * TV.Count)))), floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                var d = ScaledExp<TV, TClamp>(TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i + (3 * TV.Count)))), floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                if (TStore.On)
                {
                    Lanes.Store(a, ref Unsafe.Add(ref py, i));
                    Lanes.Store(b, ref Unsafe.Add(ref py, i + TV.Count));
                    Lanes.Store(c, ref Unsafe.Add(ref py, i + (2 * TV.Count)));
                    Lanes.Store(d, ref Unsafe.Add(ref py, i + (3 * TV.Count)));
                }

                sums.Add<TStep>(0, a);
                sums.Add<TStep>(1, b);
                sums.Add<TStep>(2, c);
                sums.Add<TStep>(3, d);
            }
        }

        for (; i <= last; i += TV.Count)
        {
            var t = ScaledExp<TV, TClamp>(TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i))), floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
            if (TStore.On) Lanes.Store(t, ref Unsafe.Add(ref py, i));
            sums.Add<TStep>(TA.Register(i), t);
        }

        if (i < n)
        {
            var t = ScaledExp<TV, TClamp>(lastV, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
            if (TStore.On) Lanes.Store(t, ref Unsafe.Add(ref py, last));
            sums.Add<TStep>(TA.Register(i), TA.FreshToFront(t, n - i));
        }

        // The two-sum is exact whatever the sums; the fast two-sum while no t exceeded the start.
        exact = typeof(TStep) == typeof(TwoSumStep) || sums.AllAtMost((float)(2 * sumStart));
        return sums.Total(sumStart);
    }

    /// <summary>y = t·(hi + lo), the inverse of the sum held as two floats so the product is rounded about once.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ScalePass<TV>(Span<float> y, float hiValue, float loValue) where TV : struct, IVec<TV>
    {
        int n = y.Length;
        ref float py = ref MemoryMarshal.GetReference(y);
        int last = n - TV.Count;
        var hi = TV.Create(hiValue);
        var lo = TV.Create(loValue);
        // Loaded before the loop scales part of it in place.
        var lastT = Lanes.Load<TV, float>(ref Unsafe.Add(ref py, last));
        int i = 0;
        for (; i <= last; i += TV.Count)
        {
            var t = Lanes.Load<TV, float>(ref Unsafe.Add(ref py, i));
            Lanes.Store(TimesPair(t, hi, lo), ref Unsafe.Add(ref py, i));
        }

        if (i < n) Lanes.Store(TimesPair(lastT, hi, lo), ref Unsafe.Add(ref py, last));
    }

    /// <summary>Σ t over the entries below the maximum (two-sum from zero) and the count of entries at it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double BelowTopPass<TV, TS, TClamp>(ReadOnlySpan<float> x, float maxValue, float floorValue, float topValue, out int atTop)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
        where TClamp : struct, IFlag
        => typeof(TV) == typeof(V512<float>) ? BelowTopPass<TV, FloatLanes16x1<TV>, TS, TClamp>(x, maxValue, floorValue, topValue, out atTop)
            : typeof(TV) == typeof(V256<float>) ? BelowTopPass<TV, FloatLanes16x2<TV>, TS, TClamp>(x, maxValue, floorValue, topValue, out atTop)
            : typeof(TV) == typeof(V128<float>) ? BelowTopPass<TV, FloatLanes16x4<TV>, TS, TClamp>(x, maxValue, floorValue, topValue, out atTop)
            : BelowTopPass<TV, FloatLanes16x16<TV>, TS, TClamp>(x, maxValue, floorValue, topValue, out atTop);

    /// <summary><see cref="BelowTopPass{TV, TS, TClamp}"/> with the canonical lanes <typeparamref name="TA"/> of TV's width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double BelowTopPass<TV, TA, TS, TClamp>(ReadOnlySpan<float> x, float maxValue, float floorValue, float topValue, out int atTop)
        where TV : struct, IVec<TV>
        where TA : struct, IFloatLanes16<TV, TA>
        where TS : struct, ISign
        where TClamp : struct, IFlag
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        int last = n - TV.Count;
        var m = TV.Create(maxValue);
        var floor = TV.Create(floorValue);
        var top = TV.Create(topValue);
        // The exponential's constants in registers for the whole pass (see ScaledExp).
        ExpConstants(floorValue * 0f, out TV log2E, out TV shift, out TV minusLn2Hi, out TV minusLn2Lo, out TV c5, out TV c4, out TV c3, out TV c2);
        var sums = TA.Start(0f);
        int count = 0;
        int i = 0;
        // Four registers per iteration: four independent exponential chains for the core to overlap (two measured 12 %
        // slower in a C model of this loop on Zen 5): four blocks of sixteen on Vector512, two on Vector256, one on
        // Vector128; each lane adds its entries in the order of the row. The scalar path takes the loop below.
        if (typeof(TA) == typeof(FloatLanes16x2<TV>))
        {
            // Vector256 has sixteen registers, too few for four chains beside its two pairs of accumulators.
            for (; i + TV.Count <= last; i += 2 * TV.Count)
            {
                var va = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)));
                var vb = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i + TV.Count)));
                var ta = ScaledExp<TV, TClamp>(va, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                var tb = ScaledExp<TV, TClamp>(vb, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                sums.Add<TwoSumStep>(0, TV.SelectWhereEqual(va, m, TV.Zero, ta));
                sums.Add<TwoSumStep>(1, TV.SelectWhereEqual(vb, m, TV.Zero, tb));
                count += TV.CountWhereEqual(va, m) + TV.CountWhereEqual(vb, m);
            }
        }
        else if (typeof(TA) != typeof(FloatLanes16x16<TV>))
        {
            int kb = TA.Register(TV.Count);
            int kc = TA.Register(2 * TV.Count);
            int kd = TA.Register(3 * TV.Count);
            for (; i + (3 * TV.Count) <= last; i += 4 * TV.Count)
            {
                var va = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)));
                var vb = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i + TV.Count)));
                var vc = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i + (2 * TV.Count))));
                var vd = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i + (3 * TV.Count))));
                var ta = ScaledExp<TV, TClamp>(va, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                var tb = ScaledExp<TV, TClamp>(vb, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                var tc = ScaledExp<TV, TClamp>(vc, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                var td = ScaledExp<TV, TClamp>(vd, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                sums.Add<TwoSumStep>(0, TV.SelectWhereEqual(va, m, TV.Zero, ta));
                sums.Add<TwoSumStep>(kb, TV.SelectWhereEqual(vb, m, TV.Zero, tb));
                sums.Add<TwoSumStep>(kc, TV.SelectWhereEqual(vc, m, TV.Zero, tc));
                sums.Add<TwoSumStep>(kd, TV.SelectWhereEqual(vd, m, TV.Zero, td));
                count += TV.CountWhereEqual(va, m) + TV.CountWhereEqual(vb, m) + TV.CountWhereEqual(vc, m) + TV.CountWhereEqual(vd, m);
            }
        }

        // The registers left, in a method of their own: inlined here they ran past the JIT's inlining budget, and the
        // calls left in their place kept the sums in memory through the loop above (log-softmax rows of 1000 on
        // AVX-512: 338 → 196 ns a row for this pass; the whole forward 1024x1000 0.519 → 0.354 ns/element).
        return BelowTopRest<TV, TA, TS, TClamp>(sums, x, i, maxValue, floorValue, topValue, count, out atTop);
    }

    /// <summary>
    /// The rest of <see cref="BelowTopPass{TV, TA, TS, TClamp}"/> from entry <paramref name="i"/> on: whole registers, then
    /// the overlapping last one, with <paramref name="sums"/> and <paramref name="count"/> as the loop left them.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double BelowTopRest<TV, TA, TS, TClamp>(TA sums, ReadOnlySpan<float> x, int i, float maxValue, float floorValue, float topValue, int count, out int atTop)
        where TV : struct, IVec<TV>
        where TA : struct, IFloatLanes16<TV, TA>
        where TS : struct, ISign
        where TClamp : struct, IFlag
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        int last = n - TV.Count;
        var m = TV.Create(maxValue);
        var floor = TV.Create(floorValue);
        var top = TV.Create(topValue);
        ExpConstants(floorValue * 0f, out TV log2E, out TV shift, out TV minusLn2Hi, out TV minusLn2Lo, out TV c5, out TV c4, out TV c3, out TV c2);
        for (; i <= last; i += TV.Count)
        {
            var v = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)));
            var t = ScaledExp<TV, TClamp>(v, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
            sums.Add<TwoSumStep>(TA.Register(i), TV.SelectWhereEqual(v, m, TV.Zero, t));
            count += TV.CountWhereEqual(v, m);
        }

        if (i < n)
        {
            var v = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, last)));
            var t = ScaledExp<TV, TClamp>(v, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
            // Lanes the full registers covered count as below the maximum here (and are left out of the sum).
            var w = TV.Select(FreshLanes<TV>(n), v, TV.Create(float.NegativeInfinity));
            sums.Add<TwoSumStep>(TA.Register(i), TA.FreshToFront(TV.SelectWhereEqual(v, m, TV.Zero, t), n - i));
            count += TV.CountWhereEqual(w, m);
        }

        atTop = count;
        return sums.Total(0);
    }

    /// <summary>y = ((v − m) − L_hi) − L_lo with ln s = L_hi + L_lo (<paramref name="lnS"/> split into two floats).</summary>
    /// <remarks>
    /// Element by element, so the order is free: descending when y sits just above x modulo 4 KiB (as the element-wise
    /// driver does, <see cref="LoopDirection"/>), where an ascending loop's loads would wait for its own recent stores.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LogPass<TV, TS>(ReadOnlySpan<float> x, Span<float> y, float maxValue, double lnS)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
    {
        float lnHiValue = FloatPair(lnS, out float lnLoValue);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        if (LoopDirection.Descending(ref px, ref px, ref py, unary: true, cheap: false)) LogPass<TV, TS, Down>(ref px, ref py, x.Length, maxValue, lnHiValue, lnLoValue);
        else LogPass<TV, TS, Up>(ref px, ref py, x.Length, maxValue, lnHiValue, lnLoValue);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LogPass<TV, TS, TDir>(ref float px, ref float py, int n, float maxValue, float lnHiValue, float lnLoValue)
        where TV : struct, IVec<TV>
        where TS : struct, ISign
        where TDir : struct, ILoopDirection
    {
        int last = n - TV.Count;
        var m = TV.Create(maxValue);
        var lnHi = TV.Create(lnHiValue);
        var lnLo = TV.Create(lnLoValue);
        int tailAt = LoopDirection.TailAt<TDir>(last);
        var tailV = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, tailAt)));
        int i = 0;
        for (; i <= last; i += TV.Count)
        {
            int at = LoopDirection.At<TDir>(i, last);
            var v = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, at)));
            Lanes.Store(MinusPair(v - m, lnHi, lnLo), ref Unsafe.Add(ref py, at));
        }

        if (i < n) Lanes.Store(MinusPair(tailV - m, lnHi, lnLo), ref Unsafe.Add(ref py, tailAt));
    }

    /// <summary>
    /// e^v·2^(64 − N) (<paramref name="top"/> = N − 64 + 1.5·2^23) for v in [floor, m] (smaller v clamped to
    /// <paramref name="floor"/> = m − <see cref="RangedFloorReach"/>, or the guess's, when <typeparamref name="TClamp"/> says so, and
    /// their t zeroed): n = round(v·log2 e) by the 1.5·2^23 shift,
    /// r = v − n·ln2 with fdlibm's two-part float ln 2 (n·ln2_hi is exact for |n| &lt; 512), e^r by a degree-6
    /// polynomial 1 + r + r²·q(r) in Horner form (q from tools/poly/fit_expm1.py 4: 0.16 ULP; ExpC2…ExpC5), and the power of
    /// two applied once at the end.
    /// </summary>
    /// <remarks>
    /// The constants come in as registers the caller made once per pass (the <c>Exp*</c> constants and the float ln 2
    /// split broadcast before its loop, each plus a zero the JIT cannot fold, floor·0). Written as
    /// <c>TV.Create(constant)</c> inside the loop, the JIT rebuilt eight of them every iteration with a broadcast from
    /// memory and a register copy, and the exponential pass ran 17% slower (softmax 1024 × 1000: 0.49 → 0.41
    /// ns/element); a struct holding them was kept in memory and reloaded just the same.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ScaledExp<TV, TClamp>(TV v, TV floor, TV top, TV log2E, TV shift, TV minusLn2Hi, TV minusLn2Lo, TV c5, TV c4, TV c3, TV c2)
        where TV : struct, IVec<TV>
        where TClamp : struct, IFlag
    {
        // Entries below the floor are computed at the floor, where t is a normal float, and their t is then zeroed: their
        // softmax is 0 either way, and no operation on them underflows (on Intel every underflowing VSCALEF, and every
        // product of a subnormal t, takes a microcode assist: causal-masked rows, half −∞, ran 9 times slower).
        var below = TClamp.On ? TV.LessThan(v, floor) : TV.Zero;
        if (TClamp.On) v = TV.Max(floor, v);
        var shifted = TV.Fma(v, log2E, shift);
        var n = shifted - shift;
        var r = TV.Fma(n, minusLn2Hi, v);
        r = TV.Fma(n, minusLn2Lo, r);
        var q = TV.Fma(c5, r, c4);
        q = TV.Fma(q, r, c3);
        q = TV.Fma(q, r, c2);
        q = TV.Fma(q, r, TV.Create(0.5));
        var p = TV.Fma(TV.Fma(q, r, TV.One), r, TV.One);
        var exponent = shifted - top;
        // Without VSCALEF, ScaleB's two power-of-two steps hold for |n| ≤ 250 only, and a guessed frame can put an entry
        // far above its guess (a maximum 200 past the first 128 entries: n ≈ 320, whose power of two wrapped into a
        // small finite t, so the row was accepted with its top entry's probability 0). n held at 150, where p·2^n is +∞
        // as it is for any larger n: Σt = +∞ declines the row, as on AVX-512.
        TV t;
        if (TV.ScaleBTakesAnyExponent) t = TV.ScaleB(p, exponent);
        // Where every lane's 2^n is a normal float (entries less than about 130 below the row's maximum, nearly every
        // register), one exact multiplication gives ScaleB's bits (both round p·2^n once) for about a third of its
        // operations on the paths without VSCALEF.
        else if (!TV.AnyWhereLess(exponent, TV.Create(-126f)) && !TV.AnyWhereGreater(exponent, TV.Create(127f))) t = TV.MulPow2(p, exponent);
        else t = TV.ScaleB(p, TV.Min(exponent, TV.Create(150f)));
        return TClamp.On ? TV.AndNot(t, below) : t;
    }

    /// <summary>ScaledExp's constants as registers, each plus <paramref name="zero"/> (a zero the JIT cannot fold).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExpConstants<TV>(float zero, out TV log2E, out TV shift, out TV minusLn2Hi, out TV minusLn2Lo, out TV c5, out TV c4, out TV c3, out TV c2)
        where TV : struct, IVec<TV>
    {
        log2E = TV.Create((float)Log2E + zero);
        shift = TV.Create((float)RoundingShift + zero);
        minusLn2Hi = TV.Create((float)-Ln2HiF + zero);
        minusLn2Lo = TV.Create((float)-Ln2LoF + zero);
        c5 = TV.Create(ExpC5 + zero);
        c4 = TV.Create(ExpC4 + zero);
        c3 = TV.Create(ExpC3 + zero);
        c2 = TV.Create(ExpC2 + zero);
    }

    /// <summary>The lanes of the overlapping last register that the full registers before it did not cover.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV FreshLanes<TV>(int n) where TV : struct, IVec<TV>
        => TV.GreaterThanOrEqual(TV.Indices, TV.Create(TV.Count - (n % TV.Count)));

    /// <summary>v as two floats, hi = v rounded and <paramref name="lo"/> = (v − hi) rounded (about 48 bits of v).</summary>
    private static float FloatPair(double v, out float lo)
    {
        float hi = (float)v;
        lo = (float)(v - hi);
        return hi;
    }

    /// <summary>t·(hi + lo) rounded about once: a product with 1/Σt held as two floats (softmax and its gradient).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TimesPair<TV>(TV t, TV hi, TV lo) where TV : struct, IVec<TV> => TV.Fma(t, hi, t * lo);

    /// <summary>(d − hi) − lo: the log-softmax output d = v − m less ln s held as two floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV MinusPair<TV>(TV d, TV hi, TV lo) where TV : struct, IVec<TV> => (d - hi) - lo;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double LogOnePlusRow(double s)
    {
        // ln(1 + s) = ln u + (s − (u − 1))/u to first order, u = 1 + s rounded: the quotient restores what forming u
        // lost, so a tiny s (u = 1) returns s itself. Math.Log keeps this a few nanoseconds per row. The exact-shift rows
        // (a maximum outside the scaled frames) take it; the scaled frames take LogOfSum.
        double u = 1.0 + s;
        return Math.Log(u) + ((s - (u - 1.0)) / u);
    }

    /// <summary>The exact-shift algorithm (rows whose maximum is outside the scaled path's range).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool ExactShiftForward<TV>(ReadOnlySpan<float> x, Span<float> y, float sign, bool log) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        int last = n - TV.Count;
        var s = TV.Create(sign);

        // Pass 1: the maximum and the minimum; the fast path needs finite entries whose differences v − m stay finite.
        var hi = TV.Create(float.NegativeInfinity);
        var lo = TV.Create(float.PositiveInfinity);
        var finite = TV.EqualTo(TV.Zero, TV.Zero);
        for (int i = 0; i < n; i += TV.Count)
        {
            var v = Lanes.Load<TV, float>(ref Unsafe.Add(ref px, Math.Min(i, last))) * s;
            // v = v is false for NaN, which then fails the check below.
            finite = TV.And(finite, TV.EqualTo(v, v));
            hi = TV.Max(hi, v);
            lo = TV.Min(lo, v);
        }

        float max = Lanes.ExtremeOfFloats(hi, largest: true);
        if (!TV.AllTrue(finite) || !float.IsFinite(max) || !float.IsFinite(Lanes.ExtremeOfFloats(lo, largest: false) - max)) return false;
        if (log) ExactShiftLog<TV>(x, y, sign, max);
        else ExactShiftSoftmax<TV>(x, y, sign, max);
        return true;
    }

    /// <summary>
    /// Passes 2 and 3 of <see cref="ExactShiftForward{TV}"/> for softmax, each direction in a method of its own: both
    /// in one method overran the JIT's inlining budget, every lane operation became a call, and rows with a maximum
    /// above 300 (Normal(0, 100) logits) took 3.6 ns/element instead of about 0.4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExactShiftSoftmax<TV>(ReadOnlySpan<float> x, Span<float> y, float sign, float max) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<float>)) ExactShiftSoftmax<TV, FloatLanes16x1<TV>>(x, y, sign, max);
        else if (typeof(TV) == typeof(V256<float>)) ExactShiftSoftmax<TV, FloatLanes16x2<TV>>(x, y, sign, max);
        else if (typeof(TV) == typeof(V128<float>)) ExactShiftSoftmax<TV, FloatLanes16x4<TV>>(x, y, sign, max);
        else ExactShiftSoftmax<TV, FloatLanes16x16<TV>>(x, y, sign, max);
    }

    /// <summary><see cref="ExactShiftSoftmax{TV}"/> with the canonical lanes <typeparamref name="TA"/> of TV's width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ExactShiftSoftmax<TV, TA>(ReadOnlySpan<float> x, Span<float> y, float sign, float max)
        where TV : struct, IVec<TV>
        where TA : struct, IFloatLanes16<TV, TA>
    {
        ExactShiftSetup<TV>(x, sign, max, out var s, out var m, out _, out var lastV);
        int n = x.Length;
        int last = n - TV.Count;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        var sums = TA.Start(0f);

        // Pass 2: e = e^(v − m) into y, summed (compensated, in the canonical lanes of FloatLanes16); the tail
        // register adds only its fresh lanes.
        int i = 0;
        for (; i <= last; i += TV.Count)
        {
            var e = ShiftedExp(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)) * s, m);
            Lanes.Store(e, ref Unsafe.Add(ref py, i));
            sums.Add<TwoSumStep>(TA.Register(i), e);
        }

        if (i < n)
        {
            var e = ShiftedExp(lastV, m);
            Lanes.Store(e, ref Unsafe.Add(ref py, last));
            sums.Add<TwoSumStep>(TA.Register(i), TA.FreshToFront(e, n - i));
        }

        // Pass 3: y = e·(1/s) with 1/s as two floats, so the product is rounded about once.
        double inverseD = 1.0 / sums.Total(0);
        float inverseHi = (float)inverseD;
        var inverse = TV.Create(inverseHi);
        var inverseLo = TV.Create(inverseD - inverseHi);
        var lastE = Lanes.Load<TV, float>(ref Unsafe.Add(ref py, last));
        for (int j = 0; j < n; j += TV.Count)
        {
            bool full = j <= last;
            int at = full ? j : last;
            var e = full ? Lanes.Load<TV, float>(ref Unsafe.Add(ref py, j)) : lastE;
            Lanes.Store(TV.Fma(e, inverse, e * inverseLo), ref Unsafe.Add(ref py, at));
        }
    }

    /// <summary>Passes 2 and 3 of <see cref="ExactShiftForward{TV}"/> for log-softmax (see <see cref="ExactShiftSoftmax{TV}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExactShiftLog<TV>(ReadOnlySpan<float> x, Span<float> y, float sign, float max) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<float>)) ExactShiftLog<TV, FloatLanes16x1<TV>>(x, y, sign, max);
        else if (typeof(TV) == typeof(V256<float>)) ExactShiftLog<TV, FloatLanes16x2<TV>>(x, y, sign, max);
        else if (typeof(TV) == typeof(V128<float>)) ExactShiftLog<TV, FloatLanes16x4<TV>>(x, y, sign, max);
        else ExactShiftLog<TV, FloatLanes16x16<TV>>(x, y, sign, max);
    }

    /// <summary><see cref="ExactShiftLog{TV}"/> with the canonical lanes <typeparamref name="TA"/> of TV's width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ExactShiftLog<TV, TA>(ReadOnlySpan<float> x, Span<float> y, float sign, float max)
        where TV : struct, IVec<TV>
        where TA : struct, IFloatLanes16<TV, TA>
    {
        ExactShiftSetup<TV>(x, sign, max, out var s, out var m, out var fresh, out var lastV);
        int n = x.Length;
        int last = n - TV.Count;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        var sums = TA.Start(0f);

        // Pass 2 (log): s = 1 + s′ with s′ = Σ_{v < m} e + (k − 1), k the count of maxima, so a tiny s′ keeps its
        // relative accuracy through log1p. The terms are summed as e·2^64, so those below the float normals
        // (v − m < −87) keep their relative accuracy too: forty entries 90 below the maximum make s′ ≈ 3.2e−38, which
        // subnormal terms would miss by 5 ULP. Terms below e^−112 (under 2^−161) are dropped.
        var top = TV.Zero;
        var all = TV.EqualTo(TV.Zero, TV.Zero);
        for (int i = 0; i < n; i += TV.Count)
        {
            bool full = i <= last;
            var v = full ? Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)) * s : lastV;
            var keep = full ? all : fresh;
            var isTop = TV.EqualTo(v, m);
            var d = SoftmaxCore.ExactDifference(v, m, out var dLo);
            var p = VMath.ExpPartsF(d, dLo, out var k);
            var e = TV.AndNot(TV.AndNot(TV.ScaleB(p, k + TV.Create(ScaleBias)), TV.LessThan(d, TV.Create(-112.0))), isTop);
            // The overlapping last register's fresh lanes go to their canonical lanes (FloatLanes16).
            sums.Add<TwoSumStep>(TA.Register(i), full ? e : TA.FreshToFront(e, n - i));
            // The count of maxima: sums of ones, exact in any order.
            top += TV.And(TV.And(keep, isTop), TV.One);
        }

        double sPrime = (sums.Total(0) / ScaleBiasFactor) + (Lanes.SumOfFloats(top) - 1.0);
        // Pass 3 (log): y = ((d − L_hi) − L_lo) + lo with ln s = L_hi + L_lo.
        double lnS = LogOnePlusRow(sPrime);
        float lHi = (float)lnS;
        var lnHi = TV.Create(lHi);
        var lnLo = TV.Create(lnS - lHi);
        for (int i = 0; i < n; i += TV.Count)
        {
            bool full = i <= last;
            int at = full ? i : last;
            var v = full ? Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)) * s : lastV;
            var d = SoftmaxCore.ExactDifference(v, m, out var dLo);
            Lanes.Store(((d - lnHi) - lnLo) + dLo, ref Unsafe.Add(ref py, at));
        }
    }

    /// <summary>
    /// The registers both exact-shift passes start from: the sign, the maximum, the fresh lanes of the overlapping last
    /// register, and that register's entries, read before anything is stored (so y may be x).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExactShiftSetup<TV>(ReadOnlySpan<float> x, float sign, float max, out TV s, out TV m, out TV fresh, out TV lastV)
        where TV : struct, IVec<TV>
    {
        int last = x.Length - TV.Count;
        s = TV.Create(sign);
        m = TV.Create(max);
        fresh = TV.GreaterThanOrEqual(TV.Indices, TV.Create((((last / TV.Count) + 1) * TV.Count) - last));
        lastV = Lanes.Load<TV, float>(ref Unsafe.Add(ref MemoryMarshal.GetReference(x), last)) * s;
    }

    /// <summary>e^(v − m) = e^d·(1 + lo) with d + lo = v − m exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ShiftedExp<TV>(TV v, TV m) where TV : struct, IVec<TV>
    {
        var d = SoftmaxCore.ExactDifference(v, m, out var lo);
        var e = VMath.ExpNonPositiveF(d);
        return TV.Fma(e, lo, e);
    }

}
