using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

/// <summary>
/// A CSV header that names two columns alike, or a column not at all, is refused where a header is read for training
/// (<see cref="Csv.Load"/>, <see cref="TableFile.Load"/>) and for prediction (<see cref="Csv.ReadNumbersWithHeader"/>):
/// <c>a,a,label</c> trained silently, and which column <c>--target a</c> meant was anyone's guess.
/// </summary>
public sealed class CsvHeaderNameTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nn-csv-header-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string header, string name = "t.csv")
    {
        string path = Path.Combine(_dir, name);
        int columns = header.Split(',').Length;
        var lines = new List<string> { "# a comment line first, so the header is on line 2", header };
        for (int r = 0; r < 6; r++) lines.Add(string.Join(',', Enumerable.Range(0, columns).Select(c => c == columns - 1 ? (r % 2).ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{r}.{c}")));
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string LoadError(string path, string? target = null) => Assert.Throws<FormatException>(() => Csv.Load(path, target)).Message;

    private static string ReadError(string path) => Assert.Throws<FormatException>(() => Csv.ReadNumbersWithHeader(path)).Message;

    [Fact]
    public void A_repeated_name_is_refused_with_both_columns_one_based()
    {
        string path = Write("a,b,a,label");
        const string Expected = "t.csv, line 2: the header repeats the column name 'a' (columns 1 and 3); give each column its own name, or --target and predict cannot tell them apart.";
        Assert.Equal(Expected, LoadError(path));
        Assert.Equal(Expected, LoadError(path, "a"));
        Assert.Equal(Expected, LoadError(path, "0"));
        Assert.Equal(Expected, Assert.Throws<FormatException>(() => TableFile.Load(path)).Message);
        Assert.Equal(Expected, ReadError(path));

        // A repeated target name too: the label column is no exception.
        Assert.StartsWith("t.csv, line 2: the header repeats the column name 'label' (columns 2 and 3);", LoadError(Write("x,label,label")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Age,height,age,label", "'Age' as 'age' (columns 1 and 3;")]
    [InlineData("x,HEIGHT,Height,label", "'HEIGHT' as 'Height' (columns 2 and 3;")]
    public void Names_differing_only_by_case_or_surrounding_spaces_are_one_name(string header, string said)
    {
        // They are matched that way everywhere (--target age, predict's check of a table's columns), so they cannot
        // be told apart there either.
        string expected = $"t.csv, line 2: the header repeats the column name {said} names are matched ignoring letter case and surrounding spaces); give each column its own name, or --target and predict cannot tell them apart.";
        Assert.Equal(expected, LoadError(Write(header)));
        Assert.Equal(expected, ReadError(Write(header)));
    }

    [Fact]
    public void Names_differing_only_by_spaces_around_them_are_the_same_name()
    {
        // Cells are read trimmed, quoted or not, so " age " is the name age.
        Assert.StartsWith("t.csv, line 2: the header repeats the column name 'age' (columns 1 and 2);", LoadError(Write("age,\" age \",label")), StringComparison.Ordinal);
        Assert.StartsWith("t.csv, line 2: the header repeats the column name 'age' (columns 1 and 2);", LoadError(Write("age ,  age,label")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",x,label", "t.csv, line 2: column 1 of the header has no name, as when pandas writes its row index (to_csv without index=False); remove that column (row numbers are no feature), or name it.")]
    [InlineData("x,\"  \",label", "t.csv, line 2: column 2 of the header has no name; name it, so that every column can be told apart by name.")]
    [InlineData("x,y,", "t.csv, line 2: column 3, the last, has no name in the header, as when a line ends with a separator; remove the trailing separator, or name the column.")]
    public void An_empty_name_is_refused_with_what_usually_makes_one(string header, string expected)
    {
        Assert.Equal(expected, LoadError(Write(header)));
        Assert.Equal(expected, ReadError(Write(header)));
    }

    [Fact]
    public void Distinct_names_and_files_without_a_header_load()
    {
        var data = Csv.Load(Write("a,A1,b,label"), "label");
        Assert.Equal(["a", "A1", "b"], data.FeatureNames);

        // No header, no names to compare: repeated numbers in the first row are data.
        string path = Path.Combine(_dir, "plain.csv");
        File.WriteAllLines(path, ["1,1,0", "1,1,1", "2,2,0", "2,2,1"]);
        Assert.Equal(4, Csv.Load(path).Rows);
        Assert.Equal(4, Csv.ReadNumbersWithHeader(path).Rows);

        // --header no reads even a header-like row as data, so a repeated name there is a cell that is not a number.
        Assert.StartsWith("t.csv, line 2, column 1: 'a' is not a number", Assert.Throws<FormatException>(() => Csv.ReadNumbersWithHeader(Write("a,a,label"), hasHeader: false)).Message, StringComparison.Ordinal);
    }
}
