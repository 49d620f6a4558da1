using ActivationKit.Nn.Experiments;

namespace ActivationKit.Nn.Tests.Experiments;

/// <summary>
/// A stopped comparison (compare's Ctrl-C or SIGTERM) drops its trials in training, keeps every trial it finished as a
/// whole file, says how many it saved, and a rerun skips them.
/// </summary>
public sealed class RunnerStopTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "actkit-stop-" + Guid.NewGuid().ToString("N"));

    public RunnerStopTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ExperimentConfig Small(int epochs = 3) => new ExperimentConfig
    {
        Data = "moons",
        Samples = 200,
        Hidden = [8],
        Activations = Contender.ParseList("relu,tanh"),
        Seeds = 3,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.02,
    }.Validate();

    private static string[] Files(string dir, string pattern) =>
        Directory.Exists(dir) ? Directory.GetFiles(dir, pattern, SearchOption.AllDirectories) : [];

    [Fact]
    public void A_trial_in_training_stops_at_its_next_mini_batch()
    {
        var config = Small(epochs: 50);
        var data = ExperimentData.Load(config);
        var manifest = ExperimentRunner.Manifest(config, data, _root);
        var spec = config.Trials()[0];
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ExperimentRunner.RunTrial(config, data, spec, manifest, ExperimentRunner.TrialKey(config.BasisKey(data.Identity), spec), cancellation: stop.Token));
    }

    [Fact]
    public void A_stopped_run_says_how_many_trials_it_saved_and_a_rerun_skips_them()
    {
        var config = Small();
        var data = ExperimentData.Load(config);
        string dir = Path.Combine(_root, "stopped");
        using var stop = new CancellationTokenSource();
        int finished = 0;
        var e = Assert.Throws<RunCancelledException>(() => ExperimentRunner.Run(config, data, dir, new RunOptions
        {
            Cancellation = stop.Token,
            Progress = _ =>
            {
                if (++finished == 2) stop.Cancel();
            },
        }));
        Assert.Equal((2, 2, 6), (e.Saved, e.Trained, e.Total));
        Assert.Equal(2, Files(dir, "*.json").Count(f => f.Contains(ResultStore.TrialsFolder, StringComparison.Ordinal)));
        Assert.Empty(Files(dir, "*.tmp"));

        // Stopped again at once: the two on disk count as saved, none trained by this run.
        using var atOnce = new CancellationTokenSource();
        atOnce.Cancel();
        var again = Assert.Throws<RunCancelledException>(() => ExperimentRunner.Run(config, data, dir, new RunOptions { Cancellation = atOnce.Token }));
        Assert.Equal((2, 0, 6), (again.Saved, again.Trained, again.Total));

        var resumed = ExperimentRunner.Run(config, data, dir);
        Assert.Equal((2, 4), (resumed.Skipped, resumed.Trained));
    }

    [Fact]
    public void Trials_stopped_while_training_side_by_side_leave_whole_files_only()
    {
        // Two at once: when the first finishes the stop comes while the other is in training. It is dropped (or, had it
        // just finished, written whole); either way the count said is the files there, and no temporary file is left.
        var config = Small(epochs: 40);
        var data = ExperimentData.Load(config);
        string dir = Path.Combine(_root, "side-by-side");
        using var stop = new CancellationTokenSource();
        var e = Assert.Throws<RunCancelledException>(() => ExperimentRunner.Run(config, data, dir, new RunOptions
        {
            Threads = 2,
            Cancellation = stop.Token,
            Progress = _ => stop.Cancel(),
        }));
        string[] trials = Files(Path.Combine(dir, ResultStore.TrialsFolder), "*.json");
        Assert.InRange(e.Saved, 1, 2);
        Assert.Equal(e.Saved, trials.Length);
        Assert.Empty(Files(dir, "*.tmp"));
        Assert.Equal(trials.Length, ResultStore.Load([dir]).Trials.Count);
    }
}
