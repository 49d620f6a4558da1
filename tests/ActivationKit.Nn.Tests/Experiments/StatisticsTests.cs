using ActivationKit.Nn.Experiments;

namespace ActivationKit.Nn.Tests.Experiments;

public class StatisticsTests
{
    [Theory]
    [InlineData(1, 12.706204736174698)]
    [InlineData(2, 4.302652729749464)]
    [InlineData(4, 2.7764451051977934)]
    [InlineData(30, 2.0422724563012373)]
    [InlineData(1000, 1.9623390808264078)]
    public void Critical_values_match_the_t_table(double df, double expected)
    {
        Assert.Equal(expected, StudentT.CriticalValue(df), 8);
    }

    [Fact]
    public void Two_sided_p_matches_mpmath()
    {
        // mpmath: betainc(5, 0.5, 0, 10/(10+4), regularized=True) for t = 2, df = 10.
        Assert.Equal(0.0733880347707404, StudentT.TwoSidedP(2.0, 10), 10);
        Assert.Equal(1.0, StudentT.TwoSidedP(0, 7), 12);
    }

    [Fact]
    public void Welch_test_matches_the_textbook_formula()
    {
        // a: mean 3, var 2.5; b: mean 6, var 10 → t = −3/√2.5, df = 6.25/1.0625; p from mpmath's betainc.
        var (t, df, p) = StudentT.Welch([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
        Assert.Equal(-1.89736659610103, t, 10);
        Assert.Equal(5.882352941176471, df, 10);
        Assert.Equal(0.107531194930627, p, 9);
    }

    [Fact]
    public void Welch_handles_too_few_values_and_zero_variance()
    {
        Assert.True(double.IsNaN(StudentT.Welch([0.9], [0.8, 0.7]).P));

        // No spread in either group: the statistic divides by 0, so the test is undefined. [0.5, 0.5] vs [0, 0] (the
        // accuracies of a 2-sample test split) read p = 0, "distinguishable".
        Assert.True(double.IsNaN(StudentT.Welch([0.5, 0.5], [0.5, 0.5]).P));
        Assert.True(double.IsNaN(StudentT.Welch([0.9, 0.9], [0.5, 0.5]).P));
        Assert.True(double.IsNaN(StudentT.Welch([0.5, 0.5], [0, 0]).P));
        Assert.Equal(double.PositiveInfinity, StudentT.Welch([0.5, 0.5], [0, 0]).T);

        // Three equal accuracies summed in double average to 0.6999999999999998 with a variance of ~2e-32: that was a
        // spread, and p ≈ 0.
        Assert.Equal((0.7, 0.0), StudentT.MeanVariance([0.7, 0.7, 0.7]));
        Assert.True(double.IsNaN(StudentT.Welch([0.7, 0.7, 0.7], [0.5, 0.5, 0.5]).P));

        // One group with a spread is an ordinary test.
        Assert.InRange(StudentT.Welch([0.7, 0.7, 0.7], [0.5, 0.6, 0.55]).P, 0, 0.05);
    }

    [Fact]
    public void Confidence_interval_is_mean_plus_minus_t_times_standard_error()
    {
        var (mean, std, lo, hi) = StudentT.ConfidenceInterval([0.8, 0.9, 1.0]);
        Assert.Equal(0.9, mean, 12);
        Assert.Equal(0.1, std, 12);
        double half = 4.302652729749464 * 0.1 / Math.Sqrt(3);
        Assert.Equal(0.9 - half, lo, 8);
        Assert.Equal(0.9 + half, hi, 8);
        Assert.True(double.IsNaN(StudentT.ConfidenceInterval([0.7]).Low));
    }
}
