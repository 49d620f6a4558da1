namespace ActivationKit.Kernels;

/// <summary>The argument rules every kernel shares: equal lengths, and outputs that either are an input or do not overlap it.</summary>
public static class SpanChecks
{
    /// <summary>Checks a one-input kernel call.</summary>
    public static void Unary<T>(ReadOnlySpan<T> x, Span<T> destination, string xName = "x", string destinationName = "destination")
    {
        if (x.Length != destination.Length)
        {
            throw new ArgumentException($"The destination has {destination.Length} elements but the input has {x.Length}; they must be equal.", destinationName);
        }

        NoPartialOverlap(x, destination, xName, destinationName);
    }

    /// <summary>Checks a two-input kernel call (backward: x or y, dy, dx).</summary>
    public static void Binary<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination, string aName = "x", string bName = "dy", string destinationName = "dx")
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"'{bName}' has {b.Length} elements but '{aName}' has {a.Length}; they must be equal.", bName);
        }

        if (a.Length != destination.Length)
        {
            throw new ArgumentException($"'{destinationName}' has {destination.Length} elements but '{aName}' has {a.Length}; they must be equal.", destinationName);
        }

        NoPartialOverlap(a, destination, aName, destinationName);
        NoPartialOverlap(b, destination, bName, destinationName);
    }

    /// <summary>Throws when <paramref name="destination"/> overlaps <paramref name="source"/> without being exactly the same memory.</summary>
    public static void NoPartialOverlap<T>(ReadOnlySpan<T> source, ReadOnlySpan<T> destination, string sourceName, string destinationName)
    {
        if (source.Overlaps(destination, out int offset) && (offset != 0 || source.Length != destination.Length))
        {
            throw new ArgumentException($"'{destinationName}' partially overlaps '{sourceName}'; pass the same span for an in-place call or non-overlapping memory.", destinationName);
        }
    }
}
