using System.Buffers;
using System.Collections.Concurrent;
using ActivationKit.Catalog;

namespace ActivationKit.Diagnostics;

/// <summary>Dead units in one layer: which units never respond over a batch or window.</summary>
/// <param name="Layer">Layer name.</param>
/// <param name="Units">Units in the layer.</param>
/// <param name="Samples">Samples looked at.</param>
/// <param name="DeadUnits">Indices of the dead units.</param>
public sealed record DeadUnitReport(string Layer, int Units, int Samples, IReadOnlyList<int> DeadUnits)
{
    /// <summary>Fraction of the layer's units that are dead.</summary>
    public double DeadFraction => Units == 0 ? 0 : (double)DeadUnits.Count / Units;
}

/// <summary>
/// Finds units whose derivative is zero on every sample (from pre-activations: a ReLU unit whose input is never
/// positive) or whose output is zero on every sample (from activations alone). Such units receive no gradient.
/// </summary>
public static class DeadUnitDetector
{
    /// <summary>From pre-activations <paramref name="pre"/> laid out [samples × units]: dead where f′ = 0 on every sample.</summary>
    public static DeadUnitReport FromPreActivations(string layer, Activation activation, ReadOnlySpan<float> pre, int units)
    {
        ArgumentNullException.ThrowIfNull(activation);
        int samples = Shape.Rows(pre.Length, units, nameof(pre));
        if (activation.Info.Kind != ActivationKind.Elementwise)
        {
            // A row-wise function (softmax) has no unit-wise derivative; dead units are not defined for it.
            return new DeadUnitReport(layer, units, samples, []);
        }

        float[] ones = ArrayPool<float>.Shared.Rent(pre.Length);
        float[] d = ArrayPool<float>.Shared.Rent(pre.Length);
        try
        {
            ones.AsSpan(0, pre.Length).Fill(1f);
            activation.Backward(pre, ones.AsSpan(0, pre.Length), d.AsSpan(0, pre.Length));
            return FromMask(layer, d.AsSpan(0, pre.Length), units, samples);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(ones);
            ArrayPool<float>.Shared.Return(d);
        }
    }

    /// <summary>From activations <paramref name="post"/> laid out [samples × units]: dead where the output is 0 on every sample.</summary>
    public static DeadUnitReport FromActivations(string layer, ReadOnlySpan<float> post, int units)
    {
        int samples = Shape.Rows(post.Length, units, nameof(post));
        return FromMask(layer, post, units, samples);
    }

    private static DeadUnitReport FromMask(string layer, ReadOnlySpan<float> values, int units, int samples)
    {
        var alive = new bool[units];
        for (int i = 0; i < samples; i++)
        {
            var row = values.Slice(i * units, units);
            for (int j = 0; j < units; j++)
            {
                if (row[j] != 0) alive[j] = true;
            }
        }

        var dead = new List<int>();
        for (int j = 0; j < units; j++)
        {
            if (!alive[j] && samples > 0) dead.Add(j);
        }

        return new DeadUnitReport(layer, units, samples, dead);
    }

    /// <summary>The finding for a report, or null when the layer is healthy by <paramref name="options"/>.</summary>
    public static Finding? ToFinding(DeadUnitReport report, DiagnosticsOptions? options = null, long? step = null, string? activationName = null)
    {
        options ??= new DiagnosticsOptions();
        double f = report.DeadFraction;
        if (report.DeadUnits.Count == 0 || f < options.DeadWarningFraction) return null;
        bool all = f >= options.DeadCriticalFraction;
        return new Finding
        {
            Kind = FindingKind.DeadUnits,
            Severity = all ? Severity.Critical : Severity.Warning,
            Layer = report.Layer,
            Step = step,
            Units = report.DeadUnits,
            Evidence = new Dictionary<string, double> { ["dead_fraction"] = f, ["dead_units"] = report.DeadUnits.Count, ["units"] = report.Units, ["samples"] = report.Samples },
            Explanation = $"{report.DeadUnits.Count} of {report.Units} units ({f:P0}) output zero with zero derivative on all {report.Samples} samples"
                + (activationName is null ? "" : $" ({activationName})") + (all ? ": the layer passes no signal and no gradient." : ", so they receive no gradient and stop learning."),
            Fix = "Use Leaky ReLU, ELU or PReLU (non-zero slope for x < 0), He initialisation, a lower learning rate, and avoid large negative biases.",
        };
    }
}

/// <summary>Follows dead-unit reports of one layer over steps and tells which units stay dead.</summary>
public sealed class DeadUnitTracker
{
    private int[] _consecutive = [];

    /// <summary>Reports seen so far.</summary>
    public int Observations { get; private set; }

    /// <summary>Records one report.</summary>
    public void Observe(DeadUnitReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_consecutive.Length != report.Units) _consecutive = new int[report.Units];
        var dead = new HashSet<int>(report.DeadUnits);
        for (int j = 0; j < _consecutive.Length; j++) _consecutive[j] = dead.Contains(j) ? _consecutive[j] + 1 : 0;
        Observations++;
    }

    /// <summary>Units dead in each of the last <paramref name="windows"/> observations.</summary>
    public IReadOnlyList<int> StayedDead(int windows) =>
        Enumerable.Range(0, _consecutive.Length).Where(j => _consecutive[j] >= windows).ToArray();
}

/// <summary>
/// Finds pre-activations in a flat tail of a saturating function: |f′| below a fraction of its peak, beyond the last
/// point on that side where it is not. A zero of f′ between the tails (silu′ at −1.28, gelu′ at −0.75) is a turning
/// point the unit passes through, not a flat region, and does not count.
/// </summary>
public static class SaturationDetector
{
    private static readonly ConcurrentDictionary<string, double> PeakCache = new();
    private static readonly ConcurrentDictionary<(string, double), (double Low, double High)> TailCache = new();

    /// <summary>Fraction of saturated entries overall and per unit, for [samples × units] pre-activations.</summary>
    public static (double Fraction, double[] PerUnit) Measure(Activation activation, ReadOnlySpan<float> pre, int units, DiagnosticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(activation);
        options ??= new DiagnosticsOptions();
        int samples = Shape.Rows(pre.Length, units, nameof(pre));
        var perUnit = new double[units];
        if (activation.Info.Kind != ActivationKind.Elementwise || !activation.Info.Saturating || pre.Length == 0) return (0, perUnit);
        double limit = options.SaturationDerivativeFraction * PeakDerivative(activation);
        var (low, high) = FlatTails(activation, limit);
        float[] ones = ArrayPool<float>.Shared.Rent(pre.Length);
        float[] d = ArrayPool<float>.Shared.Rent(pre.Length);
        try
        {
            ones.AsSpan(0, pre.Length).Fill(1f);
            activation.Backward(pre, ones.AsSpan(0, pre.Length), d.AsSpan(0, pre.Length));
            long total = 0;
            for (int i = 0; i < samples; i++)
            {
                for (int j = 0; j < units; j++)
                {
                    float x = pre[(i * units) + j];
                    if (Math.Abs(d[(i * units) + j]) < limit && (x < low || x > high))
                    {
                        perUnit[j]++;
                        total++;
                    }
                }
            }

            for (int j = 0; j < units; j++) perUnit[j] /= samples;
            return ((double)total / pre.Length, perUnit);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(ones);
            ArrayPool<float>.Shared.Return(d);
        }
    }

    /// <summary>The finding for a measurement, or null when below the reporting threshold.</summary>
    public static Finding? ToFinding(string layer, Activation activation, double fraction, double[] perUnit, DiagnosticsOptions? options = null, long? step = null)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(perUnit);
        options ??= new DiagnosticsOptions();
        if (fraction < options.SaturationWarningFraction) return null;
        var saturatedUnits = Enumerable.Range(0, perUnit.Length).Where(j => perUnit[j] >= 0.9).ToArray();
        return new Finding
        {
            Kind = FindingKind.Saturation,
            Severity = fraction >= 0.9 ? Severity.Critical : Severity.Warning,
            Layer = layer,
            Step = step,
            Units = saturatedUnits,
            Evidence = new Dictionary<string, double> { ["saturated_fraction"] = fraction, ["saturated_units"] = saturatedUnits.Length, ["units"] = perUnit.Length },
            Explanation = $"{fraction:P0} of the pre-activations of {activation.Name} sit where its derivative is below {options.SaturationDerivativeFraction:P0} of its peak; those units pass almost no gradient.",
            Fix = activation.Info.BoundedAbove
                ? "Use a hidden activation without an upper flat region (ReLU family, GELU/SiLU) with He initialisation, or scale the initialisation down (Glorot for sigmoid/tanh) and normalise the inputs."
                : $"The flat region of {activation.Name} is its negative tail: normalise the inputs, check the initialisation scale and the biases, lower the learning rate, or use a function with a slope there (Leaky ReLU, PReLU).",
        };
    }

    /// <summary>max |f′| over [−20, 20] (the peak the saturation threshold is relative to).</summary>
    public static double PeakDerivative(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        return PeakCache.GetOrAdd(activation.ToString(), _ => SampledSlopes(activation).Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max());
    }

    /// <summary>
    /// The flat tails for a threshold on |f′|, sampled over [−20, 20]: below <c>Low</c> and above <c>High</c> (the
    /// first and last samples where |f′| reaches the limit) every sample stays under it. With no such sample the whole
    /// line is flat (Low = +∞, High = −∞).
    /// </summary>
    private static (double Low, double High) FlatTails(Activation activation, double limit) =>
        TailCache.GetOrAdd((activation.ToString(), limit), _ =>
        {
            var d = SampledSlopes(activation);
            int first = Array.FindIndex(d, v => Math.Abs(v) >= limit);
            int last = Array.FindLastIndex(d, v => Math.Abs(v) >= limit);
            return first < 0 ? (double.PositiveInfinity, double.NegativeInfinity) : (SampleAt(first), SampleAt(last));
        });

    private const int Samples = 40_001;

    private static double SampleAt(int i) => -20 + (i * 0.001);

    private static double[] SampledSlopes(Activation activation)
    {
        var x = new double[Samples];
        for (int i = 0; i < Samples; i++) x[i] = SampleAt(i);
        var ones = Enumerable.Repeat(1.0, Samples).ToArray();
        var d = new double[Samples];
        activation.Backward(x, ones, d);
        return d;
    }
}

/// <summary>Detects a network whose outputs no longer depend on the input.</summary>
public static class CollapseDetector
{
    /// <summary>Checks [samples × columns] outputs: collapsed when every column is (nearly) constant across samples.</summary>
    public static Finding? Detect(string layer, ReadOnlySpan<float> outputs, int columns, DiagnosticsOptions? options = null, long? step = null)
    {
        options ??= new DiagnosticsOptions();
        int samples = Shape.Rows(outputs.Length, columns, nameof(outputs));
        if (samples < 2) return null;
        double worst = 0;
        for (int j = 0; j < columns; j++)
        {
            double mean = 0, meanAbs = 0;
            for (int i = 0; i < samples; i++)
            {
                mean += outputs[(i * columns) + j];
                meanAbs += Math.Abs(outputs[(i * columns) + j]);
            }

            mean /= samples;
            meanAbs /= samples;
            double var = 0;
            for (int i = 0; i < samples; i++)
            {
                double dv = outputs[(i * columns) + j] - mean;
                var += dv * dv;
            }

            double spread = Math.Sqrt(var / samples) / (meanAbs + 1e-30);
            worst = Math.Max(worst, spread);
        }

        if (worst >= options.CollapseRelativeSpread) return null;
        return new Finding
        {
            Kind = FindingKind.Collapsed,
            Severity = Severity.Critical,
            Layer = layer,
            Step = step,
            Evidence = new Dictionary<string, double> { ["max_relative_spread"] = worst, ["samples"] = samples, ["columns"] = columns },
            Explanation = $"Across {samples} different inputs every output of {layer} is the same (relative spread {worst:G2}): the network ignores its input.",
            Fix = "Look for an earlier layer with all units dead or saturated; use Leaky ReLU/ELU, He initialisation and a lower learning rate, and re-initialise.",
        };
    }
}

/// <summary>Follows per-layer gradient norms over steps and reports vanishing or exploding gradients.</summary>
public sealed class GradientFlowMonitor(DiagnosticsOptions? options = null)
{
    private readonly DiagnosticsOptions _options = options ?? new DiagnosticsOptions();
    private double[]? _first;
    private int _lowStreak;
    private bool _vanishingReported;
    private bool _explodingReported;

    /// <summary>Last first-to-last layer gradient-norm ratio.</summary>
    public double LastRatio { get; private set; } = double.NaN;

    /// <summary>
    /// Records the gradient norms of one step, first layer first. Returns the findings raised by this step
    /// (each kind once per monitor).
    /// </summary>
    public IReadOnlyList<Finding> Record(long step, IReadOnlyList<double> norms, IReadOnlyList<string>? layerNames = null)
    {
        ArgumentNullException.ThrowIfNull(norms);
        var found = new List<Finding>();
        if (norms.Count == 0) return found;
        string Name(int i) => layerNames is not null && i < layerNames.Count ? layerNames[i] : $"layer {i}";
        _first ??= norms.ToArray();
        if (!_explodingReported)
        {
            for (int i = 0; i < norms.Count; i++)
            {
                bool nonFinite = !double.IsFinite(norms[i]);
                double growth = _first[i] > 0 ? norms[i] / _first[i] : 0;
                if (nonFinite || growth > _options.ExplodingGrowth)
                {
                    _explodingReported = true;
                    found.Add(new Finding
                    {
                        Kind = FindingKind.ExplodingGradients,
                        Severity = nonFinite ? Severity.Critical : Severity.Warning,
                        Layer = Name(i),
                        Step = step,
                        Evidence = new Dictionary<string, double> { ["gradient_norm"] = norms[i], ["initial_norm"] = _first[i], ["growth"] = growth },
                        Explanation = nonFinite
                            ? $"The gradient of {Name(i)} became {norms[i]}: training has diverged."
                            : $"The gradient norm of {Name(i)} grew {growth:G3}× since the first step ({_first[i]:G3} → {norms[i]:G3}).",
                        Fix = "Lower the learning rate, clip gradients, use a bounded or self-normalising activation (tanh at the output, SELU with LeCun init), and check the input scaling.",
                    });
                    break;
                }
            }
        }

        if (norms.Count >= 2 && norms[^1] > 0 && double.IsFinite(norms[0]))
        {
            LastRatio = norms[0] / norms[^1];
            _lowStreak = LastRatio < _options.VanishingRatio ? _lowStreak + 1 : 0;
            if (_lowStreak >= _options.VanishingSteps && !_vanishingReported)
            {
                _vanishingReported = true;
                found.Add(new Finding
                {
                    Kind = FindingKind.VanishingGradients,
                    Severity = LastRatio < _options.VanishingRatio * 1e-3 ? Severity.Critical : Severity.Warning,
                    Layer = Name(0),
                    Step = step,
                    Evidence = new Dictionary<string, double> { ["first_to_last_ratio"] = LastRatio, ["first_norm"] = norms[0], ["last_norm"] = norms[^1], ["steps"] = _lowStreak },
                    Explanation = $"The first layer's gradient is {LastRatio:G2} times the last layer's for {_lowStreak} check{(_lowStreak == 1 ? "" : "s")} in a row: the early layers barely learn.",
                    Fix = "Replace sigmoid/tanh in hidden layers by the ReLU family (He init) or SELU (LeCun normal init); use fewer layers or residual connections.",
                });
            }
        }

        return found;
    }
}

internal static class Shape
{
    public static int Rows(int length, int columns, string name)
    {
        if (columns <= 0) throw new ArgumentException($"The number of units must be positive, got {columns}.", nameof(columns));
        if (length % columns != 0) throw new ArgumentException($"'{name}' has {length} values, not a whole number of rows of {columns} units.", name);
        return length / columns;
    }
}
