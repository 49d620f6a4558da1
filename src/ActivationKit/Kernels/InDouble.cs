using System.Runtime.CompilerServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Runs a kernel's double-lane definition for a whole register (float lanes widened, rounded once back). Float-native
/// kernels call it only when a lane needs it (<c>if (TV.AnyTrue(mask)) y = TV.Select(mask, InDouble.Forward(this, x), y)</c>),
/// (or <see cref="ForwardWhere{TK, TV}"/>), so common inputs run at full float width and rare ones (deep tails,
/// subnormal products) keep double accuracy.
/// Out of line on purpose: the double definition is not inlined into the float loop, whose inlining budget it would spend.
/// </summary>
public static class InDouble
{
    /// <summary>
    /// f(x) evaluated in double lanes, or for float lanes of a kernel with <see cref="IUnaryKernel.ForwardTailInFloat"/>
    /// by its float tail formula.
    /// </summary>
    /// <remarks>
    /// The choice is made inlined, between two calls: inside one out-of-line method the JIT imported (and inlined into)
    /// both branches before folding the choice, and a large double-lane definition beside the tail formula (silu's)
    /// overran its inlining budget there, so the tail's lane operations became calls (silu at Normal(0, 100): 5
    /// ns/element). The element-wise driver's pass after the loop inlines the tail formula itself
    /// (<see cref="IMap.ApplyTail{TV}"/>); this route serves the in-place calls and the scalar kernels.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Forward<TK, TV>(TK kernel, TV x)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
        => !TV.IsDouble && TK.ForwardTailInFloat ? ForwardTail(kernel, x) : ForwardInDoubleLanes(kernel, x);

    /// <summary>
    /// dy·f′(x) evaluated in double lanes, or for float lanes of a kernel with <see cref="IUnaryKernel.BackwardTailInFloat"/>
    /// by its float tail formula (chosen as in <see cref="Forward{TK, TV}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Backward<TK, TV>(TK kernel, TV x, TV dy)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
        => !TV.IsDouble && TK.BackwardTailInFloat ? BackwardTail(kernel, x, dy) : BackwardInDoubleLanes(kernel, x, dy);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TV ForwardTail<TK, TV>(TK kernel, TV x)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
        => kernel.ForwardTailF(x);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TV ForwardInDoubleLanes<TK, TV>(TK kernel, TV x)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
        => TV.InDouble(new ForwardLanes<TK>(kernel), x, x);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TV BackwardTail<TK, TV>(TK kernel, TV x, TV dy)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
        => kernel.BackwardTailF(x, dy);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TV BackwardInDoubleLanes<TK, TV>(TK kernel, TV x, TV dy)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
        => TV.InDouble(new BackwardLanes<TK>(kernel), x, dy);

    /// <summary>
    /// <paramref name="y"/> with the lanes in <paramref name="mask"/> replaced by f(x) from double lanes; the double
    /// evaluation runs (out of line) only when some lane is set. Lane by lane, so every width returns the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ForwardWhere<TK, TV>(TK kernel, TV mask, TV x, TV y)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
        => TV.AnyTrue(mask) ? TV.Select(mask, Forward(kernel, x), y) : y;

    /// <summary>
    /// f(x) on float lanes for a kernel with <see cref="IUnaryKernel.ForwardHasDoubleLanes"/>: its
    /// <see cref="IUnaryKernel.ForwardFloatLanes{TV}"/>, with the lanes it marks from the double-lane definition; the
    /// same bits as the element-wise driver's store-then-redo.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV FloatForward<TK, TV>(TK kernel, TV x)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
    {
        var y = kernel.ForwardFloatLanes(x, out var inDouble);
        return ForwardWhere(kernel, inDouble, x, y);
    }

    /// <summary>As <see cref="FloatForward{TK, TV}"/> for dy·f′(x) (<see cref="IUnaryKernel.BackwardHasDoubleLanes"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV FloatBackward<TK, TV>(TK kernel, TV x, TV dy)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
    {
        var g = kernel.BackwardFloatLanes(x, dy, out var inDouble);
        return BackwardWhere(kernel, inDouble, x, dy, g);
    }

    /// <summary>A mask of every lane: for <see cref="IUnaryKernel.ForwardFloatLanes{TV}"/> when no lane is done in float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV AllLanes<TV>() where TV : struct, IVec<TV> => TV.EqualTo(TV.Zero, TV.Zero);

    /// <summary>As <see cref="ForwardWhere{TK, TV}"/> for dy·f′(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV BackwardWhere<TK, TV>(TK kernel, TV mask, TV x, TV dy, TV g)
        where TK : struct, IUnaryKernel
        where TV : struct, IVec<TV>
        => TV.AnyTrue(mask) ? TV.Select(mask, Backward(kernel, x, dy), g) : g;

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
