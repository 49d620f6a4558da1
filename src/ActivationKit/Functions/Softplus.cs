using System.Globalization;
using System.Runtime.CompilerServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Softplus: (1/β)·ln(1 + e^(βx)), a smooth ReLU (Dugas et al., 2001), with PyTorch's semantics: the input itself is
/// returned once β·x &gt; threshold (default 20), where the two differ by less than e^−20 ≈ 2.1e−9.
/// </summary>
/// <remarks>
/// <para>
/// Evaluated as (max(z, 0) + ln(1 + e^−|z|))/β with z = βx, so it neither overflows nor flushes: softplus(−100) ≈
/// 3.7e−44 (float subnormal), softplus(100) = 100, softplus(0) = ln 2, softplus(−∞) = +0, softplus(+∞) = +∞,
/// softplus(NaN) = NaN. The rounding error of β·x is compensated, and in the negative tail the power of two of e^z
/// is applied last, so other β keep full accuracy too. (One limit: below βx = −900 the result is returned as 0,
/// which is exact unless β &lt; 1e−60, when e^βx/β could still be a representable double.)
/// </para>
/// <para>
/// Float data runs in float lanes at β = 1 and, for β in [2^−16, 2^16] with a threshold of 18 or more, with βx
/// carried as a float pair (<see cref="SoftplusFloatKernel"/>; over all floats 1.80 / 2.63 ULP at β = 2); other
/// parameters, and the backward from the output for β ≠ 1, in double lanes, rounded once.
/// </para>
/// <para>
/// Threshold: like PyTorch, linear when β·x &gt; threshold (strictly), so at the default f jumps by 2.06e−9 at
/// x = 20 and f′ from σ(20) to 1. threshold = ∞ disables the switch (Keras, JAX and ONNX semantics).
/// </para>
/// <para>
/// Backward from the output: f′ = σ(βx) = 1 − e^(−βy) = −expm1(−βy), which keeps y's relative accuracy everywhere (the
/// condition number βy·e^(−βy)/(1 − e^(−βy)) is at most 1): βy to the last bit where y is tiny (subnormal y included),
/// → 1 where y is large. y = +0 (x = −∞, or an output that underflowed) gives a +0 slope, y = +∞ gives 1 and NaN stays
/// NaN; a y below 0, which no input gives, is taken as +0 (slope +0, the limit at x = −∞). An output above threshold/β
/// is read as the identity branch's (slope 1), like an input there.
/// </para>
/// <para>
/// Two parameter ranges make the output ambiguous, and there <see cref="Activation.SupportsBackwardFromOutput"/> is false
/// and <c>BackwardFromOutput</c> throws. (1) The outputs in (threshold/β, softplus(threshold)/β] come from either branch,
/// whose slopes σ(threshold) and 1 differ by less than e^−threshold: at threshold ≥ 25·ln 2 ≈ 17.33 (the default 20, and ∞)
/// that is at most half a float ULP of 1, so both round to the same float; double data keeps the difference there (up to
/// 2.1e−9 at the default, for inputs within 2.1e−9/β below x = 20/β, that input included). (2) Below β = 26·ln 2/float.MaxValue
/// ≈ 5.3e−38 the float outputs of ordinary inputs overflow to +∞, where the slope is lost. (Half overflows at 65,504:
/// with β below about 1.4e−4 a Half output of +∞ is read as slope 1 whatever input gave it.)
/// </para>
/// </remarks>
public sealed class Softplus : OutputGradientActivation<Softplus.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "softplus",
        Aliases = ["soft_relu", "smooth_relu"],
        DisplayName = "Softplus",
        Summary = "A smooth ReLU, ln(1 + e^x): positive everywhere, derivative σ(x); PyTorch's β and linear threshold.",
        Family = Family.SmoothRectifier,
        Formula = "x if β·x > threshold else ln(1 + exp(β·x)) / β",
        Derivative = "1 if β·x > threshold else σ(β·x) (= 1 − exp(−β·y))",
        FormulaLatex = @"\begin{cases} x & \beta x > \text{threshold} \\ \frac{1}{\beta}\log\left(1 + e^{\beta x}\right) & \text{otherwise} \end{cases}",
        DerivativeLatex = @"\begin{cases} 1 & \beta x > \text{threshold} \\ \sigma(\beta x) = \frac{1}{1 + e^{-\beta x}} & \text{otherwise} \end{cases}",
        Parameters =
        [
            new("beta", 1.0, "Sharpness: larger β bends closer to ReLU; the output keeps the scale of x.") { Min = 0.0, MinExclusive = true, MaxExclusive = true },
            new("threshold", 20.0, "Above β·x = threshold the input is returned unchanged (PyTorch); ∞ disables it.") { Min = 0.0, MinExclusive = true, MaxExclusive = false },
        ],
        Range = "(0, ∞)",
        PropertiesNote = "Monotonicity and smoothness are those of ln(1 + e^x). At the default threshold (20, PyTorch's) f drops by 2.1e−9 at x = 20 and f′ jumps from σ(20) to 1; threshold=inf gives the smooth, strictly increasing function (Keras, JAX, ONNX).",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain), β = 1; E = 0.9212459 (mpmath).
        Gain = 1.0418668355353017,
        TypicalUses = ["strictly positive outputs (standard deviations, rates) in probabilistic models", "a smooth ReLU where second derivatives matter", "the inner function of mish"],
        Problems = KnownProblem.NotZeroCentred | KnownProblem.UnboundedOutput | KnownProblem.ComputationalCost | KnownProblem.Saturation,
        Origin = new("Dugas, Bengio, Bélisle, Nadeau & Garcia, Incorporating Second-Order Functional Knowledge for Better Option Pricing", 2001) { Venue = "NIPS" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.Softplus(beta=1.0, threshold=20.0)", "Same semantics: linear when beta*x > threshold."),
            ["keras"] = new("keras.activations.softplus", "No beta and no threshold (threshold = ∞, beta = 1)."),
            ["jax"] = new("jax.nn.softplus", "No beta and no threshold: logaddexp(x, 0) (threshold = ∞, beta = 1)."),
            ["onnx"] = new("Softplus", "No beta and no threshold: ln(exp(x) + 1)."),
            ["onednn"] = new("eltwise_soft_relu (alpha = β)", "No threshold; oneDNN v2 named the β form eltwise_soft_relu_v2."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.6931471805599453), new(-0.0, 0.6931471805599453), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, 0.0), new(100.0, 100.0), new(21.0, 21.0), new(-800.0, 0.0)],
        // f jumps by e^−20 (and f′ by σ(−20)) where the threshold switches to x.
        Kinks = [20.0],
    };

    /// <summary>Creates softplus.</summary>
    /// <param name="beta">Sharpness β &gt; 0 (finite).</param>
    /// <param name="threshold">β·x above which x is returned unchanged; &gt; 0, ∞ to disable.</param>
    public Softplus(double beta = 1.0, double threshold = 20.0)
        : base(Definition, beta, threshold)
    {
        Beta = beta;
        Threshold = threshold;
        // Float data with β ≠ 1 in [2^−16, 2^16] and a threshold of 18 or more runs float lanes of its own forward and
        // backward from the input (SoftplusFloatKernel: βx carried as a float pair, float tails), where Kernel_'s float
        // lanes serve β = 1 alone; the backward from the output stays with Kernel_ (double lanes for β ≠ 1). Its
        // parameters are made once, here.
        if (SoftplusFloatKernel.Covers(beta, threshold)) RouteFloatDataTo(new SoftplusFloatKernel(new SoftplusFloatKernel.Parameters(beta, threshold)));
    }

    /// <summary>β, the sharpness.</summary>
    public double Beta { get; }

    /// <summary>The switch to the identity: x is returned when β·x &gt; threshold.</summary>
    public double Threshold { get; }

    /// <summary>The switch to the identity at x = threshold/β (none when the threshold is ∞ or the quotient overflows).</summary>
    public override IReadOnlyList<double> Kinks => double.IsFinite(Threshold / Beta) ? [Threshold / Beta] : [];

    /// <inheritdoc />
    protected override Kernel_ Kernel => new(Beta, Threshold);

    /// <summary>
    /// The least threshold with a backward from the output, 25·ln 2: from there σ(−threshold) &lt; e^−threshold ≤ 2^−25, so
    /// the two slopes an output just above threshold/β may have, σ(threshold) and 1, round to the same float.
    /// </summary>
    public static double MinThresholdFromOutput { get; } = 25 * Math.Log(2);

    /// <summary>
    /// The least β with a backward from the output, 26·ln 2/float.MaxValue ≈ 5.3e−38: an input whose float output
    /// overflows has βx ≥ β·float.MaxValue − ln 2 ≥ 25·ln 2, so its slope rounds to 1 in float, the slope y = +∞ gives.
    /// </summary>
    public static double MinBetaFromOutput { get; } = 26 * Math.Log(2) / float.MaxValue;

    /// <inheritdoc />
    public override bool SupportsBackwardFromOutput => Threshold >= MinThresholdFromOutput && Beta >= MinBetaFromOutput;

    /// <inheritdoc />
    protected override void RequireBackwardFromOutput()
    {
        if (Threshold < MinThresholdFromOutput)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{Name}: backward from the output needs threshold ≥ 25·ln 2 ≈ 17.33 (got {Threshold}); below it the outputs just above threshold/β come from both branches, whose slopes differ by up to e^−threshold = {Math.Exp(-Threshold):G3}, so use Backward with the input."));
        }

        if (Beta < MinBetaFromOutput)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{Name}: backward from the output needs beta ≥ 5.3e−38 (got {Beta}); below it the float outputs of ordinary inputs overflow to +∞, which no longer tells their slope, so use Backward with the input."));
        }
    }

    /// <inheritdoc />
    public override double Reference(double x)
    {
        if (double.IsNaN(x)) return x;
        double z = Beta * x;
        if (z > Threshold) return x;
        if (double.IsInfinity(z)) return z > 0 ? x : 0.0;
        // softplus(z + δ) ≈ softplus(z) + σ(z)·δ, δ the rounding error of z.
        double delta = Math.FusedMultiplyAdd(Beta, x, -z);
        if (z >= 0)
        {
            // softplus(βx)/β = x + ln(1 + e^−βx)/β.
            return x + ((ReferenceMath.Log1p(Math.Exp(-z)) - (ReferenceMath.Sigmoid(-z) * delta)) / Beta);
        }

        if (z < -700)
        {
            // ln(1 + e^z) = e^z to double precision; ExpTimes keeps the division by β from double rounding.
            return ReferenceMath.ExpTimes((1 + delta) / Beta, z);
        }

        return (ReferenceMath.Softplus(z) + (ReferenceMath.Sigmoid(z) * delta)) / Beta;
    }

    /// <inheritdoc />
    public override double ReferenceDerivative(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Beta * x > Threshold) return 1.0;
        return ReferenceMath.SigmoidOfProduct(Beta, x);
    }

    /// <summary>
    /// The softplus arithmetic: float lanes for float data at β = 1 (other β: <see cref="SoftplusFloatKernel"/>'s float
    /// lanes where it covers them, else double lanes), double lanes for double data.
    /// </summary>
    public readonly struct Kernel_ : IOutputGradientKernel
    {
        private readonly double _beta;
        // The threshold for registers of either lane type (LaneValue: no conversion in the loop), for float lanes the
        // largest float not above it, so that x > t holds for the same x in either.
        private readonly LaneValue _threshold;

        /// <summary>Binds β and the threshold.</summary>
        public Kernel_(double beta, double threshold)
        {
            _beta = beta;
            _threshold = LaneValue.FloorBound(threshold);
        }

        /// <inheritdoc />
        public static bool ComputeFloatInDouble => false;

        /// <inheritdoc />
        public static bool BackwardInPairs => true;

        /// <inheritdoc />
        public static bool ForwardInPairs => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))) return ForwardFloat(x);
            // The element-wise driver sends β ≠ 1 to ForwardForParameters (FloatLanesApply is false for them), so this
            // branch serves direct callers. It is inlined: an out-of-line call here, even one never taken, cost a third
            // of the loop's time (2.26 against 1.69 ns/element at 262,144), as the loop's constants had to survive it;
            // with the short ln(1 + e) of Log1pUnit both forms fit the JIT's inlining budget.
            if (_beta != 1.0) return ForwardScaled(x);
            // β = 1 needs no carried rounding of βx: ln(1 + e^−|x|) + max(x, 0), both terms ≥ 0.
            var plain = VMath.Log1pExpMinusAbs(x) + TV.Max(TV.Zero, x);
            return TV.SelectWhereGreater(x, _threshold.In<TV>(), x, plain);
        }

        /// <inheritdoc />
        public static bool HasParameterForms => true;

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardForParameters<TV>(TV x) where TV : struct, IVec<TV> => ForwardScaled(x);

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardForParameters<TV>(TV x, TV dy) where TV : struct, IVec<TV> => Backward(x, dy);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV ForwardScaled<TV>(TV x) where TV : struct, IVec<TV>
        {
            var z = Scaled(x, out var delta);
            var neg = TV.LessThan(z, TV.Zero);
            var p = VMath.ExpParts(-TV.Abs(z), out var n, out var lo);
            var e = VMath.ScaleExpParts(p + lo, n);
            var r = TV.One / (TV.One + e);
            var log1p = VMath.Log1pUnit(e);
            var beta = TV.Create(_beta);
            // z ≥ 0: softplus(βx)/β = x + ln(1 + e^−βx)/β, and ln(1 + e^−(z + δ)) = ln(1 + e) − σ(−z)·δ with
            // σ(−z) = e·r. x stays exact, and an overflowing z (huge β) cannot turn the result into ∞.
            var positive = x + (TV.Fnma(e * r, delta, log1p) / beta);
            // z < 0: ln(1 + e) + σ(z)·δ = e·(ln(1 + e)/e + r·δ), σ(z) = e·r; the factor is in (0.69, 1] and e's
            // power of two comes last, so a subnormal result is rounded once even after the division by β.
            // ln(1 + e)/e is 1 wherever Log1pUnit already returned e itself (e below 2^−53, and e = 0).
            var ratio = TV.SelectWhereEqual(log1p, e, TV.One, log1p / e);
            var factor = TV.Fma(r, delta, ratio) / beta;
            var negative = VMath.MulExpParts(factor, p, lo, n);
            // A subnormal β (below ln2/double max) makes the factor +∞ near 0, where ∞·lo would be NaN: the result is +∞.
            negative = TV.SelectWhereEqual(factor, TV.Create(double.PositiveInfinity), factor, negative);
            // Below z = −900 the value is 0 even after the division by a tiny β (ExpParts clamps its argument there).
            negative = TV.SelectWhereLessOrEqual(z, TV.Create(-900.0), TV.Zero, negative);
            var y = TV.Select(neg, negative, positive);
            // z = ±∞ (x infinite or βx overflowing) needs no special case: x + 0, or e^−900 → 0.
            return TV.SelectWhereGreater(z, _threshold.In<TV>(), x, y);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            if (!(typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)))
            {
                return InDouble.FloatBackward(this, x, dy);
            }

            if (_beta == 1.0) return PlainSlope(x, dy);

            var z = Scaled(x, out var delta);
            var p = VMath.ExpParts(-TV.Abs(z), out var n, out var lo);
            var e = VMath.ScaleExpParts(p + lo, n);
            var r = TV.One / (TV.One + e);
            // σ(z + δ) = σ(z)·(1 + σ(−z)·δ). z ≥ 0: σ(z) = r, σ(−z) = e·r. z < 0: σ(z) = e·r (scaled last), σ(−z) = r.
            var positive = r * TV.Fma(e * r, delta, TV.One);
            var negative = VMath.MulExpParts(r * TV.Fma(r, delta, TV.One), p, lo, n);
            var s = TV.SelectWhereLess(z, TV.Zero, negative, positive);
            return dy * TV.SelectWhereGreater(z, _threshold.In<TV>(), TV.One, s);
        }

        /// <summary>
        /// Float lanes, β = 1: ln(1 + e^−|x|) + max(x, 0), both terms non-negative (no cancellation); for x &lt; 0 the
        /// logarithm of 1 + e is e itself once e is tiny, subnormal results included.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV ForwardFloat<TV>(TV x) where TV : struct, IVec<TV>
            => InDouble.FloatForward(this, x);

        /// <inheritdoc />
        public static bool FloatLanesDependOnParameters => true;

        /// <inheritdoc />
        public bool FloatLanesApply => _beta == 1.0;

        /// <inheritdoc />
        // β ≠ 1 on float data outside SoftplusFloatKernel's range (and its backward from the output for every β ≠ 1):
        // ForwardForFloat and BackwardForFloat in double lanes.
        public static bool ForwardFloatInDouble => true;

        /// <inheritdoc />
        public static bool BackwardFloatInDouble => true;

        /// <summary>
        /// softplus_β(x) for float data in double lanes (the element-wise driver runs it for β ≠ 1 outside the float lanes
        /// of <see cref="SoftplusFloatKernel"/>, which <see cref="Softplus"/> sends β in [2^−16, 2^16] with a threshold
        /// of 18 or more to; any β &gt; 0 is
        /// valid): z = βx rounded in double moves e^−|z| by at most |z|·2^−53, far below a float ULP, so its rounding is
        /// not carried, and a result small enough to need e's late power of two is 0 in float. x + ln(1 + e)/β for
        /// z ≥ 0, ln(1 + e)/β below (e = e^−|z|), x above the threshold.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardForFloat<TV>(TV x) where TV : struct, IVec<TV>
        {
            var z = TV.Create(_beta) * x;
            var log1p = VMath.Log1pUnit(VMath.ExpNonPositive(TV.Or(z, TV.SignMask))) / TV.Create(_beta);
            var y = TV.SelectWhereLess(z, TV.Zero, log1p, x + log1p);
            return TV.SelectWhereGreater(z, _threshold.In<TV>(), x, y);
        }

        /// <summary>dy·σ(βx) for float data in double lanes, as <see cref="ForwardForFloat{TV}"/>; 1 above the threshold.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardForFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var z = TV.Create(_beta) * x;
            var e = VMath.ExpNonPositive(TV.Or(z, TV.SignMask));
            var r = TV.One / (TV.One + e);
            var s = TV.SelectWhereLess(z, TV.Zero, e * r, r);
            return dy * TV.SelectWhereGreater(z, _threshold.In<TV>(), TV.One, s);
        }

        /// <inheritdoc />
        public static bool ForwardHasDoubleLanes => true;

        /// <inheritdoc />
        public static bool BackwardHasDoubleLanes => true;

        /// <summary>Float lanes: the β = 1 forward above; every lane is left to the double lanes for β ≠ 1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
        {
            if (_beta != 1.0)
            {
                inDouble = InDouble.AllLanes<TV>();
                return x;
            }

            // e = e^−|x| is held at e^−40, so Log1pUnitF's square s² (s = e/(2 + e)) stays a normal float: above 40
            // ln(1 + e) is far below x's ULP either way, and below −40 the lanes are marked for the tail formula
            // (ForwardTailF). With s² subnormal every input beyond ±43 took 0.74 ns/element instead of 0.27, and
            // Normal(0, 100) inputs 0.94 (docs/performance-history.md, "Tails in float lanes").
            inDouble = TV.LessThan(x, TV.Create(ForwardTailAbove));
            // Max(0, x) keeps a NaN x (second operand).
            var y = VMath.Log1pUnitF(VMath.ExpMinusAbsShortNormal(x, ForwardTailAbove)) + TV.Max(TV.Zero, x);
            // From x = 14.6 on, ln(1 + e^−x) is below half a float ULP of x and the sum is x already, so a threshold
            // from 17 up (PyTorch's default is 20) needs no select in float lanes: the same bits, two operations fewer.
            return _threshold.Value >= 17.0 ? y : TV.SelectWhereGreater(x, _threshold.In<TV>(), x, y);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => _beta != 1.0 || TV.AnyWhereLess(x, TV.Create(ForwardTailAbove));

        /// <inheritdoc />
        public static MarkBound ForwardMarkBound => MarkBound.Below((float)ForwardTailAbove);

        /// <inheritdoc />
        public static MarkBound BackwardMarkBound => MarkBound.Below(-87f);

        // β = 1: below −40 softplus(x) = ln(1 + e^x) is e^x to within 2^−58 (the backward's σ(x) leaves float lanes
        // below −87, sigmoid's bound).
        private const double ForwardTailAbove = -40.0;

        /// <inheritdoc />
        public static bool ForwardTailInFloat => true;

        /// <summary>
        /// softplus(x) below −40 in float lanes (β = 1): e^x from the float exponential, its subnormal results rounded once
        /// (0 from −103.98 on, −∞ included); x itself above a threshold set that low.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV>
            => TV.SelectWhereGreater(x, _threshold.In<TV>(), x, VMath.ExpNonPositiveShortF(x, tail: true));

        /// <inheritdoc />
        public static bool BackwardTailInFloat => true;

        /// <summary>
        /// dy·σ(x) below −87 in float lanes (β = 1): dy·e^x with its power of two applied last
        /// (<see cref="VMath.DyTimesExpTailF{TV}"/>), which keeps a normal result for any dy (x held at −200, beyond which
        /// dy·e^x is below the floats); σ(−∞) = 0, so dy·0 there; dy above a threshold set that low.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardTailF<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var g = TV.SelectWhereEqual(x, TV.Create(double.NegativeInfinity), dy * TV.Zero, VMath.DyTimesExpTailF(dy, x));
            return TV.SelectWhereGreater(x, _threshold.In<TV>(), dy, g);
        }

        /// <inheritdoc />
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => _beta != 1.0 || default(Sigmoid.Kernel_).ForwardMarksAny(x);

        /// <summary>
        /// Float lanes, β = 1: σ(x) from sigmoid's float forward, 1/(1 + e^−x) in one piece with its lanes below −87
        /// marked for the tail formula (2.48 ULP exhaustive; the mirrored form e^−|x| with e·r on one side
        /// measured 2.83 and three operations more). Every lane is left to the double lanes for β ≠ 1.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
        {
            if (_beta != 1.0)
            {
                inDouble = InDouble.AllLanes<TV>();
                return dy;
            }

            var sigma = default(Sigmoid.Kernel_).ForwardFloatLanes(x, out inDouble);
            return dy * TV.SelectWhereGreater(x, _threshold.In<TV>(), TV.One, sigma);
        }

        /// <summary>dy·σ(x) for β = 1 in double lanes: no rounding of βx to carry; 1 above the threshold.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV PlainSlope<TV>(TV x, TV dy) where TV : struct, IVec<TV>
            => dy * TV.SelectWhereGreater(x, _threshold.In<TV>(), TV.One, VMath.Logistic(x));

        /// <summary>
        /// dy·f′ from y = softplus(x): f′ = 1 − e^(−βy) = −expm1(−βy) (see the class remarks), 1 above the threshold.
        /// Float lanes serve β = 1 only (the driver sends float data of other β to double lanes, as for the backward
        /// from the input), with the float expm1 (about 1.5 ULP; exact for tiny y, so f′ = y down to the subnormals);
        /// double lanes take β·y rounded (half an ULP, which the condition number of at most 1 does not enlarge) and the
        /// double expm1, held at −40 where e^−40 is below half a double ULP of 1. −βy is taken at most −0, so a y below
        /// 0 gives the +0 slope of y = +0; y = +∞ gives 1 and NaN stays NaN.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV>
        {
            var z = typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)
                ? TV.Create(_beta) * y
                : y;
            // Min keeps a NaN (second operand); 0 − em1 turns an em1 of −0 into +0.
            var v = TV.Min(TV.Create(-0.0), -z);
            var em1 = (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
                ? VMath.Expm1Clamped(TV.Max(TV.Create(-40.0), v))
                : VMath.Expm1NonPositiveF(v);
            var slope = TV.WithNaNOf(TV.Zero - em1, y);
            return dy * TV.SelectWhereGreater(z, _threshold.In<TV>(), TV.One, slope);
        }

        /// <summary>z = βx and δ = βx − z, kept only while |z| &lt; 900 (beyond, e^−|z| is settled and δ may be huge).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TV Scaled<TV>(TV x, out TV delta) where TV : struct, IVec<TV>
        {
            var b = TV.Create(_beta);
            var z = b * x;
            delta = TV.Fms(b, x, z);
            delta = TV.SelectWhereLess(TV.Abs(z), TV.Create(900.0), delta, TV.Zero);
            return z;
        }
    }
}
