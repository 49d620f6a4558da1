namespace ActivationKit.Numerics;

/// <summary>Plain scalar references of the row-wise functions (softmax family, sparsemax) for accuracy tests.</summary>
public static partial class ReferenceMath
{
    /// <summary>
    /// softmax of one row in double, one element at a time with System.Math: any NaN → all NaN; +∞ entries (or,
    /// in an all −∞ row, every entry) share the mass evenly; otherwise e^(x−max)/Σ with a compensated sum.
    /// </summary>
    public static void SoftmaxRow(ReadOnlySpan<double> x, Span<double> y)
    {
        if (FillNaNRow(x, y)) return;
        double m = RowMax(x);
        int k = CountEqual(x, m);
        if (double.IsInfinity(m))
        {
            for (int i = 0; i < x.Length; i++) y[i] = x[i] == m ? 1.0 / k : 0.0;
            return;
        }

        double s = k + SumExpBelow(x, m);
        for (int i = 0; i < x.Length; i++) y[i] = (x[i] == m ? 1.0 : Math.Exp(x[i] - m)) / s;
    }

    /// <summary>log-softmax of one row in double: (x − max) − log1p(s − 1), with the same special rows as <see cref="SoftmaxRow"/>.</summary>
    public static void LogSoftmaxRow(ReadOnlySpan<double> x, Span<double> y)
    {
        if (FillNaNRow(x, y)) return;
        double m = RowMax(x);
        int k = CountEqual(x, m);
        if (double.IsInfinity(m))
        {
            for (int i = 0; i < x.Length; i++) y[i] = x[i] == m ? -Math.Log(k) : double.NegativeInfinity;
            return;
        }

        double lnS = Log1p((k - 1) + SumExpBelow(x, m));
        for (int i = 0; i < x.Length; i++) y[i] = (x[i] == m ? 0.0 : x[i] - m) - lnS;
    }

    /// <summary>
    /// sparsemax of one row in double (Martins &amp; Astudillo 2016, Algorithm 1: sort, find the support size k, threshold
    /// τ = (Σ_{j≤k} z_(j) − 1)/k), with the same special rows as <see cref="SoftmaxRow"/>.
    /// </summary>
    public static void SparsemaxRow(ReadOnlySpan<double> x, Span<double> y)
    {
        if (FillNaNRow(x, y)) return;
        double m = RowMax(x);
        // Shift by the maximum (sparsemax is shift-invariant) so 1e30-sized rows keep their small differences.
        var z = new double[x.Length];
        for (int i = 0; i < x.Length; i++) z[i] = x[i] == m ? 0.0 : x[i] - m;
        var sorted = (double[])z.Clone();
        Array.Sort(sorted);
        Array.Reverse(sorted);
        double cumulative = 0;
        double tau = 0;
        for (int k = 1; k <= sorted.Length; k++)
        {
            cumulative += sorted[k - 1];
            if (1 + (k * sorted[k - 1]) > cumulative) tau = (cumulative - 1) / k;
            else break;
        }

        for (int i = 0; i < x.Length; i++) y[i] = Math.Max(z[i] - tau, 0.0);
    }

    private static bool FillNaNRow(ReadOnlySpan<double> x, Span<double> y)
    {
        foreach (double v in x)
        {
            if (double.IsNaN(v))
            {
                y.Fill(double.NaN);
                return true;
            }
        }

        return false;
    }

    private static double RowMax(ReadOnlySpan<double> x)
    {
        double m = double.NegativeInfinity;
        foreach (double v in x) m = Math.Max(m, v);
        return m;
    }

    private static int CountEqual(ReadOnlySpan<double> x, double m)
    {
        int k = 0;
        foreach (double v in x)
        {
            if (v == m) k++;
        }

        return k;
    }

    /// <summary>Σ e^(x − m) over the entries below m, Neumaier-compensated.</summary>
    private static double SumExpBelow(ReadOnlySpan<double> x, double m)
    {
        double sum = 0;
        double compensation = 0;
        foreach (double v in x)
        {
            if (v == m) continue;
            double term = Math.Exp(v - m);
            double t = sum + term;
            compensation += Math.Abs(sum) >= term ? (sum - t) + term : (term - t) + sum;
            sum = t;
        }

        return sum + compensation;
    }
}
