using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>A scalar function applied lane by lane on the rare path (huge trig arguments).</summary>
internal interface IScalarFunction
{
    /// <summary>The function at one double.</summary>
    double Invoke(double x);
}

/// <summary>
/// Vector sine and cosine (double lanes), within about 0.65 ULP over the whole double range.
/// </summary>
/// <remarks>
/// <para>
/// Range reduction: n = round(x·2/π), r = x − n·π/2 computed as a double-double with π/2 split into four doubles
/// C1 + C2 + C3 + C4 (mpmath). x − n·C1 is exact (one FMA: the exact difference has at most 53 significant bits
/// because |x − n·C1| &lt; 1 and both terms are multiples of 2^−53), n·C2 and n·C3 are split exactly with FMAs and
/// summed with a two-sum, and n·C4 only touches the low part. What is left out, n·(π/2 − C1 − … − C4) ≈ n·2^−218,
/// is far below the distance of any double to a multiple of π/2 (never less than about 2^−61), so the reduced
/// argument keeps its full relative accuracy even when x is next to a zero of sin or cos. The limit 2^40 keeps the
/// rounding of x·2/π below 2^−13, so |r| ≤ π/4 + 2^−12.
/// </para>
/// <para>
/// Beyond |x| = 2^40 (and at ±∞) the lanes are handed one by one to a scalar Payne–Hanek reduction
/// (<see cref="ReduceHalfPiExact"/>: x times 2/π in 256-bit fixed point, with the bits of 2/π from a table), which
/// returns the reduced argument as a double-double and its quadrant; the same polynomials then finish the job. The
/// fallback only runs when some lane needs it, and it runs the same way on every width, so all instruction-set
/// paths return the same bits.
/// </para>
/// <para>
/// On |r| ≤ π/4 the kernels are the Taylor series of sin (to r^17) and cos (to r^18): the first omitted terms are
/// below 1.1e−19 and 3e−21 relative, so no fitted coefficients are involved.
/// </para>
/// </remarks>
public static partial class VMath
{
    private const double PiOver2C1 = 1.5707963267948966;
    private const double PiOver2C2 = 6.123233995736766e-17;
    private const double PiOver2C3 = -1.4973849048591698e-33;
    private const double PiOver2C4 = 5.562271104316826e-50;
    private const double TwoOverPi = 0.6366197723675814;

    /// <summary>|x| above which the vector reduction hands over to <see cref="ReduceHalfPiExact"/> (2^40).</summary>
    internal const double TrigVectorLimit = 1099511627776.0;

    /// <summary>sin(x) (double lanes). sin(±0) = ±0, sin(±∞) = NaN, sin(NaN) = NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sin<TV>(TV x) where TV : struct, IVec<TV>
    {
        var n = TV.RoundToEven(x * TV.Create(TwoOverPi));
        var s = SinCosPlain(x, n, out var c);
        var result = Quadrant(n, s, c);
        // Below 2^−26 sin(x) rounds to x; this also keeps −0 and the subnormals exact.
        result = TV.SelectWhereLess(TV.Abs(x), TV.Create(1.4901161193847656e-08), x, result);
        var far = TV.GreaterThan(TV.Abs(x), TV.Create(PlainTrigLimit));
        return TV.AnyTrue(far) ? TV.Select(far, Far<TV, ScalarSin>(x, 0.0), result) : result;
    }

    /// <summary>
    /// sin(x + quarter·π/2) (sin for 0, cos for 1, with <typeparamref name="TScalar"/> the matching scalar function) for
    /// the lanes beyond <see cref="PlainTrigLimit"/>, out of line since they are rare: the double-double reduction against
    /// a four-part π/2 and series, and the scalar Payne–Hanek reduction beyond 2^40.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TV Far<TV, TScalar>(TV x, double quarter)
        where TV : struct, IVec<TV>
        where TScalar : struct, IScalarFunction
    {
        var n = TV.RoundToEven(x * TV.Create(TwoOverPi));
        var hi = ReduceHalfPi(x, TV.Zero, n, out var lo);
        var result = Quadrant(n + TV.Create(quarter), SinReduced(hi, lo, out _), CosReduced(hi, lo, out _));
        var big = TV.GreaterThan(TV.Abs(x), TV.Create(TrigVectorLimit));
        return TV.AnyTrue(big) ? PerLane(x, big, result, default(TScalar)) : result;
    }

    /// <summary>|x| up to which double lanes reduce with the plain three-part π/2 (<see cref="SinCosPlain{TV}"/>): 2^20.</summary>
    private const double PlainTrigLimit = 1048576.0;

    /// <summary>
    /// sin r and cos r (returned and <paramref name="cos"/>) in double lanes for r = x − n·π/2, |x| ≤ 2^20: x − n·C1 is
    /// exact (n·C1 inside an fma, the difference a multiple of C1's last place below 2), then n·C2 and n·C3 by one fma
    /// each, each rounding r once in its own size (n·C3 is below 2^−88, far below any r of a double this size, so r stays
    /// within about one ULP of itself even where it cancels), then the Taylor series to r^17 and r^16 by Horner's rule
    /// (the first omitted terms below 10^−19 and 2·10^−18 of the value at |r| = π/4).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV SinCosPlain<TV>(TV x, TV n, out TV cos) where TV : struct, IVec<TV>
    {
        var r = TV.Fnma(n, TV.Create(PiOver2C1), x);
        r = TV.Fnma(n, TV.Create(PiOver2C2), r);
        r = TV.Fnma(n, TV.Create(PiOver2C3), r);
        var z = r * r;
        var ps = SinSeriesTail(z);
        var pc = TV.Fma(TV.Create(1.0 / 20922789888000.0), z, TV.Create(-1.0 / 87178291200.0));
        pc = TV.Fma(pc, z, TV.Create(1.0 / 479001600.0));
        pc = TV.Fma(pc, z, TV.Create(-1.0 / 3628800.0));
        pc = TV.Fma(pc, z, TV.Create(1.0 / 40320.0));
        pc = TV.Fma(pc, z, TV.Create(-1.0 / 720.0));
        pc = TV.Fma(pc, z, TV.Create(1.0 / 24.0));
        pc = TV.Fma(pc, z, TV.Create(-0.5));
        cos = TV.Fma(pc, z, TV.One);
        return TV.Fma(ps * z, r, r);
    }

    /// <summary>cos(x) (double lanes). cos(±0) = 1, cos(±∞) = NaN, cos(NaN) = NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Cos<TV>(TV x) where TV : struct, IVec<TV>
    {
        var n = TV.RoundToEven(x * TV.Create(TwoOverPi));
        var s = SinCosPlain(x, n, out var c);
        // cos(x) = sin(x + π/2): the quadrant moves by one.
        var result = Quadrant(n + TV.One, s, c);
        var far = TV.GreaterThan(TV.Abs(x), TV.Create(PlainTrigLimit));
        return TV.AnyTrue(far) ? TV.Select(far, Far<TV, ScalarCos>(x, 1.0), result) : result;
    }

    /// <summary>
    /// π/2 as three floats (from mpmath; their sum is π/2 to 1.1e−23): the first has 24 bits and a last place of
    /// 2^−23, so for |x| ≥ π/4 and integral |n| &lt; 2^24 the fma x − n·PiOver2F1 is exact (a multiple of 2^−24 below 2).
    /// </summary>
    private const float PiOver2F1 = 1.5707963705062866f;
    private const float PiOver2F2 = -4.371138828673793e-08f;
    private const float PiOver2F3 = -1.7151245100058819e-15f;

    /// <summary>|x| up to which float lanes reduce sin and cos themselves (<see cref="SinCosF{TV}"/>): 2^16.</summary>
    internal const double SinFloatLimit = 65536.0;

    /// <summary>
    /// sin r and cos r (returned and <paramref name="cos"/>) in float lanes for r = x − n·π/2, n = round(x·2/π) and
    /// |x| ≤ <see cref="SinFloatLimit"/> (callers mark the lanes beyond): x − n·π/2 by three fmas with the float parts
    /// of π/2 (the first exact, two roundings of r's own size after it), then <see cref="SinCosSeries{TV}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV SinCosF<TV>(TV x, TV n, out TV cos) where TV : struct, IVec<TV>
    {
        var r = TV.Fnma(n, TV.Create(PiOver2F1), x);
        r = TV.Fnma(n, TV.Create(PiOver2F2), r);
        return SinCosSeries(TV.Fnma(n, TV.Create(PiOver2F3), r), out cos);
    }

    /// <summary>
    /// sin r and cos r (returned and <paramref name="cos"/>) for |r| ≤ π/4 + ε by the Taylor series to r^9 (r^11 with
    /// <paramref name="toR11"/>) and r^10: the first omitted terms are below 2.5·10^−9 (7·10^−12) and 1.2·10^−10 of the
    /// value at |r| = π/4, for results rounded to float. Snake's double lanes take sin to r^11, which keeps its sum
    /// (cancelling up to 3.6-fold) near one rounding; float sin's own lanes stop at r^9, one operation fewer (0.208 →
    /// 0.223 ns/element with it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV SinCosSeries<TV>(TV r, out TV cos, bool toR11 = false) where TV : struct, IVec<TV>
    {
        var z = r * r;
        var ps = toR11 ? TV.Fma(TV.Create(-1.0 / 39916800.0), z, TV.Create(1.0 / 362880.0)) : TV.Create(1.0 / 362880.0);
        ps = TV.Fma(ps, z, TV.Create(-1.0 / 5040.0));
        ps = TV.Fma(ps, z, TV.Create(1.0 / 120.0));
        ps = TV.Fma(ps, z, TV.Create(-1.0 / 6.0));
        var pc = TV.Fma(TV.Create(-1.0 / 3628800.0), z, TV.Create(1.0 / 40320.0));
        pc = TV.Fma(pc, z, TV.Create(-1.0 / 720.0));
        pc = TV.Fma(pc, z, TV.Create(1.0 / 24.0));
        pc = TV.Fma(pc, z, TV.Create(-0.5));
        cos = TV.Fma(pc, z, TV.One);
        return TV.Fma(ps * z, r, r);
    }

    /// <summary>
    /// sin(x) (<paramref name="quarter"/> 0) or cos(x) (1, sin(x + π/2)) in float lanes for |x| ≤ <see cref="SinFloatLimit"/>
    /// (NaN passes; callers mark the lanes beyond): n = round(x·2/π) by the round shifter (one fma; near a boundary n
    /// may be the other neighbour, |r| ≤ π/4 + 2^−9), <see cref="SinCosF{TV}"/> on r, and the quadrant as a·sin r +
    /// b·cos r with a and b in {−1, 0, 1} looked up from the low bits of the shifted n (two permutes, exact products),
    /// where a comparison chain on n mod 4 took fourteen instructions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV SinOrCosF<TV>(TV x, int quarter) where TV : struct, IVec<TV>
    {
        var shifted = TV.Fma(x, TV.Create(TwoOverPi), TV.Create(RoundShifterF));
        var s = SinCosF(x, shifted - TV.Create(RoundShifterF), out var c);
        // sin(r + k·π/2) for k mod 4 = 0, 1, 2, 3: sin r, cos r, −sin r, −cos r.
        var sinFactor = quarter == 0 ? Vector512.Create(1f, 0f, -1f, 0f, 1f, 0f, -1f, 0f, 1f, 0f, -1f, 0f, 1f, 0f, -1f, 0f) : Vector512.Create(0f, -1f, 0f, 1f, 0f, -1f, 0f, 1f, 0f, -1f, 0f, 1f, 0f, -1f, 0f, 1f);
        var cosFactor = quarter == 0 ? Vector512.Create(0f, 1f, 0f, -1f, 0f, 1f, 0f, -1f, 0f, 1f, 0f, -1f, 0f, 1f, 0f, -1f) : Vector512.Create(1f, 0f, -1f, 0f, 1f, 0f, -1f, 0f, 1f, 0f, -1f, 0f, 1f, 0f, -1f, 0f);
        return TV.Fma(TV.Lookup16(shifted, sinFactor), s, TV.Lookup16(shifted, cosFactor) * c);
    }

    /// <summary>
    /// sin r and cos r (returned and <paramref name="cos"/>) for r = (x + xLo) − n·π/2, |r| ≤ π/4 + ε, n integral or
    /// half-integral, xLo the rounding error of a product that formed x (or 0), to about 10^−10 relative
    /// (<see cref="SinCosSeries{TV}"/> to r^11), for snake's float data in double lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV SinCosForFloat<TV>(TV x, TV n, out TV cos, TV xLo = default) where TV : struct, IVec<TV>
        => SinCosSeries(TV.Fnma(n, TV.Create(PiOver2C1), x) + TV.Fnma(n, TV.Create(PiOver2C2), xLo), out cos, toR11: true);

    /// <summary>
    /// r = (x + xLo) − n·π/2 as hi + <paramref name="lo"/>, for n integral or half-integral with |n| ≤ 2^40 and
    /// |x − n·π/2| ≤ 0.79, where |xLo| is at most half an ULP of x (the rounding error of a product that formed x).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ReduceHalfPi<TV>(TV x, TV xLo, TV n, out TV lo) where TV : struct, IVec<TV>
    {
        var r1 = TV.Fnma(n, TV.Create(PiOver2C1), x);                 // exact
        var p2 = n * TV.Create(PiOver2C2);
        var p2Err = TV.Fms(n, TV.Create(PiOver2C2), p2);             // exact
        var s = r1 - p2;
        var back = s - r1;
        var sErr = (r1 - (s - back)) + (-p2 - back);
        var p3 = n * TV.Create(PiOver2C3);
        var p3Err = TV.Fms(n, TV.Create(PiOver2C3), p3);             // exact
        var tail = sErr - p2Err - p3 - p3Err - (n * TV.Create(PiOver2C4)) + xLo;
        // Two-sum: with xLo the tail may exceed s when x + xLo is very close to n·π/2.
        var hi = s + tail;
        var b2 = hi - s;
        lo = (s - (hi - b2)) + (tail - b2);
        return hi;
    }

    /// <summary>sin(hi + lo) for |hi| ≤ π/4 + ε, as a double-double (returns the high part).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV SinReduced<TV>(TV hi, TV lo, out TV resultLo) where TV : struct, IVec<TV>
    {
        var z = hi * hi;
        var p = SinSeriesTail(z);
        // sin(hi + lo) = sin(hi) + lo·cos(hi) ≈ hi + hi·z·p + lo·(1 − z/2).
        var t = TV.Fma(hi * z, p, TV.Fma(lo, TV.Create(-0.5) * z, lo));
        var result = hi + t;
        resultLo = t - (result - hi);
        return result;
    }

    /// <summary>
    /// p(z) = Σ_{k=1…8} (−1)^k z^(k−1)/(2k+1)! by Horner's rule, so that sin r = r + r·z·p(z) with z = r² (the Taylor
    /// series to r^17) in double lanes, for the double-double and the plain reductions alike.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV SinSeriesTail<TV>(TV z) where TV : struct, IVec<TV>
    {
        var p = TV.Create(1.0 / 355687428096000.0);                   // 1/17!
        p = TV.Fma(p, z, TV.Create(-1.0 / 1307674368000.0));         // −1/15!
        p = TV.Fma(p, z, TV.Create(1.0 / 6227020800.0));             // 1/13!
        p = TV.Fma(p, z, TV.Create(-1.0 / 39916800.0));              // −1/11!
        p = TV.Fma(p, z, TV.Create(1.0 / 362880.0));                 // 1/9!
        p = TV.Fma(p, z, TV.Create(-1.0 / 5040.0));                  // −1/7!
        p = TV.Fma(p, z, TV.Create(1.0 / 120.0));                    // 1/5!
        return TV.Fma(p, z, TV.Create(-1.0 / 6.0));                  // −1/3!
    }

    /// <summary>cos(hi + lo) for |hi| ≤ π/4 + ε, as a double-double (returns the high part).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV CosReduced<TV>(TV hi, TV lo, out TV resultLo) where TV : struct, IVec<TV>
    {
        var z = hi * hi;
        var zLo = TV.Fms(hi, hi, z);
        // Taylor coefficients (−1)^k/(2k)! for k = 2…9.
        var p = TV.Create(-1.0 / 6402373705728000.0);                 // −1/18!
        p = TV.Fma(p, z, TV.Create(1.0 / 20922789888000.0));          // 1/16!
        p = TV.Fma(p, z, TV.Create(-1.0 / 87178291200.0));            // −1/14!
        p = TV.Fma(p, z, TV.Create(1.0 / 479001600.0));               // 1/12!
        p = TV.Fma(p, z, TV.Create(-1.0 / 3628800.0));                // −1/10!
        p = TV.Fma(p, z, TV.Create(1.0 / 40320.0));                   // 1/8!
        p = TV.Fma(p, z, TV.Create(-1.0 / 720.0));                    // −1/6!
        p = TV.Fma(p, z, TV.Create(1.0 / 24.0));                      // 1/4!
        // cos(hi + lo) ≈ 1 − (z + zLo)/2 + z²·p − hi·lo, with 1 − z/2 split exactly (w is in [0.69, 1]).
        var hz = TV.Create(0.5) * z;
        var w = TV.One - hz;
        var t = ((TV.One - w) - hz) + TV.Fma(z * z, p, TV.Fnma(hi, lo, TV.Create(-0.5) * zLo));
        var result = w + t;
        resultLo = t - (result - w);
        return result;
    }

    /// <summary>sin(r + n·π/2) from sin r and cos r: n mod 4 picks ±sin or ±cos.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Quadrant<TV>(TV n, TV sinR, TV cosR) where TV : struct, IVec<TV>
    {
        var q = n - (TV.Create(4.0) * TV.Floor(n * TV.Create(0.25)));   // 0, 1, 2 or 3 (NaN for NaN n)
        var odd = TV.Or(TV.EqualTo(q, TV.One), TV.EqualTo(q, TV.Create(3.0)));
        var result = TV.Select(odd, cosR, sinR);
        var negate = TV.GreaterThanOrEqual(q, TV.Create(2.0));
        return TV.Xor(result, TV.And(negate, TV.SignMask));
    }

    /// <summary>
    /// The bits of 2/π = Σ b(i)·2^−i as 64-bit words, most significant first: word k holds b(64k + 1) … b(64k + 64).
    /// Generated with mpmath by tools/golden/two_over_pi.py (1280 bits; the reduction of the largest double reads
    /// up to bit 1226).
    /// </summary>
    private static ReadOnlySpan<ulong> TwoOverPiWords =>
    [
        0xA2F9836E4E441529, 0xFC2757D1F534DDC0, 0xDB6295993C439041, 0xFE5163ABDEBBC561,
        0xB7246E3A424DD2E0, 0x06492EEA09D1921C, 0xFE1DEB1CB129A73E, 0xE88235F52EBB4484,
        0xE99C7026B45F7E41, 0x3991D639835339F4, 0x9C845F8BBDF9283B, 0x1FF897FFDE05980F,
        0xEF2F118B5A0A6D1F, 0x6D367ECF27CB09B7, 0x4F463F669E5FEA2D, 0x7527BAC7EBE5F17B,
        0x3D0739F78A5292EA, 0x6BFB5FB11F8D5D08, 0x56033046FC7B6BAB, 0xF0CFBC209AF4361D,
    ];

    /// <summary>
    /// Payne–Hanek reduction: writes (x + xLo)·2/π (+ 1/2 when <paramref name="addHalf"/>, which reduces x + π/4;
    /// with <paramref name="doubled"/> the argument is 2·(x + xLo), for a product that overflows when formed whole)
    /// as 4j + <paramref name="quadrant"/> + f with |f| ≤ 1/2, and returns r = f·π/2 as hi + <paramref name="lo"/>
    /// (|r| ≤ π/4), for any finite x and xLo. The products with 2/π are formed in 256-bit fixed point (2 integer bits
    /// mod 4, 254 fraction bits) from the 256 bits of 2/π that matter for the exponent of each term, so the fraction is
    /// exact to below 2^−200; the closest a double comes to a multiple of π/4 is about 2^−62 relative (the tests cover
    /// the known worst cases), so r keeps about 130 correct bits before it is rounded to a double-double (relative
    /// error about 2^−104). Adding 1/2 in fixed point folds π/4 in exactly.
    /// </summary>
    internal static double ReduceHalfPiExact(double x, double xLo, bool addHalf, out double lo, out int quadrant, bool doubled = false)
    {
        TimesTwoOverPi(x, out var hi1, out var lo1);
        TimesTwoOverPi(xLo, out var hi2, out var lo2);
        Add256(ref hi1, ref lo1, hi2, lo2);
        if (doubled)
        {
            hi1 = (hi1 << 1) | (lo1 >> 127);
            lo1 <<= 1;
        }
        // Round to the nearest integer: add 1/2 (bit 253, i.e. bit 125 of the high half) and again 1/2 when
        // asked to reduce x + π/4; the top two bits are then the quadrant and the rest is f + 1/2.
        UInt128 half = UInt128.One << 125;
        Add256(ref hi1, ref lo1, addHalf ? half << 1 : half, 0);
        quadrant = (int)(hi1 >> 126);
        // f = (fraction − 1/2) as a signed 256-bit number (the top two bits are now clear).
        UInt128 fHi = (hi1 & ((UInt128.One << 126) - 1)) - half;
        UInt128 fLo = lo1;
        bool negative = (Int128)fHi < 0;
        if (negative)
        {
            fHi = ~fHi;
            fLo = ~fLo;
            Add256(ref fHi, ref fLo, 0, 1);
        }

        // Normalise the magnitude (|f|·2^254) so its leading bit is bit 127 of `top`; |f| = top·2^scale.
        UInt128 top;
        int scale;
        if (fHi != 0)
        {
            int lz = (int)UInt128.LeadingZeroCount(fHi);
            top = lz == 0 ? fHi : (fHi << lz) | (fLo >> (128 - lz));
            scale = -126 - lz;
        }
        else if (fLo != 0)
        {
            int lz = (int)UInt128.LeadingZeroCount(fLo);
            top = fLo << lz;
            scale = -254 - lz;
        }
        else
        {
            lo = 0;
            return 0;
        }

        // |f| as a double-double: the leading 53 bits exactly, the next 63 rounded to 53.
        ulong a = (ulong)(top >> 64);
        ulong b = (ulong)top;
        double fh = Math.ScaleB((double)(long)(a >> 11), scale + 75);
        double fl = Math.ScaleB((double)(long)(((a & 0x7FF) << 52) | (b >> 12)), scale + 12);
        // r = |f|·π/2 with π/2 = C1 + C2.
        double p = fh * PiOver2C1;
        double e = Math.FusedMultiplyAdd(fh, PiOver2C1, -p) + Math.FusedMultiplyAdd(fh, PiOver2C2, fl * PiOver2C1);
        double rHi = p + e;
        double rLo = e - (rHi - p);
        lo = negative ? -rLo : rLo;
        return negative ? -rHi : rHi;
    }

    /// <summary>sin(hi + lo + quadrant·π/2) for |hi| ≤ π/4 + ε, as a double-double (the scalar form of <see cref="Quadrant"/>).</summary>
    internal static double SinOfQuadrant(double hi, double lo, int quadrant, out double resultLo)
    {
        var h = new S<double>(hi);
        var l = new S<double>(lo);
        double s, sLo;
        if ((quadrant & 1) == 0)
        {
            s = SinReduced(h, l, out var sl).Value;
            sLo = sl.Value;
        }
        else
        {
            s = CosReduced(h, l, out var cl).Value;
            sLo = cl.Value;
        }

        bool negate = (quadrant & 2) != 0;
        resultLo = negate ? -sLo : sLo;
        return negate ? -s : s;
    }

    /// <summary>
    /// v·2/π mod 4 in 256-bit fixed point (hi holds the 2 integer bits and the first 126 fraction bits, lo the next
    /// 128), truncated after the 256 bits of 2/π that can matter: the error is below 2^−200.
    /// </summary>
    private static void TimesTwoOverPi(double v, out UInt128 hi, out UInt128 lo)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(v);
        int biased = (int)((bits >> 52) & 0x7FF);
        ulong m = bits & 0x000FFFFFFFFFFFFF;
        if (biased != 0) m |= 1UL << 52;
        else biased = 1;
        // |v| = m·2^e. The bits b(i) of 2/π with i ≤ e − 2 give multiples of 4, so the window starts at b(e − 1):
        // m·2^e·Σ_window = m·W·2^−254 where W is the 256-bit window read as an integer.
        int start = biased - 1075 - 1;
        ulong w0 = TwoOverPiWindow(start);
        ulong w1 = TwoOverPiWindow(start + 64);
        ulong w2 = TwoOverPiWindow(start + 128);
        ulong w3 = TwoOverPiWindow(start + 192);
        // m·W mod 2^256, word by word from the least significant (m < 2^53, so no sum overflows 128 bits).
        UInt128 t = (UInt128)m * w3;
        ulong y0 = (ulong)t;
        t = ((UInt128)m * w2) + (t >> 64);
        ulong y1 = (ulong)t;
        t = ((UInt128)m * w1) + (t >> 64);
        ulong y2 = (ulong)t;
        ulong y3 = (m * w0) + (ulong)(t >> 64);
        hi = new UInt128(y3, y2);
        lo = new UInt128(y1, y0);
        if ((long)bits < 0)
        {
            hi = ~hi;
            lo = ~lo;
            Add256(ref hi, ref lo, 0, 1);
        }
    }

    /// <summary>The 64 bits b(i) … b(i + 63) of 2/π (b(i) most significant); bits before b(1) are 0.</summary>
    private static ulong TwoOverPiWindow(int i)
    {
        int k = (i - 1) >> 6;          // floor((i − 1)/64)
        int shift = (i - 1) & 63;
        var words = TwoOverPiWords;
        ulong first = k >= 0 ? words[k] : 0;
        if (shift == 0) return first;
        ulong second = k + 1 >= 0 ? words[k + 1] : 0;
        return (first << shift) | (second >> (64 - shift));
    }

    /// <summary>(hi, lo) += (addHi, addLo) modulo 2^256.</summary>
    private static void Add256(ref UInt128 hi, ref UInt128 lo, UInt128 addHi, UInt128 addLo)
    {
        UInt128 sum = lo + addLo;
        hi += addHi + (sum < lo ? UInt128.One : UInt128.Zero);
        lo = sum;
    }

    /// <summary>
    /// Replaces the lanes of <paramref name="result"/> selected by <paramref name="mask"/> with
    /// <paramref name="function"/> applied to the matching lane of <paramref name="x"/>. The rare path: lanes
    /// are read through the register's memory layout (every <see cref="IVec{TV}"/> is a single field of
    /// <see cref="IVec{TV}.Count"/> contiguous lanes).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static TV PerLane<TV, TF>(TV x, TV mask, TV result, TF function)
        where TV : struct, IVec<TV>
        where TF : struct, IScalarFunction
    {
        if (TV.IsDouble)
        {
            ref double xs = ref Unsafe.As<TV, double>(ref x);
            ref ulong ms = ref Unsafe.As<TV, ulong>(ref mask);
            ref double rs = ref Unsafe.As<TV, double>(ref result);
            for (int i = 0; i < TV.Count; i++)
            {
                if (Unsafe.Add(ref ms, i) != 0) Unsafe.Add(ref rs, i) = function.Invoke(Unsafe.Add(ref xs, i));
            }
        }
        else
        {
            ref float xs = ref Unsafe.As<TV, float>(ref x);
            ref uint ms = ref Unsafe.As<TV, uint>(ref mask);
            ref float rs = ref Unsafe.As<TV, float>(ref result);
            for (int i = 0; i < TV.Count; i++)
            {
                if (Unsafe.Add(ref ms, i) != 0) Unsafe.Add(ref rs, i) = (float)function.Invoke(Unsafe.Add(ref xs, i));
            }
        }

        return result;
    }

    private readonly struct ScalarSin : IScalarFunction
    {
        public double Invoke(double x)
        {
            if (!double.IsFinite(x)) return double.NaN;
            double hi = ReduceHalfPiExact(x, 0, false, out double lo, out int quadrant);
            return SinOfQuadrant(hi, lo, quadrant, out _);
        }
    }

    private readonly struct ScalarCos : IScalarFunction
    {
        public double Invoke(double x)
        {
            if (!double.IsFinite(x)) return double.NaN;
            double hi = ReduceHalfPiExact(x, 0, false, out double lo, out int quadrant);
            return SinOfQuadrant(hi, lo, quadrant + 1, out _);
        }
    }
}
