using System.Runtime.Intrinsics;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Functions;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;
using Xunit.Abstractions;

namespace ActivationKit.Tests;

/// <summary>
/// Softplus's backward from the output, f′ = 1 − e^(−βy): against the reference derivative at the input that gave each
/// y (every 65,537th float bit pattern, so both tails, subnormals, ±0 and ±∞), as a function of y for any dy, its special
/// values, the parameters that refuse it, and the same bits from every register width the driver may run.
/// </summary>
public class SoftplusFromOutputTests(ITestOutputHelper output)
{
    public static TheoryData<string> Specs => new()
    {
        "softplus",
        "softplus(threshold=inf)",
        "softplus(beta=2)",
        "softplus(beta=0.3)",
        "softplus(beta=37,threshold=inf)",
        "softplus(beta=1e-30)",
        "softplus(threshold=17.4)",
    };

    /// <summary>Every 65,537th float bit pattern (NaN left out) and the edges of the float lanes and of the threshold.</summary>
    private static float[] Sweep()
    {
        var xs = new List<float>();
        for (long b = 0; b <= uint.MaxValue; b += 65_537)
        {
            float v = BitConverter.UInt32BitsToSingle((uint)b);
            if (!float.IsNaN(v)) xs.Add(v);
        }

        xs.AddRange([0f, -0f, float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f, 17.5f, 19.999998f, 20f, 20.000002f, 40f, -40f,
            -87f, -103.9f, -104f, -150f, 88f, 1e30f, -1e30f, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity]);
        return [.. xs];
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Slope_from_the_output_matches_the_reference_derivative_at_the_input(string spec)
    {
        // f′ from y keeps y's relative accuracy (condition number at most 1): float within 3 ULP and double within 4
        // (measured 3.00) of σ(βx) wherever y is a normal number (a subnormal y has lost relative accuracy already; the
        // next test covers it as a function of y), on every input of the sweep. Float measured 1.43 at β = 1 and, since
        // float data with β ≠ 1 has float lanes of its own (2026-12-05), 2.01 at β = 0.3: its y carries up to 1.8 ULP
        // (0.5 from the double lanes before), which the slope passes on.
        var f = (Softplus)ActivationCatalog.Create(spec);
        Assert.True(f.SupportsBackwardFromOutput);
        float[] x = Sweep();
        var (y, dx, yd, dd) = FromOutput.Slopes(f, x);
        int window = 0;
        double worstFloat = 0, worstDouble = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double reference = f.ReferenceDerivative(x[i]);
            if (y[i] == 0)
            {
                // An output that underflowed (or x = −∞) has lost the slope: +0 is returned.
                Assert.True(BitConverter.SingleToInt32Bits(dx[i]) == 0, $"{spec}: slope from y = 0 (x = {x[i]:R}) is {dx[i]:R}");
            }
            else if (Math.Abs(y[i]) >= 1.17549435e-38f || !float.IsFinite(y[i]))
            {
                double u = Ulp.Float(dx[i], reference);
                worstFloat = Math.Max(worstFloat, u);
                Assert.True(u <= 3, $"{spec} float slope from y = {y[i]:R} (x = {x[i]:R}): {dx[i]:R}, reference {reference:R}: {u:F2} ULP");
            }

            if (Math.Abs(yd[i]) < 2.2250738585072014e-308) continue;
            if (f.Beta * (double)x[i] <= f.Threshold && f.Beta * yd[i] > f.Threshold)
            {
                // The documented window: an output just above threshold/β read as the identity branch's. The input's
                // slope σ(threshold) is within e^−threshold of the 1 returned.
                window++;
                Assert.Equal(1.0, dd[i]);
                Assert.True(1 - reference <= Math.Exp(-f.Threshold) * (1 + 1e-6), $"{spec}: x = {x[i]:R} in the window has slope {reference:R}");
                continue;
            }

            double ud = Ulp.Double(dd[i], reference);
            worstDouble = Math.Max(worstDouble, ud);
            Assert.True(ud <= 4, $"{spec} double slope from y = {yd[i]:R} (x = {x[i]:R}): {dd[i]:R}, reference {reference:R}: {ud:F2} ULP");
        }

        // x = 20 itself (the smooth branch's last input) lands in the window at the default threshold.
        if (spec == "softplus") Assert.Equal(1, window);
        output.WriteLine($"{spec}: worst {worstFloat:F2} float ULP, {worstDouble:F2} double ULP");
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Slope_from_the_output_is_within_2_ulp_of_its_formula_for_any_y_and_dy(string spec)
    {
        // As a function of y: dy·(1 − e^(−βy)) in double, rounded once, over y from the least subnormal up to the floats'
        // largest and dy from the least subnormal to float.MaxValue, either sign. Where βy is tiny the slope is βy itself,
        // so a subnormal y keeps its relative accuracy, and a large dy is not applied to an already rounded slope.
        var f = (Softplus)ActivationCatalog.Create(spec);
        var rng = new Random(23);
        int n = 20_000;
        var y = new float[n];
        var dy = new float[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = (float)Math.Min(float.MaxValue, Math.ScaleB(1 + rng.NextDouble(), rng.Next(-149, 128)));
            dy[i] = (float)Math.Min(float.MaxValue, Math.ScaleB(1 + rng.NextDouble(), rng.Next(-149, 128))) * (rng.Next(2) == 0 ? 1 : -1);
        }

        var dx = new float[n];
        f.BackwardFromOutput(y, dy, dx);
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            double z = f.Beta * y[i];
            double reference = dy[i] * (z > f.Threshold ? 1.0 : -ReferenceMath.Expm1(-z));
            double u = Ulp.Float(dx[i], reference);
            worst = Math.Max(worst, u);
            Assert.True(u <= 2, $"{spec}: y = {y[i]:R}, dy = {dy[i]:R}: {dx[i]:R}, reference {reference:R}: {u:F2} ULP");
        }

        output.WriteLine($"{spec}: worst {worst:F2} ULP");
        if (f.Beta == 1)
        {
            // β = 1: the slope of a subnormal y is y itself, bit for bit.
            float[] tiny = [float.Epsilon, 3 * float.Epsilon, 1e-40f, 1.1754942e-38f, 1e-30f, 3e-8f];
            var slopes = new float[tiny.Length];
            f.BackwardFromOutput(tiny, Enumerable.Repeat(1f, tiny.Length).ToArray(), slopes);
            Assert.Equal(tiny.Select(BitConverter.SingleToInt32Bits), slopes.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Theory]
    [InlineData("softplus")]
    [InlineData("softplus(beta=2)")]
    public void Special_outputs_have_the_documented_slopes(string spec)
    {
        // y = +0 (x = −∞ or underflow): +0; y = +∞: 1; NaN: NaN; a y below 0, which no input gives, is read as +0;
        // above threshold/β the identity branch's 1; dy scales each (its sign on the zeros).
        var f = ActivationCatalog.Create(spec);
        double beta = ((Softplus)f).Beta;
        float[] y = [0f, -0f, float.PositiveInfinity, float.NaN, -1f, -1e-30f, float.NegativeInfinity, 25f / (float)beta, 1e30f];
        float[] expected = [0f, 0f, -3f, float.NaN, 0f, 0f, 0f, -3f, -3f];
        var dx = new float[y.Length];
        f.BackwardFromOutput(y, Enumerable.Repeat(-3f, y.Length).ToArray(), dx);
        var dd = new double[y.Length];
        f.BackwardFromOutput(y.Select(v => (double)v).ToArray(), Enumerable.Repeat(-3.0, y.Length).ToArray(), dd);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i] == 0 ? -0f : expected[i]) == BitConverter.SingleToInt32Bits(dx[i]) || (float.IsNaN(expected[i]) && float.IsNaN(dx[i])), $"{spec} float at y = {y[i]:R}: {dx[i]:R}");
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i] == 0 ? -0.0 : expected[i]) == BitConverter.DoubleToInt64Bits(dd[i]) || (float.IsNaN(expected[i]) && double.IsNaN(dd[i])), $"{spec} double at y = {y[i]:R}: {dd[i]:R}");
        }
    }

    [Theory]
    [InlineData("softplus(threshold=17.3)", "threshold ≥ 25·ln 2 ≈ 17.33 (got 17.3)")]
    [InlineData("softplus(beta=37,threshold=5)", "threshold ≥ 25·ln 2 ≈ 17.33 (got 5)")]
    [InlineData("softplus(beta=1e-40)", "beta ≥ 5.3e−38 (got 1E-40)")]
    public void Ambiguous_parameters_refuse_the_backward_from_the_output(string spec, string needs)
    {
        var f = ActivationCatalog.Create(spec);
        Assert.False(f.SupportsBackwardFromOutput);
        string message = Assert.Throws<NotSupportedException>(() => f.BackwardFromOutput(new float[4], new float[4], new float[4])).Message;
        Assert.StartsWith("softplus: backward from the output needs " + needs, message, StringComparison.Ordinal);
        Assert.EndsWith("so use Backward with the input.", message, StringComparison.Ordinal);
        Assert.Equal(message, Assert.Throws<NotSupportedException>(() => f.BackwardFromOutput(new double[4], new double[4], new double[4])).Message);
        Assert.True(ActivationCatalog.Create("softplus(threshold=17.33)").SupportsBackwardFromOutput);
        Assert.True(ActivationCatalog.Create("softplus(beta=5.4e-38)").SupportsBackwardFromOutput);
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Every_register_width_gives_the_public_calls_bits(string spec)
    {
        // The public call against the kernel run directly at each width the machine has, in the lanes the driver picks
        // (float lanes for float data at β = 1, double lanes otherwise); lengths that leave an overlapping last register.
        var f = (Softplus)ActivationCatalog.Create(spec);
        var kernel = new Softplus.Kernel_(f.Beta, f.Threshold);
        var sweep = Sweep();
        float[] x = [.. sweep.Where((_, i) => i % 16 == 0), .. sweep[^23..]];
        var y = new float[x.Length];
        f.Forward(x, y);
        var rng = new Random(5);
        var dy = x.Select(_ => (float)((rng.NextDouble() - 0.5) * Math.ScaleB(1.0, rng.Next(-20, 20)))).ToArray();
        y[7] = float.NaN;
        y[8] = -2f;
        var expected = new float[x.Length];
        f.BackwardFromOutput(y, dy, expected);
        var yd = y.Select(v => (double)v).ToArray();
        var dyd = dy.Select(v => (double)v).ToArray();
        var expectedD = new double[x.Length];
        f.BackwardFromOutput(yd, dyd, expectedD);

        var widths = new List<(string Name, float[] Float, double[] Double)>();
        if (Vector512.IsHardwareAccelerated) widths.Add(("Vector512", RunFloat<V512<float>, V512<double>>(kernel, f.Beta, y, dy), Run<V512<double>, double>(kernel, yd, dyd)));
        if (Vector256.IsHardwareAccelerated) widths.Add(("Vector256", RunFloat<V256<float>, V256<double>>(kernel, f.Beta, y, dy), Run<V256<double>, double>(kernel, yd, dyd)));
        if (Vector128.IsHardwareAccelerated) widths.Add(("Vector128", RunFloat<V128<float>, V128<double>>(kernel, f.Beta, y, dy), Run<V128<double>, double>(kernel, yd, dyd)));
        widths.Add(("scalar", RunFloat<S<float>, S<double>>(kernel, f.Beta, y, dy), Run<S<double>, double>(kernel, yd, dyd)));
        foreach (var (name, single, dbl) in widths)
        {
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), single.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expectedD.Select(BitConverter.DoubleToInt64Bits), dbl.Select(BitConverter.DoubleToInt64Bits));
        }

        // For comparing processes run with the ISA switches off (DOTNET_EnableAVX512=0, …): the same hashes.
        output.WriteLine($"{spec}: sha256 float {Hash(expected)}, double {Hash(expectedD)}");

        // In place over y and over dy.
        var overY = (float[])y.Clone();
        f.BackwardFromOutput(overY, dy, overY);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), overY.Select(BitConverter.SingleToInt32Bits));
        var overDy = (float[])dy.Clone();
        f.BackwardFromOutput(y, overDy, overDy);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), overDy.Select(BitConverter.SingleToInt32Bits));
    }

    private static string Hash<T>(T[] values) where T : unmanaged
        => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())))[..16];

    /// <summary>Float data as the driver runs it: float lanes at β = 1, else widened to double lanes and rounded once.</summary>
    private static float[] RunFloat<TF, TD>(Softplus.Kernel_ kernel, double beta, float[] y, float[] dy)
        where TF : struct, IVec<TF>
        where TD : struct, IVec<TD>
    {
        if (beta == 1) return Run<TF, float>(kernel, y, dy);
        var d = Run<TD, double>(kernel, y.Select(v => (double)v).ToArray(), dy.Select(v => (double)v).ToArray());
        return d.Select(v => (float)v).ToArray();
    }

    /// <summary>The kernel's backward from the output register by register, the last register overlapping the one before.</summary>
    private static T[] Run<TV, T>(Softplus.Kernel_ kernel, T[] y, T[] dy)
        where TV : struct, IVec<TV>
        where T : unmanaged
    {
        var dx = new T[y.Length];
        for (int i = 0; i < y.Length; i += TV.Count)
        {
            int at = Math.Min(i, y.Length - TV.Count);
            var r = kernel.BackwardFromOutput(Lanes.Load<TV, T>(ref y[at]), Lanes.Load<TV, T>(ref dy[at]));
            Lanes.Store(r, ref dx[at]);
        }

        return dx;
    }
}
