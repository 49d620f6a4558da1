using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// The tanh approximation of GELU: x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Hendrycks &amp; Gimpel, 2016), the
/// form GPT-2 and BERT's original code used. <see cref="Gelu"/> is the exact erf form.
/// </summary>
/// <remarks>
/// Evaluated as x·σ(s) with s = 2√(2/π)·(x + 0.044715·x³), since (1 + tanh(u))/2 = σ(2u). The tanh form
/// cancels to zero (or flips sign) in the negative tail; x·e^s/(1 + e^s) does not: gelu_tanh(−10) = −1.2e−37 and
/// float results stay non-zero down to x = −10.770867. s is carried as a double-double (a float pair in float lanes),
/// because e^s turns a relative error δ of s into |s|·δ. Float data runs in float lanes forward and backward; the
/// derivative is e^−|s|·H(|x|) (or 1 minus it for x ≥ 0) with H = (1 + e − |x·s′|)/(1 + e)² (e = e^−|s|) from one
/// float polynomial per unit interval of |x| (tools/poly/fit_gelu_tanh_table.py), expanded about the derivative's zero
/// in its interval so that it keeps its relative accuracy there. Double data sums that factor from exact pieces where
/// it cancels. gelu_tanh(NaN) = NaN, gelu_tanh(±0) = ±0, gelu_tanh(+∞) = +∞, gelu_tanh(−∞) = −0.
/// The minimum is gelu_tanh(−0.7524614) = −0.1700408, where the derivative crosses zero.
/// </remarks>
public sealed class GeluTanh : ElementwiseActivation<GeluTanh.Kernel_>
{
    /// <summary>√(2/π) as in the formula (the reference uses System.Math for it).</summary>
    private static readonly double SqrtTwoOverPi = Math.Sqrt(2.0 / Math.PI);

    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "gelu_tanh",
        Aliases = ["gelu_approximate", "approximate_gelu", "gelu_new"],
        DisplayName = "GELU (tanh approximation)",
        Summary = "GELU with Φ replaced by a tanh expression: within 4.8e−4 of the exact form (largest gap near x = ±2.7); GPT-2's form and JAX's default.",
        Family = Family.SmoothRectifier,
        Formula = "x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³)))",
        Derivative = "σ(s) + x·s′·σ(s)·σ(−s), s = 2√(2/π)·(x + 0.044715·x³), s′ = 2√(2/π)·(1 + 0.134145·x²)",
        FormulaLatex = @"\frac{x}{2}\left(1 + \tanh\!\left(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\right)\right)",
        DerivativeLatex = @"\sigma(s) + x\,s'\,\sigma(s)\,\sigma(-s), \quad s = 2\sqrt{2/\pi}\,(x + 0.044715\,x^3), \quad s' = 2\sqrt{2/\pi}\,(1 + 0.134145\,x^2)",
        Range = "[−0.1700408, ∞)",
        Monotonicity = Monotonicity.NonMonotonic,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 0.4251937 (mpmath), as for gelu.
        Gain = 1.5335805216661469,
        TypicalUses = ["Transformer feed-forward blocks (GPT-2, original BERT code)", "matching checkpoints trained with the tanh form"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput | KnownProblem.Saturation,
        Origin = new("Hendrycks & Gimpel, Gaussian Error Linear Units (GELUs)", 2016, "arXiv:1606.08415"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.GELU(approximate='tanh')", "PyTorch's default approximate='none' is the exact gelu."),
            ["keras"] = new("keras.activations.gelu(x, approximate=True)", "Keras defaults to approximate=False, the exact gelu."),
            ["jax"] = new("jax.nn.gelu (default approximate=True)", "This tanh form is JAX's default."),
            ["onnx"] = new("Gelu (opset 20, approximate='tanh')", "The default approximate='none' is the exact gelu."),
            ["onednn"] = new("eltwise_gelu_tanh", "Called eltwise_gelu in older oneDNN releases."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, -0.0), new(1e-40, 5e-41), new(-1e-40, -5e-41), new(100.0, 100.0)],
        DerivativeZeros = [-0.7524614220710163],
    };

    /// <summary>Creates the tanh-approximated GELU.</summary>
    public GeluTanh()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        if (double.IsInfinity(x)) return x > 0 ? x : -0.0;
        if (x < -1e10) return -0.0;   // x³ would overflow; the true value is far below the double range
        return x * ReferenceMath.Sigmoid(S(x));
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Math.Abs(x) > 1e10) return x > 0 ? 1.0 : -0.0;
        double s = S(x);
        double ds = 2 * SqrtTwoOverPi * (1 + (3 * 0.044715 * x * x));
        double p = ReferenceMath.Sigmoid(s);
        // Below the zero of f′ at −0.7525 the value is negative, and where it underflows it is −0 (p + (−0) would be +0).
        double d = p + (x * ds * p * ReferenceMath.Sigmoid(-s));
        return d == 0 && x < 0 ? -0.0 : d;
    }

    private static double S(double x) => 2 * SqrtTwoOverPi * (x + (0.044715 * x * x * x));

    /// <summary>The tanh-GELU arithmetic: float lanes for float data, double-double pieces for double data.</summary>
    public readonly struct Kernel_ : IUnaryKernel
    {
        // 2√(2/π) and 0.044715 as double-doubles (hi + lo, from mpmath).
        private const double CHi = 1.5957691216057308;
        private const double CLo = -9.96930880911092e-17;
        private const double KHi = 0.044715;
        private const double KLo = 2.1960211427085595e-18;

        // 3·0.044715 = 0.134145 as a double-double (mpmath).
        private const double K3Hi = 0.134145;
        private const double K3Lo = 1.3526957332032908e-17;

        // |x| beyond which the result is x or −0 and the derivative 1 or −0 exactly (s ≈ ±15500 there).
        private const double Clamp = 60.0;

        // The same constants as float pairs for float lanes (hi = nearest float, lo = the float nearest the rest; mpmath).
        private const double CHiF = 1.5957691669464111;
        private const double CLoF = -4.534068054340423e-08;

        // B = 2√(2/π)·0.044715 as a float pair (mpmath).
        private const double BHiF = 0.07135481387376785;
        private const double BLoF = 2.3988324659995897e-09;

        // −C·log2(e) and −B·log2(e) as float pairs (mpmath): the backward's argument in powers of two, t = −s·log2(e).
        private const double CLog2HiF = -2.302208185195923;
        private const double CLog2LoF = -1.2948402350332344e-08;
        private const double BLog2HiF = -0.10294324159622192;
        private const double BLog2LoF = 2.016198541454628e-09;

        // 2^r − 1 = r·q(r) for |r| ≤ 1/2, q of degree 6 with float coefficients fitted for q's relative error
        // (tools/poly/fit_gelu_tanh_table.py 6 --exp2: 0.05 ULP in exact arithmetic; 1 + m within 0.73 ULP of 2^r in a
        // float model with m rounded). Degree 5, one multiply-add fewer, measured 2.91 ULP over all floats instead of 2.81.
        private const double Q0 = 0.6931471824645996;
        private const double Q1 = 0.24022650718688965;
        private const double Q2 = 0.055503975600004196;
        private const double Q3 = 0.009618089534342289;
        private const double Q4 = 0.0013347620842978358;
        private const double Q5 = 0.00015450875798705965;
        private const double Q6 = 1.154426354332827e-05;

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        // Bound by its dependency chain: streaming stores made large calls 10–25 % slower on Zen 5 (docs/performance.md).
        public static bool ForwardStreams => false;

        /// <inheritdoc />
        public static bool BackwardStreams => false;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return InDouble.FloatForward(this, x);
            var xc = TV.Min(TV.Create(Clamp), TV.Max(TV.Create(-Clamp), x));
            var p = Logistic(xc, out var n, out var d, out var negative);
            // s < 0: x·e/(1 + e) with e = p·2^n, scaled last so subnormal results round once; s ≥ 0: x/(1 + e).
            // The negative branch multiplies by the clamped xc: below −60 the result underflows to −0 anyway, and
            // x·p itself could overflow for x near −1.8e308 before the 2^n scaling brings it back down.
            var y = TV.Select(negative, VMath.ScaleExpParts(xc * p / d, n), x / d);
            return y;
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            return (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
                ? BackwardDouble(x, dy)
                : BackwardFloat(x, dy);
        }

        /// <summary>
        /// Double lanes for the float lanes the float path hands over (and any direct call): <see cref="BackwardAt"/>
        /// through locals. Its own method, so that the float instantiation of <see cref="Backward"/> stays small enough
        /// to be inlined into the driver's loop.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV BackwardDouble<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            TV result = default;
            default(Kernel_).BackwardAt<TV, double>(ref Unsafe.As<TV, double>(ref x), ref Unsafe.As<TV, double>(ref dy), ref Unsafe.As<TV, double>(ref result));
            return result;
        }

        /// <inheritdoc />
        // Double data: more than the element-wise loop's inlining budget holds, so the loop calls this once per
        // register with references to the arrays (IUnaryKernel.BackwardOutOfLine).
        public static bool BackwardOutOfLine => true;

        /// <summary>
        /// dx = dy·f′(x) in double lanes, read from and written to memory. The whole body is here rather than inlined
        /// from a helper, so that this method, compiled on its own, has the inlining budget for it.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public void BackwardAt<TV, T>(ref T xRef, ref T dyRef, ref T dxRef)
            where TV : struct, IVec<TV>
            where T : unmanaged
        {
            var x = Lanes.Load<TV, T>(ref xRef);
            var dy = Lanes.Load<TV, T>(ref dyRef);
            // f′ = σ(s) + x·s′·σ(s)·σ(−s). With e = e^(−|s|) and D = 1 + e:
            //   s < 0: f′ = (e/D)·(1 + x·s′/D), which cancels next to the zero of f′ at −0.7525 and stacks roundings
            //          (up to 7.4 ULP when computed plainly), so it is formed in double-double: s, x·s′, e, D and 1/D
            //          carry their rounding errors and the product is rounded once, by the final power of two;
            //   s ≥ 0: f′ = (1 + x·s′·e/D)/D, a sum of positive terms, computed plainly.
            // One reciprocal serves both branches.
            var xc = TV.Min(TV.Create(Clamp), TV.Max(TV.Create(-Clamp), x));
            var s = Argument(xc, out var x2, out var x2Lo, out var sLo);
            var negative = TV.LessThan(s, TV.Zero);
            // e = (p + pLo)·2^n with the low part of −|s| folded in.
            var p = VMath.ExpParts(-TV.Abs(s), out var n, out var pLo);
            pLo = TV.Fma(p, TV.Select(negative, sLo, -sLo), pLo);
            // d + dLo = 1 + e (e ≤ 1: fast two-sum), 1/(d + dLo) = r·(1 + ρ). Below 2^−1000 e only meets 1 + e, where
            // it does not count, so one power of two with the exponent held above −1000 scales both parts.
            var scale = TV.MulPow2(TV.One, TV.Max(n, TV.Create(-1000.0)));
            var e = p * scale;
            var eLo = pLo * scale;
            var d = TV.One + e;
            var dLo = (e - (d - TV.One)) + eLo;
            var r = TV.One / d;
            var rho = TV.Fnma(r, d, TV.One) - (r * dLo);
            // x·s′ = C·x·(1 + 3k·x²) as g + gLo.
            var q = TV.Create(K3Hi) * x2;
            var qLo = TV.Fms(TV.Create(K3Hi), x2, q) + TV.Fma(TV.Create(K3Hi), x2Lo, TV.Create(K3Lo) * x2);
            var w = TV.One + q;
            var wb = w - TV.One;
            var wLo = (TV.One - (w - wb)) + (q - wb) + qLo;
            var h = xc * w;
            var hLo = TV.Fms(xc, w, h) + (xc * wLo);
            var g = TV.Create(CHi) * h;
            var gLo = TV.Fms(TV.Create(CHi), h, g) + TV.Fma(TV.Create(CHi), hLo, TV.Create(CLo) * h);
            // a = x·s′/D; y = 1 + a (two-sum: the terms cancel next to the zero of f′).
            var a = g * r;
            var aLo = TV.Fms(g, r, a) + TV.Fma(gLo, r, a * rho);
            var y = TV.One + a;
            var yb = y - TV.One;
            var yLo = (TV.One - (y - yb)) + (a - yb) + aLo;
            // s < 0: (p + pLo)·r·(1 + ρ)·(y + yLo), then 2^n.
            var c = p * r;
            var cLo = TV.Fms(p, r, c) + TV.Fma(pLo, r, c * rho);
            var m = c * y;
            var mLo = TV.Fms(c, y, m) + TV.Fma(c, yLo, cLo * y);
            // n ≥ −1000: one exact power of two (a result that small is still normal); below, two steps round once.
            var mm = m + mLo;
            var low = TV.AnyTrue(TV.LessThan(n, TV.Create(-1000.0))) ? VMath.ScaleExpParts(mm, n) : TV.MulPow2(mm, n);
            // s ≥ 0: (1 + (a + aLo)·(e + eLo))·r·(1 + ρ), rounded twice.
            var t = TV.Fma(a, e, TV.One);
            var tLo = TV.Fma(a, eLo, aLo * e);
            var high = TV.Fma(t, r, r * TV.Fma(t, rho, tLo));
            Lanes.Store(dy * TV.Select(negative, low, high), ref dxRef);
        }

        /// <inheritdoc />
        public static bool ForwardHasDoubleLanes => true;

        /// <inheritdoc />
        public static bool ForwardTailInFloat => true;

        /// <summary>
        /// Below this x (s(x) = −85.0; s(−9.99) = −87) the float-lane forward leaves the lane to
        /// <see cref="ForwardTailF{TV}"/>: e^−s would leave the table exponential's range (and x/(1 + e^−s) the
        /// normal floats: the result underflows from about −9.5 on).
        /// </summary>
        private const double FloatLanesLowest = -9.9;

        /// <summary>
        /// Float lanes: x/(1 + e^−s), with −16·log2(e)·s carried as a float pair (its rounding would otherwise cost |s|
        /// half-ULPs in the negative tail) and e^−s from the table exponential (<see cref="OnePlusExpOfMinusArgumentF{TV}"/>),
        /// one division for both signs of s: e^−s ≤
        /// e^85 stays a float above <see cref="FloatLanesLowest"/>, and the exponential's error reaches the result damped by
        /// e^−s/(1 + e^−s) ≤ 1. Lanes below are marked for <see cref="ForwardTailF{TV}"/>. x is held at ±60 for the
        /// argument only (s = ±15500 there, where 1 + e^−s is 1 or the lane is marked): the numerator x keeps +∞ and NaN.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
        {
            if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            {
                inDouble = TV.Zero;
                return Forward(x);
            }

            inDouble = TV.LessThan(x, TV.Create(FloatLanesLowest));
            return x / OnePlusExpOfMinusArgumentF(TV.ClampMagnitude(x, TV.Create(Clamp)));
        }

        /// <summary>
        /// 1 + e^−s(x) in float lanes for x ≥ −9.9 held at ±60 (or NaN, whose lane the caller's numerator makes NaN), from
        /// the table exponential with the reduction in powers of two: t + tLo = −16·log2(e)·s as a float pair
        /// (<see cref="CubicF"/> with the constants scaled by −16·log2(e)), N = round(t) by the round shifter, r = (t − N) + tLo
        /// (t − N exact, |r| ≤ 1/2 + |tLo|), e^−s = 2^(N/16)·2^(r/16) with 2^(N/16) from the table
        /// (<see cref="IVec{TV}.Exp2Sixteenths"/>) and 2^(r/16) − 1 = c·r + r²·(P0·c² − P1·c³·r), c = ln2/16, the table
        /// exponential's polynomial in u = −c·r (<see cref="VMath.OnePlusExpOfNegatedTableF{TV}(TV, bool, bool)"/>). No ln 2 split:
        /// three additions and a subtraction where the natural-log reduction of s + sLo took two multiply-adds and two
        /// additions, a shorter chain from x to the quotient (45 → 43 instructions per 16 elements, 0.323 → 0.312 ns/element
        /// at 4,096 and 0.321 → 0.318 at 262,144; over all floats 2.65 → 2.62 ULP). t is held at −16·log2(e)·87 (s at 87,
        /// where 1 + e^−s is 1 for every larger s; tLo, below 0.04 there, moves e^−87 by a factor within 2^±0.003).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV OnePlusExpOfMinusArgumentF<TV>(TV xc) where TV : struct, IVec<TV>
        {
            var t = TV.Max(CubicF(xc, out var tLo, 16 * CLog2HiF, 16 * CLog2LoF, 16 * BLog2HiF, 16 * BLog2LoF), TV.Create(-2008.0));
            var shifted = t + TV.Create(VMath.RoundShifterF);
            var r = (t - (shifted - TV.Create(VMath.RoundShifterF))) + tLo;
            const double c = 0.6931471805599453 / 16;   // ln 2 / 16
            var m = TV.Fma(r * r, TV.Fma(r, TV.Create(-VMath.SixteenthsP1 * c * c * c), TV.Create(VMath.SixteenthsP0 * c * c)), r * TV.Create(c));
            var power = TV.Exp2Sixteenths(shifted);
            return TV.Fma(power, m, power + TV.One);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => TV.AnyWhereLess(x, TV.Create(FloatLanesLowest));

        /// <inheritdoc />
        public static MarkBound ForwardMarkBound => MarkBound.Below((float)FloatLanesLowest);

        /// <summary>The float lanes below <see cref="FloatLanesLowest"/> (and any other): <see cref="ForwardFloat{TV}"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV> => ForwardFloat(x);

        /// <summary>
        /// Float lanes, every x: x·σ(s) with s carried as the float pair s + sLo (the argument's rounding would otherwise cost
        /// |s| half-ULPs in the negative tail), e = e^−|s|·(1 ∓ sLo) = p·2^n from the float exp, and 2^n applied last.
        /// One division: q = x/(1 + e) is the result for s ≥ 0 and q·p·2^n for s &lt; 0 (x held above −60 there, where
        /// the result has underflowed; above +60, 1 + e = 1 and q = x).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            // x clamped to ±60 in one operation (one VRANGE on AVX-512, one step of the dependency chain instead of a
            // maximum and a minimum): a NaN x gives ±60 here, and the NaN comes back through q = max(−60, x)/d below,
            // whose maximum is off the chain.
            var low = TV.Max(TV.Create(-Clamp), x);
            var xc = TV.ClampMagnitude(x, TV.Create(Clamp));
            var s = ArgumentF(xc, out var sLo);
            // The low part of −|s| is sLo with its sign flipped where s's sign bit is clear (one ternary-logic
            // operation; a comparison into a vector mask and a select took three).
            var p = VMath.Expm1PartsMinusAbsF(s, TV.Xor(sLo, TV.AndNot(TV.SignMask, s)), -112.0, out var n) + TV.One;
            // Without VSCALEF, 2^n is applied by multiplies, and a multiply whose result underflows (to a subnormal or
            // to 0) from normal operands takes a microcode assist: on inputs below about −10 nearly every register paid
            // it (gelu_tanh at Normal(0, 10) 0.68 → 4.2 ns/element on AVX2). The same bits without the underflows that
            // change nothing: 1 + e is 1 from n = −30 down (p < 2), and 2^n·q·p is below half the least subnormal, a
            // zero of q·p's sign (−0, x < 0 there), from n = −159 down (|q·p| ≤ 60·1.5 < 2^7), so it is zeroed before
            // the scaling; only results that are subnormal still underflow. On Intel VSCALEF's underflow takes an
            // assist too, so the clamp at −30 applies on every path, and the last scaling avoids it there
            // (IVec.ScaleBIntoSubnormals).
            var d = TV.One + TV.ScaleB(p, TV.Max(n, TV.Create(-30.0)));
            var q = low / d;
            var v = q * p;
            if (!TV.ScaleBTakesAnyExponent) v = TV.SelectWhereLess(n, TV.Create(-158.0), TV.And(v, TV.SignMask), v);
            return TV.SelectWhereLess(s, TV.Zero, VMath.ScaleBAfterUnderflowGuard(v, n), q);
        }

        /// <summary>
        /// Float lanes: with y = |x|, S = s(y), e = e^−S and g = y·s′(y), D(y) = e·(1 + e − g)/(1 + e)² is f′(x) for x &lt; 0
        /// and 1 − f′(x) for x ≥ 0 (f′(x) = σ(s)·(1 + x·s′·σ(−s)), and f′(−y) + f′(y) = 1). D = e^−S·H(y) with
        /// H = (1 + e − g)/(1 + e)² from one polynomial per unit interval of y (<see cref="SlopeTable{TV}"/>), which keeps
        /// H's relative accuracy next to its zero at y0 = 0.7524614 (f′'s at −y0), and e^−S = (1 + m)·2^n formed in powers of
        /// two: t + tLo = −S·log2(e) as a float pair (<see cref="CubicF"/> with the constants scaled by −log2(e); S reaches
        /// 104 where D underflows, so its rounding would cost S half-ULPs), n = round(t) and r = (t − n) + tLo exactly, so
        /// the reduction needs no ln 2 split and no clamp, and m = 2^r − 1 = r·q(r) (degree 6; m enters only inside 1 + m,
        /// folded into one fma). 2^n is applied last, so subnormal results round once. y is held at 11.5 (where D·2^n is
        /// below a quarter of the least subnormal), a NaN x put into dy (<see cref="VMath.KeepNaN{TV}"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV BackwardFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var y = VMath.AbsAtMostThenKeepNaN(x, TV.Create(TableClamp));
            // t + tLo = −S·log2(e) ≤ 0; n = round(t), r = (t − n) + tLo exactly (t − n by Sterbenz's lemma), |r| ≤ 1/2.
            var t = CubicF(y, out var tLo, CLog2HiF, CLog2LoF, BLog2HiF, BLog2LoF);
            var n = TV.RoundToEven(t);
            var r = (t - n) + tLo;
            var q = TV.Fma(TV.Create(Q6), r, TV.Create(Q5));
            q = TV.Fma(q, r, TV.Create(Q4));
            q = TV.Fma(q, r, TV.Create(Q3));
            q = TV.Fma(q, r, TV.Create(Q2));
            q = TV.Fma(q, r, TV.Create(Q1));
            q = TV.Fma(q, r, TV.Create(Q0));
            var m = q * r;
            var h = SlopeTable(y);
            var v = TV.Fma(h, m, h);
            if (!TV.ScaleBTakesAnyExponent)
            {
                // Without VSCALEF a multiply of the scaling that underflows takes a microcode assist (as in ForwardFloat):
                // |v| < 344·1.5 < 2^9, so from n = −159 down the result is a zero of v's sign, selected before the scaling.
                v = TV.SelectWhereLess(n, TV.Create(-158.5), TV.And(v, TV.SignMask), v);
            }

            var d = VMath.ScaleBAfterUnderflowGuard(v, n);
            var slope = TV.SelectWhereLess(x, TV.Zero, d, TV.One - d);
            // A NaN x goes into dy, off the slope's chain.
            return VMath.KeepNaN(dy, x) * slope;
        }

        /// <summary>
        /// y is held here in the float backward: D(11.5) = e^−126.9·H, H ≈ −344, is below a quarter of the least subnormal,
        /// and the exponent n ≥ −183 stays within what <see cref="IVec{TV}.ScaleB"/> takes at every width. The table
        /// covers y up to 15.
        /// </summary>
        private const double TableClamp = 11.5;

        /// <summary>
        /// H(y) = (1 + e − g)/(1 + e)² = e^S·D(y) for float lanes, 0 ≤ y ≤ 15: one polynomial of degree 8 per interval
        /// [k − 1/2, k + 1/2], k = round(y), in u = y − c_k, its coefficients and the expansion point c_k looked up by k
        /// (<see cref="IVec{TV}.Lookup16"/>; tools/poly/fit_gelu_tanh_table.py 8). H crosses zero at y0: c_1 is the float
        /// nearest y0 and the constant term there H(c_1) (−1.7e−8), so next to the zero u·P(u) + H(c_1) is one fma whose
        /// terms hardly cancel and H keeps its relative accuracy. From y ≈ 5 on, H is the cubic 1 − g to within a float's
        /// resolution. c_0 = 7/16 (the best of the sixteenths in [0, 1/2] in the fitter's float model); the other c_k lie
        /// within 2^−6 of k, where H(c_k) is nearest a float, and y − c_k is exact by Sterbenz's lemma except for y below
        /// 7/32 in interval 0. Degree 7 measured 3.40 ULP over all floats (interval 1's float Horner), 4 % faster.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV SlopeTable<TV>(TV y) where TV : struct, IVec<TV>
        {
            // k = round(y) in the low bits of y + 1.5·2^23 (ties to even; both neighbours' fits cover a tie).
            var shifted = y + TV.Create(12582912.0);
            // On AVX2 a register with every y below 7.5 reads the table's first half only (TableHalf; the same entries).
            return TV.LowHalfSuffices(shifted) ? SlopeTable<TV, TableHalf.Low>(y, shifted) : SlopeTable<TV, TableHalf.Whole>(y, shifted);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV SlopeTable<TV, THalf>(TV y, TV shifted) where TV : struct, IVec<TV> where THalf : struct
        {
            var u = y - TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.4375f, 0.752461433f, 1.9987793f, 2.98803711f, 4.00219727f, 5.01098633f, 6.01123047f, 6.98999023f, 7.99267578f, 8.99731445f, 9.984375f, 10.998291f, 11.9934082f, 13.0136719f, 13.9960938f, 14.9914551f));
            var h = TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.0324784964f, 0.000569763244f, -0.000139961136f, 0.00038286316f, 5.00444039e-05f, 8.94053082e-05f, -0.00117928442f, -5.15055435e-05f, 0.00017838279f, -0.000114815535f, -0.000172441069f, -0.00224944018f, 0.000714496127f, 0.00643465435f, -0.003253798f, -1.93176162f));
            h = TV.Fma(h, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.0549195409f, 0.00734662917f, -0.00307652098f, 2.48272008e-05f, 0.000385763648f, -0.000184768811f, -0.000568045245f, -0.000121363708f, 0.000803072762f, -0.000852653233f, 0.0018390835f, 0.00154295459f, -0.00152902515f, -0.00104878191f, -0.0020935731f, -3.67406297f)));
            h = TV.Fma(h, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.0538587198f, -0.0214616172f, 0.00912463292f, -0.00413555931f, 0.000213695967f, 4.3807333e-05f, 0.000579121755f, 3.07155824e-05f, -0.000105625528f, 4.65880075e-05f, -3.75958152e-05f, 0.00128388614f, -0.000376772252f, -0.00367828319f, 0.00180858315f, -2.80680823f)));
            h = TV.Fma(h, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.0134247085f, -0.0269492231f, 0.00784726813f, 0.009111722f, -0.00234012259f, -8.76958729e-05f, 0.000237289933f, 5.2760719e-05f, -0.000351769646f, 0.00037323602f, -0.000799827918f, -0.000660038437f, 0.000665560598f, 0.000423200079f, 0.000907497248f, -1.09629357f)));
            h = TV.Fma(h, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.121495001f, 0.116280288f, -0.0743176341f, 0.00117892644f, 0.00526368478f, 0.000160783908f, -8.99942461e-05f, -5.23661083e-06f, 1.74401139e-05f, -3.8625044e-06f, 2.03664658e-05f, -0.000235501851f, 6.74391194e-05f, 0.000657817f, -0.000317464379f, -0.229609936f)));
            h = TV.Fma(h, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.235528752f, -0.0773849413f, -0.111573808f, -0.253472805f, -0.221158192f, -0.214181513f, -0.214092836f, -0.214070961f, -0.214020416f, -0.21411112f, -0.213964745f, -0.213984653f, -0.214147076f, -0.214111626f, -0.214176252f, -0.238474056f)));
            h = TV.Fma(h, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-1.05660081f, -1.20383716f, -1.21859205f, -1.84079492f, -2.56415558f, -3.21796536f, -3.86036754f, -4.48892498f, -5.13284397f, -5.77801561f, -6.41190052f, -7.06301498f, -7.70209122f, -8.35733128f, -8.98818016f, -9.62846947f)));
            h = TV.Fma(h, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(-0.754323423f, -1.47419906f, -4.44168377f, -7.39925718f, -11.8851643f, -17.7212524f, -24.8013554f, -32.9733124f, -42.6209221f, -53.5823898f, -65.6145782f, -79.2770233f, -93.9700394f, -110.354843f, -127.395432f, -145.924698f)));
            h = TV.Fma(h, u, TableHalf.Lookup<TV, THalf>(shifted, Vector512.Create(0.34851709f, -1.67168697e-08f, -3.70120311f, -9.45387077f, -19.1086159f, -33.9312019f, -55.09058f, -83.2639847f, -121.05471f, -169.270966f, -227.995346f, -301.337738f, -387.432831f, -491.551788f, -608.23584f, -744.156433f)));
            return h;
        }

        /// <summary>
        /// Float lanes (the forward; the backward forms the same cubic scaled by −log2(e) at |x|): s = x·(C + B·x²) with B = C·0.044715, as s + <paramref name="sLo"/> (<see cref="CubicF"/>) — three operations
        /// fewer than x·(1 + k·x²) times C (<see cref="Argument"/>, which double lanes use). x² is
        /// exact as a pair, B·x² carries its product error and B's low part, C + B·x² is a two-sum (the fast one on the
        /// larger and the smaller: either may dominate) with C's low part added to the error, and x·w carries its product
        /// error.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ArgumentF<TV>(TV x, out TV sLo) where TV : struct, IVec<TV>
            => CubicF(x, out sLo, CHiF, CLoF, BHiF, BLoF);

        /// <summary>
        /// x·(c + b·x²) as a float pair for x ≥ 0 (or NaN) with the float pairs c = cHi + cLo and b = bHi + bLo of one sign
        /// (the forward's s, or the backward's −s·log2(e)): the two-sum of c + b·x² takes the larger magnitude first,
        /// which is the maximum for positive constants and the minimum for negative ones (constants fold when inlined).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV CubicF<TV>(TV x, out TV sLo, double cHi, double cLo, double bHi, double bLo) where TV : struct, IVec<TV>
        {
            var x2 = x * x;
            var x2Lo = TV.Fms(x, x, x2);
            var p = x2 * TV.Create(bHi);
            var pLo = TV.Fma(x2Lo, TV.Create(bHi), TV.Fma(x2, TV.Create(bLo), TV.Fms(x2, TV.Create(bHi), p) + TV.Create(cLo)));
            var w = p + TV.Create(cHi);
            var larger = cHi > 0 ? TV.Max(p, TV.Create(cHi)) : TV.Min(p, TV.Create(cHi));
            var smaller = cHi > 0 ? TV.Min(p, TV.Create(cHi)) : TV.Max(p, TV.Create(cHi));
            var wLo = ((larger - w) + smaller) + pLo;
            var s = x * w;
            sLo = TV.Fma(x, wLo, TV.Fms(x, w, s));
            return s;
        }

        /// <summary>
        /// For s = s(x): returns p and n with e^(−|s|) = p·2^n (s carried as a double-double), d = 1 + e^(−|s|) and
        /// the mask of lanes with s &lt; 0.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Logistic<TV>(TV x, out TV n, out TV d, out TV negative) where TV : struct, IVec<TV>
        {
            var s = Argument(x, out _, out _, out var sLo);
            negative = TV.LessThan(s, TV.Zero);
            // e^(−|s|) = e^(−|s_hi|)·(1 + a_lo) with a_lo the low part of −|s|.
            var aLo = TV.Select(negative, sLo, -sLo);
            var p = VMath.ExpSplit(-TV.Abs(s), out n);
            p = TV.Fma(p, aLo, p);
            d = TV.One + VMath.ScaleExpParts(p, n);
            return p;
        }

        /// <summary>
        /// Double lanes: s = 2√(2/π)·(x + k·x³) as s + <paramref name="sLo"/>, with x² = x2 + x2Lo exactly (float lanes
        /// use <see cref="ArgumentF"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Argument<TV>(TV x, out TV x2, out TV x2Lo, out TV sLo) where TV : struct, IVec<TV>
        {
            // x² exactly, then k·x² as hi + lo.
            // Constants go last wherever the operation allows (multiplications, the fused operations' third operand,
            // min/max of a value that is never NaN here): there they are memory operands, while as a first operand
            // the JIT broadcasts each into a register on every iteration. Same values.
            x2 = x * x;
            x2Lo = TV.Fms(x, x, x2);
            var kHi = TV.Create(KHi);
            var t = x2 * kHi;
            // The low parts are accumulated by nested fused operations: each small term joins in one rounding.
            var tLo = TV.Fma(x2Lo, kHi, TV.Fma(x2, TV.Create(KLo), TV.Fms(x2, kHi, t)));
            // 1 + k·x² (either term may dominate: the fast two-sum on the larger and the smaller, exact like the
            // six-operation two-sum but with a shorter dependency chain). A NaN t (a NaN x) reaches u and tLo anyway.
            var u = t + TV.One;
            var uLo = ((TV.Max(t, TV.One) - u) + TV.Min(t, TV.One)) + tLo;
            // x·(1 + k·x²).
            var v = x * u;
            var vLo = TV.Fma(x, uLo, TV.Fms(x, u, v));
            // s = C·v.
            var cHi = TV.Create(CHi);
            var s = v * cHi;
            sLo = TV.Fma(vLo, cHi, TV.Fma(v, TV.Create(CLo), TV.Fms(v, cHi, s)));
            return s;
        }
    }
}
