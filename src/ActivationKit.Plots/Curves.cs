using ActivationKit.Catalog;

namespace ActivationKit.Plots;

/// <summary>f and f′ of any kind of function along a line, through the library's own Forward/Backward (double).</summary>
public static class Curves
{
    /// <summary>
    /// The x range worth plotting at the default parameters: [−5, 5], widened to show every kink and zero of f′ with
    /// room around it (to ±20 at most).
    /// </summary>
    public static (double From, double To) PlotRange(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return (-DefaultHalfWidth(info.Kinks, info.DerivativeZeros), DefaultHalfWidth(info.Kinks, info.DerivativeZeros));
    }

    /// <summary>
    /// The x range worth plotting for this instance: as <see cref="PlotRange(ActivationInfo)"/>, with the kinks at its
    /// own parameters (<see cref="Activation.Kinks"/>: thresholded_relu(10) has its jump at 10, not the catalog's 1), and
    /// wider than ±20 where a kink lies further out, so that every kink is on the chart with room around it (softplus's
    /// switch at 20 too: ±22 where the catalog's range stops at ±20).
    /// </summary>
    public static (double From, double To) PlotRangeOf(Activation f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double half = DefaultHalfWidth(f.Kinks, f.Info.DerivativeZeros);
        foreach (double k in f.Kinks)
        {
            if (double.IsFinite(k)) half = Math.Max(half, Math.Max(Math.Ceiling(Math.Abs(k)) + 2, Math.Ceiling(Math.Abs(k) * 1.1)));
        }

        return (-half, half);
    }

    /// <summary>True when every parameter of <paramref name="f"/> has its default value (always for a function without any).</summary>
    public static bool AtDefaults(Activation f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return f.Parameters.SequenceEqual(f.Info.Parameters.Select(p => p.Default));
    }

    /// <summary>
    /// The catalog's special values (<see cref="ActivationInfo.SpecialValues"/>, exact, at the default parameters) at
    /// <paramref name="f"/>'s own parameters: the catalog's pairs themselves at the defaults, otherwise f at the same
    /// inputs through the double Forward (leaky_relu(0.2) at −1 is −0.2, where the catalog's pair says −0.01). Empty for a
    /// row-wise or gated function away from its defaults, whose special values (it has none today) would not be f(x).
    /// </summary>
    public static IReadOnlyList<SpecialValue> SpecialValuesAt(Activation f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var pairs = f.Info.SpecialValues;
        if (AtDefaults(f) || pairs.Count == 0) return pairs;
        if (f.Info.Kind != ActivationKind.Elementwise) return [];
        var xs = pairs.Select(v => v.X).ToArray();
        var (y, _, _) = Sample(f, xs);
        return xs.Select((x, i) => new SpecialValue(x, y[i])).ToArray();
    }

    private static double DefaultHalfWidth(IEnumerable<double> kinks, IEnumerable<double> derivativeZeros)
    {
        double half = 5;
        foreach (double p in kinks.Concat(derivativeZeros))
        {
            if (double.IsFinite(p)) half = Math.Max(half, Math.Ceiling(Math.Abs(p)) + 2);
        }

        return Math.Min(half, 20);
    }

    /// <summary>
    /// Whether a curve whose finite values run from <paramref name="low"/> to <paramref name="high"/> is drawn as a
    /// constant, in a band around its value: when they differ by no more than 10⁻¹² of their own size (0 when both are
    /// 0). Judged against a fixed 10⁻¹² below 1 instead, identity over 1e-300:2e-300 was drawn as a flat line at 0
    /// between ±0.5.
    /// </summary>
    public static bool IsFlat(double low, double high) => !(high - low > 1e-12 * Math.Max(Math.Abs(low), Math.Abs(high)));

    /// <summary>
    /// The band drawn around a flat curve's value (<see cref="IsFlat"/>): ±0.5, or ±a tenth of the value where that is
    /// wider, so relu over [−2, −1] sits in [−0.5, 0.5].
    /// </summary>
    public static double FlatPadding(double value) => Math.Max(0.5, Math.Abs(value) * 0.1);

    /// <summary>
    /// An axis label for <paramref name="value"/> on an axis whose ticks lie about <paramref name="step"/> apart, with
    /// the digits that tell neighbouring ticks apart: plain below 10⁶ and from 10⁻⁴ (-2.5, 0.125, 1000), else
    /// scientific (1E-30, 1.0000000002E+6); 0 for a value within a millionth of a step of zero.
    /// </summary>
    public static string AxisLabel(double value, double step)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (!double.IsFinite(value)) return value.ToString(inv);
        double a = Math.Abs(value);
        if (!(step > 0) || !double.IsFinite(step)) step = a > 0 ? a / 10 : 1;
        if (a <= step * 1e-6) return "0";
        int stepExponent = (int)Math.Floor(Math.Log10(step));
        string text;
        if (a >= 1e-4 && a < 1e6)
        {
            int decimals = Math.Clamp(1 - stepExponent, 0, 17);
            text = value.ToString("F" + decimals.ToString(inv), inv);
            if (text.Contains('.', StringComparison.Ordinal)) text = text.TrimEnd('0').TrimEnd('.');
        }
        else
        {
            int digits = Math.Clamp((int)Math.Floor(Math.Log10(a)) - stepExponent + 1, 0, 16);
            text = value.ToString("0." + new string('#', digits) + "E+0", inv);
        }

        return text == "-0" ? "0" : text;
    }

    /// <summary>
    /// f(x) and f′(x) at each x, plus what is plotted. Element-wise: f itself (with one parameter per channel, as
    /// prelu(num_parameters=C), its first channel, <see cref="Activation.FirstChannel"/>). Row-wise: the first output of the
    /// two-element row (x, 0) and its partial derivative in x. Gated: the output for the row [a | b] = [x | x] and
    /// its total derivative ∂f/∂a + ∂f/∂b.
    /// </summary>
    public static (double[] F, double[] Df, string What) Sample(Activation f, double[] xs)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(xs);
        int n = xs.Length;
        var y = new double[n];
        var dy = new double[n];
        switch (f.Info.Kind)
        {
            case ActivationKind.Rowwise:
                {
                    var rows = new double[2 * n];
                    for (int i = 0; i < n; i++) rows[2 * i] = xs[i];
                    var outRows = new double[2 * n];
                    f.Forward(rows, outRows, 2);
                    var seed = new double[2 * n];
                    for (int i = 0; i < n; i++) seed[2 * i] = 1;
                    var grad = new double[2 * n];
                    f.Backward(rows, seed, grad, 2);
                    for (int i = 0; i < n; i++)
                    {
                        y[i] = outRows[2 * i];
                        dy[i] = grad[2 * i];
                    }

                    return (y, dy, "first output of the row (x, 0)");
                }

            case ActivationKind.Gated:
                {
                    var rows = new double[2 * n];
                    for (int i = 0; i < n; i++) rows[2 * i] = rows[(2 * i) + 1] = xs[i];
                    f.Forward(rows, y, 2);
                    var ones = Enumerable.Repeat(1.0, n).ToArray();
                    var grad = new double[2 * n];
                    f.Backward(rows, ones, grad, 2);
                    for (int i = 0; i < n; i++) dy[i] = grad[2 * i] + grad[(2 * i) + 1];
                    return (y, dy, "output for the row [a | b] = [x | x]");
                }

            case ActivationKind.Elementwise when f.Channels > 1:
                {
                    // The first channel alone: rows of C copies of each x cost C times the memory and time for the one
                    // channel kept (plot 'prelu(num_parameters=1048576)' --grad took 42 s).
                    var (firstY, firstDy, _) = Sample(f.FirstChannel(), xs);
                    return (firstY, firstDy, $"f(x) of the first of {f.Channels} channels");
                }

            default:
                {
                    f.Forward(xs, y);
                    f.Backward(xs, Enumerable.Repeat(1.0, n).ToArray(), dy);
                    return (y, dy, "f(x)");
                }
        }
    }
}
