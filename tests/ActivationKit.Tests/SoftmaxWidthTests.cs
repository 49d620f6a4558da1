using System.Runtime.Intrinsics;
using ActivationKit.Accuracy;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Tests;

/// <summary>
/// The float softmax, softmin and log-softmax rows give the same bits at every register width: each width's
/// instantiation of the generic row code (Vector512, Vector256, Vector128, scalar) called directly in this process on
/// <see cref="SoftmaxWidthRows"/>, wherever the machine has the width and the row is at least one register long (as the
/// row driver requires). The ISA-matrix test of the tool checks the same through the runtime's switches, end to end.
/// </summary>
public class SoftmaxWidthTests
{
    private enum Op
    {
        Softmax,
        Softmin,
        LogSoftmax,
    }

    /// <summary>The outputs of one width for one row: whether each method took the row, and what it wrote.</summary>
    private sealed record Outputs(string Width, bool[] Taken, float[][] Values);

    private static readonly Lazy<List<SoftmaxWidthRows.Set>> RowSets = new(() => SoftmaxWidthRows.All(0.05).ToList());

    public static TheoryData<string> Sets()
    {
        var data = new TheoryData<string>();
        foreach (var set in RowSets.Value) data.Add(set.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void Every_width_gives_the_same_bits(string name)
    {
        var set = RowSets.Value.Single(s => s.Name == name);
        int n = set.Columns;
        int rows = set.X.Length / n;
        var failures = new List<string>();
        foreach (var op in Enum.GetValues<Op>())
        {
            for (int r = 0; r < rows; r++)
            {
                var x = set.X.AsSpan(r * n, n).ToArray();
                var dy = set.Dy.AsSpan(r * n, n).ToArray();
                // The second row of a pair: the next one, or the first for the last row.
                int next = (r + 1) % rows;
                var x1 = set.X.AsSpan(next * n, n).ToArray();
                var all = new List<Outputs>();
                if (Vector512.IsHardwareAccelerated && n >= 16) all.Add(Run<V512<float>>("Vector512", op, x, dy, x1));
                if (Vector256.IsHardwareAccelerated && n >= 8) all.Add(Run<V256<float>>("Vector256", op, x, dy, x1));
                if (Vector128.IsHardwareAccelerated && n >= 4) all.Add(Run<V128<float>>("Vector128", op, x, dy, x1));
                all.Add(Run<S<float>>("scalar", op, x, dy, x1));
                var first = all[0];
                foreach (var other in all.Skip(1))
                {
                    for (int k = 0; k < first.Taken.Length; k++)
                    {
                        if (first.Taken[k] != other.Taken[k])
                        {
                            failures.Add($"{op} row {r} output {k}: {first.Width} {(first.Taken[k] ? "took" : "declined")} it, {other.Width} not");
                        }
                        else if (first.Taken[k] && !Same(first.Values[k], other.Values[k]))
                        {
                            failures.Add($"{op} row {r} output {k}: {first.Width} and {other.Width} differ");
                        }
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} differences in {name}: {string.Join("; ", failures.Take(20))}");
    }

    /// <summary>
    /// One width's forward out of place and in place, the pair path (which must give the one-row path's bits where it
    /// takes the rows), the backward from the input out of place and over dy, and the backward from the output out of
    /// place and over dy, from a y that is the same for every width (softmax in double, rounded), so that it is
    /// compared on the same input.
    /// </summary>
    private static Outputs Run<TV>(string width, Op op, float[] x, float[] dy, float[] x1) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        float sign = op == Op.Softmin ? -1f : 1f;
        bool log = op == Op.LogSoftmax;
        var taken = new List<bool>();
        var values = new List<float[]>();

        var y = new float[n];
        taken.Add(SoftmaxCoreFloat.Forward<TV>(x, y, sign, log));
        values.Add(y);

        var inPlace = (float[])x.Clone();
        taken.Add(SoftmaxCoreFloat.Forward<TV>(inPlace, inPlace, sign, log));
        values.Add(inPlace);

        // The pair path: where it takes both rows, the same bits as each row alone.
        if (n > 2 * TV.Count)
        {
            var y0 = new float[n];
            var y1 = new float[n];
            bool pair = log
                ? SoftmaxCoreFloat.LogSoftmaxPair<TV>(x, y0, x1, y1)
                : SoftmaxCoreFloat.SoftmaxPair<TV>(x, y0, x1, y1, sign);
            var alone1 = new float[n];
            bool taken1 = SoftmaxCoreFloat.Forward<TV>(x1, alone1, sign, log);
            if (pair)
            {
                Assert.True(taken[0] && taken1, $"{width}: the pair path took rows the one-row path declines");
                Assert.True(Same(y, y0) && Same(alone1, y1), $"{width}: the pair path differs from the one-row path");
            }
        }

        // The backward from the input, out of place and over dy.
        var dxIn = new float[n];
        taken.Add(log ? SoftmaxCoreFloat.LogSoftmaxBackward<TV>(x, dy, dxIn) : SoftmaxCoreFloat.SoftmaxBackward<TV>(x, dy, dxIn, sign));
        values.Add(dxIn);
        var dxOverDy = (float[])dy.Clone();
        taken.Add(log ? SoftmaxCoreFloat.LogSoftmaxBackward<TV>(x, dxOverDy, dxOverDy) : SoftmaxCoreFloat.SoftmaxBackward<TV>(x, dxOverDy, dxOverDy, sign));
        values.Add(dxOverDy);

        // The backward from the output, on a y that does not depend on the width (a probability row, or its logarithm).
        var p = ProbabilityRow(x);
        var yIn = log ? Array.ConvertAll(p, v => MathF.Log(v)) : p;
        var dx = new float[n];
        taken.Add(log ? SoftmaxCoreFloat.LogSoftmaxBackwardFromOutput<TV>(yIn, dy, dx) : SoftmaxCoreFloat.SoftmaxBackwardFromOutput<TV>(yIn, dy, dx, sign));
        values.Add(dx);
        var overDy = (float[])dy.Clone();
        taken.Add(log ? SoftmaxCoreFloat.LogSoftmaxBackwardFromOutput<TV>(yIn, overDy, overDy) : SoftmaxCoreFloat.SoftmaxBackwardFromOutput<TV>(yIn, overDy, overDy, sign));
        values.Add(overDy);
        return new Outputs(width, taken.ToArray(), values.ToArray());
    }

    /// <summary>softmax(x) in double rounded to float (NaN for a row with a NaN or without a finite maximum).</summary>
    private static float[] ProbabilityRow(float[] x)
    {
        double m = double.NegativeInfinity;
        foreach (float v in x) m = Math.Max(m, v);
        var e = new double[x.Length];
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += e[i] = Math.Exp(x[i] - m);
        return Array.ConvertAll(e, v => (float)(v / s));
    }

    private static bool Same(float[] a, float[] b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]) && !(float.IsNaN(a[i]) && float.IsNaN(b[i]))) return false;
        }

        return true;
    }
}
