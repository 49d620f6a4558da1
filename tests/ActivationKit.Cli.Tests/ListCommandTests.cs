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

    [Fact]
    public void Json_entries_carry_every_field_show_json_gives_at_the_default_parameters()
    {
        // list --json, "the full catalog entries", lacked backwardFromOutput, which show --json has. An entry is show's
        // at the default parameters, field by field and in the same order, without what names an instance: the spec,
        // each parameter's value and the "defaults" object repeating the top level.
        using var list = JsonDocument.Parse(Cli.Run("list", "--json").Ok().Out);
        var entries = list.RootElement.EnumerateArray().ToArray();
        Assert.Equal(ActivationCatalog.Names, entries.Select(e => e.GetProperty("name").GetString()));
        foreach (var entry in entries)
        {
            string name = entry.GetProperty("name").GetString()!;
            using var show = JsonDocument.Parse(Cli.Run("show", name, "--json").Ok().Out);
            var shown = show.RootElement.EnumerateObject().Where(p => p.Name is not ("spec" or "defaults")).ToArray();
            Assert.Equal(shown.Select(p => p.Name), entry.EnumerateObject().Select(p => p.Name));
            foreach (var field in shown)
            {
                var listed = entry.GetProperty(field.Name);
                if (field.Name == "parameters")
                {
                    Assert.Equal(field.Value.GetArrayLength(), listed.GetArrayLength());
                    foreach (var (atShow, atList) in field.Value.EnumerateArray().Zip(listed.EnumerateArray()))
                    {
                        Assert.True(JsonElement.DeepEquals(atShow.GetProperty("value"), atShow.GetProperty("default")), $"{name}: show at the defaults");
                        Assert.Equal(atShow.EnumerateObject().Where(p => p.Name != "value").Select(p => $"{p.Name}={p.Value.GetRawText()}"), atList.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetRawText()}"));
                    }
                }
                else
                {
                    Assert.True(JsonElement.DeepEquals(field.Value, listed), $"{name}.{field.Name}: show {field.Value.GetRawText()}, list {listed.GetRawText()}");
                }
            }

            Assert.Equal(ActivationCatalog.Create(name).SupportsBackwardFromOutput, entry.GetProperty("backwardFromOutput").GetBoolean());
        }

        var relu = entries.Single(e => e.GetProperty("name").GetString() == "relu");
        Assert.True(relu.GetProperty("backwardFromOutput").GetBoolean());
        var gelu = entries.Single(e => e.GetProperty("name").GetString() == "gelu");
        Assert.False(gelu.GetProperty("backwardFromOutput").GetBoolean());
    }
}
