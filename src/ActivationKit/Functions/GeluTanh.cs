using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// The tanh approximation of GELU: x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Hendrycks &amp; Gimpel, 2016), the
/// form GPT-2 and BERT's original code used. <see cref="Gelu"/> is the exact erf form.
/// </summary>
/// <remarks>
/// Evaluated as x·σ(s) with s = 2√(2/π)·(x + 0.044715·x³), since (1 + tanh(u))/2 = σ(2u). The tanh form
/// cancels to zero (or flips sign) in the negative tail; x·e^s/(1 + e^s) does not: gelu_tanh(−10) = −1.2e−37 and
/// float results stay non-zero down to x = −10.770867. s is computed as a double-double, because e^s turns a relative
/// error δ of s into |s|·δ. gelu_tanh(NaN) = NaN, gelu_tanh(±0) = ±0, gelu_tanh(+∞) = +∞, gelu_tanh(−∞) = −0.
/// The minimum is gelu_tanh(−0.7524614) = −0.1700408, where the derivative crosses zero.
/// </remarks>
public sealed class GeluTanh : ElementwiseActivation<GeluTanh.Kernel_>
{
    /// <summary>√(2/π) as in the formula (the reference uses System.Math for it).</summary>
    private static readonly double SqrtTwoOverPi = Math.Sqrt(2.0 / Math.PI);

    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "gelu_tanh",
        Aliases = ["gelu_approximate", "approximate_gelu", "gelu_new"],
        DisplayName = "GELU (tanh approximation)",
        Summary = "GELU with Φ replaced by a tanh expression: within 4.8e−4 of the exact form (largest gap near x = ±2.7); GPT-2's form and JAX's default.",
        Family = Family.SmoothRectifier,
        Formula = "x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³)))",
        Derivative = "σ(s) + x·s′·σ(s)·σ(−s), s = 2√(2/π)·(x + 0.044715·x³), s′ = 2√(2/π)·(1 + 0.134145·x²)",
        FormulaLatex = @"\frac{x}{2}\left(1 + \tanh\!\left(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\right)\right)",
        DerivativeLatex = @"\sigma(s) + x\,s'\,\sigma(s)\,\sigma(-s), \quad s = 2\sqrt{2/\pi}\,(x + 0.044715\,x^3)",
        Range = "[−0.17004, ∞)",
        Monotonicity = Monotonicity.NonMonotonic,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = false,
        Init = Initialization.He,
        // No calculate_gain entry in PyTorch; 1/√E[f(z)²] for z ~ N(0, 1) (E = 0.4251937, mpmath), as for gelu.
        Gain = 1.5335805216661469,
        TypicalUses = ["Transformer feed-forward blocks (GPT-2, original BERT code)", "matching checkpoints trained with the tanh form"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput,
        Origin = new("Hendrycks & Gimpel, Gaussian Error Linear Units (GELUs)", 2016, "arXiv:1606.08415"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.GELU(approximate='tanh')", "PyTorch's default approximate='none' is the exact gelu."),
            ["keras"] = new("keras.activations.gelu(x, approximate=True)", "Keras defaults to approximate=False, the exact gelu."),
            ["jax"] = new("jax.nn.gelu (default approximate=True)", "This tanh form is JAX's default."),
            ["onnx"] = new("Gelu (opset 20, approximate='tanh')", "The default approximate='none' is the exact gelu."),
            ["onednn"] = new("eltwise_gelu_tanh", "Called eltwise_gelu in older oneDNN releases."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, -0.0), new(1e-40, 5e-41), new(-1e-40, -5e-41), new(100.0, 100.0)],
        DerivativeZeros = [-0.7524614220710163],
    };

    /// <summary>Creates the tanh-approximated GELU.</summary>
    public GeluTanh()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        if (double.IsInfinity(x)) return x > 0 ? x : -0.0;
        if (x < -1e10) return -0.0;   // x³ would overflow; the true value is far below the double range
        return x * ReferenceMath.Sigmoid(S(x));
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Math.Abs(x) > 1e10) return x > 0 ? 1.0 : -0.0;
        double s = S(x);
        double ds = 2 * SqrtTwoOverPi * (1 + (3 * 0.044715 * x * x));
        double p = ReferenceMath.Sigmoid(s);
        return p + (x * ds * p * ReferenceMath.Sigmoid(-s));
    }

    private static double S(double x) => 2 * SqrtTwoOverPi * (x + (0.044715 * x * x * x));

    /// <summary>The tanh-GELU arithmetic (double lanes for float data).</summary>
    public readonly struct Kernel_ : IUnaryKernel
    {
        // 2√(2/π) and 0.044715 as double-doubles (hi + lo, from mpmath).
        private const double CHi = 1.5957691216057308;
        private const double CLo = -9.96930880911092e-17;
        private const double KHi = 0.044715;
        private const double KLo = 2.1960211427085595e-18;

        // |x| beyond which the result is x or −0 and the derivative 1 or −0 exactly (s ≈ ±15500 there).
        private const double Clamp = 60.0;

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            var xc = TV.Min(TV.Create(Clamp), TV.Max(TV.Create(-Clamp), x));
            var p = Logistic(xc, out var n, out var d, out var negative);
            // s < 0: x·e/(1 + e) with e = p·2^n, scaled last so subnormal results round once; s ≥ 0: x/(1 + e).
            // The negative branch multiplies by the clamped xc: below −60 the result underflows to −0 anyway, and
            // x·p itself could overflow for x near −1.8e308 before the 2^n scaling brings it back down.
            var y = TV.Select(negative, VMath.ScalePow2(xc * p / d, n), x / d);
            return y;
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            // f′ = σ(s) + x·s′·σ(s)·σ(−s) with σ(s)σ(−s) = e/(1 + e)².
            var xc = TV.Min(TV.Create(Clamp), TV.Max(TV.Create(-Clamp), x));
            var p = Logistic(xc, out var n, out var d, out var negative);
            var ds = TV.Create(CHi) * TV.Fma(TV.Create(3.0 * KHi) * xc, xc, TV.One);
            var xds = xc * ds;
            // s < 0: (e/d)·(1 + x·s′/d), scaled last; s ≥ 0: (1 + x·s′·e/d)/d.
            var low = VMath.ScalePow2(p / d * (TV.One + (xds / d)), n);
            var e = VMath.ScalePow2(p, n);
            var high = TV.Fma(xds, e / d, TV.One) / d;
            return dy * TV.Select(negative, low, high);
        }

        /// <summary>
        /// For s = s(x): returns p and n with e^(−|s|) = p·2^n (s carried as a double-double), d = 1 + e^(−|s|) and
        /// the mask of lanes with s &lt; 0.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Logistic<TV>(TV x, out TV n, out TV d, out TV negative) where TV : struct, IVec<TV>
        {
            // x² exactly, then k·x² as hi + lo.
            var x2 = x * x;
            var x2Lo = TV.Fma(x, x, -x2);
            var t = TV.Create(KHi) * x2;
            var tLo = TV.Fma(TV.Create(KHi), x2, -t) + TV.Fma(TV.Create(KHi), x2Lo, TV.Create(KLo) * x2);
            // 1 + k·x² (two-sum, since either term may dominate).
            var u = TV.One + t;
            var b = u - TV.One;
            var uLo = (TV.One - (u - b)) + (t - b) + tLo;
            // x·(1 + k·x²).
            var v = x * u;
            var vLo = TV.Fma(x, u, -v) + (x * uLo);
            // s = C·v.
            var s = TV.Create(CHi) * v;
            var sLo = TV.Fma(TV.Create(CHi), v, -s) + TV.Fma(TV.Create(CHi), vLo, TV.Create(CLo) * v);

            negative = TV.LessThan(s, TV.Zero);
            // e^(−|s|) = e^(−|s_hi|)·(1 + a_lo) with a_lo the low part of −|s|.
            var aLo = TV.Select(negative, sLo, -sLo);
            var p = VMath.ExpSplit(-TV.Abs(s), out n);
            p = TV.Fma(p, aLo, p);
            d = TV.One + VMath.ScalePow2(p, n);
            return p;
        }
    }
}
