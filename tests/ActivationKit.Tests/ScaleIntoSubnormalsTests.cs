using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ActivationKit.Simd;

namespace ActivationKit.Tests;

/// <summary>
/// The integer route of x·2^n into the subnormals (V512 and V256.ScaleIntoSubnormals, taken on Intel processors, where
/// an underflowing VSCALEF or multiply takes a microcode assist) gives the bits of the scaling it replaces, on every
/// processor whatever its vendor: on results around the smallest normal, in the subnormal range with its rounding
/// ties, at zero, for both signs, tiny and huge x, and the lanes it leaves to the scaling (NaN, ±∞).
/// </summary>
public class ScaleIntoSubnormalsTests
{
    [Fact]
    public void The_512_bit_route_gives_the_bits_of_VSCALEF_and_of_the_exact_product_rounded_once()
    {
        if (!Avx512F.IsSupported) return;
        float[] ns = [-100, -119, -120, -121, -124, -125, -126, -127, -128, -130, -135, -140, -146, -147, -148, -149, -150, -151, -160, -200, -240, -260, -300, -1000, 0, 5, -40, -60, -90, float.NegativeInfinity];
        foreach (var (xv, nv) in Batches(new Random(20261205), ns, 16, float.NegativeInfinity, float.PositiveInfinity))
        {
            var vx = Vector512.Create(xv);
            var vn = Vector512.Create(nv);
            Check(xv, nv, V512<float>.ScaleIntoSubnormals(vx, vn), Avx512F.Scale(vx, vn), "VSCALEF");
        }
    }

    /// <summary>
    /// Against V256.ScaleB: VSCALEF with AVX-512VL, the two exact steps without it (run with DOTNET_EnableAVX512=0 to
    /// take those), n within ScaleB's range.
    /// </summary>
    [Fact]
    public void The_256_bit_route_gives_the_bits_of_ScaleB_and_of_the_exact_product_rounded_once()
    {
        if (!Avx2.IsSupported) return;
        float[] ns = [-100, -120, -121, -125, -126, -127, -128, -135, -146, -147, -148, -149, -150, -151, -160, -200, -240, -250, 0, 5, 60, 120, 250, -40, -90];
        foreach (var (xv, nv) in Batches(new Random(1205), ns, 8, -250f, 250f))
        {
            var vx = Vector256.Create(xv);
            var vn = Vector256.Create(nv);
            Check(xv, nv, V256<float>.ScaleIntoSubnormals(vx, vn), V256<float>.ScaleB(new V256<float>(vx), new V256<float>(vn)).Value, "ScaleB");
        }
    }

    /// <summary>Registers of <paramref name="width"/> (x, n) lanes: every x of <see cref="Values"/> with every n, a quarter of the n moved by up to 3, held in [lo, hi].</summary>
    private static IEnumerable<(float[] X, float[] N)> Batches(Random rng, float[] ns, int width, float lo, float hi)
    {
        var xv = new float[width];
        var nv = new float[width];
        int filled = 0;
        foreach (float x in Values(rng))
        {
            foreach (float n in ns)
            {
                xv[filled] = x;
                nv[filled] = Math.Clamp(n + (rng.Next(4) == 0 ? rng.Next(-3, 4) : 0), lo, hi);
                if (++filled < width) continue;
                filled = 0;
                yield return (xv, nv);
            }
        }
    }

    private static void Check<TV>(float[] xv, float[] nv, TV got, TV want, string what)
        where TV : struct
    {
        var g = new float[xv.Length];
        var w = new float[xv.Length];
        Unsafe.As<float, TV>(ref g[0]) = got;
        Unsafe.As<float, TV>(ref w[0]) = want;
        for (int k = 0; k < xv.Length; k++)
        {
            if (float.IsNaN(w[k]))
            {
                Assert.True(float.IsNaN(g[k]), $"x = {xv[k]:R}, n = {nv[k]}: {what} NaN, the integer route {g[k]:R}");
                continue;
            }

            Assert.True(
                BitConverter.SingleToUInt32Bits(w[k]) == BitConverter.SingleToUInt32Bits(g[k]),
                $"x = {xv[k]:R}, n = {nv[k]}: {what} {w[k]:R}, the integer route {g[k]:R}");
            if (float.IsFinite(xv[k]) && float.IsFinite(nv[k]))
            {
                // The exact product, rounded once to float (double holds it exactly down to 2^-1074).
                float exact = (float)Math.ScaleB((double)xv[k], (int)nv[k]);
                Assert.Equal(BitConverter.SingleToUInt32Bits(exact), BitConverter.SingleToUInt32Bits(g[k]));
            }
        }
    }

    /// <summary>Special values, tiny and huge ones, and random mantissas of 0.5 to 4 of both signs.</summary>
    private static List<float> Values(Random rng)
    {
        var xs = new List<float>
        {
            float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f,
            1f, -1f, 1.5f, -1.5f, 1.75f, 0.75f, 1.9999999f, 0.5f, 0.50000006f, 3f, 16777216f, -3e7f, 1e30f, 0.01f,
            3.5527137e-15f, -7.1e-15f, 1e-30f, 1e38f, -3e38f, 2e-38f,
        };
        for (int i = 0; i < 20000; i++)
        {
            // Mantissas with their last bits set, so halfway cases on the subnormal grid come up.
            float m = BitConverter.Int32BitsToSingle(0x3f000000 | rng.Next(1 << 23));
            xs.Add(rng.Next(2) == 0 ? m * (1 << rng.Next(3)) : -m);
        }

        return xs;
    }
}
