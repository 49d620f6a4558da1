using System.Text.Json;
using System.Text.Json.Nodes;
using ActivationKit.Catalog;
using ActivationKit.Nn.Experiments;

namespace ActivationKit.Nn.Tests.Experiments;

/// <summary>The per-epoch activation timeline recorded by each trial (<see cref="ActivationTimeline"/>).</summary>
public sealed class TimelineTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "actkit-timeline-" + Guid.NewGuid().ToString("N"));

    public TimelineTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ExperimentConfig Tiny(string activations, int epochs = 4) => new ExperimentConfig
    {
        Data = "moons",
        Samples = 200,
        Noise = 0.1,
        Hidden = [8, 6],
        Activations = Contender.ParseList(activations),
        Seeds = 1,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.02,
    }.Validate();

    private static TrialResult Trial(ExperimentConfig config, int index = 0, int diagnosticSamples = 512)
    {
        var data = ExperimentData.Load(config);
        var manifest = ExperimentRunner.Manifest(config, data, "out");
        var spec = config.Trials()[index];
        return ExperimentRunner.RunTrial(config, data, spec, manifest, ExperimentRunner.TrialKey(config.BasisKey(data.Identity), spec), diagnosticSamples);
    }

    [Fact]
    public void Every_checkpoint_counts_every_output_of_every_probe_sample_on_shared_edges()
    {
        var trial = Trial(Tiny("tanh"));
        Assert.NotNull(trial.Timeline);
        Assert.Equal(2, trial.Timeline.Count);
        foreach (var layer in trial.Timeline)
        {
            Assert.Equal(40, layer.Samples); // 20 % of 200 samples are held out for validation
            Assert.Equal(40, layer.HistogramSamples);
            Assert.Equal(layer.Layer == 0 ? 8 : 6, layer.Units);
            Assert.Equal("tanh", layer.Activation);
            Assert.Equal(ActivationTimeline.Bins + 1, layer.Edges.Count);
            // tanh is bounded: the edges span its whole range, whatever part of it the outputs used.
            Assert.Equal(-1.0, layer.Edges[0]);
            Assert.Equal(1.0, layer.Edges[^1]);
            Assert.True(layer.Edges.Zip(layer.Edges.Skip(1)).All(p => p.First < p.Second));
            Assert.Equal([0, 1, 2, 3, 4], layer.Checkpoints.Select(c => c.Epoch));
            Assert.All(layer.Checkpoints, c => Assert.Equal((long)layer.Units * layer.HistogramSamples, c.Counts.Sum() + c.NonFinite));
            Assert.All(layer.Checkpoints, c => Assert.Equal(ActivationTimeline.Bins, c.Counts.Count));
        }
    }

    [Fact]
    public void The_last_checkpoint_is_the_end_of_training_diagnostics()
    {
        var trial = Trial(Tiny("tanh@normal(2)"));
        for (int l = 0; l < trial.Layers.Count; l++)
        {
            var last = trial.Timeline![l].Checkpoints[^1];
            Assert.Equal(trial.Layers[l].DeadFraction, last.DeadFraction);
            Assert.Equal(trial.Layers[l].SaturatedFraction, last.SaturatedFraction);
        }

        // Large initial weights saturate tanh from the start.
        Assert.True(trial.Timeline![0].Checkpoints[0].SaturatedFraction > 0.3, $"{trial.Timeline[0].Checkpoints[0].SaturatedFraction}");
    }

    [Fact]
    public void An_all_dead_relu_layer_shows_dead_fraction_one_at_every_checkpoint()
    {
        // Zero weights: every ReLU pre-activation is 0, where ReLU′ = 0, and no gradient ever reaches the weights.
        var trial = Trial(Tiny("relu@zeros", epochs: 5));
        foreach (var layer in trial.Timeline!)
        {
            Assert.Equal(6, layer.Checkpoints.Count);
            Assert.All(layer.Checkpoints, c => Assert.Equal(1.0, c.DeadFraction));
            Assert.All(layer.Checkpoints, c => Assert.Equal(0.0, c.SaturatedFraction));
            // Every output is 0: all in the first bin; ReLU's own lower bound 0 is the lower edge, and an empty range is widened to 1.
            Assert.Equal((0.0, 1.0), (layer.Edges[0], layer.Edges[^1]));
            Assert.All(layer.Checkpoints, c => Assert.Equal((long)layer.Units * layer.HistogramSamples, c.Counts[0]));
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_timeline_and_recording_does_not_change_training()
    {
        var config = Tiny("gelu,relu");
        var a = Trial(config, 1);
        var b = Trial(config, 1);
        Assert.Equal(JsonSerializer.Serialize(a.Timeline, ResultStore.Json), JsonSerializer.Serialize(b.Timeline, ResultStore.Json));
        Assert.True(ResultStore.SameResult(a, b));

        // A different probe size changes only the timeline and the diagnostics, never the trained network.
        var c = Trial(config, 1, diagnosticSamples: 7);
        Assert.Equal(a.TestAccuracy, c.TestAccuracy);
        Assert.Equal(a.Curve.Select(p => p.ValidationLoss), c.Curve.Select(p => p.ValidationLoss));
        Assert.Equal(7, c.Timeline![0].Samples);
    }

    [Fact]
    public void Checkpoints_are_bounded_whatever_the_epochs()
    {
        var net = Mlp.Build(2, [4], "relu", 2);
        net.Initialize(Initializer.Parse("he_normal"), 3);
        var probe = new float[] { 0.5f, -1f, 2f, 0.25f, -0.5f, 1f };
        var timeline = new ActivationTimeline(net, probe, 3, epochs: 101);
        Assert.Equal(3, timeline.Stride);
        for (int e = 0; e <= 101; e++) timeline.Record(e);
        var epochs = timeline.Result()[0].Checkpoints.Select(c => c.Epoch).ToArray();
        Assert.Equal([0, .. Enumerable.Range(1, 33).Select(k => 3 * k), 101], epochs);
        Assert.True(epochs.Length <= ActivationTimeline.MaxCheckpoints + 1);
        Assert.Equal(1, new ActivationTimeline(net, probe, 3, epochs: 50).Stride);
        Assert.Equal(2, new ActivationTimeline(net, probe, 3, epochs: 51).Stride);
    }

    [Fact]
    public void Counting_puts_the_top_edge_in_the_last_bin_and_keeps_non_finite_values_apart()
    {
        double[] edges = [0, 1, 2, 3, 4];
        var (counts, nonFinite) = ActivationTimeline.Count([0f, 0.5f, 1f, 3.999f, 4f, float.NaN, float.PositiveInfinity, -0f], edges);
        Assert.Equal([3L, 1, 0, 2], counts);
        Assert.Equal(2, nonFinite);
        var sigmoid = ActivationTimeline.Edges(ActivationCatalog.Create("sigmoid"), [[0.3f, 0.6f]]);
        Assert.Equal(1.0, sigmoid[^1]);
        Assert.InRange(sigmoid[0], 0, 1e-20);
        var leaky = ActivationTimeline.Edges(ActivationCatalog.Create("leaky_relu"), [[-0.25f, 3f], [float.NaN, 1f]]);
        Assert.Equal((-0.25, 3.0), (leaky[0], leaky[^1])); // unbounded on both sides: the outputs' own range
    }

    [Fact]
    public void Result_files_of_an_engine_before_the_timeline_still_load_and_summarise()
    {
        // Files written before the timeline was recorded carry an older engine version in their keys; such a folder
        // still reports (its files are rewritten here as engine 4 ones, with their hashes).
        var config = Tiny("relu,tanh", epochs: 2);
        string dir = Path.Combine(_root, "old");
        ExperimentRunner.Run(config, ExperimentData.Load(config), dir);
        string engine = $"engine={ExperimentConfig.EngineVersion};";
        foreach (string file in Directory.GetFiles(Path.Combine(dir, ResultStore.TrialsFolder), "*.json").Append(Path.Combine(dir, ResultStore.ManifestName)))
        {
            var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            node.Remove("timeline");
            string experimentKey = node["experimentKey"]!.GetValue<string>().Replace(engine, "engine=4;", StringComparison.Ordinal);
            node["experimentKey"] = experimentKey;
            node["experiment"] = ExperimentConfig.Hash(experimentKey);
            if (node["key"] is { } key)
            {
                string k = key.GetValue<string>().Replace(engine, "engine=4;", StringComparison.Ordinal);
                node["key"] = k;
                node["hash"] = ExperimentConfig.Hash(k);
            }

            File.WriteAllText(file, node.ToJsonString());
        }

        var (manifest, trials) = ResultStore.Load([dir]);
        Assert.Equal(2, trials.Count);
        Assert.All(trials, t => Assert.Null(t.Timeline));
        Assert.True(ExperimentSummary.Create(manifest, trials).Complete);
    }

    [Fact]
    public void A_current_trial_file_without_its_timeline_is_refused_and_trained_again()
    {
        // Every trial of this engine records a timeline, so one without it was edited; the report would draw none.
        var config = Tiny("relu", epochs: 2);
        string dir = Path.Combine(_root, "cut");
        ExperimentRunner.Run(config, ExperimentData.Load(config), dir);
        string file = Directory.GetFiles(Path.Combine(dir, ResultStore.TrialsFolder), "*.json").Single();
        var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        Assert.True(node.Remove("timeline"));
        File.WriteAllText(file, node.ToJsonString());

        var e = Assert.Throws<InvalidDataException>(() => ResultStore.Load([dir]));
        Assert.StartsWith($"{file} is not a valid trial file (its timeline is missing)", e.Message, StringComparison.Ordinal);
        var rerun = ExperimentRunner.Run(config, ExperimentData.Load(config), dir);
        Assert.Equal((1, 0), (rerun.Trained, rerun.Skipped));
        Assert.NotNull(rerun.Trials[0].Timeline);
    }
}
