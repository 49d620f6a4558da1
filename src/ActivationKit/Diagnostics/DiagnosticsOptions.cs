using System.Globalization;

namespace ActivationKit.Diagnostics;

/// <summary>The thresholds the detectors use. The defaults suit MLPs and CNNs trained with SGD or Adam.</summary>
/// <remarks>
/// Every value is checked when it is set: a threshold outside its range (a fraction of 0 or below, a NaN, a count
/// below 1, a factor that is not above 1) would make a detector fire on healthy layers or never, so it is refused with
/// an <see cref="ArgumentException"/> that names the option and the values it takes. A warning threshold above its
/// critical one (<see cref="DeadWarningFraction"/> 0.5 with <see cref="DeadCriticalFraction"/> 0.1) would leave the
/// layers between them without a finding, critical as they are; that takes both values, which an object initialiser
/// sets one at a time in any order, so it is checked by <see cref="Validate"/>, which a <c>DiagnosticsSession</c> calls
/// when it is created and the detectors that read such a pair call before they judge.
/// </remarks>
public sealed record DiagnosticsOptions
{
    /// <summary>A layer with at least this fraction of dead units is reported as a warning; in (0, 1], at most <see cref="DeadCriticalFraction"/>.</summary>
    public double DeadWarningFraction { get; init => field = Fraction(value, nameof(DeadWarningFraction), oneAllowed: true); } = 0.25;

    /// <summary>A layer with at least this fraction of dead units is critical (1 = every unit); in (0, 1], at least <see cref="DeadWarningFraction"/>.</summary>
    public double DeadCriticalFraction { get; init => field = Fraction(value, nameof(DeadCriticalFraction), oneAllowed: true); } = 1.0;

    /// <summary>
    /// Live checks judge dead units on at least this many samples (≥ 1): a unit that fires on a quarter of the inputs looks
    /// dead on 16 samples with probability 0.75¹⁶ ≈ 1 %, on one sample with 75 %. When training runs smaller batches,
    /// consecutive checks are pooled until they hold this many (8 samples a check: pools of two). An offline dump is
    /// judged on the rows it has.
    /// </summary>
    public int DeadMinSamples { get; init => field = AtLeastOne(value, nameof(DeadMinSamples)); } = DefaultDeadMinSamples;

    /// <summary>The default of <see cref="DeadMinSamples"/>: 16 samples.</summary>
    public const int DefaultDeadMinSamples = 16;

    /// <summary>|f′(x)| below this fraction of the function's peak |f′| counts as saturated; in (0, 1).</summary>
    public double SaturationDerivativeFraction { get; init => field = Fraction(value, nameof(SaturationDerivativeFraction), oneAllowed: false); } = 0.05;

    /// <summary>A layer with at least this fraction of saturated pre-activations is reported as a warning; in (0, 1], at most <see cref="SaturationCriticalFraction"/>.</summary>
    public double SaturationWarningFraction { get; init => field = Fraction(value, nameof(SaturationWarningFraction), oneAllowed: true); } = 0.5;

    /// <summary>
    /// A layer with at least this fraction of saturated pre-activations is critical; in (0, 1], at least
    /// <see cref="SaturationWarningFraction"/>. Unset, it is 0.9 or the warning fraction when that is higher: before it
    /// could be set, critical was fixed at 0.9 and a warning fraction of 0.95 was valid (every finding critical).
    /// </summary>
    public double SaturationCriticalFraction
    {
        get => _saturationCritical ?? Math.Max(0.9, SaturationWarningFraction);
        init => _saturationCritical = Fraction(value, nameof(SaturationCriticalFraction), oneAllowed: true);
    }

    private readonly double? _saturationCritical;

    /// <summary>First-to-last gradient-norm ratio below which gradients count as vanishing; in (0, 1).</summary>
    public double VanishingRatio { get; init => field = Fraction(value, nameof(VanishingRatio), oneAllowed: false); } = 1e-3;

    /// <summary>Consecutive recorded steps the ratio must stay below <see cref="VanishingRatio"/> (≥ 1).</summary>
    public int VanishingSteps { get; init => field = AtLeastOne(value, nameof(VanishingSteps)); } = 3;

    /// <summary>
    /// Growth of a layer's gradient norm over its first recorded value that counts as exploding (with
    /// <see cref="ExplodingWeightRatio"/>); finite and above 1.
    /// </summary>
    public double ExplodingGrowth { get; init => field = AboveOne(value, nameof(ExplodingGrowth)); } = 1e3;

    /// <summary>
    /// A grown gradient counts as exploding only once its norm is at least this many times the norm of the weights it
    /// updates (1: ‖∂L/∂W‖ ≥ ‖W‖), so a gradient that grows from a tiny start to an ordinary size is not reported. The
    /// weights' norm is the smaller of theirs now and at the first check, so weights that blew up with the gradient do
    /// not hide it; finite and above 0.
    /// </summary>
    public double ExplodingWeightRatio { get; init => field = Positive(value, nameof(ExplodingWeightRatio)); } = 1;

    /// <summary>
    /// Growth of a hidden layer's activations (root mean square) over the smallest of the earlier hidden layers', taken as
    /// at least 1 (the scale of standardised inputs), that counts as exploding activations (100: a hundredfold, 10⁴ in
    /// second moment); finite and above 1. Critical at <see cref="ActivationGrowthDetector.CriticalFactor"/> times this.
    /// </summary>
    public double ExplodingActivationGrowth { get; init => field = AboveOne(value, nameof(ExplodingActivationGrowth)); } = 100;

    /// <summary>Relative spread of the outputs across samples below which the network counts as collapsed; in (0, 1).</summary>
    public double CollapseRelativeSpread { get; init => field = Fraction(value, nameof(CollapseRelativeSpread), oneAllowed: false); } = 1e-6;

    /// <summary>Per-layer weight variance ratio (actual/needed) outside [1/x, x] is reported; finite and above 1.</summary>
    public double InitScaleFactor { get; init => field = AboveOne(value, nameof(InitScaleFactor)); } = 4;

    /// <summary>
    /// Per-layer variance ratio outside [1/x, x] is reported for functions the catalog marks initialisation-sensitive
    /// (SELU's fixed point needs fan_in·Var(w) in [0.95, 1.1], Klambauer et al. 2017, Theorem 1; 1.5 leaves room for the
    /// sampling noise of a measured variance); finite and above 1.
    /// </summary>
    public double InitSensitiveScaleFactor { get; init => field = AboveOne(value, nameof(InitSensitiveScaleFactor)); } = 1.5;

    /// <summary>Compounded variance ratio over the stack outside [1/x, x] is reported; finite and above 1.</summary>
    public double InitCompoundFactor { get; init => field = AboveOne(value, nameof(InitCompoundFactor)); } = 100;

    /// <summary>
    /// Checks the thresholds that depend on each other: each warning fraction at most its critical one
    /// (<see cref="DeadWarningFraction"/> ≤ <see cref="DeadCriticalFraction"/>, <see cref="SaturationWarningFraction"/> ≤
    /// <see cref="SaturationCriticalFraction"/>); equal is allowed (every finding critical). Each value's own range is
    /// checked when it is set.
    /// </summary>
    /// <exception cref="ArgumentException">A warning fraction is above its critical fraction.</exception>
    public void Validate()
    {
        NotAbove(DeadWarningFraction, nameof(DeadWarningFraction), DeadCriticalFraction, nameof(DeadCriticalFraction), "dead units");
        NotAbove(SaturationWarningFraction, nameof(SaturationWarningFraction), SaturationCriticalFraction, nameof(SaturationCriticalFraction), "saturated pre-activations");
    }

    private static void NotAbove(double warning, string warningName, double critical, string criticalName, string what)
    {
        if (warning <= critical) return;
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"DiagnosticsOptions.{warningName} ({warning}) must not be above {criticalName} ({critical}): a layer with a fraction of {what} between the two would get no finding."), warningName);
    }

    // A fraction of 0 (or below) reports every layer, a NaN never compares true or always does; 1 is allowed only where
    // "all of them" means something (every unit dead), not where it makes every value count (|f′| below its peak).
    private static double Fraction(double value, string name, bool oneAllowed) =>
        value > 0 && (oneAllowed ? value <= 1 : value < 1) ? value : throw Refused(name, oneAllowed ? "in (0, 1]" : "in (0, 1)", value);

    private static double AboveOne(double value, string name) =>
        value > 1 && double.IsFinite(value) ? value : throw Refused(name, "a finite number above 1", value);

    private static double Positive(double value, string name) =>
        value > 0 && double.IsFinite(value) ? value : throw Refused(name, "a finite number above 0", value);

    private static int AtLeastOne(int value, string name) =>
        value >= 1 ? value : throw Refused(name, "at least 1", value);

    private static ArgumentException Refused(string name, string range, double value) =>
        new($"DiagnosticsOptions.{name} must be {range}, got {value.ToString(CultureInfo.InvariantCulture)}.", name);
}
