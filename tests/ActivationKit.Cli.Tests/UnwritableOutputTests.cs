using ActivationKit.Cli.IO;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// Outputs into a folder that takes no files are one sentence naming the path the user gave (not a temporary file's
/// name) and exit 2, and the runs that take long fail before their work. /proc refuses new files even to root, which
/// CI runs as, so these tests use it (Linux only).
/// </summary>
public class UnwritableOutputTests
{
    public static TheoryData<string[], string> Cases => new()
    {
        { ["plot", "sigmoid", "--out", "/proc/actkit-plot.png"], "--out '/proc/actkit-plot.png' cannot be written: its folder '/proc' does not accept new files." },
        { ["plot", "--all", "--out", "/proc/actkit-gallery.png"], "--out '/proc/actkit-gallery.png' cannot be written" },
        { ["eval", "sigmoid", "-x", "-1:1:0.5", "--out", "/proc/actkit-eval.csv"], "--out '/proc/actkit-eval.csv' cannot be written: its folder '/proc' does not accept new files." },
        { ["compare", "--activations", "relu,tanh", "--epochs", "1", "--out", "/proc/actkit-compare"], "--out '/proc/actkit-compare' cannot be created" },
        { ["train", "--data", "spirals", "--epochs", "1", "--save", "/proc/actkit-model.akm"], "--save '/proc/actkit-model.akm' cannot be written" },
        { ["train", "--data", "spirals", "--epochs", "1", "--save", "/tmp"], "--save '/tmp' is a folder" },
        { ["train", "--data", "spirals", "--epochs", "1", "--diagnostics-out", "/proc/actkit-diagnostics"], "--diagnostics-out '/proc/actkit-diagnostics' cannot be created" },
        { ["accuracy", "relu", "--samples", "100", "--write-docs", "/nonexistent-folder/accuracy.md"], "the folder '/nonexistent-folder' does not exist" },
        // plot checks its --out as eval does, before drawing (it used to create missing folders).
        { ["plot", "sigmoid", "--out", "/proc/version/x.png"], "--out '/proc/version/x.png': the folder '/proc/version' does not exist." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_into_a_folder_that_takes_no_files_is_one_sentence(string[] args, string message)
    {
        if (!OperatingSystem.IsLinux()) return;
        var run = Cli.Run(args).BadInput(message);
        Assert.DoesNotContain(".tmp", run.Err, StringComparison.Ordinal);
        // compare and train check their outputs before training: nothing but the one error line.
        Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("train", "--data", "xor", "--epochs", "1", "--save", "", "--save needs a file name, not an empty string.")]
    [InlineData("train", "--data", "xor", "--epochs", "1", "--save", " ", "--save needs a file name, not an empty string.")]
    [InlineData("train", "--data", "xor", "--epochs", "1", "--diagnostics-out", "", "--diagnostics-out needs a folder, not an empty string.")]
    public void An_empty_output_path_names_the_option(string c, string a1, string a2, string a3, string a4, string option, string value, string message)
    {
        // "The value cannot be an empty string." named neither the option nor what it wants.
        Cli.Run(c, a1, a2, a3, a4, option, value).BadInput(message);
    }

    [Fact]
    public void An_output_path_that_is_a_folder_is_one_sentence()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("y.csv"));
        Cli.Run("eval", "relu", "-x", "0:1:1", "--out", dir.File("y.csv")).BadInput($"--out '{dir.File("y.csv")}' is a folder; give a file name.");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.File("y.csv")));

        // Said before the extension is judged: a folder named o had "an unsupported extension ''".
        Directory.CreateDirectory(dir.File("o"));
        Cli.Run("eval", "gelu", "-x=-2:2:1", "--out", dir.File("o")).BadInput($"--out '{dir.File("o")}' is a folder; give a file name.");
    }

    [Fact]
    public void A_pipe_or_device_is_never_replaced_by_an_output_even_with_force()
    {
        // The temporary file renamed into place replaced a named pipe (eval --out pipe.csv --force: "Wrote 2 value(s)",
        // and the reader got nothing) and a device node (plot --out dev.png --force) by a regular file.
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        string Fifo(string name)
        {
            string path = dir.File(name);
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", path)) mkfifo.WaitForExit();
            return path;
        }

        static string Refusal(string what, string kind) => $"{what} is {kind}, not a regular file: writing would replace it with one (outputs are written to a temporary file renamed into place); give a file name.";

        string pipe = Fifo("pipe.csv");
        Cli.Run("eval", "relu", "-x", "1:2:1", "--out", pipe, "--force").BadInput(Refusal($"--out '{pipe}'", "a named pipe"));
        Cli.Run("eval", "relu", "-x", "1:2:1", "--out", pipe).BadInput(Refusal($"--out '{pipe}'", "a named pipe"));

        // A link to a device is the device.
        string device = dir.File("dev.png");
        File.CreateSymbolicLink(device, "/dev/null");
        Cli.Run("plot", "relu", "--out", device, "--force").BadInput(Refusal($"--out '{device}'", "a character device"));

        string model = dir.File("m.akm");
        Cli.Run("train", "--data", "xor", "--samples", "100", "--hidden", "4", "--epochs", "1", "--save", model).Ok();
        string input = dir.File("in.csv");
        File.WriteAllText(input, "0.5,0.5\n");
        string fifoModel = Fifo("fifo.akm");
        Cli.Run("train", "--data", "xor", "--samples", "100", "--hidden", "4", "--epochs", "1", "--save", fifoModel, "--force").BadInput(Refusal($"--save '{fifoModel}'", "a named pipe"));
        Cli.Run("predict", "--model", model, "--in", input, "--out", pipe, "--force").BadInput(Refusal($"--out '{pipe}'", "a named pipe"));
        string docs = Fifo("accuracy.md");
        Cli.Run("accuracy", "relu", "--samples", "20", "--write-docs", docs, "--force").BadInput(Refusal($"--write-docs '{docs}'", "a named pipe"));

        // A folder an option names, where the command chooses the file names.
        string diagnostics = dir.File("diag");
        Directory.CreateDirectory(diagnostics);
        Fifo(Path.Combine("diag", "diagnostics.txt"));
        Cli.Run("train", "--data", "xor", "--samples", "100", "--hidden", "4", "--epochs", "1", "--diagnostics-out", diagnostics)
            .BadInput($"--diagnostics-out '{diagnostics}' holds diagnostics.txt, which is a named pipe, not a regular file that writing could replace; remove it or give another folder.");
        string root = dir.File("repo");
        Directory.CreateDirectory(Path.Combine(root, "docs"));
        string advisor = Fifo(Path.Combine("repo", "docs", "advisor.md"));
        Cli.Run("docs", "--out", root).BadInput(Refusal($"'{advisor}'", "a named pipe"));

        Assert.All(new[] { pipe, fifoModel, docs, Path.Combine(diagnostics, "diagnostics.txt"), advisor }, p => Assert.Equal(ActivationKit.IO.FileKind.NamedPipe, ActivationKit.IO.FileKind.SpecialKindOf(p)));
        Assert.Equal("a character device", ActivationKit.IO.FileKind.SpecialKindOf(device));
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(root, "docs"), "*.md"), p => ActivationKit.IO.FileKind.SpecialKindOf(p) is null);
        Assert.Equal(["accuracy.md", "dev.png", "fifo.akm", "in.csv", "m.akm", "pipe.csv"], dir.Files());
    }
}
