using System.Text.Json;
using ActivationKit.Cli.Commands;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;
using Npy = ActivationKit.IO.Npy;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// <c>actkit diagnose</c> on arrays dumped from engine networks known to fail (the finding must be raised) and from
/// healthy ones (quiet), on saved models, and every bad-input path.
/// </summary>
public class DiagnoseCommandTests
{
    /// <summary>Copies each layer's pre-activations, activations and weight gradient during one forward/backward pass.</summary>
    private sealed class Recorder : ILayerObserver
    {
        public readonly Dictionary<int, (float[] Pre, float[] Post, int Rows)> Forward = [];
        public readonly Dictionary<int, float[]> WeightGradients = [];

        public void OnForward(int layerIndex, ReadOnlySpan<float> pre, ReadOnlySpan<float> post, int rows) => Forward[layerIndex] = (pre.ToArray(), post.ToArray(), rows);

        public void OnBackward(int layerIndex, LayerGradients gradients) => WeightGradients[layerIndex] = gradients.Weights.ToArray();
    }

    private static Dataset Gaussian(int rows, int features, int classes, int seed)
    {
        var r = new Random(seed);
        var x = new float[rows * features];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));
        return new Dataset("gaussian", x, features, Enumerable.Range(0, rows).Select(_ => (float)r.Next(classes)).ToArray(), 1, classes);
    }

    /// <summary>Runs one batch through <paramref name="net"/> and writes the arrays (and a manifest) the way a framework hook would.</summary>
    private static void Dump(Mlp net, Dataset data, string dir, bool manifest = true, bool post = false, bool weights = true, string? task = null, string? loss = null)
    {
        var rec = new Recorder();
        net.AddObserver(rec);
        int rows = Math.Min(256, data.Rows);
        var x = data.Features.AsSpan(0, rows * data.FeatureCount);
        var output = net.Forward(x, rows);
        var g = new float[rows * net.OutputSize];
        Losses.SoftmaxCrossEntropy.Compute(output, data.Targets.AsSpan(0, rows), rows, net.OutputSize, g);
        net.Backward(x, g, rows);
        net.RemoveObserver(rec);
        var layers = new List<Dictionary<string, string>>();
        for (int i = 0; i < net.Layers.Count; i++)
        {
            var l = net.Layers[i];
            var (pre, act, n) = rec.Forward[i];
            string name = $"dense{i + 1}";
            Npy.Write(Path.Combine(dir, $"{name}_pre.npy"), pre, [n, l.PreWidth]);
            var entry = new Dictionary<string, string> { ["name"] = name, ["activation"] = l.ActivationSpec, ["pre"] = $"{name}_pre.npy" };
            if (manifest)
            {
                Npy.Write(Path.Combine(dir, $"{name}_post.npy"), act, [n, l.Units]);
                Npy.Write(Path.Combine(dir, $"{name}_wgrad.npy"), rec.WeightGradients[i], [l.InputSize, l.PreWidth]);
                entry["gradient"] = $"{name}_wgrad.npy";
                if (post) entry["post"] = $"{name}_post.npy";
                if (weights)
                {
                    Npy.Write(Path.Combine(dir, $"{name}_w.npy"), l.Weights, [l.InputSize, l.PreWidth]);
                    entry["weights"] = $"{name}_w.npy";
                }
            }

            layers.Add(entry);
        }

        if (!manifest) return;
        var doc = new Dictionary<string, object> { ["layers"] = layers };
        if (task is not null) doc["task"] = task;
        if (loss is not null) doc["loss"] = loss;
        File.WriteAllText(Path.Combine(dir, "manifest.json"), JsonSerializer.Serialize(doc));
    }

    private static JsonElement[] Findings(CliResult r) =>
        JsonDocument.Parse(r.Out).RootElement.GetProperty("findings").EnumerateArray().ToArray();

    private static string[] Kinds(CliResult r) => Findings(r).Select(f => f.GetProperty("kind").GetString()!).ToArray();

    private static Dataset Spirals() => Synthetic.Create("spirals", 512, 0.05, seed: 1);

    [Fact]
    public void Dead_relu_stack_with_negative_bias_is_found_from_npy_files()
    {
        using var tmp = new TempDir();
        var net = Mlp.Build(2, Enumerable.Repeat(8, 6), "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        for (int l = 0; l < 6; l++) net.Layers[l].Bias.AsSpan().Fill(-3f);
        Dump(net, Spirals(), tmp.Path);
        var r = Cli.Run("diagnose", tmp.Path, "--json");
        Assert.Equal(1, r.ExitCode);
        var dead = Findings(r).Where(f => f.GetProperty("kind").GetString() == "dead_units").ToArray();
        Assert.Contains(dead, f => f.GetProperty("layer").GetString() == "dense2" && f.GetProperty("severity").GetString() == "critical");
        Assert.Contains("collapsed", Kinds(r));
        Assert.Equal(1, dead[0].GetProperty("firstStep").GetInt64());
    }

    [Fact]
    public void Deep_sigmoid_stack_saturates_and_its_gradients_vanish_from_npy_files()
    {
        using var tmp = new TempDir();
        var specs = Enumerable.Repeat(new LayerSpec(32, "sigmoid", new Initializer(InitKind.Normal, 1.0)), 20).Append(new LayerSpec(4, "linear")).ToList();
        var net = new Mlp(64, specs);
        net.Initialize(Initializer.Auto, 2);
        Dump(net, Gaussian(256, 64, 4, 2), tmp.Path);
        var r = Cli.Run("diagnose", tmp.Path, "--json");
        Assert.Equal(1, r.ExitCode);
        var kinds = Kinds(r);
        Assert.Contains("saturation", kinds);
        Assert.Contains("vanishing_gradients", kinds);
        Assert.Contains("init_scale", kinds);
        var vanishing = Findings(r).First(f => f.GetProperty("kind").GetString() == "vanishing_gradients");
        Assert.True(vanishing.GetProperty("evidence").GetProperty("first_to_last_ratio").GetDouble() < 1e-3);
    }

    [Fact]
    public void Zero_initialised_hidden_layers_are_symmetric_from_npy_weights()
    {
        using var tmp = new TempDir();
        var net = new Mlp(2, [new(16, "tanh", new Initializer(InitKind.Zeros)), new(16, "tanh"), new(2, "linear")]);
        net.Initialize(Initializer.Auto, 3);
        Dump(net, Spirals(), tmp.Path);
        var r = Cli.Run("diagnose", tmp.Path, "--json");
        var f = Assert.Single(Findings(r), f => f.GetProperty("kind").GetString() == "symmetric_init");
        Assert.Equal("dense1", f.GetProperty("layer").GetString());

        // tanh has slope 1 at 0, and the random next layer gives each unit its own gradient: they start identical but
        // training separates them (a warning). With the next layer constant too, they never can (critical).
        Assert.Equal("warning", f.GetProperty("severity").GetString());
        using var both = new TempDir();
        var stuck = new Mlp(2, [new(16, "tanh", new Initializer(InitKind.Zeros)), new(16, "tanh", new Initializer(InitKind.Constant, 0.1)), new(2, "linear")]);
        stuck.Initialize(Initializer.Auto, 3);
        Dump(stuck, Spirals(), both.Path);
        var critical = Findings(Cli.Run("diagnose", both.Path, "--json")).First(x => x.GetProperty("kind").GetString() == "symmetric_init");
        Assert.Equal(("dense1", "critical"), (critical.GetProperty("layer").GetString(), critical.GetProperty("severity").GetString()));
    }

    [Fact]
    public void Relu_output_on_a_classification_task_is_an_output_mismatch()
    {
        using var tmp = new TempDir();
        var net = Mlp.Build(2, [32, 32], "relu", 2, outputActivation: "relu");
        net.Initialize(Initializer.Auto, 4);
        Dump(net, Spirals(), tmp.Path, task: "multiclass", loss: "ce");
        var r = Cli.Run("diagnose", tmp.Path, "--json");
        var f = Assert.Single(Findings(r), f => f.GetProperty("kind").GetString() == "output_mismatch");
        Assert.Equal("dense3", f.GetProperty("layer").GetString());
        Assert.Contains("softmax", f.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    public void Healthy_network_is_quiet_in_text_and_json(string activation)
    {
        using var tmp = new TempDir();
        var net = Mlp.Build(2, [64, 64], activation, 2);
        net.Initialize(Initializer.Auto, 5);
        Dump(net, Spirals(), tmp.Path, post: true, task: "multiclass", loss: "ce_logits");
        Assert.Empty(Findings(Cli.Run("diagnose", tmp.Path, "--json").Ok()));
        var text = Cli.Run("diagnose", tmp.Path).Ok();
        Assert.Contains("No problems found.", text.Out, StringComparison.Ordinal);
        Assert.Contains($"dense1  {activation}", text.Out, StringComparison.Ordinal);
        // The manifest names every layer's activation, but a misspelt --activation is still an error, not ignored.
        Cli.Run("diagnose", tmp.Path, "--activation", "relux").BadInput("relux");
    }

    [Fact]
    public void A_folder_named_like_the_manifest_is_refused_not_passed_over()
    {
        // The arrays were read without the manifest, as if none had been written.
        using var tmp = new TempDir();
        var net = Mlp.Build(2, [8], "relu", 2);
        net.Initialize(Initializer.Auto, 5);
        Dump(net, Spirals(), tmp.Path, post: true, task: "multiclass", loss: "ce_logits");
        File.Delete(Path.Combine(tmp.Path, "manifest.json"));
        Directory.CreateDirectory(Path.Combine(tmp.Path, "manifest.json"));
        Cli.Run("diagnose", tmp.Path, "--activation", "relu").BadInput($"The folder '{tmp.Path}' holds a folder named manifest.json; the manifest must be a JSON file.");
    }

    [Fact]
    public void Without_a_manifest_files_are_layers_in_natural_order_with_the_given_activation()
    {
        using var tmp = new TempDir();
        var net = Mlp.Build(2, Enumerable.Repeat(8, 11), "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        net.Layers[9].Bias.AsSpan().Fill(-50f);
        Dump(net, Spirals(), tmp.Path, manifest: false);
        var r = Cli.Run("diagnose", tmp.Path, "--activation", "relu", "--output-activation", "linear", "--json");
        var layers = JsonDocument.Parse(r.Out).RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()).ToArray();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"dense{i}_pre"), layers);
        Assert.Contains(Findings(r), f => f.GetProperty("kind").GetString() == "dead_units" && f.GetProperty("layer").GetString() == "dense10_pre"
            && f.GetProperty("severity").GetString() == "critical");
        Assert.Contains("collapsed", Kinds(r));
        var text = Cli.Run("diagnose", tmp.Path, "--activation", "relu", "--output-activation", "linear");
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("[critical] dead_units in dense10_pre", text.Out, StringComparison.Ordinal);
        Assert.Contains("Fix: Use Leaky ReLU", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_values_are_a_finding_not_a_crash()
    {
        using var tmp = new TempDir();
        var a = Enumerable.Range(0, 40).Select(i => (float)Math.Sin(i)).ToArray();
        var b = (float[])a.Clone();
        b[3] = float.NaN;
        b[7] = float.PositiveInfinity;
        Npy.Write(tmp.File("a.npy"), a, [10, 4]);
        Npy.Write(tmp.File("b.npy"), b, [10, 4]);
        var r = Cli.Run("diagnose", tmp.Path, "--activation", "tanh", "--json");
        Assert.Equal(1, r.ExitCode);
        var f = Assert.Single(Findings(r));
        Assert.Equal("non_finite", f.GetProperty("kind").GetString());
        Assert.Equal("b", f.GetProperty("layer").GetString());
        // NaN and +∞ among the pre-activations, and tanh(NaN) = NaN among the activations computed from them: each
        // array counted apart (L1: "3 of 80 values in the pre-activations and activations of b").
        var evidence = f.GetProperty("evidence");
        Assert.Equal(3, evidence.GetProperty("non_finite_values").GetDouble());
        Assert.Equal(2, evidence.GetProperty("non_finite_pre_activations").GetDouble());
        Assert.Equal(40, evidence.GetProperty("pre_activations").GetDouble());
        Assert.Equal(1, evidence.GetProperty("non_finite_activations").GetDouble());
        Assert.Equal(40, evidence.GetProperty("activations").GetDouble());
        Assert.Equal("2 of 40 pre-activations and 1 of 40 activations of b are NaN or infinite: the forward pass has overflowed or diverged, and the other checks of this layer were skipped.", f.GetProperty("explanation").GetString());
    }

    [Fact]
    public void Non_finite_values_of_a_saved_model_are_blamed_on_its_weights_and_the_data_not_on_training()
    {
        // A model file holds finite weights only (ModelFile refuses others), so NaN or ∞ in a layer of a saved model is the
        // data overflowing the floats through weights too large for it; it was answered with "Lower the learning rate…"
        // and "training has diverged", where nothing was training.
        using var tmp = new TempDir();
        var net = Mlp.Build(2, [8], "tanh", 2);
        net.Initialize(Initializer.Auto, 1);
        foreach (var layer in net.Layers) layer.Weights.AsSpan().Fill(float.MaxValue / 2);
        ModelFile.Save(tmp.File("huge.aknn"), net, new ModelMetadata { Task = "classification", ClassCount = 2 });
        var r = Cli.Run("diagnose", "--model", tmp.File("huge.aknn"), "--data", "spirals", "--json");
        Assert.Equal(1, r.ExitCode);
        var nonFinite = Findings(r).Where(f => f.GetProperty("kind").GetString() == "non_finite").ToArray();
        Assert.NotEmpty(nonFinite);
        foreach (var f in nonFinite)
        {
            Assert.EndsWith("the forward pass of the saved model on this data has overflowed the floats, and the other checks of this layer were skipped.", f.GetProperty("explanation").GetString(), StringComparison.Ordinal);
            Assert.Equal(SavedModelFix, f.GetProperty("fix").GetString());
        }

        foreach (var f in Findings(r).Where(f => f.GetProperty("kind").GetString() == "exploding_gradients"))
        {
            Assert.DoesNotContain("training", f.GetProperty("explanation").GetString(), StringComparison.Ordinal);
            Assert.Equal(SavedModelFix, f.GetProperty("fix").GetString());
        }

        // Dumped arrays, which may come from training or from inference (the folder gives no weights to tell), are
        // advised on for both origins; the training advice alone was there until 2026-12-04.
        using var arrays = new TempDir();
        Npy.Write(arrays.File("a.npy"), [1f, float.NaN, 2f, 3f], [2, 2]);
        var offline = Assert.Single(Findings(Cli.Run("diagnose", arrays.Path, "--activation", "tanh", "--json")), f => f.GetProperty("kind").GetString() == "non_finite");
        string offlineFix = offline.GetProperty("fix").GetString()!;
        Assert.StartsWith("If these arrays come from a trained model at inference, check that its inputs are what it was trained on", offlineFix, StringComparison.Ordinal);
        Assert.Contains("if they come from training, lower the learning rate", offlineFix, StringComparison.Ordinal);
    }

    private const string SavedModelFix = "The model's weights are finite (a model file holds no others), so these inputs overflow the floats through them: check that the data are what the model was trained on (the same features, in the same units); if they are, its weights have grown too large, and it must be trained again with a lower learning rate, standardised inputs, the activation's recommended initialisation and gradient clipping.";

    [Fact]
    public void An_all_nan_layer_shows_no_share_of_negatives()
    {
        // L4: the layer table showed "neg 0%" beside "mean —" for a layer with no finite value.
        using var tmp = new TempDir();
        Npy.Write(tmp.File("layer1.npy"), Enumerable.Repeat(float.NaN, 100 * 8).ToArray(), [100, 8]);
        var r = Cli.Run("diagnose", tmp.Path, "--activation", "relu");
        Assert.Equal(1, r.ExitCode);
        string row = r.Out.Split('\n').Single(l => l.TrimStart().StartsWith("layer1 ", StringComparison.Ordinal));
        Assert.Equal(["layer1", "relu", "8", "—", "—", "—", "—", "—", "—", "—", "—"], row.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(Cli.Run("diagnose", tmp.Path, "--activation", "relu", "--json").Out).RootElement;
        var stats = json.GetProperty("layers")[0].GetProperty("checks")[0].GetProperty("activations");
        Assert.Equal("NaN", stats.GetProperty("fractionNegative").GetString());
        Assert.Equal("NaN", stats.GetProperty("fractionZero").GetString());
        Assert.Equal(1, stats.GetProperty("fractionNonFinite").GetDouble());
    }

    [Fact]
    public void A_saved_model_is_run_forward_and_backward_on_the_data()
    {
        using var tmp = new TempDir();
        var bad = Mlp.Build(2, Enumerable.Repeat(8, 4), "relu", 2);
        bad.Initialize(Initializer.Auto, 1);
        for (int l = 0; l < 4; l++) bad.Layers[l].Bias.AsSpan().Fill(-3f);
        ModelFile.Save(tmp.File("bad.aknn"), bad, new ModelMetadata { Task = "classification", ClassCount = 2 });
        var r = Cli.Run("diagnose", "--model", tmp.File("bad.aknn"), "--data", "spirals", "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("dead_units", Kinds(r));
        Assert.Contains("collapsed", Kinds(r));
        var root = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal("bad.aknn on spirals (512 samples)", root.GetProperty("source").GetString());
        Assert.Equal(5, root.GetProperty("gradientFlow")[0].GetProperty("norms").GetArrayLength());

        var good = Mlp.Build(2, [32, 32], "relu", 2);
        good.Initialize(Initializer.Auto, 1);
        ModelFile.Save(tmp.File("good.aknn"), good, new ModelMetadata { Task = "classification", ClassCount = 2 });
        var ok = Cli.Run("diagnose", "--model", tmp.File("good.aknn"), "--data", "moons", "--samples", "300").Ok();
        Assert.Contains("No problems found.", ok.Out, StringComparison.Ordinal);
        Assert.Contains("good.aknn on moons (300 samples)", ok.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", ok.Err, StringComparison.Ordinal);

        // On 2 samples a live unit looks dead more often than not: said, not left to the reader of the count.
        var few = Cli.Run("diagnose", "--model", tmp.File("good.aknn"), "--data", "moons", "--samples", "2");
        Assert.Contains("Warning: dead units are judged on 2 samples, so a unit is called dead after 2 zeros, and one that fires on a quarter of the inputs looks dead this way 56 % of the time; use 16 samples or more (--samples with --model).", few.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_values_in_the_data_of_a_saved_model_are_refused_without_talk_of_training()
    {
        // A model is diagnosed, not trained: the loaders' "fill or drop it before training" did not fit.
        using var tmp = new TempDir();
        var net = Mlp.Build(2, [4], "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        ModelFile.Save(tmp.File("m.aknn"), net, new ModelMetadata { Task = "classification", ClassCount = 2 });
        File.WriteAllLines(tmp.File("nan.csv"), ["a,b,label", "1,2,0", "NaN,3,1", "2,1,0"]);
        var r = Cli.Run("diagnose", "--model", tmp.File("m.aknn"), "--data", tmp.File("nan.csv"))
            .BadInput("Error: nan.csv, line 3, column 1 'a': 'NaN' is a missing value (NaN); fill it or drop its row.");
        Assert.DoesNotContain("training", r.Err, StringComparison.Ordinal);

        File.WriteAllLines(tmp.File("hole.csv"), ["a,b,label", "1,2,0", "2,3,", "2,1,0"]);
        r = Cli.Run("diagnose", "--model", tmp.File("m.aknn"), "--data", tmp.File("hole.csv"))
            .BadInput("Error: hole.csv, line 3, column 3 (label label): the label is empty, a missing value; fill or drop that row.");
        Assert.DoesNotContain("training", r.Err, StringComparison.Ordinal);

        Npy.Write(tmp.File("nan.npy"), [1f, 2f, 0f, float.NaN, 3f, 1f], [2, 3]);
        r = Cli.Run("diagnose", "--model", tmp.File("m.aknn"), "--data", tmp.File("nan.npy")).BadInput("nan.npy");
        Assert.DoesNotContain("training", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_saved_models_trained_weights_are_not_judged_by_their_initialisation_scale()
    {
        // L2: a He-initialised relu model trained with SGD at learning rate 3 got "[info] init_scale in layer1 … 5.67× what
        // relu needs … Use He (Kaiming) initialisation": training, not the initialiser, set that variance.
        using var tmp = new TempDir();
        var net = Mlp.Build(2, [32, 32], "relu", 1);
        net.Initialize(Initializer.Auto, 1);
        foreach (ref float w in net.Layers[1].Weights.AsSpan()) w *= 2.4f;
        Assert.Contains(ActivationKit.Diagnostics.InitCheck.Check(ActivationKit.Nn.Diagnostics.NetworkDiagnostics.Weights(net)), f => f.Kind == ActivationKit.Diagnostics.FindingKind.InitScale);
        ModelFile.Save(tmp.File("trained.akm"), net, new ModelMetadata { Task = "classification", ClassCount = 2 });
        var r = Cli.Run("diagnose", "--model", tmp.File("trained.akm"), "--data", "moons", "--json");
        Assert.DoesNotContain("init_scale", Kinds(r));

        // Identical units are still reported: training never broke their symmetry.
        var w0 = net.Layers[1].Weights;
        for (int i = 0; i < 32; i++) w0[(i * 32) + 9] = w0[(i * 32) + 4];
        ModelFile.Save(tmp.File("twins.akm"), net, new ModelMetadata { Task = "classification", ClassCount = 2 });
        var twins = Cli.Run("diagnose", "--model", tmp.File("twins.akm"), "--data", "moons", "--json");
        var f = Assert.Single(Findings(twins), x => x.GetProperty("kind").GetString() == "symmetric_init");
        Assert.Equal("layer1", f.GetProperty("layer").GetString());
        Assert.DoesNotContain("init_scale", Kinds(twins));
    }

    [Fact]
    public void A_saved_model_on_fewer_than_16_samples_is_judged_on_the_rows_it_has()
    {
        // Live checks under 16 samples are pooled with later ones; an offline run has no later check, so its few rows
        // showed "—" for dead units and a layer of dead units went unreported.
        using var tmp = new TempDir();
        var bad = Mlp.Build(2, [8, 8], "relu", 2);
        bad.Initialize(Initializer.Auto, 1);
        bad.Layers[1].Bias.AsSpan().Fill(-30f);
        ModelFile.Save(tmp.File("bad.akm"), bad, new ModelMetadata { Task = "classification", ClassCount = 2 });
        var r = Cli.Run("diagnose", "--model", tmp.File("bad.akm"), "--data", "moons", "--samples", "8", "--json");
        Assert.Equal(1, r.ExitCode);
        var dead = Assert.Single(Findings(r), f => f.GetProperty("kind").GetString() == "dead_units");
        Assert.Equal("layer1", dead.GetProperty("layer").GetString());
        Assert.Equal(8, dead.GetProperty("evidence").GetProperty("samples").GetDouble());
        var layers = JsonDocument.Parse(r.Out).RootElement.GetProperty("layers");
        Assert.Equal(1.0, layers[1].GetProperty("checks")[0].GetProperty("deadFraction").GetDouble());
        Assert.Equal(JsonValueKind.Number, layers[0].GetProperty("checks")[0].GetProperty("deadFraction").ValueKind);

        var text = Cli.Run("diagnose", "--model", tmp.File("bad.akm"), "--data", "moons", "--samples", "8");
        Assert.Contains("[critical] dead_units in layer1", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_multilabel_model_is_diagnosed_on_its_label_columns()
    {
        // The label columns of a multilabel model were read as one class label ("several label columns … not as one
        // class label"), so such a model could not be diagnosed at all.
        using var tmp = new TempDir();
        string data = tmp.File("ml.csv");
        var r = new Random(3);
        File.WriteAllLines(data, ["a,b,l0,l1,l2", .. Enumerable.Range(0, 120).Select(_ =>
        {
            double a = r.NextDouble(), b = r.NextDouble();
            return FormattableString.Invariant($"{a:0.0000},{b:0.0000},{(a > 0.5 ? 1 : 0)},{(b > 0.5 ? 1 : 0)},{(a + b > 1 ? 1 : 0)}");
        })]);
        string model = tmp.File("ml.akm");
        Cli.Run("train", "--data", data, "--target", "l0,l1,l2", "--hidden", "8", "--epochs", "2", "--save", model).Ok();

        var byName = Cli.Run("diagnose", "--model", model, "--data", data, "--label-column", "l0,l1,l2", "--json");
        Assert.True(byName.ExitCode is 0 or 1, byName.Err);
        Assert.Equal("ml.akm on ml.csv (120 samples)", JsonDocument.Parse(byName.Out).RootElement.GetProperty("source").GetString());
        Assert.DoesNotContain("output_mismatch", Kinds(byName)); // the engine's own multilabel pairing, not "bce on regression"
        var byIndex = Cli.Run("diagnose", "--model", model, "--data", data, "--label-column", "2,3,4", "--json");
        Assert.Equal(JsonDocument.Parse(byName.Out).RootElement.GetProperty("layers").GetRawText(), JsonDocument.Parse(byIndex.Out).RootElement.GetProperty("layers").GetRawText());

        // Without the label columns, the last one alone leaves two labels among the features: the message says what to give.
        Cli.Run("diagnose", "--model", model, "--data", data).BadInput("The data 'ml.csv' has 4 features but the model takes 2 inputs; it has 3 outputs, so give its 3 label columns with --label-column, separated by commas (header names or 0-based indices).");
        Cli.Run("diagnose", "--model", model, "--data", data, "--label-column", "l0,l1").BadInput("The data 'ml.csv' has 3 features but the model takes 2 inputs.");
    }

    [Fact]
    public void A_models_class_names_number_the_text_labels_of_its_data()
    {
        // A model trained on cat/dog/emu, diagnosed on a file of dog and emu only, numbered them by the file's own sorted
        // labels (dog as 0, the model's cat), so the gradients came from the wrong classes; yak/zebra/ant passed silently.
        using var tmp = new TempDir();
        string[] kinds = ["cat", "dog", "emu"];
        string Rows(string name, Func<int, bool> keep, Func<int, string> label)
        {
            string path = tmp.File(name);
            File.WriteAllLines(path, ["a,b,kind", .. Enumerable.Range(0, 60).Where(keep).Select(i => FormattableString.Invariant($"{(i % 3) + (i * 0.01)},{i % 5},{label(i)}"))]);
            return path;
        }

        string model = tmp.File("tl.akm");
        Cli.Run("train", "--data", Rows("all.csv", _ => true, i => kinds[i % 3]), "--hidden", "8", "--epochs", "3", "--save", model).Ok();
        string text = Rows("dog-emu.csv", i => i % 3 != 0, i => kinds[i % 3]);
        string indices = Rows("indices.csv", i => i % 3 != 0, i => (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        static string Layers(CliResult r) => JsonDocument.Parse(r.Out).RootElement.GetProperty("layers").GetRawText();
        var byName = Cli.Run("diagnose", "--model", model, "--data", text, "--json");
        var byIndex = Cli.Run("diagnose", "--model", model, "--data", indices, "--json");
        Assert.True(byName.ExitCode is 0 or 1, byName.Err);
        Assert.Equal(Layers(byIndex), Layers(byName));

        Cli.Run("diagnose", "--model", model, "--data", Rows("zoo.csv", _ => true, i => new[] { "yak", "zebra", "ant" }[i % 3])).BadInput("zoo.csv, line 2, column 3 (label kind): 'yak' is not a class of the model, whose classes are 'cat', 'dog', 'emu'.");

        // A model trained on numeric labels has no names to match text labels to.
        string numeric = tmp.File("numeric.akm");
        Cli.Run("train", "--data", indices, "--hidden", "8", "--epochs", "1", "--task", "multiclass", "--save", numeric).Ok();
        Cli.Run("diagnose", "--model", numeric, "--data", text).BadInput("dog-emu.csv, line 2, column 3 (label kind): 'dog' is a class name, but the model knows no class names (it was trained on numeric labels), so give its class indices 0, 1, 2, … instead.");
    }

    private static float[] Normal(int count, double std, double mean, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(mean + (std * Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble())))).ToArray();
    }

    [Fact]
    public void Per_channel_prelu_is_diagnosed_in_training_and_from_a_saved_model()
    {
        using var tmp = new TempDir();
        string model = tmp.File("prelu.akm");
        Cli.Run("train", "--data", "spirals", "--hidden", "8", "--epochs", "2", "--activation", "prelu(num_parameters=8)", "--diagnose", "--save", model).Ok();
        var r = Cli.Run("diagnose", "--model", model, "--data", "spirals", "--json");
        Assert.True(r.ExitCode is 0 or 1, $"exit {r.ExitCode}: {r.Err}");
        Assert.Equal("prelu(num_parameters=8, init=0.25)", JsonDocument.Parse(r.Out).RootElement.GetProperty("layers")[0].GetProperty("activation").GetString());
    }

    [Fact]
    public void Activations_growing_from_layer_to_layer_are_reported_from_npy_files()
    {
        // Pre-activations of RMS 1, 30 and 300 through ReLU (activations 0.71, 21, 212), then the output: 212× the unit
        // scale two layers on. Nothing else looked at the forward scale: the folder read "No problems found."
        using var tmp = new TempDir();
        Npy.Write(tmp.File("h1.npy"), Normal(256 * 8, 1, 0, 1), [256, 8]);
        Npy.Write(tmp.File("h2.npy"), Normal(256 * 8, 30, 0, 2), [256, 8]);
        Npy.Write(tmp.File("h3.npy"), Normal(256 * 8, 300, 0, 3), [256, 8]);
        Npy.Write(tmp.File("out.npy"), Normal(256 * 2, 1, 0, 4), [256, 2]);
        var r = Cli.Run("diagnose", tmp.Path, "--activation", "relu", "--output-activation", "linear");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("[warning] exploding_activations in h3\n  The activations of h3 have an RMS of 2", r.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("× the unit scale of standardised inputs (the smallest earlier hidden layer, h1, has an RMS of 0.7", r.Out, StringComparison.Ordinal);

        // Growth that stays within the threshold is not reported.
        Npy.Write(tmp.File("h3.npy"), Normal(256 * 8, 3, 0, 3), [256, 8]);
        Npy.Write(tmp.File("h2.npy"), Normal(256 * 8, 2, 0, 2), [256, 8]);
        Assert.Contains("No problems found.", Cli.Run("diagnose", tmp.Path, "--activation", "relu", "--output-activation", "linear").Ok().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fraction_that_does_not_apply_is_null_in_the_json()
    {
        // The identity has no saturated range: its saturatedFraction was the string "NaN", where compare and report
        // write null.
        using var tmp = new TempDir();
        Npy.Write(tmp.File("a.npy"), Normal(512 * 8, 1, 0, 1), [512, 8]);
        var r = Cli.Run("diagnose", tmp.Path, "--activation", "identity", "--json");
        var check = JsonDocument.Parse(r.Out).RootElement.GetProperty("layers")[0].GetProperty("checks")[0];
        Assert.Equal(JsonValueKind.Null, check.GetProperty("saturatedFraction").ValueKind);
        Assert.Equal(JsonValueKind.Number, check.GetProperty("deadFraction").ValueKind);
        Assert.DoesNotContain("\"NaN\"", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Standard_normal_inputs_do_not_saturate_the_exponential()
    {
        using var tmp = new TempDir();
        Npy.Write(tmp.File("a.npy"), Normal(512 * 8, 1, 0, 1), [512, 8]);
        Npy.Write(tmp.File("b.npy"), Normal(512 * 8, 1, 0, 2), [512, 8]);
        var r = Cli.Run("diagnose", tmp.Path, "--activation", "exponential", "--json").Ok();
        Assert.Empty(Findings(r));
        double saturated = JsonDocument.Parse(r.Out).RootElement.GetProperty("layers")[0].GetProperty("checks")[0].GetProperty("saturatedFraction").GetDouble();
        Assert.InRange(saturated, 0.01, 0.04);

        // Its negative tail is a real flat region.
        Npy.Write(tmp.File("a.npy"), Normal(512 * 8, 1, -6, 1), [512, 8]);
        var tail = Cli.Run("diagnose", tmp.Path, "--activation", "exponential");
        Assert.Equal(1, tail.ExitCode);
        Assert.Contains("[critical] saturation in a", tail.Out, StringComparison.Ordinal);
        Assert.Contains("below 5 % of its slope at the unit scale (max |f′| over [−1, 1] = 2.72)", tail.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sigmoid", 5, 200)]
    [InlineData("tanh", 1e37, 0)]
    [InlineData("hardtanh", 100, 0)]
    public void Saturated_units_are_reported_as_saturation_not_as_dead(string activation, double std, double mean)
    {
        using var tmp = new TempDir();
        Npy.Write(tmp.File("a.npy"), Normal(64 * 8, std, mean, 3), [64, 8]);
        Npy.Write(tmp.File("b.npy"), Normal(64 * 8, 1, 0, 4), [64, 8]);
        var r = Cli.Run("diagnose", tmp.Path, "--activation", activation, "--json");
        Assert.Equal(1, r.ExitCode);
        var a = Findings(r).Where(f => f.GetProperty("layer").GetString() == "a").Select(f => f.GetProperty("kind").GetString()!).ToArray();
        Assert.Equal(["saturation"], a);
    }

    [Fact]
    public void The_last_layer_of_a_folder_is_checked_for_saturation_like_the_others()
    {
        using var tmp = new TempDir();
        Npy.Write(tmp.File("a.npy"), Normal(64 * 8, 100, 0, 5), [64, 8]);
        var one = Cli.Run("diagnose", tmp.Path, "--activation", "tanh");
        Assert.Equal(1, one.ExitCode);
        Assert.Contains("[critical] saturation in a", one.Out, StringComparison.Ordinal);

        // With a manifest saying sigmoid + bce, the loss cancels the output sigmoid's slope: a saturated output is a confident prediction.
        Npy.Write(tmp.File("h.npy"), Normal(64 * 8, 1, 0, 6), [64, 8]);
        File.WriteAllText(tmp.File("manifest.json"), """
            {"layers": [{"name": "h", "activation": "relu", "pre": "h.npy"}, {"name": "out", "activation": "sigmoid", "pre": "a.npy"}], "task": "multilabel", "loss": "bce"}
            """);
        Assert.Contains("No problems found.", Cli.Run("diagnose", tmp.Path).Ok().Out, StringComparison.Ordinal);
        File.WriteAllText(tmp.File("manifest.json"), """
            {"layers": [{"name": "h", "activation": "relu", "pre": "h.npy"}, {"name": "out", "activation": "tanh", "pre": "a.npy"}], "task": "regression", "loss": "mse"}
            """);
        Assert.Contains("[critical] saturation in out", Cli.Run("diagnose", tmp.Path).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_loss_is_read_in_any_case_and_quoted_as_written()
    {
        // The array folder lower-cased the manifest's loss: an unknown one was quoted as 'foo(2)' where check and train
        // quote what the user wrote.
        using var tmp = new TempDir();
        Npy.Write(tmp.File("h.npy"), Normal(64 * 8, 1, 0, 6), [64, 8]);
        Npy.Write(tmp.File("o.npy"), Normal(64 * 3, 1, 0, 7), [64, 3]);
        string Manifest(string loss) => "{\"layers\": [{\"name\": \"h\", \"activation\": \"relu\", \"pre\": \"h.npy\"}, {\"name\": \"out\", \"activation\": \"softmax\", \"pre\": \"o.npy\"}], \"task\": \"multiclass\", \"loss\": \"" + loss + "\"}";
        File.WriteAllText(tmp.File("manifest.json"), Manifest("Foo(2)"));
        var unknown = Cli.Run("diagnose", tmp.Path);
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("Error: Unknown loss 'Foo(2)';", unknown.Err, StringComparison.Ordinal);
        File.WriteAllText(tmp.File("manifest.json"), Manifest("CE"));
        Assert.Contains("No problems found.", Cli.Run("diagnose", tmp.Path).Ok().Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"  \"")]
    [InlineData("null")]
    public void A_blank_manifest_activation_is_filled_by_the_activation_option(string blank)
    {
        // "activation": "" was counted as none given (so --activation was accepted) and then read as given: "Layer 'fc1'
        // has no activation: give it … or with --activation", which the user had done.
        using var tmp = new TempDir();
        Npy.Write(tmp.File("a.npy"), Normal(64 * 8, 1, 0, 5), [64, 8]);
        File.WriteAllText(tmp.File("manifest.json"), $$"""{"layers": [{"name": "fc1", "activation": {{blank}}, "pre": "a.npy"}]}""");
        Assert.Contains("fc1", Cli.Run("diagnose", tmp.Path, "--activation", "relu").Ok().Out, StringComparison.Ordinal);
        Cli.Run("diagnose", tmp.Path).BadInput("Layer 'fc1' has no activation");
    }

    [Fact]
    public void Duplicate_layer_names_in_a_manifest_are_refused()
    {
        using var tmp = new TempDir();
        Npy.Write(tmp.File("a.npy"), Normal(64 * 8, 1, 0, 5), [64, 8]);
        File.WriteAllText(tmp.File("manifest.json"), """
            {"layers": [{"name": "fc", "activation": "relu", "pre": "a.npy"}, {"name": "fc2", "activation": "relu", "pre": "a.npy"}, {"name": "fc", "activation": "relu", "pre": "a.npy"}]}
            """);
        Cli.Run("diagnose", tmp.Path).BadInput("manifest.json: layers 1 and 3 are both named 'fc'; give every layer its own name");
        File.WriteAllText(tmp.File("manifest.json"), """
            {"layers": [{"activation": "relu", "pre": "a.npy"}, {"name": "layer0", "activation": "relu", "pre": "a.npy"}]}
            """);
        Cli.Run("diagnose", tmp.Path).BadInput("layers 1 and 2 are both named 'layer0'");
    }

    [Theory]
    [InlineData(".", "'.' in manifest.json is the folder itself, not a .npy file in it; give the file's name.")]
    [InlineData("", "'' in manifest.json is the folder itself, not a .npy file in it; give the file's name.")]
    [InlineData("sub", "'sub' in manifest.json is a folder, not a .npy file; give the file's name.")]
    public void A_manifest_entry_naming_a_folder_says_so_not_that_the_file_is_missing(string entry, string message)
    {
        // F7: "pre": "." gave ". is listed in manifest.json but is not in 'dir'": it is there, as the folder itself.
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.File("sub"));
        Npy.Write(tmp.File("a.npy"), Normal(64 * 8, 1, 0, 5), [64, 8]);
        File.WriteAllText(tmp.File("manifest.json"), $$"""
            {"layers": [{"name": "fc1", "activation": "relu", "pre": "a.npy"}, {"name": "fc2", "activation": "relu", "pre": "{{entry}}"}]}
            """);
        Cli.Run("diagnose", tmp.Path).BadInput(message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_layer_name_in_a_manifest_is_refused(string name)
    {
        // F7: "name": "" was accepted and the layer printed with a blank name.
        using var tmp = new TempDir();
        Npy.Write(tmp.File("a.npy"), Normal(64 * 8, 1, 0, 5), [64, 8]);
        File.WriteAllText(tmp.File("manifest.json"), $$"""
            {"layers": [{"name": "fc1", "activation": "relu", "pre": "a.npy"}, {"name": "{{name}}", "activation": "relu", "pre": "a.npy"}]}
            """);
        Cli.Run("diagnose", tmp.Path).BadInput("manifest.json layer 2: \"name\" is empty; give the layer a name, or leave the key out for the default layer1.");
    }

    [Fact]
    public void Arrays_saved_in_fortran_order_are_read_as_numpy_loads_them()
    {
        // numpy.save(path, w.T) writes Fortran order; a gradient's norm does not depend on the order, and a weight
        // matrix is transposed back into the shape the header gives. Both were refused.
        using var tmp = new TempDir();
        float[] pre = Enumerable.Range(0, 32 * 4).Select(i => (float)Math.Sin(i)).ToArray();
        Npy.Write(tmp.File("a.npy"), pre, [32, 4]);
        Npy.Write(tmp.File("b.npy"), pre.Take(32 * 2).ToArray(), [32, 2]);

        // [4 × 2] in_out weights of layer b stored column-major: w[i, j] at j·4 + i. Gradient norm: √(Σ v²) of 1..8.
        float[] cOrder = [1, 2, 3, 4, 5, 6, 7, 8];
        float[] fortran = [1, 3, 5, 7, 2, 4, 6, 8];
        File.WriteAllBytes(tmp.File("bw.npy"), NpyBytes.Build(NpyBytes.Header("<f4", "(4, 2)", fortran: true), NpyBytes.Floats(fortran)));
        File.WriteAllBytes(tmp.File("bg.npy"), NpyBytes.Build(NpyBytes.Header("<f4", "(4, 2)", fortran: true), NpyBytes.Floats(fortran)));
        Npy.Write(tmp.File("aw.npy"), Enumerable.Range(0, 4 * 4).Select(i => (float)Math.Cos(i) / 2).ToArray(), [4, 4]);
        Npy.Write(tmp.File("ag.npy"), cOrder.Concat(cOrder).ToArray(), [4, 4]);
        File.WriteAllText(tmp.File("manifest.json"), """
            {"layers": [{"name": "a", "activation": "tanh", "pre": "a.npy", "gradient": "ag.npy", "weights": "aw.npy"},
                        {"name": "b", "activation": "linear", "pre": "b.npy", "gradient": "bg.npy", "weights": "bw.npy"}]}
            """);
        var r = Cli.Run("diagnose", tmp.Path, "--json");
        Assert.True(r.ExitCode is 0 or 1, r.Err);
        var layers = JsonDocument.Parse(r.Out).RootElement.GetProperty("layers");
        Assert.Equal(Math.Sqrt(204), layers[1].GetProperty("checks")[0].GetProperty("gradientNorm").GetDouble(), 9);

        var array = Npy.Read(tmp.File("bw.npy"), fortranOrder: true);
        Assert.Equal(cOrder, array.ToSingleArray());
        Assert.Contains("Fortran", Assert.Throws<InvalidDataException>(() => Npy.Read(tmp.File("bw.npy"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finite_float64_values_beyond_float32_are_named_as_such()
    {
        using var tmp = new TempDir();
        Npy.Write(tmp.File("a.npy"), Enumerable.Repeat(1e300, 40).Select((v, i) => i % 2 == 0 ? v : 0.5).ToArray(), [10, 4]);
        var r = Cli.Run("diagnose", tmp.Path, "--activation", "relu").BadInput("a.npy holds 20 finite float64 value(s) beyond the float32 range (largest magnitude 1E+300");
        Assert.DoesNotContain("NaN or infinite", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_per_channel_prelu_that_does_not_fit_the_columns_names_the_manifest_fix_not_a_cli_option()
    {
        using var tmp = new TempDir();
        Npy.Write(tmp.File("a.npy"), new float[10 * 4], [10, 4]);
        Npy.Write(tmp.File("b.npy"), new float[10 * 2], [10, 2]);
        File.WriteAllText(tmp.File("manifest.json"), """{"layers": [{"pre": "a.npy", "activation": "prelu(num_parameters=3)"}, {"pre": "b.npy", "activation": "linear"}]}""");
        var r = Cli.Run("diagnose", tmp.Path).BadInput("Layer 'layer0': prelu(num_parameters=3, init=0.25) has 3 slopes, one per unit, but a.npy has 4 columns; use num_parameters=1 (one shared slope) or num_parameters=4.");
        Assert.DoesNotContain("--columns", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_inputs_are_one_sentence_and_exit_2()
    {
        using var tmp = new TempDir();
        Cli.Run("diagnose", tmp.File("missing")).BadInput("does not exist");
        File.WriteAllText(tmp.File("layer.npy"), "x");
        Cli.Run("diagnose", tmp.File("layer.npy"), "--activation", "relu").BadInput("layer.npy' is a file; give the folder that holds the layers' .npy arrays.");
        File.Delete(tmp.File("layer.npy"));
        Cli.Run("diagnose", tmp.Path, "--activation", "relu").BadInput("has no .npy files");
        Cli.Run("diagnose").BadInput("exactly one of FOLDER");
        Cli.Run("diagnose", tmp.Path, "--model", "m.aknn").BadInput("exactly one of FOLDER");
        Cli.Run("diagnose", "--model", tmp.File("m.aknn")).BadInput("--model needs --data");
        Cli.Run("diagnose", "--model", tmp.File("m.aknn"), "--data", "spirals").BadInput("does not exist");
        Cli.Run("diagnose", tmp.Path, "--arrays", "grad").BadInput("--arrays must be pre or post");

        Npy.Write(tmp.File("a.npy"), new float[20], [10, 2]);
        Cli.Run("diagnose", tmp.Path).BadInput("give the layers' activation with --activation");
        Cli.Run("diagnose", tmp.Path, "--activation", "relux").BadInput("Unknown activation 'relux'. Did you mean 'relu'");
        Npy.Write(tmp.File("b.npy"), new float[18], [9, 2]);
        Cli.Run("diagnose", tmp.Path, "--activation", "relu").BadInput("Shape mismatch: a.npy has 10 samples but b.npy has 9");
        File.Delete(tmp.File("b.npy"));
        Npy.Write(tmp.File("b.npy"), new float[24], [2, 3, 4]);
        Cli.Run("diagnose", tmp.Path, "--activation", "relu").BadInput("b.npy has shape [2, 3, 4]; expected 2-D [samples × units]");
        File.WriteAllBytes(tmp.File("b.npy"), [1, 2, 3]);
        Cli.Run("diagnose", tmp.Path, "--activation", "relu").BadInput("b.npy is not a .npy file");
        File.Delete(tmp.File("b.npy"));

        File.WriteAllText(tmp.File("manifest.json"), "{\"layers\": [");

        // One sentence with the position counted from 1, not the parser's "LineNumber: 0 | BytePositionInLine: 12.".
        var truncated = Cli.Run("diagnose", tmp.Path).BadInput("manifest.json is not valid JSON at line 1, column 13: the file ends before its objects and arrays are closed.");
        Assert.DoesNotContain("BytePositionInLine", truncated.Err, StringComparison.Ordinal);
        File.WriteAllText(tmp.File("manifest.json"), "{\n  \"layers\" [1]}");
        Cli.Run("diagnose", tmp.Path).BadInput("manifest.json is not valid JSON at line 2, column 12: '[' is invalid after a property name; expected a ':'.");
        File.WriteAllText(tmp.File("manifest.json"), "{\"layers\": [{\"name\": \"fc\", \"activation\": \"relu\", \"pre\": \"c.npy\"}]}");
        Cli.Run("diagnose", tmp.Path).BadInput("c.npy is listed in manifest.json but is not in");
        File.WriteAllText(tmp.File("manifest.json"), "{\"layers\": [{\"name\": \"fc\", \"activaton\": \"relu\", \"pre\": \"a.npy\"}]}");
        Cli.Run("diagnose", tmp.Path).BadInput("unknown key \"activaton\"");
        File.WriteAllText(tmp.File("manifest.json"), "{\"layers\": [{\"name\": \"fc\", \"activation\": \"relu\", \"pre\": \"a.npy\", \"weights\": \"w.npy\"}]}");
        Npy.Write(tmp.File("w.npy"), new float[15], [3, 5]);
        Cli.Run("diagnose", tmp.Path).BadInput("w.npy has shape [3, 5]: with layout in_out that is 5 units, but layer 'fc' has 2.");

        var net = Mlp.Build(2, [4], "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        ModelFile.Save(tmp.File("m.aknn"), net);
        Cli.Run("diagnose", "--model", tmp.File("m.aknn"), "--data", "sine").BadInput("The data 'sine' has 1 feature but the model takes 2 inputs."); // F7: "1 features"
        // A one-output model on three classes was diagnosed with a meaningless gradient (the engine's F3 gap in diagnose).
        var single = Mlp.Build(2, [4], "relu", 1);
        single.Initialize(Initializer.Auto, 1);
        ModelFile.Save(tmp.File("one.aknn"), single);
        File.WriteAllText(tmp.File("three.csv"), "a,b,y\n0.1,0.2,0\n0.3,0.1,1\n-0.2,0.5,2\n0.7,-0.1,1\n");
        Cli.Run("diagnose", "--model", tmp.File("one.aknn"), "--data", tmp.File("three.csv")).BadInput("The data 'three.csv' has labels up to 2, but the model's class indices are 0 and 1 (it has 1 output).");
        var wide = Mlp.Build(3, [4], "relu", 2);
        wide.Initialize(Initializer.Auto, 1);
        ModelFile.Save(tmp.File("wide.aknn"), wide);
        Cli.Run("diagnose", "--model", tmp.File("wide.aknn"), "--data", "spirals").BadInput("has 2 features but the model takes 3 inputs.");
        var narrow = Mlp.Build(1, [4], "relu", 2);
        narrow.Initialize(Initializer.Auto, 1);
        ModelFile.Save(tmp.File("narrow.aknn"), narrow);
        Cli.Run("diagnose", "--model", tmp.File("narrow.aknn"), "--data", "spirals").BadInput("has 2 features but the model takes 1 input.");

        // F7: a folder given as the model was said not to exist.
        Cli.Run("diagnose", "--model", tmp.Path, "--data", "spirals").BadInput($"The model file '{tmp.Path}' is a folder; give the file saved by train --save");
        Cli.Run("diagnose", "--model", tmp.File("m.aknn"), "--data", "nonsense").BadInput("Unknown data 'nonsense'");
        File.WriteAllBytes(tmp.File("broken.aknn"), [1, 2, 3, 4]);
        var broken = Cli.Run("diagnose", "--model", tmp.File("broken.aknn"), "--data", "spirals");
        Assert.Equal(2, broken.ExitCode);
        Assert.DoesNotContain("   at ", broken.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_diagnostics_helper_writes_both_reports_and_stops_on_critical()
    {
        using var tmp = new TempDir();
        var net = Mlp.Build(2, Enumerable.Repeat(8, 4), "relu", 2);
        net.Initialize(Initializer.Auto, 1);
        for (int l = 0; l < 4; l++) net.Layers[l].Bias.AsSpan().Fill(-3f);
        var data = Spirals();
        string outDir = Path.Combine(tmp.Path, "diag");
        var settings = new DiagnoseOptions { DiagnoseEvery = 5, StopOnCritical = true, DiagnosticsOut = outDir };
        using var live = LiveDiagnostics.Start(settings, net, data, Losses.SoftmaxCrossEntropy);
        Assert.NotNull(live);
        var result = Trainer.Fit(net, data, null, live.Apply(new TrainerOptions { Epochs = 5, BatchSize = 32, Seed = 1 }));
        Assert.True(result.StoppedEarly);
        var console = new StringWriter();
        var report = live.Finish("spirals", console);
        Assert.Contains("Training stopped early: critical finding collapsed", console.ToString(), StringComparison.Ordinal);
        Assert.Equal(["diagnostics.json", "diagnostics.txt"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "diagnostics.json")));
        Assert.Equal(report.Findings.Count, json.RootElement.GetProperty("findings").GetArrayLength());
        Assert.Equal(report.ToText(), File.ReadAllText(Path.Combine(outDir, "diagnostics.txt")));

        Assert.Null(LiveDiagnostics.Start(new DiagnoseOptions(), net, data, Losses.SoftmaxCrossEntropy));
        var e = Assert.Throws<UsageException>(() => LiveDiagnostics.Start(new DiagnoseOptions { DiagnoseEvery = 0 }, net, data, Losses.SoftmaxCrossEntropy));
        Assert.Equal("--diagnose-every must be at least 1 step, got 0.", e.Message);
    }

    [Fact]
    public void Stop_on_critical_with_a_critical_finding_before_training_runs_no_step()
    {
        // F7: zero weights (symmetric_init, critical before training) still trained one step: "1 steps, 1 checks".
        var r = Cli.Run("train", "--data", "spirals", "--init", "zeros", "--stop-on-critical", "--json");
        Assert.Equal(1, r.ExitCode);
        using var json = JsonDocument.Parse(r.Out);
        var d = json.RootElement.GetProperty("diagnostics");
        Assert.Equal(0, d.GetProperty("steps").GetInt64());
        Assert.Equal(0, d.GetProperty("checks").GetInt32());
        Assert.True(json.RootElement.GetProperty("stopped_early").GetBoolean());
        Assert.StartsWith("critical finding symmetric_init in layer0 before training", json.RootElement.GetProperty("stop_reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99999999999", "--diagnose-every must be at most 2147483647 steps, got 99999999999.")] // F7: was "takes a whole number"
    [InlineData("2147483648", "--diagnose-every must be at most 2147483647 steps, got 2147483648.")]
    [InlineData("0", "--diagnose-every must be at least 1 step, got 0.")]
    [InlineData("-4", "--diagnose-every must be at least 1 step, got -4.")]
    [InlineData("1.5", "--diagnose-every takes a whole number, got '1.5'.")]
    public void Diagnose_every_out_of_range_is_told_its_range_before_any_data_is_loaded(string value, string message)
    {
        var r = Cli.Run("train", "--data", "no-such-file.csv", "--diagnose-every", value);
        r.BadInput(message);
        Assert.Equal("Error: " + message, r.Err.Trim());
        Assert.Equal(2147483647, new DiagnoseOptions { DiagnoseEveryText = "2147483647" }.DiagnoseEvery);
        Assert.Null(new DiagnoseOptions().DiagnoseEvery);
    }

    [Fact]
    public void Data_without_a_label_column_is_said_so_and_labels_are_judged_by_the_models_classes()
    {
        // A file of the binary model's two inputs and nothing else was "X.npy: row 1 has label -0.66, which is not a class
        // index in [0, 2]": its last input taken for the label, judged against a range its own values made.
        using var tmp = new TempDir();
        string model = tmp.File("xor.akm");
        Cli.Run("train", "--data", "xor", "--samples", "100", "--hidden", "4", "--epochs", "1", "--save", model).Ok();
        Npy.Write(tmp.File("X.npy"), new float[] { 0.5f, -0.66f, 0.1f, 2.3f, -0.4f, 0.9f }, [3, 2]);
        File.WriteAllText(tmp.File("X.csv"), "0.5,-0.66\n0.1,2.3\n-0.4,0.9\n");
        // Whole numbers in the last input pass as labels, and the inputs are one short.
        File.WriteAllText(tmp.File("B.csv"), "a,b\n0.5,1\n0.1,0\n-0.4,1\n");
        foreach (string file in new[] { "X.npy", "X.csv", "B.csv" })
        {
            Cli.Run("diagnose", "--model", model, "--data", tmp.File(file))
                .BadInput($"Error: '{file}' has 2 columns, exactly the model's inputs, so none is left for the labels, which diagnose needs to run the loss backward; add the labels as one more column (the last, or name it with --label-column).");
        }

        // Labels that are there but not the model's: its class indices, not a range the file's largest label makes.
        Npy.Write(tmp.File("L.npy"), new float[] { 0.5f, 0.2f, 0, 0.1f, 0.3f, 2.5f }, [2, 3]);
        Cli.Run("diagnose", "--model", model, "--data", tmp.File("L.npy")).BadInput("Error: L.npy: row 2 has label 2.5, which is not one of the model's class indices, 0 and 1.");
        File.WriteAllText(tmp.File("L.csv"), "a,b,y\n0.1,0.2,0\n0.3,0.4,-0.5\n");
        Cli.Run("diagnose", "--model", model, "--data", tmp.File("L.csv")).BadInput("Error: L.csv, line 3: label '-0.5' is not one of the model's class indices, 0 and 1.");
        File.WriteAllText(tmp.File("M.csv"), "a,b,y\n0.1,0.2,0\n0.3,0.4,3\n");
        Cli.Run("diagnose", "--model", model, "--data", tmp.File("M.csv")).BadInput("Error: The data 'M.csv' has labels up to 3, but the model's class indices are 0 and 1 (it has 1 output).");
    }

    [Fact]
    public void Samples_with_a_folder_of_arrays_is_refused_not_ignored()
    {
        // A FOLDER's arrays hold their own samples: --samples there was silently ignored.
        using var tmp = new TempDir();
        Cli.Run("diagnose", tmp.Path, "--samples", "64").BadInput("--data, --label-column, --header and --samples go with --model (a FOLDER's arrays hold their own samples).");
    }

    [Fact]
    public void More_samples_than_a_file_holds_are_refused_as_train_refuses_them()
    {
        // --samples 100000 on 120 rows diagnosed the 120 without a word; train refuses it. Left out, a file of fewer rows
        // than the default 512 is taken whole, and a synthetic set is made as large as asked.
        using var tmp = new TempDir();
        string data = tmp.XorCsv();
        string model = tmp.File("xor.akm");
        Cli.Run("train", "--data", data, "--hidden", "4", "--epochs", "1", "--save", model).Ok();
        Cli.Run("diagnose", "--model", model, "--data", data, "--samples", "100000")
            .BadInput($"Error: --samples 100000 is more than the 120 rows of '{data}'; give --samples 120 or fewer, or leave --samples out for all of them.");
        Assert.Contains("on xor.csv (120 samples)", Run(model, data, "--samples", "120"), StringComparison.Ordinal);
        Assert.Contains("on xor.csv (120 samples)", Run(model, data), StringComparison.Ordinal);
        Assert.Contains("on xor (600 samples)", Run(model, "xor", "--samples", "600"), StringComparison.Ordinal);

        static string Run(params string[] args)
        {
            var r = Cli.Run(["diagnose", "--model", args[0], "--data", args[1], .. args[2..], "--json"]);
            Assert.True(r.ExitCode is 0 or 1, r.Err);
            return JsonDocument.Parse(r.Out).RootElement.GetProperty("source").GetString()!;
        }
    }

    [Fact]
    public void The_manifest_losses_the_docs_list_are_those_the_output_check_takes()
    {
        // docs/diagnostics.md listed seven; poisson, ranknet and listnet are taken too.
        string docs = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "diagnostics.md"));
        var listed = System.Text.RegularExpressions.Regex.Match(docs, @"with `loss` \(([^)]*)\)");
        Assert.True(listed.Success, "docs/diagnostics.md no longer lists the manifest's losses as \"with `loss` (…)\".");
        Assert.Equal(ActivationKit.Diagnostics.OutputCheck.Losses, listed.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries));
    }
}
