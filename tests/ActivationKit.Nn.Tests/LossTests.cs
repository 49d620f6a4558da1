using ActivationKit.Nn;

namespace ActivationKit.Nn.Tests;

public class LossTests
{
    public static TheoryData<string> Names => new() { "mse", "mae", "huber", "huber(0.3)", "bce", "multilabel_bce", "cross_entropy", "cross_entropy_probabilities" };

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientMatchesFiniteDifferences(string name)
    {
        const int rows = 4, cols = 3;
        bool probabilities = name == "cross_entropy_probabilities";
        var loss = Losses.Parse(probabilities ? "cross_entropy" : name);
        var rng = new Rng(7);
        var z = new float[rows * cols];
        for (int i = 0; i < z.Length; i++) z[i] = (float)rng.NextUniform(-3, 3);
        float[] t;
        if (loss.TargetColumns(cols) == 1 && !probabilities)
        {
            t = new float[rows];
            for (int r = 0; r < rows; r++) t[r] = rng.NextInt(cols);
        }
        else
        {
            t = new float[rows * cols];
            for (int i = 0; i < t.Length; i++) t[i] = (float)rng.NextDouble();
            if (probabilities)
            {
                for (int r = 0; r < rows; r++)
                {
                    float s = t[(r * cols)..((r + 1) * cols)].Sum();
                    for (int j = 0; j < cols; j++) t[(r * cols) + j] /= s;
                }
            }
        }

        var grad = new float[z.Length];
        loss.Compute(z, t, rows, cols, grad);

        // Finite differences on doubles: a float output cannot carry the step, so perturb through a double copy
        // of the loss formula by evaluating at z ± h with h large enough to be exact in float (a power of two).
        for (int i = 0; i < z.Length; i++)
        {
            float keep = z[i];
            const float h = 1f / 1024;
            z[i] = keep + h;
            double lp = loss.Compute(z, t, rows, cols, Span<float>.Empty);
            z[i] = keep - h;
            double lm = loss.Compute(z, t, rows, cols, Span<float>.Empty);
            z[i] = keep;
            double fd = (lp - lm) / (2.0 * h);
            Assert.True(Math.Abs(fd - grad[i]) <= 2e-5 + (1e-3 * Math.Abs(fd)), $"{name}: d/dz[{i}] analytic {grad[i]} vs finite difference {fd}");
        }
    }

    [Fact]
    public void LogitLossesAreStableForHugeLogits()
    {
        var g = new float[2];
        double bce = Losses.BinaryCrossEntropy.Compute([1000f, -1000f], [1f, 0f], 2, 1, g);
        Assert.Equal(0, bce, 12);
        Assert.Equal(0f, g[0]);
        double bceWrong = Losses.BinaryCrossEntropy.Compute([1000f, -1000f], [0f, 1f], 2, 1, g);
        Assert.Equal(1000, bceWrong, 9);
        Assert.Equal(0.5f, g[0]);
        Assert.Equal(-0.5f, g[1]);

        var g3 = new float[3];
        double ce = Losses.SoftmaxCrossEntropy.Compute([1000f, -1000f, 0f], [0f], 1, 3, g3);
        Assert.Equal(0, ce, 12);
        double ceWrong = Losses.SoftmaxCrossEntropy.Compute([1000f, -1000f, 0f], [1f], 1, 3, g3);
        Assert.Equal(2000, ceWrong, 9);
        Assert.True(g3.All(float.IsFinite));
    }

    [Fact]
    public void KnownValues()
    {
        Assert.Equal(2.5, Losses.MeanSquaredError.Compute([1f, 2f], [0f, 4f], 1, 2, Span<float>.Empty), 12);
        Assert.Equal(1.5, Losses.MeanAbsoluteError.Compute([1f, 2f], [0f, 4f], 1, 2, Span<float>.Empty), 12);
        Assert.Equal((0.5 + 1.5) / 2, Losses.Huber(1).Compute([1f, 2f], [0f, 4f], 1, 2, Span<float>.Empty), 12);
        Assert.Equal(Math.Log(2), Losses.BinaryCrossEntropy.Compute([0f], [1f], 1, 1, Span<float>.Empty), 12);
        Assert.Equal(Math.Log(3), Losses.SoftmaxCrossEntropy.Compute([0f, 0f, 0f], [2f], 1, 3, Span<float>.Empty), 12);
        Assert.Equal(2 * Math.Log(2), Losses.MultiLabelBinaryCrossEntropy.Compute([0f, 0f], [1f, 0f], 1, 2, Span<float>.Empty), 12);
    }

    /// <summary>
    /// A refused Huber delta is quoted as written: 1e999 was reported as "got Infinity" and 1e-400 as "got 0", values the
    /// user never wrote; one beyond the doubles is said to overflow, one below the smallest to round to 0.
    /// </summary>
    [Theory]
    [InlineData("huber(1E999)", "Huber delta must be finite and > 0, got '1E999', which overflows: it is beyond the largest finite double, ±1.7976931348623157E+308.")]
    [InlineData("huber(-1e999)", "Huber delta must be finite and > 0, got '-1e999', which overflows: it is beyond the largest finite double, ±1.7976931348623157E+308.")]
    [InlineData("huber(delta=1e999)", "Huber delta must be finite and > 0, got '1e999', which overflows: it is beyond the largest finite double, ±1.7976931348623157E+308.")]
    [InlineData("huber(1e-400)", "Huber delta must be finite and > 0, got '1e-400', which rounds to 0: it is below the smallest positive double, 5E-324.")]
    [InlineData("huber(Infinity)", "Huber delta must be finite and > 0, got 'Infinity'.")]
    [InlineData("huber(-0.0)", "Huber delta must be finite and > 0, got '-0.0'.")]
    [InlineData("huber(0e5)", "Huber delta must be finite and > 0, got '0e5'.")]
    [InlineData("huber(-2)", "Huber delta must be finite and > 0, got '-2'.")]
    public void A_refused_huber_delta_is_quoted_as_written(string spec, string message)
    {
        Assert.Equal(message + " (Parameter 'spec')", Assert.Throws<ArgumentException>(() => Losses.Parse(spec)).Message);
    }

    /// <summary>
    /// The engine's loss reader and the network check read a loss's value with the one parser (LossSpec): each spec is
    /// taken by both or refused by both in the same words. The check kept a copy of the Huber delta's reading, which took
    /// huber(delta = 2) where train refused it and refused huber (2) where train took it.
    /// </summary>
    [Theory]
    [InlineData("huber(-1)", "Huber delta must be finite and > 0, got '-1'.")]
    [InlineData("huber(delta=1e-400)", "Huber delta must be finite and > 0, got '1e-400', which rounds to 0: it is below the smallest positive double, 5E-324.")]
    [InlineData("huber(2", "Malformed loss 'huber(2': expected huber or huber(DELTA).")]
    [InlineData("huber(delta=)", "Malformed loss 'huber(delta=)': expected huber or huber(DELTA).")]
    [InlineData("mse(2)", "Loss 'mse(2)' takes no value in parentheses; only huber(DELTA) does.")]
    [InlineData("CE(0.1)", "Loss 'CE(0.1)' takes no value in parentheses; only huber(DELTA) does.")]
    [InlineData("huber (2)", null)]
    [InlineData("huber(delta = 2)", null)]
    [InlineData(" Huber( 0.5 ) ", null)]
    public void Losses_parse_reads_a_value_as_the_network_check_does(string loss, string? message)
    {
        string json = $$"""{"inputs": 4, "task": "regression", "loss": "{{loss}}", "layers": [{"units": 3, "activation": "relu"}, {"units": 1, "activation": "identity"}]}""";
        if (message is null)
        {
            Assert.StartsWith("huber(delta=", Losses.Parse(loss).Name, StringComparison.Ordinal);
            Assert.Empty(Advisor.NetworkCheck.Check(Advisor.NetworkSpec.Parse(json)));
            return;
        }

        Assert.Equal(message + " (Parameter 'spec')", Assert.Throws<ArgumentException>(() => Losses.Parse(loss)).Message);
        Assert.Equal(message + " (Parameter 'spec')", Assert.Throws<ArgumentException>(() => Advisor.NetworkCheck.Check(Advisor.NetworkSpec.Parse(json))).Message);
    }

    [Fact]
    public void An_unknown_name_with_a_value_is_an_unknown_loss()
    {
        // foo(2) and huberx are not losses; they are not "a loss that takes no value" or "a malformed huber".
        Assert.Equal("Unknown loss 'foo(2)' (valid: mse, mae, huber(delta), bce, multilabel_bce, cross_entropy). (Parameter 'spec')", Assert.Throws<ArgumentException>(() => Losses.Parse("foo(2)")).Message);
        Assert.StartsWith("Unknown loss 'huberx' (valid:", Assert.Throws<ArgumentException>(() => Losses.Parse("huberx")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorsAreClear()
    {
        Assert.Contains("valid", Assert.Throws<ArgumentException>(() => Losses.Parse("hinge")).Message);
        Assert.Throws<ArgumentException>(() => Losses.Parse("huber(x)"));
        Assert.Contains("> 0", Assert.Throws<ArgumentException>(() => Losses.Parse("huber(-1)")).Message);
        Assert.Equal("huber(delta=0.001)", Losses.Parse("Huber(1e-3)").Name);
        Assert.Equal("huber(delta=1E-05)", Losses.Parse(Losses.Huber(1e-5).Name).Name);
        Assert.Throws<ArgumentException>(() => Losses.Huber(0));
        Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError.Compute([1f], [1f, 2f], 1, 1, Span<float>.Empty));
        var ex = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy.Compute([0f, 0f], [2f], 1, 2, Span<float>.Empty));
        Assert.Contains("class index", ex.Message);
        Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy.Compute([0f, 0f], [0.5f], 1, 2, Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy.Compute([0f, 0f], [0f, 1f, 0f], 1, 2, Span<float>.Empty));
    }

    [Theory]
    [InlineData(new[] { 0.5f, 0.5f, 0.6f, 0.6f }, "row 2", "sum to 1.2")]
    [InlineData(new[] { 1.5f, -0.5f, 0.5f, 0.5f }, "row 1", "column 1")]
    [InlineData(new[] { 0.5f, 0.5f, float.NaN, 1f }, "row 2", "NaN")]
    [InlineData(new[] { 0.25f, 0.25f, 0.5f, 0.5f }, "row 1", "sum to 0.5")]
    public void ProbabilityTargetsMustBeDistributions(float[] targets, string row, string detail)
    {
        // softmax(z) − t is the gradient only of a row whose targets sum to 1; any other row would train on a gradient
        // that is not its loss's, so it is refused with the row named.
        var ex = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy.Compute([0f, 1f, 2f, 3f], targets, 2, 2, new float[4]));
        Assert.Contains(row, ex.Message);
        Assert.Contains(detail, ex.Message);

        // a row normalised in float (sums within rounding of 1) is taken
        float third = 1f / 3;
        double loss = Losses.SoftmaxCrossEntropy.Compute([0f, 0f, 0f], [third, third, third], 1, 3, new float[3]);
        Assert.Equal(Math.Log(3), loss, 6);
    }
}
