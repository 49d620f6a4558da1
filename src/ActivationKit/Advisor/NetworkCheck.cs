using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActivationKit.Catalog;
using ActivationKit.Diagnostics;

namespace ActivationKit.Advisor;

/// <summary>A network description to check: layers with sizes, activations and initialisation, the loss and the task.</summary>
public sealed record NetworkSpec
{
    /// <summary>Input features (0: not given).</summary>
    [JsonPropertyName("inputs")]
    public int Inputs { get; init; }

    [JsonPropertyName("layers")]
    public IReadOnlyList<LayerSpec> Layers { get; init; } = [];

    /// <summary>mse, mae, huber, poisson, bce, bce_logits, ce, ce_logits, ranknet, listnet.</summary>
    [JsonPropertyName("loss")]
    public string Loss { get; init; } = "";

    /// <summary>regression, binary, multiclass, multilabel, ranking.</summary>
    [JsonPropertyName("task")]
    public string Task { get; init; } = "";

    private static readonly string[] TopKeys = ["inputs", "layers", "loss", "task"];
    private static readonly string[] LayerKeys = ["units", "activation", "init"];
    private const string LayerShape = "{\"units\": N, \"activation\": NAME, \"init\": SCHEME}";

    /// <summary>
    /// The 0-based character column of a byte offset in line <paramref name="line"/> (0-based) of <paramref name="json"/>:
    /// the reader counts UTF-8 bytes, so a line with "é" before the error read five columns too far right for five of them.
    /// </summary>
    private static long Column(string json, long line, long bytes)
    {
        string[] lines = json.Split('\n');
        if (line >= lines.Length) return bytes;
        var utf8 = System.Text.Encoding.UTF8.GetBytes(lines[line]);
        return bytes > utf8.Length ? bytes : System.Text.Encoding.UTF8.GetCharCount(utf8, 0, (int)bytes);
    }

    /// <summary>
    /// Parses a JSON spec. Malformed JSON, a missing or null field, a value of the wrong type, <c>inputs</c> or
    /// <c>units</c> that is not a whole number from 1 to int.MaxValue (8.0 is 8), or an unknown key (keys match case-insensitively) give a <see cref="FormatException"/>
    /// whose one sentence names the field.
    /// </summary>
    public static NetworkSpec Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            // The reader's message ends in " LineNumber: 0 | BytePositionInLine: 60.", both counted from 0: the position is
            // given once, counted from 1 as editors count.
            string reason = ex.Message;
            int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut < 0) cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0) reason = reason[..cut].TrimEnd();
            string at = ex.LineNumber is long line && ex.BytePositionInLine is long bytes ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, column {Column(json, line, bytes) + 1}") : string.Empty;
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The network spec is not valid JSON{at}: {reason.TrimEnd('.')}."), ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The network spec must be a JSON object with \"layers\" (a list of {LayerShape})."));
            CheckKeys(root, TopKeys, "The network spec");
            int inputs = Find(root, "inputs") is { } inputsJson ? Count(inputsJson, "The network spec's \"inputs\"", "the input features") : 0;

            var layersJson = Find(root, "layers");
            if (layersJson is null || (layersJson.Value.ValueKind == JsonValueKind.Array && layersJson.Value.GetArrayLength() == 0))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The network spec has no \"layers\" (a list of {LayerShape})."));
            }

            if (layersJson.Value.ValueKind != JsonValueKind.Array) throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The network spec's \"layers\" must be a list of {LayerShape}, got {Got(layersJson.Value)}."));
            var layers = new List<LayerSpec>();
            int i = 0;
            foreach (var l in layersJson.Value.EnumerateArray())
            {
                string where = $"Layer {++i} of the spec";
                if (l.ValueKind != JsonValueKind.Object) throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{where} must be an object {LayerShape}, got {Got(l)}."));
                CheckKeys(l, LayerKeys, where);
                if (Find(l, "units") is not { } unitsJson) throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{where} needs \"units\", a whole number ≥ 1."));
                int units = Count(unitsJson, $"{where}: \"units\"", "the layer's width");

                // Required: absent, null and blank need one; another type is named, as "init", "loss" and "task" name theirs
                // ("activation": 5 was told it "needs an activation").
                string? activation = Find(l, "activation") switch
                {
                    { ValueKind: JsonValueKind.String } a => a.GetString(),
                    { ValueKind: not JsonValueKind.Null } other => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{where}: \"activation\" must be a string (a catalog name such as \"relu\"), got {Got(other)}.")),
                    _ => null,
                };
                if (string.IsNullOrWhiteSpace(activation)) throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{where} needs an \"activation\", a catalog name such as \"relu\"."));
                layers.Add(new LayerSpec { Units = units, Activation = activation, Init = Text(l, "init", where, "an initialiser such as \"he_normal\"") ?? "" });
            }

            return new NetworkSpec
            {
                Inputs = inputs,
                Layers = layers,
                Loss = Text(root, "loss", "The network spec", "a loss such as \"ce\"") ?? "",
                Task = Text(root, "task", "The network spec", "a task such as \"multiclass\"") ?? "",
            };
        }
    }

    /// <summary>
    /// A count (inputs, units): a whole number from 1 to int.MaxValue; 8.0 is 8. What is wrong is said: not a number,
    /// not a whole number (8.5), below 1, or too large (1e10) — all were "needs units > 0 (a whole number)".
    /// </summary>
    private static int Count(JsonElement v, string what, string meaning)
    {
        string got = Got(v);
        if (v.ValueKind != JsonValueKind.Number) throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{what} must be a whole number ≥ 1 ({meaning}), got {got}."));
        if (v.TryGetInt32(out int n) || (v.TryGetDouble(out double d) && d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue && (n = (int)d) == d))
        {
            return n >= 1 ? n : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{what} must be a whole number ≥ 1 ({meaning}), got {got}."));
        }

        bool whole = v.TryGetDouble(out double x) && double.IsFinite(x) && x == Math.Floor(x);
        throw new FormatException(whole
            ? string.Create(CultureInfo.InvariantCulture, $"{what} is {got}, {(x < 0 ? "below 1" : $"more than the largest count, {int.MaxValue:N0}")}.")
            : string.Create(CultureInfo.InvariantCulture, $"{what} must be a whole number ({meaning}), got {got}."));
    }

    private static JsonElement? Find(JsonElement e, string key)
    {
        foreach (var p in e.EnumerateObject())
        {
            if (string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase)) return p.Value;
        }

        return null;
    }

    /// <summary>An optional string field: absent gives null; null or another type is refused (leave the key out instead).</summary>
    /// <summary>A JSON value as the spec wrote it, shortened for a one-sentence message (a list of 10,000 numbers is not quoted whole).</summary>
    private static string Got(JsonElement v) => ExceptionMessages.Excerpt(v.GetRawText(), 60);

    private static string? Text(JsonElement e, string key, string where, string example)
    {
        if (Find(e, key) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.String) throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{where}: \"{key}\" must be a string ({example}), got {Got(v)}; leave the key out when there is none."));
        return v.GetString();
    }

    private static void CheckKeys(JsonElement e, string[] known, string where)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in e.EnumerateObject())
        {
            if (!known.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{where}: unknown key \"{p.Name}\" (known: {string.Join(", ", known)})."));
            }

            // The parser keeps both and the check would read the first: "inputs": 3, "inputs": 4 said nothing.
            if (!seen.Add(p.Name)) throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{where}: \"{p.Name}\" is given twice."));
        }
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

    /// <summary>An initialiser as <see cref="InitializerSpec.Canonical"/> reads it (he_normal, normal(0.01), constant(0.5), …); empty: not given.</summary>
    [JsonPropertyName("init")]
    public string Init { get; init; } = "";
}

/// <summary>
/// The initialiser grammar of the network check and the engine (ActivationKit.Nn's <c>Initializer.Parse</c> reads
/// specs through <see cref="Parse"/>): NAME or NAME(NUMBER), case-insensitive, '-' for '_', xavier = glorot,
/// kaiming = he, a bare he, glorot or lecun is its normal variant; only constant, uniform and normal take a value, which must be finite (and ≥ 0 for the two scales).
/// </summary>
public static class InitializerSpec
{
    /// <summary>The scale of a bare <c>uniform</c> (half-width) or <c>normal</c> (standard deviation), as the engine draws it.</summary>
    public const double DefaultScale = 0.05;

    /// <summary>
    /// The names an initialiser spec may start with, for the "did you mean" of a typo (after xavier → glorot and
    /// kaiming → he, so those spellings are suggested as glorot_… and he_…).
    /// </summary>
    private static readonly string[] InitialiserNames = ["auto", "zeros", "constant", "uniform", "normal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal", "orthogonal"];

    /// <summary>"Unknown initialiser 'he_normall'. Did you mean 'he_normal'? (valid: …)", or without the question when nothing is close.</summary>
    private static string UnknownInitialiser(string spec, string name)
    {
        int reach = Spelling.Reach(name);
        var close = InitialiserNames
            .Select(n => (Name: n, Distance: Spelling.DistanceOrPrefix(name, n)))
            .Where(t => t.Distance <= reach)
            .OrderBy(t => t.Distance).ThenBy(t => t.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(t => $"'{t.Name}'")
            .ToList();
        return close.Count > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Unknown initialiser '{spec}'. Did you mean {string.Join(", ", close)}? (valid: {Valid}).")
            : string.Create(CultureInfo.InvariantCulture, $"Unknown initialiser '{spec}' (valid: {Valid}).");
    }

    /// <summary>The names, as the error message lists them.</summary>
    public const string Valid = "auto, zeros, constant(c), uniform(a), normal(std), glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, orthogonal; xavier = glorot, kaiming = he, and he, glorot or lecun alone is the normal variant";

    /// <summary>
    /// The scheme's canonical name (auto, zeros, constant, uniform, normal, glorot_uniform, glorot_normal, he_uniform,
    /// he_normal, lecun_uniform, lecun_normal, orthogonal) without its value.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown or malformed initialiser.</exception>
    public static string Canonical(string spec) => Parse(spec).Name;

    /// <summary>The canonical name and the value in parentheses, if any (see <see cref="Canonical"/>).</summary>
    /// <exception cref="ArgumentException">An unknown or malformed initialiser.</exception>
    public static (string Name, double? Value) Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string s = spec.Trim().ToLowerInvariant();
        double? value = null;
        int open = s.IndexOf('(', StringComparison.Ordinal);
        if (open >= 0)
        {
            if (!s.EndsWith(')') || !double.TryParse(s[(open + 1)..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed initialiser '{spec}': expected NAME or NAME(NUMBER)."), nameof(spec));
            }

            value = parsed;
            s = s[..open].Trim();
        }

        // Only the name is normalised: a hyphen in the value is a sign or an exponent (normal(1e-3), constant(-0.1)).
        s = s.Replace('-', '_').Replace("xavier", "glorot", StringComparison.Ordinal).Replace("kaiming", "he", StringComparison.Ordinal);
        string name = s switch
        {
            "zero" or "zeros" => "zeros",
            "const" or "constant" => "constant",
            "gaussian" or "normal" => "normal",
            "he" or "glorot" or "lecun" => s + "_normal",
            "auto" or "uniform" or "glorot_uniform" or "glorot_normal" or "he_uniform" or "he_normal" or "lecun_uniform" or "lecun_normal" or "orthogonal" => s,
            _ => throw new ArgumentException(UnknownInitialiser(spec, s), nameof(spec)),
        };
        bool takesValue = name is "constant" or "uniform" or "normal";
        if (!takesValue && value is not null) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Initialiser '{spec}' takes no value."), nameof(spec));
        if (value is double v && !double.IsFinite(v)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Initialiser '{spec}': the value must be finite, got {v.ToString(CultureInfo.InvariantCulture)}."), nameof(spec));
        if (value is < 0 && name is "uniform" or "normal") throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Initialiser '{spec}': the scale must be ≥ 0."), nameof(spec));
        return (name, value);
    }

    /// <summary>
    /// Var(w) of the weights the initialiser draws for a layer of <paramref name="activation"/> with
    /// <paramref name="fanIn"/> inputs and <paramref name="fanOut"/> pre-activation columns, as the engine draws them:
    /// He g²/fan_in, Glorot g²·2/(fan_in + fan_out), orthogonal g²/max(fan_in, fan_out) (each entry of g·Q), with g
    /// the activation's gain (<paramref name="gain"/>, the gain at the layer's parameters; null: the catalog's at the defaults); LeCun 1/fan_in; normal(s) s²; uniform(a) a²/3 (a bare normal or uniform:
    /// <see cref="DefaultScale"/>); auto the activation's recommended scheme (normal variant); zeros and constant 0.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown or malformed initialiser, or a fan below 1.</exception>
    public static double WeightVariance(string spec, ActivationInfo activation, int fanIn, int fanOut, double? gain = null)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentOutOfRangeException.ThrowIfLessThan(fanIn, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fanOut, 1);
        var (name, value) = Parse(spec);
        if (name == "auto") name = activation.Init switch { Initialization.He => "he_normal", Initialization.LeCun => "lecun_normal", _ => "glorot_uniform" };
        double g2 = (gain ?? activation.Gain) * (gain ?? activation.Gain);
        double scale = value ?? DefaultScale;
        return name switch
        {
            "zeros" or "constant" => 0,
            "normal" => scale * scale,
            "uniform" => scale * scale / 3,
            "glorot_uniform" or "glorot_normal" => g2 * 2.0 / (fanIn + fanOut),
            "he_uniform" or "he_normal" => g2 / fanIn,
            "lecun_uniform" or "lecun_normal" => 1.0 / fanIn,
            "orthogonal" => g2 / Math.Max(fanIn, fanOut),
            _ => throw new System.Diagnostics.UnreachableException($"Parse gave '{name}', which WeightVariance does not know."),
        };
    }
}

/// <summary>Lists the problems in a network description, each with a fix.</summary>
public static class NetworkCheck
{
    /// <summary>
    /// The loss name the output check understands (<see cref="OutputCheck.Losses"/>: mse, mae, huber, poisson, bce,
    /// bce_logits, ce, ce_logits, ranknet, listnet) for common spellings: cross_entropy → ce, binary_crossentropy → bce,
    /// huber(1) → huber, multilabel_bce → bce; empty stays empty.
    /// </summary>
    public static string CanonicalLoss(string? loss)
    {
        string l = (loss ?? string.Empty).Trim().ToLowerInvariant().Replace('-', '_');
        int paren = l.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0) l = l[..paren].TrimEnd();
        bool logits = l.EndsWith("_logits", StringComparison.Ordinal) || l.StartsWith("softmax_", StringComparison.Ordinal) || l.StartsWith("sigmoid_", StringComparison.Ordinal);
        string core = l.Replace("_logits", string.Empty, StringComparison.Ordinal).Replace("softmax_", string.Empty, StringComparison.Ordinal).Replace("sigmoid_", string.Empty, StringComparison.Ordinal);
        string canonical = core switch
        {
            "cross_entropy" or "crossentropy" or "categorical_crossentropy" or "categorical_cross_entropy" or "ce" or "nll" => "ce",
            "binary_crossentropy" or "binary_cross_entropy" or "bce" or "multilabel_bce" or "multi_label_bce" => "bce",
            "mean_squared_error" or "l2" or "mse" => "mse",
            "mean_absolute_error" or "l1" or "mae" => "mae",
            "huber" or "smooth_l1" => "huber",
            "poisson" or "poisson_nll" or "poisson_nll_loss" or "poissonnll" => "poisson",
            "ranknet" or "pairwise_logistic" => "ranknet",
            "listnet" or "listwise_softmax" => "listnet",
            _ => l,
        };
        return logits && canonical is "ce" or "bce" ? canonical + "_logits" : canonical;
    }

    /// <summary>
    /// Refuses a value in the loss that train refuses, in train's words: the name and its value are read by
    /// <see cref="LossSpec"/>, train's own reader, so only huber takes one (a delta finite and &gt; 0) and smooth_l1(2),
    /// which check took as huber(2), is refused as train refuses it. A name the output check does not know is left to it.
    /// </summary>
    private static void CheckLossValue(string? loss)
    {
        _ = LossSpec.Parse(loss ?? string.Empty, n => OutputCheck.Losses.Contains(CanonicalLoss(n), StringComparer.Ordinal));
    }

    /// <summary>
    /// The output findings for a ranking task, as rule output-ranking advises: the identity, an unbounded score per item
    /// that the pairwise (ranknet) or listwise (listnet) loss compares through its own sigmoid or softmax. Any loss the
    /// output check knows is taken (pointwise ranking trains with mse or bce too); the caller has refused the others,
    /// quoting them as the spec writes them.
    /// </summary>
    private static IEnumerable<Finding> RankingOutput(string activation)
    {
        string act = ActivationCatalog.Create(activation).Info.Name;
        if (act == "identity") yield break;
        yield return new Finding
        {
            Kind = FindingKind.OutputMismatch,
            Severity = Severity.Warning,
            Layer = "output",
            Explanation = $"{act} at a ranking output bends the scores the ranking loss compares (RankNet and ListNet apply their own sigmoid or softmax to them), and items it maps alike cannot be ordered.",
            Fix = "Use the identity (linear) output with a pairwise (ranknet) or listwise (listnet) ranking loss.",
        };
    }

    /// <summary>
    /// Adds a critical finding for each layer (the output's too) whose initialiser's value is beyond float32's largest
    /// finite value: the engine's float weights overflow to ±∞ (uniform's to ±∞ and NaN), and the first forward pass
    /// gives NaN. Judged by its variance in double, normal(1e200) read as "a weight variance of Infinity, Infinity×
    /// what relu needs", a warning, and constant(1e300) as symmetric only. Returns the layers reported.
    /// </summary>
    private static HashSet<int> OverflowingInits(NetworkSpec spec, List<string> inits, List<Activation> functions, List<Finding> found)
    {
        var overflowing = new HashSet<int>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (inits[i].Length == 0) continue;
            string scheme = spec.Layers[i].Init.Trim();
            if (InitializerSpec.Parse(scheme).Value is not double value || Math.Abs(value) <= float.MaxValue) continue;
            overflowing.Add(i);
            string what = inits[i] == "constant" ? "sets every weight to" : "draws weights at the scale";
            found.Add(new Finding
            {
                Kind = FindingKind.InitScale,
                Severity = Severity.Critical,
                Layer = i < spec.Layers.Count - 1 ? LayerLabel(i, spec.Layers[i].Activation) : "output",
                Evidence = new Dictionary<string, double> { ["init_value"] = value, ["float32_max"] = float.MaxValue },
                Explanation = string.Create(CultureInfo.InvariantCulture, $"{scheme} {what} {value:G3}, beyond float32's largest finite value ({float.MaxValue:G3}): the weights, stored as float32, overflow to ±∞, and the first forward pass gives NaN."),
                Fix = $"Use {ActivationAdvisor.InitFor(functions[i])}.",
            });
        }

        return overflowing;
    }

    /// <summary>
    /// Adds a finding for each layer (the output's too) whose initialiser's value is not 0 but below float32's smallest
    /// normal value (<see cref="Float32Weights.MinNormal"/>): normal(1e-50) read as "a weight variance of 1E-100 … the
    /// signal shrinks", a warning, and at the output as nothing, while the engine's float32 weights are all 0. Returns the
    /// layers reported.
    /// </summary>
    /// <remarks>
    /// The judgement, and its sentence, are <see cref="Float32Weights.Underflow"/>'s, which train's warning gives too
    /// (Mlp.Initialize): a warning, critical where the weights are all 0 under a function of slope 0 at 0 (relu never
    /// learns). The schemes without a value cannot get there: he, glorot, lecun and orthogonal give a standard deviation
    /// of at least 1/√int.MaxValue ≈ 2e-5. A hidden layer whose weight variance is 0 in double too (constant(1e-50),
    /// normal(1e-200)) is left to the symmetric_init finding, which judges it exactly as train's warning does
    /// (Initializer.IsSymmetric).
    /// </remarks>
    private static HashSet<int> UnderflowingInits(NetworkSpec spec, List<string> inits, List<Activation> functions, List<Finding> found)
    {
        var underflowing = new HashSet<int>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (inits[i].Length == 0) continue;
            string scheme = spec.Layers[i].Init.Trim();
            if (InitializerSpec.Parse(scheme).Value is not double value) continue;
            if (Float32Weights.Underflow(scheme, inits[i], value, functions[i]) is not { } underflow) continue;
            if (i < spec.Layers.Count - 1 && InitializerSpec.WeightVariance(scheme, functions[i].Info, 1, 1) == 0) continue;
            underflowing.Add(i);
            found.Add(new Finding
            {
                Kind = FindingKind.InitScale,
                Severity = underflow.Severity,
                Layer = i < spec.Layers.Count - 1 ? LayerLabel(i, spec.Layers[i].Activation) : "output",
                Evidence = new Dictionary<string, double> { ["init_value"] = value, ["float32_min_normal"] = Float32Weights.MinNormal },
                Explanation = underflow.Explanation,
                Fix = underflow.Fix,
            });
        }

        return underflowing;
    }

    /// <summary>
    /// Whether an initialiser that draws every weight equal draws them as 0 in float32: zeros, normal(0) and uniform(0),
    /// and a constant float32 stores as 0 (constant(1e-50), <see cref="Float32Weights.IsZero"/>), as train's warning
    /// judges it.
    /// </summary>
    private static bool EqualWeightsAreZero(string scheme)
    {
        var (kind, value) = InitializerSpec.Parse(scheme);
        return kind != "constant" || Float32Weights.IsZero(value ?? 0);
    }

    /// <summary>
    /// The finding for hidden layer <paramref name="i"/>, whose initialiser draws every weight equal. The units start
    /// identical (biases start at 0); they stay identical forever only when they also get identical gradients: when
    /// the next layer's initialiser draws equal weights too. A random next layer gives each unit its own outgoing
    /// weights and so its own gradient, and training separates them: a warning. Zeros under a function with zero slope
    /// at 0 (ReLU) are critical whatever follows: every unit outputs f(0) and gets no gradient at all. A constant that
    /// float32 stores as 0 (constant(1e-50), <see cref="Float32Weights.IsZero"/>) is zeros to the engine, judged as train's
    /// warning judges it.
    /// </summary>
    private static Finding SymmetricFinding(NetworkSpec spec, int i, string name, string scheme, string init, List<Activation> functions, List<ActivationInfo> acts)
    {
        double? value = InitializerSpec.Parse(scheme).Value;
        bool zero = EqualWeightsAreZero(scheme);
        bool stuck = zero && InitCheck.ZeroSlopeAtZero(functions[i]);
        string nextScheme = spec.Layers[i + 1].Init.Trim();
        int nextFanIn = spec.Layers[i].Units;
        int nextFanOut = acts[i + 1].Kind == ActivationKind.Gated ? 2 * spec.Layers[i + 1].Units : spec.Layers[i + 1].Units;
        bool nextEqual = nextScheme.Length > 0 && InitializerSpec.WeightVariance(nextScheme, acts[i + 1], Math.Max(1, nextFanIn), Math.Max(1, nextFanOut)) == 0;
        string draws = init == "constant" && value is double c && c != 0 && zero
            ? string.Create(CultureInfo.InvariantCulture, $"{scheme} initialisation of a hidden layer ({c:G3} in every weight, 0 in float32) makes every unit identical")
            : init is "zeros" or "constant" ? $"{init} initialisation of a hidden layer makes every unit identical" : $"{scheme} draws every weight as 0, which makes every unit of a hidden layer identical";
        string fn = acts[i].Name;
        // A single unit is reported only when stuck (InitCheck.EqualWeightsMatter), and has no other unit to be identical to.
        bool single = spec.Layers[i].Units == 1;
        return new Finding
        {
            Kind = FindingKind.SymmetricInit,
            Severity = stuck || nextEqual ? Severity.Critical : Severity.Warning,
            Layer = name,
            Explanation = stuck && single
                ? $"{scheme} sets every weight of the layer's single unit to 0{(init == "constant" && value is not 0 ? " (in float32)" : string.Empty)}, and {fn}′(0) = 0: with its bias at 0 the unit outputs {fn}(0) and receives no gradient, so the layer never learns."
                : stuck
                ? $"{draws}, and every weight is 0 where {fn}′(0) = 0: with the biases at 0 every unit outputs {fn}(0) and receives no gradient, so the layer never learns."
                : nextEqual
                    ? $"{draws}, and the next layer's {nextScheme} gives every unit the same outgoing weights: they get identical gradients and never become different."
                    : $"{draws} at the start; only the next layer's different outgoing weights give the units different gradients, so training has to pull them apart from identical starts (they would stay identical forever if the next layer's weights were equal too).",
            Fix = $"Use {ActivationAdvisor.InitFor(functions[i])}.",
        };
    }

    /// <summary>How findings name hidden layer <paramref name="index"/> (0-based): "layer 3 (tanh)".</summary>
    public static string LayerLabel(int index, string activation) => $"layer {index + 1} ({activation})";

    /// <summary>The catalog entry of the activation a <see cref="LayerLabel"/> names (its spec may carry parameters), or null for any other label ("output", "network").</summary>
    public static ActivationInfo? ActivationOfLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        int open = label.IndexOf(" (", StringComparison.Ordinal);
        if (!label.StartsWith("layer ", StringComparison.Ordinal) || open < 0 || !label.EndsWith(')')) return null;
        return ActivationCatalog.Find(label[(open + 2)..^1].Split('(')[0]);
    }

    /// <summary>Checks a spec and returns the findings (empty for a sound network).</summary>
    /// <exception cref="ArgumentException">
    /// A spec that describes no network that can be built: no layers, a null layer or field, negative inputs, units
    /// below 1, an unknown activation or initialiser, or a function with one parameter per channel
    /// (prelu(num_parameters=C)) whose C is not the layer's units.
    /// </exception>
    public static IReadOnlyList<Finding> Check(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Layers is null || spec.Layers.Count == 0) throw new ArgumentException("The network spec has no layers.", nameof(spec));
        if (spec.Inputs < 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The network spec's inputs must be ≥ 1 (or 0: not given), got {spec.Inputs}."), nameof(spec));
        var found = new List<Finding>();
        var acts = new List<ActivationInfo>();
        var functions = new List<Activation>();
        var inits = new List<string>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i] ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer {i + 1} of the spec is null."), nameof(spec));
            if (layer.Units < 1) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer {i + 1} of the spec needs units > 0, got {layer.Units}."), nameof(spec));
            if (string.IsNullOrWhiteSpace(layer.Activation)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer {i + 1} of the spec needs an activation."), nameof(spec));
            if (layer.Init is null) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer {i + 1} of the spec has a null init; use an empty string for none."), nameof(spec));
            Activation f;
            try
            {
                f = ActivationCatalog.Create(layer.Activation);
            }
            catch (ArgumentException e)
            {
                // Which layer, as every other spec error says (leaky_relu(nan) in the second of five layers was not placed).
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer {i + 1}: {ExceptionMessages.WithoutParameterName(e)}"), nameof(spec), e);
            }

            // 2 × units overflowed for units near int.MaxValue: "fanOut ('-2') must be ≥ 1 … Actual value was -2".
            if (f.Info.Kind == ActivationKind.Gated && layer.Units > int.MaxValue / 2)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer {i + 1}: {layer.Activation} needs 2 × units pre-activation columns (value and gate halves), so its units must be at most {int.MaxValue / 2:N0}, got {layer.Units:N0}."), nameof(spec));
            }

            if (f.Channels > 1 && f.Channels != layer.Units)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer {i + 1}: {layer.Activation} has {f.Channels} slopes, one per channel, but the layer has {layer.Units} units; use num_parameters=1 (one shared slope) or num_parameters={layer.Units}."), nameof(spec));
            }

            acts.Add(f.Info);
            functions.Add(f);
            try
            {
                inits.Add(layer.Init.Trim().Length == 0 ? "" : InitializerSpec.Canonical(layer.Init));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer {i + 1}: {ExceptionMessages.WithoutParameterName(e)}"), nameof(spec), e);
            }
        }

        // Each hidden layer's weight variance as its initialiser draws it, compared with what its activation needs, per
        // layer and compounded over the stack: names say little (LeCun equals Glorot when fan_in = fan_out, and
        // normal(0.01) is a scale, not a family).
        int hidden = spec.Layers.Count - 1;
        // Values float32 cannot hold as given (normal(1e200), normal(1e-50)) are reported as such, not by their variance.
        var outsideFloat32 = OverflowingInits(spec, inits, functions, found);
        outsideFloat32.UnionWith(UnderflowingInits(spec, inits, functions, found));
        var variances = new List<LayerVariance>();
        for (int i = 0; i < hidden; i++)
        {
            string name = LayerLabel(i, spec.Layers[i].Activation);
            if (inits[i].Length == 0 || outsideFloat32.Contains(i)) continue;
            var info = acts[i];
            int fanIn = i == 0 ? spec.Inputs : spec.Layers[i - 1].Units;
            int fanOut = info.Kind == ActivationKind.Gated ? 2 * spec.Layers[i].Units : spec.Layers[i].Units;
            string scheme = spec.Layers[i].Init.Trim();
            double gain = InitGain.ForInit(functions[i]);
            double variance = InitializerSpec.WeightVariance(scheme, info, Math.Max(1, fanIn), fanOut, gain);
            if (variance == 0)
            {
                // A single unit whose equal weights still get a gradient learns (InitCheck.EqualWeightsMatter, train's judgement too).
                if (InitCheck.EqualWeightsMatter(spec.Layers[i].Units, EqualWeightsAreZero(scheme), functions[i])) found.Add(SymmetricFinding(spec, i, name, scheme, inits[i], functions, acts));
                continue;
            }

            // The first layer's fan-in is the spec's inputs; without them its scale is unknown.
            if (fanIn >= 1) variances.Add(new LayerVariance(name, variance, fanIn, fanOut, info, scheme, gain));
        }

        found.AddRange(InitCheck.CheckScale(variances));

        for (int i = 0; i < acts.Count; i++)
        {
            if (!CatalogProperties.PassesNoGradient(acts[i])) continue;
            found.Add(new Finding
            {
                Kind = FindingKind.VanishingGradients,
                Severity = Severity.Critical,
                Layer = i == hidden ? "output" : LayerLabel(i, spec.Layers[i].Activation),
                Explanation = $"{acts[i].Name} is piecewise constant: its gradient is zero everywhere, so no layer before it ever learns.",
                Fix = $"Train with a smooth stand-in ({CatalogProperties.SmoothStandIn(acts[i])}) and apply {acts[i].Name} only at inference, or use a straight-through estimator.",
            });
        }

        for (int i = 0; i < acts.Count; i++)
        {
            if (acts[i].Kind != ActivationKind.Rowwise || spec.Layers[i].Units != 1 || CatalogProperties.PassesNoGradient(acts[i])) continue;
            var f = ActivationCatalog.Create(spec.Layers[i].Activation);
            var y = new double[1];
            f.Forward([0.0], y, 1);
            bool output = i == hidden;
            AdvisorTask? task = ActivationAdvisor.TryParse(spec.Task, out AdvisorTask parsed) ? parsed : null;
            found.Add(new Finding
            {
                Kind = output ? FindingKind.OutputMismatch : FindingKind.VanishingGradients,
                Severity = Severity.Critical,
                Layer = output ? "output" : LayerLabel(i, spec.Layers[i].Activation),
                Explanation = $"{acts[i].Name} over a single unit always outputs {y[0]:G3} and passes no gradient: the row it normalises has one value.",
                // A regression spec was told to give "one unit per class".
                Fix = !output ? "Give the layer more than one unit, or use an element-wise activation."
                    : task == AdvisorTask.Regression ? "Use the identity (linear) output with mse for a regression target."
                    : task == AdvisorTask.Ranking ? "Use the identity (linear) output, a score per item, with a ranking loss (ranknet or listnet)."
                    : string.IsNullOrWhiteSpace(spec.Task) ? "For classes, give the output one unit per class (softmax with cross-entropy), or one sigmoid unit with binary cross-entropy for two; for a regression target, use the identity (linear) output."
                    : "Give the output one unit per class (softmax with cross-entropy), or one sigmoid unit with binary cross-entropy for two classes.",
            });
        }

        for (int i = 0; i < hidden; i++)
        {
            // The advisor offers row-wise functions for outputs only (one unit is reported above).
            if (acts[i].Kind != ActivationKind.Rowwise || spec.Layers[i].Units == 1 || CatalogProperties.PassesNoGradient(acts[i])) continue;
            found.Add(new Finding
            {
                Kind = FindingKind.VanishingGradients,
                Severity = Severity.Warning,
                Layer = LayerLabel(i, spec.Layers[i].Activation),
                Evidence = new Dictionary<string, double> { ["units"] = spec.Layers[i].Units },
                Explanation = $"{acts[i].Name} in a hidden layer normalises each row across its {spec.Layers[i].Units} units: they compete instead of computing features, the row's scale is lost, and the gradient through the row's Jacobian shrinks as the units grow in number.",
                Fix = $"Use an element-wise activation in hidden layers (e.g. {ActivationAdvisor.Recommend(new AdvisorRequest())[0].Name}) and keep {acts[i].Name} for the output.",
            });
        }

        var firstChoice = ActivationAdvisor.Recommend(new AdvisorRequest())[0].Name;
        for (int i = 0; i < hidden; i++)
        {
            // recommend never offers a linear function for a hidden layer (ActivationAdvisor.LinearInHidden); a spec or a
            // saved model with one passed as sound.
            // At the layer's own parameters: leaky_relu(1) and hardtanh(−∞, ∞) are the identity too.
            if (!CatalogProperties.IsLinear(functions[i])) continue;
            int units = spec.Layers[i].Units;
            int fanIn = i == 0 ? spec.Inputs : spec.Layers[i - 1].Units;

            // Narrower than both neighbours, it also caps the rank of the map they compose into (a bottleneck).
            string rank = units < spec.Layers[i + 1].Units && units < fanIn ? string.Create(CultureInfo.InvariantCulture, $", and caps that map's rank at {units}") : string.Empty;
            found.Add(new Finding
            {
                Kind = FindingKind.LinearHidden,
                Severity = Severity.Warning,
                Layer = LayerLabel(i, spec.Layers[i].Activation),
                Evidence = new Dictionary<string, double> { ["units"] = units },
                Explanation = $"{spec.Layers[i].Activation.Trim()} is linear, so this hidden layer and the next layer's weights compose into one linear map: the layer adds no non-linearity{rank}.",
                Fix = $"Use a non-linear activation in hidden layers (e.g. {firstChoice} with {ActivationAdvisor.InitFor(ActivationCatalog.Create(firstChoice))}), or remove the layer; keep a linear bottleneck only on purpose.",
            });
        }

        // The catalog's vanishing-gradients mark (small slopes: sigmoid, tanh, hardtanh, tanhshrink, …), not the sigmoidal
        // family: a tanhshrink stack (f′ = tanh² ≈ 0 around the origin) passed, and logsigmoid (f′ → 1 for x → −∞) warned.
        var vanishing = acts.Take(hidden).Where(a => a.Problems.HasFlag(KnownProblem.VanishingGradients)).ToList();
        int saturatingHidden = vanishing.Count;
        if (hidden >= 5 && saturatingHidden >= 3)
        {
            string names = string.Join(", ", vanishing.Select(a => a.Name).Distinct());
            found.Add(new Finding
            {
                Kind = FindingKind.VanishingGradients,
                Severity = Severity.Warning,
                Layer = "hidden stack",
                Evidence = new Dictionary<string, double> { ["hidden_layers"] = hidden, ["saturating_layers"] = saturatingHidden },
                Explanation = $"{saturatingHidden} of {hidden} hidden layers use a function whose slopes vanish ({names}; actkit problems vanishing-gradients): their small derivatives multiply and the first layers' gradients vanish.",
                Fix = "Use the ReLU family with He initialisation (or SELU with LeCun normal) in the hidden layers.",
            });
        }

        CheckLossValue(spec.Loss);
        if (!string.IsNullOrWhiteSpace(spec.Task))
        {
            // Refused here, where the loss is still as the spec writes it: the output check sees its canonical name,
            // which has lost the value and the spelling (foo(2) was "Unknown loss 'foo'").
            string loss = CanonicalLoss(spec.Loss);
            if (loss.Length > 0 && !OutputCheck.Losses.Contains(loss, StringComparer.Ordinal)) throw OutputCheck.UnknownLoss(spec.Loss!);

            // Every task recommend advises is accepted (ranking was refused though recommend --task ranking suggests it).
            var advised = ActivationAdvisor.Parse<AdvisorTask>(spec.Task, "task");
            found.AddRange(advised == AdvisorTask.Ranking
                ? RankingOutput(spec.Layers[^1].Activation)
                : OutputCheck.Check(spec.Layers[^1].Activation, ActivationAdvisor.Parse<TaskKind>(spec.Task, "task"), CanonicalLoss(spec.Loss), spec.Layers[^1].Units));
        }
        else if (!string.IsNullOrWhiteSpace(spec.Loss))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The spec names the loss '{spec.Loss}' but no \"task\"; add \"task\": one of {string.Join(", ", Enum.GetValues<AdvisorTask>().Select(t => ActivationAdvisor.Text(t)))}."));
        }

        return found;
    }
}
