using System.Diagnostics;
using ActivationKit.Advisor;
using ActivationKit.Catalog;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn;

/// <summary>The budget of an <see cref="AdvisorTrial"/>: small by default so a trial on a toy set takes seconds.</summary>
public sealed record TrialOptions
{
    /// <summary>Training runs per candidate (model seeds); the spread across them is the noise.</summary>
    public int Seeds { get; init; } = 3;

    public int Epochs { get; init; } = 30;

    /// <summary>Samples drawn from a synthetic set, or kept from a large one (Fashion-MNIST, CSV).</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Units per hidden layer.</summary>
    public int Width { get; init; } = 32;

    /// <summary>Hidden layers, 0 (an output trial only) to <see cref="AdvisorTrial.MaxDepth"/>; null: the request's depth, else 2.</summary>
    public int? Depth { get; init; }

    public double LearningRate { get; init; } = 0.01;

    public int BatchSize { get; init; } = 32;

    /// <summary>Seeds the data (draw and split); model seeds are Seed, Seed+1, ….</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Gaussian noise of the synthetic sets.</summary>
    public double Noise { get; init; } = 0.05;

    /// <summary>
    /// Whether a CSV file's first row is a header (true) or data (false); null (auto): a header when none of its cells
    /// is a number (<see cref="Csv.Load"/>). Only for a CSV file.
    /// </summary>
    public bool? HasHeader { get; init; }

    /// <summary>
    /// A file's target column, as <c>actkit train --target</c> takes it: for a CSV a header name or 0-based index
    /// (negative from the end), or several comma-separated (<c>l0,l1,l2</c>), the label columns of a multi-label trial or
    /// the targets of a multi-output regression; for a .npy array an index. Null: the last column. Only for a file.
    /// </summary>
    public string? Target { get; init; }
}

/// <summary>One candidate's measurements.</summary>
public sealed record TrialCandidate
{
    /// <summary>Catalog name.</summary>
    public required string Name { get; init; }

    /// <summary>The activation spec trained (with the recommended parameters).</summary>
    public required string Spec { get; init; }

    /// <summary>Position in the rule ranking (1 = first choice).</summary>
    public required int RuleRank { get; init; }

    /// <summary>Position by measured mean metric (1 = best; ties, means equal but for float rounding, share the better rank).</summary>
    public int MeasuredRank { get; init; }

    /// <summary>How the output is trained: activation and loss (output trials), or the fixed output (hidden trials).</summary>
    public required string Pairing { get; init; }

    /// <summary>Validation metric of each seed's run (a diverged run scores as a constant predictor).</summary>
    public required IReadOnlyList<double> PerSeed { get; init; }

    public double Mean { get; init; }

    /// <summary>
    /// Sample standard deviation across seeds; NaN with one seed, which has no spread to measure (it was 0, which read as
    /// a measured absence of noise; compare shows "—" and writes null there, and so does recommend --try).
    /// </summary>
    public double Std { get; init; }

    /// <summary>Standard error of the mean, Std/√seeds; NaN with one seed.</summary>
    public double StdError { get; init; }

    /// <summary>Mean validation loss over the runs that did not diverge (NaN when all did).</summary>
    public double ValidationLoss { get; init; }

    /// <summary>Runs that diverged (NaN or infinite loss).</summary>
    public int Diverged { get; init; }
}

/// <summary>The outcome of a trial: measured ranking against the rule ranking.</summary>
public sealed record TrialReport
{
    /// <summary>The data set's name.</summary>
    public required string Data { get; init; }

    /// <summary>accuracy, label_accuracy or r2 (higher is better for all).</summary>
    public required string Metric { get; init; }

    /// <summary>"hidden" (the hidden activation is swapped) or "output" (the output activation and loss are swapped).</summary>
    public required string Layer { get; init; }

    /// <summary>The network trained, e.g. "2 → 32 → 32 → 2".</summary>
    public required string Network { get; init; }

    public required TrialOptions Options { get; init; }

    /// <summary>Candidates, best measured first.</summary>
    public required IReadOnlyList<TrialCandidate> Candidates { get; init; }

    /// <summary>Spearman rank correlation between rule rank and measured rank (NaN with fewer than 2 candidates or all tied).</summary>
    public double Spearman { get; init; }

    /// <summary>Kendall τ-b between rule rank and measured rank (NaN with fewer than 2 candidates or all tied).</summary>
    public double Kendall { get; init; }

    /// <summary>The rule's first choice.</summary>
    public required string FirstChoice { get; init; }

    /// <summary>The best measured candidate.</summary>
    public required string MeasuredBest { get; init; }

    /// <summary>Measured best mean minus the first choice's mean (≥ 0).</summary>
    public double Gap { get; init; }

    /// <summary>
    /// The gap counted as noise: 2·√(SE_best² + SE_first²), at least one validation sample's worth of accuracy. NaN with
    /// one seed on a continuous metric (R²): there is no spread to measure and no sample step to stand in for it.
    /// </summary>
    public double NoiseThreshold { get; init; }

    /// <summary>
    /// True when the first choice's gap to the measured best is within <see cref="NoiseThreshold"/>; null when the
    /// threshold is unknown (NaN), so whether the gap is noise is not judged.
    /// </summary>
    public bool? FirstChoiceWithinNoise { get; init; }

    /// <summary>What the trial assumed (data conversion, pairing rules).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    public double Seconds { get; init; }
}

/// <summary>
/// Puts the advisor's ranking to a short experiment: trains a small MLP once per candidate and seed with the
/// <see cref="Trainer"/>, swapping the hidden activation (hidden-layer advice) or the output activation with its
/// loss pairing (output advice), re-ranks the candidates by validation metric and measures how far that agrees
/// with the rule ranking (Spearman ρ, Kendall τ-b, and whether the first choice is within noise of the best).
/// </summary>
public static class AdvisorTrial
{
    /// <summary>Data names besides the synthetic ones and CSV files.</summary>
    public const string FashionMnist = "fashion-mnist";

    /// <summary>True when DATA names Fashion-MNIST (<see cref="FashionMnist"/> or fmnist, any case, _ for -).</summary>
    public static bool IsFashionMnist(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Trim().ToLowerInvariant().Replace('_', '-') is FashionMnist or "fmnist";
    }

    /// <summary>
    /// The most hidden layers a trial trains. Deeper requests are refused rather than trained shallower: --depth 30
    /// was measured on 16 layers with no word. The deep-stack rule already applies from 8 layers, so 16 still tests it.
    /// </summary>
    public const int MaxDepth = 16;

    /// <summary>
    /// Loads DATA: a synthetic set (<see cref="Synthetic.Names"/>), fashion-mnist (subsampled), or a CSV or .npy file
    /// (<see cref="TableFile"/>; a CSV's first row read as <see cref="TrialOptions.HasHeader"/> says). For a classification
    /// task a file's numeric labels must be class indices 0…k−1 (<see cref="ClassLabels"/>). With no task (null) a file's
    /// task is inferred as <c>actkit train</c> infers it: text labels, or class indices 0…k−1 of at least two and at most
    /// <see cref="ClassLabels.MaxInferredClasses"/> classes, are classification; any other numeric target is regression.
    /// </summary>
    /// <remarks>
    /// A file's target is its last column or <see cref="TrialOptions.Target"/>, as <c>actkit train</c> takes it: several
    /// columns of 0 and 1 are the labels of a multi-label trial (inferred so with no task, as train infers it), several
    /// numeric ones the targets of a multi-output regression. A multi-label trial on a file needs its label columns named:
    /// the last column alone left the other label columns among the features, which predicted the label.
    /// </remarks>
    /// <exception cref="ArgumentException">Unknown name (the message lists the valid ones), numeric labels that are not class indices 0…k−1 for a classification task, a multi-label task on a file without its label columns or with labels other than 0 and 1, or a header or target setting for data that is not a file (a header: not a CSV file).</exception>
    public static Dataset LoadData(string data, AdvisorTask? task, TrialOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Samples < 20) throw new ArgumentException($"--samples must be ≥ 20, got {options.Samples}.");
        string key = data.Trim().ToLowerInvariant().Replace('_', '-');
        if (Synthetic.Names.Contains(key.Replace('-', '_')) || key == "two-spirals")
        {
            TableFile.RefuseHeader(options.HasHeader, data);
            RefuseTarget(options.Target, $"the built-in set '{data.Trim()}'");
            return Synthetic.Create(key, options.Samples, options.Noise, options.Seed);
        }

        if (IsFashionMnist(data))
        {
            TableFile.RefuseHeader(options.HasHeader, data);
            RefuseTarget(options.Target, FashionMnist);
            return Idx.LoadFashionMnist(test: false).Sample(options.Samples, options.Seed, "advisor-trial");
        }

        if (task == AdvisorTask.Multilabel && (TableFile.HasTableExtension(data) || File.Exists(data)))
        {
            return LabelColumns(data, options).Sample(options.Samples, options.Seed, "advisor-trial");
        }

        if (task is null && File.Exists(data))
        {
            // No --task: a numeric target (13.6, 11.4, …) was read as class indices and refused ("label '13.6…' is not a
            // class index") while the help said the default follows the data.
            var any = TableFile.IsNpy(data)
                ? TableFile.Load(data, options.Target, classification: false, hasHeader: options.HasHeader)
                : Csv.Load(data, options.Target, classification: false, hasHeader: options.HasHeader, textLabelsAreClasses: true);
            if (!any.IsClassification && any.TargetColumns == 1 && ClassLabels.WhyNotIndices(any.Targets) is null && ClassLabels.DistinctCount(any.Targets) >= 2 && any.Targets.Max() < ClassLabels.MaxInferredClasses)
            {
                any = new Dataset(any.Name, any.Features, any.FeatureCount, any.Targets, 1, (int)any.Targets.Max() + 1);
            }

            return any.Sample(options.Samples, options.Seed, "advisor-trial");
        }

        if (TableFile.HasTableExtension(data) || File.Exists(data))
        {
            Dataset table;
            try
            {
                table = TableFile.Load(data, options.Target, classification: task != AdvisorTask.Regression, hasHeader: options.HasHeader);
            }
            catch (Exception e) when (e is FormatException or InvalidDataException && e.Message.Contains(ClassLabels.NotAClassIndex, StringComparison.Ordinal))
            {
                // The loader names the label (13.63…); what to do about a numeric target is said here.
                throw new ArgumentException($"{e.Message.TrimEnd('.')}; for a numeric target give --task regression.", e);
            }

            // As for train's inference and compare: numeric labels are classes only as indices 0…k−1.
            if (table.IsClassification && table.ClassNames is null && ClassLabels.WhyNotIndices(table.Targets) is { } why)
            {
                throw new ArgumentException($"'{data}': {why}, so they are not class indices 0…k−1; number the classes 0, 1, 2, … or give them names (or try --task regression for a numeric target).");
            }

            return table.Sample(options.Samples, options.Seed, "advisor-trial");
        }

        throw new ArgumentException($"Unknown data '{data}'; valid: {string.Join(", ", Synthetic.Names)}, {FashionMnist}, or a .csv or 2-D .npy file whose last column is the label.");
    }

    /// <summary>
    /// True when a file's targets are several columns of 0 and 1 only, which <c>actkit train</c> infers as a multi-label
    /// task (one column of 0 and 1 is a binary one).
    /// </summary>
    public static bool IsMultilabel(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return !data.IsClassification && data.TargetColumns > 1 && Array.TrueForAll(data.Targets, t => t is 0 or 1);
    }

    private static void RefuseTarget(string? target, string what)
    {
        if (target is not null) throw new ArgumentException($"--target applies to CSV and .npy files, not to {what}.");
    }

    /// <summary>
    /// A file's label columns for a multi-label trial, as <c>actkit train --task multilabel --target l0,l1,…</c> reads
    /// them: <see cref="TrialOptions.Target"/> names them, and each holds 0 and 1 only.
    /// </summary>
    private static Dataset LabelColumns(string data, TrialOptions options)
    {
        string file = Path.GetFileName(data);
        if (options.Target is null && File.Exists(data))
        {
            // The last column alone was one-hot encoded into "2 yes/no labels" while the file's other label columns were
            // features that predicted it; which columns are labels the file does not say, so they must be named.
            throw new ArgumentException($"--task multilabel reads a file's label columns from --target, as train does (e.g. --target l0,l1,l2: header names or 0-based indices); without it the last column of '{file}' would be its only label and every other column a feature, other label columns among them.");
        }

        var table = TableFile.Load(data, options.Target, classification: false, hasHeader: options.HasHeader);
        if (!Array.TrueForAll(table.Targets, t => t is 0 or 1))
        {
            float other = Array.Find(table.Targets, t => t is not (0 or 1));
            throw new ArgumentException($"'{file}': a multilabel task needs label columns of 0 and 1 only, as train takes them, but --target '{options.Target}' holds {other.ToString("G7", System.Globalization.CultureInfo.InvariantCulture)}.");
        }

        return table;
    }

    /// <summary>The fewest validation samples a trial scores on: R² (and a ranking) needs more than one.</summary>
    private const int MinValidationSamples = 2;

    /// <summary>The fewest samples whose 70/30 split leaves <see cref="MinValidationSamples"/> for validation.</summary>
    private const int MinTrialRows = 6;

    /// <summary>Runs the trial over <paramref name="recommendations"/> (in rule order) on <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The layer, task or data cannot be tried with an MLP (gates, cells, ranking, mismatched data, a constant regression target), or the depth is above <see cref="MaxDepth"/> (or 0 for a hidden-layer trial).</exception>
    public static TrialReport Run(AdvisorRequest request, IReadOnlyList<Recommendation> recommendations, Dataset data, TrialOptions options, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(recommendations);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Seeds < 1 || options.Epochs < 1 || options.Width < 1) throw new ArgumentException("--seeds, --epochs and the width must be ≥ 1.");
        if (request.Layer is LayerRole.Gate or LayerRole.Cell)
        {
            throw new ArgumentException($"--try trains an MLP, which has no recurrent {ActivationAdvisor.Text(request.Layer)}s; try --layer hidden or --layer output.");
        }

        if (recommendations.Count == 0) throw new ArgumentException("There are no recommendations to try.");
        CheckDepth(request, options);

        var clock = Stopwatch.StartNew();
        var notes = new List<string>();
        bool output = request.Layer == LayerRole.Output;
        if (output && request.Task == AdvisorTask.Ranking) throw new ArgumentException("--try cannot measure a ranking output: the data sets have no query groups; try --task binary or multiclass.");
        // The data must fit the task for either layer: a hidden-layer trial trains on the data's own task, so
        // --task multiclass --try sine measured multiclass advice on a regression (F9, exploratory tester), where the
        // output layer's trial refused the same mismatch.
        CheckTask(data, request.Task);

        // A multi-label file's label columns (LoadData): each hidden-layer candidate, too, trains one sigmoid per label.
        bool labelColumns = request.Task == AdvisorTask.Multilabel && !data.IsClassification;

        // A binary task's hidden-layer candidates train under the output the advisor recommends for it, one sigmoid
        // with binary cross-entropy: they trained two softmax outputs, a network the advice never describes.
        bool binary = !output && request.Task == AdvisorTask.Binary;
        if (!data.IsClassification && !labelColumns && data.Rows > 0 && Array.TrueForAll(data.Targets, t => t == data.Targets[0]))
        {
            // Every run's R² was NaN and was reported as "diverged 3" with "a diverged run scores as a constant predictor".
            throw new ArgumentException($"The target of '{data.Name}' is constant ({data.Targets[0].ToString("G7", System.Globalization.CultureInfo.InvariantCulture)} in every row), so R² is undefined and the trial could not rank the candidates; give data whose target varies.");
        }
        Dataset prepared = output ? Prepare(data, request.Task, notes) : data;
        if (!output)
        {
            notes.Add(binary
                ? "Hidden-layer trial: each candidate is the activation of every hidden layer; the output is one sigmoid with binary cross-entropy on its logit, as the advisor recommends for a binary task."
                : data.IsClassification
                ? $"Hidden-layer trial: each candidate is the activation of every hidden layer; the output is linear with softmax cross-entropy on logits ({data.ClassCount} classes)."
                : labelColumns
                    ? $"Hidden-layer trial: each candidate is the activation of every hidden layer; the output is one sigmoid per label with binary cross-entropy on logits, for the {LabelText(data)}."
                    : "Hidden-layer trial: each candidate is the activation of every hidden layer; the output is linear with MSE.");
        }

        if (request.Model is not (ModelType.Mlp or ModelType.Regression))
        {
            // --model rnn --try trained a feed-forward net and said nothing of it.
            bool recurrent = request.Model is ModelType.Rnn or ModelType.Lstm or ModelType.Gru;
            notes.Add($"--model {ActivationAdvisor.Text(request.Model)}: the trial trains a feed-forward MLP, so it measures the advice in an MLP's layers"
                + (recurrent ? ", where nothing is fed back from step to step as a recurrent state is." : "."));
        }

        var (train, validation, _) = prepared.Split(0.7, 0.3, options.Seed);
        // One validation sample measures nothing: its R² is undefined, and every candidate was reported as diverged
        // (r2 0) and ranked, with exit 0, for a file of up to 5 rows (a smaller file is taken whole).
        if (validation.Rows < MinValidationSamples)
        {
            throw new ArgumentException($"'{data.Name}' has {prepared.Rows} sample(s), too few for a trial: its validation part would hold {validation.Rows}, and a score needs at least {MinValidationSamples}; give at least {MinTrialRows} samples.");
        }

        var norm = Standardizer.Fit(train);
        train = norm.Transform(train);
        validation = norm.Transform(validation);
        if (!output && !data.IsClassification && !labelColumns)
        {
            // As train does for a linear output: targets around 10⁵ left every candidate below R² 0 after the trial's few
            // epochs, ranked by noise. The hidden-layer trial's output is linear with MSE, whose R² the scale does not change.
            var scaling = TargetScaling.Fit(train);
            (train, validation) = (scaling.Transform(train), scaling.Transform(validation));
            notes.Add($"The target is standardised for training ({scaling}), so the validation losses are on that scale; the R² of one target does not change with its scale.");
        }

        if (output && request.Task == AdvisorTask.Regression)
        {
            // OutputPairing.For fits the same scaling on the same split; said once here rather than in every pairing.
            notes.Add($"Regression output trial: the target is standardised for unbounded outputs ({TargetScaling.Fit(train)}), scaled into the inner 80% of the range for outputs bounded on both sides, and standardised then shifted so that the least lies one standard deviation inside the bound for outputs bounded on one side; R² is on the target's own scale, and every validation loss is the MSE on the standardised target, so the losses compare.");
        }

        int depth = Depth(request, options);
        string hiddenForOutput = output && depth > 0 ? HiddenFor(request) : "identity";
        int outputs = binary ? 1 : OutputUnits(prepared, request, output);
        string network = string.Join(" → ", new[] { prepared.FeatureCount }.Concat(Enumerable.Repeat(options.Width, depth)).Append(outputs).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (output)
        {
            notes.Add(depth > 0
                ? $"Output trial: hidden layers use {hiddenForOutput} (the advisor's hidden choice for {ActivationAdvisor.Text(request.Model)}); each candidate swaps the output activation and its loss."
                : "Output trial: no hidden layer (--depth 0), so the output layer reads the inputs; each candidate swaps the output activation and its loss.");
        }

        string metric = !output ? (data.IsClassification ? "accuracy" : labelColumns ? "label_accuracy" : "r2")
            : request.Task switch { AdvisorTask.Regression => "r2", AdvisorTask.Multilabel => "label_accuracy", _ => "accuracy" };
        double constantScore = metric switch { "accuracy" => 1.0 / Math.Max(2, prepared.IsClassification ? prepared.ClassCount : outputs), "label_accuracy" => 0.5, _ => 0.0 };

        var results = new List<TrialCandidate>();
        for (int c = 0; c < recommendations.Count; c++)
        {
            var rec = recommendations[c];
            string spec = Spec(rec);
            var pairing = output ? OutputPairing.For(spec, request.Task, train)
                : labelColumns ? OutputPairing.For(OutputPairing.Recommended(AdvisorTask.Multilabel).Output, AdvisorTask.Multilabel, train)
                : binary ? OutputPairing.For(OutputPairing.Recommended(AdvisorTask.Binary).Output, AdvisorTask.Binary, train) : null;
            var perSeed = new List<double>();
            var losses = new List<double>();
            int diverged = 0;
            for (int s = 0; s < options.Seeds; s++)
            {
                progress?.Invoke($"{rec.Name} ({c + 1}/{recommendations.Count}), seed {s + 1}/{options.Seeds}");
                ulong seed = options.Seed + (ulong)s;
                var net = output
                    ? Mlp.Build(train.FeatureCount, Enumerable.Repeat(options.Width, depth), hiddenForOutput, outputs)
                    : Mlp.Build(train.FeatureCount, Enumerable.Repeat(options.Width, depth), spec, outputs);
                net.Initialize(Initializer.Auto, seed);
                var fit = Trainer.Fit(net, pairing?.TrainTargets ?? train, null, new TrainerOptions
                {
                    Epochs = options.Epochs,
                    BatchSize = options.BatchSize,
                    LearningRate = options.LearningRate,
                    Seed = seed,
                    Loss = pairing?.Loss,
                    EvaluateTrainingSet = false,
                });
                double score, loss;
                if (fit.Diverged)
                {
                    (score, loss) = (double.NaN, double.NaN);
                }
                else if (pairing is not null)
                {
                    (score, loss) = pairing.Evaluate(net, validation);
                }
                else
                {
                    var m = Trainer.Evaluate(net, validation);
                    (score, loss) = (data.IsClassification ? m.Accuracy : m.R2, m.Loss);
                }

                if (!double.IsFinite(score))
                {
                    diverged++;
                    score = constantScore;
                }
                else
                {
                    losses.Add(loss);
                }

                perSeed.Add(score);
            }

            double mean = perSeed.Average();
            double std = perSeed.Count > 1 ? Math.Sqrt(perSeed.Sum(v => (v - mean) * (v - mean)) / (perSeed.Count - 1)) : double.NaN;
            results.Add(new TrialCandidate
            {
                Name = rec.Name,
                Spec = spec,
                RuleRank = c + 1,
                Pairing = pairing?.Description ?? (data.IsClassification ? "linear output + softmax cross-entropy" : "linear output + MSE"),
                PerSeed = perSeed,
                Mean = mean,
                Std = std,
                StdError = std / Math.Sqrt(perSeed.Count),
                ValidationLoss = losses.Count > 0 ? losses.Average() : double.NaN,
                Diverged = diverged,
            });
        }

        if (output && request.Task is AdvisorTask.Binary or AdvisorTask.Multiclass or AdvisorTask.Multilabel
            && results.Any(r => r.Name == "identity") && results.Any(r => r.Name == OutputPairing.Recommended(request.Task).Output))
        {
            string fused = OutputPairing.Recommended(request.Task).Output;
            notes.Add($"identity gives the logits that {fused} applies inside its fused loss, so the two train the same network and measure alike.");
        }

        if (results.Any(r => r.Diverged > 0)) notes.Add($"A diverged run scores as a constant predictor ({metric} {constantScore:0.###}).");
        bool accuracy = metric.Contains("accuracy", StringComparison.Ordinal);
        // What one step of the accuracy counts: a validation sample, or one of its labels for label accuracy.
        bool labels = metric == "label_accuracy";
        int scored = accuracy ? validation.Rows * (labels ? outputs : 1) : 0;
        results = RankMeasured(results, scored);
        var ruleRanks = results.Select(r => (double)r.RuleRank).ToArray();
        var measured = results.Select(r => (double)r.MeasuredRank).ToArray();

        var first = results[0];
        var best = results.OrderBy(r => r.MeasuredRank).ThenBy(r => r.RuleRank).First();
        double resolution = accuracy ? 1.0 / scored : 0;
        // With one seed there is no spread (the errors are NaN): an accuracy's threshold is its step alone.
        double threshold = options.Seeds == 1
            ? (accuracy ? resolution : double.NaN)
            : Math.Max(2 * Math.Sqrt((best.StdError * best.StdError) + (first.StdError * first.StdError)), resolution);
        double gap = best.Mean - first.Mean;
        if (options.Seeds == 1)
        {
            notes.Add(accuracy
                ? $"With one seed there is no spread to measure noise; the threshold is one validation {(labels ? "label" : "sample")}."
                : $"With one seed there is no spread to measure noise, and {metric} has no sample step to stand in for it: whether a gap is noise is not judged (use --seeds 3 or more).");
        }
        return new TrialReport
        {
            Data = data.Name,
            Metric = metric,
            Layer = output ? "output" : "hidden",
            Network = network,
            Options = options with { Depth = depth },
            Candidates = results.OrderBy(r => r.MeasuredRank).ThenBy(r => r.RuleRank).ToArray(),
            Spearman = Spearman(ruleRanks, measured),
            Kendall = KendallTauB(ruleRanks, measured),
            FirstChoice = first.Name,
            MeasuredBest = best.Name,
            Gap = gap,
            NoiseThreshold = threshold,
            FirstChoiceWithinNoise = double.IsNaN(threshold) ? null : gap <= threshold,
            Notes = notes,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Competition ranking by mean metric (1 = best; tied candidates share the better rank). Means that differ by float
    /// rounding only are ties: an accuracy is a count over <paramref name="scored"/> validation samples (labels for
    /// label accuracy) per seed, so two means differ by at least one sample over all seeds, or are equal; yet 82/90
    /// summed as 83/90 + 81/90 and as 82/90 + 82/90 gave means one ulp apart, ranked 1 and 2 with Spearman's ρ
    /// computed on that order (ties held only where the seeds' scores were the same). Accuracy means within a millionth
    /// of one sample's step are tied (a diverged run's constant score is off that grid, but still at least 1/65,536 of a
    /// step away from a different mean); R² (<paramref name="scored"/> 0) has no step, and ties within 10⁻¹² relative.
    /// </summary>
    internal static List<TrialCandidate> RankMeasured(List<TrialCandidate> results, int scored)
    {
        double step = scored > 0 ? 1.0 / ((double)scored * results[0].PerSeed.Count) : 0;
        bool Tied(double a, double b) => scored > 0
            ? Math.Abs(a - b) < 1e-6 * step
            : Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
        var order = Enumerable.Range(0, results.Count).OrderByDescending(i => results[i].Mean).ThenBy(i => results[i].RuleRank).ToArray();
        var ranked = results.ToArray();
        int leader = 0;
        for (int k = 0; k < order.Length; k++)
        {
            if (!Tied(results[order[leader]].Mean, results[order[k]].Mean)) leader = k;
            ranked[order[k]] = results[order[k]] with { MeasuredRank = leader + 1 };
        }

        return ranked.ToList();
    }

    /// <summary>
    /// Refuses a depth a trial cannot train as asked: above <see cref="MaxDepth"/>, below 0, or 0 for a hidden-layer
    /// trial (the depth is <see cref="TrialOptions.Depth"/>, else the request's, else 2). Call it before loading data.
    /// </summary>
    /// <exception cref="ArgumentException">The depth cannot be trained (the message says what to give instead).</exception>
    public static void CheckDepth(AdvisorRequest request, TrialOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        int depth = Depth(request, options);
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"--try trains at most {MaxDepth} hidden layers, so --depth {depth} cannot be measured; give --depth {MaxDepth} or less (the deep-stack advice already applies from 8), or leave out --try.");
        }

        if (depth < 0 || (depth == 0 && request.Layer == LayerRole.Hidden))
        {
            throw new ArgumentException($"A hidden-layer trial needs 1 to {MaxDepth} hidden layers, got {depth}.");
        }
    }

    /// <summary>The hidden layers a trial trains: <see cref="TrialOptions.Depth"/>, else the request's, else 2.</summary>
    private static int Depth(AdvisorRequest request, TrialOptions options) => options.Depth ?? request.Depth ?? 2;

    /// <summary>Spearman's ρ: the Pearson correlation of the average ranks of <paramref name="a"/> and <paramref name="b"/> (NaN when undefined).</summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException("Both rankings need the same length.", nameof(b));
        if (a.Count < 2) return double.NaN;
        var ra = Ranks(a);
        var rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }

        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : double.NaN;
    }

    /// <summary>Kendall's τ-b (ties handled): (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)); NaN when undefined.</summary>
    public static double KendallTauB(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException("Both rankings need the same length.", nameof(b));
        long concordant = 0, discordant = 0, tiesA = 0, tiesB = 0;
        for (int i = 0; i < a.Count; i++)
        {
            for (int j = i + 1; j < a.Count; j++)
            {
                int da = Math.Sign(a[i] - a[j]), db = Math.Sign(b[i] - b[j]);
                if (da == 0) tiesA++;
                if (db == 0) tiesB++;
                if (da != 0 && db != 0)
                {
                    if (da == db) concordant++;
                    else discordant++;
                }
            }
        }

        long pairs = (long)a.Count * (a.Count - 1) / 2;
        double denominator = Math.Sqrt((double)(pairs - tiesA) * (pairs - tiesB));
        return denominator > 0 ? (concordant - discordant) / denominator : double.NaN;
    }

    /// <summary>Ranks from 1 (smallest value) with ties given their average rank.</summary>
    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            double average = ((i + j) / 2.0) + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = average;
            i = j + 1;
        }

        return ranks;
    }

    private static string Spec(Recommendation rec)
    {
        if (rec.Params.Count == 0) return rec.Name;
        var args = rec.Params.Select(kv => $"{kv.Key}={kv.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        return $"{rec.Name}({string.Join(", ", args)})";
    }

    /// <summary>The hidden activation an output trial trains with: the advisor's first hidden choice for the model.</summary>
    private static string HiddenFor(AdvisorRequest request)
    {
        var hidden = ActivationAdvisor.Recommend(new AdvisorRequest { Model = request.Model, Task = request.Task, Layer = LayerRole.Hidden, Depth = request.Depth }, 1)[0];
        return Spec(hidden);
    }

    private static int OutputUnits(Dataset prepared, AdvisorRequest request, bool output)
    {
        if (!output) return prepared.IsClassification ? prepared.ClassCount : prepared.TargetColumns;
        return request.Task switch
        {
            AdvisorTask.Binary => 1,
            AdvisorTask.Multiclass => prepared.ClassCount,
            _ => prepared.TargetColumns,
        };
    }

    /// <summary>
    /// Refuses data that does not fit the task: regression needs a regression set, binary two classes, multiclass and
    /// multilabel a classification set. Ranking is not checked here (an output trial refuses it; a hidden-layer trial
    /// trains on the data's own task).
    /// </summary>
    private static void CheckTask(Dataset data, AdvisorTask task)
    {
        switch (task)
        {
            case AdvisorTask.Regression when data.IsClassification:
                throw new ArgumentException($"--task regression needs a regression data set (sine, or a CSV with a numeric target), but '{data.Name}' is a classification set.");
            case AdvisorTask.Binary when data.ClassCount != 2:
                throw new ArgumentException($"--task binary needs a two-class data set, but '{data.Name}' " + (data.IsClassification ? $"has {data.ClassCount} classes." : "is a regression set; try it with --task regression."));
            case AdvisorTask.Multilabel when !data.IsClassification && Array.TrueForAll(data.Targets, t => t is 0 or 1):
                // A file's label columns (LoadData refuses them without 0/1); other numeric targets are refused below.
                break;
            case AdvisorTask.Multiclass or AdvisorTask.Multilabel when !data.IsClassification:
                throw new ArgumentException($"--task {ActivationAdvisor.Text(task)} needs a classification data set, but '{data.Name}' is a regression set; try it with --task regression.");
        }
    }

    /// <summary>"3 label columns (l0, l1, l2)", or "1 label column" for a file without a header.</summary>
    private static string LabelText(Dataset data) =>
        (data.TargetColumns == 1 ? "1 label column" : $"{data.TargetColumns} label columns") + (data.TargetNames is { } names ? $" ({string.Join(", ", names)})" : string.Empty);

    /// <summary>Converts checked data for the output task (multi-label: one-hot labels of a classification set; a file's label columns as they are).</summary>
    private static Dataset Prepare(Dataset data, AdvisorTask task, List<string> notes)
    {
        switch (task)
        {
            case AdvisorTask.Multilabel when !data.IsClassification:
                notes.Add($"Multi-label trial: the {LabelText(data)} of '{data.Name}' are the yes/no labels; the metric is the fraction of labels predicted right at threshold 0.5.");
                return data;
            case AdvisorTask.Multilabel:
                {
                    // One label per class (exactly one true): a valid multi-label problem with a known answer.
                    int k = data.ClassCount;
                    var targets = new float[data.Rows * k];
                    for (int r = 0; r < data.Rows; r++) targets[(r * k) + (int)data.Targets[r]] = 1;
                    notes.Add($"Multi-label trial: the {k} classes of '{data.Name}' become {k} yes/no labels (one-hot targets); the metric is the fraction of labels predicted right at threshold 0.5.");
                    return new Dataset(data.Name, data.Features, data.FeatureCount, targets, k, 0);
                }

            default:
                return data;
        }
    }
}
