using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace ActivationKit.Benchmarks;

/// <summary>
/// The machine's side of the op-count estimates in docs/performance.md: throughput of the 512-bit operations the
/// float kernels are made of, each measured as eight independent dependency chains (so latency does not limit it),
/// 1,000 iterations per call, plus a dependent integer multiply-add chain that gives the core's clock (imul 3 cycles
/// + add 1). Divide a result by 8,000 for ns per operation; multiply by the clock for cycles. AVX-512 only.
/// </summary>
public class MachineBenchmarks
{
    private const int Iterations = 1000;
    private readonly Vector512<float> _b = Vector512.Create(0.999f);
    private readonly Vector512<float> _c = Vector512.Create(0.001f);
    private long _multiplier = 3;   // a field, so the JIT cannot turn the multiply into shifts and adds

    [GlobalSetup]
    public void Setup()
    {
        if (!Avx512F.IsSupported) throw new PlatformNotSupportedException("MachineBenchmarks measures AVX-512 instructions.");
    }

    /// <summary>8,000 dependent (imul + add) steps: 4 cycles each, so ns / 32,000 is the cycle time.</summary>
    [Benchmark]
    public long ClockChain()
    {
        long a = 1, b = _multiplier;
        for (long i = 0; i < 8 * Iterations; i++) a = (a * b) + i;
        return a;
    }

    [Benchmark]
    public Vector512<float> Fma() => Run<FmaOp>();

    [Benchmark]
    public Vector512<float> Add() => Run<AddOp>();

    [Benchmark]
    public Vector512<float> RoundScale() => Run<RoundOp>();

    [Benchmark]
    public Vector512<float> ScaleF() => Run<ScaleOp>();

    [Benchmark]
    public Vector512<float> Divide() => Run<DivideOp>();

    private interface IOp
    {
        static abstract Vector512<float> Apply(Vector512<float> a, Vector512<float> b, Vector512<float> c);
    }

    private readonly struct FmaOp : IOp
    {
        public static Vector512<float> Apply(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.FusedMultiplyAdd(a, b, c);
    }

    private readonly struct AddOp : IOp
    {
        public static Vector512<float> Apply(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.Add(a, c);
    }

    private readonly struct RoundOp : IOp
    {
        public static Vector512<float> Apply(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.RoundScale(a, 0);
    }

    private readonly struct ScaleOp : IOp
    {
        public static Vector512<float> Apply(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.Scale(a, c);
    }

    private readonly struct DivideOp : IOp
    {
        public static Vector512<float> Apply(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.Divide(b, a);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector512<float> Run<TOp>() where TOp : struct, IOp
    {
        Vector512<float> b = _b, c = _c;
        Vector512<float> a1 = b, a2 = c, a3 = b, a4 = c, a5 = b, a6 = c, a7 = b, a8 = c;
        for (int i = 0; i < Iterations; i++)
        {
            a1 = TOp.Apply(a1, b, c);
            a2 = TOp.Apply(a2, b, c);
            a3 = TOp.Apply(a3, b, c);
            a4 = TOp.Apply(a4, b, c);
            a5 = TOp.Apply(a5, b, c);
            a6 = TOp.Apply(a6, b, c);
            a7 = TOp.Apply(a7, b, c);
            a8 = TOp.Apply(a8, b, c);
        }

        return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8;
    }
}
