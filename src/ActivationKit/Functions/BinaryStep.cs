using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Binary step (Heaviside): 1 if x ≥ 0, else 0 (McCulloch &amp; Pitts, 1943). The perceptron's threshold unit.
/// </summary>
/// <remarks>
/// The value at 0 is 1 for both signed zeros (−0 ≥ 0), matching <c>torch.heaviside(x, 1)</c>. step(+∞) = 1, step(−∞) = 0,
/// step(NaN) = NaN. The derivative is 0 wherever it exists (the jump at 0 has none), so gradient descent cannot train
/// through this function; the backward pass returns +0 (NaN for a NaN input), never dy·0, so an infinite dy does not
/// turn into NaN. Because f′ is 0 everywhere, it is trivially available from the output too.
/// </remarks>
public sealed class BinaryStep : OutputGradientActivation<BinaryStep.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "binary_step",
        Aliases = ["heaviside", "step", "unit_step"],
        DisplayName = "Binary step",
        Summary = "Outputs 1 for x ≥ 0 and 0 otherwise: the perceptron's all-or-nothing threshold, with no usable gradient.",
        Family = Family.Step,
        Formula = "1 if x ≥ 0 else 0",
        Derivative = "0 (undefined at 0; taken as 0)",
        FormulaLatex = @"H(x) = \begin{cases}1 & x \ge 0\\ 0 & x < 0\end{cases}",
        DerivativeLatex = @"0 \quad (x \ne 0)",
        Range = "{0, 1}",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.Discontinuous,
        ZeroCentred = false,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = P(z ≥ 0) = 1/2.
        Gain = Math.Sqrt(2.0),
        TypicalUses = ["perceptrons trained by the perceptron rule", "binarising outputs at inference", "teaching and plotting"],
        Problems = KnownProblem.DyingUnits | KnownProblem.VanishingGradients | KnownProblem.NotZeroCentred | KnownProblem.NonDifferentiable | KnownProblem.Saturation,
        Origin = new("McCulloch & Pitts, A logical calculus of the ideas immanent in nervous activity", 1943) { Venue = "Bulletin of Mathematical Biophysics" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.heaviside(x, values=torch.tensor(1.0))", "No nn module; the value at 0 is the 'values' argument, and autograd has no derivative for heaviside."),
            ["keras"] = new("none", "Write keras.ops.where(x >= 0, 1.0, 0.0)."),
            ["jax"] = new("jax.numpy.heaviside(x, 1.0)", "The second argument is the value at 0."),
            ["onnx"] = new("none", "Build it as Where(GreaterOrEqual(x, 0), 1, 0)."),
            ["onednn"] = new("none"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 1.0), new(-0.0, 1.0), new(double.PositiveInfinity, 1.0), new(double.NegativeInfinity, 0.0), new(1e-40, 1.0), new(-1e-40, 0.0), new(-5.0, 0.0), new(5.0, 1.0)],
        Kinks = [0.0],
    };

    /// <summary>Creates the binary step.</summary>
    public BinaryStep()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x >= 0 ? 1.0 : 0.0;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : 0.0;

    /// <summary>The step arithmetic.</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
            // x ≥ 0 is false for NaN, so NaN is picked out separately to propagate.
            => TV.SelectWhereGreaterOrEqual(x, TV.Zero, TV.One, TV.SelectWhereEqual(x, x, TV.Zero, x));

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.SelectWhereEqual(x, x, TV.Zero, x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => Backward(y, dy);
    }
}
