using System.Globalization;

namespace ActivationKit.Advisor;

/// <summary>
/// The loss grammar of the network check and the engine (ActivationKit.Nn's <c>Losses.Parse</c> and train's --loss read
/// specs through <see cref="Parse"/>), so that both take the same values and refuse the others in the same words: NAME or
/// NAME(VALUE), case-insensitive, spaces allowed around the parts; only huber takes a value, its threshold δ written
/// huber(DELTA) or huber(delta=DELTA), finite and &gt; 0. Which names exist is each caller's to say: the check knows losses
/// the engine does not train (poisson, ranknet, …).
/// </summary>
public static class LossSpec
{
    /// <summary>The one loss that takes a value in parentheses, its threshold δ.</summary>
    public const string Huber = "huber";

    /// <summary>
    /// The lower-cased name (before any parenthesis, trimmed) and the Huber delta, null when none is given. A name
    /// <paramref name="isKnown"/> (given the lower-cased name) does not know is returned with no value, for the caller to
    /// refuse as unknown in its own words: foo(2) is an unknown loss, not a loss that takes no value.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// a huber whose value is no number (huber(x), huber(), an unclosed huber(2), a delta that is not finite and &gt; 0, or a value
    /// after a known name other than huber (mse(2); smooth_l1(2): PyTorch's smooth L1 with its beta is huber(beta)/beta,
    /// not huber(beta), so only the bare smooth_l1, which is huber(1), is taken).
    /// </exception>
    public static (string Name, double? Delta) Parse(string spec, Func<string, bool> isKnown)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(isKnown);
        string s = spec.Trim();
        int open = s.IndexOf('(', StringComparison.Ordinal);
        string name = (open < 0 ? s : s[..open]).Trim().ToLowerInvariant();
        if (open < 0) return (name, null);
        if (name != Huber)
        {
            if (!isKnown(name)) return (name, null);
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Loss '{ExceptionMessages.Excerpt(s)}' takes no value in parentheses; only huber(DELTA) does."), nameof(spec));
        }

        // The argument keeps its case and hyphens: they are signs and exponents (huber(1E-3)), quoted as typed.
        string arg = s.EndsWith(')') ? s[(open + 1)..^1].Trim() : string.Empty;
        if (arg.StartsWith("delta", StringComparison.OrdinalIgnoreCase) && arg[5..].TrimStart().StartsWith('=')) arg = arg[5..].TrimStart()[1..].Trim();
        if (arg.Length == 0 || !double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out double delta))
        {
            throw new ArgumentException($"Malformed loss '{ExceptionMessages.Excerpt(spec)}': expected huber or huber(DELTA).", nameof(spec));
        }

        if (delta > 0 && !double.IsInfinity(delta)) return (Huber, delta);
        throw new ArgumentException($"Huber delta must be finite and > 0, got {DeltaAsTyped(arg, delta)}.", nameof(spec));
    }

    /// <summary>
    /// The Huber delta as the spec wrote it, quoted, for a refusal: 1e999 was reported as "got Infinity" and 1e-400 as
    /// "got 0", values the user never wrote. A number beyond the doubles is said to overflow, and one below the smallest
    /// positive double to round to 0; <paramref name="arg"/> is the argument as typed, <paramref name="d"/> its value.
    /// </summary>
    private static string DeltaAsTyped(string arg, double d)
    {
        string typed = $"'{ExceptionMessages.Excerpt(arg)}'";
        int exponent = arg.IndexOfAny(['e', 'E']);
        bool digits = arg.AsSpan(0, exponent < 0 ? arg.Length : exponent).IndexOfAnyInRange('1', '9') >= 0;
        var inv = CultureInfo.InvariantCulture;
        if (double.IsInfinity(d) && digits) return string.Create(inv, $"{typed}, which overflows: it is beyond the largest finite double, ±{double.MaxValue:R}");
        if (d == 0 && digits) return string.Create(inv, $"{typed}, which rounds to 0: it is below the smallest positive double, {double.Epsilon:R}");
        return typed;
    }
}
