using ActivationKit.Catalog;

namespace ActivationKit.Plots;

/// <summary>f and f′ of any kind of function along a line, through the library's own Forward/Backward (double).</summary>
public static class Curves
{
    /// <summary>The x range worth plotting: [−5, 5], widened to show every kink and zero of f′ with room around it.</summary>
    public static (double From, double To) PlotRange(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        double half = 5;
        foreach (double p in info.Kinks.Concat(info.DerivativeZeros))
        {
            if (double.IsFinite(p)) half = Math.Max(half, Math.Ceiling(Math.Abs(p)) + 2);
        }

        half = Math.Min(half, 20);
        return (-half, half);
    }

    /// <summary>
    /// f(x) and f′(x) at each x, plus what is plotted. Element-wise: f itself (with one parameter per channel, as
    /// prelu(num_parameters=C), its first channel: rows of C copies of x). Row-wise: the first output of the
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
                    int c = f.Channels;
                    var rows = new double[c * n];
                    for (int i = 0; i < n; i++) rows.AsSpan(i * c, c).Fill(xs[i]);
                    var outRows = new double[c * n];
                    var grad = new double[c * n];
                    f.Forward(rows, outRows, c);
                    f.Backward(rows, Enumerable.Repeat(1.0, c * n).ToArray(), grad, c);
                    for (int i = 0; i < n; i++)
                    {
                        y[i] = outRows[i * c];
                        dy[i] = grad[i * c];
                    }

                    return (y, dy, $"f(x) of the first of {c} channels");
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
