using ActivationKit.Kernels;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ActivationKit.Nn;

/// <summary>
/// Single-precision matrix products on row-major buffers: C = A·B, A·Bᵀ and Aᵀ·B (optionally C += …).
/// </summary>
/// <remarks>
/// <para>One micro-kernel does the work, at the widest SIMD width the machine has (512, 256 or 128 bits): 4 rows × 2 SIMD vectors of C held in registers while the k loop streams a
/// row of B and broadcasts elements of A; k is blocked and each k-block × 2-register panel of B is packed contiguous, so it stays in L1 across the rows. The transposed
/// forms pack the transposed operand once (O(size) work against O(m·n·k)) and call the same kernel.</para>
/// <para>Determinism: every element of C is the same chain of fused multiply-adds over k in ascending order,
/// whatever the row grouping, column position, k-blocking, SIMD width or thread count. So results are bit-identical for any
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
        Check(a.Length, m, k, "a");
        Check(b.Length, k, n, "b");
        Check(c.Length, m, n, "c");
        CheckThreads(threads);
        fixed (float* pa = a, pb = b, pc = c)
        {
            Run(pa, pb, pc, m, k, n, accumulate, threads);
        }
    }

    /// <summary>C[m×n] = A[m×k]·B[n×k]ᵀ (or += when <paramref name="accumulate"/>). B is stored as n rows of k.</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1)
    {
        Check(a.Length, m, k, "a");
        Check(b.Length, n, k, "b");
        Check(c.Length, m, n, "c");
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
        Check(a.Length, k, m, "a");
        Check(b.Length, k, n, "b");
        Check(c.Length, m, n, "c");
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

    // Takes the dimensions rather than a formatted shape: building the message eagerly would allocate on every call.
    private static void Check(int length, int rows, int cols, string name)
    {
        long expected = (long)rows * cols;
        if (length < expected)
        {
            throw new ArgumentException($"Matrix '{name}' must hold at least {expected} elements for shape {rows}×{cols}, but has {length}.", name);
        }
    }

    private static void CheckThreads(int threads)
    {
        if (threads < 1) throw new ArgumentException($"threads must be ≥ 1, got {threads}.", nameof(threads));
    }

    /// <summary>The SIMD width the products run at: 512, 256 or 128 bits (results are the same bits at every width).</summary>
    public static int VectorBits => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <summary>Tests force a narrower width (128 or 256) to check that every width gives the same bits; 0 = widest.</summary>
    internal static int WidthOverride { get; set; }

    private static void Rows(float* a, float* b, float* c, int r0, int r1, int k, int n, bool accumulate)
    {
        int bits = WidthOverride == 0 ? VectorBits : Math.Min(WidthOverride, VectorBits);
        if (bits == 512) Rows<Lanes512>(a, b, c, r0, r1, k, n, accumulate);
        else if (bits == 256) Rows<Lanes256>(a, b, c, r0, r1, k, n, accumulate);
        else Rows<Lanes128>(a, b, c, r0, r1, k, n, accumulate);
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

        RunParallel(a, b, c, m, k, n, accumulate, threads, blocks);
    }

    // The core library's fork-join pool runs the fixed partition with no allocation per call (Parallel.For allocated
    // a few KB per multiply). Chunk t always gets the same rows, so results do not depend on which thread runs it.
    private static void RunParallel(float* a, float* b, float* c, int m, int k, int n, bool accumulate, int threads, int blocks)
    {
        if (!ForkJoin.TryAcquire())
        {
            // The pool is busy with another call (another network training at the same time): run here.
            Rows(a, b, c, 0, m, k, n, accumulate);
            return;
        }

        var job = Job;
        try
        {
            job.Set(a, b, c, m, k, n, accumulate, threads, blocks);
            ForkJoin.Run(job, threads);
        }
        finally
        {
            job.Set(null, null, null, 0, 0, 0, false, 0, 0);
            ForkJoin.Release();
        }
    }

    private static readonly RowBlocksJob Job = new();

    /// <summary>Thread t's share of one multiply: row blocks [t·blocks/threads, (t+1)·blocks/threads).</summary>
    private sealed class RowBlocksJob : ChunkJob
    {
        private float* _a, _b, _c;
        private int _m, _k, _n, _blocks;
        private bool _accumulate;

        public void Set(float* a, float* b, float* c, int m, int k, int n, bool accumulate, int threads, int blocks)
        {
            _a = a;
            _b = b;
            _c = c;
            (_m, _k, _n, _accumulate, _blocks) = (m, k, n, accumulate, blocks);
            Chunks = threads;
        }

        public override void RunChunk(int t)
        {
            int r0 = (int)((long)t * _blocks / Chunks) * RowBlock;
            int r1 = Math.Min(_m, (int)((long)(t + 1) * _blocks / Chunks) * RowBlock);
            Rows(_a, _b, _c, r0, r1, _k, _n, _accumulate);
        }
    }

    /// <summary>Rows [r0, r1) of C.</summary>
    private static void Rows<TV>(float* a, float* b, float* c, int r0, int r1, int k, int n, bool accumulate)
        where TV : struct, ILanes<TV>
    {
        int w = TV.Count;
        if (k == 0)
        {
            if (!accumulate) new Span<float>(c + ((long)r0 * n), (r1 - r0) * n).Clear();
            return;
        }

        // The B panel of one k-block × 2 registers, copied contiguous: read in place its rows sit n floats apart, and
        // with n a multiple of 256 they all fall into a few L1 sets and evict each other. Packed, the panel (at most
        // 32 KB at 512 bits) is read linearly by every group of rows.
        int panelWidth = 2 * w;
        float* panel = stackalloc float[KBlock * panelWidth];
        bool pack = r1 - r0 > RowBlock;
        for (int p0 = 0; p0 < k; p0 += KBlock)
        {
            int p1 = Math.Min(k, p0 + KBlock);
            bool load = accumulate || p0 > 0;
            int j = 0;
            for (; j + panelWidth <= n; j += panelWidth)
            {
                float* bp = b + ((long)p0 * n) + j;
                int ldb = n;
                if (pack)
                {
                    for (int p = 0; p < p1 - p0; p++) Unsafe.CopyBlockUnaligned(panel + (p * panelWidth), bp + ((long)p * n), (uint)(panelWidth * sizeof(float)));
                    bp = panel;
                    ldb = panelWidth;
                }

                int i = r0;
                for (; i + RowBlock <= r1; i += RowBlock) Kernel4x2<TV>(a + ((long)i * k), k, bp, ldb, c + ((long)i * n) + j, n, p0, p1, load);
                for (; i < r1; i++) Kernel1x2<TV>(a + ((long)i * k), bp, ldb, c + ((long)i * n) + j, p0, p1, load);
            }

            for (; j + w <= n; j += w) Strip<TV>(a, b + ((long)p0 * n) + j, n, c, r0, r1, j, p0, p1, k, n, load);

            // Narrow leftovers (e.g. 10 output columns with 16-lane registers) still get 4-lane vectors.
            for (; j + 4 <= n; j += 4) Strip<Lanes128>(a, b + ((long)p0 * n) + j, n, c, r0, r1, j, p0, p1, k, n, load);

            if (j < n) Tail(a, b, c, r0, r1, j, p0, p1, k, n, load);
        }
    }

    /// <summary>One register-wide column strip of rows [r0, r1): <paramref name="bp"/> points at B[p0, j], rows <paramref name="ldb"/> apart.</summary>
    private static void Strip<TV>(float* a, float* bp, int ldb, float* c, int r0, int r1, int j, int p0, int p1, int k, int ldc, bool load)
        where TV : struct, ILanes<TV>
    {
        int i = r0;
        for (; i + RowBlock <= r1; i += RowBlock) Kernel4x1<TV>(a + ((long)i * k), k, bp, ldb, c + ((long)i * ldc) + j, ldc, p0, p1, load);
        for (; i < r1; i++) Kernel1x1<TV>(a + ((long)i * k), bp, ldb, c + ((long)i * ldc) + j, p0, p1, load);
    }

    /// <summary>
    /// The last 1–3 columns: copied into a zero-padded 4-column panel (of B, and of C row by row) so the 4-lane kernel
    /// does them instead of strided scalar loops. Padding lanes are computed and discarded; real lanes run the same
    /// fused multiply-add chain as everywhere else.
    /// </summary>
    private static void Tail(float* a, float* b, float* c, int r0, int r1, int j, int p0, int p1, int k, int n, bool load)
    {
        const int Panel = 4;
        int width = n - j, depth = p1 - p0;
        float* panel = stackalloc float[KBlock * Panel];
        for (int p = 0; p < depth; p++)
        {
            for (int t = 0; t < Panel; t++) panel[(p * Panel) + t] = t < width ? b[((long)(p0 + p) * n) + j + t] : 0f;
        }

        float* tile = stackalloc float[RowBlock * Panel];
        for (int i0 = r0; i0 < r1; i0 += RowBlock)
        {
            int rows = Math.Min(RowBlock, r1 - i0);
            for (int r = 0; r < rows; r++)
            {
                for (int t = 0; t < Panel; t++) tile[(r * Panel) + t] = load && t < width ? c[((long)(i0 + r) * n) + j + t] : 0f;
            }

            float* a0 = a + ((long)i0 * k);
            if (rows == RowBlock) Kernel4x1<Lanes128>(a0, k, panel, Panel, tile, Panel, p0, p1, true);
            else
            {
                for (int r = 0; r < rows; r++) Kernel1x1<Lanes128>(a0 + ((long)r * k), panel, Panel, tile + (r * Panel), p0, p1, true);
            }

            for (int r = 0; r < rows; r++)
            {
                for (int t = 0; t < width; t++) c[((long)(i0 + r) * n) + j + t] = tile[(r * Panel) + t];
            }
        }
    }

    // The kernels: a0 is row i of A (rows lda apart, indexed by the absolute k position p), bp is B at row p0 of the
    // current columns (rows ldb apart), c0 is C at row i of the current columns (rows ldc apart).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x2<TV>(float* a0, int lda, float* bp, int ldb, float* c0, int ldc, int p0, int p1, bool load)
        where TV : struct, ILanes<TV>
    {
        int w = TV.Count;
        float* c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        TV x00, x01, x10, x11, x20, x21, x30, x31;
        if (load)
        {
            x00 = TV.Load(c0); x01 = TV.Load(c0 + w);
            x10 = TV.Load(c1); x11 = TV.Load(c1 + w);
            x20 = TV.Load(c2); x21 = TV.Load(c2 + w);
            x30 = TV.Load(c3); x31 = TV.Load(c3 + w);
        }
        else
        {
            x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = TV.Zero;
        }

        float* a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = p0; p < p1; p++, bp += ldb)
        {
            var b0 = TV.Load(bp);
            var b1 = TV.Load(bp + w);
            var v = TV.Broadcast(a0[p]);
            x00 = TV.Fma(v, b0, x00); x01 = TV.Fma(v, b1, x01);
            v = TV.Broadcast(a1[p]);
            x10 = TV.Fma(v, b0, x10); x11 = TV.Fma(v, b1, x11);
            v = TV.Broadcast(a2[p]);
            x20 = TV.Fma(v, b0, x20); x21 = TV.Fma(v, b1, x21);
            v = TV.Broadcast(a3[p]);
            x30 = TV.Fma(v, b0, x30); x31 = TV.Fma(v, b1, x31);
        }

        x00.Store(c0); x01.Store(c0 + w);
        x10.Store(c1); x11.Store(c1 + w);
        x20.Store(c2); x21.Store(c2 + w);
        x30.Store(c3); x31.Store(c3 + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel1x2<TV>(float* a0, float* bp, int ldb, float* c0, int p0, int p1, bool load)
        where TV : struct, ILanes<TV>
    {
        int w = TV.Count;
        TV x0 = load ? TV.Load(c0) : TV.Zero;
        var x1 = load ? TV.Load(c0 + w) : TV.Zero;
        for (int p = p0; p < p1; p++, bp += ldb)
        {
            var v = TV.Broadcast(a0[p]);
            x0 = TV.Fma(v, TV.Load(bp), x0);
            x1 = TV.Fma(v, TV.Load(bp + w), x1);
        }

        x0.Store(c0);
        x1.Store(c0 + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x1<TV>(float* a0, int lda, float* bp, int ldb, float* c0, int ldc, int p0, int p1, bool load)
        where TV : struct, ILanes<TV>
    {
        float* c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        var x0 = load ? TV.Load(c0) : TV.Zero;
        var x1 = load ? TV.Load(c1) : TV.Zero;
        var x2 = load ? TV.Load(c2) : TV.Zero;
        var x3 = load ? TV.Load(c3) : TV.Zero;
        float* a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = p0; p < p1; p++, bp += ldb)
        {
            var bv = TV.Load(bp);
            x0 = TV.Fma(TV.Broadcast(a0[p]), bv, x0);
            x1 = TV.Fma(TV.Broadcast(a1[p]), bv, x1);
            x2 = TV.Fma(TV.Broadcast(a2[p]), bv, x2);
            x3 = TV.Fma(TV.Broadcast(a3[p]), bv, x3);
        }

        x0.Store(c0);
        x1.Store(c1);
        x2.Store(c2);
        x3.Store(c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel1x1<TV>(float* a0, float* bp, int ldb, float* c0, int p0, int p1, bool load)
        where TV : struct, ILanes<TV>
    {
        TV x0 = load ? TV.Load(c0) : TV.Zero;
        for (int p = p0; p < p1; p++, bp += ldb)
        {
            x0 = TV.Fma(TV.Broadcast(a0[p]), TV.Load(bp), x0);
        }

        x0.Store(c0);
    }

    /// <summary>The few lane operations the kernels need, so one kernel body serves every SIMD width.</summary>
    private interface ILanes<TV>
        where TV : struct, ILanes<TV>
    {
        static abstract int Count { get; }

        static abstract TV Zero { get; }

        static abstract TV Load(float* p);

        static abstract TV Broadcast(float x);

        /// <summary>a·b + c rounded once.</summary>
        static abstract TV Fma(TV a, TV b, TV c);

        void Store(float* p);
    }

    private readonly struct Lanes512(Vector512<float> v) : ILanes<Lanes512>
    {
        public static int Count => Vector512<float>.Count;

        public static Lanes512 Zero => default;

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Load(float* p) => new(Vector512.Load(p));

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Broadcast(float x) => new(Vector512.Create(x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Fma(Lanes512 a, Lanes512 b, Lanes512 c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* p) => _v.Store(p);

        private readonly Vector512<float> _v = v;
    }

    private readonly struct Lanes256(Vector256<float> v) : ILanes<Lanes256>
    {
        public static int Count => Vector256<float>.Count;

        public static Lanes256 Zero => default;

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(float* p) => new(Vector256.Load(p));

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Broadcast(float x) => new(Vector256.Create(x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Fma(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* p) => _v.Store(p);

        private readonly Vector256<float> _v = v;
    }

    private readonly struct Lanes128(Vector128<float> v) : ILanes<Lanes128>
    {
        public static int Count => Vector128<float>.Count;

        public static Lanes128 Zero => default;

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Load(float* p) => new(Vector128.Load(p));

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Broadcast(float x) => new(Vector128.Create(x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Fma(Lanes128 a, Lanes128 b, Lanes128 c) => new(Vector128.FusedMultiplyAdd(a._v, b._v, c._v));

        [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* p) => _v.Store(p);

        private readonly Vector128<float> _v = v;
    }
}
