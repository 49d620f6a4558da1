using ActivationKit.Functions;

namespace ActivationKit.Tests;

/// <summary>
/// The softmax family's double reference gradients (the yardstick of <c>actkit accuracy</c>) at a dominant entry, where
/// the naive p·(dy − ⟨dy, p⟩) cancels: against mpmath values (120 digits), and exactly 0 for equal dy.
/// </summary>
public class RowwiseReferenceTests
{
    [Theory]
    [InlineData(30.0, 9.357622968838423e-14)]
    [InlineData(40.0, 4.248354255291589e-18)]
    [InlineData(100.0, 3.720075976020836e-44)]
    public void Softmax_and_softmin_references_keep_the_dominant_entry(double margin, double exact)
    {
        // softmax [margin, 0], dy [1, 0]: dx = ±p(1 − p); before, 9.348078e−14 at 30 and 0 at 40.
        var dx = new double[2];
        new Softmax().ReferenceBackwardRow([margin, 0], [1, 0], dx);
        Assert.True(Math.Abs(dx[0] - exact) <= 2 * Math.BitIncrement(exact) - 2 * exact, $"softmax {dx[0]:R}");
        Assert.True(Math.Abs(dx[1] + exact) <= 2 * Math.BitIncrement(exact) - 2 * exact, $"softmax {dx[1]:R}");
        new Softmin().ReferenceBackwardRow([-margin, 0], [1, 0], dx);
        Assert.True(Math.Abs(dx[0] + exact) <= 2 * Math.BitIncrement(exact) - 2 * exact, $"softmin {dx[0]:R}");
    }

    [Fact]
    public void Log_softmax_reference_keeps_the_confident_class()
    {
        // [30, 0, 0], dy [−1, 0, 0]: dx = −2e/(1 + 2e) at the class and e/(1 + 2e) elsewhere, e = e^−30.
        var dx = new double[3];
        new LogSoftmax().ReferenceBackwardRow([30, 0, 0], [-1, 0, 0], dx);
        Assert.Equal(-1.8715245937676846e-13, dx[0], 1e-28);
        Assert.Equal(9.357622968838423e-14, dx[1], 1e-28);
    }

    [Fact]
    public void Equal_dy_give_exactly_zero()
    {
        double[] x = [3, -1, 30, 30, 0.5, -200];
        double[] dy = [0.3, 0.3, 0.3, 0.3, 0.3, 0.3];
        var dx = new double[x.Length];
        new Softmax().ReferenceBackwardRow(x, dy, dx);
        Assert.All(dx, v => Assert.Equal(0.0, v));
        new Softmin().ReferenceBackwardRow(x, dy, dx);
        Assert.All(dx, v => Assert.Equal(0.0, v));
    }
}
