namespace ActivationKit.Cli.IO;

/// <summary>
/// Checks, before any long work starts, that an output can be written, so a run that would end in a write error fails
/// at once with one sentence instead of after minutes of training or measuring.
/// </summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="folder"/> if needed and checks that it takes new files.</summary>
    /// <param name="folder">The folder results will be written to.</param>
    /// <param name="option">The option that named it, for the message (e.g. <c>--out</c>).</param>
    public static void EnsureWritable(string folder, string option)
    {
        if (File.Exists(folder)) throw new UsageException($"{option} '{folder}' is a file; give a folder.");
        if (!TryProbe(folder, create: true)) throw new UsageException($"{option} '{folder}' cannot be created or does not accept new files.");
    }

    /// <summary>
    /// Checks that the file <paramref name="path"/> can be written (through a temporary file beside it, as
    /// <see cref="AtomicFile"/> does): its folder exists and takes new files, and the path is not a folder.
    /// </summary>
    public static void EnsureFileWritable(string path, string option)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        if (!Directory.Exists(folder)) throw new UsageException($"{option} '{path}': the folder '{folder}' does not exist.");
        if (Directory.Exists(path)) throw new UsageException($"{option} '{path}' is a folder; give a file name.");
        if (!TryProbe(folder, create: false)) throw new UsageException($"{option} '{path}' cannot be written: its folder '{folder}' does not accept new files.");
    }

    private static bool TryProbe(string folder, bool create)
    {
        string probe = Path.Combine(folder, $".actkit-write-probe-{Guid.NewGuid():N}.tmp");
        try
        {
            if (create) Directory.CreateDirectory(folder);
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
