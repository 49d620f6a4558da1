using System.Globalization;
using ActivationKit.Catalog;
using ActivationKit.Functions;

namespace ActivationKit.Tests;

/// <summary>
/// Exception messages print numbers the same way in every culture (a German user saw "at least 16.384 elements, got
/// 1.000." and "(got -1,5)"). The process runs with invariant globalization, so the test builds a culture with a decimal
/// comma, a '.' group separator and a U+2212 minus sign by hand.
/// </summary>
public class CultureMessageTests
{
    private static CultureInfo CommaCulture()
    {
        var c = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        c.NumberFormat.NumberDecimalSeparator = ",";
        c.NumberFormat.NumberGroupSeparator = ".";
        c.NumberFormat.NegativeSign = "−";
        return c;
    }

    private static string MessageIn(CultureInfo culture, Action action)
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            return Assert.ThrowsAny<Exception>(action).Message;
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Numbers_in_exception_messages_ignore_the_current_culture()
    {
        var c = CommaCulture();
        Assert.StartsWith("KernelOptions.ParallelThreshold must be at least 16,384 elements, got 1,000.", MessageIn(c, () => KernelOptions.ParallelThreshold = 1000), StringComparison.Ordinal);
        Assert.Contains("(got -1.5)", MessageIn(c, () => new Elu(-1.5).BackwardFromOutput(new float[1], new float[1], new float[1])), StringComparison.Ordinal);
        Assert.Contains("slope 0 is -0.25;", MessageIn(c, () => new Prelu(init: -0.25).BackwardFromOutput(new float[1], new float[1], new float[1])), StringComparison.Ordinal);
        Assert.Contains("negative_slope = -0.5 < 0", MessageIn(c, () => new LeakyRelu(-0.5).BackwardFromOutput(new double[1], new double[1], new double[1])), StringComparison.Ordinal);
        Assert.Contains("columns must be ≥ 0, got -2.", MessageIn(c, () => ActivationCatalog.Create("softmax").Forward(new float[4], new float[4], columns: -2)), StringComparison.Ordinal);
        Assert.Contains("got 0.5.", MessageIn(c, () => ActivationCatalog.Create("prelu(num_parameters=0.5)")), StringComparison.Ordinal);
    }
}
