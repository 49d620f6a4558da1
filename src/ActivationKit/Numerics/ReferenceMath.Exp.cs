namespace ActivationKit.Numerics;

/// <summary>Reference helpers for the exponential family (ELU, SiLU, mish, softplus, tanhshrink…).</summary>
public static partial class ReferenceMath
{
    /// <summary>
    /// a·e^x, accurate also where e^x alone is subnormal (x below −708) but the product is not: e^x is formed as
    /// h·h with h = e^(x/2) (x/2 is exact), and a·h is taken first so only the last product can underflow.
    /// </summary>
    public static double ExpTimes(double a, double x)
    {
        if (x > -700) return a * Math.Exp(x);
        double h = Math.Exp(0.5 * x);
        return a * h * h;
    }

    /// <summary>
    /// σ(β·x) = 1/(1 + e^−βx) with the rounding of the product β·x compensated: the error δ = fma(β, x, −z) of
    /// z = fl(β·x) is folded in through σ(z + δ) ≈ σ(z)·(1 + σ(−z)·δ). Without it the relative error of σ in the
    /// negative tail grows like |z|·ulp(z).
    /// </summary>
    public static double SigmoidOfProduct(double beta, double x)
    {
        double z = beta * x;
        double s = Sigmoid(z);
        double delta = Math.FusedMultiplyAdd(beta, x, -z);
        if (!double.IsFinite(delta) || s == 0) return s;
        return s + (s * Sigmoid(-z) * delta);
    }

    /// <summary>
    /// x·σ(u) for u = z + δ (z a double, δ its small correction, e.g. the rounding error of z = β·x): the
    /// swish/SiLU family's value, with e^u formed as h·h (see <see cref="ExpTimes"/>) in the far negative tail.
    /// </summary>
    public static double Swish(double x, double z, double delta)
    {
        if (double.IsNaN(x) || double.IsNaN(z)) return double.NaN;
        if (z > 700) return x;
        if (z < -1500) return x < 0 ? -0.0 : 0.0;
        if (z < -700) return ExpTimes(x * (1 + delta), z);
        double s = Sigmoid(z);
        return x * (s + (s * Sigmoid(-z) * delta));
    }

    /// <summary>
    /// d/dx of x·σ(βx) written through u = βx = z + δ: σ(u)·(1 + u·σ(−u)). For u &lt; 0 it is evaluated as
    /// e^u·(1 + e^u + u)/(1 + e^u)², whose factor 1 + e^u + u (zero at u ≈ −1.2785) is formed with 1 + u exact
    /// there, so only the error of e^u enters.
    /// </summary>
    public static double SwishDerivative(double z, double delta)
    {
        if (double.IsNaN(z)) return z;
        if (z > 700) return 1.0;
        if (z < -1500) return -0.0;
        if (z < -700) return ExpTimes((1 + z + delta) * (1 + delta), z);
        if (z < 0)
        {
            double e = Math.Exp(z) * (1 + delta);
            double d = 1 + e;
            return e * ((1 + z) + e + delta) / (d * d);
        }

        double m = Math.Exp(-z) * (1 - delta);
        double s = 1 / (1 + m);
        return s * (1 + ((z + delta) * m * s));
    }

    /// <summary>
    /// x − tanh(x) without the cancellation of the plain difference near 0. Below 1/4 the odd Taylor series
    /// (tanh coefficients 2^2n(2^2n − 1)B_2n/(2n)!, terms to x^23); from 1/4 to 2 the halving identity
    /// g(x) = 2·g(x/2) + 2h³/(1 + h²) with h = tanh(x/2), whose two terms are positive for x &gt; 0; from 2 up the
    /// difference itself, which then exceeds 1 and loses nothing.
    /// </summary>
    public static double TanhShrink(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        double r;
        if (a >= 2)
        {
            r = a - Math.Tanh(a);
        }
        else if (a >= 0.25)
        {
            double h = Math.Tanh(0.5 * a);
            double h2 = h * h;
            r = (2 * TanhShrink(0.5 * a)) + (2 * h * h2 / (1 + h2));
        }
        else
        {
            double s = a * a;
            double p = -113927491862.0 / 2900518163668125.0;
            p = (p * s) + (18888466084.0 / 194896477400625.0);
            p = (p * s) - (443861162.0 / 1856156927625.0);
            p = (p * s) + (6404582.0 / 10854718875.0);
            p = (p * s) - (929569.0 / 638512875.0);
            p = (p * s) + (21844.0 / 6081075.0);
            p = (p * s) - (1382.0 / 155925.0);
            p = (p * s) + (62.0 / 2835.0);
            p = (p * s) - (17.0 / 315.0);
            p = (p * s) + (2.0 / 15.0);
            p = (p * s) - (1.0 / 3.0);
            // x − tanh x = −(t3·x³ + t5·x⁵ + …) with t3 = −1/3: the sum p is negative.
            r = -(a * (s * p));
        }

        // Odd function: tanhshrink(−0) = −0.
        return x < 0 || (x == 0 && double.IsNegative(x)) ? -r : r;
    }
}
