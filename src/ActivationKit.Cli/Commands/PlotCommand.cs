using System.ComponentModel;
using System.Globalization;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using ActivationKit.Plots;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary><c>actkit plot NAME…</c>: f (and f′) of one or more functions, to a PNG/SVG file or the terminal.</summary>
public sealed class PlotCommand(CliConsoles consoles) : Command<PlotCommand.Settings>
{
    /// <summary>Arguments and options of <c>plot</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[FUNCTION]")]
        [Description("Names or specs, e.g. relu gelu leaky_relu(0.2).")]
        public string[] Functions { get; init; } = [];

        [CommandOption("-g|--grad")]
        [Description("Also draw the derivative f′ (dashed in files).")]
        public bool Grad { get; init; }

        [CommandOption("-r|--range <FROM:TO>")]
        [Description("x range (default -5:5, widened to show every kink).")]
        public string? Range { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("Write FILE.png or FILE.svg instead of drawing in the terminal.")]
        public string? Out { get; init; }

        [CommandOption("--all")]
        [Description("A gallery of every catalog function (f and f′) as one PNG grid; needs --out FILE.png.")]
        public bool All { get; init; }

        [CommandOption("--width <PIXELS>")]
        [Description("Image width (default 900).")]
        public int Width { get; init; } = 900;

        [CommandOption("--height <PIXELS>")]
        [Description("Image height (default 560).")]
        public int Height { get; init; } = 560;

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (All && Functions.Length > 0) return ValidationResult.Error("--all draws every function: give no names with it.");
            if (!All && Functions.Length == 0) return ValidationResult.Error("plot needs at least one function name (or --all).");
            if (All && (Out is null || !Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase))) return ValidationResult.Error("--all writes a PNG grid: give --out FILE.png.");
            if (Width is < 100 or > 8000 || Height is < 100 or > 8000) return ValidationResult.Error("--width and --height must be in 100…8000 pixels.");
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.All)
        {
            Nn.Experiments.ResultStore.WriteAtomic(settings.Out!, Gallery.Png());
            consoles.ErrorWriter.WriteLine($"Wrote {settings.Out} ({ActivationCatalog.All.Count} functions).");
            return ExitCodes.Ok;
        }

        var functions = settings.Functions.Select(ActivationCatalog.Create).ToArray();
        var (from, to) = settings.Range is { } r ? ParseRange(r) : Widest(functions);
        if (settings.Out is { } path)
        {
            ChartFile.Save(Charts.Functions(functions, from, to, settings.Grad), path, settings.Width, settings.Height);
            consoles.ErrorWriter.WriteLine($"Wrote {path}.");
            return ExitCodes.Ok;
        }

        int width = Math.Clamp(consoles.Out.Profile.Width - 12, 20, 72);
        var xs = TextPlot.Grid(from, to, width);
        foreach (var f in functions)
        {
            var (y, dy, what) = Curves.Sample(f, xs);
            string suffix = f.Info.Kind == ActivationKind.Elementwise ? string.Empty : $" — {what}";
            foreach (string line in TextPlot.Render($"{f}(x){suffix}", xs, y, width, 10)) consoles.Out.Write(new Text(line + "\n"));
            if (settings.Grad)
            {
                consoles.Out.WriteLine();
                foreach (string line in TextPlot.Render($"{f}′(x)", xs, dy, width, 8)) consoles.Out.Write(new Text(line + "\n"));
            }

            consoles.Out.WriteLine();
        }

        return ExitCodes.Ok;
    }

    private static (double From, double To) Widest(IEnumerable<Activation> functions)
    {
        var ranges = functions.Select(f => Curves.PlotRange(f.Info)).ToArray();
        return (ranges.Min(r => r.From), ranges.Max(r => r.To));
    }

    /// <summary>Parses <c>FROM:TO</c> with FROM &lt; TO, both finite.</summary>
    internal static (double From, double To) ParseRange(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b)
            && double.IsFinite(a) && double.IsFinite(b) && a < b)
        {
            return (a, b);
        }

        throw new UsageException($"--range must be FROM:TO with finite FROM < TO (e.g. -5:5), got '{text}'.");
    }
}
