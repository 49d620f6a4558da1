namespace ActivationKit.Cli.Tests;

/// <summary>
/// A missing or mistaken input file is said the same way by every command, and a file that is not a model says what it
/// is: check said "File not found: x" where the others said "… does not exist", and a 9-byte model "missing the magic".
/// </summary>
public sealed class InputFileMessageTests
{
    [Fact]
    public void Check_says_a_missing_file_does_not_exist_as_the_other_commands_do()
    {
        using var dir = new TempDir();
        string missing = dir.File("nothere.json");
        Assert.Equal($"Error: The file '{missing}' does not exist.", Cli.Run("check", missing).BadInput("does not exist").Err.Trim());
        Assert.Equal($"Error: --model file '{missing}' does not exist.", Cli.Run("predict", "--model", missing, "--in", dir.XorCsv()).BadInput("does not exist").Err.Trim());
        Assert.Equal($"Error: --in file '{missing}.csv' does not exist.", Cli.Run("eval", "relu", "--in", missing + ".csv").BadInput("does not exist").Err.Trim());

        // The path as the others show it: control characters as '?', not sent to the terminal.
        string escape = dir.File("a\u001b[2Jb.json");
        Assert.Equal($"Error: The file '{dir.File("a?[2Jb.json")}' does not exist.", Cli.Run("check", escape).BadInput("does not exist").Err.Trim());
    }

    [Fact]
    public void Check_and_predict_say_a_truncated_model_is_truncated()
    {
        using var dir = new TempDir();
        string nine = dir.File("nine.akm");
        File.WriteAllBytes(nine, [.. "AKNNMLP1"u8.ToArray(), 5]);
        const string Said = "Error: nine.akm: truncated — the file is 9 bytes, but a model file starts with 12 bytes (the magic AKNNMLP1 and its header's length), then its header and weights.";
        Assert.Equal(Said, Cli.Run("check", nine).BadInput("truncated").Err.Trim());
        Assert.Equal(Said, Cli.Run("predict", "--model", nine, "--in", dir.XorCsv()).BadInput("truncated").Err.Trim());

        // Cut within the magic, check still reads it as a model (it was "neither a JSON network spec nor a model").
        string four = dir.File("four.akm");
        File.WriteAllBytes(four, "AKNN"u8.ToArray());
        Cli.Run("check", four).BadInput("four.akm: truncated — the file is 4 bytes, but a model file starts with 12 bytes");
    }

    [Fact]
    public void A_file_of_another_format_is_named_by_what_it_looks_like()
    {
        using var dir = new TempDir();
        string npy = dir.File("weights.npy");
        File.WriteAllBytes(npy, [0x93, .. "NUMPY"u8.ToArray(), 1, 0, 0x76, 0, .. "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"u8.ToArray(), (byte)'\n']);
        Cli.Run("check", npy).BadInput("Error: weights.npy is neither a JSON network spec (it must start with '{') nor an actkit model file; it looks like a NumPy .npy array.");
        Cli.Run("predict", "--model", npy, "--in", dir.XorCsv()).BadInput("Error: weights.npy: not an ActivationKit model file — it does not start with the magic AKNNMLP1; it looks like a NumPy .npy array.");

        // Text that is not JSON: CSV is named, plain text adds nothing to "must start with '{'".
        Cli.Run("predict", "--model", dir.XorCsv(), "--in", dir.XorCsv()).BadInput("Error: xor.csv: not an ActivationKit model file — it does not start with the magic AKNNMLP1; it looks like CSV text.");
        Cli.Run("check", dir.XorCsv()).BadInput("Error: xor.csv is neither a JSON network spec (it must start with '{') nor an actkit model file; it looks like CSV text.");
        File.WriteAllText(dir.File("notes.txt"), "layers: relu then sigmoid");
        Assert.Equal("Error: notes.txt is neither a JSON network spec (it must start with '{') nor an actkit model file.", Cli.Run("check", dir.File("notes.txt")).BadInput("neither").Err.Trim());
    }
}
