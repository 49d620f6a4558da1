using System.Globalization;
using System.Text.Json;
using ActivationKit.Nn.Experiments;

namespace ActivationKit.Cli.Formatting;

/// <summary>The ranked table of a comparison (text or JSON), shared by <c>compare</c> and <c>report</c>.</summary>
public static class ExperimentTable
{
    /// <summary>Writes the ranked table, the verdict and (if any) the missing trials.</summary>
    public static void Write(TextWriter writer, ExperimentSummary summary)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(summary);
        var c = summary.Manifest.Config;
        string[] header = ["Rank", "Activation", "Init", "Seeds", "Test acc (mean ± std)", "95% CI", "Test loss", $"≥{c.TargetPercent} (epochs)", "s/epoch", "Dead", "Saturated", "Diverged"];
        var rows = summary.Ranking.Select(r => (IReadOnlyList<string>)new[]
        {
            r.Rank.ToString(CultureInfo.InvariantCulture),
            r.Label,
            r.Init,
            r.Seeds.ToString(CultureInfo.InvariantCulture),
            r.Diverged > 0 ? "diverged" : $"{Acc(r.MeanAccuracy)} ± {Pct(r.StdAccuracy)}",
            double.IsNaN(r.CiLow) ? "—" : $"{Acc(r.CiLow)} – {Acc(r.CiHigh)}",
            N(r.MeanLoss, "0.0000"),
            $"{r.ReachedTarget}/{r.Seeds}" + (double.IsNaN(r.MeanEpochsToTarget) ? string.Empty : $" ({N(r.MeanEpochsToTarget, "0.#")})"),
            ExperimentSummary.FormatSeconds(r.SecondsPerEpoch),
            Pct(r.DeadFraction),
            Pct(r.SaturatedFraction),
            r.Diverged.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        writer.WriteLine($"Data: {summary.Manifest.DataIdentity}; network {string.Join("×", c.Hidden)}; {Spelling.Count(c.Epochs, "epoch")}, {c.Optimizer} lr {c.LearningRate.ToString("R", CultureInfo.InvariantCulture)}, batch {c.BatchSize}, init {c.Init}; {summary.Found} of {summary.Manifest.TrialCount} trials.");
        PlainTable.Write(writer, header, rows);
        writer.WriteLine(summary.Verdict());
        if (!summary.Complete)
        {
            writer.WriteLine($"Incomplete: {summary.Missing.Count} trial(s) missing ({string.Join(", ", summary.Missing.Take(8))}{(summary.Missing.Count > 8 ? ", …" : string.Empty)}).");
        }

        writer.Flush();
    }

    /// <summary>
    /// Writes the summary as JSON. A number that is undefined — the p-value where no test is possible, the margin with
    /// one contender, the spread and interval of one seed, the mean epochs to the target when no seed reached it, what a
    /// diverged trial has no value for — is null, as runnerUp is without a runner-up; it used to be the string "NaN".
    /// </summary>
    public static void WriteJson(TextWriter writer, ExperimentSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        JsonOut.Write(writer, json =>
        {
            json.WriteStartObject();
            json.WriteString("experiment", summary.Manifest.Experiment);
            json.WriteString("data", summary.Manifest.DataIdentity);
            json.WriteString("command", summary.Manifest.Command);
            json.WritePropertyName("config");
            JsonSerializer.Serialize(json, summary.Manifest.Config, ResultStore.Json);
            json.WriteBoolean("complete", summary.Complete);
            json.WriteNumber("found", summary.Found);
            json.WriteNumber("expected", summary.Manifest.TrialCount);
            json.WriteStartArray("missing");
            foreach (string m in summary.Missing) json.WriteStringValue(m);
            json.WriteEndArray();
            if (summary.Winner is { } w) json.WriteString("winner", w);
            else json.WriteNull("winner");
            if (summary.RunnerUp is { } r) json.WriteString("runnerUp", r);
            else json.WriteNull("runnerUp");
            JsonOut.NumberOrNull(json, "margin", summary.Margin);
            JsonOut.NumberOrNull(json, "pValue", summary.PValue);
            json.WriteBoolean("distinguishable", summary.Distinguishable);
            json.WriteString("verdict", summary.Verdict());
            json.WriteStartArray("ranking");
            foreach (var row in summary.Ranking)
            {
                json.WriteStartObject();
                json.WriteNumber("rank", row.Rank);
                json.WriteString("activation", row.Label);
                json.WriteString("init", row.Init);
                json.WriteString("initOption", row.InitOption);
                json.WriteString("hiddenInit", row.HiddenInit);
                json.WriteNumber("seeds", row.Seeds);
                JsonOut.NumberOrNull(json, "meanAccuracy", row.MeanAccuracy);
                JsonOut.NumberOrNull(json, "stdAccuracy", row.StdAccuracy);
                JsonOut.NumberOrNull(json, "ci95Low", row.CiLow);
                JsonOut.NumberOrNull(json, "ci95High", row.CiHigh);
                JsonOut.NumberOrNull(json, "meanLoss", row.MeanLoss);
                json.WriteNumber("reachedTarget", row.ReachedTarget);
                JsonOut.NumberOrNull(json, "meanEpochsToTarget", row.MeanEpochsToTarget);
                JsonOut.NumberOrNull(json, "secondsPerEpoch", row.SecondsPerEpoch);
                JsonOut.NumberOrNull(json, "deadFraction", row.DeadFraction);
                JsonOut.NumberOrNull(json, "saturatedFraction", row.SaturatedFraction);
                json.WriteNumber("diverged", row.Diverged);
                json.WriteStartArray("accuracies");
                foreach (double a in row.Accuracies) JsonOut.NumberOrNull(json, a);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>An accuracy or interval bound: never "100.0%" below 1 nor "0.0%" above 0 (<see cref="ExperimentSummary.FormatAccuracy"/>).</summary>
    private static string Acc(double v) => ExperimentSummary.FormatAccuracy(v);

    private static string Pct(double v) => double.IsNaN(v) ? "—" : (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string N(double v, string format) => double.IsNaN(v) ? "—" : v.ToString(format, CultureInfo.InvariantCulture);
}
