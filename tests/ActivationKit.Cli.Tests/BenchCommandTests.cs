using System.Text.Json;

namespace ActivationKit.Cli.Tests;

// bench sets the process-wide KernelOptions (streaming threshold, threads) for its run and restores them; tests that
// run bench with those options, or assert the defaults afterwards, share one collection so xunit never runs them at
// once (BenchCommandTests' "restores it" had failed while PluralTests' bench --streaming 1 was running).
[Collection(KernelOptionsCollection.Name)]
public class BenchCommandTests
{
    [Fact]
    public void Json_has_one_line_per_measurement_with_ours_tensorprimitives_and_copy()
    {
        var r = Cli.Run("bench", "sigmoid", "softmax", "--sizes", "1024", "--shapes", "4x64", "--reps", "2", "--json").Ok();
        var rows = r.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var copy = Assert.Single(rows, e => e.GetProperty("impl").GetString() == "copy");
        Assert.Equal(1024, copy.GetProperty("n").GetInt64());
        Assert.True(copy.GetProperty("ns_per_elem").GetDouble() > 0);

        var sigmoid = Assert.Single(rows, e => e.GetProperty("impl").GetString() == "activationkit" && e.GetProperty("fn").GetString() == "sigmoid");
        Assert.Equal("f32", sigmoid.GetProperty("dtype").GetString());
        Assert.Equal(1, sigmoid.GetProperty("threads").GetInt32());
        Assert.Equal(3.0, sigmoid.GetProperty("input_std").GetDouble());
        foreach (string field in new[] { "fwd_ns_per_elem", "bwd_ns_per_elem", "fwd_median_ns_per_elem", "bwd_median_ns_per_elem" })
        {
            Assert.True(sigmoid.GetProperty(field).GetDouble() > 0, field);
        }

        Assert.True(sigmoid.GetProperty("fwd_median_ns_per_elem").GetDouble() >= sigmoid.GetProperty("fwd_ns_per_elem").GetDouble());
        Assert.Single(rows, e => e.GetProperty("impl").GetString() == "tensorprimitives" && e.GetProperty("fn").GetString() == "sigmoid");

        var softmax = Assert.Single(rows, e => e.GetProperty("impl").GetString() == "activationkit" && e.GetProperty("fn").GetString() == "softmax");
        Assert.Equal(4, softmax.GetProperty("rows").GetInt32());
        Assert.Equal(64, softmax.GetProperty("cols").GetInt32());
        Assert.Equal(256, softmax.GetProperty("n").GetInt64());
    }

    [Fact]
    public void Input_spread_is_an_option_and_reaches_the_rows_and_the_header()
    {
        var json = Cli.Run("bench", "silu", "--sizes", "512", "--reps", "1", "--input-std", "100", "--json").Ok();
        var ours = json.Lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("impl").GetString() == "activationkit");
        Assert.Equal(100.0, ours.GetProperty("input_std").GetDouble());
        var table = Cli.Run("bench", "silu", "--sizes", "512", "--reps", "1", "--input-std", "0.5").Ok();
        Assert.Contains("inputs Normal(0, 0.5)", table.Out);
    }

    [Fact]
    public void Table_lists_each_function_and_size_in_f64()
    {
        var r = Cli.Run("bench", "relu", "leaky_relu(0.2)", "gelu", "--sizes", "512,700", "--reps", "2", "--dtype", "f64").Ok();
        Assert.Contains("f64", r.Out, StringComparison.Ordinal);
        Assert.Contains(r.Lines, l => l.StartsWith("relu ", StringComparison.Ordinal) && l.Contains(" 700 ", StringComparison.Ordinal));
        // A non-default spec is labelled with its parameters and has no TensorPrimitives baseline; neither has erf GELU.
        Assert.Contains(r.Lines, l => l.StartsWith("leaky_relu(negative_slope=0.2)", StringComparison.Ordinal) && l.Contains('–', StringComparison.Ordinal));
        Assert.Equal(3 * 2, r.Lines.Count(l => l.StartsWith("relu ", StringComparison.Ordinal) || l.StartsWith("leaky_relu(", StringComparison.Ordinal) || l.StartsWith("gelu ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("f16", true)]
    [InlineData("bf16", false)]
    public void Sixteen_bit_types_time_ours_and_the_copy_and_tensorprimitives_where_it_takes_half(string dtype, bool baseline)
    {
        var r = Cli.Run("bench", "sigmoid", "softmax", "--sizes", "700", "--shapes", "4x64", "--reps", "2", "--dtype", dtype, "--json").Ok();
        var rows = r.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.All(rows, e => Assert.Equal(dtype, e.GetProperty("dtype").GetString()));
        Assert.True(Assert.Single(rows, e => e.GetProperty("impl").GetString() == "copy").GetProperty("ns_per_elem").GetDouble() > 0);
        foreach (string fn in new[] { "sigmoid", "softmax" })
        {
            var ours = Assert.Single(rows, e => e.GetProperty("impl").GetString() == "activationkit" && e.GetProperty("fn").GetString() == fn);
            Assert.True(ours.GetProperty("fwd_ns_per_elem").GetDouble() > 0 && ours.GetProperty("bwd_ns_per_elem").GetDouble() > 0, fn);
            // The 16-bit backward from the output (widened to float, as the one from the input) is timed as well.
            Assert.True(ours.GetProperty("bwd_from_output_ns_per_elem").GetDouble() > 0, fn);
        }

        Assert.Equal(baseline ? 2 : 0, rows.Count(e => e.GetProperty("impl").GetString() == "tensorprimitives"));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("f64")]
    public void Backward_from_the_output_is_timed_on_our_rows_of_the_functions_that_have_one(string dtype)
    {
        // Training engines take the gradient from the output; bench timed only the one from the input.
        var r = Cli.Run("bench", "sigmoid", "gelu", "leaky_relu(-0.5)", "softmax", "log_softmax", "--sizes", "256", "--shapes", "4x64", "--reps", "2", "--dtype", dtype, "--json").Ok();
        var rows = r.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        JsonElement Ours(string fn) => Assert.Single(rows, e => e.GetProperty("impl").GetString() == "activationkit" && e.GetProperty("fn").GetString() == fn);
        foreach (string fn in new[] { "sigmoid", "softmax", "log_softmax" })
        {
            var ours = Ours(fn);
            double best = ours.GetProperty("bwd_from_output_ns_per_elem").GetDouble();
            double median = ours.GetProperty("bwd_from_output_median_ns_per_elem").GetDouble();
            Assert.True(best > 0 && double.IsFinite(best), $"{fn}: {best}");
            Assert.True(median >= best && double.IsFinite(median), $"{fn}: {median} < {best}");
            // The fields of the backward from the input keep their names and meaning alongside.
            Assert.True(ours.GetProperty("bwd_ns_per_elem").GetDouble() > 0, fn);
            Assert.True(ours.GetProperty("bwd_median_ns_per_elem").GetDouble() > 0, fn);
        }

        // Absent, not null, where there is none: erf GELU's derivative is not a function of its output, nor is that
        // of a leaky ReLU with a negative slope (SupportsBackwardFromOutput depends on the parameters); nor on the
        // baselines' rows or the copy's.
        string[] fields = ["bwd_from_output_ns_per_elem", "bwd_from_output_median_ns_per_elem"];
        foreach (var e in rows.Where(e => e.GetProperty("impl").GetString() != "activationkit").Append(Ours("gelu")).Append(Ours("leaky_relu(negative_slope=-0.5)")))
        {
            foreach (string field in fields) Assert.False(e.TryGetProperty(field, out _), $"{e}: {field}");
        }
    }

    [Fact]
    public void The_table_has_a_bwd_y_column_when_a_timed_function_has_a_backward_from_the_output()
    {
        var r = Cli.Run("bench", "sigmoid", "gelu", "--sizes", "256", "--reps", "1").Ok();
        string header = Assert.Single(r.Lines, l => l.StartsWith("function ", StringComparison.Ordinal));
        Assert.Contains("  ours bwd  ", header, StringComparison.Ordinal);
        Assert.Contains("  ours bwd(y)  ", header, StringComparison.Ordinal);
        // gelu's row has a dash in that column: the fifth cell, after function, n and its two timings.
        string[] gelu = Assert.Single(r.Lines, l => l.StartsWith("gelu ", StringComparison.Ordinal)).Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("–", gelu[4]);
        string[] sigmoid = Assert.Single(r.Lines, l => l.StartsWith("sigmoid ", StringComparison.Ordinal)).Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^\d+\.\d{3} \[\d+\.\d{3}\]$", sigmoid[4]);
        // Without any such function the column is left out.
        var none = Cli.Run("bench", "gelu", "--sizes", "256", "--reps", "1").Ok();
        Assert.DoesNotContain("bwd(y)", none.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Streaming_option_sets_the_threshold_for_the_run_and_restores_it()
    {
        var r = Cli.Run("bench", "relu", "--sizes", "4096", "--reps", "1", "--streaming", "0").Ok();
        Assert.Contains("streaming stores from 0 bytes moved", r.Out, StringComparison.Ordinal);
        r = Cli.Run("bench", "relu", "--sizes", "4096", "--reps", "1", "--streaming", "off").Ok();
        // Was "with streaming stores from never (off)".
        Assert.Contains("thread(s) without streaming stores (--streaming off), TensorPrimitives on 1.", r.Out, StringComparison.Ordinal);
        r = Cli.Run("bench", "relu", "--sizes", "4096", "--reps", "1", "--streaming", "1MiB", "--json").Ok();
        Assert.Contains("\"streaming_threshold_bytes\":1048576", r.Out, StringComparison.Ordinal);
        Assert.Equal(KernelOptions.DefaultStreamingThreshold, KernelOptions.StreamingThreshold);
        Assert.Equal(20L << 20, ActivationKit.Cli.Commands.BenchCommand.ParseStreaming("20MiB"));
        Assert.Equal(3L << 10, ActivationKit.Cli.Commands.BenchCommand.ParseStreaming(" 3 KiB "));
        Assert.Null(ActivationKit.Cli.Commands.BenchCommand.ParseStreaming("9999999999999GiB"));
    }

    // --streaming 9223372036854775807 (long.MaxValue, the library's "never") was shown as "--streaming off" and written
    // to --json as null; 8EiB-sized thresholds mean nothing on any machine, so 0 to 1 PiB is the range, with TiB and PiB
    // suffixes, and a longer number is refused with a message that quotes only its start.
    [Fact]
    public void Streaming_takes_0_to_1_PiB_and_refuses_more_in_one_sentence()
    {
        Assert.Equal(1L << 50, ActivationKit.Cli.Commands.BenchCommand.ParseStreaming("1PiB"));
        Assert.Equal(3L << 40, ActivationKit.Cli.Commands.BenchCommand.ParseStreaming("3 TiB"));
        Assert.Equal(1L << 50, ActivationKit.Cli.Commands.BenchCommand.ParseStreaming("1125899906842624"));
        Assert.Null(ActivationKit.Cli.Commands.BenchCommand.ParseStreaming("1125899906842625"));
        Assert.Null(ActivationKit.Cli.Commands.BenchCommand.ParseStreaming("9223372036854775807"));

        var r = Cli.Run("bench", "relu", "--sizes", "4096", "--reps", "1", "--streaming", "1PiB").Ok();
        Assert.Contains("with streaming stores from 1 PiB moved", r.Out, StringComparison.Ordinal);
        r = Cli.Run("bench", "relu", "--sizes", "4096", "--reps", "1", "--streaming", "1024TiB", "--json").Ok();
        Assert.Contains("\"streaming_threshold_bytes\":1125899906842624", r.Out, StringComparison.Ordinal);

        const string tooLarge = "--streaming must be at most 1 PiB (1,125,899,906,842,624 bytes), or 'off' for no streaming stores, got '";
        Cli.Run("bench", "relu", "--streaming", "9223372036854775807").BadInput(tooLarge + "9223372036854775807'.");
        Cli.Run("bench", "relu", "--streaming", "1025TiB").BadInput(tooLarge + "1025TiB'.");
        Cli.Run("bench", "relu", "--streaming", "2PiB").BadInput(tooLarge + "2PiB'.");
        string digits = new('9', 100_000);
        var e = Cli.Run("bench", "relu", "--streaming", digits).BadInput(tooLarge + new string('9', 39) + "…'.");
        Assert.True(e.Err.Length < 300, e.Err);
        e = Cli.Run("bench", "relu", "--streaming", digits + "x").BadInput("--streaming takes a byte count such as 20MiB, 65536 or 0, or 'off', got '" + new string('9', 39) + "…'.");
        Assert.True(e.Err.Length < 300, e.Err);
    }

    [Fact]
    public void Threads_option_runs_the_parallel_path_and_restores_the_setting()
    {
        Cli.Run("bench", "tanh", "--sizes", "1048576", "--reps", "1", "--threads", "2", "--json").Ok();
        Assert.Equal(1, KernelOptions.MaxThreads);
    }

    [Fact]
    public void Threads_is_a_cap_reported_as_given_and_the_header_says_when_it_exceeds_the_processors()
    {
        // --threads 256 on 2 vCPUs reported "threads":256 with nothing to say it was a cap, not the threads used.
        var json = Cli.Run("bench", "relu", "--sizes", "64", "--reps", "1", "--threads", "256", "--json").Ok();
        var ours = json.Lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("impl").GetString() == "activationkit");
        Assert.Equal(256, ours.GetProperty("threads").GetInt32());
        string header = Cli.Run("bench", "relu", "--sizes", "64", "--reps", "1", "--threads", "256").Ok().Lines[0];
        if (Environment.ProcessorCount < 256) Assert.Contains($"on up to 256 thread(s) (a cap above the {Environment.ProcessorCount} processors here) with streaming", header, StringComparison.Ordinal);
        Assert.DoesNotContain("processors here", Cli.Run("bench", "relu", "--sizes", "64", "--reps", "1").Ok().Lines[0], StringComparison.Ordinal);
        Assert.Contains("A cap", Cli.Run("bench", "--help").Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--sizes", "0", "--sizes takes element counts")]
    [InlineData("--sizes", "12,x", "--sizes takes element counts")]
    [InlineData("--shapes", "4by4", "--shapes takes ROWSxCOLS, e.g. 1024x1000, got '4by4'.")]
    [InlineData("--shapes", "3x", "--shapes takes ROWSxCOLS, e.g. 1024x1000, got '3x'.")]
    [InlineData("--shapes", "0x4", "--shapes takes ROWSxCOLS with both dimensions positive, e.g. 1024x1000, got '0x4'.")]
    [InlineData("--shapes", "4x0", "--shapes takes ROWSxCOLS with both dimensions positive, e.g. 1024x1000, got '4x0'.")]
    [InlineData("--shapes", "16384x16385", "--shapes takes ROWSxCOLS with at most 268435456 elements, e.g. 1024x1000, got '16384x16385'.")]
    [InlineData("--shapes", "99999999999x2", "--shapes takes ROWSxCOLS with at most 268435456 elements")]
    [InlineData("--sizes", "16,,32", "--sizes '16,,32' has an empty entry; separate the entries with single commas, e.g. 1024,65536.")]
    [InlineData("--sizes", ",16", "--sizes ',16' has an empty entry")]
    [InlineData("--shapes", "4x8,", "--shapes '4x8,' has an empty entry")]
    [InlineData("--dtype", "f8", "--dtype must be f32, f64, f16 or bf16")]
    [InlineData("--reps", "0", "--reps must be between")]
    [InlineData("--threads", "0", "--threads must be between")]
    [InlineData("--streaming", "lots", "--streaming takes a byte count")]
    [InlineData("--streaming", "-5", "--streaming takes a byte count")]
    [InlineData("--input-std", "0", "--input-std must be a positive number")]
    [InlineData("--input-std", "-3", "--input-std must be a positive number")]
    [InlineData("--input-std", "NaN", "--input-std must be a positive number")]
    [InlineData("--input-std", "1e31", "--input-std must be a positive number")]
    public void Bad_options_are_one_sentence_and_exit_2(string option, string value, string message)
    {
        Cli.Run("bench", "relu", option, value).BadInput(message);
    }

    [Fact]
    public void Gated_functions_are_timed_over_shapes_with_a_composed_baseline()
    {
        var r = Cli.Run("bench", "swiglu", "geglu", "--shapes", "4x64", "--reps", "2", "--json").Ok();
        var rows = r.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        // No copy row (no element-wise function), one row per implementation and function.
        Assert.DoesNotContain(rows, e => e.GetProperty("impl").GetString() == "copy");
        var ours = Assert.Single(rows, e => e.GetProperty("impl").GetString() == "activationkit" && e.GetProperty("fn").GetString() == "swiglu");
        Assert.Equal(4, ours.GetProperty("rows").GetInt32());
        Assert.Equal(64, ours.GetProperty("cols").GetInt32());
        Assert.Equal(256, ours.GetProperty("n").GetInt64());
        Assert.True(ours.GetProperty("fwd_ns_per_elem").GetDouble() > 0);
        Assert.True(ours.GetProperty("bwd_ns_per_elem").GetDouble() > 0);
        // TensorPrimitives composes a ⊙ silu(b) (forward only); it has no erf, so geglu has no baseline.
        var tp = Assert.Single(rows, e => e.GetProperty("impl").GetString() == "tensorprimitives");
        Assert.Equal("swiglu", tp.GetProperty("fn").GetString());
        Assert.Equal(JsonValueKind.Null, tp.GetProperty("bwd_ns_per_elem").ValueKind);
        Assert.Single(rows, e => e.GetProperty("impl").GetString() == "activationkit" && e.GetProperty("fn").GetString() == "geglu");
    }

    [Fact]
    public void Gated_functions_need_an_even_column_count_and_unknown_functions_are_rejected()
    {
        Cli.Run("bench", "glu", "--shapes", "4x7").BadInput("needs an even column count, got 4x7");
        Assert.Equal(2, Cli.Run("bench", "nosuchfn").ExitCode);
    }

    [Fact]
    public void Bench_help_shows_the_kernel_options_and_an_unknown_option_is_named()
    {
        // The branch's help listed only `mlp`, and `bench relu --bogus` said "Unknown command 'relu'".
        var help = Cli.Run("bench", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--sizes", help.Out, StringComparison.Ordinal);
        Assert.Contains("--shapes", help.Out, StringComparison.Ordinal);
        var bad = Cli.Run("bench", "relu", "--bogus");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("Unknown option 'bogus'", bad.Out + bad.Err, StringComparison.Ordinal);
        Assert.Contains("--threads", Cli.Run("bench", "mlp", "--help").Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--", "mlp")]
    [InlineData("--json", "--", "mlp")]
    [InlineData("kernels", "--", "mlp")]
    [InlineData("--", "kernels")]
    public void A_subcommand_name_after_the_end_of_options_marker_is_a_function_name(params string[] args)
    {
        // `bench -- mlp` timed training, as `bench mlp` does, while `bench --json -- mlp` refused 'mlp' as a function:
        // words after -- are operands (what `bench FUNCTION…` times), not the branch's keywords.
        string word = args[^1];
        Cli.Run(["bench", .. args]).BadInput($"Error: Unknown activation '{word}'");
    }

    [Theory]
    [InlineData("--reps", "1", "Unknown option 'reps'")]
    [InlineData("--dtype", "f64", "Unknown option 'dtype'")]
    [InlineData("--sizes", "16", "Unknown option 'sizes'")]
    [InlineData("--threads", "2", "relu", "bench mlp takes options only (--threads N, --activation SPEC, --json), got 'relu'")]
    [InlineData("relu", "bench mlp takes options only (--threads N, --activation SPEC, --json), got 'relu'")]
    public void Bench_mlp_names_the_option_or_word_it_does_not_take(params string[] argsAndMessage)
    {
        // The parser fell back to the kernels command with 'mlp' as a function: "Unknown activation 'mlp'. Did you mean 'elu'…".
        var r = Cli.Run(["bench", "mlp", .. argsAndMessage[..^1]]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(argsAndMessage[^1], r.Out + r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("mlp'", r.Out + r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("log_softmax")]
    [InlineData("sparsemax")]
    public void Bench_mlp_refuses_a_row_wise_hidden_activation_as_train_does(string activation)
    {
        // bench mlp exited 0, timing a network with a softmax hidden layer that train and compare refuse.
        Cli.Run("bench", "mlp", "--activation", activation, "--json").BadInput($"--activation '{activation}' is row-wise (it normalises a whole row), so it cannot be a hidden-layer activation; use an element-wise function such as relu or gelu.");
    }

    [Fact]
    public void Bench_mlp_reports_a_diverging_job_as_train_does_not_as_an_internal_error()
    {
        // It exited 70 with "Internal error (InvalidOperationException): Training diverged in epoch 1, batch 3: …".
        var r = Cli.Run("bench", "mlp", "--activation", "leaky_relu(1e30)", "--samples", "384", "--json");
        Assert.Equal(1, r.ExitCode);
        // One sentence: the trainer's own advised a learning rate and inputs this fixed job does not let the user change.
        Assert.Equal("Error: the fixed job of bench mlp (the PyTorch anchor's) diverged with --activation leaky_relu(1e30), its loss or weights becoming NaN or infinite, so nothing was timed; choose another activation.", r.Err.Trim());
        Assert.DoesNotContain("Internal error", r.Err, StringComparison.Ordinal);
        Assert.Empty(r.Out);
    }

    [Theory]
    [InlineData("100000")]
    [InlineData("257")]
    [InlineData("0")]
    public void Bench_mlp_takes_the_thread_counts_bench_takes(string threads)
    {
        // --threads 100000 was timed and reported as "threads": 100000.
        Cli.Run("bench", "mlp", "--threads", threads, "--samples", "128", "--json").BadInput($"--threads must be between 1 and 256, got {threads}.");
    }

    [Fact]
    public void Per_channel_parameters_are_refused_by_bench_and_accuracy_with_the_shared_form_named()
    {
        // They failed deep inside with "3 slopes need rows of 3 columns, got rows of 4096".
        Cli.Run("bench", "prelu(num_parameters=3)", "--sizes", "4096").BadInput("has one parameter per channel (3 channels); bench times the function with one shared parameter (e.g. prelu)");
        Cli.Run("accuracy", "prelu(num_parameters=3)").BadInput("accuracy measures the function with one shared parameter (e.g. prelu)");
        Assert.Contains("-0.25", Cli.Run("eval", "prelu(num_parameters=3)", "--x=-1:4:1", "--columns", "3").Ok().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_size_option_that_fits_none_of_the_functions_is_refused_instead_of_ignored()
    {
        // softmax alone was timed at the default 1024x1000 whatever --sizes said.
        Cli.Run("bench", "softmax", "--sizes", "100").BadInput("--sizes sets element counts for element-wise functions, and softmax takes rows");
        Cli.Run("bench", "relu", "gelu", "--shapes", "8x10").BadInput("--shapes sets ROWSxCOLS for row-wise and gated functions, and relu is element-wise");
    }

    [Fact]
    public void A_spec_at_the_default_parameters_is_the_function_by_name_with_its_baseline()
    {
        // 'sigmoid()' had no TensorPrimitives baseline (its text has parentheses) and, named before sigmoid, took its
        // place, so sigmoid lost the baseline too; leaky_relu() and leaky_relu were timed as two rows.
        var r = Cli.Run("bench", "sigmoid()", "sigmoid", "leaky_relu()", "leaky_relu", "leaky_relu(0.01)", "leaky_relu(0.2)", "--sizes", "512", "--reps", "1", "--json").Ok();
        var rows = r.Lines.Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("impl").GetString() != "copy").ToArray();
        string[] Timed(string impl) => rows.Where(e => e.GetProperty("impl").GetString() == impl).Select(e => e.GetProperty("fn").GetString()!).ToArray();
        Assert.Equal(["sigmoid", "leaky_relu", "leaky_relu(negative_slope=0.2)"], Timed("activationkit"));
        Assert.Equal(["sigmoid", "leaky_relu"], Timed("tensorprimitives"));
        Assert.Single(Cli.Run("bench", "sigmoid()", "--sizes", "512", "--reps", "1", "--json").Ok().Lines, l => l.Contains("\"impl\":\"tensorprimitives\"", StringComparison.Ordinal));
    }

    [Fact]
    public void A_size_or_shape_given_twice_is_refused_before_timing()
    {
        // The table failed on the duplicate key after every measurement had run ("An item with the same key has
        // already been added. Key: 4096", exit 2), and --shapes 4x10,4x10 showed the first TensorPrimitives timing twice.
        Cli.Run("bench", "relu", "--sizes", "4096,4096", "--reps", "1").BadInput("--sizes lists 4096 twice; give each element count once.");
        Cli.Run("bench", "softmax", "--shapes", "4x10,8x10,4x10", "--reps", "1").BadInput("--shapes lists 4x10 twice; give each shape once.");
    }

    [Theory]
    [InlineData("F32", "f32")]
    [InlineData("float32", "f32")]
    [InlineData("Float64", "f64")]
    [InlineData("half", "f16")]
    [InlineData("BFloat16", "bf16")]
    public void Dtype_takes_the_spellings_eval_and_accuracy_take(string given, string name)
    {
        var r = Cli.Run("bench", "relu", "--sizes", "64", "--reps", "1", "--dtype", given, "--json").Ok();
        Assert.All(r.Lines, l => Assert.Equal(name, JsonDocument.Parse(l).RootElement.GetProperty("dtype").GetString()));
    }

    [Fact]
    public void Row_wise_rows_report_one_thread_and_no_streaming_threshold_which_only_element_wise_kernels_use()
    {
        var r = Cli.Run("bench", "relu", "softmax", "--sizes", "64", "--shapes", "4x16", "--reps", "1", "--threads", "2", "--json").Ok();
        var rows = r.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var relu = Assert.Single(rows, e => e.GetProperty("impl").GetString() == "activationkit" && e.GetProperty("fn").GetString() == "relu");
        Assert.Equal(2, relu.GetProperty("threads").GetInt32());
        Assert.True(relu.TryGetProperty("streaming_threshold_bytes", out _));
        var softmax = Assert.Single(rows, e => e.GetProperty("impl").GetString() == "activationkit" && e.GetProperty("fn").GetString() == "softmax");
        Assert.Equal(1, softmax.GetProperty("threads").GetInt32());
        Assert.False(softmax.TryGetProperty("streaming_threshold_bytes", out _));
        foreach (string field in new[] { "impl", "fn", "dtype", "n", "rows", "cols", "fwd_ns_per_elem", "bwd_ns_per_elem" }) Assert.True(softmax.TryGetProperty(field, out _), field);
    }

    [Theory]
    [InlineData(1024, 1000, 3)]
    [InlineData(2, 64, 2)]
    [InlineData(1, 1000, 1)]
    [InlineData(4096, 30000, 2)]
    [InlineData(64, 65536, 1)]
    [InlineData(1, 33554432, 1)]
    public void Row_wise_warm_up_keeps_the_row_length_and_takes_at_most_three_rows_and_one_when_rows_are_long(int rows, int cols, int warmRows)
    {
        // Four rows of the shape's width whatever the shape: softmax at 1x33554432 took 75 s and 2.9 GB.
        Assert.Equal(warmRows, ActivationKit.Cli.Commands.BenchCommand.WarmUpRows(rows, cols));
    }

    [Fact]
    public void A_one_row_shape_is_warmed_up_on_its_own_buffers_within_a_heap_that_holds_them_once()
    {
        // Six 4 MiB buffers fit a 96 MiB heap; the warm-up's four rows of the same width (six 16 MiB buffers more, 120 MiB
        // in all) did not: "Internal error (OutOfMemoryException)", exit 70. (A 64 MiB heap left too little headroom: the
        // bench's own memory check refused the shape now and then while other tests ran beside it.)
        var (code, stdout, stderr) = RunActkitWithHeapLimit(0x6000000, "bench", "sparsemax", "--shapes", "1x1048576", "--reps", "1", "--json");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        var row = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(1048576, row.GetProperty("n").GetInt64());
        Assert.True(row.GetProperty("fwd_ns_per_elem").GetDouble() > 0);
    }

    [Fact]
    public void Sizes_that_do_not_fit_in_memory_are_one_sentence_naming_the_option_not_an_internal_error()
    {
        var (code, _, stderr) = RunActkitWithHeapLimit(0x4000000, "bench", "relu", "--sizes", "268435456", "--reps", "1");
        Assert.Equal(2, code);
        Assert.Equal("Error: Timing the copy of 268,435,456 elements needs more memory than is available; give smaller --sizes.", stderr.Trim());
        (code, _, stderr) = RunActkitWithHeapLimit(0x4000000, "bench", "softmax", "--shapes", "2x134217728", "--reps", "1");
        Assert.Equal(2, code);
        Assert.Equal("Error: Timing softmax at 2x134217728 needs more memory than is available; give smaller --shapes.", stderr.Trim());
    }

    [Fact]
    public void Bench_mlp_says_when_its_job_does_not_fit_in_memory_and_refuses_samples_past_one_array()
    {
        // Both ended in an exception's text: "Internal error (OutOfMemoryException)", exit 70, and "Arithmetic operation
        // resulted in an overflow." for 3,000,000 samples of 784 floats.
        var (code, stdout, stderr) = RunActkitWithHeapLimit(0x4000000, "bench", "mlp", "--json");
        Assert.Equal(2, code);
        Assert.Equal("Error: bench mlp's job over 60,000 samples (188 MB of images, then the network's buffers) needs more memory than is available.", stderr.Trim());
        Assert.Empty(stdout);
        Cli.Run("bench", "mlp", "--samples", "3000000").BadInput("--samples must be between 128 (one batch) and 2739137 (the images in one array), got 3000000.");
    }

    /// <summary>Runs the actkit next to the tests in a child process whose GC heap is capped at <paramref name="bytes"/>.</summary>
    internal static (int ExitCode, string Out, string Err) RunActkitWithHeapLimit(long bytes, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "actkit.dll");
        var psi = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_GCHeapHardLimit"] = "0x" + bytes.ToString("X", System.Globalization.CultureInfo.InvariantCulture);
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"actkit {string.Join(' ', args)} did not finish.");
        return (process.ExitCode, stdout, stderr.Result);
    }

    [Theory]
    [InlineData(nameof(ActivationKit.Cli.Bench.BenchTimer.Measure))]
    [InlineData(nameof(ActivationKit.Cli.Bench.BenchTimer.CallsPerSample))]
    [InlineData(nameof(ActivationKit.Cli.Bench.BenchTimer.WarmUp))]
    public void The_timers_loops_are_compiled_fully_optimised_never_as_tier0_or_osr_code(string method)
    {
        // Each runs once per measurement: tiered, its loop began as tier-0 code and was replaced by on-stack replacement
        // inside a timed sample (relu at 16 elements, --reps 1: 6–64 ns/element instead of 0.32).
        var m = typeof(ActivationKit.Cli.Bench.BenchTimer).GetMethod(method, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        Assert.True(m.MethodImplementationFlags.HasFlag(System.Reflection.MethodImplAttributes.AggressiveOptimization), method);
    }
}
