using System.Globalization;
using System.Text;
using ActivationKit.Nn.Experiments;

namespace ActivationKit.Cli.Formatting;

/// <summary>Terminal renderings of a trial's activation timeline: a shaded heatmap and a table of fractions.</summary>
public static class TimelineText
{
    // Shades from rare to common (log share of the checkpoint's outputs: below 10⁻³, 10⁻², 10⁻¹, 0.3, above).
    private static readonly char[] Shades = ['·', '░', '▒', '▓', '█'];

    /// <summary>
    /// The histograms over time: one text column per checkpoint, one row per pair of bins (highest values on top), each
    /// cell shaded by the share of the checkpoint's outputs in it; blank cells hold no output.
    /// </summary>
    public static IReadOnlyList<string> Heatmap(string title, LayerTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var inv = CultureInfo.InvariantCulture;
        int n = timeline.Checkpoints.Count, bins = timeline.Edges.Count - 1;
        int rows = (bins + 1) / 2;
        var lines = new List<string> { title };
        string Label(double v) => Math.Round(v, 3).ToString("0.###", inv);
        string top = Label(timeline.Edges[^1]), mid = Label(timeline.Edges[bins / 2]), bottom = Label(timeline.Edges[0]);
        int labelWidth = new[] { top.Length, mid.Length, bottom.Length }.Max();
        for (int r = 0; r < rows; r++)
        {
            int hiBin = bins - 1 - (2 * r), loBin = Math.Max(0, hiBin - 1);
            string label = r == 0 ? top : r == rows - 1 ? bottom : r == rows / 2 ? mid : string.Empty;
            var sb = new StringBuilder(label.PadLeft(labelWidth)).Append(" ┤");
            foreach (var c in timeline.Checkpoints)
            {
                double total = Math.Max(1, c.Counts.Sum());
                long count = c.Counts[hiBin] + (loBin != hiBin ? c.Counts[loBin] : 0);
                double share = count / total;
                sb.Append(count == 0 ? ' ' : share < 1e-3 ? Shades[0] : share < 1e-2 ? Shades[1] : share < 0.1 ? Shades[2] : share < 0.3 ? Shades[3] : Shades[4]);
            }

            lines.Add(sb.ToString());
        }

        lines.Add(new string(' ', labelWidth) + " └" + new string('─', n));
        string first = $"epoch {timeline.Checkpoints[0].Epoch.ToString(inv)}", last = timeline.Checkpoints[^1].Epoch.ToString(inv);
        lines.Add(new string(' ', labelWidth + 2) + first + last.PadLeft(Math.Max(1, n - first.Length)));
        lines.Add($"Shade: share of the checkpoint's outputs in the cell ({string.Join(" ", Shades)} = <0.1%, <1%, <10%, <30%, ≥30%); {timeline.Units} units × {timeline.HistogramSamples} held-out samples per checkpoint.");
        var a = timeline.Checkpoints[0];
        var z = timeline.Checkpoints[^1];
        lines.Add(NotMeasured(timeline.Checkpoints)
            ? "Dead units and saturation: not measured (a gated or row-wise function has no per-unit derivative)."
            : $"Dead units {Pct(a.DeadFraction)} at epoch {a.Epoch.ToString(inv)} → {Pct(z.DeadFraction)} at epoch {z.Epoch.ToString(inv)}; saturated {Pct(a.SaturatedFraction)} → {Pct(z.SaturatedFraction)}.");
        return lines;
    }

    /// <summary>
    /// Dead and saturated fractions per layer at up to <paramref name="maxRows"/> checkpoints (the first, the last and
    /// evenly spaced ones between), mean over the trials given.
    /// </summary>
    public static IReadOnlyList<string> Fractions(IReadOnlyList<TrialResult> trials, int? layer, int maxRows = 12)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var with = trials.Where(t => t.Timeline is { Count: > 0 }).ToArray();
        var inv = CultureInfo.InvariantCulture;
        int layers = with.Min(t => t.Timeline!.Count);
        var shown = layer is int only ? [only] : Enumerable.Range(0, layers).ToArray();
        int n = with.Min(t => shown.Min(l => t.Timeline![l].Checkpoints.Count));
        var header = new List<string> { "epoch" };
        foreach (int l in shown) header.AddRange([$"L{l} dead", $"L{l} saturated"]);
        var table = new List<string[]> { header.ToArray() };
        int step = Math.Max(1, (int)Math.Ceiling(n / (double)maxRows));
        var picks = Enumerable.Range(0, n).Where(c => c % step == 0).ToList();
        if (picks[^1] != n - 1) picks.Add(n - 1);
        foreach (int c in picks)
        {
            var row = new List<string> { with[0].Timeline![shown[0]].Checkpoints[c].Epoch.ToString(inv) };
            foreach (int l in shown)
            {
                row.Add(Pct(with.Average(t => t.Timeline![l].Checkpoints[c].DeadFraction)));
                row.Add(Pct(with.Average(t => t.Timeline![l].Checkpoints[c].SaturatedFraction)));
            }

            table.Add(row.ToArray());
        }

        string seeds = with.Length == 1 ? $"seed {with[0].Seed}" : $"mean over {with.Length} seeds";
        var lines = new List<string> { $"{with[0].Label}: dead units and saturated pre-activations over training ({seeds})" };
        if (with.All(t => shown.All(l => NotMeasured(t.Timeline![l].Checkpoints))))
        {
            // A table of dashes said nothing about why.
            lines.Add("Not measured: a gated or row-wise function has no per-unit derivative.");
            return lines;
        }

        var widths = Enumerable.Range(0, table[0].Length).Select(j => table.Max(r => r[j].Length)).ToArray();
        lines.AddRange(table.Select(r => string.Join("  ", r.Select((cell, j) => cell.PadLeft(widths[j]))).TrimEnd()));
        return lines;
    }

    private static string Pct(double v) => double.IsNaN(v) ? "—" : (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Checkpoints of a gated function, whose dead and saturated fractions are not measured (all NaN).</summary>
    private static bool NotMeasured(IReadOnlyList<TimelineCheckpoint> checkpoints) =>
        checkpoints.All(c => double.IsNaN(c.DeadFraction) && double.IsNaN(c.SaturatedFraction));
}
