using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActivationKit.Numerics;

/// <summary>
/// The bfloat16 storage format: the top 16 bits of an IEEE float32 (8 exponent bits, 7 significand bits).
/// Arithmetic is done in float; conversion from float rounds to nearest, ties to even, keeps the sign of zero,
/// and keeps NaN a (quiet) NaN.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>
{
    /// <summary>The raw 16 bits.</summary>
    public ushort RawValue { get; }

    private BFloat16(ushort bits) => RawValue = bits;

    /// <summary>Builds a value from its raw 16 bits.</summary>
    public static BFloat16 FromRawValue(ushort bits) => new(bits);

    public static BFloat16 Zero => default;
    public static BFloat16 NaN => new(0x7FC0);
    public static BFloat16 PositiveInfinity => new(0x7F80);
    public static BFloat16 NegativeInfinity => new(0xFF80);

    /// <summary>Largest finite value, about 3.39e38.</summary>
    public static BFloat16 MaxValue => new(0x7F7F);

    /// <summary>Smallest positive subnormal value, about 9.2e-41.</summary>
    public static BFloat16 Epsilon => new(0x0001);

    /// <summary>Rounds a float to the nearest bfloat16 (ties to even).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000)
        {
            return new((ushort)((bits >> 16) | 0x0040)); // quiet NaN, sign and payload top kept
        }

        // Adding 0x7FFF plus the lowest kept bit rounds to nearest with ties to even; overflow carries into the
        // exponent and correctly produces infinity.
        uint rounded = bits + 0x7FFFu + ((bits >> 16) & 1u);
        return new((ushort)(rounded >> 16));
    }

    /// <summary>
    /// Rounds a double to the nearest bfloat16 (ties to even), correctly: the double is first rounded to float by
    /// round-to-odd (truncated toward zero, the last bit set when anything was cut off), which keeps 16 more bits than
    /// bfloat16 and so cannot create a false tie; rounding that float to nearest then rounds the double once. A plain
    /// (float) cast first rounded twice: 1 + 2⁻⁸ + 2⁻³⁰ became the tie 1 + 2⁻⁸ and then 1 instead of 1 + 2⁻⁷.
    /// </summary>
    public static explicit operator BFloat16(double value)
    {
        float f = (float)value;
        if (double.IsNaN(value)) return (BFloat16)f;
        uint bits = BitConverter.SingleToUInt32Bits(f);
        if (Math.Abs((double)f) > Math.Abs(value)) bits--; // one step toward zero (sign and magnitude); ∞ becomes MaxValue
        if (BitConverter.UInt32BitsToSingle(bits) != value) bits |= 1;
        return (BFloat16)BitConverter.UInt32BitsToSingle(bits);
    }

    /// <summary>Widens exactly to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static implicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value.RawValue << 16);

    /// <summary>Widens exactly to double.</summary>
    public static implicit operator double(BFloat16 value) => (float)value;

    public static bool IsNaN(BFloat16 value) => (value.RawValue & 0x7FFF) > 0x7F80;

    public bool Equals(BFloat16 other) => (float)this == (float)other || (IsNaN(this) && IsNaN(other));
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);
    public override int GetHashCode() => ((float)this).GetHashCode();
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo(other);
    public override string ToString() => ((float)this).ToString(CultureInfo.InvariantCulture);
    public static bool operator ==(BFloat16 left, BFloat16 right) => (float)left == (float)right;
    public static bool operator !=(BFloat16 left, BFloat16 right) => (float)left != (float)right;
    public static bool operator <(BFloat16 left, BFloat16 right) => (float)left < (float)right;
    public static bool operator >(BFloat16 left, BFloat16 right) => (float)left > (float)right;
    public static bool operator <=(BFloat16 left, BFloat16 right) => (float)left <= (float)right;
    public static bool operator >=(BFloat16 left, BFloat16 right) => (float)left >= (float)right;
}
