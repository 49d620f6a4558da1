using System.Text.Json;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using ActivationKit.Plots;

namespace ActivationKit.Cli.Tests;

public class ShowCommandTests
{
    [Theory]
    [MemberData(nameof(Cli.AllNames), MemberType = typeof(Cli))]
    public void Shows_everything_the_catalog_knows(string name)
    {
        var info = ActivationCatalog.Find(name)!;
        var r = Cli.RunWide("show", name).Ok();
        Assert.Contains(info.DisplayName, r.Out, StringComparison.Ordinal);
        Assert.Contains(info.Summary, r.Out, StringComparison.Ordinal);
        Assert.Contains(info.Formula, r.Out, StringComparison.Ordinal);
        Assert.Contains(info.Derivative, r.Out, StringComparison.Ordinal);
        Assert.Contains(info.FormulaLatex, r.Out, StringComparison.Ordinal);
        Assert.Contains(info.DerivativeLatex, r.Out, StringComparison.Ordinal);
        foreach (string alias in info.Aliases) Assert.Contains(alias, r.Out, StringComparison.Ordinal);
        foreach (var p in info.Parameters) Assert.Contains(p.Name, r.Out, StringComparison.Ordinal);
        foreach (var fw in info.Frameworks.Values) Assert.Contains(fw.Name, r.Out, StringComparison.Ordinal);
        foreach (string key in ActivationInfo.FrameworkKeys) Assert.Contains(key, r.Out, StringComparison.Ordinal);
        Assert.Contains(info.Origin.Citation, r.Out, StringComparison.Ordinal);
        Assert.Contains(Describe.Init(info), r.Out, StringComparison.Ordinal);

        // A plot of f and f′ (braille characters) or a note saying why there is none.
        Assert.Contains("f′(x)", r.Out, StringComparison.Ordinal);
        Assert.True(r.Out.Any(c => c > '\u2800' && c <= '\u28FF') || r.Out.Contains("(no plot:", StringComparison.Ordinal), r.Out);
    }

    [Fact]
    public void Accepts_aliases_and_specs()
    {
        Assert.Contains("Sigmoid", Cli.Run("show", "logistic").Ok().Out, StringComparison.Ordinal);
        Assert.Contains("ReLU", Cli.Run("show", "relu()").Ok().Out, StringComparison.Ordinal);
        foreach (var info in ActivationCatalog.All.Where(i => i.Parameters.Count > 0))
        {
            var p = info.Parameters[0];
            double value = double.IsFinite(p.Max) && !p.MaxExclusive ? p.Max : double.IsFinite(p.Min) && !p.MinExclusive ? p.Min : p.Default;
            var r = Cli.Run("show", $"{info.Name}({p.Name}={value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})", "--no-plot").Ok();
            Assert.Contains(Describe.Number(value), r.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unknown_name_suggests_close_ones()
    {
        Cli.Run("show", "sigmod").BadInput("Unknown activation 'sigmod'. Did you mean 'sigmoid'");
        // A word like no name gets no guesses (it once got 'mish', 'binary_step' and 'celu').
        var r = Cli.Run("show", "nosuch").BadInput("Unknown activation 'nosuch' ('actkit list' shows them all).");
        Assert.DoesNotContain("Did you mean", r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relu(3)", "relu takes no parameters")]
    [InlineData("relu(", "Malformed activation spec")]
    [InlineData("relu(x=1)", "relu has no parameter 'x'")]
    public void Bad_parameters_are_clear_errors(string spec, string message)
    {
        Cli.Run("show", spec).BadInput(message);
    }

    [Fact]
    public void Out_of_range_parameter_values_are_clear_errors()
    {
        foreach (var info in ActivationCatalog.All)
        {
            foreach (var p in info.Parameters.Where(p => double.IsFinite(p.Min)))
            {
                Cli.Run("show", $"{info.Name}({p.Name}=-1e308)").BadInput($"parameter '{p.Name}' must be in");
            }
        }
    }

    [Fact]
    public void Selu_shows_lecun_with_gain_1_and_pytorchs_3_4_in_its_note()
    {
        // It showed "LeCun (gain 0.75)": LeCun normal is Var = 1/fan_in, whatever the gain.
        var r = Cli.RunWide("show", "selu", "--no-plot").Ok();
        Assert.Contains("LeCun (gain 1)", r.Out, StringComparison.Ordinal);
        Assert.Contains("calculate_gain('selu') = 3/4, but PyTorch's documentation warns", r.Out, StringComparison.Ordinal);
        string list = Cli.RunWide("list").Ok().Out.Split('\n').Single(l => l.StartsWith("selu ", StringComparison.Ordinal));
        Assert.Contains("LeCun 1 ", list, StringComparison.Ordinal);
        Assert.DoesNotContain("0.75", list, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hardsigmoid", "Howard et al., Searching for MobileNetV3 (ICCV 2019), arXiv:1905.02244 — the ReLU6(x + 3)/6 form; Courbariaux, Bengio & David, BinaryConnect: Training Deep Neural Networks with binary weights during propagations (NIPS 2015), arXiv:1511.00363 — an earlier hard sigmoid")]
    [InlineData("softsign", "Turian, Bergstra & Bengio, Quadratic Features and Deep Architectures for Chunking (NAACL-HLT 2009); Glorot & Bengio, Understanding the difficulty of training deep feedforward neural networks (AISTATS 2010)")]
    [InlineData("elu", "(ELUs) (ICLR 2016), arXiv:1511.07289")]
    [InlineData("silu", "Reinforcement Learning (2017), arXiv:1702.03118; Ramachandran, Zoph & Le, Searching for Activation Functions (2017), arXiv:1710.05941 — with a trainable β, as Swish")]
    public void Each_citation_shows_its_own_year_once_and_its_own_link(string name, string origin)
    {
        // hardsigmoid read "…BinaryConnect (2015) (2019), arXiv:1905.02244", softsign "(2010) (2009)".
        Assert.Contains(origin, Cli.RunWide("show", name, "--no-plot").Ok().Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(Cli.Run("show", name, "--json").Ok().Out);
        var json = doc.RootElement.GetProperty("origin");
        Assert.Equal(ActivationCatalog.Find(name)!.Origin.Related.Count, json.GetProperty("related").GetArrayLength());
    }

    [Fact]
    public void Json_names_the_init_scheme_as_the_initialiser_grammar_does()
    {
        // show --json said "le_cun" where recommend says lecun_normal.
        using var doc = JsonDocument.Parse(Cli.Run("show", "selu", "--json").Ok().Out);
        Assert.Equal("lecun", doc.RootElement.GetProperty("init").GetString());
        Assert.Equal(1.0, doc.RootElement.GetProperty("gain").GetDouble());
    }

    [Fact]
    public void Json_parses()
    {
        var r = Cli.Run("show", "tanh", "--json").Ok();
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("tanh", doc.RootElement.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("specialValues").ValueKind);
    }

    [Fact]
    public void Json_writes_negative_zero_as_a_float_that_keeps_its_sign()
    {
        // show identity --json wrote the special value at −0 as the integer -0, which Python's json reads as 0: the pairs
        // at +0 and −0 read as one input listed twice.
        string identity = Cli.Run("show", "identity", "--json").Ok().Out;
        Assert.Contains("\"x\": -0.0,\n", identity, StringComparison.Ordinal);
        Assert.Contains("\"y\": -0.0\n", identity, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(identity);
        var zeros = doc.RootElement.GetProperty("specialValues").EnumerateArray().Select(v => v.GetProperty("x")).Where(x => x.ValueKind == JsonValueKind.Number && x.GetDouble() == 0).Select(x => x.GetDouble()).ToArray();
        Assert.Equal([false, true], zeros.Select(double.IsNegative));

        var outputs = ActivationCatalog.Names.Select(n => Cli.Run("show", n, "--json").Ok().Out).Append(Cli.Run("list", "--json").Ok().Out).Append(Cli.Run("show", "leaky_relu(0.2)", "--json").Ok().Out);
        var integerMinusZero = new System.Text.RegularExpressions.Regex(@"(?<=[:\[,]\s*)-0(?=\s*[,\]}])");
        Assert.All(outputs, o => Assert.DoesNotMatch(integerMinusZero, o));

        var text = new StringWriter();
        JsonOut.Write(text, json =>
        {
            json.WriteStartObject();
            JsonOut.Number(json, "number", -0.0);
            JsonOut.NumberOrNull(json, "numberOrNull", -0.0);
            JsonOut.Float(json, "float", -0.0);
            JsonOut.Number(json, "plus", 0.0);
            JsonOut.Number(json, "tiny", -5e-324);
            json.WriteEndObject();
        });
        Assert.Equal("{\n  \"number\": -0.0,\n  \"numberOrNull\": -0.0,\n  \"float\": -0.0,\n  \"plus\": 0,\n  \"tiny\": -5E-324\n}", text.ToString().TrimEnd().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Json_reflects_the_spec_its_parameter_values_and_the_gain_at_them()
    {
        // F4 (exploratory tester): show 'leaky_relu(0.2)' --json could not be told from show leaky_relu --json: no value,
        // and the gain of the default slope 0.01 (1.4141) instead of √(2/(1 + 0.2²)) = 1.3868.
        using var doc = JsonDocument.Parse(Cli.Run("show", "leaky_relu(0.2)", "--json").Ok().Out);
        var root = doc.RootElement;
        Assert.Equal("leaky_relu", root.GetProperty("name").GetString());
        Assert.Equal("leaky_relu(negative_slope=0.2)", root.GetProperty("spec").GetString());
        var slope = root.GetProperty("parameters")[0];
        Assert.Equal(0.2, slope.GetProperty("value").GetDouble());
        Assert.Equal(0.01, slope.GetProperty("default").GetDouble());
        Assert.Equal(Math.Sqrt(2 / 1.04), root.GetProperty("gain").GetDouble(), 12);

        // At the defaults the values are the defaults and the gain the catalog's.
        using var plain = JsonDocument.Parse(Cli.Run("show", "lrelu", "--json").Ok().Out);
        Assert.Equal("leaky_relu(negative_slope=0.01)", plain.RootElement.GetProperty("spec").GetString());
        Assert.Equal(0.01, plain.RootElement.GetProperty("parameters")[0].GetProperty("value").GetDouble());
        Assert.Equal(ActivationCatalog.Find("leaky_relu")!.Gain, plain.RootElement.GetProperty("gain").GetDouble());

        // A function the gain of which is a quadrature: softplus(beta=2) differs from softplus.
        using var softplus = JsonDocument.Parse(Cli.Run("show", "softplus(beta=2)", "--json").Ok().Out);
        Assert.Equal(InitGain.Of("softplus(beta=2)"), softplus.RootElement.GetProperty("gain").GetDouble(), 10);
        Assert.NotEqual(ActivationCatalog.Find("softplus")!.Gain, softplus.RootElement.GetProperty("gain").GetDouble(), 3);

        // The text view names the gain at the given parameters too, under their heading, and the catalog's under the defaults'.
        string text = Cli.RunWide("show", "leaky_relu(0.2)", "--no-plot").Ok().Out;
        Assert.Contains("Initialisation        He (gain 1.3868)", Section(text, "Properties at leaky_relu(negative_slope=0.2)"), StringComparison.Ordinal);
        Assert.Contains("Initialisation  He (gain 1.4141)", Section(text, "Properties at the default parameters, leaky_relu(negative_slope=0.01)"), StringComparison.Ordinal);
        Assert.DoesNotContain(" at leaky_relu", Cli.RunWide("show", "leaky_relu", "--no-plot").Ok().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_gives_kinks_and_special_values_at_the_spec_and_puts_what_holds_at_the_defaults_under_defaults()
    {
        // show 'hardshrink(2)' --json gave the spec and gain of λ = 2 with the kinks (±0.5), range and special values
        // (f(1) = 1) of the default λ = 0.5, nothing saying which; leaky_relu(0.2) gave f(−1) = −0.01, elu(alpha=2) f(−∞) = −1.
        using var doc = JsonDocument.Parse(Cli.Run("show", "hardshrink(2)", "--json").Ok().Out);
        var root = doc.RootElement;
        Assert.Equal("hardshrink(lambd=2)", root.GetProperty("spec").GetString());
        Assert.Equal([-2.0, 2.0], root.GetProperty("kinks").EnumerateArray().Select(k => k.GetDouble()));
        Assert.Equal(0.0, Y(root, 1));
        Assert.Equal(0.0, Y(root, -1));
        Assert.True(root.GetProperty("backwardFromOutput").GetBoolean());
        foreach (string field in new[] { "range", "monotonicity", "smoothness", "zeroCentred", "boundedAbove", "boundedBelow", "saturating", "problems", "derivativeZeros" })
        {
            Assert.False(root.TryGetProperty(field, out _), $"'{field}' (stated for the defaults) at the top level");
        }

        var defaults = root.GetProperty("defaults");
        Assert.Equal("hardshrink(lambd=0.5)", defaults.GetProperty("spec").GetString());
        Assert.Equal("(−∞, −0.5) ∪ {0} ∪ (0.5, ∞)", defaults.GetProperty("range").GetString());
        Assert.Equal([-0.5, 0.5], defaults.GetProperty("kinks").EnumerateArray().Select(k => k.GetDouble()));
        Assert.Equal(1.0, Y(defaults, 1));
        Assert.Equal(ActivationCatalog.Find("hardshrink")!.Gain, defaults.GetProperty("gain").GetDouble());
        Assert.Equal(["dying_units", "non_differentiable", "unbounded_output"], defaults.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));

        using var leaky = JsonDocument.Parse(Cli.Run("show", "leaky_relu(0.2)", "--json").Ok().Out);
        Assert.Equal(-0.2, Y(leaky.RootElement, -1));
        Assert.Equal(-0.01, Y(leaky.RootElement.GetProperty("defaults"), -1));
        using var elu = JsonDocument.Parse(Cli.Run("show", "elu(alpha=2)", "--json").Ok().Out);
        Assert.Equal(-2.0, Y(elu.RootElement, double.NegativeInfinity));
        Assert.Equal([0.0], elu.RootElement.GetProperty("kinks").EnumerateArray().Select(k => k.GetDouble()));
        Assert.Empty(elu.RootElement.GetProperty("defaults").GetProperty("kinks").EnumerateArray());
        using var elu0 = JsonDocument.Parse(Cli.Run("show", "elu(alpha=-1)", "--json").Ok().Out);
        Assert.False(elu0.RootElement.GetProperty("backwardFromOutput").GetBoolean());

        // At the defaults both levels agree, and the special values are the catalog's exact pairs.
        using var plain = JsonDocument.Parse(Cli.Run("show", "softplus", "--json").Ok().Out);
        var info = ActivationCatalog.Find("softplus")!;
        Assert.Equal(info.SpecialValues.Count, plain.RootElement.GetProperty("specialValues").GetArrayLength());
        Assert.Equal(Math.Log(2), Y(plain.RootElement, 0));
        Assert.Equal(Pairs(plain.RootElement), Pairs(plain.RootElement.GetProperty("defaults")));
        Assert.Equal(plain.RootElement.GetProperty("spec").GetString(), plain.RootElement.GetProperty("defaults").GetProperty("spec").GetString());
        Assert.Equal(info.PropertiesNote, plain.RootElement.GetProperty("defaults").GetProperty("propertiesNote").GetString());

        // At the defaults the properties stay at the top level too, where scripts read them before "defaults" existed.
        foreach (string field in new[] { "range", "monotonicity", "smoothness", "zeroCentred", "boundedAbove", "boundedBelow", "saturating", "problems", "derivativeZeros" })
        {
            Assert.True(JsonElement.DeepEquals(plain.RootElement.GetProperty("defaults").GetProperty(field), plain.RootElement.GetProperty(field)), field);
        }

        static string[] Pairs(JsonElement e) => e.GetProperty("specialValues").EnumerateArray().Select(v => $"{v.GetProperty("x").GetRawText()} {v.GetProperty("y").GetRawText()}").ToArray();

        static double Y(JsonElement e, double x)
        {
            var pair = e.GetProperty("specialValues").EnumerateArray().First(v => v.GetProperty("x").ValueKind == JsonValueKind.Number ? v.GetProperty("x").GetDouble() == x : double.IsNegativeInfinity(x) && v.GetProperty("x").GetString() == "-Infinity");
            return pair.GetProperty("y").ValueKind == JsonValueKind.Number ? pair.GetProperty("y").GetDouble() : double.NaN;
        }
    }

    [Fact]
    public void Json_of_list_keeps_the_catalog_entries_at_the_default_parameters_at_the_top_level()
    {
        // list has no spec: everything is at the defaults, as before.
        using var doc = JsonDocument.Parse(Cli.Run("list", "--json").Ok().Out);
        var hardshrink = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "hardshrink");
        Assert.Equal("(−∞, −0.5) ∪ {0} ∪ (0.5, ∞)", hardshrink.GetProperty("range").GetString());
        Assert.Equal([-0.5, 0.5], hardshrink.GetProperty("kinks").EnumerateArray().Select(k => k.GetDouble()));
        Assert.False(hardshrink.TryGetProperty("defaults", out _));
        Assert.False(hardshrink.TryGetProperty("spec", out _));
    }

    [Theory]
    [InlineData("elu(alpha=-1)", "Backward from output  no", "Kinks/jumps at        0", "Backward from output")]
    [InlineData("hardshrink(2)", "Backward from output  yes", "Kinks/jumps at        -2, 2", "Kinks/jumps at  -0.5, 0.5")]
    public void Text_rows_at_the_given_parameters_and_at_the_defaults_sit_under_headings_that_say_which(string spec, string atSpec, string kinks, string atDefaults)
    {
        // show 'elu(alpha=-1)' listed "Backward from output: no" (at α = −1) under "Properties (default parameters)",
        // and show 'hardshrink(2)' its kinks at ±0.5 there.
        var f = ActivationCatalog.Create(spec);
        string text = Cli.RunWide("show", spec, "--no-plot").Ok().Out;
        Assert.DoesNotContain("Properties (default parameters)", text, StringComparison.Ordinal);
        string mine = Section(text, $"Properties at {f}");
        Assert.Contains(atSpec, mine, StringComparison.Ordinal);
        Assert.Contains(kinks, mine, StringComparison.Ordinal);
        string defaults = Section(text, $"Properties at the default parameters, {ActivationCatalog.Create(f.Info)}");
        Assert.Contains($"Range           {f.Info.Range}", defaults, StringComparison.Ordinal);
        if (atDefaults == "Backward from output") Assert.DoesNotContain(atDefaults, defaults, StringComparison.Ordinal);
        else Assert.Contains(atDefaults, defaults, StringComparison.Ordinal);
        Assert.Contains("Known problems (at the default parameters, ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Special_values_away_from_the_defaults_are_computed_at_the_given_parameters()
    {
        // The table said "Special values (default parameters, exact)" with leaky_relu(0.01)'s f(−1) = −0.01 for leaky_relu(0.2).
        string text = Cli.RunWide("show", "leaky_relu(0.2)", "--no-plot").Ok().Out;
        Assert.DoesNotContain("Special values (default parameters", text, StringComparison.Ordinal);
        string values = Section(text, "Values at leaky_relu(negative_slope=0.2) (the catalog's special inputs, computed in double)");
        var rows = values.Split('\n').Where(l => l.StartsWith('│')).Select(l => string.Join(' ', l.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Contains("-1 -0.2", rows);
        Assert.Contains("-100 -20", rows);
        Assert.Contains("1 1", rows);
        Assert.Contains("Special values (default parameters, exact)", Cli.RunWide("show", "leaky_relu", "--no-plot").Ok().Out, StringComparison.Ordinal);
    }

    /// <summary>The lines of <paramref name="text"/> under the section headed <paramref name="title"/>, up to the next heading.</summary>
    private static string Section(string text, string title)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith($"── {title} ─", StringComparison.Ordinal));
        Assert.True(start >= 0, $"no section '{title}' in:\n{text}");
        return string.Join('\n', lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("── ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Plot_range_covers_kinks_and_derivative_zeros()
    {
        foreach (var info in ActivationCatalog.All)
        {
            var (from, to) = Curves.PlotRange(info);
            Assert.True(from < 0 && to > 0);
            foreach (double p in info.Kinks.Concat(info.DerivativeZeros).Where(double.IsFinite).Where(p => Math.Abs(p) < 18)) Assert.InRange(p, from, to);
        }
    }

    [Theory]
    [InlineData("threshold(10, 2)", "Plot over [-12, 12]")]
    [InlineData("hardshrink(8)", "Plot over [-10, 10]")]
    [InlineData("thresholded_relu(10)", "Plot over [-12, 12]")]
    [InlineData("relu", "Plot over [-5, 5]")]
    public void Plots_over_plots_range_widened_to_the_kinks_at_the_given_parameters(string spec, string heading)
    {
        // show 'threshold(10, 2)' plotted over [-5, 5] (the catalog's range, at the default parameters): a flat line at
        // 2 with the jump off the chart, where plot widens to -12:12.
        var (from, to) = Curves.PlotRangeOf(ActivationCatalog.Create(spec));
        Assert.Equal(heading, $"Plot over [{Describe.Number(from)}, {Describe.Number(to)}]");
        var r = Cli.RunWide("show", spec).Ok();
        Assert.Contains(heading, r.Out, StringComparison.Ordinal);
        Assert.EndsWith($" {Describe.Number(to)}", r.Lines[^1].TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_with_one_parameter_per_channel_is_described_at_the_cost_of_one_channel()
    {
        // show 'prelu(num_parameters=1048576)' (the largest count) ran the gain's quadrature, the special values and the
        // plot on rows of 2²⁰ copies of each x, to keep the first channel's numbers: over a minute and 4.4 GB.
        var many = ActivationCatalog.Create("prelu(num_parameters=4096, init=0.2)");
        var one = ActivationCatalog.Create("prelu(init=0.2)");
        var xs = TextPlot.Grid(-5, 5, 64);
        Assert.Equal(InitGain.Of(one), InitGain.Of(many));
        Assert.Equal(Math.Sqrt(2 / (1 + ((double)0.2f * 0.2f))), InitGain.Of(many), 1e-12);
        var (y, dy, what) = Curves.Sample(many, xs);
        Assert.Equal(Curves.Sample(one, xs).F, y);
        Assert.Equal(Curves.Sample(one, xs).Df, dy);
        Assert.Equal("f(x) of the first of 4096 channels", what);
        Assert.Equal(-(double)0.2f, Curves.SpecialValuesAt(many).Single(v => v.X == -1).Y);

        // Rows of 4096 channels allocated over 20 MB for the 128 plotted points alone; now the same as one channel.
        long Allocated(Activation f)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            InitGain.Of(f);
            Curves.Sample(f, xs);
            Curves.SpecialValuesAt(f);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        long single = Allocated(one);
        Assert.InRange(Allocated(many), 0, single + (64 * 1024));
    }

    [Fact]
    public void The_largest_channel_count_shows_its_gain_and_plot()
    {
        var r = Cli.Run("show", "prelu(num_parameters=1048576)", "--json").Ok();
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("prelu(num_parameters=1048576, init=0.25)", doc.RootElement.GetProperty("spec").GetString());
        Assert.Equal(Functions.Prelu.Definition.Gain, doc.RootElement.GetProperty("gain").GetDouble(), 1e-12);
        Assert.Contains("Plot over [-5, 5]", Cli.Run("show", "prelu(num_parameters=1048576)").Ok().Out, StringComparison.Ordinal);
        Assert.Contains("′(x)", Cli.Run("plot", "prelu(num_parameters=1048576)", "--grad").Ok().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_plot_draws_a_line_within_its_frame()
    {
        var xs = TextPlot.Grid(-1, 1, 20);
        var lines = TextPlot.Render("f(x)", xs, xs.Select(x => x).ToArray(), 20, 5);
        Assert.Equal("f(x)", lines[0]);
        Assert.Equal(1 + 5 + 2, lines.Count);
        // The diagonal lights dots in the bottom-left and top-right cells.
        Assert.NotEqual('\u2800', lines[5][^20]);
        Assert.NotEqual('\u2800', lines[1][^1]);
        Assert.Contains("-1", lines[^1], StringComparison.Ordinal);
    }
}
