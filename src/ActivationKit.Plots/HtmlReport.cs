using System.Globalization;
using System.Net;
using System.Text;
using ActivationKit.Catalog;
using ActivationKit.Nn.Experiments;

namespace ActivationKit.Plots;

/// <summary>One chart of a report.</summary>
/// <param name="Name">File-name stem and HTML id, e.g. <c>learning-accuracy</c>.</param>
/// <param name="Title">What it shows (the image's alt text).</param>
/// <param name="Png">The PNG bytes.</param>
public sealed record ReportImage(string Name, string Title, byte[] Png);

/// <summary>
/// One self-contained HTML page for a comparison: ranked table, verdict, learning curves, the compared functions and
/// their derivatives, end-of-training diagnostics, the configuration and the command that reproduces it. Images are
/// embedded as base64 PNG, so the page needs no network and no other file.
/// </summary>
public static class HtmlReport
{
    /// <summary>
    /// The tag in the head of every page (within its first 512 bytes) that marks it as an actkit report, which
    /// <c>actkit report --html</c> may replace without --force.
    /// </summary>
    public const string Marker = "<meta name=\"generator\" content=\"actkit report\">";

    /// <summary>Renders the page.</summary>
    /// <param name="summary">The ranked summary.</param>
    /// <param name="trials">The trials behind it.</param>
    /// <param name="htmlPath">
    /// Where the page is written, as the user named it (<c>--html</c>): the "Reproduce" block ends with the report
    /// command that writes it there again. Null: <c>report.html</c>.
    /// </param>
    public static string Render(ExperimentSummary summary, IReadOnlyList<TrialResult> trials, string? htmlPath = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(trials);
        var m = summary.Manifest;
        var c = m.Config;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n").Append(Marker).Append('\n');
        sb.Append("<title>ActivationKit comparison: ").Append(E(m.DataIdentity)).Append("</title>\n");
        sb.Append("<style>\nbody{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}\n")
          .Append("table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}\n")
          .Append("th{background:#f3f3f3}td.l,th.l{text-align:left}tr.winner td{background:#eaf6ea;font-weight:bold}tr.diverged td{color:#a40}\n")
          .Append("img{max-width:100%;border:1px solid #ddd;margin:4px 0}.grid{display:grid;grid-template-columns:1fr 1fr;gap:8px}\n")
          .Append("pre{background:#f6f6f6;padding:8px;overflow-x:auto;white-space:pre-wrap}.warn{color:#a40}\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>Activation comparison on ").Append(E(m.DataIdentity)).Append("</h1>\n");
        sb.Append("<p id=\"verdict\"><strong>").Append(E(summary.Verdict())).Append("</strong></p>\n");
        if (!summary.Complete)
        {
            sb.Append("<p class=\"warn\" id=\"incomplete\">Incomplete: ").Append(summary.Found).Append(" of ").Append(m.TrialCount)
              .Append(" trials have results; missing: ").Append(E(string.Join(", ", summary.Missing.Take(20)))).Append(summary.Missing.Count > 20 ? ", …" : string.Empty).Append(".</p>\n");
        }

        sb.Append("<h2>Ranking</h2>\n<table id=\"ranking\">\n<thead><tr><th>Rank</th><th class=\"l\">Activation</th><th class=\"l\">Init</th><th>Seeds</th>")
          .Append("<th>Test accuracy (mean ± std)</th><th>95% CI</th><th>Test loss</th><th>Reached ").Append(E(c.TargetPercent)).Append(" (mean epochs)</th>")
          .Append("<th>s/epoch</th><th>Dead</th><th>Saturated</th><th>Diverged</th></tr></thead>\n<tbody>\n");
        foreach (var r in summary.Ranking)
        {
            // A contender that diverged ranks last and is never highlighted, even when every contender diverged.
            sb.Append(r.Diverged > 0 ? "<tr class=\"diverged\">" : r.Rank == 1 ? "<tr class=\"winner\">" : "<tr>");
            sb.Append("<td>").Append(r.Rank).Append("</td><td class=\"l\">").Append(E(r.Label)).Append("</td><td class=\"l\">").Append(E(r.Init)).Append("</td>");
            sb.Append("<td>").Append(r.Seeds).Append("</td><td>").Append(r.Diverged > 0 ? "diverged" : $"{Acc(r.MeanAccuracy)} ± {Pct(r.StdAccuracy)}").Append("</td>");
            sb.Append("<td>").Append(double.IsNaN(r.CiLow) ? "—" : $"{Acc(r.CiLow)} – {Acc(r.CiHigh)}").Append("</td>");
            sb.Append("<td>").Append(ChartText.Number(r.MeanLoss)).Append("</td>");
            sb.Append("<td>").Append(r.ReachedTarget).Append('/').Append(r.Seeds).Append(double.IsNaN(r.MeanEpochsToTarget) ? string.Empty : $" ({N(r.MeanEpochsToTarget, "0.#")})").Append("</td>");
            sb.Append("<td>").Append(ChartText.Number(r.SecondsPerEpoch, 3)).Append("</td><td>").Append(Pct(r.DeadFraction)).Append("</td><td>").Append(Pct(r.SaturatedFraction)).Append("</td>");
            sb.Append("<td>").Append(r.Diverged).Append("</td></tr>\n");
        }

        sb.Append("</tbody>\n</table>\n");
        // The verdict the text report prints: it says when the t-test is undefined (one seed, no spread) instead of
        // "p = — (not distinguishable at 0.05)", and warns about a small test split.
        sb.Append("<p>").Append(E(summary.Verdict())).Append("</p>\n");

        if (summary.Ranking.Count > 0)
        {
            sb.Append("<h2>Learning curves</h2>\n<div class=\"grid\">\n");
            var slugs = Slugs(summary);
            var images = Images(summary, trials).ToDictionary(i => i.Name);
            Image(sb, images["learning-accuracy"]);
            Image(sb, images["learning-loss"]);
            sb.Append("</div>\n");
            var accuracyNotes = Charts.LearningCurveNotes(summary, trials);
            var lossNotes = Charts.LearningCurveNotes(summary, trials, loss: true);
            if (accuracyNotes.Count > 0 || lossNotes.Count > 0)
            {
                sb.Append("<ul class=\"warn\" id=\"left-out\">\n");
                if (accuracyNotes.Count > 0) sb.Append("<li>Left out of the accuracy chart: ").Append(E(string.Join("; ", accuracyNotes))).Append(".</li>\n");
                if (lossNotes.Count > 0) sb.Append("<li>Left out of the loss chart: ").Append(E(string.Join("; ", lossNotes))).Append(".</li>\n");
                sb.Append("</ul>\n");
            }

            sb.Append("<h2>The compared functions</h2>\n");
            Image(sb, images["functions"]);

            sb.Append("<h2>Diagnostics at the end of training</h2>\n");
            sb.Append("<p>On up to 512 held-out (validation) samples. Dead: the share of a layer's units whose output f(x) and derivative f′(x) are both exactly 0 on every sample ")
              .Append("(a unit pinned at a nonzero constant, such as sigmoid at 1, is saturated, not dead; gated and row-wise functions have no per-unit derivative, so neither share is measured for them: —). ")
              .Append("Saturated: the share of all pre-activations that lie in a flat tail of a saturating function, where |f′| is below 5% of its peak slope ")
              .Append("(for a function whose slope has no peak, such as exponential, of its largest slope over [−1, 1]), leaving out points where f and f′ are both 0 (dead, not saturated); ")
              .Append("non-saturating functions such as relu report 0. ")
              .Append("Trials that diverged are left out: nothing measured on a diverged network describes the activation.</p>\n");
            Image(sb, images["dead-saturated"]);
            sb.Append("<table id=\"diagnostics\">\n<thead><tr><th class=\"l\">Activation</th><th>Layer</th><th>Units</th><th>Dead (mean)</th><th>Saturated (mean)</th><th>Output mean</th><th>Output std</th></tr></thead>\n<tbody>\n");
            foreach (var r in summary.Ranking)
            {
                var ts = trials.Where(t => t.Label == r.Label && !t.Diverged && t.Layers.Count > 0).ToArray();
                int layers = ts.Length == 0 ? 0 : ts.Min(t => t.Layers.Count);
                for (int l = 0; l < layers; l++)
                {
                    sb.Append("<tr><td class=\"l\">").Append(E(r.Label)).Append("</td><td>").Append(l).Append("</td><td>").Append(ts[0].Layers[l].Units).Append("</td>");
                    sb.Append("<td>").Append(Pct(ts.Average(t => t.Layers[l].DeadFraction))).Append("</td><td>").Append(Pct(ts.Average(t => t.Layers[l].SaturatedFraction))).Append("</td>");
                    sb.Append("<td>").Append(ChartText.Number(ts.Average(t => t.Layers[l].OutputMean))).Append("</td><td>").Append(ChartText.Number(ts.Average(t => t.Layers[l].OutputStd))).Append("</td></tr>\n");
                }
            }

            sb.Append("</tbody>\n</table>\n<h3>Hidden-layer output histograms (first seed)</h3>\n<div class=\"grid\">\n");
            foreach (var r in summary.Ranking)
            {
                Image(sb, images["histogram-" + slugs[r.Label]]);
            }

            sb.Append("</div>\n");

            sb.Append("<h2 id=\"over-training\">Over training</h2>\n");
            var timed = summary.Ranking.Where(r => images.ContainsKey("fractions-" + slugs[r.Label])).ToArray();
            if (timed.Length == 0)
            {
                sb.Append("<p>These results carry no activation timeline (they were written by an older actkit); rerun the command below into a new folder to record it.</p>\n");
            }
            else
            {
                sb.Append("<p>At the initial weights (epoch 0) and at regular epochs, on the same held-out samples: each hidden layer's outputs as a heatmap ")
                  .Append("(x = epoch, y = activation value on bins fixed for the whole run, colour = log₁₀ of the share of the outputs in the bin, white = none; first seed), ")
                  .Append("and the dead-unit (solid) and saturated (dashed) fractions per layer (mean over seeds).</p>\n");
                foreach (var r in timed)
                {
                    sb.Append("<h3>").Append(E(r.Label)).Append("</h3>\n<div class=\"grid\">\n");
                    // Layer by layer as Images names them (a layer without checkpoints has none): a name match, not a prefix,
                    // so one contender's slug that starts like another's takes none of its charts.
                    int layers = trials.Where(t => t.Label == r.Label).Select(t => t.Timeline?.Count ?? 0).DefaultIfEmpty(0).Max();
                    for (int l = 0; l < layers; l++)
                    {
                        if (images.TryGetValue($"timeline-{slugs[r.Label]}-layer{l}", out var image)) Image(sb, image);
                    }

                    Image(sb, images["fractions-" + slugs[r.Label]]);
                    sb.Append("</div>\n");
                }
            }
        }

        sb.Append("<h2>Configuration</h2>\n<table id=\"config\">\n<tbody>\n");
        Row(sb, "Data", m.DataIdentity);
        Row(sb, "Samples", c.Samples == 0 ? "all" : c.Samples.ToString(CultureInfo.InvariantCulture));
        if (c.IsSynthetic) Row(sb, "Noise (synthetic set)", c.Noise.ToString("R", CultureInfo.InvariantCulture));
        Row(sb, "Data seed (generation and split)", c.DataSeed.ToString(CultureInfo.InvariantCulture));
        Row(sb, "Hidden layers", string.Join(" × ", c.Hidden));
        Row(sb, "Activations", string.Join(", ", c.Activations.Select(a => a.Label)));
        Row(sb, "Seeds", $"{c.Seeds} (1…{c.Seeds})");
        Row(sb, "Epochs", c.Epochs.ToString(CultureInfo.InvariantCulture));
        Row(sb, "Batch size", c.BatchSize.ToString(CultureInfo.InvariantCulture));
        Row(sb, "Optimizer", c.Optimizer);
        Row(sb, "Learning rate", c.LearningRate.ToString("R", CultureInfo.InvariantCulture));
        Row(sb, "Initialisation", c.Init);
        Row(sb, "Target accuracy", c.TargetPercent);
        Row(sb, "Experiment hash", m.Experiment);
        sb.Append("</tbody>\n</table>\n");
        sb.Append("<h2>Reproduce</h2>\n<pre id=\"command\">").Append(E(m.Command)).Append('\n')
          .Append(E($"actkit report {ExperimentConfig.Quote(Path.TrimEndingDirectorySeparator(ExtractOut(m.Command)))} --html {ExperimentConfig.Quote(htmlPath ?? "report.html")}")).Append("</pre>\n");
        sb.Append("<p>Training is deterministic: the same command gives the same accuracies bit for bit, for any --threads or --shard split.</p>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>
    /// The report's charts as PNGs, each with a file-name stem and a title: learning-accuracy, learning-loss, functions,
    /// dead-saturated, and per contender histogram-LABEL and, when its trials recorded a timeline,
    /// timeline-LABEL-layerN (outputs over training, first seed) and fractions-LABEL (dead/saturated over training)
    /// (empty when there are no results).
    /// </summary>
    public static IReadOnlyList<ReportImage> Images(ExperimentSummary summary, IReadOnlyList<TrialResult> trials)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(trials);
        if (summary.Ranking.Count == 0) return [];
        var functions = summary.Ranking.Select(r => ActivationCatalog.Create(r.Label.Split('@')[0])).DistinctBy(f => f.ToString()).ToArray();
        var slugs = Slugs(summary);
        var list = new List<ReportImage>
        {
            new("learning-accuracy", "Validation accuracy per epoch", WithRoomForLegend(Charts.LearningCurves(summary, trials), 700, 450)),
            new("learning-loss", "Validation loss per epoch", WithRoomForLegend(Charts.LearningCurves(summary, trials, loss: true), 700, 450)),
            new("functions", "The compared activations and their derivatives", WithRoomForLegend(Charts.Functions(functions, -5, 5, derivative: true), 1000, 550)),
            new("dead-saturated", "Dead and saturated fractions per activation", ChartFile.Png(Charts.DeadAndSaturated(summary), 1000, Charts.DeadAndSaturatedHeight(summary.Ranking.Count))),
        };
        var histograms = summary.Ranking.Select(r =>
        {
            // The first seed that did not diverge (a diverged trial has no end-of-training outputs); the first seed if all did.
            var seeds = trials.Where(t => t.Label == r.Label).OrderBy(t => t.Seed).ToArray();
            var first = seeds.FirstOrDefault(t => !t.Diverged) ?? seeds[0];
            return (Row: r, Plot: Charts.LayerHistograms(first));
        }).ToArray();

        // One width for all, the one the widest legend needs: the page shows them side by side at the same size.
        int histogramWidth = histograms.Max(h => WidthWithLegend(h.Plot, 600));
        foreach (var (r, plot) in histograms)
        {
            list.Add(new("histogram-" + slugs[r.Label], $"Histogram of hidden outputs, {r.Label}", ChartFile.Png(plot, histogramWidth, 380)));
        }

        foreach (var r in summary.Ranking)
        {
            var seeds = trials.Where(t => t.Label == r.Label).OrderBy(t => t.Seed).ToArray();
            var timed = seeds.FirstOrDefault(t => t.Timeline is { Count: > 0 });
            if (timed is null) continue;
            for (int l = 0; l < timed.Timeline!.Count; l++)
            {
                if (timed.Timeline[l].Checkpoints.Count == 0) continue;
                list.Add(new($"timeline-{slugs[r.Label]}-layer{l}", $"Hidden layer {l} outputs over training, {r.Label}", ChartFile.Png(Charts.HistogramTimeline(timed, l), 600, 380)));
            }

            list.Add(new("fractions-" + slugs[r.Label], $"Dead and saturated fractions over training, {r.Label}", WithRoomForLegend(Charts.FractionsOverTime(seeds), 600, 380)));
        }

        return list;
    }

    /// <summary>
    /// PNG bytes of a chart whose legend is right of its data area, <paramref name="width"/> wide, or wider when the
    /// legend (long contender labels) would leave the data less than <see cref="MinimumDataShare"/> of that width.
    /// </summary>
    internal static byte[] WithRoomForLegend(ScottPlot.Plot plot, int width, int height) => ChartFile.Png(plot, WidthWithLegend(plot, width), height);

    /// <summary>The width <see cref="WithRoomForLegend"/> draws a chart at.</summary>
    internal static int WidthWithLegend(ScottPlot.Plot plot, int width)
    {
        if (Charts.LegendPanel(plot) is not { } legend) return width;
        using var paint = ScottPlot.Paint.NewDisposablePaint();
        float legendWidth = legend.Measure(paint);
        const float axes = 90; // the y-axis labels and the margins
        return Math.Max(width, (int)Math.Ceiling((legendWidth + axes) / (1 - MinimumDataShare)));
    }

    /// <summary>The share of a report chart's width its data area keeps next to the legend.</summary>
    internal const double MinimumDataShare = 0.55;

    /// <summary>The --out folder of a reproducing command (<see cref="ExperimentConfig.ToCommandLine"/>), unquoted.</summary>
    private static string ExtractOut(string command)
    {
        int at = command.LastIndexOf(" --out ", StringComparison.Ordinal);
        return at < 0 ? "results" : Unquote(command[(at + 7)..]);
    }

    /// <summary>One POSIX shell word as the shell reads it: <c>'q 1'</c> is <c>q 1</c>, <c>'it'\''s'</c> is <c>it's</c>.</summary>
    internal static string Unquote(string word)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < word.Length; i++)
        {
            char ch = word[i];
            if (ch == '\'')
            {
                int end = word.IndexOf('\'', i + 1);
                if (end < 0) end = word.Length;
                sb.Append(word, i + 1, end - i - 1);
                i = end;
            }
            else if (ch == '\\' && i + 1 < word.Length)
            {
                sb.Append(word[++i]);
            }
            else
            {
                sb.Append(ch);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Each contender's chart-name slug: its label with every character but ASCII letters and digits as '-', made unique
    /// in the order of the configuration (which does not change as results come in): a label whose slug is taken —
    /// squareplus(b=1e-20) and squareplus(b=1e20) are both squareplus-b-1e20- — gets the first free -2, -3, …
    /// </summary>
    internal static IReadOnlyDictionary<string, string> Slugs(ExperimentSummary summary)
    {
        var labels = summary.Manifest.Config.Activations.Select(a => a.Label).Concat(summary.Ranking.Select(r => r.Label)).Distinct().ToArray();
        var bases = labels.Select(Slug).ToArray();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < labels.Length; i++)
        {
            string slug = bases[i];

            // Unique ignoring case too (--images writes them as file names, and some file systems ignore case), and a
            // suffixed slug is never another label's own.
            for (int n = 2; taken.Contains(slug) || (slug != bases[i] && bases.Contains(slug, StringComparer.OrdinalIgnoreCase)); n++) slug = $"{bases[i]}-{n}";
            taken.Add(slug);
            result[labels[i]] = slug;
        }

        return result;
    }

    private static void Image(StringBuilder sb, ReportImage image) =>
        sb.Append("<img id=\"").Append(image.Name).Append("\" alt=\"").Append(E(image.Title)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(image.Png)).Append("\">\n");

    private static void Row(StringBuilder sb, string key, string value) =>
        sb.Append("<tr><th class=\"l\">").Append(E(key)).Append("</th><td class=\"l\">").Append(E(value)).Append("</td></tr>\n");

    private static string Slug(string label) => new(label.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray());

    private static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>An accuracy or interval bound: never "100.0%" below 1 nor "0.0%" above 0 (<see cref="ExperimentSummary.FormatAccuracy"/>).</summary>
    private static string Acc(double v) => ExperimentSummary.FormatAccuracy(v);

    private static string Pct(double v) => double.IsNaN(v) ? "—" : (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string N(double v, string format) => double.IsNaN(v) ? "—" : v.ToString(format, CultureInfo.InvariantCulture);
}
