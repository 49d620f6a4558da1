using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The exponential normalisation shared by softmax, softmin (softmax of −x) and log-softmax, over one double row,
/// generic over a register of double lanes.
/// </summary>
/// <remarks>
/// <para>
/// With v = sign·x and m = max v, every entry is shifted to d = v − m ≤ 0, so exp never overflows. The shift is
/// carried exactly as d + lo (TwoSum), and e^(d+lo) = e^d·(1 + lo): double rows of large magnitude (x ≈ 700) keep
/// full accuracy instead of losing |x|·2^−53 to the subtraction. Entries equal to m get d = 0 exactly, which also
/// defines the infinite rows: when m = +∞ the +∞ entries get d = 0 and the others −∞ (so the +∞ entries share the
/// mass evenly); when every entry is −∞ they all get d = 0 (a uniform row). A NaN anywhere makes its e NaN, the sum
/// NaN, and so the whole row NaN.
/// </para>
/// <para>
/// The sum s = Σ e is formed as 1 + s′ with s′ = Σ_{d &lt; 0} e + (k − 1), k the number of entries at the maximum:
/// s′ is exact where it matters, so log-softmax uses ln s = log1p(s′) and keeps full relative accuracy when the top
/// entry's log-probability is tiny (log_softmax([0, −100])[0] = −3.7e−44, not 0).
/// </para>
/// </remarks>
internal static class SoftmaxCore
{
    /// <summary>softmax(sign·x), or log_softmax(sign·x) when <paramref name="log"/>; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Forward<TV>(ReadOnlySpan<double> x, Span<double> y, double sign, bool log) where TV : struct, IVec<TV>
    {
        double m = Max<TV>(x, sign);
        if (log)
        {
            double sp = SumExp<TV>(x, y, m, sign, store: false);
            double lnS = VMath.Log1p(new S<double>(sp)).Value;
            LogMap<TV>(x, y, m, lnS, sign);
        }
        else
        {
            // e is stored into y as it is summed (same index, read before write), then divided in place.
            double sp = SumExp<TV>(x, y, m, sign, store: true);
            Divide<TV>(y, 1.0 + sp);
        }
    }

    /// <summary>dx = sign·y ⊙ (dy − ⟨dy, y⟩): the softmax (sign = 1) or softmin (sign = −1) Jacobian-vector product.</summary>
    public static void SoftmaxBackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, double sign) where TV : struct, IVec<TV>
    {
        int n = y.Length;
        ref double py = ref MemoryMarshal.GetReference(y);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        ref double pdx = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        var acc = TV.Zero;
        for (; i <= n - TV.Count; i += TV.Count)
        {
            acc = TV.Fma(Lanes.Load<TV, double>(ref Unsafe.Add(ref py, i)), Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, i)), acc);
        }

        double dot = Lanes.Sum(acc);
        for (; i < n; i++) dot = Math.FusedMultiplyAdd(Unsafe.Add(ref py, i), Unsafe.Add(ref pdy, i), dot);

        var dotV = TV.Create(dot);
        var signV = TV.Create(sign);
        for (i = 0; i <= n - TV.Count; i += TV.Count)
        {
            var yv = Lanes.Load<TV, double>(ref Unsafe.Add(ref py, i));
            var g = Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, i));
            Lanes.Store(signV * yv * (g - dotV), ref Unsafe.Add(ref pdx, i));
        }

        for (; i < n; i++)
        {
            double yv = Unsafe.Add(ref py, i);
            Unsafe.Add(ref pdx, i) = sign * yv * (Unsafe.Add(ref pdy, i) - dot);
        }
    }

    /// <summary>dx = dy − exp(y)·Σdy: the log-softmax Jacobian-vector product from its output.</summary>
    public static void LogSoftmaxBackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) where TV : struct, IVec<TV>
    {
        int n = y.Length;
        ref double py = ref MemoryMarshal.GetReference(y);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        ref double pdx = ref MemoryMarshal.GetReference(dx);
        double total = Sum<TV>(dy);
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count) Lanes.Store(LogBackwardStep(Lanes.Load<TV, double>(ref Unsafe.Add(ref py, i)), Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, i)), total), ref Unsafe.Add(ref pdx, i));
        for (; i < n; i++) Lanes.Store(LogBackwardStep(Lanes.Load<S<double>, double>(ref Unsafe.Add(ref py, i)), Lanes.Load<S<double>, double>(ref Unsafe.Add(ref pdy, i)), total), ref Unsafe.Add(ref pdx, i));
    }

    /// <summary>dx = dy − softmax(x)·Σdy from the input x, without forming log_softmax(x) first.</summary>
    public static void LogSoftmaxBackward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        double m = Max<TV>(x, 1.0);
        double sp = SumExp<TV>(x, default, m, 1.0, store: false);
        double total = Sum<TV>(dy);
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double pdy = ref MemoryMarshal.GetReference(dy);
        ref double pdx = ref MemoryMarshal.GetReference(dx);
        double s = 1.0 + sp;
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var p = ShiftedExp(Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i)), TV.Create(m), out _) / TV.Create(s);
            Lanes.Store(TV.Fma(-p, TV.Create(total), Lanes.Load<TV, double>(ref Unsafe.Add(ref pdy, i))), ref Unsafe.Add(ref pdx, i));
        }

        for (; i < n; i++)
        {
            var p = ShiftedExp(new S<double>(Unsafe.Add(ref px, i)), new S<double>(m), out _) / new S<double>(s);
            Unsafe.Add(ref pdx, i) = Math.FusedMultiplyAdd(-p.Value, total, Unsafe.Add(ref pdy, i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LogBackwardStep<TV>(TV y, TV dy, double total) where TV : struct, IVec<TV>
        => TV.Fma(-VMath.Exp(y), TV.Create(total), dy);

    /// <summary>max(sign·x). A NaN may or may not survive the reduction; either way it poisons the sum later.</summary>
    private static double Max<TV>(ReadOnlySpan<double> x, double sign) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        int i = 0;
        double m = double.NegativeInfinity;
        if (n >= TV.Count)
        {
            var acc = TV.Create(double.NegativeInfinity);
            var s = TV.Create(sign);
            for (; i <= n - TV.Count; i += TV.Count) acc = TV.Max(acc, Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i)) * s);
            m = Lanes.Max(acc);
        }

        for (; i < n; i++)
        {
            double v = sign * Unsafe.Add(ref px, i);
            m = m > v ? m : v;
        }

        return m;
    }

    private static double Sum<TV>(ReadOnlySpan<double> x) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        int i = 0;
        var acc = TV.Zero;
        for (; i <= n - TV.Count; i += TV.Count) acc += Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i));
        double s = Lanes.Sum(acc);
        for (; i < n; i++) s += Unsafe.Add(ref px, i);
        return s;
    }

    /// <summary>s′ = Σ_{d&lt;0} e^(d+lo) + (k − 1); stores every e into <paramref name="e"/> when <paramref name="store"/>.</summary>
    private static double SumExp<TV>(ReadOnlySpan<double> x, Span<double> e, double m, double sign, bool store) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double pe = ref MemoryMarshal.GetReference(e);
        var mv = TV.Create(m);
        var sv = TV.Create(sign);
        var accS = TV.Zero;
        var accK = TV.Zero;
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var ev = ShiftedExp(Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i)) * sv, mv, out var top);
            accS += TV.AndNot(ev, top);
            accK += TV.And(top, TV.One);
            if (store) Lanes.Store(ev, ref Unsafe.Add(ref pe, i));
        }

        double sumS = Lanes.Sum(accS);
        double sumK = Lanes.Sum(accK);
        for (; i < n; i++)
        {
            var ev = ShiftedExp(new S<double>(sign * Unsafe.Add(ref px, i)), new S<double>(m), out var top);
            sumS += S<double>.AndNot(ev, top).Value;
            sumK += S<double>.And(top, S<double>.One).Value;
            if (store) Unsafe.Add(ref pe, i) = ev.Value;
        }

        return sumS + (sumK - 1.0);
    }

    /// <summary>y = (d − ln s) + lo for every entry (log-softmax's output map).</summary>
    private static void LogMap<TV>(ReadOnlySpan<double> x, Span<double> y, double m, double lnS, double sign) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double py = ref MemoryMarshal.GetReference(y);
        var mv = TV.Create(m);
        var sv = TV.Create(sign);
        var lv = TV.Create(lnS);
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var d = Shift(Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i)) * sv, mv, out var lo, out _);
            Lanes.Store((d - lv) + lo, ref Unsafe.Add(ref py, i));
        }

        for (; i < n; i++)
        {
            var d = Shift(new S<double>(sign * Unsafe.Add(ref px, i)), new S<double>(m), out var lo, out _);
            Unsafe.Add(ref py, i) = ((d - new S<double>(lnS)) + lo).Value;
        }
    }

    private static void Divide<TV>(Span<double> y, double s) where TV : struct, IVec<TV>
    {
        int n = y.Length;
        ref double py = ref MemoryMarshal.GetReference(y);
        var sv = TV.Create(s);
        int i = 0;
        // A true division (not a multiplication by 1/s) keeps each probability within half an ULP of e/s.
        for (; i <= n - TV.Count; i += TV.Count) Lanes.Store(Lanes.Load<TV, double>(ref Unsafe.Add(ref py, i)) / sv, ref Unsafe.Add(ref py, i));
        for (; i < n; i++) Unsafe.Add(ref py, i) /= s;
    }

    /// <summary>e^(v − m) carried as e^d·(1 + lo); <paramref name="top"/> marks entries equal to the maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ShiftedExp<TV>(TV v, TV m, out TV top) where TV : struct, IVec<TV>
    {
        var d = Shift(v, m, out var lo, out top);
        var e = VMath.Exp(d);
        return TV.Fma(e, lo, e);
    }

    /// <summary>
    /// d + lo = v − m exactly (Knuth's TwoSum), with d = 0, lo = 0 where v equals m (including m = ±∞) and lo = 0
    /// wherever the error term is undefined (infinite d).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Shift<TV>(TV v, TV m, out TV lo, out TV top) where TV : struct, IVec<TV>
    {
        var d = v - m;
        var vPart = d + m;
        var mPart = d - vPart;
        lo = (v - vPart) - (m + mPart);
        lo = TV.AndNot(lo, TV.IsNaN(lo));
        top = TV.EqualTo(v, m);
        return TV.AndNot(d, top);
    }
}
