using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Identity (linear) activation: f(x) = x. The output layer of regression models and the "no activation" choice.
/// </summary>
/// <remarks>
/// Exact: the input is copied unchanged, so identity(−0) = −0, identity(±∞) = ±∞ and identity(NaN) = NaN. The derivative
/// is 1 everywhere; a NaN input yields a NaN gradient (as in every function of this library) so a NaN in the forward pass
/// is not silently hidden by the backward pass.
/// </remarks>
public sealed class Identity : OutputGradientActivation<Identity.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "identity",
        Aliases = ["linear"],
        DisplayName = "Identity",
        Summary = "Returns its input unchanged: the output of regression heads and the baseline with no non-linearity.",
        Family = Family.Linear,
        Formula = "x",
        Derivative = "1",
        FormulaLatex = @"x",
        DerivativeLatex = @"1",
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.Glorot,
        // calculate_gain('linear').
        Gain = 1.0,
        TypicalUses = ["regression output layer", "logits before a softmax or sigmoid loss", "linear bottleneck layers (MobileNetV2)", "residual branches that must stay linear"],
        Problems = KnownProblem.UnboundedOutput,
        Origin = new("Widrow & Hoff, Adaptive Switching Circuits", 1960) { Venue = "IRE WESCON Convention Record", Note = "the linear unit of ADALINE; the identity itself is classical" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Identity"),
            ["keras"] = new("keras.activations.linear", "Also what activation=None gives a Keras layer."),
            ["jax"] = new("jax.nn.identity"),
            ["onnx"] = new("Identity"),
            ["onednn"] = new("eltwise_linear (alpha = 1, beta = 0)", "eltwise_linear computes alpha·x + beta."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, double.NegativeInfinity), new(1e-40, 1e-40), new(-1e-40, -1e-40), new(3.5, 3.5)],
    };

    /// <summary>Creates the identity.</summary>
    public Identity()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => x;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : 1.0;

    /// <summary>The identity arithmetic.</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV> => x;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.SelectWhereEqual(x, x, dy, x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => Backward(y, dy);
    }
}
