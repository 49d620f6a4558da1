using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Numerics;

namespace ActivationKit.Tests;

/// <summary>
/// The Half and bfloat16 kernels (float arithmetic, one rounding) against the double references over every one of the
/// 65,536 bit patterns of each type, and the yardsticks this needs: ULPs of the 16-bit types and a correctly rounded
/// double → bfloat16 conversion.
/// </summary>
public class SixteenBitAccuracyTests
{
    public static TheoryData<string> Specs()
    {
        var specs = new TheoryData<string>();
        foreach (string name in ActivationCatalog.Names)
        {
            if (ActivationCatalog.Create(name) is ElementwiseActivation) specs.Add(name);
        }

        foreach (string spec in new[] { "leaky_relu(0.2)", "elu(alpha=0.5)", "celu(alpha=2)", "softplus(beta=2)", "silu(beta=1.702)", "snake(alpha=3)", "softshrink(0.3)", "threshold(0.1, 20)" })
        {
            specs.Add(spec);
        }

        return specs;
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Every_half_and_bfloat16_input_is_rounded_once_from_a_float_within_4_ulp(string spec)
    {
        var f = (ElementwiseActivation)ActivationCatalog.Create(spec);
        foreach (var type in new[] { StorageType16.Half, StorageType16.BFloat16 })
        {
            var r = AccuracyMeter.MeasureAll16(f, type);
            Assert.Equal(65536, r.Inputs);
            Assert.True(r.WithinBound, $"{spec} {type}: forward {r.Forward.Max} at {r.Forward.WorstInput}, backward {r.Backward.Max} at {r.Backward.WorstInput}, bound {AccuracyMeter.UlpBound16(type)}");
        }
    }

    [Fact]
    public void The_16_bit_meter_sees_an_error_of_one_ulp()
    {
        // A function whose 16-bit kernel is off by one step somewhere must fail: identity measured against a reference
        // shifted by one Half ULP at 1 reports 1 ULP there, not 0.
        Assert.Equal(1.0, Ulp.Half(Half.One, 1 + Math.ScaleB(1, -10)), 12);
        Assert.Equal(1.0, Ulp.BFloat16((BFloat16)1f, 1 + Math.ScaleB(1, -7)), 12);
        Assert.Equal(0.5, Ulp.Half(BitConverter.UInt16BitsToHalf(1), Math.ScaleB(1.5, -24)), 12);
        Assert.Equal(0.5, Ulp.BFloat16(BFloat16.FromRawValue(1), Math.ScaleB(1.5, -133)), 12);
        Assert.Equal(0, Ulp.Half(Half.PositiveInfinity, 65520));                         // the reference rounds to +∞
        Assert.Equal(double.PositiveInfinity, Ulp.Half(Half.MaxValue, 65520));
        Assert.Equal(0.5, Ulp.Half(Half.MaxValue, 65519.99), 3);
        Assert.Equal(0, Ulp.BFloat16(BFloat16.NaN, double.NaN));
        Assert.Equal(double.PositiveInfinity, Ulp.BFloat16(BFloat16.NaN, 1));
        Assert.Equal(Math.ScaleB(1, -24), Ulp.HalfUlpAt(0));
        Assert.Equal(Math.ScaleB(1, -133), Ulp.BFloat16UlpAt(-1e-39));
        Assert.Equal(Math.ScaleB(1, 5), Ulp.HalfUlpAt(-65504));
    }

    [Fact]
    public void Doubles_round_to_the_nearest_bfloat16_once()
    {
        // Through float this rounded twice: 1 + 2⁻⁸ + 2⁻³⁰ became the tie 1 + 2⁻⁸, then 1 by ties-to-even.
        Assert.Equal(1 + Math.ScaleB(1, -7), (double)(BFloat16)(1 + Math.ScaleB(1, -8) + Math.ScaleB(1, -30)));
        Assert.Equal(1.0, (double)(BFloat16)(1 + Math.ScaleB(1, -8)));                     // a true tie: to even
        Assert.Equal(-(1 + Math.ScaleB(1, -7)), (double)(BFloat16)(-(1 + Math.ScaleB(1, -8) + Math.ScaleB(1, -30))));
        Assert.True(double.IsPositiveInfinity((BFloat16)1e300));
        Assert.True(double.IsPositiveInfinity((BFloat16)3.3962e38));                    // past the midpoint (2 − 2⁻⁸)·2¹²⁷ above the largest bfloat16
        Assert.Equal(0x7F7F, ((BFloat16)3.3961e38).RawValue);
        Assert.Equal(0x0000, ((BFloat16)Math.ScaleB(1, -134)).RawValue);                 // half the smallest subnormal: a tie, to even
        Assert.Equal(0x0001, ((BFloat16)Math.ScaleB(1.0000001, -134)).RawValue);
        Assert.Equal(0x8000, ((BFloat16)(-1e-300)).RawValue);
        Assert.True(BFloat16.IsNaN((BFloat16)double.NaN));

        // Just above and below every positive midpoint (2⁻⁴⁰ of it away, far below a float step): away from it each way.
        for (int raw = 0; raw < 0x7F7F; raw++)
        {
            double lo = BFloat16.FromRawValue((ushort)raw), hi = BFloat16.FromRawValue((ushort)(raw + 1)), mid = (lo + hi) / 2;
            Assert.True(((BFloat16)(mid * (1 + Math.ScaleB(1, -40)))).RawValue == raw + 1, $"above the midpoint after 0x{raw:X4}");
            Assert.True(((BFloat16)(mid * (1 - Math.ScaleB(1, -40)))).RawValue == raw, $"below the midpoint after 0x{raw:X4}");
        }

        // Random doubles: the result is a nearest bfloat16 (ties to even), judged against its two neighbours.
        var rng = new Random(7);
        for (int i = 0; i < 200_000; i++)
        {
            double d = BitConverter.Int64BitsToDouble(rng.NextInt64()) is var v && double.IsFinite(v) && Math.Abs(v) < 3e38 && Math.Abs(v) > 1e-41 ? v : (rng.NextDouble() - 0.5) * Math.ScaleB(1, rng.Next(-140, 120));
            var b = (BFloat16)d;
            double got = b, up = BFloat16.FromRawValue((ushort)(b.RawValue + 1)), down = (b.RawValue & 0x7FFF) == 0 ? -(double)BFloat16.FromRawValue(1) * Math.Sign(got == 0 ? 1 : got) : BFloat16.FromRawValue((ushort)(b.RawValue - 1));
            double err = Math.Abs(d - got);
            Assert.True(err <= Math.Abs(d - up) && err <= Math.Abs(d - down), $"{d:R} → {got:R} (0x{b.RawValue:X4})");
            if (err == Math.Abs(d - up) || err == Math.Abs(d - down)) Assert.True((b.RawValue & 1) == 0, $"tie {d:R} → odd 0x{b.RawValue:X4}");
        }
    }
}
