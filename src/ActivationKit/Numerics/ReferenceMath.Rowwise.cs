using System.Numerics;

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
    /// τ = (Σ_{j≤k} z_(j) − 1)/k) in exact rational arithmetic, each output rounded once to the nearest double; the
    /// same special rows as <see cref="SoftmaxRow"/>.
    /// </summary>
    public static void SparsemaxRow(ReadOnlySpan<double> x, Span<double> y)
    {
        if (FillNaNRow(x, y)) return;
        double m = RowMax(x);
        if (double.IsInfinity(m))
        {
            // +∞ entries share the mass; a row of −∞ is uniform.
            int count = CountEqual(x, m);
            for (int i = 0; i < x.Length; i++) y[i] = x[i] == m ? 1.0 / count : 0.0;
            return;
        }

        // Every finite double is an integer multiple of 2^−1074: the row as exact integers in that unit (−∞ entries,
        // never in the support, left out).
        var units = new List<BigInteger>(x.Length);
        foreach (double v in x)
        {
            if (!double.IsNegativeInfinity(v)) units.Add(InUnitsOfLeastSubnormal(v));
        }

        units.Sort((a, b) => b.CompareTo(a));
        var one = BigInteger.One << 1074;
        BigInteger sum = 0, support = 0;
        int k = 0;
        for (int j = 1; j <= units.Count; j++)
        {
            sum += units[j - 1];
            if (one + (j * units[j - 1]) <= sum) break;
            (k, support) = (j, sum);
        }

        // y_i = x_i − τ = (k·x_i − (S − 1))/k, in units of 2^−1074.
        var offset = support - one;
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNegativeInfinity(x[i]))
            {
                y[i] = 0.0;
                continue;
            }

            var numerator = (k * InUnitsOfLeastSubnormal(x[i])) - offset;
            y[i] = numerator.Sign > 0 ? RoundQuotient(numerator, k) : 0.0;
        }
    }

    /// <summary>
    /// The sparsemax Jacobian-vector product of one row: dx = dy − mean_S(dy) on the support S = {y &gt; 0}, 0 elsewhere
    /// (NaN for a NaN row), with y from <see cref="SparsemaxRow"/>; exact rational arithmetic rounded once where the
    /// support's dy are finite.
    /// </summary>
    public static void SparsemaxBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx)
    {
        var y = new double[x.Length];
        SparsemaxRow(x, y);
        double sum = 0;
        int count = 0;
        bool finite = true;
        BigInteger exact = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (!(y[i] > 0)) continue;
            sum += dy[i];
            count++;
            if (double.IsFinite(dy[i])) exact += InUnitsOfLeastSubnormal(dy[i]);
            else finite = false;
        }

        for (int i = 0; i < y.Length; i++)
        {
            if (double.IsNaN(y[i])) dx[i] = double.NaN;
            else if (!(y[i] > 0)) dx[i] = 0.0;
            else if (!finite) dx[i] = dy[i] - (sum / count);
            else
            {
                // (k·dy_i − Σ dy)/k in units of 2^−1074.
                var numerator = (count * InUnitsOfLeastSubnormal(dy[i])) - exact;
                dx[i] = numerator.Sign switch
                {
                    > 0 => RoundQuotient(numerator, count),
                    < 0 => -RoundQuotient(-numerator, count),
                    _ => 0.0,
                };
            }
        }
    }

    /// <summary>v·2^1074 for a finite double v: an exact integer.</summary>
    private static BigInteger InUnitsOfLeastSubnormal(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(v);
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
        if (exponent != 0) mantissa |= 1L << 52;
        var magnitude = new BigInteger(mantissa) << Math.Max(exponent, 1) - 1;
        return bits < 0 ? -magnitude : magnitude;
    }

    /// <summary>The double nearest (ties to even) to numerator/(divisor·2^1074), for a positive numerator.</summary>
    private static double RoundQuotient(BigInteger numerator, int divisor)
    {
        var quotient = BigInteger.DivRem(numerator, divisor, out var remainder);
        // quotient·2^−1074 with remainder/divisor of a unit to spare: keep 53 significant bits (fewer for subnormals).
        int drop = Math.Max((int)quotient.GetBitLength() - 53, 0);
        var kept = quotient >> drop;
        var dropped = quotient - (kept << drop);
        var half = drop == 0 ? BigInteger.Zero : BigInteger.One << (drop - 1);
        // The part below the kept bits, against half of the last kept bit (a remainder lifts an exact half).
        int versusHalf = drop == 0
            ? (2 * remainder).CompareTo(divisor)
            : dropped != half ? dropped.CompareTo(half) : remainder.IsZero ? 0 : 1;
        if (versusHalf > 0 || (versusHalf == 0 && !kept.IsEven)) kept += 1;
        return Math.ScaleB((double)kept, drop - 1074);
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
