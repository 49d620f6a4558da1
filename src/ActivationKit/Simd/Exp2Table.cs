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
    /// <summary>
    /// 2^(j/8) for j = 0…7, each rounded to the nearest double (relative errors up to 0.62·2^−53, at j = 4), the table of
    /// <see cref="Kernels.VMath.ExpEighths{TV}"/>, as bits (tools/poly/fit_expm1.py --double --eighths prints them).
    /// </summary>
    public static ReadOnlySpan<ulong> EighthsBits =>
    [
        0x3FF0000000000000, 0x3FF172B83C7D517B, 0x3FF306FE0A31B715, 0x3FF4BFDAD5362A27,
        0x3FF6A09E667F3BCD, 0x3FF8ACE5422AA0DB, 0x3FFAE89F995AD3AD, 0x3FFD5818DCFBA487,
    ];

    /// <summary>The eight doubles of <see cref="EighthsBits"/>, written out as constants (as <see cref="All16"/>), in both layouts of <see cref="DoubleTable8"/>.</summary>
    public static DoubleTable8 Eighths
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(
            Vector512.Create(
                0x3FF0000000000000ul, 0x3FF172B83C7D517Bul, 0x3FF306FE0A31B715ul, 0x3FF4BFDAD5362A27ul,
                0x3FF6A09E667F3BCDul, 0x3FF8ACE5422AA0DBul, 0x3FFAE89F995AD3ADul, 0x3FFD5818DCFBA487ul).AsDouble(),
            Vector256.Create(0x00000000u, 0x3C7D517Bu, 0x0A31B715u, 0xD5362A27u, 0x667F3BCDu, 0x422AA0DBu, 0x995AD3ADu, 0xDCFBA487u),
            Vector256.Create(0x3FF00000u, 0x3FF172B8u, 0x3FF306FEu, 0x3FF4BFDAu, 0x3FF6A09Eu, 0x3FF8ACE5u, 0x3FFAE89Fu, 0x3FFD5818u));
    }

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

/// <summary>
/// An 8-double lookup table (<see cref="IVec{TV}.Lookup8"/>) in the two layouts the instruction sets want: the doubles
/// themselves (VPERMPD), and their low and high 32-bit halves apart, for AVX2, which permutes 32-bit lanes only. Built
/// from constants in an inlined property, so the JIT keeps only the layout a path reads.
/// </summary>
/// <param name="Entries">The eight doubles.</param>
/// <param name="LowHalves">Bits 0–31 of each entry, in entry order.</param>
/// <param name="HighHalves">Bits 32–63 of each entry, in entry order.</param>
public readonly record struct DoubleTable8(Vector512<double> Entries, Vector256<uint> LowHalves, Vector256<uint> HighHalves);

