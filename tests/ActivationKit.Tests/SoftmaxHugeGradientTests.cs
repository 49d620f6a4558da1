using System.Security.Cryptography;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Numerics;
using Xunit.Abstractions;

namespace ActivationKit.Tests;

/// <summary>
/// Float softmax, softmin and log-softmax gradients with dy near the float maximum on both sides: dy_i − ⟨dy, y⟩ may
/// exceed the floats while dx_i = y_i·(dy_i − ⟨dy, y⟩) does not (y_i ≤ 1). Each crafted row sits among ordinary rows,
/// in calls whose row lengths take every path (the AVX-512 tiled rows of 1–16, the gathered blocks, one row at a time),
/// and is compared with a double reference; the ordinary rows keep the bits they have alone.
/// </summary>
public class SoftmaxHugeGradientTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string fn in new[] { "softmax", "softmin", "log_softmax" })
        {
            foreach (int n in new[] { 1, 2, 3, 4, 5, 8, 10, 16, 17, 33, 100, 1000 }) data.Add(fn, n);
        }

        return data;
    }

    /// <summary>The crafted dy of a row of <paramref name="n"/>: entries near ±3.4e38 of alternating sign (the first kinds) or random.</summary>
    private static float[] HugeDy(int n, int kind, Random rng)
    {
        var dy = new float[n];
        for (int j = 0; j < n; j++)
        {
            dy[j] = kind switch
            {
                0 => j % 2 == 0 ? float.MaxValue : float.MinValue,
                1 => j % 2 == 0 ? -3e38f : 3e38f,
                2 => j == 0 ? -3e38f : 3e38f,
                _ => (float)((0.5 + (0.5 * rng.NextDouble())) * 3.4e38 * (rng.Next(2) == 0 ? 1 : -1)),
            };
        }

        return dy;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Huge_dy_of_both_signs_gives_the_finite_gradient_from_the_output(string fn, int n)
    {
        var f = ActivationCatalog.Create(fn);
        double sign = fn == "softmin" ? -1 : 1;
        var rng = new Random(n);
        const int rows = 37;
        double worst = 0;
        for (int kind = 0; kind < 4; kind++)
        {
            var x = new float[rows * n];
            var dy = new float[rows * n];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (float)(rng.NextDouble() * 6) - 3;
                dy[i] = (float)(rng.NextDouble() - 0.5);
            }

            // Row 11 crafted; for softmax, also a row with one entry far above the rest (y = [1, tiny, …]).
            const int crafted = 11;
            HugeDy(n, kind, rng).CopyTo(dy, crafted * n);
            if (n > 1) x[(crafted * n) + 1] = 40f;
            var y = new float[x.Length];
            f.Forward(x, y, n);
            var dx = new float[x.Length];
            f.BackwardFromOutput(y, dy, dx, n);

            var yRow = y.AsSpan(crafted * n, n).ToArray();
            var dyRow = dy.AsSpan(crafted * n, n).ToArray();
            var expected = fn == "log_softmax" ? LogReferenceFromOutput(yRow, dyRow) : ReferenceFromOutput(yRow, dyRow, sign);
            for (int i = 0; i < n; i++)
            {
                float got = dx[(crafted * n) + i];
                double u = Ulp.Float(got, expected[i]);
                worst = Math.Max(worst, u);
                Assert.True(u <= 1, $"{fn} n={n} kind {kind} [{i}]: y = {yRow[i]:R}, dy = {dyRow[i]:R}: {got:R}, reference {expected[i]:R} ({u:F2} ULP)");
            }

            // Every other row as alone, and the whole call in place over dy and over y.
            for (int r = 0; r < rows; r++)
            {
                if (r == crafted) continue;
                var alone = new float[n];
                f.BackwardFromOutput(y.AsSpan(r * n, n), dy.AsSpan(r * n, n), alone, n);
                Assert.Equal(Bits(alone), Bits(dx.AsSpan(r * n, n).ToArray()));
            }

            var overDy = (float[])dy.Clone();
            f.BackwardFromOutput(y, overDy, overDy, n);
            Assert.Equal(Bits(dx), Bits(overDy));
            var overY = (float[])y.Clone();
            f.BackwardFromOutput(overY, dy, overY, n);
            Assert.Equal(Bits(dx), Bits(overY));
            output.WriteLine($"{fn} n={n} kind {kind}: sha256 {Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(dx.AsSpan())))[..16]}");
        }

        output.WriteLine($"{fn} n={n}: worst {worst:F3} ULP");
    }

    public static TheoryData<string, int> SoftmaxCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var row in Cases().Where(r => (string)r[0] != "log_softmax")) data.Add((string)row[0], (int)row[1]);
        return data;
    }

    [Theory]
    [MemberData(nameof(SoftmaxCases))]
    public void Huge_dy_of_both_signs_gives_the_finite_gradient_from_the_input(string fn, int n)
    {
        // The backward from the input forms dy − ⟨dy, p⟩ in double lanes for rows up to 65,536 entries: the same rows,
        // for comparison. (Log-softmax's from the input is left out: its R = Σ(dy − c·e) rounds each term, and where
        // the other entries' dy cancel each other, as kind 2 of three entries does, the dominant entry's dx loses them.)
        var f = ActivationCatalog.Create(fn);
        var rng = new Random(n);
        for (int kind = 0; kind < 4; kind++)
        {
            var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 6) - 3).ToArray();
            if (n > 1) x[1] = 40f;
            var dy = HugeDy(n, kind, rng);
            var dx = new float[n];
            f.Backward(x, dy, dx, n);
            var expected = new double[n];
            var xd = x.Select(v => (double)v).ToArray();
            var dyd = dy.Select(v => (double)v).ToArray();
            if (fn == "softmin") ReferenceMath.SoftmaxBackwardRow(xd.Select(v => -v).ToArray(), dyd, expected, -1.0);
            else ReferenceMath.SoftmaxBackwardRow(xd, dyd, expected);
            for (int i = 0; i < n; i++)
            {
                double u = Ulp.Float(dx[i], expected[i]);
                Assert.True(u <= 1, $"{fn} n={n} kind {kind} [{i}]: x = {x[i]:R}, dy = {dy[i]:R}: {dx[i]:R}, reference {expected[i]:R} ({u:F2} ULP)");
            }
        }
    }

    [Theory]
    [InlineData("softmax", 2e18)]
    [InlineData("softmax", 3e38)]
    [InlineData("softmin", 1e20)]
    [InlineData("softmin", 3e38)]
    [InlineData("log_softmax", 3e38)]
    public void A_long_row_with_huge_dy_gives_the_finite_gradient_from_the_input_and_the_output(string fn, double scale)
    {
        // Rows longer than the kept exponentials (65,536) take a float pass from the input whose t·u overflowed from
        // |dy| ≈ 2^61 (dy of ±1e20: NaN and ∞ at every entry); from the output, the row's ⟨dy, y⟩ decides as above.
        int n = 70_000;
        var rng = new Random(3);
        var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 6) - 3).ToArray();
        x[5] = 30f;
        var dy = Enumerable.Range(0, n).Select(j => (float)(scale * (j % 2 == 0 ? 1 : -1) * (0.5 + (0.5 * rng.NextDouble())))).ToArray();
        var f = ActivationCatalog.Create(fn);
        var dx = new float[n];
        f.Backward(x, dy, dx, n);
        var expected = new double[n];
        var xd = x.Select(v => (double)v).ToArray();
        var dyd = dy.Select(v => (double)v).ToArray();
        if (fn == "log_softmax") ReferenceMath.LogSoftmaxBackwardRow(xd, dyd, expected);
        else if (fn == "softmin") ReferenceMath.SoftmaxBackwardRow(xd.Select(v => -v).ToArray(), dyd, expected, -1.0);
        else ReferenceMath.SoftmaxBackwardRow(xd, dyd, expected);
        for (int i = 0; i < n; i++)
        {
            double u = Ulp.Float(dx[i], expected[i]);
            Assert.True(u <= 1, $"{fn} from the input [{i}]: x = {x[i]:R}, dy = {dy[i]:R}: {dx[i]:R}, reference {expected[i]:R} ({u:F2} ULP)");
        }

        // From the output, dy near 3e38 puts ⟨dy, y⟩ beyond 2^103: the row is formed in double lanes. (Smaller dy keep
        // the float pass, which holds ⟨dy, y⟩ as two floats: not within 1 ULP where dy − ⟨dy, y⟩ cancels at a dominant y.)
        if (scale < 1e38) return;
        var y = new float[n];
        f.Forward(x, y, n);
        f.BackwardFromOutput(y, dy, dx, n);
        expected = fn == "log_softmax" ? LogReferenceFromOutput(y, dy) : ReferenceFromOutput(y, dy, fn == "softmin" ? -1 : 1);
        for (int i = 0; i < n; i++)
        {
            double u = Ulp.Float(dx[i], expected[i]);
            Assert.True(u <= 1, $"{fn} from the output [{i}]: y = {y[i]:R}, dy = {dy[i]:R}: {dx[i]:R}, reference {expected[i]:R} ({u:F2} ULP)");
        }
    }

    /// <summary>sign·y_i·(dy_i − ⟨dy, y⟩) in double: the products of floats are exact, their sum a double-double.</summary>
    private static double[] ReferenceFromOutput(float[] y, float[] dy, double sign)
    {
        var (hi, lo) = ExactSum(y.Select((v, i) => (double)v * dy[i]));
        return y.Select((v, i) => sign * v * Minus(dy[i], hi, lo)).ToArray();
    }

    /// <summary>
    /// dy_i − e^(y_i)·T = (dy_i − T) − (e^(y_i) − 1)·T in double, T = Σdy a double-double (exact for floats): e^y − 1
    /// keeps the dominant entry's y near 0, where e^y rounds to 1.
    /// </summary>
    private static double[] LogReferenceFromOutput(float[] y, float[] dy)
    {
        var (hi, lo) = ExactSum(dy.Select(v => (double)v));
        return y.Select((v, i) => Minus(dy[i], hi, lo) - (ReferenceMath.Expm1(v) * (hi + lo))).ToArray();
    }

    /// <summary>d − (hi + lo) rounded about once: a two-sum of d and −hi, then the low parts.</summary>
    private static double Minus(double d, double hi, double lo)
    {
        double s = d - hi;
        double bp = s - d;
        double err = (d - (s - bp)) + (-hi - bp);
        return s + (err - lo);
    }

    private static (double Hi, double Lo) ExactSum(IEnumerable<double> terms)
    {
        double hi = 0, lo = 0;
        foreach (double t in terms)
        {
            double s = hi + t;
            double bp = s - hi;
            lo += (hi - (s - bp)) + (t - bp);
            hi = s;
        }

        return (hi + lo, lo - ((hi + lo) - hi));
    }

    private static int[] Bits(float[] v) => v.Select(BitConverter.SingleToInt32Bits).ToArray();
}
