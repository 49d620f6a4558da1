using ActivationKit.Catalog;

namespace ActivationKit.Functions;

/// <summary>
/// ReGLU (Shazeer, 2020): each row x = [a | b] becomes a ⊙ relu(b), half as wide — the GLU variant with a ReLU gate,
/// used in transformer feed-forward blocks.
/// </summary>
/// <remarks>
/// The first half a is the value, the second half b the gate (the <see cref="Glu"/> convention). Computed in float
/// lanes: a·relu(b) is a single rounding. Gradients: dA = dy·relu(b), dB = dy·a·[b &gt; 0] (0 at b = 0, PyTorch's
/// convention). reglu([a | b ≤ 0]) = ±0 for finite a; NaN in a or b gives NaN; a = ±∞ with b ≤ 0 is ∞·0 = NaN.
/// dB is selected, not multiplied, as relu′ is: +0 wherever b ≤ 0, even when dy·a is NaN or ±∞ (what PyTorch's
/// autograd through relu returns), where the other gates' products give NaN.
/// </remarks>
public sealed class Reglu : GatedActivation<Relu.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "reglu",
        Aliases = ["re_glu", "relu_glu"],
        DisplayName = "ReGLU",
        Summary = "GLU with a ReLU gate: splits each row into halves [a | b] and returns a ⊙ relu(b).",
        Family = Family.Gated,
        Kind = ActivationKind.Gated,
        Formula = "a * max(0, b), where [a | b] are the two halves of each row",
        Derivative = "dA = dy ⊙ relu(b);  dB = dy ⊙ a ⊙ [b > 0]",
        FormulaLatex = @"\operatorname{ReGLU}([a \mid b]) = a \odot \max(0, b)",
        DerivativeLatex = @"\frac{\partial y}{\partial a} = \max(0, b),\quad \frac{\partial y}{\partial b} = a\,[b > 0]",
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.NotApplicable,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.He,
        // The gain c with c²·E[g(c·z)²] = 1, z ~ N(0, 1) (InitGain, gated): both halves are drawn with variance c² from
        // unit inputs, so E[(a·max(0, b))²] = c²·c²/2 = 1 at c = 2^¼. (The element-wise rule's √2 gave E[y²] = 2 from unit
        // inputs, squared again by every layer after.)
        Gain = Math.Sqrt(Math.Sqrt(2.0)),
        PropertiesNote = "The initialisation gain keeps the second moment of unit-scale inputs (c²·E[g(c·z)²] = 1), but that balance is unstable: a layer squares each sample's input second moment, so deep reglu stacks still drift and the samples spread apart (4 × 256 layers on N(0, 1) inputs: E[y²] = 1.05, 1.4, 3.9, 170); put a normalisation (LayerNorm, RMSNorm) between the layers, as transformers do.",
        TypicalUses = ["transformer feed-forward blocks (T5-style GLU variants)"],
        // ReLU's problem carries into a·relu(b): for b ≤ 0 the output and both gradients (∂y/∂a = relu(b), ∂y/∂b = a·[b > 0])
        // are exactly 0, so a unit whose gate half stays negative is dead, as a ReLU unit is; it has no flat nonzero tail.
        Problems = KnownProblem.DyingUnits | KnownProblem.NonDifferentiable | KnownProblem.UnboundedOutput,
        Origin = new("Shazeer, GLU Variants Improve Transformer", 2020, "arXiv:2002.05202"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("a * torch.relu(b), with a, b = x.chunk(2, dim=-1)", "No built-in; compose."),
            ["keras"] = new("a * keras.activations.relu(b), with a, b = keras.ops.split(x, 2, axis=-1)", "No built-in; compose."),
            ["jax"] = new("a * jax.nn.relu(b), with a, b = jnp.split(x, 2, axis=-1)", "No built-in; compose."),
            ["onnx"] = new("Split(x, axis=-1) → Mul(a, Relu(b))", "No operator; compose."),
            ["onednn"] = new("eltwise_relu on b, then binary_mul with a", "No primitive; compose on the halves."),
        },
        Kinks = [0.0],
    };

    /// <summary>Creates ReGLU.</summary>
    public Reglu()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Relu.Kernel_ Gate => default;

    /// <inheritdoc />
    public override double ReferenceGate(double b) => double.IsNaN(b) ? b : b > 0 ? b : 0.0;

    /// <inheritdoc />
    public override double ReferenceGateDerivative(double b) => double.IsNaN(b) ? b : b > 0 ? 1.0 : 0.0;
}
