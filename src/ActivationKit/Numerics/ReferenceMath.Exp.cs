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
    /// x − tanh(x) without the cancellation of the plain difference near 0: below |x| = 2 it is
    /// (x·cosh x − sinh x)/cosh x, whose numerator is the all-positive series Σ_{k≥1} 2k·x^(2k+1)/(2k+1)! (summed
    /// smallest term first, to x^35: the first omitted term is below 1e−19 of the sum at |x| = 2); from 2 on the
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
        else
        {
            // terms[k − 1] = 2k·s^(k−1)/(2k + 1)!, so the numerator is a³·Σ terms.
            const int count = 17;
            double s = a * a;
            Span<double> terms = stackalloc double[count];
            double power = 1.0 / 6.0; // s^(k−1)/(2k + 1)! for k = 1
            for (int k = 1; k <= count; k++)
            {
                terms[k - 1] = 2 * k * power;
                power *= s / ((2 * k + 2) * (2 * k + 3));
            }

            double sum = 0;
            for (int k = count - 1; k >= 0; k--) sum += terms[k];
            // a·(s·sum) rounds a subnormal result once.
            r = a * (s * sum / Math.Cosh(a));
        }

        // Odd function: tanhshrink(−0) = −0.
        return x < 0 || (x == 0 && double.IsNegative(x)) ? -r : r;
    }
}
