using System.Text;

namespace ActivationKit.Cli.Formatting;

/// <summary>
/// A line plot drawn with Unicode braille characters: each character cell holds 2×4 dots, so a plot of
/// <c>width</c>×<c>height</c> characters has twice the horizontal and four times the vertical resolution.
/// </summary>
public static class TextPlot
{
    // Braille dot bits by (column, row) inside a cell: U+2800 + the OR of the lit dots.
    private static readonly int[,] DotBits = { { 0x01, 0x02, 0x04, 0x40 }, { 0x08, 0x10, 0x20, 0x80 } };

    /// <summary>
    /// Renders the points (xs[i], ys[i]) — xs increasing, one per dot column (2·width of them) — as text lines:
    /// a y-axis with the top, zero and bottom values, the braille curve, and an x-axis with its ends and 0.
    /// Non-finite y values leave a gap.
    /// </summary>
    public static IReadOnlyList<string> Render(string title, IReadOnlyList<double> xs, IReadOnlyList<double> ys, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        if (width < 4 || height < 2) throw new ArgumentException("A plot needs at least 4 columns and 2 rows.", nameof(width));
        int dotsX = width * 2;
        int dotsY = height * 4;
        if (xs.Count != dotsX || ys.Count != dotsX) throw new ArgumentException($"A plot {width} characters wide takes {dotsX} points.", nameof(xs));

        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double y in ys)
        {
            if (!double.IsFinite(y)) continue;
            lo = Math.Min(lo, y);
            hi = Math.Max(hi, y);
        }

        var lines = new List<string> { title };
        if (!double.IsFinite(lo))
        {
            lines.Add("  (no finite values to plot)");
            return lines;
        }

        // A constant (or nearly constant) function still gets a visible band around its value; a curve of tiny values
        // that does change is drawn over its own range.
        if (Plots.Curves.IsFlat(lo, hi))
        {
            double pad = Plots.Curves.FlatPadding(hi);
            lo -= pad;
            hi += pad;
        }

        var cells = new int[height, width];
        int Row(double y) => (int)Math.Round((hi - y) / (hi - lo) * (dotsY - 1));
        void Dot(int px, int py)
        {
            if (py < 0 || py >= dotsY) return;
            cells[py / 4, px / 2] |= DotBits[px % 2, py % 4];
        }

        int previous = -1;
        for (int px = 0; px < dotsX; px++)
        {
            if (!double.IsFinite(ys[px]))
            {
                previous = -1;
                continue;
            }

            int py = Row(ys[px]);
            Dot(px, py);
            if (previous >= 0)
            {
                // Join to the previous column so steep parts read as a line, not scattered dots.
                int step = Math.Sign(py - previous);
                for (int r = previous + step; r != py; r += step) Dot(step > 0 ? px - 1 : px, r);
            }

            previous = py;
        }

        // Labels with the digits their axis needs (Curves.AxisLabel): the ends of x over ±1e-30 read -1E-30 and 1E-30.
        double yStep = (hi - lo) / 10, xStep = (xs[^1] - xs[0]) / 10;
        string top = Plots.Curves.AxisLabel(hi, yStep), bottom = Plots.Curves.AxisLabel(lo, yStep);
        int zeroRow = lo < 0 && hi > 0 ? Row(0) / 4 : -1;
        string zero = "0";
        int labelWidth = Math.Max(Math.Max(top.Length, bottom.Length), zero.Length);
        for (int r = 0; r < height; r++)
        {
            string label = r == 0 ? top : r == height - 1 ? bottom : r == zeroRow ? zero : string.Empty;
            var sb = new StringBuilder();
            sb.Append(label.PadLeft(labelWidth)).Append(r == zeroRow ? " ┼" : " ┤");
            for (int c = 0; c < width; c++) sb.Append(cells[r, c] == 0 && r == zeroRow ? '┄' : (char)(0x2800 + cells[r, c]));
            lines.Add(sb.ToString());
        }

        lines.Add(new string(' ', labelWidth) + " └" + new string('─', width));
        string left = Plots.Curves.AxisLabel(xs[0], xStep), right = Plots.Curves.AxisLabel(xs[^1], xStep);
        var axis = new StringBuilder(new string(' ', labelWidth + 2 + width));
        Put(axis, labelWidth + 2, left);
        Put(axis, labelWidth + 2 + width - right.Length, right);
        if (xs[0] < 0 && xs[^1] > 0)
        {
            int zeroCol = labelWidth + 2 + (int)Math.Round(-xs[0] / (xs[^1] - xs[0]) * (width - 1));
            if (zeroCol > labelWidth + 2 + left.Length && zeroCol < labelWidth + 2 + width - right.Length - 1) Put(axis, zeroCol, "0");
        }

        lines.Add(axis.ToString().TrimEnd());
        return lines;
    }

    /// <summary>The x values of a plot <paramref name="width"/> characters wide over [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public static double[] Grid(double from, double to, int width)
    {
        int n = width * 2;
        var xs = new double[n];
        for (int i = 0; i < n; i++) xs[i] = from + ((to - from) * i / (n - 1));
        return xs;
    }

    private static void Put(StringBuilder sb, int at, string text)
    {
        for (int i = 0; i < text.Length && at + i < sb.Length; i++) sb[at + i] = text[i];
    }
}
