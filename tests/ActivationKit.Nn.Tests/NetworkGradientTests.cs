using ActivationKit.Nn;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

/// <summary>End to end: the network's back-propagation through several layers and a loss, against double finite differences.</summary>
public class NetworkGradientTests
{
    [Theory]
    [InlineData("cross_entropy")]
    [InlineData("mse")]
    [InlineData("multilabel_bce")]
    public void MlpGradientsMatchFiniteDifferences(string lossName)
    {
        const int rows = 4;
        var net = new Mlp(3, [new(5, "tanh"), new(4, "sigmoid"), new(3, "relu"), new(3, "linear")]);
        net.Initialize(Initializer.Parse("normal(0.8)"), 5);
        var rng = new Rng(6);
        foreach (var layer in net.Layers)
        {
            for (int j = 0; j < layer.Bias.Length; j++) layer.Bias[j] = (float)rng.NextUniform(0.1, 0.5); // keep relu units active
        }

        var x = new float[rows * 3];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextUniform(-1, 1);
        var loss = Losses.Parse(lossName);
        var t = new float[rows * loss.TargetColumns(3)];
        for (int i = 0; i < t.Length; i++) t[i] = loss.TargetColumns(3) == 1 ? rng.NextInt(3) : (float)rng.NextDouble();

        var output = net.Forward(x, rows);
        var g = new float[output.Length];
        loss.Compute(output, t, rows, 3, g);
        net.Backward(x, g, rows);

        var weights = net.Layers.Select(l => l.Weights.Select(v => (double)v).ToArray()).ToArray();
        var biases = net.Layers.Select(l => l.Bias.Select(v => (double)v).ToArray()).ToArray();
        double Loss()
        {
            double[] h = x.Select(v => (double)v).ToArray();
            int width = 3;
            for (int li = 0; li < net.Layers.Count; li++)
            {
                var layer = net.Layers[li];
                var pre = new double[rows * layer.PreWidth];
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < layer.PreWidth; j++)
                    {
                        double s = biases[li][j];
                        for (int k = 0; k < width; k++) s += h[(r * width) + k] * weights[li][(k * layer.PreWidth) + j];
                        pre[(r * layer.PreWidth) + j] = s;
                    }
                }

                var post = new double[rows * layer.Units];
                if (layer.Activation is null) pre.CopyTo(post, 0);
                else layer.Activation.Forward(pre, post, layer.PreWidth);
                h = post;
                width = layer.Units;
            }

            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                var z = h.AsSpan(r * 3, 3);
                switch (lossName)
                {
                    case "cross_entropy":
                        double max = Math.Max(z[0], Math.Max(z[1], z[2]));
                        total += max + Math.Log(Math.Exp(z[0] - max) + Math.Exp(z[1] - max) + Math.Exp(z[2] - max)) - z[(int)t[r]];
                        break;
                    case "mse":
                        for (int j = 0; j < 3; j++) total += (z[j] - t[(r * 3) + j]) * (z[j] - t[(r * 3) + j]) / 3;
                        break;
                    default:
                        for (int j = 0; j < 3; j++) total += Math.Max(z[j], 0) - (z[j] * t[(r * 3) + j]) + Math.Log(1 + Math.Exp(-Math.Abs(z[j])));
                        break;
                }
            }

            return total / rows;
        }

        for (int li = 0; li < net.Layers.Count; li++)
        {
            foreach (var (theta, analytic, what) in new[] { (weights[li], net.Layers[li].WeightGradient, "W"), (biases[li], net.Layers[li].BiasGradient, "b") })
            {
                for (int i = 0; i < theta.Length; i++)
                {
                    double keep = theta[i], h = 1e-6;
                    theta[i] = keep + h;
                    double lp = Loss();
                    theta[i] = keep - h;
                    double lm = Loss();
                    theta[i] = keep;
                    double fd = (lp - lm) / (2 * h);
                    Assert.True(Math.Abs(fd - analytic[i]) <= 1e-5 + (1e-3 * Math.Abs(fd)), $"{lossName}: layer {li} d{what}[{i}] analytic {analytic[i]} vs finite difference {fd}");
                }
            }
        }
    }

    [Fact]
    public void SingleLogitBinaryClassificationTrains()
    {
        var data = Synthetic.Create("circles", 400, 0.05, seed: 8);
        var net = Mlp.Build(2, [16, 16], "tanh", 1);
        net.Initialize(Initializer.Auto, 8);
        var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 60, LearningRate = 0.01, Loss = Losses.BinaryCrossEntropy, Seed = 8 });
        Assert.True(result.Last!.Train.Accuracy >= 0.99, $"accuracy {result.Last.Train.Accuracy}");
    }
}
