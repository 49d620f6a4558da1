using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The double gradients of softmax, softmin and log-softmax from the input, and of log-softmax from its output, with
/// the exponentials and the row sums as double-doubles (<see cref="VMath.ExpDoubleDouble{TV}"/>): each gradient is a
/// difference that cancels where it is small against dy, so it is formed from about 104-bit parts and rounded about
/// once. The same bits on every register width: the sums run over the eight canonical lanes of
/// <see cref="IDoubleLanes8{TD, TSelf}"/>, and the passes after them are element-wise.
/// </summary>
/// <remarks>
/// Rows these do not cover go to the earlier algorithms, which define them: a NaN entry, an infinite or NaN maximum (a
/// +∞ entry, a row of −∞) and a dy whose sums are not finite (an infinite or NaN dy, or one so large that dy − c or
/// the weighted sum overflows) are noticed from the sums, before anything is written.
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
    /// came out with the wrong sign), and a row whose dy are all equal has δ = 0 everywhere: dx = 0 exactly (it was 8e−19
    /// for dy = 1). dx = sign·(e/s)·(δ − W/s) from double-double factors, rounded by its last fma. Before 2026-12-02
    /// the gradient was y ⊙ (dy − ⟨dy, y⟩) from y = softmax(x) rounded to double, whose half an ULP the cancellation
    /// amplified: 57 ULP on a tester's row of two, up to 1,680 on Normal(0, 3) rows of 100.
    /// </remarks>
    public static void SoftmaxBackward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> scratch, double sign)
        where TV : struct, IVec<TV>
    {
        // + 0.0 makes a maximum of −0 +0: its sign may depend on the register width (see RowMath.MaxMin).
        double m = RowMath.MaxMin<TV>(x, sign).Max + 0.0;
        if (double.IsFinite(m))
        {
            double c = dy[FirstAtMaximum<TV>(x, sign, m)];
            var e = scratch[..(2 * x.Length)];
            var (s, sLow, w, wLow) = sign == 1.0 ? ExpWeightedSums<TV, Plus>(x, dy, e, m, c) : ExpWeightedSums<TV, Minus>(x, dy, e, m, c);
            if (double.IsFinite(s) && double.IsFinite(sLow) && double.IsFinite(w) && double.IsFinite(wLow))
            {
                // D = W/s and P = 1/s as double-doubles.
                double dHi = Quotient(w, wLow, s, sLow, out double dLo);
                double pHi = Quotient(1.0, 0.0, s, sLow, out double pLo);
                SoftmaxGradientPass<TV>(e, dy, dx, new SoftmaxFactors(c, dHi, dLo, pHi, pLo, sign));
                return;
            }
        }

        // y, then the product from it (the special rows' definition).
        var y = scratch[..x.Length];
        Forward<TV>(x, y, sign, log: false);
        SoftmaxBackwardFromOutput<TV>(y, dy, dx, sign);
    }

    /// <summary>
    /// dx = dy − p·Σdy with p = softmax(x): the log-softmax gradient from the input; dx may be x or dy.
    /// <paramref name="scratch"/> holds 2n doubles.
    /// </summary>
    /// <remarks>
    /// e = e^(x − m) and s = Σe as double-doubles (<see cref="SoftmaxBackward{TV}"/>), Σdy = T as a double-double, Q = T/s,
    /// and dx = dy − e·Q formed from the double-double product and rounded once (a two-sum with dy, then its low parts).
    /// At a dominant entry (e = 1, s = 1 + s′ with s′ tiny, the confident class of a cross-entropy) s and Q keep s′ in their
    /// low parts, so dy − Q keeps its relative accuracy: −(1 − p) = −4e−18 at a margin of 40 (it was 0 before
    /// 2026-12-02, when p came rounded to double: 262 ULP on a tester's Normal(0, 3) row of 7, 109 on 13 equal entries).
    /// </remarks>
    public static void LogSoftmaxBackward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> scratch)
        where TV : struct, IVec<TV>
    {
        double m = RowMath.MaxMin<TV>(x, 1.0).Max + 0.0;
        if (double.IsFinite(m))
        {
            var e = scratch[..(2 * x.Length)];
            var (s, sLow, total, totalLow) = ExpSums<TV>(x, dy, e, m);
            if (double.IsFinite(s) && double.IsFinite(sLow) && double.IsFinite(total) && double.IsFinite(totalLow))
            {
                double qHi = Quotient(total, totalLow, s, sLow, out double qLo);
                LogGradientPass<TV>(e, dy, dx, qHi, qLo);
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
    /// e^y as a double-double (<see cref="VMath.ExpDoubleDouble{TV}"/>) and Σdy as a double-double, the product and the
    /// difference as in <see cref="LogSoftmaxBackward{TV}(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double})"/>:
    /// where y is close to 0 (a dominant entry) e^y = 1 + (e^y − 1) keeps e^y − 1 in its low part. Beyond 709.78 e^y is
    /// +∞ and dx the plain dy − e^y·Σdy (∓∞, or NaN for Σdy = 0). Before 2026-12-02 e^y came rounded to double: 216 ULP
    /// on a tester's row.
    /// </remarks>
    public static void LogSoftmaxBackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
        where TV : struct, IVec<TV>
    {
        double total = Sum<TV>(dy, out double totalLow);
        if (double.IsFinite(total) && double.IsFinite(totalLow))
        {
            LogGradientFromOutputPass<TV>(y, dy, dx, total, totalLow);
            return;
        }

        LogSoftmaxBackwardFromOutputPlain<TV>(y, dy, dx);
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

    /// <summary>Chooses the canonical lanes of TV's width for <see cref="ExpWeightedSums{TV, TA, TSign}"/>.</summary>
    private static (double S, double SLow, double W, double WLow) ExpWeightedSums<TV, TSign>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> e, double m, double c)
        where TV : struct, IVec<TV>
        where TSign : struct
        => typeof(TV) == typeof(V512<double>) ? ExpWeightedSums<TV, DoubleLanes8x1<TV>, TSign>(x, dy, e, m, c)
            : typeof(TV) == typeof(V256<double>) ? ExpWeightedSums<TV, DoubleLanes8x2<TV>, TSign>(x, dy, e, m, c)
            : typeof(TV) == typeof(V128<double>) ? ExpWeightedSums<TV, DoubleLanes8x4<TV>, TSign>(x, dy, e, m, c)
            : ExpWeightedSums<TV, DoubleLanes8x8<TV>, TSign>(x, dy, e, m, c);

    /// <summary>
    /// e = e^(sign·x − m) as double-doubles into <paramref name="e"/> (high parts in its first n entries, low parts in the
    /// next n), with s = Σe and W = Σe·(dy − c) as double-doubles (plain sum of the canonical lanes and compensation):
    /// <see cref="AddWeightedSums{TV, TA}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static (double S, double SLow, double W, double WLow) ExpWeightedSums<TV, TA, TSign>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> e, double m, double c)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
        where TSign : struct
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
        // Two registers an iteration through DoubleDoubleExp.ExpPair (see LogGradientFromOutputPass); the overlapping
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

            var d0 = ClampedShift(in exp, v0, mv, out var shiftLow0);
            var d1 = ClampedShift(in exp, v1, mv, out var shiftLow1);
            var hi0 = exp.ExpPair(d0, shiftLow0, d1, shiftLow1, out var lo0, out var hi1, out var lo1);
            Lanes.Store(hi0, ref Unsafe.Add(ref pe, at0));
            Lanes.Store(lo0, ref Unsafe.Add(ref pe, n + at0));
            Lanes.Store(hi1, ref Unsafe.Add(ref pe, at1));
            Lanes.Store(lo1, ref Unsafe.Add(ref pe, n + at1));
            AddWeightedSums(ref sums, ref weighted, i, n, hi0, lo0, Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, at0)), minusC);
            AddWeightedSums(ref sums, ref weighted, j, n, hi1, lo1, Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, at1)), minusC);
        }

        double s = sums.TotalParts(out double sLow);
        double w = weighted.TotalParts(out double wLow);
        return (s, sLow, w, wLow);
    }

    /// <summary>
    /// Adds the register of entries from <paramref name="i"/> on (as <see cref="AddSums{TV, TA}"/>) to s (e as hi + lo) and
    /// W = Σe·(dy − c): dy − c exact by a two-sum, e·(dy − c) as its high product exactly (fms) plus the low products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWeightedSums<TV, TA>(ref TA sums, ref TA weighted, int i, int n, TV hi, TV lo, TV g, TV minusC)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
    {
        if (i >= n) return;
        var delta = g + minusC;
        var gPart = delta - g;
        var deltaLow = (g - (delta - gPart)) + (minusC - gPart);
        var product = hi * delta;
        var productLow = TV.Fms(hi, delta, product) + TV.Fma(hi, deltaLow, lo * delta);
        if (i > n - TV.Count)
        {
            hi = TA.FreshToFront(hi, n - i);
            lo = TA.FreshToFront(lo, n - i);
            product = TA.FreshToFront(product, n - i);
            productLow = TA.FreshToFront(productLow, n - i);
        }

        int k = TA.Register(i);
        sums.Add(k, hi);
        sums.AddLow(k, lo);
        weighted.Add(k, product);
        weighted.AddLow(k, productLow);
    }

    /// <summary>c, D = W/s, P = 1/s and the sign of <see cref="SoftmaxBackward{TV}"/>.</summary>
    private readonly record struct SoftmaxFactors(double C, double DHi, double DLo, double PHi, double PLo, double Sign);

    /// <summary>dx = sign·(e/s)·((dy − c) − W/s) from the kept e, rounded by the last fma (the sign is exact).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxGradientPass<TV>(ReadOnlySpan<double> e, ReadOnlySpan<double> dy, Span<double> dx, SoftmaxFactors f)
        where TV : struct, IVec<TV>
    {
        int n = dy.Length;
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
        // dy's overlapping last register is read before anything is stored (dx may be dy).
        var lastG = Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, last));
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
            Lanes.Store(sign * product, ref Unsafe.Add(ref pdx, at));
        }
    }

    /// <summary>
    /// e = e^(x − m) as double-doubles into <paramref name="e"/> (as <see cref="ExpWeightedSums{TV, TA, TSign}"/>), with
    /// s = Σe and T = Σdy as double-doubles over the canonical lanes.
    /// </summary>
    private static (double S, double SLow, double T, double TLow) ExpSums<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> e, double m)
        where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<double>) ? ExpSums<TV, DoubleLanes8x1<TV>>(x, dy, e, m)
            : typeof(TV) == typeof(V256<double>) ? ExpSums<TV, DoubleLanes8x2<TV>>(x, dy, e, m)
            : typeof(TV) == typeof(V128<double>) ? ExpSums<TV, DoubleLanes8x4<TV>>(x, dy, e, m)
            : ExpSums<TV, DoubleLanes8x8<TV>>(x, dy, e, m);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static (double S, double SLow, double T, double TLow) ExpSums<TV, TA>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> e, double m)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
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
            var d0 = ClampedShift(in exp, Lanes.Load<TV, double>(ref Unsafe.Add(ref px, at0)), mv, out var shiftLow0);
            var d1 = ClampedShift(in exp, Lanes.Load<TV, double>(ref Unsafe.Add(ref px, at1)), mv, out var shiftLow1);
            var hi0 = exp.ExpPair(d0, shiftLow0, d1, shiftLow1, out var lo0, out var hi1, out var lo1);
            Lanes.Store(hi0, ref Unsafe.Add(ref pe, at0));
            Lanes.Store(lo0, ref Unsafe.Add(ref pe, n + at0));
            Lanes.Store(hi1, ref Unsafe.Add(ref pe, at1));
            Lanes.Store(lo1, ref Unsafe.Add(ref pe, n + at1));
            AddSums(ref sums, ref totals, i, n, hi0, lo0, Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, at0)));
            AddSums(ref sums, ref totals, j, n, hi1, lo1, Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, at1)));
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

    /// <summary>dx = dy − e·Q from the kept e (Q = Σdy/Σe), rounded once.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LogGradientPass<TV>(ReadOnlySpan<double> e, ReadOnlySpan<double> dy, Span<double> dx, double qHi, double qLo)
        where TV : struct, IVec<TV>
    {
        int n = dy.Length;
        ref double pe = ref MemoryMarshal.GetReference(e);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        ref double pdx = ref MemoryMarshal.GetReference(dx);
        int last = n - TV.Count;
        var q = TV.Create(qHi);
        var qLow = TV.Create(qLo);
        var lastG = Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, last));
        for (int i = 0; i < n; i += TV.Count)
        {
            bool full = i <= last;
            int at = full ? i : last;
            var hi = Lanes.Load<TV, double>(ref Unsafe.Add(ref pe, at));
            var lo = Lanes.Load<TV, double>(ref Unsafe.Add(ref pe, n + at));
            var g = full ? Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, i)) : lastG;
            Lanes.Store(MinusProduct(g, hi, lo, q, qLow), ref Unsafe.Add(ref pdx, at));
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
        var diff = g - p;
        var gPart = diff - g;
        var diffError = (g - (diff - gPart)) - (p + gPart);
        return diff - (pLow - diffError);
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
        // Two registers an iteration through DoubleDoubleExp.ExpPair, step by step: one chain of some seventy dependent
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
            var hi0 = exp.ExpPair(TV.Min(ceiling, TV.Max(exp.Floor, v0)), TV.Zero, TV.Min(ceiling, TV.Max(exp.Floor, v1)), TV.Zero, out var lo0, out var hi1, out var lo1);
            var accurate0 = MinusProduct(g0, hi0, lo0, t, tLow);
            var accurate1 = MinusProduct(g1, hi1, lo1, t, tLow);
            // NaN where e^y or the product overflows (∞ − ∞ in the error terms): there the plain formula is the answer, as
            // it is where it is NaN itself.
            Lanes.Store(TV.SelectWhereEqual(accurate0, accurate0, accurate0, TV.Fnma(hi0, t, g0)), ref Unsafe.Add(ref pdx, Math.Min(i, last)));
            Lanes.Store(TV.SelectWhereEqual(accurate1, accurate1, accurate1, TV.Fnma(hi1, t, g1)), ref Unsafe.Add(ref pdx, Math.Min(j, last)));
        }
    }
}
