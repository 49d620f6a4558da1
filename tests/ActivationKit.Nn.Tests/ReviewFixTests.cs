using System.Buffers.Binary;
using System.Text;
using ActivationKit.Functions;
using ActivationKit.Nn.Experiments;

namespace ActivationKit.Nn.Tests;

/// <summary>Fixes from the review of the PReLU/RReLU training, model-file and comparison changes.</summary>
public sealed class ReviewFixTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actkit-review-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Rrelu_backward_in_a_training_step_uses_the_forward_slopes()
    {
        // Finite differences of Σ y over the weights, with one step's random slopes fixed on the layer.
        var layer = new DenseLayer(3, 4, "rrelu");
        var rng = new Rng(5);
        for (int i = 0; i < layer.Weights.Length; i++) layer.Weights[i] = (float)rng.NextUniform(-1, 1);
        layer.StepActivation = ((Rrelu)layer.Activation!).Train(42);
        float[] x = [0.7f, -1.3f, 0.4f, -0.9f, 1.1f, -0.6f];
        var pre = new float[8];
        var y = new float[8];
        double Sum()
        {
            layer.Forward(x, pre, y, 2);
            return y.Sum(v => (double)v);
        }

        Sum();
        var dpre = new float[8];
        layer.Backward(x, pre, y, Enumerable.Repeat(1f, 8).ToArray(), dpre, Span<float>.Empty, 2);
        var analytic = layer.WeightGradient.ToArray();
        for (int k = 0; k < layer.Weights.Length; k++)
        {
            float w = layer.Weights[k];
            layer.Weights[k] = w + 1e-3f;
            double up = Sum();
            layer.Weights[k] = w - 1e-3f;
            double down = Sum();
            layer.Weights[k] = w;
            Assert.Equal((up - down) / 2e-3, analytic[k], 2e-3);
        }
    }

    [Fact]
    public void One_prelu_instance_given_to_two_layers_does_not_share_their_slopes()
    {
        var prelu = new Prelu(4, 0.25);
        var a = new DenseLayer(2, 4, prelu);
        var b = new DenseLayer(4, 4, prelu);
        a.Slopes[0] = 0.9f;
        Assert.Equal(0.25f, b.Slopes[0]);
        Assert.Equal(0.25f, prelu.Weights[0]);
    }

    [Fact]
    public void A_model_with_learned_slopes_is_version_2_so_older_loaders_refuse_it()
    {
        static int Version(Mlp net)
        {
            using var stream = new MemoryStream();
            ModelFile.Save(stream, net);
            byte[] bytes = stream.ToArray();
            int len = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
            string json = Encoding.UTF8.GetString(bytes, 12, len);
            var loaded = ModelFile.Load(bytes);
            Assert.Equal(net.Layers.Count, loaded.Network.Layers.Count);
            return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("version").GetInt32();
        }

        var prelu = Mlp.Build(2, [4], "prelu", 1);
        prelu.Initialize(Initializer.Auto, 1);
        Assert.Equal(2, Version(prelu));
        var relu = Mlp.Build(2, [4], "relu", 1);
        relu.Initialize(Initializer.Auto, 1);
        Assert.Equal(1, Version(relu));
    }

    [Fact]
    public void Trial_keys_carry_the_engine_version_and_a_failed_shard_keeps_the_shared_manifest()
    {
        var config = new ExperimentConfig { Data = "moons", Samples = 200, Hidden = [4], Activations = Contender.ParseList("relu,tanh"), Seeds = 1, Epochs = 1 }.Validate();
        Assert.StartsWith($"engine={ExperimentConfig.EngineVersion};", config.BasisKey("moons"), StringComparison.Ordinal);

        // Another shard may already be training into this folder: a shard that stops before its first trial leaves the manifest.
        string dir = Path.Combine(_root, "shared");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ExperimentRunner.Run(config, ExperimentData.Load(config), dir, new RunOptions { Shard = new Shard(0, 2), Cancellation = cancelled.Token }));
        Assert.True(File.Exists(Path.Combine(dir, ResultStore.ManifestName)));
    }
}
