using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Sine: sin(x). The activation of SIREN networks (Sitzmann et al., 2020), which represent signals and their
/// derivatives with periodic units.
/// </summary>
/// <remarks>
/// Range [−1, 1]. Accurate for every input: arguments up to 2^40 are reduced in vector code with a four-part π/2,
/// larger ones lane by lane by the scalar library's exact reduction: sin(1e10) = −0.48750602508751067, and for
/// the float nearest 3e38 (3.0000000054977558e38) sin = 0.8749048877644344. sin(±0) = ±0, sin(±∞) = NaN,
/// sin(NaN) = NaN.
/// The derivative cos(x) is relatively accurate next to its zeros π/2 + kπ too, since it is computed from the
/// same reduced argument. SIREN's frequency ω₀ (30 in the paper) is not a parameter here: it folds into the
/// preceding layer's weights.
/// </remarks>
public sealed class Sin : ElementwiseActivation<Sin.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "sin",
        Aliases = ["sine", "siren"],
        DisplayName = "Sine",
        Summary = "The sine: a periodic activation for implicit neural representations (SIREN), where it lets a network fit fine detail and smooth derivatives.",
        Family = Family.Periodic,
        Formula = "sin(x)",
        Derivative = "cos(x)",
        FormulaLatex = @"\sin(x)",
        DerivativeLatex = @"\cos(x)",
        Range = "[−1, 1]",
        Monotonicity = Monotonicity.NonMonotonic,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = true,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = false,
        Init = Initialization.He,
        // SIREN draws hidden weights from U(−√(6/n), √(6/n)) (after folding ω₀ in): variance 2/n, He's with gain √2.
        // Its first layer instead uses U(−1/n, 1/n) with ω₀ = 30.
        Gain = Math.Sqrt(2.0),
        TypicalUses = ["implicit neural representations (SIREN): images, audio, signed distance fields", "fitting signals together with their derivatives", "physics-informed networks"],
        Problems = KnownProblem.InitialisationSensitive | KnownProblem.ComputationalCost,
        Origin = new("Sitzmann, Martel, Bergman, Lindell & Wetzstein, Implicit Neural Representations with Periodic Activation Functions (NeurIPS)", 2020, "arXiv:2006.09661"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.sin", "No nn module; SIREN layers are written as torch.sin(omega_0 * linear(x))."),
            ["keras"] = new("keras.ops.sin"),
            ["jax"] = new("jax.numpy.sin"),
            ["onnx"] = new("Sin"),
            ["onednn"] = new("none", "No eltwise algorithm computes sin."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.NaN), new(double.NegativeInfinity, double.NaN), new(1e-40, 1e-40), new(-1e-40, -1e-40)],
        // cos(x) = 0 at π/2 + kπ: every one of them, listed with DerivativeZerosPeriod.
        DerivativeZeros = [Math.PI / 2],
        DerivativeZerosPeriod = Math.PI,
    };

    /// <summary>Creates the sine activation.</summary>
    public Sin()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => Math.Sin(x);

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => Math.Cos(x);

    /// <summary>The sine arithmetic (double lanes for float data).</summary>
    public readonly struct Kernel_ : IUnaryKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV> => VMath.Sin(x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV> => dy * VMath.Cos(x);
    }
}
