using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Logistic sigmoid: 1/(1 + e^−x). Squashes to (0, 1): binary and multi-label outputs, RNN/LSTM/GRU gates.
/// </summary>
/// <remarks>
/// Evaluated as e/(1 + e) with e = exp(−|x|) mirrored for x ≥ 0, so there is no overflow and no flushing:
/// sigmoid(−100) = 3.72e−44 (float subnormal), sigmoid(−103.3) is the smallest float subnormal, sigmoid(+∞) = 1,
/// sigmoid(−∞) = +0, sigmoid(NaN) = NaN, sigmoid(±0) = 0.5. The derivative y·(1 − y) is also available from the output.
/// </remarks>
public sealed class Sigmoid : OutputGradientActivation<Sigmoid.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "sigmoid",
        Aliases = ["logistic", "sigm", "expit"],
        DisplayName = "Sigmoid",
        Summary = "The logistic function: a smooth squash to (0, 1), read as a probability.",
        Family = Family.Sigmoidal,
        Formula = "1 / (1 + exp(-x))",
        Derivative = "σ(x)·(1 − σ(x))",
        FormulaLatex = @"\sigma(x) = \frac{1}{1 + e^{-x}}",
        DerivativeLatex = @"\sigma(x)\,(1 - \sigma(x))",
        Range = "(0, 1)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // calculate_gain('sigmoid').
        Gain = 1.0,
        TypicalUses = ["binary classification output (with BCE)", "multi-label output, one per label", "LSTM/GRU gates", "attention gates"],
        Problems = KnownProblem.VanishingGradients | KnownProblem.Saturation | KnownProblem.NotZeroCentred | KnownProblem.ComputationalCost,
        Origin = new("Rumelhart, Hinton & Williams, Learning representations by back-propagating errors", 1986) { Venue = "Nature", Note = "the logistic function (Verhulst's) as a neural unit" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Sigmoid / torch.sigmoid"),
            ["keras"] = new("keras.activations.sigmoid"),
            ["jax"] = new("jax.nn.sigmoid"),
            ["onnx"] = new("Sigmoid"),
            ["onednn"] = new("eltwise_logistic"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.5), new(-0.0, 0.5), new(double.PositiveInfinity, 1.0), new(double.NegativeInfinity, 0.0)],
    };

    /// <summary>Creates the sigmoid.</summary>
    public Sigmoid()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => ReferenceMath.Sigmoid(x);

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        // σ(x)·σ(−x) avoids the cancellation of 1 − σ(x) for large x.
        return ReferenceMath.Sigmoid(x) * ReferenceMath.Sigmoid(-x);
    }

    /// <summary>The sigmoid arithmetic (float lanes for float data: e^−|x| in float, about 2 ULP).</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool GateProductInDouble => true;

        /// <inheritdoc />

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return ForwardFloat(x);
            return VMath.Logistic(x);
        }

        /// <inheritdoc />

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return InDouble.FloatBackward(this, x, dy);
            // σ(x)·σ(−x) = e/(1 + e)² with e = exp(−|x|): symmetric, no cancellation; the square is formed without
            // rounding 1 + e first (VMath.LogisticSlope: plain e·r·r with r = 1/(1 + e) reaches 4.7 ULP).
            var e = VMath.ExpMinusAbs(x);
            return dy * VMath.LogisticSlope(e);
        }

        /// <summary>
        /// Float lanes: 1/(1 + e^−x) in one piece (no select) while e^−x is a normal float; below x = −87 the result
        /// is subnormal and comes from the double-lane definition above, rounded once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV ForwardFloat<TV>(TV x) where TV : struct, IVec<TV>
            => InDouble.FloatForward(this, x);

        /// <inheritdoc />
        public static bool ForwardHasDoubleLanes => true;

        /// <inheritdoc />
        public static bool ForwardInPairs => true;

        /// <inheritdoc />
        // GLU's gate for float data: ForwardFloatLanes/BackwardFloatLanes in double lanes.
        public static bool HasGateForFloat => true;

        /// <inheritdoc />
        public static bool FusedGate => true;

        /// <summary>
        /// σ(b) and σ′(b) for GLU's float data in double lanes from one exponential, the backward's e = e^−|b| (held at
        /// e^−87): with r = 1/(1 + e), σ(b) = r for b ≥ 0 and e·r below, σ′(b) = e·r². |b| beyond 87 is marked, as the
        /// float backward marks it; a NaN b gives NaN for both.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV GateFloatLanes<TV>(TV b, out TV slope, out TV far) where TV : struct, IVec<TV>
        {
            var e = VMath.ExpNonPositiveNormalF(TV.Or(b, TV.SignMask));
            var r = TV.One / (TV.One + e);
            var er = e * r;
            slope = er * r;
            far = TV.GreaterThan(TV.Abs(b), TV.Create(BackwardFloatLimit));
            return TV.SelectWhereGreaterOrEqual(b, TV.Zero, r, er);
        }

        /// <inheritdoc />
        public static bool BackwardHasDoubleLanes => true;

        /// <summary>
        /// dy·σ′(x) with the float-grade e^−|x| (any lane type), and the lanes beyond |x| = 87 marked (for float data
        /// redone by <see cref="BackwardTailF{TV}"/>): e is held at e^−87, a normal float, so the division never meets
        /// a subnormal dividend (three times slower here; Normal(0, 100) inputs took 0.8 ns/element instead of 0.2).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(BackwardFloatLimit));
            return dy * VMath.LogisticSlope(VMath.ExpNonPositiveNormalF(TV.Or(x, TV.SignMask)));
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
        {
            // 1 + e^−x for −x ≤ 87 (larger −x, −∞ included, is redone in double lanes) from the table exponential;
            // NaN flows through.
            inDouble = TV.LessThan(x, TV.Create(ForwardFloatLowest));
            return TV.One / VMath.OnePlusExpOfNegatedTableF(x);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => TV.AnyWhereLess(x, TV.Create(ForwardFloatLowest));

        /// <inheritdoc />
        public static MarkBound ForwardMarkBound => MarkBound.Below((float)ForwardFloatLowest);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), TV.Create(BackwardFloatLimit));

        /// <inheritdoc />
        public static MarkBound BackwardMarkBound => MarkBound.AbsAbove((float)BackwardFloatLimit);

        /// <inheritdoc />
        public static bool ForwardTailInFloat => true;

        /// <summary>
        /// σ(x) below −87 in float lanes: e^x/(1 + e^x) is e^x there to far below a float ULP (e^x &lt; 2^−125), so it
        /// is the float exponential, its subnormal results rounded once (0 from −103.98 on, −∞ included).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV> => VMath.ExpNonPositiveShortF(x, tail: true);

        /// <inheritdoc />
        public static bool BackwardTailInFloat => true;

        /// <summary>
        /// dy·σ′(x) beyond |x| = 87 in float lanes: σ′ = e^−|x|/(1 + e^−|x|)² is e^−|x| there to within 2^−124, and
        /// dy·e^−|x| stays a non-zero float out to |x| ≈ 192.5 when |dy| is near the float maximum (|x| is held at 200):
        /// dy·(1 + m) with 2^n applied last (<see cref="VMath.DyTimesExpTailF{TV}"/>). σ′(±∞) = 0,
        /// so dy·0 there (NaN for an infinite dy, as the definition gives).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardTailF<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var g = VMath.DyTimesExpTailF(dy, TV.Or(x, TV.SignMask));
            return TV.SelectWhereEqual(TV.Abs(x), TV.Create(double.PositiveInfinity), dy * TV.Zero, g);
        }

        // The float lanes' range: below −87 the forward is subnormal, beyond |x| = 87 the slope's e^−|x| is.
        private const double ForwardFloatLowest = -87.0;
        private const double BackwardFloatLimit = 87.0;

        /// <inheritdoc />

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => dy * (y * (TV.One - y));
    }
}
