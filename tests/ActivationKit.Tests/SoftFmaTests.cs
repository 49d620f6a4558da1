using System.Runtime.Intrinsics;
using ActivationKit.Simd;

namespace ActivationKit.Tests;

/// <summary>
/// <see cref="SoftFma"/>, the float lanes' fused multiply-add on x86 without FMA3, gives the bits of
/// <see cref="MathF.FusedMultiplyAdd"/> (the instruction here, the C library's correctly rounded routine elsewhere):
/// where double rounding would go wrong (a product on a float midpoint pushed off it by far less than a double's unit),
/// in the error-free transforms the kernels build on it, at subnormal results, overflow, signed zeros, ±∞ and NaN, and
/// on random bit patterns. IsaMatrixTests checks the kernels' bits on that path as a whole (DOTNET_EnableAVX2=0).
/// </summary>
public class SoftFmaTests
{
    [Fact]
    public void Products_on_float_midpoints_nudged_by_tiny_addends_round_once()
    {
        // a and b of at most 13 significant bits: many products have exactly 25, the last one set, which puts them on a
        // midpoint between two floats; an addend far below a double's unit there moves the exact sum off the midpoint,
        // and a sum rounded to nearest in double first would land back on it and then round to even.
        var tiny = new[] { P(-60), -P(-60), P(-40), -P(-40), P(-30), -P(-30), 0f, -0f };
        var triples = new List<(float, float, float)>();
        for (int i = 0; i < 512; i++)
        {
            for (int j = 0; j < 512; j += 3)
            {
                float a = 1f + (i * P(-12)), b = 1f + (j * P(-12));
                foreach (float c in tiny) triples.Add((a, b, c));
                triples.Add((a * P(-130), b, tiny[i % tiny.Length] * P(-100)));
            }
        }

        int midpoints = Check(triples);
        // Not a test that passes on round products only: a good share of these sat on a midpoint.
        Assert.True(midpoints > 10_000, $"only {midpoints} products were float midpoints");
    }

    [Fact]
    public void Error_free_transforms_come_out_exact()
    {
        var rng = new Random(7);
        var triples = new List<(float, float, float)>();
        for (int k = 0; k < 100_000; k++)
        {
            float a = RandomFinite(rng), b = RandomFinite(rng);
            float p = a * b;
            // fma(a, b, −RN(a·b)) is the product's exact error, the way the kernels split a product into two floats.
            triples.Add((a, b, -p));
            float s = a + b;
            triples.Add((s, 1f, -a));
        }

        Check(triples);
    }

    [Fact]
    public void Special_values_subnormals_overflow_and_signed_zeros_match_the_instruction()
    {
        float[] values =
        [
            0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, P(-126), -P(-126), BitConverter.UInt32BitsToSingle(0x007FFFFF), float.MaxValue, -float.MaxValue,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, P(64), P(-64), 3f, 1f / 3f, P(-75), MathF.BitIncrement(P(-75)), 2f, 0.5f,
        ];
        var triples = new List<(float, float, float)>();
        foreach (float a in values)
        {
            foreach (float b in values)
            {
                foreach (float c in values) triples.Add((a, b, c));
            }
        }

        Check(triples);
    }

    [Fact]
    public void Random_bit_patterns_match_the_instruction()
    {
        var rng = new Random(11);
        var triples = new List<(float, float, float)>();
        for (int k = 0; k < 1_000_000; k++)
        {
            triples.Add((RandomBits(rng), RandomBits(rng), RandomBits(rng)));
            // Operands of nearby sizes, where a·b and c overlap and cancel.
            float a = RandomFinite(rng), b = 1f + (float)rng.NextDouble();
            triples.Add((a, b, -a * (1f + (float)rng.NextDouble())));
        }

        Check(triples);
    }

    /// <summary>Runs the triples four to a register and compares each lane's bits; returns how many products were float midpoints.</summary>
    private static int Check(List<(float A, float B, float C)> triples)
    {
        int midpoints = 0;
        for (int k = 0; k < triples.Count; k += 4)
        {
            var a = new float[4];
            var b = new float[4];
            var c = new float[4];
            for (int l = 0; l < 4; l++)
            {
                (a[l], b[l], c[l]) = triples[Math.Min(k + l, triples.Count - 1)];
            }

            var got = SoftFma.Fma(Vector128.Create(a), Vector128.Create(b), Vector128.Create(c));
            for (int l = 0; l < 4; l++)
            {
                float want = MathF.FusedMultiplyAdd(a[l], b[l], c[l]);
                float have = got.GetElement(l);
                bool same = float.IsNaN(want) ? float.IsNaN(have) : BitConverter.SingleToUInt32Bits(want) == BitConverter.SingleToUInt32Bits(have);
                Assert.True(same, $"fma({a[l]:R}, {b[l]:R}, {c[l]:R}): {have:R} (0x{BitConverter.SingleToUInt32Bits(have):X8}) instead of {want:R} (0x{BitConverter.SingleToUInt32Bits(want):X8})");
                double p = (double)a[l] * b[l];
                if (double.IsFinite(p) && (double)(float)p != p && IsMidpoint(p)) midpoints++;
            }
        }

        return midpoints;
    }

    private static bool IsMidpoint(double p)
    {
        float below = (float)p;
        if ((double)below > p) below = MathF.BitDecrement(below);
        return ((double)below + MathF.BitIncrement(below)) / 2 == p;
    }

    private static float P(int exponent) => MathF.ScaleB(1f, exponent);

    private static float RandomBits(Random rng) => BitConverter.UInt32BitsToSingle((uint)rng.NextInt64(0, 1L << 32));

    private static float RandomFinite(Random rng)
    {
        float v;
        do
        {
            v = RandomBits(rng);
        }
        while (!float.IsFinite(v) || Math.Abs(v) > P(60) || (v != 0 && Math.Abs(v) < P(-60)));
        return v;
    }
}
