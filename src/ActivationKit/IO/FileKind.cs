using System.Runtime.InteropServices;

namespace ActivationKit.IO;

/// <summary>
/// What a path is when it is not a regular file, and a read that stops at a cap: File.Exists accepts a device, a named
/// pipe or a socket like a file, and .NET reports them as "Normal", with length 0, while reading one may never end
/// (/dev/zero), opening a named pipe waits for a writer, and writing one through a temporary file and a rename replaces
/// the node by a regular file. Their kind is asked of the kernel (statx's file type, following symbolic links) on Linux;
/// elsewhere (or if statx is missing) it is unknown. Used by the command line's inputs and outputs and by the
/// comparison results reader (ActivationKit.Nn), which both meet such paths.
/// </summary>
public static partial class FileKind
{
    /// <summary>What <see cref="SpecialKindOf"/> calls a named pipe (FIFO).</summary>
    public const string NamedPipe = "a named pipe";

    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;

    /// <summary>Offset of stx_mode in struct statx, whose layout is the same on every Linux architecture.</summary>
    private const int ModeOffset = 28;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

    /// <summary>errno's "File exists", the same on Linux and the BSDs.</summary>
    private const int FileExists = 17;

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string created);

    /// <summary>
    /// Gives the file <paramref name="source"/> the name <paramref name="destination"/> only where no file has it, in one
    /// step: true when it was moved, false (and <paramref name="source"/> left as it was) when the destination exists.
    /// File.Move without overwriting checks for the destination and then renames on Unix, so two processes that both
    /// found no file both moved theirs, the second replacing the first; a hard link (link(2)) fails when the name is
    /// taken. Where links are not to be had (another system, a file system without them) it is File.Move's check.
    /// </summary>
    /// <exception cref="IOException">The move failed for another reason.</exception>
    public static bool TryMoveToNewName(string source, string destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                if (Link(source, destination) == 0)
                {
                    File.Delete(source);
                    return true;
                }

                if (Marshal.GetLastPInvokeError() == FileExists) return false;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // No link here: File.Move's check below is all there is.
            }
        }

        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
    }

    /// <summary>
    /// "a character device", "a block device", <see cref="NamedPipe"/> or "a socket"; null for a regular file, a folder,
    /// a path that does not exist, or a kind that cannot be told here.
    /// </summary>
    public static unsafe string? SpecialKindOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux() || path.Length == 0) return null;
        byte* buffer = stackalloc byte[256];
        try
        {
            if (Statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        return (*(ushort*)(buffer + ModeOffset) & 0xF000) switch
        {
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => NamedPipe,
            0xC000 => "a socket",
            _ => null,
        };
    }

    /// <summary>
    /// Refuses an input <paramref name="path"/> that is a device or a socket (<see cref="SpecialKindOf"/>), before it is
    /// opened: its end is unknown (/dev/zero and /dev/urandom never end, and were read until the memory ran out). A named
    /// pipe passes (a shell's <c>&lt;(…)</c> is one), for a reader that stops at a cap. <paramref name="what"/> names the
    /// input at the start of the message (<c>Input file</c>, <c>--data</c>), <paramref name="give"/> ends it.
    /// </summary>
    /// <exception cref="InvalidDataException">The path is a device or a socket.</exception>
    public static void RefuseSpecialInput(string path, string what, string give = "give a file")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (SpecialKindOf(path) is { } kind && kind != NamedPipe)
        {
            throw new InvalidDataException($"{what} '{TerminalText.Safe(path)}' is {kind}, not a regular file; {give}.");
        }
    }

    /// <summary>
    /// The full path of the file a write to <paramref name="path"/> reaches: the final target of a symbolic link (followed
    /// through a chain of links, a relative target taken from the folder of the link that holds it), else the full path
    /// itself. The target need not exist (a dangling link's write creates it). The link is resolved from its full path:
    /// .NET takes a relative target from the folder of the path as given, which for a bare file name (<c>link.md</c>) is
    /// the empty string, so <c>link.md → target.md</c> came out as <c>/target.md</c> wherever the command ran. A loop of
    /// links, or one that cannot be read, gives the full path, for the write to report.
    /// </summary>
    public static string FinalTarget(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target ? Path.GetFullPath(target.FullName) : full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return full;
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> is an existing file, following symbolic links as a write does (<see cref="FinalTarget"/>):
    /// a link whose target is missing counts as no file, and writing creates its target.
    /// </summary>
    public static bool TargetExists(string path) => File.Exists(FinalTarget(path));

    /// <summary>
    /// Whether <paramref name="path"/>, or the file a symbolic link there leads to (<see cref="FinalTarget"/>), is an
    /// existing file that is write-protected: no write permission bit set at all (<c>chmod a-w</c>, mode 0444, as
    /// <c>rm</c> and editors treat it, for root too), or not writable by this user (on Windows: the read-only
    /// attribute). False when there is no such file. A write through a temporary file renamed over the old one needs only
    /// the folder's permission, so a writer that means to respect the protection asks this first.
    /// </summary>
    public static bool IsWriteProtected(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) return false;
        string target = FinalTarget(path);
        if (!File.Exists(target)) return false;
        try
        {
            if (OperatingSystem.IsWindows()) return new FileInfo(target).IsReadOnly;
            const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
            if ((File.GetUnixFileMode(target) & anyWrite) == 0) return true;

            // Opened without truncating and closed unwritten: the contents and the modification time stay as they are.
            // Sharing everything takes no lock another reader or writer would notice.
            using var probe = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
        catch (IOException)
        {
            // Not a permission problem (e.g. the file vanished): the write itself reports whatever remains.
            return false;
        }
    }

    /// <summary>
    /// The one-sentence refusal of a write-protected <paramref name="path"/> (<see cref="IsWriteProtected"/>):
    /// <c>--out 'x.csv' is write-protected (read-only); make it writable (chmod u+w) or give another file name.</c>
    /// <paramref name="option"/> names the option that gave the path, or is null for a file named otherwise.
    /// </summary>
    public static string WriteProtectedMessage(string path, string? option = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string quoted = $"'{TerminalText.Safe(path)}'";
        string what = option is null ? quoted : $"{option} {quoted}";
        return $"{what} is write-protected (read-only); make it writable (chmod u+w) or give another file name.";
    }

    /// <summary>
    /// The bytes of <paramref name="path"/>, or null when it holds more than <paramref name="max"/>: read only that far
    /// (one byte past it), not trusting the stated length, which a device, a pipe or a growing file misstates.
    /// </summary>
    public static byte[]? ReadAtMost(string path, long max)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, max + 1 - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max) return null;
        }

        return buffer.ToArray();
    }
}
