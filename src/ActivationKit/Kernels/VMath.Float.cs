using System.Runtime.CompilerServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Float-lane elementary functions: sixteen lanes per AVX-512 register instead of the eight of the double versions,
/// for kernels whose float evaluation stays within a few ULP. Each keeps the double versions' contract over the whole
/// float range (subnormal results, ±∞, NaN). Kernels send the lanes where float evaluation would lose accuracy (for
/// example products that underflow) to their double-lane definition through <see cref="InDouble"/>.
/// </summary>
/// <remarks>
/// The reduction x = n·ln2 + r uses fdlibm's float split of ln 2 (e_expf.c: ln2_hi = 0x3f317200, ln2_lo = 0x35bfbe8e);
/// the expm1 polynomial is fitted here (tools/poly/fit_expm1_float.py), the log1p one is the atanh series (2/(2k+1)).
/// </remarks>
public static partial class VMath
{
    private const double Ln2HiF = 6.9314575195e-01;
    private const double Ln2LoF = 1.4286067653e-06;
    private const double Sqrt2Minus1 = 0.41421356237309503;

    /// <summary>
    /// e^r − 1 for |r| ≤ ln2/2 in float lanes: r + r²·q(r) with q of degree 5, interpolated at Chebyshev nodes and
    /// rounded to float by tools/poly/fit_expm1_float.py (0.03 ULP from the polynomial itself; the Taylor series of
    /// the same degree would leave 0.26 ULP at the ends of the range).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1ReducedF<TV>(TV r) where TV : struct, IVec<TV>
    {
        var p = TV.Create(0.00019890980911441147);
        p = TV.Fma(p, r, TV.Create(0.0013933641603216529));
        p = TV.Fma(p, r, TV.Create(0.00833331048488617));
        p = TV.Fma(p, r, TV.Create(0.04166646674275398));
        p = TV.Fma(p, r, TV.Create(0.1666666716337204));
        p = TV.Fma(p, r, TV.Create(0.5));
        return TV.Fma(r * r, p, r);
    }

    /// <summary>Splits x = n·ln2 + r (float lanes) with n integral and |r| ≤ ln2/2 (plus rounding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ReduceF<TV>(TV x, out TV n) where TV : struct, IVec<TV>
    {
        n = TV.RoundToEven(x * TV.Create(Log2E));
        var r = TV.Fma(n, TV.Create(-Ln2HiF), x);
        return TV.Fma(n, TV.Create(-Ln2LoF), r);
    }

    /// <summary>
    /// e^x in float lanes, about 1 ULP: subnormal results rounded once (e^−100 = 3.72e−44), +∞ from 88.73 on,
    /// +0 below −103.98, e^NaN = NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpF<TV>(TV x) where TV : struct, IVec<TV>
    {
        var xc = TV.Min(TV.Create(89.0), TV.Max(TV.Create(-104.0), x));
        var r = ReduceF(xc, out var n);
        return TV.ScaleB(Expm1ReducedF(r) + TV.One, n);
    }

    /// <summary>
    /// e^x for x ≤ 88 (or NaN) in float lanes: <see cref="ExpF{TV}"/> without the overflow clamp (+∞ is not a valid
    /// input; callers replace such lanes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpNonPositiveF<TV>(TV x) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.Max(TV.Create(-104.0), x), out var n);
        return TV.ScaleB(Expm1ReducedF(r) + TV.One, n);
    }

    /// <summary>
    /// e^−|x| in the lane type's own precision: <see cref="Exp{TV}"/> for double lanes, <see cref="ExpNonPositiveF{TV}"/>
    /// for float lanes (the choice folds when the caller is compiled).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpMinusAbs<TV>(TV x) where TV : struct, IVec<TV>
        => (typeof(TV) == typeof(V512<double>) || typeof(TV) == typeof(V256<double>) || typeof(TV) == typeof(V128<double>) || typeof(TV) == typeof(S<double>))
            ? Exp(-TV.Abs(x))
            : ExpNonPositiveF(TV.Or(x, TV.SignMask));

    /// <summary>
    /// e^x − 1 for x ≤ 0 (or NaN) in float lanes, about 1.5 ULP, exact for tiny and subnormal x, −1 below −17.4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1NonPositiveF<TV>(TV x) where TV : struct, IVec<TV>
    {
        var em1 = Expm1PartsNonPositiveF(x, out var t);
        // 2^n·(em1 + 1) − 1 = 2^n·em1 + (2^n − 1); for −26 ≤ n ≤ 0 both 2^n and 2^n − 1 are exact floats.
        return TV.Fma(t, em1, t - TV.One);
    }

    /// <summary>
    /// e^x = t·(1 + m) for x ≤ 0 (or NaN) in float lanes, with t = 2^n exact (n ≥ −26; x is clamped at −18, where
    /// e^x is below half a float ULP of 1) and m = e^r − 1 for the reduced |r| ≤ ln2/2. Returns m.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1PartsNonPositiveF<TV>(TV x, out TV t) where TV : struct, IVec<TV>
        => Expm1PartsF(x, -18.0, out t);

    /// <summary>
    /// e^x = t·(1 + m) in float lanes for x ≤ 0 (or NaN), x clamped at <paramref name="floor"/> (≥ −87, so t = 2^n
    /// is a normal float). Returns m = e^r − 1 for the reduced |r| ≤ ln2/2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1PartsF<TV>(TV x, double floor, out TV t) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.Max(TV.Create(floor), x), out var n);
        t = TV.ScaleB(TV.One, n);
        return Expm1ReducedF(r);
    }

    /// <summary>
    /// e^x = p·2^n in float lanes for x ≥ −112 (clamped there; NaN passes), with p in [0.7, 1.42] and n integral, so
    /// callers can apply 2^n last (with <see cref="IVec{TV}.ScaleB"/>) and round a subnormal result once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpPartsF<TV>(TV x, out TV n) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.Min(TV.Create(89.0), TV.Max(TV.Create(-112.0), x)), out n);
        return Expm1ReducedF(r) + TV.One;
    }

    /// <summary>
    /// As <see cref="ExpPartsF{TV}(TV, out TV)"/> for e^(x + xLo) with |xLo| far below the reduced argument: the low
    /// part joins the reduced argument, so it costs no extra rounding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpPartsF<TV>(TV x, TV xLo, out TV n) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.Min(TV.Create(89.0), TV.Max(TV.Create(-112.0), x)), out n) + xLo;
        return Expm1ReducedF(r) + TV.One;
    }

    /// <summary>
    /// e^(x + xLo) = (1 + m)·2^n in float lanes for x ≤ 0 (or NaN), x clamped at <paramref name="floor"/> (≥ −150, so
    /// the exponent n stays within what <see cref="IVec{TV}.ScaleB"/> takes at every width), with |xLo| far below the
    /// reduced argument (it joins it, costing no extra rounding). Returns m = e^r − 1 for the reduced |r| ≤ ln2/2: the
    /// caller keeps 1 + m unrounded (as t + t·m with t = 2^n, or m·v + v) where the rounding of 1 + m would count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Expm1PartsF<TV>(TV x, TV xLo, double floor, out TV n) where TV : struct, IVec<TV>
    {
        var r = ReduceF(TV.Max(TV.Create(floor), x), out n) + xLo;
        // Expm1ReducedF's polynomial in Estrin's form: a shorter dependency chain for long kernels whose loop
        // latency, not the instruction count, sets the speed (the value differs from Horner's by rounding only).
        var r2 = r * r;
        var p45 = TV.Fma(TV.Create(0.00019890980911441147), r, TV.Create(0.0013933641603216529));
        var p23 = TV.Fma(TV.Create(0.00833331048488617), r, TV.Create(0.04166646674275398));
        var p01 = TV.Fma(TV.Create(0.1666666716337204), r, TV.Create(0.5));
        var p = TV.Fma(r2, TV.Fma(r2, p45, p23), p01);
        return TV.Fma(r2, p, r);
    }

    /// <summary>
    /// ln(1 + e) for 0 ≤ e ≤ 1 in float lanes, about 1 ULP, exact for tiny e. Above √2 − 1 it is ln 2 + ln(1 + w)
    /// with w = (e − 1)/2, so the series argument s = w/(2 + w) stays within ±0.1716 and needs terms to s⁹ only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log1pUnitF<TV>(TV e) where TV : struct, IVec<TV>
    {
        var big = TV.GreaterThan(e, TV.Create(Sqrt2Minus1));
        var w = TV.Select(big, (e - TV.One) * TV.Create(0.5), e);
        var s = w / (TV.Create(2.0) + w);
        var s2 = s * s;
        // ln(1+w) = 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + …; 2s is formed as w − s·w, which is exact in real arithmetic.
        var p = TV.Create(2.0 / 9.0);
        p = TV.Fma(p, s2, TV.Create(2.0 / 7.0));
        p = TV.Fma(p, s2, TV.Create(2.0 / 5.0));
        p = TV.Fma(p, s2, TV.Create(2.0 / 3.0));
        var l = TV.Fma(s * s2, p, TV.Fma(-s, w, w));
        return l + TV.And(big, TV.Create(0.6931471805599453));
    }

    /// <summary>
    /// σ(z)·σ(−z) = e/(1 + e)² for e = e^−|z| in [0, 1], in float or double lanes, with the rounding of 1 + e carried
    /// (fast two-sum, e ≤ 1) so it does not enter twice: about 2 ULP from e's own error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LogisticSlope<TV>(TV e) where TV : struct, IVec<TV>
    {
        var d = TV.One + e;
        var dLo = e - (d - TV.One);
        var r = TV.One / d;
        var rho = TV.Fma(-r, d, TV.One) - (r * dLo);
        var u = e * r * r;
        return TV.Fma(u, rho + rho, u);
    }
}
