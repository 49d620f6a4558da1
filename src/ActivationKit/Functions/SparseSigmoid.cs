using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Sparse sigmoid: clamp((x + 1)/2, 0, 1) (Blondel, Martins &amp; Niculae, 2020). The sigmoid's "sparse" twin, exactly 0
/// below −1 and exactly 1 above 1, and the derivative of <see cref="SparsePlus"/> as the sigmoid is of softplus.
/// </summary>
/// <remarks>
/// x + 1 rounds at most once and halving is exact (x + 1 is 0 or at least 2⁻²⁴ next to −1, never subnormal), so every
/// float and double result is correctly rounded, with no carried parts. sparse_sigmoid(0) = 1/2, (±1) = 1 / 0,
/// (±∞) = 1 / 0, NaN → NaN. At the kinks ±1 the derivative is taken as 0, as the hard sigmoid's is. The one input just
/// below 1 (1 − 2⁻²⁴ in float, 1 − 2⁻⁵³ in double) rounds to y = 1 (the tie goes to even), so its gradient from the
/// output is 0 instead of ½; the gradient from the input is ½.
/// </remarks>
public sealed class SparseSigmoid : OutputGradientActivation<SparseSigmoid.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "sparse_sigmoid",
        Aliases = ["sparsesigmoid"],
        DisplayName = "Sparse sigmoid",
        Summary = "A piecewise-linear sigmoid that is exactly 0 below −1 and exactly 1 above 1, the slope of sparse plus.",
        Family = Family.Sigmoidal,
        Formula = "min(max((x + 1)/2, 0), 1)",
        Derivative = "1/2 if −1 < x < 1 else 0",
        FormulaLatex = @"\begin{cases}0 & x \le -1\\ \tfrac{1}{2}(x + 1) & -1 < x < 1\\ 1 & x \ge 1\end{cases}",
        DerivativeLatex = @"\begin{cases}\tfrac{1}{2} & -1 < x < 1\\ 0 & \text{otherwise}\end{cases}",
        Range = "[0, 1]",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = false,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 0.3790146 (mpmath).
        Gain = 1.6243215587888255,
        TypicalUses = ["gates and probabilities that should reach exactly 0 or 1 (sparse attention, Fenchel–Young losses)", "a cheap sigmoid where exp is costly"],
        Problems = KnownProblem.DyingUnits | KnownProblem.VanishingGradients | KnownProblem.Saturation | KnownProblem.NotZeroCentred | KnownProblem.NonDifferentiable,
        Origin = new("Blondel, Martins & Niculae, Learning with Fenchel-Young Losses", 2020, "arXiv:1901.02324") { Venue = "JMLR", Note = "section 6.2" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("none", "Not in torch.nn; write torch.clamp((x + 1) / 2, 0, 1), whose autograd gives f′(±1) = 1/2 (here 0)."),
            ["keras"] = new("keras.activations.sparse_sigmoid", "Keras 3; the same function."),
            ["jax"] = new("jax.nn.sparse_sigmoid", "The same function."),
            ["onnx"] = new("HardSigmoid(alpha = 0.5, beta = 0.5)", "max(0, min(1, alpha·x + beta)) with these constants is this function."),
            ["onednn"] = new("eltwise_hardsigmoid (alpha = 1/2, beta = 1/2)", "oneDNN computes max(0, min(1, alpha·x + beta))."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.5), new(-0.0, 0.5), new(1.0, 1.0), new(-1.0, 0.0), new(0.5, 0.75), new(-0.5, 0.25), new(double.PositiveInfinity, 1.0), new(double.NegativeInfinity, 0.0), new(100.0, 1.0), new(-100.0, 0.0)],
        Kinks = [-1.0, 1.0],
    };

    /// <summary>Creates the sparse sigmoid.</summary>
    public SparseSigmoid()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x <= -1) return 0.0;
        if (x >= 1) return 1.0;
        return (x + 1.0) / 2.0;
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > -1 && x < 1 ? 0.5 : 0.0;

    /// <summary>The sparse-sigmoid arithmetic, the same in float and double lanes: one rounding of x + 1, an exact halving.</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV x) where TV : struct, IVec<TV> => Of(x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV> => VMath.ClampedSlope(x, -1.0, 1.0, dy * TV.Create(0.5));

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => VMath.ClampedSlope(y, 0.0, 1.0, dy * TV.Create(0.5));

        /// <summary>
        /// min(1, max(0, (x + 1)·½)): the constants are Max's and Min's first operands, so a NaN x stays NaN; ±∞
        /// clamp to 1 and 0.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static TV Of<TV>(TV x) where TV : struct, IVec<TV> =>
            TV.Min(TV.One, TV.Max(TV.Zero, (x + TV.One) * TV.Create(0.5)));
    }
}
