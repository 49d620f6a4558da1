using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
/// Float data runs in float lanes with no exponential and no division: mish and mish′ themselves each from a table of
/// fifteen degree-9 polynomials looked up per lane (one permute per coefficient) for |x| ≤ 15; the forward's interval
/// around 0 has no constant term, so mish keeps its relative accuracy as x → 0, and the derivative's interval of the zero
/// of f′ is expanded about that zero, so f′ keeps its relative accuracy there. Beyond ±15 the forward is x or
/// x·e^x·(1 − e^x/2), the derivative 1 or e^x·(x + 1 − e^x·(x + 1/2)), with e^x's power of two applied last.
/// Over all floats: forward 2.23 ULP (x = 0.0065), derivative 2.43 (x = −1.9999).
/// </para>
/// <para>
/// The minimum ≈ −0.3088 is at x ≈ −1.1924, where f′ changes sign. f′ = e^x·ω/δ² with ω = e^3x + 4e^2x +
/// e^x(4x + 6) + 4(x + 1) and δ = e^2x + 2e^x + 2; for double data ω is formed so that its cancellation near the zero
/// is exact.
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

    /// <summary>The mish arithmetic (float lanes for float data, forward and derivative).</summary>
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
        public static bool BackwardHasDoubleLanes => true;

        /// <inheritdoc />
        public static bool BackwardTailInFloat => true;

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
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return InDouble.FloatBackward(this, x, dy);
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
        /// mish(x) for |x| ≤ 15 (or NaN) in float lanes, with no exponential and no division: one polynomial of degree
        /// 8 per interval in u = x − c_k, its coefficients and c_k looked up by the interval number k
        /// (<see cref="ForwardInterval{TV}"/>: width 1 for |x| ≤ 2.48, 2.5 beyond; tools/poly/fit_mish_table.py 8 --forward
        /// with MISH_G=0.4 MISH_R=1.5 MISH_A=2.48). Interval 0 is expanded about 0 with no constant term (−0 in the table,
        /// so that mish(−0) = −0), so u = x exactly and mish keeps its relative accuracy as x → 0; x − c is exact by
        /// Sterbenz's lemma in the others. The fitter's float model measured 2.07 ULP. The derivative's intervals (width
        /// 4/3 near 0) needed degree 9 here: degree 8 left 3.7 ULP in [−2/3, 2/3], where mish's nearest complex
        /// singularities (0.35 ± 2.36i) limit the fit; on [−1/2, 1/2] degree 8 holds, and one lookup and one
        /// multiply-add fewer per register is what the narrower intervals buy.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardTable<TV>(TV x) where TV : struct, IVec<TV>
        {
            // A NaN x makes the index meaningless but u NaN, and so the result.
            var shifted = ForwardInterval(x);
            var u = x - TV.Lookup16(shifted, Vector512.Create(0f, 0.75f, 2.015625f, 3.15625f, 6.28125f, 7.53125f, 10.03125f, 12.53125f, 0f, -14.375f, -11.90625f, -9.40625f, -6.28125f, -5.03125f, -2.265625f, -0.75f));
            var g = TV.Lookup16(shifted, Vector512.Create(-0.00121995318f, 0.00170585513f, -0.000462481723f, 8.74391571e-06f, -9.57753514e-07f, -5.94806806e-07f, -6.88764828e-07f, -5.89333826e-09f, 0f, -1.43766971e-10f, -9.76344339e-10f, -1.82873616e-09f, 1.03993202e-07f, 1.55192947e-06f, -0.000135536873f, 0.000314563018f));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(0.000681336911f, -0.00348719512f, 0.000254431245f, -6.57556302e-05f, 6.54636779e-07f, 5.68044788e-06f, 6.58126146e-06f, 5.54356241e-08f, 0f, -7.51624429e-10f, -6.0657035e-09f, -4.25267714e-08f, 4.52814049e-07f, 3.07271904e-07f, 4.53111352e-05f, 0.000618246733f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(0.00782073382f, -0.00304886745f, 0.00104013213f, 0.000188091028f, 9.54280154e-07f, -2.17707166e-05f, -2.52010614e-05f, -2.08652096e-07f, 0f, -6.66148914e-09f, -5.53691564e-08f, -3.83110915e-07f, -2.00525079e-07f, 1.73209628e-05f, 6.60557489e-05f, -0.00251422706f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(-0.000338148093f, 0.0167466719f, -0.00483972719f, -0.000102456885f, 6.41397173e-06f, 4.27339328e-05f, 4.91803476e-05f, 3.99176031e-07f, 0f, -4.47048265e-08f, -3.88712152e-07f, -3.01114142e-06f, -1.82789281e-05f, 9.49560763e-06f, 0.00184745947f, -0.011725924f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(-0.0458675846f, 0.00285396981f, 0.00966064632f, -0.0011851989f, -2.25510048e-05f, -4.56888811e-05f, -5.12224578e-05f, -4.05446968e-07f, 0f, -2.47029419e-07f, -2.22273593e-06f, -1.85047465e-05f, -0.000172875458f, -0.000237379732f, 0.00817258004f, -0.0070433002f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(-0.0160022881f, -0.0978631452f, -0.00338547328f, 0.00534861954f, 4.42381643e-05f, 2.73507576e-05f, 2.68691292e-05f, 2.04810746e-07f, 0f, -1.08345773e-06f, -1.00162788e-05f, -8.7739114e-05f, -0.00101205322f, -0.00210959045f, 0.0178222954f, 0.0738446936f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(0.320000023f, 0.162288979f, -0.0290341247f, -0.0124594616f, -7.2290597e-05f, -1.2204423e-05f, -5.66058497e-06f, -3.96456663e-08f, 0f, -3.5361611e-06f, -3.34236938e-05f, -0.000304371468f, -0.00398674281f, -0.009726502f, -0.000499181275f, 0.231203452f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(0.600000024f, 0.985758305f, 1.06841326f, 1.01680422f, 1.00008047f, 1.00000811f, 1.00000012f, 1f, 0f, -7.64381821e-06f, -7.35959256e-05f, -0.000691006309f, -0.00986129977f, -0.0261333548f, -0.112521492f, 0.16074574f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(-0f, 0.610018313f, 1.96065998f, 3.14573598f, 6.28120613f, 7.53124571f, 10.03125f, 12.53125f, 0f, -8.21532103e-06f, -8.03442599e-05f, -0.000773243373f, -0.0117416028f, -0.0327500068f, -0.222954914f, -0.276494712f)));
            return g;
        }

        /// <summary>
        /// The forward table's interval number k = round(0.4·(x + 1.5·clamp(x, ±2.48))) in the low bits of the second fma,
        /// with 1.5·2^23 (<see cref="IVec{TV}.Lookup16"/> reads them): three operations, as for the derivative's intervals,
        /// but of width 1 for |x| ≤ 2.48 and 2.5 beyond; k = −7..7 for |x| ≤ <see cref="TableLimit"/> (0.4·(15 + 3.72) = 7.488).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardInterval<TV>(TV x) where TV : struct, IVec<TV> =>
            TV.Fma(TV.Fma(TV.ClampMagnitude(x, TV.Create(2.48)), TV.Create(1.5), x), TV.Create(0.4), TV.Create(12582912.0));

        /// <summary>
        /// The derivative table's interval number k = round(3/8·(x + clamp(x, ±4.5))) in the low bits of one fma with
        /// 1.5·2^23 (<see cref="IVec{TV}.Lookup16"/> reads them): the intervals that tools/poly/fit_mish_table.py fits by
        /// default, of width 4/3 for |x| ≤ 4.5 and 8/3 beyond (see <see cref="DerivativeTable{TV}"/>; the forward has its
        /// own, <see cref="ForwardInterval{TV}"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Interval<TV>(TV x) where TV : struct, IVec<TV> =>
            TV.Fma(x + TV.ClampMagnitude(x, TV.Create(4.5)), TV.Create(0.375), TV.Create(12582912.0));

        /// <inheritdoc />
        public static bool ForwardHasDoubleLanes => true;

        /// <summary>The float-lane forward (<see cref="ForwardTable{TV}"/>) with the lanes beyond |x| = 15 marked.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
        {
            if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            {
                inDouble = TV.Zero;
                return Forward(x);
            }

            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(TableLimit));
            return ForwardTable(x);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), TV.Create(TableLimit));

        /// <inheritdoc />
        public static MarkBound ForwardMarkBound => MarkBound.AbsAbove((float)TableLimit);

        /// <inheritdoc />
        public static bool ForwardTailInFloat => true;

        /// <summary>
        /// mish(x) beyond |x| = 15 in float lanes (and for NaN, which the mark bound includes): x above 15
        /// (tanh(softplus(x)) = 1 − 2e^−2x + … rounds to 1), and below −15 x·e^x·(1 − e^x/2) (tanh(softplus(x)) =
        /// e^x·(1 − e^x/2 + O(e^3x)), within 7e−21 relative at −15, mpmath): e^x = 2^n·(1 + m), v = x·(1 − e^x/2) by one fnma
        /// (e^x from MulPow2 with n held at −120, where the correction is far below the floats anyway), v·(1 + m) by one
        /// fma, 2^n applied last so a subnormal result rounds once more; −∞ is held at −112, where the result is −0.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV>
        {
            // Max(−112, x) keeps a NaN x (Max returns its second operand for NaN).
            var xc = TV.Max(TV.Create(-112.0), x);
            var m = VMath.Expm1ScaledPartsShortF(xc, out var n);
            var half = TV.MulPow2(m + TV.One, TV.Max(n, TV.Create(-120.0))) * TV.Create(0.5);
            var v = TV.Fnma(half, xc, xc);
            // |v| is 7 to 112 here, so n below −120 flags every underflowing lane for the integer rounding on Intel.
            return TV.SelectWhereGreater(x, TV.Zero, x, TV.ScaleBIntoSubnormals(TV.Fma(v, m, v), n));
        }

        /// <summary>
        /// |x| beyond this takes <see cref="BackwardTailF{TV}"/>: the table (<see cref="DerivativeTable{TV}"/>) covers
        /// [−15, 15]. mish′ rounds to 1 in float from x = 10.144023 on (mpmath), and below −15 it is e^x·(x + 1 − e^x·(x + 1/2)) to
        /// within 1e−12 relative.
        /// </summary>
        private const double TableLimit = 15.0;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            {
                inDouble = TV.Zero;
                return Backward(x, dy);
            }

            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(TableLimit));
            return dy * DerivativeTable(x);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), TV.Create(TableLimit));

        /// <inheritdoc />
        public static MarkBound BackwardMarkBound => MarkBound.AbsAbove((float)TableLimit);

        /// <summary>
        /// dy·mish′(x) beyond |x| = 15 in float lanes (and for NaN, which the mark bound includes). Above 15, mish′ =
        /// 1 + (4x − 2)·e^−2x + … is 1 in float, so the result is dy. Below −15, mish′ = e^x·H with H = ω/δ² =
        /// (x + 1) − e^x·(x + 1/2) + O(x·e^2x) (the next term is below 1e−12 of H there): e^x = 2^n·(1 + m) with x held
        /// at −200 (beyond, dy·mish′ is below the floats for any float dy), v = H from one fnma (e^x from MulPow2 with n
        /// held at −120, where the correction is far below the floats anyway), v·(1 + m) by one fma, 2^n last: down to
        /// x = −87 (mish′ a normal float) by MulPow2 and then dy·mish′; below, by <see cref="VMath.ScaleTailF{TV}"/>
        /// so that dy·mish′ keeps its accuracy whatever dy's magnitude. mish′(−∞) = −0, so dy·(−0) there.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardTailF<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            // Max(−200, x) keeps a NaN x (Max returns its second operand for NaN).
            var xc = TV.Max(TV.Create(-200.0), x);
            var m = VMath.Expm1ScaledPartsShortF(xc, out var n);
            var e = TV.MulPow2(m + TV.One, TV.Max(n, TV.Create(-120.0)));
            var v = TV.Fnma(e, xc + TV.Create(0.5), xc + TV.One);
            var w = TV.Fma(v, m, v);
            var low = TV.SelectWhereLess(xc, TV.Create(-87.0), VMath.ScaleTailF(dy, w, n), dy * TV.MulPow2(w, TV.Max(n, TV.Create(-126.0))));
            low = TV.SelectWhereEqual(x, TV.Create(double.NegativeInfinity), dy * TV.Create(-0.0), low);
            return TV.SelectWhereGreater(x, TV.Zero, dy, low);
        }

        /// <summary>
        /// mish′(x) for |x| ≤ 15 (or NaN) in float lanes, with no exponential and no division: one polynomial of degree
        /// 9 per interval in u = x − c_k, its coefficients and the expansion point c_k looked up by the interval number
        /// k (<see cref="IVec{TV}.Lookup16"/>; tools/poly/fit_mish_table.py 9). k = round(3/8·(x + clamp(x, ±4.5))) is
        /// formed in the low bits of one fma with 1.5·2^23: intervals of width 4/3 for |x| ≤ 4.5, where mish′'s
        /// nearest complex singularities (e^2x + 2e^x + 2 = 0 at 0.35 ± 2.36i) limit the polynomials, and of width
        /// 8/3 beyond, where only e^x(x + 1)-like or 1 + (4x − 2)e^−2x-like terms are left (k = −7..7; entry 8 unused).
        /// mish′'s zero x0 = −1.1924 lies in interval −1, [−2, −2/3], expanded about c = float(x0) with the constant
        /// term mish′(c) (1.3e−8) fitted first, so mish′ keeps its relative accuracy next to its zero; x − c is exact
        /// there by Sterbenz's lemma, and so in every interval but interval 0, expanded about −3/8 (where the float
        /// Horner measured 1.65 ULP against 2.6 about 0): there x − c rounds by at most 2^−24 for x above −3/16, which
        /// the fit's float model includes. Measured over all floats: 2.43 ULP (x = −1.9999, next to the zero of f′,
        /// whose interval is the worst: near x0 the rounding of the linear coefficient is not absorbed).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV DerivativeTable<TV>(TV x) where TV : struct, IVec<TV>
        {
            // A NaN x makes the index meaningless but u NaN, and so the result.
            var shifted = Interval(x);
            var u = x - TV.Lookup16(shifted, Vector512.Create(-0.375f, 1.328125f, 2f, 3.328125f, 6.171875f, 8.828125f, 12.828125f, 12.828125f, 0f, -14.453125f, -12.171875f, -9.5f, -6.828125f, -4.453125f, -2.671875f, -1.19243121f));
            var g = TV.Lookup16(shifted, Vector512.Create(0.00137499953f, 0.000416874827f, -8.69622818e-05f, 6.80755329e-05f, -3.67546749e-09f, -5.33548206e-10f, 5.26264232e-09f, 3.12134389e-08f, 0f, -1.08588078e-11f, -4.01025463e-11f, 4.84425222e-10f, 2.80309695e-08f, 6.60149567e-07f, -1.34056236e-05f, 0.000227934128f));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(-0.00656344369f, -0.00215012091f, 0.000655066047f, -0.000472801941f, 3.30778789e-07f, 3.93357791e-09f, 6.11919262e-08f, -3.05815888e-07f, 0f, -6.29147429e-11f, -3.72590403e-10f, -1.54580093e-09f, 4.11628349e-08f, -1.78435823e-06f, -5.62437563e-05f, 0.000945384265f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(0.00289267115f, 0.00137068529f, -0.0020055268f, 0.00139995676f, -8.192319e-07f, -1.02802638e-08f, 2.93913757e-07f, 1.24924895e-06f, 0f, -6.76742162e-10f, -4.35106662e-09f, -2.05980815e-08f, 3.54372901e-07f, 1.39506265e-05f, -0.000109639666f, 0.00108366937f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(0.017907314f, 0.00995030347f, 0.00218913821f, -0.00233886065f, 2.99714338e-06f, 3.54524339e-08f, 7.51808614e-07f, -2.75451566e-06f, 0f, -5.48338663e-09f, -3.70811826e-08f, -2.57503075e-07f, 6.27309248e-07f, 5.05615935e-05f, -2.331936e-06f, -0.00334934797f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(0.0139477551f, -0.0233741254f, 0.00508410065f, 0.00236553838f, -1.38173518e-05f, -1.33097416e-07f, 1.09820814e-06f, 3.54483768e-06f, 0f, -3.72259059e-08f, -2.66007817e-07f, -2.17371985e-06f, -6.29825263e-06f, 0.000201444607f, 0.00133706932f, -0.0158159733f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(-0.0632931069f, -0.00500344252f, -0.0245487392f, -0.000600188097f, 4.18318014e-05f, 3.66778409e-07f, 9.09624873e-07f, -2.68608164e-06f, 0f, -2.08179372e-07f, -1.54601446e-06f, -1.40077427e-05f, -7.91038183e-05f, 0.000441761629f, 0.00698243827f, -0.0202726256f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(-0.126615718f, 0.102310181f, 0.0402252115f, -0.004517911f, -9.45839711e-05f, -7.80856567e-07f, 3.92451142e-07f, 1.14812576e-06f, 0f, -9.20833941e-07f, -7.04644299e-06f, -6.85583291e-05f, -0.000502868963f, -0.000436544971f, 0.0192447808f, 0.0419072397f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(0.135186285f, -0.163517743f, -0.0119983628f, 0.0135095222f, 0.000160020209f, 1.25598672e-06f, 6.97579168e-08f, -2.47706993e-07f, 0f, -3.02677836e-06f, -2.37268032e-05f, -0.000243179034f, -0.00206021755f, -0.00765878195f, 0.02223574f, 0.204731271f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(0.603194594f, 0.045186244f, -0.057724949f, -0.0198277738f, -0.000178471222f, -1.34411732e-06f, -1.9195219e-10f, 2.05778878e-08f, 0f, -6.58211411e-06f, -5.26281292e-05f, -0.000561293447f, -0.00521464366f, -0.0276238136f, -0.0306425709f, 0.266947925f)));
            g = TV.Fma(g, u, TV.Lookup16(shifted, Vector512.Create(0.362566233f, 1.08504021f, 1.06931794f, 1.01297128f, 1.00009823f, 1.00000072f, 1f, 1f, 0f, -7.11066969e-06f, -5.7802361e-05f, -0.000636190118f, -0.00630377792f, -0.039665997f, -0.105237752f, 8.12572787e-10f)));
            return g;
        }
    }
}
