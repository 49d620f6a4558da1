using System.Diagnostics;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// A command whose standard output is closed (`actkit list >&-`) says so in one sentence and exits 1, instead of the
/// runtime's "Access to the path is denied." as bad input (2), and one whose writes fail (a full disk) says why; a pipe whose reader has gone (`actkit eval … | head`) is
/// no error (the runtime drops the writes), as with other tools.
/// </summary>
public class ClosedOutputTests
{
    [Fact]
    public async Task A_closed_standard_output_is_reported_as_such()
    {
        if (!File.Exists("/bin/sh")) return;
        var (exitCode, stderr) = await RunInShell("\"$0\" \"$1\" list >&-");
        Assert.Equal("Error: could not write the output: standard output is closed.", stderr.Trim());
        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task A_standard_output_that_fails_to_write_says_why_not_that_it_is_closed()
    {
        // /dev/full fails every write with ENOSPC: that was "standard output is closed" too.
        if (!File.Exists("/bin/sh") || !File.Exists("/dev/full")) return;
        var (exitCode, stderr) = await RunInShell("\"$0\" \"$1\" list > /dev/full");
        Assert.Equal("Error: could not write the output: no space left on device.", stderr.Trim());
        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task A_reader_that_stops_early_is_not_an_error()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "actkit.dll");
        var psi = new ProcessStartInfo(Host()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        // 2,000,001 lines: far more than a pipe holds, so the writes go on after the reader has gone.
        foreach (string a in new[] { "eval", "sigmoid", "--range", "-10:10:0.00001" }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.Equal("x,f(x)", await process.StandardOutput.ReadLineAsync());
        process.StandardOutput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "actkit eval did not finish after its reader had gone.");
        Assert.Equal("", (await stderr).Trim());
        Assert.Equal(0, process.ExitCode);
    }

    private static string Host() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";

    /// <summary>Runs <paramref name="script"/> in /bin/sh with $0 the dotnet host and $1 the actkit next to the tests.</summary>
    private static async Task<(int ExitCode, string Err)> RunInShell(string script)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "actkit.dll");
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(Host());
        psi.ArgumentList.Add(dll);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"{script} did not finish.");
        await stdout;
        return (process.ExitCode, await stderr);
    }
}
