namespace ActivationKit.Numerics;

/// <summary>
/// Scalar reference Gaussian tail functions, by an algorithm unrelated to the kernels' Cody rationals
/// (<see cref="Kernels.VMath.NormalCdf{TV}"/>): a positive power series near zero and Laplace's continued fraction
/// for the Mills ratio in the tail. Checked against mpmath by tools/CheckGeluFamily.cs (sweeps from tools/gelu_family_golden.py) and GeluFamilyTests.
/// </summary>
public static partial class ReferenceMath
{
    /// <summary>1/√(2π) split as hi + lo (mpmath).</summary>
    private const double RefInvSqrt2PiHi = 0.3989422804014327;
    private const double RefInvSqrt2PiLo = -2.49232720227773e-17;

    /// <summary>
    /// Beyond |x| = 64 every Gaussian factor here is far below the smallest subnormal (φ(39) and Q_1(39) already
    /// are), so φ and the tails are +0 there. Returning early also keeps v² from overflowing: from |x| ≈ 1.34e154
    /// x² is ∞ and its fma residual ∓∞, whose product with e^−∞ = 0 was NaN (and a huge negative residual gave −0).
    /// </summary>
    private const double GaussianZeroBeyond = 64.0;

    /// <summary>Φ(x), the standard normal distribution function.</summary>
    public static double NormalCdf(double x)
    {
        if (double.IsNaN(x)) return x;
        return x < 0 ? GaussianUpperTail(-x, 1.0) : 1.0 - GaussianUpperTail(x, 1.0);
    }

    /// <summary>φ(x) = e^(−x²/2)/√(2π), with x² split exactly so large |x| keeps full relative accuracy.</summary>
    public static double NormalPdf(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Math.Abs(x) > GaussianZeroBeyond) return 0.0;
        return GaussianFactor(x, 1.0) * GaussianCorrection(x, 1.0) * (RefInvSqrt2PiHi + RefInvSqrt2PiLo);
    }

    /// <summary>erfc(x) = 1 − erf(x).</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        return x < 0 ? 2.0 - (2.0 * GaussianUpperTail(-x, 0.5)) : 2.0 * GaussianUpperTail(x, 0.5);
    }

    /// <summary>
    /// Q_c(v) = ∫_v^∞ e^(−s²/(2c)) ds / √(2πc) for v ≥ 0: the upper tail of a normal law with variance c.
    /// c = 1 gives 1 − Φ(v); c = 1/2 gives erfc(v)/2. Working in v directly (never v·√2 or v/√2) keeps the
    /// Gaussian factor exact.
    /// </summary>
    private static double GaussianUpperTail(double v, double c)
    {
        if (v > GaussianZeroBeyond) return 0.0;   // also +∞
        // The Gaussian factor is applied as two halves, the second one last, so a subnormal result is rounded once.
        double half = GaussianFactor(v, 2 * c);
        double g = half * GaussianCorrection(v, c) / Math.Sqrt(2 * Math.PI * c);
        if (v * v < c)
        {
            // Q = 1/2 − g·S with S = Σ v^(2k+1)/(c^k·(2k+1)!!): every term positive, so S has no cancellation,
            // and below v² = c the final subtraction loses at most a factor 0.5/Q(1) ≈ 3.2.
            double term = v;
            double sum = v;
            double v2 = v * v / c;
            for (int k = 1; k < 200 && term > sum * 1e-18; k++)
            {
                term *= v2 / ((2 * k) + 1);
                sum += term;
            }

            return 0.5 - (half * g * sum);
        }

        // Laplace's continued fraction Q = g·c/(v + c/(v + 2c/(v + 3c/(v + …)))), evaluated from the back with
        // enough terms for 1e−18 at every v ≥ √c (about 800c/v² are needed; checked with mpmath).
        int terms = 24 + (int)(800.0 * c / (v * v));
        double f = v;
        for (int k = terms; k >= 1; k--)
        {
            f = v + (k * c / f);
        }

        return half * (g * c / f);
    }

    /// <summary>e^(−hi/(2c)) for v² = hi + lo, c a power of two (so the division is exact).</summary>
    private static double GaussianFactor(double v, double c) => Math.Exp(-(v * v) / (2.0 * c));

    /// <summary>e^(−lo/(2c)) ≈ 1 − lo/(2c), the part of e^(−v²/(2c)) lost when v² is rounded to hi.</summary>
    private static double GaussianCorrection(double v, double c)
    {
        double hi = v * v;
        double lo = Math.FusedMultiplyAdd(v, v, -hi);
        return 1.0 - (lo / (2.0 * c));
    }
}
