using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// SELU: λ·x for x &gt; 0, λα·(e^x − 1) otherwise, with the fixed constants α ≈ 1.6733 and λ ≈ 1.0507 of
/// Klambauer et al. (2017) that make zero mean and unit variance a stable fixed point of the layer map
/// (self-normalising networks, with LeCun-normal weights).
/// </summary>
/// <remarks>
/// α = 1.6732632423543772848170429916717 and λ = 1.0507009873554804934193349852946 are the paper's values (as in
/// PyTorch). λ and λα are applied as double-doubles (hi + lo), so positive results are λ·x correctly rounded and
/// the error of the negative branch is that of expm1. selu(−∞) = −λα ≈ −1.7581, selu(+∞) = +∞, selu(±0) = ±0,
/// selu(NaN) = NaN. f′ jumps at 0 from λα to λ (PyTorch takes λα at 0). f′ = y + λα on the negative branch, so
/// backward can run from the output.
/// </remarks>
public sealed class Selu : OutputGradientActivation<Selu.Kernel_>
{
    /// <summary>λ (the paper's scale) to double precision.</summary>
    public const double Scale = 1.0507009873554804934193349852946;

    /// <summary>α (the paper's alpha) to double precision.</summary>
    public const double Alpha = 1.6732632423543772848170429916717;

    // λ = ScaleHi + ScaleLo and λα = ScaleAlphaHi + ScaleAlphaLo as double-doubles of the exact decimal products
    // (computed with mpmath at 50 digits).
    private const double ScaleHi = 1.0507009873554805;
    private const double ScaleLo = 3.9874847667154144e-17;

    // λ as a float pair for float lanes: λ rounded down to a float plus the (positive) rest, so λ·x is rounded about
    // once (with the nearest float alone, λ·x overflows just below the float maximum) and λ·∞ stays ∞.
    private static readonly double ScaleHiForFloat = (float)ScaleHi > ScaleHi ? MathF.BitDecrement((float)ScaleHi) : (float)ScaleHi;
    private static readonly double ScaleLoForFloat = (ScaleHi - ScaleHiForFloat) + ScaleLo;

    // λα as a float pair for the float slope, split as λ is above.
    private static readonly double ScaleAlphaHiForFloat = (float)ScaleAlphaHi > ScaleAlphaHi ? MathF.BitDecrement((float)ScaleAlphaHi) : (float)ScaleAlphaHi;
    private static readonly double ScaleAlphaLoForFloat = (ScaleAlphaHi - ScaleAlphaHiForFloat) + ScaleAlphaLo;
    private const double ScaleAlphaHi = 1.7580993408473768;
    private const double ScaleAlphaLo = 1.41535193800845e-17;

    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "selu",
        Aliases = ["scaled_elu", "self_normalizing"],
        DisplayName = "SELU",
        Summary = "A scaled ELU with fixed constants that keeps activations at zero mean and unit variance (self-normalising networks).",
        Family = Family.Exponential,
        Formula = "λ·x if x > 0 else λα·(exp(x) − 1), α ≈ 1.67326, λ ≈ 1.05070",
        Derivative = "λ if x > 0 else λα·exp(x) (= y + λα)",
        FormulaLatex = @"\lambda\begin{cases}x & x > 0\\ \alpha\,(e^{x} - 1) & x \le 0\end{cases}, \quad \alpha \approx 1.6733,\ \lambda \approx 1.0507",
        DerivativeLatex = @"\lambda\begin{cases}1 & x > 0\\ \alpha\,e^{x} & x \le 0\end{cases}",
        Range = "(−λα, ∞) ≈ (−1.7581, ∞)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.LeCun,
        // LeCun normal ignores the gain; 1, as PyTorch advises for SELU (nonlinearity='linear': calculate_gain('selu')
        // = 3/4 gives up self-normalisation, see the pytorch note), and SELU's variance-preserving value (E[selu(z)²] = 1).
        Gain = 1.0,
        TypicalUses = ["deep fully connected networks without batch normalisation", "self-normalising networks with LeCun-normal weights and alpha dropout"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.UnboundedOutput | KnownProblem.NonDifferentiable | KnownProblem.InitialisationSensitive | KnownProblem.Saturation,
        Origin = new("Klambauer, Unterthiner, Mayr & Hochreiter, Self-Normalizing Neural Networks", 2017, "arXiv:1706.02515") { Venue = "NIPS" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.SELU", "Same constants. torch.nn.init.calculate_gain('selu') = 3/4, but PyTorch's documentation warns that this gain gives up the self-normalising effect for more stable gradient flow in rectangular layers, and advises nonlinearity='linear' (gain 1, variance 1/fan_in: LeCun normal, as here) for self-normalising networks."),
            ["keras"] = new("keras.activations.selu", "Pair with keras.initializers.LecunNormal and AlphaDropout."),
            ["jax"] = new("jax.nn.selu"),
            ["onnx"] = new("Selu (alpha = 1.67326319217681884765625, gamma = 1.05070102214813232421875)", "The attributes are float32: the defaults are the constants rounded to float, off by about 3e−8 relative."),
            ["onednn"] = new("eltwise_elu (alpha = α) followed by eltwise_linear (alpha = λ)", "No SELU algorithm."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, -1.7580993408473768), new(1.0, 1.0507009873554805), new(-800.0, -1.7580993408473768)],
        // f′ jumps from λα to λ.
        Kinks = [0.0],
    };

    /// <summary>Creates SELU.</summary>
    public Selu()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        return x > 0 ? Math.FusedMultiplyAdd(ScaleHi, x, ScaleLo * x) : (ScaleAlphaHi + ScaleAlphaLo) * ReferenceMath.Expm1(x);
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > 0 ? Scale : (ScaleAlphaHi + ScaleAlphaLo) * Math.Exp(x);

    /// <summary>The SELU arithmetic: float lanes for float data, double lanes for double data.</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            var positive = (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
                ? TV.Fma(x, TV.Create(ScaleHi), x * TV.Create(ScaleLo))
                : TV.Fma(x, TV.Create(ScaleHiForFloat), x * TV.Create(ScaleLoForFloat));
            var em1 = Elu.Kernel_.ExpMinusOne(x);
            var negative = TV.Fma(em1, TV.Create(ScaleAlphaHi), em1 * TV.Create(ScaleAlphaLo));
            // A NaN x fails x ≤ 0 and takes the positive side, λ·x = NaN (float lanes' expm1 takes it as −18).
            return TV.SelectWhereLessOrEqual(x, TV.Zero, negative, positive);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return InDouble.FloatBackward(this, x, dy);
            var e = Elu.Kernel_.ExpNegativeBranch(x);
            var negative = TV.Fma(TV.Create(ScaleAlphaHi), e, TV.Create(ScaleAlphaLo) * e);
            return dy * TV.SelectWhereGreater(x, TV.Zero, TV.Create(Scale), negative);
        }

        /// <inheritdoc />
        public static bool BackwardHasDoubleLanes => true;

        /// <summary>
        /// Float lanes: dy·λα·e^x with λα as a float pair (its low part times e^x, 2.3e−8·e^x, is a normal float down to
        /// x = −69.76; with the double pair's 1.4e−17·e^x subnormal, from −48.5 on, inputs took 0.56 ns/element instead
        /// of 0.20). x is held at
        /// −69 and the lanes below marked for the tail formula (<see cref="BackwardTailF{TV}"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            inDouble = TV.LessThan(x, TV.Create(SlopeTailBelow));
            var e = Elu.Kernel_.ExpNegativeBranchNormal(x, SlopeTailBelow);
            var negative = TV.Fma(TV.Create(ScaleAlphaHiForFloat), e, TV.Create(ScaleAlphaLoForFloat) * e);
            return dy * TV.SelectWhereGreater(x, TV.Zero, TV.Create(Scale), negative);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.AnyWhereLess(x, TV.Create(SlopeTailBelow));

        /// <inheritdoc />
        public static MarkBound BackwardMarkBound => MarkBound.Below((float)SlopeTailBelow);

        /// <inheritdoc />
        public static bool BackwardTailInFloat => true;

        /// <summary>
        /// dy·λα·e^x below −69 in float lanes: u = λα·(1 + m) from the float pair, dy·u rounded once more and the power
        /// of two last (<see cref="VMath.ScaleTailF{TV}"/>), so the result keeps its accuracy for any dy (x held at −200,
        /// beyond which dy·λα·e^x is below the floats). SELU′(−∞) = 0.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardTailF<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var m = VMath.Expm1ScaledPartsShortF(TV.Max(x, TV.Create(-200.0)), out var n);
            var hi = TV.Create(ScaleAlphaHiForFloat);
            var lo = TV.Create(ScaleAlphaLoForFloat);
            var u = TV.Fma(hi, m, TV.Fma(lo, m, lo)) + hi;
            var g = VMath.ScaleTailF(dy, u, n);
            return TV.SelectWhereEqual(x, TV.Create(double.NegativeInfinity), dy * TV.Zero, g);
        }

        private const double SlopeTailBelow = -69.0;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV>
            => dy * TV.SelectWhereGreater(y, TV.Zero, TV.Create(Scale), y + TV.Create(ScaleAlphaHi));
    }
}
