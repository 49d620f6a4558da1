using ActivationKit.Nn.Experiments;

namespace ActivationKit.Nn.Tests.Experiments;

/// <summary>
/// An accuracy or interval bound never prints as 100.0 % or 0.0 % when it is not (an exploratory tester saw an upper
/// bound of 99.95 % printed as 100.0 %).
/// </summary>
public sealed class AccuracyTextTests
{
    [Theory]
    [InlineData(0.99951, "99.95%")] // one decimal rounds it up to the 100.0 % no seed reached
    [InlineData(0.99999, "99.999%")]
    [InlineData(0.0004, "0.04%")] // one decimal rounds it down to 0.0 %
    [InlineData(0.999999999999, "99.999999%")] // past six decimals: rounded toward the inside, not up to 100
    [InlineData(1e-12, "0.000001%")]
    [InlineData(0.934, "93.4%")] // the usual one decimal where it is honest
    [InlineData(0.99949, "99.9%")]
    [InlineData(1.0, "100.0%")] // the edges themselves stay as they are
    [InlineData(0.0, "0.0%")]
    [InlineData(double.NaN, "—")]
    public void An_accuracy_prints_at_an_edge_only_when_it_is_there(double fraction, string expected)
    {
        Assert.Equal(expected, ExperimentSummary.FormatAccuracy(fraction));
    }
}
