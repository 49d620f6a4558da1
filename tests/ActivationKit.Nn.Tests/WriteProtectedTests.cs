using ActivationKit.Nn.Experiments;

namespace ActivationKit.Nn.Tests;

/// <summary>
/// The library's writers go through a temporary file renamed into place, which needs only the folder's permission: a
/// write-protected (0444) model or result file, or the file a symbolic link led to, was replaced and came back writable.
/// The shared atomic write now refuses it, as ChartFile.Save does, with FileKind's one sentence.
/// </summary>
public sealed class WriteProtectedTests : IDisposable
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private readonly string _dir = Directory.CreateTempSubdirectory("nn-protected-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A read-only file holding "precious", and the path to write: the file itself or a link to it.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private (string Kept, string Path) Protected(string name, bool throughLink)
    {
        string kept = System.IO.Path.Combine(_dir, name);
        File.WriteAllText(kept, "precious");
        File.SetUnixFileMode(kept, ReadOnly);
        if (!throughLink) return (kept, kept);
        string link = System.IO.Path.Combine(_dir, "link-" + name);
        File.CreateSymbolicLink(link, name);
        return (kept, link);
    }

    private static string Message(string path) => $"'{path}' is write-protected (read-only); make it writable (chmod u+w) or give another file name.";

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private void AssertKept(string kept)
    {
        Assert.Equal("precious", File.ReadAllText(kept));
        Assert.Equal(ReadOnly, File.GetUnixFileMode(kept));
        Assert.DoesNotContain(Directory.GetFiles(_dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ModelFile_Save_refuses_a_write_protected_file_or_a_link_to_one(bool throughLink)
    {
        if (OperatingSystem.IsWindows()) return;
        var (kept, path) = Protected("m.aknn", throughLink);
        var net = new Mlp(2, [new(3, "tanh"), new(1, "linear")]);
        net.Initialize(Initializer.Auto, 1);
        var e = Assert.Throws<UnauthorizedAccessException>(() => ModelFile.Save(path, net));
        Assert.Equal(Message(path), e.Message);
        AssertKept(kept);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteAtomic_refuses_a_write_protected_file_or_a_link_to_one(bool throughLink)
    {
        if (OperatingSystem.IsWindows()) return;
        var (kept, path) = Protected("r.json", throughLink);
        Assert.Equal(Message(path), Assert.Throws<UnauthorizedAccessException>(() => ResultStore.WriteAtomic(path, "new"u8)).Message);
        Assert.Equal(Message(path), Assert.Throws<UnauthorizedAccessException>(() => ResultStore.WriteAtomic(path, s => s.WriteByte(1))).Message);
        AssertKept(kept);
    }

    [Fact]
    public void WriteAtomic_still_replaces_a_writable_file_and_keeps_its_mode()
    {
        if (OperatingSystem.IsWindows()) return;
        string path = Path.Combine(_dir, "w.json");
        File.WriteAllText(path, "old");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(path, mode);
        ResultStore.WriteAtomic(path, "new"u8);
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(mode, File.GetUnixFileMode(path));
    }
}
