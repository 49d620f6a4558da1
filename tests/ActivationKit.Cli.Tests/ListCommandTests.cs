using System.Text.Json;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;

namespace ActivationKit.Cli.Tests;

public class ListCommandTests
{
    [Fact]
    public void Lists_every_function_in_the_catalog()
    {
        var r = Cli.Run("list").Ok();
        foreach (string name in ActivationCatalog.Names) Assert.Contains(name, r.Out, StringComparison.Ordinal);
        Assert.Contains($"{ActivationCatalog.All.Count} function(s)", r.Out, StringComparison.Ordinal);
        Assert.Empty(r.Err);
    }

    [Fact]
    public void Family_filter_keeps_only_that_family()
    {
        foreach (var family in ActivationCatalog.All.Select(i => i.Family).Distinct())
        {
            var r = Cli.Run("list", "--family", Describe.Family(family), "--json").Ok();
            using var doc = JsonDocument.Parse(r.Out);
            var names = doc.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToArray();
            Assert.Equal(ActivationCatalog.All.Where(i => i.Family == family).Select(i => i.Name), names);
        }
    }

    [Fact]
    public void Family_names_are_lenient_about_case_and_separators()
    {
        Assert.Equal(Family.SmoothRectifier, Describe.ParseFamily("Smooth-Rectifier"));
        Assert.Equal(Family.SmoothRectifier, Describe.ParseFamily("smooth_rectifier"));
        Cli.Run("list", "--family", "SIGMOIDAL").Ok();
    }

    [Fact]
    public void Unknown_family_lists_the_valid_ones()
    {
        var r = Cli.Run("list", "--family", "wobbly").BadInput("Unknown family 'wobbly'");
        foreach (string f in Describe.FamilyNames) Assert.Contains(f, r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_parses_and_carries_the_catalog()
    {
        var r = Cli.Run("list", "--json").Ok();
        using var doc = JsonDocument.Parse(r.Out);
        var items = doc.RootElement.EnumerateArray().ToArray();
        Assert.Equal(ActivationCatalog.Names, items.Select(e => e.GetProperty("name").GetString()));
        foreach (var (item, info) in items.Zip(ActivationCatalog.All))
        {
            Assert.Equal(Describe.Family(info.Family), item.GetProperty("family").GetString());
            Assert.Equal(info.Range, item.GetProperty("range").GetString());
            Assert.Equal(info.Parameters.Count, item.GetProperty("parameters").GetArrayLength());
            foreach (var (p, spec) in item.GetProperty("parameters").EnumerateArray().Zip(info.Parameters))
            {
                Assert.Equal(spec.Name, p.GetProperty("name").GetString());
                Assert.Equal(spec.Default, p.GetProperty("default").GetDouble());
            }

            Assert.Equal(info.Frameworks.Count, item.GetProperty("frameworks").EnumerateObject().Count());
        }
    }
}
