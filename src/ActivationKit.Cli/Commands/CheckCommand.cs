using System.Globalization;
using System.ComponentModel;
using ActivationKit.Advisor;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using ActivationKit.Cli.IO;
using ActivationKit.Diagnostics;
using ActivationKit.Nn;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit check FILE</c>: lists the problems of a network before training — a JSON <see cref="NetworkSpec"/>
/// or a saved model (<see cref="ModelFile"/>, recognised by its magic bytes) — each with a fix.
/// Exit 0 when nothing above info was found (no finding, or only info-level ones: worth knowing, not hurting
/// training), 1 when a warning or a critical problem was found, 2 on bad input: the rule of <c>actkit diagnose</c>,
/// which exited 0 where this exited 1 for the same info-level finding.
/// </summary>
public sealed class CheckCommand(CliConsoles consoles) : Command<CheckCommand.Settings>
{
    /// <summary>Arguments and options of <c>check</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A JSON network spec ({\"inputs\", \"task\", \"loss\", \"layers\": [[{\"units\", \"activation\", \"init\"}]]}) or a model saved by actkit.")]
        public string File { get; init; } = string.Empty;

        [CommandOption("--json")]
        [Description("Print {\"file\", \"kind\" (spec or model), \"network\" (e.g. \"784 → 256 relu → 10 softmax\"), \"task\", \"loss\" (null when not given), \"problems\": [[...]], \"notes\": [[...]]} as JSON.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(settings.File)) throw new UsageException("No file name given; give a JSON network spec or a saved model file.");
        const string Give = "give a JSON network spec or a saved model file";
        InputFile.Require(settings.File, null, Give);
        string shown = TerminalText.Safe(settings.File);

        // /dev/zero or /dev/urandom never ended: devices and sockets are refused by kind. A named pipe is read (a shell's
        // `check <(…)` and `… | check /dev/stdin` are pipes), as far as the cap, like a regular file.
        if (ActivationKit.IO.FileKind.SpecialKindOf(settings.File) is { } kind && kind != ActivationKit.IO.FileKind.NamedPipe) throw new UsageException($"'{shown}' is {kind}, not a regular file; {Give}.");
        byte[] bytes = ActivationKit.IO.FileKind.ReadAtMost(settings.File, MaxBytes)
            ?? throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"'{shown}' is larger than {MaxBytes:N0} bytes (256 MiB), more than any network spec or model this check reads."));
        string name = TerminalText.Safe(Path.GetFileName(settings.File));

        // A model file cut short within its magic (AKNN) or of another version (AKNNMLP2) is read as a model, whose reader
        // says so; it was "neither a JSON network spec nor an actkit model file".
        int magic = Math.Min(bytes.Length, ModelFile.Magic.Length - 1);
        bool model = bytes.Length >= 4 && bytes.AsSpan(0, magic).SequenceEqual(ModelFile.Magic[..magic]);
        NetworkSpec spec;
        IReadOnlyList<Finding> findings;
        IReadOnlyList<string> notes;
        if (model)
        {
            var (network, metadata) = ModelFile.Load(bytes, name);
            var result = ModelCheck.Check(network, metadata);
            (spec, findings, notes) = (result.Spec, result.Findings, result.Notes);
        }
        else
        {
            // Read without the UTF-8 byte-order mark some editors (Notepad) write: it is not part of the JSON, and a spec
            // starting with one was refused as neither a spec nor a model.
            var json = bytes.AsSpan();
            if (json.StartsWith(System.Text.Encoding.UTF8.Preamble)) json = json[System.Text.Encoding.UTF8.Preamble.Length..];
            string text = System.Text.Encoding.UTF8.GetString(json);
            if (text.Trim().Length == 0) throw new UsageException($"{name} is empty{(bytes.Length > 0 ? " (white space only)" : string.Empty)}; give a JSON network spec or a saved model file.");
            if (!text.TrimStart().StartsWith('{'))
            {
                string looks = ActivationKit.IO.FileSignature.Describe(bytes) is { } format and not "text" ? $"; it looks like {format}" : string.Empty;
                throw new UsageException($"{name} is neither a JSON network spec (it must start with '{{') nor an actkit model file{looks}.");
            }

            spec = NetworkSpec.Parse(text);
            findings = NetworkCheck.Check(spec);
            notes = spec.Layers.Take(spec.Layers.Count - 1).Any(l => string.IsNullOrWhiteSpace(l.Init))
                ? ["Layers without \"init\" were not checked for initialisation."]
                : [];
            if (spec.Inputs == 0 && spec.Layers.Count > 1 && !string.IsNullOrWhiteSpace(spec.Layers[0].Init))
            {
                notes = [.. notes, "The spec gives no \"inputs\", so layer 1's initialisation scale was not checked (its fan-in is unknown)."];
            }
            if (string.IsNullOrWhiteSpace(spec.Task)) notes = [.. notes, "The spec has no \"task\", so the output activation and loss were not checked."];
        }

        var ordered = findings.OrderByDescending(f => f.Severity).ToList();
        if (settings.Json)
        {
            JsonOut.Write(consoles.OutWriter, json =>
            {
                json.WriteStartObject();
                json.WriteString("file", settings.File);
                json.WriteString("kind", model ? "model" : "spec");
                json.WriteString("network", Shape(spec));

                // The text header shows the task and loss; --json left them out.
                if (string.IsNullOrWhiteSpace(spec.Task)) json.WriteNull("task");
                else json.WriteString("task", spec.Task);
                if (string.IsNullOrWhiteSpace(spec.Loss)) json.WriteNull("loss");
                else json.WriteString("loss", spec.Loss);
                json.WriteStartArray("problems");
                foreach (var f in ordered)
                {
                    json.WriteStartObject();
                    json.WriteString("kind", f.KindName);
                    json.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
                    json.WriteString("layer", f.Layer);
                    json.WriteString("explanation", f.Explanation);
                    json.WriteString("fix", f.Fix);
                    json.WriteStartObject("evidence");
                    foreach (var (key, value) in f.Evidence) JsonOut.Number(json, key, value);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("notes");
                foreach (string n in notes) json.WriteStringValue(n);
                json.WriteEndArray();
                json.WriteEndObject();
            });
        }
        else
        {
            var w = consoles.OutWriter;

            // A spec's activation, task and loss are its author's text, and findings quote layer names: a line break or an
            // escape sequence among them reached the terminal (--json keeps them, escaped).
            static string T(string text) => TerminalText.Safe(text);
            w.WriteLine($"{name} ({(model ? "saved model" : "network spec")}): {T(Shape(spec))}{(string.IsNullOrWhiteSpace(spec.Task) ? string.Empty : $", task {T(spec.Task)}")}{(string.IsNullOrWhiteSpace(spec.Loss) ? string.Empty : $", loss {T(spec.Loss)}")}");
            // Info-level findings alone exit 0, so the header says that nothing above info was found.
            w.WriteLine(ordered.Count == 0 ? "No problems found." : FailsOn(ordered) ? $"{ordered.Count} problem(s):" : $"Nothing above info found; {Spelling.Count(ordered.Count, "info finding")}:");
            foreach (var f in ordered)
            {
                w.WriteLine();
                w.WriteLine($"[{f.Severity.ToString().ToLowerInvariant()}] {f.KindName} in {T(f.Layer)}");
                w.WriteLine($"  {T(f.Explanation)}");
                w.WriteLine($"  Fix: {T(f.Fix)}");
                if (ActivationProblems.All.FirstOrDefault(p => p.DetectedBy == f.Kind) is { } problem && Concerns(problem, f)) w.WriteLine($"  More: actkit problems {problem.Id}");
            }

            if (notes.Count > 0) w.WriteLine();
            foreach (string n in notes) w.WriteLine($"Note: {T(n)}");
        }

        return FailsOn(ordered) ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>
    /// Whether the findings call for exit 1: a warning or a critical problem among them, as <c>actkit diagnose</c> judges
    /// its own (info-level findings alone exit 0).
    /// </summary>
    internal static bool FailsOn(IEnumerable<Finding> findings) => findings.Any(f => f.Severity is Severity.Warning or Severity.Critical);

    /// <summary>
    /// The largest file <c>check</c> reads: far above any network spec or saved MLP (a 784-4096-4096-10 model is 80 MB),
    /// and small enough that the spec's text fits a .NET string (1 GiB did not: OutOfMemoryException).
    /// </summary>
    private const int MaxBytes = 256 << 20;

    private static string Shape(NetworkSpec spec) =>
        (spec.Inputs > 0 ? $"{spec.Inputs} → " : string.Empty) + string.Join(" → ", spec.Layers.Select(l => $"{l.Units} {l.Activation}"));

    /// <summary>
    /// Whether a problem's page is about the finding's layer: not when the layer's function (<see cref="NetworkCheck.ActivationOfLabel"/>)
    /// lacks the problem's mark — the init-sensitivity page lists ReLU as free of it, so it explained nothing under a ReLU
    /// layer's init-scale finding. Findings about the whole network or a stack keep their link.
    /// </summary>
    private static bool Concerns(ActivationProblem problem, Finding finding)
    {
        if (problem.Flag == KnownProblem.None) return true;
        var info = NetworkCheck.ActivationOfLabel(finding.Layer);
        return info is null || info.Problems.HasFlag(problem.Flag);
    }
}
