using System.Globalization;

namespace ActivationKit.Catalog;

/// <summary>How a function maps its input.</summary>
public enum ActivationKind
{
    /// <summary>Each output element depends on the matching input element only.</summary>
    Elementwise,

    /// <summary>Each output row depends on the whole input row (softmax and friends) over the last dimension.</summary>
    Rowwise,

    /// <summary>The input row is split in halves [a | b]; the output has half the columns (GLU family).</summary>
    Gated,
}

/// <summary>The family a function belongs to.</summary>
public enum Family
{
    Linear,
    Step,
    Sigmoidal,
    Rectifier,
    SmoothRectifier,
    Gated,
    Shrinkage,
    Periodic,
    Normalising,
    Exponential,
}

/// <summary>Monotonicity of f over the real line (for the default parameters).</summary>
/// <remarks>
/// A property of the mathematical function. The computed values keep the accuracy bound (docs/accuracy.md), not the order
/// of neighbours: where f rises by less than an ulp between two inputs, their results may be rounded apart and step back
/// by one ulp (softplus, sigmoid, tanh, as in every library that does not round correctly).
/// </remarks>
public enum Monotonicity
{
    /// <summary>Strictly increasing.</summary>
    Increasing,

    /// <summary>Increasing but constant on some interval (ReLU, hard tanh, step).</summary>
    NonDecreasing,

    /// <summary>Neither (GELU, SiLU, mish, sin…). Snake is increasing: f′ = 1 + sin(2αx) ≥ 0, zero only at isolated points.</summary>
    NonMonotonic,

    /// <summary>Not defined for a function of a whole row.</summary>
    NotApplicable,
}

/// <summary>How smooth f is.</summary>
public enum Smoothness
{
    /// <summary>Has jumps (binary step, threshold, hard shrink).</summary>
    Discontinuous,

    /// <summary>Continuous with kinks (ReLU, hard tanh): C⁰.</summary>
    Continuous,

    /// <summary>Continuously differentiable but not smooth (ELU with α = 1, squareplus is smooth): C¹.</summary>
    ContinuouslyDifferentiable,

    /// <summary>Infinitely differentiable: C^∞.</summary>
    Smooth,
}

/// <summary>The weight initialisation that keeps activations' variance steady through layers of this function.</summary>
public enum Initialization
{
    /// <summary>He/Kaiming: Var(w) = gain²/fan_in with the function's <see cref="ActivationInfo.Gain"/>.</summary>
    He,

    /// <summary>Glorot/Xavier: Var(w) = gain²·2/(fan_in + fan_out).</summary>
    Glorot,

    /// <summary>LeCun: Var(w) = 1/fan_in whatever the gain (SELU's self-normalising regime; its gain is 1).</summary>
    LeCun,
}

/// <summary>Known problems of an activation function.</summary>
[Flags]
public enum KnownProblem
{
    None = 0,

    /// <summary>Units can get stuck where f′ = 0 on every input and stop learning.</summary>
    DyingUnits = 1,

    /// <summary>
    /// Small slopes shrink gradients through deep stacks: no gradient at all, max |f′| ≤ 1/4, |f′| ≤ 0.05 in both tails
    /// (|x| ≥ 4), or |f′| ≤ 0.05 on [−0.2, 0.2] where f is not 0 (the problem's criterion, which a catalog test checks).
    /// </summary>
    VanishingGradients = 2,

    /// <summary>The outputs' |mean| on standard-normal inputs is over a quarter of their RMS (mostly one sign), so gradient updates zig-zag.</summary>
    NotZeroCentred = 4,

    /// <summary>Needs transcendental functions (exp, erf, tanh): costlier than a comparison.</summary>
    ComputationalCost = 8,

    /// <summary>Has points where the derivative does not exist.</summary>
    NonDifferentiable = 16,

    /// <summary>Outputs are unbounded above, so activations can explode.</summary>
    UnboundedOutput = 32,

    /// <summary>A tail where |f′| falls below 5 % of its peak (the unit stops responding); a zero-valued region is dying units instead.</summary>
    Saturation = 64,

    /// <summary>Works only with a specific initialisation or normalisation.</summary>
    InitialisationSensitive = 128,
}

/// <summary>A parameter of an activation with its default and the values it accepts.</summary>
/// <param name="Name">snake_case name as written in specs, e.g. "negative_slope".</param>
/// <param name="Default">Default value (PyTorch's, where PyTorch has the function).</param>
/// <param name="Description">One sentence on what it does.</param>
/// <remarks>
/// The accepted values are the interval from <see cref="Min"/> to <see cref="Max"/>, each end closed or open. An
/// infinite end is open unless the spec closes it: a parameter without bounds must be finite, and one that accepts an
/// infinity says so (hardtanh's min_val accepts −∞, "[−∞, ∞)"; softplus's threshold accepts ∞, "(0, ∞]"). The printed
/// <see cref="RangeText"/>, <see cref="Validate"/> and its message all follow the same ends, and spell infinities "∞"
/// and "−∞" (the ranges printed "[0, ∞)" while refusing ∞ as "must be finite, got Infinity"; an exploratory tester's
/// finding F4).
/// </remarks>
public sealed record ParameterSpec(string Name, double Default, string Description)
{
    private readonly bool? _minExclusive;
    private readonly bool? _maxExclusive;

    /// <summary>The lower end of the accepted values (−∞ when there is none).</summary>
    public double Min { get; init; } = double.NegativeInfinity;

    /// <summary>The upper end of the accepted values (∞ when there is none).</summary>
    public double Max { get; init; } = double.PositiveInfinity;

    /// <summary>True when <see cref="Min"/> itself is refused: by default when it is −∞ (the value must be finite), not when finite.</summary>
    public bool MinExclusive { get => _minExclusive ?? double.IsInfinity(Min); init => _minExclusive = value; }

    /// <summary>True when <see cref="Max"/> itself is refused: by default when it is ∞ (the value must be finite), not when finite.</summary>
    public bool MaxExclusive { get => _maxExclusive ?? double.IsInfinity(Max); init => _maxExclusive = value; }

    /// <summary>True when training can learn it (PReLU slope, swish β).</summary>
    public bool Learnable { get; init; }

    /// <summary>The accepted range in interval notation: "(0, ∞)", "[0, ∞)", "(0, ∞]" when ∞ itself is accepted.</summary>
    public string RangeText => $"{(MinExclusive ? "(" : "[")}{Fmt(Min)}, {Fmt(Max)}{(MaxExclusive ? ")" : "]")}";

    /// <summary>Throws <see cref="ArgumentException"/> naming the parameter and the rule when <paramref name="value"/> is not accepted.</summary>
    public void Validate(double value, string activationName)
    {
        bool ok = !double.IsNaN(value)
            && (MinExclusive ? value > Min : value >= Min)
            && (MaxExclusive ? value < Max : value <= Max);
        if (!ok)
        {
            string rule = RangeText == "(−∞, ∞)" ? "be a finite number" : $"be in {RangeText}";
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{activationName}: parameter '{Name}' must {rule}, got {Fmt(value)}."), Name);
        }
    }

    /// <summary>
    /// A parameter value as messages and ranges show it: the shortest text that reads back as the same double, with
    /// "∞", "−∞" and "NaN" for the special values and a plain exponent ("1e200", not .NET's "1E+200").
    /// </summary>
    internal static string Fmt(double v)
    {
        if (double.IsPositiveInfinity(v)) return "∞";
        if (double.IsNegativeInfinity(v)) return "−∞";
        string text = v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return text;
        string exponent = text[(e + 1)..];
        bool negative = exponent.StartsWith('-');
        string digits = exponent.TrimStart('+', '-').TrimStart('0');
        return $"{text[..e]}e{(negative ? "-" : string.Empty)}{(digits.Length == 0 ? "0" : digits)}";
    }
}

/// <summary>How another framework names a function, and how its defaults differ from ours.</summary>
/// <param name="Name">The API name there, e.g. "torch.nn.GELU(approximate='none')".</param>
/// <param name="Notes">Default or semantic differences worth knowing when porting.</param>
public sealed record FrameworkName(string Name, string? Notes = null);

/// <summary>
/// Where a function comes from: one reference, shown as "Citation (Venue Year), Link — Note", then its
/// <see cref="Related"/> references, each with its own year and link. Years belong in <see cref="Year"/> only (a test
/// checks that no citation, venue or note carries one), so each appears once, next to its own paper.
/// </summary>
/// <param name="Citation">Authors and title, or "classical…".</param>
/// <param name="Year">Year of publication (the venue's year where it has one; 0 when classical).</param>
/// <param name="Link">arXiv id or URL of this reference.</param>
public sealed record Origin(string Citation, int Year, string? Link = null)
{
    /// <summary>Where it appeared (conference, journal, report), shown with the year: "(ICLR 2016)"; null for none.</summary>
    public string? Venue { get; init; }

    /// <summary>What this reference contributed, when the citation alone does not say ("the ReLU6(x + 3)/6 form").</summary>
    public string? Note { get; init; }

    /// <summary>Further references (an earlier form, a later popularisation), each a whole reference of its own.</summary>
    public IReadOnlyList<Origin> Related { get; init; } = [];
}

/// <summary>An exact input/output pair the function must reproduce (for default parameters).</summary>
public sealed record SpecialValue(double X, double Y);

/// <summary>
/// Everything the catalog knows about one activation function. One instance per function, declared next to the
/// kernel in its own file under Functions/.
/// </summary>
public sealed record ActivationInfo
{
    /// <summary>Canonical snake_case name (e.g. "leaky_relu").</summary>
    public required string Name { get; init; }

    /// <summary>Other accepted spellings (e.g. "swish" for silu, "logistic" for sigmoid).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>
    /// Other frameworks' spellings of a variant as a text-valued argument, "key=value" (lower case, quotes dropped) →
    /// the catalog spec it means: gelu's <c>approximate='tanh'</c> (PyTorch) and <c>approximate=True</c> (Keras, JAX)
    /// are <c>gelu_tanh</c>. Only for arguments that select another function; numeric parameters go in
    /// <see cref="Parameters"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Variants { get; init; } = new Dictionary<string, string>();

    /// <summary>Human name, e.g. "Leaky ReLU".</summary>
    public required string DisplayName { get; init; }

    /// <summary>One sentence on what it is.</summary>
    public required string Summary { get; init; }

    public required Family Family { get; init; }
    public ActivationKind Kind { get; init; } = ActivationKind.Elementwise;

    /// <summary>f in plain text.</summary>
    public required string Formula { get; init; }

    /// <summary>f′ in plain text (for row-wise functions: the Jacobian-vector product).</summary>
    public required string Derivative { get; init; }

    public required string FormulaLatex { get; init; }
    public required string DerivativeLatex { get; init; }

    public IReadOnlyList<ParameterSpec> Parameters { get; init; } = [];

    /// <summary>Output range in interval notation for default parameters, e.g. "(0, 1)".</summary>
    public required string Range { get; init; }

    public required Monotonicity Monotonicity { get; init; }
    public required Smoothness Smoothness { get; init; }
    /// <summary>
    /// True when the outputs are centred on zero: for standard-normal inputs (rows of them for row-wise and gated
    /// functions) their mean is within a quarter of their root mean square. tanh, SELU, the GLU family and the
    /// shrinkages have mean 0, ELU and CELU 0.20 of the RMS (their negative side pulls the mean towards zero, Clevert
    /// et al. 2016); hardswish (0.29), SiLU (0.35), GELU (0.43), ReLU (0.56) and sigmoid (0.92) are not.
    /// </summary>
    public required bool ZeroCentred { get; init; }
    public required bool BoundedAbove { get; init; }
    public required bool BoundedBelow { get; init; }

    /// <summary>True when f′ tends to 0 in a tail (the unit saturates).</summary>
    public required bool Saturating { get; init; }

    public required Initialization Init { get; init; }

    /// <summary>
    /// The gain for the recommended initialisation at the default parameters, by one rule (<see cref="InitGain"/>):
    /// PyTorch's calculate_gain where it has an entry (identity and sigmoid 1, tanh 5/3, relu √2, leaky_relu
    /// √(2/(1 + slope²)); SELU 1, as PyTorch advises for self-normalising networks), otherwise the variance-preserving
    /// gain 1/√E[f(z)²] for z ~ N(0, 1); for gated functions a·g(b) the c with c²·E[g(c·z)²] = 1, which keeps a layer's
    /// unit input second moment (the value half a is scaled by the gain too); 1 for row-wise functions, whose logits
    /// layer is linear. A catalog test recomputes every one by quadrature.
    /// </summary>
    public required double Gain { get; init; }

    public IReadOnlyList<string> TypicalUses { get; init; } = [];
    public KnownProblem Problems { get; init; }
    public required Origin Origin { get; init; }

    /// <summary>Names in other frameworks, keyed by "pytorch", "keras", "jax", "onnx", "onednn".</summary>
    public IReadOnlyDictionary<string, FrameworkName> Frameworks { get; init; } = new Dictionary<string, FrameworkName>();

    /// <summary>Exact values (default parameters) stated in the docs and checked by the tests.</summary>
    public IReadOnlyList<SpecialValue> SpecialValues { get; init; } = [];

    /// <summary>
    /// Points where f′ crosses zero; next to them the backward error is measured as an absolute error
    /// (a few ULP of 1) rather than relative, since the relative error of a value near zero is unbounded.
    /// </summary>
    public IReadOnlyList<double> DerivativeZeros { get; init; } = [];

    /// <summary>
    /// For periodic functions: the period of <see cref="DerivativeZeros"/> (every z + k·period is a zero too), or 0
    /// when the list is complete.
    /// </summary>
    public double DerivativeZerosPeriod { get; init; }

    /// <summary>Points where f or f′ jumps; finite-difference checks skip a small neighbourhood of them.</summary>
    public IReadOnlyList<double> Kinks { get; init; } = [];

    /// <summary>
    /// What the properties (stated for the default parameters) leave out, in one or two sentences: a default that
    /// breaks the ideal function's smoothness or monotonicity, parameters that change them, or what the initialisation
    /// gain cannot promise (the gated functions' unstable balance). Null when nothing.
    /// </summary>
    public string? PropertiesNote { get; init; }

    /// <summary>Names of frameworks, in display order.</summary>
    public static IReadOnlyList<string> FrameworkKeys { get; } = ["pytorch", "keras", "jax", "onnx", "onednn"];
}
