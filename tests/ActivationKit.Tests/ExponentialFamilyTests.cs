using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Functions;

namespace ActivationKit.Tests;

/// <summary>
/// Named-point values, parameter rules and parameter gradients of the exponential family (ELU, SELU, CELU, SiLU,
/// mish, softplus, log-sigmoid, tanhshrink, hardswish, gelu_sigmoid, exponential). Expected values were computed
/// with mpmath at 60 significant digits and rounded to the nearest double.
/// </summary>
public class ExponentialFamilyTests
{
    private static double D(Activation f, double x)
    {
        var y = new double[1];
        f.Forward([x], y);
        return y[0];
    }

    private static float F(Activation f, float x)
    {
        var y = new float[1];
        f.Forward([x], y);
        return y[0];
    }

    private static double DBackward(Activation f, double x)
    {
        var dx = new double[1];
        f.Backward([x], [1.0], dx);
        return dx[0];
    }

    private static void Near(double expected, double actual, double ulps, string what) =>
        Assert.True(Ulp.Double(actual, expected) <= ulps, $"{what}: expected {expected:R}, got {actual:R} ({Ulp.Double(actual, expected):F2} ULP)");

    private static void Near(double expected, float actual, double ulps, string what) =>
        Assert.True(Ulp.Float(actual, expected) <= ulps, $"{what}: expected {(float)expected:R}, got {actual:R} ({Ulp.Float(actual, expected):F2} ULP)");

    private static bool IsNegativeZero(double v) => v == 0 && double.IsNegative(v);

    [Fact]
    public void Elu_keeps_tiny_negative_inputs()
    {
        var elu = new Elu();
        // expm1, not exp − 1: the float result is the input itself, the double one e^x − 1 to the last bit.
        Assert.Equal(-1e-8f, F(elu, -1e-8f));
        Near(-9.999999950000001e-09, D(elu, -1e-8), 1, "elu(−1e−8) double");
        Assert.Equal(-1e-8f, F(new Celu(), -1e-8f));
        Assert.True(IsNegativeZero(D(elu, -0.0)), "elu(−0) = −0");
        Assert.Equal(-1.0, D(elu, double.NegativeInfinity));
    }

    [Fact]
    public void Celu_with_a_subnormal_alpha_keeps_its_slope()
    {
        // α = 1e−320 = 2024·2^−1074. 1/α overflows: the slope from the output, fma(y, ∞, 1), was NaN at y = 0 (and 0
        // on the rest of the branch). The remainder x − u·α of the quotient fell below the subnormals: e^(x/α) lost 222
        // ULP at x/α ≈ −250, in the kernel and the reference alike. Expected values from mpmath.
        var celu = (ElementwiseActivation)ActivationCatalog.Create("celu(1e-320)");
        var dx = new double[4];
        celu.BackwardFromOutput([0.0, -0.0, -7.5e-321, -1e-320], [1.0, 1.0, 1.0, 1.0], dx);
        Assert.Equal([1.0, 1.0], dx[..2]);
        // 1 + y/α for y = −1518·2^−1074 and y = −α, with 1/α rounded once as for every α: bit for bit what
        // α = 2024 gives at y = −1518 and −2024.
        var ordinary = new double[2];
        ActivationCatalog.Create("celu(2024)").BackwardFromOutput([-1518.0, -2024.0], [1.0, 1.0], ordinary);
        Assert.Equal(ordinary, dx[2..]);
        Near(0.25, dx[2], 1, "celu′ from y = −0.75α");
        Assert.InRange(dx[3], 0, 1e-16);
        Assert.Equal(1.0, DBackward(celu, 0.0));
        Near(2.661289312935245e-109, DBackward(celu, -2.5e-318), 1, "celu′(−2.5e−318; α = 1e−320)");
        Near(0.9513234241473099, DBackward(celu, -5e-322), 1, "celu′(−5e−322; α = 1e−320)");
        Near(2.661289312935245e-109, celu.ReferenceDerivative(-2.5e-318), 1, "celu reference′(−2.5e−318; α = 1e−320)");
        Assert.Equal(-1e-320, D(celu, -2.5e-318));

        // Float data runs double lanes for this α; every non-positive y rounds to −0 or 0, where the slope is 1.
        float[] x = [-1f, -0f, 0f, -1e-30f, float.NegativeInfinity, 2f];
        var y = new float[x.Length];
        var dxf = new float[x.Length];
        celu.Forward(x, y);
        celu.BackwardFromOutput(y, Enumerable.Repeat(1f, x.Length).ToArray(), dxf);
        Assert.Equal(Enumerable.Repeat(1f, x.Length), dxf);

        // The least α there is.
        var least = ActivationCatalog.Create("celu(5e-324)");
        least.BackwardFromOutput([0.0, -5e-324], [1.0, 1.0], dx.AsSpan(0, 2));
        Assert.Equal([1.0, 0.0], dx[..2]);
    }

    [Fact]
    public void Softplus_does_not_flush_the_negative_tail_and_is_exact_in_the_positive_one()
    {
        var softplus = new Softplus();
        Near(3.720075976020836e-44, D(softplus, -100), 1, "softplus(−100) double");
        float tail = F(softplus, -100f);
        Assert.True(tail > 0, "softplus(−100) float must be a subnormal, not 0");
        Near(3.720075976020836e-44, tail, 1, "softplus(−100) float");
        Assert.Equal(100.0, D(softplus, 100));
        Assert.Equal(100f, F(softplus, 100f));
        Near(0.6931471805599453, D(softplus, 0), 0, "softplus(0) = ln 2");
    }

    [Fact]
    public void Logsigmoid_keeps_its_tiny_positive_side()
    {
        var f = new LogSigmoid();
        Near(-3.720075976020836e-44, D(f, 100), 1, "logsigmoid(100) double");
        float tail = F(f, 100f);
        Assert.True(tail < 0, "logsigmoid(100) float must be a negative subnormal, not 0");
        Near(-3.720075976020836e-44, tail, 1, "logsigmoid(100) float");
        Assert.Equal(-100.0, D(f, -100));
        Assert.Equal(double.NegativeInfinity, D(f, double.NegativeInfinity));
    }

    [Fact]
    public void Silu_at_minus_infinity_is_negative_zero_not_nan()
    {
        foreach (Activation f in new Activation[] { new Silu(), new Silu(2.5), new GeluSigmoid(), new Mish() })
        {
            Assert.True(IsNegativeZero(D(f, double.NegativeInfinity)), $"{f}(−∞) double");
            float y = F(f, float.NegativeInfinity);
            Assert.True(y == 0 && float.IsNegative(y), $"{f}(−∞) float");
            Assert.Equal(0.0, DBackward(f, double.NegativeInfinity));
            Assert.Equal(double.PositiveInfinity, D(f, double.PositiveInfinity));
            Assert.Equal(1.0, DBackward(f, double.PositiveInfinity));
        }

        // With a negative β the gate closes for x → +∞ instead.
        var reversed = new Silu(-1.0);
        Assert.Equal(0.0, D(reversed, double.PositiveInfinity));
        Assert.Equal(double.NegativeInfinity, D(reversed, double.NegativeInfinity));
        // β = 0 is x/2 everywhere, infinities included.
        Assert.Equal(double.PositiveInfinity, D(new Silu(0.0), double.PositiveInfinity));
        Assert.Equal(0.5, DBackward(new Silu(0.0), double.NegativeInfinity));
    }

    [Fact]
    public void Products_with_e_to_the_x_keep_full_precision_in_the_tail()
    {
        // x·e^x near x = −740: e^x alone is a subnormal with ~12 significant bits, the product is not.
        Near(-3.09966751123555621519858e-319, D(new Silu(), -740), 1, "silu(−740)");
        Near(-3.09966751123555621519858e-319, D(new Mish(), -740), 1, "mish(−740)");
        Near(-3.095478771355508166259122e-319, DBackward(new Silu(), -740), 1, "silu′(−740)");
        // The double-double 1.702 matters here: a relative error of 2e−17 in the constant costs 7 ULP at −420.
        Near(-1.4865579597462907e-308, D(new GeluSigmoid(), -420), 2, "gelu_sigmoid(−420)");
        Near(-3.2934102413993715e-14, D(new GeluSigmoid(), -20), 2, "gelu_sigmoid(−20)");
    }

    [Fact]
    public void Mish_negative_tail_is_not_flushed()
    {
        var mish = new Mish();
        Near(-3.720075976020836e-42, D(mish, -100), 2, "mish(−100) double");
        float y = F(mish, -100f);
        Assert.True(y < 0, "mish(−100) float must be a negative subnormal, not 0");
        Near(-3.720075976020836e-42, y, 1, "mish(−100) float");
        Near(-3.720075976020836e-42, D(new Silu(), -100), 2, "silu(−100) double");
    }

    [Fact]
    public void Tanhshrink_has_full_relative_accuracy_near_zero()
    {
        var f = new Tanhshrink();
        // x − tanh x in float would be 0 or a few ULPs of 1e−3 here.
        Near(3.333332474974759e-10, F(f, 1e-3f), 1, "tanhshrink(1e−3f)");
        Near(3.33333200000054e-10, D(f, 1e-3), 2, "tanhshrink(1e−3)");
        Assert.True(IsNegativeZero(D(f, -0.0)), "tanhshrink(−0) = −0 (odd)");
        Assert.Equal(double.PositiveInfinity, D(f, double.PositiveInfinity));
    }

    [Fact]
    public void Tanhshrink_coefficients_are_lamberts_convergent()
    {
        // K = s/(3 + s/(5 + … + s/25)) = A/B with A_j = (2j + 1)·A_{j−1} + s·A_{j−2}, A_{−1} = 1, A_0 = 0 and the same
        // recurrence for B with B_{−1} = 0, B_0 = 1 (polynomials in s, coefficient lists, constant term first).
        long[] aPrev = [1], a = [0], bPrev = [0], b = [1];
        for (int j = 1; j <= 12; j++)
        {
            (aPrev, a) = (a, Step(a, aPrev, (2 * j) + 1));
            (bPrev, b) = (b, Step(b, bPrev, (2 * j) + 1));
        }

        var (uTilde, v, w) = Tanhshrink.Coefficients;
        Assert.Equal(0, a[0]);
        Assert.Equal(a.Skip(1).Select(c => (double)c), uTilde);
        Assert.Equal(b.Select(c => (double)c), v);
        Assert.Equal(b.Select((c, i) => (double)(c + (i < a.Length ? a[i] : 0))), w);

        static long[] Step(long[] current, long[] previous, long odd)
        {
            var next = new long[Math.Max(current.Length, previous.Length + 1)];
            for (int i = 0; i < current.Length; i++) next[i] += odd * current[i];
            for (int i = 0; i < previous.Length; i++) next[i + 1] += previous[i];
            return next;
        }
    }

    [Fact]
    public void Selu_uses_the_papers_constants()
    {
        var selu = new Selu();
        Assert.Equal(1.0507009873554805, D(selu, 1.0));
        Assert.Equal(-1.7580993408473768, D(selu, double.NegativeInfinity));
        Assert.Equal(1.0, selu.Info.Gain); // LeCun normal ignores it; PyTorch advises nonlinearity='linear' (gain 1) for SELU
        Assert.Equal(Initialization.LeCun, selu.Info.Init);
        Assert.Equal(1.7580993408473768, DBackward(selu, 0.0));
        Assert.Equal(1.0507009873554805, DBackward(selu, 1e-300));
    }

    [Fact]
    public void Exponential_and_hardswish_named_points()
    {
        // Within one ULP of e in double (the plain polynomial gives 2.7182818284590455); e's nearest float in float.
        Assert.True(Ulp.Double(D(new Exponential(), 1.0), Math.E) <= 1, $"exp(1) = {D(new Exponential(), 1.0):R}");
        var ef = new float[1];
        new Exponential().Forward([1f], ef);
        Assert.Equal(MathF.E, ef[0]);
        Assert.Equal(0.0, D(new Exponential(), -800));
        var hs = new Hardswish();
        Assert.Equal(-0.375, D(hs, -1.5));
        Assert.Equal(0.0, DBackward(hs, -1.5));
        // PyTorch's CPU convention at the kinks.
        Assert.Equal(-0.5, DBackward(hs, -3.0));
        Assert.Equal(1.5, DBackward(hs, 3.0));
        Assert.Equal(0.0, DBackward(hs, -3.0000000000000004));
        Assert.Equal(1.0, DBackward(hs, 3.0000000000000004));
    }

    [Fact]
    public void Softplus_kernel_called_directly_with_beta_other_than_one_gives_the_drivers_bits()
    {
        // The element-wise driver routes β ≠ 1 to ForwardForParameters; a caller of the kernel's Forward gets the same
        // scaled form (in double lanes, at every width).
        var x = new[] { -800.0, -30.0, -1.25, -0.0, 0.0, 1e-300, 0.75, 9.999, 10.5, 400.0, double.PositiveInfinity, double.NegativeInfinity };
        var expected = new double[x.Length];
        new Softplus(beta: 2, threshold: 20).Forward(x, expected);
        var kernel = new Softplus.Kernel_(2, 20);
        for (int i = 0; i < x.Length; i++)
        {
            double scalar = kernel.Forward(new ActivationKit.Simd.S<double>(x[i])).Value;
            double wide = kernel.Forward(ActivationKit.Simd.V512<double>.Create(x[i])).Value[0];
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i]), BitConverter.DoubleToInt64Bits(scalar));
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i]), BitConverter.DoubleToInt64Bits(wide));
        }
    }

    [Fact]
    public void Softplus_threshold_follows_pytorch()
    {
        // Linear only when β·x > threshold, strictly.
        var sp = new Softplus(beta: 2, threshold: 20);
        Near(10.000000001030577, D(sp, 10.0), 1, "softplus(10; β = 2) = ln(1 + e^20)/2");
        double above = Math.BitIncrement(10.0);
        Assert.Equal(above, D(sp, above));
        Near(0.9999999979388464, DBackward(sp, 10.0), 1, "softplus′(10; β = 2) = σ(20)");
        Assert.Equal(1.0, DBackward(sp, above));

        var standard = new Softplus();
        Near(20.000000002061153, D(standard, 20.0), 1, "softplus(20)");
        Assert.Equal(Math.BitIncrement(20.0), D(standard, Math.BitIncrement(20.0)));

        // threshold = ∞: Keras/JAX/ONNX semantics, never switched.
        var smooth = new Softplus(threshold: double.PositiveInfinity);
        Near(30.000000000000092, D(smooth, 30.0), 1, "softplus(30; threshold = ∞)");
        Assert.Equal(1e300, D(smooth, 1e300));
        Assert.Equal(double.PositiveInfinity, D(smooth, double.PositiveInfinity));
        Assert.Equal(1.0, DBackward(smooth, double.PositiveInfinity));
    }

    [Theory]
    [InlineData("softplus(beta=0)", "beta", "(0, ∞)")]
    [InlineData("softplus(beta=-1)", "beta", "(0, ∞)")]
    [InlineData("softplus(beta=inf)", "beta", "(0, ∞)")]
    [InlineData("softplus(threshold=0)", "threshold", "(0, ∞]")] // ∞ itself disables the threshold (F4)
    [InlineData("softplus(threshold=-5)", "threshold", "(0, ∞]")]
    [InlineData("celu(alpha=0)", "alpha", "(0, ∞)")]
    [InlineData("celu(alpha=-1)", "alpha", "(0, ∞)")]
    [InlineData("silu(beta=nan)", "beta", "a finite number")]
    [InlineData("swish(beta=inf)", "beta", "a finite number")]
    [InlineData("elu(alpha=-inf)", "alpha", "a finite number")]
    public void Invalid_parameters_are_rejected_with_the_rule(string spec, string parameter, string range)
    {
        var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(spec));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains($"'{parameter}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(range, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructors_validate_like_the_catalog()
    {
        var e = Assert.Throws<ArgumentException>(() => new Softplus(beta: 0));
        Assert.Equal("softplus: parameter 'beta' must be in (0, ∞), got 0.", e.Message.Split(" (Parameter")[0]);
        e = Assert.Throws<ArgumentException>(() => new Celu(0));
        Assert.Equal("celu: parameter 'alpha' must be in (0, ∞), got 0.", e.Message.Split(" (Parameter")[0]);
        // Accepted: negative ELU α and Swish β (as in PyTorch / Swish), an infinite softplus threshold.
        _ = new Elu(-0.5);
        _ = new Silu(-2);
        _ = new Softplus(threshold: double.PositiveInfinity);
        Assert.IsType<Silu>(ActivationCatalog.Create("swish(beta=1.5)"));
        Assert.IsType<GeluSigmoid>(ActivationCatalog.Create("quick_gelu"));
    }

    [Fact]
    public void Elu_backward_from_output_needs_a_non_negative_alpha()
    {
        var negative = new Elu(-0.5);
        Assert.False(negative.SupportsBackwardFromOutput);
        var e = Assert.Throws<NotSupportedException>(() => negative.BackwardFromOutput(new double[1], new double[1], new double[1]));
        Assert.Contains("alpha", e.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => negative.BackwardFromOutput(new float[1], new float[1], new float[1]));

        foreach (var f in new Activation[] { new Elu(0.0), new Elu(0.5), new Celu(2.5), new Selu(), new Exponential() })
        {
            Assert.True(f.SupportsBackwardFromOutput);
            var x = Enumerable.Range(0, 200).Select(i => (i - 120) / 10.0).ToArray();
            var dy = x.Select(v => 1.0 + (0.01 * v)).ToArray();
            var y = new double[x.Length];
            var fromX = new double[x.Length];
            var fromY = new double[x.Length];
            f.Forward(x, y);
            f.Backward(x, dy, fromX);
            f.BackwardFromOutput(y, dy, fromY);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(fromX[i] - fromY[i]) <= 1e-12 * Math.Max(1, Math.Abs(fromX[i])), $"{f} at {x[i]}: {fromX[i]:R} vs {fromY[i]:R}");
            }
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(1.7)]
    [InlineData(-0.8)]
    [InlineData(0.0)]
    public void Silu_beta_gradient_matches_finite_differences(double beta)
    {
        var rng = new Random(31);
        int n = 257;
        var x = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 16) - 8).ToArray();
        var dy = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
        new Silu(beta).BetaGradient(x, dy, out double analytic);

        double h = 1e-5;
        double numeric = (Loss(beta + h) - Loss(beta - h)) / (2 * h);
        Assert.True(Math.Abs(analytic - numeric) <= 1e-7 * Math.Max(1, Math.Abs(analytic)), $"β = {beta}: analytic {analytic:R}, finite difference {numeric:R}");

        // The float overload accumulates the same double terms.
        var xf = x.Select(v => (float)v).ToArray();
        var dyf = dy.Select(v => (float)v).ToArray();
        new Silu(beta).BetaGradient(xf, dyf, out double fromFloat);
        new Silu(beta).BetaGradient(xf.Select(v => (double)v).ToArray(), dyf.Select(v => (double)v).ToArray(), out double fromWidened);
        Assert.Equal(fromWidened, fromFloat);

        double Loss(double b)
        {
            var y = new double[n];
            new Silu(b).Forward(x, y);
            double sum = 0;
            for (int i = 0; i < n; i++) sum += dy[i] * y[i];
            return sum;
        }
    }

    [Theory]
    [InlineData(-3.0, 1.0, 0.4065899375782092)]
    [InlineData(2.0, 1.0, 0.4199743416140261)]
    [InlineData(-700.0, 1.0, 4.831241506442288e-299)]
    [InlineData(-750.0, 1.0, 1.0697e-320)]
    [InlineData(5.0, -0.8, 0.4415676553322778)]
    [InlineData(30.0, 1.7, 6.385926746056243e-20)]
    public void Silu_beta_partial_matches_mpmath(double x, double beta, double expected)
    {
        new Silu(beta).BetaGradient([x], [1.0], out double g);
        Near(expected, g, expected < 1e-300 ? 8 : 4, $"∂silu/∂β at x = {x}, β = {beta}");
    }

    [Fact]
    public void Silu_beta_gradient_handles_infinities_and_lengths()
    {
        // ∂f/∂β = x²σ(βx)σ(−βx) → 0 at ±∞ (not ∞·0 = NaN).
        new Silu().BetaGradient([double.NegativeInfinity, double.PositiveInfinity, 2.0], [1.0, 1.0, 1.0], out double g);
        Assert.Equal(4 * (1 / (1 + Math.Exp(-2.0))) * (1 / (1 + Math.Exp(2.0))), g, 15);
        new Silu().BetaGradient(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, out double empty);
        Assert.Equal(0.0, empty);
        var e = Assert.Throws<ArgumentException>(() => new Silu().BetaGradient(new double[3], new double[2], out _));
        Assert.Equal("dy", e.ParamName);
        Assert.Throws<ArgumentException>(() => new Silu().BetaGradient(new float[3], new float[4], out _));
    }

    [Fact]
    public void Derivative_zeros_are_where_the_derivative_changes_sign()
    {
        foreach (var name in new[] { "silu", "gelu_sigmoid", "mish", "hardswish" })
        {
            var f = (ElementwiseActivation)ActivationCatalog.Create(name);
            foreach (double z in f.Info.DerivativeZeros)
            {
                Assert.True(f.ReferenceDerivative(z - 1e-6) < 0 && f.ReferenceDerivative(z + 1e-6) > 0, $"{name}′ should change sign at {z}");
                Assert.True(Math.Abs(DBackward(f, z)) < 1e-15, $"{name}′({z}) = {DBackward(f, z):R}");
            }
        }
    }

    [Theory]
    [InlineData(1e300)]
    [InlineData(-1e300)]
    [InlineData(double.MaxValue)]
    [InlineData(1e80)]
    [InlineData(7.0)]
    [InlineData(5e-324)]
    public void Elu_slope_decays_to_zero_for_every_alpha_in_double(double alpha)
    {
        // α·e^x for x ≤ 0: with x below −900 counted as e^−900, α = 1e300 left the slope at 1.4e−91 from x = −960
        // down to −∞; the exact values are 5.1e−135 at −1000 and 0 from about −1455 on.
        var elu = new Elu(alpha);
        double[] xs = [double.NegativeInfinity, -1e5, -1455, -1400, -1000, -960, -745, -700, -100, -1, -1e-300];
        var dx = new double[xs.Length];
        elu.Backward(xs, Enumerable.Repeat(1.0, xs.Length).ToArray(), dx);
        for (int i = 0; i < xs.Length; i++)
        {
            double r = elu.ReferenceDerivative(xs[i]);
            Assert.True(Ulp.Double(dx[i], r) <= 4, $"elu(alpha={alpha:R})′({xs[i]:R}) = {dx[i]:R}, reference {r:R}");
            Assert.Equal(dx[i], DBackward(elu, xs[i]));
        }

        Assert.Equal(0.0, Math.Abs(dx[0]));
    }
}
