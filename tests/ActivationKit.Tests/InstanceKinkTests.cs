using ActivationKit.Catalog;

namespace ActivationKit.Tests;

/// <summary><see cref="Activation.Kinks"/>: the catalog's kinks at the default parameters, and following the parameters otherwise.</summary>
public class InstanceKinkTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var info in ActivationCatalog.All) data.Add(info.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void At_the_default_parameters_an_instances_kinks_are_the_catalogs(string name)
    {
        var info = ActivationCatalog.Find(name)!;
        Assert.Equal(info.Kinks, ActivationCatalog.Create(info).Kinks);
    }

    [Theory]
    [InlineData("elu(2)", new[] { 0.0 })]
    [InlineData("elu(alpha=0)", new[] { 0.0 })]
    [InlineData("thresholded_relu(10)", new[] { 10.0 })]
    [InlineData("thresholded_relu(-2.5)", new[] { -2.5 })]
    [InlineData("hardtanh(-8,20)", new[] { -8.0, 20.0 })]
    [InlineData("hardtanh(3,3)", new double[0])]
    [InlineData("hardtanh(-inf,inf)", new double[0])]
    [InlineData("hardtanh(-inf,2)", new[] { 2.0 })]
    [InlineData("leaky_relu(1)", new double[0])]
    [InlineData("leaky_relu(0.5)", new[] { 0.0 })]
    [InlineData("softshrink(7)", new[] { -7.0, 7.0 })]
    [InlineData("softshrink(0)", new double[0])]
    [InlineData("hardshrink(2)", new[] { -2.0, 2.0 })]
    [InlineData("hardshrink(0)", new double[0])]
    [InlineData("threshold(-30,2)", new[] { -30.0 })]
    [InlineData("softplus(beta=0.1,threshold=3)", new[] { 30.0 })]
    [InlineData("softplus(beta=2)", new[] { 10.0 })]
    [InlineData("softplus(threshold=inf)", new double[0])]
    [InlineData("squareplus(0)", new[] { 0.0 })]
    [InlineData("squareplus(1e-6)", new double[0])]
    public void The_kinks_of_parameterised_piecewise_functions_move_with_their_parameters(string spec, double[] kinks)
    {
        var f = ActivationCatalog.Create(spec);
        Assert.Equal(kinks, f.Kinks);

        // Each is where the function or its slope really changes (softplus's switch to the identity is a jump of at most
        // log(1 + e^−threshold)/β, too small to see at most parameters).
        foreach (double k in spec.StartsWith("softplus", StringComparison.Ordinal) ? [] : kinks)
        {
            double h = Math.Max(1e-3, Math.Abs(k) * 1e-6);
            var x = new[] { k - (2 * h), k - h, k + h, k + (2 * h) };
            var y = new double[4];
            f.Forward(x, y);
            double left = (y[1] - y[0]) / h, right = (y[3] - y[2]) / h, jump = y[2] - y[1];
            Assert.True(Math.Abs(left - right) > 1e-3 || Math.Abs(jump) > 1e-3 * Math.Max(1, Math.Abs(k)), $"{spec} at {k}: slopes {left}, {right}, jump {jump}");
        }
    }
}
