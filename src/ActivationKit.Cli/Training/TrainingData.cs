using System.Globalization;
using ActivationKit.Advisor;
using ActivationKit.Cli.IO;
using ActivationKit.IO;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;
using ActivationKit.Nn.Experiments;

namespace ActivationKit.Cli.Training;

/// <summary>What a training run learns: decides the output layer, the default loss and the metrics.</summary>
public enum TrainingTask
{
    /// <summary>Continuous targets: MSE by default; metrics MSE and R².</summary>
    Regression,

    /// <summary>Labels 0/1: one logit with the fused sigmoid BCE by default; metric accuracy.</summary>
    Binary,

    /// <summary>Labels 0…k−1: k logits with the fused softmax cross-entropy; metric accuracy.</summary>
    Multiclass,

    /// <summary>Several 0/1 targets per sample: one logit each with the fused sigmoid BCE; metric label accuracy.</summary>
    Multilabel,
}

/// <summary>The three splits of a run and how the data was interpreted.</summary>
/// <param name="Name">The --data value as the user gave it.</param>
/// <param name="Task">Given or inferred.</param>
/// <param name="Inferred">True when the task was inferred from the targets.</param>
/// <param name="Train">The training split (not yet standardised).</param>
/// <param name="Validation">The validation split, evaluated after every epoch.</param>
/// <param name="Test">The held-out test split, evaluated once at the end.</param>
/// <param name="InputDivisor">
/// What the loader divided the values as the dataset provides them by (<see cref="Idx.PixelScale"/> for Fashion-MNIST's
/// pixels, else 1): a saved model's normalisation multiplies it back in, so <c>predict</c> takes the dataset's own values.
/// </param>
/// <param name="TaskNote">
/// What the task line should add, or null: why integer targets were not taken for classes, or how many of a given
/// classification task's outputs have no sample.
/// </param>
/// <param name="ClassSamples">
/// Samples of each class in the whole data, before <c>--samples</c> drew a subset and the split (classification), or
/// null: what the training split is checked against (<see cref="TrainingWarnings.ClassesMissingFromTraining"/>).
/// </param>
public sealed record TrainingSplits(string Name, TrainingTask Task, bool Inferred, Dataset Train, Dataset Validation, Dataset Test, float InputDivisor = 1, string? TaskNote = null, IReadOnlyList<int>? ClassSamples = null);

/// <summary>Loads --data for <c>actkit train</c> (a built-in name, Fashion-MNIST, a CSV or a .npy file) and infers the task.</summary>
public static class TrainingData
{
    /// <summary>
    /// The note (key <see cref="RawPixelsNote"/>, value <see cref="RawPixels"/>) of a Fashion-MNIST model whose saved
    /// normalisation takes raw 0–255 pixels; models saved without it take pixels / 255.
    /// </summary>
    public const string RawPixelsNote = "inputs";

    /// <inheritdoc cref="RawPixelsNote"/>
    public const string RawPixels = "raw 0-255 pixels";

    /// <summary>True when the model's normalisation takes raw 0–255 pixels (see <see cref="RawPixelsNote"/>).</summary>
    public static bool TakesRawPixels(ModelMetadata metadata) =>
        metadata?.Notes is { } notes && notes.TryGetValue(RawPixelsNote, out var value) && value == RawPixels;

    /// <summary>Every built-in --data name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fashion-mnist", .. Synthetic.Names];

    /// <summary>Parses --task.</summary>
    public static TrainingTask ParseTask(string text) => text.Trim().ToLowerInvariant() switch
    {
        "regression" => TrainingTask.Regression,
        "binary" => TrainingTask.Binary,
        "multiclass" or "classification" => TrainingTask.Multiclass,
        "multilabel" or "multi-label" => TrainingTask.Multilabel,
        _ => throw new UsageException($"Unknown --task '{text}' (valid: regression, binary, multiclass, multilabel)."),
    };

    /// <summary>The task's name as printed and saved.</summary>
    public static string Name(TrainingTask task) => task.ToString().ToLowerInvariant();

    /// <summary>The advisor's (and the engine's output pairings') name for the same task.</summary>
    public static AdvisorTask AdvisorTaskOf(TrainingTask task) => task switch
    {
        TrainingTask.Binary => AdvisorTask.Binary,
        TrainingTask.Multiclass => AdvisorTask.Multiclass,
        TrainingTask.Multilabel => AdvisorTask.Multilabel,
        _ => AdvisorTask.Regression,
    };

    /// <summary>Samples of a synthetic set when --samples is not given.</summary>
    public const int DefaultSyntheticSamples = 2000;

    /// <summary>
    /// Loads and splits the data: Fashion-MNIST keeps its official test set and holds out 10% of its training set for
    /// validation; everything else is shuffled and split 70/15/15 with <paramref name="seed"/>. A CSV file's first row is
    /// read as <paramref name="hasHeader"/> says (<see cref="Csv.Load"/>; null: auto), which other data refuses.
    /// <paramref name="samples"/> is the size of a synthetic set (null: <see cref="DefaultSyntheticSamples"/>), and for a
    /// file or Fashion-MNIST a subset drawn with <paramref name="seed"/> from its rows or training images before the split
    /// (null: all of them; more than there are is refused), as <c>compare</c> takes it; the task is inferred from the whole file.
    /// </summary>
    public static TrainingSplits Load(string spec, string? target, TrainingTask? task, int? samples, double noise, ulong seed, bool? hasHeader = null)
    {
        string key = spec.Trim();
        string lower = key.ToLowerInvariant();
        if (samples is { } n && SamplesError(spec, n) is { } tooFew) throw new UsageException(tooFew);
        if (IsFashionMnist(spec))
        {
            if (target is not null) throw new UsageException("--target applies to CSV and .npy files, not to fashion-mnist.");
            TableFile.RefuseHeader(hasHeader, key);
            if (task is { } t && t != TrainingTask.Multiclass) throw new UsageException($"fashion-mnist is a 10-class multiclass task, not {Name(t)}.");
            var images = Idx.LoadFashionMnist(test: false);
            RefuseMoreSamples(samples, images.Rows, "images in the Fashion-MNIST training file");
            var full = images.Sample(samples ?? 0, seed);
            var test = Idx.LoadFashionMnist(test: true);
            var (train, validation, _) = full.Split(0.9, 0.1, seed);
            return new TrainingSplits(key, TrainingTask.Multiclass, task is null, train, validation, test, Idx.PixelScale, ClassSamples: ClassSamples(images));
        }

        Dataset all;
        if (Synthetic.Names.Contains(lower.Replace('_', '-')))
        {
            if (target is not null) throw new UsageException($"--target applies to CSV and .npy files, not to the built-in set '{key}'.");
            TableFile.RefuseHeader(hasHeader, key);
            all = Synthetic.Create(lower, samples ?? DefaultSyntheticSamples, noise, seed);
            all = Interpret(all.Name, all.Features, all.FeatureCount, all.Targets, all.TargetColumns, null, task, out var inferredTask, out string? builtInNote);
            return Split(key, all, inferredTask, task is null, seed, builtInNote, ClassSamples(all));
        }

        // The table extensions compare and diagnose read too (TableFile): .csv, .tsv and .txt as CSV text (its first row
        // chooses comma, semicolon or tab), .npy as an array.
        string choices = $"one of {string.Join(", ", Names)}, or a .csv, .tsv, .txt or .npy file";
        if (Directory.Exists(key)) throw new UsageException($"--data '{spec}' is a folder; give {choices}.");
        if (!TableFile.HasTableExtension(key))
        {
            // F7 (exploratory tester): every unknown name got a "did you mean", zz and . 'xor', a saved model 'moons'.
            // A path that exists is said to be what it is; a name only gets the built-in set it is a typo of.
            if (File.Exists(key))
            {
                throw new UsageException(IsModelFile(key)
                    ? $"--data '{spec}' is an actkit model file, not data (predict --model takes it); give {choices}."
                    : $"--data '{spec}' is not a data file by its extension; give {choices}.");
            }

            throw new UsageException(Closest(lower, Names) is { } close
                ? $"Unknown data '{spec}': did you mean '{close}'? Give {choices}."
                : $"Unknown data '{spec}'; give {choices}.");
        }

        bool npy = TableFile.IsNpy(key);
        if (npy) TableFile.RefuseHeader(hasHeader, key);
        if (!File.Exists(key)) throw new UsageException($"--data file '{TerminalText.Safe(key)}' does not exist.");
        var (features, featureCount, targets, targetColumns, classNames, featureNames, targetNames) = npy ? ReadNpy(key, target) : ReadCsv(key, target, hasHeader);
        all = Interpret(Path.GetFileName(key), features, featureCount, targets, targetColumns, classNames, task, out var resolved, out string? note, featureNames, targetNames);
        RefuseMoreSamples(samples, all.Rows, $"rows of '{key}'");
        return Split(key, all.Sample(samples ?? 0, seed), resolved, task is null, seed, note, ClassSamples(all));
    }

    /// <summary>Whether <paramref name="spec"/> names Fashion-MNIST (fashion-mnist, fashion_mnist or fashionmnist).</summary>
    public static bool IsFashionMnist(string spec) => spec.Trim().ToLowerInvariant() is "fashion-mnist" or "fashion_mnist" or "fashionmnist";

    /// <summary>
    /// Why <paramref name="samples"/> is too few for the data <paramref name="spec"/>, or null. A built-in set or a file is
    /// split into training, validation and test, each given at least one sample (<see cref="Dataset.Split"/>), so it
    /// needs 3; Fashion-MNIST keeps its own test set and splits the drawn images into training and validation, so it
    /// needs 2. Fewer failed later (a built-in set of 2 as "'xor' has 2 sample(s)", one Fashion-MNIST image as "The
    /// validation data … has no samples; pass null"), and the check said "at least 10" for all of them, where a file of
    /// 3 rows trained.
    /// </summary>
    public static string? SamplesError(string spec, int samples)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (IsFashionMnist(spec))
        {
            return samples >= ExperimentData.MinimumFashionMnistSamples ? null : $"--samples must be at least {ExperimentData.MinimumFashionMnistSamples} for fashion-mnist (one training and one validation image; the test set is its own), got {samples}.";
        }

        return samples >= ExperimentData.MinimumSamples ? null : $"--samples must be at least {ExperimentData.MinimumSamples} (one sample each for training, validation and test), got {samples}.";
    }

    /// <summary>--samples above the rows there are: refused, as compare refuses it (the report would name a count never used).</summary>
    private static void RefuseMoreSamples(int? samples, int available, string what)
    {
        if (samples is { } n) Dataset.RefuseMoreSamplesThan(n, available, what, "leave --samples out for all of them");
    }

    private static TrainingSplits Split(string name, Dataset all, TrainingTask task, bool inferred, ulong seed, string? note, int[]? classSamples)
    {
        if (all.Rows < 3) throw new UsageException($"'{name}' has {all.Rows} sample(s); training needs at least 3 (train, validation and test).");
        var (train, validation, test) = all.Split(0.7, 0.15, seed);
        return new TrainingSplits(name, task, inferred, train, validation, test, TaskNote: note, ClassSamples: classSamples);
    }

    // Samples per class of a classification set (null for other sets).
    private static int[]? ClassSamples(Dataset data)
    {
        if (!data.IsClassification) return null;
        var counts = new int[data.ClassCount];
        foreach (float label in data.Targets) counts[(int)label]++;
        return counts;
    }

    /// <summary>
    /// Builds the dataset for the task, inferring it when not given: one target column of class indices 0…k−1 (the
    /// smallest 0 and every index up to the largest present, <see cref="ClassLabels"/>) with at most
    /// <see cref="ClassLabels.MaxInferredClasses"/> classes is classification (at most 2 classes: binary, else multiclass); several
    /// columns of 0/1 are multilabel; anything else is regression — with a <paramref name="note"/> when the targets are
    /// integers that were not taken for classes. A given binary or multiclass task takes integer labels as they are (labels
    /// 1…k leave output 0 without samples, said in the note), but refuses labels that would leave most of more than
    /// <see cref="ClassLabels.MaxInferredClasses"/> outputs without a sample (0, 1000, 2000, … would ask for thousands).
    /// <paramref name="classNames"/> (a CSV's text labels, index → name) stay with a classification set, so the saved model
    /// and <c>predict</c> can name its outputs; they are refused for a regression or multilabel task.
    /// </summary>
    private static Dataset Interpret(string name, float[] features, int featureCount, float[] targets, int targetColumns, IReadOnlyList<string>? classNames, TrainingTask? given, out TrainingTask task, out string? note, IReadOnlyList<string>? featureNames = null, IReadOnlyList<string>? targetNames = null)
    {
        note = null;
        if (classNames is not null && given is TrainingTask.Regression or TrainingTask.Multilabel)
        {
            string shown = string.Join(", ", classNames.Take(5).Select(c => $"'{c}'")) + (classNames.Count > 5 ? ", …" : string.Empty);
            throw new UsageException($"{name}: the target column holds text labels ({shown}), which are classes, not numbers, so a {Name(given.Value)} task cannot use them (leave out --task to classify them).");
        }

        bool integers = targets.All(t => t >= 0 && t == MathF.Floor(t) && float.IsFinite(t));
        long classes = integers && targets.Length > 0 ? (long)targets.Max() + 1 : 0;
        bool zeroOne = targets.All(t => t is 0 or 1);
        bool wholeNumbers = targetColumns == 1 && targets.Length > 0 && targets.All(t => float.IsFinite(t) && t == MathF.Floor(t));
        int distinct = ClassLabels.DistinctCount(targets);
        string? notIndices = wholeNumbers ? ClassLabels.WhyNotIndices(targets) : null;
        if (given is null)
        {
            // Class indices only, as README's rule says: a constant 0 is one class, refused below, but a constant 3 (or 1)
            // is no class index 0…k−1 and is regression, whose R² the warnings call undefined (it was refused as "one
            // class only", contradicting the rule).
            bool classify = targetColumns == 1 && integers && classes <= Dataset.MaxClasses
                && notIndices is null && classes <= ClassLabels.MaxInferredClasses;
            task = targetColumns > 1
                ? (zeroOne ? TrainingTask.Multilabel : TrainingTask.Regression)
                : classify ? (classes <= 2 ? TrainingTask.Binary : TrainingTask.Multiclass) : TrainingTask.Regression;
            if (task == TrainingTask.Regression && wholeNumbers)
            {
                // Advice only where --task multiclass would take them (not 0 and 10⁹, nor a few labels up to 39,000).
                bool classifiable = integers && classes <= Dataset.MaxClasses && !TooSparse(classes, distinct) && distinct > 1;
                string advice = classifiable ? "; give --task multiclass to classify" : string.Empty;
                note = notIndices is not null
                    ? $"the integer targets are not class indices 0…k−1 — {notIndices}{advice}"
                    : $"the integer targets 0…{classes - 1:N0} would be {classes:N0} classes, more than the {ClassLabels.MaxInferredClasses} inferred at most{advice}";
            }
        }
        else
        {
            task = given.Value;
        }

        switch (task)
        {
            case TrainingTask.Binary or TrainingTask.Multiclass:
                if (targetColumns != 1) throw new UsageException($"{name}: a {Name(task)} task needs one target column of class indices, but there are {targetColumns}; for one yes/no label per column use --task multilabel.");
                if (!integers) throw new UsageException($"{name}: a {Name(task)} task needs class indices 0, 1, 2, … as targets, but some targets are not non-negative integers (use --task regression).");
                if (task == TrainingTask.Binary && classes > 2)
                {
                    // Text labels were numbered for the message: "the labels go up to 2" named no label of the file.
                    throw new UsageException(classNames is not null
                        ? $"{name}: --task binary needs two classes, but the labels name {classes} ({string.Join(", ", classNames.Take(10).Select(c => $"'{c}'"))}{(classNames.Count > 10 ? ", …" : string.Empty)}) (use --task multiclass)."
                        : $"{name}: --task binary needs labels 0 and 1, but the labels go up to {classes - 1} (use --task multiclass).");
                }
                if (classes > Dataset.MaxClasses) throw new UsageException($"{name}: the labels go up to {classes - 1:N0}, more classes than the {Dataset.MaxClasses:N0} a classifier may have (use --task regression for a numeric target).");

                // One class would train a model that always answers it, with a perfect test accuracy that means nothing.
                if (targets.Length > 0 && Array.TrueForAll(targets, t => t == targets[0]))
                {
                    throw new UsageException($"{name}: every label is {targets[0].ToString(CultureInfo.InvariantCulture)}, so there is one class only; a {Name(task)} task needs samples of at least two classes.");
                }

                int classCount = (int)Math.Max(2, classes);
                int empty = classCount - distinct;
                if (TooSparse(classCount, distinct))
                {
                    throw new UsageException($"{name}: the labels go up to {classes - 1:N0} but only {distinct:N0} different ones occur, so {empty:N0} of the {classCount:N0} outputs would be classes without a sample; number the classes 0…{distinct - 1} (or use --task regression for a numeric target).");
                }

                if (empty > 0) note = $"{classCount:N0} outputs for the class indices 0…{classCount - 1:N0}, {empty:N0} of them without a sample";
                return new Dataset(name, features, featureCount, targets, 1, classCount) { ClassNames = classNames?.Count == classCount ? classNames : null, FeatureNames = featureNames };
            case TrainingTask.Multilabel:
                if (!zeroOne) throw new UsageException($"{name}: a multilabel task needs targets of 0 and 1 only.");
                return new Dataset(name, features, featureCount, targets, targetColumns, 0) { FeatureNames = featureNames, TargetNames = targetNames };
            default:
                return new Dataset(name, features, featureCount, targets, targetColumns, 0) { FeatureNames = featureNames, TargetNames = targetNames };
        }
    }

    // Integer labels as classes that would leave most of more than ClassLabels.MaxInferredClasses outputs without a sample.
    private static bool TooSparse(long classes, int distinct) => classes > ClassLabels.MaxInferredClasses && (classes - distinct) * 2 > classes;

    private static (float[] Features, int FeatureCount, float[] Targets, int TargetColumns, IReadOnlyList<string>? ClassNames, IReadOnlyList<string>? FeatureNames, IReadOnlyList<string>? TargetNames) ReadCsv(string path, string? target, bool? hasHeader)
    {
        // Text labels ('setosa', 'virginica', …) can only be classes; numeric ones are read as numbers and interpreted above.
        var data = Csv.Load(path, target, classification: false, hasHeader, textLabelsAreClasses: true);
        return (data.Features, data.FeatureCount, data.Targets, data.TargetColumns, data.ClassNames, data.FeatureNames, data.TargetNames);
    }

    /// <summary>
    /// A 2-D .npy whose target is a column (--target INDEX, default the last), or features with the targets in a second
    /// .npy (--target labels.npy, 1-D or N×L).
    /// </summary>
    private static (float[] Features, int FeatureCount, float[] Targets, int TargetColumns, IReadOnlyList<string>? ClassNames, IReadOnlyList<string>? FeatureNames, IReadOnlyList<string>? TargetNames) ReadNpy(string path, string? target)
    {
        if (target is not null && target.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(target)) throw new UsageException($"--target file '{TerminalText.Safe(target)}' does not exist.");
            var paired = NpyDataset.Load(path, target, classification: false);
            return (paired.Features, paired.FeatureCount, paired.Targets, paired.TargetColumns, null, null, null);
        }

        int index = -1;
        if (target is not null && !int.TryParse(target, NumberStyles.Integer, CultureInfo.InvariantCulture, out index))
        {
            throw new UsageException($"--target '{target}' is neither a column index of {Path.GetFileName(path)} nor a .npy file of targets.");
        }

        Dataset data;
        try
        {
            data = NpyDataset.LoadWithTargetColumn(path, index, classification: false);
        }
        catch (ArgumentException ex) when (ex.ParamName == "targetColumn")
        {
            throw new UsageException($"--target '{target}': {ErrorReporter.Message(ex)}");
        }

        return (data.Features, data.FeatureCount, data.Targets, data.TargetColumns, null, null, null);
    }

    /// <summary>
    /// The candidate nearest to <paramref name="text"/> by edit distance, if it is within max(2, a third of its length)
    /// edits (the reach of the function-name suggestions, <see cref="Catalog.ActivationCatalog.Suggest"/>); else null.
    /// </summary>
    internal static string? Closest(string text, IEnumerable<string> candidates)
    {
        int reach = Spelling.Reach(text);
        return candidates.Select(c => (Name: c, Distance: Spelling.Distance(text, c)))
            .Where(c => c.Distance <= reach)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    private static bool IsModelFile(string path)
    {
        try
        {
            return OutputFolder.Head(path, ModelFile.Magic.Length).AsSpan().SequenceEqual(ModelFile.Magic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
