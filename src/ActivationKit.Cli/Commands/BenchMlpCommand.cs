using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using ActivationKit.Cli.Formatting;
using ActivationKit.Cli.Training;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit bench mlp</c>: the training-speed job that the PyTorch anchor (<c>bench.py mlp</c>) runs too — a
/// 784-256-128-10 ReLU network, softmax cross-entropy on logits, Adam (lr 1e-3), batch 128, one epoch over 60,000 random
/// samples — timed after a warm-up epoch, with the bytes allocated during the timed epoch and the peak working set.
/// </summary>
public sealed class BenchMlpCommand(CliConsoles consoles) : Command<BenchMlpCommand.Settings>
{
    /// <summary>The job's name, shared with the PyTorch anchor's output.</summary>
    public const string Job = "mlp-784-256-128-10-adam-b128";

    private const int Features = 784, Classes = 10, Batch = 128;

    /// <summary>The most samples whose 784 floats each fit in one array.</summary>
    private const int MaxSamples = int.MaxValue / Features;

    /// <summary>Options of <c>bench mlp</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--threads <N>")]
        [Description("Threads for the matrix products, 1 to 256 (default 1, as the PyTorch anchor uses). Results are bit-identical for any N.")]
        public int Threads { get; init; } = 1;

        [CommandOption("--activation <SPEC>")]
        [Description("The hidden layers' activation, e.g. tanh or elu(0.5) (default relu, the PyTorch anchor's job): what training costs with another function, the same job otherwise. A row-wise function (softmax, …) is refused, as train refuses it.")]
        public string Activation { get; init; } = "relu";

        [CommandOption("--json")]
        [Description("Print one JSON object: impl, job, activation, threads, epoch_s (wall), epoch_cpu_s (process CPU), allocated_bytes_per_epoch, peak_working_set_bytes.")]
        public bool Json { get; init; }

        [CommandOption("--samples <N>", IsHidden = true)]
        [Description("Samples per epoch (default 60000); smaller values are for tests only.")]
        public int Samples { get; init; } = 60_000;

        [CommandOption("--seed <N>", IsHidden = true)]
        [Description("Seed of the random data, the weights and the shuffling.")]
        public ulong Seed { get; init; } = 1;

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (BenchCommand.ThreadsError(Threads) is { } threads) return ValidationResult.Error(threads);
            // The images are one float array: 3,000,000 samples overflowed its length ("Arithmetic operation resulted in an overflow.").
            if (Samples < Batch || Samples > MaxSamples) return ValidationResult.Error($"--samples must be between {Batch} (one batch) and {MaxSamples} (the images in one array), got {Samples}.");
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Refused as train and compare refuse it, before anything is timed: it timed a network the others do not train.
        _ = HiddenActivation.Resolve(settings.Activation);
        try
        {
            return Run(settings);
        }
        catch (OutOfMemoryException)
        {
            // The images alone are 188 MB at the default 60,000 samples: without that much memory the run ended in
            // "Internal error (OutOfMemoryException)", exit 70.
            consoles.ErrorWriter.WriteLine($"Error: bench mlp's job over {settings.Samples:N0} samples ({(long)settings.Samples * Features * sizeof(float) / 1e6:N0} MB of images, then the network's buffers) needs more memory than is available.");
            return ExitCodes.BadInput;
        }
    }

    /// <summary>Builds the data and the network, trains the warm-up and the timed epoch, and reports the timed one.</summary>
    private int Run(Settings settings)
    {
        var data = RandomImages(settings.Samples, settings.Seed);
        var network = Mlp.Build(Features, [256, 128], settings.Activation, Classes);
        network.Initialize(Initializer.Auto, settings.Seed);
        var options = new TrainerOptions
        {
            Epochs = 2,
            BatchSize = Batch,
            LearningRate = 1e-3,
            Optimizer = new Adam(),
            Loss = Losses.SoftmaxCrossEntropy,
            Seed = settings.Seed,
            Threads = settings.Threads,

            // The anchor measures the training loop alone; the running metrics avoid a full extra forward pass.
            EvaluateTrainingSet = false,
        };

        // Epoch 1 warms up the JIT, the array pool and the optimiser state; epoch 2 is measured. The allocation
        // counter is read at the end of each epoch, so the difference covers the whole timed epoch on every thread.
        // The process CPU time is read the same way: on a shared machine it is a steadier measure than the wall clock.
        long allocatedAfterWarmUp = 0, allocatedAfterTimed = 0;
        TimeSpan cpuAfterWarmUp = default, cpuAfterTimed = default;
        using var process = Process.GetCurrentProcess();
        var result = Trainer.Fit(network, data, null, options, p =>
        {
            if (!p.EpochDone) return;
            process.Refresh();
            if (p.Epoch == 1)
            {
                allocatedAfterWarmUp = GC.GetTotalAllocatedBytes(precise: true);
                cpuAfterWarmUp = process.TotalProcessorTime;
            }
            else
            {
                allocatedAfterTimed = GC.GetTotalAllocatedBytes(precise: true);
                cpuAfterTimed = process.TotalProcessorTime;
            }
        });
        // A function that makes the fixed job diverge (leaky_relu(1e30)) is a problem found, as train reports it: exit 1,
        // not an internal error. One sentence of its own: the trainer's advice (a lower learning rate, standardised
        // inputs) names what this fixed job does not let the user change. Nothing was timed, so --json prints no object.
        if (result.Diverged)
        {
            consoles.ErrorWriter.WriteLine($"Error: the fixed job of bench mlp (the PyTorch anchor's) diverged with --activation {settings.Activation.Trim()}, its loss or weights becoming NaN or infinite, so nothing was timed; choose another activation.");
            return ExitCodes.Failed;
        }

        if (result.History.Count != 2) throw new InvalidOperationException("The benchmark did not complete its two epochs.");

        var timed = result.History[1];
        long allocated = allocatedAfterTimed - allocatedAfterWarmUp;
        double cpuSeconds = (cpuAfterTimed - cpuAfterWarmUp).TotalSeconds;
        process.Refresh();
        long peak = process.PeakWorkingSet64;

        if (settings.Json)
        {
            JsonOut.Write(consoles.OutWriter, json =>
            {
                json.WriteStartObject();
                json.WriteString("impl", "activationkit");
                json.WriteString("job", Job);
                json.WriteString("activation", network.Layers[0].ActivationSpec);
                json.WriteNumber("threads", settings.Threads);
                json.WriteNumber("samples", settings.Samples);
                json.WriteNumber("simd_bits", Gemm.VectorBits);
                json.WriteNumber("epoch_s", Math.Round(timed.Seconds, 4));
                json.WriteNumber("epoch_cpu_s", Math.Round(cpuSeconds, 4));
                json.WriteNumber("allocated_bytes_per_epoch", allocated);
                json.WriteNumber("peak_working_set_bytes", peak);
                json.WriteEndObject();
            });
            return ExitCodes.Ok;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("job", Markup.Escape($"{Job} ({settings.Samples:N0} samples, {settings.Threads} thread(s), {Gemm.VectorBits}-bit SIMD)"));
        table.AddRow("hidden activation", Markup.Escape(network.Layers[0].ActivationSpec));
        table.AddRow("seconds per epoch", timed.Seconds.ToString("0.000", CultureInfo.InvariantCulture));
        table.AddRow("process CPU seconds in that epoch", cpuSeconds.ToString("0.000", CultureInfo.InvariantCulture));
        table.AddRow("samples per second", timed.SamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("allocated bytes per epoch", allocated.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("peak working set", $"{peak / (1024.0 * 1024.0):0.0} MiB");
        consoles.Out.Write(table);
        consoles.Out.WriteLine("Compare: /usr/bin/python3 /work/shared/anchors/pytorch/bench.py mlp 2 (same job in PyTorch, one thread; see docs/performance.md).");
        return ExitCodes.Ok;
    }

    /// <summary>Fashion-MNIST-shaped noise: standard normal pixels and uniform labels, like the anchor's torch.randn/randint.</summary>
    private static Dataset RandomImages(int samples, ulong seed)
    {
        var rng = Rng.Derive(seed, "bench-mlp");
        var x = new float[samples * Features];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextGaussian();
        var y = new float[samples];
        for (int i = 0; i < y.Length; i++) y[i] = rng.NextInt(Classes);
        return new Dataset("random-784", x, Features, y, 1, Classes);
    }
}
