using System.Text.Json;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// A report of an incomplete comparison exited 0 and said so only in its page and its table's footer (an exploratory
/// tester): it now warns on stderr how many trials are missing and exits 3, unless --allow-incomplete.
/// </summary>
public sealed class IncompleteReportTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string[] Shard(string outDir, string shard) =>
    [
        "compare", "--data", "moons", "--samples", "200", "--activations", "relu,tanh", "--hidden", "4", "--seeds", "2",
        "--epochs", "2", "--threads", "1", "--shard", shard, "--out", outDir,
    ];

    [Fact]
    public void A_report_with_trials_missing_warns_on_stderr_and_exits_3_with_everything_written()
    {
        string a = _dir.File("a"), b = _dir.File("b"), html = _dir.File("report.html");
        Cli.RunWide(Shard(a, "0/2")).Ok();

        var r = Cli.RunWide("report", a, "--html", html);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("Warning: the comparison is incomplete: 2 of 4 trials are missing (finish or add the missing shards' folders); exit code 3 (--allow-incomplete exits 0).", r.Err, StringComparison.Ordinal);
        Assert.Contains("2 of 4 trials.", r.Out, StringComparison.Ordinal); // the table is printed all the same
        Assert.Contains("id=\"incomplete\"", File.ReadAllText(html), StringComparison.Ordinal);

        // --json keeps stdout one JSON document; the warning is on stderr.
        var json = Cli.RunWide("report", a, "--json");
        Assert.Equal(3, json.ExitCode);
        Assert.False(JsonDocument.Parse(json.Out).RootElement.GetProperty("complete").GetBoolean());
        Assert.Contains("2 of 4 trials are missing", json.Err, StringComparison.Ordinal);

        var allowed = Cli.RunWide("report", a, "--allow-incomplete").Ok();
        Assert.Contains("Warning: the comparison is incomplete: 2 of 4 trials are missing (finish or add the missing shards' folders).", allowed.Err, StringComparison.Ordinal);

        Cli.RunWide(Shard(b, "1/2")).Ok();
        var whole = Cli.RunWide("report", a, b).Ok();
        Assert.DoesNotContain("Warning", whole.Err, StringComparison.Ordinal);
        Assert.Contains("4 of 4 trials.", whole.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void One_missing_trial_is_said_in_the_singular()
    {
        string dir = _dir.File("r");
        Cli.RunWide(Shard(dir, "0/2")).Ok();
        Cli.RunWide(Shard(dir, "1/2")).Ok();
        File.Delete(Directory.GetFiles(Path.Combine(dir, "trials"), "*.json").Order(StringComparer.Ordinal).First());
        var r = Cli.RunWide("report", dir);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("incomplete: 1 of 4 trials is missing", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_help_says_what_a_missing_trial_does_to_the_exit_code()
    {
        string help = Cli.RunWide("report", "--help").Ok().Out;
        Assert.Contains("Exit 3 when trials are missing", help, StringComparison.Ordinal);
        Assert.Contains("--allow-incomplete", help, StringComparison.Ordinal);
    }
}
