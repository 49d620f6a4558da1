using ActivationKit.Catalog;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ActivationKit.Simd;
using System.Globalization;

namespace ActivationKit.Accuracy;

/// <summary>The 16-bit storage types the kernels take; they compute in float and round each result once.</summary>
public enum StorageType16
{
    /// <summary>IEEE 754 binary16 (<see cref="System.Half"/>): 11-bit significand, largest finite 65504.</summary>
    Half,

    /// <summary>bfloat16 (<see cref="Numerics.BFloat16"/>): 8-bit significand, float's exponent range.</summary>
    BFloat16,
}

/// <summary>The accuracy of one element-wise function over a set of inputs (float32, or a 16-bit type).</summary>
/// <param name="Function">The function's name, or its full spec (e.g. <c>leaky_relu(negative_slope=0.2)</c>) when a parameter differs from its default.</param>
/// <param name="Forward">ULP errors of f(x) against <see cref="ElementwiseActivation.Reference"/>.</param>
/// <param name="Backward">ULP errors of f′(x) (backward with dy = 1) against <see cref="ElementwiseActivation.ReferenceDerivative"/>.</param>
/// <param name="Inputs">Number of inputs checked.</param>
/// <param name="Elapsed">Wall-clock time of the measurement.</param>
/// <param name="Exhaustive">True when every float bit pattern in a range was checked, false for a sample.</param>
/// <param name="IsaPath">The register width the kernels ran at (<see cref="Isa.Path"/>).</param>
public sealed record AccuracyResult(string Function, UlpStats Forward, UlpStats Backward, long Inputs, TimeSpan Elapsed, bool Exhaustive, string IsaPath)
{
    /// <summary>Forward plus backward errors above the bound.</summary>
    public long AboveBound => Forward.AboveBound + Backward.AboveBound;

    /// <summary>True when no forward or backward error exceeds the bound.</summary>
    public bool WithinBound => AboveBound == 0;

    /// <summary>SHA-256 (hex) of the forward outputs' bytes, for comparing runs bit for bit (sampled and 16-bit modes).</summary>
    public string? ForwardHash { get; init; }

    /// <summary>SHA-256 (hex) of the backward outputs' bytes (sampled and 16-bit modes).</summary>
    public string? BackwardHash { get; init; }
}

/// <summary>
/// Measures float32 kernels against their double references: the engine behind <c>actkit accuracy</c> and the
/// accuracy tests, so both count errors the same way.
/// </summary>
public static class AccuracyMeter
{
    /// <summary>The accuracy promise: at most this many ULP for every float input.</summary>
    public const double UlpBound = 4;

    /// <summary>
    /// Within this distance of a zero of f′ (<see cref="Catalog.ActivationInfo.DerivativeZeros"/>, repeated every
    /// <see cref="Catalog.ActivationInfo.DerivativeZerosPeriod"/> for periodic functions; both, and this distance, times
    /// the instance's <see cref="Activation.DerivativeZeroScale"/>) the backward error
    /// is measured absolutely, in ULPs of 1: near a zero the relative error of the true value is unbounded while
    /// the absolute error stays tiny.
    /// </summary>
    public const double DerivativeZeroNeighbourhood = 0.05;

    /// <summary>Inputs per work item; the exhaustive sweep is 4096 of them.</summary>
    public const int ChunkLength = 1 << 20;

    /// <summary>Forward error of <paramref name="got"/> = f(<paramref name="x"/>) in float ULPs.</summary>
    public static double ForwardError(ElementwiseActivation f, float x, float got)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Ulp.Float(got, f.ForFloatData.Reference(x));
    }

    /// <summary>
    /// Backward error of <paramref name="got"/> = f′(<paramref name="x"/>) in float ULPs: relative, except within
    /// <see cref="DerivativeZeroNeighbourhood"/> of a zero of f′, where it is the smaller of the relative error and the
    /// absolute error in ULPs of 1. (Switching only where the relative error passed the bound made a kernel that is
    /// not exact next to the zero report a maximum just under the bound from inside the neighbourhood, hiding its
    /// error everywhere else.)
    /// </summary>
    public static double BackwardError(ElementwiseActivation f, float x, float got)
    {
        ArgumentNullException.ThrowIfNull(f);
        return BackwardError(f, f.ForFloatData, x, got);
    }

    private static double BackwardError(ElementwiseActivation f, ElementwiseActivation forFloat, float x, float got)
    {
        double reference = forFloat.ReferenceDerivative(x);
        return AbsoluteNearDerivativeZero(f, x, Ulp.Float(got, reference), got, reference, Ulp.FloatUlpAt(1.0));
    }

    /// <summary>
    /// <paramref name="relative"/>, or within <see cref="DerivativeZeroNeighbourhood"/> of a zero of f′ the smaller of it
    /// and the absolute error in units of <paramref name="ulpOfOne"/> (the result type's ULP of 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double AbsoluteNearDerivativeZero(ElementwiseActivation f, float x, double relative, double got, double reference, double ulpOfOne) =>
        relative > 0 && double.IsFinite(relative) && NearDerivativeZero(f, x) ? Math.Min(relative, Math.Abs(got - reference) / ulpOfOne) : relative;

    /// <summary>
    /// Measures forward and backward errors over <paramref name="inputs"/> (e.g. <see cref="AccuracySamples.Float"/>),
    /// comparing in parallel. The result carries hashes of the outputs so runs on different machines or ISA paths can
    /// be compared bit for bit.
    /// </summary>
    public static AccuracyResult Measure(ElementwiseActivation f, float[] inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        var clock = Stopwatch.StartNew();
        var y = new float[inputs.Length];
        var dx = new float[inputs.Length];
        var ones = new float[inputs.Length];
        ones.AsSpan().Fill(1f);
        f.Forward(inputs, y);
        f.Backward(inputs, ones, dx);

        const int chunk = 1 << 16;
        int chunks = (inputs.Length + chunk - 1) / chunk;
        var fwd = new UlpStats[chunks];
        var bwd = new UlpStats[chunks];
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, chunks, options, c =>
        {
            int start = c * chunk;
            int end = Math.Min(inputs.Length, start + chunk);
            var fs = new UlpStats(UlpBound);
            var bs = new UlpStats(UlpBound);
            Compare(f, inputs.AsSpan(start, end - start), y.AsSpan(start, end - start), dx.AsSpan(start, end - start), fs, bs);
            fwd[c] = fs;
            bwd[c] = bs;
        });

        return new AccuracyResult(Label(f), MergeInOrder(fwd), MergeInOrder(bwd), inputs.Length, clock.Elapsed, Exhaustive: false, Isa.Path)
        {
            ForwardHash = HashOf(y),
            BackwardHash = HashOf(dx),
        };
    }

    /// <summary>
    /// SHA-256 of the results with every NaN made the same NaN: IEEE 754 leaves a NaN result's sign and payload
    /// unspecified, and the JIT may swap the operands of a commutative operation between tiers, which changes which
    /// input NaN propagates. Every other bit must match across paths.
    /// </summary>
    public static string HashOf(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var canonical = (float[])values.Clone();
        CanonicalizeNaNs(canonical);
        return Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(canonical.AsSpan())));
    }

    /// <summary>
    /// Replaces every NaN in <paramref name="values"/> by <see cref="float.NaN"/>, in place, leaving every other value
    /// bit for bit as it is: the canonicalisation <see cref="HashOf"/> applies before hashing.
    /// </summary>
    public static void CanonicalizeNaNs(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i])) values[i] = float.NaN;
        }
    }

    /// <summary>
    /// Replaces every NaN in <paramref name="values"/> by <see cref="double.NaN"/>, in place, leaving every other value
    /// bit for bit as it is: <see cref="HashOf"/>'s canonicalisation for double results.
    /// </summary>
    public static void CanonicalizeNaNs(Span<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i])) values[i] = double.NaN;
        }
    }

    /// <summary>
    /// Checks every one of the 2^32 float bit patterns (±0, subnormals, normals, ±∞ and every NaN), using all cores
    /// in chunks of <see cref="ChunkLength"/> through the vector kernels.
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="progress">Receives the number of inputs finished by each chunk, from worker threads.</param>
    /// <param name="cancellationToken">Stops the sweep between chunks.</param>
    public static AccuracyResult MeasureExhaustive(ElementwiseActivation f, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
        => MeasureBitRange(f, 0, 1UL << 32, progress, cancellationToken);

    /// <summary>
    /// Checks the <paramref name="count"/> consecutive float bit patterns starting at <paramref name="firstBits"/>
    /// (wrapping is not allowed: firstBits + count ≤ 2^32).
    /// </summary>
    /// <exception cref="ArgumentException">The range runs past 0xFFFFFFFF.</exception>
    public static AccuracyResult MeasureBitRange(ElementwiseActivation f, uint firstBits, ulong count, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(f);
        // Compared as count ≤ 2^32 − firstBits: the sum firstBits + count wraps for a count near 2^64 (ulong.MaxValue
        // with firstBits = 1 gave 0, which passed and measured nothing).
        if (count > (1UL << 32) - firstBits)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The bit range starting at 0x{firstBits:X8} with {count} patterns runs past 0xFFFFFFFF."), nameof(count));
        }

        var clock = Stopwatch.StartNew();
        int chunks = (int)((count + ChunkLength - 1) / ChunkLength);
        var fwd = new UlpStats[chunks];
        var bwd = new UlpStats[chunks];
        var ones = new float[ChunkLength];
        ones.AsSpan().Fill(1f);
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(
            0,
            chunks,
            options,
            () => new Buffers(),
            (c, _, buffers) =>
            {
                ulong start = firstBits + ((ulong)c * ChunkLength);
                int n = (int)Math.Min(ChunkLength, firstBits + count - start);
                var x = buffers.X.AsSpan(0, n);
                var bits = MemoryMarshal.Cast<float, uint>(x);
                for (int i = 0; i < n; i++) bits[i] = (uint)(start + (ulong)i);
                var y = buffers.Y.AsSpan(0, n);
                var dx = buffers.Dx.AsSpan(0, n);
                f.Forward(x, y);
                f.Backward(x, ones.AsSpan(0, n), dx);
                var fs = new UlpStats(UlpBound);
                var bs = new UlpStats(UlpBound);
                Compare(f, x, y, dx, fs, bs);
                fwd[c] = fs;
                bwd[c] = bs;
                progress?.Report(n);
                return buffers;
            },
            _ => { });

        return new AccuracyResult(Label(f), MergeInOrder(fwd), MergeInOrder(bwd), (long)count, clock.Elapsed, Exhaustive: true, Isa.Path);
    }

    /// <summary>
    /// The bound for the 16-bit storage types, in their own ULPs: the kernels compute in float and round once, so a
    /// result is the correctly rounded one (≤ 0.5 ULP) unless the float result, within <see cref="UlpBound"/> float
    /// ULPs, lay on the other side of a rounding midpoint; a float ULP is 2^−13 of a Half ULP and 2^−16 of a bfloat16 one.
    /// </summary>
    public static double UlpBound16(StorageType16 type) => 0.5 + (UlpBound * (type == StorageType16.Half ? 1.0 / 8192 : 1.0 / 65536));

    /// <summary>
    /// Checks all 65,536 bit patterns of a 16-bit storage type (±0, subnormals, normals, ±∞ and every NaN), forward and
    /// backward with dy = 1, against the double references, in ULPs of that type, with the bound
    /// <see cref="UlpBound16"/>. Near a zero of f′ the backward error is measured as for float (absolutely, in ULPs of 1).
    /// </summary>
    public static AccuracyResult MeasureAll16(ElementwiseActivation f, StorageType16 type)
    {
        ArgumentNullException.ThrowIfNull(f);
        var clock = Stopwatch.StartNew();
        const int n = 1 << 16;
        var x = new double[n];
        var y = new double[n];
        var dx = new double[n];
        Func<double, double, double> error;
        if (type == StorageType16.Half)
        {
            var xs = new Half[n];
            for (int i = 0; i < n; i++) xs[i] = BitConverter.UInt16BitsToHalf((ushort)i);
            var ys = new Half[n];
            var dxs = new Half[n];
            var ones = new Half[n];
            ones.AsSpan().Fill(Half.One);
            f.Forward(xs, ys);
            f.Backward(xs, ones, dxs);
            for (int i = 0; i < n; i++) (x[i], y[i], dx[i]) = ((double)xs[i], (double)ys[i], (double)dxs[i]);
            error = (got, reference) => Ulp.Half((Half)got, reference);
        }
        else
        {
            var xs = new Numerics.BFloat16[n];
            for (int i = 0; i < n; i++) xs[i] = Numerics.BFloat16.FromRawValue((ushort)i);
            var ys = new Numerics.BFloat16[n];
            var dxs = new Numerics.BFloat16[n];
            var ones = new Numerics.BFloat16[n];
            ones.AsSpan().Fill((Numerics.BFloat16)1f);
            f.Forward(xs, ys);
            f.Backward(xs, ones, dxs);
            for (int i = 0; i < n; i++) (x[i], y[i], dx[i]) = (xs[i], ys[i], dxs[i]);
            error = (got, reference) => Ulp.BFloat16((Numerics.BFloat16)got, reference);
        }

        // Every value of the 16-bit types widens exactly to double and back, NaN payloads included as far as the checks go.
        double bound = UlpBound16(type);
        var fwd = new UlpStats(bound);
        var bwd = new UlpStats(bound);
        var reference = f.ForFloatData;
        double ulpOfOne = type == StorageType16.Half ? Ulp.HalfUlpAt(1.0) : Ulp.BFloat16UlpAt(1.0);
        for (int i = 0; i < n; i++)
        {
            fwd.Add(x[i], error(y[i], reference.Reference(x[i])));
            double r = reference.ReferenceDerivative(x[i]);
            bwd.Add(x[i], AbsoluteNearDerivativeZero(f, (float)x[i], error(dx[i], r), dx[i], r, ulpOfOne));
        }

        // The results widen exactly to float, so the hashes compare the 16-bit outputs bit for bit (NaNs canonical).
        return new AccuracyResult(Label(f), fwd, bwd, n, clock.Elapsed, Exhaustive: true, Isa.Path)
        {
            ForwardHash = HashOf(Array.ConvertAll(y, v => (float)v)),
            BackwardHash = HashOf(Array.ConvertAll(dx, v => (float)v)),
        };
    }

    /// <summary>The row lengths <see cref="MeasureRows"/> takes by default: around every register width (16 float lanes at most), and long rows.</summary>
    public static IReadOnlyList<int> DefaultRowLengths { get; } = [1, 2, 3, 4, 5, 7, 8, 9, 10, 15, 16, 17, 20, 31, 32, 33, 64, 100, 127, 128, 129, 1000, 4000];

    /// <summary>
    /// Measures the float rows of a row-wise function (softmax family, sparsemax, hardmax) or a gated one (GLU family)
    /// against its double reference, forward and backward (dy uniform on [−1, 1]), over <see cref="AccuracySamples.Rows"/>
    /// rows of every length in <paramref name="lengths"/> (a gated function's rows hold that many outputs, twice as
    /// many inputs). Errors are in float ULPs, relative on every row-wise output: the row-wise references are far finer
    /// than a float ULP even where dy − ⟨dy, p⟩ cancels (the softmax family's keep double-double sums around the dy at the
    /// first maximum, sparsemax's is exact), so a tiny gradient, the dominant entry's included, is held to its own ULP.
    /// A gated function's dB = dy·a·g′(b) next to a zero of g′ is taken absolutely in float ULPs of |dy·a|.
    /// The worst input reported is the entry (for gated functions the gate input b) of the worst output.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="f"/> is element-wise, or a length is below 1.</exception>
    public static AccuracyResult MeasureRows(Activation f, IReadOnlyList<int> lengths, int rowsPerKind = 40, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(lengths);
        if (f is not (RowwiseActivation or GatedActivation)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{f.Name} is element-wise: measure it with Measure or MeasureBitRange."), nameof(f));
        if (lengths.Count == 0 || lengths.Any(l => l < 1)) throw new ArgumentException("Row lengths must be at least 1.", nameof(lengths));
        var clock = Stopwatch.StartNew();
        var fwd = new UlpStats(UlpBound);
        var bwd = new UlpStats(UlpBound);
        bool gated = f is GatedActivation;
        foreach (int outputs in lengths)
        {
            int columns = gated ? 2 * outputs : outputs;
            var x = AccuracySamples.Rows(columns, rowsPerKind, seed + columns);
            int rows = x.Length / columns;
            var dy = new float[rows * outputs];
            var uniform = new Random(seed ^ columns);
            for (int i = 0; i < dy.Length; i++) dy[i] = (float)((uniform.NextDouble() * 2) - 1);
            var y = new float[rows * outputs];
            var dx = new float[x.Length];
            f.Forward(x, y, columns);
            f.Backward(x, dy, dx, columns);
            var xd = new double[columns];
            var dyd = new double[outputs];
            var yRef = new double[outputs];
            var dxRef = new double[columns];
            for (int r = 0; r < rows; r++)
            {
                for (int i = 0; i < columns; i++) xd[i] = x[(r * columns) + i];
                for (int j = 0; j < outputs; j++) dyd[j] = dy[(r * outputs) + j];
                if (f is GatedActivation g)
                {
                    g.ReferenceRow(xd, yRef);
                    g.ReferenceBackwardRow(xd, dyd, dxRef);
                }
                else
                {
                    var rowwise = (RowwiseActivation)f;
                    rowwise.ReferenceRow(xd, yRef);
                    rowwise.ReferenceBackwardRow(xd, dyd, dxRef);
                }

                for (int j = 0; j < outputs; j++) fwd.Add(xd[gated ? outputs + j : j], Ulp.Float(y[(r * outputs) + j], yRef[j]));
                for (int i = 0; i < columns; i++)
                {
                    float got = dx[(r * columns) + i];
                    double err = Ulp.Float(got, dxRef[i]);
                    if (gated && i >= outputs && err > 0 && double.IsFinite(err) && NearDerivativeZero(f.Info, xd[i]))
                    {
                        // Next to a zero of g′, dB = dy·a·g′(b) has no relative accuracy to keep, so it is measured in ULPs
                        // of |dy·a|, as element-wise slopes are in ULPs of 1.
                        double scale = Math.Abs(dyd[i % outputs] * xd[i % outputs]);
                        if (scale > 0) err = Math.Min(err, Math.Abs(got - dxRef[i]) / Ulp.FloatUlpAt(scale));
                    }

                    bwd.Add(xd[i], err);
                }
            }
        }

        return new AccuracyResult(Label(f), fwd, bwd, fwd.Count, clock.Elapsed, Exhaustive: false, Isa.Path);
    }

    private static void Compare(ElementwiseActivation f, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dx, UlpStats fwd, UlpStats bwd)
    {
        var reference = f.ForFloatData;
        for (int i = 0; i < x.Length; i++)
        {
            fwd.Add(x[i], Ulp.Float(y[i], reference.Reference(x[i])));
            bwd.Add(x[i], BackwardError(f, reference, x[i], dx[i]));
        }
    }

    /// <summary>The name alone for default parameters, else the spec that recreates the instance.</summary>
    public static string Label(Activation f)
    {
        ArgumentNullException.ThrowIfNull(f);
        for (int i = 0; i < f.Parameters.Count; i++)
        {
            if (!f.Parameters[i].Equals(f.Info.Parameters[i].Default)) return f.ToString();
        }

        return f.Name;
    }

    // In the function's own variable x/scale, where the catalog lists the zeros (swish with β: βx).
    private static bool NearDerivativeZero(ElementwiseActivation f, float x) => NearDerivativeZero(f.Info, x / f.DerivativeZeroScale);

    private static bool NearDerivativeZero(ActivationInfo info, double x) =>
        DistanceToDerivativeZero(info, x) < DerivativeZeroNeighbourhood;

    /// <summary>Distance from <paramref name="x"/> to the nearest listed zero of f′ (periodic zeros repeat every <see cref="ActivationInfo.DerivativeZerosPeriod"/>); +∞ when none is listed.</summary>
    public static double DistanceToDerivativeZero(ActivationInfo info, double x)
    {
        ArgumentNullException.ThrowIfNull(info);
        double best = double.PositiveInfinity;
        foreach (double z in info.DerivativeZeros)
        {
            double d = x - z;
            if (info.DerivativeZerosPeriod > 0) d -= Math.Round(d / info.DerivativeZerosPeriod) * info.DerivativeZerosPeriod;
            best = Math.Min(best, Math.Abs(d));
        }

        return best;
    }

    /// <summary>Merging chunk results in chunk order makes the reported worst input independent of thread timing.</summary>
    private static UlpStats MergeInOrder(UlpStats[] parts)
    {
        var total = new UlpStats(UlpBound);
        foreach (var p in parts) total.Merge(p);
        return total;
    }

    private sealed class Buffers
    {
        public float[] X { get; } = new float[ChunkLength];

        public float[] Y { get; } = new float[ChunkLength];

        public float[] Dx { get; } = new float[ChunkLength];
    }
}
