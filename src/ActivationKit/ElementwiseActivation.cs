using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;

namespace ActivationKit;

/// <summary>An element-wise activation: y[i] = f(x[i]). Adds a scalar reference for accuracy checks.</summary>
public abstract class ElementwiseActivation : Activation
{
    /// <inheritdoc />
    protected ElementwiseActivation(ActivationInfo info, params double[] parameters)
        : base(info, parameters)
    {
    }

    /// <summary>
    /// f(x) in double precision by an independent, plainly written formula (System.Math and <see cref="ReferenceMath"/>):
    /// the yardstick float kernels are measured against. Far finer than a float ULP: within 8 double ULP of mpmath at
    /// the golden inputs, and off by up to about 10³ double ULP (10⁻⁶ of a float ULP) in some deep tails (gelu_tanh
    /// near −19.3), so it measures float kernels, not double ones (those are checked against mpmath directly).
    /// </summary>
    public abstract double Reference(double x);

    /// <summary>f′(x) in double precision, independent of the kernels.</summary>
    public abstract double ReferenceDerivative(double x);

    /// <summary>
    /// The function the float kernels compute, whose <see cref="Reference"/> float results are measured against: this
    /// instance, or for functions that round their parameters to the data's precision by definition (as PyTorch does:
    /// the shrinks' λ, hardtanh's bounds, leaky_relu's slope, the thresholds) the same function with its parameters
    /// rounded to float. Next to softshrink(λ = 0.3)'s λ, x − float(λ) differs from x − λ by thousands of ULPs of the
    /// small result, which is the definition and not an error of the kernel.
    /// </summary>
    public virtual ElementwiseActivation ForFloatData => this;

    /// <summary>Whether <paramref name="value"/> is a float already (or beyond the floats, where it is kept).</summary>
    protected static bool IsFloat(double value) => AsFloat(value).Equals(value);

    /// <summary><paramref name="value"/> rounded to float, or itself where that would overflow to ±∞.</summary>
    protected static double AsFloat(double value) => float.IsFinite((float)value) || !double.IsFinite(value) ? (float)value : value;
}

/// <summary>
/// An element-wise activation whose arithmetic is the kernel struct <typeparamref name="TKernel"/>; every overload is
/// the shared <see cref="ElementwiseDriver"/> running that kernel. A function file only declares its info, its
/// kernel and its reference.
/// </summary>
public abstract class ElementwiseActivation<TKernel> : ElementwiseActivation
    where TKernel : struct, IUnaryKernel
{
    /// <inheritdoc />
    protected ElementwiseActivation(ActivationInfo info, params double[] parameters)
        : base(info, parameters)
    {
    }

    /// <summary>The kernel holding this instance's parameters.</summary>
    protected abstract TKernel Kernel { get; }

    // Float, Half and BFloat16 data's forward and backward from the input through another kernel, where this instance's
    // parameters have float lanes of their own (swish's and softplus's β ≠ 1); null runs Kernel for them.
    private FloatKernelRoute? _floatRoute;

    /// <summary>
    /// Sends this instance's float, Half and BFloat16 forward and backward (from the input) to <paramref name="kernel"/>
    /// instead of <see cref="Kernel"/>, whose double data and any other call it keeps; called once, from the constructor.
    /// </summary>
    private protected void RouteFloatDataTo<TOther>(TOther kernel) where TOther : struct, IUnaryKernel
        => _floatRoute = new FloatKernelRoute<TOther>(kernel);

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0)
    {
        RequireColumns(columns);
        if (_floatRoute is { } route) route.Forward(x, y);
        else ElementwiseDriver.Forward(Kernel, x, y);
    }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0)
    {
        RequireColumns(columns);
        ElementwiseDriver.Forward(Kernel, x, y);
    }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<Half> x, Span<Half> y, int columns = 0)
    {
        RequireColumns(columns);
        if (_floatRoute is { } route) route.Forward(x, y);
        else ElementwiseDriver.Forward(Kernel, x, y);
    }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<BFloat16> x, Span<BFloat16> y, int columns = 0)
    {
        RequireColumns(columns);
        if (_floatRoute is { } route) route.Forward(x, y);
        else ElementwiseDriver.Forward(Kernel, x, y);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
    {
        RequireColumns(columns);
        if (_floatRoute is { } route) route.Backward(x, dy, dx);
        else ElementwiseDriver.Backward(Kernel, x, dy, dx);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
    {
        RequireColumns(columns);
        ElementwiseDriver.Backward(Kernel, x, dy, dx);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<Half> x, ReadOnlySpan<Half> dy, Span<Half> dx, int columns = 0)
    {
        RequireColumns(columns);
        if (_floatRoute is { } route) route.Backward(x, dy, dx);
        else ElementwiseDriver.Backward(Kernel, x, dy, dx);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<BFloat16> x, ReadOnlySpan<BFloat16> dy, Span<BFloat16> dx, int columns = 0)
    {
        RequireColumns(columns);
        if (_floatRoute is { } route) route.Backward(x, dy, dx);
        else ElementwiseDriver.Backward(Kernel, x, dy, dx);
    }
}

/// <summary>An element-wise activation whose derivative is also a function of its output (sigmoid, tanh, ReLU family…).</summary>
public abstract class OutputGradientActivation<TKernel> : ElementwiseActivation<TKernel>
    where TKernel : struct, IOutputGradientKernel
{
    /// <inheritdoc />
    protected OutputGradientActivation(ActivationInfo info, params double[] parameters)
        : base(info, parameters)
    {
    }

    /// <inheritdoc />
    public override bool SupportsBackwardFromOutput => true;

    /// <summary>
    /// Throws a <see cref="NotSupportedException"/> naming the reason when this instance's parameters make the output
    /// ambiguous (<see cref="SupportsBackwardFromOutput"/> false: leaky_relu with a negative slope, elu with α &lt; 0, …);
    /// every precision's <c>BackwardFromOutput</c> calls it first.
    /// </summary>
    protected virtual void RequireBackwardFromOutput()
    {
    }

    /// <inheritdoc />
    public override void BackwardFromOutput(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
    {
        RequireBackwardFromOutput();
        RequireColumns(columns);
        ElementwiseDriver.BackwardFromOutput(Kernel, y, dy, dx);
    }

    /// <inheritdoc />
    public override void BackwardFromOutput(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
    {
        RequireBackwardFromOutput();
        RequireColumns(columns);
        ElementwiseDriver.BackwardFromOutput(Kernel, y, dy, dx);
    }

    /// <inheritdoc />
    public override void BackwardFromOutput(ReadOnlySpan<Half> y, ReadOnlySpan<Half> dy, Span<Half> dx, int columns = 0)
    {
        RequireBackwardFromOutput();
        RequireColumns(columns);
        ElementwiseDriver.BackwardFromOutput(Kernel, y, dy, dx);
    }

    /// <inheritdoc />
    public override void BackwardFromOutput(ReadOnlySpan<BFloat16> y, ReadOnlySpan<BFloat16> dy, Span<BFloat16> dx, int columns = 0)
    {
        RequireBackwardFromOutput();
        RequireColumns(columns);
        ElementwiseDriver.BackwardFromOutput(Kernel, y, dy, dx);
    }
}

/// <summary>
/// The element-wise driver's float, Half and BFloat16 forward and backward for a kernel other than an activation's own
/// (<see cref="ElementwiseActivation{TKernel}"/>'s float route): one object per activation instance, made with it.
/// </summary>
internal abstract class FloatKernelRoute
{
    public abstract void Forward(ReadOnlySpan<float> x, Span<float> y);

    public abstract void Forward(ReadOnlySpan<Half> x, Span<Half> y);

    public abstract void Forward(ReadOnlySpan<BFloat16> x, Span<BFloat16> y);

    public abstract void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx);

    public abstract void Backward(ReadOnlySpan<Half> x, ReadOnlySpan<Half> dy, Span<Half> dx);

    public abstract void Backward(ReadOnlySpan<BFloat16> x, ReadOnlySpan<BFloat16> dy, Span<BFloat16> dx);
}

/// <summary><see cref="FloatKernelRoute"/> for the kernel <typeparamref name="TKernel"/>.</summary>
internal sealed class FloatKernelRoute<TKernel>(TKernel kernel) : FloatKernelRoute
    where TKernel : struct, IUnaryKernel
{
    public override void Forward(ReadOnlySpan<float> x, Span<float> y) => ElementwiseDriver.Forward(kernel, x, y);

    public override void Forward(ReadOnlySpan<Half> x, Span<Half> y) => ElementwiseDriver.Forward(kernel, x, y);

    public override void Forward(ReadOnlySpan<BFloat16> x, Span<BFloat16> y) => ElementwiseDriver.Forward(kernel, x, y);

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) => ElementwiseDriver.Backward(kernel, x, dy, dx);

    public override void Backward(ReadOnlySpan<Half> x, ReadOnlySpan<Half> dy, Span<Half> dx) => ElementwiseDriver.Backward(kernel, x, dy, dx);

    public override void Backward(ReadOnlySpan<BFloat16> x, ReadOnlySpan<BFloat16> dy, Span<BFloat16> dx) => ElementwiseDriver.Backward(kernel, x, dy, dx);
}
