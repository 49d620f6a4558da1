using ActivationKit.IO;
using ActivationKit.Nn.Experiments;
using ScottPlot;

namespace ActivationKit.Plots;

/// <summary>Saves charts as PNG or SVG (chosen by the file extension), atomically.</summary>
public static class ChartFile
{
    /// <summary>PNG bytes of a plot, its title and x-axis label fitted to the width (<see cref="Fit"/>).</summary>
    public static byte[] Png(Plot plot, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(plot);
        var restore = Fit(plot, width, height);
        try
        {
            return plot.GetImage(width, height).GetImageBytes(ImageFormat.Png);
        }
        finally
        {
            restore();
        }
    }

    /// <summary>Space kept free between text and the figure's edge.</summary>
    private const float TextMargin = 8;

    /// <summary>
    /// Fits a plot's text to a figure of <paramref name="width"/> × <paramref name="height"/> for one export, and returns
    /// what puts it back. The title and the x-axis label are centred over the data area, and ran past the figure's edge
    /// when wider than it allows ("…(mean over 3 seeds" with the rest cut off): a title that does not fit there is
    /// centred over the whole figure, and broken into lines where even that is too narrow; the x-axis label (which
    /// carries a chart's notes) is broken into lines that fit around the data area's centre.
    /// </summary>
    internal static Action Fit(Plot plot, int width, int height)
    {
        var title = plot.Axes.Title;
        var bottom = plot.Axes.Bottom.Label;
        string titleText = title.Label.Text, bottomText = bottom.Text;
        bool fullFigure = title.FullFigureCenter;
        void Restore()
        {
            title.Label.Text = titleText;
            title.FullFigureCenter = fullFigure;
            bottom.Text = bottomText;
        }

        if (string.IsNullOrEmpty(titleText) && string.IsNullOrEmpty(bottomText)) return Restore;
        try
        {
            plot.RenderInMemory(width, height);
            var data = plot.RenderManager.LastRender.DataRect;
            float aroundData = (2 * Math.Min(data.HorizontalCenter, width - data.HorizontalCenter)) - (2 * TextMargin);

            // ScottPlot's "full figure" centre is that of the figure's left edge and the data area's right one: a legend
            // on the right keeps its width.
            float fromLeftEdge = data.Right - (2 * TextMargin);
            using var paint = Paint.NewDisposablePaint();
            bool Fits(LabelStyle style, string text, float room) => style.Measure(text, paint).Width <= room;
            if (title.IsVisible && !string.IsNullOrEmpty(titleText) && !titleText.Split('\n').All(l => Fits(title.Label, l, aroundData)))
            {
                bool wider = fromLeftEdge > aroundData;
                title.FullFigureCenter = wider;
                title.Label.Text = ChartText.Wrap(titleText, l => Fits(title.Label, l, wider ? fromLeftEdge : aroundData));
            }

            if (!string.IsNullOrEmpty(bottomText)) bottom.Text = ChartText.Wrap(bottomText, l => Fits(bottom, l, aroundData));
        }
        catch
        {
            Restore();
            throw;
        }

        return Restore;
    }

    /// <summary>
    /// SVG text of a plot. Skia's SVG canvas drops dash patterns (printing "Unsupported path effect in addPaint." for
    /// each), which drew dashed series such as f′ solid, like f. So dashed scatter lines are exported solid with a
    /// tell-tale width, and that width is rewritten into an SVG <c>stroke-dasharray</c> afterwards (the legend's sample
    /// line included); the plot is restored before returning. Its text is fitted as for <see cref="Png"/>.
    /// </summary>
    public static string Svg(Plot plot, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(plot);
        var dashed = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Where(s => s.LinePattern.Equals(LinePattern.Dashed)).ToList();
        var widths = dashed.Select(s => s.LineWidth).ToList();
        var restore = Fit(plot, width, height);
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
            restore();
            for (int i = 0; i < dashed.Count; i++)
            {
                dashed[i].LinePattern = LinePattern.Dashed;
                dashed[i].LineWidth = widths[i];
            }
        }
    }

    /// <summary>Added to a dashed line's width for the SVG export, to find its paths in the text.</summary>
    private const float DashMarker = 0.001953125f; // 2^−9: exact in float, and printed as such

    /// <summary>
    /// Writes <c>.png</c> or <c>.svg</c> to <paramref name="path"/> through a temporary file, never over a write-protected
    /// file or one a symbolic link there leads to (<see cref="FileKind.IsWriteProtected"/>): the rename needs only the
    /// folder's permission, so a 0444 chart was replaced, and came back writable.
    /// </summary>
    /// <exception cref="ArgumentException">Another extension.</exception>
    /// <exception cref="UnauthorizedAccessException">The file, or a link's target, is write-protected; nothing is drawn or written.</exception>
    public static void Save(Plot plot, string path, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(path);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".png" or ".svg" && FileKind.IsWriteProtected(path)) throw new UnauthorizedAccessException(FileKind.WriteProtectedMessage(path));
        byte[] bytes = ext switch
        {
            ".png" => Png(plot, width, height),
            ".svg" => System.Text.Encoding.UTF8.GetBytes(Svg(plot, width, height)),
            _ => throw new ArgumentException($"'{path}': the output must end in .png or .svg."),
        };
        ResultStore.WriteAtomic(path, bytes);
    }
}
