using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ActivationKit.IO;

/// <summary>Element types of a .npy file this library reads and writes.</summary>
public enum NpyElementType
{
    /// <summary>IEEE binary32, NumPy 'f4'.</summary>
    Float32,

    /// <summary>IEEE binary64, NumPy 'f8'.</summary>
    Float64,
}

/// <summary>
/// An array read from a .npy file: its shape and its data in C (row-major) order, kept in the file's element type
/// (exactly one of <see cref="Single"/> and <see cref="Double"/> is set).
/// </summary>
public sealed class NpyArray
{
    internal NpyArray(int[] shape, float[]? single, double[]? @double)
    {
        Shape = shape;
        Single = single;
        Double = @double;
    }

    /// <summary>The shape; empty for a 0-d (scalar) array.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The element type stored in the file.</summary>
    public NpyElementType ElementType => Single is not null ? NpyElementType.Float32 : NpyElementType.Float64;

    /// <summary>The data when the file holds float32.</summary>
    public float[]? Single { get; }

    /// <summary>The data when the file holds float64.</summary>
    public double[]? Double { get; }

    /// <summary>Number of elements (the product of the shape).</summary>
    public int Length => Single?.Length ?? Double!.Length;

    /// <summary>The data widened to double (exact for float32).</summary>
    public double[] ToDoubleArray()
    {
        if (Double is not null) return Double;
        var d = new double[Single!.Length];
        for (int i = 0; i < d.Length; i++) d[i] = Single[i];
        return d;
    }
}

/// <summary>
/// Minimal reader and writer of NumPy's .npy format (versions 1.0–3.0) for float32 and float64 arrays in C order,
/// with no dependencies. Malformed input raises <see cref="InvalidDataException"/> with one sentence saying what
/// is wrong, so tools can report it as is.
/// </summary>
/// <remarks>
/// Layout: the magic "\x93NUMPY", a major and minor version byte, the header length (2 bytes little-endian in
/// version 1, 4 bytes in versions 2 and 3), then a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c> padded with spaces and a newline, then the
/// raw data.
/// </remarks>
public static class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Largest header accepted, far above what NumPy writes, to reject garbage lengths early.</summary>
    private const int MaxHeaderLength = 1 << 20;

    /// <summary>Reads a .npy file.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed float32/float64 C-order .npy file.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path));
    }

    /// <summary>Reads a .npy array from a stream; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="InvalidDataException">The data is not a well-formed float32/float64 C-order .npy array.</exception>
    public static NpyArray Read(Stream stream, string sourceName = "input")
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[12];
        int got = ReadUpTo(stream, prefix[..8]);
        if (got < 8 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{sourceName} is not a .npy file: it does not start with the magic bytes \\x93NUMPY.");
        }

        byte major = prefix[6];
        long headerLength;
        if (major == 1)
        {
            if (ReadUpTo(stream, prefix.Slice(8, 2)) < 2) throw Truncated(sourceName, "the header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix.Slice(8, 2));
        }
        else if (major is 2 or 3)
        {
            if (ReadUpTo(stream, prefix.Slice(8, 4)) < 4) throw Truncated(sourceName, "the header length");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix.Slice(8, 4));
        }
        else
        {
            throw new InvalidDataException($"{sourceName} has .npy format version {major}.{prefix[7]}; versions 1.0 to 3.0 are supported.");
        }

        if (stream.CanSeek && stream.Position + headerLength > stream.Length)
        {
            throw new InvalidDataException($"{sourceName} is truncated: its header claims {headerLength} bytes but only {stream.Length - stream.Position} follow.");
        }

        if (headerLength > MaxHeaderLength)
        {
            throw new InvalidDataException($"{sourceName} has an implausible .npy header length of {headerLength} bytes.");
        }

        var headerBytes = new byte[headerLength];
        if (ReadUpTo(stream, headerBytes) < headerLength)
        {
            throw new InvalidDataException($"{sourceName} is truncated: its header claims {headerLength} bytes but the file ends first.");
        }

        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var (descr, fortran, shape) = ParseHeader(header, sourceName);
        if (fortran)
        {
            throw new InvalidDataException($"{sourceName} is stored in Fortran (column-major) order; save it in C order (numpy.ascontiguousarray) instead.");
        }

        bool bigEndian;
        int itemSize;
        switch (descr)
        {
            case "<f4" or "=f4": bigEndian = false; itemSize = 4; break;
            case ">f4": bigEndian = true; itemSize = 4; break;
            case "<f8" or "=f8": bigEndian = false; itemSize = 8; break;
            case ">f8": bigEndian = true; itemSize = 8; break;
            default:
                throw new InvalidDataException($"{sourceName} has unsupported dtype '{descr}'; only float32 ('<f4') and float64 ('<f8') are supported.");
        }

        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            if (count > Array.MaxLength) throw new InvalidDataException($"{sourceName} has shape ({string.Join(", ", shape)}), too many elements to load.");
        }

        long dataBytes = count * itemSize;
        if (stream.CanSeek)
        {
            long available = stream.Length - stream.Position;
            if (available < dataBytes)
            {
                throw new InvalidDataException($"{sourceName} is truncated: shape ({string.Join(", ", shape)}) needs {dataBytes} data bytes but only {available} are present.");
            }

            if (available > dataBytes)
            {
                throw new InvalidDataException($"{sourceName} has {available - dataBytes} unexpected bytes after the data of shape ({string.Join(", ", shape)}).");
            }
        }

        if (itemSize == 4)
        {
            var data = new float[count];
            ReadData(stream, MemoryMarshal.AsBytes(data.AsSpan()), sourceName, dataBytes, shape);
            if (bigEndian == BitConverter.IsLittleEndian)
            {
                var bits = MemoryMarshal.Cast<float, int>(data.AsSpan());
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }

            return new NpyArray(shape, data, null);
        }
        else
        {
            var data = new double[count];
            ReadData(stream, MemoryMarshal.AsBytes(data.AsSpan()), sourceName, dataBytes, shape);
            if (bigEndian == BitConverter.IsLittleEndian)
            {
                var bits = MemoryMarshal.Cast<double, long>(data.AsSpan());
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }

            return new NpyArray(shape, null, data);
        }
    }

    /// <summary>Writes float32 data of the given shape (product must equal the length) as a version 1.0 .npy file.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        using var stream = File.Create(path);
        Write(stream, data, shape);
    }

    /// <summary>Writes float64 data of the given shape as a version 1.0 .npy file.</summary>
    public static void Write(string path, ReadOnlySpan<double> data, ReadOnlySpan<int> shape)
    {
        using var stream = File.Create(path);
        Write(stream, data, shape);
    }

    /// <summary>Writes float32 data of the given shape to a stream in .npy format.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        WriteHeader(stream, "<f4", data.Length, shape);
        WriteLittleEndian(stream, MemoryMarshal.AsBytes(data), 4);
    }

    /// <summary>Writes float64 data of the given shape to a stream in .npy format.</summary>
    public static void Write(Stream stream, ReadOnlySpan<double> data, ReadOnlySpan<int> shape)
    {
        WriteHeader(stream, "<f8", data.Length, shape);
        WriteLittleEndian(stream, MemoryMarshal.AsBytes(data), 8);
    }

    private static void WriteHeader(Stream stream, string descr, int length, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long product = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape dimensions must be ≥ 0, got {d}.", nameof(shape));
            product *= d;
        }

        if (product != length)
        {
            throw new ArgumentException($"Shape ({string.Join(", ", shape.ToArray())}) holds {product} elements but the data has {length}.", nameof(shape));
        }

        // Python tuple syntax: a 1-tuple needs its trailing comma.
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture)));
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";

        // NumPy pads so that magic + version + length + header is a multiple of 64 and ends with '\n'.
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int padding = (64 - (unpadded % 64)) % 64;
        string header = dict + new string(' ', padding) + "\n";
        if (header.Length > ushort.MaxValue) throw new ArgumentException("The shape is too long for a .npy version 1.0 header.", nameof(shape));
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.Latin1.GetBytes(header));
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<byte> bytes, int itemSize)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(bytes);
            return;
        }

        var copy = bytes.ToArray();
        for (int i = 0; i < copy.Length; i += itemSize) copy.AsSpan(i, itemSize).Reverse();
        stream.Write(copy);
    }

    private static void ReadData(Stream stream, Span<byte> destination, string sourceName, long dataBytes, int[] shape)
    {
        if (ReadUpTo(stream, destination) < destination.Length)
        {
            throw new InvalidDataException($"{sourceName} is truncated: shape ({string.Join(", ", shape)}) needs {dataBytes} data bytes but the file ends first.");
        }

        if (!stream.CanSeek)
        {
            Span<byte> probe = stackalloc byte[1];
            if (stream.Read(probe) > 0) throw new InvalidDataException($"{sourceName} has unexpected bytes after the data of shape ({string.Join(", ", shape)}).");
        }
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }

        return total;
    }

    private static InvalidDataException Truncated(string sourceName, string what) =>
        new($"{sourceName} is truncated: the file ends inside {what}.");

    /// <summary>Parses the dict literal: only the three keys NumPy writes, with string, bool and tuple values.</summary>
    private static (string Descr, bool Fortran, int[] Shape) ParseHeader(string header, string sourceName)
    {
        string text = header.Trim();
        if (!text.StartsWith('{') || !text.EndsWith('}'))
        {
            throw new InvalidDataException($"{sourceName} has a malformed .npy header: expected a Python dict literal.");
        }

        string? descr = null;
        bool? fortran = null;
        int[]? shape = null;
        int i = 1;
        while (true)
        {
            SkipSpace(text, ref i);
            if (i >= text.Length - 1) break;
            string key = ReadQuoted(text, ref i, sourceName);
            SkipSpace(text, ref i);
            Expect(text, ref i, ':', sourceName);
            SkipSpace(text, ref i);
            switch (key)
            {
                case "descr":
                    descr = ReadQuoted(text, ref i, sourceName);
                    break;
                case "fortran_order":
                    if (Matches(text, i, "True")) { fortran = true; i += 4; }
                    else if (Matches(text, i, "False")) { fortran = false; i += 5; }
                    else throw Malformed(sourceName, "'fortran_order' must be True or False");
                    break;
                case "shape":
                    shape = ReadTuple(text, ref i, sourceName);
                    break;
                default:
                    throw Malformed(sourceName, $"unexpected key '{key}'");
            }

            SkipSpace(text, ref i);
            if (i < text.Length && text[i] == ',') i++;
        }

        if (descr is null || fortran is null || shape is null)
        {
            throw Malformed(sourceName, "it must have 'descr', 'fortran_order' and 'shape'");
        }

        return (descr, fortran.Value, shape);
    }

    private static int[] ReadTuple(string text, ref int i, string sourceName)
    {
        Expect(text, ref i, '(', sourceName);
        var dims = new List<int>();
        while (true)
        {
            SkipSpace(text, ref i);
            if (i < text.Length && text[i] == ')')
            {
                i++;
                return dims.ToArray();
            }

            int start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            // Python 2 era files may write long integers as "3L".
            string digits = text[start..i];
            if (i < text.Length && text[i] == 'L') i++;
            if (digits.Length == 0 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int d))
            {
                throw Malformed(sourceName, "'shape' must be a tuple of non-negative integers");
            }

            dims.Add(d);
            SkipSpace(text, ref i);
            if (i < text.Length && text[i] == ',') i++;
        }
    }

    private static string ReadQuoted(string text, ref int i, string sourceName)
    {
        if (i >= text.Length || (text[i] != '\'' && text[i] != '"')) throw Malformed(sourceName, "expected a quoted string");
        char quote = text[i++];
        int end = text.IndexOf(quote, i);
        if (end < 0) throw Malformed(sourceName, "unterminated string");
        string s = text[i..end];
        i = end + 1;
        return s;
    }

    private static void Expect(string text, ref int i, char c, string sourceName)
    {
        if (i >= text.Length || text[i] != c) throw Malformed(sourceName, $"expected '{c}'");
        i++;
    }

    private static bool Matches(string text, int i, string word) => string.CompareOrdinal(text, i, word, 0, word.Length) == 0;

    private static void SkipSpace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
    }

    private static InvalidDataException Malformed(string sourceName, string why) =>
        new($"{sourceName} has a malformed .npy header: {why}.");
}
