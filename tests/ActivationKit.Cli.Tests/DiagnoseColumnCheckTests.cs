namespace ActivationKit.Cli.Tests;

/// <summary>
/// diagnose --model checks a CSV's header against the model's input columns, as predict does: swapped columns, other
/// names and a --label-column naming one of the inputs were read by position without a word (found by an exploratory
/// tester).
/// </summary>
public sealed class DiagnoseColumnCheckTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _model;
    private readonly string[] _lines;

    public DiagnoseColumnCheckTests()
    {
        string csv = _dir.XorCsv();
        _lines = File.ReadAllLines(csv);
        _model = _dir.File("xor.akm");
        Cli.Run("train", "--data", csv, "--epochs", "1", "--hidden", "4", "--save", _model).Ok();
    }

    public void Dispose() => _dir.Dispose();

    private string WithHeader(string name, string header)
    {
        string path = _dir.File(name);
        File.WriteAllLines(path, [header, .. _lines.Skip(1)]);
        return path;
    }

    [Fact]
    public void SwappedColumnsAreRefused() =>
        Cli.Run("diagnose", "--model", _model, "--data", WithHeader("swapped.csv", "b,a,label"))
            .BadInput("swapped.csv has the model's input columns in another order ('b', 'a'), but the model was trained on the columns 'a', 'b', in that order; reorder them.");

    [Fact]
    public void OtherNamesAreRefused() =>
        Cli.Run("diagnose", "--model", _model, "--data", WithHeader("other.csv", "p,q,label"))
            .BadInput("other.csv lacks 'a', 'b' and has 'p', 'q' instead, but the model was trained on the columns 'a', 'b', in that order");

    [Fact]
    public void ALabelColumnNamingAnInputIsRefused() =>
        Cli.Run("diagnose", "--model", _model, "--data", WithHeader("same.csv", "a,b,label"), "--label-column", "a")
            .BadInput("The label column 'a' (--label-column a) is one of the model's inputs, so same.csv lacks 'a' and has 'label' instead");

    [Fact]
    public void TheTrainingColumnsStillPass() =>
        Assert.NotEqual(ExitCodes.BadInput, Cli.Run("diagnose", "--model", _model, "--data", WithHeader("same.csv", "A, b ,label")).ExitCode);
}
