using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The double gradients of softmax, softmin and log-softmax from the input, and of log-softmax from its output, with
/// the exponentials and the row sums as double-doubles (<see cref="DoubleDoubleExp{TV}.ExpPairScaled"/>, two registers at a
/// time): each gradient is a difference that cancels where it is small against dy, so it is formed from about 104-bit
/// parts and rounded about once. The same bits on every register width: the sums run over the eight canonical lanes of
/// <see cref="IDoubleLanes8{TD, TSelf}"/>, and the passes after them are element-wise.
/// </summary>
/// <remarks>
/// <para>
/// Accuracy: within half an ULP plus about 2^−98 of the size S of the terms that cancel (measured: 2^−98.3 at worst on
/// 600 rows whose dy_i is the double nearest the value that makes dx_i 0; SoftmaxGradientGoldenTests asserts 2^−97):
/// S_i = p_i·(|dy_i − c| + Σ_j p_j·|dy_j − c|) for softmax and softmin, |dy_i| + p_i·Σ|dy_j| for log-softmax
/// (p_k·Σ_{j≠k}|dy_j| + (1 − p_k)·|dy_k| at its first maximum k), |dy_i| + e^y_i·Σ|dy_j| from the output. Where dx is not
/// far below S, that is 0.5 ULP; where dx_i is 2^−55 of S, tens of ULP (44 on a reviewer's softmax row, 823 from y).
/// </para>
/// <para>
/// Rows reaching 670 to 1500 below their maximum keep those entries' e scaled into the normal range (see FarBelow), and a
/// dy near ±1.8e308 whose sums or differences overflow is taken at a scale 2^−k (see DownScale). Rows these do not cover
/// go to the earlier algorithms, which define them: a NaN entry, an infinite or NaN maximum (a +∞ entry, a row of −∞) and
/// a dy with ±∞ or NaN entries are noticed from the sums, before anything is written.
/// </para>
/// </remarks>
internal static partial class SoftmaxCore
{
    /// <summary>
    /// dx = sign·p ⊙ (dy − ⟨dy, p⟩) with p = softmax(sign·x): the softmax (sign = 1) or softmin (sign = −1) gradient from
    /// the input; dx may be x or dy. <paramref name="scratch"/> holds 2n doubles.
    /// </summary>
    /// <remarks>
    /// With e = e^(v − m) (v = sign·x, m its maximum, e as a double-double), s = Σe and c the dy of the first entry at the
    /// maximum, dy − ⟨dy, p⟩ = δ − W/s with δ = dy − c (exact as a double-double) and W = Σ e·δ: the entry at the
    /// maximum has δ = 0, so where it dominates (p close to 1) W holds only the small terms and its gradient, a tiny
    /// difference of dy and ⟨dy, p⟩, keeps its relative accuracy (a dominant entry with dx 10^−92, below 2^−53 of dy,
    /// came out with the wrong sign from y rounded to double), and a row whose dy are all equal has δ = 0 everywhere:
    /// dx = 0 exactly. dx = sign·(e/s)·(δ − W/s) from double-double factors, rounded by its last fma.
    /// </remarks>
    public static void SoftmaxBackward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> scratch, double sign)
        where TV : struct, IVec<TV>
    {
        // + 0.0 makes a maximum of −0 +0: its sign may depend on the register width (see RowMath.MaxMin).
        var (max, min) = RowMath.MaxMin<TV>(x, sign);
        double m = max + 0.0;
        if (double.IsFinite(m))
        {
            int top = FirstAtMaximum<TV>(x, sign, m);
            double c = dy[top];
            var e = scratch[..(2 * x.Length)];
            bool spread = m - min > -FarBelow && HasFarEntries<TV>(x, sign, m);
            var (s, sLow, w, wLow) = spread
                ? (sign == 1.0 ? ExpWeightedSums<TV, Plus, Spread>(x, dy, e, m, c) : ExpWeightedSums<TV, Minus, Spread>(x, dy, e, m, c))
                : (sign == 1.0 ? ExpWeightedSums<TV, Plus, Compact>(x, dy, e, m, c) : ExpWeightedSums<TV, Minus, Compact>(x, dy, e, m, c));
            if (double.IsFinite(s) && double.IsFinite(sLow) && double.IsFinite(w) && double.IsFinite(wLow))
            {
                // D = W/s and P = 1/s as double-doubles.
                double dHi = Quotient(w, wLow, s, sLow, out double dLo);
                double pHi = Quotient(1.0, 0.0, s, sLow, out double pLo);
                var factors = new SoftmaxFactors(c, dHi, dLo, pHi, pLo, sign, m);
                if (spread) SoftmaxGradientPass<TV, Spread>(x, e, dy, dx, factors);
                else SoftmaxGradientPass<TV, Compact>(x, e, dy, dx, factors);
                return;
            }

            if (TryDownScaledSoftmaxBackward<TV>(x, dy, dx, e, sign, m, top, spread)) return;
        }

        // y, then the product from it (the special rows' definition).
        var y = scratch[..x.Length];
        Forward<TV>(x, y, sign, log: false);
        SoftmaxBackwardFromOutput<TV>(y, dy, dx, sign);
    }

    /// <summary>
    /// A dy so large that dy − c or W overflows (entries near ±1.8e308 on both sides): <see cref="TrySoftmaxBackward{TV}"/>
    /// again from dy·2^−k (<see cref="DownScale"/>) with P = 2^k/s, so dx is rounded once at its own scale. A dy with ±∞
    /// or NaN entries still fails and takes the special rows' definition.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool TryDownScaledSoftmaxBackward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> e, double sign, double m, int top, bool spread)
        where TV : struct, IVec<TV>
    {
        int k = DownScale(dy.Length);
        var rented = ArrayPool<double>.Shared.Rent(dy.Length);
        try
        {
            var scaled = rented.AsSpan(0, dy.Length);
            for (int i = 0; i < dy.Length; i++) scaled[i] = Math.ScaleB(dy[i], -k);
            return TrySoftmaxBackward<TV>(x, scaled, dx, e, sign, m, top, spread, Math.ScaleB(1.0, k));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The sums and the gradient pass of <see cref="SoftmaxBackward{TV}"/> with P = <paramref name="scale"/>/s; false
    /// (nothing written) where the sums are not finite.
    /// </summary>
    private static bool TrySoftmaxBackward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> e, double sign, double m, int top, bool spread, double scale)
        where TV : struct, IVec<TV>
    {
        double c = dy[top];
        var (s, sLow, w, wLow) = (sign == 1.0, spread) switch
        {
            (true, false) => ExpWeightedSums<TV, Plus, Compact>(x, dy, e, m, c),
            (false, false) => ExpWeightedSums<TV, Minus, Compact>(x, dy, e, m, c),
            (true, true) => ExpWeightedSums<TV, Plus, Spread>(x, dy, e, m, c),
            (false, true) => ExpWeightedSums<TV, Minus, Spread>(x, dy, e, m, c),
        };
        if (!(double.IsFinite(s) && double.IsFinite(sLow) && double.IsFinite(w) && double.IsFinite(wLow))) return false;
        // D = W/s and P = scale/s as double-doubles.
        double dHi = Quotient(w, wLow, s, sLow, out double dLo);
        double pHi = Quotient(scale, 0.0, s, sLow, out double pLo);
        var factors = new SoftmaxFactors(c, dHi, dLo, pHi, pLo, sign, m);
        if (spread) SoftmaxGradientPass<TV, Spread>(x, e, dy, dx, factors);
        else SoftmaxGradientPass<TV, Compact>(x, e, dy, dx, factors);
        return true;
    }

    /// <summary>
    /// dx = dy − p·Σdy with p = softmax(x): the log-softmax gradient from the input; dx may be x or dy.
    /// <paramref name="scratch"/> holds 2n doubles.
    /// </summary>
    /// <remarks>
    /// e = e^(x − m) and s = Σe as double-doubles (<see cref="SoftmaxBackward{TV}"/>), Σdy = T as a double-double, Q = T/s,
    /// and dx = dy − e·Q formed from the double-double product and rounded once (a two-sum with dy, then its low parts).
    /// At a dominant entry (e = 1, s = 1 + s′ with s′ tiny, the confident class of a cross-entropy) s and Q keep s′ in their
    /// low parts, so dy − Q keeps its relative accuracy: −(1 − p) = −4e−18 at a margin of 40. Where dy at the first
    /// maximum cancels against Q to 2^−40 of itself, dx there is formed again as −Σ(dy − c·e)/s (see TopSum).
    /// </remarks>
    public static void LogSoftmaxBackward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> scratch)
        where TV : struct, IVec<TV>
    {
        var (max, min) = RowMath.MaxMin<TV>(x, 1.0);
        double m = max + 0.0;
        if (double.IsFinite(m))
        {
            var e = scratch[..(2 * x.Length)];
            bool spread = m - min > -FarBelow && HasFarEntries<TV>(x, 1.0, m);
            var (s, sLow, total, totalLow) = spread ? ExpSums<TV, Spread>(x, dy, e, m) : ExpSums<TV, Compact>(x, dy, e, m);
            int scale = 0;
            if (double.IsFinite(s) && double.IsFinite(sLow) && !(double.IsFinite(total) && double.IsFinite(totalLow)))
            {
                // Σdy overflows on the way or is itself beyond the doubles, while Q = Σdy/s may not be.
                scale = DownScale(dy.Length);
                total = RescaledSum<TV>(dy, scale, out totalLow);
            }

            if (double.IsFinite(s) && double.IsFinite(sLow) && double.IsFinite(total) && double.IsFinite(totalLow))
            {
                double qHi = Quotient(total, totalLow, s, sLow, out double qLo);
                if (scale != 0)
                {
                    // Q itself may be beyond the doubles while e·Q is not: then the pass scales each product.
                    if (!double.IsFinite(Math.ScaleB(qHi, scale)))
                    {
                        LogGradientPass<TV, Spread>(x, e, dy, dx, qHi, qLo, m, scale);
                        return;
                    }

                    qHi = Math.ScaleB(qHi, scale);
                    qLo = Math.ScaleB(qLo, scale);
                }

                // At the first maximum (e = 1) dx = dy − Q cancels where dy is close to Q, and Q = T/s carries the
                // error of T and s relative to T: 2^−104 of dy there, 4e11 ULP on a row whose dx was 2^−95 of dy. The
                // same dx is −V/s with V = Σ(dy − c·e) (c that dy), whose terms are those of the other entries (the
                // maximum's is exactly 0): V cancels only as far as dx does against them. Formed where the cancellation
                // is deep enough to matter (2^−40), with a pass over the kept e before dx (which may be dy) is written.
                int top = FirstAtMaximum<TV>(x, 1.0, m);
                double c = dy[top];
                double atTop = Math.Abs((c - qHi) - qLo) < Math.ScaleB(Math.Abs(c), -40) ? DeepTop<TV>(x, e, dy, top, m, s, sLow, spread) : double.NaN;
                if (spread) LogGradientPass<TV, Spread>(x, e, dy, dx, qHi, qLo, m, 0);
                else LogGradientPass<TV, Compact>(x, e, dy, dx, qHi, qLo, m, 0);
                if (!double.IsNaN(atTop)) dx[top] = atTop;

                return;
            }
        }

        LogSoftmaxBackwardPlain<TV>(x, dy, dx);
    }

    /// <summary>
    /// dx = dy − e^y·Σdy, the log-softmax gradient from its output y (any y: a log-softmax output is at most 0, but a y
    /// above 0 still gets the formula's value); dx may be y or dy.
    /// </summary>
    /// <remarks>
    /// e^y as a double-double (<see cref="DoubleDoubleExp{TV}.ExpPairScaled"/>, k = 0) and Σdy as a double-double, the product and the
    /// difference as in <see cref="LogSoftmaxBackward{TV}(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double})"/>:
    /// where y is close to 0 (a dominant entry) e^y = 1 + (e^y − 1) keeps e^y − 1 in its low part. Beyond 709.78 e^y is
    /// +∞ and dx the plain dy − e^y·Σdy (∓∞, or NaN for Σdy = 0). Unlike the gradients from the input, a y below −708
    /// gives a subnormal e^y with only absolute accuracy (0 below −745), so where dy_i is small against e^y·Σdy there
    /// dx_i is off by up to 2^−1075·|Σdy| (the far entries' scaling is not done here).
    /// </remarks>
    public static void LogSoftmaxBackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
        where TV : struct, IVec<TV>
    {
        double total = Sum<TV>(dy, out double totalLow);
        if (!(double.IsFinite(total) && double.IsFinite(totalLow)))
        {
            // Σdy overflows on the way (dy near ±1.8e308 on both sides) or is itself beyond the doubles: summed at
            // scale 2^−k, and dx formed at that scale where Σdy is beyond the doubles.
            int k = DownScale(dy.Length);
            double scaled = RescaledSum<TV>(dy, k, out double scaledLow);
            if (double.IsFinite(scaled) && double.IsFinite(scaledLow) && !double.IsFinite(Math.ScaleB(scaled, k)))
            {
                LogGradientFromOutputAtScale<TV>(y, dy, dx, scaled, scaledLow, k);
                return;
            }

            total = Math.ScaleB(scaled, k);
            totalLow = Math.ScaleB(scaledLow, k);
        }

        if (double.IsFinite(total) && double.IsFinite(totalLow))
        {
            LogGradientFromOutputPass<TV>(y, dy, dx, total, totalLow);
            return;
        }

        LogSoftmaxBackwardFromOutputPlain<TV>(y, dy, dx);
    }

    // Type arguments of the gradients' passes: whether the row has entries 670 to 1500 below its maximum (Spread), whose
    // e is kept scaled (see FarBelow), or not (Compact).
    private readonly struct Compact;

    private readonly struct Spread;

    /// <summary>
    /// k such that n doubles times 2^−k sum without overflow (2 + the bit length of n): the rows whose dy reach
    /// ±1.8e308 are summed at that scale. Exact but for dy below 2^(k − 1022), which lose their last bits there (of no
    /// weight beside entries near 1e308).
    /// </summary>
    private static int DownScale(int n) => 2 + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)n));

    /// <summary>
    /// Σdy·2^−k as a double-double (k from <see cref="DownScale"/>), for the rows whose compensated sum overflows on the
    /// way (dy near ±1.8e308 on both sides) or whose Σdy is itself beyond the doubles.
    /// </summary>
    private static double RescaledSum<TV>(ReadOnlySpan<double> dy, int k, out double low) where TV : struct, IVec<TV>
    {
        var rented = ArrayPool<double>.Shared.Rent(dy.Length);
        try
        {
            var scaled = rented.AsSpan(0, dy.Length);
            for (int i = 0; i < dy.Length; i++) scaled[i] = Math.ScaleB(dy[i], -k);
            return Sum<TV>(scaled, out low);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>−c, or −0 for c = ±0: dy + (−0) is dy itself, so a dy of −0 keeps its sign in dy − c.</summary>
    private static double MinusOrMinusZero(double c) => c == 0 ? -0.0 : -c;

    /// <summary>(a + aLow)/(b + bLow) as a double-double (about 2^−104 relative); returns the high part.</summary>
    private static double Quotient(double a, double aLow, double b, double bLow, out double low)
    {
        double q = a / b;
        // a − q·b exactly (fma), then the low parts.
        double rest = (Math.FusedMultiplyAdd(-q, b, a) + aLow) - (q * bLow);
        low = rest / b;
        return q;
    }

    /// <summary>The first index whose sign·x equals the row maximum <paramref name="m"/> (finite, so there is one).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int FirstAtMaximum<TV>(ReadOnlySpan<double> x, double sign, double m) where TV : struct, IVec<TV>
    {
        ref double px = ref MemoryMarshal.GetReference(x);
        var s = TV.Create(sign);
        var mv = TV.Create(m);
        int last = x.Length - TV.Count;
        for (int i = 0; ; i += TV.Count)
        {
            int at = Math.Min(i, last);
            int lane = TV.FirstWhereEqual(Lanes.Load<TV, double>(ref Unsafe.Add(ref px, at)) * s, mv);
            if (lane < TV.Count) return at + lane;
        }
    }

    /// <summary>
    /// The argument of e = e^(v − m): d + lo = v − m exactly (TwoSum), d clamped at −800 with lo = 0 below −746 (where e is
    /// 0), which also covers −∞ entries and shifts that overflow (a NaN stays: the bound is Max's first operand).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ClampedShift<TV>(in DoubleDoubleExp<TV> exp, TV v, TV m, out TV lo) where TV : struct, IVec<TV>
    {
        var d = ExactDifference(v, m, out lo);
        lo = TV.SelectWhereLess(d, exp.Cutoff, TV.Zero, lo);
        return TV.Max(exp.Floor, d);
    }

    // Rows with entries far below their maximum. There e = e^(v − m) is subnormal (from 708.4 below) or 0 (from 745.1),
    // with only the subnormals' absolute accuracy, while dx = (e/s)·(δ − D) and the term e·δ of W can still be normal
    // numbers (|δ| up to 2^1024): an entry 740 below with dy = 1e300 was 2.3e13 ULP off, one 760 below gave 0 for
    // 8.6e−321. Such entries, from 670 below (where e's low part turns subnormal) down to 1500 (below which e·2^1025
    // rounds to 0), keep e scaled by 2^k into the normal range, k = 966 down to 1100 below and 1586 further down (so
    // that e·2^k < 1 and e·2^k·δ cannot overflow); the sums take e·δ and e scaled back, and the gradient pass
    // recomputes k from x and scales dx back (double rounding only for subnormal dx). Rows
    // whose range is at most 670, and rows whose far entries all lie beyond 1500 (masked with −∞ or −1e9), keep the
    // ordinary passes: HasFarEntries decides per row.
    private const double FarBelow = -670.0;
    private const double FarFloor = -1500.0;

    /// <summary>The row has an entry 670 to 1500 below its maximum (callers scan only rows whose range exceeds 670).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool HasFarEntries<TV>(ReadOnlySpan<double> x, double sign, double m) where TV : struct, IVec<TV>
    {
        ref double px = ref MemoryMarshal.GetReference(x);
        var s = TV.Create(sign);
        var mv = TV.Create(m);
        var below = TV.Create(FarBelow);
        var floor = TV.Create(FarFloor);
        int last = x.Length - TV.Count;
        for (int i = 0; i < x.Length; i += TV.Count)
        {
            var d = (Lanes.Load<TV, double>(ref Unsafe.Add(ref px, Math.Min(i, last))) * s) - mv;
            if (TV.AnyTrue(TV.And(TV.LessThan(d, below), TV.GreaterThanOrEqual(d, floor)))) return true;
        }

        return false;
    }

    /// <summary>
    /// <see cref="ClampedShift{TV}"/> for the far-reaching rows: d clamped at −1500 (lo 0 below), and the power of two k
    /// that <see cref="DoubleDoubleExp{TV}.ExpPairScaled"/> applies (0 from −670 up).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV FarShift<TV>(TV v, TV m, out TV lo, out TV k) where TV : struct, IVec<TV>
    {
        var d = ExactDifference(v, m, out lo);
        var floor = TV.Create(FarFloor);
        lo = TV.SelectWhereLess(d, floor, TV.Zero, lo);
        d = TV.Max(floor, d);
        k = TV.And(TV.LessThan(d, TV.Create(FarBelow)), TV.Create(966.0)) + TV.And(TV.LessThan(d, TV.Create(-1100.0)), TV.Create(620.0));
        return d;
    }

    /// <summary>Chooses the canonical lanes of TV's width for <see cref="ExpWeightedSums{TV, TA, TSign, TRange}"/>.</summary>
    private static (double S, double SLow, double W, double WLow) ExpWeightedSums<TV, TSign, TRange>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> e, double m, double c)
        where TV : struct, IVec<TV>
        where TSign : struct
        where TRange : struct
        => typeof(TV) == typeof(V512<double>) ? ExpWeightedSums<TV, DoubleLanes8x1<TV>, TSign, TRange>(x, dy, e, m, c)
            : typeof(TV) == typeof(V256<double>) ? ExpWeightedSums<TV, DoubleLanes8x2<TV>, TSign, TRange>(x, dy, e, m, c)
            : typeof(TV) == typeof(V128<double>) ? ExpWeightedSums<TV, DoubleLanes8x4<TV>, TSign, TRange>(x, dy, e, m, c)
            : ExpWeightedSums<TV, DoubleLanes8x8<TV>, TSign, TRange>(x, dy, e, m, c);

    /// <summary>
    /// e = e^(sign·x − m) as double-doubles into <paramref name="e"/> (high parts in its first n entries, low parts in the
    /// next n), with s = Σe and W = Σe·(dy − c) as double-doubles (plain sum of the canonical lanes and compensation):
    /// <see cref="AddWeightedSums{TV, TA, TRange}"/>. In a far-reaching row (<typeparamref name="TRange"/> Spread) e is
    /// kept as e·2^k (<see cref="FarShift{TV}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static (double S, double SLow, double W, double WLow) ExpWeightedSums<TV, TA, TSign, TRange>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> e, double m, double c)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
        where TSign : struct
        where TRange : struct
    {
        int n = x.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        ref double pe = ref MemoryMarshal.GetReference(e);
        int last = n - TV.Count;
        ref readonly var exp = ref DoubleDoubleExp<TV>.Shared;
        var mv = TV.Create(m);
        var minusC = TV.Create(MinusOrMinusZero(c));
        var sums = TA.Zero;
        var weighted = TA.Zero;
        // Two registers an iteration through DoubleDoubleExp.ExpPairScaled (see LogGradientFromOutputPass); the overlapping
        // last register is stored whole and its fresh lanes moved to their canonical lanes for the sums; a register past
        // the end adds nothing.
        for (int i = 0; i < n; i += 2 * TV.Count)
        {
            int j = i + TV.Count;
            int at0 = Math.Min(i, last);
            int at1 = Math.Min(j, last);
            var v0 = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, at0));
            var v1 = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, at1));
            if (typeof(TSign) == typeof(Minus))
            {
                v0 = -v0;
                v1 = -v1;
            }

            TV hi0, lo0, hi1, lo1, k0, k1;
            if (typeof(TRange) == typeof(Spread))
            {
                var d0 = FarShift(v0, mv, out var shiftLow0, out k0);
                var d1 = FarShift(v1, mv, out var shiftLow1, out k1);
                hi0 = exp.ExpPairScaled(d0, shiftLow0, k0, d1, shiftLow1, k1, out lo0, out hi1, out lo1);
            }
            else
            {
                var d0 = ClampedShift(in exp, v0, mv, out var shiftLow0);
                var d1 = ClampedShift(in exp, v1, mv, out var shiftLow1);
                hi0 = exp.ExpPairScaled(d0, shiftLow0, TV.Zero, d1, shiftLow1, TV.Zero, out lo0, out hi1, out lo1);
                k0 = k1 = TV.Zero;
            }

            Lanes.Store(hi0, ref Unsafe.Add(ref pe, at0));
            Lanes.Store(lo0, ref Unsafe.Add(ref pe, n + at0));
            Lanes.Store(hi1, ref Unsafe.Add(ref pe, at1));
            Lanes.Store(lo1, ref Unsafe.Add(ref pe, n + at1));
            AddWeightedSums<TV, TA, TRange>(ref sums, ref weighted, i, n, hi0, lo0, k0, Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, at0)), minusC);
            AddWeightedSums<TV, TA, TRange>(ref sums, ref weighted, j, n, hi1, lo1, k1, Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, at1)), minusC);
        }

        return Totals<TV, TA>(sums, weighted);
    }

    /// <summary>
    /// Both sums' totals as double-doubles, out of the loop's method: folded there, they overran the JIT's inlining
    /// budget beside the exponential and became three calls a row.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static (double S, double SLow, double W, double WLow) Totals<TV, TA>(TA sums, TA weighted)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
    {
        double s = sums.TotalParts(out double sLow);
        double w = weighted.TotalParts(out double wLow);
        return (s, sLow, w, wLow);
    }

    /// <summary>
    /// Adds the register of entries from <paramref name="i"/> on (as <see cref="AddSums{TV, TA}"/>) to s (e as hi + lo) and
    /// W = Σe·(dy − c): dy − c exact by a two-sum, e·(dy − c) as its high product exactly (fms) plus the low products.
    /// In a far-reaching row, e comes as e·2^k: the product and e are scaled back by 2^−k for the sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWeightedSums<TV, TA, TRange>(ref TA sums, ref TA weighted, int i, int n, TV hi, TV lo, TV k, TV g, TV minusC)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
        where TRange : struct
    {
        if (i >= n) return;
        var delta = g + minusC;
        var gPart = delta - g;
        var deltaLow = (g - (delta - gPart)) + (minusC - gPart);
        var product = hi * delta;
        var productLow = TV.Fms(hi, delta, product) + TV.Fma(hi, deltaLow, lo * delta);
        if (typeof(TRange) == typeof(Spread))
        {
            var back = TV.Zero - k;
            product = TV.ScaleB(product, back);
            productLow = TV.ScaleB(productLow, back);
            hi = TV.ScaleB(hi, back);
            lo = TV.ScaleB(lo, back);
        }

        if (i > n - TV.Count)
        {
            hi = TA.FreshToFront(hi, n - i);
            lo = TA.FreshToFront(lo, n - i);
            product = TA.FreshToFront(product, n - i);
            productLow = TA.FreshToFront(productLow, n - i);
        }

        int r = TA.Register(i);
        sums.Add(r, hi);
        sums.AddLow(r, lo);
        weighted.Add(r, product);
        weighted.AddLow(r, productLow);
    }

    /// <summary>c, D = W/s, P = 1/s, the sign and the row maximum m of <see cref="SoftmaxBackward{TV}"/>.</summary>
    private readonly record struct SoftmaxFactors(double C, double DHi, double DLo, double PHi, double PLo, double Sign, double M);

    /// <summary>
    /// dx = sign·(e/s)·((dy − c) − W/s) from the kept e, rounded by the last fma (the sign is exact); in a far-reaching row
    /// scaled back by the 2^−k of <see cref="FarShift{TV}"/>, recomputed from x (which dx may be: each register of x is
    /// read before its dx is stored).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxGradientPass<TV, TRange>(ReadOnlySpan<double> x, ReadOnlySpan<double> e, ReadOnlySpan<double> dy, Span<double> dx, SoftmaxFactors f)
        where TV : struct, IVec<TV>
        where TRange : struct
    {
        int n = dy.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double pe = ref MemoryMarshal.GetReference(e);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        ref double pdx = ref MemoryMarshal.GetReference(dx);
        int last = n - TV.Count;
        var minusC = TV.Create(MinusOrMinusZero(f.C));
        var minusD = TV.Create(-f.DHi);
        var dLo = TV.Create(f.DLo);
        var pHi = TV.Create(f.PHi);
        var pLo = TV.Create(f.PLo);
        var sign = TV.Create(f.Sign);
        var mv = TV.Create(f.M);
        // dy's and x's overlapping last registers are read before anything is stored (dx may be dy or x).
        var lastG = Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, last));
        var lastX = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, last));
        for (int i = 0; i < n; i += TV.Count)
        {
            bool full = i <= last;
            int at = full ? i : last;
            var hi = Lanes.Load<TV, double>(ref Unsafe.Add(ref pe, at));
            var lo = Lanes.Load<TV, double>(ref Unsafe.Add(ref pe, n + at));
            var g = full ? Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, i)) : lastG;
            // δ = dy − c (two-sum), then δ − D: its high part by a two-sum, the low parts added.
            var delta = g + minusC;
            var gPart = delta - g;
            var deltaLow = (g - (delta - gPart)) + (minusC - gPart);
            var diff = delta + minusD;
            var dPart = diff - delta;
            var diffLow = ((delta - (diff - dPart)) + (minusD - dPart)) + (deltaLow - dLo);
            // u = e·P as a double-double, then u·(δ − D) rounded once, and the sign last: a zero result (e = 0) then
            // gets the sign sign·(+0·…) that the product from the output gives it, which float rows (rounded from
            // these where they take the double rows) have always had.
            var u = hi * pHi;
            var uLow = TV.Fms(hi, pHi, u) + TV.Fma(hi, pLo, lo * pHi);
            var product = TV.Fma(u, diff, TV.Fma(u, diffLow, uLow * diff));
            // Where δ − D is exactly 0 (dy all equal), u·diff: a dy of −0 then gives the −0 that y·(dy − ⟨dy, y⟩) gave.
            product = TV.SelectWhereEqual(diff + diffLow, TV.Zero, u * diff, product);
            // δ − D beyond the doubles (dy near ±1.8e308 on both sides of D) makes diffLow ∞ − ∞: those lanes again at
            // half scale, where nothing overflows, and doubled (exact, or the ∞ the product rounds to).
            var back = TV.Zero;
            if (typeof(TRange) == typeof(Spread))
            {
                var v = (full ? Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i)) : lastX) * sign;
                FarShift(v, mv, out _, out var k);
                back = TV.Zero - k;
            }

            if (TV.AnyTrue(TV.IsNaN(product)))
            {
                var overflowed = TV.IsNaN(product);
                var half = HalfScaleProduct(g, minusC, minusD, dLo, u, uLow);
                if (typeof(TRange) == typeof(Spread))
                {
                    product = TV.Select(overflowed, half, product);
                    back += TV.And(overflowed, TV.One);
                }
                else
                {
                    product = TV.Select(overflowed, half * TV.Create(2.0), product);
                }
            }

            if (typeof(TRange) == typeof(Spread)) product = TV.ScaleB(product, back);
            Lanes.Store(sign * product, ref Unsafe.Add(ref pdx, at));
        }
    }

    /// <summary>
    /// u·((dy − c) − D)/2 as <see cref="SoftmaxGradientPass{TV, TRange}"/> forms u·((dy − c) − D), from dy/2, c/2 and D/2
    /// (exact: these lanes have |δ − D| near 2^1024, so no part that matters is subnormal).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV HalfScaleProduct<TV>(TV g, TV minusC, TV minusD, TV dLo, TV u, TV uLow) where TV : struct, IVec<TV>
    {
        var half = TV.Create(0.5);
        g *= half;
        minusC *= half;
        minusD *= half;
        var delta = g + minusC;
        var gPart = delta - g;
        var deltaLow = (g - (delta - gPart)) + (minusC - gPart);
        var diff = delta + minusD;
        var dPart = diff - delta;
        var diffLow = ((delta - (diff - dPart)) + (minusD - dPart)) + (deltaLow - (dLo * half));
        return TV.Fma(u, diff, TV.Fma(u, diffLow, uLow * diff));
    }

    /// <summary>
    /// e = e^(x − m) as double-doubles into <paramref name="e"/> (as <see cref="ExpWeightedSums{TV, TA, TSign, TRange}"/>,
    /// far entries of a far-reaching row as e·2^k), with s = Σe and T = Σdy as double-doubles over the canonical lanes.
    /// </summary>
    private static (double S, double SLow, double T, double TLow) ExpSums<TV, TRange>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> e, double m)
        where TV : struct, IVec<TV>
        where TRange : struct
        => typeof(TV) == typeof(V512<double>) ? ExpSums<TV, DoubleLanes8x1<TV>, TRange>(x, dy, e, m)
            : typeof(TV) == typeof(V256<double>) ? ExpSums<TV, DoubleLanes8x2<TV>, TRange>(x, dy, e, m)
            : typeof(TV) == typeof(V128<double>) ? ExpSums<TV, DoubleLanes8x4<TV>, TRange>(x, dy, e, m)
            : ExpSums<TV, DoubleLanes8x8<TV>, TRange>(x, dy, e, m);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static (double S, double SLow, double T, double TLow) ExpSums<TV, TA, TRange>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> e, double m)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
        where TRange : struct
    {
        int n = x.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        ref double pe = ref MemoryMarshal.GetReference(e);
        int last = n - TV.Count;
        ref readonly var exp = ref DoubleDoubleExp<TV>.Shared;
        var mv = TV.Create(m);
        var sums = TA.Zero;
        var totals = TA.Zero;
        // Two registers an iteration (see LogGradientFromOutputPass); one past the end adds nothing.
        for (int i = 0; i < n; i += 2 * TV.Count)
        {
            int j = i + TV.Count;
            int at0 = Math.Min(i, last);
            int at1 = Math.Min(j, last);
            var v0 = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, at0));
            var v1 = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, at1));
            TV hi0, lo0, hi1, lo1, s0, sLow0, s1, sLow1;
            if (typeof(TRange) == typeof(Spread))
            {
                var d0 = FarShift(v0, mv, out var shiftLow0, out var k0);
                var d1 = FarShift(v1, mv, out var shiftLow1, out var k1);
                hi0 = exp.ExpPairScaled(d0, shiftLow0, k0, d1, shiftLow1, k1, out lo0, out hi1, out lo1);
                // s takes e itself (subnormal or 0 there, as in the other rows): its low part can be all that
                // separates s from 1, and the entry at the maximum's dy − e·Q cancels against that.
                var back0 = TV.Zero - k0;
                var back1 = TV.Zero - k1;
                (s0, sLow0, s1, sLow1) = (TV.ScaleB(hi0, back0), TV.ScaleB(lo0, back0), TV.ScaleB(hi1, back1), TV.ScaleB(lo1, back1));
            }
            else
            {
                var d0 = ClampedShift(in exp, v0, mv, out var shiftLow0);
                var d1 = ClampedShift(in exp, v1, mv, out var shiftLow1);
                hi0 = exp.ExpPairScaled(d0, shiftLow0, TV.Zero, d1, shiftLow1, TV.Zero, out lo0, out hi1, out lo1);
                (s0, sLow0, s1, sLow1) = (hi0, lo0, hi1, lo1);
            }

            Lanes.Store(hi0, ref Unsafe.Add(ref pe, at0));
            Lanes.Store(lo0, ref Unsafe.Add(ref pe, n + at0));
            Lanes.Store(hi1, ref Unsafe.Add(ref pe, at1));
            Lanes.Store(lo1, ref Unsafe.Add(ref pe, n + at1));
            AddSums(ref sums, ref totals, i, n, s0, sLow0, Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, at0)));
            AddSums(ref sums, ref totals, j, n, s1, sLow1, Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, at1)));
        }

        double s = sums.TotalParts(out double sLow);
        double t = totals.TotalParts(out double tLow);
        return (s, sLow, t, tLow);
    }

    /// <summary>
    /// Adds the register of entries from <paramref name="i"/> on (the overlapping last one, its fresh lanes moved to their
    /// canonical lanes, when fewer than Count are left; nothing past the end) to s (e as hi + lo) and T (dy).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums<TV, TA>(ref TA sums, ref TA totals, int i, int n, TV hi, TV lo, TV g)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
    {
        if (i >= n) return;
        if (i > n - TV.Count)
        {
            hi = TA.FreshToFront(hi, n - i);
            lo = TA.FreshToFront(lo, n - i);
            g = TA.FreshToFront(g, n - i);
        }

        int k = TA.Register(i);
        sums.Add(k, hi);
        sums.AddLow(k, lo);
        totals.Add(k, g);
    }

    /// <summary>Σ<paramref name="a"/> as a double-double over the canonical lanes (plain sum and compensation).</summary>
    private static double Sum<TV>(ReadOnlySpan<double> a, out double low) where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<double>) ? Sum<TV, DoubleLanes8x1<TV>>(a, out low)
            : typeof(TV) == typeof(V256<double>) ? Sum<TV, DoubleLanes8x2<TV>>(a, out low)
            : typeof(TV) == typeof(V128<double>) ? Sum<TV, DoubleLanes8x4<TV>>(a, out low)
            : Sum<TV, DoubleLanes8x8<TV>>(a, out low);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Sum<TV, TA>(ReadOnlySpan<double> a, out double low)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
    {
        int n = a.Length;
        ref double pa = ref MemoryMarshal.GetReference(a);
        var sums = TA.Zero;
        int last = n - TV.Count;
        int i = 0;
        for (; i <= last; i += TV.Count) sums.Add(TA.Register(i), Lanes.Load<TV, double>(ref Unsafe.Add(ref pa, i)));
        if (i < n) sums.Add(TA.Register(i), TA.FreshToFront(Lanes.Load<TV, double>(ref Unsafe.Add(ref pa, last)), n - i));
        return sums.TotalParts(out low);
    }

    /// <summary>
    /// dx at the first maximum as −V/s (<see cref="TopSum{TV, TRange}"/>), for a dy there that cancels against Q to 2^−40
    /// of itself; NaN (keep the pass's value) where V is not finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double DeepTop<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> e, ReadOnlySpan<double> dy, int top, double m, double s, double sLow, bool spread)
        where TV : struct, IVec<TV>
    {
        double c = dy[top];
        double v = spread ? TopSum<TV, Spread>(x, e, dy, c, m, out double vLow) : TopSum<TV, Compact>(x, e, dy, c, m, out vLow);
        if (!(double.IsFinite(v) && double.IsFinite(vLow))) return double.NaN;
        double r = Quotient(v, vLow, s, sLow, out double rLow);
        // An exact 0 as c − c gives it: +0.
        return (r + rLow) == 0 ? 0.0 : -(r + rLow);
    }

    /// <summary>V = Σ(dy − c·e) as a double-double over the canonical lanes, from the kept e (scaled back in a far-reaching row).</summary>
    private static double TopSum<TV, TRange>(ReadOnlySpan<double> x, ReadOnlySpan<double> e, ReadOnlySpan<double> dy, double c, double m, out double low)
        where TV : struct, IVec<TV>
        where TRange : struct
        => typeof(TV) == typeof(V512<double>) ? TopSum<TV, DoubleLanes8x1<TV>, TRange>(x, e, dy, c, m, out low)
            : typeof(TV) == typeof(V256<double>) ? TopSum<TV, DoubleLanes8x2<TV>, TRange>(x, e, dy, c, m, out low)
            : typeof(TV) == typeof(V128<double>) ? TopSum<TV, DoubleLanes8x4<TV>, TRange>(x, e, dy, c, m, out low)
            : TopSum<TV, DoubleLanes8x8<TV>, TRange>(x, e, dy, c, m, out low);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double TopSum<TV, TA, TRange>(ReadOnlySpan<double> x, ReadOnlySpan<double> e, ReadOnlySpan<double> dy, double c, double m, out double low)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
        where TRange : struct
    {
        int n = dy.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double pe = ref MemoryMarshal.GetReference(e);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        int last = n - TV.Count;
        var cv = TV.Create(c);
        var mv = TV.Create(m);
        var sums = TA.Zero;
        for (int i = 0; i < n; i += TV.Count)
        {
            int at = Math.Min(i, last);
            var hi = Lanes.Load<TV, double>(ref Unsafe.Add(ref pe, at));
            var lo = Lanes.Load<TV, double>(ref Unsafe.Add(ref pe, n + at));
            var g = Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, at));
            // c·e: the high product exactly (fms), c·lo rounded (2^−53 of a term 2^−53 of it).
            var p = cv * hi;
            var pLow = TV.Fms(cv, hi, p) + (cv * lo);
            if (typeof(TRange) == typeof(Spread))
            {
                FarShift(Lanes.Load<TV, double>(ref Unsafe.Add(ref px, at)), mv, out _, out var k);
                var back = TV.Zero - k;
                p = TV.ScaleB(p, back);
                pLow = TV.ScaleB(pLow, back);
            }

            // dy − c·e: a two-sum of dy and −p, its error less pLow in the low part.
            var diff = g - p;
            var gPart = diff - g;
            var rest = ((g - (diff - gPart)) - (p + gPart)) - pLow;
            if (i > last)
            {
                diff = TA.FreshToFront(diff, n - i);
                rest = TA.FreshToFront(rest, n - i);
            }

            int r = TA.Register(i);
            sums.Add(r, diff);
            sums.AddLow(r, rest);
        }

        return sums.TotalParts(out low);
    }

    /// <summary>
    /// dx = dy − e·Q from the kept e (Q = Σdy/Σe), rounded once; where dy − e·Q overflows, the plain fnma (∓∞). In a
    /// far-reaching row e·Q is scaled back by the 2^−k of <see cref="FarShift{TV}"/>, recomputed from x (which dx may
    /// be: each register of x is read before its dx is stored), and by 2^<paramref name="scale"/> (a Q beyond the
    /// doubles passed as Q·2^−scale; 0 in the Compact pass).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LogGradientPass<TV, TRange>(ReadOnlySpan<double> x, ReadOnlySpan<double> e, ReadOnlySpan<double> dy, Span<double> dx, double qHi, double qLo, double m, int scale)
        where TV : struct, IVec<TV>
        where TRange : struct
    {
        var scaleV = TV.Create(scale);
        int n = dy.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double pe = ref MemoryMarshal.GetReference(e);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        ref double pdx = ref MemoryMarshal.GetReference(dx);
        int last = n - TV.Count;
        var q = TV.Create(qHi);
        var qLow = TV.Create(qLo);
        var mv = TV.Create(m);
        var lastG = Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, last));
        var lastX = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, last));
        for (int i = 0; i < n; i += TV.Count)
        {
            bool full = i <= last;
            int at = full ? i : last;
            var hi = Lanes.Load<TV, double>(ref Unsafe.Add(ref pe, at));
            var lo = Lanes.Load<TV, double>(ref Unsafe.Add(ref pe, n + at));
            var g = full ? Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, i)) : lastG;
            // NaN where dy − e·Q overflows (∞ − ∞ in the error terms): the plain formula rounds it to ∓∞ there.
            TV result;
            if (typeof(TRange) == typeof(Spread))
            {
                // At scale 2^−scale (exact unless dy or dx is below 2^(scale − 1022)), then back.
                FarShift((full ? Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i)) : lastX), mv, out _, out var k);
                var back = TV.Zero - k;
                var gs = TV.ScaleB(g, TV.Zero - scaleV);
                var accurate = MinusProduct(gs, hi, lo, q, qLow, back);
                result = TV.ScaleB(TV.SelectWhereEqual(accurate, accurate, accurate, gs - TV.ScaleB(hi * q, back)), scaleV);
            }
            else
            {
                var accurate = MinusProduct(g, hi, lo, q, qLow);
                result = TV.SelectWhereEqual(accurate, accurate, accurate, TV.Fnma(hi, q, g));
            }

            Lanes.Store(result, ref Unsafe.Add(ref pdx, at));
        }
    }

    /// <summary>
    /// g − (a + aLow)·(b + bLow) rounded once: the product's high part exactly (fms), g minus it by a two-sum, then the
    /// low parts. Written so that a zero product leaves g's sign of zero as g − a·b gives it (the low parts add +0 as a
    /// subtraction of +0, which keeps −0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV MinusProduct<TV>(TV g, TV a, TV aLow, TV b, TV bLow) where TV : struct, IVec<TV>
    {
        var p = a * b;
        var pLow = TV.Fms(a, b, p) + TV.Fma(a, bLow, aLow * b);
        return MinusDoubleDouble(g, p, pLow);
    }

    /// <summary>
    /// <see cref="MinusProduct{TV}(TV, TV, TV, TV, TV)"/> with the product scaled by 2^<paramref name="back"/> (both parts:
    /// exact where they stay normal).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV MinusProduct<TV>(TV g, TV a, TV aLow, TV b, TV bLow, TV back) where TV : struct, IVec<TV>
    {
        var p = a * b;
        var pLow = TV.Fms(a, b, p) + TV.Fma(a, bLow, aLow * b);
        return MinusDoubleDouble(g, TV.ScaleB(p, back), TV.ScaleB(pLow, back));
    }

    /// <summary>g − (p + pLow) rounded once: a two-sum of g and −p, then the low parts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV MinusDoubleDouble<TV>(TV g, TV p, TV pLow) where TV : struct, IVec<TV>
    {
        var diff = g - p;
        var gPart = diff - g;
        var diffError = (g - (diff - gPart)) - (p + gPart);
        return diff - (pLow - diffError);
    }

    /// <summary>
    /// <see cref="LogGradientFromOutputPass{TV}"/> for a Σdy beyond the doubles, given as T·2^−k: dx = (dy·2^−k − e^y·T·2^−k)·2^k,
    /// rounded at scale (exact unless dy or dx is below 2^(k − 1022)). One register at a time: only such rows come here.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LogGradientFromOutputAtScale<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, double total, double totalLow, int k)
        where TV : struct, IVec<TV>
    {
        int n = y.Length;
        ref double py = ref MemoryMarshal.GetReference(y);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        ref double pdx = ref MemoryMarshal.GetReference(dx);
        int last = n - TV.Count;
        ref readonly var exp = ref DoubleDoubleExp<TV>.Shared;
        var t = TV.Create(total);
        var tLow = TV.Create(totalLow);
        var up = TV.Create(k);
        var down = TV.Create(-k);
        var ceiling = TV.Create(710.0);
        var lastY = Lanes.Load<TV, double>(ref Unsafe.Add(ref py, last));
        var lastG = Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, last));
        for (int i = 0; i < n; i += TV.Count)
        {
            var v = i <= last ? Lanes.Load<TV, double>(ref Unsafe.Add(ref py, i)) : lastY;
            var g = TV.ScaleB(i <= last ? Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, i)) : lastG, down);
            var hi = exp.Exp(TV.Min(ceiling, TV.Max(exp.Floor, v)), TV.Zero, out var lo);
            var accurate = MinusProduct(g, hi, lo, t, tLow);
            Lanes.Store(TV.ScaleB(TV.SelectWhereEqual(accurate, accurate, accurate, TV.Fnma(hi, t, g)), up), ref Unsafe.Add(ref pdx, Math.Min(i, last)));
        }
    }

    /// <summary>
    /// dx = dy − e^y·T, e^y and T = Σdy as double-doubles; the plain formula where that overflows (e^y = +∞ above
    /// y = 709.78, or a product beyond the doubles).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LogGradientFromOutputPass<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, double total, double totalLow)
        where TV : struct, IVec<TV>
    {
        int n = y.Length;
        ref double py = ref MemoryMarshal.GetReference(y);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        ref double pdx = ref MemoryMarshal.GetReference(dx);
        int last = n - TV.Count;
        ref readonly var exp = ref DoubleDoubleExp<TV>.Shared;
        var t = TV.Create(total);
        var tLow = TV.Create(totalLow);
        var ceiling = TV.Create(710.0);
        // The overlapping last register's inputs are read before anything is stored (dx may be y or dy).
        var lastY = Lanes.Load<TV, double>(ref Unsafe.Add(ref py, last));
        var lastG = Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, last));
        // Two registers an iteration through DoubleDoubleExp.ExpPairScaled, step by step: one chain of some seventy dependent
        // operations alone left the pipes idle (2.2 ns/element on rows of 1000, 1.8 with two; two separate calls did not
        // fit the JIT's inlining budget). A register past the last full one is the overlapping last register (twice in
        // the last iteration of some lengths: the same values stored twice).
        for (int i = 0; i < n; i += 2 * TV.Count)
        {
            int j = i + TV.Count;
            var v0 = i <= last ? Lanes.Load<TV, double>(ref Unsafe.Add(ref py, i)) : lastY;
            var g0 = i <= last ? Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, i)) : lastG;
            var v1 = j <= last ? Lanes.Load<TV, double>(ref Unsafe.Add(ref py, j)) : lastY;
            var g1 = j <= last ? Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, j)) : lastG;
            // y clamped to [−800, 710] (NaN kept: the constants first), where e^y is 0 below −745.13 and +∞ above 709.78.
            var hi0 = exp.ExpPairScaled(TV.Min(ceiling, TV.Max(exp.Floor, v0)), TV.Zero, TV.Zero, TV.Min(ceiling, TV.Max(exp.Floor, v1)), TV.Zero, TV.Zero, out var lo0, out var hi1, out var lo1);
            var accurate0 = MinusProduct(g0, hi0, lo0, t, tLow);
            var accurate1 = MinusProduct(g1, hi1, lo1, t, tLow);
            // NaN where e^y or the product overflows (∞ − ∞ in the error terms): there the plain formula is the answer, as
            // it is where it is NaN itself.
            Lanes.Store(TV.SelectWhereEqual(accurate0, accurate0, accurate0, TV.Fnma(hi0, t, g0)), ref Unsafe.Add(ref pdx, Math.Min(i, last)));
            Lanes.Store(TV.SelectWhereEqual(accurate1, accurate1, accurate1, TV.Fnma(hi1, t, g1)), ref Unsafe.Add(ref pdx, Math.Min(j, last)));
        }
    }
}
