using System.Text.Json;

namespace ActivationKit.Cli.Tests;

/// <summary>recommend and check through the command line: the exploratory tester's advisor findings, one test each.</summary>
public class AdvisorFixTests
{
    private static JsonElement Json(CliResult r) => JsonDocument.Parse(r.Out).RootElement;

    [Fact]
    public void Recommend_refuses_depth_0_for_a_hidden_layer_and_a_trial_deeper_than_it_trains()
    {
        Cli.Run("recommend", "--depth", "0").BadInput("Error: --depth 0 means the network has no hidden layer, so there is no hidden activation to choose; give --depth 1 or more, or --layer output.");
        Assert.Contains("0 hidden layers", Cli.Run("recommend", "--depth", "0", "--layer", "output").Ok().Out, StringComparison.Ordinal);
        Cli.Run("recommend", "--depth", "30", "--try", "xor").BadInput("--try trains at most 16 hidden layers, so --depth 30 cannot be measured; give --depth 16 or less");
    }

    [Fact]
    public void Recommend_model_regression_without_a_task_advises_a_regression()
    {
        // It failed with "--model regression contradicts --task multiclass", a task that was only the default.
        var root = Json(Cli.Run("recommend", "--model", "regression", "--layer", "output", "--json").Ok());
        Assert.Equal("regression", root.GetProperty("request").GetProperty("task").GetString());
        Assert.Equal("identity", root.GetProperty("recommendations")[0].GetProperty("name").GetString());
        Assert.Equal("regression", Json(Cli.Run("recommend", "--model", "regression", "--json").Ok()).GetProperty("request").GetProperty("task").GetString());
        Cli.Run("recommend", "--model", "regression", "--task", "binary").BadInput("--model regression contradicts --task binary");

        // With --try FILE the file is read as the regression --model asks for: labels 0, 1, 2 were taken for classes and
        // the file refused as "--task regression needs a regression data set", an option never given.
        using var dir = new TempDir();
        string small = dir.File("m3.csv");
        File.WriteAllLines(small, ["a,b,y", .. Enumerable.Range(0, 60).Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i * 0.1},{(i % 5) * 0.2},{i % 3}"))]);
        var trial = Json(Cli.Run("recommend", "--model", "regression", "--try", small, "--epochs", "1", "--seeds", "1", "--top", "2", "--json").Ok());
        Assert.Equal("regression", trial.GetProperty("request").GetProperty("task").GetString());
        Assert.DoesNotContain("--task multiclass", trial.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Recommend_try_without_a_task_reads_two_classes_as_binary_as_train_does()
    {
        // A 0/1 file was advised a softmax over two units at the output, where train fits one sigmoid with bce.
        using var dir = new TempDir();
        string file = dir.File("bin01.csv");
        File.WriteAllLines(file, ["a,b,y", .. Enumerable.Range(0, 80).Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(i % 9) - 4},{(i % 7) - 3},{(((i % 9) - 4) * ((i % 7) - 3) > 0 ? 1 : 0)}"))]);
        var root = Json(Cli.Run("recommend", "--try", file, "--layer", "output", "--epochs", "1", "--seeds", "1", "--top", "2", "--json").Ok());
        Assert.Equal("binary", root.GetProperty("request").GetProperty("task").GetString());
        Assert.Equal("sigmoid", root.GetProperty("recommendations")[0].GetProperty("name").GetString());
        // --task multiclass given: kept.
        var asked = Json(Cli.Run("recommend", "--try", file, "--task", "multiclass", "--layer", "output", "--epochs", "1", "--seeds", "1", "--top", "2", "--json").Ok());
        Assert.Equal("multiclass", asked.GetProperty("request").GetProperty("task").GetString());
    }

    [Fact]
    public void Recommend_try_without_a_task_reads_a_numeric_target_as_regression()
    {
        // "label '13.63…' is not a class index" although the help says the default task follows the data.
        using var dir = new TempDir();
        string path = dir.File("reg.csv");
        File.WriteAllLines(path, ["a,b,t", .. Enumerable.Range(0, 60).Select(i => FormattableString.Invariant($"{i * 0.1},{i % 7},{10 + (i * 0.37)}"))]);
        var root = Json(Cli.Run("recommend", "--try", path, "--top", "2", "--seeds", "1", "--epochs", "1", "--json").Ok());
        Assert.Equal("regression", root.GetProperty("request").GetProperty("task").GetString());
        Assert.Equal("r2", root.GetProperty("trial").GetProperty("metric").GetString());
        Cli.Run("recommend", "--try", path, "--task", "multiclass").BadInput("label '10.37' is not a class index (0, 1, 2, … below 65,536); for a numeric target give --task regression.");
    }

    [Fact]
    public void Check_flags_cross_entropy_over_one_binary_unit()
    {
        // "No problems found" for a binary spec with one sigmoid unit and "ce", whose loss is 0 for every y = 0.
        using var dir = new TempDir();
        string path = dir.File("bin_ce.json");
        File.WriteAllText(path, """{"inputs": 20, "task": "binary", "loss": "ce", "layers": [{"units": 64, "activation": "relu", "init": "he_normal"}, {"units": 1, "activation": "sigmoid"}]}""");
        var r = Cli.RunWide("check", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("[critical] output_mismatch in output", r.Out, StringComparison.Ordinal);
        Assert.Contains("but the output has 1 unit, which stands for one class", r.Out, StringComparison.Ordinal);
        Assert.Contains("Fix: Use one unit with sigmoid and binary cross-entropy (bce), or the identity with bce_logits; or two units with softmax and cross-entropy (ce).", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_refuses_devices_and_huge_files_instead_of_reading_forever_and_reads_a_pipe()
    {
        // /dev/zero and /dev/urandom never ended; a 1 GiB file ran out of memory in the string of its text.
        using var dir = new TempDir();
        if (OperatingSystem.IsLinux())
        {
            Cli.Run("check", "/dev/zero").BadInput("Error: '/dev/zero' is a character device, not a regular file; give a JSON network spec or a saved model file.");

            // A named pipe with a writer is read like a file (`check <(cat spec.json)`, `cat spec.json | check /dev/stdin`).
            string fifo = dir.File("fifo");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
            var writer = Task.Run(() => File.WriteAllText(fifo, """{"inputs": 4, "task": "binary", "loss": "bce", "layers": [{"units": 8, "activation": "relu", "init": "he_normal"}, {"units": 1, "activation": "sigmoid"}]}"""));
            var r = Cli.Run("check", fifo);
            if (await Task.WhenAny(writer, Task.Delay(10_000)) != writer)
            {
                // check never opened the pipe: open it here so the writer (blocked in open) ends instead of hanging the run.
                using (new FileStream(fifo, FileMode.Open, FileAccess.Read)) { }
                Assert.Fail($"check did not read the pipe: exit {r.ExitCode}, {r.Err}");
            }

            await writer;
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("No problems found.", r.Out, StringComparison.Ordinal);
        }

        string huge = dir.File("huge.json");
        using (var stream = File.Create(huge)) stream.SetLength((256L << 20) + 1); // sparse: nothing is written
        Cli.Run("check", huge).BadInput($"'{huge}' is larger than 268,435,456 bytes (256 MiB), more than any network spec or model this check reads.");
    }

    [Fact]
    public void Check_says_when_no_file_is_named_or_the_file_is_empty()
    {
        // "File not found: " for check "", and "must start with '{'" for an empty file.
        Cli.Run("check", "").BadInput("Error: No file name given; give a JSON network spec or a saved model file.");
        using var dir = new TempDir();
        File.WriteAllText(dir.File("empty.json"), string.Empty);
        Cli.Run("check", dir.File("empty.json")).BadInput("Error: empty.json is empty; give a JSON network spec or a saved model file.");
        File.WriteAllText(dir.File("blank.json"), "  \n ");
        Cli.Run("check", dir.File("blank.json")).BadInput("Error: blank.json is empty (white space only); give a JSON network spec or a saved model file.");
    }

    [Fact]
    public void Recommend_try_json_writes_an_unmeasured_noise_threshold_as_null()
    {
        // "noiseThreshold": "NaN" beside "firstChoiceWithinNoise": null.
        var agreement = Json(Cli.Run("recommend", "--try", "sine", "--top", "2", "--seeds", "1", "--epochs", "1", "--samples", "100", "--json").Ok()).GetProperty("trial").GetProperty("agreement");
        Assert.Equal(JsonValueKind.Null, agreement.GetProperty("noiseThreshold").ValueKind);
        Assert.Equal(JsonValueKind.Null, agreement.GetProperty("firstChoiceWithinNoise").ValueKind);
    }

    [Fact]
    public void Recommend_try_ranks_equal_accuracies_alike_in_the_table_and_the_agreement()
    {
        // leaky_relu [0.9222, 0.9] and relu [0.9111, 0.9111], both 82 of 90 validation samples over the two seeds, were
        // ranked 2 and 3 (the means differed by one ulp), and ρ and τ were computed on that order. Since the binary
        // trial trains one sigmoid output (not two softmax outputs) relu and leaky_relu tie again, at 0.9167 each.
        string[] args = ["recommend", "--layer", "hidden", "--depth", "8", "--symptom", "vanishing-gradients", "--try", "moons", "--seeds", "2", "--epochs", "3", "--samples", "300", "--top", "4"];
        var trial = Json(Cli.Run([.. args, "--json"]).Ok()).GetProperty("trial");
        var ranks = trial.GetProperty("candidates").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("measuredRank").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["elu"] = 1, ["selu"] = 2, ["relu"] = 3, ["leaky_relu"] = 3 }, ranks);

        // Rule ranks relu 1, leaky_relu 2, selu 3, elu 4 against measured 3, 3, 2, 1 (the tie at 3.5 for ρ):
        // ρ = −4.5/√22.5, τ-b = −5/√30.
        var agreement = trial.GetProperty("agreement");
        Assert.Equal(-4.5 / Math.Sqrt(22.5), agreement.GetProperty("spearman").GetDouble(), 12);
        Assert.Equal(-5 / Math.Sqrt(30), agreement.GetProperty("kendallTauB").GetDouble(), 12);
        string text = Cli.RunWide(args).Ok().Out;
        Assert.Contains("Agreement with the rule ranking: Spearman ρ = -0.95, Kendall τ-b = -0.91.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Recommend_try_takes_a_files_label_columns_from_target_as_train_does()
    {
        // --task multilabel --try ml.csv took the last of three label columns as "2 yes/no labels" (one-hot) and the other
        // two label columns as features, with only a note to hint at it.
        using var dir = new TempDir();
        string file = dir.File("ml.csv");
        File.WriteAllLines(file, ["a,b,c,l0,l1,l2", .. Enumerable.Range(0, 90).Select(i =>
        {
            int a = (i % 9) - 4, b = (i % 7) - 3, c = (i % 5) - 2;
            return FormattableString.Invariant($"{a},{b},{c},{(a > 0 ? 1 : 0)},{(b > 0 ? 1 : 0)},{(a + c > 0 ? 1 : 0)}");
        })]);
        string[] args = ["recommend", "--layer", "output", "--try", file, "--seeds", "1", "--epochs", "2", "--top", "2", "--depth", "1"];
        Cli.Run([.. args, "--task", "multilabel"]).BadInput("--task multilabel reads a file's label columns from --target, as train does (e.g. --target l0,l1,l2: header names or 0-based indices); without it the last column of 'ml.csv' would be its only label");

        // Named, the label columns are the labels and the other three columns the features; with no --task, several 0/1
        // columns are a multi-label task, as train infers them.
        foreach (string[] task in new[] { new[] { "--task", "multilabel" }, Array.Empty<string>() })
        {
            var root = Json(Cli.Run([.. args, .. task, "--target", "l0,l1,l2", "--json"]).Ok());
            Assert.Equal("multilabel", root.GetProperty("request").GetProperty("task").GetString());
            var trial = root.GetProperty("trial");
            Assert.Equal(("3 → 32 → 3", "label_accuracy"), (trial.GetProperty("network").GetString(), trial.GetProperty("metric").GetString()));
            Assert.Contains("Multi-label trial: the 3 label columns (l0, l1, l2) of 'ml.csv' are the yes/no labels; the metric is the fraction of labels predicted right at threshold 0.5.", trial.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
        }

        Cli.Run("recommend", "--target", "l0").BadInput("--target applies only with --try FILE.");
        Cli.Run("recommend", "--try", "moons", "--target", "l0").BadInput("--target applies to CSV and .npy files, not to the built-in set 'moons'.");
    }

    [Fact]
    public void Check_json_has_the_task_and_loss_the_text_shows()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("s.json"), """{"inputs": 4, "task": "binary", "loss": "bce", "layers": [{"units": 8, "activation": "relu", "init": "he_normal"}, {"units": 1, "activation": "sigmoid"}]}""");
        var root = Json(Cli.Run("check", dir.File("s.json"), "--json").Ok());
        Assert.Equal("4 → 8 relu → 1 sigmoid", root.GetProperty("network").GetString());
        Assert.Equal("binary", root.GetProperty("task").GetString());
        Assert.Equal("bce", root.GetProperty("loss").GetString());
        File.WriteAllText(dir.File("bare.json"), """{"layers": [{"units": 8, "activation": "relu"}, {"units": 1, "activation": "identity"}]}""");
        var bare = Json(Cli.Run("check", dir.File("bare.json"), "--json").Ok());
        Assert.Equal(JsonValueKind.Null, bare.GetProperty("task").ValueKind);
        Assert.Equal(JsonValueKind.Null, bare.GetProperty("loss").ValueKind);
    }
}
