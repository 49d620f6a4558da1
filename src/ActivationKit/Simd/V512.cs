using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActivationKit.Simd;

/// <summary>Sixteen float or eight double lanes in a <see cref="Vector512{T}"/>.</summary>
public readonly struct V512<T> : IVec<V512<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The wrapped register.</summary>
    public readonly Vector512<T> Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V512(Vector512<T> value) => Value = value;

    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector512<T>.Count; }
    public static bool IsDouble { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => typeof(T) == typeof(double); }
    public static V512<T> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => default; }
    public static V512<T> Indices { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512<T>.Indices); }
    public static V512<T> One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512<T>.One); }
    public static V512<T> SignMask { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512.Create(-T.Zero)); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Create(double value) => new(Vector512.Create(T.CreateTruncating(value)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> FromBits(ulong bits) => IsDouble
        ? new(Vector512.Create(bits).As<ulong, T>())
        : new(Vector512.Create((uint)bits).As<uint, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Load(ref readonly T source) => new(Vector512.LoadUnsafe(in source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref T destination) => Value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> operator +(V512<T> a, V512<T> b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> operator -(V512<T> a, V512<T> b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> operator *(V512<T> a, V512<T> b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> operator /(V512<T> a, V512<T> b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> operator -(V512<T> a) => new(-a.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Fnma(V512<T> a, V512<T> b, V512<T> c)
    {
        if (Avx512F.IsSupported)
        {
            return IsDouble
                ? new(Avx512F.FusedMultiplyAddNegated(a.Value.As<T, double>(), b.Value.As<T, double>(), c.Value.As<T, double>()).As<double, T>())
                : new(Avx512F.FusedMultiplyAddNegated(a.Value.As<T, float>(), b.Value.As<T, float>(), c.Value.As<T, float>()).As<float, T>());
        }

        return Fma(-a, b, c);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Fnms(V512<T> a, V512<T> b, V512<T> c)
    {
        if (Avx512F.IsSupported)
        {
            return IsDouble
                ? new(Avx512F.FusedMultiplySubtractNegated(a.Value.As<T, double>(), b.Value.As<T, double>(), c.Value.As<T, double>()).As<double, T>())
                : new(Avx512F.FusedMultiplySubtractNegated(a.Value.As<T, float>(), b.Value.As<T, float>(), c.Value.As<T, float>()).As<float, T>());
        }

        return -Fma(a, b, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Fms(V512<T> a, V512<T> b, V512<T> c)
    {
        if (Avx512F.IsSupported)
        {
            return IsDouble
                ? new(Avx512F.FusedMultiplySubtract(a.Value.As<T, double>(), b.Value.As<T, double>(), c.Value.As<T, double>()).As<double, T>())
                : new(Avx512F.FusedMultiplySubtract(a.Value.As<T, float>(), b.Value.As<T, float>(), c.Value.As<T, float>()).As<float, T>());
        }

        return Fma(a, b, -c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Fma(V512<T> a, V512<T> b, V512<T> c) => IsDouble
        ? new(Vector512.FusedMultiplyAdd(a.Value.As<T, double>(), b.Value.As<T, double>(), c.Value.As<T, double>()).As<double, T>())
        : new(Vector512.FusedMultiplyAdd(a.Value.As<T, float>(), b.Value.As<T, float>(), c.Value.As<T, float>()).As<float, T>());
    // MINPS/MAXPS compute exactly 'a < b ? a : b' / 'a > b ? a : b' (the second operand wins on NaN), one instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Min(V512<T> a, V512<T> b)
    {
        if (Avx512F.IsSupported && !IsDouble) return new(Avx512F.Min(a.Value.As<T, float>(), b.Value.As<T, float>()).As<float, T>());
        if (Avx512F.IsSupported && IsDouble) return new(Avx512F.Min(a.Value.As<T, double>(), b.Value.As<T, double>()).As<double, T>());
        return new(Vector512.ConditionalSelect(Vector512.LessThan(a.Value, b.Value), a.Value, b.Value));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Max(V512<T> a, V512<T> b)
    {
        if (Avx512F.IsSupported && !IsDouble) return new(Avx512F.Max(a.Value.As<T, float>(), b.Value.As<T, float>()).As<float, T>());
        if (Avx512F.IsSupported && IsDouble) return new(Avx512F.Max(a.Value.As<T, double>(), b.Value.As<T, double>()).As<double, T>());
        return new(Vector512.ConditionalSelect(Vector512.GreaterThan(a.Value, b.Value), a.Value, b.Value));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> Abs(V512<T> x) => new(Vector512.AndNot(x.Value, Vector512.Create(-T.Zero)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> Sqrt(V512<T> x) => new(Vector512.Sqrt(x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> RoundToEven(V512<T> x) => IsDouble
        ? new(Vector512.Round(x.Value.As<T, double>()).As<double, T>())
        : new(Vector512.Round(x.Value.As<T, float>()).As<float, T>());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Floor(V512<T> x) => IsDouble
        ? new(Vector512.Floor(x.Value.As<T, double>()).As<double, T>())
        : new(Vector512.Floor(x.Value.As<T, float>()).As<float, T>());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> LessThan(V512<T> a, V512<T> b) => new(Vector512.LessThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> LessThanOrEqual(V512<T> a, V512<T> b) => new(Vector512.LessThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> GreaterThan(V512<T> a, V512<T> b) => new(Vector512.GreaterThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> GreaterThanOrEqual(V512<T> a, V512<T> b) => new(Vector512.GreaterThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> EqualTo(V512<T> a, V512<T> b) => new(Vector512.Equals(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> IsNaN(V512<T> x) => new(~Vector512.Equals(x.Value, x.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> Select(V512<T> mask, V512<T> ifTrue, V512<T> ifFalse) => new(Vector512.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));

    // One expression from the comparison to the blend, so the JIT keeps the comparison in a mask register (vcmpps k,
    // vblendmps) instead of widening it to a vector through the V512 wrapper (vpmovm2d) and selecting bitwise.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> SelectWhereGreater(V512<T> a, V512<T> b, V512<T> ifTrue, V512<T> ifFalse)
        => new(Vector512.ConditionalSelect(Vector512.GreaterThan(a.Value, b.Value), ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> SelectWhereLess(V512<T> a, V512<T> b, V512<T> ifTrue, V512<T> ifFalse)
        => new(Vector512.ConditionalSelect(Vector512.LessThan(a.Value, b.Value), ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> SelectWhereEqual(V512<T> a, V512<T> b, V512<T> ifTrue, V512<T> ifFalse)
        => new(Vector512.ConditionalSelect(Vector512.Equals(a.Value, b.Value), ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> SelectWhereLessOrEqual(V512<T> a, V512<T> b, V512<T> ifTrue, V512<T> ifFalse)
        => new(Vector512.ConditionalSelect(Vector512.LessThanOrEqual(a.Value, b.Value), ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> SelectWhereGreaterOrEqual(V512<T> a, V512<T> b, V512<T> ifTrue, V512<T> ifFalse)
        => new(Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a.Value, b.Value), ifTrue.Value, ifFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> And(V512<T> a, V512<T> b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> Or(V512<T> a, V512<T> b) => new(a.Value | b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> Xor(V512<T> a, V512<T> b) => new(a.Value ^ b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512<T> AndNot(V512<T> a, V512<T> b) => new(Vector512.AndNot(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyTrue(V512<T> mask) => mask.Value.AsUInt32() != Vector512<uint>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllTrue(V512<T> mask) => mask.Value.AsUInt32() == Vector512<uint>.AllBitsSet;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int CountWhereEqual(V512<T> a, V512<T> b) => BitOperations.PopCount(Vector512.Equals(a.Value, b.Value).ExtractMostSignificantBits());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int FirstWhereEqual(V512<T> a, V512<T> b) => Math.Min(Count, BitOperations.TrailingZeroCount(Vector512.Equals(a.Value, b.Value).ExtractMostSignificantBits()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyWhereLess(V512<T> a, V512<T> b) => Vector512.LessThanAny(a.Value, b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyWhereGreater(V512<T> a, V512<T> b) => Vector512.GreaterThanAny(a.Value, b.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Exp2Sixteenths(V512<T> shifted)
    {
        if (IsDouble) throw new NotSupportedException("Exp2Sixteenths takes float lanes.");
        var bits = shifted.Value.As<T, uint>();
        var t = Lookup16(shifted, Exp2Table.All16).Value.As<T, uint>();
        return new((t + Vector512.ShiftLeft(Vector512.ShiftRightLogical(bits, 4), 23)).As<uint, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Lookup16(V512<T> index, Vector512<float> table)
    {
        if (IsDouble) throw new NotSupportedException("Lookup16 takes float lanes.");
        var bits = index.Value.AsInt32();
        // VPERMPS reads the low four bits of each index lane: no mask needed.
        var t = Avx512F.IsSupported
            ? Avx512F.PermuteVar16x32(table, bits)
            : Vector512.Shuffle(table, bits & Vector512.Create(15));
        return new(t.As<float, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Lookup8(V512<T> index, DoubleTable8 table)
    {
        if (!IsDouble) throw new NotSupportedException("Lookup8 takes double lanes.");
        var bits = index.Value.AsInt64();
        // VPERMPD reads the low three bits of each index lane: no mask needed.
        var t = Avx512F.IsSupported
            ? Avx512F.PermuteVar8x64(table.Entries, bits)
            : Vector512.Shuffle(table.Entries, bits & Vector512.Create(7L));
        return new(t.As<double, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Pow2(V512<T> n)
    {
        // n + (1.5·2^k + bias) puts the biased exponent in the low bits (n is integral and small, the sum exact); the
        // shift moves it into the exponent field and drops the rest.
        if (IsDouble)
        {
            var k = n.Value.As<T, double>() + Vector512.Create(6755399441056767.0);
            return new(Vector512.ShiftLeft(k.AsUInt64(), 52).As<ulong, T>());
        }
        else
        {
            var k = n.Value.As<T, float>() + Vector512.Create(12583039.0f);
            return new(Vector512.ShiftLeft(k.AsUInt32(), 23).As<uint, T>());
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> MaxBits(V512<T> a, V512<T> b) => IsDouble
        ? new(Vector512.Max(a.Value.As<T, ulong>(), b.Value.As<T, ulong>()).As<ulong, T>())
        : new(Vector512.Max(a.Value.As<T, uint>(), b.Value.As<T, uint>()).As<uint, T>());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyBitsGreater(V512<T> a, V512<T> b) => IsDouble
        ? Vector512.GreaterThanAny(a.Value.As<T, ulong>(), b.Value.As<T, ulong>())
        : Vector512.GreaterThanAny(a.Value.As<T, uint>(), b.Value.As<T, uint>());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> AddTowardZero(V512<T> a, V512<T> b)
    {
        if (Avx512F.IsSupported)
        {
            return IsDouble
                ? new(Avx512F.Add(a.Value.As<T, double>(), b.Value.As<T, double>(), FloatRoundingMode.ToZero).As<double, T>())
                : new(Avx512F.Add(a.Value.As<T, float>(), b.Value.As<T, float>(), FloatRoundingMode.ToZero).As<float, T>());
        }

        // As on the narrower widths: the next value down where the sum rounded to nearest came out above.
        var s = a.Value + b.Value;
        var e = b.Value - (s - a.Value);
        var up = Vector512.LessThan(e, Vector512<T>.Zero);
        return IsDouble
            ? new((s.As<T, long>() + up.As<T, long>()).As<long, T>())
            : new((s.As<T, int>() + up.As<T, int>()).As<int, T>());
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> SignFill(V512<T> x) => IsDouble
        ? new(Vector512.ShiftRightArithmetic(x.Value.As<T, long>(), 63).As<long, T>())
        : new(Vector512.ShiftRightArithmetic(x.Value.As<T, int>(), 31).As<int, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> MulPow2(V512<T> x, V512<T> n)
    {
        // VSCALEF rounds x·2^n once, as the multiplication by an exact power of two below does for every n it allows:
        // the same bits in one instruction instead of four.
        if (Avx512F.IsSupported) return ScaleB(x, n);

        // The exact power of two from the round-shifter trick (Pow2), then one rounding multiplication.
        return new(x.Value * Pow2(n).Value);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> MinusAbsAtLeast(V512<T> x, V512<T> floor)
        // VRANGE control 0b11_10: the smaller magnitude, sign bit set (a quiet NaN operand gives the other one).
        => Avx512DQ.IsSupported ? Range(x, floor, 0b1110) : Max(Or(x, SignMask), floor);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> AbsAtMost(V512<T> x, V512<T> limit)
        // VRANGE control 0b10_10: the smaller magnitude, sign bit cleared.
        => Avx512DQ.IsSupported ? Range(x, limit, 0b1010) : Min(Abs(x), limit);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> ClampMagnitude(V512<T> x, V512<T> limit)
        // VRANGE control 0b00_10: the smaller magnitude, sign bit from the first operand (x).
        => Avx512DQ.IsSupported ? Range(x, limit, 0b0010) : Min(Max(x, -limit), limit);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> WithSignOfLarger(V512<T> y, V512<T> x)
        // VRANGE control 0b00_10: the smaller magnitude (y, or either when equal), sign bit from the first operand.
        => Avx512DQ.IsSupported ? Range(x, y, 0b0010) : Select(SignMask, x, y);

    /// <inheritdoc />
    public static bool RestoresNaNCheaply => Avx512F.IsSupported && Avx512DQ.IsSupported;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> WithNaNOf(V512<T> result, V512<T> x)
    {
        // VFIXUPIMM with the table 0x21: a quiet NaN in x gives x itself, a signalling one x quieted (tokens 0 and 1),
        // every other class keeps result.
        if (Avx512F.IsSupported)
        {
            return IsDouble
                ? new(Avx512F.Fixup(result.Value.As<T, double>(), x.Value.As<T, double>(), Vector512.Create(0x21L), 0).As<double, T>())
                : new(Avx512F.Fixup(result.Value.As<T, float>(), x.Value.As<T, float>(), Vector512.Create(0x21), 0).As<float, T>());
        }

        return Select(IsNaN(x), x, result);
    }

    /// <summary>VRANGEPS/PD with the given control (callers pass a constant; only with AVX-512 DQ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V512<T> Range(V512<T> a, V512<T> b, [ConstantExpected(Max = (byte)15)] byte control) => IsDouble
        ? new(Avx512DQ.Range(a.Value.As<T, double>(), b.Value.As<T, double>(), control).As<double, T>())
        : new(Avx512DQ.Range(a.Value.As<T, float>(), b.Value.As<T, float>(), control).As<float, T>());

    /// <inheritdoc />
    public static bool ScaleBTakesAnyExponent => Avx512F.IsSupported;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> ScaleB(V512<T> x, V512<T> n)
    {
        if (Avx512F.IsSupported)
        {
            return IsDouble
                ? new(Avx512F.Scale(x.Value.As<T, double>(), n.Value.As<T, double>()).As<double, T>())
                : new(Avx512F.Scale(x.Value.As<T, float>(), n.Value.As<T, float>()).As<float, T>());
        }

        var n1 = Floor(n * Create(0.5));
        return MulPow2(MulPow2(x, n1), n - n1);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> ScaleBIntoSubnormals(V512<T> x, V512<T> n, bool anyMagnitude = false)
    {
        // On Intel a VSCALEFPS whose result underflows (to a subnormal or to 0) takes a microcode assist of about 200
        // cycles (Emerald Rapids); a register with such a lane takes the integer route instead. With anyMagnitude the
        // test is ⌊log2|x|⌋ + n < −125 (VGETEXP; 0 gives −∞ and takes the integer route, which returns it).
        if (!IsDouble && Avx512F.IsSupported && Isa.SubnormalsAssist
            && Vector512.LessThanAny(
                anyMagnitude ? Avx512F.GetExponent(x.Value.As<T, float>()) + n.Value.As<T, float>() : n.Value.As<T, float>(),
                Vector512.Create(anyMagnitude ? -125f : -120f)))
        {
            return new(ScaleIntoSubnormals(x.Value.As<T, float>(), n.Value.As<T, float>()).As<float, T>());
        }

        return ScaleB(x, n);
    }

    /// <summary>
    /// x·2^n rounded once, as VSCALEFPS gives it, without a floating-point operation whose result is subnormal (each
    /// takes a microcode assist on Intel processors). A lane whose result lies below 2^−126 is rounded to the subnormal
    /// grid as an integer: z = |x|·2^(n + 149) is exact, its conversion to an integer rounds to nearest even like the
    /// scaling itself, and that integer M, with x's sign bit, is the bit pattern of M·2^−149 (M = 2^23 gives 2^−126, the
    /// smallest normal float). Lanes whose result is below a quarter of the least subnormal (⌊log2|x|⌋ + n + 149 &lt; −1,
    /// zeros included) have |x| zeroed first, so z is 0 or at least 1/2 and never subnormal. Other lanes scale as usual,
    /// with n replaced by 0 in the integer lanes. NaN and ±∞ give VSCALEF's results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ScaleIntoSubnormals(Vector512<float> x, Vector512<float> n)
    {
        var ax = Vector512.Abs(x);
        var k = n + Vector512.Create(149f);
        var below = Vector512.LessThan(Avx512F.GetExponent(ax) + k, Vector512.Create(-1f));
        var z = Avx512F.Scale(Vector512.ConditionalSelect(below, Vector512<float>.Zero, ax), k);
        // NaN lanes stay with VSCALEF, whatever it makes of them (VSCALEF(NaN, −∞) is +0).
        var integer = Vector512.LessThan(z, Vector512.Create(8388608f)) & Vector512.Equals(x, x);
        var m = Avx512F.ConvertToVector512Int32(z).AsSingle() | (x & Vector512.Create(-0f));
        var scaled = Avx512F.Scale(x, Vector512.ConditionalSelect(integer, Vector512<float>.Zero, n));
        return Vector512.ConditionalSelect(integer, m, scaled);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> InDouble<TMap>(TMap map, V512<T> a, V512<T> b) where TMap : struct, ILaneMap
    {
        if (IsDouble) return map.Apply(a, b);
        var af = a.Value.As<T, float>();
        var bf = b.Value.As<T, float>();
        // Both halves through one inlined copy of the map, in a loop of two (see IVec.InDouble).
        Vector512<double> lo = default, hi = default;
        for (int h = 0; h < 2; h++)
        {
            var x = h == 0 ? Vector512.WidenLower(af) : Vector512.WidenUpper(af);
            var y = h == 0 ? Vector512.WidenLower(bf) : Vector512.WidenUpper(bf);
            var r = map.Apply(new V512<double>(x), new V512<double>(y)).Value;
            if (h == 0) lo = r;
            else hi = r;
        }

        return new(Vector512.Narrow(lo, hi).As<float, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512<T> Frexp(V512<T> x, out V512<T> exponent)
    {
        if (IsDouble)
        {
            var bits = x.Value.AsUInt64();
            var biased = Vector512.ShiftRightLogical(bits, 52);
            // 2^52 + e as a double, minus (2^52 + 1023), gives e exactly.
            exponent = new((Vector512.Create(0x4330000000000000UL) | biased).AsDouble().As<double, T>()
                - Vector512.Create(T.CreateTruncating(4503599627371519.0)));
            var m = (bits & Vector512.Create(0x000FFFFFFFFFFFFFUL)) | Vector512.Create(0x3FF0000000000000UL);
            return new(m.As<ulong, T>());
        }
        else
        {
            var bits = x.Value.AsUInt32();
            var biased = Vector512.ShiftRightLogical(bits, 23);
            exponent = new((Vector512.Create(0x4B000000U) | biased).AsSingle().As<float, T>()
                - Vector512.Create(T.CreateTruncating(8388735.0)));
            var m = (bits & Vector512.Create(0x007FFFFFU)) | Vector512.Create(0x3F800000U);
            return new(m.As<uint, T>());
        }
    }
}
