using System.Text.Json.Serialization;

namespace ActivationKit.Diagnostics;

/// <summary>The kinds of problem the detectors report.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FindingKind>))]
public enum FindingKind
{
    /// <summary>Units whose output and derivative are zero on every sample: they pass no signal and no longer learn.</summary>
    [JsonStringEnumMemberName("dead_units")]
    DeadUnits,

    /// <summary>The network's output no longer depends on its input.</summary>
    [JsonStringEnumMemberName("collapsed")]
    Collapsed,

    /// <summary>Pre-activations sit in a flat region of a saturating function.</summary>
    [JsonStringEnumMemberName("saturation")]
    Saturation,

    /// <summary>Gradients shrink by orders of magnitude from the last layer to the first.</summary>
    [JsonStringEnumMemberName("vanishing_gradients")]
    VanishingGradients,

    /// <summary>Gradients grow without bound or become non-finite.</summary>
    [JsonStringEnumMemberName("exploding_gradients")]
    ExplodingGradients,

    /// <summary>A hidden layer's activations are orders of magnitude larger than an earlier hidden layer's: the forward signal grows layer by layer.</summary>
    [JsonStringEnumMemberName("exploding_activations")]
    ExplodingActivations,

    /// <summary>Zero or constant weights: units stay identical and symmetry is never broken.</summary>
    [JsonStringEnumMemberName("symmetric_init")]
    SymmetricInit,

    /// <summary>Weight variance far from what the activation needs.</summary>
    [JsonStringEnumMemberName("init_scale")]
    InitScale,

    /// <summary>The output activation does not fit the task or the loss.</summary>
    [JsonStringEnumMemberName("output_mismatch")]
    OutputMismatch,

    /// <summary>Activations, pre-activations or gradients contain NaN or infinite values.</summary>
    [JsonStringEnumMemberName("non_finite")]
    NonFinite,

    /// <summary>A hidden layer with a linear activation (identity): it folds into the next layer's weights and adds no non-linearity.</summary>
    [JsonStringEnumMemberName("linear_hidden")]
    LinearHidden,

    /// <summary>A saved model gives two or more of its inputs the same name, so a table's columns cannot be matched to them by name.</summary>
    [JsonStringEnumMemberName("repeated_input_names")]
    RepeatedInputNames,
}

/// <summary>How bad a finding is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    /// <summary>Worth knowing; training can go on.</summary>
    [JsonStringEnumMemberName("info")]
    Info,

    /// <summary>Likely hurting training.</summary>
    [JsonStringEnumMemberName("warning")]
    Warning,

    /// <summary>Training cannot succeed as it is (e.g. every unit of a layer dead).</summary>
    [JsonStringEnumMemberName("critical")]
    Critical,
}

/// <summary>One problem found, with the numbers behind it, what it means and what to change.</summary>
public sealed record Finding
{
    /// <summary>What was found.</summary>
    public required FindingKind Kind { get; init; }

    /// <summary>How bad it is.</summary>
    public required Severity Severity { get; init; }

    /// <summary>The layer it concerns (name or index), or "network".</summary>
    public required string Layer { get; init; }

    /// <summary>Training step at which it was seen, when known.</summary>
    public long? Step { get; init; }

    /// <summary>The measured numbers, e.g. {"dead_fraction": 0.75}.</summary>
    public IReadOnlyDictionary<string, double> Evidence { get; init; } = new Dictionary<string, double>();

    /// <summary>Units concerned (e.g. the dead ones), when it applies.</summary>
    public IReadOnlyList<int> Units { get; init; } = [];

    /// <summary>What the numbers mean, in plain language.</summary>
    public required string Explanation { get; init; }

    /// <summary>A concrete change that addresses it.</summary>
    public required string Fix { get; init; }

    /// <summary>The kind as written in reports ("dead_units", …).</summary>
    public string KindName => KindNames[(int)Kind];

    /// <summary>A kind as written in reports: DeadUnits → "dead_units".</summary>
    public static string NameOf(FindingKind kind) => KindNames[(int)kind];

    internal static readonly string[] KindNames =
        ["dead_units", "collapsed", "saturation", "vanishing_gradients", "exploding_gradients", "exploding_activations", "symmetric_init", "init_scale", "output_mismatch", "non_finite", "linear_hidden", "repeated_input_names"];

    /// <summary>One line for terminals: "[warning] dead_units in hidden2 at step 300: 75% of units dead".</summary>
    public override string ToString() =>
        $"[{Severity.ToString().ToLowerInvariant()}] {KindName} in {Layer}{(Step is long s ? $" at step {s}" : string.Empty)}: {Explanation} Fix: {Fix}";
}
