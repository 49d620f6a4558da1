using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// Ctrl-C (SIGINT) or <c>kill</c> (SIGTERM) during <c>actkit compare</c>, sent for real to an actkit process: it stops
/// cleanly with the finished trials saved, no temporary file left, one line saying what was kept, exit 128 + the
/// signal's number; and the same command resumes. The process used to die on the spot with no word, leaving the
/// temporary files of trials being written until a later run found them over a minute old.
/// </summary>
public sealed partial class CompareInterruptTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // 16 trials of about half a second each, one at a time: the signal, sent as the first trial file appears, finds the
    // run under way even when the machine is busy (with 60 epochs, 0.1 s a trial, a loaded CI host once finished all
    // 16 between seeing the file and the kill, and the run exited 0), and the run is short enough to finish when resumed.
    private static string[] Compare(string outDir) =>
    [
        "compare", "--data", "spirals", "--samples", "1000", "--hidden", "32,32", "--epochs", "300", "--seeds", "8",
        "--activations", "relu,tanh", "--threads", "1", "--out", outDir,
    ];

    [Fact]
    public async Task Ctrl_C_keeps_the_finished_trials_says_so_exits_130_and_the_same_command_resumes()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        // A job started in the background by a non-interactive shell (as `cmd &` in a CI script) has SIGINT ignored, and
        // so does every process it starts: actkit then never sees the signal and rightly runs to the end, as any
        // program would. There is no Ctrl-C to test in such an environment.
        if (SigIntIgnored()) return;
        string outDir = _dir.File("results");
        var (exitCode, err, saved) = await Interrupt(Compare(outDir), "INT", alreadySaved: 0);

        Assert.Equal(130, exitCode);
        string last = err.TrimEnd().Split('\n')[^1];
        Assert.Matches(@"^Interrupted by SIGINT: \d+ of 16 trials (is|are) saved in .*results; run the same command again to resume \(it skips them\)\.$", last);
        Assert.Equal(saved.Length, SavedCount(last));
        Assert.InRange(saved.Length, 1, 15);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));
        Assert.DoesNotContain("Exception", err, StringComparison.Ordinal);

        var before = saved.ToDictionary(f => f, File.ReadAllBytes);
        var rerun = Cli.RunWide(Compare(outDir)).Ok();
        Assert.Contains($"Trained {16 - saved.Length} trial(s), skipped {saved.Length} already finished.", rerun.Err, StringComparison.Ordinal);
        Assert.Contains("16 of 16 trials.", rerun.Out, StringComparison.Ordinal);
        foreach (var (file, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(file)); // kept, not trained again
    }

    [Fact]
    public async Task Kill_keeps_the_finished_trials_says_so_exits_143_and_a_rerun_skips_them()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        string outDir = _dir.File("results");
        var (exitCode, err, saved) = await Interrupt(Compare(outDir), "TERM", alreadySaved: 0);

        Assert.Equal(143, exitCode);
        string last = err.TrimEnd().Split('\n')[^1];
        Assert.Matches(@"^Interrupted by SIGTERM: \d+ of 16 trials (is|are) saved in .*results; run the same command again to resume \(it skips them\)\.$", last);
        Assert.Equal(saved.Length, SavedCount(last));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));

        // The same command, stopped again once it has trained one more: it first found every saved trial done.
        var (again, againErr, savedNow) = await Interrupt(Compare(outDir), "TERM", alreadySaved: saved.Length);
        Assert.Equal(143, again);
        Assert.Equal(saved.Length, againErr.Split('\n').Count(l => l.Contains("(already done)", StringComparison.Ordinal)));
        Assert.Subset(savedNow.ToHashSet(), saved.ToHashSet());
        Assert.Equal(savedNow.Length, SavedCount(againErr.TrimEnd().Split('\n')[^1]));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Compare_help_says_what_a_signal_does()
    {
        Assert.Contains("Ctrl-C or SIGTERM stops it with the finished trials saved (exit 130 or 143); the same command resumes", Cli.RunWide("compare", "--help").Ok().Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// Starts actkit with <paramref name="args"/>, sends SIG<paramref name="signal"/> as soon as more than
    /// <paramref name="alreadySaved"/> trial files are there, and returns its exit code, its stderr and the trial files
    /// it left.
    /// </summary>
    private static async Task<(int ExitCode, string Err, string[] Saved)> Interrupt(string[] args, string signal, int alreadySaved)
    {
        string outDir = args[Array.IndexOf(args, "--out") + 1];
        string trials = Path.Combine(outDir, "trials");
        var psi = new ProcessStartInfo(Host()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "actkit.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (!(Directory.Exists(trials) && Directory.GetFiles(trials, "*.json").Length > alreadySaved))
        {
            // (The message waits for stderr's end: only once the process has ended.)
            if (process.HasExited) Assert.Fail($"actkit ended before a trial was saved: {await stderr}");
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), "No trial file appeared.");
            await Task.Delay(10);
        }

        // The shell's kill sends the signal as a user's Ctrl-C or kill does (Process.Kill sends SIGKILL).
        var killer = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-c", $"kill -{signal} \"$0\"", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }) killer.ArgumentList.Add(a);
        using (var kill = Process.Start(killer)!)
        {
            string killErr = await kill.StandardError.ReadToEndAsync();
            await kill.WaitForExitAsync();
            Assert.True(kill.ExitCode == 0, $"kill -{signal} failed: {killErr}");
        }

        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "actkit did not stop after the signal.");
        await stdout;
        return (process.ExitCode, await stderr, Directory.GetFiles(trials, "*.json").Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status; false where there is no /proc).</summary>
    private static bool SigIntIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return false;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (ulong.Parse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & 0b10) != 0;
    }

    private static int SavedCount(string line) => int.Parse(SavedPattern().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@": (\d+) of \d+ trials")]
    private static partial Regex SavedPattern();

    private static string Host() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
}
