using ActivationKit.Nn;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

/// <summary>RReLU in the engine: random slopes while training (fresh every step), the mean slope at inference.</summary>
public class RreluTrainingTests
{
    private sealed class Capture : ILayerObserver
    {
        public float[] Post = [];

        public void OnForward(int layerIndex, ReadOnlySpan<float> pre, ReadOnlySpan<float> post, int rows)
        {
            if (layerIndex == 0) Post = post.ToArray();
        }

        public void OnBackward(int layerIndex, LayerGradients gradients)
        {
        }
    }

    /// <summary>One input, 64 rrelu units whose pre-activation is the input itself (weights 1, biases 0).</summary>
    private static (Mlp Net, Capture Capture) Identity()
    {
        var net = Mlp.Build(1, [64], "rrelu", 1);
        net.Initialize(Initializer.Auto, 7);
        net.Layers[0].Weights.AsSpan().Fill(1f);
        var capture = new Capture();
        net.AddObserver(capture);
        return (net, capture);
    }

    [Fact]
    public void Training_steps_draw_slopes_between_the_bounds_and_inference_uses_their_mean()
    {
        var (net, capture) = Identity();
        net.Training = true;
        net.Forward([-1f], 1);
        var first = capture.Post.Select(v => -v).ToArray();
        Assert.All(first, a => Assert.InRange(a, 0.125f, (float)(1.0 / 3.0)));
        Assert.True(first.Distinct().Count() > 32, "the slopes should differ from unit to unit");
        net.Forward([-1f], 1);
        Assert.NotEqual(first, capture.Post.Select(v => -v).ToArray());

        // Before, the engine only ever ran the catalog's inference-mode RReLU: leaky ReLU with the mean slope.
        net.Training = false;
        net.Forward([-1f], 1);
        Assert.All(capture.Post, v => Assert.Equal(-(float)((0.125 + (1.0 / 3.0)) / 2), v));
    }

    [Fact]
    public void Training_with_rrelu_is_deterministic_and_differs_from_its_mean_slope()
    {
        var data = Synthetic.Create("spirals", 200, 0.05, 1);
        double Loss(string activation, int threads)
        {
            var net = Mlp.Build(2, [16, 16], activation, 2);
            net.Initialize(Initializer.Parse("normal(0.5)"), 3);
            var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 2, Seed = 1, Threads = threads });
            return result.Last!.Train.Loss;
        }

        double once = Loss("rrelu", 1);
        Assert.Equal(once, Loss("rrelu", 1));
        Assert.Equal(once, Loss("rrelu", 2));
        Assert.NotEqual(once, Loss("leaky_relu(0.22916666666666666)", 1));
    }
}
