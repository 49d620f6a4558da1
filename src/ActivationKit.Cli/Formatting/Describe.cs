using System.Globalization;
using System.Text;
using ActivationKit.Catalog;

namespace ActivationKit.Cli.Formatting;

/// <summary>How catalog values are spelled in tables, docs and JSON.</summary>
public static class Describe
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>snake_case of a PascalCase enum name: SmoothRectifier → smooth_rectifier.</summary>
    public static string Snake<T>(T value) where T : struct, Enum
    {
        string name = value.ToString();
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }

    /// <summary>The family as written on the command line, e.g. "smooth_rectifier".</summary>
    public static string Family(Family family) => Snake(family);

    /// <summary>All family names, in enum order.</summary>
    public static IReadOnlyList<string> FamilyNames => Enum.GetValues<Family>().Select(Family).ToArray();

    /// <summary>Parses a family name leniently (case, '-', '_' and spaces ignored).</summary>
    /// <exception cref="UsageException">Unknown family; the message lists the valid ones.</exception>
    public static Family ParseFamily(string text)
    {
        string key = Squash(text);
        foreach (var f in Enum.GetValues<Family>())
        {
            if (Squash(f.ToString()) == key) return f;
        }

        throw new UsageException($"Unknown family '{text}'. Valid families: {string.Join(", ", FamilyNames)}.");
    }

    /// <summary>"element-wise", "row-wise" or "gated".</summary>
    public static string Kind(ActivationKind kind) => kind switch
    {
        ActivationKind.Elementwise => "element-wise",
        ActivationKind.Rowwise => "row-wise",
        ActivationKind.Gated => "gated",
        _ => kind.ToString(),
    };

    /// <summary>Short monotonicity: "yes", "non-decreasing", "no", "n/a".</summary>
    public static string Monotonic(Monotonicity m) => m switch
    {
        Monotonicity.Increasing => "yes",
        Monotonicity.NonDecreasing => "non-decreasing",
        Monotonicity.NonMonotonic => "no",
        Monotonicity.NotApplicable => "n/a",
        _ => m.ToString(),
    };

    /// <summary>Short smoothness class: C∞, C¹, C⁰ or "jumps".</summary>
    public static string Smooth(Smoothness s) => s switch
    {
        Smoothness.Smooth => "C∞",
        Smoothness.ContinuouslyDifferentiable => "C¹",
        Smoothness.Continuous => "C⁰",
        Smoothness.Discontinuous => "jumps",
        _ => s.ToString(),
    };

    /// <summary>Long smoothness text.</summary>
    public static string SmoothLong(Smoothness s) => s switch
    {
        Smoothness.Smooth => "smooth (C∞)",
        Smoothness.ContinuouslyDifferentiable => "continuously differentiable (C¹)",
        Smoothness.Continuous => "continuous with kinks (C⁰)",
        Smoothness.Discontinuous => "discontinuous (has jumps)",
        _ => s.ToString(),
    };

    /// <summary>Long monotonicity text.</summary>
    public static string MonotonicLong(Monotonicity m) => m switch
    {
        Monotonicity.Increasing => "strictly increasing",
        Monotonicity.NonDecreasing => "non-decreasing (flat on some interval)",
        Monotonicity.NonMonotonic => "non-monotonic",
        Monotonicity.NotApplicable => "not applicable (a function of a whole row)",
        _ => m.ToString(),
    };

    /// <summary>yes/no.</summary>
    public static string YesNo(bool b) => b ? "yes" : "no";

    /// <summary>Initialisation with its gain, e.g. "He (gain 1.4142)".</summary>
    public static string Init(ActivationInfo info) => $"{info.Init} (gain {Number(info.Gain, 5)})";

    /// <summary>Parameters with defaults, e.g. "negative_slope=0.01"; "—" when there are none.</summary>
    public static string ParametersWithDefaults(ActivationInfo info) =>
        info.Parameters.Count == 0 ? "—" : string.Join(", ", info.Parameters.Select(p => $"{p.Name}={Number(p.Default, 6)}"));

    /// <summary>The known problems as words, e.g. "dying units, not zero-centred".</summary>
    public static IReadOnlyList<string> Problems(KnownProblem problems) =>
        Enum.GetValues<KnownProblem>()
            .Where(p => p != KnownProblem.None && problems.HasFlag(p))
            .Select(Problem)
            .ToArray();

    /// <summary>One known problem in words.</summary>
    public static string Problem(KnownProblem p) => p switch
    {
        KnownProblem.DyingUnits => "dying units (stuck where f′ = 0)",
        KnownProblem.VanishingGradients => "vanishing gradients",
        KnownProblem.NotZeroCentred => "not zero-centred",
        KnownProblem.ComputationalCost => "costly (transcendental functions)",
        KnownProblem.NonDifferentiable => "non-differentiable points",
        KnownProblem.UnboundedOutput => "unbounded output",
        KnownProblem.Saturation => "saturation",
        KnownProblem.InitialisationSensitive => "needs a specific initialisation",
        _ => Snake(p).Replace('_', ' '),
    };

    /// <summary>Boundedness, e.g. "below only".</summary>
    public static string Bounded(ActivationInfo info) => (info.BoundedBelow, info.BoundedAbove) switch
    {
        (true, true) => "both sides",
        (true, false) => "below only",
        (false, true) => "above only",
        _ => "neither side",
    };

    /// <summary>The zeros of f′, with "+ k·period" when they repeat; "—" when there are none.</summary>
    public static string DerivativeZeros(ActivationInfo info)
    {
        if (info.DerivativeZeros.Count == 0) return "—";
        string list = string.Join(", ", info.DerivativeZeros.Select(z => Number(z, 6)));
        return info.DerivativeZerosPeriod > 0 ? $"{list} (+ k·{Number(info.DerivativeZerosPeriod, 6)})" : list;
    }

    /// <summary>
    /// Origin as one line: each reference as "citation (venue year), link — note", the related ones after the first,
    /// separated by semicolons, so every year and link sits next to its own paper.
    /// </summary>
    public static string Origin(Origin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return string.Join("; ", new[] { Reference(origin) }.Concat(origin.Related.Select(Reference)));
    }

    private static string Reference(Origin o)
    {
        // A one-word venue takes the year after a space (ICLR 2016), a longer one after a comma (Biometrika 81(3), 1994).
        string year = o.Year > 0 ? o.Year.ToString(Inv) : string.Empty;
        string when = (o.Venue, year) switch
        {
            (null or "", "") => string.Empty,
            (null or "", _) => $" ({year})",
            (_, "") => $" ({o.Venue})",
            _ => o.Venue!.Contains(' ', StringComparison.Ordinal) ? $" ({o.Venue}, {year})" : $" ({o.Venue} {year})",
        };
        string link = string.IsNullOrEmpty(o.Link) ? string.Empty : $", {o.Link}";
        string note = string.IsNullOrEmpty(o.Note) ? string.Empty : $" — {o.Note}";
        return $"{o.Citation}{when}{link}{note}";
    }

    /// <summary>The initialisation scheme as the initialiser grammar spells it (he, glorot, lecun), for JSON.</summary>
    public static string InitScheme(Initialization init) => init switch
    {
        Initialization.He => "he",
        Initialization.Glorot => "glorot",
        Initialization.LeCun => "lecun",
        _ => Snake(init),
    };

    /// <summary>A number for people: shortest round-trip form, ∞ and −∞ as symbols, optionally to <paramref name="digits"/> significant digits.</summary>
    public static string Number(double v, int digits = 0)
    {
        if (double.IsPositiveInfinity(v)) return "∞";
        if (double.IsNegativeInfinity(v)) return "−∞";
        if (double.IsNaN(v)) return "NaN";
        if (v == 0 && double.IsNegative(v)) return "-0";
        return digits > 0 ? v.ToString("G" + digits.ToString(Inv), Inv) : v.ToString("R", Inv);
    }

    /// <summary>A float for people (shortest round-trip float form).</summary>
    public static string Float(float v) =>
        float.IsPositiveInfinity(v) ? "∞" : float.IsNegativeInfinity(v) ? "−∞" : float.IsNaN(v) ? "NaN"
        : v == 0 && float.IsNegative(v) ? "-0" : v.ToString("R", Inv);

    /// <summary>
    /// A training metric (loss, mse, r2, accuracy): four decimals, or four after the point of a mantissa with its exponent
    /// from 10⁶ on and below 10⁻⁴ (an mse of 2.4e21 took 26 columns, and one of 3e−12 read 0.0000).
    /// </summary>
    public static string Metric(double v) => v != 0 && double.IsFinite(v) && Math.Abs(v) is >= 1e6 or < 1e-4
        ? v.ToString("0.0000E+0", Inv)
        : v.ToString("0.0000", Inv);

    /// <summary>A ULP error: two decimals, ∞ when a value is NaN/∞ where it should not be.</summary>
    public static string Ulps(double v) => double.IsPositiveInfinity(v) ? "∞" : v.ToString("F2", Inv);

    private static string Squash(string s) =>
        new(s.Where(c => c is not ('_' or '-' or ' ')).Select(char.ToLowerInvariant).ToArray());
}
