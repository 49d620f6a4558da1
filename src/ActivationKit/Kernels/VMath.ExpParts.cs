using System.Runtime.CompilerServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// e^x kept as an unscaled mantissa and a power of two, for the exp-family kernels whose results are products
/// like x·e^x: multiplying before scaling rounds once, so a result stays accurate where e^x alone would already
/// be a subnormal with few significant bits (x·e^x near x = −740 in double).
/// </summary>
public static partial class VMath
{
    /// <summary>
    /// Splits e^x = (p + lo)·2^n with p in about [0.7, 1.42], |lo| ≤ ulp(p) and integral n (double lanes).
    /// p + lo is e^r for the reduced argument r to about 2^−57 relative, several bits beyond p alone: the reduced
    /// argument keeps the part its rounding dropped, and 1 + r + r²·P(r) is summed exactly (two fast two-sums) so
    /// only the small term r²·P(r) is rounded. x is clamped to [−900, 710] first, so 2^n never needs more than two
    /// normal scaling steps; NaN passes through. Below −900 the value p·2^n ≈ e^−900 is far under the smallest
    /// subnormal even after multiplying by any factor up to 2^300, so callers may treat it as zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpParts<TV>(TV x, out TV n, out TV lo) where TV : struct, IVec<TV>
        => ExpPartsInRange(TV.Min(TV.Create(710.0), TV.Max(TV.Create(-900.0), x)), out n, out lo);

    /// <summary>
    /// <see cref="ExpParts"/> for an x its caller has already clamped to [−900, 710] (or NaN): two dependent
    /// operations fewer on the path to every result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpPartsInRange<TV>(TV xc, out TV n, out TV lo) where TV : struct, IVec<TV>
    {
        n = TV.RoundToEven(xc * TV.Create(Log2E));
        var r1 = TV.Fma(n, TV.Create(-Ln2Hi), xc);            // exact (Cody–Waite)
        var r = TV.Fma(n, TV.Create(-Ln2Lo), r1);
        var rLo = TV.Fma(n, TV.Create(-Ln2Lo), r1 - r);       // what the rounding of r dropped
        // P(r) = (e^r − 1 − r)/r² = Σ r^k/(k + 2)!, k = 0…12: the Taylor series of e^r (|r| ≤ 0.35). The terms from
        // r² on are summed in Estrin's form (pairs in r joined by r², then Horner in r⁴) and the first two by Horner,
        // so the last roundings are those of 1/2! + r·(…), as in a plain Horner chain: eight operations deep with q
        // instead of fourteen, one multiply more. (Estrin's form down to the constant term was two operations
        // shallower but rounded P about twice as coarsely, which silu′ shows next to its zero at x = −1.2785: 3.2
        // instead of 2.5 ULP.)
        var r2 = r * r;
        var r4 = r2 * r2;
        var a1 = TV.Fma(r, TV.Create(1.0 / 120.0), TV.Create(1.0 / 24.0));                // 1/4! + r/5!
        var a2 = TV.Fma(r, TV.Create(1.0 / 5040.0), TV.Create(1.0 / 720.0));              // 1/6! + r/7!
        var a3 = TV.Fma(r, TV.Create(1.0 / 362880.0), TV.Create(1.0 / 40320.0));          // 1/8! + r/9!
        var a4 = TV.Fma(r, TV.Create(1.0 / 39916800.0), TV.Create(1.0 / 3628800.0));      // 1/10! + r/11!
        var a5 = TV.Fma(r, TV.Create(1.0 / 6227020800.0), TV.Create(1.0 / 479001600.0));  // 1/12! + r/13!
        var b1 = TV.Fma(r2, a2, a1);
        var b2 = TV.Fma(r2, a4, a3);
        var b3 = TV.Fma(r2, TV.Create(1.0 / 87178291200.0), a5);                          // + r²/14!
        var tail = TV.Fma(r4, TV.Fma(r4, b3, b2), b1);                                    // Σ_{k≥2} r^(k−2)/(k + 2)!
        var poly = TV.Fma(r, TV.Fma(r, tail, TV.Create(1.0 / 6.0)), TV.Create(0.5));
        var q = r2 * poly;
        // 1 + r and then + q with fast two-sums (the larger operand first): s + e1 and p + e2 are exact.
        var s = TV.One + r;
        var e1 = (TV.One - s) + r;
        var p = s + q;
        var e2 = (s - p) + q;
        // e^(r + rLo) = e^r·(1 + rLo) to first order.
        lo = TV.Fma(p, rLo, e1 + e2);
        return p;
    }

    /// <summary>
    /// Clamps x to [−900, 900] (beyond, e^−|x| is settled for every caller; NaN stays) and splits e^−|x| =
    /// (p + lo)·2^n by <see cref="ExpParts"/>, also returning it rounded as e. Returns the clamped x. The double-lane
    /// mish and silu′ (β = 1), whose results near a zero or in the tail need e to more than double precision.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpPartsOfMinusAbs<TV>(TV x, out TV p, out TV lo, out TV n, out TV e) where TV : struct, IVec<TV>
    {
        var xc = TV.Min(TV.Create(900.0), TV.Max(TV.Create(-900.0), x));
        p = ExpPartsInRange(-TV.Abs(xc), out n, out lo);
        e = ScaleExpParts(p + lo, n);
        return xc;
    }

    /// <summary>
    /// v·2^n for the n of <see cref="ExpParts"/> or <see cref="ExpSplit{TV}(TV, out TV)"/> (any integral n in
    /// [−2044, 2046]), rounded once (into the subnormals, or to zero when it underflows): <see cref="IVec{TV}.ScaleB"/>,
    /// VSCALEF on the AVX-512 widths and two exact power-of-two steps on the others. Assumes v·2^⌊n/2⌋ does not itself
    /// underflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ScaleExpParts<TV>(TV v, TV n) where TV : struct, IVec<TV>
        => TV.ScaleB(v, n);

    /// <summary>
    /// a·(p + lo)·2^n for the parts of <see cref="ExpParts"/> with n ≤ 0: the mantissa is scaled halfway first, so
    /// a large |a| (up to the double maximum) cannot overflow before the last step, and the product is rounded
    /// once in the normal range (the final power of two only rounds a result that is subnormal).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV MulExpParts<TV>(TV a, TV p, TV lo, TV n) where TV : struct, IVec<TV>
    {
        var n1 = TV.Floor(n * TV.Create(0.5));
        var product = TV.Fma(a, TV.MulPow2(p, n1), a * TV.MulPow2(lo, n1));
        return TV.MulPow2(product, n - n1);
    }
}
