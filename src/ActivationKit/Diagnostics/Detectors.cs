using System.Buffers;
using System.Collections.Concurrent;
using ActivationKit.Catalog;
using System.Globalization;

namespace ActivationKit.Diagnostics;

/// <summary>Dead units in one layer: which units never respond over a batch or window.</summary>
/// <param name="Layer">Layer name.</param>
/// <param name="Units">Units in the layer.</param>
/// <param name="Samples">Samples looked at.</param>
/// <param name="DeadUnits">Indices of the dead units.</param>
/// <exception cref="ArgumentException">A count is negative, or a dead-unit index is outside [0, <paramref name="Units"/>) or given twice.</exception>
public sealed record DeadUnitReport(string Layer, int Units, int Samples, IReadOnlyList<int> DeadUnits)
{
    // Checked where a report is made: the tracker sizes an array by Units, and DeadFraction counts the indices.

    /// <summary>Units in the layer (≥ 0).</summary>
    public int Units { get; init; } = Units >= 0 ? Units : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The number of units must be ≥ 0, got {Units}."), nameof(Units));

    /// <summary>Samples looked at (≥ 0).</summary>
    public int Samples { get; init; } = Samples >= 0 ? Samples : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The number of samples must be ≥ 0, got {Samples}."), nameof(Samples));

    /// <summary>Indices of the dead units, each in [0, <see cref="Units"/>) and at most once.</summary>
    public IReadOnlyList<int> DeadUnits { get; init; } = CheckIndices(DeadUnits, Units);

    /// <summary>Fraction of the layer's units that are dead.</summary>
    public double DeadFraction => Units == 0 ? 0 : (double)DeadUnits.Count / Units;

    private static IReadOnlyList<int> CheckIndices(IReadOnlyList<int> deadUnits, int units)
    {
        ArgumentNullException.ThrowIfNull(deadUnits, nameof(DeadUnits));
        var seen = new HashSet<int>();
        foreach (int j in deadUnits)
        {
            if (j < 0 || j >= units) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Dead unit {j} is not a unit of a layer of {units}."), nameof(DeadUnits));
            if (!seen.Add(j)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Dead unit {j} is listed twice."), nameof(DeadUnits));
        }

        return deadUnits;
    }
}

/// <summary>
/// Finds dead units: units whose output and derivative are both zero on every sample (a ReLU unit whose input is never
/// positive, relu6 or hardsigmoid below their flat zero), so they pass no signal and receive no gradient. A unit whose
/// derivative is zero but whose output is not (sigmoid or tanh pinned at ±1, hardtanh at ±1, relu6 at 6) is saturated,
/// not dead: <see cref="SaturationDetector"/> reports it, as it does a smooth tail that only underflows to zero
/// (sigmoid at −200). From activations alone, a unit is dead when its output is zero on every sample and the function
/// can output 0 with f′ = 0 there (<see cref="ZeroOutput"/>: ReLU below 0, not tanh or ELU, whose only zero has a slope);
/// without the function, any unit whose output is zero on every sample counts.
/// </summary>
public static class DeadUnitDetector
{
    /// <summary>
    /// Whether dead units and saturation are measured for <paramref name="activation"/>: element-wise functions only. A
    /// row-wise or gated function has no per-unit derivative, so the measures report nothing for it, which tables should
    /// show as not measured ("—", null), not as 0 %.
    /// </summary>
    public static bool Measures(Activation activation) => (activation ?? throw new ArgumentNullException(nameof(activation))).Info.Kind == ActivationKind.Elementwise;

    /// <summary>
    /// From pre-activations <paramref name="pre"/> laid out [samples × units]: dead where f(x) = 0 and f′(x) = 0 (in
    /// double) on every sample. Functions with a parameter per channel (prelu(num_parameters=C)) read the units as their C channels.
    /// Row-wise and gated functions have no unit-wise derivative: no unit is reported for them.
    /// </summary>
    public static DeadUnitReport FromPreActivations(string layer, Activation activation, ReadOnlySpan<float> pre, int units)
    {
        ArgumentNullException.ThrowIfNull(activation);
        int samples = Shape.Rows(pre.Length, units, nameof(pre));
        if (activation.Info.Kind != ActivationKind.Elementwise) return new DeadUnitReport(layer, units, samples, []);

        // In double: a smooth tail that merely underflows float (sigmoid(−200) is 0 in float, 1e−87 in double) is
        // saturation, not the exact zero of a dead region. Whole rows at a time, so a large dump needs three double
        // buffers of one block, not of the whole array.
        int n = pre.Length;
        int block = Math.Min(n, Math.Max(1, BlockValues / units) * units);
        double[] x = ArrayPool<double>.Shared.Rent(block);
        double[] y = ArrayPool<double>.Shared.Rent(block);
        double[] d = ArrayPool<double>.Shared.Rent(block);
        try
        {
            var alive = new bool[units];
            for (int start = 0; start < n; start += block)
            {
                int len = Math.Min(block, n - start);
                for (int i = 0; i < len; i++) x[i] = pre[start + i];
                activation.Forward(x.AsSpan(0, len), y.AsSpan(0, len), units);
                d.AsSpan(0, len).Fill(1.0);
                activation.Backward(x.AsSpan(0, len), d.AsSpan(0, len), d.AsSpan(0, len), units);
                for (int i = 0; i < len; i++)
                {
                    if (y[i] != 0 || d[i] != 0) alive[i % units] = true;
                }
            }

            return new DeadUnitReport(layer, units, samples, Dead(alive, samples));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(x);
            ArrayPool<double>.Shared.Return(y);
            ArrayPool<double>.Shared.Return(d);
        }
    }

    /// <summary>Values per block (whole rows) when the detectors work through a large array.</summary>
    internal const int BlockValues = 1 << 16;

    /// <summary>
    /// From activations <paramref name="post"/> laid out [samples × units]: dead where the output is 0 on every sample.
    /// The function is unknown here, so a unit of tanh or ELU that outputs 0 (where its slope is 1) counts too: the
    /// overload with the activation tells them apart.
    /// </summary>
    public static DeadUnitReport FromActivations(string layer, ReadOnlySpan<float> post, int units)
    {
        int samples = Shape.Rows(post.Length, units, nameof(post));
        var alive = new bool[units];
        for (int i = 0; i < post.Length; i++)
        {
            if (post[i] != 0) alive[i % units] = true;
        }

        return new DeadUnitReport(layer, units, samples, Dead(alive, samples));
    }

    /// <summary>
    /// From activations <paramref name="post"/> of <paramref name="activation"/> laid out [samples × units]: dead where
    /// the output is 0 on every sample and an output of 0 means f′ = 0 for that unit (<see cref="ZeroOutput.MeansDeadPerChannel"/>:
    /// ReLU below 0, hardsigmoid below −3). A tanh, identity or ELU unit outputs 0 only at a pre-activation of 0, where its
    /// slope is 1 (or the leak): it still learns, and is not reported. Functions with a parameter per channel
    /// (prelu(num_parameters=C)) read the units as their C channels. Row-wise and gated functions have no unit-wise
    /// derivative: no unit is reported for them.
    /// </summary>
    public static DeadUnitReport FromActivations(string layer, Activation activation, ReadOnlySpan<float> post, int units)
    {
        ArgumentNullException.ThrowIfNull(activation);
        var report = FromActivations(layer, post, units);
        if (activation.Info.Kind != ActivationKind.Elementwise) return report with { DeadUnits = [] };
        if (report.DeadUnits.Count == 0) return report;
        var canDie = ZeroOutput.MeansDeadPerChannel(activation);
        return report with { DeadUnits = report.DeadUnits.Where(j => canDie[j % canDie.Length]).ToArray() };
    }

    private static int[] Dead(bool[] alive, int samples) =>
        samples == 0 ? [] : Enumerable.Range(0, alive.Length).Where(j => !alive[j]).ToArray();

    /// <summary>
    /// The finding for a report, or null when the layer is healthy by <paramref name="options"/>. How many samples make
    /// enough evidence is the caller's call: a live session pools consecutive checks on fewer than
    /// <see cref="DiagnosticsOptions.DeadMinSamples"/> samples until they hold that many and judges the pool as one
    /// check; an offline dump or model run is judged on the rows it has (its evidence says how many).
    /// </summary>
    /// <param name="report">The layer's dead units.</param>
    /// <param name="options">The thresholds.</param>
    /// <param name="step">The training step, where there is one.</param>
    /// <param name="activationName">Named after the sample count, e.g. "(relu)".</param>
    /// <param name="basis">
    /// What the units are dead on, in place of "on all N samples (activation)": a live session counts the units dead at
    /// several checks in a row and says so.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="options"/> set a warning fraction above its critical one (<see cref="DiagnosticsOptions.Validate"/>).</exception>
    public static Finding? ToFinding(DeadUnitReport report, DiagnosticsOptions? options = null, long? step = null, string? activationName = null, string? basis = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        options ??= new DiagnosticsOptions();
        options.Validate();
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
            Explanation = $"{report.DeadUnits.Count} of {report.Units} units ({f:P0}) output zero with zero derivative "
                + (basis ?? $"on all {report.Samples} samples" + (activationName is null ? "" : $" ({activationName})"))
                + (all ? ": the layer passes no signal and no gradient." : ", so they receive no gradient and stop learning."),
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

/// <summary>Saturation of one layer: overall, per unit, and in which flat tail.</summary>
/// <param name="Fraction">Fraction of all pre-activations that are saturated.</param>
/// <param name="PerUnit">Fraction saturated per unit (per channel for per-channel functions).</param>
/// <param name="LowerFraction">Fraction of all pre-activations saturated in the lower (negative) flat tail.</param>
/// <param name="UpperFraction">Fraction of all pre-activations saturated in the upper (positive) flat tail.</param>
public sealed record SaturationMeasurement(double Fraction, double[] PerUnit, double LowerFraction, double UpperFraction);

/// <summary>
/// Finds pre-activations in a flat tail of a saturating function: |f′| below a fraction (5 %) of the function's
/// reference slope, beyond the last point on that side where it is not. A zero of f′ between the tails (silu′ at
/// −1.28, gelu′ at −0.75) is a turning point the unit passes through, not a flat region, and does not count; nor does
/// a pre-activation where f and f′ are both exactly zero (in double): that is the zero-valued flat region of relu6,
/// hardsigmoid or sparse_sigmoid, where a unit is dead, not saturated, and <see cref="DeadUnitDetector"/> reports it.
/// </summary>
/// <remarks>
/// The reference slope (<see cref="PeakDerivative"/>) is the peak of |f′| when f′ is bounded (sigmoid 1/4, tanh 1,
/// silu 1.1). A function whose |f′| grows without bound (exponential) has no peak: measured against the largest slope
/// of any window, every finite input would look flat (e^x over [−20, 20] peaks at e^20, and 5 % of that covers all
/// x &lt; 17). Its reference is instead the largest |f′| over [−1, 1], the scale of a standardised pre-activation (e for
/// the exponential), so only its real flat region — the negative tail, x &lt; ln(0.05·e) ≈ −2 — counts. Functions that
/// pass no gradient at all (binary_step) are not measured: that is a property of the function, which the network
/// check reports, not a state of the layer.
/// </remarks>
public static class SaturationDetector
{
    private static readonly ConcurrentDictionary<string, (double Reference, bool Unbounded)> PeakCache = new();
    private static readonly ConcurrentDictionary<(string, double), (double Low, double High)> TailCache = new();

    /// <summary>
    /// Fraction of saturated entries overall and per unit, for [samples × units] pre-activations. Functions with a
    /// parameter per channel (prelu(num_parameters=C)) read the units as their C channels. Row-wise, gated and
    /// non-saturating functions, and those that pass no gradient, give 0.
    /// </summary>
    public static (double Fraction, double[] PerUnit) Measure(Activation activation, ReadOnlySpan<float> pre, int units, DiagnosticsOptions? options = null)
    {
        var m = MeasureTails(activation, pre, units, options);
        return (m.Fraction, m.PerUnit);
    }

    /// <summary><see cref="Measure"/>, with the saturated fraction split by tail (which tail decides the fix).</summary>
    public static SaturationMeasurement MeasureTails(Activation activation, ReadOnlySpan<float> pre, int units, DiagnosticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(activation);
        options ??= new DiagnosticsOptions();
        int samples = Shape.Rows(pre.Length, units, nameof(pre));
        var perUnit = new double[units];
        if (activation.Info.Kind != ActivationKind.Elementwise || !activation.Info.Saturating || pre.Length == 0) return new(0, perUnit, 0, 0);
        var slopes = Slopes(activation);
        if (slopes.Reference == 0) return new(0, perUnit, 0, 0);
        double limit = options.SaturationDerivativeFraction * slopes.Reference;
        var (low, high) = FlatTails(activation, slopes, limit);
        int n = pre.Length;
        int block = Math.Min(n, Math.Max(1, DeadUnitDetector.BlockValues / units) * units);
        float[] d = ArrayPool<float>.Shared.Rent(block);
        float[] y = ArrayPool<float>.Shared.Rent(block);
        double[]? xd = null, yd = null, dd = null;
        try
        {
            long lower = 0, upper = 0;
            for (int start = 0; start < n; start += block)
            {
                int len = Math.Min(block, n - start);
                var x = pre.Slice(start, len);
                d.AsSpan(0, len).Fill(1f);
                activation.Backward(x, d.AsSpan(0, len), d.AsSpan(0, len), units);
                activation.Forward(x, y.AsSpan(0, len), units);

                // A flat entry whose output and slope are 0 in float may sit in a zero-valued region (dead) or only
                // underflow float (sigmoid at −200: saturated); double tells them apart. Only blocks with such an
                // entry pay for it.
                bool zeros = false;
                for (int i = 0; i < len && !zeros; i++) zeros = y[i] == 0 && d[i] == 0 && (x[i] < low || x[i] > high);
                if (zeros)
                {
                    xd ??= ArrayPool<double>.Shared.Rent(block);
                    yd ??= ArrayPool<double>.Shared.Rent(block);
                    dd ??= ArrayPool<double>.Shared.Rent(block);
                    for (int i = 0; i < len; i++) xd[i] = x[i];
                    activation.Forward(xd.AsSpan(0, len), yd.AsSpan(0, len), units);
                    dd.AsSpan(0, len).Fill(1.0);
                    activation.Backward(xd.AsSpan(0, len), dd.AsSpan(0, len), dd.AsSpan(0, len), units);
                }

                for (int i = 0; i < len; i++)
                {
                    float v = x[i];
                    bool inTail = v < low || v > high;
                    if (!inTail || !(Math.Abs(d[i]) < limit)) continue;
                    if (zeros && yd![i] == 0 && dd![i] == 0) continue;
                    perUnit[i % units]++;
                    if (v < low) lower++;
                    else upper++;
                }
            }

            for (int j = 0; j < units; j++) perUnit[j] /= samples;
            return new((double)(lower + upper) / n, perUnit, (double)lower / n, (double)upper / n);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(d);
            ArrayPool<float>.Shared.Return(y);
            if (xd is not null) ArrayPool<double>.Shared.Return(xd);
            if (yd is not null) ArrayPool<double>.Shared.Return(yd);
            if (dd is not null) ArrayPool<double>.Shared.Return(dd);
        }
    }

    /// <summary>
    /// True when a layer's pre-activations can be recovered from its activations alone: an element-wise function that
    /// is monotone (increasing, or non-decreasing with flat stretches: sigmoid, tanh, softsign, ELU, hard tanh, ReLU6),
    /// so every output comes from one input or from one flat stretch. GELU, SiLU and mish are not: one output below 0
    /// comes from two inputs, one of them in the flat tail and one not. The catalog's mark is for the default
    /// parameters, so the instance is also sampled (at 8193 points over [−R, R], every 1/64 for R = 64) to be non-decreasing, to rounding, at its own: ELU with a
    /// negative α falls and then rises.
    /// </summary>
    public static bool CanRecoverPreActivations(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (activation.Info.Kind != ActivationKind.Elementwise || activation.Info.Monotonicity is not (Monotonicity.Increasing or Monotonicity.NonDecreasing)) return false;
        double reach = InversionReachOf(activation);
        int points = 8193, channels = activation.Channels;
        var x = new double[points * channels];
        for (int i = 0; i < points; i++) x.AsSpan(i * channels, channels).Fill(-reach + (2 * reach * i / (points - 1)));
        var y = new double[x.Length];
        activation.Forward(x, y, channels);
        for (int i = channels; i < y.Length; i++)
        {
            // Rounding may step a vectorised tanh back by an ulp where it changes approximation; a fall is more than that.
            if (!(y[i] >= y[i - channels] - (1e-9 * Math.Max(1, Math.Abs(y[i - channels]))))) return false;
        }

        return true;
    }

    /// <summary>
    /// The pre-activations that give <paramref name="post"/> ([samples × units] activations) under a function
    /// <see cref="CanRecoverPreActivations"/> accepts, so that saturation can be measured where only activations were
    /// dumped; null for any other function. Each is found by bisection in double over [−R, R], R = 64 or twice the
    /// farthest kink (hard tanh's bounds), at most 2¹⁶: the midpoint of the inputs whose output rounds to the value. An output at a
    /// bound (a sigmoid of 1 in float, hard tanh's −1, ReLU6's 6) comes from a whole flat stretch, and is placed inside
    /// it, where the slope is as flat as it gets; a value beyond what [−R, R] gives is placed at that end.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="post"/>'s length is not a multiple of <paramref name="units"/>.</exception>
    public static float[]? PreActivationsFromOutputs(Activation activation, ReadOnlySpan<float> post, int units)
    {
        ArgumentNullException.ThrowIfNull(activation);
        Shape.Rows(post.Length, units, nameof(post));
        if (!CanRecoverPreActivations(activation)) return null;
        double reach = InversionReachOf(activation);
        var pre = new float[post.Length];
        int n = post.Length;
        int block = Math.Min(n, Math.Max(1, DeadUnitDetector.BlockValues / units) * units);
        var y = new double[block];
        var least = new double[block];
        var greatest = new double[block];
        for (int start = 0; start < n; start += block)
        {
            int len = Math.Min(block, n - start);
            for (int i = 0; i < len; i++) y[i] = post[start + i];
            Bisect(activation, y.AsSpan(0, len), units, reach, atLeast: true, least.AsSpan(0, len));
            Bisect(activation, y.AsSpan(0, len), units, reach, atLeast: false, greatest.AsSpan(0, len));
            for (int i = 0; i < len; i++) pre[start + i] = (float)((least[i] + greatest[i]) / 2);
        }

        return pre;
    }

    /// <summary>Where <see cref="PreActivationsFromOutputs"/> looks for inputs: [−64, 64], far into every flat tail at the default parameters.</summary>
    private const double InversionReach = 64;

    /// <summary>R of <see cref="PreActivationsFromOutputs"/>: 64, or twice the farthest finite kink (hard tanh's bounds), at most 2¹⁶.</summary>
    private static double InversionReachOf(Activation activation) =>
        Math.Min(65536, Math.Max(InversionReach, 2 * activation.Kinks.Select(k => double.IsFinite(k) ? Math.Abs(k) : 0).DefaultIfEmpty(0).Max()));

    /// <summary>
    /// For each <paramref name="y"/>, the least x in [−reach, reach] with f(x) ≥ y (<paramref name="atLeast"/>) or the
    /// greatest with f(x) ≤ y, for a non-decreasing f; the end of the interval where none is inside it.
    /// </summary>
    private static void Bisect(Activation f, ReadOnlySpan<double> y, int units, double reach, bool atLeast, Span<double> result)
    {
        int len = y.Length;
        var a = new double[len];
        var b = new double[len];
        var m = new double[len];
        var fm = new double[len];
        a.AsSpan().Fill(-reach);
        b.AsSpan().Fill(reach);
        var fa = new double[len];
        var fb = new double[len];
        f.Forward(a, fa, units);
        f.Forward(b, fb, units);
        var done = new bool[len];
        for (int i = 0; i < len; i++)
        {
            // Outside the bracket: the end that is nearest the value.
            if (atLeast ? fa[i] >= y[i] : fa[i] > y[i]) (result[i], done[i]) = (-reach, true);
            else if (atLeast ? fb[i] < y[i] : fb[i] <= y[i]) (result[i], done[i]) = (reach, true);
        }

        // f(a) < y ≤ f(b) (atLeast) or f(a) ≤ y < f(b): 80 halvings take 2·reach below a double's spacing there.
        for (int step = 0; step < 80; step++)
        {
            for (int i = 0; i < len; i++) m[i] = a[i] + ((b[i] - a[i]) / 2);
            f.Forward(m, fm, units);
            for (int i = 0; i < len; i++)
            {
                bool right = atLeast ? fm[i] >= y[i] : fm[i] > y[i];
                if (right) b[i] = m[i];
                else a[i] = m[i];
            }
        }

        for (int i = 0; i < len; i++)
        {
            if (!done[i]) result[i] = atLeast ? b[i] : a[i];
        }
    }

    /// <summary>The finding for a measurement, or null when below the reporting threshold.</summary>
    /// <remarks>
    /// Without the split by tail, the fix assumes the tail a function is known for: the upper flat region of one
    /// bounded above, the negative tail otherwise. <see cref="ToFinding(string, Activation, SaturationMeasurement, DiagnosticsOptions?, long?)"/>
    /// knows which tail it is.
    /// </remarks>
    public static Finding? ToFinding(string layer, Activation activation, double fraction, double[] perUnit, DiagnosticsOptions? options = null, long? step = null)
    {
        ArgumentNullException.ThrowIfNull(activation);
        return ToFinding(layer, activation, new SaturationMeasurement(fraction, perUnit, activation.Info.BoundedAbove ? 0 : fraction, activation.Info.BoundedAbove ? fraction : 0), options, step);
    }

    /// <summary>
    /// The finding for a measurement, or null when below the reporting threshold. The fix follows the tail the
    /// saturated pre-activations sit in when one tail clearly holds them (at least <see cref="OneSidedRatio"/> times the
    /// other's share): the upper flat region calls for a smaller initialisation or a function without one; the lower
    /// tail of a function bounded on both sides (sigmoid, tanh, hardtanh) for the biases and the initialisation; the
    /// negative tail of a rectifier-like function (gelu, elu, exponential) for inputs, biases and learning rate, or a
    /// slope there. A split closer to even than that (tanh with zero biases and too-large weights: 50.4 % low,
    /// 49.6 % high) is pre-activations spread too wide, not shifted: its fix is the initialisation scale and the inputs.
    /// It is critical from <see cref="DiagnosticsOptions.SaturationCriticalFraction"/> (90 %) on.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> set a warning fraction above its critical one (<see cref="DiagnosticsOptions.Validate"/>).</exception>
    public static Finding? ToFinding(string layer, Activation activation, SaturationMeasurement measurement, DiagnosticsOptions? options = null, long? step = null)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(measurement);
        var perUnit = measurement.PerUnit;
        ArgumentNullException.ThrowIfNull(perUnit);
        options ??= new DiagnosticsOptions();
        options.Validate();
        double fraction = measurement.Fraction;
        if (fraction < options.SaturationWarningFraction) return null;
        var saturatedUnits = Enumerable.Range(0, perUnit.Length).Where(j => perUnit[j] >= 0.9).ToArray();
        double low = measurement.LowerFraction, high = measurement.UpperFraction;
        bool upper = high >= OneSidedRatio * low;
        bool lower = low >= OneSidedRatio * high;
        bool twoSided = activation.Info.BoundedAbove && activation.Info.BoundedBelow;
        return new Finding
        {
            Kind = FindingKind.Saturation,
            Severity = fraction >= options.SaturationCriticalFraction ? Severity.Critical : Severity.Warning,
            Layer = layer,
            Step = step,
            Units = saturatedUnits,
            Evidence = new Dictionary<string, double> { ["saturated_fraction"] = fraction, ["saturated_units"] = saturatedUnits.Length, ["units"] = perUnit.Length },
            Explanation = $"{fraction:P0} of the pre-activations of {activation.Name} sit where its derivative is below {options.SaturationDerivativeFraction:P0} of "
                + (Slopes(activation).Unbounded ? $"its slope at the unit scale (max |f′| over [−1, 1] = {Slopes(activation).Reference:G3})" : "its peak") + "; those units pass almost no gradient.",
            Fix = upper
                ? "Use a hidden activation without an upper flat region (ReLU family, GELU/SiLU) with He initialisation, or scale the initialisation down (Glorot for sigmoid/tanh) and normalise the inputs."
                : !lower
                    ? $"These are split between both flat tails of {activation.Name} ({low / (low + high):P0} below, {high / (low + high):P0} above): the pre-activations are spread too wide, not shifted, so scale the initialisation down ({FindingText.SchemeName(activation.Info.Init)} for {activation.Name}) and normalise the inputs, or use a hidden activation without flat tails (ReLU family with He initialisation)."
                    : twoSided
                        ? $"Most of these sit in the lower flat tail of {activation.Name}: check the biases (a large negative bias pins the units there), scale the initialisation down (Glorot for sigmoid/tanh) and normalise the inputs."
                        : $"The flat region of {activation.Name} is its negative tail: normalise the inputs, check the initialisation scale and the biases, lower the learning rate, or use a function with a slope there (Leaky ReLU, PReLU).",
        };
    }

    /// <summary>
    /// The fix for saturation at the network's output, where the hidden-layer advice ("a hidden activation without an
    /// upper flat region, ReLU family") does not apply: a saturated output is a prediction pinned at the end of the
    /// function's range, where the loss's gradient is multiplied by f′ ≈ 0. For a regression loss (mse, mae, huber,
    /// poisson) the output should be linear, or the targets scaled well inside the range; for a classification loss,
    /// computed on the logits (bce_logits, ce_logits), which cancels the slope; the task, when known, decides which
    /// (mse on a binary task is a classification output); without either, both.
    /// </summary>
    public static string OutputFix(Activation activation, string? loss, TaskKind? task = null)
    {
        ArgumentNullException.ThrowIfNull(activation);
        string act = activation.Name;
        string l = loss?.Trim().ToLowerInvariant() ?? string.Empty;
        bool bounded = activation.Info.BoundedAbove && activation.Info.BoundedBelow;
        string range = bounded ? $" {activation.Info.Range}" : string.Empty;
        string regression = bounded
            ? $"or regression use the identity (linear) output, or keep {act} only with the targets scaled well inside its range{range}, so that no prediction has to sit in a flat tail"
            : "or regression use the identity (linear) output, which has no flat region";
        string classification = $"or classification drop {act} from the model and compute the loss on the logits (the identity output with bce_logits, or ce_logits), which cancels the output's slope";
        string what = $"This is the output layer: a saturated {act} output pins the predictions in its flat tails, where the loss's gradient is multiplied by {act}′ ≈ 0. ";
        bool? isRegression = task is { } t ? t == TaskKind.Regression
            : l is "mse" or "mae" or "huber" or "poisson" ? true
            : l is "bce" or "ce" ? false
            : null;
        return isRegression switch
        {
            true => what + "F" + regression + ".",
            false => what + "F" + classification + ".",
            null => what + "F" + regression + "; f" + classification + ".",
        };
    }

    /// <summary>
    /// How many times the other tail's share of saturated pre-activations one tail must hold for the fix to be about
    /// that tail (2: two thirds of them or more). A closer split means the pre-activations are spread too wide on both
    /// sides, which no bias explains: the fix is the initialisation scale.
    /// </summary>
    public const double OneSidedRatio = 2;

    /// <summary>
    /// The reference slope saturation is measured against: max |f′| over [−20, 20] when f′ is bounded; when |f′| keeps
    /// growing (its largest value over [−20, 20] is at least twice its largest over [−10, 10]: exponential, relu_squared),
    /// the largest |f′| over [−1, 1] instead (e for the exponential). A function with a parameter per channel
    /// (prelu(num_parameters=C)) is sampled on every channel, rows of C columns on a grid coarsened to at most 2²² values,
    /// with its current parameters; the largest slope of any channel is returned.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A row-wise or gated function (its derivative is a Jacobian over a row, not one slope per input), or one that
    /// passes no gradient anywhere (binary_step: f′ = 0 wherever it is defined, so it has no slope to compare with).
    /// </exception>
    public static double PeakDerivative(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (activation.Info.Kind != ActivationKind.Elementwise)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{activation} is {(activation.Info.Kind == ActivationKind.Rowwise ? "row-wise" : "gated")}: its derivative is a Jacobian over each row, not one slope per input, so it has no peak derivative (saturation is measured for element-wise functions only)."),
                nameof(activation));
        }

        double reference = Slopes(activation).Reference;
        if (reference == 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{activation} passes no gradient: f′ = 0 wherever it is defined, so it has no peak derivative to measure saturation against."), nameof(activation));
        }

        return reference;
    }

    private const int Samples = 40_001;
    private const double Window = 20;
    private const int MaxSampledValues = 1 << 22;

    /// <summary>|f′| on the sampling grid (the largest over the channels at each point) and the reference slope.</summary>
    private sealed record SampledSlopes(double[] X, double[] Abs, double Reference, bool Unbounded);

    // A prelu's slopes are trained in place (and its ToString shows only the first), so its samples are never cached.
    private static bool Cacheable(Activation activation) => activation is not Functions.Prelu;

    private static SampledSlopes Slopes(Activation activation)
    {
        if (!Cacheable(activation)) return Sample(activation);
        var (reference, unbounded) = PeakCache.GetOrAdd(activation.ToString(), _ => Sample(activation) is var s ? (s.Reference, s.Unbounded) : default);
        return new SampledSlopes([], [], reference, unbounded);
    }

    /// <summary>
    /// The flat tails for a threshold on |f′|, sampled over [−20, 20]: below <c>Low</c> and above <c>High</c> (the
    /// first and last samples where |f′| reaches the limit) every sample stays under it. With no such sample the whole
    /// line is flat (Low = +∞, High = −∞).
    /// </summary>
    private static (double Low, double High) FlatTails(Activation activation, SampledSlopes slopes, double limit)
    {
        (double, double) Compute(SampledSlopes s)
        {
            int first = Array.FindIndex(s.Abs, v => v >= limit);
            int last = Array.FindLastIndex(s.Abs, v => v >= limit);
            return first < 0 ? (double.PositiveInfinity, double.NegativeInfinity) : (s.X[first], s.X[last]);
        }

        return Cacheable(activation)
            ? TailCache.GetOrAdd((activation.ToString(), limit), _ => Compute(Sample(activation)))
            : Compute(slopes);
    }

    private static SampledSlopes Sample(Activation activation)
    {
        int channels = activation.Channels;
        int points = channels == 1 ? Samples : Math.Clamp(MaxSampledValues / channels, 3, Samples);
        double step = 2 * Window / (points - 1);
        var x = new double[points];
        for (int i = 0; i < points; i++) x[i] = -Window + (i * step);
        x[points - 1] = Window;
        var abs = new double[points];
        const int BlockRows = 256;
        var xs = new double[Math.Min(points, BlockRows) * channels];
        var d = new double[xs.Length];
        for (int start = 0; start < points; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, points - start);
            int len = rows * channels;
            for (int r = 0; r < rows; r++) xs.AsSpan(r * channels, channels).Fill(x[start + r]);
            d.AsSpan(0, len).Fill(1.0);
            activation.Backward(xs.AsSpan(0, len), d.AsSpan(0, len), d.AsSpan(0, len), channels);
            for (int r = 0; r < rows; r++)
            {
                double m = 0;
                foreach (double v in d.AsSpan(r * channels, channels))
                {
                    // A NaN slope (a kink evaluated exactly) says nothing about the peak.
                    if (double.IsFinite(v)) m = Math.Max(m, Math.Abs(v));
                }

                abs[start + r] = m;
            }
        }

        double MaxWithin(double half)
        {
            double m = 0;
            for (int i = 0; i < points; i++)
            {
                if (Math.Abs(x[i]) <= half) m = Math.Max(m, abs[i]);
            }

            return m;
        }

        double peak = abs.Max();
        double central = MaxWithin(1);
        bool unbounded = peak > 0 && peak >= 2 * MaxWithin(Window / 2) && central > 0;
        return new SampledSlopes(x, abs, unbounded ? central : peak, unbounded);
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

/// <summary>
/// Detects forward activations that grow from layer to layer: a hidden layer whose root mean square is orders of
/// magnitude above an earlier hidden layer's.
/// </summary>
/// <remarks>
/// <para>
/// The exploding-gradient check follows gradients over time; a forward signal that grows with depth can train for a
/// while with ordinary gradient norms (Adam rescales its steps) while the last hidden layers reach 10³–10⁵ and the
/// logits 10⁶, which gradients alone did not show. Each hidden layer l after the first is compared with the smallest RMS
/// among the hidden layers before it, taken as at least 1: the scale of standardised inputs, which a layer initialised for
/// its activation keeps. So a first layer that starts small (inputs scaled down, a small initialisation) and a later one
/// of ordinary size is no explosion, nor are large activations that were large from the first layer on (unstandardised
/// inputs): only growth within the network is. The output layer is not judged: its scale is the targets' (a regression
/// in raw units) or the logits'.
/// </para>
/// <para>
/// Healthy networks stay far below the default threshold of 100× (<see cref="DiagnosticsOptions.ExplodingActivationGrowth"/>):
/// ReLU, tanh, GELU, SiLU, ELU and SELU MLPs of two to ten hidden layers trained on the synthetic sets and Fashion-MNIST
/// grew 3.3× at most (14× for eight SELU layers at learning rate 0.01, saturated; docs/diagnostics.md). Gated functions
/// (swiglu, geglu, reglu) square the input's scale at every layer, so their stacks drift even when initialised for
/// them (4 × 256 swiglu at the recommended gain: 34× by the fourth layer before training) and cross it in training.
/// </para>
/// </remarks>
public static class ActivationGrowthDetector
{
    /// <summary>How far past <see cref="DiagnosticsOptions.ExplodingActivationGrowth"/> the finding turns critical: 100× (10⁴× growth by default, 10⁸ in second moment).</summary>
    public const double CriticalFactor = 100;

    /// <summary>The scale the earlier layers are taken to have at least: the RMS of standardised inputs.</summary>
    public const double UnitScale = 1;

    /// <summary>
    /// Checks the hidden layers' root mean squares (first hidden layer first; the output layer left out) and returns the
    /// finding for the layer that grew most over the earlier ones, when that growth reaches the threshold; null otherwise,
    /// and with fewer than two layers or any RMS that is not finite (the non-finite check reports those).
    /// </summary>
    /// <exception cref="ArgumentException">The names and the values differ in number.</exception>
    public static Finding? Detect(IReadOnlyList<string> layers, IReadOnlyList<double> rms, DiagnosticsOptions? options = null, long? step = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(rms);
        if (layers.Count != rms.Count) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{rms.Count} RMS values for {layers.Count} layers; give one per hidden layer."), nameof(rms));
        options ??= new DiagnosticsOptions();
        if (rms.Count < 2 || rms.Any(r => !double.IsFinite(r) || r < 0)) return null;

        int worst = -1, smallest = 0, worstReference = 0;
        double worstGrowth = 0;
        for (int l = 1; l < rms.Count; l++)
        {
            if (rms[l - 1] < rms[smallest]) smallest = l - 1;
            double growth = rms[l] / Math.Max(UnitScale, rms[smallest]);
            if (growth > worstGrowth)
            {
                (worst, worstGrowth, worstReference) = (l, growth, smallest);
            }
        }

        if (worst < 0 || worstGrowth < options.ExplodingActivationGrowth) return null;
        double reference = rms[worstReference];
        bool floored = reference < UnitScale;
        string from = floored
            ? $"the unit scale of standardised inputs (the smallest earlier hidden layer, {layers[worstReference]}, has an RMS of {reference:G3})"
            : $"that of {layers[worstReference]} ({reference:G3})";
        int between = worst - worstReference;
        return new Finding
        {
            Kind = FindingKind.ExplodingActivations,
            Severity = worstGrowth >= CriticalFactor * options.ExplodingActivationGrowth ? Severity.Critical : Severity.Warning,
            Layer = layers[worst],
            Step = step,
            Evidence = new Dictionary<string, double>
            {
                ["rms"] = rms[worst],
                ["reference_rms"] = reference,
                ["growth"] = worstGrowth,
                ["layers_between"] = between,
            },
            Explanation = $"The activations of {layers[worst]} have an RMS of {rms[worst]:G3}, {worstGrowth:G3}× {from}, {between} layer{(between == 1 ? "" : "s")} earlier: "
                + "each layer amplifies its input, so the forward signal explodes with depth, the outputs follow, and training is erratic or diverges.",
            Fix = "Initialise with a smaller gain (init auto uses each activation's variance-preserving gain, and for gated functions the one that keeps a unit input's second moment), put a normalisation layer (LayerNorm, RMSNorm or BatchNorm) between the hidden layers where the framework has one, "
                + "or use fewer layers; gated functions (swiglu, geglu, reglu) square the scale at every layer, so a deep stack of them needs the normalisation (or, without one, a non-gated function such as gelu or silu). "
                + "If the growth appears during training, lower the learning rate or add weight decay.",
        };
    }
}

/// <summary>
/// Follows per-layer gradient norms over steps and reports vanishing or exploding gradients.
/// </summary>
/// <remarks>
/// <para>
/// Growth alone is no explosion: a layer whose first gradient is tiny (a small-initialised layer after it scales
/// every gradient before it down) grows a thousandfold on its way to an ordinary size. A gradient counts as exploding
/// when it grew more than <see cref="DiagnosticsOptions.ExplodingGrowth"/>× since the first check <em>and</em> is large
/// in absolute terms: at least <see cref="DiagnosticsOptions.ExplodingWeightRatio"/> times the norm of the weights it
/// updates (‖∂L/∂W‖ ≥ ‖W‖: one SGD step at learning rate 1 would move the weights further than their whole size).
/// That norm is the smaller of the weights' norm now and at the first check: in a diverging run the weights blow up
/// with the gradient (×10⁸ between two checks fifty steps apart at learning rate 20), and measured against the weights'
/// current size alone a gradient ten-million-fold its start looked ordinary. Without the weights' norms, the yardstick
/// is the largest gradient norm of any layer at the first check, the network's own initial scale.
/// </para>
/// <para>
/// Findings are made at every check where they hold, so that a session, which keeps one per kind and layer, updates
/// them (latest evidence, occurrences) and sees a warning turn critical. Exploding gradients are judged per layer and
/// are critical when the norm is not finite or reaches <see cref="CriticalFactor"/> (10³) times the yardstick;
/// vanishing gradients are critical while the first-to-last ratio is below <see cref="DiagnosticsOptions.VanishingRatio"/>
/// ÷ <see cref="CriticalFactor"/> (10⁻⁶ by default). Both are three orders of magnitude past the warning threshold.
/// </para>
/// </remarks>
public sealed class GradientFlowMonitor(DiagnosticsOptions? options = null)
{
    /// <summary>
    /// How far past its warning threshold a gradient finding turns critical: an exploding norm at 10³× its yardstick
    /// (with the default ratio, one SGD step at learning rate 10⁻³ moves the weights by their whole size), a vanishing
    /// ratio at 10⁻³× <see cref="DiagnosticsOptions.VanishingRatio"/>.
    /// </summary>
    public const double CriticalFactor = 1e3;

    private readonly DiagnosticsOptions _options = options ?? new DiagnosticsOptions();
    private double[]? _first;
    private double[]? _firstWeights;
    private double _firstLargest;
    private int _lowStreak;

    /// <summary>
    /// The first layer's gradient norm over the last layer's at the last recorded step: +∞ where the last layer's is 0
    /// and the first's is not, NaN where there is no ratio (fewer than two layers, both norms 0, or a norm that is NaN
    /// or infinite). Neither is vanishing, and a step with either ends a vanishing streak.
    /// </summary>
    public double LastRatio { get; private set; } = double.NaN;

    /// <summary>
    /// Records the gradient norms of one step, first layer first, with the norms of the weights they update when known
    /// (<paramref name="weightNorms"/>, the same order; see the remarks: those given at the first step are kept as the
    /// weights' initial size). Returns the findings of this step: one
    /// exploding-gradient finding for every layer whose gradient explodes at it, and the vanishing-gradient finding at
    /// every step of a streak long enough (<see cref="DiagnosticsOptions.VanishingSteps"/>), each with this step's
    /// evidence and severity. A <c>DiagnosticsSession</c> keeps one finding per kind and layer and updates it.
    /// </summary>
    /// <exception cref="ArgumentException">The number of norms differs from the first step's (the number of layers changed), or <paramref name="weightNorms"/> has another count than <paramref name="norms"/>.</exception>
    public IReadOnlyList<Finding> Record(long step, IReadOnlyList<double> norms, IReadOnlyList<string>? layerNames = null, IReadOnlyList<double>? weightNorms = null)
    {
        ArgumentNullException.ThrowIfNull(norms);
        if (weightNorms is not null && weightNorms.Count != norms.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{weightNorms.Count} weight norms for {norms.Count} gradient norms; give one per layer."), nameof(weightNorms));
        }

        // The first step fixes the number of layers: every later norm is compared with the first of its layer, so a
        // step with more norms would read past them and one with fewer would silently judge the wrong layers.
        if (_first is null)
        {
            _first = norms.ToArray();
            _firstWeights = weightNorms?.ToArray();
            _firstLargest = _first.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        }
        else if (norms.Count != _first.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The number of layers changed: step {step} has {norms.Count} gradient norm{(norms.Count == 1 ? "" : "s")} but the first step had {_first.Length} (one monitor follows one network)."), nameof(norms));
        }

        var found = new List<Finding>();
        if (norms.Count == 0) return found;
        string Name(int i) => layerNames is not null && i < layerNames.Count ? layerNames[i] : $"layer {i}";

        for (int i = 0; i < norms.Count; i++)
        {
            double norm = norms[i];
            bool nonFinite = !double.IsFinite(norm);
            double growth = nonFinite ? double.NaN : _first[i] > 0 ? norm / _first[i] : 0;
            double? weightNorm = weightNorms is not null ? Usable(weightNorms[i]) : null;
            double? initialWeightNorm = _firstWeights is not null ? Usable(_firstWeights[i]) : null;

            // The smaller of the weights' size now and at the first check: weights that blew up with the gradient must
            // not hide it, and weights that shrank since (weight decay) are measured as they are now.
            double? scale = weightNorm is double now ? Math.Min(now, initialWeightNorm ?? now) : initialWeightNorm;
            double yardstick = scale is double s ? _options.ExplodingWeightRatio * s : _firstLargest;
            if (!nonFinite && !(growth > _options.ExplodingGrowth && norm >= yardstick)) continue;

            // Every number that changes from check to check is given at every occurrence (growth NaN for a NaN norm): a
            // session merges evidence, and a key left out would keep an old value. The first check's numbers do not
            // change: the weights' norm then is given whenever it is known, the largest gradient norm where it is the
            // yardstick (no weights known, and a finite norm).
            var evidence = new Dictionary<string, double> { ["gradient_norm"] = norm, ["initial_norm"] = _first[i], ["growth"] = growth };
            if (weightNorms is not null) evidence["weight_norm"] = weightNorms[i];
            if (initialWeightNorm is double known) evidence["initial_weight_norm"] = known;
            if (scale is null && !nonFinite) evidence["largest_initial_norm"] = _firstLargest;
            bool critical = nonFinite || norm >= CriticalFactor * yardstick;
            bool againstInitial = scale is double m && initialWeightNorm is double f0 && m == f0 && !(weightNorm is double n0 && n0 <= f0);
            string size = scale is not double v
                ? $"{norm / _firstLargest:G3}× the largest gradient norm of any layer at the first step ({_firstLargest:G3})"
                : !againstInitial
                    ? $"{norm / v:G3}× the norm of the weights it updates ({v:G3})"
                    : $"{norm / v:G3}× the norm its weights had at the first step ({v:G3}"
                        + (weightNorm is double grown ? $"; they have grown {grown / v:G3}× since)" : ")");
            found.Add(new Finding
            {
                Kind = FindingKind.ExplodingGradients,
                Severity = critical ? Severity.Critical : Severity.Warning,
                Layer = Name(i),
                Step = step,
                Evidence = evidence,
                Explanation = nonFinite
                    ? $"The gradient of {Name(i)} {(double.IsFinite(_first[i]) ? "became" : "is")} {norm}: training has diverged."
                    : $"The gradient norm of {Name(i)} grew {growth:G3}× since the first step ({_first[i]:G3} → {norm:G3}), {size}"
                        + (!critical ? "." : weightNorm is double u ? $": one SGD step at learning rate {u / norm:G2} would move them by their whole size, and training is diverging." : ": training is diverging."),
                Fix = "Lower the learning rate, clip gradients, use a bounded activation (ReLU6 in the hidden layers, tanh at a bounded output), and check the input scaling.",
            });
        }

        // Every step sets the ratio, the undefined ones too: a step it skipped left the previous step's ratio in place
        // (a report's gradient flow repeated it beside norms of 0) and kept a vanishing streak going across a check
        // that says nothing about it. A NaN compares false and ends the streak; so does +∞, a last layer that gets no
        // gradient at all, which is no sign of the first layer's gradient vanishing.
        double firstNorm = norms[0], lastNorm = norms[^1];
        LastRatio = norms.Count < 2 || !double.IsFinite(firstNorm) || !double.IsFinite(lastNorm) ? double.NaN
            : lastNorm > 0 ? firstNorm / lastNorm
            : firstNorm > 0 ? double.PositiveInfinity
            : double.NaN;
        _lowStreak = LastRatio < _options.VanishingRatio ? _lowStreak + 1 : 0;
        if (_lowStreak >= _options.VanishingSteps)
        {
            found.Add(new Finding
            {
                Kind = FindingKind.VanishingGradients,
                Severity = LastRatio < _options.VanishingRatio / CriticalFactor ? Severity.Critical : Severity.Warning,
                Layer = Name(0),
                Step = step,
                Evidence = new Dictionary<string, double> { ["first_to_last_ratio"] = LastRatio, ["first_norm"] = norms[0], ["last_norm"] = norms[^1], ["steps"] = _lowStreak },
                Explanation = $"The first layer's gradient is {LastRatio:G2} times the last layer's for {_lowStreak} check{(_lowStreak == 1 ? "" : "s")} in a row: the early layers barely learn.",
                Fix = VanishingFix(Activations),
            });
        }

        return found;
    }

    // A weight norm that can scale a yardstick: 0 (all-zero weights) or NaN/∞ (diverged weights) cannot.
    private static double? Usable(double weightNorm) => double.IsFinite(weightNorm) && weightNorm > 0 ? weightNorm : null;

    /// <summary>
    /// The layers' activations, first layer first as the norms given to <see cref="Record"/> (null: linear), when known:
    /// the vanishing-gradient fix depends on them. Without them the fix covers both causes.
    /// </summary>
    public IReadOnlyList<Activation?>? Activations { get; set; }

    /// <summary>
    /// The fix for vanishing gradients in a network whose layers (first first, the output last) have
    /// <paramref name="activations"/>: where a hidden layer's function shrinks gradients itself (the catalog's
    /// <see cref="KnownProblem.VanishingGradients"/>: sigmoid, tanh, softsign, …), replace it by the ReLU family; where
    /// none does (an all-ReLU network), the weights shrink them: the initialisation scale, normalisation or residual
    /// connections. Unknown activations (null list, or no hidden layer) get both.
    /// </summary>
    public static string VanishingFix(IReadOnlyList<Activation?>? activations)
    {
        var hidden = activations is { Count: > 1 } ? activations.Take(activations.Count - 1).ToArray() : null;
        if (hidden is null)
        {
            return "If the hidden layers use sigmoid/tanh, replace them by the ReLU family (He init) or SELU (LeCun normal init); "
                + "otherwise check the initialisation scale (He for the ReLU family), add normalisation or residual connections, or use fewer layers.";
        }

        var infos = hidden.Select(a => a?.Info).ToArray();
        var shrinking = infos.OfType<ActivationInfo>().Where(i => i.Problems.HasFlag(KnownProblem.VanishingGradients)).ToArray();
        if (shrinking.Length > 0)
        {
            return $"Replace {Names(shrinking.Select(i => i.Name).Distinct().ToArray())} in the hidden layers by the ReLU family (He init) or SELU (LeCun normal init), "
                + $"or at least give the weights the scale {(shrinking.Select(i => i.Name).Distinct().Count() == 1 ? "it needs" : "they need")} ({Names(Schemes(shrinking))} initialisation); use fewer layers or residual connections.";
        }

        var names = infos.Select(i => i?.Name ?? "identity").Distinct().ToArray();
        var schemes = Schemes(infos);
        return $"The hidden layers' {Names(names)} {(names.Length == 1 ? "does not shrink gradients by itself" : "do not shrink gradients by themselves")}: the weights do. "
            + $"Use {Names(schemes)} initialisation (a smaller scale, such as normal(0.01), shrinks the gradient at every layer), "
            + "normalisation (batch or layer norm) or residual connections, or fewer layers.";

        static string Names(IReadOnlyList<string> items) => FindingText.List(items, "and");

        static string[] Schemes(IEnumerable<ActivationInfo?> infos) => infos.Select(i => FindingText.SchemeName(i?.Init)).Distinct().ToArray();
    }
}

internal static class Shape
{
    public static int Rows(int length, int columns, string name)
    {
        if (columns <= 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The number of units must be positive, got {columns}."), nameof(columns));
        if (length % columns != 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{name}' has {length} values, not a whole number of rows of {columns} units."), name);
        return length / columns;
    }
}
