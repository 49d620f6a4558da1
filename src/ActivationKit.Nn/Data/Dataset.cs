using System.Globalization;
namespace ActivationKit.Nn.Data;

/// <summary>
/// Samples in memory: features [Rows × FeatureCount] row-major, and targets [Rows × TargetColumns]. A classification
/// set has one target column holding the class index (0…ClassCount−1); a regression set has ClassCount = 0.
/// </summary>
public sealed class Dataset
{
    /// <summary>Creates a dataset, checking the shapes and (for classification) the labels.</summary>
    public Dataset(string name, float[] features, int featureCount, float[] targets, int targetColumns, int classCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (featureCount < 1) throw new ArgumentException($"featureCount must be ≥ 1, got {featureCount}.", nameof(featureCount));
        if (targetColumns < 1) throw new ArgumentException($"targetColumns must be ≥ 1, got {targetColumns}.", nameof(targetColumns));
        if (classCount < 0 || classCount == 1) throw new ArgumentException($"classCount must be 0 (regression) or ≥ 2, got {classCount}.", nameof(classCount));
        if (classCount > MaxClasses) throw new ArgumentException($"{name}: {classCount:N0} classes is more than the {MaxClasses:N0} a classification set may have; class labels must be 0, 1, 2, ….", nameof(classCount));
        if (classCount > 0 && targetColumns != 1) throw new ArgumentException("A classification set has one target column of class indices.", nameof(targetColumns));
        if (features.Length % featureCount != 0) throw new ArgumentException($"{features.Length} feature values are not a whole number of rows of {featureCount}.", nameof(features));
        int rows = features.Length / featureCount;
        if (targets.Length != rows * targetColumns)
        {
            throw new ArgumentException($"There are {rows} samples but {targets.Length} target values (expected {rows * targetColumns}).", nameof(targets));
        }

        // A NaN or infinite value would train to NaN weights without a word (a missing CSV cell read as "nan", a value
        // beyond the float range): refused here, where every source (CSV, .npy, IDX, built-in) passes. Positions count
        // from 1, as predict's and the CSV reader's do; the file readers refuse such values first, naming the file that
        // holds them and its own row and column (a feature's column in a table is not its file column when the target
        // comes before it).
        int badFeature = IndexOfNonFinite(features);
        if (badFeature >= 0)
        {
            throw new ArgumentException($"{name}: row {(badFeature / featureCount) + 1}, feature {(badFeature % featureCount) + 1} is {Describe(features[badFeature])}; fill or drop missing and out-of-range values.", nameof(features));
        }

        int badTarget = IndexOfNonFinite(targets);
        if (badTarget >= 0)
        {
            string column = targetColumns > 1 ? $" in target column {(badTarget % targetColumns) + 1}" : "";
            throw new ArgumentException($"{name}: row {(badTarget / targetColumns) + 1} has the target {Describe(targets[badTarget])}{column}; every target must be a finite number.", nameof(targets));
        }

        if (classCount > 0)
        {
            for (int i = 0; i < targets.Length; i++)
            {
                float t = targets[i];
                if (t != MathF.Floor(t) || t < 0 || t >= classCount)
                {
                    throw new ArgumentException($"{name}: row {i + 1} has label {t}, which is not a class index in [0, {classCount - 1}].", nameof(targets));
                }
            }
        }

        Name = name;
        Features = features;
        FeatureCount = featureCount;
        Targets = targets;
        TargetColumns = targetColumns;
        ClassCount = classCount;
        Rows = rows;
    }

    /// <summary>The index of the first NaN or infinite value, or −1 (vectorised: x − x is 0 exactly for finite x).</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var span = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(values);
            for (int v = 0; v < span.Length; v++)
            {
                var d = span[v] - span[v];
                if (!System.Numerics.Vector.EqualsAll(d, System.Numerics.Vector<float>.Zero)) break;
                i += System.Numerics.Vector<float>.Count;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) return i;
        }

        return -1;
    }

    private static string Describe(float value) => float.IsNaN(value) ? "NaN" : value > 0 ? "+∞" : "−∞";

    /// <summary>The most classes a classification set may have (a label of 10⁹ would otherwise ask for a network with 10⁹ outputs).</summary>
    public const int MaxClasses = 65536;

    /// <summary>Where the data came from.</summary>
    public string Name { get; }

    /// <summary>[Rows × FeatureCount].</summary>
    public float[] Features { get; }

    /// <summary>[Rows × TargetColumns].</summary>
    public float[] Targets { get; }

    public int Rows { get; }

    public int FeatureCount { get; }

    public int TargetColumns { get; }

    /// <summary>Number of classes; 0 for regression.</summary>
    public int ClassCount { get; }

    /// <summary>Names of the classes (index → name) when known, e.g. from a CSV's text labels.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// Names of the feature columns in order (a CSV header's, without the label columns), or null when the data has
    /// none; saved with a model (<see cref="ModelMetadata.FeatureNames"/>) so its inputs can be checked by name.
    /// </summary>
    /// <exception cref="ArgumentException">Not one name per feature, or a null name.</exception>
    public IReadOnlyList<string>? FeatureNames
    {
        get => _featureNames;
        init => _featureNames = CheckNames(value, FeatureCount, "feature", "feature", nameof(FeatureNames));
    }

    private readonly IReadOnlyList<string>? _featureNames;

    /// <summary>
    /// Names of the target columns in order when the data has several (a CSV header's names of <c>l0,l1,l2</c>: the
    /// labels of a multilabel set or the targets of a multi-output regression), else null; saved with a model
    /// (<see cref="ModelMetadata.TargetNames"/>) so its outputs can be named.
    /// </summary>
    /// <exception cref="ArgumentException">Not one name per target column, or a null name.</exception>
    public IReadOnlyList<string>? TargetNames
    {
        get => _targetNames;
        init => _targetNames = CheckNames(value, TargetColumns, "target", "target column", nameof(TargetNames));
    }

    private readonly IReadOnlyList<string>? _targetNames;

    /// <summary><paramref name="names"/> when it has one non-null name per column, else the reason as an exception.</summary>
    private IReadOnlyList<string>? CheckNames(IReadOnlyList<string>? names, int count, string kind, string column, string parameter)
    {
        if (names is not null && (names.Count != count || names.Any(n => n is null)))
        {
            throw new ArgumentException(names.Count != count
                ? $"{Name}: the {kind} names ({names.Count}) must be one per {column} ({count})."
                : $"{Name}: a {kind} name is null; each must be a text.", parameter);
        }

        return names;
    }

    /// <summary>True for classification.</summary>
    public bool IsClassification => ClassCount > 0;

    /// <summary>
    /// Refuses --samples above what the data holds (<paramref name="what"/>: "rows of 'x.csv'"). <see cref="Sample"/> takes
    /// all of them then; a run that recorded or reported the number asked for would describe data it never used.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is above <paramref name="available"/>.</exception>
    /// <param name="samples">The count asked for.</param>
    /// <param name="available">The rows the data holds.</param>
    /// <param name="what">What the rows are, after "the N".</param>
    /// <param name="all">How the command takes all of them, after "or" (null: the command has no such setting).</param>
    public static void RefuseMoreSamplesThan(int samples, int available, string what, string? all = "--samples 0 for all of them")
    {
        if (samples > available)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--samples {samples} is more than the {available:N0} {what}; give --samples {available} or fewer{(all is null ? "" : ", or " + all)}."));
        }
    }

    /// <summary>
    /// <paramref name="count"/> samples drawn without replacement, in the order of a permutation seeded with
    /// <paramref name="seed"/> and <paramref name="stream"/> (<see cref="Rng.Derive"/>); the dataset itself when
    /// <paramref name="count"/> is 0 or less, or not below its size. <c>compare</c>, <c>train --samples</c> and the
    /// advisor's trials draw their subsets here.
    /// </summary>
    public Dataset Sample(int count, ulong seed, string stream = "subset")
    {
        if (count <= 0 || count >= Rows) return this;
        var order = Rng.Derive(seed, stream).Permutation(Rows);
        return Subset(order.AsSpan(0, count));
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(ReadOnlySpan<int> indices, string? name = null)
    {
        var f = new float[indices.Length * FeatureCount];
        var t = new float[indices.Length * TargetColumns];
        for (int i = 0; i < indices.Length; i++)
        {
            int r = indices[i];
            if ((uint)r >= (uint)Rows) throw new ArgumentException($"Index {r} is outside 0…{Rows - 1}.", nameof(indices));
            Features.AsSpan(r * FeatureCount, FeatureCount).CopyTo(f.AsSpan(i * FeatureCount));
            Targets.AsSpan(r * TargetColumns, TargetColumns).CopyTo(t.AsSpan(i * TargetColumns));
        }

        return new Dataset(name ?? Name, f, FeatureCount, t, TargetColumns, ClassCount) { ClassNames = ClassNames, FeatureNames = FeatureNames, TargetNames = TargetNames };
    }

    /// <summary>The same features with new targets of the same shape (e.g. standardised regression targets).</summary>
    public Dataset WithTargets(float[] targets) => new(Name, Features, FeatureCount, targets, TargetColumns, ClassCount) { ClassNames = ClassNames, FeatureNames = FeatureNames, TargetNames = TargetNames };

    /// <summary>The same targets with new features (e.g. standardised).</summary>
    public Dataset WithFeatures(float[] features) => new(Name, features, FeatureCount, Targets, TargetColumns, ClassCount) { ClassNames = ClassNames, FeatureNames = FeatureNames, TargetNames = TargetNames };

    /// <summary>
    /// Shuffles with <paramref name="seed"/> and splits into train / validation / test by fractions
    /// (test = the rest). Each part with a positive fraction gets at least one sample while the training part can
    /// spare it (the training part always keeps one).
    /// </summary>
    /// <exception cref="ArgumentException">Fractions out of range, or a dataset without samples.</exception>
    public (Dataset Train, Dataset Validation, Dataset Test) Split(double trainFraction, double validationFraction, ulong seed)
    {
        if (!(trainFraction > 0 && trainFraction <= 1)) throw new ArgumentException($"trainFraction must be in (0, 1], got {trainFraction}.", nameof(trainFraction));
        if (!(validationFraction >= 0 && trainFraction + validationFraction <= 1 + 1e-12))
        {
            throw new ArgumentException($"validationFraction must be ≥ 0 with train + validation ≤ 1, got {trainFraction} + {validationFraction}.", nameof(validationFraction));
        }

        if (Rows == 0) throw new ArgumentException($"The dataset '{Name}' has no samples to split.");
        var order = Rng.Derive(seed, "split").Permutation(Rows);
        int nTrain = Math.Clamp((int)Math.Round(Rows * trainFraction), 1, Rows);
        int nVal = Math.Clamp((int)Math.Round(Rows * validationFraction), 0, Rows - nTrain);

        // Rounding can leave a part with a positive fraction empty (5 rows at 0.7/0.15/0.15 gave no test sample): such a
        // part takes one sample from the training part while that keeps at least one.
        bool wantTest = trainFraction + validationFraction < 1 - 1e-12;
        if (validationFraction > 0 && nVal == 0 && nTrain > 1) (nTrain, nVal) = (nTrain - 1, 1);
        if (wantTest && nTrain + nVal == Rows && nTrain > 1) nTrain--;
        return (
            Subset(order.AsSpan(0, nTrain), Name + "[train]"),
            Subset(order.AsSpan(nTrain, nVal), Name + "[validation]"),
            Subset(order.AsSpan(nTrain + nVal), Name + "[test]"));
    }
}

/// <summary>Per-feature standardisation x′ = (x − mean)/std, fitted on the training split only.</summary>
public sealed class Standardizer
{
    /// <summary>Creates a standardiser from known statistics (e.g. loaded with a model).</summary>
    public Standardizer(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != std.Length || mean.Length == 0) throw new ArgumentException("mean and std must have the same, non-zero length.", nameof(std));
        if (std.Any(s => !(s > 0) || !float.IsFinite(s))) throw new ArgumentException("Every std must be finite and > 0.", nameof(std));

        // A NaN mean makes every standardised input NaN, which predict then blamed on the input row.
        if (Dataset.IndexOfNonFinite(mean) is >= 0 and var bad) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Every mean must be finite, but mean {bad} is {mean[bad]}."), nameof(mean));
        Mean = mean;
        Std = std;
    }

    public float[] Mean { get; }

    public float[] Std { get; }

    /// <summary>Mean and (population) standard deviation per feature, in double; constant features get std 1.</summary>
    public static Standardizer Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var (mean, sd) = ColumnMoments(train.Features, train.FeatureCount);
        var std = sd.Select(s => s > 1e-12 ? (float)s : 1f).ToArray();
        return new Standardizer(mean.Select(m => (float)m).ToArray(), std);
    }

    /// <summary>
    /// Mean and population standard deviation of each column of <paramref name="values"/> (rows of
    /// <paramref name="columns"/>), in double, rows summed in order; 0 and 0 without rows. The features' statistics here
    /// and the regression targets' (<see cref="TargetScaling.Fit"/>).
    /// </summary>
    internal static (double[] Mean, double[] Std) ColumnMoments(float[] values, int columns)
    {
        int rows = values.Length / columns;
        var mean = new double[columns];
        var std = new double[columns];
        for (int i = 0; i < rows * columns; i++) mean[i % columns] += values[i];
        for (int j = 0; j < columns; j++) mean[j] /= Math.Max(1, rows);
        for (int i = 0; i < rows * columns; i++)
        {
            double d = values[i] - mean[i % columns];
            std[i % columns] += d * d;
        }

        for (int j = 0; j < columns; j++) std[j] = Math.Sqrt(std[j] / Math.Max(1, rows));
        return (mean, std);
    }

    /// <summary>
    /// The standardiser of inputs <paramref name="factor"/> times those this one was fitted on (mean and std times the
    /// factor): it gives x·factor the standard score this one gives x, e.g. raw 0–255 pixels for a fit on pixels / 255.
    /// </summary>
    public Standardizer Rescaled(float factor)
    {
        if (!(factor > 0) || !float.IsFinite(factor)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be finite and > 0.");
        return new Standardizer(Mean.Select(m => m * factor).ToArray(), Std.Select(s => s * factor).ToArray());
    }

    /// <summary>Standardised copy of the features.</summary>
    public float[] Transform(ReadOnlySpan<float> features)
    {
        int f = Mean.Length;
        if (features.Length % f != 0) throw new ArgumentException($"{Spelling.Count(features.Length, "value")} are not rows of {Spelling.Count(f, "feature")}.", nameof(features));
        var result = new float[features.Length];
        for (int i = 0; i < features.Length; i++) result[i] = (features[i] - Mean[i % f]) / Std[i % f];
        return result;
    }

    /// <summary>The dataset with standardised features.</summary>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != Mean.Length) throw new ArgumentException($"The data has {Spelling.Count(data.FeatureCount, "feature")}, the standardiser {Mean.Length}.", nameof(data));
        return data.WithFeatures(Transform(data.Features));
    }
}
