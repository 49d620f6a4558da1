using ActivationKit.Catalog;
using ActivationKit.Kernels;
using System.Globalization;

namespace ActivationKit;

/// <summary>
/// A gated activation (GLU family): each input row of <c>columns</c> elements is split into halves x = [a | b] and
/// the output row of <c>columns/2</c> elements is a ⊙ g(b), with g an element-wise gate function.
/// </summary>
/// <remarks>
/// <para>
/// Halves: the FIRST half a is the value (passed linearly), the SECOND half b goes through the gate, as in PyTorch's
/// <c>F.glu(x, dim=-1)</c>, Keras' <c>glu</c> and JAX's <c>jax.nn.glu</c>. Fused projections that put the gate first
/// (e.g. a concatenated [W_gate | W_up]) must swap the halves.
/// </para>
/// <para>
/// <c>columns</c> must be even (<see cref="ArgumentException"/> otherwise); <c>columns = 0</c> means one row.
/// <see cref="Activation.Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> takes x (rows of
/// <c>columns</c>), dy (rows of <c>columns/2</c>) and writes dx with x's shape: [dA | dB] = [dy ⊙ g(b) | dy ⊙ a ⊙ g′(b)].
/// The forward output must not overlap the input; dx may be x itself. The derivative needs a, so there is no backward
/// from the output. IEEE products apply: 0·g(b) with g(b) = ±∞ is NaN (ReGLU's dB is the exception: relu′ selects, see <see cref="Functions.Reglu"/>). The catalog's <c>Kinks</c> and
/// <c>DerivativeZeros</c> refer to the gate input b.
/// </para>
/// </remarks>
public abstract class GatedActivation : Activation
{
    /// <inheritdoc />
    protected GatedActivation(ActivationInfo info, params double[] parameters)
        : base(info, parameters)
    {
    }

    /// <summary>Half of <paramref name="columns"/> (a row's real length, as for <see cref="Activation.OutputColumns"/>); throws <see cref="ArgumentException"/> when it is odd or negative.</summary>
    public override int OutputColumns(int columns)
    {
        if (columns < 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{Name}: columns must be ≥ 0, got {columns}."), nameof(columns));
        if (columns % 2 != 0) ThrowOddRow(columns, columns);
        return columns / 2;
    }

    /// <summary>The gate g(b) in double precision, plainly written (independent of the kernels).</summary>
    public abstract double ReferenceGate(double b);

    /// <summary>The gate's derivative g′(b) in double precision, plainly written.</summary>
    public abstract double ReferenceGateDerivative(double b);

    /// <summary>One output row a ⊙ g(b) from one input row [a | b], in double by the plain reference.</summary>
    public void ReferenceRow(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length % 2 != 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{Name}: the input row must have an even number of elements to split into halves [a | b], got {x.Length}."), nameof(x));
        int h = x.Length / 2;
        if (y.Length != h) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{Name}: the output row must have {h} elements, got {y.Length}."), nameof(y));
        for (int j = 0; j < h; j++) y[j] = x[j] * ReferenceGate(x[h + j]);
    }

    /// <summary>One gradient row [dA | dB] from one input row [a | b] and the output gradient dy, in double.</summary>
    public void ReferenceBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx)
    {
        int h = OutputColumns(x.Length);
        if (dy.Length != h || dx.Length != x.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{Name}: dy must have {h} elements and dx {x.Length}."), nameof(dx));
        }

        for (int j = 0; j < h; j++)
        {
            double a = x[j];
            double b = x[h + j];
            dx[j] = dy[j] * ReferenceGate(b);
            dx[h + j] = dy[j] * a * ReferenceGateDerivative(b);
        }
    }

    /// <summary>The half width for a buffer of <paramref name="length"/> inputs and the caller's <paramref name="columns"/>.</summary>
    protected int HalfColumns(int length, int columns)
    {
        int row = RowLength(length, columns);
        if (row % 2 != 0) ThrowOddRow(length, columns);
        return row / 2;
    }

    /// <summary>
    /// The odd-row message in the caller's terms: with <c>columns = 0</c> the row is the whole buffer, so the message says
    /// so instead of reporting a <c>columns</c> the caller never passed.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ThrowOddRow(int length, int columns) => throw new ArgumentException(
        columns == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Name}: columns = 0 means one row of all {length} elements, which cannot be split into halves [a | b]; a row must have an even number of elements (pass columns).")
            : string.Create(CultureInfo.InvariantCulture, $"{Name}: columns must be even to split each row into halves [a | b], got {columns}."),
        nameof(columns));
}

/// <summary>
/// A gated activation whose gate is the element-wise kernel <typeparamref name="TGateKernel"/> (sigmoid for GLU, ReLU
/// for ReGLU, SiLU for SwiGLU, GELU for GEGLU…), run by the shared <see cref="GatedDriver"/>. A function file declares
/// its info, names its gate kernel and writes the gate's reference.
/// </summary>
public abstract class GatedActivation<TGateKernel> : GatedActivation
    where TGateKernel : struct, IUnaryKernel
{
    /// <inheritdoc />
    protected GatedActivation(ActivationInfo info, params double[] parameters)
        : base(info, parameters)
    {
    }

    /// <summary>The gate kernel holding this instance's parameters.</summary>
    protected abstract TGateKernel Gate { get; }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0)
    {
        int h = HalfColumns(x.Length, columns);
        if (x.Length == 0)
        {
            CheckEmpty(y.Length, nameof(y));
            return;
        }

        GatedDriver.Forward(Gate, x, y, h);
    }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0)
    {
        int h = HalfColumns(x.Length, columns);
        if (x.Length == 0)
        {
            CheckEmpty(y.Length, nameof(y));
            return;
        }

        GatedDriver.Forward(Gate, x, y, h);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
    {
        int h = HalfColumns(x.Length, columns);
        if (x.Length == 0)
        {
            CheckEmpty(dy.Length + dx.Length, dy.Length != 0 ? nameof(dy) : nameof(dx));
            return;
        }

        GatedDriver.Backward(Gate, x, dy, dx, h);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
    {
        int h = HalfColumns(x.Length, columns);
        if (x.Length == 0)
        {
            CheckEmpty(dy.Length + dx.Length, dy.Length != 0 ? nameof(dy) : nameof(dx));
            return;
        }

        GatedDriver.Backward(Gate, x, dy, dx, h);
    }

    private void CheckEmpty(int otherLength, string parameter)
    {
        if (otherLength != 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{Name}: the input is empty, so the other buffers must be empty too."), parameter);
    }
}
