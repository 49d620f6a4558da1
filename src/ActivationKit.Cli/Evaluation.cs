using ActivationKit.Cli.IO;
using ActivationKit.Numerics;

namespace ActivationKit.Cli;

/// <summary>
/// The one evaluation path of <c>eval</c> (and the hidden <c>hashes</c>): shape handling and precision dispatch
/// around the library's Forward/Backward. No arithmetic of its own beyond storage conversions.
/// </summary>
public static class Evaluation
{
    /// <summary>
    /// Runs f (or its backward with dy = 1) over <paramref name="input"/> at <paramref name="dtype"/>. A matrix is
    /// processed row by row (its column count wins; a conflicting <paramref name="columnsOption"/> is an error);
    /// 1-D input is one row unless <paramref name="columnsOption"/> splits it.
    /// </summary>
    /// <returns>
    /// The inputs as the kernel saw them (rounded to dtype), the result, its shape and the output row length. The shape
    /// is what eval prints: a matrix's rows × outputs (× inputs for a gradient); for 1-D input split by
    /// <paramref name="columnsOption"/>, the rows × outputs of a gated forward (printed as rows, as its outputs do not
    /// pair with the inputs), else 1-D as the input; () for a 0-d input. A gated forward on 1-D rows used to be written
    /// flat, and a 0-d input back as shape (1,).
    /// </returns>
    public static (double[] X, double[] Result, int[] Shape, int OutColumns) Run(Activation f, InputData input, int? columnsOption, DType dtype, bool grad)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(input);
        int columns = RowLength(input, columnsOption);

        int rows = input.Values.Length / columns;
        int outColumns = f.OutputColumns(columns);
        var x = Round(input.Values, dtype);
        var result = grad ? Backward(f, x, rows * outColumns, columns, dtype) : Forward(f, x, rows * outColumns, columns, dtype);
        int[] shape = input.IsMatrix ? [rows, grad ? columns : outColumns]
            : input.IsScalar && result.Length == 1 ? []
            : columnsOption is not null && result.Length != input.Values.Length ? [rows, outColumns]
            : [result.Length];
        return (x, result, shape, outColumns);
    }

    /// <summary>
    /// dx = <see cref="Activation.BackwardFromOutput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> at
    /// <paramref name="dtype"/> with dy = 1 (as <see cref="Run"/>'s backward), y being that precision's own forward of
    /// the input, rows as <see cref="Run"/> takes them. Each precision goes through its own library overload, so f16 and
    /// bf16 check the path a caller of those overloads gets: y known only to that precision.
    /// </summary>
    public static double[] RunBackwardFromOutput(Activation f, InputData input, int? columnsOption, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(input);
        int columns = RowLength(input, columnsOption);
        int outLength = input.Values.Length / columns * f.OutputColumns(columns);
        var x = Round(input.Values, dtype);
        // Forward's result is exact at dtype, so converting it back below loses nothing.
        var y = Forward(f, x, outLength, columns, dtype);
        switch (dtype)
        {
            case DType.F64:
                {
                    var dx = new double[x.Length];
                    f.BackwardFromOutput(y, Enumerable.Repeat(1.0, outLength).ToArray(), dx, columns);
                    return dx;
                }

            case DType.F32:
                {
                    var dx = new float[x.Length];
                    f.BackwardFromOutput(y.Select(a => (float)a).ToArray(), Enumerable.Repeat(1f, outLength).ToArray(), dx, columns);
                    return dx.Select(a => (double)a).ToArray();
                }

            case DType.F16:
                {
                    var dx = new Half[x.Length];
                    f.BackwardFromOutput(y.Select(a => (Half)a).ToArray(), Enumerable.Repeat(Half.One, outLength).ToArray(), dx, columns);
                    return dx.Select(a => (double)a).ToArray();
                }

            default:
                {
                    var dx = new BFloat16[x.Length];
                    f.BackwardFromOutput(y.Select(a => (BFloat16)a).ToArray(), Enumerable.Repeat((BFloat16)1.0, outLength).ToArray(), dx, columns);
                    return dx.Select(a => (double)a).ToArray();
                }
        }
    }

    /// <summary>The --columns rule of eval and hashes: null when <paramref name="columns"/> is absent or at least 1, else the message.</summary>
    public static string? ColumnsOptionError(int? columns) => columns is <= 0 ? $"--columns must be at least 1, got {columns}." : null;

    /// <summary>
    /// The row length <see cref="Run"/> uses for <paramref name="input"/>: a matrix's column count (a conflicting
    /// <paramref name="columnsOption"/> is an error), else <paramref name="columnsOption"/> if it splits the values
    /// into whole rows, else the whole input as one row. Throws <see cref="UsageException"/> for an empty input or an
    /// option that does not fit.
    /// </summary>
    public static int RowLength(InputData input, int? columnsOption)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Values.Length == 0) throw new UsageException("The input holds no values.");
        if (input.IsMatrix)
        {
            if (columnsOption is { } c && c != input.Columns)
            {
                throw new UsageException($"--columns {c} conflicts with the input's 2-D shape ({input.Rows}, {input.Columns}).");
            }

            return input.Columns;
        }

        int columns = columnsOption ?? input.Values.Length;
        if (ColumnsOptionError(columns) is { } error) throw new UsageException(error);
        if (input.Values.Length % columns != 0)
        {
            throw new UsageException($"--columns {columns} does not split the {input.Values.Length} input values into whole rows.");
        }

        return columns;
    }

    /// <summary>The inputs as the kernel will see them: rounded to the storage precision.</summary>
    public static double[] Round(double[] v, DType dtype) => dtype switch
    {
        DType.F64 => v,
        DType.F32 => v.Select(a => (double)(float)a).ToArray(),
        DType.F16 => v.Select(a => (double)(Half)a).ToArray(),
        _ => v.Select(a => (double)(BFloat16)a).ToArray(),
    };

    private static double[] Forward(Activation f, double[] x, int outLength, int columns, DType dtype)
    {
        switch (dtype)
        {
            case DType.F64:
                {
                    var y = new double[outLength];
                    f.Forward(x, y, columns);
                    return y;
                }

            case DType.F32:
                {
                    var y = new float[outLength];
                    f.Forward(x.Select(a => (float)a).ToArray(), y, columns);
                    return y.Select(a => (double)a).ToArray();
                }

            case DType.F16:
                {
                    var y = new Half[outLength];
                    f.Forward(x.Select(a => (Half)a).ToArray(), y, columns);
                    return y.Select(a => (double)a).ToArray();
                }

            default:
                {
                    var y = new BFloat16[outLength];
                    f.Forward(x.Select(a => (BFloat16)a).ToArray(), y, columns);
                    return y.Select(a => (double)a).ToArray();
                }
        }
    }

    private static double[] Backward(Activation f, double[] x, int outLength, int columns, DType dtype)
    {
        if (dtype == DType.F64)
        {
            var dx = new double[x.Length];
            f.Backward(x, Enumerable.Repeat(1.0, outLength).ToArray(), dx, columns);
            return dx;
        }

        // float, and f16/bf16 as the drivers do it: widen to float, run the float kernel, round once.
        var dxf = new float[x.Length];
        f.Backward(x.Select(a => (float)a).ToArray(), Enumerable.Repeat(1f, outLength).ToArray(), dxf, columns);
        return dtype switch
        {
            DType.F16 => dxf.Select(a => (double)(Half)a).ToArray(),
            DType.BF16 => dxf.Select(a => (double)(BFloat16)a).ToArray(),
            _ => dxf.Select(a => (double)a).ToArray(),
        };
    }
}
