using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Mish: x·tanh(softplus(x)) (Misra, 2019). A smooth, non-monotonic self-regularised ReLU, close to SiLU.
/// </summary>
/// <remarks>
/// <para>
/// tanh(ln(1 + e^x)) = ((1 + e^x)² − 1)/((1 + e^x)² + 1), so with e = e^x, mish(x) = x·e(e + 2)/(e(e + 2) + 2) for
/// x &lt; 0 and, with u = e^−x, x·(1 + 2u)/(1 + 2u + 2u²) for x ≥ 0: no tanh, no softplus, no overflow and no
/// cancellation. In the negative tail mish(x) ≈ x·e^x, formed with e^x's power of two applied last so it keeps full
/// precision to the end of the subnormals: mish(−100) ≈ −3.72e−42 (float subnormal), mish(−740) in double.
/// mish(−∞) = −0, mish(+∞) = +∞, mish(±0) = ±0, mish(NaN) = NaN.
/// </para>
/// <para>
/// Float data runs the forward in float lanes: the same quotient written as x·e·(1 − c) (x &lt; 0) or x·(1 − c)
/// (x ≥ 0) with c ≤ 2/5, so the rounding errors of c are damped (2.6 ULP over all floats). The derivative of float
/// data stays in double lanes: e·ω/δ² in float lanes rounds too often (5–6 ULP measured near x = −0.16 and 0.75) and
/// just outside the ±0.05 window around the zero of f′ the cancellation in ω amplifies that to 7 ULP; f′ also
/// amplifies the relative error of e^x up to 4.6-fold there, more than a float exponential can afford. The double
/// lanes run a float-grade version instead (one formula for both signs, a short exponential, one division):
/// 0.51 ULP over all floats outside that window.
/// </para>
/// <para>
/// The minimum ≈ −0.3088 is at x ≈ −1.1924, where f′ changes sign. f′ = e^x·ω/δ² with ω = e^3x + 4e^2x +
/// e^x(4x + 6) + 4(x + 1) and δ = e^2x + 2e^x + 2; ω is formed so that its cancellation near the zero is exact.
/// </para>
/// </remarks>
public sealed class Mish : ElementwiseActivation<Mish.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "mish",
        DisplayName = "Mish",
        Summary = "x·tanh(softplus(x)): a smooth, non-monotonic ReLU like SiLU, with a slightly deeper negative dip.",
        Family = Family.SmoothRectifier,
        Formula = "x · tanh(ln(1 + exp(x)))",
        Derivative = "tanh(sp(x)) + x·sech²(sp(x))·σ(x), sp = softplus",
        FormulaLatex = @"x \tanh\left(\log\left(1 + e^{x}\right)\right)",
        DerivativeLatex = @"\tanh(\operatorname{sp}(x)) + x\,\operatorname{sech}^2(\operatorname{sp}(x))\,\sigma(x), \quad \operatorname{sp}(x) = \log(1 + e^{x})",
        Range = "[−0.3088434, ∞)",
        Monotonicity = Monotonicity.NonMonotonic,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 0.4523422 (mpmath).
        Gain = 1.4868475812732081,
        TypicalUses = ["hidden layers of CNN detectors (YOLOv4 backbones)", "a drop-in for ReLU/SiLU in image classifiers"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput | KnownProblem.Saturation,
        Origin = new("Misra, Mish: A Self Regularized Non-Monotonic Activation Function", 2020, "arXiv:1908.08681") { Venue = "BMVC" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Mish / torch.nn.functional.mish"),
            ["keras"] = new("keras.activations.mish"),
            ["jax"] = new("jax.nn.mish"),
            ["onnx"] = new("Mish (opset 18)"),
            ["onednn"] = new("eltwise_mish"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, -0.0)],
        DerivativeZeros = [-1.1924312145154952],
    };

    /// <summary>Creates mish.</summary>
    public Mish()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < -700)
        {
            // tanh(softplus(x)) = e^x·(1 + O(e^x)) there.
            return x < -1500 ? -0.0 : ReferenceMath.ExpTimes(x, x);
        }

        return x > 40 ? x : x * Math.Tanh(ReferenceMath.Softplus(x));
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 40) return 1.0;
        if (x < -700) return x < -1500 ? -0.0 : ReferenceMath.ExpTimes(1 + x, x);
        if (x >= 0)
        {
            double sp = ReferenceMath.Softplus(x);
            double c = Math.Cosh(sp);
            return Math.Tanh(sp) + (x * ReferenceMath.Sigmoid(x) / (c * c));
        }

        // e^x·ω/δ² (oneDNN's form), ω = e^3x + 4e^2x + e^x(4x + 6) + 4(x + 1) summed so that the exact part
        // 2e^x + 4(x + 1) meets the rest once: near the zero of f′ the naive sum tanh + x·sech²·σ cancels.
        double e = Math.Exp(x);
        double w = x + 1;
        double omega = ((2 * e) + (4 * w)) + ((4 * e * (e + w)) + (e * e * e));
        double delta = (e * e) + (2 * e) + 2;
        return e * omega / (delta * delta);
    }

    /// <summary>The mish arithmetic (float lanes for the forward of float data, double lanes for its derivative).</summary>
    public readonly struct Kernel_ : IUnaryKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        // Bound by its dependency chain: streaming stores made large calls 10–25 % slower on Zen 5 (docs/performance.md).
        public static bool ForwardStreams => false;

        /// <inheritdoc />
        public static bool BackwardStreams => false;

        /// <inheritdoc />
        public static bool BackwardFloatInDouble => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return InDouble.FloatForward(this, x);
            var xc = VMath.ExpPartsOfMinusAbs(x, out var p, out var lo, out var n, out var e);
            var two = TV.Create(2.0);
            // x < 0: x·e(e + 2)/δ with δ = e(e + 2) + 2, e's power of two applied last.
            var ePlus2 = e + two;
            var delta = TV.Fma(e, ePlus2, two);
            var negative = VMath.MulExpParts(x * ePlus2 / delta, p, lo, n);
            // x ≥ 0 (e = e^−x): x·(1 + 2e)/(1 + 2e + 2e²), all terms positive.
            var a = TV.Fma(two, e, TV.One);
            var positive = x * a / TV.Fma(e + e, e, a);
            var y = TV.SelectWhereLess(xc, TV.Zero, negative, positive);
            // From −900 on (−∞ included) the value is −0; x·tiny would be ∞·0 = NaN at −∞.
            return TV.SelectWhereLessOrEqual(xc, TV.Create(-900.0), TV.And(x, TV.SignMask), y);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var xc = VMath.ExpPartsOfMinusAbs(x, out var p, out var lo, out var n, out var e);
            var two = TV.Create(2.0);
            var four = TV.Create(4.0);

            // x < 0: f′ = e·ω/δ², ω = e³ + 4e² + e(4x + 6) + 4(x + 1), δ = e² + 2e + 2. With w = x + 1 (exact for
            // x ≤ −1/2) ω = (2e + 4w) + 4e(e + w) + e³. Near the zero of f′ (x ≈ −1.19) 2e + 4w is exact (Sterbenz)
            // and cancels against the rest, so the rest is summed first and ω is rounded once; further out 4w
            // dominates and is added last. ω is evaluated at the exact double eHi = p·2^n and corrected by
            // (∂ω/∂e)·eLo, ∂ω/∂e = 3e² + 8e + 4w + 2.
            var w = xc + TV.One;
            var w4 = four * w;
            var eHi = VMath.ScaleExpParts(p, n);
            var eLo = VMath.ScaleExpParts(lo, n);
            var slope = TV.Fma(eHi, TV.Fma(TV.Create(3.0), eHi, TV.Create(8.0)), w4 + two);
            var rest = TV.Fma(four * eHi, eHi + w, TV.Fma(slope, eLo, eHi * eHi * eHi));
            var omega = TV.Select(
                TV.GreaterThan(xc, TV.Create(-2.0)),
                TV.Fma(two, eHi, w4) + rest,
                w4 + TV.Fma(two, eHi, rest));
            // δ² = 4(1 + g)² with g = e + e²/2, formed as 4(1 + g(2 + g)) so it is rounded once next to 4.
            var g = TV.Fma(TV.Create(0.5) * e, e, e);
            var deltaSquared = four * TV.Fma(g, g + two, TV.One);
            var negative = VMath.MulExpParts(omega / deltaSquared, p, lo, n);

            // x ≥ 0, u = e = e^−x: f′ = (1 + 4u + (4x + 6)u² + 4(x + 1)u³)/(1 + 2u + 2u²)², all terms positive.
            var numerator = TV.Fma(e, TV.Fma(e, TV.Fma(e, w4, TV.Fma(four, xc, TV.Create(6.0))), four), TV.One);
            var root = TV.Fma(e, TV.Fma(two, e, two), TV.One);
            var positive = numerator / (root * root);

            return dy * TV.SelectWhereLess(xc, TV.Zero, negative, positive);
        }

        /// <summary>
        /// Float lanes. With e = e^−|x| = 2^k·(1 + m) (m unrounded, <see cref="VMath.Expm1ScaledPartsShortF{TV}"/>) both
        /// signs share tanh(softplus(x)) = 1 − c with c = v(v + s)/(v(v + 2) + 2): for x &lt; 0, v = e and s = 1
        /// (c = e(1 + e)/(e² + 2e + 2)) and mish = x·e·(1 − c); for x ≥ 0, v = 2e and s = 0 (c = 2e²/(2e² + 2e + 1)) and
        /// mish = x·(1 − c). c is at most 2/5 (at x = 0) and ≈ e/2 or 2e² in the tails, so its rounding errors reach the
        /// result damped by c/(1 − c) ≤ 2/3; undamped are only m (about 0.6 ULP), z = x·(1 + m) (one fma) and the final
        /// fma(−z, c, z), with 2^k applied after it so that a subnormal result (x below about −87) is rounded once.
        /// Measured over all floats: 2.6 ULP, worst near x = −0.1.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            var negative = TV.LessThan(x, TV.Zero);
            // Beyond |x| = 40 the lanes are marked for the tail formula (ForwardTailF), so |x| is held at 40 here: v²
            // below then stays a normal float (with v² subnormal, and below −87 v itself, inputs beyond ±43 took up to
            // 1.2 ns/element instead of 0.26). A NaN x gets −40 and keeps its own lane through z.
            var a = TV.MinusAbsAtLeast(x, TV.Create(-TailBeyond));
            var m = VMath.Expm1ScaledPartsShortF(a, out var k);
            // k ≥ −58 here (|x| is held at 40), so 2^k and 2^(k + 1) are normal floats: one exact step (MulPow2, the same
            // bits as ScaleB, which takes two where it is not VSCALEF).
            var v = TV.MulPow2(m + TV.One, k + TV.AndNot(TV.One, negative));
            var two = TV.Create(2.0);
            var c = v * (v + TV.And(negative, TV.One)) / TV.Fma(v, v + two, two);
            // a = −min(|x|, 40) is x itself where −40 ≤ x < 0, the only unmarked lanes that take it (a NaN x is not
            // negative and keeps its own lane).
            var z = TV.Select(negative, TV.Fma(a, m, a), x);
            // z − z·c, with z capped in the product so that +∞ gives ∞ − 0 rather than ∞ − ∞·0.
            var y = TV.MulPow2(TV.Fnma(TV.Min(z, TV.Create(1e30)), c, z), TV.And(negative, k));
            // fma(−z, c, z) is +0 for z = −0: the result takes x's sign bit (mish(x) ≤ 0 for x < 0, and |mish(x)| ≤ |x|).
            return TV.WithSignOfLarger(y, x);
        }

        /// <inheritdoc />
        public static bool ForwardHasDoubleLanes => true;

        /// <summary>The float-lane forward (<see cref="ForwardFloat{TV}"/>) with the lanes beyond |x| = 40 marked.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
        {
            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(TailBeyond));
            return ForwardFloat(x);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), TV.Create(TailBeyond));

        /// <inheritdoc />
        public static MarkBound ForwardMarkBound => MarkBound.AbsAbove((float)TailBeyond);

        /// <inheritdoc />
        public static bool ForwardTailInFloat => true;

        /// <summary>
        /// mish(x) beyond |x| = 40 in float lanes: x above 40 (tanh(softplus(x)) = 1 − 2e^−2x + … rounds to 1), and below
        /// −40 x·e^x (x·tanh(softplus(x)) = x·e^x·(1 + O(e^x))) as x·(1 + m) rounded once with 2^n applied last, so a
        /// subnormal result rounds once more; −∞ is held at −112, where the result is −0.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV>
        {
            var xc = TV.Max(x, TV.Create(-112.0));
            var m = VMath.Expm1ScaledPartsShortF(xc, out var n);
            return TV.SelectWhereGreater(x, TV.Zero, x, TV.ScaleB(TV.Fma(xc, m, xc), n));
        }

        private const double TailBeyond = 40.0;

        /// <summary>
        /// The derivative for float data, in double lanes (<see cref="BackwardFloatInDouble"/>), rounded once to float.
        /// A float result does not need the double-data algorithm. With x clamped to [−200, 40] (NaN kept; beyond, f′
        /// is 1 to the float, and below −200 dy·f′ rounds to ±0 in float for any float dy, |dy·f′| &lt; 1e−46) e = e^x
        /// stays far from double overflow (e⁴ ≤ 1e70) and is a normal double, so one formula serves both
        /// signs, with no selects: f′ = e·ω/δ², ω = ((e + 4)e + 4x + 6)e + 4(x + 1), δ = (e + 2)e + 2. For x &gt; −1
        /// every term is positive; near the zero of f′ ω cancels, which costs double ULPs only. f′ amplifies a
        /// relative error of e at most 4.6-fold (largest at x = −1.14, just outside the ±0.05 window around the zero),
        /// so e = 2^n·e^r comes from a degree-7 polynomial good to 1.2e−10 (tools/poly/fit_exp_mish_backward.py): 0.01
        /// float ULP after amplification. Right next to the zero x0 an error ε of e leaves 0.063·ε absolute, which is
        /// many relative ULP of the tiny f′ there, so the polynomial also matches e^r and its slope at r0 = x0 + 2 ln2
        /// (where x0 lands, n = −2): its error grows like (r − r0)², below 1e−14 within 1e−3 of x0, while f′ grows
        /// like |x − x0|. e ≥ e^−200 is a normal double, so the subnormal float results of the negative tail are rounded
        /// once, at the final narrowing, whatever dy's size (the clamp was at −150 until the twelfth session of
        /// 2026-11-30, which gave dy·f′(−150) for x below it: mish′(−160)·1e30 was −1.1e−33 instead of −5.2e−38).
        /// Measured over all floats (dy = 1): 0.51 ULP.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardForFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var xc = TV.Min(TV.Create(40.0), TV.Max(TV.Create(-200.0), x));
            // e^x = 2^n·e^r, |r| ≤ ln2/2; n·ln2 with one double constant is off by at most 289·2^−54.
            var n = TV.RoundToEven(xc * TV.Create(VMath.Log2E));
            var r = TV.Fma(n, TV.Create(-0.6931471805599453), xc);
            var q = TV.Create(0.00019812926702398846);
            q = TV.Fma(q, r, TV.Create(0.0013938292510805243));
            q = TV.Fma(q, r, TV.Create(0.008333396518173608));
            q = TV.Fma(q, r, TV.Create(0.0416663883946418));
            q = TV.Fma(q, r, TV.Create(0.16666666725217336));
            q = TV.Fma(q, r, TV.Create(0.5000000043293856));
            // −289 ≤ n ≤ 58: 2^n is a normal double, one exact step.
            var e = TV.MulPow2(TV.Fma(r, TV.Fma(r, q, TV.One), TV.One), n);

            // ω = e·((e + 4)·e + 4a + 2) + 4a with a = x + 1, and δ = (e + 1)² + 1: every operation with at most one
            // constant, so each is a memory operand (two constants in one fma need a register filled every iteration).
            var a4 = (xc + TV.One) * TV.Create(4.0);
            var omega = TV.Fma(e, TV.Fma(e + TV.Create(4.0), e, a4 + TV.Create(2.0)), a4);
            var e1 = e + TV.One;
            var delta = TV.Fma(e1, e1, TV.One);
            return dy * (e * omega / (delta * delta));
        }
    }
}
