using System.Globalization;

namespace ActivationKit.Diagnostics;

/// <summary>Summary statistics of one layer's activations (or any array), with a histogram.</summary>
public sealed record ActivationStatistics
{
    public required long Count { get; init; }
    public required double Mean { get; init; }
    public required double Std { get; init; }
    public required double Min { get; init; }
    public required double Max { get; init; }

    /// <summary>Fraction of the finite values that are below zero (NaN when no value is finite).</summary>
    public required double FractionNegative { get; init; }

    /// <summary>Fraction of the finite values that are exactly zero (NaN when no value is finite).</summary>
    public required double FractionZero { get; init; }

    /// <summary>Fraction of all values that are NaN or infinite (excluded from the other statistics; 0 for no values).</summary>
    public required double FractionNonFinite { get; init; }

    /// <summary>Bin edges (Bins + 1 values) of the histogram over [Min, Max].</summary>
    public required IReadOnlyList<double> HistogramEdges { get; init; }

    /// <summary>Counts per bin.</summary>
    public required IReadOnlyList<long> HistogramCounts { get; init; }

    /// <summary>Most histogram bins <see cref="Of"/> accepts.</summary>
    public const int MaxBins = 1 << 16;

    /// <summary>Computes the statistics of <paramref name="values"/> with a histogram of <paramref name="bins"/> bins.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is not between 1 and <see cref="MaxBins"/>.</exception>
    public static ActivationStatistics Of(ReadOnlySpan<float> values, int bins = 20)
    {
        if (bins is < 1 or > MaxBins) throw new ArgumentOutOfRangeException(nameof(bins), bins, string.Create(CultureInfo.InvariantCulture, $"The histogram needs between 1 and {MaxBins} bins, got {bins}."));
        long finite = 0, negative = 0, zero = 0;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            finite++;
            sum += v;
            if (v < 0) negative++;
            if (v == 0) zero++;
            if (v < min) min = v;
            if (v > max) max = v;
        }

        double mean = finite > 0 ? sum / finite : double.NaN;
        double sq = 0;
        foreach (float v in values)
        {
            if (float.IsFinite(v)) sq += (v - mean) * (v - mean);
        }

        var edges = new double[bins + 1];
        var counts = new long[bins];
        if (finite > 0)
        {
            double width = max > min ? (max - min) / bins : 1;
            for (int b = 0; b <= bins; b++) edges[b] = min + (b * width);
            foreach (float v in values)
            {
                if (!float.IsFinite(v)) continue;
                int b = max > min ? (int)((v - min) / width) : 0;
                counts[Math.Clamp(b, 0, bins - 1)]++;
            }
        }

        return new ActivationStatistics
        {
            Count = values.Length,
            Mean = mean,
            Std = finite > 0 ? Math.Sqrt(sq / finite) : double.NaN,
            Min = finite > 0 ? min : double.NaN,
            Max = finite > 0 ? max : double.NaN,
            // Over the finite values, like the mean: [−1, NaN, NaN, NaN] is all negative where it is anything, not 25 %
            // negative, and an all-NaN layer has no share of negatives to show.
            FractionNegative = finite > 0 ? (double)negative / finite : double.NaN,
            FractionZero = finite > 0 ? (double)zero / finite : double.NaN,
            FractionNonFinite = values.Length > 0 ? (double)(values.Length - finite) / values.Length : 0,
            HistogramEdges = edges,
            HistogramCounts = counts,
        };
    }
}
