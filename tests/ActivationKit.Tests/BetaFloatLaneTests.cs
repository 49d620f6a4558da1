using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Functions;

namespace ActivationKit.Tests;

/// <summary>
/// Swish x·σ(βx) and softplus ln(1 + e^βx)/β for float data with β ≠ 1 run float lanes of their own (βx as a float
/// pair, float tails beyond x = −86/β and |x| = 80/β for swish, −40/β and −86/β for softplus): within the 4-ULP bound
/// against the double reference on every region, the same bits in one call and element by element, in place and not,
/// and the limits at ±∞, ±0 and NaN.
/// </summary>
public class BetaFloatLaneTests
{
    /// <summary>β from the range's ends to either side of 1, and gelu_sigmoid's 1.702.</summary>
    private static readonly double[] BetaValues = [0.5, 2.0, 1.702, 30.0, 0.01, 65536.0, 1.0 / 65536, 1.0000001, 0.9999999];

    public static TheoryData<double> Betas => new(BetaValues);

    public static TheoryData<string> Specs()
    {
        var specs = new TheoryData<string>();
        foreach (double beta in BetaValues)
        {
            specs.Add(FormattableString.Invariant($"silu(beta={beta:R})"));
            specs.Add(FormattableString.Invariant($"softplus(beta={beta:R})"));
        }

        specs.Add("softplus(beta=3,threshold=inf)");
        specs.Add("softplus(beta=0.25,threshold=18)");
        return specs;
    }

    private static double BetaOf(ElementwiseActivation f) => f is Silu s ? s.Beta : ((Softplus)f).Beta;

    /// <summary>Inputs around every place the kernel changes formula or clamps, plus a spread over the whole range.</summary>
    private static float[] Inputs(double beta)
    {
        var values = new List<float>();
        var random = new Random(7);
        foreach (double z in new[] { 0.0, -1.2784645427610738, -16, -40, -80, -85, -86, -87, -100, -150, -192, -200, -250, 14.6, 17, 18, 20, 40, 80, 85, 86, 100, 200 })
        {
            // Points in βx, spread over ±2 % of each and a few ULP either side of it.
            float at = (float)(z / beta);
            values.Add(at);
            for (int k = 1; k <= 4; k++)
            {
                values.Add(MathF.BitIncrement(at));
                values.Add(MathF.BitDecrement(at));
                at = MathF.BitIncrement(at);
            }

            for (int i = 0; i < 200; i++) values.Add((float)((z + ((random.NextDouble() - 0.5) * (0.04 * Math.Max(1, Math.Abs(z))))) / beta));
        }

        for (int i = 0; i < 20000; i++)
        {
            // Log-uniform magnitudes over the whole float range, both signs, and uniform βx in [−120, 40].
            values.Add((float)((random.Next(2) == 0 ? -1 : 1) * Math.Pow(2, (random.NextDouble() * 254) - 126)));
            values.Add((float)(((random.NextDouble() * 160) - 120) / beta));
        }

        values.AddRange([0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, -float.MaxValue, float.PositiveInfinity, float.NegativeInfinity]);
        return [.. values];
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Float_results_are_within_the_bound_and_the_same_in_one_call_and_one_at_a_time(string spec)
    {
        var f = (ElementwiseActivation)ActivationCatalog.Create(spec);
        var x = Inputs(BetaOf(f));
        var y = new float[x.Length];
        var dx = new float[x.Length];
        var ones = Enumerable.Repeat(1f, x.Length).ToArray();
        f.Forward(x, y);
        f.Backward(x, ones, dx);
        var one = new float[1];
        for (int i = 0; i < x.Length; i++)
        {
            double fwd = AccuracyMeter.ForwardError(f, x[i], y[i]);
            double bwd = AccuracyMeter.BackwardError(f, x[i], dx[i]);
            Assert.True(fwd <= AccuracyMeter.UlpBound, $"{spec}({x[i]:R}) = {y[i]:R}: {fwd} ULP");
            Assert.True(bwd <= AccuracyMeter.UlpBound, $"{spec}′({x[i]:R}) = {dx[i]:R}: {bwd} ULP");

            // One element at a time takes the scalar path: the same bits.
            f.Forward(x.AsSpan(i, 1), one);
            Assert.Equal(BitConverter.SingleToInt32Bits(y[i]), BitConverter.SingleToInt32Bits(one[0]));
            f.Backward(x.AsSpan(i, 1), ones.AsSpan(i, 1), one);
            Assert.Equal(BitConverter.SingleToInt32Bits(dx[i]), BitConverter.SingleToInt32Bits(one[0]));
        }

        // In place (the marks found per register, not after the loop): the same bits.
        var inPlace = (float[])x.Clone();
        f.Forward(inPlace, inPlace);
        Assert.Equal(y, inPlace);
        var dyInPlace = (float[])ones.Clone();
        f.Backward(x, dyInPlace, dyInPlace);
        Assert.Equal(dx, dyInPlace);
    }

    [Theory]
    [MemberData(nameof(Betas))]
    public void Swish_limits_and_special_values(double beta)
    {
        var f = new Silu(beta);
        float[] x = [float.NaN, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, -float.MaxValue, float.MaxValue];
        var y = new float[x.Length];
        f.Forward(x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.True(y[1] == 0 && !float.IsNegative(y[1]), "silu(+0) = +0");
        Assert.True(y[2] == 0 && float.IsNegative(y[2]), "silu(−0) = −0");
        Assert.Equal(float.PositiveInfinity, y[3]);
        Assert.True(y[4] == 0 && float.IsNegative(y[4]), "silu(−∞) = −0");
        Assert.True(y[5] == 0 && float.IsNegative(y[5]), "silu(−max) = −0");
        Assert.Equal(float.MaxValue, y[6]);

        var dx = new float[x.Length];
        f.Backward(x, Enumerable.Repeat(2f, x.Length).ToArray(), dx);
        Assert.True(float.IsNaN(dx[0]));
        Assert.Equal(1f, dx[1]);
        Assert.Equal(1f, dx[2]);
        Assert.Equal(2f, dx[3]);
        Assert.True(dx[4] == 0 && float.IsNegative(dx[4]), "2·silu′(−∞) = −0");
        Assert.Equal(2f, dx[6]);
    }

    [Theory]
    [MemberData(nameof(Betas))]
    public void Softplus_limits_and_special_values(double beta)
    {
        var f = new Softplus(beta);
        float[] x = [float.NaN, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, -float.MaxValue, float.MaxValue];
        var y = new float[x.Length];
        f.Forward(x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.True(AccuracyMeter.ForwardError(f, 0f, y[1]) <= AccuracyMeter.UlpBound, $"softplus({beta})(0) = {y[1]:R}");
        Assert.Equal(y[1], y[2]);
        Assert.Equal(float.PositiveInfinity, y[3]);
        Assert.True(y[4] == 0 && !float.IsNegative(y[4]), "softplus(−∞) = +0");
        Assert.True(y[5] == 0 && !float.IsNegative(y[5]), "softplus(−max) = +0");
        Assert.Equal(float.MaxValue, y[6]);

        var dx = new float[x.Length];
        f.Backward(x, Enumerable.Repeat(2f, x.Length).ToArray(), dx);
        Assert.True(float.IsNaN(dx[0]));
        Assert.Equal(1f, dx[1]);
        Assert.Equal(1f, dx[2]);
        Assert.Equal(2f, dx[3]);
        Assert.True(dx[4] == 0, "2·softplus′(−∞) = 0");
        Assert.Equal(2f, dx[6]);
    }

    [Theory]
    [InlineData("silu(beta=0.5)")]
    [InlineData("silu(beta=2)")]
    [InlineData("silu(beta=30)")]
    [InlineData("softplus(beta=0.5)")]
    [InlineData("softplus(beta=2)")]
    [InlineData("softplus(beta=30)")]
    public void The_deep_tail_of_the_slope_keeps_its_accuracy_for_any_dy(string spec)
    {
        // dy·f′ with a huge dy: the product is a normal float although f′ alone is far below the floats.
        var f = (ElementwiseActivation)ActivationCatalog.Create(spec);
        double beta = BetaOf(f);
        float[] x = [(float)(-100 / beta), (float)(-150 / beta), (float)(-180 / beta), (float)(-90 / beta)];
        float[] dy = [3e38f, -3e38f, 3e38f, 1e-30f];
        var dx = new float[x.Length];
        f.Backward(x, dy, dx);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = dy[i] * f.ReferenceDerivative(x[i]);
            Assert.True(Ulp.Float(dx[i], expected) <= AccuracyMeter.UlpBound, $"dy {dy[i]}·{spec}′({x[i]:R}) = {dx[i]:R}, expected {expected:R}");
        }
    }

    [Theory]
    [InlineData("silu(beta=-2)")]
    [InlineData("silu(beta=1e-6)")]
    [InlineData("silu(beta=1e6)")]
    [InlineData("silu(beta=0)")]
    [InlineData("softplus(beta=1e-6)")]
    [InlineData("softplus(beta=1e6)")]
    [InlineData("softplus(beta=2,threshold=5)")]
    [InlineData("softplus(beta=0.5,threshold=17.9)")]
    public void Parameters_outside_the_float_lanes_still_meet_the_bound(string spec)
    {
        var f = (ElementwiseActivation)ActivationCatalog.Create(spec);
        double beta = BetaOf(f);
        var x = Inputs(beta == 0 ? 1 : Math.Abs(beta));
        var y = new float[x.Length];
        var dx = new float[x.Length];
        f.Forward(x, y);
        f.Backward(x, Enumerable.Repeat(1f, x.Length).ToArray(), dx);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(AccuracyMeter.ForwardError(f, x[i], y[i]) <= AccuracyMeter.UlpBound, $"{spec}({x[i]:R}) = {y[i]:R}");
            Assert.True(AccuracyMeter.BackwardError(f, x[i], dx[i]) <= AccuracyMeter.UlpBound, $"{spec}′({x[i]:R}) = {dx[i]:R}");
        }
    }

    [Fact]
    public void The_accuracy_meter_finds_swish_zero_of_the_slope_at_its_beta()
    {
        // f′ vanishes at βx = −1.2785: next to x = −2.557 for β = 0.5, not at the catalog's −1.2785 (β = 1).
        var f = new Silu(0.5);
        Assert.Equal(2.0, f.DerivativeZeroScale);
        float x = -2.5569f;
        double reference = f.ReferenceDerivative(x);
        float got = (float)(reference + Math.ScaleB(1.0, -30));
        Assert.Equal(Math.Abs(got - reference) / Ulp.FloatUlpAt(1.0), AccuracyMeter.BackwardError(f, x, got), 12);
        Assert.Equal(1.0, new Silu().DerivativeZeroScale);
        // Snake's f′ = 1 + sin(2αx) has its zeros at αx = −π/4 + kπ.
        Assert.Equal(1 / 7.0, new Snake(7).DerivativeZeroScale);
        Assert.True(AccuracyMeter.DistanceToDerivativeZero(new Snake(7).Info, 7 * (-Math.PI / 4 / 7)) < 1e-12);
    }
}
