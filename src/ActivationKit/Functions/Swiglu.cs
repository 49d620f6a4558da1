using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// SwiGLU (Shazeer, 2020): each row x = [a | b] becomes a ⊙ silu(b) = a ⊙ b·σ(b), half as wide — the GLU variant
/// with a Swish (β = 1, i.e. SiLU) gate, the feed-forward activation of PaLM and LLaMA.
/// </summary>
/// <remarks>
/// The first half a is the value, the second half b the gate (the <see cref="Glu"/> convention; LLaMA-style fused
/// [W_gate | W_up] projections put the gate first, so swap the halves when porting them). Float data runs in double
/// lanes and a·silu(b) is rounded once. Gradients: dA = dy·silu(b), dB = dy·a·silu′(b) with
/// silu′(b) = σ(b) + b·σ(b)·σ(−b), which is 0 at b ≈ −1.2785. silu(−∞) = −0 and silu′(±∞) = 1 or 0 (no ∞·0);
/// NaN in a or b gives NaN.
/// </remarks>
public sealed class Swiglu : GatedActivation<Swiglu.Gate_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "swiglu",
        Aliases = ["swi_glu", "silu_glu", "swish_glu"],
        DisplayName = "SwiGLU",
        Summary = "GLU with a SiLU (Swish) gate: splits each row into halves [a | b] and returns a ⊙ b·sigmoid(b).",
        Family = Family.Gated,
        Kind = ActivationKind.Gated,
        Formula = "a * b * sigmoid(b), where [a | b] are the two halves of each row",
        Derivative = "dA = dy ⊙ silu(b);  dB = dy ⊙ a ⊙ σ(b)(1 + b(1 − σ(b)))",
        FormulaLatex = @"\operatorname{SwiGLU}([a \mid b]) = a \odot b\,\sigma(b)",
        DerivativeLatex = @"\frac{\partial y}{\partial a} = b\,\sigma(b),\quad \frac{\partial y}{\partial b} = a\,\sigma(b)\,\bigl(1 + b\,(1 - \sigma(b))\bigr)",
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.NotApplicable,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = true,
        Init = Initialization.He,
        // The gain c with c²·E[g(c·z)²] = 1, z ~ N(0, 1) (InitGain, gated): both halves are drawn with variance c² from
        // unit inputs, so E[(a·silu(b))²] = c²·E[silu(c·z)²] = 1; E[silu(c·z)²] = 0.6211586 there (mpmath). (The element-wise
        // rule's 1.6765, 1/√E[silu(z)²], gave E[y²] = 3.3 per layer and compounded.)
        Gain = 1.2688162613531276,
        PropertiesNote = "The initialisation gain keeps the second moment of unit-scale inputs (c²·E[g(c·z)²] = 1), but that balance is unstable: a layer about squares each sample's input second moment, so deep swiglu stacks still drift and the samples spread apart (4 × 256 layers on N(0, 1) inputs: E[y²] = 1.06, 1.5, 7, 1200); put a normalisation (LayerNorm, RMSNorm) between the layers, as transformers do.",
        TypicalUses = ["transformer feed-forward blocks (PaLM, LLaMA and most recent LLMs)"],
        // SiLU's problem carries into a·silu(b): for b below about −4, silu(b) and silu′(b) are both ≈ 0, so y ≈ 0 and both
        // gradients (∂y/∂a = silu(b), ∂y/∂b = a·silu′(b)) vanish — the saturation SiLU is marked with. Above, ∂y/∂a = silu(b) grows.
        Problems = KnownProblem.ComputationalCost | KnownProblem.UnboundedOutput | KnownProblem.Saturation,
        Origin = new("Shazeer, GLU Variants Improve Transformer", 2020, "arXiv:2002.05202"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("a * torch.nn.functional.silu(b), with a, b = x.chunk(2, dim=-1)", "No built-in; compose (check which half your weights gate)."),
            ["keras"] = new("a * keras.activations.silu(b), with a, b = keras.ops.split(x, 2, axis=-1)", "No built-in; compose."),
            ["jax"] = new("a * jax.nn.silu(b), with a, b = jnp.split(x, 2, axis=-1)", "No built-in; compose."),
            ["onnx"] = new("Split(x, axis=-1) → Mul(a, Mul(b, Sigmoid(b)))", "No operator; compose."),
            ["onednn"] = new("eltwise_swish (alpha = 1) on b, then binary_mul with a", "No primitive; compose on the halves."),
        },
        // silu′(b) = 0 where 1 + b·σ(−b) = 0 (root found with mpmath.findroot, 40 digits).
        DerivativeZeros = [-1.2784645427610738],
    };

    /// <summary>Creates SwiGLU.</summary>
    public Swiglu()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Gate_ Gate => default;

    /// <inheritdoc />
    public override double ReferenceGate(double b) => double.IsNegativeInfinity(b) ? -0.0 : b * ReferenceMath.Sigmoid(b);

    /// <inheritdoc />
    public override double ReferenceGateDerivative(double b)
    {
        if (double.IsInfinity(b)) return b > 0 ? 1.0 : 0.0;
        double s = ReferenceMath.Sigmoid(b);
        return s + (b * s * ReferenceMath.Sigmoid(-b));
    }

    /// <summary>The SiLU gate, silu(b) = b·σ(b), in double lanes for float data (silu's float formulas there, see <see cref="Kernels.IUnaryKernel.HasGateForFloat"/>).</summary>
    public readonly struct Gate_ : IUnaryKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => true;

        /// <inheritdoc />
        // Float data: silu's float-lane formulas (β = 1) in double lanes; the lanes they leave out come from Forward
        // and Backward below.
        public static bool HasGateForFloat => true;

        /// <inheritdoc />
        public static bool FusedGate => true;

        /// <summary>
        /// silu(b) and silu′(b) for float data in double lanes from one exponential: silu′ = n/(1 + e)² from silu's
        /// float-lane pieces (<see cref="Silu.Kernel_.SlopeNumeratorF{TV}"/>, e = e^−|b|), and silu(b) = b·σ(b) with
        /// σ(b) = (1 + e)/(1 + e)² for b ≥ 0 and e·(1 + e)/(1 + e)² below, over the same reciprocal. |b| beyond 80 is
        /// marked, as silu's float backward marks it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV GateFloatLanes<TV>(TV b, out TV slope, out TV far) where TV : struct, IVec<TV>
        {
            var numerator = Silu.Kernel_.SlopeNumeratorF(b, out var e, out var negative);
            var d = TV.One + e;
            var inverse = TV.One / (d * d);
            slope = numerator * inverse;
            far = TV.GreaterThan(TV.Abs(b), TV.Create(Silu.Kernel_.SlopeFloatLimit));
            return b * (TV.Select(negative, e, TV.One) * d * inverse);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
            => new Silu.Kernel_(1.0).ForwardFloatLanes(x, out inDouble);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
            => new Silu.Kernel_(1.0).BackwardFloatLanes(x, dy, out inDouble);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            // silu(−∞) = −0, not −∞·0 = NaN: clamp −∞ to −1e300 (σ is 0 there too); NaN passes (Max keeps x).
            var xc = TV.Max(TV.Create(-1e300), x);
            return xc * VMath.Logistic(x);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            // silu′ by silu's own double-lane kernel (β = 1), which carries the terms that cancel next to silu′'s zero
            // at −1.278: the plain σ(x) + x·σ(x)σ(−x) lost 7.9 ULP of dB 0.3 away from it.
            => new Silu.Kernel_(1.0).Backward(x, dy);
    }
}
