using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Numerics;

namespace ActivationKit;

/// <summary>
/// An activation function bound to its parameter values. Obtain one from <see cref="ActivationCatalog.Create(string)"/>
/// (e.g. <c>"leaky_relu(0.2)"</c>) or construct a function class directly (<c>new LeakyRelu(0.2)</c>).
/// </summary>
/// <remarks>
/// Buffers are row-major [rows × columns]. Element-wise functions ignore <c>columns</c>; row-wise functions
/// (softmax…) work over each row of <c>columns</c> elements; gated functions (GLU…) split each input row of
/// <c>columns</c> elements into halves and write rows of <c>columns/2</c>. <c>columns = 0</c> means one row.
/// Outputs may be the input span itself (in place) but must not partially overlap it.
/// </remarks>
public abstract class Activation
{
    private readonly double[] _parameters;

    /// <summary>Binds the parameter values, validating each against its <see cref="ParameterSpec"/>.</summary>
    protected Activation(ActivationInfo info, params double[] parameters)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (parameters.Length != info.Parameters.Count)
        {
            throw new ArgumentException($"{info.Name} takes {info.Parameters.Count} parameter(s), got {parameters.Length}.", nameof(parameters));
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            info.Parameters[i].Validate(parameters[i], info.Name);
        }

        Info = info;
        _parameters = parameters;
    }

    /// <summary>What the catalog knows about this function.</summary>
    public ActivationInfo Info { get; }

    /// <summary>Canonical name.</summary>
    public string Name => Info.Name;

    /// <summary>The bound parameter values, in the order of <see cref="ActivationInfo.Parameters"/>.</summary>
    public IReadOnlyList<double> Parameters => _parameters;

    /// <summary>True when <see cref="BackwardFromOutput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> is available.</summary>
    public virtual bool SupportsBackwardFromOutput => false;

    /// <summary>Number of output columns for an input row of <paramref name="columns"/> elements.</summary>
    public virtual int OutputColumns(int columns) => columns;

    /// <summary>
    /// The channels of a function with one parameter per channel (prelu(num_parameters=C): C): a call on more than one
    /// value needs rows of exactly this many columns. 1 when any row length works.
    /// </summary>
    public virtual int Channels => 1;

    /// <summary>y = f(x) over float data.</summary>
    public abstract void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0);

    /// <summary>y = f(x) over double data.</summary>
    public abstract void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0);

    /// <summary>y = f(x) over Half data (computed in float, rounded once).</summary>
    public virtual void Forward(ReadOnlySpan<Half> x, Span<Half> y, int columns = 0)
        => ThroughSingle(x, y, columns, static (a, b, c, self) => self.Forward(a, b, c));

    /// <summary>y = f(x) over BFloat16 data (computed in float, rounded to nearest even).</summary>
    public virtual void Forward(ReadOnlySpan<BFloat16> x, Span<BFloat16> y, int columns = 0)
        => ThroughSingle(x, y, columns, static (a, b, c, self) => self.Forward(a, b, c));

    /// <summary>dx = dy·∂f/∂x from the input x (row-wise: the Jacobian-vector product; gated: dx has twice dy's columns).</summary>
    public abstract void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0);

    /// <summary>dx = dy·∂f/∂x from the input x, double.</summary>
    public abstract void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0);

    /// <summary>dx = dy·∂f/∂x for Half data (computed in float, rounded once); gated: dx has twice dy's columns.</summary>
    public virtual void Backward(ReadOnlySpan<Half> x, ReadOnlySpan<Half> dy, Span<Half> dx, int columns = 0)
        => BackwardThroughSingle(x, dy, dx, columns);

    /// <summary>dx = dy·∂f/∂x for BFloat16 data (computed in float, rounded to nearest even).</summary>
    public virtual void Backward(ReadOnlySpan<BFloat16> x, ReadOnlySpan<BFloat16> dy, Span<BFloat16> dx, int columns = 0)
        => BackwardThroughSingle(x, dy, dx, columns);

    /// <summary>dx from the output y = f(x), so the forward can run in place. Check <see cref="SupportsBackwardFromOutput"/>.</summary>
    public virtual void BackwardFromOutput(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
        => throw new NotSupportedException($"{Name}: the derivative is not a function of the output; use Backward with the input.");

    /// <summary>dx from the output y = f(x), double.</summary>
    public virtual void BackwardFromOutput(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
        => throw new NotSupportedException($"{Name}: the derivative is not a function of the output; use Backward with the input.");

    /// <summary>The spec string that recreates this instance, e.g. <c>leaky_relu(negative_slope=0.2)</c>.</summary>
    public override string ToString()
    {
        if (_parameters.Length == 0) return Name;
        var parts = Info.Parameters.Select((p, i) => $"{p.Name}={_parameters[i].ToString("R", CultureInfo.InvariantCulture)}");
        return $"{Name}({string.Join(", ", parts)})";
    }

    /// <summary>Checks that a row-wise or gated buffer of <paramref name="length"/> elements splits into rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected int RowLength(int length, int columns, string argumentName = "columns")
    {
        if (columns == 0) return length;
        if (columns < 0 || length % columns != 0) ThrowRowLength(length, columns, argumentName);
        return columns;
    }

    /// <summary>The message of <see cref="RowLength"/>, out of line so the check builds nothing per call.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowRowLength(int length, int columns, string argumentName)
        => throw new ArgumentException(
            columns < 0 ? $"{Name}: columns must be ≥ 0, got {columns}." : $"{Name}: a buffer of {length} elements is not a whole number of rows of {columns} columns.",
            argumentName);

    private void BackwardThroughSingle<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, int columns)
        where T : unmanaged
    {
        if (dx.Length != x.Length)
        {
            throw new ArgumentException($"{Name}: dx has {dx.Length} elements but x has {x.Length}; they must be equal.", nameof(dx));
        }

        float[] a = ArrayPool<float>.Shared.Rent(Math.Max(1, x.Length));
        float[] g = ArrayPool<float>.Shared.Rent(Math.Max(1, dy.Length));
        float[] r = ArrayPool<float>.Shared.Rent(Math.Max(1, dx.Length));
        try
        {
            var fa = a.AsSpan(0, x.Length);
            var fg = g.AsSpan(0, dy.Length);
            var fr = r.AsSpan(0, dx.Length);
            LowPrecision.ToSingle(x, fa);
            LowPrecision.ToSingle(dy, fg);
            Backward(fa, fg, fr, columns);
            LowPrecision.FromSingle(fr, dx);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(a);
            ArrayPool<float>.Shared.Return(g);
            ArrayPool<float>.Shared.Return(r);
        }
    }

    private delegate void SingleCall(ReadOnlySpan<float> x, Span<float> y, int columns, Activation self);

    private void ThroughSingle<T>(ReadOnlySpan<T> x, Span<T> y, int columns, SingleCall call)
        where T : unmanaged
    {
        int inCols = RowLength(x.Length, columns);
        int rows = x.Length == 0 ? 0 : x.Length / inCols;
        int outLen = rows * OutputColumns(inCols);
        if (y.Length != outLen)
        {
            throw new ArgumentException($"{Name}: the destination has {y.Length} elements but {outLen} are produced.", "y");
        }

        float[] a = ArrayPool<float>.Shared.Rent(Math.Max(1, x.Length));
        float[] b = ArrayPool<float>.Shared.Rent(Math.Max(1, outLen));
        try
        {
            LowPrecision.ToSingle(x, a.AsSpan(0, x.Length));
            call(a.AsSpan(0, x.Length), b.AsSpan(0, outLen), columns, this);
            LowPrecision.FromSingle(b.AsSpan(0, outLen), y);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(a);
            ArrayPool<float>.Shared.Return(b);
        }
    }
}
