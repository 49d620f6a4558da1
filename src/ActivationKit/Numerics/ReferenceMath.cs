namespace ActivationKit.Numerics;

/// <summary>
/// Plain scalar double functions used by the reference implementations (<see cref="ElementwiseActivation.Reference"/>).
/// They are deliberately different algorithms from the vector kernels (built on System.Math), so a kernel is
/// never measured against itself. Each is accurate to a few double ULP, far below float's resolution.
/// </summary>
public static partial class ReferenceMath
{
    /// <summary>ln(1 + x) with full relative accuracy for tiny x (the classic u = 1 + x correction); log1p(±0) = ±0.</summary>
    public static double Log1p(double x)
    {
        if (double.IsNaN(x) || x < -1) return double.NaN;
        if (double.IsPositiveInfinity(x)) return x;
        double u = 1.0 + x;
        if (u == 1.0) return x;
        // ln(u)·x/(u − 1) corrects the rounding of u (Goldberg, "What every computer scientist…", Thm 4).
        return Math.Log(u) * (x / (u - 1.0));
    }

    /// <summary>e^x − 1 with full relative accuracy for tiny x (Kahan's trick); expm1(±0) = ±0.</summary>
    public static double Expm1(double x)
    {
        // ±0 itself: the series below adds x²/2 = +0 to x, and −0 + +0 is +0.
        if (double.IsNaN(x) || x == 0) return x;
        if (Math.Abs(x) < 1e-5)
        {
            return x + (x * x / 2) + (x * x * x / 6) + (x * x * x * x / 24);
        }

        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        if (double.IsPositiveInfinity(u)) return u;
        return um1 * x / Math.Log(u);
    }

    /// <summary>The logistic function 1/(1 + e^−x) without overflow or loss in the negative tail.</summary>
    public static double Sigmoid(double x)
    {
        if (x >= 0) return 1.0 / (1.0 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1.0 + e);
    }

    /// <summary>ln(1 + e^x) without overflow or loss in either tail.</summary>
    public static double Softplus(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 0) return x + Log1p(Math.Exp(-x));
        return Log1p(Math.Exp(x));
    }
}
