using System.Text.Json;
using ActivationKit.Nn;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// User text in normal output — class labels from data, names from a model file or a manifest, a spec's activations —
/// is shown with its control characters as '?', as error messages show it: an escape sequence in a label ("\u001b[2J"
/// clears the screen) reached the terminal, a line break split a table row, and a right-to-left override (U+202E)
/// reversed how the rest of a row or message was displayed. JSON output and files the user asked for keep the text exact.
/// </summary>
public sealed class TerminalTextTests
{
    private const string Clear = "\u001b[2J";

    // Right-to-left override: on a bidi-aware terminal everything after it on the line is shown reversed.
    private const string Rlo = "\u202E";

    // The twelve characters of Unicode's Bidi_Control property.
    private const string BidiControls = "\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069";

    // No control character but the line breaks between lines (a label's own line break is asserted as '?' where shown).
    /// <summary>A 2-input softmax classifier with these class names, saved as m.akm in <paramref name="dir"/>.</summary>
    private static string SavedClassifier(TempDir dir, string[] classes)
    {
        var net = Mlp.Build(2, [3], "tanh", classes.Length);
        net.Initialize(Initializer.Auto, 1);
        string model = dir.File("m.akm");
        ModelFile.Save(model, net, new ModelMetadata { Task = "multiclass", ClassCount = classes.Length, ClassNames = classes, Loss = "cross_entropy", Notes = new Dictionary<string, string> { ["output"] = "softmax" } });
        return model;
    }

    private static void AssertNoControl(string text) => Assert.DoesNotContain(text, c => (char.IsControl(c) && c is not ('\n' or '\r')) || BidiControls.Contains(c, StringComparison.Ordinal));

    [Fact]
    public void Train_warnings_show_a_label_with_an_escape_sequence_as_question_marks_and_json_keeps_it()
    {
        using var dir = new TempDir();
        string csv = dir.File("labels.csv");
        var lines = new List<string> { "a,b,label" };
        for (int i = 0; i < 40; i++)
        {
            double a = (i * 37 % 100) / 100.0, b = (i * 53 % 100) / 100.0;
            lines.Add(FormattableString.Invariant($"{a},{b},{(i == 5 ? "cat" : a > b ? "dog" + Clear + Rlo : "cow")}"));
        }

        File.WriteAllLines(csv, lines);
        string[] train = ["train", "--data", csv, "--epochs", "1", "--hidden", "2", "--seed", "1"];
        var text = Cli.Run(train).Ok();
        Assert.Contains("Warning: The test accuracy 0.3333 (validation 0.3333) is no better than always answering the most common class, 'dog?[2J?' (right for 0.6667", text.Err, StringComparison.Ordinal);
        AssertNoControl(text.Err);
        AssertNoControl(text.Out);

        // The JSON object keeps the label; its encoder escapes the control character.
        var json = Cli.Run([.. train, "--json"]).Ok();
        Assert.Contains("\\u001B[2J", json.Out, StringComparison.Ordinal);
        string warning = JsonDocument.Parse(json.Out).RootElement.GetProperty("warnings")[0].GetString()!;
        Assert.Contains("'dog" + Clear + Rlo + "'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_shows_the_data_s_name_and_the_output_folder_without_control_characters()
    {
        using var dir = new TempDir();
        string results = dir.File("out" + Clear);
        var r = Cli.RunWide("compare", "--data", "moons", "--samples", "100", "--activations", "relu,tanh", "--hidden", "4", "--seeds", "1", "--epochs", "1", "--out", results).Ok();
        Assert.Contains("results in " + dir.File("out?[2J"), r.Err, StringComparison.Ordinal);
        AssertNoControl(r.Err);
        // The folder itself keeps its exact name.
        Assert.True(Directory.Exists(results));
    }

    [Fact]
    public void Predict_says_class_names_safely_on_the_terminal_and_keeps_them_exact_in_the_csv()
    {
        using var dir = new TempDir();
        string[] classes = ["cat" + Clear, "two\nlines"];
        string model = SavedClassifier(dir, classes);
        File.WriteAllLines(dir.File("in.csv"), ["0.5,1", "-1,2"]);

        var written = Cli.Run("predict", "--model", model, "--in", dir.File("in.csv"), "--out", dir.File("p.csv")).Ok();
        Assert.Equal($"Wrote 2 row(s) × 2 output(s) (softmax; columns 'cat?[2J', 'two?lines') to {dir.File("p.csv")}.", written.Err.Trim());
        Assert.StartsWith("cat" + Clear + ",\"two\nlines\"\n", File.ReadAllText(dir.File("p.csv")), StringComparison.Ordinal);

        // On stdout the CSV is data (most often redirected): exact too.
        Assert.StartsWith("cat" + Clear + ",\"two\nlines\"\n", Cli.Run("predict", "--model", model, "--in", dir.File("in.csv")).Ok().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_shows_every_bidirectional_control_in_class_names_as_a_question_mark_and_keeps_right_to_left_letters()
    {
        using var dir = new TempDir();
        // A label that opens an override, one holding each other control (isolates, embeddings, marks), and a Hebrew one:
        // right-to-left letters are text, not controls, and are shown as they are.
        string[] classes = ["cat" + Rlo + "god", "x" + BidiControls + "y", "חתול"];
        string model = SavedClassifier(dir, classes);
        File.WriteAllLines(dir.File("in.csv"), ["0.5,1"]);

        var written = Cli.Run("predict", "--model", model, "--in", dir.File("in.csv"), "--out", dir.File("p.csv")).Ok();
        Assert.Equal($"Wrote 1 row(s) × 3 output(s) (softmax; columns 'cat?god', 'x????????????y', 'חתול') to {dir.File("p.csv")}.", written.Err.Trim());
        AssertNoControl(written.Err);
        // The file is data: exact.
        Assert.StartsWith(string.Join(',', classes) + "\n", File.ReadAllText(dir.File("p.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_shows_a_spec_s_text_without_its_control_characters()
    {
        using var dir = new TempDir();
        string spec = dir.File("spec.json");
        File.WriteAllText(spec, "{\"inputs\": 4, \"task\": \"binary\", \"layers\": [{\"units\": 3, \"activation\": \"tanh\"}, {\"units\": 1, \"activation\": \" sigmoid\\n\"}]}");
        var r = Cli.Run("check", spec).Ok();
        Assert.StartsWith("spec.json (network spec): 4 → 3 tanh → 1  sigmoid?, task binary\n", r.Out, StringComparison.Ordinal);

        // --json keeps it, escaped.
        Assert.Equal("4 → 3 tanh → 1  sigmoid\n", JsonDocument.Parse(Cli.Run("check", spec, "--json").Ok().Out).RootElement.GetProperty("network").GetString());
    }

    [Theory]
    [InlineData("hid" + Clear + "den\nx", "\n  hid?[2Jden?x  relu ")]
    // A right-to-left override shown raw reversed the rest of the row.
    [InlineData("hid" + Rlo + "den", "\n  hid?den  relu ")]
    public void Diagnose_shows_a_manifest_s_layer_name_without_its_control_characters(string name, string row)
    {
        using var dir = new TempDir();
        var rng = new Random(2);
        ActivationKit.IO.Npy.Write(dir.File("pre.npy"), Enumerable.Range(0, 64 * 8).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray(), [64, 8]);
        File.WriteAllText(dir.File("manifest.json"), JsonSerializer.Serialize(new { layers = new[] { new { name, activation = "relu", pre = "pre.npy" } } }));
        var r = Cli.Run("diagnose", dir.Path).Ok();
        AssertNoControl(r.Out);
        Assert.Contains(row, r.Out, StringComparison.Ordinal);

        // --json keeps the name exactly.
        string layer = JsonDocument.Parse(Cli.Run("diagnose", dir.Path, "--json").Ok().Out).RootElement.GetProperty("layers")[0].GetProperty("name").GetString()!;
        Assert.Equal(name, layer);
    }
}
