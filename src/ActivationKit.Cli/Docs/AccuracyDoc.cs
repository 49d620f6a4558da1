using System.Globalization;
using System.Text;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;

namespace ActivationKit.Cli.Docs;

/// <summary>
/// docs/accuracy.md: a table of measured float32 errors, one row per function; a table of the 16-bit types' errors, one
/// row per function and type; and a table of the row-wise and gated functions measured on rows. Writing merges with the
/// existing file, so measuring a few functions updates only their rows.
/// </summary>
public static class AccuracyDoc
{
    /// <summary>Marker opening the float32 table.</summary>
    public const string Start = "<!-- accuracy:start -->";

    /// <summary>Marker closing the float32 table.</summary>
    public const string End = "<!-- accuracy:end -->";

    /// <summary>Marker opening the Half / bfloat16 table.</summary>
    public const string Start16 = "<!-- accuracy16:start -->";

    /// <summary>Marker closing the Half / bfloat16 table.</summary>
    public const string End16 = "<!-- accuracy16:end -->";

    /// <summary>Marker opening the table of row-wise and gated functions.</summary>
    public const string StartRows = "<!-- accuracy-rows:start -->";

    /// <summary>Marker closing the table of row-wise and gated functions.</summary>
    public const string EndRows = "<!-- accuracy-rows:end -->";

    private const string HeaderRows =
        "| Function | Fwd max ULP | Worst x (fwd) | Bwd max ULP | Worst x (bwd) | # > 4 ULP | Outputs checked | Row lengths | ISA path | Date |\n" +
        "|---|---|---|---|---|---|---|---|---|---|";

    /// <summary>The section added to a document that predates the rows table.</summary>
    private const string SectionRows =
        "## Row-wise and gated functions, measured\n\n" +
        "Float rows against the double reference (`ReferenceRow`, `ReferenceBackwardRow`), forward and backward with dy " +
        "uniform on [−1, 1], by `actkit accuracy FN` (`--columns` and `--rows` choose the row lengths and the rows of each of " +
        "five kinds per length: Normal(0, σ) with σ from 1 to 30, uniform on [−100, 100], random bit patterns, one entry " +
        "20–60 above the rest, ties at the maximum and entries 200 below it). Row-wise gradients are measured relatively, " +
        "however small: the references are far finer than a float ULP there. A gated function's dB next to a zero of the " +
        "gate's slope is taken in float ULPs of |dy·a|.\n\n";

    private const string Header =
        "| Function | Fwd max ULP | Worst x (fwd) | Bwd max ULP | Worst x (bwd) | # > 4 ULP | Inputs checked | Mode | ISA path | Date |\n" +
        "|---|---|---|---|---|---|---|---|---|---|";

    private const string Header16 =
        "| Function | Type | Fwd max ULP | Worst x (fwd) | Bwd max ULP | Worst x (bwd) | # > bound | Bound | ISA path | Date |\n" +
        "|---|---|---|---|---|---|---|---|---|---|";

    /// <summary>The section added to a document that predates the 16-bit table.</summary>
    private const string Section16 =
        "## Half and bfloat16\n\n" +
        "The 16-bit types are computed in float and rounded once, so each result is the correctly rounded one unless the " +
        "float result lay within its few float ULPs of a rounding midpoint. Every one of the 65,536 bit patterns of each " +
        "type is checked, forward and backward (dy = 1), in ULPs of that type (`actkit accuracy --dtype f16` or " +
        "`--dtype bf16`, a second per function). The bound is 0.5 plus 4 float ULPs: 0.50049 Half ULP, 0.50006 bfloat16 ULP.\n\n";

    /// <summary>
    /// The document with <paramref name="results"/> merged into <paramref name="existing"/> (null: a new document):
    /// into the float32 table, or with <paramref name="type"/> into the 16-bit table (added when the document has none).
    /// </summary>
    public static string Merge(string? existing, IEnumerable<AccuracyResult> results, DateTime date, StorageType16? type = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (existing is not null) CheckMarkers(existing, "The accuracy document");
        string document = existing ?? NewDocument();
        if (type is { } t16)
        {
            document = WithSection(document, Section16, Start16, End16);
            return MergeTable(document, Start16, End16, Header16, keyColumns: 2, results.Select(r => ($"{r.Function} {TypeName(t16)}", Row16(r, t16, date))));
        }

        return MergeTable(document, Start, End, Header, keyColumns: 1, results.Select(r => (r.Function, Row(r, date))));
    }

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming <paramref name="documentName"/> (the file, in the CLI) and the
    /// marker that is missing or out of place: the float32 table's pair is required, and the 16-bit and rows tables'
    /// pairs must be whole where they appear. A file with only the start marker was said to have "no markers", and a
    /// table with one marker of its pair got a second table appended whose end marker then closed the first one.
    /// </summary>
    public static void CheckMarkers(string document, string documentName)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var (start, end, required) in new[] { (Start, End, true), (Start16, End16, false), (StartRows, EndRows, false) })
        {
            int at = document.IndexOf(start, StringComparison.Ordinal), endAt = document.IndexOf(end, StringComparison.Ordinal);
            string? problem = (at < 0, endAt < 0) switch
            {
                (true, true) => required ? $"has neither of the markers {start} and {end}; add them around the float32 table" : null,
                (false, true) => $"has {start} but no {end}; add it below the table",
                (true, false) => $"has {end} but no {start}; add it above the table",
                _ => endAt < at ? $"has {end} before {start}; put the start marker above the table and the end marker below it" : null,
            };
            if (problem is not null) throw new InvalidDataException($"{documentName} {problem}, or delete the file to recreate it.");
        }
    }

    /// <summary>The document with row-wise and gated <paramref name="results"/> merged into their table (added when missing).</summary>
    public static string MergeRows(string? existing, IEnumerable<AccuracyResult> results, IReadOnlyList<int> lengths, DateTime date)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(lengths);
        if (existing is not null) CheckMarkers(existing, "The accuracy document");
        string document = existing ?? NewDocument();
        document = WithSection(document, SectionRows, StartRows, EndRows);
        string span = lengths.Count == 1 ? lengths[0].ToString("N0", CultureInfo.InvariantCulture) : $"{lengths.Count} from {lengths.Min():N0} to {lengths.Max():N0}";
        return MergeTable(document, StartRows, EndRows, HeaderRows, keyColumns: 1, results.Select(r => (r.Function,
            $"| `{r.Function}` | {Describe.Ulps(r.Forward.Max)} | {Describe.Float((float)r.Forward.WorstInput)} " +
            $"| {Describe.Ulps(r.Backward.Max)} | {Describe.Float((float)r.Backward.WorstInput)} | {r.AboveBound} " +
            $"| {r.Inputs.ToString("N0", CultureInfo.InvariantCulture)} | {span} | {r.IsaPath} | {date:yyyy-MM-dd} |")));
    }

    /// <summary>One row of the float32 table.</summary>
    public static string Row(AccuracyResult r, DateTime date)
    {
        ArgumentNullException.ThrowIfNull(r);
        string mode = Mode(r.Exhaustive, r.Inputs);
        return $"| `{r.Function}` | {Describe.Ulps(r.Forward.Max)} | {Describe.Float((float)r.Forward.WorstInput)} " +
               $"| {Describe.Ulps(r.Backward.Max)} | {Describe.Float((float)r.Backward.WorstInput)} | {r.AboveBound} " +
               $"| {r.Inputs.ToString("N0", CultureInfo.InvariantCulture)} | {mode} | {r.IsaPath} | {date:yyyy-MM-dd} |";
    }

    /// <summary>One row of the 16-bit table (every bit pattern of <paramref name="type"/> checked).</summary>
    public static string Row16(AccuracyResult r, StorageType16 type, DateTime date)
    {
        ArgumentNullException.ThrowIfNull(r);
        return $"| `{r.Function}` | {TypeName(type)} | {Ulps16(r.Forward.Max)} | {Describe.Float((float)r.Forward.WorstInput)} " +
               $"| {Ulps16(r.Backward.Max)} | {Describe.Float((float)r.Backward.WorstInput)} | {r.AboveBound} " +
               $"| {Ulps16(AccuracyMeter.UlpBound16(type))} | {r.IsaPath} | {date:yyyy-MM-dd} |";
    }

    /// <summary>The type's name in the tables and messages: Half or bfloat16.</summary>
    public static string TypeName(StorageType16 type) => type == StorageType16.Half ? "Half" : "bfloat16";

    /// <summary>A 16-bit error with the digits that tell a correctly rounded result (≤ 0.5) from one past a midpoint.</summary>
    public static string Ulps16(double ulps) => double.IsFinite(ulps) ? ulps.ToString("0.00000", CultureInfo.InvariantCulture) : "∞";

    /// <summary>The document, with <paramref name="section"/> and an empty table between the markers appended when it has no such table yet.</summary>
    private static string WithSection(string document, string section, string start, string end) =>
        Markdown.Between(document, start, end) is null ? document.TrimEnd('\n') + "\n\n" + section + start + "\n" + end + "\n" : document;

    /// <summary>
    /// The rows of the table between <paramref name="start"/> and <paramref name="end"/> by key (the first
    /// <paramref name="keyColumns"/> cells without their backticks): the row's text and its cells (cell 1 is the first).
    /// </summary>
    private static Dictionary<string, (string Row, string[] Cells)> TableRows(string document, string start, string end, int keyColumns)
    {
        var rows = new Dictionary<string, (string, string[])>(StringComparer.Ordinal);
        foreach (string line in (Markdown.Between(document, start, end) ?? string.Empty).Split('\n'))
        {
            string trimmed = line.Trim();
            if (!trimmed.StartsWith('|') || trimmed.StartsWith("|---", StringComparison.Ordinal) || trimmed.StartsWith("| Function ", StringComparison.Ordinal)) continue;
            string[] cells = trimmed.Split('|', StringSplitOptions.TrimEntries);
            rows[string.Join(' ', cells.Skip(1).Take(keyColumns).Select(c => c.Trim('`')))] = (trimmed, cells);
        }

        return rows;
    }

    /// <summary>
    /// A measurement about to be merged: the function's label, the inputs it checks (outputs, for the rows table) and
    /// its mode as the float32 table writes it (sampled, exhaustive (range), exhaustive; <see cref="RowsMode"/> for rows).
    /// </summary>
    public readonly record struct Planned(string Function, long Count, string Mode);

    /// <summary>The mode of a <see cref="Planned"/> row-wise or gated measurement (the rows table has no mode column).</summary>
    public const string RowsMode = "rows";

    /// <summary>A row of the document that a planned measurement would replace with a weaker one.</summary>
    public readonly record struct Weaker(string Function, long OldCount, string OldMode, long NewCount, string NewMode);

    /// <summary>
    /// The first row of <paramref name="document"/> that one of <paramref name="planned"/> would replace though it
    /// records a stronger measurement — more inputs (outputs for rows) or a stronger mode (exhaustive over exhaustive
    /// (range) over sampled) — or null when none would. A row whose count or mode cannot be read is not protected.
    /// </summary>
    public static Weaker? WeakerReplacement(string document, IEnumerable<Planned> planned)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(planned);
        var float32 = TableRows(document, Start, End, keyColumns: 1);
        var rowwise = TableRows(document, StartRows, EndRows, keyColumns: 1);
        foreach (var p in planned)
        {
            bool rows = p.Mode == RowsMode;
            if (!(rows ? rowwise : float32).TryGetValue(p.Function, out var old) || old.Cells.Length < 9) continue;
            if (!long.TryParse(old.Cells[7], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out long count)) continue;
            string mode = rows ? RowsMode : old.Cells[8];
            if (count > p.Count || ModeRank(mode) > ModeRank(p.Mode)) return new Weaker(p.Function, count, mode, p.Count, p.Mode);
        }

        return null;
    }

    /// <summary>The float32 table's modes from weakest to strongest: sampled, exhaustive (range), exhaustive.</summary>
    private static int ModeRank(string mode) => mode switch { "exhaustive" => 2, "exhaustive (range)" => 1, _ => 0 };

    /// <summary>The float32 table's mode of a measurement over <paramref name="inputs"/> inputs.</summary>
    public static string Mode(bool exhaustive, long inputs) => exhaustive ? (inputs == 1L << 32 ? "exhaustive" : "exhaustive (range)") : "sampled";

    private static string MergeTable(string document, string start, string end, string header, int keyColumns, IEnumerable<(string Key, string Row)> updates)
    {
        var rows = TableRows(document, start, end, keyColumns).ToDictionary(r => r.Key, r => r.Value.Row, StringComparer.Ordinal);
        foreach (var (key, row) in updates) rows[key] = row;

        var order = ActivationCatalog.Names.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i, StringComparer.Ordinal);
        int Rank(string key)
        {
            int cut = key.IndexOfAny(['(', ' ']);
            return order.TryGetValue(cut < 0 ? key : key[..cut], out int i) ? i : int.MaxValue;
        }

        var table = new StringBuilder(header).Append('\n');
        foreach (var key in rows.Keys.OrderBy(Rank).ThenBy(k => k, StringComparer.Ordinal)) table.Append(rows[key]).Append('\n');
        return Markdown.ReplaceBetween(document, start, end, table.ToString(), "The accuracy document");
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
