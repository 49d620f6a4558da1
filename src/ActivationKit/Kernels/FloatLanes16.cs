using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The compensated sums of a float row over sixteen canonical lanes, the same on every register width: entry i of
/// the row goes to lane i mod 16, each lane adds its entries in index order with the pass's step (the same start and
/// the same two-sum on every width), and the sixteen sums and sixteen error terms are added in double in one fixed
/// tree (<see cref="Total"/>). The Vector512 path holds the lanes in one register (<see cref="FloatLanes16x1{TV}"/>),
/// Vector256 in two (lanes 0–7 and 8–15, <see cref="FloatLanes16x2{TV}"/>), Vector128 in four
/// (<see cref="FloatLanes16x4{TV}"/>) and the scalar path in sixteen floats (<see cref="FloatLanes16x16{TV}"/>), so
/// every path does the same operations on the same values in the same order and returns the same bits by
/// construction.
/// </summary>
/// <remarks>
/// <para>
/// A pass walks the row a block of sixteen entries at a time (one, two or four registers, or sixteen floats;
/// <c>Register(i)</c> says which of its block holds the register that starts at entry i) and ends with the
/// overlapping last register at n − Count, whose lanes the registers before it did not cover are moved down to the
/// lanes they belong to (<c>Rotate</c>, <c>FreshToFront</c>). Lanes that get no entry in a block, or zeros from a masked register,
/// change nothing: adding +0 with either two-sum leaves a finite sum and its error term as they were (a running sum
/// that starts at +0 or above never becomes −0), so it does not matter that one width adds zeros where another adds
/// nothing. A sum that overflows or meets a NaN entry is not finite on any path, and every caller then declines the
/// row the same way.
/// </para>
/// <para>
/// Sixteen lanes because that is the widest register (AVX-512): its path keeps the one accumulator per pass it had,
/// and the narrower vector paths gain independent accumulators. The fold is written out for each width rather than
/// left to <c>Vector512.Sum</c>, whose order of additions is the runtime's to choose. Each width is a type of its
/// own, which a pass takes as a type argument (<see cref="SoftmaxCoreFloat"/> picks it from the register type), so
/// that the methods the pass inlines are small: one type testing the register type in every method cost the
/// exponential pass its inlining budget (the accumulator became calls, softmax rows of 100 ran 4× slower).
/// </para>
/// </remarks>
internal interface IFloatLanes16<TV, TSelf>
    where TV : struct, IVec<TV>
    where TSelf : struct, IFloatLanes16<TV, TSelf>
{
    /// <summary>Registers per block of sixteen entries: 1 (Vector512), 2 (Vector256), 4 (Vector128) or 16 (scalar).</summary>
    static abstract int Registers { get; }

    /// <summary>Which register of its block holds the register starting at entry <paramref name="i"/>: (i / Count) mod (16 / Count).</summary>
    static abstract int Register(int i);

    /// <summary>Every lane's sum at <paramref name="start"/>, every error term at 0.</summary>
    static abstract TSelf Start(float start);

    /// <summary>
    /// The lanes of <paramref name="v"/> rotated down by Count − <paramref name="fresh"/>: the last <paramref name="fresh"/>
    /// lanes of the overlapping last register (at n − Count), the entries the registers before it did not cover, come
    /// to lanes 0 … fresh − 1, where their canonical lanes are, and the others above them (0 ≤ fresh ≤ Count).
    /// </summary>
    static abstract TV Rotate(TV v, int fresh);

    /// <summary>The inverse of <see cref="Rotate"/>: the lanes back where they were.</summary>
    static abstract TV RotateBack(TV v, int fresh);

    /// <summary>The lanes below <paramref name="fresh"/> (a mask).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV Front(int fresh) => TV.LessThan(TV.Indices, TV.Create(fresh));

    /// <summary><see cref="Rotate"/> with zeros above the fresh lanes: the overlapping last register's part of a sum (the scalar path never has one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV FreshToFront(TV v, int fresh) => TV.And(TSelf.Front(fresh), TSelf.Rotate(v, fresh));

    /// <summary>
    /// <see cref="Total"/>(0) of the first two registers of a row (<paramref name="first"/> at entry 0,
    /// <paramref name="second"/> at entry Count, its lanes already in place) added to sums that start at 0 with the
    /// two-sum: the two-sum of 0 and a finite x is x with no error, so a register that is the first in its lanes is
    /// taken as it is, and error terms known to be 0 are not added up (a sum of addends ≥ +0 is never −0, which adding
    /// them could change).
    /// </summary>
    static abstract double TotalOfFirstTwo(TV first, TV second);


    /// <summary>Adds register <paramref name="k"/> of a block into its lanes with <typeparamref name="TStep"/>.</summary>
    void Add<TStep>(int k, TV t)
        where TStep : struct, ISumStep;

    /// <summary>Adds <paramref name="t"/> to the error terms of register <paramref name="k"/>'s lanes (the exact low part of a product).</summary>
    void AddError(int k, TV t);

    /// <summary>Whether every lane's sum is at most <paramref name="limit"/> (false when one is NaN).</summary>
    bool AllAtMost(float limit);

    /// <summary>
    /// (Σ sums − 16·<paramref name="start"/>) + Σ error terms in double, each Σ over the sixteen lanes x_0 … x_15 in one
    /// tree: a_j = x_j + x_(j+8) (j &lt; 8), b_j = a_j + a_(j+4) (j &lt; 4), c_j = b_j + b_(j+2) (j &lt; 2), then c_0 + c_1.
    /// </summary>
    double Total(double start);
}

/// <summary>The sixteen lanes in one register of sixteen (Vector512).</summary>
internal struct FloatLanes16x1<TV> : IFloatLanes16<TV, FloatLanes16x1<TV>>
    where TV : struct, IVec<TV>
{
    private TV _s, _e;

    public static int Registers => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Register(int i) => 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLanes16x1<TV> Start(float start) => new() { _s = TV.Create(start), _e = TV.Zero };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TotalOfFirstTwo(TV first, TV second)
    {
        var lanes = new FloatLanes16x1<TV> { _s = first, _e = TV.Zero };
        lanes.Add<TwoSumStep>(0, second);
        return lanes.Total(0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Rotate(TV v, int fresh) => Permute(v, 16 - fresh);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RotateBack(TV v, int fresh) => Permute(v, fresh);

    /// <summary>Lane j of the result is lane (j + by) mod 16 of <paramref name="v"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Permute(TV v, int by)
    {
        var x = Unsafe.BitCast<TV, V512<float>>(v).Value;
        var from = (Vector512<int>.Indices + Vector512.Create(by)) & Vector512.Create(15);
        var moved = Avx512F.IsSupported ? Avx512F.PermuteVar16x32(x, from) : Vector512.Shuffle(x, from);
        return Unsafe.BitCast<V512<float>, TV>(new V512<float>(moved));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add<TStep>(int k, TV t)
        where TStep : struct, ISumStep
        => _s = TStep.Add(_s, t, ref _e);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddError(int k, TV t) => _e += t;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool AllAtMost(float limit) => TV.AllTrue(TV.LessThanOrEqual(_s, TV.Create(limit)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Total(double start) => (Fold(_s) - (16 * start)) + Fold(_e);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fold(TV r) => FloatLanes16Fold.Of(Unsafe.BitCast<TV, V512<float>>(r).Value);
}

/// <summary>The sixteen lanes in two registers of eight (Vector256): lanes 0–7 and 8–15.</summary>
internal struct FloatLanes16x2<TV> : IFloatLanes16<TV, FloatLanes16x2<TV>>
    where TV : struct, IVec<TV>
{
    private TV _s0, _s1, _e0, _e1;

    public static int Registers => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Register(int i) => (i >> 3) & 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLanes16x2<TV> Start(float start)
    {
        var s = TV.Create(start);
        return new() { _s0 = s, _s1 = s, _e0 = TV.Zero, _e1 = TV.Zero };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TotalOfFirstTwo(TV first, TV second) => Fold(first, second);

    /// <summary>The lanes from their registers: sums and error terms of lanes 0–7, then of lanes 8–15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLanes16x2<TV> Of(TV s0, TV e0, TV s1, TV e1) => new() { _s0 = s0, _s1 = s1, _e0 = e0, _e1 = e1 };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Rotate(TV v, int fresh) => Permute(v, 8 - fresh);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RotateBack(TV v, int fresh) => Permute(v, fresh);

    /// <summary>Lane j of the result is lane (j + by) mod 8 of <paramref name="v"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Permute(TV v, int by)
    {
        var x = Unsafe.BitCast<TV, V256<float>>(v).Value;
        var from = (Vector256<int>.Indices + Vector256.Create(by)) & Vector256.Create(7);
        var moved = Avx2.IsSupported ? Avx2.PermuteVar8x32(x, from) : Vector256.Shuffle(x, from);
        return Unsafe.BitCast<V256<float>, TV>(new V256<float>(moved));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add<TStep>(int k, TV t)
        where TStep : struct, ISumStep
    {
        if (k == 0) _s0 = TStep.Add(_s0, t, ref _e0);
        else _s1 = TStep.Add(_s1, t, ref _e1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddError(int k, TV t)
    {
        if (k == 0) _e0 += t;
        else _e1 += t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool AllAtMost(float limit)
    {
        var l = TV.Create(limit);
        return TV.AllTrue(TV.And(TV.LessThanOrEqual(_s0, l), TV.LessThanOrEqual(_s1, l)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Total(double start) => (Fold(_s0, _s1) - (16 * start)) + Fold(_e0, _e1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fold(TV r0, TV r1) => FloatLanes16Fold.Of(Unsafe.BitCast<TV, V256<float>>(r0).Value, Unsafe.BitCast<TV, V256<float>>(r1).Value);
}

/// <summary>The sixteen lanes in four registers of four (Vector128): lanes 0–3, 4–7, 8–11 and 12–15.</summary>
internal struct FloatLanes16x4<TV> : IFloatLanes16<TV, FloatLanes16x4<TV>>
    where TV : struct, IVec<TV>
{
    private TV _s0, _s1, _s2, _s3, _e0, _e1, _e2, _e3;

    public static int Registers => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Register(int i) => (i >> 2) & 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLanes16x4<TV> Start(float start)
    {
        var s = TV.Create(start);
        return new() { _s0 = s, _s1 = s, _s2 = s, _s3 = s, _e0 = TV.Zero, _e1 = TV.Zero, _e2 = TV.Zero, _e3 = TV.Zero };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TotalOfFirstTwo(TV first, TV second) => Fold(first, second, TV.Zero, TV.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Rotate(TV v, int fresh) => Permute(v, 4 - fresh);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RotateBack(TV v, int fresh) => Permute(v, fresh);

    /// <summary>Lane j of the result is lane (j + by) mod 4 of <paramref name="v"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Permute(TV v, int by)
    {
        var x = Unsafe.BitCast<TV, V128<float>>(v).Value;
        var from = (Vector128<int>.Indices + Vector128.Create(by)) & Vector128.Create(3);
        var moved = Avx.IsSupported ? Avx.PermuteVar(x, from) : Vector128.Shuffle(x, from);
        return Unsafe.BitCast<V128<float>, TV>(new V128<float>(moved));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add<TStep>(int k, TV t)
        where TStep : struct, ISumStep
    {
        switch (k)
        {
            case 0: _s0 = TStep.Add(_s0, t, ref _e0); break;
            case 1: _s1 = TStep.Add(_s1, t, ref _e1); break;
            case 2: _s2 = TStep.Add(_s2, t, ref _e2); break;
            default: _s3 = TStep.Add(_s3, t, ref _e3); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddError(int k, TV t)
    {
        switch (k)
        {
            case 0: _e0 += t; break;
            case 1: _e1 += t; break;
            case 2: _e2 += t; break;
            default: _e3 += t; break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool AllAtMost(float limit)
    {
        var l = TV.Create(limit);
        var ok = TV.And(TV.LessThanOrEqual(_s0, l), TV.LessThanOrEqual(_s1, l));
        return TV.AllTrue(TV.And(ok, TV.And(TV.LessThanOrEqual(_s2, l), TV.LessThanOrEqual(_s3, l))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Total(double start) => (Fold(_s0, _s1, _s2, _s3) - (16 * start)) + Fold(_e0, _e1, _e2, _e3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fold(TV r0, TV r1, TV r2, TV r3)
        => FloatLanes16Fold.Of(
            Unsafe.BitCast<TV, V128<float>>(r0).Value,
            Unsafe.BitCast<TV, V128<float>>(r1).Value,
            Unsafe.BitCast<TV, V128<float>>(r2).Value,
            Unsafe.BitCast<TV, V128<float>>(r3).Value);
}

/// <summary>The sixteen lanes as sixteen floats (the scalar path: one entry per register, sixteen registers per block).</summary>
internal struct FloatLanes16x16<TV> : IFloatLanes16<TV, FloatLanes16x16<TV>>
    where TV : struct, IVec<TV>
{
    private Floats16 _s, _e;

    public static int Registers => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Register(int i) => i & 15;

    public static FloatLanes16x16<TV> Start(float start)
    {
        var lanes = default(FloatLanes16x16<TV>);
        ((Span<float>)lanes._s).Fill(start);
        return lanes;
    }

    public static double TotalOfFirstTwo(TV first, TV second)
    {
        var lanes = Start(0f);
        lanes.Add<TwoSumStep>(0, first);
        lanes.Add<TwoSumStep>(1, second);
        return lanes.Total(0);
    }

    public static TV Rotate(TV v, int fresh) => v;

    public static TV RotateBack(TV v, int fresh) => v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add<TStep>(int k, TV t)
        where TStep : struct, ISumStep
    {
        ref var e = ref Unsafe.As<float, S<float>>(ref _e[k]);
        _s[k] = TStep.Add(new S<float>(_s[k]), Unsafe.BitCast<TV, S<float>>(t), ref e).Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddError(int k, TV t) => _e[k] += Unsafe.BitCast<TV, S<float>>(t).Value;

    public readonly bool AllAtMost(float limit)
    {
        for (int k = 0; k < 16; k++)
        {
            if (!(_s[k] <= limit)) return false;
        }

        return true;
    }

    public readonly double Total(double start) => (Fold(_s) - (16 * start)) + Fold(_e);

    private static double Fold(in Floats16 x)
    {
        Span<double> a = stackalloc double[8];
        for (int j = 0; j < 8; j++) a[j] = (double)x[j] + x[j + 8];
        double c0 = (a[0] + a[4]) + (a[2] + a[6]);
        double c1 = (a[1] + a[5]) + (a[3] + a[7]);
        return c0 + c1;
    }
}

/// <summary>
/// Σ of sixteen float lanes x_0 … x_15 in double, in one tree: a_j = x_j + x_(j+8) (j &lt; 8), b_j = a_j + a_(j+4)
/// (j &lt; 4), c_j = b_j + b_(j+2) (j &lt; 2), then c_0 + c_1; from one, two or four registers, each in the widest
/// registers the machine has (the narrower paths' lanes joined into one Vector512 on an AVX-512 machine, where single rows
/// of 4 to 15 entries take them), every way adding the same pairs; the blocks of short rows
/// (<see cref="SoftmaxCoreFloat.SoftmaxBlocks{TV}"/>) add the same pairs column by column.
/// </summary>
internal static class FloatLanes16Fold
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Of(Vector512<float> x)
    {
        var a = Vector512.WidenLower(x) + Vector512.WidenUpper(x);
        var b = a.GetLower() + a.GetUpper();
        var c = b.GetLower() + b.GetUpper();
        return c.GetElement(0) + c.GetElement(1);
    }

    /// <summary>Lanes 0–7 in <paramref name="lo"/>, 8–15 in <paramref name="hi"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Of(Vector256<float> lo, Vector256<float> hi)
    {
        if (Vector512.IsHardwareAccelerated) return Of(Vector512.Create(lo, hi));
        var b = (Vector256.WidenLower(lo) + Vector256.WidenLower(hi)) + (Vector256.WidenUpper(lo) + Vector256.WidenUpper(hi));
        var c = b.GetLower() + b.GetUpper();
        return c.GetElement(0) + c.GetElement(1);
    }

    /// <summary>Lanes 0–3, 4–7, 8–11 and 12–15 in <paramref name="x0"/> … <paramref name="x12"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Of(Vector128<float> x0, Vector128<float> x4, Vector128<float> x8, Vector128<float> x12)
    {
        if (Vector256.IsHardwareAccelerated) return Of(Vector256.Create(x0, x4), Vector256.Create(x8, x12));
        var b01 = (Vector128.WidenLower(x0) + Vector128.WidenLower(x8)) + (Vector128.WidenLower(x4) + Vector128.WidenLower(x12));
        var b23 = (Vector128.WidenUpper(x0) + Vector128.WidenUpper(x8)) + (Vector128.WidenUpper(x4) + Vector128.WidenUpper(x12));
        var c = b01 + b23;
        return c.GetElement(0) + c.GetElement(1);
    }
}

/// <summary>Sixteen floats: the scalar path's lanes.</summary>
[InlineArray(16)]
internal struct Floats16
{
    private float _element;
}

/// <summary>One step of a compensated sum: the running sum plus an addend, its rounding error added to the error term.</summary>
internal interface ISumStep
{
    static abstract TV Add<TV>(TV sum, TV t, ref TV error)
        where TV : struct, IVec<TV>;
}

/// <summary>Knuth's two-sum (any addends).</summary>
internal readonly struct TwoSumStep : ISumStep
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Add<TV>(TV sum, TV t, ref TV error)
        where TV : struct, IVec<TV>
        => ErrorFree.TwoSum(sum, t, ref error);
}

/// <summary>Dekker's fast two-sum (running sums at least as large as every addend).</summary>
internal readonly struct FastTwoSumStep : ISumStep
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Add<TV>(TV sum, TV t, ref TV error)
        where TV : struct, IVec<TV>
        => ErrorFree.FastTwoSum(sum, t, ref error);
}
