using System.Text.Json;

namespace ActivationKit.Cli.Tests;

/// <summary>recommend and check through the command line: the exploratory tester's advisor findings, one test each.</summary>
public class AdvisorFixTests
{
    private static JsonElement Json(CliResult r) => JsonDocument.Parse(r.Out).RootElement;

    [Fact]
    public void Recommend_refuses_depth_0_for_a_hidden_layer_and_a_trial_deeper_than_it_trains()
    {
        Cli.Run("recommend", "--depth", "0").BadInput("Error: --depth 0 means the network has no hidden layer, so there is no hidden activation to choose; give --depth 1 or more, or --layer output.");
        Assert.Contains("0 hidden layers", Cli.Run("recommend", "--depth", "0", "--layer", "output").Ok().Out, StringComparison.Ordinal);
        Cli.Run("recommend", "--depth", "30", "--try", "xor").BadInput("--try trains at most 16 hidden layers, so --depth 30 cannot be measured; give --depth 16 or less");
    }
}
