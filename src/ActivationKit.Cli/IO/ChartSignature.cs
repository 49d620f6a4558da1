using System.Buffers.Binary;
using System.Text;
using ActivationKit.Plots;
using ScottPlot;

namespace ActivationKit.Cli.IO;

/// <summary>
/// Signs the charts actkit writes (<c>plot --out</c>, <c>report --images</c>) so that a later run can tell an earlier
/// chart of ours, which it may replace, from a user's file of the same name, which it replaces only with --force (as
/// <c>train --save</c> tells a model file by its magic and <c>report --html</c> a report by its marker). A PNG carries a
/// <c>tEXt</c> chunk <c>Software</c> = <see cref="Signature"/> right after its IHDR chunk (viewers ignore it; PNG's own
/// way to name the program that wrote a file); an SVG carries the comment <c>&lt;!-- Software: … --&gt;</c> after its
/// XML declaration. Charts written before the signature are not recognised and need --force once.
/// </summary>
public static class ChartSignature
{
    /// <summary>The text both signatures carry.</summary>
    public const string Signature = "actkit (ActivationKit) chart";

    private static readonly byte[] PngMagic = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly byte[] TextData = Encoding.Latin1.GetBytes("Software\0" + Signature);

    private static readonly string SvgComment = $"<!-- Software: {Signature} -->";

    /// <summary>How charts are described in a refusal: "an actkit chart".</summary>
    public const string Kind = "an actkit chart";

    /// <summary>Writes <paramref name="plot"/> as a signed .png or .svg (by the extension) through a temporary file.</summary>
    /// <exception cref="ArgumentException">Another extension.</exception>
    public static void Save(Plot plot, string path, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => SignPng(ChartFile.Png(plot, width, height)),
            ".svg" => Encoding.UTF8.GetBytes(SignSvg(ChartFile.Svg(plot, width, height))),
            _ => throw new ArgumentException($"'{path}': the output must end in .png or .svg."),
        };
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The PNG <paramref name="png"/> with the signature's tEXt chunk inserted after its IHDR chunk.</summary>
    /// <exception cref="ArgumentException">The bytes do not start with a PNG signature and an IHDR chunk.</exception>
    public static byte[] SignPng(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        const int ihdrEnd = 8 + 4 + 4 + 13 + 4;
        if (png.Length < ihdrEnd || !png.AsSpan(0, 8).SequenceEqual(PngMagic) || Encoding.ASCII.GetString(png, 12, 4) != "IHDR")
        {
            throw new ArgumentException("Not a PNG image: it does not start with the PNG signature and an IHDR chunk.", nameof(png));
        }

        var chunk = new byte[4 + 4 + TextData.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(chunk, TextData.Length);
        Encoding.ASCII.GetBytes("tEXt", chunk.AsSpan(4));
        TextData.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + TextData.Length), Crc32(chunk.AsSpan(4, 4 + TextData.Length)));
        return [.. png.AsSpan(0, ihdrEnd), .. chunk, .. png.AsSpan(ihdrEnd)];
    }

    /// <summary>The SVG text <paramref name="svg"/> with the signature's comment after its XML declaration (or first).</summary>
    public static string SignSvg(string svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        int at = svg.StartsWith("<?xml", StringComparison.Ordinal) ? svg.IndexOf("?>", StringComparison.Ordinal) + 2 : 0;
        return at > 1 ? string.Concat(svg.AsSpan(0, at), "\n", SvgComment, svg.AsSpan(at)) : SvgComment + "\n" + svg;
    }

    /// <summary>
    /// Whether the file at <paramref name="path"/> is a chart actkit signed: a PNG with the signature's tEXt chunk among
    /// the chunks before its image data, or an SVG whose first 512 bytes hold the signature's comment.
    /// </summary>
    public static bool IsSigned(string path)
    {
        byte[] head = OutputFolder.Head(path, 4096);
        if (head.AsSpan().StartsWith(PngMagic))
        {
            for (int at = 8; at + 8 <= head.Length;)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(at));
                string type = Encoding.ASCII.GetString(head, at + 4, 4);
                if (type == "IDAT" || length < 0 || at + 8 + length > head.Length) return false;
                if (type == "tEXt" && head.AsSpan(at + 8, length).SequenceEqual(TextData)) return true;
                at += 8 + length + 4;
            }

            return false;
        }

        string text = Encoding.UTF8.GetString(head.AsSpan(0, Math.Min(head.Length, 512)));
        // SignSvg puts the comment first where there is no XML declaration.
        return (text.StartsWith("<?xml", StringComparison.Ordinal) || text.StartsWith("<svg", StringComparison.Ordinal) || text.StartsWith(SvgComment, StringComparison.Ordinal))
            && text.Contains(SvgComment, StringComparison.Ordinal);
    }

    // The PNG chunk CRC: CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) of the chunk type and data.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }

        return ~crc;
    }
}
