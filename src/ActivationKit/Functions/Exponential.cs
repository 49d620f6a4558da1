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
/// exp(−∞) = +0, exp(+∞) = +∞, exp(±0) = 1, exp(NaN) = NaN; exp(1) is e's nearest float, and in double one ULP above
/// e's nearest double (the double kernel is not correctly rounded: 0.95 ULP at worst in an mpmath sweep). Results are
/// correct in the subnormal range (exp(−103) ≈ 1.4e−45, the smallest float subnormal) and overflow to +∞ above
/// ln(FLT_MAX) ≈ 88.72 in float and 709.78 in double. The derivative is the output itself, so backward can run from y after an in-place forward.
/// Float data runs in float lanes: for |x| ≤ 87 e^x = t + t·m from a 16-entry table of 2^(j/16) and a degree-2
/// polynomial (0.99 ULP over all floats, forward and dy·e^x), beyond it the polynomial exponential with VSCALEF
/// (forward) or double lanes (dy·e^x, so that a large or small dy still gets a normal e^x to scale).
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
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E[e^(2z)] = e², so 1/e.
        Gain = 0.36787944117144233,
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
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 1.0), new(-0.0, 1.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, 0.0), new(-1e-40, 1.0), new(1e-40, 1.0), new(-800.0, 0.0)],
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
            // Float lanes: the table exponential, with the lanes beyond ±87 from the float exponential (ForwardFloatLanes).
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return InDouble.FloatForward(this, x);
            // The table exponential (VMath.ExpEighths: 2^(j/8) by one permute, a degree-7 polynomial): 1.00 ULP at
            // worst over 200,000 mpmath inputs on [−745.2, 709.8] (subnormal results and the overflow edge included) and
            // 0.99 in tools/golden/sweep.py exponential wide 20000, not correctly rounded; 0.36 → 0.32 ns/element at
            // 262,144 on Zen 5 against the plain polynomial's (VMath.Exp, 0.95–1.01 ULP), which had replaced a
            // double-double mantissa at 0.58 (docs/performance-history.md, thirteenth session of 2026-12-05).
            return VMath.ExpEighths(x);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return InDouble.FloatBackward(this, x, dy);
            var slope = dy * Forward(x);
            // Above ln(double max) e^x overflows although dy·e^x need not (|dy| < 1), and below ln of the least normal
            // double it is subnormal, with too few bits for a large dy to scale back up: (dy·e^(x/2))·e^(x/2) there
            // (e^(x/2) is normal down to x = −1416.8), and dy = 0 gives ±0 at any finite x instead of 0·∞.
            var big = TV.GreaterThan(TV.Abs(x), TV.Create(SplitBeyond));
            if (TV.AnyTrue(big))
            {
                var half = Forward(x * TV.Create(0.5));
                var split = TV.SelectWhereEqual(dy, TV.Zero, dy * TV.Zero, dy * half * half);
                slope = TV.Select(big, TV.SelectWhereEqual(x, TV.Create(double.PositiveInfinity), dy * half, split), slope);
            }

            return slope;
        }

        /// <summary>−ln of the least normal double (2^−1022): beyond ±this e^x is subnormal, or near the overflow at ln(double max) = 709.78.</summary>
        private const double SplitBeyond = 708.3964185322641;

        /// <summary>|x| beyond which float lanes hand dy·e^x to double lanes: e^x is a normal, finite float up to it.</summary>
        private const double FloatSlopeLimit = 87.0;

        /// <inheritdoc />
        public static bool BackwardHasDoubleLanes => true;

        /// <inheritdoc />
        public static bool ForwardHasDoubleLanes => true;

        /// <inheritdoc />
        public static bool ForwardTailInFloat => true;

        /// <summary>
        /// Float lanes: e^x = t + t·m from the table exponential (<see cref="VMath.ExpSixteenthsParts{TV}"/>: a permute and
        /// seven multiply-add-class operations, where the polynomial exponential takes a rounding, ten and a VSCALEF),
        /// for |x| ≤ 87, where e^x and the table's power of two are normal floats. The lanes beyond (and NaN) are marked
        /// for <see cref="ForwardTailF{TV}"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
        {
            if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            {
                inDouble = TV.Zero;
                return Forward(x);
            }

            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(FloatSlopeLimit));
            var m = VMath.ExpSixteenthsParts(x, out var t);
            return TV.Fma(t, m, t);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), TV.Create(FloatSlopeLimit));

        /// <inheritdoc />
        public static MarkBound ForwardMarkBound => MarkBound.AbsAbove((float)FloatSlopeLimit);

        /// <summary>e^x beyond |x| = 87 (and NaN) in float lanes: the polynomial exponential, whose VSCALEF rounds a subnormal result once and gives +∞ from 88.73 on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV> => VMath.ExpF(x, tail: true);

        /// <summary>
        /// Float lanes: dy·e^x with e^x a normal float (|x| ≤ 87), so the product is rounded once more for any dy; the
        /// lanes beyond are marked and redone in double lanes, where e^x stays normal and finite (dy·e^88 for dy &lt; 1
        /// was +∞ from e^x overflowing the floats on its own, and dy·e^−100 kept only the few bits of a subnormal e^x).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(FloatSlopeLimit));
            var m = VMath.ExpSixteenthsParts(x, out var t);
            return dy * TV.Fma(t, m, t);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), TV.Create(FloatSlopeLimit));

        /// <inheritdoc />
        public static MarkBound BackwardMarkBound => MarkBound.AbsAbove((float)FloatSlopeLimit);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV> => dy * y;
    }
}
