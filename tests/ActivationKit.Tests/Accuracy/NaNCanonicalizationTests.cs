using ActivationKit.Accuracy;

namespace ActivationKit.Tests.Accuracy;

public class NaNCanonicalizationTests
{
    [Fact]
    public void Double_NaNs_of_any_sign_and_payload_become_the_one_NaN_and_nothing_else_changes()
    {
        double[] values =
        [
            BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001), // positive quiet NaN with a payload
            BitConverter.Int64BitsToDouble(unchecked((long)0xFFF0_0000_0000_0001)), // negative signalling NaN
            double.NaN, -0.0, 0.0, double.Epsilon, double.NegativeInfinity, 1.5,
        ];
        long[] before = values.Select(BitConverter.DoubleToInt64Bits).ToArray();
        AccuracyMeter.CanonicalizeNaNs(values);
        long nan = BitConverter.DoubleToInt64Bits(double.NaN);
        Assert.Equal([nan, nan, nan], values[..3].Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(before[3..], values[3..].Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Float_NaNs_are_canonicalised_and_HashOf_ignores_only_NaN_sign_and_payload()
    {
        float[] a = [BitConverter.Int32BitsToSingle(0x7FC0_0123), -0f, 2f];
        float[] b = [BitConverter.Int32BitsToSingle(unchecked((int)0xFFC0_0000)), -0f, 2f];
        float[] c = [float.NaN, 0f, 2f];
        Assert.Equal(AccuracyMeter.HashOf(a), AccuracyMeter.HashOf(b));
        Assert.NotEqual(AccuracyMeter.HashOf(a), AccuracyMeter.HashOf(c));
        Assert.Equal(0x7FC0_0123, BitConverter.SingleToInt32Bits(a[0])); // HashOf leaves its argument alone

        AccuracyMeter.CanonicalizeNaNs(a);
        Assert.Equal(BitConverter.SingleToInt32Bits(float.NaN), BitConverter.SingleToInt32Bits(a[0]));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(a[1]));
    }
}
