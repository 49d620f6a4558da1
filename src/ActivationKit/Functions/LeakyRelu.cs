using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;
using System.Globalization;

namespace ActivationKit.Functions;

/// <summary>
/// Leaky ReLU: x if x &gt; 0, else negative_slope·x (Maas, Hannun &amp; Ng, 2013). ReLU with a small slope for negative
/// inputs so units never stop receiving gradient.
/// </summary>
/// <remarks>
/// The slope is rounded to the data's precision and x·slope rounds once, so results are correctly rounded products
/// (and equal PyTorch's, which computes the same thing). For float data, a slope whose float would not be a normal
/// number (beyond ±3.4e38 in magnitude, or nonzero below 1.2e−38) is kept as given and x·slope is formed in double:
/// rounding it would change the function (leaky(0) = 0·∞ = NaN, leaky(−3e38) = −0 for a slope of 1e−50).
/// leaky(−0) = −0, leaky(+∞) = +∞, leaky(−∞) = −∞, leaky(NaN) = NaN. The derivative at 0 is the slope (PyTorch's convention, "x &gt; 0 ? 1 : slope"). With slope ≥ 0, y &gt; 0 exactly
/// when x &gt; 0 (x·slope underflows to −0, never to a positive number), so the derivative is also available from the output;
/// a negative slope makes y &gt; 0 ambiguous and <see cref="Activation.BackwardFromOutput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/>
/// then throws.
/// </remarks>
public sealed class LeakyRelu : OutputGradientActivation<LeakyRelu.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "leaky_relu",
        Aliases = ["lrelu", "leaky_rectifier"],
        DisplayName = "Leaky ReLU",
        Summary = "ReLU that leaks a small slope (default 0.01) for negative inputs, so no unit's gradient is ever exactly zero.",
        Family = Family.Rectifier,
        Formula = "x if x > 0 else negative_slope·x",
        Derivative = "1 if x > 0 else negative_slope",
        FormulaLatex = @"\begin{cases}x & x > 0\\ \alpha x & x \le 0\end{cases}",
        DerivativeLatex = @"\begin{cases}1 & x > 0\\ \alpha & x \le 0\end{cases}",
        Parameters =
        [
            new("negative_slope", 0.01, "Slope α for x ≤ 0 (finite; negative values are allowed but break the from-output gradient)."),
        ],
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.He,
        // calculate_gain('leaky_relu', 0.01) = √(2/(1 + slope²)); InitGain gives it at other slopes.
        Gain = Math.Sqrt(2.0 / (1.0 + (0.01 * 0.01))),
        TypicalUses = ["hidden layers where dying ReLUs are a problem", "GAN discriminators (slope 0.2)", "acoustic models"],
        Problems = KnownProblem.NonDifferentiable | KnownProblem.UnboundedOutput | KnownProblem.NotZeroCentred,
        Origin = new("Maas, Hannun & Ng, Rectifier Nonlinearities Improve Neural Network Acoustic Models", 2013) { Venue = "ICML Workshop on Deep Learning for Audio, Speech and Language Processing" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.LeakyReLU(negative_slope=0.01)", "Same default; PyTorch's calculate_gain('leaky_relu', a) = sqrt(2/(1 + a²))."),
            ["keras"] = new("keras.layers.LeakyReLU(negative_slope=0.3) / keras.activations.leaky_relu(x, negative_slope=0.2)", "Different defaults: the Keras layer uses 0.3 (named alpha in Keras 2), the Keras 3 function 0.2; pass 0.01 to match."),
            ["jax"] = new("jax.nn.leaky_relu(x, negative_slope=0.01)", "Same default, but JAX's gradient at exactly 0 is 1 (it tests x >= 0); ours is the slope."),
            ["onnx"] = new("LeakyRelu(alpha = 0.01)", "Same default."),
            ["onednn"] = new("eltwise_relu (alpha = negative_slope)", "oneDNN's relu takes the slope as alpha; relu_use_dst_for_bwd needs alpha ≥ 0."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(1.0, 1.0), new(-1.0, -0.01), new(-100.0, -1.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, double.NegativeInfinity), new(1e-40, 1e-40)],
        Kinks = [0.0],
    };

    private readonly double _slope;

    /// <summary>Creates leaky ReLU with slope <paramref name="negativeSlope"/> for x ≤ 0.</summary>
    /// <exception cref="ArgumentException">The slope is NaN or infinite.</exception>
    public LeakyRelu(double negativeSlope = 0.01)
        : base(Definition, negativeSlope)
    {
        _slope = negativeSlope;
    }

    /// <inheritdoc />
    // The slopes the float lanes take are rounded; the others run in double lanes as given (the kernel decides which).
    public override ElementwiseActivation ForFloatData => IsFloat(_slope) || !Kernel.FloatLanesApply ? this : new LeakyRelu((float)_slope);

    /// <summary>The slope for x ≤ 0.</summary>
    public double NegativeSlope => _slope;

    /// <summary>True when the slope is ≥ 0, so the sign of y tells which branch x was on.</summary>
    public override bool SupportsBackwardFromOutput => _slope >= 0;

    /// <inheritdoc />
    // negative_slope = 1 is the identity, which has no kink.
    public override IReadOnlyList<double> Kinks => _slope == 1 ? [] : Info.Kinks;

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(_slope);

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x > 0 ? x : _slope * x;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > 0 ? 1.0 : _slope;

    /// <inheritdoc />
    protected override void RequireBackwardFromOutput()
    {
        if (_slope < 0)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"leaky_relu: with negative_slope = {_slope:R} < 0 a positive output can come from either branch, so the gradient cannot be recovered from the output; use Backward with the input."));
        }
    }

    /// <summary>The leaky-ReLU arithmetic; the slope is rounded to the data's precision.</summary>
    public readonly struct Kernel_(double slope) : IOutputGradientKernel
    {
        private readonly LaneValue _slope = new(slope);

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />
        public static bool FloatLanesDependOnParameters => true;

        /// <inheritdoc />
        // A slope that is no normal float runs in double lanes (float data widened), as given.
        public bool FloatLanesApply => _slope.FitsFloat;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
            // NaN·slope is NaN, so NaN needs no special case.
            => TV.SelectWhereGreater(x, TV.Zero, x, x * _slope.In<TV>());

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            => TV.SelectWhereGreater(x, TV.Zero, dy, TV.SelectWhereEqual(x, x, dy * _slope.In<TV>(), x));

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => Backward(y, dy);
    }
}
