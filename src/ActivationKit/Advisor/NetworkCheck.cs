using System.Text.Json;
using System.Text.Json.Serialization;
using ActivationKit.Catalog;
using ActivationKit.Diagnostics;

namespace ActivationKit.Advisor;

/// <summary>A network description to check: layers with sizes, activations and initialisation, the loss and the task.</summary>
public sealed record NetworkSpec
{
    /// <summary>Input features.</summary>
    [JsonPropertyName("inputs")]
    public int Inputs { get; init; }

    [JsonPropertyName("layers")]
    public IReadOnlyList<LayerSpec> Layers { get; init; } = [];

    /// <summary>mse, mae, huber, bce, bce_logits, ce, ce_logits.</summary>
    [JsonPropertyName("loss")]
    public string Loss { get; init; } = "";

    /// <summary>regression, binary, multiclass, multilabel.</summary>
    [JsonPropertyName("task")]
    public string Task { get; init; } = "";

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Parses a JSON spec; malformed JSON or missing fields give one clear sentence.</summary>
    public static NetworkSpec Parse(string json)
    {
        NetworkSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<NetworkSpec>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The network spec is not valid JSON: {ex.Message}", ex);
        }

        if (spec is null || spec.Layers.Count == 0) throw new FormatException("The network spec has no \"layers\" (a list of {\"units\": N, \"activation\": NAME, \"init\": SCHEME}).");
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i].Units <= 0) throw new FormatException($"Layer {i + 1} of the spec needs \"units\" > 0.");
            if (string.IsNullOrWhiteSpace(spec.Layers[i].Activation)) throw new FormatException($"Layer {i + 1} of the spec needs an \"activation\".");
        }

        return spec;
    }
}

/// <summary>One dense layer of a <see cref="NetworkSpec"/>.</summary>
public sealed record LayerSpec
{
    [JsonPropertyName("units")]
    public int Units { get; init; }

    /// <summary>Catalog name or spec, e.g. "relu", "leaky_relu(0.2)".</summary>
    [JsonPropertyName("activation")]
    public string Activation { get; init; } = "";

    /// <summary>zeros, constant, uniform, normal, glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, orthogonal.</summary>
    [JsonPropertyName("init")]
    public string Init { get; init; } = "";
}

/// <summary>Lists the problems in a network description, each with a fix.</summary>
public static class NetworkCheck
{
    private static readonly string[] Inits = ["zeros", "constant", "uniform", "normal", "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal", "lecun_uniform", "lecun_normal", "orthogonal"];

    /// <summary>
    /// The loss name the output check understands (mse, mae, huber, bce, bce_logits, ce, ce_logits) for common
    /// spellings: cross_entropy → ce, binary_crossentropy → bce, huber(1) → huber, multilabel_bce → bce; empty stays empty.
    /// </summary>
    public static string CanonicalLoss(string? loss)
    {
        string l = (loss ?? string.Empty).Trim().ToLowerInvariant().Replace('-', '_');
        int paren = l.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0) l = l[..paren];
        bool logits = l.EndsWith("_logits", StringComparison.Ordinal) || l.StartsWith("softmax_", StringComparison.Ordinal) || l.StartsWith("sigmoid_", StringComparison.Ordinal);
        string core = l.Replace("_logits", string.Empty, StringComparison.Ordinal).Replace("softmax_", string.Empty, StringComparison.Ordinal).Replace("sigmoid_", string.Empty, StringComparison.Ordinal);
        string canonical = core switch
        {
            "cross_entropy" or "crossentropy" or "categorical_crossentropy" or "categorical_cross_entropy" or "ce" or "nll" => "ce",
            "binary_crossentropy" or "binary_cross_entropy" or "bce" or "multilabel_bce" or "multi_label_bce" => "bce",
            "mean_squared_error" or "l2" or "mse" => "mse",
            "mean_absolute_error" or "l1" or "mae" => "mae",
            "huber" or "smooth_l1" => "huber",
            _ => l,
        };
        return logits && canonical is "ce" or "bce" ? canonical + "_logits" : canonical;
    }

    /// <summary>Checks a spec and returns the findings (empty for a sound network).</summary>
    public static IReadOnlyList<Finding> Check(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var found = new List<Finding>();
        var acts = new List<ActivationInfo>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            acts.Add(ActivationCatalog.Create(layer.Activation).Info);
            string init = layer.Init.Trim().ToLowerInvariant();
            if (init.Length > 0 && !Inits.Contains(init))
            {
                throw new ArgumentException($"Layer {i + 1}: unknown init '{layer.Init}'; valid: {string.Join(", ", Inits)}.");
            }
        }

        int hidden = spec.Layers.Count - 1;
        for (int i = 0; i < hidden; i++)
        {
            string name = $"layer {i + 1} ({spec.Layers[i].Activation})";
            string init = spec.Layers[i].Init.Trim().ToLowerInvariant();
            var info = acts[i];
            if (init is "zeros" or "constant")
            {
                found.Add(new Finding
                {
                    Kind = FindingKind.SymmetricInit,
                    Severity = Severity.Critical,
                    Layer = name,
                    Explanation = $"{init} initialisation of a hidden layer makes every unit identical; they get identical gradients and never become different.",
                    Fix = $"Use {ActivationAdvisor.InitFor(info)}.",
                });
                continue;
            }

            string family = init.Replace("xavier", "glorot", StringComparison.Ordinal).Replace("kaiming", "he", StringComparison.Ordinal).Split('_')[0];
            string needed = info.Init switch { Initialization.He => "he", Initialization.LeCun => "lecun", _ => "glorot" };
            bool mismatch = family is "he" or "glorot" or "lecun" && family != needed
                && !(needed == "lecun" && family == "glorot") && !(family == "lecun" && needed == "glorot" && !info.Saturating);
            if (mismatch)
            {
                bool deep = hidden >= 5;
                found.Add(new Finding
                {
                    Kind = FindingKind.InitScale,
                    Severity = deep ? Severity.Warning : Severity.Info,
                    Layer = name,
                    Explanation = $"{init} does not match {info.Name}, which needs {needed} scaling"
                        + (family == "he" && needed == "glorot" ? ": the larger weights push a saturating function into its flat tails." : family == "glorot" && needed == "he" ? ": ReLU halves the variance at each layer, so the signal fades through the stack." : ".")
                        + (deep ? $" With {hidden} hidden layers the mismatch compounds." : string.Empty),
                    Fix = $"Use {ActivationAdvisor.InitFor(info)}.",
                });
            }
        }

        for (int i = 0; i < acts.Count; i++)
        {
            if (!CatalogProperties.PassesNoGradient(acts[i])) continue;
            found.Add(new Finding
            {
                Kind = FindingKind.VanishingGradients,
                Severity = Severity.Critical,
                Layer = i == hidden ? "output" : $"layer {i + 1} ({spec.Layers[i].Activation})",
                Explanation = $"{acts[i].Name} is piecewise constant: its gradient is zero everywhere, so no layer before it ever learns.",
                Fix = $"Train with a smooth stand-in ({CatalogProperties.SmoothStandIn(acts[i])}) and apply {acts[i].Name} only at inference, or use a straight-through estimator.",
            });
        }

        int saturatingHidden = acts.Take(hidden).Count(a => a.Family == Family.Sigmoidal);
        if (hidden >= 5 && saturatingHidden >= 3)
        {
            found.Add(new Finding
            {
                Kind = FindingKind.VanishingGradients,
                Severity = Severity.Warning,
                Layer = "hidden stack",
                Evidence = new Dictionary<string, double> { ["hidden_layers"] = hidden, ["saturating_layers"] = saturatingHidden },
                Explanation = $"{saturatingHidden} of {hidden} hidden layers use a saturating function (sigmoid/tanh family): their small derivatives multiply and the first layers' gradients vanish.",
                Fix = "Use the ReLU family with He initialisation (or SELU with LeCun normal) in the hidden layers.",
            });
        }

        if (!string.IsNullOrWhiteSpace(spec.Task))
        {
            var task = ActivationAdvisor.Parse<TaskKind>(spec.Task, "task");
            found.AddRange(OutputCheck.Check(spec.Layers[^1].Activation, task, CanonicalLoss(spec.Loss)));
        }
        else if (!string.IsNullOrWhiteSpace(spec.Loss))
        {
            throw new ArgumentException($"The spec names the loss '{spec.Loss}' but no \"task\"; add \"task\": one of {string.Join(", ", Enum.GetValues<TaskKind>().Select(t => ActivationAdvisor.Text(t)))}.");
        }

        return found;
    }
}
