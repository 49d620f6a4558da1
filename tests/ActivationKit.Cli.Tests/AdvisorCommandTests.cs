using System.Text.Json;
using ActivationKit.Nn;

namespace ActivationKit.Cli.Tests;

/// <summary>recommend, check and problems through the command line.</summary>
public class AdvisorCommandTests
{
    private const string BadSpec = """
        { "inputs": 784, "task": "multiclass", "loss": "bce",
          "layers": [ {"units": 256, "activation": "sigmoid", "init": "glorot_uniform"},
                      {"units": 256, "activation": "sigmoid", "init": "zeros"},
                      {"units": 128, "activation": "tanh", "init": "normal(1)"},
                      {"units": 128, "activation": "sigmoid", "init": "glorot_uniform"},
                      {"units": 64, "activation": "sigmoid", "init": "glorot_uniform"},
                      {"units": 10, "activation": "softmax", "init": "glorot_uniform"} ] }
        """;

    private const string GoodSpec = """
        { "inputs": 784, "task": "multiclass", "loss": "cross_entropy",
          "layers": [ {"units": 256, "activation": "relu", "init": "he_normal"},
                      {"units": 128, "activation": "relu", "init": "he_normal"},
                      {"units": 10, "activation": "softmax", "init": "glorot_uniform"} ] }
        """;

    private static JsonElement Json(CliResult r) => JsonDocument.Parse(r.Out).RootElement;

    [Theory]
    [InlineData("relu", "he_normal", null, "--model", "mlp", "--task", "multiclass", "--layer", "hidden")]
    [InlineData("softmax", "glorot", "categorical cross-entropy", "--model", "cnn", "--task", "multiclass", "--layer", "output")]
    [InlineData("sigmoid", "glorot", "binary cross-entropy", "--model", "mlp", "--task", "binary", "--layer", "output")]
    [InlineData("sigmoid", "glorot", null, "--model", "lstm", "--layer", "gate")]
    [InlineData("tanh", "glorot", null, "--model", "gru", "--layer", "cell")]
    [InlineData("tanh", "glorot", null, "--model", "lstm")]
    [InlineData("tanh", "glorot", null, "--model", "gru", "--symptom", "vanishing-gradients")]
    [InlineData("hardtanh", "glorot", null, "--model", "rnn", "--constraint", "cheap")]
    [InlineData("tanh", "glorot", "discriminator's loss", "--model", "gan", "--layer", "output")]
    [InlineData("sigmoid", "glorot", "binary cross-entropy per input value", "--model", "autoencoder", "--layer", "output")]
    [InlineData("squareplus", "he_normal", null, "--constraint", "non-negative-output", "--constraint", "smooth")]
    [InlineData("leaky_relu", "he_normal", null, "--symptom", "dying-units")]
    [InlineData("swiglu", "", null, "--model", "transformer", "--layer", "hidden")]
    [InlineData("leaky_relu", "he_normal", null, "--model", "mlp", "--layer", "hidden", "--symptom", "dead-units")]
    [InlineData("selu", "lecun_normal", null, "--model", "mlp", "--layer", "hidden", "--depth", "10", "--constraint", "self-normalising")]
    [InlineData("identity", "glorot", "squared error", "--model", "regression", "--task", "regression", "--layer", "output")]
    public void Recommend_json_has_the_documented_shape_and_first_choice(string first, string init, string? loss, params string[] options)
    {
        var root = Json(Cli.Run(["recommend", .. options, "--json"]).Ok());
        var recs = root.GetProperty("recommendations");
        Assert.True(recs.GetArrayLength() >= 1);
        foreach (var r in recs.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, r.GetProperty("name").ValueKind);
            Assert.Equal(JsonValueKind.Object, r.GetProperty("params").ValueKind);
            Assert.Equal(JsonValueKind.String, r.GetProperty("init").ValueKind);
            Assert.True(r.GetProperty("loss").ValueKind is JsonValueKind.String or JsonValueKind.Null);
            Assert.True(r.GetProperty("why").GetArrayLength() >= 1);
            Assert.Equal(JsonValueKind.Array, r.GetProperty("caveats").ValueKind);
        }

        var top = recs[0];
        Assert.Equal(first, top.GetProperty("name").GetString());
        Assert.Contains(init, top.GetProperty("init").GetString(), StringComparison.Ordinal);
        if (loss is null) Assert.Equal(JsonValueKind.Null, top.GetProperty("loss").ValueKind);
        else Assert.Contains(loss, top.GetProperty("loss").GetString(), StringComparison.Ordinal);
        Assert.Contains(top.GetProperty("why").EnumerateArray(), w => w.GetString()!.Contains(": ", StringComparison.Ordinal));
    }

    [Fact]
    public void Gan_hidden_layers_get_leaky_relu_with_the_dcgan_slope_as_a_parameter()
    {
        var top = Json(Cli.Run("recommend", "--model", "gan", "--task", "binary", "--layer", "hidden", "--json").Ok()).GetProperty("recommendations")[0];
        Assert.Equal("leaky_relu", top.GetProperty("name").GetString());
        Assert.Equal(0.2, top.GetProperty("params").GetProperty("negative_slope").GetDouble());
        // The gain of slope 0.2, √(2/(1 + 0.2²)); it was the default slope's 1.4141.
        Assert.Equal("he_normal (gain 1.3868)", top.GetProperty("init").GetString());
    }

    [Theory]
    [InlineData("sigmoid", "binary cross-entropy per label")]
    [InlineData("hardsigmoid", "binary cross-entropy on its outputs", "--constraint", "cheap")]
    [InlineData("sigmoid", "binary cross-entropy per label", "--constraint", "quantisation-friendly")]
    [InlineData("sigmoid", "binary cross-entropy per label", "--depth", "12")]
    public void Multilabel_outputs_get_one_sigmoid_per_label_and_never_relu(string first, string loss, params string[] extra)
    {
        // sigmoid costs an exp, so --constraint cheap takes its piecewise-linear stand-in.
        var recs = Json(Cli.Run(["recommend", "--model", "mlp", "--task", "multilabel", "--layer", "output", "--top", "20", .. extra, "--json"]).Ok()).GetProperty("recommendations");
        Assert.Equal(first, recs[0].GetProperty("name").GetString());
        Assert.Contains(loss, recs[0].GetProperty("loss").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(recs.EnumerateArray(), r => r.GetProperty("name").GetString() is "relu" or "relu6" or "leaky_relu" or "softmax");
    }

    [Fact]
    public void Recommend_text_names_the_first_choice_pairing_and_reasons()
    {
        var r = Cli.RunWide("recommend", "--model", "mlp", "--task", "multilabel", "--layer", "output").Ok();
        Assert.Contains("1. sigmoid  ← first choice", r.Out, StringComparison.Ordinal);
        Assert.Contains("loss:    binary cross-entropy per label", r.Out, StringComparison.Ordinal);
        Assert.Contains("output-multilabel:", r.Out, StringComparison.Ordinal);
        Assert.Contains("one sigmoid per label", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unknown --model 'perceptron'; valid: mlp, cnn, rnn, lstm, gru, transformer, autoencoder, gan, regression", "recommend", "--model", "perceptron")]
    [InlineData("valid: regression, binary, multiclass, multilabel, ranking", "recommend", "--task", "clustering")]
    [InlineData("valid: hidden, output, gate, cell", "recommend", "--layer", "input")]
    [InlineData("valid: dead-units (or dying-units), vanishing-gradients", "recommend", "--symptom", "overfitting")]
    [InlineData("valid: bounded-output, non-negative-output, cheap", "recommend", "--constraint", "fast")]
    [InlineData("--symptom 'dead-units,,saturation' has an empty entry; separate the entries with single commas.", "recommend", "--symptom", "dead-units,,saturation")]
    [InlineData("--constraint 'cheap,' has an empty entry", "recommend", "--constraint", "cheap,")]
    [InlineData("applies to recurrent models only", "recommend", "--model", "mlp", "--layer", "gate")]
    [InlineData("--model regression contradicts --task binary", "recommend", "--model", "regression", "--task", "binary", "--layer", "output")]
    [InlineData("use it with --layer hidden", "recommend", "--layer", "output", "--constraint", "self-normalising")]
    [InlineData("No activation satisfies all of", "recommend", "--layer", "hidden", "--constraint", "bounded-output", "--constraint", "self-normalising")]
    [InlineData("--depth must be between 0 and 2147483647, got -1.", "recommend", "--depth", "-1")]
    [InlineData("--depth must be between 0 and 2147483647, got 99999999999.", "recommend", "--depth", "99999999999")]
    [InlineData("--depth takes a whole number from 0 to 2147483647, got 'deep'.", "recommend", "--depth", "deep")]
    [InlineData("--top must be between 1 and 20, got 99999999999.", "recommend", "--top", "99999999999")]
    [InlineData("--epochs takes a whole number from 1 to 1000, got '2.5'.", "recommend", "--try", "spirals", "--epochs", "2.5")]
    [InlineData("Only sigmoid meets all of: bounded-output, non-negative-output, smooth, but it does not suit the hidden layer of model mlp, task multiclass, symptoms vanishing-gradients", "recommend", "--symptom", "vanishing-gradients", "--constraint", "bounded-output,non-negative-output,smooth")]
    [InlineData("apply only with --try", "recommend", "--epochs", "3")]
    [InlineData("--samples must be between 20 and 100000, got 0.", "recommend", "--try", "spirals", "--samples", "0")]
    [InlineData("--samples must be between 20 and 100000, got 5.", "recommend", "--try", "spirals", "--samples", "5")]
    [InlineData("--seeds must be between 1 and 20, got 21.", "recommend", "--try", "spirals", "--seeds", "21")]
    [InlineData("no recurrent gates", "recommend", "--model", "lstm", "--layer", "gate", "--try", "spirals")]
    [InlineData("--try cannot measure a GAN generator's output", "recommend", "--model", "gan", "--layer", "output", "--try", "spirals")]
    [InlineData("--try cannot measure an autoencoder's reconstruction output", "recommend", "--model", "autoencoder", "--layer", "output", "--try", "spirals")]
    [InlineData("Unknown data 'galaxies'", "recommend", "--try", "galaxies")]
    [InlineData("needs a regression data set", "recommend", "--task", "regression", "--layer", "output", "--try", "spirals")]
    // F9 (exploratory tester): for the hidden layer the same mismatches ran a trial of the data's own task without a word.
    [InlineData("--task regression needs a regression data set (sine, or a CSV with a numeric target), but 'spirals' is a classification set.", "recommend", "--task", "regression", "--try", "spirals")]
    [InlineData("--task multiclass needs a classification data set, but 'sine' is a regression set; try it with --task regression.", "recommend", "--task", "multiclass", "--try", "sine")]
    [InlineData("--task multilabel needs a classification data set, but 'sine' is a regression set", "recommend", "--task", "multilabel", "--layer", "hidden", "--try", "sine")]
    [InlineData("--task binary needs a two-class data set, but 'sine' is a regression set; try it with --task regression.", "recommend", "--task", "binary", "--try", "sine")]
    public void Unknown_and_contradictory_options_are_clear_errors(string message, params string[] args)
    {
        Cli.Run(args).BadInput(message);
    }

    [Fact]
    public void A_hidden_layer_trial_runs_on_data_of_its_task_and_the_hint_names_such_data()
    {
        // F9: the hidden-layer trial's data must fit --task as the output layer's does; a matching pair still runs.
        var trial = Json(Cli.Run("recommend", "--task", "regression", "--top", "2", "--try", "sine", "--epochs", "1", "--seeds", "1", "--samples", "50", "--json").Ok()).GetProperty("trial");
        Assert.Equal("r2", trial.GetProperty("metric").GetString());
        Assert.Contains("--try sine", Cli.Run("recommend", "--task", "regression").Ok().Out, StringComparison.Ordinal);
        // Without --task the default follows the --try data: a regression set gives a regression trial, for the hidden
        // layer and the output layer alike (it was refused as "--task multiclass", which nobody had typed).
        foreach (string layer in new[] { "hidden", "output" })
        {
            var inferred = Json(Cli.Run("recommend", "--layer", layer, "--top", "2", "--try", "sine", "--epochs", "1", "--seeds", "1", "--samples", "50", "--json").Ok());
            Assert.Equal("regression", inferred.GetProperty("request").GetProperty("task").GetString());
        }
        string classification = Cli.Run("recommend").Ok().Out;
        Assert.Contains("--try spirals", classification, StringComparison.Ordinal);
        Assert.DoesNotContain("sine", classification, StringComparison.Ordinal);
    }

    [Fact]
    public void Try_measures_the_hidden_ranking_on_spirals_and_reports_agreement()
    {
        var root = Json(Cli.Run("recommend", "--layer", "hidden", "--top", "3", "--try", "spirals", "--epochs", "3", "--seeds", "2", "--samples", "300", "--json").Ok());
        var trial = root.GetProperty("trial");
        Assert.Equal("accuracy", trial.GetProperty("metric").GetString());
        Assert.Equal("hidden", trial.GetProperty("layer").GetString());
        var candidates = trial.GetProperty("candidates");
        Assert.Equal(3, candidates.GetArrayLength());
        var ruleNames = root.GetProperty("recommendations").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Equal(ruleNames.Order(), candidates.EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order());
        double previous = double.PositiveInfinity;
        foreach (var c in candidates.EnumerateArray())
        {
            double mean = c.GetProperty("mean").GetDouble();
            Assert.InRange(mean, 0.3, 1.0);
            Assert.True(mean <= previous, "candidates are listed best measured first");
            previous = mean;
            Assert.Equal(2, c.GetProperty("perSeed").GetArrayLength());
            Assert.Equal(mean, c.GetProperty("perSeed").EnumerateArray().Average(v => v.GetDouble()), 12);
        }

        var agreement = trial.GetProperty("agreement");
        foreach (string stat in new[] { "spearman", "kendallTauB" })
        {
            var v = agreement.GetProperty(stat);
            if (v.ValueKind == JsonValueKind.Number) Assert.InRange(v.GetDouble(), -1.0, 1.0);
            else Assert.Equal(JsonValueKind.Null, v.ValueKind);
        }

        Assert.Equal(ruleNames[0], agreement.GetProperty("firstChoice").GetString());
        Assert.True(agreement.GetProperty("firstChoiceWithinNoise").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.True(agreement.GetProperty("noiseThreshold").GetDouble() > 0);
    }

    [Fact]
    public void Try_swaps_the_output_activation_with_its_loss_pairing()
    {
        var r = Cli.RunWide("recommend", "--task", "binary", "--layer", "output", "--constraint", "quantisation-friendly", "--try", "moons", "--epochs", "2", "--seeds", "1", "--samples", "200").Ok();
        Assert.Contains("sigmoid + fused binary cross-entropy on logits", r.Out, StringComparison.Ordinal);
        Assert.Contains("hardsigmoid + binary cross-entropy on its outputs", r.Out, StringComparison.Ordinal);
        Assert.Contains("Agreement with the rule ranking", r.Out, StringComparison.Ordinal);
        Assert.Contains("trying sigmoid", r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("leaky_relu(nan)", "Layer 2: leaky_relu: parameter 'negative_slope' must be a finite number, got NaN.")]
    [InlineData("nosuch", "Layer 2: Unknown activation 'nosuch'")]
    public void Check_places_an_activation_error_in_its_layer(string activation, string message)
    {
        // The other spec errors said which layer; an activation that did not parse did not.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("spec.json"), $$"""{"inputs": 4, "layers": [{"units": 8, "activation": "relu"}, {"units": 8, "activation": "{{activation}}"}, {"units": 2, "activation": "softmax"}]}""");
        Cli.Run("check", dir.File("spec.json")).BadInput(message);
    }

    [Fact]
    public void Check_passes_a_sound_spec()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("good.json"), GoodSpec);
        var r = Cli.Run("check", dir.File("good.json")).Ok();
        Assert.Contains("No problems found.", r.Out, StringComparison.Ordinal);
        var json = Json(Cli.Run("check", dir.File("good.json"), "--json").Ok());
        Assert.Equal(0, json.GetProperty("problems").GetArrayLength());
        Assert.Equal("spec", json.GetProperty("kind").GetString());
    }

    [Fact]
    public void Check_lists_the_problems_of_a_bad_spec_with_fixes_and_exits_1()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.json"), BadSpec);
        var r = Cli.Run("check", dir.File("bad.json"), "--json");
        Assert.Equal(1, r.ExitCode);
        var problems = Json(r).GetProperty("problems").EnumerateArray().ToList();
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("fix").GetString())));
        bool Has(string kind, string layer, string text) => problems.Any(p =>
            p.GetProperty("kind").GetString() == kind
            && p.GetProperty("layer").GetString()!.StartsWith(layer, StringComparison.Ordinal)
            && p.GetProperty("explanation").GetString()!.Contains(text, StringComparison.Ordinal));
        Assert.True(Has("output_mismatch", "output", "Softmax with binary cross-entropy"));
        Assert.True(Has("symmetric_init", "layer 2", "zeros initialisation"));
        Assert.True(Has("vanishing_gradients", "hidden stack", "5 of 5 hidden layers"));
        Assert.True(Has("init_scale", "layer 3 (tanh)", "normal(1) gives a weight variance of 1 for 256 inputs, 69.1× what tanh needs (0.0145)"));

        var text = Cli.Run("check", dir.File("bad.json"));
        Assert.Equal(1, text.ExitCode);
        // Zeros under sigmoid (slope 1/4 at 0) before a random layer: the next layer's weights give each unit its own
        // gradient, so training separates the units; a warning, not "never become different".
        Assert.Contains("[warning] symmetric_init in layer 2 (sigmoid)", text.Out, StringComparison.Ordinal);
        Assert.Contains("More: actkit problems vanishing-gradients", text.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// `check` (wide output) of spec.json in <paramref name="dir"/>: 8 inputs, a hidden layer of 4 units of
    /// <paramref name="hidden"/> and a sigmoid output for a binary task, both initialised with <paramref name="init"/>.
    /// </summary>
    private static CliResult CheckBinarySpec(TempDir dir, string hidden, string init)
    {
        File.WriteAllText(dir.File("spec.json"), $$"""{"inputs": 8, "task": "binary", "layers": [{"units": 4, "activation": "{{hidden}}", "init": "{{init}}"}, {"units": 1, "activation": "sigmoid", "init": "{{init}}"}]}""");
        return Cli.RunWide("check", dir.File("spec.json"));
    }

    [Theory]
    [InlineData("normal(1e200)", "draws weights at the scale 1E+200")]
    [InlineData("uniform(1e39)", "draws weights at the scale 1E+39")]
    [InlineData("constant(-1e300)", "sets every weight to -1E+300")]
    public void Check_reports_an_initialiser_beyond_float32_as_overflowing_weights(string init, string what)
    {
        // normal(1e200) read as "a weight variance of Infinity, Infinity× what relu needs", a warning, and constant(1e300)
        // as symmetric only: the engine's float32 weights are ±∞, and training's first batch gives NaN.
        using var dir = new TempDir();
        var r = CheckBinarySpec(dir, "relu", init);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"[critical] init_scale in layer 1 (relu)\n  {init} {what}, beyond float32's largest finite value (3.4E+38): the weights, stored as float32, overflow to ±∞", r.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("[critical] init_scale in output", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("symmetric_init", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("normal(1e-50)", "relu", "critical", "draws weights at the scale 1E-50", "are all 0, and relu′(0) = 0: with the biases at 0 every unit outputs relu(0) and receives no gradient, so the layer never learns.")]
    [InlineData("uniform(7e-46)", "relu", "critical", "draws weights at the scale 7E-46", "are all 0, and relu′(0) = 0: with the biases at 0 every unit outputs relu(0) and receives no gradient, so the layer never learns.")]
    [InlineData("normal(1e-50)", "tanh", "warning", "draws weights at the scale 1E-50", "are all 0, so the layer starts as if initialised with zeros: its outputs do not depend on its inputs, and it passes next to no gradient back.")]
    [InlineData("uniform(1e-40)", "relu", "warning", "draws weights at the scale 1E-40", "are all 0 or subnormal, so the layer starts as if initialised with zeros: its outputs barely depend on its inputs, and it passes next to no gradient back.")]
    [InlineData("normal(1e-38)", "relu", "warning", "draws weights at the scale 1E-38", "are mostly 0 or subnormal, so the layer starts as if initialised with zeros: its outputs barely depend on its inputs, and it passes next to no gradient back.")]
    public void Check_reports_an_initialiser_below_float32s_normal_range_as_underflowing_weights(string init, string activation, string severity, string what, string consequence)
    {
        // normal(1e-50) read as "a weight variance of 1E-100 … the signal shrinks", a warning, and at the output as nothing,
        // while the engine's float32 weights are all 0 (train with relu learns nothing from them, as from zeros).
        using var dir = new TempDir();
        var r = CheckBinarySpec(dir, activation, init);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"[{severity}] init_scale in layer 1 ({activation})\n  {init} {what}, below float32's smallest normal value (1.18E-38): the weights, stored as float32, {consequence}", r.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"[warning] init_scale in output\n  {init} {what}, below float32's smallest normal value (1.18E-38)", r.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("weight variance", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("symmetric_init", r.Out, StringComparison.Ordinal);

        var problems = Json(Cli.Run("check", dir.File("spec.json"), "--json")).GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Equal(1.17549435e-38, p.GetProperty("evidence").GetProperty("float32_min_normal").GetDouble(), 1e-46));
    }

    [Theory]
    [InlineData("constant(-1e-46)", "sets every weight to -1E-46")]
    [InlineData("normal(1e-200)", "draws weights at the scale 1E-200")]
    public void Check_leaves_a_hidden_layer_of_equal_weights_to_symmetric_init_and_flags_the_output_below_float32(string init, string what)
    {
        // A hidden layer of equal weights in double too is symmetric_init, where train warns of it as well; the output
        // layer, which no symmetry check looks at, said nothing of its float32 weights being all 0.
        using var dir = new TempDir();
        var r = CheckBinarySpec(dir, "tanh", init);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("symmetric_init in layer 1 (tanh)", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("init_scale in layer 1", r.Out, StringComparison.Ordinal);
        Assert.Contains($"[warning] init_scale in output\n  {init} {what}, below float32's smallest normal value (1.18E-38): the weights, stored as float32, are all 0, so the layer starts as if initialised with zeros", r.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_judges_a_small_initialiser_within_float32s_normal_range_by_its_variance()
    {
        // 1.2e-38 is above float32's smallest normal value (1.17549435e-38): the weights are normal floats, only far too small.
        using var dir = new TempDir();
        var r = CheckBinarySpec(dir, "relu", "normal(1.2e-38)");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("[warning] init_scale in layer 1 (relu)\n  normal(1.2e-38) gives a weight variance of 1.44E-76 for 8 inputs", r.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("float32", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("in output", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("huber(-1)", "Huber delta must be finite and > 0, got '-1'.")]
    [InlineData("huber(nan)", "Huber delta must be finite and > 0, got 'nan'.")]
    [InlineData("huber(0)", "Huber delta must be finite and > 0, got '0'.")]
    [InlineData("huber(1e309)", "Huber delta must be finite and > 0, got '1e309', which overflows: it is beyond the largest finite double, ±1.7976931348623157E+308.")]
    [InlineData("huber(2", "Malformed loss 'huber(2': expected huber or huber(DELTA).")]
    [InlineData("huber(delta=-2)", "Huber delta must be finite and > 0, got '-2'.")]
    [InlineData("mse(2)", "Loss 'mse(2)' takes no value in parentheses; only huber(DELTA) does.")]
    [InlineData("smooth_l1(2)", "Loss 'smooth_l1(2)' takes no value in parentheses; only huber(DELTA) does.")]
    [InlineData("ce_logits(2)", "Loss 'ce_logits(2)' takes no value in parentheses; only huber(DELTA) does.")]
    public void Check_refuses_a_loss_value_that_train_refuses(string loss, string message)
    {
        // The loss's name alone was judged: huber(-1), huber(nan) and mse(2) were "No problems found", where train refuses
        // them; then check read the value by a copy of train's reader, and smooth_l1(2) (taken as huber(2)) still passed.
        // Both read it with LossSpec now: the same refusal, in the same words.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("loss.json"), $$"""{"inputs": 4, "task": "regression", "loss": "{{loss}}", "layers": [{"units": 3, "activation": "relu"}, {"units": 1, "activation": "identity"}]}""");
        Assert.Equal($"Error: {message}", Cli.RunWide("check", dir.File("loss.json")).BadInput(message).Err.Trim());
        string[] sine = ["train", "--data", "sine", "--samples", "100", "--hidden", "4", "--epochs", "1", "--loss", loss];
        Assert.Equal($"Error: {message}", Cli.RunWide(sine).BadInput(message).Err.Trim());
    }

    [Theory]
    [InlineData("huber(0.5)")]
    [InlineData("huber(delta=2)")]
    [InlineData("huber (2)")]
    [InlineData("Huber( delta = 2 )")]
    [InlineData("huber")]
    [InlineData("smooth_l1")]
    public void Check_and_train_both_take_a_loss_value_train_takes(string loss)
    {
        // check refused "huber (2)" (its name was read as "huber ") and took "huber(delta = 2)", which train refused.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("ok.json"), $$"""{"inputs": 4, "task": "regression", "loss": "{{loss}}", "layers": [{"units": 3, "activation": "relu"}, {"units": 1, "activation": "identity"}]}""");
        Cli.Run("check", dir.File("ok.json")).Ok();
        Cli.Run("train", "--data", "sine", "--samples", "100", "--hidden", "4", "--epochs", "1", "--loss", loss).Ok();
    }

    [Fact]
    public void Check_and_diagnose_exit_0_on_info_level_findings_alone()
    {
        // check exited 1 on an info-level init_scale finding (weights 8× too large, under the 16× of a warning), where
        // diagnose exits 0 for the same finding: both now fail only on a warning or a critical problem.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("info.json"), """{"inputs": 64, "task": "multiclass", "loss": "ce", "layers": [{"units": 64, "activation": "relu", "init": "normal(0.5)"}, {"units": 10, "activation": "softmax"}]}""");
        var r = Cli.Run("check", dir.File("info.json")).Ok();
        Assert.Contains("Nothing above info found; 1 info finding:", r.Out, StringComparison.Ordinal);
        Assert.Contains("[info] init_scale in layer 1 (relu)", r.Out, StringComparison.Ordinal);
        var problem = Assert.Single(Json(Cli.Run("check", dir.File("info.json"), "--json").Ok()).GetProperty("problems").EnumerateArray());
        Assert.Equal("info", problem.GetProperty("severity").GetString());

        // The same weight scale in dumped arrays: an info finding from diagnose, exit 0 as well.
        var random = new Random(5);
        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        ActivationKit.IO.Npy.Write(dir.File("h_w.npy"), Enumerable.Range(0, 64 * 64).Select(_ => 0.5f * Normal()).ToArray(), [64, 64]);
        ActivationKit.IO.Npy.Write(dir.File("h_pre.npy"), Enumerable.Range(0, 256 * 64).Select(_ => Normal()).ToArray(), [256, 64]);
        ActivationKit.IO.Npy.Write(dir.File("o_w.npy"), Enumerable.Range(0, 64 * 10).Select(_ => 0.125f * Normal()).ToArray(), [64, 10]);
        ActivationKit.IO.Npy.Write(dir.File("o_pre.npy"), Enumerable.Range(0, 256 * 10).Select(_ => Normal()).ToArray(), [256, 10]);
        File.WriteAllText(dir.File("manifest.json"), """{"layers": [{"name": "h", "activation": "relu", "pre": "h_pre.npy", "weights": "h_w.npy"}, {"name": "o", "activation": "linear", "pre": "o_pre.npy", "weights": "o_w.npy"}]}""");
        var d = Cli.Run("diagnose", dir.Path, "--json").Ok();
        var finding = Assert.Single(JsonDocument.Parse(d.Out).RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("init_scale", finding.GetProperty("kind").GetString());
        Assert.Equal("info", finding.GetProperty("severity").GetString());

        // A warning still fails both.
        File.WriteAllText(dir.File("warn.json"), """{"inputs": 64, "task": "multiclass", "loss": "ce", "layers": [{"units": 64, "activation": "relu", "init": "normal(2)"}, {"units": 10, "activation": "softmax"}]}""");
        var w = Cli.Run("check", dir.File("warn.json"));
        Assert.Equal(1, w.ExitCode);
        Assert.Contains("1 problem(s):", w.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_warns_of_a_deep_tanhshrink_stack_as_of_a_tanh_one()
    {
        // A 10-layer tanhshrink stack (marked vanishing-gradients) got "No problems found", exit 0; a tanh stack warned.
        using var dir = new TempDir();
        foreach (string activation in new[] { "tanhshrink", "tanh" })
        {
            string layers = string.Join(", ", Enumerable.Repeat($$"""{"units": 32, "activation": "{{activation}}"}""", 10));
            File.WriteAllText(dir.File($"{activation}.json"), $$"""{"layers": [{{layers}}, {"units": 1, "activation": "identity"}]}""");
            var r = Cli.Run("check", dir.File($"{activation}.json"));
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("vanishing_gradients in hidden stack", r.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_links_a_problem_page_only_for_a_function_it_concerns()
    {
        // The init-sensitivity page names ReLU as free of it, so a ReLU layer's init-scale finding does not point there.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("s.json"), """{"inputs": 64, "task": "regression", "loss": "mse", "layers": [{"units": 64, "activation": "relu", "init": "normal(0.01)"}, {"units": 64, "activation": "selu", "init": "normal(0.5)"}, {"units": 1, "activation": "identity"}]}""");
        string text = Cli.Run("check", dir.File("s.json")).Out;
        int relu = text.IndexOf("init_scale in layer 1 (relu)", StringComparison.Ordinal), selu = text.IndexOf("init_scale in layer 2 (selu)", StringComparison.Ordinal);
        Assert.True(relu >= 0 && selu > relu, text);
        Assert.DoesNotContain("More:", text[relu..selu], StringComparison.Ordinal);
        Assert.Contains("More: actkit problems init-sensitivity", text[selu..], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_judges_an_explicit_scale_by_its_variance_and_says_when_the_first_fan_in_is_unknown()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("n.json"), """
            {"inputs": 64, "layers": [{"units": 64, "activation": "sigmoid", "init": "normal(1)"}, {"units": 1, "activation": "identity"}]}
            """);
        var r = Cli.Run("check", dir.File("n.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("[warning] init_scale in layer 1 (sigmoid)", r.Out, StringComparison.Ordinal);
        File.WriteAllText(dir.File("no-inputs.json"), """
            {"layers": [{"units": 64, "activation": "sigmoid", "init": "normal(1)"}, {"units": 1, "activation": "identity"}]}
            """);
        var quiet = Cli.Run("check", dir.File("no-inputs.json")).Ok();
        Assert.Contains("Note: The spec gives no \"inputs\", so layer 1's initialisation scale was not checked (its fan-in is unknown).", quiet.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_reads_a_saved_model_and_its_recorded_initialiser()
    {
        using var dir = new TempDir();
        var good = Mlp.Build(2, [8, 8], "relu", 2);
        good.Initialize(Initializer.Auto, 1);
        ModelFile.Save(dir.File("good.akm"), good, new ModelMetadata { Task = "classification", ClassCount = 2, Loss = "cross_entropy", Init = "auto" });
        var ok = Json(Cli.Run("check", dir.File("good.akm"), "--json").Ok());
        Assert.Equal("model", ok.GetProperty("kind").GetString());
        Assert.Equal(0, ok.GetProperty("problems").GetArrayLength());

        var bad = Mlp.Build(2, [8, 8], "tanh", 2);
        bad.Initialize(Initializer.Parse("zeros"), 1);
        ModelFile.Save(dir.File("bad.akm"), bad, new ModelMetadata { Task = "classification", ClassCount = 2, Loss = "cross_entropy", Init = "zeros" });
        var r = Cli.Run("check", dir.File("bad.akm"), "--json");
        Assert.Equal(1, r.ExitCode);
        var problems = Json(r).GetProperty("problems").EnumerateArray().ToList();
        Assert.Contains(problems, p => p.GetProperty("kind").GetString() == "symmetric_init" && p.GetProperty("layer").GetString()!.StartsWith("layer 1 (tanh)", StringComparison.Ordinal));
        Assert.Equal(2, problems.Count(p => p.GetProperty("kind").GetString() == "symmetric_init"));

        // The recorded scale counts, not only the scheme's name: normal(1) on 64 inputs is 64× what sigmoid needs.
        var scaled = Mlp.Build(64, [64, 64], "sigmoid", 2);
        scaled.Initialize(Initializer.Parse("normal(1)"), 1);
        ModelFile.Save(dir.File("scaled.akm"), scaled, new ModelMetadata { Task = "classification", ClassCount = 2, Loss = "cross_entropy", Init = "normal(1)" });
        var s = Cli.Run("check", dir.File("scaled.akm"), "--json");
        Assert.Equal(1, s.ExitCode);
        var scale = Json(s).GetProperty("problems").EnumerateArray().Where(p => p.GetProperty("kind").GetString() == "init_scale").ToList();
        Assert.Contains(scale, p => p.GetProperty("layer").GetString() == "layer 1 (sigmoid)" && p.GetProperty("explanation").GetString()!.StartsWith("normal(1) gives a weight variance of 1 for 64 inputs, 64×", StringComparison.Ordinal));
        Assert.Contains(scale, p => p.GetProperty("layer").GetString() == "network");
    }

    [Fact]
    public void Check_warns_about_a_saved_model_whose_inputs_share_a_name()
    {
        // train on a header naming two columns alike saved featureNames ["a", "A ", "b"], and check said "No problems
        // found.", exit 0: predict matches a table's columns by name and cannot tell those two apart. train now refuses
        // such a header; a model saved before, or through the library, still has them, and check still warns.
        using var dir = new TempDir();
        var rows = Enumerable.Range(0, 40).Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i % 7},{i % 5},{i % 3},{i % 2}"));
        File.WriteAllText(dir.File("dup.csv"), "a,A ,b,y\n" + string.Join("\n", rows) + "\n");
        Cli.Run("train", "--data", dir.File("dup.csv"), "--hidden", "4", "--epochs", "1").BadInput("the header repeats the column name 'a' as 'A' (columns 1 and 2;");
        File.WriteAllText(dir.File("ok.csv"), "a,c,b,y\n" + string.Join("\n", rows) + "\n");
        Cli.Run("train", "--data", dir.File("ok.csv"), "--hidden", "4", "--epochs", "1", "--save", dir.File("ok.akm")).Ok();
        var (network, metadata) = ModelFile.Load(dir.File("ok.akm"));
        ModelFile.Save(dir.File("dup.akm"), network, metadata with { FeatureNames = ["a", "A ", "b"] });
        var r = Cli.Run("check", dir.File("dup.akm"), "--json");
        Assert.Equal(1, r.ExitCode);
        var problem = Assert.Single(Json(r).GetProperty("problems").EnumerateArray());
        Assert.Equal("repeated_input_names", problem.GetProperty("kind").GetString());
        Assert.Equal("warning", problem.GetProperty("severity").GetString());
        Assert.Equal("The model gives inputs 1 and 2 the same name, 'a', so predict cannot tell those columns of a table apart by name: a table with them swapped is read without a word.", problem.GetProperty("explanation").GetString());

        // Distinct names are no finding.
        Assert.DoesNotContain("repeated_input_names", Cli.Run("check", dir.File("ok.akm")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_reads_the_task_train_records_and_checks_the_output_against_it()
    {
        // train records "binary" or "regression"; check used to skip the output and loss checks for these.
        using var dir = new TempDir();
        Cli.Run("train", "--data", "xor", "--samples", "200", "--hidden", "4", "--epochs", "1", "--save", dir.File("b.akm")).Ok();
        var binary = Cli.Run("check", dir.File("b.akm")).Ok();
        Assert.Contains("task binary, loss bce_logits", binary.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("not checked", binary.Out, StringComparison.Ordinal);

        Cli.Run("train", "--data", "xor", "--samples", "200", "--hidden", "4", "--epochs", "1", "--task", "regression", "--output", "sigmoid", "--save", dir.File("r.akm")).Ok();
        var r = Cli.Run("check", dir.File("r.akm"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("output_mismatch", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_of_a_folder_says_it_is_a_folder()
    {
        // It said "File not found: /tmp".
        using var dir = new TempDir();
        Cli.Run("check", dir.Path).BadInput($"'{dir.Path}' is a folder; give a JSON network spec or a saved model file.");
    }

    [Fact]
    public void Check_reads_a_spec_saved_with_a_utf8_byte_order_mark()
    {
        // It was refused as "neither a JSON network spec (it must start with '{') nor an actkit model file".
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bom.json"), GoodSpec, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(dir.File("bom.json"))[0]);
        Assert.Contains("No problems found.", Cli.Run("check", dir.File("bom.json")).Ok().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_of_a_model_without_init_metadata_still_finds_identical_units_in_the_weights()
    {
        using var dir = new TempDir();
        var net = Mlp.Build(3, [4], "relu", 1);
        net.Initialize(Initializer.Parse("constant(0.5)"), 1);
        ModelFile.Save(dir.File("m.bin"), net, new ModelMetadata { Task = "regression" });
        var r = Cli.Run("check", dir.File("m.bin"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("records no initialiser", r.Out, StringComparison.Ordinal);
        Assert.Contains("In the stored weights: All 12 weights of layer 1 (relu) equal 0.5", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("multiclass", "Foo(2)")]
    [InlineData("ranking", "Foo(2)")]
    [InlineData("multiclass", "foo_logits")]
    public void Check_quotes_an_unknown_loss_as_the_spec_writes_it(string task, string loss)
    {
        // The value and the spelling were dropped ("Unknown loss 'foo'" for foo(2)), while train quotes what it was given.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("net.json"), $$"""
            { "inputs": 4, "task": "{{task}}", "loss": "{{loss}}",
              "layers": [ {"units": 8, "activation": "relu", "init": "he_normal"}, {"units": 3, "activation": "{{(task == "ranking" ? "identity" : "softmax")}}", "init": "glorot_uniform"} ] }
            """);
        Cli.Run("check", dir.File("net.json")).BadInput($"Error: Unknown loss '{loss}'; valid: mse, mae, huber, poisson, bce, bce_logits, ce, ce_logits, ranknet, listnet.");
        Cli.Run("train", "--data", "sine", "--samples", "100", "--hidden", "4", "--epochs", "1", "--loss", loss).BadInput($"Unknown --loss '{loss}'");
    }

    [Fact]
    public void Check_and_diagnose_of_a_model_report_a_single_relu_unit_whose_stored_weights_are_zero()
    {
        // check on a spec and train judge a one-unit layer (InitCheck.EqualWeightsMatter); the stored weights' check
        // skipped it, so a saved model whose single relu unit is all zeros was "No problems found.".
        using var dir = new TempDir();
        var net = Mlp.Build(2, [1], "relu", 1);
        net.Initialize(Initializer.Auto, 1);
        net.Layers[0].Weights.AsSpan().Clear();
        net.Layers[0].Bias.AsSpan().Clear();
        ModelFile.Save(dir.File("stuck.akm"), net, new ModelMetadata { Task = "regression" });
        var r = Cli.Run("check", dir.File("stuck.akm"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("In the stored weights: All 2 weights of the single unit of layer 1 (relu) are 0 and relu′(0) = 0", r.Out, StringComparison.Ordinal);
        var d = Cli.Run("diagnose", "--model", dir.File("stuck.akm"), "--data", "moons", "--json");
        Assert.Contains(JsonDocument.Parse(d.Out).RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "symmetric_init");

        // A single tanh unit of zeros still gets a gradient: no finding, as for a spec.
        var tanh = Mlp.Build(3, [1], "tanh", 1);
        tanh.Initialize(Initializer.Auto, 1);
        tanh.Layers[0].Weights.AsSpan().Clear();
        tanh.Layers[0].Bias.AsSpan().Clear();
        ModelFile.Save(dir.File("tanh.akm"), tanh, new ModelMetadata { Task = "regression" });
        Assert.DoesNotContain("symmetric_init", Cli.Run("check", dir.File("tanh.akm"), "--json").Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("does-not-exist.json", "The file '")]
    [InlineData("notjson", "neither a JSON network spec")]
    [InlineData("corrupt", "corrupt.in: truncated — the file is 15 bytes and ends 3 bytes into its 65,535-byte header (the header alone needs 65,547 bytes, the weights follow it).")]
    [InlineData("empty-layers", "no \"layers\"")]
    [InlineData("unknown-init", "Unknown initialiser 'he_magic'")]
    [InlineData("loss-no-task", "no \"task\"")]
    [InlineData("zero-inputs", "\"inputs\" must be a whole number ≥ 1 (the input features), got 0.")]
    [InlineData("unknown-key", "Layer 2 of the spec: unknown key \"activaton\" (known: units, activation, init).")]
    [InlineData("null-layers", "\"layers\" must be a list of")]
    [InlineData("null-init", "Layer 1 of the spec: \"init\" must be a string")]
    [InlineData("number-activation", "Error: Layer 1 of the spec: \"activation\" must be a string (a catalog name such as \"relu\"), got 5.")]
    [InlineData("prelu-channels", "Layer 1: prelu(num_parameters=3) has 3 slopes, one per channel, but the layer has 256 units")]
    public void Check_rejects_bad_input_with_exit_2(string kind, string message)
    {
        using var dir = new TempDir();
        string path = dir.File(kind == "does-not-exist.json" ? kind : kind + ".in");
        switch (kind)
        {
            case "notjson": File.WriteAllText(path, "layers: [relu]"); break;
            case "corrupt": File.WriteAllBytes(path, [.. "AKNNMLP1"u8.ToArray(), 0xFF, 0xFF, 0, 0, 1, 2, 3]); break;
            case "empty-layers": File.WriteAllText(path, "{\"layers\": []}"); break;
            case "unknown-init": File.WriteAllText(path, "{\"layers\": [{\"units\": 3, \"activation\": \"relu\", \"init\": \"he_magic\"}, {\"units\": 1, \"activation\": \"sigmoid\"}]}"); break;
            case "loss-no-task": File.WriteAllText(path, "{\"loss\": \"mse\", \"layers\": [{\"units\": 1, \"activation\": \"identity\"}]}"); break;
            case "zero-inputs": File.WriteAllText(path, "{\"inputs\": 0, \"layers\": [{\"units\": 1, \"activation\": \"identity\"}]}"); break;
            case "unknown-key": File.WriteAllText(path, "{\"layers\": [{\"units\": 3, \"activation\": \"relu\"}, {\"units\": 1, \"activaton\": \"sigmoid\"}]}"); break;
            case "null-layers": File.WriteAllText(path, "{\"inputs\": 4, \"layers\": null}"); break;
            case "null-init": File.WriteAllText(path, "{\"layers\": [{\"units\": 3, \"activation\": \"relu\", \"init\": null}]}"); break;
            case "number-activation": File.WriteAllText(path, "{\"inputs\": 2, \"layers\": [{\"units\": 4, \"activation\": 5}, {\"units\": 1, \"activation\": \"sigmoid\"}]}"); break;
            case "prelu-channels": File.WriteAllText(path, "{\"inputs\": 4, \"layers\": [{\"units\": 256, \"activation\": \"prelu(num_parameters=3)\"}, {\"units\": 1, \"activation\": \"identity\"}]}"); break;
        }

        Cli.Run("check", path).BadInput(message);
    }

    [Fact]
    public void Check_takes_the_initialisers_train_takes_and_flags_a_single_softmax_output()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("n.json"), """
            {"inputs": 2, "task": "multiclass", "loss": "ce", "layers": [{"units": 16, "activation": "relu", "init": "normal(1)"}, {"units": 2, "activation": "softmax", "init": "constant(0.5)"}]}
            """);
        Assert.Contains("No problems found.", Cli.Run("check", dir.File("n.json")).Ok().Out, StringComparison.Ordinal);
        File.WriteAllText(dir.File("one.json"), """
            {"inputs": 2, "task": "multiclass", "loss": "ce", "layers": [{"units": 16, "activation": "relu", "init": "he_normal"}, {"units": 1, "activation": "softmax"}]}
            """);
        var r = Cli.Run("check", dir.File("one.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("[critical] output_mismatch in output", r.Out, StringComparison.Ordinal);
        Assert.Contains("softmax over a single unit always outputs 1 and passes no gradient", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_lists_every_problem_with_its_functions()
    {
        var r = Cli.RunWide("problems").Ok();
        foreach (var p in ActivationKit.Advisor.ActivationProblems.All) Assert.Contains(p.Id, r.Out, StringComparison.Ordinal);
        var json = Json(Cli.Run("problems", "--json").Ok()).GetProperty("problems");
        Assert.Equal(ActivationKit.Advisor.ActivationProblems.All.Count, json.GetArrayLength());
        var vanishing = json.EnumerateArray().Single(p => p.GetProperty("id").GetString() == "vanishing-gradients");
        var functions = vanishing.GetProperty("functions").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("sigmoid", functions);
        Assert.DoesNotContain("relu", functions);
    }

    [Fact]
    public void Problems_by_id_explains_detection_and_fixes()
    {
        var r = Cli.RunWide("problems", "dying_units").Ok();
        Assert.Contains("Dying (dead) units (dying-units)", r.Out, StringComparison.Ordinal);
        Assert.Contains("reported as `dead_units` by `actkit diagnose` and `actkit train --diagnose`", r.Out, StringComparison.Ordinal);
        Assert.Contains("Leaky ReLU, PReLU or ELU", r.Out, StringComparison.Ordinal);
        var json = Json(Cli.Run("problems", "dying-units", "--json").Ok());
        Assert.Equal("dead_units", json.GetProperty("detectedBy").GetString());
        Assert.Contains("relu", json.GetProperty("functions").EnumerateArray().Select(f => f.GetString()));
        Assert.DoesNotContain("leaky_relu", json.GetProperty("functions").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains("leaky_relu", json.GetProperty("alternatives").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public void Problems_takes_a_spec_like_every_other_command()
    {
        var json = Json(Cli.Run("problems", "leaky_relu(0.2)", "--json").Ok());
        Assert.Equal("leaky_relu", json.GetProperty("function").GetString());
        Cli.Run("problems", "elu(alpha=2,").BadInput("elu");
        Cli.Run("problems", "leaky_relu(slope=0.2)").BadInput("slope");
    }

    [Fact]
    public void Problems_of_a_spec_away_from_the_defaults_say_they_are_the_defaults_problems()
    {
        // leaky_relu(0) is relu, whose units die; the catalog's leaky_relu problems (at 0.01) have no dying units, and
        // problems 'leaky_relu(0)' listed them as if they held at the slope given.
        var r = Cli.RunWide("problems", "leaky_relu(0)").Ok();
        Assert.Contains("at its default parameters, leaky_relu(negative_slope=0.01), not at leaky_relu(negative_slope=0)", r.Out, StringComparison.Ordinal);
        var json = Json(Cli.Run("problems", "leaky_relu(0)", "--json").Ok());
        Assert.Equal("leaky_relu(negative_slope=0)", json.GetProperty("spec").GetString());
        Assert.Equal("leaky_relu(negative_slope=0.01)", json.GetProperty("problemsAt").GetString());

        // At the defaults, spelled out or not, nothing needs saying.
        Assert.DoesNotContain("default parameters", Cli.RunWide("problems", "leaky_relu(0.01)").Ok().Out, StringComparison.Ordinal);
        Assert.DoesNotContain("default parameters", Cli.RunWide("problems", "leaky_relu").Ok().Out, StringComparison.Ordinal);
        Assert.Equal("leaky_relu(negative_slope=0.01)", Json(Cli.Run("problems", "leaky_relu", "--json").Ok()).GetProperty("spec").GetString());
    }

    [Fact]
    public void Problems_by_function_lists_its_problems_and_remedies()
    {
        var json = Json(Cli.Run("problems", "sigmoid", "--json").Ok());
        Assert.Equal("sigmoid", json.GetProperty("function").GetString());
        var ids = json.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Contains("vanishing-gradients", ids);
        Assert.Contains("not-zero-centred", ids);
        Assert.DoesNotContain("dying-units", ids);
        var r = Cli.RunWide("problems", "relu").Ok();
        Assert.Contains("Dying (dead) units (dying-units)", r.Out, StringComparison.Ordinal);
        Assert.Contains("Without it: leaky_relu", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gelu")]
    [InlineData("hardtanh")]
    [InlineData("selu")]
    [InlineData("hardsigmoid")]
    public void Problems_of_a_function_are_the_ones_show_lists(string name)
    {
        // problems gelu listed 6 (derived from properties) where show gelu listed the catalog's 3.
        var ids = Json(Cli.Run("problems", name, "--json").Ok()).GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("title").GetString()).ToList();
        var info = ActivationKit.Catalog.ActivationCatalog.Find(name)!;
        Assert.Equal(Enum.GetValues<ActivationKit.Catalog.KnownProblem>().Count(p => p != 0 && info.Problems.HasFlag(p)), ids.Count);
        var show = Cli.RunWide("show", name, "--no-plot").Ok().Out;
        var bullets = show[show.IndexOf("Known problems", StringComparison.Ordinal)..].Split('\n').Skip(1).TakeWhile(l => l.StartsWith("• ", StringComparison.Ordinal));
        Assert.Equal(ids.Count, bullets.Count());
    }

    [Fact]
    public void Problems_and_symptoms_take_each_others_spelling()
    {
        // problems dead-units exited 2 without a suggestion; recommend --symptom dying-units failed the other way.
        var r = Cli.RunWide("problems", "dead-units").Ok();
        Assert.StartsWith("Dying (dead) units (dying-units)", r.Out, StringComparison.Ordinal);
        Assert.Contains("Also spelled: dead-units", r.Out, StringComparison.Ordinal);
        Assert.Contains("Seen in training: actkit recommend --symptom dead-units (or --symptom dying-units)", r.Out, StringComparison.Ordinal);
        Assert.Contains("Seen in training: actkit recommend --symptom saturation\n", Cli.RunWide("problems", "saturation").Ok().Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var json = Json(Cli.Run("problems", "dead_units", "--json").Ok());
        Assert.Equal("dying-units", json.GetProperty("id").GetString());
        Assert.Equal("dead-units", json.GetProperty("symptom").GetString());
        var recs = Json(Cli.Run("recommend", "--symptom", "dying-units", "--json").Ok());
        Assert.Equal("dead-units", recs.GetProperty("request").GetProperty("symptoms")[0].GetString());
    }

    [Fact]
    public void Recommend_answers_constraints_no_rule_serves_with_the_functions_that_meet_them()
    {
        // Exit 2 "No activation satisfies all of: … Drop a constraint." although softplus, squareplus and sigmoid do.
        var r = Cli.RunWide("recommend", "--constraint", "non-negative-output", "--constraint", "smooth").Ok();
        foreach (string name in new[] { "squareplus", "softplus", "sigmoid" }) Assert.Contains($". {name}", r.Out, StringComparison.Ordinal);
        Assert.Contains("fallback: meets your constraints (non-negative-output, smooth); no rule for this case prefers it", r.Out, StringComparison.Ordinal);

        // The exponential ranked third, ahead of sigmoid, with nothing said of its slope compounding into overflow.
        Assert.Contains("4. exponential", r.Out, StringComparison.Ordinal);
        Assert.Contains("slope grows without bound (f′(x) = exp(x))", r.Out, StringComparison.Ordinal);
        var cnn = Cli.RunWide("recommend", "--model", "cnn", "--constraint", "non-negative-output", "--symptom", "dead-units").Ok();
        Assert.Contains("has none of the problems you report (dying-units)", cnn.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(". relu", cnn.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_with_an_unknown_name_suggests_the_closest()
    {
        Cli.Run("problems", "vanishing").BadInput("Did you mean 'vanishing-gradients'");
        Cli.Run("problems", "rellu").BadInput("'relu'");
        Cli.Run("problems", "dead").BadInput("Did you mean 'dying-units'?");
        var r = Cli.Run("problems", "qqqqq").BadInput("'qqqqq' is neither a problem nor a function. Problems:");
        Assert.DoesNotContain("Did you mean", r.Err, StringComparison.Ordinal);
    }

    // A file of up to 5 rows left one validation sample: every candidate came out "diverged" with r2 0, and the ranking
    // of nothing was printed with exit 0.
    [Fact]
    public void Try_refuses_a_file_too_small_to_leave_a_validation_split_and_runs_on_the_smallest_that_does()
    {
        using var dir = new TempDir();
        string Rows(int n)
        {
            string path = dir.File($"r{n}.csv");
            File.WriteAllLines(path, ["a,y", .. Enumerable.Range(0, n).Select(i => FormattableString.Invariant($"{i * 0.25 - 1},{(i * 0.5) + (i % 2 * 0.1)}"))]);
            return path;
        }

        Cli.Run("recommend", "--try", Rows(5), "--seeds", "1", "--epochs", "2", "--top", "1")
            .BadInput("Error: 'r5.csv' has 5 sample(s), too few for a trial: its validation part would hold 1, and a score needs at least 2; give at least 6 samples.");
        var ok = Cli.Run("recommend", "--try", Rows(6), "--seeds", "1", "--epochs", "2", "--top", "1", "--json").Ok();
        using var json = System.Text.Json.JsonDocument.Parse(ok.Out);
        Assert.True(json.RootElement.TryGetProperty("trial", out _), ok.Out);
    }
}
