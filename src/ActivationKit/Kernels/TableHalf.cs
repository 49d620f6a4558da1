using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Per-interval tables read by <see cref="IVec{TV}.Lookup16"/>, with a cheaper form for registers whose indices all lie in
/// the table's first half (<see cref="IVec{TV}.LowHalfSuffices"/>: AVX2, where a 16-entry lookup is two permutes and a
/// blend). A kernel evaluates its table body as a method generic in <c>THalf</c>, reads each coefficient through
/// <see cref="Lookup{TV, THalf}"/>, and picks the instantiation per register:
/// <c>TV.LowHalfSuffices(shifted) ? Body&lt;TV, TableHalf.Low&gt;(…) : Body&lt;TV, TableHalf.Whole&gt;(…)</c>. Both read
/// the same entries, so the bits are the same on every path; where LowHalfSuffices is the constant false (every width
/// but AVX2's) the JIT drops the Low branch.
/// </summary>
internal static class TableHalf
{
    /// <summary>Every index of the register is below 8.</summary>
    public struct Low;

    /// <summary>Any index of 0…15.</summary>
    public struct Whole;

    /// <summary>The entry the low four bits of each lane of <paramref name="index"/> pick.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Lookup<TV, THalf>(TV index, Vector512<float> table)
        where TV : struct, IVec<TV>
        where THalf : struct
        => typeof(THalf) == typeof(Low) ? TV.Lookup16LowHalf(index, table) : TV.Lookup16(index, table);
}
