namespace ActivationKit.Diagnostics;

/// <summary>
/// The χ² distribution, for judging a weight scale measured from a finite sample: N weights drawn from N(0, v) have
/// Σw² / v ~ χ²_N, so the mean square of a handful of weights says little about the v they were drawn from.
/// </summary>
internal static class ChiSquare
{
    /// <summary>P(χ²_ν ≤ x), the regularised lower incomplete gamma function P(ν/2, x/2).</summary>
    public static double Cdf(double nu, double x)
    {
        if (!(x > 0)) return 0;
        if (double.IsPositiveInfinity(x)) return 1;
        double a = nu / 2, z = x / 2;
        double lnFront = (a * Math.Log(z)) - z - LogGamma(a);
        if (z < a + 1)
        {
            // Series: P = e^{−z} z^a / Γ(a) · Σ z^n / (a (a+1) … (a+n)).
            double term = 1 / a, sum = term;
            for (int n = 1; n < 100_000; n++)
            {
                term *= z / (a + n);
                sum += term;
                if (term < sum * 1e-16) break;
            }

            return Math.Min(1, Math.Exp(lnFront) * sum);
        }

        // Continued fraction for Q = 1 − P (Lentz).
        const double tiny = 1e-300;
        double b = z + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < 100_000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            if (Math.Abs(d) < tiny) d = tiny;
            c = b + (an / c);
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }

        return Math.Max(0, 1 - (Math.Exp(lnFront) * h));
    }

    /// <summary>The p-quantile of χ²_ν / ν (the mean square of ν standard normals), by bisection on the logarithm.</summary>
    public static double MeanQuantile(double nu, double p)
    {
        double lo = -80, hi = 10;
        for (int i = 0; i < 200; i++)
        {
            double mid = (lo + hi) / 2;
            if (Cdf(nu, nu * Math.Exp(mid)) < p) lo = mid;
            else hi = mid;
            if (hi - lo < 1e-10) break;
        }

        return Math.Exp((lo + hi) / 2);
    }

    /// <summary>ln Γ(x) for x &gt; 0 by the Lanczos approximation (g = 7, 9 terms; relative error about 1e−15); the experiments' Student t uses it too.</summary>
    internal static double LogGamma(double x)
    {
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        double sum = c[0];
        for (int i = 1; i < 9; i++) sum += c[i] / (x + i);
        double t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
