using System.Runtime.CompilerServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Vector elementary functions for the kernels, written once against <see cref="IVec{TV}"/>.
/// The double versions are accurate to about 1 ULP over the whole range, including subnormal results; float
/// kernels that need them run in double lanes (<see cref="IUnaryKernel.ComputeFloatInDouble"/>) and round once.
/// The exponentials and ln(1 + e) on [0, 1] use minimax polynomials fitted by the scripts in tools/poly (each names
/// its script); <see cref="ExpParts{TV}"/> and the general logarithm keep truncated Taylor series (coefficients 1/k!,
/// 2/(2k+1)); the range reductions are the classical Cody–Waite ones with a two-part ln 2.
/// </summary>
public static partial class VMath
{
    // ln 2 split so that n·Ln2Hi is exact for |n| < 2^11 (fdlibm's split).
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    internal const double Log2E = 1.44269504088896338700;
    // 1.5·2^52: adding it rounds a double of magnitude below 2^51 to an integer, held in the low mantissa bits.
    internal const double RoundShifter = 6755399441055744.0;

    /// <summary>
    /// min(|x|, limit) for a kernel that puts a NaN x back at the end with <see cref="KeepNaN{TV}"/>: where
    /// <see cref="IVec{TV}.RestoresNaNCheaply"/> (AVX-512) one VRANGE, which takes a NaN x as the limit, and elsewhere
    /// min(limit, |x|), where a NaN x passes through the minimum's second operand (a constant-first maximum and minimum
    /// pair cost two operations more at the head of the chain: gelu_tanh′ 0.670 → 0.628 ns/element without them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV AbsAtMostThenKeepNaN<TV>(TV x, TV limit) where TV : struct, IVec<TV>
        => TV.RestoresNaNCheaply ? TV.AbsAtMost(x, limit) : TV.Min(limit, TV.Abs(x));

    /// <summary>
    /// <paramref name="result"/> with a NaN x put back, for kernels whose clamp drops it where
    /// <see cref="IVec{TV}.RestoresNaNCheaply"/> (one VFIXUPIMM; <see cref="AbsAtMostThenKeepNaN{TV}"/>, or
    /// <see cref="IVec{TV}.MinusAbsAtLeast"/> in tanh); elsewhere the NaN has come through and the result is returned.
    /// The backwards of gelu and gelu_tanh pass dy as <paramref name="result"/>, the factor that meets the slope last:
    /// the VFIXUPIMM then runs beside the slope's chain, and elsewhere the NaN comes through in the slope instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV KeepNaN<TV>(TV result, TV x) where TV : struct, IVec<TV>
        => TV.RestoresNaNCheaply ? TV.WithNaNOf(result, x) : result;

    /// <summary>
    /// e^r − 1 for |r| ≤ ln2/2 + ε, accurate relative to e^r − 1 itself, as <see cref="Expm1{TV}"/> needs: r + r²·q(r)
    /// with q a degree-10 minimax fit weighted by r²/|e^r − 1| (tools/poly/fit_expm1.py --double --expm1: 0.009 ULP before
    /// rounding; the Taylor series needs degree 12 for q). <see cref="ExpClamped{TV}"/> fits e^r instead, one term shorter.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1Reduced<TV>(TV r) where TV : struct, IVec<TV>
    {
        // p in Estrin's form on r² and r⁴: the same ten multiply-adds plus one multiply (r⁴), four deep instead of ten.
        var r2 = r * r;
        var r4 = r2 * r2;
        var p01 = TV.Fma(TV.Create(0.16666666666666677), r, TV.Create(0.5));
        var p23 = TV.Fma(TV.Create(0.008333333333321731), r, TV.Create(0.04166666666666651));
        var p45 = TV.Fma(TV.Create(0.00019841269885850587), r, TV.Create(0.0013888888888962106));
        var p67 = TV.Fma(TV.Create(2.7557244503081507e-06), r, TV.Create(2.480158717289888e-05));
        var p89 = TV.Fma(TV.Create(2.5108929864507942e-08), r, TV.Create(2.7557402473871777e-07));
        var p03 = TV.Fma(p23, r2, p01);
        var p47 = TV.Fma(p67, r2, p45);
        var p8 = TV.Fma(TV.Create(2.0875339649439506e-09), r2, p89);
        var p = TV.Fma(TV.Fma(p8, r4, p47), r4, p03);
        // r + r²·p keeps the leading term exact.
        return TV.Fma(r2, p, r);
    }

    /// <summary>Splits x = n·ln2 + r with n integral and |r| ≤ ln2/2 (plus rounding), r accurate to ~2^-64 relative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Reduce<TV>(TV x, out TV n) where TV : struct, IVec<TV>
    {
        n = TV.RoundToEven(x * TV.Create(Log2E));
        var r = TV.Fma(n, TV.Create(-Ln2Hi), x);
        return TV.Fma(n, TV.Create(-Ln2Lo), r);
    }

    /// <summary>
    /// e^x (double lanes). Correct subnormal results down to e^−745.13; +∞ above 709.78; e^NaN = NaN; e^−∞ = +0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TV>(TV x) where TV : struct, IVec<TV>
    {
        // Clamp so 2^n stays within the two-step scaling; NaN passes through (Max/Min keep the NaN operand).
        return ExpClamped(TV.Min(TV.Create(710.0), TV.Max(TV.Create(-746.0), x)));
    }

    /// <summary>
    /// e^x for x already in [−746, 710] or NaN (double lanes): <see cref="Exp{TV}"/> without its clamp, for callers whose
    /// argument is bounded by construction (e^−|x| needs only the lower bound). q of e^r = 1 + r + r²·q(r) is a
    /// degree-9 minimax fit on |r| ≤ ln2/2 (tools/poly/fit_expm1.py --double: 0.11 ULP relative to e^r before rounding;
    /// the Taylor series needs three terms more). The result is rounded once, subnormals included (VSCALEF, or two
    /// power-of-two steps); e^−746 is 0, e^710 is +∞; NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpClamped<TV>(TV x) where TV : struct, IVec<TV>
    {
        var r = Reduce(x, out var n);
        // q in Estrin's form on r² and r⁴: the same nine multiply-adds plus one multiply (r⁴), four deep instead of nine.
        var r2 = r * r;
        var r4 = r2 * r2;
        var q01 = TV.Fma(TV.Create(0.16666666666666413), r, TV.Create(0.5000000000000011));
        var q23 = TV.Fma(TV.Create(0.0083333333334939), r, TV.Create(0.04166666666653062));
        var q45 = TV.Fma(TV.Create(0.00019841269507463123), r, TV.Create(0.0013888888943490315));
        var q67 = TV.Fma(TV.Create(2.755758589236338e-06), r, TV.Create(2.4801493259752215e-05));
        var q89 = TV.Fma(TV.Create(2.5000114199515307e-08), r, TV.Create(2.7630185968928553e-07));
        var q03 = TV.Fma(q23, r2, q01);
        var q47 = TV.Fma(q67, r2, q45);
        var q = TV.Fma(TV.Fma(q89, r4, q47), r4, q03);
        // (r + r²·q) + 1 rounded once more, then p·2^n rounded once.
        return TV.ScaleB(TV.Fma(r2, q, r) + TV.One, n);
    }

    /// <summary>
    /// e^x (double lanes) as 2^⌊N/8⌋·2^(j/8)·e^r, N = round(8x/ln 2), j = N mod 8, |r| ≤ ln2/16: the table entry
    /// (<see cref="Exp2Table.Eighths"/>, one permute) lets e^r − 1 = r + r²·q(r) take q of degree 5 instead of
    /// <see cref="ExpClamped{TV}"/>'s 9 (tools/poly/fit_expm1.py 5 --double --eighths: 0.026 ULP relative to e^r),
    /// four multiply-adds fewer. 2^(j/8)·(1 + m) is one fma, whose rounding and the entry's own (up to 0.62·2^−53)
    /// are the error: about one ULP at worst, not correctly rounded. The same domain and edges as <see cref="Exp{TV}"/>:
    /// subnormal results rounded once, e^−746 = 0, e^710 = +∞, NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpEighths<TV>(TV x) where TV : struct, IVec<TV>
        => ExpEighthsClamped(TV.Min(TV.Create(710.0), TV.Max(TV.Create(-746.0), x)));

    /// <summary><see cref="ExpEighths{TV}"/> for x already in [−746, 710] or NaN, without its clamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpEighthsClamped<TV>(TV x) where TV : struct, IVec<TV>
    {
        var scaled = ExpEighthsParts(x, out var eighths);
        // 2^⌊N/8⌋: VSCALEF floors its exponent operand itself; the two-step scaling needs it integral.
        return TV.ScaleB(scaled, TV.ScaleBTakesAnyExponent ? eighths : TV.Floor(eighths));
    }

    /// <summary>
    /// a·e^x for a = aMant·2^aExp (aMant = 0 or 0.5 ≤ |aMant| &lt; 1, any double a) by the table exponential (double
    /// lanes): e^x = 2^⌊N/8⌋·t with t = 2^(j/8)·e^r as <see cref="ExpEighthsClamped{TV}"/> forms it, aMant·t rounded in the
    /// normal range and 2^(⌊N/8⌋ + aExp) applied last, so a subnormal result carries one rounding more, not an
    /// a-fold error. x is held in [−1500, 710] (below −1500, a·e^x underflows for every double a). About 1.5 ULP (the
    /// table exponential's 1.00 and the product's rounding; 1.54 at worst over tools/golden/param_check.py's elu′ specs),
    /// where the double-double parts it replaced on 2026-12-05 (fourteenth session) gave 0.54 in 1.8 times the time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV MulExpEighths<TV>(TV x, TV aMant, TV aExp) where TV : struct, IVec<TV>
    {
        var t = ExpEighthsParts(TV.Min(TV.Create(710.0), TV.Max(TV.Create(-1500.0), x)), out var eighths);
        // ⌊N/8⌋ + aExp lies in [−2165, 2049]; beyond [−2044, 2046] (ScaleB's range) the result is 0 or ∞ either way.
        // aExp is integral, so VSCALEF's own floor of N/8 + aExp is ⌊N/8⌋ + aExp.
        var n = (TV.ScaleBTakesAnyExponent ? eighths : TV.Floor(eighths)) + aExp;
        return TV.ScaleB(aMant * t, TV.Min(TV.Create(2046.0), TV.Max(TV.Create(-2044.0), n)));
    }

    /// <summary>
    /// The table exponential before its power of two: returns 2^(j/8)·e^r (in [0.96, 1.96]) for x = (N/8)·ln 2 + r with
    /// j = N mod 8, and gives N/8 in <paramref name="eighths"/>; |x| up to 1500.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpEighthsParts<TV>(TV x, out TV eighths) where TV : struct, IVec<TV>
    {
        // x·log2(e) rounded to a multiple of 1/8 by adding 1.5·2^49 (an eighth is its last place): N/8, N = round(8x/ln 2),
        // |N| ≤ 17,312, whose bits hold N in the low mantissa bits (the same rounding as x·8·log2(e) + 1.5·2^52, scaled).
        var shifted = TV.Fma(x, TV.Create(Log2E), TV.Create(RoundShifter / 8));
        eighths = shifted - TV.Create(RoundShifter / 8);
        // x − (N/8)·ln 2 as in Reduce: (N/8)·Ln2Hi is exact (Ln2Hi has 32 significant bits, N at most 15).
        var r = TV.Fma(eighths, TV.Create(-Ln2Hi), x);
        r = TV.Fma(eighths, TV.Create(-Ln2Lo), r);
        // q in pairs on r² (Estrin's first level, then Horner on r²): five multiply-adds as in Horner's form, three deep.
        var r2 = r * r;
        var q01 = TV.Fma(TV.Create(0.16666666666663743), r, TV.Create(0.5000000000000295));
        var q23 = TV.Fma(TV.Create(0.008333333370851848), r, TV.Create(0.04166666657023447));
        var q45 = TV.Fma(TV.Create(0.00019840574920764568), r, TV.Create(0.0013889779927810904));
        var q = TV.Fma(TV.Fma(q45, r2, q23), r2, q01);
        var m = TV.Fma(r2, q, r);
        var entry = TV.Lookup8(shifted, Exp2Table.Eighths);
        return TV.Fma(entry, m, entry);
    }

    /// <summary>
    /// e^x − 1 (double lanes), accurate for tiny x (expm1(1e−300) = 1e−300), −1 below −38, +∞ above 709.78.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1<TV>(TV x) where TV : struct, IVec<TV>
    {
        var result = Expm1Clamped(TV.Min(TV.Create(700.0), TV.Max(TV.Create(-40.0), x)));
        var big = TV.GreaterThan(x, TV.Create(700.0));
        if (TV.AnyTrue(big))
        {
            result = TV.Select(big, Exp(x), result);
        }

        return result;
    }

    /// <summary>
    /// ln(1 + x) (double lanes), accurate for tiny x; log1p(−1) = −∞, log1p(x &lt; −1) = NaN, log1p(+∞) = +∞.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log1p<TV>(TV x) where TV : struct, IVec<TV>
    {
        var u = TV.One + x;
        // c is the part of x lost when forming u; ln(1+x) = ln(u) + c/u to first order.
        var c = (x - (u - TV.One)) / u;
        var y = LogCore(u) + c;
        // Where u is exactly 1 (|x| < 2^-53) ln(u) = 0 and c = x, so the formula already returns x.
        return FinishLog(u, y);
    }

    /// <summary>
    /// e^−|x| as the ratio 2^n·P/Q (double lanes), for callers that divide anyway and so fold the exponential's own
    /// division into theirs: with r the reduced argument and s = r², P = U(s) + r·V(s) and Q = U(s) − r·V(s) = P(−r),
    /// so P/Q = e^r exactly when r·V/U = tanh(r/2). U = 1 + u₁s + u₂s² and V = ½ + v₁s + v₂s² are a minimax fit of
    /// V/U to tanh(r/2)/r (tools/poly/fit_exp_rational_double.py: 4.8e−18 relative, 0.016 ULP of e^r before
    /// rounding): nine operations where the polynomial e^r takes thirteen, and the roundings inside U, V and r·V move
    /// P/Q only by |r| ≤ 0.35 times their size, so P and Q are each about half an ULP (0.81 ULP for P/Q, against
    /// about 0.5 for the polynomial). Returns Q and gives <paramref name="scaledP"/> = 2^n·P, rounded once (into the
    /// subnormals below x = −708; 0 from −745.2 on). A NaN x gives NaN in both; ±∞ gives 2^n·P = 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpMinusAbsRatio<TV>(TV x, out TV scaledP) where TV : struct, IVec<TV>
    {
        // −|x| clamped at −750 (2^n·P is then 0); the constant first, so a NaN is kept (Max returns its second operand).
        var u = ExpRatioParts(TV.Max(TV.Create(-750.0), TV.Or(x, TV.SignMask)), out var w, out var n);
        scaledP = TV.ScaleB(u + w, n);
        return u - w;
    }

    /// <summary>
    /// The pieces of e^a = 2^n·(U + w)/(U − w) for a in [−1400, 0] or NaN (double lanes; see
    /// <see cref="ExpMinusAbsRatio{TV}"/>): returns U(s) and gives w = r·V(s) and n, with r the reduced argument.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpRatioParts<TV>(TV a, out TV w, out TV n) where TV : struct, IVec<TV>
    {
        var r = Reduce(a, out n);
        var s = r * r;
        w = r * TV.Fma(TV.Fma(TV.Create(3.304373917123733e-05), s, TV.Create(0.013887385127664641)), s, TV.Create(0.5));
        return TV.Fma(TV.Fma(TV.Create(0.0009917627775317137), s, TV.Create(0.1111081035886606)), s, TV.One);
    }

    /// <summary>
    /// e^x for x ≤ 0, −∞ or NaN (double lanes): <see cref="Exp{TV}"/> with only its lower clamp, for the shifted
    /// arguments x − max of the softmax rows (the same bits, one operation fewer).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpNonPositive<TV>(TV x) where TV : struct, IVec<TV>
        => ExpClamped(TV.Max(TV.Create(-746.0), x));

    /// <summary>
    /// e^x for x ≤ 0, −∞ or NaN (double lanes) by the table exponential: <see cref="ExpEighths{TV}"/> with only its
    /// lower clamp (the same bits for these arguments), for shifted arguments x − max whose result is rounded to float
    /// later, where its 1.00 ULP against <see cref="ExpNonPositive{TV}"/>'s 0.5 is 2^−52 of a float ULP.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpNonPositiveEighths<TV>(TV x) where TV : struct, IVec<TV>
        => ExpEighthsClamped(TV.Max(TV.Create(-746.0), x));

    /// <summary>
    /// e^x − 1 for x already in [−40, 700] or NaN (double lanes): <see cref="Expm1{TV}"/> without its clamp and without
    /// its test for arguments above 700.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1Clamped<TV>(TV x) where TV : struct, IVec<TV>
    {
        var r = Reduce(x, out var n);
        var em1 = Expm1Reduced(r);
        // 2^n·(em1 + 1) − 1 = 2^n·em1 + (2^n − 1); 2^n − 1 is exact for n ≤ 53 and both terms rarely cancel.
        var t = TV.MulPow2(TV.One, n);
        return TV.Fma(t, em1, t - TV.One);
    }

    /// <summary>
    /// ln(1 + e) for e in [0, 1] or NaN (double lanes), the logarithm softplus and logsigmoid take of e = e^−|x|:
    /// 2·atanh(s) with s = e/(2 + e) in [0, 1/3], written e + s·(z·p(z) − e) with z = s² (2s = e − s·e), so the
    /// leading term is e itself and a tiny or subnormal e comes back unchanged. p is a degree-9 minimax fit of
    /// 2·(atanh(√z)/√z − 1)/z on [0, 1/9] (tools/poly/fit_log1p_unit.py --double: 0.021 ULP before rounding; the Taylor
    /// series needs 16 terms). One division and twelve other operations against <see cref="Log1p{TV}"/>'s two
    /// divisions and about forty, which serves any argument.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log1pUnit<TV>(TV e) where TV : struct, IVec<TV>
    {
        var s = e / (TV.Create(2.0) + e);
        var z = s * s;
        return TV.Fma(s, TV.Fms(z, AtanhSeries(z, ofDoubled: false), e), e);
    }

    // Log1pUnit's p, highest coefficient first (tools/poly/fit_log1p_unit.py --double).
    private const double A9 = 0.1700975767967946, A8 = 0.08344971123614364, A7 = 0.12104944949298996, A6 = 0.1330112137779661,
        A5 = 0.15386548392531435, A4 = 0.1818174447908816, A3 = 0.22222223953645964, A2 = 0.2857142854811801,
        A1 = 0.40000000000155117, A0 = 0.6666666666666631;

    /// <summary>
    /// p(z) of <see cref="Log1pUnit{TV}"/> (2·atanh(s) = 2s + s·z·p(z), z = s²), or, when <paramref name="ofDoubled"/>
    /// (a constant, folded where this is inlined), p(z/4)/8 for z = (2s)², as <see cref="Log1pExpMinusAbs{TV}"/> takes it:
    /// each c_k scaled by 4^−k/8, exactly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV AtanhSeries<TV>(TV z, bool ofDoubled) where TV : struct, IVec<TV>
    {
        var p = TV.Create(ofDoubled ? A9 / 2097152.0 : A9);
        p = TV.Fma(p, z, TV.Create(ofDoubled ? A8 / 524288.0 : A8));
        p = TV.Fma(p, z, TV.Create(ofDoubled ? A7 / 131072.0 : A7));
        p = TV.Fma(p, z, TV.Create(ofDoubled ? A6 / 32768.0 : A6));
        p = TV.Fma(p, z, TV.Create(ofDoubled ? A5 / 8192.0 : A5));
        p = TV.Fma(p, z, TV.Create(ofDoubled ? A4 / 2048.0 : A4));
        p = TV.Fma(p, z, TV.Create(ofDoubled ? A3 / 512.0 : A3));
        p = TV.Fma(p, z, TV.Create(ofDoubled ? A2 / 128.0 : A2));
        p = TV.Fma(p, z, TV.Create(ofDoubled ? A1 / 32.0 : A1));
        return TV.Fma(p, z, TV.Create(ofDoubled ? A0 / 8.0 : A0));
    }

    /// <summary>
    /// ln(1 + e^−|x|) (double lanes; NaN for a NaN x, +0 for x = ±∞), the term softplus and logsigmoid add to max(x, 0):
    /// <see cref="Log1pUnit{TV}"/> of e = e^−|x| with the exponential's division folded into the logarithm's. With
    /// e = 2^n·P/Q from <see cref="ExpRatioParts{TV}"/>, t = 2s = e/(1 + e/2) = 2^n·P/(Q + 2^n·P/2) takes one division
    /// where e and then s took two, and 2·atanh(s) = t + t·z·p(z/4)/8 with z = t² and <see cref="Log1pUnit{TV}"/>'s p,
    /// its coefficients scaled by powers of two (exactly). A tiny or subnormal e comes back as t = 2^n·P/Q rounded
    /// once, as e itself did. Thirty operations with one division, against thirty-six with two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log1pExpMinusAbs<TV>(TV x) where TV : struct, IVec<TV>
    {
        // −|x| clamped at −750 (2^n·P is then 0, so t = 0); the constant first, so a NaN is kept.
        var u = ExpRatioParts(TV.Max(TV.Create(-750.0), TV.Or(x, TV.SignMask)), out var w, out var n);
        var scaledP = TV.ScaleB(u + w, n);
        var t = scaledP / TV.Fma(TV.Create(0.5), scaledP, u - w);
        var z = t * t;
        // 2·atanh(s) = 2s + s·s²·p(s²) = t + t·z·(p(z/4)/8): the /8 is the ½ of s = t/2 times the ¼ of s² = z/4.
        return TV.Fma(t, z * AtanhSeries(z, ofDoubled: true), t);
    }

    /// <summary>v where v ≥ 0 or NaN, +0 where v &lt; 0: a slope known to be non-negative whose rounding may not be (ELU and CELU from the output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV NonNegative<TV>(TV v) where TV : struct, IVec<TV> => TV.SelectWhereLess(v, TV.Zero, TV.Zero, v);

    /// <summary>
    /// The slope of a clamped linear piece (hardsigmoid, sparse_sigmoid): <paramref name="inside"/> where
    /// <paramref name="lo"/> &lt; v &lt; <paramref name="hi"/>, 0 outside and at the bounds, NaN for a NaN v (Max and Min
    /// return their second operand when it is NaN). v is x, or y for the gradient from the output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ClampedSlope<TV>(TV v, double lo, double hi, TV inside) where TV : struct, IVec<TV>
        => TV.Select(TV.And(TV.GreaterThan(v, TV.Create(lo)), TV.LessThan(v, TV.Create(hi))), inside, TV.Min(TV.Zero, TV.Max(TV.Zero, v)));

    /// <summary>ln(x) (double lanes); ln(0) = −∞, ln(x &lt; 0) = NaN, ln(+∞) = +∞, subnormal x handled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log<TV>(TV x) where TV : struct, IVec<TV>
    {
        return FinishLog(x, LogCore(x));
    }

    /// <summary>ln(u) for positive finite u (normal or subnormal).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LogCore<TV>(TV u) where TV : struct, IVec<TV>
    {
        // Scale subnormals up by 2^60 so Frexp sees a normal number.
        var tiny = TV.LessThan(u, TV.Create(2.2250738585072014e-308));
        var us = TV.Select(tiny, u * TV.Create(1152921504606846976.0), u);
        var m = TV.Frexp(us, out var e);
        e = TV.Select(tiny, e - TV.Create(60.0), e);
        // Centre the mantissa on 1: m in [√2/2, √2).
        var big = TV.GreaterThan(m, TV.Create(1.4142135623730951));
        m = TV.Select(big, m * TV.Create(0.5), m);
        e = TV.Select(big, e + TV.One, e);
        var f = m - TV.One;                         // exact
        var s = f / (TV.Create(2.0) + f);           // |s| ≤ 0.1716
        var s2 = s * s;
        // ln(1+f) = 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + …; terms to s^21 (omitted term < 3e-18 relative).
        var p = TV.Create(2.0 / 21.0);
        p = TV.Fma(p, s2, TV.Create(2.0 / 19.0));
        p = TV.Fma(p, s2, TV.Create(2.0 / 17.0));
        p = TV.Fma(p, s2, TV.Create(2.0 / 15.0));
        p = TV.Fma(p, s2, TV.Create(2.0 / 13.0));
        p = TV.Fma(p, s2, TV.Create(2.0 / 11.0));
        p = TV.Fma(p, s2, TV.Create(2.0 / 9.0));
        p = TV.Fma(p, s2, TV.Create(2.0 / 7.0));
        p = TV.Fma(p, s2, TV.Create(2.0 / 5.0));
        p = TV.Fma(p, s2, TV.Create(2.0 / 3.0));
        // 2s computed as f − s·f keeps more bits: 2s = f − f·s exactly in real arithmetic.
        var hf = TV.Fnma(s, f, f);
        var lnm = TV.Fma(s * s2, p, hf);
        return TV.Fma(e, TV.Create(Ln2Hi), TV.Fma(e, TV.Create(Ln2Lo), lnm));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV FinishLog<TV>(TV u, TV y) where TV : struct, IVec<TV>
    {
        y = TV.SelectWhereEqual(u, TV.Zero, TV.Create(double.NegativeInfinity), y);
        y = TV.SelectWhereEqual(u, TV.Create(double.PositiveInfinity), u, y);
        y = TV.Select(TV.Or(TV.LessThan(u, TV.Zero), TV.IsNaN(u)), TV.Create(double.NaN), y);
        return y;
    }
}
