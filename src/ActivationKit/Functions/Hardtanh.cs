using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;
using System.Globalization;

namespace ActivationKit.Functions;

/// <summary>
/// Hard tanh: clamp(x, min_val, max_val), by default to [−1, 1]. A piecewise-linear tanh, identity in between.
/// </summary>
/// <remarks>
/// Exact (a clamp rounds nothing once the bounds are in the data's precision). hardtanh(−0) = −0, hardtanh(±∞) = the
/// bounds, hardtanh(NaN) = NaN. The derivative is 1 strictly inside (min_val, max_val) and 0 at and beyond the bounds,
/// as in PyTorch; because the clamp is exact, y lies strictly inside exactly when x does, so the derivative is also
/// available from the output. min_val &gt; max_val is rejected; min_val = max_val gives a constant.
/// </remarks>
public sealed class Hardtanh : OutputGradientActivation<Hardtanh.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "hardtanh",
        Aliases = ["hard_tanh", "clip", "clamp"],
        DisplayName = "Hard tanh",
        Summary = "Clamps the input to [min_val, max_val] (default [−1, 1]): a cheap, exact, piecewise-linear tanh.",
        Family = Family.Sigmoidal,
        Formula = "min(max(x, min_val), max_val)",
        Derivative = "1 if min_val < x < max_val else 0",
        FormulaLatex = @"\min(\max(x, a), b)",
        DerivativeLatex = @"\begin{cases}1 & a < x < b\\ 0 & \text{otherwise}\end{cases}",
        Parameters =
        [
            new("min_val", -1.0, "Lower bound of the output; must not exceed max_val; −∞ for none.") { MinExclusive = false },
            new("max_val", 1.0, "Upper bound of the output; must not be below min_val; ∞ for none.") { MaxExclusive = false },
        ],
        Range = "[−1, 1]",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = true,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain), [−1, 1]; E = 0.5160586 (mpmath).
        Gain = 1.3920361404483098,
        TypicalUses = ["bounded activations in NLP models (SENNA)", "clipping to a known range", "binarised and quantised networks (straight-through estimator window)"],
        Problems = KnownProblem.Saturation | KnownProblem.VanishingGradients | KnownProblem.NonDifferentiable,
        Origin = new("Collobert et al., Natural Language Processing (Almost) from Scratch", 2011) { Venue = "JMLR", Note = "the HardTanh layer of Torch" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Hardtanh(min_val=-1.0, max_val=1.0)", "Same defaults and the same zero gradient at the bounds."),
            ["keras"] = new("keras.activations.hard_tanh", "Keras 3 only, fixed to [−1, 1]; no bounds parameters."),
            ["jax"] = new("jax.nn.hard_tanh", "Fixed to [−1, 1]; written with strict comparisons, so its gradient at ±1 is 1 (here 0, as in PyTorch)."),
            ["onnx"] = new("Clip(min = min_val, max = max_val)", "min and max are inputs since opset 11 (attributes before)."),
            ["onednn"] = new("eltwise_clip_v2 (alpha = min_val, beta = max_val)", "clip_v2 has PyTorch's zero gradient at both bounds; the older eltwise_clip passes the gradient at x = beta."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(0.5, 0.5), new(-0.5, -0.5), new(2.0, 1.0), new(-2.0, -1.0), new(double.PositiveInfinity, 1.0), new(double.NegativeInfinity, -1.0), new(1e-40, 1e-40)],
        Kinks = [-1.0, 1.0],
    };

    private readonly double _min;
    private readonly double _max;

    /// <summary>Creates hard tanh with output bounds [<paramref name="minVal"/>, <paramref name="maxVal"/>].</summary>
    /// <exception cref="ArgumentException">A bound is NaN, <paramref name="minVal"/> is +∞ or <paramref name="maxVal"/> −∞, or <paramref name="minVal"/> &gt; <paramref name="maxVal"/>.</exception>
    public Hardtanh(double minVal = -1.0, double maxVal = 1.0)
        : base(Definition, minVal, maxVal)
    {
        if (minVal > maxVal)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"hardtanh: min_val ({ParameterSpec.Fmt(minVal)}) must not be greater than max_val ({ParameterSpec.Fmt(maxVal)})."), "min_val");
        }

        _min = minVal;
        _max = maxVal;
    }

    /// <inheritdoc />
    public override ElementwiseActivation ForFloatData => IsFloat(_min) && IsFloat(_max) ? this : new Hardtanh(AsFloat(_min), AsFloat(_max));

    /// <summary>The kinks at min_val and max_val (none when they are equal: a constant).</summary>
    // An infinite bound is no kink: hardtanh(−∞, ∞) is the identity.
    public override IReadOnlyList<double> Kinks => _min == _max ? [] : [.. new[] { _min, _max }.Where(double.IsFinite)];

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(_min, _max);

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x < _min ? _min : x > _max ? _max : x;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > _min && x < _max ? 1.0 : 0.0;

    /// <summary>The clamp arithmetic; the bounds are rounded to the data's precision.</summary>
    public readonly struct Kernel_(double min, double max) : IOutputGradientKernel
    {
        private readonly LaneValue _min = new(min);
        private readonly LaneValue _max = new(max);

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
            // The bound comes first in Max/Min so a NaN x is returned; −0 survives both (neither bound is strictly beyond it).
            => TV.Min(_max.In<TV>(), TV.Max(_min.In<TV>(), x));

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var inside = TV.And(TV.GreaterThan(x, _min.In<TV>()), TV.LessThan(x, _max.In<TV>()));
            return TV.Select(inside, dy, TV.SelectWhereEqual(x, x, TV.Zero, x));
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => Backward(y, dy);
    }
}
