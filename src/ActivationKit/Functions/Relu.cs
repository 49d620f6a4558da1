using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// ReLU: max(0, x) (Nair &amp; Hinton, 2010). The default hidden-layer activation of CNNs and MLPs.
/// </summary>
/// <remarks>
/// Range [0, ∞). relu(NaN) = NaN, relu(−0) = +0, relu(−∞) = +0, relu(+∞) = +∞. The derivative at 0 is taken as 0
/// (PyTorch's convention). Exact: no rounding happens.
/// </remarks>
public sealed class Relu : OutputGradientActivation<Relu.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "relu",
        Aliases = ["rectifier", "rectified_linear"],
        DisplayName = "ReLU",
        Summary = "Passes positive inputs unchanged and zeroes the rest: cheap, non-saturating for x > 0, the default hidden activation.",
        Family = Family.Rectifier,
        Formula = "max(0, x)",
        Derivative = "1 if x > 0 else 0",
        FormulaLatex = @"\max(0, x)",
        DerivativeLatex = @"\begin{cases}1 & x > 0\\ 0 & x \le 0\end{cases}",
        Range = "[0, ∞)",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = false,
        Init = Initialization.He,
        // calculate_gain('relu'); also the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain), E = 1/2.
        Gain = Math.Sqrt(2.0),
        TypicalUses = ["hidden layers of CNNs and MLPs", "default choice when nothing is known"],
        Problems = KnownProblem.DyingUnits | KnownProblem.NotZeroCentred | KnownProblem.NonDifferentiable | KnownProblem.UnboundedOutput,
        Origin = new("Nair & Hinton, Rectified Linear Units Improve Restricted Boltzmann Machines", 2010) { Venue = "ICML" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.ReLU / torch.relu"),
            ["keras"] = new("keras.activations.relu", "Keras relu also takes negative_slope, max_value and threshold."),
            ["jax"] = new("jax.nn.relu", "JAX's gradient at 0 is 0, like ours."),
            ["onnx"] = new("Relu"),
            ["onednn"] = new("eltwise_relu (alpha = 0)", "alpha > 0 turns it into leaky ReLU."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, 0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, 0.0), new(-1e-40, 0.0), new(1e-40, 1e-40)],
        Kinks = [0.0],
    };

    /// <summary>Creates ReLU.</summary>
    public Relu()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x > 0 ? x : 0.0;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > 0 ? 1.0 : 0.0;

    /// <summary>The ReLU arithmetic.</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
            // Max(0, x) is 'x' when x is NaN (second operand) and −0 for x = −0; adding +0 turns −0 into +0.
            => TV.Max(TV.Zero, x) + TV.Zero;

        /// <inheritdoc />

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            => TV.SelectWhereGreater(x, TV.Zero, dy, TV.SelectWhereEqual(x, x, TV.Zero, x));

        /// <inheritdoc />

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => Backward(y, dy);
    }
}
