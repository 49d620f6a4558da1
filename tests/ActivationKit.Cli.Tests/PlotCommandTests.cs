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
    [InlineData(new[] { "plot", "relu", "--width", "5" }, "--width and --height")]
    public void Bad_input_is_one_sentence(string[] args, string message) => Cli.Run(args).BadInput(message);

    [Fact]
    public void Unknown_extension_writes_nothing()
    {
        Cli.Run("plot", "relu", "--out", _dir.File("f.jpg")).BadInput("must end in .png or .svg");
        Assert.Empty(_dir.Files());
    }
}
