using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ActivationKit.Cli.Commands;
using ActivationKit.Nn.Experiments;

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
    public void A_second_signal_ends_the_process_at_once_unless_a_save_is_under_way_and_then_right_after_it()
    {
        var exits = new List<int>();
        using var interruption = new Interruption(CancellationToken.None, exits.Add, listen: false);
        Assert.True(interruption.Receive(PosixSignal.SIGINT)); // the first only cancels
        Assert.True(interruption.Token.IsCancellationRequested);
        Assert.False(interruption.Receive(PosixSignal.SIGINT)); // no save: the default, ending the process, goes ahead

        var trial = interruption.Saving();
        var cleanup = interruption.Saving();
        Assert.True(interruption.Receive(PosixSignal.SIGTERM));
        Assert.True(interruption.Receive(PosixSignal.SIGTERM));
        trial.Dispose();
        Assert.Empty(exits); // a save still under way
        cleanup.Dispose();
        cleanup.Dispose();
        Assert.Equal([143], exits); // once, 128 + SIGTERM's number, when the last save is done
        Assert.Equal(130, interruption.ExitCode); // what the first signal says, had the command got to say it
    }

    [Fact]
    public void Each_finished_trial_is_on_disk_when_its_save_ends_and_an_empty_comparison_is_gone_when_its_removal_ends()
    {
        string outDir = _dir.File("held");
        var config = CompareCommand.ToConfig(new CompareCommand.Settings { Data = "moons", Samples = 60, Hidden = "4", Activations = "relu,tanh", Seeds = 2, Epochs = 2 });
        var data = ExperimentData.Load(config);
        var onDisk = new List<int>();
        var outcome = ExperimentRunner.Run(config, data, outDir, new RunOptions
        {
            Saving = () => new Released(() => onDisk.Add(Directory.GetFiles(Path.Combine(outDir, "trials"), "*.json").Length)),
        });
        Assert.Equal(4, outcome.Trained);
        Assert.Equal([1, 2, 3, 4], onDisk);

        // Cancelled before any trial: the save that removes the new comparison ends with it removed.
        string emptyDir = _dir.File("empty");
        bool removed = false;
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var options = new RunOptions
        {
            Cancellation = stop.Token,
            Saving = () => new Released(() => removed = !File.Exists(Path.Combine(emptyDir, "experiment.json")) && !Directory.Exists(Path.Combine(emptyDir, "trials"))),
        };
        Assert.Throws<RunCancelledException>(() => { ExperimentRunner.Run(config, data, emptyDir, options); });
        Assert.True(removed);
    }

    [Fact]
    public async Task After_two_signals_before_the_first_trial_ends_a_changed_command_is_refused_in_one_sentence_and_the_same_command_resumes()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        // Ctrl-C pressed twice, or SIGTERM twice where this process ignores SIGINT (see the first test).
        string signal = SigIntIgnored() ? "TERM" : "INT";
        string outDir = _dir.File("twice");
        // Two trials of some seconds each: both signals come while the first is training.
        string[] command = ["compare", "--data", "spirals", "--samples", "1000", "--hidden", "32,32", "--epochs", "2500", "--seeds", "1", "--activations", "relu,tanh", "--threads", "2", "--out", outDir];
        var (exitCode, _, saved) = await Interrupt(command, signal, alreadySaved: -1, twice: true);
        Assert.Equal(signal == "INT" ? 130 : 143, exitCode);
        Assert.Empty(saved);

        // Whatever the second signal cut short (the removal of the comparison, or nothing), another comparison is not
        // mixed in: refused, saying why and what to do, or, where the manifest went, run.
        string[] changed = [.. command];
        changed[Array.IndexOf(changed, "--epochs") + 1] = "1";
        if (File.Exists(Path.Combine(outDir, "experiment.json")))
        {
            var refused = Cli.Run(changed).BadInput($"'{outDir}' already holds a different comparison (epochs: 2500 vs 1) but no finished trial of it, as a run stopped before its first trial ended leaves it; unless a run is still training into it, delete {Path.Combine(outDir, "experiment.json")}, or use another --out folder.");
            Assert.Single(refused.Err.Trim().Split('\n'), l => l.StartsWith("Error: ", StringComparison.Ordinal));
        }

        // The same command trains both trials and tables them.
        var rerun = Cli.RunWide(command).Ok();
        Assert.Contains("Trained 2 trial(s), skipped 0 already finished.", rerun.Err, StringComparison.Ordinal);
        Assert.Contains("2 of 2 trials.", rerun.Out, StringComparison.Ordinal);
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
    private static async Task<(int ExitCode, string Err, string[] Saved)> Interrupt(string[] args, string signal, int alreadySaved, bool twice = false)
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
        // alreadySaved −1: as soon as the trials folder is there (the manifest is written just before it).
        while (!(Directory.Exists(trials) && Directory.GetFiles(trials, "*.json").Length > alreadySaved))
        {
            // (The message waits for stderr's end: only once the process has ended.)
            if (process.HasExited) Assert.Fail($"actkit ended before a trial was saved: {await stderr}");
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), "No trial file appeared.");
            await Task.Delay(10);
        }

        // The shell's kill sends the signal as a user's Ctrl-C or kill does (Process.Kill sends SIGKILL).
        var killer = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false };
        // Twice: the second kill may find the process already gone, which is no failure.
        string script = twice ? $"kill -{signal} \"$0\" && {{ kill -{signal} \"$0\" 2>/dev/null; true; }}" : $"kill -{signal} \"$0\"";
        foreach (string a in new[] { "-c", script, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }) killer.ArgumentList.Add(a);
        using (var kill = Process.Start(killer)!)
        {
            string killErr = await kill.StandardError.ReadToEndAsync();
            await kill.WaitForExitAsync();
            Assert.True(kill.ExitCode == 0, $"kill -{signal} failed: {killErr}");
        }

        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "actkit did not stop after the signal.");
        await stdout;
        return (process.ExitCode, await stderr, Directory.Exists(trials) ? Directory.GetFiles(trials, "*.json").Order(StringComparer.Ordinal).ToArray() : []);
    }

    /// <summary>Runs an action when disposed (a save's end).</summary>
    private sealed class Released(Action action) : IDisposable
    {
        public void Dispose() => action();
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
