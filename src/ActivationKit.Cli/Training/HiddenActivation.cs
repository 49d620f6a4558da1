using ActivationKit.Catalog;
using ActivationKit.Nn;

namespace ActivationKit.Cli.Training;

/// <summary>
/// The hidden-layer activation of a command that builds a network (<c>train</c>, <c>bench mlp</c>), refused as compare
/// refuses it when it is row-wise: one check, so that no command times or trains what the others refuse (bench mlp
/// timed a softmax hidden layer that train and compare refuse).
/// </summary>
public static class HiddenActivation
{
    /// <summary>
    /// Resolves <paramref name="spec"/> (null for the identity), refusing a row-wise function: it normalises the whole
    /// layer into one distribution, an output's job, not a hidden layer's. Gated functions (swiglu, …) are hidden-layer
    /// functions the engine trains (2·units wide).
    /// </summary>
    /// <param name="spec">The function as typed after --activation.</param>
    /// <param name="outputOption">The command's option for the output function (train's --output), named as the place for a row-wise one; null when the command has none.</param>
    /// <exception cref="UsageException">A row-wise function.</exception>
    /// <exception cref="ArgumentException">An unknown function or malformed parameters (as <see cref="DenseLayer.ResolveActivation"/> says).</exception>
    public static Activation? Resolve(string spec, string? outputOption = null)
    {
        var activation = DenseLayer.ResolveActivation(spec);
        if (activation is { Info.Kind: ActivationKind.Rowwise })
        {
            string instead = outputOption is null
                ? "use an element-wise function such as relu or gelu."
                : $"use it at the output ({outputOption} {activation.Name}) and an element-wise function such as relu or gelu in the hidden layers.";
            throw new UsageException($"--activation '{activation}' is row-wise (it normalises a whole row), so it cannot be a hidden-layer activation; {instead}");
        }

        return activation;
    }
}
