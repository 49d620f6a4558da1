namespace ActivationKit.Nn.Experiments;

/// <summary>Copies the hidden layers' pre-activations and outputs of one forward pass (for end-of-training diagnostics and the timeline).</summary>
internal sealed class HiddenLayerCapture(int hiddenLayers) : ILayerObserver
{
    public float[][] Pre { get; } = new float[hiddenLayers][];

    public float[][] Post { get; } = new float[hiddenLayers][];

    public void OnForward(int layerIndex, ReadOnlySpan<float> pre, ReadOnlySpan<float> post, int rows)
    {
        if (layerIndex >= Pre.Length) return;
        Pre[layerIndex] = pre.ToArray();
        Post[layerIndex] = post.ToArray();
    }

    public void OnBackward(int layerIndex, LayerGradients gradients)
    {
    }
}
