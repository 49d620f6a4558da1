using System.Globalization;
using System.Text.Json;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// What a data file's target column is read as, by <c>train</c>, <c>compare</c> and <c>recommend --try</c> alike: a
/// missing label is refused with its line and column, a column of numbers and text is refused at its odd cell, integer
/// targets are classes only when they are class indices 0…k−1, and text labels are never regressed on.
/// </summary>
public sealed class TargetColumnTests : IDisposable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static JsonElement Json(CliResult r) => JsonDocument.Parse(r.Out).RootElement;

    // Two features and a target per row, the target from the row index.
    private string Table(string name, string header, int rows, Func<int, string> target)
    {
        string path = _dir.File(name);
        File.WriteAllLines(path, [header, .. Enumerable.Range(0, rows).Select(i => string.Create(Inv, $"{i * 0.25:0.##},{(i * 7) % 11},{target(i)}"))]);
        return path;
    }

    private static string[] Train(string data, params string[] extra) => ["train", "--data", data, "--hidden", "4", "--epochs", "1", .. extra];

    private static string[] Compare(string data, string outDir) => ["compare", "--data", data, "--activations", "relu", "--seeds", "1", "--epochs", "1", "--hidden", "4", "--threads", "1", "--out", outDir];

    private static string[] Try(string data) => ["recommend", "--top", "2", "--try", data, "--epochs", "1", "--seeds", "1", "--samples", "40"];

    [Theory]
    [InlineData("", "the label is empty, a missing value")]
    [InlineData("NA", "'NA' is a missing value")]
    [InlineData("null", "'null' is a missing value")]
    public void One_missing_target_cell_is_refused_with_its_line_not_read_as_text_classes(string missing, string what)
    {
        // One empty price among 40 made train infer "multiclass" with 40 classes named by the prices' text, exit 0.
        string prices = Table("prices.csv", "a,b,price", 40, i => i == 5 ? missing : string.Create(Inv, $"{10 + (i * 1.25)}"));
        string expected = $"prices.csv, line 7, column 3 (label price): {what}";
        Cli.Run(Train(prices)).BadInput(expected);
        Cli.Run(Train(prices, "--task", "regression")).BadInput(expected);
        Cli.Run(Compare(prices, _dir.File("out"))).BadInput(expected);
        Cli.Run([.. Try(prices), "--task", "regression"]).BadInput(expected);
        Assert.False(Directory.Exists(_dir.File("out")) && Directory.EnumerateFileSystemEntries(_dir.File("out")).Any());

        // 0/1 labels with one hole were a third class.
        string binary = Table("binary.csv", "a,b,label", 40, i => i == 8 ? missing : (i % 2).ToString(Inv));
        Cli.Run(Train(binary)).BadInput($"binary.csv, line 10, column 3 (label label): {what}");
    }

    [Fact]
    public void Several_label_columns_for_a_binary_task_point_to_multilabel()
    {
        // Neither message said that one yes/no label per column is what --task multilabel takes.
        string labels = _dir.File("labels.csv");
        File.WriteAllLines(labels, ["a,b,l0,l1", .. Enumerable.Range(0, 30).Select(i => string.Create(Inv, $"{i * 0.25:0.##},{(i * 7) % 11},{i % 2},{(i / 2) % 2}"))]);
        Cli.Run(Train(labels, "--target", "l0,l1", "--task", "binary")).BadInput("labels.csv: a binary task needs one target column of class indices, but there are 2; for one yes/no label per column use --task multilabel.");
        Cli.Run([.. Try(labels), "--layer", "output", "--task", "binary", "--target", "l0,l1"]).BadInput("labels.csv: several label columns ('l0,l1') are read as one target each, for a multilabel task (one yes/no label per column) or a regression, not as one class label of a binary or multi-class task.");
        Cli.Run(Train(labels, "--target", "l0,l1", "--task", "multilabel")).Ok();
    }

    [Fact]
    public void A_target_column_of_numbers_and_text_is_refused_at_the_odd_cell()
    {
        string typo = Table("typo.csv", "a,b,y", 30, i => i == 11 ? "1O" : (i % 3).ToString(Inv));
        Cli.Run(Train(typo)).BadInput("typo.csv, line 13, column 3 (label y): '1O' is text, but 29 of the 30 labels are numbers, so it is unclear whether the column holds numbers or class names.");
        string stray = Table("stray.csv", "a,b,kind", 30, i => i == 20 ? "3" : i % 2 == 0 ? "cat" : "dog");
        Cli.Run(Train(stray)).BadInput("stray.csv, line 22, column 3 (label kind): '3' is a number, but 29 of the 30 labels are class names");
        Cli.Run(Compare(stray, _dir.File("out"))).BadInput("stray.csv, line 22, column 3 (label kind): '3' is a number");
    }

    [Fact]
    public void Text_labels_are_not_regressed_on_by_their_sorted_index()
    {
        // --task regression trained on cat/dog/emu as 0/1/2, exit 0.
        string kinds = Table("text_label.csv", "a,b,label", 30, i => new[] { "cat", "dog", "emu" }[i % 3]);
        Cli.Run(Train(kinds, "--task", "regression")).BadInput("text_label.csv: the target column holds text labels ('cat', 'dog', 'emu'), which are classes, not numbers, so a regression task cannot use them (leave out --task to classify them).");
        Cli.Run(Train(kinds, "--task", "multilabel")).BadInput("so a multilabel task cannot use them");
        Assert.Equal("multiclass", Json(Cli.Run([.. Train(kinds), "--json"]).Ok()).GetProperty("task").GetString());
    }

    [Fact]
    public void Integer_targets_that_are_not_class_indices_from_0_are_inferred_as_regression_and_say_so()
    {
        // Ages 18…90 were 91 classes; codes 0, 1000, …, 39000 were 39,001 outputs.
        string ages = Table("ages.csv", "a,b,age", 73, i => (18 + i).ToString(Inv));
        var json = Json(Cli.Run([.. Train(ages), "--json"]).Ok());
        Assert.Equal("regression", json.GetProperty("task").GetString());
        Assert.True(json.GetProperty("task_inferred").GetBoolean());
        Assert.Equal("the integer targets are not class indices 0…k−1 — the labels run from 18 to 90, not from 0; give --task multiclass to classify", json.GetProperty("task_note").GetString());
        Assert.StartsWith("2-4-1,", json.GetProperty("network").GetString(), StringComparison.Ordinal);
        Assert.Contains("ages.csv: regression (inferred: the integer targets are not class indices 0…k−1 — the labels run from 18 to 90, not from 0; give --task multiclass to classify), 2 features", Cli.RunWide(Train(ages)).Ok().Out, StringComparison.Ordinal);

        string codes = Table("codes.csv", "a,b,code", 40, i => (i * 1000).ToString(Inv));
        var sparse = Json(Cli.Run([.. Train(codes), "--json"]).Ok());
        Assert.Equal("regression", sparse.GetProperty("task").GetString());
        // No advice to give --task multiclass, which refuses these labels.
        Assert.Equal("the integer targets are not class indices 0…k−1 — the labels 0…39,000 skip 38,961 of those indices (only 40 different labels occur)", sparse.GetProperty("task_note").GetString());

        // 1-based labels too; indices 0…k−1 stay classes, and a plain regression target has no note.
        string oneBased = Table("stars.csv", "a,b,stars", 40, i => (1 + (i % 5)).ToString(Inv));
        Assert.Equal("regression", Json(Cli.Run([.. Train(oneBased), "--json"]).Ok()).GetProperty("task").GetString());
        var classes = Json(Cli.Run([.. Train(Table("classes.csv", "a,b,y", 40, i => (i % 5).ToString(Inv))), "--json"]).Ok());
        Assert.Equal("multiclass", classes.GetProperty("task").GetString());
        Assert.False(classes.TryGetProperty("task_note", out _));
        Assert.False(Json(Cli.Run([.. Train(Table("real.csv", "a,b,y", 40, i => (i * 0.3).ToString(Inv))), "--json"]).Ok()).TryGetProperty("task_note", out _));

        // Integer indices 0…k−1 beyond 100 classes are a numeric target by inference, too.
        var many = Json(Cli.Run([.. Train(Table("many.csv", "a,b,y", 150, i => i.ToString(Inv))), "--json"]).Ok());
        Assert.Equal("the integer targets 0…149 would be 150 classes, more than the 100 inferred at most; give --task multiclass to classify", many.GetProperty("task_note").GetString());
    }

    [Fact]
    public void A_given_multiclass_task_takes_integer_labels_as_indices_but_not_thousands_of_empty_classes()
    {
        string oneBased = Table("stars.csv", "a,b,stars", 40, i => (1 + (i % 5)).ToString(Inv));
        var json = Json(Cli.Run([.. Train(oneBased, "--task", "multiclass"), "--json"]).Ok());
        Assert.Equal("multiclass", json.GetProperty("task").GetString());
        Assert.StartsWith("2-4-6,", json.GetProperty("network").GetString(), StringComparison.Ordinal);
        Assert.Equal("6 outputs for the class indices 0…5, 1 of them without a sample", json.GetProperty("task_note").GetString());
        Assert.Contains("stars.csv: multiclass (6 outputs for the class indices 0…5, 1 of them without a sample), 2 features", Cli.RunWide(Train(oneBased, "--task", "multiclass")).Ok().Out, StringComparison.Ordinal);

        string codes = Table("codes.csv", "a,b,code", 40, i => (i * 1000).ToString(Inv));
        Cli.Run(Train(codes, "--task", "multiclass")).BadInput("codes.csv: the labels go up to 39,000 but only 40 different ones occur, so 38,961 of the 39,001 outputs would be classes without a sample; number the classes 0…39 (or use --task regression for a numeric target).");
    }

    [Fact]
    public void Compare_and_recommend_try_take_numeric_labels_as_classes_only_as_indices_from_0()
    {
        string ages = Table("ages.csv", "a,b,age", 73, i => (18 + i).ToString(Inv));
        Cli.Run(Compare(ages, _dir.File("out"))).BadInput("ages.csv': the labels run from 18 to 90, not from 0, so they are not class indices 0…k−1; a comparison ranks by test accuracy and needs class labels, so number the classes 0, 1, 2, … or give them names.");
        Cli.Run([.. Try(ages), "--task", "multiclass"]).BadInput("ages.csv': the labels run from 18 to 90, not from 0, so they are not class indices 0…k−1; number the classes 0, 1, 2, … or give them names (or try --task regression for a numeric target).");
        Assert.Equal("r2", Json(Cli.Run([.. Try(ages), "--task", "regression", "--json"]).Ok()).GetProperty("trial").GetProperty("metric").GetString());

        // Without --task the task follows the labels, as train infers it: ages are a numeric target.
        var inferred = Json(Cli.Run([.. Try(ages), "--json"]).Ok()).GetProperty("trial");
        Assert.Equal("r2", inferred.GetProperty("metric").GetString());
        Assert.Contains(inferred.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("No --task: the integer labels are not class indices 0…k−1 (the labels run from 18 to ", StringComparison.Ordinal) && n.GetString()!.EndsWith(", not from 0), so the trial is a regression; give --task multiclass to classify them.", StringComparison.Ordinal));

        string classes = Table("classes.csv", "a,b,y", 60, i => (i % 3).ToString(Inv));
        Assert.Contains("Trained 1 trial(s)", Cli.Run(Compare(classes, _dir.File("ok"))).Ok().Err, StringComparison.Ordinal);
        Assert.Equal("2 → 32 → 32 → 3", Json(Cli.Run([.. Try(classes), "--json"]).Ok()).GetProperty("trial").GetProperty("network").GetString());
    }

    [Fact]
    public void A_trailing_separator_is_named_not_read_as_a_class_named_nothing()
    {
        // "a,b,label," gave "the label column  has a single class ''."
        string path = _dir.File("trailing.csv");
        File.WriteAllLines(path, ["a,b,label,", .. Enumerable.Range(0, 20).Select(i => string.Create(Inv, $"{i},{i % 3},{i % 2},"))]);
        const string Expected = "trailing.csv: the last column (column 4) is empty on every line, its name too, as when every line ends with a separator; remove the trailing separators.";
        Cli.Run(Train(path)).BadInput(Expected);
        Cli.Run(Compare(path, _dir.File("out"))).BadInput(Expected);
    }

    [Fact]
    public void A_target_that_names_two_columns_or_is_both_a_name_and_another_index_is_refused()
    {
        // a,a,y with --target a silently took the first a; x,2,y with --header yes and --target 2 took y (index 2), not
        // the column named 2. A header naming two columns alike is refused whatever the target (predict could not tell
        // the two inputs apart either).
        string dup = Table("dup.csv", "a,a,y", 30, i => (i % 2).ToString(Inv));
        const string Repeated = "Error: dup.csv, line 1: the header repeats the column name 'a' (columns 1 and 2); give each column its own name, or --target and predict cannot tell them apart.";
        Cli.Run(Train(dup, "--target", "a")).BadInput(Repeated);
        Cli.Run(Train(dup, "--target", "1")).BadInput(Repeated);

        string numeric = Table("numeric.csv", "x,2,y", 30, i => (i % 2).ToString(Inv));
        Cli.Run(Train(numeric, "--header", "yes", "--target", "2")).BadInput("numeric.csv: the label column '2' is ambiguous: it is the index of column 2 ('y', 0-based) and the name of column 1; give 'y' for the column at index 2, or 1 for the column named '2'.");
        Cli.Run(Train(numeric, "--header", "yes", "--target", "y")).Ok();
        Cli.Run(Train(numeric, "--header", "yes", "--target", "1")).Ok();

        // A number that is its own column's name is no ambiguity.
        Cli.Run(Train(Table("same.csv", "x,1,y", 30, i => (i % 2).ToString(Inv)), "--header", "yes", "--target", "1")).Ok();
    }

    [Fact]
    public void Binary_on_three_text_labels_names_them()
    {
        // "the labels go up to 2" named no label of a file of dog, Dog and cat.
        string data = Table("pets.csv", "a,b,y", 30, i => (i % 3) switch { 0 => "dog", 1 => "Dog", _ => "cat" });
        Cli.Run(Train(data, "--task", "binary")).BadInput("pets.csv: --task binary needs two classes, but the labels name 3 ('Dog', 'cat', 'dog') (use --task multiclass).");
    }
}
