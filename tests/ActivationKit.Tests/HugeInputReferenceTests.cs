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

    [Fact]
    public void References_follow_the_double_kernels_into_the_tails()
    {
        // tanh's reference derivative, 1/cosh², overflowed cosh² past |x| ≈ 355 and gave 0 where the kernel's 4e^(−2|x|)
        // was still a double (1.08e−310 at 357.55; exploratory API tester). Where a double kernel's value or slope is a
        // non-zero number in the tails, the reference must give one too, near it (the accuracy sweeps measure the rest).
        var failures = new List<string>();
        var xs = new List<double>();
        for (double a = 8; a <= 760; a *= 1.03) { xs.Add(a); xs.Add(-a); }
        foreach (var info in ActivationCatalog.All)
        {
            if (ActivationCatalog.Create(info) is not ElementwiseActivation f) continue;
            var x = xs.ToArray();
            var y = new double[x.Length];
            var dx = new double[x.Length];
            f.Forward(x, y);
            f.Backward(x, Enumerable.Repeat(1.0, x.Length).ToArray(), dx);
            for (int i = 0; i < x.Length; i++)
            {
                Check("", y[i], f.Reference(x[i]), x[i]);
                Check("′", dx[i], f.ReferenceDerivative(x[i]), x[i]);
            }

            void Check(string mark, double kernel, double reference, double at)
            {
                if (kernel == 0 || !double.IsFinite(kernel)) return;
                // Subnormal results carry few bits: 16 of the smallest steps apart is near there.
                if (!(Math.Abs(reference - kernel) <= Math.Max(1e-9 * Math.Abs(kernel), 16 * double.Epsilon)))
                {
                    failures.Add($"{info.Name}{mark}({at:R}): kernel {kernel:R}, reference {reference:R}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }
}
