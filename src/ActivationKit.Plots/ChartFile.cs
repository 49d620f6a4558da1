using ActivationKit.Nn.Experiments;
using ScottPlot;

namespace ActivationKit.Plots;

/// <summary>Saves charts as PNG or SVG (chosen by the file extension), atomically.</summary>
public static class ChartFile
{
    /// <summary>PNG bytes of a plot.</summary>
    public static byte[] Png(Plot plot, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(plot);
        return plot.GetImage(width, height).GetImageBytes(ImageFormat.Png);
    }

    /// <summary>
    /// SVG text of a plot. Skia's SVG canvas drops dash patterns (printing "Unsupported path effect in addPaint." for
    /// each), which drew dashed series such as f′ solid, like f. So dashed scatter lines are exported solid with a
    /// tell-tale width, and that width is rewritten into an SVG <c>stroke-dasharray</c> afterwards (the legend's sample
    /// line included); the plot is restored before returning.
    /// </summary>
    public static string Svg(Plot plot, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(plot);
        var dashed = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Where(s => s.LinePattern.Equals(LinePattern.Dashed)).ToList();
        var widths = dashed.Select(s => s.LineWidth).ToList();
        try
        {
            foreach (var s in dashed)
            {
                s.LinePattern = LinePattern.Solid;
                s.LineWidth += DashMarker;
            }

            string svg = plot.GetSvgXml(width, height);
            foreach (float w in widths.Distinct())
            {
                string marked = (w + DashMarker).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                string plain = w.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                svg = svg.Replace($"stroke-width=\"{marked}\"", $"stroke-width=\"{plain}\" stroke-dasharray=\"{3 * w},{2 * w}\"", StringComparison.Ordinal);
            }

            return svg;
        }
        finally
        {
            for (int i = 0; i < dashed.Count; i++)
            {
                dashed[i].LinePattern = LinePattern.Dashed;
                dashed[i].LineWidth = widths[i];
            }
        }
    }

    /// <summary>Added to a dashed line's width for the SVG export, to find its paths in the text.</summary>
    private const float DashMarker = 0.001953125f; // 2^−9: exact in float, and printed as such

    /// <summary>Writes <c>.png</c> or <c>.svg</c> to <paramref name="path"/> through a temporary file.</summary>
    /// <exception cref="ArgumentException">Another extension.</exception>
    public static void Save(Plot plot, string path, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(path);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        byte[] bytes = ext switch
        {
            ".png" => Png(plot, width, height),
            ".svg" => System.Text.Encoding.UTF8.GetBytes(Svg(plot, width, height)),
            _ => throw new ArgumentException($"'{path}': the output must end in .png or .svg."),
        };
        ResultStore.WriteAtomic(path, bytes);
    }
}
