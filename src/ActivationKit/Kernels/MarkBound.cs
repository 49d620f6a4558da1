namespace ActivationKit.Kernels;

/// <summary>
/// The lanes a float-lane kernel leaves to its double-lane definition, when they are exactly the inputs beyond one
/// float bound: below a negative bound (silu's and sigmoid's deep negative tail) or beyond a bound in magnitude (their
/// slopes). Each lane then has an unsigned key, its bits and <see cref="KeyMask"/>, that exceeds <see cref="KeyLimit"/>
/// exactly where the lane is beyond the bound (and for some NaN patterns, which the per-register test then clears). The
/// element-wise driver keeps a running maximum of the keys with integer instructions and tests it once after the loop,
/// instead of a comparison per register: on Zen 4 a comparison into a mask register takes one of the two multiply-add
/// pipes that bound these kernels, while the mask and the maximum run on the other pipes.
/// </summary>
public readonly struct MarkBound
{
    private MarkBound(uint keyMask, uint keyLimit)
    {
        KeyMask = keyMask;
        KeyLimit = keyLimit;
    }

    /// <summary>No single bound describes the marks: the driver tests every register with the kernel's marks test.</summary>
    public static MarkBound None => default;

    /// <summary>Marks exactly the lanes with x &lt; <paramref name="limit"/> (negative): as unsigned integers, the bits of
    /// such x are the ones above the bits of the limit (negative NaN patterns too).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is not negative and finite.</exception>
    public static MarkBound Below(float limit)
    {
        if (!(limit < 0 && float.IsFinite(limit))) Refuse(limit, "A lower bound must be negative and finite.");
        return new(uint.MaxValue, BitConverter.SingleToUInt32Bits(limit));
    }

    /// <summary>Marks exactly the lanes with |x| &gt; <paramref name="limit"/> (non-negative): with the sign bit cleared, the
    /// bits of such x are the ones above the bits of the limit (±∞ and every NaN pattern too).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is negative or not finite.</exception>
    public static MarkBound AbsAbove(float limit)
    {
        if (!(limit >= 0 && float.IsFinite(limit))) Refuse(limit, "A magnitude bound must be non-negative and finite.");
        return new(0x7FFF_FFFFu, BitConverter.SingleToUInt32Bits(limit));
    }

    // Out of line, so that the factories inline into the driver and fold to constants.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Refuse(float limit, string message) => throw new ArgumentOutOfRangeException(nameof(limit), limit, message);

    /// <summary>Whether a bound is given.</summary>
    public bool Exists => KeyMask != 0;

    /// <summary>The bits of x kept in its key.</summary>
    public uint KeyMask { get; }

    /// <summary>The largest key of an unmarked lane.</summary>
    public uint KeyLimit { get; }

    /// <summary>Whether the marks are the lanes with |x| above <see cref="Limit"/> (else the lanes with x below it).</summary>
    public bool OnMagnitude => KeyMask == 0x7FFF_FFFFu;

    /// <summary>The bound itself.</summary>
    public float Limit => BitConverter.UInt32BitsToSingle(KeyLimit);
}
