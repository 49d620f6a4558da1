using ActivationKit.Catalog;
using ActivationKit.Numerics;

namespace ActivationKit.Tests;

/// <summary>Half and BFloat16 forward and backward of row-wise and gated functions go through float and round once.</summary>
public class LowPrecisionRowTests
{
    public static TheoryData<string> RowAndGatedNames()
    {
        var data = new TheoryData<string>();
        foreach (var i in ActivationCatalog.All.Where(i => i.Kind != ActivationKind.Elementwise)) data.Add(i.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(RowAndGatedNames))]
    public void Half_and_bfloat16_backward_round_the_float_result(string name)
    {
        var f = ActivationCatalog.Create(name);
        const int cols = 8, rows = 5;
        var rng = new Random(3);
        var x = Enumerable.Range(0, rows * cols).Select(_ => (float)((rng.NextDouble() * 8) - 4)).ToArray();
        int outCols = f.OutputColumns(cols);
        var dy = Enumerable.Range(0, rows * outCols).Select(_ => (float)rng.NextDouble()).ToArray();

        var xh = x.Select(v => (Half)v).ToArray();
        var dyh = dy.Select(v => (Half)v).ToArray();
        var dxh = new Half[x.Length];
        f.Backward(xh, dyh, dxh, cols);
        var expected = new float[x.Length];
        f.Backward(xh.Select(v => (float)v).ToArray(), dyh.Select(v => (float)v).ToArray(), expected, cols);
        Assert.Equal(expected.Select(v => (Half)v), dxh);

        var xb = x.Select(v => (BFloat16)v).ToArray();
        var dyb = dy.Select(v => (BFloat16)v).ToArray();
        var dxb = new BFloat16[x.Length];
        f.Backward(xb, dyb, dxb, cols);
        f.Backward(xb.Select(v => (float)v).ToArray(), dyb.Select(v => (float)v).ToArray(), expected, cols);
        Assert.Equal(expected.Select(v => ((BFloat16)v).RawValue), dxb.Select(v => v.RawValue));
    }
}
