using System.Runtime.Intrinsics;
using ActivationKit.Kernels;
using ActivationKit.Simd;

namespace ActivationKit.Tests;

/// <summary>
/// The lane operations whose AVX-512 form is a different instruction from the portable one (VRANGE for
/// <see cref="IVec{TV}.MinusAbsAtLeast"/>, <see cref="IVec{TV}.ClampMagnitude"/> and <see cref="IVec{TV}.WithSignOfLarger"/>, VFNMADD for <see cref="IVec{TV}.Fnma"/>, VFMSUB for
/// <see cref="IVec{TV}.Fms"/>, VFNMSUB for <see cref="IVec{TV}.Fnms"/>) give the same bits at every width, special values included, and the bits of the
/// scalar definition. Run with DOTNET_EnableAVX512=0 the wide types take their portable branches.
/// </summary>
public class LaneOperationTests
{
    private static readonly float[] Specials =
    [
        float.NaN, -float.NaN, BitConverter.UInt32BitsToSingle(0x7fc12345), BitConverter.UInt32BitsToSingle(0xffc54321),
        float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f,
        float.MaxValue, float.MinValue, 1f, -1f, 9f, -9f, 8.999999f, -9.000001f, 104f, -104f, 1e30f, -1e30f,
        0.5f, -2.5f, 87.5f, -112.0001f, 3.0e-8f, -7.25f, 33f, -0.1f,
    ];

    private static float[] Inputs()
    {
        var rng = new Random(5);
        var random = Enumerable.Range(0, 96).Select(_ => (float)(Math.Sinh((rng.NextDouble() - 0.5) * 20) * 10));
        return [.. Specials, .. random];
    }

    public static TheoryData<double> Floors => [-9.0, -87.0, -104.0, -112.0];

    [Theory]
    [MemberData(nameof(Floors))]
    public void MinusAbsAtLeast_is_max_of_minus_abs_and_floor_with_nan_giving_the_floor(double floor)
    {
        var x = Inputs();
        var expected = x.Select(v => float.IsNaN(v) ? (float)floor : Math.Max(-Math.Abs(v), (float)floor)).ToArray();
        AssertEveryWidth(x, expected, v => MinusAbsAtLeast(v, floor), v => MinusAbsAtLeast(v, floor),
            v => MinusAbsAtLeast(v, floor), v => MinusAbsAtLeast(v, floor));
        Assert.Equal(BitConverter.SingleToUInt32Bits(-0f), BitConverter.SingleToUInt32Bits(expected[Array.IndexOf(x, 0f)]));
    }

    [Theory]
    [InlineData(15.0)]
    [InlineData(104.0)]
    public void AbsAtMost_is_min_of_abs_and_limit_with_nan_giving_the_limit(double limit)
    {
        var x = Inputs();
        var expected = x.Select(v => float.IsNaN(v) ? (float)limit : Math.Min(Math.Abs(v), (float)limit)).ToArray();
        AssertEveryWidth(x, expected, v => AbsAtMost(v, limit), v => AbsAtMost(v, limit), v => AbsAtMost(v, limit), v => AbsAtMost(v, limit));
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(expected[Array.IndexOf(x, -0f)]));
    }

    [Fact]
    public void ClampMagnitude_clamps_to_plus_minus_the_limit_keeping_signed_zeros_and_gives_a_NaN_the_limit_magnitude()
    {
        const double limit = 60.0;
        // The NaN inputs replaced by values at and around the limit (NaN lanes are checked on their own below).
        var edges = new[] { 60f, -60f, 59.999996f, -60.000004f };
        int next = 0;
        var x = Inputs().Select(v => float.IsNaN(v) ? edges[next++] : v).ToArray();
        var expected = x.Select(v => Math.Min(Math.Max(v, -(float)limit), (float)limit)).ToArray();
        AssertEveryWidth(x, expected, v => Clamp(v, limit), v => Clamp(v, limit), v => Clamp(v, limit), v => Clamp(v, limit));
        Assert.Equal(0x8000_0000u, BitConverter.SingleToUInt32Bits(expected[Array.FindIndex(x, v => BitConverter.SingleToUInt32Bits(v) == 0x8000_0000u)]));
        var nan = V512<float>.Load(in Inputs()[0]);
        var clamped = Clamp(nan, limit).Value;
        for (int k = 0; k < 4; k++) Assert.Equal((float)limit, Math.Abs(clamped[k]));
    }

    private static TV Clamp<TV>(TV x, double limit) where TV : struct, IVec<TV> => TV.ClampMagnitude(x, TV.Create(limit));

    [Fact]
    public void WithSignOfLarger_gives_y_the_sign_of_x_where_y_is_not_larger_and_NaN_where_both_are()
    {
        // y = |x|·g with g in [0, 1] (so |y| ≤ |x|, equal for g = 1; +0 for g = 0 and for x = ±0, mish's case at −0),
        // NaN for NaN x.
        var x = Inputs();
        var y = x.Select((v, i) => float.IsNaN(v) ? float.NaN : v == 0 || i % 5 == 0 ? 0f : (float)(Math.Abs(v) * ((i % 5) / 4.0))).ToArray();
        var expected = x.Select((v, i) => BitConverter.UInt32BitsToSingle((BitConverter.SingleToUInt32Bits(y[i]) & 0x7FFF_FFFFu) | (BitConverter.SingleToUInt32Bits(v) & 0x8000_0000u))).ToArray();
        const string op = nameof(IVec<S<float>>.WithSignOfLarger);
        AssertWithX<V512<float>>(op, x, y, expected);
        AssertWithX<V256<float>>(op, x, y, expected);
        AssertWithX<V128<float>>(op, x, y, expected);
        AssertWithX<S<float>>(op, x, y, expected);
        int minusZero = Array.FindIndex(x, v => BitConverter.SingleToUInt32Bits(v) == 0x8000_0000u);
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(y[minusZero]));
        Assert.Equal(0x8000_0000u, BitConverter.SingleToUInt32Bits(expected[minusZero]));
    }

    [Fact]
    public void WithNaNOf_puts_back_the_NaN_lanes_of_x_and_keeps_every_other_lane_bit_for_bit()
    {
        var x = Inputs();
        var result = x.Select((v, i) => (float)Math.ScaleB(1.0 + i, -3) * (i % 2 == 0 ? 1 : -1)).ToArray();
        result[3] = -0f;
        const string op = nameof(IVec<S<float>>.WithNaNOf);
        AssertWithX<V512<float>>(op, x, result, result);
        AssertWithX<V256<float>>(op, x, result, result);
        AssertWithX<V128<float>>(op, x, result, result);
        AssertWithX<S<float>>(op, x, result, result);
        // On AVX-512 the VFIXUPIMM form is the one kernels rely on (tanh's one-instruction clamp drops the NaN).
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.X86.Avx512DQ.IsSupported, RestoresNaNCheaply<V512<float>>());
        Assert.False(RestoresNaNCheaply<V256<float>>());
    }

    private static bool RestoresNaNCheaply<TV>() where TV : struct, IVec<TV> => TV.RestoresNaNCheaply;

    /// <summary>
    /// op(y, x) for the lane operations that take a value and x (<see cref="IVec{TV}.WithNaNOf"/>,
    /// <see cref="IVec{TV}.WithSignOfLarger"/>): the expected bits wherever x is not NaN, a NaN wherever it is.
    /// </summary>
    private static void AssertWithX<TV>(string op, float[] x, float[] y, float[] expected)
        where TV : struct, IVec<TV>
    {
        var got = new float[TV.Count];
        for (int i = 0; i < x.Length; i += TV.Count)
        {
            var vy = Lanes.Load<TV, float>(ref y[i]);
            var vx = Lanes.Load<TV, float>(ref x[i]);
            Lanes.Store(op == nameof(IVec<TV>.WithNaNOf) ? TV.WithNaNOf(vy, vx) : TV.WithSignOfLarger(vy, vx), ref got[0]);
            for (int k = 0; k < got.Length; k++)
            {
                if (float.IsNaN(x[i + k])) Assert.True(float.IsNaN(got[k]), $"{op} {typeof(TV).Name}: x = NaN gave {got[k]:R}");
                else AssertSameBits(expected[i + k], got[k], $"{op} {typeof(TV).Name} at x = {x[i + k]:R}, y = {y[i + k]:R}");
            }
        }
    }

    [Fact]
    public void Fnma_fms_and_fnms_round_once_like_the_scalar_fused_operations()
    {
        var a = Inputs();
        var b = a.Reverse().ToArray();
        var c = a.Select((v, i) => a[(i * 7) % a.Length]).ToArray();
        var fnma = a.Select((v, i) => MathF.FusedMultiplyAdd(-v, b[i], c[i])).ToArray();
        var fms = a.Select((v, i) => MathF.FusedMultiplyAdd(v, b[i], -c[i])).ToArray();
        var fnms = a.Select((v, i) => -MathF.FusedMultiplyAdd(v, b[i], c[i])).ToArray();
        AssertFused<V512<float>>(a, b, c, fnma, fms, fnms);
        AssertFused<V256<float>>(a, b, c, fnma, fms, fnms);
        AssertFused<V128<float>>(a, b, c, fnma, fms, fnms);
        AssertFused<S<float>>(a, b, c, fnma, fms, fnms);
    }

    private static void AssertFused<TV>(float[] a, float[] b, float[] c, float[] fnma, float[] fms, float[] fnms)
        where TV : struct, IVec<TV>
    {
        var got = new float[TV.Count];
        for (int i = 0; i < a.Length; i += TV.Count)
        {
            var va = Lanes.Load<TV, float>(ref a[i]);
            var vb = Lanes.Load<TV, float>(ref b[i]);
            var vc = Lanes.Load<TV, float>(ref c[i]);
            Lanes.Store(TV.Fnma(va, vb, vc), ref got[0]);
            for (int k = 0; k < got.Length; k++) AssertSameBits(fnma[i + k], got[k], $"Fnma {typeof(TV).Name} at {a[i + k]:R}");
            Lanes.Store(TV.Fms(va, vb, vc), ref got[0]);
            for (int k = 0; k < got.Length; k++) AssertSameBits(fms[i + k], got[k], $"Fms {typeof(TV).Name} at {a[i + k]:R}");
            Lanes.Store(TV.Fnms(va, vb, vc), ref got[0]);
            for (int k = 0; k < got.Length; k++) AssertSameBits(fnms[i + k], got[k], $"Fnms {typeof(TV).Name} at {a[i + k]:R}");
        }
    }

    [Fact]
    public void CountWhereEqual_and_FirstWhereEqual_find_the_equal_lanes_at_every_width_with_nan_never_equal_and_zeros_equal()
    {
        var a = Inputs();
        // Every fourth lane equal to its partner (including NaN lanes, which must not count, and −0 against +0,
        // which must), the rest different.
        var b = a.Select((v, i) => i % 4 == 0 ? v : i % 4 == 1 ? -v : v + 1f).ToArray();
        AssertCounts<V512<float>>(a, b);
        AssertCounts<V256<float>>(a, b);
        AssertCounts<V128<float>>(a, b);
        AssertCounts<S<float>>(a, b);
        var d = a.Select(v => (double)v).ToArray();
        var e = b.Select(v => (double)v).ToArray();
        AssertCounts<V512<double>>(d, e);
        AssertCounts<V128<double>>(d, e);
        AssertCounts<S<double>>(d, e);
    }

    [Fact]
    public void Pow2_is_two_to_the_n_at_every_width_for_every_normal_exponent()
    {
        // Every n whose power of two is a normal float (−126 … 127), against Math.ScaleB; double lanes to ±1022.
        var n = Enumerable.Range(0, 256).Select(i => (float)(-126 + i % 254)).ToArray();
        var expected = n.Select(k => (float)Math.ScaleB(1.0, (int)k)).ToArray();
        AssertEveryWidth(n, expected, V512<float>.Pow2, V256<float>.Pow2, V128<float>.Pow2, S<float>.Pow2);
        foreach (int k in new[] { -1022, -1000, -127, -1, 0, 1, 128, 1000, 1023 })
        {
            double want = Math.ScaleB(1.0, k);
            Assert.Equal(want, V512<double>.Pow2(V512<double>.Create(k)).Value[3]);
            Assert.Equal(want, V256<double>.Pow2(V256<double>.Create(k)).Value[1]);
            Assert.Equal(want, V128<double>.Pow2(V128<double>.Create(k)).Value[0]);
            Assert.Equal(want, S<double>.Pow2(S<double>.Create(k)).Value);
        }
    }

    [Fact]
    public void Exp2Sixteenths_is_two_to_the_n_sixteenths_rounded_to_float_at_every_width()
    {
        // Every N from −126·16 to 128·16 − 1 (the results are normal floats), formed as the kernels form it: N added
        // to the round shifter 1.5·2^23. Expected: 2^(j/16) rounded to float (from double, whose error is far below
        // the distance of every entry from a rounding midpoint), scaled by 2^⌊N/16⌋.
        var n = Enumerable.Range(-126 * 16, 254 * 16).ToArray();
        var shifted = n.Select(v => (float)(v + 12582912.0)).ToArray();
        var expected = n.Select(v => (float)Math.ScaleB((float)Math.Pow(2.0, (v & 15) / 16.0), v >> 4)).ToArray();
        AssertEveryWidth(shifted, expected, V512<float>.Exp2Sixteenths, V256<float>.Exp2Sixteenths, V128<float>.Exp2Sixteenths,
            S<float>.Exp2Sixteenths);
    }

    [Fact]
    public void Lookup16_picks_the_entry_the_low_four_bits_name_at_every_width()
    {
        // Index lanes as the kernels form them (y + 1.5·2^23 for y in [0, 15], ties to even), and arbitrary bit patterns
        // (NaN, negative, large): the entry is the one the low four bits name, whatever the other bits hold.
        var table = Vector512.Create(-0f, 1f, -2.5f, 3e-39f, float.MaxValue, 5.25f, -6f, 7f, 8f, float.Epsilon, 10f, -11f, 12f, 13f, 1e-20f, 15f);
        var y = Enumerable.Range(0, 57).Select(i => i / 4f).ToList();   // 0 to 14 by quarters; 15 among the rest
        var index = y.Select(v => v + 12582912f).Concat(new[] { float.NaN, -1f, -0f, 1e30f, 15f + 12582912f, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7F80000F) }).ToArray();
        var expected = index.Select(v => table[BitConverter.SingleToInt32Bits(v) & 15]).ToArray();
        Assert.Equal(table[2], expected[y.IndexOf(2.5f)]);     // 2.5 rounds to the even 2
        Assert.Equal(table[4], expected[y.IndexOf(3.5f)]);
        AssertEveryWidth(index, expected, v => V512<float>.Lookup16(v, table), v => V256<float>.Lookup16(v, table),
            v => V128<float>.Lookup16(v, table), v => S<float>.Lookup16(v, table));
    }

    [Fact]
    public void Lookup16LowHalf_matches_Lookup16_below_8_and_LowHalfSuffices_only_says_so_for_such_indices()
    {
        // Indices as the kernels form them (y + 1.5·2^23): the low half's entries equal the full lookup's at every width.
        // LowHalfSuffices may be false anywhere (it is, except on AVX2 without AVX-512VL), but where it is true every
        // lane's index must be below 8 — checked on registers with and without an index of 8 to 15.
        var table = Vector512.Create(-0f, 1f, -2.5f, 3e-39f, float.MaxValue, 5.25f, -6f, 7f, 8f, float.Epsilon, 10f, -11f, 12f, 13f, 1e-20f, 15f);
        var low = Enumerable.Range(0, 64).Select(i => (i * 5 % 30) / 4f + 12582912f).ToArray();   // 0 to 7.25
        var expected = low.Select(v => table[BitConverter.SingleToInt32Bits(v) & 15]).ToArray();
        Assert.All(expected, e => Assert.Contains(e, Enumerable.Range(0, 8).Select(j => table[j])));
        AssertEveryWidth(low, expected, v => LowHalf(v, table), v => LowHalf(v, table), v => LowHalf(v, table), v => LowHalf(v, table));
        var mixed = low.Select((v, i) => i % 8 == 5 ? v + 8f : v).ToArray();
        for (int i = 0; i < low.Length; i += 8)
        {
            Assert.False(Suffices(V256<float>.Load(in mixed[i])));
            bool allLow = Enumerable.Range(i, 8).All(k => (BitConverter.SingleToInt32Bits(low[k]) & 15) < 8);
            Assert.True(allLow || !Suffices(V256<float>.Load(in low[i])));
        }

        Assert.False(Suffices(V512<float>.Load(in low[0])));
        Assert.False(Suffices(V128<float>.Load(in low[0])));
        Assert.False(Suffices(new S<float>(low[0])));

        static TV LowHalf<TV>(TV index, Vector512<float> t) where TV : struct, IVec<TV> => TV.Lookup16LowHalf(index, t);
        static bool Suffices<TV>(TV index) where TV : struct, IVec<TV> => TV.LowHalfSuffices(index);
    }

    [Fact]
    public void Exp2Table_register_holds_the_table_entries()
    {
        var bits = Exp2Table.Bits;
        for (int j = 0; j < 16; j++)
        {
            Assert.Equal(bits[j], Exp2Table.All16.AsUInt32()[j]);
            Assert.Equal((float)Math.Pow(2.0, j / 16.0), BitConverter.UInt32BitsToSingle(bits[j]));
        }
    }

    [Fact]
    public void Exp2Table_eighths_hold_two_to_the_j_eighths_in_both_layouts()
    {
        var table = Exp2Table.Eighths;
        for (int j = 0; j < 8; j++)
        {
            ulong bits = Exp2Table.EighthsBits[j];
            Assert.Equal(Math.Pow(2.0, j / 8.0), BitConverter.UInt64BitsToDouble(bits));
            Assert.Equal(bits, table.Entries.AsUInt64()[j]);
            Assert.Equal((uint)bits, table.LowHalves[j]);
            Assert.Equal((uint)(bits >> 32), table.HighHalves[j]);
        }
    }

    [Fact]
    public void Lookup8_picks_the_entry_the_low_three_bits_name_at_every_width()
    {
        // Index lanes as ExpEighths forms them (x·log2 e + 1.5·2^49, N in the low mantissa bits, negative N included)
        // and arbitrary patterns (NaN, ±∞, −0, huge): the entry is the one the low three bits name. Entries differ in
        // both 32-bit halves, so a half taken from the wrong entry shows.
        var table = new DoubleTable8(
            Vector512.Create(-0.0, 1.0000000000000002, -2.5, 3e-310, double.MaxValue, 5.25, double.NegativeInfinity, 7.000000000000001),
            default, default);
        table = table with
        {
            LowHalves = Vector256.Create(Enumerable.Range(0, 8).Select(j => (uint)table.Entries.AsUInt64()[j]).ToArray()),
            HighHalves = Vector256.Create(Enumerable.Range(0, 8).Select(j => (uint)(table.Entries.AsUInt64()[j] >> 32)).ToArray()),
        };
        var index = Enumerable.Range(-8700, 80).Select(n => n * 217 % 17400 / 8.0 + 6755399441055744.0 / 8)
            .Concat(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 1e300, -3.0, BitConverter.Int64BitsToDouble(0x7FF0000000000005) })
            .ToArray();
        index = index.Concat(Enumerable.Repeat(1.0, (8 - index.Length % 8) % 8)).ToArray();
        var expected = index.Select(v => table.Entries[(int)(BitConverter.DoubleToInt64Bits(v) & 7)]).ToArray();
        for (int i = 0; i < index.Length; i += 8)
        {
            Check(Lanes(V512<double>.Lookup8(V512<double>.Load(in index[i]), table).Value), i, "V512");
            for (int q = 0; q < 8; q += 4) Check(Lanes(V256<double>.Lookup8(V256<double>.Load(in index[i + q]), table).Value), i + q, "V256");
            for (int q = 0; q < 8; q += 2) Check(Lanes(V128<double>.Lookup8(V128<double>.Load(in index[i + q]), table).Value), i + q, "V128");
            for (int k = i; k < i + 8; k++) Assert.Equal(BitConverter.DoubleToInt64Bits(expected[k]), BitConverter.DoubleToInt64Bits(S<double>.Lookup8(new(index[k]), table).Value));
        }

        static double[] Lanes<TVector>(TVector v) where TVector : struct => v switch
        {
            Vector512<double> w => Enumerable.Range(0, 8).Select(k => w[k]).ToArray(),
            Vector256<double> h => Enumerable.Range(0, 4).Select(k => h[k]).ToArray(),
            Vector128<double> q => Enumerable.Range(0, 2).Select(k => q[k]).ToArray(),
            _ => throw new ArgumentException("not a double vector"),
        };

        void Check(double[] got, int at, string what)
        {
            for (int k = 0; k < got.Length; k++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(expected[at + k]) == BitConverter.DoubleToInt64Bits(got[k]), $"{what} lane {k} at {index[at + k]:R}");
            }
        }
    }

    [Fact]
    public void SignFill_sets_every_bit_exactly_where_the_sign_bit_is_set_at_every_width()
    {
        var x = Inputs();
        var ones = BitConverter.Int32BitsToSingle(-1);
        var expected = x.Select(v => BitConverter.SingleToInt32Bits(v) < 0 ? ones : 0f).ToArray();
        AssertEveryWidth(x, expected, V512<float>.SignFill, V256<float>.SignFill, V128<float>.SignFill, S<float>.SignFill);
        foreach (double v in new[] { -0.0, 0.0, -1e-310, 1e-310, -3.5, 3.5, double.NegativeInfinity, double.PositiveInfinity, -double.NaN, double.NaN })
        {
            long want = BitConverter.DoubleToInt64Bits(v) < 0 ? -1 : 0;
            Assert.Equal(want, BitConverter.DoubleToInt64Bits(V512<double>.SignFill(V512<double>.Create(v)).Value[5]));
            Assert.Equal(want, BitConverter.DoubleToInt64Bits(V128<double>.SignFill(V128<double>.Create(v)).Value[1]));
            Assert.Equal(want, BitConverter.DoubleToInt64Bits(S<double>.SignFill(S<double>.Create(v)).Value));
        }
    }

    [Fact]
    public void MaxBits_and_AnyBitsGreater_order_lanes_as_unsigned_integers_at_every_width()
    {
        // Float bit patterns compared as unsigned integers: negative values above positive ones, NaN patterns ordinary.
        var a = Inputs();
        var b = a.Select((v, i) => a[(i * 7 + 3) % a.Length]).ToArray();
        var expected = a.Select((v, i) => BitConverter.SingleToUInt32Bits(v) >= BitConverter.SingleToUInt32Bits(b[i]) ? v : b[i]).ToArray();
        CheckMax<V512<float>>();
        CheckMax<V256<float>>();
        CheckMax<V128<float>>();
        CheckMax<S<float>>();

        void CheckMax<TV>() where TV : struct, IVec<TV>
        {
            for (int i = 0; i + TV.Count <= a.Length; i += TV.Count)
            {
                var va = Lanes.Load<TV, float>(ref a[i]);
                var vb = Lanes.Load<TV, float>(ref b[i]);
                var got = new float[TV.Count];
                Lanes.Store(TV.MaxBits(va, vb), ref got[0]);
                for (int k = 0; k < TV.Count; k++) AssertSameBits(expected[i + k], got[k], $"MaxBits {typeof(TV).Name} at {i + k}");
                bool any = Enumerable.Range(i, TV.Count).Any(k => BitConverter.SingleToUInt32Bits(a[k]) > BitConverter.SingleToUInt32Bits(b[k]));
                Assert.Equal(any, TV.AnyBitsGreater(va, vb));
            }
        }
    }

    private static void AssertCounts<TV>(float[] a, float[] b) where TV : struct, IVec<TV>
    {
        for (int i = 0; i + TV.Count <= a.Length; i += TV.Count)
        {
            int expected = Enumerable.Range(i, TV.Count).Count(k => a[k] == b[k]);
            Assert.Equal(expected, TV.CountWhereEqual(Lanes.Load<TV, float>(ref a[i]), Lanes.Load<TV, float>(ref b[i])));
            int first = Enumerable.Range(0, TV.Count).FirstOrDefault(k => a[i + k] == b[i + k], TV.Count);
            Assert.Equal(first, TV.FirstWhereEqual(Lanes.Load<TV, float>(ref a[i]), Lanes.Load<TV, float>(ref b[i])));
        }
    }

    private static void AssertCounts<TV>(double[] a, double[] b) where TV : struct, IVec<TV>
    {
        for (int i = 0; i + TV.Count <= a.Length; i += TV.Count)
        {
            int expected = Enumerable.Range(i, TV.Count).Count(k => a[k] == b[k]);
            Assert.Equal(expected, TV.CountWhereEqual(Lanes.Load<TV, double>(ref a[i]), Lanes.Load<TV, double>(ref b[i])));
            int first = Enumerable.Range(0, TV.Count).FirstOrDefault(k => a[i + k] == b[i + k], TV.Count);
            Assert.Equal(first, TV.FirstWhereEqual(Lanes.Load<TV, double>(ref a[i]), Lanes.Load<TV, double>(ref b[i])));
        }
    }

    // Through the interface, as kernels call it (the portable definition is the interface's default).
    private static TV MinusAbsAtLeast<TV>(TV x, double floor) where TV : struct, IVec<TV> => TV.MinusAbsAtLeast(x, TV.Create(floor));

    private static TV AbsAtMost<TV>(TV x, double limit) where TV : struct, IVec<TV> => TV.AbsAtMost(x, TV.Create(limit));

    [Fact]
    public void AddTowardZero_rounds_a_plus_b_toward_zero_at_every_width()
    {
        // Pairs with a ≥ |b| (the operation's condition): ties of every kind around 3 (hard sigmoid's x + 3 with x just
        // below 3), exact sums, exact zeros, b far below a's last bit, subnormal and huge magnitudes, and NaN.
        var rng = new Random(11);
        var pairs = new List<(double A, double B)>
        {
            (3, 3 - Math.ScaleB(1.0, -22)), (3, 3), (3, -3), (3, -0.0), (3, 0.0), (3, 1.5), (3, 1.5 - Math.ScaleB(1.0, -22)), (3, -3 + Math.ScaleB(1.0, -22)),
            (3, Math.ScaleB(1.0, -40)), (3, -Math.ScaleB(1.0, -40)), (1, -Math.ScaleB(1.0, -25)), (1, Math.ScaleB(1.0, -24)), (1, -1), (Math.ScaleB(1.0, -140), -Math.ScaleB(1.0, -141)), (Math.ScaleB(1.0, -149), Math.ScaleB(1.0, -149)),
            (1e38, 1e38), (1e38, -9.999999e37), (3, double.NaN), (double.NaN, 1),
        };
        for (int i = 0; i < 200; i++)
        {
            double a = Math.Pow(2, rng.Next(-60, 60)) * (1 + rng.NextDouble());
            double r = rng.Next(4) == 0 ? Math.Pow(2, -rng.Next(1, 60)) : rng.NextDouble();
            pairs.Add((a, (rng.Next(2) == 0 ? -1 : 1) * a * r));
        }

        var af = pairs.Select(p => (float)p.A).ToArray();
        var bf = pairs.Select((p, i) => float.IsNaN(af[i]) ? (float)p.B : Math.Clamp((float)p.B, -af[i], af[i])).ToArray();
        var ad = pairs.Select(p => p.A).ToArray();
        var bd = pairs.Select(p => p.B).ToArray();
        AssertAddRounded<V512<float>, float>(af, bf);
        AssertAddRounded<V256<float>, float>(af, bf);
        AssertAddRounded<V128<float>, float>(af, bf);
        AssertAddRounded<S<float>, float>(af, bf);
        AssertAddRounded<V512<double>, double>(ad, bd);
        AssertAddRounded<V256<double>, double>(ad, bd);
        AssertAddRounded<V128<double>, double>(ad, bd);
        AssertAddRounded<S<double>, double>(ad, bd);
    }

    /// <summary>
    /// Checks the sum rounded toward zero lane by lane against the sum rounded to nearest and its exact error (Knuth's
    /// two-sum, valid for any order of the operands), stepped with BitDecrement where the error is negative.
    /// </summary>
    private static void AssertAddRounded<TV, T>(T[] a, T[] b)
        where TV : struct, IVec<TV>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        int n = a.Length - a.Length % TV.Count;
        var towardZero = new T[TV.Count];
        for (int i = 0; i < n; i += TV.Count)
        {
            Lanes.Store(TV.AddTowardZero(Lanes.Load<TV, T>(ref a[i]), Lanes.Load<TV, T>(ref b[i])), ref towardZero[0]);
            for (int k = 0; k < TV.Count; k++)
            {
                T x = a[i + k], y = b[i + k], s = x + y;
                T bv = s - x, e = (x - (s - bv)) + (y - bv);
                T rz = e < T.Zero ? T.BitDecrement(s) : s;
                string what = $"{typeof(TV).Name}: {x} + {y}";
                AssertSameBitsOf(rz, towardZero[k], "AddTowardZero " + what);
            }
        }
    }

    private static void AssertSameBitsOf<T>(T expected, T actual, string what)
        where T : struct, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        if (T.IsNaN(expected) && T.IsNaN(actual)) return;
        Assert.True(expected.Equals(actual) && T.IsNegative(expected) == T.IsNegative(actual), $"{what}: expected {expected:R}, got {actual:R}");
    }

    private static void AssertEveryWidth(
        float[] x, float[] expected, Func<V512<float>, V512<float>> wide, Func<V256<float>, V256<float>> half,
        Func<V128<float>, V128<float>> quarter, Func<S<float>, S<float>> scalar)
    {
        for (int i = 0; i < x.Length; i += 16)
        {
            AssertBits(expected.AsSpan(i, 16), wide(V512<float>.Load(in x[i])).Value, "V512");
            AssertBits(expected.AsSpan(i, 8), half(V256<float>.Load(in x[i])).Value, "V256");
            AssertBits(expected.AsSpan(i + 8, 8), half(V256<float>.Load(in x[i + 8])).Value, "V256");
            for (int q = 0; q < 16; q += 4)
            {
                AssertBits(expected.AsSpan(i + q, 4), quarter(V128<float>.Load(in x[i + q])).Value, "V128");
            }

            for (int k = i; k < i + 16; k++)
            {
                AssertSameBits(expected[k], scalar(new(x[k])).Value, $"S at {x[k]:R}");
            }
        }
    }

    private static void AssertBits(ReadOnlySpan<float> expected, Vector512<float> actual, string what)
    {
        for (int k = 0; k < expected.Length; k++) AssertSameBits(expected[k], actual[k], $"{what} lane {k}");
    }

    private static void AssertBits(ReadOnlySpan<float> expected, Vector256<float> actual, string what)
    {
        for (int k = 0; k < expected.Length; k++) AssertSameBits(expected[k], actual[k], $"{what} lane {k}");
    }

    private static void AssertBits(ReadOnlySpan<float> expected, Vector128<float> actual, string what)
    {
        for (int k = 0; k < expected.Length; k++) AssertSameBits(expected[k], actual[k], $"{what} lane {k}");
    }

    private static void AssertSameBits(float expected, float actual, string what)
    {
        // Every NaN counts as the same value (payload and sign are not part of any result's contract).
        if (float.IsNaN(expected) && float.IsNaN(actual)) return;
        Assert.True(
            BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual),
            $"{what}: expected {expected:R} (0x{BitConverter.SingleToUInt32Bits(expected):x8}), got {actual:R} (0x{BitConverter.SingleToUInt32Bits(actual):x8})");
    }
}
