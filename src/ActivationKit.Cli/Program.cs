using Spectre.Console;

namespace ActivationKit.Cli;

/// <summary>Entry point of <c>actkit</c>.</summary>
public static class Program
{
    /// <summary>Runs actkit on the process's console; the exit code is 0 on success, 2 on bad input.</summary>
    public static int Main(string[] args)
    {
        var output = AnsiConsole.Console;
        var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        // Piped output has no terminal to wrap to: give tables room instead of the 80-column default.
        if (Console.IsOutputRedirected) output.Profile.Width = 200;
        if (Console.IsErrorRedirected) error.Profile.Width = 200;
        return CliApp.Run(args, new CliConsoles(output, error));
    }
}
