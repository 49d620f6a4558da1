using System.Globalization;
using ActivationKit.Catalog;

namespace ActivationKit.Tests;

/// <summary>
/// Each parameter's printed range, the values it accepts and the message that refuses the others agree, and spell the
/// infinities "∞" and "−∞". An exploratory tester's finding F4: hardtanh accepted ±∞ bounds but refused NaN as "must be a
/// finite number"; softplus accepted threshold = ∞ under the range "(0, ∞)"; hardshrink, softshrink and squareplus
/// refused ∞ as "must be finite, got Infinity" under "[0, ∞)".
/// </summary>
public class ParameterRangeTests
{
    public static TheoryData<string, string> AllParameters()
    {
        var data = new TheoryData<string, string>();
        foreach (var info in ActivationCatalog.All)
        {
            foreach (var p in info.Parameters) data.Add(info.Name, p.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllParameters))]
    public void An_infinity_is_accepted_exactly_where_the_range_closes_at_it(string function, string parameter)
    {
        var spec = ActivationCatalog.Find(function)!.Parameters.Single(p => p.Name == parameter);
        string range = spec.RangeText;
        Assert.Matches(@"^[\[(].+, .+[\])]$", range);
        Assert.DoesNotContain("Infinity", range, StringComparison.Ordinal);
        Assert.DoesNotContain("E+", range, StringComparison.Ordinal);

        foreach (var (text, value, closed) in new[] { ("inf", double.PositiveInfinity, range.EndsWith("∞]", StringComparison.Ordinal)), ("-inf", double.NegativeInfinity, range.StartsWith("[−∞", StringComparison.Ordinal)) })
        {
            string call = $"{function}({parameter}={text})";
            if (closed)
            {
                Assert.Equal(value, ActivationCatalog.Create(call).Parameters[spec.Index(function)]);
                continue;
            }

            string rule = range == "(−∞, ∞)" ? "a finite number" : $"in {range}";
            var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(call));
            Assert.Equal($"{function}: parameter '{parameter}' must be {rule}, got {(value > 0 ? "∞" : "−∞")}.", ExceptionMessages.WithoutParameterName(e));
        }

        var nan = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create($"{function}({parameter}=nan)"));
        Assert.EndsWith(", got NaN.", ExceptionMessages.WithoutParameterName(nan), StringComparison.Ordinal);
        Assert.Contains(range == "(−∞, ∞)" ? "must be a finite number" : $"must be in {range}", nan.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hardtanh(max_val=nan)", "hardtanh: parameter 'max_val' must be in (−∞, ∞], got NaN.")]
    [InlineData("hardtanh(min_val=nan)", "hardtanh: parameter 'min_val' must be in [−∞, ∞), got NaN.")]
    [InlineData("hardtanh(min_val=inf, max_val=inf)", "hardtanh: parameter 'min_val' must be in [−∞, ∞), got ∞.")]
    [InlineData("hardtanh(min_val=-inf, max_val=-inf)", "hardtanh: parameter 'max_val' must be in (−∞, ∞], got −∞.")]
    [InlineData("hardtanh(min_val=1e300, max_val=1)", "hardtanh: min_val (1e300) must not be greater than max_val (1).")]
    [InlineData("hardshrink(lambd=inf)", "hardshrink: parameter 'lambd' must be in [0, ∞), got ∞.")]
    [InlineData("softshrink(lambd=inf)", "softshrink: parameter 'lambd' must be in [0, ∞), got ∞.")]
    [InlineData("squareplus(b=inf)", "squareplus: parameter 'b' must be in [0, ∞), got ∞.")]
    [InlineData("softplus(threshold=-inf)", "softplus: parameter 'threshold' must be in (0, ∞], got −∞.")]
    [InlineData("leaky_relu(negative_slope=-inf)", "leaky_relu: parameter 'negative_slope' must be a finite number, got −∞.")]
    [InlineData("rrelu(lower=inf)", "rrelu: parameter 'lower' must be a finite number, got ∞.")]
    [InlineData("rrelu(lower=1e300, upper=1)", "rrelu: lower (1e300) must not be greater than upper (1).")]
    [InlineData("threshold(value=inf)", "threshold: parameter 'value' must be a finite number, got ∞.")]
    [InlineData("thresholded_relu(theta=-inf)", "thresholded_relu: parameter 'theta' must be a finite number, got −∞.")]
    [InlineData("snake(alpha=1e300)", "snake: parameter 'alpha' must be in (0, 1e200], got 1e300.")]
    [InlineData("prelu(init=1e39)", "prelu: parameter 'init' must be a finite float (|init| ≤ 3.4e38), got 1e39.")]
    [InlineData("prelu(init=1e-310)", "prelu: parameter 'init' must be 0 or at least 1.4e-45 in magnitude (the slopes are floats, and a smaller one would be 0), got 1e-310.")]
    [InlineData("prelu(num_parameters=1.5)", "prelu: parameter 'num_parameters' must be a whole number, got 1.5.")]
    public void Refusals_name_the_range_and_spell_infinity_one_way(string call, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(call));
        Assert.Equal(message, ExceptionMessages.WithoutParameterName(e));
    }

    [Fact]
    public void Constructors_refuse_with_the_same_sentence_as_specs()
    {
        // The functions' own checks said "must be finite, got Infinity"; the spec's check now speaks for them.
        Assert.Equal("hardshrink: parameter 'lambd' must be in [0, ∞), got ∞.", ExceptionMessages.WithoutParameterName(Assert.Throws<ArgumentException>(() => new Functions.Hardshrink(double.PositiveInfinity))));
        Assert.Equal("leaky_relu: parameter 'negative_slope' must be a finite number, got −∞.", ExceptionMessages.WithoutParameterName(Assert.Throws<ArgumentException>(() => new Functions.LeakyRelu(double.NegativeInfinity))));
        Assert.Equal("prelu: every slope must be finite; slope 1 is ∞.", ExceptionMessages.WithoutParameterName(Assert.Throws<ArgumentException>(() => new Functions.Prelu([0.1f, float.PositiveInfinity]))));
    }

    [Fact]
    public void The_infinities_the_ranges_accept_work_in_the_kernels()
    {
        double[] x = [double.NegativeInfinity, -1e300, -2, -0.0, 0, 3, 1e300, double.PositiveInfinity];

        // hardtanh(−∞, ∞) is the identity, hardtanh(−∞, 1) clips above only.
        var open = ActivationCatalog.Create("hardtanh(min_val=-inf, max_val=inf)");
        var y = new double[x.Length];
        open.Forward(x, y);
        Assert.Equal(x, y);
        var below = ActivationCatalog.Create("hardtanh(min_val=-inf)");
        below.Forward(x, y);
        Assert.Equal([double.NegativeInfinity, -1e300, -2, -0.0, 0, 1, 1, 1], y);
        var floats = new float[] { float.NegativeInfinity, -3e38f, -2f, 0.5f, 2f, float.PositiveInfinity };
        var fy = new float[floats.Length];
        below.Forward(floats, fy);
        Assert.Equal([float.NegativeInfinity, -3e38f, -2f, 0.5f, 1f, 1f], fy);

        // softplus with threshold ∞ never switches to the identity, and stays finite and exact in the tails.
        var softplus = ActivationCatalog.Create("softplus(threshold=inf)");
        double[] s = [-800, -30, 0, 30, 800];
        var sy = new double[s.Length];
        softplus.Forward(s, sy);
        Assert.Equal(Math.Exp(-800), sy[0], 1e-300);
        Assert.Equal(Math.Exp(-30), sy[1], 1e-25); // ln(1 + t) = t − t²/2 + …, and t²/2 ≈ 4e−27
        Assert.Equal(Math.Log(2), sy[2], 1e-15);
        Assert.Equal(30 + Math.Exp(-30), sy[3], 1e-13);
        Assert.Equal(800, sy[4]);
        Assert.Empty(softplus.Kinks);
    }

    [Theory]
    [InlineData(1e200, "1e200")]
    [InlineData(1e-5, "1e-5")]
    [InlineData(-3.4e38, "-3.4e38")]
    [InlineData(0.25, "0.25")]
    [InlineData(double.PositiveInfinity, "∞")]
    [InlineData(double.NegativeInfinity, "−∞")]
    [InlineData(double.NaN, "NaN")]
    public void Values_are_written_with_a_plain_exponent_and_one_infinity(double value, string text)
    {
        Assert.Equal(text, ParameterSpec.Fmt(value));
        Assert.Equal(value, double.Parse(text.Replace("−∞", "-∞", StringComparison.Ordinal).Replace("∞", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// An instance's parameters are its own: <see cref="Activation.Parameters"/> was the array behind it, so a cast to
    /// double[] rewrote what ToString says (even to NaN, past validation) while the kernels kept the old value.
    /// </summary>
    [Fact]
    public void Parameters_cannot_be_changed_from_outside()
    {
        var f = ActivationCatalog.Create("leaky_relu(0.2)");
        Assert.False(f.Parameters is double[], "Parameters is the instance's own array");
        Assert.Throws<NotSupportedException>(() => ((IList<double>)f.Parameters)[0] = 5.0);
        var y = new float[1];
        f.Forward([-1f], y);
        Assert.Equal(-0.2f, y[0]);
        Assert.Equal("leaky_relu(negative_slope=0.2)", f.ToString());
    }
}

/// <summary>The position of a parameter in its function's list.</summary>
internal static class ParameterSpecIndex
{
    public static int Index(this ParameterSpec spec, string function) =>
        ActivationCatalog.Find(function)!.Parameters.ToList().IndexOf(spec);
}
