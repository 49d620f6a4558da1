using ActivationKit.Accuracy;
using ActivationKit.Catalog;

namespace ActivationKit.Nn.Tests;

/// <summary>
/// The layer's f′ is as accurate as the activation's backward from the input — the exploratory NN tester's finding F4:
/// the layer took f′ from the output for every function that allows it, which in the negative tail of ELU, SELU and
/// CELU (f′ = y + α cancels) and where tanh saturates (1 − y²) lost precision down to 0.
/// </summary>
public sealed class DenseLayerDerivativeTests
{
    /// <summary>A 1 → 1 layer with W = 1 and b = 0, so pre = x; returns dpre for dy = 1.</summary>
    private static float[] LayerDerivative(string activation, float[] x, out DenseLayer layer)
    {
        layer = new DenseLayer(1, 1, activation);
        layer.Weights[0] = 1f;
        var pre = new float[x.Length];
        var y = new float[x.Length];
        var dpre = new float[x.Length];
        layer.Forward(x, pre, y, x.Length);
        Assert.Equal(x, pre);
        layer.Backward(x, pre, y, Enumerable.Repeat(1f, x.Length).ToArray(), dpre, Span<float>.Empty, x.Length);
        return dpre;
    }

    [Fact]
    public void Selu_in_its_negative_tail_matches_torch()
    {
        // x = torch.tensor([-10., -12., -15., -17., -20.], requires_grad=True); w = torch.ones(1, 1, requires_grad=True)
        // F.selu(x[:, None] @ w).sum().backward()
        //   dpre = [7.98176e-05, 1.08021e-05, 5.37807e-07, 7.2784e-08, 3.6237e-09], dW = −0.00093718
        // Before: [7.9870224e-05, 1.0848045e-05, 4.7683716e-07, 0, 0] and dW −0.00093603.
        float[] x = [-10f, -12f, -15f, -17f, -20f];
        var dpre = LayerDerivative("selu", x, out var layer);
        float[] torch = [7.98176e-05f, 1.08021e-05f, 5.37807e-07f, 7.2784e-08f, 3.6237e-09f];
        for (int i = 0; i < x.Length; i++) Assert.Equal(1.0, dpre[i] / torch[i], 5e-5);
        Assert.Equal(-0.00093718, layer.WeightGradient[0], 5e-8);
    }

    [Theory]
    [InlineData("elu", -10f, 4.5399929762484854e-05)] // e^−10; it was 4.541874e-05
    [InlineData("celu", -10f, 4.5399929762484854e-05)]
    [InlineData("tanh", 6f, 2.4576547405332702e-05)] // 1 − tanh²(6); it was 2.4676e-05
    [InlineData("sigmoid", 12f, 6.1441368513331755e-06)] // σ(12)·σ(−12)
    public void The_layer_derivative_is_within_4_ulp_where_the_output_form_was_not(string activation, float x, double exact)
    {
        var dpre = LayerDerivative(activation, [x], out _);
        Assert.True(Ulp.Float(dpre[0], exact) <= 4, $"{activation}′({x}) = {dpre[0]:R}, exactly {exact:R} ({Ulp.Float(dpre[0], exact):F1} ULP)");
    }

    public static TheoryData<string> OutputGradientSpecs()
    {
        var data = new TheoryData<string>();
        foreach (var info in ActivationCatalog.All.Where(i => i.Kind == ActivationKind.Elementwise && ActivationCatalog.Create(i).SupportsBackwardFromOutput)) data.Add(info.Name);
        foreach (string spec in (string[])["elu(alpha=0.5)", "celu(alpha=2)", "leaky_relu(0.2)"]) data.Add(spec);
        return data;
    }

    [Theory]
    [MemberData(nameof(OutputGradientSpecs))]
    public void Every_function_that_could_take_f_prime_from_the_output_is_within_4_ulp_in_the_layer(string spec)
    {
        // Pre-activations across ±120 (where the tails underflow) and near 0, kinks excluded (conventions, not accuracy).
        var f = (ElementwiseActivation)ActivationCatalog.Create(spec);
        var rng = new Rng(3);
        var x = Enumerable.Range(0, 4000).Select(i => i % 4 == 0 ? (float)rng.NextUniform(-3, 3) : (float)rng.NextUniform(-120, 120))
            .Where(v => !f.Kinks.Contains(v)).ToArray();
        var dpre = LayerDerivative(spec, x, out var layer);
        var fromInput = new float[x.Length];
        layer.Activation!.Backward(x, Enumerable.Repeat(1f, x.Length).ToArray(), fromInput);
        for (int i = 0; i < x.Length; i++)
        {
            double error = AccuracyMeter.BackwardError(f, x[i], dpre[i]);
            Assert.True(error <= 4, $"{spec}′({x[i]:R}) = {dpre[i]:R} in the layer, {fromInput[i]:R} from the input: {error:F1} ULP");
        }
    }

    [Fact]
    public void Only_functions_whose_output_gives_f_prime_exactly_take_it_from_the_output()
    {
        Assert.True(DenseLayer.TakesDerivativeFromOutput(ActivationCatalog.Create("relu")));
        Assert.True(DenseLayer.TakesDerivativeFromOutput(ActivationCatalog.Create("hardtanh")));
        // hardsigmoid and sparse_sigmoid: one input just below the upper kink rounds to y = 1, whose f′ is 0, not ⅙ or ½.
        foreach (string name in (string[])["elu", "celu", "selu", "tanh", "sigmoid", "softsign", "relu_squared", "squareplus", "hardsigmoid", "sparse_sigmoid"])
        {
            Assert.False(DenseLayer.TakesDerivativeFromOutput(ActivationCatalog.Create(name)), name);
        }
    }
}
