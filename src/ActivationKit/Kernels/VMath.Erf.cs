using System.Runtime.CompilerServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The Gaussian tail: standard normal CDF Φ, erfc and the pieces GELU needs, in double lanes.
/// </summary>
/// <remarks>
/// <para>
/// The rational functions are W. J. Cody's near-minimax approximations of the normal distribution function
/// (Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631–637; the
/// coefficient sets are those of his routine ANORM in "Algorithm 715: SPECFUN", ACM TOMS 19 (1993) 22–32, stated
/// there to approximate Φ to at least 18 significant decimal digits). They are written in the variable y = |x| of Φ
/// itself, so Φ never needs x/√2:
/// </para>
/// <list type="bullet">
/// <item>|x| ≤ 0.66291: Φ(x) = 1/2 + x·A(x²), A a degree-4/4 rational.</item>
/// <item>0.66291 &lt; y ≤ √32: Φ(−y) = e^(−y²/2)·C(y), C a degree-8/8 rational.</item>
/// <item>y &gt; √32: Φ(−y) = e^(−y²/2)·(1/√(2π) − z·P(z)/Q(z))/y with z = 1/y², P/Q degree 5/5.</item>
/// </list>
/// <para>
/// The accuracy trap is e^(−y²/2): for y ≈ 38 the exponent is ≈ 720 and any relative error δ in y² becomes an
/// error of 720·δ in the result. So y² is formed exactly as hi + lo (lo = fma(y, y, −hi)), both halved exactly,
/// and e^(−y²/2) = e^(−hi/2)·(1 − lo/2) (the next term, lo²/8, is below 2^−200). The exponential is kept as a
/// mantissa p and a power of two 2^n until every other factor has been multiplied in, so results that are
/// subnormal (Φ(x) for x &lt; −37.5) are rounded once, not twice.
/// </para>
/// </remarks>
public static partial class VMath
{
    private const double InvSqrt2PiHi = 0.3989422804014327;           // 1/√(2π) rounded to double
    private const double InvSqrt2PiLo = -2.49232720227773e-17;        // 1/√(2π) − InvSqrt2PiHi (mpmath)
    private const double CodySmallLimit = 0.66291;                   // Cody's THRSH: Φ(0.66291) ≈ 0.75
    private const double CodyAsymptoticLimit = 5.656854249492380195; // √32

    /// <summary>Beyond this |x| the Gaussian tail is below the smallest subnormal even after multiplying by x.</summary>
    private const double TailClamp = 40.0;

    /// <summary>
    /// Splits e^a = p·2^n with p in about [0.7, 1.42] and integral n, for a in [−1400, 0] (smaller a is clamped,
    /// which still yields 0 after <see cref="ScaleExpParts"/>). Lets callers multiply other factors into p before
    /// the one rounding into the subnormal range.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpSplit<TV>(TV a, out TV n) where TV : struct, IVec<TV>
    {
        var r = Reduce(TV.Max(TV.Create(-1400.0), a), out n);
        return Expm1Reduced(r) + TV.One;
    }

    /// <summary>
    /// As <see cref="ExpSplit{TV}(TV, out TV)"/> for e^(a + aLo) with |aLo| tiny next to the reduced argument:
    /// aLo joins the reduced argument, so the mantissa is rounded once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpSplit<TV>(TV a, TV aLo, out TV n) where TV : struct, IVec<TV>
    {
        var r = Reduce(TV.Max(TV.Create(-1400.0), a), out n);
        return Expm1Reduced(r + aLo) + TV.One;
    }

    /// <summary>
    /// e^(−y²/2) for y ≥ 0 (y ≤ 40) as p·2^n, with y² split exactly so that the large exponent does not amplify
    /// the rounding of y².
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV HalfGaussianSplit<TV>(TV y, out TV n) where TV : struct, IVec<TV>
    {
        var hi = y * y;
        var lo = TV.Fms(y, y, hi);
        return ExpSplit(hi * TV.Create(-0.5), lo * TV.Create(-0.5), out n);
    }

    /// <summary>
    /// Cody's small-argument rational: Φ(x) − 1/2 = x·A(x²) for |x| ≤ 0.66291. Returns A(s) for s = x².
    /// </summary>
    // Inlined (it used to be kept out of line for the JIT's inlining budget; today's kernels inline it without
    // running out): a call per register passes the register and its result through the stack, where a 64-byte store
    // straddling two cache lines is not forwarded to the load that follows, and double erf GELU ran at 7.3 or
    // 16 ns/element by the stack's alignment.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV NormalCdfSmallRatio<TV>(TV s) where TV : struct, IVec<TV>
    {
        var p = TV.Create(0.065682337918207449113);
        p = TV.Fma(p, s, TV.Create(2.2352520354606839287));
        p = TV.Fma(p, s, TV.Create(161.02823106855587881));
        p = TV.Fma(p, s, TV.Create(1067.6894854603709582));
        p = TV.Fma(p, s, TV.Create(18154.981253343561249));
        var q = s + TV.Create(47.20258190468824187);
        q = TV.Fma(q, s, TV.Create(976.09855173777669322));
        q = TV.Fma(q, s, TV.Create(10260.932208618978205));
        q = TV.Fma(q, s, TV.Create(45507.789335026729956));
        return p / q;
    }

    /// <summary>
    /// Φ(−y)·e^(y²/2) (the Mills ratio divided by √(2π)) for y ≥ 0.66291, by Cody's two tail rationals, as a
    /// double-double hi + <paramref name="lo"/>. Lanes below the threshold get a meaningless finite value.
    /// </summary>
    /// <remarks>
    /// Plain Horner evaluation of the degree-8 numerator and denominator loses up to 2.6 ULP each (all terms are
    /// positive but eight roundings accumulate), so both are evaluated with compensated Horner (Graillat, Langlois
    /// &amp; Louvet, 2005: exact product and sum errors carried in a second polynomial) and divided as double-doubles.
    /// What is left is Cody's approximation error, below 0.4·2^−53 relative on this range.
    /// </remarks>
    // Inlined, as NormalCdfSmallRatio, and so is NormalTailAsymptotic: out of line it cost double GELU 5.38 against
    // 4.78 ns/element on Normal(0, 3) inputs, where four registers in ten have a lane beyond √32 (same bits).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV NormalTailRatio<TV>(TV y, out TV lo) where TV : struct, IVec<TV>
    {
        var p = TV.Create(CodyTailNumerator[0]);
        var pe = TV.Zero;
        for (int i = 1; i < CodyTailNumerator.Length; i++) HornerStep(ref p, ref pe, y, CodyTailNumerator[i]);
        var q = TV.One;
        var qe = TV.Zero;
        for (int i = 0; i < CodyTailDenominator.Length; i++) HornerStep(ref q, ref qe, y, CodyTailDenominator[i]);
        return FinishTailRatio(y, p, pe, q, qe, out lo);
    }

    /// <summary>
    /// <see cref="NormalTailRatio{TV}"/> with the first three steps of each Horner evaluation plain multiply-adds, for
    /// the GELU forward: their rounding errors reach P and Q scaled by the share of P's terms of degree 5 and up and
    /// Q's of degree 6 and up (at most about 0.4 and 0.65, at y = √32), which moved erf GELU's worst error over
    /// 32,000 swept inputs from 1.67 to 1.72 double ULP; six compensated steps fewer (the derivative, whose worst
    /// case next to its zero is at 3.96 ULP, keeps them all). A method of its own rather than a step count passed to
    /// <see cref="NormalTailRatio{TV}"/>: with the count as a parameter the JIT's backward loop grew by 650 bytes and
    /// ran 5.1 → 6.5–9.8 ns/element (docs/performance-history.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV NormalTailRatioPlainLead<TV>(TV y, out TV lo) where TV : struct, IVec<TV>
    {
        var p = TV.Create(CodyTailNumerator[0]);
        for (int i = 1; i <= PlainLeadSteps; i++) p = TV.Fma(p, y, TV.Create(CodyTailNumerator[i]));
        var pe = TV.Zero;
        for (int i = PlainLeadSteps + 1; i < CodyTailNumerator.Length; i++) HornerStep(ref p, ref pe, y, CodyTailNumerator[i]);
        var q = TV.One;
        for (int i = 0; i < PlainLeadSteps; i++) q = TV.Fma(q, y, TV.Create(CodyTailDenominator[i]));
        var qe = TV.Zero;
        for (int i = PlainLeadSteps; i < CodyTailDenominator.Length; i++) HornerStep(ref q, ref qe, y, CodyTailDenominator[i]);
        return FinishTailRatio(y, p, pe, q, qe, out lo);
    }

    private const int PlainLeadSteps = 3;

    /// <summary>(p + pe)/(q + qe) as hi + <paramref name="lo"/>, and Cody's asymptotic form for the lanes beyond √32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV FinishTailRatio<TV>(TV y, TV p, TV pe, TV q, TV qe, out TV lo) where TV : struct, IVec<TV>
    {
        // (p + pe)/(q + qe) = r + (p − r·q + pe − r·qe)/q, the residual exact to first order.
        var ratio = p / q;
        lo = (TV.Fnma(ratio, q, p) + TV.Fnma(ratio, qe, pe)) / q;
        var far = TV.GreaterThan(y, TV.Create(CodyAsymptoticLimit));
        if (TV.AnyTrue(far))
        {
            var tail = NormalTailAsymptotic(y, out var tailLo);
            ratio = TV.Select(far, tail, ratio);
            lo = TV.Select(far, tailLo, lo);
        }

        return ratio;
    }

    // Cody's tail rational C(y) = P(y)/Q(y) for 0.66291 < y ≤ √32 (ANORM's C and D sets), highest degree first;
    // Q is monic (its leading 1 is implied).
    private static readonly double[] CodyTailNumerator =
    [
        1.0765576773720192317e-8, 0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979,
        597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218,
    ];

    private static readonly double[] CodyTailDenominator =
    [
        22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755,
        18615.571640885098091, 34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
    ];

    /// <summary>
    /// Φ(−y)·e^(y²/2) for y &gt; √32 by Cody's asymptotic form in z = 1/y²: (1/√(2π) − z·P(z)/Q(z))/y, as hi +
    /// <paramref name="lo"/>. The correction z·P/Q is below 1/30 of the leading term, so only the subtraction and the
    /// division need their errors tracked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV NormalTailAsymptotic<TV>(TV y, out TV lo) where TV : struct, IVec<TV>
    {
        var z = TV.One / (y * y);
        var a = TV.Create(0.02307344176494017303);
        a = TV.Fma(a, z, TV.Create(0.21589853405795699));
        a = TV.Fma(a, z, TV.Create(0.1274011611602473639));
        a = TV.Fma(a, z, TV.Create(0.022235277870649807));
        a = TV.Fma(a, z, TV.Create(0.001421619193227893466));
        a = TV.Fma(a, z, TV.Create(2.9112874951168792e-5));
        var b = z + TV.Create(1.28426009614491121);
        b = TV.Fma(b, z, TV.Create(0.468238212480865118));
        b = TV.Fma(b, z, TV.Create(0.0659881378689285515));
        b = TV.Fma(b, z, TV.Create(0.00378239633202758244));
        b = TV.Fma(b, z, TV.Create(7.29751555083966205e-5));
        var w = z * a / b;
        var t = TV.Create(InvSqrt2PiHi) - w;
        var tLo = ((TV.Create(InvSqrt2PiHi) - t) - w) + TV.Create(InvSqrt2PiLo);
        var tail = t / y;
        lo = (TV.Fnma(tail, y, t) + tLo) / y;
        return tail;
    }

    /// <summary>One compensated Horner step: p·y + c with the exact rounding errors folded into <paramref name="err"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void HornerStep<TV>(ref TV p, ref TV err, TV y, double c) where TV : struct, IVec<TV>
    {
        var product = p * y;
        var productErr = TV.Fms(p, y, product);
        var cv = TV.Create(c);
        var sum = product + cv;
        var back = sum - product;
        var sumErr = (product - (sum - back)) + (cv - back);
        err = TV.Fma(err, y, productErr + sumErr);
        p = sum;
    }

    /// <summary>
    /// Φ(x), the standard normal distribution function (double lanes). Relative accuracy holds through the lower
    /// tail down to the subnormals: Φ(−10) = 7.62e−24, Φ(−37.5) ≈ 4.6e−308, Φ(−38.5) = 0 (1.4e−324 rounds to 0);
    /// Φ(−∞) = 0, Φ(+∞) = 1, Φ(NaN) = NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV NormalCdf<TV>(TV x) where TV : struct, IVec<TV>
    {
        var y = TV.Min(TV.Create(TailClamp), TV.Abs(x));
        var p = HalfGaussianSplit(y, out var n);
        var ratio = NormalTailRatio(y, out var ratioLo);
        var tail = ScaleExpParts(TV.Fma(p, ratio, p * ratioLo), n);
        var result = TV.SelectWhereLess(x, TV.Zero, tail, TV.One - tail);
        var small = TV.LessThanOrEqual(y, TV.Create(CodySmallLimit));
        if (TV.AnyTrue(small))
        {
            result = TV.Select(small, TV.Fma(x, NormalCdfSmallRatio(x * x), TV.Create(0.5)), result);
        }

        return result;
    }

    /// <summary>
    /// erfc(x) = 1 − erf(x) (double lanes), relatively accurate in the upper tail down to the subnormals
    /// (erfc(26.5) = 2.2e−307, erfc(27.2) = 1e−323, erfc(27.3) = 0); erfc(−∞) = 2, erfc(+∞) = 0, erfc(NaN) = NaN.
    /// </summary>
    /// <remarks>
    /// erfc(x) = 2Φ(−√2·x). The Cody rational is evaluated at √2·|x| (its relative sensitivity to that rounding
    /// is about 1), but the Gaussian factor e^(−x²) is formed from x itself with the exact-square split.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Erfc<TV>(TV x) where TV : struct, IVec<TV>
    {
        var ax = TV.Min(TV.Create(28.0), TV.Abs(x));
        var y = ax * TV.Create(1.4142135623730951);
        var hi = ax * ax;
        var lo = TV.Fms(ax, ax, hi);
        var p = ExpSplit(-hi, -lo, out var n);
        var ratio = NormalTailRatio(y, out var ratioLo);
        // y = √2·|x| is rounded; R′(y) = y·R − 1/√(2π) carries the rounding error yLo into the ratio.
        var yLo = TV.Fms(ax, TV.Create(1.4142135623730951), y) + (ax * TV.Create(-9.667293313452913e-17));
        ratioLo = TV.Fma(yLo, TV.Fma(y, ratio, TV.Create(-InvSqrt2PiHi)), ratioLo);
        var tail = ScaleExpParts(TV.Create(2.0) * TV.Fma(p, ratio, p * ratioLo), n);    // erfc(|x|)
        var result = TV.SelectWhereLess(x, TV.Zero, TV.Create(2.0) - tail, tail);
        // |x| ≤ 0.46875 is Cody's small range (0.66291/√2): erfc(x) = 1 − 2·y·A(y²) with y = √2·x.
        var small = TV.LessThanOrEqual(ax, TV.Create(0.46875));
        if (TV.AnyTrue(small))
        {
            var ys = x * TV.Create(1.4142135623730951);
            var a = NormalCdfSmallRatio(ys * ys);
            result = TV.Select(small, TV.Fma(TV.Create(-2.0) * ys, a, TV.One), result);
        }

        return result;
    }

    /// <summary>
    /// GELU x·Φ(x) (double lanes): the tail is x·C(y)·e^(−y²/2) rounded once, so gelu(−10) = −7.6198530241605e−23
    /// and results stay accurate into the subnormals (gelu(−38) ≈ −1.1e−314); gelu(x) = x above 40 (and at +∞),
    /// gelu(−∞) = −0, gelu(−0) = −0, gelu(NaN) = NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Gelu<TV>(TV x) where TV : struct, IVec<TV>
    {
        var y = TV.Min(TV.Create(TailClamp), TV.Abs(x));
        var p = HalfGaussianSplit(y, out var n);
        var ratio = NormalTailRatioPlainLead(y, out var ratioLo);
        // Negative side: x·Φ(x) = −y·Φ(−y), with y·ratio kept as a double-double until the one rounding; the
        // clamped y keeps −∞ from turning into −∞·0.
        var yr = y * ratio;
        var yrLo = TV.Fms(y, ratio, yr) + (y * ratioLo);
        var negative = ScaleExpParts(-TV.Fma(p, yr, p * yrLo), n);
        // Positive side: x·(1 − Φ(−x)) = x − x·Φ(−x), one rounding.
        var positive = TV.Fnma(x, ScaleExpParts(TV.Fma(p, ratio, p * ratioLo), n), x);
        var result = TV.SelectWhereLess(x, TV.Zero, negative, positive);
        result = TV.SelectWhereGreater(x, TV.Create(TailClamp), x, result);
        var small = TV.LessThanOrEqual(y, TV.Create(CodySmallLimit));
        if (TV.AnyTrue(small))
        {
            // x·(1/2 + x·A(x²)): Φ is in [0.25, 0.75] here, and −0 stays −0.
            result = TV.Select(small, x * TV.Fma(x, NormalCdfSmallRatio(x * x), TV.Create(0.5)), result);
        }

        return result;
    }

    /// <summary>
    /// The GELU derivative Φ(x) + x·φ(x) (double lanes), with the tail factored as e^(−y²/2)·(C(y) − y/√(2π)) so
    /// the lower tail is relatively accurate down to the subnormals; 1 above 40 and at +∞, −0 below −40 and at −∞.
    /// It crosses zero at x ≈ −0.7517915, where only the absolute error is small.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV GeluDerivative<TV>(TV x) where TV : struct, IVec<TV>
    {
        var y = TV.Min(TV.Create(TailClamp), TV.Abs(x));
        var p = HalfGaussianSplit(y, out var n);
        var ratio = NormalTailRatio(y, out var ratioLo);
        // ratio − y/√(2π) with both as double-doubles: it cancels near the zero of f′ at y ≈ 0.75.
        var t = y * TV.Create(InvSqrt2PiHi);
        var tLo = TV.Fms(y, TV.Create(InvSqrt2PiHi), t) + (y * TV.Create(InvSqrt2PiLo));
        var diff = (ratio - t) + (ratioLo - tLo);
        var negative = ScaleExpParts(p * diff, n);
        // Φ(x) + x·φ(x) = 1 − Φ(−x) + x·φ(x) = 1 − e·(C − x/√(2π)).
        var positive = TV.Fnma(ScaleExpParts(p, n), diff, TV.One);
        var result = TV.SelectWhereLess(x, TV.Zero, negative, positive);
        var small = TV.LessThanOrEqual(y, TV.Create(CodySmallLimit));
        if (TV.AnyTrue(small))
        {
            // 1/2 + x·(A(x²) + φ(x)); here x²/2 ≤ 0.22, so exp's argument rounding is harmless.
            var phi = Exp(x * x * TV.Create(-0.5)) * TV.Create(InvSqrt2PiHi);
            result = TV.Select(small, TV.Fma(x, NormalCdfSmallRatio(x * x) + phi, TV.Create(0.5)), result);
        }

        return result;
    }
}
