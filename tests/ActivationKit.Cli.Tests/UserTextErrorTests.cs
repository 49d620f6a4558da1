using System.Text.Json.Nodes;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// User text that the runtime refuses with an <see cref="ArgumentException"/> is bad input (exit 2, one sentence), never
/// an internal error: the rule that calls the runtime's own ArgumentExceptions internal errors
/// (<see cref="ErrorReporter.IsRuntimeArgumentError"/>) printed "Internal error" for a results folder whose key gives a
/// setting twice, and would have for a path the file system APIs refuse (a reviewer's point).
/// </summary>
public sealed class UserTextErrorTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int Report(Exception ex, out string error)
    {
        var writer = new StringWriter();
        int code = ErrorReporter.Report(CliConsoles.ForWriters(new StringWriter(), writer), ex);
        error = writer.ToString();
        return code;
    }

    [Fact]
    public void ShardsWhoseKeyGivesASettingTwiceAreRefusedAsDifferentComparisons()
    {
        string a = _dir.File("a"), b = _dir.File("b");
        Cli.Run("compare", "--data", "xor", "--samples", "60", "--activations", "relu", "--seeds", "1", "--epochs", "1", "--hidden", "4", "--out", a).Ok();
        Cli.Run("compare", "--data", "xor", "--samples", "60", "--activations", "relu", "--seeds", "1", "--epochs", "1", "--hidden", "4", "--out", b).Ok();

        // An edited manifest of b: another comparison, whose key gives seeds twice.
        string manifest = Path.Combine(b, "experiment.json");
        var json = JsonNode.Parse(File.ReadAllText(manifest))!;
        json["experiment"] = "ffffffffffffffff";
        json["experimentKey"] = json["experimentKey"]!.GetValue<string>() + ";seeds=2";
        File.WriteAllText(manifest, json.ToJsonString());

        var r = Cli.Run("report", a, b).BadInput("hold different comparisons and cannot be merged (seeds: 1 vs 1, 2).");
        Assert.DoesNotContain("Internal error", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void ARuntimeArgumentErrorAboutAComputedValueIsStillAnInternalError()
    {
        Exception index = Assert.ThrowsAny<ArgumentException>(() => new List<int>()[1]);
        Assert.True(ErrorReporter.IsRuntimeArgumentError(index));
        Assert.Equal(ExitCodes.InternalError, Report(index, out string error));
        Assert.StartsWith("Internal error (ArgumentOutOfRangeException)", error, StringComparison.Ordinal);

        // A duplicate key actkit put in a dictionary is its own mistake (the shards' key above is checked where it is read).
        Exception duplicate = Assert.ThrowsAny<ArgumentException>(() => new[] { "a", "a" }.ToDictionary(s => s));
        Assert.True(ErrorReporter.IsRuntimeArgumentError(duplicate));

        // The line reader's "minimumLength" refusal, which a CSV line of over 10⁹ characters once met (the reader now
        // stops at 16 Mi characters): a buffer size the runtime computed, never a sentence about the input.
        Exception buffer = Assert.ThrowsAny<ArgumentException>(() => System.Buffers.ArrayPool<char>.Shared.Rent(-1));
        Assert.True(ErrorReporter.IsRuntimeArgumentError(buffer));
    }

    [Fact]
    public void ARuntimeArgumentErrorAboutUserTextIsBadInput()
    {
        string nul = "a\0b.csv";
        Exception[] refusals =
        [
            Assert.ThrowsAny<ArgumentException>(() => Path.GetFullPath(nul)),
            Assert.ThrowsAny<ArgumentException>(() => File.ReadAllText(nul)),
            Assert.ThrowsAny<ArgumentException>(() => File.ReadAllText(string.Empty)),
            Assert.ThrowsAny<ArgumentException>(() => Directory.CreateDirectory(nul)),
            Assert.ThrowsAny<ArgumentException>(() => new FileInfo(nul)),
            Assert.ThrowsAny<ArgumentException>(() => new FileStream(nul, FileMode.Open)),
            Assert.ThrowsAny<ArgumentException>(() => new StreamReader(nul)),
            Assert.ThrowsAny<ArgumentException>(() => new System.Text.RegularExpressions.Regex("(")),
            Assert.ThrowsAny<ArgumentException>(() => System.Text.Encoding.GetEncoding("no-such-encoding")),
            Assert.ThrowsAny<ArgumentException>(() => Enum.Parse<DayOfWeek>("Someday")),
        ];
        foreach (var ex in refusals)
        {
            Assert.False(ErrorReporter.IsRuntimeArgumentError(ex), ex.ToString());
            Assert.Equal(ExitCodes.BadInput, Report(ex, out string error));
            Assert.StartsWith("Error: ", error, StringComparison.Ordinal);
            Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
        }

        // actkit's own refusals, thrown directly or through the exception types' guards, stay bad input.
        Assert.False(ErrorReporter.IsRuntimeArgumentError(Assert.ThrowsAny<ArgumentException>(() => ActivationKit.Nn.Data.Csv.ParseHeader("maybe"))));
        Assert.False(ErrorReporter.IsRuntimeArgumentError(Assert.ThrowsAny<ArgumentException>(() => ActivationKit.Catalog.ActivationCatalog.Create("leaky_relu(-1e999)"))));
    }

    private static string Shown(string path) => path.Replace('\0', '?');

    /// <summary>
    /// Every option that takes a file or folder name, given one with a NUL (which no command line can carry, but
    /// <see cref="CliApp.Run(string[], TextWriter, TextWriter, int)"/> can, and a name read from a file can): a sentence and
    /// exit 2, never an internal error; an output's names the option and the character (it was the runtime's "Null character
    /// in path.", which an input's check of existence never meets).
    /// </summary>
    [Fact]
    public void APathWithANulIsBadInputInEveryCommand()
    {
        string model = _dir.File("xor.akm");
        string csv = _dir.XorCsv();
        Cli.Run("train", "--data", csv, "--epochs", "1", "--hidden", "4", "--save", model).Ok();
        string results = _dir.File("results");
        Cli.Run("compare", "--data", "xor", "--samples", "60", "--activations", "relu", "--seeds", "1", "--epochs", "1", "--hidden", "4", "--out", results).Ok();
        string bad = _dir.File("a\0b");

        (string[] Args, string Option)[] cases =
        [
            (["eval", "relu", "--in", bad + ".csv"], "--in file '" + Shown(bad) + ".csv' does not exist."),
            (["eval", "relu", "-x", "0:1:1", "--out", bad + ".csv"], "--out '" + Shown(bad) + ".csv' holds a NUL character (shown as '?'), which no file name may hold; give another name."),
            (["train", "--data", bad + ".csv", "--epochs", "1"], "--data file '" + Shown(bad) + ".csv' does not exist."),
            (["train", "--data", csv, "--epochs", "1", "--save", bad + ".akm"], "--save '" + Shown(bad) + ".akm' holds a NUL character"),
            (["train", "--data", csv, "--epochs", "1", "--diagnostics-out", bad], "--diagnostics-out '" + Shown(bad) + "' holds a NUL character (shown as '?'), which no folder may hold"),
            (["predict", "--model", bad + ".akm", "--in", csv], "--model file '" + Shown(bad) + ".akm' does not exist."),
            (["predict", "--model", model, "--in", bad + ".csv"], "--in file '" + Shown(bad) + ".csv' does not exist."),
            (["predict", "--model", model, "--in", csv, "--out", bad + ".csv"], "--out '" + Shown(bad) + ".csv' holds a NUL character"),
            (["compare", "--data", "xor", "--epochs", "1", "--seeds", "1", "--activations", "relu", "--out", bad], "--out '" + Shown(bad) + "' holds a NUL character"),
            (["compare", "--data", bad + ".csv", "--epochs", "1", "--seeds", "1", "--activations", "relu", "--out", _dir.File("c")], "data file"),
            (["report", bad], "results folder"),
            (["report", results, "--html", bad + ".html"], "--html '" + Shown(bad) + ".html' holds a NUL character"),
            (["report", results, "--images", bad], "--images '" + Shown(bad) + "' holds a NUL character"),
            (["plot", "relu", "--out", bad + ".png"], "--out '" + Shown(bad) + ".png' holds a NUL character"),
            (["plot", "--histograms", bad], "results folder"),
            (["accuracy", "relu", "--samples", "100", "--write-docs", bad + ".md"], "--write-docs '" + Shown(bad) + ".md' holds a NUL character"),
            (["docs", "--out", bad, "--check"], "--out '" + Shown(bad) + "' holds a NUL character"),
            (["hashes", "--in", bad + ".csv"], "--in file '" + Shown(bad) + ".csv' does not exist."),
        ];
        var failures = new List<string>();
        foreach (var (args, option) in cases)
        {
            var r = Cli.Run(args);
            // The NUL is shown as '?' in every message: "Input file 'a<NUL>b.csv' does not exist." printed it raw.
            if (r.ExitCode != ExitCodes.BadInput || !r.Err.Contains(option, StringComparison.Ordinal) || r.Err.Contains("Internal error", StringComparison.Ordinal) || r.Err.TrimEnd('\n').Any(char.IsControl))
            {
                failures.Add($"{string.Join(' ', args).Replace('\0', '@')}: exit {r.ExitCode}, {r.Err.Replace('\0', '@')}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// An input path with a control character other than NUL (which a command line can carry: <c>$'a\x1bb.csv'</c>) is
    /// shown with it as '?', in a message that names the option: "Input file '…' does not exist." printed the escape raw
    /// and named no option. The messages escape the names themselves; the error reporter escapes whatever is left.
    /// </summary>
    [Fact]
    public void AnInputPathWithAControlCharacterIsShownAsAQuestionMarkUnderItsOption()
    {
        string bad = _dir.File("a\u001b[2Jb\u0007");
        Assert.Equal($"--in file '{_dir.File("a?[2Jb?")}.csv' does not exist.", Assert.Throws<UsageException>(() => ActivationKit.Cli.IO.DataFiles.Read(bad + ".csv")).Message);
        Assert.Equal($"--in '{_dir.File("a?[2Jb?")}.xlsx' has an unsupported extension '.xlsx'; use .npy, .csv, .txt, .f32, .f64.", Assert.Throws<UsageException>(() => ActivationKit.Cli.IO.DataFiles.Read(bad + ".xlsx")).Message);
        Cli.Run("predict", "--model", bad + ".akm", "--in", _dir.XorCsv()).BadInput($"--model file '{_dir.File("a?[2Jb?")}.akm' does not exist.");
        Cli.Run("diagnose", "--model", bad + ".akm", "--data", "xor").BadInput($"--model file '{_dir.File("a?[2Jb?")}.akm' does not exist.");
        Cli.Run("train", "--data", bad + ".csv").BadInput($"--data file '{_dir.File("a?[2Jb?")}.csv' does not exist.");
        Cli.Run("report", bad).BadInput($"The results folder '{_dir.File("a?[2Jb?")}' does not exist.");
        Cli.Run("plot", "relu", "--out", Path.Combine(bad, "x.png")).BadInput($"--out '{_dir.File("a?[2Jb?")}/x.png': the folder '{_dir.File("a?[2Jb?")}' does not exist.");

        // The last guard: a message that quotes user text raw still reaches the terminal without its control characters.
        Assert.Equal(ExitCodes.BadInput, Report(new UsageException("Unknown --thing 'x\u001b[31my\u0000'."), out string error));
        Assert.Equal("Error: Unknown --thing 'x?[31my?'.", error.TrimEnd('\n'));
    }

    [Fact]
    public void AnOutputNameTooLongForTheFileSystemIsRefusedBeforeAnyWork()
    {
        string csv = _dir.XorCsv();
        string name = new('n', 300);
        string expected = "has a name of 304 bytes, 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn…', longer than the 255 a file or folder name may have; give a shorter one.";

        // train --save trained first and then failed as a folder that "cannot be created or does not accept new files".
        var r = Cli.Run("train", "--data", csv, "--epochs", "1", "--save", _dir.File(name + ".akm")).BadInput("--save " + expected);
        Assert.DoesNotContain("epoch", r.Err, StringComparison.Ordinal);
        Cli.Run("eval", "relu", "-x", "0:1:1", "--out", _dir.File(name + ".csv")).BadInput("--out " + expected);
        Cli.Run("compare", "--data", "xor", "--epochs", "1", "--seeds", "1", "--activations", "relu", "--out", _dir.File(name)).BadInput("--out has a name of 300 bytes");
        Assert.Equal(["xor.csv"], _dir.Files());

        if (OperatingSystem.IsLinux())
        {
            string deep = Path.Combine([_dir.Path, .. Enumerable.Repeat(new string('d', 200), 21), "y.csv"]);
            Cli.Run("eval", "relu", "-x", "0:1:1", "--out", deep).BadInput($"--out is a path of {System.Text.Encoding.UTF8.GetByteCount(deep):N0} bytes in full, longer than the 4,095 a path may have; give a shorter one.");
        }
    }

    [Fact]
    public void AFileNameOfUpTo255BytesIsWrittenThroughItsTemporaryFile()
    {
        // The temporary file was named after the whole file name, 38 bytes longer: a name of 218 to 255 bytes failed.
        string name = new string('n', 251) + ".csv";
        Cli.Run("eval", "relu", "-x", "0:1:1", "--out", _dir.File(name)).Ok();
        Assert.Equal([name], _dir.Files());
    }
}
