using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
/// register): Φ(−y) = e^(−y²/2)·C(y) for y = |x|, with the smooth factors of C as one float polynomial per unit
/// interval of y, looked up by round(y) (tools/poly/fit_gelu_table.py), and 2^n applied last. GEGLU's gate for float
/// data runs the float algorithm in double lanes with the older rational forms in y/(4 + y) (tools/poly/fit_gelu_float.py).
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
        // The double-lane (GEGLU gate) polynomials of tools/poly/fit_gelu_float.py, in u = w − S with w = y/(4 + y),
        // highest degree first: R(w) = C(y)·(1 + y) and E(w) = (C(y) − y/√(2π))/(y − y0), C(y) = e^(y²/2)·Φ(−y).
        private const double ShiftR = 0.4000006318092346;
        private const double ShiftE = 0.4000009298324585;

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
        /// The float algorithm: <see cref="ForwardTable{TV}"/> in float lanes, <see cref="ForwardRatio{TV}"/> in double lanes.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardFloat<TV>(TV x) where TV : struct, IVec<TV> => TV.IsDouble ? ForwardRatio(x) : ForwardTable(x);

        /// <summary>
        /// The float algorithm in double lanes, GEGLU's gate for float data (<see cref="ForwardFloatLanes{TV}"/>): there
        /// the fits' error is all the gate carries into the product's one rounding, and this form's (0.159 float ULP) is
        /// below the table's (<see cref="ForwardTable{TV}"/>, up to 0.6 where a constant term's rounding is not absorbed).
        /// x·Φ(x) with Φ(−y) = e^(−y²/2)·C(y), y = |x|. The forward needs y·C(y) = y/(1 + y)·R(w): R is
        /// flat (0.399 to 0.53), so its float Horner adds little to its last rounding, and y/(1 + y) is carried to
        /// first order (the roundings of 1 + y and of the quotient are both recovered), because an error there would
        /// pass unchanged into the negative tail. e^(−y²/2) = 2^n·(1 + m) with 1 + m
        /// folded into the last product and 2^n applied last, so results in the subnormal range round once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardRatio<TV>(TV x) where TV : struct, IVec<TV>
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
        /// Float lanes: x·Φ(x) = max(−0, x) − F(y)·e^(−y²/2) with F(y) = y·C(y) = y·e^(y²/2)·Φ(−y), y = |x| ≤ 15, F from
        /// one polynomial of degree 7 per interval [k − 1/2, k + 1/2], k = round(y), in u = y − c_k, its coefficients and
        /// the expansion point c_k looked up by k (<see cref="IVec{TV}.Lookup16"/>; tools/poly/fit_gelu_table.py 7).
        /// c_0 = 0 and F's constant term there is 0, so F keeps its relative accuracy as y → 0; the other c_k lie
        /// within 2^−6 of k, where F(c_k) is nearest a float, and y − c_k is exact by Sterbenz's lemma. No division,
        /// and no carried factor: F is flat away from 0 (0.26 to 0.399), so its float Horner adds little to its
        /// last rounding. e^(−y²/2) = 2^n·(1 + m) with 1 + m folded into one fma and 2^n applied last, so results in
        /// the subnormal range round once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardTable<TV>(TV x) where TV : struct, IVec<TV>
        {
            // min(|x|, 15) in one operation; a NaN x comes back through max(−0, x) at the end.
            var y = TV.AbsAtMost(x, TV.Create(FloatClamp));
            var m = HalfGaussianF(y, out var n);
            // k = round(y) in the low bits of y + 1.5·2^23 (ties to even; both neighbours' fits cover a tie).
            var shifted = y + TV.Create(12582912.0);
            var u = y - TV.Lookup16(shifted, Vector512.Create(0f, 1f, 1.98632812f, 3.00585938f, 4.00878906f, 5.00415039f, 6.0144043f, 6.98999023f, 8.00317383f, 8.98925781f, 10.0141602f, 11.0029297f, 11.9870605f, 12.9899902f, 13.9846191f, 14.9938965f));
            var f = TV.Lookup16(shifted, Vector512.Create(0.00568334339f, 0.000764374912f, 7.53511413e-05f, 9.95113351e-06f, 1.8635784e-06f, 4.56282351e-07f, 2.10638859e-07f, 5.89037974e-08f, 5.32540554e-08f, 6.25511776e-09f, -6.04592074e-08f, 6.67317437e-08f, -2.46435707e-08f, 1.21074599e-08f, 3.05869747e-08f, -1.35643813e-06f));
            f = TV.Fma(f, u, TV.Lookup16(shifted, Vector512.Create(-0.023744002f, -0.0022592356f, -0.000275173225f, -4.39092437e-05f, -9.11159532e-06f, -2.17113939e-06f, -5.46304193e-07f, -2.89675029e-07f, 1.67435886e-07f, -6.07539192e-08f, -2.1397949e-07f, 9.69094231e-07f, 7.72813351e-08f, -5.68752974e-08f, -9.20876246e-08f, -2.22646736e-06f)));
            f = TV.Fma(f, u, TV.Lookup16(shifted, Vector512.Create(0.0616003722f, 0.00607402902f, 0.000896635698f, 0.000169719511f, 4.21306904e-05f, 1.27578924e-05f, 4.39423093e-06f, 1.77958293e-06f, 7.56043448e-07f, 3.6858242e-07f, 1.98042358e-07f, 8.31666682e-08f, 6.22290912e-08f, 3.0015805e-08f, 1.29046631e-08f, -1.39238841e-06f)));
            f = TV.Fma(f, u, TV.Lookup16(shifted, Vector512.Create(-0.132833466f, -0.0158144329f, -0.00281138928f, -0.000636560202f, -0.000185849029f, -6.52149538e-05f, -2.58754844e-05f, -1.17184136e-05f, -5.74864544e-06f, -2.97041356e-06f, -1.55445537e-06f, -1.32211096e-06f, -6.15741442e-07f, -3.48267832e-07f, -2.06858118e-07f, -5.84125473e-07f)));
            f = TV.Fma(f, u, TV.Lookup16(shifted, Vector512.Create(0.249988765f, 0.037022993f, 0.00805632491f, 0.00220984709f, 0.00076444773f, 0.000311785057f, 0.000141877288f, 7.27411607e-05f, 3.92446855e-05f, 2.28787867e-05f, 1.37628267e-05f, 8.79608069e-06f, 5.83377732e-06f, 3.96024598e-06f, 2.77005233e-06f, 1.91266349e-06f)));
            f = TV.Fma(f, u, TV.Lookup16(shifted, Vector512.Create(-0.398941994f, -0.0752574876f, -0.020440191f, -0.00689251442f, -0.00285590882f, -0.00136553985f, -0.00071738218f, -0.000416524243f, -0.00025248481f, -0.000163179313f, -0.000108258362f, -7.54110879e-05f, -5.42022099e-05f, -3.9689221e-05f, -2.97757542e-05f, -2.26763095e-05f)));
            f = TV.Fma(f, u, TV.Lookup16(shifted, Vector512.Create(0.5f, 0.124214269f, 0.0431798659f, 0.0182316434f, 0.00916140154f, 0.00517917611f, 0.00316019193f, 0.00208647596f, 0.00142565661f, 0.00102366169f, 0.000750226201f, 0.000571007084f, 0.000444841222f, 0.000351612311f, 0.000283112167f, 0.000230584352f)));
            f = TV.Fma(f, u, TV.Lookup16(shifted, Vector512.Create(0f, 0.261578292f, 0.335617453f, 0.364648908f, 0.377723306f, 0.384618044f, 0.388721555f, 0.391233534f, 0.392984897f, 0.394178122f, 0.395077586f, 0.395725459f, 0.396221906f, 0.396618873f, 0.3969329f, 0.397190928f)));
            var s = TV.ScaleB(TV.Fma(f, m, f), n);
            return TV.Max(TV.Create(-0.0), x) - s;
        }

        /// <summary>
        /// The float algorithm for Φ(x) + x·φ(x). With y = |x|, Φ(−y) − y·φ(y) = e^(−y²/2)·(y − y0)·E(y), so the lower
        /// side keeps its relative accuracy down to the subnormals and next to the zero at −y0; the upper side is 1 minus
        /// it. E comes from the table in float lanes (<see cref="SlopeRatioTable{TV}"/>) and from the degree-9 polynomial
        /// in y/(4 + y) in double lanes (<see cref="SlopeRatioDegree9{TV}"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV DerivativeFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            var y = TV.Min(TV.Create(FloatClamp), TV.Abs(x));
            var m = HalfGaussianF(y, out var n);
            var e = TV.IsDouble ? SlopeRatioDegree9((y / (TV.Create(4.0) + y)) - TV.Create(ShiftE)) : SlopeRatioTable(y);
            // y − y0 = dh + dl, the rounding of y − Y0Hi recovered by Fast2Sum (three operations; the two-sum took six):
            // exact for y ≥ Y0Hi, and for y in [Y0Hi/2, Y0Hi) dh itself is exact (Sterbenz), so dl is −Y0Lo there.
            // Below Y0Hi/2 the recovery is not guaranteed, but dh is at least 0.37 and its rounding at most 2^−25 (it
            // cost 0.13 ULP in the worst case over all floats when it was measured alone). Then (y − y0)·E = f + fLo as for the forward,
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
        /// E for float lanes: one polynomial of degree 7 per interval [k − 1/2, k + 1/2], k = round(y), in u = y − c_k,
        /// its coefficients and the expansion point c_k (within 2^−6 of k, where E(c_k) is nearest a float) looked up by k
        /// (tools/poly/fit_gelu_table.py 7 --slope). y − c_k is exact by Sterbenz's lemma wherever y ≥ 2·|c_k|.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV SlopeRatioTable<TV>(TV y) where TV : struct, IVec<TV>
        {
            var shifted = y + TV.Create(12582912.0);
            var u = y - TV.Lookup16(shifted, Vector512.Create(0.0151367188f, 0.993896484f, 2.015625f, 3.01025391f, 4.01098633f, 5.00830078f, 6.0065918f, 6.99707031f, 7.99633789f, 8.99121094f, 10.0129395f, 10.9858398f, 11.9914551f, 12.9970703f, 13.9978027f, 14.9958496f));
            var e = TV.Lookup16(shifted, Vector512.Create(8.55419057e-05f, 9.90884e-05f, 1.31869992e-05f, 2.16039075e-06f, 5.90973173e-07f, -1.17941376e-07f, -2.1957419e-08f, 9.65393738e-08f, -2.4866873e-08f, 6.07438508e-08f, -6.27949603e-08f, 9.5785829e-08f, -4.50101467e-08f, 2.07686401e-08f, -2.44122447e-08f, 4.13205225e-06f));
            e = TV.Fma(e, u, TV.Lookup16(shifted, Vector512.Create(-0.00184189621f, -0.000347294845f, -5.26963377e-05f, -1.14839477e-05f, -3.19154674e-06f, -1.68802626e-06f, -4.72663999e-07f, -3.44905004e-07f, -1.14890966e-07f, -2.92434891e-07f, -2.22999688e-07f, -1.98150275e-07f, 2.62526697e-07f, -1.72095753e-07f, 1.07367484e-07f, 6.79375444e-06f)));
            e = TV.Fma(e, u, TV.Lookup16(shifted, Vector512.Create(0.007296809f, 0.00110874185f, 0.000206521348f, 5.31866317e-05f, 1.66514092e-05f, 6.28581756e-06f, 2.62886988e-06f, 1.17743025e-06f, 6.26957103e-07f, 3.13619324e-07f, 2.00839906e-07f, 7.95557256e-08f, 7.7591757e-08f, 3.66624029e-08f, 3.97711197e-08f, 4.31627313e-06f)));
            e = TV.Fma(e, u, TV.Lookup16(shifted, Vector512.Create(-0.0196976531f, -0.00347034237f, -0.000798151188f, -0.000246539799f, -9.14159973e-05f, -3.90385139e-05f, -1.88069116e-05f, -9.83531572e-06f, -5.53498512e-06f, -3.20459912e-06f, -1.95577604e-06f, -1.26097552e-06f, -9.88908937e-07f, -5.47555203e-07f, -4.72702851e-07f, 9.84656936e-07f)));
            e = TV.Fma(e, u, TV.Lookup16(shifted, Vector512.Create(0.0458685681f, 0.0101932101f, 0.00294256047f, 0.00110668386f, 0.000488886726f, 0.000244986528f, 0.000134724003f, 7.99933332e-05f, 5.00759634e-05f, 3.29200448e-05f, 2.22664385e-05f, 1.58400035e-05f, 1.14440709e-05f, 8.47015326e-06f, 6.40583994e-06f, 5.12362749e-06f)));
            e = TV.Fma(e, u, TV.Lookup16(shifted, Vector512.Create(-0.0954496115f, -0.0277806278f, -0.0103009781f, -0.00478723878f, -0.00254365243f, -0.00149675191f, -0.000948214263f, -0.00063788431f, -0.000447232014f, -0.000325592817f, -0.000242328824f, -0.000187381578f, -0.000146659877f, -0.000116917152f, -9.47549488e-05f, -7.78826652e-05f)));
            e = TV.Fma(e, u, TV.Lookup16(shifted, Vector512.Create(0.173731998f, 0.0692943707f, 0.0340200439f, 0.019897379f, 0.0128646689f, 0.00895475969f, 0.00656836899f, 0.00502401637f, 0.00395453814f, 0.00319413282f, 0.00261942181f, 0.00220440212f, 0.00187069608f, 0.0016071354f, 0.00139634055f, 0.00122475636f)));
            return TV.Fma(e, u, TV.Lookup16(shifted, Vector512.Create(-0.662426233f, -0.553843737f, -0.504015088f, -0.478093147f, -0.462069601f, -0.45136106f, -0.443703204f, -0.43801266f, -0.433558255f, -0.43002224f, -0.427066743f, -0.424728841f, -0.422686696f, -0.420943022f, -0.419443876f, -0.418138683f)));
        }

        /// <summary>
        /// E for double lanes, GEGLU's gate for float data (<see cref="BackwardFloatLanes{TV}"/>): degree 9 in u = w − S,
        /// w = y/(4 + y) (tools/poly/fit_gelu_float.py), whose fit error is all the slope carries into the product's one
        /// rounding there (0.13 float ULP).
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
