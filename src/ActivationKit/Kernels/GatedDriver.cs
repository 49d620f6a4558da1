using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ActivationKit.Simd;
using System.Globalization;

namespace ActivationKit.Kernels;

/// <summary>
/// The one loop behind every gated activation (GLU family): each input row of 2h elements is split into halves
/// [a | b] and the output row of h elements is a ⊙ g(b), with g any element-wise kernel. Backward writes rows of 2h
/// gradients [dA | dB] = [dy ⊙ g(b) | dy ⊙ a ⊙ g′(b)]. Kernels that ask for it (<see cref="IUnaryKernel.ComputeFloatInDouble"/>,
/// <see cref="IUnaryKernel.GateProductInDouble"/>)
/// run float data in double lanes, so the product a·g(b) is rounded once.
/// </summary>
/// <remarks>
/// Outputs have a different shape from the input, so the forward output must not overlap the input at all. The
/// backward output has the input's shape and may be the input itself (each position is read before it is written).
/// The per-lane arithmetic is the same at every width, so results do not depend on the machine's vector width.
/// </remarks>
public static class GatedDriver
{
    /// <summary>y = a ⊙ g(b) for every row of <c>2·<paramref name="half"/></c> inputs, float.</summary>
    public static void Forward<TK>(TK gate, ReadOnlySpan<float> x, Span<float> y, int half) where TK : struct, IUnaryKernel
    {
        CheckForward(x, y, half);
        if (y.Length == 0) return;
        if (Parallel(x.Length, half) && TryRunParallel(gate, x, default, y, half)) return;
        ForwardSerial(gate, x, y, half);
    }

    /// <summary>The float forward of whole rows on this thread (the checks done).</summary>
    internal static void ForwardSerial<TK>(TK gate, ReadOnlySpan<float> x, Span<float> y, int half) where TK : struct, IUnaryKernel
    {
        if (TK.ComputeFloatInDouble || TK.GateProductInDouble || TK.BackwardFloatInDouble)
        {
            if (Vector512.IsHardwareAccelerated && half >= Vector512<double>.Count) ForwardRows<TK, float, V512<double>, WideIo<V512<double>>>(gate, x, y, half);
            else if (Vector256.IsHardwareAccelerated && half >= Vector256<double>.Count) ForwardRows<TK, float, V256<double>, WideIo<V256<double>>>(gate, x, y, half);
            else if (Vector128.IsHardwareAccelerated && half >= Vector128<double>.Count) ForwardRows<TK, float, V128<double>, WideIo<V128<double>>>(gate, x, y, half);
            else ForwardRows<TK, float, S<double>, WideIo<S<double>>>(gate, x, y, half);
        }
        else
        {
            if (Vector512.IsHardwareAccelerated && half >= Vector512<float>.Count) ForwardRows<TK, float, V512<float>, SameIo<V512<float>, float>>(gate, x, y, half);
            else if (Vector256.IsHardwareAccelerated && half >= Vector256<float>.Count) ForwardRows<TK, float, V256<float>, SameIo<V256<float>, float>>(gate, x, y, half);
            else if (Vector128.IsHardwareAccelerated && half >= Vector128<float>.Count) ForwardRows<TK, float, V128<float>, SameIo<V128<float>, float>>(gate, x, y, half);
            else ForwardRows<TK, float, S<float>, SameIo<S<float>, float>>(gate, x, y, half);
        }
    }

    /// <summary>y = a ⊙ g(b) for every row of <c>2·<paramref name="half"/></c> inputs, double.</summary>
    public static void Forward<TK>(TK gate, ReadOnlySpan<double> x, Span<double> y, int half) where TK : struct, IUnaryKernel
    {
        CheckForward(x, y, half);
        if (y.Length == 0) return;
        if (Parallel(x.Length, half) && TryRunParallel(gate, x, default, y, half)) return;
        ForwardSerial(gate, x, y, half);
    }

    /// <summary>The double forward of whole rows on this thread (the checks done).</summary>
    internal static void ForwardSerial<TK>(TK gate, ReadOnlySpan<double> x, Span<double> y, int half) where TK : struct, IUnaryKernel
    {
        if (Vector512.IsHardwareAccelerated && half >= Vector512<double>.Count) ForwardRows<TK, double, V512<double>, SameIo<V512<double>, double>>(gate, x, y, half);
        else if (Vector256.IsHardwareAccelerated && half >= Vector256<double>.Count) ForwardRows<TK, double, V256<double>, SameIo<V256<double>, double>>(gate, x, y, half);
        else if (Vector128.IsHardwareAccelerated && half >= Vector128<double>.Count) ForwardRows<TK, double, V128<double>, SameIo<V128<double>, double>>(gate, x, y, half);
        else ForwardRows<TK, double, S<double>, SameIo<S<double>, double>>(gate, x, y, half);
    }

    /// <summary>[dA | dB] = [dy ⊙ g(b) | dy ⊙ a ⊙ g′(b)] for every row, float.</summary>
    public static void Backward<TK>(TK gate, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int half) where TK : struct, IUnaryKernel
    {
        CheckBackward(x, dy, dx, half);
        if (dy.Length == 0) return;
        if (Parallel(x.Length, half) && TryRunParallel(gate, x, dy, dx, half)) return;
        BackwardSerial(gate, x, dy, dx, half);
    }

    /// <summary>The float backward of whole rows on this thread (the checks done).</summary>
    internal static void BackwardSerial<TK>(TK gate, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int half) where TK : struct, IUnaryKernel
    {
        if (TK.ComputeFloatInDouble || TK.GateProductInDouble || TK.BackwardFloatInDouble)
        {
            if (Vector512.IsHardwareAccelerated && half >= Vector512<double>.Count) BackwardRows<TK, float, V512<double>, WideIo<V512<double>>>(gate, x, dy, dx, half);
            else if (Vector256.IsHardwareAccelerated && half >= Vector256<double>.Count) BackwardRows<TK, float, V256<double>, WideIo<V256<double>>>(gate, x, dy, dx, half);
            else if (Vector128.IsHardwareAccelerated && half >= Vector128<double>.Count) BackwardRows<TK, float, V128<double>, WideIo<V128<double>>>(gate, x, dy, dx, half);
            else BackwardRows<TK, float, S<double>, WideIo<S<double>>>(gate, x, dy, dx, half);
        }
        else
        {
            if (Vector512.IsHardwareAccelerated && half >= Vector512<float>.Count) BackwardRows<TK, float, V512<float>, SameIo<V512<float>, float>>(gate, x, dy, dx, half);
            else if (Vector256.IsHardwareAccelerated && half >= Vector256<float>.Count) BackwardRows<TK, float, V256<float>, SameIo<V256<float>, float>>(gate, x, dy, dx, half);
            else if (Vector128.IsHardwareAccelerated && half >= Vector128<float>.Count) BackwardRows<TK, float, V128<float>, SameIo<V128<float>, float>>(gate, x, dy, dx, half);
            else BackwardRows<TK, float, S<float>, SameIo<S<float>, float>>(gate, x, dy, dx, half);
        }
    }

    /// <summary>[dA | dB] = [dy ⊙ g(b) | dy ⊙ a ⊙ g′(b)] for every row, double.</summary>
    public static void Backward<TK>(TK gate, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int half) where TK : struct, IUnaryKernel
    {
        CheckBackward(x, dy, dx, half);
        if (dy.Length == 0) return;
        if (Parallel(x.Length, half) && TryRunParallel(gate, x, dy, dx, half)) return;
        BackwardSerial(gate, x, dy, dx, half);
    }

    /// <summary>The double backward of whole rows on this thread (the checks done).</summary>
    internal static void BackwardSerial<TK>(TK gate, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int half) where TK : struct, IUnaryKernel
    {
        if (Vector512.IsHardwareAccelerated && half >= Vector512<double>.Count) BackwardRows<TK, double, V512<double>, SameIo<V512<double>, double>>(gate, x, dy, dx, half);
        else if (Vector256.IsHardwareAccelerated && half >= Vector256<double>.Count) BackwardRows<TK, double, V256<double>, SameIo<V256<double>, double>>(gate, x, dy, dx, half);
        else if (Vector128.IsHardwareAccelerated && half >= Vector128<double>.Count) BackwardRows<TK, double, V128<double>, SameIo<V128<double>, double>>(gate, x, dy, dx, half);
        else BackwardRows<TK, double, S<double>, SameIo<S<double>, double>>(gate, x, dy, dx, half);
    }

    /// <summary>
    /// Whether a call of <paramref name="length"/> inputs may be split across threads: <see cref="KernelOptions.MaxThreads"/>
    /// above 1, at least <see cref="KernelOptions.ParallelThreshold"/> inputs and more than one row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Parallel(int length, int half)
        => length >= KernelOptions.ParallelThreshold && KernelOptions.MaxThreads > 1 && length > 2 * half;

    /// <summary>
    /// Splits the rows of a call across the pool (<see cref="ForkJoin"/>): chunks of whole rows, each run by the serial
    /// path, so the results are the bits of one thread. False, and nothing done, when the pool is busy (the caller then
    /// runs the call itself). <paramref name="dy"/> is empty for the forward.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool TryRunParallel<TK, T>(TK gate, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dst, int half)
        where TK : struct, IUnaryKernel
        where T : unmanaged
    {
        if (!ForkJoin.TryAcquire()) return false;
        try
        {
            int threads = KernelOptions.MaxThreads;
            var job = GatedJob<TK, T>.Instance;
            fixed (T* px = x, pdy = dy, pd = dst)
            {
                job.Gate = gate;
                job.Backward = !dy.IsEmpty;
                job.X = px;
                job.Dy = pdy;
                job.D = pd;
                job.Half = half;
                job.SplitRows(x.Length / (2 * half), 2 * half, threads);
                ForkJoin.Run(job, threads);
                job.X = job.Dy = job.D = null;
            }

            return true;
        }
        finally
        {
            ForkJoin.Release();
        }
    }

    private static void CheckForward<T>(ReadOnlySpan<T> x, Span<T> y, int half)
    {
        if (half <= 0 || x.Length % (2 * half) != 0 || y.Length != x.Length / 2) Throw.ForwardShape(x.Length, y.Length, half);
        if (x.Overlaps(y)) Throw.Overlap("'y' overlaps 'x'; a gated output has half the input's columns, so it must be separate memory.", "y");
    }

    private static void CheckBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, int half)
    {
        if (half <= 0 || x.Length % (2 * half) != 0 || dy.Length != x.Length / 2 || dx.Length != x.Length)
        {
            Throw.BackwardShape(x.Length, dy.Length, dx.Length, half);
        }

        SpanChecks.NoPartialOverlap(x, dx, "x", "dx");
        if (((ReadOnlySpan<T>)dx).Overlaps(dy))
        {
            Throw.Overlap("'dx' overlaps 'dy'; dx has twice dy's columns, so it must be separate memory (it may be 'x' itself).", "dx");
        }
    }

    /// <summary>The checks' messages, out of line so the checks build nothing per call (see <see cref="SpanChecks"/>).</summary>
    private static class Throw
    {
        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static void ForwardShape(int xLength, int yLength, int half)
        {
            Shape(xLength, half);
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'y' has {yLength} elements but {xLength / 2} are produced (half of the input's {xLength})."), "y");
        }

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static void BackwardShape(int xLength, int dyLength, int dxLength, int half)
        {
            Shape(xLength, half);
            if (dyLength != xLength / 2)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'dy' has {dyLength} elements but the output has {xLength / 2} (half of the input's {xLength})."), "dy");
            }

            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'dx' has {dxLength} elements but 'x' has {xLength}; they must be equal."), "dx");
        }

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static void Overlap(string message, string name) => throw new ArgumentException(message, name);

        private static void Shape(int xLength, int half)
        {
            if (half <= 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The half width must be positive, got {half}."), "half");
            if (xLength % (2 * half) != 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A buffer of {xLength} elements is not a whole number of rows of {2 * half} columns."), "x");
            }
        }
    }

    // Its own method, never inlined: inlined into a tier-1 caller, the gate's lane operations ran out of that
    // caller's inlining budget and became calls to tier-0 code (glu on one row of 10: 18 → 80 ns per call).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRows<TK, T, TV, TIo>(TK gate, ReadOnlySpan<T> x, Span<T> y, int h)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
    {
        // Pairs where the last pair's overlap with the one before recomputes at most an eighth of the row (rows of 17
        // in pairs of 16: 0.36 → 0.41 ns per input element, 0.22 at 32).
        if (typeof(T) == typeof(float) && TK.FusedGate && h >= 2 * TV.Count && 8 * ((2 * TV.Count) - 1 - ((h - 1) % (2 * TV.Count))) <= h)
        {
            // Its own method: the paired loop imported here, even where the flag folds it away, spent the inlining
            // budget of a large gate (geglu's forward 0.52 → 2.3 ns per input element).
            PairedForwardRows<TK, T, TV, TIo>(gate, x, y, h);
            return;
        }

        ref T px = ref MemoryMarshal.GetReference(x);
        ref T py = ref MemoryMarshal.GetReference(y);
        int rows = y.Length / h;
        int last = h - TV.Count;
        for (int r = 0; r < rows; r++)
        {
            ref T a = ref Unsafe.Add(ref px, 2 * r * h);
            ref T b = ref Unsafe.Add(ref a, h);
            ref T o = ref Unsafe.Add(ref py, r * h);
            // The output is separate memory, so the last register may simply overlap the previous one. One call
            // site for the step: inlining a large gate twice can exhaust the JIT's inlining budget.
            for (int j = 0; j < h; j += TV.Count)
            {
                int at = Math.Min(j, last);
                StoreProduct<TK, T, TV, TIo>(gate, TIo.Load(ref Unsafe.Add(ref a, at)), TIo.Load(ref Unsafe.Add(ref b, at)), ref Unsafe.Add(ref o, at));
            }
        }
    }

    /// <summary>
    /// <see cref="ForwardRows{TK, T, TV, TIo}"/> for float data with <see cref="IUnaryKernel.FusedGate"/>: two
    /// registers per iteration, both loaded before either is stored, so their chains overlap (glu and swiglu on rows of
    /// 1000 floats 0.24 → 0.22 ns per input element), for rows of at least two registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PairedForwardRows<TK, T, TV, TIo>(TK gate, ReadOnlySpan<T> x, Span<T> y, int h)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
    {
        ref T px = ref MemoryMarshal.GetReference(x);
        ref T py = ref MemoryMarshal.GetReference(y);
        int rows = y.Length / h;
        int last = h - (2 * TV.Count);
        for (int r = 0; r < rows; r++)
        {
            ref T a = ref Unsafe.Add(ref px, 2 * r * h);
            ref T b = ref Unsafe.Add(ref a, h);
            ref T o = ref Unsafe.Add(ref py, r * h);
            // The last pair overlaps the one before where h is not a whole number of pairs (the output is separate
            // memory): one call site for the pair, no single-register loop beside it, whose third copy of the gate ran
            // out of the inlining budget (swiglu on rows of 10, 0.77 → 1.19 ns per input element).
            for (int j = 0; j < h; j += 2 * TV.Count)
            {
                int at = Math.Min(j, last);
                StoreProductPair<TK, T, TV, TIo>(gate, ref Unsafe.Add(ref a, at), ref Unsafe.Add(ref b, at), ref Unsafe.Add(ref o, at));
            }
        }
    }

    /// <summary>
    /// Two registers of m·g(b) from <paramref name="a"/> and <paramref name="b"/> onward, stored at <paramref name="o"/>
    /// (float data with <see cref="IUnaryKernel.FusedGate"/>, whose gates give their float formulas, <see cref="IUnaryKernel.ForwardFloatLanes{TV}"/>);
    /// marked lanes redone after both stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreProductPair<TK, T, TV, TIo>(TK gate, ref T a, ref T b, ref T o)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
    {
        var a0 = TIo.Load(ref a);
        var b0 = TIo.Load(ref b);
        var a1 = TIo.Load(ref Unsafe.Add(ref a, TV.Count));
        var b1 = TIo.Load(ref Unsafe.Add(ref b, TV.Count));
        var y0 = a0 * gate.ForwardFloatLanes(b0, out var far0);
        var y1 = a1 * gate.ForwardFloatLanes(b1, out var far1);
        TIo.Store(y0, ref o);
        TIo.Store(y1, ref Unsafe.Add(ref o, TV.Count));
        if (TV.AnyTrue(TV.Or(far0, far1)))
        {
            RedoForward<TK, T, TV, TIo>(gate, far0, a0, b0, ref o);
            RedoForward<TK, T, TV, TIo>(gate, far1, a1, b1, ref Unsafe.Add(ref o, TV.Count));
        }
    }

    /// <summary>Gradients per chunk of at most this many columns (the dB chunk waits in a stack buffer).</summary>
    private const int ChunkLength = 256;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BackwardRows<TK, T, TV, TIo>(TK gate, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, int h)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
    {
        ref T px = ref MemoryMarshal.GetReference(x);
        ref T pg = ref MemoryMarshal.GetReference(dy);
        ref T pd = ref MemoryMarshal.GetReference(dx);
        int rows = dy.Length / h;
        if (TK.FusedGate || TK.IsCheap)
        {
            FusedBackwardRows<TK, T, TV, TIo>(gate, ref px, ref pg, ref pd, rows, h);
            return;
        }

        Span<T> pending = stackalloc T[ChunkLength];

        // Balanced chunks: each is at least min(h, ChunkLength/2) ≥ TV.Count long, so the overlapping last register
        // of a chunk stays inside it.
        int chunks = (h + ChunkLength - 1) / ChunkLength;
        for (int r = 0; r < rows; r++)
        {
            ref T a = ref Unsafe.Add(ref px, 2 * r * h);
            ref T b = ref Unsafe.Add(ref a, h);
            ref T g = ref Unsafe.Add(ref pg, r * h);
            ref T da = ref Unsafe.Add(ref pd, 2 * r * h);
            ref T db = ref Unsafe.Add(ref da, h);
            int start = 0;
            for (int c = 0; c < chunks; c++)
            {
                int length = (h / chunks) + (c < h % chunks ? 1 : 0);
                // dx may be x. dB needs a, b and dy, so it is computed first into the buffer; dA then needs b and dy
                // and overwrites a; finally dB overwrites b. Each pass inlines the gate once (two exps in one method
                // exhaust the JIT's inlining budget and leave calls in the loop).
                GateDerivativeChunk<TK, T, TV, TIo>(gate, ref Unsafe.Add(ref a, start), ref Unsafe.Add(ref b, start), ref Unsafe.Add(ref g, start), ref MemoryMarshal.GetReference(pending), length);
                GateValueChunk<TK, T, TV, TIo>(gate, ref Unsafe.Add(ref b, start), ref Unsafe.Add(ref g, start), ref Unsafe.Add(ref da, start), length);
                pending[..length].CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref db, start), length));
                start += length;
            }
        }
    }

    /// <summary>
    /// [dA | dB] for every row in one pass (gates with <see cref="IUnaryKernel.FusedGate"/>, and gates of a few
    /// instructions, <see cref="IUnaryKernel.IsCheap"/>: ReGLU's ReLU): each register's
    /// a, b and dy are loaded before its dA and dB are stored at the same columns, so dx may be x. The last register of
    /// a row whose width is not a whole number of registers overlaps the one before; its inputs are copied aside before
    /// the row is written and it is computed from the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void FusedBackwardRows<TK, T, TV, TIo>(TK gate, ref T px, ref T pg, ref T pd, int rows, int h)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
    {
        int count = TV.Count;
        int last = h - count;
        bool overlapping = h % count != 0;
        Span<T> aside = stackalloc T[3 * TV.Count];
        ref T sa = ref MemoryMarshal.GetReference(aside);
        ref T sb = ref Unsafe.Add(ref sa, count);
        ref T sg = ref Unsafe.Add(ref sb, count);
        for (int r = 0; r < rows; r++)
        {
            ref T a = ref Unsafe.Add(ref px, 2 * r * h);
            ref T b = ref Unsafe.Add(ref a, h);
            ref T g = ref Unsafe.Add(ref pg, r * h);
            ref T da = ref Unsafe.Add(ref pd, 2 * r * h);
            ref T db = ref Unsafe.Add(ref da, h);
            if (overlapping)
            {
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref a, last), count).CopyTo(MemoryMarshal.CreateSpan(ref sa, count));
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref b, last), count).CopyTo(MemoryMarshal.CreateSpan(ref sb, count));
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref g, last), count).CopyTo(MemoryMarshal.CreateSpan(ref sg, count));
            }

            // One call site for the step (the gate inlined once); the overlapping last register reads the copy.
            for (int j = 0; j < h; j += count)
            {
                int at = j;
                scoped ref T ra = ref Unsafe.Add(ref a, j);
                scoped ref T rb = ref Unsafe.Add(ref b, j);
                scoped ref T rg = ref Unsafe.Add(ref g, j);
                if (j > last)
                {
                    at = last;
                    ra = ref sa;
                    rb = ref sb;
                    rg = ref sg;
                }

                FusedBackwardStep<TK, T, TV, TIo>(gate, ref ra, ref rb, ref rg, ref Unsafe.Add(ref da, at), ref Unsafe.Add(ref db, at));
            }
        }
    }

    /// <summary>
    /// dA = dy ⊙ g(b) and dB = dy ⊙ a ⊙ g′(b) for one register: for float data with <see cref="IUnaryKernel.FusedGate"/>
    /// from one evaluation of the gate, else (double data, or a cheap gate) from its <see cref="IUnaryKernel.Forward{TV}"/>
    /// and <see cref="IUnaryKernel.Backward{TV}"/>, as the two-pass backward takes them (the same bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FusedBackwardStep<TK, T, TV, TIo>(TK gate, ref T a, ref T b, ref T dy, ref T dA, ref T dB)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
    {
        var av = TIo.Load(ref a);
        var bv = TIo.Load(ref b);
        var gv = TIo.Load(ref dy);
        if (!(typeof(T) == typeof(float) && TK.FusedGate))
        {
            // Both read before either store (dx may be x).
            var dAv = gv * gate.Forward(bv);
            TIo.Store(gate.Backward(bv, av * gv), ref dB);
            TIo.Store(dAv, ref dA);
            return;
        }

        var value = gate.GateFloatLanes(bv, out var slope, out var far);
        // a·dy is exact in double lanes, as in the two-pass backward.
        var ag = av * gv;
        TIo.Store(gv * value, ref dA);
        TIo.Store(ag * slope, ref dB);
        if (TV.AnyTrue(far)) RedoBoth<TK, T, TV, TIo>(gate, far, bv, gv, ag, ref dA, ref dB);
    }

    /// <summary>The marked lanes of one fused register from the double-data definitions, after its stores.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RedoBoth<TK, T, TV, TIo>(TK gate, TV far, TV b, TV dy, TV ag, ref T dA, ref T dB)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
    {
        RedoForward<TK, T, TV, TIo>(gate, far, dy, b, ref dA);
        RedoBackward<TK, T, TV, TIo>(gate, far, b, ag, ref dB);
    }

    /// <summary>dB = dy ⊙ a ⊙ g′(b) into <paramref name="dB"/> (separate memory).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void GateDerivativeChunk<TK, T, TV, TIo>(TK gate, ref T a, ref T b, ref T dy, ref T dB, int n)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
    {
        int last = n - TV.Count;
        for (int j = 0; j < n; j += TV.Count)
        {
            int at = Math.Min(j, last);
            var av = TIo.Load(ref Unsafe.Add(ref a, at));
            var gv = TIo.Load(ref Unsafe.Add(ref dy, at));
            // ∂(a·g(b))/∂b = a·g′(b): pass a·dy as the incoming gradient (exact in double lanes for float data).
            var bv = TIo.Load(ref Unsafe.Add(ref b, at));
            if (typeof(T) == typeof(float) && TK.HasGateForFloat)
            {
                TIo.Store(gate.BackwardFloatLanes(bv, av * gv, out var far), ref Unsafe.Add(ref dB, at));
                if (TV.AnyTrue(far)) RedoBackward<TK, T, TV, TIo>(gate, far, bv, av * gv, ref Unsafe.Add(ref dB, at));
            }
            else
            {
                TIo.Store(gate.Backward(bv, av * gv), ref Unsafe.Add(ref dB, at));
            }
        }
    }

    /// <summary>dA = dy ⊙ g(b); reads only b and dy, so <paramref name="dA"/> may be a.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void GateValueChunk<TK, T, TV, TIo>(TK gate, ref T b, ref T dy, ref T dA, int n)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
    {
        int last = n - TV.Count;
        for (int j = 0; j < n; j += TV.Count)
        {
            int at = Math.Min(j, last);
            StoreProduct<TK, T, TV, TIo>(gate, TIo.Load(ref Unsafe.Add(ref dy, at)), TIo.Load(ref Unsafe.Add(ref b, at)), ref Unsafe.Add(ref dA, at));
        }
    }

    /// <summary>
    /// Stores m·g(b) at <paramref name="destination"/>: for float data with <see cref="IUnaryKernel.HasGateForFloat"/>
    /// from the gate's float formulas in double lanes, with the lanes they mark redone afterwards; otherwise from
    /// <see cref="IUnaryKernel.Forward{TV}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreProduct<TK, T, TV, TIo>(TK gate, TV m, TV b, ref T destination)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
    {
        if (typeof(T) == typeof(float) && TK.HasGateForFloat)
        {
            TIo.Store(m * gate.ForwardFloatLanes(b, out var far), ref destination);
            if (TV.AnyTrue(far)) RedoForward<TK, T, TV, TIo>(gate, far, m, b, ref destination);
        }
        else
        {
            TIo.Store(m * gate.Forward(b), ref destination);
        }
    }

    /// <summary>
    /// Replaces the lanes of the register stored at <paramref name="destination"/> that <paramref name="far"/> marks with
    /// m·g(b) from the gate's double-data definition (<see cref="IUnaryKernel.HasGateForFloat"/>). Out of line and after
    /// the store, so no value of the loop is live across a call (a merged result went through the stack every time).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RedoForward<TK, T, TV, TIo>(TK gate, TV far, TV m, TV b, ref T destination)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
        => TIo.Store(TV.Select(far, m * gate.Forward(b), TIo.Load(ref destination)), ref destination);

    /// <summary>As <see cref="RedoForward{TK, T, TV, TIo}"/> for dy·g′(b).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RedoBackward<TK, T, TV, TIo>(TK gate, TV far, TV b, TV dy, ref T destination)
        where TK : struct, IUnaryKernel
        where T : unmanaged
        where TV : struct, IVec<TV>
        where TIo : struct, ILaneIo<TV, T>
        => TIo.Store(TV.Select(far, gate.Backward(b, dy), TIo.Load(ref destination)), ref destination);
}

/// <summary>Moves a register between memory of element type <typeparamref name="T"/> and lanes of <typeparamref name="TV"/>.</summary>
internal interface ILaneIo<TV, T>
    where TV : struct, IVec<TV>
    where T : unmanaged
{
    static abstract TV Load(ref T source);

    static abstract void Store(TV value, ref T destination);
}

/// <summary>Registers of the memory's own element type.</summary>
internal readonly struct SameIo<TV, T> : ILaneIo<TV, T>
    where TV : struct, IVec<TV>
    where T : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load(ref T source) => Lanes.Load<TV, T>(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(TV value, ref T destination) => Lanes.Store(value, ref destination);
}

/// <summary>Float memory in double lanes: widened on load, rounded once on store.</summary>
internal readonly struct WideIo<TV> : ILaneIo<TV, float>
    where TV : struct, IVec<TV>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load(ref float source) => Lanes.LoadWidened<TV>(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(TV value, ref float destination) => Lanes.StoreNarrowed(value, ref destination);
}
