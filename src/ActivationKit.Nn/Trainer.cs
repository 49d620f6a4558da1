using System.Diagnostics;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn;

/// <summary>Settings of a training run.</summary>
public sealed record TrainerOptions
{
    public int Epochs { get; init; } = 100;

    public int BatchSize { get; init; } = 32;

    public double LearningRate { get; init; } = 0.01;

    /// <summary>Null: Adam with default settings.</summary>
    public IOptimizer? Optimizer { get; init; }

    public ILearningRateSchedule Schedule { get; init; } = Schedules.Constant;

    /// <summary>Null: cross-entropy on logits for classification, MSE for regression.</summary>
    public ILoss? Loss { get; init; }

    /// <summary>Seeds the per-epoch shuffling.</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads for the matrix products.</summary>
    public int Threads { get; init; } = 1;

    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// True (default): the epoch's training loss, accuracy, MSE and R² (<see cref="EpochRecord.Train"/>) come from a
    /// forward pass over the whole training set with the epoch's final weights and dropout off, as the validation and
    /// test metrics do. False: they are accumulated from the batches as they were trained (each batch seen before its
    /// update, dropout on, like Keras), which saves that pass on large sets. Either way
    /// <see cref="EpochRecord.RunningLoss"/> holds the mean of the batch losses as they were trained.
    /// </summary>
    public bool EvaluateTrainingSet { get; init; } = true;

    /// <summary>
    /// Asked before the first batch and after every batch's update; a non-null answer stops training at once with that
    /// message (<see cref="TrainingResult.StoppedEarly"/>), e.g. <c>() =&gt; diagnostics.StopReason</c>, before any
    /// update when it is already known (a critical finding in the initial weights). The interrupted epoch is not added
    /// to the history.
    /// </summary>
    public Func<string?>? StopWhen { get; init; }
}

/// <summary>Loss and task metric of a model on a dataset.</summary>
/// <param name="Loss">Mean loss.</param>
/// <param name="Accuracy">
/// Fraction of correct predictions (classification), else NaN: the argmax of several outputs; for a single output of two
/// classes, output &gt; 0 for a logit (bce and other losses on logits) and output &gt; 0.5 for a loss on the output as
/// it is (mse, mae, huber on 0/1 labels).
/// </param>
/// <param name="MeanSquaredError">Mean squared error (regression), else NaN.</param>
/// <param name="R2">
/// Coefficient of determination 1 − SS_res/SS_tot (regression), else NaN. With several target columns both sums run
/// over every column: the columns' R² averaged with their target variances as weights (scikit-learn's
/// <c>r2_score(multioutput="variance_weighted")</c>), not their plain mean; <see cref="R2PerColumn"/> has each column's.
/// </param>
public sealed record Metrics(double Loss, double Accuracy, double MeanSquaredError, double R2)
{
    /// <summary>R² of each target column (regression; NaN for a constant column), or empty.</summary>
    public IReadOnlyList<double> R2PerColumn { get; init; } = [];
}

/// <summary>One epoch's record.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="LearningRate">The rate the epoch trained at.</param>
/// <param name="Train">
/// The training set's metrics: with <see cref="TrainerOptions.EvaluateTrainingSet"/> (the default) at the epoch's final
/// weights, loss included, so they agree with each other and with <see cref="Validation"/>; without it accumulated from
/// the batches as they were trained (the loss then equals <see cref="RunningLoss"/>).
/// </param>
/// <param name="Validation">The validation set's metrics at the epoch's final weights, or null.</param>
/// <param name="Seconds">Wall time of the epoch's training.</param>
/// <param name="SamplesPerSecond">Training rows per second of that time.</param>
public sealed record EpochRecord(int Epoch, double LearningRate, Metrics Train, Metrics? Validation, double Seconds, double SamplesPerSecond)
{
    /// <summary>
    /// The mean of the epoch's batch losses, each computed as its batch was trained: before that batch's update, with
    /// dropout on, so it mixes the epoch's changing weights and is not the loss of the final ones (<see cref="Train"/>).
    /// </summary>
    public double RunningLoss { get; init; } = double.NaN;
}

/// <summary>Progress report for a UI: called after every batch (EpochDone false) and at the end of every epoch.</summary>
/// <remarks>
/// A struct, so reporting every batch allocates nothing in the training loop. <c>RunningLoss</c> is the mean of the
/// epoch's batch losses so far, as they were trained (<see cref="EpochRecord.RunningLoss"/> at the end of the epoch).
/// </remarks>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double RunningLoss, bool EpochDone, EpochRecord? Record);

/// <summary>The outcome of <see cref="Trainer.Fit"/>.</summary>
public sealed record TrainingResult(IReadOnlyList<EpochRecord> History, bool Diverged, string? Message)
{
    /// <summary>The last completed epoch, or null.</summary>
    public EpochRecord? Last => History.Count > 0 ? History[^1] : null;

    /// <summary>True when <see cref="TrainerOptions.StopWhen"/> stopped training; <see cref="Message"/> says why.</summary>
    public bool StoppedEarly { get; init; }
}

/// <summary>Mini-batch training of an <see cref="Mlp"/>.</summary>
public static class Trainer
{
    /// <summary>
    /// The loss for a network with one output per class: softmax cross-entropy for classification, MSE for regression.
    /// Prefer <see cref="DefaultLoss(Dataset, int)"/>, which also knows the single-output binary case.
    /// </summary>
    public static ILoss DefaultLoss(Dataset data) => (data ?? throw new ArgumentNullException(nameof(data))).IsClassification ? Losses.SoftmaxCrossEntropy : Losses.MeanSquaredError;

    /// <summary>
    /// The loss used when none is given, for a network of <paramref name="outputs"/> outputs: binary cross-entropy on
    /// the logit for two classes and one output (the CLI's binary pairing), softmax cross-entropy for other
    /// classification, MSE for regression.
    /// </summary>
    public static ILoss DefaultLoss(Dataset data, int outputs)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.ClassCount == 2 && outputs == 1 ? Losses.BinaryCrossEntropy : DefaultLoss(data);
    }

    /// <summary>
    /// Trains for <see cref="TrainerOptions.Epochs"/> epochs, evaluating on <paramref name="validation"/> each epoch.
    /// Stops early with <see cref="TrainingResult.Diverged"/> and a message when the loss becomes NaN or infinite.
    /// Deterministic: the same network, data, options and seed give bit-identical weights and metrics.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An option out of range, data that does not fit the network or the loss, or an output layer of the function the
    /// loss fuses (softmax before cross_entropy, sigmoid before bce or multilabel_bce), which would squash twice.
    /// </exception>
    public static TrainingResult Fit(Mlp network, Dataset train, Dataset? validation, TrainerOptions options, Action<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Epochs < 1) throw new ArgumentException($"Epochs must be ≥ 1, got {options.Epochs}.", nameof(options));
        if (options.BatchSize < 1) throw new ArgumentException($"BatchSize must be ≥ 1, got {options.BatchSize}.", nameof(options));
        if (!(options.LearningRate > 0) || double.IsInfinity(options.LearningRate)) throw new ArgumentException($"LearningRate must be finite and > 0, got {options.LearningRate}.", nameof(options));

        // Checked here like the others: passed on to Mlp.Threads, it was refused there as the parameter "value".
        if (options.Threads < 1) throw new ArgumentException($"Threads must be ≥ 1, got {options.Threads}.", nameof(options));

        // A null schedule was a NullReferenceException at the first epoch.
        if (options.Schedule is null) throw new ArgumentException("Schedule must be a learning-rate schedule (Schedules.Constant keeps the rate), got null.", nameof(options));
        CheckCompatible(network, train);

        // new Mlp(…) and Mlp.Build start at zero weights: trained as they were, a ReLU network never moved its hidden
        // layers (relu′(0) = 0) and reported chance accuracy without a word. Weights written by hand are not zero.
        if (!network.WeightsAssigned && network.Layers.All(l => !l.Weights.AsSpan().ContainsAnyExcept(0f)))
        {
            throw new ArgumentException("The network has never been initialised (every weight is zero, as new Mlp and Mlp.Build leave them): call network.Initialize(Initializer.Auto, seed) first, or Initializer.Parse(\"zeros\") to start from zeros on purpose.", nameof(network));
        }

        if (train.Rows == 0) throw new ArgumentException($"The training data '{train.Name}' has no samples; training needs at least one.", nameof(train));
        if (validation is not null)
        {
            CheckCompatible(network, validation);

            // An empty validation set would report NaN metrics every epoch; null is how to ask for none.
            if (validation.Rows == 0) throw new ArgumentException($"The validation data '{validation.Name}' has no samples; pass null to train without validation.", nameof(validation));
        }

        var loss = options.Loss ?? DefaultLoss(train, network.OutputSize);
        CheckSquashedOnce(network, loss, options.Loss is null);
        CheckLoss(network, train, loss, nameof(options));
        if (validation is not null) CheckLoss(network, validation, loss, nameof(options));

        var optimizer = options.Optimizer ?? new Adam();
        float threshold = DecisionThreshold(loss);
        network.Threads = options.Threads;
        var parameters = network.Parameters();
        var shuffleRng = Rng.Derive(options.Seed, "shuffle");
        int batch = Math.Min(options.BatchSize, train.Rows);
        int batches = (train.Rows + batch - 1) / batch;
        var xb = new float[batch * train.FeatureCount];
        var tb = new float[batch * train.TargetColumns];
        var grad = new float[batch * network.OutputSize];
        var order = new int[train.Rows];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var history = new List<EpochRecord>();

        // A reason already known (diagnostics that found the initial weights symmetric) used to let one step run first.
        if (options.StopWhen?.Invoke() is { } known) return new TrainingResult(history, false, known) { StoppedEarly = true };

        // The caller's Training flag is given back however training ends, also by an exception from the progress callback or
        // StopWhen (it was left false: a manual loop that set it went on without dropout, silently).
        bool wasTraining = network.Training;
        try
        {
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                double lr = options.Schedule.Rate(options.LearningRate, epoch, options.Epochs);
                if (options.Shuffle) shuffleRng.Shuffle(order.AsSpan());
                var clock = Stopwatch.StartNew();
                double lossSum = 0, sse = 0;
                long correct = 0;
                var columnSse = new double[train.IsClassification ? 0 : train.TargetColumns];
                for (int b = 0; b < batches; b++)
                {
                    int r0 = b * batch, n = Math.Min(batch, train.Rows - r0);
                    for (int i = 0; i < n; i++)
                    {
                        int r = order[r0 + i];
                        train.Features.AsSpan(r * train.FeatureCount, train.FeatureCount).CopyTo(xb.AsSpan(i * train.FeatureCount));
                        train.Targets.AsSpan(r * train.TargetColumns, train.TargetColumns).CopyTo(tb.AsSpan(i * train.TargetColumns));
                    }

                    var x = xb.AsSpan(0, n * train.FeatureCount);
                    network.Training = true;
                    var output = network.Forward(x, n);
                    var g = grad.AsSpan(0, n * network.OutputSize);
                    double value = loss.Compute(output, tb.AsSpan(0, n * train.TargetColumns), n, network.OutputSize, g);
                    if (!double.IsFinite(value))
                    {
                        string message = $"Training diverged in epoch {epoch + 1}, batch {b + 1}: the loss became {value}. " +
                            $"Likely causes: the learning rate ({lr:G3}) is too high for this network and optimiser; unstandardised inputs; " +
                            "or an initialisation too large for the activation. Try a learning rate 10× lower, standardise the inputs, or use the activation's recommended initialiser.";
                        network.Training = false;
                        return new TrainingResult(history, true, message);
                    }

                    lossSum += value * n;
                    if (!options.EvaluateTrainingSet) Score(output, tb.AsSpan(0, n * train.TargetColumns), n, network.OutputSize, train.IsClassification, threshold, ref correct, ref sse, columnSse);
                    network.Backward(x, g, n);
                    network.Training = false;
                    optimizer.Step(parameters, lr);
                    progress?.Invoke(new TrainingProgress(epoch + 1, options.Epochs, b + 1, batches, lossSum / (r0 + n), false, null));
                    if (options.StopWhen?.Invoke() is { } reason) return new TrainingResult(history, false, reason) { StoppedEarly = true };
                }

                double seconds = clock.Elapsed.TotalSeconds;
                double runningLoss = lossSum / train.Rows;

                // The loss at the final weights, as the accuracy/MSE/R² beside it: the running mean of the batches was
                // reported as "train loss" next to an MSE of other weights (0.1514 against 0.1332 for the same MSE loss).
                var trainMetrics = options.EvaluateTrainingSet
                    ? Evaluate(network, train, loss)
                    : Summarise(train, runningLoss, correct, sse, columnSse);
                var record = new EpochRecord(epoch + 1, lr, trainMetrics, validation is null ? null : Evaluate(network, validation, loss), seconds, train.Rows / Math.Max(seconds, 1e-9)) { RunningLoss = runningLoss };
                history.Add(record);
                progress?.Invoke(new TrainingProgress(epoch + 1, options.Epochs, batches, batches, runningLoss, true, record));
                if (!NetworkIsFinite(network))
                {
                    return new TrainingResult(history, true, $"Training diverged in epoch {epoch + 1}: the weights became NaN or infinite. The learning rate ({lr:G3}) is most likely too high.");
                }
            }

            return new TrainingResult(history, false, null);
        }
        finally
        {
            network.Training = wasTraining;
        }
    }

    /// <summary>
    /// Loss and metrics of the network on <paramref name="data"/> (forward only, in batches): accuracy for
    /// classification (argmax; with a single output, output &gt; 0 for a loss on logits, &gt; 0.5 for mse, mae or huber),
    /// MSE and R² for regression.
    /// </summary>
    /// <exception cref="ArgumentException">A batch size below 1, data without samples, or data that does not fit the network.</exception>
    public static Metrics Evaluate(Mlp network, Dataset data, ILoss? loss = null, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize < 1) throw new ArgumentException($"batchSize must be ≥ 1, got {batchSize}.", nameof(batchSize));
        CheckCompatible(network, data);
        if (data.Rows == 0) throw new ArgumentException($"The data '{data.Name}' has no samples to evaluate.", nameof(data));
        loss ??= DefaultLoss(data, network.OutputSize);
        CheckLoss(network, data, loss, nameof(loss));
        // Without dropout, and with the caller's Training back afterwards, as Predict does.
        bool training = network.Training;
        network.Training = false;
        try
        {
            int outs = network.OutputSize;
            double lossSum = 0, sse = 0;
            long correct = 0;
            var columnSse = new double[data.IsClassification ? 0 : data.TargetColumns];
            for (int r0 = 0; r0 < data.Rows; r0 += batchSize)
            {
                int n = Math.Min(batchSize, data.Rows - r0);
                var output = network.Forward(data.Features.AsSpan(r0 * data.FeatureCount, n * data.FeatureCount), n);
                var targets = data.Targets.AsSpan(r0 * data.TargetColumns, n * data.TargetColumns);
                lossSum += loss.Compute(output, targets, n, outs, Span<float>.Empty) * n;
                Score(output, targets, n, outs, data.IsClassification, DecisionThreshold(loss), ref correct, ref sse, columnSse);
            }

            return Summarise(data, lossSum / data.Rows, correct, sse, columnSse);
        }
        finally
        {
            network.Training = training;
        }
    }

    /// <summary>
    /// Where a single output of two classes turns from class 0 to 1: 0.5 for a loss on the output as it is (mse on 0/1
    /// labels predicts the label: it was scored against 0, 0.578 where 0.5 gives 0.859), else 0, a logit's.
    /// </summary>
    private static float DecisionThreshold(ILoss loss) => Losses.IsOnOutputs(loss) ? 0.5f : 0f;

    /// <summary>Adds a batch's correct predictions (classification) or squared errors (regression: in total and per column).</summary>
    private static void Score(ReadOnlySpan<float> output, ReadOnlySpan<float> targets, int n, int outs, bool classification, float threshold, ref long correct, ref double sse, Span<double> columnSse)
    {
        for (int i = 0; i < n; i++)
        {
            var row = output.Slice(i * outs, outs);
            if (classification)
            {
                int predicted = outs == 1 ? (row[0] > threshold ? 1 : 0) : ArgMax(row);
                if (predicted == (int)targets[i]) correct++;
            }
            else
            {
                for (int j = 0; j < outs; j++)
                {
                    double d = row[j] - targets[(i * outs) + j];
                    sse += d * d;
                    columnSse[j] += d * d;
                }
            }
        }
    }

    private static Metrics Summarise(Dataset data, double meanLoss, long correct, double sse, ReadOnlySpan<double> columnSse)
    {
        if (data.IsClassification) return new Metrics(meanLoss, (double)correct / data.Rows, double.NaN, double.NaN);
        double mse = sse / data.Targets.Length;
        double sst = 0;
        var perColumn = new double[data.TargetColumns];
        for (int j = 0; j < data.TargetColumns; j++)
        {
            double mean = 0, columnSst = 0;
            for (int r = 0; r < data.Rows; r++) mean += data.Targets[(r * data.TargetColumns) + j];
            mean /= data.Rows;
            for (int r = 0; r < data.Rows; r++)
            {
                double d = data.Targets[(r * data.TargetColumns) + j] - mean;
                sst += d * d;
                columnSst += d * d;
            }

            perColumn[j] = columnSst > 0 ? 1 - (columnSse[j] / columnSst) : double.NaN;
        }

        return new Metrics(meanLoss, double.NaN, mse, sst > 0 ? 1 - (sse / sst) : double.NaN) { R2PerColumn = perColumn };
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best]) best = j;
        }

        return best;
    }

    /// <summary>True when every weight, bias and learned slope of the network is finite.</summary>
    internal static bool NetworkIsFinite(Mlp network) =>
        network.Layers.All(layer => Dataset.IndexOfNonFinite(layer.Weights) < 0 && Dataset.IndexOfNonFinite(layer.Bias) < 0 && Dataset.IndexOfNonFinite(layer.Slopes) < 0);

    private static void CheckCompatible(Mlp network, Dataset data)
    {
        if (data.FeatureCount != network.InputSize)
        {
            throw new ArgumentException($"The data '{data.Name}' has {Spelling.Count(data.FeatureCount, "feature")} but the network takes {Spelling.Count(network.InputSize, "input")}.", nameof(data));
        }

        // One output serves two classes (a logit); for more it was let through, and the loss then blamed a valid label
        // (exploratory NN tester's finding F3).
        if (data.IsClassification && network.OutputSize < data.ClassCount && (network.OutputSize != 1 || data.ClassCount > 2))
        {
            throw new ArgumentException($"The data '{data.Name}' has {data.ClassCount} classes but the network has {Spelling.Count(network.OutputSize, "output")}.", nameof(data));
        }
    }

    /// <summary>
    /// Refuses an output layer that applies the very function a fused loss applies to its logits (softmax before
    /// cross_entropy, sigmoid before bce or multilabel_bce): training squashed the outputs twice, silently. The CLI reads
    /// <c>--output softmax</c> with ce as the fused pair, a linear layer (<c>LossPairing</c>); Fit says so instead of
    /// guessing, as the network it was given would predict with the squash and the CLI's would not.
    /// </summary>
    private static void CheckSquashedOnce(Mlp network, ILoss loss, bool defaultLoss)
    {
        string? fused = OutputPairing.FusedActivation(loss);
        var output = network.Layers[^1].Activation;
        if (fused is null || output is null) return;
        string lossName = $"{loss.Name}{(defaultLoss ? " (the default for this data)" : string.Empty)}";
        string remedy = $"build the output layer linear (Mlp.Build's default) and apply {fused} to Predict's outputs, as actkit predict does.";
        if (output.Name == fused)
        {
            throw new ArgumentException(
                $"The output layer applies {network.Layers[^1].ActivationSpec}, and the loss {lossName} applies {fused} to the logits itself, " +
                $"so training would squash the outputs twice; {remedy}", nameof(network));
        }

        // Logits confined by the output function cap what the fused loss can say: softmax of outputs in [0, 1] (sparsemax,
        // softmin, sigmoid) or (−1, 1) (tanh) gives no class more than a few times the others' probability, and sigmoid of
        // outputs bounded below (relu: ≥ 0) never falls under ½, so every sample scored positive. Softmax needs logits
        // unbounded on at least one side (it ignores a shared shift: log_softmax, ≤ 0, before cross_entropy is harmless);
        // sigmoid needs both. The bounds are the layer's own, at its parameters (leaky_relu(0) is bounded below as relu is).
        var (below, above) = OutputPairing.Bounds(output);
        bool confined = fused == "softmax" ? above && below : above || below;
        if (confined)
        {
            string capped = fused == "softmax" || (above && below)
                ? "its probabilities cannot come near 0 or 1"
                : $"its probabilities cannot come near {(below ? "0" : "1")}";
            var info = output.Info;
            string outputs;
            if ((below, above) == (info.BoundedBelow, info.BoundedAbove))
            {
                // The interval of the catalog's range, without a note such as "each row sums to 1".
                int end = info.Range.IndexOfAny([']', ')']);
                outputs = $"whose outputs lie in {(end > 0 ? info.Range[..(end + 1)] : info.Range)}";
            }
            else
            {
                outputs = $"whose outputs are bounded {(above && below ? "on both sides" : below ? "below" : "above")} at these parameters";
            }

            throw new ArgumentException(
                $"The output layer applies {network.Layers[^1].ActivationSpec}, {outputs}, and the loss {lossName} takes them as logits " +
                $"and applies {fused}, so {capped}; {remedy}", nameof(network));
        }
    }

    /// <summary>Refuses a loss that cannot take the data's targets with the network's outputs.</summary>
    private static void CheckLoss(Mlp network, Dataset data, ILoss loss, string lossParameter)
    {
        int targetColumns = loss.TargetColumns(network.OutputSize);
        if (targetColumns != data.TargetColumns)
        {
            throw new ArgumentException($"Loss {loss.Name} expects {targetColumns} target column(s) for {network.OutputSize} outputs, but the data '{data.Name}' has {data.TargetColumns}.", lossParameter);
        }

        // Regression targets are no class indices: with one target column the shapes passed, and scoring the outputs as
        // regression columns then ran past the single target (an IndexOutOfRangeException from the trainer).
        if (Losses.IsSoftmaxCrossEntropy(loss) && !data.IsClassification)
        {
            throw new ArgumentException($"The data '{data.Name}' is a regression set (no classes), but {loss.Name} takes class indices; give the Dataset its class count, or use a regression loss such as mse.", lossParameter);
        }

        // Two classes on one output pass CheckCompatible for the binary losses; softmax over one column cannot tell them apart.
        if (Losses.IsSoftmaxCrossEntropy(loss) && data.IsClassification && network.OutputSize < data.ClassCount)
        {
            throw new ArgumentException($"The data '{data.Name}' has {data.ClassCount} classes but the network has {Spelling.Count(network.OutputSize, "output")}, and {loss.Name} needs one per class (bce takes two classes on one output).", lossParameter);
        }

        // Labels of a classification set are 0/1 here (CheckCompatible refuses more classes on one output); targets
        // outside [0, 1] gave negative losses and trained without a word (exploratory NN tester's finding F2).
        if (Losses.IsBinaryCrossEntropy(loss) && !data.IsClassification)
        {
            var targets = data.Targets;
            for (int i = 0; i < targets.Length; i++)
            {
                if (targets[i] is >= 0 and <= 1) continue;
                string column = data.TargetColumns > 1 ? $", column {(i % data.TargetColumns) + 1}" : string.Empty;
                throw new ArgumentException($"The data '{data.Name}' has the target {targets[i]} in row {(i / data.TargetColumns) + 1}{column}, but {loss.Name} takes targets in [0, 1] (0/1 labels or probabilities).", nameof(data));
            }
        }
    }
}
