using ActivationKit.Diagnostics;
using ActivationKit.Nn.Data;
using ActivationKit.Nn.Diagnostics;

namespace ActivationKit.Nn.Tests;

/// <summary>
/// The exploding-activations finding, live and offline: forward activations growing from hidden layer to hidden layer.
/// <c>actkit train --data spirals --activation swiglu --hidden 64,64,64,64 --epochs 20 --diagnose</c> ended "No problems
/// found." with layer3's std at 3·10⁵ and logits of ±5·10⁶ (at the gates' old gains; 646 and ±1.4·10⁴ at the new ones).
/// </summary>
public class ExplodingActivationTests
{
    private static Dataset Spirals(int samples = 2000)
    {
        var raw = Synthetic.Create("spirals", samples, 0.05, seed: 1);
        return Standardizer.Fit(raw).Transform(raw);
    }

    private static NetworkDiagnostics Train(Mlp net, Dataset data, int epochs, int every = 50, double lr = 1e-3)
    {
        var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = every }).Attach();
        var options = new TrainerOptions { Epochs = epochs, BatchSize = 32, LearningRate = lr, Seed = 1 };
        d.CheckOutput(data, Trainer.DefaultLoss(data, net.OutputSize));
        Trainer.Fit(net, data, null, options);
        d.Detach();
        return d;
    }

    [Fact]
    public void A_four_layer_swiglu_stack_trained_on_spirals_is_reported_live()
    {
        var net = Mlp.Build(2, [64, 64, 64, 64], "swiglu", 1);
        net.Initialize(Initializer.Auto, 1);
        var d = Train(net, Spirals(), epochs: 20);
        var f = Assert.Single(d.Findings, r => r.Finding.Kind == FindingKind.ExplodingActivations).Finding;
        Assert.Equal("layer3", f.Layer);
        Assert.True(f.Evidence["growth"] >= 100, $"growth {f.Evidence["growth"]}");

        // The numbers are the layer table's: the RMS of layer3's activations at the last check over layer0's.
        var last = d.Session.Layers.Select(l => l.Checks[^1].Activations).ToArray();
        double Rms(ActivationStatistics s) => Math.Sqrt((s.Std * s.Std) + (s.Mean * s.Mean));
        Assert.Equal(Rms(last[3]), f.Evidence["rms"], 1e-3 * f.Evidence["rms"]);
        Assert.DoesNotContain("No problems found.", d.Report("spirals").ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_gated_stack_at_the_old_gain_is_critical_at_the_first_check_and_at_its_own_gain_is_not()
    {
        // He normal with swiglu's old gain 1.6765 (σ = gain/√fan_in) on N(0, 1) inputs: E[y²] = 3.4, 48, 1.6E+04, 6.2E+09.
        static Mlp Stack(Func<int, Initializer?> init) => new(64, [.. Enumerable.Range(0, 4).Select(i => new LayerSpec(256, "swiglu", init(i))), new LayerSpec(10, "linear")]);
        var data = NetworkDiagnosticsTests.Gaussian(512, 64, 10, seed: 3);

        var old = Stack(i => Initializer.Parse(FormattableString.Invariant($"normal({1.6765324703310912 / Math.Sqrt(i == 0 ? 64 : 256)})")));
        old.Initialize(Initializer.Auto, 2);
        var d = Train(old, data, epochs: 1, every: 100);
        var f = Assert.Single(d.Findings, r => r.Finding.Kind == FindingKind.ExplodingActivations);
        Assert.Equal(1, f.FirstStep);
        Assert.Equal(Severity.Critical, f.Finding.Severity);
        Assert.Equal("layer3", f.Finding.Layer);

        // At the catalog's gain the stack drifts (the balance is unstable: about 30× by layer3) but does not explode at
        // the first check.
        var auto = Stack(_ => null);
        auto.Initialize(Initializer.Auto, 2);
        var first = new NetworkDiagnostics(auto, new NetworkDiagnosticsOptions { Every = 100 }).Attach();
        Trainer.Fit(auto, data, null, new TrainerOptions { Epochs = 1, BatchSize = 512, LearningRate = 1e-3, Seed = 1 });
        first.Detach();
        Assert.DoesNotContain(first.Findings, r => r.Finding.Kind == FindingKind.ExplodingActivations);
        double growth = first.Session.Layers[3].Checks[0].Activations.Std / first.Session.Layers[0].Checks[0].Activations.Std;
        Assert.InRange(growth, 3, 100);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("gelu")]
    [InlineData("selu")]
    [InlineData("leaky_relu(0.1)")]
    public void Healthy_deep_networks_are_not_reported(string activation)
    {
        // Spirals through four hidden layers, 40 epochs at a learning rate 10× the default, and a 784-feature stand-in for
        // standardised Fashion-MNIST: the largest growth the false-positive runs saw was 3.3× (14× for eight SELU layers at
        // learning rate 0.01), against the threshold's 100×.
        var spirals = Mlp.Build(2, [64, 64, 64, 64], activation, 1);
        spirals.Initialize(Initializer.Auto, 4);
        var d = Train(spirals, Spirals(1000), epochs: 40, lr: 0.01);
        Assert.DoesNotContain(d.Findings, r => r.Finding.Kind == FindingKind.ExplodingActivations);

        var images = Mlp.Build(784, [256, 128, 64], activation, 10);
        images.Initialize(Initializer.Auto, 4);
        var e = Train(images, NetworkDiagnosticsTests.Gaussian(1024, 784, 10, seed: 5), epochs: 3, every: 10);
        Assert.DoesNotContain(e.Findings, r => r.Finding.Kind == FindingKind.ExplodingActivations);
    }

    [Fact]
    public void Offline_activations_that_grow_are_reported_and_the_output_layer_is_not_judged()
    {
        // Activations (post) only, as a dump from another framework gives them: RMS 1.41, 14.1, 141, 1410, then a huge output.
        static LayerSnapshot Post(string name, float scale, int units = 8) => new()
        {
            Name = name,
            Activation = Catalog.ActivationCatalog.Create("identity"),
            Units = units,
            PreWidth = units,
            Rows = 64,
            Post = Enumerable.Range(0, 64 * units).Select(i => scale * (float)Math.Sin(i + 0.5)).ToArray(),
        };

        var session = new DiagnosticsSession();
        session.Check(1, [Post("fc1", 2f), Post("fc2", 20f), Post("fc3", 200f), Post("fc4", 2000f), Post("out", 1e6f, 2)]);
        var f = Assert.Single(session.Findings, r => r.Finding.Kind == FindingKind.ExplodingActivations).Finding;
        Assert.Equal("fc4", f.Layer);
        Assert.Equal(1000, f.Evidence["growth"], 1e-3);
        Assert.Equal(Severity.Warning, f.Severity);

        // Two healthy hidden layers and an output in the targets' raw units (a regression in dollars): nothing.
        var healthy = new DiagnosticsSession();
        healthy.Check(1, [Post("fc1", 1.4f), Post("fc2", 2f), Post("out", 1e5f, 1)]);
        Assert.DoesNotContain(healthy.Findings, r => r.Finding.Kind == FindingKind.ExplodingActivations);
    }
}
