using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ActivationKit.IO;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

public sealed class LoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nn-loader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] IdxBytes(byte type, int[] shape, byte[] body)
    {
        var header = new byte[4 + (4 * shape.Length)];
        header[2] = type;
        header[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * i)), shape[i]);
        return [.. header, .. body];
    }

    private string Write(string name, byte[] bytes, bool gzip = false)
    {
        string path = Path.Combine(_dir, name);
        if (gzip)
        {
            using var fs = File.Create(path);
            using var gz = new GZipStream(fs, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }

        return path;
    }

    private (string Images, string Labels) WriteMnistLike(int n, bool gzip, string prefix = "train")
    {
        var pixels = new byte[n * 2 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 37 % 256);
        var labels = new byte[n];
        for (int i = 0; i < n; i++) labels[i] = (byte)(i % 10);
        string ext = gzip ? ".gz" : string.Empty;
        return (Write($"{prefix}-images-idx3-ubyte{ext}", IdxBytes(8, [n, 2, 3], pixels), gzip), Write($"{prefix}-labels-idx1-ubyte{ext}", IdxBytes(8, [n], labels), gzip));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IdxImagesAndLabelsLoad(bool gzip)
    {
        var (images, labels) = WriteMnistLike(12, gzip);
        var data = Idx.Load(images, labels);
        Assert.Equal(12, data.Rows);
        Assert.Equal(6, data.FeatureCount);
        Assert.Equal(10, data.ClassCount);
        Assert.Equal(37 / 255f, data.Features[1]);
        Assert.Equal(3f, data.Targets[3]);
        var fashion = Idx.LoadFashionMnist(test: false, directory: _dir);
        Assert.Equal(data.Features, fashion.Features);
        Assert.Equal("Trouser", fashion.ClassNames![1]);
    }

    [Fact]
    public void IdxOtherElementTypes()
    {
        var body = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(body, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(body.AsSpan(4), -2f);
        var (f, shape) = Idx.Read(Write("f.idx", IdxBytes(0x0D, [2], body)));
        Assert.Equal([1.5f, -2f], f);
        Assert.Equal([2], shape);
        var (s, _) = Idx.Read(Write("s.idx", IdxBytes(0x0B, [1], [0xFF, 0xFE])));
        Assert.Equal(-2f, s[0]);
    }

    [Fact]
    public void IdxErrorsAreClear()
    {
        Assert.Contains("not an IDX file", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("a", [1, 2, 8, 1, 0, 0, 0, 0]))).Message);
        Assert.Contains("element type", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("b", IdxBytes(0x07, [1], [0])))).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("c", IdxBytes(8, [10, 2], new byte[19])))).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("c2", IdxBytes(8, [10, 2], new byte[19]), gzip: true))).Message);
        Assert.Contains("truncated IDX header", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("d", [0, 0, 8, 3, 0, 0]))).Message);
        Assert.Contains("unexpected bytes", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("e", IdxBytes(8, [2], new byte[3])))).Message);

        var (images, _) = WriteMnistLike(5, false, "x");
        string labels = Write("l", IdxBytes(8, [4], new byte[4]));
        var ex = Assert.Throws<InvalidDataException>(() => Idx.Load(images, labels));
        Assert.Contains("5 images", ex.Message);
        Assert.Contains("4 labels", ex.Message);
        string badLabels = Write("l2", IdxBytes(8, [5], [0, 1, 2, 3, 11]));
        Assert.Contains("label 4", Assert.Throws<InvalidDataException>(() => Idx.Load(images, badLabels)).Message);
        Assert.Throws<FileNotFoundException>(() => Idx.Read(Path.Combine(_dir, "missing")));

        var nf = Assert.Throws<FileNotFoundException>(() => Idx.LoadFashionMnist(directory: Path.Combine(_dir, "nowhere")));
        Assert.Contains("apt-get install dataset-fashion-mnist", nf.Message);
    }

    [Fact]
    public void RealFashionMnistTestSplitLoadsWhenInstalled()
    {
        if (!File.Exists(Path.Combine(Idx.DefaultFashionMnistDirectory, "t10k-labels-idx1-ubyte.gz"))) return;
        var data = Idx.LoadFashionMnist(test: true);
        Assert.Equal(10_000, data.Rows);
        Assert.Equal(784, data.FeatureCount);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Contains((float)c, data.Targets));
    }

    [Fact]
    public void CsvWithHeaderAndTextLabels()
    {
        string path = Path.Combine(_dir, "iris.csv");
        File.WriteAllText(path, "sepal,petal,species\n1.0,2.5,setosa\n\n3,4e-1,virginica\n\"5\",6,setosa\n");
        var data = Csv.Load(path, "Species");
        Assert.Equal(3, data.Rows);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal([1f, 2.5f, 3f, 0.4f, 5f, 6f], data.Features);
        Assert.Equal([0f, 1f, 0f], data.Targets);
        Assert.Equal(["setosa", "virginica"], data.ClassNames);
    }

    [Fact]
    public void CsvCommentsAreSkippedAndANumericHeaderSaysHowToReadIt()
    {
        // train's loader skips # comments as predict's reader does (it read the comment as a one-column first row).
        string path = Path.Combine(_dir, "commented.csv");
        File.WriteAllText(path, "# made by a script\na,b,label\n# two rows follow\n1,2,0\n3,4,1\n");
        var data = Csv.Load(path);
        Assert.Equal([1f, 2f, 3f, 4f], data.Features);
        Assert.Equal([0f, 1f], data.Targets);
        var (values, rows, columns) = Csv.ReadNumbers(path);
        Assert.Equal((2, 3), (rows, columns));
        Assert.Equal([1f, 2f, 0f, 3f, 4f, 1f], values);

        // A header with a numeric column name reads as a data row; its error says so and what to do.
        string numeric = Path.Combine(_dir, "years.csv");
        File.WriteAllText(numeric, "age,2019,2020,label\n1,2,3,0\n4,5,6,1\n");
        var e = Assert.Throws<FormatException>(() => Csv.Load(numeric));
        Assert.Equal("years.csv, line 1, column 1: 'age' is not a number (line 1 is read as data because some of its cells are numbers; if it is a header, give --header yes, or rename the columns whose names are numbers).", e.Message);
        Assert.Contains("give --header yes", Assert.Throws<FormatException>(() => Csv.ReadNumbers(numeric)).Message, StringComparison.Ordinal);

        // A bad cell after a real header is not the first row's problem.
        string after = Path.Combine(_dir, "after.csv");
        File.WriteAllText(after, "a,b\n1,x\n");
        Assert.Equal("after.csv, line 2, column 2: 'x' is not a number.", Assert.Throws<FormatException>(() => Csv.ReadNumbers(after)).Message);
    }

    [Fact]
    public void A_header_of_numeric_column_names_reads_with_has_header_as_the_renamed_one_does()
    {
        // MNIST-style names (label,0,1,…) and years are numbers, so auto reads the row as data; hasHeader: true skips it.
        string numeric = Path.Combine(_dir, "pixels.csv");
        string renamed = Path.Combine(_dir, "named.csv");
        const string Body = "# three samples\n0.5,1,2,0\n\n1.5,3,4,1\n2.5,5,6,0\n";
        File.WriteAllText(numeric, "age,2019,2020,label\n" + Body);
        File.WriteAllText(renamed, "age,y2019,y2020,label\n" + Body);
        var expected = Csv.Load(renamed);
        var data = Csv.Load(numeric, hasHeader: true);
        Assert.Equal((3, 3, 2), (data.Rows, data.FeatureCount, data.ClassCount));
        Assert.Equal([0.5f, 1f, 2f, 1.5f, 3f, 4f, 2.5f, 5f, 6f], data.Features);
        Assert.Equal(expected.Features, data.Features);
        Assert.Equal(expected.Targets, data.Targets);
        Assert.Equal([0f, 1f, 0f], Csv.Load(numeric, "label", hasHeader: true).Targets);

        var (values, rows, columns) = Csv.ReadNumbers(numeric, hasHeader: true);
        Assert.Equal((3, 4), (rows, columns));
        Assert.Equal(Csv.ReadNumbers(renamed).Values, values);

        // A header holding no number at all is one with true as with auto.
        Assert.Equal(expected.Features, Csv.Load(renamed, hasHeader: true).Features);
    }

    [Fact]
    public void Has_header_false_reads_the_first_row_as_data_and_refuses_its_text_with_line_and_column()
    {
        string path = Path.Combine(_dir, "text.csv");
        File.WriteAllText(path, "\n# made by hand\na,b,label\n1,2,0\n3,4,1\n");
        // No hint: the first row is data because the caller said so, not because of a number in it.
        Assert.Equal("text.csv, line 3, column 1: 'a' is not a number.", Assert.Throws<FormatException>(() => Csv.Load(path, hasHeader: false)).Message);
        Assert.Equal("text.csv, line 3, column 1: 'a' is not a number.", Assert.Throws<FormatException>(() => Csv.ReadNumbers(path, hasHeader: false)).Message);
        Assert.Contains("is a name, but the file has no header row", Assert.Throws<ArgumentException>(() => Csv.Load(path, "label", hasHeader: false)).Message, StringComparison.Ordinal);

        // A first row of numbers is data with false as with auto, and text labels stay classes.
        File.WriteAllText(path, "1,2,cat\n3,4,dog\n5,6,cat\n");
        var data = Csv.Load(path, hasHeader: false);
        Assert.Equal(3, data.Rows);
        Assert.Equal(["cat", "dog"], data.ClassNames);
        Assert.Equal(Csv.Load(path).Features, data.Features);
        File.WriteAllText(path, "1,2\n3,4\n");
        var (values, rows, columns) = Csv.ReadNumbers(path, hasHeader: false);
        Assert.Equal((2, 2), (rows, columns));
        Assert.Equal([1f, 2f, 3f, 4f], values);
    }

    [Fact]
    public void Has_header_true_on_a_single_row_is_a_header_without_data()
    {
        string path = Path.Combine(_dir, "one.csv");
        File.WriteAllText(path, "# only names\n1,2,3\n");
        Assert.Equal("one.csv: the file has a header but no data rows.", Assert.Throws<FormatException>(() => Csv.Load(path, hasHeader: true)).Message);
        Assert.Equal("one.csv: the file has a header but no data rows.", Assert.Throws<FormatException>(() => Csv.ReadNumbers(path, hasHeader: true)).Message);
        Assert.Equal(1, Csv.ReadNumbers(path).Rows);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("auto", null)]
    [InlineData(" Yes ", true)]
    [InlineData("yes", true)]
    [InlineData("NO", false)]
    public void Header_values_parse_and_name_themselves(string? text, bool? expected)
    {
        Assert.Equal(expected, Csv.ParseHeader(text));
        Assert.Equal(text?.Trim().ToLowerInvariant() ?? "auto", Csv.HeaderName(expected));
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("true")]
    [InlineData("")]
    public void A_bad_header_value_is_one_sentence(string text) =>
        Assert.Equal($"--header must be auto, yes or no, not '{text}'.", Assert.Throws<ArgumentException>(() => Csv.ParseHeader(text)).Message.Split(" (Parameter")[0]);

    [Fact]
    public void Table_files_pass_the_header_setting_to_a_csv_and_refuse_it_for_npy_and_built_in_sets()
    {
        string csv = Path.Combine(_dir, "t.csv");
        File.WriteAllText(csv, "label,0,1\n0,0.5,1\n1,1.5,2\n");
        var data = TableFile.Load(csv, "label", hasHeader: true);
        Assert.Equal((2, 2), (data.Rows, data.FeatureCount));
        Assert.Equal([0.5f, 1f, 1.5f, 2f], data.Features);
        // Auto reads the names as data, so the label column holds the text 'label' among numbers: refused on line 1, with
        // the option that reads it as a header (it was a sample of a class 'label').
        Assert.Contains("line 1, column 1 (label column 1): 'label' is text, but 2 of the 3 labels are numbers", Assert.Throws<FormatException>(() => TableFile.Load(csv, "0")).Message, StringComparison.Ordinal);
        Assert.Contains("if it is a header, give --header yes", Assert.Throws<FormatException>(() => TableFile.Load(csv, "0")).Message, StringComparison.Ordinal);

        string npy = Path.Combine(_dir, "t.npy");
        Npy.Write(npy, new float[] { 0.5f, 1f, 0f, 1.5f, 2f, 1f }, [2, 3]);
        Assert.Equal(2, TableFile.Load(npy).Rows);
        string Refusal(Action load) => Assert.Throws<ArgumentException>(load).Message.Split(" (Parameter")[0];
        Assert.Equal("--header applies to CSV files, not to the .npy array 't.npy'.", Refusal(() => TableFile.Load(npy, hasHeader: false)));
        Assert.Equal("--header applies to CSV files, not to the built-in set 'spirals'.", Refusal(() => TableFile.RefuseHeader(true, " spirals")));
        TableFile.RefuseHeader(null, "spirals");
    }

    [Fact]
    public void CsvWithoutHeaderLabelByIndexAndRegression()
    {
        string path = Path.Combine(_dir, "plain.csv");
        File.WriteAllText(path, "2,1.5,7\n0,2.5,8\n1,3.5,9\n");
        var cls = Csv.Load(path, "0");
        Assert.Equal(3, cls.ClassCount);
        Assert.Equal([2f, 0f, 1f], cls.Targets);
        Assert.Equal([1.5f, 7f, 2.5f, 8f, 3.5f, 9f], cls.Features);
        var reg = Csv.Load(path, classification: false);
        Assert.Equal([7f, 8f, 9f], reg.Targets);
        Assert.False(reg.IsClassification);
        var last = Csv.Load(path, "-2", classification: false);
        Assert.Equal([1.5f, 2.5f, 3.5f], last.Targets);
    }

    [Fact]
    public void A_regression_load_can_take_text_labels_as_classes()
    {
        string path = Path.Combine(_dir, "kinds.csv");
        File.WriteAllText(path, "a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n");
        var classes = Csv.Load(path, classification: false, textLabelsAreClasses: true);
        Assert.Equal(2, classes.ClassCount);
        Assert.Equal(["cat", "dog"], classes.ClassNames);
        Assert.Equal([0f, 1f, 0f], classes.Targets);
        Assert.Contains("'cat' is not a number", Assert.Throws<FormatException>(() => Csv.Load(path, classification: false)).Message);
        File.WriteAllText(path, "a,b,y\n1,2,0.5\n3,4,2.5\n");
        var numbers = Csv.Load(path, classification: false, textLabelsAreClasses: true);
        Assert.Equal(0, numbers.ClassCount);
        Assert.Equal([0.5f, 2.5f], numbers.Targets);
    }

    [Fact]
    public void Only_a_first_row_without_any_number_is_a_header()
    {
        // A first row with any text cell was a header: a header-less file lost its first sample to its text label or typo.
        string path = Path.Combine(_dir, "noheader.csv");
        File.WriteAllText(path, "1,2,cat\n3,4,dog\n5,6,cat\n");
        var data = Csv.Load(path);
        Assert.Equal(3, data.Rows);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], data.Features);
        Assert.Equal(["cat", "dog"], data.ClassNames);
        File.WriteAllText(path, "1,2,3,inf,0\n1,2,3,4,1\n5,6,7,8,0\n");
        Assert.Equal("noheader.csv, line 1, column 4: 'inf' is not a number.", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);

        File.WriteAllText(path, "a;\"b\"\n\"0.1891\";2\n\n# a comment\n3;4e-1\n");
        var (values, rows, columns) = Csv.ReadNumbers(path);
        Assert.Equal([0.1891f, 2f, 3f, 0.4f], values);
        Assert.Equal((2, 2), (rows, columns));
        File.WriteAllText(path, "1,2,3,4.5.1\n1,2,3,4\n");
        Assert.Equal("noheader.csv, line 1, column 4: '4.5.1' is not a number.", Assert.Throws<FormatException>(() => Csv.ReadNumbers(path)).Message);
        File.WriteAllText(path, "a,b\n1,2\n3,x\n");
        Assert.Equal("noheader.csv, line 3, column 2: 'x' is not a number.", Assert.Throws<FormatException>(() => Csv.ReadNumbers(path)).Message);
        File.WriteAllText(path, "a,b\n1,2\n3\n");
        Assert.Equal("noheader.csv, line 3: 1 cell, but the first row has 2.", Assert.Throws<FormatException>(() => Csv.ReadNumbers(path)).Message);
        File.WriteAllText(path, "a,b\n");
        Assert.Equal("noheader.csv holds no rows of numbers.", Assert.Throws<FormatException>(() => Csv.ReadNumbers(path)).Message);
    }

    [Fact]
    public void Several_label_columns_are_numeric_targets_in_the_order_given()
    {
        string path = Path.Combine(_dir, "multi.csv");
        File.WriteAllText(path, "l1,x0,l0,x1\n1,0.5,0,2\n0,1.5,1,3\n1,2.5,1,4\n");
        var data = Csv.Load(path, "l0, l1", classification: false);
        Assert.Equal((2, 2, 0), (data.FeatureCount, data.TargetColumns, data.ClassCount));
        Assert.Equal([0.5f, 2f, 1.5f, 3f, 2.5f, 4f], data.Features);
        Assert.Equal([0f, 1f, 1f, 0f, 1f, 1f], data.Targets);
        Assert.Equal([1f, 0f, 0f, 1f, 1f, 1f], Csv.Load(path, "0,-2", classification: false).Targets);
        Assert.Contains("not as one class label", Assert.Throws<ArgumentException>(() => Csv.Load(path, "l0,l1")).Message);
        Assert.Contains("name one column twice", Assert.Throws<ArgumentException>(() => Csv.Load(path, "l0,2", classification: false)).Message);
        Assert.Contains("no column named 'l2'", Assert.Throws<ArgumentException>(() => Csv.Load(path, "l0,l2", classification: false)).Message);
        File.WriteAllText(path, "x,l0,l1\n1,0,1\n2,1,yes\n");
        Assert.Equal("multi.csv, line 3, column 3 (label l1): 'yes' is not a finite number.", Assert.Throws<FormatException>(() => Csv.Load(path, "l0,l1", classification: false)).Message);

        // A header name holding a comma is that one column.
        File.WriteAllText(path, "x,\"a,b\"\n1,0\n2,1\n");
        Assert.Equal([0f, 1f], Csv.Load(path, "a,b", classification: false).Targets);
    }

    [Fact]
    public void CsvErrorsNameLineAndColumn()
    {
        string path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, "a,b,y\n1,2,0\n3,x,1\n");
        var ex = Assert.Throws<FormatException>(() => Csv.Load(path));
        Assert.Contains("line 3, column 2 'b'", ex.Message);
        Assert.Contains("'x'", ex.Message);
        File.WriteAllText(path, "a,b,y\n1,2,0\n3,1\n");
        Assert.Contains("line 3", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
        File.WriteAllText(path, "a,b,y\n1,2,0\n");
        Assert.Contains("no column named 'z'", Assert.Throws<ArgumentException>(() => Csv.Load(path, "z")).Message);
        Assert.Throws<ArgumentException>(() => Csv.Load(path, "5"));
        File.WriteAllText(path, "1,2,0.5\n");
        Assert.Contains("class index", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
        Assert.Contains("no header", Assert.Throws<ArgumentException>(() => Csv.Load(path, "y")).Message);
        File.WriteAllText(path, "a,b,y\n");
        Assert.Contains("no data rows", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
        File.WriteAllText(path, string.Empty);
        Assert.Throws<FormatException>(() => Csv.Load(path));
        Assert.Throws<FileNotFoundException>(() => Csv.Load(Path.Combine(_dir, "none.csv")));
    }

    [Fact]
    public void Non_finite_values_and_runaway_class_counts_are_refused_with_their_place()
    {
        string path = Path.Combine(_dir, "nan.csv");
        File.WriteAllText(path, "a,b,y\n1,2,0\n3,NaN,1\n");
        Assert.Contains("line 3, column 2 'b': 'NaN' is a missing value", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
        File.WriteAllText(path, "a,b,y\n1,-5e38,0\n");
        Assert.Contains("'-5e38' is not a finite float", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
        File.WriteAllText(path, "a,b,y\n1,2,Infinity\n");
        Assert.Contains("is not a finite number", Assert.Throws<FormatException>(() => Csv.Load(path, classification: false)).Message);
        File.WriteAllText(path, "a,b,y\n1,2,0\n3,4,70000\n");
        Assert.Contains("below 65,536", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);

        // Every source passes the Dataset's own check: a NaN or infinite feature or target, or too many classes.
        var nanFeature = Assert.Throws<ArgumentException>(() => new Dataset("d", [1f, 2f, 3f, float.NaN], 2, [0f, 1f], 1, 2));
        Assert.Contains("d: row 2, feature 2 is NaN", nanFeature.Message);
        Assert.Contains("is +∞", Assert.Throws<ArgumentException>(() => new Dataset("d", [float.PositiveInfinity, 2f], 2, [0f], 1, 0)).Message);
        Assert.Contains("the target −∞", Assert.Throws<ArgumentException>(() => new Dataset("d", [1f, 2f], 2, [float.NegativeInfinity], 1, 0)).Message);
        Assert.Contains("65,536", Assert.Throws<ArgumentException>(() => new Dataset("d", [1f, 2f], 2, [0f], 1, 70000)).Message);
        // The vectorised scan finds a bad value past the first registers too.
        var wide = Enumerable.Repeat(1f, 1000).ToArray();
        wide[997] = float.NaN;
        Assert.Contains("w: row 100, feature 8 is NaN", Assert.Throws<ArgumentException>(() => new Dataset("w", wide, 10, new float[100], 1, 0)).Message);
        Assert.Contains("d: row 1 has the target −∞;", Assert.Throws<ArgumentException>(() => new Dataset("d", [1f, 2f], 2, [float.NegativeInfinity], 1, 0)).Message);
        Assert.Contains("d: row 2 has the target NaN in target column 1;", Assert.Throws<ArgumentException>(() => new Dataset("d", [1f, 2f], 1, [0f, 1f, float.NaN, 0f], 2, 0)).Message);
        Assert.Contains("d: row 2 has label 3, which is not a class index in [0, 1]", Assert.Throws<ArgumentException>(() => new Dataset("d", [1f, 2f], 1, [0f, 3f], 1, 2)).Message);

        string x = Path.Combine(_dir, "nx.npy"), y = Path.Combine(_dir, "ny.npy");
        Npy.Write(x, [1f, 2f, 3f, 4f], [2, 2]);
        Npy.Write(y, [0f, 1e9f], [2]);
        Assert.Contains("the label 1E+09 is not a class index", Assert.Throws<InvalidDataException>(() => NpyDataset.Load(x, y)).Message);
    }

    [Fact]
    public void A_non_finite_npy_value_is_named_by_its_file_and_its_row_and_column_from_1()
    {
        // The tester's table: NaN at 0-based row 5, column 1, reported as "sample 5, feature 2"; predict says "row 6, column 2".
        string table = Path.Combine(_dir, "nnan.npy");
        var values = Enumerable.Range(0, 30).Select(i => (float)(i % 3 == 2 ? i / 3 % 2 : i)).ToArray();
        values[(5 * 3) + 1] = float.NaN;
        Npy.Write(table, values, [10, 3]);
        Assert.StartsWith("nnan.npy: row 6, column 2 is NaN (a missing value);", Assert.Throws<InvalidDataException>(() => NpyDataset.LoadWithTargetColumn(table)).Message, StringComparison.Ordinal);

        // With the target first, the features are the file's columns 2 and 3: the position is the file's, not the features'.
        values[(5 * 3) + 1] = 1f;
        values[(7 * 3) + 2] = float.PositiveInfinity;
        Npy.Write(table, values, [10, 3]);
        Assert.StartsWith("nnan.npy: row 8, column 3 is +∞;", Assert.Throws<InvalidDataException>(() => NpyDataset.LoadWithTargetColumn(table, targetColumn: 0, classification: false)).Message, StringComparison.Ordinal);

        // Features and targets in two files: the file holding the bad value is named (the targets were reported as the features file).
        string x = Path.Combine(_dir, "x.npy"), y = Path.Combine(_dir, "y.npy");
        Npy.Write(x, Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), [10, 2]);
        var labels = Enumerable.Range(0, 10).Select(i => (float)(i % 2)).ToArray();
        labels[6] = float.NaN;
        Npy.Write(y, labels, [10]);
        Assert.StartsWith("y.npy: row 7 is NaN (a missing value);", Assert.Throws<InvalidDataException>(() => NpyDataset.Load(x, y)).Message, StringComparison.Ordinal);
        Assert.StartsWith("y.npy: row 7 is NaN", Assert.Throws<InvalidDataException>(() => NpyDataset.Load(x, y, classification: false)).Message, StringComparison.Ordinal);
        labels[6] = 0f;
        labels[3] = float.PositiveInfinity;
        Npy.Write(y, labels, [10]);
        Assert.StartsWith("y.npy: row 4 is +∞;", Assert.Throws<InvalidDataException>(() => NpyDataset.Load(x, y, classification: false)).Message, StringComparison.Ordinal);
        Npy.Write(y, Enumerable.Range(0, 20).Select(i => i == 13 ? float.NegativeInfinity : 0f).ToArray(), [10, 2]);
        Assert.StartsWith("y.npy: row 7, column 2 is −∞;", Assert.Throws<InvalidDataException>(() => NpyDataset.Load(x, y, classification: false)).Message, StringComparison.Ordinal);

        // A float64 value beyond the float range is named as the file holds it, not as the ∞ it would become.
        Npy.Write(x, Enumerable.Range(0, 20).Select(i => i == 9 ? 1e39 : (double)i).ToArray(), [10, 2]);
        Assert.StartsWith("x.npy: row 5, column 2 is 1E+39, beyond the float range (±3.4e38);", Assert.Throws<InvalidDataException>(() => NpyDataset.Load(x, y, classification: false)).Message, StringComparison.Ordinal);

        // Images (N × 2 × 2): the position within a row is the flattened value.
        Npy.Write(x, Enumerable.Range(0, 40).Select(i => i == 6 ? float.NaN : 0f).ToArray(), [10, 2, 2]);
        Npy.Write(y, labels.Select(v => float.IsFinite(v) ? v : 0f).ToArray(), [10]);
        Assert.StartsWith("x.npy: row 2, value 3 of its 4 (flattened) is NaN", Assert.Throws<InvalidDataException>(() => NpyDataset.Load(x, y)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NpyDatasetPairsFeaturesWithTargets()
    {
        string x = Path.Combine(_dir, "fx.npy"), y = Path.Combine(_dir, "fy.npy");
        Npy.Write(x, [1f, 2f, 3f, 4f, 5f, 6f], [3, 2]);
        Npy.Write(y, [0f, 2f, 1f], [3]);
        var data = NpyDataset.Load(x, y);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal("fx.npy", data.Name);
        Npy.Write(y, [0f, 1f], [2]);
        Assert.Contains("3 samples", Assert.Throws<InvalidDataException>(() => NpyDataset.Load(x, y)).Message);
        Npy.Write(y, [0f], []);
        Assert.Contains("first (sample) dimension", Assert.Throws<InvalidDataException>(() => NpyDataset.Load(x, y)).Message);
    }

    [Fact]
    public void NpyDatasetConvertsIntegerAndDoubleFilesToFloats()
    {
        string x = Path.Combine(_dir, "ix.npy"), y = Path.Combine(_dir, "iy.npy");
        Npy.Write(x, new byte[] { 0, 128, 255, 7, 1, 2, 3, 4 }, [2, 2, 2]);
        Npy.Write(y, [1L, 0L], [2]);
        var labels = NpyDataset.Load(x, y);
        Assert.Equal([0f, 128f, 255f, 7f, 1f, 2f, 3f, 4f], labels.Features);
        Assert.Equal(4, labels.FeatureCount);
        Assert.Equal([1f, 0f], labels.Targets);
        Assert.Equal(2, labels.ClassCount);

        // int32 labels (saved from an int32 tensor, or NumPy's default integer on Windows before 2.0).
        string header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
        header = header.PadRight(64 - 10 - 1) + "\n";
        File.WriteAllBytes(y, [0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0, .. System.Text.Encoding.ASCII.GetBytes(header), .. BitConverter.GetBytes(0), .. BitConverter.GetBytes(1)]);
        var int32Labels = NpyDataset.Load(x, y);
        Assert.Equal([0f, 1f], int32Labels.Targets);
        Assert.Equal(2, int32Labels.ClassCount);

        Npy.Write(y, [0.5, -1.25, 2.0, 3.0], [2, 2]);
        var regression = NpyDataset.Load(x, y, classification: false);
        Assert.Equal([0.5f, -1.25f, 2f, 3f], regression.Targets);
        Assert.Equal(2, regression.TargetColumns);
        Assert.Equal(0, regression.ClassCount);
    }

    [Fact]
    public void NpyTableTakesItsLabelFromAnyColumn()
    {
        string path = Path.Combine(_dir, "table.npy");
        Npy.Write(path, [1f, 2f, 0f, 3f, 4f, 2f, 5f, 6f, 1f], [3, 3]);
        var last = NpyDataset.LoadWithTargetColumn(path);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], last.Features);
        Assert.Equal([0f, 2f, 1f], last.Targets);
        Assert.Equal(3, last.ClassCount);

        var middle = NpyDataset.LoadWithTargetColumn(path, 1, classification: false);
        Assert.Equal([1f, 0f, 3f, 2f, 5f, 1f], middle.Features);
        Assert.Equal([2f, 4f, 6f], middle.Targets);
        Assert.Equal(0, middle.ClassCount);
        Assert.Equal(middle.Targets, NpyDataset.LoadWithTargetColumn(path, -2, classification: false).Targets);

        Assert.Contains("[-3, 2], got 3", Assert.Throws<ArgumentException>(() => NpyDataset.LoadWithTargetColumn(path, 3)).Message);
        Npy.Write(path, [1f, 1e9f, 2f, 0f], [2, 2]);
        Assert.Contains("table.npy, column 1: the label 1E+09 is not a class index", Assert.Throws<InvalidDataException>(() => NpyDataset.LoadWithTargetColumn(path)).Message);
        Npy.Write(path, [1f, 2f, 3f], [3]);
        Assert.Contains("2-D", Assert.Throws<InvalidDataException>(() => NpyDataset.LoadWithTargetColumn(path)).Message);
        Npy.Write(path, [1f, 2f, 3f], [3, 1]);
        Assert.Contains("1 column(s)", Assert.Throws<InvalidDataException>(() => NpyDataset.LoadWithTargetColumn(path)).Message);
    }

    [Fact]
    public void TableFileReadsNpyAsAnArrayAndEverythingElseAsCsv()
    {
        string npy = Path.Combine(_dir, "t.npy"), csv = Path.Combine(_dir, "t.csv");
        Npy.Write(npy, [0.5f, 1f, 1.5f, 0f], [2, 2]);
        File.WriteAllLines(csv, ["x,y", "0.5,1", "1.5,0"]);
        var fromNpy = TableFile.Load(npy);
        var fromCsv = TableFile.Load(csv);
        Assert.Equal(fromCsv.Features, fromNpy.Features);
        Assert.Equal(fromCsv.Targets, fromNpy.Targets);
        Assert.Equal([1f, 0f], TableFile.Load(npy, "0", classification: false).Features);
        Assert.Contains("0-based index", Assert.Throws<ArgumentException>(() => TableFile.Load(npy, "y")).Message);
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => TableFile.Load(Path.Combine(_dir, "none.npy"))).Message);
        Assert.True(TableFile.HasTableExtension("a.TSV"));
        Assert.False(TableFile.HasTableExtension("a.json"));
    }

    [Theory]
    [InlineData("", "the label is empty, a missing value")]
    [InlineData("NA", "'NA' is a missing value (if 'NA' is a class name, rename that class)")]
    [InlineData("nan", "'nan' is a missing value")]
    [InlineData("None", "'None' is a missing value")]
    [InlineData("?", "'?' is a missing value")]
    public void A_missing_label_is_refused_with_its_line_and_column_in_every_mode(string missing, string what)
    {
        // 40 prices and one missing cell: read as classes, the column became 40 classes named by their text, one of them ''.
        string path = Path.Combine(_dir, "prices.csv");
        File.WriteAllLines(path, ["a,b,price", .. Enumerable.Range(0, 40).Select(i => FormattableString.Invariant($"{i * 0.5},{i % 3},{10 + (i * 1.25)}"))]);
        var lines = File.ReadAllLines(path);
        lines[6] = lines[6][..(lines[6].LastIndexOf(',') + 1)] + missing;
        File.WriteAllLines(path, lines);
        string expected = $"prices.csv, line 7, column 3 (label price): {what}";
        Assert.StartsWith(expected, Assert.Throws<FormatException>(() => Csv.Load(path, classification: false, textLabelsAreClasses: true)).Message, StringComparison.Ordinal);
        Assert.StartsWith(expected, Assert.Throws<FormatException>(() => Csv.Load(path, classification: false)).Message, StringComparison.Ordinal);
        Assert.StartsWith(expected, Assert.Throws<FormatException>(() => Csv.Load(path)).Message, StringComparison.Ordinal);

        // 0/1 labels with the same hole were a third class.
        File.WriteAllLines(path, ["a,b,label", "1,2,0", "3,4,1", $"5,6,{missing}", "7,8,1"]);
        Assert.StartsWith($"prices.csv, line 4, column 3 (label label): {what}", Assert.Throws<FormatException>(() => Csv.Load(path)).Message, StringComparison.Ordinal);
        Assert.EndsWith("; fill or drop that row.", Assert.Throws<FormatException>(() => Csv.Load(path)).Message, StringComparison.Ordinal);
        Assert.True(Csv.IsMissing(missing));
    }

    [Fact]
    public void A_label_column_mixing_numbers_and_text_is_refused_at_the_first_cell_of_the_rarer_kind()
    {
        string path = Path.Combine(_dir, "mixed.csv");
        File.WriteAllLines(path, ["a,b,y", "1,2,0", "3,4,1", "5,6,oops", "7,8,1", "9,1,0"]);
        const string Typo = "mixed.csv, line 4, column 3 (label y): 'oops' is text, but 4 of the 5 labels are numbers, so it is unclear whether the column holds numbers or class names.";
        Assert.Equal(Typo, Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
        Assert.Equal(Typo, Assert.Throws<FormatException>(() => Csv.Load(path, classification: false, textLabelsAreClasses: true)).Message);
        // A regression load takes no class names: its first text label is not a number, as before.
        Assert.Equal("mixed.csv, line 4, column 3 (label y): 'oops' is not a number.", Assert.Throws<FormatException>(() => Csv.Load(path, classification: false)).Message);

        File.WriteAllLines(path, ["a,b,kind", "1,2,cat", "3,4,dog", "5,6,cat", "7,8,2"]);
        Assert.Equal("mixed.csv, line 5, column 3 (label kind): '2' is a number, but 3 of the 4 labels are class names, so it is unclear whether the column holds numbers or class names.", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
    }

    [Fact]
    public void A_header_of_numeric_names_read_as_data_is_refused_on_line_1_instead_of_becoming_a_class()
    {
        // 2019,2020,label has numbers, so auto reads it as data: its label 'label' was one more sample of one more class.
        string path = Path.Combine(_dir, "years.csv");
        string[] body = ["0.5,1,0", "1.5,3,1", "2.5,5,0", "3.5,7,1"];
        File.WriteAllLines(path, ["2019,2020,label", .. body]);
        Assert.Equal("years.csv, line 1, column 3 (label column 3): 'label' is text, but 4 of the 5 labels are numbers, so it is unclear whether the column holds numbers or class names (line 1 is read as data because some of its cells are numbers; if it is a header, give --header yes).", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
        Assert.DoesNotContain("--header", Assert.Throws<FormatException>(() => Csv.Load(path, hasHeader: false)).Message, StringComparison.Ordinal);
        var yes = Csv.Load(path, hasHeader: true);
        Assert.Equal([0f, 1f, 0f, 1f], yes.Targets);
        Assert.Equal(2, yes.ClassCount);

        // With text labels the column is not mixed, but line 1's label is a class no other line has.
        File.WriteAllLines(path, ["2019,2020,species", "0.5,1,cat", "1.5,3,dog", "2.5,5,cat"]);
        Assert.Equal("years.csv, line 1, column 3 (label column 3): the class 'species' occurs on no other line, so line 1 looks like a header read as data because some of its cells are numbers; give --header yes if it is one, or --header no to keep it as data.", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
        Assert.Equal(["cat", "dog"], Csv.Load(path, hasHeader: true).ClassNames);
        Assert.Equal(["cat", "dog", "species"], Csv.Load(path, hasHeader: false).ClassNames);

        // Column names are whole numbers: a first row with a fractional feature is data, its rare class kept.
        File.WriteAllLines(path, ["1.5,2,rare", "0.5,1,cat", "1.5,3,dog", "2.5,5,cat"]);
        Assert.Equal(["cat", "dog", "rare"], Csv.Load(path).ClassNames);
        Assert.Equal(4, Csv.Load(path).Rows);
    }

    [Fact]
    public void A_column_empty_on_every_line_says_trailing_separator_not_a_class_named_nothing()
    {
        // "a,b,label," made the last, empty column the label: "the label column  has a single class ''."
        string path = Path.Combine(_dir, "trailing.csv");
        File.WriteAllLines(path, ["a,b,label,", "1,2,0,", "3,4,1,", "5,6,0,"]);
        Assert.Equal("trailing.csv: the last column (column 4) is empty on every line, its name too, as when every line ends with a separator; remove the trailing separators.", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
        File.WriteAllLines(path, ["1,2,0,", "3,4,1,"]);
        Assert.Equal("trailing.csv: the last column (column 4) is empty on every line, as when every line ends with a separator; remove the trailing separators.", Assert.Throws<FormatException>(() => Csv.Load(path, classification: false)).Message);
        File.WriteAllLines(path, ["a,,label", "1,,0", "3,,1"]);
        Assert.Equal("trailing.csv: column 2 is empty on every line, its name too; remove it or fill it.", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);

        // Only the header, or only the data rows, ending with one: the row lengths differ, and the message says why.
        File.WriteAllLines(path, ["a,b,label,", "1,2,0", "3,4,1"]);
        Assert.Equal("trailing.csv, line 2: 3 cells, but the first row has 4 (line 1 ends with a separator).", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
        File.WriteAllLines(path, ["a,b,label", "1,2,0,", "3,4,1,"]);
        Assert.Equal("trailing.csv, line 2: 4 cells, but the first row has 3 (line 2 ends with a separator).", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
    }

    [Fact]
    public void Text_labels_are_numbered_by_a_models_class_names_and_unknown_ones_are_refused()
    {
        // A file with only some of the model's classes was numbered by its own sorted labels: dog became class 0 (cat).
        string path = Path.Combine(_dir, "some.csv");
        File.WriteAllLines(path, ["a,b,kind", "1,2,dog", "3,4,emu", "5,6,dog"]);
        string[] model = ["cat", "dog", "emu"];
        var data = Csv.Load(path, modelClasses: model);
        Assert.Equal([1f, 2f, 1f], data.Targets);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(model, data.ClassNames);
        Assert.Equal([0f, 1f, 0f], Csv.Load(path).Targets);

        // A single class is a subset of the model's, not a data set that cannot be learnt.
        File.WriteAllLines(path, ["a,b,kind", "1,2,emu", "3,4,emu"]);
        Assert.Equal([2f, 2f], TableFile.Load(path, modelClasses: model).Targets);

        File.WriteAllLines(path, ["a,b,kind", "1,2,dog", "3,4,yak"]);
        Assert.Equal("some.csv, line 3, column 3 (label kind): 'yak' is not a class of the model, whose classes are 'cat', 'dog', 'emu'.", Assert.Throws<FormatException>(() => Csv.Load(path, modelClasses: model)).Message);
        Assert.Equal("some.csv, line 2, column 3 (label kind): 'dog' is a class name, but the model knows no class names (it was trained on numeric labels), so give its class indices 0, 1, 2, … instead.", Assert.Throws<FormatException>(() => Csv.Load(path, modelClasses: [])).Message);

        // Numeric labels stay class indices.
        File.WriteAllLines(path, ["a,b,kind", "1,2,2", "3,4,0"]);
        Assert.Equal([2f, 0f], Csv.Load(path, modelClasses: model).Targets);
    }

    [Theory]
    [InlineData(new float[] { 0, 1, 2, 1, 0 }, null)]
    [InlineData(new float[] { 1, 0 }, null)]
    [InlineData(new float[] { 18, 30, 90 }, "the labels run from 18 to 90, not from 0")]
    [InlineData(new float[] { 0, 1000, 39000 }, "the labels 0…39,000 skip 38,998 of those indices (only 3 different labels occur)")]
    [InlineData(new float[] { 1, 2, 3 }, "the labels run from 1 to 3, not from 0")]
    [InlineData(new float[] { 3, 3, 3 }, "every label is 3, not 0")]
    [InlineData(new float[] { -1, 0, 1 }, "the labels -1…1 include negative numbers")]
    [InlineData(new float[] { 0, 0.5f }, "the labels are not all whole numbers")]
    public void Class_indices_start_at_0_and_skip_none(float[] labels, string? why) =>
        Assert.Equal(why, ClassLabels.WhyNotIndices(labels));

    [Fact]
    public void A_csv_header_names_the_features_and_the_subsets_keep_them()
    {
        string path = Path.Combine(_dir, "named.csv");
        File.WriteAllText(path, "a,l0,b,l1\n1,0,2,1\n3,1,4,0\n5,1,6,1\n");
        Assert.Equal(["a", "l0", "b"], Csv.Load(path, "l1", classification: false).FeatureNames);
        var two = Csv.Load(path, "l0,l1", classification: false);
        Assert.Equal(["a", "b"], two.FeatureNames);
        Assert.Equal(["l0", "l1"], two.TargetNames);
        Assert.Equal(["l1", "l0"], Csv.Load(path, "l1,l0", classification: false).TargetNames);
        Assert.Null(Csv.Load(path, "l1", classification: false).TargetNames);
        Assert.Equal(["a", "b"], two.Subset([2, 0]).FeatureNames);
        Assert.Equal(["a", "b"], Standardizer.Fit(two).Transform(two).FeatureNames);

        string bare = Path.Combine(_dir, "bare.csv");
        File.WriteAllText(bare, "1,0,2\n3,1,4\n");
        Assert.Null(Csv.Load(bare).FeatureNames);
        Assert.Equal(["a", "l0", "b", "l1"], Csv.ReadNumbersWithHeader(path).Header);
        Assert.Null(Csv.ReadNumbersWithHeader(bare).Header);
        Assert.Equal("x: the feature names (1) must be one per feature (2).", Assert.Throws<ArgumentException>(() => new Dataset("x", [1f, 2f], 2, [0f], 1, 0) { FeatureNames = ["a"] }).Message.Split(" (Parameter")[0]);
    }

    [Fact]
    public void Quotes_that_do_not_close_a_whole_cell_on_its_line_are_refused()
    {
        string Error(string name, string text)
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllText(path, text);
            return Assert.Throws<FormatException>(() => Csv.ReadNumbers(path, hasHeader: false)).Message;
        }

        // A quoted line break was "line 2: 1 cells, but the first row has 3", 1,"2 was read as 2, and 2"x" as 2x.
        Assert.Equal(
            "nl.csv, line 2, column 3: the quoted cell does not end on this line, so its quote is unterminated or it holds a line break, which actkit's CSV reader does not take (quoted cells must fit on one line).",
            Error("nl.csv", "1,2,\"3\"\n4,5,\"6\n7\"\n"));
        Assert.Equal(
            "open.csv, line 1, column 2: the quoted cell does not end on this line, so its quote is unterminated or it holds a line break, which actkit's CSV reader does not take (quoted cells must fit on one line).",
            Error("open.csv", "1,\"2\n"));
        Assert.Equal(
            "inside.csv, line 1, column 2: the cell '2\"x\"' has a quote inside it; quote the whole cell, doubling the quotes inside (\"2\"\"x\"\"\"), or remove the quote.",
            Error("inside.csv", "1,2\"x\"\n"));
        Assert.Equal(
            "after.csv, line 1, column 1: 'a' follows the closing quote of the cell \"1\"; put the whole cell inside the quotes, or leave the quotes out.",
            Error("after.csv", "\"1\"a,2\n"));

        // Whole quoted cells, spaces around them and doubled quotes inside still read.
        string good = Path.Combine(_dir, "good.csv");
        File.WriteAllText(good, "\"a\"\"1\", b\n \"1\" ,\"2\"\n");
        var (values, rows, columns, header) = Csv.ReadNumbersWithHeader(good);
        Assert.Equal([1f, 2f], values);
        Assert.Equal((1, 2), (rows, columns));
        Assert.Equal(["a\"1", "b"], header);
    }

    [Fact]
    public void A_short_row_is_counted_as_one_cell()
    {
        // "line 3: 1 cells, but the first row has 3".
        string path = Path.Combine(_dir, "short.csv");
        File.WriteAllText(path, "a,b,y\n1,2,0\n3\n4,5,1\n");
        Assert.Equal("short.csv, line 3: 1 cell, but the first row has 3.", Assert.Throws<FormatException>(() => Csv.Load(path)).Message);
    }
}

