using System.Buffers.Binary;
using System.Text;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

/// <summary>PReLU's slopes are parameters of the network: gradient, optimisers, parameter count, model file, determinism.</summary>
public class PreluTrainingTests
{
    private static Dataset Spirals()
    {
        var data = Synthetic.Create("spirals", 300, 0.05, seed: 2);
        return Standardizer.Fit(data).Transform(data);
    }

    [Theory]
    [InlineData("prelu", 1)]
    [InlineData("prelu(num_parameters=5)", 5)]
    public void Slope_gradient_matches_finite_differences(string spec, int slopes)
    {
        const int rows = 6, inputs = 3, hidden = 5, outputs = 2;
        var net = new Mlp(inputs, [new(hidden, spec), new(outputs, "linear")]);
        net.Initialize(Initializer.Parse("normal(0.9)"), 3);
        Assert.Equal(slopes, net.Layers[0].Slopes.Length);
        for (int c = 0; c < slopes; c++) net.Layers[0].Slopes[c] = 0.1f + (0.07f * c);
        var rng = new Rng(4);
        var x = new float[rows * inputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextUniform(-1.5, 1.5);
        var t = new float[rows * outputs];
        for (int i = 0; i < t.Length; i++) t[i] = (float)rng.NextUniform(-1, 1);

        var output = net.Forward(x, rows);
        var g = new float[output.Length];
        Losses.MeanSquaredError.Compute(output, t, rows, outputs, g);
        net.Backward(x, g, rows);

        var first = net.Layers[0];
        var second = net.Layers[1];
        double Loss(double[] a)
        {
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                var h = new double[hidden];
                for (int j = 0; j < hidden; j++)
                {
                    double s = first.Bias[j];
                    for (int k = 0; k < inputs; k++) s += (double)x[(r * inputs) + k] * first.Weights[(k * hidden) + j];
                    h[j] = s > 0 ? s : a[slopes == 1 ? 0 : j] * s;
                }

                for (int o = 0; o < outputs; o++)
                {
                    double z = second.Bias[o];
                    for (int j = 0; j < hidden; j++) z += h[j] * second.Weights[(j * outputs) + o];
                    double d = z - t[(r * outputs) + o];
                    total += d * d / (rows * outputs);
                }
            }

            return total;
        }

        var a0 = first.Slopes.Select(v => (double)v).ToArray();
        bool anyNonZero = false;
        for (int c = 0; c < slopes; c++)
        {
            const double h = 1e-5;
            var up = a0.ToArray();
            var down = a0.ToArray();
            up[c] += h;
            down[c] -= h;
            double numeric = (Loss(up) - Loss(down)) / (2 * h);
            Assert.Equal(numeric, first.SlopeGradient[c], 4);
            anyNonZero |= Math.Abs(numeric) > 1e-4;
        }

        Assert.True(anyNonZero, "the check needs units on the negative side");
    }

    [Theory]
    [InlineData("prelu", "adam")]
    [InlineData("prelu(num_parameters=8)", "adam")]
    [InlineData("prelu(num_parameters=8)", "momentum")]
    [InlineData("prelu", "sgd")]
    public void Training_learns_the_slopes_and_counts_them(string spec, string optimizer)
    {
        var data = Spirals();
        var net = Mlp.Build(2, [8, 8], spec, 2);
        net.Initialize(Initializer.Auto, 1);
        int perLayer = spec.Contains('=', StringComparison.Ordinal) ? 8 : 1;
        Assert.Equal((2 * 8) + 8 + (8 * 8) + 8 + (8 * 2) + 2 + (2 * perLayer), net.ParameterCount);
        Assert.Equal(["layer0.weight", "layer0.bias", "layer0.slopes", "layer1.weight", "layer1.bias", "layer1.slopes", "layer2.weight", "layer2.bias"], net.Parameters().Select(p => p.Name));

        Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 3, BatchSize = 32, LearningRate = 0.01, Seed = 1, Optimizer = Optimizers.Create(optimizer) });
        foreach (var layer in net.Layers.Take(2))
        {
            Assert.Equal(perLayer, layer.Slopes.Length);
            Assert.All(layer.Slopes, a => Assert.NotEqual(0.25f, a));
            if (perLayer > 1) Assert.True(layer.Slopes.Distinct().Count() > 1, "per-unit slopes learn separately");
        }

        // The learned slopes are what the activation computes with: a negative input comes out scaled by them.
        var slopes = net.Layers[0].Slopes;
        var y = new float[perLayer];
        net.Layers[0].Activation!.Forward(Enumerable.Repeat(-2f, perLayer).ToArray(), y, perLayer);
        Assert.Equal(slopes.Select(a => -2f * a), y);

        // Initialize puts the initial slopes back.
        net.Initialize(Initializer.Auto, 1);
        Assert.All(net.Layers[0].Slopes, a => Assert.Equal(0.25f, a));
    }

    [Fact]
    public void A_prelu_network_is_not_trained_like_a_leaky_relu_of_the_same_slope()
    {
        // Before the slopes were learned prelu trained bit-identically to leaky_relu(0.25).
        var data = Spirals();
        float[] Train(string spec)
        {
            var net = Mlp.Build(2, [8], spec, 2);
            net.Initialize(Initializer.Parse("he_normal"), 1);
            Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 2, Seed = 1 });
            return net.Layers[1].Weights;
        }

        Assert.NotEqual(Train("leaky_relu(0.25)"), Train("prelu"));
    }

    [Fact]
    public void Slopes_train_to_the_same_bits_at_one_and_two_threads()
    {
        var data = Spirals();
        (float[] Slopes, float[] Weights) Train(int threads)
        {
            var net = Mlp.Build(2, [16, 16], "prelu(num_parameters=16)", 2);
            net.Initialize(Initializer.Auto, 7);
            Trainer.Fit(net, data, data, new TrainerOptions { Epochs = 2, Seed = 7, Threads = threads });
            return (net.Layers[1].Slopes.ToArray(), net.Layers[2].Weights.ToArray());
        }

        var one = Train(1);
        var two = Train(2);
        Assert.Equal(one.Slopes, two.Slopes);
        Assert.Equal(one.Weights, two.Weights);
    }

    [Fact]
    public void Learned_slopes_round_trip_through_the_model_file_and_older_files_still_load()
    {
        var data = Spirals();
        var net = Mlp.Build(2, [8], "prelu(num_parameters=8)", 2);
        net.Initialize(Initializer.Auto, 1);
        Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 2, Seed = 1 });
        using var ms = new MemoryStream();
        ModelFile.Save(ms, net);
        byte[] bytes = ms.ToArray();
        var (loaded, _) = ModelFile.Load(bytes);
        Assert.Equal(net.Layers[0].Slopes, loaded.Layers[0].Slopes);
        Assert.Equal(net.Predict(data.Features, data.Rows), loaded.Predict(data.Features, data.Rows));
        Assert.Equal(net.ParameterCount, loaded.ParameterCount);

        // A file written before slopes were saved: no layer0.slopes tensor, so the spec's initial slopes.
        var old = Mlp.Build(2, [8], "prelu(num_parameters=8)", 2);
        old.Initialize(Initializer.Auto, 1);
        var (fromOld, _) = ModelFile.Load(WithoutSlopes(old));
        Assert.All(fromOld.Layers[0].Slopes, a => Assert.Equal(0.25f, a));
        Assert.Equal(old.Layers[0].Weights, fromOld.Layers[0].Weights);
    }

    [Fact]
    public void A_slope_count_that_is_neither_one_nor_the_units_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Mlp.Build(2, [16], "prelu(num_parameters=8)", 2));
        Assert.StartsWith("prelu(num_parameters=8, init=0.25) has 8 slopes but the layer has 16 units; use num_parameters=1 (one shared slope) or num_parameters=16 (one per unit).", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The model as the format stored it before slopes were saved: the same header and body without the slopes tensor.</summary>
    private static byte[] WithoutSlopes(Mlp net)
    {
        // Layout: layer0.weight (16), layer0.bias (8), layer1.weight (16), layer1.bias (2); the slopes come after layer0.bias.
        var tensors = new (string Name, float[] Data)[] { ("layer0.weight", net.Layers[0].Weights), ("layer0.bias", net.Layers[0].Bias), ("layer1.weight", net.Layers[1].Weights), ("layer1.bias", net.Layers[1].Bias) };
        var body = new List<byte>();
        var table = new List<string>();
        long offset = 0;
        foreach (var (name, data) in tensors)
        {
            table.Add($"{{\"name\": \"{name}\", \"offset\": {offset}, \"count\": {data.Length}}}");
            offset += data.Length;
            foreach (float v in data)
            {
                var b = new byte[4];
                BinaryPrimitives.WriteSingleLittleEndian(b, v);
                body.AddRange(b);
            }
        }

        ulong h = 14695981039346656037UL;
        foreach (byte b in body) h = (h ^ b) * 1099511628211UL;
        string json = "{\"format\": \"actkit-mlp\", \"version\": 1, \"inputSize\": 2, \"layers\": [" +
            "{\"units\": 8, \"activation\": \"prelu(num_parameters=8, init=0.25)\", \"preWidth\": 8}, {\"units\": 2, \"activation\": \"linear\", \"preWidth\": 2}], " +
            $"\"tensors\": [{string.Join(", ", table)}], \"floatCount\": {offset}, \"checksum\": \"{h:x16}\"}}";
        byte[] header = Encoding.UTF8.GetBytes(json);
        var file = new List<byte>(Encoding.ASCII.GetBytes("AKNNMLP1"));
        var len = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, header.Length);
        file.AddRange(len);
        file.AddRange(header);
        file.AddRange(body);
        return [.. file];
    }
}
