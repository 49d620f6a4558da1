using System.Numerics;
using System.Runtime.CompilerServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Where a rectifier with a per-element negative slope (PReLU's channel slopes, RReLU's random slopes) gets the slope of
/// element <c>index</c> of a call: written into a chunk of the destination, in the data's precision.
/// </summary>
internal interface ISlopeSource
{
    /// <summary>Writes the slopes of elements firstIndex, firstIndex + 1, … into <paramref name="destination"/>.</summary>
    void Fill<T>(long firstIndex, Span<T> destination) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
}

/// <summary>
/// Runs "x if x &gt; 0 else slope·x" and its backward when the slope varies per element. The slopes are materialised in
/// stack chunks by an <see cref="ISlopeSource"/> (scalar code, so every instruction-set path sees the same slopes) and
/// the arithmetic runs through <see cref="ElementwiseDriver.Run{TMap, T}"/>, vectorized at the machine's width.
/// </summary>
internal static class SlopeDriver
{
    private const int ChunkLength = 256;

    /// <summary>y = x if x &gt; 0 else slope·x; element i uses the slope of index firstIndex + i.</summary>
    public static void Forward<T, TSource>(TSource source, ReadOnlySpan<T> x, Span<T> y, long firstIndex)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSource : struct, ISlopeSource
    {
        SpanChecks.Unary(x, y);
        Span<T> slope = stackalloc T[ChunkLength];
        for (int i = 0; i < x.Length; i += ChunkLength)
        {
            int n = Math.Min(ChunkLength, x.Length - i);
            source.Fill(firstIndex + i, slope[..n]);
            ElementwiseDriver.Run<SlopeForwardMap, T>(default, x.Slice(i, n), slope[..n], y.Slice(i, n));
        }
    }

    /// <summary>
    /// dx = dy if a &gt; 0 else slope·dy (NaN where a is NaN). <paramref name="a"/> is the input x, or the output y when every
    /// slope is ≥ 0 (then y &gt; 0 exactly when x &gt; 0).
    /// </summary>
    public static void Backward<T, TSource>(TSource source, ReadOnlySpan<T> a, ReadOnlySpan<T> dy, Span<T> dx, long firstIndex, string aName = "x")
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSource : struct, ISlopeSource
    {
        SpanChecks.Binary(a, dy, dx, aName);
        Span<T> factor = stackalloc T[ChunkLength];
        for (int i = 0; i < a.Length; i += ChunkLength)
        {
            int n = Math.Min(ChunkLength, a.Length - i);
            var f = factor[..n];
            source.Fill(firstIndex + i, f);
            // The chunk of a is read into the factor before the chunk of dx is written, so dx may be a or dy (in place).
            ElementwiseDriver.Run<SlopeFactorMap, T>(default, a.Slice(i, n), f, f);
            ElementwiseDriver.Run<MultiplyMap, T>(default, dy.Slice(i, n), f, dx.Slice(i, n));
        }
    }

    /// <summary>x if x &gt; 0 else slope·x (NaN·slope is NaN, −0·slope keeps the product's sign).</summary>
    private readonly struct SlopeForwardMap : IMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV x, TV slope) where TV : struct, IVec<TV> => TV.SelectWhereGreater(x, TV.Zero, x, x * slope);
    }

    /// <summary>The factor f′: 1 if x &gt; 0, NaN if x is NaN, else the slope.</summary>
    private readonly struct SlopeFactorMap : IMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV x, TV slope) where TV : struct, IVec<TV>
            => TV.SelectWhereGreater(x, TV.Zero, TV.One, TV.SelectWhereEqual(x, x, slope, x));
    }

    /// <summary>a·b (dy·1 = dy exactly, so the x &gt; 0 branch is not rounded).</summary>
    private readonly struct MultiplyMap : IMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => a * b;
    }
}
