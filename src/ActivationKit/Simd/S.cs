using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ActivationKit.Simd;

/// <summary>
/// One float or double lane: the scalar path. It runs the very algorithm the vector paths run, so it is the
/// readable specification of every kernel and the fallback when the machine has no SIMD.
/// </summary>
public readonly struct S<T> : IVec<S<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The wrapped value.</summary>
    public readonly T Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public S(T value) => Value = value;

    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 1; }
    public static bool IsDouble { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => typeof(T) == typeof(double); }
    public static S<T> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => default; }
    public static S<T> Indices { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => default; }
    public static S<T> One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(T.One); }
    public static S<T> SignMask { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(-T.Zero); }

    private static T AllBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => IsDouble ? Unsafe.BitCast<ulong, T>(ulong.MaxValue) : Unsafe.BitCast<uint, T>(uint.MaxValue);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static S<T> Mask(bool condition) => new(condition ? AllBits : T.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bits(T v) => IsDouble ? Unsafe.BitCast<T, ulong>(v) : Unsafe.BitCast<T, uint>(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FromRaw(ulong bits) => IsDouble ? Unsafe.BitCast<ulong, T>(bits) : Unsafe.BitCast<uint, T>((uint)bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> Create(double value) => new(T.CreateTruncating(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> FromBits(ulong bits) => new(FromRaw(bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> operator +(S<T> a, S<T> b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> operator -(S<T> a, S<T> b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> operator *(S<T> a, S<T> b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> operator /(S<T> a, S<T> b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> operator -(S<T> a) => new(-a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Fma(S<T> a, S<T> b, S<T> c) => new(T.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Fms(S<T> a, S<T> b, S<T> c) => new(T.FusedMultiplyAdd(a.Value, b.Value, -c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Fnma(S<T> a, S<T> b, S<T> c) => new(T.FusedMultiplyAdd(-a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Min(S<T> a, S<T> b) => new(a.Value < b.Value ? a.Value : b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Max(S<T> a, S<T> b) => new(a.Value > b.Value ? a.Value : b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Abs(S<T> x) => new(FromRaw(Bits(x.Value) & ~Bits(-T.Zero)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Sqrt(S<T> x) => new(T.Sqrt(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> RoundToEven(S<T> x) => new(T.Round(x.Value, MidpointRounding.ToEven));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Floor(S<T> x) => new(T.Floor(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> LessThan(S<T> a, S<T> b) => Mask(a.Value < b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> LessThanOrEqual(S<T> a, S<T> b) => Mask(a.Value <= b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> GreaterThan(S<T> a, S<T> b) => Mask(a.Value > b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> GreaterThanOrEqual(S<T> a, S<T> b) => Mask(a.Value >= b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> EqualTo(S<T> a, S<T> b) => Mask(a.Value == b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> IsNaN(S<T> x) => Mask(T.IsNaN(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Select(S<T> mask, S<T> ifTrue, S<T> ifFalse) => new(FromRaw((Bits(mask.Value) & Bits(ifTrue.Value)) | (~Bits(mask.Value) & Bits(ifFalse.Value))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> And(S<T> a, S<T> b) => new(FromRaw(Bits(a.Value) & Bits(b.Value)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Or(S<T> a, S<T> b) => new(FromRaw(Bits(a.Value) | Bits(b.Value)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> Xor(S<T> a, S<T> b) => new(FromRaw(Bits(a.Value) ^ Bits(b.Value)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S<T> AndNot(S<T> a, S<T> b) => new(FromRaw(Bits(a.Value) & ~Bits(b.Value)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyTrue(S<T> mask) => Bits(mask.Value) != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllTrue(S<T> mask) => Bits(mask.Value) != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int CountWhereEqual(S<T> a, S<T> b) => a.Value == b.Value ? 1 : 0;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int FirstWhereEqual(S<T> a, S<T> b) => a.Value == b.Value ? 0 : 1;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> Pow2(S<T> n)
    {
        int e = int.CreateTruncating(n.Value);
        return new(IsDouble ? FromRaw((ulong)(long)(e + 1023) << 52) : FromRaw((ulong)(uint)((e + 127) << 23)));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> Exp2Sixteenths(S<T> shifted)
    {
        if (IsDouble) throw new NotSupportedException("Exp2Sixteenths takes float lanes.");
        uint bits = (uint)Bits(shifted.Value);
        return new(FromRaw(Exp2Table.Bits[(int)(bits & 15)] + ((bits >> 4) << 23)));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> Lookup16(S<T> index, Vector512<float> table)
    {
        if (IsDouble) throw new NotSupportedException("Lookup16 takes float lanes.");
        return new(Unsafe.BitCast<float, T>(table.GetElement((int)(Bits(index.Value) & 15))));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> Lookup8(S<T> index, DoubleTable8 table)
    {
        if (!IsDouble) throw new NotSupportedException("Lookup8 takes double lanes.");
        return new(Unsafe.BitCast<double, T>(table.Entries.GetElement((int)(Bits(index.Value) & 7))));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> MaxBits(S<T> a, S<T> b) => Bits(a.Value) >= Bits(b.Value) ? a : b;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyBitsGreater(S<T> a, S<T> b) => Bits(a.Value) > Bits(b.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> SignFill(S<T> x) => new(FromRaw((Bits(x.Value) & Bits(-T.Zero)) != 0 ? (IsDouble ? ulong.MaxValue : uint.MaxValue) : 0UL));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> MulPow2(S<T> x, S<T> n)
    {
        // Same bit construction as the vector paths (Pow2), so every path returns the same bits.
        return new(x.Value * Pow2(n).Value);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> InDouble<TMap>(TMap map, S<T> a, S<T> b) where TMap : struct, ILaneMap
    {
        if (IsDouble) return map.Apply(a, b);
        var r = map.Apply(new S<double>(double.CreateTruncating(a.Value)), new S<double>(double.CreateTruncating(b.Value)));
        return new(T.CreateTruncating((float)r.Value));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static S<T> Frexp(S<T> x, out S<T> exponent)
    {
        ulong bits = Bits(x.Value);
        if (IsDouble)
        {
            exponent = new(T.CreateTruncating((int)((bits >> 52) & 0xFFF) - 1023));
            return new(FromRaw((bits & 0x000FFFFFFFFFFFFFUL) | 0x3FF0000000000000UL));
        }

        exponent = new(T.CreateTruncating((int)((bits >> 23) & 0x1FF) - 127));
        return new(FromRaw((bits & 0x007FFFFFUL) | 0x3F800000UL));
    }
}
