using System.Globalization;
using System.ComponentModel;
using ActivationKit.Cli.Training;
using ActivationKit.Diagnostics;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;
using ActivationKit.Nn.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit diagnose</c>: runs the detectors offline, on a folder of .npy arrays dumped by any framework or on a model
/// saved by the engine run on a data set, and prints the findings with their evidence and fixes.
/// </summary>
public sealed class DiagnoseCommand(CliConsoles consoles) : Command<DiagnoseCommand.Settings>
{
    /// <summary>Samples a model is run on without --samples (all the rows of a smaller file).</summary>
    private const int DefaultSamples = 512;

    /// <summary>Arguments and options of <c>diagnose</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[FOLDER]")]
        [Description("Folder of .npy arrays, one per layer [[samples × units]], with an optional manifest.json (see docs/diagnostics.md).")]
        public string? Folder { get; init; }

        [CommandOption("-a|--activation <SPEC>")]
        [Description("Activation of the layers (required without a manifest; with one, fills the layers it leaves without one, and is refused when it leaves none), e.g. relu, leaky_relu(0.1).")]
        public string? Activation { get; init; }

        [CommandOption("--output-activation <SPEC>")]
        [Description("Activation of the last layer, when it differs (e.g. linear); refused when a manifest gives the last layer one.")]
        public string? OutputActivation { get; init; }

        /// <summary>--arrays as given (null: not given, pre-activations).</summary>
        [CommandOption("--arrays <KIND>")]
        [Description("Without a manifest, what the files hold: pre (pre-activations, default) or post (activations); refused with a manifest, which names each file pre or post.")]
        public string? Arrays { get; init; }

        [CommandOption("-m|--model <FILE>")]
        [Description("A model saved by the engine: run forward and backward on a batch of --data to collect the arrays.")]
        public string? Model { get; init; }

        [CommandOption("-d|--data <NAME|FILE>")]
        [Description("Data for --model: a synthetic set (spirals, moons, xor, circles, checkerboard, sine, random), fashion-mnist, or a .csv or 2-D .npy file.")]
        public string? Data { get; init; }

        [CommandOption("--label-column <NAME|INDEX>")]
        [Description("Label column of a .csv or .npy --data (a CSV header name, or a 0-based index, negative from the end). Default: the last. A multilabel or multi-output regression model takes one per output, separated by commas (l0,l1,l2).")]
        public string? LabelColumn { get; init; }

        [CommandOption("--header <MODE>")]
        [Description(HeaderOption.Description)]
        public string? Header { get; init; }

        [CommandOption("-n|--samples <N>")]
        [Description("Samples for --model (default 512, or all the rows of a smaller file; more than a file or Fashion-MNIST's test set holds is refused).")]
        public int? Samples { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Seed of a synthetic --data set (default 1).")]
        public ulong? Seed { get; init; }

        [CommandOption("--json")]
        [Description("Print the report as JSON: findings (kind, severity, layer, evidence, explanation, fix), notes (what was not checked and why) and per-layer statistics.")]
        public bool Json { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if ((Folder is null) == (Model is null)) return ValidationResult.Error("diagnose needs exactly one of FOLDER (a folder of .npy arrays) and --model FILE.");
            if (Model is not null && Data is null) return ValidationResult.Error("--model needs --data (a synthetic set name, fashion-mnist, or a .csv or .npy file) to run the network on.");
            if (Model is null && (Data is not null || LabelColumn is not null || Header is not null || Samples is not null)) return ValidationResult.Error("--data, --label-column, --header and --samples go with --model (a FOLDER's arrays hold their own samples).");
            if (Model is not null && (Activation is not null || OutputActivation is not null)) return ValidationResult.Error("--activation and --output-activation go with a FOLDER; a model file knows its activations.");
            if (Model is not null && Arrays is not null) return ValidationResult.Error("--arrays goes with a FOLDER without a manifest; a model file's arrays are computed by running it.");
            if (Samples is < 2) return ValidationResult.Error($"--samples must be at least 2, got {Samples}.");
            if (Arrays is not (null or "pre" or "post")) return ValidationResult.Error($"--arrays must be pre or post, not '{Arrays}'.");
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (report, samples) = settings.Model is not null ? FromModel(settings) : FromFolder(settings);

        // --seed draws a synthetic --data set; for a file, fashion-mnist or a FOLDER it was ignored without a word.
        if (settings.Seed is { } seed && !IsSynthetic(settings.Data))
        {
            string what = settings.Model is null ? "a FOLDER's arrays" : $"'{ExceptionMessages.Excerpt(settings.Data!.Trim())}'";
            consoles.ErrorWriter.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Warning: --seed {seed} is ignored: it draws a synthetic --data set ({string.Join(", ", Synthetic.Names)}), and {what} is not one."));
        }

        // One snapshot judges a unit dead if it is zero on every sample it has: on few samples a live unit often is (one
        // that fires on a quarter of the inputs is zero on 2 samples 56 % of the time, on 16 samples 1 %).
        if (samples < DiagnosticsOptions.DefaultDeadMinSamples)
        {
            consoles.ErrorWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Warning: dead units are judged on {Spelling.Count(samples, "sample")}, so a unit is called dead after {(samples == 1 ? "one zero" : $"{samples} zeros")}, and one that fires on a quarter of the inputs looks dead this way {Math.Pow(0.75, samples):P0} of the time; use {DiagnosticsOptions.DefaultDeadMinSamples} samples or more (--samples with --model)."));
        }

        if (settings.Json)
        {
            consoles.OutWriter.Write(report.ToJson());
            consoles.OutWriter.WriteLine();
        }
        else
        {
            report.WriteText(consoles.OutWriter);
        }

        consoles.OutWriter.Flush();
        return report.WorstSeverity is Severity.Warning or Severity.Critical ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static (DiagnosticsReport Report, int Samples) FromFolder(Settings s)
    {
        string folder = s.Folder!;

        // --arrays post beside a manifest was ignored without a word: the manifest names each file pre or post.
        if (s.Arrays is not null && File.Exists(Path.Combine(folder, ArrayFolder.ManifestName)))
        {
            throw new UsageException($"--arrays {s.Arrays} says what the files of a folder without a manifest hold, but '{folder}' has a {ArrayFolder.ManifestName}, which names each file \"pre\" or \"post\"; leave out --arrays.");
        }

        var content = ArrayFolder.Load(folder, s.Activation, s.OutputActivation, s.Arrays == "post" ? ArrayKind.Post : ArrayKind.Pre);
        return (ArrayFolder.Diagnose(content, $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)))} ({Spelling.Count(content.Layers.Count, "layer")}, {Spelling.Count(content.Layers[0].Rows, "sample")})"), content.Layers[0].Rows);
    }

    private static (DiagnosticsReport Report, int Samples) FromModel(Settings s)
    {
        bool? header = Csv.ParseHeader(s.Header);
        if (Directory.Exists(s.Model)) throw new UsageException($"The model file '{TerminalText.Safe(s.Model!)}' is a folder; give the file saved by train --save (a FOLDER of .npy arrays goes without --model).");
        if (!File.Exists(s.Model)) throw new UsageException($"--model file '{TerminalText.Safe(s.Model!)}' does not exist.");
        var (net, meta) = ModelFile.Load(s.Model!);
        Dataset data;
        try
        {
            data = LoadData(s, meta, header);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentException && e.Message.Contains(ClassLabels.NotAClassIndex, StringComparison.Ordinal))
        {
            throw LabelsNotOfTheModel(s, net, meta, header, e);
        }

        if (data.FeatureCount != net.InputSize)
        {
            // The model's inputs and nothing else: the last of them was taken for the label.
            if (TableFile.HasTableExtension(s.Data!.Trim()) && data.FeatureCount + data.TargetColumns == net.InputSize) throw NoLabelColumn(s, net, meta);

            // A model with several outputs of their own (multilabel, multi-output regression) reads as many label columns.
            bool severalTargets = net.OutputSize > 1 && !data.IsClassification && data.TargetColumns == 1 && data.FeatureCount + 1 - net.InputSize == net.OutputSize;
            throw new UsageException($"The data '{data.Name}' has {data.FeatureCount} feature{(data.FeatureCount == 1 ? "" : "s")} but the model takes {net.InputSize} input{(net.InputSize == 1 ? "" : "s")}"
                + (severalTargets ? $"; it has {net.OutputSize} outputs, so give its {net.OutputSize} label columns with --label-column, separated by commas (header names or 0-based indices)." : "."));
        }

        if (meta.Normalization is { } norm) data = norm.Transform(data);
        // An explicit --samples beyond the rows there are was cut to them without a word, where train refuses it.
        if (s.Samples is { } asked)
        {
            string what = IsFashionMnist(s.Data!) ? "images in the Fashion-MNIST test file" : $"rows of '{s.Data}'";
            Dataset.RefuseMoreSamplesThan(asked, data.Rows, what, all: data.Rows <= DefaultSamples ? "leave --samples out for all of them" : null);
        }

        int rows = Math.Min(s.Samples ?? DefaultSamples, data.Rows);
        var loss = meta.Loss is { } spec ? Losses.Parse(spec) : Trainer.DefaultLoss(data, net.OutputSize);
        if (loss.TargetColumns(net.OutputSize) != data.TargetColumns)
        {
            throw new UsageException($"The model's loss {loss.Name} expects {loss.TargetColumns(net.OutputSize)} target column(s) for its {net.OutputSize} outputs, but '{data.Name}' has {data.TargetColumns}.");
        }

        // A regression model's linear output carries the targets' scale in its weights (train folds it in), and that
        // scale multiplies every gradient below the output: a model trained to R² 0.997 on targets of 1e−6 was reported
        // with critical vanishing gradients. Every such model is judged on standard scores of the data's targets, the
        // scale taken out of its output layer, so the findings do not depend on the targets' units.
        if (!data.IsClassification && net.OutputSize == data.TargetColumns && TargetScaling.Applies(net.Layers[^1].Activation, loss, data.TargetColumns))
        {
            var scaling = TargetScaling.Fit(data);
            scaling.UnfoldFrom(net);
            data = scaling.Transform(data);
            loss = scaling.LossOnScaled(loss);
        }

        var x = data.Features.AsSpan(0, rows * data.FeatureCount);
        var targets = data.Targets.AsSpan(0, rows * data.TargetColumns);

        if (data.IsClassification && data.ClassCount > Math.Max(net.OutputSize, 2))
        {
            // A one-output model (a binary classifier) takes two classes, not more (the engine's F3 check, here too).
            throw new UsageException($"The data '{data.Name}' has labels up to {data.ClassCount - 1}, but the model's class indices are {ModelClasses(net)} (it has {Spelling.Count(net.OutputSize, "output")}).");
        }

        // One check from one forward and backward pass: a streak of one is all the evidence there is, and dead units are
        // judged on the rows it has (DeadMinSamples 1: no later check will come to pool a small --samples with). A saved
        // model's weights are trained: their scale says nothing about the initialisation (identical units still do).
        var options = new NetworkDiagnosticsOptions
        {
            Every = 1,
            WeightsAreTrained = true,
            Session = new DiagnosticsSessionOptions { Thresholds = new DiagnosticsOptions { VanishingSteps = 1, DeadMinSamples = 1 }, DeadChecks = 1, SavedModel = true },
        };
        using var d = new NetworkDiagnostics(net, options).Attach();
        d.CheckOutput(data, loss);
        var output = net.Forward(x, rows);
        var gradient = new float[rows * net.OutputSize];
        loss.Compute(output, targets, rows, net.OutputSize, gradient);
        net.Backward(x, gradient, rows);
        d.Detach();
        return (d.Session.Report($"{Path.GetFileName(s.Model)} on {data.Name} ({rows} samples)", every: 0, steps: 0), rows);
    }

    private static bool IsSynthetic(string? data) =>
        data is not null && (Synthetic.Names.Contains(data.Trim().ToLowerInvariant().Replace('-', '_')) || data.Trim().ToLowerInvariant().Replace('_', '-') == "two-spirals");

    private static bool IsFashionMnist(string data) => data.Trim().ToLowerInvariant().Replace('_', '-') is "fashion-mnist" or "fashion";

    /// <summary>The class indices a classifier takes: 0 and 1 for one output (binary) or two, 0 to k − 1 for k outputs.</summary>
    private static string ModelClasses(Mlp net) => net.OutputSize <= 2 ? "0 and 1" : $"0 to {net.OutputSize - 1}";

    /// <summary>
    /// A data file whose labels the loader refused as no class index, judged by the file alone ("row 1 has label −0.66,
    /// which is not a class index in [0, 2]" for a binary model): a file of just the model's inputs has no label column,
    /// and that is said; other labels are judged against the model's classes.
    /// </summary>
    private static UsageException LabelsNotOfTheModel(Settings s, Mlp net, ModelMetadata meta, bool? header, Exception e)
    {
        string name = s.Data!.Trim();
        try
        {
            // Read again as numbers (no class check) to count the columns: this path is taken on a refusal only.
            var numbers = TableFile.Load(name, s.LabelColumn, classification: false, header);
            if (numbers.FeatureCount + numbers.TargetColumns == net.InputSize) return NoLabelColumn(s, net, meta);
        }
        catch (Exception again) when (again is FormatException or InvalidDataException or ArgumentException)
        {
            // Not readable as numbers either: the loader's own sentence stands, with the model's classes.
        }

        string message = ErrorReporter.Message(e);
        return new UsageException($"{message[..message.IndexOf(ClassLabels.NotAClassIndex, StringComparison.Ordinal)]}is not one of the model's class indices, {ModelClasses(net)}.");
    }

    /// <summary>
    /// A data file with exactly the model's input columns: diagnose runs the loss backward, so it needs the labels too
    /// (the last input column was taken for the label, and the refusal was about that column's values or the inputs
    /// being one short).
    /// </summary>
    private static UsageException NoLabelColumn(Settings s, Mlp net, ModelMetadata meta)
    {
        string file = Path.GetFileName(s.Data!.Trim());
        bool severalTargets = net.OutputSize > 1 && (string.Equals(meta.Task, "regression", StringComparison.OrdinalIgnoreCase) || string.Equals(meta.Task, "multilabel", StringComparison.OrdinalIgnoreCase));
        string add = severalTargets
            ? $"add its {net.OutputSize} label columns and name them with --label-column, separated by commas"
            : "add the labels as one more column (the last, or name it with --label-column)";
        return new UsageException($"'{file}' has {Spelling.Count(net.InputSize, "column")}, exactly the model's inputs, so none is left for the labels, which diagnose needs to run the loss backward; {add}.");
    }

    private static Dataset LoadData(Settings s, ModelMetadata meta, bool? header)
    {
        // A header is checked against the training data's, as predict checks it (when the model has its names): columns
        // swapped or renamed, or a --label-column naming one of the model's inputs, were read by position without a word.
        // Another number of feature columns is left to the count check after loading, which says how to name several
        // label columns (a multilabel model's labels are not columns to remove).
        void CheckColumns(IReadOnlyList<string> features, IReadOnlyList<string> labels)
        {
            if (features.Count != meta.FeatureNames?.Count) return;
            if (ModelFile.InputColumnsProblem(meta, features, Path.GetFileName(s.Data!.Trim())) is not { } problem) return;
            static string Key(string n) => n.Trim().ToLowerInvariant();
            var inputs = meta.FeatureNames!.Select(Key).ToHashSet(StringComparer.Ordinal);
            var taken = labels.Where(l => inputs.Contains(Key(l))).ToList();
            string label = taken.Count == 0 ? string.Empty
                : $"The label column{(taken.Count == 1 ? string.Empty : "s")} {string.Join(", ", taken.Select(l => $"'{ExceptionMessages.Excerpt(l)}'"))} ({(s.LabelColumn is null ? "the last column, without --label-column" : $"--label-column {ExceptionMessages.Excerpt(s.LabelColumn)}")}) {(taken.Count == 1 ? "is one" : "are")} of the model's inputs, so ";
            throw new UsageException(label + problem);
        }

        string name = s.Data!.Trim();
        // Class labels for a classifier; a multilabel model's labels are several 0/1 columns read as numbers, like a
        // multi-output regression's targets (one column per output, named with --label-column l0,l1,l2).
        bool classification = !string.Equals(meta.Task, "regression", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(meta.Task, "multilabel", StringComparison.OrdinalIgnoreCase);
        // A CSV's text labels are numbered by the model's class names (not by this file's own sorted labels, which
        // would shift every class when the file lacks one); a model without names takes class indices only.
        if (TableFile.HasTableExtension(name)) return TableFile.Load(name, s.LabelColumn, classification, header, classification ? meta.ClassNames ?? [] : null, CheckColumns);
        if (s.LabelColumn is not null) throw new UsageException("--label-column goes with a .csv or .npy --data file.");
        string key = name.ToLowerInvariant().Replace('_', '-');
        if (IsFashionMnist(name))
        {
            TableFile.RefuseHeader(header, name);
            return Idx.LoadFashionMnist(test: true, scale: !TrainingData.TakesRawPixels(meta));
        }

        if (Synthetic.Names.Contains(key.Replace('-', '_')) || key == "two-spirals")
        {
            TableFile.RefuseHeader(header, name);
            return Synthetic.Create(key, s.Samples ?? DefaultSamples, noise: 0.05, s.Seed ?? 1, classes: key == "random" && meta.ClassCount > 1 ? meta.ClassCount : null);
        }

        throw new UsageException($"Unknown data '{s.Data}': use a synthetic set ({string.Join(", ", Synthetic.Names)}), fashion-mnist or a .csv or .npy file.");
    }
}
