using System.ComponentModel;
using System.Globalization;
using ActivationKit.Cli.Formatting;
using ActivationKit.Cli.IO;
using ActivationKit.Cli.Training;
using ActivationKit.Nn.Experiments;
using ActivationKit.Nn.Data;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit compare</c>: trains the same network once per (activation, seed), writes one result file per trial as it
/// finishes (resumable, shardable), and prints the ranked table.
/// </summary>
public sealed class CompareCommand(CliConsoles consoles) : Command<CompareCommand.Settings>
{
    /// <summary>Options of <c>compare</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <DATA>")]
        [Description("spirals (default), xor, moons, circles, checkerboard, fashion-mnist, or a .csv file or 2-D .npy array whose last column is the class.")]
        public string Data { get; init; } = "spirals";

        [CommandOption("--header <MODE>")]
        [Description(HeaderOption.Description + " Given, it enters the configuration key: a results folder made with another setting is not resumed.")]
        public string? Header { get; init; }

        [CommandOption("--samples <N>")]
        [Description("Samples to generate (synthetic: default 1500, at least 3: one each for training, validation and test) or to take from the training data (fashion-mnist: default 10000, at least 2: one training and one validation image; a file: default all, at least 3; 0 = all of a file or of fashion-mnist; more than the data holds is refused).")]
        public int? Samples { get; init; }

        [CommandOption("--noise <STD>")]
        [Description("Gaussian noise (std) of a synthetic set, 0 to 1e30 (default 0.1); ignored for fashion-mnist and files, so it is not part of their comparison's identity.")]
        public double Noise { get; init; } = 0.1;

        [CommandOption("--data-seed <N>")]
        [Description("Seed of the data generation and the train/validation/test split (default 1; the same for every trial).")]
        public ulong DataSeed { get; init; } = 1;

        [CommandOption("-a|--activations <LIST>")]
        [Description("Comma-separated specs (default relu,leaky_relu,elu,gelu,silu,mish,tanh,sigmoid); NAME@INIT overrides the initialiser, e.g. sigmoid@zeros.")]
        public string? Activations { get; init; }

        [CommandOption("--hidden <WIDTHS>")]
        [Description("Hidden layer widths (default 16,16).")]
        public string Hidden { get; init; } = "16,16";

        [CommandOption("--seeds <N>")]
        [Description("Seeds per activation (default 3).")]
        public int Seeds { get; init; } = 3;

        [CommandOption("--epochs <N>")]
        [Description("Training epochs (default 30).")]
        public int Epochs { get; init; } = 30;

        [CommandOption("--batch <N>")]
        [Description("Mini-batch size (default 32).")]
        public int Batch { get; init; } = 32;

        [CommandOption("--lr <RATE>")]
        [Description("Learning rate (default 0.01).")]
        public double LearningRate { get; init; } = 0.01;

        [CommandOption("--optimizer <NAME>")]
        [Description("sgd, momentum, nesterov, adam (default) or adamw.")]
        public string Optimizer { get; init; } = "adam";

        [CommandOption("--init <INIT>")]
        [Description("auto (default: He/Glorot/LeCun with gain from each activation), he_normal, glorot_uniform, lecun_normal, zeros, …")]
        public string Init { get; init; } = "auto";

        // Not a column, unlike train's and recommend's --target (compare's class is the data's last column): the help
        // says so, --target-accuracy names it plainly, and a column name given here is answered with that. --target
        // stays, as scripts use it.
        [CommandOption("--target|--target-accuracy <ACC>")]
        [Description("The validation accuracy to reach, a fraction above 0 and at most 1 (default 0.9; 0.95 for 95 %): the first epoch at or above it is reported as 'epochs to target'. An accuracy, not a column: compare takes the class from the last column of --data (a target column is train's --target). Also spelled --target-accuracy.")]
        public string? Target { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Results folder (default results): experiment.json and one trials/*.json per finished trial.")]
        public string Out { get; init; } = "results";

        [CommandOption("--threads <N>")]
        [Description("Trials trained at once, 1 to 256 (default: the processor count, at most 256). Results do not depend on it.")]
        public int? Threads { get; init; }

        [CommandOption("--shard <I/N>")]
        [Description("Run only the trials whose index mod N is I (e.g. a Kubernetes or Slurm array task); merge with 'actkit report'.")]
        public string? Shard { get; init; }

        [CommandOption("--json")]
        [Description("Print the summary as JSON instead of a table.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = ToConfig(settings);
        var shard = settings.Shard is null ? Shard.All : Shard.Parse(settings.Shard);
        // One bound for every command's --threads (bench's): compare took any number above 0.
        if (settings.Threads is { } asked && BenchCommand.ThreadsError(asked) is { } error) throw new UsageException(error);
        int threads = settings.Threads ?? Math.Min(Environment.ProcessorCount, BenchCommand.MaxThreads);
        // --out is checked before the data is loaded (Fashion-MNIST takes seconds), without being created, so a refused
        // --data leaves no empty folder; it is made once the data is in.
        OutputFolder.CheckWritableWithoutCreating(settings.Out, "--out");
        RefuseTakenNames(settings.Out);
        var data = ExperimentData.Load(config);
        OutputFolder.EnsureWritable(settings.Out, "--out");
        var err = consoles.ErrorWriter;
        bool interactive = consoles.Error.Profile.Capabilities.Interactive;
        int total = config.Trials().Count(t => shard.Includes(t.Index));
        EnsureTrialsFit(config, data, Math.Min(threads, Math.Max(total, 1)));
        // The data's name and the output folder are the user's text: shown without control characters (TerminalText).
        err.WriteLine(TerminalText.Safe($"Comparing {config.Activations.Count} activation(s) × {config.Seeds} seed(s) on {data.Identity} " +
            $"({data.Train.Rows} train / {data.Validation.Rows} validation / {data.Test.Rows} test){(shard.Count > 1 ? $", shard {shard}: {total} trial(s)" : string.Empty)}; results in {settings.Out}"));
        // As train warns: a class the seeded shuffle left out of the training split is never learned, and nothing said so.
        if (TrainingWarnings.ClassesMissingFromTraining(Splits(data), "--data-seed") is { } missingClasses) err.WriteLine($"Warning: {TerminalText.Safe(missingClasses)}");

        // What train prints for one network (a symmetric initialiser, a function that passes no gradient), once per
        // contender: such a contender trains, but its place in the table says more about the set-up than the function.
        foreach (var (contender, warnings) in ExperimentRunner.InitializationWarnings(config, data))
        {
            foreach (string warning in warnings) err.WriteLine($"Warning: {contender.Label}: {warning}");
        }

        RunOutcome outcome;
        using (var interruption = new Interruption(cancellationToken))
        {
            try
            {
                outcome = ExperimentRunner.Run(config, data, settings.Out, new RunOptions
                {
                    Shard = shard,
                    Threads = threads,
                    Cancellation = interruption.Token,
                    Saving = interruption.Saving,
                    Progress = p => Report(err, p, interactive),
                });
            }
            catch (RunCancelledException stop) when (interruption.Signal is not null)
            {
                // Every trial file written is whole; the trials in training were dropped, and their temporary files
                // never existed or were removed by the write that made them.
                if (interactive) err.WriteLine();
                err.WriteLine(TerminalText.Safe(Interrupted(interruption.SignalName, stop, settings.Out)));
                return interruption.ExitCode;
            }
        }

        if (interactive) err.WriteLine();
        err.WriteLine($"Trained {outcome.Trained} trial(s), skipped {outcome.Skipped} already finished.");

        var (manifest, trials) = ResultStore.Load([settings.Out]);
        var summary = ExperimentSummary.Create(manifest, trials);
        if (settings.Json) ExperimentTable.WriteJson(consoles.OutWriter, summary);
        else ExperimentTable.Write(consoles.OutWriter, summary);
        // Shards may share one folder or write one each: naming only this one gave an incomplete report in the second layout.
        if (!summary.Complete && shard.Count > 1)
        {
            err.WriteLine(TerminalText.Safe($"When every shard has finished: actkit report {ExperimentConfig.Quote(settings.Out)} (and the other shards' folders, if they wrote elsewhere)"));
        }

        return ExitCodes.Ok;
    }

    /// <summary>The one line an interrupted compare ends with: what stopped it, what is kept, how to go on.</summary>
    internal static string Interrupted(string signal, RunCancelledException stop, string outDirectory)
    {
        string kept = stop.Saved == 0
            ? $"no trial had finished, so nothing was saved in {outDirectory}; run the same command again to start over."
            : $"{stop.Saved} of {Spelling.Count(stop.Total, "trial")} {(stop.Saved == 1 ? "is" : "are")} saved in {outDirectory}; run the same command again to resume (it skips them).";
        return $"Interrupted by {signal}: {kept}";
    }

    /// <summary>
    /// Refuses, before anything is trained, trials whose networks cannot all be held at once: <paramref name="atOnce"/>
    /// networks of the widest contender (a gated function's layers are twice as wide), as train screens its one network.
    /// Two trials of --hidden 4500,4500 under a 512 MB heap both ran out of memory part-way and ended in
    /// "Internal error (AggregateException)", exit 70.
    /// </summary>
    /// <exception cref="UsageException">The trials trained at once do not fit.</exception>
    internal static void EnsureTrialsFit(ExperimentConfig config, ExperimentData data, int atOnce)
    {
        var optimizer = ActivationKit.Nn.Optimizers.Create(config.Optimizer);
        int rows = TrainingMemory.PassRows(config.BatchSize, data.Train.Rows);
        long one = config.Activations.Max(c => TrainingMemory.Bytes(
            data.Train.FeatureCount, config.Hidden, ActivationKit.Nn.DenseLayer.ResolveActivation(c.Activation), data.Train.ClassCount, null, optimizer, rows));
        string widths = $"hidden layers {string.Join(',', config.Hidden)}";
        TrainingMemory.EnsureFits(
            one * atOnce,
            atOnce == 1 ? widths : $"{widths}, {atOnce} trials trained at once",
            atOnce == 1 ? "use narrower --hidden layers" : "use narrower --hidden layers or fewer --threads");
    }

    /// <summary>
    /// The comparison's splits as train's warnings take them, with each class's samples counted over the three splits
    /// (the data compare holds).
    /// </summary>
    internal static TrainingSplits Splits(ExperimentData data)
    {
        var counts = new int[data.Train.ClassCount];
        foreach (var split in new[] { data.Train, data.Validation, data.Test })
        {
            foreach (float t in split.Targets)
            {
                if (t >= 0 && t < counts.Length) counts[(int)t]++;
            }
        }

        return new TrainingSplits(data.Identity, counts.Length > 2 ? TrainingTask.Multiclass : TrainingTask.Binary, false, data.Train, data.Validation, data.Test, ClassSamples: counts);
    }

    /// <summary>The experiment configuration of the options, validated.</summary>
    internal static ExperimentConfig ToConfig(Settings s)
    {
        string key = s.Data.Trim().ToLowerInvariant().Replace('_', '-');
        int samples = s.Samples ?? (key == "fashion-mnist" ? 10000 : TableFile.HasTableExtension(s.Data) ? 0 : 1500);
        return new ExperimentConfig
        {
            Data = s.Data,
            HasHeader = Csv.ParseHeader(s.Header),
            Samples = samples,
            Noise = s.Noise,
            DataSeed = s.DataSeed,
            Hidden = ParseWidths(s.Hidden),
            Activations = Contender.ParseList(s.Activations ?? string.Join(",", ExperimentConfig.DefaultActivations)),
            Seeds = s.Seeds,
            Epochs = s.Epochs,
            BatchSize = s.Batch,
            LearningRate = s.LearningRate,
            Optimizer = s.Optimizer,
            Init = s.Init,
            TargetAccuracy = ParseTarget(s.Target),
        }.Validate();
    }

    /// <summary>
    /// Refuses a results folder where the manifest's name is taken by something other than a file, or the trial folder's
    /// by something other than a folder: the runner met them only after the data was loaded and the run announced, as the
    /// runtime's "The file '…/trials' already exists." An existing manifest and trials folder are a comparison to resume,
    /// checked by the runner.
    /// </summary>
    private static void RefuseTakenNames(string folder)
    {
        string safe = TerminalText.Safe(folder);
        string manifest = Path.Combine(folder, ResultStore.ManifestName);
        if (Directory.Exists(manifest))
        {
            throw new UsageException($"--out '{safe}' holds a folder named {ResultStore.ManifestName}, where the comparison's manifest file goes; remove it or give another folder.");
        }

        // A pipe would be opened to read a manifest that never comes.
        if (ActivationKit.IO.FileKind.SpecialKindOf(manifest) is { } kind)
        {
            throw new UsageException($"--out '{safe}' holds {ResultStore.ManifestName}, which is {kind}, where the comparison's manifest file goes; remove it or give another folder.");
        }

        string trials = Path.Combine(folder, ResultStore.TrialsFolder);
        if (!Directory.Exists(trials) && (File.Exists(trials) || new FileInfo(trials).LinkTarget is not null))
        {
            throw new UsageException($"--out '{safe}' holds a file named {ResultStore.TrialsFolder}, where the folder of trial results goes; remove it or give another folder.");
        }
    }

    /// <summary>
    /// The accuracy of <c>--target</c> (0.9 when not given). Its range is <see cref="ExperimentConfig.Validate"/>'s; text
    /// that is no number is refused with what the option is: train's --target of the same name takes a column, and
    /// `compare --target species` said only "--target takes a number".
    /// </summary>
    /// <exception cref="UsageException">Not a number.</exception>
    internal static double ParseTarget(string? text)
    {
        if (text is null) return 0.9;
        var inv = CultureInfo.InvariantCulture;
        if (double.TryParse(text, NumberStyles.Float, inv, out double value)) return value;
        string t = text.Trim();
        if (t.EndsWith('%') && double.TryParse(t[..^1], NumberStyles.Float, inv, out double percent))
        {
            throw new UsageException($"--target takes the accuracy as a fraction, not a percentage: {(percent / 100).ToString("R", inv)} for {t}.");
        }

        throw new UsageException(
            $"compare's --target is the validation accuracy to reach, a number in (0, 1] such as 0.9, got '{text}'; compare takes the class from the last column of --data, and a target column by name or index is train's --target.");
    }

    private static int[] ParseWidths(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out widths[i]) || widths[i] < 1)
            {
                throw new UsageException($"--hidden takes comma-separated positive widths such as 64,64, got '{text}'.");
            }
        }

        return widths;
    }

    private static void Report(TextWriter err, RunProgress p, bool interactive)
    {
        string eta = p.Remaining is { } r ? $"ETA {Clock(r)}" : "ETA —";
        var t = p.Trial;
        string what = $"{t.Label} seed {t.Seed}: {(t.Diverged ? "diverged, no test accuracy" : $"test acc {t.TestAccuracy.ToString("0.000", CultureInfo.InvariantCulture)}")}{(p.WasSkipped ? " (already done)" : string.Empty)}";
        const int width = 30;
        int filled = p.Total == 0 ? width : p.Done * width / p.Total;
        string bar = $"[{new string('█', filled)}{new string('░', width - filled)}] {p.Done}/{p.Total} {Clock(p.Elapsed)} {eta}";
        if (interactive) err.Write($"\r{bar}  {what}".PadRight(110));
        else err.WriteLine($"{bar}  {what}");
        err.Flush();
    }

    private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
