using System.ComponentModel;
using System.Globalization;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using ActivationKit.Cli.IO;
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
        [Description("x range FROM:TO (default -5:5, widened to show every kink at the given parameters); TO − FROM at most 1e300, and at least 1e-300 and a billionth of the larger end's size. A negative FROM: --range=-1e-3:1e-3 or --range -3:3.")]
        public string? Range { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("Write FILE.png or FILE.svg instead of drawing in the terminal, in a folder that exists. An existing FILE is replaced only when it is an earlier actkit chart (signed with a PNG text chunk or an SVG comment), any other file only with --force.")]
        public string? Out { get; init; }

        [CommandOption("--force")]
        [Description("Let --out replace an existing file that is not an earlier actkit chart.")]
        public bool Force { get; init; }

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
        [Description("Width of the --out image (default 900; not with --all, whose grid has cells of its own size). A terminal plot takes the terminal's width.")]
        public int? WidthOption { get; init; }

        /// <summary>The image width: --width, or 900.</summary>
        public int Width => WidthOption ?? 900;

        [CommandOption("--height <PIXELS>")]
        [Description("Height of the --out image (default 560; not with --all).")]
        public int? HeightOption { get; init; }

        /// <summary>The image height: --height, or 560.</summary>
        public int Height => HeightOption ?? 560;

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            bool timeline = Histograms is not null || Fractions is not null;
            if (Force && Out is null) return ValidationResult.Error("--force goes with --out: it lets the chart replace an existing file.");
            if (Histograms is not null && Fractions is not null) return ValidationResult.Error("Give either --histograms or --fractions, not both.");
            if (timeline && (All || Functions.Length > 0 || Grad || Range is not null)) return ValidationResult.Error("--histograms and --fractions draw a results folder: give no function names, --all, --grad or --range with them.");
            if (!timeline && (Activation is not null || Layer is not null || Seed is not null)) return ValidationResult.Error("--activation, --layer and --seed go with --histograms or --fractions.");
            if (Fractions is not null && Seed is not null) return ValidationResult.Error("--fractions averages over every seed: --seed goes with --histograms.");
            if (timeline) return ImageSize();
            if (All && Functions.Length > 0) return ValidationResult.Error("--all draws every function: give no names with it.");
            if (!All && Functions.Length == 0) return ValidationResult.Error("plot needs at least one function name (or --all).");
            if (All && (Out is null || !Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase))) return ValidationResult.Error("--all writes a PNG grid: give --out FILE.png.");
            if (All && (Range is not null || WidthOption is not null || HeightOption is not null)) return ValidationResult.Error("--all draws each function over its own range in cells of a fixed size: give no --range, --width or --height with it.");
            return ImageSize();
        }

        private ValidationResult ImageSize()
        {
            if (Width is < 100 or > 8000 || Height is < 100 or > 8000) return ValidationResult.Error("--width and --height must be in 100…8000 pixels.");

            // A terminal plot takes the terminal's width: plot relu --width 500 drew one and ignored the option.
            if ((WidthOption is not null || HeightOption is not null) && Out is null) return ValidationResult.Error("--width and --height size the image --out writes: give them with --out FILE.png or FILE.svg.");
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // An image goes into a folder that exists, as eval's --out does (ChartFile created missing folders), checked
        // before anything is drawn; an existing file only when it is a chart we wrote, or with --force (keep.png was
        // replaced without a word). The extension is checked before the overwrite rule: --force on a file named
        // without one only led to the next refusal.
        if (settings.Out is { } outPath)
        {
            OutputFolder.EnsureFileWritable(outPath, "--out");
            string ext = Path.GetExtension(outPath).ToLowerInvariant();
            if (ext is not (".png" or ".svg"))
            {
                throw new UsageException($"--out '{outPath}' must end in .png or .svg{(ext.Length > 0 ? $", not {ext}" : string.Empty)}.");
            }

            OutputFolder.RefuseOverwrite(outPath, "--out", settings.Force, ChartSignature.IsSigned, ChartSignature.Kind);
        }

        if (settings.Histograms is not null || settings.Fractions is not null) return Timeline(settings);
        if (settings.All)
        {
            AtomicFile.Write(settings.Out!, s => s.Write(ChartSignature.SignPng(Gallery.Png())));
            consoles.ErrorWriter.WriteLine($"Wrote {settings.Out} ({ActivationCatalog.All.Count} functions).");
            return ExitCodes.Ok;
        }

        var functions = settings.Functions.Select(ActivationCatalog.Create).ToArray();
        var (from, to) = settings.Range is { } r ? ParseRange(r) : Widest(functions);
        if (settings.Out is { } path)
        {
            ChartSignature.Save(Charts.Functions(functions, from, to, settings.Grad), path, settings.Width, settings.Height);
            consoles.ErrorWriter.WriteLine($"Wrote {path}.");
            NoteUndrawn(functions, TextPlot.Grid(from, to, 500), settings.Grad);
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

        NoteUndrawn(functions, xs, settings.Grad);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Says on stderr where a curve is ±∞ or NaN, which no chart can draw: plot exponential --range 0:1000 ended its
    /// curve at x ≈ 710 with nothing to tell that f is ∞ beyond, not absent.
    /// </summary>
    private void NoteUndrawn(IEnumerable<Activation> functions, double[] xs, bool grad)
    {
        foreach (var f in functions)
        {
            var (y, dy, _) = Curves.Sample(f, xs);
            Note($"{f}(x)", y);
            if (grad) Note($"{f}′(x)", dy);
        }

        void Note(string what, double[] ys)
        {
            var bad = Enumerable.Range(0, xs.Length).Where(i => !double.IsFinite(ys[i])).ToArray();
            if (bad.Length == 0) return;
            string values = string.Join(" or ", bad.Select(i => ys[i]).Select(v => double.IsNaN(v) ? "NaN" : v > 0 ? "+∞" : "−∞").Distinct());
            consoles.ErrorWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Note: {what} is {values} at the sampled x from {xs[bad[0]]:G4} to {xs[bad[^1]]:G4}, which a chart cannot draw; the curve is missing there."));
        }
    }

    /// <summary>--histograms / --fractions: a contender's timeline from a results folder, to a file or the terminal.</summary>
    private int Timeline(Settings settings)
    {
        string dir = settings.Histograms ?? settings.Fractions!;
        var (manifest, all) = ResultStore.Load([dir]);
        var found = manifest.Config.Activations.Select(c => c.Label).Where(l => all.Any(t => t.Label == l)).ToArray();
        if (found.Length == 0) throw new UsageException($"'{TerminalText.Safe(dir)}' has no finished trials yet.");
        string label = settings.Activation is { } a ? Canonical(a, found) : found[0];
        var trials = all.Where(t => t.Label == label).OrderBy(t => t.Seed).ToArray();
        if (trials.All(t => t.Timeline is not { Count: > 0 }))
        {
            throw new UsageException($"The results in '{TerminalText.Safe(dir)}' have no activation timeline (written by an older actkit): rerun 'actkit compare' into a new folder to record it.");
        }

        if (settings.Histograms is not null)
        {
            var trial = settings.Seed is ulong seed
                ? trials.FirstOrDefault(t => t.Seed == seed) ?? throw new UsageException($"{TerminalText.Safe(label)} has no trial with seed {seed} in '{TerminalText.Safe(dir)}' (seeds found: {string.Join(", ", trials.Select(t => t.Seed))}).")
                : trials.First(t => t.Timeline is { Count: > 0 });
            int layer = settings.Layer ?? 0;
            var timeline = Charts.TimelineOf(trial, layer);
            if (settings.Out is { } path)
            {
                ChartSignature.Save(Charts.HistogramTimeline(trial, layer), path, settings.Width, settings.Height);
                consoles.ErrorWriter.WriteLine($"Wrote {path} ({label}, seed {trial.Seed}, layer {layer}, {timeline.Checkpoints.Count} checkpoints).");
                return ExitCodes.Ok;
            }

            string title = $"{label} (seed {trial.Seed}), hidden layer {layer} ({timeline.Activation}): outputs over training";
            foreach (string line in TimelineText.Heatmap(title, timeline)) consoles.Out.Write(new Text(line + "\n"));
            return ExitCodes.Ok;
        }

        if (settings.Out is { } file)
        {
            ChartSignature.Save(Charts.FractionsOverTime(trials, settings.Layer), file, settings.Width, settings.Height);
            consoles.ErrorWriter.WriteLine($"Wrote {file} ({label}, {trials.Length} seed(s)).");
            return ExitCodes.Ok;
        }

        int layers = trials.Where(t => t.Timeline is { Count: > 0 }).Min(t => t.Timeline!.Count);
        if (settings.Layer is int l && (l < 0 || l >= layers)) throw new UsageException($"--layer must be in 0…{layers - 1} (the network has {Spelling.Count(layers, "hidden layer")}), got {l}.");
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
            : throw new UsageException($"'{TerminalText.Safe(name)}' is not among the finished contenders of this comparison ({string.Join(", ", labels.Select(TerminalText.Safe))}).");
    }

    private static (double From, double To) Widest(IEnumerable<Activation> functions)
    {
        var ranges = functions.Select(Curves.PlotRangeOf).ToArray();
        return (ranges.Min(r => r.From), ranges.Max(r => r.To));
    }

    /// <summary>The widest span of x --range takes: wider ones overflowed (−1e308:1e308 drew no curve).</summary>
    public const double MaxSpan = 1e300;

    /// <summary>The narrowest span of x --range takes, absolutely (subnormal spans drew a blank frame).</summary>
    public const double MinSpan = 1e-300;

    /// <summary>The narrowest span relative to the larger end's size, so that the points of a curve and its ticks differ.</summary>
    public const double MinRelativeSpan = 1e-9;

    /// <summary>
    /// Parses <c>FROM:TO</c> with FROM &lt; TO, both finite, whose span TO − FROM lies between <see cref="MinSpan"/>
    /// (and <see cref="MinRelativeSpan"/> of the larger |end|) and <see cref="MaxSpan"/>: the charts and the terminal
    /// plot are right for every such range.
    /// </summary>
    internal static (double From, double To) ParseRange(string text)
    {
        var parts = text.Split(':');
        if (!(parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b)
            && double.IsFinite(a) && double.IsFinite(b) && a < b))
        {
            throw new UsageException($"--range must be FROM:TO with finite FROM < TO (e.g. -5:5), got '{text}'.");
        }

        double span = b - a;
        if (!(span <= MaxSpan)) throw new UsageException($"--range '{text}' is too wide: TO − FROM may be at most 1e300.");
        if (span < MinSpan || span < MinRelativeSpan * Math.Max(Math.Abs(a), Math.Abs(b)))
        {
            throw new UsageException($"--range '{text}' is too narrow: TO − FROM must be at least 1e-300 and at least 1e-9 times the larger of |FROM| and |TO|.");
        }

        return (a, b);
    }
}
