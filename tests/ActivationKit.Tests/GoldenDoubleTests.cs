using System.Globalization;
using System.Text;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using Xunit.Abstractions;

namespace ActivationKit.Tests;

/// <summary>
/// The double-precision yardstick: every element-wise function's double kernels against its mpmath golden table
/// (Golden/&lt;name&gt;.csv from tools/golden/gen_golden.py, see docs/golden.md). Forward and backward (dy = 1) must be
/// within 4 ULP of the exact values at every table input — special values, subnormals, huge magnitudes, underflow
/// tails, kinks and zeros of f′ included. The same tables check the double reference the float tests measure against.
/// </summary>
public class GoldenDoubleTests(ITestOutputHelper output)
{
    private const double MaxUlp = 4;

    /// <summary>Bound for <see cref="ElementwiseActivation.Reference"/>: a few double ULP, far below a float ULP.</summary>
    private const double MaxReferenceUlp = 8;

    /// <summary>
    /// Within this distance of a zero of f′ the double backward error may be measured absolutely, in ULPs of 1 (the
    /// issue allows "a few ULP of 1" next to zeros of f′). In double the cancellation zone is wider than in float:
    /// gelu_tanh′ loses relative accuracy over (−0.9, −0.6) around its zero at −0.75 (absolute error ≤ 0.3 ULP of 1).
    /// docs/accuracy.md lists these places.
    /// </summary>
    private const double DerivativeZeroRadius = 0.25;

    /// <summary>The ULP of 1 in double: the unit of the absolute error next to zeros of f′.</summary>
    private static readonly double UlpOfOne = Math.ScaleB(1.0, -52);

    /// <summary>Element-wise catalog functions that have a golden table.</summary>
    public static TheoryData<string> NamesWithTables()
    {
        var files = GoldenTable.FilesByCatalogName();
        var data = new TheoryData<string>();
        foreach (var info in ActivationCatalog.All.Where(i => i.Kind == ActivationKind.Elementwise && files.ContainsKey(i.Name))) data.Add(info.Name);
        return data;
    }

    [Fact]
    public void Every_elementwise_function_has_a_golden_table()
    {
        var files = GoldenTable.FilesByCatalogName();
        var missing = ActivationCatalog.All.Where(i => i.Kind == ActivationKind.Elementwise && !files.ContainsKey(i.Name)).Select(i => i.Name).ToArray();
        Assert.True(
            missing.Length == 0,
            $"No golden table for {string.Join(", ", missing)}: add the mpmath definition to tools/golden/gen_golden.py and run "
            + "'/usr/bin/python3 tools/golden/gen_golden.py NAME' (see docs/golden.md).");
    }

    [Fact]
    public void Golden_tables_parse_and_cover_the_special_inputs()
    {
        var paths = Directory.GetFiles(GoldenTable.Directory, "*.csv");
        Assert.NotEmpty(paths);
        double[] required = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue];
        foreach (string path in paths)
        {
            var t = GoldenTable.Load(path);
            Assert.True(t.Count >= 2000, $"{t.Name}: only {t.Count} rows.");
            Assert.Contains(t.X, double.IsNaN);
            var bits = t.X.Select(BitConverter.DoubleToInt64Bits).ToHashSet();
            foreach (double x in required) Assert.True(bits.Contains(BitConverter.DoubleToInt64Bits(x)), $"{t.Name}: input {x:R} is missing.");
        }
    }

    [Theory]
    [MemberData(nameof(NamesWithTables))]
    public void Golden_table_was_made_with_the_catalog_default_parameters(string name)
    {
        var f = CatalogData.Elementwise(name);
        var table = Table(name);
        string golden = string.Join(", ", table.Parameters.Select(p => $"{p.Name}={p.Value:R}"));
        string catalog = string.Join(", ", f.Info.Parameters.Select(p => $"{p.Name}={p.Default:R}"));
        Assert.True(
            table.Parameters.Select(p => p.Value).SequenceEqual(f.Info.Parameters.Select(p => p.Default)),
            $"{name}: the golden table was generated with ({golden}) but the catalog defaults are ({catalog}); fix one of them and regenerate.");
    }

    [Theory]
    [MemberData(nameof(NamesWithTables))]
    public void Double_forward_and_backward_are_within_4_ulp_of_mpmath(string name)
    {
        var f = CatalogData.Elementwise(name);
        var t = Table(name);
        int n = t.Count;
        var x = t.X;
        var ones = Enumerable.Repeat(1.0, n).ToArray();

        // The whole table in one call (vector lanes and tails) and element by element (the scalar specification).
        var y = new double[n];
        var dx = new double[n];
        f.Forward(x, y);
        f.Backward(x, ones, dx);
        var ys = new double[n];
        var dxs = new double[n];
        for (int i = 0; i < n; i++)
        {
            f.Forward(x.AsSpan(i, 1), ys.AsSpan(i, 1));
            f.Backward(x.AsSpan(i, 1), ones.AsSpan(i, 1), dxs.AsSpan(i, 1));
        }

        var fwd = new Measure(name + " forward");
        var bwd = new Measure(name + " backward");
        for (int i = 0; i < n; i++)
        {
            fwd.Add(x[i], y[i], t.FHi[i], t.FLo[i], Ulp.Double(y[i], t.FHi[i], t.FLo[i]));
            fwd.Add(x[i], ys[i], t.FHi[i], t.FLo[i], Ulp.Double(ys[i], t.FHi[i], t.FLo[i]));
            bwd.Add(x[i], dx[i], t.DHi[i], t.DLo[i], DerivativeError(f.Info, x[i], dx[i], t.DHi[i], t.DLo[i], MaxUlp));
            bwd.Add(x[i], dxs[i], t.DHi[i], t.DLo[i], DerivativeError(f.Info, x[i], dxs[i], t.DHi[i], t.DLo[i], MaxUlp));
        }

        output.WriteLine($"{name} double vs mpmath over {n} inputs: forward max {fwd.Max:F3} ULP (x = {fwd.WorstX:R}), backward max {bwd.Max:F3} ULP (x = {bwd.WorstX:R})");
        Assert.True(fwd.Max <= MaxUlp, fwd.Report(MaxUlp));
        Assert.True(bwd.Max <= MaxUlp, bwd.Report(MaxUlp));
    }

    [Theory]
    [MemberData(nameof(NamesWithTables))]
    public void Float_reference_is_within_8_double_ulp_of_mpmath(string name)
    {
        var f = CatalogData.Elementwise(name);
        var t = Table(name);
        var fwd = new Measure(name + " Reference");
        var bwd = new Measure(name + " ReferenceDerivative");
        int checkedCount = 0;
        for (int i = 0; i < t.Count; i++)
        {
            double x = t.X[i];
            if (!double.IsNaN(x) && (double)(float)x != x) continue;
            checkedCount++;
            double r = f.Reference(x);
            double d = f.ReferenceDerivative(x);
            fwd.Add(x, r, t.FHi[i], t.FLo[i], ReferenceError(r, t.FHi[i], t.FLo[i]));
            bwd.Add(x, d, t.DHi[i], t.DLo[i], Math.Min(ReferenceError(d, t.DHi[i], t.DLo[i]), DerivativeError(f.Info, x, d, t.DHi[i], t.DLo[i], MaxReferenceUlp)));
        }

        output.WriteLine($"{name} double reference vs mpmath over {checkedCount} float inputs: f max {fwd.Max:F3} ULP (x = {fwd.WorstX:R}), f′ max {bwd.Max:F3} ULP (x = {bwd.WorstX:R})");
        Assert.True(checkedCount >= 500, $"{name}: only {checkedCount} golden inputs are floats.");
        Assert.True(fwd.Max <= MaxReferenceUlp, fwd.Report(MaxReferenceUlp));
        Assert.True(bwd.Max <= MaxReferenceUlp, bwd.Report(MaxReferenceUlp));
    }

    /// <summary>
    /// Error of a derivative in double ULPs; next to a zero of f′ listed in <see cref="ActivationInfo.DerivativeZeros"/>
    /// an error above <paramref name="bound"/> is measured absolutely instead, in ULPs of 1 (a value near zero has an
    /// unbounded relative error under any rounding of the intermediate terms).
    /// </summary>
    internal static double DerivativeError(ActivationInfo info, double x, double got, double hi, double lo, double bound)
    {
        double err = Ulp.Double(got, hi, lo);
        if (err > bound && double.IsFinite(got) && double.IsFinite(hi) && AccuracyMeter.DistanceToDerivativeZero(info, x) < DerivativeZeroRadius)
        {
            err = Math.Abs((got - hi) - lo) / UlpOfOne;
        }

        return err;
    }

    /// <summary>
    /// Error of the double reference in double ULPs. The reference is the yardstick for float results, so an error
    /// that is below 2^−10 of a float ULP of the exact value cannot move any float measurement and counts as exact:
    /// the reference may lose double bits where an intermediate underflows or cancels (gelu_tanh's far tail,
    /// gelu′ near its zero, snake′ next to its zeros) without weakening the float checks.
    /// </summary>
    private static double ReferenceError(double r, double hi, double lo)
    {
        double err = Ulp.Double(r, hi, lo);
        if (err > MaxReferenceUlp && double.IsFinite(r) && double.IsFinite(hi)
            && Math.Abs((r - hi) - lo) <= Math.ScaleB(Ulp.FloatUlpAt(hi), -10))
        {
            return 0;
        }

        return err;
    }

    private static GoldenTable Table(string name) => GoldenTable.Load(GoldenTable.FilesByCatalogName()[name]);

    /// <summary>Largest error and the inputs over a bound, for a readable failure message.</summary>
    private sealed class Measure(string what)
    {
        private readonly List<(double X, double Got, double Hi, double Lo, double Err)> _over = [];

        public double Max { get; private set; }

        public double WorstX { get; private set; } = double.NaN;

        public void Add(double x, double got, double hi, double lo, double err)
        {
            if (err > Max || double.IsNaN(WorstX))
            {
                Max = Math.Max(Max, err);
                WorstX = x;
            }

            if (err > MaxUlp) _over.Add((x, got, hi, lo, err));
        }

        public string Report(double bound)
        {
            var sb = new StringBuilder();
            var over = _over.Where(o => o.Err > bound).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"{what}: {over.Count} result(s) over {bound} ULP, max {Max:G4} ULP at x = {WorstX:R}. Worst:");
            foreach (var o in over.OrderByDescending(o => o.Err).DistinctBy(o => o.X).Take(12))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n  x = {o.X:R}: got {o.Got:R}, exact {o.Hi:R} + {o.Lo:R} ({o.Err:G4} ULP)");
            }

            return sb.ToString();
        }
    }
}
