using ActivationKit.Advisor;
using ActivationKit.Diagnostics;
using SpecLayer = ActivationKit.Advisor.LayerSpec;

namespace ActivationKit.Nn;

/// <summary>The outcome of <see cref="ModelCheck.Check"/>: the spec read from the model, the findings, and what could not be checked.</summary>
/// <param name="Spec">The network description built from the model's layers and metadata.</param>
/// <param name="Findings">Problems found, each with a fix.</param>
/// <param name="Notes">What was assumed or skipped (e.g. no initialiser recorded).</param>
public sealed record ModelCheckResult(NetworkSpec Spec, IReadOnlyList<Finding> Findings, IReadOnlyList<string> Notes);

/// <summary>
/// Checks a saved model like a <see cref="NetworkSpec"/>: the spec comes from its layers, activations and the
/// initialiser / loss / task recorded in its metadata; the stored weights add one check a spec cannot make
/// (hidden units with identical incoming weights stay identical however long the model trains).
/// </summary>
public static class ModelCheck
{
    /// <summary>Builds the spec of <paramref name="network"/> from its layers and <paramref name="metadata"/>; <paramref name="notes"/> says what was missing.</summary>
    public static NetworkSpec ToSpec(Mlp network, ModelMetadata metadata, List<string> notes)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(notes);
        Initializer? defaultInit = metadata.Init is null ? null : Initializer.Parse(metadata.Init);
        bool anyInit = false;
        var layers = new List<SpecLayer>();
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            var init = network.Specs[i].Init ?? defaultInit;
            string initName = string.Empty;
            if (init is not null)
            {
                anyInit = true;
                // With its value: the check computes the variance it draws (normal(0.01) is a scale, not a family).
                initName = init.Resolve(layer.Activation).ToString();
            }

            layers.Add(new SpecLayer { Units = layer.Units, Activation = layer.Activation is null ? "identity" : layer.ActivationSpec, Init = initName });
        }

        if (!anyInit) notes.Add("The model file records no initialiser, so the initialisation checks were skipped (the weights were still checked for identical units).");

        bool linearOutput = network.Layers[^1].Activation is null || network.Layers[^1].Activation!.Name == "identity";
        string loss = metadata.Loss ?? string.Empty;
        string task = string.Empty;
        string? recorded = metadata.Task?.Trim().ToLowerInvariant();
        switch (recorded)
        {
            case "classification" or "binary" or "multiclass" or "multilabel":
                // actkit train records the task itself; a generic "classification" is told apart by the loss and the outputs.
                task = recorded != "classification" ? recorded
                    : loss.Contains("multilabel", StringComparison.OrdinalIgnoreCase) ? "multilabel" : network.OutputSize == 1 ? "binary" : "multiclass";
                if (loss.Length == 0)
                {
                    loss = task == "multiclass" ? "cross_entropy" : "bce";
                    notes.Add($"The model file records no loss; assumed the trainer's default for classification ({loss} on logits).");
                }

                break;
            case "regression":
                task = "regression";
                if (loss.Length == 0)
                {
                    loss = "mse";
                    notes.Add("The model file records no loss; assumed the trainer's default for regression (mse).");
                }

                break;
            default:
                notes.Add(metadata.Task is null
                    ? "The model file records no task, so the output activation and loss were not checked."
                    : $"The model's task '{metadata.Task}' is none of classification, binary, multiclass, multilabel and regression, so the output activation and loss were not checked.");
                loss = string.Empty;
                break;
        }

        // The engine's cross-entropy and BCE are fused with softmax/sigmoid and take the linear layer's logits.
        string canonical = NetworkCheck.CanonicalLoss(loss);
        if (linearOutput && canonical is "ce" or "bce") canonical += "_logits";
        return new NetworkSpec { Inputs = network.InputSize, Layers = layers, Loss = canonical, Task = task };
    }

    /// <summary>Checks a loaded model: the spec checks of <see cref="NetworkCheck"/> plus identical hidden units in the stored weights.</summary>
    public static ModelCheckResult Check(Mlp network, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(metadata);
        var notes = new List<string>();
        var spec = ToSpec(network, metadata, notes);
        var findings = NetworkCheck.Check(spec).ToList();

        var weights = network.Layers.Select((l, i) => new LayerWeights(NetworkCheck.LayerLabel(i, spec.Layers[i].Activation), l.Weights, l.InputSize, l.PreWidth, l.Activation, l.Bias)).ToList();
        foreach (var f in InitCheck.Check(weights))
        {
            if (f.Kind != FindingKind.SymmetricInit) continue;
            if (findings.Any(g => g.Kind == FindingKind.SymmetricInit && g.Layer == f.Layer)) continue;
            findings.Add(f with { Explanation = "In the stored weights: " + f.Explanation });
        }

        if (RepeatedInputNames(metadata) is { } repeated) findings.Add(repeated);
        return new ModelCheckResult(spec, findings, notes);
    }

    /// <summary>
    /// A warning when the model's input names (<see cref="ModelMetadata.FeatureNames"/>, the training data's header)
    /// repeat one, compared as predict compares them (trimmed, any letter case): predict matches a table's columns to
    /// the inputs by name, and cannot tell two columns of one name apart, so a table with them swapped is read without
    /// a word. A model trained on a header naming two columns alike passed <c>check</c> with "No problems found.".
    /// </summary>
    private static Finding? RepeatedInputNames(ModelMetadata metadata)
    {
        if (metadata.FeatureNames is not { } names) return null;
        var repeated = names.Select((n, i) => (Key: n.Trim().ToLowerInvariant(), Input: i + 1))
            .GroupBy(n => n.Key, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .ToList();
        if (repeated.Count == 0) return null;
        var first = repeated[0].ToList();
        string name = ExceptionMessages.Excerpt(names[first[0].Input - 1]);
        string inputs = first.Count == 2 ? $"inputs {first[0].Input} and {first[1].Input}" : $"inputs {string.Join(", ", first.Take(first.Count - 1).Select(n => n.Input))} and {first[^1].Input}";
        string others = repeated.Count == 1 ? string.Empty : $", and {Spelling.Count(repeated.Count - 1, "other name")} repeat{(repeated.Count == 2 ? "s" : string.Empty)} too";
        return new Finding
        {
            Kind = FindingKind.RepeatedInputNames,
            Severity = Severity.Warning,
            Layer = "network",
            Evidence = new Dictionary<string, double> { ["repeated_names"] = repeated.Count, ["inputs_sharing_a_name"] = repeated.Sum(g => g.Count()) },
            Explanation = $"The model gives {inputs} the same name, '{name}'{others}, so predict cannot tell those columns of a table apart by name: a table with them swapped is read without a word.",
            Fix = "Give every column of the training data's header its own name and train the model again.",
        };
    }
}
