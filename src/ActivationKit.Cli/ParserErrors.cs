using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;
using Spectre.Console.Rendering;

namespace ActivationKit.Cli;

/// <summary>
/// The option parser's errors as one sentence. Spectre.Console.Cli reports them as a block (a blank line, "Error: …",
/// the command line echoed and a ^^^ marker under the token with a remark), which broke the README's "one sentence on
/// stderr" and named no option the user could have meant (`eval … --gard` had no "did you mean '--grad'?").
/// </summary>
internal static partial class ParserErrors
{
    /// <summary>
    /// One sentence for the parser's <paramref name="message"/>, using the token its <paramref name="pretty"/> block
    /// marks and the command's declared options (found from <paramref name="args"/>, the command line as typed).
    /// </summary>
    public static string Sentence(string message, IRenderable pretty, IReadOnlyList<string> args)
    {
        var (token, remark) = Marked(pretty);
        string? command = CliApp.CommandName(args);
        string help = Help(command);

        if (UnknownOptionPattern().Match(message) is { Success: true } unknown)
        {
            return UnknownOption(unknown.Groups[1].Value, args, command);
        }

        if (UnknownCommandPattern().Match(message) is { Success: true } unknownCommand)
        {
            string name = unknownCommand.Groups[1].Value;
            // `list --help extra`: the parser looks for a subcommand after --help; the word is an argument list does not take.
            if (command is not null && args.Count > 0 && args[0] != name) return $"{Label(command)} does not take the argument '{name}' ({help}).";
            var close = QuotedPattern().Match(remark ?? string.Empty);
            return close.Success ? $"Unknown command '{name}'; did you mean '{close.Groups[1].Value}'?" : $"Unknown command '{name}' (`actkit --help` lists the commands).";
        }

        if (UnmatchedArgumentPattern().Match(message) is { Success: true } unmatched)
        {
            return command is null
                ? $"Unexpected argument '{unmatched.Groups[1].Value}' (`actkit --help` lists the commands)."
                : $"{Label(command)} does not take the argument '{unmatched.Groups[1].Value}' ({help}).";
        }

        if (UnexpectedOptionPattern().Match(message) is { Success: true } early)
        {
            return $"Unknown option '{Typed(early.Groups[1].Value, args)}': options follow a command (`actkit --help` lists the commands).";
        }

        if (message.StartsWith("Flags cannot be assigned a value", StringComparison.Ordinal) && token is not null)
        {
            return FlagGivenValue(token, args.FirstOrDefault(a => a.StartsWith(token + "=", StringComparison.Ordinal)) ?? token);
        }

        if (NoValuePattern().Match(message) is { Success: true } noValue)
        {
            return $"--{noValue.Groups[1].Value} needs a value.";
        }

        if (message.StartsWith("Invalid long option name", StringComparison.Ordinal) && token is not null)
        {
            // `--a`: long names have two or more letters; suggest the short option only where the command has it.
            string name = token.TrimStart('-');
            if (name.Length == 1 && command is not null && OptionsOf(command).Any(o => o.ShortNames.Contains(name)))
            {
                return $"Unknown option '{token}'; did you mean '-{name}'?";
            }

            return remark is null || remark.StartsWith("Did you mean", StringComparison.Ordinal)
                ? $"'{token}' is not an option name ({help})."
                : $"'{token}' is not an option name: {Lower(remark)}.";
        }

        if (message.StartsWith("Option does not have a name", StringComparison.Ordinal))
        {
            return $"A lone '-' is neither an option nor a value ({help}).";
        }

        if (message.StartsWith("Expected an option value", StringComparison.Ordinal) && token is not null)
        {
            return $"'{token}' needs a value.";
        }

        // Anything else: the message, the token and the parser's remark on one line.
        string text = message.TrimEnd('.');
        if (token is not null) text += $": '{token}'";
        if (remark is not null) text += $" ({Lower(remark)})";
        return text + ".";
    }

    /// <summary>The sentence for a flag given a value it does not take (<c>--json=x</c>, <c>--grad=</c>).</summary>
    internal static string FlagGivenValue(string flag, string given) =>
        $"{flag} is a flag: give it alone (or as {flag}=true or {flag}=false), got '{given}'.";

    /// <summary>
    /// "Unknown option 'gard'" with the command's nearest option names; a letter of a bundle of short options
    /// (`-grad`, read as -g -r -a -d) is named with the bundle, and the long option the bundle spells is suggested.
    /// </summary>
    internal static string UnknownOption(string name, IReadOnlyList<string> args, string? command)
    {
        string typed = Typed(name, args);
        string what = typed.StartsWith("--", StringComparison.Ordinal) || typed == "-" + name ? $"'{name}'" : $"'{name}' in '{typed}'";
        var options = command is null ? [] : OptionsOf(command);
        var suggestions = Suggest(typed.TrimStart('-').Split('=')[0], options);

        // A single unknown letter (-j): the one long option that starts with it, if only one does (--json).
        if (suggestions.Count == 0 && typed.Length == 2 && options.SelectMany(o => o.LongNames).Distinct(StringComparer.Ordinal)
                .Where(n => n[0] == char.ToLowerInvariant(typed[1])).ToList() is [{ } only])
        {
            suggestions = [only];
        }

        if (suggestions.Count > 0) return $"Unknown option {what}; did you mean {string.Join(" or ", suggestions.Select(s => $"'--{s}'"))}?";

        // A word as typed that a command reading files or folders may have meant as one (`report -x`).
        return args.Contains(typed, StringComparer.Ordinal) && CliApp.DashPathHint(typed, command) is { } path
            ? $"Unknown option {what} ({Help(command)}); {path}."
            : $"Unknown option {what} ({Help(command)}).";
    }

    /// <summary>Where to look: the command's help, or the list of commands.</summary>
    private static string Help(string? command) =>
        command is null ? "`actkit --help` lists the commands" : $"`actkit {Label(command)} --help` lists its options";

    /// <summary>The argument the option <paramref name="name"/> came from: --name[=…], -name, or a bundle of short options holding it.</summary>
    private static string Typed(string name, IReadOnlyList<string> args)
    {
        foreach (string a in args)
        {
            if (a == "--" + name || a.StartsWith("--" + name + "=", StringComparison.Ordinal)) return "--" + name;
        }

        if (name.Length == 1)
        {
            foreach (string a in args)
            {
                if (a.Length > 2 && a[0] == '-' && a[1..].All(char.IsLetter) && a.Contains(name[0], StringComparison.Ordinal)) return a;
            }
        }

        return (name.Length == 1 ? "-" : "--") + name;
    }

    /// <summary>
    /// The long option names nearest to <paramref name="name"/>: within <see cref="Spelling.Reach"/> edits (a
    /// transposition counts 1, as in "gard" → "grad"), or ones it begins (3 letters or more: "fam" → "family").
    /// </summary>
    internal static List<string> Suggest(string name, IEnumerable<CommandOptionAttribute> options)
    {
        string key = name.ToLowerInvariant();
        if (key.Length < 2) return [];
        int reach = Spelling.Reach(key);
        var scored = options.SelectMany(o => o.LongNames)
            .Distinct(StringComparer.Ordinal)
            .Select(n => (Name: n, Distance: Spelling.DistanceOrPrefix(key, n)))
            .Where(t => t.Distance <= reach)
            .ToList();
        if (scored.Count == 0) return [];
        int best = scored.Min(t => t.Distance);
        return scored.Where(t => t.Distance == best).Select(t => t.Name).Order(StringComparer.Ordinal).Take(3).ToList();
    }

    /// <summary>The options <paramref name="command"/> declares (its settings class is nested in its command class).</summary>
    internal static List<CommandOptionAttribute> OptionsOf(string command) =>
        ErrorReporter.OwnSettings(command).SelectMany(t => t.GetProperties())
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .OfType<CommandOptionAttribute>()
            .ToList();

    /// <summary>How the user types the command: bench-mlp is `bench mlp`.</summary>
    internal static string Label(string command) => command == "bench-mlp" ? "bench mlp" : command;

    /// <summary>The token the block's ^^^ marks (from the echoed command line above it) and the remark after the marker.</summary>
    private static (string? Token, string? Remark) Marked(IRenderable pretty)
    {
        var text = new StringWriter();
        CliConsoles.ForWriters(text, TextWriter.Null, 100_000).Out.Write(pretty);
        string[] lines = text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        for (int i = 1; i < lines.Length; i++)
        {
            var marker = MarkerPattern().Match(lines[i]);
            if (!marker.Success) continue;
            int start = marker.Groups[1].Length, length = marker.Groups[2].Length;
            string echoed = lines[i - 1];
            string? token = start < echoed.Length ? echoed.Substring(start, Math.Min(length, echoed.Length - start)).Trim() : null;
            string remark = marker.Groups[3].Value.Trim();
            return (string.IsNullOrEmpty(token) ? null : token, remark.Length == 0 ? null : remark);
        }

        return (null, null);
    }

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..].TrimEnd('.');

    [GeneratedRegex(@"^Unknown option '(.*)'\.$")]
    private static partial Regex UnknownOptionPattern();

    [GeneratedRegex(@"^Unknown command '(.*)'\.$")]
    private static partial Regex UnknownCommandPattern();

    [GeneratedRegex(@"^Could not match '(.*)' with an argument\.$")]
    private static partial Regex UnmatchedArgumentPattern();

    [GeneratedRegex(@"^Unexpected option '(.*)'\.$")]
    private static partial Regex UnexpectedOptionPattern();

    [GeneratedRegex(@"^Option '(.*)' is defined but no value has been provided\.$")]
    private static partial Regex NoValuePattern();

    [GeneratedRegex(@"'([^']+)'")]
    private static partial Regex QuotedPattern();

    [GeneratedRegex(@"^( *)(\^+)(.*)$")]
    private static partial Regex MarkerPattern();
}
