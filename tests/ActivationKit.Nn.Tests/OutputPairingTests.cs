using ActivationKit.Advisor;
using ActivationKit.Catalog;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

public class OutputPairingTests
{
    [Theory]
    [InlineData(AdvisorTask.Regression, "identity", "mse", null)]
    [InlineData(AdvisorTask.Binary, "sigmoid", "bce", "sigmoid")]
    [InlineData(AdvisorTask.Multiclass, "softmax", "cross_entropy", "softmax")]
    [InlineData(AdvisorTask.Multilabel, "sigmoid", "multilabel_bce", "sigmoid")]
    public void Each_task_has_one_recommended_output_and_loss_and_it_is_the_advisors_first_choice(AdvisorTask task, string output, string loss, string? fused)
    {
        var (o, l) = OutputPairing.Recommended(task);
        Assert.Equal(output, o);
        Assert.Equal(loss, l.Name);
        Assert.Equal(fused, OutputPairing.FusedActivation(l));
        var advice = ActivationAdvisor.Recommend(new AdvisorRequest { Task = task, Layer = LayerRole.Output }, 1);
        Assert.Equal(output, advice[0].Name);
    }

    [Fact]
    public void Bounds_at_the_default_parameters_are_the_catalogs_and_follow_a_layers_own_parameters()
    {
        // Trainer.Fit and the regression pairing judge an output by its own bounds; at the defaults they must be the
        // catalog's for every function, or a default layer would be judged against what the catalog says of it.
        foreach (var info in ActivationCatalog.All)
        {
            Assert.Equal((info.BoundedBelow, info.BoundedAbove), OutputPairing.Bounds(ActivationCatalog.Create(info)));
        }

        Assert.Equal((true, false), OutputPairing.Bounds(ActivationCatalog.Create("leaky_relu(0)")));
        Assert.Equal((false, false), OutputPairing.Bounds(ActivationCatalog.Create("leaky_relu(0.01)")));
        Assert.Equal((true, true), OutputPairing.Bounds(ActivationCatalog.Create("hardtanh(-5, 5)")));

        // A regression output at parameters that bound it is scaled into its range like relu, not fed standard scores.
        var data = new Dataset("t", Enumerable.Range(0, 50).Select(i => (float)i).ToArray(), 1, Enumerable.Range(0, 50).Select(i => (float)(i * 3 - 40)).ToArray(), 1, 0);
        Assert.Contains("targets standardised and shifted to ≥", OutputPairing.For("leaky_relu(0)", AdvisorTask.Regression, data).Description, StringComparison.Ordinal);
        Assert.Contains("the output activation leaky_relu(negative_slope=0) only gives values of 0 and above", OutputPairing.TargetRangeProblem("leaky_relu(0)", data), StringComparison.Ordinal);
    }

    [Fact]
    public void Ranking_has_no_engine_loss_and_only_the_logit_losses_are_fused()
    {
        Assert.Contains("ranking", Assert.Throws<ArgumentException>(() => OutputPairing.Recommended(AdvisorTask.Ranking)).Message);
        Assert.Null(OutputPairing.FusedActivation(Losses.MeanAbsoluteError));
        Assert.Null(OutputPairing.FusedActivation(Losses.Huber(2)));
        Assert.Equal("softmax", OutputPairing.FusedActivation(Losses.Parse("softmax_ce")));
        Assert.Equal("sigmoid", OutputPairing.FusedActivation(Losses.Parse("bce_logits")));
    }

    [Theory]
    [InlineData("sigmoid", AdvisorTask.Binary, "bce", "sigmoid + fused binary cross-entropy on logits")]
    [InlineData("sigmoid", AdvisorTask.Multilabel, "multilabel_bce", "sigmoid + fused binary cross-entropy on logits")]
    [InlineData("softmax", AdvisorTask.Multiclass, "cross_entropy", "softmax + fused categorical cross-entropy on logits")]
    [InlineData("identity", AdvisorTask.Ranking, "identity+Mse", "identity + MSE")]
    [InlineData("softmax", AdvisorTask.Binary, "softmax+Bce", "softmax + binary cross-entropy on its outputs (clamped to [1e-7, 1 − 1e-7])")]
    [InlineData("sigmoid", AdvisorTask.Multiclass, "sigmoid+Bce", "sigmoid + one-vs-rest binary cross-entropy on one-hot targets")]
    [InlineData("log_softmax", AdvisorTask.Multiclass, "log_softmax+LogProbabilityNll", "log_softmax + negative log-likelihood (outputs are log-probabilities)")]
    [InlineData("identity", AdvisorTask.Binary, "bce", "identity (logits) + binary cross-entropy on the logits")]
    [InlineData("identity", AdvisorTask.Multilabel, "multilabel_bce", "identity (logits) + binary cross-entropy on the logits")]
    [InlineData("identity", AdvisorTask.Multiclass, "cross_entropy", "identity (logits) + softmax cross-entropy on the logits")]
    [InlineData("sparsemax", AdvisorTask.Multiclass, "sparsemax+SparsemaxLoss", "sparsemax + the sparsemax loss (Martins & Astudillo, 2016)")]
    public void A_candidate_trains_with_the_fused_loss_only_when_it_is_the_recommended_output(string spec, AdvisorTask task, string loss, string description)
    {
        bool labels = task is AdvisorTask.Binary or AdvisorTask.Multiclass;
        var train = new Dataset("t", [0f, 1f, 2f, 3f], 1, [0f, 1f, 1f, 0f], 1, labels ? 2 : 0);
        var pairing = OutputPairing.For(spec, task, train);
        Assert.Equal(loss, pairing.Loss.Name);
        Assert.Equal(description, pairing.Description);
        Assert.Same(train, pairing.TrainTargets);
    }

    // Targets around 2000 (std about 300), with a row far below the others, as a price or a count might be.
    private static Dataset Prices()
    {
        float[] x = [-1.5f, -1f, -0.5f, 0f, 0.5f, 1f, 1.5f, -3f];
        return new Dataset("prices", x, 1, x.Select(v => 2000 + (300 * v)).ToArray(), 1, 0);
    }

    private static (double Mean, double Std, double Min, double Max) Moments(IReadOnlyList<float> v)
    {
        double mean = v.Average(t => (double)t);
        return (mean, Math.Sqrt(v.Average(t => (t - mean) * (t - mean))), v.Min(), v.Max());
    }

    [Theory]
    [InlineData("identity", "mse", "identity + MSE on standardised targets", 0, 1)]
    [InlineData("leaky_relu", "leaky_relu+Mse", "leaky_relu + MSE on standardised targets", double.NaN, 1)]
    [InlineData("softplus", "softplus+Mse", "softplus + MSE, targets standardised and shifted to ≥ 1 (its outputs are ≥ 0)", double.NaN, 1)]
    [InlineData("relu", "relu+Mse", "relu + MSE, targets standardised and shifted to ≥ 1 (its outputs are ≥ 0)", double.NaN, 1)]
    [InlineData("exponential", "exponential+Mse", "exponential + MSE, targets standardised and shifted to ≥ 1 (its outputs are ≥ 0)", double.NaN, 1)]
    [InlineData("sigmoid", "sigmoid+Mse", "sigmoid + MSE, targets scaled into [0.1, 0.9]", double.NaN, double.NaN)]
    [InlineData("tanh", "tanh+Mse", "tanh + MSE, targets scaled into [-0.8, 0.8]", double.NaN, double.NaN)]
    public void Regression_candidates_train_on_targets_of_unit_scale_fitting_their_range(string spec, string loss, string description, double mean, double std)
    {
        // Identity, softplus, relu and exponential trained on targets around 2000 and scored R² ≈ −30 in a trial of a few
        // epochs, while sigmoid and tanh, whose targets were scaled into their range, scored 0.9.
        var train = Prices();
        var pairing = OutputPairing.For(spec, AdvisorTask.Regression, train);
        Assert.Equal(loss, pairing.Loss.Name);
        Assert.Equal(description, pairing.Description);
        var m = Moments(pairing.TrainTargets.Targets);
        if (!double.IsNaN(mean)) Assert.Equal(mean, m.Mean, 5);
        if (!double.IsNaN(std)) Assert.Equal(std, m.Std, 5);
        switch (spec)
        {
            case "softplus" or "relu" or "exponential":
                Assert.Equal(1, m.Min, 5);
                break;
            case "sigmoid" or "tanh":
                var (lo, hi) = spec == "sigmoid" ? (0.1, 0.9) : (-0.8, 0.8);
                Assert.Equal(lo, m.Min, 5);
                Assert.Equal(hi, m.Max, 5);
                break;
        }
    }

    [Fact]
    public void Regression_scores_r2_on_the_targets_own_scale_and_the_loss_on_standard_scores_for_every_candidate()
    {
        // A network that outputs 0 whatever the input: identity then predicts the training mean (R² 0 on the training set,
        // MSE 1 on standard scores); softplus predicts ln 2 on its shifted scale, the least target plus (ln 2 − 1) std.
        var data = Prices();
        var net = Mlp.Build(1, [], "relu", 1, "linear");
        var (mean, std, min, _) = Moments(data.Targets);
        double sst = data.Targets.Sum(t => (t - mean) * (t - mean));

        var (r2, loss) = OutputPairing.For("identity", AdvisorTask.Regression, data).Evaluate(net, data);
        Assert.Equal(0, r2, 6);
        Assert.Equal(1, loss, 6);

        double softplus = min + ((Math.Log(2) - 1) * std);
        double sse = data.Targets.Sum(t => (softplus - t) * (softplus - t));
        (r2, loss) = OutputPairing.For("softplus", AdvisorTask.Regression, data).Evaluate(net, data);
        Assert.Equal(1 - (sse / sst), r2, 5);
        Assert.Equal(sse / (data.Rows * std * std), loss, 5);

        // sigmoid(0) = 0.5 is the middle of [0.1, 0.9], so the middle of the targets' range; its loss is on the same scale.
        double middle = (data.Targets.Min() + data.Targets.Max()) / 2.0;
        sse = data.Targets.Sum(t => (middle - t) * (middle - t));
        (r2, loss) = OutputPairing.For("sigmoid", AdvisorTask.Regression, data).Evaluate(net, data);
        Assert.Equal(1 - (sse / sst), r2, 5);
        Assert.Equal(sse / (data.Rows * std * std), loss, 5);
    }

    [Fact]
    public void Recommended_pairings_score_with_the_applied_output()
    {
        // Two rows, one logit each: sigmoid(±3) is on the right side of 0.5 for labels 1 and 0.
        var net = Mlp.Build(1, [], "relu", 1, "linear");
        net.Layers[0].Weights[0] = 3;
        var validation = new Dataset("v", [1f, -1f], 1, [1f, 0f], 1, 2);
        var (accuracy, loss) = OutputPairing.For("sigmoid", AdvisorTask.Binary, validation).Evaluate(net, validation);
        Assert.Equal(1.0, accuracy);
        Assert.Equal(Math.Log(1 + Math.Exp(-3)), loss, 1e-6);
    }

    [Fact]
    public void A_bounded_output_that_cannot_reach_the_regression_targets_is_named()
    {
        // --output sigmoid on targets from −5 to 7 trained to an R² of 0.08 without a word.
        var data = new Dataset("lin", [0f, 1f, 2f, 3f], 1, [-5f, 0f, 1f, 7f], 1, 0);
        Assert.Equal(
            "the output activation sigmoid only gives values from 0 to 1, but the training targets run from -5 to 7, so it cannot fit the targets at either end; use identity (the regression default), or rescale the targets into its range.",
            OutputPairing.TargetRangeProblem("sigmoid", data));
        Assert.Equal(
            "the output activation relu only gives values of 0 and above, but the training targets run from -5 to 7, so it cannot fit the targets below 0; use identity (the regression default), or rescale the targets into its range.",
            OutputPairing.TargetRangeProblem("relu", data));

        // Targets within the range, its limits included, and unbounded outputs, pass.
        var unit = new Dataset("unit", [0f, 1f, 2f], 1, [0f, 0.5f, 1f], 1, 0);
        Assert.Null(OutputPairing.TargetRangeProblem("sigmoid", unit));
        Assert.Null(OutputPairing.TargetRangeProblem("relu", unit));
        Assert.Null(OutputPairing.TargetRangeProblem("linear", data));
        Assert.Null(OutputPairing.TargetRangeProblem("identity", data));
        Assert.Null(OutputPairing.TargetRangeProblem("leaky_relu", data));
        Assert.Contains("above 1", OutputPairing.TargetRangeProblem("tanh", new Dataset("t", [0f, 1f], 1, [0f, 2f], 1, 0)), StringComparison.Ordinal);

        // Saturating outputs reach their limits only far out (softsign(40) = 0.9756), and a sampled extreme falls just
        // short of a peak between grid points (sin's 0.999994): neither makes a reachable target out of range.
        var near = new Dataset("near", [0f, 1f, 2f], 1, [-0.985f, 0f, 0.985f], 1, 0);
        Assert.Null(OutputPairing.TargetRangeProblem("softsign", near));
        Assert.Null(OutputPairing.TargetRangeProblem("tanh", near));
        Assert.Null(OutputPairing.TargetRangeProblem("sin", new Dataset("s", [0f, 1f], 1, [-1f, 1f], 1, 0)));
        Assert.Contains("from -1 to 1", OutputPairing.TargetRangeProblem("softsign", new Dataset("o", [0f, 1f], 1, [0f, 1.01f], 1, 0)), StringComparison.Ordinal);
    }

    [Fact]
    public void Identity_logits_are_scored_through_the_sigmoid_the_loss_applies()
    {
        // Logits 0.3 and −0.3 are P = 0.57 and 0.43: right for labels 1 and 0. Scored as they were, at 0.5 on the logits
        // themselves, the first counted as class 0; and they trained with MSE to the 0/1 targets.
        var net = Mlp.Build(1, [], "relu", 1, "linear");
        net.Layers[0].Weights[0] = 0.3f;
        var validation = new Dataset("v", [1f, -1f], 1, [1f, 0f], 1, 2);
        var (accuracy, loss) = OutputPairing.For("identity", AdvisorTask.Binary, validation).Evaluate(net, validation);
        Assert.Equal(1.0, accuracy);
        Assert.Equal(Math.Log(1 + Math.Exp(-0.3)), loss, 1e-6);
    }

    [Fact]
    public void The_sparsemax_loss_is_zero_at_a_confident_right_answer_and_its_gradient_is_sparsemax_minus_one_hot()
    {
        var train = new Dataset("t", [0f, 1f], 1, [2f, 0f], 1, 3);
        var loss = OutputPairing.For("sparsemax", AdvisorTask.Multiclass, train).Loss;
        float[] confident = [0f, 0f, 5f];
        Assert.Equal(0.0, loss.Compute(confident, [2f], 1, 3, new float[3]), 1e-6);

        // Two rows, the second with a support of two classes; central differences in z against the analytic gradient.
        float[] z = [0.3f, -0.2f, 0.1f, 1.2f, 1.0f, -2f];
        float[] labels = [2f, 0f];
        var gradient = new float[z.Length];
        double at = loss.Compute(z, labels, 2, 3, gradient);
        Assert.True(at > 0);
        const float h = 1e-2f;
        for (int i = 0; i < z.Length; i++)
        {
            float[] plus = [.. z], minus = [.. z];
            plus[i] += h;
            minus[i] -= h;
            double numeric = (loss.Compute(plus, labels, 2, 3, Span<float>.Empty) - loss.Compute(minus, labels, 2, 3, Span<float>.Empty)) / (2 * h);
            Assert.Equal(numeric, gradient[i], 1e-3);
        }

        // sparsemax([1.2, 1.0, −2]) = [0.6, 0.4, 0]: the second row's gradient is (p − one-hot(0)) / 2 rows.
        Assert.Equal([-0.2f, 0.2f, 0f], gradient[3..].Select(g => MathF.Round(g, 5)).ToArray());
    }
}
