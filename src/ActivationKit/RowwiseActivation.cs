using ActivationKit.Catalog;
using ActivationKit.Kernels;
using System.Globalization;

namespace ActivationKit;

/// <summary>
/// A row-wise activation: each output row depends on the whole input row of <c>columns</c> elements (softmax,
/// log-softmax, softmin, sparsemax). Adds plainly written double references of one row for accuracy checks.
/// </summary>
public abstract class RowwiseActivation : Activation
{
    /// <inheritdoc />
    protected RowwiseActivation(ActivationInfo info, params double[] parameters)
        : base(info, parameters)
    {
    }

    /// <summary>
    /// f of one row in double precision by an independent, plainly written scalar algorithm (System.Math and
    /// <see cref="Numerics.ReferenceMath"/>): the yardstick the kernels are measured against.
    /// </summary>
    /// <param name="x">One input row.</param>
    /// <param name="y">The output row, as long as <paramref name="x"/>.</param>
    public abstract void ReferenceRow(ReadOnlySpan<double> x, Span<double> y);

    /// <summary>The Jacobian-vector product dx = Jᵀ·dy of one row at x, plainly written in double.</summary>
    public abstract void ReferenceBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx);
}

/// <summary>
/// A row-wise activation whose arithmetic is the row kernel <typeparamref name="TKernel"/>, run by the shared
/// <see cref="RowwiseDriver"/>. <c>columns = 0</c> means the whole buffer is one row.
/// </summary>
public abstract class RowwiseActivation<TKernel> : RowwiseActivation
    where TKernel : struct, IRowKernel
{
    /// <inheritdoc />
    protected RowwiseActivation(ActivationInfo info, params double[] parameters)
        : base(info, parameters)
    {
    }

    /// <summary>The kernel holding this instance's parameters.</summary>
    protected abstract TKernel Kernel { get; }

    /// <inheritdoc />
    public override bool SupportsBackwardFromOutput => true;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0)
    {
        int n = RowLength(x.Length, columns);
        CheckOutput(x.Length, y.Length, "y");
        RowwiseDriver.Forward(Kernel, x, y, Math.Max(n, 1));
    }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0)
    {
        int n = RowLength(x.Length, columns);
        CheckOutput(x.Length, y.Length, "y");
        RowwiseDriver.Forward(Kernel, x, y, Math.Max(n, 1));
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
        => RowwiseDriver.Backward(Kernel, x, dy, dx, Math.Max(RowLength(x.Length, columns), 1));

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
        => RowwiseDriver.Backward(Kernel, x, dy, dx, Math.Max(RowLength(x.Length, columns), 1));

    /// <inheritdoc />
    public override void BackwardFromOutput(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
        => RowwiseDriver.BackwardFromOutput(Kernel, y, dy, dx, Math.Max(RowLength(y.Length, columns), 1));

    /// <inheritdoc />
    public override void BackwardFromOutput(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
        => RowwiseDriver.BackwardFromOutput(Kernel, y, dy, dx, Math.Max(RowLength(y.Length, columns), 1));

    private void CheckOutput(int inputLength, int outputLength, string name)
    {
        if (inputLength != outputLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{Name}: the destination has {outputLength} elements but the input has {inputLength}; they must be equal."), name);
        }
    }
}
