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
    /// Refuses an existing output file, or the target of a link there, that is write-protected
    /// (<see cref="FileKind.IsWriteProtected"/>). Outputs are written through a temporary file renamed over the old one,
    /// which needs only the folder's permission, so a protected file was silently replaced — and came back writable
    /// (<c>accuracy --write-docs</c> on a 0444 document exited 0 and left a 0644 one). No --force lets it through: the
    /// protection is the user's own, and one chmod lifts it. <paramref name="option"/> names the option that gave the
    /// path, or is null for a file the command names itself.
    /// </summary>
    public static void RefuseWriteProtected(string path, string? option)
    {
        if (FileKind.IsWriteProtected(path)) throw new UsageException(FileKind.WriteProtectedMessage(path, option));
    }
}
