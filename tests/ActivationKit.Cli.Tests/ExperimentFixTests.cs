using System.Text;
using System.Text.Json;
using ActivationKit.Nn.Experiments;
using ActivationKit.Plots;
using SkiaSharp;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// compare and report: the printed command reproduces the comparison, trials of another comparison, unique chart names,
/// quoting, outputs that are not replaced without --force, and the charts of a trial that diverged at once.
/// </summary>
public sealed class ExperimentFixTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string XorCsv() => _dir.XorCsv();

    /// <summary>The words of a command as a POSIX shell splits them (single quotes and backslashes; enough for actkit's).</summary>
    private static string[] ShellWords(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            if (c == ' ')
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else if (c == '\'')
            {
                int end = command.IndexOf('\'', i + 1);
                word.Append(command, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (c == '\\')
            {
                word.Append(command[++i]);
                inWord = true;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord) words.Add(word.ToString());
        return [.. words];
    }

    private static string Command(CliResult json) => JsonDocument.Parse(json.Out).RootElement.GetProperty("command").GetString()!;

    [Fact]
    public void The_printed_command_of_a_csv_comparison_with_noise_resumes_it_into_the_same_folder()
    {
        // --noise 0.3 entered the key of a CSV comparison but not the printed command: rerunning that was refused
        // ("noise: 0.3 vs 0.1"). The folder has a space, so the command quotes it.
        string csv = XorCsv(), outDir = _dir.File("q 1");
        var first = Cli.RunWide("compare", "--data", csv, "--noise", "0.3", "--activations", "relu,tanh", "--seeds", "1", "--epochs", "2", "--hidden", "4", "--threads", "1", "--out", outDir, "--json").Ok();
        string command = Command(first);
        Assert.DoesNotContain("--noise", command, StringComparison.Ordinal);
        Assert.EndsWith($" --out '{outDir}'", command, StringComparison.Ordinal);
        var words = ShellWords(command);
        Assert.Equal("actkit", words[0]);
        var again = Cli.RunWide([.. words[1..], "--json"]).Ok();
        Assert.Contains("Trained 0 trial(s), skipped 2 already finished.", again.Err, StringComparison.Ordinal);

        // Any noise, given or not, is the same comparison of a file.
        Assert.Contains("skipped 2 already finished", Cli.RunWide([.. words[1..], "--noise", "0.7"]).Ok().Err, StringComparison.Ordinal);

        // The page's Reproduce block quotes the folder in its report line as the compare line does; no Noise row for a file.
        string html = _dir.File("csv.html");
        Cli.RunWide("report", outDir, "--html", html).Ok();
        string page = File.ReadAllText(html);
        Assert.Contains($"actkit report &#39;{outDir}&#39; --html {System.Net.WebUtility.HtmlEncode(ExperimentConfig.Quote(html))}</pre>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Noise", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_printed_command_of_a_synthetic_comparison_gives_its_noise_and_the_page_shows_it()
    {
        string outDir = _dir.File("it's here");
        var first = Cli.RunWide("compare", "--data", "moons", "--samples", "100", "--noise", "0.25", "--activations", "relu", "--seeds", "1", "--epochs", "1", "--hidden", "4", "--threads", "1", "--out", outDir, "--target", "0.9999", "--json").Ok();
        string command = Command(first);
        Assert.Contains(" --noise 0.25 ", command, StringComparison.Ordinal);
        Assert.Contains("skipped 1 already finished", Cli.RunWide(ShellWords(command)[1..]).Ok().Err, StringComparison.Ordinal);

        string html = _dir.File("moons.html");
        var report = Cli.RunWide("report", outDir, "--html", html).Ok();
        string page = File.ReadAllText(html);
        Assert.Contains("<tr><th class=\"l\">Noise (synthetic set)</th><td class=\"l\">0.25</td></tr>", page, StringComparison.Ordinal);
        Assert.Contains($"actkit report &#39;{outDir.Replace("'", "&#39;\\&#39;&#39;", StringComparison.Ordinal)}&#39; --html {System.Net.WebUtility.HtmlEncode(ExperimentConfig.Quote(html))}</pre>", page, StringComparison.Ordinal);

        // --target 0.9999 read "≥100.0%": a heading that was not true.
        Assert.Contains("≥99.99% (epochs)", report.Out, StringComparison.Ordinal);
        Assert.Contains("<th>Reached 99.99% (mean epochs)</th>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("100.0%", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shard_hint_quotes_the_folder_and_names_the_other_shards_folders()
    {
        // "actkit report s0" alone is an incomplete report when every shard wrote its own folder.
        string outDir = _dir.File("shard 0");
        var r = Cli.RunWide("compare", "--data", "moons", "--samples", "100", "--activations", "relu,tanh", "--seeds", "1", "--epochs", "1", "--hidden", "4", "--threads", "1", "--shard", "0/2", "--out", outDir).Ok();
        Assert.Contains($"When every shard has finished: actkit report '{outDir}' (and the other shards' folders, if they wrote elsewhere)", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trial_of_another_comparison_with_this_runs_file_names_is_refused_before_training()
    {
        // The first comparison's trials were reused as finished, gelu trained, and then the table refused the folder,
        // which every later compare and report refused too.
        string s2 = _dir.File("s2");
        string[] Compare(string activations) => ["compare", "--data", "moons", "--epochs", "3", "--samples", "200", "--threads", "1", "--seeds", "2", "--activations", activations, "--out", s2];
        Cli.RunWide(Compare("relu,tanh")).Ok();
        File.Delete(Path.Combine(s2, "experiment.json"));
        var files = Directory.GetFiles(Path.Combine(s2, "trials")).Order(StringComparer.Ordinal).ToArray();
        var r = Cli.Run(Compare("relu,tanh,gelu")).BadInput($"{files[0]} is a trial of a different comparison (activations: relu,tanh vs relu,tanh,gelu), and the results could not be tabled with it there, so nothing was trained; move it out of ");
        Assert.DoesNotContain("gelu seed", r.Err, StringComparison.Ordinal);
        Assert.Equal(files, Directory.GetFiles(Path.Combine(s2, "trials")).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(s2, "experiment.json")));
    }

    [Fact]
    public void Labels_with_the_same_slug_get_charts_of_their_own()
    {
        // Both are squareplus-b-1e20-: --html failed with "An item with the same key has already been added", and
        // --images wrote one chart over the other.
        string sl = _dir.File("sl"), images = _dir.File("img");
        Cli.RunWide("compare", "--activations", "squareplus(b=1e-20),squareplus(b=1e20)", "--seeds", "1", "--epochs", "2", "--samples", "100", "--threads", "1", "--out", sl).Ok();
        string html = _dir.File("sl.html");
        Cli.RunWide("report", sl, "--html", html, "--images", images).Ok();
        var names = Directory.GetFiles(images).Select(Path.GetFileName).ToArray();
        Assert.Contains("histogram-squareplus-b-1E-20-.png", names);
        Assert.Contains("histogram-squareplus-b-1E-20--2.png", names);
        Assert.Contains("fractions-squareplus-b-1E-20--2.png", names);
        string page = File.ReadAllText(html);
        Assert.Contains("id=\"histogram-squareplus-b-1E-20-\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"histogram-squareplus-b-1E-20--2\"", page, StringComparison.Ordinal);
        Assert.Equal(HtmlReportImageCount(page), names.Length);
    }

    private static int HtmlReportImageCount(string page) => page.Split("<img id=\"").Length - 1;

    [Fact]
    public void Report_replaces_only_an_earlier_report_without_force()
    {
        string r1 = _dir.File("r1");
        Cli.RunWide("compare", "--data", "moons", "--samples", "100", "--activations", "relu", "--seeds", "1", "--epochs", "1", "--hidden", "4", "--threads", "1", "--out", r1).Ok();
        string notes = _dir.File("notes.html");
        File.WriteAllText(notes, "<!DOCTYPE html><p>my notes</p>");
        Cli.Run("report", r1, "--html", notes).BadInput($"--html '{notes}' already exists and is not an actkit report; give another file name, or add --force to replace it.");
        Assert.Equal("<!DOCTYPE html><p>my notes</p>", File.ReadAllText(notes));

        // An earlier report (marked) is refreshed, as is one written before the marker; anything else with --force.
        string report = _dir.File("report.html");
        Cli.RunWide("report", r1, "--html", report).Ok();
        Assert.Contains(HtmlReport.Marker, File.ReadAllText(report), StringComparison.Ordinal);
        Cli.RunWide("report", r1, "--html", report).Ok();
        File.WriteAllText(report, File.ReadAllText(report).Replace(HtmlReport.Marker, string.Empty, StringComparison.Ordinal));
        Cli.RunWide("report", r1, "--html", report).Ok();
        Cli.RunWide("report", r1, "--html", notes, "--force").Ok();
        Assert.Contains(HtmlReport.Marker, File.ReadAllText(notes), StringComparison.Ordinal);
    }

    [Fact]
    public void The_fashion_mnist_results_in_the_docs_still_report()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "results", "fashion-mnist");
        var r = Cli.RunWide("report", folder).Ok();
        Assert.Contains("Data: fashion-mnist; network 128×64;", r.Out, StringComparison.Ordinal);
        Assert.Contains("12 of 12 trials", r.Out, StringComparison.Ordinal);

        // The full-data run of docs/experiments.md (engine version 5) reports as the doc's table says.
        string full = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "results", "fashion-mnist-full");
        r = Cli.RunWide("report", full).Ok();
        Assert.Contains("40 of 40 trials", r.Out, StringComparison.Ordinal);
        Assert.Contains("elu leads relu by 0.29 accuracy points", r.Out, StringComparison.Ordinal);
    }

    private static TrialResult DivergedAtOnce()
    {
        var checkpoint = new TimelineCheckpoint(0, [0, 5, 20, 3], 0, 0.1, 0.2);
        return new TrialResult
        {
            Experiment = "e",
            ExperimentKey = "k",
            Key = "k",
            Hash = "h",
            Index = 0,
            Label = "softplus(beta=2, threshold=20)@glorot_uniform",
            Activation = "softplus(beta=2, threshold=20)",
            Init = "glorot_uniform",
            Seed = 1,
            TestAccuracy = double.NaN,
            TestLoss = double.NaN,
            Diverged = true,
            Curve = [],
            Layers = [],
            Timeline = [new LayerTimeline(0, "softplus", 4, 8, 8, [0, 1, 2, 3, 4], [checkpoint])],
        };
    }

    /// <summary>Pixels of a clearly coloured (not grey) shade in the left four fifths of a chart: the heatmap, not its colour bar.</summary>
    private static int ColouredPixels(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width * 4 / 5; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (Math.Max(Math.Max(c.Red, c.Green), c.Blue) - Math.Min(Math.Min(c.Red, c.Green), c.Blue) > 60) count++;
            }
        }

        return count;
    }

    [Fact]
    public void A_trial_with_one_checkpoint_has_a_heatmap_and_a_short_diverged_title()
    {
        // A trial that diverged in its first epoch has only the initial checkpoint: its heatmap was blank.
        var trial = DivergedAtOnce();
        Assert.True(ColouredPixels(ChartFile.Png(Charts.HistogramTimeline(trial, 0), 600, 380)) > 10_000);

        // Its histogram chart's title ran past the edge ("…at the end of trainin"): the reason is below the chart now.
        var plot = Charts.LayerHistograms(trial);
        Assert.Equal("softplus(beta=2, threshold=20)@glorot_uniform (seed 1) diverged", plot.Axes.Title.Label.Text);
        Assert.Equal("no hidden outputs at the end of training", plot.Axes.Bottom.Label.Text);
    }
}
