using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ActivationKit.Kernels;

namespace ActivationKit.Simd;

/// <summary>
/// Fused multiply-add of float lanes, a·b + c rounded once, for x86 processors without the instruction (before AVX2
/// and FMA3, or with <c>DOTNET_EnableAVX2=0</c>), where the runtime's own fallback calls the C library's software
/// routine lane by lane. This is a branch-free sequence of about fifty SSE instructions for four lanes, with the same
/// correctly rounded results, so the kernels keep their bits on that path; it made the float kernels there 1.3–1.9×
/// faster (docs/performance.md, "Other instruction-set paths").
/// </summary>
/// <remarks>
/// a·b is exact in double (24 + 24 significant bits, and no float product overflows or underflows a double), so the
/// lanes are widened and a·b + c is summed in double, rounded to odd, and narrowed. A sum rounded to odd at a precision
/// at least two bits wider than the target and then rounded to nearest at the target is the exact sum rounded to
/// nearest once (Boldo &amp; Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using rounding
/// to odd", IEEE Transactions on Computers 57(4), 2008); double has 29 bits more than float, and more than that for a
/// subnormal float result. Rounding to odd is formed from the rounded-to-nearest sum s and its exact error t (Knuth's
/// two-sum): where t is not zero, s moves one unit toward zero if it lies beyond the exact sum, and its last bit is set.
/// ±∞ and NaN pass through the double arithmetic as through the instruction (t is NaN there and s is kept).
/// Double lanes are left to the runtime: an exact double emulation (Dekker's product, then the same rounding to odd)
/// took about eighty instructions for two lanes and a guard for the range where Dekker's product is exact, and
/// measured slower than the runtime's routine.
/// </remarks>
internal static class SoftFma
{
    /// <summary>a·b + c rounded once, four float lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        var lower = SumToOdd(Vector128.WidenLower(a) * Vector128.WidenLower(b), Vector128.WidenLower(c));
        var upper = SumToOdd(Vector128.WidenUpper(a) * Vector128.WidenUpper(b), Vector128.WidenUpper(c));
        return Vector128.Narrow(lower, upper);
    }

    /// <summary>x + y rounded to odd: the rounded sum, moved toward zero first if it overshot, with its last bit set where it is inexact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> SumToOdd(Vector128<double> x, Vector128<double> y)
    {
        // Knuth's two-sum: s = RN(x + y) and its exact error t, whatever the operands' sizes.
        var s = ErrorFree.TwoSum(x, y, out var t);
        // t is NaN where s is ±∞ or NaN (s is then kept), and 0 where s is exact.
        var inexact = ~Vector128.Equals(t, Vector128<double>.Zero) & Vector128.Equals(t, t);
        // The exact sum s + t lies nearer zero than s where t and s differ in sign (s is not 0 where t is not).
        var overshot = inexact & (Vector128.LessThan(t, Vector128<double>.Zero) ^ Vector128.LessThan(s, Vector128<double>.Zero));
        // An all-ones mask is −1 as an integer: the magnitude's bits step down by one, then the last bit is set.
        var bits = (s.AsInt64() + overshot.AsInt64()) | (inexact.AsInt64() & Vector128<long>.One);
        return bits.AsDouble();
    }
}
