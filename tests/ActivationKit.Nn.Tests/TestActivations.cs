using ActivationKit.Catalog;

namespace ActivationKit.Nn.Tests;

/// <summary>Minimal row-wise and gated activations so the layer's handling of those kinds is tested before the catalog has them.</summary>
internal static class TestInfo
{
    public static ActivationInfo Make(string name, ActivationKind kind) => new()
    {
        Name = name,
        DisplayName = name,
        Summary = "test",
        Family = kind == ActivationKind.Gated ? Family.Gated : Family.Normalising,
        Kind = kind,
        Formula = "-",
        Derivative = "-",
        FormulaLatex = "-",
        DerivativeLatex = "-",
        Range = "-",
        Monotonicity = Monotonicity.NotApplicable,
        Smoothness = Smoothness.Smooth,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.Glorot,
        Gain = 1,
        Origin = new("test", 0),
    };
}

/// <summary>softmax over each row.</summary>
public sealed class TestSoftmax : Activation
{
    public TestSoftmax()
        : base(TestInfo.Make("test_softmax", ActivationKind.Rowwise))
    {
    }

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0)
    {
        var xd = x.ToArray().Select(v => (double)v).ToArray();
        var yd = new double[xd.Length];
        Forward(xd, yd, columns);
        for (int i = 0; i < y.Length; i++) y[i] = (float)yd[i];
    }

    public override void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0)
    {
        int c = RowLength(x.Length, columns);
        for (int r = 0; r < x.Length / c; r++)
        {
            var row = x.Slice(r * c, c);
            double max = double.NegativeInfinity;
            foreach (double v in row) max = Math.Max(max, v);
            double s = 0;
            foreach (double v in row) s += Math.Exp(v - max);
            for (int j = 0; j < c; j++) y[(r * c) + j] = Math.Exp(row[j] - max) / s;
        }
    }

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
    {
        var dxd = new double[dx.Length];
        Backward(x.ToArray().Select(v => (double)v).ToArray(), dy.ToArray().Select(v => (double)v).ToArray(), dxd, columns);
        for (int i = 0; i < dx.Length; i++) dx[i] = (float)dxd[i];
    }

    public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
    {
        int c = RowLength(x.Length, columns);
        var y = new double[x.Length];
        Forward(x, y, columns);
        for (int r = 0; r < x.Length / c; r++)
        {
            double dot = 0;
            for (int j = 0; j < c; j++) dot += y[(r * c) + j] * dy[(r * c) + j];
            for (int j = 0; j < c; j++) dx[(r * c) + j] = y[(r * c) + j] * (dy[(r * c) + j] - dot);
        }
    }
}

/// <summary>GLU: a·sigmoid(b) over row halves [a | b].</summary>
public sealed class TestGlu : Activation
{
    public TestGlu()
        : base(TestInfo.Make("test_glu", ActivationKind.Gated))
    {
    }

    public override int OutputColumns(int columns) => columns / 2;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0)
    {
        var yd = new double[y.Length];
        Forward(x.ToArray().Select(v => (double)v).ToArray(), yd, columns);
        for (int i = 0; i < y.Length; i++) y[i] = (float)yd[i];
    }

    public override void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0)
    {
        int c = RowLength(x.Length, columns), h = c / 2;
        for (int r = 0; r < x.Length / c; r++)
        {
            for (int j = 0; j < h; j++) y[(r * h) + j] = x[(r * c) + j] / (1 + Math.Exp(-x[(r * c) + h + j]));
        }
    }

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
    {
        var dxd = new double[dx.Length];
        Backward(x.ToArray().Select(v => (double)v).ToArray(), dy.ToArray().Select(v => (double)v).ToArray(), dxd, columns);
        for (int i = 0; i < dx.Length; i++) dx[i] = (float)dxd[i];
    }

    public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
    {
        int c = RowLength(x.Length, columns), h = c / 2;
        for (int r = 0; r < x.Length / c; r++)
        {
            for (int j = 0; j < h; j++)
            {
                double a = x[(r * c) + j], s = 1 / (1 + Math.Exp(-x[(r * c) + h + j])), g = dy[(r * h) + j];
                dx[(r * c) + j] = g * s;
                dx[(r * c) + h + j] = g * a * s * (1 - s);
            }
        }
    }
}
