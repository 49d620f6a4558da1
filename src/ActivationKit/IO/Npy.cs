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

    /// <summary>Unsigned 8-bit integer, NumPy 'u1' (e.g. image pixels or class labels).</summary>
    UInt8,

    /// <summary>Signed 64-bit integer, NumPy 'i8' (NumPy's default integer type, e.g. class labels).</summary>
    Int64,

    /// <summary>Signed 32-bit integer, NumPy 'i4' (labels saved from int32 tensors, or NumPy's default on Windows before 2.0). Read only.</summary>
    Int32,

    /// <summary>IEEE binary16, NumPy 'f2' (<see cref="System.Half"/>; half-precision tensors).</summary>
    Float16,
}

/// <summary>
/// An array read from a .npy file: its shape and its data in C (row-major) order, kept in the file's element type
/// (exactly one of <see cref="Single"/>, <see cref="Double"/>, <see cref="Half"/>, <see cref="Byte"/>,
/// <see cref="Int64"/> and <see cref="Int32"/> is set).
/// </summary>
public sealed class NpyArray
{
    private readonly Array _data;

    internal NpyArray(int[] shape, Array data)
    {
        Shape = shape;
        _data = data;
    }

    /// <summary>The shape; empty for a 0-d (scalar) array.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The element type stored in the file.</summary>
    public NpyElementType ElementType => _data switch
    {
        float[] => NpyElementType.Float32,
        double[] => NpyElementType.Float64,
        System.Half[] => NpyElementType.Float16,
        byte[] => NpyElementType.UInt8,
        int[] => NpyElementType.Int32,
        _ => NpyElementType.Int64,
    };

    /// <summary>The data when the file holds float32.</summary>
    public float[]? Single => _data as float[];

    /// <summary>The data when the file holds float64.</summary>
    public double[]? Double => _data as double[];

    /// <summary>The data when the file holds float16.</summary>
    public System.Half[]? Half => _data as System.Half[];

    /// <summary>The data when the file holds uint8.</summary>
    public byte[]? Byte => _data as byte[];

    /// <summary>The data when the file holds int64.</summary>
    public long[]? Int64 => _data as long[];

    /// <summary>The data when the file holds int32.</summary>
    public int[]? Int32 => _data as int[];

    /// <summary>Number of elements (the product of the shape).</summary>
    public int Length => _data.Length;

    /// <summary>
    /// The data as double: the array itself for float64, otherwise a widened copy (exact for float32, float16, uint8
    /// and int32; int64 beyond ±2^53 rounds to the nearest double).
    /// </summary>
    public double[] ToDoubleArray() => _data switch
    {
        double[] d => d,
        float[] f => Array.ConvertAll(f, v => (double)v),
        System.Half[] h => Array.ConvertAll(h, v => (double)v),
        byte[] b => Array.ConvertAll(b, v => (double)v),
        int[] i => Array.ConvertAll(i, v => (double)v),
        _ => Array.ConvertAll((long[])_data, v => (double)v),
    };

    /// <summary>
    /// The data as float: the array itself for float32, otherwise a converted copy (exact for float16 and uint8;
    /// float64, int32 and int64 round to the nearest float).
    /// </summary>
    public float[] ToSingleArray() => _data switch
    {
        float[] f => f,
        System.Half[] h => Array.ConvertAll(h, v => (float)v),
        double[] d => Array.ConvertAll(d, v => (float)v),
        byte[] b => Array.ConvertAll(b, v => (float)v),
        int[] i => Array.ConvertAll(i, v => (float)v),
        _ => Array.ConvertAll((long[])_data, v => (float)v),
    };
}

/// <summary>
/// Minimal reader and writer of NumPy's .npy format (versions 1.0–3.0) for float32, float64, float16, uint8 and int64 arrays (and reads int32)
/// in C order, little- or big-endian, with no dependencies. The header is parsed as data, never evaluated. Malformed input raises <see cref="InvalidDataException"/> with one sentence saying what
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
    /// <param name="path">The file.</param>
    /// <param name="fortranOrder">
    /// True to accept an array stored in Fortran (column-major) order, as <c>numpy.save(w.T)</c> writes one, and return it
    /// in C order with the same shape (what <c>numpy.load</c> gives); false to refuse it.
    /// </param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed .npy file of a supported dtype (in C order, unless <paramref name="fortranOrder"/>).</exception>
    public static NpyArray Read(string path, bool fortranOrder = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException(string.Create(CultureInfo.InvariantCulture, $"The .npy file '{TerminalText.Safe(path)}' does not exist."), path);
        FileKind.RefuseSpecialInput(path, "The .npy file", "give a .npy file");
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path), fortranOrder);
    }

    /// <summary>Reads a .npy array from a stream; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <param name="stream">The data.</param>
    /// <param name="sourceName">The name used in error messages (its control characters shown as '?').</param>
    /// <param name="fortranOrder">True to accept a Fortran-order array and return it in C order (see <see cref="Read(string, bool)"/>).</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed .npy array of a supported dtype (in C order, unless <paramref name="fortranOrder"/>).</exception>
    public static NpyArray Read(Stream stream, string sourceName = "input", bool fortranOrder = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        // A file name may hold control characters (a NUL, an escape sequence), printed raw into every message below.
        sourceName = TerminalText.Safe(sourceName);
        Span<byte> prefix = stackalloc byte[12];
        int got = ReadUpTo(stream, prefix[..8]);

        // Fewer than eight bytes that begin as the magic does (a 6-byte "\x93NUMPY" file) are a .npy file cut short, not
        // another kind of file: they were reported as "not a .npy file".
        if (got is > 0 and < 8 && prefix[..Math.Min(got, 6)].SequenceEqual(Magic.AsSpan(0, Math.Min(got, 6))))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} is truncated: it ends after {got} byte{(got == 1 ? "" : "s")}, inside the .npy preamble (the magic bytes \\x93NUMPY, the format version and the header's length) that comes before the header."));
        }

        if (got < 8 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} is not a .npy file: it does not start with the magic bytes \\x93NUMPY."));
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
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} has .npy format version {major}.{prefix[7]}; versions 1.0 to 3.0 are supported."));
        }

        if (stream.CanSeek && stream.Position + headerLength > stream.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} is truncated: its header claims {headerLength} bytes but only {stream.Length - stream.Position} follow."));
        }

        if (headerLength > MaxHeaderLength)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} has an implausible .npy header length of {headerLength} bytes."));
        }

        var headerBytes = new byte[headerLength];
        if (ReadUpTo(stream, headerBytes) < headerLength)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} is truncated: its header claims {headerLength} bytes but the file ends first."));
        }

        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var (descr, fortran, shape) = ParseHeader(header, sourceName);
        if (fortran && !fortranOrder)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} is stored in Fortran (column-major) order; save it in C order (numpy.ascontiguousarray) instead."));
        }

        // '<' little-endian, '>' big-endian, '|' byte order irrelevant (NumPy writes it for one-byte types),
        // '=' native: read as little-endian, the order of every machine NumPy writes files on in practice.
        bool bigEndian = descr.Length > 0 && descr[0] == '>';
        int itemSize = descr.Length == 3 && descr[0] is '<' or '>' or '|' or '=' ? descr[1..] switch
        {
            "f4" => 4,
            "f8" => 8,
            "f2" => 2,
            "u1" => 1,
            "i4" => 4,
            "i8" => 8,
            _ => 0,
        } : 0;
        if (itemSize == 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} has unsupported dtype '{ExceptionMessages.Excerpt(descr)}'; supported are float32 ('<f4'), float64 ('<f8'), float16 ('<f2'), uint8 ('|u1'), int32 ('<i4') and int64 ('<i8')."));
        }

        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            if (count * itemSize > int.MaxValue) throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} has shape ({string.Join(", ", shape)}), too many elements to load."));
        }

        long dataBytes = count * itemSize;
        if (stream.CanSeek)
        {
            long available = stream.Length - stream.Position;
            if (available < dataBytes)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} is truncated: shape ({string.Join(", ", shape)}) needs {dataBytes} data bytes but only {available} are present."));
            }

            if (available > dataBytes)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} has {available - dataBytes} unexpected bytes after the data of shape ({string.Join(", ", shape)})."));
            }
        }

        Array items = descr[1..] switch
        {
            "f4" => new float[count],
            "f8" => new double[count],
            "f2" => new System.Half[count],
            "u1" => new byte[count],
            "i4" => new int[count],
            _ => new long[count],
        };
        var bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(items), (int)dataBytes);
        ReadData(stream, bytes, sourceName, dataBytes, shape);
        if (itemSize > 1 && bigEndian == BitConverter.IsLittleEndian) ReverseItems(bytes, itemSize);
        if (fortran && shape.Length > 1) ToCOrder(bytes, itemSize, shape);
        return new NpyArray(shape, items);
    }

    /// <summary>Reorders column-major items (the first index fastest) into row-major order (the last index fastest), in place through one copy.</summary>
    private static void ToCOrder(Span<byte> bytes, int itemSize, int[] shape)
    {
        byte[] source = bytes.ToArray();
        int rank = shape.Length;

        // Stride of each index in the Fortran layout, in items.
        var fortranStride = new long[rank];
        fortranStride[0] = 1;
        for (int k = 1; k < rank; k++) fortranStride[k] = fortranStride[k - 1] * shape[k - 1];
        var index = new int[rank];
        long offset = 0;
        int count = bytes.Length / itemSize;
        for (int c = 0; c < count; c++)
        {
            source.AsSpan((int)(offset * itemSize), itemSize).CopyTo(bytes.Slice(c * itemSize, itemSize));

            // The next C-order index: the last dimension first, carrying into the earlier ones.
            for (int k = rank - 1; k >= 0; k--)
            {
                offset += fortranStride[k];
                if (++index[k] < shape[k]) break;
                offset -= fortranStride[k] * shape[k];
                index[k] = 0;
            }
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

    /// <summary>Writes float16 data of the given shape as a version 1.0 .npy file.</summary>
    public static void Write(string path, ReadOnlySpan<System.Half> data, ReadOnlySpan<int> shape)
    {
        using var stream = File.Create(path);
        Write(stream, data, shape);
    }

    /// <summary>Writes uint8 data of the given shape as a version 1.0 .npy file.</summary>
    public static void Write(string path, ReadOnlySpan<byte> data, ReadOnlySpan<int> shape)
    {
        using var stream = File.Create(path);
        Write(stream, data, shape);
    }

    /// <summary>Writes int64 data of the given shape as a version 1.0 .npy file.</summary>
    public static void Write(string path, ReadOnlySpan<long> data, ReadOnlySpan<int> shape)
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

    /// <summary>Writes float16 data of the given shape to a stream in .npy format.</summary>
    public static void Write(Stream stream, ReadOnlySpan<System.Half> data, ReadOnlySpan<int> shape)
    {
        WriteHeader(stream, "<f2", data.Length, shape);
        WriteLittleEndian(stream, MemoryMarshal.AsBytes(data), 2);
    }

    /// <summary>Writes uint8 data of the given shape to a stream in .npy format.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data, ReadOnlySpan<int> shape)
    {
        WriteHeader(stream, "|u1", data.Length, shape);
        stream.Write(data);
    }

    /// <summary>Writes int64 data of the given shape to a stream in .npy format.</summary>
    public static void Write(Stream stream, ReadOnlySpan<long> data, ReadOnlySpan<int> shape)
    {
        WriteHeader(stream, "<i8", data.Length, shape);
        WriteLittleEndian(stream, MemoryMarshal.AsBytes(data), 8);
    }

    private static void WriteHeader(Stream stream, string descr, int length, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long product = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Shape dimensions must be ≥ 0, got {d}."), nameof(shape));

            // Capped just past int.MaxValue so it cannot wrap (65536⁴ wrapped to 0 and matched empty data); a 0 still zeroes it.
            product = Math.Min(product * d, (long)int.MaxValue + 1);
        }

        if (product != length)
        {
            string holds = product > int.MaxValue ? $"more than {int.MaxValue:N0}" : product.ToString(CultureInfo.InvariantCulture);
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Shape ({string.Join(", ", shape.ToArray())}) holds {holds} elements but the data has {length}."), nameof(shape));
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
        ReverseItems(copy, itemSize);
        stream.Write(copy);
    }

    /// <summary>Reverses the byte order of each <paramref name="itemSize"/>-byte item (4 or 8) in place.</summary>
    private static void ReverseItems(Span<byte> bytes, int itemSize)
    {
        if (itemSize == 2)
        {
            var halves = MemoryMarshal.Cast<byte, short>(bytes);
            BinaryPrimitives.ReverseEndianness(halves, halves);
        }
        else if (itemSize == 4)
        {
            var words = MemoryMarshal.Cast<byte, int>(bytes);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
        else
        {
            var words = MemoryMarshal.Cast<byte, long>(bytes);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    private static void ReadData(Stream stream, Span<byte> destination, string sourceName, long dataBytes, int[] shape)
    {
        if (ReadUpTo(stream, destination) < destination.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} is truncated: shape ({string.Join(", ", shape)}) needs {dataBytes} data bytes but the file ends first."));
        }

        if (!stream.CanSeek)
        {
            Span<byte> probe = stackalloc byte[1];
            if (stream.Read(probe) > 0) throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} has unexpected bytes after the data of shape ({string.Join(", ", shape)})."));
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
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} has a malformed .npy header: expected a Python dict literal."));
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
            // A key given twice was read as its last value without a word (as numpy.load does), though NumPy never
            // writes one: a header with '<f4' and then '<f8', or shape (2, 3) and then (3, 2), is damaged or edited, and
            // which value its writer meant cannot be told.
            if ((key == "descr" && descr is not null) || (key == "fortran_order" && fortran is not null) || (key == "shape" && shape is not null))
            {
                throw Malformed(sourceName, $"'{key}' is given twice");
            }

            SkipSpace(text, ref i);
            Expect(text, ref i, ':', sourceName);
            SkipSpace(text, ref i);
            switch (key)
            {
                case "descr":
                    SkipSpace(text, ref i);
                    if (i < text.Length && text[i] == '[')
                    {
                        // A structured dtype (a record of named fields, [('a', '<f4'), ('b', '<f4')]) was "a malformed
                        // .npy header: expected a quoted string", which it is not.
                        int end = text.IndexOf(']', i);
                        string fields = end < 0 ? text[i..] : text[i..(end + 1)];
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} has a structured dtype ({ExceptionMessages.Excerpt(fields, 60)}), a record of named fields, which is unsupported; save a plain numeric array (numpy.lib.recfunctions.structured_to_unstructured converts one)."));
                    }

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
                    throw Malformed(sourceName, $"unexpected key '{ExceptionMessages.Excerpt(key)}'");
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
            if (digits.Length == 0) throw Malformed(sourceName, "'shape' must be a tuple of non-negative integers");
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int d))
            {
                // Only digits, so a whole number, and non-negative: it is beyond int (100000000000 read as "not a
                // non-negative integer"), as (60000, 60000) is beyond what can be loaded.
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{sourceName} has a shape dimension of {digits.TrimStart('0')}, too many elements to load (at most {int.MaxValue} in a dimension)."));
            }

            dims.Add(d);
            SkipSpace(text, ref i);
            if (i < text.Length && text[i] == ',') i++;
            else if (i >= text.Length || text[i] != ')') throw Malformed(sourceName, "'shape' must be a tuple of non-negative integers");
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
