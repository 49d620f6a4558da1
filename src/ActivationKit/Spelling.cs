namespace ActivationKit;

/// <summary>
/// The edit distance behind every "did you mean" of the library and the CLI (function names, problem ids, data-set
/// names, option names), so that one typo is judged the same way everywhere; and counts said in the singular for one.
/// </summary>
internal static class Spelling
{
    /// <summary>"1 feature", "3 features", "1,000 rows": a count with its noun in the singular for one (invariant digits).</summary>
    public static string Count(long n, string noun) => $"{n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} {noun}{(n == 1 ? string.Empty : "s")}";

    /// <summary>
    /// How many edits a suggestion may be from what was typed: max(2, a third of its length), so a typo gets its name
    /// and a word unlike every name gets none; but fewer edits than it has characters, so a short word needs a letter in
    /// common ("--zz" is two edits from "--in" and every other two-letter option, and is suggested none of them).
    /// </summary>
    public static int Reach(string typed) => Math.Min(Math.Max(2, typed.Length / 3), Math.Max(typed.Length - 1, 0));

    /// <summary>
    /// <see cref="Distance"/>, with a beginning of three characters or more counted as one edit ("leaky" → "leaky_relu",
    /// "fam" → "family"): how far a typed word is from a name it may abbreviate.
    /// </summary>
    public static int DistanceOrPrefix(string typed, string name)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(name);
        int distance = Distance(typed, name);
        return typed.Length >= 3 && name.StartsWith(typed, StringComparison.Ordinal) ? Math.Min(distance, 1) : distance;
    }

    /// <summary>
    /// The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two adjacent characters
    /// ("sigmiod" → "sigmoid") cost one edit each.
    /// </summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        // Three rows of the table: two back (for the swap), the previous and the current.
        var twoBack = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int best = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) best = Math.Min(best, twoBack[j - 2] + 1);
                current[j] = best;
            }

            (twoBack, previous, current) = (previous, current, twoBack);
        }

        return previous[b.Length];
    }
}
