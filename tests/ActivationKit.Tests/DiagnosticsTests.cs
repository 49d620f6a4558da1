using ActivationKit.Catalog;
using ActivationKit.Diagnostics;

namespace ActivationKit.Tests;

/// <summary>
/// The detectors on networks known to fail and on healthy ones that must stay quiet. The networks are small
/// dense stacks run forward and backward right here, so the detectors see what a real training step produces.
/// </summary>
public class DiagnosticsTests
{
    /// <summary>A dense stack: forward keeps pre-activations; backward returns each layer's weight-gradient norm.</summary>
    private sealed class Stack
    {
        public readonly List<float[]> W = [];
        public readonly List<float[]> B = [];
        public readonly List<int> Sizes;
        public readonly Activation F;
        public readonly List<float[]> Pre = [];
        public readonly List<float[]> Post = [];

        public Stack(string activation, int[] sizes, Func<int, int, double> std, float bias, int seed)
        {
            F = ActivationCatalog.Create(activation);
            Sizes = [.. sizes];
            var rng = new Random(seed);
            for (int l = 0; l + 1 < sizes.Length; l++)
            {
                int fi = sizes[l], fo = sizes[l + 1];
                double s = std(fi, fo);
                W.Add(Enumerable.Range(0, fi * fo).Select(_ => (float)(Gaussian(rng) * s)).ToArray());
                B.Add(Enumerable.Repeat(bias, fo).ToArray());
            }
        }

        public float[] Forward(float[] x, int samples)
        {
            Pre.Clear();
            Post.Clear();
            var a = x;
            for (int l = 0; l < W.Count; l++)
            {
                int fi = Sizes[l], fo = Sizes[l + 1];
                var z = new float[samples * fo];
                for (int s = 0; s < samples; s++)
                {
                    for (int j = 0; j < fo; j++)
                    {
                        double acc = B[l][j];
                        for (int i = 0; i < fi; i++) acc += a[(s * fi) + i] * W[l][(i * fo) + j];
                        z[(s * fo) + j] = (float)acc;
                    }
                }

                var y = new float[z.Length];
                F.Forward(z, y);
                Pre.Add(z);
                Post.Add(y);
                a = y;
            }

            return a;
        }

        /// <summary>Back-propagates dL/dy = 1 and returns ‖dL/dW‖ per layer, first layer first.</summary>
        public double[] GradientNorms(float[] x, int samples)
        {
            var norms = new double[W.Count];
            var g = Enumerable.Repeat(1f, samples * Sizes[^1]).ToArray();
            for (int l = W.Count - 1; l >= 0; l--)
            {
                int fi = Sizes[l], fo = Sizes[l + 1];
                var dz = new float[g.Length];
                F.Backward(Pre[l], g, dz);
                var input = l == 0 ? x : Post[l - 1];
                double sq = 0;
                for (int i = 0; i < fi; i++)
                {
                    for (int j = 0; j < fo; j++)
                    {
                        double acc = 0;
                        for (int s = 0; s < samples; s++) acc += input[(s * fi) + i] * dz[(s * fo) + j];
                        sq += acc * acc;
                    }
                }

                norms[l] = Math.Sqrt(sq);
                var dx = new float[samples * fi];
                for (int s = 0; s < samples; s++)
                {
                    for (int i = 0; i < fi; i++)
                    {
                        double acc = 0;
                        for (int j = 0; j < fo; j++) acc += dz[(s * fo) + j] * W[l][(i * fo) + j];
                        dx[(s * fi) + i] = (float)acc;
                    }
                }

                g = dx;
            }

            return norms;
        }
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static float[] Inputs(int samples, int width, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, samples * width).Select(_ => (float)Gaussian(r)).ToArray();
    }

    [Fact]
    public void Deep_narrow_relu_with_negative_bias_has_dead_units_and_a_collapsed_output()
    {
        int[] sizes = [8, 8, 8, 8, 8, 8, 8, 8, 8];
        var net = new Stack("relu", sizes, (fi, _) => Math.Sqrt(2.0 / fi), bias: -3f, seed: 1);
        var x = Inputs(256, 8, 2);
        var output = net.Forward(x, 256);
        var deepest = DeadUnitDetector.FromPreActivations("hidden8", net.F, net.Pre[^1], 8);
        Assert.Equal(8, deepest.DeadUnits.Count);
        var finding = DeadUnitDetector.ToFinding(deepest, activationName: "relu");
        Assert.NotNull(finding);
        Assert.Equal(FindingKind.DeadUnits, finding.Kind);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("dead_units", finding.KindName);
        Assert.Contains("Leaky ReLU", finding.Fix, StringComparison.Ordinal);
        Assert.Equal(1.0, finding.Evidence["dead_fraction"]);
        Assert.NotNull(CollapseDetector.Detect("output", output, 8));
    }

    [Fact]
    public void An_offline_dump_of_a_few_rows_is_judged_on_the_rows_it_has()
    {
        // Ten rows of a relu layer whose every pre-activation is negative: all units dead (only the output's collapse
        // was reported, the 16-sample floor of live checks having been applied to dumps too).
        var relu = ActivationCatalog.Create("relu");
        var pre = Enumerable.Repeat(-2f, 10 * 6).ToArray();
        var f = DeadUnitDetector.ToFinding(DeadUnitDetector.FromPreActivations("fc1", relu, pre, 6));
        Assert.NotNull(f);
        Assert.Equal(Severity.Critical, f!.Severity);
        Assert.Equal(10, f.Evidence["samples"]);
    }

    [Fact]
    public void Healthy_relu_stack_with_he_init_stays_quiet()
    {
        int[] sizes = [16, 64, 64, 64, 64];
        var net = new Stack("relu", sizes, (fi, _) => Math.Sqrt(2.0 / fi), bias: 0f, seed: 3);
        var x = Inputs(512, 16, 4);
        var output = net.Forward(x, 512);
        for (int l = 0; l < net.Pre.Count; l++)
        {
            var r = DeadUnitDetector.FromPreActivations($"hidden{l + 1}", net.F, net.Pre[l], 64);
            Assert.Null(DeadUnitDetector.ToFinding(r));
        }

        Assert.Null(CollapseDetector.Detect("output", output, 64));
        var weights = net.W.Select((w, l) => new LayerWeights($"dense{l + 1}", w, sizes[l], sizes[l + 1], net.F)).ToList();
        Assert.Empty(InitCheck.Check(weights));
        var monitor = new GradientFlowMonitor();
        for (int step = 0; step < 5; step++) Assert.Empty(monitor.Record(step, net.GradientNorms(x, 512)));
    }

    [Fact]
    public void Deep_sigmoid_stack_with_standard_normal_init_saturates_and_its_gradients_vanish()
    {
        int[] sizes = [64, .. Enumerable.Repeat(32, 20), 4];
        var net = new Stack("sigmoid", sizes, (_, _) => 1.0, bias: 0f, seed: 5);
        var x = Inputs(256, 64, 6);
        net.Forward(x, 256);
        var (fraction, perUnit) = SaturationDetector.Measure(net.F, net.Pre[0], 32);
        var sat = SaturationDetector.ToFinding("hidden1", net.F, fraction, perUnit);
        Assert.NotNull(sat);
        Assert.Equal(FindingKind.Saturation, sat.Kind);
        Assert.True(fraction > 0.5, $"saturated fraction {fraction}");

        var monitor = new GradientFlowMonitor();
        var found = new List<Finding>();
        var norms = net.GradientNorms(x, 256);
        for (int step = 0; step < 3; step++) found.AddRange(monitor.Record(step, norms));
        var vanishing = Assert.Single(found, f => f.Kind == FindingKind.VanishingGradients);
        Assert.True(vanishing.Evidence["first_to_last_ratio"] < 1e-3);
        Assert.Contains("ReLU", vanishing.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void The_vanishing_gradient_fix_follows_the_layers_activations()
    {
        // An all-ReLU network with a tiny initialisation was told to "replace sigmoid/tanh in hidden layers by the ReLU family".
        double[] norms = [1e-9, 1e-7, 1e-5, 1e-3];
        Finding Vanishing(params string?[] activations)
        {
            var monitor = new GradientFlowMonitor { Activations = activations.Select(a => a is null ? null : ActivationCatalog.Create(a)).ToArray() };
            var found = new List<Finding>();
            for (int step = 0; step < 3; step++) found.AddRange(monitor.Record(step, norms));
            return Assert.Single(found, f => f.Kind == FindingKind.VanishingGradients);
        }

        var relu = Vanishing("relu", "relu", "relu", null);
        Assert.Equal("The hidden layers' relu does not shrink gradients by itself: the weights do. Use He (Kaiming) initialisation (a smaller scale, such as normal(0.01), shrinks the gradient at every layer), normalisation (batch or layer norm) or residual connections, or fewer layers.", relu.Fix);
        Assert.DoesNotContain("sigmoid", relu.Fix, StringComparison.Ordinal);
        Assert.StartsWith("The hidden layers' gelu and selu do not shrink gradients by themselves: the weights do. Use He (Kaiming) and LeCun normal initialisation", Vanishing("gelu", "selu", "gelu", "sigmoid").Fix, StringComparison.Ordinal);
        Assert.Equal("Replace tanh in the hidden layers by the ReLU family (He init) or SELU (LeCun normal init), or at least give the weights the scale it needs (Glorot (Xavier) initialisation); use fewer layers or residual connections.", Vanishing("tanh", "tanh", "tanh", null).Fix);
        Assert.StartsWith("Replace sigmoid and softsign in the hidden layers", Vanishing("relu", "sigmoid", "softsign", "sigmoid").Fix, StringComparison.Ordinal);

        // Without the activations, the fix names both causes.
        var unknown = new GradientFlowMonitor();
        var f = Enumerable.Range(0, 3).SelectMany(step => unknown.Record(step, norms)).Single(x => x.Kind == FindingKind.VanishingGradients);
        Assert.StartsWith("If the hidden layers use sigmoid/tanh, replace them by the ReLU family", f.Fix, StringComparison.Ordinal);
        Assert.Contains("otherwise check the initialisation scale", f.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Healthy_tanh_layer_with_glorot_init_is_not_saturated()
    {
        var net = new Stack("tanh", [16, 32, 32], (fi, fo) => Math.Sqrt(2.0 / (fi + fo)), 0f, 7);
        var x = Inputs(256, 16, 8);
        net.Forward(x, 256);
        var (fraction, perUnit) = SaturationDetector.Measure(net.F, net.Pre[0], 32);
        Assert.Null(SaturationDetector.ToFinding("hidden1", net.F, fraction, perUnit));
    }

    [Theory]
    [InlineData("silu", -1.2784645427610738)]
    [InlineData("gelu", -0.7517915246935645)]
    public void A_zero_of_f_prime_between_the_tails_is_not_saturation_but_the_negative_tail_is(string name, double zero)
    {
        // One unit at the turning point (|f′| = 0 there), one deep in the negative tail, one in the linear part.
        var f = ActivationCatalog.Create(name);
        float[] pre = [(float)zero, -12f, 3f];
        var (fraction, perUnit) = SaturationDetector.Measure(f, pre, 3);
        Assert.Equal([0.0, 1.0, 0.0], perUnit);
        Assert.Equal(1.0 / 3, fraction, 12);

        var all = Enumerable.Repeat(-12f, 64).ToArray();
        var (tail, units) = SaturationDetector.Measure(f, all, 8);
        var finding = SaturationDetector.ToFinding("hidden1", f, tail, units);
        Assert.NotNull(finding);
        Assert.Contains("negative tail", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_initialised_hidden_layers_are_symmetric()
    {
        var relu = ActivationCatalog.Create("relu");
        var zeros = new float[16 * 8];
        var random = Inputs(8, 4, 9);
        // ReLU with zero weights (and zero biases) outputs relu(0) = 0 with slope 0: no unit ever gets a gradient.
        var found = InitCheck.Check([new LayerWeights("dense1", zeros, 16, 8, relu), new LayerWeights("out", random, 8, 4, null)]);
        var f = Assert.Single(found);
        Assert.Equal(FindingKind.SymmetricInit, f.Kind);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Contains("relu′(0) = 0", f.Explanation, StringComparison.Ordinal);
        Assert.Contains("never learns", f.Explanation, StringComparison.Ordinal);

        // Zeros followed by zeros: identical outgoing weights too, so identical gradients for ever.
        var tanh = ActivationCatalog.Create("tanh");
        var both = Assert.Single(InitCheck.Check([new LayerWeights("dense1", zeros, 16, 8, tanh), new LayerWeights("out", new float[8 * 4], 8, 4, null)]));
        Assert.Equal(Severity.Critical, both.Severity);
        Assert.Contains("symmetry is never broken", both.Explanation, StringComparison.Ordinal);

        // Zeros under tanh (slope 1 at 0) before a random layer: the units start identical, but each gets its own
        // outgoing weights and so its own gradient; training separates them. A warning that says so.
        var broken = Assert.Single(InitCheck.Check([new LayerWeights("dense1", zeros, 16, 8, tanh), new LayerWeights("out", random, 8, 4, null)]));
        Assert.Equal(Severity.Warning, broken.Severity);
        Assert.DoesNotContain("forever (symmetry", broken.Explanation, StringComparison.Ordinal);
        Assert.Contains("different outgoing weights", broken.Explanation, StringComparison.Ordinal);

        var constant = Enumerable.Repeat(0.1f, 16 * 8).ToArray();
        var c = Assert.Single(InitCheck.Check([new LayerWeights("dense1", constant, 16, 8, relu), new LayerWeights("out", random, 8, 4, null)]));
        Assert.Equal(FindingKind.SymmetricInit, c.Kind);
        Assert.Equal(Severity.Warning, c.Severity);
        Assert.Equal(new Dictionary<string, double> { ["all_equal"] = 1, ["value"] = 0.1f, ["duplicate_units"] = 7 }, c.Evidence);
        var constantOut = Enumerable.Repeat(-0.2f, 8 * 4).ToArray();
        Assert.Equal(Severity.Critical, Assert.Single(InitCheck.Check([new LayerWeights("dense1", constant, 16, 8, relu), new LayerWeights("out", constantOut, 8, 4, null)])).Severity);
    }

    [Fact]
    public void A_single_hidden_unit_is_judged_as_a_spec_judges_it()
    {
        // One relu unit of zeros (bias 0) outputs relu(0) = 0 with slope 0 and never learns: check on a spec and train
        // report it (InitCheck.EqualWeightsMatter), while the stored weights' check skipped every one-unit layer.
        var relu = ActivationCatalog.Create("relu");
        var random = Inputs(1, 4, 9);
        var stuck = Assert.Single(InitCheck.Check([new LayerWeights("dense1", new float[16], 16, 1, relu), new LayerWeights("out", random, 1, 4, null)]));
        Assert.Equal((FindingKind.SymmetricInit, Severity.Critical), (stuck.Kind, stuck.Severity));
        Assert.Contains("relu′(0) = 0", stuck.Explanation, StringComparison.Ordinal);
        Assert.Contains("never learns", stuck.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("identical", stuck.Explanation, StringComparison.Ordinal);
        Assert.Equal(stuck.Explanation, Assert.Single(InitCheck.Check([new LayerWeights("dense1", new float[16], 16, 1, relu, new float[1]), new LayerWeights("out", random, 1, 4, null)])).Explanation);

        // A single tanh unit of zeros gets a gradient (tanh′(0) = 1) and learns; a relu unit with a bias of 0.1 does too;
        // a relu unit of equal non-zero weights has no other unit to be a copy of.
        var tanh = ActivationCatalog.Create("tanh");
        Assert.DoesNotContain(InitCheck.Check([new LayerWeights("dense1", new float[16], 16, 1, tanh), new LayerWeights("out", random, 1, 4, null)]), f => f.Kind == FindingKind.SymmetricInit);
        Assert.DoesNotContain(InitCheck.Check([new LayerWeights("dense1", new float[16], 16, 1, relu, new[] { 0.1f }), new LayerWeights("out", random, 1, 4, null)]), f => f.Kind == FindingKind.SymmetricInit);
        Assert.DoesNotContain(InitCheck.Check([new LayerWeights("dense1", Enumerable.Repeat(0.3f, 16).ToArray(), 16, 1, relu), new LayerWeights("out", random, 1, 4, null)]), f => f.Kind == FindingKind.SymmetricInit);
    }

    [Fact]
    public void Duplicated_units_are_critical_only_when_their_outgoing_weights_and_biases_match_too()
    {
        // The tester's t_symm (PyTorch): one layer's incoming rows duplicated, the next layer random. Training made
        // every row distinct within 200 steps, while the check said "will stay identical" (critical, so
        // --stop-on-critical stopped a run that would have recovered).
        var relu = ActivationCatalog.Create("relu");
        var w = Inputs(16, 8, 4);
        for (int i = 0; i < 16; i++) w[(i * 8) + 5] = w[(i * 8) + 1];
        var next = Inputs(8, 4, 9);
        var warning = Assert.Single(InitCheck.Check([new LayerWeights("dense1", w, 16, 8, relu), new LayerWeights("out", next, 8, 4, null)]));
        Assert.Equal((FindingKind.SymmetricInit, Severity.Warning), (warning.Kind, warning.Severity));
        Assert.Contains("training can separate them", warning.Explanation, StringComparison.Ordinal);

        // The same outgoing weights for units 1 and 5: nothing tells them apart, ever.
        var same = (float[])next.Clone();
        for (int k = 0; k < 4; k++) same[(5 * 4) + k] = same[(1 * 4) + k];
        var critical = Assert.Single(InitCheck.Check([new LayerWeights("dense1", w, 16, 8, relu), new LayerWeights("out", same, 8, 4, null)]));
        Assert.Equal(Severity.Critical, critical.Severity);
        Assert.Equal("1 unit of dense1 has exactly the same incoming weights as another unit, and the same outgoing weights in the next layer: with equal biases (as initialisers draw them) the two compute the same output and receive the same gradient, so they stay identical forever.", critical.Explanation);

        // With the biases known: different biases make different units (no finding); equal ones keep it critical.
        var biases = new float[8];
        Assert.Equal(Severity.Critical, Assert.Single(InitCheck.Check([new LayerWeights("dense1", w, 16, 8, relu, biases), new LayerWeights("out", same, 8, 4, null)])).Severity);
        biases[5] = 0.1f;
        Assert.DoesNotContain(InitCheck.Check([new LayerWeights("dense1", w, 16, 8, relu, biases), new LayerWeights("out", same, 8, 4, null)]), f => f.Kind == FindingKind.SymmetricInit);
    }

    [Fact]
    public void Duplicated_units_have_no_value_in_their_evidence()
    {
        // The evidence of units that merely share their weights with another said "value = NaN" (JSON "NaN"), as if a
        // weight had diverged: the one value all weights hold is only evidence when they all hold one.
        var relu = ActivationCatalog.Create("relu");
        var w = Inputs(16, 8, 4);
        for (int i = 0; i < 16; i++)
        {
            w[(i * 8) + 6] = w[(i * 8) + 2];
            w[(i * 8) + 7] = w[(i * 8) + 2];
        }

        var f = Assert.Single(InitCheck.Check([new LayerWeights("dense1", w, 16, 8, relu), new LayerWeights("out", Inputs(8, 4, 9), 8, 4, null)]));
        Assert.Equal(FindingKind.SymmetricInit, f.Kind);
        Assert.Equal(new Dictionary<string, double> { ["all_equal"] = 0, ["duplicate_units"] = 2 }, f.Evidence);
        Assert.StartsWith("2 units of dense1 have exactly the same incoming weights as another unit: they start as copies computing the same output.", f.Explanation, StringComparison.Ordinal);

        // One duplicate read "1 units of dense1 have exactly the same incoming weights…".
        var w1 = Inputs(16, 8, 4);
        for (int i = 0; i < 16; i++) w1[(i * 8) + 7] = w1[(i * 8) + 5];
        var one = Assert.Single(InitCheck.Check([new LayerWeights("dense1", w1, 16, 8, relu), new LayerWeights("out", Inputs(8, 4, 9), 8, 4, null)]));
        Assert.Equal(1, one.Evidence["duplicate_units"]);
        Assert.StartsWith("1 unit of dense1 has exactly the same incoming weights as another unit: the two start as copies", one.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_check_refuses_layers_it_cannot_read()
    {
        var relu = ActivationCatalog.Create("relu");
        var output = new LayerWeights("out", new float[] { 0.1f }, 1, 1, null);

        // A zero-sized layer read w[0] of an empty array; 65536 × 65536 wrapped to 0 in int and passed an empty array.
        var empty = Assert.Throws<ArgumentException>(() => InitCheck.Check([new LayerWeights("h", Array.Empty<float>(), 0, 4, relu), output]));
        Assert.Equal("Layer 'h' has fan-in 0 and fan-out 4; both must be at least 1. (Parameter 'layers')", empty.Message);
        Assert.Throws<ArgumentException>(() => InitCheck.Check([new LayerWeights("h", Array.Empty<float>(), 4, 0, relu), output]));
        Assert.Throws<ArgumentException>(() => InitCheck.Check([new LayerWeights("h", Array.Empty<float>(), -1, -1, relu), output]));
        var wrapped = Assert.Throws<ArgumentException>(() => InitCheck.Check([new LayerWeights("h", Array.Empty<float>(), 65536, 65536, relu), output]));
        Assert.Equal("Layer 'h' has 0 weights, not 65536 × 65536. (Parameter 'layers')", wrapped.Message);

        // The last layer is checked too, and a null entry is an argument error, not a NullReferenceException.
        Assert.Throws<ArgumentException>(() => InitCheck.Check([new LayerWeights("h", new float[8], 2, 4, relu), new LayerWeights("out", new float[3], 2, 2, null)]));
        var nullLayer = Assert.Throws<ArgumentException>(() => InitCheck.Check([null!, output]));
        Assert.Equal("The layer at index 0 is null. (Parameter 'layers')", nullLayer.Message);

        // A one-input, one-unit layer is a layer: its single weight is judged too (see the scale tests for how).
        Assert.Empty(InitCheck.Check([new LayerWeights("h", new float[] { 1.4f }, 1, 1, relu), output]));
        Assert.Equal(FindingKind.InitScale, Assert.Single(InitCheck.Check([new LayerWeights("h", new float[] { 1e-4f }, 1, 1, relu), output])).Kind);
    }

    [Fact]
    public void The_scale_is_the_weights_mean_square_judged_only_where_the_sample_can_tell()
    {
        // train --hidden 1,1 --diagnose warned "layer0's weight variance 0 is 0× what relu needs" and "multiply to less
        // than 1E-308×" about actkit's own He init: the variance of one weight around its own mean is 0. The scale of
        // the signal is E[w²]; one He-drawn weight says almost nothing about the scale it was drawn at.
        var relu = ActivationCatalog.Create("relu");
        var output = new LayerWeights("out", new float[] { 0.7f }, 1, 1, null);
        var r = new Random(5);
        int reported = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            float a = (float)(Gaussian(r) * Math.Sqrt(2)), b = (float)(Gaussian(r) * Math.Sqrt(2));
            if (InitCheck.Check([new LayerWeights("layer0", new[] { a }, 1, 1, relu), new LayerWeights("layer1", new[] { b }, 1, 1, relu), output]).Count > 0) reported++;
        }

        Assert.InRange(reported, 0, 2);

        // The χ² bounds at 10⁻³ for one weight: a ratio above 12.1 (|w| > 3.48σ) or below 3.9e-7 (|w| < 6.3e-4 σ).
        LayerWeights One(double ratio) => new("h", new[] { (float)Math.Sqrt(2 * ratio) }, 1, 1, relu);
        Assert.Empty(InitCheck.Check([One(11), output]));
        Assert.Equal(FindingKind.InitScale, Assert.Single(InitCheck.Check([One(13), output])).Kind);
        Assert.Empty(InitCheck.Check([One(5e-7), output]));
        Assert.Single(InitCheck.Check([One(3e-7), output]));

        // Sixteen weights at 0.2× the He variance are within what chance gives 16 weights; 4096 are not.
        LayerWeights Layer(string name, int fanIn, int fanOut, double variance) =>
            new(name, Enumerable.Range(0, fanIn * fanOut).Select(_ => (float)(Gaussian(r) * Math.Sqrt(variance))).ToArray(), fanIn, fanOut, relu);
        var sixteen = Layer("h", 4, 4, 0.2 * 2 / 4.0);
        double ms = sixteen.Weights.ToArray().Average(x => (double)x * x) / (2 / 4.0);
        if (ms > 0.15 && ms < 0.25) Assert.Empty(InitCheck.Check([sixteen, new LayerWeights("out", new float[4], 4, 1, null)]));
        var big = Assert.Single(InitCheck.Check([Layer("h", 64, 64, 0.2 * 2 / 64.0), new LayerWeights("out", new float[64], 64, 1, null)]));
        Assert.Equal(FindingKind.InitScale, big.Kind);
        Assert.InRange(big.Evidence["ratio"], 0.18, 0.22);
        Assert.True(big.Evidence.ContainsKey("weight_mean_square"));
        Assert.StartsWith("h's weights have a mean square E[w²] of ", big.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_with_a_common_offset_are_near_copies_not_a_shrinking_signal()
    {
        // The tester's w_offset: ReLU weights 0.3 + N(0, 10⁻⁶). Their variance around their mean is 10⁻⁶ ("the signal
        // shrinks", 10⁻⁵×), while the activations' RMS grew 19× through the second layer: the offset adds up over
        // non-negative inputs. Judged by the mean square and reported as near-copies, never as shrinking.
        var relu = ActivationCatalog.Create("relu");
        var r = new Random(6);
        float[] Offset(int fanIn, int fanOut) => Enumerable.Range(0, fanIn * fanOut).Select(_ => (float)(0.3 + (1e-3 * Gaussian(r)))).ToArray();
        var found = InitCheck.Check([new LayerWeights("l0", Offset(16, 64), 16, 64, relu), new LayerWeights("l1", Offset(64, 64), 64, 64, relu), new LayerWeights("l2", Inputs(64, 4, 3), 64, 4, null)]);
        Assert.Equal(["l0", "l1"], found.Select(f => f.Layer));
        Assert.All(found, f => Assert.Equal((FindingKind.SymmetricInit, Severity.Warning), (f.Kind, f.Severity)));
        Assert.All(found, f => Assert.DoesNotContain("shrinks", f.Explanation, StringComparison.Ordinal));
        Assert.All(found, f => Assert.InRange(f.Evidence["mean_share"], 0.9999, 1));
        Assert.Equal(0.3, found[0].Evidence["mean_weight"], 3);
        Assert.InRange(found[0].Evidence["within_unit_std"], 0.9e-3, 1.1e-3);
        Assert.Contains("grows with the fan-in", found[1].Explanation, StringComparison.Ordinal);

        // He-initialised weights, and weights with a modest offset, are not near-copies.
        var he = Enumerable.Range(0, 16 * 64).Select(_ => (float)(Gaussian(r) * Math.Sqrt(2.0 / 16))).ToArray();
        Assert.Empty(InitCheck.Check([new LayerWeights("l0", he, 16, 64, relu), new LayerWeights("l2", Inputs(64, 4, 3), 64, 4, null)]));
        var shifted = he.Select(x => x + 0.3f).ToArray();
        Assert.DoesNotContain(InitCheck.Check([new LayerWeights("l0", shifted, 16, 64, relu), new LayerWeights("l2", Inputs(64, 4, 3), 64, 4, null)]), f => f.Kind == FindingKind.SymmetricInit);

        // A fan-in of 1 makes every unit a multiple of its one input: that is no symmetry (sine with --hidden 8).
        var single = Enumerable.Range(0, 8).Select(_ => (float)Gaussian(r)).ToArray();
        Assert.DoesNotContain(InitCheck.Check([new LayerWeights("l0", single, 1, 8, relu), new LayerWeights("l2", Inputs(8, 1, 3), 8, 1, null)]), f => f.Kind == FindingKind.SymmetricInit);
    }

    [Fact]
    public void Dead_unit_reports_refuse_impossible_counts()
    {
        // A negative unit count made the tracker allocate a negative array (OverflowException).
        var units = Assert.Throws<ArgumentException>(() => new DeadUnitTracker().Observe(new DeadUnitReport("h", -1, 4, [])));
        Assert.Equal("The number of units must be ≥ 0, got -1. (Parameter 'Units')", units.Message);
        Assert.Throws<ArgumentException>(() => new DeadUnitReport("h", 4, -1, []));
        Assert.Throws<ArgumentNullException>(() => new DeadUnitReport("h", 4, 1, null!));
        Assert.Contains("not a unit of a layer of 4", Assert.Throws<ArgumentException>(() => new DeadUnitReport("h", 4, 1, [4])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new DeadUnitReport("h", 4, 1, [-1]));
        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(() => new DeadUnitReport("h", 4, 1, [1, 1])).Message, StringComparison.Ordinal);

        var empty = new DeadUnitReport("h", 0, 0, []);
        Assert.Equal(0, empty.DeadFraction);
        Assert.Equal(0.5, new DeadUnitReport("h", 4, 1, [3, 0]).DeadFraction);
    }

    [Fact]
    public void Glorot_with_relu_in_a_deep_stack_and_he_with_sigmoid_are_reported()
    {
        var relu = ActivationCatalog.Create("relu");
        var sigmoid = ActivationCatalog.Create("sigmoid");
        var r = new Random(10);
        List<LayerWeights> Layers(Activation f, Func<int, int, double> std) => Enumerable.Range(0, 11)
            .Select(l => new LayerWeights($"dense{l + 1}", Enumerable.Range(0, 64 * 64).Select(_ => (float)(Gaussian(r) * std(64, 64))).ToArray(), 64, 64, f)).ToList();
        var glorotRelu = InitCheck.Check(Layers(relu, (fi, fo) => Math.Sqrt(2.0 / (fi + fo))));
        var g = Assert.Single(glorotRelu);
        Assert.Equal(FindingKind.InitScale, g.Kind);
        Assert.True(g.Evidence["compound_variance_ratio"] < 0.01);
        Assert.Contains("He", g.Fix, StringComparison.Ordinal);

        // He's 2/fan_in is twice Glorot's for sigmoid (gain 1) at equal fans: 2¹¹ over the stack. (For tanh it is 0.72×
        // of Glorot with tanh's gain 5/3, which the catalog recommends and the engine draws.)
        var heSigmoid = InitCheck.Check(Layers(sigmoid, (fi, _) => Math.Sqrt(2.0 / fi)));
        Assert.True(Assert.Single(heSigmoid).Evidence["compound_variance_ratio"] > 100);
        var glorotTanh = InitCheck.Check(Layers(ActivationCatalog.Create("tanh"), (fi, fo) => 5.0 / 3.0 * Math.Sqrt(2.0 / (fi + fo))));
        Assert.Empty(glorotTanh);
    }

    [Fact]
    public void The_compounded_variance_is_reported_even_when_each_layer_has_its_own_finding()
    {
        // PyTorch's default nn.Linear init, U(±1/√fan_in): variance 1/(3·64) where ReLU needs 2/64, a ratio of 1/6 per
        // layer (an info finding each) that compounds to 1.7e-8 over ten layers.
        var relu = ActivationCatalog.Create("relu");
        var r = new Random(11);
        var layers = Enumerable.Range(0, 11)
            .Select(l => new LayerWeights($"fc{l + 1}", Enumerable.Range(0, 64 * 64).Select(_ => (float)((r.NextDouble() * 2 - 1) / 8)).ToArray(), 64, 64, relu)).ToList();
        var found = InitCheck.Check(layers);
        var perLayer = found.Where(f => f.Layer != "network").ToArray();
        Assert.Equal(10, perLayer.Length);
        Assert.All(perLayer, f => Assert.Equal(Severity.Info, f.Severity));
        var network = Assert.Single(found, f => f.Layer == "network");
        Assert.Equal(Severity.Warning, network.Severity);
        Assert.InRange(network.Evidence["compound_variance_ratio"], 0.5e-8, 5e-8);
        Assert.StartsWith("Over 10 hidden layers the layers' variance ratios multiply to ", network.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overflowing_compounded_variance_is_still_reported_as_far_beyond_the_band()
    {
        // normal(1e200) gives a variance of ∞ in each layer: the product and the worst layer were both ∞, ∞ > ∞ + log x
        // was false, and the network's finding was lost.
        var tanh = ActivationCatalog.Find("tanh")!;
        LayerVariance Layer(int i, double variance) => new($"layer {i}", variance, 10, 10, tanh, "normal(1e200)");
        var found = InitCheck.CheckScale([Layer(1, double.PositiveInfinity), Layer(2, double.PositiveInfinity)]);
        var network = Assert.Single(found, f => f.Layer == "network");
        Assert.Equal(Severity.Warning, network.Severity);
        Assert.Equal(double.PositiveInfinity, network.Evidence["compound_variance_ratio"]);
        Assert.StartsWith("Over 2 hidden layers the layers' variance ratios multiply to more than 1E+308×: activations grow", network.Explanation, StringComparison.Ordinal);

        // A product that overflows from finite ratios (1e200 × 1e200) and one that underflows to 0 are reported too.
        Assert.Contains(InitCheck.CheckScale([Layer(1, 1e200), Layer(2, 1e200)]), f => f.Layer == "network");
        var tiny = Assert.Single(InitCheck.CheckScale([Layer(1, 1e-200), Layer(2, 1e-200)]), f => f.Layer == "network");
        Assert.Contains("multiply to less than 1E-308×: activations and gradients shrink", tiny.Explanation, StringComparison.Ordinal);

        // One overflowing layer among sound ones stays that layer's finding, not the network's.
        double sound = InitCheck.NeededVariance(tanh, 10, 10);
        Assert.DoesNotContain(InitCheck.CheckScale([Layer(1, double.PositiveInfinity), Layer(2, sound), Layer(3, sound)]), f => f.Layer == "network");
    }

    [Theory]
    [InlineData("relu", TaskKind.Multiclass, "ce")]
    [InlineData("tanh", TaskKind.Binary, "bce")]
    [InlineData("softmax", TaskKind.Multiclass, "bce")]
    [InlineData("softmax", TaskKind.Multilabel, "ce")]
    [InlineData("sigmoid", TaskKind.Multiclass, "ce")]
    [InlineData("sigmoid", TaskKind.Binary, "bce_logits")]
    [InlineData("gelu", TaskKind.Multiclass, "ce")]
    [InlineData("selu", TaskKind.Binary, "bce")]
    [InlineData("exponential", TaskKind.Binary, "bce")]
    [InlineData("identity", TaskKind.Binary, "bce")]
    [InlineData("identity", TaskKind.Multiclass, "ce")]
    [InlineData("log_softmax", TaskKind.Multilabel, "bce")]
    [InlineData("hardsigmoid", TaskKind.Multiclass, "ce")]
    [InlineData("softmin", TaskKind.Multilabel, "")]
    public void Output_activation_not_matching_task_or_loss_is_reported(string act, TaskKind task, string loss)
    {
        var found = OutputCheck.Check(act, task, loss);
        Assert.Contains(found, f => f.Kind == FindingKind.OutputMismatch && f.Severity == Severity.Critical);
    }

    [Theory]
    [InlineData("sigmoid", TaskKind.Binary, "bce")]
    [InlineData("identity", TaskKind.Regression, "mse")]
    [InlineData("identity", TaskKind.Multiclass, "ce_logits")]
    [InlineData("softmax", TaskKind.Multiclass, "ce")]
    [InlineData("sigmoid", TaskKind.Multilabel, "bce")]
    [InlineData("log_softmax", TaskKind.Multiclass, "ce")]
    [InlineData("softmax", TaskKind.Binary, "ce")]
    [InlineData("hardsigmoid", TaskKind.Binary, "bce")]
    [InlineData("identity", TaskKind.Multiclass, "")]
    [InlineData("sparsemax", TaskKind.Multiclass, "")]
    [InlineData("softplus", TaskKind.Regression, "mse")]
    public void Matching_output_activation_is_quiet(string act, TaskKind task, string loss)
    {
        Assert.Empty(OutputCheck.Check(act, task, loss));
    }

    [Theory]
    [InlineData("sigmoid", "bce", "Sigmoid with binary cross-entropy on a multiclass task", "Use softmax with cross-entropy (ce), or the identity (linear) output with softmax cross-entropy on logits (ce_logits).")]
    [InlineData("hardsigmoid", "bce", "Hardsigmoid with binary cross-entropy on a multiclass task", "Use softmax with cross-entropy (ce), or the identity (linear) output with softmax cross-entropy on logits (ce_logits).")]
    [InlineData("identity", "bce_logits", "bce_logits (a sigmoid per output with binary cross-entropy) on a multiclass task", "Use the identity (linear) output with softmax cross-entropy on logits (ce_logits).")]
    public void Sigmoid_one_vs_rest_on_a_multiclass_task_is_a_warning(string act, string loss, string start, string fix)
    {
        // Exploratory tester: check passed "task": "multiclass", "loss": "bce" over sigmoid(3) clean, though actkit train
        // refuses bce for a multiclass task and recommend names softmax. It trains, so it is a warning, not critical.
        var f = Assert.Single(OutputCheck.Check(act, TaskKind.Multiclass, loss, units: 3));
        Assert.Equal(FindingKind.OutputMismatch, f.Kind);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal($"{start} scores each class as an independent yes/no (one-vs-rest): the outputs do not sum to 1, so they are no distribution over the exclusive classes (a sample can score high for several classes or for none), and actkit train refuses bce for a multiclass task.", f.Explanation);
        Assert.Equal(fix, f.Fix);

        // The same outputs stay quiet where labels are independent, and softmax over exclusive classes is quiet.
        Assert.Empty(OutputCheck.Check(act, TaskKind.Multilabel, loss, units: 3));
        Assert.Empty(OutputCheck.Check("softmax", TaskKind.Multiclass, "ce", units: 3));
    }

    [Fact]
    public void The_testers_multiclass_spec_with_sigmoid_and_bce_gets_its_warning()
    {
        var spec = Advisor.NetworkSpec.Parse("""
            { "inputs": 4, "task": "multiclass", "loss": "bce",
              "layers": [ {"units": 32, "activation": "relu", "init": "he_normal"},
                          {"units": 3, "activation": "sigmoid", "init": "glorot_uniform"} ] }
            """);
        var f = Assert.Single(Advisor.NetworkCheck.Check(spec));
        Assert.Equal((FindingKind.OutputMismatch, Severity.Warning), (f.Kind, f.Severity));
        Assert.StartsWith("Sigmoid with binary cross-entropy on a multiclass task scores each class as an independent yes/no", f.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_output_fix_is_a_pairing_the_check_accepts()
    {
        // sigmoid + ce_logits on a multiclass task was told "or sigmoid with the probability form of the loss", and
        // sigmoid + ce is a critical finding of its own; so were tanh + bce_logits, relu + ce_logits, softmax + bce_logits.
        string[] losses = ["", "mse", "mae", "huber", "bce", "bce_logits", "ce", "ce_logits"];
        int checkedFixes = 0;
        foreach (var task in Enum.GetValues<TaskKind>())
        {
            foreach (string loss in losses)
            {
                foreach (var info in ActivationCatalog.All)
                {
                    var found = OutputCheck.Check(info.Name, task, loss).Where(f => f.Kind == FindingKind.OutputMismatch).ToArray();
                    if (found.Length == 0) continue;
                    var pairs = OutputCheck.Suggestions(info.Name, task, loss);
                    Assert.NotEmpty(pairs);
                    foreach (var (act, fixedLoss) in pairs)
                    {
                        var again = OutputCheck.Check(act, task, fixedLoss).Where(f => f.Kind == FindingKind.OutputMismatch).Select(f => f.Explanation);
                        Assert.True(!again.Any(), $"{task} {loss} {info.Name}: the fix {act} + {fixedLoss} gets: {string.Join(" | ", again)}");
                        foreach (var f in found)
                        {
                            Assert.Contains(act == "identity" ? "identity" : act, f.Fix, StringComparison.Ordinal);
                            Assert.Contains(fixedLoss, f.Fix, StringComparison.Ordinal);
                        }

                        checkedFixes++;
                    }
                }
            }
        }

        Assert.True(checkedFixes > 500, $"{checkedFixes} fixes checked");
        Assert.Equal("Use the identity (linear) output with softmax cross-entropy on logits (ce_logits).", Assert.Single(OutputCheck.Check("relu", TaskKind.Multiclass, "ce_logits"), f => f.Explanation.Contains("squashed twice", StringComparison.Ordinal)).Fix);
        Assert.Equal("Use the identity (linear) output with softmax cross-entropy on logits (ce_logits).", Assert.Single(OutputCheck.Check("sigmoid", TaskKind.Multiclass, "ce_logits")).Fix);
        Assert.Equal("Use softmax with cross-entropy (ce).", Assert.Single(OutputCheck.Check("sigmoid", TaskKind.Multiclass, "ce")).Fix);
        Assert.Equal("Use the identity (linear) output with binary cross-entropy on logits (bce_logits).", Assert.Single(OutputCheck.Check("tanh", TaskKind.Binary, "bce_logits"), f => f.Explanation.Contains("squashed twice", StringComparison.Ordinal)).Fix);
        Assert.Equal("Use sigmoid with binary cross-entropy (bce), or the identity (linear) output with binary cross-entropy on logits (bce_logits).", Assert.Single(OutputCheck.Check("tanh", TaskKind.Binary, "")).Fix);
        Assert.Equal("Use softmax with cross-entropy (ce).", Assert.Single(OutputCheck.Check("softmax", TaskKind.Multiclass, "bce_logits"), f => f.Explanation.Contains("squashed twice", StringComparison.Ordinal)).Fix);
        Assert.Equal("Use the identity (linear) output with mse; keep sigmoid only if the targets are scaled into its range.", Assert.Single(OutputCheck.Check("sigmoid", TaskKind.Regression, "mse")).Fix);

        // Cross-entropy over the labels of a multi-label task is a mismatch whatever the output (softmax was the only one caught).
        Assert.Contains(OutputCheck.Check("identity", TaskKind.Multilabel, "ce_logits"), f => f.Explanation.Contains("several labels can be true at once", StringComparison.Ordinal));
        Assert.Equal("Use one sigmoid per label with binary cross-entropy (bce).", Assert.Single(OutputCheck.Check("sigmoid", TaskKind.Multilabel, "ce")).Fix);
    }

    [Fact]
    public void Output_findings_come_from_what_the_function_outputs()
    {
        var gelu = Assert.Single(OutputCheck.Check("gelu", TaskKind.Multiclass, "ce"));
        Assert.Equal("gelu at the output of a multiclass classifier does not produce probabilities (it is unbounded or not normalised).", gelu.Explanation);
        Assert.Equal("tanh at the output of a binary classifier does not produce probabilities (it ranges over (−1, 1)).", Assert.Single(OutputCheck.Check("tanh", TaskKind.Binary, "bce")).Explanation);
        Assert.StartsWith("The identity output gives logits, but bce expects probabilities", Assert.Single(OutputCheck.Check("identity", TaskKind.Binary, "bce")).Explanation, StringComparison.Ordinal);

        // MSE on a classification task: a warning, the loss is the problem.
        var mse = Assert.Single(OutputCheck.Check("sigmoid", TaskKind.Binary, "mse"));
        Assert.Equal(Severity.Warning, mse.Severity);
        Assert.StartsWith("mse on a binary task", mse.Explanation, StringComparison.Ordinal);
        Assert.Contains("binary cross-entropy", mse.Fix, StringComparison.Ordinal);

        // Bounded regression outputs, from the catalog's range: relu6 and softsign too, not only a list of five.
        foreach (string act in new[] { "relu6", "softsign", "sigmoid", "softmax" })
        {
            Assert.Contains(OutputCheck.Check(act, TaskKind.Regression, "mse"), f => f.Severity == Severity.Warning && f.Explanation.Contains("bounds a regression output", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Exploding_gradients_are_reported_at_every_check_they_hold_not_once_per_monitor()
    {
        // F1: the monitor reported each kind once and then went quiet, so a session never saw newer evidence or a
        // warning that turned critical. Every check where a layer's gradient explodes gives its finding again.
        var monitor = new GradientFlowMonitor();
        Assert.Empty(monitor.Record(0, [1.0, 1.0]));
        var f = Assert.Single(monitor.Record(1, [1.0, double.NaN], ["dense1", "dense2"]));
        Assert.Equal(FindingKind.ExplodingGradients, f.Kind);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal("dense2", f.Layer);
        Assert.Equal("The gradient of dense2 became NaN: training has diverged.", f.Explanation);
        Assert.True(double.IsNaN(f.Evidence["growth"]), "the growth of a NaN norm is NaN, not 0");
        Assert.Equal(1.0, f.Evidence["initial_norm"]);

        var again = monitor.Record(2, [double.PositiveInfinity, double.NaN], ["dense1", "dense2"]);
        Assert.Equal(["dense1", "dense2"], again.Select(x => x.Layer));
        Assert.All(again, x => Assert.Equal(2, x.Step));
    }

    [Fact]
    public void A_gradient_that_is_not_finite_at_the_first_check_is_not_said_to_have_become_so()
    {
        // F7: a single dump with a NaN gradient read "became NaN" and "growth = 0".
        var f = Assert.Single(new GradientFlowMonitor().Record(1, [double.NaN, 1.0], ["fc1", "fc2"]));
        Assert.Equal("The gradient of fc1 is NaN: training has diverged.", f.Explanation);
        Assert.True(double.IsNaN(f.Evidence["growth"]));
        Assert.False(f.Evidence.ContainsKey("largest_initial_norm"));
    }

    [Fact]
    public void An_exploding_gradient_escalates_to_critical_at_a_thousand_times_its_yardstick()
    {
        // F1: warning from growth > 10³× and ‖∂L/∂W‖ ≥ ‖W‖; critical from ‖∂L/∂W‖ ≥ 10³·‖W‖ (CriticalFactor).
        var monitor = new GradientFlowMonitor();
        Assert.Empty(monitor.Record(1, [0.279, 0.31], ["layer0", "layer1"], [5.2, 6.1]));
        var warning = Assert.Single(monitor.Record(2, [1.74e3, 0.5], ["layer0", "layer1"], [5.2, 6.1]));
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal("The gradient norm of layer0 grew 6.24E+03× since the first step (0.279 → 1.74E+03), 335× the norm of the weights it updates (5.2).", warning.Explanation);
        var still = Assert.Single(monitor.Record(3, [5.19e3, 0.5], ["layer0", "layer1"], [5.2, 6.1]));
        Assert.Equal(Severity.Warning, still.Severity);
        Assert.Equal(3, still.Step);
        var critical = Assert.Single(monitor.Record(4, [5.3e3, 0.5], ["layer0", "layer1"], [5.2, 6.1]));
        Assert.Equal(Severity.Critical, critical.Severity);
        Assert.Equal(5.3e3, critical.Evidence["gradient_norm"]);
        Assert.EndsWith("1.02E+03× the norm of the weights it updates (5.2): one SGD step at learning rate 0.00098 would move them by their whole size, and training is diverging.", critical.Explanation, StringComparison.Ordinal);

        // Without the weights the yardstick is the largest first norm (0.31 here).
        var bare = new GradientFlowMonitor();
        Assert.Empty(bare.Record(1, [0.001, 0.31]));
        Assert.Equal(Severity.Warning, Assert.Single(bare.Record(2, [300.0, 0.31])).Severity);
        var c = Assert.Single(bare.Record(3, [320.0, 0.31]));
        Assert.Equal(Severity.Critical, c.Severity);
        Assert.EndsWith("the largest gradient norm of any layer at the first step (0.31): training is diverging.", c.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Vanishing_gradients_are_reported_at_every_check_of_the_streak_and_escalate_below_a_millionth()
    {
        // F1: the ratio stayed below 10⁻³ at all 9 checks of the tester's run, yet the finding said "1 occurrence,
        // steps = 3" from step 100. Warning below VanishingRatio (10⁻³), critical below VanishingRatio / 10³.
        var monitor = new GradientFlowMonitor();
        Assert.Empty(monitor.Record(1, [1e-4, 1.0]));
        Assert.Empty(monitor.Record(2, [1e-4, 1.0]));
        var third = Assert.Single(monitor.Record(3, [2e-4, 1.0]));
        Assert.Equal(Severity.Warning, third.Severity);
        Assert.Equal(3, third.Evidence["steps"]);
        var fourth = Assert.Single(monitor.Record(4, [1e-9, 1.0]));
        Assert.Equal(Severity.Critical, fourth.Severity);
        Assert.Equal(4, fourth.Evidence["steps"]);
        Assert.Equal(1e-9, fourth.Evidence["first_to_last_ratio"]);
        Assert.Equal("The first layer's gradient is 1E-09 times the last layer's for 4 checks in a row: the early layers barely learn.", fourth.Explanation);

        // A healthy check ends the streak; it must be long enough again before the finding comes back.
        Assert.Empty(monitor.Record(5, [0.5, 1.0]));
        Assert.Empty(monitor.Record(6, [1e-4, 1.0]));
        Assert.Empty(monitor.Record(7, [1e-4, 1.0]));
        Assert.Equal(3, Assert.Single(monitor.Record(8, [1e-4, 1.0])).Evidence["steps"]);
    }

    [Fact]
    public void The_ratio_is_set_at_every_check_and_a_check_without_one_ends_the_vanishing_streak()
    {
        // M2: a check whose ratio was undefined left LastRatio at the previous check's value and the streak running.
        var stale = new GradientFlowMonitor();
        Assert.Empty(stale.Record(1, [1e-5, 1.0]));
        Assert.Equal(1e-5, stale.LastRatio);
        Assert.Empty(stale.Record(2, [0.0, 0.0]));
        Assert.True(double.IsNaN(stale.LastRatio), $"0/0 has no ratio, got {stale.LastRatio}");
        stale.Record(3, [1.0, double.PositiveInfinity]);
        Assert.True(double.IsNaN(stale.LastRatio), "a last norm of ∞ is no ratio of 0");
        stale.Record(4, [double.NaN, 1.0]);
        Assert.True(double.IsNaN(stale.LastRatio));
        stale.Record(5, [2.0, 0.0]);
        Assert.Equal(double.PositiveInfinity, stale.LastRatio);
        stale.Record(6, [0.0, 2.0]);
        Assert.Equal(0.0, stale.LastRatio);

        // VanishingSteps 2: 10⁻⁶, then +∞ (the last layer gets no gradient), then 10⁻⁶ is no streak of two.
        var monitor = new GradientFlowMonitor(new DiagnosticsOptions { VanishingSteps = 2 });
        Assert.Empty(monitor.Record(1, [1e-6, 1.0]));
        Assert.Empty(monitor.Record(2, [1e-6, 0.0]));
        Assert.Equal(double.PositiveInfinity, monitor.LastRatio);
        Assert.Empty(monitor.Record(3, [1e-6, 1.0]));
        var f = Assert.Single(monitor.Record(4, [1e-6, 1.0]));
        Assert.Equal("The first layer's gradient is 1E-06 times the last layer's for 2 checks in a row: the early layers barely learn.", f.Explanation);

        // An undefined ratio ends it too.
        Assert.Empty(monitor.Record(5, [0.0, 0.0]));
        Assert.Empty(monitor.Record(6, [1e-6, 1.0]));
    }

    [Fact]
    public void Gradients_that_grow_from_a_tiny_start_to_an_ordinary_size_are_not_exploding()
    {
        // A He ReLU net whose output layer starts at 1e-4 scale: the first layer's gradient starts at 1.12e-5 and
        // grows 1500× to 0.0168 while the net trains to 98 %; its weights' norm is about 11.
        var withWeights = new GradientFlowMonitor();
        Assert.Empty(withWeights.Record(1, [1.12e-5, 1.3e-5, 0.21], ["layer0", "layer1", "layer2"], [11.3, 11.2, 8e-4]));
        Assert.Empty(withWeights.Record(30, [0.0168, 0.021, 0.19], ["layer0", "layer1", "layer2"], [11.3, 11.2, 0.05]));

        // Without the weights, the yardstick is the largest first gradient of any layer (0.21).
        var withoutWeights = new GradientFlowMonitor();
        Assert.Empty(withoutWeights.Record(1, [1.12e-5, 1.3e-5, 0.21]));
        Assert.Empty(withoutWeights.Record(30, [0.0168, 0.021, 0.19]));
    }

    [Fact]
    public void Gradients_that_grow_past_the_weights_they_update_are_exploding()
    {
        var monitor = new GradientFlowMonitor();
        Assert.Empty(monitor.Record(1, [2.79, 3.1], ["layer0", "layer1"], [5.0, 6.0]));
        var found = monitor.Record(2, [1.74e5, 9e4], ["layer0", "layer1"], [5.2, 6.1]);

        // Every layer that explodes is named (F1: only the first one was).
        Assert.Equal(["layer0", "layer1"], found.Select(x => x.Layer));
        var f = found[0];
        Assert.Equal(FindingKind.ExplodingGradients, f.Kind);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal(5.2, f.Evidence["weight_norm"]);
        Assert.Equal(1.74e5 / 2.79, f.Evidence["growth"], 9);
        Assert.Equal(5.0, f.Evidence["initial_weight_norm"]);

        // Measured against the smaller of the weights' norms, the first check's here (5 → 5.2).
        Assert.Equal("The gradient norm of layer0 grew 6.24E+04× since the first step (2.79 → 1.74E+05), 3.48E+04× the norm its weights had at the first step (5; they have grown 1.04× since): one SGD step at learning rate 3E-05 would move them by their whole size, and training is diverging.", f.Explanation);

        // Growth past the threshold with a norm still below the weights' is not enough.
        var small = new GradientFlowMonitor();
        Assert.Empty(small.Record(1, [1e-4], null, [5.0]));
        Assert.Empty(small.Record(2, [4.9], null, [5.0]));
        Assert.Single(small.Record(3, [5.0], null, [5.0]));
        Assert.Contains("one per layer", Assert.Throws<ArgumentException>(() => new GradientFlowMonitor().Record(1, [1.0, 2.0], null, [1.0])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_that_blew_up_with_the_gradient_do_not_hide_its_explosion()
    {
        // M1: train --lr 20 --diagnose-every 5 on a two-spirals CSV (loss 1.7E+22 in epoch 1). Between the checks at steps
        // 1 and 5 every gradient grew 10⁵–10⁸× and so did the weights, so against the weights' norm at step 5 no gradient
        // was large and nothing was found; with --diagnose-every 1 it was. The yardstick is now the smaller of the
        // weights' norm at this check and at the first.
        string[] names = ["layer0", "layer1", "layer2"];
        var monitor = new GradientFlowMonitor();
        Assert.Empty(monitor.Record(1, [0.4656, 1.1353, 1.0864], names, [5.6645, 6.0252, 1.3320]));
        var found = monitor.Record(5, [6.4368e5, 1.3027e8, 4.0899e5], names, [1.9884e7, 1.5698e8, 6.8051e7]);
        Assert.Equal(names, found.Select(x => x.Layer));
        Assert.All(found, x => Assert.Equal(Severity.Critical, x.Severity));
        var f = found[1];
        Assert.Equal(6.0252, f.Evidence["initial_weight_norm"]);
        Assert.Equal(1.5698e8, f.Evidence["weight_norm"]);
        Assert.Equal("The gradient norm of layer1 grew 1.15E+08× since the first step (1.14 → 1.3E+08), 2.16E+07× the norm its weights had at the first step (6.03; they have grown 2.61E+07× since): one SGD step at learning rate 1.2 would move them by their whole size, and training is diverging.", f.Explanation);

        // The first weights make a yardstick even when a later check knows none (weights not finite): critical from
        // 10³ × 5.6645 on.
        var later = new GradientFlowMonitor();
        Assert.Empty(later.Record(1, [0.4656], null, [5.6645]));
        var w = Assert.Single(later.Record(2, [5000.0], null, [double.PositiveInfinity]));
        Assert.Equal(Severity.Warning, w.Severity);
        Assert.Equal("The gradient norm of layer 0 grew 1.07E+04× since the first step (0.466 → 5E+03), 883× the norm its weights had at the first step (5.66).", w.Explanation);
        Assert.Equal(5.6645, w.Evidence["initial_weight_norm"]);
        Assert.False(w.Evidence.ContainsKey("largest_initial_norm"));
        Assert.Equal(Severity.Critical, Assert.Single(later.Record(3, [5700.0], null, [double.PositiveInfinity])).Severity);

        // Weights that shrank since the first check are measured as they are now, with the wording as before.
        var shrunk = new GradientFlowMonitor();
        Assert.Empty(shrunk.Record(1, [0.01], null, [10.0]));
        Assert.Equal("The gradient norm of layer 0 grew 1E+03× since the first step (0.01 → 10), 2× the norm of the weights it updates (5).", Assert.Single(shrunk.Record(2, [10.0001], null, [5.0])).Explanation);
    }

    [Fact]
    public void Gradient_monitor_refuses_a_change_in_the_number_of_layers()
    {
        // Each norm is compared with the first step's norm of its layer: more norms read past them, fewer judged the
        // wrong layers without a word.
        var monitor = new GradientFlowMonitor();
        Assert.Empty(monitor.Record(0, [1.0, 2.0]));
        var more = Assert.Throws<ArgumentException>(() => monitor.Record(1, [1.0, 2.0, 3.0]));
        Assert.Equal("norms", more.ParamName);
        Assert.StartsWith("The number of layers changed: step 1 has 3 gradient norms but the first step had 2", more.Message, StringComparison.Ordinal);
        var fewer = Assert.Throws<ArgumentException>(() => monitor.Record(2, [1.0]));
        Assert.StartsWith("The number of layers changed: step 2 has 1 gradient norm but the first step had 2", fewer.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => monitor.Record(3, []));

        // The refused steps left the monitor as it was: the same two layers still work, and still explode.
        Assert.Empty(monitor.Record(4, [1.5, 2.5]));
        Assert.Equal(FindingKind.ExplodingGradients, Assert.Single(monitor.Record(5, [1.0, double.PositiveInfinity])).Kind);
    }

    [Fact]
    public void Statistics_and_bad_shapes()
    {
        var s = ActivationStatistics.Of([-1f, 0f, 1f, 2f, float.NaN], bins: 3);
        Assert.Equal(0.5, s.Mean, 12);
        Assert.Equal(0.25, s.FractionNegative, 12);
        Assert.Equal(0.25, s.FractionZero, 12);
        Assert.Equal(0.2, s.FractionNonFinite, 12);
        Assert.Equal(4, s.HistogramCounts.Sum());
        var e = Assert.Throws<ArgumentException>(() => DeadUnitDetector.FromActivations("l", new float[10], 3));
        Assert.Contains("not a whole number of rows of 3 units", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OutputCheck.Check("relu", TaskKind.Binary, "hinge"));
    }

    [Theory]
    [InlineData("relu", true)]
    [InlineData("relu6", true)]
    [InlineData("hardsigmoid", true)]
    [InlineData("relu_squared", true)]
    [InlineData("hardshrink", true)]
    [InlineData("softshrink", true)]
    [InlineData("tanhshrink", true)]        // 0 at x = 0 with f′(0) = tanh²(0) = 0
    [InlineData("binary_step", true)]
    [InlineData("sigmoid", true)]           // only by underflowing float, below about −104; f′ is 0 there too
    [InlineData("silu", true)]
    [InlineData("gelu", true)]
    [InlineData("tanh", false)]
    [InlineData("identity", false)]
    [InlineData("elu", false)]
    [InlineData("selu", false)]
    [InlineData("leaky_relu(0.01)", false)]
    [InlineData("prelu", false)]
    [InlineData("softsign", false)]
    [InlineData("sin", false)]
    [InlineData("hardtanh", false)]
    public void A_zero_output_means_a_dead_unit_only_where_f_is_flat_at_zero(string spec, bool dead)
    {
        Assert.Equal(dead, ZeroOutput.MeansDead(ActivationCatalog.Create(spec)));
    }

    [Fact]
    public void A_zero_output_is_judged_per_channel_and_needs_an_element_wise_function()
    {
        // prelu with a slope of 0 in channel 1 is relu there: only that channel can die.
        var prelu = new ActivationKit.Functions.Prelu([0.25f, 0f, 0.1f]);
        Assert.Equal([false, true, false], ZeroOutput.MeansDeadPerChannel(prelu));
        Assert.Contains("not element-wise", Assert.Throws<ArgumentException>(() => ZeroOutput.MeansDead(ActivationCatalog.Create("softmax"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dead_units_from_activations_count_a_zero_output_only_where_the_function_says_so()
    {
        // Two rows of three units: unit 1 outputs 0 on both, units 0 and 2 do not.
        float[] post = [0.5f, 0f, 0f, 0.2f, 0f, 1f];
        Assert.Equal([1], DeadUnitDetector.FromActivations("l", post, 3).DeadUnits);
        Assert.Equal([1], DeadUnitDetector.FromActivations("l", ActivationCatalog.Create("relu"), post, 3).DeadUnits);

        // tanh and ELU output 0 only at x = 0, where their slope is 1: not dead.
        Assert.Empty(DeadUnitDetector.FromActivations("l", ActivationCatalog.Create("tanh"), post, 3).DeadUnits);
        Assert.Empty(DeadUnitDetector.FromActivations("l", ActivationCatalog.Create("elu"), post, 3).DeadUnits);

        // Per channel: prelu with a slope of 0 in channel 1 only.
        var prelu = new ActivationKit.Functions.Prelu([0.25f, 0f, 0.1f]);
        Assert.Equal([1], DeadUnitDetector.FromActivations("l", prelu, [0f, 0f, 0f, 0f, 0f, 0f], 3).DeadUnits);

        // Row-wise: no unit-wise derivative, no unit reported; the report still counts the samples.
        var rowwise = DeadUnitDetector.FromActivations("l", ActivationCatalog.Create("softmax"), post, 3);
        Assert.Empty(rowwise.DeadUnits);
        Assert.Equal(2, rowwise.Samples);
    }

    [Fact]
    public void Dead_unit_tracker_tells_which_units_stay_dead()
    {
        var t = new DeadUnitTracker();
        t.Observe(new DeadUnitReport("l", 4, 10, [0, 1]));
        t.Observe(new DeadUnitReport("l", 4, 10, [1, 2]));
        t.Observe(new DeadUnitReport("l", 4, 10, [1, 2]));
        Assert.Equal([1, 2], t.StayedDead(2));
        Assert.Equal([1], t.StayedDead(3));
    }

    [Fact]
    public void Per_channel_prelu_is_measured_with_its_units_as_channels()
    {
        // Channel j has slope j/8 (channel 0 has slope 0: a ReLU), and every sample is negative.
        var f = new Functions.Prelu(Enumerable.Range(0, 8).Select(j => j / 8f).ToArray());
        var pre = Enumerable.Repeat(-2f, 32 * 8).ToArray();
        var dead = DeadUnitDetector.FromPreActivations("l", f, pre, 8);
        Assert.Equal([0], dead.DeadUnits);
        var (fraction, perUnit) = SaturationDetector.Measure(f, pre, 8);
        Assert.Equal(0, fraction);
        Assert.Equal(8, perUnit.Length);
    }

    [Fact]
    public void Peak_derivative_is_defined_for_every_element_wise_function_and_refused_clearly_otherwise()
    {
        foreach (var info in ActivationCatalog.All)
        {
            var f = ActivationCatalog.Create(info);
            if (info.Kind != ActivationKind.Elementwise)
            {
                var e = Assert.Throws<ArgumentException>(() => SaturationDetector.PeakDerivative(f));
                Assert.Contains(info.Kind == ActivationKind.Rowwise ? "row-wise" : "gated", e.Message, StringComparison.Ordinal);
            }
            else if (Advisor.CatalogProperties.PassesNoGradient(info))
            {
                var e = Assert.Throws<ArgumentException>(() => SaturationDetector.PeakDerivative(f));
                Assert.Contains("passes no gradient", e.Message, StringComparison.Ordinal);
            }
            else
            {
                double peak = SaturationDetector.PeakDerivative(f);
                Assert.True(double.IsFinite(peak) && peak > 0, $"{info.Name}: {peak}");
            }
        }

        Assert.Equal(0.25, SaturationDetector.PeakDerivative(ActivationCatalog.Create("sigmoid")), 6);
        Assert.Equal(1.0, SaturationDetector.PeakDerivative(ActivationCatalog.Create("tanh")), 6);

        // Per-channel slopes are sampled on every channel, with their current values.
        var prelu = new Functions.Prelu([0.25f, -3f]);
        Assert.Equal(3.0, SaturationDetector.PeakDerivative(prelu), 6);
        prelu.Weights[1] = 0.5f;
        Assert.Equal(1.0, SaturationDetector.PeakDerivative(prelu), 6);
        Assert.Equal(1.0, SaturationDetector.PeakDerivative(ActivationCatalog.Create("prelu(num_parameters=2)")), 6);
        Assert.Equal(1.0, SaturationDetector.PeakDerivative(new Functions.Prelu(new float[1 << 20])), 6);
    }

    [Fact]
    public void The_exponential_saturates_only_in_its_negative_tail()
    {
        // Its slope grows without bound, so the reference is its largest slope over [−1, 1] (e), not e^20.
        var exp = ActivationCatalog.Create("exponential");
        Assert.Equal(Math.E, SaturationDetector.PeakDerivative(exp), 3);
        var rng = new Random(3);
        var normal = Enumerable.Range(0, 512 * 8).Select(_ => (float)Gaussian(rng)).ToArray();
        var (fraction, perUnit) = SaturationDetector.Measure(exp, normal, 8);
        Assert.InRange(fraction, 0.01, 0.04);          // P(x < ln(0.05·e) ≈ −2.0) = 2.3 %
        Assert.Null(SaturationDetector.ToFinding("l", exp, fraction, perUnit));

        float[] pre = [-2.1f, -1.9f, 0f, 25f];
        Assert.Equal([1.0, 0, 0, 0], SaturationDetector.Measure(exp, pre, 4).PerUnit);
        var shifted = normal.Select(v => v - 5f).ToArray();
        var (tail, units) = SaturationDetector.Measure(exp, shifted, 8);
        var finding = SaturationDetector.ToFinding("l", exp, tail, units);
        Assert.NotNull(finding);
        Assert.Contains("its slope at the unit scale (max |f′| over [−1, 1] = 2.72)", finding.Explanation, StringComparison.Ordinal);
        Assert.Contains("negative tail", finding.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sigmoid", 200f)]
    [InlineData("sigmoid", -200f)]
    [InlineData("tanh", 1e38f)]
    [InlineData("hardtanh", -100f)]
    [InlineData("relu6", 100f)]
    public void Saturated_units_are_not_dead(string name, float x)
    {
        var f = ActivationCatalog.Create(name);
        var pre = Enumerable.Repeat(x, 16 * 4).ToArray();
        var dead = DeadUnitDetector.FromPreActivations("l", f, pre, 4);
        Assert.Empty(dead.DeadUnits);
        var (fraction, _) = SaturationDetector.Measure(f, pre, 4);
        Assert.Equal(1.0, fraction);
    }

    [Theory]
    [InlineData("relu", -1f)]
    [InlineData("relu6", -1f)]
    [InlineData("hardsigmoid", -4f)]
    [InlineData("leaky_relu(0)", -1f)]
    public void Units_with_zero_output_and_zero_derivative_are_dead(string name, float x)
    {
        var f = ActivationCatalog.Create(name);
        var pre = new float[16 * 4];
        for (int i = 0; i < pre.Length; i++) pre[i] = i % 4 == 2 ? x : 0.5f;
        Assert.Equal([2], DeadUnitDetector.FromPreActivations("l", f, pre, 4).DeadUnits);
    }

    [Theory]
    [InlineData("relu6", -1f)]
    [InlineData("hardsigmoid", -4f)]
    [InlineData("sparse_sigmoid", -2f)]
    [InlineData("gelu", -200f)]
    public void Dead_units_are_not_also_saturated(string name, float x)
    {
        // A zero-valued flat region (f = f′ = 0 in double) is the dead-unit detector's: it was counted as saturated
        // too, so a layer stuck there was reported twice, with a saturation fix about the wrong tail.
        var f = ActivationCatalog.Create(name);
        var pre = Enumerable.Repeat(x, 16 * 4).ToArray();
        Assert.Equal([0, 1, 2, 3], DeadUnitDetector.FromPreActivations("l", f, pre, 4).DeadUnits);
        var m = SaturationDetector.MeasureTails(f, pre, 4);
        Assert.Equal(0.0, m.Fraction);
        Assert.Equal([0.0, 0, 0, 0], m.PerUnit);
        Assert.Null(SaturationDetector.ToFinding("l", f, m));
    }

    [Fact]
    public void Relu6_saturates_only_in_its_upper_flat_region()
    {
        // N(−0.1, 1) pre-activations: 54 % are below zero (relu6's zero region), none above 6. Reported as 54 %
        // saturated before.
        var relu6 = ActivationCatalog.Create("relu6");
        var normal = Inputs(512, 64, 21).Select(v => v - 0.1f).ToArray();
        var m = SaturationDetector.MeasureTails(relu6, normal, 64);
        Assert.Equal(0.0, m.Fraction);
        Assert.Null(SaturationDetector.ToFinding("l", relu6, m));

        // Half the entries above 6, the rest below 0: only the upper half counts, and the fix is about that tail.
        var pre = new float[64 * 8];
        for (int i = 0; i < pre.Length; i++) pre[i] = i % 2 == 0 ? 7f + (i % 5) : -1f - (i % 3);
        var split = SaturationDetector.MeasureTails(relu6, pre, 8);
        Assert.Equal(0.5, split.Fraction);
        Assert.Equal(0.5, split.UpperFraction);
        Assert.Equal(0.0, split.LowerFraction);
        Assert.Equal([1.0, 0, 1, 0, 1, 0, 1, 0], split.PerUnit);
        var finding = SaturationDetector.ToFinding("l", relu6, split);
        Assert.NotNull(finding);
        Assert.StartsWith("Use a hidden activation without an upper flat region", finding.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sigmoid", -200f, "lower flat tail of sigmoid")]
    [InlineData("hardtanh", -100f, "lower flat tail of hardtanh")]
    [InlineData("tanh", 50f, "without an upper flat region")]
    [InlineData("elu", -30f, "negative tail")]
    public void The_saturation_fix_speaks_of_the_tail_the_units_sit_in(string name, float x, string fix)
    {
        var f = ActivationCatalog.Create(name);
        var pre = Enumerable.Repeat(x, 16 * 4).ToArray();
        var m = SaturationDetector.MeasureTails(f, pre, 4);
        Assert.Equal(1.0, m.Fraction);
        Assert.Equal(x < 0 ? 1.0 : 0.0, m.LowerFraction);
        Assert.Contains(fix, SaturationDetector.ToFinding("l", f, m)!.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_near_even_split_between_the_tails_is_blamed_on_the_initialisation_scale_not_on_the_biases()
    {
        // F2: tanh with zero biases and N(0, 10²) weights had 50.4 % of its saturated values low and 49.6 % high, and
        // was told to check its biases (`upper >= lower` had no margin). 118 rows × 4: 60 rows at −5, 58 at +5.
        var tanh = ActivationCatalog.Create("tanh");
        var pre = Enumerable.Range(0, 118 * 4).Select(i => i / 4 < 60 ? -5f : 5f).ToArray();
        var m = SaturationDetector.MeasureTails(tanh, pre, 4);
        Assert.Equal(1.0, m.Fraction);
        Assert.True(m.LowerFraction > m.UpperFraction);
        var even = SaturationDetector.ToFinding("fc1", tanh, m)!.Fix;
        Assert.DoesNotContain("bias", even, StringComparison.Ordinal);
        Assert.Equal("These are split between both flat tails of tanh (51 % below, 49 % above): the pre-activations are spread too wide, not shifted, so scale the initialisation down (Glorot (Xavier) for tanh) and normalise the inputs, or use a hidden activation without flat tails (ReLU family with He initialisation).", even);

        // The margin: one tail must hold at least twice the other's share (OneSidedRatio); exactly 2:1 is one-sided.
        string Fix(double low, double high) => SaturationDetector.ToFinding("l", tanh, new SaturationMeasurement(low + high, new double[4], low, high))!.Fix;
        Assert.StartsWith("These are split between both flat tails", Fix(0.33, 0.2), StringComparison.Ordinal);
        Assert.StartsWith("These are split between both flat tails", Fix(0.2, 0.39), StringComparison.Ordinal);
        Assert.StartsWith("Most of these sit in the lower flat tail of tanh: check the biases", Fix(0.4, 0.2), StringComparison.Ordinal);
        Assert.StartsWith("Use a hidden activation without an upper flat region", Fix(0.2, 0.4), StringComparison.Ordinal);
        Assert.StartsWith("Use a hidden activation without an upper flat region", Fix(0, 0.6), StringComparison.Ordinal);
        Assert.Equal(2.0, SaturationDetector.OneSidedRatio);
    }

    [Fact]
    public void Large_layers_are_measured_in_blocks_with_the_same_result()
    {
        // 70 000 values of 7 units: more than one block of whole rows; a prelu per channel keeps its columns.
        var prelu = ActivationCatalog.Create("prelu(num_parameters=7, init=0)");
        var relu6 = ActivationCatalog.Create("relu6");
        var pre = new float[10_000 * 7];
        for (int i = 0; i < pre.Length; i++) pre[i] = (i % 7) switch { 0 => -1f, 1 => 7f, _ => (i % 3) - 1f };
        Assert.Equal([0], DeadUnitDetector.FromPreActivations("l", prelu, pre, 7).DeadUnits);
        var m = SaturationDetector.MeasureTails(relu6, pre, 7);
        Assert.Equal(1.0, m.PerUnit[1]);
        Assert.Equal(0.0, m.PerUnit[0]);
        Assert.Equal(1.0 / 7, m.Fraction, 12);
    }

    public static TheoryData<string, double, string> BadThresholds()
    {
        var data = new TheoryData<string, double, string>();
        void Add(string option, string range, params double[] values)
        {
            foreach (double v in values) data.Add(option, v, range);
        }

        // F4: each of these was accepted and made a detector fire on healthy layers (or never, or crash).
        Add(nameof(DiagnosticsOptions.DeadWarningFraction), "in (0, 1]", 0, -1, 1.5, double.NaN, double.PositiveInfinity);
        Add(nameof(DiagnosticsOptions.DeadCriticalFraction), "in (0, 1]", 0, -0.5, 2, double.NaN);
        Add(nameof(DiagnosticsOptions.DeadMinSamples), "at least 1", 0, -3);
        Add(nameof(DiagnosticsOptions.SaturationDerivativeFraction), "in (0, 1)", 0, 1, -0.05, double.NaN);
        Add(nameof(DiagnosticsOptions.SaturationWarningFraction), "in (0, 1]", 0, -1, 1.01, double.NaN);
        Add(nameof(DiagnosticsOptions.SaturationCriticalFraction), "in (0, 1]", 0, -1, 1.01, double.NaN);
        Add(nameof(DiagnosticsOptions.VanishingRatio), "in (0, 1)", 0, 1, 5, -1e-3, double.NaN);
        Add(nameof(DiagnosticsOptions.VanishingSteps), "at least 1", 0, -1);
        Add(nameof(DiagnosticsOptions.ExplodingGrowth), "a finite number above 1", 1, 0.5, 0, double.NaN, double.PositiveInfinity);
        Add(nameof(DiagnosticsOptions.ExplodingWeightRatio), "a finite number above 0", 0, -1, double.NaN, double.PositiveInfinity);
        Add(nameof(DiagnosticsOptions.ExplodingActivationGrowth), "a finite number above 1", 1, 0.5, double.NaN, double.PositiveInfinity);
        Add(nameof(DiagnosticsOptions.CollapseRelativeSpread), "in (0, 1)", 0, -1e-6, 1, double.NaN);
        Add(nameof(DiagnosticsOptions.InitScaleFactor), "a finite number above 1", 1, 0.5, 0, double.NaN, double.PositiveInfinity);
        Add(nameof(DiagnosticsOptions.InitSensitiveScaleFactor), "a finite number above 1", 1, 0.9, double.NaN);
        Add(nameof(DiagnosticsOptions.InitCompoundFactor), "a finite number above 1", 1, -100, double.NaN);
        return data;
    }

    [Theory]
    [MemberData(nameof(BadThresholds))]
    public void Every_threshold_outside_its_range_is_refused_with_the_option_and_its_range(string option, double value, string range)
    {
        var property = typeof(DiagnosticsOptions).GetProperty(option)!;
        var e = Assert.Throws<ArgumentException>(() =>
        {
            try
            {
                property.SetValue(new DiagnosticsOptions(), property.PropertyType == typeof(int) ? (object)(int)value : value);
            }
            catch (System.Reflection.TargetInvocationException t) when (t.InnerException is not null)
            {
                throw t.InnerException;
            }
        });
        string shown = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith($"DiagnosticsOptions.{option} must be {range}, got {shown}.", e.Message, StringComparison.Ordinal);
        Assert.Equal(option, e.ParamName);
    }

    [Fact]
    public void Thresholds_at_the_ends_of_their_ranges_are_accepted_and_checked_in_with_expressions_too()
    {
        var o = new DiagnosticsOptions
        {
            DeadWarningFraction = 1,
            DeadCriticalFraction = 1,
            DeadMinSamples = 1,
            SaturationDerivativeFraction = 0.999,
            SaturationWarningFraction = 1,
            SaturationCriticalFraction = 1,
            VanishingRatio = 1e-300,
            VanishingSteps = 1,
            ExplodingGrowth = 1.0001,
            ExplodingWeightRatio = 1e-9,
            ExplodingActivationGrowth = 1.0001,
            CollapseRelativeSpread = 0.5,
            InitScaleFactor = 1.01,
            InitSensitiveScaleFactor = 1.01,
            InitCompoundFactor = 1.01,
        };
        Assert.Equal(1, o.VanishingSteps);
        o.Validate();
        Assert.Throws<ArgumentException>(() => o with { VanishingSteps = 0 });
        Assert.Equal(new DiagnosticsOptions(), new DiagnosticsOptions() with { });
    }

    [Fact]
    public void A_warning_fraction_above_its_critical_fraction_is_refused()
    {
        // L3: DeadWarningFraction 0.5 with DeadCriticalFraction 0.1 was accepted, and a layer with 30 % dead units, past
        // the critical threshold, got no finding at all.
        var dead = new DiagnosticsOptions { DeadWarningFraction = 0.5, DeadCriticalFraction = 0.1 };
        var e = Assert.Throws<ArgumentException>(dead.Validate);
        Assert.Equal("DiagnosticsOptions.DeadWarningFraction (0.5) must not be above DeadCriticalFraction (0.1): a layer with a fraction of dead units between the two would get no finding. (Parameter 'DeadWarningFraction')", e.Message);
        Assert.Equal("DeadWarningFraction", e.ParamName);
        var report = new DeadUnitReport("l", 10, 100, [0, 1, 2]);
        Assert.Equal(e.Message, Assert.Throws<ArgumentException>(() => DeadUnitDetector.ToFinding(report, dead)).Message);

        // The set order does not matter, and equal fractions are allowed (every finding critical).
        new DiagnosticsOptions { DeadCriticalFraction = 0.1, DeadWarningFraction = 0.05 }.Validate();
        var equal = new DiagnosticsOptions { DeadWarningFraction = 0.3, DeadCriticalFraction = 0.3 };
        Assert.Equal(Severity.Critical, DeadUnitDetector.ToFinding(report, equal)!.Severity);

        // Saturation has the same pair: the critical fraction, 0.9 before it was an option, is one now. Set both, the rule
        // holds; a warning fraction of 0.95 alone, valid before the option existed, still is (critical follows it up).
        var sat = new DiagnosticsOptions { SaturationWarningFraction = 0.95, SaturationCriticalFraction = 0.9 };
        var s = Assert.Throws<ArgumentException>(sat.Validate);
        Assert.StartsWith("DiagnosticsOptions.SaturationWarningFraction (0.95) must not be above SaturationCriticalFraction (0.9): a layer with a fraction of saturated pre-activations between the two would get no finding.", s.Message, StringComparison.Ordinal);
        var tanh = ActivationCatalog.Create("tanh");
        var measured = new SaturationMeasurement(0.92, [0.92], 0.46, 0.46);
        Assert.Throws<ArgumentException>(() => SaturationDetector.ToFinding("h", tanh, measured, sat));
        var warningAlone = new DiagnosticsOptions { SaturationWarningFraction = 0.95 };
        warningAlone.Validate();
        Assert.Equal(0.95, warningAlone.SaturationCriticalFraction);
        Assert.Null(SaturationDetector.ToFinding("h", tanh, measured, warningAlone));
        Assert.Equal(Severity.Critical, SaturationDetector.ToFinding("h", tanh, measured with { Fraction = 0.96 }, warningAlone)!.Severity);
        Assert.Equal(0.9, new DiagnosticsOptions().SaturationCriticalFraction);
        Assert.Equal(Severity.Critical, SaturationDetector.ToFinding("h", tanh, measured)!.Severity);
        Assert.Equal(Severity.Warning, SaturationDetector.ToFinding("h", tanh, measured, new DiagnosticsOptions { SaturationCriticalFraction = 0.95 })!.Severity);
    }

    [Fact]
    public void Negative_and_zero_fractions_are_over_the_finite_values_as_the_doc_says()
    {
        // L4: [−1, NaN, NaN, NaN] gave FractionNegative 0.25, although non-finite values are excluded from the other
        // statistics (its mean is −1).
        var s = ActivationStatistics.Of([-1f, float.NaN, float.NaN, float.PositiveInfinity]);
        Assert.Equal((-1.0, 1.0, 0.0, 0.75), (s.Mean, s.FractionNegative, s.FractionZero, s.FractionNonFinite));

        // No finite value: no fraction to give, like the mean; and no value at all the same way.
        foreach (var none in new[] { new[] { float.NaN, float.NegativeInfinity }, [] })
        {
            var n = ActivationStatistics.Of(none);
            Assert.True(double.IsNaN(n.Mean) && double.IsNaN(n.FractionNegative) && double.IsNaN(n.FractionZero), $"{n.Mean} {n.FractionNegative} {n.FractionZero}");
            Assert.Equal(none.Length == 0 ? 0.0 : 1.0, n.FractionNonFinite);
        }
    }

    [Fact]
    public void Histogram_bins_are_validated()
    {
        foreach (int bins in new[] { 0, -1, ActivationStatistics.MaxBins + 1, int.MaxValue })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ActivationStatistics.Of([1f, 2f], bins));
            Assert.Contains($"between 1 and {ActivationStatistics.MaxBins} bins, got {bins}", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(ActivationStatistics.MaxBins, ActivationStatistics.Of([1f, 2f], ActivationStatistics.MaxBins).HistogramCounts.Count);
    }
}
