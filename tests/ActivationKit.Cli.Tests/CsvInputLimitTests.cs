using ActivationKit.Nn.Data;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// The CSV reader's limits, in every command that reads a CSV data file: a sparse 2.5 GB file climbed to 8 GB and ended
/// with the runtime's "minimumLength ('-2147483648') must be a non-negative value" (exit 2); a device was read without
/// end; a binary file's cells were quoted raw (found by an exploratory tester).
/// </summary>
public sealed class CsvInputLimitTests : IDisposable
{
    private readonly TempDir _dir = new();
    private string? _model;

    public void Dispose() => _dir.Dispose();

    // A small model of xor's two inputs (a, b) for predict and diagnose.
    private string Model()
    {
        if (_model is not null) return _model;
        _model = _dir.File("xor.akm");
        Cli.Run("train", "--data", _dir.XorCsv(), "--epochs", "1", "--hidden", "4", "--save", _model).Ok();
        return _model;
    }

    private string[][] Commands(string csv) =>
    [
        ["train", "--data", csv, "--epochs", "1"],
        ["predict", "--model", Model(), "--in", csv],
        ["compare", "--data", csv, "--seeds", "1", "--epochs", "1", "--out", _dir.File("results")],
        ["recommend", "--try", csv, "--seeds", "1", "--epochs", "1"],
        ["diagnose", "--model", Model(), "--data", csv],
    ];

    [Fact]
    public void AFileOverOneGibibyteIsRefusedByItsSizeInEveryCommand()
    {
        string csv = _dir.File("sparse.csv");
        using (var f = File.Create(csv)) f.SetLength(Csv.MaxFileBytes + 1); // sparse: no disk used, nothing read
        foreach (var args in Commands(csv))
        {
            Cli.Run(args).BadInput("sparse.csv is 1,073,741,825 bytes, more than the 1,073,741,824 (1 GiB) a CSV data file may hold; use a sample of its rows, or a .npy file.");
        }
    }

    [Fact]
    public void ALinkToABigFileIsJudgedByTheFileItNames()
    {
        string csv = _dir.File("sparse.csv"), link = _dir.File("link.csv");
        using (var f = File.Create(csv)) f.SetLength(Csv.MaxFileBytes + 1);
        File.CreateSymbolicLink(link, csv);
        Cli.Run("train", "--data", link).BadInput("link.csv is 1,073,741,825 bytes, more than the 1,073,741,824 (1 GiB)");
    }

    [Fact]
    public void ALineOverTheCapIsRefusedWhenItGetsThatLong()
    {
        string csv = _dir.File("long.csv");
        File.WriteAllText(csv, "a,b,y\n1,2," + new string('7', Csv.MaxLineLength) + "\n");
        Cli.Run("train", "--data", csv).BadInput("long.csv, line 2: the line is longer than 16,777,216 characters, the most a CSV line may hold");
    }

    [Fact]
    public void ANulByteIsBinaryData()
    {
        string csv = _dir.File("nul.csv");
        File.WriteAllText(csv, "a,\0,y\n1,2,3\n");
        foreach (var args in Commands(csv)) Cli.Run(args).BadInput("nul.csv, line 1: the line holds a NUL byte, so the file is binary data, not CSV text.");
    }

    [Fact]
    public void ADeviceIsRefusedBeforeItIsRead()
    {
        if (!OperatingSystem.IsLinux()) return;
        string link = _dir.File("zero.csv");
        File.CreateSymbolicLink(link, "/dev/zero");
        foreach (var args in Commands(link))
        {
            Cli.Run(args).BadInput($"The data file '{link}' is a character device, not a regular file; give a CSV file.");
        }
    }

    [Fact]
    public void QuotedCellsAreCutShortAndShowNoControlCharacters()
    {
        string csv = _dir.File("cells.csv");
        File.WriteAllText(csv, "a,b,y\n1," + new string('9', 500) + ",0\n2,3,1\n4,5,0\n");
        var r = Cli.Run("train", "--data", csv).BadInput("'999999999999999999999999999999999999999…' is not a finite float");
        Assert.DoesNotContain(new string('9', 60), r.Err, StringComparison.Ordinal);

        File.WriteAllText(csv, "a,b,y\n1,x\u0007\u001b[31m\uFFFDz,0\n2,3,1\n");
        r = Cli.Run("train", "--data", csv).BadInput("'x??[31m?z' is not a number");
        Assert.DoesNotContain('\u001b', r.Err);
    }

    [Fact]
    public void AnInvalidHeaderModeIsBadInput()
    {
        // actkit's own refusal through Csv.ParseHeader; the runtime's ArgumentExceptions are judged in UserTextErrorTests.
        Cli.Run("train", "--data", "xor", "--header", "maybe").BadInput("--header must be auto, yes or no, not 'maybe'.");
    }
}
