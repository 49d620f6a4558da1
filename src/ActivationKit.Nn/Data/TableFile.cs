using System.Globalization;

namespace ActivationKit.Nn.Data;

/// <summary>
/// A labelled table from a file, chosen by its extension: a 2-D NumPy <c>.npy</c> array
/// (<see cref="NpyDataset.LoadWithTargetColumn"/>) or, for any other name, a CSV file (<see cref="Csv.Load"/>). One
/// column is the label, the others the features. Used wherever a command takes "a data file" besides the built-in sets.
/// </summary>
public static class TableFile
{
    /// <summary>True when <paramref name="path"/> names a .npy file (read as an array, not as text).</summary>
    public static bool IsNpy(string path) => path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="path"/> has an extension this class reads (.csv, .txt, .tsv or .npy).</summary>
    public static bool HasTableExtension(string path) =>
        IsNpy(path) || Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".txt" or ".tsv";

    /// <summary>
    /// Loads <paramref name="path"/> with its label in <paramref name="labelColumn"/>: for a CSV a header name or a
    /// 0-based index, for a .npy array an index; negative indices count from the end; null is the last column.
    /// <paramref name="hasHeader"/> is a CSV's header setting (<see cref="Csv.Load"/>; null: auto); a .npy array has none.
    /// <paramref name="modelClasses"/>, a trained model's class names, number a CSV's text labels (<see cref="Csv.Load"/>).
    /// <paramref name="checkColumns"/> is a CSV's column check (<see cref="Csv.Load"/>), called with its header's feature
    /// and label names before any cell is read; a .npy array has no names.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">A .npy label column that is not an index of the array, or a header setting for a .npy array.</exception>
    /// <exception cref="FormatException">A CSV cell that is not a number, a missing or mixed label, a label the model does not know, or a ragged row (with its line).</exception>
    /// <exception cref="InvalidDataException">A .npy file that is unreadable, not 2-D, or has a label that is no class index.</exception>
    public static Dataset Load(string path, string? labelColumn = null, bool classification = true, bool? hasHeader = null, IReadOnlyList<string>? modelClasses = null, Action<IReadOnlyList<string>, IReadOnlyList<string>>? checkColumns = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The data file '{TerminalText.Safe(path)}' does not exist.", path);
        if (!IsNpy(path)) return Csv.Load(path, labelColumn, classification, hasHeader, modelClasses: modelClasses, checkColumns: checkColumns);
        RefuseHeader(hasHeader, path);
        int index = -1;
        if (labelColumn is not null && !int.TryParse(labelColumn, NumberStyles.Integer, CultureInfo.InvariantCulture, out index))
        {
            throw new ArgumentException($"The label column of a .npy array is a 0-based index (negative from the end), not '{labelColumn}'.", nameof(labelColumn));
        }

        return NpyDataset.LoadWithTargetColumn(path, index, classification);
    }

    /// <summary>
    /// Refuses a header setting (<c>--header yes</c> or <c>no</c>; null, auto, passes) for <paramref name="data"/> that is
    /// not read as a CSV file: a .npy array, or a built-in set such as <c>spirals</c> or <c>fashion-mnist</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hasHeader"/> is not null.</exception>
    public static void RefuseHeader(bool? hasHeader, string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (hasHeader is null) return;
        string what = IsNpy(data) ? $"the .npy array '{Path.GetFileName(data)}'" : $"the built-in set '{data.Trim()}'";
        throw new ArgumentException($"--header applies to CSV files, not to {what}.", nameof(hasHeader));
    }
}
