using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// compare and report after an exploratory tester's findings: honest Init labels, no p-value without spread, a warning for
/// a small test split, no spread for one seed, impossible values in trial files, the shard hint, --samples above the data,
/// and the messages for a damaged manifest, fractional labels and one contender spelt twice.
/// </summary>
public sealed partial class ExperimentReviewTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [GeneratedRegex(@"^\d+\s+\S")]
    private static partial Regex RankRow();

    private static string[] Small(string outDir, string activations, string seeds = "2", params string[] extra) =>
    [
        "compare", "--data", "moons", "--samples", "200", "--activations", activations, "--hidden", "4", "--seeds", seeds, "--epochs", "2",
        "--threads", "1", "--out", outDir, .. extra,
    ];

    [Fact]
    public void The_init_column_tells_auto_from_an_explicit_initialiser_in_the_table_the_json_and_the_page()
    {
        // Both rows read he_normal, but auto gives the linear output layer glorot_uniform and @he_normal gives it He.
        string outDir = _dir.File("dup2");
        var r = Cli.RunWide(Small(outDir, "relu,relu@he_normal")).Ok();
        var rows = r.Lines.Where(l => RankRow().IsMatch(l)).ToArray();
        Assert.Single(rows, l => Regex.IsMatch(l, @"^\d\s+relu\s+auto \(he_normal\)\s+2\s"));
        Assert.Single(rows, l => Regex.IsMatch(l, @"^\d\s+relu@he_normal\s+he_normal\s+2\s"));

        using var json = JsonDocument.Parse(Cli.RunWide("report", outDir, "--json").Ok().Out);
        var inits = json.RootElement.GetProperty("ranking").EnumerateArray().ToDictionary(e => e.GetProperty("activation").GetString()!, e => e.GetProperty("init").GetString());
        Assert.Equal("auto (he_normal)", inits["relu"]);
        Assert.Equal("he_normal", inits["relu@he_normal"]);
        // The same for scripts in two plain fields: what was asked for, and what the hidden layers got.
        var ranking = json.RootElement.GetProperty("ranking").EnumerateArray().ToDictionary(e => e.GetProperty("activation").GetString()!);
        Assert.Equal(("auto", "he_normal"), (ranking["relu"].GetProperty("initOption").GetString(), ranking["relu"].GetProperty("hiddenInit").GetString()));
        Assert.Equal(("he_normal", "he_normal"), (ranking["relu@he_normal"].GetProperty("initOption").GetString(), ranking["relu@he_normal"].GetProperty("hiddenInit").GetString()));

        string html = _dir.File("dup2.html");
        Cli.RunWide("report", outDir, "--html", html).Ok();
        string page = File.ReadAllText(html);
        Assert.Contains("<td class=\"l\">relu</td><td class=\"l\">auto (he_normal)</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"l\">relu@he_normal</td><td class=\"l\">he_normal</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Accuracies_without_spread_give_no_p_value_and_a_tiny_test_split_is_named()
    {
        // 10 samples: a 2-sample test split, where relu scored [0.5, 0.5] and tanh [0, 0]; it said "p = 0: distinguishable".
        string outDir = _dir.File("t");
        var r = Cli.RunWide("compare", "-a", "relu,tanh", "--seeds", "2", "--epochs", "3", "--samples", "10", "--threads", "1", "--out", outDir).Ok();
        Assert.Contains(
            "relu leads tanh by 50 accuracy points; every seed of each gave the same test accuracy, so Welch's t-test is undefined (no spread to judge the gap by) and gives no p-value. " +
            "The test split has only 2 samples (fewer than 100), so a test accuracy moves in steps of 50 points; a larger test split (more --samples or rows) gives finer ones.",
            r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("distinguishable", r.Out, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(Cli.RunWide("report", outDir, "--json").Ok().Out);
        Assert.False(json.RootElement.GetProperty("distinguishable").GetBoolean());
        Assert.Contains("Welch's t-test is undefined", json.RootElement.GetProperty("verdict").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_prints_the_initialisation_warnings_train_prints_once_per_contender()
    {
        // binary_step and tanh@zeros trained silently (train warns about both); relu has nothing to warn about.
        var r = Cli.RunWide(Small(_dir.File("warned"), "relu,binary_step,tanh@zeros")).Ok();
        var warnings = r.Err.Split('\n').Where(l => l.StartsWith("Warning: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(1, warnings.Count(l => l.StartsWith("Warning: binary_step: Layer 0 (4 units, binary_step): binary_step's gradient is zero everywhere", StringComparison.Ordinal)));
        Assert.Equal(1, warnings.Count(l => l.StartsWith("Warning: tanh@zeros: Layer 0 (4 units, tanh) is initialised with zeros", StringComparison.Ordinal)));
        Assert.Equal(2, warnings.Length); // one hidden layer (layer 0); the output layer's zeros are not a symmetry problem
        Assert.DoesNotContain(warnings, l => l.StartsWith("Warning: relu", StringComparison.Ordinal));
    }

    [Fact]
    public void One_seed_shows_no_spread()
    {
        // "82.0% ± 0.0%": the spread of one seed is not 0, it is not known.
        var r = Cli.RunWide(Small(_dir.File("q1"), "relu,tanh,gelu", "1")).Ok();
        var rows = r.Lines.Where(l => RankRow().IsMatch(l)).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.All(rows, l => Assert.Matches(@"\d\.\d% ± —\s+—\s", l));
        Assert.Contains("with one seed each, no significance test is possible.", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trial_file_with_an_impossible_value_is_refused_by_report_and_trained_again_by_compare()
    {
        // "testAccuracy": 5 ranked at 216.2 % ± 245.8 %, and compare skipped it as finished.
        string outDir = _dir.File("edited");
        Cli.RunWide(Small(outDir, "relu,tanh")).Ok();
        string file = Directory.GetFiles(Path.Combine(outDir, "trials")).Order(StringComparer.Ordinal).First();
        string text = File.ReadAllText(file);
        File.WriteAllText(file, Regex.Replace(text, "\"testAccuracy\": [^,]+,", "\"testAccuracy\": 5,"));

        Cli.Run("report", outDir).BadInput($"{file} is not a valid trial file (testAccuracy is 5, outside [0, 1]); restore it, or delete it and run the comparison's compare command again, which trains that trial anew.");
        var again = Cli.RunWide(Small(outDir, "relu,tanh")).Ok();
        Assert.Contains("Trained 1 trial(s), skipped 3 already finished.", again.Err, StringComparison.Ordinal);
        // No accuracy above 100 % (the substring "216" alone also matched an s/epoch such as 0.0000216).
        Assert.DoesNotMatch(@"(?<![\d.])(\d{4,}|[2-9]\d\d|1\d[1-9]|1[1-9]\d)\.\d%", again.Out);
        Cli.RunWide("report", outDir).Ok();
    }

    [Fact]
    public void The_docs_say_what_the_dead_unit_detector_measures()
    {
        // They said "f′ = 0 on every sample"; DeadUnitDetector.FromPreActivations also needs the output to be 0.
        string docs = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs");
        string experiments = File.ReadAllText(Path.Combine(docs, "experiments.md"));
        Assert.DoesNotContain("`DeadUnitDetector.FromPreActivations`: f′ = 0 on every sample", experiments, StringComparison.Ordinal);
        Assert.Contains("f = 0 and f′ = 0 on every sample", experiments, StringComparison.Ordinal);
        Assert.Contains("binary_step", experiments, StringComparison.Ordinal);
        Assert.Contains("almost everywhere", File.ReadAllText(Path.Combine(docs, "diagnostics.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void More_samples_than_a_file_holds_are_refused()
    {
        // --samples 1000 on 120 rows used the 120, while the key recorded 1000.
        string csv = _dir.XorCsv(), outDir = _dir.File("many");
        Cli.Run("compare", "--data", csv, "--samples", "1000", "--out", outDir)
            .BadInput($"--samples 1000 is more than the 120 rows of '{csv}'; give --samples 120 or fewer, or --samples 0 for all of them.");
        Assert.False(Directory.Exists(outDir));
        Cli.RunWide("compare", "--data", csv, "--samples", "120", "--activations", "relu", "--seeds", "1", "--epochs", "1", "--hidden", "4", "--out", outDir).Ok();
        Assert.Contains("0 = all of a file or of fashion-mnist; more than the data holds is refused)", Cli.RunWide("compare", "--help").Ok().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_and_recommend_try_refuse_more_samples_than_a_file_holds_as_compare_does()
    {
        // Both took the 120 rows silently while their reports could be read as 1000.
        string csv = _dir.XorCsv();
        Cli.Run("train", "--data", csv, "--samples", "1000", "--epochs", "1")
            .BadInput($"--samples 1000 is more than the 120 rows of '{csv}'; give --samples 120 or fewer, or leave --samples out for all of them.");
        Cli.Run("recommend", "--try", csv, "--samples", "1000", "--epochs", "1", "--seeds", "1")
            .BadInput($"--samples 1000 is more than the 120 rows of '{csv}'; give --samples 120 or fewer, or leave --samples out for all of them.");
        // Below the least --samples a trial takes (20) no smaller number would do.
        string tiny = _dir.File("tiny.csv");
        File.WriteAllLines(tiny, ["a,y", .. Enumerable.Range(0, 15).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{i % 2}"))]);
        Cli.Run("recommend", "--try", tiny, "--samples", "20", "--epochs", "1", "--seeds", "1")
            .BadInput($"--samples 20 is more than the 15 rows of '{tiny}'; leave --samples out to try all of them.");
        Cli.RunWide("train", "--data", csv, "--samples", "120", "--epochs", "1").Ok();
        // recommend's default of 1000 samples still takes a smaller file whole.
        Cli.RunWide("recommend", "--try", csv, "--epochs", "1", "--seeds", "1").Ok();
    }

    [Fact]
    public void A_damaged_manifest_says_which_file_and_how_to_recover_and_that_works()
    {
        // It printed the JSON parser's own message ("… LineNumber: 3 | BytePositionInLine: 0.").
        string outDir = _dir.File("damaged");
        string[] compare = Small(outDir, "relu,tanh");
        Cli.RunWide(compare).Ok();
        string manifest = Path.Combine(outDir, "experiment.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest)[..40]);
        var r = Cli.Run("report", outDir).BadInput($"{manifest} is damaged (not valid JSON at line ");
        Assert.Contains($"the trials in '{Path.Combine(outDir, "trials")}' are separate files that it does not affect: restore experiment.json from a copy, or delete it and run the same actkit compare command into the folder again", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", r.Err, StringComparison.Ordinal);
        Cli.Run(compare).BadInput($"{manifest} is damaged");

        File.Delete(manifest);
        Assert.Contains("Trained 0 trial(s), skipped 4 already finished.", Cli.RunWide(compare).Ok().Err, StringComparison.Ordinal);
        Assert.True(File.Exists(manifest));
    }

    [Fact]
    public void Fractional_labels_say_that_a_comparison_needs_class_labels()
    {
        string csv = _dir.File("target.csv");
        File.WriteAllLines(csv, ["a,b,y", .. Enumerable.Range(0, 60).Select(i => FormattableString.Invariant($"{i * 0.1},{i % 7},{(i + 1) * 0.0081:0.####}"))]);
        Cli.Run("compare", "--data", csv, "--out", _dir.File("reg"))
            .BadInput("target.csv, line 2: label '0.0081' is not a class index (0, 1, 2, … below 65,536); a comparison ranks by test accuracy, so the last column must hold class labels (names, or indices 0, 1, 2, …): for a numeric target (regression) train each activation with actkit train, which reads one as regression.");
    }

    [Theory]
    [InlineData("elu(alpha=2),elu(2)", "'elu(alpha=2)' and 'elu(2)' are the same contender (elu(alpha=2)) in the activation list; give it once.")]
    [InlineData("relu,tanh,relu", "'relu' appears more than once in the activation list.")]
    public void One_contender_spelt_twice_names_both_spellings(string list, string message) =>
        Cli.Run("compare", "--activations", list, "--out", _dir.File("twice")).BadInput(message);

    [Fact]
    public void One_epoch_is_spelt_in_the_singular_in_the_table_header()
    {
        var r = Cli.RunWide("compare", "--data", "moons", "--samples", "100", "--activations", "relu", "--hidden", "4", "--seeds", "1", "--epochs", "1", "--threads", "1", "--out", _dir.File("one")).Ok();
        Assert.Contains("; network 4; 1 epoch, adam lr ", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_few_samples_are_blamed_on_samples_and_refused_before_the_results_folder_is_made()
    {
        // "'idx.csv' has 3 rows" of a file of 200; fashion-mnist --samples 1 split into 0 training images and failed at
        // the first trial, leaving an empty --out folder.
        string csv = _dir.File("idx.csv");
        File.WriteAllLines(csv, ["a,b,label", .. Enumerable.Range(0, 200).Select(i => FormattableString.Invariant($"{i * 0.01},{i % 7},{i % 2}"))]);
        Cli.Run("compare", "--data", csv, "--samples", "2", "--out", _dir.File("few")).BadInput(
            $"--samples 2 takes 2 of the 200 rows of '{csv}'; a comparison needs at least 3 (one each for training, validation and test).");
        Assert.False(Directory.Exists(_dir.File("few")));
        Cli.Run("compare", "--data", "fashion-mnist", "--samples", "1", "--out", _dir.File("fm")).BadInput(
            "--samples must be at least 2 for Fashion-MNIST (one training and one validation image; the test set is its own), or 0 for all the training images, got 1.");
        Assert.False(Directory.Exists(_dir.File("fm")));
        Cli.Run("compare", "--data", "moons", "--samples", "2", "--out", _dir.File("two")).BadInput(
            "--samples must be at least 3 for a synthetic set (one sample each for training, validation and test), got 2.");
        Assert.False(Directory.Exists(_dir.File("two")));
    }

    [Fact]
    public void A_damaged_write_protected_trial_file_is_named_with_advice_that_fits_a_trial_before_anything_is_trained()
    {
        // A damaged trial file under a name the run writes is trained again and replaced; write-protected, the run trained
        // it and then stopped with "make it writable (chmod u+w) or give another file name", a name no option gives.
        if (!OperatingSystem.IsLinux()) return;
        string out_ = _dir.File("protected");
        string[] run = ["compare", "--data", "moons", "--samples", "60", "--activations", "relu", "--hidden", "4", "--seeds", "1", "--epochs", "1", "--threads", "1", "--out", out_];
        Cli.Run(run).Ok();
        string trial = Assert.Single(Directory.GetFiles(Path.Combine(out_, "trials"), "*.json"));
        File.WriteAllText(trial, "{");
        File.SetUnixFileMode(trial, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            var r = Cli.Run(run).BadInput($"Error: {trial} is not a valid trial file (not valid JSON ");
            Assert.EndsWith(") and is write-protected (read-only), so this run cannot replace it with the trial trained again, and nothing was trained; make it writable (chmod u+w) or remove it, or use another --out folder.", r.Err.Trim(), StringComparison.Ordinal);
            Assert.DoesNotContain("another file name", r.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("Trained", r.Err, StringComparison.Ordinal);
            Assert.Equal("{", File.ReadAllText(trial));
        }
        finally
        {
            File.SetUnixFileMode(trial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public void The_fewest_samples_compare_takes_are_those_that_give_each_split_one()
    {
        // compare trains and evaluates each trial as train does, and one sample each for training, validation and test is
        // all that needs; it asked for 10 of a synthetic set and Fashion-MNIST and 5 rows of a file, which trained on 3
        // (Fashion-MNIST's 2 are in the library's tests: its files are not read here).
        string csv = _dir.File("three.csv");
        File.WriteAllLines(csv, ["a,b,label", "0.1,0.2,0", "0.9,0.4,1", "0.3,0.8,0"]);
        foreach (string data in new[] { csv, "moons" })
        {
            var r = Cli.RunWide("compare", "--data", data, "--samples", "3", "--activations", "relu,tanh", "--hidden", "4", "--seeds", "1", "--epochs", "1", "--threads", "1", "--out", _dir.File($"three-{Path.GetFileName(data)}")).Ok();
            Assert.Contains("(1 train / 1 validation / 1 test)", r.Err, StringComparison.Ordinal);
            Assert.Contains("The test split has only 1 sample (fewer than 100)", r.Out, StringComparison.Ordinal);
        }

        string help = Cli.RunWide("compare", "--help").Ok().Out;
        Assert.Contains("synthetic: default 1500, at least 3", help, StringComparison.Ordinal);
        Assert.DoesNotContain("at least 10", help, StringComparison.Ordinal);
        string docs = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "experiments.md"));
        Assert.Contains("The fewest are 3 for a synthetic set or a file (one each for training, validation and test) and 2 for Fashion-MNIST", docs, StringComparison.Ordinal);
        Assert.DoesNotContain("a synthetic set needs 10 or more", docs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relu@auto,relu", "auto", "'relu@auto' and 'relu' are the same contender (relu drawn with he_normal hidden, glorot_uniform output: an activation without @INIT takes --init auto) in the activation list; give it once.")]
    [InlineData("relu@he_normal,relu", "he_normal", "'relu@he_normal' and 'relu' are the same contender (relu drawn with he_normal: an activation without @INIT takes --init he_normal) in the activation list; give it once.")]
    [InlineData("tanh,relu@he,relu", "kaiming_normal", "'relu@he_normal' and 'relu' are the same contender (relu drawn with he_normal: an activation without @INIT takes --init he_normal) in the activation list; give it once.")]
    [InlineData("tanh@glorot_uniform,tanh", "auto", "'tanh@glorot_uniform' and 'tanh' are the same contender (tanh drawn with glorot_uniform: an activation without @INIT takes --init auto) in the activation list; give it once.")]
    public void A_contender_whose_init_is_the_runs_own_is_the_contender_without_one(string list, string init, string message)
    {
        // Both trained, bit-identical, and were ranked first and second.
        Cli.Run("compare", "--activations", list, "--init", init, "--seeds", "1", "--epochs", "1", "--samples", "100", "--out", _dir.File("same")).BadInput(message);
        Assert.False(Directory.Exists(_dir.File("same")));

        // Another init is another contender, and so is auto beside the hidden layers' scheme when the output is drawn
        // otherwise (relu@he_normal draws the output with he_normal, relu under auto with glorot_uniform).
        Cli.Run("compare", "--activations", "relu@auto,relu", "--init", "he_normal", "--seeds", "1", "--epochs", "1", "--samples", "100", "--out", _dir.File("other")).Ok();
        Cli.Run("compare", "--activations", "relu@he_normal,relu", "--seeds", "1", "--epochs", "1", "--samples", "100", "--out", _dir.File("other2")).Ok();
    }

    [Fact]
    public void Undefined_numbers_are_null_in_json_and_a_fast_epoch_time_is_not_zero()
    {
        // pValue, margin, ci95Low/High and meanEpochsToTarget came out as the string "NaN" while runnerUp was null.
        string outDir = _dir.File("json");
        var r = Cli.RunWide(Small(outDir, "relu,tanh", "1", "--json")).Ok();
        using var json = JsonDocument.Parse(r.Out);
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("pValue").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("margin").ValueKind);
        foreach (var row in root.GetProperty("ranking").EnumerateArray())
        {
            foreach (string name in new[] { "stdAccuracy", "ci95Low", "ci95High" }) Assert.Equal(JsonValueKind.Null, row.GetProperty(name).ValueKind);
            Assert.Equal(JsonValueKind.Number, row.GetProperty("meanAccuracy").ValueKind);
            Assert.Equal(JsonValueKind.Number, row.GetProperty("secondsPerEpoch").ValueKind);
        }

        Assert.DoesNotContain("\"NaN\"", r.Out, StringComparison.Ordinal);

        // One contender: no runner-up, no margin; a target no seed reached: no mean epochs.
        using var one = JsonDocument.Parse(Cli.RunWide(Small(_dir.File("one"), "relu", "2", "--json", "--target", "1")).Ok().Out);
        Assert.Equal(JsonValueKind.Null, one.RootElement.GetProperty("runnerUp").ValueKind);
        Assert.Equal(JsonValueKind.Null, one.RootElement.GetProperty("margin").ValueKind);
        Assert.Equal(JsonValueKind.Null, one.RootElement.GetProperty("ranking")[0].GetProperty("meanEpochsToTarget").ValueKind);

        // A diverged contender has no accuracy: null, per seed too.
        var diverged = Cli.RunWide("compare", "--data", "moons", "--samples", "200", "--activations", "relu,tanh", "--hidden", "8,8", "--seeds", "2",
            "--epochs", "3", "--batch", "16", "--lr", "1e8", "--optimizer", "sgd", "--threads", "1", "--out", _dir.File("diverged"), "--json").Ok();
        using var d = JsonDocument.Parse(diverged.Out);
        var relu = d.RootElement.GetProperty("ranking").EnumerateArray().Single(e => e.GetProperty("activation").GetString() == "relu");
        Assert.Equal(JsonValueKind.Null, relu.GetProperty("meanAccuracy").ValueKind);
        Assert.All(relu.GetProperty("accuracies").EnumerateArray(), a => Assert.Equal(JsonValueKind.Null, a.ValueKind));

        // The table's s/epoch has three significant digits: a tiny network's epoch read 0.000.
        var table = Cli.RunWide("report", outDir).Ok();
        var rows = table.Lines.Where(l => RankRow().IsMatch(l)).ToArray();
        Assert.All(rows, l => Assert.DoesNotContain(" 0.000 ", l, StringComparison.Ordinal));
        Assert.All(rows, l => Assert.Matches(@"\s(0\.0*[1-9]\d\d|[1-9][\d.]*)\s+\d+\.\d%\s+\d+\.\d%\s+0$", l));
    }
}
