using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Log-softmax over the last dimension: y_i = x_i − log Σ_j e^(x_j), the log-probabilities of <see cref="Softmax"/>;
/// the numerically sound input to a negative log-likelihood loss.
/// </summary>
/// <remarks>
/// <para>
/// Evaluated as (x_i − m) − log1p(s′) with m = max x and s′ = Σ_j e^(x_j − m) − 1 formed without cancellation (the
/// maximal entries contribute their 1s exactly), so nothing overflows and log-probabilities near 0 keep full relative
/// accuracy: log_softmax([0, −100]) = [−3.7e−44, −100]. Float rows are computed in float lanes, within 1.5 float ULP as measured.
/// </para>
/// <para>
/// Special rows follow <see cref="Softmax"/>: a NaN makes the row NaN; with k entries at +∞ those get −log k and the
/// rest −∞; an all −∞ row gives −log n everywhere; −∞ entries among finite ones give −∞. The backward,
/// dx = dy − softmax(x)·Σ dy, is available from x or from y (softmax = e^y). From x, float rows of up to 65,536 entries
/// keep their exponentials (formed in double) between the sum and the gradient: on the stack up to 64 entries, above
/// that in a buffer of the calling thread's, made on its first such call at the longest row it has seen so far (at most
/// 512 KiB per thread) and reused, so calls allocate nothing once warm. Double rows form softmax(x), or e^y, as
/// double-doubles, so dy − p·Σdy keeps its relative accuracy where it cancels (the confident class of a cross-entropy):
/// within half an ULP plus about 2^−98 of S_i = |dy_i| + p_i·Σ|dy_j| (e^y_i for p_i from y), the size of the terms that
/// cancel. That is 0.5 ULP as measured on rows cancelling by up to 10^13, but hundreds of ULP where dy_i is the double
/// nearest the value that makes dx_i 0 (823 from y on a reviewer's row). At the row's first maximum k, where dx cancels
/// below 2^−40 of dy_k, dx_k is formed from x as −Σ_j(dy_j − dy_k·e_j)/s, whose terms are the other entries' (S there
/// is p_k·Σ_{j≠k}|dy_j| + (1 − p_k)·|dy_k|): 71 ULP instead of 4·10^11 on a row whose dx_k is 2^−95 of dy_k. From x,
/// entries up to 1500 below the maximum keep their relative accuracy; from y, a y below −708 gives e^y only the
/// subnormals' absolute accuracy. A dy near ±1.8e308 whose Σdy overflows (even beyond the doubles) is summed at a
/// smaller scale, so dx is finite wherever its exact value is.
/// </para>
/// </remarks>
public sealed class LogSoftmax : RowwiseActivation<LogSoftmax.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "log_softmax",
        Aliases = ["logsoftmax", "log_soft_max"],
        DisplayName = "Log-softmax",
        Summary = "The logarithm of softmax, computed stably: log-probabilities for likelihood losses.",
        Family = Family.Normalising,
        Kind = ActivationKind.Rowwise,
        Formula = "y_i = (x_i - max(x)) - log(sum_j exp(x_j - max(x)))   (over each row)",
        Derivative = "dx = dy − softmax(x)·Σ_j dy_j",
        FormulaLatex = @"\operatorname{log\_softmax}(x)_i = x_i - \log\sum_j e^{x_j}",
        DerivativeLatex = @"\frac{\partial y_i}{\partial x_j} = \delta_{ij} - \operatorname{softmax}(x)_j,\quad dx = dy - \operatorname{softmax}(x)\sum_j dy_j",
        Range = "(−∞, 0)",
        Monotonicity = Monotonicity.NotApplicable,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = true,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.Glorot,
        // Row-wise: it reads the logits of an output layer, initialised as linear (InitGain).
        Gain = 1.0,
        TypicalUses = ["classification output feeding a negative log-likelihood loss", "token log-probabilities in sequence models", "log-likelihoods and KL divergences without underflow"],
        Problems = KnownProblem.ComputationalCost,
        Origin = new("Bridle, Probabilistic Interpretation of Feedforward Classification Network Outputs, with Relationships to Statistical Pattern Recognition", 1990) { Venue = "Neurocomputing, NATO ASI F68", Note = "the logarithm of its softmax" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.LogSoftmax(dim=-1) / torch.log_softmax(x, dim=-1)", "Pass dim explicitly (the implicit choice is legacy). LogSoftmax + NLLLoss = CrossEntropyLoss on logits."),
            ["keras"] = new("keras.activations.log_softmax(x, axis=-1)"),
            ["jax"] = new("jax.nn.log_softmax(x, axis=-1)"),
            ["onnx"] = new("LogSoftmax (opset ≥ 13, axis = -1)", "Opsets 1–12 flatten the input to 2-D [∏dims[:axis], ∏dims[axis:]] with default axis = 1; set axis = rank − 1 there."),
            ["onednn"] = new("softmax_forward (algorithm::softmax_log, axis = last)"),
        },
    };

    /// <summary>Creates log-softmax.</summary>
    public LogSoftmax()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override void ReferenceRow(ReadOnlySpan<double> x, Span<double> y) => ReferenceMath.LogSoftmaxRow(x, y);

    /// <inheritdoc />
    public override void ReferenceBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx)
        => ReferenceMath.LogSoftmaxBackwardRow(x, dy, dx);

    /// <summary>The log-softmax row arithmetic.</summary>
    public readonly struct Kernel_ : IRowKernel
    {
        /// <inheritdoc />
        public static bool FloatRows => true;

        /// <inheritdoc />
        public static bool FloatPairs => true;

        /// <inheritdoc />
        public bool ForwardFloat<TV>(ReadOnlySpan<float> x, Span<float> y) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.Forward<TV>(x, y, 1f, log: true);

        /// <inheritdoc />
        public bool ForwardFloatPair<TV>(ReadOnlySpan<float> x0, Span<float> y0, ReadOnlySpan<float> x1, Span<float> y1) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.LogSoftmaxPair<TV>(x0, y0, x1, y1);

        /// <inheritdoc />
        public static bool FloatBlocks => true;

        /// <inheritdoc />
        public int ForwardFloatBlocks<TV>(ReadOnlySpan<float> x, Span<float> y, int columns) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.LogSoftmaxBlocks<TV>(x, y, columns);

        /// <inheritdoc />
        public bool BackwardFloat<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.LogSoftmaxBackward<TV>(x, dy, dx);

        /// <inheritdoc />
        public static bool FloatBackwardBlocks => true;

        /// <inheritdoc />
        public int BackwardFloatBlocks<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.LogSoftmaxBackwardBlocks<TV>(x, dy, dx, columns);

        /// <inheritdoc />
        public bool BackwardFromOutputFloat<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.LogSoftmaxBackwardFromOutput<TV>(y, dy, dx);

        /// <inheritdoc />
        public static bool FloatOutputBlocks => true;

        /// <inheritdoc />
        public int BackwardFromOutputFloatBlocks<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.LogSoftmaxBackwardFromOutputBlocks<TV>(y, dy, dx, columns);

        /// <inheritdoc />
        public void Forward<TV>(ReadOnlySpan<double> x, Span<double> y, Span<double> scratch) where TV : struct, IVec<TV>
            => SoftmaxCore.Forward<TV>(x, y, 1.0, log: true);

        /// <inheritdoc />
        public void Backward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> scratch) where TV : struct, IVec<TV>
            => SoftmaxCore.LogSoftmaxBackward<TV>(x, dy, dx, scratch);

        /// <inheritdoc />
        public void BackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) where TV : struct, IVec<TV>
            => SoftmaxCore.LogSoftmaxBackwardFromOutput<TV>(y, dy, dx);
    }
}
