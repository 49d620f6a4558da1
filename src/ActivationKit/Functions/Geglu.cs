using ActivationKit.Catalog;

namespace ActivationKit.Functions;

/// <summary>
/// GEGLU (Shazeer, 2020): each row x = [a | b] becomes a ⊙ GELU(b), half as wide — the GLU variant with the exact
/// (erf) GELU as its gate, used in transformer feed-forward blocks (T5 v1.1, Gemma's GeGLU uses the tanh form).
/// </summary>
/// <remarks>
/// The first half a is the value, the second half b the gate (PyTorch/JAX convention; checkpoints that store
/// [W_gate | W_up] must swap the halves). Float data runs in double lanes (the GELU kernel asks for it), so a·gelu(b)
/// is rounded once. Gradients: dA = dy·gelu(b), dB = dy·a·gelu′(b). geglu([a | +∞]) = a·∞ (±∞, NaN for a = 0),
/// geglu([a | −∞]) = ±0, NaN in a or b gives NaN.
/// </remarks>
public sealed class Geglu : GatedActivation<Gelu.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "geglu",
        Aliases = ["gelu_glu"],
        DisplayName = "GEGLU",
        Summary = "GLU variant gated by GELU: splits each row into halves [a | b] and returns a ⊙ gelu(b).",
        Family = Family.Gated,
        Kind = ActivationKind.Gated,
        Formula = "a * gelu(b), where [a | b] are the two halves of each row",
        Derivative = "dA = dy ⊙ gelu(b);  dB = dy ⊙ a ⊙ (Φ(b) + b·φ(b))",
        FormulaLatex = @"\operatorname{GEGLU}([a \mid b]) = a \odot b\,\Phi(b)",
        DerivativeLatex = @"\frac{\partial y}{\partial a} = b\,\Phi(b),\quad \frac{\partial y}{\partial b} = a\,(\Phi(b) + b\,\varphi(b))",
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.NotApplicable,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = true,
        Init = Initialization.He,
        // The gain c with c²·E[g(c·z)²] = 1, z ~ N(0, 1) (InitGain, gated): both halves are drawn with variance c² from
        // unit inputs, so E[(a·gelu(b))²] = c²·E[gelu(c·z)²] = 1; E[gelu(c·z)²] = 0.6691224 there (mpmath). (The element-wise
        // rule's 1.5335, 1/√E[gelu(z)²], gave E[y²] = 2.6 per layer and compounded.)
        Gain = 1.2224953352124069,
        PropertiesNote = "The initialisation gain keeps the second moment of unit-scale inputs (c²·E[g(c·z)²] = 1), but that balance is unstable: a layer about squares each sample's input second moment, so deep geglu stacks still drift and the samples spread apart (4 × 256 layers on N(0, 1) inputs: E[y²] = 1.05, 1.4, 5, 450); put a normalisation (LayerNorm, RMSNorm) between the layers, as transformers do.",
        TypicalUses = ["transformer feed-forward blocks of the GLU-variants paper; T5 v1.1 and Gemma gate with the tanh approximation of GELU instead, a·gelu_tanh(b) (|gelu − gelu_tanh| ≤ 4.8e−4 per gate value; compose it from gelu_tanh to match them)", "replacing the ReLU/GELU MLP of a transformer at equal parameter count (hidden width × 2/3)"],
        // GELU's problem carries into a·gelu(b): for b below about −4, gelu(b) and gelu′(b) are both ≈ 0, so y ≈ 0 and both
        // gradients (∂y/∂a = gelu(b), ∂y/∂b = a·gelu′(b)) vanish — the saturation GELU is marked with. Above, ∂y/∂a = gelu(b) grows.
        Problems = KnownProblem.ComputationalCost | KnownProblem.UnboundedOutput | KnownProblem.Saturation,
        Origin = new("Shazeer, GLU Variants Improve Transformer", 2020, "arXiv:2002.05202"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("a, b = x.chunk(2, dim=-1); a * F.gelu(b)", "No built-in; F.gelu defaults to the exact (erf) form."),
            ["keras"] = new("a * keras.activations.gelu(b, approximate=False)", "No built-in; Keras' gelu defaults to approximate=False."),
            ["jax"] = new("a * jax.nn.gelu(b, approximate=False)", "jax.nn.gelu defaults to approximate=True (the tanh form): pass approximate=False to match."),
            ["onnx"] = new("Split → Gelu(b) (opset 20) → Mul", "No GEGLU operator; compose."),
            ["onednn"] = new("eltwise_gelu_erf on b, then binary_mul with a", "No GEGLU primitive; compose on the halves."),
        },
        // The zero of gelu′ (from mpmath): next to it dB is measured absolutely.
        DerivativeZeros = [-0.7517915246935645],
    };

    /// <summary>Creates GEGLU.</summary>
    public Geglu()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Gelu.Kernel_ Gate => default;

    /// <inheritdoc />
    public override double ReferenceGate(double b) => GeluReference.Reference(b);

    /// <inheritdoc />
    public override double ReferenceGateDerivative(double b) => GeluReference.ReferenceDerivative(b);

    // The GELU function's own plain-double reference (not its kernel).
    private static readonly Gelu GeluReference = new();
}
