using System.Diagnostics;
using ActivationKit.Diagnostics;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Diagnostics;

/// <summary>Settings of live diagnostics.</summary>
public sealed record NetworkDiagnosticsOptions
{
    /// <summary>Check every this many training steps (the first step is always checked).</summary>
    public int Every { get; init; } = 50;

    /// <summary>
    /// Ask training to stop (<see cref="NetworkDiagnostics.StopReason"/>) at the first critical finding: a new one, or
    /// one first seen as a warning at the check where it becomes critical.
    /// </summary>
    public bool StopOnCritical { get; init; }

    /// <summary>
    /// The network's weights are trained (a saved model, not one about to be trained): <see cref="NetworkDiagnostics.Attach"/>
    /// then checks them for identical units (symmetry never broken) and non-finite values only, not for their scale,
    /// which training moves away from any initialiser's. Default false.
    /// </summary>
    public bool WeightsAreTrained { get; init; }

    /// <summary>The session's settings (thresholds, dead-unit persistence, histogram bins); not null.</summary>
    public DiagnosticsSessionOptions Session
    {
        get;
        init => field = value ?? throw new ArgumentException("NetworkDiagnosticsOptions.Session must not be null; leave it out for the default session settings.", nameof(Session));
    } = new();
}

/// <summary>
/// Live diagnostics of an <see cref="Mlp"/>: an <see cref="ILayerObserver"/> that, at the first training step and then
/// every <see cref="NetworkDiagnosticsOptions.Every"/> steps, copies each layer's pre-activations and activations on the
/// way forward and its weight-gradient norm on the way back, and runs the detectors (dead units that stay dead,
/// saturation, gradient flow, collapse of the output, non-finite values) through a <see cref="DiagnosticsSession"/>.
/// <see cref="Attach"/> also checks the initial weights (<see cref="InitCheck"/>), once; <see cref="CheckOutput(Dataset, ILoss)"/> checks the
/// output activation against the task and loss (<see cref="OutputCheck"/>).
/// </summary>
/// <remarks>
/// A training step is a forward pass followed by a backward pass; forward passes without a backward one (evaluation)
/// are not steps. Between checks the observer only compares a counter, and when it is not attached the network
/// skips the hooks altogether. Use with <see cref="TrainerOptions.StopWhen"/> = <c>() =&gt; diagnostics.StopReason</c>.
/// </remarks>
public sealed class NetworkDiagnostics : ILayerObserver, IDisposable
{
    private readonly Mlp _network;
    private readonly NetworkDiagnosticsOptions _options;
    private readonly float[][] _pre, _post;
    private readonly int[] _rows;
    private readonly double[] _norms;
    private readonly double[] _weightNorms;
    private readonly string[] _names;
    private bool _attached;
    private bool _initChecked;
    private long _checkTicks;

    // A training forward pass (Mlp.Training) not followed by its backward pass yet: the trainer stopped on a loss that
    // was NaN or infinite, so that step never completed.
    private bool _stepStarted;

    // Set during CheckLastState: its forward and backward passes are copied like a check step's, are no training step,
    // and their findings do not stop training (it has ended).
    private bool _lastStateCheck;
    private long _checkStep;
    private IReadOnlyList<Finding> _lastFound = [];

    /// <summary>Creates diagnostics for <paramref name="network"/> (not yet attached).</summary>
    public NetworkDiagnostics(Mlp network, NetworkDiagnosticsOptions? options = null)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _options = options ?? new NetworkDiagnosticsOptions();
        if (_options.Every < 1) throw new ArgumentException($"Every must be ≥ 1 step, got {_options.Every}.", nameof(options));
        int n = network.Layers.Count;
        _pre = new float[n][];
        _post = new float[n][];
        _rows = new int[n];
        _norms = new double[n];
        _weightNorms = new double[n];
        _names = Enumerable.Range(0, n).Select(LayerName).ToArray();
        for (int i = 0; i < n; i++)
        {
            _pre[i] = [];
            _post[i] = [];
        }

        Session = new DiagnosticsSession(_options.Session);
        Session.FindingRaised += StopIfCritical;

        // A finding is kept once per kind and layer and updated in place, so one that starts as a warning (saturation
        // at step 1) and becomes critical later only shows up as an escalation.
        Session.FindingEscalated += StopIfCritical;
    }

    /// <summary>The session holding the findings and statistics.</summary>
    public DiagnosticsSession Session { get; }

    /// <summary>Training steps seen (completed backward passes).</summary>
    public long Step { get; private set; }

    /// <summary>Why training should stop (a critical finding with <see cref="NetworkDiagnosticsOptions.StopOnCritical"/>), or null.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Findings so far.</summary>
    public IReadOnlyList<ReportedFinding> Findings => Session.Findings;

    /// <summary>Wall time spent in the hooks on check steps (copies, gradient norms and the detectors).</summary>
    public TimeSpan CheckTime => Stopwatch.GetElapsedTime(0, _checkTicks);

    /// <summary>The report name of layer <paramref name="index"/> (<c>layer0</c> is the first, as in model files).</summary>
    public static string LayerName(int index) => $"layer{index}";

    /// <summary>
    /// Starts observing the network; the first time, also checks its weights (<see cref="InitCheck"/>), whose findings
    /// are reported as found before training (without the scale checks when <see cref="NetworkDiagnosticsOptions.WeightsAreTrained"/>).
    /// Attaching again after <see cref="Detach"/> resumes observing without checking again: the weights are trained by
    /// then, and the check is about how they were initialised.
    /// </summary>
    public NetworkDiagnostics Attach()
    {
        if (_attached) return this;
        if (!_initChecked)
        {
            Session.AddInitCheck(Weights(_network), scale: !_options.WeightsAreTrained);
            _initChecked = true;
        }

        _network.AddObserver(this);
        _attached = true;
        return this;
    }

    /// <summary>Stops observing.</summary>
    public void Detach()
    {
        if (!_attached) return;
        _network.RemoveObserver(this);
        _attached = false;
    }

    /// <inheritdoc />
    public void Dispose() => Detach();

    /// <summary>Checks that the output activation fits the task of <paramref name="data"/> and <paramref name="loss"/>.</summary>
    public IReadOnlyList<Finding> CheckOutput(Dataset data, ILoss loss)
    {
        var found = OutputFindings(_network, data, loss);
        Session.Add(found);
        return found;
    }

    /// <summary>
    /// <see cref="OutputCheck"/> for an engine network: the task from the data (regression, binary, multi-class,
    /// multi-label) and the engine loss mapped to OutputCheck's names (the engine's BCE and cross-entropy take logits).
    /// </summary>
    public static IReadOnlyList<Finding> OutputFindings(Mlp network, Dataset data, ILoss loss)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(loss);
        string name = loss.Name;
        // Multi-label data holds several 0/1 columns and no class count: the loss says what it is, not the data.
        TaskKind task = name == "multilabel_bce" ? TaskKind.Multilabel
            : !data.IsClassification ? TaskKind.Regression
            : data.ClassCount == 2 && network.OutputSize == 1 ? TaskKind.Binary
            : TaskKind.Multiclass;
        string checkLoss = name switch
        {
            "bce" or "multilabel_bce" => "bce_logits",
            "cross_entropy" => "ce_logits",
            _ when name.StartsWith("huber", StringComparison.Ordinal) => "huber",
            _ => name,
        };
        var output = network.Layers[^1].Activation;
        string act = output?.ToString() ?? "identity";
        string layer = LayerName(network.Layers.Count - 1);
        return OutputCheck.Check(act, task, checkLoss).Select(f => f with { Layer = layer }).ToArray();
    }

    /// <summary>The report so far.</summary>
    /// <remarks>
    /// Its step count reaches the last check's step: a run that diverged is checked at the step it diverged in (its
    /// forward and backward passes ran, its update did not), and "1 step, 2 checks" beside findings at step 2 read wrong.
    /// </remarks>
    public DiagnosticsReport Report(string source) => Session.Report(source, _options.Every, Math.Max(Step, Session.LastStep), StopReason);

    /// <summary>Rows of the data <see cref="CheckLastState"/> passes through the network (the first ones, or all when fewer).</summary>
    public const int LastStateRows = 256;

    /// <summary>
    /// Checks the network as training left it, unless the last step was checked already: checks run at the first step
    /// and every <see cref="NetworkDiagnosticsOptions.Every"/> steps, so a run that ended or diverged between two
    /// checks was reported on as it stood at the last one ("No problems found" for a run whose loss became NaN two
    /// steps later). One forward and one backward pass over the first <see cref="LastStateRows"/> rows of
    /// <paramref name="data"/> with <paramref name="loss"/>, without an update and with dropout off, are checked like a
    /// check step. The check is at the step that did not complete when the trainer stopped on a loss that was NaN or
    /// infinite (its forward pass ran on these weights), else at the last step. Its findings do not set
    /// <see cref="StopReason"/>. Call it after training, before <see cref="Detach"/>.
    /// </summary>
    /// <returns>The findings of the check, or none when there was nothing left to check (no step trained, or the last one checked).</returns>
    /// <exception cref="InvalidOperationException">The diagnostics are not attached.</exception>
    /// <exception cref="ArgumentException">The data or the loss do not fit the network (as <see cref="Trainer.Fit"/> refuses them).</exception>
    public IReadOnlyList<Finding> CheckLastState(Dataset data, ILoss loss)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(loss);
        if (!_attached) throw new InvalidOperationException("CheckLastState observes the network through its hooks: call it before Detach().");
        long step = _stepStarted ? Step + 1 : Step;
        if (step == 0 || step <= Session.LastStep || data.Rows == 0) return [];
        if (data.FeatureCount != _network.InputSize) throw new ArgumentException($"The data has {data.FeatureCount} features but the network takes {_network.InputSize}.", nameof(data));

        int rows = Math.Min(data.Rows, LastStateRows);
        var x = data.Features.AsSpan(0, rows * data.FeatureCount);
        var gradient = new float[rows * _network.OutputSize];
        bool training = _network.Training;
        int before = Session.Checks;
        _network.Training = false;
        _lastStateCheck = true;
        _checkStep = step;
        try
        {
            var output = _network.Forward(x, rows);
            _ = loss.Compute(output, data.Targets.AsSpan(0, rows * data.TargetColumns), rows, _network.OutputSize, gradient);
            _network.Backward(x, gradient, rows);
        }
        finally
        {
            _lastStateCheck = false;
            _network.Training = training;
        }

        _stepStarted = false;
        return Session.Checks > before ? _lastFound : [];
    }

    /// <summary>The network's weights as <see cref="InitCheck"/> takes them.</summary>
    public static IReadOnlyList<LayerWeights> Weights(Mlp network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Layers.Select((l, i) => new LayerWeights(LayerName(i), l.Weights, l.InputSize, l.PreWidth, l.Activation, l.Bias)).ToArray();
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The call comes from another network than the one this object was created for.</exception>
    public void OnForward(int layerIndex, ReadOnlySpan<float> pre, ReadOnlySpan<float> post, int rows)
    {
        // Added with AddObserver to another network, the layer index ran past ours (IndexOutOfRangeException) or, with
        // as many layers, mixed that network's activations with our weights' norms. A layer of another shape is caught
        // here, another network of the same shape at its first backward pass (its gradient is not our layer's buffer).
        var layers = _network.Layers;
        if ((uint)layerIndex >= (uint)layers.Count || pre.Length != (long)rows * layers[layerIndex].PreWidth || post.Length != (long)rows * layers[layerIndex].Units)
        {
            throw ForeignNetwork();
        }

        if (layerIndex == 0 && !_lastStateCheck) _stepStarted = _network.Training;
        if (!_lastStateCheck && !IsCheckStep(Step + 1)) return;
        long start = Stopwatch.GetTimestamp();
        Copy(ref _pre[layerIndex], pre);
        Copy(ref _post[layerIndex], post);
        _rows[layerIndex] = rows;
        _checkTicks += Stopwatch.GetTimestamp() - start;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The call comes from another network than the one this object was created for.</exception>
    public void OnBackward(int layerIndex, LayerGradients gradients)
    {
        var layers = _network.Layers;
        if ((uint)layerIndex >= (uint)layers.Count || !gradients.Weights.Overlaps(layers[layerIndex].WeightGradient))
        {
            throw ForeignNetwork();
        }

        long step = _lastStateCheck ? _checkStep : Step + 1;
        if (_lastStateCheck || IsCheckStep(step))
        {
            long start = Stopwatch.GetTimestamp();
            _norms[layerIndex] = Norm(gradients.Weights);

            // Before the optimiser's update: the weights this gradient was computed with.
            _weightNorms[layerIndex] = Norm(_network.Layers[layerIndex].Weights);
            if (layerIndex == 0) _lastFound = RunCheck(step);
            _checkTicks += Stopwatch.GetTimestamp() - start;
        }

        if (layerIndex == 0 && !_lastStateCheck)
        {
            Step = step;
            _stepStarted = false;
        }
    }

    private InvalidOperationException ForeignNetwork() =>
        new($"This NetworkDiagnostics was created for another network ({_network.InputSize} → {string.Join(" → ", _network.Layers.Select(l => l.Units))}) and cannot observe this one: create one NetworkDiagnostics per network and start it with Attach().");

    private void StopIfCritical(ReportedFinding f)
    {
        if (!_options.StopOnCritical || _lastStateCheck || StopReason is not null || f.Finding.Severity != Severity.Critical) return;
        string when = f.Finding.Step is long s ? $" at step {s}" : " before training";
        string since = f.Occurrences > 1 ? $" (reported since {(f.FirstStep is long first ? $"step {first}" : "before training")}, now critical)" : "";
        StopReason = $"critical finding {f.Finding.KindName} in {f.Finding.Layer}{when}{since}: {f.Finding.Explanation}";
    }

    private bool IsCheckStep(long step) => step == 1 || step % _options.Every == 0;

    private IReadOnlyList<Finding> RunCheck(long step)
    {
        var layers = new LayerSnapshot[_network.Layers.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            var l = _network.Layers[i];
            int rows = _rows[i];
            layers[i] = new LayerSnapshot
            {
                Name = _names[i],
                // The layer's own activation, not a training step's (RReLU's random slopes): every rrelu slope lies
                // between its bounds, so dead and saturated units read the same with the mean slope.
                Activation = l.Activation,
                Units = l.Units,
                PreWidth = l.PreWidth,
                Rows = rows,
                Pre = _pre[i].AsMemory(0, rows * l.PreWidth),
                Post = _post[i].AsMemory(0, rows * l.Units),
                GradientNorm = _norms[i],
                WeightNorm = _weightNorms[i],
            };
        }

        return Session.Check(step, layers);
    }

    private static double Norm(ReadOnlySpan<float> values)
    {
        double sq = 0;
        foreach (float v in values) sq += (double)v * v;
        return Math.Sqrt(sq);
    }

    private static void Copy(ref float[] buffer, ReadOnlySpan<float> values)
    {
        if (buffer.Length < values.Length) buffer = new float[values.Length];
        values.CopyTo(buffer);
    }
}
