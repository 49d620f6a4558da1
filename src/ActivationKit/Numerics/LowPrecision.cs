using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Globalization;

namespace ActivationKit.Numerics;

/// <summary>
/// Conversions between the 16-bit storage types and float, vectorized at the widest accelerated register (512, 256 or
/// 128 bits; scalar below) with the bits of the scalar casts: float widens exactly, and narrows to nearest with ties to
/// even, keeping the sign of zero, overflowing to ∞ and keeping a NaN a quiet NaN with its sign and top payload bits
/// (for Half the rule of .NET's <c>(Half)float</c> and <c>(float)Half</c>). Checked against those casts over all 2³²
/// floats and all 2¹⁶ 16-bit values on every register width.
/// </summary>
public static class LowPrecision
{
    /// <summary>Widens Half values to float.</summary>
    public static void ToSingle(ReadOnlySpan<Half> source, Span<float> destination)
    {
        CheckLengths(source.Length, destination.Length);
        int i = Widen<HalfFormat, Half>(source, destination);
        for (; i < source.Length; i++) destination[i] = (float)source[i];
    }

    /// <summary>Rounds float values to Half (nearest, ties to even).</summary>
    public static void FromSingle(ReadOnlySpan<float> source, Span<Half> destination)
    {
        CheckLengths(source.Length, destination.Length);
        int i = Narrow<HalfFormat, Half>(source, destination);
        for (; i < source.Length; i++) destination[i] = (Half)source[i];
    }

    /// <summary>Widens BFloat16 values to float.</summary>
    public static void ToSingle(ReadOnlySpan<BFloat16> source, Span<float> destination)
    {
        CheckLengths(source.Length, destination.Length);
        int i = Widen<BFloat16Format, BFloat16>(source, destination);
        for (; i < source.Length; i++) destination[i] = source[i];
    }

    /// <summary>Rounds float values to BFloat16 (nearest, ties to even).</summary>
    public static void FromSingle(ReadOnlySpan<float> source, Span<BFloat16> destination)
    {
        CheckLengths(source.Length, destination.Length);
        int i = Narrow<BFloat16Format, BFloat16>(source, destination);
        for (; i < source.Length; i++) destination[i] = (BFloat16)source[i];
    }

    /// <summary>Widens <see cref="Half"/> or <see cref="BFloat16"/> values (<typeparamref name="T"/>) to float.</summary>
    public static void ToSingle<T>(ReadOnlySpan<T> source, Span<float> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(Half)) ToSingle(MemoryMarshal.Cast<T, Half>(source), destination);
        else if (typeof(T) == typeof(BFloat16)) ToSingle(MemoryMarshal.Cast<T, BFloat16>(source), destination);
        else throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name} is not a 16-bit storage type (Half or BFloat16)."));
    }

    /// <summary>Rounds float values to <see cref="Half"/> or <see cref="BFloat16"/> (<typeparamref name="T"/>), nearest, ties to even.</summary>
    public static void FromSingle<T>(ReadOnlySpan<float> source, Span<T> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(Half)) FromSingle(source, MemoryMarshal.Cast<T, Half>(destination));
        else if (typeof(T) == typeof(BFloat16)) FromSingle(source, MemoryMarshal.Cast<T, BFloat16>(destination));
        else throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name} is not a 16-bit storage type (Half or BFloat16)."));
    }

    private static void CheckLengths(int source, int destination)
    {
        if (destination < source) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The destination holds {destination} values but the source has {source}."), nameof(destination));
    }

    /// <summary>
    /// Widens whole registers of 16-bit values at the widest accelerated width; returns how many were done (the caller
    /// finishes the rest, and all of them without acceleration).
    /// </summary>
    private static int Widen<TF, T>(ReadOnlySpan<T> source, Span<float> destination)
        where TF : struct, IFormat
        where T : unmanaged
        => Vector512.IsHardwareAccelerated ? Widen<Words512, TF, T>(source, destination)
            : Vector256.IsHardwareAccelerated ? Widen<Words256, TF, T>(source, destination)
            : Vector128.IsHardwareAccelerated ? Widen<Words128, TF, T>(source, destination) : 0;

    /// <summary>Narrows whole registers of floats as <see cref="Widen{TF, T}"/> widens.</summary>
    private static int Narrow<TF, T>(ReadOnlySpan<float> source, Span<T> destination)
        where TF : struct, IFormat
        where T : unmanaged
        => Vector512.IsHardwareAccelerated ? Narrow<Words512, TF, T>(source, destination)
            : Vector256.IsHardwareAccelerated ? Narrow<Words256, TF, T>(source, destination)
            : Vector128.IsHardwareAccelerated ? Narrow<Words128, TF, T>(source, destination) : 0;

    /// <summary>Widens whole registers of 16-bit values; returns how many were done (the caller finishes the rest).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Widen<TW, TF, T>(ReadOnlySpan<T> source, Span<float> destination)
        where TW : struct, IWords<TW>
        where TF : struct, IFormat
        where T : unmanaged
    {
        ref ushort from = ref Unsafe.As<T, ushort>(ref MemoryMarshal.GetReference(source));
        ref uint to = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(destination));
        int i = 0;
        for (; i <= source.Length - (2 * TW.Count); i += 2 * TW.Count)
        {
            TW.Widen(ref Unsafe.Add(ref from, i), out var low, out var high);
            TF.ToSingleBits(low).Store(ref Unsafe.Add(ref to, i));
            TF.ToSingleBits(high).Store(ref Unsafe.Add(ref to, i + TW.Count));
        }

        return i;
    }

    /// <summary>Narrows whole registers of floats; returns how many were done (the caller finishes the rest).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Narrow<TW, TF, T>(ReadOnlySpan<float> source, Span<T> destination)
        where TW : struct, IWords<TW>
        where TF : struct, IFormat
        where T : unmanaged
    {
        ref uint from = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(source));
        ref ushort to = ref Unsafe.As<T, ushort>(ref MemoryMarshal.GetReference(destination));
        int i = 0;
        for (; i <= source.Length - (2 * TW.Count); i += 2 * TW.Count)
        {
            var low = TF.FromSingleBits(TW.Load(ref Unsafe.Add(ref from, i)));
            var high = TF.FromSingleBits(TW.Load(ref Unsafe.Add(ref from, i + TW.Count)));
            TW.Narrow(low, high, ref Unsafe.Add(ref to, i));
        }

        return i;
    }

    /// <summary>A 16-bit format's conversions of a register of 32-bit lanes (one value per lane).</summary>
    private interface IFormat
    {
        static abstract TW ToSingleBits<TW>(TW h) where TW : struct, IWords<TW>;

        static abstract TW FromSingleBits<TW>(TW bits) where TW : struct, IWords<TW>;
    }

    private readonly struct HalfFormat : IFormat
    {
        /// <summary>
        /// Half bits to float bits: exponent and significand moved up by 13 bits are, read as a float, the value times
        /// 2^−112 (for subnormal Halves a float subnormal), so one exact multiplication by 2^112 finishes normal and
        /// subnormal values alike; ∞ and NaN (exponent 31) get the float's all-ones exponent, NaN its quiet bit, in a
        /// branch taken only by registers that hold one.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TW ToSingleBits<TW>(TW h) where TW : struct, IWords<TW>
        {
            var shifted = (h & TW.Create(0x7FFF)) << 13;
            var result = TW.MultiplyAsSingle(shifted, 5.192296858534828E+33f /* 2^112 */);
            var special = TW.GreaterThan(shifted, TW.Create(0x0F7FFFFF));
            if (TW.Any(special))
            {
                var infOrNaN = shifted | TW.Create(0x7F800000) | (TW.GreaterThan(shifted, TW.Create(0x0F800000)) & TW.Create(0x00400000));
                result = TW.Select(special, infOrNaN, result);
            }

            return result | ((h & TW.Create(0x8000)) << 16);
        }

        /// <summary>
        /// Float bits to Half bits, nearest with ties to even: below 2^−14 (Half subnormals) one float addition of 0.5
        /// aligns the ten kept bits at the bottom and rounds them; normal results rebase the exponent with the rounding
        /// bias 0xFFF plus the lowest kept bit; from 65520 on the carry gives ∞; a NaN keeps its sign and top nine
        /// payload bits with the quiet bit set.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TW FromSingleBits<TW>(TW bits) where TW : struct, IWords<TW>
        {
            var sign = bits & TW.Create(0x80000000);
            var a = bits ^ sign;
            var odd = (a >> 13) & TW.Create(1);
            var normal = (a + TW.Create(unchecked((uint)((15 - 127) << 23)) + 0xFFF) + odd) >> 13;
            var subnormal = TW.AddAsSingle(a, 0.5f) - TW.Create(0x3F000000);
            var result = TW.Select(TW.LessThan(a, TW.Create(113u << 23)), subnormal, normal);
            // From 65536 on (∞ and NaN included) the rebased exponent would pass 31: only registers holding such a
            // value take this branch.
            var large = TW.GreaterThan(a, TW.Create(0x477FFFFF));
            if (TW.Any(large))
            {
                var nan = TW.Create(0x7E00) | ((a & TW.Create(0x007FFFFF)) >> 13);
                result = TW.Select(large, TW.Select(TW.GreaterThan(a, TW.Create(0x7F800000)), nan, TW.Create(0x7C00)), result);
            }

            return result | (sign >> 16);
        }
    }

    private readonly struct BFloat16Format : IFormat
    {
        /// <summary>The top 16 bits of the float.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TW ToSingleBits<TW>(TW h) where TW : struct, IWords<TW> => h << 16;

        /// <summary>The scalar cast's rounding (nearest, ties to even; a NaN quieted with its sign and top payload).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TW FromSingleBits<TW>(TW bits) where TW : struct, IWords<TW>
        {
            var rounded = (bits + TW.Create(0x7FFF) + ((bits >> 16) & TW.Create(1))) >> 16;
            var nan = TW.GreaterThan(bits & TW.Create(0x7FFFFFFF), TW.Create(0x7F800000));
            return TW.Select(nan, (bits >> 16) | TW.Create(0x0040), rounded);
        }
    }

    /// <summary>A register of 32-bit unsigned lanes: what the 16-bit conversions need of it.</summary>
    private interface IWords<TW> where TW : struct, IWords<TW>
    {
        static abstract int Count { get; }

        static abstract TW Create(uint value);

        static abstract TW Load(ref uint source);

        /// <summary>Loads 2·Count 16-bit values and widens them to two registers.</summary>
        static abstract void Widen(ref ushort source, out TW low, out TW high);

        /// <summary>Narrows two registers (values below 2^16) and stores their 2·Count 16-bit values.</summary>
        static abstract void Narrow(TW low, TW high, ref ushort destination);

        static abstract TW operator &(TW a, TW b);

        static abstract TW operator |(TW a, TW b);

        static abstract TW operator ^(TW a, TW b);

        static abstract TW operator +(TW a, TW b);

        static abstract TW operator -(TW a, TW b);

        static abstract TW operator <<(TW a, int count);

        static abstract TW operator >>(TW a, int count);

        static abstract TW Equal(TW a, TW b);

        static abstract TW GreaterThan(TW a, TW b);

        static abstract TW LessThan(TW a, TW b);

        static abstract TW Select(TW mask, TW ifTrue, TW ifFalse);

        /// <summary>The lanes read as floats, plus <paramref name="value"/> (one float rounding), read back as bits.</summary>
        static abstract TW AddAsSingle(TW bits, float value);

        /// <summary>The lanes read as floats, times <paramref name="value"/> (one float rounding), read back as bits.</summary>
        static abstract TW MultiplyAsSingle(TW bits, float value);

        /// <summary>Whether any lane of a comparison result is set.</summary>
        static abstract bool Any(TW mask);

        void Store(ref uint destination);
    }

    private readonly struct Words512(Vector512<uint> v) : IWords<Words512>
    {
        private readonly Vector512<uint> _v = v;

        public static int Count => Vector512<uint>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 Create(uint value) => new(Vector512.Create(value));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 Load(ref uint source) => new(Vector512.LoadUnsafe(ref source));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref uint destination) => _v.StoreUnsafe(ref destination);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen(ref ushort source, out Words512 low, out Words512 high)
        {
            var (l, h) = Vector512.Widen(Vector512.LoadUnsafe(ref source));
            (low, high) = (new(l), new(h));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Narrow(Words512 low, Words512 high, ref ushort destination) => Vector512.Narrow(low._v, high._v).StoreUnsafe(ref destination);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 operator &(Words512 a, Words512 b) => new(a._v & b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 operator |(Words512 a, Words512 b) => new(a._v | b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 operator ^(Words512 a, Words512 b) => new(a._v ^ b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 operator +(Words512 a, Words512 b) => new(a._v + b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 operator -(Words512 a, Words512 b) => new(a._v - b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 operator <<(Words512 a, int count) => new(a._v << count);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 operator >>(Words512 a, int count) => new(a._v >>> count);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 Equal(Words512 a, Words512 b) => new(Vector512.Equals(a._v, b._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 GreaterThan(Words512 a, Words512 b) => new(Vector512.GreaterThan(a._v, b._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 LessThan(Words512 a, Words512 b) => new(Vector512.LessThan(a._v, b._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 Select(Words512 mask, Words512 ifTrue, Words512 ifFalse) => new(Vector512.ConditionalSelect(mask._v, ifTrue._v, ifFalse._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 AddAsSingle(Words512 bits, float value) => new((bits._v.AsSingle() + Vector512.Create(value)).AsUInt32());
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words512 MultiplyAsSingle(Words512 bits, float value) => new((bits._v.AsSingle() * Vector512.Create(value)).AsUInt32());
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Words512 mask) => mask._v != Vector512<uint>.Zero;
    }

    private readonly struct Words256(Vector256<uint> v) : IWords<Words256>
    {
        private readonly Vector256<uint> _v = v;

        public static int Count => Vector256<uint>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 Create(uint value) => new(Vector256.Create(value));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 Load(ref uint source) => new(Vector256.LoadUnsafe(ref source));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref uint destination) => _v.StoreUnsafe(ref destination);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen(ref ushort source, out Words256 low, out Words256 high)
        {
            var (l, h) = Vector256.Widen(Vector256.LoadUnsafe(ref source));
            (low, high) = (new(l), new(h));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Narrow(Words256 low, Words256 high, ref ushort destination) => Vector256.Narrow(low._v, high._v).StoreUnsafe(ref destination);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 operator &(Words256 a, Words256 b) => new(a._v & b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 operator |(Words256 a, Words256 b) => new(a._v | b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 operator ^(Words256 a, Words256 b) => new(a._v ^ b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 operator +(Words256 a, Words256 b) => new(a._v + b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 operator -(Words256 a, Words256 b) => new(a._v - b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 operator <<(Words256 a, int count) => new(a._v << count);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 operator >>(Words256 a, int count) => new(a._v >>> count);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 Equal(Words256 a, Words256 b) => new(Vector256.Equals(a._v, b._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 GreaterThan(Words256 a, Words256 b) => new(Vector256.GreaterThan(a._v, b._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 LessThan(Words256 a, Words256 b) => new(Vector256.LessThan(a._v, b._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 Select(Words256 mask, Words256 ifTrue, Words256 ifFalse) => new(Vector256.ConditionalSelect(mask._v, ifTrue._v, ifFalse._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 AddAsSingle(Words256 bits, float value) => new((bits._v.AsSingle() + Vector256.Create(value)).AsUInt32());
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words256 MultiplyAsSingle(Words256 bits, float value) => new((bits._v.AsSingle() * Vector256.Create(value)).AsUInt32());
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Words256 mask) => mask._v != Vector256<uint>.Zero;
    }

    private readonly struct Words128(Vector128<uint> v) : IWords<Words128>
    {
        private readonly Vector128<uint> _v = v;

        public static int Count => Vector128<uint>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 Create(uint value) => new(Vector128.Create(value));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 Load(ref uint source) => new(Vector128.LoadUnsafe(ref source));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref uint destination) => _v.StoreUnsafe(ref destination);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen(ref ushort source, out Words128 low, out Words128 high)
        {
            var (l, h) = Vector128.Widen(Vector128.LoadUnsafe(ref source));
            (low, high) = (new(l), new(h));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Narrow(Words128 low, Words128 high, ref ushort destination) => Vector128.Narrow(low._v, high._v).StoreUnsafe(ref destination);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 operator &(Words128 a, Words128 b) => new(a._v & b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 operator |(Words128 a, Words128 b) => new(a._v | b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 operator ^(Words128 a, Words128 b) => new(a._v ^ b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 operator +(Words128 a, Words128 b) => new(a._v + b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 operator -(Words128 a, Words128 b) => new(a._v - b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 operator <<(Words128 a, int count) => new(a._v << count);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 operator >>(Words128 a, int count) => new(a._v >>> count);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 Equal(Words128 a, Words128 b) => new(Vector128.Equals(a._v, b._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 GreaterThan(Words128 a, Words128 b) => new(Vector128.GreaterThan(a._v, b._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 LessThan(Words128 a, Words128 b) => new(Vector128.LessThan(a._v, b._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 Select(Words128 mask, Words128 ifTrue, Words128 ifFalse) => new(Vector128.ConditionalSelect(mask._v, ifTrue._v, ifFalse._v));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 AddAsSingle(Words128 bits, float value) => new((bits._v.AsSingle() + Vector128.Create(value)).AsUInt32());
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words128 MultiplyAsSingle(Words128 bits, float value) => new((bits._v.AsSingle() * Vector128.Create(value)).AsUInt32());
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Words128 mask) => mask._v != Vector128<uint>.Zero;
    }
}
