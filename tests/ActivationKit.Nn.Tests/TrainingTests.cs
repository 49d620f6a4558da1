using ActivationKit.Nn;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

public class TrainingTests
{
    [Fact]
    public void R2_of_several_targets_is_pooled_and_each_columns_is_given()
    {
        // An untrained network with zero weights predicts its biases: 0 for every row and column.
        var net = new Mlp(1, [new(2, "linear")]);
        net.Initialize(Initializer.Parse("zeros"), 1);
        float[] y = [1, 10, 2, 30, 3, 20, 4, 40];
        var data = new Dataset("two", [0f, 1f, 2f, 3f], 1, y, 2, 0);
        var m = Trainer.Evaluate(net, data);

        // Column 0: targets 1…4 (mean 2.5, SS_tot 5, SS_res 30); column 1: 10, 30, 20, 40 (mean 25, SS_tot 500, SS_res 3000).
        Assert.Equal([1 - (30.0 / 5), 1 - (3000.0 / 500)], m.R2PerColumn);
        Assert.Equal(1 - (3030.0 / 505), m.R2, 12);
        Assert.Equal(3030.0 / 8, m.MeanSquaredError, 12);

        // Training without evaluating the training set separately gives the same split.
        var fit = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 1, BatchSize = 4, LearningRate = 1e-30, Seed = 1, EvaluateTrainingSet = false });
        Assert.Equal(2, fit.History[0].Train.R2PerColumn.Count);
        Assert.Empty(Trainer.Evaluate(net, new Dataset("c", [0f, 1f], 1, [0f, 1f], 1, 2)).R2PerColumn);
    }

    [Fact]
    public void LearnsXor()
    {
        var data = Synthetic.Create("xor", 400, 0, seed: 1);
        var net = new Mlp(2, [new(32, "tanh"), new(32, "relu"), new(2, "linear")]);
        net.Initialize(Initializer.Auto, 1);
        var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 300, BatchSize = 16, LearningRate = 0.01, Seed = 1 });
        Assert.False(result.Diverged, result.Message);
        Assert.True(result.Last!.Train.Accuracy >= 0.99, $"accuracy {result.Last.Train.Accuracy}");
    }

    [Fact]
    public void A_single_output_binary_network_trains_with_binary_cross_entropy_by_default()
    {
        // Two classes, one output: the default loss is BCE on the logit (softmax cross-entropy would need two outputs
        // and used to refuse label 1 as "not a class index in [0, 0]").
        var data = Synthetic.Create("xor", 400, 0, seed: 3);
        Assert.Equal(2, data.ClassCount);
        Assert.Same(Losses.BinaryCrossEntropy, Trainer.DefaultLoss(data, 1));
        Assert.Same(Losses.SoftmaxCrossEntropy, Trainer.DefaultLoss(data, 2));
        var net = new Mlp(2, [new(32, "tanh"), new(32, "relu"), new(1, "linear")]);
        net.Initialize(Initializer.Auto, 3);
        var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 300, BatchSize = 16, LearningRate = 0.01, Seed = 3 });
        Assert.False(result.Diverged, result.Message);
        Assert.True(result.Last!.Train.Accuracy >= 0.97, $"accuracy {result.Last.Train.Accuracy}");
    }

    [Fact]
    public void LearnsTwoSpiralsWithRelu()
    {
        var all = Synthetic.Create("spirals", 2000, 0, seed: 2);
        var (train, val, _) = all.Split(0.8, 0.2, seed: 2);
        var net = new Mlp(2, [new(64, "relu"), new(64, "relu"), new(2, "linear")]);
        net.Initialize(Initializer.Auto, 2);
        var result = Trainer.Fit(net, train, val, new TrainerOptions { Epochs = 150, BatchSize = 32, LearningRate = 0.003, Seed = 2, Schedule = Schedules.Cosine(0.05) });
        Assert.False(result.Diverged, result.Message);
        Assert.True(result.Last!.Train.Accuracy >= 0.99, $"train accuracy {result.Last.Train.Accuracy}");
        Assert.True(result.Last.Validation!.Accuracy >= 0.98, $"validation accuracy {result.Last.Validation.Accuracy}");
        Assert.True(result.Last.SamplesPerSecond > 0);
    }

    [Fact]
    public void FitsSineRegression()
    {
        var data = Synthetic.Create("sine", 500, 0, seed: 3);
        var net = new Mlp(1, [new(32, "tanh"), new(1, "linear")]);
        net.Initialize(Initializer.Auto, 3);
        var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 150, BatchSize = 32, LearningRate = 0.01, Seed = 3 });
        Assert.True(result.Last!.Train.R2 > 0.99, $"R² {result.Last.Train.R2}");
        Assert.True(double.IsNaN(result.Last.Train.Accuracy));
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndMetrics()
    {
        (float[][] Weights, string History) Run(int threads)
        {
            var data = Synthetic.Create("moons", 600, 0.1, seed: 4);
            var net = new Mlp(2, [new(40, "tanh"), new(40, "relu"), new(2, "linear")]);
            net.Initialize(Initializer.Auto, 4);
            var result = Trainer.Fit(net, data, data, new TrainerOptions { Epochs = 5, BatchSize = 50, LearningRate = 0.01, Seed = 4, Threads = threads, Optimizer = new Sgd(0.9, true, 1e-4) });
            string history = string.Join(";", result.History.Select(h => $"{h.Train.Loss:R},{h.Train.Accuracy:R},{h.Validation!.Loss:R}"));
            return (net.Layers.SelectMany(l => new[] { (float[])l.Weights.Clone(), (float[])l.Bias.Clone() }).ToArray(), history);
        }

        var a = Run(1);
        var b = Run(1);
        var c = Run(2);
        Assert.Equal(a.History, b.History);
        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(a.History, c.History);
        Assert.Equal(a.Weights, c.Weights);
    }

    [Fact]
    public void DivergenceStopsWithAClearMessage()
    {
        var data = Synthetic.Create("sine", 200, 0, seed: 5);
        var net = new Mlp(1, [new(32, "relu"), new(32, "relu"), new(1, "linear")]);
        net.Initialize(Initializer.Auto, 5);
        var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 50, LearningRate = 1e6, Optimizer = new Sgd(), Seed = 5 });
        Assert.True(result.Diverged);
        Assert.Contains("epoch 1", result.Message);
        Assert.Contains("learning rate", result.Message);
    }

    [Fact]
    public void ProgressIsReportedPerBatchAndEpoch()
    {
        var data = Synthetic.Create("circles", 100, 0.05, seed: 6);
        var net = new Mlp(2, [new(8, "relu"), new(2, "linear")]);
        net.Initialize(Initializer.Auto, 6);
        var reports = new List<TrainingProgress>();
        Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 3, BatchSize = 25, Seed = 6 }, reports.Add);
        Assert.Equal(3 * 5, reports.Count);
        Assert.Equal(3, reports.Count(r => r.EpochDone));
        Assert.All(reports.Where(r => r.EpochDone), r => Assert.NotNull(r.Record));
    }

    [Fact]
    public void RunningTrainingMetricsSkipTheExtraPass()
    {
        var data = Synthetic.Create("moons", 400, 0.05, seed: 9);
        var net = Mlp.Build(2, [32], "tanh", 2);
        net.Initialize(Initializer.Auto, 9);
        var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 40, Seed = 9, EvaluateTrainingSet = false });
        double running = result.Last!.Train.Accuracy;
        double full = Trainer.Evaluate(net, data).Accuracy;
        Assert.InRange(running, full - 0.05, 1.0);

        var sine = Synthetic.Create("sine", 300, 0, seed: 9);
        var reg = Mlp.Build(1, [32], "tanh", 1);
        reg.Initialize(Initializer.Auto, 9);
        var r = Trainer.Fit(reg, sine, sine, new TrainerOptions { Epochs = 60, Seed = 9, EvaluateTrainingSet = false });
        Assert.True(r.Last!.Train.R2 > 0.9, $"running R² {r.Last.Train.R2}");
        Assert.True(r.Last.Validation!.MeanSquaredError < 0.05, $"validation MSE {r.Last.Validation.MeanSquaredError}");
    }

    [Fact]
    public void TrainerRejectsBadArguments()
    {
        var data = Synthetic.Create("xor", 10, 0, seed: 7);
        var net = new Mlp(3, [new(2, "linear")]);
        Assert.Contains("features", Assert.Throws<ArgumentException>(() => Trainer.Fit(net, data, null, new TrainerOptions())).Message);
        var ok = new Mlp(2, [new(2, "linear")]);
        Assert.Throws<ArgumentException>(() => Trainer.Fit(ok, data, null, new TrainerOptions { Epochs = 0 }));
        Assert.Throws<ArgumentException>(() => Trainer.Fit(ok, data, null, new TrainerOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => Trainer.Fit(ok, data, null, new TrainerOptions { LearningRate = double.NaN }));
        Assert.Throws<ArgumentException>(() => Trainer.Fit(ok, data, null, new TrainerOptions { Loss = Losses.MeanSquaredError }));

        // Every option is refused as "options" in one sentence: Threads = 0 reached Mlp.Threads and was blamed on "value",
        // a null Schedule was a NullReferenceException at the first epoch.
        string Refused(TrainerOptions options)
        {
            var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(ok, data, null, options));
            Assert.Equal("options", e.ParamName);
            return e.Message.Split(" (Parameter")[0];
        }

        Assert.Equal("Epochs must be ≥ 1, got 0.", Refused(new TrainerOptions { Epochs = 0 }));
        Assert.Equal("Threads must be ≥ 1, got 0.", Refused(new TrainerOptions { Threads = 0 }));
        Assert.Equal("Threads must be ≥ 1, got -2.", Refused(new TrainerOptions { Threads = -2 }));
        Assert.Equal("Schedule must be a learning-rate schedule (Schedules.Constant keeps the rate), got null.", Refused(new TrainerOptions { Schedule = null! }));
        Assert.Equal(1, ok.Threads);
    }

    [Fact]
    public void The_training_loss_is_the_loss_at_the_final_weights_and_the_running_mean_is_kept_apart()
    {
        // The train row's loss was the mean of the batch losses during the epoch (weights changing) while its MSE came
        // from the final weights: 0.1514 beside an MSE of 0.1332 for the loss that is the MSE.
        var data = Synthetic.Create("sine", 300, 0, seed: 4);
        var net = Mlp.Build(1, [16], "tanh", 1);
        net.Initialize(Initializer.Auto, 4);
        var fit = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 2, Seed = 4, LearningRate = 0.01 });
        var last = fit.Last!;
        Assert.Equal(last.Train.MeanSquaredError, last.Train.Loss, 1e-7);
        Assert.Equal(Trainer.Evaluate(net, data, Losses.MeanSquaredError).Loss, last.Train.Loss);
        Assert.NotEqual(last.Train.Loss, last.RunningLoss);
        Assert.True(double.IsFinite(last.RunningLoss));

        // Without the pass over the training set every train metric is the running one, the loss included.
        var running = Mlp.Build(1, [16], "tanh", 1);
        running.Initialize(Initializer.Auto, 4);
        var quick = Trainer.Fit(running, data, null, new TrainerOptions { Epochs = 2, Seed = 4, LearningRate = 0.01, EvaluateTrainingSet = false }).Last!;
        Assert.Equal(quick.RunningLoss, quick.Train.Loss);
        Assert.Equal(last.RunningLoss, quick.RunningLoss);
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("momentum")]
    public void An_optimiser_reused_for_another_network_trains_it_as_a_fresh_one_would(string name)
    {
        // An Adam instance kept its step count (and its moments for arrays of the first network) across networks: the
        // second network's first steps used the bias correction of step 51, not of step 1. Momentum SGD keyed its velocity
        // by array already, so for it the first half checks that the reset changes nothing and the second that it resumes.
        var data = Synthetic.Create("moons", 64, 0.1, seed: 3);
        Mlp Fresh()
        {
            var n = Mlp.Build(2, [8], "tanh", 2);
            n.Initialize(Initializer.Parse("he_normal"), 3);
            return n;
        }

        var options = new TrainerOptions { Epochs = 1, BatchSize = 16, LearningRate = 0.01, Seed = 1 };
        var shared = Optimizers.Create(name);
        Trainer.Fit(Fresh(), data, null, options with { Epochs = 5, Optimizer = shared });
        var second = Fresh();
        Trainer.Fit(second, data, null, options with { Optimizer = shared });
        var alone = Fresh();
        Trainer.Fit(alone, data, null, options with { Optimizer = Optimizers.Create(name) });
        Assert.Equal(alone.Layers[1].Weights, second.Layers[1].Weights);
        Assert.Equal(alone.Layers[0].Bias, second.Layers[0].Bias);

        // The same network trained again by the same optimiser resumes: two runs of one epoch are one run of two.
        var once = Fresh();
        Trainer.Fit(once, data, null, options with { Epochs = 2, Shuffle = false, Optimizer = Optimizers.Create(name) });
        var twice = Fresh();
        var kept = Optimizers.Create(name);
        Trainer.Fit(twice, data, null, options with { Shuffle = false, Optimizer = kept });
        Trainer.Fit(twice, data, null, options with { Shuffle = false, Optimizer = kept });
        Assert.Equal(once.Layers[1].Weights, twice.Layers[1].Weights);
    }

    [Fact]
    public void A_single_unit_is_counted_as_one_unit_in_the_warnings()
    {
        // "Layer 0 (1 units, binary_step)".
        var net = new Mlp(2, [new(1, "binary_step")]);
        Assert.StartsWith("Layer 0 (1 unit, binary_step): binary_step's gradient is zero everywhere", Assert.Single(net.Initialize(Initializer.Auto, 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_never_initialised_is_refused_and_one_initialised_with_zeros_trains()
    {
        // Mlp.Build's zero weights trained a relu network to chance accuracy without a word (exploratory API tester).
        var data = Synthetic.Create("moons", 60, 0.1, 1);
        var options = new TrainerOptions { Epochs = 1 };
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(Mlp.Build(2, [4], "relu", 2), data, null, options));
        Assert.Equal("network", e.ParamName);
        Assert.StartsWith("The network has never been initialised (every weight is zero, as new Mlp and Mlp.Build leave them): call network.Initialize(Initializer.Auto, seed) first", e.Message, StringComparison.Ordinal);

        var zeros = Mlp.Build(2, [4], "relu", 2);
        zeros.Initialize(Initializer.Parse("zeros"), 1);
        Assert.False(Trainer.Fit(zeros, data, null, options).Diverged);

        // Weights set by hand count as given.
        var manual = Mlp.Build(2, [4], "relu", 2);
        manual.Layers[0].Weights[0] = 0.5f;
        Assert.False(Trainer.Fit(manual, data, null, options).Diverged);
    }

    [Fact]
    public void An_output_layer_of_the_function_the_loss_fuses_is_refused_before_training()
    {
        // Build(…, "softmax") with the default cross_entropy trained on softmax(softmax(z)) without a word, and sigmoid
        // before bce put every output above the logit threshold 0 (accuracy: the share of class 1).
        var data = Synthetic.Create("moons", 100, 0.1, 1);
        string Refused(Mlp net, ILoss? loss, Dataset? on = null)
        {
            net.Initialize(Initializer.Auto, 1);
            var weights = net.Layers[0].Weights.ToArray();
            var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, on ?? data, null, new TrainerOptions { Epochs = 1, Loss = loss }));
            Assert.Equal("network", e.ParamName);
            Assert.Equal(weights, net.Layers[0].Weights);
            return e.Message.Split(" (Parameter")[0];
        }

        Assert.Equal(
            "The output layer applies softmax, and the loss cross_entropy (the default for this data) applies softmax to the logits itself, so training would squash the outputs twice; build the output layer linear (Mlp.Build's default) and apply softmax to Predict's outputs, as actkit predict does.",
            Refused(Mlp.Build(2, [4], "relu", 2, "softmax"), null));
        Assert.Equal(
            "The output layer applies sigmoid, and the loss bce applies sigmoid to the logits itself, so training would squash the outputs twice; build the output layer linear (Mlp.Build's default) and apply sigmoid to Predict's outputs, as actkit predict does.",
            Refused(Mlp.Build(2, [4], "relu", 1, "logistic"), Losses.BinaryCrossEntropy));
        Assert.StartsWith("The output layer applies sigmoid, and the loss bce (the default for this data) applies sigmoid", Refused(Mlp.Build(2, [4], "relu", 1, "sigmoid"), null), StringComparison.Ordinal);
        var labels = new Dataset("labels", data.Features, 2, data.Targets.SelectMany(t => new[] { t, 1 - t }).ToArray(), 2, 0);
        Assert.StartsWith("The output layer applies sigmoid, and the loss multilabel_bce applies sigmoid", Refused(Mlp.Build(2, [4], "relu", 2, "sigmoid"), Losses.MultiLabelBinaryCrossEntropy, labels), StringComparison.Ordinal);

        // Outputs confined to a range cap the fused loss's probabilities: softmax over sparsemax's [0, 1] or tanh's (−1, 1),
        // sigmoid over relu's outputs (≥ 0: every sample scored positive) or tanh's.
        Assert.Equal(
            "The output layer applies sparsemax, whose outputs lie in [0, 1], and the loss cross_entropy (the default for this data) takes them as logits and applies softmax, so its probabilities cannot come near 0 or 1; build the output layer linear (Mlp.Build's default) and apply softmax to Predict's outputs, as actkit predict does.",
            Refused(Mlp.Build(2, [4], "relu", 2, "sparsemax"), null));
        Assert.StartsWith("The output layer applies tanh, whose outputs lie in (−1, 1), and the loss cross_entropy", Refused(Mlp.Build(2, [4], "relu", 2, "tanh"), null), StringComparison.Ordinal);
        Assert.Contains("applies softmin, whose outputs lie in", Refused(Mlp.Build(2, [4], "relu", 2, "softmin"), null), StringComparison.Ordinal);
        Assert.Contains("takes them as logits and applies sigmoid, so its probabilities cannot come near 0;", Refused(Mlp.Build(2, [4], "relu", 1, "relu"), Losses.BinaryCrossEntropy), StringComparison.Ordinal);
        Assert.Contains("so its probabilities cannot come near 0 or 1;", Refused(Mlp.Build(2, [4], "relu", 2, "tanh"), Losses.MultiLabelBinaryCrossEntropy, labels), StringComparison.Ordinal);

        // The layer's own parameters decide: leaky_relu(0) is bounded below as relu is, though leaky_relu is not.
        Assert.Contains("applies leaky_relu(negative_slope=0), whose outputs are bounded below at these parameters, and the loss bce takes them as logits and applies sigmoid, so its probabilities cannot come near 0;",
            Refused(Mlp.Build(2, [4], "relu", 1, "leaky_relu(0)"), Losses.BinaryCrossEntropy), StringComparison.Ordinal);

        // Logits unbounded on the side that matters still train: relu before cross_entropy (softmax ignores the shared floor),
        // leaky_relu before bce.
        foreach (var (net, loss, on) in new[] { (Mlp.Build(2, [4], "relu", 2, "relu"), (ILoss?)null, data), (Mlp.Build(2, [4], "relu", 1, "leaky_relu"), Losses.BinaryCrossEntropy, data) })
        {
            net.Initialize(Initializer.Auto, 1);
            Assert.False(Trainer.Fit(net, on, null, new TrainerOptions { Epochs = 1, Loss = loss }).Diverged);
        }

        // The fused pair itself (linear logits) and other outputs train as before: log_softmax before cross_entropy
        // changes nothing (the softmax of log-probabilities is the same distribution), sigmoid is squashed once by mse.
        foreach (var (net, loss, on) in new[]
        {
            (Mlp.Build(2, [4], "relu", 2), (ILoss?)null, data),
            (Mlp.Build(2, [4], "relu", 2, "log_softmax"), null, data),
            (Mlp.Build(2, [4], "relu", 2, "sigmoid"), Losses.MeanSquaredError, labels),
        })
        {
            net.Initialize(Initializer.Auto, 1);
            Assert.False(Trainer.Fit(net, on, null, new TrainerOptions { Epochs = 1, Loss = loss }).Diverged);
        }
    }
}
