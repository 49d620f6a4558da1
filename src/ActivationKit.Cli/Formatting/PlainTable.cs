namespace ActivationKit.Cli.Formatting;

/// <summary>
/// A table as plain aligned columns, one line per row: readable in any terminal width (a narrow terminal wraps whole
/// lines rather than squeezing cells), and easy to grep or cut.
/// </summary>
public static class PlainTable
{
    /// <summary>Writes the header, a rule and the rows; the last column is not padded.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(header);
        var all = rows.ToList();
        var widths = header.Select((h, k) => all.Select(r => r[k].Length).Append(h.Length).Max()).ToArray();
        writer.WriteLine(Line(header, widths));
        writer.WriteLine(Line(widths.Select(n => new string('─', n)).ToArray(), widths));
        foreach (var r in all) writer.WriteLine(Line(r, widths));
        writer.Flush();
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((c, k) => k == cells.Count - 1 ? c : c.PadRight(widths[k]))).TrimEnd();
}
