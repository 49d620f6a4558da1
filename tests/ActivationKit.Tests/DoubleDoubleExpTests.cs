using System.Globalization;
using ActivationKit.Kernels;
using ActivationKit.Simd;
using Xunit.Abstractions;

namespace ActivationKit.Tests;

/// <summary>
/// <see cref="DoubleDoubleExp{TV}.ExpPair"/>, the softmax gradients' exponential (their ExpPairScaled with k = 0; two
/// registers at once, each holding different arguments), and <see cref="VMath.ExpDoubleDouble{TV}"/> (one register through it) against mpmath
/// (RowGolden/exp_double_double.txt, written by tools/golden/softmax_gradient_golden.py): e^(x + lo) as hi + low within
/// 2^−102 of the exact value relative, plus the lo²/2 the factor 1 + lo leaves out (2^−96 at x = 709.7 with
/// lo = 2^−53·x; the softmax rows' lo that large come with e^x tiny against the row's sum), 2^−1073 absolute where it is
/// subnormal; the same bits at every register width, whichever lane and register of the pair a value is in. And
/// <see cref="DoubleDoubleExp{TV}.ExpPairScaled"/>, e^(x + lo)·2^k for x from −1500 to −670 (exp_double_double_scaled.txt).
/// </summary>
public class DoubleDoubleExpTests(ITestOutputHelper output)
{
    [Fact]
    public void Double_double_exponential_is_within_2_to_the_minus_102_of_mpmath_at_every_width()
    {
        var rows = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "RowGolden", "exp_double_double.txt"))
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        var x = rows.Select(r => r[0]).ToArray();
        var lo = rows.Select(r => r[1]).ToArray();
        var (hi, low) = Run<V512<double>>(x, lo);
        // The pair's other register (rotated by one register, so each value meets other neighbours) and the one-register
        // entry point too.
        var rotated = (x.Skip(8).Concat(x.Take(8)).ToArray(), lo.Skip(8).Concat(lo.Take(8)).ToArray());
        foreach (var (h, l) in new[] { Run<V256<double>>(x, lo), Run<V128<double>>(x, lo), Run<S<double>>(x, lo), Run<V512<double>>(x.Skip(3).Concat(x.Take(3)).ToArray(), lo.Skip(3).Concat(lo.Take(3)).ToArray(), rotate: 3), Run<V512<double>>(rotated.Item1, rotated.Item2, rotate: 8), RunSingle<V256<double>>(x, lo), RunSingle<S<double>>(x, lo) })
        {
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(h[i]) == BitConverter.DoubleToInt64Bits(hi[i]) && BitConverter.DoubleToInt64Bits(l[i]) == BitConverter.DoubleToInt64Bits(low[i]), $"x = {x[i]:R}: {h[i]:R} + {l[i]:R} against {hi[i]:R} + {low[i]:R} on Vector512");
            }
        }

        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = rows[i][2];
            // (hi − exact_hi) and (low − exact_lo) are exact (each pair within a factor of 2, or both tiny).
            double error = Math.Abs(((hi[i] - exact) + (low[i] - rows[i][3])) - rows[i][4]);
            double bound = Math.Max(exact * (Math.ScaleB(1.0, -102) + (lo[i] * lo[i])), Math.ScaleB(1.0, -1073));
            if (lo[i] * lo[i] < Math.ScaleB(1.0, -104)) worst = Math.Max(worst, error / exact);
            Assert.True(error <= bound, $"e^({x[i]:R} + {lo[i]:R}) = {hi[i]:R} + {low[i]:R}, exactly {exact:R} + {rows[i][3]:R}: 2^{Math.Log2(error / exact):F1} relative");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"at most 2^{Math.Log2(worst):F2} relative over the {x.Length} arguments with lo² below 2^−104"));
    }

    [Fact]
    public void Double_double_exponential_keeps_the_ends_of_its_range()
    {
        Assert.Equal(double.PositiveInfinity, VMath.ExpDoubleDouble(new S<double>(709.8), new S<double>(0), out _).Value);
        Assert.Equal(0.0, VMath.ExpDoubleDouble(new S<double>(-800), new S<double>(0), out var low).Value);
        Assert.Equal(0.0, low.Value);
        Assert.True(double.IsNaN(VMath.ExpDoubleDouble(new S<double>(double.NaN), new S<double>(0), out _).Value));
        Assert.Equal(1.0, VMath.ExpDoubleDouble(new S<double>(0), new S<double>(0), out low).Value);
        Assert.Equal(0.0, low.Value);
    }

    [Fact]
    public void Scaled_exponential_keeps_far_arguments_within_2_to_the_minus_102_at_every_width()
    {
        var rows = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "RowGolden", "exp_double_double_scaled.txt"))
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        var x = rows.Select(r => r[0]).ToArray();
        var lo = rows.Select(r => r[1]).ToArray();
        var k = rows.Select(r => r[2]).ToArray();
        var (hi, low) = Run<V512<double>>(x, lo, k: k);
        foreach (var (h, l) in new[] { Run<V256<double>>(x, lo, k: k), Run<V128<double>>(x, lo, k: k), Run<S<double>>(x, lo, k: k) })
        {
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(h[i]) == BitConverter.DoubleToInt64Bits(hi[i]) && BitConverter.DoubleToInt64Bits(l[i]) == BitConverter.DoubleToInt64Bits(low[i]), $"x = {x[i]:R}: {h[i]:R} + {l[i]:R} against {hi[i]:R} + {low[i]:R} on Vector512");
            }
        }

        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = rows[i][3];
            double error = Math.Abs(((hi[i] - exact) + (low[i] - rows[i][4])) - rows[i][5]);
            double bound = exact * (Math.ScaleB(1.0, -102) + (lo[i] * lo[i]));
            if (lo[i] * lo[i] < Math.ScaleB(1.0, -104)) worst = Math.Max(worst, error / exact);
            Assert.True(error <= bound, $"e^({x[i]:R} + {lo[i]:R})·2^{k[i]} = {hi[i]:R} + {low[i]:R}, exactly {exact:R}: 2^{Math.Log2(error / exact):F1} relative");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"at most 2^{Math.Log2(worst):F2} relative over the {x.Length} scaled arguments with lo² below 2^−104"));
    }

    /// <summary>
    /// Whole registers in pairs through <see cref="DoubleDoubleExp{TV}.ExpPair"/> (or ExpPairScaled with the powers
    /// <paramref name="k"/>) over a copy padded with zeros; the results rotated back when the inputs were.
    /// </summary>
    private static (double[] Hi, double[] Low) Run<TV>(double[] x, double[] lo, int rotate = 0, double[]? k = null) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        int padded = (n + (2 * TV.Count) - 1) / (2 * TV.Count) * 2 * TV.Count;
        var xs = new double[padded];
        var los = new double[padded];
        var ks = new double[padded];
        x.CopyTo(xs, 0);
        lo.CopyTo(los, 0);
        k?.CopyTo(ks, 0);
        var hi = new double[padded];
        var low = new double[padded];
        ref readonly var exp = ref DoubleDoubleExp<TV>.Shared;
        for (int i = 0; i < padded; i += 2 * TV.Count)
        {
            int j = i + TV.Count;
            TV h0, l0, h1, l1;
            if (k is null)
            {
                h0 = exp.ExpPair(Lanes.Load<TV, double>(ref xs[i]), Lanes.Load<TV, double>(ref los[i]), Lanes.Load<TV, double>(ref xs[j]), Lanes.Load<TV, double>(ref los[j]), out l0, out h1, out l1);
            }
            else
            {
                h0 = exp.ExpPairScaled(Lanes.Load<TV, double>(ref xs[i]), Lanes.Load<TV, double>(ref los[i]), Lanes.Load<TV, double>(ref ks[i]), Lanes.Load<TV, double>(ref xs[j]), Lanes.Load<TV, double>(ref los[j]), Lanes.Load<TV, double>(ref ks[j]), out l0, out h1, out l1);
            }

            Lanes.Store(h0, ref hi[i]);
            Lanes.Store(l0, ref low[i]);
            Lanes.Store(h1, ref hi[j]);
            Lanes.Store(l1, ref low[j]);
        }

        return Unrotate(hi, low, n, rotate);
    }

    /// <summary>One register at a time through <see cref="VMath.ExpDoubleDouble{TV}"/>.</summary>
    private static (double[] Hi, double[] Low) RunSingle<TV>(double[] x, double[] lo) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        int padded = (n + TV.Count - 1) / TV.Count * TV.Count;
        var xs = new double[padded];
        var los = new double[padded];
        x.CopyTo(xs, 0);
        lo.CopyTo(los, 0);
        var hi = new double[padded];
        var low = new double[padded];
        for (int i = 0; i < padded; i += TV.Count)
        {
            var h = VMath.ExpDoubleDouble(Lanes.Load<TV, double>(ref xs[i]), Lanes.Load<TV, double>(ref los[i]), out var l);
            Lanes.Store(h, ref hi[i]);
            Lanes.Store(l, ref low[i]);
        }

        return Unrotate(hi, low, n, 0);
    }

    private static (double[] Hi, double[] Low) Unrotate(double[] hi, double[] low, int n, int rotate)
    {
        var outHi = hi.Take(n).ToArray();
        var outLow = low.Take(n).ToArray();
        if (rotate == 0) return (outHi, outLow);
        return (outHi.Skip(n - rotate).Concat(outHi.Take(n - rotate)).ToArray(), outLow.Skip(n - rotate).Concat(outLow.Take(n - rotate)).ToArray());
    }
}
