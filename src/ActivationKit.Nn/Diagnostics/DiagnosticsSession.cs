using ActivationKit.Catalog;
using ActivationKit.Diagnostics;

namespace ActivationKit.Nn.Diagnostics;

/// <summary>Settings of a diagnostics session (live or offline).</summary>
public sealed record DiagnosticsSessionOptions
{
    /// <summary>The detectors' thresholds (not null: leave it out for the defaults).</summary>
    public DiagnosticsOptions Thresholds
    {
        get;
        init => field = value ?? throw new ArgumentException("DiagnosticsSessionOptions.Thresholds must not be null; leave it out for the default thresholds.", nameof(Thresholds));
    } = new();

    /// <summary>
    /// A unit is reported dead once it was dead at this many consecutive checks, so one batch in which a sparse unit
    /// happened never to fire is no finding. A check on fewer samples than <see cref="DiagnosticsOptions.DeadMinSamples"/>
    /// is no evidence by itself: consecutive such checks are pooled (a unit is dead in the pool when it was dead in
    /// every one of them) until they hold that many samples, and the pool then counts as one check. A check with
    /// enough samples of its own is judged alone and drops a pool still filling (a one-row last batch between two
    /// full ones neither extends nor breaks the streak). Offline diagnosis of a single snapshot uses 1.
    /// </summary>
    public int DeadChecks { get; init; } = 2;

    /// <summary>Histogram bins kept per layer and check.</summary>
    public int HistogramBins { get; init; } = 20;

    /// <summary>
    /// The loss applied to the last layer's activations (an <see cref="OutputCheck"/> name: mse, bce, ce, …), when known.
    /// Saturation is checked on every layer, the output included, except where this loss cancels the output
    /// activation's derivative: sigmoid with bce (∂L/∂x = p − y however flat the sigmoid is), where a saturated output
    /// is only a confident prediction.
    /// </summary>
    public string? OutputLoss { get; init; }

    /// <summary>
    /// The network's task, when known: the fix for a saturated output layer depends on it (a linear output or targets
    /// scaled into range for regression, a loss on the logits for classification).
    /// </summary>
    public TaskKind? OutputTask { get; init; }

    /// <summary>
    /// True when the network is a saved model run on data (diagnose --model), not one training: NaN or ∞ in a layer, or
    /// in a gradient, then comes from the data overflowing the floats through the model's finite weights (a model file
    /// holds no others), and is explained and advised on as such, not as a diverged training run. Default false.
    /// </summary>
    public bool SavedModel { get; init; }

    /// <summary>
    /// True for arrays dumped from a network (<see cref="ArrayFolder"/>), which may come from training or from a trained
    /// model at inference: NaN or ∞ in a layer is then advised on for both, and where the folder gave that layer's
    /// weights and they are finite, as inputs overflowing through finite weights.
    /// </summary>
    internal bool Arrays { get; init; }
}

/// <summary>A finding as a report keeps it: the latest evidence, when it was first seen and how often.</summary>
/// <param name="Finding">The latest occurrence (its <see cref="Finding.Step"/> is the last step it was seen at).</param>
/// <param name="FirstStep">Step at which it was first seen (null: found before training, e.g. by the initialisation check).</param>
/// <param name="Occurrences">Checks at which it was seen.</param>
public sealed record ReportedFinding(Finding Finding, long? FirstStep, int Occurrences);

/// <summary>One layer's numbers at one check (for plots over time).</summary>
public sealed record LayerCheck
{
    /// <summary>Training step of the check.</summary>
    public required long Step { get; init; }

    /// <summary>Statistics of the activations (or of the pre-activations when only those are known).</summary>
    public required ActivationStatistics Activations { get; init; }

    /// <summary>Statistics of the pre-activations, when known.</summary>
    public ActivationStatistics? PreActivations { get; init; }

    /// <summary>Fraction of units dead on every sample of this check (NaN when not applicable).</summary>
    public double DeadFraction { get; init; } = double.NaN;

    /// <summary>Fraction of saturated pre-activations (NaN when not applicable).</summary>
    public double SaturatedFraction { get; init; } = double.NaN;

    /// <summary>‖∂L/∂W‖, or NaN when unknown (<see cref="HasGradientNorm"/> tells an unknown norm from one that is NaN).</summary>
    public double GradientNorm { get; init; } = double.NaN;

    /// <summary>True when the check was given the layer's gradient norm, even a NaN one (a diverged gradient).</summary>
    public bool HasGradientNorm { get; init; }
}

/// <summary>A layer's description and its numbers at every check.</summary>
public sealed record LayerHistory(string Name, string Activation, int Units, IReadOnlyList<LayerCheck> Checks);

/// <summary>Per-layer gradient norms (first layer first) at one check, with the first-to-last ratio.</summary>
/// <param name="Step">Training step of the check.</param>
/// <param name="Norms">‖∂L/∂W‖ per layer, first layer first.</param>
/// <param name="FirstToLastRatio">
/// The first layer's norm over the last layer's at this check (<see cref="GradientFlowMonitor.LastRatio"/>): +∞ where the
/// last is 0 and the first is not, NaN where there is no ratio (one layer, both norms 0, or a norm NaN or infinite).
/// </param>
public sealed record GradientFlowPoint(long Step, IReadOnlyList<double> Norms, double FirstToLastRatio);

/// <summary>
/// Runs the library detectors on layer snapshots check after check and keeps what a report needs: findings (one per
/// kind and layer, updated with the latest evidence), per-layer statistics over time and the gradient flow.
/// Independent of where the arrays come from: <see cref="NetworkDiagnostics"/> feeds it from a training run,
/// <see cref="ArrayFolder"/> from files dumped by any framework.
/// </summary>
public sealed class DiagnosticsSession
{
    private readonly DiagnosticsSessionOptions _options;
    private readonly List<string> _order = [];
    private readonly Dictionary<string, ReportedFinding> _findings = [];
    private readonly List<(string Name, string Activation, int Units, List<LayerCheck> Checks)> _layers = [];
    private readonly List<DeadUnitTracker> _trackers = [];
    private readonly List<DeadUnitPool> _pools = [];
    private readonly List<GradientFlowPoint> _flow = [];
    private readonly List<string> _notes = [];
    private readonly Dictionary<string, bool> _weightsFinite = [];
    private readonly GradientFlowMonitor _monitor;

    /// <summary>Creates an empty session.</summary>
    /// <exception cref="ArgumentException">
    /// A setting is out of range, or the thresholds contradict each other (<see cref="DiagnosticsOptions.Validate"/>: a
    /// warning fraction above its critical one), which is refused here rather than at the first check, mid-training.
    /// </exception>
    public DiagnosticsSession(DiagnosticsSessionOptions? options = null)
    {
        _options = options ?? new DiagnosticsSessionOptions();
        _options.Thresholds.Validate();
        if (_options.DeadChecks < 1) throw new ArgumentException($"DeadChecks must be ≥ 1, got {_options.DeadChecks}.", nameof(options));
        if (_options.HistogramBins is < 1 or > ActivationStatistics.MaxBins) throw new ArgumentException($"HistogramBins must be between 1 and {ActivationStatistics.MaxBins}, got {_options.HistogramBins}.", nameof(options));
        _monitor = new GradientFlowMonitor(_options.Thresholds);
    }

    /// <summary>The settings.</summary>
    public DiagnosticsSessionOptions Options => _options;

    /// <summary>Checks run so far.</summary>
    public int Checks { get; private set; }

    /// <summary>Step of the last check (0 before any).</summary>
    public long LastStep { get; private set; }

    /// <summary>Findings so far, in the order they were first seen.</summary>
    public IReadOnlyList<ReportedFinding> Findings => _order.Select(k => _findings[k]).ToArray();

    /// <summary>Per-layer numbers at every check.</summary>
    public IReadOnlyList<LayerHistory> Layers => _layers.Select(l => new LayerHistory(l.Name, l.Activation, l.Units, l.Checks.ToArray())).ToArray();

    /// <summary>Gradient norms per check.</summary>
    public IReadOnlyList<GradientFlowPoint> GradientFlow => _flow.ToArray();

    /// <summary>
    /// What the checks could not look at and why, one sentence each, kept once: saturation in a layer given only
    /// activations of a function that is not monotone (GELU, SiLU, mish), whose pre-activations they do not give back.
    /// </summary>
    public IReadOnlyList<string> Notes => _notes.ToArray();

    /// <summary>Raised when a finding is seen for the first time.</summary>
    public event Action<ReportedFinding>? FindingRaised;

    /// <summary>
    /// Raised when a finding seen before (same kind and layer) comes back more severe than its previous occurrence — a
    /// saturation warning at step 1 that is critical at step 140 — with the updated finding (its
    /// <see cref="ReportedFinding.FirstStep"/> is still when it was first seen). <see cref="FindingRaised"/> is not
    /// raised again for it, so a listener that acts on severity (stop at the first critical finding) needs both.
    /// </summary>
    public event Action<ReportedFinding>? FindingEscalated;

    /// <summary>Adds findings made outside the checks (initialisation, output/loss fit). Identical ones are kept once.</summary>
    public void Add(IEnumerable<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var f in findings) Record(f, $"{f.Kind}|{f.Layer}|{f.Explanation}");
    }

    /// <summary>
    /// Checks weights with <see cref="InitCheck"/> and adds its findings. Weights that hold NaN or infinite values are
    /// reported as <see cref="FindingKind.NonFinite"/> instead: questions of initialisation are moot once weights diverged.
    /// </summary>
    /// <param name="weights">The layers' weights, input side first.</param>
    /// <param name="scale">
    /// Whether to check the weights' scale (<see cref="FindingKind.InitScale"/>); false for trained weights, whose
    /// variance no longer tells how they were initialised. Identical units and non-finite weights are checked either way.
    /// </param>
    public IReadOnlyList<Finding> AddInitCheck(IReadOnlyList<LayerWeights> weights, bool scale = true)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var found = new List<Finding>();
        foreach (var w in weights)
        {
            long bad = NonFinite(w.Weights.Span);
            _weightsFinite[w.Name] = bad == 0;
            if (bad == 0) continue;
            found.Add(new Finding
            {
                Kind = FindingKind.NonFinite,
                Severity = Severity.Critical,
                Layer = w.Name,
                Evidence = new Dictionary<string, double> { ["non_finite_weights"] = bad, ["weights"] = w.Weights.Length },
                Explanation = $"{bad} of {w.Weights.Length} weights of {w.Name} are NaN or infinite: training has diverged.",
                Fix = "Retrain with a lower learning rate (10× lower is a good start), gradient clipping and standardised inputs.",
            });
        }

        // Keyed like the checks' own non-finite findings, so a layer whose weights and activations both diverged is one finding.
        foreach (var f in found) Record(f, $"{f.Kind}|{f.Layer}");
        if (found.Count > 0) return found;
        var init = InitCheck.Check(weights, _options.Thresholds, scale);
        Add(init);
        return init;
    }

    /// <summary>
    /// Runs every detector on the layers (input side first) seen at <paramref name="step"/> and returns the findings of
    /// this check. The layer list must describe the same network at every check.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// No layers, a layer without a name, two layers with the same name (findings are kept per kind and layer name, so
    /// one layer's finding would replace the other's), another number of layers than earlier checks, or arrays whose
    /// size does not fit the layer's rows and columns.
    /// </exception>
    public IReadOnlyList<Finding> Check(long step, IReadOnlyList<LayerSnapshot> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("A check needs at least one layer.", nameof(layers));
        CheckNames(layers);
        EnsureLayers(layers);
        var t = _options.Thresholds;
        var found = new List<Finding>();
        var hiddenRms = new List<double>();
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            bool hidden = l < layers.Count - 1;
            var pre = layer.Pre.Span;
            var post = layer.Post.Span;
            if (!pre.IsEmpty && pre.Length != layer.Rows * layer.PreWidth) throw new ArgumentException($"Layer '{layer.Name}': {pre.Length} pre-activations, not {layer.Rows} × {layer.PreWidth}.", nameof(layers));
            if (!post.IsEmpty && post.Length != layer.Rows * layer.Units) throw new ArgumentException($"Layer '{layer.Name}': {post.Length} activations, not {layer.Rows} × {layer.Units}.", nameof(layers));

            long badPre = NonFinite(pre), badPost = NonFinite(post);
            bool finite = badPre == 0 && badPost == 0;
            if (!finite) found.Add(NonFiniteFinding(layer, step, badPre, pre.Length, badPost, post.Length, _options.SavedModel, NonFiniteFix(layer.Name)));

            double deadFraction = double.NaN, saturated = double.NaN;
            var act = layer.Activation;
            if (finite && act is not null && act.Info.Kind == ActivationKind.Elementwise && (!pre.IsEmpty || !post.IsEmpty))
            {
                var report = !pre.IsEmpty
                    ? DeadUnitDetector.FromPreActivations(layer.Name, act, pre, layer.PreWidth)
                    : DeadUnitDetector.FromActivations(layer.Name, act, post, layer.Units);

                // With both arrays, a unit is dead only where the activations given agree (0 on every sample): a unit
                // whose dumped output is not 0 passes signal, whatever its pre-activations say. They agree wherever the
                // activations are f(pre), as ArrayFolder requires and a training run computes them.
                if (!pre.IsEmpty && !post.IsEmpty && report.DeadUnits.Count > 0)
                {
                    var silent = new HashSet<int>(DeadUnitDetector.FromActivations(layer.Name, post, layer.Units).DeadUnits);
                    report = report with { DeadUnits = report.DeadUnits.Where(silent.Contains).ToArray() };
                }

                // Too few samples to call a unit dead (a one-row last batch showed 38 % of a healthy layer "dead"; with
                // --batch 1 every check had one row and 41 % of a layer no unit of which was dead on 2000 samples was
                // reported): such checks are pooled until they hold enough samples. A unit that fires on a quarter of
                // the inputs then looks dead with probability 0.75¹⁶ ≈ 1 %, and a layer of dead units trained with
                // --batch 8 is still reported, from pools of two checks.
                var pool = _pools[l];
                int pooled = 1;
                long since = step;
                DeadUnitReport? judged = report;
                if (report.Samples >= t.DeadMinSamples)
                {
                    pool.Clear();
                }
                else
                {
                    pool.Add(report, step);
                    judged = null;
                    if (pool.Samples >= t.DeadMinSamples)
                    {
                        (judged, pooled, since) = (pool.Report(layer.Name), pool.Checks, pool.FirstStep);
                        pool.Clear();
                    }
                }

                if (judged is not null)
                {
                    deadFraction = judged.DeadFraction;
                    var tracker = _trackers[l];
                    tracker.Observe(judged);
                    var stayed = tracker.StayedDead(_options.DeadChecks);
                    // The finding counts the units dead at the last DeadChecks checks, fewer than the layer table's dead column
                    // (this check's alone): 33 of 64 units beside 68.8 % read as a contradiction, so its sentence says so.
                    string? basis = _options.DeadChecks > 1 ? StreakBasis(judged, stayed.Count, act.ToString(), pooled > 1) : null;
                    var f = DeadUnitDetector.ToFinding(judged with { DeadUnits = stayed }, t, step, act.ToString(), basis);
                    if (f is not null && pooled > 1)
                    {
                        f = f with { Explanation = f.Explanation + $" The {judged.Samples} samples are those of the {pooled} checks from step {since} to {step}, pooled because each had fewer than {t.DeadMinSamples}." };
                    }

                    if (f is not null) found.Add(f);
                }
            }

            // Only activations given: a monotone function's give back its pre-activations (a sigmoid output of 0.999 came
            // from x ≈ 6.9), so saturation is measured on those; they were skipped without a word, and a post-only dump of
            // a saturated sigmoid layer read "No problems found". Other functions' layers say in a note why they were not checked.
            float[]? recovered = null;
            if (finite && (hidden || !LossCancelsOutputSlope(act)) && act is not null && pre.IsEmpty && !post.IsEmpty
                && act.Info.Kind == ActivationKind.Elementwise && act.Info.Saturating)
            {
                recovered = SaturationDetector.PreActivationsFromOutputs(act, post, layer.Units);
                if (recovered is null) Note($"Saturation was not checked in {layer.Name}: only its activations were given, and {act} is not monotone (one output comes from an input in its flat tail and from one outside it), so they do not give back its pre-activations; dump the pre-activations too.");
            }

            if (finite && (hidden || !LossCancelsOutputSlope(act)) && act is not null && (!pre.IsEmpty || recovered is not null))
            {
                var measurement = SaturationDetector.MeasureTails(act, recovered ?? pre, recovered is null ? layer.PreWidth : layer.Units, t);
                if (act.Info.Kind == ActivationKind.Elementwise && act.Info.Saturating) saturated = measurement.Fraction;
                var f = SaturationDetector.ToFinding(layer.Name, act, measurement, t, step);
                if (f is not null && recovered is not null) f = f with { Explanation = f.Explanation + $" Only activations were given: the pre-activations are those that give them under {act}, which is monotone." };

                // The hidden-layer advice (a ReLU-family hidden activation) does not fit the output layer.
                if (f is not null && !hidden) f = f with { Fix = SaturationDetector.OutputFix(act, _options.OutputLoss, _options.OutputTask) };
                if (f is not null) found.Add(f);
            }

            if (finite && !hidden)
            {
                var outputs = !post.IsEmpty ? post : pre;
                int columns = !post.IsEmpty ? layer.Units : layer.PreWidth;
                if (!outputs.IsEmpty)
                {
                    var f = CollapseDetector.Detect(layer.Name, outputs, columns, t, step);
                    if (f is not null) found.Add(f);
                }
            }

            // The forward scale, for the growth from layer to layer: the activations, or the pre-activations where only
            // they are known (a non-finite layer gives NaN, and no growth is judged).
            if (hidden) hiddenRms.Add(finite ? Rms(!post.IsEmpty ? post : pre) : double.NaN);

            var stats = !post.IsEmpty ? ActivationStatistics.Of(post, _options.HistogramBins) : ActivationStatistics.Of(pre, _options.HistogramBins);
            _layers[l].Checks.Add(new LayerCheck
            {
                Step = step,
                Activations = stats,
                PreActivations = !pre.IsEmpty && !post.IsEmpty ? ActivationStatistics.Of(pre, _options.HistogramBins) : null,
                DeadFraction = deadFraction,
                SaturatedFraction = saturated,
                GradientNorm = layer.GradientNorm ?? double.NaN,
                HasGradientNorm = layer.GradientNorm is not null,
            });
        }

        var growth = ActivationGrowthDetector.Detect(layers.Take(hiddenRms.Count).Select(x => x.Name).ToArray(), hiddenRms, t, step);
        if (growth is not null) found.Add(growth);

        if (layers.All(x => x.GradientNorm is not null))
        {
            var norms = layers.Select(x => x.GradientNorm!.Value).ToArray();
            var names = layers.Select(x => x.Name).ToArray();
            var weightNorms = layers.All(x => x.WeightNorm is not null) ? layers.Select(x => x.WeightNorm!.Value).ToArray() : null;
            var gradients = _monitor.Record(step, norms, names, weightNorms);

            // The monitor speaks of training ("training has diverged"); a saved model's NaN gradient is its data overflowing.
            if (_options.SavedModel) gradients = gradients.Select(OfSavedModel).ToArray();
            found.AddRange(gradients);
            _flow.Add(new GradientFlowPoint(step, norms, _monitor.LastRatio));
        }

        foreach (var f in found) Record(f, $"{f.Kind}|{f.Layer}");
        Checks++;
        LastStep = step;
        return found;
    }

    /// <summary>The report so far.</summary>
    public DiagnosticsReport Report(string source, int every, long steps, string? stopReason = null) => new()
    {
        Source = source,
        Every = every,
        Steps = steps,
        Checks = Checks,
        StopReason = stopReason,
        Findings = Findings.OrderByDescending(f => f.Finding.Severity).ThenBy(f => f.FirstStep ?? -1).ToArray(),
        Layers = Layers,
        GradientFlow = GradientFlow,
        Notes = Notes,
    };

    /// <summary>Keeps a note for the report, once.</summary>
    private void Note(string note)
    {
        if (!_notes.Contains(note, StringComparer.Ordinal)) _notes.Add(note);
    }

    /// <summary>
    /// What the units of a dead-unit finding are dead on: every sample at each of the last
    /// <see cref="DiagnosticsSessionOptions.DeadChecks"/> checks (pools, where checks were pooled), with this check's
    /// samples and, where more units are dead at it alone, how many.
    /// </summary>
    private string StreakBasis(DeadUnitReport judged, int stayed, string activation, bool pooled)
    {
        string checks = pooled ? $"of each of the last {_options.DeadChecks} pools of checks" : $"at each of the last {_options.DeadChecks} checks";
        string here = pooled ? "in this one" : "at this one";
        string now = judged.DeadUnits.Count > stayed ? $", {(pooled ? "in" : "at")} which {judged.DeadUnits.Count} units are dead" : string.Empty;
        return $"on every sample {checks} ({activation}; {judged.Samples} samples {here}{now})";
    }

    private bool LossCancelsOutputSlope(Activation? output) =>
        output?.Name == "sigmoid" && _options.OutputLoss?.Trim().ToLowerInvariant() == "bce";

    private static void CheckNames(IReadOnlyList<LayerSnapshot> layers)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i] ?? throw new ArgumentException($"Layer {i + 1} of the check is null.", nameof(layers));
            if (string.IsNullOrWhiteSpace(layer.Name)) throw new ArgumentException($"Layer {i + 1} of the check has no name; give every layer a name (findings are reported by name).", nameof(layers));
            if (!seen.TryAdd(layer.Name, i))
            {
                throw new ArgumentException($"Layers {seen[layer.Name] + 1} and {i + 1} of the check are both named '{layer.Name}'; give every layer its own name (findings are reported by name).", nameof(layers));
            }
        }
    }

    private void EnsureLayers(IReadOnlyList<LayerSnapshot> layers)
    {
        if (_layers.Count == 0)
        {
            _monitor.Activations = layers.Select(l => l.Activation).ToArray();
            foreach (var l in layers)
            {
                _layers.Add((l.Name, l.ActivationName, l.Units, []));
                _trackers.Add(new DeadUnitTracker());
                _pools.Add(new DeadUnitPool());
            }

            return;
        }

        if (_layers.Count != layers.Count) throw new ArgumentException($"This session follows {_layers.Count} layers, but the check has {layers.Count}.", nameof(layers));
    }

    private void Record(Finding f, string key)
    {
        if (_findings.TryGetValue(key, out var seen))
        {
            // The latest evidence wins; numbers only the earlier occurrence had (e.g. about the weights) are kept.
            var evidence = new Dictionary<string, double>(seen.Finding.Evidence);
            foreach (var (k, v) in f.Evidence) evidence[k] = v;
            var updated = seen with { Finding = f with { Evidence = evidence }, Occurrences = seen.Occurrences + 1 };
            _findings[key] = updated;

            // Updating in place alone hid a warning that turned critical from anyone listening for critical findings.
            if (f.Severity > seen.Finding.Severity) FindingEscalated?.Invoke(updated);
            return;
        }

        var reported = new ReportedFinding(f, f.Step, 1);
        _findings[key] = reported;
        _order.Add(key);
        FindingRaised?.Invoke(reported);
    }

    /// <summary>Dead-unit reports of consecutive checks too small to judge alone, merged until they are large enough.</summary>
    private sealed class DeadUnitPool
    {
        private bool[] _alive = [];

        /// <summary>Samples pooled so far.</summary>
        public int Samples { get; private set; }

        /// <summary>Checks pooled so far.</summary>
        public int Checks { get; private set; }

        /// <summary>Step of the first pooled check.</summary>
        public long FirstStep { get; private set; }

        public void Add(DeadUnitReport report, long step)
        {
            if (Checks == 0)
            {
                _alive = new bool[report.Units];
                FirstStep = step;
            }

            // A unit is alive in the pool as soon as it was alive on any pooled sample: dead only where it was dead
            // in every check. A check without samples says nothing about any unit.
            if (report.Samples > 0)
            {
                var dead = new HashSet<int>(report.DeadUnits);
                for (int j = 0; j < _alive.Length; j++) _alive[j] |= !dead.Contains(j);
            }

            Samples += report.Samples;
            Checks++;
        }

        public DeadUnitReport Report(string layer) =>
            new(layer, _alive.Length, Samples, Enumerable.Range(0, _alive.Length).Where(j => !_alive[j]).ToArray());

        public void Clear()
        {
            Samples = 0;
            Checks = 0;
        }
    }

    /// <summary>√(mean of squares) in double; NaN for no values.</summary>
    private static double Rms(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return double.NaN;
        double sq = 0;
        foreach (float v in values) sq += (double)v * v;
        return Math.Sqrt(sq / values.Length);
    }

    private static long NonFinite(ReadOnlySpan<float> values)
    {
        long n = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) n++;
        }

        return n;
    }

    /// <summary>
    /// What to do about NaN or ∞ in a saved model's layers or gradients. Its weights are finite, so the inputs overflow
    /// through them: data of another scale than the model's, or weights grown too large in training, which only
    /// training the model again mends (the training advice of <see cref="NonFiniteFinding"/> then applies).
    /// </summary>
    internal const string SavedModelNonFiniteFix =
        "The model's weights are finite (a model file holds no others), so these inputs overflow the floats through them: check that the data are what the model was trained on (the same features, in the same units); if they are, its weights have grown too large, and it must be trained again with a lower learning rate, standardised inputs, the activation's recommended initialisation and gradient clipping.";

    /// <summary>A gradient finding of a saved model, told as what it is: its one backward pass overflowed, nothing trained.</summary>
    private static Finding OfSavedModel(Finding f) =>
        f.Kind == FindingKind.ExplodingGradients && f.Evidence.TryGetValue("gradient_norm", out double norm) && !double.IsFinite(norm)
            ? f with
            {
                Explanation = $"The gradient of {f.Layer} is {norm}: the backward pass of the saved model on this data has overflowed the floats.",
                Fix = SavedModelNonFiniteFix,
            }
            : f;

    /// <summary>What to do about NaN or ∞ in a training run's layer (the live monitor's advice).</summary>
    internal const string TrainingNonFiniteFix = "Lower the learning rate, standardise the inputs, use the activation's recommended initialisation, and clip gradients.";

    /// <summary>What to do about NaN or ∞ in a layer of dumped arrays whose origin (training or inference) is not known.</summary>
    internal const string ArraysNonFiniteFix =
        "If these arrays come from a trained model at inference, check that its inputs are what it was trained on (the same features, in the same units); if they come from training, lower the learning rate, standardise the inputs, use the activation's recommended initialisation, and clip gradients.";

    /// <summary>What to do about NaN or ∞ in a layer of dumped arrays whose weights the folder gave, all finite.</summary>
    internal const string ArraysFiniteWeightsNonFiniteFix =
        "This layer's weights are finite, so its inputs overflow the floats through them: check that the inputs are what the network was trained on (the same features, in the same units); if they are, the weights have grown too large, and the network must be trained again with a lower learning rate, standardised inputs, the activation's recommended initialisation and gradient clipping.";

    /// <summary>
    /// The fix for NaN or ∞ in <paramref name="layer"/>, by where the values come from (<see cref="DiagnosticsSessionOptions"/>):
    /// for dumped arrays, non-finite weights of the layer say training diverged, finite ones that the inputs overflow
    /// through them, and without weights both origins are advised on.
    /// </summary>
    private string NonFiniteFix(string layer) =>
        _options.SavedModel ? SavedModelNonFiniteFix
            : !_options.Arrays ? TrainingNonFiniteFix
            : !_weightsFinite.TryGetValue(layer, out bool finite) ? ArraysNonFiniteFix
            : finite ? ArraysFiniteWeightsNonFiniteFix
            : TrainingNonFiniteFix;

    private static Finding NonFiniteFinding(LayerSnapshot layer, long step, long badPre, int preCount, long badPost, int postCount, bool savedModel, string fix)
    {
        // Each array is counted apart: the activations are often computed from the pre-activations (a folder of
        // pre-activations alone), and a sum over both counted every bad value twice ("4 of 1600 values" for 2 of 800).
        // The totals stay in the evidence, as non_finite_values and non_finite_fraction, for the arrays given.
        long bad = badPre + badPost;
        int total = preCount + postCount;
        var parts = new List<string>();
        if (badPre > 0) parts.Add($"{badPre} of {preCount} pre-activations");
        if (badPost > 0) parts.Add($"{badPost} of {postCount} activations");
        string verb = parts.Count == 1 && bad == 1 ? "is" : "are";

        // Finite pre-activations with non-finite activations: the function itself overflowed (exp(100) in float).
        string finiteInput = badPre == 0 && preCount > 0 ? " (its pre-activations are all finite)" : "";
        var evidence = new Dictionary<string, double>();
        if (preCount > 0)
        {
            evidence["non_finite_pre_activations"] = badPre;
            evidence["pre_activations"] = preCount;
        }

        if (postCount > 0)
        {
            evidence["non_finite_activations"] = badPost;
            evidence["activations"] = postCount;
        }

        evidence["non_finite_values"] = bad;
        evidence["non_finite_fraction"] = (double)bad / total;
        evidence["rows"] = layer.Rows;

        return new Finding
        {
            Kind = FindingKind.NonFinite,
            Severity = Severity.Critical,
            Layer = layer.Name,
            Step = step,
            Evidence = evidence,
            Explanation = $"{string.Join(" and ", parts)} of {layer.Name} {verb} NaN or infinite{finiteInput}: "
                + (savedModel ? "the forward pass of the saved model on this data has overflowed the floats" : "the forward pass has overflowed or diverged")
                + ", and the other checks of this layer were skipped.",
            Fix = fix,
        };
    }
}
