namespace ActivationKit.Cli.Tests;

/// <summary>
/// train, predict and diagnose refuse a CSV header that names two columns alike (1-based columns in the message):
/// train took <c>a,a,label</c> without a word, and which column <c>--target a</c> meant was a guess.
/// </summary>
public sealed class RepeatedColumnNameTests
{
    [Fact]
    public void Train_predict_and_diagnose_refuse_a_header_that_repeats_a_name()
    {
        using var dir = new TempDir();
        string xor = dir.XorCsv();
        string dup = dir.File("dup.csv");
        File.WriteAllLines(dup, ["a,b,A,label", .. File.ReadAllLines(xor).Skip(1).Select(l => l.Split(',') is var c ? $"{c[0]},{c[1]},{c[0]},{c[2]}" : l)]);
        const string Repeated = "Error: dup.csv, line 1: the header repeats the column name 'a' as 'A' (columns 1 and 3; names are matched ignoring letter case and surrounding spaces); give each column its own name, or --target and predict cannot tell them apart.";
        Assert.Equal(Repeated, Cli.Run("train", "--data", dup, "--epochs", "1").BadInput("repeats").Err.Trim());
        Assert.Equal(Repeated, Cli.Run("train", "--data", dup, "--epochs", "1", "--target", "label").BadInput("repeats").Err.Trim());

        // predict: said of the table itself, before its columns are matched to the model's inputs.
        string model = dir.File("m.akm");
        Cli.Run("train", "--data", xor, "--epochs", "1", "--hidden", "4", "--save", model).Ok();
        string rows = dir.File("rows.csv");
        File.WriteAllLines(rows, ["a,A", "0.5,0.5"]);
        Assert.Equal("Error: rows.csv, line 1: the header repeats the column name 'a' as 'A' (columns 1 and 2; names are matched ignoring letter case and surrounding spaces); give each column its own name, or --target and predict cannot tell them apart.", Cli.Run("predict", "--model", model, "--in", rows).BadInput("repeats").Err.Trim());
        Cli.Run("diagnose", "--model", model, "--data", dup).BadInput(Repeated);
    }
}
