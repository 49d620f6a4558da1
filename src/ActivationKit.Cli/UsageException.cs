namespace ActivationKit.Cli;

/// <summary>Bad input from the user: reported as its message alone, with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
