using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using ActivationKit.Cli.IO;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;
using ActivationKit.Nn.Diagnostics;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>The live-diagnostics options of a training command (implement this, or inherit <see cref="DiagnoseOptions"/>).</summary>
public interface IDiagnoseOptions
{
    /// <summary>Run the detectors during training.</summary>
    bool Diagnose { get; }

    /// <summary>Steps between checks (default 50); implies <see cref="Diagnose"/>.</summary>
    int? DiagnoseEvery { get; }

    /// <summary>Stop training at the first critical finding; implies <see cref="Diagnose"/>.</summary>
    bool StopOnCritical { get; }

    /// <summary>Folder for diagnostics.json and diagnostics.txt; implies <see cref="Diagnose"/>.</summary>
    string? DiagnosticsOut { get; }
}

/// <summary>
/// <c>--diagnose [--diagnose-every N] [--stop-on-critical] [--diagnostics-out DIR]</c> for any command that trains:
/// make its settings inherit this class instead of <see cref="CommandSettings"/>, then use <see cref="LiveDiagnostics"/>.
/// </summary>
public class DiagnoseOptions : CommandSettings, IDiagnoseOptions
{
    /// <inheritdoc />
    [CommandOption("--diagnose")]
    [Description("Watch the network while it trains: dead units, saturation, vanishing/exploding gradients, exploding activations, collapse, init and output checks; each finding is told on stderr when it is made, the report follows at the end.")]
    public bool Diagnose { get; init; }

    /// <inheritdoc />
    public int? DiagnoseEvery { get; init; }

    /// <summary>
    /// <c>--diagnose-every</c> as typed, parsed into <see cref="DiagnoseEvery"/> as it is set (before anything is
    /// loaded): taken as text so that a whole number too large for a step count is told so with the largest one
    /// (the option parser said 99999999999 "takes a whole number", which it is).
    /// </summary>
    /// <exception cref="UsageException">Not a whole number, or one outside [1, <see cref="int.MaxValue"/>].</exception>
    [CommandOption("--diagnose-every <N>")]
    [Description("Run the checks every N training steps (and at the first). Default: 50. Implies --diagnose.")]
    public string? DiagnoseEveryText
    {
        get => DiagnoseEvery?.ToString(CultureInfo.InvariantCulture);
        init => DiagnoseEvery = ParseSteps(value);
    }

    private static int? ParseSteps(string? text)
    {
        if (text is null) return null;
        if (!BigInteger.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var steps))
        {
            throw new UsageException($"--diagnose-every takes a whole number, got '{text}'.");
        }

        if (steps < 1) throw new UsageException($"--diagnose-every must be at least 1 step, got {steps}.");
        if (steps > int.MaxValue) throw new UsageException($"--diagnose-every must be at most {int.MaxValue} steps, got {steps}.");
        return (int)steps;
    }

    /// <inheritdoc />
    [CommandOption("--stop-on-critical")]
    [Description("Stop training at the first critical finding (e.g. every unit of a layer dead), print the report and exit 1 without saving a model. Implies --diagnose.")]
    public bool StopOnCritical { get; init; }

    /// <inheritdoc />
    [CommandOption("--diagnostics-out <DIR>")]
    [Description("Write DIR/diagnostics.json (findings, per-layer statistics and histograms over time) and DIR/diagnostics.txt, replacing earlier reports there (other files of those names only with --force). Implies --diagnose.")]
    public string? DiagnosticsOut { get; init; }
}

/// <summary>
/// Live diagnostics for a training command: <see cref="Start"/> before <see cref="Trainer.Fit"/>, <see cref="Apply"/>
/// to the trainer options (early stop), <see cref="Finish"/> after it (prints the report, writes the files).
/// </summary>
public sealed class LiveDiagnostics : IDisposable
{
    /// <summary>
    /// Whether <paramref name="path"/> holds a report an earlier run wrote: diagnostics.txt's first line "Diagnostics of …",
    /// or diagnostics.json's object with "source", "checks" and "findings" (read only so far: a report is small).
    /// </summary>
    private static bool IsEarlierReport(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Length > 256 << 20) return false;
            if (path.EndsWith(TextFile, StringComparison.Ordinal))
            {
                using var reader = new StreamReader(path);
                return reader.ReadLine() is { } first && first.StartsWith("Diagnostics of ", StringComparison.Ordinal);
            }

            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            return root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("source", out _) && root.TryGetProperty("checks", out _) && root.TryGetProperty("findings", out _);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>The JSON report's file name inside <see cref="IDiagnoseOptions.DiagnosticsOut"/>.</summary>
    public const string JsonFile = "diagnostics.json";

    /// <summary>The text report's file name inside <see cref="IDiagnoseOptions.DiagnosticsOut"/>.</summary>
    public const string TextFile = "diagnostics.txt";

    private readonly string? _out;
    private readonly Dataset _train;
    private readonly ILoss _loss;

    private LiveDiagnostics(NetworkDiagnostics diagnostics, string? outDir, Dataset train, ILoss loss)
    {
        Diagnostics = diagnostics;
        _out = outDir;
        _train = train;
        _loss = loss;
    }

    /// <summary>The observer attached to the network.</summary>
    public NetworkDiagnostics Diagnostics { get; }

    /// <summary>
    /// Attaches diagnostics to <paramref name="network"/> (checking its initial weights and its output against
    /// <paramref name="train"/>'s task and <paramref name="loss"/>), or returns null when no diagnostics option is set.
    /// </summary>
    /// <exception cref="UsageException">--diagnose-every below 1, or a --diagnostics-out that is a file.</exception>
    /// <param name="options">The command's diagnostics options.</param>
    /// <param name="network">The network about to train.</param>
    /// <param name="train">The training data (its task, for the output check).</param>
    /// <param name="loss">The training loss.</param>
    /// <param name="live">Where each finding is told as it is found, and again when it turns critical (null: only the report at the end).</param>
    /// <param name="force">Replace existing diagnostics.json and diagnostics.txt that are not reports actkit wrote (--force).</param>
    public static LiveDiagnostics? Start(IDiagnoseOptions options, Mlp network, Dataset train, ILoss loss, TextWriter? live = null, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(loss);
        bool enabled = options.Diagnose || options.DiagnoseEvery is not null || options.StopOnCritical || options.DiagnosticsOut is not null;
        if (!enabled) return null;
        int every = options.DiagnoseEvery ?? 50;
        if (every < 1) throw new UsageException($"--diagnose-every must be at least 1 step, got {every}.");
        if (options.DiagnosticsOut is { } dir)
        {
            OutputFolder.EnsureWritable(dir, "--diagnostics-out", JsonFile, TextFile);

            // An existing report is replaced, as every run writes one; any other file of those names only with --force
            // (notes kept as diagnostics.txt were overwritten without a word).
            foreach (string file in new[] { JsonFile, TextFile })
            {
                string path = Path.Combine(dir, file);
                if (!force && File.Exists(path) && !IsEarlierReport(path))
                {
                    throw new UsageException($"'{path}' exists and is not a diagnostics report actkit wrote; add --force to replace it, or give another --diagnostics-out folder.");
                }
            }
        }

        var d = new NetworkDiagnostics(network, new NetworkDiagnosticsOptions { Every = every, StopOnCritical = options.StopOnCritical });
        if (live is not null)
        {
            // A long run said nothing until it ended: each finding is told when it is made (the initial weights' and the
            // output's before the first step), and once more if it turns critical.
            d.Session.FindingRaised += f => Tell(live, f, escalated: false);
            d.Session.FindingEscalated += f => Tell(live, f, escalated: true);
        }

        d.Attach();
        d.CheckOutput(train, loss);
        return new LiveDiagnostics(d, options.DiagnosticsOut, train, loss);
    }

    private static void Tell(TextWriter live, ReportedFinding reported, bool escalated)
    {
        var f = reported.Finding;
        string When(long? step) => step is long s ? string.Create(CultureInfo.InvariantCulture, $"step {s:N0}") : "before training";
        string since = escalated ? $" (a warning since {When(reported.FirstStep)})" : string.Empty;
        live.WriteLine($"Diagnostics, {When(f.Step)}: [{f.Severity.ToString().ToLowerInvariant()}] {f.KindName} in {f.Layer}{since}: {f.Explanation}");
        live.Flush();
    }

    /// <summary>The trainer options with early stop on a critical finding (a no-op unless --stop-on-critical).</summary>
    public TrainerOptions Apply(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { StopWhen = () => Diagnostics.StopReason };
    }

    /// <summary>
    /// Checks the network as training left it when its last step was not checked (<see cref="NetworkDiagnostics.CheckLastState"/>:
    /// a run that diverged or ended between two checks was reported on as it stood at the last one, "No problems found"
    /// above a loss that became NaN), detaches, writes the report as text to <paramref name="output"/> (unless null)
    /// and, with --diagnostics-out, to diagnostics.json and diagnostics.txt (each written whole or not at all); returns
    /// the report, which gives <paramref name="result"/>'s divergence.
    /// </summary>
    public DiagnosticsReport Finish(string source, TextWriter? output, TrainingResult? result = null)
    {
        Diagnostics.CheckLastState(_train, _loss);
        Diagnostics.Detach();
        var report = Diagnostics.Report(source) with { Divergence = result is { Diverged: true } ? result.Message : null };
        if (output is not null)
        {
            output.WriteLine();
            report.WriteText(output);
            output.Flush();
        }

        if (_out is not null)
        {
            AtomicFile.Write(Path.Combine(_out, JsonFile), report.WriteJson);
            AtomicFile.WriteAllText(Path.Combine(_out, TextFile), report.ToText());
        }

        return report;
    }

    /// <inheritdoc />
    public void Dispose() => Diagnostics.Detach();
}
