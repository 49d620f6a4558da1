using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Softmin over the last dimension: softmax(−x), y_i = e^(−x_i) / Σ_j e^(−x_j) — the Boltzmann distribution over
/// energies x: the smallest entries get the most mass.
/// </summary>
/// <remarks>
/// Evaluated exactly as <see cref="Softmax"/> on −x (shift by the minimum; float rows in float lanes, within 2.5 float ULP as measured),
/// so the same special rows apply with the signs mirrored: a NaN makes the row NaN; −∞ entries share the mass evenly
/// (softmin([−∞, 0, −∞]) = [0.5, 0, 0.5]); an all +∞ row is uniform; +∞ entries among finite ones get exactly 0.
/// The Jacobian-vector product is dx = −y ⊙ (dy − ⟨dy, y⟩); in double from x it is Softmax's on −x, with the same
/// accuracy (half an ULP plus about 2^−98 of the terms that cancel).
/// </remarks>
public sealed class Softmin : RowwiseActivation<Softmin.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "softmin",
        Aliases = ["soft_min"],
        DisplayName = "Softmin",
        Summary = "Softmax of the negated row: a probability distribution favouring the smallest entries.",
        Family = Family.Normalising,
        Kind = ActivationKind.Rowwise,
        Formula = "y_i = exp(min(x) - x_i) / sum_j exp(min(x) - x_j)   (= softmax(-x), over each row)",
        Derivative = "dx = −y ⊙ (dy − ⟨dy, y⟩)",
        FormulaLatex = @"\operatorname{softmin}(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}}",
        DerivativeLatex = @"\frac{\partial y_i}{\partial x_j} = -y_i(\delta_{ij} - y_j),\quad dx = -y \odot \left(dy - \langle dy, y\rangle\right)",
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
        TypicalUses = ["soft assignment to the nearest prototype or cluster (x = distances)", "energy-based weighting (Boltzmann weights of energies)", "soft minimum selection"],
        Problems = KnownProblem.Saturation | KnownProblem.VanishingGradients | KnownProblem.ComputationalCost,
        Origin = new("classical: the Boltzmann (Gibbs) distribution e^(−E_i)/Σ e^(−E_j) over energies E", 0) { Note = "as a layer, PyTorch's nn.Softmin" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Softmin(dim=-1) / torch.nn.functional.softmin(x, dim=-1)", "Pass dim explicitly (the implicit choice is legacy)."),
            ["keras"] = new("keras.activations.softmax(-x, axis=-1)", "No built-in softmin; negate the input."),
            ["jax"] = new("jax.nn.softmax(-x, axis=-1)", "No built-in softmin; negate the input."),
            ["onnx"] = new("Softmax(Neg(x)), axis = -1", "No Softmin operator; the opset < 13 flattening of Softmax applies."),
            ["onednn"] = new("softmax_forward (algorithm::softmax_accurate) on −x", "No softmin algorithm; negate with an eltwise_linear (alpha = −1) first."),
        },
    };

    /// <summary>Creates softmin.</summary>
    public Softmin()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override void ReferenceRow(ReadOnlySpan<double> x, Span<double> y) => ReferenceMath.SoftmaxRow(Negated(x), y);

    /// <inheritdoc />
    public override void ReferenceBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx)
        => ReferenceMath.SoftmaxBackwardRow(Negated(x), dy, dx, sign: -1.0);

    private static double[] Negated(ReadOnlySpan<double> x)
    {
        var n = new double[x.Length];
        for (int i = 0; i < x.Length; i++) n[i] = -x[i];
        return n;
    }

    /// <summary>The softmin row arithmetic (the shared exponential normalisation, sign −1).</summary>
    public readonly struct Kernel_ : IRowKernel
    {
        /// <inheritdoc />
        public static bool FloatRows => true;

        /// <inheritdoc />
        public static bool FloatPairs => true;

        /// <inheritdoc />
        public bool ForwardFloat<TV>(ReadOnlySpan<float> x, Span<float> y) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.Forward<TV>(x, y, -1f, log: false);

        /// <inheritdoc />
        public bool ForwardFloatPair<TV>(ReadOnlySpan<float> x0, Span<float> y0, ReadOnlySpan<float> x1, Span<float> y1) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxPair<TV>(x0, y0, x1, y1, -1f);

        /// <inheritdoc />
        public static bool FloatBlocks => true;

        /// <inheritdoc />
        public int ForwardFloatBlocks<TV>(ReadOnlySpan<float> x, Span<float> y, int columns) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxBlocks<TV>(x, y, columns, -1f);

        /// <inheritdoc />
        public static bool FloatBackwardBlocks => true;

        /// <inheritdoc />
        public int BackwardFloatBlocks<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxBackwardBlocks<TV>(x, dy, dx, columns, -1f);

        /// <inheritdoc />
        public bool BackwardFloat<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxBackward<TV>(x, dy, dx, -1f);

        /// <inheritdoc />
        public bool BackwardFromOutputFloat<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxBackwardFromOutput<TV>(y, dy, dx, -1f);

        /// <inheritdoc />
        public static bool FloatOutputBlocks => true;

        /// <inheritdoc />
        public int BackwardFromOutputFloatBlocks<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TV : struct, IVec<TV>
            => SoftmaxCoreFloat.SoftmaxBackwardFromOutputBlocks<TV>(y, dy, dx, columns, -1f);

        /// <inheritdoc />
        public void Forward<TV>(ReadOnlySpan<double> x, Span<double> y, Span<double> scratch) where TV : struct, IVec<TV>
            => SoftmaxCore.Forward<TV>(x, y, -1.0, log: false);

        /// <inheritdoc />
        public void Backward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> scratch) where TV : struct, IVec<TV>
            => SoftmaxCore.SoftmaxBackward<TV>(x, dy, dx, scratch, -1.0);

        /// <inheritdoc />
        public void BackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) where TV : struct, IVec<TV>
            => SoftmaxCore.SoftmaxBackwardFromOutput<TV>(y, dy, dx, -1.0);
    }
}
