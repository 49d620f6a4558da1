using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The arithmetic of one row-wise activation (softmax and friends) over ONE row of double data, written generically
/// over a register of double lanes <c>TV</c>; <see cref="RowwiseDriver"/> checks the arguments, splits the buffer
/// into rows, picks the widest register no longer than a row (so <c>TV.Count ≤ x.Length</c> always) and runs float data through double rows (widened once,
/// rounded once), so float results are as accurate as the double algorithm allows.
/// </summary>
/// <remarks>
/// Every method must work when its output span is the very memory of one of its inputs (in place): the driver passes
/// <c>y == x</c>, <c>dx == x</c> and <c>dx == dy</c> through unchanged. <c>scratch</c> holds
/// <see cref="RowwiseDriver.ScratchPerColumn"/> doubles per column and is the kernel's to overwrite.
/// </remarks>
public interface IRowKernel
{
    /// <summary>
    /// When true, float rows go to <see cref="ForwardFloat{TV}"/>, <see cref="BackwardFloat{TV}"/> and
    /// <see cref="BackwardFromOutputFloat{TV}"/> first (float lanes), and through double rows only when those decline.
    /// </summary>
    static virtual bool FloatRows => false;

    /// <summary>
    /// y = f(x) for one float row in float lanes (<c>TV.Count ≤ x.Length</c>; y may be x). Returns false, having written
    /// nothing, when the row needs the double-row path (e.g. non-finite entries). Called only when <see cref="FloatRows"/>.
    /// </summary>
    bool ForwardFloat<TV>(ReadOnlySpan<float> x, Span<float> y) where TV : struct, IVec<TV> => false;

    /// <summary>
    /// When true (with <see cref="FloatRows"/>), float rows are offered two at a time to <see cref="ForwardFloatPair{TV}"/>.
    /// A static flag, so kernels without the pair method never reach its default: calling a default interface method
    /// on a struct boxes it (24 bytes per row).
    /// </summary>
    static virtual bool FloatPairs => false;

    /// <summary>
    /// y = f(x) for two float rows at once (<c>2·TV.Count &lt;</c> the row length: shorter rows go one at a time), for kernels whose passes end in a
    /// reduction whose latency the other row's work can hide. Returns false when either row needs the one-row path
    /// (<see cref="ForwardFloat{TV}"/> then runs on both); it may have written the outputs, but only when no output
    /// overlaps an input. Called only when <see cref="FloatPairs"/>.
    /// </summary>
    bool ForwardFloatPair<TV>(ReadOnlySpan<float> x0, Span<float> y0, ReadOnlySpan<float> x1, Span<float> y1) where TV : struct, IVec<TV> => false;

    /// <summary>
    /// When true (with <see cref="FloatRows"/>), float rows of up to <see cref="RowwiseDriver.MaxBlockColumns"/> entries
    /// are offered in blocks of <c>TV.Count</c> to <see cref="ForwardFloatBlocks{TV}"/> (one row per lane). A static flag, as
    /// for <see cref="FloatPairs"/>.
    /// </summary>
    static virtual bool FloatBlocks => false;

    /// <summary>
    /// y = f(x) for the whole blocks of <c>TV.Count</c> float rows of <paramref name="columns"/> entries at the start of
    /// x (y may be x), with the same bits as <see cref="ForwardFloat{TV}"/> row by row. Returns the number of entries
    /// done (whole rows), stopping at a row that needs the one-row path: the <c>TV.Count</c> rows from there hold one, are
    /// not written, and go to the one-row path. Called only when <see cref="FloatBlocks"/>.
    /// </summary>
    int ForwardFloatBlocks<TV>(ReadOnlySpan<float> x, Span<float> y, int columns) where TV : struct, IVec<TV> => 0;

    /// <summary>
    /// When true (with <see cref="FloatRows"/>), the backward from the input of float rows of up to
    /// <see cref="RowwiseDriver.MaxBlockColumns"/> entries is offered in blocks of <c>TV.Count</c> rows to
    /// <see cref="BackwardFloatBlocks{TV}"/>. A static flag, as for <see cref="FloatPairs"/>.
    /// </summary>
    static virtual bool FloatBackwardBlocks => false;

    /// <summary>
    /// dx = Jᵀ·dy from the input for the whole blocks of <c>TV.Count</c> float rows of <paramref name="columns"/> entries
    /// at the start of x (dx may be x or dy), with the same bits as <see cref="BackwardFloat{TV}"/> row by row; returns
    /// the entries done as <see cref="ForwardFloatBlocks{TV}"/> does. Called only when <see cref="FloatBackwardBlocks"/>.
    /// </summary>
    int BackwardFloatBlocks<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TV : struct, IVec<TV> => 0;

    /// <summary>
    /// When true (with <see cref="FloatRows"/>), the backward from the output of float rows of up to
    /// <see cref="RowwiseDriver.MaxBlockColumns"/> entries is offered in blocks of <c>TV.Count</c> rows to
    /// <see cref="BackwardFromOutputFloatBlocks{TV}"/>. A static flag, as for <see cref="FloatPairs"/>.
    /// </summary>
    static virtual bool FloatOutputBlocks => false;

    /// <summary>
    /// dx = Jᵀ·dy from the output y for the whole blocks of <c>TV.Count</c> float rows of <paramref name="columns"/>
    /// entries at the start of y (dx may be y or dy), with the same bits as <see cref="BackwardFromOutputFloat{TV}"/> row
    /// by row; returns the entries done as <see cref="ForwardFloatBlocks{TV}"/> does. Called only when
    /// <see cref="FloatOutputBlocks"/>.
    /// </summary>
    int BackwardFromOutputFloatBlocks<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TV : struct, IVec<TV> => 0;

    /// <summary>
    /// dx = Jᵀ·dy for one float row from the input x, in float lanes (dx may be x or dy). Returns false, having written
    /// nothing, when the row needs the double-row path. Called only when <see cref="FloatRows"/>.
    /// </summary>
    bool BackwardFloat<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV> => false;

    /// <summary>
    /// dx = Jᵀ·dy for one float row from the output y, in float lanes (dx may be y or dy). Returns false, having written
    /// nothing, when the row needs the double-row path. Called only when <see cref="FloatRows"/>.
    /// </summary>
    bool BackwardFromOutputFloat<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) where TV : struct, IVec<TV> => false;

    /// <summary>y = f(x) for one row.</summary>
    void Forward<TV>(ReadOnlySpan<double> x, Span<double> y, Span<double> scratch) where TV : struct, IVec<TV>;

    /// <summary>dx = Jᵀ·dy for one row, from the input x.</summary>
    void Backward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> scratch) where TV : struct, IVec<TV>;

    /// <summary>dx = Jᵀ·dy for one row, from the output y = f(x).</summary>
    void BackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) where TV : struct, IVec<TV>;
}
