using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

/// <summary>
/// Targets a loss cannot take are refused before training, with a message that names the data's own rows — the
/// exploratory NN tester's findings F2 (binary cross-entropy on targets outside [0, 1] gave negative losses and
/// trained silently) and F3 (a 1-output network on 3-class data failed in the loss, blaming a valid label at a
/// 0-based row of the shuffled batch).
/// </summary>
public sealed class LossTargetCheckTests
{
    private static readonly float[] FourPoints = [0, 1, 1, 0, .5f, .5f, 1, 1];

    private static Mlp Network(int outputs)
    {
        var n = Mlp.Build(2, [4], "tanh", outputs);
        n.Initialize(Initializer.Auto, 1);
        return n;
    }

    private static ArgumentException Refused(Action action) => Assert.Throws<ArgumentException>(action);

    [Theory]
    [InlineData(2f)]
    [InlineData(-0.5f)]
    [InlineData(float.NaN)]
    public void Bce_refuses_a_target_outside_zero_one(float target)
    {
        // F2: bce(0.5, 2) was −0.0259, a negative "loss".
        var e = Refused(() => Losses.BinaryCrossEntropy.Compute([0.5f, 0.5f], [1f, target], 2, 1, new float[2]));
        Assert.StartsWith($"bce: row 2 of the batch has the target {target}, outside [0, 1]; ", e.Message, StringComparison.Ordinal);
        var m = Refused(() => Losses.MultiLabelBinaryCrossEntropy.Compute([0.5f, 0.5f, 0.5f, 0.5f], [0f, 1f, target, 0f], 2, 2, Span<float>.Empty));
        Assert.StartsWith($"multilabel_bce: row 2 of the batch has the target {target} in column 1, outside [0, 1]; ", m.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bce_keeps_soft_labels_and_the_ends_of_the_interval()
    {
        double loss = Losses.BinaryCrossEntropy.Compute([0.5f, -1f, 2f], [0f, 0.25f, 1f], 3, 1, new float[3]);
        Assert.True(loss > 0 && double.IsFinite(loss));
    }

    [Fact]
    public void Fit_and_evaluate_refuse_bce_on_regression_targets_outside_zero_one()
    {
        // F2: targets 5, −3, 7 trained with bce and reported nothing.
        var data = new Dataset("wide", FourPoints, 2, [0.5f, 5f, -3f, 7f], 1, 0);
        var options = new TrainerOptions { Epochs = 1, BatchSize = 4, Loss = Losses.BinaryCrossEntropy };
        string expected = "The data 'wide' has the target 5 in row 2, but bce takes targets in [0, 1] (0/1 labels or probabilities).";
        Assert.StartsWith(expected, Refused(() => Trainer.Fit(Network(1), data, null, options)).Message, StringComparison.Ordinal);
        Assert.StartsWith(expected, Refused(() => Trainer.Evaluate(Network(1), data, Losses.BinaryCrossEntropy)).Message, StringComparison.Ordinal);

        // The validation set is checked too, and a multi-label set names the column.
        var soft = new Dataset("soft", FourPoints, 2, [0f, 0.3f, 1f, 0.9f], 1, 0);
        Assert.StartsWith("The data 'wide' has the target 5", Refused(() => Trainer.Fit(Network(1), soft, data, options)).Message, StringComparison.Ordinal);
        var labels = new Dataset("labels", FourPoints, 2, [0, 1, 1, 0, 1, 2, 0, 0], 2, 0);
        var multi = options with { Loss = Losses.MultiLabelBinaryCrossEntropy };
        Assert.StartsWith("The data 'labels' has the target 2 in row 3, column 2, but multilabel_bce", Refused(() => Trainer.Fit(Network(2), labels, null, multi)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_keeps_soft_labels_with_bce()
    {
        var soft = new Dataset("soft", FourPoints, 2, [0f, 0.3f, 1f, 0.9f], 1, 0);
        var result = Trainer.Fit(Network(1), soft, null, new TrainerOptions { Epochs = 2, BatchSize = 4, Loss = Losses.BinaryCrossEntropy });
        Assert.False(result.Diverged, result.Message);
        Assert.True(result.Last!.Train.Loss > 0);
    }

    [Fact]
    public void A_one_output_network_on_three_classes_is_refused_as_an_output_count_mismatch()
    {
        // F3: "cross_entropy: row 1 has label 1, which is not a class index in [0, 0]" (default loss); with bce (F2) it
        // trained silently to accuracy 0.25.
        var three = new Dataset("three", FourPoints, 2, [0, 1, 2, 1], 1, 3);
        const string expected = "The data 'three' has 3 classes but the network has 1 output.";
        Assert.StartsWith(expected, Refused(() => Trainer.Fit(Network(1), three, null, new TrainerOptions { Epochs = 1, BatchSize = 2, Shuffle = false })).Message, StringComparison.Ordinal);
        Assert.StartsWith(expected, Refused(() => Trainer.Fit(Network(1), three, null, new TrainerOptions { Epochs = 1, Loss = Losses.BinaryCrossEntropy })).Message, StringComparison.Ordinal);
        Assert.StartsWith(expected, Refused(() => Trainer.Evaluate(Network(1), three)).Message, StringComparison.Ordinal);
        Assert.StartsWith("The data 'three' has 3 classes but the network has 2 outputs.", Refused(() => Trainer.Evaluate(Network(2), three)).Message, StringComparison.Ordinal);

        // Two classes on one output are the binary pairing, but not for softmax cross-entropy.
        var two = new Dataset("two", FourPoints, 2, [0, 1, 1, 0], 1, 2);
        Assert.True(double.IsFinite(Trainer.Evaluate(Network(1), two).Loss));
        Assert.StartsWith(
            "The data 'two' has 2 classes but the network has 1 output, and cross_entropy needs one per class",
            Refused(() => Trainer.Evaluate(Network(1), two, Losses.SoftmaxCrossEntropy)).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Cross_entropy_counts_the_rows_of_the_batch_from_one()
    {
        // F3: the row was 0-based within the batch, and read as a dataset row.
        var e = Refused(() => Losses.SoftmaxCrossEntropy.Compute([0f, 0f, 0f, 0f], [0f, 2f], 2, 2, Span<float>.Empty));
        Assert.StartsWith("cross_entropy: row 2 of the batch has label 2, which is not a class index in [0, 1].", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Softmax_cross_entropy_refuses_a_regression_set_before_training()
    {
        // A regression set (no classes) of one target column passed the shape check, and scoring three outputs against
        // one target column ran off its end: a raw IndexOutOfRangeException from Trainer.Fit.
        var data = new Dataset("r", FourPoints, 2, [0f, 2f, 1f, 2f], 1, 0);
        string expected = "The data 'r' is a regression set (no classes), but cross_entropy takes class indices; give the Dataset its class count, or use a regression loss such as mse.";
        Assert.StartsWith(expected, Refused(() => Trainer.Fit(Network(3), data, null, new TrainerOptions { Epochs = 1, Loss = Losses.SoftmaxCrossEntropy })).Message, StringComparison.Ordinal);
        Assert.StartsWith(expected, Refused(() => Trainer.Evaluate(Network(3), data, Losses.SoftmaxCrossEntropy)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_output_trained_with_mse_on_two_classes_is_scored_at_one_half_and_a_logit_at_zero()
    {
        // Every output is 0.3: the label 0 for a loss on the output itself (mse: 0.3 < 0.5), class 1 as a logit (bce).
        // The accuracy was scored as output > 0 whatever the loss (0.578 where 0.5 gives 0.859 in the tester's run).
        var net = new Mlp(2, [new(1, "linear")]);
        net.Initialize(Initializer.Parse("zeros"), 1);
        net.Layers[0].Bias[0] = 0.3f;
        var data = new Dataset("b", [0, 1, 1, 0, .5f, .5f, 1, 1, 2, 2], 2, [0f, 0f, 0f, 1f, 1f], 1, 2);
        Assert.Equal(0.6, Trainer.Evaluate(net, data, Losses.MeanSquaredError).Accuracy);
        Assert.Equal(0.6, Trainer.Evaluate(net, data, Losses.MeanAbsoluteError).Accuracy);
        Assert.Equal(0.6, Trainer.Evaluate(net, data, Losses.Huber()).Accuracy);
        Assert.Equal(0.4, Trainer.Evaluate(net, data, Losses.BinaryCrossEntropy).Accuracy);
        Assert.Equal(0.4, Trainer.Evaluate(net, data).Accuracy);

        // The running accuracy of the batches uses the same threshold.
        var fit = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 1, BatchSize = 5, LearningRate = 1e-30, Loss = Losses.MeanSquaredError, Optimizer = new Sgd(), EvaluateTrainingSet = false });
        Assert.Equal(0.6, fit.Last!.Train.Accuracy);
    }
}
