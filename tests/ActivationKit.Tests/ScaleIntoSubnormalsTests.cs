using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ActivationKit.Simd;

namespace ActivationKit.Tests;

/// <summary>
/// The integer route of x·2^n into the subnormals (V512.ScaleIntoSubnormals, taken on Intel processors, where VSCALEF's
/// underflow takes a microcode assist) gives VSCALEF's bits: on every processor with AVX-512, whatever its vendor, on
/// results around the smallest normal, in the subnormal range with its rounding ties, at zero, for both signs, and for
/// the lanes it leaves to VSCALEF (NaN, ±∞), tiny and huge x, and n = −∞.
/// </summary>
public class ScaleIntoSubnormalsTests
{
    [Fact]
    public void Gives_the_bits_of_VSCALEF_and_of_the_exact_product_rounded_once()
    {
        if (!Avx512F.IsSupported) return;
        var rng = new Random(20261205);
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

        var ns = new float[] { -100, -119, -120, -121, -124, -125, -126, -127, -128, -130, -135, -140, -146, -147, -148, -149, -150, -151, -160, -200, -240, -260, -300, -1000, 0, 5, -40, -60, -90, float.NegativeInfinity };
        var xv = new float[16];
        var nv = new float[16];
        var got = new float[16];
        var want = new float[16];
        int filled = 0;
        foreach (float x in xs)
        {
            foreach (float n in ns)
            {
                xv[filled] = x;
                nv[filled] = n + (rng.Next(4) == 0 ? rng.Next(-3, 4) : 0);
                if (++filled < 16) continue;
                filled = 0;
                var vx = Vector512.Create(xv);
                var vn = Vector512.Create(nv);
                V512<float>.ScaleIntoSubnormals(vx, vn).CopyTo(got);
                Avx512F.Scale(vx, vn).CopyTo(want);
                for (int k = 0; k < 16; k++)
                {
                    Assert.True(
                        BitConverter.SingleToUInt32Bits(want[k]) == BitConverter.SingleToUInt32Bits(got[k]),
                        $"x = {xv[k]:R}, n = {nv[k]}: VSCALEF {want[k]:R}, the integer route {got[k]:R}");
                    if (float.IsFinite(xv[k]) && float.IsFinite(nv[k]))
                    {
                        // The exact product, rounded once to float (double holds it exactly down to 2^-1074).
                        float exact = (float)Math.ScaleB((double)xv[k], (int)nv[k]);
                        Assert.Equal(BitConverter.SingleToUInt32Bits(exact), BitConverter.SingleToUInt32Bits(got[k]));
                    }
                }
            }
        }
    }
}

/// <summary>
/// The 256-bit integer route (V256.ScaleIntoSubnormals, for Intel processors with or without AVX-512) against
/// V256.ScaleB (VSCALEF with AVX-512VL, the two exact steps without it: run with DOTNET_EnableAVX512=0 to take those) and
/// the exact product rounded once, for n within ScaleB's range.
/// </summary>
public class ScaleIntoSubnormals256Tests
{
    [Fact]
    public void Gives_the_bits_of_ScaleB_and_of_the_exact_product_rounded_once()
    {
        if (!Avx2.IsSupported) return;
        var rng = new Random(1205);
        var xs = new List<float>
        {
            float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f,
            1f, -1.5f, 0.75f, 1.9999999f, 0.5f, 3f, 16777216f, -3e7f, 1e30f, 3.5527137e-15f, -7.1e-15f, 1e-30f, 1e38f, 2e-38f,
        };
        for (int i = 0; i < 20000; i++)
        {
            float m = BitConverter.Int32BitsToSingle(0x3f000000 | rng.Next(1 << 23));
            xs.Add(rng.Next(2) == 0 ? m * (1 << rng.Next(3)) : -m);
        }

        var ns = new float[] { -100, -120, -121, -125, -126, -127, -128, -135, -146, -147, -148, -149, -150, -151, -160, -200, -240, -250, 0, 5, 60, 120, 250, -40, -90 };
        var xv = new float[8];
        var nv = new float[8];
        var got = new float[8];
        var want = new float[8];
        int filled = 0;
        foreach (float x in xs)
        {
            foreach (float n in ns)
            {
                xv[filled] = x;
                nv[filled] = Math.Clamp(n + (rng.Next(4) == 0 ? rng.Next(-3, 4) : 0), -250, 250);
                if (++filled < 8) continue;
                filled = 0;
                var vx = Vector256.Create(xv);
                var vn = Vector256.Create(nv);
                V256<float>.ScaleIntoSubnormals(vx, vn).CopyTo(got);
                V256<float>.ScaleB(new V256<float>(vx), new V256<float>(vn)).Value.CopyTo(want);
                for (int k = 0; k < 8; k++)
                {
                    if (float.IsNaN(want[k]))
                    {
                        Assert.True(float.IsNaN(got[k]), $"x = {xv[k]:R}, n = {nv[k]}: ScaleB NaN, the integer route {got[k]:R}");
                        continue;
                    }

                    Assert.True(
                        BitConverter.SingleToUInt32Bits(want[k]) == BitConverter.SingleToUInt32Bits(got[k]),
                        $"x = {xv[k]:R}, n = {nv[k]}: ScaleB {want[k]:R}, the integer route {got[k]:R}");
                    if (float.IsFinite(xv[k]))
                    {
                        float exact = (float)Math.ScaleB((double)xv[k], (int)nv[k]);
                        Assert.Equal(BitConverter.SingleToUInt32Bits(exact), BitConverter.SingleToUInt32Bits(got[k]));
                    }
                }
            }
        }
    }
}
