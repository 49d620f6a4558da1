using System.Text;

namespace ActivationKit.Cli.IO;

/// <summary>
/// Writes a file through a temporary sibling moved into place, so a failure half-way never leaves a partial or
/// truncated file where the user expects a result.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes the file with <paramref name="write"/>; the destination changes only if it succeeds.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new UsageException($"The folder '{dir}' does not exist.");
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        FileStream created;
        try
        {
            created = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot write '{path}': the folder '{dir}' does not accept new files.");
        }

        try
        {
            using (var stream = created)
            {
                write(stream);
            }

            try
            {
                File.Move(temp, full, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"Cannot replace '{path}' ({e.Message.TrimEnd('.')}); it is unchanged.");
            }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => s.Write(new UTF8Encoding(false).GetBytes(text)));
}
