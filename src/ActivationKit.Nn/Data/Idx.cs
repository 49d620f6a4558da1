using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace ActivationKit.Nn.Data;

/// <summary>
/// Reader for the IDX format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header
/// [0, 0, type, ndims] then ndims 32-bit sizes, then the data. Files may be gzip-compressed (detected by content).
/// </summary>
public static class Idx
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the data.</summary>
    public const string DefaultFashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The environment variable that points every command's fashion-mnist data at another folder.</summary>
    public const string FashionMnistVariable = "ACTKIT_FASHION_MNIST";

    /// <summary>Where fashion-mnist is read from: <see cref="FashionMnistVariable"/> when set, else <see cref="DefaultFashionMnistDirectory"/>.</summary>
    public static string FashionMnistDirectory =>
        Environment.GetEnvironmentVariable(FashionMnistVariable) is { Length: > 0 } dir ? dir : DefaultFashionMnistDirectory;

    /// <summary>Reads an IDX file into floats (unsigned bytes, signed bytes, int16, int32, float32 or float64) with its shape.</summary>
    public static (float[] Data, int[] Shape) Read(string path) => Read(path, content: null);

    // With content, the file's bytes as the format holds them (after gzip) are added to it, for a content hash that
    // costs no second read and does not depend on whether the file is compressed.
    private static (float[] Data, int[] Shape) Read(string path, IncrementalHash? content)
    {
        byte[] bytes = ReadAllBytes(path);
        string file = Path.GetFileName(path);
        if (content is not null)
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, bytes.Length);
            content.AppendData(length);
            content.AppendData(bytes);
        }

        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
        {
            throw new InvalidDataException($"{file}: not an IDX file (the magic number must start with two zero bytes).");
        }

        int type = bytes[2], dims = bytes[3];
        int size = type switch
        {
            0x08 or 0x09 => 1,
            0x0B => 2,
            0x0C or 0x0D => 4,
            0x0E => 8,
            _ => throw new InvalidDataException($"{file}: unknown IDX element type 0x{type:X2} in the magic number (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)."),
        };
        if (dims == 0) throw new InvalidDataException($"{file}: the IDX header declares 0 dimensions.");
        int headerLength = 4 + (4 * dims);
        if (bytes.Length < headerLength) throw new InvalidDataException($"{file}: truncated IDX header ({bytes.Length} bytes, {headerLength} needed for {dims} dimensions).");
        var shape = new int[dims];
        long count = 1;
        for (int d = 0; d < dims; d++)
        {
            uint n = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + (4 * d)));
            if (n > int.MaxValue) throw new InvalidDataException($"{file}: dimension {d} has an impossible size {n}.");
            shape[d] = (int)n;
            count *= n;
        }

        long expected = headerLength + (count * size);
        if (bytes.Length < expected)
        {
            throw new InvalidDataException($"{file}: truncated — the header declares {string.Join("×", shape)} elements ({expected} bytes with the header) but the file has {bytes.Length} bytes.");
        }

        if (bytes.Length > expected)
        {
            throw new InvalidDataException($"{file}: {bytes.Length - expected} unexpected bytes after the {string.Join("×", shape)} elements the header declares.");
        }

        if (count > Array.MaxLength) throw new InvalidDataException($"{file}: too many elements ({count}).");
        var data = new float[count];
        var body = bytes.AsSpan(headerLength);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = type switch
            {
                0x08 => body[i],
                0x09 => (sbyte)body[i],
                0x0B => BinaryPrimitives.ReadInt16BigEndian(body[(2 * i)..]),
                0x0C => BinaryPrimitives.ReadInt32BigEndian(body[(4 * i)..]),
                0x0D => BinaryPrimitives.ReadSingleBigEndian(body[(4 * i)..]),
                _ => (float)BinaryPrimitives.ReadDoubleBigEndian(body[(8 * i)..]),
            };
        }

        return (data, shape);
    }

    /// <summary>What <see cref="Load"/> divides the pixels by when asked to scale them: 8-bit pixels 0–255 become [0, 1].</summary>
    public const float PixelScale = 255f;

    /// <summary>
    /// Loads images (N × rows × cols, divided by <see cref="PixelScale"/> into [0, 1] when <paramref name="scale"/>) and
    /// labels (N) into a classification dataset of <paramref name="classes"/> classes.
    /// </summary>
    public static Dataset Load(string imagesPath, string labelsPath, int classes = 10, bool scale = true, string? name = null) =>
        LoadHashed(imagesPath, labelsPath, classes, scale, name, content: null);

    private static Dataset LoadHashed(string imagesPath, string labelsPath, int classes, bool scale, string? name, IncrementalHash? content)
    {
        var (images, ishape) = Read(imagesPath, content);
        var (labels, lshape) = Read(labelsPath, content);
        if (ishape.Length < 2) throw new InvalidDataException($"{Path.GetFileName(imagesPath)}: an image file needs at least 2 dimensions (count × pixels), got {ishape.Length}.");
        if (lshape.Length != 1) throw new InvalidDataException($"{Path.GetFileName(labelsPath)}: a label file has 1 dimension, got {lshape.Length}.");
        if (ishape[0] != lshape[0])
        {
            throw new InvalidDataException($"{Path.GetFileName(imagesPath)} has {ishape[0]} images but {Path.GetFileName(labelsPath)} has {lshape[0]} labels.");
        }

        int features = ishape.Skip(1).Aggregate(1, (a, b) => a * b);
        if (scale)
        {
            for (int i = 0; i < images.Length; i++) images[i] /= PixelScale;
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes || labels[i] != MathF.Floor(labels[i]))
            {
                throw new InvalidDataException($"{Path.GetFileName(labelsPath)}: label {i} is {labels[i]}, outside 0…{classes - 1}.");
            }
        }

        return new Dataset(name ?? Path.GetFileName(imagesPath), images, features, labels, 1, classes);
    }

    /// <summary>
    /// Loads the Fashion-MNIST training (<paramref name="test"/> false) or test split from <paramref name="directory"/>
    /// (default <see cref="FashionMnistDirectory"/>), accepting gzip-compressed or raw files; the pixels are divided by
    /// <see cref="PixelScale"/> unless <paramref name="scale"/> is false (raw 0–255, as the files hold them).
    /// </summary>
    /// <param name="test">The test split (t10k files) rather than the training split.</param>
    /// <param name="directory">The folder of the files.</param>
    /// <param name="scale">Divide the pixels by <see cref="PixelScale"/>.</param>
    /// <param name="content">
    /// When given, the content of the images file and then the labels file (each as its length and its bytes, after
    /// gzip) is added to it as the files are read: a hash of what was loaded at no extra read.
    /// </param>
    /// <exception cref="FileNotFoundException">The files are absent; the message says how to install them.</exception>
    public static Dataset LoadFashionMnist(bool test = false, string? directory = null, bool scale = true, IncrementalHash? content = null)
    {
        string dir = directory ?? FashionMnistDirectory;
        string prefix = test ? "t10k" : "train";
        string images = Find(dir, $"{prefix}-images-idx3-ubyte");
        string labels = Find(dir, $"{prefix}-labels-idx1-ubyte");
        var data = LoadHashed(images, labels, 10, scale, test ? "fashion-mnist[test]" : "fashion-mnist[train]", content);
        return new Dataset(data.Name, data.Features, data.FeatureCount, data.Targets, 1, 10)
        {
            ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        };
    }

    private static string Find(string dir, string stem)
    {
        foreach (string candidate in new[] { stem + ".gz", stem, stem.Replace("-idx", ".idx", StringComparison.Ordinal) })
        {
            string path = Path.Combine(dir, candidate);
            if (File.Exists(path)) return path;
        }

        throw new FileNotFoundException(
            $"Fashion-MNIST file '{stem}[.gz]' was not found in {dir}. On Debian/Ubuntu install it with 'sudo apt-get install dataset-fashion-mnist' " +
            $"(it goes to {DefaultFashionMnistDirectory}), or set {FashionMnistVariable} to the folder that holds train-images-idx3-ubyte[.gz] and the other three files.",
            Path.Combine(dir, stem + ".gz"));
    }

    private static byte[] ReadAllBytes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file not found: {path}", path);
        byte[] raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1F || raw[1] != 0x8B) return raw;
        try
        {
            using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            return ms.ToArray();
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: the gzip stream is corrupt or truncated ({ex.Message}).", ex);
        }
    }
}
