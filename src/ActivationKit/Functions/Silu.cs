using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;
using System.Globalization;

namespace ActivationKit.Functions;

/// <summary>
/// SiLU / Swish: x·σ(βx) (Elfwing, Uchibe &amp; Doya, 2017; with a learnable β, Swish: Ramachandran, Zoph &amp; Le,
/// 2017). A smooth, non-monotonic, self-gated ReLU; β = 1 (the default) is SiLU.
/// </summary>
/// <remarks>
/// <para>
/// Evaluated from e = exp(−|βx|): x/(1 + e) for βx ≥ 0 and x·e/(1 + e) below, with the power of two of e applied
/// after the multiplications so that the negative tail keeps full precision where e alone would be a subnormal
/// (silu(−740) in double). The rounding error of β·x is compensated (it would otherwise cost |βx| half-ULPs in the
/// tail). silu(−∞) = −0 (not NaN from −∞·0), silu(+∞) = +∞, silu(±0) = ±0, silu(NaN) = NaN; silu(−100) ≈ −3.7e−42.
/// </para>
/// <para>
/// Float data runs in float lanes: silu (β = 1) with its own formulas, swish with β in [2^−16, 2^16] with βx carried as
/// a float pair (<see cref="SwishFloatKernel"/>; 2.54 and 3.80 ULP at most over all floats for β = 2), other β in double
/// lanes, rounded once.
/// </para>
/// <para>
/// The minimum, −W(1/e) ≈ −0.2785 (W: Lambert's function), is reached at x = −1 − W(1/e) ≈ −1.2785, where f′
/// changes sign. β is learnable: <see cref="BetaGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, out double)"/>
/// gives Σ dy·∂f/∂β.
/// </para>
/// </remarks>
public sealed class Silu : ElementwiseActivation<Silu.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "silu",
        Aliases = ["swish", "sigmoid_linear_unit"],
        DisplayName = "SiLU (Swish)",
        Summary = "The input gated by its own sigmoid, x·σ(βx): a smooth, non-monotonic ReLU whose small negative dip keeps gradients alive.",
        Family = Family.SmoothRectifier,
        Formula = "x · σ(βx) = x / (1 + exp(−βx))",
        Derivative = "σ(βx)·(1 + βx·(1 − σ(βx)))",
        FormulaLatex = @"x\,\sigma(\beta x) = \frac{x}{1 + e^{-\beta x}}",
        DerivativeLatex = @"\sigma(\beta x)\,\bigl(1 + \beta x\,(1 - \sigma(\beta x))\bigr)",
        Parameters =
        [
            new("beta", 1.0, "Slope of the gate: 1 gives SiLU, 0 gives x/2, large values approach ReLU; learnable in Swish.")
            {
                MinExclusive = true,
                MaxExclusive = true,
                Learnable = true,
            },
        ],
        Range = "[−0.2785 (= −W(1/e)), ∞)",
        Monotonicity = Monotonicity.NonMonotonic,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain), β = 1; E = 0.3557755 (mpmath).
        Gain = 1.6765324703310912,
        TypicalUses = ["hidden layers of CNNs (EfficientNet, YOLO)", "the gate of SwiGLU feed-forward blocks in transformers", "value networks in reinforcement learning (its origin)"],
        Problems = KnownProblem.ComputationalCost | KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput | KnownProblem.Saturation,
        Origin = new("Elfwing, Uchibe & Doya, Sigmoid-Weighted Linear Units for Neural Network Function Approximation in Reinforcement Learning", 2017, "arXiv:1702.03118") { Related = [new Origin("Ramachandran, Zoph & Le, Searching for Activation Functions", 2017, "arXiv:1710.05941") { Note = "with a trainable β, as Swish" }] },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.SiLU / torch.nn.functional.silu", "No β (fixed at 1); Swish with β is x * torch.sigmoid(beta * x)."),
            ["keras"] = new("keras.activations.silu (alias keras.activations.swish)", "No β (fixed at 1)."),
            ["jax"] = new("jax.nn.silu / jax.nn.swish", "No β (fixed at 1)."),
            ["onnx"] = new("Swish (opset 24, alpha = β, default 1.0)", "Before opset 24: Mul(X, Sigmoid(X))."),
            ["onednn"] = new("eltwise_swish (alpha = β)"),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, -0.0)],
        // 1 + x·σ(−x) = 0 at x = −1 − W(1/e).
        DerivativeZeros = [-1.2784645427610738],
    };

    /// <summary>Creates SiLU (β = 1) or Swish with the given β.</summary>
    /// <param name="beta">Slope of the gate; any finite value (1 gives SiLU).</param>
    public Silu(double beta = 1.0)
        : base(Definition, beta)
    {
        Beta = beta;
        // Float data of swish with β ≠ 1 in [2^−16, 2^16] runs float lanes of its own (SwishFloatKernel: βx carried as a
        // float pair, float tails), where Kernel_'s float lanes serve β = 1 alone; the double forms remain Kernel_'s. Its
        // parameters are made once, here.
        if (SwishFloatKernel.Covers(beta)) RouteFloatDataTo(new SwishFloatKernel(new SwishFloatKernel.Parameters(beta)));
    }

    /// <summary>β, the slope of the sigmoid gate.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(Beta);

    /// <inheritdoc />
    /// <remarks>1/β: f′ = σ(βx)·(1 + βx·σ(−βx)) vanishes at βx = −1.2785 (none for β = 0, whose f′ is 1/2).</remarks>
    public override double DerivativeZeroScale => Beta == 0 ? 1.0 : 1.0 / Beta;

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (Beta == 0) return 0.5 * x;
        if (double.IsInfinity(x)) return Beta * x > 0 ? x : (x < 0 ? -0.0 : 0.0);
        double z = Beta * x;
        return ReferenceMath.Swish(x, z, double.IsFinite(z) ? Math.FusedMultiplyAdd(Beta, x, -z) : 0);
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Beta == 0) return 0.5;
        double z = Beta * x;
        return ReferenceMath.SwishDerivative(z, double.IsFinite(z) ? Math.FusedMultiplyAdd(Beta, x, -z) : 0);
    }

    /// <summary>
    /// The gradient of the loss with respect to β: Σ dy·∂f/∂β = Σ dy·x²·σ(βx)·(1 − σ(βx)), accumulated in double
    /// (terms with |βx| ≥ 900 count as 0, exact for |β| ≥ 1e−30).
    /// </summary>
    /// <param name="x">The inputs of the forward pass.</param>
    /// <param name="dy">The gradient of the loss with respect to the outputs.</param>
    /// <param name="dBeta">The gradient with respect to β.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void BetaGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, out double dBeta)
    {
        CheckLengths(x.Length, dy.Length);
        var kernel = Kernel;
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += dy[i] * kernel.BetaPartial(new S<double>(x[i])).Value;
        }

        dBeta = sum;
    }

    /// <inheritdoc cref="BetaGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, out double)" />
    public void BetaGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, out double dBeta)
    {
        CheckLengths(x.Length, dy.Length);
        var kernel = Kernel;
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += dy[i] * kernel.BetaPartial(new S<double>(x[i])).Value;
        }

        dBeta = sum;
    }

    private void CheckLengths(int x, int dy)
    {
        if (x != dy) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{Name}: dy has {dy} elements but x has {x}; they must match."), nameof(dy));
    }

    /// <summary>The SiLU/Swish arithmetic: float lanes for float data (β = 1; other β and the deep tail in double lanes), double lanes for double data.</summary>
    public readonly struct Kernel_ : IUnaryKernel
    {
        /// <inheritdoc />
        public static bool BackwardInPairs => true;

        private readonly double _betaHi;
        private readonly double _betaLo;
        private readonly bool _plain;

        /// <summary>Binds β.</summary>
        public Kernel_(double beta)
            : this(beta, 0.0)
        {
        }

        /// <summary>Binds β = betaHi + betaLo given as a double-double, for a decimal constant like GELU's 1.702.</summary>
        internal Kernel_(double betaHi, double betaLo)
        {
            _betaHi = betaHi;
            _betaLo = betaLo;
            _plain = betaHi == 1.0 && betaLo == 0.0;
        }

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool GateProductInDouble => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return ForwardFloat(x);
            var y = x;
            var deep = x;
            if (IsPlain)
            {
                // β = 1 needs no carried βx: x/(1 + e) and x·e/(1 + e) with e = e^−|x| (a normal double above −700).
                var e = VMath.ExpMinusAbs(x);
                var q = x / (TV.One + e);
                y = TV.SelectWhereLess(x, TV.Zero, q * e, q);
                // Lane by lane, so every register width returns the same bits.
                deep = TV.LessThan(x, TV.Create(-700.0));
                if (!TV.AnyTrue(deep)) return y;
            }

            // Every lane for β ≠ 1, the deep ones for β = 1: one inlined copy serves both (an out-of-line call per
            // register passes the register through the stack, where a 64-byte store that straddles two cache lines
            // cannot be forwarded to the callee's load: 3.2 or 7.0 ns/element by the stack's alignment).
            var scaled = ForwardScaled(x);
            return IsPlain ? TV.Select(deep, scaled, y) : scaled;
        }

        /// <inheritdoc />
        public static bool HasParameterForms => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardForParameters<TV>(TV x) where TV : struct, IVec<TV> => ForwardScaled(x);

        /// <summary>
        /// Double lanes with βx carried as z + δ and e's power of two applied last (any β; the deep tail for β = 1).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV ForwardScaled<TV>(TV x) where TV : struct, IVec<TV>
        {
            var z = Gate(x, out var p, out var lo, out var n, out var e, out _, out _);
            // βx ≥ 0: x·σ(z) = x/(1 + e). βx < 0: x·e/(1 + e), with e's power of two applied last.
            var d = TV.One + e;
            // x·e/(1 + e) takes x's sign bit: where x/(1 + e) rounds to −0 (x = −5e−324 with β > 1), the low part's
            // product −0·lo is +0 for lo < 0 and the sum would come back +0 (every non-zero result has x's sign anyway).
            var y = TV.SelectWhereLess(z, TV.Zero, TV.Or(VMath.MulExpParts(x / d, p, lo, n), TV.And(x, TV.SignMask)), x / d);
            // From βx = −900 on (x = ∓∞ included) the value is a zero of x's sign; x·tiny would be ∞·0 = NaN at ∞.
            return TV.SelectWhereLessOrEqual(z, TV.Create(-900.0), TV.And(x, TV.SignMask), y);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return BackwardFloat(x, dy);
            // β ≠ 1 out of line (the element-wise driver runs it through BackwardForParameters): with the β form inlined
            // beside the plain one, this body overran the JIT's inlining budget where a float register's marked lanes
            // are redone in double lanes (IVec.InDouble), every operation became a call, and float inputs mostly
            // beyond ±80 took 11 ns/element instead of 2.7.
            if (!IsPlain) return BackwardScaledOutOfLine(x, dy);
            // β = 1: z = x with nothing carried (no δ, no NaN or overflow of βx to guard): a dozen operations fewer.
            var z = VMath.ExpPartsOfMinusAbs(x, out var p, out var lo, out var n, out var e);
            return BackwardFromParts(z, p, lo, n, e, TV.Zero, dy);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardForParameters<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var z = Gate(x, out var p, out var lo, out var n, out var e, out _, out var delta);
            return BackwardFromParts(z, p, lo, n, e, delta, dy);
        }

        /// <summary><see cref="BackwardForParameters{TV}"/> compiled on its own (see <see cref="Backward{TV}"/>).</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private TV BackwardScaledOutOfLine<TV>(TV x, TV dy) where TV : struct, IVec<TV> => BackwardForParameters(x, dy);

        /// <summary>
        /// dy·f′ in double lanes from z = βx (clamped), e = e^−|z| = (p + lo)·2^n and δ, the part of βx that z leaves out.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV BackwardFromParts<TV>(TV z, TV p, TV lo, TV n, TV e, TV delta, TV dy) where TV : struct, IVec<TV>
        {
            // (1 + e)² from the exact sum d + dLo = 1 + e, rounded once.
            var d = TV.One + e;
            var dLo = (TV.One - d) + e;
            var square = TV.Fma(d, d, (d + d) * dLo);
            // f′ = σ(z)·(1 + z·σ(−z)), both sides over (1 + e)², one division. z ≥ 0 (σ(z) = 1/(1 + e)):
            // (1 + e + z·e)/(1 + e)², all terms positive. z < 0: e·(1 + e + z)/(1 + e)². The factor 1 + e + z
            // vanishes at z ≈ −1.2785; 1 + z is exact there (Sterbenz), so the sum carries only the error of e, not the
            // larger one of 1 + z·σ(−z). With e split as eHi + eLo (both exact scalings of p and lo), (1 + z) + eHi is
            // exact near the zero too; e's factor and its power of two are applied after the division.
            var eHi = VMath.ScaleExpParts(p, n);
            var below = (((TV.One + z) + eHi) + VMath.ScaleExpParts(lo, n)) + delta;
            var negativeSide = TV.LessThan(z, TV.Zero);
            var ratio = TV.Select(negativeSide, below, TV.Fma(z, e, d)) / square;
            return dy * TV.Select(negativeSide, VMath.MulExpParts(ratio, p, lo, n), ratio);
        }

        /// <summary>β = 1 exactly: z = x needs no carried rounding, so float lanes can evaluate in float.</summary>
        // β = 1, decided once (a byte test in the loop instead of two double comparisons each time it is asked).
        private bool IsPlain => _plain;

        /// <summary>
        /// Float lanes, β = 1: x/(1 + e^−x), with the lanes below −87 (subnormal-range results) from the double lanes.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV ForwardFloat<TV>(TV x) where TV : struct, IVec<TV>
            => InDouble.FloatForward(this, x);

        /// <inheritdoc />
        public static bool FloatLanesDependOnParameters => true;

        /// <inheritdoc />
        public bool FloatLanesApply => IsPlain;

        /// <inheritdoc />
        public static bool ForwardHasDoubleLanes => true;

        /// <inheritdoc />
        public static bool ForwardInPairs => true;

        /// <inheritdoc />
        public static bool BackwardHasDoubleLanes => true;

        /// <inheritdoc />
        // SwiGLU's gate for float data: ForwardFloatLanes/BackwardFloatLanes in double lanes.
        public static bool HasGateForFloat => true;

        /// <inheritdoc />
        // β ≠ 1 on float data outside SwishFloatKernel's range (β < 2^−16 or above 2^16, β ≤ 0): ForwardForFloat and
        // BackwardForFloat in double lanes.
        public static bool ForwardFloatInDouble => true;

        /// <inheritdoc />
        public static bool BackwardFloatInDouble => true;

        /// <summary>
        /// x·σ(βx) for float data in double lanes (the element-wise driver runs it for β ≠ 1 outside the float lanes of
        /// <see cref="SwishFloatKernel"/>, which <see cref="Silu"/> sends β in [2^−16, 2^16] to; any β is valid): z = βx
        /// rounded in double moves e^−|z| by at most |z|·2^−53, far below a float ULP, so neither βx's rounding nor β's
        /// low part needs carrying, nor the deep tail's late power of two (a float result is 0 long before e^−|z|
        /// leaves the doubles): x/(1 + e) for z ≥ 0, x·e/(1 + e) below, ±0 from z = −800 on (x = ∓∞ included).
        /// β = 0 is x/2.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardForFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (_betaHi == 0) return x * TV.Create(0.5);
            var z = TV.Create(_betaHi) * x;
            var e = VMath.ExpNonPositive(TV.Or(z, TV.SignMask));
            var q = x / (TV.One + e);
            var y = TV.SelectWhereLess(z, TV.Zero, q * e, q);
            return TV.SelectWhereLessOrEqual(z, TV.Create(-800.0), TV.And(x, TV.SignMask), y);
        }

        /// <summary>
        /// dy·f′ for float data in double lanes, as <see cref="ForwardForFloat{TV}"/>: f′ = σ(z)·(1 + z·σ(−z)) =
        /// (1 + e + z·e)/(1 + e)² for z ≥ 0 and e·(1 + e + z)/(1 + e)² below (e = e^−|z|); next to the zero of f′
        /// (z ≈ −1.2785) the sum 1 + e + z is off by about 2^−53 absolutely, which a float result does not see. Beyond
        /// |z| = 800 f′ is 1 or −0; β = 0 gives 1/2 (NaN for a NaN x).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardForFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (_betaHi == 0) return dy * TV.SelectWhereEqual(x, x, TV.Create(0.5), x);
            var z = TV.Create(_betaHi) * x;
            var e = VMath.ExpNonPositive(TV.Or(z, TV.SignMask));
            var d = TV.One + e;
            var negative = TV.LessThan(z, TV.Zero);
            var slope = TV.Select(negative, e * (d + z), TV.Fma(z, e, d)) / (d * d);
            // f′ = σ(z)·(1 + z·σ(−z)) < 0 below z ≈ −1.2785, so its underflowed value there is −0 (as silu's own float
            // lanes give for β = 1), and dy·f′ gets the exact product's sign of zero.
            slope = TV.SelectWhereGreaterOrEqual(TV.Abs(z), TV.Create(800.0), TV.Select(negative, TV.Create(-0.0), TV.One), slope);
            return dy * slope;
        }

        /// <summary>
        /// Float lanes: x/(1 + e^−x) for β = 1, with the lanes below −87 left to the double lanes; every lane for other β.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
        {
            if (!IsPlain)
            {
                inDouble = InDouble.AllLanes<TV>();
                return x;
            }

            // x/(1 + e^−x) in one piece while e^−x is a normal float (x ≥ −87: the exp's error is damped by
            // e^−x/(1 + e^−x) ≤ 1); below, x·σ(x) is tiny and comes from the double-lane definition.
            inDouble = TV.LessThan(x, TV.Create(ForwardFloatLowest));
            // A NaN x reaches the result as the numerator, so the exponential's clamp may take it as 87. On Intel the
            // clamp is ±87 (one VRANGE instead of the minimum): below −87 the table's power of two leaves the floats and
            // the operations on it took microcode assists (x ≤ −88: 4.4 ns/element instead of 0.6); those lanes are
            // marked and replaced either way.
            return x / VMath.OnePlusExpOfNegatedTableF(x, nanByCaller: true, clampBothSides: Isa.SubnormalsAssist);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => !IsPlain || TV.AnyWhereLess(x, TV.Create(ForwardFloatLowest));

        /// <inheritdoc />
        public static MarkBound ForwardMarkBound => MarkBound.Below((float)ForwardFloatLowest);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => !IsPlain || TV.AnyWhereGreater(TV.Abs(x), TV.Create(BackwardFloatLimit));

        /// <inheritdoc />
        public static MarkBound BackwardMarkBound => MarkBound.AbsAbove((float)BackwardFloatLimit);

        // The float lanes' range (β = 1): below −87 the forward is tiny, beyond |x| = 80 the slope's pieces leave float.
        private const double ForwardFloatLowest = -87.0;
        private const double BackwardFloatLimit = 80.0;

        // Below −112 every result is a zero of the right sign: x·e^x is under 2^−150 from −108.7 on.
        private const double TailFloor = -112.0;

        /// <inheritdoc />
        public static bool ForwardTailInFloat => true;

        /// <summary>
        /// silu(x) below −87 in float lanes (β = 1; β ≠ 1 runs elsewhere and never reaches here): σ(x) = e^x·(1 −
        /// e^x + …) is e^x there to within 2^−125, so x·σ(x) = x·(1 + m)·2^n, x·(1 + m) rounded once by an fma and
        /// 2^n applied last, so a subnormal result rounds once more. −∞ is held at −112, where the result is −0.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV>
        {
            var xc = TV.Max(x, TV.Create(TailFloor));
            var m = VMath.Expm1ScaledPartsShortF(xc, out var n);
            return TV.ScaleBIntoSubnormals(TV.Fma(xc, m, xc), n);
        }

        /// <inheritdoc />
        public static bool BackwardTailInFloat => true;

        /// <summary>
        /// dy·silu′(x) beyond |x| = 80 in float lanes (β = 1). Above 80, f′ = 1 + (x − 1)·e^−x + … rounds to 1, so the
        /// result is dy. Below −80, f′ = σ(x)·(1 + x·σ(−x)) = (1 + x)·e^x to within 2^−110 relative, and dy·(1 + x)·e^x
        /// stays a non-zero float down to x ≈ −198.5 when |dy| is near the float maximum (x is held at −200):
        /// u = (1 + x)·(1 + m) rounds once (1 + x is exact there), dy·u once more, and 2^n comes last
        /// (<see cref="VMath.ScaleTailF{TV}"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardTailF<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var xc = TV.Max(x, TV.Create(-200.0));
            var m = VMath.Expm1ScaledPartsShortF(xc, out var n);
            var x1 = xc + TV.One;
            var low = VMath.ScaleTailF(dy, TV.Fma(x1, m, x1), n);
            // f′(−∞) = −0 (f′ < 0 below −1.28): dy·(−0) there (NaN for an infinite dy, as the definition gives).
            low = TV.SelectWhereEqual(x, TV.Create(double.NegativeInfinity), dy * TV.Create(-0.0), low);
            return TV.SelectWhereGreater(x, TV.Zero, dy, low);
        }

        /// <summary>
        /// Float lanes, β = 1: f′ = σ(x)·(1 + x·σ(−x)) = (1 + e + x·e)/(1 + e)² for x ≥ 0 and e·(1 + e + x)/(1 + e)²
        /// for x &lt; 0 (e = e^−|x|), one division by the common square. For x &lt; 0, e = t + t·m (t = 2^n exact) is
        /// added to the exact 1 + x in two steps so the sum stays accurate next to the zero of f′ at −1.2785;
        /// (1 + e)² is e·(e + 2) + 1 in one fused rounding.
        /// Beyond |x| = 80 (e clamped at e^−87, x·e overflowing at ±∞) the double-lane definition is used.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV BackwardFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            => InDouble.FloatBackward(this, x, dy);

        /// <summary>The float-lane backward described at <see cref="BackwardFloat{TV}"/>; every lane in double for β ≠ 1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            if (!IsPlain)
            {
                inDouble = InDouble.AllLanes<TV>();
                return dy;
            }

            var numerator = SlopeNumeratorF(x, out var e, out _);
            // (1 + e)² in one fused rounding: the exact two-sum of 1 + e squared took four operations more for the same
            // 3.80 ULP at most (0.473 → 0.422 ns/element).
            var square = VMath.SquareOfOnePlus(e);
            inDouble = TV.GreaterThan(TV.Abs(x), TV.Create(BackwardFloatLimit));
            return dy * (numerator / square);
        }

        /// <summary>
        /// The float-lane pieces of silu′ (β = 1; see <see cref="BackwardFloat{TV}"/>): returns the numerator of
        /// f′ = numerator/(1 + e)² with <paramref name="e"/> = e^−|x| (held at e^−87; a NaN x gives a NaN numerator) and
        /// <paramref name="negative"/> all ones in the lanes where x's sign bit is set. Also SwiGLU's fused gate.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static TV SlopeNumeratorF<TV>(TV x, out TV e, out TV negative) where TV : struct, IVec<TV>
        {
            var m = VMath.Expm1PartsMinusAbsF(x, -87.0, out var t);
            e = TV.Fma(t, m, t);
            // Both sides over the same square, one division, and one multiply-add a·e + b for both numerators: x < 0,
            // a = t·m + ((x + 1) + t) summed as described above and b = 0; x ≥ 0, the same sum with t cleared is
            // a = x + 1, and b = 1, for (x + 1)·e + 1. The sign mask comes from an arithmetic shift and clears t and 1
            // with bitwise operations, so the select's comparison and the multiplication by e leave the two
            // multiply-add pipes, which bound this loop on Zen 4 (0.407 → 0.388 ns/element, the same bits).
            var x1 = x + TV.One;
            negative = TV.SignFill(x);
            var tn = TV.And(t, negative);
            return TV.Fma(TV.Fma(tn, m, x1 + tn), e, TV.AndNot(TV.One, negative));
        }

        /// <summary>The float lanes' limit of |x| for silu′ (β = 1): beyond it the double-lane definition is used.</summary>
        internal const double SlopeFloatLimit = BackwardFloatLimit;

        /// <summary>∂f/∂β = x²·σ(βx)·σ(−βx) for one register of inputs.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BetaPartial<TV>(TV x) where TV : struct, IVec<TV>
        {
            var z = Gate(x, out var p, out var lo, out var n, out var e, out var r, out _);
            // σ(z)σ(−z) = e·r² with e = e^−|z|. For z < 0 the power of two of e is applied last, to x²r² (rounded
            // once into a subnormal) while x² cannot overflow, else to x·r² before the last factor x (then the
            // partial product is at least 2^−800). x·(e·r²)·x in that order overflows only if the value does.
            var positive = x * (e * r * r) * x;
            var xr = x * r;
            var negative = TV.Select(
                TV.LessThan(TV.Abs(x), TV.Create(3.273390607896142e150)),
                VMath.MulExpParts(xr * xr, p, lo, n),
                VMath.MulExpParts(xr * r, p, lo, n) * x);
            var y = TV.SelectWhereLess(z, TV.Zero, negative, positive);
            // From |βx| = 900 on (x = ±∞ included) the value is 0 for any |β| ≥ 1e−30; ∞·0 must not give NaN.
            return TV.SelectWhereGreaterOrEqual(TV.Abs(z), TV.Create(900.0), TV.Zero, y);
        }

        /// <summary>
        /// The shared pieces of σ(βx): returns z = βx clamped to [−900, 900] (beyond, every result is settled) and
        /// gives e = exp(−|z|) = (p + lo)·2^n with the rounding error δ = βx − z folded in, r = 1/(1 + e) and δ.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV Gate<TV>(TV x, out TV p, out TV lo, out TV n, out TV e, out TV r, out TV delta) where TV : struct, IVec<TV>
        {
            var b = TV.Create(_betaHi);
            var z = b * x;
            // δ = βx − z: the exact product error plus the low part of β; only meaningful (and small) while |z| < 900.
            delta = TV.Fms(b, x, z) + (TV.Create(_betaLo) * x);
            delta = TV.SelectWhereLess(TV.Abs(z), TV.Create(900.0), delta, TV.Zero);
            // β = 0 with x = ±∞ gives 0·∞ = NaN although the function is x/2 there; keep NaN only for a NaN input.
            z = TV.Select(TV.AndNot(TV.IsNaN(z), TV.IsNaN(x)), TV.Zero, z);
            z = TV.Min(TV.Create(900.0), TV.Max(TV.Create(-900.0), z));
            p = VMath.ExpParts(-TV.Abs(z), out n, out lo);
            // exp(−|z + δ|) = exp(−|z|)·(1 ∓ δ): minus for z ≥ 0, plus for z < 0; the correction joins the low part.
            lo = TV.Fma(p, TV.SelectWhereLess(z, TV.Zero, delta, -delta), lo);
            e = VMath.ScaleExpParts(p + lo, n);
            r = TV.One / (TV.One + e);
            return z;
        }
    }
}
