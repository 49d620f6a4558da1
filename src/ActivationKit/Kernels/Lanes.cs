using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ActivationKit.Simd;
using System.Globalization;

namespace ActivationKit.Kernels;

/// <summary>
/// Memory access for loops written generically over a register type <c>TV</c> (as the row-wise and gated drivers
/// are): every <see cref="IVec{TV}"/> implementation is a struct holding exactly one register (or one scalar), so a
/// register is read or written as <c>TV.Count</c> consecutive lanes of memory.
/// </summary>
internal static class Lanes
{

    /// <summary>Loads <c>TV.Count</c> lanes of the register's own element type starting at <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TV, T>(ref T source)
        where TV : struct, IVec<TV>
        where T : unmanaged
        => Unsafe.ReadUnaligned<TV>(ref Unsafe.As<T, byte>(ref source));

    /// <summary>Stores all lanes of <paramref name="value"/> at <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TV, T>(TV value, ref T destination)
        where TV : struct, IVec<TV>
        where T : unmanaged
        => Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref destination), value);

    /// <summary>
    /// Stores all lanes of <paramref name="value"/> at <paramref name="destination"/>: an ordinary store for
    /// <see cref="Cached"/>, a non-temporal one for <see cref="Streaming"/> (the destination pinned and aligned to the
    /// register's size).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TV, T, TStore>(TV value, ref T destination)
        where TV : struct, IVec<TV>
        where T : unmanaged
        where TStore : struct
        => StoreAs<TV, T, TStore>(value, ref destination);

    /// <summary><see cref="Store{TV, T, TStore}"/> for any value one register wide (a bare <c>Vector256&lt;float&gt;</c>…).</summary>
    // Small on purpose: the type test folds while the loop is imported, so the cached loops never see the streaming
    // store's body (inlined, it counted against their inlining budget: silu and elu fell back to calls).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAs<TValue, T, TStore>(TValue value, ref T destination)
        where TValue : struct
        where T : unmanaged
        where TStore : struct
    {
        if (typeof(TStore) == typeof(Streaming)) StoreStreaming(value, ref destination);
        else Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref destination), value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreStreaming<TValue, T>(TValue value, ref T destination)
        where TValue : struct
        where T : unmanaged
    {
        byte* p = (byte*)Unsafe.AsPointer(ref destination);
        if (Unsafe.SizeOf<TValue>() == 64 && Vector512.IsHardwareAccelerated) Unsafe.BitCast<TValue, Vector512<byte>>(value).StoreAlignedNonTemporal(p);
        else if (Unsafe.SizeOf<TValue>() == 32 && Vector256.IsHardwareAccelerated) Unsafe.BitCast<TValue, Vector256<byte>>(value).StoreAlignedNonTemporal(p);
        else if (Unsafe.SizeOf<TValue>() == 16 && Vector128.IsHardwareAccelerated) Unsafe.BitCast<TValue, Vector128<byte>>(value).StoreAlignedNonTemporal(p);
        else Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref destination), value);
    }

    /// <summary>Loads <c>TV.Count</c> floats into a register of double lanes (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LoadWidened<TV>(ref float source) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>))
        {
            // One vcvtps2pd with the load folded in where the instruction exists (WidenLower added a separate load).
            var v = Avx512F.IsSupported
                ? Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref source))
                : Vector512.WidenLower(Vector256.LoadUnsafe(ref source).ToVector512Unsafe());
            return Unsafe.BitCast<V512<double>, TV>(new V512<double>(v));
        }

        if (typeof(TV) == typeof(V256<double>))
        {
            var v = Avx.IsSupported
                ? Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref source))
                : Vector256.WidenLower(Vector128.LoadUnsafe(ref source).ToVector256Unsafe());
            return Unsafe.BitCast<V256<double>, TV>(new V256<double>(v));
        }

        if (typeof(TV) == typeof(V128<double>))
        {
            // Two floats are one 64-bit load.
            var pair = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<double>(ref Unsafe.As<float, byte>(ref source))).AsSingle();
            return Unsafe.BitCast<V128<double>, TV>(new V128<double>(Vector128.WidenLower(pair)));
        }

        if (typeof(TV) == typeof(S<double>))
        {
            return Unsafe.BitCast<S<double>, TV>(new S<double>(source));
        }

        throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{typeof(TV).Name} is not a register of double lanes."));
    }

    /// <summary>Rounds a register of double lanes to float (nearest even) and stores its <c>TV.Count</c> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed<TV>(TV value, ref float destination) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>))
        {
            var v = Unsafe.BitCast<TV, V512<double>>(value).Value;
            // One vcvtpd2ps to 8 floats (Narrow(v, v).GetLower() converted, then filled the upper half it throws away).
            if (Avx512F.IsSupported) Avx512F.ConvertToVector256Single(v).StoreUnsafe(ref destination);
            else Vector512.Narrow(v, v).GetLower().StoreUnsafe(ref destination);
            return;
        }

        if (typeof(TV) == typeof(V256<double>))
        {
            var v = Unsafe.BitCast<TV, V256<double>>(value).Value;
            if (Avx.IsSupported) Avx.ConvertToVector128Single(v).StoreUnsafe(ref destination);
            else Vector256.Narrow(v, v).GetLower().StoreUnsafe(ref destination);
            return;
        }

        if (typeof(TV) == typeof(V128<double>))
        {
            var v = Unsafe.BitCast<TV, V128<double>>(value).Value;
            double pair = Vector128.Narrow(v, v).AsDouble().ToScalar();
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref destination), pair);
            return;
        }

        if (typeof(TV) == typeof(S<double>))
        {
            destination = (float)Unsafe.BitCast<TV, S<double>>(value).Value;
            return;
        }

        throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{typeof(TV).Name} is not a register of double lanes."));
    }

    /// <summary>The sum of the lanes of a register of double lanes (pairwise, in a fixed order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum<TV>(TV value) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>)) return Vector512.Sum(Unsafe.BitCast<TV, V512<double>>(value).Value);
        if (typeof(TV) == typeof(V256<double>)) return Vector256.Sum(Unsafe.BitCast<TV, V256<double>>(value).Value);
        if (typeof(TV) == typeof(V128<double>)) return Vector128.Sum(Unsafe.BitCast<TV, V128<double>>(value).Value);
        if (typeof(TV) == typeof(S<double>)) return Unsafe.BitCast<TV, S<double>>(value).Value;
        throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{typeof(TV).Name} is not a register of double lanes."));
    }

    /// <summary>The sum of the lanes of a register of float lanes, formed in double (pairwise, in a fixed order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SumOfFloats<TV>(TV value) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<float>))
        {
            var v = Unsafe.BitCast<TV, V512<float>>(value).Value;
            return Vector512.Sum(Vector512.WidenLower(v) + Vector512.WidenUpper(v));
        }

        if (typeof(TV) == typeof(V256<float>))
        {
            var v = Unsafe.BitCast<TV, V256<float>>(value).Value;
            return Vector256.Sum(Vector256.WidenLower(v) + Vector256.WidenUpper(v));
        }

        if (typeof(TV) == typeof(V128<float>))
        {
            var v = Unsafe.BitCast<TV, V128<float>>(value).Value;
            return Vector128.Sum(Vector128.WidenLower(v) + Vector128.WidenUpper(v));
        }

        if (typeof(TV) == typeof(S<float>)) return Unsafe.BitCast<TV, S<float>>(value).Value;
        throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{typeof(TV).Name} is not a register of float lanes."));
    }

    /// <summary>
    /// The largest (<paramref name="largest"/>) or smallest lane of a register of float lanes, unspecified when a lane
    /// is NaN; a zero result is +0 whatever mix of ±0 the lanes hold, so every register width returns the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ExtremeOfFloats<TV>(TV value, bool largest) where TV : struct, IVec<TV>
    {
        Vector128<float> m;
        if (typeof(TV) == typeof(V512<float>))
        {
            var v = Unsafe.BitCast<TV, V512<float>>(value).Value;
            var h = Pick(v.GetLower(), v.GetUpper(), largest);
            m = Pick(h.GetLower(), h.GetUpper(), largest);
        }
        else if (typeof(TV) == typeof(V256<float>))
        {
            var v = Unsafe.BitCast<TV, V256<float>>(value).Value;
            m = Pick(v.GetLower(), v.GetUpper(), largest);
        }
        else if (typeof(TV) == typeof(V128<float>))
        {
            m = Unsafe.BitCast<TV, V128<float>>(value).Value;
        }
        else if (typeof(TV) == typeof(S<float>))
        {
            return Unsafe.BitCast<TV, S<float>>(value).Value + 0f;
        }
        else
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{typeof(TV).Name} is not a register of float lanes."));
        }

        m = Pick(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)), largest);
        m = Pick(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)), largest);
        return m.ToScalar() + 0f;
    }

    private static Vector256<float> Pick(Vector256<float> a, Vector256<float> b, bool largest)
        => largest ? Vector256.MaxNative(a, b) : Vector256.MinNative(a, b);

    private static Vector128<float> Pick(Vector128<float> a, Vector128<float> b, bool largest)
        => largest ? Vector128.MaxNative(a, b) : Vector128.MinNative(a, b);

    /// <summary>The largest lane of a register of double lanes (unspecified when a lane is NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Max<TV>(TV value) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>))
        {
            var v = Unsafe.BitCast<TV, V512<double>>(value).Value;
            return Max(Vector256.Max(v.GetLower(), v.GetUpper()));
        }

        if (typeof(TV) == typeof(V256<double>)) return Max(Unsafe.BitCast<TV, V256<double>>(value).Value);
        if (typeof(TV) == typeof(V128<double>)) return Max(Unsafe.BitCast<TV, V128<double>>(value).Value);
        if (typeof(TV) == typeof(S<double>)) return Unsafe.BitCast<TV, S<double>>(value).Value;
        throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{typeof(TV).Name} is not a register of double lanes."));
    }

    /// <summary>
    /// Σ lanes of <paramref name="sum"/> plus Σ lanes of <paramref name="error"/>, the lanes combined pairwise with
    /// their rounding errors kept (TwoSum), so the combination adds no error of its own beyond the last rounding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SumCompensated<TV>(TV sum, TV error) where TV : struct, IVec<TV>
    {
        double plain = Sum(sum);
        // An infinite or NaN sum is already the answer (and TwoSum's error terms would be NaN).
        if (!double.IsFinite(plain)) return plain;
        double compensated = Compensated(sum, error, plain);
        // Pairing the lanes differently could overflow where the plain sum did not: keep the plain sum then.
        return double.IsFinite(compensated) ? compensated : plain;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Compensated<TV>(TV sum, TV error, double plain) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>))
        {
            var s = Unsafe.BitCast<TV, V512<double>>(sum).Value;
            var e = Unsafe.BitCast<TV, V512<double>>(error).Value;
            var h = ErrorFree.TwoSum(s.GetLower(), s.GetUpper(), out var l);
            return Fold(h, l + e.GetLower() + e.GetUpper());
        }

        if (typeof(TV) == typeof(V256<double>))
        {
            return Fold(Unsafe.BitCast<TV, V256<double>>(sum).Value, Unsafe.BitCast<TV, V256<double>>(error).Value);
        }

        if (typeof(TV) == typeof(V128<double>))
        {
            return Fold(Unsafe.BitCast<TV, V128<double>>(sum).Value, Unsafe.BitCast<TV, V128<double>>(error).Value);
        }

        return plain + Sum(error);
    }

    private static double Max(Vector256<double> v) => Max(Vector128.Max(v.GetLower(), v.GetUpper()));

    private static double Max(Vector128<double> v) => Math.Max(v.GetElement(0), v.GetElement(1));

    private static double Fold(Vector256<double> s, Vector256<double> e)
    {
        var h = ErrorFree.TwoSum(s.GetLower(), s.GetUpper(), out var l);
        return Fold(h, l + e.GetLower() + e.GetUpper());
    }

    /// <summary>The two-sum of <paramref name="s"/>'s two lanes plus its error and the error terms <paramref name="e"/>: (a + b) + ((low + e₀) + e₁).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Fold(Vector128<double> s, Vector128<double> e)
    {
        double a = s.GetElement(0);
        double b = s.GetElement(1);
        double h = a + b;
        double l = ErrorFree.TwoSumError(a, b, h);
        return h + (l + e.GetElement(0) + e.GetElement(1));
    }

    /// <summary>
    /// Widens a float span into a separate double span of the same length (exact), a register at a time; the last
    /// register overlaps the previous one when the length is not a multiple of the width (requires length ≥ Count).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Widen<TV>(ReadOnlySpan<float> source, Span<double> destination) where TV : struct, IVec<TV>
    {
        ref float s = ref MemoryMarshal.GetReference(source);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = source.Length;
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count) Store(LoadWidened<TV>(ref Unsafe.Add(ref s, i)), ref Unsafe.Add(ref d, i));
        if (i < n) Store(LoadWidened<TV>(ref Unsafe.Add(ref s, n - TV.Count)), ref Unsafe.Add(ref d, n - TV.Count));
    }

    /// <summary>Rounds a double span into a separate float span of the same length, a register at a time (length ≥ Count).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Narrow<TV>(ReadOnlySpan<double> source, Span<float> destination) where TV : struct, IVec<TV>
    {
        ref double s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int n = source.Length;
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count) StoreNarrowed(Load<TV, double>(ref Unsafe.Add(ref s, i)), ref Unsafe.Add(ref d, i));
        if (i < n) StoreNarrowed(Load<TV, double>(ref Unsafe.Add(ref s, n - TV.Count)), ref Unsafe.Add(ref d, n - TV.Count));
    }
}
