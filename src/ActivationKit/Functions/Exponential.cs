using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// The exponential e^x as an activation (Keras' <c>exponential</c>): positive outputs, e.g. rates or scales of
/// a distribution predicted by a network.
/// </summary>
/// <remarks>
/// exp(−∞) = +0, exp(+∞) = +∞, exp(±0) = 1, exp(NaN) = NaN, exp(1) = e correctly rounded. Results are correct in
/// the subnormal range (exp(−103) ≈ 1.4e−45, the smallest float subnormal) and overflow to +∞ above
/// ln(FLT_MAX) ≈ 88.72 in float and 709.78 in double. The derivative is the output itself, so backward can run from y after an in-place forward.
/// </remarks>
public sealed class Exponential : OutputGradientActivation<Exponential.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "exponential",
        Aliases = ["exp"],
        DisplayName = "Exponential",
        Summary = "e^x: maps any real to a positive value; used for rates, variances and other strictly positive outputs.",
        Family = Family.Exponential,
        Formula = "exp(x)",
        Derivative = "exp(x)",
        FormulaLatex = @"e^{x}",
        DerivativeLatex = @"e^{x}",
        Range = "(0, ∞)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // PyTorch's calculate_gain has no entry for exp; it is an output activation, initialised like a linear layer.
        Gain = 1.0,
        TypicalUses = ["positive outputs: Poisson rates, variances, scale parameters", "log-parameterised quantities in probabilistic models"],
        Problems = KnownProblem.UnboundedOutput | KnownProblem.NotZeroCentred | KnownProblem.ComputationalCost | KnownProblem.Saturation,
        Origin = new("classical", 0),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.exp", "No nn module; use torch.exp in forward."),
            ["keras"] = new("keras.activations.exponential"),
            ["jax"] = new("jax.numpy.exp"),
            ["onnx"] = new("Exp"),
            ["onednn"] = new("eltwise_exp (or eltwise_exp_use_dst_for_bwd)"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 1.0), new(-0.0, 1.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, 0.0), new(1.0, Math.E), new(-1e-40, 1.0), new(1e-40, 1.0), new(-800.0, 0.0)],
    };

    /// <summary>Creates the exponential activation.</summary>
    public Exponential()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => Math.Exp(x);

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => Math.Exp(x);

    /// <summary>The exponential's arithmetic (double lanes for float data).</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool ForwardInPairs => true;

        /// <inheritdoc />
        public static bool BackwardInPairs => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            // Float lanes: the float exponential (about 1 ULP, subnormal results rounded once, +∞ from 88.73 on).
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return VMath.ExpF(x);
            // The double-double mantissa p + lo (about 2^−57 relative) rounded once: correctly rounded but for rare
            // near-halfway cases (exp(1) = 2.718281828459045, which a plain double polynomial misses by one ULP).
            var p = VMath.ExpParts(x, out var n, out var lo);
            return VMath.ScaleExpParts(p + lo, n);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV> => dy * Forward(x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => dy * y;
    }
}
