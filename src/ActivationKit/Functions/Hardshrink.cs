using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Hard shrinkage: x if |x| &gt; λ, else 0 (Donoho &amp; Johnstone's hard thresholding, 1994). Keeps large inputs
/// unchanged and zeroes the dead zone [−λ, λ].
/// </summary>
/// <remarks>
/// Exact; λ is rounded to the data's precision. hardshrink(±0) = +0, hardshrink(±λ) = +0, hardshrink(±∞) = ±∞,
/// NaN → NaN. The function jumps by λ at ±λ. The derivative is 1 for |x| &gt; λ and 0 on [−λ, λ], as in PyTorch; since a
/// kept input is never 0 (|x| &gt; λ ≥ 0), y ≠ 0 exactly when |x| &gt; λ and the derivative is available from the output.
/// </remarks>
public sealed class Hardshrink : OutputGradientActivation<Hardshrink.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "hardshrink",
        Aliases = ["hard_shrink", "hard_threshold", "hard_thresholding"],
        DisplayName = "Hard shrink",
        Summary = "Hard thresholding: zero on [−λ, λ], the input itself outside; keeps large values exactly.",
        Family = Family.Shrinkage,
        Formula = "x if |x| > lambd else 0",
        Derivative = "1 if |x| > lambd else 0",
        FormulaLatex = @"\begin{cases}x & |x| > \lambda\\ 0 & |x| \le \lambda\end{cases}",
        DerivativeLatex = @"\begin{cases}1 & |x| > \lambda\\ 0 & |x| \le \lambda\end{cases}",
        Parameters =
        [
            new("lambd", 0.5, "Half-width λ of the dead zone; must be ≥ 0.") { Min = 0.0 },
        ],
        Range = "(−∞, −0.5) ∪ {0} ∪ (0.5, ∞)",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.Discontinuous,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.Glorot,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain), λ = 0.5; E = 0.9691404 (mpmath).
        Gain = 1.015796354719734,
        TypicalUses = ["sparse coding (iterative hard thresholding)", "denoising in transform domains", "pruning small activations", "the TLin (thresholded linear) units of zero-bias autoencoders, x·[|x| > θ] with θ = 1 (Konda, Memisevic & Krueger, arXiv:1402.3337): hardshrink(lambd=1)"],
        Problems = KnownProblem.DyingUnits | KnownProblem.NonDifferentiable | KnownProblem.UnboundedOutput,
        Origin = new("Donoho & Johnstone, Ideal spatial adaptation by wavelet shrinkage", 1994) { Venue = "Biometrika 81(3)", Note = "hard thresholding" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Hardshrink(lambd=0.5)", "Same default."),
            ["keras"] = new("keras.activations.hard_shrink(x, threshold=0.5)", "Keras 3; the parameter is called threshold."),
            ["jax"] = new("none", "Write jnp.where(jnp.abs(x) > lambd, x, 0)."),
            ["onnx"] = new("Shrink(lambd = λ, bias = 0)", "ONNX's Shrink defaults (lambd = 0.5, bias = 0) are exactly hard shrink."),
            ["onednn"] = new("none"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, 0.0), new(0.5, 0.0), new(-0.5, 0.0), new(0.25, 0.0), new(1.0, 1.0), new(-1.0, -1.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, double.NegativeInfinity)],
        Kinks = [-0.5, 0.5],
    };

    private readonly double _lambda;

    /// <summary>Creates hard shrink with dead-zone half-width <paramref name="lambd"/>.</summary>
    /// <exception cref="ArgumentException">λ is negative, NaN or infinite.</exception>
    public Hardshrink(double lambd = 0.5)
        : base(Definition, lambd)
    {
        _lambda = lambd;
    }

    /// <inheritdoc />
    public override ElementwiseActivation ForFloatData => IsFloat(_lambda) ? this : new Hardshrink(AsFloat(_lambda));

    /// <summary>The jumps at ±λ (none for λ = 0, the identity).</summary>
    public override IReadOnlyList<double> Kinks => _lambda == 0 ? [] : [-_lambda, _lambda];

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(_lambda);

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : Math.Abs(x) > _lambda ? x : 0.0;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : Math.Abs(x) > _lambda ? 1.0 : 0.0;

    /// <summary>The hard-shrink arithmetic; λ is rounded to the data's precision.</summary>
    public readonly struct Kernel_(double lambd) : IOutputGradientKernel
    {
        private readonly LaneValue _lambd = LaneValue.Bound(lambd);

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
            // Testing |x| ≤ λ (false for NaN) keeps NaN; the dead zone gives +0 for both zeros.
            => TV.SelectWhereLessOrEqual(TV.Abs(x), _lambd.In<TV>(), TV.Zero, x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            => TV.SelectWhereGreater(TV.Abs(x), _lambd.In<TV>(), dy, TV.SelectWhereEqual(x, x, TV.Zero, x));

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV>
            => TV.SelectWhereEqual(y, y, TV.SelectWhereEqual(y, TV.Zero, TV.Zero, dy), y);
    }
}
