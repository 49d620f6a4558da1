using System.Globalization;
using System.Text.Json;
using ActivationKit.IO;
using ActivationKit.Nn;

namespace ActivationKit.Cli.Tests;

public class PredictCommandTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static string TrainXor(TempDir dir)
    {
        string model = dir.File("xor.akm");
        Cli.Run("train", "--data", "xor", "--noise", "0", "--samples", "4000", "--hidden", "32,32", "--batch", "64", "--lr", "0.02", "--schedule", "cosine", "--epochs", "40", "--save", model).Ok();
        Assert.True(File.Exists(model));
        return model;
    }

    private static readonly float[][] Points = [[0.5f, 0.5f], [-0.5f, 0.5f], [0.5f, -0.5f], [-0.5f, -0.5f]];

    [Fact]
    public void Saved_model_predicts_probabilities_from_csv_and_npy_the_same()
    {
        using var dir = new TempDir();
        string model = TrainXor(dir);

        string csv = dir.File("x.csv");
        File.WriteAllText(csv, "a,b\n" + string.Join("\n", Points.Select(p => string.Create(Inv, $"{p[0]},{p[1]}"))) + "\n");
        var r = Cli.Run("predict", "--model", model, "--in", csv).Ok();
        var probabilities = r.Lines.Select(l => float.Parse(l, Inv)).ToArray();
        Assert.Equal(4, probabilities.Length);

        // The saved normalisation and the sigmoid output are applied: these are P(class 1), and xor is 1 off the diagonal.
        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f));
        Assert.True(probabilities[0] < 0.5f && probabilities[3] < 0.5f, r.Out);
        Assert.True(probabilities[1] > 0.5f && probabilities[2] > 0.5f, r.Out);

        // Same rows as .npy in, .npy and .csv out.
        string npy = dir.File("x.npy");
        Npy.Write(npy, Points.SelectMany(p => p).ToArray(), [4, 2]);
        Cli.Run("predict", "--model", model, "--in", npy, "--out", dir.File("y.npy")).Ok();
        var y = Npy.Read(dir.File("y.npy"));
        Assert.Equal([4, 1], y.Shape);
        Assert.Equal(probabilities, y.Single);
        Cli.Run("predict", "--model", model, "--in", npy, "--out", dir.File("y.csv")).Ok();
        Assert.Equal(probabilities, File.ReadAllLines(dir.File("y.csv")).Select(l => float.Parse(l, Inv)).ToArray());

        // And what the library computes from the model file.
        var (net, meta) = ModelFile.Load(model);
        var logits = net.Predict(meta.Normalization!.Transform(Points.SelectMany(p => p).ToArray()), 4);
        for (int i = 0; i < 4; i++) Assert.Equal(1 / (1 + Math.Exp(-logits[i])), probabilities[i], 5);
    }

    [Fact]
    public void Multiclass_model_outputs_one_softmax_column_per_class()
    {
        using var dir = new TempDir();
        string model = dir.File("s.akm");
        Cli.Run("train", "--data", "spirals", "--samples", "200", "--epochs", "2", "--loss", "ce", "--save", model).Ok();
        string csv = dir.File("x.csv");
        File.WriteAllText(csv, "0.1,0.2\n-0.3,0.4\n");
        var rows = Cli.Run("predict", "--model", model, "--in", csv).Ok().Lines.Select(l => l.Split(',').Select(v => double.Parse(v, Inv)).ToArray()).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.All(rows, row => Assert.Equal(2, row.Length));
        Assert.All(rows, row => Assert.Equal(1.0, row.Sum(), 5));
    }

    [Fact]
    public void Missing_or_infinite_inputs_are_bad_input_not_nan_predictions()
    {
        using var dir = new TempDir();
        string model = TrainXor(dir);
        string csv = dir.File("x.csv");
        File.WriteAllText(csv, "a,b\n0.5,0.5\nnan,0.5\n");
        Cli.Run("predict", "--model", model, "--in", csv, "--out", dir.File("y.csv")).BadInput("x.csv: row 2, column 1 is NaN (a missing value)");
        File.WriteAllText(csv, "0.5,0.5\n0.5,1e40\n");
        Cli.Run("predict", "--model", model, "--in", csv).BadInput("x.csv: row 2, column 2 is infinite");
        string npy = dir.File("x.npy");
        Npy.Write(npy, [0.5f, 0.5f, float.PositiveInfinity, 0f], [2, 2]);
        Cli.Run("predict", "--model", model, "--in", npy).BadInput("x.npy: row 2, column 1 is infinite");
        Assert.DoesNotContain("y.csv", dir.Files());
    }

    [Fact]
    public void Wrong_column_count_is_bad_input_and_writes_nothing()
    {
        using var dir = new TempDir();
        string model = TrainXor(dir);
        string csv = dir.File("x.csv");
        File.WriteAllText(csv, "1,2,3\n4,5,6\n");
        Cli.Run("predict", "--model", model, "--in", csv, "--out", dir.File("y.csv")).BadInput("x.csv has 3 column(s) but the model takes 2 input(s)");
        Assert.DoesNotContain("y.csv", dir.Files());
    }

    [Fact]
    public void Corrupt_or_missing_model_is_bad_input()
    {
        using var dir = new TempDir();
        string model = TrainXor(dir);
        string csv = dir.File("x.csv");
        File.WriteAllText(csv, "1,2\n");

        var bytes = File.ReadAllBytes(model);
        bytes[^3] ^= 0x55;
        string corrupt = dir.File("corrupt.akm");
        File.WriteAllBytes(corrupt, bytes);
        Cli.Run("predict", "--model", corrupt, "--in", csv).BadInput("checksum");

        string garbage = dir.File("garbage.akm");
        File.WriteAllText(garbage, "not a model");
        Cli.Run("predict", "--model", garbage, "--in", csv).BadInput("not an ActivationKit model file");

        Cli.Run("predict", "--model", dir.File("absent.akm"), "--in", csv).BadInput("does not exist");
        Cli.Run("predict", "--model", model, "--in", dir.File("x.txt")).BadInput("must be a .csv or .npy file");
        Cli.Run("predict", "--in", csv).BadInput("predict needs --model");
    }
}

public class BenchMlpCommandTests
{
    [Fact]
    public void Json_has_the_anchor_fields()
    {
        var r = Cli.Run("bench", "mlp", "--samples", "256", "--json").Ok();
        var json = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal("activationkit", json.GetProperty("impl").GetString());
        Assert.Equal("mlp-784-256-128-10-adam-b128", json.GetProperty("job").GetString());
        Assert.Equal(1, json.GetProperty("threads").GetInt32());
        Assert.True(json.GetProperty("epoch_s").GetDouble() > 0);
        Assert.True(json.GetProperty("allocated_bytes_per_epoch").GetInt64() >= 0);
        Assert.True(json.GetProperty("peak_working_set_bytes").GetInt64() > 0);
    }

    [Fact]
    public void Bad_thread_count_is_bad_input() => Cli.Run("bench", "mlp", "--threads", "0").BadInput("--threads must be at least 1");
}
