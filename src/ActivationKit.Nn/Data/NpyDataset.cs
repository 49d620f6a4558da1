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
    /// <exception cref="InvalidDataException">A file is not a readable .npy array, a scalar, or the sample counts differ.</exception>
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
        float[] targets = y.ToSingleArray();
        int classes = 0;
        if (classification)
        {
            // The largest label sets the class count; the Dataset checks every label against it.
            float top = targets.DefaultIfEmpty(0).Max();
            if (!(top >= 0 && top < Dataset.MaxClasses)) throw new InvalidDataException($"{Path.GetFileName(targetsPath)}: the label {top} is not a class index (0, 1, 2, … below {Dataset.MaxClasses:N0}).");
            classes = Math.Max(2, (int)top + 1);
        }

        return new Dataset(Path.GetFileName(featuresPath), x.ToSingleArray(), features, targets, targetColumns, classes);
    }
}
