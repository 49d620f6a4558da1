using ActivationKit.Catalog;
using ActivationKit.Numerics;

namespace ActivationKit.Functions;

/// <summary>
/// GLU, the gated linear unit (Dauphin et al., 2016): each row x = [a | b] (the two halves of the last dimension)
/// becomes a ⊙ σ(b), half as wide. The linear path through a keeps gradients flowing while σ(b) gates it.
/// </summary>
/// <remarks>
/// The first half a is the value, the second half b the gate, exactly as PyTorch's <c>F.glu(x, dim=-1)</c>, Keras'
/// <c>glu</c> and <c>jax.nn.glu</c>. Float data runs in double lanes (the sigmoid kernel asks for it), so
/// a·σ(b) is rounded once. Gradients: dA = dy·σ(b), dB = dy·a·σ(b)·σ(−b). glu([a | +∞]) = a, glu([a | −∞]) = ±0
/// (0 when a is finite), NaN in a or b gives NaN; a = ±∞ with b = −∞ is ∞·0 = NaN.
/// </remarks>
public sealed class Glu : GatedActivation<Sigmoid.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "glu",
        Aliases = ["gated_linear_unit"],
        DisplayName = "GLU",
        Summary = "Gated linear unit: splits each row into halves [a | b] and returns a ⊙ sigmoid(b).",
        Family = Family.Gated,
        Kind = ActivationKind.Gated,
        Formula = "a * sigmoid(b), where [a | b] are the two halves of each row",
        Derivative = "dA = dy ⊙ σ(b);  dB = dy ⊙ a ⊙ σ(b)(1 − σ(b))",
        FormulaLatex = @"\operatorname{GLU}([a \mid b]) = a \odot \sigma(b)",
        DerivativeLatex = @"\frac{\partial y}{\partial a} = \sigma(b),\quad \frac{\partial y}{\partial b} = a\,\sigma(b)\,(1 - \sigma(b))",
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.NotApplicable,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = true,
        Init = Initialization.He,
        // The gain c with c²·E[g(c·z)²] = 1, z ~ N(0, 1) (InitGain, gated): both halves are drawn with variance c² from
        // unit inputs, so E[(a·σ(b))²] = c²·E[σ(c·z)²] = 1; E[σ(c·z)²] = 0.3353885 there (mpmath). (The element-wise
        // rule's 1.8462, 1/√E[σ(z)²], gave E[y²] = 1.16 per layer and compounded;
        // calculate_gain('sigmoid') = 1 is for a sigmoid unit, not for a gate times a value.)
        Gain = 1.7267358889536156,
        PropertiesNote = "The initialisation gain keeps the second moment of unit-scale inputs (c²·E[g(c·z)²] = 1), but that balance is unstable: a layer raises an input second moment q to about q^1.13, so deep glu stacks drift slowly (4 × 256 layers on N(0, 1) inputs: E[y²] = 1.02, 1.04, 1.04, 1.05); put a normalisation (LayerNorm, RMSNorm) between many layers, as transformers do.",
        TypicalUses = ["gated convolutional language models", "convolution modules of speech models (Conformer)", "transformer feed-forward blocks (the GLU variants)"],
        // The gate's problems carry into a·σ(b): for b ≪ 0 the gate is shut, σ(b) and σ′(b) are both ≈ 0, so y ≈ 0 and both
        // gradients (∂y/∂a = σ(b), ∂y/∂b = a·σ′(b)) vanish — saturation. For b ≫ 0 the gate saturates open but ∂y/∂a → 1:
        // the linear path Dauphin et al. built it for keeps gradients flowing, so it is not marked vanishing-gradients.
        Problems = KnownProblem.ComputationalCost | KnownProblem.UnboundedOutput | KnownProblem.Saturation,
        Origin = new("Dauphin, Fan, Auli & Grangier, Language Modeling with Gated Convolutional Networks", 2017, "arXiv:1612.08083") { Venue = "ICML" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.GLU(dim=-1) / torch.nn.functional.glu(x, dim=-1)", "Same halves: a = first, b = second (gated)."),
            ["keras"] = new("keras.activations.glu(x, axis=-1)", "Keras 3; same halves."),
            ["jax"] = new("jax.nn.glu(x, axis=-1)", "Same halves."),
            ["onnx"] = new("Split(x, axis=-1) → Mul(a, Sigmoid(b))", "No GLU operator; compose."),
            ["onednn"] = new("eltwise_logistic on b, then binary_mul with a", "No GLU primitive; compose on the halves."),
        },
    };

    /// <summary>Creates GLU.</summary>
    public Glu()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Sigmoid.Kernel_ Gate => default;

    /// <inheritdoc />
    public override double ReferenceGate(double b) => ReferenceMath.Sigmoid(b);

    /// <inheritdoc />
    public override double ReferenceGateDerivative(double b) => ReferenceMath.Sigmoid(b) * ReferenceMath.Sigmoid(-b);
}
