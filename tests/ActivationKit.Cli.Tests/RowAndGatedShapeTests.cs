using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using ActivationKit.Plots;
using ActivationKit.Cli.IO;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// The CLI's handling of row-wise and gated shapes (columns, output width, plotted slices) checked with two small
/// test-only functions, independent of which row-wise and gated functions the catalog holds.
/// </summary>
public class RowAndGatedShapeTests
{
    [Fact]
    public void Rowwise_matrix_is_processed_row_by_row_and_the_gradient_keeps_the_input_shape()
    {
        var f = new CentreRows();
        var input = new InputData([1, 2, 3, 10, 20, 30], 2, 3, IsMatrix: true, Native: DType.F64);
        var (_, y, shape, outColumns) = Evaluation.Run(f, input, null, DType.F64, grad: false);
        Assert.Equal(3, outColumns);
        Assert.Equal([2, 3], shape);
        Assert.Equal([-1.0, 0, 1, -10, 0, 10], y);

        // One row when 1-D without --columns; --columns splits it.
        var flat = input with { Rows = 1, Columns = 6, IsMatrix = false };
        Assert.Equal([-10.0, -9, -8, -1, 9, 19], Evaluation.Run(f, flat, null, DType.F64, false).Result);
        Assert.Equal(y, Evaluation.Run(f, flat, 3, DType.F64, false).Result);

        var (_, dx, gradShape, _) = Evaluation.Run(f, input, null, DType.F32, grad: true);
        Assert.Equal([2, 3], gradShape);
        Assert.All(dx, v => Assert.Equal(0, v, 6));
        Assert.Throws<UsageException>(() => Evaluation.Run(f, input, 2, DType.F64, false));
        Assert.Throws<UsageException>(() => Evaluation.Run(f, flat, 4, DType.F64, false));
    }

    [Fact]
    public void Gated_output_has_half_the_columns_and_the_gradient_the_full_width()
    {
        var f = new ProductGate();
        var input = new InputData([2, 3, 4, 5, 6, 7, 8, 9], 2, 4, IsMatrix: true, Native: DType.F32);
        var (_, y, shape, outColumns) = Evaluation.Run(f, input, null, DType.F32, grad: false);
        Assert.Equal(2, outColumns);
        Assert.Equal([2, 2], shape);
        Assert.Equal([2.0 * 4, 3 * 5, 6 * 8, 7 * 9], y);

        var (_, dx, gradShape, _) = Evaluation.Run(f, input, null, DType.F16, grad: true);
        Assert.Equal([2, 4], gradShape);
        Assert.Equal([4.0, 5, 2, 3, 8, 9, 6, 7], dx);

        var flat = input with { Rows = 1, Columns = 8, IsMatrix = false };
        Assert.Equal([4], Evaluation.Run(f, flat, null, DType.F64, false).Shape);

        // 1-D input split into rows by --columns: the outputs are rows, as eval prints them (they were written flat).
        Assert.Equal([2, 2], Evaluation.Run(f, flat, 4, DType.F64, false).Shape);
        Assert.Equal([1, 4], Evaluation.Run(f, flat, 8, DType.F64, false).Shape);
        Assert.Equal([8], Evaluation.Run(f, flat, 4, DType.F64, grad: true).Shape);
    }

    [Fact]
    public void A_0_d_input_gives_a_0_d_result_and_a_1_d_input_split_into_rows_keeps_its_shape_when_outputs_pair_with_inputs()
    {
        var scalar = new InputData([4], 1, 1, IsMatrix: false, Native: DType.F64, IsScalar: true);
        Assert.Empty(Evaluation.Run(new CentreRows(), scalar, null, DType.F64, false).Shape);
        Assert.Empty(Evaluation.Run(new CentreRows(), scalar, null, DType.F64, grad: true).Shape);
        var flat = new InputData([1, 2, 3, 10, 20, 30], 1, 6, IsMatrix: false, Native: DType.F64);
        Assert.Equal([6], Evaluation.Run(new CentreRows(), flat, 3, DType.F64, false).Shape);
    }

    [Fact]
    public void Plots_slice_rowwise_and_gated_functions_sensibly()
    {
        double[] xs = [-1, 0, 2];
        var (y, dy, what) = Curves.Sample(new CentreRows(), xs);
        Assert.Contains("row (x, 0)", what, StringComparison.Ordinal);
        Assert.Equal([-0.5, 0, 1], y);      // (x, 0) centred: first entry x/2
        Assert.Equal([0.5, 0.5, 0.5], dy);  // ∂y0/∂x0 = 1 − 1/2

        var (g, dg, gatedWhat) = Curves.Sample(new ProductGate(), xs);
        Assert.Contains("[x | x]", gatedWhat, StringComparison.Ordinal);
        Assert.Equal([1.0, 0, 4], g);      // x·x
        Assert.Equal([-2.0, 0, 4], dg);    // d(x²)/dx
    }

    private static ActivationInfo Info(string name, ActivationKind kind) => new()
    {
        Name = name,
        DisplayName = name,
        Summary = "Test-only function.",
        Family = Family.Normalising,
        Kind = kind,
        Formula = "test",
        Derivative = "test",
        FormulaLatex = "test",
        DerivativeLatex = "test",
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.NotApplicable,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.Glorot,
        Gain = 1,
        Origin = new("test", 0),
    };

    /// <summary>Row-wise: subtracts the row mean (Jacobian I − 1/n, symmetric).</summary>
    private sealed class CentreRows() : Activation(Info("centre_rows", ActivationKind.Rowwise))
    {
        public override void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0)
        {
            var d = Array.ConvertAll(x.ToArray(), v => (double)v);
            var r = new double[d.Length];
            Forward(d, r, columns);
            for (int i = 0; i < r.Length; i++) y[i] = (float)r[i];
        }

        public override void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0)
        {
            int n = RowLength(x.Length, columns);
            for (int s = 0; s < x.Length; s += n)
            {
                double mean = 0;
                for (int i = 0; i < n; i++) mean += x[s + i] / n;
                for (int i = 0; i < n; i++) y[s + i] = x[s + i] - mean;
            }
        }

        public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0) =>
            Forward(dy, dx, columns);

        public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0) =>
            Forward(dy, dx, columns);
    }

    /// <summary>Gated: [a | b] → a·b.</summary>
    private sealed class ProductGate() : Activation(Info("product_gate", ActivationKind.Gated))
    {
        public override int OutputColumns(int columns) => columns / 2;

        public override void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0)
        {
            var r = new double[y.Length];
            Forward(Array.ConvertAll(x.ToArray(), v => (double)v), r, columns);
            for (int i = 0; i < r.Length; i++) y[i] = (float)r[i];
        }

        public override void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0)
        {
            int n = RowLength(x.Length, columns), h = n / 2;
            for (int s = 0, o = 0; s < x.Length; s += n, o += h)
            {
                for (int i = 0; i < h; i++) y[o + i] = x[s + i] * x[s + h + i];
            }
        }

        public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
        {
            var r = new double[dx.Length];
            Backward(Array.ConvertAll(x.ToArray(), v => (double)v), Array.ConvertAll(dy.ToArray(), v => (double)v), r, columns);
            for (int i = 0; i < r.Length; i++) dx[i] = (float)r[i];
        }

        public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
        {
            int n = RowLength(x.Length, columns), h = n / 2;
            for (int s = 0, o = 0; s < x.Length; s += n, o += h)
            {
                for (int i = 0; i < h; i++)
                {
                    dx[s + i] = dy[o + i] * x[s + h + i];
                    dx[s + h + i] = dy[o + i] * x[s + i];
                }
            }
        }
    }
}
