using System.ComponentModel;
using System.Globalization;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using ActivationKit.Nn.Experiments;
using ActivationKit.Plots;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit plot NAME…</c>: f (and f′) of one or more functions, to a PNG/SVG file or the terminal; with
/// <c>--histograms DIR</c> or <c>--fractions DIR</c>, a comparison's hidden-layer outputs or dead/saturated fractions over training.
/// </summary>
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

        [CommandOption("--histograms <DIR>")]
        [Description("A comparison's results folder: draw one hidden layer's output histograms over training (heatmap: epoch × value, colour = share).")]
        public string? Histograms { get; init; }

        [CommandOption("--fractions <DIR>")]
        [Description("A comparison's results folder: draw the dead-unit and saturated fractions per hidden layer over training (mean over seeds).")]
        public string? Fractions { get; init; }

        [CommandOption("--activation <NAME>")]
        [Description("With --histograms/--fractions: the contender (its label, e.g. relu or sigmoid@zeros; default: the first of the comparison).")]
        public string? Activation { get; init; }

        [CommandOption("--layer <INDEX>")]
        [Description("With --histograms: the hidden layer, 0-based (default 0); with --fractions: only this layer (default all).")]
        public int? Layer { get; init; }

        [CommandOption("--seed <N>")]
        [Description("With --histograms: the trial's seed (default: the lowest one found).")]
        public ulong? Seed { get; init; }

        [CommandOption("--width <PIXELS>")]
        [Description("Image width (default 900).")]
        public int Width { get; init; } = 900;

        [CommandOption("--height <PIXELS>")]
        [Description("Image height (default 560).")]
        public int Height { get; init; } = 560;

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            bool timeline = Histograms is not null || Fractions is not null;
            if (Histograms is not null && Fractions is not null) return ValidationResult.Error("Give either --histograms or --fractions, not both.");
            if (timeline && (All || Functions.Length > 0 || Grad || Range is not null)) return ValidationResult.Error("--histograms and --fractions draw a results folder: give no function names, --all, --grad or --range with them.");
            if (!timeline && (Activation is not null || Layer is not null || Seed is not null)) return ValidationResult.Error("--activation, --layer and --seed go with --histograms or --fractions.");
            if (Fractions is not null && Seed is not null) return ValidationResult.Error("--fractions averages over every seed: --seed goes with --histograms.");
            if (timeline) return Width is < 100 or > 8000 || Height is < 100 or > 8000 ? ValidationResult.Error("--width and --height must be in 100…8000 pixels.") : ValidationResult.Success();
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
        if (settings.Histograms is not null || settings.Fractions is not null) return Timeline(settings);
        if (settings.All)
        {
            ResultStore.WriteAtomic(settings.Out!, Gallery.Png());
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

    /// <summary>--histograms / --fractions: a contender's timeline from a results folder, to a file or the terminal.</summary>
    private int Timeline(Settings settings)
    {
        string dir = settings.Histograms ?? settings.Fractions!;
        var (manifest, all) = ResultStore.Load([dir]);
        var found = manifest.Config.Activations.Select(c => c.Label).Where(l => all.Any(t => t.Label == l)).ToArray();
        if (found.Length == 0) throw new UsageException($"'{dir}' has no finished trials yet.");
        string label = settings.Activation is { } a ? Canonical(a, found) : found[0];
        var trials = all.Where(t => t.Label == label).OrderBy(t => t.Seed).ToArray();
        if (trials.All(t => t.Timeline is not { Count: > 0 }))
        {
            throw new UsageException($"The results in '{dir}' have no activation timeline (written by an older actkit): rerun 'actkit compare' into a new folder to record it.");
        }

        if (settings.Histograms is not null)
        {
            var trial = settings.Seed is ulong seed
                ? trials.FirstOrDefault(t => t.Seed == seed) ?? throw new UsageException($"{label} has no trial with seed {seed} in '{dir}' (seeds found: {string.Join(", ", trials.Select(t => t.Seed))}).")
                : trials.First(t => t.Timeline is { Count: > 0 });
            int layer = settings.Layer ?? 0;
            var timeline = Charts.TimelineOf(trial, layer);
            if (settings.Out is { } path)
            {
                ChartFile.Save(Charts.HistogramTimeline(trial, layer), path, settings.Width, settings.Height);
                consoles.ErrorWriter.WriteLine($"Wrote {path} ({label}, seed {trial.Seed}, layer {layer}, {timeline.Checkpoints.Count} checkpoints).");
                return ExitCodes.Ok;
            }

            string title = $"{label} (seed {trial.Seed}), hidden layer {layer} ({timeline.Activation}): outputs over training";
            foreach (string line in TimelineText.Heatmap(title, timeline)) consoles.Out.Write(new Text(line + "\n"));
            return ExitCodes.Ok;
        }

        if (settings.Out is { } file)
        {
            ChartFile.Save(Charts.FractionsOverTime(trials, settings.Layer), file, settings.Width, settings.Height);
            consoles.ErrorWriter.WriteLine($"Wrote {file} ({label}, {trials.Length} seed(s)).");
            return ExitCodes.Ok;
        }

        int layers = trials.Where(t => t.Timeline is { Count: > 0 }).Min(t => t.Timeline!.Count);
        if (settings.Layer is int l && (l < 0 || l >= layers)) throw new UsageException($"--layer must be in 0…{layers - 1} (the network has {layers} hidden layers), got {l}.");
        foreach (string line in TimelineText.Fractions(trials, settings.Layer)) consoles.Out.Write(new Text(line + "\n"));
        return ExitCodes.Ok;
    }

    /// <summary>The label of the comparison that <paramref name="name"/> names (as given, or canonicalised as compare does).</summary>
    private static string Canonical(string name, IReadOnlyList<string> labels)
    {
        if (labels.Contains(name)) return name;
        string? canonical = null;
        try
        {
            canonical = Contender.Parse(name).Label;
        }
        catch (ArgumentException)
        {
        }

        return canonical is not null && labels.Contains(canonical)
            ? canonical
            : throw new UsageException($"'{name}' is not among the finished contenders of this comparison ({string.Join(", ", labels)}).");
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
