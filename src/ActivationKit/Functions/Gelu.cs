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
/// register): Φ(−y) = e^(−y²/2)·C(y) for y = |x|, with y·C(y) (forward) and C(y) − y/√(2π) (backward) as one float
/// polynomial per unit interval of y, looked up by round(y) (tools/poly/fit_gelu_table.py), and 2^n applied last. GEGLU's gate for float
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

        /// <summary>dy·gelu′(x) by the float algorithm (<see cref="DyTimesDerivativeFloat{TV}"/>), as <see cref="ForwardFloatLanes{TV}"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(FloatClamp));
            return DyTimesDerivativeFloat(x, dy);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return DyTimesDerivativeFloat(x, dy);
            return dy * VMath.GeluDerivative(x);
        }

        /// <summary>
        /// The float algorithm: x·Φ(x) = max(−0, x) − y·Φ(−y) with y = min(|x|, 15) and y·Φ(−y) = F(y)·e^(−y²/2), F(y) =
        /// y·C(y), from <see cref="ForwardTable{TV}"/> in float lanes and <see cref="ForwardRatio{TV}"/> in double lanes.
        /// e^(−y²/2) = 2^n·(1 + m) (<see cref="HalfGaussianF{TV}"/>), with 2^n applied last, so results in the subnormal
        /// range round once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            // min(|x|, 15) in one operation; a NaN x comes back through max(−0, x) at the end.
            var y = TV.AbsAtMost(x, TV.Create(FloatClamp));
            var m = HalfGaussianF(y, out var n);
            var s = TV.IsDouble ? ForwardRatio(y, m, n) : ForwardTable(y, m, n);
            // x < 0: −0 − s (−0 at −∞). x ≥ 0: x·(1 − Φ(−x)) = x − s, whose error in s is damped by Φ(−x)/Φ(x).
            // Max(−0, x) is −0 for x < 0 and x otherwise (+0 and NaN included: Max returns x unless −0 > x).
            return TV.Max(TV.Create(-0.0), x) - s;
        }

        /// <summary>
        /// The float algorithm in double lanes, GEGLU's gate for float data (<see cref="ForwardFloatLanes{TV}"/>): there
        /// the fits' error is all the gate carries into the product's one rounding, and this form's (0.159 float ULP) is
        /// below the table's (<see cref="ForwardTable{TV}"/>, up to 0.6 where a constant term's rounding is not absorbed).
        /// y·Φ(−y) with F(y) = y·C(y) = y/(1 + y)·R(w): R is flat (0.399 to 0.53), so its float Horner adds little to its
        /// last rounding, and y/(1 + y) is carried to first order (the roundings of 1 + y and of the quotient are both
        /// recovered), because an error there would pass unchanged into the negative tail. 1 + m is folded into the last
        /// product.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardRatio<TV>(TV y, TV m, TV n) where TV : struct, IVec<TV>
        {
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
            return TV.ScaleB(g + TV.Fma(g, m, TV.Fma(gLo, m, gLo)), n);
        }

        /// <summary>
        /// Float lanes: y·Φ(−y) = F(y)·e^(−y²/2) with F(y) = y·C(y) = y·e^(y²/2)·Φ(−y), y ≤ 15, F from one polynomial of degree 7 per interval [k − 1/2, k + 1/2], k = round(y), in u = y − c_k, its coefficients and
        /// the expansion point c_k looked up by k (<see cref="IVec{TV}.Lookup16"/>; tools/poly/fit_gelu_table.py 7).
        /// c_0 = 0 and F's constant term there is 0, so F keeps its relative accuracy as y → 0; the other c_k lie
        /// within 2^−6 of k, where F(c_k) is nearest a float, and y − c_k is exact by Sterbenz's lemma. No division,
        /// and no carried factor: F is flat away from 0 (0.26 to 0.399), so its float Horner adds little to its
        /// last rounding. 1 + m is folded into one fma.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardTable<TV>(TV y, TV m, TV n) where TV : struct, IVec<TV>
        {
            // k = round(y) in the low bits of y + 1.5·2^23 (ties to even; both neighbours' fits cover a tie). On AVX2 a
            // register with every y below 7.5 reads the table's first half only (TableHalf: one permute per
            // coefficient instead of two and a blend; the same entries).
            var shifted = y + TV.Create(12582912.0);
            var v = TV.LowHalfSuffices(shifted)
                ? ForwardTable<TV, TableHalf.Low>(y, m, n, shifted)
                : ForwardTable<TV, TableHalf.Whole>(y, m, n, shifted);
            if (!TV.ScaleBTakesAnyExponent)
            {
                // Without VSCALEF 2^n takes two multiplies, and one whose result underflows from normal operands takes a
                // microcode assist (AVX2 forward at Normal(0, 10): 2.2 ns/element against 0.7 at Normal(0, 3); 1.3 with
                // this, and 2.8 → 0.96 at Normal(0, 100), for about 3 % at Normal(0, 3)). v < 0.6, so from n = −150 down
                // the result rounds to +0: v is zeroed there first (a NaN n zeroes it too; the NaN comes back through
                // max(−0, x)), and 0·2^n underflows nothing. The backward's same select cost 7 % at Normal(0, 3): not taken.
                v = TV.And(v, TV.GreaterThanOrEqual(n, TV.Create(-149.5)));
            }

            return VMath.ScaleBAfterUnderflowGuard(v, n);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardTable<TV, THalf>(TV y, TV m, TV n, TV shifted) where TV : struct, IVec<TV> where THalf : struct
        {
            var u = y - TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0f, 1f, 1.98632812f, 3.00585938f, 4.00878906f, 5.00415039f, 6.0144043f, 6.98999023f, 8.00317383f, 8.98925781f, 10.0141602f, 11.0029297f, 11.9870605f, 12.9899902f, 13.9846191f, 14.9938965f));
            var f = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.00568334339f, 0.000764374912f, 7.53511413e-05f, 9.95113351e-06f, 1.8635784e-06f, 4.56282351e-07f, 2.10638859e-07f, 5.89037974e-08f, 5.32540554e-08f, 6.25511776e-09f, -6.04592074e-08f, 6.67317437e-08f, -2.46435707e-08f, 1.21074599e-08f, 3.05869747e-08f, -1.35643813e-06f));
            f = TV.Fma(f, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.023744002f, -0.0022592356f, -0.000275173225f, -4.39092437e-05f, -9.11159532e-06f, -2.17113939e-06f, -5.46304193e-07f, -2.89675029e-07f, 1.67435886e-07f, -6.07539192e-08f, -2.1397949e-07f, 9.69094231e-07f, 7.72813351e-08f, -5.68752974e-08f, -9.20876246e-08f, -2.22646736e-06f)));
            f = TV.Fma(f, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.0616003722f, 0.00607402902f, 0.000896635698f, 0.000169719511f, 4.21306904e-05f, 1.27578924e-05f, 4.39423093e-06f, 1.77958293e-06f, 7.56043448e-07f, 3.6858242e-07f, 1.98042358e-07f, 8.31666682e-08f, 6.22290912e-08f, 3.0015805e-08f, 1.29046631e-08f, -1.39238841e-06f)));
            f = TV.Fma(f, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.132833466f, -0.0158144329f, -0.00281138928f, -0.000636560202f, -0.000185849029f, -6.52149538e-05f, -2.58754844e-05f, -1.17184136e-05f, -5.74864544e-06f, -2.97041356e-06f, -1.55445537e-06f, -1.32211096e-06f, -6.15741442e-07f, -3.48267832e-07f, -2.06858118e-07f, -5.84125473e-07f)));
            f = TV.Fma(f, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.249988765f, 0.037022993f, 0.00805632491f, 0.00220984709f, 0.00076444773f, 0.000311785057f, 0.000141877288f, 7.27411607e-05f, 3.92446855e-05f, 2.28787867e-05f, 1.37628267e-05f, 8.79608069e-06f, 5.83377732e-06f, 3.96024598e-06f, 2.77005233e-06f, 1.91266349e-06f)));
            f = TV.Fma(f, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.398941994f, -0.0752574876f, -0.020440191f, -0.00689251442f, -0.00285590882f, -0.00136553985f, -0.00071738218f, -0.000416524243f, -0.00025248481f, -0.000163179313f, -0.000108258362f, -7.54110879e-05f, -5.42022099e-05f, -3.9689221e-05f, -2.97757542e-05f, -2.26763095e-05f)));
            f = TV.Fma(f, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.5f, 0.124214269f, 0.0431798659f, 0.0182316434f, 0.00916140154f, 0.00517917611f, 0.00316019193f, 0.00208647596f, 0.00142565661f, 0.00102366169f, 0.000750226201f, 0.000571007084f, 0.000444841222f, 0.000351612311f, 0.000283112167f, 0.000230584352f)));
            f = TV.Fma(f, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0f, 0.261578292f, 0.335617453f, 0.364648908f, 0.377723306f, 0.384618044f, 0.388721555f, 0.391233534f, 0.392984897f, 0.394178122f, 0.395077586f, 0.395725459f, 0.396221906f, 0.396618873f, 0.3969329f, 0.397190928f)));
            return TV.Fma(f, m, f);
        }

        /// <summary>
        /// The float algorithm for Φ(x) + x·φ(x). With y = min(|x|, 15), s = Φ(−y) − y·φ(y) is gelu′(x) for x &lt; 0 and
        /// 1 − gelu′(x) for x ≥ 0; s keeps its relative accuracy down to the subnormals and next to its zero at y0
        /// (gelu′'s at −y0): <see cref="DerivativeTable{TV}"/> in float lanes, <see cref="DerivativeRatio{TV}"/> in double
        /// lanes, each with e^(−y²/2) = 2^n·(1 + m) and 2^n applied last, as in the forward.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV DyTimesDerivativeFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            // min(|x|, 15); a NaN x is put into dy instead (off the slope's chain: one VFIXUPIMM fewer after it).
            var y = VMath.AbsAtMostThenKeepNaN(x, TV.Create(FloatClamp));
            var m = HalfGaussianF(y, out var n);
            var s = TV.IsDouble ? DerivativeRatio(y, m, n) : DerivativeTable(y, m, n);
            var slope = TV.SelectWhereLess(x, TV.Zero, s, TV.One - s);
            return VMath.KeepNaN(dy, x) * slope;
        }

        /// <summary>
        /// Float lanes: Φ(−y) − y·φ(y) = G(y)·e^(−y²/2) (<see cref="SlopeTable{TV}"/>, which keeps G's relative accuracy
        /// next to its zero at y0), with 1 + m folded into one fma.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV DerivativeTable<TV>(TV y, TV m, TV n) where TV : struct, IVec<TV>
        {
            var g = SlopeTable(y);
            var v = TV.Fma(g, m, g);
            return VMath.ScaleBAfterUnderflowGuard(v, n);
        }

        /// <summary>
        /// Double lanes, GEGLU's gate for float data (<see cref="BackwardFloatLanes{TV}"/>): Φ(−y) − y·φ(y) =
        /// e^(−y²/2)·(y − y0)·E(y) with E from the degree-9 polynomial in y/(4 + y) (<see cref="SlopeRatioDegree9{TV}"/>),
        /// y − y0 carried as a pair so the product rounds once next to the zero and in the tail.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV DerivativeRatio<TV>(TV y, TV m, TV n) where TV : struct, IVec<TV>
        {
            var e = SlopeRatioDegree9((y / (TV.Create(4.0) + y)) - TV.Create(ShiftE));
            // y − y0 = dh + dl by Fast2Sum: exact for y ≥ Y0Hi/2 (for y in [Y0Hi/2, Y0Hi) dh is exact and dl is −Y0Lo);
            // below, dh is at least 0.37 and the part not recovered at most 2^−25 of it.
            var dh = y - TV.Create(Y0Hi);
            var dl = (TV.Create(-Y0Hi) - (dh - y)) - TV.Create(Y0Lo);
            var f = e * dh;
            var fLo = TV.Fma(e, dl, TV.Fms(e, dh, f));
            return TV.ScaleB(f + TV.Fma(f, m, TV.Fma(fLo, m, fLo)), n);
        }

        /// <summary>
        /// G(y) = e^(y²/2)·(Φ(−y) − y·φ(y)) = C(y) − y/√(2π) for float lanes: one polynomial of degree 8 per interval
        /// [k − 1/2, k + 1/2], k = round(y), in u = y − c_k, its coefficients and the expansion point c_k looked up by k
        /// (tools/poly/fit_gelu_table.py 8 --slope). G crosses zero at y0: c_1 is the float nearest y0 and the constant term
        /// there G(c_1) (−6.9e−9), so next to the zero u·P(u) + G(c_1) is one fma whose terms hardly cancel (|u| is at
        /// least five times |c_1 − y0| at the floats beside it) and G keeps its relative accuracy. c_0 is near 3/8, where
        /// G's last step does not cancel; the other c_k lie within 2^−6 of k, where G(c_k) is nearest a float.
        /// y − c_k is exact by Sterbenz's lemma except for y below 3/16 in interval 0 (rounded by at most 2^−26 there).
        /// The polynomial is evaluated as even and odd halves in v = u² joined by one fma (odd·u + even), five
        /// multiply-adds deep instead of Horner's eight: the table's chain, not the exponential's, was the longer one, and
        /// one multiplication more measured 0.322 → 0.312 ns/element (2.51 → 2.57 ULP over all floats; the fitter's
        /// float model, table_fit.even_odd32, 1.87 → 1.99). Next to y0 the last fma still adds u·odd to an even part that
        /// is mostly G(c_1), a quarter of the result at most there.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV SlopeTable<TV>(TV y) where TV : struct, IVec<TV>
        {
            // As the forward's table: the first half alone on AVX2 where every y is below 7.5.
            var shifted = y + TV.Create(12582912.0);
            return TV.LowHalfSuffices(shifted) ? SlopeTable<TV, TableHalf.Low>(y, shifted) : SlopeTable<TV, TableHalf.Whole>(y, shifted);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV SlopeTable<TV, THalf>(TV y, TV shifted) where TV : struct, IVec<TV> where THalf : struct
        {
            var u = y - TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.363769531f, 0.751791537f, 1.98608398f, 3.01489258f, 3.98999023f, 4.9934082f, 5.98925781f, 6.99072266f, 8.01489258f, 8.9909668f, 9.99902344f, 11.0097656f, 12.0009766f, 12.9951172f, 14.0012207f, 14.9897461f));
            var c8 = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.000550219615f, 9.97037278e-05f, 1.39006897e-05f, 9.07765843e-06f, -6.6791597e-07f, 1.12372227e-05f, 2.66653183e-06f, -6.48615242e-05f, 3.05355343e-06f, -7.74279306e-06f, -1.83434822e-05f, -3.37232195e-05f, 9.6243486e-05f, 3.36560624e-05f, 4.12148911e-05f, 0.0197318625f));
            var c7 = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.000863985275f, -0.000516795495f, -3.93877162e-05f, -5.87404202e-06f, -3.75572722e-06f, -7.44019098e-06f, -8.14703242e-07f, 1.75452612e-06f, 3.60998274e-06f, 8.2116685e-06f, -2.77839399e-06f, -8.72701276e-06f, 2.59643753e-06f, 4.83130407e-06f, 4.83655867e-06f, 0.0372269601f));
            var c6 = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.00466499245f, 0.00173639879f, 0.000147251485f, 2.36916349e-05f, 7.78666254e-06f, -3.91731555e-06f, -6.28035082e-07f, 3.32042327e-05f, -1.16899866e-06f, 3.9991728e-06f, 9.70201927e-06f, 1.73442768e-05f, -4.82571195e-05f, -1.80074421e-05f, -2.1390817e-05f, 0.0281765629f));
            var c5 = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.0115977162f, -0.00516720442f, -0.000562490604f, -0.000125946244f, -3.69102891e-05f, -1.01432734e-05f, -4.99103635e-06f, -2.94838674e-06f, -2.67215546e-06f, -4.13965427e-06f, 8.00737268e-07f, 3.32923514e-06f, -1.19658046e-06f, -2.05901597e-06f, -1.97133886e-06f, 0.0108825825f));
            var c4 = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.0297022071f, 0.0143141905f, 0.00201512221f, 0.00054745056f, 0.000194530643f, 7.97186949e-05f, 3.63545441e-05f, 1.29523924e-05f, 9.92050172e-06f, 5.05359139e-06f, 1.86475108e-06f, -6.27427198e-07f, 9.02545344e-06f, 4.01376428e-06f, 4.16979765e-06f, 0.00224675285f));
            var c3 = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.0691411868f, -0.0365815386f, -0.00681536412f, -0.00227762363f, -0.000966606021f, -0.000458910508f, -0.000242761511f, -0.000138735457f, -8.35164901e-05f, -5.39183966e-05f, -3.64214466e-05f, -2.54860934e-05f, -1.78595765e-05f, -1.2980684e-05f, -9.66447988e-06f, 0.000226057295f));
            var c2 = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.143998608f, 0.0847563595f, 0.0215949062f, 0.00905379187f, 0.0046348027f, 0.002604248f, 0.00159825874f, 0.00104319921f, 0.000709869317f, 0.000511590391f, 0.000376841665f, 0.000285137445f, 0.000221286304f, 0.000175439389f, 0.000140880962f, 0.000125041755f));
            var c1 = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.658741236f, -0.572406173f, -0.462277651f, -0.433071524f, -0.420334488f, -0.4133223f, -0.409242928f, -0.4066495f, -0.404882997f, -0.403704703f, -0.402818352f, -0.402155191f, -0.401656479f, -0.401263893f, -0.400946975f, -0.400694579f));
            var c0 = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.237380981f, -6.93438551e-09f, -0.62335366f, -1.08176446f, -1.49715149f, -1.91506767f, -2.32447839f, -2.73292994f, -3.14844561f, -3.54303503f, -3.94952273f, -4.35631752f, -4.75468063f, -5.15378094f, -5.5573287f, -5.95354605f));
            var v = u * u;
            var even = TV.Fma(TV.Fma(TV.Fma(TV.Fma(c8, v, c6), v, c4), v, c2), v, c0);
            var odd = TV.Fma(TV.Fma(TV.Fma(c7, v, c5), v, c3), v, c1);
            var g = TV.Fma(odd, u, even);
            return g;
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
            // n = round(y·(y·(−log2(e)/2))): two multiplications after y, not three (−y/2, then ·y, then ·log2(e)), since
            // this chain starts both kernels' (0.265 → 0.258 forward, 0.318 → 0.314 backward, the same maxima over all floats).
            var half = y * TV.Create(-0.5);
            n = TV.RoundToEven(y * (y * TV.Create(-0.5 * VMath.Log2E)));
            var r = TV.Fma(y, half, n * TV.Create(-VMath.Ln2HiF));
            return VMath.Expm1ReducedShortF(TV.Fma(n, TV.Create(-VMath.Ln2LoF), r));
        }
    }
}
