using ActivationKit.Catalog;
using ActivationKit.Nn.Experiments;
using ActivationKit.Plots;
using ScottPlot;

namespace ActivationKit.Cli.Tests;

/// <summary>The report's charts and page, built from made-up results (no training): layout, notes, numbers, wording.</summary>
public sealed class ReportChartTests
{
    private static readonly string[] Eight = ["relu", "leaky_relu", "elu", "gelu", "silu", "mish", "tanh", "sigmoid"];

    // ---- legends -----------------------------------------------------------------------------------------------

    [Fact]
    public void Every_multi_series_chart_has_its_legend_outside_the_data_area()
    {
        // In an 8-activation comparison the accuracy legend hid elu and sigmoid at epochs 7–8; with 10 contenders it
        // covered half the chart.
        var (summary, trials) = Results(Eight.Concat(["thresholded_relu", "leaky_relu(negative_slope=0.2)@orthogonal"]).ToArray());
        var charts = new (string Name, Plot Plot, int Width, int Height)[]
        {
            ("accuracy", Charts.LearningCurves(summary, trials), 700, 450),
            ("loss", Charts.LearningCurves(summary, trials, loss: true), 700, 450),
            ("functions", Charts.Functions(Eight.Select(ActivationCatalog.Create).ToArray(), -5, 5, derivative: true), 1000, 550),
            ("dead-saturated", Charts.DeadAndSaturated(summary), 1000, Charts.DeadAndSaturatedHeight(summary.Ranking.Count)),
            ("histograms", Charts.LayerHistograms(trials[0]), 600, 380),
            ("fractions", Charts.FractionsOverTime(trials.Where(t => t.Label == "relu").ToArray()), 600, 380),
        };
        foreach (var (name, plot, width, height) in charts)
        {
            Assert.False(plot.Legend.IsVisible, name); // the legend inside the data area is off
            var panel = Charts.LegendPanel(plot);
            Assert.True(panel is not null, name);
            Assert.Equal(Edge.Right, panel!.Edge);

            plot.RenderInMemory(HtmlReport.WidthWithLegend(plot, width), height);
            var layout = plot.RenderManager.LastRender.Layout;
            var data = plot.RenderManager.LastRender.DataRect;
            Assert.True(layout.PanelSizes[panel] > 0, name);
            Assert.True(data.Right + layout.PanelSizes[panel] <= plot.RenderManager.LastRender.FigureRect.Right + 0.5, name);

            // The data keep most of the figure's width next to the legend (and the dead-saturated chart's long labels).
            Assert.True(data.Width >= 0.45 * plot.RenderManager.LastRender.FigureRect.Width, $"{name}: data area {data.Width} wide");
        }
    }

    [Fact]
    public void A_legend_with_long_labels_gets_a_wider_chart_in_the_report()
    {
        var (summary, trials) = Results(["relu", "leaky_relu(negative_slope=0.2)@orthogonal"]);
        Assert.Equal(700, HtmlReport.WidthWithLegend(Charts.LearningCurves(Results(["relu", "tanh"]).Summary, trials), 700));
        Assert.True(HtmlReport.WidthWithLegend(Charts.LearningCurves(summary, trials), 700) > 700);
    }

    // ---- tick labels and titles ----------------------------------------------------------------------------------

    [Fact]
    public void Long_contender_labels_neither_overlap_nor_clip_in_the_dead_and_saturated_chart()
    {
        // Below the bars, "thresholded_relu" ran into "leaky_relu(negative_slope=0.2)@orthogonal", and the last label was
        // cut off at the right edge. Horizontal bars put the labels on the left axis, which takes the width they need.
        string[] labels = [.. Eight, "thresholded_relu", "leaky_relu(negative_slope=0.2)@orthogonal"];
        var (summary, _) = Results(labels);
        var plot = Charts.DeadAndSaturated(summary);
        Assert.All(plot.GetPlottables().OfType<ScottPlot.Plottables.BarPlot>().Single().Bars, b => Assert.Equal(Orientation.Horizontal, b.Orientation));
        int height = Charts.DeadAndSaturatedHeight(labels.Length);
        plot.RenderInMemory(1000, height);
        var ticks = plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).ToArray();
        Assert.Equal(summary.Ranking.Select(r => r.Label).Order(StringComparer.Ordinal), ticks.Select(t => t.Label).Order(StringComparer.Ordinal));
        Assert.Equal(summary.Ranking[0].Label, ticks.MaxBy(t => t.Position).Label); // the best-ranked on top

        using var paint = Paint.NewDisposablePaint();
        var style = plot.Axes.Left.TickLabelStyle;
        var data = plot.RenderManager.LastRender.DataRect;
        float widest = ticks.Max(t => style.Measure(t.Label, paint).Width);
        float tall = ticks.Max(t => style.Measure(t.Label, paint).Height);
        Assert.True(data.Left >= widest, $"labels {widest} px wide, data from {data.Left}");
        double pixelsPerContender = 3 * data.Height / plot.Axes.GetLimits().VerticalSpan;
        Assert.True(pixelsPerContender > tall, $"{pixelsPerContender} px per contender for labels {tall} px tall");
    }

    [Theory]
    [InlineData("sigmoid", 600)]
    [InlineData("leaky_relu(negative_slope=0.2)@orthogonal", 600)]
    [InlineData("leaky_relu(negative_slope=0.2)@orthogonal", 400)]
    public void Titles_fit_their_chart(string label, int width)
    {
        // "sigmoid: dead and saturated fractions over training (mean over 3 seeds" ran off the right edge.
        var (_, trials) = Results([label], seeds: 3);
        var plot = Charts.FractionsOverTime(trials);
        string title = plot.Axes.Title.Label.Text;
        var restore = ChartFile.Fit(plot, width, 380);
        plot.RenderInMemory(width, 380);
        var data = plot.RenderManager.LastRender.DataRect;
        float centre = plot.Axes.Title.FullFigureCenter ? data.Right / 2 : data.HorizontalCenter;
        using var paint = Paint.NewDisposablePaint();
        foreach (string line in plot.Axes.Title.Label.Text.Split('\n'))
        {
            float half = plot.Axes.Title.Label.Measure(line, paint).Width / 2;
            Assert.True(centre - half >= 0 && centre + half <= width, $"'{line}': {centre - half}…{centre + half} of {width}");
        }

        static string Words(string s) => s.Replace("\n", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        Assert.Equal(Words(title), Words(plot.Axes.Title.Label.Text));
        restore();
        Assert.Equal(title, plot.Axes.Title.Label.Text);
    }

    [Fact]
    public void Wrap_breaks_at_spaces_and_inside_a_long_spec()
    {
        Assert.Equal("a bb\nccc", ChartText.Wrap("a bb ccc", 4));
        Assert.Equal("leaky_relu\n(negative_slope=\n0.2)@orthogonal", ChartText.Wrap("leaky_relu(negative_slope=0.2)@orthogonal", 16));
        Assert.Equal("short\nlines stay", ChartText.Wrap("short\nlines stay", 40));
    }

    // ---- the functions chart -------------------------------------------------------------------------------------

    [Theory]
    [InlineData("exponential", "exponential (up to 148), exponential′ (up to 148)")]
    [InlineData("squareplus(b=1e20)", "squareplus(b=1E+20) (up to 5.00E+9)")]
    public void A_huge_function_is_clipped_with_a_note_instead_of_flattening_the_others(string huge, string note)
    {
        var functions = Eight.Append(huge).Select(ActivationCatalog.Create).ToArray();
        var plot = Charts.Functions(functions, -5, 5, derivative: true);
        plot.RenderInMemory(1000, 550);
        var limits = plot.Axes.GetLimits();
        Assert.InRange(limits.Top, 5, 7);      // relu reaches 5 at x = 5
        Assert.InRange(limits.Bottom, -2, -1);  // tanh −1, elu −1, mish′ and gelu′ a little below 0
        Assert.Equal("x\nBeyond the y-range shown: " + note, plot.Axes.Bottom.Label.Text);

        // Clipped, not dropped: every point is drawn, none far outside the chart (the curves; the bands beneath curves
        // that lie on later ones run only where they do).
        foreach (var s in plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Where(s => !string.IsNullOrEmpty(s.LegendText)))
        {
            var points = s.Data.GetScatterPoints();
            Assert.Equal(Charts.CurvePoints, points.Count);
            Assert.All(points, p => Assert.InRange(p.Y, limits.Bottom - (2 * limits.VerticalSpan), limits.Top + (2 * limits.VerticalSpan)));
        }
    }

    [Fact]
    public void A_curve_that_lies_on_a_later_one_gets_a_band_of_its_colour_beneath_it()
    {
        // In the default comparison's chart relu was drawn exactly under leaky_relu (and elu's right half under both):
        // relu vanished. Where an earlier curve lies on later ones, a wider band of its colour is drawn beneath them;
        // curves that only share their tails (gelu and mish) get none.
        var plot = Charts.Functions(Eight.Select(ActivationCatalog.Create).ToArray(), -5, 5, derivative: true);
        var scatters = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToArray();
        Assert.All(scatters.Where(s => !string.IsNullOrEmpty(s.LegendText)), s => Assert.Equal(Charts.CurveWidth, s.LineWidth));
        var palette = new ScottPlot.Palettes.Category10();
        double[] Bands(int function) => scatters.Where(s => string.IsNullOrEmpty(s.LegendText) && s.Color.Equals(palette.GetColor(function).WithAlpha(0.7))).Select(s => (double)s.LineWidth).Distinct().ToArray();
        Assert.Equal([Charts.CurveWidth + (3 * 1.5), Charts.CurveWidth + (2 * 1.5)], Bands(0)); // relu under leaky_relu, elu and gelu; relu′ under two
        Assert.Equal([Charts.CurveWidth + 1.5], Bands(1));                                    // leaky_relu (and ′) under elu
        Assert.All(Enumerable.Range(2, 6), k => Assert.Empty(Bands(k)));

        // relu's band runs where the others lie on it (x ≥ 0 at least), not over its whole length.
        var reluBand = scatters.First(s => string.IsNullOrEmpty(s.LegendText) && s.LineWidth == Charts.CurveWidth + (3 * 1.5));
        Assert.True(reluBand.Data.GetScatterPoints().Count < Charts.CurvePoints);

        // One function's f and f′ never band each other.
        var one = Charts.Functions([ActivationCatalog.Create("identity")], -1, 1, derivative: true);
        Assert.All(one.GetPlottables().OfType<ScottPlot.Plottables.Scatter>(), s => Assert.False(string.IsNullOrEmpty(s.LegendText)));
    }

    [Fact]
    public void Gated_and_row_wise_functions_say_where_they_are_drawn()
    {
        // A comparison's function chart drew swiglu along the diagonal a = b = x without saying so.
        var plot = Charts.Functions(new[] { "swiglu", "relu", "softmax" }.Select(ActivationCatalog.Create).ToArray(), -3, 3, derivative: true);
        var labels = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Select(s => s.LegendText).ToArray();
        Assert.Equal(["swiglu (a = b = x)", "swiglu′ (a = b = x)", "relu", "relu′", "softmax (row (x, 0))", "softmax′ (row (x, 0))"], labels);
        Assert.Equal("x\ngated functions a·g(b) at a = b = x: x·g(x), f′ = ∂f/∂a + ∂f/∂b\nrow-wise functions: the first output of the row (x, 0), f′ its partial derivative in x", plot.Axes.Bottom.Label.Text);
        Assert.Equal("x\ngated functions a·g(b) at a = b = x: x·g(x)", Charts.Functions([ActivationCatalog.Create("reglu")], -3, 3, derivative: false).Axes.Bottom.Label.Text);
    }

    [Fact]
    public void A_curve_of_an_off_scale_function_that_stays_in_range_is_not_named()
    {
        // squareplus(b=1e20)′ is ½ everywhere, well inside the range; only its f (5·10⁹) leaves it.
        var plot = Charts.Functions(new[] { "relu", "tanh", "gelu", "squareplus(b=1e20)" }.Select(ActivationCatalog.Create).ToArray(), -5, 5, derivative: true);
        Assert.Equal("x\nBeyond the y-range shown: squareplus(b=1E+20) (up to 5.00E+9)", plot.Axes.Bottom.Label.Text);
    }

    [Theory]
    [InlineData(new[] { "exponential" }, -5.0, 5.0)]
    [InlineData(new[] { "relu", "tanh" }, -100.0, 100.0)]
    [InlineData(new[] { "relu", "exponential" }, -5.0, 5.0)]
    [InlineData(new[] { "relu", "gelu", "tanh", "sigmoid" }, -5.0, 5.0)]
    public void Functions_of_comparable_size_all_set_the_range(string[] specs, double from, double to)
    {
        // One function is never clipped, nor one of two unless it would flatten the other to under a pixel.
        var plot = Charts.Functions(specs.Select(ActivationCatalog.Create).ToArray(), from, to, derivative: true);
        plot.RenderInMemory(900, 560);
        Assert.Equal("x", plot.Axes.Bottom.Label.Text);
        double highest = specs.Select(ActivationCatalog.Create).Max(f => Curves.Sample(f, [to]).F[0]);
        Assert.True(plot.Axes.GetLimits().Top >= highest);
    }

    // ---- diverged contenders -------------------------------------------------------------------------------------

    [Fact]
    public void A_diverged_trials_histogram_says_so_instead_of_drawing_empty_axes()
    {
        var (_, trials) = Results(["relu", "exponential"], diverged: "exponential");
        var plot = Charts.LayerHistograms(trials.First(t => t.Label == "exponential"));
        Assert.Empty(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>());
        Assert.Equal("diverged: no values to plot", Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Text>()).LabelStyle.Text);
        Assert.Null(Charts.LegendPanel(plot));
        plot.RenderInMemory(600, 380);
        Assert.Empty(plot.Axes.Left.TickGenerator.Ticks);
        Assert.Empty(plot.Axes.Bottom.TickGenerator.Ticks);
        Assert.Equal(string.Empty, plot.Axes.Left.Label.Text); // no "share of values" running from −10 to 10
        Assert.Equal("no hidden outputs at the end of training", plot.Axes.Bottom.Label.Text);
    }

    [Fact]
    public void The_share_axis_of_a_histogram_starts_at_zero()
    {
        var (_, trials) = Results(["relu"]);
        var plot = Charts.LayerHistograms(trials[0]);
        plot.RenderInMemory(600, 380);
        Assert.Equal(0, plot.Axes.GetLimits().Bottom);
        Assert.Equal("share of values", plot.Axes.Left.Label.Text);

        // A layer with no counted values has no share above 0 either: still no negative axis.
        var empty = trials[0] with { Layers = [trials[0].Layers[0] with { HistogramCounts = [0, 0, 0, 0] }] };
        var blank = Charts.LayerHistograms(empty);
        blank.RenderInMemory(600, 380);
        Assert.Equal(0, blank.Axes.GetLimits().Bottom);
    }

    [Fact]
    public void Every_contender_left_out_of_a_learning_curve_chart_is_named_with_the_reason()
    {
        // exponential diverged in its first epoch on both seeds: it was missing from both charts, and only the loss
        // chart (by luck of a huge value elsewhere) said anything.
        var (summary, trials) = Results(["relu", "exponential", "tanh"], diverged: "exponential");
        const string Note = "exponential (diverged in its first epoch on every seed: no values)";
        Assert.Equal([Note], Charts.LearningCurveNotes(summary, trials));
        Assert.Equal([Note], Charts.LearningCurveNotes(summary, trials, loss: true));
        Assert.Equal("epoch\nLeft out: " + Note, Charts.LearningCurves(summary, trials).Axes.Bottom.Label.Text);
        Assert.Equal("epoch\nLeft out: " + Note, Charts.LearningCurves(summary, trials, loss: true).Axes.Bottom.Label.Text);

        string page = HtmlReport.Render(summary, trials);
        Assert.Contains("<li>Left out of the accuracy chart: " + System.Net.WebUtility.HtmlEncode(Note) + ".</li>", page, StringComparison.Ordinal);
        Assert.Contains("<li>Left out of the loss chart: " + System.Net.WebUtility.HtmlEncode(Note) + ".</li>", page, StringComparison.Ordinal);

        // Nothing left out: plain "epoch", and no list on the page.
        var (fine, fineTrials) = Results(["relu", "tanh"]);
        Assert.Empty(Charts.LearningCurveNotes(fine, fineTrials));
        Assert.Equal("epoch", Charts.LearningCurves(fine, fineTrials).Axes.Bottom.Label.Text);
        Assert.DoesNotContain("id=\"left-out\"", HtmlReport.Render(fine, fineTrials), StringComparison.Ordinal);
    }

    [Fact]
    public void A_seed_that_diverged_later_is_named_with_the_epochs_drawn()
    {
        var (summary, trials) = Results(["relu", "tanh"], seeds: 2);
        var list = trials.ToList();
        int i = list.FindIndex(t => t.Label == "tanh" && t.Seed == 2);
        list[i] = list[i] with { Diverged = true, Curve = list[i].Curve.Take(2).ToArray(), Layers = [], DeadFraction = double.NaN, SaturatedFraction = double.NaN, TestAccuracy = double.NaN, TestLoss = double.NaN };
        summary = ExperimentSummary.Create(summary.Manifest, list);
        Assert.Equal(["tanh (seed 2 diverged, drawn to epoch 2)"], Charts.LearningCurveNotes(summary, list));

        // Huge values are counted per contender.
        int j = list.FindIndex(t => t.Label == "relu" && t.Seed == 1);
        list[j] = list[j] with { Curve = list[j].Curve.Select((p, e) => e == 1 ? p with { ValidationLoss = 3e7 } : p).ToArray() };
        Assert.Equal(["relu (1 value ≥ 10⁶ or not finite)", "tanh (seed 2 diverged, drawn to epoch 2)"], Charts.LearningCurveNotes(summary, list, loss: true).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_fractions_chart_of_a_diverged_contender_says_where_it_stops()
    {
        var (_, trials) = Results(["exponential"], diverged: "exponential");
        var plot = Charts.FractionsOverTime(trials);
        Assert.Equal("epoch\nevery seed diverged: drawn to epoch 0, the last checkpoint every seed reached", plot.Axes.Bottom.Label.Text);
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Left < 0 && limits.Right > 0, "the single checkpoint is inside the frame");
    }

    // ---- numbers and wording in the page -------------------------------------------------------------------------

    [Theory]
    [InlineData(321124510802050000000.0, "3.211E+20")]
    [InlineData(0.61537, "0.6154")]
    [InlineData(12.0345, "12.03")]
    [InlineData(4526.7, "4527")]
    [InlineData(-0.004567, "-0.004567")]
    [InlineData(0.00001234, "1.234E-5")]
    [InlineData(999999.7, "1.000E+6")]
    [InlineData(0.0, "0")]
    [InlineData(double.NaN, "—")]
    [InlineData(double.PositiveInfinity, "∞")]
    public void Numbers_have_significant_digits_and_exponents_for_extreme_sizes(double value, string text) =>
        Assert.Equal(text, ChartText.Number(value));

    [Fact]
    public void The_per_layer_table_prints_a_huge_mean_in_exponent_notation()
    {
        var (summary, trials) = Results(["relu", "squareplus(b=1e20)"]);
        var huge = trials.Select(t => t.Label.StartsWith("squareplus", StringComparison.Ordinal)
            ? t with { Layers = t.Layers.Select(l => l with { OutputMean = 3.21124510802050e20, OutputStd = 0.00012345 }).ToArray() }
            : t).ToArray();
        string page = HtmlReport.Render(summary, huge);
        Assert.Contains("<td>3.211E+20</td><td>1.235E-4</td>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("321124510802050000000", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_page_says_what_the_dead_unit_detector_measures()
    {
        // DeadUnitDetector.FromPreActivations counts a unit dead when f(x) = 0 and f′(x) = 0 on every sample; the page
        // said "f′ = 0 on every sample", which sigmoid pinned at 1 also meets.
        var (summary, trials) = Results(["relu", "tanh"]);
        string page = HtmlReport.Render(summary, trials);
        Assert.Contains("whose output f(x) and derivative f′(x) are both exactly 0 on every sample", page, StringComparison.Ordinal);
        Assert.DoesNotContain("a unit is dead when f′ = 0 on every sample", page, StringComparison.Ordinal);
    }

    // ---- made-up results -----------------------------------------------------------------------------------------

    /// <summary>
    /// A finished comparison of <paramref name="labels"/> over 4 epochs, without training: accuracy and loss curves that
    /// differ per contender, two hidden layers with histograms and a timeline; <paramref name="diverged"/>'s trials
    /// diverged in their first epoch (no curve, no layers, a timeline with only the initial checkpoint).
    /// </summary>
    private static (ExperimentSummary Summary, TrialResult[] Trials) Results(string[] labels, int seeds = 2, string? diverged = null)
    {
        var config = new ExperimentConfig { Data = "moons", Activations = Contender.ParseList(string.Join(",", labels)), Seeds = seeds, Epochs = 4 }.Validate();
        var manifest = new ExperimentManifest
        {
            Experiment = "e",
            ExperimentKey = config.ExperimentKey("moons"),
            Config = config,
            DataIdentity = "moons",
            TrialCount = config.Activations.Count * seeds,
            Command = config.ToCommandLine("out"),
        };
        double[] edges = [-1, 0, 1, 2, 3];
        var trials = new List<TrialResult>();
        for (int c = 0; c < config.Activations.Count; c++)
        {
            var contender = config.Activations[c];
            for (ulong seed = 1; seed <= (ulong)seeds; seed++)
            {
                bool bad = diverged is not null && contender.Label.StartsWith(diverged, StringComparison.Ordinal);
                double accuracy = 0.6 + (0.02 * c) + (0.001 * seed);
                var layers = Enumerable.Range(0, 2).Select(l => new LayerDiagnostics(l, contender.Activation, 8, 100, 0.1 * l, 0.05, 0.5, 0.7, edges, [10, 40, 30, 20])).ToArray();
                var checkpoints = (bad ? [0] : Enumerable.Range(0, 5)).Select(e => new TimelineCheckpoint(e, [10, 40, 30, 20], 0, 0.1, 0.2)).ToArray();
                trials.Add(new TrialResult
                {
                    Experiment = "e",
                    ExperimentKey = manifest.ExperimentKey,
                    Key = $"{contender.Label}/{seed}",
                    Hash = $"{c}{seed}",
                    Index = (c * seeds) + (int)seed - 1,
                    Label = contender.Label,
                    Activation = contender.Activation,
                    Init = "he_normal",
                    Seed = seed,
                    TestAccuracy = bad ? double.NaN : accuracy,
                    TestLoss = bad ? double.NaN : 1 - accuracy,
                    TestSamples = 1000,
                    DeadFraction = bad ? double.NaN : 0.05,
                    SaturatedFraction = bad ? double.NaN : 0.1,
                    Diverged = bad,
                    Curve = bad ? [] : Enumerable.Range(1, 4).Select(e => new EpochPoint(e, 1.0 / e, 0.5, (1.0 / e) + (0.01 * c), accuracy - (0.05 / e), 0.01)).ToArray(),
                    Layers = bad ? [] : layers,
                    Timeline = Enumerable.Range(0, 2).Select(l => new LayerTimeline(l, contender.Activation, 8, 100, 100, edges, checkpoints)).ToArray(),
                });
            }
        }

        return (ExperimentSummary.Create(manifest, trials), trials.ToArray());
    }
}
