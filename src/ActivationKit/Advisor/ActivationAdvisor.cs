using System.Globalization;
using ActivationKit.Catalog;

namespace ActivationKit.Advisor;

/// <summary>
/// Recommends activations for a model type, task and layer by applying <see cref="AdvisorRules"/> and the
/// catalog's properties (constraints are hard filters on those properties), and pairs each choice with its
/// initialisation, output loss and caveats.
/// </summary>
public static class ActivationAdvisor
{
    /// <summary>Ranked recommendations (best first, at most <paramref name="count"/>).</summary>
    /// <exception cref="ArgumentException">Contradictory options.</exception>
    public static IReadOnlyList<Recommendation> Recommend(AdvisorRequest request, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Validate(request);
        var rules = AdvisorRules.All.Where(r => r.Applies(request)).ToList();
        var scores = new Dictionary<string, double>();
        var why = new Dictionary<string, List<string>>();
        foreach (var rule in rules)
        {
            foreach (var (name, weight) in rule.Prefer)
            {
                if (ActivationCatalog.Find(name) is null) continue;
                scores[name] = scores.GetValueOrDefault(name) + weight;
                (why.TryGetValue(name, out var list) ? list : why[name] = []).Add($"{rule.Id}: {rule.Rationale}");
            }

            foreach (var (name, penalty) in rule.Avoid)
            {
                if (scores.ContainsKey(name)) scores[name] -= penalty;
                else scores[name] = -penalty;
            }
        }

        var ranked = scores
            .Where(kv => kv.Value > 0 && ActivationCatalog.Find(kv.Key) is { } info && Allowed(info, request))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(kv => Build(ActivationCatalog.Find(kv.Key)!, kv.Value, why[kv.Key], request))
            .ToList();
        if (ranked.Count == 0)
        {
            // Only constraints filter; without any, an empty list is a gap in the rules, not the user's doing.
            throw new ArgumentException(
                request.Constraints.Count > 0
                    ? $"No activation satisfies all of: {Describe(request)}. Drop a constraint."
                    : $"No rule recommends an activation for {Describe(request)}.",
                nameof(request));
        }

        return ranked;
    }

    /// <summary>True when the function meets every hard constraint of the request (from catalog properties).</summary>
    public static bool Allowed(ActivationInfo info, AdvisorRequest request)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(request);
        foreach (var c in request.Constraints)
        {
            bool ok = c switch
            {
                Constraint.BoundedOutput => info.BoundedAbove && info.BoundedBelow,
                Constraint.NonNegativeOutput => CatalogProperties.IsNonNegative(info),
                Constraint.Smooth => info.Smoothness == Smoothness.Smooth,
                // Piecewise linear (the linear output among them) or bounded: a known range for fixed-point scales.
                Constraint.QuantisationFriendly => info.Smoothness != Smoothness.Smooth || info.BoundedAbove || info.Family == Family.Linear,

                // SELU's λ and α are derived for its fixed point (mean 0, variance 1); no other function has one.
                Constraint.SelfNormalising => info.Name == "selu",
                _ => true,
            };
            if (!ok) return false;
        }

        // Hidden layers need a unit-wise nonlinearity; softmax-like functions are outputs.
        if (request.Layer != LayerRole.Output && info.Kind == ActivationKind.Rowwise) return false;
        if (request.Layer != LayerRole.Hidden && info.Kind == ActivationKind.Gated) return false;
        return true;
    }

    /// <summary>Throws for option combinations that contradict each other.</summary>
    public static void Validate(AdvisorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Symptoms is null) throw new ArgumentException("Symptoms must be a list (empty for none), not null.", nameof(request));
        if (request.Constraints is null) throw new ArgumentException("Constraints must be a list (empty for none), not null.", nameof(request));
        if (!Enum.IsDefined(request.Model)) throw new ArgumentException($"Model {(int)request.Model} is not a ModelType.", nameof(request));
        if (!Enum.IsDefined(request.Task)) throw new ArgumentException($"Task {(int)request.Task} is not an AdvisorTask.", nameof(request));
        if (!Enum.IsDefined(request.Layer)) throw new ArgumentException($"Layer {(int)request.Layer} is not a LayerRole.", nameof(request));
        foreach (var symptom in request.Symptoms)
        {
            if (!Enum.IsDefined(symptom)) throw new ArgumentException($"Symptom {(int)symptom} is not a Symptom.", nameof(request));
        }

        foreach (var constraint in request.Constraints)
        {
            if (!Enum.IsDefined(constraint)) throw new ArgumentException($"Constraint {(int)constraint} is not a Constraint.", nameof(request));
        }
        bool recurrent = request.Model is ModelType.Rnn or ModelType.Lstm or ModelType.Gru;
        if (request.Layer is LayerRole.Gate or LayerRole.Cell && !recurrent)
        {
            throw new ArgumentException($"--layer {Text(request.Layer)} applies to recurrent models only (rnn, lstm, gru), not {Text(request.Model)}.", nameof(request));
        }

        if (request.Model == ModelType.Regression && request.Task != AdvisorTask.Regression)
        {
            throw new ArgumentException($"--model regression contradicts --task {Text(request.Task)}; use --task regression or another model type.", nameof(request));
        }

        if (request.Constraints.Contains(Constraint.SelfNormalising) && request.Layer != LayerRole.Hidden)
        {
            throw new ArgumentException("--constraint self-normalising is a property of hidden layers; use it with --layer hidden.", nameof(request));
        }

        if (request.Constraints.Contains(Constraint.SelfNormalising) && recurrent)
        {
            throw new ArgumentException($"--constraint self-normalising applies to feed-forward hidden layers (SELU's fixed point is derived for a stack of layers, not a state fed back at every step), not to --model {Text(request.Model)}.", nameof(request));
        }

        if (request.Depth is < 0) throw new ArgumentException($"--depth must be ≥ 0, got {request.Depth}.", nameof(request));
    }

    private static Recommendation Build(ActivationInfo info, double score, List<string> why, AdvisorRequest request)
    {
        var reasons = new List<string>(why);
        var props = new List<string>();
        if (request.Layer == LayerRole.Hidden)
        {
            if (!info.Saturating) props.Add("does not saturate for large inputs");
            else if (!info.BoundedAbove) props.Add("does not saturate for large positive inputs");
        }

        if (info.ZeroCentred) props.Add("zero-centred outputs");
        if (info.Smoothness == Smoothness.Smooth) props.Add("smooth (C∞)");
        if (info.BoundedAbove && info.BoundedBelow) props.Add($"bounded range {info.Range}");
        if (props.Count > 0) reasons.Add($"catalog: {info.Name} — {string.Join(", ", props)}");

        var caveats = new List<string>();
        if (info.Problems.HasFlag(KnownProblem.DyingUnits)) caveats.Add("units can die (zero output and zero gradient on a whole interval, x < 0 for ReLU): watch the dead-unit diagnostics or use a leaky variant");
        if (info.Problems.HasFlag(KnownProblem.VanishingGradients) && request.Layer == LayerRole.Hidden) caveats.Add("saturating: gradients vanish in deep stacks");
        if (info.Problems.HasFlag(KnownProblem.ComputationalCost)) caveats.Add("costlier than a comparison (transcendental functions)");
        if (info.Name == "selu") caveats.Add("SELU needs LeCun normal initialisation, standardised inputs and alpha-dropout (not ordinary dropout) to stay self-normalising");
        if (info.Name == "softmax") caveats.Add("softmax outputs sum to 1 and are class probabilities: use it only when classes are exclusive");
        if (info.Name is "relu" or "leaky_relu" or "elu" && request.Layer == LayerRole.Output) caveats.Add($"{info.Name} belongs in hidden layers; at a classification output it does not give probabilities");
        if (info.Name == "sigmoid" && request.Layer == LayerRole.Output && request.Task == AdvisorTask.Multilabel) caveats.Add("one sigmoid per label: the outputs do not sum to 1");
        if (info.Kind == ActivationKind.Gated) caveats.Add("gated: the preceding dense layer must produce twice the units (the input splits into value and gate halves)");
        if (info.Name == "leaky_relu" && request.Model == ModelType.Gan) caveats.Add("DCGAN uses negative_slope = 0.2 (PyTorch's default is 0.01)");

        var parameters = new Dictionary<string, double>();
        if (info.Name == "leaky_relu" && request.Model == ModelType.Gan) parameters["negative_slope"] = 0.2;

        return new Recommendation
        {
            Name = info.Name,
            Params = parameters,
            // The gain of the recommended parameters: leaky_relu(0.2)'s is √(2/(1 + 0.2²)) = 1.3868, not the default slope's.
            Init = InitFor(ActivationCatalog.Create(info.Name, parameters), request),
            Loss = request.Layer == LayerRole.Output ? LossFor(info.Name, request) : null,
            Why = reasons,
            Caveats = caveats,
            Score = score,
        };
    }

    /// <summary>The initialisation to pair with a function at its default parameters: its recommended scheme and gain.</summary>
    public static string InitFor(ActivationInfo info, AdvisorRequest? request = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        return InitFor(ActivationCatalog.Create(info), request);
    }

    /// <summary>
    /// The initialisation to pair with a function at its bound parameters: its recommended scheme, with the gain
    /// <see cref="InitGain.Of(Activation)"/> gives at those parameters (the catalog's <see cref="ActivationInfo.Gain"/>
    /// at the defaults).
    /// </summary>
    public static string InitFor(Activation activation, AdvisorRequest? request = null)
    {
        ArgumentNullException.ThrowIfNull(activation);
        var info = activation.Info;
        if (request?.Layer == LayerRole.Output) return "glorot_uniform (gain 1)";
        bool defaults = activation.Parameters.SequenceEqual(info.Parameters.Select(p => p.Default));
        double gain = defaults ? info.Gain : InitGain.Of(activation);
        return info.Init switch
        {
            Initialization.He => $"he_normal (gain {gain.ToString("0.####", CultureInfo.InvariantCulture)})",
            Initialization.LeCun => "lecun_normal",
            _ => $"glorot_uniform (gain {gain.ToString("0.####", CultureInfo.InvariantCulture)})",
        };
    }

    private static string LossFor(string name, AdvisorRequest r) => (r.Task, name) switch
    {
        (AdvisorTask.Binary, "sigmoid") => "binary cross-entropy (fused with the sigmoid on logits for stability)",
        (AdvisorTask.Multiclass, "softmax") => "categorical cross-entropy (fused with the softmax on logits for stability)",
        (AdvisorTask.Multiclass, "log_softmax") => "negative log-likelihood",
        (AdvisorTask.Multilabel, "sigmoid") => "binary cross-entropy per label",
        (AdvisorTask.Ranking, _) => "pairwise logistic (RankNet) or listwise softmax cross-entropy (ListNet)",
        (AdvisorTask.Regression, "identity") => "mean squared error (Huber if there are outliers)",
        (AdvisorTask.Regression, "softplus" or "exponential") => "Poisson negative log-likelihood or MSE",
        (AdvisorTask.Regression, _) => "mean squared error on targets scaled into the output range",
        _ => "cross-entropy matching the output",
    };

    private static string Describe(AdvisorRequest r) =>
        $"model {Text(r.Model)}, task {Text(r.Task)}, layer {Text(r.Layer)}"
        + (r.Constraints.Count > 0 ? ", constraints " + string.Join(", ", r.Constraints.Select(c => Text(c))) : string.Empty);

    /// <summary>The CLI spelling of an option value (kebab-case): VanishingGradients → vanishing-gradients.</summary>
    public static string Text<TEnum>(TEnum value) where TEnum : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>Parses a CLI option value (case-insensitive, '-' or '_' optional); unknown values list the valid ones.</summary>
    public static TEnum Parse<TEnum>(string text, string option) where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(text);
        string key = text.Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        foreach (var v in Enum.GetValues<TEnum>())
        {
            if (string.Equals(v.ToString(), key, StringComparison.OrdinalIgnoreCase)) return v;
        }

        throw new ArgumentException($"Unknown {option} '{text}'; valid: {string.Join(", ", Enum.GetValues<TEnum>().Select(v => Text(v)))}.", option);
    }
}

/// <summary>Properties derived numerically from a function itself (not hand-kept lists).</summary>
public static class CatalogProperties
{
    private static double[] Grid() => Enumerable.Range(0, 2001).Select(i => -50 + (i * 0.05)).ToArray();

    /// <summary>
    /// f(x) ≥ 0 everywhere (sampled over [−50, 50] with default parameters; row-wise functions over rows of 23 of those
    /// values, gated ones never: their a·g(b) takes a's sign).
    /// </summary>
    public static bool IsNonNegative(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Kind == ActivationKind.Gated) return false;
        var x = Grid();
        var y = new double[x.Length];
        ActivationCatalog.Create(info).Forward(x, y, Columns(info));
        return y.All(v => v >= 0);
    }

    /// <summary>
    /// The backward pass returns zeros for every input and gradient sampled (binary_step, hardmax): the function is
    /// piecewise constant, so no gradient reaches the layers before it. Element-wise functions over [−50, 50],
    /// row-wise ones over rows of 23 of those values, each with a varying dy; gated functions never.
    /// </summary>
    public static bool PassesNoGradient(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Kind == ActivationKind.Gated) return false;
        var x = Grid();
        var dy = x.Select((_, i) => 1.0 + Math.Sin(i)).ToArray();
        var dx = new double[x.Length];
        ActivationCatalog.Create(info).Backward(x, dy, dx, Columns(info));
        return dx.All(v => v == 0);
    }

    /// <summary>
    /// The smooth function to train with in place of one that <see cref="PassesNoGradient"/>: softmax for a row-wise
    /// one (hardmax), sigmoid for an element-wise one (binary_step).
    /// </summary>
    public static string SmoothStandIn(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.Kind == ActivationKind.Rowwise ? "softmax" : "sigmoid";
    }

    /// <summary>Row length for sampling a function over <see cref="Grid"/>: 23 for row-wise ones (the grid's 2001 values are 87 rows), 0 otherwise.</summary>
    private static int Columns(ActivationInfo info) => info.Kind == ActivationKind.Rowwise ? 23 : 0;
}
