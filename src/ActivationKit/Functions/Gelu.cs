using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// GELU, the Gaussian error linear unit: x·Φ(x) with Φ the standard normal distribution function
/// (Hendrycks &amp; Gimpel, 2016). The exact (erf) form; <see cref="GeluTanh"/> is the tanh approximation.
/// </summary>
/// <remarks>
/// Double data is evaluated with Cody's rational approximations of Φ written in x itself and e^(−x²/2) formed from
/// the exact square of x (<see cref="VMath.Gelu{TV}"/>). Float data runs in float lanes (sixteen per AVX-512
/// register): Φ(−y) = e^(−y²/2)·C(y) for y = |x| with the smooth factors of C as float polynomials in y/(4 + y)
/// (tools/poly/fit_gelu_float.py), the products carried so that they round about once, and 2^n applied last.
/// Both keep full relative accuracy in the lower tail down to the subnormals: gelu(−10) = −7.6198530241605e−23,
/// float results stay non-zero down to x = −14.356068 and double ones down to x ≈ −38.58. gelu(NaN) = NaN, gelu(±0) = ±0, gelu(+∞) = +∞, gelu(−∞) = −0. The minimum is
/// gelu(−0.7517915) = −0.1699712, where the derivative Φ(x) + x·φ(x) crosses zero.
/// </remarks>
public sealed class Gelu : ElementwiseActivation<Gelu.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "gelu",
        Aliases = ["gelu_erf", "gaussian_error_linear_unit"],
        // PyTorch and ONNX spell the tanh form approximate='tanh', Keras and JAX approximate=True.
        Variants = new Dictionary<string, string>
        {
            ["approximate=tanh"] = "gelu_tanh",
            ["approximate=true"] = "gelu_tanh",
            ["approximate=none"] = "gelu",
            ["approximate=false"] = "gelu",
        },
        DisplayName = "GELU",
        Summary = "Weights the input by the probability that a standard normal variable lies below it: a smooth, non-monotonic ReLU, the default in Transformers.",
        Family = Family.SmoothRectifier,
        Formula = "x · Φ(x) = x/2 · (1 + erf(x/√2))",
        Derivative = "Φ(x) + x·φ(x), φ(x) = exp(−x²/2)/√(2π)",
        FormulaLatex = @"x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\!\left(\frac{x}{\sqrt{2}}\right)\right)",
        DerivativeLatex = @"\Phi(x) + x\,\varphi(x), \quad \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}",
        Range = "[−0.1699712, ∞)",
        Monotonicity = Monotonicity.NonMonotonic,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.He,
        // PyTorch's calculate_gain has no GELU entry; this is the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain),
        // E = 0.4252215 (mpmath), the same rule that gives ReLU its √2.
        Gain = 1.5335304411955352,
        TypicalUses = ["Transformer feed-forward blocks (BERT, GPT-2, ViT)", "hidden layers where a smooth ReLU is wanted"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput | KnownProblem.Saturation,
        Origin = new("Hendrycks & Gimpel, Gaussian Error Linear Units (GELUs)", 2016, "arXiv:1606.08415"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.GELU(approximate='none') / torch.nn.functional.gelu", "The default is this exact form; approximate='tanh' is gelu_tanh."),
            ["keras"] = new("keras.activations.gelu(x, approximate=False)", "The default is this exact form; approximate=True is gelu_tanh."),
            ["jax"] = new("jax.nn.gelu(x, approximate=False)", "jax.nn.gelu defaults to approximate=True, the tanh form (gelu_tanh): pass approximate=False for this function."),
            ["onnx"] = new("Gelu (opset 20, approximate='none')", "A standard operator since opset 20; approximate='none' is the default, 'tanh' gives gelu_tanh. Older models spell it as an Erf subgraph."),
            ["onednn"] = new("eltwise_gelu_erf", "eltwise_gelu_tanh is gelu_tanh; the older algorithm name eltwise_gelu meant the tanh form."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, -0.0), new(1e-40, 5e-41), new(-1e-40, -5e-41), new(100.0, 100.0)],
        DerivativeZeros = [-0.7517915246935645],
    };

    /// <summary>Creates GELU (exact erf form).</summary>
    public Gelu()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        if (double.IsNegativeInfinity(x)) return -0.0;
        if (double.IsPositiveInfinity(x)) return x;
        return x * ReferenceMath.NormalCdf(x);
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        if (double.IsInfinity(x)) return x > 0 ? 1.0 : -0.0;
        // Below the zero of f′ at −0.7518 the value is negative, and where it underflows it is −0 (0 + (−0) would be +0).
        double d = ReferenceMath.NormalCdf(x) + (x * ReferenceMath.NormalPdf(x));
        return d == 0 && x < 0 ? -0.0 : d;
    }

    /// <summary>The GELU arithmetic: float lanes for float data, Cody's rationals in double lanes for double data.</summary>
    public readonly struct Kernel_ : IUnaryKernel
    {
        // The float-lane tail polynomials of tools/poly/fit_gelu_float.py, in u = w − S with w = y/(4 + y), highest
        // degree first: R(w) = C(y)·(1 + y) and E(w) = (C(y) − y/√(2π))/(y − y0), C(y) = e^(y²/2)·Φ(−y).
        private const double ShiftR = 0.4000006318092346;
        private const double ShiftE = 0.4000002443790436;   // E of degree 8 (float lanes)
        private const double ShiftE9 = 0.4000009298324585;  // E of degree 9 (double lanes: GEGLU's gate)

        // y0 = 0.75179152469356446 (the zero of gelu′ is −y0) as a float pair (mpmath).
        private const double Y0Hi = 0.7517915368080139;
        private const double Y0Lo = -1.211444988769017e-08;

        /// <summary>|x| is clamped here: e^(−y²/2) at 15 is 2^−162, so every float result there is 0, 1 or x.</summary>
        private const double FloatClamp = 15.0;

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        // Bound by its dependency chain: streaming stores made large calls 10–25 % slower on Zen 5 (docs/performance.md).
        public static bool ForwardStreams => false;

        /// <inheritdoc />
        public static bool BackwardStreams => false;

        /// <inheritdoc />
        // GEGLU's product a·gelu(b) keeps its one rounding: the gate runs in double lanes (its float algorithm, ForwardFloatLanes, for float data).
        public static bool GateProductInDouble => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return ForwardFloat(x);
            return VMath.Gelu(x);
        }

        /// <inheritdoc />
        public static bool HasGateForFloat => true;

        /// <summary>
        /// The float algorithm (<see cref="ForwardFloat{TV}"/>) for any lane type, with the lanes beyond |x| = 15
        /// marked: GEGLU's gate for float data runs it in double lanes, where only its fitted approximations err
        /// (0.159 float ULP), instead of the double-data algorithm (a compensated rational, about ten times slower).
        /// Beyond 15 the float algorithm clamps (gelu(x) alone is 0 or x in float there), but a large a can still make
        /// a·gelu(b) a normal float, so those lanes come from the double-data algorithm.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
        {
            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(FloatClamp));
            return ForwardFloat(x);
        }

        /// <summary>dy·gelu′(x) by the float algorithm (<see cref="DerivativeFloat{TV}"/>), as <see cref="ForwardFloatLanes{TV}"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(FloatClamp));
            return dy * DerivativeFloat(x);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return dy * DerivativeFloat(x);
            return dy * VMath.GeluDerivative(x);
        }

        /// <summary>
        /// Float lanes: x·Φ(x) with Φ(−y) = e^(−y²/2)·C(y), y = |x|. The forward needs y·C(y) = y/(1 + y)·R(w): R is
        /// flat (0.399 to 0.53), so its float Horner adds little to its last rounding, and y/(1 + y) is carried to
        /// first order (the roundings of 1 + y and of the quotient are both recovered), because an error there would
        /// pass unchanged into the negative tail. e^(−y²/2) = 2^n·(1 + m) with 1 + m
        /// folded into the last product and 2^n applied last, so results in the subnormal range round once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            // min(|x|, 15) in one operation; a NaN x gives 15 here and comes back through max(−0, x) at the end.
            var y = TV.AbsAtMost(x, TV.Create(FloatClamp));
            var m = HalfGaussianF(y, out var n);
            // v + vLo = y/(1 + y): d + dLo = 1 + y exactly (d − 1 is exact for d ≥ 1, and so is y − (d − 1)); the
            // quotient's residual y − v·d is exact by fma; 1/(1 + y) = 1 − v to first order.
            var d = TV.One + y;
            var dLo = y - (d - TV.One);
            var v = y / d;
            var residual = TV.Fnma(v, dLo, TV.Fnma(v, d, y));
            var vLo = TV.Fnma(residual, v, residual);
            var u = (y / (TV.Create(4.0) + y)) - TV.Create(ShiftR);
            // R's Horner chain split (the terms from u⁶ on beside those of u² to u⁵, joined before the last two
            // steps, which round at full size as in plain Horner): 28 cycles of latency instead of 40.
            var hi = TV.Create(-0.0737096443772316);
            hi = TV.Fma(hi, u, TV.Create(0.04219935089349747));
            hi = TV.Fma(hi, u, TV.Create(0.17239661514759064));
            hi = TV.Fma(hi, u, TV.Create(-0.18310347199440002));
            hi = TV.Fma(hi, u, TV.Create(-0.24234822392463684));
            var r = TV.Create(0.747946560382843);
            r = TV.Fma(r, u, TV.Create(-0.8476126194000244));
            r = TV.Fma(r, u, TV.Create(0.49843746423721313));
            r = TV.Fma(r, u, TV.Create(-0.04975808411836624));
            var u2 = u * u;
            r = TV.Fma(hi, u2 * u2, r);
            r = TV.Fma(r, u, TV.Create(-0.1953762173652649));
            r = TV.Fma(r, u, TV.Create(0.49166738986968994));
            // y·C(y) = g + gLo (the product's error exact by fma), and y·Φ(−y) = 2^n·(g + (g·m + gLo·(1 + m))): the
            // small part is rounded on its own, so the sum is the one rounding that counts (then 2^n, one more only if
            // subnormal). gLo·m is kept: |m| reaches 0.41 and gLo a few 2^−24 of g.
            var g = r * v;
            var gLo = TV.Fma(r, vLo, TV.Fms(r, v, g));
            var s = TV.ScaleB(g + TV.Fma(g, m, TV.Fma(gLo, m, gLo)), n);
            // x < 0: −0 − s (−0 at −∞). x ≥ 0: x·(1 − Φ(−x)) = x − s, whose error in s is damped by Φ(−x)/Φ(x).
            // Max(−0, x) is −0 for x < 0 and x otherwise (+0 and NaN included: Max returns x unless −0 > x).
            return TV.Max(TV.Create(-0.0), x) - s;
        }

        /// <summary>
        /// Float lanes: Φ(x) + x·φ(x). With y = |x|, Φ(−y) − y·φ(y) = e^(−y²/2)·(y − y0)·E(t), so the lower side keeps
        /// its relative accuracy down to the subnormals and next to the zero at −y0; the upper side is 1 minus it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV DerivativeFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            var y = TV.Min(TV.Create(FloatClamp), TV.Abs(x));
            var m = HalfGaussianF(y, out var n);
            var w = y / (TV.Create(4.0) + y);
            var e = TV.IsDouble ? SlopeRatioDegree9(w - TV.Create(ShiftE9)) : SlopeRatioDegree8(w - TV.Create(ShiftE));
            // y − y0 = dh + dl, the rounding of y − Y0Hi recovered by Fast2Sum (three operations; the two-sum took six):
            // exact for y ≥ Y0Hi, and for y in [Y0Hi/2, Y0Hi) dh itself is exact (Sterbenz), so dl is −Y0Lo there.
            // Below Y0Hi/2 the recovery is not guaranteed, but dh is at least 0.37 and its rounding at most 2^−25 (the
            // worst case over all floats, 2.58 ULP, is at x = −0.0009). Then (y − y0)·E = f + fLo as for the forward,
            // so near the zero at y0 and in the tail the product is rounded once. Next to y0, dl (from Y0Lo) is up to
            // 1e−6 of dh, so fLo·m counts.
            var dh = y - TV.Create(Y0Hi);
            var dl = (TV.Create(-Y0Hi) - (dh - y)) - TV.Create(Y0Lo);
            var f = e * dh;
            var fLo = TV.Fma(e, dl, TV.Fms(e, dh, f));
            var s = TV.ScaleB(f + TV.Fma(f, m, TV.Fma(fLo, m, fLo)), n);
            return TV.SelectWhereLess(x, TV.Zero, s, TV.One - s);
        }

        /// <summary>
        /// E for float lanes: degree 8 (Remez error 0.25 ULP, 1.31 with float coefficients and float Horner, against
        /// 0.01 and 1.16 at degree 9; one multiply-add fewer), split as R is in the forward to shorten the chain.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV SlopeRatioDegree8<TV>(TV u) where TV : struct, IVec<TV>
        {
            var hi = TV.Create(-0.004030873067677021);
            hi = TV.Fma(hi, u, TV.Create(-0.020588427782058716));
            hi = TV.Fma(hi, u, TV.Create(0.02686341106891632));
            var e = TV.Create(0.04581237956881523);
            e = TV.Fma(e, u, TV.Create(-0.17834776639938354));
            e = TV.Fma(e, u, TV.Create(0.29095280170440674));
            e = TV.Fma(e, u, TV.Create(-0.31892889738082886));
            var u2 = u * u;
            e = TV.Fma(hi, u2 * u2, e);
            e = TV.Fma(e, u, TV.Create(0.2624779939651489));
            return TV.Fma(e, u, TV.Create(-0.48554331064224243));
        }

        /// <summary>
        /// E for double lanes, GEGLU's gate for float data (<see cref="BackwardFloatLanes{TV}"/>): degree 9, because there
        /// the fit's error is all the slope carries into the product's one rounding (0.13 float ULP; degree 8 gives 0.32).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV SlopeRatioDegree9<TV>(TV u) where TV : struct, IVec<TV>
        {
            var hi = TV.Create(0.008246648125350475);
            hi = TV.Fma(hi, u, TV.Create(-0.0040722074918448925));
            hi = TV.Fma(hi, u, TV.Create(-0.023460768163204193));
            hi = TV.Fma(hi, u, TV.Create(0.02689080499112606));
            var e = TV.Create(0.04614508897066116);
            e = TV.Fma(e, u, TV.Create(-0.17835165560245514));
            e = TV.Fma(e, u, TV.Create(0.290938138961792));
            e = TV.Fma(e, u, TV.Create(-0.31892815232276917));
            var u2 = u * u;
            e = TV.Fma(hi, u2 * u2, e);
            e = TV.Fma(e, u, TV.Create(0.26247772574424744));
            return TV.Fma(e, u, TV.Create(-0.4855431318283081));
        }

        /// <summary>
        /// e^(−y²/2) = 2^n·(1 + m) in float lanes for 0 ≤ y ≤ 15 (or NaN). The reduced argument −y²/2 − n·ln2 is formed
        /// by one fma from y itself (−y/2 and n·ln2hi are exact), so the exponent (up to 112) does not magnify the
        /// rounding of y². Returns m, from the short polynomial (<see cref="VMath.Expm1ReducedShortF{TV}"/>): m only
        /// enters the result inside 1 + m, where its 0.3 ULP relative to m itself are scaled down.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV HalfGaussianF<TV>(TV y, out TV n) where TV : struct, IVec<TV>
        {
            var half = y * TV.Create(-0.5);
            n = TV.RoundToEven(y * half * TV.Create(VMath.Log2E));
            var r = TV.Fma(y, half, n * TV.Create(-VMath.Ln2HiF));
            return VMath.Expm1ReducedShortF(TV.Fma(n, TV.Create(-VMath.Ln2LoF), r));
        }
    }
}
