using System.Text.Json.Nodes;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// report refuses a trial file whose parts disagree with each other or with its comparison, in one sentence naming the
/// file and the field (a tester's findings: an empty histogramEdges or a checkpoint's counts of the wrong length crashed
/// --html and --images with "Index was out of range", and the others were accepted without a word).
/// </summary>
public sealed class ReportTrialConsistencyTests() : ComparedResults(epochs: 3)
{
    private static readonly Dictionary<string, Action<JsonObject>> Edits = new()
    {
        ["edges"] = t => t["layers"]![0]!["histogramEdges"] = new JsonArray(),
        ["counts"] = t => t["timeline"]![0]!["checkpoints"]![0]!["counts"] = new JsonArray(1),
        ["histogramCounts"] = t => t["layers"]![0]!["histogramCounts"]!.AsArray().RemoveAt(0),
        ["decreasing"] = t => t["layers"]![0]!["histogramEdges"]![1] = -1e9,
        ["epoch"] = t => t["timeline"]![0]!["checkpoints"]![1]!["epoch"] = 0,
        ["layer"] = t => t["layers"]![0]!["layer"] = 5,
        ["init"] = t => t["init"] = "bogus",
        ["curve"] = t =>
        {
            t["curve"] = new JsonArray();
            t["epochsToTarget"] = null;
        },
        ["diverged"] = t => t["diverged"] = true,
        ["timeline"] = t => t.Remove("timeline"),
    };

    [Theory]
    [InlineData("edges", "layer 0: histogramEdges has 0 values, but a histogram needs at least 2")]
    [InlineData("counts", "timeline layer 0 epoch 0: counts has 1 bins, but the layer's 33 edges make 32")]
    [InlineData("histogramCounts", "layer 0: histogramCounts has 29 bins, but its 31 histogramEdges make 30")]
    [InlineData("decreasing", "layer 0: histogramEdges[1] is -1000000000, below the edge before it")]
    [InlineData("epoch", "timeline layer 0: checkpoint epoch 0 follows epoch 0, but checkpoints are recorded once each, in order")]
    [InlineData("layer", "layers[0].layer is 5, not 0")]
    [InlineData("init", "init is \"bogus\", not the name of a resolved initialiser")]
    [InlineData("curve", "its curve has 0 epochs, but the comparison trains 3 and the trial did not diverge")]
    [InlineData("diverged", "diverged is true beside a testAccuracy of ")]
    [InlineData("timeline", "its timeline is missing")]
    public void An_inconsistent_trial_is_refused_by_name_before_any_chart(string edit, string problem)
    {
        var trial = JsonNode.Parse(Text)!.AsObject();
        Edits[edit](trial);
        File.WriteAllText(First, trial.ToJsonString());
        var r = Cli.Run("report", Results, "--html", Dir.File("x.html")).BadInput($"{First} is not a valid trial file ({problem}");
        Assert.DoesNotContain("Index was out of range", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(Dir.File("x.html")));
    }

    [Fact]
    public void A_manifest_listing_a_contender_twice_is_refused_not_tabled_twice()
    {
        // The tanh row became a second relu row, with relu's trials counted for both and a tie of relu with itself, exit 0.
        string manifest = Path.Combine(Results, "experiment.json");
        var json = JsonNode.Parse(File.ReadAllText(manifest))!;
        json["config"]!["activations"]![1]!["activation"] = "relu";
        File.WriteAllText(manifest, json.ToJsonString());
        var r = Cli.Run("report", Results).BadInput($"{manifest} is damaged (it lists the contender 'relu' more than once, which compare never writes)");
        Assert.Empty(r.Out);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Files_a_real_run_writes_are_still_accepted()
    {
        Cli.Run("report", Results, "--html", Dir.File("x.html"), "--images", Dir.File("img")).Ok();
        Assert.True(File.Exists(Dir.File("x.html")));
    }
}
