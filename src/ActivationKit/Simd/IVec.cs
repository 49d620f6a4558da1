using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ActivationKit.Simd;

/// <summary>
/// A register of <see cref="Count"/> lanes of one floating-point type (float or double), with the operations
/// the kernels need. Every activation is written once against this interface and instantiated by the driver
/// at the widths the machine has: <see cref="S{T}"/> (one lane: the scalar specification), <see cref="V128{T}"/>,
/// <see cref="V256{T}"/> and <see cref="V512{T}"/>. All of them run the same algorithm, so every instruction-set
/// path returns the same bits.
/// </summary>
/// <remarks>
/// Masks (results of comparisons) are values of the same type with every bit of a true lane set, as in
/// hardware; use them only with <see cref="Select"/>, <see cref="And"/>, <see cref="Or"/> and <see cref="AndNot"/>.
/// </remarks>
public interface IVec<TV> :
    IAdditionOperators<TV, TV, TV>,
    ISubtractionOperators<TV, TV, TV>,
    IMultiplyOperators<TV, TV, TV>,
    IDivisionOperators<TV, TV, TV>,
    IUnaryNegationOperators<TV, TV>
    where TV : struct, IVec<TV>
{
    /// <summary>Number of lanes.</summary>
    static abstract int Count { get; }

    /// <summary>True when the lanes are double (52-bit significand), false for float.</summary>
    /// <remarks>
    /// Fine for choosing constants. To choose between a kernel's whole float and double paths, compare
    /// <c>typeof(TV)</c> with the four double lane types instead (as Sigmoid does): those comparisons fold while the
    /// JIT imports the kernel, so the path not taken is never imported, whereas a call to this property folds only
    /// after inlining, by which time the dead path's calls have spent the loop's inlining budget (softplus's double
    /// loop fell from 2.5 to 20 ns/element that way).
    /// </remarks>
    static abstract bool IsDouble { get; }

    /// <summary>A register with every lane set to <paramref name="value"/> (rounded to the lane type).</summary>
    static abstract TV Create(double value);

    /// <summary>A register with every lane holding the given raw bit pattern (low 32 bits for float lanes).</summary>
    static abstract TV FromBits(ulong bits);

    static abstract TV Zero { get; }

    /// <summary>The lane numbers 0, 1, 2, … (a constant: no static field, so no class-initialisation check).</summary>
    static abstract TV Indices { get; }
    static abstract TV One { get; }

    /// <summary>a·b + c rounded once.</summary>
    static abstract TV Fma(TV a, TV b, TV c);

    /// <summary>
    /// a·b − c rounded once: the same value as <c>Fma(a, b, -c)</c>, as one instruction (the JIT does not fold the
    /// negation of a vector into a fused multiply-add, so <c>Fma(a, b, -c)</c> costs an extra XOR).
    /// </summary>
    static abstract TV Fms(TV a, TV b, TV c);

    /// <summary>c − a·b rounded once: the same value as <c>Fma(-a, b, c)</c>, as one instruction (see <see cref="Fms"/>).</summary>
    static abstract TV Fnma(TV a, TV b, TV c);

    /// <summary>
    /// −(a·b + c) rounded once (VFNMSUB where the ISA has it; otherwise the negated fma, the same value): lets a
    /// kernel write −(1 + t) as −(… + (t + 1)), whose constant folds into the addition, instead of −1 − t, whose
    /// constant needs a register of its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV Fnms(TV a, TV b, TV c) => -TV.Fma(a, b, c);

    /// <summary>Lane minimum 'a &lt; b ? a : b' (x86 MINPS): when either lane is NaN the result is <paramref name="b"/>, so a constant first lets a NaN input through.</summary>
    static abstract TV Min(TV a, TV b);

    /// <summary>Lane maximum 'a &gt; b ? a : b' (x86 MAXPS): when either lane is NaN the result is <paramref name="b"/>.</summary>
    static abstract TV Max(TV a, TV b);

    static abstract TV Abs(TV x);
    static abstract TV Sqrt(TV x);

    /// <summary>Round to the nearest integer, ties to even (result stays floating point).</summary>
    static abstract TV RoundToEven(TV x);

    /// <summary>Round toward negative infinity.</summary>
    static abstract TV Floor(TV x);

    static abstract TV LessThan(TV a, TV b);
    static abstract TV LessThanOrEqual(TV a, TV b);
    static abstract TV GreaterThan(TV a, TV b);
    static abstract TV GreaterThanOrEqual(TV a, TV b);
    static abstract TV EqualTo(TV a, TV b);

    /// <summary>Mask of lanes that are NaN.</summary>
    static abstract TV IsNaN(TV x);

    /// <summary>Lanes of <paramref name="ifTrue"/> where <paramref name="mask"/> is set, else of <paramref name="ifFalse"/>.</summary>
    static abstract TV Select(TV mask, TV ifTrue, TV ifFalse);

    /// <summary>
    /// <c>Select(GreaterThan(a, b), ifTrue, ifFalse)</c> as one operation: on AVX-512 the comparison then stays in a mask
    /// register feeding a masked blend (two instructions instead of four).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV SelectWhereGreater(TV a, TV b, TV ifTrue, TV ifFalse) => TV.Select(TV.GreaterThan(a, b), ifTrue, ifFalse);

    /// <summary><c>Select(LessThan(a, b), ifTrue, ifFalse)</c> as one operation (see <see cref="SelectWhereGreater"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV SelectWhereLess(TV a, TV b, TV ifTrue, TV ifFalse) => TV.Select(TV.LessThan(a, b), ifTrue, ifFalse);

    /// <summary><c>Select(EqualTo(a, b), ifTrue, ifFalse)</c> as one operation (see <see cref="SelectWhereGreater"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV SelectWhereEqual(TV a, TV b, TV ifTrue, TV ifFalse) => TV.Select(TV.EqualTo(a, b), ifTrue, ifFalse);

    /// <summary><c>Select(LessThanOrEqual(a, b), ifTrue, ifFalse)</c> as one operation (see <see cref="SelectWhereGreater"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV SelectWhereLessOrEqual(TV a, TV b, TV ifTrue, TV ifFalse) => TV.Select(TV.LessThanOrEqual(a, b), ifTrue, ifFalse);

    /// <summary><c>Select(GreaterThanOrEqual(a, b), ifTrue, ifFalse)</c> as one operation (see <see cref="SelectWhereGreater"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV SelectWhereGreaterOrEqual(TV a, TV b, TV ifTrue, TV ifFalse) => TV.Select(TV.GreaterThanOrEqual(a, b), ifTrue, ifFalse);

    static abstract TV And(TV a, TV b);
    static abstract TV Or(TV a, TV b);
    static abstract TV Xor(TV a, TV b);

    /// <summary>a AND NOT b.</summary>
    static abstract TV AndNot(TV a, TV b);

    /// <summary>True when any lane of the mask is set.</summary>
    static abstract bool AnyTrue(TV mask);

    /// <summary>True when every lane of the mask is set.</summary>
    static abstract bool AllTrue(TV mask);

    /// <summary>Whether a &lt; b in any lane: <c>AnyTrue(LessThan(a, b))</c> as one test (on AVX-512 a comparison into a
    /// mask register and a mask test, without widening the mask to a vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual bool AnyWhereLess(TV a, TV b) => TV.AnyTrue(TV.LessThan(a, b));

    /// <summary>Whether a &gt; b in any lane (see <see cref="AnyWhereLess"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual bool AnyWhereGreater(TV a, TV b) => TV.AnyTrue(TV.GreaterThan(a, b));

    /// <summary>The number of lanes where a = b (on the vector widths a comparison into a mask and a population count
    /// of its bits, in the scalar units, instead of vector operations that add up a mask of ones).</summary>
    static abstract int CountWhereEqual(TV a, TV b);

    /// <summary>The first lane where a equals b (−0 equals +0, NaN nothing), or <see cref="Count"/> when there is none.</summary>
    static abstract int FirstWhereEqual(TV a, TV b);

    /// <summary>
    /// x · 2^n for integral-valued <paramref name="n"/> with |n| small enough that 2^n is a normal number, rounded once
    /// (a multiplication by the exact power of two; VSCALEF on the AVX-512 widths, the same bits in one instruction).
    /// </summary>
    static abstract TV MulPow2(TV x, TV n);

    /// <summary>
    /// 2^n for integral-valued <paramref name="n"/> whose power of two is a normal number, built in the integer and
    /// addition units (n plus 1.5·2^23 + 127, or 1.5·2^52 + 1023 in double lanes, shifted into the exponent field):
    /// the same bits as <c>ScaleB(One, n)</c>, without VSCALEF, which on Zen 4 takes a slot of the two multiply-add
    /// pipes that the polynomials need.
    /// </summary>
    static abstract TV Pow2(TV n);

    /// <summary>
    /// 2^(N/16) for the integer N that <paramref name="shifted"/> holds in its low mantissa bits (a float lane formed as
    /// v + 1.5·2^23 from an integral |v| &lt; 2^21, so its bits are 0x4B400000 + N): the table entry 2^((N mod 16)/16)
    /// (<see cref="Exp2Table"/>, rounded to float) with ⌊N/16⌋ added to its exponent field by an integer addition.
    /// The caller keeps −126·16 ≤ N &lt; 128·16, where the result is a normal float; other lanes get unspecified bits.
    /// Float lanes only. The lookup is exact, so every width returns the same bits.
    /// </summary>
    static abstract TV Exp2Sixteenths(TV shifted);

    /// <summary>
    /// The entry of a 16-float <paramref name="table"/> that the low four bits of each lane's bits pick (a lane formed
    /// as v + 1.5·2^23 from an integral v in [0, 15] holds v there): one VPERMPS on AVX-512, two and a blend on AVX2,
    /// one entry at a time below. Float lanes only; the lookup is exact, so every width returns the same bits.
    /// </summary>
    static abstract TV Lookup16(TV index, Vector512<float> table);

    /// <summary>
    /// Whether <see cref="Lookup16LowHalf"/> may replace <see cref="Lookup16"/> for these indices and is cheaper: true
    /// only on AVX2's 256 bits (without AVX-512VL), where every lane's index is below 8 — there Lookup16 takes two VPERMPS
    /// and a blend, the low half one VPERMPS. False wherever one permute reads all sixteen entries anyway (a constant
    /// the JIT folds, so callers' other branch disappears there). Float lanes only.
    /// </summary>
    static virtual bool LowHalfSuffices(TV index) => false;

    /// <summary>
    /// <see cref="Lookup16"/> for indices whose low four bits are below 8 (<see cref="LowHalfSuffices"/>): the same
    /// entries, read from the table's first eight only.
    /// </summary>
    static virtual TV Lookup16LowHalf(TV index, Vector512<float> table) => TV.Lookup16(index, table);

    /// <summary>
    /// The entry of an 8-double <paramref name="table"/> that the low three bits of each lane's bits pick (a lane formed
    /// as v + 1.5·2^52 from an integral v holds v mod 8 there, negative v included): one VPERMPD on AVX-512 (VPERMT2PD at
    /// 256 bits with AVX-512VL), the table's doubles as float pairs through <see cref="Lookup16"/>'s two VPERMPS and a
    /// blend on AVX2, one entry at a time below. Double lanes only; the lookup is exact, so every width returns the same
    /// bits.
    /// </summary>
    static abstract TV Lookup8(TV index, DoubleTable8 table);

    /// <summary>
    /// The lane-wise maximum of a and b read as unsigned integers of the lane's width (bitwise data such as the keys of
    /// <see cref="Kernels.MarkBound"/>; NaN patterns are ordinary integers here): an integer instruction, which on
    /// Zen 4 runs beside the multiply-add pipes.
    /// </summary>
    static abstract TV MaxBits(TV a, TV b);

    /// <summary>Whether a &gt; b in any lane, both read as unsigned integers of the lane's width.</summary>
    static abstract bool AnyBitsGreater(TV a, TV b);

    /// <summary>
    /// A lane mask from x's sign bit: all bits set where it is set (−0 and negative NaNs included), clear elsewhere, by
    /// an arithmetic shift rather than a comparison (which on AVX-512 hardware like Zen 4 takes a multiply-add pipe to
    /// write its mask register). For And/AndNot with values: zeroing a term on one side is a bitwise operation on any
    /// pipe, where a select by a comparison would cost a multiply-add slot.
    /// </summary>
    static abstract TV SignFill(TV x);

    /// <summary>
    /// Splits finite positive normal x into x = m · 2^e with m in [1, 2); returns m and writes e (as a floating value).
    /// </summary>
    static abstract TV Frexp(TV x, out TV exponent);

    /// <summary>The sign bit of every lane (−0.0 pattern); used with And/Xor/Or for copysign-style tricks.</summary>
    static abstract TV SignMask { get; }

    /// <summary>
    /// max(−|x|, floor) for a non-positive <paramref name="floor"/>: the non-positive argument of an exponential
    /// clamped from below, in one VRANGE instruction on AVX-512 (−min(|x|, |floor|)) instead of two. A NaN x gives
    /// <paramref name="floor"/> on every path (VRANGE returns the other operand of a quiet NaN, and so does
    /// <c>Max(Or(x, SignMask), floor)</c>), so only kernels that carry x's NaN to the result by another route use it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV MinusAbsAtLeast(TV x, TV floor) => TV.Max(TV.Or(x, TV.SignMask), floor);

    /// <summary>
    /// min(|x|, limit) for a non-negative <paramref name="limit"/>, in one VRANGE instruction on AVX-512 instead of
    /// two; as for <see cref="MinusAbsAtLeast"/>, a NaN x gives <paramref name="limit"/> on every path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV AbsAtMost(TV x, TV limit) => TV.Min(TV.Abs(x), limit);

    /// <summary>
    /// x clamped to [−limit, limit] for a non-negative <paramref name="limit"/>: one VRANGE on AVX-512 (the smaller
    /// magnitude, sign from x) instead of a maximum and then a minimum, so the clamp is one operation deep on a
    /// kernel's dependency chain. A NaN x gives ±limit (the sign unspecified), so only kernels that carry x's NaN to
    /// the result by another route use it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV ClampMagnitude(TV x, TV limit) => TV.Min(TV.Max(x, -limit), limit);

    /// <summary>
    /// <paramref name="y"/> with the sign bit of <paramref name="x"/>, for kernels whose result is never larger in
    /// magnitude than their input (|y| ≤ |x|, or both NaN), such as x·g(x) with |g| ≤ 1: one VRANGE on AVX-512 (the
    /// smaller magnitude, sign from x), which runs on the addition pipes, where the bitwise select it replaces is a
    /// ternary-logic instruction on the multiply-add pipes. The same bits on every path under that condition.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV WithSignOfLarger(TV y, TV x) => TV.Select(TV.SignMask, x, y);

    /// <summary>
    /// a + b rounded toward zero, for a ≥ |b| (the sum is then ≥ 0, and the fast two-sum that finds the rounding is
    /// exact) or a NaN operand (NaN): one VADDPS with embedded rounding on the AVX-512 width. Elsewhere the sum rounded
    /// to nearest, stepped to the next value down where its error b − (s − a) is negative: the same bits. Lets a kernel
    /// keep a sum that must not reach a bound (hard sigmoid's x + 3 below 6 for every x below 3) without carrying the
    /// rounding error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV AddTowardZero(TV a, TV b)
    {
        var s = a + b;
        var e = b - (s - a);

        // s·(1 − 2⁻²⁴) (1 − 2⁻⁵³ in double lanes) rounds to the value just below any positive normal s; subnormal sums
        // are exact (b ≈ −a), so they never step.
        return TV.SelectWhereLess(e, TV.Zero, TV.Fma(s, TV.Create(TV.IsDouble ? -1.1102230246251565e-16 : -5.9604644775390625e-08), s), s);
    }

    /// <summary>
    /// Whether <see cref="WithNaNOf"/> is a single instruction (VFIXUPIMM on AVX-512) and <see cref="MinusAbsAtLeast"/>
    /// a single VRANGE: then a kernel may let a NaN input go on the way (a one-instruction clamp) and put it back at the
    /// end for less than the two-instruction NaN-keeping clamp costs. Folds when the kernel is compiled.
    /// </summary>
    static virtual bool RestoresNaNCheaply => false;

    /// <summary><paramref name="result"/> with every lane where <paramref name="x"/> is NaN replaced by a NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV WithNaNOf(TV result, TV x) => TV.Select(TV.IsNaN(x), x, result);

    /// <summary>
    /// Whether <see cref="ScaleB"/> is one VSCALEF, exact for any integral n (the AVX-512 widths), rather than two
    /// power-of-two steps that hold for |n| ≤ 250 (float lanes) only. Folds when the kernel is compiled.
    /// </summary>
    static virtual bool ScaleBTakesAnyExponent => false;

    /// <summary>
    /// x · 2^n for integral-valued <paramref name="n"/> with |n| ≤ 250 (float lanes) or ≤ 2000 (double lanes), rounded
    /// once: results may be subnormal or overflow to ∞. Two exact-then-rounding power-of-two steps by default; the
    /// AVX-512 widths use VSCALEF, which returns the same bits in one instruction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV ScaleB(TV x, TV n)
    {
        var n1 = TV.Floor(n * TV.Create(0.5));
        return TV.MulPow2(TV.MulPow2(x, n1), n - n1);
    }

    /// <summary>
    /// <see cref="ScaleB"/> for the last step of a kernel whose results reach the subnormals: the same bits, and on
    /// the 512- and 256-bit float lanes of an Intel processor (<see cref="Isa.SubnormalsAssist"/>) a register with n
    /// below −120 is scaled without the microcode assist of VSCALEF's or the two-step multiplies' underflow (see V512
    /// and V256). Its test costs one comparison per register, so only the
    /// kernels whose tails underflow often at ordinary spreads, and the tail formulas, call it.
    /// </summary>
    /// <param name="x">The value to scale.</param>
    /// <param name="n">The integral-valued exponent.</param>
    /// <param name="anyMagnitude">False where |x| is about 1 (the test is n &lt; −120 alone); true for any x (the test
    /// is on x's exponent plus n, two operations more: the tails' dy·u).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TV ScaleBIntoSubnormals(TV x, TV n, bool anyMagnitude = false) => TV.ScaleB(x, n);

    /// <summary>
    /// Applies <paramref name="map"/> in double lanes: float lanes are widened, mapped and rounded once back to float;
    /// double lanes are mapped as they are. Kernels call it (out of line) for the few lanes whose float evaluation
    /// would lose accuracy, so the common lanes run at full float width. A float register's two halves go through one
    /// inlined copy of the map in a loop of two: with a copy per half, the larger double-lane kernels (silu's slope)
    /// overran the JIT's inlining budget, every lane operation became a call, and float inputs whose registers mostly
    /// needed double lanes ran 30 to 85 times slower than common inputs.
    /// </summary>
    static abstract TV InDouble<TMap>(TMap map, TV a, TV b) where TMap : struct, ILaneMap;
}

/// <summary>A two-input lane function, instantiated at any lane type (see <see cref="IVec{TV}.InDouble"/>).</summary>
public interface ILaneMap
{
    /// <summary>Applies the function lane by lane.</summary>
    TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV>;
}
