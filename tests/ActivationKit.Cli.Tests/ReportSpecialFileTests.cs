namespace ActivationKit.Cli.Tests;

/// <summary>
/// compare and report refuse a named pipe, a device or a huge file in a results folder before reading it, in one
/// sentence naming it (a tester's findings: both hung on a named pipe, and a link to /dev/zero ran report out of memory).
/// </summary>
public sealed class ReportSpecialFileTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _results;

    public ReportSpecialFileTests()
    {
        _results = _dir.File("res");
        Cli.RunWide("compare", "--data", "xor", "--samples", "100", "--activations", "relu,tanh", "--hidden", "4", "--seeds", "2", "--epochs", "3", "--threads", "1", "--out", _results).Ok();
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_named_pipe_device_or_huge_file_is_refused_before_it_is_read()
    {
        if (!OperatingSystem.IsLinux()) return;
        string pipe = Path.Combine(_results, "trials", "0009_pipe.json");
        MakeFifo(pipe);
        Cli.Run("report", _results).BadInput($"{pipe} is a named pipe, not a regular file, so it cannot be a trial file of a results folder; move it out of the folder.");
        Cli.RunWide("compare", "--data", "xor", "--samples", "100", "--activations", "relu,tanh", "--hidden", "4", "--seeds", "2", "--epochs", "3", "--threads", "1", "--out", _results)
            .BadInput($"{pipe} is a named pipe");
        File.Delete(pipe);

        string zero = Path.Combine(_results, "trials", "0009_zero.json");
        File.CreateSymbolicLink(zero, "/dev/zero");
        Cli.Run("report", _results).BadInput($"{zero} is a character device, not a regular file");
        File.Delete(zero);

        // Sparse: 65 MB that takes no disk and is refused after the cap's worth of reading, not read whole.
        string big = Path.Combine(_results, "trials", "0009_big.json");
        using (var s = File.Create(big)) s.SetLength(65L << 20);
        Cli.Run("report", _results).BadInput($"{big} is larger than 64 MB, far more than any trial file compare writes; restore it or move it out of the results folder.");
        File.Delete(big);

        string manifest = Path.Combine(_results, "experiment.json");
        File.Delete(manifest);
        MakeFifo(manifest);
        Cli.Run("report", _results).BadInput($"{manifest} is a named pipe, not a regular file, so it cannot be a manifest of a results folder; move it out of the folder.");
    }

    private static void MakeFifo(string path)
    {
        using var p = System.Diagnostics.Process.Start("mkfifo", [path]);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void A_device_given_as_an_output_folder_is_named_for_what_it_is()
    {
        // compare --out /dev/null said "'/dev/null' is a file; give a folder".
        if (!OperatingSystem.IsLinux()) return;
        Cli.Run("compare", "--data", "xor", "--samples", "100", "--seeds", "1", "--epochs", "1", "--out", "/dev/null").BadInput("--out '/dev/null' is a character device; give a folder.");
    }
}
