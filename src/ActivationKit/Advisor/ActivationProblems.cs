using ActivationKit.Catalog;
using ActivationKit.Diagnostics;

namespace ActivationKit.Advisor;

/// <summary>A known problem of activation functions: what it is, why it happens, how it is detected and fixed.</summary>
public sealed record ActivationProblem
{
    /// <summary>Id as used on the command line, e.g. "vanishing-gradients".</summary>
    public required string Id { get; init; }

    /// <summary>
    /// Other spellings <see cref="ActivationProblems.Find"/> accepts, e.g. "dead-units" for dying-units (the spelling of
    /// <c>recommend --symptom</c> and the diagnostics' dead_units finding).
    /// </summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>
    /// The <c>recommend --symptom</c> that reports this problem in training, or null; its CLI spelling is an alias of
    /// the problem, and the problem's id and aliases are accepted as that symptom.
    /// </summary>
    public Symptom? Symptom { get; init; }

    /// <summary>The id, then the aliases.</summary>
    public IReadOnlyList<string> Names => [Id, .. Aliases];

    public required string Title { get; init; }
    public required string What { get; init; }
    public required string Why { get; init; }

    /// <summary>Which diagnostics finding reveals it in a real network (null when none does).</summary>
    public FindingKind? DetectedBy { get; init; }

    public required IReadOnlyList<string> Fixes { get; init; }

    /// <summary>
    /// The catalog's mark for it (<see cref="ActivationInfo.Problems"/>): the one record of which functions have it, which
    /// <c>actkit show</c>, <c>actkit problems</c>, the advisor's caveats and docs/advisor.md all read.
    /// </summary>
    public required KnownProblem Flag { get; init; }

    /// <summary>What the mark means, in words (shown next to the list of functions).</summary>
    public required string Criterion { get; init; }

    /// <summary>True when the catalog marks <paramref name="info"/> with this problem.</summary>
    public bool Affects(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.Problems.HasFlag(Flag);
    }

    /// <summary>The catalog functions marked with it.</summary>
    public IReadOnlyList<string> AffectedFunctions => ActivationCatalog.All.Where(Affects).Select(i => i.Name).ToArray();
}

/// <summary>The problems of activation functions; which functions have each is the catalog's <see cref="KnownProblem"/> marks.</summary>
public static class ActivationProblems
{
    /// <summary>All known problems.</summary>
    public static IReadOnlyList<ActivationProblem> All { get; } =
    [
        new()
        {
            Id = "vanishing-gradients",
            Aliases = ["vanishing-gradient"],
            Symptom = Advisor.Symptom.VanishingGradients,
            Title = "Vanishing gradients",
            What = "Gradients shrink layer after layer on the way back, so the first layers barely learn.",
            Why = "Back-propagation multiplies by f′ at every layer; when |f′| ≤ 1/4 (sigmoid) or is near 0 in flat tails, the product decays exponentially with depth.",
            DetectedBy = FindingKind.VanishingGradients,
            Fixes = ["ReLU family with He initialisation", "SELU with LeCun normal initialisation", "fewer layers, residual connections or normalisation layers"],
            Criterion = "no gradient at all (binary_step, hardmax); max |f′| ≤ 1/4 (sigmoid, hardsigmoid; row-wise: every Jacobian entry, softmax); flat tails on both sides, |f′| ≤ 0.05 wherever |x| ≥ 4 (tanh, hardtanh, softsign); or a slope near 0 around the origin, |f′| ≤ 0.05 on [−0.2, 0.2] where f is not 0 (tanhshrink). One flat side (ELU, GELU, SiLU, softplus) leaves the other side's slope, and a zero-valued dead zone is dying units instead",
            Flag = KnownProblem.VanishingGradients,
        },
        new()
        {
            Id = "exploding-gradients",
            Aliases = ["exploding-gradient", "unbounded-output"],
            Symptom = Advisor.Symptom.ExplodingGradients,
            Title = "Exploding gradients and activations",
            What = "Activations or gradients grow without bound until they overflow to ∞ or NaN.",
            Why = "An output unbounded above lets activations grow through layers when weights are too large; gradients grow likewise.",
            DetectedBy = FindingKind.ExplodingGradients,
            Fixes = ["a lower learning rate and gradient clipping", "initialisation matched to the activation", "a bounded activation (ReLU6, tanh)"],
            Criterion = "output unbounded above",
            Flag = KnownProblem.UnboundedOutput,
        },
        new()
        {
            Id = "dying-units",
            Aliases = ["dead-units", "dying-relu", "dead-relu"],
            Symptom = Advisor.Symptom.DeadUnits,
            Title = "Dying (dead) units",
            What = "Units whose output and derivative are zero for every input: they never update again.",
            Why = "f = 0 and f′ = 0 on a whole interval: a large negative bias or a big update pushes the unit there for every sample.",
            DetectedBy = FindingKind.DeadUnits,
            Fixes = ["Leaky ReLU, PReLU or ELU (non-zero slope for x < 0)", "He initialisation and a lower learning rate", "no large negative biases"],
            Criterion = "f = 0 and f′ = 0 on an interval (checked by sampling, as the dead-unit detector judges units)",
            Flag = KnownProblem.DyingUnits,
        },
        new()
        {
            Id = "saturation",
            Aliases = ["saturating"],
            Symptom = Advisor.Symptom.Saturation,
            Title = "Saturation",
            What = "Pre-activations sit in a flat region where the unit's output hardly changes.",
            Why = "Functions flatten in their tails — bounded ones at both ends, GELU, SiLU, ELU and SELU below about −4 — and inputs of large magnitude (large weights, unscaled inputs) land there.",
            DetectedBy = FindingKind.Saturation,
            Fixes = ["Glorot initialisation and standardised inputs", "a hidden activation without a flat tail: ReLU, leaky ReLU or PReLU (ReLU's zero side is dying, not saturation)"],
            Criterion = "a tail (at x = ±20) where |f′| is below 5 % of the function's peak slope and either exactly 0 or still falling (under half its value at ±10), as the saturation detector judges: sigmoid and tanh at both ends, ReLU6 above 6, ELU and SELU below about −4 (towards their bound −α·λ), GELU, SiLU and mish below about −4 (towards 0, not a bound of their range); a gated a·g(b) where its gate g is near 0 with a flat tail, as both gradients g(b) and a·g′(b) vanish there: GLU (sigmoid gate), SwiGLU (SiLU) and GEGLU (GELU) for a gate input below about −4; an interval where f = f′ = 0 exactly is dying units instead (ReGLU's gate, as ReLU)",
            Flag = KnownProblem.Saturation,
        },
        new()
        {
            Id = "not-zero-centred",
            Aliases = ["not-zero-centered"],
            Title = "Outputs not zero-centred",
            What = "The outputs' mean is far from zero (most of them share one sign), so a unit's weights get gradients mostly of one sign in a step.",
            Why = "dL/dw = δ·x: with inputs x mostly of one sign, a unit's weights all move the same way in a step, so updates zig-zag toward the optimum, which slows convergence (and the next layer's inputs carry a bias).",
            DetectedBy = null,
            Fixes = ["a zero-centred activation (tanh, ELU, SELU)", "normalisation layers", "Adam-style optimisers dampen the effect"],
            Criterion = "on standard-normal inputs the outputs' |mean| is over a quarter of their root mean square (sigmoid 0.92, ReLU 0.56, GELU 0.43, SiLU 0.34, hardswish 0.29); ELU and CELU (0.20), tanh, SELU, the GLU family and the shrinkages (0) are zero-centred",
            Flag = KnownProblem.NotZeroCentred,
        },
        new()
        {
            Id = "non-differentiable",
            Aliases = ["not-differentiable"],
            Title = "Non-differentiable points",
            What = "Points (kinks or jumps) where the derivative is undefined; a convention value is used there.",
            Why = "Piecewise definitions meet at a corner (ReLU at 0) or jump (binary step); second-order methods and some theory assume smoothness.",
            DetectedBy = null,
            Fixes = ["a smooth counterpart: softplus for ReLU, GELU/SiLU, ELU (C¹), squareplus"],
            Criterion = "discontinuous or only continuous (C⁰)",
            Flag = KnownProblem.NonDifferentiable,
        },
        new()
        {
            Id = "computational-cost",
            Title = "Computational cost",
            What = "The function needs exp, log, erf or tanh for every element.",
            Why = "Transcendental functions cost tens of operations where a rectifier costs one comparison.",
            DetectedBy = null,
            Fixes = ["ReLU family", "hard approximations (hard swish, hard sigmoid)", "vectorised kernels such as these"],
            Criterion = "uses a transcendental function (exp, log, erf, tanh, sin) per element",
            Flag = KnownProblem.ComputationalCost,
        },
        new()
        {
            Id = "init-sensitivity",
            Aliases = ["initialisation-sensitive", "initialization-sensitive"],
            Title = "Sensitivity to initialisation",
            What = "The function only trains well with a particular weight scale.",
            Why = "SELU's self-normalising fixed point holds only near LeCun's variance; a sine's frequency and a squared ReLU's power compound any other scale layer by layer. (Every function wants its scheme; saturating ones go wrong by saturation, which has its own entry.)",
            DetectedBy = FindingKind.InitScale,
            Fixes = ["the initialisation the catalog recommends for the function (He, Glorot or LeCun with its gain)"],
            Criterion = "trains well only near one weight scale (a fixed point, a frequency or a power that compounds)",
            Flag = KnownProblem.InitialisationSensitive,
        },
    ];

    /// <summary>Finds a problem by id or alias (case-insensitive, '-' or '_'): dying-units also as dead-units.</summary>
    public static ActivationProblem? Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        string key = Key(id);
        return All.FirstOrDefault(p => p.Names.Contains(key, StringComparer.Ordinal));
    }

    /// <summary>The problem a <c>--symptom</c> reports (dead-units: dying-units), or null (slow-convergence has none).</summary>
    public static ActivationProblem? ForSymptom(Symptom symptom) => All.FirstOrDefault(p => p.Symptom == symptom);

    /// <summary>
    /// The symptom <paramref name="text"/> names: the symptom's own spelling (dead-units) or the id or an alias of the
    /// problem it reports (dying-units); null when neither.
    /// </summary>
    public static Symptom? SymptomNamed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string key = Key(text);
        foreach (var symptom in Enum.GetValues<Symptom>())
        {
            if (ActivationAdvisor.Text(symptom) == key) return symptom;
        }

        return Find(text)?.Symptom;
    }

    private static string Key(string text) => text.Trim().ToLowerInvariant().Replace('_', '-').Replace(' ', '-');

    /// <summary>
    /// The problem ids closest to <paramref name="text"/>, best first: those it is a fragment of, then those within
    /// max(2, a third of its length) edits; none when nothing is close.
    /// </summary>
    public static IReadOnlyList<string> Suggest(string text, int count = 2)
    {
        ArgumentNullException.ThrowIfNull(text);
        string key = text.Trim().ToLowerInvariant().Replace('_', '-');
        int reach = Spelling.Reach(key);
        // A prefix or fragment ("vanishing", "dead") is a stronger hint than a small edit distance.
        return All.Select(p => (p.Id, Partial: key.Length >= 3 && (p.Names.Any(n => n.Contains(key, StringComparison.Ordinal)) || p.Title.Contains(key, StringComparison.OrdinalIgnoreCase)), Distance: p.Names.Min(n => Spelling.Distance(key, n))))
            .Where(t => t.Partial || t.Distance <= reach)
            .OrderBy(t => t.Partial ? 0 : 1).ThenBy(t => t.Distance).ThenBy(t => t.Id, StringComparer.Ordinal)
            .Take(count).Select(t => t.Id).ToArray();
    }

    /// <summary>The problems a function has.</summary>
    public static IReadOnlyList<ActivationProblem> Of(ActivationInfo info) => All.Where(p => p.Affects(info)).ToArray();
}
