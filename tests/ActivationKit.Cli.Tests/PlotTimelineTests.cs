using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace ActivationKit.Cli.Tests;

/// <summary>A small finished comparison shared by the timeline plot tests (trained once).</summary>
public sealed class TimelineResults : IDisposable
{
    private readonly TempDir _dir = new();

    public TimelineResults()
    {
        Folder = _dir.File("results");
        Cli.RunWide(
            "compare", "--data", "circles", "--samples", "300", "--activations", "relu,tanh,sigmoid@zeros", "--hidden", "8,6",
            "--seeds", "2", "--epochs", "6", "--batch", "16", "--lr", "0.02", "--threads", "2", "--out", Folder).Ok();

        // The same results as an older actkit wrote them: no timeline field, and an engine version before it in the keys
        // (with their hashes), as a current file without its timeline is refused as edited.
        OldFolder = _dir.File("old");
        Directory.CreateDirectory(Path.Combine(OldFolder, "trials"));
        string engine = $"engine={ActivationKit.Nn.Experiments.ExperimentConfig.EngineVersion};";
        foreach (string file in Directory.GetFiles(Path.Combine(Folder, "trials"), "*.json").Select(f => Path.Combine("trials", Path.GetFileName(f))).Append("experiment.json"))
        {
            var node = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, file)))!.AsObject();
            node.Remove("timeline");
            string experimentKey = node["experimentKey"]!.GetValue<string>().Replace(engine, "engine=4;", StringComparison.Ordinal);
            node["experimentKey"] = experimentKey;
            node["experiment"] = ActivationKit.Nn.Experiments.ExperimentConfig.Hash(experimentKey);
            if (node["key"] is { } key)
            {
                string k = key.GetValue<string>().Replace(engine, "engine=4;", StringComparison.Ordinal);
                node["key"] = k;
                node["hash"] = ActivationKit.Nn.Experiments.ExperimentConfig.Hash(k);
            }

            File.WriteAllText(Path.Combine(OldFolder, file), node.ToJsonString());
        }
    }

    public string Folder { get; }

    public string OldFolder { get; }

    public void Dispose() => _dir.Dispose();
}

/// <summary><c>actkit plot --histograms DIR</c> and <c>--fractions DIR</c>.</summary>
public sealed class PlotTimelineTests(TimelineResults results) : IClassFixture<TimelineResults>, IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Histograms_over_time_are_written_as_png_for_the_chosen_layer_and_seed()
    {
        string png = _dir.File("tanh.png");
        var r = Cli.Run("plot", "--histograms", results.Folder, "--activation", "tanh", "--layer", "1", "--seed", "2", "--out", png, "--width", "640", "--height", "400").Ok();
        Assert.Contains("tanh, seed 2, layer 1, 7 checkpoints", r.Err, StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal((640, 400), (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))));
        Assert.Empty(r.Out);
        Assert.Equal(["tanh.png"], _dir.Files());
    }

    [Fact]
    public void Histograms_in_the_terminal_shade_one_column_per_checkpoint()
    {
        var r = Cli.RunWide("plot", "--histograms", results.Folder).Ok();
        Assert.Contains("relu (seed 1), hidden layer 0 (relu): outputs over training", r.Out, StringComparison.Ordinal);
        var rows = r.Out.Split('\n').Where(l => l.Contains('┤', StringComparison.Ordinal)).ToArray();
        Assert.Equal(16, rows.Length); // 32 bins, two per text row
        Assert.All(rows, l => Assert.Equal(7, l[(l.IndexOf('┤', StringComparison.Ordinal) + 1)..].Length)); // epochs 0…6
        Assert.StartsWith("0 ┤", rows[^1].TrimStart(), StringComparison.Ordinal); // ReLU's lower edge is 0
        Assert.All(rows[^1][(rows[^1].IndexOf('┤', StringComparison.Ordinal) + 1)..], c => Assert.NotEqual(' ', c)); // zeros at every checkpoint
        Assert.Contains("8 units × 60 held-out samples per checkpoint", r.Out, StringComparison.Ordinal);
        Assert.Matches(@"Dead units \d+\.\d% at epoch 0 → \d+\.\d% at epoch 6", r.Out);
    }

    [Fact]
    public void Fractions_table_shows_an_all_dead_network_as_dead_at_every_epoch()
    {
        var r = Cli.RunWide("plot", "--fractions", results.Folder, "--activation", "sigmoid@zeros").Ok();
        Assert.Contains("sigmoid@zeros: dead units and saturated pre-activations over training (mean over 2 seeds)", r.Out, StringComparison.Ordinal);
        Assert.Contains("epoch  L0 dead  L0 saturated  L1 dead  L1 saturated", r.Out, StringComparison.Ordinal);
        var rows = r.Lines.Where(l => char.IsAsciiDigit(l[0])).ToArray();
        Assert.Equal(7, rows.Length);
        // Sigmoid′ is never 0, so nothing is dead; with zero weights every pre-activation is 0, where sigmoid′ peaks: not saturated.
        Assert.All(rows, l => Assert.Equal(4, l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Count(c => c == "0.0%")));

        var one = Cli.RunWide("plot", "--fractions", results.Folder, "--activation", "relu", "--layer", "1").Ok();
        Assert.Contains("epoch  L1 dead  L1 saturated", one.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("L0", one.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Fractions_chart_is_written_as_svg()
    {
        string svg = _dir.File("f.svg");
        var r = Cli.Run("plot", "--fractions", results.Folder, "--activation", "tanh", "--out", svg).Ok();
        Assert.Contains("tanh, 2 seed(s)", r.Err, StringComparison.Ordinal);
        string text = File.ReadAllText(svg);
        Assert.Contains("<svg", text, StringComparison.Ordinal);
        Assert.Contains("layer 1 saturated", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--activation", "gelu", "'gelu' is not among the finished contenders of this comparison (relu, tanh, sigmoid@zeros)")]
    [InlineData("--layer", "2", "--layer must be in 0…1 (the network has 2 hidden layers), got 2")]
    [InlineData("--seed", "9", "relu has no trial with seed 9")]
    public void Bad_histogram_choices_are_one_sentence(string option, string value, string message)
    {
        Cli.Run("plot", "--histograms", results.Folder, option, value, "--out", _dir.File("x.png")).BadInput(message);
        Assert.Empty(_dir.Files());
    }

    [Fact]
    public void Bad_fraction_layer_is_one_sentence() =>
        Cli.Run("plot", "--fractions", results.Folder, "--layer", "-1").BadInput("--layer must be in 0…1");

    [Fact]
    public void Results_without_a_timeline_are_refused_with_the_reason()
    {
        Cli.Run("plot", "--histograms", results.OldFolder).BadInput("have no activation timeline (written by an older actkit)");
        Cli.Run("plot", "--fractions", results.OldFolder, "--out", _dir.File("x.png")).BadInput("have no activation timeline");
        Assert.Empty(_dir.Files());

        // The report of such a folder still works and says why the section is empty.
        string html = _dir.File("old.html");
        Cli.RunWide("report", results.OldFolder, "--html", html).Ok();
        string page = File.ReadAllText(html);
        Assert.Contains("carry no activation timeline", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"timeline-", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "plot", "--histograms", "a", "--fractions", "b" }, "either --histograms or --fractions")]
    [InlineData(new[] { "plot", "relu", "--histograms", "a" }, "give no function names")]
    [InlineData(new[] { "plot", "--fractions", "a", "--grad" }, "give no function names, --all, --grad or --range")]
    [InlineData(new[] { "plot", "relu", "--layer", "1" }, "--activation, --layer and --seed go with --histograms or --fractions")]
    [InlineData(new[] { "plot", "--fractions", "a", "--seed", "1" }, "--seed goes with --histograms")]
    [InlineData(new[] { "plot", "--histograms", "a", "--width", "50" }, "--width and --height")]
    public void Bad_option_combinations_are_one_sentence(string[] args, string message) => Cli.Run(args).BadInput(message);

    [Fact]
    public void A_missing_folder_is_one_sentence() =>
        Cli.Run("plot", "--histograms", _dir.File("nope")).BadInput("does not exist");
}
