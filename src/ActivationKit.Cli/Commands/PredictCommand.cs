using System.ComponentModel;
using System.Globalization;
using System.Text;
using ActivationKit.Catalog;
using ActivationKit.Cli.IO;
using ActivationKit.IO;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit predict</c>: runs a model saved by <c>actkit train --save</c> on the rows of a CSV or .npy file, applying the
/// saved normalisation first and the saved output function (softmax/sigmoid for models trained with a fused loss) last.
/// </summary>
public sealed class PredictCommand(CliConsoles consoles) : Command<PredictCommand.Settings>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Options of <c>predict</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-m|--model <FILE>")]
        [Description("A model saved by actkit train --save.")]
        public string? Model { get; init; }

        [CommandOption("-i|--in <FILE>")]
        [Description("Input rows: .csv (one sample per line, read like train's CSV files: comma, semicolon or tab separated, quoted cells allowed, each within its line; the first row is a header or data as --header says) or a 2-D .npy of rows × inputs (a 1-D .npy holds one sample per value for a one-input model, and a single sample of all the inputs otherwise), one column per model input in the training order (a header is checked against the training CSV's column names when the model has them: other names, another order or extra columns are refused), on the training data's own scale (fashion-mnist: raw 0–255 pixels); at least one row. NaN, infinite values and values so large that the saved normalisation or the network overflows float are refused with their row and column.")]
        public string? In { get; init; }

        [CommandOption("--header <MODE>")]
        [Description(HeaderOption.Description)]
        public string? Header { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("Write the outputs to FILE (.csv or .npy; not the --model or --in file; an existing FILE only with --force), one row per input row, one column per output. Default: CSV on stdout. When the model knows its class names (text labels in the training CSV, fashion-mnist), or the target columns' names of a multilabel or multi-output regression CSV, the CSV starts with a header row naming the columns (a single-output binary model's column is the probability of the second class); a .npy cannot, so they are listed on stderr.")]
        public string? Out { get; init; }

        [CommandOption("--force")]
        [Description("Let --out replace an existing file (predictions cannot be told from other numbers, so any existing file needs it).")]
        public bool Force { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Model)) return ValidationResult.Error("predict needs --model FILE (saved by actkit train --save).");
            if (string.IsNullOrWhiteSpace(In)) return ValidationResult.Error("predict needs --in FILE (.csv or .npy).");
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string? outExt = settings.Out is { } o ? Extension(o, "--out") : null;
        string inExt = Extension(settings.In!, "--in");
        bool? header = Nn.Data.Csv.ParseHeader(settings.Header);
        if (inExt == ".npy") TableFile.RefuseHeader(header, settings.In!);
        InputFile.Require(settings.Model!, "--model", "give the model file saved by actkit train --save");
        InputFile.Require(settings.In!, "--in", "give a .csv or .npy file");
        if (settings.Out is { } outPath)
        {
            OutputFolder.RefuseInput(outPath, "--out", (settings.Model, "--model"), (settings.In, "--in"));
            if (Directory.Exists(outPath)) throw new UsageException($"--out '{TerminalText.Safe(outPath)}' is a folder; give a .csv or .npy file name.");

            // Before the model is loaded and run: a write-protected file, a missing folder or a device was refused only
            // by the write, once every row had been read and predicted.
            OutputFolder.EnsureFileWritable(outPath, "--out");

            // A CSV or .npy of predictions looks like any other table of numbers: an existing file is replaced only when asked.
            OutputFolder.RefuseOverwrite(outPath, "--out", settings.Force);
        }

        var (network, metadata) = ModelFile.Load(settings.Model!);
        string inName = Path.GetFileName(settings.In!);

        // A header is checked against the training data's (when the model has its names): columns swapped, renamed or
        // with the target left in were read by position without a word. A .npy, or a CSV without a header, has no names.
        // It is checked before any cell is read: a label column of class names left in was "'cat' is not a number".
        void CheckHeader(IReadOnlyList<string> names)
        {
            if (ModelFile.InputColumnsProblem(metadata, names, inName) is { } problem) throw new UsageException(problem);
        }

        var (x, rows, columns, _) = inExt == ".npy" ? ReadNpy(settings.In!, network.InputSize) : Nn.Data.Csv.ReadNumbersWithHeader(settings.In!, header, CheckHeader);
        if (columns != network.InputSize)
        {
            throw new UsageException($"{inName} has {Spelling.Count(columns, "column")} but the model takes {Spelling.Count(network.InputSize, "input")}.");
        }

        // A NaN or infinite input (a missing cell, a value beyond the float range) would come out as a NaN prediction.
        int bad = Dataset.IndexOfNonFinite(x);
        if (bad >= 0)
        {
            throw new UsageException($"{inName}: row {(bad / columns) + 1}, column {(bad % columns) + 1} is {(float.IsNaN(x[bad]) ? "NaN (a missing value)" : "infinite (beyond ±3.4e38)")}; every input must be a finite number.");
        }

        // Finite inputs can still overflow: (3e38 − mean)/std in the saved normalisation, or 1e30 through the weights. The
        // answer would be NaN or ±∞, so such a row is refused, naming the input that is furthest outside the training range.
        var input = metadata.Normalization is { } norm ? norm.Transform(x) : x;
        bad = Dataset.IndexOfNonFinite(input);
        if (bad >= 0)
        {
            throw new UsageException($"{inName}: row {(bad / columns) + 1}, column {(bad % columns) + 1} is {x[bad].ToString("R", Inv)}, which overflows float when standardised with the model's training mean and std; inputs must stay within the float range after normalisation.");
        }

        var y = network.Predict(input, rows);
        int outputs = network.OutputSize;
        // The fused squash first: a logit of ±∞ is a probability of 0 or 1, not an overflow; what stays NaN or ±∞ is one.
        // Only a linear output layer's logits: a regression model's own sigmoid output layer (--output sigmoid) records
        // "sigmoid" too, and was squashed a second time.
        string output = metadata.Notes is { } notes && notes.TryGetValue("output", out var name) ? name : "identity";
        if (ModelFile.FusedOutput(network, metadata) is { } squash) ActivationCatalog.Create(squash).Forward(y, y, outputs);
        bad = Dataset.IndexOfNonFinite(y);
        if (bad >= 0)
        {
            int row = bad / outputs;
            int column = FurthestInput(input.AsSpan(row * columns, columns));
            string distance = metadata.Normalization is null ? string.Empty : $", is {Math.Abs(input[(row * columns) + column]).ToString("G3", Inv)} standard deviations from the training mean";
            throw new UsageException($"{inName}: row {row + 1} makes the model's output {Describe(y[bad])}: its values are too large for the network in float (the largest, column {column + 1}, {x[(row * columns) + column].ToString("R", Inv)}{distance}).");
        }

        string[]? labels = ColumnLabels(metadata, outputs);

        if (outExt == ".npy")
        {
            AtomicFile.Write(settings.Out!, stream => Npy.Write(stream, y, [rows, outputs]));
        }
        else if (outExt == ".csv")
        {
            AtomicFile.WriteAllText(settings.Out!, Csv(y, outputs, labels));
        }
        else
        {
            // The CSV on stdout is data, most often redirected to a file: its header keeps the class names exactly, as
            // --out does (a label with an escape sequence reaches a terminal only where the user prints the data there).
            consoles.OutWriter.Write(Csv(y, outputs, labels));
            consoles.OutWriter.Flush();
        }

        if (settings.Out is not null)
        {
            // The file keeps the class names exactly; this line for the terminal shows their control characters as '?'.
            string named = labels is null ? string.Empty : $"; columns {string.Join(", ", labels.Select(l => $"'{TerminalText.Safe(l)}'"))}";
            consoles.ErrorWriter.WriteLine($"Wrote {rows} row(s) × {outputs} output(s) ({TerminalText.Safe(output)}{named}) to {TerminalText.Safe(settings.Out)}.");
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// The class names for the output columns when the model recorded them: one per output, or for a single-output binary
    /// model (whose column is P(class 1)) the second class's name; else the target columns' names of a multilabel or
    /// multi-output regression model (models saved before they were kept have none). Null when they are unknown or do
    /// not match the outputs.
    /// </summary>
    private static string[]? ColumnLabels(ModelMetadata metadata, int outputs)
    {
        if (metadata.ClassNames is not { Count: > 0 } names) return metadata.TargetNames is { } targets && targets.Count == outputs ? [.. targets] : null;
        if (names.Count == outputs) return [.. names];
        return outputs == 1 && names.Count == 2 ? [names[1]] : null;
    }

    private static int FurthestInput(ReadOnlySpan<float> row)
    {
        int furthest = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (!(Math.Abs(row[furthest]) >= Math.Abs(row[j]))) furthest = j;
        }

        return furthest;
    }

    private static string Describe(float value) => float.IsNaN(value) ? "NaN" : value > 0 ? "+∞" : "−∞";

    private static string Extension(string path, string option)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".csv" or ".npy")) throw new UsageException($"{option} '{TerminalText.Safe(path)}' must be a .csv or .npy file.");
        return ext;
    }

    private static string Csv(float[] y, int columns, string[]? labels)
    {
        var text = new StringBuilder();
        if (labels is not null) text.Append(string.Join(',', labels.Select(QuoteCsv))).Append('\n');
        for (int i = 0; i < y.Length; i += columns)
        {
            for (int j = 0; j < columns; j++)
            {
                if (j > 0) text.Append(',');
                text.Append(y[i + j].ToString("R", Inv));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A class name as one CSV cell: quoted when it holds a separator, a quote or a line break.</summary>
    private static string QuoteCsv(string cell) =>
        cell.AsSpan().IndexOfAny(",;\t\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    private static (float[] X, int Rows, int Columns, IReadOnlyList<string>? Names) ReadNpy(string path, int inputs)
    {
        var array = Npy.Read(path);
        var data = array.ToSingleArray();
        var shape = array.Shape;
        var (x, rows, columns) = shape.Count switch
        {
            2 => (data, shape[0], shape[1]),
            1 when inputs == 1 => (data, shape[0], 1),
            // One sample; a length that is not the model's width was "x.npy has 5 column(s)", which a 1-D array has not (F15).
            1 when shape[0] == inputs => (data, 1, shape[0]),
            1 when shape[0] > 0 => throw new UsageException($"{Path.GetFileName(path)} is a 1-D array of {Spelling.Count(shape[0], "value")}, which predict reads as one sample, but the model takes {Spelling.Count(inputs, "input")}: give a 2-D array of rows × {inputs} inputs."),
            1 => (data, 0, inputs),
            _ => throw new UsageException($"{Path.GetFileName(path)} has shape ({string.Join(", ", shape)}); predict takes a 2-D array of rows × features."),
        };

        // As for a CSV without data rows: nothing to predict is an error, not an empty answer.
        if (rows == 0 || x.Length == 0) throw new InvalidDataException($"{Path.GetFileName(path)} has shape ({string.Join(", ", shape)}) and holds no rows of numbers.");
        return (x, rows, columns, null);
    }
}
