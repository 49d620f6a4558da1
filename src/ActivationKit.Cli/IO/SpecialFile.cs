using System.Runtime.InteropServices;

namespace ActivationKit.Cli.IO;

/// <summary>
/// Names the kind of a path that is a device, a named pipe or a socket, which File.Exists accepts like a file: reading
/// one may never end (/dev/zero), and writing one through a temporary file and a rename (<see cref="AtomicFile"/>)
/// replaced the node by a regular file, so a reader waiting on the pipe got nothing. .NET reports such files as
/// "Normal", with length 0, so their kind is asked of the kernel (statx's file type, following symbolic links) on
/// Linux; elsewhere (or if statx is missing) it is unknown.
/// </summary>
public static partial class SpecialFile
{
    /// <summary>What <see cref="KindOf"/> calls a named pipe (FIFO).</summary>
    public const string NamedPipe = "a named pipe";

    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;

    /// <summary>Offset of stx_mode in struct statx, whose layout is the same on every Linux architecture.</summary>
    private const int ModeOffset = 28;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

    /// <summary>
    /// "a character device", "a block device", <see cref="NamedPipe"/> or "a socket"; null for a regular file, a folder,
    /// a path that does not exist, or a kind that cannot be told here.
    /// </summary>
    public static unsafe string? KindOf(string path)
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
    /// Refuses an output <paramref name="path"/> that is a device, named pipe or socket, before anything is written:
    /// actkit writes whole files through a temporary file and a rename, which would replace the node instead of
    /// writing to it. <paramref name="option"/> names the option that gave it (<c>--out</c>), or is null for a file
    /// the command names itself.
    /// </summary>
    public static void RefuseAsOutput(string path, string? option)
    {
        if (KindOf(path) is not { } kind) return;
        string what = option is null ? $"'{path}'" : $"{option} '{path}'";
        throw new UsageException($"{what} is {kind}, not a regular file: writing would replace it with one (outputs are written to a temporary file renamed into place); give a file name.");
    }
}
