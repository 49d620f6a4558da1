using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Hard swish: x·relu6(x + 3)/6 (Howard et al., 2019, MobileNetV3). A piecewise-quadratic stand-in for SiLU that
/// needs no exponential: 0 for x ≤ −3, x for x ≥ 3, x(x + 3)/6 between.
/// </summary>
/// <remarks>
/// <para>
/// Computed in the input's own precision (no transcendental functions): x + 3 is split into its rounded value and
/// the exact remainder (fast two-sum, |x| &lt; 3) so x·(x + 3) is rounded once and then divided by 6; at most about
/// one ULP. hardswish(−0) = −0, hardswish(−∞) = +0, hardswish(+∞) = +∞, hardswish(NaN) = NaN; the minimum −0.375 is
/// at x = −1.5, where f′ changes sign.
/// </para>
/// <para>
/// f′ = (2x + 3)/6 on [−3, 3] (PyTorch's CPU convention at the kinks: f′(−3) = −1/2, f′(3) = 3/2), 0 below and 1
/// above.
/// </para>
/// </remarks>
public sealed class Hardswish : ElementwiseActivation<Hardswish.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "hardswish",
        Aliases = ["hard_swish", "hard_silu", "h_swish"],
        DisplayName = "Hardswish",
        Summary = "x·relu6(x + 3)/6: a cheap piecewise-quadratic SiLU for mobile networks, exact zero below −3 and identity above 3.",
        Family = Family.Rectifier,
        Formula = "x · min(max(x + 3, 0), 6) / 6",
        Derivative = "0 if x < −3, 1 if x > 3, else (2x + 3)/6",
        FormulaLatex = @"x\,\frac{\min(\max(x + 3, 0), 6)}{6}",
        DerivativeLatex = @"\begin{cases}0 & x < -3\\ \frac{2x + 3}{6} & -3 \le x \le 3\\ 1 & x > 3\end{cases}",
        Range = "[−0.375, ∞)",
        Monotonicity = Monotonicity.NonMonotonic,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = false,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 0.3315674 (mpmath).
        Gain = 1.7366572127665416,
        TypicalUses = ["MobileNetV3 and other mobile/edge CNNs", "a quantisation-friendly replacement for SiLU"],
        Problems = KnownProblem.DyingUnits | KnownProblem.NonDifferentiable | KnownProblem.UnboundedOutput | KnownProblem.NotZeroCentred,
        Origin = new("Howard, Sandler, Chu, Chen, Chen, Tan, Wang, Zhu, Pang, Vasudevan, Le & Adam, Searching for MobileNetV3", 2019, "arXiv:1905.02244") { Venue = "ICCV" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Hardswish / torch.nn.functional.hardswish", "x·clamp(x + 3, 0, 6)/6 gives −0 (not +0) for x < −3. At the kinks the CPU backward gives f′(−3) = −1/2 (as here) and f′(3) = 3/2 (as here) only on its scalar path (tensors of a few elements, and the tail after the last vector): its vector path gives f′(3) = 1, and the CUDA kernel 0 and 1."),
            ["keras"] = new("keras.activations.hard_silu (alias hard_swish)"),
            ["jax"] = new("jax.nn.hard_silu / jax.nn.hard_swish"),
            ["onnx"] = new("HardSwish (opset 14)", "Defined as x·max(0, min(1, x/6 + 1/2)), the same function."),
            ["onednn"] = new("eltwise_hardswish (alpha = 1/6, beta = 1/2)", "oneDNN v3 takes alpha and beta: s·max(0, min(1, αs + β))."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, 0.0), new(-3.0, 0.0), new(-4.0, 0.0), new(3.0, 3.0), new(-1.5, -0.375), new(1.5, 1.125), new(6.0, 6.0)],
        DerivativeZeros = [-1.5],
        Kinks = [-3.0, 3.0],
    };

    /// <summary>Creates hardswish.</summary>
    public Hardswish()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x <= -3) return 0.0;
        return x >= 3 ? x : x * (x + 3) / 6;
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < -3) return 0.0;
        return x > 3 ? 1.0 : ((2 * x) + 3) / 6;
    }

    /// <summary>The hardswish arithmetic (in the data's own precision).</summary>
    public readonly struct Kernel_ : IUnaryKernel
    {
        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool IsCheap => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            var three = TV.Create(3.0);
            if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            {
                // Double lanes: for |x| < 3, t + tLo = x + 3 exactly (fast two-sum with the larger operand 3 first),
                // so x·(x + 3) is rounded once by the fma and once more by the division.
                var t = three + x;
                var tLo = (three - t) + x;
                var exact = SixthOf(TV.Fma(x, t, x * tLo));
                // NaN fails both comparisons and stays NaN through the middle formula.
                return TV.SelectWhereLessOrEqual(x, -three, TV.Zero, TV.SelectWhereGreaterOrEqual(x, three, x, exact));
            }

            // Float lanes, six operations and no select: y = x·g with x clamped below at −3 and g = (x + 3)/6, x
            // clamped to [−3, 3] there (NaN stays NaN: the constants are Max/Min's first operands). x + 3 is formed as
            // −3 − x and the sign put back with 1/6 as the negated float pair −(h + l): −3 − (−3) is +0, so g = −0
            // at x = −3 and y = −3·(−0) = +0 for every x ≤ −3 (−∞ included), while −0 keeps its sign (−0·½).
            // 6·(h + l) rounds to exactly 1, so y = x from 3 up (∞ too). x + 3 is exact from −3 to −1.5 (Sterbenz),
            // so the zero at −3 is kept; its rounding elsewhere costs under an ULP (1.87 ULP exhaustive; this kernel
            // has no gradient from the output for it to break, unlike Hardsigmoid). Measured on Zen 4 at 262,144
            // (alternating processes): 0.100 → 0.091 ns/element against the previous form, −(x·d)/6 with
            // d = −3 − x and a select for x ≥ 3 (eight operations), and 0.143 → 0.107 on the AVX2 path; a five-
            // operation form with x + 3 rounded down (one VADDPS {rd-sae}) ran 0.090 but 0.167 on AVX2, whose exact
            // emulation of the rounding took five operations, and one multiply by RN(1/6) instead of the pair 2.48 ULP.
            var minusThree = TV.Create(-3.0);
            var lower = TV.Max(minusThree, x);
            var negSum = minusThree - TV.Min(three, lower);
            return lower * TV.Fma(negSum, TV.Create(-SixthHiF), negSum * TV.Create(-SixthLoF));
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var three = TV.Create(3.0);
            // 2x + 3 is exact on [−3, −3/4] (Sterbenz), so the slope is correctly rounded around its zero at −3/2.
            var slope = SixthOf((x + x) + three);
            return TV.SelectWhereLess(x, -three, TV.Zero, TV.SelectWhereGreater(x, three, dy, dy * slope));
        }

        /// <summary>
        /// v/6 as v·(1/6) with 1/6 held as hi + lo of the lane type: rounded once to about half an ULP like the
        /// division, but a multiply and an fma instead of a division, whose throughput bound these memory-speed kernels.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static TV SixthOf<TV>(TV v) where TV : struct, IVec<TV>
            => TV.Fma(v, TV.Create(TV.IsDouble ? SixthHi : SixthHiF), v * TV.Create(TV.IsDouble ? SixthLo : SixthLoF));

        // 1/6 = SixthHi + SixthLo (double pair) = SixthHiF + SixthLoF (float pair, both exactly floats). Both hi parts
        // are rounded down so the lo parts are positive: then v·lo keeps the sign of v = ±0 and −0 stays −0.
        private const double SixthHi = 1.0 / 6.0;
        private const double SixthLo = 9.25185853854297e-18;
        internal const double SixthHiF = 0.1666666567325592;
        internal const double SixthLoF = 9.934107758624577e-09;
    }
}
