using System.Reflection;
using System.Text.Json;
using ActivationKit.Cli.Commands;
using ActivationKit.Nn.Experiments;
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
        app.Configure(config => Configure(config, consoles, validateExamples, args));
        try
        {
            return app.Run(Preprocess(args));
        }
        catch (Exception ex)
        {
            // Configuration errors (e.g. an invalid example) surface here rather than through the handler.
            return ErrorReporter.Report(consoles, ex, args);
        }
    }

    /// <summary>Runs actkit writing plain text to <paramref name="output"/> and <paramref name="error"/> (for tests).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, int width = 160)
        => Run(args, CliConsoles.ForWriters(output, error, width));

    private static void Configure(IConfigurator config, CliConsoles consoles, bool validateExamples, string[] args)
    {
        config.SetApplicationName("actkit");
        config.SetApplicationVersion(Version);
        config.ConfigureConsole(consoles.Out);
        config.UseStrictParsing();
        config.Settings.Registrar.RegisterInstance(consoles);
        config.SetExceptionHandler((ex, _) => ErrorReporter.Report(consoles, ex, args));
        config.SetInterceptor(new EndOfOptionsInterceptor());
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
            .WithDescription("Measure forward and backward error in ULP against the double references: float32 inputs, Half / bfloat16, or rows of row-wise and gated functions.")
            .WithExample("accuracy")
            .WithExample("accuracy", "sigmoid", "tanh", "--samples", "200000")
            .WithExample("accuracy", "tanh", "--exhaustive")
            .WithExample("accuracy", "--dtype", "bf16")
            .WithExample("accuracy", "softmax", "glu", "--columns", "10,1000")
            .WithExample("accuracy", "--json")
            .WithExample("accuracy", "--write-docs", "docs/accuracy.md");

        config.AddCommand<DocsCommand>("docs")
            .WithDescription("Regenerate docs/functions.md, docs/advisor.md and the function table in README.md from the catalog.")
            .WithExample("docs")
            .WithExample("docs", "--out", ".")
            .WithExample("docs", "--check");

        config.AddCommand<RecommendCommand>("recommend")
            .WithDescription("Recommend activations for a model, task and layer, with init, loss, reasons and caveats; --try measures the ranking.")
            .WithExample("recommend", "--model", "mlp", "--task", "multilabel", "--layer", "output")
            .WithExample("recommend", "--model", "cnn", "--layer", "hidden", "--depth", "20", "--symptom", "vanishing-gradients")
            .WithExample("recommend", "--model", "lstm", "--layer", "gate", "--json")
            .WithExample("recommend", "--layer", "hidden", "--try", "spirals");

        config.AddCommand<CheckCommand>("check")
            .WithDescription("List the problems of a network spec (JSON) or saved model, each with a fix; exit 1 on a warning or critical problem (info-level findings alone exit 0).")
            .WithExample("check", "net.json")
            .WithExample("check", "model.akm", "--json");

        config.AddCommand<ProblemsCommand>("problems")
            .WithDescription("Known activation problems: which functions have them, how they are detected and fixed.")
            .WithExample("problems")
            .WithExample("problems", "vanishing-gradients")
            .WithExample("problems", "relu", "--json");

        config.AddCommand<TrainCommand>("train")
            .WithDescription("Train an MLP on a built-in, Fashion-MNIST, CSV or .npy dataset; report train/validation/test metrics.")
            .WithExample("train", "--data", "spirals", "--hidden", "64,64", "--activation", "gelu", "--epochs", "50")
            .WithExample("train", "--data", "fashion-mnist", "--hidden", "256,128", "--epochs", "5", "--batch", "128")
            .WithExample("train", "--data", "iris.csv", "--target", "species", "--save", "iris.akm")
            .WithExample("train", "--data", "sine", "--activation", "tanh", "--loss", "huber", "--json");

        config.AddCommand<PredictCommand>("predict")
            .WithDescription("Run a model saved by train --save on the rows of a CSV or .npy file.")
            .WithExample("predict", "--model", "iris.akm", "--in", "flowers.csv")
            .WithExample("predict", "--model", "model.akm", "--in", "x.npy", "--out", "y.npy");

        // bench is a branch: `bench FN…` times kernels, `bench mlp` times training. Preprocess turns `bench …` into
        // `bench kernels …` (unless it is `bench mlp`), so that `bench --help` shows the kernel options and an unknown
        // option is reported as one (the parser's default command took `relu` for an unknown command). The branch has no
        // default command: with one, the parser fell back to it when `bench mlp` met an option only kernels takes
        // (`bench mlp --reps 1`) or a word, and reported "Unknown activation 'mlp'".
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Benchmarks with side-by-side anchors (see docs/performance.md): kernels (ns/element) by default, `bench mlp` for training.");
            bench.AddCommand<BenchCommand>("kernels")
                .WithDescription("Time our kernels forward and backward (from the input, and from the output where the function has one) next to TensorPrimitives and a memory copy, in ns/element (`actkit bench mlp` times training). `kernels` may be left out.")
                .WithExample("bench", "kernels", "sigmoid", "gelu", "--sizes", "262144")
                .WithExample("bench", "kernels", "softmax", "--shapes", "1024x1000")
                .WithExample("bench", "kernels", "--dtype", "f64", "--json");
            bench.AddCommand<BenchMlpCommand>("mlp")
                .WithDescription("Time one training epoch of the 784-256-128-10 Adam MLP on 60,000 random samples (the PyTorch anchor's job).")
                .WithExample("bench", "mlp")
                .WithExample("bench", "mlp", "--threads", "2", "--json");
        });

        config.AddCommand<CompareCommand>("compare")
            .WithDescription("Train the same network once per activation and seed; rank the activations by test accuracy. Ctrl-C or SIGTERM stops it with the finished trials saved (exit 130 or 143); the same command resumes.")
            .WithExample("compare")
            .WithExample("compare", "--data", "fashion-mnist", "--activations", "relu,gelu,tanh", "--hidden", "128", "--epochs", "5", "--samples", "6000")
            .WithExample("compare", "--activations", "'relu,leaky_relu(0.2),sigmoid@zeros'", "--seeds", "5", "--out", "results/")
            .WithExample("compare", "--shard", "0/4", "--out", "results/")
            .WithExample("compare", "--json");

        config.AddCommand<ReportCommand>("report")
            .WithDescription("Merge the results folders of a comparison (its shards) and print the ranked table; optionally an HTML report. Exit 3 when trials are missing (a warning on stderr says how many), unless --allow-incomplete.")
            .WithExample("report", "results/")
            .WithExample("report", "results/", "--html", "report.html")
            .WithExample("report", "results/", "--images", "docs/img/")
            .WithExample("report", "shard0/", "shard1/", "--json");

        config.AddCommand<PlotCommand>("plot")
            .WithDescription("Plot functions (and derivatives) in the terminal, or to a PNG/SVG file; --all draws a gallery.")
            .WithExample("plot", "relu", "gelu", "--grad")
            .WithExample("plot", "'leaky_relu(0.2)'", "elu", "--range", "-3:3", "--out", "rectifiers.png")
            .WithExample("plot", "tanh", "--grad", "--out", "tanh.svg")
            .WithExample("plot", "--all", "--out", "gallery.png")
            .WithExample("plot", "--histograms", "results/", "--activation", "relu", "--layer", "1", "--out", "relu-layer1.png")
            .WithExample("plot", "--fractions", "results/", "--activation", "tanh");

        config.AddCommand<DiagnoseCommand>("diagnose")
            .WithDescription("Find dead units, saturation, vanishing/exploding gradients, exploding activations, collapse and init/output problems in dumped arrays or a saved model.")
            .WithExample("diagnose", "activations/", "--activation", "relu")
            .WithExample("diagnose", "activations/", "--json")
            .WithExample("diagnose", "--model", "model.akm", "--data", "spirals");

        config.AddCommand<HashesCommand>("hashes")
            .WithDescription("SHA-256 of eval's output for every function, precision and direction (bit-identity checks).")
            .WithExample("hashes", "--in", "x.f32", "--columns", "8")
            .IsHidden();

        config.AddCommand<RowHashesCommand>("row-hashes")
            .WithDescription("SHA-256 of the float softmax, softmin and log_softmax rows over a fixed set of hard rows (bit-identity checks across ISA paths).")
            .WithExample("row-hashes")
            .IsHidden();
    }

    /// <summary>
    /// Splits a bundle of short options (<c>-gt</c>) into its options (<c>-g -t</c>) when every letter is one of the
    /// command's: the parser takes bundles of flags only, so `eval relu -x 0:1:1 -gt f64` was a multi-line "Option
    /// 'dtype' is defined but no value has been provided" (F13). A bundle with a letter the command lacks is left to the
    /// parser, whose unknown option is reported with the long option the bundle may spell (`-grad`: did you mean --grad?).
    /// </summary>
    private static List<string> SplitBundles(string[] args, string? command)
    {
        var result = new List<string>(args.Length);
        bool options = true;
        foreach (string a in args)
        {
            if (a == "--") options = false;
            if (options && a.Length > 2 && a[0] == '-' && a[1..].All(char.IsAsciiLetter) && !IsNegativeValue(a)
                && a[1..].All(c => ErrorReporter.OptionProperties("-" + c, command, ownOnly: true).Count > 0))
            {
                result.AddRange(a[1..].Select(c => "-" + c));
                continue;
            }

            result.Add(a);
        }

        return result;
    }

    /// <summary>
    /// Joins an option that takes a value to a following word that starts with a single '-' but is none of the command's
    /// options (<c>--out -x.png</c> → <c>--out=-x.png</c>), as getopt and `--out=-x.png` read it: the parser took every
    /// such word for options, so `plot relu --out -x.png` was "--out needs a value" and `accuracy --write-docs -a.md` an
    /// unknown short option '.'. What reads as options stays options, so a forgotten value is still said to be missing:
    /// a word starting with "--" (<c>--out --json</c>), a lone letter (<c>-g</c>, and the letters of a bundle split
    /// before this), a lone '-' (refused next), and a long option written with one dash (<c>-json</c>, which the parser
    /// answers with "did you mean '--json'?"). Runs before the checks below, which then see <c>--out=-x.png</c>.
    /// </summary>
    private static List<string> JoinDashValues(List<string> args, string? command)
    {
        var longNames = command is null ? [] : ParserErrors.OptionsOf(command).SelectMany(o => o.LongNames).ToHashSet(StringComparer.Ordinal);
        bool ReadsAsOptions(string word) =>
            word.Length <= 2 || word[1] == '-' || longNames.Contains(word[1..].Split('=')[0]);
        bool TakesValue(string token) =>
            IsOption(token) && !token.Contains('=', StringComparison.Ordinal)
            && ErrorReporter.OptionProperties(token, command, ownOnly: true).Any(p => p.GetCustomAttribute<CommandOptionAttribute>() is { ValueName: not null });

        var result = new List<string>(args.Count);
        for (int i = 0; i < args.Count; i++)
        {
            string token = args[i];
            if (token == "--")
            {
                result.AddRange(args.Skip(i));
                break;
            }

            if (i + 1 < args.Count && args[i + 1].StartsWith('-') && !ReadsAsOptions(args[i + 1]) && TakesValue(token))
            {
                result.Add(token + "=" + args[++i]);
                continue;
            }

            result.Add(token);
        }

        return result;
    }

    /// <summary>
    /// Refuses a lone '-' (standard input or output in many tools; actkit reads and writes named files) and an empty
    /// <c>--option=</c> value with a sentence: the parser's were multi-line "Option does not have a name." (for
    /// `predict --in -`) and "Expected an option value." (for `eval tanh --range=`) blocks (F13).
    /// </summary>
    private static void RefuseDashAndEmptyValues(string[] args, string? command)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") return;
            string? option;
            string value;
            if (a == "-")
            {
                // The value of the option before it, if that takes one (after a flag it is a stray word).
                option = i > 0 && IsOption(args[i - 1]) && !args[i - 1].Contains('=', StringComparison.Ordinal)
                    && ErrorReporter.OptionProperties(args[i - 1], command, ownOnly: true).Any(p => p.GetCustomAttribute<CommandOptionAttribute>() is { ValueName: not null })
                    ? args[i - 1] : null;
                value = a;
            }
            else if (IsOption(a) && a.IndexOf('=', StringComparison.Ordinal) is > 0 and int eq && a[(eq + 1)..] is "" or "-")
            {
                option = a[..eq];
                value = a[(eq + 1)..];
            }
            else
            {
                continue;
            }

            var attribute = option is null ? null : ErrorReporter.OptionProperties(option, command, ownOnly: true)
                .Select(p => p.GetCustomAttribute<CommandOptionAttribute>()).FirstOrDefault(o => o is not null);
            if (attribute is null)
            {
                // An unknown option (the parser's answer to `--bogus=` was "Expected an option value").
                if (option is not null) throw new UsageException(ParserErrors.UnknownOption(option.TrimStart('-'), args, command));
                throw new UsageException("A lone '-' is neither an option nor a value (actkit reads and writes named files, not standard input through '-').");
            }

            if (attribute.ValueName is not { } kind) throw new UsageException(ParserErrors.FlagGivenValue(option!, a));
            if (value.Length == 0) throw new UsageException($"{option} needs a value (nothing follows '=').");
            string? what = kind.Contains("FILE", StringComparison.Ordinal) ? "file" : kind is "DIR" or "FOLDER" ? "folder" : null;
            throw new UsageException(what is null
                ? $"{option} needs a value, got '-'."
                : $"{option} takes a {what} name, not '-' (actkit reads and writes named files, not standard input or output through '-').");
        }
    }

    /// <summary>
    /// Refuses an option given twice unless it is a list (recommend's --symptom and --constraint): the parser kept the
    /// last value, so `list --family rectifier --family gated` listed the gated functions only and `eval -x 0:1:0.5
    /// -x 0:2:1` evaluated the second range without a word (F14). Runs after <see cref="RequireOptionValues"/>, so every
    /// option token here is an option and not a value.
    /// </summary>
    private static void RefuseRepeatedOptions(string[] args, string? command)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string token in args)
        {
            if (token == "--") return;
            if (!IsOption(token)) continue;
            string spelled = token.Split('=')[0];
            var property = ErrorReporter.OptionProperties(spelled, command, ownOnly: true).FirstOrDefault();
            if (property?.GetCustomAttribute<CommandOptionAttribute>() is not { } option || property.PropertyType.IsArray) continue;
            string name = option.LongNames.Count > 0 ? "--" + option.LongNames[0] : "-" + option.ShortNames[0];
            if (seen.TryGetValue(name, out string? first))
            {
                throw new UsageException(first == spelled ? $"{spelled} was given twice." : $"{name} was given twice (as {first} and {spelled}).");
            }

            seen[name] = spelled;
        }
    }

    /// <summary>
    /// Refuses words after <c>--version</c> (and <c>-v</c>), which printed the version and ignored them: `actkit
    /// --version extra` succeeded (F14).
    /// </summary>
    private static void RefuseVersionArguments(string[] args)
    {
        if (args is ["--version" or "-v", { } extra, ..]) throw new UsageException($"{args[0]} takes no arguments, got '{extra}'.");
    }

    /// <summary>
    /// Refuses an option that needs a value but was given none (the last argument, or followed by another option): the
    /// parser would fill in its internal placeholder '__default_command' instead, so `train --save` wrote a model file
    /// of that name and `train --data` looked for a dataset of that name.
    /// </summary>
    private static void RequireOptionValues(string[] args)
    {
        string? command = CommandName(args);
        for (int i = 0; i < args.Length; i++)
        {
            string token = args[i];
            // After "--" every argument is a value, as the sibling checks above read it.
            if (token == "--") return;
            if (!IsOption(token) || token.Contains('=', StringComparison.Ordinal)) continue;
            if (i + 1 < args.Length && !IsOption(args[i + 1])) continue;
            // Only the command's own options: another command's --sizes given to train is an unknown option, not a missing
            // value. (--x is found as eval's -x.)
            if (ErrorReporter.OptionProperties(token, command, ownOnly: true).Any(p => p.GetCustomAttribute<CommandOptionAttribute>() is { ValueName: not null, ValueIsOptional: false }))
            {
                throw new UsageException($"{token} needs a value.");
            }
        }
    }

    /// <summary>
    /// True for an option token (<c>--grad</c>, <c>-x</c>), false for a value, including a negative number or range
    /// (<c>-inf:1:1</c>, <c>-.5:.5:.5</c>, <c>-5:5</c>, <c>-nan</c>, <c>-∞</c>), which starts with '-' too.
    /// </summary>
    internal static bool IsOption(string token) =>
        token.StartsWith("--", StringComparison.Ordinal) || (token.Length >= 2 && token[0] == '-' && char.IsLetter(token[1]) && !IsNegativeValue(token));

    /// <summary>
    /// A value that begins with a minus sign: a digit or '.' after it, or inf, nan or ∞ (then the end of the token or a
    /// ':' or ',' that starts the next part of a range or list).
    /// </summary>
    internal static bool IsNegativeValue(string token)
    {
        if (token.Length < 2 || token[0] != '-' || token.StartsWith("--", StringComparison.Ordinal)) return false;
        string rest = token[1..];
        if (char.IsDigit(rest[0]) || rest[0] == '.' || rest[0] == '∞') return true;
        foreach (string word in new[] { "infinity", "inf", "nan" })
        {
            if (rest.StartsWith(word, StringComparison.OrdinalIgnoreCase) && (rest.Length == word.Length || rest[word.Length] is ':' or ','))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Refuses a short option written with its value joined on (<c>eval relu -x0:1:1</c>), which the parser called "Short
    /// option does not have a valid name: '0'": the message says how to write it. A bundle of flags (-abc) was split
    /// before this, and --long=value is the parser's own.
    /// </summary>
    private static void RefuseJoinedShortValues(string[] args, string? command)
    {
        static bool TakesValue(string option, string? command) =>
            ErrorReporter.OptionProperties(option, command, ownOnly: true).Any(p => p.GetCustomAttribute<CommandOptionAttribute>() is { ValueName: not null });
        for (int i = 0; i < args.Length; i++)
        {
            string token = args[i];
            if (token == "--") return;
            if (token.Length < 3 || token[0] != '-' || token[1] == '-' || !char.IsAsciiLetter(token[1]) || token[2] == '=' || IsNegativeValue(token)) continue;

            // The value of the option before it (--activation -inf is a value, whatever it reads like).
            if (i > 0 && args[i - 1].StartsWith('-') && !args[i - 1].Contains('=', StringComparison.Ordinal) && TakesValue(args[i - 1], command)) continue;
            string option = token[..2];
            if (TakesValue(option, command))
            {
                string value = token[2..];
                string? path = DashPathHint(token, command);
                throw new UsageException(path is null
                    ? $"'{token}' joins {option} and its value; write {option} {value} or {option}={value}, with a space or '=' between them."
                    : $"'{token}' joins {option} and its value; write {option} {value} or {option}={value}, or, {path}.");
            }
        }
    }

    /// <summary>
    /// Marks the start of a word after the end-of-options marker <c>--</c> that starts with '-' (see
    /// <see cref="EndOfOptionsInterceptor"/>, which takes the mark off again), and drops the marker: the parser took
    /// every word after <c>--</c> for its "remaining arguments", which no command reads, so `check -- net.json` was
    /// "missing required argument 'FILE'", and still read a word such as <c>-s1.json</c> there as options. A word
    /// without a leading '-' needs no mark. Runs after the checks above, which all stop at <c>--</c>.
    /// </summary>
    private static string[] EndOptions(string[] args)
    {
        int end = Array.IndexOf(args, "--");
        if (end < 0) return args;
        return [.. args[..end], .. args[(end + 1)..].Select(a => a.StartsWith('-') ? EndOfOptionsInterceptor.Mark + a : a)];
    }

    /// <summary>
    /// Refuses, with a sentence, a word that starts with a single '-' but cannot be an option: a letter followed by
    /// something other than letters (<c>-s1.json</c>, <c>-x.d</c>) before any '=' — the parser's was "Short option does
    /// not have a valid name: '1'". For a command that reads files or folders the sentence says how to name one that
    /// starts with '-' (./-s1.json, or after --). Negative numbers and ranges (-5:5, -inf) are values, and a short
    /// option with its value joined on (-x0:1:1) was answered before this.
    /// </summary>
    private static void RefuseDashWords(string[] args, string? command)
    {
        foreach (string token in args)
        {
            if (token == "--") return;
            if (token.Length < 3 || token[0] != '-' || token[1] == '-' || !char.IsLetter(token[1]) || IsNegativeValue(token)) continue;
            string name = token[1..].Split('=', ':')[0];
            if (name.All(char.IsLetter)) continue;
            string? path = DashPathHint(token, command);
            string help = command is null ? "`actkit --help` lists the commands" : $"`actkit {ParserErrors.Label(command)} --help` lists its options";
            throw new UsageException(path is null ? $"'{token}' is not an option ({help})." : $"'{token}' is not an option; {path}.");
        }
    }

    /// <summary>
    /// How to name a file or folder <paramref name="word"/> that starts with '-' — "if '-x' is a file, write ./-x or
    /// put it after -- (`actkit check -- -x`)" — for a command whose arguments are files or folders (check, diagnose,
    /// report); null for the others, whose arguments are names (a function, a problem).
    /// </summary>
    internal static string? DashPathHint(string word, string? command)
    {
        string? kind = ErrorReporter.OwnSettings(command).SelectMany(t => t.GetProperties())
            .Select(p => p.GetCustomAttribute<CommandArgumentAttribute>()?.ValueName)
            .FirstOrDefault(v => v is "FILE" or "FOLDER" or "DIR");
        if (kind is null) return null;
        string what = kind == "FILE" ? "file" : "folder";
        return $"if '{word}' is a {what}, write ./{word} or put it after -- (`actkit {ParserErrors.Label(command!)} -- {word}`)";
    }

    /// <summary>
    /// Joins an option that needs a value to a following negative value (<c>-x -inf:1:1</c> → <c>-x=-inf:1:1</c>): the
    /// parser reads a token that starts with '-' as options, so `eval tanh -x -inf:1:1` was "-x needs a value." and
    /// `-x -.5:.5:.5` a multi-line "Short option does not have a valid name" error.
    /// </summary>
    private static List<string> JoinNegativeValues(List<string> args, string? command)
    {
        var result = new List<string>(args.Count);
        for (int i = 0; i < args.Count; i++)
        {
            string token = args[i];
            if (i + 1 < args.Count && IsOption(token) && !token.Contains('=', StringComparison.Ordinal) && IsNegativeValue(args[i + 1])
                && ErrorReporter.OptionProperties(token, command, ownOnly: true).Any(p => p.GetCustomAttribute<CommandOptionAttribute>() is { ValueName: not null, ValueIsOptional: false }))
            {
                result.Add(token + "=" + args[++i]);
                continue;
            }

            result.Add(token);
        }

        return result;
    }

    /// <summary>
    /// Refuses a word after <c>bench mlp</c> that is no option's value (the parser called `bench mlp relu` an unknown
    /// command 'relu'). An unknown option stops the check: the parser names it, and the word may be its value.
    /// </summary>
    private static void RefuseBenchMlpArguments(string[] args)
    {
        if (args is not ["bench", "mlp", ..]) return;
        for (int i = 2; i < args.Length; i++)
        {
            string token = args[i];
            if (token.StartsWith('-'))
            {
                var option = ErrorReporter.OptionProperties(token.Split('=')[0], "bench-mlp", ownOnly: true);
                if (option.Count == 0) return;
                if (!token.Contains('=', StringComparison.Ordinal) && option[0].GetCustomAttribute<CommandOptionAttribute>() is { ValueName: not null }) i++;
                continue;
            }

            throw new UsageException($"bench mlp takes options only (--threads N, --activation SPEC, --json), got '{token}'; `actkit bench FUNCTION…` times kernels.");
        }
    }

    /// <summary>The command <paramref name="args"/> run: its first word, and <c>bench mlp</c> as one name (bench-mlp).</summary>
    internal static string? CommandName(IReadOnlyList<string> args)
    {
        string? command = args.Count > 0 && !args[0].StartsWith('-') ? args[0] : null;
        return command == "bench" && args.Count > 1 && args[1] == "mlp" ? "bench-mlp" : command;
    }

    /// <summary>
    /// Checks what the parser cannot and rewrites what it does not take: <c>--x</c> is <c>--range</c> for the commands
    /// whose range is also <c>-x</c> (Spectre needs long option names of two or more letters), and only for them — every
    /// command's `--x=3` used to become `--range=3`, so `list --x=3` was refused as an unknown option 'range' the user
    /// never typed.
    /// </summary>
    private static string[] Preprocess(string[] typed)
    {
        // Words after -- are operands, not the bench branch's keywords: `bench -- mlp` is the kernels command's function
        // 'mlp' (unknown), as `bench --json -- mlp` already was, not `bench mlp`, which EndOptions made of it.
        if (typed is ["bench", "--", ..]) typed = ["bench", "kernels", .. typed[1..]];
        string? command = CommandName(typed);
        string[] args = [.. JoinDashValues(SplitBundles(typed, command), command)];
        RefuseJoinedShortValues(args, CommandName(args));
        RefuseDashAndEmptyValues(args, CommandName(args));
        RefuseVersionArguments(args);
        RequireOptionValues(args);
        RefuseRepeatedOptions(args, CommandName(args));
        RefuseBenchMlpArguments(args);
        RefuseDashWords(args, CommandName(args));
        args = EndOptions(args);
        bool takesX = ErrorReporter.OptionProperties("-x", CommandName(args), ownOnly: true)
            .Any(p => p.GetCustomAttribute<CommandOptionAttribute>()?.LongNames.Contains("range") == true);
        var result = new List<string>(args.Length + 1);
        foreach (string a in args)
        {
            bool x = a == "--x" || a.StartsWith("--x=", StringComparison.Ordinal);

            // The parser's own answer would be "Invalid long option name. Did you mean -x?", which these commands lack too.
            if (x && !takesX) throw new UsageException("Unknown option '--x' (--x is eval's range).");
            result.Add(!x ? a : a == "--x" ? "--range" : "--range=" + a[4..]);
        }

        result = JoinNegativeValues(result, CommandName(args));

        // `bench FN… [options]` is `bench kernels FN… [options]` (see the bench branch).
        if (result is ["bench", ..] && !(result.Count > 1 && result[1] is "mlp" or "kernels")) result.Insert(1, "kernels");
        return [.. result];
    }
}

/// <summary>Turns any exception into one sentence on stderr and an exit code: never a stack trace.</summary>
internal static partial class ErrorReporter
{
    public static int Report(CliConsoles consoles, Exception ex, IReadOnlyList<string>? args = null)
    {
        ex = Unwrapped(ex);

        if (ex is CommandAppException app)
        {
            string message = app.Pretty is { } pretty
                ? ParserErrors.Sentence(app.Message, pretty, args ?? [])
                : ConversionMessage(app.Message, args) ?? app.Message;
            // Every message goes out through TerminalText.Safe: the last guard for user text that reaches a message
            // unescaped (an option's value echoed back, a name in a library's message), which printed a NUL or an
            // escape sequence raw to the terminal; the messages escape what they quote themselves.
            consoles.ErrorWriter.WriteLine($"Error: {TerminalText.Safe(EndOfOptionsInterceptor.Unmarked(message))}");
            return ExitCodes.BadInput;
        }

        // A file that could not be written to its end (a full disk) is no bad input: the command could not keep its
        // result. The message names the file asked for; the file it was to replace, if any, is as it was.
        if (ex is ActivationKit.IO.WriteFailedException)
        {
            consoles.ErrorWriter.WriteLine($"Error: {TerminalText.Safe(ex.Message)}");
            return ExitCodes.Failed;
        }

        // A write to a closed standard output (`actkit list >&-`) is neither bad input nor a bug, and the runtime's
        // message ("Access to the path is denied.") says neither. The runtime reports a closed descriptor (EBADF) as
        // UnauthorizedAccessException, and any other failed write as an IOException with the system's reason: a full
        // disk (`actkit list > /dev/full`) was called a closed output too. (A pipe whose reader has gone,
        // `actkit eval … | head`, is not an error: the runtime drops those writes, and actkit exits 0 as other tools do.)
        if (ex is IOException or UnauthorizedAccessException && ex.TargetSite?.DeclaringType?.FullName == "System.ConsolePal")
        {
            string why = ex is UnauthorizedAccessException ? "standard output is closed" : ExceptionMessages.IoCause(ex);
            consoles.ErrorWriter.WriteLine($"Error: could not write the output: {why}.");
            return ExitCodes.Failed;
        }

        if (IsRuntimeArgumentError(ex))
        {
            consoles.ErrorWriter.WriteLine($"Internal error ({ex.GetType().Name}): {TerminalText.Safe(Message(ex))}");
            return ExitCodes.InternalError;
        }

        switch (ex)
        {
            case UsageException or ArgumentException or FormatException or IOException or InvalidDataException
                or UnauthorizedAccessException or NotSupportedException or OverflowException or JsonException:
                consoles.ErrorWriter.WriteLine($"Error: {TerminalText.Safe(EndOfOptionsInterceptor.Unmarked(WithTargetHint(Message(ex), args)))}");
                return ExitCodes.BadInput;
            case OutOfMemoryException:
                // What ran out is what was asked for (train checks its network first; this is every other case): bad
                // input, not a bug to report ("Internal error (OutOfMemoryException)", exit 70).
                consoles.ErrorWriter.WriteLine("Error: Not enough memory for what was asked; ask for less (fewer samples or values, narrower layers, smaller sizes), and report it as a bug if a small request runs out too.");
                return ExitCodes.BadInput;
            case OperationCanceledException:
                consoles.ErrorWriter.WriteLine("Cancelled.");
                return ExitCodes.Failed;
            default:
                consoles.ErrorWriter.WriteLine($"Internal error ({ex.GetType().Name}): {TerminalText.Safe(ex.Message)}");
                return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// <paramref name="message"/>, with a sentence added when it is about the --target of train or recommend (a target
    /// column there) and that --target looks like an accuracy (0.9, 90%: a fraction or a percentage, never a column's
    /// index): compare's --target of the same name is the accuracy to reach, and `train --target 0.9` said only "no
    /// column named '0.9'". A whole number stays unexplained: it is a column index as often as not.
    /// </summary>
    internal static string WithTargetHint(string message, IReadOnlyList<string>? args)
    {
        if (args is not [("train" or "recommend") and var command, ..]) return message;
        string? value = null;
        for (int i = 1; i < args.Count && value is null; i++)
        {
            if (args[i] == "--") break;
            if (args[i] == "--target" && i + 1 < args.Count) value = args[i + 1];
            else if (args[i].StartsWith("--target=", StringComparison.Ordinal)) value = args[i]["--target=".Length..];
        }

        if (value is null || !LooksLikeAccuracy(value)) return message;
        if (!message.Contains($"'{value}'", StringComparison.Ordinal) && !message.Contains("--target", StringComparison.Ordinal)) return message;
        return $"{message.TrimEnd()} {command}'s --target names the target column; an accuracy to reach is compare's --target (also spelled --target-accuracy).";
    }

    /// <summary>A number with a fractional part (0.9) or a percentage (90%): no column index looks like that.</summary>
    private static bool LooksLikeAccuracy(string value)
    {
        string t = value.Trim();
        if (t.EndsWith('%')) t = t[..^1];
        else if (!t.Contains('.', StringComparison.Ordinal)) return false;
        return double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && double.IsFinite(v);
    }

    /// <summary>
    /// The exception to report for <paramref name="ex"/>: a reflection wrapper's inner exception, and for an
    /// <see cref="AggregateException"/> (parallel trials) whose inner exceptions, flattened, are all of one type, the
    /// first of them — two trials that ran out of memory at once were "Internal error (AggregateException)", exit 70,
    /// where one was the out-of-memory sentence. An aggregate of different kinds stays an internal error.
    /// </summary>
    internal static Exception Unwrapped(Exception ex)
    {
        while (true)
        {
            if (ex is TargetInvocationException { InnerException: { } inner }) ex = inner;
            else if (ex is AggregateException agg && agg.Flatten().InnerExceptions is { Count: > 0 } all && all.All(e => e.GetType() == all[0].GetType())) ex = all[0];
            else return ex;
        }
    }

    /// <summary>
    /// True for an <see cref="ArgumentException"/> that the runtime threw about an argument actkit made rather than
    /// about what the user gave: a CSV line of over 10⁹ characters once ended with the line reader's "minimumLength
    /// ('-2147483648') must be a non-negative value" printed as if it were about the input, exit 2 (the CSV reader now
    /// stops at 16 Mi characters a line and 1 GiB a file, so that no longer happens; a runtime message of that kind
    /// would still be a bug). An exception thrown by actkit's code, directly or through the exception types' own guards
    /// (<c>ArgumentOutOfRangeException.ThrowIfNegative</c>), is bad input, as is one without a stack trace.
    /// </summary>
    /// <remarks>
    /// Which runtime API actkit called decides — the outermost runtime frame below actkit's, past the runtime's throw
    /// helpers. An API that is handed the user's text refuses that text with an ArgumentException: a path with a NUL
    /// or one that is empty (<see cref="Path"/>, <see cref="File"/>, <see cref="Directory"/>, FileInfo, FileStream, the
    /// constructors of StreamReader and StreamWriter that open a path), a regular expression, an encoding, enum or
    /// culture name. Those are bad input even where no actkit check caught the value first, so they are never called
    /// internal errors (the commands check their paths where they take them, which names the option; this is the net
    /// beneath). Every other runtime ArgumentException — a list index, a buffer size, a duplicate dictionary key — is
    /// an argument actkit computed, so it is an internal error (exit 70). The rule was not dropped: without it such a
    /// bug would be printed as a sentence about the input, with the bad-input exit code, and go unreported.
    /// </remarks>
    internal static bool IsRuntimeArgumentError(Exception ex)
    {
        if (ex is not ArgumentException) return false;
        var frames = new System.Diagnostics.StackTrace(ex, fNeedFileInfo: false).GetFrames();
        System.Reflection.MethodBase? entry = null;
        foreach (var frame in frames)
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (type is null) continue;
            if (entry is null && IsGuard(type)) continue;
            if (IsActivationKit(type))
            {
                // actkit threw it itself (no runtime frame above), or called the runtime API `entry`.
                return entry is not null && !TakesUserText(entry, ex);
            }

            entry = method;
        }

        // No actkit frame (e.g. thrown on another thread without one): the runtime's own, unless it was a user-text API.
        return entry is not null && !TakesUserText(entry, ex);
    }

    /// <summary>The exception types' own guards and the runtime's throw helpers, which stand above the frame that threw.</summary>
    private static bool IsGuard(Type type) =>
        type == typeof(ArgumentException) || type == typeof(ArgumentNullException) || type == typeof(ArgumentOutOfRangeException)
        || type.Name == "ThrowHelper";

    private static bool IsActivationKit(Type type)
    {
        string ns = type.Namespace ?? string.Empty;
        return ns == "ActivationKit" || ns.StartsWith("ActivationKit.", StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether the runtime method <paramref name="entry"/>, the API actkit called (or, where the JIT inlined that call,
    /// the first method it calls), takes the user's text: paths, patterns, encoding, enum and culture names
    /// (<see cref="IsRuntimeArgumentError"/>).
    /// </summary>
    private static bool TakesUserText(System.Reflection.MethodBase entry, Exception ex)
    {
        var type = entry.DeclaringType!;
        string ns = type.Namespace ?? string.Empty;
        string name = type.Name;
        return ns switch
        {
            "System.IO" => name is "Path" or "PathInternal" or "File" or "Directory" or "FileInfo" or "DirectoryInfo"
                or "FileSystemInfo" or "FileSystem" or "FileStream" or "FileStreamHelpers"
                || (entry.IsConstructor && name is "StreamReader" or "StreamWriter" && ex is ArgumentException { ParamName: "path" }),
            "System.Text.RegularExpressions" => true,
            "System.Text" => name.StartsWith("Encoding", StringComparison.Ordinal) && entry.Name.StartsWith("GetEncoding", StringComparison.Ordinal),
            "System.Globalization" => name == "CultureInfo",
            "System" => name == "Enum" && entry.Name.Contains("Parse", StringComparison.Ordinal),
            _ => false,
        };
    }

    /// <summary>
    /// The option parser's "Failed to convert 'abc' to Int32." as a sentence that names the option (found in
    /// <paramref name="args"/> as the token before the value, or as --option=value) and what it takes; null for other
    /// messages.
    /// </summary>
    internal static string? ConversionMessage(string message, IReadOnlyList<string>? args)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"^Failed to convert '(.*)' to ([A-Za-z0-9]+(`1)?)\.$");
        if (!match.Success) return null;
        string value = match.Groups[1].Value;
        string? option = null;
        for (int i = (args?.Count ?? 0) - 1; i >= 0 && option is null; i--)
        {
            string token = args![i];
            if (token == value && i > 0 && args[i - 1].StartsWith('-')) option = args[i - 1];
            else if (token.StartsWith('-') && token.EndsWith("=" + value, StringComparison.Ordinal)) option = token[..^(value.Length + 1)];
        }

        // An optional value (int?) is reported as "Nullable`1": name the type the option's property wraps.
        string type = match.Groups[2].Value;
        if (type == "Nullable`1" && option is not null) type = WrappedTypeName(option, args is [{ } command, ..] ? command : null) ?? type;
        // A whole number beyond the type (accuracy --seed 99999999999999999999) is one, just too large: name the limit
        // (F11). The option's own check may narrow it further (--diagnose-every must be at least 1). A negative value
        // for an unsigned option keeps "a whole number of 0 or more".
        if (IntegerRange(type) is var (min, max) && IntegerPattern().IsMatch(value)
            && System.Numerics.BigInteger.Parse(value, System.Globalization.CultureInfo.InvariantCulture) is var whole
            && (whole > max || (whole < min && min < 0)))
        {
            string limit = whole > max ? $"a whole number up to {max}" : $"a whole number no smaller than {min}";
            return option is null ? $"'{value}' is out of range: give {limit}." : $"{option} takes {limit}, got '{value}'.";
        }

        string takes = type switch
        {
            "Int16" or "Int32" or "Int64" => "a whole number",
            "Byte" or "UInt16" or "UInt32" or "UInt64" => "a whole number of 0 or more",
            "Single" or "Double" or "Decimal" => "a number",
            "Boolean" => "true or false",
            "Nullable`1" => "a value of its type",
            _ => $"a value of type {type}",
        };
        return option is null ? $"'{value}' is not {takes}." : $"{option} takes {takes}, got '{value}'.";
    }

    /// <summary>The smallest and largest value of an integer type named as in the parser's message; null for other types.</summary>
    private static (System.Numerics.BigInteger Min, System.Numerics.BigInteger Max)? IntegerRange(string type) => type switch
    {
        "Byte" => (byte.MinValue, byte.MaxValue),
        "Int16" => (short.MinValue, short.MaxValue),
        "UInt16" => (ushort.MinValue, ushort.MaxValue),
        "Int32" => (int.MinValue, int.MaxValue),
        "UInt32" => (uint.MinValue, uint.MaxValue),
        "Int64" => (long.MinValue, long.MaxValue),
        "UInt64" => (ulong.MinValue, ulong.MaxValue),
        _ => null,
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"^[+-]?[0-9]+$")]
    private static partial System.Text.RegularExpressions.Regex IntegerPattern();

    /// <summary>
    /// The value type of the options spelled <paramref name="option"/> (e.g. --samples) in actkit's commands, a
    /// Nullable's inner type for an optional one; null when there is none or the commands disagree on it.
    /// </summary>
    private static string? WrappedTypeName(string option, string? command)
    {
        var types = OptionProperties(option, command).Select(p => (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType).Name).Distinct().ToList();
        return types is [{ } only] ? only : null;
    }

    /// <summary>
    /// The settings properties of the options spelled <paramref name="option"/> (--samples, -x): the command's own
    /// when it has one (settings classes are nested in their command, PlotCommand.Settings for plot), else every
    /// command's.
    /// </summary>
    internal static List<PropertyInfo> OptionProperties(string option, string? command, bool ownOnly = false)
    {
        string name = option.TrimStart('-');
        var candidates = typeof(CliApp).Assembly.GetTypes()
            .Where(t => typeof(CommandSettings).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties())
            .Where(p => p.GetCustomAttribute<CommandOptionAttribute>() is { } a && (a.LongNames.Contains(name) || a.ShortNames.Contains(name)))
            .ToList();
        var own = candidates.Where(p => p.ReflectedType is { } t && OwnSettings(command).Contains(t)).ToList();
        return own.Count > 0 || ownOnly ? own : candidates;
    }

    /// <summary>The settings class of <paramref name="command"/> (list, bench-mlp): nested in its command class (ListCommand.Settings).</summary>
    internal static List<Type> OwnSettings(string? command)
    {
        string prefix = (command ?? string.Empty).Replace("-", string.Empty, StringComparison.Ordinal) + "Command";
        return command is null ? [] : typeof(CliApp).Assembly.GetTypes()
            .Where(t => typeof(CommandSettings).IsAssignableFrom(t) && t.DeclaringType?.Name.Equals(prefix, StringComparison.OrdinalIgnoreCase) == true)
            .ToList();
    }

    /// <summary>
    /// The message without .NET's " (Parameter 'x')" suffix (<see cref="ExceptionMessages.WithoutParameterName"/>), and
    /// with the catalog's pointer for library users (ActivationCatalog.Names) replaced by the tool's `actkit list`.
    /// </summary>
    internal static string Message(Exception ex)
        => (ex is ArgumentException a ? ExceptionMessages.WithoutParameterName(a) : ex.Message)
            .Replace(ActivationKit.Catalog.ActivationCatalog.UnknownNameHint, "'actkit list' shows them all", StringComparison.Ordinal);
}

/// <summary>
/// Takes off the mark <see cref="CliApp"/> puts on a word after <c>--</c> that starts with '-' (so that the parser takes
/// it for an argument, not options): the command sees <c>-s1.json</c> as typed. Argv cannot hold a NUL, so the mark
/// cannot be part of a typed word (only of one passed to <see cref="CliApp.Run(string[], CliConsoles, bool)"/>, hence
/// the words between the NULs: a lone NUL there is the user's own and stays in the messages, shown as '?').
/// </summary>
internal sealed class EndOfOptionsInterceptor : ICommandInterceptor
{
    /// <summary>The mark: NULs, which no argument of a process can contain, around words no argument would hold.</summary>
    public const string Mark = "\0end-of-options\0";

    /// <summary><paramref name="text"/> without the mark (the parser's messages quote the marked word).</summary>
    public static string Unmarked(string text) => text.Replace(Mark, string.Empty, StringComparison.Ordinal);

    public void Intercept(CommandContext context, CommandSettings settings)
    {
        foreach (var property in settings.GetType().GetProperties())
        {
            if (property.GetCustomAttribute<CommandArgumentAttribute>() is null || !property.CanWrite) continue;
            switch (property.GetValue(settings))
            {
                case string text when text.StartsWith(Mark, StringComparison.Ordinal):
                    property.SetValue(settings, Unmarked(text));
                    break;
                case string[] texts:
                    property.SetValue(settings, texts.Select(Unmarked).ToArray());
                    break;
            }
        }
    }
}
