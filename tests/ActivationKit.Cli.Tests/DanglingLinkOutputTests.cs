namespace ActivationKit.Cli.Tests;

/// <summary>
/// An output given as a symbolic link whose target does not exist. File.Exists says true for such a link, so compare
/// --out called it "a file", and plot and predict --out said it "already exists" (to be replaced only with --force),
/// while accuracy --write-docs wrote through it, creating the target. A folder output now names the link and its
/// missing target; a file output is written through it like any other, its target created in its own folder, which must
/// exist (the write created it).
/// </summary>
public sealed class DanglingLinkOutputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_folder_output_that_is_a_dangling_link_is_named_as_one()
    {
        if (OperatingSystem.IsWindows()) return;
        string link = _dir.File("results"), missing = _dir.File("elsewhere");
        File.CreateSymbolicLink(link, missing);
        Cli.Run("compare", "--data", "xor", "--samples", "100", "--seeds", "1", "--epochs", "1", "--out", link)
            .BadInput($"Error: --out '{link}' is a symbolic link to '{missing}', which does not exist; create that folder first, or give another.");
        Cli.Run("docs", "--out", link)
            .BadInput($"Error: --out '{link}' is a symbolic link to '{missing}', which does not exist; give the repository root (the folder holding README.md).");
        Assert.False(Directory.Exists(missing));
        Assert.Equal(["results"], _dir.Files());
    }

    [Fact]
    public void A_file_output_that_is_a_dangling_link_is_written_through_it()
    {
        if (OperatingSystem.IsWindows()) return;
        string link = _dir.File("chart.png"), missing = _dir.File("target.png");
        File.CreateSymbolicLink(link, missing);
        Cli.Run("plot", "relu", "--out", link).Ok();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(missing)[..4]);
        Assert.Equal(missing, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void A_file_output_linked_into_a_missing_folder_is_refused_and_no_folder_is_made()
    {
        if (OperatingSystem.IsWindows()) return;
        string link = _dir.File("chart.png"), missing = _dir.File("no/such/target.png");
        File.CreateSymbolicLink(link, missing);
        Cli.Run("plot", "relu", "--out", link)
            .BadInput($"Error: --out '{link}' is a symbolic link to '{missing}', whose folder '{_dir.File("no/such")}' does not exist; create that folder or give another file name.");
        Assert.False(Directory.Exists(_dir.File("no")));
    }
}
