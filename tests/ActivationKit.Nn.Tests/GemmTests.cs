using ActivationKit.Nn;

namespace ActivationKit.Nn.Tests;

public class GemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 7, 13, 5 }, { 128, 256, 10 }, { 3, 1, 17 }, { 5, 300, 33 }, { 64, 64, 64 }, { 1, 513, 1 }, { 33, 7, 47 }, { 0, 3, 4 }, { 4, 0, 4 },
    };

    private static float[] Random(int n, ulong seed)
    {
        var rng = new Rng(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.NextUniform(-1, 1);
        return a;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AllThreeFormsMatchTheReferenceBitForBit(int m, int k, int n)
    {
        foreach (bool accumulate in new[] { false, true })
        {
            foreach (int threads in new[] { 1, 3 })
            {
                var a = Random(m * k, 1);
                var b = Random(k * n, 2);
                var c0 = Random(m * n, 3);

                var expected = (float[])c0.Clone();
                Gemm.ReferenceMultiply(a, b, expected, m, k, n, accumulate: accumulate);
                var c = (float[])c0.Clone();
                Gemm.Multiply(a, b, c, m, k, n, accumulate, threads);
                Assert.Equal(expected, c);

                // A·Bᵀ with B stored n×k.
                var bt = new float[n * k];
                Gemm.Transpose(b, bt, k, n);
                var expectedT = (float[])c0.Clone();
                Gemm.ReferenceMultiply(a, bt, expectedT, m, k, n, transposeB: true, accumulate: accumulate);
                Assert.Equal(expected, expectedT);
                c = (float[])c0.Clone();
                Gemm.MultiplyTransposedB(a, bt, c, m, k, n, accumulate, threads);
                Assert.Equal(expected, c);

                // Aᵀ·B with A stored k×m.
                var at = new float[k * m];
                Gemm.Transpose(a, at, m, k);
                c = (float[])c0.Clone();
                Gemm.MultiplyTransposedA(at, b, c, m, k, n, accumulate, threads);
                Assert.Equal(expected, c);
            }
        }
    }

    [Theory]
    [InlineData(128)]
    [InlineData(256)]
    [InlineData(512)]
    public void EveryVectorWidthGivesTheSameBits(int bits)
    {
        int m = 37, k = 300, n = 71;
        var a = Random(m * k, 8);
        var b = Random(k * n, 9);
        var expected = new float[m * n];
        Gemm.ReferenceMultiply(a, b, expected, m, k, n);
        var c = new float[m * n];
        try
        {
            Gemm.WidthOverride = bits;
            Gemm.Multiply(a, b, c, m, k, n);
        }
        finally
        {
            Gemm.WidthOverride = 0;
        }

        Assert.Equal(expected, c);
    }

    [Fact]
    public void ReferenceIsCloseToADoubleProduct()
    {
        int m = 9, k = 300, n = 11;
        var a = Random(m * k, 4);
        var b = Random(k * n, 5);
        var c = new float[m * n];
        Gemm.Multiply(a, b, c, m, k, n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[(i * k) + p] * b[(p * n) + j];
                Assert.True(Math.Abs(s - c[(i * n) + j]) < 1e-4, $"C[{i},{j}] = {c[(i * n) + j]} vs {s}");
            }
        }
    }

    [Fact]
    public void LargeProductIsIdenticalForAnyThreadCount()
    {
        int m = 200, k = 300, n = 70;
        var a = Random(m * k, 6);
        var b = Random(k * n, 7);
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        Gemm.Multiply(a, b, c1, m, k, n, threads: 1);
        Gemm.Multiply(a, b, c2, m, k, n, threads: 2);
        Assert.Equal(c1, c2);
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[5], new float[6], new float[6], 2, 3, 2));
        Assert.Contains("'a'", ex.Message);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[6], new float[5], new float[4], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[6], new float[6], new float[3], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedA(new float[6], new float[6], new float[4], 2, 3, 2, threads: 0));
    }
}
