using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Globalization;

namespace ActivationKit.Kernels;

/// <summary>The argument rules every kernel shares: equal lengths, and outputs that either are an input or do not overlap it.</summary>
/// <remarks>
/// Every call of every kernel passes through these checks, so they stay small enough to inline and build no message
/// unless they throw: the messages are formed in <see cref="Throw"/>'s methods. With the interpolated messages inline,
/// each check set up a string builder's stack frame on every call (zeroing it, and clearing the vector registers'
/// upper halves on return), which was most of a short call's time (relu′ of one float: 13.6 ns, two thirds of it in
/// the overlap check).
/// </remarks>
public static class SpanChecks
{
    /// <summary>
    /// Checks a one-input kernel call. The names are the public method's parameter names (Forward(x, y)), used in the
    /// messages and as <see cref="ArgumentException.ParamName"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unary<T>(ReadOnlySpan<T> x, Span<T> destination, string xName = "x", string destinationName = "y")
    {
        if (x.Length != destination.Length) Throw.LengthMismatch(destinationName, destination.Length, xName, x.Length);
        NoPartialOverlap(x, destination, xName, destinationName);
    }

    /// <summary>Checks a two-input kernel call (backward: x or y, dy, dx; pass <paramref name="aName"/> = "y" for BackwardFromOutput).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Binary<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination, string aName = "x", string bName = "dy", string destinationName = "dx")
    {
        if (a.Length != b.Length) Throw.LengthMismatch(bName, b.Length, aName, a.Length);
        if (a.Length != destination.Length) Throw.LengthMismatch(destinationName, destination.Length, aName, a.Length);
        NoPartialOverlap(a, destination, aName, destinationName);
        NoPartialOverlap(b, destination, bName, destinationName);
    }

    /// <summary>Throws when <paramref name="destination"/> overlaps <paramref name="source"/> without being exactly the same memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NoPartialOverlap<T>(ReadOnlySpan<T> source, ReadOnlySpan<T> destination, string sourceName, string destinationName)
    {
        if (source.Overlaps(destination) && !(source.Length == destination.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination))))
        {
            Throw.PartialOverlap(sourceName, destinationName);
        }
    }

    /// <summary>The messages, out of the callers' way.</summary>
    private static class Throw
    {
        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void LengthMismatch(string name, int length, string otherName, int otherLength)
            => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{name}' has {length} elements but '{otherName}' has {otherLength}; they must be equal."), name);

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void PartialOverlap(string sourceName, string destinationName)
            => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{destinationName}' partially overlaps '{sourceName}'; pass the same span for an in-place call or non-overlapping memory."), destinationName);
    }
}
