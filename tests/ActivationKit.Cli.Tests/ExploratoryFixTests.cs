using ActivationKit.Cli.Commands;

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
}
