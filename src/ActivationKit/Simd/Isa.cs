using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace ActivationKit.Simd;

/// <summary>
/// Which register width the kernels run at on this process, as the drivers choose it: the widest of
/// Vector512/256/128 that the JIT accelerates, else scalar. The runtime's DOTNET_Enable* switches
/// (e.g. DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0, DOTNET_EnableHWIntrinsic=0) move it down.
/// </summary>
public static class Isa
{
    /// <summary>"Vector512", "Vector256", "Vector128" or "scalar".</summary>
    public static string Path { get; } =
        Vector512.IsHardwareAccelerated ? "Vector512"
        : Vector256.IsHardwareAccelerated ? "Vector256"
        : Vector128.IsHardwareAccelerated ? "Vector128"
        : "scalar";

    /// <summary>The instruction sets behind <see cref="Path"/>, e.g. "AVX-512F, AVX2, FMA, SSE4.1".</summary>
    public static string InstructionSets { get; } = Describe();

    /// <summary>
    /// Whether fused multiply-add is an instruction here (x86 FMA3, or Arm's AdvSIMD). The kernels' error-free
    /// transforms need its single rounding; without it (x86 before AVX2, or DOTNET_EnableAVX2=0) every fused
    /// multiply-add is emulated — float lanes by an exact SSE sequence (<see cref="SoftFma"/>), double lanes by the
    /// runtime's software routine, lane by lane: the results keep their bits but the kernels run 30–100× slower
    /// (docs/performance.md).
    /// </summary>
    public static bool HardwareFma { get; } = Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>The warning to show beside <see cref="Path"/> when <see cref="HardwareFma"/> is false; empty otherwise.</summary>
    public static string FmaNote { get; } = HardwareFma ? string.Empty : "no hardware FMA: fused multiply-adds are emulated in software, 30–100× slower";

    /// <summary><see cref="Path"/> with its instruction sets, e.g. "Vector512 (AVX-512F, AVX2, FMA, SSE4.1)", and <see cref="FmaNote"/>.</summary>
    public static string Summary => (InstructionSets.Length == 0 ? Path : $"{Path} ({InstructionSets})")
        + (FmaNote.Length == 0 ? string.Empty : $"; {FmaNote}");

    /// <summary>Whether CPUID names the vendor GenuineIntel (read once).</summary>
    internal static readonly bool IsIntel = ReadIsIntel();

    /// <summary>
    /// Whether this is an Intel processor, where a floating-point multiply, FMA, addition or division whose result is
    /// subnormal, and a VSCALEF that underflows (to a subnormal or to 0), take a microcode assist of 130–230 cycles
    /// (Emerald Rapids, 2026-12-05; on Zen 5 only a multiply underflowing from normal operands cost extra, VSCALEF
    /// nothing). Kernels steer such lanes around those operations only here.
    /// </summary>
    public static readonly bool SubnormalsAssist = IsIntel;

    private static bool ReadIsIntel()
    {
        if (!X86Base.IsSupported) return false;
        // CPUID leaf 0 spells the vendor in EBX, EDX, ECX: "Genu", "ineI", "ntel".
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        return ebx == 0x756E6547 && edx == 0x49656E69 && ecx == 0x6C65746E;
    }

    private static string Describe()
    {
        var sets = new List<string>();
        if (Avx512F.IsSupported) sets.Add("AVX-512F");
        if (Avx2.IsSupported) sets.Add("AVX2");
        if (Fma.IsSupported) sets.Add("FMA");
        if (Sse41.IsSupported) sets.Add("SSE4.1");
        else if (Sse2.IsSupported) sets.Add("SSE2");
        if (AdvSimd.IsSupported) sets.Add("AdvSIMD");
        return string.Join(", ", sets);
    }
}
