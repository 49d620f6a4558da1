using System.Text;
using ActivationKit.Nn.Experiments;

namespace ActivationKit.Cli.IO;

/// <summary>
/// Writes a file through a temporary sibling moved into place, so a failure half-way never leaves a partial or
/// truncated file where the user expects a result (<see cref="ResultStore.WriteAtomic(string, Action{Stream})"/>),
/// into a folder that must already exist, and never over a device, pipe or socket or a write-protected file
/// (<see cref="SpecialFile"/>); a file it replaces keeps its permissions.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes the file with <paramref name="write"/>; the destination changes only if it succeeds.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        if (!Directory.Exists(dir)) throw new UsageException($"The folder '{TerminalText.Safe(dir)}' does not exist.");

        // The commands check their outputs before any work; this is the last guard for every writer (the rename would
        // replace a pipe or device by a regular file).
        SpecialFile.RefuseAsOutput(path, null);
        SpecialFile.RefuseWriteProtected(path, null);
        ResultStore.WriteAtomic(path, write);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => s.Write(new UTF8Encoding(false).GetBytes(text)));
}
