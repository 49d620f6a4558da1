using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;
using System.Globalization;

namespace ActivationKit.Functions;

/// <summary>
/// Threshold: x if x &gt; threshold, else value (Torch's nn.Threshold). A ReLU whose cut point and replacement value are
/// free; with the defaults (0, 0) it is exactly ReLU.
/// </summary>
/// <remarks>
/// PyTorch's <c>nn.Threshold(threshold, value)</c> has no defaults; ours are threshold = 0 and value = 0 so that the
/// catalog can create it by name, which makes the default instance ReLU. Exact. NaN passes through (NaN ≤ threshold is
/// false), as in PyTorch. The derivative is 1 for x &gt; threshold and 0 otherwise. When value ≤ threshold the output tells
/// the branch (y &gt; threshold exactly when x &gt; threshold) and the derivative is available from it; when value &gt;
/// threshold it is not, and <see cref="Activation.BackwardFromOutput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> throws.
/// Both parameters are rounded to the data's precision.
/// </remarks>
public sealed class Threshold : OutputGradientActivation<Threshold.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "threshold",
        DisplayName = "Threshold",
        Summary = "Keeps x above a threshold and replaces everything else by a constant; with (0, 0) it is ReLU.",
        Family = Family.Rectifier,
        Formula = "x if x > threshold else value",
        Derivative = "1 if x > threshold else 0",
        FormulaLatex = @"\begin{cases}x & x > \theta\\ v & x \le \theta\end{cases}",
        DerivativeLatex = @"\begin{cases}1 & x > \theta\\ 0 & x \le \theta\end{cases}",
        Parameters =
        [
            new("threshold", 0.0, "Inputs at or below it are replaced (PyTorch has no default; 0 here)."),
            new("value", 0.0, "The replacement for inputs at or below the threshold (PyTorch has no default; 0 here)."),
        ],
        Range = "[0, ∞)",
        PropertiesNote = "At the defaults (threshold = value = 0) this is ReLU. Other parameters make f jump by threshold − value at x = threshold, and when value > threshold it is not monotonic.",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = false,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); at threshold = value = 0 it is ReLU, E = 1/2.
        Gain = Math.Sqrt(2.0),
        TypicalUses = ["ReLU with a shifted cut point", "sparsifying activations above a noise floor", "porting Torch7 models"],
        Problems = KnownProblem.DyingUnits | KnownProblem.NotZeroCentred | KnownProblem.NonDifferentiable | KnownProblem.UnboundedOutput,
        Origin = new("Collobert, Kavukcuoglu & Farabet, Torch7: A Matlab-like Environment for Machine Learning", 2011) { Venue = "BigLearn, NIPS Workshop", Note = "nn.Threshold" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Threshold(threshold, value)", "Both arguments are required in PyTorch; the defaults (0, 0) are ours."),
            ["keras"] = new("keras.activations.threshold(x, threshold, default_value)", "Keras 3; same rule (x > threshold keeps x), both arguments required."),
            ["jax"] = new("none", "Write jnp.where(x > threshold, x, value)."),
            ["onnx"] = new("none", "Build it as Where(Greater(x, threshold), x, value); ThresholdedRelu is the value = 0 case."),
            ["onednn"] = new("none"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, 0.0), new(2.0, 2.0), new(-2.0, 0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, 0.0), new(1e-40, 1e-40), new(-1e-40, 0.0)],
        Kinks = [0.0],
    };

    private readonly double _threshold;
    private readonly double _value;

    /// <summary>Creates the threshold function.</summary>
    /// <exception cref="ArgumentException">A parameter is NaN or infinite.</exception>
    public Threshold(double threshold = 0.0, double value = 0.0)
        : base(Definition, threshold, value)
    {
        _threshold = threshold;
        _value = value;
    }

    /// <inheritdoc />
    public override ElementwiseActivation ForFloatData => IsFloat(_threshold) && IsFloat(_value) ? this : new Threshold(AsFloat(_threshold), AsFloat(_value));

    /// <summary>The jump (or kink) at the threshold.</summary>
    public override IReadOnlyList<double> Kinks => [_threshold];

    /// <summary>True when value ≤ threshold, so the output tells which branch the input took.</summary>
    public override bool SupportsBackwardFromOutput => _value <= _threshold;

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(_threshold, _value);

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x > _threshold ? x : _value;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > _threshold ? 1.0 : 0.0;

    /// <inheritdoc />
    protected override void RequireBackwardFromOutput()
    {
        if (!SupportsBackwardFromOutput)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"threshold: with value ({_value:R}) > threshold ({_threshold:R}) the output value can come from either branch, so the gradient cannot be recovered from the output; use Backward with the input."));
        }
    }

    /// <summary>The threshold arithmetic; both parameters are rounded to the data's precision.</summary>
    public readonly struct Kernel_(double threshold, double value) : IOutputGradientKernel
    {
        private readonly LaneValue _threshold = LaneValue.Bound(threshold);
        private readonly LaneValue _value = new(value);

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
            // Testing x ≤ threshold (false for NaN) rather than x > threshold lets NaN through unchanged.
            => TV.SelectWhereLessOrEqual(x, _threshold.In<TV>(), _value.In<TV>(), x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            => TV.SelectWhereGreater(x, _threshold.In<TV>(), dy, TV.SelectWhereEqual(x, x, TV.Zero, x));

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => Backward(y, dy);
    }
}
