using ActivationKit.Catalog;

namespace ActivationKit.Diagnostics;

/// <summary>Wording the findings' explanations and fixes share.</summary>
internal static class FindingText
{
    /// <summary>"a", "a and b", "a, b and c" (with <paramref name="conjunction"/> "and" or "or").</summary>
    public static string List(IReadOnlyList<string> items, string conjunction) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} {conjunction} {items[^1]}";

    /// <summary>An initialisation scheme's name as fixes give it: "He (Kaiming)", "LeCun normal", "Glorot (Xavier)" (also for none).</summary>
    public static string SchemeName(Initialization? init) => init switch
    {
        Initialization.He => "He (Kaiming)",
        Initialization.LeCun => "LeCun normal",
        _ => "Glorot (Xavier)",
    };
}
