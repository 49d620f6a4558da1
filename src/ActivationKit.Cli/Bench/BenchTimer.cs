using System.Diagnostics;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace ActivationKit.Cli.Bench;

/// <summary>Best and median time of one call, in nanoseconds.</summary>
public readonly record struct Timing(double BestNs, double MedianNs);

/// <summary>
/// Times a call the way the anchors do (best of repeated runs), after a warm-up that waits for the tiered JIT: the
/// call is repeated until at least <see cref="MinWarmupCalls"/> calls have run and no method has been compiled for
/// <see cref="QuietPeriod"/>, so the numbers come from fully optimised (tier-1) code, never tier-0 or OSR code.
/// Short calls are batched so that each timed sample lasts at least <see cref="MinSample"/>. The timer's own loops
/// (<see cref="Measure"/>, <see cref="CallsPerSample"/>) are compiled fully optimised at once
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): each runs once per measurement, so under tiered compilation
/// its loop started as tier-0 code and was replaced by on-stack replacement in the middle of a timed sample, whose time
/// then included the OSR compilation (relu at 16 elements, --reps 1: 6–64 ns/element instead of 0.32).
/// </summary>
public static class BenchTimer
{
    /// <summary>Calls made before the JIT is considered settled, at the least (the tier-up threshold is 30).</summary>
    public const int MinWarmupCalls = 64;

    /// <summary>How long no method may have been compiled before timing starts.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>The shortest timed sample (short calls are repeated within one sample).</summary>
    public static readonly TimeSpan MinSample = TimeSpan.FromMicroseconds(200);

    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="call"/> until the JIT has settled (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WarmUp(Action call)
    {
        long start = Stopwatch.GetTimestamp();
        long lastChange = start;
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        for (int calls = 1; ; calls++)
        {
            call();
            long now = Stopwatch.GetTimestamp();
            long count = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (count != compiled)
            {
                compiled = count;
                lastChange = now;
            }

            if (calls >= MinWarmupCalls && Stopwatch.GetElapsedTime(lastChange, now) >= QuietPeriod) return;
            if (Stopwatch.GetElapsedTime(start, now) >= MaxWarmup) return;
        }
    }

    /// <summary>Best and median over <paramref name="reps"/> samples of the time of one call (already warmed up).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Timing Measure(Action call, int reps)
    {
        int batch = CallsPerSample(call);
        var samples = new double[reps];
        var mode = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        try
        {
            for (int r = 0; r < reps; r++)
            {
                long s = Stopwatch.GetTimestamp();
                for (int i = 0; i < batch; i++) call();
                samples[r] = Stopwatch.GetElapsedTime(s).TotalNanoseconds / batch;
            }
        }
        finally
        {
            GCSettings.LatencyMode = mode;
        }

        Array.Sort(samples);
        double median = reps % 2 == 1 ? samples[reps / 2] : 0.5 * (samples[(reps / 2) - 1] + samples[reps / 2]);
        return new Timing(samples[0], median);
    }

    /// <summary>
    /// Calls per sample: grown until one batch lasts <see cref="MinSample"/>. Taken from a single timed call, one slow
    /// call (a page fault, an interrupt) made the batches of a 5 ns call a handful long, so samples timed the clock
    /// more than the call, and a call shorter than the clock's step could even read as 0 ns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int CallsPerSample(Action call)
    {
        const int MaxBatch = 1_000_000;
        int batch = 1;
        while (true)
        {
            long s = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++) call();
            double elapsed = Stopwatch.GetElapsedTime(s).TotalNanoseconds;
            if (elapsed >= MinSample.TotalNanoseconds || batch >= MaxBatch) return batch;
            // At least double, and aim a fifth past the target from this batch's rate.
            double wanted = elapsed <= 0 ? 2.0 * batch : 1.2 * batch * MinSample.TotalNanoseconds / elapsed;
            batch = (int)Math.Min(MaxBatch, Math.Max(2.0 * batch, Math.Ceiling(wanted)));
        }
    }
}
