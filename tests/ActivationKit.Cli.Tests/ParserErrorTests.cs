namespace ActivationKit.Cli.Tests;

/// <summary>
/// The option parser's errors, reworded as one sentence on one line of stderr with exit code 2. Spectre.Console.Cli
/// printed a block instead: a blank line, "Error: …", the command line echoed and a ^^^ marker (exploratory CLI
/// tester's finding F13).
/// </summary>
public class ParserErrorTests
{
    [Theory]
    [InlineData("Error: Unknown option 'bogus' (`actkit list --help` lists its options).", "list", "--bogus")]
    [InlineData("Error: Unknown option 'gard'; did you mean '--grad'?", "eval", "relu", "-x", "0:1:1", "--gard")]
    [InlineData("Error: Unknown option 'gra'; did you mean '--grad'?", "eval", "relu", "-x", "0:1:1", "--gra")]
    [InlineData("Error: Unknown option 'fam'; did you mean '--family'?", "list", "--fam=rectifier")]
    [InlineData("Error: Unknown option 'famliy'; did you mean '--family'?", "list", "--famliy", "gated")]
    [InlineData("Error: Unknown option '-json'; did you mean '--json'?", "list", "---json")]
    [InlineData("Error: Unknown option 'j'; did you mean '--json'?", "list", "-j")]
    [InlineData("Error: Unknown option 'r' in '-grad'; did you mean '--grad'?", "eval", "relu", "-x", "0:1:1", "-grad")]
    [InlineData("Error: Unknown option 'bogus' (`actkit eval --help` lists its options).", "eval", "relu", "-x", "0:1:1", "--bogus=")]
    [InlineData("Error: Unknown option 'reps' (`actkit bench mlp --help` lists its options).", "bench", "mlp", "--reps", "1")]
    [InlineData("Error: Unknown option 'sizes' (`actkit train --help` lists its options).", "train", "--data", "xor", "--sizes")]
    [InlineData("Error: Unknown option '--bogus': options follow a command (`actkit --help` lists the commands).", "--bogus")]
    [InlineData("Error: Unknown command 'lst'; did you mean 'list'?", "lst")]
    [InlineData("Error: Unknown command 'frobnicate' (`actkit --help` lists the commands).", "frobnicate")]
    [InlineData("Error: show does not take the argument 'extra' (`actkit show --help` lists its options).", "show", "relu", "extra")]
    [InlineData("Error: list does not take the argument 'extra' (`actkit list --help` lists its options).", "list", "--help", "extra")]
    [InlineData("Error: --range needs a value (nothing follows '=').", "eval", "tanh", "--range=")]
    [InlineData("Error: --grad is a flag: give it alone (or as --grad=true or --grad=false), got '--grad='.", "eval", "relu", "-x", "0:1:1", "--grad=")]
    [InlineData("Error: --json is a flag: give it alone (or as --json=true or --json=false), got '--json=x'.", "list", "--json=x")]
    [InlineData("Error: --in takes a file name, not '-' (actkit reads and writes named files, not standard input or output through '-').", "predict", "--model", "m.akm", "--in", "-")]
    [InlineData("Error: --in takes a file name, not '-' (actkit reads and writes named files, not standard input or output through '-').", "predict", "--model", "m.akm", "--in=-")]
    [InlineData("Error: --family needs a value, got '-'.", "list", "--family", "-")]
    [InlineData("Error: A lone '-' is neither an option nor a value (actkit reads and writes named files, not standard input through '-').", "list", "-")]
    [InlineData("Error: A lone '-' is neither an option nor a value (actkit reads and writes named files, not standard input through '-').", "list", "--json", "-")]
    [InlineData("Error: '--1abc' is not an option name: option names cannot start with a digit.", "list", "--1abc")]
    [InlineData("Error: '--a' is not an option name (`actkit list --help` lists its options).", "list", "--a")]
    [InlineData("Error: -t needs a value.", "eval", "relu", "-x", "0:1:1", "-tg", "f64")]
    [InlineData("Error: '-s1.json' is not an option; if '-s1.json' is a file, write ./-s1.json or put it after -- (`actkit check -- -s1.json`).", "check", "-s1.json")]
    [InlineData("Error: '-acts' joins -a and its value; write -a cts or -a=cts, or, if '-acts' is a folder, write ./-acts or put it after -- (`actkit diagnose -- -acts`).", "diagnose", "-acts")]
    [InlineData("Error: Unknown option 'x' (`actkit report --help` lists its options); if '-x' is a folder, write ./-x or put it after -- (`actkit report -- -x`).", "report", "-x")]
    [InlineData("Error: '-s1' is not an option (`actkit list --help` lists its options).", "list", "-s1")]
    [InlineData("Error: '-g1' is not an option (`actkit eval --help` lists its options).", "eval", "relu", "-g1")]
    [InlineData("Error: list does not take the argument '-x' (`actkit list --help` lists its options).", "list", "--", "-x")]
    [InlineData("Error: check does not take the argument '-b.json' (`actkit check --help` lists its options).", "check", "--", "a.json", "-b.json")]
    [InlineData("Error: The file '-missing.json' does not exist.", "check", "--", "-missing.json")]
    [InlineData("Error: --activation needs a value.", "diagnose", "--activation", "--", "-acts")]
    public void Parser_errors_are_one_sentence_on_one_line(string expected, params string[] args)
    {
        var r = Cli.Run(args).BadInput(expected);
        Assert.Equal(expected, r.Err.TrimEnd('\n', '\r'));
        Assert.DoesNotContain("^", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bundle_of_short_options_may_end_with_one_that_takes_a_value()
    {
        // `-gt f64` was "Option 'dtype' is defined but no value has been provided" over four lines: the parser bundles
        // flags only. It now reads as -g -t f64 (F13).
        var bundled = Cli.Run("eval", "sigmoid", "-x", "0:1:1", "-gt", "f64").Ok();
        Assert.Equal(Cli.Run("eval", "sigmoid", "-x", "0:1:1", "-g", "-t", "f64").Ok().Out, bundled.Out);
        Assert.Contains("0.25", bundled.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gard", "grad")]
    [InlineData("rnage", "range")]
    [InlineData("dtyp", "dtype")]
    [InlineData("colums", "columns")]
    public void Near_misses_of_eval_options_are_suggested(string typed, string meant)
    {
        Assert.Equal([meant], ParserErrors.Suggest(typed, ParserErrors.OptionsOf("eval")));
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("x")]
    [InlineData("zzzzzz")]
    [InlineData("zz")] // two edits from every two-letter option ("--in"); a reviewer's find
    [InlineData("qq")]
    public void Nothing_is_suggested_when_no_option_is_close(string typed)
    {
        Assert.Empty(ParserErrors.Suggest(typed, ParserErrors.OptionsOf("eval")));
    }

    [Theory]
    [InlineData("Error: --seed takes a whole number up to 2147483647, got '99999999999999999999'.", "accuracy", "sigmoid", "--seed", "99999999999999999999")]
    // --diagnose-every is read as text and checked against its own range (1 step and up), so its limits are in steps.
    [InlineData("Error: --diagnose-every must be at most 2147483647 steps, got 99999999999.", "train", "--data", "xor", "--diagnose-every", "99999999999")]
    [InlineData("Error: --diagnose-every must be at least 1 step, got -99999999999.", "train", "--data", "xor", "--diagnose-every=-99999999999")]
    [InlineData("Error: --seed takes a whole number up to 18446744073709551615, got '18446744073709551616'.", "train", "--data", "xor", "--seed", "18446744073709551616")]
    [InlineData("Error: --samples takes a whole number up to 2147483647, got '3000000000'.", "compare", "--samples=3000000000")]
    [InlineData("Error: --seed takes a whole number of 0 or more, got '-99999999999999999999'.", "train", "--data", "xor", "--seed", "-99999999999999999999")]
    [InlineData("Error: --samples takes a whole number, got '1e9'.", "accuracy", "--samples", "1e9")]
    public void A_whole_number_too_large_for_its_option_is_told_the_limit(string expected, params string[] args)
    {
        // "--seed takes a whole number, got '99999999999999999999'": it is one, just too large (F11).
        Assert.Equal(expected, Cli.Run(args).BadInput(expected).Err.TrimEnd('\n', '\r'));
    }

    [Theory]
    [InlineData("Error: --family was given twice.", "list", "--family", "rectifier", "--family", "gated")]
    [InlineData("Error: --family was given twice (as -f and --family).", "list", "-f", "rectifier", "--family=gated")]
    [InlineData("Error: --json was given twice.", "list", "--json", "--json")]
    [InlineData("Error: -x was given twice.", "eval", "relu", "-x", "0:1:0.5", "-x", "0:2:1")]
    [InlineData("Error: --range was given twice (as --x and -x).", "eval", "relu", "--x", "0:1:0.5", "-x", "0:2:1")]
    [InlineData("Error: --dtype was given twice (as -t and --dtype).", "eval", "relu", "-x", "0:1:1", "-gt", "f64", "--dtype", "f32")]
    [InlineData("Error: --version takes no arguments, got 'extra'.", "--version", "extra")]
    [InlineData("Error: -v takes no arguments, got 'extra'.", "-v", "extra")]
    public void An_option_given_twice_and_words_after_version_are_refused(string expected, params string[] args)
    {
        // The parser kept the last value (`list --family rectifier --family gated` listed the gated functions only) and
        // `--version extra` printed the version (F14).
        Assert.Equal(expected, Cli.Run(args).BadInput(expected).Err.TrimEnd('\n', '\r'));
    }

    [Fact]
    public void A_list_option_may_be_given_more_than_once_and_actkit_alone_prints_the_help()
    {
        var r = Cli.Run("recommend", "--symptom", "vanishing-gradients", "--symptom", "dead-units").Ok();
        Assert.Contains("symptoms: vanishing-gradients, dead-units", r.Out, StringComparison.Ordinal);
        Assert.Contains("USAGE:", Cli.Run().Ok().Out, StringComparison.Ordinal);
    }

    [Theory]
    // Exploratory tester: text after the ')' was told "missing ')'", though the ')' is there.
    [InlineData("leaky_relu(0.3)x", "unexpected 'x' after the closing ')'.")]
    [InlineData("leaky_relu(0.3) x", "unexpected 'x' after the closing ')'.")]
    [InlineData("relu(1))", "unexpected ')' after the closing ')'.")]
    [InlineData("elu(1)(2)", "unexpected '(2)' after the closing ')'.")]
    [InlineData("relu(", "missing ')'.")]
    [InlineData("leaky_relu(0.3", "missing ')'.")]
    [InlineData("(1)", "missing the name before '('.")]
    [InlineData("relu)", "expected NAME or NAME(ARGS).")]
    [InlineData("elu(1,)", "an argument is missing (nothing before or after a ',').")]
    [InlineData("elu(x)", "'x' is not a number.")]
    // 1e999 was read as ∞ and refused as "must be a finite number, got ∞", a value never written.
    [InlineData("leaky_relu(1e999)", "'1e999' is beyond the largest finite double, ±1.7976931348623157E+308.")]
    [InlineData("elu(alpha=-1e400)", "'-1e400' is beyond the largest finite double, ±1.7976931348623157E+308.")]
    public void A_malformed_activation_spec_is_told_what_is_wrong_with_it(string spec, string reason)
    {
        string expected = $"Error: Malformed activation spec '{spec}': {reason}";
        Assert.Equal(expected, Cli.Run("eval", spec, "-x", "0:1:1").BadInput(expected).Err.TrimEnd('\n', '\r'));
        Assert.Equal(expected, Cli.Run("show", spec).BadInput(expected).Err.TrimEnd('\n', '\r'));
    }

    [Fact]
    public void Infinity_written_as_such_is_still_a_parameter_the_function_judges()
    {
        // Only digits beyond the doubles are the parser's to refuse; inf is the function's (elu's alpha must be finite).
        Cli.Run("eval", "elu(alpha=inf)", "-x", "0:1:1").BadInput("elu: parameter 'alpha' must be a finite number, got ∞.");
        Assert.Equal("1,1", Cli.Run("eval", "leaky_relu(1.7976931348623157e308)", "-x", "1:1:1").Ok().Lines[^1]);
    }
}
