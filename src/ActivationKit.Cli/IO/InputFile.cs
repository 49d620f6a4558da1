namespace ActivationKit.Cli.IO;

/// <summary>
/// The checks every command makes of an input file before it reads it, in one wording: a folder is "… is a folder",
/// a missing file "… does not exist", both naming the option and showing the path with its control characters as '?'.
/// <c>check</c> said "File not found: x" where the others said "--in file 'x' does not exist.".
/// </summary>
public static class InputFile
{
    /// <summary>
    /// Refuses <paramref name="path"/> when it is a folder or does not exist. <paramref name="option"/> names the input
    /// (<c>--model</c>), or is null for a command's argument; <paramref name="give"/> ends the folder's message
    /// ("give a .csv or .npy file").
    /// </summary>
    /// <exception cref="UsageException">The path is a folder or does not exist.</exception>
    public static void Require(string path, string? option, string give)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(give);
        string shown = TerminalText.Safe(path);
        if (Directory.Exists(path)) throw new UsageException(option is null ? $"'{shown}' is a folder; {give}." : $"{option} '{shown}' is a folder; {give}.");
        if (!File.Exists(path)) throw new UsageException(option is null ? $"The file '{shown}' does not exist." : $"{option} file '{shown}' does not exist.");
    }
}
