using System.Text;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;

namespace ActivationKit.Cli.Docs;

/// <summary>
/// Documents generated from the catalog by <c>actkit docs</c>: the function table of README.md and the full
/// reference docs/functions.md. Deterministic (no dates), so tests can check the committed copies are current.
/// </summary>
public static class FunctionDocs
{
    /// <summary>Marker opening the generated table in README.md.</summary>
    public const string ReadmeStart = "<!-- functions:start -->";

    /// <summary>Marker closing the generated table in README.md.</summary>
    public const string ReadmeEnd = "<!-- functions:end -->";

    /// <summary>Path of the reference, relative to the repository root.</summary>
    public const string ReferencePath = "docs/functions.md";

    /// <summary>The command that regenerates both, for messages.</summary>
    public const string RegenerateCommand = "dotnet run --project src/ActivationKit.Cli -c Release -- docs";

    /// <summary>The README table: one row per function with its key properties, linking into docs/functions.md.</summary>
    public static string ReadmeTable()
    {
        var sb = new StringBuilder();
        var all = ActivationCatalog.All;
        sb.Append($"{all.Count} functions, generated from the catalog by `actkit docs` (full reference: [{ReferencePath}]({ReferencePath})).\n\n");
        sb.Append("| Function | Family | Kind | f(x) | Range | Parameters (defaults) | Monotonic | Smooth | Zero-centred | Init |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var i in all)
        {
            sb.Append($"| [`{i.Name}`]({ReferencePath}#{Markdown.Anchor(i.Name)}) ")
              .Append($"| {Describe.Family(i.Family)} ")
              .Append($"| {Describe.Kind(i.Kind)} ")
              .Append($"| {Markdown.CodeCell(i.Formula)} ")
              .Append($"| {Markdown.Cell(i.Range)} ")
              .Append($"| {Markdown.Cell(Describe.ParametersWithDefaults(i))} ")
              .Append($"| {Describe.Monotonic(i.Monotonicity)} ")
              .Append($"| {Describe.Smooth(i.Smoothness)} ")
              .Append($"| {Describe.YesNo(i.ZeroCentred)} ")
              .Append($"| {Markdown.Cell(Describe.Init(i))} |\n");
        }

        return sb.ToString();
    }

    /// <summary>docs/functions.md: every function with formula, derivative, parameters, properties and portability.</summary>
    public static string Reference()
    {
        var sb = new StringBuilder();
        var all = ActivationCatalog.All;
        sb.Append("# Activation functions\n\n");
        sb.Append($"<!-- Generated from the catalog by `actkit docs`; edit the function's Definition in src/ActivationKit/Functions, then run: {RegenerateCommand} -->\n\n");
        sb.Append($"{all.Count} functions. Buffers are row-major; element-wise functions map each value, row-wise ones each row of ");
        sb.Append("`columns` values, gated ones split each row into halves `[a | b]` and output half as many columns.\n\n");
        sb.Append("**Initialisation gains** follow one rule (`InitGain`): PyTorch's `torch.nn.init.calculate_gain` where PyTorch has an ");
        sb.Append("entry (identity and sigmoid 1, tanh 5/3, relu √2, leaky_relu √(2/(1 + slope²)); SELU 1 with LeCun normal, as PyTorch ");
        sb.Append("advises for self-normalising networks rather than its 3/4), otherwise the variance-preserving gain 1/√E[f(z)²] for ");
        sb.Append("z ~ N(0, 1), the rule that gives ReLU its √2; gated functions a·g(b) take the c with c²·E[g(c·z)²] = 1, which ");
        sb.Append("keeps the second moment of unit-scale inputs, since the value half a is scaled by the gain too (2^¼ for ReGLU); ");
        sb.Append("row-wise functions read the logits of a linear output layer, gain 1. Gains are stated at the default parameters ");
        sb.Append("(`recommend` gives them at the parameters it recommends, e.g. leaky_relu(0.2): 1.3868); a test recomputes every one by ");
        sb.Append("quadrature. `actkit train` and the other commands that initialise networks draw He and Glorot weights with these gains.\n\n");
        sb.Append("**Monotonicity** and the other properties describe the mathematical function. The computed values keep the ");
        sb.Append("accuracy bound of [accuracy.md](accuracy.md), not the order of neighbours: where f rises by less than an ulp from one ");
        sb.Append("input to the next, the two results may round apart and step back by one ulp (softplus, sigmoid, tanh).\n\n");

        foreach (var group in all.GroupBy(i => i.Family))
        {
            sb.Append($"- **{Describe.Family(group.Key)}**: ");
            sb.Append(string.Join(", ", group.Select(i => $"[`{i.Name}`](#{Markdown.Anchor(i.Name)})")));
            sb.Append('\n');
        }

        foreach (var i in all)
        {
            sb.Append($"\n## {i.Name}\n\n");
            sb.Append($"**{i.DisplayName}** — {i.Summary}\n\n");
            if (i.Aliases.Count > 0) sb.Append($"Aliases: {string.Join(", ", i.Aliases.Select(a => $"`{a}`"))}. ");
            sb.Append($"Family: {Describe.Family(i.Family)}. Kind: {Describe.Kind(i.Kind)}.\n\n");
            sb.Append("| | Plain | LaTeX |\n|---|---|---|\n");
            sb.Append($"| f(x) | {Markdown.CodeCell(i.Formula)} | {Markdown.CodeCell(i.FormulaLatex)} |\n");
            sb.Append($"| f′(x) | {Markdown.CodeCell(i.Derivative)} | {Markdown.CodeCell(i.DerivativeLatex)} |\n\n");

            if (i.Parameters.Count > 0)
            {
                sb.Append("| Parameter | Default | Accepted | Learnable | Description |\n|---|---|---|---|---|\n");
                foreach (var p in i.Parameters)
                {
                    sb.Append($"| `{p.Name}` | {Describe.Number(p.Default)} | {Markdown.Cell(p.RangeText)} | {Describe.YesNo(p.Learnable)} | {Markdown.Cell(p.Description)} |\n");
                }

                sb.Append('\n');
            }

            sb.Append("| Property | Value |\n|---|---|\n");
            sb.Append($"| Range | {Markdown.Cell(i.Range)} |\n");
            sb.Append($"| Monotonicity | {Describe.MonotonicLong(i.Monotonicity)} |\n");
            sb.Append($"| Smoothness | {Describe.SmoothLong(i.Smoothness)} |\n");
            sb.Append($"| Zero-centred | {Describe.YesNo(i.ZeroCentred)} |\n");
            sb.Append($"| Bounded | {Describe.Bounded(i)} |\n");
            sb.Append($"| Saturating | {Describe.YesNo(i.Saturating)} |\n");
            sb.Append($"| Initialisation | {Markdown.Cell(Describe.Init(i))} |\n");
            if (i.DerivativeZeros.Count > 0) sb.Append($"| Zeros of f′ | {Markdown.Cell(Describe.DerivativeZeros(i))} |\n");
            if (i.Kinks.Count > 0) sb.Append($"| Kinks / jumps at | {string.Join(", ", i.Kinks.Select(k => Describe.Number(k)))} |\n");
            if (i.PropertiesNote is { } note) sb.Append($"| Note | {Markdown.Cell(note)} |\n");
            sb.Append('\n');

            if (i.TypicalUses.Count > 0) sb.Append($"Typical uses: {string.Join("; ", i.TypicalUses)}.\n\n");
            var problems = Describe.Problems(i.Problems);
            if (problems.Count > 0) sb.Append($"Known problems: {string.Join("; ", problems)}.\n\n");
            sb.Append($"Origin: {Describe.Origin(i.Origin)}.\n\n");

            sb.Append("| Framework | Name | Notes |\n|---|---|---|\n");
            foreach (string key in ActivationInfo.FrameworkKeys.Concat(i.Frameworks.Keys.Except(ActivationInfo.FrameworkKeys)))
            {
                if (i.Frameworks.TryGetValue(key, out var fw)) sb.Append($"| {key} | {Markdown.CodeCell(fw.Name)} | {Markdown.Cell(fw.Notes ?? string.Empty)} |\n");
                else sb.Append($"| {key} | — | not available |\n");
            }

            if (i.SpecialValues.Count > 0)
            {
                sb.Append("\nExact values (default parameters): ");
                sb.Append(string.Join(", ", i.SpecialValues.Select(v => $"f({Describe.Number(v.X)}) = {Describe.Number(v.Y)}")));
                sb.Append(".\n");
            }
        }

        return sb.ToString();
    }
}
