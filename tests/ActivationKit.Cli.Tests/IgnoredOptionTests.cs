namespace ActivationKit.Cli.Tests;

/// <summary>
/// Options that do not apply warn on stderr instead of being dropped without a word (found by an exploratory tester).
/// </summary>
public sealed class IgnoredOptionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TrainWarnsOfAnActivationWithoutAHiddenLayer()
    {
        var r = Cli.Run("train", "--data", "xor", "--samples", "60", "--hidden", "0", "--activation", "tanh", "--epochs", "1").Ok();
        Assert.Contains("Warning: --activation tanh is ignored: --hidden 0 has no hidden layer (the model is linear)", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("--activation", Cli.Run("train", "--data", "xor", "--samples", "60", "--hidden", "0", "--epochs", "1").Ok().Err.Replace("another --activation", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void DiagnoseWarnsOfASeedForDataItDoesNotDraw()
    {
        string model = _dir.File("xor.akm"), csv = _dir.XorCsv();
        Cli.Run("train", "--data", csv, "--epochs", "1", "--hidden", "4", "--save", model).Ok();
        var r = Cli.Run("diagnose", "--model", model, "--data", csv, "--seed", "5");
        Assert.Contains("Warning: --seed 5 is ignored: it draws a synthetic --data set", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("--seed", Cli.Run("diagnose", "--model", model, "--data", "xor", "--seed", "5").Err, StringComparison.Ordinal);
    }

    [Fact]
    public void EvalWarnsOfColumnsForAnElementwiseFunction()
    {
        var r = Cli.Run("eval", "relu", "--x=0:3:1", "--columns", "2").Ok();
        Assert.Contains("Warning: --columns 2 is ignored: relu is element-wise", r.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, Cli.Run("eval", "softmax", "--x=0:3:1", "--columns", "2").Ok().Err);
    }
}
