using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Softmax over the last dimension: y_i = e^(x_i) / Σ_j e^(x_j) for each row (Bridle, 1990). Turns a row of scores
/// into a probability distribution: classification outputs, attention weights, mixture gates.
/// </summary>
/// <remarks>
/// <para>
/// Computed as e^(x_i − max x) / Σ_j e^(x_j − max x), so finite inputs never overflow: softmax([100, 0, 1]) and
/// softmax([1e30, 0]) = [1, 0] are right, and tiny probabilities keep their value instead of flushing to zero
/// (softmax([0, −100]) = [1, 3.7e−44] in float). Float rows are computed in float lanes with a compensated sum and a
/// scaling rounded about once (within 2.5 float ULP of the exact result in every row measured, 3 required by the
/// tests; rows sum to 1 within a few float ULP); double rows carry the shift x − max exactly. The float backward from
/// x keeps the row's exponentials in double for rows of up to 65,536 entries (on the stack up to 64, then in a buffer
/// of the calling thread's of at most 512 KiB, made once) and rounds dx once: within 0.5 float ULP as measured. The
/// double backward from x forms the exponentials and the row sums as double-doubles and dx = (e/s)·((dy − c) − W/s) with
/// c the dy at the row's first maximum and W = Σe·(dy − c): within half an ULP plus about 2^−98 of
/// S_i = y_i·(|dy_i − c| + Σ_j y_j·|dy_j − c|), the size of the terms that cancel. That is 0.5 ULP on rows whose dy
/// cancels against ⟨dy, y⟩ by up to 10^13 as measured, but tens of ULP where dy_i is the double nearest the value that
/// makes dx_i 0 (44 ULP on x = [4.1, 24.8, 2.0]); exactly 0 for a dy whose entries are all equal. Entries up to 1500
/// below the maximum keep their relative accuracy (their e is kept scaled into the normal range), and a dy near
/// ±1.8e308 whose sums overflow is taken at a smaller scale, so dx is finite wherever its exact value is.
/// </para>
/// <para>
/// Special rows (PyTorch returns NaN for the last two; we return the limits a user expects):
/// a NaN anywhere in a row makes the whole row NaN; +∞ entries share the mass evenly and the others get 0
/// (softmax([+∞, 0, +∞]) = [0.5, 0, 0.5]); a row that is entirely −∞ is uniform, 1/n each (every entry is equal,
/// and softmax is invariant to shifts) — a fully masked attention row therefore gets uniform weights; a row with some
/// −∞ entries gives them exactly 0. The backward uses the same y, so it is finite on these rows.
/// </para>
/// </remarks>
public sealed class Softmax : RowwiseActivation<Softmax.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "softmax",
        Aliases = ["soft_max", "normalized_exponential", "softargmax"],
        DisplayName = "Softmax",
        Summary = "Exponentiates and normalises each row into a probability distribution over its entries.",
        Family = Family.Normalising,
        Kind = ActivationKind.Rowwise,
        Formula = "y_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x))   (over each row)",
        Derivative = "dx = y ⊙ (dy − ⟨dy, y⟩)   (∂y_i/∂x_j = y_i·(δ_ij − y_j))",
        FormulaLatex = @"\operatorname{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
        DerivativeLatex = @"\frac{\partial y_i}{\partial x_j} = y_i(\delta_{ij} - y_j),\quad dx = y \odot \left(dy - \langle dy, y\rangle\right)",
        Range = "(0, 1), each row sums to 1",
        Monotonicity = Monotonicity.NotApplicable,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // Row-wise: it reads the logits of an output layer, initialised as linear (InitGain).
        Gain = 1.0,
        TypicalUses = ["multi-class classification output (with cross-entropy)", "attention weights", "mixture-of-experts routers and mixture weights", "policy outputs in reinforcement learning"],
        Problems = KnownProblem.Saturation | KnownProblem.VanishingGradients | KnownProblem.ComputationalCost,
        Origin = new("Bridle, Probabilistic Interpretation of Feedforward Classification Network Outputs, with Relationships to Statistical Pattern Recognition", 1990) { Venue = "Neurocomputing, NATO ASI F68" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Softmax(dim=-1) / torch.softmax(x, dim=-1)", "Always pass dim: the implicit choice is legacy (dim 0 for 0-, 1- and 3-D inputs, else 1). Rows with +∞ or all −∞ give NaN there."),
            ["keras"] = new("keras.activations.softmax(x, axis=-1)"),
            ["jax"] = new("jax.nn.softmax(x, axis=-1)", "Its where= argument masks entries out of the normalisation."),
            ["onnx"] = new("Softmax (opset ≥ 13, axis = -1)", "Opsets 1–12 flatten the input to 2-D [∏dims[:axis], ∏dims[axis:]] with default axis = 1, normalising over all trailing dimensions together; set axis = rank − 1 there."),
            ["onednn"] = new("softmax_forward (algorithm::softmax_accurate, axis = last)", "softmax_backward takes the output (dst), like BackwardFromOutput."),
        },
    };

    /// <summary>Creates softmax.</summary>
    public Softmax()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override void ReferenceRow(ReadOnlySpan<double> x, Span<double> y) => ReferenceMath.SoftmaxRow(x, y);

    /// <inheritdoc />
    public override void ReferenceBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx)
        => ReferenceMath.SoftmaxBackwardRow(x, dy, dx);

    /// <summary>The softmax row arithmetic (the shared exponential normalisation, sign +1).</summary>
    public readonly struct Kernel_ : IRowKernel
    {
        /// <inheritdoc />
        public static bool FloatRows => true;

        /// <inheritdoc />
        public static bool FloatPairs => true;

        /// <inheritdoc />
        public bool ForwardFloat<TV>(ReadOnlySpan<float> x, Span<float> y) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.Forward<TV>(x, y, 1f, log: false);

        /// <inheritdoc />
        public bool ForwardFloatPair<TV>(ReadOnlySpan<float> x0, Span<float> y0, ReadOnlySpan<float> x1, Span<float> y1) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxPair<TV>(x0, y0, x1, y1, 1f);

        /// <inheritdoc />
        public static bool FloatBlocks => true;

        /// <inheritdoc />
        public int ForwardFloatBlocks<TV>(ReadOnlySpan<float> x, Span<float> y, int columns) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxBlocks<TV>(x, y, columns, 1f);

        /// <inheritdoc />
        public static bool FloatBackwardBlocks => true;

        /// <inheritdoc />
        public int BackwardFloatBlocks<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxBackwardBlocks<TV>(x, dy, dx, columns, 1f);

        /// <inheritdoc />
        public bool BackwardFloat<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxBackward<TV>(x, dy, dx, 1f);

        /// <inheritdoc />
        public bool BackwardFromOutputFloat<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxBackwardFromOutput<TV>(y, dy, dx, 1f);

        /// <inheritdoc />
        public static bool FloatOutputBlocks => true;

        /// <inheritdoc />
        public int BackwardFromOutputFloatBlocks<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxBackwardFromOutputBlocks<TV>(y, dy, dx, columns, 1f);

        /// <inheritdoc />
        public void Forward<TV>(ReadOnlySpan<double> x, Span<double> y, Span<double> scratch) where TV : struct, IVec<TV>
            => SoftmaxCore.Forward<TV>(x, y, 1.0, log: false);

        /// <inheritdoc />
        public void Backward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> scratch) where TV : struct, IVec<TV>
            => SoftmaxCore.SoftmaxBackward<TV>(x, dy, dx, scratch, 1.0);

        /// <inheritdoc />
        public void BackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) where TV : struct, IVec<TV>
            => SoftmaxCore.SoftmaxBackwardFromOutput<TV>(y, dy, dx, 1.0);
    }
}
