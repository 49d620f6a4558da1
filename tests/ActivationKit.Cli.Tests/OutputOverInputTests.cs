using System.Globalization;
using ActivationKit.IO;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// An output path that is one of the command's inputs is refused before anything is written, under any spelling of the
/// same file: <c>train --save</c> turned the data set into a model file and <c>predict --out</c> overwrote its model or
/// its inputs, exit 0.
/// </summary>
public sealed class OutputOverInputTests : IDisposable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Data(string name = "victim.csv")
    {
        string path = _dir.File(name);
        File.WriteAllLines(path, ["a,b,label", .. Enumerable.Range(0, 30).Select(i => string.Create(Inv, $"{i * 0.1:0.#},{i % 4},{i % 2}"))]);
        return path;
    }

    private string Model(string data)
    {
        string model = _dir.File("m.akm");
        Cli.Run("train", "--data", data, "--hidden", "4", "--epochs", "1", "--save", model).Ok();
        return model;
    }

    [Fact]
    public void Train_refuses_to_save_over_its_data_or_target_file()
    {
        string data = Data();
        byte[] before = File.ReadAllBytes(data);
        Cli.Run("train", "--data", data, "--epochs", "1", "--save", data).BadInput($"--save '{data}' is the --data file '{data}', which writing would overwrite; give another file name.");
        string relative = Path.Combine(_dir.Path, "sub", "..", ".", "victim.csv");
        Directory.CreateDirectory(_dir.File("sub"));
        Cli.Run("train", "--data", data, "--epochs", "1", "--save", relative).BadInput("is the --data file");
        if (!OperatingSystem.IsWindows())
        {
            string link = _dir.File("link.csv");
            File.CreateSymbolicLink(link, data);
            Cli.Run("train", "--data", link, "--epochs", "1", "--save", data).BadInput($"is the --data file '{link}'");
        }

        Assert.Equal(before, File.ReadAllBytes(data));

        string x = _dir.File("x.npy"), y = _dir.File("y.npy");
        Npy.Write(x, Enumerable.Range(0, 40).Select(i => i * 0.1f).ToArray(), [20, 2]);
        Npy.Write(y, Enumerable.Range(0, 20).Select(i => (float)(i % 2)).ToArray(), [20]);
        Cli.Run("train", "--data", x, "--target", y, "--epochs", "1", "--save", y).BadInput($"--save '{y}' is the --target file '{y}'");
        Assert.Equal(20, Npy.Read(y).ToSingleArray().Length);
    }

    [Theory]
    [InlineData("data.csv")]
    [InlineData("model.NPY")]
    [InlineData("notes.txt")]
    [InlineData("table.tsv")]
    [InlineData("model.json")]
    public void Train_refuses_a_data_file_extension_for_the_model(string name)
    {
        string data = Data();
        string save = _dir.File(name);
        string akm = Path.ChangeExtension(name, ".akm");
        Cli.Run("train", "--data", data, "--epochs", "1", "--save", save).BadInput($"--save '{save}' has the extension of a data file ({Path.GetExtension(name).ToLowerInvariant()}), but a model is a binary file of its own; give a model file name such as {akm}.");
        Assert.False(File.Exists(save));
    }

    [Fact]
    public void Predict_refuses_an_out_file_that_is_its_model_or_its_inputs()
    {
        string model = Model(Data());
        string csv = _dir.File("in.csv");
        File.WriteAllText(csv, "0.5,1\n1.5,2\n");
        Cli.Run("predict", "--model", model, "--in", csv, "--out", csv).BadInput($"--out '{csv}' is the --in file '{csv}', which writing would overwrite; give another file name.");
        Cli.Run("predict", "--model", model, "--in", csv, "--out", Path.Combine(_dir.Path, ".", "in.csv")).BadInput("is the --in file");
        Assert.Equal("0.5,1\n1.5,2\n", File.ReadAllText(csv));

        string npy = _dir.File("in.npy");
        Npy.Write(npy, [0.5f, 1f, 1.5f, 2f], [2, 2]);
        Cli.Run("predict", "--model", model, "--in", npy, "--out", npy).BadInput("is the --in file");
        Assert.Equal(4, Npy.Read(npy).ToSingleArray().Length);

        // A model may have any name, a data file's too: it is refused as the output all the same.
        string modelCsv = _dir.File("model.csv");
        File.Copy(model, modelCsv);
        byte[] bytes = File.ReadAllBytes(modelCsv);
        Cli.Run("predict", "--model", modelCsv, "--in", csv, "--out", modelCsv).BadInput($"--out '{modelCsv}' is the --model file '{modelCsv}'");
        Assert.Equal(bytes, File.ReadAllBytes(modelCsv));

        // Another file is written as before. eval no longer transforms a file in place (F1, exploratory tester: the
        // README promises an input is never overwritten; OverwriteTests has its cases).
        Cli.Run("predict", "--model", model, "--in", csv, "--out", _dir.File("out.csv")).Ok();
        Assert.Equal(2, File.ReadAllLines(_dir.File("out.csv")).Length);
        Cli.Run("eval", "relu", "--in", npy, "--out", npy).BadInput("is the --in file");
    }
}
