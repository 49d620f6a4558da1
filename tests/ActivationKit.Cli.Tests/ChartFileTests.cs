using ActivationKit.Catalog;
using ActivationKit.Plots;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// <see cref="ChartFile.Save"/>, the library's own chart writer (there is no Plots test project; the command line's tests
/// reference it). It writes through a temporary file and a rename, which needs only the folder's permission, so a
/// write-protected file, or one a symbolic link led to, was replaced and came back writable.
/// </summary>
public sealed class ChartFileTests : IDisposable
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ScottPlot.Plot Relu() => Charts.Functions([ActivationCatalog.Create("relu")], -2, 2, derivative: false);

    [Theory]
    [InlineData("kept.png", false)]
    [InlineData("kept.svg", false)]
    [InlineData("kept.png", true)]
    public void Save_refuses_a_write_protected_file_or_a_link_to_one(string name, bool throughLink)
    {
        if (OperatingSystem.IsWindows()) return;
        string kept = _dir.File(name);
        File.WriteAllText(kept, "precious");
        File.SetUnixFileMode(kept, ReadOnly);
        string path = kept;
        if (throughLink)
        {
            path = _dir.File("link" + Path.GetExtension(name));
            File.CreateSymbolicLink(path, name);
        }

        var e = Assert.Throws<UnauthorizedAccessException>(() => ChartFile.Save(Relu(), path));
        Assert.Equal($"'{path}' is write-protected (read-only); make it writable (chmod u+w) or give another file name.", e.Message);
        Assert.Equal("precious", File.ReadAllText(kept));
        Assert.Equal(ReadOnly, File.GetUnixFileMode(kept));
    }

    [Fact]
    public void Save_replaces_a_writable_file_and_writes_through_a_link()
    {
        string target = _dir.File("chart.png");
        File.WriteAllText(target, "old");
        string link = _dir.File("link.png");
        File.CreateSymbolicLink(link, "chart.png");
        ChartFile.Save(Relu(), link);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(target)[..4]);
        Assert.Equal("chart.png", new FileInfo(link).LinkTarget);
    }
}
