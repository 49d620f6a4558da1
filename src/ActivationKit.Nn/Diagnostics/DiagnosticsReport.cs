using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActivationKit.Diagnostics;

namespace ActivationKit.Nn.Diagnostics;

/// <summary>Everything a diagnostics run found, ready to print or save.</summary>
public sealed record DiagnosticsReport
{
    /// <summary>What was diagnosed (a training run, a folder, a model file).</summary>
    public required string Source { get; init; }

    /// <summary>Steps between checks (0 for a single offline check).</summary>
    public int Every { get; init; }

    /// <summary>Training steps seen.</summary>
    public long Steps { get; init; }

    /// <summary>Checks run.</summary>
    public int Checks { get; init; }

    /// <summary>Why training was stopped early, or null.</summary>
    public string? StopReason { get; init; }

    /// <summary>
    /// How training diverged (the trainer's message), or null: a report whose checks found nothing must not read as a
    /// healthy run when the loss became NaN afterwards.
    /// </summary>
    public string? Divergence { get; init; }

    /// <summary>Findings, most severe first.</summary>
    public required IReadOnlyList<ReportedFinding> Findings { get; init; }

    /// <summary>Per-layer statistics at every check.</summary>
    public IReadOnlyList<LayerHistory> Layers { get; init; } = [];

    /// <summary>Per-layer gradient norms at every check.</summary>
    public IReadOnlyList<GradientFlowPoint> GradientFlow { get; init; } = [];

    /// <summary>What the checks could not look at and why (<see cref="DiagnosticsSession.Notes"/>), one sentence each.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The worst severity found, or null when nothing was found.</summary>
    public Severity? WorstSeverity => Findings.Count == 0 ? null : Findings.Max(f => f.Finding.Severity);

    /// <summary>
    /// The report as indented JSON: <c>findings</c> (kind such as <c>dead_units</c>, severity, layer, firstStep, step,
    /// occurrences, evidence, units, explanation, fix), <c>notes</c> (what was not checked and why), <c>layers</c> (statistics and histogram per check) and
    /// <c>gradientFlow</c>. A dead or saturated fraction that does not apply is null; other non-finite numbers are written
    /// as the strings "NaN", "Infinity", "-Infinity".
    /// </summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        WriteJson(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes <see cref="ToJson"/>'s document to a stream (UTF-8, no byte-order mark).</summary>
    public void WriteJson(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("source", Source);
        json.WriteNumber("every", Every);
        json.WriteNumber("steps", Steps);
        json.WriteNumber("checks", Checks);
        if (StopReason is null) json.WriteNull("stopReason");
        else json.WriteString("stopReason", StopReason);
        if (Divergence is null) json.WriteNull("divergence");
        else json.WriteString("divergence", Divergence);
        json.WriteStartArray("findings");
        foreach (var r in Findings)
        {
            var f = r.Finding;
            json.WriteStartObject();
            json.WriteString("kind", f.KindName);
            json.WriteString("severity", SeverityName(f.Severity));
            json.WriteString("layer", f.Layer);
            NullableNumber(json, "firstStep", r.FirstStep);
            NullableNumber(json, "step", f.Step);
            json.WriteNumber("occurrences", r.Occurrences);
            json.WriteStartObject("evidence");
            foreach (var (k, v) in f.Evidence) Number(json, k, v);
            json.WriteEndObject();
            json.WriteStartArray("units");
            foreach (int u in f.Units) json.WriteNumberValue(u);
            json.WriteEndArray();
            json.WriteString("explanation", f.Explanation);
            json.WriteString("fix", f.Fix);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("notes");
        foreach (string note in Notes) json.WriteStringValue(note);
        json.WriteEndArray();
        json.WriteStartArray("layers");
        foreach (var layer in Layers)
        {
            json.WriteStartObject();
            json.WriteString("name", layer.Name);
            json.WriteString("activation", layer.Activation);
            json.WriteNumber("units", layer.Units);
            json.WriteStartArray("checks");
            foreach (var c in layer.Checks)
            {
                json.WriteStartObject();
                json.WriteNumber("step", c.Step);
                // A fraction that does not apply (an activation without a saturated range, such as the identity) is null, as
                // compare's and report's JSON write it: it was the string "NaN", which a reader of numbers stumbles on.
                NumberOrNull(json, "deadFraction", c.DeadFraction);
                NumberOrNull(json, "saturatedFraction", c.SaturatedFraction);
                // null where no gradient was given, "NaN" where the gradient was NaN (the text table: "—" and NaN).
                if (c.HasGradientNorm) Number(json, "gradientNorm", c.GradientNorm);
                else json.WriteNull("gradientNorm");
                json.WritePropertyName("activations");
                Statistics(json, c.Activations);
                if (c.PreActivations is { } p)
                {
                    json.WritePropertyName("preActivations");
                    Statistics(json, p);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("gradientFlow");
        foreach (var g in GradientFlow)
        {
            json.WriteStartObject();
            json.WriteNumber("step", g.Step);
            json.WriteStartArray("norms");
            foreach (double n in g.Norms) Number(json, n);
            json.WriteEndArray();
            Number(json, "firstToLastRatio", g.FirstToLastRatio);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The report as readable text: the findings with evidence and fixes, then a table of the layers at the last check.</summary>
    public string ToText()
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        WriteText(w);
        return w.ToString();
    }

    /// <summary>Writes <see cref="ToText"/>'s text.</summary>
    public void WriteText(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var inv = CultureInfo.InvariantCulture;
        string checks = Every > 0
            ? $"{Spelling.Count(Steps, "step")}, {Spelling.Count(Checks, "check")} ({(Every == 1 ? "every step" : $"every {Every} steps")})"
            : Spelling.Count(Checks, "check");
        // Layer names come from the user (a manifest, file names) and sentences quote them: shown without control
        // characters, which would reach the terminal (TerminalText). The JSON report keeps them, escaped.
        static string T(string text) => TerminalText.Safe(text);
        writer.WriteLine($"Diagnostics of {T(Source)}: {checks}");
        if (StopReason is not null) writer.WriteLine($"Training stopped early: {T(StopReason)}");
        if (Divergence is not null) writer.WriteLine(T(Divergence));
        writer.WriteLine();
        if (Findings.Count == 0)
        {
            writer.WriteLine(Divergence is null ? "No problems found." : "The checks found no problem, but training diverged.");
        }
        else
        {
            writer.WriteLine($"{Findings.Count} finding{(Findings.Count == 1 ? "" : "s")}:");
            foreach (var r in Findings)
            {
                var f = r.Finding;
                string when = r.FirstStep is null ? "before training" : r.Occurrences > 1 ? $"first at step {r.FirstStep}, last at step {f.Step}, {r.Occurrences} checks" : $"at step {r.FirstStep}";
                if (Every == 0) when = "";
                writer.WriteLine();
                writer.WriteLine($"[{SeverityName(f.Severity)}] {f.KindName} in {T(f.Layer)}{(when.Length > 0 ? $" ({when})" : "")}");
                writer.WriteLine($"  {T(f.Explanation)}");
                if (f.Evidence.Count > 0) writer.WriteLine($"  Evidence: {string.Join(", ", f.Evidence.Select(e => $"{e.Key} = {Evidence(e.Value)}"))}");
                writer.WriteLine($"  Fix: {T(f.Fix)}");
            }
        }

        if (Notes.Count > 0) writer.WriteLine();
        foreach (string note in Notes) writer.WriteLine($"Note: {T(note)}");

        if (Layers.Count == 0 || Layers[0].Checks.Count == 0) return;
        long step = Layers[0].Checks[^1].Step;
        writer.WriteLine();
        writer.WriteLine(Every > 0 ? $"Layers at the last check (step {step}):" : "Layers:");
        var rows = new List<string[]> { new[] { "layer", "activation", "units", "mean", "std", "min", "max", "neg", "dead", "saturated", "grad norm" } };
        foreach (var l in Layers)
        {
            var c = l.Checks[^1];
            var s = c.Activations;
            rows.Add([T(l.Name), l.Activation, l.Units.ToString(inv), Format(s.Mean), Format(s.Std), Format(s.Min), Format(s.Max), Percent(s.FractionNegative), Percent(c.DeadFraction), Percent(c.SaturatedFraction), c.HasGradientNorm ? Norm(c.GradientNorm) : "—"]);
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(j => rows.Max(r => r[j].Length)).ToArray();
        foreach (var r in rows)
        {
            writer.WriteLine(("  " + string.Join("  ", r.Select((cell, j) => j < 2 ? cell.PadRight(widths[j]) : cell.PadLeft(widths[j])))).TrimEnd());
        }
    }

    /// <summary>The name written for a severity (<c>info</c>, <c>warning</c>, <c>critical</c>).</summary>
    public static string SeverityName(Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Warning => "warning",
        _ => "critical",
    };

    private static string Format(double v) => double.IsNaN(v) ? "—" : v.ToString("G3", CultureInfo.InvariantCulture);

    // A gradient norm that was given prints NaN or ∞ as such: the dash is for a layer without one.
    private static string Norm(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsInfinity(v) ? (v > 0 ? "∞" : "−∞") : v.ToString("G3", CultureInfo.InvariantCulture);

    // Counts print whole; NaN and infinities print as such (a dash would hide a diverged value).
    private static string Evidence(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsInfinity(v) ? (v > 0 ? "∞" : "−∞")
        : v == Math.Floor(v) && Math.Abs(v) < 1e9 ? v.ToString("0", CultureInfo.InvariantCulture)
        : v.ToString("G3", CultureInfo.InvariantCulture);

    private static string Percent(double v) => double.IsNaN(v) ? "—" : (100 * v).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static void Statistics(Utf8JsonWriter json, ActivationStatistics s)
    {
        json.WriteStartObject();
        json.WriteNumber("count", s.Count);
        Number(json, "mean", s.Mean);
        Number(json, "std", s.Std);
        Number(json, "min", s.Min);
        Number(json, "max", s.Max);
        Number(json, "fractionNegative", s.FractionNegative);
        Number(json, "fractionZero", s.FractionZero);
        Number(json, "fractionNonFinite", s.FractionNonFinite);
        json.WriteStartObject("histogram");
        json.WriteStartArray("edges");
        foreach (double e in s.HistogramEdges) Number(json, e);
        json.WriteEndArray();
        json.WriteStartArray("counts");
        foreach (long c in s.HistogramCounts) json.WriteNumberValue(c);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void NullableNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is long v) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    private static void NumberOrNull(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsNaN(value)) json.WriteNull(name);
        else Number(json, name, value);
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        Number(json, value);
    }

    private static void Number(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value)) json.WriteNumberValue(value);
        else json.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
}
