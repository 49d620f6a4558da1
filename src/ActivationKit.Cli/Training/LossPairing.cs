using ActivationKit.Nn;

namespace ActivationKit.Cli.Training;

/// <summary>
/// How --task, --loss and --output combine into the network's last layer and the loss it is trained with. The
/// pairings themselves (default loss per task, which activation a fused loss applies) come from the engine's
/// <see cref="OutputPairing"/>; this record only checks the flags against them.
/// </summary>
/// <param name="Loss">The loss the trainer minimises.</param>
/// <param name="Outputs">Units of the last layer.</param>
/// <param name="LayerActivation">The last layer's activation inside the network (linear for the fused losses).</param>
/// <param name="Output">What the model's outputs mean when predicting: <c>softmax</c> and <c>sigmoid</c> are applied to the logits
/// by <c>actkit predict</c> (the loss fused them during training); anything else is the layer's own activation.</param>
/// <param name="Fused">True when the loss works on logits and fuses the squashing function.</param>
public sealed record LossPairing(ILoss Loss, int Outputs, string LayerActivation, string Output, bool Fused)
{
    private static readonly string[] Identity = ["identity", "linear", "none"];

    /// <summary>
    /// Resolves the pairing. The fused logit losses (ce: softmax cross-entropy, bce: sigmoid binary cross-entropy) need a
    /// linear last layer; asking for <c>--output softmax</c> with ce (or sigmoid with bce) means exactly that fused pair,
    /// never a second squash. Any other output activation with a fused loss is refused.
    /// </summary>
    public static LossPairing Resolve(TrainingTask task, int targetColumns, int classes, string? lossSpec, string? outputSpec)
    {
        ILoss loss = lossSpec is null ? DefaultLoss(task) : Losses.Parse(lossSpec);

        // The name is resolved before it is paired: a typo (--output sigmod) is an unknown activation with suggestions,
        // not "cannot be used with --loss bce", and an alias (logistic) is the function it names.
        var resolved = outputSpec is null ? null : DenseLayer.ResolveActivation(outputSpec);
        string? output = resolved is null ? outputSpec?.Trim().ToLowerInvariant() : resolved.Info.Name == resolved.ToString() ? resolved.Info.Name : resolved.ToString();
        bool identity = output is null || Identity.Contains(output);
        string taskName = TrainingData.Name(task);
        string? fused = OutputPairing.FusedActivation(loss);
        switch (fused)
        {
            case "softmax":
                if (task is not (TrainingTask.Binary or TrainingTask.Multiclass)) throw new UsageException($"--loss ce (softmax cross-entropy) needs a binary or multiclass task, not {taskName}.");
                if (!identity && output != fused) throw new UsageException($"--output {outputSpec} cannot be used with --loss ce: cross-entropy is computed on logits with the softmax fused into it, so the output must be softmax or identity.");
                return new LossPairing(loss, classes, "linear", output ?? fused, true);
            case "sigmoid":
                if (task is TrainingTask.Regression or TrainingTask.Multiclass) throw new UsageException($"--loss bce needs a binary or multilabel task, not {taskName}{(task == TrainingTask.Multiclass ? " (use --loss ce)" : string.Empty)}.");
                if (!identity && output != fused) throw new UsageException($"--output {outputSpec} cannot be used with --loss bce: binary cross-entropy is computed on logits with the sigmoid fused into it, so the output must be sigmoid or identity.");
                // bce and multilabel_bce differ only in how they average (over elements, or per row over labels): the task picks.
                return new LossPairing(DefaultLoss(task), targetColumns, "linear", output ?? fused, true);
            default:
                if (task != TrainingTask.Regression) throw new UsageException($"--loss {lossSpec} is a regression loss; a {taskName} task uses {(task == TrainingTask.Multiclass ? "ce" : "bce")}.");
                string activation = identity ? "linear" : outputSpec!.Trim();
                return new LossPairing(loss, targetColumns, activation, identity ? "identity" : activation, false);
        }
    }

    /// <summary>The loss a task uses when --loss is not given: the engine's recommended pairing for it.</summary>
    public static ILoss DefaultLoss(TrainingTask task) => OutputPairing.Recommended(TrainingData.AdvisorTaskOf(task)).Loss;
}
