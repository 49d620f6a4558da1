using System.Numerics;
using System.Runtime.InteropServices;

namespace ActivationKit.Kernels;

/// <summary>Work split into numbered chunks that may run on any thread in any order.</summary>
internal abstract class ChunkJob
{
    /// <summary>Number of chunks.</summary>
    public int Chunks;

    /// <summary>Runs chunk <paramref name="index"/> (0 ≤ index &lt; <see cref="Chunks"/>).</summary>
    public abstract void RunChunk(int index);
}

/// <summary>
/// A minimal fork-join pool for the element-wise drivers: dedicated background workers wait on a semaphore, the
/// caller publishes one job, releases as many workers as it can use, takes chunks itself from a shared counter and
/// waits for the last participant. Nothing is allocated per call (the workers are created once, on first use).
/// One job at a time: <see cref="TryAcquire"/> returns false when the pool is busy so the caller runs serially.
/// </summary>
internal static class ForkJoin
{
    private static readonly Lock Gate = new();
    private static readonly SemaphoreSlim Start = new(0);
    private static readonly ManualResetEventSlim Done = new(false);
    private static readonly List<Thread> Workers = [];
    private static ChunkJob? s_job;
    private static int s_next;
    private static int s_pending;

    /// <summary>Takes the pool for one job; false when another call is using it (run serially then).</summary>
    public static bool TryAcquire() => Gate.TryEnter();

    /// <summary>Gives the pool back (after <see cref="TryAcquire"/> returned true).</summary>
    public static void Release() => Gate.Exit();

    /// <summary>Runs every chunk of <paramref name="job"/> on up to <paramref name="threads"/> threads (the caller included); needs the pool.</summary>
    public static void Run(ChunkJob job, int threads)
    {
        int helpers = Math.Min(threads - 1, job.Chunks - 1);
        while (Workers.Count < helpers)
        {
            var t = new Thread(WorkerLoop) { IsBackground = true, Name = "ActivationKit kernel worker" };
            Workers.Add(t);
            t.Start();
        }

        s_job = job;
        s_next = 0;
        s_pending = helpers + 1;
        Done.Reset();
        if (helpers > 0) Start.Release(helpers);
        Work();
        Done.Wait();
        s_job = null;
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            Start.Wait();
            Work();
        }
    }

    private static void Work()
    {
        var job = s_job!;
        int i;
        while ((i = Interlocked.Increment(ref s_next) - 1) < job.Chunks) job.RunChunk(i);
        if (Interlocked.Decrement(ref s_pending) == 0) Done.Set();
    }
}

/// <summary>One call over a span of <see cref="Length"/> elements, cut into chunks of <see cref="ChunkLength"/>.</summary>
internal abstract class SpanJob : ChunkJob
{
    public int Length;
    public int ChunkLength;

    /// <summary>
    /// Cuts <paramref name="length"/> elements for <paramref name="threads"/> threads: a few chunks per thread balance a
    /// machine whose cores are not all free; chunks stay whole cache lines and at least 2^16 elements.
    /// </summary>
    public void Split(int length, int threads)
    {
        Length = length;
        ChunkLength = Math.Max(1 << 16, ((length / (threads * 4)) + 63) & ~63);
        // In long: length + ChunkLength − 1 passes int.MaxValue from about 1.9·10⁹ elements, which made Chunks negative,
        // ran no chunk and left the caller waiting for ever (an exploratory tester's find).
        Chunks = (int)(((long)length + ChunkLength - 1) / ChunkLength);
    }

    /// <summary>The first element of chunk <paramref name="index"/>, and in <paramref name="count"/> its length.</summary>
    protected int ChunkAt(int index, out int count)
    {
        int start = index * ChunkLength;
        count = Math.Min(ChunkLength, Length - start);
        return start;
    }
}

/// <summary>One element-wise call (a map over up to two inputs) split into chunks; one cached instance per map type.</summary>
internal sealed unsafe class ElementwiseJob<TMap, T> : SpanJob
    where TMap : struct, IMap
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    // Only the holder of the pool's gate fills and runs it, so one instance per instantiation suffices.
    public static readonly ElementwiseJob<TMap, T> Instance = new();

    public TMap Map;
    public bool Widened;
    public bool Streams;
    public T* A;
    public T* B;
    public T* D;

    public override void RunChunk(int index)
    {
        int start = ChunkAt(index, out int n);
        var a = new ReadOnlySpan<T>(A + start, n);
        var b = new ReadOnlySpan<T>(B + start, n);
        var d = new Span<T>(D + start, n);
        if (Streams) ElementwiseDriver.RunStreaming(Map, Widened, a, b, d);
        else ElementwiseDriver.RunDirect(Map, Widened, a, b, d);
    }
}

/// <summary>One Half or BFloat16 element-wise call split into chunks, each converted and computed on its thread.</summary>
internal sealed unsafe class LowPrecisionJob<TCall, TLow> : SpanJob
    where TCall : struct, IFloatCall
    where TLow : unmanaged
{
    public static readonly LowPrecisionJob<TCall, TLow> Instance = new();

    public TCall Call;
    public bool Unary;
    public TLow* X;
    public TLow* Dy;
    public TLow* D;

    public override void RunChunk(int index)
    {
        int start = ChunkAt(index, out int n);
        var x = new ReadOnlySpan<TLow>(X + start, n);
        var d = new Span<TLow>(D + start, n);
        if (Unary) ElementwiseDriver.ForwardChunks(Call, x, d);
        else ElementwiseDriver.BackwardChunks(Call, x, new ReadOnlySpan<TLow>(Dy + start, n), d);
    }
}

/// <summary>Work over whole rows split into chunks of consecutive rows (the gated and row-wise drivers).</summary>
internal abstract class RowsJob : ChunkJob
{
    private int _rows;
    private int _rowsPerChunk;

    /// <summary>
    /// Cuts <paramref name="rows"/> rows of <paramref name="rowInputs"/> inputs for <paramref name="threads"/> threads: a
    /// few chunks per thread, each of whole rows and at least 2^16 inputs where the call has that many.
    /// </summary>
    public void SplitRows(int rows, int rowInputs, int threads)
    {
        _rows = rows;
        long byBalance = rows / (threads * 4L);
        long bySize = ((1L << 16) + rowInputs - 1) / rowInputs;
        _rowsPerChunk = (int)Math.Clamp(Math.Max(byBalance, bySize), 1, rows);
        Chunks = (rows + _rowsPerChunk - 1) / _rowsPerChunk;
    }

    /// <summary>The first row of chunk <paramref name="index"/>, and in <paramref name="count"/> its number of rows.</summary>
    protected int ChunkRows(int index, out int count)
    {
        int first = index * _rowsPerChunk;
        count = Math.Min(_rowsPerChunk, _rows - first);
        return first;
    }
}

/// <summary>
/// One gated call (GLU family) split into chunks of whole rows, each run by <see cref="GatedDriver"/>'s serial path;
/// one cached instance per gate and element type.
/// </summary>
internal sealed unsafe class GatedJob<TK, T> : RowsJob
    where TK : struct, IUnaryKernel
    where T : unmanaged
{
    // Only the holder of the pool's gate fills and runs it, so one instance per instantiation suffices.
    public static readonly GatedJob<TK, T> Instance = new();

    public TK Gate;
    public bool Backward;
    public T* X;
    public T* Dy;
    public T* D;
    public int Half;

    public override void RunChunk(int index)
    {
        int first = ChunkRows(index, out int count);
        long inputs = 2L * Half * first;
        int n = 2 * Half * count;
        var x = new ReadOnlySpan<T>(X + inputs, n);
        if (typeof(T) == typeof(float))
        {
            var xf = MemoryMarshal.Cast<T, float>(x);
            if (!Backward) GatedDriver.ForwardSerial(Gate, xf, MemoryMarshal.Cast<T, float>(new Span<T>(D + (inputs / 2), n / 2)), Half);
            else GatedDriver.BackwardSerial(Gate, xf, MemoryMarshal.Cast<T, float>(new ReadOnlySpan<T>(Dy + (inputs / 2), n / 2)), MemoryMarshal.Cast<T, float>(new Span<T>(D + inputs, n)), Half);
        }
        else
        {
            var xd = MemoryMarshal.Cast<T, double>(x);
            if (!Backward) GatedDriver.ForwardSerial(Gate, xd, MemoryMarshal.Cast<T, double>(new Span<T>(D + (inputs / 2), n / 2)), Half);
            else GatedDriver.BackwardSerial(Gate, xd, MemoryMarshal.Cast<T, double>(new ReadOnlySpan<T>(Dy + (inputs / 2), n / 2)), MemoryMarshal.Cast<T, double>(new Span<T>(D + inputs, n)), Half);
        }
    }
}

/// <summary>
/// One row-wise call (softmax family) split into chunks of whole rows, each run by <see cref="RowwiseDriver"/>'s
/// serial path; one cached instance per kernel and element type.
/// </summary>
internal sealed unsafe class RowwiseJob<TK, T> : RowsJob
    where TK : struct, IRowKernel
    where T : unmanaged
{
    public static readonly RowwiseJob<TK, T> Instance = new();

    public TK Kernel;
    public RowwiseDriver.Op Op;
    public T* A;
    public T* B;
    public T* D;
    public int Columns;

    public override void RunChunk(int index)
    {
        int first = ChunkRows(index, out int count);
        long start = (long)Columns * first;
        int n = Columns * count;
        if (typeof(T) == typeof(float))
        {
            RowwiseDriver.DispatchSerial(Op, Kernel, MemoryMarshal.Cast<T, float>(new ReadOnlySpan<T>(A + start, n)), MemoryMarshal.Cast<T, float>(new ReadOnlySpan<T>(B + start, n)), MemoryMarshal.Cast<T, float>(new Span<T>(D + start, n)), Columns);
        }
        else
        {
            RowwiseDriver.DispatchSerial(Op, Kernel, MemoryMarshal.Cast<T, double>(new ReadOnlySpan<T>(A + start, n)), MemoryMarshal.Cast<T, double>(new ReadOnlySpan<T>(B + start, n)), MemoryMarshal.Cast<T, double>(new Span<T>(D + start, n)), Columns);
        }
    }
}
