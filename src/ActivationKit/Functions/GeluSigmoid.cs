using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// The sigmoid approximation of GELU: x·σ(1.702x) (Hendrycks &amp; Gimpel, 2016), a.k.a. QuickGELU (OpenAI CLIP).
/// It is SiLU/Swish with β = 1.702 and differs from the exact GELU x·Φ(x) by at most about 0.02.
/// </summary>
/// <remarks>
/// 1.702 is the decimal constant of the paper, carried as a double-double (1.702 = 1.702₀ + 4.26e−17) so the far
/// negative tail, where σ(1.702x) is e^(1.702x) and a relative error in the constant is multiplied by |1.702x|,
/// stays within a few ULP. Same evaluation as <see cref="Silu"/>: gelu_sigmoid(−∞) = −0, (+∞) = +∞, (±0) = ±0,
/// (NaN) = NaN; the minimum ≈ −0.1636 is at x ≈ −0.7512, where f′ changes sign. Float data's forward runs in float
/// lanes (<see cref="Kernel_"/>); its derivative and double data take SiLU's kernel with β = 1.702.
/// </remarks>
public sealed class GeluSigmoid : ElementwiseActivation<GeluSigmoid.Kernel_>
{
    /// <summary>The slope 1.702 of the paper's approximation, as the double nearest to it…</summary>
    private const double SlopeHi = 1.702;

    /// <summary>…and the double nearest to the remainder 1.702 − SlopeHi.</summary>
    private const double SlopeLo = 4.263256414560601e-17;

    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "gelu_sigmoid",
        Aliases = ["quick_gelu", "sigmoid_gelu"],
        DisplayName = "GELU (sigmoid approximation)",
        Summary = "x·σ(1.702x): GELU's cheap sigmoid approximation (QuickGELU), within about 0.02 of x·Φ(x).",
        Family = Family.SmoothRectifier,
        Formula = "x · σ(1.702x) = x / (1 + exp(−1.702x))",
        Derivative = "σ(1.702x)·(1 + 1.702x·(1 − σ(1.702x)))",
        FormulaLatex = @"x\,\sigma(1.702\,x)",
        DerivativeLatex = @"\sigma(1.702\,x)\,\bigl(1 + 1.702\,x\,(1 - \sigma(1.702\,x))\bigr)",
        Range = "[−0.1636102, ∞)",
        Monotonicity = Monotonicity.NonMonotonic,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 0.4219528 (mpmath).
        Gain = 1.5394587622988314,
        TypicalUses = ["CLIP-style transformers trained with QuickGELU", "a cheaper drop-in for GELU in feed-forward blocks"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput | KnownProblem.Saturation,
        Origin = new("Hendrycks & Gimpel, Gaussian Error Linear Units (GELUs)", 2016, "arXiv:1606.08415"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("x * torch.sigmoid(1.702 * x)", "No built-in; Hugging Face transformers calls it 'quick_gelu'. torch.nn.GELU(approximate='tanh') is the other (tanh) approximation."),
            ["keras"] = new("x * keras.activations.sigmoid(1.702 * x)", "No built-in; keras.activations.gelu(approximate=True) is the tanh approximation."),
            ["jax"] = new("x * jax.nn.sigmoid(1.702 * x)", "No built-in; jax.nn.gelu(approximate=True), the default, is the tanh approximation."),
            ["onnx"] = new("Swish (opset 24) with alpha = 1.702", "Earlier: Mul(X, Sigmoid(Mul(X, 1.702))); ONNX Runtime also has the contrib op com.microsoft.QuickGelu (alpha = 1.702)."),
            ["onednn"] = new("eltwise_swish (alpha = 1.702)"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, -0.0)],
        // silu′ vanishes at z = −1 − W(1/e); here z = 1.702x.
        DerivativeZeros = [-0.75115425544128895],
    };

    /// <summary>Creates the sigmoid approximation of GELU.</summary>
    public GeluSigmoid()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => new();

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsInfinity(x)) return x > 0 ? x : -0.0;
        double z = SlopeHi * x;
        return ReferenceMath.Swish(x, z, Delta(x, z));
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        double z = SlopeHi * x;
        return ReferenceMath.SwishDerivative(z, Delta(x, z));
    }

    /// <summary>1.702·x − z for z = fl(1.702₀·x), to about 2^−106 (0 where z is not finite).</summary>
    private static double Delta(double x, double z) =>
        double.IsFinite(z) ? Math.FusedMultiplyAdd(SlopeHi, x, -z) + (SlopeLo * x) : 0;

    /// <summary>
    /// x·σ(1.702x): SiLU's kernel with β = 1.702 (double data, and the lanes the float lanes mark), and float lanes of
    /// its own: swish's float formulas (<see cref="SwishFloat"/>) with β a constant, marking the lanes beyond
    /// x = −51 and |x| = 47 for the double lanes (swish with another β, <see cref="SwishFloatKernel"/>, takes float
    /// tails there instead).
    /// </summary>
    public readonly struct Kernel_ : IUnaryKernel
    {
        /// <summary>1.702 rounded to float.</summary>
        private const float SlopeF = 1.702f;

        /// <summary>1.702 − SlopeF (as a float: its own rounding, about 2⁻⁴⁸·1.702, is far below what z + zLo needs).</summary>
        private const float SlopeLoF = (float)((SlopeHi - SlopeF) + SlopeLo);

        /// <summary>Below this x (z = 1.702x below −87, where e^−z leaves the table exponential's range) the float forward marks the lane.</summary>
        private const double FloatLanesLowest = -51.0;

        private readonly Silu.Kernel_ _silu;

        // Double lanes take SiLU's β forms directly (ForwardForParameters, BackwardForParameters: what its Forward and
        // Backward run for β ≠ 1, the same bits), inlined here: through Backward the slope was a call per register.
        // The lane type is told by typeof, not TV.IsDouble, which folds too late for the JIT's inlining budget
        // (double data 2.2 → 1.6 ns/element forward and 2.4 → 1.9 backward with both, as before this kernel existed).

        /// <summary>Binds SiLU's kernel at β = 1.702 (as a double-double).</summary>
        public Kernel_()
        {
            _silu = new(SlopeHi, SlopeLo);
        }

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool BackwardHasDoubleLanes => true;

        /// <inheritdoc />
        public static bool ForwardHasDoubleLanes => true;

        /// <inheritdoc />
        public static bool ForwardInPairs => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
            => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) ? _silu.ForwardForParameters(x) : InDouble.FloatForward(this, x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) ? _silu.BackwardForParameters(x, dy) : InDouble.FloatBackward(this, x, dy);

        /// <summary>
        /// Float lanes: x/(1 + e^−(z + zLo)) with z = fl(1.702f·x) and zLo = (1.702f·x − z) + (1.702 − 1.702f)·x (the
        /// first exact by one fma), so the rounding of 1.702x, which would cost |z| half-ULPs in the negative tail, is
        /// carried into the table exponential's reduced argument (<see cref="SwishFloat.Forward{TV}"/>, which swish with
        /// other β shares).
        /// x is held at 50 for the argument only (z = 85.1, where 1 + e^−z is 1; +∞ and NaN keep their numerator, and the
        /// minimum takes a NaN x as 50); lanes below −51 (z &lt; −87, −∞ included) are marked for the double-lane definition.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
        {
            if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            {
                inDouble = TV.Zero;
                return _silu.ForwardForParameters(x);
            }

            inDouble = TV.LessThan(x, TV.Create(FloatLanesLowest));
            var z = VMath.ScaledPairF(TV.Min(x, TV.Create(50.0)), TV.Create(SlopeF), TV.Create(SlopeLoF), out var zLo);
            return SwishFloat.Forward(x, z, zLo);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => TV.AnyWhereLess(x, TV.Create(FloatLanesLowest));

        /// <inheritdoc />
        public static MarkBound ForwardMarkBound => MarkBound.Below((float)FloatLanesLowest);

        /// <summary>|x| beyond which the float backward marks the lane: z = 1.702x beyond ±80, silu′'s float limit.</summary>
        private const double BackwardFloatLimit = 47.0;

        /// <summary>
        /// dy·f′ in float lanes, f′ = σ(z)·(1 + z·σ(−z)) at z + zLo = 1.702x carried as in <see cref="ForwardFloatLanes{TV}"/>
        /// (<see cref="SwishFloat.Slope{TV}"/>, shared with swish): silu′'s float form (<see cref="Silu.Kernel_"/>: (1 + e + z·e)/(1 + e)² for z ≥ 0, e·(1 + e + z)/(1 + e)² below,
        /// e = e^−|z + zLo|, one division by the common square) with zLo joined to the reduced argument of e and to the
        /// exact 1 + z. Lanes beyond |x| = 47 (|z| &gt; 80), ±∞ included, are marked for the double-lane definition; a NaN x
        /// reaches the result through 1 + z.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            {
                inDouble = TV.Zero;
                return _silu.BackwardForParameters(x, dy);
            }

            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(BackwardFloatLimit));
            var z = VMath.ScaledPairF(x, TV.Create(SlopeF), TV.Create(SlopeLoF), out var zLo);
            return dy * SwishFloat.Slope(z, zLo);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), TV.Create(BackwardFloatLimit));

        /// <inheritdoc />
        public static MarkBound BackwardMarkBound => MarkBound.AbsAbove((float)BackwardFloatLimit);
    }
}
