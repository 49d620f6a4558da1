using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Soft shrinkage: x − λ for x &gt; λ, x + λ for x &lt; −λ, 0 otherwise (Donoho &amp; Johnstone's soft thresholding,
/// 1994). Pulls every input toward 0 by λ and zeroes the dead zone [−λ, λ].
/// </summary>
/// <remarks>
/// λ is rounded to the data's precision and x ∓ λ rounds once (correctly rounded). softshrink(±0) = +0,
/// softshrink(±λ) = +0, softshrink(±∞) = ±∞, NaN → NaN. The derivative is 1 for |x| &gt; λ and 0 on [−λ, λ], as in
/// PyTorch. Since x − λ of two different floats is never 0 (gradual underflow), y ≠ 0 exactly when |x| &gt; λ, so the
/// derivative is available from the output.
/// </remarks>
public sealed class Softshrink : OutputGradientActivation<Softshrink.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "softshrink",
        Aliases = ["soft_shrink", "soft_threshold", "soft_thresholding"],
        DisplayName = "Soft shrink",
        Summary = "Soft thresholding: zero on [−λ, λ] and shifted toward 0 by λ outside, the proximal operator of λ·|x|.",
        Family = Family.Shrinkage,
        Formula = "x − lambd if x > lambd; x + lambd if x < −lambd; else 0",
        Derivative = "1 if |x| > lambd else 0",
        FormulaLatex = @"\begin{cases}x - \lambda & x > \lambda\\ x + \lambda & x < -\lambda\\ 0 & |x| \le \lambda\end{cases}",
        DerivativeLatex = @"\begin{cases}1 & |x| > \lambda\\ 0 & |x| \le \lambda\end{cases}",
        Parameters =
        [
            new("lambd", 0.5, "Half-width λ of the dead zone; must be ≥ 0.") { Min = 0.0 },
        ],
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.Glorot,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain), λ = 0.5; E = 0.4192785 (mpmath).
        Gain = 1.5443605282801334,
        TypicalUses = ["sparse coding and unrolled ISTA/LISTA networks", "wavelet and transform-domain denoising", "sparsifying activations"],
        Problems = KnownProblem.DyingUnits | KnownProblem.NonDifferentiable | KnownProblem.UnboundedOutput,
        Origin = new("Donoho & Johnstone, Ideal spatial adaptation by wavelet shrinkage", 1994) { Venue = "Biometrika 81(3)", Note = "soft thresholding" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Softshrink(lambd=0.5)", "Same default; PyTorch also requires lambd ≥ 0."),
            ["keras"] = new("keras.activations.soft_shrink(x, threshold=0.5)", "Keras 3; the parameter is called threshold."),
            ["jax"] = new("none", "Write jnp.sign(x) * jnp.maximum(jnp.abs(x) - lambd, 0)."),
            ["onnx"] = new("Shrink(lambd = λ, bias = λ)", "ONNX's Shrink defaults are lambd = 0.5, bias = 0 (hard shrink): set bias = lambd."),
            ["onednn"] = new("none"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, 0.0), new(0.5, 0.0), new(-0.5, 0.0), new(0.25, 0.0), new(1.0, 0.5), new(-1.0, -0.5), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, double.NegativeInfinity)],
        Kinks = [-0.5, 0.5],
    };

    private readonly double _lambda;

    /// <summary>Creates soft shrink with dead-zone half-width <paramref name="lambd"/>.</summary>
    /// <exception cref="ArgumentException">λ is negative, NaN or infinite.</exception>
    public Softshrink(double lambd = 0.5)
        : base(Definition, lambd)
    {
        _lambda = lambd;
    }

    /// <inheritdoc />
    public override ElementwiseActivation ForFloatData => IsFloat(_lambda) ? this : new Softshrink(AsFloat(_lambda));

    /// <summary>The kinks at ±λ (none for λ = 0, the identity).</summary>
    public override IReadOnlyList<double> Kinks => _lambda == 0 ? [] : [-_lambda, _lambda];

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(_lambda);

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > _lambda) return x - _lambda;
        if (x < -_lambda) return x + _lambda;
        return 0.0;
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : Math.Abs(x) > _lambda ? 1.0 : 0.0;

    /// <summary>The soft-shrink arithmetic; λ is rounded to the data's precision.</summary>
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
        {
            var l = _lambd.In<TV>();
            var outer = TV.SelectWhereGreater(x, l, x - l, x + l);
            // |x| > λ is false for NaN, so NaN is kept separately; the dead zone gives +0 for both zeros.
            return TV.SelectWhereGreater(TV.Abs(x), l, outer, TV.SelectWhereEqual(x, x, TV.Zero, x));
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            => TV.SelectWhereGreater(TV.Abs(x), _lambd.In<TV>(), dy, TV.SelectWhereEqual(x, x, TV.Zero, x));

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV>
            // y = 0 (either sign) exactly on the dead zone; NaN ≠ 0 would pick dy, so NaN is tested first.
            => TV.SelectWhereEqual(y, y, TV.SelectWhereEqual(y, TV.Zero, TV.Zero, dy), y);
    }
}
