namespace ActivationKit.Numerics;

/// <summary>The softmax family's Jacobian-vector products in double with double-double sums, for accuracy tests.</summary>
public static partial class ReferenceMath
{
    /// <summary>
    /// sign·softmax′(x)ᵀ·dy of one row: dx_i = sign·p_i·(dy_i − ⟨dy, p⟩), p = softmax(x) (sign −1 and −x give softmin).
    /// Written with c = dy at the first maximum, d = dy − c, e_i = e^(x_i − max), s = Σe and V = Σ e_j·d_j as
    /// dx_i = sign·e_i·(s·d_i − V)/s², every product and sum a double-double and the quotient rounded once: the
    /// dominant entry (d = 0) gets −e·V/s² with no cancellation against ⟨dy, p⟩, equal dy give exactly 0, and each
    /// output is within a few 2^−53 of the exact value relative to p_i·(|d_i| + Σ_j p_j·|d_j|) (the e_i are
    /// <see cref="Math.Exp"/>, the only rounding not carried). dy is scaled by a power of two near 1/max|dy| first, so
    /// neither overflow nor underflow in the sums; a row with a NaN x is NaN, and a non-finite dy takes the plain formula.
    /// </summary>
    public static void SoftmaxBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, double sign = 1.0)
    {
        var e = new double[x.Length];
        if (!RowExps(x, e, out var s, out int top))
        {
            dx.Fill(double.NaN);
            return;
        }

        if (!AllFinite(dy))
        {
            double dot = 0;
            for (int i = 0; i < e.Length; i++) dot += e[i] / s.Hi * dy[i];
            for (int i = 0; i < e.Length; i++) dx[i] = sign * (e[i] / s.Hi) * (dy[i] - dot);
            return;
        }

        int k = ScaleExponent(dy);
        double c = Math.ScaleB(dy[top], -k);
        var d = new Dd[x.Length];
        for (int j = 0; j < d.Length; j++) d[j] = Dd.Sum(Math.ScaleB(dy[j], -k), -c);
        var v = Dd.Zero;
        for (int j = 0; j < d.Length; j++) v += d[j] * e[j];
        var s2 = s * s;
        for (int i = 0; i < dx.Length; i++)
        {
            var m = (s * d[i]) - v;
            dx[i] = sign * Math.ScaleB(Dd.Divide(m * e[i], s2), k);
        }
    }

    /// <summary>
    /// log-softmax′(x)ᵀ·dy of one row: dx_i = dy_i − p_i·Σ_j dy_j, written as (s·dy_i − e_i·T)/s with T = Σdy and s = Σe
    /// as double-doubles and the quotient rounded once, so the first maximum's dx = (s·c − T)/s = (B·c − Σ_{j≠top} dy_j)/s
    /// (B = s − 1) keeps its relative accuracy; equal dy of a row of one give 0. The same scaling and special rows as
    /// <see cref="SoftmaxBackwardRow"/>.
    /// </summary>
    public static void LogSoftmaxBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx)
    {
        var e = new double[x.Length];
        if (!RowExps(x, e, out var s, out _))
        {
            dx.Fill(double.NaN);
            return;
        }

        if (!AllFinite(dy))
        {
            double total = 0;
            foreach (double g in dy) total += g;
            for (int i = 0; i < e.Length; i++) dx[i] = dy[i] - (e[i] / s.Hi * total);
            return;
        }

        int k = ScaleExponent(dy);
        var t = Dd.Zero;
        foreach (double g in dy) t += Math.ScaleB(g, -k);
        for (int i = 0; i < dx.Length; i++)
        {
            var n = (s * Math.ScaleB(dy[i], -k)) - (t * e[i]);
            dx[i] = Math.ScaleB(Dd.Divide(n, s), k);
        }
    }

    /// <summary>
    /// e_i = e^(x_i − max) (1 at every maximum; for a row with +∞ entries, or of −∞ only, 1 at those and 0 elsewhere),
    /// their sum s as a double-double and the index of the first maximum; false for a row with a NaN.
    /// </summary>
    private static bool RowExps(ReadOnlySpan<double> x, Span<double> e, out Dd s, out int top)
    {
        s = Dd.Zero;
        top = 0;
        foreach (double v in x)
        {
            if (double.IsNaN(v)) return false;
        }

        double m = RowMax(x);
        top = x.IndexOf(m);
        for (int i = 0; i < x.Length; i++)
        {
            e[i] = x[i] == m ? 1.0 : double.IsInfinity(m) ? 0.0 : Math.Exp(x[i] - m);
            s += e[i];
        }

        return true;
    }

    private static bool AllFinite(ReadOnlySpan<double> v)
    {
        foreach (double a in v)
        {
            if (!double.IsFinite(a)) return false;
        }

        return true;
    }

    /// <summary>The binary exponent of max|v| (0 when every entry is 0): v·2^−k lies below 2 in magnitude.</summary>
    private static int ScaleExponent(ReadOnlySpan<double> v)
    {
        double a = 0;
        foreach (double g in v) a = Math.Max(a, Math.Abs(g));
        return a == 0 ? 0 : Math.ILogB(a);
    }

    /// <summary>A double-double hi + lo (|lo| ≤ half an ULP of hi): the plain error-free algorithms, nothing vectorised.</summary>
    private readonly record struct Dd(double Hi, double Lo)
    {
        public static Dd Zero => new(0, 0);

        /// <summary>a + b exactly (Knuth's TwoSum).</summary>
        public static Dd Sum(double a, double b)
        {
            double hi = a + b;
            double bb = hi - a;
            double lo = (a - (hi - bb)) + (b - bb);
            return new(hi, lo);
        }

        /// <summary>a·b exactly (barring underflow), with a fused multiply-add.</summary>
        public static Dd Product(double a, double b)
        {
            double hi = a * b;
            return new(hi, Math.FusedMultiplyAdd(a, b, -hi));
        }

        public static Dd operator +(Dd a, Dd b)
        {
            var hi = Sum(a.Hi, b.Hi);
            var lo = Sum(a.Lo, b.Lo);
            var r = Normalise(hi.Hi, hi.Lo + lo.Hi);
            return Normalise(r.Hi, r.Lo + lo.Lo);
        }

        public static Dd operator +(Dd a, double b) => a + new Dd(b, 0);

        public static Dd operator -(Dd a, Dd b) => a + new Dd(-b.Hi, -b.Lo);

        public static Dd operator *(Dd a, double b)
        {
            var p = Product(a.Hi, b);
            return Normalise(p.Hi, p.Lo + (a.Lo * b));
        }

        public static Dd operator *(Dd a, Dd b)
        {
            var p = Product(a.Hi, b.Hi);
            return Normalise(p.Hi, p.Lo + ((a.Hi * b.Lo) + (a.Lo * b.Hi)));
        }

        /// <summary>a/b rounded to double: the quotient of the high parts corrected by the remainder a − q·b.</summary>
        public static double Divide(Dd a, Dd b)
        {
            double q = a.Hi / b.Hi;
            if (!double.IsFinite(q) || q == 0) return (a.Hi + a.Lo) / (b.Hi + b.Lo);
            var r = a - (b * q);
            return q + ((r.Hi + r.Lo) / b.Hi);
        }

        private static Dd Normalise(double hi, double lo)
        {
            double s = hi + lo;
            return new(s, lo - (s - hi));
        }
    }
}
