using System.Text;
using ActivationKit.IO;

namespace ActivationKit.Tests.IO;

public class NpyTests
{
    private static byte[] File(string header, byte[] data, byte major = 1)
    {
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0]);
        byte[] h = Encoding.Latin1.GetBytes(header);
        if (major == 1) ms.Write(BitConverter.GetBytes((ushort)h.Length));
        else ms.Write(BitConverter.GetBytes((uint)h.Length));
        ms.Write(h);
        ms.Write(data);
        return ms.ToArray();
    }

    private static NpyArray Read(byte[] bytes) => Npy.Read(new MemoryStream(bytes), "test.npy");

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(7)]
    public void A_file_cut_short_inside_the_preamble_is_truncated_not_another_format(int length)
    {
        // A 6-byte "\x93NUMPY" file was "not a .npy file: it does not start with the magic bytes".
        byte[] bytes = File("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", new byte[4])[..length];
        var e = Assert.Throws<InvalidDataException>(() => Read(bytes));
        Assert.Equal($"test.npy is truncated: it ends after {length} byte{(length == 1 ? "" : "s")}, inside the .npy preamble (the magic bytes \\x93NUMPY, the format version and the header's length) that comes before the header.", e.Message);

        // Other short files, and an empty one, are still no .npy file.
        Assert.Contains("is not a .npy file", Assert.Throws<InvalidDataException>(() => Read([0x93, .. "NUMPZ"u8])).Message, StringComparison.Ordinal);
        Assert.Contains("is not a .npy file", Assert.Throws<InvalidDataException>(() => Read("PK"u8.ToArray())).Message, StringComparison.Ordinal);
        Assert.Contains("is not a .npy file", Assert.Throws<InvalidDataException>(() => Read([])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fortran_order_arrays_are_refused_unless_asked_for_and_then_read_in_c_order()
    {
        // A [2 × 3 × 2] array stored column-major: element (i, j, k) at i + 2·j + 6·k.
        var c = Enumerable.Range(0, 12).Select(v => (float)v).ToArray();
        var f = new float[12];
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                for (int k = 0; k < 2; k++) f[a + (2 * b) + (6 * k)] = c[(a * 6) + (b * 2) + k];
            }
        }

        byte[] file = File("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 2), }\n", f.SelectMany(BitConverter.GetBytes).ToArray());
        Assert.Contains("Fortran", Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream(file))).Message, StringComparison.Ordinal);
        var read = Npy.Read(new MemoryStream(file), "x", fortranOrder: true);
        Assert.Equal([2, 3, 2], read.Shape);
        Assert.Equal(c, read.ToSingleArray());

        // float64, big-endian: the bytes are swapped before the reorder.
        double[] d = [1, 4, 2, 5, 3, 6]; // [[1, 2, 3], [4, 5, 6]] column by column
        byte[] big = File("{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }\n", d.SelectMany(v => BitConverter.GetBytes(v).Reverse()).ToArray());
        Assert.Equal([1.0, 2, 3, 4, 5, 6], Npy.Read(new MemoryStream(big), "x", fortranOrder: true).Double!);
    }

    [Fact]
    public void Float32_and_float64_round_trip_with_their_shape()
    {
        var ms = new MemoryStream();
        float[] f = [1.5f, -0f, float.NaN, float.Epsilon, 3e38f, -2f];
        Npy.Write(ms, f, [2, 3]);
        Assert.Equal(0, (ms.Length - f.Length * 4) % 64);
        var a = Read(ms.ToArray());
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal(NpyElementType.Float32, a.ElementType);
        Assert.Equal(f.Select(BitConverter.SingleToInt32Bits), a.Single!.Select(BitConverter.SingleToInt32Bits));

        ms = new MemoryStream();
        double[] d = [0.1, double.NegativeInfinity];
        Npy.Write(ms, d, [2]);
        Assert.Contains("'shape': (2,)", Encoding.Latin1.GetString(ms.ToArray()), StringComparison.Ordinal);
        var b = Read(ms.ToArray());
        Assert.Equal([2], b.Shape);
        Assert.Equal(d, b.Double);
        Assert.Equal(d, b.ToDoubleArray());
    }

    [Fact]
    public void Float16_round_trips_and_reads_big_endian()
    {
        var ms = new MemoryStream();
        Half[] h = [(Half)1.5, Half.NegativeZero, Half.NaN, Half.Epsilon, Half.MaxValue, (Half)(-2)];
        Npy.Write(ms, h, [3, 2]);
        Assert.Contains("'descr': '<f2'", Encoding.Latin1.GetString(ms.ToArray()), StringComparison.Ordinal);
        var a = Read(ms.ToArray());
        Assert.Equal(NpyElementType.Float16, a.ElementType);
        Assert.Equal([3, 2], a.Shape);
        Assert.Equal(h.Select(BitConverter.HalfToUInt16Bits), a.Half!.Select(BitConverter.HalfToUInt16Bits));
        Assert.Equal(h.Select(v => (float)v).Select(BitConverter.SingleToInt32Bits), a.ToSingleArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(65504.0, a.ToDoubleArray()[4]);

        byte[] big = [0x3E, 0x00, 0xC0, 0x00]; // 1.5, −2 big-endian
        Assert.Equal([1.5f, -2f], Read(File("{'descr': '>f2', 'fortran_order': False, 'shape': (2,), }\n", big)).ToSingleArray());
    }

    [Fact]
    public void Reads_version_2_big_endian_and_scalars()
    {
        var big = BitConverter.GetBytes(2.5).Reverse().ToArray();
        var a = Read(File("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }\n", big, major: 2));
        Assert.Equal([2.5], a.Double!);

        var s = Read(File("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": ()}\n", BitConverter.GetBytes(7f)));
        Assert.Empty(s.Shape);
        Assert.Equal([7f], s.Single!);
    }

    [Theory]
    [InlineData("{'descr': '<i2', 'fortran_order': False, 'shape': (1,), }", "unsupported dtype '<i2'")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "unsupported dtype '<c8'")]
    [InlineData("{'descr': 'f4', 'fortran_order': False, 'shape': (1,), }", "unsupported dtype 'f4'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1 2), }", "tuple of non-negative integers")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }", "has a shape dimension of 99999999999, too many elements to load (at most 2147483647 in a dimension).")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000, 8), }", "has a shape dimension of 100000000000, too many elements to load")] // F7: was "not non-negative"
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (00000000000000000001,), }", "has 4 unexpected bytes after the")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }", "too many elements to load")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "unexpected key 'extra'")]
    [InlineData("__import__('os')", "malformed .npy header")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "Fortran")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "must have 'descr', 'fortran_order' and 'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "tuple of non-negative integers")]
    [InlineData("not a dict", "malformed .npy header")]
    [InlineData("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", "malformed .npy header: 'descr' is given twice.")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'shape': (1,), }", "malformed .npy header: 'shape' is given twice.")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'fortran_order': False, 'shape': (1,), }", "malformed .npy header: 'fortran_order' is given twice.")]
    public void Malformed_headers_are_one_sentence_errors(string header, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Read(File(header + "\n", new byte[8])));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.npy", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A header's text and the file's name are shown with their control characters as '?': a dtype, a key or a name
    /// holding a NUL or an escape sequence was printed raw into the message, and so to the terminal.
    /// </summary>
    [Theory]
    [InlineData("{'descr': '<f\u0000\u001b[31m4', 'fortran_order': False, 'shape': (1,), }", "test.npy has unsupported dtype '<f??[31m4';")]
    [InlineData("{'descr': '<f4', 'x\u0007y': 1, 'fortran_order': False, 'shape': (1,), }", "test.npy has a malformed .npy header: unexpected key 'x?y'.")]
    public void Header_text_in_a_message_shows_control_characters_as_question_marks(string header, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Read(File(header + "\n", new byte[8])));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ex.Message, char.IsControl);

        var named = Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream(File("{'descr': '<i2', 'fortran_order': False, 'shape': (1,), }\n", new byte[8])), "a\u0000b\u001b.npy"));
        Assert.StartsWith("a?b?.npy has unsupported dtype '<i2'", named.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncation_and_trailing_bytes_are_errors()
    {
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => Read("\x93NUMPX\x01\x00"u8.ToArray())).Message, StringComparison.Ordinal);
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => Read([])).Message, StringComparison.Ordinal);
        var full = File("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n", new byte[16]);
        Assert.Contains("header claims", Assert.Throws<InvalidDataException>(() => Read(full[..20])).Message, StringComparison.Ordinal);
        Assert.Contains("needs 16 data bytes", Assert.Throws<InvalidDataException>(() => Read(full[..^4])).Message, StringComparison.Ordinal);
        Assert.Contains("unexpected bytes", Assert.Throws<InvalidDataException>(() => Read([.. full, 0])).Message, StringComparison.Ordinal);
        Assert.Contains("version 4.0", Assert.Throws<InvalidDataException>(() => Read(File("{}", [], major: 4))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_uint8_int32_and_int64_in_either_byte_order_and_converts_every_dtype()
    {
        var u1 = Read(File("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }\n", [0, 255, 7]));
        Assert.Equal(NpyElementType.UInt8, u1.ElementType);
        Assert.Equal([0, 255, 7], u1.Byte!);
        Assert.Equal([0f, 255f, 7f], u1.ToSingleArray());
        Assert.Equal([0.0, 255.0, 7.0], u1.ToDoubleArray());
        Assert.Equal([9], Read(File("{'descr': '>u1', 'fortran_order': False, 'shape': (1,), }\n", [9])).Byte!);

        long[] longs = [-3, (1L << 53) + 1, long.MaxValue];
        var little = longs.SelectMany(BitConverter.GetBytes).ToArray();
        var big = longs.SelectMany(v => BitConverter.GetBytes(v).Reverse()).ToArray();
        var i8 = Read(File("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }\n", little));
        Assert.Equal(NpyElementType.Int64, i8.ElementType);
        Assert.Equal(longs, i8.Int64!);
        Assert.Equal(longs, Read(File("{'descr': '>i8', 'fortran_order': False, 'shape': (3,), }\n", big)).Int64!);
        Assert.Equal(longs.Select(v => (float)v), i8.ToSingleArray());
        Assert.Equal(longs.Select(v => (double)v), i8.ToDoubleArray());

        int[] ints = [-7, 0, int.MaxValue];
        var i4 = Read(File("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }\n", ints.SelectMany(BitConverter.GetBytes).ToArray()));
        Assert.Equal(NpyElementType.Int32, i4.ElementType);
        Assert.Equal(ints, i4.Int32!);
        Assert.Equal(ints, Read(File("{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }\n", ints.SelectMany(v => BitConverter.GetBytes(v).Reverse()).ToArray())).Int32!);
        Assert.Equal(ints.Select(v => (double)v), i4.ToDoubleArray());
        Assert.Equal(ints.Select(v => (float)v), i4.ToSingleArray());

        var f4Big = Read(File("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", [.. BitConverter.GetBytes(1.5f).Reverse(), .. BitConverter.GetBytes(-2f).Reverse()]));
        Assert.Equal([1.5f, -2f], f4Big.Single!);
        Assert.Same(f4Big.Single, f4Big.ToSingleArray());

        var f8 = Read(File("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", [.. BitConverter.GetBytes(0.1), .. BitConverter.GetBytes(-7.0)]));
        Assert.Equal([0.1f, -7f], f8.ToSingleArray());
        Assert.Same(f8.Double, f8.ToDoubleArray());
    }

    [Fact]
    public void Header_keys_may_come_in_any_order_and_version_3_headers_are_utf8()
    {
        var reordered = Read(File("{'shape': (1,), 'fortran_order': False, 'descr': '|u1'}\n", [9]));
        Assert.Equal([9], reordered.Byte!);
        Assert.Equal([1], reordered.Shape);

        var v3 = Read(File("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }\n", [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(2f)], major: 3));
        Assert.Equal([2, 1], v3.Shape);
        Assert.Equal([1f, 2f], v3.Single!);
    }

    [Fact]
    public void Uint8_and_int64_round_trip_through_the_writer()
    {
        var ms = new MemoryStream();
        byte[] bytes = [1, 2, 3, 250, 0, 9];
        Npy.Write(ms, bytes, [3, 2]);
        Assert.Equal(0, (ms.Length - bytes.Length) % 64);
        Assert.Contains("'descr': '|u1'", Encoding.Latin1.GetString(ms.ToArray()), StringComparison.Ordinal);
        var a = Read(ms.ToArray());
        Assert.Equal([3, 2], a.Shape);
        Assert.Equal(bytes, a.Byte!);

        ms = new MemoryStream();
        long[] longs = [long.MinValue, 0, 42];
        Npy.Write(ms, longs, [3]);
        Assert.Contains("'descr': '<i8'", Encoding.Latin1.GetString(ms.ToArray()), StringComparison.Ordinal);
        Assert.Equal(longs, Read(ms.ToArray()).Int64!);
    }

    [Fact]
    public void Files_round_trip_by_path_and_a_missing_file_says_so()
    {
        string dir = Directory.CreateTempSubdirectory("npy-").FullName;
        try
        {
            string path = Path.Combine(dir, "x.npy");
            Npy.Write(path, [1f, -2.5f, 3e-20f, float.MaxValue, 0f, 6f], [2, 3]);
            var a = Npy.Read(path);
            Assert.Equal([2, 3], a.Shape);
            Assert.Equal([1f, -2.5f, 3e-20f, float.MaxValue, 0f, 6f], a.Single!);
            Npy.Write(path, [5L, 6L], [2]);
            Assert.Equal([5L, 6L], Npy.Read(path).Int64!);
            Npy.Write(path, [(byte)5], [1]);
            Assert.Equal([5], Npy.Read(path).Byte!);

            string missing = Path.Combine(dir, "none.npy");
            var ex = Assert.Throws<FileNotFoundException>(() => Npy.Read(missing));
            Assert.Equal($"The .npy file '{missing}' does not exist.", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Write_checks_the_shape_against_the_data()
    {
        var ex = Assert.Throws<ArgumentException>(() => Npy.Write(new MemoryStream(), new float[5], [2, 3]));
        Assert.Contains("holds 6 elements but the data has 5", ex.Message, StringComparison.Ordinal);
    }
}
