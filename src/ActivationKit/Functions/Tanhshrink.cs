using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Tanhshrink: x − tanh(x). Near zero it behaves like x³/3, so small inputs are shrunk towards 0; far out it is
/// x ∓ 1.
/// </summary>
/// <remarks>
/// <para>
/// The plain difference cancels for small |x| (all of tanhshrink(1e−3) ≈ 3.3e−10 would be lost in float). Below
/// |x| = 1.5 the kernel uses Lambert's continued fraction tanh x = x/(1 + K), K = x²/(3 + x²/(5 + x²/(7 + …))), which
/// gives x − tanh x = x·K/(1 + K) with no subtraction at all. Its 12th convergent, K = U(x²)/V(x²), is multiplied
/// out into polynomials with positive integer coefficients (exact in double; truncation error below 7e−21
/// relative even at |x| = 2). From 1.5 on it uses (|x| − 1) + 2e/(1 + e), e = e^−2|x|: two positive terms, the
/// second at most a sixth of the sum, so its rounding errors are damped. Float data runs in float lanes with the
/// convergent cut at x²/13 and the switch at |x| = 1 (3.10 ULP forward, 2.21 backward over all floats).
/// </para>
/// <para>
/// tanhshrink(±∞) = ±∞, tanhshrink(NaN) = NaN; the function is odd, so tanhshrink(−0) = −0 (PyTorch's x − tanh(x)
/// gives +0 there). f′ = tanh²(x) vanishes (without changing sign) at 0.
/// </para>
/// </remarks>
public sealed class Tanhshrink : ElementwiseActivation<Tanhshrink.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "tanhshrink",
        Aliases = ["tanh_shrink"],
        DisplayName = "Tanhshrink",
        Summary = "x − tanh(x): flat (≈ x³/3) around zero and x ∓ 1 far out, a smooth shrinkage.",
        Family = Family.Shrinkage,
        Formula = "x − tanh(x)",
        Derivative = "tanh²(x)",
        FormulaLatex = @"x - \tanh(x)",
        DerivativeLatex = @"\tanh^2(x)",
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = true,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.Glorot,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 0.1828835 (mpmath).
        Gain = 2.3383675301021214,
        TypicalUses = ["smooth shrinkage in sparse coding / learned ISTA-style networks", "the residual x − tanh(x) of a tanh layer"],
        Problems = KnownProblem.VanishingGradients | KnownProblem.ComputationalCost | KnownProblem.UnboundedOutput,
        Origin = new("Collobert, Kavukcuoglu & Farabet, Torch7: A Matlab-like Environment for Machine Learning", 2011) { Venue = "BigLearn, NIPS Workshop", Note = "no paper: a module of Lua Torch's nn package, carried over to PyTorch" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Tanhshrink / torch.nn.functional.tanhshrink", "Computes x − tanh(x) directly: tanhshrink(−0) = +0 and the result loses relative accuracy for small |x|."),
            ["keras"] = new("keras.activations.tanh_shrink"),
            ["jax"] = new("x - jax.numpy.tanh(x)", "No built-in."),
            ["onnx"] = new("Sub(X, Tanh(X))", "No operator."),
            ["onednn"] = new("eltwise_tanh then binary_sub", "No single algorithm."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, double.NegativeInfinity), new(1e-200, 0.0), new(-1e-200, -0.0), new(1e300, 1e300)],
        // f′ = tanh² touches 0 at 0.
        DerivativeZeros = [0.0],
    };

    /// <summary>Creates tanhshrink.</summary>
    public Tanhshrink()
        : base(Definition)
    {
    }

    /// <summary>
    /// The convergent's coefficients, constant term first: K = s·Ũ(s)/V(s) with s = x²; W = s·Ũ + V. Exposed so the
    /// tests can re-derive them from the continued fraction.
    /// </summary>
    internal static (double[] UTilde, double[] V, double[] W) Coefficients =>
    (
        [Kernel_.U0, Kernel_.U1, Kernel_.U2, Kernel_.U3, Kernel_.U4, Kernel_.U5],
        [Kernel_.V0, Kernel_.V1, Kernel_.V2, Kernel_.V3, Kernel_.V4, Kernel_.V5, Kernel_.V6],
        [Kernel_.W0, Kernel_.W1, Kernel_.W2, Kernel_.W3, Kernel_.W4, Kernel_.W5, Kernel_.W6]
    );

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x) => ReferenceMath.TanhShrink(x);

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        double a = Math.Abs(x);
        if (a >= 1)
        {
            // 1 − sech²(x): the subtracted term is at most 0.42, so its error is damped.
            double c = Math.Cosh(a);
            return 1 - (1 / (c * c));
        }

        // tanh a = a − (a − tanh a); the small correction's error barely reaches the difference, whose own
        // rounding is kept (hi + lo) so squaring does not double it.
        double g = ReferenceMath.TanhShrink(a);
        double hi = a - g;
        double lo = (a - hi) - g;
        return Math.FusedMultiplyAdd(hi, hi, 2 * hi * lo);
    }

    /// <summary>The tanhshrink arithmetic (double lanes for float data).</summary>
    public readonly struct Kernel_ : IUnaryKernel
    {
        // Lambert's continued fraction truncated after x²/25: K = x²/(3 + x²/(5 + … + x²/25)) = s·Ũ(s)/V(s), s = x²,
        // from the convergent recurrence A_j = (2j + 1)·A_{j−1} + s·A_{j−2} (same for B), j = 1…12.
        internal const double U0 = 2635284526875.0;
        internal const double U1 = 210822762150.0;
        internal const double U2 = 4714049340.0;
        internal const double U3 = 38798760.0;
        internal const double U4 = 116025.0;
        internal const double U5 = 90.0;
        internal const double V0 = 7905853580625.0;
        internal const double V1 = 1159525191825.0;
        internal const double V2 = 41247931725.0;
        internal const double V3 = 523783260.0;
        internal const double V4 = 2552550.0;
        internal const double V5 = 4095.0;
        internal const double V6 = 1.0;

        // W = s·Ũ + V, the denominator of K/(1 + K) = s·Ũ/W.
        internal const double W0 = V0;
        internal const double W1 = V1 + U0;
        internal const double W2 = V2 + U1;
        internal const double W3 = V3 + U2;
        internal const double W4 = V4 + U3;
        internal const double W5 = V5 + U4;
        internal const double W6 = V6 + U5;

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        // Double data: slow enough that streaming stores made large calls 8–17 % slower on Zen 5 (0.93–1.04 → 0.89–0.91
        // ns/element at 4 Mi).
        public static bool ForwardStreams => false;

        /// <inheritdoc />
        public static bool BackwardStreams => false;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return ForwardF(x);
            var ax = TV.Abs(x);
            var s = ax * ax;
            // |x| < 1.5: |x|·s·Ũ(s)/W(s); positive coefficients, so each Horner step keeps its relative accuracy.
            // s·(Ũ/W) uses the exact square s + sLo and is formed before the multiplication by |x|, so a subnormal
            // result is rounded once.
            var q = UTilde(s) / W(s);
            var small = ax * TV.Fma(s, q, TV.Fms(ax, ax, s) * q);
            // |x| ≥ 1.5: (|x| − 1) + 2e/(1 + e) with e = e^−2|x|; |x| − 1 is exact and both terms are positive.
            var e = VMath.ExpNonPositiveEighths(-(ax + ax));
            var large = (ax - TV.One) + ((e + e) / (TV.One + e));
            var y = TV.SelectWhereLess(ax, TV.Create(1.5), small, large);
            // Odd: restore the sign (keeps −0 and a NaN).
            return TV.Or(y, TV.And(x, TV.SignMask));
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return BackwardF(x, dy);
            // f′ = tanh². Squaring doubles the relative error of tanh, so tanh is formed more precisely than a
            // quotient gives. Below 1: tanh|x| = |x| − g with g = tanhshrink|x| ≤ 0.24·|x| (its error shrinks in the
            // difference), kept as the exact pair hi + lo of that subtraction and squared with one rounding.
            var ax = TV.Abs(x);
            var s = ax * ax;
            var g = ax * (s * (UTilde(s) / W(s)));
            var hi = ax - g;
            var lo = (ax - hi) - g;
            var small = TV.Fma(hi, hi, (hi + hi) * lo);
            // From 1 on: 1 − sech² = 1 − 4e/(1 + e)² with e = e^−2|x|; the subtracted term is below 0.42 and → 0.
            var e = VMath.ExpNonPositiveEighths(-(ax + ax));
            var d = TV.One + e;
            var large = TV.One - (TV.Create(4.0) * e / (d * d));
            return dy * TV.SelectWhereLess(ax, TV.One, small, large);
        }

        /// <summary>
        /// Float lanes: below |x| = 1, |x|·s·U(s)/W(s) with s = x² (and its exact error) from Lambert's continued fraction
        /// to x²/13, K = s·U/V, U = 45045 + 2772s + 27s², V = 135135 + 17325s + 378s² + s³, W = s·U + V (5.5·10^−10
        /// relative on |x| ≤ 1.5; integer coefficients, exact as floats, all positive), taken as U/W = 1/3 − s·T; from 1
        /// on, (|x| − 1) + 2e/(1 + e) with e = e^−2|x| (|x| − 1 exact, both terms positive). One division serves both.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ForwardF<TV>(TV x) where TV : struct, IVec<TV>
        {
            var ax = TV.Abs(x);
            var s = ax * ax;
            var e = VMath.ExpF(-(ax + ax));
            // Below 1 the quotient is T = (54054 + 3069s + 28s²)/(3W), with U/W = 1/3 − s·T: for small s the result
            // x³/3 then carries 1/3's rounding and little of the rational's (U/W itself: 3.07 ULP at x = −0.0141).
            var q = TV.SelectWhereLess(ax, TV.One, TF(s), e + e) / TV.SelectWhereLess(ax, TV.One, ThreeWF(s), TV.One + e);
            var ratio = TV.Fnma(s, q, TV.Create(1.0 / 3.0));
            var small = ax * TV.Fma(s, ratio, TV.Fms(ax, ax, s) * ratio);
            var y = TV.SelectWhereLess(ax, TV.One, small, (ax - TV.One) + q);
            return TV.Or(y, TV.And(x, TV.SignMask));
        }

        /// <summary>
        /// dy·tanh² in float lanes, from the pieces of <see cref="ForwardF{TV}"/>: below 1, tanh|x| = |x| − g as the exact
        /// pair of that subtraction, squared with one rounding; from 1 on, 1 − 4e/(1 + e)². One division serves both.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV BackwardF<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var ax = TV.Abs(x);
            var s = ax * ax;
            var e = VMath.ExpF(-(ax + ax));
            var d = TV.One + e;
            var q = TV.SelectWhereLess(ax, TV.One, TF(s), TV.Create(4.0) * e) / TV.SelectWhereLess(ax, TV.One, ThreeWF(s), d * d);
            var g = ax * (s * TV.Fnma(s, q, TV.Create(1.0 / 3.0)));
            var hi = ax - g;
            var lo = (ax - hi) - g;
            var small = TV.Fma(hi, hi, (hi + hi) * lo);
            return dy * TV.SelectWhereLess(ax, TV.One, small, TV.One - q);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV TF<TV>(TV s) where TV : struct, IVec<TV>
            => TV.Fma(TV.Fma(s, TV.Create(28.0), TV.Create(3069.0)), s, TV.Create(54054.0));

        /// <summary>3W(s) = 405405 + 187110s + 9450s² + 84s³: the factor 3 of T's denominator in the coefficients (still exact integers as floats), not a multiplication per register.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV ThreeWF<TV>(TV s) where TV : struct, IVec<TV>
            => TV.Fma(TV.Fma(TV.Fma(s, TV.Create(84.0), TV.Create(9450.0)), s, TV.Create(187110.0)), s, TV.Create(405405.0));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV UTilde<TV>(TV s) where TV : struct, IVec<TV>
            => VMath.Horner(s, U5, U4, U3, U2, U1, U0);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV W<TV>(TV s) where TV : struct, IVec<TV>
            => TV.Fma(VMath.Horner(s, W6, W5, W4, W3, W2, W1), s, TV.Create(W0));
    }
}
