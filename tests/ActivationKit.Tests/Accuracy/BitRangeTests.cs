using ActivationKit.Accuracy;
using ActivationKit.Catalog;

namespace ActivationKit.Tests.Accuracy;

public class BitRangeTests
{
    [Theory]
    [InlineData(1u, ulong.MaxValue)] // firstBits + count wrapped to 0 and "measured" −1 inputs, all within bound
    [InlineData(0u, ulong.MaxValue)]
    [InlineData(0x80000000u, 0x8000_0000_0000_0000UL)]
    [InlineData(0u, (1UL << 32) + 1)]
    [InlineData(0xFFFFFFFFu, 2UL)]
    public void A_range_past_the_last_pattern_is_refused_whatever_the_count(uint first, ulong count)
    {
        var relu = (ElementwiseActivation)ActivationCatalog.Create("relu");
        var e = Assert.Throws<ArgumentException>(() => AccuracyMeter.MeasureBitRange(relu, first, count));
        Assert.Equal("count", e.ParamName);
        Assert.Contains("runs past 0xFFFFFFFF", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_range_that_ends_on_the_last_pattern_is_measured()
    {
        var relu = (ElementwiseActivation)ActivationCatalog.Create("relu");
        var last = AccuracyMeter.MeasureBitRange(relu, 0xFFFFFFF0, 16);
        Assert.Equal(16, last.Inputs);
        Assert.True(last.Exhaustive);
        Assert.Equal(0, AccuracyMeter.MeasureBitRange(relu, 0xFFFFFFFF, 0).Inputs);
    }
}
