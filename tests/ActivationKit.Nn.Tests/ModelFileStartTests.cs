using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using ActivationKit.Nn;

namespace ActivationKit.Nn.Tests;

/// <summary>
/// Each early exit of <see cref="ModelFile.Load(byte[], string)"/> fed the exact bytes that take it: a file cut short is
/// said to be truncated (with its length and what it lacks), a file of another kind is said not to be a model (with the
/// format it looks like), and bytes after the weights are said to be extra. A 9-byte file was "missing the AKNNMLP1
/// magic", which it had.
/// </summary>
public sealed class ModelFileStartTests
{
    private const string Needs = "a model file starts with 12 bytes (the magic AKNNMLP1 and its header's length), then its header and weights.";

    private static string Error(byte[] bytes) => Assert.Throws<InvalidDataException>(() => ModelFile.Load(bytes, "m")).Message;

    // 2 inputs → 3 tanh units → 1 output, with the metadata train writes: 9 floats in layer 0, 4 in layer 1.
    private static byte[] Good()
    {
        var net = Mlp.Build(2, [3], "tanh", 1);
        net.Initialize(Initializer.Auto, 1);
        using var ms = new MemoryStream();
        ModelFile.Save(ms, net, new ModelMetadata { Task = "regression", Loss = "mse" });
        return ms.ToArray();
    }

    private static int HeaderLength(byte[] bytes) => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));

    [Fact]
    public void An_empty_file_is_said_to_be_empty()
    {
        Assert.Equal($"m: the file is empty (0 bytes), not an ActivationKit model file; {Needs}", Error([]));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(4)]
    [InlineData(1)]
    public void A_file_cut_within_its_first_12_bytes_is_truncated_not_missing_the_magic(int length)
    {
        byte[] bytes = Good()[..length];
        string bytesWord = length == 1 ? "byte" : "bytes";
        Assert.Equal($"m: truncated — the file is {length} {bytesWord}, but {Needs}", Error(bytes));
    }

    [Theory]
    [InlineData(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0x76, 0, (byte)'{', (byte)'\'' }, "; it looks like a NumPy .npy array")]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0 }, "; it looks like a zip archive (a NumPy .npz, a PyTorch .pt or a Keras .keras file is one)")]
    [InlineData(new byte[] { 0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28 }, "; it looks like an IDX array (the file format of MNIST and Fashion-MNIST)")]
    [InlineData(new byte[] { 0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0 }, "; it looks like an HDF5 file (such as a Keras .h5 model)")]
    [InlineData(new byte[] { 0x80, 0x04, 0x95, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "; it looks like a Python pickle (such as a PyTorch .pt or a scikit-learn model)")]
    [InlineData(new byte[] { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0 }, "; it looks like gzip-compressed data")]
    [InlineData(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF, 0, 1, 2, 3, 4, 5, 6, 7 }, "")]
    public void A_file_of_another_format_is_not_a_model_and_says_what_it_looks_like(byte[] bytes, string looks)
    {
        Assert.Equal($"m: not an ActivationKit model file — it does not start with the magic AKNNMLP1{looks}.", Error(bytes));
    }

    [Theory]
    [InlineData("{\"inputs\": 4, \"layers\": []}", "JSON text")]
    [InlineData("\uFEFF[1, 2]", "JSON text")]
    [InlineData("x1,x2,label\n0.5,1.5,cat\n", "CSV text")]
    [InlineData("a\tb\n1\t2\n", "CSV text")]
    [InlineData("just words here", "text")]
    public void A_text_file_is_said_to_be_json_csv_or_text(string text, string format)
    {
        Assert.Equal($"m: not an ActivationKit model file — it does not start with the magic AKNNMLP1; it looks like {format}.", Error(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void A_model_file_of_another_version_of_the_format_says_so()
    {
        byte[] bytes = Good();
        bytes[7] = (byte)'2';
        Assert.Equal("m: an ActivationKit model file of another format (it starts with AKNNMLP2; this actkit reads AKNNMLP1 files); save the model again with this actkit's train --save.", Error(bytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData((16 << 20) + 1)]
    public void An_impossible_header_length_is_corruption_not_truncation(int length)
    {
        byte[] bytes = Good();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), length);
        Assert.Equal(FormattableString.Invariant($"m: corrupt — its header length (bytes 9 to 12) reads {length:N0}, but a model file's header is 1 to 16,777,216 bytes long."), Error(bytes));
    }

    [Fact]
    public void A_file_cut_within_its_header_says_how_far_into_the_header_it_ends()
    {
        byte[] good = Good();
        int header = HeaderLength(good);
        byte[] cut = good[..(12 + 100)];
        Assert.Equal(FormattableString.Invariant($"m: truncated — the file is 112 bytes and ends 100 bytes into its {header:N0}-byte header (the header alone needs {12 + header:N0} bytes, the weights follow it)."), Error(cut));

        // Cut right after the 12 bytes: 0 bytes into the header.
        Assert.StartsWith("m: truncated — the file is 12 bytes and ends 0 bytes into its ", Error(good[..12]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_cut_within_its_weights_names_the_tensor_it_ends_in()
    {
        byte[] good = Good();
        int header = HeaderLength(good);
        var tensors = JsonNode.Parse(Encoding.UTF8.GetString(good, 12, header))!["tensors"]!.AsArray();
        Assert.Equal("layer0.weight", (string?)tensors[0]!["name"]);
        Assert.Equal("layer0.bias", (string?)tensors[1]!["name"]);
        Assert.Equal(6, (int)tensors[1]!["offset"]!);
        int floats = 13;
        Assert.Equal(12 + header + (floats * 4), good.Length);

        // 7 whole floats and 2 bytes: the file ends in layer 0's bias, which holds floats 6 to 8.
        byte[] cut = good[..(12 + header + 30)];
        Assert.Equal("m: truncated — the header declares 13 floats of weights (4 bytes each) but only 30 bytes follow it, so it ends within tensor 'layer0.bias' (floats 6 to 8), at float 7.", Error(cut));

        // The last float cut short: layer 1's bias (one float, the 13th).
        Assert.Equal("m: truncated — the header declares 13 floats of weights (4 bytes each) but only 51 bytes follow it, so it ends within tensor 'layer1.bias' (floats 12 to 12), at float 12.", Error(good[..^1]));

        // No weights at all: the first tensor.
        Assert.Equal("m: truncated — the header declares 13 floats of weights (4 bytes each) but only 0 bytes follow it, so it ends within tensor 'layer0.weight' (floats 0 to 5), at float 0.", Error(good[..(12 + header)]));
    }

    [Theory]
    [InlineData(1, "1 byte follows")]
    [InlineData(4, "4 bytes follow")]
    [InlineData(4096, "4,096 bytes follow")]
    public void Bytes_after_the_last_weight_are_said_to_be_extra_not_truncation(int extra, string follow)
    {
        byte[] good = Good();
        byte[] appended = [.. good, .. new byte[extra]];
        Assert.Equal($"m: corrupt — {follow} the 13 floats of weights the header declares, where the file should end; something was appended to it (or two files were joined): save the model again.", Error(appended));
    }

    [Fact]
    public void A_negative_float_count_is_a_corrupt_header()
    {
        byte[] good = Good();
        int header = HeaderLength(good);
        string json = Encoding.UTF8.GetString(good, 12, header).Replace("\"floatCount\": 13", "\"floatCount\": -13", StringComparison.Ordinal);
        byte[] edited = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[12 + edited.Length + (good.Length - 12 - header)];
        good.AsSpan(0, 8).CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), edited.Length);
        edited.CopyTo(bytes, 12);
        good.AsSpan(12 + header).CopyTo(bytes.AsSpan(12 + edited.Length));
        Assert.Equal("m: corrupt header — it declares -13 floats of weights.", Error(bytes));
    }
}
