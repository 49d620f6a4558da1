using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Sparse plus: 0 below −1, (x + 1)²/4 between −1 and 1, x above 1 (Blondel, Martins &amp; Niculae, 2020). The
/// softplus's "sparse" twin: convex, continuously differentiable, exactly 0 below −1 and exactly x above 1; its
/// derivative is <see cref="SparseSigmoid"/>.
/// </summary>
/// <remarks>
/// With x clamped to [−1, 1], t = x + 1 rounds at most once and its error e = x − (t − 1) is exact (a fast two-sum,
/// |1| ≥ |x|; next to −1 the sum is exact by Sterbenz's lemma). (x + 1)² = t² + 2te + e², so fma(t, t, 2t·e)·¼ rounds
/// the square once (e² is below 2⁻⁴⁸ of it) and the quarter is exact (t ≥ 2⁻²⁴ or t = 0: never subnormal). The
/// derivative dy·(x + 1)/2 is formed the same way, fma(dy·½, t, dy·½·e), one rounding. In double lanes the same
/// arithmetic applies with doubles. sparse_plus(0) = 1/4, (−1) = 0, (1) = 1, (+∞) = +∞, (−∞) = 0, NaN → NaN; at the
/// kinks the derivative is continuous (0 at −1, 1 at 1).
/// </remarks>
public sealed class SparsePlus : ElementwiseActivation<SparsePlus.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "sparse_plus",
        Aliases = ["sparseplus"],
        DisplayName = "Sparse plus",
        Summary = "A softplus that is exactly 0 below −1 and exactly x above 1, joined by a parabola: convex and C¹.",
        Family = Family.SmoothRectifier,
        Formula = "0 if x ≤ −1, (x + 1)²/4 if −1 < x < 1, x if x ≥ 1",
        Derivative = "0 if x ≤ −1, (x + 1)/2 if −1 < x < 1, 1 if x ≥ 1",
        FormulaLatex = @"\begin{cases}0 & x \le -1\\ \tfrac{1}{4}(x + 1)^2 & -1 < x < 1\\ x & x \ge 1\end{cases}",
        DerivativeLatex = @"\begin{cases}0 & x \le -1\\ \tfrac{1}{2}(x + 1) & -1 < x < 1\\ 1 & x \ge 1\end{cases}",
        Range = "[0, ∞)",
        Monotonicity = Monotonicity.NonDecreasing,
        Smoothness = Smoothness.ContinuouslyDifferentiable,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = false,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 0.5248435 (mpmath).
        Gain = 1.3803368628588104,
        TypicalUses = ["a softplus stand-in with exact zeros below −1 (sparse activations)", "non-negative outputs with an exactly linear upper part"],
        Problems = KnownProblem.DyingUnits | KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput,
        Origin = new("Blondel, Martins & Niculae, Learning with Fenchel-Young Losses", 2020, "arXiv:1901.02324") { Venue = "JMLR", Note = "section 6.2" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("none", "Not in torch.nn; write torch.where(x <= -1, 0, torch.where(x >= 1, x, (x + 1) ** 2 / 4))."),
            ["keras"] = new("keras.activations.sparse_plus", "Keras 3; the same function."),
            ["jax"] = new("jax.nn.sparse_plus", "The same function."),
            ["onnx"] = new("none", "Compose Clip, Add, Mul and Where."),
            ["onednn"] = new("none"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.25), new(-0.0, 0.25), new(1.0, 1.0), new(-1.0, 0.0), new(0.5, 0.5625), new(-0.5, 0.0625), new(3.0, 3.0), new(-3.0, 0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, 0.0)],
    };

    /// <summary>Creates sparse plus.</summary>
    public SparsePlus()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x <= -1) return 0.0;
        if (x >= 1) return x;
        double t = x + 1.0;
        return t * t / 4.0;
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x <= -1) return 0.0;
        if (x >= 1) return 1.0;
        return (x + 1.0) / 2.0;
    }

    /// <summary>The sparse-plus arithmetic, the same in float and double lanes (see the remarks).</summary>
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
            var t = Shifted(x, out var e);
            var parabola = TV.Fma(t, t, (t + t) * e) * TV.Create(0.25);
            // x ≥ 1: x itself (+∞ included); below −1 the clamp made t = e = 0; a NaN x is NaN in t and fails the test.
            return TV.SelectWhereLess(x, TV.One, parabola, x);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var t = Shifted(x, out var e);
            var half = dy * TV.Create(0.5);
            var inside = TV.Fma(half, t, half * e);
            // −1 < x < 1: the parabola's slope; x ≥ 1: dy; x ≤ −1: 0 whatever dy (the slope is exactly 0 there), or NaN
            // for a NaN x (Max and Min return their second operand when it is NaN).
            return TV.Select(TV.GreaterThan(x, TV.Create(-1.0)), TV.SelectWhereLess(x, TV.One, inside, dy), TV.Min(TV.Zero, TV.Max(TV.Zero, x)));
        }

        /// <summary>
        /// t = x + 1 for x clamped to [−1, 1] (a NaN x stays NaN: the constants are Max's and Min's first operands), and
        /// its rounding error e exactly.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Shifted<TV>(TV x, out TV e) where TV : struct, IVec<TV>
        {
            var xc = TV.Min(TV.One, TV.Max(TV.Create(-1.0), x));
            var t = xc + TV.One;
            e = xc - (t - TV.One);
            return t;
        }
    }
}
