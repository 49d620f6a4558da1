using ActivationKit.Numerics;

namespace ActivationKit.Tests;

/// <summary>
/// <see cref="LowPrecision"/>'s vectorized conversions give the bits of the scalar casts: every Half and BFloat16
/// value widened, and narrowing at every rounding midpoint and its two neighbours, over a strided sweep of all float
/// bit patterns and at the special values, with lengths that leave a scalar tail. (Every register width is compared
/// by IsaMatrixTests through `actkit hashes`; all 2³² floats were checked once on each width.)
/// </summary>
public class LowPrecisionConversionTests
{
    [Fact]
    public void Every_half_and_bfloat16_widens_to_the_bits_of_the_scalar_cast()
    {
        var h = Enumerable.Range(0, 65536).Select(i => BitConverter.UInt16BitsToHalf((ushort)i)).ToArray();
        var b = Enumerable.Range(0, 65536).Select(i => BFloat16.FromRawValue((ushort)i)).ToArray();
        var f = new float[65536 + 7];
        LowPrecision.ToSingle(h, f);
        for (int i = 0; i < h.Length; i++) Assert.True(BitConverter.SingleToUInt32Bits(f[i]) == BitConverter.SingleToUInt32Bits((float)h[i]), $"Half 0x{i:X4}");
        LowPrecision.ToSingle(b, f);
        for (int i = 0; i < b.Length; i++) Assert.True(BitConverter.SingleToUInt32Bits(f[i]) == BitConverter.SingleToUInt32Bits((float)b[i]), $"BFloat16 0x{i:X4}");
    }

    [Fact]
    public void Floats_narrow_to_the_bits_of_the_scalar_casts_at_every_midpoint()
    {
        var bits = new List<uint>();
        for (uint v = 0; v < 0x8000; v++)
        {
            // Half: the float midway between v and v + 1 (exact in float) and its neighbours, both signs.
            float lo = (float)BitConverter.UInt16BitsToHalf((ushort)v);
            float hi = (float)BitConverter.UInt16BitsToHalf((ushort)(v + 1));
            if (float.IsFinite(lo) && float.IsFinite(hi))
            {
                uint mid = BitConverter.SingleToUInt32Bits((lo + hi) / 2);
                bits.AddRange([mid - 1, mid, mid + 1, (mid - 1) | 0x80000000, mid | 0x80000000, (mid + 1) | 0x80000000]);
            }

            // BFloat16: the midpoint is the value's bits plus 0x8000.
            uint b = (v << 16) + 0x8000;
            bits.AddRange([b - 1, b, b + 1, (b - 1) | 0x80000000, b | 0x80000000, (b + 1) | 0x80000000]);
        }

        for (ulong u = 0; u <= uint.MaxValue; u += 4099) bits.Add((uint)u);
        bits.AddRange([0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F812345, 0xFFBFFFFF, 0x477FEFFF, 0x477FF000, 0x47800000, 0x33000000, 0x33000001, 0x387FFFFF, 0x38800000, 0x00000001]);
        var x = bits.Select(BitConverter.UInt32BitsToSingle).ToArray();
        var half = new Half[x.Length];
        var bf = new BFloat16[x.Length];
        LowPrecision.FromSingle(x, half);
        LowPrecision.FromSingle(x, bf);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(BitConverter.HalfToUInt16Bits(half[i]) == BitConverter.HalfToUInt16Bits((Half)x[i]), $"Half of 0x{bits[i]:X8}: 0x{BitConverter.HalfToUInt16Bits(half[i]):X4}, cast 0x{BitConverter.HalfToUInt16Bits((Half)x[i]):X4}");
            Assert.True(bf[i].RawValue == ((BFloat16)x[i]).RawValue, $"BFloat16 of 0x{bits[i]:X8}");
        }
    }

    [Fact]
    public void A_destination_shorter_than_the_source_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => LowPrecision.FromSingle(new float[40], new Half[39]));
        Assert.Contains("39", e.Message, StringComparison.Ordinal);
    }
}
