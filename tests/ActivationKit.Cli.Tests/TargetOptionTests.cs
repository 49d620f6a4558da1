using System.Text.Json;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// compare's --target (an accuracy) and train's (a column) share a name (an exploratory tester): each one's help says
/// which it is, compare also takes --target-accuracy, and one's kind of value given to the other is answered with it.
/// </summary>
public sealed class TargetOptionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Compare_target_given_a_column_name_says_it_is_an_accuracy_and_where_columns_go()
    {
        Cli.Run("compare", "--target", "species").BadInput(
            "compare's --target is the validation accuracy to reach, a number in (0, 1] such as 0.9, got 'species'; compare takes the class from the last column of --data, and a target column by name or index is train's --target.");
        Cli.Run("compare", "--target", "90%").BadInput("--target takes the accuracy as a fraction, not a percentage: 0.9 for 90%.");
        Cli.Run("compare", "--target", "90").BadInput("--target must be in (0, 1], got 90 (a fraction: 0.9 for 90 %).");
        Cli.Run("compare", "--target-accuracy", "x").BadInput("compare's --target is the validation accuracy to reach");
        Cli.Run("compare", "--target", "0.9", "--target-accuracy", "0.8").BadInput("--target was given twice (as --target and --target-accuracy).");
    }

    [Fact]
    public void Compare_takes_target_accuracy_as_another_name_of_target()
    {
        string a = _dir.File("a"), b = _dir.File("b");
        string[] common = ["compare", "--data", "moons", "--samples", "100", "--activations", "relu", "--hidden", "4", "--seeds", "1", "--epochs", "2", "--threads", "1", "--json"];
        var byOld = JsonDocument.Parse(Cli.RunWide([.. common, "--out", a, "--target", "0.75"]).Ok().Out).RootElement;
        var byNew = JsonDocument.Parse(Cli.RunWide([.. common, "--out", b, "--target-accuracy", "0.75"]).Ok().Out).RootElement;
        Assert.Equal(0.75, byOld.GetProperty("config").GetProperty("targetAccuracy").GetDouble());
        Assert.Equal(byOld.GetProperty("experiment").GetString(), byNew.GetProperty("experiment").GetString());
    }

    [Fact]
    public void Train_target_given_an_accuracy_says_it_names_a_column()
    {
        string csv = _dir.File("iris.csv");
        File.WriteAllLines(csv, ["a,b,species", "1,2,x", "3,4,y", "5,6,x", "7,8,y", "1,3,x", "2,4,y"]);
        const string hint = "train's --target names the target column; an accuracy to reach is compare's --target (also spelled --target-accuracy).";
        Cli.Run("train", "--data", csv, "--target", "0.9", "--epochs", "1").BadInput($"iris.csv: no column named '0.9' (columns: a, b, species). {hint}");
        Cli.Run("train", "--data", csv, "--target=95%", "--epochs", "1").BadInput($"no column named '95%' (columns: a, b, species). {hint}");
        Cli.Run("train", "--data", "spirals", "--target", "0.9").BadInput($"--target applies to CSV and .npy files, not to the built-in set 'spirals'. {hint}");
        Cli.Run("recommend", "--layer", "hidden", "--try", csv, "--target", "0.9").BadInput("recommend's --target names the target column; an accuracy to reach is compare's --target");

        // A whole number is a column index as often as not: no hint.
        Assert.DoesNotContain("compare's", Cli.Run("train", "--data", csv, "--target", "7", "--epochs", "1").BadInput("label column index 7 is outside the 3 columns.").Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_target_option_says_in_its_help_what_it_is()
    {
        string compare = Cli.RunWide("compare", "--help").Ok().Out;
        Assert.Contains("The validation accuracy to reach", compare, StringComparison.Ordinal);
        Assert.Contains("An accuracy, not a column", compare, StringComparison.Ordinal);
        Assert.Contains("Also spelled --target-accuracy", compare, StringComparison.Ordinal);
        Assert.Contains("the target column's header name or 0-based index", Cli.RunWide("train", "--help").Ok().Out, StringComparison.Ordinal);
    }
}
