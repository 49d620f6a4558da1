namespace ActivationKit.Tests;

/// <summary>The slopes a backward from the output gives at the outputs of given inputs, for the tests that check it.</summary>
internal static class FromOutput
{
    /// <summary>
    /// y = f(x) and f′ from y (dy = 1) in float, and the same in double from x widened: the float and double outputs and
    /// their slopes.
    /// </summary>
    public static (float[] Y, float[] Slope, double[] YDouble, double[] SlopeDouble) Slopes(Activation f, float[] x)
    {
        var y = new float[x.Length];
        var slope = new float[x.Length];
        f.Forward(x, y);
        f.BackwardFromOutput(y, Enumerable.Repeat(1f, x.Length).ToArray(), slope);
        var yd = new double[x.Length];
        var slopeD = new double[x.Length];
        f.Forward(x.Select(v => (double)v).ToArray(), yd);
        f.BackwardFromOutput(yd, Enumerable.Repeat(1.0, x.Length).ToArray(), slopeD);
        return (y, slope, yd, slopeD);
    }
}
