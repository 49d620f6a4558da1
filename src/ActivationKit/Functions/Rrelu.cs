using System.Numerics;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using System.Globalization;

namespace ActivationKit.Functions;

/// <summary>
/// Randomized leaky ReLU: x if x &gt; 0, else a·x, where in training a is drawn uniformly from [lower, upper] for every
/// element and at inference a = (lower + upper)/2 (Xu, Wang, Chen &amp; Li, 2015).
/// </summary>
/// <remarks>
/// <para>
/// An instance is in inference mode unless created with a seed (<see cref="Train(ulong)"/> or
/// <see cref="Rrelu(double, double, ulong)"/>); the catalog creates inference instances, which are exactly leaky ReLU with
/// slope (lower + upper)/2 (<see cref="Reference"/> and <see cref="ReferenceDerivative"/> describe that mode).
/// </para>
/// <para>
/// In training mode the slope of element <c>index</c> is a pure function of (seed, index): the index-th output of a
/// SplitMix64 generator (Steele, Lea &amp; Flood, 2014) keyed by the mixed seed, taken to 53 bits u ∈ [0, 1), and
/// a = lower + (upper − lower)·u, rounded to the data's precision (taken on halves where upper − lower overflows). Results therefore do not depend on vector width or
/// on how a buffer is split, and <see cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> sees the very
/// slopes the forward used without storing them. The index counts from the start of each call; to process a buffer in
/// pieces, pass each piece's offset to the <c>…At</c> methods (e.g. <see cref="ForwardAt(ReadOnlySpan{float}, Span{float}, long)"/>).
/// A fresh seed per training step gives fresh noise. PyTorch draws from its global generator, so its samples differ.
/// </para>
/// <para>
/// rrelu(−0) = −0, rrelu(±∞) = ±∞, NaN → NaN; the derivative at 0 is the slope. With lower ≥ 0 every slope is ≥ 0, y &gt; 0
/// exactly when x &gt; 0, and the derivative is available from the output (in training mode from the same index).
/// </para>
/// </remarks>
public sealed class Rrelu : ElementwiseActivation
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "rrelu",
        Aliases = ["randomized_leaky_relu", "randomized_relu"],
        DisplayName = "RReLU",
        Summary = "Leaky ReLU with a random slope per element in training (uniform in [1/8, 1/3]) and the mean slope at inference.",
        Family = Family.Rectifier,
        Formula = "x if x > 0 else a·x;  a ~ U(lower, upper) in training, a = (lower + upper)/2 at inference",
        Derivative = "1 if x > 0 else a (the same a as the forward)",
        FormulaLatex = @"\begin{cases}x & x > 0\\ a\,x & x \le 0\end{cases},\quad a \sim \mathcal{U}(l, u)\ \text{(training)},\ a = \tfrac{l + u}{2}\ \text{(inference)}",
        DerivativeLatex = @"\begin{cases}1 & x > 0\\ a & x \le 0\end{cases}",
        Parameters =
        [
            new("lower", 0.125, "Lower bound of the slope distribution (finite, ≤ upper)."),
            new("upper", 1.0 / 3.0, "Upper bound of the slope distribution (finite, ≥ lower)."),
        ],
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain) of the inference function, leaky_relu
        // with slope (lower + upper)/2.
        Gain = Math.Sqrt(2.0 / (1.0 + (((0.125 + (1.0 / 3.0)) / 2) * ((0.125 + (1.0 / 3.0)) / 2)))),
        TypicalUses = ["regularising small-data CNNs (the paper's CIFAR and Kaggle NDSB results)", "leaky ReLU with noise as a regulariser"],
        Problems = KnownProblem.NonDifferentiable | KnownProblem.UnboundedOutput | KnownProblem.NotZeroCentred,
        Origin = new("Xu, Wang, Chen & Li, Empirical Evaluation of Rectified Activations in Convolutional Network", 2015, "arXiv:1505.00853") { Venue = "ICML Deep Learning Workshop" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.RReLU(lower=1/8, upper=1/3)", "Same defaults and inference slope; training samples come from PyTorch's global generator. The paper writes the slope as 1/a with a ~ U(3, 8)."),
            ["keras"] = new("none", "TensorFlow Addons had tfa.activations.rrelu (same defaults); Addons is discontinued."),
            ["jax"] = new("none"),
            ["onnx"] = new("none", "An inference-mode export is LeakyRelu(alpha = (lower + upper)/2)."),
            ["onednn"] = new("none", "At inference use eltwise_relu with alpha = (lower + upper)/2."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(1.0, 1.0), new(-1.0, -((0.125 + (1.0 / 3.0)) / 2)), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, double.NegativeInfinity), new(1e-40, 1e-40)],
        Kinks = [0.0],
    };

    private readonly double _lower;
    private readonly double _upper;
    private readonly double _mean;
    private readonly ulong _key;

    /// <summary>Creates RReLU in inference mode (slope (lower + upper)/2).</summary>
    /// <exception cref="ArgumentException">A bound is not finite, or <paramref name="lower"/> &gt; <paramref name="upper"/>.</exception>
    public Rrelu(double lower = 0.125, double upper = 1.0 / 3.0)
        : base(Definition, lower, upper)
    {
        if (lower > upper)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"rrelu: lower ({ParameterSpec.Fmt(lower)}) must not be greater than upper ({ParameterSpec.Fmt(upper)})."), "lower");
        }

        _lower = lower;
        _upper = upper;
        // Halves first where the sum overflows (bounds near ±1.8e308: rrelu(1e308, 1.5e308) had slope +∞); halving
        // such bounds is exact, so this is the correctly rounded mean, as the sum over 2 is everywhere else.
        double sum = lower + upper;
        _mean = double.IsFinite(sum) ? sum / 2 : (lower / 2) + (upper / 2);
    }

    /// <summary>Creates RReLU in training mode: random slopes drawn from (<paramref name="seed"/>, element index).</summary>
    /// <exception cref="ArgumentException">A bound is not finite, or <paramref name="lower"/> &gt; <paramref name="upper"/>.</exception>
    public Rrelu(double lower, double upper, ulong seed)
        : this(lower, upper)
    {
        Training = true;
        Seed = seed;
        _key = Mix(seed);
    }

    /// <summary>True in training mode (random slopes), false in inference mode (mean slope).</summary>
    public bool Training { get; }

    /// <summary>The seed of the training-mode slopes (0 and unused in inference mode).</summary>
    public ulong Seed { get; }

    /// <summary>Lower bound of the slopes.</summary>
    public double Lower => _lower;

    /// <summary>Upper bound of the slopes.</summary>
    public double Upper => _upper;

    /// <summary>The inference-mode slope (lower + upper)/2.</summary>
    public double InferenceSlope => _mean;

    /// <summary>True when lower ≥ 0: every slope is ≥ 0, so the sign of y tells which branch x was on.</summary>
    public override bool SupportsBackwardFromOutput => _lower >= 0;

    /// <summary>The same bounds in training mode with the given seed (use a new seed per step for fresh noise).</summary>
    public Rrelu Train(ulong seed) => new(_lower, _upper, seed);

    /// <summary>The same bounds in inference mode.</summary>
    public Rrelu Eval() => new(_lower, _upper);

    /// <summary>
    /// The slope applied to element <paramref name="index"/> (counted from the start of a call, plus the offset passed to the
    /// <c>…At</c> methods), in double; float data uses it rounded to float. Inference mode: (lower + upper)/2 for every index.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public double SlopeAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return Training ? new RandomSlopes(_lower, _upper, _key).At(index) : _mean;
    }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0)
    {
        RequireColumns(columns);
        ForwardAt(x, y, 0);
    }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0)
    {
        RequireColumns(columns);
        ForwardAt(x, y, 0);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
    {
        RequireColumns(columns);
        BackwardAt(x, dy, dx, 0);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
    {
        RequireColumns(columns);
        BackwardAt(x, dy, dx, 0);
    }

    /// <inheritdoc />
    public override void BackwardFromOutput(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
    {
        RequireColumns(columns);
        BackwardFromOutputAt(y, dy, dx, 0);
    }

    /// <inheritdoc />
    public override void BackwardFromOutput(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
    {
        RequireColumns(columns);
        BackwardFromOutputAt(y, dy, dx, 0);
    }

    /// <summary>Forward where element i uses the slope of index <paramref name="firstIndex"/> + i (training mode).</summary>
    public void ForwardAt(ReadOnlySpan<float> x, Span<float> y, long firstIndex) => ForwardCore(x, y, firstIndex);

    /// <summary>Forward for double data where element i uses the slope of index <paramref name="firstIndex"/> + i.</summary>
    public void ForwardAt(ReadOnlySpan<double> x, Span<double> y, long firstIndex) => ForwardCore(x, y, firstIndex);

    /// <summary>dx = dy·f′(x) where element i uses the slope of index <paramref name="firstIndex"/> + i.</summary>
    public void BackwardAt(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, long firstIndex) => BackwardCore(x, dy, dx, firstIndex, "x");

    /// <summary>dx = dy·f′(x) for double data where element i uses the slope of index <paramref name="firstIndex"/> + i.</summary>
    public void BackwardAt(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, long firstIndex) => BackwardCore(x, dy, dx, firstIndex, "x");

    /// <summary>dx from the output y, element i using the slope of index <paramref name="firstIndex"/> + i. Needs lower ≥ 0.</summary>
    /// <exception cref="NotSupportedException">lower &lt; 0.</exception>
    public void BackwardFromOutputAt(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, long firstIndex)
    {
        RequireNonNegativeLower();
        BackwardCore(y, dy, dx, firstIndex, "y");
    }

    /// <summary>dx from the output y for double data. Needs lower ≥ 0.</summary>
    /// <exception cref="NotSupportedException">lower &lt; 0.</exception>
    public void BackwardFromOutputAt(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, long firstIndex)
    {
        RequireNonNegativeLower();
        BackwardCore(y, dy, dx, firstIndex, "y");
    }

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x > 0 ? x : _mean * x;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > 0 ? 1.0 : _mean;

    /// <summary>The SplitMix64 output function (Steele, Lea &amp; Flood, 2014): a bijective 64-bit mix.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private void ForwardCore<T>(ReadOnlySpan<T> x, Span<T> y, long firstIndex)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        if (!Training)
        {
            Run(x, y);
            return;
        }

        RequireFloatSlopes<T>();
        SlopeDriver.Forward(new RandomSlopes(_lower, _upper, _key), x, y, firstIndex);
    }

    private void BackwardCore<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> dy, Span<T> dx, long firstIndex, string aName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        if (!Training)
        {
            // With the mean slope ≥ 0 the from-output form is the same select as the from-input one.
            RunBackward(a, dy, dx);
            return;
        }

        RequireFloatSlopes<T>();
        SlopeDriver.Backward(new RandomSlopes(_lower, _upper, _key), a, dy, dx, firstIndex, aName);
    }

    /// <summary>
    /// Training-mode slopes are rounded to the data's precision; for float data a bound beyond ±3.4e38 would give
    /// infinite slopes (and 0·∞ = NaN), so such bounds are refused there (inference mode runs them in double lanes).
    /// </summary>
    private void RequireFloatSlopes<T>()
    {
        if (typeof(T) == typeof(float) && Math.Max(Math.Abs(_lower), Math.Abs(_upper)) > float.MaxValue)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"rrelu: training-mode slopes are rounded to float for float data, and the bounds [{_lower:R}, {_upper:R}] reach beyond float's ±3.4e38; use double data or smaller bounds."));
        }
    }

    private void Run<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var kernel = new LeakyRelu.Kernel_(_mean);
        if (typeof(T) == typeof(float)) ElementwiseDriver.Forward(kernel, Cast<T, float>(x), Cast<T, float>(y));
        else ElementwiseDriver.Forward(kernel, Cast<T, double>(x), Cast<T, double>(y));
    }

    private void RunBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var kernel = new LeakyRelu.Kernel_(_mean);
        if (typeof(T) == typeof(float)) ElementwiseDriver.Backward(kernel, Cast<T, float>(a), Cast<T, float>(dy), Cast<T, float>(dx));
        else ElementwiseDriver.Backward(kernel, Cast<T, double>(a), Cast<T, double>(dy), Cast<T, double>(dx));
    }

    private static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> span)
        where TFrom : struct
        where TTo : struct
        => System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, TTo>(span);

    private static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> span)
        where TFrom : struct
        where TTo : struct
        => System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, TTo>(span);

    private void RequireNonNegativeLower()
    {
        if (_lower < 0)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"rrelu: with lower = {_lower:R} < 0 a slope can be negative, so a positive output can come from either branch and the gradient cannot be recovered from the output; use Backward with the input."));
        }
    }

    /// <summary>Slope of element i: lower + (upper − lower)·u(i), u(i) the i-th SplitMix64 output of the key, to 53 bits.</summary>
    private readonly struct RandomSlopes : ISlopeSource
    {
        private readonly double _lower;
        private readonly double _width;
        private readonly double _upper;
        private readonly bool _halved;
        private readonly ulong _key;

        public RandomSlopes(double lower, double upper, ulong key)
        {
            // Bounds of opposite signs near ±1.8e308 have a width beyond the doubles (rrelu(−1e308, 1e308) gave the
            // slope +∞): the slope is then taken on the halves, 2·(lower/2 + (upper/2 − lower/2)·u), exact halvings for
            // such bounds, so the same value as the plain form would give without the overflow. Other bounds keep the
            // plain form and its bits.
            _halved = !double.IsFinite(upper - lower);
            _lower = _halved ? lower / 2 : lower;
            _width = _halved ? (upper / 2) - (lower / 2) : upper - lower;
            _upper = upper;
            _key = key;
        }

        public double At(long index)
        {
            ulong bits = Mix(unchecked(_key + (((ulong)index + 1UL) * Golden)));
            double u = (bits >> 11) * (1.0 / (1UL << 53));
            if (!_halved) return _lower + (_width * u);

            // Doubling a sum that rounded up past upper/2 would leave [lower, upper] (+∞ for upper = double.MaxValue).
            return Math.Min(2 * (_lower + (_width * u)), _upper);
        }

        public void Fill<T>(long firstIndex, Span<T> destination) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            for (int k = 0; k < destination.Length; k++) destination[k] = T.CreateTruncating(At(firstIndex + k));
        }
    }
}
