using System.Text.Json;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Cli.Docs;
using ActivationKit.Simd;

namespace ActivationKit.Cli.Tests;

public class AccuracyCommandTests
{
    private static readonly string[] ElementwiseNames = Cli.OfKind(ActivationKind.Elementwise).Select(i => i.Name).ToArray();

    [Fact]
    public void Json_reports_every_function_within_4_ulp_and_the_isa_path()
    {
        var r = Cli.Run("accuracy", "--samples", "20000", "--columns", "1,7,17,100", "--rows", "4", "--json").Ok();
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal(Isa.Path, root.GetProperty("isa").GetString());
        Assert.Equal("sampled", root.GetProperty("mode").GetString());
        var functions = root.GetProperty("functions").EnumerateArray().ToArray();
        var elementwise = functions.Where(f => f.GetProperty("kind").GetString() == "elementwise").ToArray();
        Assert.Equal(ElementwiseNames, elementwise.Select(f => f.GetProperty("name").GetString()));
        foreach (var f in elementwise)
        {
            Assert.Equal(20000, f.GetProperty("inputs").GetInt64());
            Assert.Equal(64, f.GetProperty("forwardHash").GetString()!.Length);
        }

        // Row-wise and gated functions on rows: 5 kinds × 4 rows of each length, so (1 + 7 + 17 + 100)·20 outputs.
        var rows = functions.Where(f => f.GetProperty("kind").GetString() != "elementwise").ToArray();
        Assert.Equal(
            Cli.OfKind(ActivationKind.Rowwise).Concat(Cli.OfKind(ActivationKind.Gated)).Select(i => i.Name).Order(StringComparer.Ordinal),
            rows.Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(rows, f => Assert.Equal(125 * 20, f.GetProperty("outputs").GetInt64()));
        Assert.Equal([1, 7, 17, 100], root.GetProperty("rows").GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()));
        foreach (var f in functions)
        {
            Assert.True(f.GetProperty("withinBound").GetBoolean(), f.ToString());
            Assert.InRange(f.GetProperty("forward").GetProperty("maxUlp").GetDouble(), 0, 4);
            Assert.InRange(f.GetProperty("backward").GetProperty("maxUlp").GetDouble(), 0, 4);
        }

        Assert.Empty(root.GetProperty("skipped").EnumerateArray());
    }

    [Fact]
    public void Row_functions_are_measured_on_rows_and_refused_where_only_element_wise_ones_can_go()
    {
        var r = Cli.Run("accuracy", "softmax", "swiglu", "--columns", "10,33", "--rows", "3").Ok();
        Assert.Contains("Rows: float rows of 2 length(s) from 10 to 33 outputs, 3 rows of each of 5 kinds per length", r.Out, StringComparison.Ordinal);
        Assert.Contains("All 2 function(s) within 4 ULP.", r.Out, StringComparison.Ordinal);
        Cli.Run("accuracy", "softmax", "--exhaustive").BadInput("--exhaustive covers element-wise functions only");
        Cli.Run("accuracy", "glu", "--dtype", "bf16").BadInput("--dtype bf16 covers element-wise functions only");
        Cli.Run("accuracy", "relu", "--columns", "10").BadInput("--columns and --rows apply to row-wise and gated functions");
        Cli.Run("accuracy", "softmax", "--columns", "0").BadInput("--columns takes row lengths from 1 to 65536");

        using var dir = new TempDir();
        string path = dir.File("accuracy.md");
        Cli.Run("accuracy", "relu", "--samples", "100", "--write-docs", path).Ok();
        Cli.Run("accuracy", "softmax", "--columns", "10", "--rows", "2", "--write-docs", path).Ok();
        string doc = File.ReadAllText(path);
        Assert.Contains("| `relu` |", Markdown.Between(doc, AccuracyDoc.Start, AccuracyDoc.End), StringComparison.Ordinal);
        Assert.Contains("| `softmax` |", Markdown.Between(doc, AccuracyDoc.StartRows, AccuracyDoc.EndRows), StringComparison.Ordinal);
        Assert.Contains("| 100 | 10 | ", doc, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_says_a_run_without_names_measures_every_function_as_it_does()
    {
        // The help said "Default: all element-wise functions", but softmax, glu, … are measured too.
        string help = Cli.RunWide("accuracy", "--help").Ok().Out;
        Assert.Contains("Default: all functions, element-wise ones on single values and row-wise and gated ones on rows", help, StringComparison.Ordinal);
        Assert.DoesNotContain("Default: all element-wise functions.", help, StringComparison.Ordinal);
        var all = Cli.RunWide("accuracy", "--samples", "100", "--columns", "4", "--rows", "1").Ok().Out;
        Assert.Contains("softmax", all, StringComparison.Ordinal);
        Assert.Contains("swiglu", all, StringComparison.Ordinal);
        Assert.Contains("sigmoid", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_names_the_isa_path_and_the_mode()
    {
        var r = Cli.Run("accuracy", "sigmoid", "tanh", "--samples", "5000").Ok();
        Assert.Contains($"ISA path: {Isa.Path}", r.Out, StringComparison.Ordinal);
        Assert.Contains("sampled, 5,000 inputs", r.Out, StringComparison.Ordinal);
        Assert.Contains("All 2 function(s) within 4 ULP.", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Exhaustive_over_a_bit_range_checks_every_pattern_in_it()
    {
        var r = Cli.Run("accuracy", "sigmoid", "--exhaustive", "--bit-range", "0xBF800000:70000", "--json").Ok();
        using var doc = JsonDocument.Parse(r.Out);
        // The JSON said "exhaustive", as a run over all 2^32 patterns does, where the table said "over a bit range".
        Assert.Equal("bit_range", doc.RootElement.GetProperty("mode").GetString());
        Assert.Equal("0xBF800000", doc.RootElement.GetProperty("bitRange").GetProperty("first").GetString());
        Assert.Equal(70000, doc.RootElement.GetProperty("bitRange").GetProperty("count").GetInt64());
        Assert.Contains("Mode: exhaustive over a bit range, 2,000 patterns from 0x409025CC;", Cli.Run("accuracy", "sigmoid", "--exhaustive", "--bit-range", "0x409025cc:2000").Ok().Out, StringComparison.Ordinal);
        var f = doc.RootElement.GetProperty("functions")[0];
        Assert.Equal(70000, f.GetProperty("inputs").GetInt64());
        float worst = f.GetProperty("forward").GetProperty("worstInput").GetSingle();
        uint bits = BitConverter.SingleToUInt32Bits(worst);
        Assert.InRange(bits, 0xBF800000u, 0xBF800000u + 69999);
    }

    [Fact]
    public void Meter_sweeps_a_bit_range_like_the_sampled_path()
    {
        var f = (ElementwiseActivation)ActivationCatalog.Create("tanh");
        const uint first = 0x3E000000;
        var sweep = AccuracyMeter.MeasureBitRange(f, first, 3 * 1000);
        var x = Enumerable.Range(0, 3000).Select(i => BitConverter.UInt32BitsToSingle(first + (uint)i)).ToArray();
        var sampled = AccuracyMeter.Measure(f, x);
        Assert.Equal(sampled.Forward.Max, sweep.Forward.Max);
        Assert.Equal(sampled.Backward.WorstInput, sweep.Backward.WorstInput);
        Assert.True(sweep.Exhaustive);
        Assert.Throws<ArgumentException>(() => AccuracyMeter.MeasureBitRange(f, 0xFFFFFFF0, 100));
    }

    [Fact]
    public void Write_docs_merges_rows_so_a_subset_updates_only_its_own()
    {
        using var dir = new TempDir();
        string path = dir.File("accuracy.md");
        Cli.Run("accuracy", "tanh", "--samples", "3000", "--write-docs", path).Ok();
        Cli.Run("accuracy", "sigmoid", "--samples", "2000", "--write-docs", path).Ok();
        string doc = File.ReadAllText(path);
        Assert.Contains("| `tanh` |", doc, StringComparison.Ordinal);
        Assert.Contains("| `sigmoid` |", doc, StringComparison.Ordinal);
        Assert.Contains("| 3,000 | sampled |", doc, StringComparison.Ordinal);
        Assert.Contains($"| {Isa.Path} |", doc, StringComparison.Ordinal);

        // Rerunning tanh replaces its row only.
        Cli.Run("accuracy", "tanh", "--samples", "4000", "--write-docs", path).Ok();
        doc = File.ReadAllText(path);
        Assert.DoesNotContain("| 3,000 |", doc, StringComparison.Ordinal);
        Assert.Contains("| 4,000 |", doc, StringComparison.Ordinal);
        Assert.Contains("| 2,000 |", doc, StringComparison.Ordinal);
        Assert.Single(doc.Split('\n'), l => l.StartsWith("| `tanh`", StringComparison.Ordinal));

        // Rows follow catalog order whatever order they were measured in.
        var order = ActivationCatalog.Names.ToList();
        var rows = Markdown.Between(doc, AccuracyDoc.Start, AccuracyDoc.End)!.Split('\n').Skip(2).Select(l => l.Split('|')[1].Trim().Trim('`')).ToArray();
        Assert.Equal(rows.OrderBy(order.IndexOf), rows);
    }

    [Fact]
    public void Sixteen_bit_types_are_checked_over_every_pattern_and_kept_in_their_own_table()
    {
        using var dir = new TempDir();
        string path = dir.File("accuracy.md");
        Cli.Run("accuracy", "tanh", "--samples", "3000", "--write-docs", path).Ok();
        string floatTable = Markdown.Between(File.ReadAllText(path), AccuracyDoc.Start, AccuracyDoc.End)!;

        var half = Cli.Run("accuracy", "tanh", "gelu", "--dtype", "f16", "--write-docs", path).Ok();
        Assert.Contains("all 65,536 Half bit patterns", half.Out, StringComparison.Ordinal);
        Assert.Contains("All 2 function(s) within 0.50049 Half ULP.", half.Out, StringComparison.Ordinal);
        Cli.Run("accuracy", "tanh", "--dtype", "bf16", "--write-docs", path).Ok();
        Cli.Run("accuracy", "sigmoid", "--dtype", "bf16", "--write-docs", path).Ok();

        string doc = File.ReadAllText(path);
        Assert.Equal(floatTable, Markdown.Between(doc, AccuracyDoc.Start, AccuracyDoc.End));
        var rows = Markdown.Between(doc, AccuracyDoc.Start16, AccuracyDoc.End16)!.Split('\n').Skip(2).Select(l => string.Join(' ', l.Split('|').Skip(1).Take(2).Select(c => c.Trim().Trim('`')))).ToArray();
        Assert.Equal(["sigmoid bfloat16", "tanh Half", "tanh bfloat16", "gelu Half"], rows);
        Assert.Contains("| 0.50049 |", doc, StringComparison.Ordinal);

        using var json = System.Text.Json.JsonDocument.Parse(Cli.Run("accuracy", "relu", "--dtype", "bf16", "--json").Ok().Out);
        Assert.Equal("bf16", json.RootElement.GetProperty("dtype").GetString());
        Assert.Equal(65536, json.RootElement.GetProperty("functions")[0].GetProperty("inputs").GetInt32());
        Cli.Run("accuracy", "--dtype", "f16", "--samples", "10").BadInput("--samples applies to f32");
        Cli.Run("accuracy", "--dtype", "f64").BadInput("--dtype must be f32, f16 or bf16");
    }

    // The document is replaced through a temporary file and a rename, which needs only the folder's permission: a 0444
    // document was silently rewritten (exit 0) and came back 0644, and any other mode came back as the default one.
    [Fact]
    public void Write_docs_refuses_a_write_protected_document_and_keeps_the_mode_of_one_it_updates()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        string path = dir.File("accuracy.md");
        Cli.Run("accuracy", "relu", "--samples", "100", "--write-docs", path).Ok();
        string before = File.ReadAllText(path);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Cli.Run("accuracy", "sigmoid", "--samples", "100", "--write-docs", path)
            .BadInput($"Error: --write-docs '{path}' is write-protected (read-only); make it writable (chmod u+w) or give another file name.");
        Assert.Equal(before, File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));

        var groupShared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
        File.SetUnixFileMode(path, groupShared);
        Cli.Run("accuracy", "sigmoid", "--samples", "100", "--write-docs", path).Ok();
        Assert.Contains("sigmoid", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(groupShared, File.GetUnixFileMode(path));
        Assert.Equal(["accuracy.md"], dir.Files());
    }

    // The rename that replaces the document replaced a symbolic link by a regular file: "Updated 1 row(s)" was said,
    // the linked document was untouched. A dangling link failed with the runtime's "Could not find file".
    [Fact]
    public void Write_docs_through_a_symbolic_link_updates_its_target()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        string real = dir.File("real.md"), link = dir.File("link.md");
        File.WriteAllText(real, "# notes\n<!-- accuracy:start -->\n<!-- accuracy:end -->\n");
        File.CreateSymbolicLink(link, real);
        Cli.Run("accuracy", "sigmoid", "--samples", "100", "--write-docs", link).Ok();
        Assert.Equal(real, File.ResolveLinkTarget(link, returnFinalTarget: false)?.FullName);
        Assert.Contains("| `sigmoid` |", File.ReadAllText(real), StringComparison.Ordinal);

        string dangling = dir.File("dangling.md"), missing = dir.File("missing.md");
        File.CreateSymbolicLink(dangling, missing);
        Cli.Run("accuracy", "sigmoid", "--samples", "100", "--write-docs", dangling).Ok();
        Assert.Equal(missing, File.ResolveLinkTarget(dangling, returnFinalTarget: false)?.FullName);
        Assert.Contains("| `sigmoid` |", File.ReadAllText(missing), StringComparison.Ordinal);
        Assert.Equal(["dangling.md", "link.md", "missing.md", "real.md"], dir.Files());
    }

    [Fact]
    public void Write_docs_refuses_a_file_without_markers_and_leaves_it_alone()
    {
        using var dir = new TempDir();
        string path = dir.File("accuracy.md");
        File.WriteAllText(path, "# my notes\n");
        Cli.Run("accuracy", "relu", "--samples", "100", "--write-docs", path).BadInput($"Error: {path} has neither of the markers <!-- accuracy:start --> and <!-- accuracy:end -->; add them around the float32 table, or delete the file to recreate it.");
        Assert.Equal("# my notes\n", File.ReadAllText(path));
        Assert.Equal(["accuracy.md"], dir.Files());
    }

    [Theory]
    [InlineData("<!-- accuracy:start -->\n| a |\n", "has <!-- accuracy:start --> but no <!-- accuracy:end -->; add it below the table, or delete the file to recreate it.")]
    [InlineData("| a |\n<!-- accuracy:end -->\n", "has <!-- accuracy:end --> but no <!-- accuracy:start -->; add it above the table")]
    [InlineData("<!-- accuracy:end -->\n<!-- accuracy:start -->\n", "has <!-- accuracy:end --> before <!-- accuracy:start -->")]
    [InlineData("<!-- accuracy:start -->\n<!-- accuracy:end -->\n<!-- accuracy-rows:start -->\nmy notes\n", "has <!-- accuracy-rows:start --> but no <!-- accuracy-rows:end -->")]
    public void Write_docs_names_the_file_and_the_marker_missing_or_out_of_place(string text, string message)
    {
        // A file with only the start marker was said to have "no <!-- accuracy:start --> / <!-- accuracy:end --> markers",
        // and a rows table without its end marker got a second table appended whose end marker swallowed the notes.
        using var dir = new TempDir();
        string path = dir.File("accuracy.md");
        File.WriteAllText(path, text);
        Cli.Run("accuracy", "relu", "softmax", "--samples", "100", "--columns", "4", "--rows", "1", "--write-docs", path).BadInput($"Error: {path} {message}");
        Assert.Equal(text, File.ReadAllText(path));
    }

    [Fact]
    public void Write_docs_into_a_folder_that_takes_no_files_fails_before_measuring()
    {
        // /proc takes no new files, even for root (CI runs as root, so a read-only folder would not do).
        if (!OperatingSystem.IsLinux()) return;
        // Nothing on stdout (BadInput): no table was measured and printed first.
        Cli.Run("accuracy", "relu", "--samples", "100", "--write-docs", "/proc/actkit-accuracy.md").BadInput("cannot be written");
    }

    [Fact]
    public void Bad_requests_are_clear_errors()
    {
        Cli.Run("accuracy", "sigmod").BadInput("Unknown activation 'sigmod'");
        Cli.Run("accuracy", "--bit-range", "0:10").BadInput("--bit-range needs --exhaustive");
        Cli.Run("accuracy", "--exhaustive", "--bit-range", "0xFFFFFFFF:10").BadInput("--bit-range expects FIRST:COUNT");
        Cli.Run("accuracy", "--samples", "0").BadInput("--samples must be between 1 and");
        Cli.Run("accuracy", "--samples", "10", "--exhaustive").BadInput("--samples and --exhaustive exclude each other");

        // Both modes check every bit pattern and draw nothing: --seed was accepted and ignored (exit 0).
        Cli.Run("accuracy", "tanh", "--exhaustive", "--seed", "7", "--bit-range", "0:16").BadInput("--seed and --exhaustive exclude each other: an exhaustive run checks every bit pattern and draws nothing.");
        Cli.Run("accuracy", "sigmoid", "--dtype", "f16", "--seed", "5").BadInput("--seed applies to f32; f16 and bf16 are always checked over all 65,536 bit patterns and draw nothing.");
        Assert.Contains("(seed 5)", Cli.Run("accuracy", "relu", "-n", "100", "--seed", "5").Ok().Out, StringComparison.Ordinal);

        // bench refuses --sizes 4096,4096; --columns 10,10 dropped the second 10 without a word.
        Cli.Run("accuracy", "softmax", "--columns", "10,10", "--rows", "1").BadInput("--columns lists 10 twice; give each row length once.");
        foreach (var info in ActivationCatalog.All.Where(i => i.Kind != ActivationKind.Elementwise))
        {
            Cli.Run("accuracy", info.Name, "--exhaustive").BadInput("--exhaustive covers element-wise functions only");
        }
    }

    [Fact]
    public void Samples_is_refused_where_only_rows_are_measured_and_an_empty_docs_path_is_refused()
    {
        // softmax --samples 100 measured its 1,152,200 default row outputs, --samples unused and unsaid.
        const string rowsOnly = "--samples applies to element-wise functions, and none is measured here; row-wise and gated functions (softmax, glu, …) are measured on rows, sized by --columns and --rows.";
        Cli.Run("accuracy", "softmax", "--samples", "100").BadInput(rowsOnly);
        Cli.Run("accuracy", "softmax", "glu", "-n", "100").BadInput(rowsOnly);
        var mixed = Cli.RunWide("accuracy", "relu", "softmax", "--samples", "100", "--columns", "3", "--rows", "1", "--json").Ok();
        using (var json = JsonDocument.Parse(mixed.Out)) Assert.Equal(100, json.RootElement.GetProperty("samples").GetInt32());

        // --write-docs '' wrote the default docs/accuracy.md.
        Cli.Run("accuracy", "leaky_relu(0.3)", "--samples", "20", "--write-docs", "").BadInput("--write-docs needs a file name, not an empty string.");
        Cli.Run("accuracy", "leaky_relu(0.3)", "--samples", "20", "--write-docs=").BadInput("--write-docs");
    }

    [Theory]
    [InlineData("sigmoid", "--write-docs took the function name 'sigmoid' as its PATH; put the path right after --write-docs")]
    [InlineData("leaky_relu(0.2)", "--write-docs took the function name 'leaky_relu(0.2)' as its PATH")]
    [InlineData("notes.txt", "--write-docs writes a markdown file, so PATH must end in .md, got 'notes.txt'")]
    public void Write_docs_refuses_a_path_that_is_a_function_name_or_no_markdown_file(string path, string message)
    {
        // `accuracy --write-docs sigmoid -n 100` measured all 44 functions and wrote a file named 'sigmoid'. Run in a
        // child process in its own folder: changing this process's current directory raced with the tests running in
        // parallel, whose relative paths it moved.
        using var dir = new TempDir();
        Cli.RunIn(dir.Path, "accuracy", "--write-docs", path, "-n", "100").BadInput(message);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void Write_docs_keeps_a_row_measured_over_more_inputs_or_exhaustively_unless_forced()
    {
        using var dir = new TempDir();
        string path = dir.File("accuracy.md");
        Cli.Run("accuracy", "relu", "--exhaustive", "--bit-range", "0:16", "--write-docs", path).Ok();
        Cli.Run("accuracy", "tanh", "--samples", "2000", "--write-docs", path).Ok();
        Cli.Run("accuracy", "softmax", "--columns", "10", "--rows", "2", "--write-docs", path).Ok();
        string before = File.ReadAllText(path);
        Assert.Contains("| 16 | exhaustive (range) |", before, StringComparison.Ordinal);

        // A weaker mode, fewer inputs, fewer outputs: refused before measuring, the document untouched.
        Cli.Run("accuracy", "relu", "--samples", "1000", "--write-docs", path)
            .BadInput($"{path} records relu over 16 inputs (exhaustive (range)) and this run would replace that row with 1,000 (sampled); measure at least as much, or pass --force to replace it anyway.");
        Cli.Run("accuracy", "tanh", "--samples", "1000", "--write-docs", path).BadInput("records tanh over 2,000 inputs (sampled)");
        Cli.Run("accuracy", "softmax", "--columns", "10", "--rows", "1", "--write-docs", path).BadInput("records softmax over 100 outputs and this run would replace that row with 50;");
        Assert.Equal(before, File.ReadAllText(path));

        // As much or more replaces the row; --force replaces a stronger one.
        Cli.Run("accuracy", "tanh", "--samples", "2000", "--write-docs", path).Ok();
        Cli.Run("accuracy", "softmax", "--columns", "10,20", "--rows", "2", "--write-docs", path).Ok();
        Cli.Run("accuracy", "relu", "--samples", "1000", "--write-docs", path, "--force").Ok();
        string after = File.ReadAllText(path);
        Assert.Contains("| `relu` |", after, StringComparison.Ordinal);
        Assert.DoesNotContain("exhaustive (range)", after, StringComparison.Ordinal);
        Assert.Contains("| 300 | 2 from 10 to 20 |", after, StringComparison.Ordinal);
        Cli.Run("accuracy", "relu", "--samples", "100", "--force").BadInput("--force goes with --write-docs");
    }

    [Fact]
    public void Fewer_samples_than_special_values_say_the_special_values_are_always_checked()
    {
        var r = Cli.Run("accuracy", "relu", "-n", "10").Ok();
        Assert.Contains("sampled, 17 inputs: the 17 special values, which every run checks, as --samples 10 asks for fewer (seed 1)", r.Out, StringComparison.Ordinal);
        Assert.Contains("sampled, 1,000 inputs including the 17 special values", Cli.Run("accuracy", "relu", "-n", "1000").Ok().Out, StringComparison.Ordinal);
        var json = JsonDocument.Parse(Cli.Run("accuracy", "relu", "-n", "10", "--json").Ok().Out).RootElement;
        Assert.Equal(10, json.GetProperty("samples").GetInt32());
        Assert.Equal(17, json.GetProperty("specialValues").GetInt32());
        Assert.Equal(17, json.GetProperty("functions")[0].GetProperty("inputs").GetInt64());
    }

    [Fact]
    public void Dtype_takes_the_spellings_eval_and_bench_take()
    {
        Assert.Contains("Mode: sampled", Cli.Run("accuracy", "relu", "-n", "100", "--dtype", "Float32").Ok().Out, StringComparison.Ordinal);
        Assert.Contains("Mode: sampled", Cli.Run("accuracy", "relu", "-n", "100", "--dtype", "single").Ok().Out, StringComparison.Ordinal);
        Assert.Contains("bfloat16 bit patterns", Cli.Run("accuracy", "relu", "--dtype", "BF16").Ok().Out, StringComparison.Ordinal);
        Cli.Run("accuracy", "relu", "--dtype", "double").BadInput("--dtype must be f32, f16 or bf16");
    }
}
