using ActivationKit.Catalog;

namespace ActivationKit.Tests;

/// <summary>Theory data drawn from the catalog, so a new function is tested with no test edits.</summary>
public static class CatalogData
{
    public static TheoryData<string> AllNames() => Data(ActivationCatalog.All);

    public static TheoryData<string> ElementwiseNames() => Data(ActivationCatalog.All.Where(i => i.Kind == ActivationKind.Elementwise));

    public static TheoryData<string> OutputGradientNames() =>
        Data(ActivationCatalog.All.Where(i => i.Kind == ActivationKind.Elementwise && ActivationCatalog.Create(i).SupportsBackwardFromOutput));

    public static ElementwiseActivation Elementwise(string name) => (ElementwiseActivation)ActivationCatalog.Create(name);

    private static TheoryData<string> Data(IEnumerable<ActivationInfo> infos)
    {
        var data = new TheoryData<string>();
        foreach (var i in infos) data.Add(i.Name);
        return data;
    }
}
