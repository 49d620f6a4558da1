using ActivationKit.Advisor;
using ActivationKit.Catalog;
using ActivationKit.Diagnostics;

namespace ActivationKit.Tests;

/// <summary>Every rule, table-driven: options in, first choice and pairing out; plus errors, problems and the spec check.</summary>
public class AdvisorTests
{
    public static TheoryData<string, string, string, int, string, string, string, string, string> Rules() => new()
    {
        // model, task, layer, depth, symptoms, constraints → first, loss contains, init contains
        { "mlp", "regression", "output", 0, "", "", "identity", "squared error", "glorot" },
        { "regression", "regression", "output", 0, "", "", "identity", "squared error", "glorot" },
        { "mlp", "regression", "output", 0, "", "bounded-output", "tanh", "scaled", "glorot" },
        { "mlp", "regression", "output", 0, "", "non-negative-output", "softplus", "Poisson", "glorot" },
        { "mlp", "binary", "output", 0, "", "", "sigmoid", "binary cross-entropy", "glorot" },
        { "cnn", "multiclass", "output", 0, "", "", "softmax", "categorical cross-entropy", "glorot" },
        { "mlp", "multilabel", "output", 0, "", "", "sigmoid", "per label", "glorot" },
        { "mlp", "ranking", "output", 0, "", "", "identity", "RankNet", "glorot" },
        { "lstm", "multiclass", "gate", 0, "", "", "sigmoid", "", "glorot" },
        { "gru", "multiclass", "gate", 0, "", "", "sigmoid", "", "glorot" },
        { "rnn", "multiclass", "cell", 0, "", "", "tanh", "", "glorot" },
        { "lstm", "regression", "cell", 0, "", "", "tanh", "", "glorot" },
        { "mlp", "multiclass", "hidden", 3, "", "", "relu", "", "he_normal" },
        { "cnn", "multilabel", "hidden", 3, "", "", "relu", "", "he_normal" },
        { "autoencoder", "regression", "hidden", 3, "", "", "relu", "", "he_normal" },
        { "transformer", "multiclass", "hidden", 12, "", "", "swiglu", "", "" },
        { "gan", "binary", "hidden", 4, "", "", "leaky_relu", "", "he_normal" },
        { "gan", "regression", "output", 4, "", "", "tanh", "discriminator's loss", "glorot" },
        { "gan", "multiclass", "output", 0, "", "", "tanh", "discriminator's loss", "glorot" },
        { "gan", "binary", "output", 0, "", "", "sigmoid", "binary cross-entropy", "glorot" },
        { "autoencoder", "multiclass", "output", 0, "", "", "sigmoid", "binary cross-entropy per input value", "glorot" },
        { "autoencoder", "regression", "output", 0, "", "", "identity", "mean squared error against the (standardised) input", "glorot" },
        { "mlp", "multiclass", "hidden", 10, "dead-units", "", "leaky_relu", "", "he_normal" },
        { "cnn", "multiclass", "hidden", 20, "vanishing-gradients", "", "relu", "", "he_normal" },
        { "mlp", "multiclass", "hidden", 4, "exploding-gradients", "", "relu6", "", "he_normal" },
        { "mlp", "multiclass", "hidden", 3, "slow-convergence", "", "elu", "", "" },
        { "mlp", "multiclass", "hidden", 3, "saturation", "", "relu", "", "he_normal" },
        { "mlp", "multiclass", "hidden", 8, "", "self-normalising", "selu", "", "lecun_normal" },
        { "cnn", "multiclass", "hidden", 3, "", "quantisation-friendly", "relu6", "", "" },
        { "mlp", "multiclass", "hidden", 3, "", "smooth", "gelu", "", "" },
        { "mlp", "binary", "output", 0, "", "cheap", "hardsigmoid", "binary cross-entropy on its outputs", "" },
        { "mlp", "multiclass", "hidden", 12, "", "", "relu", "", "he_normal" },
        { "mlp", "multiclass", "hidden", 3, "", "bounded-output", "tanh", "", "glorot" },
        { "cnn", "multiclass", "hidden", 3, "", "cheap", "relu", "", "he_normal" },
        { "lstm", "multiclass", "gate", 0, "", "quantisation-friendly", "sigmoid", "", "glorot" },
        { "gru", "multiclass", "cell", 0, "", "cheap", "hardtanh", "", "glorot" },
        { "lstm", "multiclass", "hidden", 0, "", "", "tanh", "", "glorot" },
        { "mlp", "regression", "output", 0, "", "quantisation-friendly", "identity", "squared error", "glorot" },
        { "gru", "multiclass", "hidden", 0, "vanishing-gradients", "", "tanh", "", "glorot" },
        { "rnn", "regression", "hidden", 0, "", "cheap", "hardtanh", "", "glorot" },
        { "mlp", "multiclass", "hidden", 3, "", "non-negative-output,smooth", "squareplus", "", "he_normal (gain 0.8165)" },
        { "mlp", "multiclass", "output", 0, "", "cheap", "identity", "softmax cross-entropy on the logits", "glorot" },
    };

    [Fact]
    public void Bad_requests_and_catalog_arguments_name_the_problem()
    {
        // A count of 0 said "No activation satisfies all of: … Drop a constraint." with no constraint given.
        Assert.Throws<ArgumentOutOfRangeException>(() => ActivationAdvisor.Recommend(new AdvisorRequest(), 0));
        Assert.Contains("Symptoms must be a list", Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(new AdvisorRequest { Symptoms = null! })).Message, StringComparison.Ordinal);
        Assert.Contains("is not a LayerRole", Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(new AdvisorRequest { Layer = (LayerRole)42 })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => ActivationCatalog.Find(null!));
        Assert.Throws<ArgumentNullException>(() => ActivationCatalog.Create("relu", (IReadOnlyDictionary<string, double>)null!));
        Assert.Throws<ArgumentNullException>(() => ActivationCatalog.Create((ActivationInfo)null!));
        var copy = ActivationCatalog.Find("relu")! with { Name = "x" };
        Assert.Contains("not one of the catalog's entries", Assert.Throws<ArgumentException>(() => ActivationCatalog.ImplementationOf(copy)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rule_table_exercises_every_rule()
    {
        var fired = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in Rules())
        {
            var recs = ActivationAdvisor.Recommend(Request((string)row[0], (string)row[1], (string)row[2], (int)row[3], (string)row[4], (string)row[5]), count: 20);
            foreach (var why in recs.SelectMany(r => r.Why)) fired.Add(why.Split(':')[0]);
        }

        var missing = AdvisorRules.All.Select(r => r.Id).Where(id => !fired.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "rules without a table row: " + string.Join(", ", missing));
    }

    [Fact]
    public void Functions_unbounded_above_are_never_recommended_for_gates_or_classification_outputs()
    {
        string[] constraints = ["", "bounded-output", "non-negative-output", "cheap", "smooth", "quantisation-friendly"];
        var requests = new List<(string Model, string Task, string Layer)> { ("lstm", "multiclass", "gate"), ("gru", "binary", "cell") };
        foreach (string task in new[] { "binary", "multiclass", "multilabel" }) requests.Add(("mlp", task, "output"));
        foreach (var (model, task, layer) in requests)
        {
            foreach (string c in constraints)
            {
                IReadOnlyList<Recommendation> recs;
                try
                {
                    recs = ActivationAdvisor.Recommend(Request(model, task, layer, 0, "", c), count: 20);
                }
                catch (ArgumentException)
                {
                    continue; // no function meets the constraint here: an error, not bad advice
                }

                foreach (var r in recs)
                {
                    // The identity gives logits, only with a loss on logits (it is the fallback for a cheap multi-class output).
                    var info = ActivationCatalog.Find(r.Name)!;
                    if (r.Name == "identity" && layer == "output" && r.Loss!.Contains("on the logits", StringComparison.Ordinal)) continue;
                    Assert.False(info.Kind == ActivationKind.Elementwise && !info.BoundedAbove, $"{r.Name} recommended for {model}/{task}/{layer} with '{c}'");
                }
            }
        }
    }

    [Fact]
    public void Every_request_without_constraints_gets_a_recommendation()
    {
        // lstm --layer hidden found nothing and blamed constraints no one had given.
        foreach (var model in Enum.GetValues<ModelType>())
        {
            foreach (var task in Enum.GetValues<AdvisorTask>())
            {
                foreach (var layer in Enum.GetValues<LayerRole>())
                {
                    var request = new AdvisorRequest { Model = model, Task = task, Layer = layer };
                    try
                    {
                        ActivationAdvisor.Validate(request);
                    }
                    catch (ArgumentException)
                    {
                        continue; // a contradictory combination, refused with its own message
                    }

                    Assert.NotEmpty(ActivationAdvisor.Recommend(request));
                }
            }
        }

        // sigmoid, relu and others are non-negative: the message no longer says none satisfies the constraint.
        var e = Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(Request("lstm", "multiclass", "hidden", 0, "", "non-negative-output")));
        Assert.Matches(@"^\d+ functions meet all of: non-negative-output, but none suits the hidden layer of model lstm, task multiclass \(", e.Message);
        Assert.Contains("hardsigmoid, sigmoid, sparse_sigmoid", e.Message, StringComparison.Ordinal);
        Assert.Contains("not both bounded and zero-centred, as a recurrent state must be", e.Message, StringComparison.Ordinal);
        Assert.Contains("). Drop a constraint.", e.Message, StringComparison.Ordinal);
        Assert.Contains("feed-forward hidden layers", Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(Request("lstm", "multiclass", "hidden", 0, "", "self-normalising"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recurrent_hidden_layers_keep_a_bounded_state_whatever_the_symptom_or_constraint()
    {
        string[] symptoms = ["", "dead-units", "vanishing-gradients", "exploding-gradients", "slow-convergence", "saturation"];
        string[] constraints = ["", "bounded-output", "cheap", "smooth", "quantisation-friendly"];
        foreach (string model in new[] { "rnn", "lstm", "gru" })
        {
            foreach (string symptom in symptoms)
            {
                foreach (string c in constraints)
                {
                    var recs = ActivationAdvisor.Recommend(Request(model, "multiclass", "hidden", 0, symptom, c), count: 20);
                    Assert.All(recs, r => Assert.True(ActivationCatalog.Find(r.Name)!.BoundedAbove && ActivationCatalog.Find(r.Name)!.BoundedBelow, $"{r.Name} for {model} hidden with '{symptom}' '{c}'"));
                    // tanh costs an exp: --constraint cheap takes hard tanh.
                    Assert.Equal(c == "cheap" ? "hardtanh" : "tanh", recs[0].Name);
                }
            }
        }
    }

    [Theory]
    [InlineData("binary", "ce", 1, "sigmoid", "critical", "ce is cross-entropy over one output per class (−log of the true class's output), but the output has 1 unit, which stands for one class: with a single column the loss scores that class only (0 for every sample of another), so it cannot teach the model to tell the classes apart.")]
    [InlineData("binary", "ce_logits", 1, "identity", "critical", "ce_logits applies a softmax across the output's units, but the output has 1 unit: the softmax of a single logit is always 1, so the loss is always 0 and nothing learns.")]
    [InlineData("binary", "bce", 2, "sigmoid", "warning", "A binary output is one unit scored against the 0/1 label (the probability of class 1, or its logit), but this sigmoid output has 2 units: 2 answers to one yes/no question (several yes/no labels are a multilabel task).")]
    [InlineData("binary", "bce", 3, "sigmoid", "warning", "A binary output is one unit scored against the 0/1 label (the probability of class 1, or its logit), but this sigmoid output has 3 units: 3 answers to one yes/no question (several yes/no labels are a multilabel task).")]
    [InlineData("binary", "bce_logits", 3, "identity", "warning", "A binary output is one unit scored against the 0/1 label (the probability of class 1, or its logit), but this identity output has 3 units: 3 answers to one yes/no question (several yes/no labels are a multilabel task).")]
    [InlineData("binary", "ce", 3, "softmax", "warning", "A binary task has two classes, but the output has 3 units, one per class: 1 of them stands for a class no sample has.")]
    [InlineData("multiclass", "ce_logits", 1, "identity", "critical", "ce_logits applies a softmax across the output's units, but the output has 1 unit: the softmax of a single logit is always 1, so the loss is always 0 and nothing learns.")]
    public void The_output_check_counts_the_output_units(string task, string loss, int units, string activation, string severity, string explanation)
    {
        // A binary spec with one sigmoid unit and "ce" (0 for every y = 0), or with 2 or 3 sigmoid units and bce, passed clean.
        var found = NetworkCheck.Check(NetworkSpec.Parse($$"""{"inputs": 8, "task": "{{task}}", "loss": "{{loss}}", "layers": [{"units": 16, "activation": "relu", "init": "he_normal"}, {"units": {{units}}, "activation": "{{activation}}"}]}"""));
        var finding = Assert.Single(found, f => f.Explanation == explanation);
        Assert.Equal(severity, finding.Severity.ToString().ToLowerInvariant());
        Assert.Equal("output", finding.Layer);
    }

    [Theory]
    [InlineData(16, 64, 8, "caps that map's rank at 8")]
    [InlineData(16, 4, 8, null)]
    [InlineData(16, 64, 64, null)]
    public void A_linear_hidden_layer_is_reported(int inputs, int first, int second, string? rank)
    {
        // recommend never offers identity for a hidden layer, but check passed a spec with one as sound.
        var found = NetworkCheck.Check(NetworkSpec.Parse($$"""{"inputs": {{inputs}}, "task": "multiclass", "loss": "ce", "layers": [{"units": {{first}}, "activation": "relu", "init": "he_normal"}, {"units": {{second}}, "activation": "identity", "init": "glorot_uniform"}, {"units": 32, "activation": "relu", "init": "he_normal"}, {"units": 3, "activation": "softmax"}]}"""));
        var finding = Assert.Single(found, f => f.Kind == FindingKind.LinearHidden);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal("layer 2 (identity)", finding.Layer);
        Assert.Equal("linear_hidden", finding.KindName);
        Assert.StartsWith("identity is linear, so this hidden layer and the next layer's weights compose into one linear map", finding.Explanation, StringComparison.Ordinal);
        Assert.Equal(rank is not null, finding.Explanation.Contains("rank", StringComparison.Ordinal));
        if (rank is not null) Assert.Contains(rank, finding.Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Use a non-linear activation in hidden layers (e.g. relu with he_normal", finding.Fix, StringComparison.Ordinal);

        // Linear at its own parameters: leaky_relu(1) and hardtanh(−∞, ∞) are the identity (the catalog entry at its defaults is not).
        foreach (string spec in new[] { "leaky_relu(1)", "hardtanh(-inf, inf)" })
        {
            var linear = NetworkCheck.Check(NetworkSpec.Parse($$"""{"inputs": 4, "task": "regression", "loss": "mse", "layers": [{"units": 8, "activation": "{{spec}}"}, {"units": 8, "activation": "relu"}, {"units": 1, "activation": "identity"}]}"""));
            Assert.StartsWith($"{spec} is linear", Assert.Single(linear, f => f.Kind == FindingKind.LinearHidden).Explanation, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(NetworkCheck.Check(NetworkSpec.Parse("""{"inputs": 4, "layers": [{"units": 8, "activation": "leaky_relu(0.5)"}, {"units": 1, "activation": "identity"}]}""")), f => f.Kind == FindingKind.LinearHidden);

        // Only hidden layers: the same function at the output is the usual linear output.
        Assert.DoesNotContain(NetworkCheck.Check(NetworkSpec.Parse("""{"inputs": 4, "task": "regression", "loss": "mse", "layers": [{"units": 8, "activation": "tanh", "init": "glorot_uniform"}, {"units": 1, "activation": "identity"}]}""")), f => f.Kind == FindingKind.LinearHidden);
    }

    [Theory]
    [InlineData("binary", "bce", 1, "sigmoid")]
    [InlineData("binary", "bce_logits", 1, "identity")]
    [InlineData("binary", "ce", 2, "softmax")]
    [InlineData("binary", "ce_logits", 2, "identity")]
    [InlineData("multiclass", "ce", 2, "softmax")]
    [InlineData("multiclass", "ce", 10, "softmax")]
    [InlineData("multilabel", "bce", 5, "sigmoid")]
    public void Output_unit_counts_that_fit_the_task_are_quiet(string task, string loss, int units, string activation)
    {
        Assert.Empty(NetworkCheck.Check(NetworkSpec.Parse($$"""{"inputs": 8, "task": "{{task}}", "loss": "{{loss}}", "layers": [{"units": 16, "activation": "relu", "init": "he_normal"}, {"units": {{units}}, "activation": "{{activation}}"}]}""")));
    }

    [Fact]
    public void Check_and_recommend_agree_that_sparsemax_does_not_train_with_cross_entropy()
    {
        // recommend says cross-entropy is undefined at sparsemax's exact zeros; check passed sparsemax + ce clean.
        var loss = ActivationAdvisor.Recommend(new AdvisorRequest { Layer = LayerRole.Output, Constraints = [Constraint.Cheap] }).Single(r => r.Name == "sparsemax").Loss;
        Assert.Contains("cross-entropy is undefined where sparsemax outputs exact zeros", loss, StringComparison.Ordinal);
        var found = NetworkCheck.Check(NetworkSpec.Parse("""{"inputs": 8, "task": "multiclass", "loss": "ce", "layers": [{"units": 16, "activation": "relu", "init": "he_normal"}, {"units": 4, "activation": "sparsemax"}]}"""));
        var finding = Assert.Single(found);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("Sparsemax outputs exact zeros, where cross-entropy (−log p) is infinite: a sample whose true class gets 0 has an infinite loss and no useful gradient.", finding.Explanation);
        Assert.Equal("Use softmax with cross-entropy (ce); or keep sparsemax and train it with the sparsemax loss (Martins & Astudillo, 2016), which is finite there.", finding.Fix);
        Assert.Empty(OutputCheck.Check("softmax", TaskKind.Multiclass, "ce"));
        Assert.Contains(OutputCheck.Check("sparsemax", TaskKind.Binary, "ce"), f => f.Explanation.StartsWith("Sparsemax outputs exact zeros", StringComparison.Ordinal));
    }

    [Fact]
    public void A_deep_stack_avoids_every_function_marked_vanishing_gradients()
    {
        // deep-stack penalised sigmoid, tanh and hardsigmoid only: --depth 20 --constraint bounded-output gave relu6,
        // hardtanh, softsign, both marked vanishing-gradients as symptom-vanishing reads the mark.
        var marked = ActivationProblems.Find("vanishing-gradients")!.AffectedFunctions;
        Assert.Equal(marked, AdvisorRules.All.Single(r => r.Id == "deep-stack").Avoid.Select(a => a.Name));
        Assert.Equal(["relu6"], ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 20, "", "bounded-output"), count: 20).Select(r => r.Name));
        foreach (string c in new[] { "", "bounded-output", "cheap", "smooth", "quantisation-friendly", "non-negative-output" })
        {
            foreach (string model in new[] { "mlp", "cnn", "autoencoder", "gan" })
            {
                IReadOnlyList<Recommendation> recs;
                try
                {
                    recs = ActivationAdvisor.Recommend(Request(model, "multiclass", "hidden", 20, "", c), count: 20);
                }
                catch (ArgumentException)
                {
                    continue;
                }

                Assert.DoesNotContain(recs, r => marked.Contains(r.Name));
            }
        }
    }

    [Fact]
    public void A_slope_that_grows_without_bound_ranks_last_in_a_hidden_fallback_and_says_why()
    {
        // non-negative + smooth ranked the exponential third, ahead of sigmoid, with no word on e^x compounding layer by
        // layer into overflow; the unbounded-output mark cannot tell it from the rectifiers, whose slope stays at 1.
        Assert.Equal(["exponential", "relu_squared"], ActivationCatalog.All.Where(CatalogProperties.SlopeGrowsWithoutBound).Select(i => i.Name).Order(StringComparer.Ordinal));
        var recs = ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 0, "", "non-negative-output,smooth"), count: 20);
        Assert.Equal("exponential", recs[^1].Name);
        Assert.Contains(recs[^1].Caveats, c => c.StartsWith("slope grows without bound (f′(x) = exp(x))", StringComparison.Ordinal) && c.Contains("exploding-gradients", StringComparison.Ordinal));
        Assert.All(recs.Take(recs.Count - 1), r => Assert.DoesNotContain(r.Caveats, c => c.StartsWith("slope grows", StringComparison.Ordinal)));

        // At an output the exponential is a log-linear rate (rule output-nonnegative-regression), one layer, nothing to compound.
        var output = ActivationAdvisor.Recommend(Request("mlp", "regression", "output", 0, "", "non-negative-output"), count: 20);
        Assert.DoesNotContain(output.Single(r => r.Name == "exponential").Caveats, c => c.StartsWith("slope grows", StringComparison.Ordinal));
    }

    [Fact]
    public void Saturation_leaves_out_the_gated_forms_of_the_functions_it_leaves_out()
    {
        // -m transformer --symptom saturation left out gelu and silu but ranked swiglu (a·silu(b)) first.
        var recs = ActivationAdvisor.Recommend(Request("transformer", "multiclass", "hidden", 0, "saturation", ""), count: 20);
        Assert.Equal(["relu", "relu_squared", "leaky_relu", "prelu"], recs.Select(r => r.Name));
        Assert.Equal(["geglu", "glu", "swiglu"], ActivationProblems.Find("saturation")!.AffectedFunctions.Where(n => ActivationCatalog.Find(n)!.Kind == ActivationKind.Gated));
    }

    [Theory]
    [InlineData("huber", "huber", null)]
    [InlineData(" Huber ( delta = 1.5 ) ", "huber", 1.5)]
    [InlineData("huber(1E-3)", "huber", 1e-3)]
    [InlineData("MSE", "mse", null)]
    [InlineData("foo(2)", "foo", null)]
    [InlineData("huberx", "huberx", null)]
    public void LossSpec_splits_a_loss_into_its_name_and_huber_delta(string spec, string name, double? delta)
    {
        // A name the caller does not know comes back without its value, for the caller to call unknown.
        Assert.Equal((name, delta), LossSpec.Parse(spec, n => n is "mse" or "smooth_l1"));
    }

    [Theory]
    [InlineData("smooth_l1(2)", "Loss 'smooth_l1(2)' takes no value in parentheses; only huber(DELTA) does.")]
    [InlineData("huber(0)", "Huber delta must be finite and > 0, got '0'.")]
    [InlineData("huber(-1E999)", "Huber delta must be finite and > 0, got '-1E999', which overflows: it is beyond the largest finite double, ±1.7976931348623157E+308.")]
    [InlineData("huber()", "Malformed loss 'huber()': expected huber or huber(DELTA).")]
    [InlineData("huber(d=2)", "Malformed loss 'huber(d=2)': expected huber or huber(DELTA).")]
    public void LossSpec_refuses_a_value_in_one_sentence(string spec, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => LossSpec.Parse(spec, n => n is "mse" or "smooth_l1"));
        Assert.Equal(message + " (Parameter 'spec')", e.Message);
    }

    [Fact]
    public void A_gated_layer_too_wide_for_its_two_halves_is_refused_in_one_sentence()
    {
        // "fanOut ('-2') must be ≥ 1 … Actual value was -2": 2 × 2147483647 overflowed.
        var e = Assert.Throws<ArgumentException>(() => NetworkCheck.Check(NetworkSpec.Parse("""{"inputs": 4, "layers": [{"units": 2147483647, "activation": "swiglu", "init": "he_normal"}, {"units": 1, "activation": "identity"}]}""")));
        Assert.Equal("Layer 1: swiglu needs 2 × units pre-activation columns (value and gate halves), so its units must be at most 1,073,741,823, got 2,147,483,647. (Parameter 'spec')", e.Message);
        Assert.Empty(NetworkCheck.Check(NetworkSpec.Parse("""{"inputs": 4, "layers": [{"units": 1073741823, "activation": "swiglu"}, {"units": 1, "activation": "identity"}]}""")));
    }

    [Fact]
    public void A_rectifier_at_a_regression_output_is_a_warning_as_recommend_argues_against_it()
    {
        // check passed relu at a regression output silently while rule output-regression penalises it.
        Assert.Contains(AdvisorRules.All.Single(r => r.Id == "output-regression").Avoid, a => a.Name == "relu");
        var finding = Assert.Single(NetworkCheck.Check(NetworkSpec.Parse("""{"inputs": 4, "task": "regression", "loss": "mse", "layers": [{"units": 8, "activation": "tanh", "init": "glorot_uniform"}, {"units": 1, "activation": "relu"}]}""")));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal("relu at a regression output is 0 with zero gradient for x < 0: a prediction pushed there stops learning, and negative targets can never be reached.", finding.Explanation);
        Assert.Equal("Use the identity (linear) output with mse; keep relu only for non-negative targets, or use softplus, which keeps a gradient everywhere.", finding.Fix);
        Assert.Empty(OutputCheck.Check("softplus", TaskKind.Regression, "mse"));
        Assert.Empty(OutputCheck.Check("leaky_relu", TaskKind.Regression, "mse"));

        // Functions with a dead zone that do go below 0 (softshrink, hardshrink, hardswish) were told negative targets
        // are out of reach.
        foreach (string f in new[] { "softshrink", "hardshrink", "hardswish" })
        {
            var flat = Assert.Single(OutputCheck.Check(f, TaskKind.Regression, "mse"));
            Assert.DoesNotContain("negative targets", flat.Explanation, StringComparison.Ordinal);
            Assert.Contains("stops learning.", flat.Explanation, StringComparison.Ordinal);
            Assert.Equal("Use the identity (linear) output with mse.", flat.Fix);
        }
    }

    [Fact]
    public void One_unit_cannot_hold_a_multiclass_output_whatever_the_loss()
    {
        // Only ce and ce_logits were caught: bce or no loss over one unit passed a multiclass spec.
        foreach (var (f, loss) in new[] { ("sigmoid", "bce"), ("identity", ""), ("identity", "bce_logits") })
        {
            var one = Assert.Single(OutputCheck.Check(f, TaskKind.Multiclass, loss, units: 1), x => x.Explanation.Contains("1 unit", StringComparison.Ordinal));
            Assert.Equal(Severity.Critical, one.Severity);
        }

        Assert.Empty(OutputCheck.Check("softmax", TaskKind.Multiclass, "ce", units: 10));

        // Two identity units with no loss named may be per-class logits for ce_logits: a binary spec was warned.
        Assert.Empty(OutputCheck.Check("identity", TaskKind.Binary, "", units: 2));
        Assert.Single(OutputCheck.Check("sigmoid", TaskKind.Binary, "bce", units: 2));
    }

    [Fact]
    public void Log_softmax_is_judged_alike_for_two_classes_and_many()
    {
        // binary + 2-unit log_softmax + ce was critical while multiclass + log_softmax + ce passed; with ce_logits a finding
        // said log_softmax "does not produce probabilities" while its fix said to use log_softmax with ce.
        string Spec(string task, string loss, int units) => $$"""{"inputs": 4, "task": "{{task}}", "loss": "{{loss}}", "layers": [{"units": 8, "activation": "relu", "init": "he_normal"}, {"units": {{units}}, "activation": "log_softmax"}]}""";
        Assert.Empty(NetworkCheck.Check(NetworkSpec.Parse(Spec("binary", "ce", 2))));
        Assert.Empty(NetworkCheck.Check(NetworkSpec.Parse(Spec("multiclass", "nll", 3))));
        foreach (var (task, units) in new[] { ("binary", 2), ("multiclass", 3) })
        {
            var finding = Assert.Single(NetworkCheck.Check(NetworkSpec.Parse(Spec(task, "ce_logits", units))));
            Assert.Equal(Severity.Warning, finding.Severity);
            Assert.Equal("log_softmax before ce_logits is redundant: ce_logits applies log-softmax itself, and the log-softmax of log-probabilities is unchanged, so the loss is that of the logits, computed twice.", finding.Explanation);
            Assert.Equal("Use log_softmax with negative log-likelihood of its log-probabilities (ce), or the identity (linear) output with softmax cross-entropy on logits (ce_logits).", finding.Fix);
        }

        Assert.Contains(NetworkCheck.Check(NetworkSpec.Parse(Spec("binary", "bce", 2))), f => f.Severity == Severity.Critical && f.Explanation.Contains("does not produce probabilities (it gives log-probabilities, which are ≤ 0)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("regression", "Use the identity (linear) output with mse for a regression target.")]
    [InlineData("binary", "Give the output one unit per class (softmax with cross-entropy), or one sigmoid unit with binary cross-entropy for two classes.")]
    [InlineData("ranking", "Use the identity (linear) output, a score per item, with a ranking loss (ranknet or listnet).")]
    [InlineData("", "For classes, give the output one unit per class (softmax with cross-entropy), or one sigmoid unit with binary cross-entropy for two; for a regression target, use the identity (linear) output.")]
    public void A_softmax_over_one_output_unit_gets_a_fix_for_the_specs_task(string task, string fix)
    {
        // A regression spec with a one-unit softmax output was told to give "one unit per class".
        string json = $$"""{"inputs": 4, {{(task.Length > 0 ? $"\"task\": \"{task}\"," : string.Empty)}} "layers": [{"units": 8, "activation": "relu", "init": "he_normal"}, {"units": 1, "activation": "softmax"}]}""";
        var finding = Assert.Single(NetworkCheck.Check(NetworkSpec.Parse(json)), f => f.Explanation.StartsWith("softmax over a single unit always outputs 1", StringComparison.Ordinal));
        Assert.Equal(fix, finding.Fix);
    }

    [Theory]
    [InlineData("ranking", "", "identity", null)]
    [InlineData("ranking", "ranknet", "identity", null)]
    [InlineData("ranking", "listnet", "identity", null)]
    [InlineData("ranking", "mse", "identity", null)]
    [InlineData("ranking", "ranknet", "sigmoid", "sigmoid at a ranking output bends the scores the ranking loss compares (RankNet and ListNet apply their own sigmoid or softmax to them), and items it maps alike cannot be ordered.")]
    [InlineData("regression", "poisson", "softplus", null)]
    [InlineData("regression", "poisson_nll", "exponential", null)]
    [InlineData("regression", "poisson", "identity", null)]
    [InlineData("regression", "poisson", "tanh", "poisson takes a positive rate (or, in PyTorch's default log_input form, a log-rate from the identity output), but tanh can output 0 or less, where the rate's logarithm is undefined.")]
    [InlineData("multiclass", "poisson", "softmax", "poisson is a loss for counts (a Poisson rate), but the task is multiclass.")]
    [InlineData("binary", "ranknet", "sigmoid", "ranknet is a ranking loss (it compares the scores of items), but the task is binary.")]
    public void Check_takes_the_ranking_task_and_the_poisson_loss_recommend_advises(string task, string loss, string activation, string? explanation)
    {
        // check refused "task": "ranking" and "loss": "poisson", which recommend --task ranking and the softplus and exp
        // regression outputs name.
        var found = NetworkCheck.Check(NetworkSpec.Parse($$"""{"inputs": 4, "task": "{{task}}", "loss": "{{loss}}", "layers": [{"units": 8, "activation": "relu", "init": "he_normal"}, {"units": 1, "activation": "{{activation}}"}]}"""));
        if (explanation is null) Assert.Empty(found);
        else Assert.Contains(found, f => f.Explanation == explanation);
    }

    [Fact]
    public void A_symptom_for_a_layer_it_does_not_change_is_refused_not_dropped()
    {
        // --layer output --symptom dead-units gave the output advice with the symptom dropped without a word.
        var e = Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(Request("mlp", "multiclass", "output", 0, "dead-units", "")));
        Assert.Equal("--symptom applies to hidden layers, whose activation it helps choose; the output layer's activation follows its role and the task, so leave out --symptom or use --layer hidden. (Parameter 'request')", e.Message);
        Assert.StartsWith("--symptom applies to hidden layers, whose activation it helps choose; the gate layer's activation follows its role, so", Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(Request("lstm", "multiclass", "gate", 0, "saturation", ""))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dying_caveat_offers_only_variants_the_request_allows()
    {
        // With --symptom saturation ReLU's caveat suggested elu, which the same request left out (marked saturation).
        string Caveat(string symptoms, string constraints) => ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 0, symptoms, constraints), count: 20).First(r => r.Name is "relu" or "relu6").Caveats[0];
        Assert.Equal("zero output and zero gradient for x < 0: a unit pushed there stops learning; watch the dead-unit diagnostics or use a leaky variant (leaky_relu, prelu, elu)", Caveat("", ""));
        Assert.Equal("zero output and zero gradient for x < 0: a unit pushed there stops learning; watch the dead-unit diagnostics or use a leaky variant (leaky_relu, prelu)", Caveat("saturation", ""));
        Assert.Equal("zero output and zero gradient for x < 0: a unit pushed there stops learning; watch the dead-unit diagnostics", Caveat("", "bounded-output"));
    }

    [Fact]
    public void Depth_0_is_refused_for_a_hidden_layer_and_kept_for_an_output()
    {
        // recommend --depth 0 printed "… 0 hidden layers" and advised relu for the layer that is not there.
        var e = Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(new AdvisorRequest { Depth = 0 }));
        Assert.Equal("--depth 0 means the network has no hidden layer, so there is no hidden activation to choose; give --depth 1 or more, or --layer output. (Parameter 'request')", e.Message);
        Assert.Equal("softmax", ActivationAdvisor.Recommend(new AdvisorRequest { Depth = 0, Layer = LayerRole.Output })[0].Name);
        Assert.Equal("relu", ActivationAdvisor.Recommend(new AdvisorRequest { Depth = 1 })[0].Name);
    }

    [Fact]
    public void A_linear_function_is_never_recommended_for_a_hidden_layer()
    {
        // The fallback ranked identity first for cheap + smooth (score 0): its one mark, an output unbounded above, costs
        // nothing there, yet a linear hidden layer folds into the next layer's weights.
        Assert.Equal(["identity"], ActivationCatalog.All.Where(CatalogProperties.IsLinear).Select(i => i.Name));
        Assert.Equal(["squareplus"], ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 0, "", "cheap,smooth")).Select(r => r.Name));
        Assert.Equal(["squareplus"], ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 30, "", "cheap,smooth")).Select(r => r.Name));
        Assert.DoesNotContain("identity", ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 0, "saturation", "smooth"), count: 20).Select(r => r.Name));
        // When only a linear function meets the constraints, the error says so instead of offering it.
        Assert.Equal(
            "Only identity meets all of: cheap, smooth, quantisation-friendly, but it does not suit the hidden layer of model mlp, task multiclass (linear, so a hidden layer of it folds into the next layer's weights as one linear map and adds no non-linearity). Drop a constraint. (Parameter 'request')",
            Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 0, "", "cheap,smooth,quantisation-friendly"))).Message);

        string[] symptoms = ["", "dead-units", "vanishing-gradients", "exploding-gradients", "slow-convergence", "saturation"];
        string[] constraints = ["", "bounded-output", "non-negative-output", "cheap", "smooth", "quantisation-friendly"];
        foreach (var model in Enum.GetValues<ModelType>())
        {
            foreach (string symptom in symptoms)
            {
                foreach (string a in constraints)
                {
                    foreach (string b in constraints)
                    {
                        var request = Request(ActivationAdvisor.Text(model), model == ModelType.Regression ? "regression" : "multiclass", "hidden", 10, symptom, string.Join(',', new[] { a, b }.Where(c => c.Length > 0).Distinct()));
                        IReadOnlyList<Recommendation> recs;
                        try
                        {
                            recs = ActivationAdvisor.Recommend(request, count: 20);
                        }
                        catch (ArgumentException)
                        {
                            continue; // nothing serves the request: an error, not a linear layer
                        }

                        Assert.DoesNotContain(recs, r => r.Name == "identity");
                    }
                }
            }
        }
    }

    private static AdvisorRequest Request(string model, string task, string layer, int depth, string symptoms, string constraints) => new()
    {
        Model = ActivationAdvisor.Parse<ModelType>(model, "model"),
        Task = ActivationAdvisor.Parse<AdvisorTask>(task, "task"),
        Layer = ActivationAdvisor.Parse<LayerRole>(layer, "layer"),
        Depth = depth == 0 ? null : depth,
        Symptoms = symptoms.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => ActivationAdvisor.Parse<Symptom>(s, "symptom")).ToArray(),
        Constraints = constraints.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => ActivationAdvisor.Parse<Constraint>(s, "constraint")).ToArray(),
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_gives_its_first_choice_and_pairing(string model, string task, string layer, int depth, string symptoms, string constraints, string first, string loss, string init)
    {
        var recs = ActivationAdvisor.Recommend(Request(model, task, layer, depth, symptoms, constraints));
        Assert.Equal(first, recs[0].Name);
        Assert.Contains(loss, recs[0].Loss ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains(init, recs[0].Init, StringComparison.Ordinal);
        Assert.NotEmpty(recs[0].Why);
        Assert.True(recs.Select(r => r.Score).SequenceEqual(recs.Select(r => r.Score).OrderByDescending(s => s)));
        Assert.Equal(recs.Count, recs.Select(r => r.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(CatalogData.AllNames), MemberType = typeof(CatalogData))]
    public void Cheap_and_quantisation_friendly_are_one_definition_held_to_the_function(string name)
    {
        // --constraint cheap ranked elu, gelu and silu (each marked computational-cost), and quantisation-friendly took
        // elu (exp, unbounded) as piecewise linear because it is not C∞.
        var info = ActivationCatalog.Find(name)!;
        bool costly = info.Problems.HasFlag(KnownProblem.ComputationalCost);
        Assert.Equal(!costly, ConstraintCriteria.Meets(info, Constraint.Cheap));

        // The mark itself: the formula names a transcendental function exactly when the function is marked costly.
        string[] transcendental = ["exp", "erf", "tanh", "ln(", "log", "sin", "σ", "Φ", "sigmoid", "gelu"];
        bool named = transcendental.Any(t => info.Formula.Contains(t, StringComparison.Ordinal));
        Assert.True(costly == named, $"{name}: marked computational-cost {costly}, formula '{info.Formula}' names a transcendental function {named}");

        // Quantisation-friendly: bounded, or no transcendental function and exactly linear for |x| ≥ 8 (second
        // differences of the double forward pass vanish there), measured here apart from the library's own check.
        bool bounded = info.BoundedAbove && info.BoundedBelow;
        bool linearTails = false;
        if (info.Kind == ActivationKind.Elementwise)
        {
            var f = ActivationCatalog.Create(info);
            var x = Enumerable.Range(0, 65).Select(i => 8 + (i * 0.5)).SelectMany(v => new[] { v, -v }).ToArray();
            var y = new double[x.Length];
            f.Forward(x, y);
            double Y(double v) => y[Array.IndexOf(x, v)];
            linearTails = x.Where(v => Math.Abs(v) is > 8 and < 40).All(v => Math.Abs(Y(v - 0.5) - (2 * Y(v)) + Y(v + 0.5)) <= 1e-12 * (1 + Math.Abs(Y(v))));
        }

        bool friendly = ConstraintCriteria.Meets(info, Constraint.QuantisationFriendly);
        Assert.True(friendly == (bounded || (!costly && linearTails)), $"{name}: quantisation-friendly {friendly}, bounded {bounded}, cheap {!costly}, linear for |x| ≥ 8 {linearTails}");
        if (name is "elu" or "selu" or "celu" or "gelu" or "silu" or "mish" or "softplus" or "squareplus" or "relu_squared" or "exponential") Assert.False(friendly, name);
        if (name is "relu" or "relu6" or "leaky_relu" or "hardswish" or "hardtanh" or "hardsigmoid" or "identity" or "sigmoid" or "tanh") Assert.True(friendly, name);
    }

    [Theory]
    [InlineData("cheap")]
    [InlineData("quantisation-friendly")]
    public void Constrained_recommendations_only_hold_functions_that_meet_the_constraint(string constraint)
    {
        var c = ActivationAdvisor.Parse<Constraint>(constraint, "constraint");
        foreach (var model in new[] { "mlp", "cnn", "transformer", "autoencoder", "regression", "gan" })
        {
            foreach (string symptom in new[] { "", "dead-units", "slow-convergence", "vanishing-gradients" })
            {
                var recs = ActivationAdvisor.Recommend(Request(model, model == "regression" ? "regression" : "multiclass", "hidden", 0, symptom, constraint), count: 20);
                Assert.All(recs, r => Assert.True(ConstraintCriteria.Meets(ActivationCatalog.Find(r.Name)!, c), $"{r.Name} for {model} '{symptom}' --constraint {constraint}"));
                Assert.DoesNotContain(recs, r => r.Name is "elu" or "gelu" or "silu" or "selu");
            }
        }
    }

    [Fact]
    public void Constraints_that_rules_do_not_serve_get_the_functions_that_meet_them_not_a_false_none()
    {
        // "No activation satisfies all of: … Drop a constraint." although softplus, squareplus and sigmoid are
        // non-negative and smooth: no rule scored them.
        var recs = ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 0, "", "non-negative-output,smooth"), count: 20);
        Assert.Equal(["squareplus", "softplus", "sigmoid", "exponential"], recs.Select(r => r.Name));
        Assert.All(recs, r =>
        {
            Assert.Equal(0, r.Score);
            Assert.StartsWith("fallback: meets your constraints (non-negative-output, smooth); no rule for this case prefers it", r.Why[0], StringComparison.Ordinal);
        });

        // With a symptom, the functions marked with its problem are left out and the reason says so.
        var dead = ActivationAdvisor.Recommend(Request("cnn", "multiclass", "hidden", 0, "dead-units", "non-negative-output"), count: 20);
        Assert.Equal(["squareplus", "softplus", "sigmoid", "exponential"], dead.Select(r => r.Name));
        Assert.All(dead, r => Assert.Contains("has none of the problems you report (dying-units)", r.Why[0], StringComparison.Ordinal));

        // When those that meet the constraints cannot serve, the message names them and why, with the symptoms.
        var e = Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 0, "vanishing-gradients", "bounded-output,non-negative-output,smooth")));
        Assert.StartsWith("Only sigmoid meets all of: bounded-output, non-negative-output, smooth, but it does not suit the hidden layer of model mlp, task multiclass, symptoms vanishing-gradients (marked with vanishing-gradients, the problem that --symptom vanishing-gradients reports). Drop a constraint.", e.Message, StringComparison.Ordinal);
        var none = Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(Request("cnn", "multiclass", "hidden", 0, "dead-units", "bounded-output,self-normalising")));
        Assert.StartsWith("No activation satisfies all of: bounded-output, self-normalising (for the hidden layer of model cnn, task multiclass, symptoms dead-units). Drop a constraint.", none.Message, StringComparison.Ordinal);

        // Every constraint set either gets recommendations that meet it or a message that is true of the catalog.
        var all = Enum.GetValues<Constraint>().Where(c => c != Constraint.SelfNormalising).ToArray();
        for (int mask = 1; mask < 1 << all.Length; mask++)
        {
            var set = all.Where((_, i) => (mask & (1 << i)) != 0).ToArray();
            foreach (var layer in new[] { LayerRole.Hidden, LayerRole.Output })
            {
                var request = new AdvisorRequest { Layer = layer, Task = layer == LayerRole.Output ? AdvisorTask.Regression : AdvisorTask.Multiclass, Constraints = set };
                var meeting = ActivationCatalog.All.Where(i => ActivationAdvisor.Allowed(i, request)).ToList();
                try
                {
                    var got = ActivationAdvisor.Recommend(request, 20);
                    Assert.All(got, r => Assert.Contains(meeting, i => i.Name == r.Name));
                }
                catch (ArgumentException ex)
                {
                    Assert.True(meeting.Count == 0 == ex.Message.StartsWith("No activation satisfies", StringComparison.Ordinal), $"{string.Join(",", set)} {layer}: {ex.Message}");
                }
            }
        }
    }

    [Fact]
    public void Gan_and_autoencoder_outputs_are_generated_or_reconstructed_whatever_the_default_task()
    {
        // --model gan --layer output gave softmax with categorical cross-entropy: the generator's rule needed --task regression.
        foreach (string task in new[] { "multiclass", "regression", "multilabel", "ranking" })
        {
            var gan = ActivationAdvisor.Recommend(Request("gan", task, "output", 0, "", ""));
            Assert.Equal(["tanh", "sigmoid"], gan.Select(r => r.Name));
            Assert.StartsWith("gan-output:", gan[0].Why[0], StringComparison.Ordinal);
            Assert.DoesNotContain("cross-entropy (fused with the softmax", gan[0].Loss!, StringComparison.Ordinal);
        }

        // --task binary at a GAN's output is the discriminator.
        Assert.Equal("sigmoid", ActivationAdvisor.Recommend(Request("gan", "binary", "output", 0, "", ""))[0].Name);

        var ae = ActivationAdvisor.Recommend(Request("autoencoder", "multiclass", "output", 0, "", ""));
        Assert.Equal(["sigmoid", "identity"], ae.Select(r => r.Name));
        Assert.StartsWith("binary cross-entropy per input value against the input scaled to [0, 1]", ae[0].Loss, StringComparison.Ordinal);
        Assert.StartsWith("mean squared error against the (standardised) input", ae[1].Loss, StringComparison.Ordinal);
        var real = ActivationAdvisor.Recommend(Request("autoencoder", "regression", "output", 0, "", ""));
        Assert.Equal(["identity", "sigmoid"], real.Select(r => r.Name));

        // The documented condition is the code's: docs/advisor.md prints When.
        Assert.Contains("any --task but binary", AdvisorRules.All.Single(r => r.Id == "gan-output").When, StringComparison.Ordinal);
    }

    [Fact]
    public void Symptoms_and_problems_share_one_list_of_names()
    {
        // problems dead-units said it was neither a problem nor a function, and recommend --symptom dying-units failed.
        Assert.Equal("dying-units", ActivationProblems.Find("dead-units")!.Id);
        Assert.Equal("dying-units", ActivationProblems.Find("Dead_Units")!.Id);
        Assert.Equal(Symptom.DeadUnits, ActivationAdvisor.ParseSymptom("dying-units"));
        Assert.Equal(Symptom.DeadUnits, ActivationAdvisor.ParseSymptom("dead-units"));
        Assert.Equal(Symptom.SlowConvergence, ActivationAdvisor.ParseSymptom("slow-convergence"));
        Assert.Contains("valid: dead-units (or dying-units), vanishing-gradients, exploding-gradients, slow-convergence, saturation.", Assert.Throws<ArgumentException>(() => ActivationAdvisor.ParseSymptom("overfitting")).Message, StringComparison.Ordinal);
        foreach (var symptom in Enum.GetValues<Symptom>())
        {
            // Each symptom's spelling names its problem, where it has one.
            if (ActivationProblems.ForSymptom(symptom) is { } p) Assert.Same(p, ActivationProblems.Find(ActivationAdvisor.Text(symptom)));
        }

        var names = ActivationProblems.All.SelectMany(p => p.Names).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Reasons_and_caveats_fit_the_function_they_are_attached_to()
    {
        // The hidden-rectifier reason ("cheap and sparse") was attached to elu, gelu, silu and selu.
        var hidden = ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 0, "", ""), count: 20);
        foreach (var r in hidden)
        {
            bool rectifier = ActivationCatalog.Find(r.Name)!.Family == Family.Rectifier;
            Assert.Equal(rectifier, r.Why.Any(w => w.StartsWith("hidden-rectifier:", StringComparison.Ordinal)));
        }

        Assert.Contains(hidden.Single(r => r.Name == "gelu").Why, w => w.StartsWith("hidden-smooth:", StringComparison.Ordinal));

        // --symptom saturation ranked gelu 5th while its rule said GELU flattens below −4: every function marked with the
        // reported problem is left out, in every feed-forward model.
        foreach (var (symptom, problem) in new[] { ("saturation", "saturation"), ("dead-units", "dying-units"), ("vanishing-gradients", "vanishing-gradients") })
        {
            foreach (string model in new[] { "mlp", "cnn", "transformer", "autoencoder", "gan" })
            {
                var recs = ActivationAdvisor.Recommend(Request(model, "multiclass", "hidden", 0, symptom, ""), count: 20);
                Assert.DoesNotContain(recs, r => ActivationProblems.Find(problem)!.Affects(ActivationCatalog.Find(r.Name)!));
            }
        }

        // hardsigmoid, recommended for gates and binary outputs, carried "…use a leaky variant".
        var gate = ActivationAdvisor.Recommend(Request("lstm", "multiclass", "gate", 0, "", "cheap"))[0];
        Assert.Equal("hardsigmoid", gate.Name);
        var caveat = Assert.Single(gate.Caveats, c => c.StartsWith("zero output and zero gradient", StringComparison.Ordinal));
        Assert.Equal("zero output and zero gradient for x < −3: a unit pushed there stops learning; sigmoid keeps a small gradient there", caveat);
        Assert.DoesNotContain("leaky", caveat, StringComparison.Ordinal);
        var relu = ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 0, "", ""))[0];
        Assert.Contains(relu.Caveats, c => c.StartsWith("zero output and zero gradient for x < 0", StringComparison.Ordinal) && c.Contains("leaky variant", StringComparison.Ordinal));

        // relu at a non-negative regression output is what its rule prefers, not "belongs in hidden layers".
        var regression = ActivationAdvisor.Recommend(Request("mlp", "regression", "output", 0, "", "non-negative-output"), count: 10);
        Assert.DoesNotContain(regression.Single(r => r.Name == "relu").Caveats, c => c.Contains("belongs in hidden layers", StringComparison.Ordinal));

        // Criterion texts describe the tests: not-zero-centred is the |mean| ≤ ¼ RMS test, saturation the detector's tail.
        Assert.Contains("quarter of their root mean square", ActivationProblems.Find("not-zero-centred")!.Criterion, StringComparison.Ordinal);
        Assert.DoesNotContain("one sign", ActivationProblems.Find("not-zero-centred")!.Criterion, StringComparison.Ordinal);
        Assert.Contains("5 % of the function's peak slope", ActivationProblems.Find("saturation")!.Criterion, StringComparison.Ordinal);
    }

    [Fact]
    public void Relu_is_never_recommended_at_a_multilabel_output_and_softmax_has_its_caveat()
    {
        var multilabel = ActivationAdvisor.Recommend(Request("mlp", "multilabel", "output", 0, "", ""));
        Assert.DoesNotContain(multilabel, r => r.Name is "relu" or "softmax");
        var multiclass = ActivationAdvisor.Recommend(Request("mlp", "multiclass", "output", 0, "", ""));
        Assert.Contains(multiclass[0].Caveats, c => c.Contains("sum to 1", StringComparison.Ordinal));
        var selu = ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 8, "", "self-normalising"))[0];
        Assert.Contains(selu.Caveats, c => c.Contains("alpha-dropout", StringComparison.Ordinal));
    }

    [Fact]
    public void Vanishing_gradients_move_away_from_sigmoid_and_tanh()
    {
        var recs = ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 12, "vanishing-gradients", ""), count: 10);
        Assert.DoesNotContain(recs, r => r.Name is "sigmoid" or "tanh");
    }

    [Fact]
    public void Bounded_constraint_filters_by_catalog_properties()
    {
        var recs = ActivationAdvisor.Recommend(Request("mlp", "multiclass", "hidden", 3, "", "bounded-output"), count: 10);
        Assert.All(recs, r => Assert.True(ActivationCatalog.Find(r.Name)!.BoundedAbove && ActivationCatalog.Find(r.Name)!.BoundedBelow, r.Name));
    }

    [Theory]
    [InlineData("mlp", "multiclass", "gate", "", "recurrent models only")]
    [InlineData("regression", "binary", "output", "", "--model regression contradicts --task binary")]
    [InlineData("mlp", "binary", "output", "self-normalising", "hidden layers")]
    public void Contradictory_options_are_rejected(string model, string task, string layer, string constraints, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ActivationAdvisor.Recommend(Request(model, task, layer, 0, "", constraints)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_option_values_list_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => ActivationAdvisor.Parse<ModelType>("perceptron", "model"));
        Assert.Contains("mlp, cnn, rnn, lstm, gru, transformer, autoencoder, gan, regression", e.Message, StringComparison.Ordinal);
        Assert.Equal(Symptom.VanishingGradients, ActivationAdvisor.Parse<Symptom>("vanishing-gradients", "symptom"));
    }

    [Fact]
    public void Every_rule_cites_a_source_and_names_existing_functions()
    {
        foreach (var rule in AdvisorRules.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Source), rule.Id);
            foreach (var (name, _) in rule.Prefer.Concat(rule.Avoid)) Assert.True(ActivationCatalog.Find(name) is not null, $"{rule.Id} names unknown function {name}");
        }
    }

    [Fact]
    public void Problems_are_the_catalogs_marks_so_problems_and_show_agree()
    {
        foreach (var info in ActivationCatalog.All)
        {
            var marked = ActivationProblems.Of(info).Aggregate(KnownProblem.None, (all, p) => all | p.Flag);
            Assert.True(marked == info.Problems, $"{info.Name}: problems {marked}, catalog {info.Problems}");
        }

        // The contradictions of the derived lists: gelu had 6 problems where show listed 3; hardtanh (output −1, never
        // reported dead) was a dying-units function; SELU was affected by the very problems it is the fix for.
        Assert.Equal(["saturation", "not-zero-centred", "exploding-gradients", "computational-cost"], ActivationProblems.Of(ActivationCatalog.Find("gelu")!).Select(p => p.Id).Order().Reverse().ToArray());
        Assert.DoesNotContain("hardtanh", ActivationProblems.Find("dying-units")!.AffectedFunctions);
        Assert.Contains("sparse_sigmoid", ActivationProblems.Find("dying-units")!.AffectedFunctions);
        Assert.Contains("hardshrink", ActivationProblems.Find("dying-units")!.AffectedFunctions);
        Assert.Contains("tanhshrink", ActivationProblems.Find("vanishing-gradients")!.AffectedFunctions);
        foreach (string fixedBy in new[] { "selu", "elu", "gelu", "silu", "softplus", "logsigmoid" }) Assert.DoesNotContain(fixedBy, ActivationProblems.Find("vanishing-gradients")!.AffectedFunctions);
        // The saturation cure is the ReLU family; GELU, SiLU and mish flatten out below about −4 and the detector
        // reports a layer stuck there, so they are marked (they were offered as the cure while diagnose reported them).
        foreach (string fixedBy in new[] { "relu", "leaky_relu", "prelu" }) Assert.DoesNotContain(fixedBy, ActivationProblems.Find("saturation")!.AffectedFunctions);
        foreach (string marked in new[] { "gelu", "silu", "mish" }) Assert.Contains(marked, ActivationProblems.Find("saturation")!.AffectedFunctions);
    }

    [Fact]
    public void Symptom_rules_never_prefer_a_function_marked_with_the_symptoms_problem_nor_rank_one_first()
    {
        var problemOf = new Dictionary<Symptom, string>
        {
            [Symptom.DeadUnits] = "dying-units",
            [Symptom.VanishingGradients] = "vanishing-gradients",
            [Symptom.ExplodingGradients] = "exploding-gradients",
            [Symptom.Saturation] = "saturation",
        };
        foreach (var (symptom, id) in problemOf)
        {
            var problem = ActivationProblems.Find(id)!;
            var rule = AdvisorRules.All.Single(r => r.Id.StartsWith("symptom-", StringComparison.Ordinal) && r.Applies(new AdvisorRequest { Symptoms = [symptom] }));
            foreach (var (name, _) in rule.Prefer) Assert.False(problem.Affects(ActivationCatalog.Find(name)!), $"{rule.Id} prefers {name}, which the catalog marks with {id}");
            foreach (var model in new[] { ModelType.Mlp, ModelType.Cnn, ModelType.Autoencoder, ModelType.Regression, ModelType.Gan })
            {
                var task = model == ModelType.Regression ? AdvisorTask.Regression : AdvisorTask.Multiclass;
                var first = ActivationAdvisor.Recommend(new AdvisorRequest { Model = model, Task = task, Symptoms = [symptom] })[0];
                Assert.False(problem.Affects(ActivationCatalog.Find(first.Name)!), $"--model {ActivationAdvisor.Text(model)} --symptom {ActivationAdvisor.Text(symptom)} ranks {first.Name} first, which has {id}");
            }
        }
    }

    [Theory]
    [InlineData(ModelType.Gru, Symptom.DeadUnits)]
    [InlineData(ModelType.Lstm, Symptom.VanishingGradients)]
    [InlineData(ModelType.Rnn, Symptom.Saturation)]
    public void A_symptom_of_a_recurrent_state_keeps_tanh_and_says_why(ModelType model, Symptom symptom)
    {
        // --model gru --symptom dead-units echoed the symptom and gave the recurrent advice without a word about it.
        var first = ActivationAdvisor.Recommend(new AdvisorRequest { Model = model, Symptoms = [symptom] })[0];
        Assert.Equal("tanh", first.Name);
        Assert.Contains(first.Why, w => w.StartsWith("rnn-symptom: A symptom does not change the state's activation", StringComparison.Ordinal));
        Assert.DoesNotContain(ActivationAdvisor.Recommend(new AdvisorRequest { Model = model })[0].Why, w => w.StartsWith("rnn-symptom", StringComparison.Ordinal));
        Assert.DoesNotContain(ActivationAdvisor.Recommend(new AdvisorRequest { Model = ModelType.Mlp, Symptoms = [symptom] })[0].Why, w => w.StartsWith("rnn-symptom", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_list_the_expected_functions_and_sampled_properties_hold()
    {
        Assert.Contains("sigmoid", ActivationProblems.Find("vanishing-gradients")!.AffectedFunctions);
        Assert.DoesNotContain("relu", ActivationProblems.Find("vanishing-gradients")!.AffectedFunctions);
        Assert.Contains("relu", ActivationProblems.Find("dying-units")!.AffectedFunctions);
        Assert.DoesNotContain("leaky_relu", ActivationProblems.Find("dying-units")!.AffectedFunctions);
        Assert.Contains("relu", ActivationProblems.Find("non_differentiable")!.AffectedFunctions);
        Assert.DoesNotContain("gelu", ActivationProblems.Find("non-differentiable")!.AffectedFunctions);
        Assert.Contains("relu", ActivationProblems.Find("exploding-gradients")!.AffectedFunctions);
        Assert.Contains(ActivationProblems.Of(ActivationCatalog.Find("sigmoid")!), p => p.Id == "not-zero-centred");
        Assert.DoesNotContain(ActivationProblems.Of(ActivationCatalog.Find("tanh")!), p => p.Id == "not-zero-centred");

        // Sampled from the functions themselves, row-wise ones included.
        foreach (string name in new[] { "binary_step", "hardmax" }) Assert.True(CatalogProperties.PassesNoGradient(ActivationCatalog.Find(name)!), name);
        foreach (string name in new[] { "relu", "threshold", "softmax", "sparsemax", "glu" }) Assert.False(CatalogProperties.PassesNoGradient(ActivationCatalog.Find(name)!), name);
        Assert.Contains("hardmax", ActivationProblems.Find("vanishing-gradients")!.AffectedFunctions);
        foreach (string name in new[] { "softmax", "softmin", "sparsemax", "hardmax", "relu", "sparse_plus" }) Assert.True(CatalogProperties.IsNonNegative(ActivationCatalog.Find(name)!), name);
        foreach (string name in new[] { "log_softmax", "glu", "tanh" }) Assert.False(CatalogProperties.IsNonNegative(ActivationCatalog.Find(name)!), name);
    }

    [Theory]
    [InlineData("tanhshrink", true)]
    [InlineData("tanh", true)]
    [InlineData("softsign", true)]
    [InlineData("logsigmoid", false)]
    [InlineData("softplus", false)]
    [InlineData("relu", false)]
    public void Network_check_warns_of_a_deep_stack_by_the_vanishing_gradient_mark(string activation, bool warns)
    {
        // It counted the sigmoidal family: ten tanhshrink layers (marked: f′ = tanh² ≈ 0 around the origin) got "No
        // problems found" while ten logsigmoid layers (f′ → 1 for x → −∞, not marked) warned.
        string layers = string.Join(", ", Enumerable.Repeat($$"""{"units": 64, "activation": "{{activation}}"}""", 10));
        var found = NetworkCheck.Check(NetworkSpec.Parse($$"""{"inputs": 64, "layers": [{{layers}}, {"units": 1, "activation": "identity"}]}"""));
        var stack = found.Where(f => f.Kind == FindingKind.VanishingGradients && f.Layer == "hidden stack").ToList();
        Assert.Equal(warns, stack.Count == 1);
        Assert.Equal(warns, ActivationCatalog.Find(activation)!.Problems.HasFlag(KnownProblem.VanishingGradients));
        if (warns) Assert.StartsWith($"10 of 10 hidden layers use a function whose slopes vanish ({activation};", stack[0].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_check_flags_a_layer_that_passes_no_gradient()
    {
        var spec = NetworkSpec.Parse("""
            { "inputs": 10, "task": "multiclass", "loss": "ce",
              "layers": [ {"units": 16, "activation": "binary_step"}, {"units": 3, "activation": "hardmax"} ] }
            """);
        var found = NetworkCheck.Check(spec).Where(f => f.Kind == FindingKind.VanishingGradients && f.Severity == Severity.Critical).ToList();
        Assert.Equal(["layer 1 (binary_step)", "output"], found.Select(f => f.Layer));
        Assert.Contains("stand-in (softmax)", found[1].Fix, StringComparison.Ordinal);
        Assert.Contains("stand-in (sigmoid)", found[0].Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_check_finds_the_problems_of_a_bad_spec_and_none_in_a_good_one()
    {
        var bad = NetworkSpec.Parse("""
            { "inputs": 784, "task": "multiclass", "loss": "bce",
              "layers": [ {"units": 256, "activation": "sigmoid", "init": "normal(1)"},
                          {"units": 256, "activation": "sigmoid", "init": "zeros"},
                          {"units": 128, "activation": "tanh", "init": "he_uniform"},
                          {"units": 128, "activation": "sigmoid", "init": "glorot_uniform"},
                          {"units": 64, "activation": "relu", "init": "normal(0.01)"},
                          {"units": 10, "activation": "softmax", "init": "glorot_uniform"} ] }
            """);
        var found = NetworkCheck.Check(bad);
        Assert.Contains(found, f => f.Kind == FindingKind.SymmetricInit && f.Layer.StartsWith("layer 2", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Kind == FindingKind.InitScale && f.Layer.StartsWith("layer 1", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Kind == FindingKind.InitScale && f.Layer.StartsWith("layer 5", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Kind == FindingKind.VanishingGradients);
        Assert.Contains(found, f => f.Kind == FindingKind.OutputMismatch && f.Explanation.Contains("Softmax with binary cross-entropy", StringComparison.Ordinal));

        var good = NetworkSpec.Parse("""
            { "inputs": 784, "task": "multiclass", "loss": "ce",
              "layers": [ {"units": 256, "activation": "relu", "init": "he_normal"},
                          {"units": 128, "activation": "relu", "init": "he_normal"},
                          {"units": 10, "activation": "softmax", "init": "glorot_uniform"} ] }
            """);
        Assert.Empty(NetworkCheck.Check(good));
    }

    [Fact]
    public void Network_check_computes_the_variance_an_explicit_scale_draws()
    {
        // normal(1) on 64 inputs: variance 1 where sigmoid needs 2/(64+64), 64× too large (pre-activation std 8).
        var sigmoid = NetworkCheck.Check(NetworkSpec.Parse("""
            {"inputs": 64, "layers": [{"units": 64, "activation": "sigmoid", "init": "normal(1)"}, {"units": 1, "activation": "identity"}]}
            """));
        var f = Assert.Single(sigmoid);
        Assert.Equal(FindingKind.InitScale, f.Kind);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal("layer 1 (sigmoid)", f.Layer);
        Assert.Equal(64, f.Evidence["ratio"], 9);
        Assert.StartsWith("normal(1) gives a weight variance of 1 for 64 inputs, 64× what sigmoid needs (0.0156)", f.Explanation, StringComparison.Ordinal);

        // Ten ReLU layers at normal(0.01): 1e-4 where He needs 2/64, per layer and compounded.
        string layers = string.Join(", ", Enumerable.Repeat("""{"units": 64, "activation": "relu", "init": "normal(0.01)"}""", 10));
        var relu = NetworkCheck.Check(NetworkSpec.Parse($$"""{"inputs": 64, "layers": [{{layers}}, {"units": 1, "activation": "identity"}]}"""));
        Assert.Equal(10, relu.Count(x => x.Kind == FindingKind.InitScale && x.Layer.StartsWith("layer ", StringComparison.Ordinal) && x.Severity == Severity.Warning));
        var network = Assert.Single(relu, x => x.Layer == "network");
        Assert.Equal(Math.Pow(1e-4 / (2.0 / 64), 10), network.Evidence["compound_variance_ratio"], 1e-30);

        // One bad layer among sound ones is that layer's finding; the stack adds nothing to it.
        var one = NetworkCheck.Check(NetworkSpec.Parse("""
            {"inputs": 64, "layers": [{"units": 64, "activation": "relu", "init": "he_normal"}, {"units": 64, "activation": "relu", "init": "normal(1)"},
                                      {"units": 64, "activation": "relu", "init": "he_normal"}, {"units": 1, "activation": "identity"}]}
            """));
        Assert.Equal("layer 2 (relu)", Assert.Single(one).Layer);
    }

    [Theory]
    [InlineData("normal(0)", "relu", "", Severity.Critical)]
    [InlineData("uniform(0)", "tanh", "", Severity.Warning)]
    [InlineData("zeros", "relu", "", Severity.Critical)]
    [InlineData("constant(0.5)", "tanh", "", Severity.Warning)]
    [InlineData("constant(0.5)", "tanh", "glorot_uniform", Severity.Warning)]
    [InlineData("constant(0.5)", "tanh", "zeros", Severity.Critical)]
    [InlineData("uniform(0)", "tanh", "constant(0.1)", Severity.Critical)]
    [InlineData("constant(0.5)", "relu", "", Severity.Warning)]
    public void Network_check_calls_every_initialiser_that_draws_equal_weights_symmetric(string init, string activation, string nextInit, Severity severity)
    {
        // Critical only where symmetry cannot break: the next layer's weights are equal too (identical gradients), or
        // the weights are 0 where the function's slope at 0 is 0 (ReLU: no gradient at all). A random next layer gives
        // each unit its own gradient (PyTorch separates such units), so that is a warning.
        var spec = NetworkSpec.Parse($$"""{"inputs": 4, "task": "binary", "loss": "bce", "layers": [{"units": 16, "activation": "{{activation}}", "init": "{{init}}"}, {"units": 1, "activation": "sigmoid", "init": "{{nextInit}}"}]}""");
        var f = Assert.Single(NetworkCheck.Check(spec));
        Assert.Equal(FindingKind.SymmetricInit, f.Kind);
        Assert.Equal(severity, f.Severity);
        Assert.Equal(severity == Severity.Critical, f.Explanation.Contains("never", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(64, 64)]
    [InlineData(256, 64)]
    [InlineData(64, 256)]
    public void Tanh_stacks_at_their_recommended_init_pass_and_lecun_normal_is_within_a_layers_tolerance(int inputs, int units)
    {
        // tanh's recommended init is Glorot with PyTorch's gain 5/3, as the engine draws it: ten such layers are what
        // tanh needs (they were reported as compounding to 2.7e4×, with the fix "use Glorot for tanh").
        string Stack(string init, int count) => string.Join(", ", Enumerable.Repeat($$"""{"units": {{units}}, "activation": "tanh", "init": "{{init}}"}""", count));
        var ten = NetworkCheck.Check(NetworkSpec.Parse($$"""{"inputs": {{inputs}}, "layers": [{{Stack("glorot_uniform", 10)}}, {"units": 1, "activation": "identity"}]}"""));
        Assert.DoesNotContain(ten, f => f.Kind == FindingKind.InitScale);

        // Plain Glorot (gain 1, Keras's default and the Xavier paper's) is accepted too: 2/(64 + 64) = 0.125².
        if (inputs == units)
        {
            var plain = NetworkCheck.Check(NetworkSpec.Parse($$"""{"inputs": {{inputs}}, "layers": [{{Stack("normal(0.125)", 10)}}, {"units": 1, "activation": "identity"}]}"""));
            Assert.DoesNotContain(plain, f => f.Kind == FindingKind.InitScale);
        }

        // LeCun's 1/fan_in is plain Glorot at equal fans and within a layer's tolerance of 4× otherwise.
        var one = NetworkCheck.Check(NetworkSpec.Parse($$"""{"inputs": {{inputs}}, "layers": [{{Stack("lecun_normal", 1)}}, {"units": 1, "activation": "identity"}]}"""));
        Assert.DoesNotContain(one, f => f.Kind == FindingKind.InitScale && f.Severity != Severity.Info);
    }

    [Fact]
    public void The_variance_of_each_initialiser_is_the_engines()
    {
        var relu = ActivationCatalog.Find("relu")!;
        var tanh = ActivationCatalog.Find("tanh")!;
        var selu = ActivationCatalog.Find("selu")!;
        Assert.Equal(2.0 / 64, InitializerSpec.WeightVariance("he_normal", relu, 64, 32), 15);
        Assert.Equal(2.0 / 64, InitializerSpec.WeightVariance("kaiming-uniform", relu, 64, 32), 15);
        Assert.Equal(25.0 / 9 * 2 / 96, InitializerSpec.WeightVariance("glorot_uniform", tanh, 64, 32), 15);
        Assert.Equal(1.0 / 64, InitializerSpec.WeightVariance("lecun_normal", tanh, 64, 32), 15);
        Assert.Equal(1.0 / 64, InitializerSpec.WeightVariance("auto", selu, 64, 32), 15);
        Assert.Equal(2.0 / 64, InitializerSpec.WeightVariance("orthogonal", relu, 64, 32), 15);
        Assert.Equal(0.09 / 3, InitializerSpec.WeightVariance("uniform(0.3)", relu, 64, 32), 15);
        Assert.Equal(0.0025, InitializerSpec.WeightVariance("normal", relu, 64, 32), 15);
        Assert.Equal(0, InitializerSpec.WeightVariance("constant(0.5)", relu, 64, 32));
    }

    [Fact]
    public void Selus_gain_is_1_so_he_draws_lecuns_variance_and_glorot_off_it_is_reported()
    {
        // SELU's gain was PyTorch's calculate_gain('selu') = 3/4, so he_normal drew fan_in·Var(w) = 0.5625, outside the
        // [0.95, 1.1] of Klambauer's Theorem 1. Its gain is now 1 (PyTorch advises nonlinearity='linear' for
        // self-normalising networks): he_normal draws LeCun's 1/fan_in exactly, and Glorot with unequal fans (2/80 for
        // 64 → 16, 1.6× what SELU needs) is beyond the 1.5× allowed for initialisation-sensitive functions.
        Assert.Equal(1.0, ActivationCatalog.Find("selu")!.Gain);
        Assert.Equal("LeCun (gain 1)", $"{ActivationCatalog.Find("selu")!.Init} (gain {ActivationCatalog.Find("selu")!.Gain})");
        Assert.Empty(NetworkCheck.Check(NetworkSpec.Parse("""{"inputs": 64, "layers": [{"units": 64, "activation": "selu", "init": "he_normal"}, {"units": 1, "activation": "identity"}]}""")));
        Assert.Empty(NetworkCheck.Check(NetworkSpec.Parse("""{"inputs": 64, "layers": [{"units": 64, "activation": "selu", "init": "lecun_normal"}, {"units": 1, "activation": "identity"}]}""")));
        var found = NetworkCheck.Check(NetworkSpec.Parse("""{"inputs": 64, "layers": [{"units": 16, "activation": "selu", "init": "glorot_normal"}, {"units": 1, "activation": "identity"}]}"""));
        var f = Assert.Single(found);
        Assert.Equal(1.6, f.Evidence["ratio"], 12);
        Assert.Contains("LeCun normal", f.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void The_recommended_gain_follows_the_recommended_parameters()
    {
        // --model gan recommended leaky_relu(negative_slope=0.2) with he_normal (gain 1.4141), the default slope's gain.
        var top = ActivationAdvisor.Recommend(Request("gan", "binary", "hidden", 0, "", ""))[0];
        Assert.Equal("leaky_relu", top.Name);
        Assert.Equal(0.2, top.Params["negative_slope"]);
        Assert.Equal("he_normal (gain 1.3868)", top.Init);
        Assert.Equal("he_normal (gain 1.6765)", ActivationAdvisor.InitFor(ActivationCatalog.Find("silu")!));
    }

    [Fact]
    public void Malformed_json_names_its_line_and_column_counted_from_1()
    {
        // "… LineNumber: 0 | BytePositionInLine: 60." counted from 0 in .NET's words.
        var e = Assert.Throws<FormatException>(() => NetworkSpec.Parse("""{"inputs": 4, "layers": [{"units": 8, "activation": "relu"} {"units": 1}]}"""));
        Assert.Equal("The network spec is not valid JSON at line 1, column 61: '{' is invalid after a value. Expected either ',', '}', or ']'.", e.Message);
        var second = Assert.Throws<FormatException>(() => NetworkSpec.Parse("{\n  \"inputs\": 4,,\n}"));
        Assert.Equal("The network spec is not valid JSON at line 2, column 15: ',' is an invalid start of a property name. Expected a '\"'.", second.Message);

        // The reader counts bytes: five "é" (two bytes each) before the error put it five columns too far right.
        var accents = Assert.Throws<FormatException>(() => NetworkSpec.Parse("""{"name": "ééééé", "inputs": 4,, "layers": []}"""));
        Assert.StartsWith("The network spec is not valid JSON at line 1, column 31:", accents.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_number_written_with_a_decimal_point_is_a_count()
    {
        // "units": 8.0 was "needs units > 0 (a whole number)", which 8.0 is.
        var spec = NetworkSpec.Parse("""{"inputs": 4.0, "layers": [{"units": 8.0, "activation": "relu"}, {"units": 1, "activation": "identity"}]}""");
        Assert.Equal((4, 8), (spec.Inputs, spec.Layers[0].Units));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("{\"layers\": []}", "no \"layers\"")]
    [InlineData("{\"layers\": [{\"units\": 0, \"activation\": \"relu\"}]}", "Layer 1 of the spec: \"units\" must be a whole number ≥ 1 (the layer's width), got 0.")]
    [InlineData("{\"layers\": [{\"units\": 8.5, \"activation\": \"relu\"}]}", "Layer 1 of the spec: \"units\" must be a whole number (the layer's width), got 8.5.")]
    [InlineData("{\"layers\": [{\"units\": 1e10, \"activation\": \"relu\"}]}", "Layer 1 of the spec: \"units\" is 1e10, more than the largest count, 2,147,483,647.")]
    [InlineData("{\"layers\": [{\"units\": \"8\", \"activation\": \"relu\"}]}", "Layer 1 of the spec: \"units\" must be a whole number ≥ 1 (the layer's width), got \"8\".")]
    [InlineData("{\"layers\": [{\"activation\": \"relu\"}]}", "Layer 1 of the spec needs \"units\", a whole number ≥ 1.")]
    [InlineData("{\"inputs\": 3000000000, \"layers\": [{\"units\": 2, \"activation\": \"relu\"}]}", "The network spec's \"inputs\" is 3000000000, more than the largest count, 2,147,483,647.")]
    [InlineData("{\"inputs\": 0, \"layers\": [{\"units\": 2, \"activation\": \"relu\"}]}", "\"inputs\" must be a whole number ≥ 1 (the input features), got 0.")]
    [InlineData("{\"inputs\": -5, \"layers\": [{\"units\": 2, \"activation\": \"relu\"}]}", "\"inputs\" must be a whole number ≥ 1 (the input features), got -5.")]
    [InlineData("{\"inputs\": 2.5, \"layers\": [{\"units\": 2, \"activation\": \"relu\"}]}", "got 2.5.")]
    [InlineData("{\"inputs\": 4, \"layers\": null}", "\"layers\" must be a list of")]
    [InlineData("{\"layers\": [null]}", "Layer 1 of the spec must be an object")]
    [InlineData("{\"layers\": [{\"units\": 2, \"activation\": \"relu\", \"init\": null}]}", "Layer 1 of the spec: \"init\" must be a string (an initialiser such as \"he_normal\"), got null")]
    [InlineData("{\"layers\": [{\"units\": 2, \"activation\": null}]}", "Layer 1 of the spec needs an \"activation\", a catalog name such as \"relu\".")]
    [InlineData("{\"layers\": [{\"units\": 2, \"activation\": \" \"}]}", "Layer 1 of the spec needs an \"activation\", a catalog name such as \"relu\".")]
    [InlineData("{\"layers\": [{\"units\": 2}]}", "Layer 1 of the spec needs an \"activation\", a catalog name such as \"relu\".")]
    [InlineData("{\"layers\": [{\"units\": 2, \"activation\": 3}]}", "Layer 1 of the spec: \"activation\" must be a string (a catalog name such as \"relu\"), got 3.")]
    [InlineData("{\"layers\": [{\"units\": 2, \"activation\": [\"relu\"]}]}", "Layer 1 of the spec: \"activation\" must be a string (a catalog name such as \"relu\"), got [\"relu\"].")]
    [InlineData("{\"layers\": [{\"units\": 2, \"activation\": \"relu\", \"init\": 5}]}", "Layer 1 of the spec: \"init\" must be a string (an initialiser such as \"he_normal\"), got 5;")]
    [InlineData("{\"loss\": 3, \"layers\": [{\"units\": 2, \"activation\": \"relu\"}]}", "The network spec: \"loss\" must be a string (a loss such as \"ce\"), got 3;")]
    [InlineData("{\"task\": true, \"layers\": [{\"units\": 2, \"activation\": \"relu\"}]}", "The network spec: \"task\" must be a string (a task such as \"multiclass\"), got true;")]
    [InlineData("{\"inputs\": 3, \"Inputs\": 4, \"layers\": [{\"units\": 2, \"activation\": \"relu\"}]}", "The network spec: \"Inputs\" is given twice.")]
    [InlineData("{\"task\": null, \"layers\": [{\"units\": 2, \"activation\": \"relu\"}]}", "The network spec: \"task\" must be a string")]
    [InlineData("{\"layers\": [{\"units\": 2, \"activation\": \"relu\", \"dropout\": 0.1}]}", "Layer 1 of the spec: unknown key \"dropout\" (known: units, activation, init).")]
    [InlineData("{\"optimizer\": \"adam\", \"layers\": [{\"units\": 2, \"activation\": \"relu\"}]}", "The network spec: unknown key \"optimizer\" (known: inputs, layers, loss, task).")]
    [InlineData("[1, 2]", "must be a JSON object")]
    public void Malformed_specs_get_one_clear_sentence(string json, string message)
    {
        var e = Assert.Throws<FormatException>(() => NetworkSpec.Parse(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("activation")]
    [InlineData("init")]
    [InlineData("units")]
    public void A_long_value_of_the_wrong_type_is_quoted_shortened(string key)
    {
        // A list of 10,000 numbers where a name or a count belongs: the message quotes its start, not all of it.
        string list = "[" + string.Join(", ", Enumerable.Range(0, 10_000)) + "]";
        var layer = new Dictionary<string, string> { ["units"] = "2", ["activation"] = "\"relu\"", [key] = list };
        string json = "{\"layers\": [{" + string.Join(", ", layer.Select(p => $"\"{p.Key}\": {p.Value}")) + "}]}";
        var e = Assert.Throws<FormatException>(() => NetworkSpec.Parse(json));
        Assert.Contains($"\"{key}\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("got [0, 1, 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("…", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 300, e.Message);
    }

    [Theory]
    [InlineData("normal(0.01)")]
    [InlineData("constant(0.5)")]
    [InlineData("uniform(0.1)")]
    [InlineData("Kaiming-Normal")]
    [InlineData("xavier_uniform")]
    [InlineData("auto")]
    public void Network_check_accepts_every_initialiser_train_accepts(string init)
    {
        var spec = NetworkSpec.Parse($$"""{"inputs": 4, "layers": [{"units": 8, "activation": "relu", "init": "{{init}}"}, {"units": 1, "activation": "identity"}]}""");
        _ = NetworkCheck.Check(spec);
    }

    [Theory]
    [InlineData("he_magic", "Layer 1: Unknown initialiser 'he_magic' (valid: auto, zeros, constant(c)")]
    [InlineData("he_normall", "Layer 1: Unknown initialiser 'he_normall'. Did you mean 'he_normal'? (valid: auto, zeros")]
    [InlineData("xavier_unifrom", "Layer 1: Unknown initialiser 'xavier_unifrom'. Did you mean 'glorot_uniform'? (valid:")]
    [InlineData("orthogonl", "Layer 1: Unknown initialiser 'orthogonl'. Did you mean 'orthogonal'? (valid:")]
    [InlineData("normal(x)", "Layer 1: Malformed initialiser 'normal(x)'")]
    [InlineData("he_normal(2)", "Layer 1: Initialiser 'he_normal(2)' takes no value.")]
    [InlineData("normal(-1)", "Layer 1: Initialiser 'normal(-1)': the scale must be ≥ 0.")]
    public void Network_check_refuses_initialisers_train_refuses(string init, string message)
    {
        var spec = NetworkSpec.Parse($$"""{"layers": [{"units": 8, "activation": "relu", "init": "{{init}}"}, {"units": 1, "activation": "identity"}]}""");
        var e = Assert.Throws<ArgumentException>(() => NetworkCheck.Check(spec));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constant_init_of_a_hidden_layer_is_symmetric_whatever_its_value()
    {
        var spec = NetworkSpec.Parse("""{"layers": [{"units": 8, "activation": "relu", "init": "constant(0.5)"}, {"units": 1, "activation": "identity"}]}""");
        Assert.Equal(FindingKind.SymmetricInit, Assert.Single(NetworkCheck.Check(spec)).Kind);
    }

    [Fact]
    public void Network_check_refuses_per_channel_prelu_slopes_that_do_not_match_the_units()
    {
        var spec = NetworkSpec.Parse("""{"inputs": 4, "layers": [{"units": 256, "activation": "prelu(num_parameters=3)"}, {"units": 1, "activation": "identity"}]}""");
        var e = Assert.Throws<ArgumentException>(() => NetworkCheck.Check(spec));
        Assert.StartsWith("Layer 1: prelu(num_parameters=3) has 3 slopes, one per channel, but the layer has 256 units; use num_parameters=1 (one shared slope) or num_parameters=256.", e.Message, StringComparison.Ordinal);
        Assert.Empty(NetworkCheck.Check(NetworkSpec.Parse("""{"layers": [{"units": 256, "activation": "prelu(num_parameters=256)"}, {"units": 1, "activation": "identity"}]}""")));
    }

    [Fact]
    public void Network_check_refuses_null_parts_of_a_spec_built_in_code()
    {
        Assert.Contains("Layer 1 of the spec is null", Assert.Throws<ArgumentException>(() => NetworkCheck.Check(new NetworkSpec { Layers = [null!] })).Message, StringComparison.Ordinal);
        Assert.Contains("has no layers", Assert.Throws<ArgumentException>(() => NetworkCheck.Check(new NetworkSpec { Layers = null! })).Message, StringComparison.Ordinal);
        Assert.Contains("null init", Assert.Throws<ArgumentException>(() => NetworkCheck.Check(new NetworkSpec { Layers = [new LayerSpec { Units = 2, Activation = "relu", Init = null! }] })).Message, StringComparison.Ordinal);
        Assert.Contains("inputs must be ≥ 1", Assert.Throws<ArgumentException>(() => NetworkCheck.Check(new NetworkSpec { Inputs = -5, Layers = [new LayerSpec { Units = 2, Activation = "relu" }] })).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("sparsemax")]
    [InlineData("log_softmax")]
    public void A_row_wise_function_in_a_hidden_layer_is_flagged_as_the_advisor_refuses_it(string activation)
    {
        var spec = NetworkSpec.Parse($$"""{"inputs": 10, "task": "binary", "loss": "bce", "layers": [{"units": 32, "activation": "{{activation}}", "init": "glorot_uniform"}, {"units": 1, "activation": "sigmoid"}]}""");
        var f = Assert.Single(NetworkCheck.Check(spec));
        Assert.Equal(FindingKind.VanishingGradients, f.Kind);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal($"layer 1 ({activation})", f.Layer);
        Assert.StartsWith($"{activation} in a hidden layer normalises each row across its 32 units", f.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain(ActivationAdvisor.Recommend(new AdvisorRequest(), 50), r => r.Name == activation);
    }

    [Theory]
    [InlineData("softmax", "1")]
    [InlineData("log_softmax", "0")]
    public void A_single_unit_row_wise_output_is_constant_and_flagged(string activation, string value)
    {
        var spec = NetworkSpec.Parse($$"""{"inputs": 4, "task": "multiclass", "loss": "ce", "layers": [{"units": 16, "activation": "relu", "init": "he_normal"}, {"units": 1, "activation": "{{activation}}"}]}""");
        var f = Assert.Single(NetworkCheck.Check(spec), f => f.Kind == FindingKind.OutputMismatch && f.Layer == "output");
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.StartsWith($"{activation} over a single unit always outputs {value} and passes no gradient", f.Explanation, StringComparison.Ordinal);
    }
}
