namespace ActivationKit.Cli.Tests;

/// <summary>
/// recommend's closing "Measure this ranking on data with --try …" is printed only where --try can measure the request:
/// an LSTM's cell or gate and a ranking output were pointed to --try spirals, which then refused them (found by an
/// exploratory tester).
/// </summary>
public sealed class RecommendTryHintTests
{
    private const string Hint = "Measure this ranking on data with --try";

    [Theory]
    [InlineData("--model", "lstm", "--layer", "cell")]
    [InlineData("--model", "lstm", "--layer", "gate")]
    [InlineData("--task", "ranking", "--layer", "output")]
    [InlineData("--model", "gan", "--layer", "output")]
    [InlineData("--model", "autoencoder", "--layer", "output")]
    [InlineData("--depth", "20", "--layer", "hidden")]
    public void NoHintWhereTryWouldRefuse(params string[] request)
    {
        var r = Cli.Run(["recommend", .. request]).Ok();
        Assert.DoesNotContain(Hint, r.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, Cli.Run(["recommend", .. request, "--try", "spirals", "--seeds", "1", "--epochs", "1"]).ExitCode);
    }

    [Theory]
    [InlineData("--try spirals", "--layer", "output")]
    [InlineData("--try spirals", "--task", "ranking")]
    [InlineData("--try sine", "--task", "regression")]
    public void TheHintStaysWhereTryMeasures(string hint, params string[] request) =>
        Assert.Contains($"{Hint.Replace("--try", hint, StringComparison.Ordinal)} (", Cli.Run(["recommend", .. request]).Ok().Out, StringComparison.Ordinal);
}
