using System.Diagnostics;
using ActivationKit.Catalog;

namespace ActivationKit.Cli.Tests;

/// <summary>Runs actkit in-process with captured stdout and stderr.</summary>
internal static class Cli
{
    public static CliResult Run(params string[] args) => RunWithWidth(160, args);

    /// <summary>Runs with a console so wide that no text wraps (for checking content, not layout).</summary>
    public static CliResult RunWide(params string[] args) => RunWithWidth(4000, args);

    /// <summary>
    /// Runs actkit as a child process in <paramref name="directory"/>, for relative paths resolved against it: the
    /// current directory is the whole process's, and the tests that run in parallel in this one must not see it change.
    /// </summary>
    public static CliResult RunIn(string directory, params string[] args)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && System.IO.File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        psi.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, "actkit.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            Assert.Fail($"actkit {string.Join(' ', args)} did not finish in two minutes.");
        }

        return new CliResult(process.ExitCode, output.Result, error.Result);
    }

    private static CliResult RunWithWidth(int width, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error, width);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public static TheoryData<string> AllNames() => Data(ActivationCatalog.All);

    public static TheoryData<string> CommandNames() => new() { "list", "show", "eval", "accuracy", "docs", "recommend", "check", "problems", "train", "predict", "compare", "report", "plot", "diagnose" };

    public static IEnumerable<ActivationInfo> OfKind(ActivationKind kind) => ActivationCatalog.All.Where(i => i.Kind == kind);

    private static TheoryData<string> Data(IEnumerable<ActivationInfo> infos)
    {
        var data = new TheoryData<string>();
        foreach (var i in infos) data.Add(i.Name);
        return data;
    }
}

internal sealed record CliResult(int ExitCode, string Out, string Err)
{
    /// <summary>Asserts success, printing stderr when it is not.</summary>
    public CliResult Ok()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}; stderr: {Err}");
        return this;
    }

    /// <summary>Asserts the bad-input contract: exit 2, one clear message on stderr, no stack trace, nothing on stdout.</summary>
    public CliResult BadInput(string expectedInMessage)
    {
        Assert.True(ExitCode == 2, $"expected exit 2, got {ExitCode}; stdout: {Out}; stderr: {Err}");
        Assert.Contains(expectedInMessage, Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", Err, StringComparison.Ordinal);
        Assert.True(Out.Length == 0, $"nothing should be printed on stdout on error, got: {Out}");
        return this;
    }

    /// <summary>The non-empty stdout lines.</summary>
    public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A temporary folder deleted after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "actkit-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes xor.csv: 120 rows of a, b uniform on [−1, 1] (Random(3)) and label = [a > 0] xor [b > 0], with a header.</summary>
    public string XorCsv()
    {
        string csv = File("xor.csv");
        var rng = new Random(3);
        var lines = new List<string> { "a,b,label" };
        for (int i = 0; i < 120; i++)
        {
            double x = (rng.NextDouble() * 2) - 1, y = (rng.NextDouble() * 2) - 1;
            lines.Add(FormattableString.Invariant($"{x},{y},{((x > 0) ^ (y > 0) ? 1 : 0)}"));
        }

        System.IO.File.WriteAllLines(csv, lines);
        return csv;
    }

    /// <summary>Names of the files in the folder (to check nothing, not even a temporary file, was left).</summary>
    public string[] Files() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
