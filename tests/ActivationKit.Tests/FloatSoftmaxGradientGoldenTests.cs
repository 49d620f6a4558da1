using System.Globalization;
using System.Runtime.Intrinsics;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;
using Xunit.Abstractions;

namespace ActivationKit.Tests;

/// <summary>
/// The float gradients of softmax, softmin and log-softmax from the input against mpmath
/// (RowGolden/softmax_gradients_float.txt, tools/golden/softmax_gradient_float_golden.py): rows with one entry 10 to 100
/// above the rest (where the dominant entry's gradient is a tiny difference of dy and ⟨dy, p⟩, or of dy and p·Σdy),
/// ties at the maximum, equal dy and random rows of 1 to 1,000 entries. Every output, the dominant entry's included, is
/// within <see cref="Bound"/> float ULP of the exact value (relative: no absolute floor), exactly 0 where that is; every
/// register width's one-row path gives the same bits, as do the public calls (in place or not) and the blocks of short
/// rows (many rows of up to 16 entries in one call).
/// </summary>
public class FloatSoftmaxGradientGoldenTests(ITestOutputHelper output)
{
    /// <summary>The bound asserted, in float ULP of the exact value; the measured maximum is printed.</summary>
    private const double Bound = 1.0;

    /// <summary>The length of the rows longer than the kept exponentials (65,536 entries) and the bound asserted there.</summary>
    private const int LongRow = 70000;

    private const double LongBound = 4.0;

    private sealed record Row(string Label, float[] X, float[] Dy, Dictionary<string, (double Value, bool Zero)[]> Expected)
    {
        /// <summary>The float log_softmax of X (each entry the nearest float), the output a forward gives.</summary>
        public float[] Y { get; init; } = [];
    }

    private static readonly Lazy<List<Row>> Rows = new(Load);

    public static TheoryData<string> Gradients() => new() { "softmax", "softmin", "log_softmax" };

    [Theory]
    [MemberData(nameof(Gradients))]
    public void Float_gradients_from_the_input_are_within_the_bound_of_mpmath_at_every_entry(string gradient)
    {
        var tally = new Tally();
        foreach (var row in Rows.Value)
        {
            int n = row.X.Length;
            var expected = row.Expected[gradient];
            var results = new List<(string Width, float[] Dx)>();
            if (Vector512.IsHardwareAccelerated && n >= 16) AddOneRow<V512<float>>(results, "Vector512", gradient, row);
            if (Vector256.IsHardwareAccelerated && n >= 8) AddOneRow<V256<float>>(results, "Vector256", gradient, row);
            if (Vector128.IsHardwareAccelerated && n >= 4) AddOneRow<V128<float>>(results, "Vector128", gradient, row);
            AddOneRow<S<float>>(results, "scalar", gradient, row);
            results.Insert(0, ("public API", Public(gradient, row.X, row.Dy, n, inPlace: false)));
            results.Add(("public API over dy", Public(gradient, row.X, row.Dy, n, inPlace: true)));
            tally.Check(row.Label, results, expected, Dominant(row.X, gradient == "softmin" ? -1 : 1));
        }

        output.WriteLine(tally.Summary(gradient));
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} failures: {string.Join("; ", tally.Failures.Take(20))}");
    }

    /// <summary>
    /// The golden tests' bookkeeping over rows: every result's bits against the first's (the widths and public calls
    /// must agree), the first against the exact value (exactly 0 where that is, else within <see cref="Bound"/> ULP),
    /// and the worst ULP overall (with its row), at the row's first maximum and elsewhere, and how many exceed 0.5.
    /// </summary>
    private sealed class Tally
    {
        private double _worst, _worstTop, _worstOther;
        private string _worstAt = "";
        private int _over;

        public List<string> Failures { get; } = [];

        public void Check(string label, List<(string Width, float[] Dx)> results, (double Value, bool Zero)[] expected, int top)
        {
            var first = results[0].Dx;
            for (int i = 0; i < first.Length; i++)
            {
                foreach (var (width, dx) in results.Skip(1))
                {
                    if (BitConverter.SingleToInt32Bits(dx[i]) != BitConverter.SingleToInt32Bits(first[i])) Failures.Add($"{label} [{i}]: {width} gives {dx[i]:R}, {results[0].Width} {first[i]:R}");
                }

                var (value, zero) = expected[i];
                if (zero)
                {
                    if (first[i] != 0) Failures.Add($"{label} [{i}]: {first[i]:R} where the gradient is exactly 0");
                    continue;
                }

                double ulp = Ulp.Float(first[i], value);
                if (ulp > _worst)
                {
                    _worst = ulp;
                    _worstAt = label;
                }

                if (i == top) _worstTop = Math.Max(_worstTop, ulp);
                else _worstOther = Math.Max(_worstOther, ulp);
                if (ulp > 0.5) _over++;
                if (!(ulp <= Bound)) Failures.Add($"{label} [{i}]: {first[i]:R} against {value:R} ({ulp:F2} ULP)");
            }
        }

        public string Summary(string what)
            => string.Create(CultureInfo.InvariantCulture, $"{what}: at most {_worst:F4} ULP ({_worstAt}); at the first maximum {_worstTop:F4}, elsewhere {_worstOther:F4}; {_over} outputs above 0.5 ULP");
    }

    /// <summary>
    /// Rows longer than the kept exponentials (<see cref="LongRow"/> entries): the golden rows of up to 100 entries
    /// with a dominant entry or ties (some with the other entries' dy cancelling each other), split around 69,900 entries far beyond the others (e = 0 in double: their
    /// gradient is 0 and they change no sum; for log-softmax their dy is 0), so the exact values are the golden ones. Softmax and softmin form the
    /// exponentials again in float lanes there (within <see cref="LongBound"/> ULP), log-softmax in double lanes; every
    /// width gives the same bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(Gradients))]
    public void Rows_longer_than_the_kept_exponentials_keep_the_dominant_entry_accurate(string gradient)
    {
        double worst = 0;
        double worstDominant = 0;
        var failures = new List<string>();
        int sign = gradient == "softmin" ? -1 : 1;
        foreach (var golden in Rows.Value.Where(r => r.X.Length <= 100 && (r.Label.StartsWith("gap", StringComparison.Ordinal) || r.Label.Contains("ties", StringComparison.Ordinal) || r.Label.StartsWith("cancelling", StringComparison.Ordinal))).Where((_, k) => k % 4 == 0))
        {
            int n = golden.X.Length;
            int front = n / 2;
            int pad = LongRow - n;
            var x = new float[LongRow];
            var dy = new float[LongRow];
            var index = new int[n];
            var rng = new Random(n);
            for (int i = 0; i < LongRow; i++)
            {
                x[i] = -sign * 10000f;
                // Log-softmax's gradient takes Σdy: its padding has dy = 0.
                dy[i] = gradient == "log_softmax" ? 0f : (float)((rng.NextDouble() * 2) - 1);
            }

            for (int j = 0; j < n; j++)
            {
                index[j] = j < front ? j : pad + j;
                x[index[j]] = golden.X[j];
                dy[index[j]] = golden.Dy[j];
            }

            var row = new Row(golden.Label + $", padded to {LongRow}", x, dy, golden.Expected);
            var results = new List<(string Width, float[] Dx)>();
            if (Vector512.IsHardwareAccelerated) AddOneRow<V512<float>>(results, "Vector512", gradient, row);
            if (Vector256.IsHardwareAccelerated) AddOneRow<V256<float>>(results, "Vector256", gradient, row);
            if (Vector128.IsHardwareAccelerated) AddOneRow<V128<float>>(results, "Vector128", gradient, row);
            AddOneRow<S<float>>(results, "scalar", gradient, row);
            results.Insert(0, ("public API", Public(gradient, x, dy, LongRow, inPlace: false)));
            results.Add(("public API over dy", Public(gradient, x, dy, LongRow, inPlace: true)));
            var first = results[0].Dx;
            for (int i = 0; i < LongRow; i++)
            {
                foreach (var (width, dx) in results.Skip(1))
                {
                    if (BitConverter.SingleToInt32Bits(dx[i]) != BitConverter.SingleToInt32Bits(first[i])) failures.Add($"{row.Label} [{i}]: {width} gives {dx[i]:R}, {results[0].Width} {first[i]:R}");
                }
            }

            int dominant = Dominant(golden.X, sign);
            for (int i = 0, j = 0; i < LongRow; i++)
            {
                if (j < n && index[j] == i)
                {
                    var (value, zero) = golden.Expected[gradient][j];
                    if (zero)
                    {
                        if (first[i] != 0) failures.Add($"{row.Label} [{j}]: {first[i]:R} where the gradient is exactly 0");
                    }
                    else
                    {
                        double ulp = Ulp.Float(first[i], value);
                        worst = Math.Max(worst, ulp);
                        if (j == dominant) worstDominant = Math.Max(worstDominant, ulp);
                        if (!(ulp <= LongBound)) failures.Add($"{row.Label} [{j}]: {first[i]:R} against {value:R} ({ulp:F2} ULP)");
                    }

                    j++;
                }
                else if (gradient == "log_softmax" ? first[i] != dy[i] : first[i] != 0)
                {
                    failures.Add($"{row.Label} [{i}] (padding): {first[i]:R}");
                }
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{gradient}, rows of {LongRow}: at most {worst:F4} ULP; at the first maximum {worstDominant:F4}"));
        Assert.True(failures.Count == 0, $"{failures.Count} failures: {string.Join("; ", failures.Take(20))}");
    }

    /// <summary>
    /// The golden rows of each length from 1 to 16 in one call (so that they go through the blocks of short rows, which
    /// take as many rows as a register has lanes, each lane its own row), in place or not, with the bits of each row alone.
    /// </summary>
    [Theory]
    [MemberData(nameof(Gradients))]
    public void Many_short_rows_in_one_call_give_the_bits_of_each_row_alone(string gradient)
    {
        var failures = new List<string>();
        foreach (var group in Rows.Value.Where(r => r.X.Length <= RowwiseDriver.MaxBlockColumns).GroupBy(r => r.X.Length))
        {
            int n = group.Key;
            // At least 48 rows (three blocks of sixteen), the group's rows in turn.
            var rows = Enumerable.Range(0, Math.Max(48, group.Count())).Select(k => group.ElementAt(k % group.Count())).ToList();
            var x = rows.SelectMany(r => r.X).ToArray();
            var dy = rows.SelectMany(r => r.Dy).ToArray();
            var all = Public(gradient, x, dy, n, inPlace: false);
            var overDy = Public(gradient, x, dy, n, inPlace: true);
            for (int r = 0; r < rows.Count; r++)
            {
                var alone = Public(gradient, rows[r].X, rows[r].Dy, n, inPlace: false);
                for (int j = 0; j < n; j++)
                {
                    int i = (r * n) + j;
                    if (BitConverter.SingleToInt32Bits(alone[j]) != BitConverter.SingleToInt32Bits(all[i])
                        || BitConverter.SingleToInt32Bits(alone[j]) != BitConverter.SingleToInt32Bits(overDy[i]))
                    {
                        failures.Add($"{rows[r].Label} [{j}]: {all[i]:R} (over dy {overDy[i]:R}) among {rows.Count} rows, {alone[j]:R} alone");
                    }
                }
            }

            if (Vector512.IsHardwareAccelerated) CheckBlocks<V512<float>>(gradient, rows, n, failures);
            if (Vector256.IsHardwareAccelerated) CheckBlocks<V256<float>>(gradient, rows, n, failures);
            if (Vector128.IsHardwareAccelerated) CheckBlocks<V128<float>>(gradient, rows, n, failures);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} differences: {string.Join("; ", failures.Take(20))}");
    }

    /// <summary>
    /// The log-softmax gradient from the output y (the float log_softmax of the golden x, as a user would have it) and dy:
    /// every output, the top entry's included, within <see cref="Bound"/> float ULP of the exact dy − e^y·Σdy from that y
    /// (relative, no absolute floor), exactly 0 where that is; every width's one-row path and the public call, in place
    /// over dy or y or not, give the same bits. Before 2026-12-02 the top entry lost 1 − e^y below 2^−53 (x = [30, 0],
    /// dy = [1, 0]: 120 ULP).
    /// </summary>
    [Fact]
    public void Float_log_softmax_gradient_from_the_output_is_within_the_bound_of_mpmath_at_every_entry()
    {
        var tally = new Tally();
        foreach (var row in Rows.Value)
        {
            int n = row.Y.Length;
            var expected = row.Expected["log_softmax_from_output"];
            var results = new List<(string Width, float[] Dx)> { ("public API", PublicFromOutput(row.Y, row.Dy, n, 0)) };
            if (Vector512.IsHardwareAccelerated && n >= 16) AddOneRowFromOutput<V512<float>>(results, "Vector512", row);
            if (Vector256.IsHardwareAccelerated && n >= 8) AddOneRowFromOutput<V256<float>>(results, "Vector256", row);
            if (Vector128.IsHardwareAccelerated && n >= 4) AddOneRowFromOutput<V128<float>>(results, "Vector128", row);
            AddOneRowFromOutput<S<float>>(results, "scalar", row);
            results.Add(("public API over dy", PublicFromOutput(row.Y, row.Dy, n, 1)));
            results.Add(("public API over y", PublicFromOutput(row.Y, row.Dy, n, 2)));
            tally.Check(row.Label, results, expected, Dominant(row.Y, 1));
        }

        output.WriteLine(tally.Summary("log_softmax from the output"));
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} failures: {string.Join("; ", tally.Failures.Take(20))}");
    }

    /// <summary>
    /// The from-output rows of each length from 1 to 16 in one call (the blocks of short rows, each lane its own row and
    /// its own top entry), in place or not, and each width's blocks called directly: the bits of each row alone.
    /// </summary>
    [Fact]
    public void Many_short_rows_from_the_output_in_one_call_give_the_bits_of_each_row_alone()
    {
        var failures = new List<string>();
        foreach (var group in Rows.Value.Where(r => r.Y.Length <= RowwiseDriver.MaxBlockColumns).GroupBy(r => r.Y.Length))
        {
            int n = group.Key;
            var rows = Enumerable.Range(0, Math.Max(48, group.Count())).Select(k => group.ElementAt(k % group.Count())).ToList();
            var y = rows.SelectMany(r => r.Y).ToArray();
            var dy = rows.SelectMany(r => r.Dy).ToArray();
            var calls = new[] { PublicFromOutput(y, dy, n, 0), PublicFromOutput(y, dy, n, 1), PublicFromOutput(y, dy, n, 2) };
            for (int r = 0; r < rows.Count; r++)
            {
                var alone = PublicFromOutput(rows[r].Y, rows[r].Dy, n, 0);
                for (int j = 0; j < n; j++)
                {
                    int i = (r * n) + j;
                    if (calls.Any(c => BitConverter.SingleToInt32Bits(c[i]) != BitConverter.SingleToInt32Bits(alone[j])))
                    {
                        failures.Add($"{rows[r].Label} [{j}]: {calls[0][i]:R} (over dy {calls[1][i]:R}, over y {calls[2][i]:R}) among {rows.Count} rows, {alone[j]:R} alone");
                    }
                }
            }

            if (Vector512.IsHardwareAccelerated) CheckBlocksFromOutput<V512<float>>(rows, n, failures);
            if (Vector256.IsHardwareAccelerated) CheckBlocksFromOutput<V256<float>>(rows, n, failures);
            if (Vector128.IsHardwareAccelerated) CheckBlocksFromOutput<V128<float>>(rows, n, failures);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} differences: {string.Join("; ", failures.Take(20))}");
    }

    /// <summary>A width's from-output blocks called directly: every block they take has the bits of the one-row path.</summary>
    private static void CheckBlocksFromOutput<TV>(List<Row> rows, int n, List<string> failures) where TV : struct, IVec<TV>
    {
        var y = rows.SelectMany(r => r.Y).ToArray();
        var dy = rows.SelectMany(r => r.Dy).ToArray();
        var dx = new float[y.Length];
        int done = SoftmaxCoreFloat.LogSoftmaxBackwardFromOutputBlocks<TV>(y, dy, dx, n);
        if (done == 0 && typeof(TV) != typeof(V256<float>) && n <= 16) failures.Add($"{typeof(TV).Name}: no block taken for rows of {n}");
        for (int r = 0; r < done / n; r++)
        {
            var alone = new float[n];
            bool taken = SoftmaxCoreFloat.LogSoftmaxBackwardFromOutput<S<float>>(rows[r].Y, rows[r].Dy, alone);
            if (!taken) failures.Add($"{typeof(TV).Name}: {rows[r].Label} taken by a from-output block but declined by the one-row path");
            else if (!Enumerable.Range(0, n).All(j => BitConverter.SingleToInt32Bits(alone[j]) == BitConverter.SingleToInt32Bits(dx[(r * n) + j])))
            {
                failures.Add($"{typeof(TV).Name}: {rows[r].Label} differs from the one-row path in a from-output block");
            }
        }
    }

    private static void AddOneRowFromOutput<TV>(List<(string, float[])> results, string width, Row row) where TV : struct, IVec<TV>
    {
        var dx = new float[row.Y.Length];
        if (SoftmaxCoreFloat.LogSoftmaxBackwardFromOutput<TV>(row.Y, row.Dy, dx)) results.Add((width, dx));
    }

    /// <summary>The public float backward from the output: into a new row (<paramref name="over"/> 0), over dy (1) or over y (2).</summary>
    private static float[] PublicFromOutput(float[] y, float[] dy, int columns, int over)
    {
        var f = ActivationCatalog.Create("log_softmax");
        var dx = over == 1 ? (float[])dy.Clone() : over == 2 ? (float[])y.Clone() : new float[y.Length];
        f.BackwardFromOutput(over == 2 ? dx : y, over == 1 ? dx : dy, dx, columns);
        return dx;
    }

    /// <summary>The tester's bfloat16 row: the dominant entry's gradient (4.42e−24) came out 0; it is now the nearest bfloat16 or next to it.</summary>
    [Fact]
    public void The_bfloat16_dominant_entry_keeps_its_gradient()
    {
        var f = ActivationCatalog.Create("softmax");
        BFloat16[] x = [(BFloat16)53.5f, (BFloat16)0.0334f];
        BFloat16[] dy = [(BFloat16)2.156f, (BFloat16)1.422f];
        var dx = new BFloat16[2];
        f.Backward(x, dy, dx, 2);
        // The exact value from mpmath for these bfloat16 inputs (53.5, 0.033447265625; 2.15625, 1.421875).
        var row = Rows.Value.Single(r => r.Label == "tester bf16 [53.5, 0.0334], dy [2.156, 1.422]");
        Assert.Equal(53.5f, (float)x[0]);
        Assert.Equal(row.X[1], (float)x[1]);
        Assert.Equal(row.Dy[0], (float)dy[0]);
        Assert.Equal(row.Dy[1], (float)dy[1]);
        for (int i = 0; i < 2; i++)
        {
            double ulp = Ulp.BFloat16(dx[i], row.Expected["softmax"][i].Value);
            Assert.True(ulp <= 0.51, $"dx[{i}] = {(float)dx[i]:R} against {row.Expected["softmax"][i].Value:R} ({ulp:F2} bfloat16 ULP)");
        }
    }

    /// <summary>A width's blocks called directly on the rows: every block they take has the bits of the one-row path.</summary>
    private static void CheckBlocks<TV>(string gradient, List<Row> rows, int n, List<string> failures) where TV : struct, IVec<TV>
    {
        var x = rows.SelectMany(r => r.X).ToArray();
        var dy = rows.SelectMany(r => r.Dy).ToArray();
        var dx = new float[x.Length];
        int done = gradient == "log_softmax"
            ? SoftmaxCoreFloat.LogSoftmaxBackwardBlocks<TV>(x, dy, dx, n)
            : SoftmaxCoreFloat.SoftmaxBackwardBlocks<TV>(x, dy, dx, n, gradient == "softmin" ? -1f : 1f);
        for (int r = 0; r < done / n; r++)
        {
            var alone = new float[n];
            bool taken = gradient == "log_softmax"
                ? SoftmaxCoreFloat.LogSoftmaxBackward<S<float>>(rows[r].X, rows[r].Dy, alone)
                : SoftmaxCoreFloat.SoftmaxBackward<S<float>>(rows[r].X, rows[r].Dy, alone, gradient == "softmin" ? -1f : 1f);
            if (!taken) failures.Add($"{typeof(TV).Name}: {rows[r].Label} taken by a block but declined by the one-row path");
            else if (!Enumerable.Range(0, n).All(j => BitConverter.SingleToInt32Bits(alone[j]) == BitConverter.SingleToInt32Bits(dx[(r * n) + j])))
            {
                failures.Add($"{typeof(TV).Name}: {rows[r].Label} differs from the one-row path in a block");
            }
        }
    }

    /// <summary>One width's one-row path, when it takes the row (rows it declines go to the double rows in the public call).</summary>
    private static void AddOneRow<TV>(List<(string, float[])> results, string width, string gradient, Row row) where TV : struct, IVec<TV>
    {
        var dx = new float[row.X.Length];
        bool taken = gradient == "log_softmax"
            ? SoftmaxCoreFloat.LogSoftmaxBackward<TV>(row.X, row.Dy, dx)
            : SoftmaxCoreFloat.SoftmaxBackward<TV>(row.X, row.Dy, dx, gradient == "softmin" ? -1f : 1f);
        if (taken) results.Add((width, dx));
    }

    private static float[] Public(string gradient, float[] x, float[] dy, int columns, bool inPlace)
    {
        var f = ActivationCatalog.Create(gradient);
        var dx = inPlace ? (float[])dy.Clone() : new float[x.Length];
        f.Backward(x, inPlace ? dx : dy, dx, columns);
        return dx;
    }

    /// <summary>The first entry at the maximum of sign·x.</summary>
    private static int Dominant(float[] x, int sign)
    {
        int at = 0;
        for (int i = 1; i < x.Length; i++)
        {
            if (sign * x[i] > sign * x[at]) at = i;
        }

        return at;
    }

    private static List<Row> Load() => RowGoldenFile.Read("softmax_gradients_float.txt", Build);

    private static Row Build(string label, Dictionary<string, string[]> arrays)
    {
        static float[] Floats(string[] tokens) => tokens.Select(t =>
        {
            double d = double.Parse(t, CultureInfo.InvariantCulture);
            float f = (float)d;
            if (f != d) throw new FormatException($"{t} is not a float");
            return f;
        }).ToArray();
        static (double, bool)[] Expected(string[] tokens) => tokens.Select(t => t == "z" ? (0.0, true) : (double.Parse(t, CultureInfo.InvariantCulture), false)).ToArray();

        var expected = new Dictionary<string, (double, bool)[]>(StringComparer.Ordinal);
        foreach (string name in new[] { "softmax", "softmin", "log_softmax", "log_softmax_from_output" }) expected[name] = Expected(arrays[name]);
        return new Row(label, Floats(arrays["x"]), Floats(arrays["dy"]), expected) { Y = Floats(arrays["y"]) };
    }
}
