using System.Text.Json;
using ActivationKit.Nn.Experiments;

namespace ActivationKit.Nn.Tests.Experiments;

public sealed class ExperimentTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "actkit-exp-" + Guid.NewGuid().ToString("N"));

    public ExperimentTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ExperimentConfig Tiny(string activations = "relu,tanh,sigmoid", int epochs = 3) => new ExperimentConfig
    {
        Data = "moons",
        Samples = 200,
        Noise = 0.1,
        Hidden = [8, 8],
        Activations = Contender.ParseList(activations),
        Seeds = 2,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.02,
        TargetAccuracy = 0.8,
    }.Validate();

    private string Dir(string name) => Path.Combine(_root, name);

    private static string[] TrialFiles(string dir) => Directory.GetFiles(Path.Combine(dir, ResultStore.TrialsFolder), "*.json").Order(StringComparer.Ordinal).ToArray();

    private static string Canonical(IEnumerable<TrialResult> trials) =>
        string.Join("\n", trials.OrderBy(t => t.Index).Select(t => JsonSerializer.Serialize(t.WithoutTimings(), ResultStore.Json)));

    [Fact]
    public void Activation_lists_keep_commas_inside_parentheses_and_take_init_overrides()
    {
        var list = Contender.ParseList("relu, leaky_relu(0.2), softplus(beta=2, threshold=20) ,sigmoid@zeros");
        Assert.Equal(["relu", "leaky_relu(negative_slope=0.2)", "softplus(beta=2)", "sigmoid@zeros"], list.Select(c => c.Label));
        Assert.Equal("zeros", list[3].Init);
        Assert.Equal("leaky_relu", Contender.Parse("leaky_relu(0.01)").Label);
    }

    [Theory]
    [InlineData("relu,relu", "'relu' appears more than once in the activation list.")]
    [InlineData("elu(alpha=2),elu(2)", "'elu(alpha=2)' and 'elu(2)' are the same contender (elu(alpha=2)) in the activation list; give it once.")]
    [InlineData("elu(2), elu(alpha=2) ,elu(2.0)", "'elu(2)', 'elu(alpha=2)' and 'elu(2.0)' are the same contender (elu(alpha=2)) in the activation list; give it once.")]
    [InlineData("tanh@xavier_uniform,tanh@glorot_uniform", "'tanh@xavier_uniform' and 'tanh@glorot_uniform' are the same contender (tanh@glorot_uniform)")]
    [InlineData("softmax", "row-wise")]
    [InlineData("relu,nope", "nope")]
    [InlineData("relu@bogus", "Unknown initialiser")]
    public void Bad_activation_lists_are_refused(string list, string fragment)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => Contender.ParseList(list));
        Assert.Contains(fragment, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("2/3", 2, 3)]
    public void Shards_parse(string text, int i, int n) => Assert.Equal(new Shard(i, n), Shard.Parse(text));

    [Theory]
    [InlineData("3/3")]
    [InlineData("1")]
    [InlineData("-1/2")]
    [InlineData("0/0")]
    public void Bad_shards_are_refused(string text) => Assert.Contains("i/n", Assert.Throws<ArgumentException>(() => Shard.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void Sine_cannot_be_compared() =>
        Assert.Contains("classification", Assert.Throws<ArgumentException>(() => ExperimentData.Load(Tiny() with { Data = "sine" })).Message, StringComparison.Ordinal);

    [Fact]
    public void Fashion_mnist_takes_a_seeded_subset_holds_out_a_sixth_and_tests_on_the_test_file()
    {
        string dir = Dir("fmnist");
        Directory.CreateDirectory(dir);
        WriteIdxPair(dir, "train", 60);
        WriteIdxPair(dir, "t10k", 20);
        var data = ExperimentData.Load(Tiny() with { Data = "fashion-mnist", Samples = 30 }, dir);
        Assert.Equal((25, 5, 20), (data.Train.Rows, data.Validation.Rows, data.Test.Rows));
        Assert.Equal(6, data.Train.FeatureCount);
        Assert.Matches("^fashion-mnist#sha256:[0-9a-f]{16}$", data.Identity);
        var all = ExperimentData.Load(Tiny() with { Data = "fashion_mnist", Samples = 0 }, dir);
        Assert.Equal((50, 10), (all.Train.Rows, all.Validation.Rows));
    }

    [Fact]
    public void Fashion_mnist_compares_on_two_training_images_its_test_set_being_its_own()
    {
        // One image to train on and one to validate on are the fewest (the test file is its own); "≥ 10" was asked for.
        string dir = Dir("fmnist2");
        Directory.CreateDirectory(dir);
        WriteIdxPair(dir, "train", 60);
        WriteIdxPair(dir, "t10k", 20);
        var config = Tiny("relu", epochs: 1) with { Data = "fashion-mnist", Samples = 2, Seeds = 1 };
        var data = ExperimentData.Load(config, dir);
        Assert.Equal((1, 1, 20), (data.Train.Rows, data.Validation.Rows, data.Test.Rows));
        var outcome = ExperimentRunner.Run(config, data, Dir("fmnist2-out"));
        Assert.Equal(20, Assert.Single(outcome.Trials).TestSamples);
        var one = Assert.Throws<ArgumentException>(() => ExperimentData.Load(config with { Samples = 1 }, dir));
        Assert.Equal("--samples must be at least 2 for Fashion-MNIST (one training and one validation image; the test set is its own), or 0 for all the training images, got 1.", one.Message);
    }

    [Fact]
    public void Fashion_mnist_is_identified_by_the_content_of_its_files()
    {
        // Identified by name only, the results of two different folders (ACTKIT_FASHION_MNIST) resumed and merged.
        string a = Dir("fa"), b = Dir("fb"), gz = Dir("fgz");
        foreach (string d in new[] { a, b, gz }) Directory.CreateDirectory(d);
        WriteIdxPair(a, "train", 60);
        WriteIdxPair(a, "t10k", 20);
        WriteIdxPair(b, "train", 60);
        WriteIdxPair(b, "t10k", 21); // one more test image
        foreach (string file in Directory.GetFiles(a))
        {
            using var source = File.OpenRead(file);
            using var target = new System.IO.Compression.GZipStream(File.Create(Path.Combine(gz, Path.GetFileName(file) + ".gz")), System.IO.Compression.CompressionLevel.Fastest);
            source.CopyTo(target);
        }

        var config = Tiny() with { Data = "fashion-mnist", Samples = 30 };
        string identity = ExperimentData.Load(config, a).Identity;
        Assert.Equal(identity, ExperimentData.Load(config, a).Identity);
        Assert.Equal(identity, ExperimentData.Load(config, gz).Identity); // the same content, compressed
        Assert.Equal(identity, ExperimentData.Load(config with { Samples = 40 }, a).Identity); // the files, not the subset
        Assert.NotEqual(identity, ExperimentData.Load(config, b).Identity);
        Assert.Contains("data: fashion-mnist#sha256:", ResultStore.Difference(config.ExperimentKey(identity), config.ExperimentKey(ExperimentData.Load(config, b).Identity)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x.csv", false)]
    [InlineData("x.npy", false)]
    [InlineData("fashion-mnist", false)]
    [InlineData("spirals", true)]
    [InlineData("Two_Spirals", true)]
    public void Noise_tells_comparisons_apart_only_for_synthetic_sets_and_the_command_reproduces_the_key(string data, bool synthetic)
    {
        const string Identity = "data#sha256:0123456789abcdef";
        var given = new ExperimentConfig { Data = data, Noise = 0.3 }.Validate();
        var plain = new ExperimentConfig { Data = data }.Validate();
        Assert.Equal(synthetic, given.IsSynthetic);
        Assert.Equal(synthetic, given.ExperimentKey(Identity) != plain.ExperimentKey(Identity));
        Assert.Equal(synthetic, given.ToCommandLine("out").Contains(" --noise 0.3 ", StringComparison.Ordinal));
        Assert.Equal(synthetic, plain.ToCommandLine("out").Contains(" --noise ", StringComparison.Ordinal));

        // The key keeps its shape (noise=0.1 for data without noise): keys made with the default noise are unchanged.
        Assert.Contains(synthetic ? ";noise=0.3;" : ";noise=0.1;", given.ExperimentKey(Identity), StringComparison.Ordinal);
    }

    [Fact]
    public void The_keys_of_synthetic_sets_are_pinned()
    {
        var config = new ExperimentConfig { Data = "moons", Noise = 0.2 }.Validate();
        Assert.Equal(
            $"engine={ExperimentConfig.EngineVersion};data=moons;samples=1500;noise=0.2;data_seed=1;hidden=16x16;epochs=30;batch=32;lr=0.01;optimizer=adam;init=auto;target=0.9;activations=relu,leaky_relu,elu,gelu,silu,mish,tanh,sigmoid;seeds=3",
            config.ExperimentKey("moons"));
        Assert.Equal(
            "actkit compare --data moons --samples 1500 --noise 0.2 --data-seed 1 --activations relu,leaky_relu,elu,gelu,silu,mish,tanh,sigmoid --hidden 16,16 --seeds 3 --epochs 30 --batch 32 --lr 0.01 --optimizer adam --init auto --target 0.9 --out 'q 1'",
            config.ToCommandLine("q 1"));
    }

    [Theory]
    [InlineData(0.9, "90.0%")]
    [InlineData(0.9999, "99.99%")]
    [InlineData(0.12345, "12.345%")]
    [InlineData(1.0, "100.0%")]
    [InlineData(1e-5, "0.001%")]
    public void The_target_is_shown_as_a_percentage_that_is_not_rounded(double target, string text) =>
        Assert.Equal(text, (Tiny() with { TargetAccuracy = target }).TargetPercent);

    [Fact]
    public void A_trial_of_another_comparison_under_this_runs_file_name_is_refused_before_training()
    {
        // The same settings, activation and seed at the same plan position give another comparison's trial this run's
        // file name and trial hash: it was reused as finished, the rest trained, and the table refused the folder.
        string dir = Dir("foreign");
        var first = Tiny("relu,tanh", epochs: 1);
        var data = ExperimentData.Load(first);
        ExperimentRunner.Run(first, data, dir);
        File.Delete(Path.Combine(dir, ResultStore.ManifestName));
        var before = TrialFiles(dir).Select(File.ReadAllText).ToArray();

        var second = Tiny("relu,tanh,gelu", epochs: 1);
        var e = Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(second, data, dir));
        Assert.StartsWith(Path.Combine(dir, ResultStore.TrialsFolder, "0000_relu_seed1_"), e.Message, StringComparison.Ordinal);
        Assert.Contains(" is a trial of a different comparison (activations: relu,tanh vs relu,tanh,gelu), and the results could not be tabled with it there, so nothing was trained; move it out of ", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, ResultStore.ManifestName)));
        Assert.Equal(before, TrialFiles(dir).Select(File.ReadAllText).ToArray()); // nothing trained, nothing written

        // Even past that check, a trial is reused only by its own comparison.
        var manifest = ExperimentRunner.Manifest(second, data, dir);
        var spec = second.Trials()[0];
        string hash = ExperimentConfig.Hash(ExperimentRunner.TrialKey(second.BasisKey(data.Identity), spec));
        string path = ResultStore.TrialPath(dir, spec, hash);
        Assert.True(File.Exists(path));
        Assert.Null(ResultStore.TryReadTrial(path, hash, manifest.Experiment));
        Assert.NotNull(ResultStore.TryReadTrial(path, hash, ExperimentRunner.Manifest(first, data, dir).Experiment));
    }

    /// <summary>An IDX image file (n × 2 × 3 bytes) and label file (n bytes, labels i mod 10).</summary>
    private static void WriteIdxPair(string dir, string prefix, int n)
    {
        static byte[] Idx(int[] shape, byte[] body)
        {
            var header = new List<byte> { 0, 0, 8, (byte)shape.Length };
            foreach (int d in shape) header.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
            return [.. header, .. body];
        }

        var pixels = Enumerable.Range(0, n * 6).Select(i => (byte)(i * 37 % 256)).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
        File.WriteAllBytes(Path.Combine(dir, $"{prefix}-images-idx3-ubyte"), Idx([n, 2, 3], pixels));
        File.WriteAllBytes(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte"), Idx([n], labels));
    }

    [Fact]
    public void Config_hash_is_stable_and_covers_every_setting()
    {
        var a = Tiny();
        Assert.Equal(ExperimentConfig.Hash(a.ExperimentKey("moons")), ExperimentConfig.Hash(Tiny().ExperimentKey("moons")));
        Assert.NotEqual(a.ExperimentKey("moons"), (a with { Epochs = 4 }).ExperimentKey("moons"));
        Assert.NotEqual(a.ExperimentKey("moons"), (a with { LearningRate = 0.03 }).ExperimentKey("moons"));
        Assert.NotEqual(a.ExperimentKey("moons"), (a with { Hidden = [8] }).ExperimentKey("moons"));
        Assert.Equal(16, ExperimentConfig.Hash("x").Length);
    }

    [Fact]
    public void A_key_read_from_a_file_may_give_a_setting_twice()
    {
        // An edited manifest's key: its values are shown together (a dictionary of the parts threw "An item with the same
        // key has already been added", which actkit report printed as an internal error).
        Assert.Equal("seeds: 1 vs 1, 2", ResultStore.Difference("epochs=3;seeds=1", "epochs=3;seeds=1;seeds=2"));
        Assert.Equal("epochs: 3, 3 vs 3", ResultStore.Difference("epochs=3;epochs=3", "epochs=3"));
    }

    [Fact]
    public void A_csv_header_setting_enters_the_key_and_manifest_only_when_given()
    {
        const string Identity = "x.csv#sha256:0123456789abcdef";
        var auto = new ExperimentConfig { Data = "x.csv" }.Validate();
        // The key a comparison without --header has always had, so results folders made before the option still resume.
        Assert.Equal(
            $"engine={ExperimentConfig.EngineVersion};data=x.csv#sha256:0123456789abcdef;samples=1500;noise=0.1;data_seed=1;hidden=16x16;epochs=30;batch=32;lr=0.01;optimizer=adam;init=auto;target=0.9;activations=relu,leaky_relu,elu,gelu,silu,mish,tanh,sigmoid;seeds=3",
            auto.ExperimentKey(Identity));
        var yes = auto with { HasHeader = true };
        var no = auto with { HasHeader = false };
        Assert.Equal(auto.ExperimentKey(Identity).Replace(";samples=", ";header=yes;samples=", StringComparison.Ordinal), yes.ExperimentKey(Identity));
        Assert.Equal(auto.ExperimentKey(Identity).Replace(";samples=", ";header=no;samples=", StringComparison.Ordinal), no.ExperimentKey(Identity));
        Assert.Equal(3, new[] { auto, yes, no }.Select(c => ExperimentConfig.Hash(c.ExperimentKey(Identity))).Distinct().Count());
        Assert.Equal("header: — vs yes", ResultStore.Difference(auto.ExperimentKey(Identity), yes.ExperimentKey(Identity)));

        // The manifest of an auto comparison has no header field (as before); a given one is written and read back.
        Assert.DoesNotContain("hasHeader", JsonSerializer.Serialize(auto, ResultStore.Json), StringComparison.Ordinal);
        string json = JsonSerializer.Serialize(yes, ResultStore.Json);
        Assert.Contains("\"hasHeader\": true", json, StringComparison.Ordinal);
        Assert.True(JsonSerializer.Deserialize<ExperimentConfig>(json, ResultStore.Json)!.HasHeader);
        Assert.Null(JsonSerializer.Deserialize<ExperimentConfig>(JsonSerializer.Serialize(auto, ResultStore.Json), ResultStore.Json)!.HasHeader);
        Assert.StartsWith("actkit compare --data x.csv --header yes --samples 1500 ", yes.ToCommandLine("out"), StringComparison.Ordinal);
        Assert.DoesNotContain("--header", auto.ToCommandLine("out"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_csv_with_numeric_column_names_loads_with_has_header_as_its_renamed_copy_does()
    {
        var rng = new Random(7);
        var rows = Enumerable.Range(0, 40).Select(_ =>
        {
            double x = (rng.NextDouble() * 2) - 1, y = (rng.NextDouble() * 2) - 1;
            return FormattableString.Invariant($"{x},{y},{(x * y > 0 ? 1 : 0)}");
        }).ToArray();
        string numeric = Path.Combine(_root, "years.csv"), renamed = Path.Combine(_root, "named.csv");
        File.WriteAllLines(numeric, ["age,2019,label", .. rows]);
        File.WriteAllLines(renamed, ["age,y2019,label", .. rows]);
        var config = Tiny() with { Data = numeric, Samples = 0, HasHeader = true };

        var data = ExperimentData.Load(config);
        var expected = ExperimentData.Load(config with { Data = renamed, HasHeader = null });
        Assert.Equal((24, 8, 8), (data.Train.Rows, data.Validation.Rows, data.Test.Rows));
        Assert.Equal(2, data.Train.FeatureCount);
        Assert.Equal(expected.Train.Features, data.Train.Features);
        Assert.Equal(expected.Test.Targets, data.Test.Targets);
        // The identity stays the file's name and hash; the header setting is in the key (above).
        Assert.StartsWith("years.csv#sha256:", data.Identity, StringComparison.Ordinal);

        Assert.Contains("give --header yes", Assert.Throws<FormatException>(() => ExperimentData.Load(config with { HasHeader = null })).Message, StringComparison.Ordinal);
        Assert.Equal("named.csv, line 1, column 1: 'age' is not a number.", Assert.Throws<FormatException>(() => ExperimentData.Load(config with { Data = renamed, HasHeader = false })).Message);
    }

    [Theory]
    [InlineData("moons", "the built-in set 'moons'")]
    [InlineData("fashion-mnist", "the built-in set 'fashion-mnist'")]
    public void A_header_setting_is_refused_for_built_in_sets(string name, string what)
    {
        // Refused before anything is loaded: Fashion-MNIST need not be installed.
        var ex = Assert.Throws<ArgumentException>(() => ExperimentData.Load(Tiny() with { Data = name, HasHeader = false }, Dir("none")));
        Assert.StartsWith($"--header applies to CSV files, not to {what}.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trials_record_curves_diagnostics_and_the_resolved_initialiser()
    {
        var config = Tiny("relu,tanh,relu@zeros");
        var data = ExperimentData.Load(config);
        var outcome = ExperimentRunner.Run(config, data, Dir("one"));
        Assert.Equal(6, outcome.Trained);
        Assert.Equal(6, TrialFiles(Dir("one")).Length);
        var relu = outcome.Trials.First(t => t.Label == "relu");
        Assert.Equal("he_normal", relu.Init);
        Assert.Equal("glorot_uniform", outcome.Trials.First(t => t.Label == "tanh").Init);
        Assert.Equal(3, relu.Curve.Count);
        Assert.Equal(2, relu.Layers.Count);
        Assert.All(outcome.Trials, t => Assert.InRange(t.TestAccuracy, 0, 1));
        Assert.All(outcome.Trials, t => Assert.Equal(data.Test.Rows, t.TestSamples));
        // Zero weights: every ReLU pre-activation stays 0, where ReLU's derivative is 0 → every unit is dead.
        var zeros = outcome.Trials.First(t => t.Label == "relu@zeros");
        Assert.Equal("zeros", zeros.Init);
        Assert.Equal(1.0, zeros.DeadFraction);
        Assert.All(zeros.Layers, l => Assert.Equal(1.0, l.DeadFraction));
        Assert.Equal(0.0, relu.SaturatedFraction); // ReLU does not saturate.
    }

    [Fact]
    public void Gated_contenders_are_not_measured_for_dead_units_or_saturation_and_the_summary_keeps_them_unmeasured()
    {
        // compare printed Dead 0.0% and Saturated 0.0% for swiglu and reglu, whose units the detectors never look at
        // (no per-unit derivative), while diagnose's layer table printed "—" for them.
        var config = Tiny("swiglu,reglu,relu");
        var outcome = ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("gated"));
        foreach (var t in outcome.Trials.Where(t => t.Label != "relu"))
        {
            Assert.True(double.IsNaN(t.DeadFraction) && double.IsNaN(t.SaturatedFraction), $"{t.Label}: {t.DeadFraction}, {t.SaturatedFraction}");
            Assert.All(t.Layers, l => Assert.True(double.IsNaN(l.DeadFraction) && double.IsNaN(l.SaturatedFraction)));
            Assert.All(t.Timeline!.SelectMany(l => l.Checkpoints), c => Assert.True(double.IsNaN(c.DeadFraction) && double.IsNaN(c.SaturatedFraction)));
            Assert.False(t.Diverged);
            Assert.InRange(t.TestAccuracy, 0, 1);
        }

        var relu = outcome.Trials.First(t => t.Label == "relu");
        Assert.Equal(0.0, relu.SaturatedFraction);
        Assert.All(relu.Timeline!.SelectMany(l => l.Checkpoints), c => Assert.False(double.IsNaN(c.DeadFraction)));

        // Written and read back as NaN, and the summary ranks them by accuracy as any other, with NaN fractions.
        var (manifest, read) = ResultStore.Load([Dir("gated")]);
        var summary = ExperimentSummary.Create(manifest, read);
        Assert.Equal(3, summary.Ranking.Count);
        Assert.All(summary.Ranking.Where(r => r.Label != "relu"), r => Assert.True(double.IsNaN(r.DeadFraction) && double.IsNaN(r.SaturatedFraction) && r.Diverged == 0));
        Assert.False(double.IsNaN(summary.Ranking.Single(r => r.Label == "relu").DeadFraction));
    }

    [Fact]
    public void Large_initial_weights_saturate_tanh()
    {
        var config = Tiny("tanh@normal(5)", epochs: 1);
        var outcome = ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("sat"));
        Assert.All(outcome.Trials, t => Assert.True(t.SaturatedFraction > 0.5, $"saturated {t.SaturatedFraction}"));
    }

    [Fact]
    public void Per_channel_prelu_and_the_exponential_are_measured()
    {
        // prelu(num_parameters=8) on 8-unit layers: the measurement reads the units as the slopes' channels.
        var config = Tiny("prelu(num_parameters=8),exponential", epochs: 1);
        var outcome = ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("channels"));
        Assert.Equal(4, outcome.Trials.Count);
        Assert.All(outcome.Trials.Where(t => t.Activation.StartsWith("prelu", StringComparison.Ordinal)), t => Assert.Equal(0.0, t.SaturatedFraction));

        // The exponential's slope grows without bound: only its negative tail (x < −2) is flat, not everything below 17.
        Assert.All(outcome.Trials.Where(t => t.Activation == "exponential"), t => Assert.True(t.SaturatedFraction < 0.2, $"saturated {t.SaturatedFraction}"));
    }

    [Fact]
    public void A_run_stopped_before_its_first_trial_leaves_no_manifest_but_one_after_it_keeps_it()
    {
        var config = Tiny();
        var data = ExperimentData.Load(config);
        string dir = Dir("stopped-early");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        // The manifest of a comparison that holds no trial would make a corrected run "a different comparison".
        Assert.ThrowsAny<OperationCanceledException>(() => ExperimentRunner.Run(config, data, dir, new RunOptions { Cancellation = cancelled.Token }));
        Assert.False(File.Exists(Path.Combine(dir, ResultStore.ManifestName)));
        Assert.Equal(config.Trials().Count, ExperimentRunner.Run(config with { Epochs = config.Epochs + 1 }, data, dir).Trained);
    }

    [Fact]
    public void A_per_channel_contender_that_fits_no_hidden_width_is_refused_before_the_run()
    {
        var e = Assert.Throws<ArgumentException>(() => Tiny("relu,prelu(num_parameters=3)"));
        Assert.Contains("every hidden layer needs 3 units", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_killed_run_resumes_without_losing_or_repeating_trials()
    {
        var config = Tiny();
        var data = ExperimentData.Load(config);
        string dir = Dir("killed");
        using var cts = new CancellationTokenSource();
        int finished = 0;
        // "Kill" the run after 2 trials: cancellation stops the loop between trials, like a process killed there.
        Assert.ThrowsAny<OperationCanceledException>(() => ExperimentRunner.Run(config, data, dir, new RunOptions
        {
            Cancellation = cts.Token,
            Progress = _ =>
            {
                if (++finished == 2) cts.Cancel();
            },
        }));
        var before = TrialFiles(dir).ToDictionary(f => f, File.ReadAllBytes);
        Assert.Equal(2, before.Count);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, ResultStore.TrialsFolder), "*.tmp"));

        var resumed = ExperimentRunner.Run(config, data, dir);
        Assert.Equal(2, resumed.Skipped);
        Assert.Equal(4, resumed.Trained);
        foreach (var (file, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(file)); // not retrained (timings would differ)
        Assert.Equal(6, TrialFiles(dir).Length);

        var again = ExperimentRunner.Run(config, data, dir);
        Assert.Equal((0, 6), (again.Trained, again.Skipped));

        var clean = ExperimentRunner.Run(config, data, Dir("clean"));
        Assert.Equal(Canonical(clean.Trials), Canonical(ResultStore.Load([dir]).Trials));
    }

    [Fact]
    public void Shards_merged_equal_an_unsharded_run_bit_for_bit()
    {
        var config = Tiny();
        var data = ExperimentData.Load(config);
        var whole = ExperimentRunner.Run(config, data, Dir("whole"), new RunOptions { Threads = 2 });
        var dirs = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            dirs.Add(Dir($"shard{i}"));
            var part = ExperimentRunner.Run(config, data, dirs[^1], new RunOptions { Shard = new Shard(i, 3) });
            Assert.All(part.Trials, t => Assert.Equal(i, t.Index % 3));
            Assert.Equal(2, part.Trained);
        }

        var (manifest, merged) = ResultStore.Load(dirs);
        Assert.Equal(6, merged.Count);
        Assert.Equal(Canonical(whole.Trials), Canonical(merged));
        var a = ExperimentSummary.Create(whole.Manifest, whole.Trials);
        var b = ExperimentSummary.Create(manifest, merged);
        Assert.Equal(a.Ranking.Select(r => (r.Label, r.MeanAccuracy, r.StdAccuracy)), b.Ranking.Select(r => (r.Label, r.MeanAccuracy, r.StdAccuracy)));
        Assert.True(b.Complete);
    }

    [Fact]
    public void A_manifest_that_lists_a_contender_twice_is_refused_as_damaged()
    {
        // Edited to list relu twice (compare refuses such a list), the manifest was tabled with relu's one trial file
        // counted for both rows: "1 of 2 trials", and relu tied with itself.
        var config = Tiny("relu,tanh", epochs: 1) with { Seeds = 1 };
        ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("twice"), new RunOptions());
        File.Delete(TrialFiles(Dir("twice"))[1]);
        string manifest = Path.Combine(Dir("twice"), ResultStore.ManifestName);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        json["config"]!["activations"]![1]!["activation"] = "relu";
        File.WriteAllText(manifest, json.ToJsonString());
        string message = Assert.Throws<InvalidDataException>(() => ResultStore.Load([Dir("twice")])).Message;
        Assert.StartsWith($"{manifest} is damaged (it lists the contender 'relu' more than once, which compare never writes): restore experiment.json from a copy, or delete it", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trial_files_label_and_name_are_shown_with_control_characters_as_question_marks()
    {
        // A label edited to hold a NUL and an escape, and a file name holding one, were printed raw in the message.
        var config = Tiny("relu", epochs: 1) with { Seeds = 1 };
        ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("ctl"), new RunOptions());
        string file = TrialFiles(Dir("ctl"))[0];
        string renamed = Path.Combine(Path.GetDirectoryName(file)!, "x\u0007y.json");
        File.Move(file, renamed);
        File.WriteAllText(renamed, File.ReadAllText(renamed).Replace("\"label\": \"relu\"", "\"label\": \"re\\u0000l\\u001bu\"", StringComparison.Ordinal));
        string message = Assert.Throws<InvalidDataException>(() => ResultStore.Load([Dir("ctl")])).Message;
        Assert.Contains("x?y.json is not a valid trial file (label re?l?u and seed 1 disagree with its key, which is relu seed 1)", message, StringComparison.Ordinal);
        Assert.DoesNotContain(message, char.IsControl);
    }

    [Fact]
    public void Merging_different_configurations_is_refused_with_the_difference()
    {
        var config = Tiny(epochs: 2);
        ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("a"), new RunOptions { Shard = new Shard(0, 2) });
        var other = config with { Epochs = 3 };
        ExperimentRunner.Run(other, ExperimentData.Load(other), Dir("b"), new RunOptions { Shard = new Shard(1, 2) });
        var ex = Assert.Throws<InvalidDataException>(() => ResultStore.Load([Dir("a"), Dir("b")]));
        Assert.Contains("cannot be merged", ex.Message, StringComparison.Ordinal);
        Assert.Contains("epochs: 2 vs 3", ex.Message, StringComparison.Ordinal);

        // A stray trial file from another configuration inside a folder is refused too.
        File.Copy(TrialFiles(Dir("b"))[0], Path.Combine(Dir("a"), ResultStore.TrialsFolder, "stray.json"));
        string stray = Assert.Throws<InvalidDataException>(() => ResultStore.Load([Dir("a")])).Message;
        Assert.Contains("stray.json belongs to a different comparison than ", stray, StringComparison.Ordinal);
        Assert.EndsWith("cannot be merged (epochs: 3 vs 2).", stray, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trial_file_the_table_would_refuse_is_refused_before_training_and_a_damaged_own_one_is_retrained()
    {
        // A foreign JSON file in trials/ failed ResultStore.Load only after every trial had been trained.
        var config = Tiny();
        var data = ExperimentData.Load(config);
        string dir = Dir("foreign");
        string trials = Path.Combine(dir, ResultStore.TrialsFolder);
        Directory.CreateDirectory(trials);
        string stray = Path.Combine(trials, "notes.json");
        File.WriteAllText(stray, "{\"hello\": 1}");
        int trained = 0;
        var e = Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(config, data, dir, new RunOptions { Progress = _ => trained++ }));
        Assert.Equal($"{stray} is not a valid trial file (it lacks the required properties \"experiment\", \"experimentKey\", \"key\" and 10 more), and the results could not be tabled with it there, so nothing was trained; move it out of '{trials}' or use another --out folder.", e.Message);
        Assert.Equal(0, trained);
        Assert.Equal([stray], Directory.GetFiles(trials));
        Assert.False(File.Exists(Path.Combine(dir, ResultStore.ManifestName)));

        // A trial of another comparison, under any name.
        var other = config with { Epochs = 4 };
        ExperimentRunner.Run(other, ExperimentData.Load(other), Dir("other"), new RunOptions { Shard = new Shard(0, 6) });
        File.Copy(TrialFiles(Dir("other"))[0], stray, overwrite: true);
        Assert.Contains("notes.json is a trial of a different comparison (epochs: 4 vs 3), and the results could not be tabled with it there, so nothing was trained", Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(config, data, dir)).Message, StringComparison.Ordinal);

        // Without it the run trains; a damaged file of one of its own trials is trained again and replaced, as before.
        File.Delete(stray);
        Assert.Equal(6, ExperimentRunner.Run(config, data, dir).Trained);
        File.WriteAllText(TrialFiles(dir)[0], "damaged");
        var again = ExperimentRunner.Run(config, data, dir);
        Assert.Equal((1, 5), (again.Trained, again.Skipped));
        Assert.Equal(6, ResultStore.Load([dir]).Trials.Count);

        // A shard leaves the other shards' files alone, but not a damaged one: the table at the end would refuse it too.
        File.WriteAllText(TrialFiles(dir)[1], "damaged");
        Assert.Contains("is not a valid trial file", Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(config, data, dir, new RunOptions { Shard = new Shard(0, 2) })).Message, StringComparison.Ordinal);
        Assert.Equal(1, ExperimentRunner.Run(config, data, dir, new RunOptions { Shard = new Shard(1, 2) }).Trained);
    }

    [Fact]
    public void Numeric_labels_that_are_not_class_indices_are_refused_for_a_comparison()
    {
        // Ages 18…57 were compared as 58 classes, 18 of them without a sample; codes 0, 1000, … as thousands.
        string csv = Path.Combine(_root, "ages.csv");
        File.WriteAllLines(csv, ["a,b,age", .. Enumerable.Range(0, 40).Select(i => FormattableString.Invariant($"{i * 0.1},{i % 7},{18 + i}"))]);
        var e = Assert.Throws<ArgumentException>(() => ExperimentData.Load(new ExperimentConfig { Data = csv, Samples = 0 }.Validate()));
        Assert.Equal($"'{csv}': the labels run from 18 to 57, not from 0, so they are not class indices 0…k−1; a comparison ranks by test accuracy and needs class labels, so number the classes 0, 1, 2, … or give them names.", e.Message);

        string npy = Path.Combine(_root, "codes.npy");
        ActivationKit.IO.Npy.Write(npy, Enumerable.Range(0, 20).SelectMany(i => new[] { i * 0.1f, i % 3 * 1000f }).ToArray(), [20, 2]);
        Assert.Contains("the labels 0…2,000 skip 1,998 of those indices (only 3 different labels occur)", Assert.Throws<ArgumentException>(() => ExperimentData.Load(new ExperimentConfig { Data = npy, Samples = 0 }.Validate())).Message, StringComparison.Ordinal);

        // Indices 0…2 compare as three classes.
        ActivationKit.IO.Npy.Write(npy, Enumerable.Range(0, 20).SelectMany(i => new[] { i * 0.1f, i % 3 }).ToArray(), [20, 2]);
        Assert.Equal(3, ExperimentData.Load(new ExperimentConfig { Data = npy, Samples = 0 }.Validate()).Train.ClassCount);
    }

    [Fact]
    public void A_results_folder_refuses_a_different_configuration()
    {
        var config = Tiny(epochs: 1);
        ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("x"), new RunOptions { Shard = new Shard(0, 6) });
        var other = config with { BatchSize = 8 };
        var ex = Assert.Throws<ArgumentException>(() => ExperimentRunner.Run(other, ExperimentData.Load(other), Dir("x")));
        Assert.Contains("batch: 16 vs 8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sigmoid_with_zero_init_ranks_last()
    {
        var config = Tiny("relu,tanh,sigmoid@zeros", epochs: 8) with { Data = "circles", Samples = 300 };
        var run = ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("rank"), new RunOptions { Threads = 2 });
        var summary = ExperimentSummary.Create(run.Manifest, run.Trials);
        Assert.Equal("sigmoid@zeros", summary.Ranking[^1].Label);
        Assert.True(summary.Ranking[0].MeanAccuracy > 0.8, $"winner {summary.Ranking[0].MeanAccuracy}");
        Assert.True(summary.Ranking[^1].MeanAccuracy < summary.Ranking[^2].MeanAccuracy - 0.05, string.Join(", ", summary.Ranking.Select(r => $"{r.Label} {r.MeanAccuracy}")));
        Assert.Equal(summary.Ranking[0].Label, summary.Winner);
        Assert.Equal(summary.Ranking[0].MeanAccuracy - summary.Ranking[1].MeanAccuracy, summary.Margin);
        Assert.True(summary.Complete);
    }

    [Fact]
    public void Summary_lists_missing_trials()
    {
        var config = Tiny(epochs: 1);
        var run = ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("part"), new RunOptions { Shard = new Shard(1, 2) });
        var summary = ExperimentSummary.Create(run.Manifest, run.Trials);
        Assert.False(summary.Complete);
        Assert.Equal(3, summary.Found);
        Assert.Contains("relu seed 1", summary.Missing);
    }

    [Fact]
    public void A_diverged_trial_records_no_accuracy_and_no_measurements_of_the_diverged_network()
    {
        // SGD at lr 1e8 blows up the ReLU network; tanh's bounded outputs keep its loss finite.
        var config = Tiny("relu,tanh") with { Optimizer = "sgd", LearningRate = 1e8 };
        var run = ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("diverged"));
        var relu = run.Trials.Where(t => t.Label == "relu").ToArray();
        Assert.All(relu, t =>
        {
            Assert.True(t.Diverged);
            // The argmax of NaN logits is class 0 for every sample: the accuracy used to be the share of class 0.
            Assert.True(double.IsNaN(t.TestAccuracy), $"accuracy {t.TestAccuracy}");
            Assert.True(double.IsNaN(t.TestLoss));
            Assert.True(double.IsNaN(t.DeadFraction) && double.IsNaN(t.SaturatedFraction), $"dead {t.DeadFraction}, saturated {t.SaturatedFraction}");
            Assert.Empty(t.Layers);
            Assert.All(t.Timeline!, l => Assert.All(l.Checkpoints, c => Assert.Equal(0, c.NonFinite)));
        });
        Assert.All(run.Trials.Where(t => t.Label == "tanh"), t => Assert.False(t.Diverged));

        var summary = ExperimentSummary.Create(run.Manifest, run.Trials);
        Assert.Equal(["tanh", "relu"], summary.Ranking.Select(r => r.Label));
        Assert.True(double.IsNaN(summary.Ranking[1].MeanAccuracy));
        Assert.True(double.IsNaN(summary.Ranking[1].DeadFraction));
        Assert.Equal(
            "tanh is the only contender that did not diverge; relu (2 of 2 seeds) diverged (no test accuracy) and ranks below it. " +
            "The test split has only 40 samples (fewer than 100), so a test accuracy moves in steps of 2.5 points; a larger test split (more --samples or rows) gives finer ones.",
            summary.Verdict());
    }

    /// <summary>A finished trial with the given outcome, for ranking tests.</summary>
    private static TrialResult Trial(ExperimentManifest manifest, string label, ulong seed, double accuracy, double loss, bool diverged = false, int testSamples = 0) => new()
    {
        Experiment = manifest.Experiment,
        ExperimentKey = manifest.ExperimentKey,
        Key = TrialKey(manifest, label, seed),
        Hash = ExperimentConfig.Hash(TrialKey(manifest, label, seed)),
        Index = 0,
        Label = label,
        Activation = label,
        Init = "he_normal",
        Seed = seed,
        TestAccuracy = accuracy,
        TestLoss = loss,
        TestSamples = testSamples,
        Diverged = diverged,
        DeadFraction = 0.25,
        Curve = [],
        Layers = [],
    };

    // The key a run gives the trial (ExperimentRunner.TrialKey), so that ImpossibleValue finds the label and seed in it.
    private static string TrialKey(ExperimentManifest manifest, string label, ulong seed)
    {
        int at = label.LastIndexOf('@');
        var contender = new Contender(at < 0 ? label : label[..at], at < 0 ? null : label[(at + 1)..]);
        return ExperimentRunner.TrialKey(manifest.Config.BasisKey(manifest.DataIdentity), new TrialSpec(0, contender, seed));
    }

    private static ExperimentManifest Manifest(ExperimentConfig config) => new()
    {
        Experiment = ExperimentConfig.Hash(config.ExperimentKey("moons")),
        ExperimentKey = config.ExperimentKey("moons"),
        Config = config,
        DataIdentity = "moons",
        TrialCount = config.Trials().Count,
        Command = config.ToCommandLine("out"),
    };

    [Fact]
    public void A_contender_with_a_diverged_trial_ranks_below_every_one_that_did_not_diverge()
    {
        var config = Tiny("relu,tanh,gelu");
        var m = Manifest(config);
        // Files written before engine version 3 stored an accuracy measured on the diverged network (here 0.95).
        TrialResult[] trials =
        [
            Trial(m, "relu", 1, 0.95, double.NaN, diverged: true), Trial(m, "relu", 2, 0.95, double.NaN, diverged: true),
            Trial(m, "tanh", 1, 0.50, 0.7), Trial(m, "tanh", 2, 0.60, 0.6),
            Trial(m, "gelu", 1, 0.99, 0.1), Trial(m, "gelu", 2, 0.99, double.NaN, diverged: true),
        ];
        var summary = ExperimentSummary.Create(m, trials);
        Assert.Equal(["tanh", "gelu", "relu"], summary.Ranking.Select(r => r.Label));
        Assert.Equal([0, 1, 2], summary.Ranking.Select(r => r.Diverged));
        Assert.True(double.IsNaN(summary.Ranking[2].MeanAccuracy));
        Assert.True(double.IsNaN(summary.Ranking[1].MeanAccuracy));
        Assert.Equal(0.25, summary.Ranking[1].DeadFraction); // over the seed that did not diverge
        Assert.True(double.IsNaN(summary.Margin));
        Assert.Equal("tanh is the only contender that did not diverge; gelu (1 of 2 seeds), relu (2 of 2 seeds) diverged (no test accuracy) and rank below it.", summary.Verdict());

        var two = ExperimentSummary.Create(m, [.. trials, Trial(m, "tanh", 3, 0.55, 0.7)]);
        Assert.Equal("tanh", two.Winner);
        var all = ExperimentSummary.Create(m, trials.Where(t => t.Label != "tanh").ToArray());
        Assert.Equal(["gelu", "relu"], all.Ranking.Select(r => r.Label));
        Assert.Equal("Every contender diverged in at least one seed (gelu (1 of 2 seeds), relu (2 of 2 seeds)), so none has a test accuracy to compare; try a lower learning rate.", all.Verdict());
    }

    [Fact]
    public void Equal_accuracies_in_any_seed_order_tie_and_fall_to_the_lower_loss()
    {
        var config = Tiny("relu,tanh,gelu") with { Seeds = 3 };
        var m = Manifest(config);
        // 817 of 900 correct each; relu and tanh in a different seed order, gelu from other counts. Summed as fractions in
        // seed order the means were 0.9077777777777779 and …777, so relu (the higher loss) ranked first.
        int[] relu = [270, 270, 277], tanh = [277, 270, 270], gelu = [272, 272, 273];
        var trials = new List<TrialResult>();
        for (int s = 0; s < 3; s++)
        {
            trials.Add(Trial(m, "relu", (ulong)s + 1, relu[s] / 300.0, 0.9, testSamples: 300));
            trials.Add(Trial(m, "tanh", (ulong)s + 1, tanh[s] / 300.0, 0.1, testSamples: 300));
            trials.Add(Trial(m, "gelu", (ulong)s + 1, gelu[s] / 300.0, 0.5, testSamples: 300));
        }

        var summary = ExperimentSummary.Create(m, trials);
        Assert.Equal(["tanh", "gelu", "relu"], summary.Ranking.Select(r => r.Label));
        Assert.All(summary.Ranking, r => Assert.Equal(817 / 900.0, r.MeanAccuracy));
        Assert.Equal(0.0, summary.Margin);
        Assert.StartsWith("tanh and gelu tie on mean test accuracy (90.8%); ", summary.Verdict(), StringComparison.Ordinal);
        Assert.EndsWith("tanh ranks first on lower test loss.", summary.Verdict(), StringComparison.Ordinal);
        Assert.Equal("tanh and gelu tie on mean test accuracy (90.8%); with mean test loss 0.1000 vs 0.5000, tanh ranks first on lower test loss.", summary.Verdict());
    }

    [Fact]
    public void A_tie_on_accuracy_and_loss_says_the_order_is_by_name_only()
    {
        // Networks initialised to zeros learn the same thing whatever their activation: it said "relu ranks first on
        // lower test loss" with both losses exactly equal.
        var config = Tiny("tanh,relu");
        var m = Manifest(config);
        var trials = new List<TrialResult>();
        for (ulong s = 1; s <= 2; s++)
        {
            trials.Add(Trial(m, "tanh", s, 0.5, 0.6931471805599453, testSamples: 400));
            trials.Add(Trial(m, "relu", s, 0.5, 0.6931471805599453, testSamples: 400));
        }

        var summary = ExperimentSummary.Create(m, trials);
        Assert.Equal(["relu", "tanh"], summary.Ranking.Select(r => r.Label));
        Assert.Equal("relu and tanh tie on mean test accuracy (50.0%) and on mean test loss (0.6931): nothing tells them apart, and relu is listed first by name only.", summary.Verdict());

        // Losses equal to four decimals are shown with as many more as tell them apart.
        trials[1] = Trial(m, "relu", 1, 0.5, 0.69314, testSamples: 400);
        trials[3] = Trial(m, "relu", 2, 0.5, 0.69314, testSamples: 400);
        Assert.EndsWith("with mean test loss 0.69314 vs 0.69315, relu ranks first on lower test loss.", ExperimentSummary.Create(m, trials).Verdict(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_init_column_says_when_auto_chose_the_initialiser_and_an_explicit_one_is_shown_as_given()
    {
        // relu and relu@he_normal both read he_normal, but auto gives the linear output layer glorot_uniform while an
        // explicit he_normal initialises it with He too: two labels alike for different networks.
        var config = Tiny("relu,relu@he_normal,tanh,sigmoid@zeros");
        var m = Manifest(config);
        var trials = new[]
        {
            Trial(m, "relu", 1, 0.8, 0.5), Trial(m, "relu@he_normal", 1, 0.7, 0.5),
            Trial(m, "tanh", 1, 0.6, 0.5) with { Init = "glorot_uniform" }, Trial(m, "sigmoid@zeros", 1, 0.5, 0.5) with { Init = "zeros" },
        };
        var inits = ExperimentSummary.Create(m, trials).Ranking.ToDictionary(r => r.Label, r => r.Init);
        Assert.Equal("auto (he_normal)", inits["relu"]);
        Assert.Equal("he_normal", inits["relu@he_normal"]);
        Assert.Equal("auto (glorot_uniform)", inits["tanh"]);
        Assert.Equal("zeros", inits["sigmoid@zeros"]);

        // An experiment-wide --init is explicit too.
        var he = Tiny("relu") with { Init = "he_normal" };
        var mh = Manifest(he);
        Assert.Equal("he_normal", ExperimentSummary.Create(mh, [Trial(mh, "relu", 1, 0.8, 0.5)]).Ranking[0].Init);

        // What the label says: auto's linear output layer is Glorot's (std √(2/(400+2)) = 0.0705), an explicit
        // he_normal's is He's (std 1/√400 = 0.05, gain 1 for a linear layer).
        static double OutputStd(Initializer init)
        {
            var net = Mlp.Build(2, [400], "relu", 2);
            net.Initialize(init, 1);
            var w = net.Layers[^1].Weights;
            return Math.Sqrt(w.Average(v => (double)v * v));
        }

        Assert.InRange(OutputStd(Initializer.Auto), 0.0705 * 0.9, 0.0705 * 1.1);
        Assert.InRange(OutputStd(Initializer.Parse("he_normal")), 0.05 * 0.9, 0.05 * 1.1);
    }

    [Fact]
    public void No_spread_in_either_contender_gives_no_p_value_and_a_small_test_split_is_named()
    {
        // Per-seed accuracies [0.5, 0.5] vs [0, 0] on a 2-sample test split read "relu wins by 50 accuracy points over
        // tanh (Welch's t-test p = 0: distinguishable at 0.05)".
        var config = Tiny("relu,tanh");
        var m = Manifest(config);
        var summary = ExperimentSummary.Create(m,
        [
            Trial(m, "relu", 1, 0.5, 0.5, testSamples: 2), Trial(m, "relu", 2, 0.5, 0.5, testSamples: 2),
            Trial(m, "tanh", 1, 0, 1, testSamples: 2), Trial(m, "tanh", 2, 0, 1, testSamples: 2),
        ]);
        Assert.True(double.IsNaN(summary.PValue));
        Assert.False(summary.Distinguishable);
        Assert.Equal(2, summary.TestSamples);
        Assert.Equal(
            "relu leads tanh by 50 accuracy points; every seed of each gave the same test accuracy, so Welch's t-test is undefined (no spread to judge the gap by) and gives no p-value. " +
            "The test split has only 2 samples (fewer than 100), so a test accuracy moves in steps of 50 points; a larger test split (more --samples or rows) gives finer ones.",
            summary.Verdict());

        // 100 test samples or more, or files that do not record the count: no warning.
        var large = ExperimentSummary.Create(m, [Trial(m, "relu", 1, 0.5, 0.5, testSamples: 100), Trial(m, "tanh", 1, 0.4, 1, testSamples: 100)]);
        Assert.DoesNotContain("test split", large.Verdict(), StringComparison.Ordinal);
        Assert.DoesNotContain("test split", ExperimentSummary.Create(m, [Trial(m, "relu", 1, 0.5, 0.5), Trial(m, "tanh", 1, 0.4, 1)]).Verdict(), StringComparison.Ordinal);
        Assert.EndsWith("moves in steps of 1.01 points; a larger test split (more --samples or rows) gives finer ones.",
            ExperimentSummary.Create(m, [Trial(m, "relu", 1, 0.5, 0.5, testSamples: 99)]).Verdict(), StringComparison.Ordinal);
    }

    [Fact]
    public void One_seed_has_no_spread_and_the_verdict_names_the_contender_with_one_seed()
    {
        var config = Tiny("relu,tanh,gelu") with { Seeds = 3 };
        var m = Manifest(config);
        var one = ExperimentSummary.Create(m, [Trial(m, "relu", 1, 0.82, 0.5), Trial(m, "tanh", 1, 0.7, 0.6), Trial(m, "gelu", 1, 0.6, 0.7)]);
        Assert.All(one.Ranking, r => Assert.True(double.IsNaN(r.StdAccuracy), $"{r.Label}: std {r.StdAccuracy}"));
        Assert.Equal("relu leads tanh by 12 accuracy points; with one seed each, no significance test is possible.", one.Verdict());

        // A partial shard: the winner has 3 seeds, the runner-up 1 ("with fewer than 2 seeds each" was wrong for relu).
        var partial = ExperimentSummary.Create(m,
        [
            Trial(m, "relu", 1, 0.82, 0.5), Trial(m, "relu", 2, 0.84, 0.5), Trial(m, "relu", 3, 0.83, 0.5), Trial(m, "tanh", 1, 0.7, 0.6),
        ]);
        Assert.Equal(0.01, partial.Ranking[0].StdAccuracy, 12);
        Assert.True(double.IsNaN(partial.Ranking[1].StdAccuracy));
        Assert.Equal("relu leads tanh by 13 accuracy points; tanh has one seed only (Welch's t-test needs at least 2 of each), so no significance test is possible.", partial.Verdict());
    }

    [Fact]
    public void The_epoch_time_leaves_out_each_trials_first_epoch_and_takes_the_median()
    {
        // The first epoch of the first trials carries the JIT's start-up: the mean charged it to whichever contender ran
        // first (relu 0.0028 s against 0.0021 s; swapping the order moved the slowness).
        var config = Tiny("relu,tanh", epochs: 3);
        var m = Manifest(config);
        static EpochPoint[] Curve(params double[] seconds) => seconds.Select((s, i) => new EpochPoint(i + 1, 0.5, 0.5, 0.5, 0.5, s)).ToArray();
        var trials = new[]
        {
            Trial(m, "relu", 1, 0.8, 0.5) with { Curve = Curve(0.05, 0.002, 0.0021), SecondsPerEpoch = 0.0180 },
            Trial(m, "relu", 2, 0.8, 0.5) with { Curve = Curve(0.003, 0.0019, 0.009), SecondsPerEpoch = 0.0046 },
            Trial(m, "tanh", 1, 0.7, 0.5) with { Curve = Curve(0.0021, 0.002, 0.0021), SecondsPerEpoch = 0.0021 },
            Trial(m, "tanh", 2, 0.7, 0.5) with { Curve = Curve(0.0021, 0.0019, 0.002), SecondsPerEpoch = 0.002 },
        };
        var seconds = ExperimentSummary.Create(m, trials).Ranking.ToDictionary(r => r.Label, r => r.SecondsPerEpoch);
        Assert.Equal(0.00205, seconds["relu"], 12); // median of 0.002, 0.0021, 0.0019, 0.009
        Assert.Equal(0.002, seconds["tanh"], 12);

        // One epoch is all a trial has: it counts. Files without per-epoch times keep their recorded means.
        var single = Tiny("relu", epochs: 1);
        var ms = Manifest(single);
        Assert.Equal(0.004, ExperimentSummary.Create(ms, [Trial(ms, "relu", 1, 0.8, 0.5) with { Curve = Curve(0.004) }]).Ranking[0].SecondsPerEpoch);
        Assert.Equal(0.25, ExperimentSummary.Create(ms, [Trial(ms, "relu", 1, 0.8, 0.5) with { SecondsPerEpoch = 0.25 }]).Ranking[0].SecondsPerEpoch);

        // Every seed diverged in its first epoch: no curve, a recorded 0, so no time (it had shown 0 s/epoch).
        Assert.True(double.IsNaN(ExperimentSummary.Create(ms, [Trial(ms, "relu", 1, double.NaN, double.NaN, diverged: true) with { Curve = [], SecondsPerEpoch = 0 }]).Ranking[0].SecondsPerEpoch));
    }

    [Theory]
    [InlineData(0.0021, "0.00210")]
    [InlineData(0.00213, "0.00213")]
    [InlineData(0.0002, "0.000200")]
    [InlineData(0.096, "0.0960")]
    [InlineData(1.25, "1.25")]
    [InlineData(12.34, "12.3")]
    [InlineData(123.4, "123")]
    [InlineData(4567.8, "4568")]
    [InlineData(0.0, "0")]
    [InlineData(double.NaN, "—")]
    public void Epoch_times_are_shown_with_three_significant_digits(double seconds, string text) =>
        Assert.Equal(text, ExperimentSummary.FormatSeconds(seconds));

    [Fact]
    public void A_finished_trial_may_have_a_NaN_test_loss_and_NaN_fractions_without_diverging()
    {
        // Divergence is judged on training batches and weights; a finite network can still overflow a test logit, so a
        // run can write testLoss NaN in a trial that did not diverge, and its reader must take it (it had refused it,
        // and every resume trained the trial again to the same NaN).
        // A real run's trial, whose curve, layers and timeline agree with its comparison (the reader checks them too).
        var config = Tiny("relu", epochs: 1);
        var run = ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("nan"));
        var t = run.Trials[0] with { TestLoss = double.NaN, DeadFraction = double.NaN, SaturatedFraction = double.NaN };
        Assert.Null(t.ImpossibleValue());
    }

    [Theory]
    [InlineData("\"testAccuracy\": 5,", "testAccuracy is 5, outside [0, 1]")]
    [InlineData("\"testAccuracy\": \"NaN\",", "testAccuracy is NaN, which only a diverged trial records")]
    [InlineData("\"testLoss\": -0.5,", "testLoss is -0.5, below 0")]
    [InlineData("\"testSamples\": -3,", "testSamples is -3, below 0")]
    [InlineData("\"testSamples\": 0,", "testSamples is 0, but every trial tests on at least one sample")]
    [InlineData("\"label\": \"tanh\",", "label tanh and seed 2 disagree with its key, which is relu seed 2")]
    [InlineData("\"seed\": 1,", "label relu and seed 1 disagree with its key, which is relu seed 2")]
    [InlineData("\"activation\": \"tanh\",", "activation is tanh, but its label and key are relu's")]
    [InlineData("\"deadFraction\": 1.5,", "deadFraction is 1.5, outside [0, 1]")]
    [InlineData("\"epochsToTarget\": 9,", "epochsToTarget is 9, outside the 3 epochs of its curve")]
    [InlineData("\"secondsPerEpoch\": -1,", "secondsPerEpoch is -1, not a time")]
    [InlineData("\"curve\": null,", "its curve is missing")]
    public void A_trial_file_with_an_impossible_value_is_refused_by_name_and_a_run_trains_it_again(string field, string problem)
    {
        // "testAccuracy": 5 ranked at 216.2 % ± 245.8 %, and compare skipped the file as finished.
        var config = Tiny("relu,tanh");
        var data = ExperimentData.Load(config);
        string dir = Dir("impossible");
        ExperimentRunner.Run(config, data, dir);
        string file = TrialFiles(dir)[1];
        string name = field[1..field.IndexOf('"', 1)];
        string text = File.ReadAllText(file);
        var lines = text.Split('\n').ToList();
        int at = lines.FindIndex(l => l.TrimStart().StartsWith($"\"{name}\":", StringComparison.Ordinal));
        if (name == "curve")
        {
            // The whole array goes: up to the line that closes it.
            int end = lines.FindIndex(at, l => l == "  ],");
            lines.RemoveRange(at, end - at + 1);
        }
        else
        {
            lines.RemoveAt(at);
        }

        lines.Insert(at, "  " + field);
        File.WriteAllText(file, string.Join('\n', lines));

        var e = Assert.Throws<InvalidDataException>(() => ResultStore.Load([dir]));
        Assert.Equal($"{file} is not a valid trial file ({problem}); restore it, or delete it and run the comparison's compare command again, which trains that trial anew.", e.Message);

        // Another shard's file is refused before training, as a truncated one is …
        var other = Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(config, data, dir, new RunOptions { Shard = new Shard(0, 2) }));
        Assert.StartsWith($"{file} is not a valid trial file ({problem}), and the results could not be tabled with it there, so nothing was trained;", other.Message, StringComparison.Ordinal);

        // … and the run that writes it trains it again and replaces it, as it does a truncated one.
        var again = ExperimentRunner.Run(config, data, dir);
        Assert.Equal((1, 3), (again.Trained, again.Skipped));
        Assert.Null(ResultStore.Load([dir]).Trials.Select(t => t.ImpossibleValue()).FirstOrDefault(p => p is not null));
    }

    [Fact]
    public void Every_value_a_run_writes_is_possible_including_a_diverged_trials_nans()
    {
        var config = Tiny("relu,tanh") with { Optimizer = "sgd", LearningRate = 1e8 };
        var run = ExperimentRunner.Run(config, ExperimentData.Load(config), Dir("possible"));
        Assert.Contains(run.Trials, t => t.Diverged);
        Assert.All(run.Trials, t => Assert.Null(t.ImpossibleValue()));
        Assert.Equal(4, ResultStore.Load([Dir("possible")]).Trials.Count);
    }

    [Fact]
    public void More_samples_than_the_data_holds_are_refused_with_the_count_it_has()
    {
        // --samples 100000 on Fashion-MNIST used its 60 000 images, and --samples 1000 on a 300-row file its 300, while
        // the configuration key recorded the number asked for.
        string dir = Dir("fm-small");
        Directory.CreateDirectory(dir);
        WriteIdxPair(dir, "train", 60);
        WriteIdxPair(dir, "t10k", 20);
        var e = Assert.Throws<ArgumentException>(() => ExperimentData.Load(Tiny() with { Data = "fashion-mnist", Samples = 100 }, dir));
        Assert.Equal("--samples 100 is more than the 60 images in the Fashion-MNIST training file; give --samples 60 or fewer, or --samples 0 for all of them.", e.Message);
        Assert.Equal(50, ExperimentData.Load(Tiny() with { Data = "fashion-mnist", Samples = 60 }, dir).Train.Rows);

        string csv = Path.Combine(_root, "rows.csv");
        File.WriteAllLines(csv, ["a,b,label", .. Enumerable.Range(0, 1200).Select(i => FormattableString.Invariant($"{i * 0.01},{i % 7},{i % 2}"))]);
        var c = Assert.Throws<ArgumentException>(() => ExperimentData.Load(new ExperimentConfig { Data = csv, Samples = 1201 }.Validate()));
        Assert.Equal($"--samples 1201 is more than the 1,200 rows of '{csv}'; give --samples 1200 or fewer, or --samples 0 for all of them.", c.Message);
        Assert.Equal(ExperimentData.Load(new ExperimentConfig { Data = csv, Samples = 0 }.Validate()).Test.Rows, ExperimentData.Load(new ExperimentConfig { Data = csv, Samples = 1200 }.Validate()).Test.Rows);
    }

    [Fact]
    public void Fractional_labels_are_refused_with_what_a_comparison_needs()
    {
        string csv = Path.Combine(_root, "fractions.csv");
        File.WriteAllLines(csv, ["a,b,y", .. Enumerable.Range(0, 40).Select(i => FormattableString.Invariant($"{i * 0.1},{i % 7},{i * 0.0123:0.####}"))]);
        var e = Assert.Throws<ArgumentException>(() => ExperimentData.Load(new ExperimentConfig { Data = csv, Samples = 0 }.Validate()));
        Assert.StartsWith("fractions.csv, line 3: label '0.0123' is not a class index (", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("; a comparison ranks by test accuracy, so the last column must hold class labels (names, or indices 0, 1, 2, …): for a numeric target (regression) train each activation with actkit train, which reads one as regression.", e.Message, StringComparison.Ordinal);

        string npy = Path.Combine(_root, "fractions.npy");
        ActivationKit.IO.Npy.Write(npy, Enumerable.Range(0, 20).SelectMany(i => new[] { i * 0.1f, i * 0.04f }).ToArray(), [20, 2]);
        var n = Assert.Throws<ArgumentException>(() => ExperimentData.Load(new ExperimentConfig { Data = npy, Samples = 0 }.Validate()));
        Assert.Contains("is not a class index", n.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", n.Message, StringComparison.Ordinal);
        Assert.Contains("; a comparison ranks by test accuracy, so the last column must hold class labels", n.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_manifest_names_itself_and_deleting_it_and_running_again_recovers_the_trials()
    {
        var config = Tiny("relu,tanh");
        var data = ExperimentData.Load(config);
        string dir = Dir("damaged");
        ExperimentRunner.Run(config, data, dir);
        string manifest = Path.Combine(dir, ResultStore.ManifestName);
        string text = File.ReadAllText(manifest);
        File.WriteAllText(manifest, text[..(text.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => ResultStore.Load([dir]));
        Assert.StartsWith($"{manifest} is damaged (not valid JSON at line ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith(
            $"); the trials in '{Path.Combine(dir, ResultStore.TrialsFolder)}' are separate files that it does not affect: restore experiment.json from a copy, or delete it and run the same actkit compare command into the folder again, which writes it anew and skips the finished trials (each trial file's experimentKey lists the settings).",
            e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(config, data, dir));

        // What the message promises.
        File.Delete(manifest);
        var again = ExperimentRunner.Run(config, data, dir);
        Assert.Equal((0, 4), (again.Trained, again.Skipped));
        Assert.Equal(4, ResultStore.Load([dir]).Trials.Count);
    }
}
