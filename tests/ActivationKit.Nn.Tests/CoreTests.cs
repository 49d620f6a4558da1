using ActivationKit.Nn;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

public class CoreTests
{
    [Fact]
    public void RngIsDeterministicAndUniform()
    {
        var a = new Rng(123);
        var b = new Rng(123);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        Assert.NotEqual(new Rng(1).NextUInt64(), new Rng(2).NextUInt64());
        var r = new Rng(9);
        var counts = new int[10];
        double sum = 0, sq = 0;
        for (int i = 0; i < 100_000; i++)
        {
            counts[r.NextInt(10)]++;
            double g = r.NextGaussian();
            sum += g;
            sq += g * g;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        Assert.InRange(sum / 100_000, -0.02, 0.02);
        Assert.InRange(sq / 100_000, 0.98, 1.02);
        var p = new Rng(5).Permutation(50);
        Assert.Equal(Enumerable.Range(0, 50), p.Order());
        Assert.Throws<ArgumentException>(() => r.NextInt(0));
    }

    [Theory]
    [InlineData("he_normal", 2.0 / 200)]
    [InlineData("he_uniform", 2.0 / 200)]
    [InlineData("glorot_normal", 2.0 / 300)]
    [InlineData("glorot_uniform", 2.0 / 300)]
    [InlineData("lecun_normal", 1.0 / 200)]
    [InlineData("lecun_uniform", 1.0 / 200)]
    [InlineData("normal(0.1)", 0.01)]
    [InlineData("uniform(0.3)", 0.09 / 3)]
    public void InitialisersHaveTheirVariance(string spec, double variance)
    {
        // Gain 1 for glorot/lecun; he uses the relu gain √2, folded into the expected 2/fan_in.
        var init = Initializer.Parse(spec);
        var w = new float[200 * 100];
        double gain = spec.StartsWith("he", StringComparison.Ordinal) ? Math.Sqrt(2) : 1;
        init.Fill(w, 200, 100, gain, new Rng(1));
        double mean = w.Average(v => (double)v), var = w.Average(v => (double)v * v) - (mean * mean);
        Assert.InRange(var, variance * 0.95, variance * 1.05);
        Assert.InRange(mean, -0.01, 0.01);
    }

    [Theory]
    [InlineData("he_normal", "tanh")]
    [InlineData("glorot_uniform", "relu")]
    [InlineData("glorot_normal", "tanh")]
    [InlineData("lecun_uniform", "selu")]
    [InlineData("orthogonal", "relu")]
    [InlineData("auto", "selu")]
    [InlineData("auto", "gelu")]
    [InlineData("normal", "sigmoid")]
    [InlineData("uniform(0.2)", "relu")]
    public void The_network_check_computes_the_variance_the_engine_draws(string spec, string activation)
    {
        // actkit check judges a spec by InitializerSpec.WeightVariance; the engine must draw what it computes.
        var f = ActivationKit.Catalog.ActivationCatalog.Create(activation);
        var w = new float[200 * 100];
        Initializer.Parse(spec).Resolve(f).Fill(w, 200, 100, f.Info.Gain, new Rng(2));
        double mean = w.Average(v => (double)v), var = w.Average(v => (double)v * v) - (mean * mean);
        double expected = ActivationKit.Advisor.InitializerSpec.WeightVariance(spec, f.Info, 200, 100);
        Assert.InRange(var, expected * 0.95, expected * 1.05);
    }

    [Theory]
    [InlineData(30, 10)]
    [InlineData(10, 30)]
    [InlineData(16, 16)]
    public void OrthogonalIsOrthogonal(int fanIn, int fanOut)
    {
        var w = new float[fanIn * fanOut];
        new Initializer(InitKind.Orthogonal).Fill(w, fanIn, fanOut, 2.0, new Rng(3));
        bool rows = fanIn <= fanOut;
        int count = Math.Min(fanIn, fanOut), len = Math.Max(fanIn, fanOut);
        double At(int v, int t) => rows ? w[(v * fanOut) + t] : w[(t * fanOut) + v];
        for (int u = 0; u < count; u++)
        {
            for (int v = 0; v < count; v++)
            {
                double dot = 0;
                for (int t = 0; t < len; t++) dot += At(u, t) * At(v, t);
                Assert.Equal(u == v ? 4.0 : 0.0, dot, 4);
            }
        }
    }

    [Fact]
    public void InitialiserSpecsParseAndFailClearly()
    {
        Assert.Equal(new Initializer(InitKind.HeNormal), Initializer.Parse("kaiming_normal"));
        Assert.Equal(new Initializer(InitKind.GlorotUniform), Initializer.Parse("Xavier-Uniform"));
        Assert.Equal(new Initializer(InitKind.Constant, 0.1), Initializer.Parse("constant(0.1)"));
        Assert.Equal("constant(0.1)", Initializer.Parse("constant(0.1)").ToString());
        Assert.Equal("he_normal", Initializer.Parse("he_normal").ToString());
        // train's help promised these aliases, which the grammar refused.
        Assert.Equal(new Initializer(InitKind.HeNormal), Initializer.Parse("he"));
        Assert.Equal(new Initializer(InitKind.GlorotNormal), Initializer.Parse("xavier"));
        Assert.Equal(new Initializer(InitKind.LecunNormal), Initializer.Parse("LeCun"));
        Assert.Contains("valid", Assert.Throws<ArgumentException>(() => Initializer.Parse("magic")).Message);
        Assert.Throws<ArgumentException>(() => Initializer.Parse("he_normal(2)"));
        Assert.Contains("≥ 0", Assert.Throws<ArgumentException>(() => Initializer.Parse("normal(-1)")).Message);
        Assert.Throws<ArgumentException>(() => Initializer.Parse("normal(x"));

        // Hyphens in the value are signs and exponents, not word separators; NaN is refused, not taken for "absent".
        Assert.Equal(new Initializer(InitKind.Normal, 1e-3), Initializer.Parse("normal(1e-3)"));
        Assert.Equal(new Initializer(InitKind.Constant, -0.1), Initializer.Parse("Constant(-0.1)"));
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => Initializer.Parse("constant(nan)")).Message);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => Initializer.Parse("normal(NaN)")).Message);

        // Every value's canonical spec (what model files and experiment configs store) parses back to it.
        foreach (var init in new[] { new Initializer(InitKind.Normal, 1e-5), new Initializer(InitKind.Constant, -2.5e-7), new Initializer(InitKind.Uniform, 0.05) })
        {
            Assert.Equal(init, Initializer.Parse(init.ToString()));
        }
        Assert.Equal(InitKind.HeNormal, Initializer.Auto.Resolve(DenseLayer.ResolveActivation("relu")).Kind);
        Assert.Equal(InitKind.GlorotUniform, Initializer.Auto.Resolve(DenseLayer.ResolveActivation("tanh")).Kind);
    }

    [Fact]
    public void SymmetricHiddenInitWarns()
    {
        var net = new Mlp(2, [new(4, "tanh"), new(2, "linear", Initializer.Parse("zeros"))]);
        var raised = new List<string>();
        net.Warning += raised.Add;
        Assert.Empty(net.Initialize(Initializer.Auto, 1));
        var warnings = net.Initialize(Initializer.Parse("constant(0.5)"), 1);
        Assert.Single(warnings);
        Assert.Contains("symmetry", warnings[0]);
        Assert.Contains("Layer 0", warnings[0]);
        Assert.Equal(warnings, raised);
        Assert.All(net.Layers[0].Weights, w => Assert.Equal(0.5f, w));
    }

    [Theory]
    [InlineData("zeros", true)]
    [InlineData("constant(0.5)", true)]
    [InlineData("constant(-2)", true)]
    [InlineData("normal(0)", true)]
    [InlineData("uniform(0)", true)]
    [InlineData("gaussian(0.0)", true)]
    [InlineData("normal(1e-200)", true)]   // the variance underflows, and so does every float weight drawn
    [InlineData("normal(1e-3)", false)]
    [InlineData("uniform", false)]
    [InlineData("he_normal", false)]
    [InlineData("glorot_uniform", false)]
    [InlineData("lecun_normal", false)]
    [InlineData("orthogonal", false)]
    [InlineData("auto", false)]
    public void Every_initialiser_that_draws_equal_weights_is_symmetric_as_the_network_check_judges(string spec, bool symmetric)
    {
        var init = Initializer.Parse(spec);
        Assert.Equal(symmetric, init.IsSymmetric);

        // actkit check's judgement of the same hidden layer: critical symmetric_init exactly when the engine warns.
        var check = ActivationKit.Advisor.NetworkCheck.Check(new ActivationKit.Advisor.NetworkSpec
        {
            Inputs = 2,
            Layers = [new() { Units = 8, Activation = "tanh", Init = spec }, new() { Units = 1, Activation = "sigmoid", Init = "glorot_uniform" }],
        });
        Assert.Equal(symmetric, check.Any(f => f.Kind == ActivationKit.Diagnostics.FindingKind.SymmetricInit));

        // tanh (slope 1 at 0) before a random layer: the units start identical but get different gradients through the
        // next layer's weights; the engine says so as the check does (a warning), and "never broken" only where it is.
        var net = new Mlp(2, [new(8, "tanh", init), new(1, "linear")]);
        var warnings = net.Initialize(Initializer.Auto, 1);
        Assert.Equal(symmetric, warnings.Any(w => w.Contains("starts as a copy of the others", StringComparison.Ordinal)));
        Assert.DoesNotContain(warnings, w => w.Contains("symmetry is never broken", StringComparison.Ordinal));
        if (symmetric)
        {
            Assert.Equal(ActivationKit.Diagnostics.Severity.Warning, check.Single(f => f.Kind == ActivationKit.Diagnostics.FindingKind.SymmetricInit).Severity);
            var stuck = new Mlp(2, [new(8, "tanh", init), new(1, "linear", Initializer.Parse("zeros"))]).Initialize(Initializer.Auto, 1);
            Assert.Contains(stuck, w => w.Contains("symmetry is never broken", StringComparison.Ordinal));
        }

        if (symmetric) Assert.All(net.Layers[0].Weights, w => Assert.Equal(net.Layers[0].Weights[0], w));
    }

    [Fact]
    public void A_zero_scale_says_it_draws_zeros_and_scales_only_the_constructor_accepts_do_not_throw()
    {
        var warnings = new Mlp(2, [new(4, "relu", Initializer.Parse("uniform(0)")), new(1, "linear")]).Initialize(Initializer.Auto, 1);
        Assert.StartsWith("Layer 0 (4 units, relu) is initialised with uniform(0), which draws every weight as 0: every unit computes the same function", Assert.Single(warnings), StringComparison.Ordinal);

        // Not from Parse (it refuses them): a negative scale draws like its magnitude, a NaN one draws NaN, not zeros.
        Assert.False(new Initializer(InitKind.Normal, -1).IsSymmetric);
        Assert.True(new Initializer(InitKind.Normal, -0.0).IsSymmetric);
        Assert.False(new Initializer(InitKind.Uniform, double.NaN).IsSymmetric);
        Assert.False(new Initializer(InitKind.Normal, double.PositiveInfinity).IsSymmetric);
        Assert.False(Initializer.Auto.IsSymmetric);
    }

    [Theory]
    [InlineData("normal(1E-50)", "relu", true)]
    [InlineData("uniform(7E-46)", "relu", true)]
    [InlineData("normal(1E-50)", "tanh", false)]
    [InlineData("uniform(1E-40)", "relu", false)]
    [InlineData("normal(1E-38)", "relu", false)]
    public void The_engine_warns_of_an_initialiser_below_float32s_normal_range_in_the_words_of_the_network_check(string spec, string activation, bool stuck)
    {
        // normal(1e-50): check reported init_scale (the float32 weights all 0) while train trained without a word, its
        // symmetry judgement working in double. Both now give the one sentence of Float32Weights.Underflow.
        var check = ActivationKit.Advisor.NetworkCheck.Check(new ActivationKit.Advisor.NetworkSpec
        {
            Inputs = 2,
            Layers = [new() { Units = 8, Activation = activation, Init = spec }, new() { Units = 1, Activation = "identity", Init = spec }],
        });
        var found = check.Where(f => f.Kind == ActivationKit.Diagnostics.FindingKind.InitScale).ToList();
        Assert.Equal(2, found.Count);
        Assert.Equal(stuck ? ActivationKit.Diagnostics.Severity.Critical : ActivationKit.Diagnostics.Severity.Warning, found[0].Severity);

        var net = new Mlp(2, [new(8, activation, Initializer.Parse(spec)), new(1, "linear", Initializer.Parse(spec))]);
        var warnings = net.Initialize(Initializer.Auto, 1);
        Assert.Equal([$"Layer 0 (8 units, {activation}): {found[0].Explanation} {found[0].Fix}", $"Layer 1 (1 unit, identity): {found[1].Explanation} {found[1].Fix}"], warnings);
        Assert.Equal(stuck, warnings[0].Contains("so the layer never learns. Use ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("constant(1E-50)", "relu", true)]
    [InlineData("constant(-7E-46)", "relu", true)]
    [InlineData("constant(1E-40)", "relu", false)]   // subnormal, not 0: relu passes a gradient at it
    [InlineData("constant(1E-50)", "tanh", false)]   // tanh′(0) = 1
    public void A_constant_float32_stores_as_0_is_judged_as_zeros_by_the_engine_and_the_check(string spec, string activation, bool stuck)
    {
        // constant(1e-50) under relu: every float32 weight is 0 and relu′(0) = 0, so the layer never learns, yet check
        // warned (symmetric_init) and train said the units only start as copies, as for a non-zero constant.
        var check = ActivationKit.Advisor.NetworkCheck.Check(new ActivationKit.Advisor.NetworkSpec
        {
            Inputs = 2,
            Layers = [new() { Units = 8, Activation = activation, Init = spec }, new() { Units = 1, Activation = "identity", Init = "glorot_uniform" }],
        });
        var symmetric = check.Single(f => f.Kind == ActivationKit.Diagnostics.FindingKind.SymmetricInit);
        Assert.Equal(stuck ? ActivationKit.Diagnostics.Severity.Critical : ActivationKit.Diagnostics.Severity.Warning, symmetric.Severity);
        Assert.Equal(stuck, symmetric.Explanation.Contains("so the layer never learns", StringComparison.Ordinal));

        var warning = Assert.Single(new Mlp(2, [new(8, activation, Initializer.Parse(spec)), new(1, "linear")]).Initialize(Initializer.Auto, 1));
        Assert.Equal(stuck, warning.Contains("symmetry is never broken", StringComparison.Ordinal));
        Assert.Equal(!stuck, warning.Contains("starts as a copy of the others", StringComparison.Ordinal));
        if (stuck)
        {
            Assert.StartsWith($"Layer 0 (8 units, {activation}) is initialised with {spec}, which float32 stores as 0: every unit computes the same function", warning, StringComparison.Ordinal);
            Assert.Contains(" in every weight, 0 in float32) makes every unit identical, and every weight is 0 where relu′(0) = 0", symmetric.Explanation, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_infinite_gain_is_refused_and_schemes_without_a_gain_still_draw()
    {
        // hardshrink(100) vanishes on N(0, 1) but for a share of 1e−2000: its gain 1/√E[f(z)²] is ∞, and glorot filled ±∞.
        var net = new Mlp(2, [new(4, "hardshrink(100)"), new(1, "linear")]);
        var e = Assert.Throws<ArgumentException>(() => net.Initialize(Initializer.Auto, 1));
        Assert.StartsWith("hardshrink(lambd=100) is zero on all but a vanishing share of unit-variance inputs (E[f(z)²] underflows to 0), so the variance-preserving gain of glorot_uniform initialisation is infinite;", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => net.Initialize(Initializer.Parse("he_normal"), 1));

        // Refused before any layer is drawn, so the network is still one Trainer.Fit refuses as never initialised.
        var deep = new Mlp(2, [new(4, "relu"), new(4, "hardshrink(100)"), new(2, "linear")]);
        Assert.Throws<ArgumentException>(() => deep.Initialize(Initializer.Auto, 1));
        Assert.All(deep.Layers, l => Assert.All(l.Weights, w => Assert.Equal(0f, w)));
        var fit = Assert.Throws<ArgumentException>(() => Trainer.Fit(deep, Synthetic.Create("moons", 20, 0.1, 1), null, new TrainerOptions { Epochs = 1 }));
        Assert.StartsWith("The network has never been initialised", fit.Message, StringComparison.Ordinal);
        net.Initialize(Initializer.Parse("lecun_normal"), 1);
        Assert.All(net.Layers[0].Weights.ToArray(), w => Assert.True(float.IsFinite(w) && w != 0));

        // A large but finite gain is drawn as before.
        new Mlp(2, [new(4, "hardshrink(5)"), new(1, "linear")]).Initialize(Initializer.Auto, 1);
    }

    [Fact]
    public void A_layer_that_passes_no_gradient_warns()
    {
        var net = new Mlp(2, [new(4, "binary_step"), new(3, "relu"), new(3, "hardmax")]);
        var warnings = net.Initialize(Initializer.Auto, 1);
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("Layer 0 (4 units, binary_step): binary_step's gradient is zero everywhere", warnings[0], StringComparison.Ordinal);
        Assert.Contains("only the layers after it learn", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("Layer 2 (3 units, hardmax)", warnings[1], StringComparison.Ordinal);
        Assert.Contains("stand-in (softmax)", warnings[1], StringComparison.Ordinal);
        Assert.Empty(new Mlp(2, [new(4, "relu"), new(3, "softmax")]).Initialize(Initializer.Auto, 1));
    }

    [Fact]
    public void OptimisersDecreaseAQuadratic()
    {
        foreach (var opt in new IOptimizer[] { new Sgd(), new Sgd(0.9), new Sgd(0.9, true, 0.01), new Adam(), Adam.AdamW(0.01), Optimizers.Create("nesterov") })
        {
            var w = new float[] { 3f, -2f };
            var g = new float[2];
            var p = new[] { new Parameter("w", w, g, true) };
            for (int i = 0; i < 500; i++)
            {
                g[0] = 2 * w[0];
                g[1] = 2 * w[1];
                opt.Step(p, 0.05);
            }

            Assert.True(Math.Abs(w[0]) < 0.05 && Math.Abs(w[1]) < 0.05, $"{opt.Name}: {w[0]}, {w[1]}");
        }
    }

    [Fact]
    public void AdamFirstStepIsLearningRateTimesSign()
    {
        var w = new float[] { 1f, 1f };
        var p = new[] { new Parameter("w", w, [0.3f, -5f], false) };
        new Adam().Step(p, 0.1);
        Assert.Equal(0.9f, w[0], 5);
        Assert.Equal(1.1f, w[1], 5);
    }

    [Fact]
    public void AdamWDecaysWeightsButNotBiases()
    {
        var w = new float[] { 1f };
        var b = new float[] { 1f };
        Adam.AdamW(0.1).Step([new Parameter("w", w, [0f], true), new Parameter("b", b, [0f], false)], 0.5);
        Assert.Equal(0.95f, w[0], 6);
        Assert.Equal(1f, b[0]);
    }

    [Theory]
    [InlineData("adamw", null, 0.01)]
    [InlineData("adamw", 0.0, 0.0)]
    [InlineData("adamw", 0.2, 0.2)]
    [InlineData("adam", null, 0.0)]
    [InlineData("adam", 0.3, 0.3)]
    public void An_explicit_weight_decay_of_zero_is_used_and_none_given_is_the_default(string name, double? decay, double expected) =>
        Assert.Equal(expected, ((Adam)Optimizers.Create(name, weightDecay: decay)).WeightDecay);

    [Fact]
    public void SchedulesAndBadArguments()
    {
        Assert.Equal(0.1, Schedules.Constant.Rate(0.1, 7, 10));
        var step = Schedules.Parse("step(10, 0.5)");
        Assert.Equal(1.0, step.Rate(1, 9, 100));
        Assert.Equal(0.5, step.Rate(1, 10, 100));
        Assert.Equal(0.25, step.Rate(1, 25, 100));
        // PyTorch's CosineAnnealingLR(T_max=10, eta_min=0.1) stepped per epoch: 1, 0.978, …, 0.55 at epoch 5, …, 0.122 at 9;
        // the last epoch trains above the minimum (it used to reach it, and with a minimum of 0 change nothing).
        var cos = Schedules.Parse("cosine(0.1)");
        Assert.Equal(1.0, cos.Rate(1, 0, 10), 12);
        Assert.Equal(0.55, cos.Rate(1, 5, 10), 12);
        Assert.Equal(0.1 + (0.45 * (1 + Math.Cos(Math.PI * 0.9))), cos.Rate(1, 9, 10), 12);
        Assert.Equal([1e-3, 0.75e-3, 0.25e-3], Enumerable.Range(0, 3).Select(e => Schedules.Cosine().Rate(1e-3, e, 3)).Select(r => Math.Round(r, 15)));
        Assert.Throws<ArgumentException>(() => Schedules.Parse("linear"));
        Assert.Throws<ArgumentException>(() => Schedules.Parse("step(x)"));
        Assert.Contains("at least 1 epoch", Assert.Throws<ArgumentException>(() => Schedules.Step(0)).Message);
        Assert.Contains("whole number", Assert.Throws<ArgumentException>(() => Schedules.Parse("step(2.5)")).Message);
        Assert.Contains("whole number", Assert.Throws<ArgumentException>(() => Schedules.Parse("step(1e12)")).Message);
        Assert.Equal(0.1, Schedules.Parse("step(2, 1e-1)").Rate(1, 2, 10), 12);
        Assert.Contains("cosine schedule", Assert.Throws<ArgumentException>(() => Schedules.Parse("cosine(2)")).Message);
        Assert.Throws<ArgumentException>(() => new Sgd(1.0));
        Assert.Throws<ArgumentException>(() => new Sgd(0, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Adam(beta2: 1));
        Assert.Throws<ArgumentException>(() => Optimizers.Create("rmsprop"));
    }

    private sealed class Recorder : ILayerObserver
    {
        public List<string> Events { get; } = [];

        public void OnForward(int layerIndex, ReadOnlySpan<float> pre, ReadOnlySpan<float> post, int rows) =>
            Events.Add($"F{layerIndex}:{pre.Length}/{post.Length}/{rows}");

        public void OnBackward(int layerIndex, LayerGradients gradients) =>
            Events.Add($"B{layerIndex}:{gradients.Output.Length}/{gradients.PreActivation.Length}/{gradients.Weights.Length}/{gradients.Bias.Length}");
    }

    [Fact]
    public void ObserversSeeEveryLayerInOrder()
    {
        var net = new Mlp(3, [new(4, "relu"), new(2, "linear")]);
        net.Initialize(Initializer.Auto, 1);
        var rec = new Recorder();
        net.AddObserver(rec);
        var x = new float[5 * 3];
        net.Forward(x, 5);
        net.Backward(x, new float[5 * 2], 5);
        Assert.Equal(["F0:20/20/5", "F1:10/10/5", "B1:10/10/8/2", "B0:20/20/12/4"], rec.Events);
        Assert.True(net.RemoveObserver(rec));
        net.Forward(x, 5);
        Assert.Equal(4, rec.Events.Count);
    }

    [Fact]
    public void MlpRejectsBadArguments()
    {
        Assert.Throws<ArgumentException>(() => new Mlp(0, [new(1, "relu")]));
        Assert.Throws<ArgumentException>(() => new Mlp(2, []));
        var net = new Mlp(2, [new(1, "relu")]);
        Assert.Throws<ArgumentException>(() => net.Forward(new float[3], 2));
        Assert.Throws<ArgumentException>(() => net.Threads = 0);
        net.Forward(new float[4], 2);
        Assert.Throws<ArgumentException>(() => net.Backward(new float[4], new float[3], 2));
    }

    [Fact]
    public void SmallSyntheticSetsHoldEveryClass()
    {
        // Three xor points could all be class 1 (seeds 1 and 4), which train then read as a constant regression target.
        foreach (string name in Synthetic.Names.Where(n => n != "sine"))
        {
            for (ulong seed = 1; seed <= 50; seed++)
            {
                for (int samples = 2; samples <= 4; samples++)
                {
                    var a = Synthetic.Create(name, samples, 0.1, seed);
                    Assert.Equal(new[] { 0f, 1f }, a.Targets.Distinct().Order());
                    Assert.Equal(a.Features, Synthetic.Create(name, samples, 0.1, seed).Features);
                    Assert.Equal(a.Targets, Synthetic.Create(name, samples, 0.1, seed).Targets);
                }
            }
        }

        // A missing label of 'random' is written in where the samples can hold every class; five classes need five.
        Assert.Equal(new[] { 0f, 1f, 2f, 3f, 4f }, Synthetic.Create("random", 5, 0, 1, classes: 5).Targets.Order());
        Assert.Equal(3, Synthetic.Create("random", 3, 0, 1, classes: 5).Targets.Distinct().Count());

        // A draw that holds every class is as it was: the first rows of a larger draw, since the points are drawn in turn.
        var small = Synthetic.Create("xor", 3, 0.1, 2);
        Assert.Equal(2, small.Targets.Distinct().Count());
        var large = Synthetic.Create("xor", 100, 0.1, 2);
        Assert.Equal(large.Features.Take(6), small.Features);
        Assert.Equal(large.Targets.Take(3), small.Targets);
    }

    [Fact]
    public void SyntheticSetsAreSeededAndShaped()
    {
        foreach (string name in Synthetic.Names)
        {
            var a = Synthetic.Create(name, 100, 0.1, 11);
            var b = Synthetic.Create(name, 100, 0.1, 11);
            Assert.Equal(a.Features, b.Features);
            Assert.Equal(a.Targets, b.Targets);
            Assert.Equal(100, a.Rows);
            Assert.NotEqual(a.Features, Synthetic.Create(name, 100, 0.1, 12).Features);
        }

        Assert.False(Synthetic.Create("sine", 10, 0, 1).IsClassification);
        Assert.Equal(5, Synthetic.Create("random", 50, 0, 1, classes: 5).ClassCount);
        Assert.Contains("valid", Assert.Throws<ArgumentException>(() => Synthetic.Create("blobs", 10, 0, 1)).Message);
        Assert.Throws<ArgumentException>(() => Synthetic.Create("xor", 1, 0, 1));
        Assert.Throws<ArgumentException>(() => Synthetic.Create("xor", 10, -1, 1));
    }

    [Fact]
    public void SplitAndStandardiseUseTheTrainingSplitOnly()
    {
        var data = Synthetic.Create("moons", 1000, 0.1, 1);
        var (train, val, test) = data.Split(0.7, 0.15, 3);
        Assert.Equal(700, train.Rows);
        Assert.Equal(150, val.Rows);
        Assert.Equal(150, test.Rows);
        var (train2, _, _) = data.Split(0.7, 0.15, 3);
        Assert.Equal(train.Features, train2.Features);
        var s = Standardizer.Fit(train);
        var st = s.Transform(train);
        for (int j = 0; j < 2; j++)
        {
            var col = Enumerable.Range(0, st.Rows).Select(r => (double)st.Features[(r * 2) + j]).ToArray();
            Assert.Equal(0, col.Average(), 5);
            Assert.Equal(1, Math.Sqrt(col.Average(v => v * v)), 4);
        }

        var sv = s.Transform(val);
        Assert.Equal((val.Features[0] - s.Mean[0]) / s.Std[0], sv.Features[0]);
        Assert.Throws<ArgumentException>(() => data.Split(0, 0.1, 1));
        Assert.Throws<ArgumentException>(() => data.Split(0.8, 0.3, 1));
        Assert.Throws<ArgumentException>(() => new Standardizer([0f], [0f]));
        Assert.Throws<ArgumentException>(() => new Dataset("bad", new float[4], 2, [0f, 2f], 1, 2));
        Assert.Throws<ArgumentException>(() => new Dataset("bad", new float[5], 2, [0f, 1f], 1, 2));
        Assert.Throws<ArgumentException>(() => new Dataset("bad", new float[4], 2, [0f], 1, 2));
    }
}

public class BuildTests
{
    [Fact]
    public void BuildMakesHiddenLayersAndALinearOutput()
    {
        var net = Mlp.Build(784, [128, 64], "relu", 10);
        Assert.Equal(3, net.Layers.Count);
        Assert.Equal("relu", net.Layers[1].ActivationSpec);
        // "linear" resolves to the catalog's identity function.
        Assert.Equal("identity", net.Layers[2].ActivationSpec);
        Assert.Equal("identity", net.Layers[2].Activation?.Name);
        Assert.Equal((784 * 128) + 128 + (128 * 64) + 64 + (64 * 10) + 10, net.ParameterCount);
        Assert.Equal(10, net.OutputSize);
    }
}
