using ActivationKit.Catalog;
using System.Text.Json;
using ActivationKit.Diagnostics;
using ActivationKit.Nn.Data;
using ActivationKit.Nn.Diagnostics;

namespace ActivationKit.Nn.Tests;

/// <summary>
/// Live diagnostics on engine networks known to fail (each must raise its finding) and on healthy ones (must stay quiet),
/// trained a few steps with <see cref="NetworkDiagnostics"/> attached.
/// </summary>
public class NetworkDiagnosticsTests
{
    /// <summary>Gaussian features (std 1) with random labels: a stand-in for standardised image data.</summary>
    internal static Dataset Gaussian(int rows, int features, int classes, int seed)
    {
        var r = new Random(seed);
        var x = new float[rows * features];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));
        var y = Enumerable.Range(0, rows).Select(_ => (float)r.Next(classes)).ToArray();
        return new Dataset("gaussian", x, features, y, 1, classes);
    }

    private static Dataset Spirals() => Standardizer.Fit(Synthetic.Create("spirals", 512, 0.05, seed: 1)) is var n ? n.Transform(Synthetic.Create("spirals", 512, 0.05, seed: 1)) : null!;

    private static (TrainingResult Result, NetworkDiagnostics Diagnostics) Train(Mlp net, Dataset data, int epochs, int every, bool stop = false, double lr = 0.01, IOptimizer? optimizer = null)
    {
        var diagnostics = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = every, StopOnCritical = stop }).Attach();
        var options = new TrainerOptions { Epochs = epochs, BatchSize = 64, LearningRate = lr, Seed = 1, Optimizer = optimizer, StopWhen = () => diagnostics.StopReason };
        diagnostics.CheckOutput(data, options.Loss ?? Trainer.DefaultLoss(data));
        var result = Trainer.Fit(net, data, null, options);
        diagnostics.Detach();
        return (result, diagnostics);
    }

    private static ReportedFinding Single(NetworkDiagnostics d, FindingKind kind) =>
        Assert.Single(d.Findings, f => f.Finding.Kind == kind);

    [Fact]
    public void Deep_narrow_relu_with_a_large_negative_bias_shift_has_dead_units_and_collapses()
    {
        var net = Mlp.Build(2, Enumerable.Repeat(8, 8), "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        for (int l = 0; l < net.Layers.Count - 1; l++) net.Layers[l].Bias.AsSpan().Fill(-3f);
        var (_, d) = Train(net, Spirals(), epochs: 6, every: 10);

        var dead = d.Findings.Where(f => f.Finding.Kind == FindingKind.DeadUnits).ToArray();
        Assert.Contains(dead, f => f.Finding.Layer == "layer0" && f.Finding.Severity == Severity.Warning && f.Finding.Evidence["dead_fraction"] >= 0.5);
        var first = dead.First(f => f.Finding.Layer == "layer1");
        Assert.Equal(Severity.Critical, first.Finding.Severity);
        Assert.Equal(10, first.FirstStep); // dead at the checks of steps 1 and 10: two in a row
        Assert.Equal(d.Step - (d.Step % 10), first.Finding.Step);
        Assert.True(first.Occurrences > 3, $"seen at {first.Occurrences} checks");
        Assert.Equal(1.0, first.Finding.Evidence["dead_fraction"]);
        Assert.Equal(Severity.Critical, Single(d, FindingKind.Collapsed).Finding.Severity);
        Assert.Equal("layer8", Single(d, FindingKind.Collapsed).Finding.Layer);
        Assert.All(d.Session.Layers.Skip(1).Take(7), l => Assert.Equal(1.0, l.Checks[^1].DeadFraction));
    }

    [Fact]
    public void Critical_finding_stops_training_when_asked()
    {
        var net = Mlp.Build(2, Enumerable.Repeat(8, 4), "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        for (int l = 0; l < net.Layers.Count - 1; l++) net.Layers[l].Bias.AsSpan().Fill(-3f);
        var (result, d) = Train(net, Spirals(), epochs: 20, every: 10, stop: true);
        Assert.True(result.StoppedEarly);
        Assert.False(result.Diverged);
        Assert.Equal(1, d.Step);
        Assert.Empty(result.History);

        // The collapse of the output is seen at the first check; the dead layers it comes from need a second one.
        Assert.Contains("critical finding collapsed in layer4 at step 1", result.Message, StringComparison.Ordinal);
        Assert.Equal(result.Message, d.Report("test").StopReason);
    }

    [Fact]
    public void A_critical_finding_before_training_stops_it_before_the_first_step()
    {
        // F7: zero-initialised hidden layers (symmetric_init, critical, found by Attach) still ran one training step
        // ("1 steps, 1 checks") before --stop-on-critical stopped.
        // Zeros followed by zeros: the units get identical gradients, so symmetry can never break (critical).
        var net = new Mlp(2, [new(16, "tanh", new Initializer(InitKind.Zeros)), new(2, "linear", new Initializer(InitKind.Zeros))]);
        net.Initialize(Initializer.Auto, 3);
        var before = net.Layers.SelectMany(l => l.Weights.Concat(l.Bias)).ToArray();
        var (result, d) = Train(net, Spirals(), epochs: 2, every: 1, stop: true);
        Assert.True(result.StoppedEarly);
        Assert.Empty(result.History);
        Assert.Equal(0, d.Step);
        Assert.Equal(0, d.Session.Checks);
        Assert.StartsWith("critical finding symmetric_init in layer0 before training", result.Message, StringComparison.Ordinal);
        Assert.Equal(before, net.Layers.SelectMany(l => l.Weights.Concat(l.Bias)));
    }

    [Fact]
    public void Deep_sigmoid_stack_with_standard_normal_init_saturates_and_its_gradients_vanish()
    {
        var data = Gaussian(256, 64, 4, seed: 2);
        var specs = Enumerable.Repeat(new LayerSpec(32, "sigmoid", new Initializer(InitKind.Normal, 1.0)), 20).Append(new LayerSpec(4, "linear")).ToList();
        var net = new Mlp(64, specs);
        net.Initialize(Initializer.Auto, 2);
        var (_, d) = Train(net, data, epochs: 8, every: 5, optimizer: new Sgd());

        var sat = d.Findings.Where(f => f.Finding.Kind == FindingKind.Saturation).ToArray();
        Assert.Contains(sat, f => f.Finding.Layer == "layer0");
        Assert.True(sat.First(f => f.Finding.Layer == "layer0").Finding.Evidence["saturated_fraction"] > 0.5);
        var vanishing = Single(d, FindingKind.VanishingGradients);
        Assert.True(vanishing.Finding.Evidence["first_to_last_ratio"] < 1e-3);
        Assert.Equal(10, vanishing.FirstStep);
        Assert.Contains(d.Findings, f => f.Finding.Kind == FindingKind.InitScale);
        var flow = d.Session.GradientFlow;
        Assert.Equal(flow.Count, d.Session.Checks);
        Assert.All(flow, p => Assert.Equal(21, p.Norms.Count));
    }

    [Theory]
    [InlineData("elu(2)")]
    [InlineData("leaky_relu(0.2)")]
    [InlineData("softplus(beta=3)")]
    public void A_deep_stack_the_engine_initialised_at_non_default_parameters_is_not_judged_by_the_default_gain(string activation)
    {
        // The engine draws with the gain at the layer's own parameters (elu(2): 0.962, not elu's 1.245); judged by the
        // default gain, ten layers compounded to 0.005× and train --diagnose warned about the engine's own init.
        var net = Mlp.Build(16, Enumerable.Repeat(256, 10), activation, 2);
        net.Initialize(Initializer.Auto, 3);
        var findings = ActivationKit.Diagnostics.InitCheck.Check(NetworkDiagnostics.Weights(net));
        Assert.DoesNotContain(findings, f => f.Kind == FindingKind.InitScale);
        var check = ActivationKit.Advisor.NetworkCheck.Check(new ActivationKit.Advisor.NetworkSpec
        {
            Inputs = 16,
            Layers = [.. Enumerable.Repeat(new ActivationKit.Advisor.LayerSpec { Units = 256, Activation = activation, Init = "auto" }, 10), new ActivationKit.Advisor.LayerSpec { Units = 2, Activation = "identity", Init = "auto" }],
        });
        Assert.DoesNotContain(check, f => f.Kind == FindingKind.InitScale);
    }

    [Fact]
    public void Zero_initialised_hidden_layers_are_symmetric()
    {
        var net = new Mlp(2, [new(16, "tanh", new Initializer(InitKind.Zeros)), new(16, "tanh", new Initializer(InitKind.Zeros)), new(2, "linear")]);
        net.Initialize(Initializer.Auto, 3);
        var (_, d) = Train(net, Spirals(), epochs: 2, every: 4);
        var symmetric = d.Findings.Where(f => f.Finding.Kind == FindingKind.SymmetricInit).ToArray();
        Assert.Equal(["layer0", "layer1"], symmetric.Select(f => f.Finding.Layer));
        Assert.All(symmetric, f => Assert.Null(f.FirstStep));

        // layer0's outgoing weights (layer1's, all 0) are equal for every unit: identical for ever. layer1's are the
        // random output layer's: each unit gets its own gradient, so it is a warning that says so.
        Assert.Equal([Severity.Critical, Severity.Warning], symmetric.Select(f => f.Finding.Severity));
        Assert.Contains("symmetry is never broken", symmetric[0].Finding.Explanation, StringComparison.Ordinal);
        Assert.Contains("different outgoing weights", symmetric[1].Finding.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Relu_output_on_a_classification_task_is_an_output_mismatch()
    {
        var net = Mlp.Build(2, [32, 32], "relu", 2, outputActivation: "relu");
        net.Initialize(Initializer.Auto, 4);
        var (_, d) = Train(net, Spirals(), epochs: 1, every: 4);
        var mismatch = d.Findings.Where(f => f.Finding.Kind == FindingKind.OutputMismatch).ToArray();
        Assert.Equal(2, mismatch.Length);
        Assert.All(mismatch, f => Assert.Equal("layer2", f.Finding.Layer));
        Assert.Contains(mismatch, f => f.Finding.Explanation.Contains("does not produce probabilities", StringComparison.Ordinal));
        Assert.Contains(mismatch, f => f.Finding.Explanation.Contains("squashed twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Learning_rate_far_too_high_makes_gradients_explode()
    {
        var data = Synthetic.Create("sine", 512, 0, seed: 5);
        var net = Mlp.Build(1, [32, 32], "relu", 1);
        net.Initialize(Initializer.Auto, 5);
        var (result, d) = Train(net, data, epochs: 3, every: 1, lr: 1.0, optimizer: new Sgd());
        Assert.True(result.Diverged);
        var exploding = Assert.Single(d.Findings, f => f.Finding.Kind == FindingKind.ExplodingGradients && f.Finding.Layer == "layer0");
        Assert.Equal(2, exploding.FirstStep);
        Assert.True(exploding.Finding.Evidence["growth"] > 1e3, $"growth {exploding.Finding.Evidence["growth"]}");
        Assert.True(exploding.Finding.Evidence["gradient_norm"] > exploding.Finding.Evidence["weight_norm"]);

        // F1: the finding follows the run to its last check (it was frozen at its first), with that check's norm.
        Assert.Equal(d.Step, exploding.Finding.Step);
        Assert.Equal(d.Step - 1, exploding.Occurrences);
        Assert.Equal(d.Session.GradientFlow[^1].Norms[0], exploding.Finding.Evidence["gradient_norm"]);
        Assert.Equal(Severity.Critical, exploding.Finding.Severity);
    }

    [Fact]
    public void Stop_on_critical_stops_an_exploding_run_when_its_warning_turns_critical_before_it_diverges()
    {
        // F1: the exploding warning was never updated, so --stop-on-critical could not stop on it and the run went on
        // until the loss was NaN.
        var data = Synthetic.Create("sine", 512, 0, seed: 5);
        var net = Mlp.Build(1, [32, 32], "relu", 1);
        net.Initialize(Initializer.Auto, 5);
        var (result, d) = Train(net, data, epochs: 3, every: 1, stop: true, lr: 1.0, optimizer: new Sgd());
        Assert.False(result.Diverged);
        Assert.True(result.StoppedEarly);
        Assert.Contains("critical finding exploding_gradients in layer", result.Message, StringComparison.Ordinal);
        Assert.All(d.Session.GradientFlow.SelectMany(p => p.Norms), n => Assert.True(double.IsFinite(n)));
    }

    [Fact]
    public void A_small_initialised_output_layer_is_not_exploding_gradients_as_it_grows_into_training()
    {
        // The first layers' first gradients are ~1e-5 (the output weights scale them down 10⁴×); they grow more
        // than 10³× while the net trains normally, but stay far below the norm of the weights they update.
        var net = Mlp.Build(2, [64, 64], "relu", 1);
        net.Initialize(Initializer.Auto, 3);
        foreach (ref float w in net.Layers[^1].Weights.AsSpan()) w *= 1e-4f;
        var data = Synthetic.Create("spirals", 2000, 0.05, seed: 1);
        using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 10 }).Attach();
        var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 2, BatchSize = 32, LearningRate = 1e-3, Seed = 1 });
        Assert.False(result.Diverged);
        var flow = d.Session.GradientFlow;
        Assert.True(flow.Max(p => p.Norms[0]) / flow[0].Norms[0] > 1e3, "the first layer's gradient did not grow 1000×, so this test tests nothing");
        Assert.DoesNotContain(d.Findings, f => f.Finding.Kind == FindingKind.ExplodingGradients);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("relu6")]
    [InlineData("tanh")]
    [InlineData("leaky_relu(0.1)")]
    public void Healthy_networks_stay_quiet(string activation)
    {
        var net = Mlp.Build(2, [64, 64], activation, 2);
        net.Initialize(Initializer.Auto, 6);
        var (result, d) = Train(net, Spirals(), epochs: 10, every: 10, lr: 0.003);
        Assert.Empty(d.Findings);
        Assert.False(result.StoppedEarly);
        Assert.Equal(80, d.Step);
        Assert.Equal(9, d.Session.Checks);
        var layer = d.Session.Layers[0];
        Assert.Equal([1L, 10, 20, 30, 40, 50, 60, 70, 80], layer.Checks.Select(c => c.Step));
        Assert.All(layer.Checks, c => Assert.Equal(64L * 64, c.Activations.Count));
        Assert.All(layer.Checks, c => Assert.Equal(64L * 64, c.Activations.HistogramCounts.Sum()));
        Assert.Contains("No problems found.", d.Report("spirals").ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnostics_do_not_change_training_and_cost_nothing_once_detached()
    {
        float[] Run(bool diagnose)
        {
            var net = Mlp.Build(2, [16, 16], "relu", 2);
            net.Initialize(Initializer.Auto, 7);
            var options = new TrainerOptions { Epochs = 3, BatchSize = 32, LearningRate = 0.01, Seed = 7 };
            if (diagnose)
            {
                using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 2 }).Attach();
                Trainer.Fit(net, Spirals(), null, options);
                Assert.Equal(48, d.Step);
                d.Detach();
                Trainer.Fit(net, Spirals(), null, options with { Epochs = 1 });
                Assert.Equal(48, d.Step);
                Assert.Equal(25, d.Session.Checks);
            }
            else
            {
                Trainer.Fit(net, Spirals(), null, options);
                Trainer.Fit(net, Spirals(), null, options with { Epochs = 1 });
            }

            return net.Layers.SelectMany(l => l.Weights.Concat(l.Bias)).ToArray();
        }

        Assert.Equal(Run(false), Run(true));
    }

    [Fact]
    public void Dead_units_are_reported_after_two_checks_in_a_row_and_never_from_a_handful_of_samples()
    {
        // Two checks in a row, as documented: a unit dead at one check only is no finding.
        var session = new DiagnosticsSession();
        var dead = new float[64 * 8];
        for (int i = 0; i < dead.Length; i++) dead[i] = i % 8 < 4 ? -1f : 1f;
        Assert.DoesNotContain(session.Check(1, [Snapshots.Layer("h", "relu", dead, 8)]), f => f.Kind == FindingKind.DeadUnits);
        var second = Assert.Single(session.Check(2, [Snapshots.Layer("h", "relu", dead, 8)]), f => f.Kind == FindingKind.DeadUnits);
        Assert.Equal([0, 1, 2, 3], second.Units);

        // A one-sample batch between them is no evidence either way: it neither reports nor breaks the streak.
        var fresh = new DiagnosticsSession();
        fresh.Check(1, [Snapshots.Layer("h", "relu", dead, 8)]);
        float[] one = [-1f, -1f, -1f, -1f, -1f, 1f, 1f, -1f];
        Assert.DoesNotContain(fresh.Check(2, [Snapshots.Layer("h", "relu", one, 8)]), f => f.Kind == FindingKind.DeadUnits);
        Assert.True(double.IsNaN(fresh.Layers[0].Checks[1].DeadFraction));
        Assert.Contains(fresh.Check(3, [Snapshots.Layer("h", "relu", dead, 8)]), f => f.Kind == FindingKind.DeadUnits);

        // Live: 1400 training rows in batches of 1399 leave a one-row batch every second step; a healthy net stays quiet.
        var data = Synthetic.Create("spirals", 1400, 0.05, seed: 1);
        var net = Mlp.Build(2, [64, 64], "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 2 }).Attach();
        Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 10, BatchSize = 1399, LearningRate = 0.01, Seed = 1 });
        Assert.DoesNotContain(d.Findings, f => f.Finding.Kind == FindingKind.DeadUnits);

        // Batches smaller than the 16-sample floor lower it to the batch: a layer killed by its bias is still reported
        // when training runs --batch 8 (it never was: every check had 8 samples).
        var small = Mlp.Build(2, [16, 16], "relu", 2);
        small.Initialize(Initializer.Auto, 1);
        small.Layers[1].Bias.AsSpan().Fill(-30f);
        using var ds = new NetworkDiagnostics(small, new NetworkDiagnosticsOptions { Every = 5 }).Attach();
        Trainer.Fit(small, Spirals(), null, new TrainerOptions { Epochs = 1, BatchSize = 8, LearningRate = 0.01, Seed = 1 });
        Assert.Contains(ds.Findings, f => f.Finding.Kind == FindingKind.DeadUnits && f.Finding.Layer == "layer1");
    }

    [Fact]
    public void Report_json_has_findings_and_statistics_over_time()
    {
        var net = Mlp.Build(2, Enumerable.Repeat(8, 3), "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        net.Layers[1].Bias.AsSpan().Fill(-30f);
        var (_, d) = Train(net, Spirals(), epochs: 2, every: 4);
        using var json = JsonDocument.Parse(d.Report("unit test").ToJson());
        var root = json.RootElement;
        Assert.Equal("unit test", root.GetProperty("source").GetString());
        Assert.Equal(4, root.GetProperty("every").GetInt32());
        Assert.Equal(16, root.GetProperty("steps").GetInt64());
        Assert.Equal(5, root.GetProperty("checks").GetInt32());
        var dead = root.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("kind").GetString() == "dead_units");
        Assert.Equal("critical", dead.GetProperty("severity").GetString());
        Assert.Equal("layer1", dead.GetProperty("layer").GetString());
        Assert.Equal(4, dead.GetProperty("firstStep").GetInt64());
        Assert.Equal(16, dead.GetProperty("step").GetInt64());
        Assert.Equal(4, dead.GetProperty("occurrences").GetInt32());
        Assert.Equal(1.0, dead.GetProperty("evidence").GetProperty("dead_fraction").GetDouble());
        Assert.Equal(8, dead.GetProperty("units").GetArrayLength());
        Assert.Contains("Leaky ReLU", dead.GetProperty("fix").GetString(), StringComparison.Ordinal);
        var layers = root.GetProperty("layers");
        Assert.Equal(4, layers.GetArrayLength());
        var check = layers[1].GetProperty("checks")[2];
        Assert.Equal(8, check.GetProperty("step").GetInt64());
        Assert.Equal(1.0, check.GetProperty("deadFraction").GetDouble());
        Assert.Equal(1.0, check.GetProperty("activations").GetProperty("fractionZero").GetDouble());
        Assert.Equal(20, check.GetProperty("activations").GetProperty("histogram").GetProperty("counts").GetArrayLength());
        Assert.Equal(5, root.GetProperty("gradientFlow").GetArrayLength());
        string text = d.Report("unit test").ToText();
        Assert.Contains("[critical] dead_units in layer1 (first at step 4, last at step 16, 4 checks)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Diverged_weights_are_non_finite_not_an_initialisation_problem()
    {
        var net = Mlp.Build(2, [4, 4], "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        net.Layers[1].Weights.AsSpan().Fill(float.NaN);
        var session = new DiagnosticsSession();
        var f = Assert.Single(session.AddInitCheck(NetworkDiagnostics.Weights(net)));
        Assert.Equal(FindingKind.NonFinite, f.Kind);
        Assert.Equal("layer1", f.Layer);
        Assert.Equal(16, f.Evidence["non_finite_weights"]);

        // The forward pass then produces NaN from layer1 on: the same finding, with both pieces of evidence.
        var x = new float[] { 1, 2, 3, 4, 5, 6 };
        net.Forward(x, 3);
        var layers = net.Layers.Select((l, i) => new LayerSnapshot { Name = $"layer{i}", Activation = l.Activation, Units = l.Units, PreWidth = l.PreWidth, Rows = 3, Post = Enumerable.Repeat(i == 0 ? 1f : float.NaN, 3 * l.Units).ToArray() }).ToArray();
        session.Check(1, layers);
        var merged = Assert.Single(session.Findings, r => r.Finding.Layer == "layer1");
        Assert.Equal(2, merged.Occurrences);
        Assert.Equal(16, merged.Finding.Evidence["non_finite_weights"]);
        Assert.Equal(12, merged.Finding.Evidence["non_finite_values"]);
        Assert.Contains(session.Findings, r => r.Finding.Layer == "layer2" && r.Finding.Kind == FindingKind.NonFinite);
    }

    [Fact]
    public void Per_channel_prelu_is_diagnosed_live()
    {
        var net = Mlp.Build(2, [8], "prelu(num_parameters=8)", 2);
        net.Initialize(Initializer.Parse("auto"), 1);
        using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 5 }).Attach();
        Trainer.Fit(net, Synthetic.Create("spirals", 200, 0.05, 1), null, new TrainerOptions { Epochs = 1 });
        Assert.True(d.Session.Checks > 0);
        Assert.All(d.Session.Layers[0].Checks, c => Assert.InRange(c.DeadFraction, 0, 1));
    }

    [Fact]
    public void The_output_layer_is_checked_for_saturation_unless_its_loss_cancels_the_slope()
    {
        var r = new Random(4);
        float[] Wide() => Enumerable.Range(0, 64 * 8).Select(_ => (float)(100 * (r.NextDouble() - 0.5))).ToArray();
        var alone = new DiagnosticsSession().Check(1, [Snapshots.Layer("out", "tanh", Wide(), 8)]);
        Assert.Contains(alone, f => f.Kind == FindingKind.Saturation && f.Layer == "out");

        // sigmoid + bce: ∂L/∂x = p − y however flat the sigmoid is, so a saturated output is a confident prediction.
        var withBce = new DiagnosticsSession(new DiagnosticsSessionOptions { OutputLoss = "bce" }).Check(1, [Snapshots.Layer("h", "sigmoid", Wide(), 8), Snapshots.Layer("out", "sigmoid", Wide(), 8)]);
        Assert.Contains(withBce, f => f.Kind == FindingKind.Saturation && f.Layer == "h");
        Assert.DoesNotContain(withBce, f => f.Kind == FindingKind.Saturation && f.Layer == "out");
        var withMse = new DiagnosticsSession(new DiagnosticsSessionOptions { OutputLoss = "mse" }).Check(1, [Snapshots.Layer("out", "sigmoid", Wide(), 8)]);
        Assert.Contains(withMse, f => f.Kind == FindingKind.Saturation && f.Layer == "out");
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("zeros")]
    [InlineData("zero")]
    [InlineData("const(0.1)")]
    [InlineData("constant(-0.5)")]
    [InlineData("uniform")]
    [InlineData("uniform(0.2)")]
    [InlineData("gaussian(1e-3)")]
    [InlineData(" Normal(0.01) ")]
    [InlineData("xavier-uniform")]
    [InlineData("kaiming_normal")]
    [InlineData("lecun_uniform")]
    [InlineData("orthogonal")]
    [InlineData("he_magic")]
    [InlineData("normal(x)")]
    [InlineData("normal(1")]
    [InlineData("he_normal(2)")]
    [InlineData("uniform(-1)")]
    [InlineData("constant(NaN)")]
    [InlineData("")]
    public void The_network_check_reads_initialisers_as_the_engine_does(string spec)
    {
        // NetworkCheck (core library) cannot call Initializer.Parse (engine); both follow one grammar, kept in step here.
        Initializer? engine = null;
        try
        {
            engine = Initializer.Parse(spec);
        }
        catch (ArgumentException)
        {
        }

        string? check = null;
        try
        {
            check = ActivationKit.Advisor.InitializerSpec.Canonical(spec);
        }
        catch (ArgumentException)
        {
        }

        Assert.Equal(engine is null, check is null);
        if (engine is not null) Assert.Equal(engine.ToString().Split('(')[0], check);
    }

    [Fact]
    public void A_multilabel_network_is_checked_as_multilabel_not_as_regression()
    {
        // Multi-label data has several 0/1 columns and no class count; it was taken for regression, and the engine's own
        // pairing (linear output, multilabel BCE) got "A classification loss (bce_logits) on a regression task".
        var x = new float[] { 0f, 1f, 1f, 0f, 1f, 1f, 0f, 0f };
        var data = new Dataset("ml", x, 2, [0f, 1f, 1f, 1f, 0f, 0f, 1f, 1f, 1f, 0f, 0f, 0f], 3, 0);
        var net = Mlp.Build(2, [4], "relu", 3);
        Assert.Empty(NetworkDiagnostics.OutputFindings(net, data, Losses.MultiLabelBinaryCrossEntropy));
        var regression = new Dataset("reg", x, 2, [0.5f, 2f, 1f, -1f], 1, 0);
        Assert.Contains("on a regression task", Assert.Single(NetworkDiagnostics.OutputFindings(Mlp.Build(2, [4], "relu", 1), regression, Losses.BinaryCrossEntropy)).Explanation, StringComparison.Ordinal);
        var sigmoid = Mlp.Build(2, [4], "relu", 3, "sigmoid");
        Assert.Contains("squashed twice", Assert.Single(NetworkDiagnostics.OutputFindings(sigmoid, data, Losses.MultiLabelBinaryCrossEntropy)).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Observing_another_network_is_refused_with_a_clear_exception()
    {
        // F5: added with AddObserver to a deeper network, OnForward threw a bare IndexOutOfRangeException; to a network
        // with as many layers, it ran silently, with that network's activations and this one's weight norms.
        var net = Mlp.Build(3, [4], "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 1 });
        var deeper = Mlp.Build(3, [4, 4, 4], "relu", 2);
        deeper.Initialize(Initializer.Auto, 1);
        deeper.AddObserver(d);
        var x = new float[6];
        var e = Assert.Throws<InvalidOperationException>(() => deeper.Forward(x, 2));
        Assert.Equal("This NetworkDiagnostics was created for another network (3 → 4 → 2) and cannot observe this one: create one NetworkDiagnostics per network and start it with Attach().", e.Message);

        // A twin of the same shape passes the forward checks and is caught at its first backward pass, before any check runs.
        var twin = Mlp.Build(3, [4], "relu", 2);
        twin.Initialize(Initializer.Auto, 2);
        twin.AddObserver(d);
        twin.Forward(x, 2);
        Assert.Throws<InvalidOperationException>(() => twin.Backward(x, new float[4], 2));
        Assert.Equal(0, d.Step);
        Assert.Equal(0, d.Session.Checks);

        // The network it was made for is observed as before, also when added by hand.
        twin.RemoveObserver(d);
        net.AddObserver(d);
        net.Forward(x, 2);
        net.Backward(x, new float[4], 2);
        Assert.Equal(1, d.Step);
        Assert.Equal(1, d.Session.Checks);
    }

    [Fact]
    public void Attaching_again_after_detach_does_not_rerun_the_init_check_on_trained_weights()
    {
        // F6: Detach() then Attach() checked the trained weights and reported them as an init_scale finding "before
        // training". The initialisation is checked once per diagnostics object, at the first Attach.
        var net = Mlp.Build(2, [16, 16], "relu", 1);
        net.Initialize(Initializer.Auto, 1);
        using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 10 }).Attach();
        Assert.Empty(d.Findings);

        // As training might leave them: every weight 8× its initial size (64× the variance He gives relu).
        foreach (var layer in net.Layers)
        {
            foreach (ref float w in layer.Weights.AsSpan()) w *= 8;
        }

        Assert.Contains(ActivationKit.Diagnostics.InitCheck.Check(NetworkDiagnostics.Weights(net)), f => f.Kind == FindingKind.InitScale);
        d.Detach();
        d.Attach();
        Assert.Empty(d.Findings);

        // A new diagnostics object does check the weights it is given.
        using var fresh = new NetworkDiagnostics(net).Attach();
        Assert.Contains(fresh.Findings, f => f.Finding.Kind == FindingKind.InitScale && f.FirstStep is null);
    }

    [Fact]
    public void Trained_weights_are_checked_for_symmetry_and_divergence_but_not_for_their_scale()
    {
        // L2: diagnose --model on a He-initialised relu model trained at learning rate 3 reported "[info] init_scale …
        // 5.67× what relu needs … Use He initialisation": a trained model's variance says nothing about its initialiser.
        var net = Mlp.Build(2, [16, 16], "relu", 1);
        net.Initialize(Initializer.Auto, 1);
        foreach (ref float w in net.Layers[1].Weights.AsSpan()) w *= 8;
        using (var fresh = new NetworkDiagnostics(net).Attach())
        {
            Assert.Equal(FindingKind.InitScale, Assert.Single(fresh.Findings).Finding.Kind);
        }

        using (var trained = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { WeightsAreTrained = true }).Attach())
        {
            Assert.Empty(trained.Findings);
        }

        // Units that are still identical after training never had their symmetry broken: still reported.
        var w0 = net.Layers[0].Weights;
        for (int i = 0; i < 2; i++) w0[(i * 16) + 5] = w0[(i * 16) + 3];
        using (var symmetric = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { WeightsAreTrained = true }).Attach())
        {
            var f = Assert.Single(symmetric.Findings).Finding;
            Assert.Equal((FindingKind.SymmetricInit, "layer0", 1.0), (f.Kind, f.Layer, f.Evidence["duplicate_units"]));
        }

        // And so are weights that diverged.
        net.Layers[1].Weights[7] = float.NaN;
        using var diverged = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { WeightsAreTrained = true }).Attach();
        Assert.Equal((FindingKind.NonFinite, "layer1"), (Assert.Single(diverged.Findings).Finding.Kind, diverged.Findings[0].Finding.Layer));
    }

    [Fact]
    public void A_run_that_diverges_between_checks_is_checked_as_it_diverged()
    {
        // Checks at step 1 and every 50: the loss became NaN at step 5 and the report said "No problems found".
        var net = Mlp.Build(1, [32, 32], "leaky_relu", 1);
        net.Initialize(Initializer.Auto, 5);
        var data = Synthetic.Create("sine", 512, 0, seed: 5);
        using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 50, StopOnCritical = true }).Attach();
        var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 3, BatchSize = 64, LearningRate = 1.0, Seed = 1, Optimizer = new Sgd(), Loss = Losses.MeanSquaredError, StopWhen = () => d.StopReason });
        Assert.True(result.Diverged, result.Message);
        long failed = d.Step + 1;
        Assert.Contains($"batch {failed}:", result.Message, StringComparison.Ordinal);
        Assert.Equal(1, d.Session.Checks);

        var found = d.CheckLastState(data, Losses.MeanSquaredError);
        Assert.Equal((2, failed), (d.Session.Checks, d.Session.LastStep));
        Assert.Contains(found, f => f.Kind == FindingKind.NonFinite && f.Layer == "layer2" && f.Step == failed);
        Assert.Contains(found, f => f.Kind == FindingKind.ExplodingGradients && f.Severity == Severity.Critical);
        Assert.Equal(d.Step + 1, failed); // no training step was counted
        Assert.Null(d.StopReason);         // training has ended: nothing to stop
        Assert.Equal(failed, d.Report("sine").Layers[0].Checks[^1].Step);

        // The report's step count reaches the step it was checked at ("4 steps, 2 checks" beside findings at step 5).
        Assert.Equal(failed, d.Report("sine").Steps);

        // Nothing is left to check a second time.
        Assert.Empty(d.CheckLastState(data, Losses.MeanSquaredError));
        Assert.Equal(2, d.Session.Checks);
    }

    [Fact]
    public void A_run_that_ends_between_checks_is_checked_at_its_last_step_and_one_checked_there_is_not()
    {
        var data = Spirals();
        var net = Mlp.Build(2, [16], "relu", 1);
        net.Initialize(Initializer.Auto, 1);
        using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 5 }).Attach();
        var options = new TrainerOptions { Epochs = 3, BatchSize = 60, Seed = 1 }; // 9 batches per epoch: 27 steps
        Trainer.Fit(net, data, null, options);
        Assert.Equal((27L, 25L), (d.Step, d.Session.LastStep));
        var loss = Trainer.DefaultLoss(data, 1);
        d.CheckLastState(data, loss);
        Assert.Equal((27L, 7), (d.Session.LastStep, d.Session.Checks));
        Assert.All(d.Session.Layers, l => Assert.Equal(27, l.Checks[^1].Step));
        Assert.True(d.Session.GradientFlow[^1].Norms.All(double.IsFinite));

        var again = Mlp.Build(2, [16], "relu", 1);
        again.Initialize(Initializer.Auto, 1);
        using var atEnd = new NetworkDiagnostics(again, new NetworkDiagnosticsOptions { Every = 9 }).Attach();
        Trainer.Fit(again, data, null, options);
        Assert.Empty(atEnd.CheckLastState(data, loss));
        Assert.Equal((27L, 4), (atEnd.Session.LastStep, atEnd.Session.Checks));

        atEnd.Detach();
        Assert.Throws<InvalidOperationException>(() => atEnd.CheckLastState(data, loss));
    }

    [Fact]
    public void Bad_settings_are_rejected()
    {
        var net = Mlp.Build(2, [4], "relu", 2);
        Assert.Throws<ArgumentException>(() => new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 0 }));
        Assert.Throws<ArgumentException>(() => new DiagnosticsSession(new DiagnosticsSessionOptions { DeadChecks = 0 }));
        var e = Assert.Throws<ArgumentException>(() => new DiagnosticsSession(new DiagnosticsSessionOptions { HistogramBins = int.MaxValue }));
        Assert.Contains("HistogramBins must be between 1 and 65536", e.Message, StringComparison.Ordinal);

        // L3: contradictory thresholds are refused when the session is made, not at the first check mid-training.
        var thresholds = new DiagnosticsOptions { DeadWarningFraction = 0.5, DeadCriticalFraction = 0.1 };
        var c = Assert.Throws<ArgumentException>(() => new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Session = new DiagnosticsSessionOptions { Thresholds = thresholds } }));
        Assert.StartsWith("DiagnosticsOptions.DeadWarningFraction (0.5) must not be above DeadCriticalFraction (0.1)", c.Message, StringComparison.Ordinal);
    }
}
