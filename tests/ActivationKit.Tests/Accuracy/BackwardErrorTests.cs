using ActivationKit.Accuracy;
using ActivationKit.Functions;

namespace ActivationKit.Tests.Accuracy;

/// <summary>How the accuracy meter counts the backward error next to a zero of f′.</summary>
public class BackwardErrorTests
{
    private static readonly ElementwiseActivation Silu = new Silu();

    [Fact]
    public void Inside_the_window_the_smaller_of_relative_and_absolute_error_counts()
    {
        // x next to silu′'s zero at −1.27846: f′ is tiny there, so an absolute slip of 2^−30 is a huge relative error
        // but 1/64 ULP of 1.
        float x = -1.2784f;
        double reference = Silu.ReferenceDerivative(x);
        float got = (float)(reference + Math.ScaleB(1.0, -30));
        Assert.True(Ulp.Float(got, reference) > 100);
        Assert.Equal(Math.Abs(got - reference) / Ulp.FloatUlpAt(1.0), AccuracyMeter.BackwardError(Silu, x, got), 12);

        // A relative error of a few ULP inside the window is reported as such when it is the smaller one: no longer
        // only past the 4-ULP bound (the old rule printed 3.99 here and hid the errors outside the window).
        float near = MathF.BitIncrement((float)Silu.ReferenceDerivative(-1.25f));
        double rel = Ulp.Float(near, Silu.ReferenceDerivative(-1.25f));
        double abs = Math.Abs(near - Silu.ReferenceDerivative(-1.25f)) / Ulp.FloatUlpAt(1.0);
        Assert.Equal(Math.Min(rel, abs), AccuracyMeter.BackwardError(Silu, -1.25f, near), 12);
    }

    [Fact]
    public void Outside_the_window_and_for_non_finite_errors_the_relative_error_counts()
    {
        float x = -3.782048f;
        double reference = Silu.ReferenceDerivative(x);
        float got = MathF.BitIncrement(MathF.BitIncrement((float)reference));
        Assert.Equal(Ulp.Float(got, reference), AccuracyMeter.BackwardError(Silu, x, got), 12);

        // A NaN result inside the window stays an infinite error (it must not turn into NaN and drop out of a maximum).
        Assert.Equal(double.PositiveInfinity, AccuracyMeter.BackwardError(Silu, -1.2784f, float.NaN));
    }
}
