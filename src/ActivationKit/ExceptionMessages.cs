namespace ActivationKit;

/// <summary>Exception messages fit to be quoted inside another message.</summary>
internal static class ExceptionMessages
{
    /// <summary>
    /// The message of <paramref name="e"/> without .NET's " (Parameter 'name')" suffix: a message that quotes it ("invalid
    /// architecture in the header: …") would otherwise show the library's parameter name to the user.
    /// </summary>
    internal static string WithoutParameterName(ArgumentException e) =>
        e.ParamName is { } p && e.Message.EndsWith($" (Parameter '{p}')", StringComparison.Ordinal) ? e.Message[..^$" (Parameter '{p}')".Length] : e.Message;

    /// <summary>
    /// The operating system's reason in an I/O failure's message, to follow a colon: "no space left on device" from the
    /// runtime's "No space left on device : '/out/.y.csv.1f2e….tmp'", without the path it names (a temporary file's name
    /// would only confuse) or a final full stop; the first letter is lowered unless it starts an acronym ("I/O error").
    /// </summary>
    internal static string IoCause(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string reason = e.Message;
        int path = reason.IndexOf(" : '", StringComparison.Ordinal);
        if (path > 0) reason = reason[..path];
        reason = reason.Trim().TrimEnd('.');
        return reason.Length > 1 && char.IsUpper(reason[0]) && char.IsLower(reason[1]) ? char.ToLowerInvariant(reason[0]) + reason[1..] : reason;
    }

    /// <summary>
    /// File content fit to be quoted in a message: at most <paramref name="max"/> characters, a longer text cut with '…'
    /// (a cell of a million digits, or a whole line without separators, was printed in full), and control characters
    /// and undecodable bytes (U+FFFD) shown as '?' (a binary file's cells printed raw bytes to the terminal).
    /// </summary>
    internal static string Excerpt(string text, int max = 40)
    {
        ArgumentNullException.ThrowIfNull(text);
        bool cut = text.Length > max;
        var shown = new System.Text.StringBuilder(cut ? text.AsSpan(0, max - 1).ToString() : text);
        for (int i = 0; i < shown.Length; i++)
        {
            char c = shown[i];
            bool paired = char.IsHighSurrogate(c) ? i + 1 < shown.Length && char.IsLowSurrogate(shown[i + 1])
                : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(shown[i - 1]);
            if (char.IsControl(c) || c == '\uFFFD' || (char.IsSurrogate(c) && !paired))
            {
                shown[i] = '?';
            }
        }

        return cut ? shown.Append('…').ToString() : shown.ToString();
    }
}
