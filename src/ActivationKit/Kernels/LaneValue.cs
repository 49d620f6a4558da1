using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// A kernel's parameter (a slope, a bound, α), kept as a double and as the bits of the double rounded to float, so that
/// a register of either lane type is filled without converting in the loop. <c>TV.Create(field)</c> on float lanes
/// compiles to a scalar double-to-float conversion, which writes only the low lane of its register and so waits for
/// that register's previous value: in the element-wise loops the JIT reuses one register for it on every iteration,
/// and the conversions chained the iterations together (leaky_relu on 4,096 floats ran at one iteration per
/// conversion latency; celu's forward 0.58 ns/element where ELU's is 0.14). A broadcast of the float's bits has no
/// such dependency. Constants (<c>TV.Create(2.0)</c>) are folded by the JIT and need none of this.
/// </summary>
internal readonly struct LaneValue
{
    private readonly double _value;
    private readonly uint _singleBits;

    /// <summary>Holds <paramref name="value"/> for double lanes and its nearest float for float lanes.</summary>
    public LaneValue(double value)
        : this(value, (float)value)
    {
    }

    private LaneValue(double value, float single)
    {
        _value = value;
        _singleBits = BitConverter.SingleToUInt32Bits(single);
    }

    /// <summary>
    /// A bound that x is compared with (x &gt; t, |x| &gt; t), rounded to the nearest float as the functions that round
    /// their parameters define it, except that a finite value above the floats becomes float.MaxValue rather than +∞:
    /// then x &gt; t holds for x = +∞ alone, as it does for the value itself (with +∞ it held for no x, and
    /// threshold(+∞) was the replacement value). A value below −3.4e38 may round to −∞: x &gt; −∞ holds for every x
    /// but −∞, as x &gt; value does.
    /// </summary>
    public static LaneValue Bound(double value)
        => new(value, double.IsFinite(value) && value > float.MaxValue ? float.MaxValue : (float)value);

    /// <summary>
    /// A bound that x is compared with (x &gt; t), as the largest float not above the value: x &gt; t then holds for
    /// exactly the floats x with x &gt; value, so float lanes compare as double lanes do (softplus's threshold: with the
    /// nearest float, 1e−45 became 1.4e−45 and softplus(1.4e−45) took the curved branch).
    /// </summary>
    public static LaneValue FloorBound(double value)
    {
        float single = (float)value;
        if (double.IsFinite(value) && single > value) single = MathF.BitDecrement(single);
        return new(value, single);
    }

    /// <summary>
    /// Whether the value's nearest float is a normal number (or the value is exactly 0), so that float lanes can use it
    /// with a float's full 24 bits: beyond ±3.4e38 it rounds to ±∞ (and 0·∞ is NaN), below 1.2e−38 to a subnormal
    /// with fewer bits or to 0. Kernels whose float lanes multiply by the value keep the others for double lanes.
    /// </summary>
    public bool FitsFloat => _value == 0 || float.IsNormal(BitConverter.UInt32BitsToSingle(_singleBits));

    /// <summary>The value as given (a double).</summary>
    public double Value => _value;

    /// <summary>The value in every lane: the double for double lanes, the nearest float for float lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV In<TV>() where TV : struct, IVec<TV> => TV.IsDouble ? TV.Create(_value) : TV.FromBits(_singleBits);
}

/// <summary>
/// A kernel's parameter kept as a full register of its float in memory (and as a double for double lanes): float lanes
/// of any width read it with one load, which a multiply-add takes as its memory operand. <see cref="LaneValue"/> fills
/// the register from the float's bits in a general register instead, and where the JIT leaves that broadcast inside the
/// loop (swish's float lanes, five parameters, two registers per iteration) the ten transfers per iteration cost about
/// a tenth of the loop's time. At 72 bytes each, kernels keep them in an object made once per activation
/// (<see cref="SwishFloatKernel.Parameters"/>): held in the kernel struct, which every call copies through the driver's
/// layers, six of them cost about 70 ns per call (swish on 16 floats 90 ns against gelu_sigmoid's 22).
/// </summary>
internal readonly struct LaneBroadcast
{
    private readonly Vector512<float> _singles;
    private readonly double _value;

    /// <summary>Holds <paramref name="value"/> for double lanes and its nearest float, in every lane, for float lanes.</summary>
    public LaneBroadcast(double value)
    {
        _value = value;
        _singles = Vector512.Create((float)value);
    }

    /// <summary>The value in every lane: the double for double lanes, the nearest float for float lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV In<TV>() where TV : struct, IVec<TV>
        => TV.IsDouble ? TV.Create(_value) : Lanes.Load<TV, float>(ref Unsafe.As<Vector512<float>, float>(ref Unsafe.AsRef(in _singles)));
}

/// <summary>
/// A parameter β for float lanes as the pair β_f (β rounded to float) and β_lo (β − β_f rounded to float), which
/// <see cref="VMath.ScaledPairF{TV}"/> turns into βx as the float pair z + zLo: the β of swish's and softplus's float
/// lanes (<see cref="SwishFloatKernel"/>, <see cref="SoftplusFloatKernel"/>).
/// </summary>
internal readonly struct BetaPair
{
    /// <summary>The smallest β the float lanes serve: their bounds (−200/β and the like) stay within the floats.</summary>
    private const double MinBeta = 1.0 / 65536;

    /// <summary>The largest β the float lanes serve: their bounds (−86/β and the like) stay normal floats.</summary>
    private const double MaxBeta = 65536;

    private readonly LaneBroadcast _hi;
    private readonly LaneBroadcast _lo;

    /// <summary>Splits <paramref name="beta"/> into its float and the float of the remainder.</summary>
    public BetaPair(double beta)
    {
        float hi = (float)beta;
        _hi = new(hi);
        _lo = new(beta - hi);
    }

    /// <summary>Whether float lanes serve this β (other than 1, which the functions' own float lanes take).</summary>
    public static bool Covers(double beta) => beta >= MinBeta && beta <= MaxBeta && beta != 1.0;

    /// <summary>βx as the float pair z (returned) + <paramref name="zLo"/> (<see cref="VMath.ScaledPairF{TV}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Times<TV>(TV x, out TV zLo) where TV : struct, IVec<TV> => VMath.ScaledPairF(x, _hi.In<TV>(), _lo.In<TV>(), out zLo);
}

/// <summary>
/// What swish's and softplus's float lanes with a β share (<see cref="SwishFloatKernel.Parameters"/>,
/// <see cref="SoftplusFloatKernel.Parameters"/>): β as a float pair, x held at βx ≈ 85 for an exponent (1 + e^−85 is
/// 1 in float, and z stays below the table exponential's 88) and at βx ≈ −200 in the tails (beyond, their results are
/// below the floats for any float x and dy), and the bounds of the marks with their limits as registers. An object made
/// once per activation, whose fields the loops read in place (fields, not properties: a property would return each
/// 72-byte register by value).
/// </summary>
internal abstract class BetaLaneParameters
{
    /// <summary>Binds β and the bounds of the forward's and the backward's marks.</summary>
    protected BetaLaneParameters(double beta, MarkBound forwardBound, MarkBound backwardBound)
    {
        Beta = new(beta);
        Held = new(85.0 / beta);
        TailLow = new(-200.0 / beta);
        ForwardBound = forwardBound;
        BackwardBound = backwardBound;
        ForwardLimit = new(forwardBound.Limit);
        BackwardLimit = new(backwardBound.Limit);
    }

    /// <summary>β as a float pair.</summary>
    public readonly BetaPair Beta;

    /// <summary>x at βx ≈ 85.</summary>
    public readonly LaneBroadcast Held;

    /// <summary>x at βx ≈ −200.</summary>
    public readonly LaneBroadcast TailLow;

    /// <summary>The lanes the forward's float formula leaves to its tail.</summary>
    public readonly MarkBound ForwardBound;

    /// <summary>The lanes the backward's float formula leaves to its tail.</summary>
    public readonly MarkBound BackwardBound;

    /// <summary><see cref="ForwardBound"/>'s limit as a register.</summary>
    public readonly LaneBroadcast ForwardLimit;

    /// <summary><see cref="BackwardBound"/>'s limit as a register.</summary>
    public readonly LaneBroadcast BackwardLimit;
}
