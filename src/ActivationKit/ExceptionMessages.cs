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
    /// and undecodable bytes (U+FFFD) shown as '?' (a binary file's cells printed raw bytes to the terminal), as are
    /// unpaired surrogates and the Unicode bidirectional controls (<see cref="IsBidiControl"/>).
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
            if (char.IsControl(c) || c == '\uFFFD' || (char.IsSurrogate(c) && !paired) || IsBidiControl(c))
            {
                shown[i] = '?';
            }
        }

        return cut ? shown.Append('…').ToString() : shown.ToString();
    }

    /// <summary>
    /// True for the twelve characters of Unicode's Bidi_Control property: the embeddings and overrides U+202A–U+202E,
    /// the isolates U+2066–U+2069, and the marks U+200E (LRM), U+200F (RLM) and U+061C (ALM).
    /// </summary>
    /// <remarks>
    /// An embedding, override or isolate left open lasts to the end of the line, so a class label holding U+202E (RLO)
    /// reversed the rest of a table row or message on a bidi-aware terminal ("Trojan Source", CVE-2021-42574). The marks
    /// are in too, though they only act as an invisible right-to-left (or left-to-right) letter: an RLM ending a label
    /// takes the numbers after it on the row into one right-to-left run (by the rules W7 and N1 of UAX #9, "cat\u200F 0.95
    /// 0.80" shows "cat 0.80 0.95"), which a visible Hebrew letter would also do, but visibly. What is lost is small:
    /// the marks only fine-tune where punctuation of right-to-left text is shown, they still reach JSON and files exactly,
    /// and the letters of right-to-left scripts themselves are untouched.
    /// </remarks>
    internal static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
