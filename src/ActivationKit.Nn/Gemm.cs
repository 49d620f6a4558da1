using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ActivationKit.Nn;

/// <summary>
/// Single-precision matrix products on row-major buffers: C = A·B, A·Bᵀ and Aᵀ·B (optionally C += …).
/// </summary>
/// <remarks>
/// <para>One micro-kernel does the work: 4 rows × 2 SIMD vectors of C held in registers while the k loop streams a
/// row of B and broadcasts elements of A; k is blocked so the panel of B stays in L1 across the rows. The transposed
/// forms pack the transposed operand once (O(size) work against O(m·n·k)) and call the same kernel.</para>
/// <para>Determinism: every element of C is the same chain of fused multiply-adds over k in ascending order,
/// whatever the row grouping, column position, k-blocking or thread count. So results are bit-identical for any
/// number of threads, and equal to <see cref="ReferenceMultiply"/> bit for bit.</para>
/// </remarks>
public static unsafe class Gemm
{
    private const int KBlock = 256;
    private const int RowBlock = 4;

    /// <summary>Below this many multiply-adds a product runs on the calling thread.</summary>
    private const long ParallelThreshold = 1L << 20;

    /// <summary>C[m×n] = A[m×k]·B[k×n] (or += when <paramref name="accumulate"/>).</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1)
    {
        Check(a.Length, (long)m * k, "a", $"{m}×{k}");
        Check(b.Length, (long)k * n, "b", $"{k}×{n}");
        Check(c.Length, (long)m * n, "c", $"{m}×{n}");
        CheckThreads(threads);
        fixed (float* pa = a, pb = b, pc = c)
        {
            Run(pa, pb, pc, m, k, n, accumulate, threads);
        }
    }

    /// <summary>C[m×n] = A[m×k]·B[n×k]ᵀ (or += when <paramref name="accumulate"/>). B is stored as n rows of k.</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1)
    {
        Check(a.Length, (long)m * k, "a", $"{m}×{k}");
        Check(b.Length, (long)n * k, "b", $"{n}×{k}");
        Check(c.Length, (long)m * n, "c", $"{m}×{n}");
        CheckThreads(threads);
        float[] bt = ArrayPool<float>.Shared.Rent(Math.Max(1, k * n));
        try
        {
            Transpose(b, bt, n, k);
            fixed (float* pa = a, pb = bt, pc = c)
            {
                Run(pa, pb, pc, m, k, n, accumulate, threads);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(bt);
        }
    }

    /// <summary>C[m×n] = A[k×m]ᵀ·B[k×n] (or += when <paramref name="accumulate"/>). A is stored as k rows of m.</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1)
    {
        Check(a.Length, (long)k * m, "a", $"{k}×{m}");
        Check(b.Length, (long)k * n, "b", $"{k}×{n}");
        Check(c.Length, (long)m * n, "c", $"{m}×{n}");
        CheckThreads(threads);
        float[] at = ArrayPool<float>.Shared.Rent(Math.Max(1, m * k));
        try
        {
            Transpose(a, at, k, m);
            fixed (float* pa = at, pb = b, pc = c)
            {
                Run(pa, pb, pc, m, k, n, accumulate, threads);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(at);
        }
    }

    /// <summary>
    /// The specification: C[i,j] (+)= Σₚ A[i,p]·B[p,j] as a chain of fused multiply-adds in ascending p.
    /// Slow; for tests. Transposes are expressed through the flags.
    /// </summary>
    public static void ReferenceMultiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = accumulate ? c[(i * n) + j] : 0f;
                for (int p = 0; p < k; p++)
                {
                    float x = transposeA ? a[(p * m) + i] : a[(i * k) + p];
                    float y = transposeB ? b[(j * k) + p] : b[(p * n) + j];
                    s = MathF.FusedMultiplyAdd(x, y, s);
                }

                c[(i * n) + j] = s;
            }
        }
    }

    /// <summary>dst[cols×rows] = src[rows×cols]ᵀ, in 8×8 tiles to stay cache friendly.</summary>
    public static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols)
    {
        const int T = 8;
        for (int i0 = 0; i0 < rows; i0 += T)
        {
            int i1 = Math.Min(rows, i0 + T);
            for (int j0 = 0; j0 < cols; j0 += T)
            {
                int j1 = Math.Min(cols, j0 + T);
                for (int i = i0; i < i1; i++)
                {
                    for (int j = j0; j < j1; j++)
                    {
                        dst[(j * rows) + i] = src[(i * cols) + j];
                    }
                }
            }
        }
    }

    private static void Check(int length, long expected, string name, string shape)
    {
        if (length < expected)
        {
            throw new ArgumentException($"Matrix '{name}' must hold at least {expected} elements for shape {shape}, but has {length}.", name);
        }
    }

    private static void CheckThreads(int threads)
    {
        if (threads < 1) throw new ArgumentException($"threads must be ≥ 1, got {threads}.", nameof(threads));
    }

    private static void Run(float* a, float* b, float* c, int m, int k, int n, bool accumulate, int threads)
    {
        if (m <= 0 || n <= 0) return;
        int blocks = (m + RowBlock - 1) / RowBlock;
        threads = Math.Min(threads, blocks);
        if (threads <= 1 || (long)m * n * k < ParallelThreshold)
        {
            Rows(a, b, c, 0, m, k, n, accumulate);
            return;
        }

        // A fixed partition of row blocks: thread t gets blocks [t·blocks/threads, (t+1)·blocks/threads).
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int r0 = (int)((long)t * blocks / threads) * RowBlock;
            int r1 = Math.Min(m, (int)((long)(t + 1) * blocks / threads) * RowBlock);
            Rows((float*)pa, (float*)pb, (float*)pc, r0, r1, k, n, accumulate);
        });
    }

    /// <summary>Rows [r0, r1) of C.</summary>
    private static void Rows(float* a, float* b, float* c, int r0, int r1, int k, int n, bool accumulate)
    {
        int w = Vector<float>.Count;
        if (k == 0)
        {
            if (!accumulate) new Span<float>(c + ((long)r0 * n), (r1 - r0) * n).Clear();
            return;
        }

        for (int p0 = 0; p0 < k; p0 += KBlock)
        {
            int p1 = Math.Min(k, p0 + KBlock);
            bool load = accumulate || p0 > 0;
            int j = 0;
            for (; j + (2 * w) <= n; j += 2 * w)
            {
                int i = r0;
                for (; i + RowBlock <= r1; i += RowBlock) Kernel4x2(a, b, c, i, j, p0, p1, k, n, load);
                for (; i < r1; i++) Kernel1x2(a, b, c, i, j, p0, p1, k, n, load);
            }

            for (; j + w <= n; j += w)
            {
                int i = r0;
                for (; i + RowBlock <= r1; i += RowBlock) Kernel4x1(a, b, c, i, j, p0, p1, k, n, load);
                for (; i < r1; i++) Kernel1x1(a, b, c, i, j, p0, p1, k, n, load);
            }

            for (; j < n; j++)
            {
                for (int i = r0; i < r1; i++)
                {
                    float* pa = a + ((long)i * k);
                    float s = load ? c[((long)i * n) + j] : 0f;
                    for (int p = p0; p < p1; p++) s = MathF.FusedMultiplyAdd(pa[p], b[((long)p * n) + j], s);
                    c[((long)i * n) + j] = s;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x2(float* a, float* b, float* c, int i, int j, int p0, int p1, int k, int n, bool load)
    {
        int w = Vector<float>.Count;
        float* c0 = c + ((long)i * n) + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        Vector<float> x00, x01, x10, x11, x20, x21, x30, x31;
        if (load)
        {
            x00 = Vector.Load(c0); x01 = Vector.Load(c0 + w);
            x10 = Vector.Load(c1); x11 = Vector.Load(c1 + w);
            x20 = Vector.Load(c2); x21 = Vector.Load(c2 + w);
            x30 = Vector.Load(c3); x31 = Vector.Load(c3 + w);
        }
        else
        {
            x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = Vector<float>.Zero;
        }

        float* a0 = a + ((long)i * k), a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        float* bp = b + ((long)p0 * n) + j;
        for (int p = p0; p < p1; p++, bp += n)
        {
            var b0 = Vector.Load(bp);
            var b1 = Vector.Load(bp + w);
            var v = new Vector<float>(a0[p]);
            x00 = Vector.FusedMultiplyAdd(v, b0, x00); x01 = Vector.FusedMultiplyAdd(v, b1, x01);
            v = new Vector<float>(a1[p]);
            x10 = Vector.FusedMultiplyAdd(v, b0, x10); x11 = Vector.FusedMultiplyAdd(v, b1, x11);
            v = new Vector<float>(a2[p]);
            x20 = Vector.FusedMultiplyAdd(v, b0, x20); x21 = Vector.FusedMultiplyAdd(v, b1, x21);
            v = new Vector<float>(a3[p]);
            x30 = Vector.FusedMultiplyAdd(v, b0, x30); x31 = Vector.FusedMultiplyAdd(v, b1, x31);
        }

        x00.Store(c0); x01.Store(c0 + w);
        x10.Store(c1); x11.Store(c1 + w);
        x20.Store(c2); x21.Store(c2 + w);
        x30.Store(c3); x31.Store(c3 + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel1x2(float* a, float* b, float* c, int i, int j, int p0, int p1, int k, int n, bool load)
    {
        int w = Vector<float>.Count;
        float* c0 = c + ((long)i * n) + j;
        var x0 = load ? Vector.Load(c0) : Vector<float>.Zero;
        var x1 = load ? Vector.Load(c0 + w) : Vector<float>.Zero;
        float* a0 = a + ((long)i * k);
        float* bp = b + ((long)p0 * n) + j;
        for (int p = p0; p < p1; p++, bp += n)
        {
            var v = new Vector<float>(a0[p]);
            x0 = Vector.FusedMultiplyAdd(v, Vector.Load(bp), x0);
            x1 = Vector.FusedMultiplyAdd(v, Vector.Load(bp + w), x1);
        }

        x0.Store(c0);
        x1.Store(c0 + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x1(float* a, float* b, float* c, int i, int j, int p0, int p1, int k, int n, bool load)
    {
        float* c0 = c + ((long)i * n) + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        var x0 = load ? Vector.Load(c0) : Vector<float>.Zero;
        var x1 = load ? Vector.Load(c1) : Vector<float>.Zero;
        var x2 = load ? Vector.Load(c2) : Vector<float>.Zero;
        var x3 = load ? Vector.Load(c3) : Vector<float>.Zero;
        float* a0 = a + ((long)i * k), a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        float* bp = b + ((long)p0 * n) + j;
        for (int p = p0; p < p1; p++, bp += n)
        {
            var bv = Vector.Load(bp);
            x0 = Vector.FusedMultiplyAdd(new Vector<float>(a0[p]), bv, x0);
            x1 = Vector.FusedMultiplyAdd(new Vector<float>(a1[p]), bv, x1);
            x2 = Vector.FusedMultiplyAdd(new Vector<float>(a2[p]), bv, x2);
            x3 = Vector.FusedMultiplyAdd(new Vector<float>(a3[p]), bv, x3);
        }

        x0.Store(c0);
        x1.Store(c1);
        x2.Store(c2);
        x3.Store(c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel1x1(float* a, float* b, float* c, int i, int j, int p0, int p1, int k, int n, bool load)
    {
        float* c0 = c + ((long)i * n) + j;
        var x0 = load ? Vector.Load(c0) : Vector<float>.Zero;
        float* a0 = a + ((long)i * k);
        float* bp = b + ((long)p0 * n) + j;
        for (int p = p0; p < p1; p++, bp += n)
        {
            x0 = Vector.FusedMultiplyAdd(new Vector<float>(a0[p]), Vector.Load(bp), x0);
        }

        x0.Store(c0);
    }
}
