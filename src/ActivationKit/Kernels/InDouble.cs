using System.Runtime.CompilerServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Runs a kernel's double-lane definition for a whole register (float lanes widened, rounded once back). Float-native
/// kernels call it only when a lane needs it (<c>if (TV.AnyTrue(mask)) y = TV.Select(mask, InDouble.Forward(this, x), y)</c>),
/// so common inputs run at full float width and rare ones (deep tails, subnormal products) keep double accuracy.
/// Out of line on purpose: the double definition is not inlined into the float loop, whose inlining budget it would spend.
/// </summary>
public static class InDouble
{
    /// <summary>f(x) evaluated in double lanes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TV Forward<TK, TV>(TK kernel, TV x)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
        => TV.InDouble(new ForwardLanes<TK>(kernel), x, x);

    /// <summary>dy·f′(x) evaluated in double lanes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TV Backward<TK, TV>(TK kernel, TV x, TV dy)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
        => TV.InDouble(new BackwardLanes<TK>(kernel), x, dy);

    private readonly struct ForwardLanes<TK>(TK kernel) : ILaneMap where TK : struct, IUnaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => kernel.Forward(a);
    }

    private readonly struct BackwardLanes<TK>(TK kernel) : ILaneMap where TK : struct, IUnaryKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => kernel.Backward(a, b);
    }
}
