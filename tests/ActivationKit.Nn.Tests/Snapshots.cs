using ActivationKit.Catalog;
using ActivationKit.Nn.Diagnostics;

namespace ActivationKit.Nn.Tests;

/// <summary>Constructed layer snapshots for the diagnostics-session tests.</summary>
internal static class Snapshots
{
    /// <summary>A layer of <paramref name="units"/> units whose pre-activations are <paramref name="pre"/> (rows × units).</summary>
    public static LayerSnapshot Layer(string name, string activation, float[] pre, int units) => new()
    {
        Name = name,
        Activation = ActivationCatalog.Create(activation),
        Units = units,
        PreWidth = units,
        Rows = pre.Length / units,
        Pre = pre,
    };
}
