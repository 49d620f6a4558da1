using ActivationKit.Diagnostics;

namespace ActivationKit.Advisor;

/// <summary>The kind of model the layer is in.</summary>
public enum ModelType
{
    Mlp,
    Cnn,
    Rnn,
    Lstm,
    Gru,
    Transformer,
    Autoencoder,
    Gan,
    Regression,
}

/// <summary>The role of the layer whose activation is being chosen.</summary>
public enum LayerRole
{
    Hidden,
    Output,

    /// <summary>An RNN/LSTM/GRU gate (input, forget, output, update, reset).</summary>
    Gate,

    /// <summary>An RNN cell state / candidate activation.</summary>
    Cell,
}

/// <summary>A problem observed in training.</summary>
public enum Symptom
{
    DeadUnits,
    VanishingGradients,
    ExplodingGradients,
    SlowConvergence,
    Saturation,
}

/// <summary>A requirement on the activation.</summary>
public enum Constraint
{
    BoundedOutput,
    NonNegativeOutput,
    Cheap,
    Smooth,
    SelfNormalising,
    QuantisationFriendly,
}

/// <summary>The prediction task (adds ranking to the diagnostics' <see cref="TaskKind"/>).</summary>
public enum AdvisorTask
{
    Regression,
    Binary,
    Multiclass,
    Multilabel,
    Ranking,
}

/// <summary>What the user asks about.</summary>
public sealed record AdvisorRequest
{
    public ModelType Model { get; init; } = ModelType.Mlp;
    public AdvisorTask Task { get; init; } = AdvisorTask.Multiclass;
    public LayerRole Layer { get; init; } = LayerRole.Hidden;

    /// <summary>Number of hidden layers, when known (deep stacks change the advice).</summary>
    public int? Depth { get; init; }

    public IReadOnlyList<Symptom> Symptoms { get; init; } = [];
    public IReadOnlyList<Constraint> Constraints { get; init; } = [];
}

/// <summary>One recommended activation with its pairing and reasons.</summary>
public sealed record Recommendation
{
    /// <summary>Catalog name.</summary>
    public required string Name { get; init; }

    /// <summary>Parameters to use (empty: defaults).</summary>
    public IReadOnlyDictionary<string, double> Params { get; init; } = new Dictionary<string, double>();

    /// <summary>Weight initialisation to use with it, e.g. "he_normal (gain √2)".</summary>
    public required string Init { get; init; }

    /// <summary>The loss it pairs with at the output (null for hidden layers).</summary>
    public string? Loss { get; init; }

    /// <summary>Which rules chose it and which catalog properties support it.</summary>
    public required IReadOnlyList<string> Why { get; init; }

    /// <summary>What to watch out for.</summary>
    public required IReadOnlyList<string> Caveats { get; init; }

    /// <summary>The rule score (higher is better); ranks the list.</summary>
    public required double Score { get; init; }
}

/// <summary>One selection rule: when it applies, what it prefers or avoids, why, and where it comes from.</summary>
public sealed record AdvisorRule
{
    public required string Id { get; init; }

    /// <summary>The condition in words (for docs/advisor.md).</summary>
    public required string When { get; init; }

    /// <summary>The condition.</summary>
    public required Func<AdvisorRequest, bool> Applies { get; init; }

    /// <summary>Functions this rule prefers, with weights (first = strongest).</summary>
    public IReadOnlyList<(string Name, double Weight)> Prefer { get; init; } = [];

    /// <summary>Functions this rule argues against, with penalties.</summary>
    public IReadOnlyList<(string Name, double Penalty)> Avoid { get; init; } = [];

    /// <summary>Why, in one sentence.</summary>
    public required string Rationale { get; init; }

    /// <summary>Paper or framework documentation the rule comes from.</summary>
    public required string Source { get; init; }
}
