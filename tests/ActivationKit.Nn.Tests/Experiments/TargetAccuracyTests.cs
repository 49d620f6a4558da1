using ActivationKit.Nn.Experiments;

namespace ActivationKit.Nn.Tests.Experiments;

/// <summary>compare's --target is an accuracy as a fraction: one given as a percentage is refused with how to write it.</summary>
public sealed class TargetAccuracyTests
{
    [Theory]
    [InlineData(90, "--target must be in (0, 1], got 90 (a fraction: 0.9 for 90 %).")]
    [InlineData(99.5, "--target must be in (0, 1], got 99.5 (a fraction: 0.995 for 99.5 %).")]
    [InlineData(0, "--target must be in (0, 1], got 0.")]
    [InlineData(-0.5, "--target must be in (0, 1], got -0.5.")]
    [InlineData(150, "--target must be in (0, 1], got 150.")]
    public void A_target_accuracy_out_of_range_says_so_and_how_to_write_a_percentage(double target, string expected)
    {
        var config = new ExperimentConfig { Data = "moons", Activations = Contender.ParseList("relu"), TargetAccuracy = target };
        Assert.Equal(expected, Assert.Throws<ArgumentException>(() => config.Validate()).Message);
    }
}
