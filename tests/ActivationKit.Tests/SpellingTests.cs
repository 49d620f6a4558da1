namespace ActivationKit.Tests;

/// <summary><see cref="Spelling"/>: the one edit distance behind every suggestion (it replaced four copies, two without swaps).</summary>
public class SpellingTests
{
    [Theory]
    [InlineData("", "", 0)]
    [InlineData("", "relu", 4)]
    [InlineData("relu", "", 4)]
    [InlineData("relu", "relu", 0)]
    [InlineData("sigmiod", "sigmoid", 1)] // a swap of neighbours is one edit
    [InlineData("sigmod", "sigmoid", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ca", "abc", 3)] // optimal string alignment, not Damerau's full distance (2)
    [InlineData("--gard", "--grad", 1)]
    public void Distance_counts_insertions_deletions_substitutions_and_swaps(string a, string b, int expected)
    {
        Assert.Equal(expected, Spelling.Distance(a, b));
        Assert.Equal(expected, Spelling.Distance(b, a));
    }

    [Theory]
    [InlineData("leaky", "leaky_relu", 1)] // a beginning of three letters or more is one edit
    [InlineData("fam", "family", 1)]
    [InlineData("le", "leaky_relu", 8)] // two letters are not enough
    [InlineData("relu", "relu", 0)]
    [InlineData("rleu", "relu", 1)]
    public void A_typed_beginning_counts_as_one_edit(string typed, string name, int expected)
        => Assert.Equal(expected, Spelling.DistanceOrPrefix(typed, name));

    [Fact]
    public void Suggestions_take_swapped_letters_everywhere()
    {
        Assert.Equal("sigmoid", Catalog.ActivationCatalog.Suggest("sigmiod")[0]);
        Assert.Equal(2, Spelling.Reach("relu"));
        Assert.Equal(1, Spelling.Reach("zz")); // fewer edits than letters: "zz" is not "in" or "lr"
        Assert.Equal(0, Spelling.Reach("x"));
        Assert.Equal(4, Spelling.Reach("leaky_relu12"));
    }
}
