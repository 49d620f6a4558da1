using System.Numerics;
using System.Numerics.Tensors;

namespace ActivationKit.Cli.Bench;

/// <summary>
/// The same functions through <see cref="TensorPrimitives"/> (System.Numerics.Tensors): its own routine where it has
/// one (Sigmoid, Tanh, SoftMax), otherwise the composition of its span operations a user would write, with scratch
/// buffers allocated once by the caller. Functions it cannot express (erf-based GELU) have none.
/// </summary>
public static class Baselines
{
    /// <summary>Forward of <paramref name="name"/> (row-wise functions over rows of <paramref name="columns"/>), or null.</summary>
    public static Action? Forward<T>(string name, T[] x, T[] y, T[] t1, T[] t2, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>, IHyperbolicFunctions<T>
    {
        T c(double v) => T.CreateTruncating(v);
        return name switch
        {
            "sigmoid" => () => TensorPrimitives.Sigmoid(x, y),
            "tanh" => () => TensorPrimitives.Tanh(x, y),
            "relu" => () => TensorPrimitives.Max<T>(x, T.Zero, y),
            "relu_squared" => () =>
            {
                TensorPrimitives.Max<T>(x, T.Zero, t1);
                TensorPrimitives.Multiply(t1, t1, y);
            }
            ,
            "leaky_relu" => () =>
            {
                TensorPrimitives.Multiply(x, c(0.01), t1);
                TensorPrimitives.Max<T>(x, t1, y);
            }
            ,
            "relu6" => () => TensorPrimitives.Clamp<T>(x, T.Zero, c(6), y),
            "hardtanh" => () => TensorPrimitives.Clamp<T>(x, -T.One, T.One, y),
            "hardsigmoid" => () =>
            {
                TensorPrimitives.Multiply(x, c(1.0 / 6.0), t1);
                TensorPrimitives.Add(t1, c(0.5), t1);
                TensorPrimitives.Clamp<T>(t1, T.Zero, T.One, y);
            }
            ,
            "sparse_sigmoid" => () =>
            {
                TensorPrimitives.Add(x, T.One, t1);
                TensorPrimitives.Multiply(t1, c(0.5), t1);
                TensorPrimitives.Clamp<T>(t1, T.Zero, T.One, y);
            }
            ,
            "sparse_plus" => () =>
            {
                // (clamp(x, −1, 1) + 1)²/4 + max(x − 1, 0)
                TensorPrimitives.Clamp<T>(x, -T.One, T.One, t1);
                TensorPrimitives.Add(t1, T.One, t1);
                TensorPrimitives.Multiply(t1, t1, t1);
                TensorPrimitives.Subtract(x, T.One, t2);
                TensorPrimitives.Max<T>(t2, T.Zero, t2);
                TensorPrimitives.MultiplyAdd(t1, c(0.25), t2, y);
            }
            ,
            "hardswish" => () =>
            {
                TensorPrimitives.Multiply(x, c(1.0 / 6.0), t1);
                TensorPrimitives.Add(t1, c(0.5), t1);
                TensorPrimitives.Clamp<T>(t1, T.Zero, T.One, t1);
                TensorPrimitives.Multiply(x, t1, y);
            }
            ,
            "silu" => () =>
            {
                TensorPrimitives.Sigmoid(x, t1);
                TensorPrimitives.Multiply(x, t1, y);
            }
            ,
            "softplus" => () =>
            {
                TensorPrimitives.Exp(x, t1);
                TensorPrimitives.LogP1(t1, y);
            }
            ,
            "logsigmoid" => () =>
            {
                TensorPrimitives.Negate(x, t1);
                TensorPrimitives.Exp(t1, t1);
                TensorPrimitives.LogP1(t1, t1);
                TensorPrimitives.Negate(t1, y);
            }
            ,
            "mish" => () =>
            {
                TensorPrimitives.Exp(x, t1);
                TensorPrimitives.LogP1(t1, t1);
                TensorPrimitives.Tanh(t1, t1);
                TensorPrimitives.Multiply(x, t1, y);
            }
            ,
            "elu" => () =>
            {
                TensorPrimitives.Min<T>(x, T.Zero, t1);
                TensorPrimitives.ExpM1(t1, t1);
                TensorPrimitives.Max<T>(x, T.Zero, t2);
                TensorPrimitives.Add(t1, t2, y);
            }
            ,
            "selu" => () =>
            {
                TensorPrimitives.Min<T>(x, T.Zero, t1);
                TensorPrimitives.ExpM1(t1, t1);
                TensorPrimitives.Max<T>(x, T.Zero, t2);
                TensorPrimitives.MultiplyAdd(t1, c(1.6732632423543772), t2, t1);
                TensorPrimitives.Multiply(t1, c(1.0507009873554805), y);
            }
            ,
            "gelu_tanh" => () =>
            {
                // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
                TensorPrimitives.Multiply(x, x, t1);
                TensorPrimitives.Multiply(t1, c(0.044715), t1);
                TensorPrimitives.Add(t1, T.One, t1);
                TensorPrimitives.Multiply(t1, x, t1);
                TensorPrimitives.Multiply(t1, c(0.7978845608028654), t1);
                TensorPrimitives.Tanh(t1, t1);
                TensorPrimitives.Add(t1, T.One, t1);
                TensorPrimitives.Multiply(t1, x, t1);
                TensorPrimitives.Multiply(t1, c(0.5), y);
            }
            ,
            "exponential" => () => TensorPrimitives.Exp(x, y),
            "sin" => () => TensorPrimitives.Sin(x, y),
            "softsign" => () =>
            {
                TensorPrimitives.Abs(x, t1);
                TensorPrimitives.Add(t1, T.One, t1);
                TensorPrimitives.Divide(x, t1, y);
            }
            ,
            "squareplus" => () =>
            {
                // (x + √(x² + 4))/2 at the default b = 4
                TensorPrimitives.MultiplyAdd(x, x, c(4), t1);
                TensorPrimitives.Sqrt(t1, t1);
                TensorPrimitives.Add(x, t1, t1);
                TensorPrimitives.Multiply(t1, c(0.5), y);
            }
            ,
            "gelu_sigmoid" => () =>
            {
                TensorPrimitives.Multiply(x, c(1.702), t1);
                TensorPrimitives.Sigmoid(t1, t1);
                TensorPrimitives.Multiply(x, t1, y);
            }
            ,
            "softmax" => Rows(x, y, columns, static (_, r, o) => TensorPrimitives.SoftMax(r, o)),
            "hardmax" => Rows(x, y, columns, static (_, r, o) =>
            {
                // IndexOfMax returns the first maximum (and the first NaN), as ONNX Hardmax's first maximum.
                int at = TensorPrimitives.IndexOfMax<T>(r);
                o.Clear();
                o[at] = T.One;
            }),
            "log_softmax" => Rows(x, y, columns, (_, r, o) =>
            {
                T max = TensorPrimitives.Max(r);
                TensorPrimitives.Subtract(r, max, o);
                TensorPrimitives.Exp(o, t1.AsSpan(0, o.Length));
                T lse = T.Log(TensorPrimitives.Sum<T>(t1.AsSpan(0, o.Length)));
                TensorPrimitives.Subtract(o, lse, o);
            }),
            _ => null,
        };
    }

    /// <summary>Backward dx = dy·f′(x) where the composition is short (sigmoid, tanh, relu, silu, sin, softmax), or null.</summary>
    public static Action? Backward<T>(string name, T[] x, T[] dy, T[] dx, T[] t1, T[] t2, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>, IHyperbolicFunctions<T>
    {
        return name switch
        {
            // σ′ = σ·(1 − σ)
            "sigmoid" => () =>
            {
                TensorPrimitives.Sigmoid(x, t1);
                TensorPrimitives.Subtract(T.One, t1, t2);
                TensorPrimitives.Multiply(t1, t2, t1);
                TensorPrimitives.Multiply(t1, dy, dx);
            }
            ,
            // tanh′ = 1 − tanh²
            "tanh" => () =>
            {
                TensorPrimitives.Tanh(x, t1);
                TensorPrimitives.Multiply(t1, t1, t1);
                TensorPrimitives.Subtract(T.One, t1, t1);
                TensorPrimitives.Multiply(t1, dy, dx);
            }
            ,
            // silu′ = σ·(1 + x·(1 − σ))
            "silu" => () =>
            {
                TensorPrimitives.Sigmoid(x, t1);
                TensorPrimitives.Subtract(T.One, t1, t2);
                TensorPrimitives.MultiplyAdd(x, t2, T.One, t2);
                TensorPrimitives.Multiply(t1, t2, t1);
                TensorPrimitives.Multiply(t1, dy, dx);
            }
            ,
            // sin′ = cos
            "sin" => () =>
            {
                TensorPrimitives.Cos(x, t1);
                TensorPrimitives.Multiply(t1, dy, dx);
            }
            ,
            // softmax′: y·(dy − Σ dy·y) per row
            "softmax" => Rows(x, dx, columns, (start, r, o) =>
            {
                var yr = t1.AsSpan(0, r.Length);
                TensorPrimitives.SoftMax(r, yr);
                var dyr = dy.AsSpan(start, r.Length);
                T dot = TensorPrimitives.Dot<T>(dyr, yr);
                TensorPrimitives.Subtract(dyr, dot, o);
                TensorPrimitives.Multiply(o, yr, o);
            }),
            _ => null,
        };
    }

    /// <summary>
    /// Forward of a gated function over rows of <paramref name="columns"/> inputs [a | b] into rows of columns/2
    /// outputs a ⊙ g(b), composed per row (glu: σ, swiglu: silu, reglu: relu), or null (geglu: no erf).
    /// </summary>
    public static Action? GatedForward<T>(string name, T[] x, T[] y, T[] t1, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>, IHyperbolicFunctions<T>
    {
        int h = columns / 2;
        GateAction<T>? gate = name switch
        {
            "glu" => (b, g) => TensorPrimitives.Sigmoid(b, g),
            "swiglu" => SiluGate,
            "reglu" => (b, g) => TensorPrimitives.Max<T>(b, T.Zero, g),
            _ => null,
        };
        if (gate is null) return null;
        return () =>
        {
            var g = t1.AsSpan(0, h);
            for (int r = 0; (r + 1) * columns <= x.Length; r++)
            {
                var row = x.AsSpan(r * columns, columns);
                gate(row[h..], g);
                TensorPrimitives.Multiply<T>(row[..h], g, y.AsSpan(r * h, h));
            }
        };
    }

    /// <summary>swiglu's gate g = silu(b) = b·σ(b).</summary>
    private static void SiluGate<T>(ReadOnlySpan<T> b, Span<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>
    {
        TensorPrimitives.Sigmoid(b, g);
        TensorPrimitives.Multiply<T>(b, g, g);
    }

    private delegate void GateAction<T>(ReadOnlySpan<T> b, Span<T> g);

    private delegate void RowAction<T>(int start, ReadOnlySpan<T> row, Span<T> output);

    /// <summary>A call applying <paramref name="body"/> to every row (the row delegate is created once, here).</summary>
    private static Action Rows<T>(T[] x, T[] y, int columns, RowAction<T> body) => () =>
    {
        for (int i = 0; i + columns <= x.Length; i += columns) body(i, x.AsSpan(i, columns), y.AsSpan(i, columns));
    };
}
