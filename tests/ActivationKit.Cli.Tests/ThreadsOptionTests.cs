namespace ActivationKit.Cli.Tests;

/// <summary>
/// --threads has one bound and one message in every command: bench refused above 256, train took 100000 and reported
/// "100000 thread(s)", and compare had no upper bound (found by an exploratory tester).
/// </summary>
public sealed class ThreadsOptionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string[][] Commands(string threads) =>
    [
        ["bench", "relu", "--sizes", "64", "--reps", "1", "--threads", threads],
        ["bench", "mlp", "--threads", threads],
        ["train", "--data", "xor", "--epochs", "1", "--threads", threads],
        ["compare", "--data", "xor", "--seeds", "1", "--epochs", "1", "--out", _dir.File("results"), "--threads", threads],
    ];

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("257")]
    [InlineData("100000")]
    public void EveryCommandRefusesTheSameValuesAlike(string threads)
    {
        foreach (var args in Commands(threads)) Cli.Run(args).BadInput($"--threads must be between 1 and 256, got {threads}.");
        Assert.False(Directory.Exists(_dir.File("results")));
    }

    [Fact]
    public void TheBoundsThemselvesAreTaken()
    {
        Assert.Contains("256 thread(s)", Cli.Run("train", "--data", "xor", "--samples", "50", "--epochs", "1", "--threads", "256").Ok().Out, StringComparison.Ordinal);
        Cli.Run("compare", "--data", "xor", "--samples", "60", "--activations", "relu", "--hidden", "4", "--seeds", "1", "--epochs", "1", "--out", _dir.File("results"), "--threads", "1").Ok();
    }
}
