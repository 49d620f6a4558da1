using ActivationKit.Catalog;
using ActivationKit.Cli.Commands;
using ActivationKit.Cli.Docs;

namespace ActivationKit.Cli.Tests;

public class DocsCommandTests
{
    private const string Readme = "# Title\n\nIntro.\n\n<!-- functions:start -->\nold table\n<!-- functions:end -->\n\nMore text.\n";

    private static string RepositoryRoot() =>
        DocsCommand.FindRepositoryRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("ActivationKit.slnx not found above the test binaries.");

    [Fact]
    public void Readme_function_table_is_up_to_date_with_the_catalog()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        string? table = Markdown.Between(readme, FunctionDocs.ReadmeStart, FunctionDocs.ReadmeEnd);
        Assert.True(table is not null, $"README.md lacks the {FunctionDocs.ReadmeStart} / {FunctionDocs.ReadmeEnd} markers.");
        Assert.True(
            table == FunctionDocs.ReadmeTable().TrimEnd('\n'),
            $"README.md's function table is out of date with the catalog. Regenerate it with: {FunctionDocs.RegenerateCommand}");
    }

    [Fact]
    public void Functions_reference_is_up_to_date_with_the_catalog()
    {
        string path = Path.Combine(RepositoryRoot(), FunctionDocs.ReferencePath);
        Assert.True(File.Exists(path), $"{FunctionDocs.ReferencePath} is missing. Generate it with: {FunctionDocs.RegenerateCommand}");
        Assert.True(
            File.ReadAllText(path).ReplaceLineEndings("\n") == FunctionDocs.Reference(),
            $"{FunctionDocs.ReferencePath} is out of date with the catalog. Regenerate it with: {FunctionDocs.RegenerateCommand}");
    }

    [Fact]
    public void Advisor_reference_is_up_to_date_with_the_rules_and_problems()
    {
        string path = Path.Combine(RepositoryRoot(), AdvisorDocs.ReferencePath);
        Assert.True(File.Exists(path), $"{AdvisorDocs.ReferencePath} is missing. Generate it with: {FunctionDocs.RegenerateCommand}");
        Assert.True(
            File.ReadAllText(path).ReplaceLineEndings("\n") == AdvisorDocs.Reference(),
            $"{AdvisorDocs.ReferencePath} is out of date with the advisor rules. Regenerate it with: {FunctionDocs.RegenerateCommand}");
    }

    [Fact]
    public void Accuracy_doc_has_a_measured_row_for_every_function()
    {
        // accuracy.md's tables are written by `actkit accuracy FN --write-docs` (element-wise functions: float32, and
        // Half and bfloat16 with --dtype; row-wise and gated ones: rows); docs --check does not cover them, so a new
        // function whose accuracy was never measured would otherwise go unnoticed.
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "accuracy.md"));
        var rows = doc.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).Select(l => l.Split('|', StringSplitOptions.TrimEntries)).ToList();
        var missing = new List<string>();
        foreach (var info in ActivationCatalog.All)
        {
            var mine = rows.Where(r => r[1] == $"`{info.Name}`").ToList();
            if (info.Kind != ActivationKind.Elementwise)
            {
                if (mine.Count == 0) missing.Add($"{info.Name} (rows)");
                continue;
            }

            if (!mine.Any(r => r.Length > 9 && r[8] is "exhaustive" or "sampled")) missing.Add($"{info.Name} (float32)");
            foreach (string type in new[] { "Half", "bfloat16" })
            {
                if (!mine.Any(r => r[2] == type)) missing.Add($"{info.Name} ({type})");
            }
        }

        Assert.True(missing.Count == 0, $"docs/accuracy.md has no measured row for: {string.Join(", ", missing)}. Measure with `actkit accuracy FN --write-docs` (and --dtype f16 / bf16).");
    }

    [Fact]
    public void Advisor_reference_lists_every_rule_and_problem_with_its_functions()
    {
        string doc = AdvisorDocs.Reference();
        foreach (var rule in ActivationKit.Advisor.AdvisorRules.All)
        {
            Assert.Contains($"| `{rule.Id}` |", doc, StringComparison.Ordinal);
            Assert.Contains(Markdown.Cell(rule.Source), doc, StringComparison.Ordinal);
        }

        foreach (var problem in ActivationKit.Advisor.ActivationProblems.All)
        {
            Assert.Contains($"| `{problem.Id}` |", doc, StringComparison.Ordinal);
            Assert.Contains(string.Join(", ", problem.AffectedFunctions), doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Regenerates_the_reference_and_the_readme_table_only_between_the_markers()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("README.md"), Readme);
        var r = Cli.Run("docs", "--out", dir.Path).Ok();
        Assert.Contains("Updated the function table", r.Out, StringComparison.Ordinal);

        string readme = File.ReadAllText(dir.File("README.md"));
        Assert.StartsWith("# Title\n\nIntro.\n\n<!-- functions:start -->\n", readme, StringComparison.Ordinal);
        Assert.EndsWith("<!-- functions:end -->\n\nMore text.\n", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("old table", readme, StringComparison.Ordinal);
        string reference = File.ReadAllText(Path.Combine(dir.Path, "docs", "functions.md"));
        Assert.Equal(AdvisorDocs.Reference(), File.ReadAllText(Path.Combine(dir.Path, "docs", "advisor.md")));
        foreach (var info in ActivationCatalog.All)
        {
            Assert.Contains($"[`{info.Name}`](docs/functions.md#{Markdown.Anchor(info.Name)})", readme, StringComparison.Ordinal);
            Assert.Contains($"\n## {info.Name}\n", reference, StringComparison.Ordinal);
            Assert.Contains(info.Formula.Replace("|", "\\|", StringComparison.Ordinal), reference, StringComparison.Ordinal);
        }

        // Idempotent: a second run changes nothing and --check agrees.
        Cli.Run("docs", "--out", dir.Path).Ok();
        Assert.Equal(readme, File.ReadAllText(dir.File("README.md")));
        Cli.Run("docs", "--out", dir.Path, "--check").Ok();
    }

    // A write-protected README.md was refused only after docs/functions.md and docs/advisor.md had been written; a
    // protected document that is already current is not written, so it does not stop the run.
    [Fact]
    public void A_write_protected_file_to_update_is_refused_before_any_is_written()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        File.WriteAllText(dir.File("README.md"), Readme);
        var readOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(dir.File("README.md"), readOnly);
        Cli.Run("docs", "--out", dir.Path).BadInput($"Error: '{dir.File("README.md")}' is write-protected (read-only); make it writable (chmod u+w) or give another file name.");
        Assert.Equal(Readme, File.ReadAllText(dir.File("README.md")));
        Assert.False(File.Exists(Path.Combine(dir.Path, FunctionDocs.ReferencePath)));
        Assert.False(File.Exists(Path.Combine(dir.Path, AdvisorDocs.ReferencePath)));

        File.SetUnixFileMode(dir.File("README.md"), readOnly | UnixFileMode.UserWrite);
        Cli.Run("docs", "--out", dir.Path).Ok();
        string functions = Path.Combine(dir.Path, FunctionDocs.ReferencePath);
        File.SetUnixFileMode(functions, readOnly);
        File.AppendAllText(Path.Combine(dir.Path, AdvisorDocs.ReferencePath), "edited\n");
        Cli.Run("docs", "--out", dir.Path).Ok();
        Assert.Equal(AdvisorDocs.Reference(), File.ReadAllText(Path.Combine(dir.Path, AdvisorDocs.ReferencePath)));
    }

    [Fact]
    public void A_run_with_nothing_to_change_says_so_and_touches_no_file()
    {
        // Exploratory tester: a second run said "Updated the function table in README.md" though its bytes were the same,
        // and every document was rewritten.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("README.md"), Readme);
        string functions = Path.Combine(dir.Path, FunctionDocs.ReferencePath), advisor = Path.Combine(dir.Path, AdvisorDocs.ReferencePath);
        Assert.Equal([$"Wrote {functions} and {advisor}.", $"Updated the function table in {dir.File("README.md")}."], Cli.Run("docs", "--out", dir.Path).Ok().Lines);

        var old = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        foreach (string path in new[] { functions, advisor, dir.File("README.md") }) File.SetLastWriteTimeUtc(path, old);
        Assert.Equal([$"{functions} and {advisor} are already current.", $"The function table in {dir.File("README.md")} is already current."], Cli.Run("docs", "--out", dir.Path).Ok().Lines);
        foreach (string path in new[] { functions, advisor, dir.File("README.md") }) Assert.Equal(old, File.GetLastWriteTimeUtc(path));

        // One document edited: that one is written again, the other left alone.
        File.AppendAllText(advisor, "edited\n");
        File.SetLastWriteTimeUtc(advisor, old);
        Assert.Equal([$"Wrote {advisor}.", $"{functions} is already current.", $"The function table in {dir.File("README.md")} is already current."], Cli.Run("docs", "--out", dir.Path).Ok().Lines);
        Assert.Equal(AdvisorDocs.Reference(), File.ReadAllText(advisor));
        Assert.Equal(old, File.GetLastWriteTimeUtc(functions));
    }

    [Fact]
    public void A_readme_with_windows_line_endings_keeps_them()
    {
        // The whole README was rewritten with \n line endings.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("README.md"), Readme.ReplaceLineEndings("\r\n"));
        Cli.Run("docs", "--out", dir.Path).Ok();
        string readme = File.ReadAllText(dir.File("README.md"));
        Assert.StartsWith("# Title\r\n\r\nIntro.\r\n\r\n<!-- functions:start -->\r\n", readme, StringComparison.Ordinal);
        Assert.EndsWith("<!-- functions:end -->\r\n\r\nMore text.\r\n", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", readme.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(readme.ReplaceLineEndings("\n"), Markdown.ReplaceBetween(Readme, FunctionDocs.ReadmeStart, FunctionDocs.ReadmeEnd, FunctionDocs.ReadmeTable(), "README.md"));

        // Up to date as it is: a second run and --check leave it alone.
        Cli.Run("docs", "--out", dir.Path, "--check").Ok();
        Cli.Run("docs", "--out", dir.Path).Ok();
        Assert.Equal(readme, File.ReadAllText(dir.File("README.md")));
    }

    [Fact]
    public void Check_reports_stale_docs_with_the_command_to_regenerate()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("README.md"), Readme);
        var r = Cli.Run("docs", "--out", dir.Path, "--check");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(FunctionDocs.RegenerateCommand, r.Err, StringComparison.Ordinal);
        Assert.Equal(["README.md"], dir.Files());
    }

    [Fact]
    public void Check_outside_a_repository_says_the_docs_are_missing_and_where_it_looked()
    {
        // Outside a repository docs/functions.md and docs/advisor.md were reported as "Out of date" though not there.
        using var dir = new TempDir();
        var r = Cli.Run("docs", "--out", dir.Path, "--check");
        Assert.Equal(1, r.ExitCode);
        string functions = Path.Combine(dir.Path, FunctionDocs.ReferencePath), advisor = Path.Combine(dir.Path, AdvisorDocs.ReferencePath);
        Assert.Equal($"Missing: {functions}, {advisor} (docs --check looks in {dir.Path}, --out); run it in the repository or give its root with --out DIR, or write them with: {FunctionDocs.RegenerateCommand}", r.Err.Trim());
        Assert.DoesNotContain("Out of date", r.Err, StringComparison.Ordinal);
        Assert.Empty(dir.Files());

        // One missing, one stale: each is named as what it is.
        Cli.Run("docs", "--out", dir.Path).Ok();
        File.Delete(advisor);
        File.AppendAllText(functions, "edited\n");
        var both = Cli.Run("docs", "--out", dir.Path, "--check");
        Assert.Equal(1, both.ExitCode);
        Assert.Contains($"Out of date with the catalog: {functions}.", both.Err, StringComparison.Ordinal);
        Assert.Contains($"Missing: {advisor} (", both.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_without_markers_is_a_clear_error_and_nothing_is_written()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("README.md"), "# Title\n");
        Cli.Run("docs", "--out", dir.Path).BadInput("needs the markers <!-- functions:start -->");
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "docs")));
        Assert.Equal("# Title\n", File.ReadAllText(dir.File("README.md")));
    }

    [Fact]
    public void Missing_out_folder_is_a_clear_error()
    {
        Cli.Run("docs", "--out", Path.Combine(Path.GetTempPath(), "actkit-no-such-" + Guid.NewGuid().ToString("N"))).BadInput("does not exist");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void An_empty_out_is_named_as_empty(string value)
    {
        // It said "--out folder '' does not exist.", as if a folder of that name were missing.
        Cli.Run("docs", "--out", value).BadInput("--out needs a folder, not an empty string.");
    }

    [Fact]
    public void An_out_that_is_a_file_is_named_as_one_and_left_alone()
    {
        // It was reported as "--out folder 'afile' does not exist".
        using var dir = new TempDir();
        File.WriteAllText(dir.File("afile"), "x");
        Cli.Run("docs", "--out", dir.File("afile")).BadInput($"--out '{dir.File("afile")}' is a file, not a folder; give the repository root (the folder holding README.md).");
        Assert.Equal("x", File.ReadAllText(dir.File("afile")));
        Assert.Equal(["afile"], dir.Files());
    }

    [Fact]
    public void An_out_that_is_a_device_or_a_named_pipe_is_named_as_one()
    {
        // Exploratory tester: docs --out /dev/null said "'/dev/null' is a file, not a folder", a FIFO the same, where the
        // other output folders name devices and pipes as such (Linux only: their kind is asked of the kernel there).
        if (!OperatingSystem.IsLinux()) return;
        Cli.Run("docs", "--out", "/dev/null").BadInput("--out '/dev/null' is a character device, not a folder; give the repository root (the folder holding README.md).");

        using var dir = new TempDir();
        string fifo = dir.File("pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        Cli.Run("docs", "--out", fifo, "--check").BadInput($"--out '{fifo}' is a named pipe, not a folder; give the repository root (the folder holding README.md).");
        Assert.Equal(["pipe"], dir.Files());
    }

    [Fact]
    public void An_out_folder_that_takes_no_files_is_the_sentence_other_outputs_give()
    {
        // F10 (exploratory tester): docs --out /proc said "Could not find file '/proc/docs'", as if an input were missing.
        // /proc takes no new files even from root (Linux only).
        if (!OperatingSystem.IsLinux()) return;
        Cli.Run("docs", "--out", "/proc").BadInput("--out '/proc' cannot be written: its folder '/proc' does not accept new files.");

        // --check writes nothing: it still only reports what is missing.
        Assert.Equal(1, Cli.Run("docs", "--out", "/proc", "--check").ExitCode);
    }

    [Fact]
    public void A_file_named_docs_in_the_out_folder_is_refused_in_a_sentence()
    {
        // It gave the runtime's "The file '…/docs' already exists."
        using var dir = new TempDir();
        File.WriteAllText(dir.File("docs"), "not a folder");
        Cli.Run("docs", "--out", dir.Path).BadInput("docs' is a file, where docs writes the folder that holds functions.md and advisor.md");
        Assert.Equal("not a folder", File.ReadAllText(dir.File("docs")));
    }

    [Fact]
    public void Markdown_cells_escape_pipes()
    {
        Assert.Equal("`\\|x\\|`", Markdown.CodeCell("|x|"));
        Assert.Equal("a \\| b", Markdown.Cell("a | b"));
    }
}
