using System.Globalization;
using ActivationKit.Catalog;

namespace ActivationKit.Tests;

/// <summary>
/// One mpmath golden table (Golden/&lt;name&gt;.csv, written by tools/golden/gen_golden.py; format in docs/golden.md):
/// inputs x with f(x) and f′(x) as double-doubles (hi + lo) of the exact values, at the function's default parameters.
/// </summary>
public sealed class GoldenTable
{
    /// <summary>The header line that starts the data.</summary>
    public const string Header = "x,f_hi,f_lo,df_hi,df_lo";

    private GoldenTable(string name, IReadOnlyList<(string Name, double Value)> parameters, double[][] columns)
    {
        Name = name;
        Parameters = parameters;
        X = columns[0];
        FHi = columns[1];
        FLo = columns[2];
        DHi = columns[3];
        DLo = columns[4];
    }

    /// <summary>The file's name without extension (the canonical name of the function it was generated for).</summary>
    public string Name { get; }

    /// <summary>The parameter values the table was generated with (from its "# parameters:" line), in order.</summary>
    public IReadOnlyList<(string Name, double Value)> Parameters { get; }

    public double[] X { get; }
    public double[] FHi { get; }
    public double[] FLo { get; }
    public double[] DHi { get; }
    public double[] DLo { get; }

    public int Count => X.Length;

    /// <summary>The folder the tables are copied to next to the test assembly.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Golden");

    /// <summary>All table files, by the canonical name of the catalog function each resolves to (names and aliases).</summary>
    public static IReadOnlyDictionary<string, string> FilesByCatalogName()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!System.IO.Directory.Exists(Directory)) return map;
        foreach (string path in System.IO.Directory.GetFiles(Directory, "*.csv").Order(StringComparer.Ordinal))
        {
            var info = ActivationCatalog.Find(Path.GetFileNameWithoutExtension(path));
            if (info is not null) map.TryAdd(info.Name, path);
        }

        return map;
    }

    /// <summary>Reads a table; throws <see cref="FormatException"/> naming the line of any malformed row.</summary>
    public static GoldenTable Load(string path)
    {
        var parameters = new List<(string, double)>();
        var columns = Enumerable.Range(0, 5).Select(_ => new List<double>()).ToArray();
        bool inData = false;
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (!inData)
            {
                if (line.StartsWith("# parameters:", StringComparison.Ordinal)) parameters.AddRange(ParseParameters(line["# parameters:".Length..]));
                else if (line == Header) inData = true;
                else if (!line.StartsWith('#')) throw new FormatException($"{path}:{lineNumber}: expected a '#' comment or the header '{Header}'.");
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != 5) throw new FormatException($"{path}:{lineNumber}: expected 5 fields, got {fields.Length}.");
            for (int c = 0; c < 5; c++)
            {
                if (!ulong.TryParse(fields[c], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong bits))
                {
                    throw new FormatException($"{path}:{lineNumber}: '{fields[c]}' is not a hexadecimal bit pattern.");
                }

                columns[c].Add(BitConverter.UInt64BitsToDouble(bits));
            }
        }

        if (!inData) throw new FormatException($"{path}: the header '{Header}' is missing.");
        return new GoldenTable(Path.GetFileNameWithoutExtension(path), parameters, columns.Select(c => c.ToArray()).ToArray());
    }

    private static IEnumerable<(string, double)> ParseParameters(string text)
    {
        string t = text.Trim();
        if (t == "(none)") yield break;
        foreach (string part in t.Split(','))
        {
            string[] kv = part.Split('=');
            if (kv.Length != 2) throw new FormatException($"Malformed '# parameters:' entry '{part}'.");
            yield return (kv[0].Trim(), double.Parse(kv[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }
}
