using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Log-sigmoid: ln σ(x) = −ln(1 + e^−x) = −softplus(−x). The log-probability of a logistic output; pairs with
/// negative-log-likelihood losses without the overflow of ln(σ(x)) computed in two steps.
/// </summary>
/// <remarks>
/// Evaluated as −(ln(1 + e) + max(0, −x)) with e = exp(−|x|): never overflows, never cancels. logsigmoid(−∞) = −∞,
/// logsigmoid(+∞) = −0 (the limit from below, as −ln(1 + e^−x) gives), logsigmoid(±0) = −ln 2, logsigmoid(NaN) = NaN;
/// logsigmoid(100) ≈ −3.7e−44 (a float subnormal, not 0) and logsigmoid(−100) = −100 up to 3.7e−44.
/// The derivative σ(−x) = 1/(1 + e^x) lies in (0, 1); it is also available from the output, as 1 − e^y = −expm1(y).
/// </remarks>
public sealed class LogSigmoid : OutputGradientActivation<LogSigmoid.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "logsigmoid",
        Aliases = ["log_sigmoid", "log_logistic"],
        DisplayName = "LogSigmoid",
        Summary = "The logarithm of the sigmoid, −ln(1 + e^−x): a log-probability for binary outputs, stable in both tails.",
        Family = Family.Sigmoidal,
        Formula = "−ln(1 + exp(−x))",
        Derivative = "1 / (1 + exp(x)) = σ(−x)",
        FormulaLatex = @"\log \sigma(x) = -\log\left(1 + e^{-x}\right)",
        DerivativeLatex = @"\sigma(-x) = \frac{1}{1 + e^{x}}",
        Range = "(−∞, 0)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = true,
        BoundedBelow = false,
        Saturating = true,
        Init = Initialization.Glorot,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 0.9212459 (mpmath), softplus's by symmetry.
        Gain = 1.0418668355353017,
        TypicalUses = ["log-probabilities of binary or multi-label outputs", "the log σ(·) terms of word2vec negative sampling and logistic (DPO-style) preference losses"],
        Problems = KnownProblem.Saturation | KnownProblem.NotZeroCentred | KnownProblem.ComputationalCost,
        Origin = new("classical: the logarithm of the logistic function", 0),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.LogSigmoid / torch.nn.functional.logsigmoid"),
            ["keras"] = new("keras.activations.log_sigmoid"),
            ["jax"] = new("jax.nn.log_sigmoid"),
            ["onnx"] = new("Neg(Softplus(Neg(X)))", "No LogSigmoid operator; Log(Sigmoid(X)) underflows to −∞ for x below about −745 (−104 in float)."),
            ["onednn"] = new("eltwise_soft_relu with alpha = −1", "oneDNN v2 had eltwise_logsigmoid; v3 folded it into soft_relu(alpha = −1)."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, -0.6931471805599453), new(-0.0, -0.6931471805599453), new(double.PositiveInfinity, -0.0), new(double.NegativeInfinity, double.NegativeInfinity), new(800.0, -0.0)],
    };

    /// <summary>Creates log-sigmoid.</summary>
    public LogSigmoid()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => -ReferenceMath.Softplus(-x);

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => ReferenceMath.Sigmoid(-x);

    /// <summary>The log-sigmoid arithmetic: float lanes for float data, double lanes for double data.</summary>
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
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return InDouble.FloatForward(this, x);
            // min(−0, x) − ln(1 + e) = −(max(0, −x) + ln(1 + e)) to the bit, two operations fewer: the terms have the
            // same sign, so the difference cannot cancel; −0 keeps logsigmoid(+∞) = −0; Min keeps a NaN x (second operand).
            return TV.Min(TV.Create(-0.0), x) - VMath.Log1pExpMinusAbs(x);
        }

        /// <inheritdoc />
        public static bool ForwardHasDoubleLanes => true;

        /// <summary>
        /// Float lanes: min(−0, x) − ln(1 + e), e = e^−|x| held at e^−40 so that Log1pUnitF's square s² (s = e/(2 + e))
        /// stays a normal float (with s² subnormal, inputs beyond ±43 took 0.70 ns/element instead of 0.24). Beyond |x| = 40 the lanes are marked for the tail
        /// formula (<see cref="ForwardTailF{TV}"/>); below −40 the value is x either way.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
        {
            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(ForwardTailBeyond));
            return TV.Min(TV.Create(-0.0), x) - VMath.Log1pUnitF(VMath.ExpMinusAbsShortNormal(x, -ForwardTailBeyond));
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), TV.Create(ForwardTailBeyond));

        /// <inheritdoc />
        public static MarkBound ForwardMarkBound => MarkBound.AbsAbove((float)ForwardTailBeyond);

        /// <inheritdoc />
        public static bool ForwardTailInFloat => true;

        /// <summary>
        /// logsigmoid(x) beyond |x| = 40 in float lanes: −e^−x above 40 (ln(1 + e) is e to within 2^−58 there), its
        /// subnormal results rounded once (−0 from 103.98 on, +∞ included), and x itself below −40 (ln(1 + e^x) is far
        /// below x's ULP).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV>
            => TV.SelectWhereLess(x, TV.Zero, x, -VMath.ExpOfNegatedShortF(x));

        private const double ForwardTailBeyond = 40.0;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return InDouble.FloatBackward(this, x, dy);
            // σ(−x): sigmoid's double forward mirrored. Above x = 708 the result is subnormal and e·r rounds twice there,
            // within one step of the subnormal grid (the form with e's power of two applied after the product took
            // ExpParts, twice the time).
            return dy * VMath.Logistic(x, mirrored: true);
        }

        /// <inheritdoc />
        public static bool BackwardHasDoubleLanes => true;

        // Above 87 σ(−x) is below the float normals (and e^x past the float range), below −87 it is 1: those lanes go to
        // the tail formula.
        private const double SlopeFloatHighest = 87.0;

        /// <inheritdoc />
        public static MarkBound BackwardMarkBound => MarkBound.AbsAbove((float)SlopeFloatHighest);

        /// <inheritdoc />
        public static bool BackwardTailInFloat => true;

        /// <summary>
        /// dy·σ(−x) beyond |x| = 87 in float lanes: dy below −87 (σ(−x) = 1 to the float), and above 87 dy·e^−x (σ(−x) is
        /// e^−x to within 2^−125) with its power of two applied last (<see cref="VMath.DyTimesExpTailF{TV}"/>), which keeps
        /// the result for any dy (x held at 200, beyond which dy·e^−x is below the floats); σ(−∞) = 0, so dy·0 at +∞.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardTailF<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var g = TV.SelectWhereEqual(x, TV.Create(double.PositiveInfinity), dy * TV.Zero, VMath.DyTimesExpTailF(dy, -x));
            return TV.SelectWhereLess(x, TV.Zero, dy, g);
        }

        /// <summary>
        /// Float lanes: σ(−x) = 1/(1 + e^x) in one piece, no select between the sides — sigmoid's float forward
        /// mirrored (the form with e^−|x| and e·r on one side measured 2.83 ULP and three operations more); beyond
        /// |x| = 87 the tail formula (<see cref="BackwardTailF{TV}"/>). NaN flows through.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(SlopeFloatHighest));
            // e^x only inside 1 + e^x, and the lanes beyond |x| = 87 are marked: held at e^−87 (1 + e is 1 below it as
            // before), 2^n is a normal float.
            return dy * (TV.One / (TV.One + VMath.ExpNonPositiveShortNormalF(x, -SlopeFloatHighest)));
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), TV.Create(SlopeFloatHighest));

        /// <summary>
        /// dy·σ(−x) from y = logsigmoid(x): σ(−x) = 1 − σ(x) = 1 − e^y = −expm1(y), well conditioned for every y ≤ 0
        /// (|y·e^y/(e^y − 1)| ≤ 1, so y's own rounding moves the slope by no more ULPs than it has); the float expm1 in
        /// float lanes (about 1.5 ULP), the double one in double lanes. y = −∞ gives 1, y = −0 gives 0; a y above 0, which
        /// no input gives, is taken as +0 (slope 0, the limit at x = +∞); NaN stays NaN.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV>
        {
            var v = TV.Min(TV.Create(-0.0), y);
            var em1 = (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
                ? VMath.Expm1Clamped(TV.Max(TV.Create(-40.0), v))
                : VMath.Expm1NonPositiveF(v);
            return dy * TV.WithNaNOf(TV.Zero - em1, y);
        }
    }
}
