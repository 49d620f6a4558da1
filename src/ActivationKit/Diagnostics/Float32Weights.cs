using System.Globalization;
using ActivationKit.Catalog;

namespace ActivationKit.Diagnostics;

/// <summary>What an initialiser's value of constant(c), uniform(a) or normal(s) becomes below float32's normal range.</summary>
/// <param name="AllZero">Every weight float32 stores is 0.</param>
/// <param name="Stuck">Every weight is 0 and the function has slope 0 at 0 (relu): the layer never learns.</param>
/// <param name="Explanation">One sentence saying so, the same for <c>actkit check</c> and <c>actkit train</c>.</param>
/// <param name="Fix">The advice, the same for both: the initialiser the layer's function needs ("Use he_normal (gain 1.4142).").</param>
internal sealed record Float32Underflow(bool AllZero, bool Stuck, string Explanation, string Fix)
{
    /// <summary>Critical where the layer never learns (<see cref="Stuck"/>), a warning otherwise: check's grade, train's "Warning:" line says the same sentence.</summary>
    public Severity Severity => Stuck ? Severity.Critical : Severity.Warning;
}

/// <summary>
/// The one judgement of initialiser values float32 cannot hold as normal numbers, shared by the network check (its
/// init_scale and symmetric_init findings) and the engine's initialisation warnings, so that check and train cannot
/// disagree about a scale such as normal(1e-50) or constant(1e-50).
/// </summary>
internal static class Float32Weights
{
    /// <summary>
    /// float32's smallest normal value, 2⁻¹²⁶ = 1.17549435e-38. Below it a float32 is subnormal (2⁻¹⁴⁹ ≈ 1.4e-45 apart,
    /// with ever fewer significant bits) and at most 2⁻¹⁵⁰ ≈ 7.0e-46 it rounds to 0.
    /// </summary>
    public const double MinNormal = 1.17549435082228751e-38;

    /// <summary>The largest magnitude a double rounds to 0 at in float32: 2⁻¹⁵⁰, half the smallest subnormal (the tie goes to the even 0).</summary>
    public const double RoundsToZero = 7.00649232162408535e-46;

    /// <summary>True when float32 stores <paramref name="value"/> as 0 (or −0): 0 itself, and every magnitude up to 2⁻¹⁵⁰.</summary>
    public static bool IsZero(double value) => Math.Abs(value) <= RoundsToZero;

    /// <summary>
    /// The judgement of an initialiser whose value is not 0 but below float32's smallest normal value
    /// (<see cref="MinNormal"/>), or null for any other value (0, NaN, ±∞ or a normal magnitude).
    /// </summary>
    /// <remarks>
    /// The threshold is float32's range, not a judgement of scale: with |value| below the smallest normal, every weight of
    /// constant(c) and uniform(a) (|w| ≤ a) is subnormal or 0, and so is most of normal(s)'s (every one within one standard
    /// deviation, 68 %, and more the smaller s is); at most 2⁻¹⁵⁰ (normal: 9 standard deviations at most 2⁻¹⁵⁰, beyond the
    /// 8.6 the engine's Box–Muller draws from 53-bit uniforms) they are all 0. Such a layer starts as if initialised with
    /// zeros; it is stuck where the weights are all 0 and the function has slope 0 at 0 (relu): every unit outputs f(0)
    /// and gets no gradient, so the layer never learns.
    /// </remarks>
    /// <param name="scheme">The initialiser as the user wrote it (normal(1e-50), not normal(1E-50)), quoted in the sentence.</param>
    /// <param name="kind">The canonical scheme name: constant, uniform or normal (any other gives null).</param>
    /// <param name="value">The initialiser's value: the constant, the uniform limit or the normal standard deviation.</param>
    /// <param name="function">The layer's activation (null: the identity).</param>
    public static Float32Underflow? Underflow(string scheme, string kind, double value, Activation? function)
    {
        if (kind is not ("constant" or "uniform" or "normal") || value == 0 || !(Math.Abs(value) < MinNormal)) return null;
        bool normal = kind == "normal";
        bool allZero = IsZero(normal ? 9 * value : value);
        bool stuck = allZero && function is not null && InitCheck.ZeroSlopeAtZero(function);
        string what = kind == "constant" ? "sets every weight to" : "draws weights at the scale";
        string are = allZero ? "all 0" : normal ? "mostly 0 or subnormal" : "all 0 or subnormal";
        string fn = function?.Info.Name ?? "identity";
        string start = string.Create(CultureInfo.InvariantCulture, $"{scheme} {what} {value:G3}, below float32's smallest normal value ({MinNormal:G3}): the weights, stored as float32, are {are}");
        string explanation = stuck
            ? $"{start}, and {fn}′(0) = 0: with the biases at 0 every unit outputs {fn}(0) and receives no gradient, so the layer never learns."
            : $"{start}, so the layer starts as if initialised with zeros: its outputs {(allZero ? "do not" : "barely")} depend on its inputs, and it passes next to no gradient back.";
        string fix = $"Use {Advisor.ActivationAdvisor.InitFor(function ?? ActivationCatalog.Create("identity"))}.";
        return new Float32Underflow(allZero, stuck, explanation, fix);
    }
}
