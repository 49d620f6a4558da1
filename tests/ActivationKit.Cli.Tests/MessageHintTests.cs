namespace ActivationKit.Cli.Tests;

/// <summary>
/// Messages that said what was wrong but not why: a short option's joined value, a header row given to eval, a
/// structured .npy dtype (found by an exploratory tester).
/// </summary>
public sealed class MessageHintTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AJoinedShortOptionValueSaysHowToWriteIt()
    {
        Cli.Run("eval", "relu", "-x0:1:1").BadInput("'-x0:1:1' joins -x and its value; write -x 0:1:1 or -x=0:1:1, with a space or '=' between them.");
        Cli.Run("eval", "relu", "-x-1:1:1").BadInput("'-x-1:1:1' joins -x and its value; write -x -1:1:1 or -x=-1:1:1");
        Assert.Equal(["x,f(x)", "-1,0", "0,0", "1,1"], Cli.Run("eval", "relu", "-x", "-1:1:1").Ok().Lines);
    }

    [Fact]
    public void EvalSaysItTakesNoHeaderRow()
    {
        string csv = _dir.File("h.csv");
        File.WriteAllText(csv, "x\n1\n2\n");
        Cli.Run("eval", "relu", "--in", csv).BadInput("h.csv line 1: 'x' is not a number (eval reads numbers only, with no header row: remove the header line or start it with #).");
        File.WriteAllText(csv, "1\nx\n");
        Assert.DoesNotContain("header", Cli.Run("eval", "relu", "--in", csv).BadInput("h.csv line 2: 'x' is not a number.").Err, StringComparison.Ordinal);
    }

    [Fact]
    public void AStructuredNpyDtypeIsNamedUnsupported()
    {
        string header = "{'descr': [('a', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (2,), }";
        header = header.PadRight(118) + "\n";
        byte[] bytes = [0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0, .. System.Text.Encoding.ASCII.GetBytes(header), .. new byte[16]];
        string npy = _dir.File("st.npy");
        File.WriteAllBytes(npy, bytes);
        Cli.Run("eval", "relu", "--in", npy).BadInput("st.npy has a structured dtype ([('a', '<f4'), ('b', '<f4')]), a record of named fields, which is unsupported; save a plain numeric array");
    }
}
