using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// CELU: max(0, x) + min(0, α·(e^(x/α) − 1)) (Barron, 2017): ELU reparameterised so that its derivative is
/// continuous at 0 for every α (f′(0⁻) = 1), and the function scales: celu(x; α) = α·celu(x/α; 1).
/// </summary>
/// <remarks>
/// <para>
/// The negative branch is α·expm1(x/α), accurate near 0 (celu(−1e−8) = −1e−8 in float, celu(−0) = −0);
/// celu(−∞) = −α, celu(+∞) = +∞, celu(NaN) = NaN. f′ = e^(x/α) = y/α + 1 on the negative branch, so backward can
/// run from the output.
/// </para>
/// <para>
/// α must be positive and finite. PyTorch accepts any α ≠ 0 (α = 0 raises "ZeroDivisionError: alpha cannot be 0
/// for CELU"), but for α &lt; 0 the "negative branch" α(e^(x/α) − 1) grows exponentially towards −∞ as x → −∞,
/// which is no longer the function of the paper.
/// </para>
/// </remarks>
public sealed class Celu : OutputGradientActivation<Celu.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "celu",
        Aliases = ["continuously_differentiable_elu"],
        DisplayName = "CELU",
        Summary = "ELU rescaled as α(e^(x/α) − 1) so the derivative is continuous at 0 for every α.",
        Family = Family.Exponential,
        Formula = "max(0, x) + min(0, α·(exp(x/α) − 1))",
        Derivative = "1 if x > 0 else exp(x/α) (= y/α + 1)",
        FormulaLatex = @"\max(0, x) + \min\left(0, \alpha\left(e^{x/\alpha} - 1\right)\right)",
        DerivativeLatex = @"\begin{cases}1 & x > 0\\ e^{x/\alpha} & x \le 0\end{cases}",
        Parameters =
        [
            new("alpha", 1.0, "The negative branch saturates at −α and bends over a scale of α; must be positive (PyTorch only forbids 0).")
            {
                Min = 0.0,
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
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain), α = 1 (ELU's);
        // E = 0.6449454 (mpmath).
        Gain = 1.2451983007007066,
        TypicalUses = ["hidden layers where ELU's behaviour is wanted with a tunable α", "models needing a C¹ activation for every α"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.UnboundedOutput | KnownProblem.Saturation,
        Origin = new("Barron, Continuously Differentiable Exponential Linear Units", 2017, "arXiv:1704.07483"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.CELU(alpha=1.0)", "Accepts any α ≠ 0 (negative α too); here α > 0."),
            ["keras"] = new("keras.activations.celu(x, alpha=1.0)"),
            ["jax"] = new("jax.nn.celu(x, alpha=1.0)"),
            ["onnx"] = new("Celu (opset 12, alpha = 1.0)"),
            ["onednn"] = new("eltwise_elu (alpha = 1) with the input pre-scaled by 1/α and the output by α", "No CELU algorithm; for α = 1 it is eltwise_elu."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, -1.0), new(1e-40, 1e-40), new(-1e-40, -1e-40), new(-800.0, -1.0), new(2.5, 2.5)],
    };

    /// <summary>Creates CELU.</summary>
    /// <param name="alpha">Scale α &gt; 0 (finite).</param>
    public Celu(double alpha = 1.0)
        : base(Definition, alpha)
    {
        Alpha = alpha;
    }

    /// <summary>α: the negative branch tends to −α.</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(Alpha);

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x) || x > 0) return x;
        double u = x / Alpha;
        // Where e^u − 1 rounds to u, α·u is x up to a relative u/2.
        if (Math.Abs(u) < 1e-300) return x;
        double uLo = QuotientLow(x, u);
        double em1 = ReferenceMath.Expm1(u);
        return Alpha * (em1 + ((em1 + 1) * uLo));
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 0) return 1.0;
        double u = x / Alpha;
        // e^(x/α) with the rounding of the quotient compensated: x/α = u + (x − u·α)/α.
        double uLo = QuotientLow(x, u);
        double e = Math.Exp(u);
        return e + (e * uLo);
    }

    /// <summary>
    /// x/α − u for u = x/α rounded, from the remainder x − u·α, which an fma gives exactly unless it falls below the
    /// subnormals: for an α under 2^−600 it is taken of x and α scaled by 2^600 (for a subnormal α it was otherwise
    /// rounded to a sizeable fraction of α). 0 where u is not finite.
    /// </summary>
    private double QuotientLow(double x, double u)
    {
        if (!double.IsFinite(u)) return 0;
        double s = Alpha < Kernel_.ScaleThreshold ? 1.0 / Kernel_.ScaleThreshold : 1.0;
        return Math.FusedMultiplyAdd(-u, Alpha * s, x * s) / (Alpha * s);
    }

    /// <summary>The CELU arithmetic (double lanes for float data).</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        // Double lanes work with α·s and x·s or y·s where α alone would overflow or underflow: s = 2^600 for α below
        // 2^−600 (≈ 2.4e−181), else 1, which leaves every bit as it was. (1) The slope from the output, 1 + y/α, is
        // fma(y·s, 1/(α·s), 1): 1/α overflows below α ≈ 5.6e−308, and ∞ made the slope NaN at y = 0 and 0 on the rest
        // of the negative branch. (2) The quotient's remainder x − u·α (see Quotient) is exact only while it is not
        // below the subnormals: for a subnormal α it was rounded to a multiple of 2^−1074 that is a sizeable fraction of
        // α, and e^(x/α) lost 222 ULP at α = 1e−320. The negative branch has |y| ≤ α, and the x that matter have
        // |x/α| ≤ 750, so y·s and x·s are exact there; beyond, x·s may overflow and its remainder is dropped as any
        // infinite one. Float lanes run only for α in [1e−30, 1e30] (FloatLanesApply), where s = 1.
        private readonly LaneValue _inverseAlpha;
        private readonly LaneValue _scale;
        private readonly LaneValue _scaledAlpha;

        // α for either lane type, and for float lanes α − float(α), which they fold into the quotient's low part (see
        // LaneValue for why these are not converted from the double in the loop).
        private readonly LaneValue _alpha;
        private readonly LaneValue _alphaLoLanes;

        // α = 1 exactly (the default): float lanes skip the quotient, which is x with no remainder (a byte test in the
        // loop instead of two divisions per register).
        private readonly bool _unitAlpha;

        /// <summary>Binds α.</summary>
        public Kernel_(double alpha)
        {
            double scale = alpha < ScaleThreshold ? 1.0 / ScaleThreshold : 1.0;
            _scale = new(scale);
            _scaledAlpha = new(alpha * scale);
            _inverseAlpha = new(1.0 / (alpha * scale));
            _alpha = new(alpha);
            _alphaLoLanes = new(alpha - (float)alpha);
            _unitAlpha = alpha == 1.0;
        }

        /// <summary>2^−600: below it α is scaled by 2^600 in double lanes (see the fields).</summary>
        internal static readonly double ScaleThreshold = Math.ScaleB(1.0, -600);

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool FloatLanesDependOnParameters => true;

        /// <inheritdoc />
        // α within [1e−30, 1e30]: a normal float with room for x/α (a subnormal or infinite float α would not carry it);
        // outside, float data runs the double-lane definition.
        public bool FloatLanesApply => _alpha.Value >= 1e-30 && _alpha.Value <= 1e30;

        /// <inheritdoc />
        public static bool ForwardInPairs => true;

        /// <inheritdoc />
        public static bool BackwardInPairs => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return ForwardFloat(x);
            var u = Quotient(x, out var uLo);
            // α·expm1(u + uLo) = α·(expm1(u) + e^u·uLo): the rounding of x/α is folded back in.
            var em1 = VMath.Expm1(u);
            var negative = _alpha.In<TV>() * TV.Fma(em1 + TV.One, uLo, em1);
            // Below |u| = 2^−54, α·expm1(u) is x itself (and u may have lost bits as a subnormal): return x.
            negative = TV.SelectWhereLess(TV.Abs(u), TV.Create(5.551115123125783e-17), x, negative);
            return TV.SelectWhereGreater(x, TV.Zero, x, negative);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            // e^(u + uLo) = e^u·(1 + uLo): without it the rounding of x/α costs |x/α| half-ULPs in the tail.
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return BackwardFloat(x, dy);
            var u = Quotient(x, out var uLo);
            var e = VMath.ExpEighths(u);
            return TV.SelectWhereGreater(x, TV.Zero, dy, dy * TV.Fma(e, uLo, e));
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV>
        {
            // f′ = 1 + y/α = e^(x/α) ≥ 0, known to the precision of y: where it is below y's rounding the sum is that
            // rounding, of either sign, so a negative one is taken as 0 (as ELU does). y is scaled with 1/α (see
            // the fields) in double lanes only: float lanes never need it.
            var scaled = TV.IsDouble ? y * _scale.In<TV>() : y;
            return TV.SelectWhereGreater(y, TV.Zero, dy, dy * VMath.NonNegative(TV.Fma(scaled, _inverseAlpha.In<TV>(), TV.One)));
        }

        /// <summary>
        /// Float lanes: ELU's float expm1 (<see cref="Elu.Kernel_.ExpMinusOne{TV}"/>) at u = x/α, with the quotient's
        /// rounding folded back in as in double lanes, α·(expm1(u) + e^u·uLo). Below |u| = 2^−25 the value is x itself
        /// (α·expm1(x/α) = x·(1 + x/2α + …) rounds to x there, while u may have lost bits as a subnormal). For α = 1,
        /// u = x and uLo = 0 exactly, and the result is ELU's.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV ForwardFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            TV u, negative;
            if (_unitAlpha)
            {
                // α·fma(em1 + 1, uLo, em1) with α = 1, u = x and uLo = 0 is em1 itself: the same bits without the divisions.
                u = x;
                negative = Elu.Kernel_.ExpMinusOne(x);
            }
            else
            {
                u = QuotientF(x, out var uLo);
                var em1 = Elu.Kernel_.ExpMinusOne(u);
                negative = _alpha.In<TV>() * TV.Fma(em1 + TV.One, uLo, em1);
            }

            negative = TV.SelectWhereLess(TV.Abs(u), TV.Create(2.9802322387695312e-08), x, negative);
            // A NaN x fails x ≤ 0 and is returned itself (the float expm1 takes it as −18).
            return TV.SelectWhereLessOrEqual(x, TV.Zero, negative, x);
        }

        /// <summary>Float lanes: dy·e^u·(1 + uLo) with ELU′'s float exponential (<see cref="Elu.Kernel_.ExpNegativeBranch{TV}"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV BackwardFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (_unitAlpha) return TV.SelectWhereGreater(x, TV.Zero, dy, dy * Elu.Kernel_.ExpNegativeBranch(x));
            var u = QuotientF(x, out var uLo);
            var e = Elu.Kernel_.ExpNegativeBranch(u);
            return TV.SelectWhereGreater(x, TV.Zero, dy, dy * TV.Fma(e, uLo, e));
        }

        /// <summary>
        /// Float lanes: u = x/a with a = α rounded to float, and uLo ≈ x/α − u from the exact remainder x − u·a less
        /// u·(α − a) (0 where not finite): without α's own rounding, α = 0.001 cost 68 ULP in the slope's tail.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV QuotientF<TV>(TV x, out TV uLo) where TV : struct, IVec<TV>
        {
            var a = _alpha.In<TV>();
            var u = x / a;
            uLo = TV.Fnma(u, _alphaLoLanes.In<TV>(), TV.Fnma(u, a, x)) / a;
            uLo = TV.SelectWhereLess(TV.Abs(uLo), TV.Create(double.PositiveInfinity), uLo, TV.Zero);
            return u;
        }

        /// <summary>
        /// u = x/α rounded, and uLo ≈ x/α − u from the exact remainder x·s − u·(α·s), divided by α·s (0 where not
        /// finite; s scales a tiny α, see the fields).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV Quotient<TV>(TV x, out TV uLo) where TV : struct, IVec<TV>
        {
            var u = x / _alpha.In<TV>();
            var a = _scaledAlpha.In<TV>();
            uLo = TV.Fnma(u, a, x * _scale.In<TV>()) / a;
            uLo = TV.SelectWhereLess(TV.Abs(uLo), TV.Create(double.PositiveInfinity), uLo, TV.Zero);
            return u;
        }
    }
}
