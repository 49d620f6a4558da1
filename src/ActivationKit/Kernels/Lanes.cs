using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ActivationKit.Simd;

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

    /// <summary>Loads <c>TV.Count</c> floats into a register of double lanes (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LoadWidened<TV>(ref float source) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>))
        {
            var v = Vector512.WidenLower(Vector256.LoadUnsafe(ref source).ToVector512Unsafe());
            return Unsafe.BitCast<V512<double>, TV>(new V512<double>(v));
        }

        if (typeof(TV) == typeof(V256<double>))
        {
            var v = Vector256.WidenLower(Vector128.LoadUnsafe(ref source).ToVector256Unsafe());
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

        throw new NotSupportedException($"{typeof(TV).Name} is not a register of double lanes.");
    }

    /// <summary>Rounds a register of double lanes to float (nearest even) and stores its <c>TV.Count</c> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed<TV>(TV value, ref float destination) where TV : struct, IVec<TV>
    {
        if (typeof(TV) == typeof(V512<double>))
        {
            var v = Unsafe.BitCast<TV, V512<double>>(value).Value;
            Vector512.Narrow(v, v).GetLower().StoreUnsafe(ref destination);
            return;
        }

        if (typeof(TV) == typeof(V256<double>))
        {
            var v = Unsafe.BitCast<TV, V256<double>>(value).Value;
            Vector256.Narrow(v, v).GetLower().StoreUnsafe(ref destination);
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

        throw new NotSupportedException($"{typeof(TV).Name} is not a register of double lanes.");
    }

    /// <summary>The sum of the lanes of a register of double lanes, added in lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum<TV>(TV value) where TV : struct, IVec<TV>
    {
        ref double lane = ref Unsafe.As<TV, double>(ref value);
        double s = lane;
        for (int i = 1; i < TV.Count; i++) s += Unsafe.Add(ref lane, i);
        return s;
    }

    /// <summary>The largest lane of a register of double lanes; NaN if any lane is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Max<TV>(TV value) where TV : struct, IVec<TV>
    {
        ref double lane = ref Unsafe.As<TV, double>(ref value);
        double m = lane;
        if (double.IsNaN(m)) return m;
        for (int i = 1; i < TV.Count; i++)
        {
            double v = Unsafe.Add(ref lane, i);
            if (double.IsNaN(v)) return v;
            if (v > m) m = v;
        }

        return m;
    }

    /// <summary>
    /// Widens a float span into a separate double span of the same length (exact), a register at a time; the last
    /// register overlaps the previous one when the length is not a multiple of the width (requires length ≥ Count).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
