using System.Globalization;

namespace ActivationKit;

/// <summary>
/// Process-wide settings of the element-wise kernels. By default every call runs on the calling thread. Setting
/// <see cref="MaxThreads"/> above 1 lets float, double, Half and BFloat16 element-wise calls (forward, backward; for
/// float and double also backward from the output) of at least <see cref="ParallelThreshold"/> elements split their span into chunks run on a small pool of
/// worker threads plus the caller; results are bit-identical to the one-thread path, and no call allocates once
/// the pool exists. Calls that move at least <see cref="StreamingThreshold"/> bytes store with non-temporal stores.
/// </summary>
/// <remarks>
/// The pool serves one call at a time: a call that arrives while another is using it (from another thread, or from
/// inside a worker) simply runs on its own thread. Gated (GLU family) and row-wise (softmax family) float and double
/// calls split the same way since 2026-12-05, in chunks of whole rows.
/// </remarks>
public static class KernelOptions
{
    /// <summary>The default <see cref="ParallelThreshold"/>: 2^20 elements (4 MiB of float input).</summary>
    public const int DefaultParallelThreshold = 1 << 20;

    /// <summary>The smallest allowed <see cref="ParallelThreshold"/>.</summary>
    public const int MinParallelThreshold = 1 << 14;

    /// <summary>
    /// The default <see cref="StreamingThreshold"/>: 20 MiB read and written (a forward call over 2.5 Mi floats, a
    /// backward call over 1.7 Mi). On the machine the tables in docs/performance.md come from (32 MiB of L3) streaming
    /// lost up to 16 MiB for a forward call and won from 20 MiB on.
    /// </summary>
    public const long DefaultStreamingThreshold = 20L << 20;

    private static volatile int s_maxThreads = 1;
    private static volatile int s_parallelThreshold = DefaultParallelThreshold;
    private static long s_streamingThreshold = DefaultStreamingThreshold;

    /// <summary>
    /// Threads one element-wise call may use, the caller included: 1 (the default) keeps every call on the calling
    /// thread; <see cref="Environment.ProcessorCount"/> is the natural choice for large batches. Between 1 and 256.
    /// </summary>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            if (value is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(value), value, string.Create(CultureInfo.InvariantCulture, $"KernelOptions.MaxThreads must be between 1 and 256, got {value}."));
            s_maxThreads = value;
        }
    }

    /// <summary>
    /// Element count from which a call is split across threads when <see cref="MaxThreads"/> &gt; 1 (default
    /// <see cref="DefaultParallelThreshold"/>, at least <see cref="MinParallelThreshold"/>): below about a million
    /// elements the hand-off to other cores costs more than it saves.
    /// </summary>
    public static int ParallelThreshold
    {
        get => s_parallelThreshold;
        set
        {
            if (value < MinParallelThreshold) throw new ArgumentOutOfRangeException(nameof(value), value, string.Create(CultureInfo.InvariantCulture, $"KernelOptions.ParallelThreshold must be at least {MinParallelThreshold:N0} elements, got {value:N0}."));
            s_parallelThreshold = value;
        }
    }

    /// <summary>
    /// Bytes read and written by one call (inputs plus output) from which float and double element-wise calls (forward,
    /// backward, backward from the output) store their results with non-temporal stores, which go to memory without
    /// first reading each cache line of the destination and without evicting the caches' other contents; the values
    /// are the same bits. Worth it only when the data exceed the last-level cache: there it saves a third of a forward
    /// call's memory traffic, a quarter of a backward call's (default <see cref="DefaultStreamingThreshold"/>;
    /// <see cref="long.MaxValue"/> turns it off, 0 streams every call). In-place calls never stream: their destination
    /// is in the cache already. x86 only.
    /// </summary>
    public static long StreamingThreshold
    {
        get => Volatile.Read(ref s_streamingThreshold);
        set
        {
            if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, string.Create(CultureInfo.InvariantCulture, $"KernelOptions.StreamingThreshold must be 0 or more bytes (long.MaxValue turns streaming off), got {value:N0}."));
            Volatile.Write(ref s_streamingThreshold, value);
        }
    }
}
