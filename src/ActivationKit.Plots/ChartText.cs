using System.Globalization;
using System.Text;

namespace ActivationKit.Plots;

/// <summary>Text for charts and the report: numbers with significant digits, and lines wrapped to a width.</summary>
public static class ChartText
{
    /// <summary>
    /// <paramref name="value"/> with <paramref name="digits"/> significant digits: fixed-point from 10⁻³ up to 10⁶
    /// (0.6154, 12.35, 4527), scientific outside it (3.211E+20, 1.250E-7); "—" for NaN, "∞" and "−∞" for infinities,
    /// "0" for zero. A mean of 3.2e20 printed "0.000" style was 21 digits long.
    /// </summary>
    public static string Number(double value, int digits = 4)
    {
        var inv = CultureInfo.InvariantCulture;
        if (double.IsNaN(value)) return "—";
        if (double.IsPositiveInfinity(value)) return "∞";
        if (double.IsNegativeInfinity(value)) return "−∞";
        if (value == 0) return "0";
        digits = Math.Clamp(digits, 1, 17);
        double a = Math.Abs(value);
        if (a >= 1e-3 && a < 1e6)
        {
            int decimals = Math.Max(0, digits - 1 - (int)Math.Floor(Math.Log10(a)));
            string text = value.ToString("F" + decimals.ToString(inv), inv);

            // Rounding may carry into the next decade (999999.7 → 1000000): that is scientific's range.
            if (Math.Abs(double.Parse(text, inv)) < 1e6) return text;
        }

        return value.ToString("0." + new string('0', digits - 1) + "E+0", inv);
    }

    /// <summary>
    /// Breaks <paramref name="text"/> into lines no wider than <paramref name="fits"/> allows: greedily at spaces, and a
    /// single word that is still too wide after a comma, before '@' or '(' or after '='; lines already in the text stay.
    /// </summary>
    public static string Wrap(string text, Func<string, bool> fits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fits);
        var result = new List<string>();
        foreach (string line in text.Split('\n'))
        {
            if (fits(line))
            {
                result.Add(line);
                continue;
            }

            // Each piece with whether a space goes before it: the parts of a broken word join without one.
            var pieces = new List<(string Text, bool Space)>();
            foreach (string word in line.Split(' '))
            {
                bool first = true;
                foreach (string part in fits(word) ? [word] : BreakWord(word))
                {
                    pieces.Add((part, first && pieces.Count > 0));
                    first = false;
                }
            }

            var current = new StringBuilder();
            foreach (var (piece, space) in pieces)
            {
                string candidate = current.Length == 0 ? piece : current + (space ? " " : string.Empty) + piece;
                if (current.Length > 0 && !fits(candidate))
                {
                    result.Add(current.ToString());
                    current.Clear().Append(piece);
                }
                else
                {
                    current.Clear().Append(candidate);
                }
            }

            if (current.Length > 0) result.Add(current.ToString());
        }

        return string.Join('\n', result);
    }

    /// <summary>
    /// <see cref="Wrap(string, Func{string, bool})"/> by character count: lines of at most <paramref name="maxChars"/>
    /// characters where the text allows it.
    /// </summary>
    public static string Wrap(string text, int maxChars) => Wrap(text, s => s.Length <= maxChars);

    // A word too wide for a line, split where a spec allows it: "leaky_relu(negative_slope=0.2)@orthogonal".
    private static IEnumerable<string> BreakWord(string word)
    {
        int start = 0;
        for (int i = 1; i < word.Length; i++)
        {
            char c = word[i], p = word[i - 1];
            if (c is '@' or '(' || p is ',' or '=')
            {
                yield return word[start..i];
                start = i;
            }
        }

        yield return word[start..];
    }
}
