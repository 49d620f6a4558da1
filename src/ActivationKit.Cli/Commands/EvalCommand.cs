using System.ComponentModel;
using System.Globalization;
using System.Security.Cryptography;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Cli.IO;
using ActivationKit.Numerics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit eval</c>: runs a function's forward (or backward with dy = 1) kernel over a range or a file, at the
/// chosen precision, and prints or writes the result. All arithmetic is the library's.
/// </summary>
public sealed class EvalCommand(CliConsoles consoles) : Command<EvalCommand.Settings>
{
    /// <summary>Arguments and options of <c>eval</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FUNCTION>")]
        [Description("Name or spec with parameters, e.g. tanh, leaky_relu(0.2), softplus(beta=2).")]
        public string Function { get; init; } = string.Empty;

        [CommandOption("-x|--range <START:STOP:STEP>")]
        [Description("Evaluate at START, START+STEP, … up to STOP (also spelled --x). Negative START: -x=-5:5:0.1 works too.")]
        public string? Range { get; init; }

        [CommandOption("-i|--in <FILE>")]
        [Description("Read x from FILE: .npy (float32/float64/float16, C order, 1-D or 2-D), .csv/.txt (one row per line), .f32/.f64 (raw little-endian). A regular file or named pipe of at most 1 GiB and 100,000,000 values; a device or socket is refused before it is opened.")]
        public string? In { get; init; }

        [CommandOption("-g|--grad")]
        [Description("Output f′(x): the backward pass with dy = 1 (row-wise: the vector-Jacobian product with a row of ones).")]
        public bool Grad { get; init; }

        [CommandOption("-t|--dtype <TYPE>")]
        [Description("Kernel precision: f32, f64, f16 or bf16. Default: f64 for float64 input, f16 for a float16 .npy, else f32. A finite input beyond the type's largest finite value (f16: 65504, f32: 3.4e38, f64: 1.8e308) is refused, not turned into ±∞.")]
        public string? DType { get; init; }

        [CommandOption("-c|--columns <N>")]
        [Description("Row length for row-wise and gated functions on 1-D input (2-D input uses its own shape); a gated function's outputs are then written as rows. Default: one row.")]
        public int? Columns { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("Write the result to FILE, format by extension: .npy (float64 and float16 kept, bfloat16 stored as float32, exactly), .csv/.txt (the computed precision), .f32 (float64 results rounded to float32; refused where one would overflow to ∞ or underflow to 0), .f64. Not the --in file; an existing FILE only with --force. Default: x,y text on stdout.")]
        public string? Out { get; init; }

        [CommandOption("--force")]
        [Description("Let --out replace an existing file (results cannot be told from other numbers, so any existing file needs it).")]
        public bool Force { get; init; }

        [CommandOption("--hash", IsHidden = true)]
        [Description("Print the SHA-256 of the result's bytes in the kernel precision, NaNs canonicalised (for bit-identity checks).")]
        public bool Hash { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if ((Range is null) == (In is null)) return ValidationResult.Error("eval needs exactly one of --x START:STOP:STEP and --in FILE.");
            if (Evaluation.ColumnsOptionError(Columns) is { } columnsError) return ValidationResult.Error(columnsError);
            if (Force && Out is null) return ValidationResult.Error("--force goes with --out: it lets the result replace an existing file.");
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Everything that can be wrong with the request is checked before any output is produced.
        var f = ActivationCatalog.Create(settings.Function);
        if (settings.Out is { } outPath)
        {
            // The path before its extension: a folder named o was said to have "an unsupported extension ''". Its folder
            // must exist and take files, and it must not be a device or pipe, which the write would replace.
            OutputFolder.EnsureFileWritable(outPath, "--out");
            DataFiles.CheckExtension(outPath, "--out");

            // As predict --out: the input is never overwritten (eval relu --in x.npy --out x.npy replaced x by relu(x)),
            // and results look like any other numbers, so any existing file is replaced only when asked.
            OutputFolder.RefuseInput(outPath, "--out", (settings.In, "--in"));
            OutputFolder.RefuseOverwrite(outPath, "--out", settings.Force);
        }

        DType? requested = settings.DType is { } d ? DataFiles.ParseDType(d) : null;
        var input = settings.Range is { } range ? DataFiles.Range(range) : DataFiles.Read(settings.In!);
        if (input.Values.Length == 0) throw new UsageException("The input holds no values.");
        var dtype = requested ?? input.Native;
        RefuseOverflow(input, dtype, settings.Range is null ? Path.GetFileName(settings.In!) : null);

        var (x, result, shape, outColumns) = Evaluation.Run(f, input, settings.Columns, dtype, settings.Grad);

        // An element-wise function's values do not depend on the rows, and its result keeps the input's shape: --columns
        // was accepted and ignored without a word.
        if (settings.Columns is { } columns && f.Info.Kind == ActivationKind.Elementwise)
        {
            consoles.ErrorWriter.WriteLine($"Warning: --columns {columns} is ignored: {f.Name} is element-wise, so each value is computed on its own and the result keeps the input's shape (--columns splits rows for row-wise and gated functions).");
        }

        if (settings.Out is { } path)
        {
            DataFiles.Write(path, result, shape, dtype, FirstBeyond(input, DType.F32) is int beyond ? input.Values[beyond] : null);
            // Name what the file holds: the computed type, and the stored one where they differ (bfloat16 in a .npy is
            // float32; float64 in a .f32 file is rounded to float32).
            var stored = DataFiles.StoredType(Path.GetExtension(path), dtype);
            string type = stored == dtype ? Name(dtype) : $"{Name(dtype)} results stored as {Name(stored)}";
            if (!settings.Hash) consoles.Out.WriteLine($"Wrote {result.Length} value(s) ({type}, shape ({string.Join(", ", shape)})) to {path}.");
        }

        if (settings.Hash)
        {
            // NaN payloads and signs are canonicalised first, as the accuracy hashes do: IEEE 754 leaves a NaN result's
            // sign and payload unspecified, and a NaN input's payload passes through some kernels unchanged.
            var canonical = (double[])result.Clone();
            AccuracyMeter.CanonicalizeNaNs(canonical);
            consoles.OutWriter.WriteLine("sha256:" + Convert.ToHexStringLower(SHA256.HashData(DataFiles.Bytes(canonical, dtype))));
        }
        else if (settings.Out is null)
        {
            PrintText(f, x, result, outColumns, settings.Grad, dtype);
        }

        consoles.OutWriter.Flush();
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Refuses a finite input that the kernel's type cannot hold: it became ±∞ before the function saw it (F15, exploratory
    /// tester: -x 1e38:4e38:1e38 printed "Infinity,1", and --dtype f16 above 65504 four such rows), as the .f32 writer
    /// refuses a result that would overflow. <paramref name="file"/> names an --in file; null for a --x range.
    /// </summary>
    private static void RefuseOverflow(InputData input, DType dtype, string? file)
    {
        if (FirstBeyond(input, dtype) is int i)
        {
            double v = input.Values[i];
            string largest = dtype switch
            {
                DType.F16 => ((double)Half.MaxValue).ToString("R", CultureInfo.InvariantCulture),
                DType.BF16 => ((float)BFloat16.MaxValue).ToString("R", CultureInfo.InvariantCulture),
                _ => float.MaxValue.ToString("R", CultureInfo.InvariantCulture),
            };
            string wider = float.IsFinite((float)v) ? "f32 or f64" : "f64";
            string where = file is null ? $"--x point {v.ToString("R", CultureInfo.InvariantCulture)}" : $"{file} value {i + 1} ({v.ToString("R", CultureInfo.InvariantCulture)})";
            throw new UsageException($"{where} is beyond the largest finite {Name(dtype)}, ±{largest}, so the kernel would see ±∞; keep the inputs within it or evaluate with --dtype {wider}.");
        }
    }

    /// <summary>
    /// The index of the first finite input that <paramref name="dtype"/> cannot hold (it rounds to ±∞), which
    /// <see cref="RefuseOverflow"/> refuses; null when it holds them all (float64 always does).
    /// </summary>
    private static int? FirstBeyond(InputData input, DType dtype)
    {
        if (dtype == DType.F64) return null;
        for (int i = 0; i < input.Values.Length; i++)
        {
            double v = input.Values[i];
            double rounded = dtype switch { DType.F16 => (double)(Half)v, DType.BF16 => (double)(BFloat16)v, _ => (float)v };
            if (double.IsFinite(v) && !double.IsFinite(rounded)) return i;
        }

        return null;
    }

    private static string Name(DType d) => d switch
    {
        DType.F64 => "float64",
        DType.F16 => "float16",
        DType.BF16 => "bfloat16",
        _ => "float32",
    };

    private void PrintText(Activation f, double[] x, double[] y, int outColumns, bool grad, DType dtype)
    {
        var w = consoles.OutWriter;
        if (x.Length == y.Length)
        {
            w.WriteLine(grad ? "x,f'(x)" : "x,f(x)");
            for (int i = 0; i < x.Length; i++) w.WriteLine($"{DataFiles.Format(x[i], dtype)},{DataFiles.Format(y[i], dtype)}");
            return;
        }

        // Gated forward: outputs do not pair with inputs, so print the output rows.
        w.WriteLine($"# {f}: {y.Length / outColumns} row(s) of {outColumns} output(s)");
        for (int i = 0; i < y.Length; i += outColumns)
        {
            w.WriteLine(string.Join(",", Enumerable.Range(i, outColumns).Select(k => DataFiles.Format(y[k], dtype))));
        }
    }
}
