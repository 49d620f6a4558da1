using ActivationKit.Accuracy;
using ActivationKit.Functions;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Tests;

/// <summary>
/// Double inputs that used to miss the 4 ULP bound, against mpmath: snake′ and sin/cos beyond |x| = 2^40 (now reduced
/// by the Payne–Hanek reduction in VMath.Trig), gelu_tanh′ in its negative tail and sigmoid′ where the rounding of
/// 1 + e counted twice. Every row is [x, hi, lo] with the exact value hi + lo from tools/golden/gen_golden.py's
/// definitions (gen_golden.row, two working precisions agreeing). Each input is evaluated alone (the scalar path) and
/// as every element of a 19-element array (vector lanes and the tail), which must agree bit for bit.
/// </summary>
public class HardInputTests
{
    /// <summary>snake′ = 1 + sin 2x (α = 1): next to its zeros beyond 2^40 the old fallback was 65,000 ULP off.</summary>
    public static TheoryData<double, double, double> SnakeDerivativeValues() => Rows(
        [3141592653589.008, 1.545596148707735e-09, 7.36695198713415e-26],
        [-2873824767676.4517, 2.0696235086813727e-10, -3.952881919613901e-27],
        [-4.04319393137544E+260, 0.00010878595772621089, 4.7568106983810206e-21],
        [584600816451584.0, 0.057421281258708386, -1.54999262290005e-18],
        [5.319372648326541e+255, 1.0, -9.374331848509255e-19],
        [1e308, 0.19176731139989198, 9.85585607516084e-18]);

    /// <summary>snake (α = 1) at the same kind of inputs.</summary>
    public static TheoryData<double, double, double> SnakeValues() => Rows(
        [3141592653589.008, 3141592653589.508, 2.779924592064775e-05],
        [-2873824767676.4517, -2873824767675.9517, -1.0172569755148414e-05],
        [584600816451584.0, 584600816451584.4, -0.04199203497175028],
        [1e308, 1e308, 0.205568377599212]);

    /// <summary>sin and cos beyond 2^40, with the double nearest a multiple of π/2 (Kahan &amp; McDonald) first.</summary>
    public static TheoryData<double, double, double> SinValues() => Rows(
        [5.319372648326541e+255, 1.0, -1.098476220074687e-37],
        [1e22, -0.8522008497671888, -6.7806825896773284e-18],
        [1.7976931348623157e308, 0.004961954789184062, -2.5049377676494104e-19],
        [1099511627777.0, -0.9883112598106106, 4.9887054453120583e-17]);

    /// <summary>cos at the same inputs.</summary>
    public static TheoryData<double, double, double> CosValues() => Rows(
        [5.319372648326541e+255, -4.687165924254628e-19, 4.3720557429382733e-36],
        [1e22, 0.523214785395139, -4.7143201076575164e-17],
        [1.7976931348623157e308, -0.9999876894265599, -2.6032890267216748e-17],
        [1099511627777.0, -0.15244951207387902, -9.668684772214698e-18]);

    [Theory]
    [MemberData(nameof(SnakeDerivativeValues))]
    public void Snake_derivative_beyond_2_pow_40_is_within_1_ulp(double x, double hi, double lo) =>
        AssertUlp(new Snake(), x, hi, lo, derivative: true, bound: 1);

    [Theory]
    [MemberData(nameof(SnakeValues))]
    public void Snake_beyond_2_pow_40_is_within_1_ulp(double x, double hi, double lo) =>
        AssertUlp(new Snake(), x, hi, lo, derivative: false, bound: 1);

    [Theory]
    [MemberData(nameof(SinValues))]
    public void Sin_beyond_2_pow_40_is_within_1_ulp(double x, double hi, double lo) =>
        AssertUlp(new Sin(), x, hi, lo, derivative: false, bound: 1);

    [Theory]
    [MemberData(nameof(CosValues))]
    public void Cos_beyond_2_pow_40_is_within_1_ulp(double x, double hi, double lo) =>
        AssertUlp(new Sin(), x, hi, lo, derivative: true, bound: 1);

    [Theory]
    // α = 2 at 1.5e308: αx overflows, so (α/2)·x is reduced and doubled; 1 + sin 4x and x + sin²(2x)/2.
    [InlineData(2.0, 1.5e308, true, 0.6871818753527966, -1.5433687982511137e-17)]
    [InlineData(2.0, 1.5e308, false, 1.5e308, 0.4874532613079107)]
    // α = 0.3 (the double nearest): αx is carried exactly as u + uLo into the reduction.
    [InlineData(0.3, 3e300, true, 1.7339297873876656, -2.1604158500939293e-17)]
    public void Snake_with_alpha_beyond_2_pow_40_is_within_1_ulp(double alpha, double x, bool derivative, double hi, double lo) =>
        AssertUlp(new Snake(alpha), x, hi, lo, derivative, bound: 1);

    [Theory]
    // Up to 5.4 ULP before the negative branch (s < 0) was computed in double-double.
    [InlineData(-7.0, -2.765117350706602e-14, 1.331538809938566e-30)]
    [InlineData(-5.476113773060007, -5.6018037942906424e-08, -7.808103160579081e-25)]
    public void Gelu_tanh_derivative_in_the_negative_tail_is_within_1_ulp(double x, double hi, double lo) =>
        AssertUlp(new GeluTanh(), x, hi, lo, derivative: true, bound: 1);

    [Theory]
    // 4.49 and 4.74 ULP before the rounding of 1 + e was carried (now 1.49 and 1.74; the sweep maximum is 2.53).
    [InlineData(-2.661370380942344, 0.06102865138530045, -3.4203221824293366e-18)]
    [InlineData(3.428101315980406, 0.030440916703219446, 9.022678722965819e-19)]
    public void Sigmoid_derivative_is_within_2_ulp(double x, double hi, double lo) =>
        AssertUlp(new Sigmoid(), x, hi, lo, derivative: true, bound: 2);

    [Theory]
    // x, quadrant and r = x − k·π/2 (mpmath at 3000 bits); the first is the double closest to a multiple of π/2.
    [InlineData(5.319372648326541e+255, 1, 4.687165924254628e-19, -4.3720557429382733e-36)]
    [InlineData(1.7976931348623157e308, 2, -0.004961975150787273, -3.656438180407946e-19)]
    [InlineData(-1e22, 1, -0.5506189342358097, 7.985621383147488e-18)]
    public void Payne_Hanek_reduction_matches_mpmath(double x, int quadrant, double hi, double lo)
    {
        double rHi = VMath.ReduceHalfPiExact(x, 0, false, out double rLo, out int q);
        Assert.Equal(quadrant, q);
        Assert.Equal(hi, rHi);
        Assert.True(Math.Abs((rLo - lo) / hi) < 1e-30, $"low part {rLo:R}, exact {lo:R}");
    }

    [Fact]
    public void Payne_Hanek_reduction_folds_in_a_quarter_turn_exactly()
    {
        // 3141592653589.008 + π/4 = k·π/2 + r with k ≡ 0 (mod 4), r = −2.7799245934969888e−05 + 7.9e−22 (mpmath).
        double rHi = VMath.ReduceHalfPiExact(3141592653589.008, 0, true, out double rLo, out int q);
        Assert.Equal(0, q);
        Assert.Equal(-2.7799245934969888e-05, rHi);
        Assert.True(Math.Abs((rLo - 7.888885807402484e-22) / rHi) < 1e-30, $"low part {rLo:R}");
    }

    [Fact]
    public void Payne_Hanek_reduction_agrees_with_the_vector_reduction_below_2_pow_40()
    {
        var rng = new Random(20260101);
        for (int i = 0; i < 20000; i++)
        {
            double x = Math.ScaleB(1 + rng.NextDouble(), rng.Next(1, 40)) * (rng.Next(2) == 0 ? -1 : 1);
            bool half = (i & 1) != 0;
            // The vector path: n = round(x·2/π) (for x + π/4: n = m − 1/2 with m = round(x·2/π + 1/2)).
            double m = Math.Round(Math.FusedMultiplyAdd(x, 0.6366197723675814, half ? 0.5 : 0.0), MidpointRounding.ToEven);
            double vHi = VMath.ReduceHalfPi(new S<double>(x), S<double>.Zero, new S<double>(half ? m - 0.5 : m), out var vLo).Value;
            double pHi = VMath.ReduceHalfPiExact(x, 0, half, out double pLo, out int q);
            // Where x·2/π rounds the other way the two differ by π/2 in r; both are valid reductions.
            if (Math.Abs(vHi) > 0.785) continue;
            Assert.Equal((int)(((m % 4) + 4) % 4), q);
            Assert.True(Math.Abs(((vHi - pHi) + (vLo.Value - pLo)) / pHi) < 1e-28, $"x = {x:R}: vector {vHi:R} + {vLo.Value:R}, Payne–Hanek {pHi:R} + {pLo:R}");
        }
    }

    private static TheoryData<double, double, double> Rows(params double[][] rows)
    {
        var data = new TheoryData<double, double, double>();
        foreach (var r in rows) data.Add(r[0], r[1], r[2]);
        return data;
    }

    private static void AssertUlp(ElementwiseActivation f, double x, double hi, double lo, bool derivative, double bound)
    {
        double one = Evaluate(f, [x], derivative)[0];
        var many = Evaluate(f, Enumerable.Repeat(x, 19).ToArray(), derivative);
        Assert.All(many, v => Assert.Equal(BitConverter.DoubleToInt64Bits(one), BitConverter.DoubleToInt64Bits(v)));
        double err = Ulp.Double(one, hi, lo);
        Assert.True(err <= bound, $"{f.Info.Name}{(derivative ? "′" : "")}({x:R}) = {one:R}, exact {hi:R} + {lo:R}: {err:F3} ULP");
    }

    private static double[] Evaluate(ElementwiseActivation f, double[] x, bool derivative)
    {
        var result = new double[x.Length];
        if (derivative) f.Backward(x, Enumerable.Repeat(1.0, x.Length).ToArray(), result);
        else f.Forward(x, result);
        return result;
    }
}
