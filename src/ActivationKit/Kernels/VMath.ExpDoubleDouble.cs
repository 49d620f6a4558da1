using System.Runtime.CompilerServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// e^x as a double-double, for the double gradients of the softmax family, where dy − ⟨dy, p⟩ and dy − p·Σdy cancel
/// and an exponential rounded to double (half an ULP) becomes many ULP of the gradient.
/// </summary>
public static partial class VMath
{
    // ln 2 in three parts: ln 2 rounded to 32 bits, the rest rounded to 32 bits, the rest of that rounded to a double
    // (ln 2 minus the three is 1.4e−37). n·Ln2A and n·Ln2B are exact for |n| < 2^21, so x − n·Ln2A is exact (Sterbenz)
    // and x − n·Ln2A − n·Ln2B is carried exactly by a two-sum.
    private const double Ln2A = 0.6931471806019545;         // 0x1.62e42ff000000p-1
    private const double Ln2B = -4.200915072890502e-11;     // -0x1.718432a200000p-35
    private const double Ln2C = 2.0941744292700725e-21;     // 0x1.3c7673007e5edp-69

    /// <summary>
    /// e^(x + lo) as a double-double hi + <paramref name="low"/> (not renormalised: |low| is at most a few ULP of hi),
    /// within about 2^−104 of it relative, for x in [−800, 710] or NaN and a correction lo with |lo| ≤ 2^−53·max(|x|, 1)
    /// (the exact error term of a shift x = v − m), in double lanes.
    /// </summary>
    /// <remarks>
    /// <para>
    /// x + lo = n·ln 2 + rh + rl with ln 2 in three parts (rh = x − n·ln2_a − n·ln2_b rounded, |rh| ≤ 0.347; rl its
    /// rounding error by a two-sum, minus n·ln2_c, plus lo). e^rh is its Taylor series to degree 22 (the first term left
    /// out is below 2^−108 of e^rh; coefficients 1/k!) by Horner's rule from the top: the terms from r^13 on, each below
    /// 2^−52 of the result, in plain double (Estrin's form); then r^12 down to the constant by compensated steps (after
    /// Graillat, Langlois and Louvet, 2005): s = fma(h, r, c) rounded, its exact error h·r + c − s = fma(h, r, c − s)
    /// to 2^−53 of itself (c − s is exact: |h·r| ≤ c/2 at every step), carried with the coefficient's low part in a
    /// running low part that is multiplied by r like the high one. Three multiply-adds and an addition or two a step,
    /// each step one multiply-add deep on the high part. Then e^(rh + rl) = e^rh·(1 + rl + rl²/2) and both parts are
    /// scaled by 2^n (a result in the subnormals keeps the subnormal's absolute accuracy).
    /// </para>
    /// <para>
    /// Where lo is as large as 2^−53·|x| (|x| up to 745), rl² and the rounding of e^rh·rl leave about |x|²·2^−106 of
    /// e^x: for the softmax rows, whose e^x weighs e^x·|x|²·2^−106 ≤ 2^−107 in a sum where the maximum weighs 1, that is
    /// below the sums' own rounding. e^x is +∞ above 709.78 (low then meaningless), 0 below −745.13 (low 0); NaN stays NaN.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpDoubleDouble<TV>(TV x, TV lo, out TV low) where TV : struct, IVec<TV>
    {
        var n = TV.RoundToEven(x * TV.Create(Log2E));
        var r1 = TV.Fma(n, TV.Create(-Ln2A), x);                  // exact
        var t = n * TV.Create(Ln2B);                              // exact
        var rh = r1 - t;
        var bPart = rh - r1;
        var e0 = (r1 - (rh - bPart)) - (t + bPart);               // r1 − t = rh + e0 exactly (two-sum)
        var rl = TV.Fma(n, TV.Create(-Ln2C), e0) + lo;

        // The tail Σ_{k=13..22} r^(k−13)/k!, in Estrin's form.
        var r2 = rh * rh;
        var r4 = r2 * r2;
        var a0 = TV.Fma(TV.Create(1.1470745597729725e-11), rh, TV.Create(1.6059043836821613e-10));
        var a1 = TV.Fma(TV.Create(4.779477332387385e-14), rh, TV.Create(7.647163731819816e-13));
        var a2 = TV.Fma(TV.Create(1.5619206968586225e-16), rh, TV.Create(2.8114572543455206e-15));
        var a3 = TV.Fma(TV.Create(4.110317623312165e-19), rh, TV.Create(8.22063524662433e-18));
        var a4 = TV.Fma(TV.Create(8.896791392450574e-22), rh, TV.Create(1.9572941063391263e-20));
        var b0 = TV.Fma(a1, r2, a0);
        var b1 = TV.Fma(a3, r2, a2);
        var high = TV.Fma(TV.Fma(a4, r4, b1), r4, b0);

        // The compensated steps from 1/12! down to 1/0! (coefficients as double-doubles, from mpmath).
        var lowPart = TV.Zero;
        CompensatedStep(ref high, ref lowPart, rh, 2.08767569878681e-09, -1.20734505911326e-25);
        CompensatedStep(ref high, ref lowPart, rh, 2.505210838544172e-08, -1.448814070935912e-24);
        CompensatedStep(ref high, ref lowPart, rh, 2.755731922398589e-07, 2.3767714622250297e-23);
        CompensatedStep(ref high, ref lowPart, rh, 2.7557319223985893e-06, -1.858393274046472e-22);
        CompensatedStep(ref high, ref lowPart, rh, 2.48015873015873e-05, 2.1511947866775882e-23);
        CompensatedStep(ref high, ref lowPart, rh, 0.0001984126984126984, 1.7209558293420705e-22);
        CompensatedStep(ref high, ref lowPart, rh, 0.001388888888888889, -5.300543954373577e-20);
        CompensatedStep(ref high, ref lowPart, rh, 0.008333333333333333, 1.1564823173178714e-19);
        CompensatedStep(ref high, ref lowPart, rh, 0.041666666666666664, 2.3129646346357427e-18);
        CompensatedStep(ref high, ref lowPart, rh, 0.16666666666666666, 9.25185853854297e-18);
        CompensatedStep(ref high, ref lowPart, rh, 0.5, 0.0);
        CompensatedStep(ref high, ref lowPart, rh, 1.0, 0.0);
        CompensatedStep(ref high, ref lowPart, rh, 1.0, 0.0);

        // × (1 + rl + rl²/2), then both parts scaled.
        lowPart = TV.Fma(high, TV.Fma(rl * TV.Create(0.5), rl, rl), lowPart);
        low = TV.ScaleB(lowPart, n);
        return TV.ScaleB(high, n);
    }

    /// <summary>
    /// (high, low) ← c + (high, low)·r for a coefficient c = cHi + cLo with |high·r| ≤ cHi/2: s = fma(high, r, cHi)
    /// and its rounding error fma(high, r, cHi − s) (cHi − s exact by Sterbenz), which goes into the low part with cLo
    /// and low·r.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CompensatedStep<TV>(ref TV high, ref TV low, TV r, double cHi, double cLo) where TV : struct, IVec<TV>
    {
        var c = TV.Create(cHi);
        var s = TV.Fma(high, r, c);
        var error = TV.Fma(high, r, c - s);
        // cLo is a constant where this is inlined, so the test folds (the low part's sign of zero reaches no result).
        low = TV.Fma(low, r, cLo == 0 ? error : error + TV.Create(cLo));
        high = s;
    }
}
