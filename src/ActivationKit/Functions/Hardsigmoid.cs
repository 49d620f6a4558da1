using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Hard sigmoid, PyTorch/MobileNetV3 form: relu6(x + 3)/6 = clamp(x/6 + 1/2, 0, 1) (Howard et al., 2019). A piecewise-linear
/// stand-in for the logistic sigmoid, used as the gate of hard-swish and squeeze-and-excitation blocks.
/// </summary>
/// <remarks>
/// Evaluated as min(max(x + 3, 0), 6)/6 rather than x/6 + 1/2, which would cancel catastrophically next to x = −3
/// (x + 3 is exact there by Sterbenz's lemma). Float data takes four float operations (within 1.33 ULP over all
/// 2³² inputs) arranged so that y ∈ (0, 1) exactly when x ∈ (−3, 3), which the gradient from the output relies on; in double
/// data the one input 3 − 2⁻⁵¹ rounds to y = 1, so its gradient from the output is 0 instead of 1/6.
/// hardsigmoid(0) = 1/2, hardsigmoid(−3) = 0, hardsigmoid(3) = 1, (−∞) = 0, (+∞) = 1, NaN → NaN. Other frameworks use
/// other slopes; see <see cref="ActivationInfo.Frameworks"/>.
/// </remarks>
public sealed class Hardsigmoid : OutputGradientActivation<Hardsigmoid.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "hardsigmoid",
        Aliases = ["hard_sigmoid", "h_sigmoid"],
        DisplayName = "Hard sigmoid",
        Summary = "A cheap piecewise-linear sigmoid: 0 below −3, 1 above 3, a straight line x/6 + 1/2 in between.",
        Family = Family.Sigmoidal,
        Formula = "min(max(x + 3, 0), 6) / 6",
        Derivative = "1/6 if −3 < x < 3 else 0",
        FormulaLatex = @"\frac{\mathrm{ReLU6}(x + 3)}{6}",
        DerivativeLatex = @"\begin{cases}\tfrac{1}{6} & -3 < x < 3\\ 0 & \text{otherwise}\end{cases}",
        Range = "[0, 1]",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = false,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 0.2776391 (mpmath).
        Gain = 1.897840424729559,
        TypicalUses = ["gates of squeeze-and-excitation blocks (MobileNetV3)", "the gate inside hard-swish", "quantised and mobile models where exp is costly"],
        Problems = KnownProblem.DyingUnits | KnownProblem.VanishingGradients | KnownProblem.Saturation | KnownProblem.NotZeroCentred | KnownProblem.NonDifferentiable,
        Origin = new("Howard et al., Searching for MobileNetV3", 2019, "arXiv:1905.02244") { Venue = "ICCV", Note = "the ReLU6(x + 3)/6 form", Related = [new Origin("Courbariaux, Bengio & David, BinaryConnect: Training Deep Neural Networks with binary weights during propagations", 2015, "arXiv:1511.00363") { Venue = "NIPS", Note = "an earlier hard sigmoid, clip((x + 1)/2, 0, 1)" }] },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Hardsigmoid", "Same function; PyTorch evaluates it in the data type, so float results can differ from ours by an ULP, and its backward multiplies by 1/6 rounded to float, so float64 gradients are 0.1666666716 (3e−8 off)."),
            ["keras"] = new("keras.activations.hard_sigmoid", "Keras 3 uses x/6 + 1/2 clipped like PyTorch; Keras 2 (tf.keras ≤ 2.15) used 0.2·x + 0.5 clipped, with kinks at ±2.5."),
            ["jax"] = new("jax.nn.hard_sigmoid", "Defined as relu6(x + 3)/6, as here."),
            ["onnx"] = new("HardSigmoid(alpha = 1/6, beta = 0.5)", "ONNX's defaults are alpha = 0.2, beta = 0.5 (the Keras 2 slope): set alpha = 1/6 to match."),
            ["onednn"] = new("eltwise_hardsigmoid (alpha = 1/6, beta = 1/2)", "oneDNN computes max(0, min(1, alpha·x + beta))."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.5), new(-0.0, 0.5), new(3.0, 1.0), new(-3.0, 0.0), new(1.5, 0.75), new(-1.5, 0.25), new(double.PositiveInfinity, 1.0), new(double.NegativeInfinity, 0.0), new(100.0, 1.0), new(-100.0, 0.0)],
        Kinks = [-3.0, 3.0],
    };

    /// <summary>Creates the hard sigmoid.</summary>
    public Hardsigmoid()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x <= -3) return 0.0;
        if (x >= 3) return 1.0;
        return (x + 3.0) / 6.0;
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > -3 && x < 3 ? 1.0 / 6.0 : 0.0;

    /// <summary>The hard-sigmoid arithmetic: float lanes for float data in four operations that keep y ∈ (0, 1) exactly on (−3, 3).</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)))
            {
                // Float lanes, four operations: x clamped to [−3, 3] (NaN stays NaN: the constants are Max/Min's
                // first operands), s = x + 3 rounded toward zero, y = s·RN(1/6). Rounded to nearest, x + 3 would be 6 at
                // x = 3 − 2⁻²² (a tie, to even), making y = 1 there; toward zero every x < 3 gives s ≤ 6 − 2⁻²¹ and
                // y < 1, and x + 3 is exact near −3 (Sterbenz), so y ∈ (0, 1) exactly when x ∈ (−3, 3), which the
                // gradient from the output relies on. RN(1/6) is 1/6·(1 + 2⁻²⁵·…): 6·RN(1/6), 4.5·RN(1/6), 3·RN(1/6)
                // and 1.5·RN(1/6) still round to 1, 0.75, 0.5 and 0.25. Within 1.33 ULP (all 2³² inputs; the directed
                // rounding of s costs the most); carrying x + 3's error to a correctly rounded y took eight operations
                // and 1.28× a copy's time on Zen 4.
                var three = TV.Create(3.0);
                var s = TV.AddTowardZero(three, TV.Min(three, TV.Max(TV.Create(-3.0), x)));
                return s * TV.Create(SixthNearestF);
            }

            // Max/Min keep NaN because the constant is the first operand; −∞ and +∞ clamp to 0 and 6.
            var t = TV.Min(TV.Create(6.0), TV.Max(TV.Zero, x + TV.Create(3.0)));
            return t / TV.Create(6.0);
        }

        // 1/6 rounded to the nearest float (0x3E2AAAAB).
        internal const float SixthNearestF = 1f / 6f;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV> => VMath.ClampedSlope(x, -3.0, 3.0, Hardswish.Kernel_.SixthOf(dy));

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => VMath.ClampedSlope(y, 0.0, 1.0, Hardswish.Kernel_.SixthOf(dy));
    }
}
