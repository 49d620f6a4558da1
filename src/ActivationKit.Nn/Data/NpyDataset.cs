using ActivationKit.IO;

namespace ActivationKit.Nn.Data;

/// <summary>
/// A <see cref="Dataset"/> from two NumPy <c>.npy</c> files, read by the core library's <see cref="Npy"/> reader
/// (float32, float64, uint8, int32 or int64, either byte order, C order), converted to float.
/// </summary>
public static class NpyDataset
{
    /// <summary>Loads features (N × F, or N × …, flattened) and labels (N, or N × L) from two .npy files.</summary>
    /// <param name="featuresPath">The features, with the sample dimension first.</param>
    /// <param name="targetsPath">The targets, with the same number of samples.</param>
    /// <param name="classification">True: the targets are class indices and the class count is the largest label + 1 (at least 2); false: regression.</param>
    /// <exception cref="InvalidDataException">
    /// A file is not a readable .npy array, a scalar, the sample counts differ, or a file holds a NaN or infinite value
    /// (or a float64 one beyond the float range): the message names that file and the value's row and column, from 1.
    /// </exception>
    public static Dataset Load(string featuresPath, string targetsPath, bool classification = true)
    {
        ArgumentNullException.ThrowIfNull(featuresPath);
        ArgumentNullException.ThrowIfNull(targetsPath);
        var x = Npy.Read(featuresPath);
        var y = Npy.Read(targetsPath);
        var xs = x.Shape;
        var ys = y.Shape;
        if (xs.Count == 0 || ys.Count == 0) throw new InvalidDataException("Features and targets must be arrays with a first (sample) dimension.");
        if (xs[0] != ys[0]) throw new InvalidDataException($"{Path.GetFileName(featuresPath)} has {xs[0]} samples but {Path.GetFileName(targetsPath)} has {ys[0]}.");
        int features = xs.Skip(1).Aggregate(1, (a, b) => a * b);
        int targetColumns = ys.Skip(1).Aggregate(1, (a, b) => a * b);
        float[] values = x.ToSingleArray();
        float[] targets = y.ToSingleArray();

        // Checked here rather than left to the Dataset, which knows one name only: a NaN among the targets was
        // reported as one of the features file.
        RefuseNonFinite(x, values, Path.GetFileName(featuresPath));
        RefuseNonFinite(y, targets, Path.GetFileName(targetsPath));
        int classes = classification ? ClassCount(targets, Path.GetFileName(targetsPath)) : 0;
        return new Dataset(Path.GetFileName(featuresPath), values, features, targets, targetColumns, classes);
    }

    /// <summary>
    /// Loads one 2-D .npy array whose column <paramref name="targetColumn"/> holds the target and whose other columns are
    /// the features, like a CSV file.
    /// </summary>
    /// <param name="path">An N × C array, C ≥ 2.</param>
    /// <param name="targetColumn">The target's column, 0-based; negative counts from the end (−1, the default, is the last).</param>
    /// <param name="classification">True: the targets are class indices (see <see cref="Load(string, string, bool)"/>); false: regression.</param>
    /// <exception cref="InvalidDataException">
    /// Not a readable .npy array, not 2-D, fewer than two columns, a label that is no class index, or a NaN or infinite
    /// value (or a float64 one beyond the float range), named by its row and column in the file, from 1.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="targetColumn"/> is outside [−C, C − 1].</exception>
    public static Dataset LoadWithTargetColumn(string path, int targetColumn = -1, bool classification = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        var array = Npy.Read(path);
        var shape = array.Shape;
        string name = Path.GetFileName(path);
        if (shape.Count != 2) throw new InvalidDataException($"{name} has shape ({string.Join(", ", shape)}); give a 2-D array whose target is one of its columns.");
        int rows = shape[0], columns = shape[1];
        if (columns < 2) throw new InvalidDataException($"{name} has {columns} column(s); it needs features and a target column.");
        if (targetColumn < -columns || targetColumn >= columns)
        {
            throw new ArgumentException($"{name} has {columns} columns, so the target column must be in [-{columns}, {columns - 1}], got {targetColumn}.", nameof(targetColumn));
        }

        int index = targetColumn < 0 ? columns + targetColumn : targetColumn;
        float[] data = array.ToSingleArray();

        // Before the target column is taken out, so the position is the file's: the Dataset would count the features
        // only, one column off for every feature after the target.
        RefuseNonFinite(array, data, name);
        var features = new float[rows * (columns - 1)];
        var targets = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * columns, columns);
            targets[r] = row[index];
            row[..index].CopyTo(features.AsSpan(r * (columns - 1)));
            row[(index + 1)..].CopyTo(features.AsSpan((r * (columns - 1)) + index));
        }

        int classes = classification ? ClassCount(targets, $"{name}, column {index}") : 0;
        return new Dataset(name, features, columns - 1, targets, 1, classes);
    }

    /// <summary>
    /// Refuses the first NaN or infinite value of <paramref name="values"/> (<paramref name="array"/> as float), naming
    /// <paramref name="file"/> and the value's row and column from 1, as predict does; a float64 value that only
    /// became infinite in float is named as what the file holds.
    /// </summary>
    private static void RefuseNonFinite(NpyArray array, float[] values, string file)
    {
        int bad = Dataset.IndexOfNonFinite(values);
        if (bad < 0) return;
        var shape = array.Shape;
        int columns = Math.Max(1, values.Length / Math.Max(1, shape[0]));
        string position = shape.Count switch
        {
            1 => $"row {bad + 1}",
            2 => $"row {(bad / columns) + 1}, column {(bad % columns) + 1}",
            _ => $"row {(bad / columns) + 1}, value {(bad % columns) + 1} of its {columns} (flattened)",
        };
        double held = array.Double is { } d ? d[bad] : values[bad];
        string what = double.IsNaN(held) ? "NaN (a missing value)"
            : double.IsInfinity(held) ? (held > 0 ? "+∞" : "−∞")
            : $"{held.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, beyond the float range (±3.4e38)";
        throw new InvalidDataException($"{file}: {position} is {what}; every value must be a finite float: fill or drop missing and out-of-range values.");
    }

    /// <summary>The class count the largest label sets (at least 2); the Dataset then checks every label against it.</summary>
    private static int ClassCount(float[] targets, string where)
    {
        float top = targets.DefaultIfEmpty(0).Max();
        if (!(top >= 0 && top < Dataset.MaxClasses)) throw new InvalidDataException($"{where}: the label {top} {ClassLabels.NotAClassIndex} (0, 1, 2, … below {Dataset.MaxClasses:N0}).");
        return Math.Max(2, (int)top + 1);
    }
}
