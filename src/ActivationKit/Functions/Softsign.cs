using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Softsign: x/(1 + |x|) (Turian, Bergstra &amp; Bengio, 2009). A tanh-like squash to (−1, 1) whose tails approach ±1
/// polynomially rather than exponentially.
/// </summary>
/// <remarks>
/// Float data: the forward runs in float lanes, x/(1 + |x|) with two roundings (1.50 ULP over all floats); the
/// derivative in double lanes as the plain dy/(1 + |x|)², where 1 + |x| is exact for floats from 2⁻²⁹ to 2⁵³
/// (elsewhere off by at most 2⁻⁵³ relative), rounded once to float (0.50 ULP; in float lanes its two earlier roundings
/// reached 3.4 ULP). softsign(±∞) = ±1 (handled explicitly: ∞/∞ would be NaN), softsign(−0) = −0, softsign of a
/// subnormal is itself, NaN → NaN. The double-data derivative 1/(1 + |x|)² carries the rounding errors of 1 + |x| and
/// of its square (≈ 1 double ULP); for |x| &gt; 2⁵⁰⁰ it is r·r with r = 1/(1 + |x|), which underflows gracefully
/// where (1 + |x|)² would overflow. From the output it is (1 − |y|)²,
/// exact in real arithmetic but losing relative accuracy as |y| → 1 (like tanh's 1 − y²).
/// The function is C¹ but not C²: f″ jumps from +2 to −2 at 0.
/// </remarks>
public sealed class Softsign : OutputGradientActivation<Softsign.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "softsign",
        Aliases = ["soft_sign"],
        DisplayName = "Softsign",
        Summary = "x/(1 + |x|): a cheap zero-centred squash to (−1, 1) with heavier, polynomial tails than tanh.",
        Family = Family.Sigmoidal,
        Formula = "x / (1 + |x|)",
        Derivative = "1 / (1 + |x|)²",
        FormulaLatex = @"\frac{x}{1 + |x|}",
        DerivativeLatex = @"\frac{1}{(1 + |x|)^2}",
        Range = "(−1, 1)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.ContinuouslyDifferentiable,
        ZeroCentred = true,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain); E = 0.1830140 (mpmath).
        Gain = 2.3375333631085397,
        TypicalUses = ["tanh replacement without exp", "bounded outputs in (−1, 1)", "deep MLPs where tanh saturates too fast (Glorot & Bengio 2010)"],
        Problems = KnownProblem.VanishingGradients | KnownProblem.Saturation,
        Origin = new("Turian, Bergstra & Bengio, Quadratic Features and Deep Architectures for Chunking", 2009) { Venue = "NAACL-HLT", Related = [new Origin("Glorot & Bengio, Understanding the difficulty of training deep feedforward neural networks", 2010) { Venue = "AISTATS", Note = "studied it against tanh" }] },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Softsign"),
            ["keras"] = new("keras.activations.softsign"),
            ["jax"] = new("jax.nn.soft_sign"),
            ["onnx"] = new("Softsign"),
            ["onednn"] = new("none", "No eltwise algorithm; compose abs, linear and division."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(1.0, 0.5), new(-1.0, -0.5), new(3.0, 0.75), new(-3.0, -0.75), new(double.PositiveInfinity, 1.0), new(double.NegativeInfinity, -1.0), new(1e-40, 1e-40), new(-1e-40, -1e-40)],
    };

    /// <summary>Creates softsign.</summary>
    public Softsign()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsInfinity(x)) return Math.Sign(x);
        return x / (1.0 + Math.Abs(x));
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        double d = 1.0 + Math.Abs(x);
        return 1.0 / d / d;
    }

    /// <summary>The softsign arithmetic (double lanes for float data).</summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        // 2^500 as a literal: Math.ScaleB(1.0, 500) in the loop was a call per register (not folded), with every vector
        // register spilled around it.
        private const double TwoTo500 = 3.273390607896142e+150;

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool BackwardFloatInDouble => true;

        /// <summary>dy/(1 + |x|)² for float data in double lanes: 1 + |x| exact for 2⁻²⁹ ≤ |x| ≤ 2⁵³, the square and the quotient rounded to double, then once to float.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardForFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var d = TV.One + TV.Abs(x);
            return dy / (d * d);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            var a = TV.Abs(x);
            var y = x / (TV.One + a);
            // ±∞/∞ is NaN: put back the limit ±1 with x's sign.
            var limit = TV.Or(TV.One, TV.And(x, TV.SignMask));
            return TV.SelectWhereEqual(a, TV.Create(double.PositiveInfinity), limit, y);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            // 1/(1 + |x|)² with the roundings of 1 + |x| and of its square carried as error terms and one Newton step on
            // the reciprocal, so only the final rounding remains (the plain r·r with r = 1/(1 + |x|) is off by up to ~5
            // double ULP). Beyond 2^500 the square would overflow; there r·r underflows gracefully and is accurate enough.
            var a = TV.Abs(x);
            var d = TV.One + a;
            var t = d - TV.One;
            var e = (TV.One - (d - t)) + (a - t);
            var p = d * d;
            var pe = TV.Fms(d, d, p) + (TV.Create(2.0) * d * e);
            var q = TV.One / p;
            var res = TV.Fnma(p, q, TV.One);
            var precise = TV.Fma(q, res - (pe * q), q);
            var r = TV.One / d;
            var plain = r * r;
            // NaN x fails the comparison and takes the plain path, which is NaN too.
            return dy * TV.SelectWhereLess(a, TV.Create(TwoTo500), precise, plain);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV>
        {
            var s = TV.One - TV.Abs(y);
            return dy * (s * s);
        }
    }
}
