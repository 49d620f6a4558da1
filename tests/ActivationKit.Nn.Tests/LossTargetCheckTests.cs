using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

/// <summary>
/// Targets a loss cannot take are refused before training — the exploratory NN tester's finding F3 (a 1-output
/// network on 3-class data failed in the loss, blaming a valid label at a 0-based row of the shuffled batch).
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

    [Fact]
    public void A_one_output_network_on_three_classes_is_refused_as_an_output_count_mismatch()
    {
        // F3: "cross_entropy: row 1 has label 1, which is not a class index in [0, 0]" (default loss).
        var three = new Dataset("three", FourPoints, 2, [0, 1, 2, 1], 1, 3);
        const string expected = "The data 'three' has 3 classes but the network has 1 output.";
        Assert.StartsWith(expected, Refused(() => Trainer.Fit(Network(1), three, null, new TrainerOptions { Epochs = 1, BatchSize = 2, Shuffle = false })).Message, StringComparison.Ordinal);
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
}
