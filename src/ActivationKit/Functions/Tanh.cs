using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Hyperbolic tangent: (e^x − e^−x)/(e^x + e^−x). Zero-centred squash to (−1, 1): RNN cell/candidate activations.
/// </summary>
/// <remarks>
/// Evaluated as sign(x)·(1 − e)/(1 + e) with e = e^−2|x|: float lanes form e − 1 and e + 1 from exact parts of e^−2|x|,
/// double lanes write e as a rational ratio whose division the quotient shares. Accurate for tiny inputs
/// (tanh(1e−8) = 1e−8, tanh of a subnormal is itself) and odd (tanh(−0) = −0). tanh(±∞) = ±1, tanh(NaN) = NaN. Derivative 1 − y² is also
/// available from the output.
/// </remarks>
public sealed class Tanh : OutputGradientActivation<Tanh.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "tanh",
        Aliases = ["hyperbolic_tangent"],
        DisplayName = "Tanh",
        Summary = "The hyperbolic tangent: a zero-centred smooth squash to (−1, 1).",
        Family = Family.Sigmoidal,
        Formula = "(exp(x) − exp(−x)) / (exp(x) + exp(−x))",
        Derivative = "1 − tanh(x)²",
        FormulaLatex = @"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
        DerivativeLatex = @"1 - \tanh^2(x)",
        Range = "(−1, 1)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = true,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // calculate_gain('tanh').
        Gain = 5.0 / 3.0,
        TypicalUses = ["RNN/LSTM/GRU cell and candidate activations", "bounded outputs in (−1, 1)", "shallow MLP hidden layers"],
        Problems = KnownProblem.VanishingGradients | KnownProblem.Saturation | KnownProblem.ComputationalCost,
        Origin = new("LeCun, Bottou, Orr & Müller, Efficient BackProp", 1998) { Venue = "Neural Networks: Tricks of the Trade", Note = "popularised it for neural networks; the function itself is classical" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Tanh / torch.tanh"),
            ["keras"] = new("keras.activations.tanh"),
            ["jax"] = new("jax.numpy.tanh / jax.nn.tanh"),
            ["onnx"] = new("Tanh"),
            ["onednn"] = new("eltwise_tanh"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, 1.0), new(double.NegativeInfinity, -1.0), new(1e-8, 1e-8), new(-1e-8, -1e-8), new(1e-40, 1e-40)],
    };

    /// <summary>Creates tanh.</summary>
    public Tanh()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => Math.Tanh(x);

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        // 1/cosh² avoids the cancellation of 1 − tanh² for large |x|, but cosh² overflows past |x| ≈ 355 and gave 0 where
        // f′ = 4e^(−2|x|) is still a double (1.08e−310 at 357.55); there the form in e = e^(−2|x|) ≤ 1 cancels nothing.
        double a = Math.Abs(x);
        if (a < 1)
        {
            double c = Math.Cosh(x);
            return 1.0 / (c * c);
        }

        double e = Math.Exp(-2 * a);
        return 4 * e / ((1 + e) * (1 + e));
    }

    /// <summary>The tanh arithmetic: float lanes for float data, double lanes for double data.</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return ForwardFloat(x);
            // tanh|x| = (1 − e)/(1 + e) with e = e^−2|x| = t·(U + w)/(U − w), t = 2^n (VMath.ExpRatioParts): the
            // exponential's ratio and the quotient share one division, (U·(1 − t) − w·(1 + t))/(U·(1 + t) − w·(1 − t)),
            // with 1 ∓ t exact. Near 0 (n = 0) that is −2w/2U with nothing cancelled, so small and subnormal x keep
            // their relative accuracy without a series. −2|x| is clamped at −40 (from |x| = 19.1 the quotient rounds
            // to 1), the constant first so a NaN is kept.
            var v = TV.Or(x, TV.SignMask);
            var u = VMath.ExpRatioParts(TV.Max(TV.Create(-40.0), v + v), out var w, out var n);
            var t = TV.MulPow2(TV.One, n);
            var oneMinusT = TV.One - t;
            var onePlusT = TV.One + t;
            var y = TV.Fms(u, oneMinusT, w * onePlusT) / TV.Fms(u, onePlusT, w * oneMinusT);
            // Restore the sign (keeps tanh(−0) = −0); NaN stays NaN.
            return TV.Or(y, TV.And(x, TV.SignMask));
        }

        /// <inheritdoc />

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return InDouble.FloatBackward(this, x, dy);
            return BackwardLanes(x, dy, -104.0);
        }

        /// <inheritdoc />
        public static bool BackwardHasDoubleLanes => true;

        /// <summary>
        /// Float lanes: <see cref="Backward{TV}"/>'s formula with −2|x| held at −80, so e stays a normal float (a division
        /// with a subnormal dividend is three times slower here: inputs beyond ±44 took 0.84 ns/element instead of 0.21),
        /// and the lanes beyond |x| = 40 marked for the tail formula (<see cref="BackwardTailF{TV}"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(SlopeTailBeyond));
            return BackwardLanes(x, dy, -2 * SlopeTailBeyond);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), TV.Create(SlopeTailBeyond));

        /// <inheritdoc />
        public static MarkBound BackwardMarkBound => MarkBound.AbsAbove((float)SlopeTailBeyond);

        /// <inheritdoc />
        public static bool BackwardTailInFloat => true;

        /// <summary>
        /// dy·tanh′(x) beyond |x| = 40 in float lanes: tanh′ = 4e/(1 + e)² is 4e there to within 2^−114 (e = e^−2|x|), and
        /// dy·4e stays a non-zero float out to |x| ≈ 97 when |dy| is near the float maximum (−2|x| is held at −200):
        /// dy·(1 + m) with 2^(n + 2) applied last (<see cref="VMath.ScaleTailF{TV}"/>). tanh′(±∞) = 0, so dy·0 there.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardTailF<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var v = TV.Or(x, TV.SignMask);
            var m = VMath.Expm1ScaledPartsShortF(TV.Max(v + v, TV.Create(-200.0)), out var n);
            var g = VMath.ScaleTailF(dy, m + TV.One, n + TV.Create(2.0));
            return TV.SelectWhereEqual(TV.Abs(x), TV.Create(double.PositiveInfinity), dy * TV.Zero, g);
        }

        private const double SlopeTailBeyond = 40.0;

        /// <summary>
        /// dy·(1 − tanh²x) with e^−2|x| held at e^<paramref name="floatFloor"/> in float lanes (−80, which keeps e and its
        /// power of two normal floats: float lanes reach here only through <see cref="BackwardFloatLanes{TV}"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV BackwardLanes<TV>(TV x, TV dy, double floatFloor) where TV : struct, IVec<TV>
        {
            // 1 − tanh² = 4e/(1 + e)² with e = exp(−2|x|): no cancellation in the tails.
            // −2|x| as v + v with v = −|x| (one OR), not −(|x| + |x|): the same value, one operation fewer. Float lanes
            // need e^−2|x| itself, so the shorter polynomial serves (2.73 → 2.74 ULP, 0.339 → 0.319); double lanes take
            // the double exponential. The square is formed in one fused rounding in both (in double lanes 4e/(d·d) with
            // d = 1 + e rounded reached 3.4 ULP on a wide sweep).
            var v = TV.Or(x, TV.SignMask);
            var e = (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
                ? VMath.ExpNonPositive(v + v)
                : VMath.ExpNonPositiveShortNormalF(v + v, floatFloor);
            return dy * (TV.Create(4.0) * VMath.LogisticSlope(e));
        }

        /// <summary>
        /// Float lanes: tanh|x| = −E/(2 + E) with E = e^−2|x| − 1 = t·m + (t − 1), t = 2^n exact and m = expm1 of the
        /// reduced argument, E rounded once from exact parts, so near 0 the quotient keeps expm1's relative accuracy.
        /// The denominator 2 + E is formed from the rounded E (one operation; from E's exact parts, t·m + (t + 1), it took
        /// two and kept the worst case at 1.93 ULP instead of 2.50 at x = 4.5, where 2 + E ≈ 1 carries E's rounding:
        /// 0.274 → 0.262 ns/element). The reduction runs on v = −|x| with ln 2/2 and the polynomial on h = r/2
        /// (<see cref="VMath.Expm1OfDoubledF{TV}"/>): the same bits as for −2|x| without forming it. E/(2 + E) is
        /// non-positive; its sign bit is replaced by x's (one ternary-logic instruction). Of its operations 11 are
        /// multiplies or multiply-adds, which share two of the four floating-point pipes; t − 1, 2 + E and 2h are
        /// additions, which do not.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            // −|x|, clamped at −9 (where e^−18 is below half a float ULP of 1). On AVX-512 one VRANGE, which takes a NaN x
            // as −9, and the NaN is put back at the end by one VFIXUPIMM; elsewhere a NaN flows through max's second
            // operand (whose constant first needs a register filled every iteration, and two operations).
            var v = TV.RestoresNaNCheaply ? TV.MinusAbsAtLeast(x, TV.Create(-9.0)) : TV.Max(TV.Create(-9.0), TV.Or(x, TV.SignMask));
            var n = TV.RoundToEven(v * TV.Create(2 * VMath.Log2E));
            // One constant for ln 2/2 (float, 9.5e−10 below it): h is off by |n|·9.5e−10 at most, and |n| grows with |x|
            // only where tanh′ = 1 − tanh² shrinks faster (at most 0.02 ULP of the result, near x = 1), so the
            // Cody–Waite low part the exponentials carry is not needed here.
            var h = TV.Fma(n, TV.Create(-VMath.Ln2F / 2), v);
            // t − 1 is exact for −23 ≤ n ≤ 0 (below, e^−2|x| is under half a float ULP of 1 and it rounds to −1 like
            // the result), so E = t·m + (t − 1) is rounded once.
            var t = TV.Pow2(n);
            var m = VMath.Expm1OfDoubledF(h);
            var e = TV.Fma(t, m, t - TV.One);
            var y = TV.Select(TV.SignMask, x, e / (e + TV.Create(2.0)));
            return VMath.KeepNaN(y, x);
        }

        /// <inheritdoc />

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => dy * TV.Fnma(y, y, TV.One);
    }
}
