using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ActivationKit.Nn.Data;

/// <summary>
/// NumPy <c>.npy</c> arrays (format versions 1–3): little- or big-endian float32, float64, uint8 and int64 in C order,
/// read into floats. The header is parsed as data (a fixed dict literal), never evaluated.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads an array and its shape.</summary>
    /// <exception cref="InvalidDataException">Bad magic, malformed header, unsupported dtype or Fortran order, truncated data.</exception>
    public static (float[] Data, int[] Shape) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"NPY file not found: {path}", path);
        return Read(File.ReadAllBytes(path), Path.GetFileName(path));
    }

    /// <summary>Reads an array from bytes (<paramref name="name"/> is used in messages).</summary>
    public static (float[] Data, int[] Shape) Read(byte[] bytes, string name = "array.npy")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic)) throw new InvalidDataException($"{name}: not a .npy file (missing the \\x93NUMPY magic).");
        int major = bytes[6];
        int headerLength, start;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
                start = 10;
                break;
            case 2 or 3:
                if (bytes.Length < 12) throw new InvalidDataException($"{name}: truncated header.");
                uint h = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
                if (h > int.MaxValue) throw new InvalidDataException($"{name}: impossible header length {h}.");
                headerLength = (int)h;
                start = 12;
                break;
            default:
                throw new InvalidDataException($"{name}: unsupported .npy format version {major}.{bytes[7]} (1, 2 and 3 are supported).");
        }

        if ((long)start + headerLength > bytes.Length) throw new InvalidDataException($"{name}: truncated header ({headerLength} bytes declared).");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, start, headerLength);
        var m = HeaderPattern().Match(header);
        if (!m.Success)
        {
            throw new InvalidDataException($"{name}: malformed header {header.Trim()} (expected {{'descr': '<f4', 'fortran_order': False, 'shape': (…), }}).");
        }

        string descr = Field(m, "descr", name);
        bool fortran = Field(m, "fortran", name) == "True";
        string shapeText = Field(m, "shape", name);
        if (fortran) throw new InvalidDataException($"{name}: Fortran-order arrays are not supported; save with numpy.ascontiguousarray first.");
        int[] shape;
        try
        {
            shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new InvalidDataException($"{name}: malformed shape ({shapeText}).", ex);
        }

        bool little = descr[0] is '<' or '|' or '=';
        if (descr[0] == '>' && descr[1..] is "u1") little = true;
        int size = descr[1..] switch
        {
            "f4" => 4,
            "f8" => 8,
            "u1" => 1,
            "i8" => 8,
            _ => throw new InvalidDataException($"{name}: unsupported dtype '{descr}' (supported: float32 '<f4', float64 '<f8', uint8 '|u1', int64 '<i8')."),
        };
        long count = shape.Aggregate(1L, (a, b) => a * b);
        long dataStart = start + headerLength;
        long expected = dataStart + (count * size);
        if (bytes.Length < expected)
        {
            throw new InvalidDataException($"{name}: truncated — shape ({string.Join(", ", shape)}) of '{descr}' needs {count * size} data bytes but only {bytes.Length - dataStart} are present.");
        }

        var data = new float[count];
        var body = bytes.AsSpan((int)dataStart);
        string kind = descr[1..];
        for (int i = 0; i < data.Length; i++)
        {
            var s = body[(i * size)..];
            data[i] = kind switch
            {
                "u1" => s[0],
                "f4" => little ? BinaryPrimitives.ReadSingleLittleEndian(s) : BinaryPrimitives.ReadSingleBigEndian(s),
                "f8" => (float)(little ? BinaryPrimitives.ReadDoubleLittleEndian(s) : BinaryPrimitives.ReadDoubleBigEndian(s)),
                _ => little ? BinaryPrimitives.ReadInt64LittleEndian(s) : BinaryPrimitives.ReadInt64BigEndian(s),
            };
        }

        return (data, shape);
    }

    /// <summary>Writes a float32 C-order array (format 1.0).</summary>
    public static void Write(string path, ReadOnlySpan<float> data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(shape);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length) throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {count} elements but {data.Length} were given.", nameof(shape));
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var stream = File.Create(path);
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.Latin1.GetBytes(header));
        Span<byte> f = stackalloc byte[4];
        foreach (float v in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(f, v);
            stream.Write(f);
        }
    }

    /// <summary>Loads features (N × F, or N × …, flattened) and labels (N) from two .npy files.</summary>
    public static Dataset LoadDataset(string featuresPath, string targetsPath, bool classification = true)
    {
        var (x, xs) = Read(featuresPath);
        var (y, ys) = Read(targetsPath);
        if (xs.Length == 0 || ys.Length == 0) throw new InvalidDataException("Features and targets must be arrays with a first (sample) dimension.");
        if (xs[0] != ys[0]) throw new InvalidDataException($"{Path.GetFileName(featuresPath)} has {xs[0]} samples but {Path.GetFileName(targetsPath)} has {ys[0]}.");
        int features = xs.Skip(1).Aggregate(1, (a, b) => a * b);
        int targetColumns = ys.Skip(1).Aggregate(1, (a, b) => a * b);
        int classes = classification ? Math.Max(2, (int)y.DefaultIfEmpty(0).Max() + 1) : 0;
        return new Dataset(Path.GetFileName(featuresPath), x, features, y, targetColumns, classes);
    }

    private static string Field(Match m, string group, string name) =>
        m.Groups[group].Success ? m.Groups[group].Value : throw new InvalidDataException($"{name}: header lacks '{group}'.");

    // Keys may come in any order; numpy writes descr, fortran_order, shape.
    [GeneratedRegex(@"^\s*\{\s*(?:(?:'descr'\s*:\s*'(?<descr>[<>|=][a-z]\d+)'|'fortran_order'\s*:\s*(?<fortran>True|False)|'shape'\s*:\s*\((?<shape>[\d\s,]*)\))\s*,?\s*){3}\}\s*$")]
    private static partial Regex HeaderPattern();
}
