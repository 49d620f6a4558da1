using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using ActivationKit.Advisor;
using ActivationKit.Cli.Formatting;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit recommend</c>: ranked activations for a model type, task and layer (<see cref="ActivationAdvisor"/>),
/// each with its parameters, initialisation, output loss, reasons and caveats; <c>--try DATA</c> measures the
/// ranking with short training runs (<see cref="AdvisorTrial"/>).
/// </summary>
public sealed class RecommendCommand(CliConsoles consoles) : Command<RecommendCommand.Settings>
{
    /// <summary>Options of <c>recommend</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-m|--model <MODEL>")]
        [Description("mlp, cnn, rnn, lstm, gru, transformer, autoencoder, gan or regression. Default: mlp.")]
        public string Model { get; init; } = "mlp";

        [CommandOption("-t|--task <TASK>")]
        [Description("regression, binary, multiclass, multilabel or ranking. Default: regression with --model regression or when --try names a regression data set, binary when --try names one of two classes, multilabel when --target names several columns of 0 and 1, else multiclass.")]
        public string? Task { get; init; }

        [CommandOption("-l|--layer <LAYER>")]
        [Description("hidden, output, gate or cell (gate and cell: recurrent models). Default: hidden.")]
        public string Layer { get; init; } = "hidden";

        [CommandOption("--depth <N>")]
        [Description("Number of hidden layers, 0 to 2147483647 (deep plain stacks change the advice); 0 only with --layer output. With --try at most 16, the most a trial trains (a deeper --depth is refused, not trained shallower).")]
        public string? Depth { get; init; }

        [CommandOption("--symptom <SYMPTOM>")]
        [Description("Observed in training, repeatable, for --layer hidden only: dead-units (or dying-units), vanishing-gradients, exploding-gradients, slow-convergence, saturation.")]
        public string[] Symptoms { get; init; } = [];

        [CommandOption("--constraint <CONSTRAINT>")]
        [Description("Requirement, repeatable: bounded-output, non-negative-output, cheap, smooth, self-normalising, quantisation-friendly.")]
        public string[] Constraints { get; init; } = [];

        [CommandOption("--top <N>")]
        [Description("How many recommendations to list (and to try), 1 to 20. Default: 5.")]
        public string? Top { get; init; }

        [CommandOption("--try <DATA>")]
        [Description("Measure the ranking with short training runs on DATA: spirals, moons, xor, circles, checkerboard, sine, fashion-mnist, or a .csv or 2-D .npy file whose last column (or --target) is the label. DATA must fit --task, for the hidden layer as for the output: sine (or a numeric target) for regression, a classification set otherwise (two classes for binary).")]
        public string? Try { get; init; }

        [CommandOption("--target <COLUMN>")]
        [Description("With --try FILE: the target column, as train takes it: a CSV header name or 0-based index (negative from the end), or several separated by commas (l0,l1,l2) for a multilabel trial or a multi-output regression; for a .npy array an index. Default: the last column. --task multilabel on a file needs its label columns named here.")]
        public string? Target { get; init; }

        [CommandOption("--header <MODE>")]
        [Description(HeaderOption.Description)]
        public string? Header { get; init; }

        [CommandOption("--seeds <N>")]
        [Description("With --try: runs per candidate (the spread is the noise), 1 to 20. Default: 3.")]
        public string? Seeds { get; init; }

        [CommandOption("--epochs <N>")]
        [Description("With --try: epochs per run, 1 to 1000. Default: 30.")]
        public string? Epochs { get; init; }

        [CommandOption("--samples <N>")]
        [Description("With --try: samples drawn (synthetic) or kept (fashion-mnist, CSV), 20 to 100000; more than a file holds is refused. Default: 1000 (a smaller file is taken whole).")]
        public string? Samples { get; init; }

        [CommandOption("--json")]
        [Description("Print {\"recommendations\": [[...]]} (plus \"trial\" with --try) as JSON.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var model = ActivationAdvisor.Parse<ModelType>(settings.Model, "--model");
        var request = new AdvisorRequest
        {
            Model = model,
            // The default task follows the model: --model regression alone was refused as contradicting a multiclass task
            // the user never gave.
            Task = settings.Task is { } task ? ActivationAdvisor.Parse<AdvisorTask>(task, "--task") : model == ModelType.Regression ? AdvisorTask.Regression : AdvisorTask.Multiclass,
            Layer = ActivationAdvisor.Parse<LayerRole>(settings.Layer, "--layer"),
            Depth = settings.Depth is null ? null : Between(settings.Depth, 0, "--depth", 0, int.MaxValue),
            Symptoms = Split(settings.Symptoms, "--symptom").Select(ParseSymptom).Distinct().ToArray(),
            Constraints = Split(settings.Constraints, "--constraint").Select(s => ActivationAdvisor.Parse<Constraint>(s, "--constraint")).Distinct().ToArray(),
        };
        int top = Between(settings.Top, 5, "--top", 1, 20);
        if (settings.Try is null && ((settings.Seeds ?? settings.Epochs ?? settings.Samples) is not null || settings.Header is not null))
        {
            throw new UsageException("--seeds, --epochs, --samples and --header apply only with --try DATA.");
        }

        if (settings.Try is null && settings.Target is not null) throw new UsageException("--target applies only with --try FILE.");

        if (settings.Try is not null && AdvisorRules.IsGanGenerator(request))
        {
            throw new UsageException("--try cannot measure a GAN generator's output: its loss comes from a discriminator, which the trial data sets do not train; try --layer hidden, or --task binary for the discriminator's output.");
        }

        if (settings.Try is not null && AdvisorRules.IsReconstruction(request))
        {
            throw new UsageException("--try cannot measure an autoencoder's reconstruction output: the trial data sets are classification or regression tasks, not reconstructions of their inputs; try --layer hidden.");
        }

        var recs = ActivationAdvisor.Recommend(request, top);
        TrialReport? trial = null;
        if (settings.Try is { } data)
        {
            var options = new TrialOptions
            {
                Seeds = Between(settings.Seeds, 3, "--seeds", 1, 20),
                Epochs = Between(settings.Epochs, 30, "--epochs", 1, 1000),
                Samples = Between(settings.Samples, DefaultTrialSamples, "--samples", MinTrialSamples, 100_000),
                HasHeader = Csv.ParseHeader(settings.Header),
                Target = settings.Target,
            };
            AdvisorTrial.CheckDepth(request, options);
            // No --task: a file's task is inferred from its labels, as train infers it — unless --model regression set it
            // (labels 0, 1, 2 of a regression file were read as classes and refused as "--task regression", never given).
            bool taskGiven = settings.Task is not null || model == ModelType.Regression;
            var dataset = AdvisorTrial.LoadData(data, taskGiven ? request.Task : null, options);
            // A file or Fashion-MNIST with fewer rows than an explicit --samples: all of them were tried while the report
            // gave the number asked for (the default, 1000, still takes a smaller file whole).
            if (settings.Samples is not null)
            {
                string what = AdvisorTrial.IsFashionMnist(data) ? "images in the Fashion-MNIST training file" : $"rows of '{data}'";
                // Leaving --samples out takes a file of up to 1000 rows whole; below the least --samples (20) that is the
                // only way, as no smaller number would be accepted.
                if (dataset.Rows < MinTrialSamples && options.Samples > dataset.Rows)
                {
                    throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--samples {options.Samples} is more than the {dataset.Rows} {what}; leave --samples out to try all of them."));
                }

                Dataset.RefuseMoreSamplesThan(options.Samples, dataset.Rows, what, all: dataset.Rows <= DefaultTrialSamples ? "leave --samples out for all of them" : null);
            }

            if (!taskGiven && dataset.IsClassification && dataset.ClassCount == 2 && request.Task == AdvisorTask.Multiclass)
            {
                // Two classes are a binary task, as train infers it: a 0/1 file was advised (and tried) a softmax over two
                // units where train would fit one sigmoid.
                request = request with { Task = AdvisorTask.Binary };
                recs = ActivationAdvisor.Recommend(request, top);
            }
            else if (!taskGiven && AdvisorTrial.IsMultilabel(dataset))
            {
                // Several columns of 0 and 1 (--target l0,l1,l2) are a multi-label task, as train infers it.
                request = request with { Task = AdvisorTask.Multilabel };
                recs = ActivationAdvisor.Recommend(request, top);
            }
            else if (!taskGiven && !dataset.IsClassification)
            {
                // No --task given: the default follows the data, so `recommend --try sine` advises (and measures) a
                // regression instead of refusing a multiclass task the user never asked for (review of the F9 fix).
                request = request with { Task = AdvisorTask.Regression };
                recs = ActivationAdvisor.Recommend(request, top);
            }

            string last = string.Empty;
            trial = AdvisorTrial.Run(request, recs, dataset, options, p =>
            {
                string candidate = p[..p.IndexOf(',', StringComparison.Ordinal)];
                if (candidate != last) consoles.ErrorWriter.WriteLine($"trying {candidate} …");
                last = candidate;
            });

            // As train says when it infers a regression from integer targets: they could have been meant as classes.
            if (!taskGiven && !dataset.IsClassification && dataset.TargetColumns == 1 && dataset.Targets.All(t => t == MathF.Floor(t))
                && ClassLabels.WhyNotIndices(dataset.Targets) is { } why)
            {
                trial = trial with { Notes = [.. trial.Notes, $"No --task: the integer labels are not class indices 0…k−1 ({why}), so the trial is a regression; give --task multiclass to classify them."] };
            }
        }

        if (settings.Json) JsonOut.Write(consoles.OutWriter, json => WriteJson(json, request, recs, trial));
        else WriteText(consoles.OutWriter, request, recs, trial);
        return ExitCodes.Ok;
    }

    /// <summary>The fewest samples AdvisorTrial.LoadData takes (it refuses fewer, to leave a validation split).</summary>
    private const int MinTrialSamples = 20;

    /// <summary>--samples of a trial when it is not given: a smaller file is taken whole.</summary>
    private const int DefaultTrialSamples = 1000;

    /// <summary>
    /// A whole-number option in [min, max] (<paramref name="fallback"/> when not given). Taken as text so that a whole
    /// number out of range is told so with the range (--depth 99999999999 was "takes a whole number", which it is).
    /// </summary>
    private static int Between(string? value, int fallback, string option, int min, int max)
    {
        if (value is null) return fallback;
        string text = value.Trim();
        if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            throw new UsageException($"{option} takes a whole number from {min} to {max}, got '{value}'.");
        }

        if (v < min || v > max) throw new UsageException($"{option} must be between {min} and {max}, got {text}.");
        return (int)v;
    }

    /// <summary>
    /// A --symptom: its own spelling or the id or an alias of the problem it reports (dying-units is dead-units), one
    /// list with <c>actkit problems</c>; unknown values list the valid ones.
    /// </summary>
    private static Symptom ParseSymptom(string text) => ActivationAdvisor.ParseSymptom(text, "--symptom");

    // Each value of a repeatable option may list several, comma-separated; an empty entry (dead-units,,saturation, or a
    // trailing comma) is refused as train refuses --hidden 4,,4, where it used to be dropped without a word.
    private static IEnumerable<string> Split(IEnumerable<string> values, string option)
    {
        foreach (string value in values)
        {
            string[] parts = value.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Contains(string.Empty)) throw new UsageException($"{option} '{value}' has an empty entry; separate the entries with single commas.");
            foreach (string part in parts) yield return part;
        }
    }

    /// <summary>
    /// Whether <c>--try</c> could measure <paramref name="request"/>, by the refusals that depend on the request alone:
    /// a recurrent gate or cell (a trial trains an MLP), a ranking output (no query groups), a GAN generator's or an
    /// autoencoder's output, and a depth a trial cannot train.
    /// </summary>
    internal static bool TryCanMeasure(AdvisorRequest request)
    {
        if (request.Layer is LayerRole.Gate or LayerRole.Cell) return false;
        if (request.Layer == LayerRole.Output && request.Task == AdvisorTask.Ranking) return false;
        if (AdvisorRules.IsGanGenerator(request) || AdvisorRules.IsReconstruction(request)) return false;
        try
        {
            AdvisorTrial.CheckDepth(request, new TrialOptions());
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Describe(AdvisorRequest r) =>
        $"{ActivationAdvisor.Text(r.Layer)} layer (model {ActivationAdvisor.Text(r.Model)}, task {ActivationAdvisor.Text(r.Task)}"
        + (r.Depth is int d ? $", {Spelling.Count(d, "hidden layer")}" : string.Empty)
        + (r.Symptoms.Count > 0 ? ", symptoms: " + string.Join(", ", r.Symptoms.Select(s => ActivationAdvisor.Text(s))) : string.Empty)
        + (r.Constraints.Count > 0 ? ", constraints: " + string.Join(", ", r.Constraints.Select(c => ActivationAdvisor.Text(c))) : string.Empty) + ")";

    private static string Spec(Recommendation r) => r.Params.Count == 0
        ? r.Name
        : $"{r.Name}({string.Join(", ", r.Params.Select(kv => $"{kv.Key}={kv.Value.ToString("R", CultureInfo.InvariantCulture)}"))})";

    private static void WriteText(TextWriter w, AdvisorRequest request, IReadOnlyList<Recommendation> recs, TrialReport? trial)
    {
        w.WriteLine($"Recommendations for the {Describe(request)}:");
        for (int i = 0; i < recs.Count; i++)
        {
            var r = recs[i];
            w.WriteLine();
            w.WriteLine($"{i + 1}. {Spec(r)}{(i == 0 ? "  ← first choice" : string.Empty)}  (score {r.Score.ToString("0.##", CultureInfo.InvariantCulture)})");
            w.WriteLine($"   init:    {r.Init}");
            if (r.Loss is not null) w.WriteLine($"   loss:    {r.Loss}");
            for (int j = 0; j < r.Why.Count; j++) w.WriteLine($"   {(j == 0 ? "why:     " : "         ")}{r.Why[j]}");
            for (int j = 0; j < r.Caveats.Count; j++) w.WriteLine($"   {(j == 0 ? "caveats: " : "         ")}{r.Caveats[j]}");
        }

        if (trial is null)
        {
            // The data must fit the task (AdvisorTrial refuses a mismatch), so the hint names sets that do; and it is
            // given only where --try can measure the request at all (an LSTM's cell or gate, a ranking output, … were
            // pointed to --try spirals, which then refused them).
            if (TryCanMeasure(request))
            {
                w.WriteLine();
                w.WriteLine(request.Task == AdvisorTask.Regression
                    ? "Measure this ranking on data with --try sine (or a FILE.csv or FILE.npy with a numeric target)."
                    : "Measure this ranking on data with --try spirals (or moons, xor, circles, checkerboard, fashion-mnist, FILE.csv, FILE.npy).");
            }

            return;
        }

        w.WriteLine();
        w.WriteLine($"Trial on {TerminalText.Safe(trial.Data)}: {trial.Layer} layer swapped, network {trial.Network}, {trial.Options.Seeds} seed(s) × {Spelling.Count(trial.Options.Epochs, "epoch")}, validation {trial.Metric} ({trial.Seconds:0.0} s).");
        PlainTable.Write(w, ["measured", "rule", "activation", trial.Metric, "± std", "val loss", "diverged", "pairing"], trial.Candidates.Select(c => (IReadOnlyList<string>)
        [
            c.MeasuredRank.ToString(CultureInfo.InvariantCulture),
            c.RuleRank.ToString(CultureInfo.InvariantCulture),
            c.Spec,
            c.Mean.ToString("0.0000", CultureInfo.InvariantCulture),
            double.IsNaN(c.Std) ? "—" : c.Std.ToString("0.0000", CultureInfo.InvariantCulture),
            double.IsNaN(c.ValidationLoss) ? "—" : c.ValidationLoss.ToString("0.0000", CultureInfo.InvariantCulture),
            c.Diverged.ToString(CultureInfo.InvariantCulture),
            c.Pairing,
        ]));
        w.WriteLine();
        w.WriteLine($"Agreement with the rule ranking: Spearman ρ = {Stat(trial.Spearman)}, Kendall τ-b = {Stat(trial.Kendall)}.");
        w.WriteLine(trial.FirstChoice == trial.MeasuredBest
            ? $"The rule's first choice {trial.FirstChoice} measured best."
            : $"The rule's first choice {trial.FirstChoice} is {trial.Gap:0.0000} behind the measured best {trial.MeasuredBest}: "
              + (trial.FirstChoiceWithinNoise switch
              {
                  true => $"within noise (threshold {trial.NoiseThreshold:0.0000}).",
                  false => $"beyond noise (threshold {trial.NoiseThreshold:0.0000}).",
                  null => "noise not measured (one seed).",
              }));
        // Notes may quote the data (its path, its labels): their control characters are not for the terminal.
        foreach (string note in trial.Notes) w.WriteLine($"Note: {TerminalText.Safe(note)}");
    }

    private static string Stat(double v) => double.IsNaN(v) ? "undefined (fewer than 2 candidates or all tied)" : v.ToString("0.00", CultureInfo.InvariantCulture);

    private static void WriteJson(Utf8JsonWriter json, AdvisorRequest request, IReadOnlyList<Recommendation> recs, TrialReport? trial)
    {
        json.WriteStartObject();
        json.WriteStartObject("request");
        json.WriteString("model", ActivationAdvisor.Text(request.Model));
        json.WriteString("task", ActivationAdvisor.Text(request.Task));
        json.WriteString("layer", ActivationAdvisor.Text(request.Layer));
        if (request.Depth is int depth) json.WriteNumber("depth", depth);
        else json.WriteNull("depth");
        Strings(json, "symptoms", request.Symptoms.Select(s => ActivationAdvisor.Text(s)));
        Strings(json, "constraints", request.Constraints.Select(c => ActivationAdvisor.Text(c)));
        json.WriteEndObject();

        json.WriteStartArray("recommendations");
        for (int i = 0; i < recs.Count; i++)
        {
            var r = recs[i];
            json.WriteStartObject();
            json.WriteNumber("rank", i + 1);
            json.WriteString("name", r.Name);
            json.WriteString("spec", Spec(r));
            json.WriteStartObject("params");
            foreach (var (key, value) in r.Params) JsonOut.Number(json, key, value);
            json.WriteEndObject();
            json.WriteString("init", r.Init);
            if (r.Loss is null) json.WriteNull("loss");
            else json.WriteString("loss", r.Loss);
            json.WriteNumber("score", r.Score);
            Strings(json, "why", r.Why);
            Strings(json, "caveats", r.Caveats);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (trial is not null) WriteTrial(json, trial);
        json.WriteEndObject();
    }

    private static void WriteTrial(Utf8JsonWriter json, TrialReport t)
    {
        json.WriteStartObject("trial");
        json.WriteString("data", t.Data);
        json.WriteString("layer", t.Layer);
        json.WriteString("network", t.Network);
        json.WriteString("metric", t.Metric);
        json.WriteNumber("seeds", t.Options.Seeds);
        json.WriteNumber("epochs", t.Options.Epochs);
        json.WriteNumber("samples", t.Options.Samples);
        json.WriteStartArray("candidates");
        foreach (var c in t.Candidates)
        {
            json.WriteStartObject();
            json.WriteString("name", c.Name);
            json.WriteString("spec", c.Spec);
            json.WriteNumber("ruleRank", c.RuleRank);
            json.WriteNumber("measuredRank", c.MeasuredRank);
            json.WriteNumber("mean", c.Mean);
            // Null with one seed, which has no spread, as compare writes it.
            NumberOrNull(json, "std", c.Std);
            NumberOrNull(json, "stdError", c.StdError);
            json.WriteStartArray("perSeed");
            foreach (double v in c.PerSeed) json.WriteNumberValue(v);
            json.WriteEndArray();
            NumberOrNull(json, "validationLoss", c.ValidationLoss);
            json.WriteNumber("diverged", c.Diverged);
            json.WriteString("pairing", c.Pairing);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("agreement");
        NumberOrNull(json, "spearman", t.Spearman);
        NumberOrNull(json, "kendallTauB", t.Kendall);
        json.WriteString("firstChoice", t.FirstChoice);
        json.WriteString("measuredBest", t.MeasuredBest);
        json.WriteNumber("gap", t.Gap);
        // NaN (one seed on R²: not measured) is null, as spearman and firstChoiceWithinNoise are; it was the string "NaN".
        NumberOrNull(json, "noiseThreshold", t.NoiseThreshold);
        if (t.FirstChoiceWithinNoise is bool within) json.WriteBoolean("firstChoiceWithinNoise", within);
        else json.WriteNull("firstChoiceWithinNoise");
        json.WriteEndObject();
        Strings(json, "notes", t.Notes);
        json.WriteNumber("seconds", Math.Round(t.Seconds, 3));
        json.WriteEndObject();
    }

    private static void NumberOrNull(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string v in values) json.WriteStringValue(v);
        json.WriteEndArray();
    }
}
