using System.Globalization;
using ActivationKit.IO;
using ActivationKit.Nn;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// train --save and predict --out never silently replace a file that is not an earlier output of their kind (--force
/// does), and predict's answers for models whose output layer has its own squashing function.
/// </summary>
public sealed class OverwriteTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string[] Train(string save, params string[] extra) => ["train", "--data", "moons", "--samples", "100", "--hidden", "4", "--epochs", "1", "--save", save, .. extra];

    [Fact]
    public void Train_replaces_an_earlier_model_file_but_no_other_file_without_force()
    {
        string keep = _dir.File("keep.akm");
        File.WriteAllText(keep, "my notes, not a model");
        Cli.Run(Train(keep)).BadInput($"--save '{keep}' already exists and is not an actkit model file; give another file name, or add --force to replace it.");
        Assert.Equal("my notes, not a model", File.ReadAllText(keep));

        Cli.Run(Train(keep, "--force")).Ok();
        byte[] first = File.ReadAllBytes(keep);
        Assert.True(first.AsSpan(0, 8).SequenceEqual(ModelFile.Magic));

        // An earlier model file is what --save writes: replaced as before.
        Cli.Run(Train(keep, "--seed", "2")).Ok();
        Assert.NotEqual(first, File.ReadAllBytes(keep));
        Assert.Equal(["keep.akm"], _dir.Files());
    }

    [Fact]
    public void Predict_replaces_an_existing_output_only_with_force()
    {
        string model = _dir.File("m.akm");
        Cli.Run(Train(model)).Ok();
        string input = _dir.File("in.csv");
        File.WriteAllText(input, "0.5,0.5\n-1,0.2\n");
        string important = _dir.File("important.csv");
        File.WriteAllText(important, "1,2,3\n");
        Cli.Run("predict", "--model", model, "--in", input, "--out", important).BadInput($"--out '{important}' already exists; give another file name, or add --force to replace it.");
        Assert.Equal("1,2,3\n", File.ReadAllText(important));
        Cli.Run("predict", "--model", model, "--in", input, "--out", important, "--force").Ok();
        Assert.Equal(2, File.ReadAllLines(important).Length);

        // A new file needs no --force; stdout never does.
        Cli.Run("predict", "--model", model, "--in", input, "--out", _dir.File("new.npy")).Ok();
        Assert.Equal(2, Cli.Run("predict", "--model", model, "--in", input).Ok().Lines.Length);
    }

    [Fact]
    public void Predict_says_a_model_or_input_folder_is_a_folder()
    {
        string folder = _dir.File("models");
        Directory.CreateDirectory(folder);
        string input = _dir.File("in.csv");
        File.WriteAllText(input, "0.5,0.5\n");
        Cli.Run("predict", "--model", folder, "--in", input).BadInput($"--model '{folder}' is a folder; give the model file saved by actkit train --save.");
        string model = _dir.File("m.akm");
        Cli.Run(Train(model)).Ok();
        string rows = _dir.File("rows.csv");
        Directory.CreateDirectory(rows);
        Cli.Run("predict", "--model", model, "--in", rows).BadInput($"--in '{rows}' is a folder; give a .csv or .npy file.");
    }

    [Fact]
    public void A_regression_model_with_a_sigmoid_output_layer_is_not_squashed_twice()
    {
        // Its notes say output "sigmoid" like a fused bce model's, and predict applied sigmoid to the sigmoid's
        // outputs: every answer landed in (0.5, 0.73).
        string model = _dir.File("reg.akm");
        Cli.Run("train", "--data", "sine", "--samples", "200", "--task", "regression", "--output", "sigmoid", "--epochs", "2", "--save", model).Ok();
        string input = _dir.File("x.csv");
        File.WriteAllText(input, "0.5\n-1\n2\n");
        var answers = Cli.Run("predict", "--model", model, "--in", input).Ok().Lines.Select(l => float.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var (net, meta) = ModelFile.Load(model);
        var expected = net.Predict(meta.Normalization!.Transform([0.5f, -1f, 2f]), 3);
        Assert.Equal(expected, answers);
    }

    [Fact]
    public void Eval_never_writes_over_its_input_and_replaces_another_file_only_with_force()
    {
        // F1 (exploratory tester): eval --out replaced any existing file without a word, its own --in file too (relu(x)
        // over x), and had no --force. It now follows predict --out.
        string x = _dir.File("x.npy");
        float[] values = [-2f, -1f, 0f, 1f, 2f];
        Npy.Write(x, values, [5]);
        Cli.Run("eval", "relu", "--in", x, "--out", x).BadInput($"--out '{x}' is the --in file '{x}', which writing would overwrite; give another file name.");
        Cli.Run("eval", "relu", "--in", x, "--out", x, "--force").BadInput("is the --in file");
        string link = _dir.File("link.npy");
        File.CreateSymbolicLink(link, x);
        Cli.Run("eval", "relu", "--in", link, "--out", x, "--force").BadInput($"--out '{x}' is the --in file '{link}'");
        Assert.Equal(values, Npy.Read(x).Single!);

        string notes = _dir.File("notes.txt");
        File.WriteAllText(notes, "important notes\n");
        Cli.Run("eval", "relu", "--in", x, "--out", notes).BadInput($"--out '{notes}' already exists; give another file name, or add --force to replace it.");
        Assert.Equal("important notes\n", File.ReadAllText(notes));
        Cli.Run("eval", "relu", "--in", x, "--out", notes, "--force").Ok();
        Assert.Equal(["0", "0", "0", "1", "2"], File.ReadAllLines(notes));

        // A new file needs no --force, and --force needs an --out.
        Cli.Run("eval", "relu", "--in", x, "--out", _dir.File("y.npy")).Ok();
        Cli.Run("eval", "relu", "-x", "0:1:1", "--force").BadInput("--force goes with --out: it lets the result replace an existing file.");
    }
}
