namespace ActivationKit.IO;

/// <summary>
/// A file that could not be written to its end once it was opened — the disk full, a quota reached, an I/O error. The
/// message names the file the caller asked for and the system's reason (<c>could not write 'y.csv': no space left on
/// device.</c>), not the temporary file the bytes went to; the destination is unchanged.
/// </summary>
public sealed class WriteFailedException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>, with the system's failure <paramref name="inner"/>.</summary>
    public WriteFailedException(string path, Exception inner)
        : base($"could not write '{path}': {ExceptionMessages.IoCause(inner)}.", inner)
    {
        Path = path;
    }

    /// <summary>The file that was to be written, as the caller named it.</summary>
    public string Path { get; }
}
