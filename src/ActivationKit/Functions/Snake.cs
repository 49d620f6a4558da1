using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Snake: x + sin²(αx)/α (Liu Ziyin, Hartwig &amp; Ueda, 2020). Identity plus a periodic ripple, so a network can
/// learn and extrapolate periodic functions; used in audio generators (BigVGAN, DAC).
/// </summary>
/// <remarks>
/// <para>
/// The derivative 1 + sin(2αx) ≥ 0 vanishes at x = (kπ − π/4)/α, so snake is increasing. It is evaluated as
/// 2·sin²(αx + π/4), with π/4 folded into the range reduction: next to those zeros the derivative keeps full
/// relative accuracy instead of the absolute accuracy of 1 + sin(2αx).
/// </para>
/// <para>
/// αx is carried as a double-double (αx rounded plus its FMA error) into the sine's range reduction, so α ≠ 1 costs
/// no accuracy; the forward sum x + sin²(αx)/α is formed with a two-sum. snake(±0) = ±0, snake(NaN) = NaN, and
/// snake(±∞) = ±∞: the periodic term is bounded, so the limit exists even though sin(∞) does not (the derivative at
/// ±∞ is NaN). Arguments |αx| &gt; 2^40 are reduced lane by lane by <see cref="VMath.ReduceHalfPiExact"/>
/// (Payne–Hanek), which folds π/4 in exactly as well.
/// </para>
/// </remarks>
public sealed class Snake : ElementwiseActivation<Snake.Kernel_>
{
    private readonly double _alpha;

    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "snake",
        Aliases = ["snake_alpha"],
        DisplayName = "Snake",
        Summary = "The identity plus a periodic ripple sin²(αx)/α: monotonic, unbounded, and able to extrapolate periodic signals.",
        Family = Family.Periodic,
        Formula = "x + sin(αx)² / α",
        Derivative = "1 + sin(2αx)",
        FormulaLatex = @"x + \frac{\sin^2(\alpha x)}{\alpha}",
        DerivativeLatex = @"1 + \sin(2\alpha x)",
        Parameters =
        [
            new ParameterSpec("alpha", 1.0, "Frequency α of the ripple; its amplitude is 1/α. Often learned per channel. At most 1e200, so that αx stays a double for every float x (the sine's argument could not be formed beyond).")
            {
                Min = 0.0,
                MinExclusive = true,
                Max = 1e200,
                Learnable = true,
            },
        ],
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Smooth,
        // sin² ≥ 0 lifts the outputs: E[snake(z)] = (1 − e^−2)/2 ≈ 0.43 for z ~ N(0, 1) and α = 1.
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain), α = 1:
        // E = 1 + 3/8 − e^−2/2 + e^−8/8 = 1.3073743 (mpmath).
        Gain = 0.8745809829313702,
        TypicalUses = ["learning and extrapolating periodic signals (time series, physics)", "audio waveform generators (BigVGAN, DAC vocoders) with a learned α per channel"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput,
        Origin = new("Liu Ziyin, Hartwig & Ueda, Neural Networks Fail to Learn Periodic Functions and How to Fix It", 2020, "arXiv:2006.08195") { Venue = "NeurIPS" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("none", "Not built in; written as x + torch.sin(alpha * x) ** 2 / alpha."),
            ["keras"] = new("none", "Not built in; x + keras.ops.sin(alpha * x) ** 2 / alpha."),
            ["jax"] = new("none", "Not built in; x + jnp.sin(alpha * x) ** 2 / alpha."),
            ["onnx"] = new("none", "No operator; compose Mul, Sin, Mul, Div and Add."),
            ["onednn"] = new("none", "No eltwise algorithm."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, double.NegativeInfinity), new(1e-40, 1e-40), new(-1e-40, -1e-40)],
        // 1 + sin(2x) = 0 at x = −π/4 + kπ (α = 1).
        DerivativeZeros = [-Math.PI / 4],
        DerivativeZerosPeriod = Math.PI,
    };

    /// <summary>Creates snake with frequency <paramref name="alpha"/> (&gt; 0).</summary>
    public Snake(double alpha = 1.0)
        : base(Definition, alpha)
    {
        _alpha = alpha;
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(_alpha);

    /// <inheritdoc />
    /// <remarks>1/α: f′ = 1 + sin(2αx) vanishes at αx = −π/4 + kπ, where the catalog lists them for α = 1.</remarks>
    public override double DerivativeZeroScale => 1.0 / _alpha;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x) || double.IsInfinity(x) || x == 0) return x;
        // Where αx overflows, |x| > double max/α, so sin²(αx)/α ≤ 1/α is below 10^−308 of x: f is x.
        if (double.IsInfinity(_alpha * x)) return x;
        double s = Math.Sin(_alpha * x);
        return x + (s * s / _alpha);
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        // (sin u + cos u)² = 1 + sin 2u, without forming 2u (which overflows for the largest u). u = αx is carried as
        // u + uLo (exact: fma gives the product's rounding error): rounded, u is off by up to |u|·2^−53, which for
        // large u moves sin and cos entirely (α = 0.3, x = 1.8e16: the reference was off by 2.7e12 float ULPs).
        // sin(u + uLo) + cos(u + uLo) = (sin u + cos u)·cos uLo + (cos u − sin u)·sin uLo, by the angle sums (uLo is
        // no small angle once ulp(u) is large: up to 2^73 at the largest floats).
        double u = _alpha * x;
        double uLo = double.IsFinite(u) ? Math.FusedMultiplyAdd(_alpha, x, -u) : 0;
        double sin = Math.Sin(u);
        double cos = Math.Cos(u);
        double t = ((sin + cos) * Math.Cos(uLo)) + ((cos - sin) * Math.Sin(uLo));
        return t * t;
    }

    /// <summary>The snake arithmetic (double lanes for float data).</summary>
    /// <param name="alpha">The frequency α.</param>
    public readonly struct Kernel_(double alpha) : IUnaryKernel
    {
        private readonly double _alpha = alpha;

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => true;

        /// <inheritdoc />
        // Slow enough that streaming stores made large calls slower on Zen 5: for double data this flag (snake 2.35–2.44 → 2.21–2.26
        // ns/element forward at 4 Mi); float data runs through the float-grade maps, which never stream.
        public static bool ForwardStreams => false;

        /// <inheritdoc />
        public static bool BackwardStreams => false;

        /// <inheritdoc />
        public static bool ForwardFloatInDouble => true;

        /// <inheritdoc />
        public static bool BackwardFloatInDouble => true;

        /// <summary>
        /// x + sin²(αx)/α for float data in double lanes: αx rounded in double and the float-grade sine
        /// (<see cref="VMath.SinCosForFloat{TV}"/>) leave about 10^−11 of sin², where the double-data forward carries
        /// double-doubles throughout; the sum x + sin²/α is rounded in double and then once to float. Beyond |αx| = 2^40
        /// the lanes take the scalar reduction; ±0 stays ±0.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardForFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            var a = TV.Create(_alpha);
            var u = a * x;
            var n = TV.RoundToEven(u * TV.Create(0.6366197723675814));
            var s = VMath.SinCosForFloat(u, n, out var c);
            // Only the square is used, so the quadrant's sign does not matter: sin r for even n, cos r for odd.
            var t = TV.Select(Odd(n), c, s);
            // A subnormal α has no finite 1/α: sin²(αx)/α ≈ α·x² is then below any float ULP of x, and the result is x.
            if (double.IsInfinity(1.0 / _alpha)) return x;
            var result = TV.Fma(t * t, TV.Create(1.0 / _alpha), x);
            result = TV.SelectWhereEqual(x, TV.Zero, x, result);
            var big = TV.GreaterThan(TV.Abs(u), TV.Create(VMath.TrigVectorLimit));
            return TV.AnyTrue(big) ? VMath.PerLane(x, big, result, new ScalarSnake(_alpha)) : result;
        }

        /// <summary>
        /// dy·f′ for float data in double lanes, as the double-data slope 2·sin²(u + π/4) (u = αx, relatively accurate
        /// next to the zeros of f′ for any α) but in float grade: u's product error uLo is carried into the reduction
        /// (a phase error of |u|·2^−53 would cost relative accuracy there), r = (u − n′·C1) + (uLo − n′·C2) with
        /// n′ = m − 1/2, and the float-grade series of <see cref="VMath.SinCosForFloat{TV}"/> on r.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardForFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var u = SlopeArgument(x, out var uLo, out var m);
            var s = VMath.SinCosForFloat(u, m - TV.Create(0.5), out var c, uLo);
            var odd = Odd(m);
            var t = TV.Select(odd, c, s);
            var derivative = TV.Create(2.0) * (t * t);
            var big = TV.GreaterThan(TV.Abs(u), TV.Create(VMath.TrigVectorLimit));
            if (TV.AnyTrue(big)) derivative = VMath.PerLane(x, big, derivative, new ScalarSnakeDerivative(_alpha));
            return dy * derivative;
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            var a = TV.Create(_alpha);
            var u = a * x;
            var uLo = TV.Fms(a, x, u);
            var n = TV.RoundToEven(u * TV.Create(0.6366197723675814));
            var hi = VMath.ReduceHalfPi(u, uLo, n, out var lo);
            var s = SinOfReduced(n, hi, lo, out var sLo);
            // sin² as a double-double, divided by α as a double-double.
            var s2 = s * s;
            var s2Lo = TV.Fms(s, s, s2) + (TV.Create(2.0) * s * sLo);
            var q = s2 / a;
            var qLo = (TV.Fnma(q, a, s2) + s2Lo) / a;
            // x + q + qLo with a two-sum.
            var sum = x + q;
            var back = sum - x;
            var err = (x - (sum - back)) + (q - back);
            var result = sum + (err + qLo);
            // A sum past the largest double (x near it, α below about 1e−292 so that q reaches 1e300) is +∞, as the value
            // is; the two-sum's ∞ − ∞ made it NaN.
            result = TV.SelectWhereEqual(sum, TV.Create(double.PositiveInfinity), sum, result);
            // ±0 stays ±0 (−0 + sin²(0) would be +0).
            result = TV.SelectWhereEqual(x, TV.Zero, x, result);
            var big = TV.GreaterThan(TV.Abs(u), TV.Create(VMath.TrigVectorLimit));
            if (TV.AnyTrue(big))
            {
                result = VMath.PerLane(x, big, result, new ScalarSnake(_alpha));
            }

            return result;
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            // 1 + sin(2u) = 2·sin²(u + π/4). Reduce u + π/4 = u − (−1/2)·π/2: with n' = m − 1/2 (m integral),
            // r = u − n'·π/2 = (u + π/4) − m·π/2, and sin²(u + π/4) is sin² r for even m, cos² r for odd m.
            var u = SlopeArgument(x, out var uLo, out var m);
            var hi = VMath.ReduceHalfPi(u, uLo, m - TV.Create(0.5), out var lo);
            var s = VMath.SinReduced(hi, lo, out var sLo);
            var c = VMath.CosReduced(hi, lo, out var cLo);
            var odd = Odd(m);
            var t = TV.Select(odd, c, s);
            var tLo = TV.Select(odd, cLo, sLo);
            var derivative = TV.Create(2.0) * TV.Fma(t, t, TV.Create(2.0) * t * tLo);
            var big = TV.GreaterThan(TV.Abs(u), TV.Create(VMath.TrigVectorLimit));
            if (TV.AnyTrue(big))
            {
                derivative = VMath.PerLane(x, big, derivative, new ScalarSnakeDerivative(_alpha));
            }

            return dy * derivative;
        }

        /// <summary>
        /// The slope's argument, for both lane grades: u = αx with its product error <paramref name="uLo"/> exact, and
        /// the integral quadrant count m of u + π/4 (the reduction then uses n′ = m − 1/2).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV SlopeArgument<TV>(TV x, out TV uLo, out TV m) where TV : struct, IVec<TV>
        {
            var a = TV.Create(_alpha);
            var u = a * x;
            uLo = TV.Fms(a, x, u);
            m = TV.RoundToEven(TV.Fma(u, TV.Create(0.6366197723675814), TV.Create(0.5)));
            return u;
        }

        /// <summary>Lanes where the integral quadrant count m is odd (then sin² of the shifted argument is cos² r).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Odd<TV>(TV m) where TV : struct, IVec<TV>
            => TV.EqualTo(m - (TV.Create(2.0) * TV.Floor(m * TV.Create(0.5))), TV.One);

        /// <summary>sin(r + n·π/2) as a double-double from the reduced r = hi + lo.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV SinOfReduced<TV>(TV n, TV hi, TV lo, out TV resultLo) where TV : struct, IVec<TV>
        {
            var s = VMath.SinReduced(hi, lo, out var sLo);
            var c = VMath.CosReduced(hi, lo, out var cLo);
            // Only the square is used, so the sign of the quadrant does not matter.
            var odd = Odd(n);
            resultLo = TV.Select(odd, cLo, sLo);
            return TV.Select(odd, c, s);
        }
    }

    /// <summary>
    /// αx (+ π/4) reduced exactly (Payne–Hanek) from the exact product αx = u + uLo, for |αx| beyond the vector
    /// reduction; when u overflows, (α/2)·x is reduced and doubled instead. Returns r and the quadrant m with
    /// αx (+ π/4) = r + m·π/2 (mod 2π).
    /// </summary>
    private static double ReduceHuge(double alpha, double x, bool addQuarterPi, out double lo, out int quadrant)
    {
        double u = alpha * x;
        bool doubled = !double.IsFinite(u);
        double a = doubled ? alpha * 0.5 : alpha;
        u = a * x;
        double uLo = Math.FusedMultiplyAdd(a, x, -u);
        return VMath.ReduceHalfPiExact(u, uLo, addQuarterPi, out lo, out quadrant, doubled);
    }

    /// <summary>snake at one huge |αx|, where the vector reduction hands over to the exact one.</summary>
    private readonly struct ScalarSnake(double alpha) : IScalarFunction
    {
        public double Invoke(double x)
        {
            if (!double.IsFinite(x)) return x;
            double hi = ReduceHuge(alpha, x, false, out double lo, out int quadrant);
            double s = VMath.SinOfQuadrant(hi, lo, quadrant, out double sLo);
            // As the vector path: sin² and /α as double-doubles, then x + q with a two-sum.
            double s2 = s * s;
            double s2Lo = Math.FusedMultiplyAdd(s, s, -s2) + (2.0 * s * sLo);
            double q = s2 / alpha;
            double qLo = (Math.FusedMultiplyAdd(-q, alpha, s2) + s2Lo) / alpha;
            double sum = x + q;
            if (double.IsPositiveInfinity(sum)) return sum;
            double back = sum - x;
            double err = (x - (sum - back)) + (q - back);
            return sum + (err + qLo);
        }
    }

    /// <summary>1 + sin(2αx) = 2·sin²(αx + π/4) at one huge |αx|, with π/4 folded into the exact reduction (NaN at ±∞).</summary>
    private readonly struct ScalarSnakeDerivative(double alpha) : IScalarFunction
    {
        public double Invoke(double x)
        {
            if (!double.IsFinite(x)) return double.NaN;
            double hi = ReduceHuge(alpha, x, true, out double lo, out int quadrant);
            double t = VMath.SinOfQuadrant(hi, lo, quadrant, out double tLo);
            return 2.0 * Math.FusedMultiplyAdd(t, t, 2.0 * t * tLo);
        }
    }
}
