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
    /// <summary>
    /// Ranked recommendations (best first, at most <paramref name="count"/>): the functions the applicable rules score
    /// above zero that meet the constraints. When the rules prefer none of those, the functions that meet the
    /// constraints and can serve the layer, ranked by their known problems (score 0, "no rule for this case prefers it").
    /// </summary>
    /// <exception cref="ArgumentException">Contradictory options, or no function meets the constraints and serves the layer (the message says which and why).</exception>
    public static IReadOnlyList<Recommendation> Recommend(AdvisorRequest request, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Validate(request);
        var rules = AdvisorRules.All.Where(r => r.Applies(request)).ToList();
        var scores = new Dictionary<string, double>();
        var why = new Dictionary<string, List<string>>();
        var avoided = new Dictionary<string, List<string>>(StringComparer.Ordinal);
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
                (avoided.TryGetValue(name, out var by) ? by : avoided[name] = []).Add(rule.Id);
                if (scores.ContainsKey(name)) scores[name] -= penalty;
                else scores[name] = -penalty;
            }
        }

        var ranked = scores
            .Where(kv => kv.Value > 0 && ActivationCatalog.Find(kv.Key) is { } info && Allowed(info, request) && RuledOutBy(info, request) is null && LinearInHidden(info, request) is null)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(kv => Build(ActivationCatalog.Find(kv.Key)!, kv.Value, why[kv.Key], request))
            .ToList();
        if (ranked.Count > 0) return ranked;

        // No rule prefers a function that meets the constraints. Those that meet them and can serve the layer are
        // still an answer (it was "No activation satisfies all of …" although softplus meets non-negative and smooth).
        var meeting = ActivationCatalog.All.Where(i => Allowed(i, request)).ToList();
        var fallback = meeting
            .Where(i => !avoided.ContainsKey(i.Name) && RuledOutBy(i, request) is null && RoleMismatch(i, request) is null)
            .OrderBy(i => FallbackCost(i, request)).ThenBy(i => FamilyRank(i, request)).ThenBy(i => i.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(i => Build(i, 0, [FallbackReason(request)], request))
            .ToList();
        if (fallback.Count > 0 && request.Constraints.Count + request.Symptoms.Count > 0) return fallback;
        throw new ArgumentException(NoneMessage(request, meeting, avoided), nameof(request));
    }

    /// <summary>Why nothing can be recommended, in one sentence that is true of the catalog.</summary>
    private static string NoneMessage(AdvisorRequest request, IReadOnlyList<ActivationInfo> meeting, IReadOnlyDictionary<string, List<string>> avoided)
    {
        if (request.Constraints.Count == 0) return $"No rule recommends an activation for {Describe(request)}.";
        string constraints = string.Join(", ", request.Constraints.Select(c => Text(c)));
        if (meeting.Count == 0) return $"No activation satisfies all of: {constraints} (for {Describe(request)}). Drop a constraint.";

        // Some meet the constraints; say what keeps each from this layer.
        var reasons = meeting
            .GroupBy(RoleOrRule)
            .Select(g => $"{FindingList(g.Select(i => i.Name).ToList())}: {g.Key}");
        return meeting.Count == 1
            ? $"Only {meeting[0].Name} meets all of: {constraints}, but it does not suit {Describe(request)} ({RoleOrRule(meeting[0])}). Drop a constraint."
            : $"{meeting.Count} functions meet all of: {constraints}, but none suits {Describe(request)} ({string.Join("; ", reasons)}). Drop a constraint.";

        // The catalog's reasons first (a reported problem, the layer's needs), then the rules that argue against it.
        string RoleOrRule(ActivationInfo i) => RuledOutBy(i, request) ?? RoleMismatch(i, request)
            ?? (avoided.TryGetValue(i.Name, out var by) ? $"{(by.Count == 1 ? "rule" : "rules")} {string.Join(" and ", by.Distinct())} {(by.Count == 1 ? "argues" : "argue")} against it" : "ranked out");
    }

    private static string FindingList(IReadOnlyList<string> names) =>
        names.Count <= 6 ? Diagnostics.FindingText.List(names, "and") : $"{string.Join(", ", names.Take(6))} and {names.Count - 6} more";

    /// <summary>
    /// Why a reported symptom rules <paramref name="info"/> out, or null: in a feed-forward hidden layer, a function the
    /// catalog marks with the symptom's problem (dead units, vanishing gradients, saturation) is no cure for it. Exploding
    /// gradients rule nothing out: their mark (output unbounded above) is every rectifier's, and the cause is usually
    /// elsewhere, so rule symptom-exploding only penalises.
    /// </summary>
    private static string? RuledOutBy(ActivationInfo info, AdvisorRequest request)
    {
        if (request.Layer != LayerRole.Hidden || request.Model is ModelType.Rnn or ModelType.Lstm or ModelType.Gru) return null;
        foreach (var symptom in request.Symptoms)
        {
            if (symptom == Symptom.ExplodingGradients || ActivationProblems.ForSymptom(symptom) is not { } problem) continue;
            if (problem.Affects(info)) return $"marked with {problem.Id}, the problem that --symptom {Text(symptom)} reports";
        }

        return null;
    }

    private static string FallbackReason(AdvisorRequest request)
    {
        var reported = request.Symptoms.Where(s => s != Symptom.ExplodingGradients).Select(ActivationProblems.ForSymptom).OfType<ActivationProblem>().Select(p => p.Id).ToList();
        string meets = request.Constraints.Count > 0 ? $"meets your constraints ({string.Join(", ", request.Constraints.Select(c => Text(c)))})" : string.Empty;
        string free = reported.Count > 0 && request.Layer == LayerRole.Hidden ? $"has none of the problems you report ({string.Join(", ", reported)})" : string.Empty;
        string what = string.Join(" and ", new[] { meets, free }.Where(t => t.Length > 0));
        return $"fallback: {(what.Length > 0 ? what : "suits the layer")}; no rule for this case prefers it, so it is ranked by its known problems";
    }

    /// <summary>
    /// What keeps a function that meets the constraints from serving the layer when no rule prefers it, or null: it
    /// passes no gradient; it is linear and the layer hidden; a recurrent state or cell candidate must stay bounded and zero-centred; a gate, or a binary or
    /// multi-label output, needs values in [0, 1]; a multi-class output a distribution over the classes.
    /// </summary>
    private static string? RoleMismatch(ActivationInfo info, AdvisorRequest request)
    {
        if (CatalogProperties.PassesNoGradient(info)) return "no gradient, so nothing before it learns";
        if (LinearInHidden(info, request) is { } linear) return linear;
        bool recurrent = request.Model is ModelType.Rnn or ModelType.Lstm or ModelType.Gru;
        switch (request.Layer)
        {
            case LayerRole.Cell or LayerRole.Hidden when recurrent:
                return info.BoundedAbove && info.BoundedBelow && info.ZeroCentred ? null : "not both bounded and zero-centred, as a recurrent state must be";
            case LayerRole.Gate:
                return CatalogProperties.IsInUnitInterval(info) ? null : "outside [0, 1], which a gate needs";
            case LayerRole.Output when AdvisorRules.IsGanGenerator(request) || AdvisorRules.IsReconstruction(request):
                return info.Kind == ActivationKind.Elementwise ? null : "not element-wise, as a generated or reconstructed output is";
            case LayerRole.Output when request.Task is AdvisorTask.Binary or AdvisorTask.Multilabel:
                // Logits (with the loss on logits) or one probability per output.
                return info.Name == "identity" || CatalogProperties.IsInUnitInterval(info) ? null : "no probability in [0, 1] per output";
            case LayerRole.Output when request.Task == AdvisorTask.Multiclass:
                // Logits (with softmax cross-entropy on them) or a row-wise distribution (or its logarithm).
                return info.Name == "identity" || IsClassDistribution(info) ? null : "no distribution over the classes";
            default:
                return null;
        }
    }

    /// <summary>
    /// True for a row-wise function that the output check accepts at a multi-class output without a critical finding: a
    /// distribution over the classes, or its logarithm.
    /// </summary>
    private static bool IsClassDistribution(ActivationInfo info) =>
        info.Kind == ActivationKind.Rowwise
        && !Diagnostics.OutputCheck.Check(info.Name, Diagnostics.TaskKind.Multiclass, string.Empty).Any(f => f.Severity == Diagnostics.Severity.Critical);

    /// <summary>
    /// Why a linear function (<see cref="CatalogProperties.IsLinear(ActivationInfo)"/>: identity) cannot be a hidden layer's activation, or
    /// null: a linear hidden layer composes with the next layer's weights into one linear map, so it adds no capacity.
    /// The fallback ranked identity first for <c>--constraint cheap --constraint smooth</c>, as it has no problem that
    /// weighs in a hidden layer (its only mark, an output unbounded above, costs nothing there).
    /// </summary>
    private static string? LinearInHidden(ActivationInfo info, AdvisorRequest request) =>
        request.Layer == LayerRole.Hidden && CatalogProperties.IsLinear(info)
            ? "linear, so a hidden layer of it folds into the next layer's weights as one linear map and adds no non-linearity"
            : null;

    /// <summary>
    /// How badly a function's known problems fit the layer, for ranking the fallback (lower is better): in hidden layers
    /// a slope that grows without bound (<see cref="CatalogProperties.SlopeGrowsWithoutBound"/>: exponential, squared
    /// ReLU) weighs 4, vanishing gradients and dying units 3, saturation 2, sensitivity to initialisation and outputs off
    /// zero 1, cost and kinks ½; elsewhere dying units 2, vanishing gradients and saturation 1 (outputs and gates are
    /// meant to squash), the rest ½ (outputs off zero: 2 in a recurrent state).
    /// </summary>
    /// <remarks>
    /// The growing slope is the mirror of vanishing gradients and weighs more: small slopes slow the first layers down,
    /// while slopes that grow with the input compound layer by layer until activations and gradients overflow to ∞ or
    /// NaN, which ends training. The catalog's unbounded-output mark does not tell them apart (every rectifier has it,
    /// with a slope of at most 1), so <c>--constraint non-negative-output --constraint smooth</c> ranked the exponential
    /// third, ahead of sigmoid, with nothing said about it.
    /// </remarks>
    private static double FallbackCost(ActivationInfo info, AdvisorRequest request)
    {
        bool hidden = request.Layer == LayerRole.Hidden && request.Model is not (ModelType.Rnn or ModelType.Lstm or ModelType.Gru);
        bool state = request.Layer is LayerRole.Cell or LayerRole.Hidden && !hidden;
        double cost = hidden && CatalogProperties.SlopeGrowsWithoutBound(info) ? 4 : 0;
        foreach (var p in Enum.GetValues<KnownProblem>().Where(p => p != KnownProblem.None && info.Problems.HasFlag(p)))
        {
            cost += p switch
            {
                KnownProblem.VanishingGradients => hidden ? 3 : 1,
                KnownProblem.DyingUnits => hidden ? 3 : 2,
                KnownProblem.Saturation => hidden ? 2 : 1,
                KnownProblem.InitialisationSensitive => 1,
                KnownProblem.NotZeroCentred => hidden ? 1 : state ? 2 : 0.5,
                KnownProblem.ComputationalCost or KnownProblem.NonDifferentiable => 0.5,
                _ => 0,
            };
        }

        return cost;
    }

    /// <summary>Breaks the fallback's ties: in feed-forward hidden layers the (smooth) rectifiers first, as rule hidden-rectifier has it; elsewhere the squashing and normalising functions.</summary>
    private static int FamilyRank(ActivationInfo info, AdvisorRequest request)
    {
        bool hidden = request.Layer == LayerRole.Hidden && request.Model is not (ModelType.Rnn or ModelType.Lstm or ModelType.Gru);
        return hidden
            ? info.Family switch { Family.Rectifier or Family.SmoothRectifier => 0, Family.Exponential or Family.Gated => 1, Family.Periodic or Family.Shrinkage => 2, Family.Linear or Family.Sigmoidal => 3, _ => 4 }
            : info.Family switch { Family.Sigmoidal or Family.Normalising or Family.Linear => 0, _ => 1 };
    }

    /// <summary>True when the function meets every hard constraint of the request (<see cref="ConstraintCriteria"/>) and can serve the layer.</summary>
    public static bool Allowed(ActivationInfo info, AdvisorRequest request)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(request);
        // What each constraint means is ConstraintCriteria's, the one definition docs/advisor.md prints.
        foreach (var c in request.Constraints)
        {
            if (!ConstraintCriteria.Meets(info, c)) return false;
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
        if (!Enum.IsDefined(request.Model)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Model {(int)request.Model} is not a ModelType."), nameof(request));
        if (!Enum.IsDefined(request.Task)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Task {(int)request.Task} is not an AdvisorTask."), nameof(request));
        if (!Enum.IsDefined(request.Layer)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer {(int)request.Layer} is not a LayerRole."), nameof(request));
        foreach (var symptom in request.Symptoms)
        {
            if (!Enum.IsDefined(symptom)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Symptom {(int)symptom} is not a Symptom."), nameof(request));
        }

        foreach (var constraint in request.Constraints)
        {
            if (!Enum.IsDefined(constraint)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Constraint {(int)constraint} is not a Constraint."), nameof(request));
        }
        bool recurrent = request.Model is ModelType.Rnn or ModelType.Lstm or ModelType.Gru;
        if (request.Layer is LayerRole.Gate or LayerRole.Cell && !recurrent)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--layer {Text(request.Layer)} applies to recurrent models only (rnn, lstm, gru), not {Text(request.Model)}."), nameof(request));
        }

        // The symptom rules are for hidden layers: --layer output --symptom dead-units gave the output advice with the symptom
        // dropped without a word.
        if (request.Symptoms.Count > 0 && request.Layer != LayerRole.Hidden)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--symptom applies to hidden layers, whose activation it helps choose; the {Text(request.Layer)} layer's activation follows its role{(request.Layer == LayerRole.Output ? " and the task" : string.Empty)}, so leave out --symptom or use --layer hidden."), nameof(request));
        }

        if (request.Model == ModelType.Regression && request.Task != AdvisorTask.Regression)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--model regression contradicts --task {Text(request.Task)}; use --task regression or another model type."), nameof(request));
        }

        if (request.Constraints.Contains(Constraint.SelfNormalising) && request.Layer != LayerRole.Hidden)
        {
            throw new ArgumentException("--constraint self-normalising is a property of hidden layers; use it with --layer hidden.", nameof(request));
        }

        if (request.Constraints.Contains(Constraint.SelfNormalising) && recurrent)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--constraint self-normalising applies to feed-forward hidden layers (SELU's fixed point is derived for a stack of layers, not a state fed back at every step), not to --model {Text(request.Model)}."), nameof(request));
        }

        if (request.Depth is < 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--depth must be ≥ 0, got {request.Depth}."), nameof(request));

        // "--depth 0" with a hidden layer printed "… 0 hidden layers" and advised an activation for a layer that is not there.
        if (request.Depth == 0 && request.Layer == LayerRole.Hidden)
        {
            throw new ArgumentException("--depth 0 means the network has no hidden layer, so there is no hidden activation to choose; give --depth 1 or more, or --layer output.", nameof(request));
        }
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
        if (info.Problems.HasFlag(KnownProblem.DyingUnits)) caveats.Add(DyingCaveat(info, request));
        if (info.Problems.HasFlag(KnownProblem.VanishingGradients) && request.Layer == LayerRole.Hidden) caveats.Add("small slopes (actkit problems vanishing-gradients): gradients vanish in deep stacks");
        if (request.Layer == LayerRole.Hidden && CatalogProperties.SlopeGrowsWithoutBound(info)) caveats.Add(ExplodingCaveat(info));
        if (info.Problems.HasFlag(KnownProblem.ComputationalCost)) caveats.Add("costlier than a comparison (transcendental functions)");
        if (info.Name == "selu") caveats.Add("SELU needs LeCun normal initialisation, standardised inputs and alpha-dropout (not ordinary dropout) to stay self-normalising");
        if (info.Name == "softmax") caveats.Add("softmax outputs sum to 1 and are class probabilities: use it only when classes are exclusive");
        if (info.Name is "relu" or "leaky_relu" or "elu" && request.Layer == LayerRole.Output && request.Task is AdvisorTask.Binary or AdvisorTask.Multiclass or AdvisorTask.Multilabel && !AdvisorRules.IsGanGenerator(request) && !AdvisorRules.IsReconstruction(request))
        {
            caveats.Add($"{info.Name} belongs in hidden layers; at a classification output it does not give probabilities");
        }

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

    /// <summary>
    /// The dying-units caveat for this function and layer: where f = f′ = 0 (sampled, e.g. x &lt; 0 for ReLU, x &lt; −3 for
    /// hard sigmoid), and the remedy that fits: a leaky variant for a hidden rectifier (those the request's constraints and
    /// symptoms allow), the smooth counterpart elsewhere.
    /// </summary>
    private static string DyingCaveat(ActivationInfo info, AdvisorRequest request)
    {
        string where = CatalogProperties.DeadZone(info) is { } zone ? $"for {zone}" : "on a whole interval";
        if (info.Kind == ActivationKind.Gated) where = "where the gate half is ≤ 0";
        // Only variants the request itself allows: with --symptom saturation the caveat offered elu, which the same request left out.
        var leaky = new[] { "leaky_relu", "prelu", "elu" }.Where(n => ActivationCatalog.Find(n) is { } v && Allowed(v, request) && RuledOutBy(v, request) is null).ToList();
        string remedy = request.Layer == LayerRole.Hidden && info.Family is Family.Rectifier or Family.SmoothRectifier or Family.Gated && leaky.Count > 0
            ? $"watch the dead-unit diagnostics or use a leaky variant ({string.Join(", ", leaky)})"
            : request.Layer == LayerRole.Hidden && info.Family is Family.Rectifier or Family.SmoothRectifier or Family.Gated
            ? "watch the dead-unit diagnostics"
            : info.Family == Family.Sigmoidal
                ? "sigmoid keeps a small gradient there"
                : "watch the dead-unit diagnostics";
        return $"zero output and zero gradient {where}: a unit pushed there stops learning; {remedy}";
    }

    /// <summary>
    /// Why a hidden layer of a function whose slope grows without bound risks exploding activations and gradients, in
    /// one caveat: its output grows faster than its input, so each layer multiplies the scale of the last.
    /// </summary>
    private static string ExplodingCaveat(ActivationInfo info) =>
        $"slope grows without bound (f′(x) = {info.Derivative}), so outputs grow faster than inputs and every layer compounds the scale of the last (actkit problems exploding-gradients): activations and gradients can overflow to ∞ or NaN; use a bounded or rectifying activation in hidden layers";

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
        double gain = InitGain.ForInit(activation);
        return info.Init switch
        {
            Initialization.He => $"he_normal (gain {gain.ToString("0.####", CultureInfo.InvariantCulture)})",
            Initialization.LeCun => "lecun_normal",
            _ => $"glorot_uniform (gain {gain.ToString("0.####", CultureInfo.InvariantCulture)})",
        };
    }

    private static string LossFor(string name, AdvisorRequest r)
    {
        if (AdvisorRules.IsGanGenerator(r))
        {
            return "none of its own: the discriminator's loss trains the generator (non-saturating binary cross-entropy on the discriminator's logits); scale the real images into this output's range";
        }

        if (AdvisorRules.IsReconstruction(r))
        {
            return name switch
            {
                "sigmoid" => "binary cross-entropy per input value against the input scaled to [0, 1] (fused with the sigmoid on logits for stability)",
                "identity" => "mean squared error against the (standardised) input",
                _ => "a reconstruction loss against the input scaled into this output's range (mean squared error)",
            };
        }

        return TaskLoss(name, r);
    }

    private static string TaskLoss(string name, AdvisorRequest r) => (r.Task, name) switch
    {
        (AdvisorTask.Binary or AdvisorTask.Multilabel, "hardsigmoid" or "sparse_sigmoid") => "binary cross-entropy on its outputs (not fused: it is no logistic; clamp them away from 0 and 1, which it reaches exactly)",
        (AdvisorTask.Binary, "sigmoid") => "binary cross-entropy (fused with the sigmoid on logits for stability)",
        (AdvisorTask.Binary or AdvisorTask.Multilabel, "identity") => "binary cross-entropy on the logits (the loss applies the sigmoid)",
        (AdvisorTask.Multiclass, "identity") => "softmax cross-entropy on the logits (the loss applies the softmax)",
        (AdvisorTask.Multiclass, "softmin") => "categorical cross-entropy (softmin is the softmax of −x)",
        (AdvisorTask.Multiclass, "sparsemax") => "the sparsemax loss (Martins & Astudillo, 2016): cross-entropy is undefined where sparsemax outputs exact zeros",
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
        $"the {Text(r.Layer)} layer of model {Text(r.Model)}, task {Text(r.Task)}"
        + (r.Depth is int d ? $", {Spelling.Count(d, "hidden layer")}" : string.Empty)
        + (r.Symptoms.Count > 0 ? ", symptoms " + string.Join(", ", r.Symptoms.Select(s => Text(s))) : string.Empty);

    /// <summary>The CLI spelling of an option value (kebab-case): VanishingGradients → vanishing-gradients.</summary>
    public static string Text<TEnum>(TEnum value) where TEnum : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>
    /// Parses a symptom: its own spelling (dead-units) or the id or an alias of the problem it reports (dying-units), as
    /// <see cref="ActivationProblems"/> lists them; unknown values list the valid ones with their other spelling.
    /// </summary>
    public static Symptom ParseSymptom(string text, string option = "--symptom")
    {
        ArgumentNullException.ThrowIfNull(text);
        return ActivationProblems.SymptomNamed(text) ?? throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Unknown {option} '{text}'; valid: {string.Join(", ", Enum.GetValues<Symptom>().Select(SymptomSpellings))}."), option);

        static string SymptomSpellings(Symptom s) =>
            ActivationProblems.ForSymptom(s) is { } p && p.Id != Text(s) ? $"{Text(s)} (or {p.Id})" : Text(s);
    }

    /// <summary>Parses a CLI option value (case-insensitive, '-' or '_' optional); unknown values list the valid ones.</summary>
    public static TEnum Parse<TEnum>(string text, string option) where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParse(text, out TEnum value)) return value;
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unknown {option} '{text}'; valid: {string.Join(", ", Enum.GetValues<TEnum>().Select(v => Text(v)))}."), option);
    }

    /// <summary>
    /// <see cref="Parse{TEnum}"/> without the error: true and the value when <paramref name="text"/> names one (any case,
    /// with or without '-' and '_'), false for null, blank or unknown text.
    /// </summary>
    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string key = text.Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        foreach (var v in Enum.GetValues<TEnum>())
        {
            if (string.Equals(v.ToString(), key, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        return false;
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
    /// Where an element-wise function is f = f′ = 0 (its dead zone, sampled over [−20, 20] at default parameters), in
    /// words — "x &lt; 0", "x &lt; −3", "−0.5 &lt; x &lt; 0.5" — with the ends at its kinks; null when it has none or is not element-wise.
    /// </summary>
    public static string? DeadZone(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Kind != ActivationKind.Elementwise) return null;
        var x = Enumerable.Range(0, 4001).Select(i => -20 + (i * 0.01)).ToArray();
        var y = new double[x.Length];
        var d = Enumerable.Repeat(1.0, x.Length).ToArray();
        var f = ActivationCatalog.Create(info);
        f.Forward(x, y);
        f.Backward(x, d, d);
        bool Dead(int i) => y[i] == 0 && d[i] == 0;
        int first = Enumerable.Range(0, x.Length - 1).FirstOrDefault(i => Dead(i) && Dead(i + 1), -1);
        if (first < 0) return null;
        int last = first;
        while (last + 1 < x.Length && Dead(last + 1)) last++;
        string End(double v) => ParameterSpec.Fmt(info.Kinks.Where(k => Math.Abs(k - v) <= 0.011).DefaultIfEmpty(Math.Round(v, 2)).First()).Replace('-', '−');
        return (first == 0, last == x.Length - 1) switch
        {
            (true, true) => "every x",
            (true, false) => $"x < {End(x[last])}",
            (false, true) => $"x > {End(x[first])}",
            _ => $"{End(x[first])} < x < {End(x[last])}",
        };
    }

    /// <summary>An element-wise function's values over <see cref="Grid"/> at its default parameters; null for row-wise and gated ones.</summary>
    private static double[]? Sampled(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return Sampled(ActivationCatalog.Create(info));
    }

    /// <summary>An element-wise instance's values over <see cref="Grid"/> at its own parameters; null for row-wise and gated ones and one slope per channel.</summary>
    private static double[]? Sampled(Activation f)
    {
        // One parameter per channel (prelu(num_parameters=C)) takes rows of C values, not a grid: not sampled.
        if (f.Info.Kind != ActivationKind.Elementwise || f.Channels > 1) return null;
        var x = Grid();
        var y = new double[x.Length];
        f.Forward(x, y);
        return y;
    }

    /// <summary>
    /// An instance that returns its input unchanged: linear (<see cref="IsLinear(Activation)"/>) with f(0) = 0 and f(1) = 1
    /// (identity, leaky_relu(1), hardtanh(−∞, ∞)); null counts as the identity (a layer without an activation).
    /// </summary>
    public static bool IsIdentity(Activation? f)
    {
        if (f is null) return true;
        if (!IsLinear(f)) return false;
        var y = new double[2];
        f.Forward([0.0, 1.0], y);
        return y[0] == 0 && y[1] == 1;
    }

    /// <summary>
    /// An element-wise function that is affine at its default parameters, f(x) = a·x + b (second differences zero to
    /// rounding over [−50, 50], across 0 where the rectifiers bend): identity. Row-wise and gated functions: false.
    /// </summary>
    public static bool IsLinear(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return IsLinear(ActivationCatalog.Create(info));
    }

    /// <summary>
    /// <see cref="IsLinear(ActivationInfo)"/> at the instance's own parameters: leaky_relu(1), hardtanh(−∞, ∞) and
    /// softshrink(0) are the identity, which the catalog entry at its defaults is not. An instance with a learnable
    /// parameter or a kink is not linear.
    /// </summary>
    public static bool IsLinear(Activation f)
    {
        ArgumentNullException.ThrowIfNull(f);

        // A learnable parameter (prelu(init=1)) moves the function off the identity as it trains; a kink outside the
        // grid (hardtanh(±2e30), threshold(−1e31, 0)) or between its points (hardshrink(1e−4)) is no straight line.
        if (f.Info.Parameters.Any(p => p.Learnable) || f.Kinks.Count > 0) return false;
        if (Sampled(f) is not { } y) return false;
        for (int i = 1; i + 1 < y.Length; i++)
        {
            double second = y[i - 1] - (2 * y[i]) + y[i + 1];
            if (!double.IsFinite(second) || Math.Abs(second) > 1e-9 * (1 + Math.Abs(y[i]))) return false;
        }

        return true;
    }

    /// <summary>
    /// The slope of an element-wise function grows without bound for large positive x, so its output grows faster than
    /// its input (exponential, squared ReLU): sampled at x = 10, 20 and 40 at default parameters, f′ is over 1 and at
    /// least 1.5 times larger at each point than at the one before. A rectifier's slope stays at 1 and a smooth
    /// rectifier's tends to it, so neither is marked, although both are unbounded above. Row-wise and gated functions: false.
    /// </summary>
    public static bool SlopeGrowsWithoutBound(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Kind != ActivationKind.Elementwise) return false;
        double[] x = [10, 20, 40];
        var d = new double[x.Length];
        double[] dy = [1, 1, 1];
        ActivationCatalog.Create(info).Backward(x, dy, d);
        return d[0] > 1 && d[1] >= 1.5 * d[0] && d[2] >= 1.5 * d[1];
    }

    /// <summary>
    /// 0 ≤ f(x) ≤ 1 everywhere for an element-wise function (sampled over [−50, 50]): a gate's or a per-unit
    /// probability's range. Row-wise and gated functions: false.
    /// </summary>
    public static bool IsInUnitInterval(ActivationInfo info)
    {
        return Sampled(info) is { } y && y.All(v => v is >= 0 and <= 1);
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
