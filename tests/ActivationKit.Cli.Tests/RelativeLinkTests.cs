namespace ActivationKit.Cli.Tests;

/// <summary>
/// An output named by a bare file name that is a symbolic link with a relative target (<c>ln -s target.md link.md</c>):
/// .NET resolves such a link's target against the link path's own folder, which for a bare name is the empty string, so
/// <c>link.md → target.md</c> became <c>/target.md</c>, a file that does not exist. The document's text was not read (and
/// was lost when accuracy rewrote it), and a read-only target was not seen as write-protected (plot --out --force
/// replaced it). The commands run in a child process whose working directory holds the link.
/// </summary>
public sealed class RelativeLinkTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_docs_through_a_bare_link_name_reads_the_target_and_keeps_its_text()
    {
        if (OperatingSystem.IsWindows()) return;
        const string text = "# My notes\n\nNo accuracy table here.\n";
        File.WriteAllText(_dir.File("target.md"), text);
        File.CreateSymbolicLink(_dir.File("link.md"), "target.md");

        // Before: exit 0, "Updated 1 row(s) of link.md", and target.md held a fresh accuracy document instead of the notes.
        Cli.RunIn(_dir.Path, "accuracy", "sigmoid", "-n", "100", "--write-docs", "link.md")
            .BadInput("Error: link.md has neither of the markers <!-- accuracy:start --> and <!-- accuracy:end -->");
        Assert.Equal(text, File.ReadAllText(_dir.File("target.md")));
        Assert.Equal("target.md", new FileInfo(_dir.File("link.md")).LinkTarget);
    }

    [Theory]
    [InlineData("link.png", "plot", "relu")]
    [InlineData("link.csv", "eval", "relu", "-x", "0:1:1")]
    public void Out_through_a_bare_link_name_refuses_a_write_protected_target_even_with_force(string link, params string[] command)
    {
        if (OperatingSystem.IsWindows()) return;
        string target = _dir.File("target" + Path.GetExtension(link));
        File.WriteAllText(target, "precious");
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.CreateSymbolicLink(_dir.File(link), Path.GetFileName(target));

        // Before: plot said "Wrote link.png." and the 0444 target held the chart.
        Cli.RunIn(_dir.Path, [.. command, "--out", link, "--force"])
            .BadInput($"Error: --out '{link}' is write-protected (read-only)");
        Assert.Equal("precious", File.ReadAllText(target));
        Assert.Equal([Path.GetFileName(link), Path.GetFileName(target)], _dir.Files().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_bare_link_name_whose_target_is_writable_is_written_through()
    {
        if (OperatingSystem.IsWindows()) return;
        File.WriteAllText(_dir.File("target.csv"), "old\n");
        File.CreateSymbolicLink(_dir.File("link.csv"), "target.csv");
        Cli.RunIn(_dir.Path, "eval", "relu", "-x", "0:1:1", "--out", "link.csv", "--force").Ok();
        Assert.Equal("0\n1\n", File.ReadAllText(_dir.File("target.csv")));
        Assert.Equal("target.csv", new FileInfo(_dir.File("link.csv")).LinkTarget);
    }
}
