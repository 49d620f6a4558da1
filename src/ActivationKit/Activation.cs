using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActivationKit.Catalog;
using ActivationKit.Numerics;

namespace ActivationKit;

/// <summary>
/// An activation function bound to its parameter values. Obtain one from <see cref="ActivationCatalog.Create(string)"/>
/// (e.g. <c>"leaky_relu(0.2)"</c>) or construct a function class directly (<c>new LeakyRelu(0.2)</c>).
/// </summary>
/// <remarks>
/// Buffers are row-major [rows × columns]. Element-wise functions ignore <c>columns</c>; row-wise functions
/// (softmax…) work over each row of <c>columns</c> elements; gated functions (GLU…) split each input row of
/// <c>columns</c> elements into halves and write rows of <c>columns/2</c>. <c>columns = 0</c> means one row.
/// Outputs may be the input span itself (in place) but must not partially overlap it.
/// </remarks>
public abstract class Activation
{
    private readonly double[] _parameters;

    /// <summary>
    /// Initializes <see cref="Simd.Isa"/> before any kernel runs: the kernels' loops are compiled at their first call,
    /// and only then does the JIT fold its processor flags (<see cref="Simd.Isa.SubnormalsAssist"/>) into constants
    /// instead of testing them, behind a class-initialization check, in every register's step.
    /// </summary>
    static Activation() => RuntimeHelpers.RunClassConstructor(typeof(Simd.Isa).TypeHandle);

    /// <summary>Binds the parameter values, validating each against its <see cref="ParameterSpec"/>.</summary>
    protected Activation(ActivationInfo info, params double[] parameters)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (parameters.Length != info.Parameters.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{info.Name} takes {info.Parameters.Count} parameter(s), got {parameters.Length}."), nameof(parameters));
        }

        // A copy, validated: the caller's array stays the caller's to change.
        parameters = (double[])parameters.Clone();
        for (int i = 0; i < parameters.Length; i++)
        {
            info.Parameters[i].Validate(parameters[i], info.Name);
        }

        Info = info;
        _parameters = parameters;
        Parameters = Array.AsReadOnly(parameters);
    }

    /// <summary>What the catalog knows about this function.</summary>
    public ActivationInfo Info { get; }

    /// <summary>Canonical name.</summary>
    public string Name => Info.Name;

    /// <summary>The bound parameter values, in the order of <see cref="ActivationInfo.Parameters"/>.</summary>
    /// <remarks>A read-only view: the array behind it is the instance's own, which a caller must not be able to change
    /// past validation (a cast to double[] once rewrote what <see cref="ToString"/> says but not what the kernels use).</remarks>
    public IReadOnlyList<double> Parameters { get; }

    /// <summary>True when <see cref="BackwardFromOutput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> is available.</summary>
    public virtual bool SupportsBackwardFromOutput => false;

    /// <summary>
    /// Where this instance has kinks or jumps, at its own parameter values: the catalog's <see cref="ActivationInfo.Kinks"/>
    /// are those at the default parameters, and functions whose kinks move with a parameter override this
    /// (thresholded_relu(10) at 10, hardtanh(-8, 20) at −8 and 20, softplus at threshold/β).
    /// </summary>
    public virtual IReadOnlyList<double> Kinks => Info.Kinks;

    /// <summary>
    /// How far this instance's f′ stretches along x against the catalog's: its zeros lie at the catalog's
    /// <see cref="ActivationInfo.DerivativeZeros"/> (and period) times this factor, and the accuracy meter's neighbourhood
    /// of a zero, where slopes are measured absolutely, widens by it. 1 unless a parameter scales the argument: swish
    /// x·σ(βx) takes 1/β (its zero at −1.2785/β).
    /// </summary>
    public virtual double DerivativeZeroScale => 1.0;

    /// <summary>
    /// Number of output columns for an input row of <paramref name="columns"/> elements (a row's real length: where a call
    /// takes columns = 0 for "the whole span is one row", pass the span's length here). Throws <see cref="ArgumentException"/>
    /// for a negative count.
    /// </summary>
    public virtual int OutputColumns(int columns)
    {
        RequireColumns(columns);
        return columns;
    }

    /// <summary>
    /// Refuses a negative <paramref name="columns"/>: element-wise functions ignore the count, but a negative one is a
    /// caller's bug that row-wise and gated functions and <see cref="OutputColumns"/> refuse, so they refuse it too.
    /// </summary>
    protected void RequireColumns(int columns)
    {
        if (columns < 0) throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Name}: columns must be ≥ 0, got {columns}."), nameof(columns));
    }

    /// <summary>
    /// The channels of a function with one parameter per channel (prelu(num_parameters=C): C): a call on more than one
    /// value needs rows of exactly this many columns. 1 when any row length works.
    /// </summary>
    public virtual int Channels => 1;

    /// <summary>
    /// The function one channel computes, callable on any buffer: this instance when <see cref="Channels"/> is 1, else
    /// the same function with its first channel's parameters (prelu(num_parameters=C): a one-slope PReLU with the first
    /// slope's current value). Whatever describes the function as a curve — its gain, its plot, its values at given
    /// inputs — is computed on this: on rows of C channels it took C times the work for the same numbers (a minute and
    /// 4 GB for show 'prelu(num_parameters=1048576)').
    /// </summary>
    public virtual Activation FirstChannel() => this;

    /// <summary>y = f(x) over float data.</summary>
    public abstract void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0);

    /// <summary>y = f(x) over double data.</summary>
    public abstract void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0);

    /// <summary>y = f(x) over Half data (computed in float, rounded once; the float overload's argument checks apply).</summary>
    public virtual void Forward(ReadOnlySpan<Half> x, Span<Half> y, int columns = 0)
        => ThroughSingle(x, y, columns, static (a, b, c, self) => self.Forward(a, b, c));

    /// <summary>y = f(x) over BFloat16 data (computed in float, rounded to nearest even; the float overload's argument checks apply).</summary>
    public virtual void Forward(ReadOnlySpan<BFloat16> x, Span<BFloat16> y, int columns = 0)
        => ThroughSingle(x, y, columns, static (a, b, c, self) => self.Forward(a, b, c));

    /// <summary>dx = dy·∂f/∂x from the input x (row-wise: the Jacobian-vector product; gated: dx has twice dy's columns).</summary>
    public abstract void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0);

    /// <summary>dx = dy·∂f/∂x from the input x, double.</summary>
    public abstract void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0);

    /// <summary>dx = dy·∂f/∂x for Half data (computed in float, rounded once; the float overload's argument checks apply); gated: dx has twice dy's columns.</summary>
    public virtual void Backward(ReadOnlySpan<Half> x, ReadOnlySpan<Half> dy, Span<Half> dx, int columns = 0)
        => BackwardThroughSingle(x, dy, dx, columns, fromOutput: false);

    /// <summary>dx = dy·∂f/∂x for BFloat16 data (computed in float, rounded to nearest even; the float overload's argument checks apply).</summary>
    public virtual void Backward(ReadOnlySpan<BFloat16> x, ReadOnlySpan<BFloat16> dy, Span<BFloat16> dx, int columns = 0)
        => BackwardThroughSingle(x, dy, dx, columns, fromOutput: false);

    /// <summary>dx from the output y = f(x), so the forward can run in place. Check <see cref="SupportsBackwardFromOutput"/>.</summary>
    public virtual void BackwardFromOutput(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
        => throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{Name}: the derivative is not a function of the output; use Backward with the input."));

    /// <summary>dx from the output y = f(x), double.</summary>
    public virtual void BackwardFromOutput(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
        => throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{Name}: the derivative is not a function of the output; use Backward with the input."));

    /// <summary>
    /// dx from the output y = f(x) for Half data (computed in float from the widened y and dy, rounded once; the float
    /// overload's checks apply). f′ is then known only to Half's precision of y: sigmoid's y·(1 − y) is 0 once y rounds to 1.
    /// </summary>
    public virtual void BackwardFromOutput(ReadOnlySpan<Half> y, ReadOnlySpan<Half> dy, Span<Half> dx, int columns = 0)
        => BackwardThroughSingle(y, dy, dx, columns, fromOutput: true);

    /// <summary>dx from the output y = f(x) for BFloat16 data (computed in float, rounded to nearest even; the float overload's checks apply).</summary>
    public virtual void BackwardFromOutput(ReadOnlySpan<BFloat16> y, ReadOnlySpan<BFloat16> dy, Span<BFloat16> dx, int columns = 0)
        => BackwardThroughSingle(y, dy, dx, columns, fromOutput: true);

    /// <summary>
    /// The spec string of this function and its catalog parameters (<see cref="Parameters"/>), e.g.
    /// <c>leaky_relu(negative_slope=0.2)</c>, which <see cref="ActivationCatalog.Create(string)"/> turns back into an
    /// instance with the same <see cref="Info"/> and <see cref="Parameters"/>. Each parameter is written in the shortest
    /// text that round-trips the precision it is kept in — double, except PReLU's <c>init</c>, whose slopes are floats for
    /// any data, so <c>init=0.1</c> rather than the double of 0.1f, <c>0.10000000149011612</c>; either text creates the
    /// same slopes.
    /// </summary>
    /// <remarks>
    /// State that is not a catalog parameter is not part of a spec, so it is not in the string and is not recreated:
    /// PReLU's current slopes (<see cref="Functions.Prelu.Weights"/>, learned or passed to
    /// <see cref="Functions.Prelu(ReadOnlySpan{float})"/>; the spec carries <c>num_parameters</c> and, as <c>init</c>,
    /// the value the first slope had when the instance was created, and recreates every slope at that value), and
    /// RReLU's training mode and seed (<see cref="Functions.Rrelu.Training"/>, <see cref="Functions.Rrelu.Seed"/>; the spec
    /// recreates the inference-mode instance). Save such state separately (e.g. a model file) to restore it.
    /// </remarks>
    public override string ToString()
    {
        if (_parameters.Length == 0) return Name;
        bool preluSlope = this is Functions.Prelu;
        var parts = Info.Parameters.Select((p, i) => $"{p.Name}={(preluSlope && p.Name == "init" ? ((float)_parameters[i]).ToString("R", CultureInfo.InvariantCulture) : _parameters[i].ToString("R", CultureInfo.InvariantCulture))}");
        return $"{Name}({string.Join(", ", parts)})";
    }

    /// <summary>Checks that a row-wise or gated buffer of <paramref name="length"/> elements splits into rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected int RowLength(int length, int columns, string argumentName = "columns")
    {
        if (columns == 0) return length;
        if (columns < 0 || length % columns != 0) ThrowRowLength(length, columns, argumentName);
        return columns;
    }

    /// <summary>The message of <see cref="RowLength"/>, out of line so the check builds nothing per call.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowRowLength(int length, int columns, string argumentName)
        => throw new ArgumentException(
            columns < 0 ? string.Create(CultureInfo.InvariantCulture, $"{Name}: columns must be ≥ 0, got {columns}.") : string.Create(CultureInfo.InvariantCulture, $"{Name}: a buffer of {length} elements is not a whole number of rows of {columns} columns."),
            argumentName);

    /// <summary>
    /// The 16-bit backward: x and dy widened to float, the float overload called, dx narrowed once. The float buffers lie
    /// as the caller's spans do (<see cref="FloatBuffers{T}"/>), so the float overload applies its own checks.
    /// </summary>
    private void BackwardThroughSingle<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, int columns, bool fromOutput)
        where T : unmanaged
    {
        var buffers = new FloatBuffers<T>(dx, x, dy);
        try
        {
            LowPrecision.ToSingle(x, buffers.First);
            LowPrecision.ToSingle(dy, buffers.Second);
            if (fromOutput) BackwardFromOutput(buffers.First, buffers.Second, buffers.Output, columns);
            else Backward(buffers.First, buffers.Second, buffers.Output, columns);
            LowPrecision.FromSingle(buffers.Output, dx);
        }
        finally
        {
            buffers.Return();
        }
    }

    private delegate void SingleCall(ReadOnlySpan<float> x, Span<float> y, int columns, Activation self);

    /// <summary>
    /// The 16-bit forward: x widened to float, the float overload called, y narrowed once. The float buffers lie as the
    /// caller's spans do (<see cref="FloatBuffers{T}"/>), so the float overload applies its own checks.
    /// </summary>
    private void ThroughSingle<T>(ReadOnlySpan<T> x, Span<T> y, int columns, SingleCall call)
        where T : unmanaged
    {
        var buffers = new FloatBuffers<T>(y, x, default);
        try
        {
            LowPrecision.ToSingle(x, buffers.First);
            call(buffers.First, buffers.Output, columns, this);
            LowPrecision.FromSingle(buffers.Output, y);
        }
        finally
        {
            buffers.Return();
        }
    }

    /// <summary>
    /// Pooled float buffers for a 16-bit call, of the caller's lengths and overlapping as the caller's spans do: an input
    /// that is the output span itself gets the output's floats, one that overlaps it otherwise overlaps them (in the same
    /// direction, at most one element away: see <see cref="Offset"/>), and any other input gets floats of its own. The
    /// float overload then sees what a float caller with such spans would show it, and applies its own checks — lengths,
    /// rows, channels, in place and overlap — with its own messages. (Checks made here before widening differed from
    /// those: softmax and glu accepted overlapping Half spans that float refuses, and prelu refused a columns value its
    /// float overload ignores.)
    /// </summary>
    private readonly ref struct FloatBuffers<T>
        where T : unmanaged
    {
        private readonly float[] _shared;
        private readonly float[]? _first;
        private readonly float[]? _second;

        /// <summary>The output's floats.</summary>
        public readonly Span<float> Output;

        /// <summary>The first input's floats.</summary>
        public readonly Span<float> First;

        /// <summary>The second input's floats (empty when there is none).</summary>
        public readonly Span<float> Second;

        public FloatBuffers(ReadOnlySpan<T> output, ReadOnlySpan<T> first, ReadOnlySpan<T> second)
        {
            // The output and the inputs that overlap it share one buffer, from the lowest start to the highest end, in
            // bytes of the 16-bit data from the output's start; float bytes are twice as many.
            int size = Unsafe.SizeOf<T>();
            int widening = sizeof(float) / size;
            long? a = Offset(output, first);
            long? b = Offset(output, second);
            long low = Math.Min(0, Math.Min(a ?? 0, b ?? 0));
            long high = (long)output.Length * size;
            if (a is long fa) high = Math.Max(high, fa + ((long)first.Length * size));
            if (b is long fb) high = Math.Max(high, fb + ((long)second.Length * size));

            int sharedFloats = (int)((((high - low) * widening) + sizeof(float) - 1) / sizeof(float));
            _shared = ArrayPool<float>.Shared.Rent(Math.Max(1, sharedFloats));
            Output = Place(_shared, -low * widening, output.Length);
            _first = a is null ? Rent(first.Length) : null;
            First = a is long pa ? Place(_shared, (pa - low) * widening, first.Length) : _first.AsSpan(0, first.Length);
            _second = b is null ? Rent(second.Length) : null;
            Second = b is long pb ? Place(_shared, (pb - low) * widening, second.Length) : _second.AsSpan(0, second.Length);
        }

        public void Return()
        {
            ArrayPool<float>.Shared.Return(_shared);
            if (_first is not null) ArrayPool<float>.Shared.Return(_first);
            if (_second is not null) ArrayPool<float>.Shared.Return(_second);
        }

        /// <summary>
        /// Null when <paramref name="input"/> does not overlap <paramref name="output"/>; else its byte offset from the
        /// output's start, brought to within one element (0 stays 0, the same span): the float checks ask only whether
        /// spans overlap and whether they are the same span, and an overlap one element away is an overlap still, while
        /// the true offset of a long partial overlap would make the shared buffer as long as both spans together.
        /// </summary>
        private static long? Offset(ReadOnlySpan<T> output, ReadOnlySpan<T> input)
        {
            if (!input.Overlaps(output)) return null;
            long offset = Unsafe.ByteOffset(ref MemoryMarshal.GetReference(output), ref MemoryMarshal.GetReference(input));
            return Math.Clamp(offset, -Unsafe.SizeOf<T>(), Unsafe.SizeOf<T>());
        }

        /// <summary>
        /// <paramref name="length"/> floats from <paramref name="byteOffset"/> in <paramref name="shared"/>. An offset that
        /// is not a whole number of floats comes only from 16-bit spans that overlap by a part of an element, which the
        /// float overload refuses before it reads them.
        /// </summary>
        private static Span<float> Place(float[] shared, long byteOffset, int length) => byteOffset % sizeof(float) == 0
            ? shared.AsSpan((int)(byteOffset / sizeof(float)), length)
            : MemoryMarshal.CreateSpan(ref Unsafe.As<byte, float>(ref Unsafe.AddByteOffset(ref Unsafe.As<float, byte>(ref MemoryMarshal.GetArrayDataReference(shared)), (nint)byteOffset)), length);

        private static float[]? Rent(int length) => length == 0 ? null : ArrayPool<float>.Shared.Rent(length);
    }
}
