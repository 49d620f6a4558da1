namespace ActivationKit.Nn.Experiments;

/// <summary>One epoch of a trial's learning curve.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches.</param>
/// <param name="TrainAccuracy">Training accuracy accumulated over the batches as they were trained.</param>
/// <param name="ValidationLoss">Validation loss after the epoch.</param>
/// <param name="ValidationAccuracy">Validation accuracy after the epoch.</param>
/// <param name="Seconds">Wall time of the epoch's training (not part of the reproducible result).</param>
public sealed record EpochPoint(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy, double Seconds);

/// <summary>End-of-training diagnostics of one hidden layer on a held-out batch.</summary>
/// <param name="Layer">0-based layer index.</param>
/// <param name="Activation">The layer's activation spec.</param>
/// <param name="Units">Pre-activation columns examined.</param>
/// <param name="Samples">Held-out samples examined.</param>
/// <param name="DeadFraction">Fraction of units with f = 0 and f′ = 0 on every sample (<c>DeadUnitDetector.FromPreActivations</c>); NaN for a gated or row-wise function, which has no per-unit derivative and is not measured.</param>
/// <param name="SaturatedFraction">Fraction of pre-activations in a flat tail, |f′| &lt; 5 % of its peak (<c>SaturationDetector.Measure</c>); NaN for a gated function.</param>
/// <param name="OutputMean">Mean of the layer's outputs.</param>
/// <param name="OutputStd">Standard deviation of the layer's outputs.</param>
/// <param name="HistogramEdges">Bin edges of the outputs' histogram.</param>
/// <param name="HistogramCounts">Counts per bin.</param>
public sealed record LayerDiagnostics(
    int Layer, string Activation, int Units, int Samples, double DeadFraction, double SaturatedFraction,
    double OutputMean, double OutputStd, IReadOnlyList<double> HistogramEdges, IReadOnlyList<long> HistogramCounts);

/// <summary>Everything recorded about one trial; written as one JSON file as soon as the trial finishes.</summary>
public sealed record TrialResult
{
    /// <summary>File format tag.</summary>
    public const string FormatTag = "actkit-trial/1";

    public string Format { get; init; } = FormatTag;

    /// <summary>Hash of <see cref="ExperimentKey"/>: every trial of one comparison shares it.</summary>
    public required string Experiment { get; init; }

    /// <summary>The comparison's canonical configuration text.</summary>
    public required string ExperimentKey { get; init; }

    /// <summary>This trial's canonical configuration: the experiment basis, the activation, its initialiser and the seed.</summary>
    public required string Key { get; init; }

    /// <summary>Hash of <see cref="Key"/>.</summary>
    public required string Hash { get; init; }

    /// <summary>Position in the plan.</summary>
    public required int Index { get; init; }

    /// <summary>The contender label (<c>relu</c>, <c>sigmoid@zeros</c>).</summary>
    public required string Label { get; init; }

    /// <summary>The hidden activation spec.</summary>
    public required string Activation { get; init; }

    /// <summary>The initialiser the hidden layers actually used (auto resolved), e.g. <c>he_normal</c>.</summary>
    public required string Init { get; init; }

    public required ulong Seed { get; init; }

    /// <summary>Accuracy on the test split; NaN when training diverged (a diverged network has no accuracy).</summary>
    public required double TestAccuracy { get; init; }

    /// <summary>Mean loss on the test split; NaN when training diverged.</summary>
    public required double TestLoss { get; init; }

    /// <summary>
    /// Samples of the test split (0 in files written before it was recorded): <see cref="TestAccuracy"/> × this is the
    /// count of correct answers, which the ranking compares exactly.
    /// </summary>
    public int TestSamples { get; init; }

    /// <summary>First epoch whose validation accuracy reached the target, or null if none did.</summary>
    public int? EpochsToTarget { get; init; }

    /// <summary>Mean wall time per epoch (not part of the reproducible result).</summary>
    public double SecondsPerEpoch { get; init; }

    /// <summary>Dead units over all hidden layers (fraction of units); NaN when training diverged or the function is gated (not measured).</summary>
    public double DeadFraction { get; init; }

    /// <summary>Saturated pre-activations over all hidden layers; NaN when training diverged or the function is gated (not measured).</summary>
    public double SaturatedFraction { get; init; }

    /// <summary>True when training stopped on a non-finite loss or weights.</summary>
    public bool Diverged { get; init; }

    /// <summary>Why training stopped early, or null.</summary>
    public string? Message { get; init; }

    /// <summary>Per-epoch learning curve.</summary>
    public required IReadOnlyList<EpochPoint> Curve { get; init; }

    /// <summary>Per hidden layer diagnostics at the end of training; empty when training diverged.</summary>
    public required IReadOnlyList<LayerDiagnostics> Layers { get; init; }

    /// <summary>
    /// Per hidden layer: output histograms (on fixed edges) and dead/saturated fractions at the initial weights and at
    /// regular epochs (<see cref="ActivationTimeline"/>); a diverged trial's ends with the last epoch whose weights were
    /// finite. Null in files written before it was recorded.
    /// </summary>
    public IReadOnlyList<LayerTimeline>? Timeline { get; init; }

    /// <summary>
    /// The first value no run can have written, said as "testAccuracy is 5, outside [0, 1]", or null when every value is
    /// possible: accuracies and fractions outside [0, 1], a negative loss, sample count or time, a NaN test accuracy
    /// in a trial that did not diverge (NaN losses and detector fractions are possible without divergence), epochs outside 1…the comparison's
    /// (read from <see cref="ExperimentKey"/>) or out of order, a missing list; and parts that disagree, which the
    /// report's charts index by (histogram edges that are too few, unordered or not one more than the counts, layer
    /// numbers that are not their positions or not the network's hidden layers, repeated checkpoint epochs), a curve
    /// shorter than the comparison's epochs without divergence, a diverged trial with a test accuracy, an initialiser
    /// no run resolves to, a missing timeline in an engine that records one. Files are written by the runner only,
    /// so such a value means a file was edited or damaged; the ranking must not average it in.
    /// </summary>
    public string? ImpossibleValue()
    {
        int? epochs = KeyNumber(ExperimentKey, "epochs");
        if (Curve is null) return "its curve is missing";
        if (Layers is null) return "its layers are missing";
        if (Index < 0) return $"index is {Index}, below 0";
        if (Seed < 1) return $"seed is {Seed}, but seeds start at 1";
        if (KeyMismatch() is { } mismatch) return mismatch;
        if (Fraction("testAccuracy", TestAccuracy, Diverged) is { } a) return a;

        // A diverged trial has no test result (ExperimentRunner records NaN), so a number beside diverged is an edit.
        if (Diverged && !double.IsNaN(TestAccuracy)) return $"diverged is true beside a testAccuracy of {Text(TestAccuracy)}, where a diverged trial records NaN";
        if (InitProblem() is { } init) return init;
        // NaN is possible without divergence: divergence is judged on the training batches and the weights, and a
        // finite network can still send a test row's logit to ±∞ (log-sum-exp then gives ∞ − ∞). Refusing it made a
        // run write a file its own reader refused, and retrain it forever.
        if (Loss("testLoss", TestLoss, nanAllowed: true) is { } l) return l;
        if (TestSamples < 0) return $"testSamples is {TestSamples}, below 0";

        // Every trial since engine version 3 records its test split's size, and its accuracy is a count of correct answers
        // over it (the ranking adds those counts up).
        if (TestSamples == 0 && (KeyNumber(ExperimentKey, "engine") ?? 1) >= 3) return "testSamples is 0, but every trial tests on at least one sample";
        if (TestSamples > 0 && !double.IsNaN(TestAccuracy) && Math.Round(TestAccuracy * TestSamples) / TestSamples != TestAccuracy)
        {
            return $"testAccuracy is {Text(TestAccuracy)}, not a whole number of correct answers out of its {TestSamples} test samples";
        }

        if (!(SecondsPerEpoch >= 0) || double.IsInfinity(SecondsPerEpoch)) return $"secondsPerEpoch is {Text(SecondsPerEpoch)}, not a time";
        if (Fraction("deadFraction", DeadFraction, nanAllowed: true) is { } d) return d;
        if (Fraction("saturatedFraction", SaturatedFraction, nanAllowed: true) is { } s) return s;
        if (epochs is { } e && Curve.Count > e) return $"its curve has {Curve.Count} epochs, more than the comparison's {e}";

        // Only divergence ends a comparison's training early (the runner sets no stopping rule).
        if (epochs is { } all && !Diverged && Curve.Count != all) return $"its curve has {Curve.Count} epochs, but the comparison trains {all} and the trial did not diverge";
        if (EpochsToTarget is { } reached && (reached < 1 || reached > Curve.Count))
        {
            return $"epochsToTarget is {reached}, outside the {Curve.Count} epochs of its curve";
        }

        for (int i = 0; i < Curve.Count; i++)
        {
            var p = Curve[i];
            if (p is null) return $"epoch {i + 1} of its curve is missing";
            if (p.Epoch != i + 1) return $"the curve's entry {i + 1} is epoch {p.Epoch}";
            string at = $"curve epoch {p.Epoch}";
            if ((Loss($"{at}: trainLoss", p.TrainLoss, nanAllowed: true) ?? Loss($"{at}: validationLoss", p.ValidationLoss, nanAllowed: true)
                ?? Fraction($"{at}: trainAccuracy", p.TrainAccuracy, nanAllowed: true) ?? Fraction($"{at}: validationAccuracy", p.ValidationAccuracy, nanAllowed: true)) is { } bad)
            {
                return bad;
            }

            if (!(p.Seconds >= 0) || double.IsInfinity(p.Seconds)) return $"{at}: seconds is {Text(p.Seconds)}, not a time";
        }

        int? hidden = HiddenLayers(ExperimentKey);
        if (hidden is { } h && !Diverged && Layers.Count != h) return $"layers has {Layers.Count} entries, but the network has {h} hidden layers";
        for (int i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            if (layer is null) return "a layer of its diagnostics is missing";
            if (layer.Layer != i) return $"layers[{i}].layer is {layer.Layer}, not {i}";
            string at = $"layer {layer.Layer}";
            if (layer.Units < 1 || layer.Samples < 1) return $"{at} has {layer.Units} units and {layer.Samples} samples, not at least 1 of each";
            if ((Fraction($"{at}: deadFraction", layer.DeadFraction, nanAllowed: true) ?? Fraction($"{at}: saturatedFraction", layer.SaturatedFraction, nanAllowed: true)) is { } bad) return bad;
            if (layer.HistogramCounts is null || layer.HistogramCounts.Any(c => c < 0)) return $"{at}: its histogram counts are missing or negative";
            if (Histogram($"{at}: histogramEdges", layer.HistogramEdges, layer.HistogramCounts.Sum()) is { } edges) return edges;
            if (layer.HistogramCounts.Count != layer.HistogramEdges.Count - 1)
            {
                return $"{at}: histogramCounts has {layer.HistogramCounts.Count} bins, but its {layer.HistogramEdges.Count} histogramEdges make {layer.HistogramEdges.Count - 1}";
            }
        }

        // Every trial since engine version 5 records a timeline (it came before that version); the report draws it.
        if (Timeline is null && (KeyNumber(ExperimentKey, "engine") ?? 1) >= 5) return "its timeline is missing";
        if (Timeline is not null && hidden is { } th && Timeline.Count != th) return $"timeline has {Timeline.Count} layers, but the network has {th} hidden layers";
        for (int i = 0; i < (Timeline?.Count ?? 0); i++)
        {
            var layer = Timeline![i];
            if (layer?.Checkpoints is null) return "a layer of its timeline is missing";
            if (layer.Layer != i) return $"timeline[{i}].layer is {layer.Layer}, not {i}";
            if (layer.Checkpoints.Count == 0) return $"timeline layer {i} has no checkpoints, but every trial records one at epoch 0";
            if (Histogram($"timeline layer {i}: edges", layer.Edges, layer.Checkpoints.Sum(c => c?.Counts?.Sum() ?? 0)) is { } edges) return edges;
            int previous = -1;
            foreach (var c in layer.Checkpoints)
            {
                string at = $"timeline layer {layer.Layer}";
                if (c is null || c.Counts is null || c.Counts.Any(n => n < 0) || c.NonFinite < 0) return $"{at}: a checkpoint's counts are missing or negative";
                if (c.Epoch < 0 || c.Epoch > (epochs ?? int.MaxValue)) return $"{at}: checkpoint epoch {c.Epoch} is outside 0…{epochs}";

                // The heatmap's columns are the checkpoints in training order, each binned on the layer's edges.
                if (c.Epoch <= previous) return $"{at}: checkpoint epoch {c.Epoch} follows epoch {previous}, but checkpoints are recorded once each, in order";
                previous = c.Epoch;
                if (c.Counts.Count != layer.Edges.Count - 1) return $"{at} epoch {c.Epoch}: counts has {c.Counts.Count} bins, but the layer's {layer.Edges.Count} edges make {layer.Edges.Count - 1}";
                if ((Fraction($"{at} epoch {c.Epoch}: deadFraction", c.DeadFraction, nanAllowed: true) ?? Fraction($"{at} epoch {c.Epoch}: saturatedFraction", c.SaturatedFraction, nanAllowed: true)) is { } bad) return bad;
            }
        }

        return null;

        static string? Fraction(string name, double v, bool nanAllowed) =>
            double.IsNaN(v) ? (nanAllowed ? null : $"{name} is NaN, which only a diverged trial records")
            : v is >= 0 and <= 1 ? null : $"{name} is {Text(v)}, outside [0, 1]";

        // A loss may be +∞ (a sure wrong answer); below 0 it cannot be.
        static string? Loss(string name, double v, bool nanAllowed) =>
            double.IsNaN(v) ? (nanAllowed ? null : $"{name} is NaN, which only a diverged trial records")
            : v >= 0 ? null : $"{name} is {Text(v)}, below 0";

        static string Text(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        // Edges the charts can draw: at least two, finite, none below the one before, and spanning a range when any
        // value was counted. Equal neighbours are possible in a real file (a narrow range far from 0 rounds them
        // together), and a histogram of no finite values has all-zero edges (ActivationStatistics).
        static string? Histogram(string name, IReadOnlyList<double>? edges, long counted)
        {
            if (edges is null || edges.Count < 2) return $"{name} has {edges?.Count ?? 0} values, but a histogram needs at least 2";
            for (int i = 0; i < edges.Count; i++)
            {
                if (!double.IsFinite(edges[i])) return $"{name}[{i}] is {Text(edges[i])}, not a finite number";
                if (i > 0 && edges[i] < edges[i - 1]) return $"{name}[{i}] is {Text(edges[i])}, below the edge before it ({Text(edges[i - 1])})";
            }

            return counted > 0 && !(edges[^1] > edges[0]) ? $"{name} spans no range ({Text(edges[0])} to {Text(edges[^1])}) but hold counted values" : null;
        }
    }

    /// <summary>
    /// Where <see cref="Init"/> is not what the runner writes, the canonical name of a resolved initialiser
    /// (<c>he_normal</c>, <c>constant(0.1)</c>; never <c>auto</c>): null when it is.
    /// </summary>
    private string? InitProblem()
    {
        if (Init is null) return "init is missing";
        try
        {
            var parsed = Initializer.Parse(Init);
            if (parsed.Kind != InitKind.Auto && parsed.ToString() == Init) return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // Not an initialiser at all: said below like a non-canonical one.
        }

        return $"init is \"{Init}\", not the name of a resolved initialiser";
    }

    /// <summary>The number of hidden layers a configuration key gives (<c>hidden=16x16</c>), or null.</summary>
    private static int? HiddenLayers(string? key)
    {
        foreach (string part in (key ?? string.Empty).Split(';'))
        {
            if (part.StartsWith("hidden=", StringComparison.Ordinal)) return part.Length == "hidden=".Length ? 0 : part.Split('x').Length;
        }

        return null;
    }

    /// <summary>
    /// Where the trial's label, seed, activation or hash disagree with its key (which the runner writes together): a
    /// label edited to gelu was ranked nowhere, and the report's header counted the trial while its footer called relu
    /// seed 1 missing. Null when they agree.
    /// </summary>
    private string? KeyMismatch()
    {
        if (Key is null || Label is null || ExperimentKey is null) return "its key, label or experimentKey is missing";
        if (Hash != ExperimentConfig.Hash(Key)) return $"hash is {Hash}, not the hash of its key";
        if (Experiment != ExperimentConfig.Hash(ExperimentKey)) return $"experiment is {Experiment}, not the hash of its experimentKey";

        // The label is the activation, and "@init" where the contender has its own initialiser (Contender.Label).
        int at = Label.LastIndexOf('@');
        string activation = at < 0 ? Label : Label[..at];
        string init = at < 0 ? "experiment" : Label[(at + 1)..];
        int listed = ExperimentKey.LastIndexOf(";activations=", StringComparison.Ordinal);
        string basis = listed < 0 ? ExperimentKey : ExperimentKey[..listed];
        string expected = $"{basis};activation={activation};activation_init={init};seed={Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        if (Key == expected) return Activation == activation ? null : $"activation is {TerminalText.Safe(Activation)}, but its label and key are {TerminalText.Safe(Label)}'s";
        if (!Key.StartsWith(basis + ";activation=", StringComparison.Ordinal)) return "its key is not one of its experimentKey's trials";
        string[] parts = Key[(basis.Length + 1)..].Split(';');
        string? Part(string name) => parts.FirstOrDefault(p => p.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        string keyLabel = Part("activation_init") is { } i && i != "experiment" ? $"{Part("activation")}@{i}" : Part("activation") ?? "?";
        // The label and the key are the file's text: a NUL or an escape sequence in them was printed raw.
        return $"label {TerminalText.Safe(Label)} and seed {Seed} disagree with its key, which is {TerminalText.Safe(keyLabel)} seed {ExceptionMessages.Excerpt(Part("seed") ?? "?", 20)}";
    }

    /// <summary>The whole number a configuration key gives <paramref name="name"/> (<c>epochs=30</c>), or null.</summary>
    private static int? KeyNumber(string? key, string name)
    {
        foreach (string part in (key ?? string.Empty).Split(';'))
        {
            if (part.StartsWith(name + "=", StringComparison.Ordinal)
                && int.TryParse(part.AsSpan(name.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n))
            {
                return n;
            }
        }

        return null;
    }

    /// <summary>The same result with every wall-time field set to zero: what must be bit-identical between runs.</summary>
    public TrialResult WithoutTimings() => this with
    {
        SecondsPerEpoch = 0,
        Curve = Curve.Select(p => p with { Seconds = 0 }).ToArray(),
    };
}

/// <summary>The record of a comparison kept next to its trial files (<c>experiment.json</c>).</summary>
public sealed record ExperimentManifest
{
    /// <summary>File format tag.</summary>
    public const string FormatTag = "actkit-experiment/1";

    public string Format { get; init; } = FormatTag;

    /// <summary>Hash of <see cref="ExperimentKey"/>.</summary>
    public required string Experiment { get; init; }

    public required string ExperimentKey { get; init; }

    public required ExperimentConfig Config { get; init; }

    /// <summary>The data identity entering the keys.</summary>
    public required string DataIdentity { get; init; }

    /// <summary>Number of trials in the whole plan (all shards).</summary>
    public required int TrialCount { get; init; }

    /// <summary>The command that reproduces the whole comparison.</summary>
    public required string Command { get; init; }
}
