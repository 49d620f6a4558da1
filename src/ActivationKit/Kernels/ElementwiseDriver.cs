using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The one loop behind every element-wise activation. It checks the spans, picks the widest register the
/// machine accelerates, runs the kernel over whole registers and finishes the tail with one overlapping
/// register loaded before any store (so in-place calls stay correct), then falls back to narrower widths and
/// finally the scalar path for inputs shorter than a register. Half and BFloat16 are converted through float
/// in stack chunks of 2,048 values (vectorized conversions, LowPrecision; small chunks paid the driver's per-call cost
/// per 256 values).
/// </summary>
public static class ElementwiseDriver
{
    private const int ChunkLength = 2048;

    /// <summary>y = f(x) for float.</summary>
    public static void Forward<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> y) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Unary(x, y);
        // The float-grade double-lane forms serve whenever float data runs in double lanes in bulk (for kernels whose
        // float lanes depend on parameters, only the instances whose parameters leave them).
        if (TOp.ForwardFloatInDouble && FloatInDouble(op)) Dispatch(new FloatGradeForwardMap<TOp>(op), true, x, x, y);
        else if (UsesParameterLoop(op)) Dispatch(new ParameterForwardMap<TOp>(op), true, x, x, y);
        else Dispatch(new ForwardMap<TOp>(op), FloatInDouble(op), x, x, y);
    }

    /// <summary>
    /// Whether this instance's parameters leave the float-lane formulas: its forward runs
    /// <see cref="IUnaryKernel.ForwardForParameters{TV}"/> (and float data in double lanes), and its marks are no bound.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool UsesParameterForm<TOp>(TOp op) where TOp : struct, IUnaryKernel
        => TOp.FloatLanesDependOnParameters && !op.FloatLanesApply;

    /// <summary>
    /// Whether this call runs the kernel's own parameter forms (<see cref="IUnaryKernel.HasParameterForms"/>) in a loop
    /// of their own; other kernels whose parameters leave the float lanes run their Forward/Backward in double lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool UsesParameterLoop<TOp>(TOp op) where TOp : struct, IUnaryKernel
        => TOp.HasParameterForms && UsesParameterForm(op);

    /// <summary>
    /// Whether float data's backward takes the kernel's float-grade double-lane form (<see cref="IUnaryKernel.BackwardForFloat{TV}"/>):
    /// for a kernel with <see cref="IUnaryKernel.BackwardFloatInDouble"/>, always, or, where its float lanes depend on its
    /// parameters, only for the instances whose parameters leave them (softplus with β ≠ 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool BackwardInDouble<TOp>(TOp op) where TOp : struct, IUnaryKernel
        => TOp.BackwardFloatInDouble && (FloatInDouble(op) || !TOp.FloatLanesDependOnParameters);

    /// <summary>Whether float data goes through double lanes in bulk: always for some kernels, for others by parameter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FloatInDouble<TOp>(TOp op) where TOp : struct, IUnaryKernel
        => TOp.ComputeFloatInDouble || UsesParameterForm(op);

    /// <summary>y = f(x) for double.</summary>
    public static void Forward<TOp>(TOp op, ReadOnlySpan<double> x, Span<double> y) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Unary(x, y);
        if (UsesParameterLoop(op)) Dispatch(new ParameterForwardMap<TOp>(op), false, x, x, y);
        else Dispatch(new ForwardMap<TOp>(op), false, x, x, y);
    }

    /// <summary>y = f(x) for Half (computed in float, rounded once to Half).</summary>
    public static void Forward<TOp>(TOp op, ReadOnlySpan<Half> x, Span<Half> y) where TOp : struct, IUnaryKernel
        => ForwardThroughSingle(new ForwardCall<TOp>(op), x, y);

    /// <summary>y = f(x) for BFloat16 (computed in float, rounded to nearest even).</summary>
    public static void Forward<TOp>(TOp op, ReadOnlySpan<BFloat16> x, Span<BFloat16> y) where TOp : struct, IUnaryKernel
        => ForwardThroughSingle(new ForwardCall<TOp>(op), x, y);

    /// <summary>dx = dy·f′(x) for float.</summary>
    public static void Backward<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Binary(x, dy, dx);
        if (BackwardInDouble(op)) Dispatch(new FloatGradeBackwardMap<TOp>(op), true, x, dy, dx);
        else if (UsesParameterLoop(op)) Dispatch(new ParameterBackwardMap<TOp>(op), true, x, dy, dx);
        else Dispatch(new BackwardMap<TOp>(op), FloatInDouble(op), x, dy, dx);
    }

    /// <summary>dx = dy·f′(x) for double.</summary>
    public static void Backward<TOp>(TOp op, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Binary(x, dy, dx);
        if (UsesParameterLoop(op)) Dispatch(new ParameterBackwardMap<TOp>(op), false, x, dy, dx);
        else Dispatch(new BackwardMap<TOp>(op), false, x, dy, dx);
    }

    /// <summary>dx = dy·f′(x) for Half.</summary>
    public static void Backward<TOp>(TOp op, ReadOnlySpan<Half> x, ReadOnlySpan<Half> dy, Span<Half> dx) where TOp : struct, IUnaryKernel
        => BackwardThroughSingle(new BackwardCall<TOp>(op), x, dy, dx, "x");

    /// <summary>dx = dy·f′(x) for BFloat16.</summary>
    public static void Backward<TOp>(TOp op, ReadOnlySpan<BFloat16> x, ReadOnlySpan<BFloat16> dy, Span<BFloat16> dx) where TOp : struct, IUnaryKernel
        => BackwardThroughSingle(new BackwardCall<TOp>(op), x, dy, dx, "x");

    /// <summary>
    /// y = f(x) for a 16-bit storage type, computed in float chunks and rounded once per element; split across
    /// threads like the float calls (<see cref="KernelOptions"/>), each thread converting its own chunks.
    /// </summary>
    private static void ForwardThroughSingle<TCall, TLow>(TCall call, ReadOnlySpan<TLow> x, Span<TLow> y)
        where TCall : struct, IFloatCall
        where TLow : unmanaged
    {
        SpanChecks.Unary(x, y);
        if (x.Length >= KernelOptions.ParallelThreshold && KernelOptions.MaxThreads > 1 && TryRunLowPrecisionParallel(call, unary: true, x, x, y)) return;
        ForwardChunks(call, x, y);
    }

    /// <summary>
    /// dx = dy·f′ for a 16-bit storage type from the input or the output (<paramref name="firstName"/> names the first
    /// span in messages), as <see cref="ForwardThroughSingle{TCall, TLow}"/>.
    /// </summary>
    private static void BackwardThroughSingle<TCall, TLow>(TCall call, ReadOnlySpan<TLow> x, ReadOnlySpan<TLow> dy, Span<TLow> dx, string firstName)
        where TCall : struct, IFloatCall
        where TLow : unmanaged
    {
        SpanChecks.Binary(x, dy, dx, firstName);
        if (x.Length >= KernelOptions.ParallelThreshold && KernelOptions.MaxThreads > 1 && TryRunLowPrecisionParallel(call, unary: false, x, dy, dx)) return;
        BackwardChunks(call, x, dy, dx);
    }

    /// <summary>
    /// <see cref="ForwardThroughSingle{TCall, TLow}"/> on this thread: chunks of <see cref="ChunkLength"/> values widened
    /// into a stack buffer no longer than the data and not zeroed (every element is written before it is read; zeroing
    /// 8 KiB cost more than the whole call for 64 values).
    /// </summary>
    [SkipLocalsInit]
    internal static void ForwardChunks<TCall, TLow>(TCall call, ReadOnlySpan<TLow> x, Span<TLow> y)
        where TCall : struct, IFloatCall
        where TLow : unmanaged
    {
        Span<float> a = stackalloc float[Math.Min(ChunkLength, x.Length)];
        for (int i = 0; i < x.Length; i += ChunkLength)
        {
            int n = Math.Min(ChunkLength, x.Length - i);
            LowPrecision.ToSingle(x.Slice(i, n), a[..n]);
            call.Run(a[..n], a[..n], a[..n]);
            LowPrecision.FromSingle(a[..n], y.Slice(i, n));
        }
    }

    /// <summary><see cref="BackwardThroughSingle{TCall, TLow}"/> on this thread, as <see cref="ForwardChunks{TCall, TLow}"/>.</summary>
    [SkipLocalsInit]
    internal static void BackwardChunks<TCall, TLow>(TCall call, ReadOnlySpan<TLow> x, ReadOnlySpan<TLow> dy, Span<TLow> dx)
        where TCall : struct, IFloatCall
        where TLow : unmanaged
    {
        int chunk = Math.Min(ChunkLength, x.Length);
        Span<float> a = stackalloc float[chunk];
        Span<float> b = stackalloc float[chunk];
        for (int i = 0; i < x.Length; i += ChunkLength)
        {
            int n = Math.Min(ChunkLength, x.Length - i);
            LowPrecision.ToSingle(x.Slice(i, n), a[..n]);
            LowPrecision.ToSingle(dy.Slice(i, n), b[..n]);
            call.Run(a[..n], b[..n], a[..n]);
            LowPrecision.FromSingle(a[..n], dx.Slice(i, n));
        }
    }

    /// <summary>
    /// Splits a 16-bit call across the pool as <see cref="TryRunParallel{TMap, T}"/> does a float one (<see
    /// cref="SpanJob.Split"/>: chunks of at least 2^16 values, far above <see cref="ChunkLength"/>, so the float calls
    /// inside stay on their thread).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool TryRunLowPrecisionParallel<TCall, TLow>(TCall call, bool unary, ReadOnlySpan<TLow> x, ReadOnlySpan<TLow> dy, Span<TLow> dst)
        where TCall : struct, IFloatCall
        where TLow : unmanaged
    {
        if (!ForkJoin.TryAcquire()) return false;
        try
        {
            int threads = KernelOptions.MaxThreads;
            var job = LowPrecisionJob<TCall, TLow>.Instance;
            fixed (TLow* px = x, pdy = dy, pd = dst)
            {
                job.Call = call;
                job.Unary = unary;
                job.X = px;
                job.Dy = pdy;
                job.D = pd;
                job.Split(x.Length, threads);
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

    /// <summary>dx = dy·f′(x) computed from y = f(x), for float.</summary>
    public static void BackwardFromOutput<TOp>(TOp op, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) where TOp : struct, IOutputGradientKernel
    {
        SpanChecks.Binary(y, dy, dx, "y");
        // Double lanes where the backward from the input takes them (softplus with β = 1 keeps float lanes here too).
        Dispatch(new OutputBackwardMap<TOp>(op), FloatInDouble(op) || BackwardInDouble(op), y, dy, dx);
    }

    /// <summary>dx = dy·f′(x) computed from y = f(x), for double.</summary>
    public static void BackwardFromOutput<TOp>(TOp op, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) where TOp : struct, IOutputGradientKernel
    {
        SpanChecks.Binary(y, dy, dx, "y");
        Dispatch(new OutputBackwardMap<TOp>(op), false, y, dy, dx);
    }

    /// <summary>dx = dy·f′(x) computed from y = f(x), for Half (in float, rounded once).</summary>
    public static void BackwardFromOutput<TOp>(TOp op, ReadOnlySpan<Half> y, ReadOnlySpan<Half> dy, Span<Half> dx) where TOp : struct, IOutputGradientKernel
        => BackwardThroughSingle(new OutputBackwardCall<TOp>(op), y, dy, dx, "y");

    /// <summary>dx = dy·f′(x) computed from y = f(x), for BFloat16 (in float, rounded to nearest even).</summary>
    public static void BackwardFromOutput<TOp>(TOp op, ReadOnlySpan<BFloat16> y, ReadOnlySpan<BFloat16> dy, Span<BFloat16> dx) where TOp : struct, IOutputGradientKernel
        => BackwardThroughSingle(new OutputBackwardCall<TOp>(op), y, dy, dx, "y");

    /// <summary>
    /// Runs a map over float or double spans: split across threads when <see cref="KernelOptions"/> allows it and the
    /// pool is free, else on this thread; <paramref name="widened"/> (float only) evaluates in double lanes.
    /// </summary>
    private static void Dispatch<TMap, T>(TMap map, bool widened, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        bool streams = Streams<TMap, T>(a, b, dst);
        if (a.Length >= KernelOptions.ParallelThreshold && KernelOptions.MaxThreads > 1 && TryRunParallel(map, widened, streams, a, b, dst)) return;
        if (streams) RunStreaming(map, widened, a, b, dst);
        else RunDirect(map, widened, a, b, dst);
    }

    /// <summary>
    /// Whether a call writes its output with streaming stores: the bytes it reads and writes reach
    /// <see cref="KernelOptions.StreamingThreshold"/>, it is not in place, the machine is x86, and the kernel streams
    /// (<see cref="IUnaryKernel.ForwardStreams"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Streams<TMap, T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
        where TMap : struct, IMap
        where T : unmanaged
        => TMap.Streams && (long)dst.Length * Unsafe.SizeOf<T>() * (TMap.IsUnary ? 2 : 3) >= KernelOptions.StreamingThreshold
            && StreamingStores.Supported && !a.Overlaps(dst) && !b.Overlaps(dst);

    /// <summary>Runs a map on this thread, storing straight into <paramref name="dst"/>.</summary>
    internal static void RunDirect<TMap, T>(TMap map, bool widened, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => RunDirect<TMap, T, Cached>(map, widened, a, b, dst);

    private static void RunDirect<TMap, T, TStore>(TMap map, bool widened, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TStore : struct
    {
        if (typeof(T) == typeof(float) && widened) RunWidened<TMap, TStore>(map, MemoryMarshal.Cast<T, float>(a), MemoryMarshal.Cast<T, float>(b), MemoryMarshal.Cast<T, float>(dst));
        else Run<TMap, T, TStore>(map, a, b, dst);
    }

    /// <summary>
    /// Runs a map on this thread with streaming stores (<see cref="StreamingStores"/>): the elements before the
    /// destination's first 64-byte boundary and after its last whole line with ordinary stores, the lines between by
    /// the same loops with every register streamed (the span's start and length then keep each register aligned, in
    /// either loop direction, and leave no overlapping tail register). The bits are those of a direct call.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void RunStreaming<TMap, T>(TMap map, bool widened, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        fixed (T* pd = dst)
        {
            int n = dst.Length;
            int head = StreamingStores.ElementsToAlignment(pd);
            int perLine = StreamingStores.LineBytes / sizeof(T);
            if (head < 0 || n - head < perLine)
            {
                RunDirect(map, widened, a, b, dst);
                return;
            }

            int body = (n - head) / perLine * perLine;
            if (head > 0) RunDirect(map, widened, a[..head], b[..head], dst[..head]);
            // The destination is pinned for the stores through its address.
            RunDirect<TMap, T, Streaming>(map, widened, a.Slice(head, body), b.Slice(head, body), dst.Slice(head, body));
            int rest = head + body;
            if (rest < n) RunDirect(map, widened, a[rest..], b[rest..], dst[rest..]);
            StreamingStores.Fence();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool TryRunParallel<TMap, T>(TMap map, bool widened, bool streams, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!ForkJoin.TryAcquire()) return false;
        try
        {
            int threads = KernelOptions.MaxThreads;
            var job = ElementwiseJob<TMap, T>.Instance;
            fixed (T* pa = a, pb = b, pd = dst)
            {
                job.Map = map;
                job.Widened = widened;
                job.Streams = streams;
                job.A = pa;
                job.B = pb;
                job.D = pd;
                job.Split(a.Length, threads);
                ForkJoin.Run(job, threads);
                job.A = job.B = job.D = null;
            }

            return true;
        }
        finally
        {
            ForkJoin.Release();
        }
    }

    /// <summary>Runs a two-input map at the widest accelerated width (single-input maps ignore <paramref name="b"/>).</summary>
    internal static void Run<TMap, T>(TMap map, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Run<TMap, T, Cached>(map, a, b, dst);

    private static void Run<TMap, T, TStore>(TMap map, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TStore : struct
    {
        ref T pa = ref MemoryMarshal.GetReference(a);
        ref T pb = ref MemoryMarshal.GetReference(b);
        ref T pd = ref MemoryMarshal.GetReference(dst);
        if (LoopDirection.Descending(ref pa, ref pb, ref pd, TMap.IsUnary, TMap.IsCheap)) Run<TMap, T, Down, TStore>(map, ref pa, ref pb, ref pd, a.Length);
        else Run<TMap, T, Up, TStore>(map, ref pa, ref pb, ref pd, a.Length);
    }

    private static void Run<TMap, T, TDir, TStore>(TMap map, ref T pa, ref T pb, ref T pd, int n)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TDir : struct, ILoopDirection
        where TStore : struct
    {
        if (TMap.IsCheap)
        {
            if (n >= AlignedFrom)
            {
                // Memory-bound kernels lose 5–8 % when their registers straddle cache lines (relu on 262,144 floats,
                // Zen 4: 0.084 ns/element with all three spans on a 64-byte boundary, 0.091 at 16 bytes past one;
                // relu′ 0.125 against 0.135). .NET arrays start 8 to 56 bytes past a line, each its own way (at
                // 262,144, alternating processes of `actkit bench`: relu 0.090 → 0.084, the gradients from the output
                // of hardtanh 0.145 → 0.132 and leaky_relu 0.148 → 0.134, the rest level). The elements before the
                // output's first line boundary go first, as a
                // call of their own at the narrower widths, so the loop's stores (and its loads, when the spans share
                // the output's alignment, as arrays of the same length usually do) start on a line. The bits are
                // those of a single call: every width computes the same values, and spans are either disjoint or
                // identical (SpanChecks), so the order of the two parts does not matter.
                int head = ElementsToLine(ref pd);
                if (head > 0)
                {
                    CheapRun<TMap, T, TDir, TStore>(map, ref pa, ref pb, ref pd, head);
                    CheapRun<TMap, T, TDir, TStore>(map, ref Unsafe.Add(ref pa, head), ref Unsafe.Add(ref pb, head), ref Unsafe.Add(ref pd, head), n - head);
                    return;
                }
            }

            CheapRun<TMap, T, TDir, TStore>(map, ref pa, ref pb, ref pd, n);
            return;
        }

        // Pairs for float only: two copies of a double-lane kernel (double-double pieces) ran out of the JIT's inlining
        // budget, and every lane operation became a call (double logsigmoid, softplus′, elu).
        if (TMap.HasDoubleLanes && typeof(T) == typeof(float))
        {
            // The marks after the loop need the inputs unchanged, so only when the output overlaps neither.
            if (map.MarkBound.Exists && Disjoint(ref pa, ref pd, n) && (TMap.IsUnary || Disjoint(ref pb, ref pd, n)))
            {
                // In blocks that stay in the caches: a marked lane makes its block's registers be tested and redone from
                // the inputs after its loop, so a rare tail value in a large call re-reads one block, not the whole arrays
                // from memory (mish at 16,777,216 Normal(0, 3) floats, about ten of them beyond its table: 0.38 → 0.27
                // ns/element). The last block takes the remainder, so no block is shorter than DeferredBlock.
                for (int start = 0; start < n;)
                {
                    int length = n - start >= 2 * DeferredBlock ? DeferredBlock : n - start;
                    Run<TMap, T, TDir, DeferredRedo, TStore>(map, ref Unsafe.Add(ref pa, start), ref Unsafe.Add(ref pb, start), ref Unsafe.Add(ref pd, start), length);
                    start += length;
                }
            }
            else
            {
                Run<TMap, T, TDir, WithRedo, TStore>(map, ref pa, ref pb, ref pd, n);
            }
        }
        else if (TMap.OutOfLine && typeof(T) == typeof(double)) Run<TMap, T, TDir, OutOfLine, TStore>(map, ref pa, ref pb, ref pd, n);
        else Run<TMap, T, TDir, NoRedo, TStore>(map, ref pa, ref pb, ref pd, n);
    }

    /// <summary>
    /// Spans of at least this many elements start a cheap kernel's loop on a 64-byte line of the output (see
    /// <see cref="Run{TMap, T, TDir, TStore}"/>). Below it (spans that stay in the first-level cache) the extra call
    /// cost about as much as the lines saved: relu′ at 4,096 read 0.111 → 0.120 ns/element in alternating processes.
    /// </summary>
    private const int AlignedFrom = 16384;

    /// <summary>
    /// Elements per block of a call whose marks are found after the loop (<see cref="DeferredRedo"/>): 64 KiB of floats
    /// per span, so a block's inputs and outputs are still in the second-level cache when its marked registers are redone.
    /// </summary>
    private const int DeferredBlock = 16384;

    /// <summary>Elements before the first 64-byte boundary at or after <paramref name="p"/> (0 when it is on one, or when the address is not a multiple of the element size).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int ElementsToLine<T>(ref T p) where T : unmanaged
    {
        // The address of an unpinned array may be stale by the time the loop runs (the GC can move it): then only the
        // speed differs.
        int head = StreamingStores.ElementsToAlignment((T*)Unsafe.AsPointer(ref p));
        return head < 0 ? 0 : head;
    }

    /// <summary>A cheap kernel's loop at the widest accelerated width that <paramref name="n"/> fills.</summary>
    private static void CheapRun<TMap, T, TDir, TStore>(TMap map, ref T pa, ref T pb, ref T pd, int n)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TDir : struct, ILoopDirection
        where TStore : struct
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) CheapLoop<TMap, T, V512<T>, TDir, TStore>(map, ref pa, ref pb, ref pd, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) CheapLoop<TMap, T, V256<T>, TDir, TStore>(map, ref pa, ref pb, ref pd, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) CheapLoop<TMap, T, V128<T>, TDir, TStore>(map, ref pa, ref pb, ref pd, n);
        else ScalarLoop<TMap, T>(map, ref pa, ref pb, ref pd, n);
    }

    // TRedo (WithRedo: float lanes plus the out-of-line redo of marked lanes; OutOfLine: the map's step from memory to
    // memory, for double kernels too large for the loop; NoRedo: the kernel's Apply) is a type, not
    // a static property, because the JIT folds typeof tests while importing: the loop then never sees the other
    // branch. A branch on IMap.HasDoubleLanes is folded only after inlining, by which time the dead branch's copy of
    // the kernel had been inlined too: erf GELU (whose float-lane forward GEGLU uses) then had every constant of its
    // two copies shared and loaded into registers by explicit broadcasts, 0.73 → 0.92 ns/element.
    private static void Run<TMap, T, TDir, TRedo, TStore>(TMap map, ref T pa, ref T pb, ref T pd, int n)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TDir : struct, ILoopDirection
        where TRedo : struct
        where TStore : struct
    {
        if (TMap.InPairs && typeof(T) == typeof(float))
        {
            if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) PairLoop<TMap, T, V512<T>, TDir, TRedo, TStore>(map, ref pa, ref pb, ref pd, n);
            else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) PairLoop<TMap, T, V256<T>, TDir, TRedo, TStore>(map, ref pa, ref pb, ref pd, n);
            else if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) PairLoop<TMap, T, V128<T>, TDir, TRedo, TStore>(map, ref pa, ref pb, ref pd, n);
            else ScalarLoop<TMap, T>(map, ref pa, ref pb, ref pd, n);
            return;
        }

        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count) Loop<TMap, T, V512<T>, TDir, TRedo, TStore>(map, ref pa, ref pb, ref pd, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count) Loop<TMap, T, V256<T>, TDir, TRedo, TStore>(map, ref pa, ref pb, ref pd, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count) Loop<TMap, T, V128<T>, TDir, TRedo, TStore>(map, ref pa, ref pb, ref pd, n);
        else ScalarLoop<TMap, T>(map, ref pa, ref pb, ref pd, n);
    }

    // Each width gets its own method so the JIT's inlining budget is spent on one copy of the kernel (plus the
    // tail copy), never on all widths at once. Compiled straight at full optimisation (no tier-0/PGO round): under
    // tiered PGO the budget ran out differently from run to run and mish/logsigmoid/selu fell back to calls.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Loop<TMap, T, TV, TDir, TRedo, TStore>(TMap map, ref T pa, ref T pb, ref T pd, int n)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TV : struct, IVec<TV>
        where TDir : struct, ILoopDirection
        where TRedo : struct
        where TStore : struct
    {
        // As in PairLoop: the bound read before any vector is live, and for DeferredRedo a running maximum of the keys.
        var bound = typeof(TRedo) == typeof(DeferredRedo) ? map.MarkBound : MarkBound.None;
        var keyMask = TV.FromBits(bound.KeyMask);
        var keyLimit = TV.FromBits(bound.KeyLimit);
        var keys = TV.Zero;
        int w = TV.Count;
        int last = n - w;
        // The tail is the whole register at the far end (n − w going up, 0 going down), overlapping its neighbour.
        // Its inputs are read before any store, so an in-place call still sees the originals. It runs as one extra
        // pass of the same loop body, so the kernel is inlined once (the JIT's inlining budget then suffices for
        // large kernels).
        int tailAt = LoopDirection.TailAt<TDir>(last);
        var tailA = Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, tailAt));
        var tailB = TMap.IsUnary ? tailA : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, tailAt));
        int end = n % w != 0 ? last + w : last;
        for (int i = 0; i <= end; i += w)
        {
            bool isTail = i > last;
            int at = isTail ? tailAt : LoopDirection.At<TDir>(i, last);
            var a = isTail ? tailA : Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, at));
            var b = TMap.IsUnary ? a : isTail ? tailB : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, at));
            if (typeof(TRedo) == typeof(WithRedo) || typeof(TRedo) == typeof(DeferredRedo))
            {
                Lanes.Store<TV, T, TStore>(map.ApplyFloatLanes(a, b, out _), ref Unsafe.Add(ref pd, at));
                if (typeof(TRedo) == typeof(DeferredRedo)) keys = TV.MaxBits(keys, TV.And(a, keyMask));
                else if (map.MarksAny(a, b)) Redo<TMap, T, TV>(map, a, b, ref Unsafe.Add(ref pd, at));
            }
            else if (typeof(TRedo) == typeof(OutOfLine) && !isTail)
            {
                // The kernel reads and writes the arrays itself. The tail keeps the register path: in place, its
                // inputs may already be overwritten in memory.
                map.ApplyAt<TV, T>(ref Unsafe.Add(ref pa, at), ref Unsafe.Add(ref pb, at), ref Unsafe.Add(ref pd, at));
            }
            else
            {
                Lanes.Store<TV, T, TStore>(map.Apply(a, b), ref Unsafe.Add(ref pd, at));
            }
        }

        if (typeof(TRedo) == typeof(DeferredRedo) && TV.AnyBitsGreater(keys, keyLimit))
        {
            RedoMarked<TMap, T, TV>(map, ref pa, ref pb, ref pd, n);
        }
    }

    /// <summary>
    /// Replaces the lanes of the register stored at <paramref name="dst"/> that the float-lane evaluation marks with the
    /// double-lane definition. Out of line and after the store, so that no value of the loop is live across a call; the
    /// marks are recomputed here (the float-lane kernel once more, for the rare registers that need it), so in the loop
    /// only <see cref="IMap.MarksAny{TV}"/> is evaluated.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Redo<TMap, T, TV>(TMap map, TV a, TV b, ref T dst)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TV : struct, IVec<TV>
    {
        if (TMap.HasFloatTail && !TV.IsDouble && map.MarkBound is { Exists: true } bound)
        {
            // As in RedoMarked: the bound's own comparison marks the lanes and the tail formula is inlined (in-place
            // calls, whose inputs are gone after the loop, redo each register here).
            Lanes.Store(TV.Select(TailMarks(bound, a), map.ApplyTail(a, b), Lanes.Load<TV, T>(ref dst)), ref dst);
            return;
        }

        map.ApplyFloatLanes(a, b, out var inDouble);
        Lanes.Store(TV.Select(inDouble, map.ApplyInDouble(a, b), Lanes.Load<TV, T>(ref dst)), ref dst);
    }

    /// <summary>The lanes of x beyond <paramref name="bound"/>: exactly a float-lane kernel's marks (see <see cref="MarkBound"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TailMarks<TV>(MarkBound bound, TV x)
        where TV : struct, IVec<TV>
        => bound.OnMagnitude ? TV.GreaterThan(TV.Abs(x), TV.Create(bound.Limit)) : TV.LessThan(x, TV.Create(bound.Limit));

    /// <summary><see cref="Redo{TMap, T, TV}(TMap, TV, TV, ref T)"/> for the two registers of a pair, i before j (an odd last register is its own pair).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Redo<TMap, T, TV>(TMap map, TV a0, TV b0, ref T dst0, TV a1, TV b1, ref T dst1)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TV : struct, IVec<TV>
    {
        Redo<TMap, T, TV>(map, a0, b0, ref dst0);
        Redo<TMap, T, TV>(map, a1, b1, ref dst1);
    }

    /// <summary>
    /// After a <see cref="DeferredRedo"/> loop whose keys showed a marked lane: every register (the overlapping last one
    /// too) is tested again from the unchanged inputs and the marked ones redone, as the per-register test would have.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RedoMarked<TMap, T, TV>(TMap map, ref T pa, ref T pb, ref T pd, int n)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TV : struct, IVec<TV>
    {
        int w = TV.Count;
        if (TMap.HasFloatTail && !TV.IsDouble)
        {
            // The marks are the bound's own comparison (MarkBound's contract: exactly the lanes beyond it, never NaN),
            // and the kernel's float tail formula is inlined here: no call and no second float-lane evaluation per
            // marked register, which on inputs mostly in the tails cost more than the tail formula itself.
            var bound = map.MarkBound;
            for (int i = 0; i < n; i += w)
            {
                int at = Math.Min(i, n - w);
                var a = Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, at));
                var marks = TailMarks(bound, a);
                if (!TV.AnyTrue(marks)) continue;
                var b = TMap.IsUnary ? a : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, at));
                ref T d = ref Unsafe.Add(ref pd, at);
                Lanes.Store(TV.Select(marks, map.ApplyTail(a, b), Lanes.Load<TV, T>(ref d)), ref d);
            }

            return;
        }

        for (int i = 0; i < n; i += w)
        {
            int at = Math.Min(i, n - w);
            var a = Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, at));
            var b = TMap.IsUnary ? a : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, at));
            if (map.MarksAny(a, b)) Redo<TMap, T, TV>(map, a, b, ref Unsafe.Add(ref pd, at));
        }
    }

    /// <summary>Whether n elements from x and from d share no byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe bool Disjoint<T>(ref T x, ref T d, int n)
        where T : unmanaged
    {
        nint offset = Unsafe.ByteOffset(ref x, ref d);
        nint length = (nint)n * sizeof(T);
        return offset >= length || offset <= -length;
    }

    // Kernels that opt in (IUnaryKernel.ForwardInPairs / BackwardInPairs): the general loop with two registers per
    // iteration. A separate method, inlining the kernel twice, which only kernels small enough for the JIT's budget and
    // the register file can afford (two copies of erf GELU's backward spilled and ran 1.7× slower).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PairLoop<TMap, T, TV, TDir, TRedo, TStore>(TMap map, ref T pa, ref T pb, ref T pd, int n)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TV : struct, IVec<TV>
        where TDir : struct, ILoopDirection
        where TRedo : struct
        where TStore : struct
    {
        // The bound read once, before any vector is live: a vector live across a call (reading MarkBound may be one)
        // is kept on the stack for the whole loop, and the accumulator then made a store and a load every iteration.
        var bound = typeof(TRedo) == typeof(DeferredRedo) ? map.MarkBound : MarkBound.None;
        var keyMask = TV.FromBits(bound.KeyMask);
        var keyLimit = TV.FromBits(bound.KeyLimit);
        var keys = TV.Zero;
        int w = TV.Count;
        int last = n - w;
        int tailAt = LoopDirection.TailAt<TDir>(last);
        var tailA = Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, tailAt));
        var tailB = TMap.IsUnary ? tailA : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, tailAt));
        int end = n % w != 0 ? last + w : last;
        // Two registers per iteration, both loaded before either result is stored: the kernel's long dependency
        // chains of the two overlap. An odd last register is paired with itself (same inputs, same bits, stored
        // twice). DeferredRedo keeps the running maximum of the keys, tested once after the loop.
        for (int i = 0; i <= end; i += 2 * w)
        {
            int j = i + w <= end ? i + w : i;
            bool iTail = i > last;
            bool jTail = j > last;
            int iAt = iTail ? tailAt : LoopDirection.At<TDir>(i, last);
            int jAt = jTail ? tailAt : LoopDirection.At<TDir>(j, last);
            var a0 = iTail ? tailA : Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, iAt));
            var b0 = TMap.IsUnary ? a0 : iTail ? tailB : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, iAt));
            var a1 = jTail ? tailA : Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, jAt));
            var b1 = TMap.IsUnary ? a1 : jTail ? tailB : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, jAt));
            if (typeof(TRedo) == typeof(WithRedo) || typeof(TRedo) == typeof(DeferredRedo))
            {
                var r0 = map.ApplyFloatLanes(a0, b0, out _);
                var r1 = map.ApplyFloatLanes(a1, b1, out _);
                Lanes.Store<TV, T, TStore>(r0, ref Unsafe.Add(ref pd, iAt));
                Lanes.Store<TV, T, TStore>(r1, ref Unsafe.Add(ref pd, jAt));
                if (typeof(TRedo) == typeof(DeferredRedo))
                {
                    keys = TV.MaxBits(keys, TV.MaxBits(TV.And(a0, keyMask), TV.And(a1, keyMask)));
                }
                else if (map.MarksAny(a0, b0) | map.MarksAny(a1, b1))
                {
                    // One call for both, so neither register's inputs are live across a call.
                    Redo<TMap, T, TV>(map, a0, b0, ref Unsafe.Add(ref pd, iAt), a1, b1, ref Unsafe.Add(ref pd, jAt));
                }
            }
            else
            {
                var r0 = map.Apply(a0, b0);
                var r1 = map.Apply(a1, b1);
                Lanes.Store<TV, T, TStore>(r0, ref Unsafe.Add(ref pd, iAt));
                Lanes.Store<TV, T, TStore>(r1, ref Unsafe.Add(ref pd, jAt));
            }
        }

        if (typeof(TRedo) == typeof(DeferredRedo) && TV.AnyBitsGreater(keys, keyLimit))
        {
            RedoMarked<TMap, T, TV>(map, ref pa, ref pb, ref pd, n);
        }
    }

    // Cheap kernels (IUnaryKernel.IsCheap): no per-iteration tail test; the overlapping tail register is loaded
    // before the loop (so in-place calls see the originals) and processed after it. A separate method, because a
    // dead branch holding a second inlined kernel would still spend the JIT's inlining budget of the general loop.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void CheapLoop<TMap, T, TV, TDir, TStore>(TMap map, ref T pa, ref T pb, ref T pd, int n)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TV : struct, IVec<TV>
        where TDir : struct, ILoopDirection
        where TStore : struct
    {
        int w = TV.Count;
        int last = n - w;
        int tailAt = LoopDirection.TailAt<TDir>(last);
        var tailA = Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, tailAt));
        var tailB = TMap.IsUnary ? tailA : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, tailAt));
        int i = 0;
        // Two registers per iteration: both loaded before either is stored, and half the loop's own instructions per
        // register (relu on 4,096 floats in L1: 138 → 126 ns per call; four per iteration measured 2 % more, within noise).
        for (; i + w <= last; i += 2 * w)
        {
            int at0 = LoopDirection.At<TDir>(i, last);
            int at1 = LoopDirection.At<TDir>(i + w, last);
            var a0 = Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, at0));
            var a1 = Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, at1));
            var b0 = TMap.IsUnary ? a0 : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, at0));
            var b1 = TMap.IsUnary ? a1 : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, at1));
            Lanes.Store<TV, T, TStore>(map.Apply(a0, b0), ref Unsafe.Add(ref pd, at0));
            Lanes.Store<TV, T, TStore>(map.Apply(a1, b1), ref Unsafe.Add(ref pd, at1));
        }

        if (i <= last)
        {
            int at = LoopDirection.At<TDir>(i, last);
            var a = Lanes.Load<TV, T>(ref Unsafe.Add(ref pa, at));
            var b = TMap.IsUnary ? a : Lanes.Load<TV, T>(ref Unsafe.Add(ref pb, at));
            Lanes.Store<TV, T, TStore>(map.Apply(a, b), ref Unsafe.Add(ref pd, at));
            i += w;
        }

        if (i < n) Lanes.Store<TV, T, TStore>(map.Apply(tailA, tailB), ref Unsafe.Add(ref pd, tailAt));
    }

    // Inputs shorter than the narrowest register (or machines without vectors): compiled straight at full
    // optimisation like the vector loops, so a program's first short calls do not run tier-0 code (a sigmoid of one
    // float took 370 ns there instead of 11).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ScalarLoop<TMap, T>(TMap map, ref T pa, ref T pb, ref T pd, int n)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref pd, i) = map.Apply(new S<T>(Unsafe.Add(ref pa, i)), new S<T>(Unsafe.Add(ref pb, i))).Value;
        }
    }

    /// <summary>Runs a map over float data in double lanes: widen, apply, narrow with one rounding.</summary>
    internal static void RunWidened<TMap>(TMap map, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
        where TMap : struct, IMap
        => RunWidened<TMap, Cached>(map, a, b, dst);

    private static void RunWidened<TMap, TStore>(TMap map, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
        where TMap : struct, IMap
        where TStore : struct
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float pd = ref MemoryMarshal.GetReference(dst);
        if (LoopDirection.Descending(ref pa, ref pb, ref pd, TMap.IsUnary, TMap.IsCheap)) RunWidened<TMap, Down, TStore>(map, ref pa, ref pb, ref pd, a.Length);
        else RunWidened<TMap, Up, TStore>(map, ref pa, ref pb, ref pd, a.Length);
    }

    private static void RunWidened<TMap, TDir, TStore>(TMap map, ref float pa, ref float pb, ref float pd, int n)
        where TMap : struct, IMap
        where TDir : struct, ILoopDirection
        where TStore : struct
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count) Widened512<TMap, TDir, TStore>(map, ref pa, ref pb, ref pd, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count) Widened256<TMap, TDir, TStore>(map, ref pa, ref pb, ref pd, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<double>.Count) Widened128<TMap, TDir>(map, ref pa, ref pb, ref pd, n);
        else WidenedScalar(map, ref pa, ref pb, ref pd, n);
    }

    // One register of doubles per step (8 floats widened into a Vector512<double>, and so on): the kernel is
    // inlined once per width. Tails work as in Loop.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Widened512<TMap, TDir, TStore>(TMap map, ref float pa, ref float pb, ref float pd, int n)
        where TMap : struct, IMap
        where TDir : struct, ILoopDirection
        where TStore : struct
    {
        const int w = 8;
        int last = n - w;
        int tailAt = LoopDirection.TailAt<TDir>(last);
        var tailA = Vector256.LoadUnsafe(ref pa, (nuint)tailAt);
        var tailB = TMap.IsUnary ? tailA : Vector256.LoadUnsafe(ref pb, (nuint)tailAt);
        int end = n % w != 0 ? last + w : last;
        for (int i = 0; i <= end; i += w)
        {
            bool isTail = i > last;
            int at = isTail ? tailAt : LoopDirection.At<TDir>(i, last);
            var a = isTail ? tailA : Vector256.LoadUnsafe(ref pa, (nuint)at);
            var b = TMap.IsUnary ? a : isTail ? tailB : Vector256.LoadUnsafe(ref pb, (nuint)at);
            Lanes.StoreAs<Vector256<float>, float, TStore>(Apply512(map, a, b), ref Unsafe.Add(ref pd, at));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Widened256<TMap, TDir, TStore>(TMap map, ref float pa, ref float pb, ref float pd, int n)
        where TMap : struct, IMap
        where TDir : struct, ILoopDirection
        where TStore : struct
    {
        const int w = 4;
        int last = n - w;
        int tailAt = LoopDirection.TailAt<TDir>(last);
        var tailA = Vector128.LoadUnsafe(ref pa, (nuint)tailAt);
        var tailB = TMap.IsUnary ? tailA : Vector128.LoadUnsafe(ref pb, (nuint)tailAt);
        int end = n % w != 0 ? last + w : last;
        for (int i = 0; i <= end; i += w)
        {
            bool isTail = i > last;
            int at = isTail ? tailAt : LoopDirection.At<TDir>(i, last);
            var a = isTail ? tailA : Vector128.LoadUnsafe(ref pa, (nuint)at);
            var b = TMap.IsUnary ? a : isTail ? tailB : Vector128.LoadUnsafe(ref pb, (nuint)at);
            Lanes.StoreAs<Vector128<float>, float, TStore>(Apply256(map, a, b), ref Unsafe.Add(ref pd, at));
        }
    }

    // Two floats per step, moved as one 64-bit lane.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Widened128<TMap, TDir>(TMap map, ref float pa, ref float pb, ref float pd, int n)
        where TMap : struct, IMap
        where TDir : struct, ILoopDirection
    {
        const int w = 2;
        int last = n - w;
        int tailAt = LoopDirection.TailAt<TDir>(last);
        var tailA = Load2(ref pa, tailAt);
        var tailB = TMap.IsUnary ? tailA : Load2(ref pb, tailAt);
        int end = n % w != 0 ? last + w : last;
        for (int i = 0; i <= end; i += w)
        {
            bool isTail = i > last;
            int at = isTail ? tailAt : LoopDirection.At<TDir>(i, last);
            var a = isTail ? tailA : Load2(ref pa, at);
            var b = TMap.IsUnary ? a : isTail ? tailB : Load2(ref pb, at);
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref pd, at)), Apply128(map, a, b));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WidenedScalar<TMap>(TMap map, ref float pa, ref float pb, ref float pd, int n)
        where TMap : struct, IMap
    {
        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref pd, i) = (float)map.Apply(new S<double>(Unsafe.Add(ref pa, i)), new S<double>(Unsafe.Add(ref pb, i))).Value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Load2(ref float p, int i) =>
        Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<double>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref p, i)))).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Apply512<TMap>(TMap map, Vector256<float> a, Vector256<float> b) where TMap : struct, IMap
    {
        var r = map.Apply(new V512<double>(WidenToDouble(a)), new V512<double>(WidenToDouble(b))).Value;
        return NarrowToSingle(r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Apply256<TMap>(TMap map, Vector128<float> a, Vector128<float> b) where TMap : struct, IMap
    {
        var r = map.Apply(new V256<double>(WidenToDouble(a)), new V256<double>(WidenToDouble(b))).Value;
        return NarrowToSingle(r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Apply128<TMap>(TMap map, Vector128<float> a, Vector128<float> b) where TMap : struct, IMap
    {
        var r = map.Apply(new V128<double>(Vector128.WidenLower(a)), new V128<double>(Vector128.WidenLower(b))).Value;
        return Vector128.Narrow(r, r).AsDouble().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> WidenToDouble(Vector256<float> v) =>
        Avx512F.IsSupported ? Avx512F.ConvertToVector512Double(v) : Vector512.Create(Vector256.WidenLower(v), Vector256.WidenUpper(v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> WidenToDouble(Vector128<float> v) =>
        Avx.IsSupported ? Avx.ConvertToVector256Double(v) : Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> NarrowToSingle(Vector512<double> v) =>
        Avx512F.IsSupported ? Avx512F.ConvertToVector256Single(v) : Vector256.Narrow(v.GetLower(), v.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> NarrowToSingle(Vector256<double> v) =>
        Avx.IsSupported ? Avx.ConvertToVector128Single(v) : Vector128.Narrow(v.GetLower(), v.GetUpper());
}

/// <summary>A two-input lane function the driver applies (one-input maps ignore the second input).</summary>
internal interface IMap
{
    /// <summary>True when <see cref="Apply"/> ignores its second input (the driver then loads one stream only).</summary>
    static virtual bool IsUnary => false;

    /// <summary>The kernel is a few instructions (see <see cref="IUnaryKernel.IsCheap"/>).</summary>
    static virtual bool IsCheap => false;

    /// <summary>Run two registers per iteration (<see cref="IUnaryKernel.ForwardInPairs"/>, <see cref="IUnaryKernel.BackwardInPairs"/>).</summary>
    static virtual bool InPairs => false;

    /// <summary>Float lanes go through <see cref="ApplyFloatLanes"/> and <see cref="ApplyInDouble"/> (<see cref="IUnaryKernel.ForwardHasDoubleLanes"/>).</summary>
    static virtual bool HasDoubleLanes => false;

    /// <summary>For double data the loop calls <see cref="ApplyAt"/> per register (<see cref="IUnaryKernel.BackwardOutOfLine"/>).</summary>
    static virtual bool OutOfLine => false;

    /// <summary>Large calls may write with streaming stores (<see cref="IUnaryKernel.ForwardStreams"/>).</summary>
    static virtual bool Streams => true;

    /// <summary>One register from memory to memory (only called when <see cref="OutOfLine"/>).</summary>
    void ApplyAt<TV, T>(ref T a, ref T b, ref T d)
        where TV : struct, IVec<TV>
        where T : unmanaged
        => Lanes.Store(Apply(Lanes.Load<TV, T>(ref a), Lanes.Load<TV, T>(ref b)), ref d);

    TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV>;

    /// <summary>The float-lane result and the lanes to redo in double (only called when <see cref="HasDoubleLanes"/>).</summary>
    TV ApplyFloatLanes<TV>(TV a, TV b, out TV inDouble) where TV : struct, IVec<TV>
    {
        inDouble = TV.Zero;
        return Apply(a, b);
    }

    /// <summary>Whether <see cref="ApplyFloatLanes"/> marks any lane (only called when <see cref="HasDoubleLanes"/>).</summary>
    bool MarksAny<TV>(TV a, TV b) where TV : struct, IVec<TV> => false;

    /// <summary>
    /// The marks as one bound on the first input, if they are (<see cref="IUnaryKernel.ForwardMarkBound"/>; only read
    /// for maps with <see cref="HasDoubleLanes"/>, which implement it: through this default a struct map would be
    /// boxed). Both loops, one register or two per iteration, then keep the keys' running maximum (DeferredRedo).
    /// </summary>
    MarkBound MarkBound => MarkBound.None;

    /// <summary>The whole register from the double-lane definition (only called when <see cref="HasDoubleLanes"/>).</summary>
    TV ApplyInDouble<TV>(TV a, TV b) where TV : struct, IVec<TV> => Apply(a, b);

    /// <summary>
    /// The marked lanes have a float formula of their own (<see cref="IUnaryKernel.ForwardTailInFloat"/>,
    /// <see cref="IUnaryKernel.BackwardTailInFloat"/>), <see cref="ApplyTail"/>: for float lanes,
    /// <see cref="ApplyInDouble"/> is that formula.
    /// </summary>
    static virtual bool HasFloatTail => false;

    /// <summary>The float tail formula for the marked lanes (float lanes, only called when <see cref="HasFloatTail"/>).</summary>
    TV ApplyTail<TV>(TV a, TV b) where TV : struct, IVec<TV> => a;
}

/// <summary>The forward of an instance whose parameters leave the float-lane formulas (<see cref="IUnaryKernel.ForwardForParameters{TV}"/>): double lanes only.</summary>
internal readonly struct ParameterForwardMap<TOp>(TOp op) : IMap where TOp : struct, IUnaryKernel
{
    public static bool IsUnary => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.ForwardForParameters(a);
}

internal readonly struct ParameterBackwardMap<TOp>(TOp op) : IMap where TOp : struct, IUnaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.BackwardForParameters(a, b);
}

internal readonly struct ForwardMap<TOp>(TOp op) : IMap where TOp : struct, IUnaryKernel
{
    public static bool IsCheap => TOp.IsCheap;

    public static bool Streams => TOp.ForwardStreams;

    public static bool InPairs => TOp.ForwardInPairs;

    public static bool IsUnary => true;

    public static bool HasDoubleLanes => TOp.ForwardHasDoubleLanes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.Forward(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ApplyFloatLanes<TV>(TV a, TV b, out TV inDouble) where TV : struct, IVec<TV> => op.ForwardFloatLanes(a, out inDouble);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MarksAny<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.ForwardMarksAny(a);

    public MarkBound MarkBound => ElementwiseDriver.UsesParameterForm(op) ? MarkBound.None : TOp.MarkBoundsDependOnParameters ? op.ForwardInstanceMarkBound : TOp.ForwardMarkBound;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ApplyInDouble<TV>(TV a, TV b) where TV : struct, IVec<TV> => InDouble.Forward(op, a);

    public static bool HasFloatTail => TOp.ForwardTailInFloat;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ApplyTail<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.ForwardTailF(a);
}

internal readonly struct BackwardMap<TOp>(TOp op) : IMap where TOp : struct, IUnaryKernel
{
    public static bool IsCheap => TOp.IsCheap;

    public static bool Streams => TOp.BackwardStreams;

    public static bool InPairs => TOp.BackwardInPairs;

    public static bool HasDoubleLanes => TOp.BackwardHasDoubleLanes;

    public static bool OutOfLine => TOp.BackwardOutOfLine;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.Backward(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ApplyAt<TV, T>(ref T a, ref T b, ref T d)
        where TV : struct, IVec<TV>
        where T : unmanaged
        => op.BackwardAt<TV, T>(ref a, ref b, ref d);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ApplyFloatLanes<TV>(TV a, TV b, out TV inDouble) where TV : struct, IVec<TV> => op.BackwardFloatLanes(a, b, out inDouble);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MarksAny<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.BackwardMarksAny(a, b);

    public MarkBound MarkBound => ElementwiseDriver.UsesParameterForm(op) ? MarkBound.None : TOp.MarkBoundsDependOnParameters ? op.BackwardInstanceMarkBound : TOp.BackwardMarkBound;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ApplyInDouble<TV>(TV a, TV b) where TV : struct, IVec<TV> => InDouble.Backward(op, a, b);

    public static bool HasFloatTail => TOp.BackwardTailInFloat;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ApplyTail<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.BackwardTailF(a, b);
}

internal readonly struct OutputBackwardMap<TOp>(TOp op) : IMap where TOp : struct, IOutputGradientKernel
{
    public static bool IsCheap => TOp.IsCheap;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.BackwardFromOutput(a, b);
}

internal readonly struct FloatGradeForwardMap<TOp>(TOp op) : IMap where TOp : struct, IUnaryKernel
{
    public static bool IsUnary => true;

    // Float data in double lanes (parameter instances such as silu with β ≠ 1, and the float-in-double kernels): slow
    // enough that streaming stores made large calls slower on Zen 5 (docs/performance.md, "Streaming stores").
    public static bool Streams => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.ForwardForFloat(a);
}

internal readonly struct FloatGradeBackwardMap<TOp>(TOp op) : IMap where TOp : struct, IUnaryKernel
{
    // As FloatGradeForwardMap.
    public static bool Streams => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.BackwardForFloat(a, b);
}

/// <summary>The order of an element-wise loop: <see cref="Up"/> or <see cref="Down"/>, fixed when the loop is compiled.</summary>
/// <summary>The element-wise loop's body: float lanes with the marked lanes redone after the store (IMap.HasDoubleLanes).</summary>
internal readonly struct WithRedo;

/// <summary>
/// As <see cref="WithRedo"/>, with the marks found after the loop: a running maximum of the lanes' keys
/// (<see cref="MarkBound"/>) is tested once, and only if it shows a marked lane are the registers tested and redone.
/// </summary>
internal readonly struct DeferredRedo;

/// <summary>The element-wise loop's body: the map's Apply alone.</summary>
internal readonly struct NoRedo;

/// <summary>The element-wise loop's body: the map's out-of-line step from memory to memory (<see cref="IMap.OutOfLine"/>).</summary>
internal readonly struct OutOfLine;

/// <summary>The element-wise loop's stores: ordinary ones, through the caches.</summary>
internal readonly struct Cached;

/// <summary>The element-wise loop's stores: non-temporal, to a pinned destination with every register aligned (<see cref="StreamingStores"/>).</summary>
internal readonly struct Streaming;

internal interface ILoopDirection
{
    static abstract bool Down { get; }
}

/// <summary>Registers at 0, w, 2w, …; the overlapping tail register at n − w.</summary>
internal readonly struct Up : ILoopDirection
{
    public static bool Down => false;
}

/// <summary>Registers at n − w, n − 2w, …; the overlapping tail register at 0.</summary>
internal readonly struct Down : ILoopDirection
{
    static bool ILoopDirection.Down => true;
}

/// <summary>Chooses the order of an element-wise loop from where its output lies relative to its inputs.</summary>
internal static class LoopDirection
{
    // Output-to-input distances (mod 4 KiB, in bytes) within which a loop keeps loading addresses that the stores it
    // has just issued alias: up to 1 KiB above the input for an ascending loop, below it for a descending one.
    private const int Near = 1024;

    /// <summary>Whether <see cref="Descending{T}"/> may turn a cheap kernel's loop around: not on Intel processors (see there).</summary>
    private static readonly bool DescendsCheapLoops = !Isa.IsIntel;

    /// <summary>The offset of the register at step <paramref name="i"/> (0, w, 2w, … up to <paramref name="last"/> = n − w).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int At<TDir>(int i, int last) where TDir : struct, ILoopDirection => TDir.Down ? last - i : i;

    /// <summary>The offset of the overlapping tail register, at the far end: n − w going up, 0 going down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TailAt<TDir>(int last) where TDir : struct, ILoopDirection => TDir.Down ? 0 : last;

    /// <summary>
    /// Whether to run the loop from the top down. The core checks a load against older stores by the low 12 bits of
    /// the address first, so a load of an input whose address agrees modulo 4 KiB with a store still in flight waits
    /// for it as if it depended on it. When the output lies just above an input modulo 4 KiB (two arrays allocated one
    /// after the other), an ascending loop keeps loading the addresses its last stores alias: every load waits for
    /// the result just computed and the loop runs at the kernel's latency instead of its throughput (262,144 floats:
    /// sigmoid 0.31 → 0.39 ns/element, relu 0.083 → 0.105). Descending, those inputs were loaded before the stores
    /// that alias them. With the output just below an input the ascending order is the safe one.
    /// </summary>
    /// <remarks>
    /// Measured on AMD (Zen 4 and Zen 5). On Intel (Emerald Rapids, 2026-12-05, 262,144 floats, the output 112 bytes
    /// above the input modulo 4 KiB) the compute-bound kernels gain from it as on Zen (tanh 0.31 → 0.26 ns/element,
    /// sigmoid 0.22 → 0.21), but a <paramref name="cheap"/> kernel's loop, bound by memory, runs three times slower
    /// descending (relu 0.35–0.40 against 0.12–0.14 ascending, the copy 0.10–0.12), and ascending loses nothing to the
    /// aliasing there: on Intel cheap loops always ascend. Either order gives the same bits.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Descending<T>(ref T pa, ref T pb, ref T pd, bool unary, bool cheap)
    {
        if (cheap && !DescendsCheapLoops) return false;
        int da = (int)(Unsafe.ByteOffset(ref pa, ref pd) & 4095);
        int db = unary ? da : (int)(Unsafe.ByteOffset(ref pb, ref pd) & 4095);
        bool upAliases = (da > 0 && da <= Near) || (db > 0 && db <= Near);
        bool downAliases = da >= 4096 - Near || db >= 4096 - Near;
        return upAliases && !downAliases;
    }
}

/// <summary>
/// One of the element-wise float calls, run on a 16-bit call's widened chunks (<see cref="ElementwiseDriver"/>): the
/// forward reads <c>a</c> only; the backwards read <c>a</c> (x or y) and <c>b</c> (dy). <c>d</c> may be <c>a</c>.
/// </summary>
internal interface IFloatCall
{
    /// <summary>Runs the float call.</summary>
    void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d);
}

/// <summary>y = f(x).</summary>
internal readonly struct ForwardCall<TOp>(TOp op) : IFloatCall where TOp : struct, IUnaryKernel
{
    public void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) => ElementwiseDriver.Forward(op, a, d);
}

/// <summary>dx = dy·f′(x).</summary>
internal readonly struct BackwardCall<TOp>(TOp op) : IFloatCall where TOp : struct, IUnaryKernel
{
    public void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) => ElementwiseDriver.Backward(op, a, b, d);
}

/// <summary>dx = dy·f′ from y = f(x).</summary>
internal readonly struct OutputBackwardCall<TOp>(TOp op) : IFloatCall where TOp : struct, IOutputGradientKernel
{
    public void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) => ElementwiseDriver.BackwardFromOutput(op, a, b, d);
}
