using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ActivationKit.Simd;

/// <summary>
/// 2^(j/16) for j = 0…15, each rounded to the nearest float (relative errors up to 0.79·2^−24, at j = 3), the table
/// of <see cref="IVec{TV}.Exp2Sixteenths"/>. The bits are printed by tools/poly/fit_exp_sixteenths.py (50-digit
/// arithmetic); the register form below repeats them as constants, and a test checks that they agree.
/// </summary>
internal static class Exp2Table
{
    /// <summary>The 16 entries' float bits.</summary>
    public static ReadOnlySpan<uint> Bits =>
    [
        0x3F800000, 0x3F85AAC3, 0x3F8B95C2, 0x3F91C3D3, 0x3F9837F0, 0x3F9EF532, 0x3FA5FED7, 0x3FAD583F,
        0x3FB504F3, 0x3FBD08A4, 0x3FC5672A, 0x3FCE248C, 0x3FD744FD, 0x3FE0CCDF, 0x3FEAC0C7, 0x3FF5257D,
    ];

    /// <summary>
    /// The table in one 512-bit register, written out as constants (not read from a static field) so that the JIT
    /// embeds it in the loop's code instead of testing the class's initialisation every iteration.
    /// </summary>
    public static Vector512<float> All16
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(
            0x3F800000u, 0x3F85AAC3u, 0x3F8B95C2u, 0x3F91C3D3u, 0x3F9837F0u, 0x3F9EF532u, 0x3FA5FED7u, 0x3FAD583Fu,
            0x3FB504F3u, 0x3FBD08A4u, 0x3FC5672Au, 0x3FCE248Cu, 0x3FD744FDu, 0x3FE0CCDFu, 0x3FEAC0C7u, 0x3FF5257Du).AsSingle();
    }
}
