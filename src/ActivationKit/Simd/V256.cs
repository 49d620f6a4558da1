using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActivationKit.Simd;

/// <summary>Eight float or four double lanes in a <see cref="Vector256{T}"/>.</summary>
public readonly struct V256<T> : IVec<V256<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The wrapped register.</summary>
    public readonly Vector256<T> Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V256(Vector256<T> value) => Value = value;

    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256<T>.Count; }
    public static bool IsDouble { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => typeof(T) == typeof(double); }
    public static V256<T> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => default; }
    public static V256<T> Indices { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<T>.Indices); }
    public static V256<T> One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<T>.One); }
    public static V256<T> SignMask { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256.Create(-T.Zero)); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Create(double value) => new(Vector256.Create(T.CreateTruncating(value)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> FromBits(ulong bits) => IsDouble
        ? new(Vector256.Create(bits).As<ulong, T>())
        : new(Vector256.Create((uint)bits).As<uint, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Load(ref readonly T source) => new(Vector256.LoadUnsafe(in source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref T destination) => Value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> operator +(V256<T> a, V256<T> b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> operator -(V256<T> a, V256<T> b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> operator *(V256<T> a, V256<T> b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> operator /(V256<T> a, V256<T> b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> operator -(V256<T> a) => new(-a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Fnma(V256<T> a, V256<T> b, V256<T> c)
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
    public static V256<T> Fnms(V256<T> a, V256<T> b, V256<T> c)
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
    public static V256<T> Fms(V256<T> a, V256<T> b, V256<T> c)
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
    public static V256<T> Fma(V256<T> a, V256<T> b, V256<T> c) => IsDouble
        ? new(Vector256.FusedMultiplyAdd(a.Value.As<T, double>(), b.Value.As<T, double>(), c.Value.As<T, double>()).As<double, T>())
        : new(Vector256.FusedMultiplyAdd(a.Value.As<T, float>(), b.Value.As<T, float>(), c.Value.As<T, float>()).As<float, T>());
    // MINPS/MAXPS compute exactly 'a < b ? a : b' / 'a > b ? a : b' (the second operand wins on NaN), one instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Min(V256<T> a, V256<T> b)
    {
        if (Avx.IsSupported && !IsDouble) return new(Avx.Min(a.Value.As<T, float>(), b.Value.As<T, float>()).As<float, T>());
        if (Avx.IsSupported && IsDouble) return new(Avx.Min(a.Value.As<T, double>(), b.Value.As<T, double>()).As<double, T>());
        return new(Vector256.ConditionalSelect(Vector256.LessThan(a.Value, b.Value), a.Value, b.Value));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Max(V256<T> a, V256<T> b)
    {
        if (Avx.IsSupported && !IsDouble) return new(Avx.Max(a.Value.As<T, float>(), b.Value.As<T, float>()).As<float, T>());
        if (Avx.IsSupported && IsDouble) return new(Avx.Max(a.Value.As<T, double>(), b.Value.As<T, double>()).As<double, T>());
        return new(Vector256.ConditionalSelect(Vector256.GreaterThan(a.Value, b.Value), a.Value, b.Value));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> Abs(V256<T> x) => new(Vector256.AndNot(x.Value, Vector256.Create(-T.Zero)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> Sqrt(V256<T> x) => new(Vector256.Sqrt(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> RoundToEven(V256<T> x) => IsDouble
        ? new(Vector256.Round(x.Value.As<T, double>()).As<double, T>())
        : new(Vector256.Round(x.Value.As<T, float>()).As<float, T>());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Floor(V256<T> x) => IsDouble
        ? new(Vector256.Floor(x.Value.As<T, double>()).As<double, T>())
        : new(Vector256.Floor(x.Value.As<T, float>()).As<float, T>());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> LessThan(V256<T> a, V256<T> b) => new(Vector256.LessThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> LessThanOrEqual(V256<T> a, V256<T> b) => new(Vector256.LessThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> GreaterThan(V256<T> a, V256<T> b) => new(Vector256.GreaterThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> GreaterThanOrEqual(V256<T> a, V256<T> b) => new(Vector256.GreaterThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> EqualTo(V256<T> a, V256<T> b) => new(Vector256.Equals(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> IsNaN(V256<T> x) => new(~Vector256.Equals(x.Value, x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> Select(V256<T> mask, V256<T> ifTrue, V256<T> ifFalse) => new(Vector256.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> And(V256<T> a, V256<T> b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> Or(V256<T> a, V256<T> b) => new(a.Value | b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> Xor(V256<T> a, V256<T> b) => new(a.Value ^ b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256<T> AndNot(V256<T> a, V256<T> b) => new(Vector256.AndNot(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyTrue(V256<T> mask) => mask.Value.AsUInt32() != Vector256<uint>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllTrue(V256<T> mask) => mask.Value.AsUInt32() == Vector256<uint>.AllBitsSet;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int CountWhereEqual(V256<T> a, V256<T> b) => BitOperations.PopCount(Vector256.Equals(a.Value, b.Value).ExtractMostSignificantBits());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int FirstWhereEqual(V256<T> a, V256<T> b) => Math.Min(Count, BitOperations.TrailingZeroCount(Vector256.Equals(a.Value, b.Value).ExtractMostSignificantBits()));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Exp2Sixteenths(V256<T> shifted)
    {
        if (IsDouble) throw new NotSupportedException("Exp2Sixteenths takes float lanes.");
        var bits = shifted.Value.As<T, uint>();
        var t = Lookup16(shifted, Exp2Table.All16).Value.As<T, uint>();
        return new((t + Vector256.ShiftLeft(Vector256.ShiftRightLogical(bits, 4), 23)).As<uint, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Lookup16(V256<T> index, Vector512<float> table)
    {
        if (IsDouble) throw new NotSupportedException("Lookup16 takes float lanes.");
        var bits = index.Value.AsInt32();
        Vector256<float> t;
        if (Avx2.IsSupported)
        {
            // Each half of the table by VPERMPS (the low three bits of the index), then bit 3, moved into the sign,
            // picks the half (VBLENDVPS reads the sign bit of its mask).
            var low = Avx2.PermuteVar8x32(table.GetLower(), bits);
            var high = Avx2.PermuteVar8x32(table.GetUpper(), bits);
            t = Avx.BlendVariable(low, high, Vector256.ShiftLeft(bits, 28).AsSingle());
        }
        else
        {
            t = Vector256.Create(
                table.GetElement(bits.GetElement(0) & 15), table.GetElement(bits.GetElement(1) & 15), table.GetElement(bits.GetElement(2) & 15), table.GetElement(bits.GetElement(3) & 15),
                table.GetElement(bits.GetElement(4) & 15), table.GetElement(bits.GetElement(5) & 15), table.GetElement(bits.GetElement(6) & 15), table.GetElement(bits.GetElement(7) & 15));
        }

        return new(t.As<float, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LowHalfSuffices(V256<T> index)
        => !IsDouble && !Avx512F.VL.IsSupported && Avx2.IsSupported && Avx.TestZ(index.Value.AsInt32(), Vector256.Create(8));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Lookup16LowHalf(V256<T> index, Vector512<float> table)
    {
        if (IsDouble) throw new NotSupportedException("Lookup16LowHalf takes float lanes.");
        return Avx2.IsSupported
            ? new(Avx2.PermuteVar8x32(table.GetLower(), index.Value.AsInt32()).As<float, T>())
            : Lookup16(index, table);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Lookup8(V256<T> index, DoubleTable8 table)
    {
        if (!IsDouble) throw new NotSupportedException("Lookup8 takes double lanes.");
        var bits = index.Value.AsInt64();
        Vector256<double> t;
        if (Avx512F.VL.IsSupported)
        {
            // VPERMT2PD: the low three bits pick one of the eight doubles of the two halves.
            t = Avx512F.VL.PermuteVar4x64x2(table.Entries.GetLower(), bits, table.Entries.GetUpper());
        }
        else if (Avx2.IsSupported)
        {
            // Each 64-bit lane's low 32 bits (which hold v's) copied into its high half; one VPERMD picks every
            // entry's low half, one its high half, and a blend keeps each where it belongs.
            var both = Avx2.Shuffle(bits.AsInt32(), 0b10_10_00_00).AsUInt32();
            t = Avx2.Blend(Avx2.PermuteVar8x32(table.LowHalves, both), Avx2.PermuteVar8x32(table.HighHalves, both), 0b10101010).AsDouble();
        }
        else
        {
            t = Vector256.Create(
                table.Entries.GetElement((int)(bits.GetElement(0) & 7)), table.Entries.GetElement((int)(bits.GetElement(1) & 7)),
                table.Entries.GetElement((int)(bits.GetElement(2) & 7)), table.Entries.GetElement((int)(bits.GetElement(3) & 7)));
        }

        return new(t.As<double, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Pow2(V256<T> n)
    {
        // n + (1.5·2^k + bias) puts the biased exponent in the low bits (n is integral and small, the sum exact); the
        // shift moves it into the exponent field and drops the rest.
        if (IsDouble)
        {
            var k = n.Value.As<T, double>() + Vector256.Create(6755399441056767.0);
            return new(Vector256.ShiftLeft(k.AsUInt64(), 52).As<ulong, T>());
        }
        else
        {
            var k = n.Value.As<T, float>() + Vector256.Create(12583039.0f);
            return new(Vector256.ShiftLeft(k.AsUInt32(), 23).As<uint, T>());
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> MaxBits(V256<T> a, V256<T> b) => IsDouble
        ? new(Vector256.Max(a.Value.As<T, ulong>(), b.Value.As<T, ulong>()).As<ulong, T>())
        : new(Vector256.Max(a.Value.As<T, uint>(), b.Value.As<T, uint>()).As<uint, T>());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyBitsGreater(V256<T> a, V256<T> b) => IsDouble
        ? Vector256.GreaterThanAny(a.Value.As<T, ulong>(), b.Value.As<T, ulong>())
        : Vector256.GreaterThanAny(a.Value.As<T, uint>(), b.Value.As<T, uint>());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> AddTowardZero(V256<T> a, V256<T> b)
    {
        // The sum rounded to nearest, minus one in its bit pattern (the next value down) where the comparison's mask
        // (all ones, −1 as an integer) marks a negative error: an integer addition instead of a blend of an fma.
        var s = a.Value + b.Value;
        var e = b.Value - (s - a.Value);
        var up = Vector256.LessThan(e, Vector256<T>.Zero);
        return IsDouble
            ? new((s.As<T, long>() + up.As<T, long>()).As<long, T>())
            : new((s.As<T, int>() + up.As<T, int>()).As<int, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> SignFill(V256<T> x) => IsDouble
        ? new(Vector256.ShiftRightArithmetic(x.Value.As<T, long>(), 63).As<long, T>())
        : new(Vector256.ShiftRightArithmetic(x.Value.As<T, int>(), 31).As<int, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> MulPow2(V256<T> x, V256<T> n)
    {
        // The exact power of two from the round-shifter trick (Pow2), then one rounding multiplication.
        return new(x.Value * Pow2(n).Value);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> ScaleBIntoSubnormals(V256<T> x, V256<T> n, bool anyMagnitude = false)
        // As V512's, on Intel (AVX2 included, whose two-step scaling assists just the same). Out of line but for this
        // line: a larger body inlined into the double-lane kernels, which name it in branches folded only after
        // inlining, used up the JIT's budget there (erf GELU's AVX2 forward at Normal(0, 100), whose lanes beyond ±15
        // are redone in double lanes: 1.6 → 3.0 ns/element).
        => IsDouble || !Isa.SubnormalsAssist ? ScaleB(x, n) : new(ScaleBIntoSubnormalsFloat(x.Value.As<T, float>(), n.Value.As<T, float>(), anyMagnitude).As<float, T>());

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> ScaleBIntoSubnormalsFloat(Vector256<float> x, Vector256<float> n, bool anyMagnitude)
        => Vector256.LessThanAny(anyMagnitude ? ExponentOf(x) + n : n, Vector256.Create(anyMagnitude ? -125f : -120f))
            ? ScaleIntoSubnormals(x, n)
            : V256<float>.ScaleB(new V256<float>(x), new V256<float>(n)).Value;

    /// <summary>⌊log2|x|⌋ from the exponent field: −127 for 0 and the subnormals, 128 for ±∞ and NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExponentOf(Vector256<float> x)
        => Vector256.ConvertToSingle(Vector256.ShiftRightLogical(x.AsInt32() & Vector256.Create(0x7f800000), 23) - Vector256.Create(127));

    /// <summary>
    /// V512.ScaleIntoSubnormals at this width, for n within <see cref="ScaleB"/>'s range: the exponent from its field
    /// (a subnormal or zero |x| counts as 2^−127, which only ever zeroes lanes whose result is below 2^−150), and
    /// n + 149 held in [−200, 200] so that the two-step scaling without VSCALEF stays within its range (lanes clamped
    /// from below are zeroed anyway; from above, z is at least 2^51 and the lane scales as usual).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ScaleIntoSubnormals(Vector256<float> x, Vector256<float> n)
    {
        var ax = Vector256.Abs(x);
        var k = Vector256.Min(Vector256.Max(n + Vector256.Create(149f), Vector256.Create(-200f)), Vector256.Create(200f));
        var below = Vector256.LessThan(ExponentOf(ax) + k, Vector256.Create(-1f));
        var z = V256<float>.ScaleB(new V256<float>(Vector256.ConditionalSelect(below, Vector256<float>.Zero, ax)), new V256<float>(k)).Value;
        var integer = Vector256.LessThan(z, Vector256.Create(8388608f)) & Vector256.Equals(x, x);
        var m = Avx.ConvertToVector256Int32(z).AsSingle() | (x & Vector256.Create(-0f));
        var scaled = V256<float>.ScaleB(new V256<float>(x), new V256<float>(Vector256.ConditionalSelect(integer, Vector256<float>.Zero, n))).Value;
        return Vector256.ConditionalSelect(integer, m, scaled);
    }

    /// <inheritdoc />
    public static bool ScaleBTakesAnyExponent => Avx512F.VL.IsSupported;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> ScaleB(V256<T> x, V256<T> n)
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
    public static V256<T> InDouble<TMap>(TMap map, V256<T> a, V256<T> b) where TMap : struct, ILaneMap
    {
        if (IsDouble) return map.Apply(a, b);
        var af = a.Value.As<T, float>();
        var bf = b.Value.As<T, float>();
        // Both halves through one inlined copy of the map, in a loop of two (see IVec.InDouble).
        Vector256<double> lo = default, hi = default;
        for (int h = 0; h < 2; h++)
        {
            var x = h == 0 ? Vector256.WidenLower(af) : Vector256.WidenUpper(af);
            var y = h == 0 ? Vector256.WidenLower(bf) : Vector256.WidenUpper(bf);
            var r = map.Apply(new V256<double>(x), new V256<double>(y)).Value;
            if (h == 0) lo = r;
            else hi = r;
        }

        return new(Vector256.Narrow(lo, hi).As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256<T> Frexp(V256<T> x, out V256<T> exponent)
    {
        if (IsDouble)
        {
            var bits = x.Value.AsUInt64();
            var biased = Vector256.ShiftRightLogical(bits, 52);
            // 2^52 + e as a double, minus (2^52 + 1023), gives e exactly.
            exponent = new((Vector256.Create(0x4330000000000000UL) | biased).AsDouble().As<double, T>()
                - Vector256.Create(T.CreateTruncating(4503599627371519.0)));
            var m = (bits & Vector256.Create(0x000FFFFFFFFFFFFFUL)) | Vector256.Create(0x3FF0000000000000UL);
            return new(m.As<ulong, T>());
        }
        else
        {
            var bits = x.Value.AsUInt32();
            var biased = Vector256.ShiftRightLogical(bits, 23);
            exponent = new((Vector256.Create(0x4B000000U) | biased).AsSingle().As<float, T>()
                - Vector256.Create(T.CreateTruncating(8388735.0)));
            var m = (bits & Vector256.Create(0x007FFFFFU)) | Vector256.Create(0x3F800000U);
            return new(m.As<uint, T>());
        }
    }
}
