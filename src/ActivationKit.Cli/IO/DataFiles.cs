using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ActivationKit.IO;
using ActivationKit.Numerics;

namespace ActivationKit.Cli.IO;

/// <summary>Storage precision of the kernels <c>actkit eval</c> runs.</summary>
public enum DType
{
    /// <summary>float32.</summary>
    F32,

    /// <summary>float64.</summary>
    F64,

    /// <summary>IEEE half precision (computed in float, rounded once).</summary>
    F16,

    /// <summary>bfloat16 (computed in float, rounded to nearest even).</summary>
    BF16,
}

/// <summary>
/// Values read for <c>eval</c>: 1-D, or a matrix of <see cref="Rows"/> × <see cref="Columns"/> in row-major order.
/// Kept as double (every float32 is exact in double).
/// </summary>
/// <param name="Values">The values in row-major order.</param>
/// <param name="Rows">Rows of a matrix; 1 for 1-D data.</param>
/// <param name="Columns">Columns of a matrix; the length for 1-D data.</param>
/// <param name="IsMatrix">True for 2-D data (a 2-D .npy or a CSV with several values per line).</param>
/// <param name="Native">The precision the source held, the default precision: f64 for float64 data, f16 for a float16
/// .npy, f32 otherwise.</param>
/// <param name="IsScalar">True for a 0-d .npy (one value, shape ()), whose result is written back 0-d.</param>
public sealed record InputData(double[] Values, int Rows, int Columns, bool IsMatrix, DType Native, bool IsScalar = false);

/// <summary>Reading and writing the data files of <c>actkit eval</c>: .npy, text (.csv/.txt), raw .f32/.f64.</summary>
public static class DataFiles
{
    /// <summary>Most points a <c>--x</c> range may produce, and most values an input file may hold.</summary>
    public const long MaxRangePoints = 100_000_000;

    /// <summary>
    /// The largest input file <see cref="Read"/> takes, 1 GiB: a file is read whole, and an endless one (a link to
    /// /dev/zero) was read until the memory ran out.
    /// </summary>
    public const long MaxInputBytes = 1L << 30;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>File extensions accepted by <c>--in</c> and <c>--out</c>.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".npy", ".csv", ".txt", ".f32", ".f64"];

    /// <summary>Parses a --dtype value.</summary>
    public static DType ParseDType(string text) => TryParseDType(text) ?? throw new UsageException($"Unknown --dtype '{text}'; use f32, f64, f16 or bf16.");

    /// <summary>A --dtype value's type (f32, float32, float, single, f64, double, half, bfloat16… in any letter case), or null when it names none.</summary>
    public static DType? TryParseDType(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "f32" or "float32" or "float" or "single" => DType.F32,
        "f64" or "float64" or "double" => DType.F64,
        "f16" or "float16" or "half" => DType.F16,
        "bf16" or "bfloat16" => DType.BF16,
        _ => null,
    };

    /// <summary>The extension of <paramref name="path"/> if actkit reads/writes it, else a <see cref="UsageException"/>.</summary>
    public static string CheckExtension(string path, string option)
    {
        // As the outputs say it (OutputFolder): '' read as "an unsupported extension ''".
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException($"{option} needs a file name, not an empty string.");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (!Extensions.Contains(ext))
        {
            throw new UsageException($"{option} '{TerminalText.Safe(path)}' has an unsupported extension '{TerminalText.Safe(ext)}'; use {string.Join(", ", Extensions)}.");
        }

        return ext;
    }

    /// <summary>
    /// Reads the input file (<c>--in</c>) by its extension; the messages name the option, and show the path with its
    /// control characters as '?' ("Input file 'a␀b.csv' does not exist." printed the NUL raw and named no option).
    /// </summary>
    public static InputData Read(string path)
    {
        string ext = CheckExtension(path, "--in");
        InputFile.Require(path, "--in", "give a file");
        string name = TerminalText.Safe(Path.GetFileName(path));
        byte[] bytes = ReadBounded(path, name);
        switch (ext)
        {
            case ".npy":
                {
                    var array = Npy.Read(new MemoryStream(bytes, writable: false), name);
                    var shape = array.Shape;
                    if (shape.Count > 2)
                    {
                        throw new UsageException($"{name} has {shape.Count} dimensions ({string.Join(", ", shape)}); actkit eval takes 1-D or 2-D arrays.");
                    }

                    long count = shape.Aggregate(1L, (product, n) => product * n);
                    if (count > MaxRangePoints) throw TooManyValues(name, count);

                    var native = array.ElementType switch { NpyElementType.Float64 => DType.F64, NpyElementType.Float16 => DType.F16, _ => DType.F32 };
                    var values = array.ToDoubleArray();
                    return shape.Count == 2
                        ? new InputData(values, shape[0], shape[1], true, native)
                        : new InputData(values, 1, values.Length, false, native, IsScalar: shape.Count == 0);
                }

            case ".f32":
            case ".f64":
                return ReadRaw(bytes, name, ext == ".f64" ? 8 : 4);
            default:
                return ReadText(bytes, name);
        }
    }

    /// <summary>
    /// The bytes of the input file <paramref name="path"/>, refusing what cannot be read whole: more than
    /// <see cref="MaxInputBytes"/>, and a device or socket, whose end is unknown (/dev/zero never ends), by its kind before
    /// opening it. A named pipe (a shell's FIFO) is read up to the cap, as <c>check</c> reads one. A regular file is read
    /// into one array of its stated size, and never more than that size and one byte (a file that grows while read is refused).
    /// </summary>
    private static byte[] ReadBounded(string path, string name)
    {
        ActivationKit.IO.FileKind.RefuseSpecialInput(path, "--in file");
        if (ActivationKit.IO.FileKind.SpecialKindOf(path) is not null)
        {
            return ActivationKit.IO.FileKind.ReadAtMost(path, MaxInputBytes) ?? throw TooLarge(name, null);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        long length = stream.CanSeek ? stream.Length : -1;
        if (length > MaxInputBytes) throw TooLarge(name, length);

        var bytes = length > 0 ? new byte[length] : [];
        int read = length > 0 ? stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) : 0;

        // Where the kind could not be told (not Linux), a device states no size (0), or none at all, and has data past it.
        if (length < 0 || stream.ReadByte() >= 0)
        {
            throw new UsageException($"--in file '{TerminalText.Safe(path)}' is not a regular file of a known size (a device, pipe or socket, or a file still growing); give a file.");
        }

        return read == bytes.Length ? bytes : bytes[..read];
    }

    private static UsageException TooLarge(string name, long? length) =>
        new($"{name} is {(length is { } n ? n.ToString("N0", Inv) : "more than " + MaxInputBytes.ToString("N0", Inv))} bytes, more than the {MaxInputBytes.ToString("N0", Inv)} (1 GiB) eval reads; split it into smaller files.");

    // The count, or null where reading stopped at the first value over the limit (a text file).
    private static UsageException TooManyValues(string name, long? count) =>
        new($"{name} holds {(count is { } n ? n.ToString("N0", Inv) : "more than " + MaxRangePoints.ToString("N0", Inv))} values; the limit is {MaxRangePoints.ToString("N0", Inv)}, as for --x.");

    /// <summary>The points START, START+STEP, … up to STOP (included when it lies on the grid) of a --x spec.</summary>
    public static InputData Range(string spec)
    {
        string[] parts = spec.Split(':');
        if (parts.Length != 3)
        {
            throw new UsageException($"--x expects START:STOP:STEP (e.g. -5:5:0.1), got '{spec}'.");
        }

        var v = new double[3];
        string[] names = ["START", "STOP", "STEP"];
        for (int i = 0; i < 3; i++)
        {
            if (!TryParseNumber(parts[i], out v[i], out bool beyond))
            {
                throw new UsageException(beyond ? $"--x {names[i]} {BeyondDoubles(parts[i])}; give a {names[i]} within it." : $"--x {names[i]} '{parts[i]}' is not a number.");
            }

            if (!double.IsFinite(v[i])) throw new UsageException($"--x {names[i]} must be finite, got '{parts[i]}'.");
        }

        double start = v[0], stop = v[1], step = v[2];
        if (step <= 0) throw new UsageException($"--x STEP must be positive, got {parts[2]}.");
        if (stop < start) throw new UsageException($"--x STOP ({parts[1]}) is below START ({parts[0]}).");
        // STOP − START overflows for a range across most of the doubles (−1e308:1e308:1e307, 21 points, was said to give
        // Infinity points): halved, the span is finite.
        double span = stop - start;
        double intervals = Math.Floor((double.IsFinite(span) ? span / step : ((stop * 0.5) - (start * 0.5)) / step * 2) + 1e-9);
        if (!(intervals + 1 <= MaxRangePoints))
        {
            throw new UsageException($"--x {spec} gives {PointCount(intervals + 1)} points; the limit is {MaxRangePoints:N0}.");
        }

        int n = (int)intervals + 1;
        var x = new double[n];
        // The first point is START itself: -0 + 0·STEP is +0, so -x -0:1:1 evaluated f(+0) and printed x as 0, a silent
        // wrong answer where the sign of zero is the point (tanh, softsign and the like keep it).
        x[0] = start;
        for (int i = 1; i < n; i++)
        {
            // i·STEP alone can overflow where START + i·STEP does not; the fused form rounds only the sum.
            x[i] = start + (i * step);
            if (!double.IsFinite(x[i])) x[i] = Math.FusedMultiplyAdd(i, step, start);
        }

        // Land exactly on STOP when it is a grid point, despite rounding in i·step (a single point is START, kept: -0:0:1
        // is the point -0).
        if (n > 1 && Math.Abs(x[n - 1] - stop) <= step * 1e-6) x[n - 1] = stop;
        return new InputData(x, 1, n, false, DType.F32);
    }

    // A too-large point count people can read: 1,000,000,000 in full, 0:1:1e-300's as "about 1e300" rather than its 301
    // digits, and beyond the doubles "more than 1e308".
    private static string PointCount(double count) =>
        count < 1e15 ? count.ToString("N0", Inv)
        : double.IsFinite(count) ? "about " + count.ToString("0.#e0", Inv)
        : "more than 1e308";

    /// <summary>
    /// Writes <paramref name="values"/> (of the given shape) to <paramref name="path"/>, in the format its extension
    /// names, through a temporary file moved into place: a failure leaves no partial file behind.
    /// <paramref name="inputBeyondFloat32"/> is an input value float32 cannot hold (null: it holds them all), for the
    /// advice of a refused .f32 file: evaluating with --dtype f32 is suggested only where it would take the input.
    /// </summary>
    public static void Write(string path, double[] values, int[] shape, DType dtype, double? inputBeyondFloat32)
    {
        string ext = CheckExtension(path, "--out");
        RefuseLossyNarrowing(ext, values, dtype, inputBeyondFloat32);
        AtomicFile.Write(path, stream => WriteTo(stream, ext, values, shape, dtype));
    }

    /// <summary>
    /// The type <see cref="Write"/> stores <paramref name="dtype"/> results as in a file with extension
    /// <paramref name="ext"/>: .npy keeps float64 and float16 and stores bfloat16 (which NumPy has no type for) as
    /// float32, which holds it exactly; .f32 is float32 (float64 results rounded to it), .f64 float64; text files write
    /// each value in the computed precision.
    /// </summary>
    public static DType StoredType(string ext, DType dtype) => ext.ToLowerInvariant() switch
    {
        ".npy" => dtype == DType.BF16 ? DType.F32 : dtype,
        ".f32" => DType.F32,
        ".f64" => DType.F64,
        _ => dtype,
    };

    /// <summary>
    /// Refuses to round float64 results into a .f32 file where a finite one would become ±∞ or 0 (exponential(100) =
    /// 2.69e43 was written as float32 inf under a message that said float64); other float64 results are rounded to the
    /// nearest float32. The advice names --dtype f32 only where eval would take the input in float32 (it refuses an input
    /// beyond float32, so `--dtype f32` was advice that failed in turn for relu of 1e300), and says what it stores then:
    /// float32's own results, which are ±∞ or 0 where float32 cannot hold them either.
    /// </summary>
    private static void RefuseLossyNarrowing(string ext, double[] values, DType dtype, double? inputBeyondFloat32)
    {
        if (dtype != DType.F64 || StoredType(ext, dtype) != DType.F32) return;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            float f = (float)v;
            if (double.IsFinite(v) && (float.IsInfinity(f) || (f == 0 && v != 0)))
            {
                string otherwise = inputBeyondFloat32 is { } x
                    ? $" (--dtype f32 would refuse the input: its value {x.ToString("R", Inv)} is beyond float32's range)"
                    : ", or evaluate with --dtype f32 to store float32's own results (±∞ or 0 where float32 cannot hold them)";
                throw new UsageException($"The float64 result {v.ToString("R", Inv)} (value {i + 1}) {(float.IsInfinity(f) ? "overflows float32 to ∞" : "underflows float32 to 0")} in a .f32 file; write .f64, .npy or .csv to keep float64{otherwise}.");
            }
        }
    }

    /// <summary>
    /// A value as text in the precision it was computed in: float64 as the shortest text that reads back as the same
    /// double; float32, float16 and bfloat16 values (all exact in float32) as the shortest that reads back as the same
    /// float32. Half's own shortest text is shorter than the value it stands for (65500 for 65504, 0.1 for
    /// 0.0999755859375), which read back as float32 or float64 is another number.
    /// </summary>
    public static string Format(double v, DType dtype) => dtype switch
    {
        DType.F64 => v.ToString("R", Inv),
        DType.F16 => ((float)(Half)v).ToString("R", Inv),
        _ => ((float)v).ToString("R", Inv),
    };

    /// <summary>The values' bytes in <paramref name="dtype"/>, little-endian (for hashing).</summary>
    public static byte[] Bytes(double[] values, DType dtype)
    {
        switch (dtype)
        {
            case DType.F64:
                return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
            case DType.F32:
                return MemoryMarshal.AsBytes(values.Select(v => (float)v).ToArray().AsSpan()).ToArray();
            case DType.F16:
                return MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()).ToArray();
            default:
                return MemoryMarshal.AsBytes(values.Select(v => ((BFloat16)v).RawValue).ToArray().AsSpan()).ToArray();
        }
    }

    private static void WriteTo(Stream stream, string ext, double[] values, int[] shape, DType dtype)
    {
        switch (ext)
        {
            case ".npy":
                // float64 and float16 results keep their type; float32 and bf16 (which NumPy has no type for) are written as
                // float32, which holds them exactly.
                if (dtype == DType.F64) Npy.Write(stream, values, shape);
                else if (dtype == DType.F16) Npy.Write(stream, values.Select(v => (Half)v).ToArray(), shape);
                else Npy.Write(stream, values.Select(v => (float)v).ToArray(), shape);
                break;
            case ".f64":
                stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                break;
            case ".f32":
                stream.Write(MemoryMarshal.AsBytes(values.Select(v => (float)v).ToArray().AsSpan()));
                break;
            default:
                {
                    using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
                    int columns = shape.Length == 2 ? shape[1] : 1;
                    for (int i = 0; i < values.Length; i += Math.Max(columns, 1))
                    {
                        for (int j = 0; j < columns; j++)
                        {
                            if (j > 0) writer.Write(',');
                            writer.Write(Format(values[i + j], dtype));
                        }

                        writer.WriteLine();
                    }

                    break;
                }
        }
    }

    private static InputData ReadRaw(byte[] bytes, string name, int itemSize)
    {
        string type = itemSize == 8 ? "float64" : "float32";
        if (bytes.Length % itemSize != 0)
        {
            throw new InvalidDataException($"{name} has {bytes.Length} bytes, not a whole number of {itemSize}-byte {type} values.");
        }

        if (bytes.Length / itemSize > MaxRangePoints) throw TooManyValues(name, bytes.Length / itemSize);

        var values = new double[bytes.Length / itemSize];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = itemSize == 8
                ? BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * 8, 8))
                : BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4, 4));
        }

        return new InputData(values, 1, values.Length, false, itemSize == 8 ? DType.F64 : DType.F32);
    }

    /// <summary>
    /// Text: one row per line; blank lines and lines starting with '#' are skipped. The first row decides the separator,
    /// as the train/predict CSV reader does: a tab if it has one, else a semicolon if it has one and no comma, else a
    /// comma if it has one, else runs of spaces (a whitespace-separated .txt); cells are split and unquoted as that reader
    /// does (<see cref="Nn.Data.Csv.Split"/>: <c>"1","2"</c> is 1 and 2). One value per line is 1-D; several make a
    /// matrix whose rows must all be as long. An empty cell (<c>1,,2</c>) is refused with its line and column: every
    /// separator used to count at once with empty entries dropped, so <c>1,5;2,5</c> (decimal commas) read as four
    /// values and <c>1,,2</c> as two.
    /// </summary>
    private static InputData ReadText(byte[] bytes, string name)
    {
        var values = new List<double>();
        int columns = -1, rows = 0, firstLine = 0, lineNumber = 0;
        char? separator = null;
        using var reader = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;

            // Only spaces are padding: a tab at either end of a tab-separated row is an empty cell. The separator is
            // chosen from the row without its edges, so a whitespace-separated file indented with a tab stays one.
            string row = line.Trim(' ');
            separator ??= Separator(trimmed);
            // Cells split and unquoted as train and predict read them: eval called "1" in "1","2" not a number. Runs of
            // whitespace are one separator, given to the same reader as a tab (a one-column file is this case too).
            string[] tokens = separator == ' '
                ? Nn.Data.Csv.Split(string.Join('\t', row.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), '\t', name, lineNumber)
                : Nn.Data.Csv.Split(row, separator.Value, name, lineNumber);
            for (int c = 0; c < tokens.Length; c++)
            {
                string token = tokens[c];
                if (token.Length == 0)
                {
                    throw new InvalidDataException($"{name} line {lineNumber}, column {c + 1}: the cell is empty; every cell needs a number (write nan for a missing one).");
                }

                if (!TryParseNumber(token, out double v, out bool beyond))
                {
                    throw new InvalidDataException(beyond
                        ? $"{name} line {lineNumber}: {BeyondDoubles(token)}; keep the inputs within it, or write inf or -inf for an infinite input."
                        : $"{name} line {lineNumber}: '{Shorten(token)}' is not a number{SeparatorHint(token, separator.Value)}{(rows == 0 ? HeaderHint(token) : string.Empty)}.");
                }

                values.Add(v);
                if (values.Count > MaxRangePoints) throw TooManyValues(name, null);
            }

            if (columns < 0)
            {
                columns = tokens.Length;
                firstLine = lineNumber;
            }
            else if (tokens.Length != columns)
            {
                throw new InvalidDataException($"{name} line {lineNumber} has {tokens.Length} values but line {firstLine} has {columns}; every row needs the same number.");
            }

            rows++;
        }

        if (values.Count == 0) throw new InvalidDataException($"{name} holds no numbers.");
        return columns == 1
            ? new InputData(values.ToArray(), 1, values.Count, false, DType.F32)
            : new InputData(values.ToArray(), rows, columns, true, DType.F32);
    }

    // The first row's separator, as the CSV reader chooses it (tab, else semicolon when it has no comma, else comma),
    // but ' ' for runs of whitespace where the row has none of them.
    private static char Separator(string firstRow) =>
        Nn.Data.Csv.Separator(firstRow) is var s && (s != ',' || firstRow.Contains(',', StringComparison.Ordinal)) ? s : ' ';

    // A cell holding another separator than the file's: the file mixes them (decimal commas such as 1,5;2,5, or spaces
    // between some values of a comma-separated row), which is refused rather than guessed at.
    private static string SeparatorHint(string token, char separator)
    {
        static string Name(char c) => c switch { '\t' => "tabs", ';' => "semicolons", ',' => "commas", _ => "spaces" };
        int at = token.IndexOfAny([',', ';', '\t', ' ']);
        return at >= 0 && token[at] != separator
            ? $" (the file's separator, chosen by its first row, is {Name(separator)} but this cell holds {Name(token[at])}; use one separator, and '.' for the decimal point)"
            : string.Empty;
    }

    // A first row's cell that reads like a column name (x, value, logit_1): eval takes numbers only, with no header row,
    // and a CSV saved with one was refused as "'x' is not a number" without saying so.
    private static string HeaderHint(string token)
    {
        string t = token.Trim();
        return t.Length > 0 && (char.IsLetter(t[0]) || t[0] == '_')
            ? " (eval reads numbers only, with no header row: remove the header line or start it with #)"
            : string.Empty;
    }

    /// <summary>
    /// Invariant-culture number, also accepting inf, -inf, nan, ∞ and the Unicode minus. False, with
    /// <paramref name="beyondDoubles"/> set, for digits whose magnitude is beyond the largest double (1e999, -1e400):
    /// double.TryParse reads them as ±∞, and eval printed relu(1e999) as Infinity with exit 0 where it refuses 1e39 under
    /// float32. An infinity is an input only where it is written as one.
    /// </summary>
    public static bool TryParseNumber(string text, out double value, out bool beyondDoubles)
    {
        ArgumentNullException.ThrowIfNull(text);
        beyondDoubles = false;
        string t = text.Trim().Replace('−', '-');
        switch (t.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity" or "∞" or "+∞": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity" or "-∞": value = double.NegativeInfinity; return true;
            case "nan" or "+nan" or "-nan": value = double.NaN; return true;
        }

        if (!double.TryParse(t, NumberStyles.Float, Inv, out value)) return false;
        beyondDoubles = double.IsInfinity(value);
        return !beyondDoubles;
    }

    /// <summary>The end of a message about <paramref name="text"/>, a number beyond the doubles (<see cref="TryParseNumber"/>).</summary>
    private static string BeyondDoubles(string text) =>
        $"'{Shorten(text.Trim())}' is beyond the largest finite float64, ±{double.MaxValue.ToString("R", Inv)}, so it would be read as ±∞";

    private static string Shorten(string s) => ActivationKit.ExceptionMessages.Excerpt(s);

}
