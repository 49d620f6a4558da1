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
/// Zeros carry a sign the ULP distance does not see: wherever a result or the table's value is ±0, the signs must
/// agree (<see cref="SignOfZeroDiffers"/>), in double, float, Half and bfloat16.
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
            fwd.Add(x[i], y[i], t.FHi[i], t.FLo[i], Signed(y[i], t.FHi[i], Ulp.Double(y[i], t.FHi[i], t.FLo[i])));
            fwd.Add(x[i], ys[i], t.FHi[i], t.FLo[i], Signed(ys[i], t.FHi[i], Ulp.Double(ys[i], t.FHi[i], t.FLo[i])));
            bwd.Add(x[i], dx[i], t.DHi[i], t.DLo[i], Signed(dx[i], t.DHi[i], DerivativeError(f.Info, x[i], dx[i], t.DHi[i], t.DLo[i], MaxUlp)));
            bwd.Add(x[i], dxs[i], t.DHi[i], t.DLo[i], Signed(dxs[i], t.DHi[i], DerivativeError(f.Info, x[i], dxs[i], t.DHi[i], t.DLo[i], MaxUlp)));
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
            fwd.Add(x, r, t.FHi[i], t.FLo[i], Signed(r, t.FHi[i], ReferenceError(r, t.FHi[i], t.FLo[i])));
            bwd.Add(x, d, t.DHi[i], t.DLo[i], Signed(d, t.DHi[i], Math.Min(ReferenceError(d, t.DHi[i], t.DLo[i]), DerivativeError(f.Info, x, d, t.DHi[i], t.DLo[i], MaxReferenceUlp))));
        }

        output.WriteLine($"{name} double reference vs mpmath over {checkedCount} float inputs: f max {fwd.Max:F3} ULP (x = {fwd.WorstX:R}), f′ max {bwd.Max:F3} ULP (x = {bwd.WorstX:R})");
        Assert.True(checkedCount >= 500, $"{name}: only {checkedCount} golden inputs are floats.");
        Assert.True(fwd.Max <= MaxReferenceUlp, fwd.Report(MaxReferenceUlp));
        Assert.True(bwd.Max <= MaxReferenceUlp, bwd.Report(MaxReferenceUlp));
    }

    /// <summary>
    /// The float, Half and bfloat16 kernels at every table input their type holds exactly (±0 and ±∞ included), in
    /// one call over all of them and one call per input: where the result or the table's exact value is ±0, the
    /// signs agree. The float and 16-bit accuracy tests measure against the double reference in ULPs, which do not
    /// tell −0 from +0, so a kernel returning +0 at −0 passed everything unless −0 was among its SpecialValues.
    /// (Beyond the zeros, the values themselves are held to the double reference by those tests.)
    /// </summary>
    [Theory]
    [MemberData(nameof(NamesWithTables))]
    public void Float_half_and_bfloat16_zeros_have_the_golden_sign(string name)
    {
        var f = CatalogData.Elementwise(name);
        var t = Table(name);
        var wrong = new List<string>();
        void Check(string type, double[] xs, double[] hi, double[] dhi, Func<double[], (double[] Y, double[] Dx)> run)
        {
            var (y, dx) = run(xs);
            var scalar = xs.Select(v => run([v])).ToArray();
            for (int i = 0; i < xs.Length; i++)
            {
                foreach (var (what, got, exact) in new[] { ("", y[i], hi[i]), ("′", dx[i], dhi[i]), (" (one element)", scalar[i].Y[0], hi[i]), ("′ (one element)", scalar[i].Dx[0], dhi[i]) })
                {
                    if (SignOfZeroDiffers(got, exact)) wrong.Add($"{type} {name}{what}({xs[i]:R}) = {got:R}, exact {exact:R}");
                }
            }
        }

        int[] Rows(Func<double, double> narrow) => Enumerable.Range(0, t.Count)
            .Where(i => !double.IsNaN(t.X[i]) && BitConverter.DoubleToInt64Bits(narrow(t.X[i])) == BitConverter.DoubleToInt64Bits(t.X[i])).ToArray();
        foreach (var (type, narrow) in new (string, Func<double, double>)[] { ("float", v => (float)v), ("Half", v => (double)(Half)v), ("bfloat16", v => (double)(Numerics.BFloat16)v) })
        {
            var rows = Rows(narrow);
            Assert.True(rows.Length >= (type == "float" ? 500 : 30), $"{name}: only {rows.Length} table inputs are {type} values");
            Check(type, rows.Select(i => t.X[i]).ToArray(), rows.Select(i => t.FHi[i]).ToArray(), rows.Select(i => t.DHi[i]).ToArray(), xs => type switch
            {
                "float" => Run(xs.Select(v => (float)v).ToArray(), (a, b) => f.Forward(a, b), (a, d, b) => f.Backward(a, d, b), 1f, v => v),
                "Half" => Run(xs.Select(v => (Half)v).ToArray(), (a, b) => f.Forward(a, b), (a, d, b) => f.Backward(a, d, b), Half.One, v => (double)v),
                _ => Run(xs.Select(v => (Numerics.BFloat16)v).ToArray(), (a, b) => f.Forward(a, b), (a, d, b) => f.Backward(a, d, b), (Numerics.BFloat16)1f, v => (double)v),
            });
        }

        Assert.True(wrong.Count == 0, $"{name}: {wrong.Count} zero(s) with the wrong sign:\n  " + string.Join("\n  ", wrong.Take(12)));
    }

    private delegate void Map<T>(ReadOnlySpan<T> x, Span<T> y);

    private delegate void Map2<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx);

    private static (double[] Y, double[] Dx) Run<T>(T[] x, Map<T> forward, Map2<T> backward, T one, Func<T, double> wide)
    {
        var y = new T[x.Length];
        var dx = new T[x.Length];
        forward(x, y);
        backward(x, Enumerable.Repeat(one, x.Length).ToArray(), dx);
        return (y.Select(wide).ToArray(), dx.Select(wide).ToArray());
    }

    /// <summary>
    /// Whether <paramref name="got"/> and the exact value (<paramref name="hi"/>, the table's nearest double) disagree in
    /// the sign of a zero: one of them is ±0 and the sign bits differ. A result that underflows to zero keeps the sign of
    /// the exact value; a zero result at a nonzero input is +0 where the table says so (relu(−1), the flat sides' f′),
    /// −0 at −0 for functions that behave like c·x there (the tables' conventions, tools/golden/gen_golden.py).
    /// </summary>
    internal static bool SignOfZeroDiffers(double got, double hi) =>
        !double.IsNaN(got) && !double.IsNaN(hi) && (got == 0 || hi == 0) && double.IsNegative(got) != double.IsNegative(hi);

    /// <summary>An error measure that counts a zero of the wrong sign as unbounded (<see cref="SignOfZeroDiffers"/>).</summary>
    private static double Signed(double got, double hi, double err) => SignOfZeroDiffers(got, hi) ? double.PositiveInfinity : err;

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
            sb.Append(CultureInfo.InvariantCulture, $"{what}: {over.Count} result(s) over {bound} ULP or with a zero of the wrong sign, max {Max:G4} ULP at x = {WorstX:R}. Worst:");
            foreach (var o in over.OrderByDescending(o => o.Err).DistinctBy(o => o.X).Take(12))
            {
                string err = SignOfZeroDiffers(o.Got, o.Hi) ? "the sign of zero differs" : $"{o.Err:G4} ULP";
                sb.Append(CultureInfo.InvariantCulture, $"\n  x = {o.X:R}: got {o.Got:R}, exact {o.Hi:R} + {o.Lo:R} ({err})");
            }

            return sb.ToString();
        }
    }
}
