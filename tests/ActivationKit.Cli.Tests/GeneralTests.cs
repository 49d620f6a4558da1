namespace ActivationKit.Cli.Tests;

/// <summary>Help, version and the error contract of the command line as a whole.</summary>
public class GeneralTests
{
    [Theory]
    [MemberData(nameof(Cli.CommandNames), MemberType = typeof(Cli))]
    public void Every_command_has_help_with_examples(string command)
    {
        var r = Cli.Run(command, "--help").Ok();
        Assert.Contains("USAGE:", r.Out, StringComparison.Ordinal);
        Assert.Contains("EXAMPLES:", r.Out, StringComparison.Ordinal);
        Assert.Contains($"actkit {command}", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Root_help_lists_every_command()
    {
        var r = Cli.Run("--help").Ok();
        foreach (string c in new[] { "list", "show", "eval", "accuracy", "docs" }) Assert.Contains(c, r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Examples_parse_against_the_command_definitions()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(["--help"], CliConsoles.ForWriters(output, error), validateExamples: true);
        Assert.True(code == 0, error.ToString());
    }

    [Fact]
    public void Version_prints_the_informational_version()
    {
        var r = Cli.Run("--version").Ok();
        Assert.Equal(CliApp.Version, r.Out.Trim());
        Assert.StartsWith("0.", CliApp.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_command_is_a_clear_error()
    {
        var r = Cli.Run("frobnicate");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Unknown command 'frobnicate'", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("list", "--bogus")]
    [InlineData("show", "relu", "--bogus")]
    [InlineData("eval", "relu", "-x", "0:1:1", "--bogus")]
    [InlineData("accuracy", "--bogus")]
    [InlineData("docs", "--bogus")]
    public void Unknown_option_is_a_clear_error(params string[] args)
    {
        var r = Cli.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Unknown option 'bogus'", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("list", "--x=3")]
    [InlineData("plot", "relu", "--x", "-3:3")]
    [InlineData("show", "relu", "--x")]
    public void Only_eval_reads_x_as_its_range_and_other_commands_name_the_option_as_typed(params string[] args)
    {
        // Every command's --x= became --range=: `list --x=3` said "Unknown option 'range'" and echoed `list --range=3`.
        Assert.Equal("Error: Unknown option '--x' (--x is eval's range).", Cli.Run(args).BadInput("--x").Err.Trim());
    }

    [Fact]
    public void Option_values_that_fail_to_convert_are_clear_errors()
    {
        var r = Cli.Run("accuracy", "--samples", "many");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("many", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        // The parser's "Failed to convert 'many' to Int32." names the option and what it takes.
        Assert.Equal("Error: --samples takes a whole number, got 'many'.", r.Err.Trim());
        Assert.Equal("Error: --seed takes a whole number of 0 or more, got '-1'.", Cli.Run("train", "--data", "xor", "--seed", "-1").Err.Trim());
        Assert.Equal("Error: --lr takes a number, got 'fast'.", Cli.Run("train", "--data", "xor", "--lr=fast").Err.Trim());

        // Optional (int?) options were reported as "Failed to convert 'abc' to Nullable`1."; --layer is an int? in
        // plot and text in recommend, so the command decides.
        Assert.Equal("Error: --samples takes a whole number, got 'abc'.", Cli.Run("compare", "--samples", "abc").Err.Trim());
        Assert.Equal("Error: --layer takes a whole number, got 'q'.", Cli.Run("plot", "--histograms", "x", "--layer", "q").Err.Trim());
        Assert.Equal("Error: --diagnose-every takes a whole number, got 'x'.", Cli.Run("train", "--data", "xor", "--diagnose-every", "x").Err.Trim());
    }

    [Fact]
    public void An_option_given_without_its_value_is_refused_and_writes_nothing()
    {
        // The parser filled in its placeholder '__default_command': `train --save` wrote a model file of that name.
        Cli.Run("train", "--data", "xor", "--epochs", "1", "--save").BadInput("--save needs a value.");
        Assert.False(File.Exists("__default_command"));
        Cli.Run("train", "--data", "xor", "--epochs", "--hidden", "4").BadInput("--epochs needs a value.");
        Cli.Run("eval", "tanh", "-x").BadInput("-x needs a value.");
        Cli.Run("eval", "tanh", "--x").BadInput("--x needs a value.");
        Cli.Run("bench", "mlp", "--threads").BadInput("--threads needs a value.");
        Cli.Run("train", "--data", "xor", "--diagnostics-out").BadInput("--diagnostics-out needs a value.");
        // Another command's option is unknown here, not missing its value.
        Assert.Contains("Unknown option 'sizes'", Cli.Run("train", "--data", "xor", "--sizes").Err, StringComparison.Ordinal);
        // Flags and values that start with a minus sign are not affected.
        Assert.Equal(0, Cli.Run("eval", "tanh", "--x", "-1:1:1", "--grad").ExitCode);
    }

    [Fact]
    public void A_file_name_that_starts_with_a_dash_is_the_value_of_the_option_before_it()
    {
        // `plot relu --out -x.png` was "--out needs a value" where `--out=-x.png` wrote the file; every command's path
        // options now take such a word as getopt does (run in a folder of their own: the names are relative).
        using var dir = new TempDir();
        Assert.Contains("Wrote -x.png.", Cli.RunIn(dir.Path, "plot", "relu", "--out", "-x.png").Ok().Err, StringComparison.Ordinal);
        Cli.RunIn(dir.Path, "eval", "relu", "-x", "0:1:1", "-o", "-y.csv").Ok();
        Cli.RunIn(dir.Path, "train", "--data", "xor", "--samples", "50", "--hidden", "4", "--epochs", "1", "--save", "-m.akm").Ok();
        File.WriteAllLines(dir.File("-in.csv"), ["0.5,0.5", "-0.5,0.5"]);
        Cli.RunIn(dir.Path, "predict", "--model", "-m.akm", "--in", "-in.csv", "--out", "-p.csv").Ok();
        Cli.RunIn(dir.Path, "compare", "--data", "xor", "--samples", "50", "--activations", "relu", "--hidden", "4", "--seeds", "1", "--epochs", "1", "--threads", "1", "--out", "-results").Ok();
        Cli.RunIn(dir.Path, "report", "./-results", "--html", "-r.html").Ok();
        Assert.Equal(["-in.csv", "-m.akm", "-p.csv", "-r.html", "-x.png", "-y.csv"], dir.Files());
        Assert.True(Directory.Exists(dir.File("-results")));

        // What reads as an option stays one, so a forgotten value is still said to be missing.
        Cli.Run("eval", "relu", "-x", "0:1:1", "--out", "--grad").BadInput("--out needs a value.");
        Cli.Run("eval", "relu", "-x", "0:1:1", "--out", "-g").BadInput("--out needs a value.");
        Cli.Run("eval", "relu", "-x", "0:1:1", "--out", "-").BadInput("--out takes a file name, not '-'");
    }

    [Fact]
    public void Words_after_the_end_of_options_marker_are_arguments_even_when_they_start_with_a_dash()
    {
        // `check -- -s1.json` was "Short option does not have a valid name: '1'" and `report -- -x` "missing required
        // argument 'DIR'": the parser kept the words after -- for arguments no command reads (run in a folder of their
        // own: the names are relative).
        using var dir = new TempDir();
        File.WriteAllText(dir.File("-s1.json"), """{"inputs": 4, "layers": [{"units": 8, "activation": "relu", "init": "he_normal"}, {"units": 2, "activation": "softmax"}]}""");
        var check = Cli.RunIn(dir.Path, "check", "--", "-s1.json", "--json");
        Assert.Equal(2, check.ExitCode);
        Assert.Contains("check does not take the argument '--json'", check.Err, StringComparison.Ordinal);
        Assert.Equal(Cli.RunIn(dir.Path, "check", "./-s1.json").ExitCode, Cli.RunIn(dir.Path, "check", "--json", "--", "-s1.json").ExitCode);
        Assert.StartsWith("{", Cli.RunIn(dir.Path, "check", "--json", "--", "-s1.json").Out.TrimStart(), StringComparison.Ordinal);

        Cli.RunIn(dir.Path, "compare", "--data", "xor", "--samples", "50", "--activations", "relu", "--hidden", "4", "--seeds", "1", "--epochs", "1", "--threads", "1", "--out", "-results").Ok();
        Assert.Contains("relu", Cli.RunIn(dir.Path, "report", "--", "-results").Ok().Out, StringComparison.Ordinal);
        Directory.CreateDirectory(dir.File("-acts"));
        Assert.Contains("The folder '-acts' has no .npy files", Cli.RunIn(dir.Path, "diagnose", "--", "-acts").Err, StringComparison.Ordinal);

        // Words without a dash after -- are arguments too, and options before -- keep their (negative) values.
        Assert.Equal(Cli.Run("show", "relu").Out, Cli.Run("show", "--", "relu").Ok().Out);
        Assert.Equal(["x,f(x)", "-1,0", "0,0", "1,1"], Cli.Run("eval", "-x", "-1:1:1", "--", "relu").Ok().Lines);
    }

    [Fact]
    public void A_function_name_after_the_end_of_options_marker_keeps_its_dash()
    {
        // `show -- -relu` showed relu: the catalog's spelling rules squashed the dash away, though after -- the word is
        // an operand, and no function is called -relu.
        Cli.Run("show", "--", "-relu").BadInput("Error: Unknown activation '-relu'. Did you mean 'relu'");
        Cli.Run("eval", "-x", "0:1:1", "--", "-relu").BadInput("Unknown activation '-relu'.");
        Assert.Equal(Cli.Run("show", "leaky_relu").Out, Cli.Run("show", "--", "Leaky-ReLU").Ok().Out);
    }

    [Fact]
    public void Argument_exception_messages_lose_the_parameter_suffix()
    {
        Assert.Equal("bad thing.", ErrorReporter.Message(new ArgumentException("bad thing.", "x")));
    }
}
