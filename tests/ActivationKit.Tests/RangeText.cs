using System.Globalization;

namespace ActivationKit.Tests;

/// <summary>
/// The numeric reading of an <see cref="Catalog.ActivationInfo.Range"/> text: a union of intervals and finite sets
/// ("(0, 1)", "[−0.2785 (= −W(1/e)), ∞)", "(−∞, −0.5) ∪ {0} ∪ (0.5, ∞)", "{0, 1}, one 1 per row"). Where the text
/// gives a symbolic form first and its value after " = " or " ≈ " ("(−α, ∞) = (−1, ∞)", "(−λα, ∞) ≈ (−1.7581, ∞)"),
/// the last form with numeric ends is read; a parenthesised remark after a number ("(= −W(1/e))") and a remark after
/// the last piece (", each row sums to 1") are skipped.
/// </summary>
public sealed class RangeText
{
    private RangeText(IReadOnlyList<Piece> pieces, string form)
    {
        Pieces = pieces;
        Form = form;
    }

    /// <summary>The pieces of the union, in the order written.</summary>
    public IReadOnlyList<Piece> Pieces { get; }

    /// <summary>The part of the text that was read (after the last " = " or " ≈ " that has numeric ends).</summary>
    public string Form { get; }

    /// <summary>The smallest lower end over the pieces (−∞ when a piece is unbounded below).</summary>
    public double Lowest => Pieces.Min(p => p.Ends[0].Value);

    /// <summary>The largest upper end over the pieces (+∞ when a piece is unbounded above).</summary>
    public double Highest => Pieces.Max(p => p.Ends[^1].Value);

    /// <summary>
    /// One written number. <see cref="Tolerance"/> is how far the true value may lie from it: a number written with
    /// four or more significant digits is a rounded value (−0.2785, −1.7581) and may be off by half a unit of its last
    /// digit; a shorter one (0, 1, −0.375, 6) is exact, to 10⁻¹² relative.
    /// </summary>
    public sealed record End(double Value, string Text, bool Rounded, double Tolerance);

    /// <summary>
    /// An interval (two ends, each open or closed) or a finite set (its elements, all "closed": each is attained).
    /// </summary>
    public sealed record Piece(bool IsSet, IReadOnlyList<End> Ends, bool LowerClosed, bool UpperClosed)
    {
        /// <summary>Whether <paramref name="y"/> lies in the piece, each end widened by its tolerance.</summary>
        public bool ContainsWithin(double y)
        {
            if (IsSet) return Ends.Any(e => Math.Abs(y - e.Value) <= e.Tolerance);
            var (lo, hi) = (Ends[0], Ends[1]);
            return y >= lo.Value - lo.Tolerance && y <= hi.Value + hi.Tolerance;
        }

        /// <summary>How far <paramref name="y"/> lies from the piece (0 inside it or at an end).</summary>
        public double DistanceTo(double y)
        {
            if (IsSet) return Ends.Min(e => Math.Abs(y - e.Value));
            return y < Ends[0].Value ? Ends[0].Value - y : y > Ends[1].Value ? y - Ends[1].Value : 0;
        }

        public override string ToString() => IsSet
            ? "{" + string.Join(", ", Ends.Select(e => e.Text)) + "}"
            : $"{(LowerClosed ? "[" : "(")}{Ends[0].Text}, {Ends[1].Text}{(UpperClosed ? "]" : ")")}";
    }

    /// <summary>Reads <paramref name="range"/>; throws <see cref="FormatException"/> saying why when no form has numeric ends.</summary>
    public static RangeText Parse(string range)
    {
        ArgumentNullException.ThrowIfNull(range);
        var forms = SplitForms(range);
        string? why = null;
        for (int i = forms.Count - 1; i >= 0; i--)
        {
            var parser = new Parser(forms[i]);
            if (parser.TryUnion(out var pieces, out why)) return new RangeText(pieces, forms[i].Trim());
        }

        throw new FormatException($"Range '{range}' has no form with numeric ends ({why}); write the value after ' = ' or ' ≈ ', e.g. \"(−α, ∞) = (−1, ∞)\".");
    }

    /// <summary>Splits at " = " and " ≈ " outside brackets.</summary>
    private static List<string> SplitForms(string text)
    {
        var forms = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') depth--;
            else if (depth == 0 && (c == '=' || c == '≈') && i > 0 && text[i - 1] == ' ' && i + 1 < text.Length && text[i + 1] == ' ')
            {
                forms.Add(text[start..(i - 1)]);
                start = i + 2;
            }
        }

        forms.Add(text[start..]);
        return forms;
    }

    private sealed class Parser(string text)
    {
        private int _at;

        public bool TryUnion(out List<Piece> pieces, out string? why)
        {
            pieces = [];
            while (true)
            {
                SkipSpaces();
                if (!TryPiece(out var piece, out why)) return false;
                pieces.Add(piece!);
                SkipSpaces();
                if (_at < text.Length && text[_at] == '∪')
                {
                    _at++;
                    continue;
                }

                // End of the text, or a remark after a comma (", each row sums to 1").
                if (_at == text.Length || text[_at] == ',') return true;
                why = $"unexpected '{text[_at..]}' after {piece}";
                return false;
            }
        }

        private bool TryPiece(out Piece? piece, out string? why)
        {
            piece = null;
            if (_at >= text.Length)
            {
                why = "nothing to read";
                return false;
            }

            char open = text[_at];
            if (open is not ('(' or '[' or '{'))
            {
                why = $"'{text[_at..]}' does not start with (, [ or {{";
                return false;
            }

            _at++;
            var ends = new List<End>();
            while (true)
            {
                SkipSpaces();
                if (!TryNumber(out var end, out why)) return false;
                ends.Add(end!);
                SkipSpaces();
                if (_at < text.Length && text[_at] == ',')
                {
                    _at++;
                    continue;
                }

                break;
            }

            if (_at >= text.Length)
            {
                why = "an unclosed bracket";
                return false;
            }

            char close = text[_at++];
            if (open == '{')
            {
                if (close != '}')
                {
                    why = $"a set closed by '{close}'";
                    return false;
                }

                piece = new Piece(true, ends, true, true);
                why = null;
                return true;
            }

            if (close is not (')' or ']') || ends.Count != 2)
            {
                why = $"an interval needs two ends and ) or ], got {ends.Count} and '{close}'";
                return false;
            }

            piece = new Piece(false, ends, open == '[', close == ']');
            why = null;
            return true;
        }

        private bool TryNumber(out End? end, out string? why)
        {
            end = null;
            int start = _at;
            bool negative = false;
            if (_at < text.Length && (text[_at] == '−' || text[_at] == '-'))
            {
                negative = true;
                _at++;
            }

            if (_at < text.Length && text[_at] == '∞')
            {
                _at++;
                end = new End(negative ? double.NegativeInfinity : double.PositiveInfinity, text[start.._at], false, 0);
                why = null;
                return true;
            }

            int digits = _at;
            while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] == '.')) _at++;
            if (_at == digits)
            {
                why = $"'{text[start..]}' is not a number";
                return false;
            }

            string body = text[digits.._at];
            double value = double.Parse(body, NumberStyles.Float, CultureInfo.InvariantCulture) * (negative ? -1 : 1);
            string significant = body.Replace(".", string.Empty, StringComparison.Ordinal).TrimStart('0');
            int decimals = body.Contains('.', StringComparison.Ordinal) ? body.Length - body.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
            bool rounded = significant.Length >= 4;
            double tolerance = rounded ? 0.5 * Math.Pow(10, -decimals) * (1 + 1e-9) : 1e-12 * Math.Max(1, Math.Abs(value));
            end = new End(value, text[start.._at], rounded, tolerance);

            // A remark in brackets right after the number: "(= −W(1/e))".
            SkipSpaces();
            if (_at + 1 < text.Length && text[_at] == '(' && (text[_at + 1] == '=' || text[_at + 1] == '≈'))
            {
                int depth = 0;
                do
                {
                    if (text[_at] == '(') depth++;
                    else if (text[_at] == ')') depth--;
                    _at++;
                }
                while (depth > 0 && _at < text.Length);
            }

            why = null;
            return true;
        }

        private void SkipSpaces()
        {
            while (_at < text.Length && text[_at] == ' ') _at++;
        }
    }
}
