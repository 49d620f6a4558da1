namespace ActivationKit.Tests;

/// <summary>
/// The row golden files in RowGolden/ (tools/golden/softmax_gradient_golden.py and softmax_gradient_float_golden.py):
/// a "row LABEL" line opens each row, and each following "KEY v1 v2 …" line gives one of its arrays as tokens;
/// blank lines and '#' comments are skipped.
/// </summary>
internal static class RowGoldenFile
{
    /// <summary>Reads every row of <paramref name="fileName"/>, each built by <paramref name="build"/> from its label and arrays.</summary>
    public static List<TRow> Read<TRow>(string fileName, Func<string, Dictionary<string, string[]>, TRow> build)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "RowGolden", fileName);
        var rows = new List<TRow>();
        string? label = null;
        var arrays = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path).Append("row end"))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            string key = line[..space];
            string rest = line[(space + 1)..];
            if (key == "row")
            {
                if (label is not null) rows.Add(build(label, arrays));
                label = rest;
                arrays.Clear();
                continue;
            }

            arrays[key] = rest.Split(' ');
        }

        return rows;
    }
}
