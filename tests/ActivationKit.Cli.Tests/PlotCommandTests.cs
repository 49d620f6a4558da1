namespace ActivationKit.Cli.Tests;

public sealed class PlotCommandTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Terminal_plot_draws_f_and_the_derivative_in_braille()
    {
        var r = Cli.Run("plot", "relu", "leaky_relu(0.2)", "--grad", "--range", "-3:3").Ok();
        Assert.Contains("relu(x)", r.Out, StringComparison.Ordinal);
        Assert.Contains("relu′(x)", r.Out, StringComparison.Ordinal);
        Assert.Contains("leaky_relu(negative_slope=0.2)′(x)", r.Out, StringComparison.Ordinal);
        Assert.Contains(r.Out, c => c is >= '\u2801' and <= '\u28FF');
        Assert.Contains("-3", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_curve_that_overflows_in_the_range_is_said_to_be_infinite_where_it_is_missing()
    {
        // exponential over 0:1000 ended its curve at x ≈ 710, terminal or file, with nothing to say that f is ∞ beyond.
        var r = Cli.Run("plot", "exponential", "--range", "0:1000").Ok();
        Assert.Matches(@"Note: exponential\(x\) is \+∞ at the sampled x from 71\d(\.\d+)? to 1000, which a chart cannot draw", r.Err);
        var file = Cli.Run("plot", "exponential", "--grad", "--range", "0:1000", "--out", _dir.File("exp.png")).Ok();
        Assert.Contains("Note: exponential′(x) is +∞", file.Err, StringComparison.Ordinal);

        // A curve that is finite everywhere gets no note.
        Assert.DoesNotContain("Note:", Cli.Run("plot", "exponential", "tanh", "--grad").Ok().Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_with_one_parameter_per_channel_plots_its_first_channel()
    {
        // 801 curve points went in as one row: "prelu: 3 slopes need rows of 3 columns"; report --html failed the same way.
        Cli.Run("plot", "prelu(num_parameters=3)", "--grad").Ok();
        var (y, dy, what) = ActivationKit.Plots.Curves.Sample(ActivationKit.Catalog.ActivationCatalog.Create("prelu(num_parameters=3, init=0.5)"), [-2.0, 3.0]);
        Assert.Equal([-1.0, 3.0], y);
        Assert.Equal([0.5, 1.0], dy);
        Assert.Contains("first of 3 channels", what, StringComparison.Ordinal);
    }

    [Fact]
    public void Png_and_svg_files_are_written()
    {
        string png = _dir.File("f.png"), svg = _dir.File("f.svg");
        Cli.Run("plot", "gelu", "silu", "--grad", "--out", png).Ok();
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal(900, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(560, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Cli.Run("plot", "tanh", "--out", svg, "--width", "400", "--height", "300").Ok();
        string text = File.ReadAllText(svg);
        Assert.Contains("<svg", text, StringComparison.Ordinal);
        Assert.Contains("tanh", text, StringComparison.Ordinal);
        Assert.DoesNotContain("stroke-dasharray", text, StringComparison.Ordinal);
        Assert.Equal(["f.png", "f.svg"], _dir.Files());
    }

    [Fact]
    public void Dashed_lines_stay_dashed_in_svg()
    {
        // Skia's SVG canvas drops dash patterns: f′ came out solid, like f. Two functions with f′: two dashed curves,
        // each with its dashed legend sample; the solid ones keep their plain width.
        string svg = _dir.File("d.svg");
        Cli.Run("plot", "gelu", "silu", "--grad", "--out", svg).Ok();
        string text = File.ReadAllText(svg);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Count(text, "stroke-dasharray=\"6,4\""));
        Assert.DoesNotContain("stroke-width=\"2.00", text, StringComparison.Ordinal);

        // The export restores the plot: its dashed series are dashed again, at their own width, for a PNG drawn after it.
        var plot = ActivationKit.Plots.Charts.Functions([ActivationKit.Catalog.ActivationCatalog.Create("tanh")], -3, 3, derivative: true);
        ActivationKit.Plots.ChartFile.Svg(plot);
        Assert.Contains(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>(), s => s.LinePattern.Equals(ScottPlot.LinePattern.Dashed) && s.LineWidth == 2);
    }

    [Fact]
    public void Gallery_draws_every_catalog_function()
    {
        string png = _dir.File("gallery.png");
        var r = Cli.Run("plot", "--all", "--out", png).Ok();
        Assert.Contains($"{ActivationKit.Catalog.ActivationCatalog.All.Count} functions", r.Err, StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(PngSignature, bytes[..8]);
        int rows = (ActivationKit.Catalog.ActivationCatalog.All.Count + 5) / 6;
        Assert.Equal(6 * 320, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(rows * 240, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Theory]
    [InlineData(new[] { "plot" }, "at least one function")]
    [InlineData(new[] { "plot", "nope" }, "nope")]
    [InlineData(new[] { "plot", "relu", "--range", "5:-5" }, "--range must be FROM:TO")]
    [InlineData(new[] { "plot", "--all" }, "--all writes a PNG grid")]
    [InlineData(new[] { "plot", "relu", "--all", "--out", "x.png" }, "give no names")]
    [InlineData(new[] { "plot", "relu", "--out", "x.png", "--width", "5" }, "--width and --height must be in 100…8000 pixels.")]
    public void Bad_input_is_one_sentence(string[] args, string message) => Cli.Run(args).BadInput(message);

    [Fact]
    public void Unknown_extension_writes_nothing()
    {
        Cli.Run("plot", "relu", "--out", _dir.File("f.jpg")).BadInput($"--out '{_dir.File("f.jpg")}' must end in .png or .svg, not .jpg.");
        Assert.Empty(_dir.Files());
    }

    [Fact]
    public void An_existing_file_without_a_chart_extension_is_refused_for_its_name_first()
    {
        // It said "add --force to replace it", and with --force then that the name must end in .png or .svg.
        string plain = _dir.File("plain");
        File.WriteAllText(plain, "x\n");
        Cli.Run("plot", "relu", "--out", plain).BadInput($"--out '{plain}' must end in .png or .svg.");
        Cli.Run("plot", "relu", "--out", plain, "--force").BadInput($"--out '{plain}' must end in .png or .svg.");
        Assert.Equal("x\n", File.ReadAllText(plain));
    }

    [Theory]
    [InlineData("-1e308:1e308", "--range '-1e308:1e308' is too wide: TO − FROM may be at most 1e300.")]
    [InlineData("-1e-320:1e-320", "--range '-1e-320:1e-320' is too narrow: TO − FROM must be at least 1e-300 and at least 1e-9 times the larger of |FROM| and |TO|.")]
    [InlineData("1e6:1.0000000000001e6", "--range '1e6:1.0000000000001e6' is too narrow")]
    public void A_range_whose_span_overflows_or_is_too_small_to_draw_is_refused(string range, string message)
    {
        // -1e308:1e308 drew a terminal axis "NaN … Infinity" and a PNG with no curve; ±1e-320 a blank frame.
        Cli.Run("plot", "tanh", "--range=" + range).BadInput(message);
        Cli.Run("plot", "tanh", "--range=" + range, "--out", _dir.File("t.png")).BadInput(message);
        Assert.Empty(_dir.Files());
    }

    [Theory]
    [InlineData(-1e-30, 1e-30, "-1E-30", "1E-30")]
    [InlineData(-1e150, 1e150, "-1E+150", "1E+150")]
    [InlineData(1e6, 1.000000001e6, "1E+6", "1.000000001E+6")]
    [InlineData(-3, 3, "-3", "3")]
    public void Axes_have_the_digits_their_range_needs_in_files_and_in_the_terminal(double from, double to, string left, string right)
    {
        // PNG ticks over ±1e-30 all read "0"; gelu over ±1e150 lost its right half (values ≥ 1e6 were dropped).
        var plot = ActivationKit.Plots.Charts.Functions([ActivationKit.Catalog.ActivationCatalog.Create("gelu")], from, to, derivative: true);
        plot.RenderInMemory(900, 560);
        foreach (var axis in new ScottPlot.IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            var labels = axis.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();
            Assert.True(labels.Length >= 3, string.Join(" ", labels));
            Assert.Equal(labels.Length, labels.Distinct().Count());
        }

        var xs = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().First().Data.GetScatterPoints();
        Assert.Equal(ActivationKit.Plots.Charts.CurvePoints, xs.Count);

        string range = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--range={from:R}:{to:R}");
        var axisLine = Cli.Run("plot", "gelu", range).Ok().Lines[^1];
        Assert.StartsWith(left, axisLine, StringComparison.Ordinal);
        Assert.EndsWith(right, axisLine, StringComparison.Ordinal);
    }

    [Fact]
    public void A_constant_curve_gets_labelled_ticks_around_its_value()
    {
        var plot = ActivationKit.Plots.Charts.Functions([ActivationKit.Catalog.ActivationCatalog.Create("binary_step")], 1, 2, derivative: false);
        plot.RenderInMemory(900, 560);
        var labels = plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();
        Assert.Contains("1", labels);
        Assert.Equal(labels.Length, labels.Distinct().Count());
    }

    [Theory]
    [InlineData("identity", "1e-300:2e-300", "2E-300", "1E-300")]
    [InlineData("identity", "1e-13:2e-13", "2E-13", "1E-13")]
    [InlineData("tanh", "-1e-20:1e-20", "1E-20", "-1E-20")]
    public void A_curve_of_tiny_values_is_drawn_over_its_own_values(string name, string range, string top, string bottom)
    {
        // "Constant" was judged against a fixed 1e-12 below 1: identity over 1e-300:2e-300 came out as a flat line at 0
        // between ±0.5, in files and in the terminal.
        var parts = range.Split(':').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var f = ActivationKit.Catalog.ActivationCatalog.Create(name);
        var plot = ActivationKit.Plots.Charts.Functions([f], parts[0], parts[1], derivative: false);
        plot.RenderInMemory(900, 560);
        var (ends, _, _) = ActivationKit.Plots.Curves.Sample(f, parts);
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Bottom <= ends[0] && limits.Top >= ends[1], $"{limits.Bottom}:{limits.Top}");
        Assert.True(limits.VerticalSpan < 3 * (ends[1] - ends[0]), $"{limits.Bottom}:{limits.Top}");
        var labels = plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();
        Assert.True(labels.Length >= 3, string.Join(" ", labels));
        Assert.Equal(labels.Length, labels.Distinct().Count());
        Assert.Contains(top, labels);

        var lines = Cli.Run("plot", name, "--range=" + range).Ok().Lines;
        Assert.StartsWith(top + " ┤", lines[1], StringComparison.Ordinal);
        Assert.StartsWith(bottom + " ┤", lines[10], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relu", -2.0, -1.0)]
    [InlineData("binary_step", 1.0, 2.0)]
    public void A_constant_curve_still_gets_a_band_around_its_value(string name, double from, double to)
    {
        var f = ActivationKit.Catalog.ActivationCatalog.Create(name);
        double value = ActivationKit.Plots.Curves.Sample(f, [from]).F[0];
        var limits = ActivationKit.Plots.Charts.Functions([f], from, to, derivative: false).Axes.GetLimits();
        Assert.Equal((value - 0.5, value + 0.5), (limits.Bottom, limits.Top));
        string range = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--range={from:R}:{to:R}");
        var lines = Cli.Run("plot", name, range).Ok().Lines;
        Assert.StartsWith(ActivationKit.Plots.Curves.AxisLabel(value + 0.5, 0.1) + " ┤", lines[1], StringComparison.Ordinal);
        Assert.StartsWith(ActivationKit.Plots.Curves.AxisLabel(value - 0.5, 0.1) + " ┤", lines[10], StringComparison.Ordinal);
    }

    [Fact]
    public void Values_too_small_for_the_charts_axis_are_drawn_on_the_narrowest_axis_it_takes()
    {
        // relu_squared over 1e-160:2e-160 is 1e-320 to 4e-320: the terminal draws it over those values; a chart axis that
        // narrow overflows ScottPlot's pixels per unit (an empty frame), so the chart's axis spans 1e-300 around them.
        var plot = ActivationKit.Plots.Charts.Functions([ActivationKit.Catalog.ActivationCatalog.Create("relu_squared")], 1e-160, 2e-160, derivative: false);
        plot.RenderInMemory(900, 560);
        var limits = plot.Axes.GetLimits();
        Assert.Equal(ActivationKit.Plots.Charts.MinYSpan, limits.VerticalSpan, 1e-310);
        Assert.InRange(2.5e-320, limits.Bottom, limits.Top);
        var labels = plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();
        Assert.True(labels.Length >= 3, string.Join(" ", labels));
        Assert.Equal(labels.Length, labels.Distinct().Count());

        var lines = Cli.Run("plot", "relu_squared", "--range=1e-160:2e-160").Ok().Lines;
        Assert.StartsWith("4E-320 ┤", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("1E-320 ┤", lines[10], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("thresholded_relu(10)", 10.0)]
    [InlineData("hardtanh(-8,20)", 20.0)]
    [InlineData("softshrink(7)", 7.0)]
    [InlineData("threshold(-30,2)", -30.0)]
    [InlineData("softplus(beta=0.1,threshold=3)", 30.0)]
    public void The_default_range_widens_to_the_kinks_at_the_given_parameters(string spec, double kink)
    {
        // thresholded_relu(10) was plotted over -5:5, where it is identically 0, with its jump at 10 off the chart.
        var (from, to) = ActivationKit.Plots.Curves.PlotRangeOf(ActivationKit.Catalog.ActivationCatalog.Create(spec));
        Assert.True(from + 1 < kink && kink < to - 1, $"{spec}: {from}:{to}");
        string axis = Cli.Run("plot", spec).Ok().Lines[^1];
        Assert.StartsWith(ActivationKit.Plots.Curves.AxisLabel(from, (to - from) / 10), axis, StringComparison.Ordinal);
        Assert.EndsWith(ActivationKit.Plots.Curves.AxisLabel(to, (to - from) / 10), axis, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_catalog_functions_kinks_lie_inside_its_default_plot_range()
    {
        foreach (var info in ActivationKit.Catalog.ActivationCatalog.All)
        {
            var f = ActivationKit.Catalog.ActivationCatalog.Create(info);
            var (from, to) = ActivationKit.Plots.Curves.PlotRangeOf(f);
            Assert.All(f.Kinks, k => Assert.True(from + 1 < k && k < to - 1, $"{info.Name}: kink {k} in {from}:{to}"));
            // Below ±18 the kinks need no more room than the catalog's range gives.
            if (f.Kinks.All(k => Math.Abs(k) <= 18)) Assert.Equal(ActivationKit.Plots.Curves.PlotRange(info), (from, to));
        }
    }

    [Theory]
    [InlineData("--range", "-3:3")]
    [InlineData("--width", "300")]
    [InlineData("--height", "300")]
    public void All_refuses_the_options_it_cannot_honour(string option, string value)
    {
        // They were ignored silently.
        Cli.Run("plot", "--all", "--out", _dir.File("g.png"), option, value).BadInput("--all draws each function over its own range in cells of a fixed size: give no --range, --width or --height with it.");
    }

    [Theory]
    [InlineData("plot", "relu", "--width", "500")]
    [InlineData("plot", "relu", "gelu", "--grad", "--height", "300")]
    [InlineData("plot", "--fractions", "results", "--width", "640", "--height", "400")]
    public void Image_sizes_are_refused_without_an_image(params string[] args)
    {
        // A terminal plot takes the terminal's width: plot relu --width 500 drew one and ignored the option.
        Cli.Run(args).BadInput("--width and --height size the image --out writes: give them with --out FILE.png or FILE.svg.");
    }

    [Fact]
    public void Out_into_a_missing_folder_is_refused_as_eval_refuses_it()
    {
        // plot created the missing folders; eval refuses.
        string png = Path.Combine(_dir.Path, "missing", "deeper", "a.png");
        Cli.Run("plot", "relu", "--out", png).BadInput($"--out '{png}': the folder '{Path.GetDirectoryName(png)}' does not exist.");
        Cli.Run("plot", "--all", "--out", png).BadInput("does not exist");
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "missing")));
    }
}
