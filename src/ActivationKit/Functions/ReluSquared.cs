using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Squared ReLU: max(0, x)² (So et al., 2021). Found by the Primer architecture search for Transformer feed-forward
/// blocks and used in later language models; smooth at 0 (C¹) where ReLU has a corner, zero below it.
/// </summary>
/// <remarks>
/// One product x·x, rounded once (correctly rounded in float and double; it overflows to +∞ exactly where the true
/// square leaves the type's range, above 1.84e19 in float), and the slope (dy·x)·2, rounded once and doubled exactly.
/// relu_squared(NaN) = NaN, (±0) = +0, (−∞) = +0, (+∞) = +∞. From the output the slope is 2√y.
/// </remarks>
public sealed class ReluSquared : OutputGradientActivation<ReluSquared.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "relu_squared",
        Aliases = ["squared_relu", "relu2", "relu_sq"],
        DisplayName = "Squared ReLU",
        Summary = "ReLU squared: zero below 0, x² above, so its slope rises from 0 instead of jumping; the Primer feed-forward activation.",
        Family = Family.Rectifier,
        Formula = "max(0, x)²",
        Derivative = "2x if x > 0 else 0",
        FormulaLatex = @"\max(0, x)^2",
        DerivativeLatex = @"\begin{cases}2x & x > 0\\ 0 & x \le 0\end{cases}",
        Range = "[0, ∞)",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.ContinuouslyDifferentiable,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = false,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E[max(0, z)⁴] = 3/2, so √(2/3).
        Gain = 0.816496580927726,
        TypicalUses = ["Transformer feed-forward blocks (Primer; some later language models)", "hidden layers where ReLU's sparsity and a smooth start are both wanted"],
        Problems = KnownProblem.DyingUnits | KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput | KnownProblem.InitialisationSensitive,
        Origin = new("So et al., Primer: Searching for Efficient Transformers for Language Modeling", 2021, "arXiv:2109.08668") { Venue = "NeurIPS" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("none", "Not in torch.nn; write torch.relu(x) ** 2 (or torch.square(torch.relu(x)))."),
            ["keras"] = new("none", "Write keras.ops.square(keras.ops.relu(x))."),
            ["jax"] = new("none", "Write jnp.square(jax.nn.relu(x))."),
            ["onnx"] = new("none", "Compose Relu and Mul (or Pow with exponent 2)."),
            ["onednn"] = new("eltwise_relu then eltwise_square", "Two post-ops."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, 0.0), new(3.0, 9.0), new(-3.0, 0.0), new(0.5, 0.25), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, 0.0)],
    };

    /// <summary>Creates squared ReLU.</summary>
    public ReluSquared()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x > 0 ? x * x : 0.0;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > 0 ? 2.0 * x : 0.0;

    /// <summary>The squared-ReLU arithmetic, the same in float and double lanes: one product, rounded once.</summary>
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
            // Max(0, x) is x when x is NaN (second operand) and −0 for x = −0, whose square is +0.
            var r = TV.Max(TV.Zero, x);
            return r * r;
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            // x > 0: (dy·x)·2, one rounding and an exact doubling (2x itself would overflow above 1.7e38 where a small dy
            // keeps the product finite; a subnormal dy·x doubles exactly, within a ULP of the one rounding); otherwise
            // 0, or NaN for a NaN x.
            => TV.SelectWhereGreater(x, TV.Zero, (dy * x) * TV.Create(2.0), TV.SelectWhereEqual(x, x, TV.Zero, x));

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV>
        {
            // y = x² > 0 means x = √y > 0: the slope 2√y (the square root rounds once more).
            var root = TV.Sqrt(y);
            return TV.SelectWhereGreater(y, TV.Zero, (dy * root) * TV.Create(2.0), TV.SelectWhereEqual(y, y, TV.Zero, y));
        }
    }
}
