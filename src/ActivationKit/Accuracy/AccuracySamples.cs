namespace ActivationKit.Accuracy;

/// <summary>Input sets for sampled accuracy checks that reach every region of the float line.</summary>
public static class AccuracySamples
{
    /// <summary>
    /// <paramref name="count"/> float inputs: the special values (±0, ±∞, NaN, the smallest subnormal, the largest
    /// finite), then in equal parts uniformly random bit patterns (every binade, subnormals included), log-uniform
    /// magnitudes of both signs, a uniform spread over [−20, 20] and a fine grid over [−110, 110] (the tails where
    /// exp-based functions underflow to subnormals).
    /// </summary>
    public static float[] Float(int count, int seed)
    {
        float[] specials =
        [
            0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon, -float.Epsilon,
            float.MaxValue, float.MinValue, 1.17549435e-38f, -1.17549435e-38f, 1f, -1f, 1e-8f, -1e-8f, 100f, -100f,
        ];
        var x = new float[Math.Max(count, specials.Length)];
        specials.CopyTo(x, 0);
        var rng = new Random(seed);
        int quarter = (x.Length - specials.Length) / 4;
        int i = specials.Length;
        for (int k = 0; k < quarter; k++) x[i++] = BitConverter.Int32BitsToSingle(rng.Next() ^ (rng.Next(2) << 31));
        for (int k = 0; k < quarter; k++)
        {
            double mag = Math.Exp(rng.NextDouble() * (Math.Log(3.4e38) - Math.Log(1.4e-45))) * 1.4e-45;
            x[i++] = (float)(rng.Next(2) == 0 ? mag : -mag);
        }

        for (int k = 0; k < quarter; k++) x[i++] = (float)((rng.NextDouble() * 40) - 20);
        int rest = x.Length - i;
        for (int k = 0; i < x.Length; k++) x[i++] = (float)(-110.0 + (220.0 * k / Math.Max(1, rest - 1)));
        return x;
    }

    /// <summary>The kinds of row <see cref="Rows"/> makes, in order.</summary>
    public const int RowKinds = 5;

    /// <summary>
    /// <paramref name="rowsPerKind"/> float rows of <paramref name="columns"/> entries of each of <see cref="RowKinds"/>
    /// kinds, row after row: Normal(0, σ) with σ cycling through 1, 3, 10 and 30; uniform on [−100, 100]; random bit
    /// patterns (every binade, subnormals included; NaN and ±∞ replaced by 1); Normal(0, 1) with one entry 20–60 above
    /// the rest at a random place (a confident row); and Normal(0, 3) with a third of the entries tied at the row's
    /// maximum or moved 200 below it (ties and entries deep in the tail).
    /// </summary>
    public static float[] Rows(int columns, int rowsPerKind, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerKind, 1);
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var x = new float[RowKinds * rowsPerKind * columns];
        int at = 0;
        for (int kind = 0; kind < RowKinds; kind++)
        {
            for (int r = 0; r < rowsPerKind; r++, at += columns)
            {
                var row = x.AsSpan(at, columns);
                switch (kind)
                {
                    case 0:
                        double sigma = new[] { 1.0, 3.0, 10.0, 30.0 }[r % 4];
                        for (int i = 0; i < columns; i++) row[i] = (float)(sigma * Normal());
                        break;
                    case 1:
                        for (int i = 0; i < columns; i++) row[i] = (float)((rng.NextDouble() * 200) - 100);
                        break;
                    case 2:
                        for (int i = 0; i < columns; i++)
                        {
                            float v = BitConverter.Int32BitsToSingle(rng.Next() ^ (rng.Next(2) << 31));
                            row[i] = float.IsFinite(v) ? v : 1f;
                        }

                        break;
                    case 3:
                        for (int i = 0; i < columns; i++) row[i] = (float)Normal();
                        row[rng.Next(columns)] += (float)(20 + (40 * rng.NextDouble()));
                        break;
                    default:
                        for (int i = 0; i < columns; i++) row[i] = (float)(3 * Normal());
                        float top = float.NegativeInfinity;
                        foreach (float v in row) top = Math.Max(top, v);
                        for (int i = 0; i < columns; i++)
                        {
                            int pick = rng.Next(6);
                            if (pick == 0) row[i] = top;
                            else if (pick == 1) row[i] = top - 200;
                        }

                        break;
                }
            }
        }

        return x;
    }

    /// <summary>The same regions for double inputs.</summary>
    public static double[] Double(int count, int seed)
    {
        double[] specials = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon, double.MaxValue, double.MinValue, 1e-300, -1e-300, 1.0, -1.0];
        var x = new double[Math.Max(count, specials.Length)];
        specials.CopyTo(x, 0);
        var rng = new Random(seed);
        int third = (x.Length - specials.Length) / 3;
        int i = specials.Length;
        for (int k = 0; k < third; k++) x[i++] = BitConverter.Int64BitsToDouble(rng.NextInt64() ^ ((long)rng.Next(2) << 63));
        for (int k = 0; k < third; k++) x[i++] = (rng.NextDouble() * 40) - 20;
        for (; i < x.Length; i++) x[i] = (rng.NextDouble() * 1500) - 750;
        return x;
    }
}

/// <summary>Running maximum of ULP errors with the input that produced it, and the count above a bound.</summary>
public sealed class UlpStats(double bound = 4)
{
    /// <summary>Largest error seen.</summary>
    public double Max { get; private set; }

    /// <summary>Input of the largest error.</summary>
    public double WorstInput { get; private set; } = double.NaN;

    /// <summary>Number of errors above the bound.</summary>
    public long AboveBound { get; private set; }

    /// <summary>Number of measurements.</summary>
    public long Count { get; private set; }

    /// <summary>The bound counted by <see cref="AboveBound"/>.</summary>
    public double Bound => bound;

    /// <summary>Records one measurement.</summary>
    public void Add(double input, double error)
    {
        Count++;
        if (error > bound) AboveBound++;
        if (error > Max || double.IsNaN(WorstInput))
        {
            Max = Math.Max(Max, error);
            WorstInput = input;
        }
    }

    /// <summary>Folds another set of measurements into this one.</summary>
    public void Merge(UlpStats other)
    {
        Count += other.Count;
        AboveBound += other.AboveBound;
        if (other.Max > Max || (double.IsNaN(WorstInput) && other.Count > 0))
        {
            Max = other.Max;
            WorstInput = other.WorstInput;
        }
    }
}
