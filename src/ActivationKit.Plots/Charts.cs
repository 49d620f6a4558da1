using ActivationKit.Catalog;
using ActivationKit.Nn.Experiments;
using ScottPlot;

namespace ActivationKit.Plots;

/// <summary>
/// The charts ActivationKit draws, as ScottPlot plots ready to be saved (<see cref="ChartFile"/>): functions and
/// their derivatives, learning curves, per-layer activation histograms and dead/saturated fractions.
/// </summary>
public static class Charts
{
    /// <summary>Points per curve of a function chart.</summary>
    public const int CurvePoints = 801;

    /// <summary>
    /// f of each function over [<paramref name="from"/>, <paramref name="to"/>] (solid), and with
    /// <paramref name="derivative"/> also f′ (dashed, same colour). Row-wise and gated functions are drawn as
    /// <see cref="Curves.Sample"/> describes, and their legend entries and the caption under the x-axis say so (a gated
    /// function at a = b = x). Where a curve lies on a later one, a band of its colour is drawn beneath it (<see cref="Halos"/>),
    /// so relu stays visible under leaky_relu.
    /// </summary>
    public static Plot Functions(IReadOnlyList<Activation> functions, double from, double to, bool derivative)
    {
        ArgumentNullException.ThrowIfNull(functions);
        if (functions.Count == 0) throw new ArgumentException("Give at least one function to plot.", nameof(functions));
        if (!(from < to) || !double.IsFinite(from) || !double.IsFinite(to)) throw new ArgumentException($"The range must be finite with from < to, got {from}:{to}.", nameof(from));
        var plot = NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        var xs = Enumerable.Range(0, CurvePoints).Select(i => from + ((to - from) * i / (CurvePoints - 1))).ToArray();
        var curves = new List<FunctionCurve>();
        for (int k = 0; k < functions.Count; k++)
        {
            var f = functions[k];
            var (y, dy, _) = Curves.Sample(f, xs);
            string name = Contender.ShortSpec(f);

            // A gated function of one variable is a choice of the row: the reader must know which.
            string where = f.Info.Kind switch { ActivationKind.Gated => " (a = b = x)", ActivationKind.Rowwise => " (row (x, 0))", _ => string.Empty };
            curves.Add(new FunctionCurve(k, name + where, y, palette.GetColor(k), Dashed: false));
            if (derivative) curves.Add(new FunctionCurve(k, name + "′" + where, dy, palette.GetColor(k), Dashed: true));
        }

        var captions = new List<string>();
        if (functions.Any(f => f.Info.Kind == ActivationKind.Gated))
        {
            captions.Add("gated functions a·g(b) at a = b = x: x·g(x)" + (derivative ? ", f′ = ∂f/∂a + ∂f/∂b" : string.Empty));
        }

        if (functions.Any(f => f.Info.Kind == ActivationKind.Rowwise))
        {
            captions.Add("row-wise functions: the first output of the row (x, 0)" + (derivative ? ", f′ its partial derivative in x" : string.Empty));
        }

        var (shown, off) = SplitOffScale(curves);
        double yLow = shown.Select(c => c.Low).Where(double.IsFinite).DefaultIfEmpty(double.PositiveInfinity).Min();
        double yHigh = shown.Select(c => c.High).Where(double.IsFinite).DefaultIfEmpty(double.NegativeInfinity).Max();
        double ySpan = yHigh - yLow;
        double clampLow = double.NegativeInfinity, clampHigh = double.PositiveInfinity;

        // Tick labels with the digits the axis needs: ScottPlot's own wrote every tick of ±1e-30 as "0", and spelled
        // 1e300 out in full, too wide for more than one tick to fit.
        if (double.IsFinite(yLow) && Curves.IsFlat(yLow, yHigh))
        {
            // A constant curve gets a band around its value, as in the terminal (ScottPlot's own was so narrow that
            // every tick read "0").
            double pad = Curves.FlatPadding(yHigh);
            plot.Axes.SetLimitsY(yLow - pad, yHigh + pad);
            ySpan = yHigh - yLow + (2 * pad);
            clampLow = yLow - (2 * pad);
            clampHigh = yHigh + (2 * pad);
        }
        else if (ySpan < MinYSpan)
        {
            // Below about 1e-305 ScottPlot's pixels per unit overflow and the frame came out empty (relu_squared over
            // 1e-160:2e-160, whose values are near 1e-320): the axis spans 1e-300 centred on the values, which are then
            // flat to within a pixel, where a tick label says how small they are.
            double mid = yLow + (ySpan / 2);
            plot.Axes.SetLimitsY(mid - (MinYSpan / 2), mid + (MinYSpan / 2));
            ySpan = MinYSpan;
            clampLow = mid - MinYSpan;
            clampHigh = mid + MinYSpan;
        }
        else if (off.Count > 0 && double.IsFinite(ySpan))
        {
            plot.Axes.SetLimitsY(yLow - (0.05 * ySpan), yHigh + (0.05 * ySpan));
            clampLow = yLow - ySpan;
            clampHigh = yHigh + ySpan;
        }

        // A curve off the scale is drawn clipped: its values beyond the shown range are pulled to a line outside it,
        // so the part inside is exact to within one of the 800 steps and no coordinate is astronomically far out.
        var drawn = curves.Select(c => off.Contains(c) ? c.Ys.Select(v => double.IsFinite(v) ? Math.Clamp(v, clampLow, clampHigh) : v).ToArray() : c.Ys).ToArray();
        var halos = Halos(curves, drawn, ySpan);
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            if (halos[i].Width > CurveWidth) Halo(plot, xs, drawn[i], c.Color, halos[i].Width, halos[i].Where);
            Line(plot, xs, drawn[i], c.Color, c.Name, c.Dashed, limit: double.PositiveInfinity);
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => Curves.AxisLabel(v, (to - from) / 10) };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => Curves.AxisLabel(v, double.IsFinite(ySpan) ? ySpan / 10 : 0) };

        plot.Add.HorizontalLine(0, 1, Colors.Gray.WithAlpha(0.5));
        plot.Add.VerticalLine(0, 1, Colors.Gray.WithAlpha(0.5));
        plot.Title(derivative ? "f(x) (solid) and f′(x) (dashed)" : "f(x)");
        if (off.Count > 0) captions.Add(OffScaleNote(off));
        plot.XLabel(string.Join("\n", captions.Prepend("x")));
        LegendOutside(plot);
        plot.Axes.SetLimitsX(from, to);
        return plot;
    }

    /// <summary>The line width of a function chart's curves.</summary>
    public const double CurveWidth = 2;

    /// <summary>
    /// Where each curve of a function chart (<paramref name="ys"/> as drawn) lies under a later one, and how wide a band
    /// to draw there beneath it: <see cref="CurveWidth"/> plus 1.5 for every curve of the same kind (f or f′) of a later
    /// function that lies on it — within 0.3 % of the chart's height at half the points or more — up to three (width
    /// <see cref="CurveWidth"/>, no band, when none does). In the default comparison relu was drawn exactly under
    /// leaky_relu and vanished (so did elu's right half): the band shows the earlier curve's colour around the later one
    /// where they coincide. Curves that merely approach each other in their tails (gelu and mish, 43 % of [−5, 5]) get none.
    /// </summary>
    internal static (double Width, bool[] Where)[] Halos(IReadOnlyList<FunctionCurve> curves, IReadOnlyList<double[]> ys, double ySpan)
    {
        var halos = new (double Width, bool[] Where)[curves.Count];
        double tolerance = 0.003 * ySpan;
        for (int i = 0; i < curves.Count; i++)
        {
            int under = 0;
            var where = new bool[ys[i].Length];
            for (int j = i + 1; j < curves.Count && under < 3 && ySpan > 0 && double.IsFinite(ySpan); j++)
            {
                if (curves[j].Function == curves[i].Function || curves[j].Dashed != curves[i].Dashed) continue;
                var close = new bool[ys[i].Length];
                int count = 0;
                for (int p = 0; p < close.Length; p++)
                {
                    close[p] = double.IsFinite(ys[i][p]) && double.IsFinite(ys[j][p]) && Math.Abs(ys[i][p] - ys[j][p]) <= tolerance;
                    if (close[p]) count++;
                }

                if (2 * count < close.Length) continue;
                under++;
                for (int p = 0; p < close.Length; p++) where[p] |= close[p];
            }

            halos[i] = (CurveWidth + (1.5 * under), where);
        }

        return halos;
    }

    /// <summary>A curve's band where it lies under later curves: each run of two points or more, solid and partly transparent.</summary>
    private static void Halo(Plot plot, double[] xs, double[] ys, Color color, double width, bool[] where)
    {
        for (int start = 0; start < where.Length;)
        {
            if (!where[start])
            {
                start++;
                continue;
            }

            int end = start;
            while (end + 1 < where.Length && where[end + 1]) end++;
            if (end > start)
            {
                var band = plot.Add.Scatter(xs[start..(end + 1)], ys[start..(end + 1)], color.WithAlpha(0.7));
                band.LineWidth = (float)width;
                band.MarkerSize = 0;
            }

            start = end + 1;
        }
    }

    /// <summary>The narrowest y-axis of a function chart: ScottPlot draws nothing on an axis much narrower.</summary>
    public const double MinYSpan = 1e-300;

    /// <summary>
    /// How many times the typical function's largest |value| a function may reach and still set the y-range of a
    /// function chart (<see cref="SplitOffScale"/>).
    /// </summary>
    public const double OffScaleFactor = 20;

    /// <summary>
    /// <see cref="OffScaleFactor"/> for a chart of two functions, where neither is "the typical one": only the one
    /// that would flatten the other to less than a thousandth of the chart's height (under a pixel) is clipped, so
    /// relu and tanh over ±100 stay as they are.
    /// </summary>
    public const double OffScaleFactorOfTwo = 1000;

    /// <summary>One curve of a function chart: f or f′ of function <paramref name="Function"/>.</summary>
    internal sealed record FunctionCurve(int Function, string Name, double[] Ys, Color Color, bool Dashed)
    {
        public double Low { get; } = Ys.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();

        public double High { get; } = Ys.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();

        /// <summary>Largest |y| over the finite values (0 when there are none).</summary>
        public double Scale { get; } = Ys.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();

        /// <summary>The finite value of largest size, with its sign.</summary>
        public double Extreme => Math.Abs(Low) >= Math.Abs(High) ? Low : High;
    }

    /// <summary>
    /// The curves that set a function chart's y-range, and those left to run off it. exponential (148 at x = 5) or
    /// squareplus(b=1e20) (5·10⁹ everywhere) flattened every other function into a line along the x-axis: a function
    /// whose largest |f| or |f′| is more than <see cref="OffScaleFactor"/> times the typical one's (the lower median over
    /// the functions, so that at least half of them always set the range; <see cref="OffScaleFactorOfTwo"/> times for two
    /// functions) does not set it, and those of its curves that leave the range the others set are drawn clipped. A
    /// single function always sets its own range.
    /// </summary>
    internal static (IReadOnlyList<FunctionCurve> Shown, IReadOnlyList<FunctionCurve> Off) SplitOffScale(IReadOnlyList<FunctionCurve> curves)
    {
        var scales = curves.GroupBy(c => c.Function).ToDictionary(g => g.Key, g => g.Max(c => c.Scale));
        var positive = scales.Values.Where(v => v > 0).Order().ToArray();
        if (positive.Length < 2) return (curves, []);
        double typical = positive[(positive.Length - 1) / 2];
        double factor = positive.Length >= 3 ? OffScaleFactor : OffScaleFactorOfTwo;
        var setting = curves.Where(c => !(scales[c.Function] > factor * typical)).ToArray();

        // Of an off-scale function, a curve that stays inside the range the others set is drawn as it is
        // (squareplus(b=1e20)′, ½ everywhere, next to its f at 5·10⁹).
        double low = setting.Select(c => c.Low).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        double high = setting.Select(c => c.High).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        var off = curves.Except(setting).Where(c => !(c.Low >= low && c.High <= high) && !double.IsNaN(c.Low)).ToArray();
        return (curves.Except(off).ToArray(), off);
    }

    /// <summary>The note under a function chart naming the curves that leave its y-range, and how far they go.</summary>
    internal static string OffScaleNote(IEnumerable<FunctionCurve> off) =>
        "Beyond the y-range shown: " + string.Join(", ", off.Select(c => $"{c.Name} ({(c.Extreme < 0 ? "down" : "up")} to {ChartText.Number(c.Extreme, 3)})"));

    /// <summary>
    /// Mean validation accuracy (or loss) per epoch over seeds, one line per contender; values that are not finite or
    /// reach ±10⁶ (a diverging run) are left out. The x-axis label names every contender left out of the chart or drawn
    /// only in part, and why (<see cref="LearningCurveNotes"/>); the legend is outside the data area, so it hides no
    /// line.
    /// </summary>
    public static Plot LearningCurves(ExperimentSummary summary, IReadOnlyList<TrialResult> trials, bool loss = false)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(trials);
        var plot = NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (var row in summary.Ranking)
        {
            var (epochs, mean) = MeanCurve(trials.Where(t => t.Label == row.Label), loss);
            if (epochs.Length > 0) Line(plot, epochs, mean, palette.GetColor(k), $"{row.Rank}. {row.Label}", dashed: false, markers: epochs.Length <= 12);
            k++;
        }

        plot.Title(loss ? "Validation loss (mean over seeds)" : "Validation accuracy (mean over seeds)");
        var notes = LearningCurveNotes(summary, trials, loss);

        // Otherwise a chart whose every value is huge, or a contender that diverged at once, is missing with no word why.
        plot.XLabel(notes.Count == 0 ? "epoch" : "epoch\nLeft out: " + string.Join("; ", notes));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel(loss ? "loss" : "accuracy");
        LegendOutside(plot);
        return plot;
    }

    /// <summary>
    /// What <see cref="LearningCurves"/> leaves out, one note per contender: one without results, one whose every seed
    /// diverged before its first epoch ended (no values at all), the values of its mean curve that are not finite or
    /// reach ±10⁶ (or all of them), and the epochs a diverged seed cut off (the mean runs over the epochs every seed
    /// reached).
    /// </summary>
    public static IReadOnlyList<string> LearningCurveNotes(ExperimentSummary summary, IReadOnlyList<TrialResult> trials, bool loss = false)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(trials);
        var notes = new List<string>();
        foreach (var row in summary.Ranking)
        {
            var seeds = trials.Where(t => t.Label == row.Label).ToArray();
            var withCurve = seeds.Where(t => t.Curve.Count > 0).ToArray();
            var diverged = seeds.Where(t => t.Diverged).ToArray();
            if (seeds.Length == 0)
            {
                notes.Add($"{row.Label} (no results)");
                continue;
            }

            if (withCurve.Length == 0)
            {
                notes.Add(diverged.Length == seeds.Length
                    ? $"{row.Label} (diverged in its first epoch{(seeds.Length == 1 ? string.Empty : " on every seed")}: no values)"
                    : $"{row.Label} (no epochs recorded)");
                continue;
            }

            var (_, mean) = MeanCurve(withCurve, loss);
            int bad = mean.Count(v => !(double.IsFinite(v) && Math.Abs(v) < HugeValue));
            var parts = new List<string>();
            if (bad == mean.Length) parts.Add($"every value ≥ 10⁶ or not finite");
            else if (bad > 0) parts.Add($"{bad} value{(bad == 1 ? string.Empty : "s")} ≥ 10⁶ or not finite");
            if (diverged.Length > 0)
            {
                string which = diverged.Length == 1 ? $"seed {diverged[0].Seed}" : $"{diverged.Length} of {seeds.Length} seeds";
                int longest = seeds.Max(t => t.Curve.Count);
                if (withCurve.Length < seeds.Length) parts.Add($"{which} diverged, {(withCurve.Length == 1 ? "mean of the other seed" : $"mean of the other {withCurve.Length} seeds")}");
                else if (mean.Length < longest || mean.Length < summary.Manifest.Config.Epochs) parts.Add($"{which} diverged, drawn to epoch {mean.Length}");
                else parts.Add($"{which} diverged");
            }

            if (parts.Count > 0) notes.Add($"{row.Label} ({string.Join(", ", parts)})");
        }

        return notes;
    }

    /// <summary>Learning-curve values of this size or more (a diverging run) are not drawn.</summary>
    private const double HugeValue = 1e6;

    /// <summary>
    /// Histograms of each hidden layer's outputs on held-out data at the end of training (first seed), the share axis
    /// from 0. A diverged trial has none: its chart has no axes, only its title, "diverged: no values to plot" in the
    /// middle and the reason below it.
    /// </summary>
    public static Plot LayerHistograms(TrialResult trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var plot = NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        double highest = 0;
        foreach (var layer in trial.Layers)
        {
            long total = Math.Max(1, layer.HistogramCounts.Sum());
            var xs = new List<double>();
            var ys = new List<double>();
            for (int b = 0; b < layer.HistogramCounts.Count; b++)
            {
                double share = (double)layer.HistogramCounts[b] / total;
                xs.Add(layer.HistogramEdges[b]);
                ys.Add(share);
                xs.Add(layer.HistogramEdges[b + 1]);
                ys.Add(share);
                highest = Math.Max(highest, share);
            }

            // A gated function's fractions are not measured (NaN): "NaN" in the legend read as a failed measurement.
            string fractions = double.IsNaN(layer.DeadFraction) && double.IsNaN(layer.SaturatedFraction)
                ? "dead and saturated not measured"
                : $"dead {layer.DeadFraction:P0}, saturated {layer.SaturatedFraction:P0}";
            Line(plot, xs.ToArray(), ys.ToArray(), palette.GetColor(layer.Layer), $"layer {layer.Layer}: {fractions}", dashed: false);
        }

        // A diverged trial's title stays as short as the other one, so it fits a 600-pixel chart: why it is empty goes
        // below it, in place of the x-axis label (an empty chart has no values to label).
        plot.Title(trial.Diverged
            ? $"{trial.Label} (seed {trial.Seed}) diverged"
            : $"{trial.Label} (seed {trial.Seed}): hidden outputs on held-out data");
        if (trial.Layers.Count == 0)
        {
            // Empty axes from −10 to 10, with a "share of values" running negative, looked like a chart of nothing.
            NoValues(plot, trial.Diverged ? "diverged: no values to plot" : "no values to plot");
            plot.XLabel(trial.Diverged ? "no hidden outputs at the end of training" : "no hidden layers recorded");
            return plot;
        }

        plot.XLabel("activation value");
        plot.YLabel("share of values");

        // A share is never negative: the axis starts at 0 (ScottPlot's margins ran it below).
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, highest > 0 ? highest * 1.08 : 1);
        LegendOutside(plot);
        return plot;
    }

    /// <summary>A chart with nothing to draw: no axes, ticks or grid, and <paramref name="message"/> in the middle.</summary>
    private static void NoValues(Plot plot, string message)
    {
        plot.HideGrid();
        plot.Axes.Frame(false);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Left.MinorTickStyle.Length = 0;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.MinorTickStyle.Length = 0;
        plot.Axes.SetLimits(0, 1, 0, 1);
        var text = plot.Add.Text(message, 0.5, 0.5);
        text.LabelFontSize = 16;
        text.LabelFontColor = Colors.DarkRed;
        text.LabelAlignment = Alignment.MiddleCenter;
    }

    /// <summary>
    /// How one hidden layer's outputs moved during training: a heatmap with one column per checkpoint of the trial's
    /// <see cref="TrialResult.Timeline"/> (x, labelled with its epoch; 0 = the initial weights), one row per bin of the
    /// layer's fixed edges (y = activation value), and the colour the share of the checkpoint's outputs in the bin on
    /// a log scale (so the tails stay visible next to a peak such as ReLU's zeros).
    /// </summary>
    /// <exception cref="ArgumentException">The trial has no timeline, or no such layer.</exception>
    public static Plot HistogramTimeline(TrialResult trial, int layer)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var t = TimelineOf(trial, layer);
        int n = t.Checkpoints.Count, bins = t.Edges.Count - 1;

        // ScottPlot draws nothing for a heatmap one cell wide (a trial that diverged in its first epoch has only the
        // initial checkpoint): the one column is given twice, each half of the same place, which looks the same.
        int columns = Math.Max(n, 2);
        var shares = new double[bins, columns];
        for (int c = 0; c < columns; c++)
        {
            var counts = t.Checkpoints[Math.Min(c, n - 1)].Counts;
            double total = Math.Max(1, counts.Sum());
            // Row 0 is drawn at the top: the highest bin first.
            for (int b = 0; b < bins; b++) shares[bins - 1 - b, c] = counts[b] == 0 ? double.NaN : Math.Log10(counts[b] / total);
        }

        var plot = NewPlot();
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(ShareFloor, 0);
        heatmap.NaNCellColor = Colors.White;
        heatmap.Rectangle = new CoordinateRect(-0.5, n - 0.5, t.Edges[0], t.Edges[^1]);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "log₁₀ share of outputs";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(CheckpointTicks(t));
        plot.Axes.SetLimits(-0.5, n - 0.5, t.Edges[0], t.Edges[^1]);
        plot.Title($"{trial.Label} (seed {trial.Seed}), layer {t.Layer}: outputs over training");
        plot.XLabel("epoch (checkpoint)");
        plot.YLabel("activation value");
        return plot;
    }

    /// <summary>The lowest share the heatmap colours distinguish (10⁻⁴); rarer bins get the darkest colour, empty ones none.</summary>
    public const double ShareFloor = -4;

    /// <summary>
    /// Dead-unit fraction (solid) and saturated fraction (dashed) per hidden layer at each checkpoint, mean over the
    /// given trials (the seeds of one contender) that carry a <see cref="TrialResult.Timeline"/>; every layer, or only
    /// <paramref name="layer"/>.
    /// </summary>
    /// <exception cref="ArgumentException">None of the trials has a timeline, or there is no such layer.</exception>
    public static Plot FractionsOverTime(IReadOnlyList<TrialResult> trials, int? layer = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var with = trials.Where(t => t.Timeline is { Count: > 0 }).ToArray();
        if (with.Length == 0) throw new ArgumentException("These results have no activation timeline (they were written by an older actkit): rerun 'actkit compare' into a new folder to record it.", nameof(trials));
        var plot = NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        int layers = with.Min(t => t.Timeline!.Count);
        if (layer is int only && (only < 0 || only >= layers)) throw new ArgumentException($"--layer must be in 0…{layers - 1} (the network has {layers} hidden layer{(layers == 1 ? string.Empty : "s")}), got {only}.", nameof(layer));
        double lastEpoch = 0;
        int lastDrawn = -1;
        bool measured = false;
        foreach (int l in layer is int one ? [one] : Enumerable.Range(0, layers))
        {
            int n = with.Min(t => t.Timeline![l].Checkpoints.Count);
            var epochs = with[0].Timeline![l].Checkpoints.Take(n).Select(c => (double)c.Epoch).ToArray();
            var dead = Enumerable.Range(0, n).Select(c => with.Average(t => t.Timeline![l].Checkpoints[c].DeadFraction)).ToArray();
            var saturated = Enumerable.Range(0, n).Select(c => with.Average(t => t.Timeline![l].Checkpoints[c].SaturatedFraction)).ToArray();
            if (n > 0)
            {
                lastEpoch = Math.Max(lastEpoch, epochs[^1]);
                lastDrawn = Math.Max(lastDrawn, (int)epochs[^1]);
            }
            if (dead.All(double.IsNaN) && saturated.All(double.IsNaN)) continue;
            measured = true;
            Line(plot, epochs, dead, palette.GetColor(l), $"layer {l} dead units", dashed: false, markers: n <= 12);
            Line(plot, epochs, saturated, palette.GetColor(l), $"layer {l} saturated", dashed: true, markers: n <= 12);
        }

        string seeds = with.Length == 1 ? $"seed {with[0].Seed}" : $"mean over {with.Length} seeds";
        if (!measured)
        {
            // A gated function: no per-unit derivative, nothing measured (NaN lines drew an empty frame with a legend).
            plot.Title($"{with[0].Label}: dead and saturated fractions over training ({seeds})");
            NoValues(plot, "not measured: a gated function has no per-unit derivative");
            return plot;
        }

        plot.Title($"{with[0].Label}: dead and saturated fractions over training ({seeds})");

        // A seed that diverged stops at its last finite checkpoint, and the mean with it: say so, rather than leave a
        // line that ends early (or a single point at epoch 0) unexplained.
        var diverged = with.Where(t => t.Diverged).ToArray();
        string which = diverged.Length == with.Length ? (with.Length == 1 ? $"seed {diverged[0].Seed}" : "every seed")
            : diverged.Length == 1 ? $"seed {diverged[0].Seed}" : $"{diverged.Length} of {with.Length} seeds";
        string note = diverged.Length == 0 ? string.Empty
            : $"\n{which} diverged: drawn to epoch {Math.Max(0, lastDrawn)}, the last checkpoint {(with.Length == 1 ? "it" : "every seed")} reached";
        plot.XLabel("epoch" + note);
        plot.YLabel("fraction");

        // Half an epoch of room on either side when there is a single checkpoint, so its points are not on the frame.
        plot.Axes.SetLimits(lastEpoch > 0 ? 0 : -0.5, lastEpoch > 0 ? lastEpoch : 0.5, -0.02, 1.02);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        LegendOutside(plot);
        return plot;
    }

    /// <summary>The timeline of hidden layer <paramref name="layer"/> of a trial.</summary>
    /// <exception cref="ArgumentException">One sentence: the trial has no timeline, or no such layer.</exception>
    public static LayerTimeline TimelineOf(TrialResult trial, int layer)
    {
        if (trial.Timeline is not { Count: > 0 } timeline)
        {
            throw new ArgumentException($"The trial {trial.Label} seed {trial.Seed} has no activation timeline (written by an older actkit): rerun 'actkit compare' into a new folder to record it.", nameof(trial));
        }

        if (layer < 0 || layer >= timeline.Count) throw new ArgumentException($"--layer must be in 0…{timeline.Count - 1} (the network has {timeline.Count} hidden layer{(timeline.Count == 1 ? string.Empty : "s")}), got {layer}.", nameof(layer));
        if (timeline[layer].Checkpoints.Count == 0) throw new ArgumentException($"Layer {layer} of {trial.Label} seed {trial.Seed} has no checkpoints.", nameof(layer));
        return timeline[layer];
    }

    // At most ~10 labelled columns: the first, the last and evenly spaced ones between.
    private static Tick[] CheckpointTicks(LayerTimeline t)
    {
        int n = t.Checkpoints.Count;
        int step = Math.Max(1, (int)Math.Ceiling(n / 10.0));
        var idx = Enumerable.Range(0, n).Where(c => c % step == 0).ToList();
        if (idx[^1] != n - 1)
        {
            if (n - 1 - idx[^1] < step / 2.0) idx.RemoveAt(idx.Count - 1);
            idx.Add(n - 1);
        }

        return idx.Select(c => new Tick(c, t.Checkpoints[c].Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
    }

    /// <summary>
    /// Dead-unit and saturated fractions per contender (mean over seeds), as grouped horizontal bars, the best-ranked
    /// contender at the top. The labels are on the left, where the axis takes the width the longest needs: below the
    /// bars, long labels ran into each other and the last was cut off at the figure's edge. Pick the figure's height
    /// with <see cref="DeadAndSaturatedHeight"/>.
    /// </summary>
    public static Plot DeadAndSaturated(ExperimentSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var plot = NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        int n = summary.Ranking.Count;
        for (int i = 0; i < n; i++)
        {
            var row = summary.Ranking[i];
            double place = 3 * (n - 1 - i); // rank 1 at the top
            // A contender whose every trial diverged has no fractions (NaN), nor has a gated one (not measured): its label
            // says which instead of a bar.
            if (!double.IsNaN(row.DeadFraction)) bars.Add(new Bar { Position = place + 1.5, Value = row.DeadFraction, FillColor = palette.GetColor(3), Size = 0.9, Label = Percent(row.DeadFraction) });
            if (!double.IsNaN(row.SaturatedFraction)) bars.Add(new Bar { Position = place + 0.5, Value = row.SaturatedFraction, FillColor = palette.GetColor(1), Size = 0.9, Label = Percent(row.SaturatedFraction) });
            string why = !double.IsNaN(row.DeadFraction) || !double.IsNaN(row.SaturatedFraction) ? string.Empty
                : row.Diverged >= row.Seeds ? " (diverged)"
                : " (not measured)";
            ticks.Add(new Tick(place + 1, row.Label + why));
        }

        var plotted = plot.Add.Bars(bars);
        plotted.Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsX(0, Math.Max(0.05, bars.Select(b => b.Value).DefaultIfEmpty(0).Max() * 1.2)); // room for the values
        plot.Axes.SetLimitsY(-0.5, (3 * n) - 0.5); // every contender's place, with bars or without
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "dead units", FillColor = palette.GetColor(3) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "saturated pre-activations", FillColor = palette.GetColor(1) });
        LegendOutside(plot);
        plot.Title("End of training, held-out batch (mean over seeds)");
        plot.XLabel("fraction");
        return plot;
    }

    // Each bar's value at its end, so that a fraction of 0 reads as one, not as a missing bar.
    private static string Percent(double fraction) => double.IsNaN(fraction) ? "—" : (fraction * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%";

    /// <summary>A height for <see cref="DeadAndSaturated"/> that gives each contender's label and bars room: 36 pixels each.</summary>
    public static int DeadAndSaturatedHeight(int contenders) => Math.Max(400, 120 + (36 * contenders));

    /// <summary>The mean of a metric per epoch over trials (epochs present in every trial).</summary>
    internal static (double[] Epochs, double[] Mean) MeanCurve(IEnumerable<TrialResult> trials, bool loss)
    {
        var curves = trials.Select(t => t.Curve).Where(c => c.Count > 0).ToArray();
        if (curves.Length == 0) return ([], []);
        int n = curves.Min(c => c.Count);
        var epochs = new double[n];
        var mean = new double[n];
        for (int e = 0; e < n; e++)
        {
            epochs[e] = e + 1;
            mean[e] = curves.Average(c => loss ? c[e].ValidationLoss : c[e].ValidationAccuracy);
        }

        return (epochs, mean);
    }

    internal static Plot NewPlot()
    {
        var plot = new Plot();
        plot.FigureBackground.Color = Colors.White;
        plot.Font.Set("DejaVu Sans");
        return plot;
    }

    /// <summary>
    /// Shows the legend in a panel right of the data area, its top aligned with it: inside the data area (ScottPlot's
    /// default) it hid curves, such as elu and sigmoid at the last epochs of an 8-activation comparison.
    /// </summary>
    internal static ScottPlot.Panels.LegendPanel LegendOutside(Plot plot)
    {
        var panel = plot.ShowLegend(Edge.Right);
        panel.Alignment = Alignment.UpperCenter;
        panel.Padding = new PixelPadding(6, 10);
        return panel;
    }

    /// <summary>The panel <see cref="LegendOutside"/> added, or null (a plot whose legend is inside the data area, or has none).</summary>
    public static ScottPlot.Panels.LegendPanel? LegendPanel(Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        return plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>().FirstOrDefault();
    }

    /// <summary>Adds a line through the points whose y is finite and below 10⁶ in size; returns how many it left out.</summary>
    private static int Line(Plot plot, double[] xs, double[] ys, Color color, string label, bool dashed, bool markers = false, double limit = HugeValue)
    {
        // Non-finite and huge values (a diverged run, a pole) would break the axis limits: drop them. A function's
        // curve keeps every finite value (limit ∞): over --range=-1e150:1e150 gelu lost its whole right half.
        var keep = Enumerable.Range(0, xs.Length).Where(i => double.IsFinite(ys[i]) && Math.Abs(ys[i]) < limit).ToArray();
        int dropped = xs.Length - keep.Length;
        if (keep.Length == 0) return dropped;
        var s = plot.Add.Scatter(keep.Select(i => xs[i]).ToArray(), keep.Select(i => ys[i]).ToArray(), color);
        s.LineWidth = (float)CurveWidth;
        s.MarkerSize = markers ? 5 : 0;
        s.LegendText = label;
        if (dashed) s.LinePattern = LinePattern.Dashed;
        return dropped;
    }
}
