using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Hardmax over the last dimension (ONNX <c>Hardmax</c>): 1 at the first maximum of each row, 0 elsewhere. The
/// zero-temperature limit of softmax when the maximum is unique; a one-hot output whose Jacobian is zero.
/// </summary>
/// <remarks>
/// Ties go to the first maximum, as in ONNX (several +∞ entries: the first of them; an all −∞ row: its first entry);
/// −0 and +0 are equal. A row holding a NaN is NaN throughout, as in <see cref="Softmax"/>. The output is exact in
/// every precision. The Jacobian is zero wherever it exists (the output is piecewise constant), so the backward pass
/// returns zeros whatever dy is, and NaN for a NaN row; a network trained through hardmax gets no gradient from it,
/// which is why it is an inference-time output, not a training one.
/// </remarks>
public sealed class Hardmax : RowwiseActivation<Hardmax.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "hardmax",
        Aliases = ["hard_max", "argmax_one_hot"],
        DisplayName = "Hardmax",
        Summary = "One-hot of each row's first maximum: softmax's zero-temperature limit, with a zero gradient.",
        Family = Family.Normalising,
        Kind = ActivationKind.Rowwise,
        Formula = "y_i = 1 if i is the first index of max_j x_j else 0   (over each row)",
        Derivative = "dx = 0 (the Jacobian is zero wherever it exists)",
        FormulaLatex = @"y_i = \begin{cases}1 & i = \min \operatorname*{arg\,max}_j x_j\\ 0 & \text{otherwise}\end{cases}",
        DerivativeLatex = @"\frac{\partial y}{\partial x} = 0",
        Range = "{0, 1}, one 1 per row",
        Monotonicity = Monotonicity.NotApplicable,
        Smoothness = Smoothness.Discontinuous,
        ZeroCentred = false,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // Row-wise: it reads the logits of an output layer, initialised as linear (InitGain).
        Gain = 1.0,
        TypicalUses = ["turning scores into a one-hot decision at inference (ONNX models)", "straight-through estimators, with softmax's gradient in the backward pass"],
        Problems = KnownProblem.VanishingGradients | KnownProblem.NonDifferentiable | KnownProblem.Saturation,
        Origin = new("ONNX operator Hardmax", 2017) { Note = "opset 1, with the axis semantics of opset 13: the argmax as a one-hot vector" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("none", "Write torch.nn.functional.one_hot(x.argmax(-1), x.shape[-1]); argmax also returns the first maximum."),
            ["keras"] = new("none", "Write keras.ops.one_hot(keras.ops.argmax(x, axis=-1), x.shape[-1])."),
            ["jax"] = new("none", "Write jax.nn.one_hot(jnp.argmax(x, axis=-1), x.shape[-1])."),
            ["onnx"] = new("Hardmax (axis = -1)", "Since opset 13 over one axis (default −1), as here; opsets 1–12 (Hardmax-11) flattened the dimensions from axis on into the row."),
            ["onednn"] = new("none"),
        },
    };

    /// <summary>Creates hardmax.</summary>
    public Hardmax()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override void ReferenceRow(ReadOnlySpan<double> x, Span<double> y)
    {
        int first = -1;
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNaN(x[i]))
            {
                y.Fill(double.NaN);
                return;
            }

            if (first < 0 || x[i] > x[first]) first = i;
        }

        y.Clear();
        y[first] = 1.0;
    }

    /// <inheritdoc />
    public override void ReferenceBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx)
    {
        bool nan = false;
        foreach (double v in x) nan |= double.IsNaN(v);
        dx.Fill(nan ? double.NaN : 0.0);
    }

    /// <summary>
    /// The hardmax row arithmetic: a vectorised maximum (NaN-aware), then the first register and lane holding it. Float
    /// rows stay in float lanes (a one-hot row is exact in any precision); rows with a NaN take the double path, which
    /// fills them with NaN.
    /// </summary>
    public readonly struct Kernel_ : IRowKernel
    {
        /// <inheritdoc />
        public static bool FloatRows => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ForwardFloat<TV>(ReadOnlySpan<float> x, Span<float> y) where TV : struct, IVec<TV>
        {
            if (!MaxOfFloats<TV>(x, out float m)) return false;
            int first = FirstIndexOf<TV>(x, m);
            Zero<TV>(y);
            Unsafe.Add(ref MemoryMarshal.GetReference(y), first) = 1f;
            return true;
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardFloat<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV>
        {
            if (!MaxOfFloats<TV>(x, out _)) return false;
            Zero<TV>(dx);
            return true;
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardFromOutputFloat<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV>
        {
            if (float.IsNaN(y[0])) return false;
            Zero<TV>(dx);
            return true;
        }

        /// <summary>
        /// Zeros a float row (TV.Count ≤ its length) with register stores, the last overlapping the one before: rows of
        /// ten spent a third of their time in <see cref="Span{T}.Clear"/>'s call.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Zero<TV>(Span<float> row) where TV : struct, IVec<TV>
        {
            ref float p = ref MemoryMarshal.GetReference(row);
            int n = row.Length;
            for (int i = 0; i < n - TV.Count; i += TV.Count) Lanes.Store(TV.Zero, ref Unsafe.Add(ref p, i));
            Lanes.Store(TV.Zero, ref Unsafe.Add(ref p, n - TV.Count));
        }

        /// <inheritdoc />
        public void Forward<TV>(ReadOnlySpan<double> x, Span<double> y, Span<double> scratch) where TV : struct, IVec<TV>
        {
            double m = RowMath.MaxOrNaN<TV>(x);
            if (double.IsNaN(m))
            {
                y.Fill(double.NaN);
                return;
            }

            // The first entry equal to the maximum (== treats −0 and +0 alike); read before y is written, since y may be x.
            int first = 0;
            while (x[first] != m) first++;
            y.Clear();
            y[first] = 1.0;
        }

        /// <inheritdoc />
        public void Backward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> scratch) where TV : struct, IVec<TV>
            => dx.Fill(double.IsNaN(RowMath.MaxOrNaN<TV>(x)) ? double.NaN : 0.0);

        /// <inheritdoc />
        public void BackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) where TV : struct, IVec<TV>
            => dx.Fill(double.IsNaN(y[0]) ? double.NaN : 0.0);

        /// <summary>The largest entry of a float row (TV: float lanes, TV.Count ≤ x.Length); false when the row holds a NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool MaxOfFloats<TV>(ReadOnlySpan<float> x, out float max) where TV : struct, IVec<TV>
        {
            max = Lanes.ExtremeOfFloats(RowMath.MaxLanes<TV, float>(x, out bool nan), largest: true);
            return !nan;
        }

        /// <summary>
        /// The first index of <paramref name="m"/> (present, not NaN) in a float row: the first register holding it and
        /// its first lane there from the comparison's mask (a scalar scan of the register cost rows of ten a fifth of
        /// their time). The last register overlaps the one before; its lanes already read hold no match.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int FirstIndexOf<TV>(ReadOnlySpan<float> x, float m) where TV : struct, IVec<TV>
        {
            ref float px = ref MemoryMarshal.GetReference(x);
            var target = TV.Create(m);
            int last = x.Length - TV.Count;
            for (int i = 0; i < last; i += TV.Count)
            {
                int k = TV.FirstWhereEqual(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)), target);
                if (k < TV.Count) return i + k;
            }

            return last + TV.FirstWhereEqual(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, last)), target);
        }
    }
}
