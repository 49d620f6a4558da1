using ActivationKit.Catalog;
using ActivationKit.Functions;

namespace ActivationKit.Nn;

/// <summary>One layer of an <see cref="Mlp"/> to build: its width, activation spec and (optional) initialiser.</summary>
/// <param name="Units">Output features.</param>
/// <param name="Activation">Catalog spec (<c>relu</c>, <c>tanh</c>, <c>leaky_relu(0.1)</c>…) or <c>linear</c>.</param>
/// <param name="Init">Initialiser; null means the network's default.</param>
public sealed record LayerSpec(int Units, string Activation, Initializer? Init = null)
{
    /// <summary>Dropout probability after this (hidden) layer during training; alpha-dropout after SELU. 0 = off.</summary>
    public double Dropout { get; init; }
}

/// <summary>A trainable parameter tensor: its values and the gradient the last backward pass left.</summary>
/// <param name="Name">E.g. <c>layer0.weight</c>.</param>
/// <param name="Value">The values (updated in place by optimisers).</param>
/// <param name="Gradient">∂L/∂Value.</param>
/// <param name="IsWeight">True for weight matrices (decayed by weight decay), false for biases.</param>
public sealed record Parameter(string Name, float[] Value, float[] Gradient, bool IsWeight);

/// <summary>
/// A multilayer perceptron: a stack of <see cref="DenseLayer"/>s with the buffers for a forward and backward pass.
/// </summary>
/// <remarks>
/// The last layer's outputs are what losses see: keep it linear for the fused logit losses
/// (<see cref="Losses.SoftmaxCrossEntropy"/>, <see cref="Losses.BinaryCrossEntropy"/>), which apply softmax or sigmoid
/// themselves; <see cref="Trainer.Fit"/> refuses an output layer of the function its loss fuses.
/// </remarks>
public sealed class Mlp
{
    private readonly DenseLayer[] _layers;
    private readonly List<ILayerObserver> _observers = [];
    private readonly List<string> _warnings = [];
    private float[][] _pre = [], _post = [], _dpre = [], _dpost = [], _drop = [], _dropDerivative = [];
    private bool[] _dropped = [];
    private Rng _dropoutRng = Rng.Derive(0, "dropout");
    private Rng _rreluRng = Rng.Derive(0, "rrelu");
    private int _capacity = -1;
    private int _forwardRows = -1;

    /// <summary>
    /// True once <see cref="Initialize"/> has drawn the weights or <see cref="ModelFile"/> has loaded them (a network
    /// initialised with zeros on purpose trains; one never initialised is refused by <see cref="Trainer.Fit"/>).
    /// </summary>
    internal bool WeightsAssigned { get; set; }

    /// <summary>Creates a network with zero weights; call <see cref="Initialize"/> or load weights.</summary>
    public Mlp(int inputSize, IReadOnlyList<LayerSpec> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (inputSize < 1) throw new ArgumentException($"inputSize must be ≥ 1, got {inputSize}.", nameof(inputSize));
        if (layers.Count == 0) throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        Specs = layers.ToArray();
        for (int i = 0; i < layers.Count; i++)
        {
            Nn.Dropout.Validate(layers[i].Dropout, nameof(layers));
            if (layers[i].Dropout > 0 && i == layers.Count - 1) throw new ArgumentException("Dropout applies to hidden layers; the output layer cannot have it.", nameof(layers));
        }

        _layers = new DenseLayer[layers.Count];
        int width = inputSize;
        for (int i = 0; i < layers.Count; i++)
        {
            _layers[i] = new DenseLayer(width, layers[i].Units, layers[i].Activation);
            width = layers[i].Units;
        }

        InputSize = inputSize;
    }

    /// <summary>
    /// The usual shape: hidden layers of <paramref name="hiddenUnits"/> with <paramref name="hiddenActivation"/>, then an
    /// output layer of <paramref name="outputUnits"/> (linear by default, as the fused logit losses expect).
    /// </summary>
    /// <remarks>
    /// For probabilities, keep the output linear and train with the fused loss (cross_entropy, bce): it applies softmax
    /// or sigmoid itself, so <see cref="Trainer.Fit"/> refuses <c>outputActivation: "softmax"</c> with cross_entropy
    /// and <c>"sigmoid"</c> with bce (the outputs would be squashed twice); apply the function to
    /// <see cref="Predict"/>'s logits instead, as <c>actkit predict</c> does.
    /// </remarks>
    public static Mlp Build(int inputSize, IEnumerable<int> hiddenUnits, string hiddenActivation, int outputUnits, string outputActivation = "linear", double dropout = 0)
    {
        ArgumentNullException.ThrowIfNull(hiddenUnits);
        var specs = hiddenUnits.Select(u => new LayerSpec(u, hiddenActivation) { Dropout = dropout }).Append(new LayerSpec(outputUnits, outputActivation)).ToList();
        return new Mlp(inputSize, specs);
    }

    /// <summary>Input features per sample.</summary>
    public int InputSize { get; }

    /// <summary>Output features per sample.</summary>
    public int OutputSize => _layers[^1].Units;

    /// <summary>The layers, input first.</summary>
    public IReadOnlyList<DenseLayer> Layers => _layers;

    /// <summary>The specs the network was built from.</summary>
    public IReadOnlyList<LayerSpec> Specs { get; }

    /// <summary>Threads for the matrix products (results are bit-identical for any value).</summary>
    public int Threads
    {
        get;
        set => field = value >= 1 ? value : throw new ArgumentException($"Threads must be ≥ 1, got {value}.", nameof(value));
    } = 1;

    /// <summary>Warnings from initialisation (e.g. symmetric hidden layers).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Raised for each warning as it is produced.</summary>
    public event Action<string>? Warning;

    /// <summary>Total trainable scalars (in long: the layers together may hold more than int.MaxValue).</summary>
    public long ParameterCount => _layers.Sum(l => l.ParameterCount);

    /// <summary>
    /// All parameters, layer by layer: weight, bias, then the activation's slopes when it learns any (PReLU; not decayed,
    /// as weight decay would pull the slopes towards ReLU).
    /// </summary>
    public IReadOnlyList<Parameter> Parameters()
    {
        var list = new List<Parameter>(3 * _layers.Length);
        for (int i = 0; i < _layers.Length; i++)
        {
            list.Add(new Parameter($"layer{i}.weight", _layers[i].Weights, _layers[i].WeightGradient, true));
            list.Add(new Parameter($"layer{i}.bias", _layers[i].Bias, _layers[i].BiasGradient, false));
            if (_layers[i].Slopes.Length > 0) list.Add(new Parameter($"layer{i}.slopes", _layers[i].Slopes, _layers[i].SlopeGradient, false));
        }

        return list;
    }

    /// <summary>Adds an observer called on every forward and backward pass.</summary>
    public void AddObserver(ILayerObserver observer) => _observers.Add(observer ?? throw new ArgumentNullException(nameof(observer)));

    /// <summary>Removes an observer.</summary>
    public bool RemoveObserver(ILayerObserver observer) => _observers.Remove(observer);

    /// <summary>
    /// Initialises every layer from a seed (layer i uses its spec's initialiser or <paramref name="defaultInit"/>).
    /// Returns the warnings: an initialiser that draws equal weights (<see cref="Initializer.IsSymmetric"/>: zeros,
    /// constant, normal(0), uniform(0)) on a hidden layer of several units gives every unit the
    /// same gradient, so they stay identical forever; a value below float32's normal range (normal(1e-50)), whose weights
    /// float32 stores as 0 or subnormal, is told in the words of <c>actkit check</c>'s init_scale; an activation whose
    /// gradient is zero everywhere (binary_step, hardmax), or a row-wise one over a layer of one unit (softmax of one
    /// value is always 1), stops every gradient before it.
    /// </summary>
    public IReadOnlyList<string> Initialize(Initializer defaultInit, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(defaultInit);

        // Every layer's scheme is checked before any is drawn: a refusal (an infinite gain) leaves the weights and
        // WeightsAssigned as they were, so Trainer.Fit still refuses a network that was never initialised.
        var plans = new (Initializer Resolved, double Gain)[_layers.Length];
        for (int i = 0; i < _layers.Length; i++) plans[i] = _layers[i].Plan(Specs[i].Init ?? defaultInit);
        _warnings.Clear();
        WeightsAssigned = true;
        var rng = Rng.Derive(seed, "init");
        _dropoutRng = Rng.Derive(seed, "dropout");
        _rreluRng = Rng.Derive(seed, "rrelu");
        for (int i = 0; i < _layers.Length; i++)
        {
            var init = Specs[i].Init ?? defaultInit;
            // Messages quote the initialiser as it was written (normal(1e-50), not normal(1E-50)), as check does.
            string shown = init.Written ?? init.ToString();
            _layers[i].Draw(plans[i], rng);
            bool hidden = i < _layers.Length - 1;
            // A constant float32 stores as 0 (constant(1e-50)) is zeros to the layer, as the check judges it.
            bool zero = init.Kind != InitKind.Constant || ActivationKit.Diagnostics.Float32Weights.IsZero(init.Value);
            if (hidden && init.IsSymmetric && _layers[i].Units == 1 && _layers[i].Activation is { } single
                && ActivationKit.Diagnostics.InitCheck.EqualWeightsMatter(1, zero, single))
            {
                // One unit has no other to be a copy of; it is stuck only where its weights are 0 and the function's slope
                // at 0 is too (check's symmetric_init judges it the same way, InitCheck.EqualWeightsMatter).
                string stored = init.Kind == InitKind.Constant && init.Value != 0 ? ", which float32 stores as 0" : "";
                Warn($"Layer {i} (1 unit, {_layers[i].ActivationSpec}) is initialised with {shown}{stored}: every weight of its single unit is 0 and " +
                    $"{single.Name}′(0) = 0, so with its bias at 0 the unit outputs {single.Name}(0) and receives no gradient: the layer never learns. " +
                    "Use a random initialiser (he_normal, glorot_uniform, …) for hidden layers.");
            }
            else if (hidden && init.IsSymmetric && ActivationKit.Diagnostics.InitCheck.EqualWeightsMatter(_layers[i].Units, zero, _layers[i].Activation))
            {
                // The units stay identical only if they also get identical gradients: the next layer's weights are equal
                // too, or the weights are 0 where the function's slope at 0 is (ReLU: no gradient at all). A random next
                // layer gives each unit its own outgoing weights and gradient, and training separates them (InitCheck).

                // normal(0) and uniform(0) draw zeros as surely as zeros does; saying so explains a warning about a random initialiser.
                string draws = init.Kind is InitKind.Normal or InitKind.Uniform ? ", which draws every weight as 0"
                    : init.Kind == InitKind.Constant && init.Value != 0 && zero ? ", which float32 stores as 0"
                    : "";
                bool permanent = (Specs[i + 1].Init ?? defaultInit).IsSymmetric || (zero && _layers[i].Activation is { } act && ActivationKit.Diagnostics.InitCheck.ZeroSlopeAtZero(act));
                Warn(permanent
                    ? $"Layer {i} ({_layers[i].Units} units, {_layers[i].ActivationSpec}) is initialised with {shown}{draws}: every unit " +
                        "computes the same function and receives the same gradient, so the symmetry is never broken and the layer " +
                        "acts like a single unit. Use a random initialiser (he_normal, glorot_uniform, …) for hidden layers."
                    : $"Layer {i} ({_layers[i].Units} units, {_layers[i].ActivationSpec}) is initialised with {shown}{draws}: every unit " +
                        "starts as a copy of the others; only the next layer's different weights give the units different gradients, so " +
                        "training has to pull them apart from identical starts. Use a random initialiser (he_normal, glorot_uniform, …) for hidden layers.");
            }

            // A value below float32's normal range (normal(1e-50)) leaves the weights all (or mostly) 0 or subnormal: the
            // check reports it as init_scale, and this is its sentence and its fix (Float32Weights.Underflow), quoting the
            // initialiser as it was written, so the two cannot disagree. A hidden layer of equal weights is the symmetric
            // warning's above, as it is symmetric_init's there.
            if (!(hidden && init.IsSymmetric) && init.Kind is InitKind.Constant or InitKind.Uniform or InitKind.Normal
                && ActivationKit.Diagnostics.Float32Weights.Underflow(shown, init.Kind.ToString().ToLowerInvariant(), init.Value, _layers[i].Activation) is { } underflow)
            {
                Warn($"Layer {i} ({Spelling.Count(_layers[i].Units, "unit")}, {_layers[i].ActivationSpec}): {underflow.Explanation} {underflow.Fix}");
            }

            // Both cases below stop every gradient before the layer; they differ only in why and in the remedy.
            string stopped = "neither this layer's weights nor those of the layers before it ever change" + (hidden ? "; only the layers after it learn." : ".");
            if (_layers[i].Activation is { Info.Kind: ActivationKind.Rowwise } rowwise && _layers[i].PreWidth == 1)
            {
                // A row of one value normalises to a constant (softmax 1, log_softmax 0, hardmax 1): the output carries
                // nothing and the gradient is zero, exactly like a zero-gradient function, whatever the function.
                Warn($"Layer {i} (1 unit, {_layers[i].ActivationSpec}): {rowwise.Name} normalises over the layer's row, and over a single " +
                    $"unit it outputs the same constant for every input, so its gradient is zero and {stopped}" +
                    " Give the layer more units, or use an element-wise function (sigmoid, identity) for a single output.");
            }
            else if (_layers[i].Activation is { } activation && ActivationKit.Advisor.CatalogProperties.PassesNoGradient(activation.Info))
            {
                Warn($"Layer {i} ({Spelling.Count(_layers[i].Units, "unit")}, {_layers[i].ActivationSpec}): {activation.Name}'s gradient is zero everywhere, so {stopped}" +
                    $" Train with a smooth stand-in ({ActivationKit.Advisor.CatalogProperties.SmoothStandIn(activation.Info)}) and apply {activation.Name} at inference.");
            }
        }

        return _warnings.ToArray();

        void Warn(string message)
        {
            _warnings.Add(message);
            Warning?.Invoke(message);
        }
    }

    /// <summary>
    /// True while training: hidden layers with <see cref="LayerSpec.Dropout"/> drop units on each forward pass.
    /// <see cref="Trainer.Fit"/> sets it for its training steps; <see cref="Trainer.Evaluate"/> and <see cref="Predict"/>
    /// run with it off and then restore the value they found.
    /// </summary>
    public bool Training { get; set; }

    /// <summary>Restarts the dropout masks from <paramref name="seed"/> (the same seed gives the same masks).</summary>
    public void ReseedDropout(ulong seed) => _dropoutRng = Rng.Derive(seed, "dropout");

    /// <summary>Runs the network on <paramref name="rows"/> samples; returns a view of the outputs [rows × OutputSize] valid until the next pass.</summary>
    /// <remarks>Zero rows give an empty output (and a following <see cref="Backward"/> of zero rows leaves zero gradients).</remarks>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> x, int rows)
    {
        CheckInput(x.Length, rows);
        Ensure(rows);
        _forwardRows = -1; // until the pass completes: a failed pass cannot be back-propagated
        ReadOnlySpan<float> input = x;
        for (int i = 0; i < _layers.Length; i++)
        {
            var layer = _layers[i];
            var pre = _pre[i].AsSpan(0, rows * layer.PreWidth);
            var post = _post[i].AsSpan(0, rows * layer.Units);
            // RReLU draws fresh slopes for every training step (Xu et al.); evaluation uses the mean slope.
            layer.StepActivation = Training && layer.Activation is Rrelu { Training: false } rrelu ? rrelu.Train(_rreluRng.NextUInt64()) : null;
            layer.Forward(input, pre, post, rows, Threads);
            if (_observers.Count > 0)
            {
                foreach (var o in _observers) o.OnForward(i, pre, post, rows);
            }

            _dropped[i] = Training && Specs[i].Dropout > 0;
            if (_dropped[i])
            {
                var y = _drop[i].AsSpan(0, post.Length);
                Nn.Dropout.Apply(post, y, _dropDerivative[i].AsSpan(0, post.Length), Specs[i].Dropout, IsSelu(layer), _dropoutRng);
                input = y;
                continue;
            }

            input = post;
        }

        _forwardRows = rows;
        return input;
    }

    /// <summary>
    /// Back-propagates ∂L/∂output through the pass just made by <see cref="Forward"/> on the same <paramref name="x"/>,
    /// leaving every layer's gradients in its <see cref="DenseLayer.WeightGradient"/> and <see cref="DenseLayer.BiasGradient"/>.
    /// </summary>
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient, int rows)
    {
        if (_forwardRows < 0) throw new ArgumentException("Backward must follow a Forward over the same input, and no forward pass has been made.", nameof(x));
        if (rows != _forwardRows || x.Length != (long)rows * InputSize)
        {
            throw new ArgumentException($"Backward must follow a Forward over the same input: the last pass had {Spelling.Count(_forwardRows, "row")} of {Spelling.Count(InputSize, "feature")}, got {Spelling.Count(rows, "row")} and {Spelling.Count(x.Length, "value")}.", nameof(x));
        }

        if (outputGradient.Length != (long)rows * OutputSize)
        {
            throw new ArgumentException($"The output gradient has {outputGradient.Length} values, expected {rows}×{OutputSize}.", nameof(outputGradient));
        }

        outputGradient.CopyTo(_dpost[^1]);
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            var layer = _layers[i];
            ReadOnlySpan<float> input = i == 0 ? x : (_dropped[i - 1] ? _drop[i - 1] : _post[i - 1]).AsSpan(0, rows * layer.InputSize);
            Span<float> dx = i == 0 ? Span<float>.Empty : _dpost[i - 1].AsSpan(0, rows * layer.InputSize);
            var dpre = _dpre[i].AsSpan(0, rows * layer.PreWidth);
            var dpost = _dpost[i].AsSpan(0, rows * layer.Units);
            layer.Backward(input, _pre[i].AsSpan(0, rows * layer.PreWidth), _post[i].AsSpan(0, rows * layer.Units), dpost, dpre, dx, rows, Threads);
            if (_observers.Count > 0)
            {
                foreach (var o in _observers) o.OnBackward(i, new LayerGradients(dpost, dpre, layer.WeightGradient, layer.BiasGradient, rows));
            }

            if (i > 0 && _dropped[i - 1])
            {
                // dx is ∂L/∂(dropped output); the chain rule through dropout multiplies by its derivative.
                var d = _dropDerivative[i - 1];
                for (int k = 0; k < dx.Length; k++) dx[k] *= d[k];
            }
        }
    }

    private static bool IsSelu(DenseLayer layer) => layer.Activation?.Name == "selu";

    /// <summary>Outputs for all samples, computed in batches, as a new array [rows × OutputSize].</summary>
    /// <exception cref="ArgumentException">A batch size below 1, negative rows, or an input that is not rows × <see cref="InputSize"/> values.</exception>
    public float[] Predict(ReadOnlySpan<float> x, int rows, int batchSize = 1024)
    {
        if (batchSize < 1) throw new ArgumentException($"batchSize must be ≥ 1, got {batchSize}.", nameof(batchSize));
        CheckInput(x.Length, rows);
        long outputs = (long)rows * OutputSize;
        if (outputs > Array.MaxLength)
        {
            throw new ArgumentException($"{rows:N0} rows × {OutputSize:N0} outputs = {outputs:N0} values, more than an array can hold; predict in parts.", nameof(rows));
        }

        // Inference runs without dropout; the caller's Training comes back afterwards (it was left false, so a manual
        // training loop that predicted between steps went on silently without dropout).
        bool training = Training;
        Training = false;
        try
        {
            var result = new float[outputs];
            for (int r0 = 0; r0 < rows; r0 += batchSize)
            {
                int n = Math.Min(batchSize, rows - r0);
                Forward(x.Slice(r0 * InputSize, n * InputSize), n).CopyTo(result.AsSpan(r0 * OutputSize));
            }

            return result;
        }
        finally
        {
            Training = training;
        }
    }

    private void CheckInput(int length, int rows)
    {
        if (rows < 0) throw new ArgumentException($"rows must be ≥ 0, got {rows}.", nameof(rows));

        // In long: rows × InputSize wraps around int for a large row count (1431655766 × 3 came out as 2).
        long expected = (long)rows * InputSize;
        if (length != expected)
        {
            throw new ArgumentException($"The input has {Spelling.Count(length, "value")} but {Spelling.Count(rows, "row")} × {Spelling.Count(InputSize, "feature")} = {expected:N0} are expected.", "x");
        }
    }

    private void Ensure(int rows)
    {
        // The first pass allocates even for zero rows, so every per-layer buffer and flag exists.
        if (rows <= _capacity) return;
        int n = _layers.Length;
        long widest = _layers.Max(l => (long)l.PreWidth);
        if ((long)rows * widest > Array.MaxLength)
        {
            throw new ArgumentException($"A pass over {rows:N0} rows needs {(long)rows * widest:N0} values for a layer of {widest:N0} columns, more than an array can hold; run it in smaller batches (Predict does).", nameof(rows));
        }

        _pre = new float[n][];
        _post = new float[n][];
        _dpre = new float[n][];
        _dpost = new float[n][];
        _drop = new float[n][];
        _dropDerivative = new float[n][];
        _dropped = new bool[n];
        for (int i = 0; i < n; i++)
        {
            _drop[i] = Specs[i].Dropout > 0 ? new float[rows * _layers[i].Units] : [];
            _dropDerivative[i] = Specs[i].Dropout > 0 ? new float[rows * _layers[i].Units] : [];
            _pre[i] = new float[rows * _layers[i].PreWidth];
            _dpre[i] = new float[rows * _layers[i].PreWidth];
            _post[i] = new float[rows * _layers[i].Units];
            _dpost[i] = new float[rows * _layers[i].Units];
        }

        _capacity = rows;
    }
}
