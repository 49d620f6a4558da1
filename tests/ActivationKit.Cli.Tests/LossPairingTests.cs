using ActivationKit.Cli.Training;

namespace ActivationKit.Cli.Tests;

public class LossPairingTests
{
    // Columns: task, --loss, --output, target columns, classes → loss, last-layer units, last-layer activation, output meaning, fused.
    [Theory]
    [InlineData(TrainingTask.Regression, null, null, 2, 0, "mse", 2, "linear", "identity", false)]
    [InlineData(TrainingTask.Binary, null, null, 1, 2, "bce", 1, "linear", "sigmoid", true)]
    [InlineData(TrainingTask.Multiclass, null, null, 1, 3, "cross_entropy", 3, "linear", "softmax", true)]
    [InlineData(TrainingTask.Multilabel, null, null, 4, 0, "multilabel_bce", 4, "linear", "sigmoid", true)]
    [InlineData(TrainingTask.Binary, "ce", null, 1, 2, "cross_entropy", 2, "linear", "softmax", true)]
    [InlineData(TrainingTask.Multiclass, "ce", " Softmax ", 1, 3, "cross_entropy", 3, "linear", "softmax", true)]
    [InlineData(TrainingTask.Multiclass, "cross_entropy", "identity", 1, 3, "cross_entropy", 3, "linear", "identity", true)]
    [InlineData(TrainingTask.Binary, "bce", "sigmoid", 1, 2, "bce", 1, "linear", "sigmoid", true)]
    [InlineData(TrainingTask.Multilabel, "bce", "linear", 4, 0, "multilabel_bce", 4, "linear", "identity", true)]
    [InlineData(TrainingTask.Regression, "huber(2)", "tanh", 2, 0, "huber(delta=2)", 2, "tanh", "tanh", false)]
    [InlineData(TrainingTask.Regression, "mae", "none", 1, 0, "mae", 1, "linear", "identity", false)]
    public void Task_loss_and_output_resolve_to_the_last_layer_and_the_trained_loss(
        TrainingTask task, string? loss, string? output, int targetColumns, int classes, string lossName, int units, string layerActivation, string meaning, bool fused)
    {
        var p = LossPairing.Resolve(task, targetColumns, classes, loss, output);
        Assert.Equal(lossName, p.Loss.Name);
        Assert.Equal(units, p.Outputs);
        Assert.Equal(layerActivation, p.LayerActivation);
        Assert.Equal(meaning, p.Output);
        Assert.Equal(fused, p.Fused);
    }

    [Theory]
    [InlineData(TrainingTask.Regression, "ce", null, "--loss ce (softmax cross-entropy) needs a binary or multiclass task, not regression.")]
    [InlineData(TrainingTask.Multilabel, "ce", null, "--loss ce (softmax cross-entropy) needs a binary or multiclass task, not multilabel.")]
    [InlineData(TrainingTask.Multiclass, "ce", "sigmoid", "--output sigmoid cannot be used with --loss ce: cross-entropy is computed on logits with the softmax fused into it, so the output must be softmax or identity.")]
    [InlineData(TrainingTask.Multiclass, "bce", null, "--loss bce needs a binary or multilabel task, not multiclass (use --loss ce).")]
    [InlineData(TrainingTask.Regression, "multilabel_bce", null, "--loss bce needs a binary or multilabel task, not regression.")]
    [InlineData(TrainingTask.Binary, "bce", "softmax", "--output softmax cannot be used with --loss bce: binary cross-entropy is computed on logits with the sigmoid fused into it, so the output must be sigmoid or identity.")]
    [InlineData(TrainingTask.Binary, "mse", null, "--loss mse is a regression loss; a binary task uses bce.")]
    [InlineData(TrainingTask.Multiclass, "mae", "tanh", "--loss mae is a regression loss; a multiclass task uses ce.")]
    public void Mismatched_task_loss_and_output_are_one_sentence_usage_errors(TrainingTask task, string loss, string? output, string message)
    {
        var ex = Assert.Throws<UsageException>(() => LossPairing.Resolve(task, 1, 3, loss, output));
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData(TrainingTask.Binary, null)]
    [InlineData(TrainingTask.Binary, "bce")]
    [InlineData(TrainingTask.Multiclass, "ce")]
    [InlineData(TrainingTask.Regression, null)]
    public void A_misspelt_output_is_an_unknown_activation_whatever_the_loss(TrainingTask task, string? loss)
    {
        // On classification data the typo was reported as a pairing error ("--output sigmod cannot be used with --loss bce").
        var ex = Assert.Throws<ArgumentException>(() => LossPairing.Resolve(task, 1, task == TrainingTask.Regression ? 0 : 3, loss, "sigmod"));
        Assert.StartsWith("Unknown activation 'sigmod'. Did you mean 'sigmoid'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_of_the_fused_function_is_that_function()
    {
        var p = LossPairing.Resolve(TrainingTask.Binary, 1, 2, "bce", "logistic");
        Assert.Equal("sigmoid", p.Output);
        Assert.True(p.Fused);
    }

    [Theory]
    [InlineData(TrainingTask.Regression, "mse")]
    [InlineData(TrainingTask.Binary, "bce")]
    [InlineData(TrainingTask.Multiclass, "cross_entropy")]
    [InlineData(TrainingTask.Multilabel, "multilabel_bce")]
    public void Default_loss_per_task(TrainingTask task, string loss) => Assert.Equal(loss, LossPairing.DefaultLoss(task).Name);
}
