using System.Runtime.CompilerServices;
using ActivationKit.Functions;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Swish x·σ(βx) in float lanes, with βx carried as the float pair z + zLo: the formulas gelu_sigmoid (β = 1.702) and
/// silu with β ≠ 1 share (<see cref="SwishFloatKernel"/>), from βx as the float pair z + zLo of
/// <see cref="VMath.ScaledPairF{TV}"/>; zLo joins the reduced argument of the exponential, so the rounding of βx, which
/// would cost |z| half-ULPs in the negative tail, costs nothing.
/// </summary>
internal static class SwishFloat
{
    /// <summary>
    /// x/(1 + e^−(z + zLo)) for z + zLo = βx with −87 ≤ z ≤ 88 (the caller marks the lanes below and forms z from x held
    /// at βx ≈ 85, where 1 + e^−z is 1, so +∞ and NaN keep their numerator; the minimum takes a NaN x as the held value).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Forward<TV>(TV x, TV z, TV zLo) where TV : struct, IVec<TV>
        => x / VMath.OnePlusExpOfNegatedPairTableF(z, zLo);

    /// <summary>
    /// f′ = σ(z)·(1 + z·σ(−z)) for |z| ≤ 87 (the caller marks the lanes beyond; a NaN z gives NaN through 1 + z): silu′'s
    /// float form, (1 + e + z·e)/(1 + e)² for z ≥ 0 and e·(1 + e + z)/(1 + e)² below with e = e^−|z + zLo|, one division
    /// by the common square, with zLo joined to the reduced argument of e and to the exact 1 + z.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Slope<TV>(TV z, TV zLo) where TV : struct, IVec<TV>
    {
        // e^−|z + zLo| = e^(−|z| ∓ zLo): the low part negated where z ≥ 0.
        var m = VMath.Expm1PartsMinusAbsF(z, TV.Xor(zLo, TV.AndNot(TV.SignMask, z)), -87.0, out var n);
        var t = TV.Pow2(n);
        var e = TV.Fma(t, m, t);
        var square = VMath.SquareOfOnePlus(e);
        // 1 + z + zLo (+ e = t + t·m where z < 0) as (z + (1 + t)) + (t·m + zLo): 1 + t is exact down to z = −16
        // (t = 2^n ≥ 2^−23) and z + (1 + t) exact next to the zero of f′ (z ≈ −1.2785, Sterbenz), and the small
        // terms are summed apart, so the sum takes one rounding of its own size there and two elsewhere (silu′'s
        // order with zLo added to 1 + z took three to four: 4.52 ULP at x = −3.35 for β = 1.702; this order 3.88 at
        // x = −3.86 over all floats, where the division, the square and e's own rounding leave the rest).
        var negative = TV.SignFill(z);
        var tn = TV.And(t, negative);
        var sum = (z + (TV.One + tn)) + TV.Fma(tn, m, zLo);
        var numerator = TV.Fma(sum, e, TV.AndNot(TV.One, negative));
        return numerator / square;
    }
}

/// <summary>
/// Swish x·σ(βx) for float data with β in [2^−16, 2^16] other than 1 (silu's own float lanes serve β = 1), in float
/// lanes: the forward and slope of <see cref="SwishFloat"/> where βx lies inside the table exponential's range, and
/// float tail formulas beyond it, so no lane goes to double lanes. The bounds of the marks are x = −86/β (forward) and
/// |x| = 80/β (backward), this instance's (<see cref="IUnaryKernel.MarkBoundsDependOnParameters"/>). Double lanes (not
/// used for float data) take silu's β forms.
/// </summary>
internal readonly struct SwishFloatKernel(SwishFloatKernel.Parameters parameters) : IUnaryKernel
{
    private readonly Parameters _p = parameters;

    /// <summary>
    /// β and the bounds for float lanes (<see cref="BetaLaneParameters"/>), made once per activation (<see cref="Silu"/>):
    /// the kernel struct, which every call copies through the driver, then holds one reference (see
    /// <see cref="LaneBroadcast"/>). The table exponential takes z ≥ −87.3 and the slope's parts |z| ≤ 87; the bounds,
    /// x = −86/β and |x| = 80/β, leave a margin for the rounding of β and of the bound itself.
    /// </summary>
    internal sealed class Parameters(double beta)
        : BetaLaneParameters(beta, MarkBound.Below((float)(-86.0 / beta)), MarkBound.AbsAbove((float)(80.0 / beta)))
    {
        /// <summary>silu's kernel at β, whose β forms serve double lanes.</summary>
        public readonly Silu.Kernel_ Silu = new(beta);
    }

    /// <summary>Whether float data of swish with this β runs these float lanes.</summary>
    public static bool Covers(double beta) => BetaPair.Covers(beta);

    /// <inheritdoc />
    public static bool ComputeFloatInDouble => false;

    /// <inheritdoc />
    public static bool ForwardHasDoubleLanes => true;

    /// <inheritdoc />
    public static bool BackwardHasDoubleLanes => true;

    /// <inheritdoc />
    public static bool ForwardInPairs => true;

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

    // The lane type is told by typeof written out in each method: through a helper the test folded only after
    // inlining, by which time the double-lane β forms had been imported into the float loop and exhausted the JIT's
    // inlining budget (every lane operation a call, 2.8 ns/element).

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Forward<TV>(TV x) where TV : struct, IVec<TV>
        => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) ? _p.Silu.ForwardForParameters(x) : InDouble.FloatForward(this, x);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>)) ? _p.Silu.BackwardForParameters(x, dy) : InDouble.FloatBackward(this, x, dy);

    /// <summary>x/(1 + e^−βx) (<see cref="SwishFloat.Forward{TV}"/>), the lanes below −86/β marked for <see cref="ForwardTailF{TV}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
        {
            inDouble = TV.Zero;
            return _p.Silu.ForwardForParameters(x);
        }

        inDouble = TV.LessThan(x, _p.ForwardLimit.In<TV>());
        var z = _p.Beta.Times(TV.Min(x, _p.Held.In<TV>()), out var zLo);
        return SwishFloat.Forward(x, z, zLo);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV> => TV.AnyWhereLess(x, _p.ForwardLimit.In<TV>());

    /// <summary>
    /// x·σ(βx) below x = −86/β (βx &lt; −86; −∞ included, NaN never marked): σ(z) = e^z·(1 − e^z + …) is e^z there to
    /// within 2^−124, so the result is x·e^(z + zLo) = x·(1 + m)·2^n, x·(1 + m) rounded once by an fma at the scale
    /// 2^−48 and 2^(n + 48) applied last (a subnormal result rounds once more; the two steps of ScaleB below AVX-512 are
    /// exact there, as in <see cref="VMath.ScaleTailF{TV}"/>). x is held at βx = −200, where the result is a zero of
    /// x's sign for any float x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV>
    {
        var xc = TV.Max(x, _p.TailLow.In<TV>());
        var z = _p.Beta.Times(xc, out var zLo);
        var m = VMath.Expm1ScaledPartsShortF(z, zLo, out var n);
        var scaled = xc * TV.Create(3.552713678800501E-15); // 2^−48, exact for these x
        return TV.ScaleB(TV.Fma(scaled, m, scaled), n + TV.Create(48.0));
    }

    /// <summary>dy·f′ (<see cref="SwishFloat.Slope{TV}"/>), the lanes beyond |x| = 80/β marked for <see cref="BackwardTailF{TV}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
        {
            inDouble = TV.Zero;
            return _p.Silu.BackwardForParameters(x, dy);
        }

        inDouble = TV.GreaterThan(TV.Abs(x), _p.BackwardLimit.In<TV>());
        var z = _p.Beta.Times(x, out var zLo);
        return dy * SwishFloat.Slope(z, zLo);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV> => TV.AnyWhereGreater(TV.Abs(x), _p.BackwardLimit.In<TV>());

    /// <summary>
    /// dy·f′ beyond |x| = 80/β (±∞ included, NaN never marked). Above, f′ = 1 + (z − 1)·e^−z + … rounds to 1: dy. Below,
    /// f′ = σ(z)·(1 + z·σ(−z)) = (1 + z)·e^z to within 2^−110 relative, taken as u = (1 + z + zLo)·(1 + m) (1 + z exact
    /// there) with e^(z + zLo) = (1 + m)·2^n and dy·u·2^n by <see cref="VMath.ScaleTailF{TV}"/>, so the result keeps its
    /// accuracy whatever dy's magnitude; x is held at βx = −200, beyond which dy·f′ is below the floats for any float
    /// dy. f′(−∞) = −0, so dy·(−0) there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV BackwardTailF<TV>(TV x, TV dy) where TV : struct, IVec<TV>
    {
        var xc = TV.Max(x, _p.TailLow.In<TV>());
        var z = _p.Beta.Times(xc, out var zLo);
        var m = VMath.Expm1ScaledPartsShortF(z, zLo, out var n);
        var z1 = (z + TV.One) + zLo;
        var low = VMath.ScaleTailF(dy, TV.Fma(z1, m, z1), n);
        low = TV.SelectWhereEqual(x, TV.Create(double.NegativeInfinity), dy * TV.Create(-0.0), low);
        return TV.SelectWhereGreater(x, TV.Zero, dy, low);
    }
}
