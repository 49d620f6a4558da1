namespace ActivationKit.Nn.Experiments;

/// <summary>
/// Student's t distribution and Welch's unequal-variance t-test, from the regularised incomplete beta function
/// (continued fraction evaluated by the modified Lentz method) — enough for confidence intervals over a few seeds.
/// </summary>
public static class StudentT
{
    /// <summary>Two-sided tail probability P(|T| ≥ |t|) for <paramref name="df"/> degrees of freedom (df may be fractional).</summary>
    public static double TwoSidedP(double t, double df)
    {
        if (double.IsNaN(t) || !(df > 0)) return double.NaN;
        if (double.IsInfinity(t)) return 0;
        double x = df / (df + (t * t));
        return Math.Clamp(RegularizedBeta(x, df / 2, 0.5), 0, 1);
    }

    /// <summary>The t value with P(|T| ≥ t) = <paramref name="alpha"/> (e.g. 0.05 → the 97.5 % quantile).</summary>
    public static double CriticalValue(double df, double alpha = 0.05)
    {
        if (!(df > 0)) return double.NaN;
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1).");
        double lo = 0, hi = 1;
        while (TwoSidedP(hi, df) > alpha) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (TwoSidedP(mid, df) > alpha) lo = mid;
            else hi = mid;
        }

        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// Welch's t-test of equal means for two samples: the t statistic, Welch–Satterthwaite degrees of freedom and the
    /// two-sided p-value. With fewer than 2 values in a sample p is NaN, and so it is with zero variance in both: the
    /// statistic divides by a standard error of 0, so the test is undefined (t is ±∞ for different means, NaN for equal
    /// ones). It used to give p = 0, "distinguishable", to [0.5, 0.5] vs [0, 0] — the accuracies of a 2-sample test
    /// split, where no spread says nothing about the noise.
    /// </summary>
    public static (double T, double Df, double P) Welch(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count < 2 || b.Count < 2) return (double.NaN, double.NaN, double.NaN);
        var (ma, va) = MeanVariance(a);
        var (mb, vb) = MeanVariance(b);
        double sa = va / a.Count, sb = vb / b.Count, se2 = sa + sb;
        if (se2 == 0) return (ma == mb ? double.NaN : double.PositiveInfinity * Math.Sign(ma - mb), double.NaN, double.NaN);
        double t = (ma - mb) / Math.Sqrt(se2);
        double df = se2 * se2 / ((sa * sa / (a.Count - 1)) + (sb * sb / (b.Count - 1)));
        return (t, df, TwoSidedP(t, df));
    }

    /// <summary>
    /// Mean and sample variance (n − 1 in the denominator; 0 for a single value). Equal values give exactly that value
    /// and 0: summed, three accuracies of 0.7 average to 0.6999999999999998 with a variance of 2e-32, which made two
    /// such groups "distinguishable" at p ≈ 0 instead of having no spread to judge by.
    /// </summary>
    public static (double Mean, double Variance) MeanVariance(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return (double.NaN, double.NaN);
        if (values.All(v => v == values[0])) return (values[0], 0);
        double mean = values.Average();
        if (values.Count == 1) return (mean, 0);
        double ss = values.Sum(v => (v - mean) * (v - mean));
        return (mean, ss / (values.Count - 1));
    }

    /// <summary>The mean with its 95 % confidence interval mean ± t₀.₉₇₅,ₙ₋₁·s/√n (NaN bounds for a single value).</summary>
    public static (double Mean, double Std, double Low, double High) ConfidenceInterval(IReadOnlyList<double> values, double alpha = 0.05)
    {
        var (mean, variance) = MeanVariance(values);
        double std = Math.Sqrt(variance);
        if (values.Count < 2) return (mean, std, double.NaN, double.NaN);
        double half = CriticalValue(values.Count - 1, alpha) * std / Math.Sqrt(values.Count);
        return (mean, std, mean - half, mean + half);
    }

    /// <summary>I_x(a, b), the regularised incomplete beta function.</summary>
    internal static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double lnFront = global::ActivationKit.Diagnostics.ChiSquare.LogGamma(a + b) - global::ActivationKit.Diagnostics.ChiSquare.LogGamma(a) - global::ActivationKit.Diagnostics.ChiSquare.LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x));
        double front = Math.Exp(lnFront);
        // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise.
        return x < (a + 1) / (a + b + 2)
            ? front * BetaFraction(x, a, b) / a
            : 1 - (front * BetaFraction(1 - x, b, a) / b);
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double tiny = 1e-300, eps = 1e-15;
        double c = 1, d = 1 - ((a + b) * x / (a + 1));
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 500; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + (aa * d);
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + (aa / c);
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + (aa * d);
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + (aa / c);
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < eps) break;
        }

        return h;
    }
}
