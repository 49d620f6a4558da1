using ActivationKit.Cli.Commands;
using ActivationKit.Cli.Training;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// What an exploratory tester found: parallel trials that ran out of memory together, compare's missing memory screen
/// and class warnings, train's per-epoch rate and single-class test splits, and recommend --try's spread of one seed.
/// </summary>
public sealed class ExploratoryFixTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_aggregate_of_one_kind_is_reported_as_that_kind()
    {
        // Two compare trials that ran out of memory at once were "Internal error (AggregateException): … (OutOfMemoryException)
        // (OutOfMemoryException)", exit 70; one alone was the out-of-memory sentence, exit 2.
        var error = new StringWriter();
        var nested = new AggregateException(new OutOfMemoryException(), new AggregateException(new OutOfMemoryException()));
        Assert.Equal(ExitCodes.BadInput, ErrorReporter.Report(CliConsoles.ForWriters(new StringWriter(), error), nested));
        Assert.StartsWith("Error: Not enough memory for what was asked;", error.ToString(), StringComparison.Ordinal);

        // Different kinds are still an internal error: which of them to report is not clear.
        error = new StringWriter();
        var mixed = new AggregateException(new OutOfMemoryException(), new InvalidOperationException("x"));
        Assert.Equal(ExitCodes.InternalError, ErrorReporter.Report(CliConsoles.ForWriters(new StringWriter(), error), mixed));
        Assert.StartsWith("Internal error (AggregateException)", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_refuses_trials_that_cannot_all_be_held_at_once_before_training()
    {
        // Two trials of 4500,4500 under a 512 MB heap both ran out of memory part-way (exit 70, a half-written folder).
        string outDir = _dir.File("mem");
        var (code, stdout, stderr) = BenchCommandTests.RunActkitWithHeapLimit(
            0x20000000, "compare", "--hidden", "4500,4500", "--epochs", "1", "--seeds", "1", "--activations", "relu,tanh", "--threads", "2", "--samples", "10", "--out", outDir);
        Assert.Equal(2, code);
        Assert.Matches(@"^Error: Not enough memory for this network \(hidden layers 4500,4500, 2 trials trained at once: about 651 MB of weights, gradients, optimiser state and layer buffers, and about \d+ MB is available\); use narrower --hidden layers or fewer --threads\.$", stderr.Trim());
        Assert.Empty(stdout);
        Assert.False(File.Exists(Path.Combine(outDir, "experiment.json")));
    }

    [Fact]
    public void A_test_split_of_one_class_is_warned_about_when_the_model_misses_it()
    {
        // train on a test split that held one class reported accuracy 0 without a word: single-class splits were not
        // judged at all. A perfect score there is still no warning (it cannot be told from the constant answer).
        var test = new Dataset("t", [0f, 1f, 2f], 1, [1f, 1f, 1f], 1, 2);
        Metrics Accuracy(double a) => new(0.5, a, double.NaN, double.NaN);
        Assert.Equal(
            "The test accuracy is 0.0000 on a test split that holds one class only, 1, so it measures little beyond how often the model answers that class; try another --seed or more --samples for a test split of several classes.",
            TrainingWarnings.NoBetterThanChance(TrainingTask.Binary, Accuracy(0), null, test));
        Assert.StartsWith("The test accuracy is 0.6667 on a test split that holds one class only,", TrainingWarnings.NoBetterThanChance(TrainingTask.Binary, Accuracy(2 / 3.0), null, test), StringComparison.Ordinal);
        Assert.Null(TrainingWarnings.NoBetterThanChance(TrainingTask.Binary, Accuracy(1), null, test));

        // More --samples helps only where they are drawn (all of a file is used: the data needs more rows), and another
        // seed only where the test split can hold two classes.
        Assert.EndsWith("; try another --seed for a test split of several classes.", TrainingWarnings.NoBetterThanChance(TrainingTask.Binary, Accuracy(0), null, test, samplesDrawn: false), StringComparison.Ordinal);
        var one = new Dataset("t", [0f], 1, [1f], 1, 2);
        Assert.Equal(
            "The test accuracy is 0.0000 on a test split that holds one class only, 1, so it measures little beyond how often the model answers that class; a test split of 1 sample cannot hold several classes, so give more --samples.",
            TrainingWarnings.NoBetterThanChance(TrainingTask.Binary, Accuracy(0), null, one));
        Assert.EndsWith("; a test split of 1 sample cannot hold several classes, so the data needs more rows.", TrainingWarnings.NoBetterThanChance(TrainingTask.Binary, Accuracy(0), null, one, samplesDrawn: false), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_warns_of_a_class_missing_from_the_training_split_as_train_does()
    {
        // train named a class that the seeded shuffle left out of the training split; compare said nothing. Row 7 is
        // the only class 2; data seed 4 leaves it out of compare's training split, data seed 1 does not.
        string data = _dir.File("rare.csv");
        File.WriteAllLines(data, ["a,b,y", .. Enumerable.Range(0, 20).Select(i => FormattableString.Invariant($"{i},{(i * 7) % 5},{(i == 7 ? 2 : i % 2)}"))]);
        string[] Args(int seed) => ["compare", "--data", data, "--data-seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--activations", "relu", "--seeds", "1", "--epochs", "1", "--hidden", "4", "--out", _dir.File($"out{seed}")];
        Assert.Contains(
            "Warning: The class 2 (1 sample in the data) has no sample in the training split, so the model never learns it: the split is a seeded shuffle, not stratified; try another --data-seed.",
            Cli.Run(Args(4)).Ok().Err,
            StringComparison.Ordinal);
        Assert.DoesNotContain("no sample in the training split", Cli.Run(Args(1)).Ok().Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Trains_time_per_epoch_and_its_rate_are_one_consistent_pair()
    {
        // The rate was the mean of the epochs' rates, far above the mean time's: "0.054 s (203,448 samples/s)" for 1,400
        // rows. Here 1,400 rows in 1 s and then in 0.1 s: 0.55 s an epoch on average, and 2,800 samples in 1.1 s.
        var metrics = new Metrics(0.5, 0.5, double.NaN, double.NaN);
        EpochRecord[] history = [new(1, 0.01, metrics, null, 1.0, 1400), new(2, 0.01, metrics, null, 0.1, 14000)];
        Assert.Equal("time per epoch 0.550 s, the mean of 2 epochs (2,545 samples/s: the training samples over that time)", TrainCommand.EpochTime(history));
    }

    [Fact]
    public void Recommend_try_with_one_seed_has_no_spread_as_compare_has_none()
    {
        // One seed reported std 0 and stdError 0, a measured absence of noise; compare shows "—" and writes null.
        string[] args = ["recommend", "--try", "xor", "--seeds", "1", "--epochs", "1", "--samples", "100"];
        var json = System.Text.Json.JsonDocument.Parse(Cli.Run([.. args, "--json"]).Ok().Out).RootElement;
        foreach (var c in json.GetProperty("trial").GetProperty("candidates").EnumerateArray())
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, c.GetProperty("std").ValueKind);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, c.GetProperty("stdError").ValueKind);
        }

        string row = Cli.RunWide(args).Ok().Lines.First(l => l.StartsWith("1 ", StringComparison.Ordinal));
        Assert.Matches(@"^1\s+\d\s+\S+\s+0\.\d{4}\s+—\s+", row);

        // Two seeds still measure a spread.
        var two = System.Text.Json.JsonDocument.Parse(Cli.Run(["recommend", "--try", "xor", "--seeds", "2", "--epochs", "1", "--samples", "100", "--json"]).Ok().Out).RootElement;
        Assert.Equal(System.Text.Json.JsonValueKind.Number, two.GetProperty("trial").GetProperty("candidates")[0].GetProperty("std").ValueKind);
    }
}
