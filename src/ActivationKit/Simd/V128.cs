using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActivationKit.Simd;

/// <summary>Four float or two double lanes in a <see cref="Vector128{T}"/>.</summary>
public readonly struct V128<T> : IVec<V128<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The wrapped register.</summary>
    public readonly Vector128<T> Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V128(Vector128<T> value) => Value = value;

    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector128<T>.Count; }
    public static bool IsDouble { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => typeof(T) == typeof(double); }
    public static V128<T> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => default; }
    public static V128<T> Indices { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector128<T>.Indices); }
    public static V128<T> One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector128<T>.One); }
    public static V128<T> SignMask { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector128.Create(-T.Zero)); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Create(double value) => new(Vector128.Create(T.CreateTruncating(value)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> FromBits(ulong bits) => IsDouble
        ? new(Vector128.Create(bits).As<ulong, T>())
        : new(Vector128.Create((uint)bits).As<uint, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Load(ref readonly T source) => new(Vector128.LoadUnsafe(in source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref T destination) => Value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> operator +(V128<T> a, V128<T> b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> operator -(V128<T> a, V128<T> b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> operator *(V128<T> a, V128<T> b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> operator /(V128<T> a, V128<T> b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> operator -(V128<T> a) => new(-a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Fnma(V128<T> a, V128<T> b, V128<T> c)
    {
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return IsDouble
                ? new(System.Runtime.Intrinsics.X86.Fma.MultiplyAddNegated(a.Value.As<T, double>(), b.Value.As<T, double>(), c.Value.As<T, double>()).As<double, T>())
                : new(System.Runtime.Intrinsics.X86.Fma.MultiplyAddNegated(a.Value.As<T, float>(), b.Value.As<T, float>(), c.Value.As<T, float>()).As<float, T>());
        }

        return Fma(-a, b, c);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Fnms(V128<T> a, V128<T> b, V128<T> c)
    {
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return IsDouble
                ? new(System.Runtime.Intrinsics.X86.Fma.MultiplySubtractNegated(a.Value.As<T, double>(), b.Value.As<T, double>(), c.Value.As<T, double>()).As<double, T>())
                : new(System.Runtime.Intrinsics.X86.Fma.MultiplySubtractNegated(a.Value.As<T, float>(), b.Value.As<T, float>(), c.Value.As<T, float>()).As<float, T>());
        }

        return -Fma(a, b, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Fms(V128<T> a, V128<T> b, V128<T> c)
    {
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return IsDouble
                ? new(System.Runtime.Intrinsics.X86.Fma.MultiplySubtract(a.Value.As<T, double>(), b.Value.As<T, double>(), c.Value.As<T, double>()).As<double, T>())
                : new(System.Runtime.Intrinsics.X86.Fma.MultiplySubtract(a.Value.As<T, float>(), b.Value.As<T, float>(), c.Value.As<T, float>()).As<float, T>());
        }

        return Fma(a, b, -c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Fma(V128<T> a, V128<T> b, V128<T> c)
    {
        // Without the instruction the runtime would call a software routine per lane; float lanes call SoftFma's
        // sequence instead, out of line, so that its size does not use up the inlining budget of the kernel that calls
        // it (inlined, it turned the kernels' other lane operations into calls). The test folds when the caller is
        // imported.
        if (!IsDouble && !(System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)) return SoftFmaOutOfLine(a, b, c);
        return IsDouble
            ? new(Vector128.FusedMultiplyAdd(a.Value.As<T, double>(), b.Value.As<T, double>(), c.Value.As<T, double>()).As<double, T>())
            : new(Vector128.FusedMultiplyAdd(a.Value.As<T, float>(), b.Value.As<T, float>(), c.Value.As<T, float>()).As<float, T>());
    }

    /// <summary>Float lanes' fused multiply-add without the instruction (<see cref="SoftFma"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static V128<T> SoftFmaOutOfLine(V128<T> a, V128<T> b, V128<T> c)
        => new(SoftFma.Fma(a.Value.As<T, float>(), b.Value.As<T, float>(), c.Value.As<T, float>()).As<float, T>());

    // MINPS/MAXPS compute exactly 'a < b ? a : b' / 'a > b ? a : b' (the second operand wins on NaN), one instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Min(V128<T> a, V128<T> b)
    {
        if (Sse.IsSupported && !IsDouble) return new(Sse.Min(a.Value.As<T, float>(), b.Value.As<T, float>()).As<float, T>());
        if (Sse2.IsSupported && IsDouble) return new(Sse2.Min(a.Value.As<T, double>(), b.Value.As<T, double>()).As<double, T>());
        return new(Vector128.ConditionalSelect(Vector128.LessThan(a.Value, b.Value), a.Value, b.Value));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Max(V128<T> a, V128<T> b)
    {
        if (Sse.IsSupported && !IsDouble) return new(Sse.Max(a.Value.As<T, float>(), b.Value.As<T, float>()).As<float, T>());
        if (Sse2.IsSupported && IsDouble) return new(Sse2.Max(a.Value.As<T, double>(), b.Value.As<T, double>()).As<double, T>());
        return new(Vector128.ConditionalSelect(Vector128.GreaterThan(a.Value, b.Value), a.Value, b.Value));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> Abs(V128<T> x) => new(Vector128.AndNot(x.Value, Vector128.Create(-T.Zero)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> Sqrt(V128<T> x) => new(Vector128.Sqrt(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> RoundToEven(V128<T> x) => IsDouble
        ? new(Vector128.Round(x.Value.As<T, double>()).As<double, T>())
        : new(Vector128.Round(x.Value.As<T, float>()).As<float, T>());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Floor(V128<T> x) => IsDouble
        ? new(Vector128.Floor(x.Value.As<T, double>()).As<double, T>())
        : new(Vector128.Floor(x.Value.As<T, float>()).As<float, T>());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> LessThan(V128<T> a, V128<T> b) => new(Vector128.LessThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> LessThanOrEqual(V128<T> a, V128<T> b) => new(Vector128.LessThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> GreaterThan(V128<T> a, V128<T> b) => new(Vector128.GreaterThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> GreaterThanOrEqual(V128<T> a, V128<T> b) => new(Vector128.GreaterThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> EqualTo(V128<T> a, V128<T> b) => new(Vector128.Equals(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> IsNaN(V128<T> x) => new(~Vector128.Equals(x.Value, x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> Select(V128<T> mask, V128<T> ifTrue, V128<T> ifFalse) => new(Vector128.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> And(V128<T> a, V128<T> b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> Or(V128<T> a, V128<T> b) => new(a.Value | b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> Xor(V128<T> a, V128<T> b) => new(a.Value ^ b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128<T> AndNot(V128<T> a, V128<T> b) => new(Vector128.AndNot(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyTrue(V128<T> mask) => mask.Value.AsUInt32() != Vector128<uint>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllTrue(V128<T> mask) => mask.Value.AsUInt32() == Vector128<uint>.AllBitsSet;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int CountWhereEqual(V128<T> a, V128<T> b) => BitOperations.PopCount(Vector128.Equals(a.Value, b.Value).ExtractMostSignificantBits());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int FirstWhereEqual(V128<T> a, V128<T> b) => Math.Min(Count, BitOperations.TrailingZeroCount(Vector128.Equals(a.Value, b.Value).ExtractMostSignificantBits()));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Exp2Sixteenths(V128<T> shifted)
    {
        if (IsDouble) throw new NotSupportedException("Exp2Sixteenths takes float lanes.");
        var bits = shifted.Value.As<T, uint>();
        var t = Lookup16(shifted, Exp2Table.All16).Value.As<T, uint>();
        return new((t + Vector128.ShiftLeft(Vector128.ShiftRightLogical(bits, 4), 23)).As<uint, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Lookup16(V128<T> index, Vector512<float> table)
    {
        if (IsDouble) throw new NotSupportedException("Lookup16 takes float lanes.");
        var bits = index.Value.AsInt32();
        // No variable permute across 16 entries at this width: the four entries are read one by one.
        var t = Vector128.Create(
            table.GetElement(bits.GetElement(0) & 15), table.GetElement(bits.GetElement(1) & 15), table.GetElement(bits.GetElement(2) & 15), table.GetElement(bits.GetElement(3) & 15));
        return new(t.As<float, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Lookup8(V128<T> index, DoubleTable8 table)
    {
        if (!IsDouble) throw new NotSupportedException("Lookup8 takes double lanes.");
        var bits = index.Value.AsInt64();
        // No variable permute across 8 doubles at this width: the two entries are read one by one.
        var t = Vector128.Create(table.Entries.GetElement((int)(bits.GetElement(0) & 7)), table.Entries.GetElement((int)(bits.GetElement(1) & 7)));
        return new(t.As<double, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Pow2(V128<T> n)
    {
        // n + (1.5·2^k + bias) puts the biased exponent in the low bits (n is integral and small, the sum exact); the
        // shift moves it into the exponent field and drops the rest.
        if (IsDouble)
        {
            var k = n.Value.As<T, double>() + Vector128.Create(6755399441056767.0);
            return new(Vector128.ShiftLeft(k.AsUInt64(), 52).As<ulong, T>());
        }
        else
        {
            var k = n.Value.As<T, float>() + Vector128.Create(12583039.0f);
            return new(Vector128.ShiftLeft(k.AsUInt32(), 23).As<uint, T>());
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> MaxBits(V128<T> a, V128<T> b) => IsDouble
        ? new(Vector128.Max(a.Value.As<T, ulong>(), b.Value.As<T, ulong>()).As<ulong, T>())
        : new(Vector128.Max(a.Value.As<T, uint>(), b.Value.As<T, uint>()).As<uint, T>());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyBitsGreater(V128<T> a, V128<T> b) => IsDouble
        ? Vector128.GreaterThanAny(a.Value.As<T, ulong>(), b.Value.As<T, ulong>())
        : Vector128.GreaterThanAny(a.Value.As<T, uint>(), b.Value.As<T, uint>());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> AddTowardZero(V128<T> a, V128<T> b)
    {
        // The sum rounded to nearest, minus one in its bit pattern (the next value down) where the comparison's mask
        // (all ones, −1 as an integer) marks a negative error: an integer addition instead of a blend of an fma.
        var s = a.Value + b.Value;
        var e = b.Value - (s - a.Value);
        var up = Vector128.LessThan(e, Vector128<T>.Zero);
        return IsDouble
            ? new((s.As<T, long>() + up.As<T, long>()).As<long, T>())
            : new((s.As<T, int>() + up.As<T, int>()).As<int, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> SignFill(V128<T> x) => IsDouble
        ? new(Vector128.ShiftRightArithmetic(x.Value.As<T, long>(), 63).As<long, T>())
        : new(Vector128.ShiftRightArithmetic(x.Value.As<T, int>(), 31).As<int, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> MulPow2(V128<T> x, V128<T> n)
    {
        // The exact power of two from the round-shifter trick (Pow2), then one rounding multiplication.
        return new(x.Value * Pow2(n).Value);
    }

    /// <inheritdoc />
    public static bool ScaleBTakesAnyExponent => Avx512F.VL.IsSupported;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> ScaleB(V128<T> x, V128<T> n)
    {
        if (Avx512F.VL.IsSupported)
        {
            return IsDouble
                ? new(Avx512F.VL.Scale(x.Value.As<T, double>(), n.Value.As<T, double>()).As<double, T>())
                : new(Avx512F.VL.Scale(x.Value.As<T, float>(), n.Value.As<T, float>()).As<float, T>());
        }

        var n1 = Floor(n * Create(0.5));
        return MulPow2(MulPow2(x, n1), n - n1);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> InDouble<TMap>(TMap map, V128<T> a, V128<T> b) where TMap : struct, ILaneMap
    {
        if (IsDouble) return map.Apply(a, b);
        var af = a.Value.As<T, float>();
        var bf = b.Value.As<T, float>();
        // Both halves through one inlined copy of the map, in a loop of two (see IVec.InDouble).
        Vector128<double> lo = default, hi = default;
        for (int h = 0; h < 2; h++)
        {
            var x = h == 0 ? Vector128.WidenLower(af) : Vector128.WidenUpper(af);
            var y = h == 0 ? Vector128.WidenLower(bf) : Vector128.WidenUpper(bf);
            var r = map.Apply(new V128<double>(x), new V128<double>(y)).Value;
            if (h == 0) lo = r;
            else hi = r;
        }

        return new(Vector128.Narrow(lo, hi).As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128<T> Frexp(V128<T> x, out V128<T> exponent)
    {
        if (IsDouble)
        {
            var bits = x.Value.AsUInt64();
            var biased = Vector128.ShiftRightLogical(bits, 52);
            // 2^52 + e as a double, minus (2^52 + 1023), gives e exactly.
            exponent = new((Vector128.Create(0x4330000000000000UL) | biased).AsDouble().As<double, T>()
                - Vector128.Create(T.CreateTruncating(4503599627371519.0)));
            var m = (bits & Vector128.Create(0x000FFFFFFFFFFFFFUL)) | Vector128.Create(0x3FF0000000000000UL);
            return new(m.As<ulong, T>());
        }
        else
        {
            var bits = x.Value.AsUInt32();
            var biased = Vector128.ShiftRightLogical(bits, 23);
            exponent = new((Vector128.Create(0x4B000000U) | biased).AsSingle().As<float, T>()
                - Vector128.Create(T.CreateTruncating(8388735.0)));
            var m = (bits & Vector128.Create(0x007FFFFFU)) | Vector128.Create(0x3F800000U);
            return new(m.As<uint, T>());
        }
    }
}
