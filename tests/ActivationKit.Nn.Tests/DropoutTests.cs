using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

public class DropoutTests
{
    private static float[] Normal(int n, int seed)
    {
        var rng = new Rng((ulong)seed);
        return Enumerable.Range(0, n).Select(_ => (float)rng.NextGaussian()).ToArray();
    }

    [Fact]
    public void Inverted_dropout_keeps_the_expectation_and_drops_about_p()
    {
        var x = Enumerable.Repeat(2f, 200_000).ToArray();
        var y = new float[x.Length];
        var d = new float[x.Length];
        Dropout.Apply(x, y, d, 0.3, alpha: false, new Rng(1));
        Assert.Equal(2.0, y.Average(v => (double)v), 2);
        Assert.Equal(0.3, y.Count(v => v == 0) / (double)y.Length, 2);
        Assert.All(Enumerable.Range(0, x.Length), i => Assert.Equal(y[i], x[i] * d[i], 5));
    }

    [Fact]
    public void Alpha_dropout_keeps_mean_zero_and_variance_one()
    {
        var x = Normal(400_000, 2);
        var y = new float[x.Length];
        var d = new float[x.Length];
        Dropout.Apply(x, y, d, 0.2, alpha: true, new Rng(3));
        double mean = y.Average(v => (double)v);
        double var = y.Average(v => (v - mean) * (v - mean));
        Assert.True(Math.Abs(mean) < 0.01, $"mean {mean}");
        Assert.True(Math.Abs(var - 1) < 0.02, $"variance {var}");
        // Dropped units sit at the transformed saturation value a·α′ + b, all equal.
        Assert.Single(Enumerable.Range(0, y.Length).Where(i => d[i] == 0).Select(i => y[i]).Distinct());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Invalid_probabilities_are_rejected(double p)
    {
        var e = Assert.Throws<ArgumentException>(() => Mlp.Build(4, [8], "relu", 2, dropout: p));
        Assert.Contains("dropout probability must be in [0, 1)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Mlp(4, [new LayerSpec(3, "relu") { Dropout = 0.5 }]));
    }

    [Fact]
    public void Dropout_is_off_outside_training_and_gradients_match_finite_differences_with_a_fixed_mask()
    {
        foreach (string act in new[] { "relu", "selu" })
        {
            var withDrop = Mlp.Build(5, [16, 16], act, 3, dropout: 0.25);
            var without = Mlp.Build(5, [16, 16], act, 3);
            withDrop.Initialize(Initializer.Parse("auto"), 7);
            without.Initialize(Initializer.Parse("auto"), 7);
            var x = Normal(4 * 5, 8);
            Assert.Equal(without.Forward(x, 4).ToArray(), withDrop.Forward(x, 4).ToArray());
            Assert.Equal(without.Predict(x, 4), withDrop.Predict(x, 4));

            // L = Σ output·r with the same mask on every pass (reseeded), so finite differences see the same function.
            var r = Normal(4 * 3, 9);
            double Loss()
            {
                withDrop.Training = true;
                withDrop.ReseedDropout(11);
                var o = withDrop.Forward(x, 4);
                double s = 0;
                for (int i = 0; i < o.Length; i++) s += o[i] * r[i];
                return s;
            }

            Loss();
            withDrop.Backward(x, r, 4);
            var w = withDrop.Layers[0].Weights;
            var g = (float[])withDrop.Layers[0].WeightGradient.Clone();
            foreach (int k in new[] { 0, 7, 33, 70 })
            {
                float old = w[k];
                const float h = 1e-2f;
                w[k] = old + h;
                double up = Loss();
                w[k] = old - h;
                double down = Loss();
                w[k] = old;
                double fd = (up - down) / (2 * h);
                Assert.True(Math.Abs(fd - g[k]) <= 2e-2 * Math.Max(1, Math.Abs(fd)), $"{act} w[{k}]: backward {g[k]}, finite difference {fd}");
            }
        }
    }

    [Fact]
    public void Predict_runs_without_dropout_and_gives_back_the_training_flag_it_found()
    {
        // Predict left Training false: a manual loop that predicted between its steps went on without dropout, silently.
        var withDrop = Mlp.Build(5, [16], "relu", 3, dropout: 0.5);
        var without = Mlp.Build(5, [16], "relu", 3);
        withDrop.Initialize(Initializer.Auto, 7);
        without.Initialize(Initializer.Auto, 7);
        var x = Normal(4 * 5, 8);
        withDrop.Training = true;
        Assert.Equal(without.Predict(x, 4), withDrop.Predict(x, 4));
        Assert.True(withDrop.Training);
        Assert.NotEqual(without.Forward(x, 4).ToArray(), withDrop.Forward(x, 4).ToArray());

        // Off stays off; a refused call changes nothing either.
        withDrop.Training = false;
        Assert.Equal(without.Predict(x, 4), withDrop.Predict(x, 4));
        Assert.False(withDrop.Training);
        withDrop.Training = true;
        Assert.Throws<ArgumentException>(() => withDrop.Predict(x, 3));
        Assert.True(withDrop.Training);

        // Trainer.Evaluate left it false the same way.
        var data = new Dataset("d", x, 5, [0, 1, 2, 1], 1, 3);
        Assert.Equal(Trainer.Evaluate(without, data).Loss, Trainer.Evaluate(withDrop, data).Loss);
        Assert.True(withDrop.Training);

        // Trainer.Fit left it false whatever it found, also when a progress callback ended training with an exception.
        var options = new TrainerOptions { Epochs = 1, BatchSize = 2, Seed = 3 };
        Trainer.Fit(withDrop, data, null, options);
        Assert.True(withDrop.Training);
        Assert.Throws<InvalidOperationException>(() => Trainer.Fit(withDrop, data, null, options, _ => throw new InvalidOperationException("stop")));
        Assert.True(withDrop.Training);
        withDrop.Training = false;
        Trainer.Fit(withDrop, data, null, options);
        Assert.False(withDrop.Training);
    }

    [Fact]
    public void Training_with_dropout_is_deterministic_and_survives_save_and_load()
    {
        var data = Synthetic.Create("spirals", 400, 0.1, 1UL);
        float[] Train()
        {
            var net = Mlp.Build(2, [32, 32], "relu", 2, dropout: 0.2);
            net.Initialize(Initializer.Parse("auto"), 5);
            var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 3, BatchSize = 32, LearningRate = 0.01, Seed = 5 });
            Assert.False(result.Diverged);
            Assert.False(net.Training);
            string path = Path.Combine(Path.GetTempPath(), $"dropout-{Guid.NewGuid():N}.akm");
            try
            {
                ModelFile.Save(path, net);
                Assert.Equal(0.2, ModelFile.Load(path).Network.Specs[0].Dropout);
            }
            finally
            {
                File.Delete(path);
            }

            return net.Layers[0].Weights.ToArray();
        }

        Assert.Equal(Train(), Train());
    }
}
