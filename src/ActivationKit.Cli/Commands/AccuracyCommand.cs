using System.ComponentModel;
using System.Globalization;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Cli.Docs;
using ActivationKit.Cli.Formatting;
using ActivationKit.Cli.IO;
using ActivationKit.Simd;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit accuracy</c>: float32 forward and backward error in ULP of element-wise kernels against their double
/// references, sampled or over all 2^32 inputs (<see cref="AccuracyMeter"/> does the measuring).
/// </summary>
public sealed class AccuracyCommand(CliConsoles consoles) : Command<AccuracyCommand.Settings>
{
    /// <summary>Default path of <c>--write-docs</c>.</summary>
    public const string DefaultDocsPath = "docs/accuracy.md";

    /// <summary>Arguments and options of <c>accuracy</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[FUNCTIONS]")]
        [Description("Functions or specs to measure, e.g. sigmoid leaky_relu(0.2) softmax. Default: all functions, element-wise ones on single values and row-wise and gated ones on rows; with --exhaustive or --dtype f16/bf16, all element-wise functions (those modes measure no others).")]
        public string[] Functions { get; init; } = [];

        [CommandOption("--exhaustive")]
        [Description("Check all 2^32 float bit patterns on all cores (minutes per function) instead of a sample.")]
        public bool Exhaustive { get; init; }

        [CommandOption("-n|--samples <N>")]
        [Description("Inputs in sampled mode (special values, random bit patterns, log-uniform magnitudes, [[−20, 20]], [[−110, 110]]) of element-wise functions; row-wise and gated ones are measured on rows (--columns, --rows), so it is refused when only they are named. The 17 special values are always checked, so fewer than 17 still checks 17. Default: 1000000.")]
        public int? SamplesOption { get; init; }

        /// <summary>The sample size: --samples, or a million.</summary>
        public int Samples => SamplesOption ?? 1_000_000;

        [CommandOption("--seed <SEED>")]
        [Description("Random seed of the sample and of the rows. Default: 1. Refused with --exhaustive and --dtype f16/bf16, which check every bit pattern and draw nothing.")]
        public int? SeedOption { get; init; }

        /// <summary>The seed of the sample and the rows: --seed, or 1.</summary>
        public int Seed => SeedOption ?? 1;

        [CommandOption("--write-docs [PATH]")]
        [Description("Merge the results into a markdown table at PATH, a .md file (default docs/accuracy.md); other functions' rows are kept, and a row measured over more inputs or in a stronger mode (exhaustive) is kept unless --force.")]
        public FlagValue<string>? WriteDocs { get; init; }

        [CommandOption("--force")]
        [Description("With --write-docs: replace rows even where the document's row records more inputs or a stronger mode than this run.")]
        public bool Force { get; init; }

        [CommandOption("--json")]
        [Description("Print the results as JSON.")]
        public bool Json { get; init; }

        [CommandOption("-t|--dtype <TYPE>")]
        [Description("f32 (default), or f16 / bf16: the Half or bfloat16 kernels over all 65,536 bit patterns of the type, errors in its own ULPs.")]
        public string? DType { get; init; }

        [CommandOption("--columns <LIST>")]
        [Description("Row-wise and gated functions: the row lengths (outputs per row) to check, comma separated. Default: 23 lengths from 1 to 4000 around every register width.")]
        public string? Columns { get; init; }

        [CommandOption("--rows <N>")]
        [Description("Row-wise and gated functions: rows of each of the 5 kinds per row length (Normal, uniform, random bits, confident, ties and deep tails). Default: 40.")]
        public int? RowsOption { get; init; }

        /// <summary>Rows of each kind per row length: --rows, or 40.</summary>
        public int Rows => RowsOption ?? 40;

        [CommandOption("--bit-range <FIRST:COUNT>", IsHidden = true)]
        [Description("With --exhaustive, check only COUNT bit patterns from FIRST (hex with 0x or decimal).")]
        public string? BitRange { get; init; }

        /// <summary>The 16-bit type chosen by --dtype, or null for float32.</summary>
        public StorageType16? Type16 => ParsedDType switch
        {
            IO.DType.F16 => StorageType16.Half,
            IO.DType.BF16 => StorageType16.BFloat16,
            _ => null,
        };

        /// <summary>--dtype read by eval's and bench's parser (<see cref="DataFiles.ParseDType"/>), null when absent or unknown.</summary>
        private IO.DType? ParsedDType => DataFiles.TryParseDType(DType);

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (Samples < 1 || Samples > 100_000_000) return ValidationResult.Error($"--samples must be between 1 and 100000000, got {Samples}.");
            if (SamplesOption is not null && Exhaustive) return ValidationResult.Error("--samples and --exhaustive exclude each other: an exhaustive run checks every bit pattern.");

            // Both modes draw nothing at random, so a --seed was accepted and silently ignored (exit 0).
            if (SeedOption is not null && Exhaustive) return ValidationResult.Error("--seed and --exhaustive exclude each other: an exhaustive run checks every bit pattern and draws nothing.");
            if (BitRange is not null && !Exhaustive) return ValidationResult.Error("--bit-range needs --exhaustive.");
            if (Force && WriteDocs is not { IsSet: true }) return ValidationResult.Error("--force goes with --write-docs: it lets weaker measurements replace the document's rows.");
            if (DType is not null && ParsedDType is null or IO.DType.F64)
            {
                return ValidationResult.Error($"--dtype must be f32, f16 or bf16 (the double kernels are checked against mpmath by the tests), got '{DType}'.");
            }

            if (Rows < 1 || Rows > 10_000) return ValidationResult.Error($"--rows must be between 1 and 10000, got {Rows}.");
            if (Type16 is not null && SamplesOption is not null) return ValidationResult.Error("--samples applies to f32; f16 and bf16 are always checked over all 65,536 bit patterns.");
            if (Type16 is not null && BitRange is not null) return ValidationResult.Error("--bit-range applies to f32; f16 and bf16 are always checked over all 65,536 bit patterns.");
            if (Type16 is not null && SeedOption is not null) return ValidationResult.Error("--seed applies to f32; f16 and bf16 are always checked over all 65,536 bit patterns and draw nothing.");
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        bool rowsToo = !settings.Exhaustive && settings.Type16 is null;
        var (all, skipped) = Select(settings.Functions, rowsToo, settings.Exhaustive ? "--exhaustive" : "--dtype " + settings.DType);
        var functions = all.OfType<ElementwiseActivation>().ToList();
        var rowFunctions = all.Where(f => f is not ElementwiseActivation).ToList();
        if (rowFunctions.Count == 0 && (settings.Columns is not null || settings.RowsOption is not null))
        {
            throw new UsageException("--columns and --rows apply to row-wise and gated functions (softmax, glu, …), and none is measured here.");
        }

        // The counterpart: --samples sizes the element-wise sample, and was silently ignored where only rows are measured.
        if (functions.Count == 0 && settings.SamplesOption is not null)
        {
            throw new UsageException("--samples applies to element-wise functions, and none is measured here; row-wise and gated functions (softmax, glu, …) are measured on rows, sized by --columns and --rows.");
        }

        int[] lengths = settings.Columns is { } list ? ParseLengths(list) : [.. AccuracyMeter.DefaultRowLengths];
        var (first, count) = settings.BitRange is { } r ? ParseBitRange(r) : (0u, 1UL << 32);
        // --write-docs alone takes the default; --write-docs '' is refused as every other empty output path is (it wrote
        // the default document, which nobody asked for).
        string? docsPath = settings.WriteDocs is { IsSet: true } w ? w.Value ?? DefaultDocsPath : null;
        if (docsPath is not null) OutputFolder.RefuseEmpty(docsPath, "--write-docs");
        if (docsPath is not null) CheckDocsPath(docsPath);

        // The document is replaced through a temporary file beside it: check that its folder exists and takes one
        // before spending minutes measuring.
        if (docsPath is not null) OutputFolder.EnsureFileWritable(docsPath, "--write-docs");

        // Read (and check) the document to merge into before spending minutes measuring.
        string? existingDocs = docsPath is not null && ActivationKit.IO.FileKind.TargetExists(docsPath) ? File.ReadAllText(docsPath) : null;
        if (existingDocs is not null) AccuracyDoc.CheckMarkers(existingDocs, docsPath!);
        if (existingDocs is not null) AccuracyDoc.Merge(existingDocs, [], DateTime.UtcNow);

        float[]? sample = settings.Type16 is null && !settings.Exhaustive ? AccuracySamples.Float(settings.Samples, settings.Seed) : null;

        // Keep the stronger record: a row measured over more inputs, or exhaustively, is not replaced by a weaker run
        // unless --force (a 1,000-sample run used to replace an exhaustive row over all 2^32 inputs silently). The 16-bit
        // table's rows all check every bit pattern.
        if (existingDocs is not null && !settings.Force && settings.Type16 is null)
        {
            long inputs = sample?.Length ?? (long)count;
            long outputs = (long)AccuracySamples.RowKinds * settings.Rows * lengths.Sum(n => (long)n);
            var planned = functions.Select(f => new AccuracyDoc.Planned(AccuracyMeter.Label(f), inputs, AccuracyDoc.Mode(settings.Exhaustive, inputs)))
                .Concat(rowFunctions.Select(f => new AccuracyDoc.Planned(AccuracyMeter.Label(f), outputs, AccuracyDoc.RowsMode)));
            if (AccuracyDoc.WeakerReplacement(existingDocs, planned) is { } weaker)
            {
                string what = weaker.OldMode == AccuracyDoc.RowsMode ? "outputs" : "inputs";
                string Mode(string mode) => mode == AccuracyDoc.RowsMode ? string.Empty : $" ({mode})";
                throw new UsageException($"{docsPath} records {weaker.Function} over {weaker.OldCount:N0} {what}{Mode(weaker.OldMode)} and this run would replace that row with {weaker.NewCount:N0}{Mode(weaker.NewMode)}; measure at least as much, or pass --force to replace it anyway.");
            }
        }

        var results = new List<AccuracyResult>();
        if (settings.Type16 is { } type16)
        {
            foreach (var f in functions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results.Add(AccuracyMeter.MeasureAll16(f, type16));
            }
        }
        else if (settings.Exhaustive)
        {
            consoles.Error.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(progress =>
                {
                    var tasks = functions.Select(f => progress.AddTask(Markup.Escape(AccuracyMeter.Label(f)), autoStart: false, maxValue: count)).ToArray();
                    for (int i = 0; i < functions.Count; i++)
                    {
                        tasks[i].StartTask();
                        results.Add(AccuracyMeter.MeasureBitRange(functions[i], first, count, new TaskProgress(tasks[i]), cancellationToken));
                        tasks[i].Value = count;
                        tasks[i].StopTask();
                    }
                });
        }
        else
        {
            foreach (var f in functions) results.Add(AccuracyMeter.Measure(f, sample!, cancellationToken));
        }

        var rowResults = new List<AccuracyResult>();
        foreach (var f in rowFunctions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rowResults.Add(AccuracyMeter.MeasureRows(f, lengths, settings.Rows, settings.Seed));
        }

        var date = DateTime.UtcNow;
        if (settings.Json) WriteJson(settings, results, rowResults, lengths, skipped, date);
        else WriteTable(settings, results, rowResults, lengths, skipped);

        if (docsPath is not null)
        {
            // Merge into the document as it is now, not as it was read before measuring: an exhaustive run takes minutes,
            // and an edit made to the document meanwhile was overwritten by the copy read at the start.
            string? merged = ActivationKit.IO.FileKind.TargetExists(docsPath) ? File.ReadAllText(docsPath) : null;
            if (merged is not null) AccuracyDoc.CheckMarkers(merged, docsPath);
            if (results.Count > 0 || rowResults.Count == 0) merged = AccuracyDoc.Merge(merged, results, date, settings.Type16);
            if (rowResults.Count > 0) merged = AccuracyDoc.MergeRows(merged, rowResults, lengths, date);
            AtomicFile.WriteAllText(docsPath, merged!);
            if (!settings.Json) consoles.Out.WriteLine($"Updated {results.Count + rowResults.Count} row(s) of {docsPath}.");
        }

        return results.Concat(rowResults).All(r => r.WithinBound) ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>What the errors are measured in and against: float32, or a 16-bit type.</summary>
    private static (string Unit, double Bound) Yardstick(Settings s) => s.Type16 is { } t
        ? ($"{AccuracyDoc.TypeName(t)} ULP", AccuracyMeter.UlpBound16(t))
        : ("ULP", AccuracyMeter.UlpBound);

    private static string BoundText(Settings s) => s.Type16 is null ? AccuracyMeter.UlpBound.ToString(CultureInfo.InvariantCulture) : AccuracyDoc.Ulps16(Yardstick(s).Bound);

    private static string Ulps(Settings s, double ulps) => s.Type16 is null ? Describe.Ulps(ulps) : AccuracyDoc.Ulps16(ulps);

    /// <summary>
    /// The functions to measure and, when none were named, the ones skipped: row-wise and gated functions are measured
    /// on rows unless <paramref name="rowsToo"/> is false (exhaustive and 16-bit runs cover element-wise functions only;
    /// naming one then is an error that names <paramref name="mode"/>).
    /// </summary>
    private static (List<Activation> Functions, List<string> Skipped) Select(string[] specs, bool rowsToo, string mode)
    {
        var functions = new List<Activation>();
        var skipped = new List<string>();
        if (specs.Length == 0)
        {
            foreach (var info in ActivationCatalog.All)
            {
                var f = ActivationCatalog.Create(info);
                if (f is ElementwiseActivation || rowsToo) functions.Add(f);
                else skipped.Add(info.Name);
            }

            return (functions, skipped);
        }

        foreach (string spec in specs)
        {
            var f = ActivationCatalog.Create(spec);
            if (f.Channels > 1)
            {
                // The meters run one-dimensional samples; every channel runs the same kernel as a shared parameter.
                throw new UsageException($"{f} has one parameter per channel ({f.Channels} channels); accuracy measures the function with one shared parameter (e.g. {f.Name}), which is the kernel every channel runs.");
            }

            if (f is not ElementwiseActivation && !rowsToo)
            {
                throw new UsageException($"{f.Name} is {Describe.Kind(f.Info.Kind)}; {mode} covers element-wise functions only (without it, accuracy measures {f.Name} on rows).");
            }

            if (!functions.Any(x => AccuracyMeter.Label(x) == AccuracyMeter.Label(f))) functions.Add(f);
        }

        return (functions, skipped);
    }

    /// <summary>
    /// Refuses a --write-docs PATH that is no markdown file: `accuracy --write-docs sigmoid -n 100` took the function
    /// name for the path, measured every function and wrote a file named 'sigmoid'.
    /// </summary>
    private static void CheckDocsPath(string path)
    {
        if (path.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return;
        string name = path.Split('(')[0].Trim();
        throw new UsageException(ActivationCatalog.Find(name) is not null
            ? $"--write-docs took the function name '{path}' as its PATH; put the path right after --write-docs (e.g. --write-docs docs/accuracy.md) or write --write-docs=PATH, and the function names before it."
            : $"--write-docs writes a markdown file, so PATH must end in .md, got '{path}'; put the path right after --write-docs or write --write-docs=PATH.");
    }

    /// <summary>Parses --columns: row lengths from 1 to 65,536, each once.</summary>
    private static int[] ParseLengths(string text)
    {
        var lengths = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 65536)
            {
                throw new UsageException($"--columns takes row lengths from 1 to 65536, comma separated (e.g. 10,1000), got '{part}'.");
            }

            // Refused as bench refuses --sizes 4096,4096: a length given twice was dropped without a word.
            if (lengths.Contains(n)) throw new UsageException($"--columns lists {n} twice; give each row length once.");
            lengths.Add(n);
        }

        return [.. lengths];
    }

    private static (uint First, ulong Count) ParseBitRange(string text)
    {
        string[] parts = text.Split(':');
        if (parts.Length != 2 || !TryParseBits(parts[0], out ulong first) || !TryParseBits(parts[1], out ulong count) || first > uint.MaxValue || count == 0 || first + count > 1UL << 32)
        {
            throw new UsageException($"--bit-range expects FIRST:COUNT within the 2^32 float bit patterns (e.g. 0x3F800000:65536), got '{text}'.");
        }

        return ((uint)first, count);

        static bool TryParseBits(string s, out ulong v) =>
            s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v)
                : ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
    }

    private string ModeText(Settings s, long inputs) => s.Type16 is { } t
        ? $"exhaustive, all {inputs:N0} {AccuracyDoc.TypeName(t)} bit patterns (computed in float, rounded once)"
        : s.Exhaustive
        ? (inputs == 1L << 32 ? "exhaustive, all 2^32 float bit patterns" : $"exhaustive over a bit range, {inputs:N0} patterns from {BitsText(s)}")
        : inputs > s.Samples
        ? $"sampled, {inputs:N0} inputs: the {inputs:N0} special values, which every run checks, as --samples {s.Samples} asks for fewer (seed {s.Seed})"
        : $"sampled, {inputs:N0} inputs including the {SpecialValues} special values (seed {s.Seed})";

    /// <summary>The first bit pattern of --bit-range, as hex.</summary>
    private static string BitsText(Settings s) => $"0x{ParseBitRange(s.BitRange!).First:X8}";

    /// <summary>True when --bit-range leaves out some of the 2^32 float bit patterns.</summary>
    private static bool PartialRange(Settings s) => s.Exhaustive && s.BitRange is { } r && ParseBitRange(r).Count != 1UL << 32;

    /// <summary>How many special values (±0, ±∞, NaN, the extremes…) every sampled run checks.</summary>
    private static int SpecialValues { get; } = AccuracySamples.Float(0, 0).Length;

    private void WriteTable(Settings settings, List<AccuracyResult> results, List<AccuracyResult> rowResults, int[] lengths, List<string> skipped)
    {
        var c = consoles.Out;
        var (unit, _) = Yardstick(settings);
        string type = settings.Type16 is { } t ? AccuracyDoc.TypeName(t) : "float32";
        c.WriteLine($"ISA path: {Isa.Summary}");
        if (results.Count > 0)
        {
            c.WriteLine($"Mode: {ModeText(settings, results[0].Inputs)}; bound {BoundText(settings)} {unit}, {type} vs double reference.");
            Table(results, "Inputs");
        }

        if (rowResults.Count > 0)
        {
            if (results.Count > 0) c.WriteLine();
            c.WriteLine($"Rows: {RowsText(settings, lengths)}; bound {BoundText(settings)} {unit}, float32 vs double reference.");
            Table(rowResults, "Outputs");
        }

        var everything = results.Concat(rowResults).ToList();
        int bad = everything.Count(r => !r.WithinBound);
        c.WriteLine(bad == 0 ? $"All {everything.Count} function(s) within {BoundText(settings)} {unit}." : $"{bad} function(s) exceed {BoundText(settings)} {unit}.");
        if (skipped.Count > 0) c.WriteLine($"Not element-wise, not measured {(settings.Exhaustive ? "exhaustively" : $"in {type}")}: {string.Join(", ", skipped)}.");

        void Table(List<AccuracyResult> list, string countHeader)
        {
            var rows = list.Select(r => (IReadOnlyList<string>)new[]
            {
                r.Function,
                Ulps(settings, r.Forward.Max),
                Describe.Float((float)r.Forward.WorstInput),
                Ulps(settings, r.Backward.Max),
                Describe.Float((float)r.Backward.WorstInput),
                r.AboveBound.ToString(CultureInfo.InvariantCulture),
                r.Inputs.ToString("N0", CultureInfo.InvariantCulture),
                $"{r.Elapsed.TotalSeconds:F1} s",
            });
            PlainTable.Write(consoles.OutWriter, ["Function", $"Fwd {unit}", "Worst x (fwd)", $"Bwd {unit}", "Worst x (bwd)", $"> {BoundText(settings)}{(settings.Type16 is null ? " ULP" : string.Empty)}", countHeader, "Time"], rows);
        }
    }

    /// <summary>How the row-wise and gated functions were measured.</summary>
    /// <remarks>One length and one row are said in the singular: `--columns 10 --rows 1` read "rows of 1 length(s) from 10 to 10 outputs, 1 rows of each" (F15).</remarks>
    private static string RowsText(Settings s, int[] lengths) =>
        (lengths.Length == 1
            ? $"float rows of {lengths[0]:N0} output{(lengths[0] == 1 ? string.Empty : "s")}, "
            : $"float rows of {lengths.Length} length(s) from {lengths.Min():N0} to {lengths.Max():N0} outputs, ")
        + $"{s.Rows} row{(s.Rows == 1 ? string.Empty : "s")} of each of {AccuracySamples.RowKinds} kinds{(lengths.Length == 1 ? string.Empty : " per length")} (seed {s.Seed})";

    private void WriteJson(Settings settings, List<AccuracyResult> results, List<AccuracyResult> rowResults, int[] lengths, List<string> skipped, DateTime date)
    {
        JsonOut.Write(consoles.OutWriter, json =>
        {
            json.WriteStartObject();
            json.WriteString("isa", Isa.Path);
            json.WriteBoolean("hardwareFma", Isa.HardwareFma);
            json.WriteString("instructionSets", Isa.InstructionSets);
            // A bit range is exhaustive over the range only, as the table and the document say: "exhaustive" claimed all 2^32.
            json.WriteString("mode", PartialRange(settings) ? "bit_range" : settings.Exhaustive || settings.Type16 is not null ? "exhaustive" : "sampled");
            if (PartialRange(settings))
            {
                json.WriteStartObject("bitRange");
                json.WriteString("first", BitsText(settings));
                json.WriteNumber("count", ParseBitRange(settings.BitRange!).Count);
                json.WriteEndObject();
            }

            json.WriteString("dtype", settings.Type16 switch { StorageType16.Half => "f16", StorageType16.BFloat16 => "bf16", _ => "f32" });
            if (!settings.Exhaustive && settings.Type16 is null)
            {
                json.WriteNumber("samples", settings.Samples);
                // The special values are always among the inputs, so the functions' "inputs" is at least this.
                json.WriteNumber("specialValues", SpecialValues);
                json.WriteNumber("seed", settings.Seed);
            }

            json.WriteNumber("bound", Yardstick(settings).Bound);
            json.WriteString("date", date.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteStartArray("functions");
            foreach (var r in results) Function(r, "elementwise");
            foreach (var r in rowResults) Function(r, ActivationCatalog.Find(r.Function.Split('(')[0])?.Kind == ActivationKind.Gated ? "gated" : "rowwise");
            json.WriteEndArray();
            if (rowResults.Count > 0)
            {
                json.WriteStartObject("rows");
                json.WriteStartArray("lengths");
                foreach (int n in lengths) json.WriteNumberValue(n);
                json.WriteEndArray();
                json.WriteNumber("rowsPerKind", settings.Rows);
                json.WriteNumber("kinds", AccuracySamples.RowKinds);
                json.WriteEndObject();
            }

            json.WriteStartArray("skipped");
            foreach (string s in skipped) json.WriteStringValue(s);
            json.WriteEndArray();
            json.WriteEndObject();

            void Function(AccuracyResult r, string kind)
            {
                json.WriteStartObject();
                json.WriteString("name", r.Function);
                json.WriteString("kind", kind);
                json.WriteNumber(kind == "elementwise" ? "inputs" : "outputs", r.Inputs);
                json.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
                json.WriteBoolean("withinBound", r.WithinBound);
                Stats(json, "forward", r.Forward);
                Stats(json, "backward", r.Backward);
                if (r.ForwardHash is { } fh) json.WriteString("forwardHash", fh);
                if (r.BackwardHash is { } bh) json.WriteString("backwardHash", bh);
                json.WriteEndObject();
            }
        });

        static void Stats(System.Text.Json.Utf8JsonWriter json, string name, UlpStats s)
        {
            json.WriteStartObject(name);
            JsonOut.Number(json, "maxUlp", s.Max);
            JsonOut.Float(json, "worstInput", s.WorstInput);
            json.WriteNumber("aboveBound", s.AboveBound);
            json.WriteEndObject();
        }
    }

    /// <summary>Feeds the meter's per-chunk counts into a progress bar (ProgressTask is thread-safe).</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Increment(value);
    }
}
