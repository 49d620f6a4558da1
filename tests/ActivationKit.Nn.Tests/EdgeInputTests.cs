using System.Buffers.Binary;
using System.Text;
using ActivationKit.IO;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

/// <summary>Batch sizes, empty and huge shapes, corrupt header arithmetic: each refused in one sentence or well defined.</summary>
public class EdgeInputTests
{
    private static Mlp Net(int inputs = 3)
    {
        var net = Mlp.Build(inputs, [4], "tanh", 2);
        net.Initialize(Initializer.Auto, 1);
        return net;
    }

    private static string Message(Action action) => Assert.ThrowsAny<ArgumentException>(action).Message;

    [Fact]
    public void Batch_sizes_below_one_are_refused_by_predict_and_evaluate()
    {
        var net = Net();
        var x = new float[] { 1, 2, 3, 4, 5, 6 };
        net.Forward(x, 2);

        // batchSize 0 looped for ever once a pass had been made; on a fresh network it read outside a buffer.
        Assert.StartsWith("batchSize must be ≥ 1, got 0.", Message(() => net.Predict(x, 2, batchSize: 0)), StringComparison.Ordinal);
        Assert.StartsWith("batchSize must be ≥ 1, got 0.", Message(() => Net().Predict(x, 2, batchSize: 0)), StringComparison.Ordinal);
        Assert.StartsWith("batchSize must be ≥ 1, got -5.", Message(() => net.Predict(x, 2, batchSize: -5)), StringComparison.Ordinal);

        var data = new Dataset("d", x, 3, [0, 1], 1, 2);
        Assert.StartsWith("batchSize must be ≥ 1, got 0.", Message(() => Trainer.Evaluate(net, data, batchSize: 0)), StringComparison.Ordinal);
        Assert.StartsWith("batchSize must be ≥ 1, got -1.", Message(() => Trainer.Evaluate(net, data, batchSize: -1)), StringComparison.Ordinal);

        // A batch of 1 gives the same outputs as one big batch.
        Assert.Equal(net.Predict(x, 2), net.Predict(x, 2, batchSize: 1));
    }

    [Fact]
    public void Zero_rows_give_empty_results_and_backward_needs_a_forward()
    {
        var fresh = Net();
        Assert.True(fresh.Forward([], 0).IsEmpty);
        Assert.Empty(Net().Predict([], 0));

        // Backward before any Forward read outside an empty buffer.
        Assert.StartsWith("Backward must follow a Forward over the same input, and no forward pass has been made.", Message(() => Net().Backward([], [], 0)), StringComparison.Ordinal);

        // A zero-row pass back-propagates to zero gradients.
        fresh.Layers[0].WeightGradient.AsSpan().Fill(7f);
        fresh.Backward([], [], 0);
        Assert.All(fresh.Layers[0].WeightGradient, g => Assert.Equal(0f, g));
        Assert.All(fresh.Layers[1].BiasGradient, g => Assert.Equal(0f, g));

        // Backward over a different row count than the last pass is refused.
        fresh.Forward(new float[6], 2);
        Assert.Contains("the last pass had 2 rows", Message(() => fresh.Backward(new float[3], new float[2], 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_count_whose_input_size_overflows_int_is_a_length_mismatch()
    {
        // 1,431,655,766 × 3 wraps to 2 in int: the two values looked like the whole input and the pass threw OverflowException.
        var net = Net();
        string message = Message(() => net.Forward(new float[2], 1431655766));
        Assert.Equal("The input has 2 values but 1,431,655,766 rows × 3 features = 4,294,967,298 are expected. (Parameter 'x')", message);
        Assert.Contains("4,294,967,298", Message(() => net.Predict(new float[2], 1431655766)), StringComparison.Ordinal);
        Assert.StartsWith("rows must be ≥ 0, got -1.", Message(() => net.Forward([], -1)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(65536, 65536, "65,536 inputs × 65,536 pre-activations needs 4,294,967,296 weights")]
    [InlineData(100000, 100000, "100,000 inputs × 100,000 pre-activations needs 10,000,000,000 weights")]
    [InlineData(46341, 46341, "46,341 inputs × 46,341 pre-activations needs 2,147,488,281 weights")]
    public void A_layer_with_more_weights_than_an_array_holds_is_refused(int inputs, int units, string expected)
    {
        // 65536 × 65536 gave a layer of 0 weights; 100000 × 100000 one of 1,410,065,408.
        Assert.Contains(expected, Message(() => _ = new DenseLayer(inputs, units, "relu")), StringComparison.Ordinal);
        Assert.Contains(expected, Message(() => _ = new Mlp(inputs, [new LayerSpec(units, "relu")])), StringComparison.Ordinal);
    }

    [Fact]
    public void A_gated_layer_counts_its_doubled_width_in_long()
    {
        // 2 · 1,200,000,000 pre-activations overflows int before the weight count is formed.
        Assert.Contains("2,400,000,000 pre-activations", Message(() => _ = new DenseLayer(1, 1_200_000_000, "glu")), StringComparison.Ordinal);
        long count = new Mlp(3, [new LayerSpec(4, "glu"), new LayerSpec(2, "linear")]).ParameterCount;
        Assert.Equal((3 * 8) + 8 + (4 * 2) + 2, count);
    }

    [Fact]
    public void Fit_and_evaluate_refuse_empty_data()
    {
        var net = Net(2);
        var empty = new Dataset("empty", [], 2, [], 1, 2);
        var some = new Dataset("some", [0, 1, 1, 0, 0.5f, 0.5f], 2, [0, 1, 0], 1, 2);
        var options = new TrainerOptions { Epochs = 1 };
        Assert.StartsWith("The training data 'empty' has no samples; training needs at least one.", Message(() => Trainer.Fit(net, empty, null, options)), StringComparison.Ordinal);
        Assert.StartsWith("The validation data 'empty' has no samples; pass null to train without validation.", Message(() => Trainer.Fit(net, some, empty, options)), StringComparison.Ordinal);
        Assert.StartsWith("The data 'empty' has no samples to evaluate.", Message(() => Trainer.Evaluate(net, empty)), StringComparison.Ordinal);
    }

    [Fact]
    public void Split_refuses_empty_data_and_gives_every_positive_part_a_sample()
    {
        var empty = new Dataset("empty", [], 2, [], 1, 2);
        Assert.Equal("The dataset 'empty' has no samples to split.", Message(() => empty.Split(0.7, 0.15, 1)));

        for (int rows = 3; rows <= 8; rows++)
        {
            var data = new Dataset("d", new float[rows * 2], 2, new float[rows], 1, 2);
            var (train, validation, test) = data.Split(0.7, 0.15, 1);
            Assert.Equal(rows, train.Rows + validation.Rows + test.Rows);
            Assert.True(train.Rows >= 1 && validation.Rows >= 1 && test.Rows >= 1, $"{rows}: {train.Rows}/{validation.Rows}/{test.Rows}");
        }

        // Fractions summing to 1 leave no test part; large sets keep the rounded sizes.
        var ten = new Dataset("d", new float[20], 2, new float[10], 1, 2);
        Assert.Equal(0, ten.Split(0.9, 0.1, 1).Test.Rows);
        var big = new Dataset("d", new float[2000], 2, new float[1000], 1, 2);
        var parts = big.Split(0.7, 0.15, 1);
        Assert.Equal((700, 150, 150), (parts.Train.Rows, parts.Validation.Rows, parts.Test.Rows));
    }

    [Fact]
    public void Synthetic_refuses_a_class_count_its_generator_ignores()
    {
        Assert.StartsWith("xor always has 2 classes; classes applies only to 'random', got classes = 5.", Message(() => Synthetic.Create("xor", 10, 0, 1, classes: 5)), StringComparison.Ordinal);
        Assert.StartsWith("spirals always has 2 classes", Message(() => Synthetic.Create("two-spirals", 10, 0, 1, classes: 3)), StringComparison.Ordinal);
        Assert.StartsWith("sine is a regression set", Message(() => Synthetic.Create("sine", 10, 0, 1, classes: 2)), StringComparison.Ordinal);
        Assert.Equal(2, Synthetic.Create("moons", 10, 0, 1, classes: 2).ClassCount);
        Assert.Equal(5, Synthetic.Create("random", 50, 0, 1, classes: 5).ClassCount);
        Assert.Equal(2, Synthetic.Create("random", 50, 0, 1).ClassCount);
    }

    [Fact]
    public void Npy_write_refuses_a_shape_whose_product_wraps()
    {
        using var ms = new MemoryStream();
        Assert.Contains("holds more than 2,147,483,647 elements but the data has 0", Message(() => Npy.Write(ms, ReadOnlySpan<float>.Empty, [65536, 65536, 65536, 65536])), StringComparison.Ordinal);
        Assert.Equal(0, ms.Length);

        // A zero dimension anywhere still makes an empty array.
        Npy.Write(ms, ReadOnlySpan<float>.Empty, [65536, 65536, 65536, 0]);
        Assert.True(ms.Length > 0);
    }

    [Fact]
    public void Save_refuses_a_normalisation_of_the_wrong_width()
    {
        var net = Net(3);
        var norm = new Standardizer([0f, 0f], [1f, 1f]);
        using var ms = new MemoryStream();
        Assert.StartsWith("The normalisation has 2 entries but the network takes 3 inputs; it needs one per input.", Message(() => ModelFile.Save(ms, net, new ModelMetadata { Normalization = norm })), StringComparison.Ordinal);
        Assert.Equal(0, ms.Length);
    }

    private static byte[] Saved(Mlp net)
    {
        using var ms = new MemoryStream();
        ModelFile.Save(ms, net);
        return ms.ToArray();
    }

    private static byte[] WithHeader(byte[] bytes, Func<string, string> edit)
    {
        int len = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        byte[] json = Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(bytes, 12, len)));
        var result = new byte[12 + json.Length + (bytes.Length - 12 - len)];
        bytes.AsSpan(0, 8).CopyTo(result);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(8), json.Length);
        json.CopyTo(result, 12);
        bytes.AsSpan(12 + len).CopyTo(result.AsSpan(12 + json.Length));
        return result;
    }

    private static string LoadError(byte[] bytes) => Assert.Throws<InvalidDataException>(() => ModelFile.Load(bytes, "m")).Message;

    [Fact]
    public void Header_arithmetic_cannot_wrap_into_a_valid_looking_file()
    {
        byte[] good = Saved(Net());
        string json = Encoding.UTF8.GetString(good, 12, BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(8)));
        Assert.Contains("\"offset\": 0,", json, StringComparison.Ordinal);

        // offset + count wrapped past long.MaxValue and the weights were read from the header bytes.
        Assert.Contains("outside the", LoadError(WithHeader(good, j => ReplaceFirst(j, "\"offset\": 0,", $"\"offset\": {long.MaxValue},"))), StringComparison.Ordinal);
        Assert.Contains("outside the", LoadError(WithHeader(good, j => ReplaceFirst(j, "\"offset\": 0,", $"\"offset\": {long.MaxValue - 3},"))), StringComparison.Ordinal);

        // floatCount × 4 wrapped modulo 2⁶⁴: 2⁶² + n floats looked like n.
        long floats = (good.Length - 12 - json.Length) / 4;
        Assert.Contains(FormattableString.Invariant($"truncated — the header declares {(1L << 62) + floats:N0} floats of weights (4 bytes each) but only {floats * 4:N0} bytes follow it"), LoadError(WithHeader(good, j => j.Replace($"\"floatCount\": {floats}", $"\"floatCount\": {(1L << 62) + floats}", StringComparison.Ordinal))), StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_file_declaring_a_layer_beyond_an_array_is_refused_before_allocating()
    {
        byte[] good = Saved(Net());
        string huge = LoadError(WithHeader(good, j => j.Replace("\"inputSize\": 3", "\"inputSize\": 100000", StringComparison.Ordinal).Replace("\"units\": 4", "\"units\": 100000", StringComparison.Ordinal).Replace("\"preWidth\": 4", "\"preWidth\": 100000", StringComparison.Ordinal)));
        Assert.Contains("corrupt header — its layers need at least 10,000,100,000 floats up to layer 0 (100,000 inputs × 100,000 units), but it declares ", huge, StringComparison.Ordinal);
    }

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        int at = text.IndexOf(old, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + old.Length)..];
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("log_softmax")]
    [InlineData("sparsemax")]
    public void A_row_wise_function_over_one_unit_is_warned_about_like_a_zero_gradient_one(string activation)
    {
        // Softmax of one value is 1 for every input: the network trained nothing, without a word.
        var net = Mlp.Build(2, [4], "tanh", 1, activation);
        var warning = Assert.Single(net.Initialize(Initializer.Auto, 1));
        Assert.StartsWith($"Layer 1 (1 unit, {activation}): {activation} normalises over the layer's row, and over a single unit it outputs the same constant for every input", warning, StringComparison.Ordinal);
        var x = new float[] { 0.1f, 2f, -3f, 0.5f };
        var y = net.Predict(x, 2);
        Assert.Equal(y[0], y[1]);

        var hidden = Mlp.Build(2, [1], activation, 2);
        Assert.EndsWith("; only the layers after it learn. Give the layer more units, or use an element-wise function (sigmoid, identity) for a single output.", Assert.Single(hidden.Initialize(Initializer.Auto, 1)), StringComparison.Ordinal);
        Assert.Empty(Mlp.Build(2, [4], "tanh", 2, activation).Initialize(Initializer.Auto, 1));
    }
}
