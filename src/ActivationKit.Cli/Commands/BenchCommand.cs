using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using ActivationKit.Catalog;
using ActivationKit.Numerics;
using ActivationKit.Cli.Bench;
using ActivationKit.Cli.IO;
using ActivationKit.Simd;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit bench [FUNCTIONS]</c>: nanoseconds per element of the forward and backward kernels (the backward from the
/// input x, and from the output y = f(x) where the function has one), next to
/// System.Numerics.Tensors' TensorPrimitives and a memory copy measured in the same process (best and median of
/// repeated runs after a JIT-aware warm-up; see <see cref="BenchTimer"/>).
/// </summary>
public sealed class BenchCommand(CliConsoles consoles) : Command<BenchCommand.Settings>
{
    /// <summary>The functions timed when none are named: the ones the anchors (oneDNN, PyTorch, ONNX Runtime) have.</summary>
    public static readonly string[] DefaultFunctions =
    [
        "sigmoid", "tanh", "gelu", "gelu_tanh", "silu", "mish", "softplus", "elu", "selu", "logsigmoid", "hardswish",
        "relu", "leaky_relu", "relu6", "hardtanh", "hardsigmoid", "softmax", "log_softmax",
    ];

    /// <summary>Arguments and options of <c>bench</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[FUNCTIONS]")]
        [Description("Functions or specs, e.g. sigmoid leaky_relu(0.2) softmax swiglu. Default: the 18 functions the anchors have.")]
        public string[] Functions { get; init; } = [];

        [CommandOption("--sizes <LIST>")]
        [Description("Comma-separated element counts for element-wise functions. Default: 4096,262144,16777216.")]
        public string? Sizes { get; init; }

        [CommandOption("--shapes <LIST>")]
        [Description("Comma-separated ROWSxCOLS shapes for row-wise (softmax…) and gated (glu, swiglu…) functions; COLS is the input width, even for gated ones, and ns/element counts input elements. Default: 1024x1000.")]
        public string? Shapes { get; init; }

        [CommandOption("--dtype <TYPE>")]
        [Description("f32, f64, f16 (Half) or bf16 (BFloat16); the 16-bit types compute in float; TensorPrimitives takes Half (its generic methods) but not this library's BFloat16.")]
        [DefaultValue("f32")]
        public string Dtype { get; init; } = "f32";

        [CommandOption("--threads <N>")]
        [Description("KernelOptions.MaxThreads for our kernels: at most this many threads per call (calls of ≥ 2^20 elements split into chunks of ≥ 65,536, gated and row-wise ones of whole rows; the baselines stay on one thread). A cap, reported as given in the JSON's threads; not limited to the processor count (above it, threads share cores).")]
        [DefaultValue(1)]
        public int Threads { get; init; } = 1;

        [CommandOption("--streaming <BYTES>")]
        [Description("KernelOptions.StreamingThreshold for our element-wise kernels: bytes read and written by a call (e.g. 20MiB, 1048576; suffixes KiB to PiB; at most 1PiB) from which results are stored with non-temporal stores; 'off' never, 0 always. Default: the library's 20 MiB.")]
        [DefaultValue("20MiB")]
        public string Streaming { get; init; } = "20MiB";

        [CommandOption("--input-std <S>")]
        [Description("Standard deviation of the Normal(0, S) inputs (x and dy). The default 3 is what the anchors use; a wide spread such as 100 times the tails, where some kernels take slower paths.")]
        [DefaultValue(3.0)]
        public double InputStd { get; init; } = 3.0;

        [CommandOption("--reps <R>")]
        [Description("Timed samples per measurement (best and median are reported).")]
        [DefaultValue(30)]
        public int Reps { get; init; } = 30;

        [CommandOption("--json")]
        [Description("One JSON object per line per measurement instead of a table.")]
        public bool Json { get; init; }

        /// <summary>
        /// --dtype read by eval's parser (<see cref="DataFiles.ParseDType"/>: f32, float32, float, single, f64, double,
        /// half, bfloat16… in any letter case), as its short name f32/f64/f16/bf16; null when it names no type.
        /// </summary>
        public string? DtypeName => DataFiles.TryParseDType(Dtype) switch
        {
            null => null,
            IO.DType.F64 => "f64",
            IO.DType.F16 => "f16",
            IO.DType.BF16 => "bf16",
            _ => "f32",
        };

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (Reps < 1 || Reps > 100_000) return ValidationResult.Error($"--reps must be between 1 and 100000, got {Reps}.");
            if (!(InputStd > 0 && InputStd <= 1e30)) return ValidationResult.Error($"--input-std must be a positive number up to 1e30, got {InputStd.ToString(CultureInfo.InvariantCulture)}.");
            if (ThreadsError(Threads) is { } threads) return ValidationResult.Error(threads);
            if (DtypeName is null) return ValidationResult.Error($"--dtype must be f32, f64, f16 or bf16, got '{Dtype}'.");
            if (StreamingError(Streaming) is { } streaming) return ValidationResult.Error(streaming);
            return ValidationResult.Success();
        }
    }

    /// <summary>
    /// The error for a --threads of bench, bench mlp, train or compare outside 1 to 256 (the kernels' <see cref="KernelOptions.MaxThreads"/>
    /// range), or null: bench mlp took 100000 and reported it as the run's thread count.
    /// </summary>
    internal static string? ThreadsError(int threads) =>
        threads is < 1 or > MaxThreads ? $"--threads must be between 1 and {MaxThreads}, got {threads}." : null;

    /// <summary>The largest --threads of every command that takes one (bench, bench mlp, train, compare).</summary>
    internal const int MaxThreads = 256;

    /// <summary>The table header's words for a --streaming threshold ('off' read "streaming stores from never (off)").</summary>
    private static string StreamingPhrase(long bytes)
    {
        if (bytes == long.MaxValue) return "without streaming stores (--streaming off)";
        if (bytes == 1) return "with streaming stores from 1 byte moved";
        foreach (var (suffix, unit) in StreamingUnits.Reverse().Where(u => u.Bytes >= 1 << 20))
        {
            if (bytes >= unit && bytes % unit == 0) return $"with streaming stores from {bytes / unit} {suffix} moved";
        }

        return $"with streaming stores from {bytes} bytes moved";
    }

    /// <summary>
    /// The largest --streaming byte count, 1 PiB: far beyond any cache, so nothing is lost, and well below
    /// <see cref="long.MaxValue"/>, which is the library's "off" (9223372036854775807 was shown as --streaming off).
    /// </summary>
    internal const long MaxStreaming = 1L << 50;

    /// <summary>The suffixes --streaming takes, smallest first.</summary>
    private static readonly (string Suffix, long Bytes)[] StreamingUnits =
        [("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40), ("PiB", 1L << 50)];

    /// <summary>
    /// Bytes for <c>--streaming</c> (an integer up to <see cref="MaxStreaming"/> with an optional KiB/MiB/GiB/TiB/PiB
    /// suffix; 'off' = never, <see cref="long.MaxValue"/>), or null if malformed or larger (<see cref="StreamingError"/>).
    /// </summary>
    internal static long? ParseStreaming(string text)
    {
        var (value, _) = Streaming(text);
        return value;
    }

    /// <summary>The one-sentence refusal of a --streaming that <see cref="ParseStreaming"/> does not take, or null.</summary>
    internal static string? StreamingError(string text)
    {
        var (value, tooLarge) = Streaming(text);
        if (value is not null) return null;
        string got = ExceptionMessages.Excerpt(text);
        return tooLarge
            ? string.Create(CultureInfo.InvariantCulture, $"--streaming must be at most 1 PiB ({MaxStreaming:N0} bytes), or 'off' for no streaming stores, got '{got}'.")
            : $"--streaming takes a byte count such as 20MiB, 65536 or 0, or 'off', got '{got}'.";
    }

    /// <summary>--streaming's bytes, or null, with whether it was a well-formed count above <see cref="MaxStreaming"/>.</summary>
    private static (long? Bytes, bool TooLarge) Streaming(string text)
    {
        string t = text.Trim();
        if (t.Equals("off", StringComparison.OrdinalIgnoreCase)) return (long.MaxValue, false);
        long unit = 1;
        foreach (var (suffix, bytes) in StreamingUnits)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                t = t[..^suffix.Length].Trim();
                unit = bytes;
                break;
            }
        }

        if (t.Length == 0 || !t.All(char.IsAsciiDigit)) return (null, false);

        // Leading zeros aside, more than 16 digits is past 1 PiB whatever the unit (a million digits are not parsed).
        string digits = t.TrimStart('0');
        if (digits.Length > 16) return (null, true);
        long value = digits.Length == 0 ? 0 : long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return value > MaxStreaming / unit ? (null, true) : (value * unit, false);
    }

    /// <summary>One function to time: its label, the instance, and whether its TensorPrimitives baseline applies.</summary>
    private sealed record Target(string Label, Activation Function, bool Baseline);

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        int[] sizes = ParseSizes(settings.Sizes ?? "4096,262144,16777216");
        (int Rows, int Cols)[] shapes = ParseShapes(settings.Shapes ?? "1024x1000");
        var targets = SelectTargets(settings.Functions);
        // An option that applies to none of the named functions would be ignored silently; say which one applies.
        if (settings.Sizes is not null && !targets.Any(t => t.Function.Info.Kind == ActivationKind.Elementwise))
        {
            throw new UsageException($"--sizes sets element counts for element-wise functions, and {targets[0].Label} takes rows: give its shapes with --shapes ROWSxCOLS.");
        }

        if (settings.Shapes is not null && targets.All(t => t.Function.Info.Kind == ActivationKind.Elementwise))
        {
            throw new UsageException($"--shapes sets ROWSxCOLS for row-wise and gated functions, and {targets[0].Label} is element-wise: give its element counts with --sizes.");
        }

        if (targets.FirstOrDefault(t => t.Function.Info.Kind == ActivationKind.Gated) is { } gated && shapes.FirstOrDefault(s => s.Cols % 2 != 0) is { Cols: > 0 } odd)
        {
            throw new UsageException($"{gated.Label} splits each input row into halves, so --shapes needs an even column count, got {odd.Rows}x{odd.Cols}.");
        }

        int savedThreads = KernelOptions.MaxThreads;
        long savedStreaming = KernelOptions.StreamingThreshold;
        KernelOptions.MaxThreads = settings.Threads;
        KernelOptions.StreamingThreshold = ParseStreaming(settings.Streaming)!.Value;
        var (copyRow, calls) = ForDtype(settings.DtypeName!, settings.InputStd);
        // What is being measured and the option that sizes it, for the message when its buffers do not fit in memory.
        (string What, string Option) measuring = (string.Empty, "--sizes");
        try
        {
            var rows = new List<Row>();
            var emit = new Action<Row>(row =>
            {
                rows.Add(row);
                if (settings.Json) consoles.OutWriter.WriteLine(row.ToJson(settings.DtypeName!, settings.Threads, settings.InputStd, ParseStreaming(settings.Streaming)!.Value));
                consoles.OutWriter.Flush();
            });

            // The copy floor first, once per element-wise size.
            if (targets.Any(t => t.Function.Info.Kind == ActivationKind.Elementwise))
            {
                foreach (int n in sizes)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    measuring = ($"the copy of {n:N0} elements", "--sizes");
                    emit(copyRow(n, settings.Reps));
                }
            }

            foreach (var target in targets)
            {
                bool rowwise = target.Function.Info.Kind is ActivationKind.Rowwise or ActivationKind.Gated;
                var shapesOf = rowwise ? shapes : sizes.Select(n => (Rows: 1, Cols: n)).ToArray();
                var warmedUp = new HashSet<(int Rows, int Cols)>();
                if (!rowwise) WarmUpElementwise(target, calls);

                foreach (var (r, c) in shapesOf)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    measuring = rowwise ? ($"{target.Label} at {r}x{c}", "--shapes") : ($"{target.Label} at {c:N0} elements", "--sizes");
                    foreach (var row in Measure(target, r, c, settings.Reps, calls, warmedUp)) emit(row);
                }
            }

            if (!settings.Json) WriteTable(rows, settings);
            return ExitCodes.Ok;
        }
        catch (OutOfMemoryException)
        {
            // Each measurement holds its inputs, outputs and gradients (six buffers of the size, and a seventh holding
            // the output the backward from the output reads, where it is timed) at once: a size that
            // leaves no room for them ended in "Internal error (OutOfMemoryException)", exit 70.
            consoles.ErrorWriter.WriteLine($"Error: Timing {measuring.What} needs more memory than is available; give smaller {measuring.Option}.");
            return ExitCodes.BadInput;
        }
        finally
        {
            KernelOptions.MaxThreads = savedThreads;
            KernelOptions.StreamingThreshold = savedStreaming;
        }
    }

    /// <summary>The copy floor and the timed calls for a --dtype, with inputs from Normal(0, <paramref name="std"/>).</summary>
    private static (Func<int, int, Row> CopyRow, Func<Target, int, int, CallSet> Calls) ForDtype(string dtype, double std) => dtype switch
    {
        "f64" => (CopyRow<double>, (t, r, c) => Calls<double>(t, r, c, std)),
        "f16" => (CopyRow<Half>, (t, r, c) => Calls<Half>(t, r, c, std)),
        "bf16" => (CopyRow<BFloat16>, (t, r, c) => BFloat16Calls(t, r, c, std)),
        _ => (CopyRow<float>, (t, r, c) => Calls<float>(t, r, c, std)),
    };

    private static List<Target> SelectTargets(string[] specs)
    {
        var targets = new List<Target>();
        foreach (string spec in specs.Length == 0 ? DefaultFunctions : specs)
        {
            var f = ActivationCatalog.Create(spec);
            if (f.Channels > 1)
            {
                throw new UsageException($"{f} has one parameter per channel ({f.Channels} channels); bench times the function with one shared parameter (e.g. {f.Name}), which is the kernel every channel runs.");
            }

            // At its defaults whatever the spec's text: 'sigmoid()' and 'leaky_relu(0.01)' are the functions TensorPrimitives
            // computes and are labelled by name, so they merge with 'sigmoid' and 'leaky_relu' as a name given twice does
            // (the text's parentheses dropped sigmoid()'s baseline, and leaky_relu() and leaky_relu were timed twice).
            bool defaults = f.Parameters.SequenceEqual(f.Info.Parameters.Select(p => p.Default));
            string label = defaults ? f.Name : f.ToString();
            if (!targets.Any(t => t.Label == label)) targets.Add(new Target(label, f, defaults));
        }

        return targets;
    }

    private static int[] ParseSizes(string text)
    {
        var sizes = new List<int>();
        foreach (string part in ListEntries(text, "--sizes", "1024,65536"))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 1 << 28)
            {
                throw new UsageException($"--sizes takes element counts between 1 and 268435456, got '{part}'.");
            }

            // A size given twice would be timed twice and reported as two rows of one size (the table then failed on
            // the duplicate key after every measurement had run).
            if (sizes.Contains(n)) throw new UsageException($"--sizes lists {n} twice; give each element count once.");
            sizes.Add(n);
        }

        if (sizes.Count == 0) throw new UsageException("--sizes needs at least one element count.");
        return [.. sizes];
    }

    /// <summary>
    /// The comma-separated entries of <paramref name="text"/>, none empty: <c>--sizes 16,,32</c> used to drop the empty
    /// entry silently (train refuses <c>--hidden 4,,4</c>). A blank list gives no entries, for the caller's message.
    /// </summary>
    private static string[] ListEntries(string text, string option, string example)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Contains(string.Empty)) throw new UsageException($"{option} '{text}' has an empty entry; separate the entries with single commas, e.g. {example}.");
        return parts;
    }

    private static (int Rows, int Cols)[] ParseShapes(string text)
    {
        var shapes = new List<(int, int)>();
        foreach (string part in ListEntries(text, "--shapes", "4x64,1024x1000"))
        {
            string[] rc = part.Split('x');
            if (rc.Length != 2
                || !long.TryParse(rc[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long rows)
                || !long.TryParse(rc[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long cols))
            {
                throw new UsageException($"--shapes takes ROWSxCOLS, e.g. 1024x1000, got '{part}'.");
            }

            // 0x4 was refused as if it had too many elements ("at most 268435456 elements").
            if (rows < 1 || cols < 1) throw new UsageException($"--shapes takes ROWSxCOLS with both dimensions positive, e.g. 1024x1000, got '{part}'.");
            if (rows > 1 << 28 || cols > 1 << 28 || rows * cols > 1 << 28)
            {
                throw new UsageException($"--shapes takes ROWSxCOLS with at most 268435456 elements, e.g. 1024x1000, got '{part}'.");
            }

            var (r, c) = ((int)rows, (int)cols);

            if (shapes.Contains((r, c))) throw new UsageException($"--shapes lists {r}x{c} twice; give each shape once.");
            shapes.Add((r, c));
        }

        if (shapes.Count == 0) throw new UsageException("--shapes needs at least one ROWSxCOLS shape.");
        return [.. shapes];
    }

    /// <summary>
    /// The timed calls of one function at one shape: ours, our backward from the output where the function has one
    /// (<see cref="Activation.SupportsBackwardFromOutput"/>), and the baseline where there is one.
    /// </summary>
    private sealed record CallSet(Action OursForward, Action OursBackward, Action? OursBackwardFromOutput, Action? BaselineForward, Action? BaselineBackward)
    {
        public IEnumerable<Action> All => new[] { OursForward, OursBackward, OursBackwardFromOutput, BaselineForward, BaselineBackward }.OfType<Action>();
    }

    /// <summary>
    /// Sizes of one call at rows × cols: the inputs, the outputs (gated functions map rows of cols inputs to rows of
    /// cols/2 outputs; dy has the output's shape, dx x's) and the row length passed as columns (0 for element-wise).
    /// </summary>
    private static (int Inputs, int Outputs, int Columns) Layout(Target target, int rows, int cols)
    {
        int n = rows * cols;
        var kind = target.Function.Info.Kind;
        return (n, kind == ActivationKind.Gated ? n / 2 : n, kind is ActivationKind.Rowwise or ActivationKind.Gated ? cols : 0);
    }

    /// <summary>Buffers and calls of one function at one shape for float, double or Half, with TensorPrimitives' baseline.</summary>
    private static CallSet Calls<T>(Target target, int rows, int cols, double std)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>, IHyperbolicFunctions<T>
    {
        var (n, outputs, columns) = Layout(target, rows, cols);
        var kind = target.Function.Info.Kind;
        var x = Inputs<T>(n, 1, std);
        var dy = Inputs<T>(outputs, 2, std);
        var y = new T[outputs];
        var dx = new T[n];
        var t1 = new T[n];
        var t2 = new T[n];
        var f = target.Function;
        // The output the backward from the output reads: our forward of this very x, computed once here. It has a
        // buffer of its own because the timed forwards (ours and the baseline's) keep rewriting y.
        var yOut = f.SupportsBackwardFromOutput ? new T[outputs] : null;
        Action oursForward, oursBackward;
        Action? oursFromOutput = null;
        if (typeof(T) == typeof(float))
        {
            var (xf, yf, dyf, dxf) = ((float[])(object)x, (float[])(object)y, (float[])(object)dy, (float[])(object)dx);
            (oursForward, oursBackward) = (() => f.Forward(xf, yf, columns), () => f.Backward(xf, dyf, dxf, columns));
            if (yOut is float[] yo)
            {
                f.Forward(xf, yo, columns);
                oursFromOutput = () => f.BackwardFromOutput(yo, dyf, dxf, columns);
            }
        }
        else if (typeof(T) == typeof(Half))
        {
            var (xh, yh, dyh, dxh) = ((Half[])(object)x, (Half[])(object)y, (Half[])(object)dy, (Half[])(object)dx);
            (oursForward, oursBackward) = (() => f.Forward(xh, yh, columns), () => f.Backward(xh, dyh, dxh, columns));
            if (yOut is Half[] yo)
            {
                f.Forward(xh, yo, columns);
                oursFromOutput = () => f.BackwardFromOutput(yo, dyh, dxh, columns);
            }
        }
        else
        {
            var (xd, yd, dyd, dxd) = ((double[])(object)x, (double[])(object)y, (double[])(object)dy, (double[])(object)dx);
            (oursForward, oursBackward) = (() => f.Forward(xd, yd, columns), () => f.Backward(xd, dyd, dxd, columns));
            if (yOut is double[] yo)
            {
                f.Forward(xd, yo, columns);
                oursFromOutput = () => f.BackwardFromOutput(yo, dyd, dxd, columns);
            }
        }

        if (!target.Baseline) return new CallSet(oursForward, oursBackward, oursFromOutput, null, null);
        int baselineColumns = columns == 0 ? n : columns;
        return kind == ActivationKind.Gated
            ? new CallSet(oursForward, oursBackward, oursFromOutput, Baselines.GatedForward(target.Function.Name, x, y, t1, cols), null)
            : new CallSet(oursForward, oursBackward, oursFromOutput, Baselines.Forward(target.Function.Name, x, y, t1, t2, baselineColumns), Baselines.Backward(target.Function.Name, x, dy, dx, t1, t2, baselineColumns));
    }

    /// <summary>Ours alone for BFloat16 data (this library's type, which TensorPrimitives does not take).</summary>
    private static CallSet BFloat16Calls(Target target, int rows, int cols, double std)
    {
        var (n, outputs, columns) = Layout(target, rows, cols);
        var x = LowPrecisionInputs<BFloat16>(n, 1, std);
        var dy = LowPrecisionInputs<BFloat16>(outputs, 2, std);
        var y = new BFloat16[outputs];
        var dx = new BFloat16[n];
        var f = target.Function;
        Action? fromOutput = null;
        if (f.SupportsBackwardFromOutput)
        {
            // Our forward of this x, in a buffer of its own as in Calls (the timed forward keeps rewriting y).
            var yOut = new BFloat16[outputs];
            f.Forward(x, yOut, columns);
            fromOutput = () => f.BackwardFromOutput(yOut, dy, dx, columns);
        }

        return new CallSet(() => f.Forward(x, y, columns), () => f.Backward(x, dy, dx, columns), fromOutput, null, null);
    }

    /// <summary>Elements of the buffer every element-wise call is warmed up on before it is timed at any size.</summary>
    private const int WarmUpLength = 4096;

    /// <summary>Elements up to which a row-wise or gated warm-up takes several rows (a row is never shortened).</summary>
    private const int WarmUpElements = 1 << 16;

    /// <summary>
    /// Rows of the buffer a row-wise or gated function is warmed up on at <paramref name="rows"/> × <paramref name="cols"/>:
    /// the row length is the shape's, since a row length takes its own paths; three rows where the shape has them, so
    /// the driver's two ways through rows (a pair of rows at once, and a row alone) both run; and one row where several
    /// would exceed <see cref="WarmUpElements"/>, as pairs are only taken for rows that fit in L1. Four rows of the
    /// shape's width whatever its row count took 75 s and 2.9 GB to time softmax at 1x33554432 (128 MiB of input).
    /// </summary>
    internal static int WarmUpRows(int rows, int cols) => Math.Clamp(WarmUpElements / cols, 1, Math.Min(rows, 3));

    /// <summary>Warms every call of an element-wise function up on a <see cref="WarmUpLength"/>-element buffer.</summary>
    private static void WarmUpElementwise(Target target, Func<Target, int, int, CallSet> calls)
    {
        // The same generic instantiations run at every size, so the timed calls use tier-1 code without paying a long
        // warm-up on 16M-element buffers.
        foreach (var call in calls(target, 1, WarmUpLength).All) BenchTimer.WarmUp(call);
    }

    /// <summary>
    /// Times one function at <paramref name="rows"/> × <paramref name="cols"/> (element-wise: 1 × n, already warmed up by
    /// <see cref="WarmUpElementwise"/>); <paramref name="warmedUp"/> holds the row-wise warm-up shapes already run.
    /// </summary>
    private static IEnumerable<Row> Measure(Target target, int rows, int cols, int reps, Func<Target, int, int, CallSet> calls, HashSet<(int Rows, int Cols)> warmedUp)
    {
        bool rowwise = target.Function.Info.Kind is ActivationKind.Rowwise or ActivationKind.Gated;
        CallSet? set = null;

        // A row length takes its own paths (rows shorter than a register, pairs, a register-narrower tail), so each
        // row length is warmed up on a small buffer of its own: with the first shape's only, a later shape's paths were
        // still tier-0 code when timed (hardmax at 1024x33 after 4096x10: 11.5 ns/element instead of 0.35). When the
        // warm-up takes the shape's every row, its buffers are the timed ones rather than a second set of the same size.
        int warmRows = rowwise ? WarmUpRows(rows, cols) : 0;
        if (rowwise && warmedUp.Add((warmRows, cols)))
        {
            var warm = calls(target, warmRows, cols);
            foreach (var call in warm.All) BenchTimer.WarmUp(call);
            if (warmRows == rows) set = warm;
        }

        bool warmedAtSize = set is not null;
        set ??= calls(target, rows, cols);
        long n = (long)rows * cols;
        foreach (var call in set.All)
        {
            // Below the warm-up size the calls take paths the 4,096-element warm-up never ran (a register narrower
            // than the call, scalar lanes), whose methods would still be tier-0 code when timed: warm those up at
            // their own size. Otherwise a few calls at the real size (page faults, the parallel path's first use),
            // unless the warm-up has just run on these very buffers.
            if (!rowwise && n < WarmUpLength) BenchTimer.WarmUp(call);
            else if (!warmedAtSize) for (int i = 0; i < 3; i++) call();
        }

        var fwd = BenchTimer.Measure(set.OursForward, reps);
        var bwd = BenchTimer.Measure(set.OursBackward, reps);
        Timing? fromOutput = set.OursBackwardFromOutput is { } bo ? BenchTimer.Measure(bo, reps) : null;
        yield return new Row("activationkit", target.Label, n, rowwise ? rows : null, rowwise ? cols : null, fwd, bwd, fromOutput);
        if (set.BaselineForward is { } bf)
        {
            var tf = BenchTimer.Measure(bf, reps);
            Timing? tb = set.BaselineBackward is { } bb ? BenchTimer.Measure(bb, reps) : null;
            yield return new Row("tensorprimitives", target.Label, n, rowwise ? rows : null, rowwise ? cols : null, tf, tb);
        }
    }

    /// <summary><see cref="Inputs{T}"/> in float, rounded to Half or BFloat16.</summary>
    private static T[] LowPrecisionInputs<T>(int n, int seed, double std = 3.0)
        where T : unmanaged
    {
        var v = new T[n];
        LowPrecision.FromSingle<T>(Inputs<float>(n, seed, std), v);
        return v;
    }

    private static Row CopyRow<T>(int n, int reps)
        where T : unmanaged
    {
        var x = typeof(T) == typeof(float) ? (T[])(object)Inputs<float>(n, 1)
            : typeof(T) == typeof(double) ? (T[])(object)Inputs<double>(n, 1)
            : LowPrecisionInputs<T>(n, 1);
        var y = new T[n];
        Action copy = () => x.AsSpan().CopyTo(y);
        BenchTimer.WarmUp(n <= 1 << 16 ? copy : () => x.AsSpan(0, 4096).CopyTo(y));
        for (int i = 0; i < 3; i++) copy();
        return new Row("copy", null, n, null, null, BenchTimer.Measure(copy, reps), null);
    }

    /// <summary>Normal(0, std) inputs from a fixed seed (Box–Muller); the anchors use std = 3.</summary>
    private static T[] Inputs<T>(int n, int seed, double std = 3.0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var v = new T[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            v[i] = T.CreateTruncating(std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return v;
    }

    /// <summary>
    /// One measurement: an implementation of a function (or the copy) at one size. <paramref name="BwdFromOutput"/> is
    /// our backward from the output y = f(x), on our rows of functions that have one; null on every other row.
    /// </summary>
    private sealed record Row(string Impl, string? Fn, long N, int? Rows, int? Cols, Timing Fwd, Timing? Bwd, Timing? BwdFromOutput = null)
    {
        public string ToJson(string dtype, int threads, double inputStd, long streaming)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("impl", Impl);
                if (Fn is not null) json.WriteString("fn", Fn);
                json.WriteString("dtype", dtype);
                json.WriteNumber("n", N);
                if (Rows is { } r) json.WriteNumber("rows", r);
                if (Cols is { } c) json.WriteNumber("cols", c);
                // --threads and --streaming reach our element-wise kernels only: row-wise and gated kernels (the rows
                // carry rows and cols) and the baselines run on one thread with ordinary stores.
                bool elementwise = Impl == "activationkit" && Rows is null;
                json.WriteNumber("threads", elementwise ? threads : 1);
                if (Fn is not null) json.WriteNumber("input_std", inputStd);
                if (elementwise)
                {
                    // Bytes moved from which our element-wise calls use streaming stores (null: never): the run's setting,
                    // not the process-wide option, which another run in the same process (the tests') may have changed.
                    if (streaming == long.MaxValue) json.WriteNull("streaming_threshold_bytes");
                    else json.WriteNumber("streaming_threshold_bytes", streaming);
                }

                if (Fn is null)
                {
                    json.WriteNumber("ns_per_elem", Round(Fwd.BestNs / N));
                    json.WriteNumber("median_ns_per_elem", Round(Fwd.MedianNs / N));
                }
                else
                {
                    json.WriteNumber("fwd_ns_per_elem", Round(Fwd.BestNs / N));
                    if (Bwd is { } b) json.WriteNumber("bwd_ns_per_elem", Round(b.BestNs / N));
                    else json.WriteNull("bwd_ns_per_elem");
                    // The backward from the output is written only where it was timed (absent, not null, elsewhere): a
                    // baseline or a function whose derivative is not a function of its output has none to report.
                    if (BwdFromOutput is { } bo) json.WriteNumber("bwd_from_output_ns_per_elem", Round(bo.BestNs / N));
                    json.WriteNumber("fwd_median_ns_per_elem", Round(Fwd.MedianNs / N));
                    if (Bwd is { } bm) json.WriteNumber("bwd_median_ns_per_elem", Round(bm.MedianNs / N));
                    else json.WriteNull("bwd_median_ns_per_elem");
                    if (BwdFromOutput is { } bom) json.WriteNumber("bwd_from_output_median_ns_per_elem", Round(bom.MedianNs / N));
                }

                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static double Round(double v) => Math.Round(v, 4);
    }

    private void WriteTable(List<Row> rows, Settings settings)
    {
        var w = consoles.OutWriter;
        w.WriteLine($"ns/element, best of {settings.Reps} (median in brackets); {settings.DtypeName}; inputs Normal(0, {settings.InputStd.ToString(CultureInfo.InvariantCulture)}); ISA {Isa.Path}{(Isa.FmaNote.Length == 0 ? "" : $" ({Isa.FmaNote})")}; our kernels on up to {settings.Threads} thread(s){ProcessorsNote(settings.Threads)} {StreamingPhrase(ParseStreaming(settings.Streaming)!.Value)}, TensorPrimitives on 1.");
        // The column of our backward from the output y appears when a measured function has one; "–" in the rows of
        // those that do not.
        bool fromOutput = rows.Any(r => r.BwdFromOutput is not null);
        string[] header = ["function", "n", "ours fwd", "ours bwd", .. fromOutput ? new[] { "ours bwd(y)" } : [], "TP fwd", "TP bwd", "copy", "TP/ours fwd"];
        var lines = new List<string[]> { header };
        var copies = rows.Where(r => r.Fn is null).ToDictionary(r => r.N, r => r.Fwd.BestNs / r.N);
        foreach (var ours in rows.Where(r => r.Impl == "activationkit"))
        {
            var tp = rows.FirstOrDefault(r => r.Impl == "tensorprimitives" && r.Fn == ours.Fn && r.N == ours.N && r.Cols == ours.Cols);
            double oursFwd = ours.Fwd.BestNs / ours.N;
            lines.Add(
            [
                ours.Fn!,
                ours.Rows is { } r ? $"{r}x{ours.Cols}" : ours.N.ToString(CultureInfo.InvariantCulture),
                Cell(ours.Fwd, ours.N),
                ours.Bwd is { } b ? Cell(b, ours.N) : "–",
                .. fromOutput ? new[] { ours.BwdFromOutput is { } by ? Cell(by, ours.N) : "–" } : [],
                tp is null ? "–" : Cell(tp.Fwd, tp.N),
                tp?.Bwd is { } tb ? Cell(tb, tp.N) : "–",
                copies.TryGetValue(ours.N, out double c) && ours.Rows is null ? c.ToString("0.000", CultureInfo.InvariantCulture) : "–",
                tp is null ? "–" : ((tp.Fwd.BestNs / tp.N) / oursFwd).ToString("0.00", CultureInfo.InvariantCulture) + "×",
            ]);
        }

        int[] widths = Enumerable.Range(0, header.Length).Select(i => lines.Max(l => l[i].Length)).ToArray();
        foreach (var line in lines)
        {
            w.WriteLine(string.Join("  ", line.Select((cell, i) => i < 2 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        }

        w.Flush();
    }

    /// <summary>
    /// After "up to N thread(s)" when N exceeds the processors: --threads is the kernels' cap (KernelOptions.MaxThreads,
    /// which the JSON's "threads" reports), not limited to the processor count, so such a run oversubscribes the cores.
    /// </summary>
    private static string ProcessorsNote(int threads) =>
        threads > Environment.ProcessorCount ? $" (a cap above the {Environment.ProcessorCount} processors here)" : string.Empty;

    private static string Cell(Timing t, long n) =>
        string.Create(CultureInfo.InvariantCulture, $"{t.BestNs / n:0.000} [{t.MedianNs / n:0.000}]");
}
