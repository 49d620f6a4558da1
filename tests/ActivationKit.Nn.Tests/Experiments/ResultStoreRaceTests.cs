using ActivationKit.Nn.Experiments;

namespace ActivationKit.Nn.Tests.Experiments;

/// <summary>
/// Two runs opening one results folder at the same moment, and the temporary files a killed run leaves behind.
/// </summary>
public sealed class ResultStoreRaceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "actkit-race-" + Guid.NewGuid().ToString("N"));

    public ResultStoreRaceTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ExperimentConfig Tiny(int epochs) => new ExperimentConfig
    {
        Data = "moons",
        Samples = 60,
        Hidden = [4],
        Activations = Contender.ParseList("relu,tanh"),
        Seeds = 1,
        Epochs = epochs,
        BatchSize = 16,
    }.Validate();

    /// <summary>Opens <paramref name="dir"/> with both manifests at once, many times over: what each open did.</summary>
    private static (bool Created, Exception? Error)[] OpenTogether(string dir, ExperimentManifest a, ExperimentManifest b)
    {
        using var start = new Barrier(2);
        (bool, Exception?) Open(ExperimentManifest m)
        {
            start.SignalAndWait();
            try
            {
                return (ResultStore.WriteOrCheckManifest(dir, m), null);
            }
            catch (ArgumentException e)
            {
                return (false, e);
            }
        }

        var first = Task.Factory.StartNew(() => Open(a), TaskCreationOptions.LongRunning);
        var second = Task.Factory.StartNew(() => Open(b), TaskCreationOptions.LongRunning);
        return [first.Result, second.Result];
    }

    [Fact]
    public void Of_two_different_comparisons_opened_together_one_writes_the_manifest_and_the_other_is_refused()
    {
        // Two shards of different --epochs started together into one folder both found no manifest, both wrote theirs
        // and both trained; the folder ended with trials of two comparisons.
        var data = ExperimentData.Load(Tiny(3));
        for (int i = 0; i < 40; i++)
        {
            string dir = Path.Combine(_root, $"different{i}");
            var three = ExperimentRunner.Manifest(Tiny(3), data, dir);
            var four = ExperimentRunner.Manifest(Tiny(4), data, dir);
            var opens = OpenTogether(dir, three, four);
            Assert.Single(opens, o => o.Created);
            var refused = Assert.Single(opens, o => o.Error is not null).Error!;
            Assert.Contains("already holds a different comparison (epochs: ", refused.Message, StringComparison.Ordinal);
            var winner = opens[0].Created ? three : four;
            Assert.Equal(winner.Experiment, ResultStore.ReadManifest(Path.Combine(dir, ResultStore.ManifestName)).Experiment);
            Assert.Equal([ResultStore.ManifestName], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void Shards_of_one_comparison_opened_together_both_go_on()
    {
        var data = ExperimentData.Load(Tiny(3));
        for (int i = 0; i < 40; i++)
        {
            string dir = Path.Combine(_root, $"same{i}");
            var manifest = ExperimentRunner.Manifest(Tiny(3), data, dir);
            var opens = OpenTogether(dir, manifest, manifest);
            Assert.All(opens, o => Assert.Null(o.Error));
            Assert.Single(opens, o => o.Created);
            Assert.Equal(manifest.Experiment, ResultStore.ReadManifest(Path.Combine(dir, ResultStore.ManifestName)).Experiment);
        }
    }

    [Fact]
    public void A_resumed_run_removes_the_temporary_files_a_killed_run_left_and_only_those()
    {
        // A compare killed while writing a trial left trials/.NAME.json.GUID.tmp, which no later run removed.
        string dir = Path.Combine(_root, "stale");
        var config = Tiny(1) with { Activations = Contender.ParseList("relu") };
        var data = ExperimentData.Load(config);
        string trials = Path.Combine(dir, ResultStore.TrialsFolder);
        Directory.CreateDirectory(trials);
        string guid = Guid.NewGuid().ToString("N");
        string stale = Path.Combine(trials, $".0000_relu_seed1_0123456789abcdef.json.{guid}.tmp");
        string staleManifest = Path.Combine(dir, $".experiment.json.{guid}.tmp");
        string fresh = Path.Combine(trials, $".0001_relu_seed2_0123456789abcdef.json.{Guid.NewGuid():N}.tmp");
        string other = Path.Combine(trials, ".notes.tmp");
        string otherName = Path.Combine(trials, $".notes.txt.{guid}.tmp");
        foreach (string f in new[] { stale, staleManifest, fresh, other, otherName }) File.WriteAllText(f, "{");
        foreach (string f in new[] { stale, staleManifest, other, otherName }) File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddHours(-1));

        ExperimentRunner.Run(config, data, dir);

        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(staleManifest));
        // A younger one may be another shard's write under way; other names are not the store's.
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(other));
        Assert.True(File.Exists(otherName));
        Assert.Single(ResultStore.Load([dir]).Trials);
    }
}
