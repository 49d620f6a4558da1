using System.Buffers.Binary;
using System.Text;

namespace ActivationKit.IO;

/// <summary>
/// What a file looks like from its first bytes, for a message that refuses it as the wrong kind of input: "it looks
/// like a NumPy .npy array" tells the user which file they gave by mistake, where "missing the magic" tells them nothing.
/// Only formats a user of this kit is likely to hand over by mistake are named (arrays, archives, saved models of other
/// frameworks, JSON, CSV); anything else is null, and the message says no more than what the file is not.
/// </summary>
public static class FileSignature
{
    /// <summary>How many leading bytes <see cref="Describe"/> looks at; callers may pass more, the rest is ignored.</summary>
    public const int Prefix = 4096;

    /// <summary>
    /// "a NumPy .npy array", "a zip archive (…)", "JSON text", "CSV text", "an IDX array (…)" and so on, to follow "it
    /// looks like"; null when the bytes match none of the known formats or the file is empty.
    /// </summary>
    public static string? Describe(ReadOnlySpan<byte> start)
    {
        if (start.Length > Prefix) start = start[..Prefix];
        if (start.IsEmpty) return null;
        if (start.StartsWith((ReadOnlySpan<byte>)[0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'])) return "a NumPy .npy array";
        if (start.StartsWith("PK\x03\x04"u8)) return "a zip archive (a NumPy .npz, a PyTorch .pt or a Keras .keras file is one)";
        if (start.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) return "gzip-compressed data";
        if (start.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A])) return "an HDF5 file (such as a Keras .h5 model)";

        // Pickle protocols 2 to 5 start with PROTO and the version: torch.save before zip files, joblib, pickle.dump.
        if (start.Length >= 2 && start[0] == 0x80 && start[1] is >= 2 and <= 5) return "a Python pickle (such as a PyTorch .pt or a scikit-learn model)";

        // IDX (the MNIST files): two zero bytes, a type code (unsigned byte … double) and 1 to 4 dimensions.
        if (start.Length >= 4 && start[0] == 0 && start[1] == 0 && start[2] is 0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E && start[3] is >= 1 and <= 4)
        {
            return "an IDX array (the file format of MNIST and Fashion-MNIST)";
        }

        // safetensors: a little-endian 64-bit length, then that many bytes of a JSON object.
        if (start.Length >= 9 && start[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(start) is > 1 and < (1UL << 32))
        {
            return "a safetensors file";
        }

        return Text(start);
    }

    // JSON or CSV by its text: valid UTF-8 (a cut at the end of the prefix allowed) without control characters other
    // than line breaks and tabs; binary data is none of them.
    private static string? Text(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith(Encoding.UTF8.Preamble)) start = start[Encoding.UTF8.Preamble.Length..];
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(TrimCutCharacter(start));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) return null;
        string trimmed = text.TrimStart();
        if (trimmed.Length == 0) return null;
        if (trimmed[0] is '{' or '[') return "JSON text";
        string firstLine = trimmed.Split('\n', 2)[0];
        return firstLine.AsSpan().IndexOfAny(",;\t") >= 0 ? "CSV text" : "text";
    }

    // The bytes without a UTF-8 sequence cut short at the end (a prefix of a longer file can end inside one).
    private static ReadOnlySpan<byte> TrimCutCharacter(ReadOnlySpan<byte> bytes)
    {
        int lead = bytes.Length - 1;
        int back = 0;
        while (lead >= 0 && back < 3 && (bytes[lead] & 0xC0) == 0x80)
        {
            lead--;
            back++;
        }

        if (lead < 0 || bytes[lead] < 0xC0) return bytes;
        int length = bytes[lead] >= 0xF0 ? 4 : bytes[lead] >= 0xE0 ? 3 : 2;
        return back + 1 < length ? bytes[..lead] : bytes;
    }
}
