using ActivationKit.Catalog;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

public sealed class TargetScalingTests
{
    // Two target columns of very different scales: a price-like one around 10⁵ and one around −3.
    private static Dataset TwoColumns()
    {
        var rng = new Random(7);
        int rows = 64;
        var x = new float[rows * 3];
        var t = new float[rows * 2];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < 3; j++) x[(r * 3) + j] = (float)(rng.NextDouble() * 2 - 1);
            t[r * 2] = (float)(1e5 + (3e4 * x[r * 3]) + (1e3 * rng.NextDouble()));
            t[(r * 2) + 1] = (float)(-3 + (0.01 * x[(r * 3) + 1]));
        }

        return new Dataset("two", x, 3, t, 2, 0);
    }

    [Fact]
    public void Fit_gives_each_column_its_mean_and_population_std_and_Transform_standardises()
    {
        var data = TwoColumns();
        var s = TargetScaling.Fit(data);
        for (int c = 0; c < 2; c++)
        {
            var column = Enumerable.Range(0, data.Rows).Select(r => (double)data.Targets[(r * 2) + c]).ToArray();
            double mean = column.Average();
            double std = Math.Sqrt(column.Sum(v => (v - mean) * (v - mean)) / column.Length);
            Assert.Equal(mean, s.Mean[c], 1e-9 * Math.Abs(mean));
            Assert.Equal(std, s.Std[c], 1e-9 * std);

            var scaled = s.Transform(data);
            var z = Enumerable.Range(0, data.Rows).Select(r => (double)scaled.Targets[(r * 2) + c]).ToArray();
            Assert.Equal(0, z.Average(), 1e-5);
            Assert.Equal(1, Math.Sqrt(z.Sum(v => v * v) / z.Length), 1e-5);
        }

        // Features untouched.
        Assert.Same(data.Features, s.Transform(data).Features);
    }

    [Fact]
    public void A_constant_column_is_only_centred()
    {
        var data = new Dataset("constant", [1, 2, 3, 4], 1, [5e4f, 5e4f, 5e4f, 5e4f], 1, 0);
        var s = TargetScaling.Fit(data);
        Assert.Equal(5e4, s.Mean[0]);
        Assert.Equal(1.0, s.Std[0]);
        Assert.All(s.Transform(data).Targets, t => Assert.Equal(0f, t));
    }

    [Fact]
    public void Folding_makes_the_network_predict_in_the_targets_units_and_unfolding_undoes_it()
    {
        var data = TwoColumns();
        var s = TargetScaling.Fit(data);
        var net = Mlp.Build(3, [8], "tanh", 2);
        net.Initialize(Initializer.Auto, 3);
        var before = net.Predict(data.Features, data.Rows);
        s.FoldInto(net);
        var after = net.Predict(data.Features, data.Rows);
        for (int i = 0; i < after.Length; i++)
        {
            double expected = (before[i] * s.Std[i % 2]) + s.Mean[i % 2];
            Assert.Equal(expected, after[i], 1e-5 * Math.Max(1, Math.Abs(expected)));
        }

        s.UnfoldFrom(net);
        var back = net.Predict(data.Features, data.Rows);
        for (int i = 0; i < back.Length; i++) Assert.Equal(before[i], back[i], 1e-4);
    }

    [Fact]
    public void Training_on_scaled_targets_and_folding_fits_targets_far_from_unit_scale()
    {
        // y = 10⁵ + 3·10⁴·x₀: the unscaled run ends far below R² 0 in the same epochs (the bias creeps by about lr per step).
        var rng = new Random(1);
        int rows = 400;
        var x = new float[rows];
        var t = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            x[r] = (float)((rng.NextDouble() * 4) - 2);
            t[r] = (float)(1e5 + (3e4 * Math.Sin(x[r])));
        }

        var data = new Dataset("price", x, 1, t, 1, 0);
        var options = new TrainerOptions { Epochs = 40, Seed = 1, EvaluateTrainingSet = false };

        var plain = Mlp.Build(1, [16], "tanh", 1);
        plain.Initialize(Initializer.Auto, 1);
        Trainer.Fit(plain, data, null, options);
        Assert.True(Trainer.Evaluate(plain, data).R2 < 0);

        var scaling = TargetScaling.Fit(data);
        var scaled = Mlp.Build(1, [16], "tanh", 1);
        scaled.Initialize(Initializer.Auto, 1);
        Trainer.Fit(scaled, scaling.Transform(data), null, options);
        scaling.FoldInto(scaled);
        Assert.True(Trainer.Evaluate(scaled, data).R2 > 0.95);
    }

    [Theory]
    [InlineData(null, "mse", 1, true)]
    [InlineData("identity", "mae", 3, true)]
    [InlineData(null, "huber(2)", 1, true)]
    [InlineData(null, "huber(2)", 2, false)]
    [InlineData("sigmoid", "mse", 1, false)]
    [InlineData("softplus", "mse", 1, false)]
    [InlineData(null, "bce", 1, false)]
    [InlineData("leaky_relu(1)", "mse", 1, true)]
    [InlineData("hardtanh(-inf, inf)", "mse", 1, true)]
    [InlineData("leaky_relu", "mse", 1, false)]
    [InlineData("prelu(init=1)", "mse", 1, false)]
    [InlineData("hardshrink(0.0001)", "mse", 1, false)]
    [InlineData("hardtanh(-2e30, 2e30)", "mse", 1, false)]
    public void Applies_to_linear_outputs_with_losses_on_the_outputs(string? output, string loss, int columns, bool applies)
    {
        var f = output is null ? null : ActivationCatalog.Create(output);
        Assert.Equal(applies, TargetScaling.Applies(f, Losses.Parse(loss), columns));
    }

    [Fact]
    public void Huber_delta_is_rescaled_with_the_target_and_other_losses_are_kept()
    {
        var data = new Dataset("h", [1, 2, 3, 4], 1, [0, 20, 0, 20], 1, 0);
        var s = TargetScaling.Fit(data);
        Assert.Equal(10.0, s.Std[0]);
        var scaled = s.LossOnScaled(Losses.Parse("huber(5)"));
        Assert.Equal("huber(delta=0.5)", scaled.Name);
        Assert.Same(Losses.MeanSquaredError, s.LossOnScaled(Losses.MeanSquaredError));

        // δ′ = 0.5 < 1: the loss is divided by δ′, so a residual beyond it has gradient ±1/n (as mae's), not ±δ′/n. δ = 1 on
        // targets of 10¹⁰ gave gradients of 10⁻¹⁰, below Adam's ε, and trained to R² −3.8.
        var gradient = new float[2];
        double value = scaled.Compute([3f, 0.25f], [0f, 0f], 2, 1, gradient);
        Assert.Equal(((0.5 * (3 - 0.25)) + (0.5 * 0.25 * 0.25)) / 2 / 0.5, value, 12);
        Assert.Equal(0.5f, gradient[0]);
        Assert.Equal(0.25f, gradient[1]);
    }

    [Fact]
    public void Tiny_spreads_are_divided_out_and_only_a_spread_below_the_means_resolution_is_left()
    {
        // An absolute floor of 1e−30 left targets of 1e−32 at std 1: they trained to an R² of −5e60.
        var small = TargetScaling.Fit(new Dataset("small", [1, 2, 3, 4], 1, [1e-32f, -1e-32f, 3e-32f, -3e-32f], 1, 0));
        Assert.True(small.Scaled[0]);
        Assert.Equal(Math.Sqrt(5) * 1e-32, small.Std[0], 1e-40);
        Assert.StartsWith("mean 0, std 2.24E-32", small.ToString(), StringComparison.Ordinal);

        // 1.7e9 ± 1000 is a spread of eight float ULPs of its mean (128): scaled.
        Assert.True(TargetScaling.Fit(new Dataset("wide", [1, 2], 1, [1.7e9f - 1000, 1.7e9f + 1000], 1, 0)).Scaled[0]);

        // 1e5 + 1e−3·u is 1e5 in float: nothing to scale, and the summary says so rather than "std 1".
        var flat = TargetScaling.Fit(new Dataset("flat", [1, 2, 3], 1, [1e5f, 1e5f + 0.0078125f, 1e5f], 1, 0));
        Assert.False(flat.Scaled[0]);
        Assert.Equal("mean 1E+05, not scaled (no spread above its mean's float resolution)", flat.ToString());
    }

    [Fact]
    public void A_fold_that_overflows_the_floats_is_refused_and_leaves_the_network_as_it_was()
    {
        var data = new Dataset("huge", [1, 2, 3, 4], 1, [3e38f, -3e38f, 3e38f, -3e38f], 1, 0);
        var s = TargetScaling.Fit(data);
        var net = Mlp.Build(1, [4], "tanh", 1);
        net.Initialize(Initializer.Auto, 1);
        net.Layers[^1].Weights[0] = 2f;
        var before = net.Layers[^1].Weights.ToArray();
        Assert.Contains("overflows the floats", Assert.Throws<ArgumentException>(() => s.FoldInto(net)).Message, StringComparison.Ordinal);
        Assert.Equal(before, net.Layers[^1].Weights);
    }

    [Fact]
    public void Refuses_what_it_cannot_scale()
    {
        var classes = new Dataset("c", [1, 2], 1, [0, 1], 1, 2);
        Assert.Contains("classification", Assert.Throws<ArgumentException>(() => TargetScaling.Fit(classes)).Message, StringComparison.Ordinal);
        var s = TargetScaling.Fit(TwoColumns());
        Assert.Throws<ArgumentException>(() => s.Transform(new Dataset("one", [1, 2], 1, [3, 4], 1, 0)));
        var sigmoidOutput = Mlp.Build(3, [4], "relu", 2, "sigmoid");
        Assert.Contains("only a linear output", Assert.Throws<ArgumentException>(() => s.FoldInto(sigmoidOutput)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => s.FoldInto(Mlp.Build(3, [4], "relu", 1)));
    }
}
