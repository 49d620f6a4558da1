namespace ActivationKit.Nn;

/// <summary>The gradients of one layer during a backward pass (views into the network's buffers: copy to keep).</summary>
public readonly ref struct LayerGradients
{
    /// <summary>Creates the view.</summary>
    public LayerGradients(ReadOnlySpan<float> output, ReadOnlySpan<float> preActivation, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int rows)
    {
        Output = output;
        PreActivation = preActivation;
        Weights = weights;
        Bias = bias;
        Rows = rows;
    }

    /// <summary>∂L/∂y, [rows × Units].</summary>
    public ReadOnlySpan<float> Output { get; }

    /// <summary>∂L/∂pre, [rows × PreWidth].</summary>
    public ReadOnlySpan<float> PreActivation { get; }

    /// <summary>∂L/∂W, [In × PreWidth].</summary>
    public ReadOnlySpan<float> Weights { get; }

    /// <summary>∂L/∂b, [PreWidth].</summary>
    public ReadOnlySpan<float> Bias { get; }

    /// <summary>Samples in the batch.</summary>
    public int Rows { get; }
}

/// <summary>
/// Watches a network layer by layer: pre-activations and activations on the way forward, gradients on the way back.
/// The spans are the network's own buffers (no copies are made, and none at all when nobody observes); they are
/// valid only during the call.
/// </summary>
public interface ILayerObserver
{
    /// <summary>After layer <paramref name="layerIndex"/> computed pre [rows × PreWidth] and post [rows × Units].</summary>
    void OnForward(int layerIndex, ReadOnlySpan<float> pre, ReadOnlySpan<float> post, int rows);

    /// <summary>After layer <paramref name="layerIndex"/> computed its gradients.</summary>
    void OnBackward(int layerIndex, LayerGradients gradients);
}
