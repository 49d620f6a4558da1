using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;
using System.Globalization;

namespace ActivationKit.Functions;

/// <summary>
/// ELU: x for x &gt; 0, α·(e^x − 1) otherwise (Clevert, Unterthiner &amp; Hochreiter, ICLR 2016). Negative outputs
/// saturating at −α pull mean activations towards zero.
/// </summary>
/// <remarks>
/// <para>
/// The negative branch uses expm1, so it keeps full relative accuracy near 0: elu(−1e−8) = −1e−8 in float
/// (−9.99999995e−9 in double), elu(−0) = −0, elu(−∞) = −α, elu(+∞) = +∞, elu(NaN) = NaN. The derivative at 0 is
/// taken from the negative side, α (PyTorch's convention); with α = 1 it is continuous there.
/// </para>
/// <para>
/// α may be any finite value, as in PyTorch (for float data, an α beyond the normal floats or above 2048 in magnitude
/// runs in double lanes). The derivative α·e^x = y + α is a function of the output only for α ≥ 0: with α &lt; 0 the
/// negative branch's outputs are positive and cannot be told from the identity branch, so
/// <see cref="Activation.SupportsBackwardFromOutput"/> is false and <c>BackwardFromOutput</c> throws.
/// </para>
/// </remarks>
public sealed class Elu : OutputGradientActivation<Elu.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "elu",
        Aliases = ["exponential_linear_unit"],
        DisplayName = "ELU",
        Summary = "Identity for positive inputs, α(e^x − 1) below: smooth negative saturation at −α that keeps mean activations near zero.",
        Family = Family.Exponential,
        Formula = "x if x > 0 else α·(exp(x) − 1)",
        Derivative = "1 if x > 0 else α·exp(x) (= y + α)",
        FormulaLatex = @"\begin{cases}x & x > 0\\ \alpha\,(e^{x} - 1) & x \le 0\end{cases}",
        DerivativeLatex = @"\begin{cases}1 & x > 0\\ \alpha\,e^{x} & x \le 0\end{cases}",
        Parameters =
        [
            new("alpha", 1.0, "The negative branch saturates at −α; any finite value (backward from the output needs α ≥ 0).")
            {
                MinExclusive = true,
                MaxExclusive = true,
            },
        ],
        Range = "(−α, ∞) = (−1, ∞)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.ContinuouslyDifferentiable,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain), α = 1;
        // E = 0.6449454 (mpmath).
        Gain = 1.2451983007007066,
        TypicalUses = ["hidden layers of deep CNNs and MLPs (faster learning than ReLU without batch normalisation)", "networks where dying ReLUs are a problem"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.UnboundedOutput | KnownProblem.Saturation,
        Origin = new("Clevert, Unterthiner & Hochreiter, Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)", 2016, "arXiv:1511.07289") { Venue = "ICLR" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.ELU(alpha=1.0)", "Accepts any α; in-place ELU (backward from the result) requires α ≥ 0, as here."),
            ["keras"] = new("keras.activations.elu(x, alpha=1.0)"),
            ["jax"] = new("jax.nn.elu(x, alpha=1.0)"),
            ["onnx"] = new("Elu (alpha = 1.0)"),
            ["onednn"] = new("eltwise_elu (alpha) / eltwise_elu_use_dst_for_bwd", "The dst-based backward is supported only for α ≥ 0."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, -1.0), new(1e-40, 1e-40), new(-1e-40, -1e-40), new(-800.0, -1.0), new(2.5, 2.5)],
    };

    /// <summary>Creates ELU.</summary>
    /// <param name="alpha">The negative saturation value −α; any finite value.</param>
    public Elu(double alpha = 1.0)
        : base(Definition, alpha)
    {
        Alpha = alpha;
    }

    /// <summary>α: the negative branch tends to −α.</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    /// <remarks>f′ is α below 0 and 1 above: C¹ at α = 1 (the catalog's entry), a kink at 0 for any other α.</remarks>
    public override IReadOnlyList<double> Kinks => Alpha == 1.0 ? Info.Kinks : [0.0];

    /// <summary>True for α ≥ 0, where f′ = y + α on the negative branch (y ≤ 0) can be told from the identity branch.</summary>
    public override bool SupportsBackwardFromOutput => Alpha >= 0;

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(Alpha);

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x > 0 ? x : Alpha * ReferenceMath.Expm1(x);

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > 0 ? 1.0 : ReferenceMath.ExpTimes(Alpha, x);

    /// <inheritdoc />
    protected override void RequireBackwardFromOutput()
    {
        if (Alpha < 0)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{Name}: backward from the output needs alpha ≥ 0 (got {Alpha}); with a negative alpha the outputs of x ≤ 0 are positive and cannot be told from x > 0, so use Backward with the input."));
        }
    }

    /// <summary>The ELU arithmetic: float lanes for float data, double lanes for double data.</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        private readonly LaneValue _alpha;
        private readonly bool _unitAlpha;

        // α = _alphaMant·2^_alphaExp, for the double lanes' α·e^x (VMath.MulExpEighths).
        private readonly double _alphaMant;
        private readonly double _alphaExp;

        /// <summary>Binds α.</summary>
        public Kernel_(double alpha)
        {
            _alpha = new(alpha);
            _unitAlpha = alpha == 1.0;
            int exponent = alpha == 0 || !double.IsFinite(alpha) ? 0 : Math.ILogB(alpha) + 1;
            _alphaMant = Math.ScaleB(alpha, -exponent);
            _alphaExp = exponent;
        }

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool FloatLanesDependOnParameters => true;

        /// <inheritdoc />
        // An α that is no normal float (beyond ±3.4e38, or nonzero below 1.2e−38) runs in double lanes: float lanes
        // would take ±∞ (elu(−0) = ∞·0 = NaN) or a subnormal with too few bits. So does |α| > 2048, where the float
        // lanes' e^x (clamped at x = −112) times α would no longer round to zero below the clamp.
        public bool FloatLanesApply => _alpha.FitsFloat && Math.Abs(_alpha.Value) <= 2048;

        /// <inheritdoc />
        public static bool ForwardInPairs => true;

        /// <inheritdoc />
        public static bool BackwardInPairs => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            // A NaN x fails x ≤ 0 and is returned itself (float lanes' expm1 takes it as −18). The comparison is made
            // next to the select (not before the exponential) so that it stays a mask register feeding a masked blend.
            // α = 1 (the default) skips the product: the conversion of α to the lane type and the multiply were two of
            // about twenty operations per register; a stored flag is a byte test in the loop.
            var em1 = ExpMinusOne(x);
            var negative = _unitAlpha ? em1 : _alpha.In<TV>() * em1;
            return TV.SelectWhereLessOrEqual(x, TV.Zero, negative, x);
        }

        /// <summary>
        /// e^x for the negative branch of ELU′ and SELU′ in the lane type's own precision (float lanes:
        /// <see cref="VMath.ExpNonPositiveShortF{TV}"/>: the slope is e^x itself, so the shorter polynomial serves — ELU′
        /// 0.87 → 0.88 ULP, 0.232 → 0.218 ns/element); the value for x &gt; 0 is unspecified, since both callers select
        /// another one there.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static TV ExpNegativeBranch<TV>(TV x, double floatFloor = -104.0) where TV : struct, IVec<TV>
            => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) ? VMath.ExpEighths(x) : VMath.ExpNonPositiveShortF(x, floatFloor);

        /// <summary>
        /// <see cref="ExpNegativeBranch{TV}"/> with a float floor of −87 or above (selu′ holds x at −69), where 2^n is a
        /// normal float and is applied in one exact step (<see cref="VMath.ExpNonPositiveShortNormalF{TV}"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static TV ExpNegativeBranchNormal<TV>(TV x, double floatFloor) where TV : struct, IVec<TV>
            => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) ? VMath.ExpEighths(x) : VMath.ExpNonPositiveShortNormalF(x, floatFloor);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            => TV.SelectWhereGreater(x, TV.Zero, dy, dy * AlphaTimesExp(x));

        /// <summary>
        /// α·e^x with α applied before e^x's power of two: where e^x is subnormal, rounding it first and multiplying
        /// by α after magnified its rounding error α-fold (α = 7: 4.1 ULP below x = −87.3 in float; α = 1e5: 5e4 ULP).
        /// Double lanes: <see cref="VMath.MulExpEighths"/>, for every double α (x below −900 counted as e^−900 had left
        /// α·e^x at about α·2^−1298 for all x below −960 once |α| passed 2^300: 1.4e−91 at x = −∞ with α = 1e300);
        /// float lanes: <see cref="VMath.ScaledExpClampedShortF{TV}"/> (x below −112 counts as e^−112, zero
        /// after rounding for |α| ≤ 2048, <see cref="FloatLanesApply"/>'s limit).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV AlphaTimesExp<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            {
                return _unitAlpha ? VMath.ExpEighths(x) : VMath.MulExpEighths(x, TV.Create(_alphaMant), TV.Create(_alphaExp));
            }

            // For α = 1 the bits of ExpNegativeBranch: its floor of −104 and this one of −112 both leave e^x rounded
            // to 0 below.
            return VMath.ScaledExpClampedShortF(TV.Max(TV.Create(-112.0), x), _unitAlpha, _alpha.In<TV>());
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV>
            // y ≤ 0 exactly on the negative branch when α ≥ 0 (the class refuses α < 0). f′ = y + α = α·e^x ≥ 0 is
            // only known to the precision of y: where α·e^x is below y's rounding (float y and an α that is no float,
            // or far in the tail) the sum is that rounding, of either sign, so a negative one is taken as 0.
            => TV.SelectWhereGreater(y, TV.Zero, dy, dy * VMath.NonNegative(y + _alpha.In<TV>()));

        /// <summary>
        /// expm1(x) for the negative branch of ELU and SELU (x ≤ 0, −0 and NaN kept; the value for x &gt; 0 is
        /// unspecified, even NaN, since both callers select another one there): double lanes return x itself below
        /// 2^−54; float lanes use <see cref="VMath.Expm1NonPositiveF{TV}"/>, exact for tiny x, with the sign of −0
        /// restored (its reduction would return +0).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static TV ExpMinusOne<TV>(TV x) where TV : struct, IVec<TV>
        {
            if ((typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return TV.SelectWhereLess(TV.Abs(x), TV.Create(5.551115123125783e-17), x, VMath.Expm1(x));
            // The sign bit from x (expm1(−0) = −0), the rest from expm1: one ternary-logic instruction. No min(x, 0)
            // first: the lanes above 0 are not used.
            return TV.Select(TV.SignMask, x, VMath.Expm1NonPositiveF(x));
        }
    }
}
