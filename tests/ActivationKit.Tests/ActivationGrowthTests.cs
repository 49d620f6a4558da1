using ActivationKit.Diagnostics;

namespace ActivationKit.Tests;

/// <summary>
/// <see cref="ActivationGrowthDetector"/>: forward activations that grow from hidden layer to hidden layer. A 4 × 64
/// swiglu network trained on spirals reached an RMS of 646 in its last hidden layer from 1.1 in its first, and logits of
/// ±1.4·10⁴, while every other detector stayed silent ("No problems found").
/// </summary>
public class ActivationGrowthTests
{
    private static readonly string[] Four = ["layer0", "layer1", "layer2", "layer3"];

    [Fact]
    public void The_trained_swiglu_stack_is_a_warning_at_its_last_hidden_layer()
    {
        var f = ActivationGrowthDetector.Detect(Four, [1.1, 2.12, 9.86, 646], step: 880)!;
        Assert.Equal(FindingKind.ExplodingActivations, f.Kind);
        Assert.Equal("exploding_activations", f.KindName);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal("layer3", f.Layer);
        Assert.Equal(880, f.Step);
        Assert.Equal(646 / 1.1, f.Evidence["growth"], 9);
        Assert.Equal(1.1, f.Evidence["reference_rms"]);
        Assert.Equal(646, f.Evidence["rms"]);
        Assert.Equal(3, f.Evidence["layers_between"]);
        Assert.StartsWith("The activations of layer3 have an RMS of 646, 587× that of layer0 (1.1), 3 layers earlier:", f.Explanation, StringComparison.Ordinal);
        Assert.Contains("normalisation layer", f.Fix, StringComparison.Ordinal);
        Assert.Contains("smaller gain", f.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Four_orders_of_magnitude_are_critical()
    {
        // The same stack at the gates' old gains (swiglu 1.6765): E[y²] = 3.4, 48, 1.6E+04, 6.2E+09 per layer.
        var f = ActivationGrowthDetector.Detect(Four, [Math.Sqrt(3.4), Math.Sqrt(48), Math.Sqrt(1.6e4), Math.Sqrt(6.2e9)])!;
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal("layer3", f.Layer);
        Assert.Null(f.Step);
    }

    [Theory]
    [InlineData(new[] { 0.99, 0.92, 0.91, 0.95 })] // relu, He: 4 × 256 on N(0, 1) inputs
    [InlineData(new[] { 0.6, 0.7, 0.75, 0.8 })] // tanh
    [InlineData(new[] { 1.03, 1.22, 2.6, 34.6 })] // swiglu at its gain, 4 × 256 before training: drifting, not yet exploding
    [InlineData(new[] { 1e-3, 0.05, 0.5, 2 })] // a small first layer (inputs scaled down) growing to an ordinary size
    [InlineData(new[] { 80.0, 95, 120, 150 })] // large from the first layer on (unstandardised inputs): no growth within
    [InlineData(new[] { 50.0, 1, 20, 99 })] // 99× the unit scale, below the threshold
    public void Healthy_or_merely_large_activations_are_not_reported(double[] rms)
    {
        Assert.Null(ActivationGrowthDetector.Detect(Four, rms));
    }

    [Fact]
    public void Growth_is_measured_from_the_smallest_earlier_layer_at_least_the_unit_scale()
    {
        // layer1 shrank to 0.3 and layer3 grew to 150: 150× the unit scale (not 500× layer1's 0.3), and the sentence says so.
        var f = ActivationGrowthDetector.Detect(Four, [2, 0.3, 10, 150])!;
        Assert.Equal(150, f.Evidence["growth"], 9);
        Assert.Equal(0.3, f.Evidence["reference_rms"]);
        Assert.Equal(2, f.Evidence["layers_between"]);
        Assert.Contains("150× the unit scale of standardised inputs (the smallest earlier hidden layer, layer1, has an RMS of 0.3)", f.Explanation, StringComparison.Ordinal);

        // From a large start, the smallest earlier layer is the yardstick: 5 → 600 is 120×.
        var g = ActivationGrowthDetector.Detect(Four, [5, 8, 40, 600])!;
        Assert.Equal(120, g.Evidence["growth"], 9);
        Assert.Contains("that of layer0 (5)", g.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_threshold_is_an_option()
    {
        double[] rms = [1, 10, 100, 500];
        Assert.Equal(Severity.Warning, ActivationGrowthDetector.Detect(Four, rms)!.Severity);
        Assert.Null(ActivationGrowthDetector.Detect(Four, rms, new DiagnosticsOptions { ExplodingActivationGrowth = 1000 }));
        Assert.Equal(Severity.Critical, ActivationGrowthDetector.Detect(Four, rms, new DiagnosticsOptions { ExplodingActivationGrowth = 4 })!.Severity);
    }

    [Fact]
    public void One_layer_or_a_non_finite_rms_gives_no_finding_and_mismatched_counts_are_refused()
    {
        Assert.Null(ActivationGrowthDetector.Detect(["layer0"], [1e6]));
        Assert.Null(ActivationGrowthDetector.Detect(Four, [1, double.NaN, 1e6, 1e9]));
        Assert.Null(ActivationGrowthDetector.Detect(Four, [1, 10, double.PositiveInfinity, 1e9]));
        var e = Assert.Throws<ArgumentException>(() => ActivationGrowthDetector.Detect(Four, [1, 2, 3]));
        Assert.StartsWith("3 RMS values for 4 layers; give one per hidden layer.", e.Message, StringComparison.Ordinal);
    }
}
