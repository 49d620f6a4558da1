namespace ActivationKit.Cli.Tests;

/// <summary>The tests that change or assert the process-wide <see cref="KernelOptions"/> through <c>actkit bench</c>.</summary>
[CollectionDefinition(Name)]
public sealed class KernelOptionsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process-wide kernel options";
}
