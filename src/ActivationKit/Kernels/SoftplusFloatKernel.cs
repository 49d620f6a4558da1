using System.Runtime.CompilerServices;
using ActivationKit.Functions;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Softplus ln(1 + e^βx)/β for float data with β in [2^−16, 2^16] other than 1 and a threshold of 18 or more (∞
/// included), in float lanes (softplus's own float lanes serve β = 1): βx carried as the float pair z + zLo
/// (<see cref="VMath.ScaledPairF{TV}"/>), 1/β as a float pair, and float tail formulas beyond βx = −40 (forward) and
/// βx = −86 (slope), so no lane goes to double lanes. From a threshold of 18 on the linear branch needs no test in
/// float: above βx = 14.6, x + ln(1 + e^−βx)/β rounds to x, and σ(βx) above 18 rounds dy·σ to dy, so either branch
/// gives the same float wherever the threshold falls (a lower threshold, where the branches differ visibly and the
/// exact decision βx &gt; threshold counts, keeps the double lanes). Double lanes (not used for float data) take
/// softplus's β forms. The backward from the output keeps softplus's double lanes for β ≠ 1: −expm1(−βy) from a
/// float βy measured up to 2.2 ULP, where its tests hold it to 2 (1.43 in double lanes).
/// </summary>
internal readonly struct SoftplusFloatKernel(SoftplusFloatKernel.Parameters parameters) : IUnaryKernel
{
    /// <summary>The smallest threshold served (see the type's remarks; e^−18 is below 2^−25).</summary>
    private const double MinThreshold = 18;

    private readonly Parameters _p = parameters;

    /// <summary>
    /// β, 1/β and the bounds for float lanes (<see cref="BetaLaneParameters"/>: x below −40/β for the forward, below
    /// −86/β for the slope), made once per activation (<see cref="Softplus"/>), as <see cref="SwishFloatKernel.Parameters"/> are.
    /// </summary>
    internal sealed class Parameters(double beta, double threshold)
        : BetaLaneParameters(beta, MarkBound.Below((float)(-40.0 / beta)), MarkBound.Below((float)(-86.0 / beta)))
    {
        /// <summary>softplus's kernel at β and the threshold, whose β forms serve double lanes.</summary>
        public readonly Softplus.Kernel_ Softplus = new(beta, threshold);

        /// <summary>1/β rounded to float.</summary>
        public readonly LaneBroadcast Inverse = new((float)(1.0 / beta));

        /// <summary>
        /// 1/β − <see cref="Inverse"/> rounded to float, to about 2^−48 of 1/β: the division's own rounding is far below
        /// what a float result sees.
        /// </summary>
        public readonly LaneBroadcast InverseLo = new((1.0 / beta) - (float)(1.0 / beta));
    }

    /// <summary>Whether float data of softplus with this β and threshold runs these float lanes.</summary>
    public static bool Covers(double beta, double threshold) => BetaPair.Covers(beta) && threshold >= MinThreshold;

    /// <inheritdoc />
    public static bool ComputeFloatInDouble => false;

    /// <inheritdoc />
    public static bool ForwardHasDoubleLanes => true;

    /// <inheritdoc />
    public static bool BackwardHasDoubleLanes => true;

    /// <inheritdoc />
    public static bool ForwardInPairs => true;

    /// <inheritdoc />
    public static bool BackwardInPairs => true;

    /// <inheritdoc />
    public static bool ForwardTailInFloat => true;

    /// <inheritdoc />
    public static bool BackwardTailInFloat => true;

    /// <inheritdoc />
    public static bool MarkBoundsDependOnParameters => true;

    /// <inheritdoc />
    public MarkBound ForwardInstanceMarkBound => _p.ForwardBound;

    /// <inheritdoc />
    public MarkBound BackwardInstanceMarkBound => _p.BackwardBound;

    // The lane type is told by typeof written out in each method (see SwishFloatKernel).

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) ? _p.Softplus.ForwardForParameters(x) : InDouble.FloatForward(this, x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) ? _p.Softplus.BackwardForParameters(x, dy) : InDouble.FloatBackward(this, x, dy);

    /// <summary>ln(1 + e)·(1/β) with 1/β as the pair inverse + inverseLo.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TV OverBeta<TV>(TV v) where TV : struct, IVec<TV>
        => TV.Fma(v, _p.Inverse.In<TV>(), v * _p.InverseLo.In<TV>());

    /// <summary>
    /// (max(z, 0) + ln(1 + e^−|z + zLo|))/β, taken as x + L/β for z ≥ 0 (x exact, both terms positive) and L/β below,
    /// e held at e^−40 so that ln(1 + e) (<see cref="VMath.Log1pUnitF{TV}"/>) sees normal floats; the lanes below
    /// βx = −40 are marked for <see cref="ForwardTailF{TV}"/>. A NaN x reaches the result through x + L/β.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
        {
            inDouble = TV.Zero;
            return _p.Softplus.ForwardForParameters(x);
        }

        inDouble = TV.LessThan(x, _p.ForwardLimit.In<TV>());
        // x held at βx = 85 for the exponent (e is held at e^−40 anyway): an infinite βx would make zLo NaN. The
        // minimum takes a NaN x as the held value; the NaN reaches the result through x + L/β.
        var z = _p.Beta.Times(TV.Min(x, _p.Held.In<TV>()), out var zLo);
        // e^−|z + zLo| = e^(−|z| ∓ zLo): the low part negated where z ≥ 0.
        var m = VMath.Expm1PartsMinusAbsF(z, TV.Xor(zLo, TV.AndNot(TV.SignMask, z)), -40.0, out var n);
        var t = TV.Pow2(n);
        var share = OverBeta(VMath.Log1pUnitF(TV.Fma(t, m, t)));
        return TV.SelectWhereLess(z, TV.Zero, share, x + share);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => TV.AnyWhereLess(x, _p.ForwardLimit.In<TV>());

    /// <summary>
    /// softplus below βx = −40 (−∞ included; NaN is never marked): ln(1 + e^z) = e^z·(1 − e^z/2 + …) is e^z there to
    /// within 2^−58, so the result is e^(z + zLo)/β = (1 + m)·(1/β)·2^n, rounded once at the scale 2^−48 and scaled
    /// by 2^(n + 48) last (a subnormal result rounds once more). x is held at βx = −200, where the result is +0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV>
    {
        var xc = TV.Max(x, _p.TailLow.In<TV>());
        var z = _p.Beta.Times(xc, out var zLo);
        var m = VMath.Expm1ScaledPartsShortF(z, zLo, out var n);
        var inverse = _p.Inverse.In<TV>() * TV.Create(3.552713678800501E-15); // 2^−48, exact
        var u = TV.Fma(m, inverse, TV.Fma(_p.InverseLo.In<TV>() * TV.Create(3.552713678800501E-15), m + TV.One, inverse));
        return TV.ScaleB(u, n + TV.Create(48.0));
    }

    /// <summary>
    /// dy·σ(βx) = dy/(1 + e^−(z + zLo)) in one division (x held at βx = 85 for the exponent, where 1 + e^−z is 1; the
    /// minimum passes a NaN x on), the lanes below βx = −86 marked for <see cref="BackwardTailF{TV}"/>. Above the
    /// threshold the slope is 1, which dy/(1 + e^−z) already is from βx = 17.4 on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
        {
            inDouble = TV.Zero;
            return _p.Softplus.BackwardForParameters(x, dy);
        }

        inDouble = TV.LessThan(x, _p.BackwardLimit.In<TV>());
        var z = _p.Beta.Times(TV.Min(_p.Held.In<TV>(), x), out var zLo);
        return dy / VMath.OnePlusExpOfNegatedPairTableF(z, zLo);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.AnyWhereLess(x, _p.BackwardLimit.In<TV>());

    /// <summary>
    /// dy·σ(βx) below βx = −86 (−∞ included; NaN is never marked): σ(z) = e^z·(1 − e^z + …) is e^z there to within
    /// 2^−124, so dy·e^(z + zLo) with its power of two applied last (<see cref="VMath.ScaleTailF{TV}"/>), right for any
    /// dy; x is held at βx = −200, beyond which dy·e^βx is below the floats. σ(−∞) = 0, so dy·0 there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV BackwardTailF<TV>(TV x, TV dy) where TV : struct, IVec<TV>
    {
        var xc = TV.Max(x, _p.TailLow.In<TV>());
        var z = _p.Beta.Times(xc, out var zLo);
        var m = VMath.Expm1ScaledPartsShortF(z, zLo, out var n);
        var g = VMath.ScaleTailF(dy, m + TV.One, n);
        return TV.SelectWhereEqual(x, TV.Create(double.NegativeInfinity), dy * TV.Zero, g);
    }
}
