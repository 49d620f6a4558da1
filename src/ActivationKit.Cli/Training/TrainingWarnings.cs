using System.Globalization;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;

namespace ActivationKit.Cli.Training;

/// <summary>
/// What <c>actkit train</c> warns about once a run has its metrics: results no better than a model that ignores the
/// inputs, which exited 0 without a word (<c>--optimizer adam --lr 100</c> on sine: not diverged, test R² −347,780).
/// </summary>
public static class TrainingWarnings
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// A sentence when the test metric is no better than ignoring the inputs — regression R² below 0 (worse than
    /// predicting the targets' mean), or a binary or multiclass accuracy at or below the share of the test split's most
    /// common class (what always answering it scores) — with the validation metric beside it — or a multilabel label
    /// accuracy (<paramref name="labelAccuracy"/>) at or below answering each label's more common value; else null. A
    /// test split of one class cannot tell a model from the constant answer, so there the sentence comes only when the
    /// accuracy is below 1, and says the split holds one class (a model that missed it scored 0 without a word); its
    /// advice is another seed only where the test split has rows enough for two classes, and more --samples only where
    /// <paramref name="samplesDrawn"/> (<see cref="SamplesDrawn"/>).
    /// </summary>
    public static string? NoBetterThanChance(TrainingTask task, Metrics test, Metrics? validation, Dataset testData, double labelAccuracy = double.NaN, bool samplesDrawn = true)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(testData);
        string Value(double v) => Formatting.Describe.Metric(v);
        const string Advice = "try another --lr, more --epochs or another --activation";
        if (task == TrainingTask.Regression)
        {
            if (!(test.R2 < 0)) return null;
            string val = validation is { R2: var v } && !double.IsNaN(v) ? $" (validation {Value(v)})" : string.Empty;
            return $"The test r2 is {Value(test.R2)}{val}, below 0: the model predicts worse than the mean of the targets would; {Advice}.";
        }

        if (task == TrainingTask.Multilabel && testData.Rows > 0 && !double.IsNaN(labelAccuracy))
        {
            // Answering each label's more common value on the test split scores the mean over labels of max(p, 1 − p).
            int labels = testData.TargetColumns;
            double constant = 0;
            for (int l = 0; l < labels; l++)
            {
                int ones = 0;
                for (int r = 0; r < testData.Rows; r++) ones += testData.Targets[(r * labels) + l] > 0.5f ? 1 : 0;
                constant += Math.Max(ones, testData.Rows - ones) / (double)testData.Rows / labels;
            }

            if (constant >= 1 || !(labelAccuracy <= constant)) return null;
            return $"The test label accuracy {Value(labelAccuracy)} is no better than answering every label with its more common value (right for {Value(constant)} of the test labels): the model has learned nothing the label frequencies do not give; {Advice}.";
        }

        if (task is not (TrainingTask.Binary or TrainingTask.Multiclass) || testData.Rows == 0) return null;
        var counts = testData.Targets.GroupBy(t => t).Select(g => (Label: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ThenBy(g => g.Label).First();
        double majority = (double)counts.Count / testData.Rows;
        string label = testData.ClassNames is { } names && (int)counts.Label < names.Count ? $"'{names[(int)counts.Label]}'" : counts.Label.ToString(Inv);
        // A test split of one class cannot tell a model from the constant answer (a perfect model scored 1.0 there
        // and was told it had learned nothing), but one that misses it is worth a word.
        if (majority >= 1)
        {
            if (!(test.Accuracy < 1)) return null;
            string what = $"The test accuracy is {Value(test.Accuracy)} on a test split that holds one class only, {label}, so it measures little beyond how often the model answers that class";

            // xor --samples 3 tests on 1 sample: no seed gives that split two classes, only more samples (or rows) can.
            if (testData.Rows < 2)
            {
                return $"{what}; a test split of {Spelling.Count(testData.Rows, "sample")} cannot hold several classes, so {(samplesDrawn ? "give more --samples" : "the data needs more rows")}.";
            }

            return $"{what}; try another --seed{(samplesDrawn ? " or more --samples" : string.Empty)} for a test split of several classes.";
        }

        if (!(test.Accuracy <= majority)) return null;
        string valAccuracy = validation is { Accuracy: var a } && !double.IsNaN(a) ? $" (validation {Value(a)})" : string.Empty;
        return $"The test accuracy {Value(test.Accuracy)}{valAccuracy} is no better than always answering the most common class, {label} (right for {Value(majority)} of the test samples): the model has learned nothing the class frequencies do not give; {Advice}.";
    }

    /// <summary>
    /// A sentence naming the classes that occur in the data (<see cref="TrainingSplits.ClassSamples"/>, before
    /// <c>--samples</c> and the split) but not in its training split, or null. The split is a seeded shuffle, not
    /// stratified (stratifying would change every existing split), so a rare class can miss the training rows: the
    /// model then never predicts it, and nothing said so.
    /// </summary>
    /// <param name="data">The splits, with the classes' counts in the data.</param>
    /// <param name="seedOption">The option of the split's seed, named in the advice (train's --seed, compare's --data-seed).</param>
    public static string? ClassesMissingFromTraining(TrainingSplits data, string seedOption = "--seed")
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.ClassSamples is not { } inData || data.Task is not (TrainingTask.Binary or TrainingTask.Multiclass)) return null;
        var trained = data.Train.Targets.Select(t => (int)t).ToHashSet();
        var missing = Enumerable.Range(0, inData.Count).Where(k => inData[k] > 0 && !trained.Contains(k)).ToList();
        if (missing.Count == 0) return null;
        string Name(int label) => data.Train.ClassNames is { } names && label < names.Count ? $"'{names[label]}'" : label.ToString(Inv);
        string classes = string.Join(", ", missing.Take(10).Select(k => $"{Name(k)} ({Spelling.Count(inData[k], "sample")} in the data)")) + (missing.Count > 10 ? $", … ({missing.Count} in all)" : string.Empty);
        bool one = missing.Count == 1;
        string what = $"{(one ? "The class" : "The classes")} {classes} {(one ? "has" : "have")} no sample in the training split, so the model never learns {(one ? "it" : "them")}";

        // More --samples helps where they were drawn: a subset of a file or of Fashion-MNIST, or a built-in set (made as
        // large as asked). Another seed helps only where the training split has a row for every class: xor --samples 3
        // trains on 1 sample, and "try another --seed" could never give it both classes.
        bool drawn = SamplesDrawn(data);
        int present = inData.Count(n => n > 0);
        if (data.Train.Rows < present)
        {
            return $"{what}: a training split of {Spelling.Count(data.Train.Rows, "sample")} cannot hold all {present} classes; {(drawn ? "give more --samples" : "the data needs more rows")}.";
        }

        return $"{what}: the split is a seeded shuffle, not stratified; try another {seedOption}{(drawn ? " or more --samples" : string.Empty)}.";
    }

    /// <summary>
    /// True where more --samples gives the splits more rows: they were drawn as a subset of a file or of Fashion-MNIST
    /// (the splits hold fewer rows than the data), or from a built-in set, made as large as asked.
    /// </summary>
    public static bool SamplesDrawn(TrainingSplits data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return (data.ClassSamples is { } inData && data.Train.Rows + data.Validation.Rows + data.Test.Rows < inData.Sum())
            || Synthetic.Names.Contains(data.Name.Trim().ToLowerInvariant().Replace('_', '-'));
    }

    /// <summary>
    /// A sentence naming the splits whose regression R² is undefined — their targets (in every column) do not vary, so
    /// there is no variance to explain (SS_tot = 0) — or null; the summary shows NaN there and <c>--json</c> null.
    /// </summary>
    public static string? UndefinedR2(TrainingTask task, EpochRecord? last, Metrics test, TrainingSplits data)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(data);
        if (task != TrainingTask.Regression) return null;
        var splits = new List<string>();
        if (last is not null && double.IsNaN(last.Train.R2)) splits.Add("train");
        if (last?.Validation is { } v && double.IsNaN(v.R2)) splits.Add("validation");
        if (double.IsNaN(test.R2)) splits.Add("test");
        if (splits.Count == 0) return null;
        var all = data.Train.Targets.Concat(data.Validation.Targets).Concat(data.Test.Targets);
        string constant = data.Train.TargetColumns == 1 && all.Distinct().Count() == 1
            ? $": every target is {data.Train.Targets[0].ToString(Inv)}, so a model that always answers it is exact"
            : string.Empty;
        string which = splits.Count == 1 ? $"the {splits[0]} split" : $"the {string.Join(", ", splits.Take(splits.Count - 1))} and {splits[^1]} splits";
        return $"r2 is undefined for {which}, whose targets do not vary (nothing to explain){constant}; judge the model by its mse.";
    }
}
