using ActivationKit.Catalog;

namespace ActivationKit.Tests;

/// <summary>
/// Every elementwise reference (and gated gate) at inputs whose square overflows, and at ±∞: NaN only where the
/// kernel is NaN (never for a gate), and the same sign as the kernel (docs/adding-an-activation.md: references give the correct limits for every input).
/// </summary>
public class HugeInputReferenceTests
{
    private static readonly double[] Huge = [2e154, -2e154, 1e200, -1e200, double.MaxValue, -double.MaxValue, double.PositiveInfinity, double.NegativeInfinity];

    [Fact]
    public void References_are_not_nan_where_the_kernel_is_not()
    {
        var failures = new List<string>();
        foreach (var info in ActivationCatalog.All)
        {
            var f = ActivationCatalog.Create(info);
            Func<double, double> value, slope;
            if (f is ElementwiseActivation e) { value = e.Reference; slope = e.ReferenceDerivative; }
            else if (f is GatedActivation g) { value = g.ReferenceGate; slope = g.ReferenceGateDerivative; }
            else continue;
            foreach (double x in Huge)
            {
                double r = value(x), d = slope(x);
                double y = double.NaN, dx = double.NaN;
                if (f is ElementwiseActivation el)
                {
                    var one = new double[1];
                    el.Forward([x], one);
                    y = one[0];
                    el.Backward([x], [1.0], one);
                    dx = one[0];
                }
                else if (f is GatedActivation)
                {
                    // Gates have limits everywhere; a NaN gate is always wrong.
                    y = dx = 0;
                }

                // sin(±∞) and snake′(±∞) have no limit: NaN in both.
                if (double.IsNaN(r) && !double.IsNaN(y)) failures.Add($"{info.Name}({x:R}) reference is NaN{(f is GatedActivation ? " (gate)" : $", kernel {y:R}")}");
                if (double.IsNaN(d) && !double.IsNaN(dx)) failures.Add($"{info.Name}′({x:R}) reference is NaN{(f is GatedActivation ? " (gate)" : $", kernel {dx:R}")}");
                if (f is ElementwiseActivation)
                {
                    if (!double.IsNaN(y) && !double.IsNaN(r) && double.IsNegative(y) != double.IsNegative(r)) failures.Add($"{info.Name}({x:R}): kernel {y:R}, reference {r:R}");
                    if (!double.IsNaN(dx) && !double.IsNaN(d) && double.IsNegative(dx) != double.IsNegative(d)) failures.Add($"{info.Name}′({x:R}): kernel {dx:R}, reference {d:R}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
