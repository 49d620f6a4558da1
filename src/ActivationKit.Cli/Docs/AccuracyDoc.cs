using System.Globalization;
using System.Text;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;

namespace ActivationKit.Cli.Docs;

/// <summary>
/// docs/accuracy.md: a table of measured float32 errors, one row per function. Writing merges with the existing
/// file, so measuring a few functions updates only their rows.
/// </summary>
public static class AccuracyDoc
{
    /// <summary>Marker opening the table.</summary>
    public const string Start = "<!-- accuracy:start -->";

    /// <summary>Marker closing the table.</summary>
    public const string End = "<!-- accuracy:end -->";

    private const string Header =
        "| Function | Fwd max ULP | Worst x (fwd) | Bwd max ULP | Worst x (bwd) | # > 4 ULP | Inputs checked | Mode | ISA path | Date |\n" +
        "|---|---|---|---|---|---|---|---|---|---|";

    /// <summary>The document with <paramref name="results"/> merged into <paramref name="existing"/> (null: a new document).</summary>
    public static string Merge(string? existing, IEnumerable<AccuracyResult> results, DateTime date)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        string document = existing ?? NewDocument();
        string? body = Markdown.Between(document, Start, End);
        if (existing is not null && body is null)
        {
            throw new InvalidDataException($"The accuracy document has no {Start} / {End} markers; add them around the table or delete the file to recreate it.");
        }

        foreach (string line in (body ?? string.Empty).Split('\n'))
        {
            string trimmed = line.Trim();
            if (!trimmed.StartsWith('|') || trimmed.StartsWith("|---", StringComparison.Ordinal) || trimmed.StartsWith("| Function ", StringComparison.Ordinal)) continue;
            string key = trimmed.Split('|', StringSplitOptions.TrimEntries)[1].Trim('`');
            rows[key] = trimmed;
        }

        foreach (var r in results) rows[r.Function] = Row(r, date);

        var order = ActivationCatalog.Names.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i, StringComparer.Ordinal);
        int Rank(string key)
        {
            int paren = key.IndexOf('(', StringComparison.Ordinal);
            return order.TryGetValue(paren < 0 ? key : key[..paren], out int i) ? i : int.MaxValue;
        }

        var table = new StringBuilder(Header).Append('\n');
        foreach (var key in rows.Keys.OrderBy(Rank).ThenBy(k => k, StringComparer.Ordinal)) table.Append(rows[key]).Append('\n');
        return Markdown.ReplaceBetween(document, Start, End, table.ToString(), "The accuracy document");
    }

    /// <summary>One table row.</summary>
    public static string Row(AccuracyResult r, DateTime date)
    {
        ArgumentNullException.ThrowIfNull(r);
        string mode = r.Exhaustive ? (r.Inputs == 1L << 32 ? "exhaustive" : "exhaustive (range)") : "sampled";
        return $"| `{r.Function}` | {Describe.Ulps(r.Forward.Max)} | {Describe.Float((float)r.Forward.WorstInput)} " +
               $"| {Describe.Ulps(r.Backward.Max)} | {Describe.Float((float)r.Backward.WorstInput)} | {r.AboveBound} " +
               $"| {r.Inputs.ToString("N0", CultureInfo.InvariantCulture)} | {mode} | {r.IsaPath} | {date:yyyy-MM-dd} |";
    }

    private static string NewDocument() =>
        "# Accuracy\n\n" +
        "Measured float32 error of every element-wise kernel against its double-precision reference " +
        "(`Reference`/`ReferenceDerivative`), in units in the last place (ULP) of the correctly rounded result. " +
        "The promise is ≤ 4 ULP for every float input, forward and backward (backward = f′(x), i.e. dy = 1). " +
        "Next to a zero of f′ the backward error is measured absolutely, in ULPs of 1. " +
        "*sampled* rows use `AccuracySamples.Float` (special values, random bit patterns, log-uniform magnitudes, " +
        "[−20, 20] and a grid over [−110, 110]); *exhaustive* rows checked all 2³² float bit patterns.\n\n" +
        "Regenerate rows with `actkit accuracy [FN…] [--exhaustive] --write-docs docs/accuracy.md`; " +
        "rows of functions not measured are kept.\n\n" +
        Start + "\n" + End + "\n";
}
