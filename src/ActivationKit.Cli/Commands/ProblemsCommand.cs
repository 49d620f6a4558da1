using System.ComponentModel;
using System.Text.Json;
using ActivationKit.Advisor;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using ActivationKit.Diagnostics;
using ActivationKit.Plots;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit problems [PROBLEM|FUNCTION]</c>: the known problems of activation functions (<see cref="ActivationProblems"/>),
/// with the functions the catalog marks with them (the known problems <c>actkit show</c> lists), how they are detected and fixed.
/// </summary>
public sealed class ProblemsCommand(CliConsoles consoles) : Command<ProblemsCommand.Settings>
{
    /// <summary>Arguments and options of <c>problems</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[PROBLEM|FUNCTION]")]
        [Description("A problem id (e.g. dying-units) for its details, or a function name (e.g. relu) for its problems. Omit to list all problems.")]
        public string? Query { get; init; }

        [CommandOption("--json")]
        [Description("Print the problems as JSON.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Query is null)
        {
            if (settings.Json) JsonOut.Write(consoles.OutWriter, json => WriteProblems(json, ActivationProblems.All));
            else ListAll(consoles.OutWriter);
            return ExitCodes.Ok;
        }

        if (ActivationProblems.Find(settings.Query) is { } problem)
        {
            if (settings.Json) JsonOut.Write(consoles.OutWriter, json => WriteProblem(json, problem));
            else Detail(consoles.OutWriter, problem);
            return ExitCodes.Ok;
        }

        // A spec such as leaky_relu(0.2) names its function; a malformed one gets the catalog's own message. The catalog
        // marks the problems at the default parameters only, so a spec away from them is told so, as show tells it:
        // problems 'leaky_relu(0)' listed no dying units for what is relu, as if they held at the parameters given.
        var spec = ActivationCatalog.Find(settings.Query) is null && settings.Query.Contains('(', StringComparison.Ordinal)
            ? ActivationCatalog.Create(settings.Query)
            : null;
        var named = spec?.Info ?? ActivationCatalog.Find(settings.Query);
        if (named is { } info)
        {
            var problems = ActivationProblems.Of(info);
            string? otherParameters = spec is not null && !Curves.AtDefaults(spec) ? spec.ToString() : null;
            string defaults = ActivationCatalog.Create(info).ToString();
            if (settings.Json)
            {
                JsonOut.Write(consoles.OutWriter, json =>
                {
                    json.WriteStartObject();
                    json.WriteString("function", info.Name);
                    json.WriteString("spec", otherParameters ?? defaults);
                    json.WriteString("problemsAt", defaults);
                    json.WriteStartArray("problems");
                    foreach (var p in problems)
                    {
                        json.WriteStartObject();
                        json.WriteString("id", p.Id);
                        json.WriteString("title", p.Title);
                        json.WriteString("what", p.What);
                        Strings(json, "fixes", p.Fixes);
                        Strings(json, "alternatives", Alternatives(p));
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                });
            }
            else
            {
                Function(consoles.OutWriter, info, problems, otherParameters, defaults);
            }

            return ExitCodes.Ok;
        }

        var functions = ActivationCatalog.Suggest(settings.Query, 2);
        var ids = ActivationProblems.Suggest(settings.Query, 2);
        string close = ids.Count + functions.Count > 0 ? $" Did you mean {string.Join(", ", ids.Concat(functions).Select(s => $"'{s}'"))}?" : string.Empty;
        throw new UsageException(
            $"'{settings.Query}' is neither a problem nor a function.{close} "
            + $"Problems: {string.Join(", ", ActivationProblems.All.Select(p => p.Id))}; 'actkit list' shows the functions.");
    }

    /// <summary>How a problem shows up in the diagnostics, or null when no detector reports it.</summary>
    public static string? Detection(ActivationProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.DetectedBy is not FindingKind kind) return null;
        string kindName = Finding.NameOf(kind);
        string how = kind switch
        {
            FindingKind.DeadUnits => "units whose output is zero on every sample of a batch",
            FindingKind.VanishingGradients => "gradient norms shrinking by orders of magnitude from the last layer to the first",
            FindingKind.ExplodingGradients => "gradient norms growing without bound or becoming non-finite",
            FindingKind.Saturation => "pre-activations sitting in the function's flat tails",
            FindingKind.InitScale => "weight variance far from what the activation needs",
            _ => "the detectors",
        };
        string statically = kind is FindingKind.VanishingGradients or FindingKind.InitScale
            ? "; `actkit check` also flags it before training, from the network spec"
            : string.Empty;
        // The forward half of the problem has its own finding.
        string forward = kind == FindingKind.ExplodingGradients
            ? $", and activations growing from layer to layer as `{Finding.NameOf(FindingKind.ExplodingActivations)}`"
            : string.Empty;
        return $"reported as `{kindName}` by `actkit diagnose` and `actkit train --diagnose` ({how}){forward}{statically}";
    }

    /// <summary>Good hidden-layer functions without the problem (the advisor's MLP ranking, filtered).</summary>
    private static IReadOnlyList<string> Alternatives(ActivationProblem problem) =>
        ActivationAdvisor.Recommend(new AdvisorRequest { Model = ModelType.Mlp, Layer = LayerRole.Hidden }, 10)
            .Select(r => r.Name)
            .Where(n => !problem.Affects(ActivationCatalog.Find(n)!))
            .Take(3)
            .ToArray();

    private static void ListAll(TextWriter w)
    {
        PlainTable.Write(w, ["problem", "what", "detected by", "functions"], ActivationProblems.All.Select(p => (IReadOnlyList<string>)
        [
            p.Id,
            p.Title,
            p.DetectedBy is { } k ? Finding.NameOf(k) : "—",
            $"{p.AffectedFunctions.Count}: {Shorten(p.AffectedFunctions, 6)}",
        ]));
        w.WriteLine();
        w.WriteLine("Details: actkit problems PROBLEM; a function's problems: actkit problems FUNCTION.");
    }

    private static string Shorten(IReadOnlyList<string> names, int max) =>
        names.Count <= max ? string.Join(", ", names) : string.Join(", ", names.Take(max)) + $", … (+{names.Count - max})";

    private static void Detail(TextWriter w, ActivationProblem p)
    {
        w.WriteLine($"{p.Title} ({p.Id})");
        if (p.Aliases.Count > 0) w.WriteLine($"Also spelled: {string.Join(", ", p.Aliases)}");
        if (p.Symptom is { } symptom)
        {
            string text = ActivationAdvisor.Text(symptom);
            w.WriteLine($"Seen in training: actkit recommend --symptom {text}{(text == p.Id ? string.Empty : $" (or --symptom {p.Id})")}");
        }

        w.WriteLine();
        w.WriteLine($"What: {p.What}");
        w.WriteLine($"Why:  {p.Why}");
        w.WriteLine();
        w.WriteLine($"Functions affected (marked in the catalog: {p.Criterion}): {(p.AffectedFunctions.Count == 0 ? "none" : string.Join(", ", p.AffectedFunctions))}");
        w.WriteLine($"Detected: {Detection(p) ?? "no detector reports it; it is a property of the function"}");
        w.WriteLine("Fixes:");
        foreach (string fix in p.Fixes) w.WriteLine($"  • {fix}");
        var alternatives = Alternatives(p);
        if (alternatives.Count > 0) w.WriteLine($"Hidden-layer functions without it: {string.Join(", ", alternatives)}");
    }

    private static void Function(TextWriter w, ActivationInfo info, IReadOnlyList<ActivationProblem> problems, string? otherParameters, string defaults)
    {
        if (otherParameters is not null)
        {
            w.WriteLine($"The catalog marks {info.Name}'s problems at its default parameters, {defaults}, not at {otherParameters}: "
                + "other parameters can add problems or remove some.");
        }

        if (problems.Count == 0)
        {
            w.WriteLine($"{info.Name}: its catalog entry marks none of the known problems ({string.Join(", ", ActivationProblems.All.Select(p => p.Id))}).");
            return;
        }

        w.WriteLine($"{info.Name}: {problems.Count} known problem(s), as its catalog entry lists them (actkit show {info.Name})");
        foreach (var p in problems)
        {
            w.WriteLine();
            w.WriteLine($"{p.Title} ({p.Id}): {p.What}");
            foreach (string fix in p.Fixes) w.WriteLine($"  • {fix}");
            var alternatives = Alternatives(p);
            if (alternatives.Count > 0) w.WriteLine($"  Without it: {string.Join(", ", alternatives)}");
        }
    }

    private static void WriteProblems(Utf8JsonWriter json, IReadOnlyList<ActivationProblem> problems)
    {
        json.WriteStartObject();
        json.WriteStartArray("problems");
        foreach (var p in problems) WriteProblem(json, p);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteProblem(Utf8JsonWriter json, ActivationProblem p)
    {
        json.WriteStartObject();
        json.WriteString("id", p.Id);
        Strings(json, "aliases", p.Aliases);
        if (p.Symptom is { } symptom) json.WriteString("symptom", ActivationAdvisor.Text(symptom));
        else json.WriteNull("symptom");
        json.WriteString("title", p.Title);
        json.WriteString("what", p.What);
        json.WriteString("why", p.Why);
        json.WriteString("criterion", p.Criterion);
        Strings(json, "functions", p.AffectedFunctions);
        if (p.DetectedBy is { } k) json.WriteString("detectedBy", Finding.NameOf(k));
        else json.WriteNull("detectedBy");
        if (Detection(p) is { } d) json.WriteString("detection", d);
        else json.WriteNull("detection");
        Strings(json, "fixes", p.Fixes);
        Strings(json, "alternatives", Alternatives(p));
        json.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string v in values) json.WriteStringValue(v);
        json.WriteEndArray();
    }
}
