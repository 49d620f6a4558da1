namespace ActivationKit.Cli.IO;

/// <summary>
/// Checks, before any long work starts, that an output folder can be created and takes new files, so a run that would
/// end in a write error fails at once with one sentence instead of after minutes of training.
/// </summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="folder"/> if needed and writes and deletes a probe file in it.</summary>
    /// <param name="folder">The folder results will be written to.</param>
    /// <param name="option">The option that named it, for the message (e.g. <c>--out</c>).</param>
    public static void EnsureWritable(string folder, string option)
    {
        if (File.Exists(folder)) throw new UsageException($"{option} '{folder}' is a file; give a folder.");
        string probe = Path.Combine(folder, $".actkit-write-probe-{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} '{folder}' cannot be created or does not accept new files.");
        }
    }
}
