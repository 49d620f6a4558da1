using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// GELU, the Gaussian error linear unit: x·Φ(x) with Φ the standard normal distribution function
/// (Hendrycks &amp; Gimpel, 2016). The exact (erf) form; <see cref="GeluTanh"/> is the tanh approximation.
/// </summary>
/// <remarks>
/// Evaluated with Cody's rational approximations of Φ written in x itself and e^(−x²/2) formed from the exact
/// square of x (<see cref="VMath.Gelu{TV}"/>), so the lower tail keeps full relative accuracy down to the
/// subnormals: gelu(−10) = −7.6198530241605e−23, float results stay non-zero down to x = −14.356068 and double ones
/// down to x ≈ −38.58. gelu(NaN) = NaN, gelu(±0) = ±0, gelu(+∞) = +∞, gelu(−∞) = −0. The minimum is
/// gelu(−0.7517915) = −0.1699712, where the derivative Φ(x) + x·φ(x) crosses zero.
/// </remarks>
public sealed class Gelu : ElementwiseActivation<Gelu.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "gelu",
        Aliases = ["gelu_erf", "gaussian_error_linear_unit"],
        DisplayName = "GELU",
        Summary = "Weights the input by the probability that a standard normal variable lies below it: a smooth, non-monotonic ReLU, the default in Transformers.",
        Family = Family.SmoothRectifier,
        Formula = "x · Φ(x) = x/2 · (1 + erf(x/√2))",
        Derivative = "Φ(x) + x·φ(x), φ(x) = exp(−x²/2)/√(2π)",
        FormulaLatex = @"x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\!\left(\frac{x}{\sqrt{2}}\right)\right)",
        DerivativeLatex = @"\Phi(x) + x\,\varphi(x), \quad \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}",
        Range = "[−0.16997, ∞)",
        Monotonicity = Monotonicity.NonMonotonic,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = false,
        Init = Initialization.He,
        // PyTorch's calculate_gain has no GELU entry; this is the variance-preserving gain 1/√E[gelu(z)²] for
        // z ~ N(0, 1) (E = 0.4252215, mpmath), the same rule that gives ReLU its √2.
        Gain = 1.5335304411955352,
        TypicalUses = ["Transformer feed-forward blocks (BERT, GPT-2, ViT)", "hidden layers where a smooth ReLU is wanted"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput,
        Origin = new("Hendrycks & Gimpel, Gaussian Error Linear Units (GELUs)", 2016, "arXiv:1606.08415"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.GELU(approximate='none') / torch.nn.functional.gelu", "The default is this exact form; approximate='tanh' is gelu_tanh."),
            ["keras"] = new("keras.activations.gelu(x, approximate=False)", "The default is this exact form; approximate=True is gelu_tanh."),
            ["jax"] = new("jax.nn.gelu(x, approximate=False)", "jax.nn.gelu defaults to approximate=True, the tanh form (gelu_tanh): pass approximate=False for this function."),
            ["onnx"] = new("Gelu (opset 20, approximate='none')", "A standard operator since opset 20; approximate='none' is the default, 'tanh' gives gelu_tanh. Older models spell it as an Erf subgraph."),
            ["onednn"] = new("eltwise_gelu_erf", "eltwise_gelu_tanh is gelu_tanh; the older algorithm name eltwise_gelu meant the tanh form."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, -0.0), new(1e-40, 5e-41), new(-1e-40, -5e-41), new(100.0, 100.0)],
        DerivativeZeros = [-0.7517915246935645],
    };

    /// <summary>Creates GELU (exact erf form).</summary>
    public Gelu()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        if (double.IsNegativeInfinity(x)) return -0.0;
        if (double.IsPositiveInfinity(x)) return x;
        return x * ReferenceMath.NormalCdf(x);
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        if (double.IsInfinity(x)) return x > 0 ? 1.0 : -0.0;
        return ReferenceMath.NormalCdf(x) + (x * ReferenceMath.NormalPdf(x));
    }

    /// <summary>The GELU arithmetic (double lanes for float data).</summary>
    public readonly struct Kernel_ : IUnaryKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV> => VMath.Gelu(x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV> => dy * VMath.GeluDerivative(x);

        /// <inheritdoc />
        public static bool HasFloatGradeDouble => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardForFloat<TV>(TV x) where TV : struct, IVec<TV> => VMath.GeluForFloat(x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardForFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV> => dy * VMath.GeluDerivativeForFloat(x);
    }
}
