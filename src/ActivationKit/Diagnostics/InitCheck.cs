using ActivationKit.Catalog;

namespace ActivationKit.Diagnostics;

/// <summary>What a network's output predicts.</summary>
public enum TaskKind
{
    Regression,
    Binary,
    Multiclass,
    Multilabel,
}

/// <summary>One dense layer's weights for the initialisation checks.</summary>
/// <param name="Name">Layer name.</param>
/// <param name="Weights">Weights laid out [fanIn × fanOut].</param>
/// <param name="FanIn">Inputs per unit.</param>
/// <param name="FanOut">Units.</param>
/// <param name="Activation">The activation applied to this layer's output (null: identity).</param>
public sealed record LayerWeights(string Name, ReadOnlyMemory<float> Weights, int FanIn, int FanOut, Activation? Activation);

/// <summary>One hidden layer's weight variance, measured or implied by its initialiser, for <see cref="InitCheck.CheckScale"/>.</summary>
/// <param name="Name">Layer name.</param>
/// <param name="Variance">Var(w) of the layer's weights.</param>
/// <param name="FanIn">Inputs per unit.</param>
/// <param name="FanOut">Units.</param>
/// <param name="Activation">The layer's activation.</param>
/// <param name="Scheme">The initialiser the variance follows from (e.g. "normal(0.01)"), or null when it was measured from the weights.</param>
public sealed record LayerVariance(string Name, double Variance, int FanIn, int FanOut, ActivationInfo Activation, string? Scheme = null);

/// <summary>
/// Checks weights before (or during) training: zero or constant weights and identical units (symmetry never
/// broken), and weight variance far from what the layer's activation needs — per layer and compounded over
/// the stack, which is how "Glorot with ReLU" or "He with tanh" ruin deep networks.
/// </summary>
public static class InitCheck
{
    /// <summary>Checks the hidden layers (every layer but the last) and returns the findings.</summary>
    public static IReadOnlyList<Finding> Check(IReadOnlyList<LayerWeights> layers, DiagnosticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        options ??= new DiagnosticsOptions();
        var found = new List<Finding>();
        var variances = new List<LayerVariance>();
        int hidden = Math.Max(0, layers.Count - 1);
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var w = layer.Weights.Span;
            if (w.Length != layer.FanIn * layer.FanOut)
            {
                throw new ArgumentException($"Layer '{layer.Name}' has {w.Length} weights, not {layer.FanIn} × {layer.FanOut}.", nameof(layers));
            }

            bool isHidden = l < hidden;
            if (isHidden && layer.FanOut > 1)
            {
                var symmetric = SymmetryFinding(layer, w);
                if (symmetric is not null)
                {
                    found.Add(symmetric);
                    continue;
                }
            }

            if (!isHidden || layer.Activation is null) continue;
            variances.Add(new LayerVariance(layer.Name, Variance(w), layer.FanIn, layer.FanOut, layer.Activation.Info));
        }

        // Only a symmetric layer leaves the product without a meaningful factor for that layer.
        found.AddRange(Scale(variances, options, compound: !found.Any(f => f.Kind == FindingKind.SymmetricInit)));
        return found;
    }

    /// <summary>
    /// The scale checks alone, for hidden layers whose weight variances are known (measured, or implied by their
    /// initialiser and fan-in): a layer whose variance is outside [1/x, x] of what its activation needs, x =
    /// <see cref="DiagnosticsOptions.InitScaleFactor"/> (<see cref="DiagnosticsOptions.InitSensitiveScaleFactor"/> for
    /// functions the catalog marks initialisation-sensitive), and the product of the ratios over the stack outside
    /// [1/y, y], y = <see cref="DiagnosticsOptions.InitCompoundFactor"/>.
    /// </summary>
    public static IReadOnlyList<Finding> CheckScale(IReadOnlyList<LayerVariance> hidden, DiagnosticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        return Scale(hidden, options ?? new DiagnosticsOptions(), compound: true);
    }

    private static List<Finding> Scale(IReadOnlyList<LayerVariance> hidden, DiagnosticsOptions options, bool compound)
    {
        var found = new List<Finding>();
        double product = 1, worst = 1;
        foreach (var layer in hidden)
        {
            double needed = NeededVariance(layer.Activation, layer.FanIn, layer.FanOut);
            double ratio = layer.Variance / needed;
            product *= ratio;
            if (Math.Abs(Math.Log(ratio)) > Math.Abs(Math.Log(worst))) worst = ratio;
            double factor = layer.Activation.Problems.HasFlag(KnownProblem.InitialisationSensitive) ? options.InitSensitiveScaleFactor : options.InitScaleFactor;
            if (ratio > factor || ratio < 1 / factor) found.Add(ScaleFinding(layer, needed, ratio));
        }

        // Evaluated whatever the per-layer findings: ten layers each 6× too small are ten modest (info) findings, but
        // 10⁻⁸ over the stack. Reported when the stack adds to its worst layer (by more than a per-layer factor): one
        // layer 192× too large among sound ones is that layer's finding, not the network's.
        bool beyondWorst = Math.Abs(Math.Log(product)) > Math.Abs(Math.Log(worst)) + Math.Log(options.InitScaleFactor);
        if (compound && hidden.Count >= 2 && beyondWorst && (product > options.InitCompoundFactor || product < 1 / options.InitCompoundFactor))
        {
            bool perLayer = found.Count > 0;
            found.Add(new Finding
            {
                Kind = FindingKind.InitScale,
                Severity = Severity.Warning,
                Layer = "network",
                Evidence = new Dictionary<string, double> { ["compound_variance_ratio"] = product, ["hidden_layers"] = hidden.Count },
                Explanation = (perLayer
                        ? $"Over {hidden.Count} hidden layers the layers' variance ratios multiply to {product:G3}×: "
                        : $"Each hidden layer's weight variance is off by a modest factor, but over {hidden.Count} layers it compounds to {product:G3}×: ")
                    + (product < 1 ? "activations and gradients shrink layer by layer." : "activations grow layer by layer and saturate or explode."),
                Fix = $"Initialise each layer for its activation: {InitAdvice(hidden[0].Activation)}.",
            });
        }

        return found;
    }

    /// <summary>The weight variance an activation needs to keep signal variance steady (its recommended scheme and gain).</summary>
    public static double NeededVariance(ActivationInfo info, int fanIn, int fanOut)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.Init switch
        {
            Initialization.He => info.Gain * info.Gain / fanIn,
            Initialization.LeCun => 1.0 / fanIn,
            _ => 2.0 / (fanIn + fanOut),
        };
    }

    private static Finding? SymmetryFinding(LayerWeights layer, ReadOnlySpan<float> w)
    {
        // Units (columns) with identical incoming weights compute the same thing forever: their gradients match.
        bool allEqual = true;
        for (int i = 1; i < w.Length && allEqual; i++) allEqual = w[i] == w[0];
        int identicalPairs = 0;
        if (!allEqual)
        {
            var seen = new HashSet<string>();
            for (int j = 0; j < layer.FanOut; j++)
            {
                var col = new float[layer.FanIn];
                for (int i = 0; i < layer.FanIn; i++) col[i] = w[(i * layer.FanOut) + j];
                if (!seen.Add(string.Join(',', col.Select(v => BitConverter.SingleToInt32Bits(v))))) identicalPairs++;
            }
        }

        if (!allEqual && identicalPairs == 0) return null;
        return new Finding
        {
            Kind = FindingKind.SymmetricInit,
            Severity = Severity.Critical,
            Layer = layer.Name,
            Evidence = new Dictionary<string, double> { ["all_equal"] = allEqual ? 1 : 0, ["value"] = allEqual ? w[0] : double.NaN, ["duplicate_units"] = allEqual ? layer.FanOut - 1 : identicalPairs },
            Explanation = allEqual
                ? $"All {w.Length} weights of {layer.Name} equal {w[0]}: every unit computes the same output and receives the same gradient, so they stay identical forever (symmetry is never broken)."
                : $"{identicalPairs} units of {layer.Name} have exactly the same incoming weights as another unit, so they will stay identical.",
            Fix = $"Initialise weights randomly: {InitAdvice(layer.Activation?.Info)}. Only biases may start at zero.",
        };
    }

    private static Finding ScaleFinding(LayerVariance layer, double needed, double ratio) => new()
    {
        Kind = FindingKind.InitScale,
        Severity = ratio > 16 || ratio < 1.0 / 16 ? Severity.Warning : Severity.Info,
        Layer = layer.Name,
        Evidence = new Dictionary<string, double> { ["weight_variance"] = layer.Variance, ["needed_variance"] = needed, ["ratio"] = ratio, ["fan_in"] = layer.FanIn, ["fan_out"] = layer.FanOut },
        Explanation = (layer.Scheme is null
                ? $"{layer.Name}'s weight variance {layer.Variance:G3} is {ratio:G3}× what {layer.Activation.Name} needs ({needed:G3}): "
                : $"{layer.Scheme} gives a weight variance of {layer.Variance:G3} for {layer.FanIn} inputs, {ratio:G3}× what {layer.Activation.Name} needs ({needed:G3}): ")
            + (ratio < 1 ? "the signal shrinks through this layer." : "the signal grows through this layer and can saturate or explode."),
        Fix = $"Use {InitAdvice(layer.Activation)}.",
    };

    private static string InitAdvice(ActivationInfo? info) => info is null
        ? "Glorot (Xavier) initialisation"
        : info.Init switch
        {
            Initialization.He => $"He (Kaiming) initialisation with gain {info.Gain:G4} for {info.Name}",
            Initialization.LeCun => $"LeCun normal initialisation for {info.Name}",
            _ => $"Glorot (Xavier) initialisation for {info.Name}",
        };

    private static double Variance(ReadOnlySpan<float> w)
    {
        double mean = 0;
        foreach (float v in w) mean += v;
        mean /= Math.Max(1, w.Length);
        double s = 0;
        foreach (float v in w) s += (v - mean) * (v - mean);
        return s / Math.Max(1, w.Length);
    }
}

/// <summary>Checks that the output activation fits the task and the loss.</summary>
public static class OutputCheck
{
    /// <summary>
    /// Returns the findings for an output activation (catalog name or spec), a task and a loss name
    /// (mse, mae, huber, bce, bce_logits, ce, ce_logits). "_logits" losses expect an identity output. An empty
    /// loss means "not known": only the activation is checked against the task.
    /// </summary>
    public static IReadOnlyList<Finding> Check(string outputActivation, TaskKind task, string loss)
    {
        ArgumentNullException.ThrowIfNull(outputActivation);
        ArgumentNullException.ThrowIfNull(loss);
        string act = ActivationCatalog.Find(outputActivation.Split('(')[0])?.Name
            ?? throw new ArgumentException($"Unknown output activation '{outputActivation}'.", nameof(outputActivation));
        string l = loss.Trim().ToLowerInvariant();
        string[] losses = ["mse", "mae", "huber", "bce", "bce_logits", "ce", "ce_logits"];
        if (l.Length > 0 && !losses.Contains(l)) throw new ArgumentException($"Unknown loss '{loss}'; valid: {string.Join(", ", losses)}.", nameof(loss));
        var found = new List<Finding>();
        void Add(string why, string fix) => found.Add(new Finding
        {
            Kind = FindingKind.OutputMismatch,
            Severity = Severity.Critical,
            Layer = "output",
            Explanation = why,
            Fix = fix,
        });

        bool classification = task != TaskKind.Regression;
        if (classification && act is "relu" or "relu6" or "leaky_relu" or "elu" or "tanh" or "softplus")
        {
            Add($"{act} at the output of a {task.ToString().ToLowerInvariant()} classifier does not produce probabilities ({(act == "tanh" ? "it ranges over (−1, 1)" : "it is unbounded or not normalised")}).",
                task == TaskKind.Multiclass ? "Use softmax with cross-entropy (or identity with softmax cross-entropy on logits)." : "Use sigmoid with binary cross-entropy (or identity with BCE on logits).");
        }

        if (act == "softmax" && (l is "bce" or "bce_logits"))
        {
            Add("Softmax with binary cross-entropy: softmax makes the outputs compete (they sum to 1), BCE treats each as an independent yes/no.",
                task == TaskKind.Multilabel ? "Use one sigmoid per label with BCE." : "Use softmax with categorical cross-entropy.");
        }

        if (act == "sigmoid" && (l is "ce" or "ce_logits") && task == TaskKind.Multiclass)
        {
            Add("Sigmoid with multi-class cross-entropy: sigmoid outputs do not sum to 1, so they are not a distribution over the classes.",
                "Use softmax with cross-entropy for exclusive classes.");
        }

        if (task == TaskKind.Multilabel && act == "softmax")
        {
            Add("Softmax on a multi-label task forces the labels to compete although several can be true at once.", "Use one sigmoid per label with binary cross-entropy.");
        }

        if (l.EndsWith("_logits", StringComparison.Ordinal) && act != "identity")
        {
            Add($"The loss {l} applies its own sigmoid/softmax to logits, but the output already goes through {act}: it is squashed twice.",
                $"Use the identity output with {l}, or {act} with the probability form of the loss.");
        }

        if (task == TaskKind.Regression && act is "sigmoid" or "softmax" or "tanh" or "hardsigmoid" or "hardtanh")
        {
            found.Add(new Finding
            {
                Kind = FindingKind.OutputMismatch,
                Severity = Severity.Warning,
                Layer = "output",
                Explanation = $"{act} bounds a regression output; targets outside its range can never be reached.",
                Fix = "Use the identity (linear) output with MSE, or keep the bounded activation only if the targets are scaled into its range.",
            });
        }

        if (task == TaskKind.Regression && l is "bce" or "bce_logits" or "ce" or "ce_logits")
        {
            Add($"A classification loss ({l}) on a regression task.", "Use MSE, MAE or Huber with a linear output.");
        }

        return found;
    }
}
