using System.ComponentModel;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using ActivationKit.Plots;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary><c>actkit show NAME</c>: everything the catalog knows about one function, with plots of f and f′.</summary>
public sealed class ShowCommand(CliConsoles consoles) : Command<ShowCommand.Settings>
{
    /// <summary>Arguments and options of <c>show</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FUNCTION>")]
        [Description("Name, alias or spec with parameters, e.g. sigmoid, swish, leaky_relu(0.2), softplus(beta=2).")]
        public string Function { get; init; } = string.Empty;

        [CommandOption("--no-plot")]
        [Description("Skip the plots of f and f′.")]
        public bool NoPlot { get; init; }

        [CommandOption("--json")]
        [Description("Print the catalog entry as JSON: at the spec's parameters, with what the catalog states for the defaults only under \"defaults\".")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var f = ActivationCatalog.Create(settings.Function);
        var info = f.Info;
        if (settings.Json)
        {
            // The spec's own parameters and the gain at them (F4, exploratory tester: show 'leaky_relu(0.2)' --json was
            // show leaky_relu --json, with the default slope's gain).
            JsonOut.Write(consoles.OutWriter, json => JsonOut.Function(json, info, f));
            return ExitCodes.Ok;
        }

        var c = consoles.Out;
        c.Write(new Rule($"[bold]{Markup.Escape(info.DisplayName)}[/] ({Markup.Escape(f.ToString())})").LeftJustified());
        c.WriteLine(info.Summary);
        c.WriteLine();

        var about = KeyValues();
        about.AddRow("Aliases", info.Aliases.Count == 0 ? "—" : Markup.Escape(string.Join(", ", info.Aliases)));
        about.AddRow("Family", Describe.Family(info.Family));
        about.AddRow("Kind", Markup.Escape(KindText(f)));
        about.AddRow("Formula", Markup.Escape($"f(x) = {info.Formula}"));
        about.AddRow("  LaTeX", Markup.Escape(info.FormulaLatex));
        about.AddRow("Derivative", Markup.Escape($"f′(x) = {info.Derivative}"));
        about.AddRow("  LaTeX", Markup.Escape(info.DerivativeLatex));
        c.Write(about);

        Section("Parameters");
        if (info.Parameters.Count == 0)
        {
            c.WriteLine("none");
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Name", "Value", "Default", "Accepted", "Learnable", "Description");
            for (int i = 0; i < info.Parameters.Count; i++)
            {
                var p = info.Parameters[i];
                table.AddRow(
                    Markup.Escape(p.Name),
                    Describe.Number(f.Parameters[i]),
                    Describe.Number(p.Default),
                    Markup.Escape(p.RangeText),
                    Describe.YesNo(p.Learnable),
                    Markup.Escape(p.Description));
            }

            c.Write(table);
        }

        // What holds at the spec's own parameters and what the catalog states for the defaults only, each under a
        // heading that says which: show 'elu(alpha=-1)' listed its "Backward from output: no" (at α = −1; "yes" at the
        // default) and hardshrink(2) its kinks at ±0.5 (the default λ) under "Properties (default parameters)".
        bool atDefaults = Curves.AtDefaults(f);
        string defaults = ActivationCatalog.Create(info).ToString();
        var props = KeyValues();
        if (atDefaults)
        {
            Section("Properties (default parameters)");
        }
        else
        {
            Section($"Properties at {f}");
            props.AddRow("Backward from output", Describe.YesNo(f.SupportsBackwardFromOutput));
            props.AddRow("Initialisation", Markup.Escape($"{info.Init} (gain {Describe.Number(InitGain.ForInit(f), 5)})"));
            props.AddRow("Kinks/jumps at", Kinks(f.Kinks));
            c.Write(props);
            Section($"Properties at the default parameters, {defaults}");
            props = KeyValues();
        }

        props.AddRow("Range", Markup.Escape(info.Range));
        props.AddRow("Monotonicity", Describe.MonotonicLong(info.Monotonicity));
        props.AddRow("Smoothness", Describe.SmoothLong(info.Smoothness));
        props.AddRow("Zero-centred", Describe.YesNo(info.ZeroCentred));
        props.AddRow("Bounded", Describe.Bounded(info));
        props.AddRow("Saturating", Describe.YesNo(info.Saturating));
        if (atDefaults) props.AddRow("Backward from output", Describe.YesNo(f.SupportsBackwardFromOutput));
        props.AddRow("Initialisation", Markup.Escape(Describe.Init(info)));
        props.AddRow("Zeros of f′", Markup.Escape(Describe.DerivativeZeros(info)));
        props.AddRow("Kinks/jumps at", Kinks(info.Kinks));
        if (info.PropertiesNote is { } note) props.AddRow("Note", Markup.Escape(note));
        c.Write(props);

        Section("Typical uses");
        Bullets(info.TypicalUses);
        Section(atDefaults ? "Known problems" : $"Known problems (at the default parameters, {defaults})");
        Bullets(Describe.Problems(info.Problems));
        Section("Origin");
        c.WriteLine(Describe.Origin(info.Origin));

        Section("Other frameworks");
        var fw = new Table().Border(TableBorder.Rounded).AddColumns("Framework", "Name", "Notes");
        foreach (string key in ActivationInfo.FrameworkKeys.Concat(info.Frameworks.Keys.Except(ActivationInfo.FrameworkKeys)))
        {
            if (info.Frameworks.TryGetValue(key, out var name)) fw.AddRow(key, Markup.Escape(name.Name), Markup.Escape(name.Notes ?? string.Empty));
            else fw.AddRow(key, "—", "not available");
        }

        c.Write(fw);

        var special = Curves.SpecialValuesAt(f);
        if (special.Count > 0)
        {
            // Away from the defaults, the catalog's exact pairs would be another function's: f at the same inputs instead.
            Section(atDefaults ? "Special values (default parameters, exact)" : $"Values at {f} (the catalog's special inputs, computed in double)");
            var sv = new Table().Border(TableBorder.Rounded).AddColumns("x", "f(x)");
            foreach (var v in special) sv.AddRow(Describe.Number(v.X), Describe.Number(v.Y));
            c.Write(sv);
        }

        if (!settings.NoPlot) Plot(f);
        return ExitCodes.Ok;
    }

    private static string Kinks(IReadOnlyList<double> kinks) => kinks.Count == 0 ? "—" : string.Join(", ", kinks.Select(k => Describe.Number(k)));

    private static string KindText(Activation f) => f.Info.Kind switch
    {
        ActivationKind.Rowwise => "row-wise: each output row depends on the whole input row",
        ActivationKind.Gated => $"gated: an input row [a | b] of c columns gives c/2 outputs (e.g. 8 → {f.OutputColumns(8)})",
        _ => "element-wise",
    };

    private static Grid KeyValues()
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn();
        return grid;
    }

    private void Section(string title)
    {
        consoles.Out.WriteLine();
        consoles.Out.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());
    }

    private void Bullets(IEnumerable<string> items)
    {
        bool any = false;
        foreach (string item in items)
        {
            consoles.Out.WriteLine($"• {item}");
            any = true;
        }

        if (!any) consoles.Out.WriteLine("—");
    }

    private void Plot(Activation f)
    {
        // The instance's range, as plot draws it: the catalog's (at the default parameters) plotted threshold(10, 2) and
        // hardshrink(100) over [-5, 5], a flat line that hid the kink plot widens to.
        var (from, to) = Curves.PlotRangeOf(f);
        int width = Math.Clamp(consoles.Out.Profile.Width - 12, 20, 64);
        var xs = TextPlot.Grid(from, to, width);
        Section($"Plot over [{Describe.Number(from)}, {Describe.Number(to)}]");
        double[] y, dy;
        string what;
        try
        {
            (y, dy, what) = Curves.Sample(f, xs);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            consoles.Out.WriteLine($"(no plot: {ErrorReporter.Message(ex)})");
            return;
        }

        if (f.Info.Kind != ActivationKind.Elementwise) consoles.Out.WriteLine($"Plotted: {what}.");
        foreach (string line in TextPlot.Render("f(x)", xs, y, width, 10)) consoles.Out.Write(new Text(line + "\n"));
        consoles.Out.WriteLine();
        foreach (string line in TextPlot.Render("f′(x)", xs, dy, width, 8)) consoles.Out.Write(new Text(line + "\n"));
    }
}
