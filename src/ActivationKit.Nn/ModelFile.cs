using System.Globalization;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn;

/// <summary>What a saved model knows besides its weights.</summary>
public sealed record ModelMetadata
{
    /// <summary>"binary", "multiclass", "multilabel" or "regression" (what <c>actkit train</c> records), or "classification" (free text for other uses).</summary>
    public string? Task { get; init; }

    /// <summary>Classes for classification; 0 otherwise.</summary>
    public int ClassCount { get; init; }

    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The loss the model was trained with (spec).</summary>
    public string? Loss { get; init; }

    /// <summary>The default initialiser it was created with (spec).</summary>
    public string? Init { get; init; }

    /// <summary>Input standardisation fitted on the training split, applied before the network.</summary>
    public Standardizer? Normalization { get; init; }

    /// <summary>Anything else worth keeping (dataset name, epochs…).</summary>
    public IReadOnlyDictionary<string, string>? Notes { get; init; }

    /// <summary>
    /// The names of the network's inputs in order (the training CSV's header, without its target columns), or null when
    /// the training data had none (files saved before it have none either). <see cref="ModelFile.InputColumnsProblem"/>
    /// checks an input file's header against them.
    /// </summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>
    /// The names of a multilabel or multi-output regression model's outputs in order (the training CSV's target
    /// columns), or null; <c>actkit predict</c> heads its columns with them as it does with <see cref="ClassNames"/>.
    /// </summary>
    public IReadOnlyList<string>? TargetNames { get; init; }
}

/// <summary>
/// Saves and loads an <see cref="Mlp"/> as one file: the 8-byte magic <c>AKNNMLP1</c>, a 32-bit little-endian header
/// length, a UTF-8 JSON header (layers, sizes, activation specs, metadata, the tensor table and an FNV-1a checksum),
/// then every tensor as raw little-endian float32: per layer <c>layerI.weight</c>, <c>layerI.bias</c> and, for PReLU,
/// <c>layerI.slopes</c> (the learned slopes; a file that has them is header version 2, so loaders from before them refuse
/// it; older files without it load with the spec's initial slopes), then <c>normalization.mean</c> and <c>.std</c>,
/// packed in that order. The checksum of a file written now (<c>"checksumScope": "file"</c>) covers the whole file —
/// magic, length, header (the checksum's own 16 digits read as zeros) and weights —, so no byte of the header can change
/// unnoticed either; files written before have no scope and a checksum of the weights only, and still load, with every
/// header field checked as below (an edited scope field cannot pass as such a file: the weights' checksum would not match).
/// Loading parses data only — activations are looked up in the catalog by spec, nothing is executed — and checks every
/// size against the file, the tensor table (every stored float in exactly one known tensor) and the metadata (task, loss,
/// initialiser, output function, class names) against the network; the round trip is bit-identical.
/// </summary>
public static class ModelFile
{
    /// <summary>Format identifier at the start of every file.</summary>
    public static ReadOnlySpan<byte> Magic => "AKNNMLP1"u8;

    private const int MaxHeaderBytes = 16 << 20;

    /// <summary>Most bytes a model file read from a named pipe may hold (a regular file is read as far as its size).</summary>
    private const long MaxPipeBytes = 1L << 30;

    /// <summary>The <c>checksumScope</c> of the files written now: the checksum covers the whole file.</summary>
    private const string FileScope = "file";

    /// <summary>The tasks a header may record (<see cref="ModelMetadata.Task"/>).</summary>
    public static IReadOnlyList<string> Tasks { get; } = ["binary", "multiclass", "multilabel", "regression", "classification"];

    /// <summary>
    /// What <c>notes.output</c> may say besides the output layer's own activation: the model emits logits that
    /// <c>actkit predict</c> squashes with softmax or sigmoid (the loss fused them in training), or its outputs as they are.
    /// </summary>
    private static readonly string[] FusedOutputs = ["softmax", "sigmoid"];

    private static readonly string[] RawOutputs = ["identity", "linear", "none"];
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// Writes the network and its metadata to <paramref name="path"/>, in an existing folder: everything is checked and
    /// serialised first, then written through a temporary file in the same folder moved into place, so a refused
    /// network or metadata, or a failed write, leaves an existing file as it was and no partial file behind. A
    /// write-protected file, or one a symbolic link there leads to, is never replaced
    /// (<see cref="Experiments.ResultStore.WriteAtomic(string, Action{Stream})"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A network or metadata <see cref="Load(string)"/> would refuse.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The file, or a link's target, is write-protected; it is left as it was.</exception>
    public static void Save(string path, Mlp network, ModelMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);

        // File.Create came first, so a refused save had already emptied an existing model file.
        using var buffer = new MemoryStream();
        Save(buffer, network, metadata);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Cannot save the model to '{TerminalText.Safe(path)}': the folder '{TerminalText.Safe(folder)}' does not exist.");
        Experiments.ResultStore.WriteAtomic(path, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Writes the network and its metadata to a stream.</summary>
    public static void Save(Stream stream, Mlp network, ModelMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(network);
        metadata ??= new ModelMetadata();
        if (metadata.Normalization is { } n && n.Mean.Length != network.InputSize)
        {
            // Load would refuse the file: the statistics standardise the network's inputs, one entry per input.
            throw new ArgumentException($"The normalisation has {n.Mean.Length} entr{(n.Mean.Length == 1 ? "y" : "ies")} but the network takes {Spelling.Count(network.InputSize, "input")}; it needs one per input.", nameof(metadata));
        }

        // A file Load would refuse is not written: the same checks, as an ArgumentException.
        if (CheckMetadata(network, metadata.Task, metadata.Loss, metadata.Init, metadata.ClassCount, metadata.ClassNames, metadata.Notes, metadata.FeatureNames, metadata.TargetNames) is { } problem)
        {
            throw new ArgumentException($"The model's metadata is invalid: {problem}", nameof(metadata));
        }

        // NaN or infinite weights (a diverged network) would be loaded and then blamed on the input rows by predict.
        if (NonFiniteWeight(network) is { } bad)
        {
            throw new ArgumentException($"The network's {bad}; a model file holds finite weights only (a network whose training diverged is not worth saving).", nameof(network));
        }

        var tensors = new List<(string Name, float[] Data)>();
        var layers = new List<LayerDto>();
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var l = network.Layers[i];
            layers.Add(new LayerDto { Units = l.Units, Activation = l.ActivationSpec, PreWidth = l.PreWidth, Init = network.Specs[i].Init?.ToString(), Dropout = network.Specs[i].Dropout });
            tensors.Add(($"layer{i}.weight", l.Weights));
            tensors.Add(($"layer{i}.bias", l.Bias));
            if (l.Slopes.Length > 0) tensors.Add(($"layer{i}.slopes", l.Slopes));
        }

        if (metadata.Normalization is { } norm)
        {
            tensors.Add(("normalization.mean", norm.Mean));
            tensors.Add(("normalization.std", norm.Std));
        }

        var table = new List<TensorDto>();
        long offset = 0;
        foreach (var (name, data) in tensors)
        {
            table.Add(new TensorDto { Name = name, Offset = offset, Count = data.Length });
            offset += data.Length;
        }

        byte[] body = new byte[offset * 4];
        int at = 0;
        foreach (var (_, data) in tensors)
        {
            foreach (float v in data)
            {
                BinaryPrimitives.WriteSingleLittleEndian(body.AsSpan(at), v);
                at += 4;
            }
        }

        var header = new HeaderDto
        {
            Format = "actkit-mlp",
            // Version 2 when the file holds learned slopes: a loader that predates them (version 1 only) would ignore
            // the tensor and run the initial slopes, so such files must be refused there rather than misread.
            Version = tensors.Any(t => t.Name.EndsWith(".slopes", StringComparison.Ordinal)) ? 2 : 1,
            ChecksumScope = FileScope,
            InputSize = network.InputSize,
            Layers = layers,
            Tensors = table,
            FloatCount = offset,
            Checksum = new string('0', 16), // the placeholder the checksum is computed with, then written over
            Task = metadata.Task,
            ClassCount = metadata.ClassCount,
            ClassNames = metadata.ClassNames?.ToList(),
            Loss = metadata.Loss,
            Init = metadata.Init,
            Notes = metadata.Notes?.ToDictionary(kv => kv.Key, kv => kv.Value),
            FeatureNames = metadata.FeatureNames?.ToList(),
            TargetNames = metadata.TargetNames?.ToList(),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        var prefix = new byte[12];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(8), json.Length);
        var (digits, length) = ChecksumValue(json) ?? throw new InvalidOperationException("The header has no checksum field.");
        System.Text.Encoding.ASCII.GetBytes(FileChecksum(prefix, json, digits, length, body).ToString("x16", System.Globalization.CultureInfo.InvariantCulture)).CopyTo(json, digits);
        stream.Write(prefix);
        stream.Write(json);
        stream.Write(body);
    }

    /// <summary>Reads a model file.</summary>
    /// <exception cref="InvalidDataException">Not a model file, corrupt, truncated, or inconsistent sizes.</exception>
    public static (Mlp Network, ModelMetadata Metadata) Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The model file '{TerminalText.Safe(path)}' does not exist.", path);

        // A device (a link to /dev/zero or /dev/urandom) was read until the memory ran out; a named pipe is read up to
        // MaxPipeBytes, a regular file as far as its size.
        ActivationKit.IO.FileKind.RefuseSpecialInput(path, "The model file", "give the model file saved by actkit train --save");
        byte[] bytes = ActivationKit.IO.FileKind.SpecialKindOf(path) is null
            ? File.ReadAllBytes(path)
            : ActivationKit.IO.FileKind.ReadAtMost(path, MaxPipeBytes) ?? throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"The model file '{TerminalText.Safe(path)}' is a named pipe that held more than {MaxPipeBytes:N0} bytes (1 GiB) before it ended, more than a model file read from a pipe may hold; save it to a file."));
        return Load(bytes, Path.GetFileName(path));
    }

    /// <summary>Reads a model from bytes (<paramref name="name"/> is used in messages).</summary>
    public static (Mlp Network, ModelMetadata Metadata) Load(byte[] bytes, string name = "model")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (StartProblem(bytes, name) is { } start) throw new InvalidDataException(start);
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (headerLength <= 0 || headerLength > MaxHeaderBytes)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{name}: corrupt — its header length (bytes 9 to 12) reads {headerLength:N0}, but a model file's header is 1 to {MaxHeaderBytes:N0} bytes long."));
        }

        if (12L + headerLength > bytes.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: truncated — the file is {bytes.Length:N0} bytes and ends {bytes.Length - 12:N0} bytes into its {headerLength:N0}-byte header (the header alone needs {12L + headerLength:N0} bytes, the weights follow it)."));
        }

        HeaderDto header;
        try
        {
            header = JsonSerializer.Deserialize<HeaderDto>(bytes.AsSpan(12, headerLength), Json)
                ?? throw new InvalidDataException($"{name}: the header is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name}: corrupt header — {HeaderProblem(ex)}.", ex);
        }

        if (header.Format != "actkit-mlp" || header.Version is not (1 or 2))
        {
            throw new InvalidDataException($"{name}: unsupported format '{header.Format}' version {header.Version} (expected actkit-mlp version 1 or 2).");
        }

        if (header.ChecksumScope is not (null or FileScope))
        {
            throw new InvalidDataException($"{name}: unsupported checksum scope '{header.ChecksumScope}' (expected \"{FileScope}\", or none in files written before it).");
        }

        if (header.Layers is not { Count: > 0 }) throw new InvalidDataException($"{name}: the header lists no layers.");

        // A null entry ("layers": [null, …]) deserialises as a null layer, which every size check below would dereference.
        int nullLayer = header.Layers.IndexOf(null!);
        if (nullLayer >= 0) throw new InvalidDataException($"{name}: layer {nullLayer} in the header is null; each layer must be an object with its units and activation.");

        if (header.Tensors is null) throw new InvalidDataException($"{name}: the header has no tensor table (\"tensors\"), so the weights cannot be found.");
        long bodyBytes = bytes.Length - 12L - headerLength;

        if (BodyProblem(header, bodyBytes, name) is { } body) throw new InvalidDataException(body);

        CheckArchitectureSize(header, name);

        int bodyStart = 12 + headerLength;

        Mlp network;
        try
        {
            var specs = header.Layers.Select(l => new LayerSpec(l.Units, l.Activation ?? "linear", l.Init is null ? null : Initializer.Parse(l.Init)) { Dropout = l.Dropout }).ToList();
            network = new Mlp(header.InputSize, specs);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{name}: invalid architecture in the header: {ExceptionMessages.WithoutParameterName(ex)}", ex);
        }

        var tensors = new Dictionary<string, TensorDto>(StringComparer.Ordinal);
        for (int i = 0; i < header.Tensors.Count; i++)
        {
            // Said as a layer's null is: the sentence below quoted an empty name, offset and count ("offset ,  floats").
            var t = header.Tensors[i] ?? throw new InvalidDataException($"{name}: tensor {i} in the header is null; each tensor must be an object with its name, offset and count.");

            // Offset > FloatCount − Count rather than Offset + Count > FloatCount: the sum wraps for an offset near long.MaxValue.
            if (t.Name is null || t.Offset < 0 || t.Count < 0 || t.Offset > header.FloatCount - t.Count || !tensors.TryAdd(t.Name, t))
            {
                throw new InvalidDataException($"{name}: tensor '{t.Name}' (offset {t.Offset}, {t.Count} floats) is invalid or outside the {header.FloatCount} stored floats.");
            }
        }

        CheckTensorTable(network, header, tensors, name);
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            if (header.Layers[i].PreWidth != layer.PreWidth)
            {
                throw new InvalidDataException($"{name}: layer {i} declares {header.Layers[i].PreWidth} pre-activations but {layer.ActivationSpec} with {Spelling.Count(layer.Units, "unit")} needs {layer.PreWidth}.");
            }
        }

        if (CheckMetadata(network, header.Task, header.Loss, header.Init, header.ClassCount, header.ClassNames, header.Notes, header.FeatureNames, header.TargetNames) is { } problem)
        {
            throw new InvalidDataException($"{name}: {problem}");
        }

        // Last, when everything the header says has been found consistent: a file that was changed after it was written
        // (a bit flipped in a tensor's offset, a class name edited) is refused as corrupt, whatever changed.
        if (header.ChecksumScope == FileScope)
        {
            var (at, length) = ChecksumValue(bytes.AsSpan(12, headerLength))
                ?? throw new InvalidDataException($"{name}: corrupt header — it has no checksum (\"checksum\": \"…\").");
            string checksum = FileChecksum(bytes.AsSpan(0, 12), bytes.AsSpan(12, headerLength), at, length, bytes.AsSpan(bodyStart)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            if (!string.Equals(checksum, header.Checksum, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{name}: corrupt — the file's checksum is {checksum} but its header says {header.Checksum}; the file was changed or damaged after it was saved (save it again with actkit train --save).");
            }
        }
        else
        {
            string checksum = Fnv1a(bytes.AsSpan(bodyStart)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            if (!string.Equals(checksum, header.Checksum, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{name}: corrupt — the weights' checksum is {checksum} but the header says {header.Checksum}.");
            }
        }

        float[] Read(string tensor, int expected)
        {
            if (!tensors.TryGetValue(tensor, out var t)) throw new InvalidDataException($"{name}: tensor '{tensor}' is missing.");
            if (t.Count != expected) throw new InvalidDataException($"{name}: tensor '{tensor}' has {t.Count} floats but the architecture needs {expected}.");
            var data = new float[expected];

            // Within the body (checked above), so the byte position fits the array's int index.
            var source = bytes.AsSpan((int)(bodyStart + (t.Offset * 4)), expected * 4);
            for (int i = 0; i < expected; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
            return data;
        }

        for (int i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            Read($"layer{i}.weight", layer.Weights.Length).CopyTo(layer.Weights, 0);
            Read($"layer{i}.bias", layer.Bias.Length).CopyTo(layer.Bias, 0);
            if (NonFiniteWeight(layer, i) is { } nonFinite)
            {
                // Saved by an actkit that did not refuse them: every prediction would be NaN, blamed on the input row.
                throw new InvalidDataException($"{name}: the model file holds NaN or infinite weights ({nonFinite}), so it cannot predict; train the model again and save it.");
            }

            // Learned PReLU slopes; files written before slopes were trained have none and keep the spec's initial value.
            if (layer.Slopes.Length > 0 && tensors.ContainsKey($"layer{i}.slopes"))
            {
                var slopes = Read($"layer{i}.slopes", layer.Slopes.Length);
                int bad = Dataset.IndexOfNonFinite(slopes);
                if (bad >= 0) throw new InvalidDataException($"{name}: slope {bad} of layer {i} is {slopes[bad]}; every slope must be finite.");
                slopes.CopyTo(layer.Slopes, 0);
            }
        }

        network.WeightsAssigned = true;

        Standardizer? norm = null;
        if (tensors.ContainsKey("normalization.mean"))
        {
            try
            {
                norm = new Standardizer(Read("normalization.mean", network.InputSize), Read("normalization.std", network.InputSize));
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{name}: invalid normalisation statistics: {ExceptionMessages.WithoutParameterName(ex)}", ex);
            }
        }

        var metadata = new ModelMetadata
        {
            Task = header.Task,
            ClassCount = header.ClassCount,
            ClassNames = header.ClassNames,
            Loss = header.Loss,
            Init = header.Init,
            Normalization = norm,
            Notes = header.Notes,
            FeatureNames = header.FeatureNames,
            TargetNames = header.TargetNames,
        };
        return (network, metadata);
    }

    /// <summary>
    /// What is wrong with the file's first 12 bytes (the magic and the header's length), or null: empty, cut short within
    /// them (the bytes there are the start of the magic), or not a model file at all — with the format the bytes look like
    /// when it is one <see cref="ActivationKit.IO.FileSignature"/> knows, or an ActivationKit model of another version.
    /// A 9-byte file was "missing the AKNNMLP1 magic", which it had.
    /// </summary>
    private static string? StartProblem(byte[] bytes, string name)
    {
        const string Needs = "a model file starts with 12 bytes (the magic AKNNMLP1 and its header's length), then its header and weights";
        if (bytes.Length == 0) return $"{name}: the file is empty (0 bytes), not an ActivationKit model file; {Needs}.";
        int known = Math.Min(bytes.Length, Magic.Length);
        if (bytes.AsSpan(0, known).SequenceEqual(Magic[..known]))
        {
            return bytes.Length >= 12 ? null : $"{name}: truncated — the file is {Spelling.Count(bytes.Length, "byte")}, but {Needs}.";
        }

        if (bytes.AsSpan(0, known).StartsWith(Magic[..7]) && known == 8)
        {
            return $"{name}: an ActivationKit model file of another format (it starts with {ExceptionMessages.Excerpt(Encoding.ASCII.GetString(bytes, 0, 8))}; this actkit reads AKNNMLP1 files); save the model again with this actkit's train --save.";
        }

        string looks = ActivationKit.IO.FileSignature.Describe(bytes) is { } format ? $"; it looks like {format}" : string.Empty;
        return $"{name}: not an ActivationKit model file — it does not start with the magic AKNNMLP1{looks}.";
    }

    /// <summary>
    /// What is wrong with the <paramref name="bodyBytes"/> bytes after the header, the weights, against the floats the
    /// header declares, or null: fewer (the file was cut short; said with the tensor it ends in, when the table names
    /// one), more (bytes appended after the last weight), or a negative count. Compared as counts of floats, never as
    /// FloatCount × 4, which wraps for a corrupt count near 2⁶².
    /// </summary>
    private static string? BodyProblem(HeaderDto header, long bodyBytes, string name)
    {
        long declared = header.FloatCount, whole = bodyBytes / 4;
        if (declared < 0) return string.Create(CultureInfo.InvariantCulture, $"{name}: corrupt header — it declares {declared:N0} floats of weights.");
        if (declared > whole)
        {
            // The first float the file lacks, and the tensor the table puts it in (the table is not checked yet: only an
            // entry that holds it is named).
            var cut = header.Tensors!.FirstOrDefault(t => t?.Name is not null && t.Offset >= 0 && t.Count > 0 && whole >= t.Offset && whole - t.Offset < t.Count);
            string where = cut is null ? string.Empty : string.Create(CultureInfo.InvariantCulture,
                $", so it ends within tensor '{ExceptionMessages.Excerpt(cut.Name!)}' (floats {cut.Offset:N0} to {cut.Offset + cut.Count - 1:N0}), at float {whole:N0}");
            return string.Create(CultureInfo.InvariantCulture,
                $"{name}: truncated — the header declares {declared:N0} floats of weights (4 bytes each) but only {Spelling.Count(bodyBytes, "byte")} follow it{where}.");
        }

        long extra = bodyBytes - (declared * 4);
        return extra == 0 ? null : string.Create(CultureInfo.InvariantCulture,
            $"{name}: corrupt — {Spelling.Count(extra, "byte")} follow{(extra == 1 ? "s" : string.Empty)} the {declared:N0} floats of weights the header declares, where the file should end; something was appended to it (or two files were joined): save the model again.");
    }

    /// <summary>The first NaN or infinite weight, bias or slope of any layer, as <see cref="NonFiniteWeight(DenseLayer, int)"/> says it; null when all are finite.</summary>
    private static string? NonFiniteWeight(Mlp network)
    {
        for (int i = 0; i < network.Layers.Count; i++)
        {
            if (NonFiniteWeight(network.Layers[i], i) is { } bad) return bad;
        }

        return null;
    }

    /// <summary>
    /// The first NaN or infinite weight, bias or slope of <paramref name="layer"/> (layer <paramref name="index"/>), as
    /// "layer 0 weight 3 is NaN"; null when they are all finite. (Load checks slopes where it reads them.)
    /// </summary>
    private static string? NonFiniteWeight(DenseLayer layer, int index)
    {
        foreach (var (part, values) in new[] { ("weight", layer.Weights), ("bias", layer.Bias), ("slope", layer.Slopes) })
        {
            int at = Dataset.IndexOfNonFinite(values);
            if (at >= 0) return $"layer {index} {part} {at} is {(float.IsNaN(values[at]) ? "NaN" : values[at] > 0 ? "+∞" : "−∞")}";
        }

        return null;
    }

    /// <summary>
    /// What keeps an input table's columns, named by its header <paramref name="columns"/>, from being the model's inputs
    /// (<see cref="ModelMetadata.FeatureNames"/>), as one sentence naming <paramref name="source"/>, or null when they are
    /// the same names in the same order (compared as the CSV reader compares a target column's name: trimmed, any letter
    /// case) or the model records no names. Said apart: the model's columns in another order, the model's columns and
    /// more (the columns to remove), and columns the model does not know or lacks.
    /// </summary>
    public static string? InputColumnsProblem(ModelMetadata metadata, IReadOnlyList<string> columns, string source)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(source);
        if (metadata.FeatureNames is not { } expected) return null;
        static string Key(string name) => name.Trim().ToLowerInvariant();
        if (columns.Count == expected.Count && columns.Select(Key).SequenceEqual(expected.Select(Key), StringComparer.Ordinal)) return null;

        var known = expected.Select(Key).ToHashSet(StringComparer.Ordinal);
        var given = columns.Select(Key).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(n => !given.Contains(Key(n))).ToList();
        var unknown = columns.Where(n => !known.Contains(Key(n))).ToList();
        string trained = expected.Count == 1 ? $"the column {List(expected)}" : $"the columns {List(expected)}, in that order";
        if (missing.Count == 0 && unknown.Count == 0 && columns.Count == expected.Count)
        {
            return $"{source} has the model's input columns in another order ({List(columns)}), but the model was trained on {trained}; reorder them.";
        }

        if (missing.Count == 0 && unknown.Count > 0)
        {
            return $"{source} has the model's input columns and also {List(unknown)}, which the model does not take (it was trained on {trained}); remove {(unknown.Count == 1 ? "that column" : "those columns")}.";
        }

        string what = missing.Count == 0 ? $"has the columns {List(columns)}"
            : unknown.Count == 0 ? $"lacks {List(missing)}"
            : $"lacks {List(missing)} and has {List(unknown)} instead";
        return $"{source} {what}, but the model was trained on {trained}; give it those columns, named as in the training data's header.";
    }

    /// <summary>Names as 'a', 'b', 'c', the first ten of a longer list followed by how many there are in all.</summary>
    private static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(10).Select(n => $"'{ExceptionMessages.Excerpt(n)}'")) + (names.Count > 10 ? string.Create(CultureInfo.InvariantCulture, $", … ({names.Count:N0} in all)") : string.Empty);

    /// <summary>
    /// The function <c>actkit predict</c> applies to the network's outputs: <c>softmax</c> or <c>sigmoid</c> when the
    /// model was trained with a loss that fused it (<c>notes.output</c> says so and the output layer is linear, emitting
    /// logits), null when the outputs are the answer as they are (no note, identity, or the output layer's own
    /// activation — a sigmoid output layer is not squashed a second time).
    /// </summary>
    public static string? FusedOutput(Mlp network, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Notes is null || !metadata.Notes.TryGetValue("output", out var output) || output is null) return null;
        string o = output.Trim().ToLowerInvariant();
        var last = network.Layers[^1];
        return FusedOutputs.Contains(o) && (last.Activation is null || last.Activation.Name == "identity") ? o : null;
    }

    /// <summary>
    /// Checks the tensor table against the network: every tensor is one the network has (weights and bias of each
    /// layer, the slopes of a PReLU layer, the normalisation's mean and std together) with the size it needs, and the
    /// tensors fill the stored floats exactly — none overlaps another, no float is left over. A version 1 file may lack
    /// a PReLU layer's slopes (written before slopes were learned).
    /// </summary>
    private static void CheckTensorTable(Mlp network, HeaderDto header, Dictionary<string, TensorDto> tensors, string name)
    {
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            expected[$"layer{i}.weight"] = layer.Weights.Length;
            expected[$"layer{i}.bias"] = layer.Bias.Length;
            if (layer.Slopes.Length > 0)
            {
                expected[$"layer{i}.slopes"] = layer.Slopes.Length;
                if (header.Version >= 2 && !tensors.ContainsKey($"layer{i}.slopes")) throw new InvalidDataException($"{name}: tensor 'layer{i}.slopes' is missing.");
            }
        }

        expected["normalization.mean"] = network.InputSize;
        expected["normalization.std"] = network.InputSize;
        if (tensors.ContainsKey("normalization.mean") != tensors.ContainsKey("normalization.std"))
        {
            throw new InvalidDataException($"{name}: tensor '{(tensors.ContainsKey("normalization.mean") ? "normalization.std" : "normalization.mean")}' is missing; the normalisation needs both its mean and its std.");
        }

        foreach (var t in tensors.Values)
        {
            if (!expected.TryGetValue(t.Name!, out long count))
            {
                throw new InvalidDataException($"{name}: tensor '{t.Name}' is not one of this network's (layerN.weight, layerN.bias, layerN.slopes of a PReLU layer, normalization.mean and .std).");
            }

            if (t.Count != count) throw new InvalidDataException($"{name}: tensor '{t.Name}' has {t.Count} floats but the architecture needs {count}.");
        }

        for (int i = 0; i < network.Layers.Count; i++)
        {
            foreach (string part in new[] { "weight", "bias" })
            {
                if (!tensors.ContainsKey($"layer{i}.{part}")) throw new InvalidDataException($"{name}: tensor 'layer{i}.{part}' is missing.");
            }
        }

        long next = 0;
        TensorDto? previous = null;
        foreach (var t in tensors.Values.OrderBy(t => t.Offset).ThenBy(t => t.Count))
        {
            if (t.Offset < next)
            {
                throw new InvalidDataException($"{name}: tensors '{previous!.Name}' (floats {previous.Offset}…{previous.Offset + previous.Count - 1}) and '{t.Name}' (from float {t.Offset}) overlap; each stored float belongs to one tensor.");
            }

            if (t.Offset > next) throw new InvalidDataException($"{name}: the stored floats {next}…{t.Offset - 1} belong to no tensor; the tensors must fill the file's {header.FloatCount} floats.");
            next = t.Offset + t.Count;
            previous = t;
        }

        if (next != header.FloatCount) throw new InvalidDataException($"{name}: the stored floats {next}…{header.FloatCount - 1} belong to no tensor; the tensors must fill the file's {header.FloatCount} floats.");
    }

    /// <summary>
    /// What is wrong with a model's metadata for its network, as the end of a sentence, or null: a null note, class,
    /// feature or target name, a task or loss or initialiser actkit does not know, an output function
    /// (<c>notes.output</c>) that is neither the output layer's own activation nor a squash of a linear output layer's
    /// logits, or class names that do not name the outputs (one per output, or two for one output).
    /// </summary>
    /// <remarks>
    /// The layers are not metadata: a row-wise hidden layer (softmax, log_softmax, hardmax…) was refused here, so a
    /// network that <see cref="Mlp"/> builds and <see cref="Trainer"/> trains could not be saved, and the error blamed
    /// metadata the caller never gave. Such layers save and load like any other; <c>actkit check</c> warns about them.
    /// </remarks>
    private static string? CheckMetadata(Mlp network, string? task, string? loss, string? init, int classCount, IReadOnlyList<string>? classNames, IReadOnlyDictionary<string, string>? notes, IReadOnlyList<string>? featureNames, IReadOnlyList<string>? targetNames)
    {
        if (targetNames is not null)
        {
            if (targetNames.Any(n => n is null)) return "a target name is null; each must be a text.";
            if (targetNames.Count != network.OutputSize) return $"it names {Spelling.Count(targetNames.Count, "target")} but the model has {Spelling.Count(network.OutputSize, "output")}; it needs one name per output.";
        }

        // A null note ("notes": {"output": null}) reached predict, which read the output function from it.
        if (notes?.FirstOrDefault(kv => kv.Value is null) is { Key: { } nullNote }) return $"the note '{nullNote}' is null; each note must be a text.";

        if (featureNames is not null)
        {
            if (featureNames.Any(n => n is null)) return "a feature name is null; each must be a text.";
            if (featureNames.Count != network.InputSize) return $"it names {Spelling.Count(featureNames.Count, "input")} but the network takes {network.InputSize}; it needs one name per input.";
        }

        if (task is not null && !Tasks.Contains(task.Trim().ToLowerInvariant()))
        {
            return $"the task '{task}' is not one of {string.Join(", ", Tasks.Take(Tasks.Count - 1))} or {Tasks[^1]}.";
        }

        if (loss is not null)
        {
            try
            {
                _ = Losses.Parse(loss);
            }
            catch (ArgumentException ex)
            {
                return $"the loss is invalid: {ExceptionMessages.WithoutParameterName(ex)}";
            }
        }

        if (init is not null)
        {
            try
            {
                _ = Initializer.Parse(init);
            }
            catch (ArgumentException ex)
            {
                return $"the initialiser is invalid: {ExceptionMessages.WithoutParameterName(ex)}";
            }
        }

        if (classCount < 0) return $"the class count is {classCount}; it must be 0 (regression) or more.";
        int outputs = network.OutputSize;

        // A classifier scores one output per class, or one logit for two: 5 classes on one output were saved, and
        // predict wrote the raw value as if it meant something.
        if (classCount > 0 && classCount != outputs && !(outputs == 1 && classCount == 2))
        {
            return $"the class count is {classCount} but the model has {Spelling.Count(outputs, "output")}; a classifier has one output per class (or one for two classes).";
        }

        string? taskName = task?.Trim().ToLowerInvariant();
        if (classCount > 0 && taskName is "regression" or "multilabel")
        {
            return $"the task is {taskName}, which has no classes, but the class count is {classCount}.";
        }

        if (classCount == 1) return "the class count is 1; a classifier has at least two classes (0 is for no classes).";
        if (classNames is not null)
        {
            if (classNames.Any(n => n is null)) return "a class name is null; each must be a text.";
            if (classNames.Count != outputs && !(outputs == 1 && classNames.Count == 2))
            {
                return $"it names {classNames.Count} class(es) but the model has {outputs} output(s); it needs one name per output (or two for a single-output binary model).";
            }

            // predict heads its columns with the names: two columns of one name cannot be told apart.
            if (classNames.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                return $"the class name '{twice.Key}' is given {twice.Count()} times; each class needs a name of its own.";
            }
        }

        if (notes is not null && notes.TryGetValue("output", out var output))
        {
            var last = network.Layers[^1];
            string o = (output ?? string.Empty).Trim().ToLowerInvariant();
            bool linear = last.Activation is null || last.Activation.Name == "identity";
            if (FusedOutputs.Contains(o))
            {
                // Fused: the layer emits logits that predict squashes; or the layer's own activation (a regression
                // model trained with --output sigmoid), which predict leaves as it is.
                if (!linear && !SameActivation(o, last)) return $"notes.output is {o}, which is applied to the logits of a linear output layer, but the output layer has the activation {last.ActivationSpec}.";

                // The squash predict applies to the logits must be the one the loss fused in training (a 3-class
                // cross-entropy model edited to sigmoid gave three independent "probabilities").
                string? fused = linear && loss is not null ? OutputPairing.FusedActivation(Losses.Parse(loss)) : null;
                if (linear && loss is not null && fused != o)
                {
                    return fused is null
                        ? $"notes.output is {o}, which squashes logits, but the loss {loss.Trim()} was computed on the linear outputs as they are; it should be identity."
                        : $"notes.output is {o}, but the loss {loss.Trim()} fused {fused} into training, so the logits must be squashed with {fused}.";
                }
            }
            else if (!RawOutputs.Contains(o) && !SameActivation(output!, last))
            {
                return $"notes.output is '{output}', which is none of identity, softmax, sigmoid or the output layer's activation ({(last.Activation is null ? "linear" : last.ActivationSpec)}).";
            }
        }

        return null;
    }

    // Whether a spec names the layer's activation (any spelling the catalog canonicalises: leaky_relu(0.2) is
    // leaky_relu(negative_slope=0.2)).
    private static bool SameActivation(string spec, DenseLayer layer)
    {
        try
        {
            var activation = DenseLayer.ResolveActivation(spec);
            return activation is null ? layer.Activation is null : layer.Activation is not null && activation.ToString() == layer.Activation.ToString();
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Where the top-level "checksum" field's text is in the header's JSON: the byte offset and length of the value
    /// between its quotes, or null when there is none.
    /// </summary>
    private static (int At, int Length)? ChecksumValue(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("checksum"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) return null;
                    return ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>FNV-1a of the whole file, the checksum's own digits (at <paramref name="at"/> in the header) read as '0'.</summary>
    private static ulong FileChecksum(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> header, int at, int length, ReadOnlySpan<byte> body)
    {
        ulong h = Fnv1a(prefix);
        h = Fnv1a(header[..at], h);
        for (int i = 0; i < length; i++) h = (h ^ (byte)'0') * 1099511628211UL;
        h = Fnv1a(header[(at + length)..], h);
        return Fnv1a(body, h);
    }

    /// <summary>
    /// Refuses an architecture whose weights and biases cannot be in the file, before any layer is allocated: a corrupt
    /// header declaring 40,000 × 40,000 units would otherwise allocate gigabytes before its tensors were found missing.
    /// Counts inputs × units + units per layer, a lower bound (a gated layer holds twice that); sizes below 1 are left
    /// to the architecture checks that follow.
    /// </summary>
    private static void CheckArchitectureSize(HeaderDto header, string name)
    {
        long width = Math.Max(header.InputSize, 0), needed = 0;
        for (int i = 0; i < header.Layers!.Count; i++)
        {
            long units = Math.Max(header.Layers[i].Units, 0);

            // width × units < 2⁶², and needed stays within FloatCount (< 2³¹) before each addition: no overflow.
            needed += (width * units) + units;
            if (needed > header.FloatCount)
            {
                // The body holds the floats the header declares (checked before), so the file is whole and its header wrong.
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{name}: corrupt header — its layers need at least {needed:N0} floats up to layer {i} ({width:N0} inputs × {units:N0} units), but it declares {header.FloatCount:N0}, which the file holds."));
            }

            width = units;
        }
    }

    /// <summary>
    /// What is wrong with a header the JSON reader refused, in plain words: which field has the wrong type and what it
    /// must be ("the field 'layers[0].dropout' must be a number"), or that the text is not valid JSON, with the line —
    /// not .NET's "could not be converted to System.Double. Path: $.layers[0].dropout | LineNumber: 9 …".
    /// </summary>
    private static string HeaderProblem(JsonException ex)
    {
        string where = ex.LineNumber is long line
            ? $" (line {line + 1}{(ex.BytePositionInLine is long position ? $", byte {position + 1}" : string.Empty)} of the header)"
            : string.Empty;
        var converted = System.Text.RegularExpressions.Regex.Match(ex.Message, @"could not be converted to (\S+?)\.? Path:");
        if (!converted.Success) return $"it is not valid JSON{where}";
        string type = converted.Groups[1].Value;
        string expected = type switch
        {
            "System.Double" or "System.Single" => "a number",
            "System.Int32" => "a whole number no larger than 2,147,483,647",
            "System.Int64" => "a whole number",
            "System.String" => "a text in quotes",
            "System.Boolean" => "true or false",
            _ when type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "a list [ … ]",
            _ => "an object { … }",
        };
        string field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : string.Empty;
        return field.Length == 0 ? $"the header must be a JSON object{where}" : $"the field '{field}' must be {expected}{where}";
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> data, ulong h = 14695981039346656037UL)
    {
        foreach (byte b in data) h = (h ^ b) * 1099511628211UL;
        return h;
    }

    private sealed class HeaderDto
    {
        public string? Format { get; set; }

        public int Version { get; set; }

        public int InputSize { get; set; }

        public List<LayerDto>? Layers { get; set; }

        public List<TensorDto>? Tensors { get; set; }

        public long FloatCount { get; set; }

        public string? Checksum { get; set; }

        /// <summary>"file" when <see cref="Checksum"/> covers the whole file; null in files whose checksum covers the weights only.</summary>
        public string? ChecksumScope { get; set; }

        public string? Task { get; set; }

        public int ClassCount { get; set; }

        public List<string>? ClassNames { get; set; }

        public string? Loss { get; set; }

        public string? Init { get; set; }

        public Dictionary<string, string>? Notes { get; set; }

        /// <summary>The inputs' names; absent in files saved from data without a header, and in files saved before it.</summary>
        public List<string>? FeatureNames { get; set; }

        /// <summary>The outputs' names of a multilabel or multi-output regression model; absent otherwise and in older files.</summary>
        public List<string>? TargetNames { get; set; }
    }

    private sealed class LayerDto
    {
        public int Units { get; set; }

        public string? Activation { get; set; }

        public int PreWidth { get; set; }

        public string? Init { get; set; }

        public double Dropout { get; set; }
    }

    private sealed class TensorDto
    {
        public string? Name { get; set; }

        public long Offset { get; set; }

        public int Count { get; set; }
    }
}
