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

    /// <summary>SVG text of a plot.</summary>
    public static string Svg(Plot plot, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(plot);
        return plot.GetSvgXml(width, height);
    }

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
