using Spectre.Console;

namespace ActivationKit.Cli;

/// <summary>
/// Where a command writes: <see cref="Out"/> for results (tables, data, JSON), <see cref="Error"/> for errors and
/// progress, so piping stdout stays clean. Injected into every command so tests can capture both.
/// </summary>
public sealed class CliConsoles(IAnsiConsole output, IAnsiConsole error)
{
    /// <summary>Standard output as a Spectre console (tables, rules, plots).</summary>
    public IAnsiConsole Out { get; } = output;

    /// <summary>Standard error as a Spectre console (messages, progress bars).</summary>
    public IAnsiConsole Error { get; } = error;

    /// <summary>Standard output as plain text: JSON and data go here unwrapped and without markup.</summary>
    public TextWriter OutWriter => Out.Profile.Out.Writer;

    /// <summary>Standard error as plain text.</summary>
    public TextWriter ErrorWriter => Error.Profile.Out.Writer;

    /// <summary>Consoles writing plain text (no colours, no animation) to the given writers: for tests and redirection.</summary>
    public static CliConsoles ForWriters(TextWriter output, TextWriter error, int width = 160)
    {
        return new CliConsoles(Plain(output, width), Plain(error, width));

        static IAnsiConsole Plain(TextWriter writer, int width)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(writer),
            });
            console.Profile.Width = width;
            return console;
        }
    }
}
