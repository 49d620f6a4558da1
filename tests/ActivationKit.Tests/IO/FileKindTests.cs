using ActivationKit.IO;

namespace ActivationKit.Tests.IO;

/// <summary>
/// <see cref="FileKind.FinalTarget"/> and <see cref="FileKind.IsWriteProtected"/>: where a write through a symbolic link
/// lands, and whether that file is protected. A relative link target is taken from the folder that holds the link.
/// </summary>
public sealed class FileKindTests : IDisposable
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "actkit-filekind-" + Guid.NewGuid().ToString("N"))).FullName;

    // A read-only file is removed with its folder: deleting needs the folder's permission only.
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(params string[] parts) => Path.Combine([_dir, .. parts]);

    [Fact]
    public void A_missing_or_writable_file_is_not_protected_and_a_read_only_one_is()
    {
        if (OperatingSystem.IsWindows()) return;
        string file = In("f.txt");
        Assert.False(FileKind.IsWriteProtected(file));
        Assert.False(FileKind.TargetExists(file));
        File.WriteAllText(file, "x");
        Assert.False(FileKind.IsWriteProtected(file));
        Assert.True(FileKind.TargetExists(file));
        File.SetUnixFileMode(file, ReadOnly);
        Assert.True(FileKind.IsWriteProtected(file));
        Assert.False(FileKind.IsWriteProtected(""));
    }

    [Fact]
    public void A_link_is_judged_by_its_final_target_taken_from_the_links_own_folder()
    {
        if (OperatingSystem.IsWindows()) return;
        Directory.CreateDirectory(In("docs"));
        string target = In("target.md");
        File.WriteAllText(target, "x");
        File.SetUnixFileMode(target, ReadOnly);

        // docs/second.md → first.md → ../target.md: each relative target from the folder of the link that holds it.
        File.CreateSymbolicLink(In("first.md"), "target.md");
        File.CreateSymbolicLink(In("docs", "second.md"), "../first.md");
        Assert.Equal(target, FileKind.FinalTarget(In("docs", "second.md")));
        Assert.True(FileKind.IsWriteProtected(In("docs", "second.md")));
        Assert.True(FileKind.TargetExists(In("first.md")));

        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.False(FileKind.IsWriteProtected(In("docs", "second.md")));
    }

    [Fact]
    public void A_dangling_link_leads_to_the_file_it_would_create_and_protects_nothing()
    {
        if (OperatingSystem.IsWindows()) return;
        File.CreateSymbolicLink(In("dangling.md"), "missing.md");
        Assert.Equal(In("missing.md"), FileKind.FinalTarget(In("dangling.md")));
        Assert.False(FileKind.TargetExists(In("dangling.md")));
        Assert.False(FileKind.IsWriteProtected(In("dangling.md")));
    }

    [Fact]
    public void The_refusal_is_one_sentence_naming_the_option_and_the_path()
    {
        Assert.Equal(
            "--out 'a.csv' is write-protected (read-only); make it writable (chmod u+w) or give another file name.",
            FileKind.WriteProtectedMessage("a.csv", "--out"));
        Assert.Equal(
            "'README.md' is write-protected (read-only); make it writable (chmod u+w) or give another file name.",
            FileKind.WriteProtectedMessage("README.md"));
    }
}
