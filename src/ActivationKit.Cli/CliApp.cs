using System.Reflection;
using System.Text.Json;
using ActivationKit.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli;

/// <summary>Builds and runs the actkit command tree.</summary>
public static class CliApp
{
    /// <summary>The version shown by <c>--version</c>: the assembly's informational version.</summary>
    public static string Version { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CliApp).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>Runs actkit with <paramref name="args"/>, writing to <paramref name="consoles"/>; returns the exit code.</summary>
    public static int Run(string[] args, CliConsoles consoles, bool validateExamples = false)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(consoles);
        var app = new CommandApp();
        app.Configure(config => Configure(config, consoles, validateExamples));
        try
        {
            return app.Run(Preprocess(args));
        }
        catch (Exception ex)
        {
            // Configuration errors (e.g. an invalid example) surface here rather than through the handler.
            return ErrorReporter.Report(consoles, ex);
        }
    }

    /// <summary>Runs actkit writing plain text to <paramref name="output"/> and <paramref name="error"/> (for tests).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, int width = 160)
        => Run(args, CliConsoles.ForWriters(output, error, width));

    private static void Configure(IConfigurator config, CliConsoles consoles, bool validateExamples)
    {
        config.SetApplicationName("actkit");
        config.SetApplicationVersion(Version);
        config.ConfigureConsole(consoles.Out);
        config.UseStrictParsing();
        config.Settings.Registrar.RegisterInstance(consoles);
        config.SetExceptionHandler((ex, _) => ErrorReporter.Report(consoles, ex));
        if (validateExamples) config.ValidateExamples();

        config.AddCommand<ListCommand>("list")
            .WithDescription("List every activation function with its key properties.")
            .WithExample("list")
            .WithExample("list", "--family", "rectifier")
            .WithExample("list", "--json");

        config.AddCommand<ShowCommand>("show")
            .WithDescription("Show everything known about one function, with plots of f and f′.")
            .WithExample("show", "sigmoid")
            .WithExample("show", "relu", "--no-plot")
            .WithExample("show", "tanh", "--json");

        config.AddCommand<EvalCommand>("eval")
            .WithDescription("Evaluate a function (or its derivative) over a range or a file of values.")
            .WithExample("eval", "tanh", "-x", "-3:3:0.5")
            .WithExample("eval", "sigmoid", "--range", "-10:10:0.1", "--grad", "--dtype", "f64")
            .WithExample("eval", "relu", "--in", "x.npy", "--out", "y.npy")
            .WithExample("eval", "relu", "--in", "values.csv", "--dtype", "bf16", "--out", "y.csv");

        config.AddCommand<AccuracyCommand>("accuracy")
            .WithDescription("Measure float32 forward and backward error in ULP against the double references.")
            .WithExample("accuracy")
            .WithExample("accuracy", "sigmoid", "tanh", "--samples", "200000")
            .WithExample("accuracy", "tanh", "--exhaustive")
            .WithExample("accuracy", "--json")
            .WithExample("accuracy", "--write-docs", "docs/accuracy.md");

        config.AddCommand<DocsCommand>("docs")
            .WithDescription("Regenerate docs/functions.md and the function table in README.md from the catalog.")
            .WithExample("docs")
            .WithExample("docs", "--out", ".")
            .WithExample("docs", "--check");

        // "bench FN…" times kernels (the branch's default command); further bench sub-commands (e.g. "bench mlp") are
        // added inside this branch.
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Time forward and backward kernels (ns/element) next to TensorPrimitives and a memory copy.");
            bench.SetDefaultCommand<BenchCommand>();
        });

        config.AddCommand<HashesCommand>("hashes")
            .WithDescription("SHA-256 of eval's output for every function, precision and direction (bit-identity checks).")
            .WithExample("hashes", "--in", "x.f32", "--columns", "8")
            .IsHidden();
    }

    /// <summary>Accepts <c>--x</c> for <c>--range</c> (Spectre needs long option names of two or more letters).</summary>
    private static string[] Preprocess(string[] args)
    {
        var result = new string[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            result[i] = a == "--x" ? "--range"
                : a.StartsWith("--x=", StringComparison.Ordinal) ? "--range=" + a[4..]
                : a;
        }

        return result;
    }
}

/// <summary>Turns any exception into one sentence on stderr and an exit code: never a stack trace.</summary>
internal static class ErrorReporter
{
    public static int Report(CliConsoles consoles, Exception ex)
    {
        while (ex is TargetInvocationException { InnerException: { } inner }) ex = inner;
        if (ex is AggregateException { InnerExceptions.Count: 1 } agg) ex = agg.InnerExceptions[0];

        if (ex is CommandAppException app)
        {
            if (app.Pretty is { } pretty) consoles.Error.Write(pretty);
            else consoles.ErrorWriter.WriteLine($"Error: {app.Message}");
            return ExitCodes.BadInput;
        }

        switch (ex)
        {
            case UsageException or ArgumentException or FormatException or IOException or InvalidDataException
                or UnauthorizedAccessException or NotSupportedException or OverflowException or JsonException:
                consoles.ErrorWriter.WriteLine($"Error: {Message(ex)}");
                return ExitCodes.BadInput;
            case OperationCanceledException:
                consoles.ErrorWriter.WriteLine("Cancelled.");
                return ExitCodes.Failed;
            default:
                consoles.ErrorWriter.WriteLine($"Internal error ({ex.GetType().Name}): {ex.Message}");
                return ExitCodes.InternalError;
        }
    }

    /// <summary>The message without .NET's " (Parameter 'x')" suffix.</summary>
    internal static string Message(Exception ex)
    {
        string message = ex.Message;
        if (ex is ArgumentException { ParamName: { } param })
        {
            string suffix = $" (Parameter '{param}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal)) message = message[..^suffix.Length];
        }

        return message;
    }
}
