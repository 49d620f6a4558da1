using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ActivationKit.Cli.IO;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// plot --out and report --images replace an earlier actkit chart (signed by <see cref="ChartSignature"/>) but no other
/// file without --force (exploratory tester, F2 and F3).
/// </summary>
public sealed class ChartOverwriteTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>An SVG without an XML declaration gets the comment first, and is recognised as signed (a reviewer's find).</summary>
    [Fact]
    public void An_svg_without_a_declaration_is_signed_and_recognised()
    {
        string path = _dir.File("bare.svg");
        File.WriteAllText(path, ChartSignature.SignSvg("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"));
        Assert.True(ChartSignature.IsSigned(path));
        File.WriteAllText(path, "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>");
        Assert.False(ChartSignature.IsSigned(path));
    }

    [Fact]
    public void Plot_replaces_an_earlier_chart_but_no_other_file_without_force()
    {
        // F2: plot relu --out keep.png replaced "precious" without a word; plot had no --force.
        string keep = _dir.File("keep.png");
        File.WriteAllText(keep, "precious");
        Cli.Run("plot", "relu", "--out", keep).BadInput($"--out '{keep}' already exists and is not an actkit chart; give another file name, or add --force to replace it.");
        Assert.Equal("precious", File.ReadAllText(keep));
        Cli.Run("plot", "relu", "--out", keep, "--force").Ok();
        byte[] first = File.ReadAllBytes(keep);
        Assert.True(ChartSignature.IsSigned(keep));

        // An earlier chart is what --out writes: replaced as before, with no --force.
        Cli.Run("plot", "tanh", "--out", keep).Ok();
        Assert.NotEqual(first, File.ReadAllBytes(keep));

        // A PNG that is not ours (here: our own chart without its signature) is a user's image.
        string photo = _dir.File("photo.png");
        File.WriteAllBytes(photo, WithoutSignature(first));
        Cli.Run("plot", "relu", "--out", photo).BadInput("is not an actkit chart");
        Cli.Run("plot", "--all", "--out", photo).BadInput("is not an actkit chart");

        string svg = _dir.File("drawing.svg");
        File.WriteAllText(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>\n");
        Cli.Run("plot", "relu", "--out", svg).BadInput("is not an actkit chart");
        Cli.Run("plot", "relu", "--out", svg, "--force").Ok();
        Assert.True(ChartSignature.IsSigned(svg));
        Cli.Run("plot", "gelu", "--out", svg).Ok();
        Assert.Contains("gelu", File.ReadAllText(svg), StringComparison.Ordinal);

        Cli.Run("plot", "relu", "--force").BadInput("--force goes with --out: it lets the chart replace an existing file.");
        Assert.Equal(["drawing.svg", "keep.png", "photo.png"], _dir.Files());
    }

    [Fact]
    public void Report_images_replace_earlier_charts_but_not_the_users_files_without_force()
    {
        // F3: report --images img2 replaced the user's img2/functions.png ("precious") by a chart without a word.
        string results = _dir.File("results");
        Cli.RunWide("compare", "--data", "moons", "--samples", "100", "--activations", "relu,tanh", "--hidden", "4", "--seeds", "1", "--epochs", "1", "--out", results).Ok();
        string images = _dir.File("img");
        Cli.RunWide("report", results, "--images", images).Ok();
        string functions = Path.Combine(images, "functions.png");
        Assert.True(ChartSignature.IsSigned(functions));

        // The report's own earlier charts are refreshed in place.
        File.SetLastWriteTimeUtc(functions, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Cli.RunWide("report", results, "--images", images).Ok();
        Assert.True(File.GetLastWriteTimeUtc(functions).Year > 2000);

        // A user's file of a chart's name is not, and nothing is written: not the other charts, not the --html page.
        File.WriteAllText(functions, "precious");
        string html = _dir.File("r.html");
        Cli.Run("report", results, "--images", images, "--html", html).BadInput($"--images '{images}' holds functions.png, which is not an actkit chart; give another folder, or add --force to replace it.");
        Assert.Equal("precious", File.ReadAllText(functions));
        Assert.False(File.Exists(html));
        Cli.RunWide("report", results, "--images", images, "--force").Ok();
        Assert.True(ChartSignature.IsSigned(functions));

        Cli.Run("report", results, "--force").BadInput("--force goes with --html or --images");
    }

    [Fact]
    public void Report_refuses_a_folder_or_pipe_in_the_way_of_a_chart_before_writing_anything()
    {
        // A folder named learning-loss.png failed the write after r5.html and learning-accuracy.png were written; --force
        // skipped the check altogether.
        string results = _dir.File("results");
        Cli.RunWide("compare", "--data", "moons", "--samples", "100", "--activations", "relu,tanh", "--hidden", "4", "--seeds", "1", "--epochs", "1", "--out", results).Ok();
        string images = _dir.File("img");
        Directory.CreateDirectory(Path.Combine(images, "learning-loss.png"));
        string html = _dir.File("r.html");
        foreach (string[] force in new[] { Array.Empty<string>(), ["--force"] })
        {
            Cli.Run(["report", results, "--html", html, "--images", images, .. force])
                .BadInput($"--images '{images}' holds a folder named learning-loss.png, where a file of that name is to be written; remove it or give another folder.");
            Assert.False(File.Exists(html));
            Assert.Equal(["learning-loss.png"], Directory.GetFileSystemEntries(images).Select(Path.GetFileName));
        }

        if (!OperatingSystem.IsLinux()) return;
        Directory.Delete(Path.Combine(images, "learning-loss.png"));

        // A write-protected chart is named by the option and the folder, as the other files in the way are: the message
        // named the file alone, and told to "give another file name", which --images has no way to do.
        string kept = Path.Combine(images, "learning-accuracy.png");
        File.WriteAllText(kept, "precious");
        File.SetUnixFileMode(kept, UnixFileMode.UserRead);
        Cli.Run("report", results, "--html", html, "--images", images, "--force")
            .BadInput($"Error: --images '{images}' holds learning-accuracy.png, which is write-protected (read-only); make it writable (chmod u+w) or give another folder.");
        Assert.False(File.Exists(html));
        Assert.Equal("precious", File.ReadAllText(kept));
        File.Delete(kept);

        string fifo = Path.Combine(images, "functions.png");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        Cli.Run("report", results, "--html", html, "--images", images, "--force")
            .BadInput($"--images '{images}' holds functions.png, which is a named pipe, not a regular file that writing could replace; remove it or give another folder.");
        Assert.False(File.Exists(html));
        Assert.Equal(ActivationKit.IO.FileKind.NamedPipe, ActivationKit.IO.FileKind.SpecialKindOf(fifo));

        string page = _dir.File("fifo.html");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", page)) mkfifo.WaitForExit();
        Cli.Run("report", results, "--html", page, "--force")
            .BadInput($"--html '{page}' is a named pipe, not a regular file: writing would replace it with one (outputs are written to a temporary file renamed into place); give a file name.");
        Assert.Equal(ActivationKit.IO.FileKind.NamedPipe, ActivationKit.IO.FileKind.SpecialKindOf(page));
    }

    [Fact]
    public void A_signed_png_stays_a_valid_png()
    {
        // The signature is a tEXt chunk after IHDR: every chunk's CRC must hold and the image must still decode.
        string png = _dir.File("f.png");
        Cli.Run("plot", "relu", "--out", png, "--width", "300", "--height", "200").Ok();
        byte[] bytes = File.ReadAllBytes(png);
        var types = new List<string>();
        for (int at = 8; at < bytes.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            types.Add(Encoding.ASCII.GetString(bytes, at + 4, 4));
            Assert.Equal(Crc32(bytes.AsSpan(at + 4, 4 + length)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 8 + length)));
            at += 12 + length;
        }

        Assert.Equal(["IHDR", "tEXt"], types.Take(2));
        Assert.Equal("IEND", types[^1]);
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal((300, 200), (bitmap.Width, bitmap.Height));
    }

    // An independent CRC-32, zlib's (PNG's): the one a gzip member ends with, before the length.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return BinaryPrimitives.ReadUInt32LittleEndian(buffer.ToArray().AsSpan((int)buffer.Length - 8));
    }

    private static byte[] WithoutSignature(byte[] png)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(33));
        Assert.Equal("tEXt", Encoding.ASCII.GetString(png, 37, 4));
        return [.. png.AsSpan(0, 33), .. png.AsSpan(33 + 12 + length)];
    }
}
