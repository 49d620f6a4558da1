using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using ActivationKit.Cli.IO;
using ActivationKit.Cli.Training;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;
using ActivationKit.Nn.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit train</c>: trains an MLP on a built-in, Fashion-MNIST, CSV or .npy dataset with the Nn engine, shows progress,
/// reports train/validation/test metrics and optionally saves the model.
/// </summary>
public sealed class TrainCommand(CliConsoles consoles) : Command<TrainCommand.Settings>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Options of <c>train</c>.</summary>
    public sealed class Settings : DiagnoseOptions
    {
        [CommandOption("-d|--data <DATA>")]
        [Description("fashion-mnist, xor, spirals, moons, circles, checkerboard, sine, random, or a data file (.csv, .tsv or .txt as CSV text, .npy as an array). Required.")]
        public string? Data { get; init; }

        [CommandOption("--target <COLUMN>")]
        [Description("CSV: the target column's header name or 0-based index (negative from the end; default the last; a number that is one column's index and another's name is refused as ambiguous, and a header that names two columns alike is refused), or several separated by commas (l0,l1) for multilabel or multi-output regression. .npy: a column index, or a second .npy file of targets.")]
        public string? Target { get; init; }

        [CommandOption("--header <MODE>")]
        [Description(HeaderOption.Description)]
        public string? Header { get; init; }

        [CommandOption("--task <TASK>")]
        [Description("regression, binary, multiclass or multilabel. Default: inferred — one column of text labels or of class indices 0…k−1 (the smallest 0, none skipped, at most 100) is classification: 0/1 binary, more classes multiclass; several 0/1 columns multilabel; anything else regression (integer targets that are not class indices say so). multiclass takes integer labels as indices, empty ones too, but not mostly empty beyond 100.")]
        public string? Task { get; init; }

        [CommandOption("--hidden <UNITS>")]
        [Description("Hidden layer widths from 1 to 65536, comma separated (default 64,64; e.g. 256,128 for Fashion-MNIST). 0 alone: no hidden layer, a linear model (logistic or softmax regression for classification, linear regression for regression), which --activation does not apply to.")]
        public string Hidden { get; init; } = "64,64";

        [CommandOption("-a|--activation <SPEC>")]
        [Description("Hidden activation, any element-wise or gated catalog spec: relu, gelu, leaky_relu(0.1), swiglu… (default relu). Row-wise functions (softmax, …) belong at the output (--output).")]
        public string? ActivationOption { get; init; }

        /// <summary>The hidden activation: --activation, or relu.</summary>
        public string Activation => ActivationOption ?? "relu";

        [CommandOption("--output <SPEC>")]
        [Description("Output activation. With ce the output is softmax and with bce sigmoid, fused into the loss: the network emits logits and the loss applies the squashing function in a stable form (never twice); predict then returns probabilities. identity keeps raw logits. Regression: identity by default, or any catalog spec.")]
        public string? Output { get; init; }

        [CommandOption("--init <SCHEME>")]
        [Description("auto (from the activation), he_normal, he_uniform, glorot_uniform, glorot_normal, lecun_normal, lecun_uniform, orthogonal, normal(std), uniform(a), zeros, constant(c). Aliases he/glorot/lecun mean the normal variants.")]
        public string Init { get; init; } = "auto";

        [CommandOption("--loss <LOSS>")]
        [Description("ce (softmax cross-entropy on logits), bce (sigmoid binary cross-entropy on logits), mse, mae, huber or huber(DELTA). Default by task: binary bce, multiclass ce, multilabel bce, regression mse. Other names of the same losses are taken too, among them those check writes (ce_logits, bce_logits) and cross_entropy, l2, l1.")]
        public string? Loss { get; init; }

        [CommandOption("--optimizer <NAME>")]
        [Description("adam (default), adamw, sgd, momentum or nesterov.")]
        public string Optimizer { get; init; } = "adam";

        [CommandOption("--weight-decay <L>")]
        [Description("Weight decay (L2 for sgd/adam, decoupled for adamw; when not given 0, adamw 0.01; an explicit 0 turns adamw's off).")]
        public double? WeightDecay { get; init; }

        [CommandOption("--lr <RATE>")]
        [Description("Learning rate (default 1e-3).")]
        public double LearningRate { get; init; } = 1e-3;

        [CommandOption("--schedule <SCHEDULE>")]
        [Description("constant (default), cosine or cosine(MIN_FACTOR) (epoch e of E at min + ½(lr − min)(1 + cos(π·e/E)), min = lr·MIN_FACTOR, default 0: PyTorch's CosineAnnealingLR with T_max = E), step(EPOCHS) or step(EPOCHS, GAMMA).")]
        public string Schedule { get; init; } = "constant";

        [CommandOption("-b|--batch <N>")]
        [Description("Mini-batch size (default 32).")]
        public int Batch { get; init; } = 32;

        [CommandOption("--dropout <P>")]
        [Description("Dropout probability after each hidden layer while training (default 0 = off); alpha-dropout after SELU.")]
        public double Dropout { get; init; }

        [CommandOption("-e|--epochs <N>")]
        [Description("Passes over the training set (default 20).")]
        public int Epochs { get; init; } = 20;

        [CommandOption("--seed <N>")]
        [Description("Seed of the synthetic data, the split, the weights and the shuffling (default 1). Same seed, same bits.")]
        public ulong Seed { get; init; } = 1;

        [CommandOption("--threads <N>")]
        [Description("Threads for the matrix products, 1 to 256 (default 1). Results are bit-identical for any N.")]
        public int Threads { get; init; } = 1;

        [CommandOption("--samples <N>")]
        [Description("Samples of a synthetic set (default 2000, at least 3: one each for training, validation and test); for fashion-mnist (at least 2: one training and one validation image) or a .csv / .npy file, a subset of that many of its training images or rows drawn with --seed before the split (default all; more than there are is refused; the fashion-mnist test set stays all 10,000 images).")]
        public int? Samples { get; init; }

        [CommandOption("--noise <STD>")]
        [Description("Gaussian noise (std) of a synthetic set, 0 to 1e30 (default 0.05).")]
        public double Noise { get; init; } = 0.05;

        [CommandOption("-s|--save <FILE>")]
        [Description("Save the trained model (weights, architecture, normalisation, class names) to FILE (e.g. model.akm; not a data file's extension .csv, .tsv, .txt, .npy or .json, and not an input of this run) for actkit predict. An existing FILE is replaced only when it is an actkit model file, any other file only with --force. Nothing is saved when training diverges or --stop-on-critical stops it: a critical finding means the weights are not worth keeping (exit 1 in both cases).")]
        public string? Save { get; init; }

        [CommandOption("--force")]
        [Description("Let --save replace an existing file that is not an actkit model file, and --diagnostics-out existing diagnostics.json and diagnostics.txt that are not reports actkit wrote.")]
        public bool Force { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON object (data, task, network, per-epoch metrics — train_* at the epoch's final weights, like val_*, and train_running_loss the mean of the batch losses as they were trained —, target_scaling (the mean and std of regression targets standardised for training, or null; the epochs' losses and metrics are then on that scale, except that a huber(DELTA) epoch loss is the Huber loss in the targets' units divided by DELTA·std, or by std² where DELTA ≥ std: it trains as huber(DELTA/std) on the standardised targets, divided by DELTA/std where that is below 1 so that its slope beyond δ stays 1), the final train, validation and test metrics (in the targets' units), time per epoch, diverged and stopped_early with the reason, warnings (the sentences printed as Warning: on stderr), and with --diagnose the report as diagnostics) instead of the summary; when training diverges, or the trained outputs overflow the floats (error), train, validation and test are null and the exit code 1. With several regression targets r2 pools the columns (1 − ΣSS_res/ΣSS_tot over all of them, so each column weighs as its target variance) and test.r2_per_column gives each column's own r2; an r2 of targets that do not vary is undefined, null.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("train needs --data: a built-in set (xor, spirals, …, fashion-mnist) or a .csv, .tsv, .txt or .npy file.");
            if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) return ValidationResult.Error($"--lr must be a finite number > 0, got {LearningRate.ToString(Inv)}.");
            if (Batch < 1) return ValidationResult.Error($"--batch must be at least 1, got {Batch}.");
            if (Epochs < 1) return ValidationResult.Error($"--epochs must be at least 1, got {Epochs}.");
            // One bound for every command's --threads (bench's): train took 100000 and reported "100000 thread(s)".
            if (BenchCommand.ThreadsError(Threads) is { } threads) return ValidationResult.Error(threads);
            if (Samples is { } samples && TrainingData.SamplesError(Data, samples) is { } tooFew) return ValidationResult.Error(tooFew);
            if (!(Noise >= 0) || Noise > Synthetic.MaxNoise) return ValidationResult.Error($"--noise must be finite, ≥ 0 and at most 1e30, got {Noise.ToString(Inv)}.");
            if (WeightDecay is { } decay && (!(decay >= 0) || double.IsInfinity(decay))) return ValidationResult.Error($"--weight-decay must be finite and ≥ 0, got {decay.ToString(Inv)}.");

            // As accuracy refuses --force without --write-docs (F14, exploratory tester: it was accepted without a word).
            if (Force && Save is null && DiagnosticsOut is null) return ValidationResult.Error("--force goes with --save or --diagnostics-out: it lets the model or the reports replace existing files that actkit did not write.");
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Everything the user typed is parsed before the data is loaded or anything is trained.
        int[] hidden = ParseHidden(settings.Hidden);
        // As compare refuses them: a row-wise function cannot be a hidden layer's (bench mlp refuses it the same way).
        var hiddenActivation = HiddenActivation.Resolve(settings.Activation, "--output");

        if (settings.Output is { } outputSpec) _ = DenseLayer.ResolveActivation(outputSpec);
        var init = Initializer.Parse(settings.Init);
        var optimizer = Optimizers.Create(settings.Optimizer, weightDecay: settings.WeightDecay);
        var schedule = Schedules.Parse(settings.Schedule);
        string? loss = settings.Loss is { } lossSpec ? LossName(lossSpec) : null;
        if (loss is not null) _ = Losses.Parse(loss);
        TrainingTask? task = settings.Task is { } t ? TrainingData.ParseTask(t) : null;
        bool? header = Csv.ParseHeader(settings.Header);
        if (settings.Save is { } savePath) CheckSavePath(savePath, settings);

        var data = TrainingData.Load(settings.Data!, settings.Target, task, settings.Samples, settings.Noise, settings.Seed, header);
        var pairing = LossPairing.Resolve(data.Task, data.Train.TargetColumns, data.Train.ClassCount, loss, settings.Output);
        var norm = Standardizer.Fit(data.Train);
        var train = norm.Transform(data.Train);
        var validation = norm.Transform(data.Validation);
        var test = norm.Transform(data.Test);

        // Regression targets far from unit scale (prices around 10⁵) trained to an R² below 0 while the output bias
        // crept towards them by about the learning rate per step. A linear output trains on standardised targets instead,
        // folded back into its weights after training: the metrics below, the saved model and predict keep the targets'
        // units, and only the per-epoch losses are on the standardised scale.
        var outputFunction = DenseLayer.ResolveActivation(pairing.LayerActivation);
        var scaling = data.Task == TrainingTask.Regression && TargetScaling.Applies(outputFunction, pairing.Loss, train.TargetColumns) ? TargetScaling.Fit(train) : null;
        var (unscaledTrain, unscaledValidation) = (train, validation);
        if (scaling is not null) (train, validation) = (scaling.Transform(train), scaling.Transform(validation));
        var trainingLoss = scaling?.LossOnScaled(pairing.Loss) ?? pairing.Loss;

        // Printed on stderr as they arise and, with --json, listed in the object too. They quote class names from the
        // data, whose control characters (an escape sequence in a label) would reach the terminal: shown as '?' there,
        // kept in the JSON, which escapes them.
        var warnings = new List<string>();
        void Warn(string warning)
        {
            warnings.Add(warning);
            consoles.ErrorWriter.WriteLine($"Warning: {TerminalText.Safe(warning)}");
        }

        if (TrainingWarnings.ClassesMissingFromTraining(data) is { } missingClasses) Warn(missingClasses);

        // --hidden 0 has no hidden layer for --activation to apply to: it was ignored without a word.
        if (hidden.Length == 0 && settings.ActivationOption is { } unused)
        {
            Warn($"--activation {unused.Trim()} is ignored: --hidden 0 has no hidden layer (the model is linear); give hidden widths such as --hidden 64 to use it.");
        }

        // huber's one δ cannot follow columns standardised each by its own std, so several columns train unscaled: a
        // tester's columns at 1e5, 1e−3 and 7 reached R² −3 with huber against 0.95 with mse, and only "try another --lr".
        if (data.Task == TrainingTask.Regression && TargetScaling.HuberOnSeveralColumns(outputFunction, pairing.Loss, train.TargetColumns))
        {
            Warn($"{pairing.Loss.Name} trains the {train.TargetColumns} target columns on their own scales (one δ for all of them, so they are not standardised as for mse or mae); give columns of similar scale, or use mse or mae.");
        }

        // A bounded output (--output sigmoid, relu) that cannot reach the targets trained to an R² near 0 without a word.
        if (data.Task == TrainingTask.Regression && !pairing.Fused && OutputPairing.TargetRangeProblem(pairing.LayerActivation, data.Train) is { } range)
        {
            Warn(char.ToUpperInvariant(range[0]) + range[1..]);
        }

        // Before the network is built: --hidden 30000,30000 ran out of memory allocating it ("Internal error", exit 70).
        TrainingMemory.EnsureFits(
            TrainingMemory.Bytes(train.FeatureCount, hidden, hiddenActivation, pairing.Outputs, outputFunction, optimizer, TrainingMemory.PassRows(settings.Batch, train.Rows)),
            hidden.Length == 0 ? $"no hidden layer, {train.FeatureCount:N0} inputs" : $"hidden layers {string.Join(',', hidden)}",
            hidden.Length == 0 ? "use fewer input columns" : "use narrower --hidden layers");
        var network = Mlp.Build(train.FeatureCount, hidden, settings.Activation.Trim(), pairing.Outputs, pairing.LayerActivation, settings.Dropout);
        foreach (string warning in network.Initialize(init, settings.Seed)) Warn(warning);

        var options = new TrainerOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.Batch,
            LearningRate = settings.LearningRate,
            Optimizer = optimizer,
            Schedule = schedule,
            Loss = trainingLoss,
            Seed = settings.Seed,
            Threads = settings.Threads,
        };
        string description = Describe(network, pairing);
        // --diagnose and friends: detectors attached through the engine's hooks (null when not asked for).
        using var diagnostics = LiveDiagnostics.Start(settings, network, train, trainingLoss, consoles.ErrorWriter, settings.Force);
        if (diagnostics is not null) options = diagnostics.Apply(options);
        var result = Run(network, train, validation, options, data.Task);
        // With --json the report goes into the JSON object ("diagnostics") instead of the text on stdout.
        var report = diagnostics?.Finish($"training on {settings.Data}", settings.Json ? null : consoles.OutWriter, result);
        double perEpoch = result.History.Count > 0 ? result.History.Average(r => r.Seconds) : double.NaN;
        if (result.Diverged)
        {
            consoles.ErrorWriter.WriteLine($"Error: {result.Message}");

            // --json still gets its object: the epochs that completed, the divergence and the diagnostics that saw it
            // coming (without --json they were printed above). No test metrics: the weights are no longer finite.
            if (settings.Json) WriteJson(data, description, result, null, null, LabelAccuracies.None, perEpoch, null, report, warnings, scaling);
            return ExitCodes.Failed;
        }

        // The last epoch's train and validation metrics, on the targets' own scale (measured again after the fold).
        // Targets near the float maximum (±3e38) train on their standard scores, but the fold or the outputs in their own
        // units overflow the floats: train exited 0 and saved a model whose every prediction was ±∞. That ends the run
        // as a divergence does: exit 1, --json's object with no metrics, nothing saved.
        var last = result.Last;
        string? overflow = null;
        try
        {
            scaling?.FoldInto(network);
        }
        catch (ArgumentException e)
        {
            overflow = ErrorReporter.Message(e);
        }

        if (scaling is not null && last is not null && overflow is null)
        {
            last = last with
            {
                Train = Trainer.Evaluate(network, unscaledTrain, pairing.Loss),
                Validation = last.Validation is null ? null : Trainer.Evaluate(network, unscaledValidation, pairing.Loss),
            };
        }

        var measured = overflow is null ? Trainer.Evaluate(network, test, pairing.Loss) : null;
        if (measured is not null && data.Task == TrainingTask.Regression && !new[] { measured.Loss, last?.Train.Loss ?? 0, last?.Validation?.Loss ?? 0 }.All(double.IsFinite))
        {
            overflow = $"The trained model's outputs overflow the floats ({(scaling is null ? "the targets" : $"targets of {scaling}")} leave no room above them); divide the targets by a power of ten and train again.";
        }

        if (overflow is not null)
        {
            consoles.ErrorWriter.WriteLine($"Error: {overflow}{(settings.Save is null ? string.Empty : $" No model saved to {settings.Save}.")}");
            if (settings.Json) WriteJson(data, description, result, null, null, LabelAccuracies.None, perEpoch, null, report, warnings, scaling, overflow);
            return ExitCodes.Failed;
        }

        var testMetrics = measured!;
        // A multilabel run's accuracy is per (sample, label) pair, which Metrics does not hold: measured for each split here
        // (train and validation showed "–" though it is as computable as the test's).
        var labelAccuracy = data.Task == TrainingTask.Multilabel
            ? new LabelAccuracies(LabelAccuracy(network, train), validation.Rows > 0 ? LabelAccuracy(network, validation) : double.NaN, LabelAccuracy(network, test))
            : LabelAccuracies.None;
        if (TrainingWarnings.NoBetterThanChance(data.Task, testMetrics, last?.Validation, test, labelAccuracy.Test, TrainingWarnings.SamplesDrawn(data)) is { } chance) Warn(chance);
        if (TrainingWarnings.UndefinedR2(data.Task, last, testMetrics, data) is { } undefined) Warn(undefined);
        if (result.StoppedEarly)
        {
            // A critical finding (--stop-on-critical) is a problem found, like divergence: exit 1 and keep no model. The
            // report was printed above; the metrics below are those of the network as it stood when training stopped.
            string epochs = result.History.Count == 0 ? "before the first epoch ended" : $"after {result.History.Count} complete epoch(s)";
            consoles.ErrorWriter.WriteLine($"Stopped early {epochs}: {result.Message}{(settings.Save is null ? string.Empty : $" No model saved to {settings.Save}.")}");
            if (settings.Json) WriteJson(data, description, result, last, testMetrics, labelAccuracy, perEpoch, null, report, warnings, scaling);
            else WriteSummary(data, description, network, options, settings.Schedule, result, last, testMetrics, labelAccuracy, perEpoch, null, scaling, pairing.Loss);
            return ExitCodes.Failed;
        }

        if (settings.Save is { } path)
        {
            var notes = new Dictionary<string, string>
            {
                ["output"] = pairing.Output,
                ["data"] = data.Name,
                ["test_metric"] = data.Task == TrainingTask.Regression ? $"r2={testMetrics.R2.ToString("R", Inv)}" : $"accuracy={(data.Task == TrainingTask.Multilabel ? labelAccuracy.Test : testMetrics.Accuracy).ToString("R", Inv)}",
            };
            if (data.InputDivisor != 1) notes[TrainingData.RawPixelsNote] = TrainingData.RawPixels;
            var metadata = new ModelMetadata
            {
                Task = TrainingData.Name(data.Task),
                ClassCount = train.ClassCount,
                ClassNames = train.ClassNames,
                // The CSV header's names of the inputs, so predict can refuse a file whose columns are others or in another order.
                FeatureNames = train.FeatureNames,
                // The target columns' names of a multilabel or multi-output regression CSV: predict's header names them.
                TargetNames = train.TargetNames,
                Loss = pairing.Loss.Name,
                Init = init.ToString(),
                // Fitted on the values as loaded (Fashion-MNIST's pixels / 255), saved for the values as the dataset holds them.
                Normalization = norm.Rescaled(data.InputDivisor),
                Notes = notes,
            };
            AtomicFile.Write(path, stream => ModelFile.Save(stream, network, metadata));
        }

        if (settings.Json) WriteJson(data, description, result, last, testMetrics, labelAccuracy, perEpoch, settings.Save, report, warnings, scaling);
        else WriteSummary(data, description, network, options, settings.Schedule, result, last, testMetrics, labelAccuracy, perEpoch, settings.Save, scaling, pairing.Loss);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Parses --hidden: widths from 1 to 65536 separated by commas, or 0 alone for no hidden layer (a linear model). F5
    /// (exploratory tester): 0 and an empty value made no hidden layer without the help saying so, while 0,4 was told
    /// that widths start at 1; 0 is now documented and said to stand alone, and an empty value is refused.
    /// </summary>
    internal static int[] ParseHidden(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UsageException("--hidden needs layer widths such as 64,64, or 0 for no hidden layer, not an empty string.");
        if (text.Trim() == "0") return [];
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var units = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (int.TryParse(parts[i], NumberStyles.None, Inv, out int zero) && zero == 0)
            {
                throw new UsageException($"--hidden '{text}': 0 means no hidden layer and stands alone (--hidden 0); layer widths are whole numbers from 1 to 65536, like 256,128.");
            }

            if (!int.TryParse(parts[i], NumberStyles.None, Inv, out units[i]) || units[i] < 1 || units[i] > 1 << 16)
            {
                throw new UsageException($"--hidden '{text}': '{parts[i]}' is not a layer width (a whole number from 1 to 65536); write widths like 256,128, or 0 alone for no hidden layer.");
            }
        }

        return units;
    }

    /// <summary>
    /// The --loss name train's engine takes (ce, bce, mse, mae, or huber as given, with its DELTA) for any spelling of
    /// these losses the output check understands (<see cref="Advisor.NetworkCheck.CanonicalLoss"/>): F15, exploratory
    /// tester — check writes and suggests ce_logits, which train refused, and train's error listed cross_entropy where its
    /// help said ce. train's losses all work on logits, so ce_logits is ce and bce_logits bce.
    /// </summary>
    internal static string LossName(string spec)
    {
        string text = spec.Trim();

        // The name and its value as check reads them (LossSpec, the engine's reader too): only huber takes a value, and
        // a refused one (huber(-1), ce(2), smooth_l1(2)) is said in check's words; huber(DELTA) goes on as given, for
        // the engine to read its DELTA.
        var (name, delta) = Advisor.LossSpec.Parse(text, n => EngineName(n) is not null);
        if (delta is not null) return text;
        return EngineName(name) ?? throw new UsageException($"Unknown --loss '{spec}' (valid: ce, bce, mse, mae, huber or huber(DELTA); ce_logits, cross_entropy, bce_logits and similar names of the same losses are taken too).");
    }

    /// <summary>The engine's name for a loss name without a value, in any spelling the output check or the engine knows; null for none.</summary>
    private static string? EngineName(string name)
    {
        switch (Advisor.NetworkCheck.CanonicalLoss(name))
        {
            case "ce" or "ce_logits": return "ce";
            case "bce" or "bce_logits": return "bce";
            case "mse": return "mse";
            case "mae": return "mae";
            case "huber": return "huber";
        }

        // The engine's own aliases (multilabel, …) stay accepted.
        try
        {
            _ = Losses.Parse(name);
            return name;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Extensions of data files, which a model file (binary: weights and metadata) is not given.</summary>
    private static readonly string[] DataExtensions = [".csv", ".tsv", ".txt", ".npy", ".json"];

    // Before the data is read: a folder that takes the file, a name that is no data file's, and not an input of this run
    // (--save d.csv with --data d.csv replaced the data set by the model).
    private static void CheckSavePath(string path, Settings settings)
    {
        OutputFolder.RefuseInput(path, "--save", (settings.Data, "--data"), (settings.Target is { } t && TableFile.IsNpy(t) ? t : null, "--target"));
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (DataExtensions.Contains(ext))
        {
            throw new UsageException($"--save '{path}' has the extension of a data file ({ext}), but a model is a binary file of its own; give a model file name such as {Path.ChangeExtension(Path.GetFileName(path), ".akm")}.");
        }

        // The folder --diagnostics-out creates and fills at the end of training: the model's write then failed on it
        // ("Cannot write 'd': it is a folder"), after the whole run.
        if (settings.DiagnosticsOut is { } reports && string.Equals(OutputFolder.Canonical(path), OutputFolder.Canonical(reports), OutputFolder.PathComparison))
        {
            throw new UsageException($"--save '{TerminalText.Safe(path)}' is the --diagnostics-out folder '{TerminalText.Safe(reports)}'; the model needs a file of its own: give another --save file name.");
        }

        OutputFolder.EnsureFileWritable(path, "--save");
        OutputFolder.RefuseOverwrite(path, "--save", settings.Force, IsModelFile, "an actkit model file");
    }

    /// <summary>Whether the file starts with the model files' magic (<see cref="ModelFile.Magic"/>).</summary>
    private static bool IsModelFile(string path) => OutputFolder.Head(path, ModelFile.Magic.Length).AsSpan().SequenceEqual(ModelFile.Magic);

    private static string Describe(Mlp network, LossPairing pairing)
    {
        var widths = new[] { network.InputSize }.Concat(network.Layers.Select(l => l.Units));
        string hidden = network.Layers.Count > 1 ? network.Layers[0].ActivationSpec : "none";
        string output = pairing.Fused ? $"{pairing.Output} (fused into {pairing.Loss.Name} on logits)" : pairing.Output;
        return $"{string.Join("-", widths)}, hidden {hidden}, output {output}, {network.ParameterCount:N0} parameters";
    }

    /// <summary>
    /// The schedule as the summary names it: "schedule constant", or "schedule cosine (last epoch at lr 2.47e-05)" — with
    /// --schedule cosine the line read "lr 0.001" alone (F15, exploratory tester), and only --json's per-epoch rates showed it.
    /// </summary>
    private static string ScheduleText(string spec, TrainingResult result)
    {
        string name = string.Concat(spec.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
        return name == "constant" || result.History.Count == 0
            ? $"schedule {name}"
            : $"schedule {name} (last epoch at lr {result.History[^1].LearningRate.ToString("G3", Inv)})";
    }

    private TrainingResult Run(Mlp network, Dataset train, Dataset validation, TrainerOptions options, TrainingTask task)
    {
        bool classification = task is TrainingTask.Binary or TrainingTask.Multiclass;
        if (!consoles.Error.Profile.Capabilities.Interactive)
        {
            return Trainer.Fit(network, train, validation, options, p =>
            {
                if (p.EpochDone && p.Record is { } r) consoles.ErrorWriter.WriteLine(EpochLine(r, options.Epochs, classification));
            });
        }

        TrainingResult? result = null;
        consoles.Error.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var bar = ctx.AddTask("training", maxValue: (double)options.Epochs * ((train.Rows + options.BatchSize - 1) / options.BatchSize));
                var clock = Stopwatch.StartNew();
                var lastDraw = TimeSpan.Zero;
                string previous = string.Empty;
                result = Trainer.Fit(network, train, validation, options, p =>
                {
                    bar.Increment(p.EpochDone ? 0 : 1);
                    if (p.EpochDone && p.Record is { } r)
                    {
                        previous = classification
                            ? (r.Validation is { } va ? $" · val acc {Formatting.Describe.Metric(va.Accuracy)}" : string.Empty)
                            : (r.Validation is { } vl ? $" · val loss {Formatting.Describe.Metric(vl.Loss)}" : string.Empty);
                        ctx.Refresh();
                        clock.Restart();
                        return;
                    }

                    // Redraw the text at most 10 times a second: formatting it every batch would cost more than small batches.
                    if (clock.Elapsed - lastDraw < TimeSpan.FromMilliseconds(100)) return;
                    lastDraw = clock.Elapsed;
                    double samplesPerSecond = Math.Min(p.Batch * options.BatchSize, train.Rows) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                    bar.Description = Markup.Escape($"epoch {p.Epoch}/{p.Epochs} · batch {p.Batch}/{p.Batches} · running loss {p.RunningLoss:0.0000}{previous} · {samplesPerSecond:N0} samples/s");
                });
                bar.Value = bar.MaxValue;
            });

        // Keep the per-epoch record visible after the bar.
        foreach (var record in result!.History) consoles.ErrorWriter.WriteLine(EpochLine(record, options.Epochs, classification));
        return result;
    }

    private static string EpochLine(EpochRecord r, int epochs, bool classification)
    {
        string Metric(Metrics m) => classification
            ? $"loss {Formatting.Describe.Metric(m.Loss)} acc {Formatting.Describe.Metric(m.Accuracy)}"
            : $"loss {Formatting.Describe.Metric(m.Loss)}";
        string val = r.Validation is { } v ? $"  val {Metric(v)}" : string.Empty;
        return $"epoch {r.Epoch}/{epochs}  train {Metric(r.Train)}{val}  {r.Seconds.ToString("0.000", Inv)} s  {r.SamplesPerSecond.ToString("N0", Inv)} samples/s";
    }

    /// <summary>A multilabel run's label accuracy (<see cref="LabelAccuracy"/>) on each split; NaN where there is none.</summary>
    private readonly record struct LabelAccuracies(double Train, double Validation, double Test)
    {
        public static LabelAccuracies None => new(double.NaN, double.NaN, double.NaN);
    }

    /// <summary>Fraction of (sample, label) pairs whose logit has the right sign.</summary>
    private static double LabelAccuracy(Mlp network, Dataset data)
    {
        var logits = network.Predict(data.Features, data.Rows);
        long correct = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if ((logits[i] > 0) == (data.Targets[i] > 0.5f)) correct++;
        }

        return (double)correct / logits.Length;
    }

    /// <summary>
    /// The summary's line of epoch times: the mean time and the rate of the same epochs, all their samples over all their
    /// time (the training rows over the mean time). The rate was the mean of the epochs' own rates, which a fast epoch
    /// pulls far above the mean time's: "0.054 s (203,448 samples/s)" for 1,400 rows, which that time trains at 26,000.
    /// </summary>
    internal static string EpochTime(IReadOnlyList<EpochRecord> history)
    {
        double seconds = history.Sum(r => r.Seconds);
        double samples = history.Sum(r => r.SamplesPerSecond * r.Seconds);
        string rate = seconds > 0 ? (samples / seconds).ToString("N0", Inv) : "—";
        return $"time per epoch {(seconds / history.Count).ToString("0.000", Inv)} s, the mean of {Spelling.Count(history.Count, "epoch")} ({rate} samples/s: the training samples over that time)";
    }

    private void WriteJson(TrainingSplits data, string description, TrainingResult result, EpochRecord? last, Metrics? test, LabelAccuracies labelAccuracy, double perEpoch, string? saved, DiagnosticsReport? report, IReadOnlyList<string> warnings, TargetScaling? scaling, string? failure = null)
    {
        bool regression = data.Task == TrainingTask.Regression;
        bool multilabel = data.Task == TrainingTask.Multilabel;
        JsonOut.Write(consoles.OutWriter, json =>
        {
            json.WriteStartObject();
            json.WriteString("data", data.Name);
            json.WriteString("task", TrainingData.Name(data.Task));
            json.WriteBoolean("task_inferred", data.Inferred);
            if (data.TaskNote is not null) json.WriteString("task_note", data.TaskNote);
            json.WriteString("network", description);
            json.WriteNumber("train_samples", data.Train.Rows);
            json.WriteNumber("validation_samples", data.Validation.Rows);
            json.WriteNumber("test_samples", data.Test.Rows);

            // Regression targets standardised for training (a linear output): the epochs' losses and metrics are on that
            // scale; "test" and the saved model are in the targets' units.
            if (scaling is null)
            {
                json.WriteNull("target_scaling");
            }
            else
            {
                json.WriteStartObject("target_scaling");
                json.WriteStartArray("mean");
                foreach (double m in scaling.Mean) JsonOut.Number(json, m);
                json.WriteEndArray();
                json.WriteStartArray("std");
                foreach (double sd in scaling.Std) JsonOut.Number(json, sd);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteStartArray("epochs");
            foreach (var r in result.History)
            {
                json.WriteStartObject();
                json.WriteNumber("epoch", r.Epoch);
                JsonOut.Number(json, "learning_rate", r.LearningRate);
                Metric(json, "train", r.Train);

                // Beside train_loss (at the epoch's final weights): the mean of the batch losses as they were trained.
                JsonOut.Number(json, "train_running_loss", r.RunningLoss);
                if (r.Validation is { } v) Metric(json, "val", v);
                json.WriteNumber("seconds", Math.Round(r.Seconds, 6));
                json.WriteNumber("samples_per_second", Math.Round(r.SamplesPerSecond));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            // The last epoch's train and validation metrics beside the test's, all on the targets' own scale (the epochs'
            // are on the standardised one when "target_scaling" is set). Null where there are none (diverged, no epoch).
            Split(json, "train", test is null ? null : last?.Train, labelAccuracy.Train);
            Split(json, "validation", test is null ? null : last?.Validation, labelAccuracy.Validation);
            Split(json, "test", test, labelAccuracy.Test);

            if (result.History.Count > 0) json.WriteNumber("time_per_epoch_s", Math.Round(perEpoch, 6));
            else json.WriteNull("time_per_epoch_s");
            json.WriteBoolean("diverged", result.Diverged);
            if (result.Diverged) json.WriteString("divergence", result.Message);
            if (failure is not null) json.WriteString("error", failure);
            json.WriteBoolean("stopped_early", result.StoppedEarly);
            if (result.StoppedEarly) json.WriteString("stop_reason", result.Message);
            if (saved is not null) json.WriteString("model", saved);

            // The sentences printed as "Warning: …" on stderr, in the order they were printed.
            json.WriteStartArray("warnings");
            foreach (string warning in warnings) json.WriteStringValue(warning);
            json.WriteEndArray();
            if (report is not null)
            {
                // The report's own JSON (what --diagnostics-out writes as diagnostics.json).
                json.WritePropertyName("diagnostics");
                json.WriteRawValue(report.ToJson());
            }

            json.WriteEndObject();
        });

        void Split(Utf8JsonWriter json, string name, Metrics? m, double labelAccuracy)
        {
            if (m is null)
            {
                json.WriteNull(name);
                return;
            }

            json.WriteStartObject(name);
            JsonOut.Number(json, "loss", m.Loss);
            if (regression)
            {
                JsonOut.Number(json, "mse", m.MeanSquaredError);
                // Undefined (targets without variance): null, not the string "NaN" where a number belongs.
                JsonOut.NumberOrNull(json, "r2", m.R2);
                if (m.R2PerColumn.Count > 1)
                {
                    json.WriteStartArray("r2_per_column");
                    foreach (double r2 in m.R2PerColumn) JsonOut.NumberOrNull(json, r2);

                    json.WriteEndArray();
                }
            }
            else if (!multilabel || !double.IsNaN(labelAccuracy))
            {
                JsonOut.Number(json, "accuracy", multilabel ? labelAccuracy : m.Accuracy);
            }

            json.WriteEndObject();
        }

        void Metric(Utf8JsonWriter json, string prefix, Metrics m)
        {
            JsonOut.Number(json, prefix + "_loss", m.Loss);
            if (regression)
            {
                JsonOut.Number(json, prefix + "_mse", m.MeanSquaredError);
                // null is "targets that do not vary"; a diverged epoch's NaN r2 is written like its NaN loss and mse.
                if (double.IsFinite(m.MeanSquaredError)) JsonOut.NumberOrNull(json, prefix + "_r2", m.R2);
                else JsonOut.Number(json, prefix + "_r2", m.R2);
            }
            else if (!multilabel)
            {
                JsonOut.Number(json, prefix + "_accuracy", m.Accuracy);
            }
        }
    }

    /// <summary>
    /// What the per-epoch losses of a run on standardised targets are: mse and mae on that scale; huber trains as huber(δ/std)
    /// divided by δ/std where that is below 1 (<see cref="TargetScaling.LossOnScaled"/>), which is on neither scale — the
    /// Huber loss in the targets' units divided by δ·std, or by std² where δ ≥ std. That divisor is the same at every
    /// residual, so one residual of a std measures it.
    /// </summary>
    private static string EpochLossScale(TargetScaling scaling, ILoss loss, ILoss trainingLoss)
    {
        if (ReferenceEquals(loss, trainingLoss)) return "on that scale";
        double inUnits = loss.Compute([(float)scaling.Std[0]], [0f], 1, 1, Span<float>.Empty);
        double trained = trainingLoss.Compute([1f], [0f], 1, 1, Span<float>.Empty);
        return $"the Huber loss in the targets' units divided by {(inUnits / trained).ToString("G3", Inv)} (δ·std, or std² where δ ≥ std: it trains as huber(δ/std) on that scale, divided by δ/std where that is below 1)";
    }

    private void WriteSummary(TrainingSplits data, string description, Mlp network, TrainerOptions options, string schedule, TrainingResult result, EpochRecord? last, Metrics test, LabelAccuracies labelAccuracy, double perEpoch, string? saved, TargetScaling? scaling, ILoss loss)
    {
        bool regression = data.Task == TrainingTask.Regression;
        bool multilabel = data.Task == TrainingTask.Multilabel;
        var table = new Table().Border(TableBorder.Simple).AddColumn("split").AddColumn(new TableColumn("samples").RightAligned()).AddColumn(new TableColumn("loss").RightAligned());
        if (regression) table.AddColumn(new TableColumn("mse").RightAligned()).AddColumn(new TableColumn("r2").RightAligned());
        else if (!multilabel) table.AddColumn(new TableColumn("accuracy").RightAligned());
        else table.AddColumn(new TableColumn("label accuracy").RightAligned());

        void Row(string split, int rows, Metrics? m, double accuracyOverride = double.NaN)
        {
            if (m is null) return;
            var cells = new List<string> { split, rows.ToString("N0", Inv), Formatting.Describe.Metric(m.Loss) };
            if (regression) cells.AddRange([Formatting.Describe.Metric(m.MeanSquaredError), Formatting.Describe.Metric(m.R2)]);
            else if (!multilabel) cells.Add(Formatting.Describe.Metric(m.Accuracy));
            else cells.Add(double.IsNaN(accuracyOverride) ? "–" : Formatting.Describe.Metric(accuracyOverride));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        Row("train", data.Train.Rows, last?.Train, labelAccuracy.Train);
        Row("validation", data.Validation.Rows, last?.Validation, labelAccuracy.Validation);
        Row("test", data.Test.Rows, test, labelAccuracy.Test);

        string inferred = (data.Inferred, data.TaskNote) switch
        {
            (true, null) => " (inferred)",
            (true, { } note) => $" (inferred: {note})",
            (false, { } note) => $" ({note})",
            _ => string.Empty,
        };
        consoles.Out.WriteLine($"data {TerminalText.Safe(data.Name)}: {TrainingData.Name(data.Task)}{TerminalText.Safe(inferred)}, {Spelling.Count(data.Train.FeatureCount, "feature")}");
        if (scaling is not null) consoles.Out.WriteLine($"targets standardised for training ({scaling}): the epoch losses above are {EpochLossScale(scaling, loss, options.Loss!)}, the metrics below and the model in the targets' units");
        consoles.Out.WriteLine($"network {description}");
        // The batch the trainer used: --batch above the training rows is capped to them (it said "batch 100000").
        string batch = options.BatchSize > data.Train.Rows
            ? $"batch {data.Train.Rows.ToString("N0", Inv)} (all the training rows; --batch {options.BatchSize.ToString("N0", Inv)} is more)"
            : $"batch {options.BatchSize.ToString("N0", Inv)}";
        consoles.Out.WriteLine($"training {options.Optimizer!.Name}, lr {options.LearningRate.ToString("G4", Inv)}, {ScheduleText(schedule, result)}, {batch}, {result.History.Count} epoch(s), {options.Threads} thread(s)");
        consoles.Out.Write(table);
        if (regression && test.R2PerColumn.Count > 1)
        {
            // The table's r2 pools the columns (1 − ΣSS_res / ΣSS_tot over all of them): a column with a large variance weighs more.
            string columns = string.Join(", ", test.R2PerColumn.Select(r => Formatting.Describe.Metric(r)));
            consoles.Out.WriteLine($"test r2 per target column {columns} (r2 above pools the columns, weighting each by its target variance)");
        }

        if (result.History.Count > 0) consoles.Out.WriteLine(EpochTime(result.History));
        if (saved is not null) consoles.Out.WriteLine($"saved {TerminalText.Safe(saved)} ({network.ParameterCount:N0} parameters); run: actkit predict --model {TerminalText.Safe(saved)} --in FILE");
    }
}
