using System.Diagnostics;
using System.Runtime.CompilerServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Float-lane elementary functions: sixteen lanes per AVX-512 register instead of the eight of the double versions,
/// for kernels whose float evaluation stays within a few ULP. Each keeps the double versions' contract over the whole
/// float range (subnormal results, ±∞, NaN). Kernels send the lanes where float evaluation would lose accuracy (for
/// example products that underflow) to their double-lane definition through <see cref="InDouble"/>.
/// </summary>
/// <remarks>
/// The reduction x = n·ln2 + r uses fdlibm's float split of ln 2 (e_expf.c: ln2_hi = 0x3f317200, ln2_lo = 0x35bfbe8e);
/// the expm1 and log1p polynomials are fitted here (tools/poly/fit_expm1.py, tools/poly/fit_log1p_unit.py).
/// </remarks>
public static partial class VMath
{
    internal const double Ln2HiF = 6.9314575195e-01;
    internal const double Ln2LoF = 1.4286067653e-06;

    // 1.5·2^23: a float of magnitude below 2^22 added to it is rounded to an integer that sits in the low mantissa bits.
    internal const double RoundShifterF = 12582912.0;

    // p(u) of OnePlusExpOfNegatedTableF (tools/poly/fit_exp_sixteenths.py), the float values.
    internal const double SixteenthsP0 = 0.5000161528587341;
    internal const double SixteenthsP1 = -0.166667178273201;

    // ln 2 rounded to float (0x3F317218), for reductions whose result tolerates |n|·1.9e−9 in r.
    internal const double Ln2F = 0.6931471824645996;

    // q(r) = Q0 + Q1·r + … + Q5·r⁵ of Expm1ReducedF (tools/poly/fit_expm1.py, float values).
    private const double Q0 = 0.5;
    private const double Q1 = 0.1666666716337204;
    private const double Q2 = 0.04166646674275398;
    private const double Q3 = 0.00833331048488617;
    private const double Q4 = 0.0013933641603216529;
    private const double Q5 = 0.00019890980911441147;

    // t(r) = T0 + T1·r + … + T4·r⁴ of Expm1OfDoubledF (tools/poly/fit_expm1.py --short --expm1, float values).
    private const double T0 = 0.4999999701976776;
    private const double T1 = 0.1666654348373413;
    private const double T2 = 0.04166720062494278;
    private const double T3 = 0.00836651399731636;
    private const double T4 = 0.0013882522471249104;

    // s(r) = S0 + S1·r + … + S4·r⁴ of ExpReducedShortF (tools/poly/fit_expm1.py --short, float values).
    private const double S0 = 0.4999999403953552;
    private const double S1 = 0.1666652113199234;
    private const double S2 = 0.04166838899254799;
    private const double S3 = 0.008368710055947304;
    private const double S4 = 0.001381461275741458;

    /// <summary>
    /// e^r for |r| ≤ ln2/2 in float lanes, one multiply-add shorter than <see cref="ExpReducedF{TV}"/>:
    /// 1 + r·(1 + r·s(r)) with s of degree 4, a minimax fit for the relative error of e^r (0.064 ULP in exact
    /// arithmetic, against 0.012 for the degree-7 polynomial), nested so that after s it is two fused operations
    /// (0.73 ULP at most over the range in a float model, every 17th float; (r + r²·s) + 1, one multiply more, was
    /// 0.85). Its error relative to e^r − 1 reaches 0.32 ULP, so it
    /// serves kernels that use e^r itself — a logistic 1/(1 + e), e/(1 + e)², ln(1 + e) — and not those that need
    /// e^r − 1 near r = 0 (tanh, elu). The …ShortF entry points give double lanes the degree-7 polynomial instead:
    /// double lanes run the float formulas only for the gates of the GLU family, whose product a·g(b) is rounded once
    /// afterwards and relies on the gate being within about 0.01 float ULP (docs/accuracy.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpReducedShortF<TV>(TV r) where TV : struct, IVec<TV>
        => TV.Fma(r, TV.Fma(r, Horner(r, S4, S3, S2, S1, S0), TV.One), TV.One);

    /// <summary>
    /// e^r − 1 as r + r²·s(r) with <see cref="ExpReducedShortF{TV}"/>'s polynomial, for callers that use the result
    /// m only inside 1 + m (x·(1 + m) as one fma): there its error is the shorter fit's 0.064 ULP of e^r plus the
    /// roundings of r² and the last fma, which 1 + m scales down by |m| ≤ 0.42; relative to m itself it reaches about
    /// 0.3 ULP near r = 0, so kernels that need e^r − 1 there (tanh, elu) keep <see cref="Expm1ReducedF{TV}"/>. Mish's
    /// forward took it (2.57 → 2.58 ULP exhaustive, 0.458 → 0.429 ns/element; since replaced by a table of mish itself,
    /// whose tail beyond −15 still takes it); silu′ and gelu_tanh, tried with it,
    /// went from 3.80 to 3.93 ULP and from 3.30/3.28 to 3.56/3.48 for about 3 % and kept the degree-7 polynomial.
    /// s is in Estrin's form on r² (which the last step reuses): the same six multiply-adds as Horner's form and
    /// r·(1 + r·s) took, but a dependency chain of four instead of six, which is what limits a kernel whose chain per
    /// register is long (tools/bench/pipes/chains.c; mish forward 0.413 → 0.400 ns/element, 2.58 → 2.63 ULP). erf GELU's
    /// e^(−y²/2) takes it too (forward 0.696 → 0.68, backward 2.20 → 2.30 ULP).
    /// Double lanes get <see cref="Expm1ReducedF{TV}"/> (see <see cref="ExpReducedShortF{TV}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1ReducedShortF<TV>(TV r) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) return Expm1ReducedF(r);
        var r2 = r * r;
        var s = TV.Fma(r2, TV.Fma(r2, TV.Create(S4), TV.Fma(TV.Create(S3), r, TV.Create(S2))), TV.Fma(TV.Create(S1), r, TV.Create(S0)));
        return TV.Fma(r2, s, r);
    }

    /// <summary>
    /// e^r − 1 for |r| ≤ ln2/2 in float lanes as r + r²·t(r), t of degree 4 fitted by a Remez exchange for the error
    /// relative to e^r − 1 (tools/poly/fit_expm1.py --short --expm1: 0.28 ULP in exact arithmetic, against 0.03 for
    /// <see cref="Expm1ReducedF{TV}"/>, one multiply-add longer), for kernels whose result keeps e^r − 1's relative
    /// accuracy near r = 0 but has ULPs to spare (elu and selu through <see cref="Expm1PartsF{TV}(TV, double, out TV)"/>;
    /// tanh uses the same t through <see cref="Expm1OfDoubledF{TV}"/>). Double lanes get <see cref="Expm1ReducedF{TV}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Expm1ReducedM1ShortF<TV>(TV r) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) return Expm1ReducedF(r);
        return TV.Fma(r * r, Horner(r, T4, T3, T2, T1, T0), r);
    }

    /// <summary>c4·r⁴ + … + c0 by Horner's rule (the shorter exponential's polynomial and its mirrored form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Horner<TV>(TV r, double c4, double c3, double c2, double c1, double c0) where TV : struct, IVec<TV>
    {
        var p = TV.Fma(TV.Create(c4), r, TV.Create(c3));
        p = TV.Fma(p, r, TV.Create(c2));
        p = TV.Fma(p, r, TV.Create(c1));
        return TV.Fma(p, r, TV.Create(c0));
    }

    /// <summary>
    /// e^r − 1 for |r| ≤ ln2/2 in float lanes: r + r²·q(r) with q of degree 5, interpolated at Chebyshev nodes and
    /// rounded to float by tools/poly/fit_expm1.py (0.03 ULP from the polynomial itself; the Taylor series of
    /// the same degree would leave 0.26 ULP at the ends of the range).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1ReducedF<TV>(TV r) where TV : struct, IVec<TV>
        => TV.Fma(r * r, Horner(r, Q5, Q4, Q3, Q2, Q1, Q0), r);

    /// <summary>
    /// e^r for |r| ≤ ln2/2 in float lanes with <see cref="Expm1ReducedF{TV}"/>'s polynomial, nested as
    /// 1 + r·(1 + r·q(r)) so that after q it is two fused operations: one fewer than (r + r²·q) + 1, and 0.71 ULP at
    /// most over the range in a float model (every 17th float) against 0.81.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpReducedF<TV>(TV r) where TV : struct, IVec<TV>
        => TV.Fma(r, TV.Fma(r, Horner(r, Q5, Q4, Q3, Q2, Q1, Q0), TV.One), TV.One);

    /// <summary>c5·r⁵ + … + c0 by Horner's rule (the expm1 polynomial and its rescaled or mirrored forms, tanhshrink's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Horner<TV>(TV r, double c5, double c4, double c3, double c2, double c1, double c0) where TV : struct, IVec<TV>
    {
        var p = TV.Fma(TV.Create(c5), r, TV.Create(c4));
        p = TV.Fma(p, r, TV.Create(c3));
        p = TV.Fma(p, r, TV.Create(c2));
        p = TV.Fma(p, r, TV.Create(c1));
        return TV.Fma(p, r, TV.Create(c0));
    }

    /// <summary>
    /// e^(2h) − 1 = 2h + h²·4t(2h) for |2h| ≤ ln2/2 in float lanes: <see cref="Expm1ReducedM1ShortF{TV}"/>(2h) to the
    /// bit (each Horner step is the original one times a power of two), with 2h formed by an addition, which runs
    /// beside the multiply-adds, rather than a multiply on their pipes. (With <see cref="Expm1ReducedF{TV}"/>'s degree-7
    /// polynomial instead, tanh was 1.91 ULP at most and 0.321 ns/element; with this one 1.93 and 0.305.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1OfDoubledF<TV>(TV h) where TV : struct, IVec<TV>
        => TV.Fma(h * h, Horner(h, T4 * 64, T3 * 32, T2 * 16, T1 * 8, T0 * 4), h + h);

    /// <summary>Splits x = n·ln2 + r (float lanes) with n integral and |r| ≤ ln2/2 (plus rounding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ReduceF<TV>(TV x, out TV n) where TV : struct, IVec<TV>
    {
        n = TV.RoundToEven(x * TV.Create(Log2E));
        var r = TV.Fma(n, TV.Create(-Ln2HiF), x);
        return TV.Fma(n, TV.Create(-Ln2LoF), r);
    }

    /// <summary>
    /// <see cref="ReduceF{TV}"/> for −x without forming it: x clamped at 104 (NaN passes: Min returns its second
    /// operand), n = round(x·(−log2 e)) and r′ = x + n·ln2 = −r exactly (round-to-nearest is symmetric). With
    /// <paramref name="nanByCaller"/> the clamp takes 104 second instead, a memory operand rather than a register filled
    /// every iteration, and a NaN x is reduced as 104: for callers whose result carries x's NaN by another route.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ReduceNegatedF<TV>(TV x, out TV n, bool nanByCaller = false) where TV : struct, IVec<TV>
    {
        var xc = nanByCaller ? TV.Min(x, TV.Create(104.0)) : TV.Min(TV.Create(104.0), x);
        n = TV.RoundToEven(xc * TV.Create(-Log2E));
        var rm = TV.Fma(n, TV.Create(Ln2HiF), xc);
        return TV.Fma(n, TV.Create(Ln2LoF), rm);
    }

    /// <summary>
    /// e^x in float lanes, about 1 ULP: subnormal results rounded once (e^−100 = 3.72e−44), +∞ from 88.73 on,
    /// +0 below −103.98, e^NaN = NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpF<TV>(TV x, bool tail = false) where TV : struct, IVec<TV>
    {
        var xc = TV.Min(TV.Create(89.0), TV.Max(TV.Create(-104.0), x));
        var r = ReduceF(xc, out var n);
        // tail: a tail formula's exponential, most of its results subnormal, scaled without VSCALEF's assist on Intel.
        return tail ? TV.ScaleBIntoSubnormals(ExpReducedF(r), n) : TV.ScaleB(ExpReducedF(r), n);
    }

    /// <summary>
    /// e^x for x ≤ 88 (or NaN) in float lanes: <see cref="ExpF{TV}"/> without the overflow clamp (+∞ is not a valid
    /// input; callers replace such lanes). x is held at <paramref name="floor"/> (≥ −104): a floor of −87 keeps e a
    /// normal float, so a kernel that divides it stays off the divider's slow subnormal case and leaves the lanes
    /// below to a tail formula (sigmoid′). A NaN x stays NaN (the maximum returns its NaN operand).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpNonPositiveF<TV>(TV x, double floor = -104.0) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.Max(TV.Create(floor), x), out var n);
        return TV.ScaleB(ExpReducedF(r), n);
    }

    /// <summary>
    /// <see cref="ExpNonPositiveF{TV}"/> with the floor at −87, where e^x is a normal float and so is 2^n, applied in
    /// one exact step (<see cref="IVec{TV}.MulPow2"/>: the same bits as ScaleB, one multiplication instead of two steps
    /// where ScaleB is not VSCALEF).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpNonPositiveNormalF<TV>(TV x) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.Max(TV.Create(-87.0), x), out var n);
        return TV.MulPow2(ExpReducedF(r), n);
    }

    /// <summary>
    /// e^−x for x ≥ −88 (or NaN) in float lanes: <see cref="ExpNonPositiveF{TV}"/>(−x) to the bit, one instruction fewer
    /// (no −x). The reduction and the polynomial run on the mirrored argument: n = round(x·(−log2 e)) is the same n,
    /// r′ = x + n·ln2 = −r exactly (round-to-nearest is symmetric), the coefficients of odd powers change sign so every
    /// Horner step is the original one times ±1, and 1 + r·(1 + r·q(r)) becomes 1 + r′·(r′·q − 1), the inner factor
    /// negated so that no operand needs a sign flip.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpOfNegatedF<TV>(TV x) where TV : struct, IVec<TV>
    {
        // min(104, x) = −max(−104, −x), so NaN flows through.
        var rm = ReduceNegatedF(x, out var n);
        var p = Horner(rm, -Q5, Q4, -Q3, Q2, -Q1, Q0);
        return TV.ScaleB(TV.Fma(rm, TV.Fms(rm, p, TV.One), TV.One), n);
    }

    /// <summary>
    /// e^x for x ≤ 88 (or NaN) in float lanes with the shorter polynomial (<see cref="ExpReducedShortF{TV}"/>):
    /// <see cref="ExpNonPositiveF{TV}"/> one operation cheaper, 0.07 ULP less accurate; double lanes get
    /// <see cref="ExpNonPositiveF{TV}"/> itself. Float lanes may hold x at a higher floor (−80 keeps the result a normal
    /// float, for kernels that divide it: a subnormal dividend makes the division three times slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpNonPositiveShortF<TV>(TV x, double floatFloor = -104.0, bool tail = false) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) return ExpNonPositiveF(x);
        return ExpClampedShortF(TV.Max(TV.Create(floatFloor), x), tail);
    }

    /// <summary>
    /// <see cref="ExpNonPositiveShortF{TV}"/> for a floor of −87 or above in float lanes (the kernels that keep e a
    /// normal float, or use it only in 1 + e), where 2^n is a normal float too and is applied in one exact step
    /// (<see cref="IVec{TV}.MulPow2"/>; see <see cref="ExpClampedShortNormalF{TV}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpNonPositiveShortNormalF<TV>(TV x, double floatFloor) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) return ExpNonPositiveF(x);
        Debug.Assert(floatFloor >= NormalFloor, "2^n must stay a normal float");
        return ExpClampedShortNormalF(TV.Max(TV.Create(floatFloor), x));
    }

    /// <summary>e^x for −104 ≤ x ≤ 88 (or NaN) in float lanes with the shorter polynomial, the clamp left to the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpClampedShortF<TV>(TV xc, bool tail = false) where TV : struct, IVec<TV>
    {
        var r = ReduceF(xc, out var n);
        // A tail formula (most of its results subnormal) scales without VSCALEF's assist on Intel.
        return tail ? TV.ScaleBIntoSubnormals(ExpReducedShortF(r), n) : TV.ScaleB(ExpReducedShortF(r), n);
    }

    /// <summary>
    /// α·e^x for −112 ≤ x ≤ 88 (or NaN) in float lanes, the clamp left to the caller (ELU′): <see
    /// cref="ExpClampedShortF{TV}"/> with α joining its last step, α·e^r = α + (α·r)·(1 + r·s(r)), before the power of
    /// two, so a subnormal result is rounded once (rounding e^x first and multiplying by α after magnified that rounding
    /// α-fold: α = 7 gave 4.1 ULP below x = −87.3). <paramref name="unit"/> (α = 1) takes e^x itself, the bits of <see
    /// cref="ExpNonPositiveShortF{TV}"/>. The choice is a branch at the last step only: with two complete forms chosen
    /// per register the JIT broadcast the polynomial's constants into registers on every iteration instead of taking
    /// them as memory operands (ELU′ 0.218 → 0.313 ns/element on Zen 4); α·e^r rounded after e^r measured 1.5–2.0
    /// ULP against this form's 0.9–1.6.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ScaledExpClampedShortF<TV>(TV xc, bool unit, TV alpha) where TV : struct, IVec<TV>
    {
        var r = ReduceF(xc, out var n);
        var t = TV.Fma(r, Horner(r, S4, S3, S2, S1, S0), TV.One);
        return TV.ScaleB(unit ? TV.Fma(r, t, TV.One) : TV.Fma(r * alpha, t, alpha), n);
    }

    /// <summary>
    /// <see cref="ExpClampedShortF{TV}"/> for −87 ≤ x ≤ 88 (or NaN), where 2^n is a normal float: one exact step
    /// (<see cref="IVec{TV}.MulPow2"/>, VSCALEF on the AVX-512 widths as ScaleB, one multiplication instead of ScaleB's
    /// two steps on the others), the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpClampedShortNormalF<TV>(TV xc) where TV : struct, IVec<TV>
    {
        var r = ReduceF(xc, out var n);
        return TV.MulPow2(ExpReducedShortF(r), n);
    }

    // The lowest floor at which e^x, and the 2^n of its reduction, are normal floats (e^−87 = 1.6e−38, n ≥ −126).
    private const double NormalFloor = -87.0;

    /// <summary>
    /// e^−x for x ≥ −88 (or NaN) with the shorter polynomial in float lanes: <see cref="ExpOfNegatedF{TV}"/>'s
    /// mirrored reduction and <see cref="ExpReducedShortF{TV}"/>'s polynomial with its odd coefficients negated
    /// (the same bits as <see cref="ExpNonPositiveShortF{TV}"/>(−x)); double lanes get <see cref="ExpOfNegatedF{TV}"/>
    /// (see <see cref="ExpReducedShortF{TV}"/>). <paramref name="nanByCaller"/>: see <see cref="ReduceNegatedF{TV}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpOfNegatedShortF<TV>(TV x, bool nanByCaller = false) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) return ExpOfNegatedF(x);
        var rm = ReduceNegatedF(x, out var n, nanByCaller);
        var p = Horner(rm, S4, -S3, S2, -S1, S0);
        // 1 − r′·(1 − r′·p) with the inner factor negated, rm·p − 1, so that no operand needs a sign flip (the
        // rounding is symmetric: the same bits).
        // Only logsigmoid's forward tail takes it, its results mostly subnormal: no VSCALEF assist on Intel.
        return TV.ScaleBIntoSubnormals(TV.Fma(rm, TV.Fms(rm, p, TV.One), TV.One), n);
    }

    /// <summary>
    /// e^−x = t·(1 + m) in float lanes from the 16-entry table, for −87.3 ≤ x ≤ 88 (the caller clamps; a NaN x
    /// gives a NaN m): returns m and t. N = round(−16x/ln 2) by the round shifter (one multiply-add; the shifted value's
    /// low bits hold N), u = x + N·ln2/16 by the Cody–Waite pair (|u| ≤ ln2/32; N·Ln2HiF/16 + x is exact for |N| ≤ 2^11,
    /// as in ReduceF), t = 2^(N/16) from the table with ⌊N/16⌋ added to its exponent
    /// (<see cref="IVec{TV}.Exp2Sixteenths"/>: a permute and three integer operations), and m = e^−u − 1 = u²·p(u) − u
    /// with p of degree 1 (tools/poly/fit_exp_sixteenths.py: 1.6e−9 relative; u² and p side by side, a shorter chain
    /// than Horner's). Seven multiply-add-class operations where the polynomial exponential with VSCALEF takes ten; t
    /// carries the table's rounding, up to 0.79·2^−24, so it suits results that use e^−x relative to itself (1 + e),
    /// not e^x − 1 near 0. (gelu_tanh's forward, whose argument is a float pair, reduces in powers of two with the same
    /// table and polynomial: GeluTanh.OnePlusExpOfMinusArgumentF.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpOfNegatedSixteenthsParts<TV>(TV x, out TV t) where TV : struct, IVec<TV>
        => ExpOfNegatedReducedSixteenths(ReduceNegatedSixteenths(x, out t));

    /// <summary>
    /// The reduction of <see cref="ExpOfNegatedSixteenthsParts{TV}"/>: returns u = x + N·ln2/16 and gives t = 2^(N/16).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ReduceNegatedSixteenths<TV>(TV x, out TV t) where TV : struct, IVec<TV>
    {
        var shifted = TV.Fma(x, TV.Create(-16.0 * Log2E), TV.Create(RoundShifterF));
        var n = shifted - TV.Create(RoundShifterF);
        t = TV.Exp2Sixteenths(shifted);
        var u = TV.Fma(n, TV.Create(Ln2HiF / 16), x);
        return TV.Fma(n, TV.Create(Ln2LoF / 16), u);
    }

    /// <summary>m = e^−u − 1 = u²·p(u) − u for the reduced argument of <see cref="ReduceNegatedSixteenths{TV}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpOfNegatedReducedSixteenths<TV>(TV u) where TV : struct, IVec<TV>
        => TV.Fms(u * u, TV.Fma(u, TV.Create(SixteenthsP1), TV.Create(SixteenthsP0)), u);

    /// <summary>
    /// 1 + e^−(z + zLo) in float lanes for −87.3 ≤ z ≤ 88 and |zLo| ≤ 2⁻²⁰·|z| (the caller clamps and marks; a NaN z
    /// gives NaN): <see cref="OnePlusExpOfNegatedTableF{TV}"/> with the low part of a float pair added to the reduced
    /// argument u = z + N·ln2/16 before the polynomial, e^−(u + zLo) = e^−u·(1 − zLo + …), so a rounded product z = βx
    /// costs no |z| half-ULPs (gelu_sigmoid's x/(1 + e^−1.702x)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV OnePlusExpOfNegatedPairTableF<TV>(TV z, TV zLo) where TV : struct, IVec<TV>
    {
        var m = ExpOfNegatedReducedSixteenths(ReduceNegatedSixteenths(z, out var t) + zLo);
        return TV.Fma(t, m, t + TV.One);
    }

    /// <summary>
    /// e^x = t·(1 + m) in float lanes from the 16-entry table, for −87.3 ≤ x ≤ 88 (the caller marks the lanes beyond; a
    /// NaN x gives a NaN m): returns m and t. <see cref="ExpOfNegatedSixteenthsParts{TV}"/> mirrored, with the same
    /// operations: N = round(16x/ln 2) by the round shifter, u = x − N·ln2/16 by the Cody–Waite pair, t = 2^(N/16) from
    /// the table (<see cref="IVec{TV}.Exp2Sixteenths"/>) and m = e^u − 1 = u + u²·p(−u), the polynomial's odd
    /// coefficient negated. t carries the table's rounding, up to 0.79·2^−24 relative, so t + t·m is about 1.3 ULP from
    /// e^x at most: a result for x's whose e^x is itself the answer (the exponential activation), not e^x − 1 near 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpSixteenthsParts<TV>(TV x, out TV t) where TV : struct, IVec<TV>
    {
        var shifted = TV.Fma(x, TV.Create(16.0 * Log2E), TV.Create(RoundShifterF));
        var n = shifted - TV.Create(RoundShifterF);
        var u = TV.Fma(n, TV.Create(-Ln2HiF / 16), x);
        u = TV.Fma(n, TV.Create(-Ln2LoF / 16), u);
        t = TV.Exp2Sixteenths(shifted);
        return TV.Fma(u * u, TV.Fma(u, TV.Create(-SixteenthsP1), TV.Create(SixteenthsP0)), u);
    }

    /// <summary>
    /// 1 + e^−x in float lanes for −87.3 ≤ x (or NaN; lanes below are the caller's to replace, their value is
    /// unspecified), from the table exponential (<see cref="ExpOfNegatedSixteenthsParts{TV}"/>). x is held at 87 from above,
    /// where 1 + e^−87 is 1 as for every larger x, so 2^⌊N/16⌋ stays a normal float. Against the polynomial
    /// exponential with VSCALEF that sigmoid and silu used before (<see cref="ExpOfNegatedShortF{TV}"/>'s, x held at
    /// 87): seven multiply-add-class operations instead of ten, for about 0.15 ULP more in their worst cases.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV OnePlusExpOfNegatedTableF<TV>(TV x, bool nanByCaller = false, bool clampBothSides = false) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) return TV.One + ExpOfNegatedF(x);
        // clampBothSides (callers whose NaN comes back by another route and whose lanes below −87 are replaced): x held
        // in [−87, 87] by one operation, so those lanes form no value outside the floats.
        var xc = nanByCaller && clampBothSides ? TV.ClampMagnitude(x, TV.Create(87.0)) : nanByCaller ? TV.Min(x, TV.Create(87.0)) : TV.Min(TV.Create(87.0), x);
        var em1 = ExpOfNegatedSixteenthsParts(xc, out var t);
        // 1 + t·(1 + em1) with one rounding after 1 + t (exact where t ≥ 2^−1 or t is a power of two far below 1).
        return TV.Fma(t, em1, t + TV.One);
    }

    /// <summary>
    /// e^−|x| in the lane type's own precision: <see cref="ExpNonPositive{TV}"/> for double lanes (−|x| as x with its
    /// sign bit set; the NaN is kept), <see cref="ExpNonPositiveF{TV}"/> for float lanes (the choice
    /// folds when the caller is compiled). e^−|NaN| is NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpMinusAbs<TV>(TV x) where TV : struct, IVec<TV>
        => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            ? ExpNonPositive(TV.Or(x, TV.SignMask))
            : ExpNonPositiveF(TV.Or(x, TV.SignMask));

    /// <summary>
    /// e^−|x| in the lane type's own precision, −|x| and its clamp in one operation (<see
    /// cref="IVec{TV}.MinusAbsAtLeast"/>), so a NaN x gives e^−104 (float) or e^−746 = 0 (double): callers carry the NaN
    /// to their result by another route (softplus and logsigmoid add max(x, 0) or min(x, 0)). Float lanes use the
    /// shorter polynomial (<see cref="ExpNonPositiveShortF{TV}"/>), double lanes <see cref="ExpClamped{TV}"/>. Float
    /// lanes may hold −|x| at a higher floor (softplus and logsigmoid hold it at −40, so that ln(1 + e) forms no
    /// subnormal intermediate).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpMinusAbsShort<TV>(TV x, double floatFloor = -104.0) where TV : struct, IVec<TV>
        => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            ? ExpClamped(TV.MinusAbsAtLeast(x, TV.Create(-746.0)))
            : ExpClampedShortF(TV.MinusAbsAtLeast(x, TV.Create(floatFloor)));

    /// <summary>
    /// <see cref="ExpMinusAbsShort{TV}"/> for a float floor of −87 or above (softplus and logsigmoid hold −|x| at −40):
    /// 2^n is a normal float and is applied in one exact step (<see cref="ExpClampedShortNormalF{TV}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpMinusAbsShortNormal<TV>(TV x, double floatFloor) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) return ExpClamped(TV.MinusAbsAtLeast(x, TV.Create(-746.0)));
        Debug.Assert(floatFloor >= NormalFloor, "2^n must stay a normal float");
        return ExpClampedShortNormalF(TV.MinusAbsAtLeast(x, TV.Create(floatFloor)));
    }

    /// <summary>
    /// e^x − 1 for x ≤ 0 in float lanes, about 1.5 ULP, exact for tiny and subnormal x, −1 below −17.4. A NaN x gives
    /// −1 (the clamp's value): callers carry the NaN by another route.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1NonPositiveF<TV>(TV x) where TV : struct, IVec<TV>
    {
        var em1 = Expm1PartsNonPositiveF(x, out var t);
        // 2^n·(em1 + 1) − 1 = 2^n·em1 + (2^n − 1); for −26 ≤ n ≤ 0 both 2^n and 2^n − 1 are exact floats.
        return TV.Fma(t, em1, t - TV.One);
    }

    /// <summary>
    /// e^x = t·(1 + m) for x ≤ 0 in float lanes, with t = 2^n exact (n ≥ −26; x is clamped at −18, where e^x is below
    /// half a float ULP of 1, and a NaN x is taken as −18) and m = e^r − 1 for the reduced |r| ≤ ln2/2. Returns m.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1PartsNonPositiveF<TV>(TV x, out TV t) where TV : struct, IVec<TV>
        => Expm1PartsF(x, -18.0, out t);

    /// <summary>
    /// e^x = t·(1 + m) in float lanes for x ≤ 0, x clamped at <paramref name="floor"/> (≥ −87, so t = 2^n is a normal
    /// float; a NaN x is taken as the floor). Returns m = e^r − 1 for the reduced |r| ≤ ln2/2, from the one-constant reduction and the
    /// degree-6 polynomial fitted for e^r − 1 (<see cref="Expm1ReducedM1ShortF{TV}"/>): made for e^x − 1 = t·m + (t − 1)
    /// (elu and selu); a kernel whose result is e^x itself in a deep tail needs the Cody–Waite pair instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1PartsF<TV>(TV x, double floor, out TV t) where TV : struct, IVec<TV>
    {
        // One constant for ln 2 (float, 1.9e−9 below it): r is off by |n|·1.9e−9, which matters relative to e^x − 1
        // only at small |n| (at most 0.08 ULP, n = −1 near x = −0.35) and relative to 1 + m beyond that, where
        // e^x − 1 is within e^x of −1; elu and selu, its callers, need no Cody–Waite low part.
        // The floor second, so it is a memory operand rather than a register filled every iteration: a NaN x gives
        // the floor's value, and the callers (elu, selu) return x's own branch for a NaN x instead.
        var xc = TV.Max(x, TV.Create(floor));
        var n = TV.RoundToEven(xc * TV.Create(Log2E));
        var r = TV.Fma(n, TV.Create(-Ln2F), xc);
        t = TV.Pow2(n);
        return Expm1ReducedM1ShortF(r);
    }

    /// <summary>
    /// e^−|x| = t·(1 + m) in float lanes, −|x| clamped at <paramref name="floor"/> (≥ −87, so t = 2^n is a normal
    /// float) in one operation (<see cref="IVec{TV}.MinusAbsAtLeast"/>: a NaN x gives e^floor, so callers carry the NaN
    /// by another route), with the Cody–Waite reduction and the degree-7 polynomial (silu′, 3.80 ULP at most, has no
    /// room for the shorter ones). Returns m = e^r − 1 for the reduced |r| ≤ ln2/2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1PartsMinusAbsF<TV>(TV x, double floor, out TV t) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.MinusAbsAtLeast(x, TV.Create(floor)), out var n);
        t = TV.Pow2(n);
        return Expm1ReducedF(r);
    }

    /// <summary>
    /// e^x = p·2^n in float lanes for x ≥ −112 (clamped there; NaN passes), with p in [0.7, 1.42] and n integral, so
    /// callers can apply 2^n last (with <see cref="IVec{TV}.ScaleB"/>) and round a subnormal result once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpPartsF<TV>(TV x, out TV n) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.Min(TV.Create(89.0), TV.Max(TV.Create(-112.0), x)), out n);
        return ExpReducedF(r);
    }

    /// <summary>
    /// e^x = 2^n·(1 + m) in float lanes for −112 ≤ x ≤ 89 (the caller clamps; NaN passes), returning m = e^r − 1 for
    /// the reduced |r| ≤ ln2/2 and n integral: 1 + m is never rounded, so a caller can fold it into a product with one
    /// fma (x·(1 + m) = fma(x, m, x)) and apply 2^n last with <see cref="IVec{TV}.ScaleB"/>, rounding a subnormal
    /// result once. m comes from the shorter polynomial (<see cref="Expm1ReducedShortF{TV}"/>), for callers that use
    /// it only inside 1 + m.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1ScaledPartsShortF<TV>(TV x, out TV n) where TV : struct, IVec<TV>
        => Expm1ReducedShortF(ReduceF(x, out n));

    /// <summary>
    /// βx in float lanes as the pair z + zLo for a parameter β given as β_f (β rounded to float) and β_lo (β − β_f rounded
    /// to float): z = fl(β_f·x), zLo = (β_f·x − z) + β_lo·x, the first term exact by one fma; z + zLo is βx to about
    /// 2^−46 relative, so an exponential of βx that takes zLo into its reduced argument loses nothing to the rounding
    /// of the product (swish's and softplus's β, gelu_sigmoid's 1.702).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ScaledPairF<TV>(TV x, TV beta, TV betaLo, out TV zLo) where TV : struct, IVec<TV>
    {
        var z = x * beta;
        zLo = TV.Fma(x, betaLo, TV.Fms(x, beta, z));
        return z;
    }

    /// <summary>
    /// <see cref="Expm1ScaledPartsShortF{TV}(TV, out TV)"/> for e^(x + xLo), |xLo| far below the reduced argument, which
    /// it joins (swish's tails, x·e^(z + zLo) for the pair z + zLo = βx): the low part costs no extra rounding. Valid
    /// for −200 ≤ x ≤ 89 (the caller clamps).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1ScaledPartsShortF<TV>(TV x, TV xLo, out TV n) where TV : struct, IVec<TV>
        => Expm1ReducedShortF(ReduceF(x, out n) + xLo);

    /// <summary>
    /// As <see cref="ExpPartsF{TV}(TV, out TV)"/> for e^(x + xLo) with |xLo| far below the reduced argument: the low
    /// part joins the reduced argument, so it costs no extra rounding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpPartsF<TV>(TV x, TV xLo, out TV n) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.Min(TV.Create(89.0), TV.Max(TV.Create(-112.0), x)), out n) + xLo;
        return ExpReducedF(r);
    }

    /// <summary>
    /// e^(−|x| + xLo) = (1 + m)·2^n in float lanes, −|x| clamped at <paramref name="floor"/> (≥ −150, so the exponent
    /// n stays within what <see cref="IVec{TV}.ScaleB"/> takes at every width) in one operation (<see
    /// cref="IVec{TV}.MinusAbsAtLeast"/>: a NaN x gives e^floor, so callers carry the NaN by another route), with |xLo|
    /// far below the reduced argument (it joins it, costing no extra rounding). Returns m = e^r − 1 for the reduced
    /// |r| ≤ ln2/2: the caller keeps 1 + m unrounded (as t + t·m with t = 2^n, or m·v + v) where the rounding of 1 + m
    /// would count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1PartsMinusAbsF<TV>(TV x, TV xLo, double floor, out TV n) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.MinusAbsAtLeast(x, TV.Create(floor)), out n) + xLo;
        // Expm1ReducedF's polynomial in Estrin's form: a shorter dependency chain for long kernels whose loop
        // latency, not the instruction count, sets the speed (the value differs from Horner's by rounding only).
        var r2 = r * r;
        var p45 = TV.Fma(TV.Create(Q5), r, TV.Create(Q4));
        var p23 = TV.Fma(TV.Create(Q3), r, TV.Create(Q2));
        var p01 = TV.Fma(TV.Create(Q1), r, TV.Create(Q0));
        var p = TV.Fma(r2, TV.Fma(r2, p45, p23), p01);
        return TV.Fma(r2, p, r);
    }

    /// <summary>
    /// dy·u·2^n in float lanes for the deep tail of a gradient (the caller's e^x = (1 + m)·2^n folded into u, finite and
    /// non-zero), rounded about once whatever dy's magnitude: dy·2^−48, then times u (one rounding, no overflow for
    /// |u| &lt; 2^48), then 2^(n + 48) (a subnormal result rounds once more). The callers keep −298 ≤ n ≤ −95 and
    /// |u|·2^n ≤ 2^−73, which makes it exact where it counts: dy·2^−48 is exact unless |dy| &lt; 2^−78, where the
    /// result is below 2^−151 and rounds to a zero either way; and where <see cref="IVec{TV}.ScaleB"/> takes two
    /// power-of-two steps (below AVX-512, |n + 48| ≤ 250), the first is exact unless the result is below 2^−150, so
    /// every width returns the bits of VSCALEF's single rounding. An underflowed dy·2^−48 keeps dy's sign and an
    /// infinite dy stays infinite, as dy·f′ does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ScaleTailF<TV>(TV dy, TV u, TV n) where TV : struct, IVec<TV>
        => TV.ScaleBIntoSubnormals((dy * TV.Create(3.552713678800501E-15)) * u, n + TV.Create(48.0), anyMagnitude: true); // 2^−48

    /// <summary>
    /// The last scaling of erf GELU and gelu_tanh, which zero their deep-underflow lanes themselves where there is no
    /// VSCALEF: with VSCALEF <see cref="IVec{TV}.ScaleBIntoSubnormals"/>, without it plain <see cref="IVec{TV}.ScaleB"/>
    /// (their guard keeps most lanes off the assisted multiplies, and the integer route's two-step scalings would cost
    /// more than the few subnormal results left). The same bits either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ScaleBAfterUnderflowGuard<TV>(TV v, TV n) where TV : struct, IVec<TV>
        => TV.ScaleBTakesAnyExponent ? TV.ScaleBIntoSubnormals(v, n) : TV.ScaleB(v, n);

    /// <summary>
    /// dy·e^a for a deep-tail argument a ≤ −87 (the logistic slopes' tails: σ(±x) and σ′ are e^a to the float there),
    /// with a held at −200, beyond which dy·e^a is below the floats for any float dy: e^a = (1 + m)·2^n and
    /// <see cref="ScaleTailF{TV}"/>, so the result keeps its accuracy whatever dy's magnitude.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV DyTimesExpTailF<TV>(TV dy, TV a) where TV : struct, IVec<TV>
    {
        var m = Expm1ScaledPartsShortF(TV.Max(a, TV.Create(-200.0)), out var n);
        return ScaleTailF(dy, m + TV.One, n);
    }

    /// <summary>
    /// ln(1 + e) for 0 ≤ e ≤ 1 in float lanes, about 1 ULP, exact for tiny e: 2·atanh(s) with s = e/(2 + e) in
    /// [0, 1/3], as 2s + s³·p(s²) = e − s·(e − s²·p(s²)), since 2s = e − s·e in real arithmetic. p is a degree-3
    /// minimax fit of the series' tail weighted by its share of the result (tools/poly/fit_log1p_unit.py:
    /// 0.09 ULP in exact arithmetic; the degree-4 interpolant used before was 0.016 ULP and one multiply-add longer),
    /// long enough for the whole unit interval without splitting it at √2 − 1. The nested form is two fused
    /// operations after p, and its inner rounding reaches the result scaled by s ≤ 1/3: 1.03 ULP at most over the
    /// unit interval (a float model, every 7th float), against 1.29 for (e − s·e) + s³·p summed in three operations,
    /// and at e = 1 it gives ln 2 rounded once, which the three-operation sum missed by one ULP.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log1pUnitF<TV>(TV e) where TV : struct, IVec<TV>
    {
        var s = e / (TV.Create(2.0) + e);
        var z = s * s;
        var p = TV.Create(0.280119925737381);
        p = TV.Fma(p, z, TV.Create(0.28001803159713745));
        p = TV.Fma(p, z, TV.Create(0.4002152681350708));
        p = TV.Fma(p, z, TV.Create(0.666664183139801));
        // e + s·(z·p − e): the nested form with the inner factor negated, so that no operand needs a sign flip.
        return TV.Fma(s, TV.Fms(z, p, e), e);
    }

    /// <summary>
    /// σ(z)·σ(−z) = e/(1 + e)² for e = e^−|z| in [0, 1], in float or double lanes: the square formed without rounding
    /// 1 + e first, then one division — three operations; float sigmoid′ 2.38 ULP exhaustive, double 1.7 on the golden
    /// inputs. (e·r² from r = 1/(1 + e) with the rounding of 1 + e carried as a correction took eleven operations and
    /// measured 2.75 and 2.2; plain e·r·r, where that rounding enters twice, reaches 4.7.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LogisticSlope<TV>(TV e) where TV : struct, IVec<TV>
        => e / SquareOfOnePlus(e);

    /// <summary>
    /// σ(x), or σ(−x) when <paramref name="mirrored"/>, in the lane type's own precision from e = e^−|x| and
    /// r = 1/(1 + e): r on the side where the argument of σ is ≥ 0, e·r on the other, so nothing cancels; a NaN x
    /// flows through e. Also returns e and r, for SwiGLU's double-lane slope, which uses them; callers that need σ alone
    /// take the value-only overload, which in double lanes folds the exponential into the one division (float kernels
    /// compute σ in one piece, 1/(1 + e^∓x), instead).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Logistic<TV>(TV x, out TV e, out TV r, bool mirrored = false) where TV : struct, IVec<TV>
    {
        e = ExpMinusAbs(x);
        r = TV.One / (TV.One + e);
        return mirrored ? TV.SelectWhereGreater(x, TV.Zero, e * r, r) : TV.SelectWhereGreaterOrEqual(x, TV.Zero, r, e * r);
    }

    /// <summary>
    /// σ(x), or σ(−x) when <paramref name="mirrored"/>: <see cref="Logistic{TV}(TV, out TV, out TV, bool)"/>'s value
    /// alone. Double lanes take e^−|x| = 2^n·P/Q from <see cref="ExpMinusAbsRatio{TV}"/> and divide once: σ = Q/(Q + 2^n·P)
    /// on the side where the argument of σ is ≥ 0, 2^n·P/(Q + 2^n·P) on the other: 19 operations per register instead of
    /// 24 and the exponential's chain two multiply-adds shorter (double sigmoid 0.80 → 0.57 ns/element, logsigmoid′
    /// 0.87 → 0.61, softplus′ 0.94 → 0.71), for 2.0 ULP at most on the golden inputs instead of 1.7 (2.3 instead of
    /// 2.2 on a 20,000-point sweep).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Logistic<TV>(TV x, bool mirrored = false) where TV : struct, IVec<TV>
    {
        if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return Logistic(x, out _, out _, mirrored);
        var q = ExpMinusAbsRatio(x, out var scaledP);
        var numerator = mirrored ? TV.SelectWhereGreater(x, TV.Zero, scaledP, q) : TV.SelectWhereGreaterOrEqual(x, TV.Zero, q, scaledP);
        return numerator / (q + scaledP);
    }

    /// <summary>
    /// (1 + e)² for e in [0, 1], as e·(e + 2) + 1 in one fused rounding: e + 2 in [2, 3] is off by at most 2^−25
    /// relative (float lanes), which moves the square by at most a quarter of its ULP.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV SquareOfOnePlus<TV>(TV e) where TV : struct, IVec<TV>
        => TV.Fma(e, e + TV.Create(2.0), TV.One);
}
