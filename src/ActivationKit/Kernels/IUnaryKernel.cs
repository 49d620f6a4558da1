using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The arithmetic of one element-wise activation: forward y = f(x) and fused backward dx = dy·f′(x), written once
/// against <see cref="IVec{TV}"/> so the driver can run it at every width and for float and double lanes.
/// Implementations are small structs holding the (already validated) parameters.
/// </summary>
public interface IUnaryKernel
{
    /// <summary>
    /// When true, float, Half and BFloat16 inputs are evaluated in double lanes and rounded once at the end,
    /// which keeps the result within one float ULP for functions whose float-only evaluation would lose accuracy.
    /// </summary>
    static abstract bool ComputeFloatInDouble { get; }

    /// <summary>
    /// When true, the gated (GLU-family) driver evaluates this kernel as a gate in double lanes for float data, so that
    /// a·g(b) is rounded once; set it on float-native kernels whose float g(b) leaves too little of the 4-ULP budget
    /// for a second rounding. Kernels with <see cref="ComputeFloatInDouble"/> get double lanes anyway.
    /// </summary>
    static virtual bool GateProductInDouble => false;

    /// <summary>
    /// When true (with <see cref="GateProductInDouble"/>), the gated driver evaluates the gate for float data in double
    /// lanes with the float formulas of <see cref="ForwardFloatLanes{TV}"/> and <see cref="BackwardFloatLanes{TV}"/>
    /// (implement both) instead of the double-data <see cref="Forward{TV}"/> and <see cref="Backward{TV}"/>: in double
    /// arithmetic only their fitted approximations err, which must leave a·g(b), rounded once to float, within the
    /// bound (a gate error of ε float ULPs can cost 2ε in ULPs of the product). The lanes they mark are redone from the
    /// double-data definition after the store, as in the element-wise driver.
    /// </summary>
    static virtual bool HasGateForFloat => false;

    /// <summary>
    /// When true (with <see cref="HasGateForFloat"/>), the gated driver runs the backward in one pass per register: for
    /// float data [dA | dB] from one evaluation of <see cref="GateFloatLanes{TV}"/> (implement it; σ and silu take value
    /// and slope from one exponential), for double data from <see cref="Forward{TV}"/> and <see cref="Backward{TV}"/>
    /// inlined together; and float data's forward two registers per iteration. For small gates (σ, silu): a larger one
    /// inlined twice exhausts the JIT's inlining budget (GELU's did).
    /// </summary>
    static virtual bool FusedGate => false;

    /// <summary>
    /// When true, the backward of float data runs <see cref="BackwardForFloat{TV}"/> in double lanes even though
    /// <see cref="ComputeFloatInDouble"/> is false: a kernel with a float-native forward may keep a double-lane
    /// derivative (implement <see cref="BackwardForFloat{TV}"/> then). For a kernel whose float lanes depend on its
    /// parameters (<see cref="FloatLanesDependOnParameters"/>), only the instances whose parameters leave the float
    /// lanes (silu with β ≠ 1).
    /// </summary>
    static virtual bool BackwardFloatInDouble => false;

    /// <summary>
    /// When true, float data that runs in double lanes in bulk (<see cref="ComputeFloatInDouble"/>, or parameters that
    /// leave the float lanes) runs <see cref="ForwardForFloat{TV}"/>: for kernels whose double-data forward carries
    /// double-double pieces that a result rounded once to float does not need.
    /// </summary>
    static virtual bool ForwardFloatInDouble => false;

    /// <summary>
    /// True for kernels of a few instructions per register (the ReLU family): the driver then runs a plain loop over
    /// whole registers with the overlapping tail after it (the kernel is inlined twice), which keeps memory-bound
    /// kernels close to copy speed. Leave false for large kernels, whose single inlined copy the JIT's budget needs.
    /// </summary>
    static virtual bool IsCheap => false;

    /// <summary>
    /// When true, the float forward runs two registers per iteration, both loaded before either result is
    /// stored, so the two dependency chains overlap. Set it where it measures faster (`actkit bench`): the kernel is
    /// inlined twice, which large kernels cannot afford (their registers spill, or the JIT's inlining budget runs out).
    /// </summary>
    static virtual bool ForwardInPairs => false;

    /// <summary>As <see cref="ForwardInPairs"/>, for the backward from the input.</summary>
    static virtual bool BackwardInPairs => false;

    /// <summary>
    /// Whether large forward calls may write with streaming (non-temporal) stores (<see cref="KernelOptions.StreamingThreshold"/>).
    /// True by default: it saves the read of each destination line. Kernels bound by a long dependency chain set it
    /// false where it measures slower (`actkit bench --sizes 16777216 --streaming off` against the default): on the Zen 5
    /// host of docs/performance.md erf GELU, gelu_tanh, mish, sin, snake and tanhshrink ran 8–25 % slower with streaming
    /// stores at 16 Mi floats (and 4 Mi doubles), while the faster kernels gain 10–40 %. Float data that runs in double
    /// lanes through <see cref="ForwardForFloat{TV}"/>/<see cref="BackwardForFloat{TV}"/> never streams.
    /// </summary>
    static virtual bool ForwardStreams => true;

    /// <summary>As <see cref="ForwardStreams"/>, for the backward from the input.</summary>
    static virtual bool BackwardStreams => true;

    /// <summary>
    /// When true, the double-lane backward is larger than the element-wise loop's inlining budget: for double data
    /// the loop calls <see cref="BackwardAt{TV, T}"/> once per register with references to the arrays, so no register
    /// crosses the call through the stack (a 64-byte store straddling two cache lines is not forwarded to the load
    /// that reads it back: gelu_tanh′ in double ran at 4.6 or 7.9 ns/element by the stack's alignment). A static
    /// flag, so kernels without it never reach <see cref="BackwardAt{TV, T}"/>'s default.
    /// </summary>
    static virtual bool BackwardOutOfLine => false;

    /// <summary>
    /// dx = dy·f′(x) for one register read from <paramref name="x"/> and <paramref name="dy"/> and stored at
    /// <paramref name="dx"/> (called only with <see cref="BackwardOutOfLine"/>; implementations are out of line).
    /// </summary>
    void BackwardAt<TV, T>(ref T x, ref T dy, ref T dx)
        where TV : struct, IVec<TV>
        where T : unmanaged
        => Lanes.Store(Backward(Lanes.Load<TV, T>(ref x), Lanes.Load<TV, T>(ref dy)), ref dx);

    /// <summary>
    /// When true, <see cref="FloatLanesApply"/> says per kernel instance whether float data runs the float-lane
    /// formulas at all; where it does not (a parameter they do not cover: silu's or softplus's β ≠ 1), the driver
    /// widens whole chunks to double lanes, as for <see cref="ComputeFloatInDouble"/>, instead of redoing every register
    /// out of line (6–38 ns per element for those parameters before). A static flag, so kernels without the instance
    /// property never reach its default (a default interface member called on a struct boxes it).
    /// </summary>
    static virtual bool FloatLanesDependOnParameters => false;

    /// <summary>Whether this instance's float data runs the float-lane formulas (read only with <see cref="FloatLanesDependOnParameters"/>).</summary>
    bool FloatLanesApply => true;

    /// <summary>
    /// When true, the kernel implements <see cref="ForwardForParameters{TV}"/> and <see cref="BackwardForParameters{TV}"/>
    /// itself (both), and the driver runs them in loops of their own; otherwise instances whose parameters leave the float
    /// lanes run <see cref="Forward{TV}"/> and <see cref="Backward{TV}"/> in double lanes. A static flag because the
    /// defaults are default interface methods, and one called on a struct boxes it: celu with α outside [1e−30, 1e30]
    /// allocated 64 bytes per register this way (4.2 ns/element). (Choosing between the two calls inside the map's
    /// Apply instead made softplus(β = 2) on doubles 30 times slower: the JIT kept neither inlined.)
    /// </summary>
    static virtual bool HasParameterForms => false;

    /// <summary>
    /// The double-lane forward for instances whose <see cref="FloatLanesApply"/> is false (read only with
    /// <see cref="FloatLanesDependOnParameters"/>; always called with double lanes): the driver runs it, for float
    /// data widened and for double data, in a loop of its own, where it is inlined without the plain parameters' code
    /// beside it. Kept out of line inside
    /// <see cref="Forward{TV}"/> instead, it cost a call per register whose argument and result pass through the
    /// stack, and a 64-byte store straddling two cache lines is not forwarded to the load that follows: softplus with
    /// β = 2 ran at 5.8 or 10.9 ns/element by the stack's alignment.
    /// </summary>
    TV ForwardForParameters<TV>(TV x) where TV : struct, IVec<TV> => Forward(x);

    /// <summary>
    /// The double-lane backward for instances whose <see cref="FloatLanesApply"/> is false, as
    /// <see cref="ForwardForParameters{TV}"/> is for the forward: the driver runs it in a loop of its own, so that
    /// <see cref="Backward{TV}"/> can keep the parameters' code out of line and stay small enough to be inlined twice
    /// where a float register's marked lanes are redone in two double registers.
    /// </summary>
    TV BackwardForParameters<TV>(TV x, TV dy) where TV : struct, IVec<TV> => Backward(x, dy);

    /// <summary>
    /// When true, <see cref="ForwardFloatLanes{TV}"/> is implemented: the float-lane forward leaves some lanes (a deep
    /// tail, a parameter value the float arithmetic does not cover) to the double-lane definition. The element-wise
    /// driver stores the float result and, only when a lane is marked, redoes those lanes out of line. A call inside
    /// the loop body instead (<see cref="InDouble.ForwardWhere{TK, TV}"/>) made the JIT keep the register's result and
    /// mask on the stack on every iteration, taken or not.
    /// </summary>
    static virtual bool ForwardHasDoubleLanes => false;

    /// <summary>As <see cref="ForwardHasDoubleLanes"/> for the backward: <see cref="BackwardFloatLanes{TV}"/> is implemented.</summary>
    static virtual bool BackwardHasDoubleLanes => false;

    /// <summary>
    /// When true, the lanes <see cref="ForwardFloatLanes{TV}"/> marks are redone by <see cref="ForwardTailF{TV}"/> in
    /// float lanes instead of by the double-lane definition (<see cref="InDouble"/>): for kernels whose marked lanes have
    /// a short float formula of their own (sigmoid's e^x below −87). Read only for float lanes.
    /// </summary>
    static virtual bool ForwardTailInFloat => false;

    /// <summary>f(x) on float lanes for the lanes <see cref="ForwardFloatLanes{TV}"/> marks (with <see cref="ForwardTailInFloat"/>; other lanes are unspecified).</summary>
    TV ForwardTailF<TV>(TV x) where TV : struct, IVec<TV> => x;

    /// <summary>
    /// As <see cref="ForwardTailInFloat"/> for the backward: the lanes <see cref="BackwardFloatLanes{TV}"/> marks are
    /// redone by <see cref="BackwardTailF{TV}"/> in float lanes (silu′ beyond ±80: dy or dy·(1 + x)·e^x). Read only for
    /// float lanes.
    /// </summary>
    static virtual bool BackwardTailInFloat => false;

    /// <summary>dy·f′(x) on float lanes for the lanes <see cref="BackwardFloatLanes{TV}"/> marks (with <see cref="BackwardTailInFloat"/>; other lanes are unspecified).</summary>
    TV BackwardTailF<TV>(TV x, TV dy) where TV : struct, IVec<TV> => dy;

    /// <summary>
    /// The float formulas: f(x) in the lanes where <paramref name="inDouble"/> comes back clear; the set lanes are to be
    /// replaced by the double-data definition. The element-wise driver runs it on float lanes (with
    /// <see cref="ForwardHasDoubleLanes"/>; have <see cref="Forward{TV}"/> on float lanes return
    /// <c>InDouble.FloatForward(this, x)</c> so both agree bit for bit), the gated driver on double lanes (with
    /// <see cref="HasGateForFloat"/>).
    /// </summary>
    TV ForwardFloatLanes<TV>(TV x, out TV inDouble) where TV : struct, IVec<TV>
    {
        inDouble = TV.Zero;
        return Forward(x);
    }

    /// <summary>As <see cref="ForwardFloatLanes{TV}"/> for dy·f′(x) (with <see cref="BackwardHasDoubleLanes"/> or <see cref="HasGateForFloat"/>).</summary>
    TV BackwardFloatLanes<TV>(TV x, TV dy, out TV inDouble) where TV : struct, IVec<TV>
    {
        inDouble = TV.Zero;
        return Backward(x, dy);
    }

    /// <summary>
    /// The gate for float data in double lanes with <see cref="FusedGate"/>: returns g(b) and
    /// <paramref name="slope"/> = g′(b) from the float formulas' one exponential, evaluated in double arithmetic (only
    /// their fitted approximations err, as for <see cref="HasGateForFloat"/>); the lanes <paramref name="far"/> marks are
    /// redone from the double-data <see cref="Forward{TV}"/> and <see cref="Backward{TV}"/>. Read only with the flag
    /// (the default, called on a struct, would box it).
    /// </summary>
    TV GateFloatLanes<TV>(TV b, out TV slope, out TV far) where TV : struct, IVec<TV>
    {
        far = TV.Zero;
        slope = Backward(b, TV.One);
        return Forward(b);
    }

    /// <summary>
    /// Whether <see cref="ForwardFloatLanes{TV}"/> marks any lane of x. The element-wise driver tests each register with
    /// it and recomputes the marks only when it is true, so in the loop the comparison feeds the branch directly (on
    /// AVX-512 a mask register and a mask test; carried as a vector it cost two more instructions per register).
    /// Override it with the marks' own comparison (<see cref="IVec{TV}.AnyWhereLess"/>) where
    /// <see cref="ForwardHasDoubleLanes"/> is true; the default evaluates the kernel.
    /// </summary>
    bool ForwardMarksAny<TV>(TV x) where TV : struct, IVec<TV>
    {
        ForwardFloatLanes(x, out var inDouble);
        return TV.AnyTrue(inDouble);
    }

    /// <summary>As <see cref="ForwardMarksAny{TV}"/> for <see cref="BackwardFloatLanes{TV}"/>.</summary>
    bool BackwardMarksAny<TV>(TV x, TV dy) where TV : struct, IVec<TV>
    {
        BackwardFloatLanes(x, dy, out var inDouble);
        return TV.AnyTrue(inDouble);
    }

    /// <summary>
    /// The bound when <see cref="ForwardFloatLanes{TV}"/> marks exactly the lanes of x beyond one (see
    /// <see cref="MarkBound"/>): the driver then tests a running maximum once after the loop instead of
    /// <see cref="ForwardMarksAny{TV}"/> per register, when the output overlaps no input (the registers to redo are
    /// found again from the inputs). <see cref="MarkBound.None"/> keeps the per-register test.
    /// A static property (an instance one would box the kernel on every call where it is not overridden); with
    /// <see cref="FloatLanesDependOnParameters"/> it applies only to instances whose <see cref="FloatLanesApply"/> holds.
    /// </summary>
    static virtual MarkBound ForwardMarkBound => MarkBound.None;

    /// <summary>As <see cref="ForwardMarkBound"/> for <see cref="BackwardFloatLanes{TV}"/>, whose marks must depend on x alone.</summary>
    static virtual MarkBound BackwardMarkBound => MarkBound.None;

    /// <summary>
    /// When true, the bounds of the marks are this instance's (<see cref="ForwardInstanceMarkBound"/> and
    /// <see cref="BackwardInstanceMarkBound"/>, implement both) instead of the static <see cref="ForwardMarkBound"/> and
    /// <see cref="BackwardMarkBound"/>: for float lanes whose range depends on a parameter (swish's βx, which leaves the
    /// table exponential's range at x = −86/β). A static flag, as <see cref="FloatLanesDependOnParameters"/>, so kernels
    /// without the instance properties never reach their defaults (which would box the kernel).
    /// </summary>
    static virtual bool MarkBoundsDependOnParameters => false;

    /// <summary>This instance's <see cref="ForwardMarkBound"/> (read only with <see cref="MarkBoundsDependOnParameters"/>).</summary>
    MarkBound ForwardInstanceMarkBound => MarkBound.None;

    /// <summary>This instance's <see cref="BackwardMarkBound"/> (read only with <see cref="MarkBoundsDependOnParameters"/>).</summary>
    MarkBound BackwardInstanceMarkBound => MarkBound.None;

    /// <summary>
    /// dy·f′(x) for float data widened into double lanes (used when <see cref="BackwardFloatInDouble"/>): may be a
    /// cheaper double-lane algorithm than <see cref="Backward{TV}"/>, exact enough for one rounding to float.
    /// </summary>
    TV BackwardForFloat<TV>(TV x, TV dy) where TV : struct, IVec<TV> => Backward(x, dy);

    /// <summary>
    /// f(x) for float data widened into double lanes (used when <see cref="ForwardFloatInDouble"/>): may be a cheaper
    /// double-lane algorithm than <see cref="Forward{TV}"/>, exact enough for one rounding to float.
    /// </summary>
    TV ForwardForFloat<TV>(TV x) where TV : struct, IVec<TV> => Forward(x);

    /// <summary>f(x).</summary>
    TV Forward<TV>(TV x) where TV : struct, IVec<TV>;

    /// <summary>dy·f′(x).</summary>
    TV Backward<TV>(TV x, TV dy) where TV : struct, IVec<TV>;
}

/// <summary>A kernel whose derivative can be computed from the output y = f(x) alone, so the forward may run in place.</summary>
public interface IOutputGradientKernel : IUnaryKernel
{
    /// <summary>dy·f′(x) expressed through y = f(x).</summary>
    TV BackwardFromOutput<TV>(TV y, TV dy) where TV : struct, IVec<TV>;
}
