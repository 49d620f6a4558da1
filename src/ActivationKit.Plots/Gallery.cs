using ActivationKit.Catalog;
using SkiaSharp;

namespace ActivationKit.Plots;

/// <summary>A grid of small f/f′ charts, one per catalog function, as one PNG.</summary>
public static class Gallery
{
    /// <summary>
    /// Draws every function of <paramref name="functions"/> (default: the whole catalog with default parameters) over
    /// its <see cref="Curves.PlotRange"/>, f solid and f′ dashed, <paramref name="columns"/> charts per row.
    /// </summary>
    public static byte[] Png(IReadOnlyList<Activation>? functions = null, int columns = 6, int cellWidth = 320, int cellHeight = 240)
    {
        if (columns < 1) throw new ArgumentException($"columns must be ≥ 1, got {columns}.", nameof(columns));
        functions ??= ActivationCatalog.All.Select(ActivationCatalog.Create).ToArray();
        if (functions.Count == 0) throw new ArgumentException("The gallery needs at least one function.", nameof(functions));
        int rows = (functions.Count + columns - 1) / columns;
        using var surface = SKSurface.Create(new SKImageInfo(columns * cellWidth, rows * cellHeight)) ?? throw new InvalidOperationException("Could not create a drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (int i = 0; i < functions.Count; i++)
        {
            var f = functions[i];
            var (from, to) = Curves.PlotRange(f.Info);
            var plot = Charts.Functions([f], from, to, derivative: true);
            // The legend and the x-axis caption go, so the title says where a gated or row-wise function is drawn.
            string where = f.Info.Kind switch { ActivationKind.Gated => " at a = b = x", ActivationKind.Rowwise => " at the row (x, 0)", _ => string.Empty };
            plot.Title(Nn.Experiments.Contender.ShortSpec(f) + where);
            if (Charts.LegendPanel(plot) is { } legend) plot.Axes.Remove(legend); // one function: the title names it
            plot.XLabel(string.Empty);
            using var image = SKImage.FromEncodedData(ChartFile.Png(plot, cellWidth, cellHeight));
            canvas.DrawImage(image, (i % columns) * cellWidth, (i / columns) * cellHeight);
        }

        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
