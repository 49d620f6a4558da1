using System.Diagnostics;
using ActivationKit.Diagnostics;

namespace ActivationKit.Nn.Experiments;

/// <summary>How to run a plan: which shard, how many trials at once, and who hears about progress.</summary>
public sealed record RunOptions
{
    /// <summary>The slice of the plan to run.</summary>
    public Shard Shard { get; init; } = Shard.All;

    /// <summary>Trials trained at the same time (each single-threaded; results do not depend on this).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Held-out samples examined for the end-of-training diagnostics.</summary>
    public int DiagnosticSamples { get; init; } = 512;

    /// <summary>Called (serialised) after each trial of the shard is finished or found already done.</summary>
    public Action<RunProgress>? Progress { get; init; }

    /// <summary>
    /// Stops the run: no trial starts after it is cancelled, and the trials in training stop at their next mini-batch
    /// and are dropped (a trial whose training had finished is still written); the run then throws
    /// <see cref="RunCancelledException"/>. Every trial file written stays whole (each is written atomically), so a
    /// rerun resumes.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Called before each finished trial's file is written and before a comparison with no trial is removed, its result
    /// disposed when that is done: a caller that ends the process at once on a second Ctrl-C (the CLI) holds the exit
    /// for these milliseconds. Ended during them, the process lost a trial whose training had finished, or left the
    /// manifest of a comparison it had removed nothing of yet.
    /// </summary>
    public Func<IDisposable>? Saving { get; init; }
}

/// <summary>A run stopped by <see cref="RunOptions.Cancellation"/>, with what it had saved by then.</summary>
public sealed class RunCancelledException : OperationCanceledException
{
    /// <summary>A run of <paramref name="total"/> trials stopped with <paramref name="saved"/> of them on disk.</summary>
    public RunCancelledException(int saved, int trained, int total, CancellationToken token)
        : base($"The run was cancelled with {saved} of {total} trials saved.", token)
    {
        Saved = saved;
        Trained = trained;
        Total = total;
    }

    /// <summary>Trials of the shard with a result file: those found finished on disk and those trained before the stop.</summary>
    public int Saved { get; }

    /// <summary>Trials trained and written by this run before it stopped.</summary>
    public int Trained { get; }

    /// <summary>Trials of the shard.</summary>
    public int Total { get; }
}

/// <summary>Progress of a run: trials of this shard done so far (including those skipped as already finished).</summary>
/// <param name="Done">Trials finished or skipped.</param>
/// <param name="Total">Trials in this shard.</param>
/// <param name="Skipped">Trials found finished on disk.</param>
/// <param name="Trial">The trial just finished.</param>
/// <param name="WasSkipped">True when <paramref name="Trial"/> was read from disk rather than trained.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Remaining">Estimated time left (from the trials trained so far), or null before the first.</param>
public sealed record RunProgress(int Done, int Total, int Skipped, TrialResult Trial, bool WasSkipped, TimeSpan Elapsed, TimeSpan? Remaining);

/// <summary>What a run did.</summary>
/// <param name="Manifest">The comparison.</param>
/// <param name="Trials">This shard's results, in plan order.</param>
/// <param name="Trained">Trials trained in this run.</param>
/// <param name="Skipped">Trials already on disk.</param>
public sealed record RunOutcome(ExperimentManifest Manifest, IReadOnlyList<TrialResult> Trials, int Trained, int Skipped);

/// <summary>
/// Trains the same network once per (activation, seed) and records each trial as it finishes. Resumable (finished
/// trials are skipped) and shardable (<see cref="Shard"/>); deterministic (same configuration → same results).
/// </summary>
public static class ExperimentRunner
{
    /// <summary>The manifest of a configuration on loaded data.</summary>
    public static ExperimentManifest Manifest(ExperimentConfig config, ExperimentData data, string outDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        string key = config.ExperimentKey(data.Identity);
        return new ExperimentManifest
        {
            Experiment = ExperimentConfig.Hash(key),
            ExperimentKey = key,
            Config = config,
            DataIdentity = data.Identity,
            TrialCount = config.Trials().Count,
            Command = config.ToCommandLine(outDirectory),
        };
    }

    /// <summary>
    /// Runs the trials of <see cref="RunOptions.Shard"/> that have no result file in <paramref name="outDirectory"/> yet,
    /// writing each one atomically as soon as it finishes.
    /// </summary>
    /// <exception cref="ArgumentException">The folder holds a different comparison.</exception>
    /// <exception cref="InvalidDataException">The folder holds a trial file that is unreadable or of another comparison (checked before training).</exception>
    /// <exception cref="RunCancelledException"><see cref="RunOptions.Cancellation"/> stopped the run.</exception>
    public static RunOutcome Run(ExperimentConfig config, ExperimentData data, string outDirectory, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(outDirectory);
        options ??= new RunOptions();
        if (options.Threads < 1) throw new ArgumentException($"--threads must be ≥ 1, got {options.Threads}.");
        var manifest = Manifest(config, data, outDirectory);

        // A folder of another comparison is refused by its settings first; then any trial file the table at the end would
        // refuse (a foreign or damaged file, not one this run writes), before hours of training.
        ResultStore.CheckManifest(outDirectory, manifest);
        var basis = config.BasisKey(data.Identity);
        var written = config.Trials().Where(t => options.Shard.Includes(t.Index))
            .Select(t => Path.GetFileName(ResultStore.TrialPath(outDirectory, t, ExperimentConfig.Hash(TrialKey(basis, t)))))
            .ToHashSet(StringComparer.Ordinal);
        ResultStore.CheckTrialFiles(outDirectory, manifest, written);
        bool created = ResultStore.WriteOrCheckManifest(outDirectory, manifest);
        ResultStore.RemoveStaleTemporaryFiles(outDirectory, ResultStore.StaleAfter);
        try
        {
            return RunPlan(config, data, outDirectory, options, manifest);
        }
        // Only a whole comparison: a shard's folder may be shared with other shards already training into it.
        catch when (created && options.Shard == Shard.All)
        {
            using (options.Saving?.Invoke()) ResultStore.RemoveEmptyComparison(outDirectory);
            throw;
        }
    }

    private static RunOutcome RunPlan(ExperimentConfig config, ExperimentData data, string outDirectory, RunOptions options, ExperimentManifest manifest)
    {
        var basis = config.BasisKey(data.Identity);
        var plan = config.Trials().Where(t => options.Shard.Includes(t.Index)).ToArray();
        var results = new TrialResult?[plan.Length];
        var pending = new List<int>();
        var clock = Stopwatch.StartNew();
        int done = 0, skipped = 0, trained = 0;
        var gate = new object();

        for (int i = 0; i < plan.Length; i++)
        {
            string hash = ExperimentConfig.Hash(TrialKey(basis, plan[i]));
            var existing = ResultStore.TryReadTrial(ResultStore.TrialPath(outDirectory, plan[i], hash), hash, manifest.Experiment);
            if (existing is null)
            {
                pending.Add(i);
                continue;
            }

            results[i] = existing;
            done++;
            skipped++;
            options.Progress?.Invoke(new RunProgress(done, plan.Length, skipped, existing, true, clock.Elapsed, null));
        }

        var token = options.Cancellation;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = token };
        try
        {
            Parallel.ForEach(pending, parallel, i =>
            {
                var spec = plan[i];
                string key = TrialKey(basis, spec);
                TrialResult result;
                try
                {
                    result = RunTrial(config, data, spec, manifest, key, options.DiagnosticSamples, token);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Dropped part-way: nothing of it was written, and the loop reports the cancellation once it ends.
                    return;
                }

                // Written even when the stop came after its training ended: the result is whole, and the write takes
                // milliseconds and never leaves its temporary file behind (WriteAtomic removes it however it ends).
                using (options.Saving?.Invoke()) ResultStore.WriteTrial(ResultStore.TrialPath(outDirectory, spec, result.Hash), result);
                lock (gate)
                {
                    results[i] = result;
                    done++;
                    trained++;
                    var elapsed = clock.Elapsed;
                    var remaining = TimeSpan.FromTicks(elapsed.Ticks / trained * (plan.Length - done));
                    options.Progress?.Invoke(new RunProgress(done, plan.Length, skipped, result, false, elapsed, remaining));
                }
            });
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Thrown by the loop after its running trials returned; the caller learns what is on disk.
            throw new RunCancelledException(done, trained, plan.Length, token);
        }

        // The last trials may have been dropped by a stop that the loop, already past its last start, did not report.
        if (results.Any(r => r is null)) throw new RunCancelledException(done, trained, plan.Length, token);
        return new RunOutcome(manifest, results.Select(r => r!).ToArray(), trained, skipped);
    }

    /// <summary>A trial's canonical key: the shared basis, the contender (with its own initialiser) and the seed.</summary>
    public static string TrialKey(string basis, TrialSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"{basis};activation={spec.Contender.Activation};activation_init={spec.Contender.Init ?? "experiment"};seed={spec.Seed}";
    }

    /// <summary>
    /// The initialisation warnings of each contender's network (<see cref="Mlp.Initialize"/>: a symmetric initialiser on a
    /// hidden layer, a function that passes no gradient), in contender order, contenders without any left out. They
    /// depend on the functions, the initialisers and the widths, not on the seed, so one network per contender is built.
    /// </summary>
    public static IReadOnlyList<(Contender Contender, IReadOnlyList<string> Warnings)> InitializationWarnings(ExperimentConfig config, ExperimentData data)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        var list = new List<(Contender, IReadOnlyList<string>)>();
        foreach (var contender in config.Activations)
        {
            var (_, _, warnings) = Build(config, data, contender, seed: 1);
            if (warnings.Count > 0) list.Add((contender, warnings));
        }

        return list;
    }

    /// <summary>A contender's network, initialised from <paramref name="seed"/>, with its initialiser and warnings.</summary>
    private static (Mlp Net, Initializer Init, IReadOnlyList<string> Warnings) Build(ExperimentConfig config, ExperimentData data, Contender contender, ulong seed)
    {
        var init = Initializer.Parse(contender.Init ?? config.Init);
        var net = Mlp.Build(data.Train.FeatureCount, config.Hidden, contender.Activation, data.Train.ClassCount);
        var warnings = net.Initialize(init, seed);
        return (net, init, warnings);
    }

    /// <summary>Trains and measures one trial (no file is written).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled during training (checked after every mini-batch).</exception>
    public static TrialResult RunTrial(ExperimentConfig config, ExperimentData data, TrialSpec spec, ExperimentManifest manifest, string key, int diagnosticSamples = 512, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(manifest);
        var train = data.Train;
        var (net, init, _) = Build(config, data, spec.Contender, spec.Seed);
        string usedInit = init.Resolve(net.Layers[0].Activation).ToString();
        var heldOut = data.Validation;
        int probeRows = Math.Min(Math.Max(1, diagnosticSamples), heldOut.Rows);
        var timeline = new ActivationTimeline(net, heldOut.Features.AsSpan(0, probeRows * heldOut.FeatureCount), probeRows, config.Epochs);
        timeline.Record(0);

        var fit = Trainer.Fit(net, train, data.Validation, new TrainerOptions
        {
            Epochs = config.Epochs,
            BatchSize = config.BatchSize,
            LearningRate = config.LearningRate,
            Optimizer = Optimizers.Create(config.Optimizer),
            Seed = spec.Seed,
            Threads = 1,
            EvaluateTrainingSet = false,
        }, p =>
        {
            // A trial of a long comparison trains for minutes: a stop waits for one mini-batch, not for the trial's end.
            cancellation.ThrowIfCancellationRequested();

            // An epoch that left NaN or infinite weights is reported before the trainer stops on them: not a checkpoint.
            if (p.EpochDone && Trainer.NetworkIsFinite(net)) timeline.Record(p.Epoch);
        });

        // A diverged network has no test accuracy (the argmax of NaN logits is class 0 for every sample, which would score
        // the share of class 0), and what its layers output says nothing about the activation: NaN metrics, no layers.
        var test = fit.Diverged ? new Metrics(double.NaN, double.NaN, double.NaN, double.NaN) : Trainer.Evaluate(net, data.Test);
        var curve = fit.History.Select(r => new EpochPoint(r.Epoch, r.Train.Loss, r.Train.Accuracy, r.Validation!.Loss, r.Validation.Accuracy, r.Seconds)).ToArray();
        int? toTarget = curve.FirstOrDefault(p => p.ValidationAccuracy >= config.TargetAccuracy)?.Epoch;
        var layers = fit.Diverged ? [] : Diagnose(net, data.Validation, Math.Max(1, diagnosticSamples));
        int units = layers.Sum(l => l.Units);
        return new TrialResult
        {
            Experiment = manifest.Experiment,
            ExperimentKey = manifest.ExperimentKey,
            Key = key,
            Hash = ExperimentConfig.Hash(key),
            Index = spec.Index,
            Label = spec.Contender.Label,
            Activation = spec.Contender.Activation,
            Init = usedInit,
            Seed = spec.Seed,
            TestAccuracy = test.Accuracy,
            TestLoss = test.Loss,
            TestSamples = data.Test.Rows,
            EpochsToTarget = toTarget,
            SecondsPerEpoch = curve.Length == 0 ? 0 : curve.Average(p => p.Seconds),
            DeadFraction = fit.Diverged ? double.NaN : units == 0 ? 0 : layers.Sum(l => l.DeadFraction * l.Units) / units,
            SaturatedFraction = fit.Diverged ? double.NaN : units == 0 ? 0 : layers.Sum(l => l.SaturatedFraction * l.Units) / units,
            Diverged = fit.Diverged,
            Message = fit.Message,
            Curve = curve,
            Layers = layers,
            Timeline = timeline.Result(),
        };
    }

    /// <summary>Per hidden layer: dead and saturated fractions from the pre-activations, histogram of the outputs.</summary>
    private static LayerDiagnostics[] Diagnose(Mlp net, Data.Dataset heldOut, int maxSamples)
    {
        int rows = Math.Min(maxSamples, heldOut.Rows);
        var capture = new HiddenLayerCapture(net.Layers.Count - 1);
        net.AddObserver(capture);
        try
        {
            net.Forward(heldOut.Features.AsSpan(0, rows * heldOut.FeatureCount), rows);
        }
        finally
        {
            net.RemoveObserver(capture);
        }

        var result = new LayerDiagnostics[net.Layers.Count - 1];
        for (int i = 0; i < result.Length; i++)
        {
            var layer = net.Layers[i];
            var activation = layer.Activation!;
            // Gated functions are not measured: NaN (shown as "—", written as null), not the 0 the detectors return for them.
            bool measured = DeadUnitDetector.Measures(activation);
            double dead = measured ? DeadUnitDetector.FromPreActivations($"layer{i}", activation, capture.Pre[i], layer.PreWidth).DeadFraction : double.NaN;
            double saturated = measured ? SaturationDetector.Measure(activation, capture.Pre[i], layer.PreWidth).Fraction : double.NaN;
            var stats = ActivationStatistics.Of(capture.Post[i], bins: 30);
            result[i] = new LayerDiagnostics(i, layer.ActivationSpec, layer.PreWidth, rows, dead, saturated, stats.Mean, stats.Std, stats.HistogramEdges, stats.HistogramCounts);
        }

        return result;
    }
}
