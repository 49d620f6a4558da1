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
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", "unsupported dtype '<i8'")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "Fortran")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "must have 'descr', 'fortran_order' and 'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "tuple of non-negative integers")]
    [InlineData("not a dict", "malformed .npy header")]
    public void Malformed_headers_are_one_sentence_errors(string header, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Read(File(header + "\n", new byte[8])));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.npy", ex.Message, StringComparison.Ordinal);
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
    public void Write_checks_the_shape_against_the_data()
    {
        var ex = Assert.Throws<ArgumentException>(() => Npy.Write(new MemoryStream(), new float[5], [2, 3]));
        Assert.Contains("holds 6 elements but the data has 5", ex.Message, StringComparison.Ordinal);
    }
}
