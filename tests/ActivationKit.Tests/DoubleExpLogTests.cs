using ActivationKit.Accuracy;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Tests;

/// <summary>
/// The fitted double-lane pieces the sigmoid family builds on: <see cref="VMath.ExpClamped{TV}"/> (e^x on [−746, 710],
/// a degree-9 minimax tail), <see cref="VMath.Expm1Reduced{TV}"/> through <see cref="VMath.Expm1Clamped{TV}"/> and
/// <see cref="VMath.Log1pUnit{TV}"/> (ln(1 + e) on [0, 1]), and <see cref="VMath.ExpMinusAbsRatio{TV}"/> (e^−|x| as
/// 2^n·P/Q, for the double sigmoid family and tanh). Each is checked on a dense grid, at every register width
/// for the same bits, against the .NET library's exp (within 1.5 ULP) or against ReferenceMath's expm1 and log1p, which
/// are themselves up to about 1.5 double ULP off (at e = 0.00088 ReferenceMath.Log1p is 2 ULP from ours, and ours is
/// the correctly rounded value by mpmath), so those two bounds are 3 ULP: a broken coefficient or reduction shows as
/// thousands. The exact bounds come from mpmath through the functions built on these pieces (GoldenDoubleTests:
/// softplus, logsigmoid, sigmoid, tanh, elu).
/// </summary>
public class DoubleExpLogTests
{
    private static double[] Grid(double from, double to, int count)
    {
        var x = new double[count];
        for (int i = 0; i < count; i++) x[i] = from + ((to - from) * i / (count - 1));
        return x;
    }

    private static double[] Apply(double[] x, Func<V512<double>, V512<double>> v512, Func<V256<double>, V256<double>> v256, Func<S<double>, S<double>> scalar)
    {
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double s = scalar(new S<double>(x[i])).Value;
            y[i] = s;
            double wide = v512(V512<double>.Create(x[i])).Value[0];
            double mid = v256(V256<double>.Create(x[i])).Value[0];
            Assert.True(BitConverter.DoubleToInt64Bits(s) == BitConverter.DoubleToInt64Bits(wide) || (double.IsNaN(s) && double.IsNaN(wide)), $"x = {x[i]:R}: scalar {s:R}, 512-bit {wide:R}");
            Assert.True(BitConverter.DoubleToInt64Bits(s) == BitConverter.DoubleToInt64Bits(mid) || (double.IsNaN(s) && double.IsNaN(mid)), $"x = {x[i]:R}: scalar {s:R}, 256-bit {mid:R}");
        }

        return y;
    }

    [Fact]
    public void ExpClamped_is_within_a_ULP_and_a_half_down_to_the_subnormals()
    {
        var x = Grid(-746, 709.7, 200_001);
        var y = Apply(x, VMath.ExpClamped, VMath.ExpClamped, VMath.ExpClamped);
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Exp(x[i]);
            // Below the normals an error of one subnormal step is the rounding of the scaling itself.
            double err = exact < 2.2250738585072014e-308 ? Math.Abs(y[i] - exact) / double.Epsilon : Ulp.Double(y[i], exact);
            worst = Math.Max(worst, err);
        }

        Assert.True(worst <= 1.5, $"worst {worst:F3} ULP");
        Assert.Equal(0.0, Apply([-746.0], VMath.ExpClamped, VMath.ExpClamped, VMath.ExpClamped)[0]);
        Assert.Equal(1.0, Apply([0.0], VMath.ExpClamped, VMath.ExpClamped, VMath.ExpClamped)[0]);
        Assert.True(double.IsNaN(Apply([double.NaN], VMath.ExpClamped, VMath.ExpClamped, VMath.ExpClamped)[0]));
    }

    private static TV RatioOf<TV>(TV x) where TV : struct, IVec<TV>
    {
        var q = VMath.ExpMinusAbsRatio(x, out var scaledP);
        return scaledP / q;
    }

    [Fact]
    public void ExpMinusAbsRatio_gives_e_to_minus_abs_x_within_two_ULP_down_to_the_subnormals()
    {
        var x = Grid(-760, 760, 200_001).Concat([0.0, -0.0, 1e-300, -5e-324, 0.3465735902799726, -0.3465735902799727, 745.2, -745.1]).ToArray();
        var y = Apply(x, RatioOf, RatioOf, RatioOf);
        double worst = 0;
        double at = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Exp(-Math.Abs(x[i]));
            // Below the normals 2^n·P is rounded into the subnormals, and the quotient once more: two subnormal steps.
            double err = exact < 2.2250738585072014e-308 ? Math.Abs(y[i] - exact) / double.Epsilon / 1.5 : Ulp.Double(y[i], exact);
            if (err > worst) (worst, at) = (err, x[i]);
        }

        // 0.81 ULP for P/Q from the rounded P and Q and half an ULP for the quotient, plus Math.Exp's own error: the
        // worst grid point, x = −705.812, is 2.0 ULP from Math.Exp and 1.52 from mpmath (Math.Exp is 0.48 off there).
        Assert.True(worst <= 2.5, $"worst {worst:F3} ULP at {at:R}");
        Assert.Equal(1.0, Apply([0.0], RatioOf, RatioOf, RatioOf)[0]);
        Assert.Equal(0.0, Apply([double.PositiveInfinity], RatioOf, RatioOf, RatioOf)[0]);
        Assert.Equal(0.0, Apply([double.NegativeInfinity], RatioOf, RatioOf, RatioOf)[0]);
        Assert.True(double.IsNaN(Apply([double.NaN], RatioOf, RatioOf, RatioOf)[0]));
    }

    [Fact]
    public void Expm1Clamped_is_within_3_ULP_of_the_reference_including_tiny_arguments()
    {
        var x = Grid(-40, 40, 100_001).Concat([1e-300, -1e-300, 1e-12, -3e-9, 0.3465, -0.3466, 0.0]).ToArray();
        var y = Apply(x, VMath.Expm1Clamped, VMath.Expm1Clamped, VMath.Expm1Clamped);
        double worst = 0;
        double at = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double err = Ulp.Double(y[i], ReferenceMath.Expm1(x[i]));
            if (err > worst) (worst, at) = (err, x[i]);
        }

        Assert.True(worst <= 3, $"worst {worst:F3} ULP at {at:R}: {y[Array.IndexOf(x, at)]:R} against {ReferenceMath.Expm1(at):R}");
    }

    [Fact]
    public void Log1pUnit_is_within_3_ULP_of_the_reference_on_the_unit_interval_and_returns_tiny_arguments_unchanged()
    {
        var e = Grid(0, 1, 200_001).Concat([1e-300, 4.9e-324, 2.2250738585072014e-308, 1.1102230246251565e-16, 1e-8]).ToArray();
        var y = Apply(e, VMath.Log1pUnit, VMath.Log1pUnit, VMath.Log1pUnit);
        double worst = 0;
        double at = 0;
        for (int i = 0; i < e.Length; i++)
        {
            double err = Ulp.Double(y[i], ReferenceMath.Log1p(e[i]));
            if (err > worst) (worst, at) = (err, e[i]);
        }

        Assert.True(worst <= 3, $"worst {worst:F3} ULP at {at:R}: {y[Array.IndexOf(e, at)]:R} against {ReferenceMath.Log1p(at):R}");
        foreach (double tiny in new[] { 1e-300, 4.9e-324, 2.2250738585072014e-308, 0.0 })
        {
            Assert.Equal(tiny, Apply([tiny], VMath.Log1pUnit, VMath.Log1pUnit, VMath.Log1pUnit)[0]);
        }

        Assert.Equal(0.6931471805599453, Apply([1.0], VMath.Log1pUnit, VMath.Log1pUnit, VMath.Log1pUnit)[0]);
        Assert.True(double.IsNaN(Apply([double.NaN], VMath.Log1pUnit, VMath.Log1pUnit, VMath.Log1pUnit)[0]));
    }
}
