using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// ReLU6: min(max(0, x), 6) (Krizhevsky, 2010). ReLU capped at 6, which keeps activations in a range that low-precision
/// arithmetic represents well (MobileNet v1/v2).
/// </summary>
/// <remarks>
/// Exact. relu6(−0) = +0 (as ReLU), relu6(+∞) = 6, relu6(−∞) = +0, relu6(NaN) = NaN. The derivative is 1 on (0, 6) and 0
/// elsewhere, including at 0 and 6 (PyTorch and JAX agree); y ∈ (0, 6) exactly when x is, so it is available from the output.
/// </remarks>
public sealed class Relu6 : OutputGradientActivation<Relu6.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "relu6",
        DisplayName = "ReLU6",
        Summary = "ReLU clipped at 6: rectifies like ReLU but bounds the output for robust low-precision inference.",
        Family = Family.Rectifier,
        Formula = "min(max(0, x), 6)",
        Derivative = "1 if 0 < x < 6 else 0",
        FormulaLatex = @"\min(\max(0, x), 6)",
        DerivativeLatex = @"\begin{cases}1 & 0 < x < 6\\ 0 & \text{otherwise}\end{cases}",
        Range = "[0, 6]",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = false,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 1/2 − 1.9e−9 (mpmath): ReLU's √2
        // but for the cap at 6.
        Gain = 1.4142135650950737,
        TypicalUses = ["MobileNet v1/v2 hidden layers", "models to be quantised to 8-bit", "inside hard-sigmoid and hard-swish"],
        Problems = KnownProblem.DyingUnits | KnownProblem.NotZeroCentred | KnownProblem.NonDifferentiable | KnownProblem.Saturation,
        Origin = new("Krizhevsky, Convolutional Deep Belief Networks on CIFAR-10", 2010) { Venue = "technical report, University of Toronto", Related = [new Origin("Howard et al., MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications", 2017, "arXiv:1704.04861") { Note = "popularised it" }] },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.ReLU6", "Implemented as hardtanh(0, 6): the same zero gradient at 0 and 6."),
            ["keras"] = new("keras.activations.relu6", "Keras 3; in Keras 2 use keras.activations.relu(x, max_value=6) or keras.layers.ReLU(max_value=6)."),
            ["jax"] = new("jax.nn.relu6", "Gradient 0 at both 0 and 6, as here."),
            ["onnx"] = new("Clip(min = 0, max = 6)"),
            ["onednn"] = new("eltwise_clip_v2 (alpha = 0, beta = 6)", "oneDNN 1.x/2.x also had eltwise_bounded_relu (alpha = 6), removed in 3.0."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, 0.0), new(3.0, 3.0), new(6.0, 6.0), new(7.0, 6.0), new(-1.0, 0.0), new(double.PositiveInfinity, 6.0), new(double.NegativeInfinity, 0.0), new(1e-40, 1e-40), new(-1e-40, 0.0)],
        Kinks = [0.0, 6.0],
    };

    /// <summary>Creates ReLU6.</summary>
    public Relu6()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x <= 0 ? 0.0 : x >= 6 ? 6.0 : x;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > 0 && x < 6 ? 1.0 : 0.0;

    /// <summary>The ReLU6 arithmetic.</summary>
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
            // As ReLU: Max(0, x) is x when x is NaN (second operand) and −0 for −0, which + 0 turns into +0; Min with 6
            // first keeps NaN too.
            return TV.Min(TV.Create(6.0), TV.Max(TV.Zero, x) + TV.Zero);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var inside = TV.And(TV.GreaterThan(x, TV.Zero), TV.LessThan(x, TV.Create(6.0)));
            return TV.Select(inside, dy, TV.SelectWhereEqual(x, x, TV.Zero, x));
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => Backward(y, dy);
    }
}
