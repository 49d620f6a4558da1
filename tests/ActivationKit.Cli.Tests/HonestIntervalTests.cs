using ActivationKit.Cli.Formatting;
using ActivationKit.Nn.Experiments;
using ActivationKit.Plots;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// An interval's upper bound of 99.95 % printed as "100.0 %" (an exploratory tester): accuracies and their bounds keep
/// the decimals it takes to stay off 100.0 % and 0.0 %, in the table and in the HTML report.
/// </summary>
public sealed class HonestIntervalTests
{
    [Fact]
    public void Interval_bounds_just_below_100_percent_are_printed_below_it_in_the_table_and_the_page()
    {
        // Three seeds of 99.95 %, 99.96 % and 99.97 %: mean 99.96 %, interval 99.96 ± 0.0248 % (t = 4.303, s = 0.01 %),
        // 99.9352 % to 99.9848 %; with one decimal the mean and the upper bound both read 100.0 %.
        var (summary, trials) = Results([0.9995, 0.9996, 0.9997]);
        var row = Assert.Single(summary.Ranking);
        Assert.InRange(row.CiHigh, 0.999848, 0.999849);

        var text = new StringWriter();
        ExperimentTable.Write(text, summary);
        string table = text.ToString();
        Assert.DoesNotContain("100.0%", table, StringComparison.Ordinal);
        Assert.Contains("99.96% ± 0.0%", table, StringComparison.Ordinal);
        Assert.Contains("99.9% – 99.98%", table, StringComparison.Ordinal);

        string page = HtmlReport.Render(summary, trials);
        Assert.DoesNotContain("100.0%", page, StringComparison.Ordinal);
        Assert.Contains("99.96% ± 0.0%", page, StringComparison.Ordinal);
        Assert.Contains("99.9% – 99.98%", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Interval_bounds_just_above_0_percent_are_printed_above_it()
    {
        var (summary, _) = Results([0.0003, 0.0004, 0.0005]);
        var text = new StringWriter();
        ExperimentTable.Write(text, summary);
        // Mean 0.04 %, interval 0.04 ± 0.0248 %: 0.0152 % (one decimal: 0.0 %) to 0.0648 % (0.1 %, honest as it is).
        Assert.Contains("0.04% ± 0.0%", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("0.02% – 0.1%", text.ToString(), StringComparison.Ordinal);
    }

    /// <summary>One contender (relu) over one seed per accuracy, on made-up results (no training).</summary>
    private static (ExperimentSummary Summary, TrialResult[] Trials) Results(double[] accuracies)
    {
        var config = new ExperimentConfig { Data = "moons", Activations = Contender.ParseList("relu"), Seeds = accuracies.Length, Epochs = 1 }.Validate();
        var manifest = new ExperimentManifest
        {
            Experiment = "e",
            ExperimentKey = config.ExperimentKey("moons"),
            Config = config,
            DataIdentity = "moons",
            TrialCount = accuracies.Length,
            Command = config.ToCommandLine("out"),
        };
        var trials = accuracies.Select((accuracy, i) => new TrialResult
        {
            Experiment = "e",
            ExperimentKey = manifest.ExperimentKey,
            Key = $"relu/{i + 1}",
            Hash = $"h{i}",
            Index = i,
            Label = "relu",
            Activation = "relu",
            Init = "he_normal",
            Seed = (ulong)(i + 1),
            TestAccuracy = accuracy,
            TestLoss = 0.1,
            Curve = [new EpochPoint(1, 0.1, accuracy, 0.1, accuracy, 0.01)],
            Layers = [],
        }).ToArray();
        return (ExperimentSummary.Create(manifest, trials), trials);
    }
}
