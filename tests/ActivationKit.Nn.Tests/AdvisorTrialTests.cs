using ActivationKit.Advisor;
using ActivationKit.Diagnostics;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

/// <summary>The trial's statistics, its output pairings' gradients, its determinism, and the model check.</summary>
public class AdvisorTrialTests
{
    [Fact]
    public void Rank_correlations_match_hand_computed_values()
    {
        Assert.Equal(1.0, AdvisorTrial.Spearman([1, 2, 3, 4], [10, 20, 30, 40]), 12);
        Assert.Equal(-1.0, AdvisorTrial.KendallTauB([1, 2, 3, 4], [4, 3, 2, 1]), 12);

        // Two adjacent swaps in five: Σd² = 4 → ρ = 1 − 6·4/(5·24) = 0.8; 2 of 10 pairs discordant → τ = 0.6.
        Assert.Equal(0.8, AdvisorTrial.Spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 12);
        Assert.Equal(0.6, AdvisorTrial.KendallTauB([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 12);

        // A tie in b: τ-b = 2/√(3·2), ρ = 1.5/√(2·1.5).
        Assert.Equal(2 / Math.Sqrt(6), AdvisorTrial.KendallTauB([1, 2, 3], [1, 1, 2]), 12);
        Assert.Equal(1.5 / Math.Sqrt(3), AdvisorTrial.Spearman([1, 2, 3], [1, 1, 2]), 12);

        Assert.True(double.IsNaN(AdvisorTrial.Spearman([1], [1])));
        Assert.True(double.IsNaN(AdvisorTrial.KendallTauB([1, 2, 3], [5, 5, 5])));
    }

    private static TrialCandidate Measured(string name, int ruleRank, params double[] perSeed) => new()
    {
        Name = name,
        Spec = name,
        RuleRank = ruleRank,
        Pairing = "p",
        PerSeed = perSeed,
        Mean = perSeed.Average(),
    };

    [Fact]
    public void Equal_accuracies_share_a_rank_however_the_seeds_split_them()
    {
        // 83/90 and 81/90 average to 82/90 one ulp above 82/90 and 82/90: hardsigmoid was ranked 1 and sigmoid 2 on moons.
        var split = Measured("hardsigmoid", 2, 83 / 90.0, 81 / 90.0);
        var even = Measured("sigmoid", 1, 82 / 90.0, 82 / 90.0);
        Assert.NotEqual(split.Mean, even.Mean);
        var ranked = AdvisorTrial.RankMeasured([even, split, Measured("tanh", 3, 80 / 90.0, 81 / 90.0), Measured("relu", 4, 83 / 90.0, 83 / 90.0)], 90);
        Assert.Equal([2, 2, 4, 1], ranked.Select(c => c.MeasuredRank));

        // One sample's difference over all seeds is not a tie, nor is a diverged run's constant 1/2 next to 45/91.
        Assert.Equal([2, 1], AdvisorTrial.RankMeasured([Measured("a", 1, 82 / 90.0, 82 / 90.0), Measured("b", 2, 82 / 90.0, 83 / 90.0)], 90).Select(c => c.MeasuredRank));
        Assert.Equal([1, 2], AdvisorTrial.RankMeasured([Measured("a", 1, 0.5, 45 / 91.0), Measured("b", 2, 45 / 91.0, 45 / 91.0)], 91).Select(c => c.MeasuredRank));

        // R² has no sample step: only rounding is a tie.
        Assert.Equal([1, 1, 3], AdvisorTrial.RankMeasured([Measured("a", 1, 0.7, 0.1), Measured("b", 2, 0.3, 0.5), Measured("c", 3, 0.4, 0.4 - 1e-9)], 0).Select(c => c.MeasuredRank));
    }

    [Fact]
    public void A_trial_ranks_equal_accuracies_alike_and_the_agreement_uses_the_tied_ranks()
    {
        // The exploratory tester's run: hardsigmoid [0.9222, 0.9] and sigmoid [0.9111, 0.9111] were ranked 1 and 2, and
        // ρ = τ = −1 said the rule had the order backwards; "measured best hardsigmoid … 0.0000 behind".
        var request = new AdvisorRequest { Layer = LayerRole.Output, Task = AdvisorTask.Binary };
        var options = new TrialOptions { Seeds = 2, Epochs = 5, Samples = 300 };
        var trial = AdvisorTrial.Run(request, ActivationAdvisor.Recommend(request, 3), AdvisorTrial.LoadData("moons", AdvisorTask.Binary, options), options);
        Assert.Equal(["sigmoid", "hardsigmoid"], trial.Candidates.Select(c => c.Name));
        Assert.Equal(trial.Candidates[0].PerSeed.Sum() * 90, trial.Candidates[1].PerSeed.Sum() * 90, 9);
        Assert.Equal([1, 1], trial.Candidates.Select(c => c.MeasuredRank));
        Assert.Equal("sigmoid", trial.MeasuredBest);
        Assert.Equal(0, trial.Gap);
        Assert.True(double.IsNaN(trial.Spearman) && double.IsNaN(trial.Kendall));
    }

    public static TheoryData<string, AdvisorTask> Pairings() => new()
    {
        { "hardsigmoid", AdvisorTask.Binary },
        { "hardsigmoid", AdvisorTask.Multilabel },
        { "log_softmax", AdvisorTask.Multiclass },
        { "sparsemax", AdvisorTask.Multiclass },
        { "tanh", AdvisorTask.Regression },
        { "softplus", AdvisorTask.Regression },
    };

    [Theory]
    [MemberData(nameof(Pairings))]
    public void Activated_losses_have_gradients_matching_finite_differences(string spec, AdvisorTask task)
    {
        const int rows = 5, cols = 3;
        var rng = new Rng(11);
        int targetColumns = task == AdvisorTask.Multiclass ? 1 : task == AdvisorTask.Binary ? 1 : cols;
        int outputs = task == AdvisorTask.Binary ? 1 : cols;
        var targets = new float[rows * targetColumns];
        for (int i = 0; i < targets.Length; i++) targets[i] = task is AdvisorTask.Regression ? (float)rng.NextUniform(-2, 2) : task == AdvisorTask.Multiclass ? rng.NextInt(cols) : rng.NextInt(2);
        var train = new Dataset("t", new float[rows], 1, targets, targetColumns, task is AdvisorTask.Binary or AdvisorTask.Multiclass ? (task == AdvisorTask.Binary ? 2 : cols) : 0);
        var pairing = OutputPairing.For(spec, task, train);
        var t = pairing.TrainTargets.Targets;

        // Away from hard sigmoid's kinks at ±3 and from sparsemax's support changes (one dominant logit per row).
        var z = new float[rows * outputs];
        for (int i = 0; i < z.Length; i++) z[i] = (float)rng.NextUniform(-2, 2);
        if (spec == "sparsemax")
        {
            for (int r = 0; r < rows; r++) z[r * outputs] += 0.4f;
        }

        var grad = new float[z.Length];
        pairing.Loss.Compute(z, t, rows, outputs, grad);
        for (int i = 0; i < z.Length; i++)
        {
            const float h = 1e-2f;
            var plus = (float[])z.Clone();
            var minus = (float[])z.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (pairing.Loss.Compute(plus, t, rows, outputs, Span<float>.Empty) - pairing.Loss.Compute(minus, t, rows, outputs, Span<float>.Empty)) / (2 * h);
            Assert.True(Math.Abs(numeric - grad[i]) <= 2e-3 + (2e-2 * Math.Abs(numeric)), $"{spec} {task} [{i}]: analytic {grad[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void A_trial_is_deterministic_and_ranks_by_measured_metric()
    {
        var request = new AdvisorRequest { Layer = LayerRole.Hidden };
        var recs = ActivationAdvisor.Recommend(request, 3);
        var options = new TrialOptions { Seeds = 2, Epochs = 2, Samples = 200 };
        var data = AdvisorTrial.LoadData("xor", AdvisorTask.Multiclass, options);
        var a = AdvisorTrial.Run(request, recs, data, options);
        var b = AdvisorTrial.Run(request, recs, data, options);
        Assert.Equal(a.Candidates.Select(c => c.Mean), b.Candidates.Select(c => c.Mean));
        Assert.Equal(recs[0].Name, a.FirstChoice);
        Assert.True(a.Candidates.Zip(a.Candidates.Skip(1)).All(p => p.First.Mean >= p.Second.Mean));
        Assert.Equal(1, a.Candidates[0].MeasuredRank);
        Assert.All(a.Candidates, c => Assert.Equal(2, c.PerSeed.Count));
        Assert.True(a.FirstChoiceWithinNoise == (a.Gap <= a.NoiseThreshold));
    }

    [Fact]
    public void Trial_data_takes_numeric_labels_as_classes_only_when_they_are_indices_from_0()
    {
        string dir = Directory.CreateTempSubdirectory("nn-trial-labels-").FullName;
        try
        {
            string path = Path.Combine(dir, "ages.csv");
            File.WriteAllLines(path, ["a,b,age", .. Enumerable.Range(0, 30).Select(i => FormattableString.Invariant($"{i * 0.1},{i % 7},{18 + (i % 5)}"))]);
            var e = Assert.Throws<ArgumentException>(() => AdvisorTrial.LoadData(path, AdvisorTask.Multiclass, new TrialOptions()));
            Assert.Equal($"'{path}': the labels run from 18 to 22, not from 0, so they are not class indices 0…k−1; number the classes 0, 1, 2, … or give them names (or try --task regression for a numeric target).", e.Message);
            var regression = AdvisorTrial.LoadData(path, AdvisorTask.Regression, new TrialOptions());
            Assert.Equal((0, 22f), (regression.ClassCount, regression.Targets.Max()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Trial_data_reads_a_csv_with_the_header_setting_and_refuses_it_for_built_in_sets()
    {
        string dir = Directory.CreateTempSubdirectory("nn-trial-header-").FullName;
        try
        {
            string path = Path.Combine(dir, "pixels.csv");
            File.WriteAllLines(path, ["0,1,label", .. Enumerable.Range(0, 30).Select(i => FormattableString.Invariant($"{i * 0.1},{i % 7},{i % 2}"))]);
            var data = AdvisorTrial.LoadData(path, AdvisorTask.Binary, new TrialOptions { HasHeader = true });
            Assert.Equal((30, 2, 2), (data.Rows, data.FeatureCount, data.ClassCount));
            Assert.Equal(Enumerable.Range(0, 30).Select(i => (float)(i % 2)), data.Targets);
            // Auto reads the row of names as data, whose label 'label' is text among numbers: it was a sample of a third
            // class 'label' (and 0 and 1 became the class names "0" and "1"); now it is refused on line 1, saying --header yes.
            var auto = Assert.Throws<FormatException>(() => AdvisorTrial.LoadData(path, AdvisorTask.Binary, new TrialOptions()));
            Assert.Equal("pixels.csv, line 1, column 3 (label column 3): 'label' is text, but 30 of the 31 labels are numbers, so it is unclear whether the column holds numbers or class names (line 1 is read as data because some of its cells are numbers; if it is a header, give --header yes).", auto.Message);

            var refused = Assert.Throws<ArgumentException>(() => AdvisorTrial.LoadData("xor", AdvisorTask.Binary, new TrialOptions { HasHeader = true }));
            Assert.StartsWith("--header applies to CSV files, not to the built-in set 'xor'.", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void One_seed_on_a_continuous_metric_does_not_judge_the_gap()
    {
        // R² has no sample step: the threshold was 0, so every gap was "beyond noise", next to a note about one sample.
        var request = new AdvisorRequest { Layer = LayerRole.Hidden, Task = AdvisorTask.Regression };
        var recs = ActivationAdvisor.Recommend(request, 3);
        var options = new TrialOptions { Seeds = 1, Epochs = 1, Samples = 200 };
        var trial = AdvisorTrial.Run(request, recs, AdvisorTrial.LoadData("sine", AdvisorTask.Regression, options), options);
        Assert.Equal("r2", trial.Metric);
        Assert.True(double.IsNaN(trial.NoiseThreshold));
        Assert.Null(trial.FirstChoiceWithinNoise);
        Assert.Contains(trial.Notes, n => n.StartsWith("With one seed there is no spread to measure noise, and r2 has no sample step", StringComparison.Ordinal));

        var classification = AdvisorTrial.Run(new AdvisorRequest { Layer = LayerRole.Hidden }, ActivationAdvisor.Recommend(new AdvisorRequest(), 2), AdvisorTrial.LoadData("xor", AdvisorTask.Multiclass, options), options);
        Assert.NotNull(classification.FirstChoiceWithinNoise);
        Assert.True(classification.NoiseThreshold > 0);

        // One seed has no spread: NaN, not the 0 that read as a measured absence of noise (compare's "—").
        Assert.All(trial.Candidates.Concat(classification.Candidates), c => Assert.True(double.IsNaN(c.Std) && double.IsNaN(c.StdError), $"{c.Spec}: std {c.Std}, stdError {c.StdError}"));
    }

    [Fact]
    public void Model_check_reads_task_loss_and_init_from_the_metadata()
    {
        var net = Mlp.Build(4, [6, 6], "relu", 1);
        var notes = new List<string>();
        var spec = ModelCheck.ToSpec(net, new ModelMetadata { Task = "classification", ClassCount = 2, Loss = "bce", Init = "auto" }, notes);
        Assert.Equal("binary", spec.Task);
        Assert.Equal("bce_logits", spec.Loss);
        Assert.Equal(["he_normal", "he_normal", "glorot_uniform"], spec.Layers.Select(l => l.Init));
        Assert.Equal("identity", spec.Layers[^1].Activation);
        Assert.Empty(notes);

        // The tasks actkit train records (it used to say these were "neither classification nor regression").
        foreach (string task in new[] { "binary", "Multilabel" })
        {
            var named = ModelCheck.ToSpec(net, new ModelMetadata { Task = task, ClassCount = 2, Init = "auto" }, notes);
            Assert.Equal(task.ToLowerInvariant(), named.Task);
            Assert.Equal("bce_logits", named.Loss);
            Assert.Single(notes, n => n.Contains("no loss", StringComparison.Ordinal));
            notes.Clear();
        }

        var multiclass = ModelCheck.ToSpec(Mlp.Build(4, [6], "relu", 3), new ModelMetadata { Task = "multiclass", ClassCount = 3, Loss = "ce", Init = "auto" }, notes);
        Assert.Equal("multiclass", multiclass.Task);
        Assert.Empty(notes);

        ModelCheck.ToSpec(net, new ModelMetadata(), notes);
        Assert.Contains(notes, n => n.Contains("no initialiser", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Contains("no task", StringComparison.Ordinal));

        net.Initialize(Initializer.Parse("zeros"), 1);
        var result = ModelCheck.Check(net, new ModelMetadata { Task = "regression" });
        Assert.Equal(2, result.Findings.Count(f => f.Kind == FindingKind.SymmetricInit));
    }

    [Fact]
    public void Output_candidates_train_with_the_loss_the_advice_prints()
    {
        // identity was recommended with "softmax cross-entropy on the logits" but trained with MSE to one-hot targets, and
        // sparsemax with "the sparsemax loss" but trained with the log of its clamped probabilities.
        var request = new AdvisorRequest { Layer = LayerRole.Output, Task = AdvisorTask.Multiclass, Constraints = [Constraint.Cheap] };
        var recs = ActivationAdvisor.Recommend(request, 5);
        Assert.Equal(["identity", "sparsemax"], recs.Select(r => r.Name));
        Assert.Equal("softmax cross-entropy on the logits (the loss applies the softmax)", recs[0].Loss);
        var options = new TrialOptions { Seeds = 1, Epochs = 2, Samples = 120 };
        var trial = AdvisorTrial.Run(request, recs, AdvisorTrial.LoadData("spirals", AdvisorTask.Multiclass, options), options);
        Assert.Equal("identity (logits) + softmax cross-entropy on the logits", trial.Candidates.Single(c => c.Name == "identity").Pairing);
        Assert.Equal("sparsemax + the sparsemax loss (Martins & Astudillo, 2016)", trial.Candidates.Single(c => c.Name == "sparsemax").Pairing);

        // identity's logits and sigmoid's fused loss train the same network: the same numbers, and a note says why.
        var binary = new AdvisorRequest { Layer = LayerRole.Output, Task = AdvisorTask.Binary };
        var pair = AdvisorTrial.Run(binary, [Rec("sigmoid"), Rec("identity")], AdvisorTrial.LoadData("moons", AdvisorTask.Binary, options), options);
        Assert.Equal(pair.Candidates[0].PerSeed, pair.Candidates[1].PerSeed);
        Assert.Contains("identity gives the logits that sigmoid applies inside its fused loss, so the two train the same network and measure alike.", pair.Notes);
    }

    private static Recommendation Rec(string name) => new() { Name = name, Init = "glorot_uniform (gain 1)", Why = [], Caveats = [], Score = 1 };

    [Fact]
    public void A_regression_output_trial_trains_every_candidate_on_a_unit_scale_and_compares_their_losses()
    {
        // Targets 2000 ± 300: identity, softplus, relu and exponential trained on them as they are and scored R² ≈ −30
        // after a few epochs, while sigmoid and tanh, their targets scaled into their range, scored 0.9.
        var rng = new Rng(5);
        const int rows = 300;
        var x = new float[rows * 4];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < 4; j++) x[(r * 4) + j] = (float)rng.NextGaussian();
            y[r] = (float)(2000 + (300 * x[r * 4]) + (20 * rng.NextGaussian()));
        }

        var data = new Dataset("prices.csv", x, 4, y, 1, 0);
        var request = new AdvisorRequest { Model = ModelType.Regression, Task = AdvisorTask.Regression, Layer = LayerRole.Output };
        var options = new TrialOptions { Seeds = 2, Epochs = 10, Samples = rows };
        string[] names = ["identity", "softplus", "relu", "exponential", "sigmoid", "tanh"];
        var trial = AdvisorTrial.Run(request, names.Select(Rec).ToArray(), data, options);
        // exponential's slope grows with its output (exp′ = exp), so it learns slower than the others in a few epochs.
        Assert.All(trial.Candidates.Where(c => c.Name != "exponential"), c => Assert.True(c.Mean > 0.6, $"{c.Name}: R² {c.Mean}"));
        Assert.Equal(0, trial.Candidates.Sum(c => c.Diverged));

        // Every loss is the MSE on the standardised target: (1 − R²) times the validation target's variance over the
        // training target's, whatever scale the candidate trained on.
        var (train, validation, _) = data.Split(0.7, 0.3, options.Seed);
        static double Variance(float[] v)
        {
            double mean = v.Average(t => (double)t);
            return v.Average(t => (t - mean) * (t - mean));
        }

        double ratio = Variance(validation.Targets) / Variance(train.Targets);
        Assert.All(trial.Candidates, c => Assert.Equal((1 - c.Mean) * ratio, c.ValidationLoss, 6));
        Assert.Contains($"Regression output trial: the target is standardised for unbounded outputs ({TargetScaling.Fit(train)}), scaled into the inner 80% of the range for outputs bounded on both sides, and standardised then shifted so that the least lies one standard deviation inside the bound for outputs bounded on one side; R² is on the target's own scale, and every validation loss is the MSE on the standardised target, so the losses compare.", trial.Notes);
        Assert.Equal("mean 1.99E+03, std 292", TargetScaling.Fit(train).ToString());
    }

    [Fact]
    public void A_trial_refuses_a_depth_it_would_not_train_and_trains_depth_0_at_the_output()
    {
        // --depth 30 --try was trained on 16 hidden layers with no word.
        var deep = new AdvisorRequest { Depth = 30 };
        var e = Assert.Throws<ArgumentException>(() => AdvisorTrial.CheckDepth(deep, new TrialOptions()));
        Assert.Equal("--try trains at most 16 hidden layers, so --depth 30 cannot be measured; give --depth 16 or less (the deep-stack advice already applies from 8), or leave out --try.", e.Message);
        var options = new TrialOptions { Seeds = 1, Epochs = 1, Samples = 60 };
        var data = AdvisorTrial.LoadData("xor", AdvisorTask.Multiclass, options);
        Assert.Throws<ArgumentException>(() => AdvisorTrial.Run(deep, ActivationAdvisor.Recommend(deep, 1), data, options));
        AdvisorTrial.CheckDepth(new AdvisorRequest { Depth = 16 }, options);

        // --depth 0 at the output: no hidden layer (it was trained with one).
        var flat = new AdvisorRequest { Depth = 0, Layer = LayerRole.Output };
        var trial = AdvisorTrial.Run(flat, ActivationAdvisor.Recommend(flat, 1), data, options);
        Assert.Equal("2 → 2", trial.Network);
        Assert.Equal(0, trial.Options.Depth);
        Assert.Contains("Output trial: no hidden layer (--depth 0), so the output layer reads the inputs; each candidate swaps the output activation and its loss.", trial.Notes);
    }

    [Fact]
    public void A_binary_hidden_layer_trial_trains_one_sigmoid_output_as_the_advice_has_it()
    {
        // --task binary --try moons trained 2 → 32 → 32 → 2 with softmax, where the advisor recommends one sigmoid output
        // with binary cross-entropy for a binary task (and an output trial trains just that).
        var options = new TrialOptions { Seeds = 1, Epochs = 2, Samples = 100 };
        var request = new AdvisorRequest { Layer = LayerRole.Hidden, Task = AdvisorTask.Binary };
        var advice = ActivationAdvisor.Recommend(request with { Layer = LayerRole.Output }, 1)[0];
        Assert.Equal("sigmoid", advice.Name);
        var trial = AdvisorTrial.Run(request, ActivationAdvisor.Recommend(request, 2), AdvisorTrial.LoadData("moons", AdvisorTask.Binary, options), options);
        Assert.EndsWith("→ 1", trial.Network, StringComparison.Ordinal);
        Assert.Equal("accuracy", trial.Metric);
        Assert.All(trial.Candidates, c => Assert.Equal("sigmoid + fused binary cross-entropy on logits", c.Pairing));
        Assert.All(trial.Candidates, c => Assert.InRange(c.Mean, 0, 1));
        Assert.Contains("Hidden-layer trial: each candidate is the activation of every hidden layer; the output is one sigmoid with binary cross-entropy on its logit, as the advisor recommends for a binary task.", trial.Notes);

        // A multi-class trial keeps its softmax over the classes.
        var multiclass = new AdvisorRequest { Layer = LayerRole.Hidden, Task = AdvisorTask.Multiclass };
        var other = AdvisorTrial.Run(multiclass, ActivationAdvisor.Recommend(multiclass, 1), AdvisorTrial.LoadData("moons", AdvisorTask.Multiclass, options), options);
        Assert.EndsWith("→ 2", other.Network, StringComparison.Ordinal);
        Assert.Equal("linear output + softmax cross-entropy", Assert.Single(other.Candidates).Pairing);
    }

    [Fact]
    public void Without_a_task_a_files_task_follows_its_labels()
    {
        // A numeric target was read as class indices and refused ("label '13.63…' is not a class index").
        string dir = Directory.CreateTempSubdirectory("nn-trial-infer-").FullName;
        try
        {
            string Write(string name, Func<int, string> label)
            {
                string path = Path.Combine(dir, name);
                File.WriteAllLines(path, ["a,b,t", .. Enumerable.Range(0, 40).Select(i => FormattableString.Invariant($"{i * 0.1},{i % 7},{label(i)}"))]);
                return path;
            }

            string reg = Write("reg.csv", i => FormattableString.Invariant($"{10 + (i * 0.37)}"));
            var regression = AdvisorTrial.LoadData(reg, null, new TrialOptions());
            Assert.False(regression.IsClassification);
            var classes = AdvisorTrial.LoadData(Write("cls.csv", i => (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture)), null, new TrialOptions());
            Assert.Equal(3, classes.ClassCount);
            var names = AdvisorTrial.LoadData(Write("names.csv", i => i % 2 == 0 ? "cat" : "dog"), null, new TrialOptions());
            Assert.Equal(["cat", "dog"], names.ClassNames!);
            var ages = AdvisorTrial.LoadData(Write("ages.csv", i => (18 + (i % 5)).ToString(System.Globalization.CultureInfo.InvariantCulture)), null, new TrialOptions());
            Assert.False(ages.IsClassification);

            // A task given keeps its reading; the refusal of a numeric label as a class says what to give instead.
            var e = Assert.Throws<ArgumentException>(() => AdvisorTrial.LoadData(reg, AdvisorTask.Multiclass, new TrialOptions()));
            Assert.Equal("reg.csv, line 3: label '10.37' is not a class index (0, 1, 2, … below 65,536); for a numeric target give --task regression.", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_multilabel_trial_on_a_file_takes_the_label_columns_target_names_as_train_does()
    {
        // Only the last of three label columns was a label (one-hot into "2 yes/no labels"); l0 and l1 were features.
        string dir = Directory.CreateTempSubdirectory("nn-trial-multilabel-").FullName;
        try
        {
            string path = Path.Combine(dir, "ml.csv");
            File.WriteAllLines(path, ["a,b,c,l0,l1,l2", .. Enumerable.Range(0, 90).Select(i =>
            {
                double a = (i % 9) - 4, b = (i % 7) - 3, c = (i % 5) - 2;
                return FormattableString.Invariant($"{a},{b},{c},{(a > 0 ? 1 : 0)},{(b > 0 ? 1 : 0)},{(a + c > 0 ? 1 : 0)}");
            })]);
            var e = Assert.Throws<ArgumentException>(() => AdvisorTrial.LoadData(path, AdvisorTask.Multilabel, new TrialOptions()));
            Assert.Equal("--task multilabel reads a file's label columns from --target, as train does (e.g. --target l0,l1,l2: header names or 0-based indices); without it the last column of 'ml.csv' would be its only label and every other column a feature, other label columns among them.", e.Message);
            var numbers = Assert.Throws<ArgumentException>(() => AdvisorTrial.LoadData(path, AdvisorTask.Multilabel, new TrialOptions { Target = "a,l0" }));
            Assert.Equal("'ml.csv': a multilabel task needs label columns of 0 and 1 only, as train takes them, but --target 'a,l0' holds -4.", numbers.Message);
            Assert.StartsWith("--target applies to CSV and .npy files, not to the built-in set 'moons'.", Assert.Throws<ArgumentException>(() => AdvisorTrial.LoadData("moons", AdvisorTask.Binary, new TrialOptions { Target = "l0" })).Message, StringComparison.Ordinal);

            var options = new TrialOptions { Seeds = 1, Epochs = 2, Target = "l0,l1,l2" };
            var data = AdvisorTrial.LoadData(path, AdvisorTask.Multilabel, options);
            Assert.Equal((90, 3, 3), (data.Rows, data.FeatureCount, data.TargetColumns));
            Assert.Equal(["a", "b", "c"], data.FeatureNames!);
            Assert.True(AdvisorTrial.IsMultilabel(data));

            var output = new AdvisorRequest { Layer = LayerRole.Output, Task = AdvisorTask.Multilabel, Depth = 1 };
            var trial = AdvisorTrial.Run(output, ActivationAdvisor.Recommend(output, 2), data, options);
            Assert.Equal(("3 → 32 → 3", "label_accuracy"), (trial.Network, trial.Metric));
            Assert.Contains("Multi-label trial: the 3 label columns (l0, l1, l2) of 'ml.csv' are the yes/no labels; the metric is the fraction of labels predicted right at threshold 0.5.", trial.Notes);

            // With one seed the noise threshold is one step of the metric: one validation label (rows × 3), not one row.
            Assert.Contains("With one seed there is no spread to measure noise; the threshold is one validation label.", trial.Notes);
            double labelsScored = 1 / trial.NoiseThreshold;
            Assert.Equal(0, Math.Round(labelsScored) % 3);
            Assert.Equal(Math.Round(labelsScored), labelsScored, 9);

            // A hidden-layer trial trains the file's own task: one sigmoid per label, scored by label accuracy.
            var hidden = new AdvisorRequest { Layer = LayerRole.Hidden, Task = AdvisorTask.Multilabel, Depth = 1 };
            var inner = AdvisorTrial.Run(hidden, ActivationAdvisor.Recommend(hidden, 2), data, options);
            Assert.Equal(("3 → 32 → 3", "label_accuracy"), (inner.Network, inner.Metric));
            Assert.All(inner.Candidates, c => Assert.Equal("sigmoid + fused binary cross-entropy on logits", c.Pairing));
            Assert.Contains("Hidden-layer trial: each candidate is the activation of every hidden layer; the output is one sigmoid per label with binary cross-entropy on logits, for the 3 label columns (l0, l1, l2).", inner.Notes);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_constant_regression_target_is_refused_before_training()
    {
        // Every run's R² was NaN, reported as "diverged 3" and "A diverged run scores as a constant predictor".
        var data = new Dataset("const.csv", Enumerable.Range(0, 60).Select(i => (float)i).ToArray(), 1, Enumerable.Repeat(5f, 60).ToArray(), 1, 0);
        var request = new AdvisorRequest { Task = AdvisorTask.Regression };
        var e = Assert.Throws<ArgumentException>(() => AdvisorTrial.Run(request, ActivationAdvisor.Recommend(request, 2), data, new TrialOptions { Seeds = 1, Epochs = 1 }));
        Assert.Equal("The target of 'const.csv' is constant (5 in every row), so R² is undefined and the trial could not rank the candidates; give data whose target varies.", e.Message);
    }

    [Fact]
    public void A_trial_for_another_model_says_it_trains_an_mlp()
    {
        // --model rnn --try trained a feed-forward net with no note.
        var options = new TrialOptions { Seeds = 1, Epochs = 1, Samples = 60 };
        var data = AdvisorTrial.LoadData("xor", AdvisorTask.Multiclass, options);
        var rnn = new AdvisorRequest { Model = ModelType.Rnn };
        Assert.Contains("--model rnn: the trial trains a feed-forward MLP, so it measures the advice in an MLP's layers, where nothing is fed back from step to step as a recurrent state is.", AdvisorTrial.Run(rnn, ActivationAdvisor.Recommend(rnn, 1), data, options).Notes);
        var cnn = new AdvisorRequest { Model = ModelType.Cnn };
        Assert.Contains("--model cnn: the trial trains a feed-forward MLP, so it measures the advice in an MLP's layers.", AdvisorTrial.Run(cnn, ActivationAdvisor.Recommend(cnn, 1), data, options).Notes);
        var mlp = new AdvisorRequest();
        Assert.DoesNotContain(AdvisorTrial.Run(mlp, ActivationAdvisor.Recommend(mlp, 1), data, options).Notes, n => n.Contains("the trial trains a feed-forward MLP", StringComparison.Ordinal));
    }
}
