using System.Globalization;
using ActivationKit.Catalog;

namespace ActivationKit.Benchmarks;

/// <summary>
/// Optional narrowing of the benchmark parameters through environment variables: ACTKIT_BENCH_FUNCTIONS (names or
/// specs), ACTKIT_BENCH_SIZES (element counts of the element-wise suite) and ACTKIT_BENCH_COLUMNS (row lengths of the
/// row-wise suite), each a comma-separated list. <see cref="Problem"/> checks them all before BenchmarkDotNet runs:
/// a bad value used to surface as a FormatException or a division by zero from inside the benchmark discovery.
/// </summary>
internal static class BenchSelection
{
    /// <summary>The largest element count ACTKIT_BENCH_SIZES takes (1 GiB of float input).</summary>
    private const int MaxSize = 1 << 28;

    public static IEnumerable<string>? Names(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;

    /// <summary>The element counts in ACTKIT_BENCH_SIZES, or null when it is not set.</summary>
    public static IEnumerable<int>? Sizes() => Numbers("ACTKIT_BENCH_SIZES", MaxSize);

    /// <summary>The row lengths in ACTKIT_BENCH_COLUMNS, or null when it is not set.</summary>
    public static IEnumerable<int>? Columns() => Numbers("ACTKIT_BENCH_COLUMNS", RowwiseBenchmarks.Elements);

    /// <summary>The first problem with the variables as one sentence, or null when every value is usable.</summary>
    public static string? Problem()
    {
        foreach (var (variable, what, max) in new[] { ("ACTKIT_BENCH_SIZES", "element counts", MaxSize), ("ACTKIT_BENCH_COLUMNS", "row lengths", RowwiseBenchmarks.Elements) })
        {
            if (Names(variable)?.FirstOrDefault(v => Parse(v, max) is null) is { } bad)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{variable} takes comma-separated {what} from 1 to {max}, got '{bad}'.");
            }
        }

        foreach (string spec in Names("ACTKIT_BENCH_FUNCTIONS") ?? [])
        {
            Activation f;
            try
            {
                f = ActivationCatalog.Create(spec);
            }
            catch (ArgumentException e)
            {
                string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
                return $"ACTKIT_BENCH_FUNCTIONS: {message}";
            }

            // The element-wise suite times a gated function over one row of N inputs, split into halves.
            if (f.Info.Kind == ActivationKind.Gated && Sizes()?.FirstOrDefault(n => n % 2 != 0) is int odd and > 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{spec} splits its input into halves, so the element-wise suite times it at even ACTKIT_BENCH_SIZES only, got {odd}.");
            }
        }

        return null;
    }

    private static IEnumerable<int>? Numbers(string variable, int max) => Names(variable)?.Select(v => Parse(v, max) ?? throw new FormatException(Problem()));

    private static int? Parse(string text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= max ? n : null;
}
