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

    // --out was checked for a folder and for --force only: a write-protected file (with --force), a missing folder or a
    // name too long were refused by the write, after the model had read and run every row. The input below has a NaN
    // row, refused only once the rows are read: the --out problem must be the one reported.
    [Theory]
    [InlineData("protected")]
    [InlineData("missing-folder")]
    [InlineData("long-name")]
    public void Out_is_checked_before_the_model_runs(string problem)
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        string model = dir.File("m.akm");
        Cli.Run("train", "--data", "xor", "--samples", "200", "--hidden", "4", "--epochs", "1", "--save", model).Ok();
        string csv = dir.File("x.csv");
        File.WriteAllText(csv, "a,b\n0.5,0.5\nnan,0.5\n");
        string outPath = dir.File("y.csv");
        string message = $"--out '{outPath}' is write-protected (read-only); make it writable (chmod u+w) or give another file name.";
        switch (problem)
        {
            case "protected":
                File.WriteAllText(outPath, "kept\n");
                File.SetUnixFileMode(outPath, UnixFileMode.UserRead);
                break;
            case "missing-folder":
                outPath = dir.File(Path.Combine("no-such-folder", "y.csv"));
                message = $"--out '{outPath}': the folder '{dir.File("no-such-folder")}' does not exist.";
                break;
            default:
                outPath = dir.File(new string('y', 300) + ".csv");
                message = "--out has a name of 304 bytes";
                break;
        }

        Cli.Run("predict", "--model", model, "--in", csv, "--out", outPath, "--force").BadInput(message);
        if (problem == "protected") Assert.Equal("kept\n", File.ReadAllText(outPath));
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
    public void A_first_row_with_a_bad_cell_is_refused_not_skipped_as_a_header_and_quoted_numbers_are_read()
    {
        using var dir = new TempDir();
        string model = TrainXor(dir);
        string csv = dir.File("x.csv");
        // Taken as a header and dropped: two rows in, one out, exit 0.
        File.WriteAllText(csv, "0.5,inf\n0.5,0.5\n");
        Cli.Run("predict", "--model", model, "--in", csv, "--out", dir.File("y.csv")).BadInput("x.csv, line 1, column 2: 'inf' is not a number.");
        File.WriteAllText(csv, "0.5,4.5.1\n0.5,0.5\n");
        Cli.Run("predict", "--model", model, "--in", csv).BadInput("x.csv, line 1, column 2: '4.5.1' is not a number.");
        File.WriteAllText(csv, "a,b\n0.5,0.5\n0.5,x\n");
        Cli.Run("predict", "--model", model, "--in", csv).BadInput("x.csv, line 3, column 2: 'x' is not a number.");
        Assert.DoesNotContain("y.csv", dir.Files());

        // Quoted cells, as train reads them, give the same answers as plain ones (they were refused).
        File.WriteAllText(csv, "\"a\",\"b\"\n\"0.5\",\"-0.5\"\n-0.5,\"0.5\"\n");
        var quoted = Cli.Run("predict", "--model", model, "--in", csv).Ok().Lines;
        File.WriteAllText(csv, "0.5,-0.5\n-0.5,0.5\n");
        Assert.Equal(Cli.Run("predict", "--model", model, "--in", csv).Ok().Lines, quoted);
        Assert.Equal(2, quoted.Length);
    }

    [Fact]
    public void Wrong_column_count_is_bad_input_and_writes_nothing()
    {
        using var dir = new TempDir();
        string model = TrainXor(dir);
        string csv = dir.File("x.csv");
        File.WriteAllText(csv, "1,2,3\n4,5,6\n");
        Cli.Run("predict", "--model", model, "--in", csv, "--out", dir.File("y.csv")).BadInput("x.csv has 3 columns but the model takes 2 inputs.");
        Assert.DoesNotContain("y.csv", dir.Files());
        File.WriteAllText(csv, "1\n4\n");
        Cli.Run("predict", "--model", model, "--in", csv).BadInput("x.csv has 1 column but the model takes 2 inputs.");
    }

    [Fact]
    public void A_one_dimensional_npy_is_one_sample_of_a_wider_model_and_other_lengths_are_refused_as_the_help_says()
    {
        // A 1-D array of 5 values for a 2-input model said "x.npy has 5 column(s)", and the help spoke of 1-D arrays
        // for one-feature models only (exploratory CLI tester's F15).
        using var dir = new TempDir();
        string model = TrainXor(dir);
        string npy = dir.File("x.npy");
        Npy.Write(npy, [0.5f, -0.5f, 0.5f, 1f, 2f], [5]);
        Cli.Run("predict", "--model", model, "--in", npy).BadInput("x.npy is a 1-D array of 5 values, which predict reads as one sample, but the model takes 2 inputs: give a 2-D array of rows × 2 inputs.");
        Npy.Write(npy, [0.5f], [1]);
        Cli.Run("predict", "--model", model, "--in", npy).BadInput("x.npy is a 1-D array of 1 value, which predict reads as one sample, but the model takes 2 inputs");

        // Two values are one sample: the same answer as the 1 × 2 array.
        Npy.Write(npy, [0.5f, -0.5f], [2]);
        var one = Cli.Run("predict", "--model", model, "--in", npy).Ok().Lines;
        Npy.Write(npy, [0.5f, -0.5f], [1, 2]);
        Assert.Equal(Cli.Run("predict", "--model", model, "--in", npy).Ok().Lines, one);
        Assert.Single(one);
        Assert.Contains("a 1-D .npy holds one sample per value for a one-input model, and a single sample of all the inputs otherwise", Cli.RunWide("predict", "--help").Out, StringComparison.Ordinal);
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

    [Fact]
    public void Text_labels_name_the_prediction_columns()
    {
        // The class names were dropped between the CSV and the saved model, so predict printed unlabelled columns.
        using var dir = new TempDir();
        string csv = dir.File("flowers.csv");
        var rng = new Rng(5);
        var lines = new List<string> { "length,width,species" };
        string[] species = ["setosa", "versicolor", "virginica"];
        for (int i = 0; i < 150; i++) lines.Add(string.Create(Inv, $"{(i % 3) + (0.2 * rng.NextGaussian())},{(2 - (i % 3)) + (0.2 * rng.NextGaussian())},{species[i % 3]}"));
        File.WriteAllLines(csv, lines);
        string model = dir.File("iris.akm");
        Cli.Run("train", "--data", csv, "--target", "species", "--hidden", "8", "--epochs", "30", "--lr", "0.01", "--save", model).Ok();
        Assert.Equal(species, ModelFile.Load(model).Metadata.ClassNames);

        string x = dir.File("x.csv");
        File.WriteAllText(x, "0,2\n2,0\n");
        var r = Cli.Run("predict", "--model", model, "--in", x).Ok();
        Assert.Equal("setosa,versicolor,virginica", r.Lines[0]);
        Assert.Equal(3, r.Lines.Length);
        var first = r.Lines[1].Split(',').Select(v => double.Parse(v, Inv)).ToArray();
        Assert.Equal(0, Array.IndexOf(first, first.Max()));
        var last = r.Lines[2].Split(',').Select(v => double.Parse(v, Inv)).ToArray();
        Assert.Equal(2, Array.IndexOf(last, last.Max()));

        Cli.Run("predict", "--model", model, "--in", x, "--out", dir.File("y.csv")).Ok();
        Assert.Equal(r.Out.Replace("\r", string.Empty, StringComparison.Ordinal), File.ReadAllText(dir.File("y.csv")));
        var npy = Cli.Run("predict", "--model", model, "--in", x, "--out", dir.File("y.npy")).Ok();
        Assert.Contains("(softmax; columns 'setosa', 'versicolor', 'virginica')", npy.Err, StringComparison.Ordinal);

        // Two text labels and one output: the column is the probability of the second class.
        File.WriteAllLines(csv, lines.Select(l => l.Replace("virginica", "versicolor", StringComparison.Ordinal)));
        Cli.Run("train", "--data", csv, "--target", "species", "--hidden", "8", "--epochs", "2", "--save", model).Ok();
        Assert.Equal("versicolor", Cli.Run("predict", "--model", model, "--in", x).Ok().Lines[0]);
    }

    [Fact]
    public void Inputs_that_overflow_in_the_normalisation_or_the_network_are_refused_with_row_and_column()
    {
        using var dir = new TempDir();
        string model = TrainXor(dir);
        string npy = dir.File("big.npy");
        Npy.Write(npy, [1e30f, -1e30f, 3e38f, 3e38f], [2, 2]);
        Cli.Run("predict", "--model", model, "--in", npy, "--out", dir.File("y.csv")).BadInput("big.npy: row 2, column 1 is 3E+38, which overflows float when standardised with the model's training mean and std");
        Assert.DoesNotContain("y.csv", dir.Files());

        // Finite after normalisation but too large for the weights: 1e30 × 1e10 is +∞ in float.
        var net = Mlp.Build(2, [2], "relu", 1);
        net.Layers[0].Weights.AsSpan().Fill(1e10f);
        net.Layers[1].Weights.AsSpan().Fill(1f);
        string big = dir.File("bigweights.akm");
        ModelFile.Save(big, net);
        Npy.Write(npy, [0.5f, 0.5f, 1e30f, -3f], [2, 2]);
        Cli.Run("predict", "--model", big, "--in", npy).BadInput("big.npy: row 2 makes the model's output +∞: its values are too large for the network in float (the largest, column 1, 1E+30).");
        Npy.Write(npy, [0.5f, 0.5f, 1e20f, -3f], [2, 2]);
        Assert.Equal(2, Cli.Run("predict", "--model", big, "--in", npy).Ok().Lines.Length);

        // Behind a fused sigmoid a logit of −∞ is a probability of 0, not an overflow (it was refused).
        net.Layers[1].Weights.AsSpan().Fill(-1f);
        string squashed = dir.File("sigmoid.akm");
        ModelFile.Save(squashed, net, new ModelMetadata { Task = "binary", ClassCount = 2, Notes = new Dictionary<string, string> { ["output"] = "sigmoid" } });
        Npy.Write(npy, [0.5f, 0.5f, 1e30f, -3f], [2, 2]);
        Assert.Equal("0", Cli.Run("predict", "--model", squashed, "--in", npy).Ok().Lines[1]);
    }

    [Fact]
    public void Empty_inputs_are_bad_input_whatever_the_format()
    {
        using var dir = new TempDir();
        string model = TrainXor(dir);
        string npy = dir.File("empty.npy");
        Npy.Write(npy, ReadOnlySpan<float>.Empty, [0, 2]);
        Cli.Run("predict", "--model", model, "--in", npy, "--out", dir.File("y.csv")).BadInput("empty.npy has shape (0, 2) and holds no rows of numbers.");
        Npy.Write(npy, ReadOnlySpan<float>.Empty, [0]);
        Cli.Run("predict", "--model", model, "--in", npy).BadInput("empty.npy has shape (0) and holds no rows of numbers.");
        string csv = dir.File("empty.csv");
        File.WriteAllText(csv, "a,b\n");
        Cli.Run("predict", "--model", model, "--in", csv, "--out", dir.File("y.npy")).BadInput("empty.csv holds no rows of numbers.");
        Assert.DoesNotContain("y.csv", dir.Files());
        Assert.DoesNotContain("y.npy", dir.Files());
    }
    [Fact]
    public void A_header_that_names_other_columns_than_the_training_data_is_refused()
    {
        // The model was trained on a,b: a file headed b,a (swapped) or foo,bar was predicted from by position, silently.
        using var dir = new TempDir();
        string model = dir.File("xor.akm");
        Cli.Run("train", "--data", dir.XorCsv(), "--hidden", "4", "--epochs", "1", "--save", model).Ok();
        void Write(string name, string text) => File.WriteAllText(dir.File(name), text);
        Write("swap.csv", "b,a\n0.5,-1\n");
        Write("other.csv", "foo,bar\n-1,0.5\n");
        Write("extra.csv", "a,b,label\n-1,0.5,1\n");
        Write("same.csv", "A,b\n-1,0.5\n");
        Write("bare.csv", "-1,0.5\n");
        Cli.Run("predict", "--model", model, "--in", dir.File("swap.csv")).BadInput(
            "swap.csv has the model's input columns in another order ('b', 'a'), but the model was trained on the columns 'a', 'b', in that order; reorder them.");
        Cli.Run("predict", "--model", model, "--in", dir.File("other.csv")).BadInput(
            "other.csv lacks 'a', 'b' and has 'foo', 'bar' instead, but the model was trained on the columns 'a', 'b', in that order; give it those columns, named as in the training data's header.");
        Cli.Run("predict", "--model", model, "--in", dir.File("extra.csv")).BadInput(
            "extra.csv has the model's input columns and also 'label', which the model does not take (it was trained on the columns 'a', 'b', in that order); remove that column.");

        // The same names (any letter case), and a file without a header, are predicted from as before.
        string same = Cli.Run("predict", "--model", model, "--in", dir.File("same.csv")).Ok().Out;
        Assert.Equal(same, Cli.Run("predict", "--model", model, "--in", dir.File("bare.csv")).Ok().Out);
    }

    [Fact]
    public void A_label_column_of_class_names_left_in_is_named_before_its_cells_are_read()
    {
        // The header was checked only after every cell had been parsed: "p4.csv, line 2, column 4: 'cat' is not a number."
        using var dir = new TempDir();
        string data = dir.File("pets.csv");
        var rng = new Random(4);
        File.WriteAllLines(data, ["a,b,c,label", .. Enumerable.Range(0, 60).Select(i => string.Create(Inv, $"{rng.NextDouble()},{rng.NextDouble()},{rng.NextDouble()},{(i % 2 == 0 ? "cat" : "dog")}"))]);
        string model = dir.File("m.akm");
        Cli.Run("train", "--data", data, "--hidden", "4", "--epochs", "1", "--save", model).Ok();
        string input = dir.File("p4.csv");
        File.WriteAllText(input, "a,b,c,label\n0.1,0.2,0.3,cat\n");
        Cli.Run("predict", "--model", model, "--in", input).BadInput(
            "p4.csv has the model's input columns and also 'label', which the model does not take (it was trained on the columns 'a', 'b', 'c', in that order); remove that column.");
    }

    [Fact]
    public void A_model_trained_with_a_target_among_other_label_columns_names_the_column_it_took_as_an_input()
    {
        // --target l0 on a,b,c,l0,l1 trains on a,b,c,l1: a file of a,b,c was "3 columns but the model takes 4 inputs".
        using var dir = new TempDir();
        string data = dir.File("ml.csv");
        var rng = new Random(5);
        File.WriteAllLines(data, ["a,b,c,l0,l1", .. Enumerable.Range(0, 40).Select(_ => string.Create(Inv, $"{rng.NextDouble()},{rng.NextDouble()},{rng.NextDouble()},{rng.Next(2)},{rng.Next(2)}"))]);
        string model = dir.File("l0.akm");
        Cli.Run("train", "--data", data, "--target", "l0", "--hidden", "4", "--epochs", "1", "--save", model).Ok();
        File.WriteAllText(dir.File("abc.csv"), "a,b,c\n1,2,3\n");
        Cli.Run("predict", "--model", model, "--in", dir.File("abc.csv")).BadInput(
            "abc.csv lacks 'l1', but the model was trained on the columns 'a', 'b', 'c', 'l1', in that order; give it those columns, named as in the training data's header.");
    }

    [Fact]
    public void Multilabel_and_multi_output_regression_predictions_are_headed_by_the_target_columns()
    {
        // The names were known at training time (--target l0,l1), yet the columns came out unnamed.
        using var dir = new TempDir();
        string data = dir.File("ml.csv");
        var rng = new Random(7);
        File.WriteAllLines(data, ["a,b,l0,l1,r", .. Enumerable.Range(0, 40).Select(_ => string.Create(Inv, $"{rng.NextDouble()},{rng.NextDouble()},{rng.Next(2)},{rng.Next(2)},{rng.NextDouble()}"))]);
        File.WriteAllText(dir.File("x.csv"), "a,b,r\n0.5,0.5,0.1\n");
        File.WriteAllText(dir.File("xy.csv"), "a,b,l1\n0.5,0.5,1\n");
        string multilabel = dir.File("ml.akm"), regression = dir.File("mr.akm");
        Cli.Run("train", "--data", data, "--target", "l0,l1", "--hidden", "4", "--epochs", "1", "--save", multilabel).Ok();
        Cli.Run("train", "--data", data, "--target", "r,l0", "--task", "regression", "--hidden", "4", "--epochs", "1", "--save", regression).Ok();
        var ml = Cli.Run("predict", "--model", multilabel, "--in", dir.File("x.csv")).Ok().Lines;
        Assert.Equal("l0,l1", ml[0]);
        Assert.Equal(2, ml.Length);
        var mr = Cli.Run("predict", "--model", regression, "--in", dir.File("xy.csv")).Ok();
        Assert.Equal("r,l0", mr.Lines[0]);
        var npy = Cli.Run("predict", "--model", multilabel, "--in", dir.File("x.csv"), "--out", dir.File("p.npy")).Ok();
        Assert.Contains("columns 'l0', 'l1'", npy.Err, StringComparison.Ordinal);
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
        Assert.Equal("relu", json.GetProperty("activation").GetString());
    }

    /// <summary>bench mlp --activation times the same job with another hidden activation (measuring the engine's f′ path took a scratch harness).</summary>
    [Fact]
    public void Bench_mlp_takes_the_hidden_activation()
    {
        var json = JsonDocument.Parse(Cli.Run("bench", "mlp", "--samples", "256", "--activation", "elu(0.5)", "--json").Ok().Out).RootElement;
        Assert.Equal("elu(alpha=0.5)", json.GetProperty("activation").GetString());
        Cli.Run("bench", "mlp", "--samples", "256", "--activation", "eluu").BadInput("Unknown activation 'eluu'");
    }

    [Fact]
    public void Bad_thread_count_is_bad_input() => Cli.Run("bench", "mlp", "--threads", "0").BadInput("--threads must be between 1 and 256, got 0.");
}
