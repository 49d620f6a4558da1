namespace ActivationKit.Nn;

/// <summary>
/// Dropout after a hidden layer during training. Ordinary (inverted) dropout zeroes each output with probability p
/// and scales the survivors by 1/(1 − p), so the expected output is unchanged and inference needs no rescaling.
/// After a SELU layer it is alpha-dropout (Klambauer et al., Self-Normalizing Neural Networks, 2017, §"new dropout
/// technique"): dropped units are set to SELU's negative saturation α′ = −λα and an affine map a·x + b restores mean 0
/// and variance 1, which ordinary dropout would break and with it the self-normalising property.
/// </summary>
public static class Dropout
{
    /// <summary>SELU's negative saturation value −λα (Klambauer et al., 2017).</summary>
    public const double AlphaPrime = -1.0507009873554804934193349852946 * 1.6732632423543772848170429916717;

    /// <summary>Checks a dropout probability: 0 (off) ≤ p &lt; 1.</summary>
    public static void Validate(double p, string name = "dropout")
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentException($"The dropout probability must be in [0, 1), got {p}.", name);
    }

    /// <summary>
    /// Applies dropout with probability <paramref name="p"/> to <paramref name="x"/>, writing the result to
    /// <paramref name="y"/> and ∂y/∂x (0 for a dropped unit) to <paramref name="derivative"/>; <paramref name="alpha"/>
    /// selects alpha-dropout. Units are dropped by <paramref name="rng"/> in order, so a seed reproduces the mask.
    /// </summary>
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, Span<float> derivative, double p, bool alpha, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Validate(p, nameof(p));
        if (y.Length != x.Length || derivative.Length != x.Length) throw new ArgumentException("x, y and derivative must have the same length.", nameof(y));
        double q = 1 - p;
        if (!alpha)
        {
            float scale = (float)(1 / q);
            for (int i = 0; i < x.Length; i++)
            {
                bool keep = rng.NextDouble() < q;
                derivative[i] = keep ? scale : 0f;
                y[i] = keep ? x[i] * scale : 0f;
            }

            return;
        }

        // a and b make E[y] = 0 and Var[y] = 1 when x has mean 0 and variance 1 (the paper's eqs. for a and b).
        double a = 1 / Math.Sqrt(q + (AlphaPrime * AlphaPrime * q * p));
        double b = -a * p * AlphaPrime;
        float fa = (float)a, dropped = (float)((a * AlphaPrime) + b), fb = (float)b;
        for (int i = 0; i < x.Length; i++)
        {
            bool keep = rng.NextDouble() < q;
            derivative[i] = keep ? fa : 0f;
            y[i] = keep ? (fa * x[i]) + fb : dropped;
        }
    }
}
