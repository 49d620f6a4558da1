using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;
using System.Globalization;

namespace ActivationKit.Functions;

/// <summary>
/// Thresholded ReLU: x if x &gt; θ, else 0 (Konda, Memisevic &amp; Krueger, 2015). A ReLU that also zeroes small positive
/// inputs, with a jump of height θ at θ.
/// </summary>
/// <remarks>
/// Exact; θ is rounded to the data's precision. Zero and −0 map to +0 (for θ ≥ 0), NaN passes through, +∞ → +∞,
/// −∞ → 0. The derivative is 1 for x &gt; θ and 0 otherwise. For θ ≥ 0 the output is either 0 (x ≤ θ) or greater than θ
/// (x &gt; θ), so the derivative is available from the output; for θ &lt; 0 an output of 0 could come from x = 0 (slope 1)
/// or from x ≤ θ (slope 0), and <see cref="Activation.BackwardFromOutput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> throws.
/// </remarks>
public sealed class ThresholdedRelu : OutputGradientActivation<ThresholdedRelu.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "thresholded_relu",
        // TRec of Konda, Memisevic & Krueger. Their other unit, TLin ("thresholded linear"), is x·[|x| > θ], symmetric:
        // hardshrink with lambd = θ (θ = 1 there), not this function, so it is no alias here.
        Aliases = ["trec"],
        DisplayName = "Thresholded ReLU",
        Summary = "Passes x only above a threshold θ (default 1) and outputs 0 otherwise: ReLU with a dead zone.",
        Family = Family.Rectifier,
        Formula = "x if x > theta else 0",
        Derivative = "1 if x > theta else 0",
        FormulaLatex = @"\begin{cases}x & x > \theta\\ 0 & x \le \theta\end{cases}",
        DerivativeLatex = @"\begin{cases}1 & x > \theta\\ 0 & x \le \theta\end{cases}",
        Parameters =
        [
            new("theta", 1.0, "Inputs at or below θ are zeroed (ONNX's alpha, Keras 2's theta)."),
        ],
        Range = "{0} ∪ (1, ∞)",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.Discontinuous,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = false,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain), θ = 1: E = φ(1) + Φ(−1) = 0.4006260.
        Gain = 1.5799030817610499,
        TypicalUses = ["zero-bias autoencoders (TRec units; their symmetric TLin units are hardshrink with lambd = θ)", "sparse codes that ignore small responses"],
        Problems = KnownProblem.DyingUnits | KnownProblem.NotZeroCentred | KnownProblem.NonDifferentiable | KnownProblem.UnboundedOutput,
        Origin = new("Konda, Memisevic & Krueger, Zero-bias autoencoders and the benefits of co-adapting features", 2015, "arXiv:1402.3337") { Venue = "ICLR", Note = "the TRec unit" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Threshold(theta, 0)", "No dedicated module; nn.Threshold with value 0 is the same function."),
            ["keras"] = new("keras.layers.ThresholdedReLU(theta=1.0)", "Keras 2 only (removed in Keras 3). keras.layers.ReLU(threshold=θ) is close but returns θ, not 0, at x = θ."),
            ["jax"] = new("none", "Write jnp.where(x > theta, x, 0)."),
            ["onnx"] = new("ThresholdedRelu(alpha = 1.0)", "Same default (opset 10+)."),
            ["onednn"] = new("none"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, 0.0), new(1.0, 0.0), new(0.5, 0.0), new(1.5, 1.5), new(-3.0, 0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, 0.0)],
        Kinks = [1.0],
    };

    private readonly double _theta;

    /// <summary>Creates thresholded ReLU with threshold <paramref name="theta"/>.</summary>
    /// <exception cref="ArgumentException">θ is NaN or infinite.</exception>
    public ThresholdedRelu(double theta = 1.0)
        : base(Definition, theta)
    {
        _theta = theta;
    }

    /// <inheritdoc />
    public override ElementwiseActivation ForFloatData => IsFloat(_theta) ? this : new ThresholdedRelu(AsFloat(_theta));

    /// <summary>The jump at θ.</summary>
    public override IReadOnlyList<double> Kinks => [_theta];

    /// <summary>True when θ ≥ 0, so an output of 0 can only come from x ≤ θ.</summary>
    public override bool SupportsBackwardFromOutput => _theta >= 0;

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(_theta);

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x > _theta ? x : 0.0;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > _theta ? 1.0 : 0.0;

    /// <inheritdoc />
    protected override void RequireBackwardFromOutput()
    {
        if (_theta < 0)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"thresholded_relu: with theta = {_theta:R} < 0 an output of 0 can come from x = 0 (slope 1) or from x ≤ theta (slope 0), so the gradient cannot be recovered from the output; use Backward with the input."));
        }
    }

    /// <summary>The thresholded-ReLU arithmetic.</summary>
    public readonly struct Kernel_(double theta) : IOutputGradientKernel
    {
        private readonly LaneValue _theta = LaneValue.Bound(theta);

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
            // x ≤ θ is false for NaN, so NaN passes through.
            => TV.SelectWhereLessOrEqual(x, _theta.In<TV>(), TV.Zero, x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            => TV.SelectWhereGreater(x, _theta.In<TV>(), dy, TV.SelectWhereEqual(x, x, TV.Zero, x));

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => Backward(y, dy);
    }
}
