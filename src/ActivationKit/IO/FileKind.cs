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
            throw new InvalidDataException($"{what} '{ExceptionMessages.Excerpt(path, path.Length)}' is {kind}, not a regular file; {give}.");
        }
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
