using System.Buffers.Binary;
using System.Text;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nn-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (Mlp Net, ModelMetadata Meta) Trained()
    {
        var data = Synthetic.Create("moons", 200, 0.1, 1);
        var norm = Standardizer.Fit(data);
        var net = new Mlp(2, [new(8, "tanh"), new(6, "relu", Initializer.Parse("he_uniform")), new(3, "sigmoid"), new(2, "linear")]);
        net.Initialize(Initializer.Auto, 1);
        Trainer.Fit(net, norm.Transform(data), null, new TrainerOptions { Epochs = 2, Seed = 1 });
        var meta = new ModelMetadata
        {
            Task = "classification",
            ClassCount = 2,
            ClassNames = ["upper", "lower"],
            Loss = "cross_entropy",
            Init = "auto",
            Normalization = norm,
            Notes = new Dictionary<string, string> { ["dataset"] = "moons" },
        };
        return (net, meta);
    }

    [Fact]
    public void RoundTripIsBitIdentical()
    {
        var (net, meta) = Trained();
        string path = Path.Combine(_dir, "m.aknn");
        ModelFile.Save(path, net, meta);
        var (loaded, lmeta) = ModelFile.Load(path);
        Assert.Equal(net.InputSize, loaded.InputSize);
        for (int i = 0; i < net.Layers.Count; i++)
        {
            Assert.Equal(net.Layers[i].ActivationSpec, loaded.Layers[i].ActivationSpec);
            Assert.Equal(net.Layers[i].Weights, loaded.Layers[i].Weights);
            Assert.Equal(net.Layers[i].Bias, loaded.Layers[i].Bias);
        }

        Assert.Equal("he_uniform", loaded.Specs[1].Init!.ToString());
        Assert.Equal(meta.Normalization!.Mean, lmeta.Normalization!.Mean);
        Assert.Equal(meta.Normalization.Std, lmeta.Normalization.Std);
        Assert.Equal(meta.ClassNames, lmeta.ClassNames);
        Assert.Equal("classification", lmeta.Task);
        Assert.Equal(2, lmeta.ClassCount);
        Assert.Equal("moons", lmeta.Notes!["dataset"]);
        var x = new float[] { 0.3f, -1.2f, 2f, 0.5f };
        Assert.Equal(net.Predict(x, 2), loaded.Predict(x, 2));

        // Saving the loaded model gives the same bytes.
        string again = Path.Combine(_dir, "m2.aknn");
        ModelFile.Save(again, loaded, lmeta);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    private static byte[] WithHeader(byte[] bytes, Func<string, string> edit)
    {
        int len = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        string json = Encoding.UTF8.GetString(bytes, 12, len);
        byte[] newJson = Encoding.UTF8.GetBytes(edit(json));
        var result = new byte[12 + newJson.Length + (bytes.Length - 12 - len)];
        bytes.AsSpan(0, 8).CopyTo(result);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(8), newJson.Length);
        newJson.CopyTo(result, 12);
        bytes.AsSpan(12 + len).CopyTo(result.AsSpan(12 + newJson.Length));
        return result;
    }

    [Fact]
    public void CorruptFilesGiveClearErrors()
    {
        var (net, meta) = Trained();
        using var ms = new MemoryStream();
        ModelFile.Save(ms, net, meta);
        byte[] good = ms.ToArray();
        ModelFile.Load(good);

        string Error(byte[] bytes) => Assert.Throws<InvalidDataException>(() => ModelFile.Load(bytes, "m")).Message;

        Assert.Contains("magic", Error(Encoding.ASCII.GetBytes("PK\u0003\u0004 not a model")));
        Assert.Contains("truncated", Error(good[..^4]));
        Assert.Contains("truncated", Error(good[..20]));
        var flipped = (byte[])good.Clone();
        flipped[^3] ^= 0x40;
        Assert.Contains("checksum", Error(flipped));
        var badLength = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(badLength.AsSpan(8), int.MaxValue);
        Assert.Contains("header length", Error(badLength));
        Assert.Contains("corrupt header", Error(WithHeader(good, j => j.Replace("\"layers\"", "\"layers\" x", StringComparison.Ordinal))));
        Assert.Contains("version", Error(WithHeader(good, j => j.Replace("\"version\": 1", "\"version\": 7", StringComparison.Ordinal))));
        Assert.Contains("invalid architecture", Error(WithHeader(good, j => j.Replace("\"tanh\"", "\"rm_rf\"", StringComparison.Ordinal))));

        // The catalog's ArgumentException was quoted with .NET's " (Parameter 'name')" suffix.
        string typo = Error(WithHeader(good, j => j.Replace("\"tanh\"", "\"sigmoidd\"", StringComparison.Ordinal)));
        Assert.StartsWith("m: invalid architecture in the header: Unknown activation 'sigmoidd'. Did you mean 'sigmoid'", typo, StringComparison.Ordinal);
        Assert.EndsWith("('actkit list' shows all.)", typo, StringComparison.Ordinal);

        // A header without its tensor table was reported as listing no layers.
        Assert.Equal("m: the header has no tensor table (\"tensors\"), so the weights cannot be found.", Error(WithHeader(good, j => j.Replace("\"tensors\"", "\"tensorz\"", StringComparison.Ordinal))));
        Assert.Equal("m: the header lists no layers.", Error(WithHeader(good, j => j.Replace("\"layers\"", "\"layerz\"", StringComparison.Ordinal))));
        Assert.Contains("needs", Error(WithHeader(good, j => j.Replace("\"units\": 8", "\"units\": 9", StringComparison.Ordinal).Replace("\"preWidth\": 8", "\"preWidth\": 9", StringComparison.Ordinal))));
        Assert.Contains("pre-activations", Error(WithHeader(good, j => j.Replace("\"preWidth\": 8", "\"preWidth\": 16", StringComparison.Ordinal))));
        Assert.Contains("outside", Error(WithHeader(good, j => j.Replace("\"offset\": 0", "\"offset\": 100000", StringComparison.Ordinal))));
        Assert.Throws<FileNotFoundException>(() => ModelFile.Load(Path.Combine(_dir, "none.aknn")));
    }

    [Fact]
    public void Hand_edited_or_appended_files_are_described_in_plain_words()
    {
        var (net, meta) = Trained();
        using var ms = new MemoryStream();
        ModelFile.Save(ms, net, meta);
        byte[] good = ms.ToArray();
        string Error(byte[] bytes) => Assert.Throws<InvalidDataException>(() => ModelFile.Load(bytes, "m")).Message;
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(8));
        long body = good.Length - 12 - headerLength;

        // One byte appended (echo >> m.akm): "declares 4552 floats but 18209 bytes (4552 floats) follow it".
        Assert.Equal(FormattableString.Invariant($"m: truncated or corrupt — the {body + 1:N0} bytes after the header are not a whole number of 4-byte floats (the header declares {body / 4:N0} floats)."), Error([.. good, (byte)'\n']));

        // A field of the wrong type: which field and what it must be, not .NET's type names and reader positions.
        string dropout = Error(WithHeader(good, j => j.Replace("\"dropout\": 0", "\"dropout\": \"0.5\"", StringComparison.Ordinal)));
        Assert.StartsWith("m: corrupt header — the field 'layers[0].dropout' must be a number (line ", dropout, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", dropout, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", dropout, StringComparison.Ordinal);
        Assert.StartsWith("m: corrupt header — the field 'inputSize' must be a whole number no larger than 2,147,483,647 (line ", Error(WithHeader(good, j => j.Replace("\"inputSize\": ", "\"inputSize\": 1e20, \"x\": ", StringComparison.Ordinal))), StringComparison.Ordinal);
        Assert.StartsWith("m: corrupt header — the field 'layers' must be a list [ … ] (line ", Error(WithHeader(good, j => j.Replace("\"layers\": [", "\"layers\": 5, \"layerz\": [", StringComparison.Ordinal))), StringComparison.Ordinal);
        Assert.StartsWith("m: corrupt header — it is not valid JSON (line ", Error(WithHeader(good, j => j.Replace("\"layers\"", "\"layers\" x", StringComparison.Ordinal))), StringComparison.Ordinal);

        // An out-of-range value quoted from the architecture has no " (Parameter 'layers')" suffix.
        Assert.Equal("m: invalid architecture in the header: The dropout probability must be in [0, 1), got 1.5.", Error(WithHeader(good, j => j.Replace("\"dropout\": 0", "\"dropout\": 1.5", StringComparison.Ordinal))));
    }
}
