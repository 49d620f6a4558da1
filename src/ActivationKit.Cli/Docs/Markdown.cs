namespace ActivationKit.Cli.Docs;

/// <summary>Markdown helpers shared by the generated documents.</summary>
public static class Markdown
{
    /// <summary>Text safe inside a table cell: pipes escaped, line breaks flattened.</summary>
    public static string Cell(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Inline code inside a table cell (backslashes kept as written; pipes escaped for the table).</summary>
    public static string CodeCell(string text) => "`" + text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal) + "`";

    /// <summary>A GitHub-style heading anchor for <paramref name="heading"/>.</summary>
    public static string Anchor(string heading) =>
        new(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ').Select(c => c == ' ' ? '-' : c).ToArray());

    /// <summary>
    /// Replaces the text between the lines <paramref name="startMarker"/> and <paramref name="endMarker"/> in
    /// <paramref name="document"/> with <paramref name="content"/> (lines ending in \n), its lines ended with
    /// <paramref name="newline"/>; the markers and the rest of the document stay as they are.
    /// </summary>
    /// <exception cref="InvalidDataException">A marker is missing or they are out of order.</exception>
    public static string ReplaceBetween(string document, string startMarker, string endMarker, string content, string documentName, string newline = "\n")
    {
        int start = document.IndexOf(startMarker, StringComparison.Ordinal);
        int end = document.IndexOf(endMarker, StringComparison.Ordinal);
        if (start < 0 || end < 0 || end < start)
        {
            throw new InvalidDataException($"{documentName} needs the markers {startMarker} and {endMarker}, in that order.");
        }

        int afterStart = start + startMarker.Length;
        return document[..afterStart] + newline + content.TrimEnd('\n').Replace("\n", newline, StringComparison.Ordinal) + newline + document[end..];
    }

    /// <summary>
    /// The line ending of the line holding <paramref name="marker"/> in <paramref name="document"/>: \r\n for a file
    /// saved with Windows line endings, else \n.
    /// </summary>
    public static string LineEndingAfter(string document, string marker)
    {
        ArgumentNullException.ThrowIfNull(document);
        int at = document.IndexOf(marker, StringComparison.Ordinal);
        int end = at < 0 ? -1 : document.IndexOf('\n', at);
        return end > 0 && document[end - 1] == '\r' ? "\r\n" : "\n";
    }

    /// <summary>The text between the markers (without them), or null when they are missing.</summary>
    public static string? Between(string document, string startMarker, string endMarker)
    {
        int start = document.IndexOf(startMarker, StringComparison.Ordinal);
        int end = document.IndexOf(endMarker, StringComparison.Ordinal);
        if (start < 0 || end < 0 || end < start) return null;
        return document[(start + startMarker.Length)..end].Trim('\n', '\r');
    }
}
