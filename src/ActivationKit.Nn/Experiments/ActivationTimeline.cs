using ActivationKit.Catalog;
using ActivationKit.Diagnostics;

namespace ActivationKit.Nn.Experiments;

/// <summary>One hidden layer's state at one checkpoint of training, on the trial's fixed held-out probe batch.</summary>
/// <param name="Epoch">Epochs completed (0 = the initial weights, before training).</param>
/// <param name="Counts">Outputs per bin of the layer's <see cref="LayerTimeline.Edges"/>; the last bin includes its upper edge.</param>
/// <param name="NonFinite">Outputs that were NaN or infinite (not in any bin).</param>
/// <param name="DeadFraction">Fraction of units with f = 0 and f′ = 0 on every probe sample (<c>DeadUnitDetector.FromPreActivations</c>); NaN for a gated function, which is not measured.</param>
/// <param name="SaturatedFraction">Fraction of pre-activations in a flat tail, |f′| &lt; 5 % of its peak (<c>SaturationDetector.Measure</c>); NaN for a gated function.</param>
public sealed record TimelineCheckpoint(int Epoch, IReadOnlyList<long> Counts, long NonFinite, double DeadFraction, double SaturatedFraction);

/// <summary>
/// A hidden layer's output histograms and dead/saturated fractions over training, every histogram on the same bin edges
/// so that checkpoints can be compared (and drawn as a heatmap).
/// </summary>
/// <param name="Layer">0-based hidden layer index.</param>
/// <param name="Activation">The layer's activation spec.</param>
/// <param name="Units">The layer's output units.</param>
/// <param name="Samples">Probe samples behind the dead and saturated fractions.</param>
/// <param name="HistogramSamples">Probe samples behind each histogram (the first ones of the probe; fewer than
/// <paramref name="Samples"/> only for very wide layers, to bound memory): every checkpoint's counts plus its
/// non-finite count sum to <paramref name="Units"/> × <paramref name="HistogramSamples"/>.</param>
/// <param name="Edges">Bin edges shared by every checkpoint (<see cref="ActivationTimeline.Bins"/> + 1 values).</param>
/// <param name="Checkpoints">The checkpoints, in training order.</param>
public sealed record LayerTimeline(int Layer, string Activation, int Units, int Samples, int HistogramSamples, IReadOnlyList<double> Edges, IReadOnlyList<TimelineCheckpoint> Checkpoints);

/// <summary>
/// Records <see cref="LayerTimeline"/>s during a trial: at the initial weights and after every
/// <see cref="Stride"/>-th epoch (always the last), one forward pass over a fixed held-out probe batch; at most
/// <see cref="MaxCheckpoints"/> + 1 checkpoints of <see cref="Bins"/> bins each, whatever the number of epochs.
/// </summary>
/// <remarks>
/// The bin edges are fixed once training is over, so every checkpoint is binned alike: the lower end is the lowest
/// output seen at any checkpoint, lowered to the activation's own minimum when the function is bounded below (sampled
/// from f over [−50, 50]: 0 for ReLU and sigmoid, −1 for tanh); likewise the upper end. So a tanh or sigmoid layer
/// always spans its whole range (showing how much of it is used), and an unbounded side reaches the largest output
/// seen. The outputs are kept until then (bounded: <see cref="MaxStoredValues"/> per layer). The probe forward passes
/// run in inference mode and touch neither the weights nor any random stream, so recording does not change training.
/// </remarks>
public sealed class ActivationTimeline
{
    /// <summary>Histogram bins per checkpoint.</summary>
    public const int Bins = 32;

    /// <summary>Most checkpoints after the initial one.</summary>
    public const int MaxCheckpoints = 50;

    /// <summary>Most outputs kept per layer for the histograms (32 MB of floats over all checkpoints).</summary>
    public const long MaxStoredValues = 8L << 20;

    private readonly Mlp _network;
    private readonly float[] _probe;
    private readonly int _rows;
    private readonly int _histogramRows;
    private readonly List<int> _epochs = [];
    private readonly List<float[]>[] _values;
    private readonly List<(double Dead, double Saturated)>[] _fractions;

    /// <summary>Prepares a recorder for <paramref name="network"/> with probe batch <paramref name="probe"/> [rows × inputs].</summary>
    /// <param name="network">The network being trained.</param>
    /// <param name="probe">Held-out inputs, the same at every checkpoint.</param>
    /// <param name="rows">Samples in <paramref name="probe"/>.</param>
    /// <param name="epochs">Epochs the training will run (sets <see cref="Stride"/>).</param>
    public ActivationTimeline(Mlp network, ReadOnlySpan<float> probe, int rows, int epochs)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        if (rows < 1 || probe.Length != rows * network.InputSize) throw new ArgumentException($"The probe must hold {rows} × {network.InputSize} values, got {probe.Length}.", nameof(probe));
        if (epochs < 1) throw new ArgumentException($"Epochs must be ≥ 1, got {epochs}.", nameof(epochs));
        _probe = probe.ToArray();
        _rows = rows;
        Epochs = epochs;
        Stride = (epochs + MaxCheckpoints - 1) / MaxCheckpoints;
        int hidden = network.Layers.Count - 1;
        _values = new List<float[]>[hidden];
        _fractions = new List<(double, double)>[hidden];
        int planned = 1 + (epochs / Stride) + 1;
        int widest = hidden == 0 ? 1 : network.Layers.Take(hidden).Max(l => l.Units);
        _histogramRows = (int)Math.Clamp(MaxStoredValues / ((long)widest * planned), 1, rows);
        for (int i = 0; i < hidden; i++)
        {
            _values[i] = [];
            _fractions[i] = [];
        }
    }

    /// <summary>Epochs the training runs.</summary>
    public int Epochs { get; }

    /// <summary>Epochs between checkpoints: ⌈Epochs / <see cref="MaxCheckpoints"/>⌉.</summary>
    public int Stride { get; }

    /// <summary>True when the state after <paramref name="epoch"/> epochs is a checkpoint (0, every Stride-th, and the last).</summary>
    public bool IsCheckpoint(int epoch) => epoch == 0 || epoch % Stride == 0 || epoch == Epochs;

    /// <summary>Records the network's current state as the checkpoint after <paramref name="epoch"/> epochs (if it is one).</summary>
    public void Record(int epoch)
    {
        if (!IsCheckpoint(epoch) || (_epochs.Count > 0 && _epochs[^1] >= epoch)) return;
        var capture = new HiddenLayerCapture(_values.Length);
        bool training = _network.Training;
        _network.Training = false;
        _network.AddObserver(capture);
        try
        {
            _network.Forward(_probe, _rows);
        }
        finally
        {
            _network.RemoveObserver(capture);
            _network.Training = training;
        }

        for (int i = 0; i < _values.Length; i++)
        {
            var layer = _network.Layers[i];
            var activation = layer.Activation!;
            var pre = capture.Pre[i];
            bool measured = DeadUnitDetector.Measures(activation);
            double dead = measured ? DeadUnitDetector.FromPreActivations($"layer{i}", activation, pre, layer.PreWidth).DeadFraction : double.NaN;
            double saturated = measured ? SaturationDetector.Measure(activation, pre, layer.PreWidth).Fraction : double.NaN;
            _fractions[i].Add((dead, saturated));
            _values[i].Add(capture.Post[i].AsSpan(0, _histogramRows * layer.Units).ToArray());
        }

        _epochs.Add(epoch);
    }

    /// <summary>The timelines of the hidden layers, binned on their common edges.</summary>
    public IReadOnlyList<LayerTimeline> Result()
    {
        var result = new LayerTimeline[_values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var layer = _network.Layers[i];
            var edges = Edges(layer.Activation!, _values[i]);
            var checkpoints = new TimelineCheckpoint[_epochs.Count];
            for (int c = 0; c < checkpoints.Length; c++)
            {
                var (counts, nonFinite) = Count(_values[i][c], edges);
                checkpoints[c] = new TimelineCheckpoint(_epochs[c], counts, nonFinite, _fractions[i][c].Dead, _fractions[i][c].Saturated);
            }

            result[i] = new LayerTimeline(i, layer.ActivationSpec, layer.Units, _rows, _histogramRows, edges, checkpoints);
        }

        return result;
    }

    /// <summary>Counts per bin of <paramref name="edges"/> (values equal to the last edge go in the last bin) and the non-finite values.</summary>
    public static (long[] Counts, long NonFinite) Count(ReadOnlySpan<float> values, IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        int bins = edges.Count - 1;
        var counts = new long[bins];
        long nonFinite = 0;
        double lo = edges[0], width = (edges[^1] - lo) / bins;
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                nonFinite++;
                continue;
            }

            counts[Math.Clamp((int)Math.Floor((v - lo) / width), 0, bins - 1)]++;
        }

        return (counts, nonFinite);
    }

    /// <summary>
    /// The common edges: the range of the finite <paramref name="values"/>, widened to the function's own bounds where
    /// it is bounded (element-wise functions only), and to a width of 1 when it would be empty.
    /// </summary>
    public static double[] Edges(Activation activation, IEnumerable<float[]> values)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(values);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var array in values)
        {
            foreach (float v in array)
            {
                if (!float.IsFinite(v)) continue;
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        }

        var info = activation.Info;
        if (info.Kind == ActivationKind.Elementwise && (info.BoundedBelow || info.BoundedAbove))
        {
            var (fMin, fMax) = SampledRange(activation);
            if (info.BoundedBelow && double.IsFinite(fMin)) lo = Math.Min(lo, fMin);
            if (info.BoundedAbove && double.IsFinite(fMax)) hi = Math.Max(hi, fMax);
        }

        if (!double.IsFinite(lo) || !double.IsFinite(hi))
        {
            lo = double.IsFinite(lo) ? lo : double.IsFinite(hi) ? hi - 1 : 0;
            hi = lo + 1;
        }

        if (!(hi > lo)) hi = lo + 1;
        var edges = new double[Bins + 1];
        for (int b = 0; b <= Bins; b++) edges[b] = b == Bins ? hi : lo + ((hi - lo) * b / Bins);
        return edges;
    }

    // f on a fine grid over [−50, 50], in double: its minimum and maximum there (the bounds of a bounded function).
    private static (double Min, double Max) SampledRange(Activation activation)
    {
        const int n = 20001;
        var xs = new double[n];
        for (int i = 0; i < n; i++) xs[i] = -50 + (100.0 * i / (n - 1));
        var ys = new double[n];
        activation.Forward(xs, ys);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double y in ys)
        {
            if (!double.IsFinite(y)) continue;
            min = Math.Min(min, y);
            max = Math.Max(max, y);
        }

        return (min, max);
    }
}
