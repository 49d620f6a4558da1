using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActivationKit.Nn.Experiments;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// Runs the sharded-sweep files in deploy/ for real: the Slurm array script's body once per array index, and the
/// Kubernetes Indexed Job's container command once per completion index, as the schedulers would (their environment
/// variables set), then checks that <c>actkit report</c> merges the shards into exactly the unsharded result.
/// </summary>
/// <remarks>
/// <c>actkit</c> is a shim on PATH that records the arguments the file passed and runs the built CLI with them, except
/// that the data, network and training options are swapped for a tiny configuration (the files' own sweep trains
/// 40 Fashion-MNIST trials); the sharding, output and thread options the file computed are passed on unchanged.
/// </remarks>
public sealed partial class DeployScriptTests : IDisposable
{
    private const string TinyOptions = "--data circles --samples 200 --activations relu,tanh --hidden 4 --seeds 3 --epochs 3 --batch 16 --lr 0.02 --target 0.8";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Repo([System.Runtime.CompilerServices.CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    [Fact]
    public void Slurm_array_tasks_merge_into_the_unsharded_result()
    {
        string script = Path.Combine(Repo(), "deploy", "slurm-array.sh");
        int tasks = int.Parse(ArrayRange().Match(File.ReadAllText(script)).Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) + 1;
        Assert.Equal(4, tasks);
        string results = _dir.File("slurm-results");
        for (int i = 0; i < tasks; i++)
        {
            Run("/bin/bash", [script], new()
            {
                ["SLURM_ARRAY_TASK_ID"] = $"{i}",
                ["SLURM_ARRAY_TASK_COUNT"] = $"{tasks}",
                ["SLURM_ARRAY_TASK_MIN"] = "0",
                ["SLURM_ARRAY_TASK_MAX"] = $"{tasks - 1}",
                ["SLURM_CPUS_PER_TASK"] = "1",
                ["RESULTS"] = results,
            });
        }

        Assert.Equal(Enumerable.Range(0, tasks).Select(i => $"--shard {i}/{tasks} --out {results}"), Recorded().Select(Placement));
        Assert.All(Recorded(), a => Assert.Contains("--threads 1", a, StringComparison.Ordinal));
        AssertMergesToUnsharded(results);
    }

    [Fact]
    public void Kubernetes_indexed_job_pods_merge_into_the_unsharded_result()
    {
        string yaml = File.ReadAllText(Path.Combine(Repo(), "deploy", "k8s-indexed-job.yaml"));
        int completions = int.Parse(Completions().Match(yaml).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(4, completions);
        var (shell, command) = ContainerCommand(yaml);
        Assert.Contains($"${{JOB_COMPLETION_INDEX}}/{completions}\"", command, StringComparison.Ordinal); // shard count = completions
        string results = _dir.File("k8s-results");
        // The pod mounts the shared volume at /results; here it is a temporary folder.
        command = command.Replace("--out /results", $"--out {results}", StringComparison.Ordinal);
        for (int i = 0; i < completions; i++) Run(shell[0], [.. shell[1..], command], new() { ["JOB_COMPLETION_INDEX"] = $"{i}" });

        Assert.Equal(Enumerable.Range(0, completions).Select(i => $"--shard {i}/{completions} --out {results}"), Recorded().Select(Placement));
        AssertMergesToUnsharded(results);
    }

    /// <summary>The container's <c>command</c> (a flow sequence) and its single <c>args</c> item (a folded block scalar, folded as YAML does).</summary>
    private static (string[] Shell, string Command) ContainerCommand(string yaml)
    {
        var lines = yaml.Split('\n');
        var shell = JsonSerializer.Deserialize<string[]>(CommandLine().Match(yaml).Groups[1].Value)!;
        int args = Array.FindIndex(lines, l => l.Trim() == "args:");
        Assert.True(args > 0 && lines[args + 1].Trim() == "- >-", "expected 'args:' followed by one folded item '- >-'");
        int indent = lines[args + 2].Length - lines[args + 2].TrimStart().Length;
        var body = lines.Skip(args + 2).TakeWhile(l => l.Length - l.TrimStart().Length >= indent && l.Trim().Length > 0).Select(l => l.Trim());
        return (shell, string.Join(' ', body));
    }

    private void AssertMergesToUnsharded(string shardedFolder)
    {
        var sharded = Cli.RunWide("report", shardedFolder, "--json").Ok();
        using var doc = JsonDocument.Parse(sharded.Out);
        Assert.True(doc.RootElement.GetProperty("complete").GetBoolean());
        Assert.Equal(6, doc.RootElement.GetProperty("found").GetInt32());

        string whole = _dir.File("unsharded");
        Cli.RunWide(["compare", .. TinyOptions.Split(' '), "--threads", "1", "--out", whole]).Ok();
        Assert.Equal(Canonical(whole), Canonical(shardedFolder));
        var unshardedReport = Cli.RunWide("report", whole, "--json").Ok();
        Assert.Equal(WithoutTimings(unshardedReport.Out, whole), WithoutTimings(sharded.Out, shardedFolder));
    }

    private static string Canonical(string folder) =>
        string.Join("\n", ResultStore.Load([folder]).Trials.Select(t => JsonSerializer.Serialize(t.WithoutTimings(), ResultStore.Json)));

    // The summary JSON with the wall-time column and the folder name (in the reproducing command) blanked.
    private static string WithoutTimings(string json, string folder) =>
        SecondsPerEpoch().Replace(json.Replace(folder, "DIR", StringComparison.Ordinal), "\"secondsPerEpoch\": 0");

    /// <summary>Runs a scheduler's command with the shim first on PATH; asserts it succeeded.</summary>
    private void Run(string exe, string[] args, Dictionary<string, string> env)
    {
        string bin = ShimFolder();
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir.Path };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} did not finish within 60 s.");
        }

        Assert.True(p.ExitCode == 0, $"{exe} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}{stdout.Result}");
    }

    private string ShimFolder()
    {
        string bin = _dir.File("bin");
        string shim = Path.Combine(bin, "actkit");
        if (File.Exists(shim)) return bin;
        Directory.CreateDirectory(bin);
        string actkit = Path.Combine(AppContext.BaseDirectory, "actkit");
        Assert.True(File.Exists(actkit), $"the built CLI is not next to the tests: {actkit}");
        // Keeps what the file decided (--shard, --out, --threads) and swaps the sweep's options for the tiny configuration.
        File.WriteAllText(shim, $$"""
            #!/bin/sh
            set -eu
            printf '%s\n' "$*" >> '{{_dir.File("calls.log")}}'
            [ "$1" = compare ] || { echo "shim: expected 'actkit compare', got '$1'" >&2; exit 64; }
            shift
            keep=""
            while [ $# -gt 0 ]; do
              case "$1" in
                --shard|--out|--threads) keep="$keep $1 $2"; shift 2 ;;
                --*) shift 2 ;;
                *) echo "shim: unexpected argument '$1'" >&2; exit 64 ;;
              esac
            done
            exec '{{actkit}}' compare {{TinyOptions}} $keep
            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("The deploy files are POSIX shell scripts.");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    private string[] Recorded() => File.ReadAllLines(_dir.File("calls.log"));

    private static string Placement(string args)
    {
        var shard = ShardOption().Match(args).Groups[1].Value;
        var @out = OutOption().Match(args).Groups[1].Value;
        return $"--shard {shard} --out {@out}";
    }

    [GeneratedRegex(@"#SBATCH --array=(\d+)-(\d+)")]
    private static partial Regex ArrayRange();

    [GeneratedRegex(@"\n\s*completions:\s*(\d+)")]
    private static partial Regex Completions();

    [GeneratedRegex(@"\n\s*command:\s*(\[.*\])")]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"--shard (\S+)")]
    private static partial Regex ShardOption();

    [GeneratedRegex(@"--out (\S+)")]
    private static partial Regex OutOption();

    [GeneratedRegex("\"secondsPerEpoch\": [^,\\n]+")]
    private static partial Regex SecondsPerEpoch();
}
