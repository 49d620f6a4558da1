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

    [Fact]
    public void Recommend_model_regression_without_a_task_advises_a_regression()
    {
        // It failed with "--model regression contradicts --task multiclass", a task that was only the default.
        var root = Json(Cli.Run("recommend", "--model", "regression", "--layer", "output", "--json").Ok());
        Assert.Equal("regression", root.GetProperty("request").GetProperty("task").GetString());
        Assert.Equal("identity", root.GetProperty("recommendations")[0].GetProperty("name").GetString());
        Assert.Equal("regression", Json(Cli.Run("recommend", "--model", "regression", "--json").Ok()).GetProperty("request").GetProperty("task").GetString());
        Cli.Run("recommend", "--model", "regression", "--task", "binary").BadInput("--model regression contradicts --task binary");
    }
}
