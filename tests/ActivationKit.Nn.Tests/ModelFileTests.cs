using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
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
        Assert.EndsWith("(ActivationCatalog.Names lists them all.)", typo, StringComparison.Ordinal);

        // A header without its tensor table was reported as listing no layers.
        Assert.Equal("m: the header has no tensor table (\"tensors\"), so the weights cannot be found.", Error(WithHeader(good, j => j.Replace("\"tensors\"", "\"tensorz\"", StringComparison.Ordinal))));
        Assert.Equal("m: the header lists no layers.", Error(WithHeader(good, j => j.Replace("\"layers\"", "\"layerz\"", StringComparison.Ordinal))));
        Assert.Contains("its layers need at least", Error(WithHeader(good, j => j.Replace("\"units\": 8", "\"units\": 9", StringComparison.Ordinal).Replace("\"preWidth\": 8", "\"preWidth\": 9", StringComparison.Ordinal))));
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

        // One byte appended (echo >> m.akm): "declares 4552 floats but 18209 bytes (4552 floats) follow it", then
        // "truncated or corrupt", of a file that had all its bytes and one more.
        Assert.Equal(FormattableString.Invariant($"m: corrupt — 1 byte follows the {body / 4:N0} floats of weights the header declares, where the file should end; something was appended to it (or two files were joined): save the model again."), Error([.. good, (byte)'\n']));

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
    private static byte[] GoodBytes()
    {
        var (net, meta) = Trained();
        using var ms = new MemoryStream();
        ModelFile.Save(ms, net, meta);
        return ms.ToArray();
    }

    private static string Header(byte[] bytes) => Encoding.UTF8.GetString(bytes, 12, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)));

    [Fact]
    public void The_checksum_covers_the_header_so_one_flipped_bit_anywhere_is_refused()
    {
        byte[] good = GoodBytes();
        Assert.Contains("\"checksumScope\": \"file\"", Header(good), StringComparison.Ordinal);
        string Error(byte[] bytes) => Assert.Throws<InvalidDataException>(() => ModelFile.Load(bytes, "m")).Message;

        // One bit of a tensor's offset: the weights were read from elsewhere, and the predictions changed (exit 0).
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(8));
        int offset = Encoding.UTF8.GetString(good, 12, headerLength).IndexOf("\"offset\": 24", StringComparison.Ordinal);
        Assert.True(offset > 0);
        var shifted = (byte[])good.Clone();
        shifted[12 + offset + "\"offset\": 2".Length] ^= 0x01; // 24 → 25
        Assert.Throws<InvalidDataException>(() => ModelFile.Load(shifted, "m"));

        // One bit of a class name, which nothing else checks: only the checksum can tell.
        int name = Header(good).IndexOf("\"upper\"", StringComparison.Ordinal);
        var renamed = (byte[])good.Clone();
        renamed[12 + name + 1] ^= 0x20; // upper → Upper
        Assert.Equal("m: corrupt — the file's checksum is", Error(renamed)[..35]);
        Assert.EndsWith("the file was changed or damaged after it was saved (save it again with actkit train --save).", Error(renamed), StringComparison.Ordinal);

        // Every single bit of the file, header included (a sample of positions: every 7th byte).
        for (int i = 0; i < good.Length; i += 7)
        {
            var flipped = (byte[])good.Clone();
            flipped[i] ^= 0x04;
            Assert.Throws<InvalidDataException>(() => ModelFile.Load(flipped, "m"));
        }

        // Without its scope the file would be read as an older one, whose checksum covers the weights only: it does not match.
        string stripped = Error(WithHeader(good, j => j.Replace("\"checksumScope\": \"file\",", string.Empty, StringComparison.Ordinal)));
        Assert.StartsWith("m: corrupt — the weights' checksum is", stripped, StringComparison.Ordinal);
        Assert.Equal("m: unsupported checksum scope 'all' (expected \"file\", or none in files written before it).", Error(WithHeader(good, j => j.Replace("\"checksumScope\": \"file\"", "\"checksumScope\": \"all\"", StringComparison.Ordinal))));
    }

    [Fact]
    public void Header_fields_that_do_not_fit_the_network_are_refused_in_one_sentence()
    {
        byte[] good = GoodBytes();
        string Error(Func<string, string> edit) => Assert.Throws<InvalidDataException>(() => ModelFile.Load(WithHeader(good, edit), "m")).Message;
        string Replace(string json, string a, string b)
        {
            Assert.Contains(a, json, StringComparison.Ordinal);
            return json.Replace(a, b, StringComparison.Ordinal);
        }

        // Tensors: overlapping, leaving floats over, unknown, missing.
        Assert.Equal("m: tensors 'layer0.bias' (floats 0…7) and 'layer0.weight' (from float 0) overlap; each stored float belongs to one tensor.", Error(j => Replace(j, "\"offset\": 16", "\"offset\": 0")));
        Assert.StartsWith("m: tensor 'layer0.weights' is not one of this network's", Error(j => Replace(j, "\"layer0.weight\"", "\"layer0.weights\"")), StringComparison.Ordinal);
        Assert.Equal("m: tensor 'normalization.std' is missing; the normalisation needs both its mean and its std.", Error(j => Replace(j, "\"normalization.std\"", "\"normalization.xyz\"")));

        // Metadata no command understands.
        Assert.Equal("m: the task 'bogus' is not one of binary, multiclass, multilabel, regression or classification.", Error(j => Replace(j, "\"task\": \"classification\"", "\"task\": \"bogus\"")));
        Assert.Equal("m: the loss is invalid: Unknown loss 'bogus' (valid: mse, mae, huber(delta), bce, multilabel_bce, cross_entropy).", Error(j => Replace(j, "\"loss\": \"cross_entropy\"", "\"loss\": \"bogus\"")));
        Assert.StartsWith("m: the initialiser is invalid: ", Error(j => Replace(j, "\"init\": \"auto\"", "\"init\": \"he_magic\"")), StringComparison.Ordinal);
        Assert.Equal("m: the class count is -1; it must be 0 (regression) or more.", Error(j => Replace(j, "\"classCount\": 2", "\"classCount\": -1")));

        // Class names that do not name the outputs (predict dropped its CSV header without a word).
        Assert.Equal("m: it names 3 class(es) but the model has 2 output(s); it needs one name per output (or two for a single-output binary model).", Error(j => Replace(j, "\"lower\"", "\"lower\", \"third\"")));

        // notes.output: predict returned raw logits for an output it did not know, and squashed a squashed output again.
        Assert.Equal("m: notes.output is 'bogus', which is none of identity, softmax, sigmoid or the output layer's activation (identity).", Error(j => Replace(j, "\"dataset\": \"moons\"", "\"dataset\": \"moons\", \"output\": \"bogus\"")));
        var squashed = new Mlp(2, [new(4, "relu"), new(2, "relu")]);
        squashed.Initialize(Initializer.Auto, 1);
        using var ms = new MemoryStream();
        ModelFile.Save(ms, squashed, new ModelMetadata { Task = "regression", Notes = new Dictionary<string, string> { ["output"] = "identity" } });
        Assert.Equal("m: notes.output is sigmoid, which is applied to the logits of a linear output layer, but the output layer has the activation relu.", Assert.Throws<InvalidDataException>(() => ModelFile.Load(WithHeader(ms.ToArray(), j => Replace(j, "\"output\": \"identity\"", "\"output\": \"sigmoid\"")), "m")).Message);

        // The layer's own activation, as a regression model trained with --output sigmoid records it: read, and not
        // applied a second time (predict squashed such outputs twice).
        var own = new Mlp(2, [new(4, "relu"), new(1, "sigmoid")]);
        own.Initialize(Initializer.Auto, 1);
        using var ownStream = new MemoryStream();
        ModelFile.Save(ownStream, own, new ModelMetadata { Task = "regression", Notes = new Dictionary<string, string> { ["output"] = "sigmoid" } });
        var (ownNet, ownMeta) = ModelFile.Load(ownStream.ToArray());
        Assert.Null(ModelFile.FusedOutput(ownNet, ownMeta));
        var (fusedNet, fusedMeta) = ModelFile.Load(WithHeader(ms.ToArray(), j => j));
        Assert.Null(ModelFile.FusedOutput(fusedNet, fusedMeta));
        var linear = new Mlp(2, [new(4, "relu"), new(1, "linear")]);
        Assert.Equal("sigmoid", ModelFile.FusedOutput(linear, new ModelMetadata { Notes = new Dictionary<string, string> { ["output"] = "sigmoid" } }));

        // Save writes no file that Load would refuse.
        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save(new MemoryStream(), squashed, new ModelMetadata { Task = "bogus" }));
        Assert.StartsWith("The model's metadata is invalid: the task 'bogus' is not one of", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("log_softmax")]
    [InlineData("hardmax")]
    [InlineData("sparsemax")]
    [InlineData("softmin")]
    public void A_row_wise_hidden_layer_saves_and_loads_with_the_same_predictions(string rowwise)
    {
        // Build, Initialize and Fit take a row-wise hidden layer (it receives whole rows), but Save refused the trained
        // network with "The model's metadata is invalid: hidden layer 0 has the row-wise activation softmax…", blaming
        // metadata that was never passed.
        var (train, validation, _) = Synthetic.Create("moons", 200, 0.1, 1).Split(0.7, 0.15, seed: 1);
        var net = Mlp.Build(2, [4], rowwise, 2);
        net.Initialize(Initializer.Auto, 1);
        Trainer.Fit(net, train, validation, new TrainerOptions { Epochs = 5, Seed = 1 });
        string path = Path.Combine(_dir, "rowwise.akm");
        ModelFile.Save(path, net);
        var (loaded, metadata) = ModelFile.Load(path);
        Assert.Equal(rowwise, loaded.Layers[0].ActivationSpec);
        Assert.Equal(net.Predict(train.Features, train.Rows), loaded.Predict(train.Features, train.Rows));
        string again = Path.Combine(_dir, "again.akm");
        ModelFile.Save(again, loaded, metadata);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));

        // With metadata too; actkit check warns about the layer as it does for a spec, rather than the file being unreadable.
        ModelFile.Save(path, net, new ModelMetadata { Task = "multiclass", ClassCount = 2, Loss = "cross_entropy", Init = "auto" });
        var (checkedNet, checkedMetadata) = ModelFile.Load(path);
        var findings = ModelCheck.Check(checkedNet, checkedMetadata).Findings;
        if (rowwise != "hardmax")
        {
            Assert.Contains(findings, f => f.Layer == $"layer 1 ({rowwise})" && f.Explanation.StartsWith($"{rowwise} in a hidden layer normalises each row across its 4 units", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_null_in_a_header_list_or_object_is_refused_as_corrupt()
    {
        // "layers": [null, …] was a NullReferenceException from the size check; a null tensor was already refused.
        byte[] good = GoodBytes();
        string Error(Action<JsonObject> edit) => Assert.Throws<InvalidDataException>(() => ModelFile.Load(WithHeader(good, j =>
        {
            var header = JsonNode.Parse(j)!.AsObject();
            edit(header);
            return header.ToJsonString();
        }), "m")).Message;

        Assert.Equal("m: layer 0 in the header is null; each layer must be an object with its units and activation.", Error(h => h["layers"]![0] = null));
        Assert.Equal("m: layer 3 in the header is null; each layer must be an object with its units and activation.", Error(h => h["layers"]![3] = null));
        Assert.Equal("m: tensor 2 in the header is null; each tensor must be an object with its name, offset and count.", Error(h => h["tensors"]![2] = null));
        Assert.Equal("m: a class name is null; each must be a text.", Error(h => h["classNames"]![1] = null));
        Assert.Equal("m: a feature name is null; each must be a text.", Error(h => h["featureNames"] = new JsonArray { "x", null }));
        Assert.Equal("m: a target name is null; each must be a text.", Error(h => h["targetNames"] = new JsonArray { null, null }));

        // A null note reached predict, which reads the output function from notes.output.
        Assert.Equal("m: the note 'dataset' is null; each note must be a text.", Error(h => h["notes"]!["dataset"] = null));
        Assert.Equal("m: the note 'output' is null; each note must be a text.", Error(h => h["notes"]!["output"] = null));

        // Save writes no such note either.
        var (net, meta) = Trained();
        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save(new MemoryStream(), net, meta with { Notes = new Dictionary<string, string> { ["dataset"] = null! } }));
        Assert.Equal("The model's metadata is invalid: the note 'dataset' is null; each note must be a text. (Parameter 'metadata')", e.Message);
    }

    [Fact]
    public void Feature_names_round_trip_and_an_input_header_is_checked_against_them()
    {
        var (net, meta) = Trained();
        meta = meta with { FeatureNames = ["a", "b"] };
        string path = Path.Combine(_dir, "named.akm");
        ModelFile.Save(path, net, meta);
        var (_, loaded) = ModelFile.Load(path);
        Assert.Equal(["a", "b"], loaded.FeatureNames);

        // Same names in the same order (any letter case, spaces trimmed) pass; a model without names checks nothing.
        Assert.Null(ModelFile.InputColumnsProblem(loaded, ["A", " b "], "x.csv"));
        Assert.Null(ModelFile.InputColumnsProblem(meta with { FeatureNames = null }, ["foo", "bar"], "x.csv"));
        Assert.Equal(
            "x.csv has the model's input columns in another order ('b', 'a'), but the model was trained on the columns 'a', 'b', in that order; reorder them.",
            ModelFile.InputColumnsProblem(loaded, ["b", "a"], "x.csv"));
        Assert.Equal(
            "x.csv lacks 'a', 'b' and has 'foo', 'bar' instead, but the model was trained on the columns 'a', 'b', in that order; give it those columns, named as in the training data's header.",
            ModelFile.InputColumnsProblem(loaded, ["foo", "bar"], "x.csv"));
        Assert.Equal(
            "x.csv has the model's input columns and also 'y', which the model does not take (it was trained on the columns 'a', 'b', in that order); remove that column.",
            ModelFile.InputColumnsProblem(loaded, ["a", "y", "b"], "x.csv"));
        Assert.Equal(
            "x.csv lacks 'b', but the model was trained on the columns 'a', 'b', in that order; give it those columns, named as in the training data's header.",
            ModelFile.InputColumnsProblem(loaded, ["a"], "x.csv"));

        // One name per input, or the file is not written.
        var ex = Assert.Throws<ArgumentException>(() => ModelFile.Save(Path.Combine(_dir, "bad.akm"), net, meta with { FeatureNames = ["a"] }));
        Assert.StartsWith("The model's metadata is invalid: it names 1 input but the network takes 2; it needs one name per input.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_weights_are_refused_on_save_and_on_load()
    {
        // Saved and loaded as they were, the NaN weight made predict blame the input row ("its values are too large").
        var (net, meta) = Trained();
        net.Layers[1].Bias[2] = float.PositiveInfinity;
        string path = Path.Combine(_dir, "nan.akm");
        var save = Assert.Throws<ArgumentException>(() => ModelFile.Save(path, net, meta));
        Assert.StartsWith("The network's layer 1 bias 2 is +∞; a model file holds finite weights only (a network whose training diverged is not worth saving).", save.Message, StringComparison.Ordinal);
        Assert.StartsWith("Every mean must be finite, but mean 1 is NaN.", Assert.Throws<ArgumentException>(() => new Standardizer([0f, float.NaN], [1f, 1f])).Message, StringComparison.Ordinal);

        // A file written before the refusal: the older layout, whose checksum covers the weights only, so a NaN can be
        // put in with a valid checksum (layer0.weight is the first tensor).
        byte[] good = GoodBytes();
        int length = BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(8));
        BinaryPrimitives.WriteSingleLittleEndian(good.AsSpan(12 + length), float.NaN);
        ulong h = 14695981039346656037UL;
        foreach (byte b in good.AsSpan(12 + length)) h = (h ^ b) * 1099511628211UL;
        string checksum = Header(good).Split("\"checksum\": \"")[1][..16];
        byte[] old = WithHeader(good, j => j.Replace("\"checksumScope\": \"file\",", string.Empty, StringComparison.Ordinal).Replace(checksum, h.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Equal(
            "m: the model file holds NaN or infinite weights (layer 0 weight 0 is NaN), so it cannot predict; train the model again and save it.",
            Assert.Throws<InvalidDataException>(() => ModelFile.Load(old, "m")).Message);
    }

    [Fact]
    public void Metadata_that_contradicts_the_outputs_or_the_loss_is_refused()
    {
        static string Saved(Mlp net, ModelMetadata meta) => Assert.Throws<ArgumentException>(() => ModelFile.Save(new MemoryStream(), net, meta)).Message.Split(" (Parameter")[0];
        var one = Mlp.Build(2, [4], "relu", 1);
        one.Initialize(Initializer.Auto, 1);
        var three = Mlp.Build(2, [4], "relu", 3);
        three.Initialize(Initializer.Auto, 1);

        // A 1-output network saved as 5-class multiclass: predict wrote its raw value as if it were an answer.
        Assert.Equal("The model's metadata is invalid: the class count is 5 but the model has 1 output; a classifier has one output per class (or one for two classes).", Saved(one, new ModelMetadata { Task = "multiclass", ClassCount = 5 }));
        Assert.Equal("The model's metadata is invalid: the task is regression, which has no classes, but the class count is 3.", Saved(three, new ModelMetadata { Task = "regression", ClassCount = 3 }));

        // A 3-class cross-entropy model whose notes.output says sigmoid: three independent "probabilities".
        var ce = new Dictionary<string, string> { ["output"] = "sigmoid" };
        Assert.Equal("The model's metadata is invalid: notes.output is sigmoid, but the loss cross_entropy fused softmax into training, so the logits must be squashed with softmax.", Saved(three, new ModelMetadata { Task = "multiclass", ClassCount = 3, Loss = "cross_entropy", Notes = ce }));
        Assert.Equal("The model's metadata is invalid: notes.output is sigmoid, which squashes logits, but the loss mse was computed on the linear outputs as they are; it should be identity.", Saved(one, new ModelMetadata { Task = "regression", Loss = "mse", Notes = ce }));

        // Duplicate class names head two columns alike.
        Assert.Equal("The model's metadata is invalid: the class name 'cat' is given 2 times; each class needs a name of its own.", Saved(three, new ModelMetadata { Task = "multiclass", ClassCount = 3, ClassNames = ["cat", "dog", "cat"] }));

        // The same checks on load, for a file edited after it was saved (they come before the checksum's).
        using var ms = new MemoryStream();
        ModelFile.Save(ms, three, new ModelMetadata { Task = "multiclass", ClassCount = 3, Loss = "cross_entropy", ClassNames = ["cat", "dog", "emu"], Notes = new Dictionary<string, string> { ["output"] = "softmax" } });
        string Loaded(Func<string, string> edit) => Assert.Throws<InvalidDataException>(() => ModelFile.Load(WithHeader(ms.ToArray(), edit), "m")).Message;
        Assert.Equal("m: notes.output is sigmoid, but the loss cross_entropy fused softmax into training, so the logits must be squashed with softmax.", Loaded(j => j.Replace("\"softmax\"", "\"sigmoid\"", StringComparison.Ordinal)));
        Assert.Equal("m: the class name 'dog' is given 2 times; each class needs a name of its own.", Loaded(j => j.Replace("\"emu\"", "\"dog\"", StringComparison.Ordinal)));
        Assert.Equal("m: the class count is 5 but the model has 3 outputs; a classifier has one output per class (or one for two classes).", Loaded(j => j.Replace("\"classCount\": 3", "\"classCount\": 5", StringComparison.Ordinal)));

        // Consistent pairs still save: one logit for two classes, identity logits of a cross-entropy model.
        ModelFile.Save(new MemoryStream(), one, new ModelMetadata { Task = "binary", ClassCount = 2, Loss = "bce", Notes = ce });
        ModelFile.Save(new MemoryStream(), three, new ModelMetadata { Task = "multiclass", ClassCount = 3, Loss = "cross_entropy", Notes = new Dictionary<string, string> { ["output"] = "identity" } });
    }

    [Fact]
    public void A_refused_save_leaves_the_existing_file_as_it_was_and_no_other_file()
    {
        // File.Create came before the checks: a refused save emptied the model file already there.
        var (net, meta) = Trained();
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "atomic")).FullName;
        string path = Path.Combine(folder, "m.akm");
        ModelFile.Save(path, net, meta);
        byte[] before = File.ReadAllBytes(path);
        Assert.Throws<ArgumentException>(() => ModelFile.Save(path, net, meta with { Task = "bogus" }));
        net.Layers[0].Weights[0] = float.NaN;
        Assert.Throws<ArgumentException>(() => ModelFile.Save(path, net, meta));
        Assert.Throws<ArgumentException>(() => ModelFile.Save(Path.Combine(folder, "new.akm"), net, meta));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["m.akm"], Directory.GetFiles(folder).Select(Path.GetFileName));

        string nowhere = Path.Combine(_dir, "missing", "m.akm");
        net.Layers[0].Weights[0] = 0;
        Assert.Equal($"Cannot save the model to '{nowhere}': the folder '{Path.GetDirectoryName(nowhere)}' does not exist.", Assert.Throws<DirectoryNotFoundException>(() => ModelFile.Save(nowhere, net, meta)).Message);
    }

    [Fact]
    public void Target_names_round_trip_one_per_output()
    {
        var net = Mlp.Build(2, [4], "relu", 3);
        net.Initialize(Initializer.Auto, 1);
        using var ms = new MemoryStream();
        ModelFile.Save(ms, net, new ModelMetadata { Task = "multilabel", Loss = "multilabel_bce", TargetNames = ["l0", "l1", "l2"] });
        Assert.Equal(["l0", "l1", "l2"], ModelFile.Load(ms.ToArray()).Metadata.TargetNames);
        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save(new MemoryStream(), net, new ModelMetadata { TargetNames = ["l0", "l1"] }));
        Assert.StartsWith("The model's metadata is invalid: it names 2 targets but the model has 3 outputs; it needs one name per output.", e.Message, StringComparison.Ordinal);
    }
}
