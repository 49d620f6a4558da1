using ActivationKit.Catalog;
using System.Globalization;

namespace ActivationKit.Diagnostics;

/// <summary>
/// What an output of exactly 0 says about a unit when only a layer's activations are known (a dump with <c>post</c>
/// and no <c>pre</c>). A unit is dead when its output and its derivative are both zero on every sample; from the
/// outputs alone the derivative is unknown, and whether a zero output implies a zero derivative depends on the
/// function: ReLU outputs 0 only where f′ = 0 (x &lt; 0), but tanh, the identity, ELU or leaky ReLU output 0 only at
/// x = 0, where their slope is 1 (or the leak), so a unit of theirs that always outputs 0 still learns.
/// </summary>
public static class ZeroOutput
{
    /// <summary>
    /// Per channel (one entry; C for prelu(num_parameters=C), whose unit j is channel j mod C): true when some input
    /// at which f gives 0 also has f′ = 0, so a unit whose output is 0 on every sample may be dead; false when every
    /// zero of f has a slope (tanh, identity, elu, leaky_relu, sin), so such a unit is not dead. Sampled in float — as
    /// activations are dumped and the engine trains — at 0, every 1/8 over [−32, 32] and at ±2^k up to the float
    /// range, so a tail that only reaches 0 by underflowing float counts too (sigmoid below about −104, silu, gelu):
    /// its gradient is 0 in float training as well. Functions that are 0 both where they have a slope and in such a
    /// tail (silu, gelu and mish at 0) count as able to die: from outputs alone the two cannot be told apart, and the
    /// pre-activations can.
    /// </summary>
    /// <exception cref="ArgumentException">A row-wise or gated function (no unit-wise derivative).</exception>
    public static bool[] MeansDeadPerChannel(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (activation.Info.Kind != ActivationKind.Elementwise)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{activation} is not element-wise: an output of one unit says nothing about its own derivative."), nameof(activation));
        }

        var grid = GridPoints;
        int channels = activation.Channels;
        var dead = new bool[channels];
        const int BlockRows = 256;
        var x = new float[BlockRows * channels];
        var y = new float[x.Length];
        var d = new float[x.Length];
        for (int start = 0; start < grid.Length; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, grid.Length - start);
            int n = rows * channels;
            for (int r = 0; r < rows; r++) x.AsSpan(r * channels, channels).Fill(grid[start + r]);
            activation.Forward(x.AsSpan(0, n), y.AsSpan(0, n), channels);
            d.AsSpan(0, n).Fill(1f);
            activation.Backward(x.AsSpan(0, n), d.AsSpan(0, n), d.AsSpan(0, n), channels);
            for (int i = 0; i < n; i++)
            {
                if (y[i] == 0 && d[i] == 0) dead[i % channels] = true;
            }
        }

        return dead;
    }

    /// <summary><see cref="MeansDeadPerChannel"/> for a function with one set of parameters: true when any channel can die.</summary>
    public static bool MeansDead(Activation activation) => MeansDeadPerChannel(activation).Any(v => v);

    // The sample points, the same for every function: built once.
    private static readonly float[] GridPoints = Grid();

    private static float[] Grid()
    {
        var points = new List<float> { 0f };
        for (int k = 1; k <= 32 * 8; k++) points.AddRange([k / 8f, -k / 8f]);
        for (int e = 6; e <= 127; e++)
        {
            float p = MathF.ScaleB(1f, e);
            points.AddRange([p, -p, 1.5f * p, -1.5f * p]);
        }

        return points.Where(float.IsFinite).ToArray();
    }
}
