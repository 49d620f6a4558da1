using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ActivationKit.Simd;
using System.Globalization;

namespace ActivationKit.Kernels;

/// <summary>
/// The one loop behind every row-wise activation: checks the spans, splits a row-major [rows × columns] buffer into
/// rows, picks the widest register of double lanes no longer than a row, and hands each row to the kernel. Float data
/// is widened into a double row, computed there and rounded once on the way out, so a float result carries a single
/// rounding on top of the double algorithm. Outputs may be the input memory (in place); rows are independent.
/// </summary>
public static class RowwiseDriver
{
    /// <summary>Doubles of scratch per column handed to every <see cref="IRowKernel"/> call.</summary>
    public const int ScratchPerColumn = 2;

    /// <summary>Which call a row runs.</summary>
    internal enum Op
    {
        Forward,
        Backward,
        BackwardFromOutput,
    }

    /// <summary>y = f(x) row by row, double.</summary>
    public static void Forward<TK>(TK kernel, ReadOnlySpan<double> x, Span<double> y, int columns) where TK : struct, IRowKernel
    {
        SpanChecks.Unary(x, y, "x", "y");
        Dispatch(Op.Forward, kernel, x, x, y, CheckRows(x.Length, columns));
    }

    /// <summary>y = f(x) row by row, float (in float lanes where the kernel has a float row path, else in double, rounded once).</summary>
    public static void Forward<TK>(TK kernel, ReadOnlySpan<float> x, Span<float> y, int columns) where TK : struct, IRowKernel
    {
        SpanChecks.Unary(x, y, "x", "y");
        Dispatch(Op.Forward, kernel, x, x, y, CheckRows(x.Length, columns));
    }

    /// <summary>dx = Jᵀ·dy row by row from the input x, double.</summary>
    public static void Backward<TK>(TK kernel, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns) where TK : struct, IRowKernel
    {
        SpanChecks.Binary(x, dy, dx);
        Dispatch(Op.Backward, kernel, x, dy, dx, CheckRows(x.Length, columns));
    }

    /// <summary>dx = Jᵀ·dy row by row from the input x, float.</summary>
    public static void Backward<TK>(TK kernel, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TK : struct, IRowKernel
    {
        SpanChecks.Binary(x, dy, dx);
        Dispatch(Op.Backward, kernel, x, dy, dx, CheckRows(x.Length, columns));
    }

    /// <summary>dx = Jᵀ·dy row by row from the output y, double.</summary>
    public static void BackwardFromOutput<TK>(TK kernel, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, int columns) where TK : struct, IRowKernel
    {
        SpanChecks.Binary(y, dy, dx, "y");
        Dispatch(Op.BackwardFromOutput, kernel, y, dy, dx, CheckRows(y.Length, columns));
    }

    /// <summary>dx = Jᵀ·dy row by row from the output y, float.</summary>
    public static void BackwardFromOutput<TK>(TK kernel, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TK : struct, IRowKernel
    {
        SpanChecks.Binary(y, dy, dx, "y");
        Dispatch(Op.BackwardFromOutput, kernel, y, dy, dx, CheckRows(y.Length, columns));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CheckRows(int length, int columns)
    {
        if (columns <= 0 || length % columns != 0) ThrowRows(length, columns);
        return columns;
    }

    /// <summary>The message of <see cref="CheckRows"/>, out of line so the check builds nothing per call (see <see cref="SpanChecks"/>).</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ThrowRows(int length, int columns)
        => throw new ArgumentException(
            columns <= 0 ? string.Create(CultureInfo.InvariantCulture, $"columns must be positive, got {columns}.") : string.Create(CultureInfo.InvariantCulture, $"A buffer of {length} elements is not a whole number of rows of {columns} columns."),
            nameof(columns));

    private static void Dispatch<TK>(Op op, TK kernel, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> dst, int n) where TK : struct, IRowKernel
    {
        if (a.Length == 0) return;
        if (Parallel(a.Length, n) && TryRunParallel(op, kernel, a, b, dst, n)) return;
        DispatchSerial(op, kernel, a, b, dst, n);
    }

    /// <summary>Double rows on this thread (the checks done).</summary>
    internal static void DispatchSerial<TK>(Op op, TK kernel, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> dst, int n) where TK : struct, IRowKernel
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count) Rows<TK, V512<double>>(op, kernel, a, b, dst, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count) Rows<TK, V256<double>>(op, kernel, a, b, dst, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<double>.Count) Rows<TK, V128<double>>(op, kernel, a, b, dst, n);
        else Rows<TK, S<double>>(op, kernel, a, b, dst, n);
    }

    private static void Dispatch<TK>(Op op, TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, int n) where TK : struct, IRowKernel
    {
        if (a.Length == 0) return;
        if (Parallel(a.Length, n) && TryRunParallel(op, kernel, a, b, dst, n)) return;
        DispatchSerial(op, kernel, a, b, dst, n);
    }

    /// <summary>
    /// Whether a call of <paramref name="length"/> entries may be split across threads: <see cref="KernelOptions.MaxThreads"/>
    /// above 1, at least <see cref="KernelOptions.ParallelThreshold"/> entries and more than one row of <paramref name="columns"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Parallel(int length, int columns)
        => length >= KernelOptions.ParallelThreshold && KernelOptions.MaxThreads > 1 && length > columns;

    /// <summary>
    /// Splits the rows of a call across the pool (<see cref="ForkJoin"/>): chunks of whole rows, each run by the serial
    /// path, so the results are the bits of one thread (rows are independent, and a row's bits do not depend on the
    /// way it goes). False, and nothing done, when the pool is busy (the caller then runs the call itself).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool TryRunParallel<TK, T>(Op op, TK kernel, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst, int n)
        where TK : struct, IRowKernel
        where T : unmanaged
    {
        if (!ForkJoin.TryAcquire()) return false;
        try
        {
            int threads = KernelOptions.MaxThreads;
            var job = RowwiseJob<TK, T>.Instance;
            fixed (T* pa = a, pb = b, pd = dst)
            {
                job.Kernel = kernel;
                job.Op = op;
                job.A = pa;
                job.B = pb;
                job.D = pd;
                job.Columns = n;
                job.SplitRows(a.Length / n, n, threads);
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

    /// <summary>Float rows on this thread (the checks done).</summary>
    internal static void DispatchSerial<TK>(Op op, TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, int n) where TK : struct, IRowKernel
    {
        if (TK.FloatRows)
        {
            bool blocks = op switch
            {
                Op.Forward => TK.FloatBlocks,
                Op.Backward => TK.FloatBackwardBlocks,
                _ => TK.FloatOutputBlocks,
            };
            if (blocks && n <= MaxBlockColumns) Blocks(op, kernel, a, b, dst, n);
            else DispatchFloatRows(op, kernel, a, b, dst, n);
            return;
        }

        DispatchWidened(op, kernel, a, b, dst, n);
    }

    /// <summary>Float rows one (or two) at a time in float lanes of the widest register no longer than a row.</summary>
    private static void DispatchFloatRows<TK>(Op op, TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, int n) where TK : struct, IRowKernel
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count) FloatRows<TK, V512<float>>(op, kernel, a, b, dst, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count) FloatRows<TK, V256<float>>(op, kernel, a, b, dst, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count) FloatRows<TK, V128<float>>(op, kernel, a, b, dst, n);
        else FloatRows<TK, S<float>>(op, kernel, a, b, dst, n);
    }

    /// <summary>The longest rows offered to <see cref="IRowKernel.ForwardFloatBlocks{TV}"/> (one row per lane, one entry per canonical lane).</summary>
    public const int MaxBlockColumns = 16;

    /// <summary>
    /// Short float rows (forward, backward from the input or from the output) in blocks of as many rows as the widest register has lanes
    /// (16 on AVX-512), then of the narrower widths for what is left, then one at a time; rows a block declines go one
    /// at a time. The bits are the same whichever way a row goes (see <see cref="IRowKernel.ForwardFloatBlocks{TV}"/>).
    /// </summary>
    private static void Blocks<TK>(Op op, TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, int n) where TK : struct, IRowKernel
    {
        int start = 0;
        if (Vector512.IsHardwareAccelerated) start = Blocks<TK, V512<float>>(op, kernel, a, b, dst, n, start);
        if (Vector256.IsHardwareAccelerated) start = Blocks<TK, V256<float>>(op, kernel, a, b, dst, n, start);
        if (Vector128.IsHardwareAccelerated) start = Blocks<TK, V128<float>>(op, kernel, a, b, dst, n, start);
        if (start < a.Length) DispatchFloatRows(op, kernel, a[start..], b[start..], dst[start..], n);
    }

    /// <summary>Blocks of <c>TV.Count</c> rows from <paramref name="start"/> on; returns where the whole blocks end.</summary>
    private static int Blocks<TK, TV>(Op op, TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, int n, int start)
        where TK : struct, IRowKernel
        where TV : struct, IVec<TV>
    {
        int block = TV.Count * n;
        while (block <= a.Length - start)
        {
            int whole = (a.Length - start) / block * block;
            int done = op switch
            {
                Op.Forward => kernel.ForwardFloatBlocks<TV>(a.Slice(start, whole), dst.Slice(start, whole), n),
                Op.Backward => kernel.BackwardFloatBlocks<TV>(a.Slice(start, whole), b.Slice(start, whole), dst.Slice(start, whole), n),
                _ => kernel.BackwardFromOutputFloatBlocks<TV>(a.Slice(start, whole), b.Slice(start, whole), dst.Slice(start, whole), n),
            };
            start += done;
            if (done < whole)
            {
                // The rows the kernel declined (a block's worth from the first of them), row by row.
                int rest = Math.Min(block, a.Length - start);
                DispatchFloatRows(op, kernel, a.Slice(start, rest), b.Slice(start, rest), dst.Slice(start, rest), n);
                start += rest;
            }
        }

        return start;
    }

    /// <summary>Float rows through double rows (widened once, rounded once).</summary>
    private static void DispatchWidened<TK>(Op op, TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, int n) where TK : struct, IRowKernel
    {
        if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count) Rows<TK, V512<double>>(op, kernel, a, b, dst, n);
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<double>.Count) Rows<TK, V256<double>>(op, kernel, a, b, dst, n);
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<double>.Count) Rows<TK, V128<double>>(op, kernel, a, b, dst, n);
        else Rows<TK, S<double>>(op, kernel, a, b, dst, n);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TK, TV>(Op op, TK kernel, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> dst, int n)
        where TK : struct, IRowKernel
        where TV : struct, IVec<TV>
    {
        double[] rented = ArrayPool<double>.Shared.Rent(ScratchPerColumn * n);
        try
        {
            var scratch = rented.AsSpan(0, ScratchPerColumn * n);
            for (int start = 0; start < a.Length; start += n)
            {
                var row = a.Slice(start, n);
                var d = dst.Slice(start, n);
                switch (op)
                {
                    case Op.Forward: kernel.Forward<TV>(row, d, scratch); break;
                    case Op.Backward: kernel.Backward<TV>(row, b.Slice(start, n), d, scratch); break;
                    default: kernel.BackwardFromOutput<TV>(row, b.Slice(start, n), d); break;
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>The longest rows handed to <see cref="IRowKernel.ForwardFloatPair{TV}"/>: two rows in and out stay in L1.</summary>
    private const int MaxPairedColumns = 2048;

    /// <summary>Float rows in float lanes (the kernel's float row methods); a row they decline goes through double rows.</summary>
    private static void FloatRows<TK, TV>(Op op, TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, int n)
        where TK : struct, IRowKernel
        where TV : struct, IVec<TV>
    {
        for (int start = 0; start < a.Length; start += n)
        {
            var row = a.Slice(start, n);
            var other = b.Slice(start, n);
            var d = dst.Slice(start, n);
            // Two rows at a time where the kernel can overlap them (rows up to 2048 long keep both in L1), except rows
            // of at most two registers, which the kernels do in one method each.
            if (TK.FloatPairs && op == Op.Forward && n > 2 * TV.Count && n <= MaxPairedColumns && start + n < a.Length
                && kernel.ForwardFloatPair<TV>(row, d, a.Slice(start + n, n), dst.Slice(start + n, n)))
            {
                start += n;
                continue;
            }

            bool done = op switch
            {
                Op.Forward => kernel.ForwardFloat<TV>(row, d),
                Op.Backward => kernel.BackwardFloat<TV>(row, other, d),
                _ => kernel.BackwardFromOutputFloat<TV>(row, other, d),
            };
            if (!done) DispatchWidened(op, kernel, row, other, d, n);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TK, TV>(Op op, TK kernel, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, int n)
        where TK : struct, IRowKernel
        where TV : struct, IVec<TV>
    {
        // Two double rows (the widened inputs) plus the kernel's scratch.
        double[] rented = ArrayPool<double>.Shared.Rent((2 + ScratchPerColumn) * n);
        try
        {
            var rowA = rented.AsSpan(0, n);
            var rowB = rented.AsSpan(n, n);
            var scratch = rented.AsSpan(2 * n, ScratchPerColumn * n);
            for (int start = 0; start < a.Length; start += n)
            {
                // The whole input row is read before any output is written, so dst may be a or b.
                Lanes.Widen<TV>(a.Slice(start, n), rowA);
                if (op != Op.Forward) Lanes.Widen<TV>(b.Slice(start, n), rowB);
                switch (op)
                {
                    case Op.Forward: kernel.Forward<TV>(rowA, rowA, scratch); break;
                    case Op.Backward: kernel.Backward<TV>(rowA, rowB, rowA, scratch); break;
                    default: kernel.BackwardFromOutput<TV>(rowA, rowB, rowA); break;
                }

                Lanes.Narrow<TV>(rowA, dst.Slice(start, n));
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }
}
