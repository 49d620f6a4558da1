namespace ActivationKit.Accuracy;

/// <summary>Distances in units in the last place, the yardstick of every accuracy claim in this library.</summary>
public static class Ulp
{
    /// <summary>
    /// Error of a float result against a higher-precision reference, in float ULPs of the reference
    /// (2^−149 in the subnormal range). NaN against NaN and equal infinities count 0; a NaN or infinity
    /// where the reference is finite (or the other way round) counts +∞. A reference beyond the float range
    /// is compared after rounding it to float.
    /// </summary>
    public static double Float(float actual, double reference)
    {
        if (double.IsNaN(reference) || float.IsNaN(actual)) return double.IsNaN(reference) && float.IsNaN(actual) ? 0 : double.PositiveInfinity;
        float rounded = (float)reference;
        if (float.IsInfinity(rounded) || float.IsInfinity(actual))
        {
            return rounded == actual ? 0 : double.PositiveInfinity;
        }

        return Math.Abs(actual - reference) / FloatUlpAt(reference);
    }

    /// <summary>
    /// Error of a double result against a reference given as an unevaluated sum hi + lo (a double-double from
    /// the mpmath golden table), in double ULPs of hi.
    /// </summary>
    public static double Double(double actual, double referenceHi, double referenceLo = 0)
    {
        if (double.IsNaN(referenceHi) || double.IsNaN(actual)) return double.IsNaN(referenceHi) && double.IsNaN(actual) ? 0 : double.PositiveInfinity;
        if (double.IsInfinity(referenceHi) || double.IsInfinity(actual)) return referenceHi == actual ? 0 : double.PositiveInfinity;
        return Math.Abs((actual - referenceHi) - referenceLo) / DoubleUlpAt(referenceHi);
    }

    /// <summary>The spacing of floats at magnitude |v| (the ULP of the binade of v; 2^−149 for subnormals and 0).</summary>
    public static double FloatUlpAt(double v)
    {
        // Read the binade straight from the exponent bits: this runs 2^33 times in an exhaustive check.
        int e = (int)((BitConverter.DoubleToUInt64Bits(v) >> 52) & 0x7FF) - 1023;
        if (e < -126) return 1.4012984643248171e-45; // 2^−149
        return BitConverter.UInt64BitsToDouble((ulong)(e - 23 + 1023) << 52);
    }

    /// <summary>The spacing of doubles at magnitude |v| (2^−1074 for subnormals and 0).</summary>
    public static double DoubleUlpAt(double v)
    {
        double a = Math.Abs(v);
        if (a < 2.2250738585072014e-308) return double.Epsilon;
        int e = Math.ILogB(a);
        return Math.ScaleB(1.0, e - 52);
    }

    /// <summary>
    /// Error of a Half result against a higher-precision reference, in Half ULPs of the reference (2^−24 in the
    /// subnormal range), with the same rules for NaN, infinities and references beyond the range as <see cref="Float"/>.
    /// </summary>
    public static double Half(System.Half actual, double reference) =>
        Narrow((double)actual, System.Half.IsNaN(actual), reference, (double)(System.Half)reference, HalfUlpAt(reference));

    /// <summary>
    /// Error of a <see cref="Numerics.BFloat16"/> result against a higher-precision reference, in bfloat16 ULPs of the
    /// reference (2^−133 in the subnormal range), with the rules of <see cref="Float"/>.
    /// </summary>
    public static double BFloat16(Numerics.BFloat16 actual, double reference) =>
        Narrow(actual, Numerics.BFloat16.IsNaN(actual), reference, (Numerics.BFloat16)reference, BFloat16UlpAt(reference));

    /// <summary>The spacing of Half values at magnitude |v| (2^−24 below the smallest normal, 2^−14).</summary>
    public static double HalfUlpAt(double v) => SpacingAt(v, significandBits: 10, minExponent: -14);

    /// <summary>The spacing of bfloat16 values at magnitude |v| (2^−133 below the smallest normal, 2^−126).</summary>
    public static double BFloat16UlpAt(double v) => SpacingAt(v, significandBits: 7, minExponent: -126);

    private static double Narrow(double actual, bool actualIsNaN, double reference, double rounded, double ulp)
    {
        if (double.IsNaN(reference) || actualIsNaN) return double.IsNaN(reference) && actualIsNaN ? 0 : double.PositiveInfinity;
        if (double.IsInfinity(rounded) || double.IsInfinity(actual)) return rounded == actual ? 0 : double.PositiveInfinity;
        return Math.Abs(actual - reference) / ulp;
    }

    private static double SpacingAt(double v, int significandBits, int minExponent)
    {
        double a = Math.Abs(v);
        int e = a == 0 || double.IsNaN(a) || double.IsInfinity(a) ? minExponent : Math.Max(minExponent, Math.ILogB(a));
        return Math.ScaleB(1.0, e - significandBits);
    }
}
