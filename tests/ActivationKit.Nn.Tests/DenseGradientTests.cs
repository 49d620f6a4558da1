using ActivationKit.Catalog;
using ActivationKit.Nn;

namespace ActivationKit.Nn.Tests;

/// <summary>The dense layer's analytic gradients (float) against central finite differences of a double forward pass.</summary>
public class DenseGradientTests
{
    public static TheoryData<string> Activations()
    {
        var data = new TheoryData<string> { "linear", "test_softmax", "test_glu" };
        foreach (string name in ActivationCatalog.Names) data.Add(name);
        return data;
    }

    private static Activation? Make(string name) => name switch
    {
        "test_softmax" => new TestSoftmax(),
        "test_glu" => new TestGlu(),
        _ => DenseLayer.ResolveActivation(name),
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void GradientsMatchFiniteDifferences(string name)
    {
        const int rows = 3, inputs = 4, units = 3;
        var activation = Make(name);
        var layer = new DenseLayer(inputs, units, activation);
        var x = new float[rows * inputs];
        var c = new float[rows * units];
        var pre = new float[rows * layer.PreWidth];
        var post = new float[rows * units];
        var kinks = activation?.Info.Kinks ?? [];

        // Draw until no pre-activation sits within 1e-3 of a kink or jump, where finite differences mean nothing.
        for (ulong seed = 42; ; seed++)
        {
            var rng = new Rng(seed);
            new Initializer(InitKind.Uniform, 0.8).Fill(layer.Weights, inputs, layer.PreWidth, 1, rng);
            for (int j = 0; j < layer.Bias.Length; j++) layer.Bias[j] = (float)rng.NextUniform(-0.5, 0.5);
            for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextUniform(-1.5, 1.5);
            for (int i = 0; i < c.Length; i++) c[i] = (float)rng.NextUniform(-1, 1);
            layer.Forward(x, pre, post, rows);
            if (!pre.Any(p => kinks.Any(k => Math.Abs(p - k) < 1e-3)) || seed > 100) break;
        }
        var dpre = new float[pre.Length];
        var dx = new float[x.Length];
        layer.Backward(x, pre, post, c, dpre, dx, rows);

        // L(W, b, x) = Σ c·f(x·W + b), all in double.
        double[] w = layer.Weights.Select(v => (double)v).ToArray();
        double[] b = layer.Bias.Select(v => (double)v).ToArray();
        double[] xd = x.Select(v => (double)v).ToArray();
        double Loss()
        {
            var p = new double[rows * layer.PreWidth];
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < layer.PreWidth; j++)
                {
                    double s = b[j];
                    for (int k = 0; k < inputs; k++) s += xd[(r * inputs) + k] * w[(k * layer.PreWidth) + j];
                    p[(r * layer.PreWidth) + j] = s;
                }
            }

            var y = new double[rows * units];
            if (activation is null) p.CopyTo(y, 0);
            else activation.Forward(p, y, layer.PreWidth);
            double l = 0;
            for (int i = 0; i < y.Length; i++) l += c[i] * y[i];
            return l;
        }

        void CheckAll(double[] theta, ReadOnlySpan<float> analytic, string what)
        {
            for (int i = 0; i < theta.Length; i++)
            {
                double keep = theta[i], h = 1e-5;
                theta[i] = keep + h;
                double lp = Loss();
                theta[i] = keep - h;
                double lm = Loss();
                theta[i] = keep;
                double fd = (lp - lm) / (2 * h);
                Assert.True(Math.Abs(fd - analytic[i]) <= 1e-4 + (1e-3 * Math.Abs(fd)), $"{name}: d{what}[{i}] analytic {analytic[i]} vs finite difference {fd}");
            }
        }

        CheckAll(w, layer.WeightGradient, "W");
        CheckAll(b, layer.BiasGradient, "b");
        CheckAll(xd, dx, "x");
    }

    [Fact]
    public void GatedLayerProducesTwicePreActivations()
    {
        var layer = new DenseLayer(3, 5, new TestGlu());
        Assert.Equal(10, layer.PreWidth);
        Assert.Equal(30, layer.Weights.Length);
    }

    [Theory]
    [InlineData("leaky_relu(0.2)", 1.3867504905630728)]
    [InlineData("leaky_relu", 1.4141428569978354)]
    [InlineData("elu(alpha=0.5)", 1.3655948588382177)]
    [InlineData("silu", 1.6765324703310912)]
    public void LayerGainFollowsTheActivationsParameters(string spec, double gain)
    {
        // A GAN's leaky_relu(0.2) is initialised with √(2/(1 + 0.2²)), as recommend says, not the default slope's gain.
        Assert.Equal(gain, new DenseLayer(3, 2, spec).Gain, 1e-9);
        Assert.Equal(1.0, new DenseLayer(3, 2, (Activation?)null).Gain);
    }

    [Fact]
    public void BadLayerArgumentsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new DenseLayer(0, 3, "relu"));
        Assert.Throws<ArgumentException>(() => new DenseLayer(3, 0, "relu"));
        var ex = Assert.Throws<ArgumentException>(() => new DenseLayer(3, 3, "relux"));
        Assert.Contains("relu", ex.Message);
        var layer = new DenseLayer(3, 2, "relu");
        Assert.Throws<ArgumentException>(() => layer.Forward(new float[5], new float[4], new float[4], 2));
    }
}
