namespace ActivationKit.Nn.Diagnostics;

/// <summary>
/// What one layer produced at one check: pre-activations and/or activations laid out [rows × columns], and the norm
/// of its weight gradient. Any part may be missing (empty memory, null norm); the detectors that need it are skipped.
/// </summary>
public sealed record LayerSnapshot
{
    /// <summary>Layer name as reported (e.g. <c>layer0</c>, or a file's name).</summary>
    public required string Name { get; init; }

    /// <summary>The layer's activation (null: linear).</summary>
    public Activation? Activation { get; init; }

    /// <summary>Columns of <see cref="Post"/> (the layer's units).</summary>
    public required int Units { get; init; }

    /// <summary>Columns of <see cref="Pre"/>: 2·Units before a gated activation, Units otherwise.</summary>
    public required int PreWidth { get; init; }

    /// <summary>Samples (rows) in the arrays.</summary>
    public required int Rows { get; init; }

    /// <summary>Pre-activations [Rows × PreWidth], or empty when unknown.</summary>
    public ReadOnlyMemory<float> Pre { get; init; }

    /// <summary>Activations [Rows × Units], or empty when unknown.</summary>
    public ReadOnlyMemory<float> Post { get; init; }

    /// <summary>‖∂L/∂W‖ (Frobenius), or null when unknown.</summary>
    public double? GradientNorm { get; init; }

    /// <summary>
    /// ‖W‖ (Frobenius) of the weights the gradient updates, or null when unknown: the exploding-gradient check compares
    /// a grown gradient with it (see <see cref="ActivationKit.Diagnostics.GradientFlowMonitor"/>).
    /// </summary>
    public double? WeightNorm { get; init; }

    /// <summary>The activation spec as written in reports (<c>linear</c> for none).</summary>
    public string ActivationName => Activation?.ToString() ?? "linear";
}
