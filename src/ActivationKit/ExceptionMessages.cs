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
}
