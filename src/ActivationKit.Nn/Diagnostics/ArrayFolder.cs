using System.Text.Json;
using ActivationKit.Diagnostics;
using ActivationKit.IO;

namespace ActivationKit.Nn.Diagnostics;

/// <summary>What the arrays of a folder are when there is no manifest.</summary>
public enum ArrayKind
{
    /// <summary>Pre-activations (the input of the activation): every check applies.</summary>
    Pre,

    /// <summary>Activations (the output of the activation): dead units, collapse and statistics only.</summary>
    Post,
}

/// <summary>Layers read from a folder of .npy files, ready to diagnose.</summary>
/// <param name="Layers">The layers, input side first.</param>
/// <param name="Weights">Weights per layer for the initialisation checks (empty when the folder has none).</param>
/// <param name="Task">The task, when the manifest gives it.</param>
/// <param name="Loss">The loss (OutputCheck name), when the manifest gives it.</param>
/// <param name="Files">The files read, relative to the folder.</param>
public sealed record ArrayFolderContent(IReadOnlyList<LayerSnapshot> Layers, IReadOnlyList<LayerWeights> Weights, TaskKind? Task, string? Loss, IReadOnlyList<string> Files);

/// <summary>
/// Reads activations dumped by any framework: one .npy file per layer, [samples × units], float32 or float64.
/// With a <c>manifest.json</c> the folder says the layer order, each layer's activation (catalog spec), and which files
/// hold pre-activations, activations, weight gradients and weights; without one, every .npy file is a layer in
/// natural name order (<c>layer2</c> before <c>layer10</c>), all of one <see cref="ArrayKind"/> and one activation.
/// </summary>
/// <remarks>
/// Manifest: <c>{"layers": [{"name": "fc1", "activation": "relu", "pre": "fc1_pre.npy", "post": "fc1_post.npy",
/// "gradient": "fc1_wgrad.npy", "weights": "fc1_w.npy", "weightsLayout": "in_out"}, …], "task": "multiclass",
/// "loss": "ce"}</c>. Every layer needs <c>pre</c> or <c>post</c>; the rest is optional. Layer names (default
/// <c>layerN</c>) must differ: findings are reported by name. A layer with both <c>pre</c> and <c>post</c> must have
/// post = f(pre) within float rounding (a layer between the two dumps is refused). <c>gradient</c> is ∂L/∂W
/// (any shape: only its norm is used), to be given for every layer or none. <c>weights</c> is [fan_in × units]
/// (<c>in_out</c>) or [units × fan_in] (<c>out_in</c>, PyTorch's nn.Linear). <c>task</c> is regression, binary,
/// multiclass or multilabel; <c>loss</c> is one of <see cref="OutputCheck.Losses"/> (mse, mae, huber, poisson, bce,
/// bce_logits, ce, ce_logits, ranknet, listnet).
/// </remarks>
public static class ArrayFolder
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestName = "manifest.json";

    private static readonly string[] LayerKeys = ["name", "activation", "pre", "post", "gradient", "weights", "weightsLayout"];
    private static readonly string[] TopKeys = ["layers", "task", "loss"];

    /// <summary>
    /// Reads <paramref name="directory"/>. <paramref name="activation"/> applies to layers the manifest gives no
    /// activation (and to all layers without a manifest, where it is required); <paramref name="outputActivation"/>,
    /// when given, replaces it for the last layer. With a manifest they only fill gaps: an
    /// <paramref name="outputActivation"/> for a last layer the manifest gives an activation, or an
    /// <paramref name="activation"/> that fills no layer, is refused (<see cref="ArgumentException"/>), and
    /// <paramref name="kind"/> is not read (the manifest names each file <c>pre</c> or <c>post</c>).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist, or is a file.</exception>
    /// <exception cref="InvalidDataException">An empty folder, a bad manifest or .npy file, or inconsistent shapes.</exception>
    /// <exception cref="ArgumentException">A missing or unknown activation (with suggestions), or an activation option the manifest leaves nothing to fill for.</exception>
    public static ArrayFolderContent Load(string directory, string? activation = null, string? outputActivation = null, ArrayKind kind = ArrayKind.Pre)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (File.Exists(directory)) throw new DirectoryNotFoundException($"'{TerminalText.Safe(directory)}' is a file; give the folder that holds the layers' .npy arrays.");
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"The folder '{TerminalText.Safe(directory)}' does not exist.");
        // Both specs are checked even where the manifest leaves them unused: a misspelt --activation was ignored silently.
        if (activation is not null) DenseLayer.ResolveActivation(activation);
        if (outputActivation is not null) DenseLayer.ResolveActivation(outputActivation);
        string manifest = Path.Combine(directory, ManifestName);

        // A folder of that name was passed over, and the files then read without the manifest their owner meant.
        if (Directory.Exists(manifest)) throw new InvalidDataException($"The folder '{TerminalText.Safe(directory)}' holds a folder named {ManifestName}; the manifest must be a JSON file.");
        return File.Exists(manifest)
            ? FromManifest(directory, manifest, activation, outputActivation)
            : FromFiles(directory, activation, outputActivation, kind);
    }

    /// <summary>Runs one check on the content (plus the initialisation and output checks when it allows them).</summary>
    public static DiagnosticsReport Diagnose(ArrayFolderContent content, string source, DiagnosticsSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new DiagnosticsSessionOptions();

        // One snapshot: a streak of one check is all the evidence there is, and dead units are judged on the rows it
        // has (DeadMinSamples 1: no later check will come to pool it with); the finding's evidence says how many.
        options = options with { Thresholds = options.Thresholds with { VanishingSteps = 1, DeadMinSamples = 1 }, DeadChecks = 1, OutputLoss = options.OutputLoss ?? content.Loss, OutputTask = options.OutputTask ?? content.Task, Arrays = true };
        var session = new DiagnosticsSession(options);
        if (content.Weights.Count > 0) session.AddInitCheck(content.Weights);
        if (content.Task is { } task && content.Loss is { } loss)
        {
            string act = content.Layers[^1].Activation?.ToString() ?? "identity";
            session.Add(OutputCheck.Check(act, task, loss).Select(f => f with { Layer = content.Layers[^1].Name }));
        }

        session.Check(1, content.Layers);
        return session.Report(source, every: 0, steps: 0);
    }

    private static ArrayFolderContent FromFiles(string directory, string? activation, string? outputActivation, ArrayKind kind)
    {
        var files = Directory.GetFiles(directory, "*.npy").Select(Path.GetFileName).OfType<string>().Order(NaturalOrder.Instance).ToArray();
        if (files.Length == 0) throw new InvalidDataException($"The folder '{TerminalText.Safe(directory)}' has no .npy files (and no {ManifestName}).");
        if (string.IsNullOrWhiteSpace(activation))
        {
            throw new ArgumentException($"The folder '{TerminalText.Safe(directory)}' has no {ManifestName}: give the layers' activation with --activation (e.g. --activation relu), or write a manifest.", nameof(activation));
        }

        var layers = new List<LayerSnapshot>();
        for (int i = 0; i < files.Length; i++)
        {
            string spec = i == files.Length - 1 && outputActivation is not null ? outputActivation : activation;
            var f = DenseLayer.ResolveActivation(spec);
            var (data, rows, cols) = Read2D(directory, files[i]);
            string name = Path.GetFileNameWithoutExtension(files[i]);
            layers.Add(kind == ArrayKind.Pre ? FromPre(name, f, data, rows, cols, files[i]) : FromPost(name, f, data, rows, cols, files[i], manifest: false));
        }

        CheckRows(layers, files);
        return new ArrayFolderContent(layers, [], null, null, files);
    }

    private static ArrayFolderContent FromManifest(string directory, string manifestPath, string? activation, string? outputActivation)
    {
        JsonDocument doc;
        ActivationKit.IO.FileKind.RefuseSpecialInput(manifestPath, $"The {ManifestName}", "give a JSON file");
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(manifestPath), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{ManifestName} is not valid JSON {JsonProblem(e)}.");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{ManifestName} must be a JSON object with a \"layers\" array.");
            CheckKeys(root, TopKeys, ManifestName);
            if (!root.TryGetProperty("layers", out var layersJson) || layersJson.ValueKind != JsonValueKind.Array || layersJson.GetArrayLength() == 0)
            {
                throw new InvalidDataException($"{ManifestName} needs a non-empty \"layers\" array.");
            }

            CheckOptionsFillGaps(layersJson, activation, outputActivation);
            var layers = new List<LayerSnapshot>();
            var weights = new List<LayerWeights>();
            var files = new List<string> { ManifestName };
            var norms = new List<double?>();
            int count = layersJson.GetArrayLength(), index = 0;
            foreach (var l in layersJson.EnumerateArray())
            {
                string where = $"{ManifestName} layer {index + 1}";
                if (l.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where} must be an object.");
                CheckKeys(l, LayerKeys, where);
                string name = Text(l, "name", where) ?? $"layer{index}";
                if (string.IsNullOrWhiteSpace(name)) throw new InvalidDataException($"{where}: \"name\" is empty; give the layer a name, or leave the key out for the default layer{index}.");
                if (layers.FindIndex(x => x.Name == name) is int twin and >= 0)
                {
                    throw new InvalidDataException($"{ManifestName}: layers {twin + 1} and {index + 1} are both named '{TerminalText.Safe(name)}'; give every layer its own name (findings are reported by name).");
                }

                where = $"{ManifestName} layer '{TerminalText.Safe(name)}'";
                // A blank "activation" is none given, as CheckOptionsFillGaps counts it: --activation fills it.
                string? stated = Text(l, "activation", where);
                string? spec = index == count - 1 && outputActivation is not null ? outputActivation : (string.IsNullOrWhiteSpace(stated) ? null : stated) ?? activation;
                if (string.IsNullOrWhiteSpace(spec)) throw new ArgumentException($"Layer '{TerminalText.Safe(name)}' has no activation: give it in {ManifestName} (\"activation\": \"relu\") or with --activation.", nameof(activation));
                var f = DenseLayer.ResolveActivation(spec);
                string? preFile = Text(l, "pre", where), postFile = Text(l, "post", where);
                if (preFile is null && postFile is null) throw new InvalidDataException($"{where} needs \"pre\" (pre-activations) or \"post\" (activations).");
                LayerSnapshot? fromPre = null, fromPost = null;
                if (preFile is not null)
                {
                    var (d, r, c) = Read2D(directory, preFile);
                    fromPre = FromPre(name, f, d, r, c, preFile);
                    files.Add(preFile);
                }

                if (postFile is not null)
                {
                    var (d, r, c) = Read2D(directory, postFile);
                    fromPost = FromPost(name, f, d, r, c, postFile, manifest: true);
                    files.Add(postFile);
                }

                var layer = fromPre ?? fromPost!;
                if (fromPre is not null && fromPost is not null)
                {
                    if (fromPre.Rows != fromPost.Rows || fromPre.Units != fromPost.Units)
                    {
                        throw new InvalidDataException($"Layer '{TerminalText.Safe(name)}': {TerminalText.Safe(postFile!)} has shape [{fromPost.Rows}, {fromPost.Units}] but {TerminalText.Safe(preFile!)} gives [{fromPre.Rows}, {fromPre.Units}] after {fromPre.ActivationName}.");
                    }

                    CheckPostIsActivationOfPre(name, fromPre, fromPost, preFile!, postFile!);
                    layer = fromPre with { Post = fromPost.Post };
                }

                if (Text(l, "gradient", where) is { } gradFile)
                {
                    var g = ReadAny(directory, gradFile);
                    double sq = 0;
                    foreach (float v in g.Data) sq += (double)v * v;
                    norms.Add(Math.Sqrt(sq));
                    files.Add(gradFile);
                }
                else
                {
                    norms.Add(null);
                }

                if (Text(l, "weights", where) is { } weightFile)
                {
                    weights.Add(Weights(directory, weightFile, Text(l, "weightsLayout", where) ?? "in_out", layer, where));
                    files.Add(weightFile);
                }

                layers.Add(layer);
                index++;
            }

            CheckRows(layers, layers.Select(x => x.Name).ToArray());
            int withGradient = norms.Count(n => n is not null);
            if (withGradient != 0 && withGradient != layers.Count)
            {
                throw new InvalidDataException($"{ManifestName} gives \"gradient\" for {withGradient} of {layers.Count} layers: give it for every layer (the gradient flow compares them) or for none.");
            }

            if (weights.Count != 0 && weights.Count != layers.Count)
            {
                throw new InvalidDataException($"{ManifestName} gives \"weights\" for {weights.Count} of {layers.Count} layers: give them for every layer or for none.");
            }

            for (int i = 0; i < layers.Count; i++) layers[i] = layers[i] with { GradientNorm = norms[i], WeightNorm = weights.Count == 0 ? null : Norm(weights[i].Weights.Span) };

            for (int i = 1; i < weights.Count; i++)
            {
                if (weights[i].FanIn != layers[i - 1].Units)
                {
                    throw new InvalidDataException($"Layer '{TerminalText.Safe(layers[i].Name)}': its weights take {weights[i].FanIn} inputs but layer '{TerminalText.Safe(layers[i - 1].Name)}' has {layers[i - 1].Units} units.");
                }
            }

            TaskKind? task = Text(root, "task", ManifestName) is { } t ? ParseTask(t) : null;
            string? loss = Text(root, "loss", ManifestName);
            if ((task is null) != (loss is null)) throw new InvalidDataException($"{ManifestName} must give \"task\" and \"loss\" together (the output check needs both).");
            return new ArrayFolderContent(layers, weights, task, loss?.Trim(), files);
        }
    }

    private static LayerSnapshot FromPre(string name, Activation? f, float[] data, int rows, int cols, string file)
    {
        int units = cols;
        CheckChannels(name, f, cols, file);
        if (f is not null)
        {
            if (f.Info.Kind == Catalog.ActivationKind.Gated && cols % 2 != 0)
            {
                throw new InvalidDataException($"{TerminalText.Safe(file)} has {cols} columns, but the gated activation {f} needs an even number of pre-activation columns.");
            }

            units = f.OutputColumns(cols);
        }

        var post = new float[rows * units];
        if (f is null) data.CopyTo(post, 0);
        else f.Forward(data, post, cols);
        return new LayerSnapshot { Name = name, Activation = f, Units = units, PreWidth = cols, Rows = rows, Pre = data, Post = post };
    }

    /// <summary>How far dumped activations may differ from the function of the dumped pre-activations (relative).</summary>
    internal const double PostRelativeTolerance = 1e-2;

    /// <summary>The same, absolute, as a fraction of the layer's RMS activation: values near 0 differ by rounding alone.</summary>
    internal const double PostAbsoluteTolerance = 1e-3;

    /// <summary>
    /// A layer's <c>post</c> must be its function of its <c>pre</c>: with a layer between the two hooks (BatchNorm,
    /// LayerNorm, dropout in training mode, a residual add), or a mislabelled file or activation, the checks contradict
    /// each other — pre-activations all negative under ReLU were "8 of 8 units dead" beside activations with a mean of
    /// 0.742 in the same report. Within float rounding of any dump, float16 and bfloat16 included, and of another
    /// framework's formula (GELU's tanh form): |post − f(pre)| ≤ 10⁻²·max(|post|, |f(pre)|) + 10⁻³·RMS(f(pre)).
    /// Non-finite values are the non_finite check's; more than 0.1 % of the values outside the tolerance (any, for
    /// dumps under a thousand values) is refused.
    /// </summary>
    private static void CheckPostIsActivationOfPre(string name, LayerSnapshot fromPre, LayerSnapshot fromPost, string preFile, string postFile)
    {
        var computed = fromPre.Post.Span;
        var given = fromPost.Post.Span;
        double sq = 0;
        long finite = 0;
        foreach (float v in computed)
        {
            if (!float.IsFinite(v)) continue;
            sq += (double)v * v;
            finite++;
        }

        double absolute = (PostAbsoluteTolerance * (finite == 0 ? 0 : Math.Sqrt(sq / finite))) + 1e-30;
        long differ = 0;
        int worst = -1;
        double worstGap = 0;
        for (int i = 0; i < computed.Length; i++)
        {
            double c = computed[i], g = given[i];
            if (!double.IsFinite(c) || !double.IsFinite(g)) continue;
            double gap = Math.Abs(g - c);
            if (gap <= absolute + (PostRelativeTolerance * Math.Max(Math.Abs(c), Math.Abs(g)))) continue;
            differ++;
            if (gap > worstGap) (worst, worstGap) = (i, gap);
        }

        if (differ == 0 || differ <= 1e-3 * computed.Length) return;
        int units = fromPre.Units, row = worst / units, unit = worst % units;
        string f = fromPre.ActivationName;
        string input = fromPre.PreWidth == units ? $"of {Number(fromPre.Pre.Span[(row * units) + unit])} " : string.Empty;
        throw new InvalidDataException(
            $"Layer '{TerminalText.Safe(name)}': {TerminalText.Safe(postFile)} is not {f} of {TerminalText.Safe(preFile)}: {differ} of {computed.Length} values differ by more than float rounding "
            + $"(row {row}, unit {unit}: {f} {input}is {Number(computed[worst])}, but {TerminalText.Safe(postFile)} has {Number(given[worst])}). "
            + "Something sits between the two dumps (BatchNorm, LayerNorm, dropout in training mode, a residual add), or a file or the activation is mislabelled, "
            + $"and the checks would contradict each other (dead units and saturation judged from one, the activations from the other). "
            + $"Give as \"pre\" the activation's actual input (the output of the last layer before it), dump in eval mode, or list only one of the two files in {ManifestName}.");

        static string Number(double v) => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture).Replace('-', '−');
    }

    /// <summary>A function with one parameter per channel (prelu(num_parameters=C)) needs C columns.</summary>
    private static void CheckChannels(string name, Activation? f, int cols, string file)
    {
        if (f is null || f.Channels <= 1 || f.Channels == cols) return;
        throw new InvalidDataException($"Layer '{TerminalText.Safe(name)}': {f} has {f.Channels} slopes, one per unit, but {TerminalText.Safe(file)} has {cols} columns; use num_parameters=1 (one shared slope) or num_parameters={cols}.");
    }

    private static LayerSnapshot FromPost(string name, Activation? f, float[] data, int rows, int cols, string file, bool manifest)
    {
        CheckChannels(name, f, cols, file);
        CheckOutputRange(f, data, file, manifest);
        return new LayerSnapshot
        {
            Name = name,
            Activation = f,
            Units = cols,
            PreWidth = f?.Info.Kind == Catalog.ActivationKind.Gated ? 2 * cols : cols,
            Rows = rows,
            Post = data,
        };
    }

    /// <summary>
    /// Activations outside what the function can output are not its activations (pre-activations dumped as
    /// <c>post</c>, or the wrong activation named): tanh "activations" of ±3.5 were diagnosed as if they were. Checked
    /// only on the sides the catalog marks bounded, against the function's extremes at its own parameters (sampled in
    /// double: hardtanh(−2, 2) outputs ±2), with room for float rounding and float16 dumps (10⁻³ of the bound, at least
    /// 10⁻³): a sigmoid rounded to exactly 1, or gelu's minimum rounded past −0.16997, is accepted.
    /// </summary>
    private static void CheckOutputRange(Activation? f, float[] data, string file, bool manifest)
    {
        // One set of parameters per function: prelu(num_parameters=C) has a range per channel (and is unbounded below).
        if (f is null || f.Info.Kind != Catalog.ActivationKind.Elementwise || f.Channels != 1 || !(f.Info.BoundedBelow || f.Info.BoundedAbove)) return;
        var (low, high) = OutputExtremes(f);
        double lowest = f.Info.BoundedBelow ? low - (1e-3 * Math.Max(1, Math.Abs(low))) : double.NegativeInfinity;
        double highest = f.Info.BoundedAbove ? high + (1e-3 * Math.Max(1, Math.Abs(high))) : double.PositiveInfinity;
        long outside = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in data)
        {
            // NaN and ∞ are the session's non_finite finding, not a question of range.
            if (!float.IsFinite(v) || (v >= lowest && v <= highest)) continue;
            outside++;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        if (outside == 0) return;
        string range = $"{(f.Info.BoundedBelow ? "[" + Number(low) : "(−∞")}, {(f.Info.BoundedAbove ? Number(high) + "]" : "∞)")}";
        string span = min == max ? Number(min) : $"{Number(min)} to {Number(max)}";
        throw new InvalidDataException(
            $"{TerminalText.Safe(file)} holds {outside} value(s) outside what {f} outputs, {range} ({span}), so they are not its activations; "
            + (manifest ? $"if they are pre-activations, list the file as \"pre\" in {ManifestName}." : "if they are pre-activations, leave out --arrays post."));

        static string Number(double v) => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture).Replace('-', '−');
    }

    /// <summary>The smallest and largest outputs of <paramref name="f"/>, sampled in double every 1/1024 over [−40, 40] and at ±2^k to the double range.</summary>
    private static (double Low, double High) OutputExtremes(Activation f)
    {
        var points = new List<double>();
        for (int k = -40 * 1024; k <= 40 * 1024; k++) points.Add(k / 1024.0);
        for (int e = 6; e <= 1022; e++)
        {
            double p = Math.ScaleB(1, e);
            points.AddRange([p, -p, 1.5 * p, -1.5 * p]);
        }

        int channels = f.Channels;
        var x = new double[points.Count * channels];
        for (int i = 0; i < points.Count; i++) x.AsSpan(i * channels, channels).Fill(points[i]);
        var y = new double[x.Length];
        f.Forward(x, y, channels);
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (double v in y)
        {
            if (!double.IsFinite(v)) continue;
            low = Math.Min(low, v);
            high = Math.Max(high, v);
        }

        return (low, high);
    }

    private static LayerWeights Weights(string directory, string file, string layout, LayerSnapshot layer, string where)
    {
        var (data, rows, cols) = Read2D(directory, file);
        bool outIn = layout.Trim().ToLowerInvariant() switch
        {
            "in_out" => false,
            "out_in" => true,
            _ => throw new InvalidDataException($"{where}: \"weightsLayout\" must be \"in_out\" ([fan_in × units]) or \"out_in\" ([units × fan_in]), not '{ExceptionMessages.Excerpt(layout)}'."),
        };
        int fanIn = outIn ? cols : rows, fanOut = outIn ? rows : cols;
        if (fanOut != layer.PreWidth)
        {
            throw new InvalidDataException($"{TerminalText.Safe(file)} has shape [{rows}, {cols}]: with layout {(outIn ? "out_in" : "in_out")} that is {fanOut} units, but layer '{TerminalText.Safe(layer.Name)}' has {layer.PreWidth}.");
        }

        if (outIn)
        {
            var t = new float[data.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++) t[(c * rows) + r] = data[(r * cols) + c];
            }

            data = t;
        }

        return new LayerWeights(layer.Name, data, fanIn, fanOut, layer.Activation);
    }

    private static double Norm(ReadOnlySpan<float> values)
    {
        double sq = 0;
        foreach (float v in values) sq += (double)v * v;
        return Math.Sqrt(sq);
    }

    private static void CheckRows(List<LayerSnapshot> layers, IReadOnlyList<string> names)
    {
        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].Rows != layers[0].Rows)
            {
                throw new InvalidDataException($"Shape mismatch: {TerminalText.Safe(names[0])} has {layers[0].Rows} samples but {TerminalText.Safe(names[i])} has {layers[i].Rows}; every layer must come from the same inputs.");
            }
        }

        if (layers[0].Rows < 2) throw new InvalidDataException($"{TerminalText.Safe(names[0])} has {layers[0].Rows} sample(s); the checks need at least 2 samples per layer.");
    }

    private static (float[] Data, int Rows, int Columns) Read2D(string directory, string file)
    {
        var a = ReadAny(directory, file);
        if (a.Shape.Count != 2 || a.Shape[1] < 1)
        {
            throw new InvalidDataException($"{TerminalText.Safe(file)} has shape [{string.Join(", ", a.Shape)}]; expected 2-D [samples × units].");
        }

        return (a.Data, a.Shape[0], a.Shape[1]);
    }

    private static (float[] Data, IReadOnlyList<int> Shape) ReadAny(string directory, string file)
    {
        if (Path.IsPathRooted(file) || file.Split('/', '\\').Contains("..")) throw new InvalidDataException($"'{TerminalText.Safe(file)}' in {ManifestName} must be a file name inside the folder.");
        string path = Path.Combine(directory, file);
        if (Directory.Exists(path))
        {
            // "." (or "") is there, as the folder itself: "is not in the folder" sent the user looking for a missing file.
            bool itself = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) == Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            throw new InvalidDataException(itself
                ? $"'{TerminalText.Safe(file)}' in {ManifestName} is the folder itself, not a .npy file in it; give the file's name."
                : $"'{TerminalText.Safe(file)}' in {ManifestName} is a folder, not a .npy file; give the file's name.");
        }

        if (!File.Exists(path)) throw new FileNotFoundException($"{TerminalText.Safe(file)} is listed in {ManifestName} but is not in '{TerminalText.Safe(directory)}'.", path);
        // numpy.save(w.T) writes Fortran order; read as numpy.load would (the layout a transposed PyTorch weight has).
        var a = Npy.Read(path, fortranOrder: true);
        if (a.Double is { } wide)
        {
            // Finite in float64 but beyond float32, where the checks run: they would show up as "NaN or infinite".
            int beyond = 0;
            double largest = 0;
            foreach (double v in wide)
            {
                if (!double.IsFinite(v) || Math.Abs(v) <= float.MaxValue) continue;
                beyond++;
                largest = Math.Max(largest, Math.Abs(v));
            }

            if (beyond > 0)
            {
                throw new InvalidDataException($"{TerminalText.Safe(file)} holds {beyond} finite float64 value(s) beyond the float32 range (largest magnitude {largest:G3}, float32 ends at 3.4E+38); the checks run in float32, where they would be infinite, and values that large mean the forward pass has already diverged.");
            }
        }

        return (a.ToSingleArray(), a.Shape);
    }

    /// <summary>
    /// The options only fill what the manifest leaves out: --output-activation replaced the activation the manifest gives
    /// the last layer without a word (and a range error then told the user to fix the manifest), and an --activation
    /// that no layer lacks was ignored silently. Either is refused, naming the option and the manifest.
    /// </summary>
    private static void CheckOptionsFillGaps(JsonElement layersJson, string? activation, string? outputActivation)
    {
        var stated = layersJson.EnumerateArray()
            .Select(l => l.ValueKind == JsonValueKind.Object && l.TryGetProperty("activation", out var a) && a.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(a.GetString()) ? a.GetString() : null)
            .ToArray();
        if (outputActivation is not null && stated[^1] is { } last)
        {
            throw new ArgumentException($"--output-activation {outputActivation.Trim()} would replace the activation {ManifestName} gives the last layer ('{ExceptionMessages.Excerpt(last)}'); give it in one place, leaving out --output-activation or that layer's \"activation\".", nameof(outputActivation));
        }

        // The last layer takes --output-activation when both are given, so --activation fills only the others.
        int open = stated.Take(outputActivation is null ? stated.Length : stated.Length - 1).Count(a => a is null);
        if (activation is not null && open == 0)
        {
            throw new ArgumentException($"--activation {activation.Trim()} fills no layer: {ManifestName} gives every layer{(outputActivation is null ? string.Empty : " before the last")} its activation; leave out --activation, which only fills the layers the manifest gives none.", nameof(activation));
        }
    }

    /// <summary>
    /// Where and what the parser found wrong, as one clause: "at line 1, column 13: …". Its own message ended in
    /// " LineNumber: 0 | BytePositionInLine: 12." (both counted from 0), given here once and counted from 1, as editors
    /// count; a file that ends unfinished says so rather than the reader's "Expected depth to be zero …".
    /// </summary>
    private static string JsonProblem(JsonException e)
    {
        string reason = e.Message;
        int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) reason = reason[..cut].TrimEnd();
        if (reason.StartsWith("Expected depth to be zero", StringComparison.Ordinal) || reason.Contains("end of data", StringComparison.OrdinalIgnoreCase))
        {
            reason = "the file ends before its objects and arrays are closed";
        }
        else if (reason.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            reason = "the file is empty";
        }
        else
        {
            // The reader's text is one or two sentences of its own: kept, joined into this one.
            reason = string.Join("; ", reason.TrimEnd('.').Split(". ").Select(part => char.ToLowerInvariant(part[0]) + part[1..]));
        }

        string at = e.LineNumber is long line ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}") : "at an unknown position";
        return $"{at}: {reason}";
    }

    private static string? Text(JsonElement e, string key, string where)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw new InvalidDataException($"{where}: \"{key}\" must be a string.");
        return v.GetString();
    }

    private static void CheckKeys(JsonElement e, string[] known, string where)
    {
        foreach (var p in e.EnumerateObject())
        {
            if (!known.Contains(p.Name, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{where}: unknown key \"{ExceptionMessages.Excerpt(p.Name)}\" (known: {string.Join(", ", known)}).");
            }
        }
    }

    private static TaskKind ParseTask(string s) => s.Trim().ToLowerInvariant() switch
    {
        "regression" => TaskKind.Regression,
        "binary" => TaskKind.Binary,
        "multiclass" or "multi_class" => TaskKind.Multiclass,
        "multilabel" or "multi_label" => TaskKind.Multilabel,
        _ => throw new InvalidDataException($"{ManifestName}: unknown task '{ExceptionMessages.Excerpt(s)}' (regression, binary, multiclass, multilabel)."),
    };

    /// <summary>Orders names with digit runs compared as numbers: layer2 before layer10.</summary>
    private sealed class NaturalOrder : IComparer<string?>
    {
        public static readonly NaturalOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null) return string.CompareOrdinal(x, y);
            int i = 0, j = 0;
            while (i < x.Length && j < y.Length)
            {
                if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
                {
                    int si = i, sj = j;
                    while (i < x.Length && char.IsAsciiDigit(x[i])) i++;
                    while (j < y.Length && char.IsAsciiDigit(y[j])) j++;
                    string a = x[si..i].TrimStart('0'), b = y[sj..j].TrimStart('0');
                    int c = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
                    if (c != 0) return c;
                }
                else
                {
                    int c = x[i].CompareTo(y[j]);
                    if (c != 0) return c;
                    i++;
                    j++;
                }
            }

            int rest = (x.Length - i).CompareTo(y.Length - j);
            return rest != 0 ? rest : string.CompareOrdinal(x, y);
        }
    }
}
