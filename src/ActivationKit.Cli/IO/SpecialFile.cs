using ActivationKit.IO;

namespace ActivationKit.Cli.IO;

/// <summary>
/// Refusal of output paths that are devices, named pipes or sockets (<see cref="FileKind.SpecialKindOf"/>): writing one
/// through a temporary file and a rename (<see cref="AtomicFile"/>) replaced the node by a regular file, so a reader
/// waiting on the pipe got nothing.
/// </summary>
public static class SpecialFile
{
    /// <summary>
    /// Refuses an output <paramref name="path"/> that is a device, named pipe or socket, before anything is written:
    /// actkit writes whole files through a temporary file and a rename, which would replace the node instead of
    /// writing to it. <paramref name="option"/> names the option that gave it (<c>--out</c>), or is null for a file
    /// the command names itself.
    /// </summary>
    public static void RefuseAsOutput(string path, string? option)
    {
        if (FileKind.SpecialKindOf(path) is not { } kind) return;
        string what = option is null ? $"'{path}'" : $"{option} '{path}'";
        throw new UsageException($"{what} is {kind}, not a regular file: writing would replace it with one (outputs are written to a temporary file renamed into place); give a file name.");
    }

    /// <summary>
    /// Refuses an existing output file that is write-protected: no write permission bit set at all (<c>chmod a-w</c>,
    /// mode 0444, as <c>rm</c> and editors treat it, for root too), or not writable by this user. Outputs are written
    /// through a temporary file renamed over the old one, which needs only the folder's permission, so a protected file
    /// was silently replaced — and came back writable (<c>accuracy --write-docs</c> on a 0444 document exited 0 and left
    /// a 0644 one). No --force lets it through: the protection is the user's own, and one chmod lifts it.
    /// <paramref name="option"/> names the option that gave the path, or is null for a file the command names itself.
    /// </summary>
    public static void RefuseWriteProtected(string path, string? option)
    {
        if (!AtomicFile.TargetExists(path) || !IsWriteProtected(path)) return;
        string what = option is null ? $"'{TerminalText.Safe(path)}'" : $"{option} '{TerminalText.Safe(path)}'";
        throw new UsageException($"{what} is write-protected (read-only); make it writable (chmod u+w) or give another file name.");
    }

    /// <summary>Whether the existing regular file <paramref name="path"/> is write-protected (<see cref="RefuseWriteProtected"/>).</summary>
    private static bool IsWriteProtected(string path)
    {
        if (OperatingSystem.IsWindows()) return new FileInfo(path).IsReadOnly;
        const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        if ((File.GetUnixFileMode(path) & anyWrite) == 0) return true;
        try
        {
            // Opened without truncating and closed unwritten: the contents and the modification time stay as they are.
            // Sharing everything takes no lock another reader or writer would notice.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
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
}
