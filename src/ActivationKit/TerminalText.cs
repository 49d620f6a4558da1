namespace ActivationKit;

/// <summary>
/// User text made fit for a terminal: class labels from a data file, column names, layer names from a manifest or a
/// model file reach tables, summaries and warnings, and an ANSI escape sequence among them ("cat\u001b[2J") cleared or
/// rewrote the user's screen, a line break split a table row, and a right-to-left override (U+202E) reversed how the
/// rest of the row was displayed. Control characters, bidirectional controls (and undecodable bytes) are shown as
/// '?', as error messages show them (<see cref="ExceptionMessages.Excerpt"/>), but nothing is cut. Not for JSON, whose
/// encoder escapes them, nor for data written to a file the user asked for, which keeps its text exact.
/// </summary>
internal static class TerminalText
{
    /// <summary>
    /// <paramref name="text"/> with its control characters, bidirectional controls (<see cref="ExceptionMessages.IsBidiControl"/>),
    /// U+FFFD and unpaired surrogates shown as '?'.
    /// </summary>
    internal static string Safe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ExceptionMessages.Excerpt(text, int.MaxValue);
    }
}
