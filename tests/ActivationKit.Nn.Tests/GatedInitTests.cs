namespace ActivationKit.Nn.Tests;

/// <summary>
/// The gated functions' initialisation gain on an engine network: <c>auto</c> (He normal with the catalog's gain) must
/// keep the second moment of standardised inputs through a gated layer.
/// </summary>
public class GatedInitTests
{
    /// <summary>Records each layer's E[y²] over the batch on the way forward.</summary>
    private sealed class SecondMoments(int layers) : ILayerObserver
    {
        public double[] Values { get; } = new double[layers];

        public void OnForward(int layerIndex, ReadOnlySpan<float> pre, ReadOnlySpan<float> post, int rows)
        {
            double sum = 0;
            foreach (float v in post) sum += (double)v * v;
            Values[layerIndex] = sum / post.Length;
        }

        public void OnBackward(int layerIndex, LayerGradients gradients)
        {
        }
    }

    private static float[] StandardNormal(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[count];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextGaussian();
        return x;
    }

    [Theory]
    [InlineData("swiglu", 1.6765324703310912)]
    [InlineData("geglu", 1.5335304411955352)]
    [InlineData("reglu", 1.4142135623730951)]
    [InlineData("glu", 1.8462285453386054)]
    public void Auto_init_keeps_the_first_gated_layers_second_moment_near_one(string activation, double oldGain)
    {
        // The gates' element-wise gains (oldGain) scaled the value half a as well as the gate's input, so unit inputs came
        // out with E[y²] = c²·E[g(c·z)²] = 3.3 (swiglu), 2.6 (geglu), 2 (reglu), 1.16 (glu), compounding layer by layer
        // (reglu 4 × 256: 2, 9, 258, 7e5); actkit train with swiglu reached a test R² of −20.
        const int inputs = 64, rows = 4096;
        var net = Mlp.Build(inputs, [256, 256, 256, 256], activation, 1);
        net.Initialize(Initializer.Auto, seed: 11);
        var moments = new SecondMoments(net.Layers.Count);
        net.AddObserver(moments);
        var x = StandardNormal(inputs * rows, 5);
        net.Forward(x, rows);
        Assert.InRange(moments.Values[0], 0.7, 1.4);
        // The balance is unstable: each sample's second moment is about squared by every layer (glu: q^1.13), so the
        // spread between samples compounds and deeper layers drift (here E[y²] = 1.06, 1.5, 7, 1200 for swiglu; the catalog
        // notes say so). The second layer is still near 1, where the old gains had 9 (reglu) to 48 (swiglu).
        Assert.InRange(moments.Values[1], 0.7, 2.5);

        // The same weights at the old gain: the pre-activations (biases start at 0) scale by oldGain/gain.
        var first = net.Layers[0];
        float ratio = (float)(oldGain / first.Gain);
        for (int i = 0; i < first.Weights.Length; i++) first.Weights[i] *= ratio;
        net.Forward(x, rows);
        if (activation == "glu") Assert.True(moments.Values[0] > 1.1, $"glu at its old gain: E[y²] = {moments.Values[0]}");
        else Assert.True(moments.Values[0] > 1.9, $"{activation} at its old gain: E[y²] = {moments.Values[0]}");
    }
}
