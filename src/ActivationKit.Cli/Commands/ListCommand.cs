using System.ComponentModel;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary><c>actkit list</c>: a table of every function in the catalog.</summary>
public sealed class ListCommand(CliConsoles consoles) : Command<ListCommand.Settings>
{
    /// <summary>Options of <c>list</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-f|--family <FAMILY>")]
        [Description("Only this family (linear, step, sigmoidal, rectifier, smooth_rectifier, gated, shrinkage, periodic, normalising, exponential).")]
        public string? Family { get; init; }

        [CommandOption("--json")]
        [Description("Print the full catalog entries as a JSON array instead of a table.")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        IEnumerable<ActivationInfo> infos = ActivationCatalog.All;
        if (settings.Family is { } familyText)
        {
            var family = Describe.ParseFamily(familyText);
            infos = infos.Where(i => i.Family == family);
        }

        var list = infos.ToArray();
        if (settings.Json)
        {
            JsonOut.Write(consoles.OutWriter, json =>
            {
                json.WriteStartArray();
                foreach (var info in list) JsonOut.Function(json, info);
                json.WriteEndArray();
            });
            return ExitCodes.Ok;
        }

        // Plain aligned columns, one line per function: greppable, and a narrow terminal wraps lines instead of
        // squeezing every cell.
        string[] header = ["Name", "Family", "Kind", "Range", "Mono", "Smooth", "0-ctr", "Sat", "Init", "Parameters"];
        var rows = list.Select(i => (IReadOnlyList<string>)new[]
        {
            i.Name,
            Describe.Family(i.Family),
            ShortKind(i.Kind),
            i.Range,
            i.Monotonicity == Monotonicity.NonDecreasing ? "weak" : Describe.Monotonic(i.Monotonicity),
            Describe.Smooth(i.Smoothness),
            Describe.YesNo(i.ZeroCentred),
            Describe.YesNo(i.Saturating),
            $"{i.Init} {Describe.Number(i.Gain, 3)}",
            Describe.ParametersWithDefaults(i),
        }).ToList();
        PlainTable.Write(consoles.OutWriter, header, rows);
        consoles.Out.WriteLine("Mono: monotonic (weak: non-decreasing). 0-ctr: zero-centred. Sat: saturates. Init: recommended initialisation and gain.");
        consoles.Out.WriteLine($"{list.Length} function(s). 'actkit show NAME' prints everything about one.");
        return ExitCodes.Ok;
    }

    private static string ShortKind(ActivationKind kind) => kind switch
    {
        ActivationKind.Rowwise => "row",
        ActivationKind.Gated => "gated",
        _ => "elem",
    };
}
