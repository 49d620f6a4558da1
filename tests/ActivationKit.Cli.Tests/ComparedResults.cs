namespace ActivationKit.Cli.Tests;

/// <summary>
/// A small comparison's results folder (xor, relu and tanh, two seeds, one thread), made afresh for each test of a class
/// that edits its files, with its first trial file and that file's text: the fixture of the report tests that damage a
/// trial and expect it refused by name.
/// </summary>
public abstract class ComparedResults : IDisposable
{
    /// <summary>How report's refusals of a damaged trial file end.</summary>
    private protected const string Advice = "; restore it, or delete it and run the comparison's compare command again, which trains that trial anew.";

    private protected ComparedResults(int epochs)
    {
        Results = Dir.File("res");
        Cli.RunWide("compare", "--data", "xor", "--samples", "100", "--activations", "relu,tanh", "--hidden", "4", "--seeds", "2", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--threads", "1", "--out", Results).Ok();
        First = Directory.GetFiles(Path.Combine(Results, "trials")).Order(StringComparer.Ordinal).First();
        Text = File.ReadAllText(First);
    }

    private protected TempDir Dir { get; } = new();

    /// <summary>The comparison's --out folder.</summary>
    private protected string Results { get; }

    /// <summary>The first trial file, in ordinal order of its name.</summary>
    private protected string First { get; }

    /// <summary>The first trial file's text as compare wrote it.</summary>
    private protected string Text { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
