namespace ActivationKit.Accuracy;

/// <summary>
/// Float rows on which the softmax family's reductions would show a dependence on the register width if they had
/// one: the inputs of the cross-path bit-identity checks (<c>actkit row-hashes</c>, run by the ISA-matrix test under
/// every DOTNET_Enable* setting, and the in-process comparison of the register widths in the library's tests).
/// </summary>
/// <remarks>
/// The first two sets are those on which the lane-by-lane sums of earlier versions gave different bits on different
/// paths (docs/accuracy.md): rows of 1,000 Normal(0, σ) values, and rows of 33 uniform on [−100, 100] with dy uniform
/// on [−1, 1] drawn in turn from <c>Random(42)</c>, and three rows of 4,000 on which log_softmax differed. Then every row length from 1 to 70 and a few long ones, each with
/// <see cref="AccuracySamples.Rows"/>'s five kinds and rows that take the other paths: a maximum above 300 or below
/// −150, −∞ entries, a difference v − m that overflows, ±∞ and NaN entries, a row of −∞, and rows whose maximum lies
/// far after their first 128 entries.
/// </remarks>
internal static class SoftmaxWidthRows
{
    /// <summary>One set of rows: a name, the row length, the inputs and a dy for the gradients.</summary>
    public sealed record Set(string Name, int Columns, float[] X, float[] Dy);

    /// <summary>The row lengths beyond 1–70.</summary>
    private static readonly int[] LongLengths = [100, 129, 1000, 4000];

    /// <summary>
    /// The sets; <paramref name="scale"/> (0 &lt; scale ≤ 1) keeps that fraction of the rows of the two large sets (the
    /// whole of both at 1), for checks that must stay quick on slow paths.
    /// </summary>
    public static IEnumerable<Set> All(double scale = 1.0)
    {
        yield return NormalRows(Math.Max(4, (int)(2000 * scale)));
        yield return UniformRows(Math.Max(4, (int)(2000 * scale)));
        yield return LogWitnessRows();
        for (int n = 1; n <= 70; n++) yield return Lengths(n, 4);
        foreach (int n in LongLengths) yield return Lengths(n, n >= 1000 ? 2 : 4);
    }

    /// <summary>Rows of 1,000 Normal(0, σ) values, σ cycling through 1, 3, 10 and 30; dy uniform on [−1, 1].</summary>
    private static Set NormalRows(int rows)
    {
        const int columns = 1000;
        var rng = new Random(7);
        var x = new float[rows * columns];
        var sigmas = new[] { 1.0, 3.0, 10.0, 30.0 };
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < columns; i++) x[(r * columns) + i] = (float)(sigmas[r % 4] * Normal(rng));
        }

        return new Set("normal1000", columns, x, Uniform(x.Length, 1.0, new Random(8)));
    }

    /// <summary>Rows of 33: x uniform on [−100, 100] and dy uniform on [−1, 1], drawn in turn from Random(42).</summary>
    private static Set UniformRows(int rows)
    {
        const int columns = 33;
        var rng = new Random(42);
        var x = new float[rows * columns];
        var dy = new float[rows * columns];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)((rng.NextDouble() * 200) - 100);
            dy[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return new Set("uniform33", columns, x, dy);
    }

    /// <summary>
    /// Three rows of 4,000 Normal(0, 3) values, each drawn from <c>Random(seed)</c> with a seed found by search: the
    /// lane-by-lane sums of earlier versions gave log_softmax different bits on the scalar path (355, 267 and 92 of
    /// their outputs), about one row in 200,000 of this kind.
    /// </summary>
    private static Set LogWitnessRows()
    {
        const int columns = 4000;
        int[] seeds = [407342, 557326, 604351];
        var x = new float[seeds.Length * columns];
        for (int r = 0; r < seeds.Length; r++)
        {
            var rng = new Random(seeds[r]);
            // Written out as the search drew them (3·√… then ·cos, not 3·(√…·cos)), for the same floats.
            for (int i = 0; i < columns; i++) x[(r * columns) + i] = (float)(3 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        }

        return new Set("log4000", columns, x, Uniform(x.Length, 1.0, new Random(9)));
    }

    /// <summary>Rows of length n: the accuracy rows' five kinds, and the special rows.</summary>
    private static Set Lengths(int n, int rowsPerKind)
    {
        var rng = new Random(1000 + n);
        var rows = new List<float[]>();
        var common = AccuracySamples.Rows(n, rowsPerKind, 2000 + n);
        for (int at = 0; at < common.Length; at += n) rows.Add(common.AsSpan(at, n).ToArray());

        float[] NormalRow(double sigma)
        {
            var row = new float[n];
            for (int i = 0; i < n; i++) row[i] = (float)(sigma * Normal(rng));
            return row;
        }

        // Maxima outside the scaled frames' [−150, 300] (the exact-shift path), on both sides.
        foreach (double shift in new[] { 301.0, 1e4, -151.0, -3e4 })
        {
            var row = NormalRow(3);
            for (int i = 0; i < n; i++) row[i] += (float)shift;
            rows.Add(row);
        }

        // A maximum far above the others, placed late: the guessed passes' reach, re-sum and decline (100 to 280: an
        // exponent past what two power-of-two steps reach, which once wrapped on the paths without VSCALEF).
        foreach (double lead in new[] { 3.0, 6.0, 30.0, 60.0, 100.0, 200.0, 280.0 })
        {
            var row = NormalRow(1);
            row[n - 1 - rng.Next((n + 1) / 2)] += (float)lead;
            rows.Add(row);
        }

        // −∞ entries (masked positions), and entries far below the maximum.
        {
            var row = NormalRow(10);
            for (int i = 0; i < n; i++)
            {
                int pick = rng.Next(4);
                if (pick == 0) row[i] = float.NegativeInfinity;
                else if (pick == 1) row[i] -= 180f;
            }

            row[rng.Next(n)] = 5f;
            rows.Add(row);
        }

        // A difference v − m that overflows, and a huge maximum (the double rows or the exact shift).
        {
            var row = NormalRow(1);
            row[rng.Next(n)] = 3e38f;
            row[rng.Next(n)] = -3e38f;
            rows.Add(row);
            row = NormalRow(1);
            row[rng.Next(n)] = 1e30f;
            rows.Add(row);
        }

        // ±∞ and NaN entries, and a row of −∞ (the double rows).
        foreach (float special in new[] { float.PositiveInfinity, float.NaN })
        {
            var row = NormalRow(3);
            row[rng.Next(n)] = special;
            rows.Add(row);
        }

        var masked = new float[n];
        Array.Fill(masked, float.NegativeInfinity);
        rows.Add(masked);

        var x = rows.SelectMany(r => r).ToArray();
        return new Set($"c{n}", n, x, Uniform(x.Length, 1.0, rng));
    }

    private static float[] Uniform(int count, double half, Random rng)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(((rng.NextDouble() * 2) - 1) * half);
        return v;
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
