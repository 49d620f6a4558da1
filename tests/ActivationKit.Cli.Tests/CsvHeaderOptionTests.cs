using System.Globalization;
using System.Text.Json;
using ActivationKit.IO;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// <c>--header auto|yes|no</c> on every command that reads a CSV data file: a header whose column names are numbers
/// (<c>2019,2020,label</c>) is read with <c>--header yes</c> exactly as the same file with renamed columns is read
/// without it; <c>--header no</c> reads the first row as data; the option is refused for .npy and built-in data.
/// </summary>
public sealed class CsvHeaderOptionTests : IDisposable
{
    private const int Samples = 60;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // A learnable two-feature binary table (the class is whether x and y have the same sign), the same for every file.
    private static string[] Rows()
    {
        var rng = new Random(11);
        return Enumerable.Range(0, Samples).Select(_ =>
        {
            double x = (rng.NextDouble() * 2) - 1, y = (rng.NextDouble() * 2) - 1;
            return string.Create(Inv, $"{x:0.####},{y:0.####},{(x * y > 0 ? 1 : 0)}");
        }).ToArray();
    }

    private string Table(string name, string header)
    {
        string path = _dir.File(name);
        File.WriteAllLines(path, [header, .. Rows()]);
        return path;
    }

    private static JsonElement Json(CliResult r) => JsonDocument.Parse(r.Out).RootElement;

    private static int SampleCount(JsonElement train) =>
        train.GetProperty("train_samples").GetInt32() + train.GetProperty("validation_samples").GetInt32() + train.GetProperty("test_samples").GetInt32();

    [Fact]
    public void Train_reads_a_header_of_numeric_names_with_header_yes_as_the_renamed_file_without_it()
    {
        string numeric = Table("years.csv", "2019,2020,label");
        string renamed = Table("named.csv", "y2019,y2020,label");
        string[] options = ["--hidden", "8", "--epochs", "3", "--json"];

        var expected = Json(Cli.Run(["train", "--data", renamed, .. options]).Ok());
        var yes = Json(Cli.Run(["train", "--data", numeric, "--header", "yes", .. options]).Ok());
        Assert.Equal(Samples, SampleCount(yes));
        Assert.Equal("binary", yes.GetProperty("task").GetString());
        Assert.StartsWith("2-8-1,", yes.GetProperty("network").GetString(), StringComparison.Ordinal);
        Assert.Equal(expected.GetProperty("test").GetRawText(), yes.GetProperty("test").GetRawText());
        Assert.Equal(
            expected.GetProperty("epochs").EnumerateArray().Select(e => e.GetProperty("train_loss").GetDouble()),
            yes.GetProperty("epochs").EnumerateArray().Select(e => e.GetProperty("train_loss").GetDouble()));

        // Without it the row of names is data whose label, the text 'label', stands among 0/1 labels: it was a sample of a
        // class 'label' (one sample and one class too many, exit 0); now it is refused on line 1, naming the option.
        Cli.Run(["train", "--data", numeric, .. options]).BadInput("years.csv, line 1, column 3 (label column 3): 'label' is text, but 60 of the 61 labels are numbers, so it is unclear whether the column holds numbers or class names (line 1 is read as data because some of its cells are numbers; if it is a header, give --header yes).");
        var no = Cli.Run(["train", "--data", numeric, "--header", "no", .. options]).BadInput("years.csv, line 1, column 3 (label column 3): 'label' is text, but 60 of the 61 labels are numbers");
        Assert.DoesNotContain("--header yes", no.Err, StringComparison.Ordinal);

        // A header whose names include text besides the label is refused, and the error names the option.
        string ages = Table("ages.csv", "age,2019,label");
        Cli.Run("train", "--data", ages, "--epochs", "1").BadInput("ages.csv, line 1, column 1: 'age' is not a number (line 1 is read as data because some of its cells are numbers; if it is a header, give --header yes, or rename the columns whose names are numbers).");
        Assert.Equal(Samples, SampleCount(Json(Cli.Run(["train", "--data", ages, "--header", "yes", .. options]).Ok())));
    }

    [Fact]
    public void Train_with_header_no_refuses_a_text_first_row_naming_line_1()
    {
        string renamed = Table("named.csv", "y2019,y2020,label");
        var r = Cli.Run("train", "--data", renamed, "--header", "no", "--epochs", "1").BadInput("named.csv, line 1, column 1: 'y2019' is not a number.");
        Assert.DoesNotContain("--header yes", r.Err, StringComparison.Ordinal);
        Cli.Run("train", "--data", renamed, "--header", "no", "--target", "label").BadInput("named.csv: label column 'label' is a name, but the file has no header row.");

        // A file without a header reads the same with no as with auto.
        string plain = _dir.File("plain.csv");
        File.WriteAllLines(plain, Rows());
        var no = Json(Cli.Run("train", "--data", plain, "--header", "no", "--hidden", "8", "--epochs", "2", "--json").Ok());
        var auto = Json(Cli.Run("train", "--data", plain, "--hidden", "8", "--epochs", "2", "--json").Ok());
        Assert.Equal(Samples, SampleCount(no));
        Assert.Equal(auto.GetProperty("test").GetRawText(), no.GetProperty("test").GetRawText());
    }

    [Fact]
    public void Train_refuses_header_for_npy_and_built_in_data_and_a_bad_value()
    {
        string npy = _dir.File("table.npy");
        Npy.Write(npy, new float[] { 0.5f, 1f, 0f, 1.5f, 2f, 1f, 2.5f, 3f, 0f }, [3, 3]);
        Cli.Run("train", "--data", npy, "--header", "yes").BadInput("--header applies to CSV files, not to the .npy array 'table.npy'.");
        Cli.Run("train", "--data", "spirals", "--header", "no").BadInput("--header applies to CSV files, not to the built-in set 'spirals'.");
        Cli.Run("train", "--data", "fashion-mnist", "--header", "yes").BadInput("--header applies to CSV files, not to the built-in set 'fashion-mnist'.");
        Cli.Run("train", "--data", Table("named.csv", "a,b,label"), "--header", "maybe").BadInput("--header must be auto, yes or no, not 'maybe'.");

        // auto is the default said aloud, so built-in data takes it.
        Assert.Equal(40, SampleCount(Json(Cli.Run("train", "--data", "xor", "--samples", "40", "--epochs", "1", "--header", "auto", "--json").Ok())));
    }

    [Fact]
    public void Predict_reads_inputs_under_a_header_of_numeric_names_with_header_yes_as_without_a_header()
    {
        // The model records the training header's names (2019, 2020), which predict checks a header against: the same
        // names pass, others are refused (y2019,y2020 was read by position before).
        string model = _dir.File("m.akm");
        Cli.Run("train", "--data", Table("years.csv", "2019,2020,label"), "--header", "yes", "--hidden", "8", "--epochs", "3", "--save", model).Ok();
        string[] inputs = Rows().Take(5).Select(r => r[..r.LastIndexOf(',')]).ToArray();
        string numeric = _dir.File("in-years.csv"), renamed = _dir.File("in-named.csv"), plain = _dir.File("in-plain.csv");
        File.WriteAllLines(numeric, ["2019,2020", .. inputs]);
        File.WriteAllLines(renamed, ["y2019,y2020", .. inputs]);
        File.WriteAllLines(plain, inputs);

        var expected = Cli.Run("predict", "--model", model, "--in", plain, "--header", "no").Ok().Lines;
        Assert.Equal(5, expected.Length);
        Assert.All(expected, p => Assert.InRange(double.Parse(p, Inv), 0, 1));
        Assert.Equal(expected, Cli.Run("predict", "--model", model, "--in", numeric, "--header", "yes").Ok().Lines);
        Assert.Equal(expected, Cli.Run("predict", "--model", model, "--in", plain).Ok().Lines);
        Cli.Run("predict", "--model", model, "--in", renamed).BadInput("in-named.csv lacks '2019', '2020' and has 'y2019', 'y2020' instead");

        // Without it the names 2019 and 2020 are read as a sixth input row.
        var auto = Cli.Run("predict", "--model", model, "--in", numeric).Ok().Lines;
        Assert.Equal(6, auto.Length);
        Assert.Equal(expected, auto[1..]);
    }

    [Fact]
    public void Predict_header_errors_name_the_line_the_file_or_the_option()
    {
        string model = _dir.File("m.akm");
        Cli.Run("train", "--data", Table("named.csv", "a,b,label"), "--hidden", "4", "--epochs", "1", "--save", model).Ok();
        string csv = _dir.File("in.csv");
        File.WriteAllText(csv, "x,y\n0.5,0.5\n");
        Cli.Run("predict", "--model", model, "--in", csv, "--header", "no").BadInput("in.csv, line 1, column 1: 'x' is not a number.");
        File.WriteAllText(csv, "# names only\n2019,2020\n");

        // The header is matched against the model's columns as soon as it is read, before the rows (none here).
        Cli.Run("predict", "--model", model, "--in", csv, "--header", "yes").BadInput("in.csv lacks 'a', 'b' and has '2019', '2020' instead");
        File.WriteAllText(csv, "# names only\na,b\n");
        Cli.Run("predict", "--model", model, "--in", csv, "--header", "yes").BadInput("in.csv: the file has a header but no data rows.");
        Cli.Run("predict", "--model", model, "--in", csv, "--header", "maybe").BadInput("--header must be auto, yes or no, not 'maybe'.");
        string npy = _dir.File("in.npy");
        Npy.Write(npy, new float[] { 0.5f, 0.5f }, [1, 2]);
        Cli.Run("predict", "--model", model, "--in", npy, "--header", "yes").BadInput("--header applies to CSV files, not to the .npy array 'in.npy'.");
        Assert.Single(Cli.Run("predict", "--model", model, "--in", npy).Ok().Lines);
    }

    [Fact]
    public void Compare_reads_a_header_of_numeric_names_with_header_yes_and_keys_the_folder_by_it()
    {
        string numeric = Table("years.csv", "2019,2020,label");
        string renamed = Table("named.csv", "y2019,y2020,label");
        string[] Compare(string data, string outDir, params string[] extra) =>
            ["compare", "--data", data, "--activations", "relu,tanh", "--seeds", "1", "--epochs", "2", "--hidden", "4", "--threads", "1", "--out", outDir, "--json", .. extra];
        static IEnumerable<double> Accuracies(CliResult r) =>
            JsonDocument.Parse(r.Out).RootElement.GetProperty("ranking").EnumerateArray().SelectMany(row => row.GetProperty("accuracies").EnumerateArray().Select(a => a.GetDouble()));

        string yesDir = _dir.File("yes");
        var yes = Cli.RunWide(Compare(numeric, yesDir, "--header", "yes")).Ok();
        Assert.Contains("(36 train / 12 validation / 12 test)", yes.Err, StringComparison.Ordinal);
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(yesDir, "experiment.json"))).RootElement;
        Assert.Contains(";header=yes;", manifest.GetProperty("experimentKey").GetString(), StringComparison.Ordinal);
        Assert.Contains("--data " + numeric + " --header yes ", manifest.GetProperty("command").GetString(), StringComparison.Ordinal);
        Assert.True(manifest.GetProperty("config").GetProperty("hasHeader").GetBoolean());

        // The same trials, the same numbers, as the renamed file read by the default rule.
        string autoDir = _dir.File("auto");
        var auto = Cli.RunWide(Compare(renamed, autoDir)).Ok();
        Assert.Equal(Accuracies(auto), Accuracies(yes));
        Assert.Contains("(36 train / 12 validation / 12 test)", auto.Err, StringComparison.Ordinal);

        // auto (default or said) keeps the key it always had and resumes; yes or no is another comparison.
        var autoManifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(autoDir, "experiment.json"))).RootElement;
        Assert.DoesNotContain("header", autoManifest.GetProperty("experimentKey").GetString(), StringComparison.Ordinal);
        Assert.False(autoManifest.GetProperty("config").TryGetProperty("hasHeader", out _));
        Assert.Contains("skipped 2 already finished", Cli.RunWide(Compare(renamed, autoDir, "--header", "auto")).Ok().Err, StringComparison.Ordinal);
        Cli.Run(Compare(renamed, autoDir, "--header", "yes")).BadInput("already holds a different comparison (header: — vs yes)");
        Assert.Contains("skipped 2 already finished", Cli.RunWide(Compare(numeric, yesDir, "--header", "yes")).Ok().Err, StringComparison.Ordinal);
        Cli.Run(Compare(numeric, yesDir, "--header", "no")).BadInput("years.csv, line 1, column 3 (label column 3): 'label' is text, but 60 of the 61 labels are numbers");
        string plain = _dir.File("plain.csv");
        File.WriteAllLines(plain, Rows());
        Cli.Run(Compare(plain, yesDir, "--header", "no")).BadInput("already holds a different comparison (");
        Assert.Contains("header: yes vs no)", Cli.Run(Compare(plain, yesDir, "--header", "no")).Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnose_runs_a_model_on_a_csv_read_with_header_yes()
    {
        string model = _dir.File("m.akm");
        // Trained on the same names: diagnose checks a header against the model's input columns, as predict does.
        Cli.Run("train", "--data", Table("named.csv", "2019,2020,label"), "--header", "yes", "--hidden", "8", "--epochs", "3", "--save", model).Ok();
        string numeric = Table("years.csv", "2019,2020,label");
        var r = Cli.Run("diagnose", "--model", model, "--data", numeric, "--header", "yes", "--json");
        Assert.True(r.ExitCode is 0 or 1, r.Err);
        Assert.Equal($"m.akm on years.csv ({Samples} samples)", JsonDocument.Parse(r.Out).RootElement.GetProperty("source").GetString());

        // With no, the names are data whose label 'label' is text among numbers (it was a sample of a class 'label').
        Cli.Run("diagnose", "--model", model, "--data", numeric, "--header", "no", "--json").BadInput("years.csv, line 1, column 3 (label column 3): 'label' is text, but 60 of the 61 labels are numbers");
        Cli.Run("diagnose", "--model", model, "--data", "moons", "--header", "yes").BadInput("--header applies to CSV files, not to the built-in set 'moons'.");
        Cli.Run("diagnose", "--model", model, "--data", numeric, "--header", "sure").BadInput("--header must be auto, yes or no, not 'sure'.");
        Cli.Run("diagnose", _dir.Path, "--header", "yes").BadInput("--data, --label-column, --header and --samples go with --model (a FOLDER's arrays hold their own samples).");
    }

    [Fact]
    public void Recommend_tries_a_csv_read_with_header_yes_as_the_renamed_file()
    {
        string[] Try(string data, params string[] extra) =>
            ["recommend", "--top", "2", "--try", data, "--epochs", "2", "--seeds", "1", "--samples", "40", "--json", .. extra];
        static JsonElement Trial(CliResult r) => JsonDocument.Parse(r.Out).RootElement.GetProperty("trial");

        var expected = Trial(Cli.Run(Try(Table("named.csv", "y2019,y2020,label"))).Ok());
        var yes = Trial(Cli.Run(Try(Table("years.csv", "2019,2020,label"), "--header", "yes")).Ok());
        // Two classes: a binary trial, whose output is one sigmoid unit as the advisor recommends.
        Assert.Equal("2 → 32 → 32 → 1", yes.GetProperty("network").GetString());
        Assert.Equal(expected.GetProperty("candidates").GetRawText(), yes.GetProperty("candidates").GetRawText());

        Cli.Run(Try("spirals", "--header", "no")).BadInput("--header applies to CSV files, not to the built-in set 'spirals'.");
        Cli.Run("recommend", "--header", "yes").BadInput("--seeds, --epochs, --samples and --header apply only with --try DATA.");
    }
}
