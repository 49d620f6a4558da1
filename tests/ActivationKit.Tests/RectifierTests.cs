using ActivationKit.Catalog;
using ActivationKit.Functions;
using ActivationKit.Numerics;

namespace ActivationKit.Tests;

/// <summary>
/// Values, parameter rules and the special APIs (PReLU channels and slope gradient, RReLU's seeded slopes) of the
/// rectifier, step, shrink and hard-squash functions.
/// </summary>
public class RectifierTests
{
    private static float[] Forward(string spec, params float[] x)
    {
        var y = new float[x.Length];
        ActivationCatalog.Create(spec).Forward(x, y);
        return y;
    }

    private static void AssertBits(float expected, float actual, string what)
        => Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"{what}: expected {expected:R}, got {actual:R}");

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) AssertBits(expected[i], actual[i], $"{what}[{i}]");
    }

    private static float[] RandomFloats(int n, int seed, double scale = 6)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(((rng.NextDouble() * 2) - 1) * scale);
        return x;
    }

    // ---- Values PyTorch (or the named framework) returns for the same inputs, float32. ----

    [Fact]
    public void Values_match_pytorch_at_sample_points()
    {
        AssertBits([0f, 0f, 0.25f, 0.5f, 4f / 6f, 0.75f, 1f, 1f], Forward("hardsigmoid", -4f, -3f, -1.5f, 0f, 1f, 1.5f, 3f, 4f), "hardsigmoid");
        AssertBits([-1f, -1f, -0.5f, 0.5f, 1f, 1f], Forward("hardtanh", -2f, -1f, -0.5f, 0.5f, 1f, 2f), "hardtanh");
        AssertBits([-2f, 1.5f, 2f], Forward("hardtanh(min_val=-2, max_val=2)", -3f, 1.5f, 3f), "hardtanh(-2, 2)");
        AssertBits([0f, 0f, 3f, 6f, 6f], Forward("relu6", -1f, 0f, 3f, 6f, 7f), "relu6");
        AssertBits([-0.03f, -0.01f, 0f, 2f], Forward("leaky_relu", -3f, -1f, 0f, 2f), "leaky_relu");
        AssertBits([-0.5f, 4f], Forward("leaky_relu(0.2)", -2.5f, 4f), "leaky_relu(0.2)");
        AssertBits([20f, 0.2f, 0.3f], Forward("threshold(0.1, 20)", 0.1f, 0.2f, 0.3f), "threshold(0.1, 20)");
        AssertBits([0f, 0f, 0f, 0f, 3f], Forward("thresholded_relu(2)", -1f, 0f, 1f, 2f, 3f), "thresholded_relu(2)");
        AssertBits([-0.5f, 0f, 0.5f, 0f], Forward("softshrink", -1f, 0f, 1f, 0.3f), "softshrink");
        AssertBits([0f, 0f, 1f, -2f], Forward("hardshrink", -0.5f, 0f, 1f, -2f), "hardshrink");
        AssertBits([-2f / 3f, -0.5f, 0f, 0.5f, 2f / 3f], Forward("softsign", -2f, -1f, 0f, 1f, 2f), "softsign");
        AssertBits([-0.5f, 3f], Forward("prelu", -2f, 3f), "prelu");
        // tfa.activations.rrelu(x, training=False) and torch's eval mode: slope (1/8 + 1/3)/2 = 11/48.
        AssertBits([-11f / 48f, 0f, 1f], Forward("rrelu", -1f, 0f, 1f), "rrelu (inference)");
        AssertBits([-0f, 3f], Forward("linear", -0f, 3f), "identity");
        AssertBits([0f, 1f, 1f, 1f], Forward("binary_step", -1e-30f, -0f, 0f, 2f), "binary_step");
    }

    [Fact]
    public void Squareplus_matches_the_definition_in_double()
    {
        // (x + √(x² + b))/2 evaluated directly is fine at these moderate points.
        foreach (double b in new[] { 2.0, 3.0, 4.0, 0.5 })
        {
            var f = new Squareplus(b);
            double[] x = [2.3, 0.6, -2, -3.8, -9.2, -0.3, 0.45, -4.56, 0, 17];
            var y = new double[x.Length];
            var d = new double[x.Length];
            f.Forward(x, y);
            f.Backward(x, Enumerable.Repeat(1.0, x.Length).ToArray(), d);
            for (int i = 0; i < x.Length; i++)
            {
                double h = Math.Sqrt((x[i] * x[i]) + b);
                Assert.Equal((x[i] + h) / 2, y[i], 1e-14);
                Assert.Equal((1 + (x[i] / h)) / 2, d[i], 1e-14);
            }
        }
    }

    [Fact]
    public void Squareplus_has_no_cancellation_or_overflow_in_the_tails()
    {
        var f = new Squareplus();
        double[] x = [-1e300, -1e10, -1e-300, 1e300, double.MaxValue, -double.MaxValue, -3e38];
        var y = new double[x.Length];
        var d = new double[x.Length];
        f.Forward(x, y);
        f.Backward(x, Enumerable.Repeat(1.0, x.Length).ToArray(), d);
        Assert.Equal(1e-300, y[0], 1e-314);            // b/(4|x|) = 1/|x|; the textbook formula gives 0
        Assert.Equal(1e-10, y[1] / 1.0, 1e-24);
        Assert.Equal(1.0, y[2]);
        Assert.Equal(1e300, y[3]);
        Assert.Equal(double.MaxValue, y[4]);           // (x + h)/2 would overflow
        Assert.True(y[5] > 0 && Math.Abs((y[5] * double.MaxValue) - 1) < 1e-14, $"squareplus(−max) = {y[5]:R}");
        Assert.Equal(1.0, d[4]);
        Assert.Equal(1e-20, d[1], 1e-34);              // f′ ≈ b/(4x²)
        Assert.True(d[0] == 0 && d[5] == 0);           // 1e−600 underflows

        // Float data: squareplus(−3e38) ≈ 3.3e−39 is a float subnormal, kept rather than flushed.
        var yf = new float[1];
        f.Forward([-3e38f], yf);
        Assert.Equal((float)(1.0 / (double)3e38f), yf[0]);

        // b = 0 is ReLU exactly, subnormals included.
        var relu = new Squareplus(0);
        float[] xs = [float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f, 3f, -3f, 0f, -0f];
        var ys = new float[xs.Length];
        relu.Forward(xs, ys);
        AssertBits([float.Epsilon, 0f, 1e-40f, 0f, 3f, 0f, 0f, 0f], ys, "squareplus(b=0)");
        var yd = new double[1];
        relu.Forward([double.Epsilon], yd);
        Assert.Equal(double.Epsilon, yd[0]);
    }

    [Theory]
    [InlineData(4.0)]
    [InlineData(0.3)]
    [InlineData(1e-20)]
    [InlineData(7.888609052210118e-31)] // 2^-100, the float lanes' lowest b
    [InlineData(1.2676506002282294e30)] // 2^100, their highest
    [InlineData(3.944304526105059e-31)] // 2^-101: double lanes
    [InlineData(2.5353012004564588e30)] // 2^101: double lanes
    public void Squareplus_float_data_is_within_three_ulp_on_the_driver_and_the_scalar_lanes(double b)
    {
        // Float lanes (b in [2^-100, 2^100]) reach 2.75 ULP over all 2^32 inputs at b = 4; the lanes beyond |x| = 2^60
        // and the b outside that range run in double lanes (0.5 ULP). The scalar lanes must give the driver's bits.
        var f = new Squareplus(b);
        var kernel = new Squareplus.Kernel_(b);
        var xs = new List<float>();
        for (long bits = 0; bits <= uint.MaxValue; bits += 65_537) xs.Add(BitConverter.UInt32BitsToSingle((uint)bits));
        float limit = (float)Math.ScaleB(1.0, 60);
        xs.AddRange([0f, -0f, float.Epsilon, -float.Epsilon, limit, -limit, MathF.BitIncrement(limit), -MathF.BitIncrement(limit), float.MaxValue, float.MinValue,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, (float)Math.Sqrt(b), -(float)Math.Sqrt(b), -0.0031844373f, -0.0007723569f, -15.913094f]);
        float[] x = [.. xs];
        var y = new float[x.Length];
        var d = new float[x.Length];
        f.Forward(x, y);
        f.Backward(x, Enumerable.Repeat(1f, x.Length).ToArray(), d);
        bool floatLanes = b >= Math.ScaleB(1.0, -100) && b <= Math.ScaleB(1.0, 100);
        double bound = floatLanes ? 3 : 1;
        for (int i = 0; i < x.Length; i++)
        {
            double ry = f.Reference(x[i]);
            double rd = f.ReferenceDerivative(x[i]);
            Assert.True(ActivationKit.Accuracy.Ulp.Float(y[i], ry) <= bound, $"squareplus(b = {b:R})({x[i]:R}) = {y[i]:R}, reference {ry:R}");
            Assert.True(ActivationKit.Accuracy.Ulp.Float(d[i], rd) <= bound, $"squareplus(b = {b:R})'({x[i]:R}) = {d[i]:R}, reference {rd:R}");
            if (!floatLanes || i % 7 != 0) continue;
            AssertBits(y[i], kernel.Forward(new Simd.S<float>(x[i])).Value, $"scalar squareplus(b = {b:R})({x[i]:R})");
            AssertBits(d[i], kernel.Backward(new Simd.S<float>(x[i]), new Simd.S<float>(1f)).Value, $"scalar squareplus(b = {b:R})'({x[i]:R})");
        }

        // The slope from the output, 4y²/(4y² + b) = y/(y + b/(4y)), against that formula in double at the same float y
        // (the error of y itself, magnified up to twice where b dominates, is the forward's, not this step's): three
        // roundings in float lanes (b/4 too where b is no float), one in double lanes.
        var fromY = new float[x.Length];
        f.BackwardFromOutput(y, Enumerable.Repeat(1f, x.Length).ToArray(), fromY);
        for (int i = 0; i < x.Length; i++)
        {
            double yi = y[i];
            double expected = double.IsPositiveInfinity(yi) ? 1 : yi / (yi + (0.25 * b / yi));
            Assert.True(ActivationKit.Accuracy.Ulp.Float(fromY[i], expected) <= bound, $"squareplus(b = {b:R}) slope from y = {y[i]:R}: {fromY[i]:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void Softsign_tails_do_not_overflow_or_flush()
    {
        var f = new Softsign();
        double[] x = [1e300, 1e160, -1e160, 1e200];
        var y = new double[x.Length];
        var d = new double[x.Length];
        f.Forward(x, y);
        f.Backward(x, Enumerable.Repeat(1.0, x.Length).ToArray(), d);
        Assert.Equal(1.0, y[0]);
        Assert.Equal(-1.0, y[2]);
        Assert.Equal(1e-320, d[1], 2e-323);   // a double subnormal, not 0 from (1 + |x|)² overflowing
        Assert.Equal(1e-320, d[2], 2e-323);
        Assert.Equal(0.0, d[3]);
    }

    [Fact]
    public void Identity_passes_dy_and_propagates_nan()
    {
        var f = new Identity();
        var dx = new float[3];
        f.Backward([1f, float.NaN, float.NegativeInfinity], [2f, 3f, 4f], dx);
        Assert.Equal(2f, dx[0]);
        Assert.True(float.IsNaN(dx[1]));
        Assert.Equal(4f, dx[2]);
        Assert.Same(Identity.Definition, ActivationCatalog.Find("linear"));
    }

    [Fact]
    public void Hardsigmoid_output_gradient_is_exact_next_to_the_kinks_for_float_data()
    {
        // Every float within 4,096 steps of −3 and of 3 (x + 3 rounds to 6 at 3 − 2⁻²², and the float kernel adds
        // 3 − 2⁻²² instead): y must lie strictly inside (0, 1) exactly when x does inside (−3, 3), so the gradient
        // from the output equals the gradient from the input on every one of them.
        var f = new Hardsigmoid();
        var x = new List<float>();
        foreach (float kink in new[] { -3f, 3f })
        {
            int bits = BitConverter.SingleToInt32Bits(Math.Abs(kink));
            for (int k = -4096; k <= 4096; k++)
                x.Add(Math.Sign(kink) * BitConverter.Int32BitsToSingle(bits + k));
        }

        var y = new float[x.Count];
        f.Forward(x.ToArray(), y);
        var fromX = new float[x.Count];
        var fromY = new float[x.Count];
        var ones = Enumerable.Repeat(1f, x.Count).ToArray();
        f.Backward(x.ToArray(), ones, fromX);
        f.BackwardFromOutput(y, ones, fromY);
        for (int i = 0; i < x.Count; i++)
        {
            Assert.True(y[i] > 0f == x[i] > -3f, $"hardsigmoid({x[i]:R}) = {y[i]:R}");
            Assert.True(y[i] < 1f == x[i] < 3f, $"hardsigmoid({x[i]:R}) = {y[i]:R}");
            Assert.True(y[i] >= 0f && y[i] <= 1f && (y[i] != 0f || BitConverter.SingleToInt32Bits(y[i]) == 0), $"hardsigmoid({x[i]:R}) = {y[i]:R}");
            Assert.Equal(x[i] > -3f && x[i] < 3f ? 1f / 6f : 0f, fromX[i]);
        }

        AssertBits(fromX, fromY, "hardsigmoid from y");
    }

    // ---- Parameter validation: one sentence naming the argument and the rule. ----

    [Fact]
    public void Hardtanh_rejects_min_above_max()
    {
        var e = Assert.Throws<ArgumentException>(() => new Hardtanh(2, 1));
        Assert.Contains("min_val", e.Message, StringComparison.Ordinal);
        Assert.Contains("max_val", e.Message, StringComparison.Ordinal);
        Assert.Contains("greater", e.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create("hardtanh(min_val=0.5, max_val=-0.5)"));
        Assert.Contains("min_val", e2.Message, StringComparison.Ordinal);
        var constant = new Hardtanh(0.25, 0.25);
        var y = new float[2];
        constant.Forward([-3f, 3f], y);
        Assert.Equal([0.25f, 0.25f], y);
    }

    [Theory]
    [InlineData("softshrink(lambd=-0.1)", "lambd")]
    [InlineData("hardshrink(-1)", "lambd")]
    [InlineData("squareplus(b=-1)", "'b'")]
    [InlineData("prelu(num_parameters=0)", "num_parameters")]
    public void Parameters_below_their_range_are_rejected_with_the_range(string spec, string name)
    {
        var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(spec));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.Contains("[", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rrelu_rejects_lower_above_upper()
    {
        var e = Assert.Throws<ArgumentException>(() => new Rrelu(0.5, 0.1));
        Assert.Contains("lower", e.Message, StringComparison.Ordinal);
        Assert.Contains("upper", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Rrelu(0.5, 0.1, seed: 3));
        Assert.Throws<ArgumentException>(() => ActivationCatalog.Create("rrelu(lower=0.4)"));   // default upper 1/3 < 0.4
        var fixedSlope = new Rrelu(0.2, 0.2, seed: 9);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(0.2, fixedSlope.SlopeAt(i)));
    }

    [Fact]
    public void Slopes_beyond_the_floats_are_not_rounded_to_infinity()
    {
        // leaky(0) was 0·∞ = NaN and leaky(−1e−45) −∞ with a slope of 1e40 on float data; now x·slope is formed in
        // double lanes for slopes that are no normal float.
        float[] x = [0f, -0f, -1e-45f, -1e-30f, -3e38f, 2f];
        var y = new float[x.Length];
        new LeakyRelu(1e40).Forward(x, y);
        Assert.Equal([0f, -0f, (float)(-1e-45f * 1e40), -1e10f, float.NegativeInfinity, 2f], y);
        Assert.True(float.IsNegative(y[1]));
        new LeakyRelu(1e-50).Forward(x, y);
        Assert.Equal((float)(-3e38f * 1e-50), y[4]);
        new Elu(1e40).Forward(x, y);
        Assert.Equal([0f, -0f, (float)(-1e-45f * 1e40), -1e10f, float.NegativeInfinity, 2f], y);
        var dx = new float[x.Length];
        new LeakyRelu(1e40).Backward(x, new float[x.Length], dx);
        Assert.All(dx, v => Assert.Equal(0f, v));
        // Training-mode slopes are rounded to float by definition; bounds beyond the floats are refused there.
        var e = Assert.Throws<NotSupportedException>(() => new Rrelu(1e39, 2e39, seed: 1).Forward(x, y));
        Assert.Contains("3.4e38", e.Message, StringComparison.Ordinal);
        var xd = x.Select(v => (double)v).ToArray();
        new Rrelu(1e39, 2e39, seed: 1).Forward(xd, new double[x.Length]);
    }

    [Fact]
    public void Elu_slope_applies_alpha_before_rounding_a_subnormal_exponential()
    {
        // α·e^x where e^x is subnormal: rounding e^x first and multiplying by α after magnified its error α-fold
        // (α = 7: 4.1 float ULP below x = −87.3; in double below x = −708). Expected values: e^x split into two normal
        // factors, so only the last product rounds into the subnormals.
        var elu = new Elu(7);
        double[] x = [-700.5, -708.9, -720.25, -731.0, -740.75, -744.0];
        var dx = new double[x.Length];
        elu.Backward(x, Enumerable.Repeat(1.0, x.Length).ToArray(), dx);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = 7 * Math.Exp(x[i] + 300) * Math.Exp(-300);
            Assert.True(Math.Abs(dx[i] - expected) <= double.Epsilon + (Math.Abs(expected) * 1e-15), $"elu(7)′({x[i]}) = {dx[i]:R}, expected {expected:R}");
        }

        float[] xf = [-87.5f, -90.25f, -95f, -100.5f, -103f];
        var dxf = new float[xf.Length];
        elu.Backward(xf, Enumerable.Repeat(1f, xf.Length).ToArray(), dxf);
        for (int i = 0; i < xf.Length; i++)
        {
            double expected = 7 * Math.Exp(xf[i]);
            Assert.True(ActivationKit.Accuracy.Ulp.Float(dxf[i], expected) <= 1.5, $"elu(7)′({xf[i]}) = {dxf[i]:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void Elu_slope_with_unit_alpha_is_the_float_exponential_and_other_alphas_stay_within_two_ulp()
    {
        // ELU′'s float lanes take α into the exponential's last step, with α = 1 a branch at that step: for α = 1 the
        // slope must be dy·e^x from the exponential ELU′ has always used (ExpNonPositiveShortF), bit for bit, across
        // the whole negative range (its floor of −104 and the −112 the α form clamps at both give 0 below), and for
        // other α within 2 ULP of dy·α·e^x in double (the α form measured 0.99–1.63 ULP over two million samples).
        var xs = new List<float>();
        for (float v = -120f; v <= 0f; v += 0.0371f) xs.Add(v);
        xs.AddRange([-0f, -1e-30f, -1e-45f, -87.33655f, -103.97208f, -104f, -111.99f, -112f, float.NegativeInfinity]);
        float[] x = [.. xs];
        var dy = new float[x.Length];
        var rng = new Random(5);
        for (int i = 0; i < dy.Length; i++) dy[i] = (float)((rng.NextDouble() * 4) - 2);
        var dx = new float[x.Length];

        new Elu(1).Backward(x, dy, dx);
        for (int i = 0; i < x.Length; i++)
        {
            float e = Kernels.VMath.ExpNonPositiveShortF(new Simd.S<float>(x[i])).Value;
            Assert.Equal(BitConverter.SingleToInt32Bits(dy[i] * e), BitConverter.SingleToInt32Bits(dx[i]));
        }

        foreach (double alpha in new[] { 7.0, 0.3, 1.7, 2000.0 })
        {
            new Elu(alpha).Backward(x, dy, dx);
            for (int i = 0; i < x.Length; i++)
            {
                double expected = dy[i] * (double)(float)alpha * Math.Exp(x[i]);
                Assert.True(ActivationKit.Accuracy.Ulp.Float(dx[i], expected) <= 2.0, $"elu({alpha})′({x[i]:R}) with dy {dy[i]:R} = {dx[i]:R}, expected {expected:R}");
            }
        }
    }

    [Fact]
    public void Non_finite_parameters_are_rejected()
    {
        var nan = Assert.Throws<ArgumentException>(() => new LeakyRelu(double.NaN));
        Assert.Contains("negative_slope", nan.Message, StringComparison.Ordinal);
        var inf = Assert.Throws<ArgumentException>(() => new LeakyRelu(double.PositiveInfinity));
        Assert.Contains("finite", inf.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ActivationCatalog.Create("leaky_relu(inf)"));
        Assert.Throws<ArgumentException>(() => new Threshold(double.NegativeInfinity));
        Assert.Throws<ArgumentException>(() => new ThresholdedRelu(double.NaN));
        Assert.Throws<ArgumentException>(() => new Softshrink(double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => new Squareplus(double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => new Hardtanh(double.NaN, 1));
        Assert.Throws<ArgumentException>(() => new Rrelu(0.1, double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => new Prelu(1, double.NaN));
        Assert.Throws<ArgumentException>(() => new Prelu([0.1f, float.NaN]));
        Assert.Throws<ArgumentException>(() => new Prelu(ReadOnlySpan<float>.Empty));
        var whole = Assert.Throws<ArgumentException>(() => new Prelu(2.5));
        Assert.Contains("whole number", whole.Message, StringComparison.Ordinal);
    }

    // ---- From-output gradients only where the output determines the branch. ----

    [Theory]
    [InlineData("leaky_relu(-0.5)")]
    [InlineData("threshold(threshold=0, value=1)")]
    [InlineData("thresholded_relu(-1)")]
    [InlineData("squareplus(b=0)")]
    [InlineData("rrelu(lower=-0.1, upper=0.2)")]
    [InlineData("prelu(init=-0.25)")]
    public void Ambiguous_outputs_refuse_the_output_gradient(string spec)
    {
        var f = ActivationCatalog.Create(spec);
        Assert.False(f.SupportsBackwardFromOutput);
        var e = Assert.Throws<NotSupportedException>(() => f.BackwardFromOutput(new float[4], new float[4], new float[4]));
        Assert.Contains("Backward with the input", e.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => f.BackwardFromOutput(new double[4], new double[4], new double[4]));
    }

    [Theory]
    [InlineData("leaky_relu(0)")]
    [InlineData("threshold(threshold=1, value=-2)")]
    [InlineData("thresholded_relu(0)")]
    [InlineData("softshrink(0)")]
    [InlineData("hardshrink(2)")]
    [InlineData("hardtanh(-3, 0.5)")]
    [InlineData("squareplus(b=0.01)")]
    public void Unambiguous_parameterisations_give_the_same_gradient_from_the_output(string spec)
    {
        var f = ActivationCatalog.Create(spec);
        Assert.True(f.SupportsBackwardFromOutput);
        var x = RandomFloats(999, 4).Concat([0f, -0f, 1f, -1f, 0.5f, -0.5f, 2f, -2f, 1e-45f, -1e-45f]).ToArray();
        var dy = RandomFloats(x.Length, 5);
        var y = new float[x.Length];
        f.Forward(x, y);
        var fromX = new float[x.Length];
        var fromY = new float[x.Length];
        f.Backward(x, dy, fromX);
        f.BackwardFromOutput(y, dy, fromY);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(fromX[i] - fromY[i]) <= 1e-6 * Math.Abs(dy[i]), $"{spec} at x = {x[i]:R}: from x {fromX[i]:R}, from y {fromY[i]:R}");
        }
    }

    // ---- PReLU ----

    [Fact]
    public void Prelu_applies_one_slope_per_column()
    {
        float[] w = [0.1f, 0.5f, -0.3f];
        var f = new Prelu(w);
        Assert.Equal(3, f.NumParameters);
        var x = RandomFloats(3 * 41, 11);
        var y = new float[x.Length];
        f.Forward(x, y, columns: 3);
        var dy = RandomFloats(x.Length, 12);
        var dx = new float[x.Length];
        f.Backward(x, dy, dx, columns: 3);
        for (int i = 0; i < x.Length; i++)
        {
            float a = w[i % 3];
            AssertBits(x[i] > 0 ? x[i] : a * x[i], y[i], $"y[{i}]");
            AssertBits(x[i] > 0 ? dy[i] : a * dy[i], dx[i], $"dx[{i}]");
        }

        // Double data, and a single row given as columns = 0.
        var xd = new double[] { -1, -2, -4 };
        var yd = new double[3];
        f.Forward(xd, yd);
        Assert.Equal([-0.1f * 1.0, -0.5 * 2, 0.3f * 4.0], yd);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(255)]
    [InlineData(300)]
    [InlineData(513)]
    public void Prelu_channels_match_a_plain_loop_for_many_shapes(int channels)
    {
        var rng = new Random(channels);
        var w = Enumerable.Range(0, channels).Select(_ => (float)rng.NextDouble()).ToArray();
        var f = new Prelu(w);
        foreach (int rows in new[] { 1, 3, 17 })
        {
            var x = RandomFloats(rows * channels, rows + channels);
            var dy = RandomFloats(x.Length, 99);
            var y = new float[x.Length];
            var dx = new float[x.Length];
            var fromY = new float[x.Length];
            f.Forward(x, y, channels);
            f.Backward(x, dy, dx, channels);
            f.BackwardFromOutput(y, dy, fromY, channels);
            for (int i = 0; i < x.Length; i++)
            {
                float a = w[i % channels];
                AssertBits(x[i] > 0 ? x[i] : a * x[i], y[i], $"C={channels} y[{i}]");
                AssertBits(x[i] > 0 ? dy[i] : a * dy[i], dx[i], $"C={channels} dx[{i}]");
            }

            AssertBits(dx, fromY, $"C={channels} from y");

            // In place.
            var inPlace = (float[])x.Clone();
            f.Forward(inPlace, inPlace, channels);
            AssertBits(y, inPlace, "in-place forward");
            var dyInPlace = (float[])dy.Clone();
            f.Backward(x, dyInPlace, dyInPlace, channels);
            AssertBits(dx, dyInPlace, "in-place backward");
        }
    }

    [Fact]
    public void Prelu_with_equal_slopes_equals_the_shared_slope()
    {
        var shared = new Prelu();
        var perChannel = new Prelu([0.25f, 0.25f, 0.25f, 0.25f, 0.25f]);
        var x = RandomFloats(5 * 33, 3);
        var a = new float[x.Length];
        var b = new float[x.Length];
        shared.Forward(x, a);
        perChannel.Forward(x, b, columns: 5);
        AssertBits(a, b, "forward");
        var h = x.Select(v => (Half)v).ToArray();
        var yh = new Half[h.Length];
        perChannel.Forward(h, yh, columns: 5);
        for (int i = 0; i < h.Length; i++) Assert.Equal((Half)(float)(((float)h[i] > 0) ? (float)h[i] : 0.25f * (float)h[i]), yh[i]);
        var bf = x.Select(v => (BFloat16)v).ToArray();
        var ybf = new BFloat16[bf.Length];
        perChannel.Forward(bf, ybf, columns: 5);
        for (int i = 0; i < bf.Length; i++)
        {
            float v = (float)bf[i];
            Assert.Equal(((BFloat16)(v > 0 ? v : 0.25f * v)).RawValue, ybf[i].RawValue);
        }
    }

    [Fact]
    public void Prelu_rejects_rows_that_do_not_match_the_channels()
    {
        var f = new Prelu(3, 0.2);
        var e = Assert.Throws<ArgumentException>(() => f.Forward(new float[12], new float[12], columns: 4));
        Assert.Contains("3 slopes", e.Message, StringComparison.Ordinal);
        Assert.Contains("columns", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => f.Forward(new float[6], new float[6]));              // one row of 6
        Assert.Throws<ArgumentException>(() => f.Forward(new float[7], new float[7], columns: 3));  // not whole rows
        Assert.Throws<ArgumentException>(() => f.Backward(new double[12], new double[12], new double[12], columns: 6));
        Assert.Throws<ArgumentException>(() => f.ParameterGradient(new float[9], new float[9], new float[2], columns: 3));
        Assert.Throws<ArgumentException>(() => f.ParameterGradient(new float[9], new float[8], new float[3], columns: 3));
        Assert.Throws<ArgumentException>(() => f.Forward(new float[9], new float[6], columns: 3));
        f.Forward(ReadOnlySpan<float>.Empty, Span<float>.Empty);
        var one = new float[3];
        f.Forward([-1f, -1f, -1f], one);   // columns = 0: a single row of exactly 3
        Assert.Equal([-0.2f, -0.2f, -0.2f], one);
    }

    [Fact]
    public void Prelu_slope_gradient_matches_its_definition_and_finite_differences()
    {
        float[] w = [0.25f, -0.125f, 0.5f, 1f];
        var f = new Prelu(w);
        const int C = 4;
        var x = RandomFloats(C * 257, 21).Select(v => (double)v).ToArray();
        x[0] = double.NegativeZero;
        x[1] = 0;
        var dy = RandomFloats(x.Length, 22).Select(v => (double)v).ToArray();
        var g = new double[C];
        f.ParameterGradient(x, dy, g, columns: C);

        var expected = new double[C];
        for (int i = 0; i < x.Length; i++) if (!(x[i] > 0)) expected[i % C] += dy[i] * x[i];
        for (int j = 0; j < C; j++) Assert.Equal(expected[j], g[j], Math.Abs(expected[j]) * 1e-13);

        // L(a) = Σ dy·y(x; a) is linear in each slope, so a central difference with an exact step is exact up to rounding.
        double Loss()
        {
            var y = new double[x.Length];
            f.Forward(x, y, C);
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += dy[i] * y[i];
            return s;
        }

        const float step = 1f / 1024;
        for (int j = 0; j < C; j++)
        {
            float saved = f.Weights[j];
            f.Weights[j] = saved + step;
            double up = Loss();
            f.Weights[j] = saved - step;
            double down = Loss();
            f.Weights[j] = saved;
            double fd = (up - down) / (2 * step);
            Assert.True(Math.Abs(fd - g[j]) <= 1e-9 * Math.Max(1, Math.Abs(g[j])), $"slope {j}: gradient {g[j]:R}, finite difference {fd:R}");
        }

        // Float data: the float overload rounds the same double sums once.
        var gf = new float[C];
        f.ParameterGradient(x.Select(v => (float)v).ToArray(), dy.Select(v => (float)v).ToArray(), gf, C);
        for (int j = 0; j < C; j++) Assert.Equal((float)g[j], gf[j]);

        // Input gradient against finite differences away from the kink.
        var dx = new double[x.Length];
        f.Backward(x, dy, dx, C);
        for (int i = 0; i < x.Length; i += 37)
        {
            if (Math.Abs(x[i]) < 1e-3) continue;
            const double h = 1e-6;
            var xp = (double[])x.Clone();
            var xm = (double[])x.Clone();
            xp[i] += h;
            xm[i] -= h;
            var yp = new double[x.Length];
            var ym = new double[x.Length];
            f.Forward(xp, yp, C);
            f.Forward(xm, ym, C);
            double fd = dy[i] * (yp[i] - ym[i]) / (2 * h);
            Assert.True(Math.Abs(fd - dx[i]) <= 1e-8, $"dx[{i}] = {dx[i]:R}, finite difference {fd:R}");
        }
    }

    [Fact]
    public void Prelu_shared_slope_gradient_sums_every_element_and_propagates_nan()
    {
        var f = new Prelu();
        var x = RandomFloats(1000, 31);
        var dy = RandomFloats(1000, 32);
        var g = new float[1];
        f.ParameterGradient(x, dy, g, columns: 7);   // columns are ignored with one slope
        double s = 0;
        for (int i = 0; i < x.Length; i++) if (!(x[i] > 0)) s += (double)dy[i] * x[i];
        Assert.True(Math.Abs(g[0] - s) <= 1e-6 * Math.Abs(s), $"gradient {g[0]:R}, plain sum {s:R}");
        x[500] = float.NaN;
        f.ParameterGradient(x, dy, g);
        Assert.True(float.IsNaN(g[0]));
    }

    [Fact]
    public void Prelu_weights_are_read_at_every_call()
    {
        var f = new Prelu();
        var y = new float[1];
        f.Forward([-2f], y);
        Assert.Equal(-0.5f, y[0]);
        f.Weights[0] = 0.125f;
        f.Forward([-2f], y);
        Assert.Equal(-0.25f, y[0]);
        Assert.Equal(0.125, f.ReferenceDerivative(-1));
        f.Weights[0] = -1f;
        Assert.False(f.SupportsBackwardFromOutput);
        Assert.Throws<NotSupportedException>(() => f.BackwardFromOutput(new float[1], new float[1], new float[1]));
    }

    // ---- RReLU ----

    [Fact]
    public void Rrelu_default_is_inference_with_the_mean_slope()
    {
        var f = (Rrelu)ActivationCatalog.Create("rrelu");
        Assert.False(f.Training);
        Assert.Equal((0.125 + (1.0 / 3.0)) / 2, f.InferenceSlope);
        var x = RandomFloats(1000, 41);
        var y = new float[x.Length];
        f.Forward(x, y);
        float mean = (float)f.InferenceSlope;
        for (int i = 0; i < x.Length; i++) AssertBits(x[i] > 0 ? x[i] : x[i] * mean, y[i], $"y[{i}]");
        var eval = f.Train(5).Eval();
        Assert.False(eval.Training);
        var y2 = new float[x.Length];
        eval.Forward(x, y2);
        AssertBits(y, y2, "Eval()");
        Assert.Equal(f.InferenceSlope, f.SlopeAt(123));
    }

    [Fact]
    public void Rrelu_training_slopes_are_a_function_of_seed_and_index()
    {
        var f = new Rrelu().Train(42);
        Assert.True(f.Training);
        Assert.Equal(42UL, f.Seed);
        var x = RandomFloats(1000, 51).Select(v => -Math.Abs(v) - 0.5f).ToArray();   // all negative
        var y = new float[x.Length];
        f.Forward(x, y);
        for (int i = 0; i < x.Length; i++) AssertBits(x[i] * (float)f.SlopeAt(i), y[i], $"y[{i}]");

        // The same seed gives the same slopes in a new instance and a new call.
        var again = new float[x.Length];
        new Rrelu(0.125, 1.0 / 3.0, 42).Forward(x, again);
        AssertBits(y, again, "same seed");

        // Splitting the buffer and passing each piece's offset reproduces the single call, whatever the split.
        foreach (int split in new[] { 1, 7, 16, 255, 256, 257, 400, 999 })
        {
            var pieces = new float[x.Length];
            f.ForwardAt(x.AsSpan(0, split), pieces.AsSpan(0, split), 0);
            f.ForwardAt(x.AsSpan(split), pieces.AsSpan(split), split);
            AssertBits(y, pieces, $"split at {split}");
        }

        // Element i of a call without an offset uses index i, so a piece called alone uses different slopes.
        var alone = new float[10];
        f.Forward(x.AsSpan(500, 10), alone);
        Assert.NotEqual(y[500], alone[0]);

        // A different seed gives different slopes.
        var other = new float[x.Length];
        new Rrelu().Train(43).Forward(x, other);
        Assert.True(Enumerable.Range(0, x.Length).Count(i => other[i] != y[i]) > 990);
    }

    [Fact]
    public void Rrelu_backward_uses_the_forward_slopes()
    {
        var f = new Rrelu(0.1, 0.3, seed: 7);
        var x = RandomFloats(777, 61);
        var dy = RandomFloats(777, 62);
        var y = new float[x.Length];
        var dx = new float[x.Length];
        var fromY = new float[x.Length];
        f.Forward(x, y);
        f.Backward(x, dy, dx);
        f.BackwardFromOutput(y, dy, fromY);
        for (int i = 0; i < x.Length; i++)
        {
            float a = (float)f.SlopeAt(i);
            AssertBits(x[i] > 0 ? dy[i] : a * dy[i], dx[i], $"dx[{i}]");
        }

        AssertBits(dx, fromY, "from y");
        var split = new float[x.Length];
        f.BackwardAt(x.AsSpan(0, 300), dy.AsSpan(0, 300), split.AsSpan(0, 300), 0);
        f.BackwardAt(x.AsSpan(300), dy.AsSpan(300), split.AsSpan(300), 300);
        AssertBits(dx, split, "split backward");

        // Double data uses the same slopes in double.
        var xd = x.Select(v => (double)v).ToArray();
        var yd = new double[x.Length];
        f.Forward(xd, yd);
        for (int i = 0; i < x.Length; i++) Assert.Equal(xd[i] > 0 ? xd[i] : xd[i] * f.SlopeAt(i), yd[i]);
    }

    [Fact]
    public void Rrelu_bounds_near_the_largest_double_do_not_overflow()
    {
        // (lower + upper)/2 and upper − lower overflowed: rrelu(1e308, 1.5e308) had the inference slope +∞, and
        // rrelu(−1e308, 1e308) in training every slope +∞.
        var inference = new Rrelu(1e308, 1.5e308);
        Assert.Equal(1.25e308, inference.InferenceSlope);
        var y = new double[2];
        inference.Forward([-1.0, 2.0], y);
        Assert.Equal([-1.25e308, 2.0], y);
        Assert.Equal(0.0, new Rrelu(-1e308, 1e308).InferenceSlope);
        Assert.Equal(double.MaxValue, new Rrelu(double.MaxValue, double.MaxValue).InferenceSlope);

        var training = new Rrelu(-1e308, 1e308, seed: 1);
        var wide = new Rrelu(-double.MaxValue, double.MaxValue, seed: 5);
        double below = 0, widest = 0;
        for (int i = 0; i < 20_000; i++)
        {
            double a = training.SlopeAt(i);
            Assert.InRange(a, -1e308, 1e308);
            if (a < 0) below++;
            double b = wide.SlopeAt(i);
            Assert.InRange(b, -double.MaxValue, double.MaxValue);
            widest = Math.Max(widest, Math.Abs(b));
        }

        // Uniform over the whole width: about half the slopes negative, some close to the bounds.
        Assert.InRange(below / 20_000, 0.45, 0.55);
        Assert.True(widest > 0.99 * double.MaxValue, $"largest |slope| {widest:R}");

        // The halved form is the plain one scaled by 2: bounds at half the size give half the slopes, bit for bit.
        var half = new Rrelu(-0.5e308, 0.5e308, seed: 1);
        for (int i = 0; i < 1000; i++) Assert.Equal(half.SlopeAt(i), training.SlopeAt(i) / 2);
        var dx = new double[3];
        training.Backward([-1.0, -1.0, -1.0], [1.0, 1.0, 1.0], dx);
        Assert.Equal([training.SlopeAt(0), training.SlopeAt(1), training.SlopeAt(2)], dx);
    }

    [Fact]
    public void Rrelu_slopes_are_uniform_within_the_bounds()
    {
        var f = new Rrelu().Train(2024);
        const int n = 200_000;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            double a = f.SlopeAt(i);
            Assert.InRange(a, f.Lower, f.Upper);
            sum += a;
            sumSq += a * a;
        }

        double mean = sum / n;
        double variance = (sumSq / n) - (mean * mean);
        double width = f.Upper - f.Lower;
        Assert.Equal(f.InferenceSlope, mean, 1e-3);
        Assert.Equal(width * width / 12, variance, 1e-4);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.SlopeAt(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.ForwardAt(new float[1], new float[1], -1));
    }
}
