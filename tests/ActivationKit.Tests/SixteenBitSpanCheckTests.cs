using System.Runtime.InteropServices;
using ActivationKit.Catalog;
using ActivationKit.Functions;
using ActivationKit.Numerics;

namespace ActivationKit.Tests;

/// <summary>
/// Half and BFloat16 calls of the functions that compute through the float overload (row-wise, gated, prelu, rrelu)
/// check their spans exactly as float calls do: same outcome, same exception message, same result. They used to check
/// the row length themselves and no overlap at all: softmax and glu accepted overlapping Half spans that float refuses,
/// and prelu refused on Half a columns value its float overload ignores.
/// </summary>
public class SixteenBitSpanCheckTests
{
    /// <summary>A span of one of four buffers: buffer 0 is shared, 1–3 are separate.</summary>
    public readonly record struct Part(int Buffer, int Offset, int Length);

    private const int BufferLength = 40;

    public static TheoryData<string> Functions()
    {
        var data = new TheoryData<string>();
        foreach (var i in ActivationCatalog.All.Where(i => i.Kind != ActivationKind.Elementwise)) data.Add(i.Name);
        data.Add("prelu");
        data.Add("prelu(num_parameters=4)");
        data.Add("rrelu");
        data.Add("rrelu-training");
        return data;
    }

    private static Activation Create(string name) => name == "rrelu-training" ? new Rrelu(0.1, 0.3, seed: 7) : ActivationCatalog.Create(name);

    /// <summary>Forward layouts (x, y, columns) for rows of 4 (8 values, or 4 out of a gated function).</summary>
    private static IEnumerable<(Part X, Part Y, int Columns)> ForwardLayouts(Activation f)
    {
        int outLength = f.Info.Kind == ActivationKind.Gated ? 4 : 8;
        yield return (new(0, 0, 8), new(1, 0, outLength), 4);           // separate
        yield return (new(0, 0, 8), new(0, 0, outLength), 4);           // in place (a gated output is shorter: a partial overlap)
        yield return (new(0, 0, 8), new(0, 1, outLength), 4);           // partial overlap
        yield return (new(0, 4, 8), new(0, 0, outLength), 4);           // partial overlap, output first
        yield return (new(0, 0, 8), new(0, 8, outLength), 4);           // adjacent in one buffer
        yield return (new(0, 0, 8), new(1, 0, outLength - 1), 4);       // output too short
        yield return (new(0, 0, 8), new(1, 0, outLength), 3);           // not a whole number of rows
        yield return (new(0, 0, 8), new(1, 0, outLength), -1);          // negative columns
        yield return (new(0, 0, 8), new(1, 0, outLength), 0);           // one row
        yield return (new(0, 0, 0), new(1, 0, 0), 4);                   // empty
    }

    /// <summary>Backward layouts (x, dy, dx, columns).</summary>
    private static IEnumerable<(Part X, Part Dy, Part Dx, int Columns)> BackwardLayouts(Activation f)
    {
        int dyLength = f.Info.Kind == ActivationKind.Gated ? 4 : 8;
        yield return (new(0, 0, 8), new(1, 0, dyLength), new(2, 0, 8), 4);        // separate
        yield return (new(0, 0, 8), new(1, 0, dyLength), new(0, 0, 8), 4);        // dx = x
        yield return (new(0, 0, 8), new(1, 0, dyLength), new(1, 0, 8), 4);        // dx starts at dy
        yield return (new(0, 0, 8), new(1, 0, dyLength), new(0, 2, 8), 4);        // dx partially over x
        yield return (new(0, 0, 8), new(0, 8, dyLength), new(0, 4, 8), 4);        // dx over both
        yield return (new(0, 0, 8), new(1, 0, dyLength), new(2, 0, 7), 4);        // dx too short
        yield return (new(0, 0, 8), new(1, 0, dyLength - 1), new(2, 0, 8), 4);    // dy too short
        yield return (new(0, 0, 8), new(1, 0, dyLength), new(2, 0, 8), 3);        // not a whole number of rows
        yield return (new(0, 0, 8), new(0, 0, dyLength), new(2, 0, 8), 4);        // x and dy share memory (both read)
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Sixteen_bit_forward_checks_spans_as_float_does(string name)
    {
        var f = Create(name);
        foreach (var (x, y, columns) in ForwardLayouts(f))
        {
            string what = $"{name} forward x {x}, y {y}, columns {columns}";
            var expected = Run<float>(v => v, v => v, b => f.Forward(Span(b, x), Span(b, y), columns));
            Compare(expected, Run<Half>(v => (Half)v, v => (float)v, b => f.Forward(Span(b, x), Span(b, y), columns)), v => (float)(Half)v, what + " (Half)");
            Compare(expected, Run<BFloat16>(v => (BFloat16)v, v => v, b => f.Forward(Span(b, x), Span(b, y), columns)), v => (BFloat16)v, what + " (BFloat16)");
        }
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Sixteen_bit_backward_checks_spans_as_float_does(string name)
    {
        var f = Create(name);
        foreach (var (x, dy, dx, columns) in BackwardLayouts(f))
        {
            string what = $"{name} backward x {x}, dy {dy}, dx {dx}, columns {columns}";
            var expected = Run<float>(v => v, v => v, b => f.Backward(Span(b, x), Span(b, dy), Span(b, dx), columns));
            Compare(expected, Run<Half>(v => (Half)v, v => (float)v, b => f.Backward(Span(b, x), Span(b, dy), Span(b, dx), columns)), v => (float)(Half)v, what + " (Half)");
            Compare(expected, Run<BFloat16>(v => (BFloat16)v, v => v, b => f.Backward(Span(b, x), Span(b, dy), Span(b, dx), columns)), v => (BFloat16)v, what + " (BFloat16)");
        }
    }

    [Fact]
    public void The_reported_cases()
    {
        var softmax = ActivationCatalog.Create("softmax");
        var hb = new Half[8];
        var e = Assert.Throws<ArgumentException>(() => softmax.Forward(hb.AsSpan(0, 4), hb.AsSpan(1, 4)));
        Assert.Equal("'y' partially overlaps 'x'; pass the same span for an in-place call or non-overlapping memory. (Parameter 'y')", e.Message);
        e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create("glu").Forward(hb.AsSpan(0, 4), hb.AsSpan(0, 2)));
        Assert.Equal("'y' overlaps 'x'; a gated output has half the input's columns, so it must be separate memory. (Parameter 'y')", e.Message);

        // One shared slope: columns do not matter, as for float (and for relu on Half).
        var prelu = ActivationCatalog.Create("prelu");
        prelu.Forward(new float[10], new float[10], columns: 3);
        prelu.Forward(new Half[10], new Half[10], columns: 3);
        prelu.Backward(new Half[10], new Half[10], new Half[10], columns: 3);
        ActivationCatalog.Create("relu").Forward(new Half[10], new Half[10], columns: 3);

        // In place on Half works as on float.
        var x = new Half[] { (Half)1, (Half)2, (Half)3, (Half)4 };
        var y = new Half[4];
        softmax.Forward(x, y);
        softmax.Forward(x, x);
        Assert.Equal(y, x);

        // Overlapping by part of an element (a byte offset that is not a whole number of Halfs): float's message.
        var bytes = new byte[64];
        var e1 = Assert.Throws<ArgumentException>(() => softmax.Forward(MemoryMarshal.Cast<byte, Half>(bytes.AsSpan(0, 16)), MemoryMarshal.Cast<byte, Half>(bytes.AsSpan(1, 16))));
        Assert.Contains("partially overlaps", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => softmax.Forward(MemoryMarshal.Cast<byte, Half>(bytes.AsSpan(0, 2)), MemoryMarshal.Cast<byte, Half>(bytes.AsSpan(1, 2))));
        Assert.Contains("partially overlaps", e2.Message, StringComparison.Ordinal);
    }

    private delegate void Call<T>(T[][] buffers);

    private sealed record Outcome(string? Error, float[][] Buffers);

    private static Span<T> Span<T>(T[][] buffers, Part p) => buffers[p.Buffer].AsSpan(p.Offset, p.Length);

    /// <summary>Runs a call on four buffers of deterministic values; the outcome is the exception (type, message) or the buffers after.</summary>
    private static Outcome Run<T>(Func<float, T> from, Func<T, float> to, Call<T> call)
    {
        var buffers = Enumerable.Range(0, 4).Select(k => Enumerable.Range(0, BufferLength).Select(i => from((((i * 7) + k) % 13 - 6) / 4f)).ToArray()).ToArray();
        try
        {
            call(buffers);
        }
        catch (Exception e)
        {
            return new($"{e.GetType().Name}: {e.Message}", []);
        }

        return new(null, buffers.Select(b => b.Select(to).ToArray()).ToArray());
    }

    /// <summary>The 16-bit outcome must be float's: the same error, or float's results rounded once to the 16-bit type.</summary>
    private static void Compare(Outcome expected, Outcome actual, Func<float, float> round, string what)
    {
        Assert.True(expected.Error == actual.Error, $"{what}: float gave {expected.Error ?? "a result"}, 16-bit {actual.Error ?? "a result"}");
        if (expected.Error is not null) return;
        for (int k = 0; k < expected.Buffers.Length; k++)
        {
            for (int i = 0; i < BufferLength; i++)
            {
                float e = round(expected.Buffers[k][i]);
                Assert.True(e.Equals(actual.Buffers[k][i]), $"{what}: buffer {k}[{i}] is {actual.Buffers[k][i]:R}, float rounded gives {e:R}");
            }
        }
    }
}
