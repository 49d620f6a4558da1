using System.Globalization;
using ActivationKit.Catalog;
using ActivationKit.Nn;

namespace ActivationKit.Cli.Training;

/// <summary>
/// The memory training a network takes, estimated before it is built, so that a network the machine cannot hold is
/// refused in one sentence: <c>train --hidden 30000,30000</c> ran out of memory allocating its weights and ended in
/// "Internal error (OutOfMemoryException)", exit 70. The estimate counts what grows with the network; a network that
/// passes it may still run out of memory, which the error reporter says in a more general sentence.
/// </summary>
public static class TrainingMemory
{
    /// <summary>Rows of <see cref="Trainer.Evaluate"/>'s passes (its default batch), which the layer buffers grow to.</summary>
    private const int EvaluationRows = 1024;

    /// <summary>
    /// Bytes of floats for an MLP of <paramref name="inputs"/>, <paramref name="hidden"/> layers and
    /// <paramref name="outputs"/> trained with <paramref name="optimizer"/>: every weight and bias with its gradient and
    /// the optimiser's state per parameter (Adam's two moments, momentum's velocity), and the buffers of a pass over
    /// <paramref name="rows"/> samples (a layer's pre-activations, outputs and their gradients; a gated activation's
    /// layer is twice as wide before it).
    /// </summary>
    public static long Bytes(int inputs, IReadOnlyList<int> hidden, Activation? hiddenActivation, int outputs, Activation? outputActivation, IOptimizer optimizer, int rows)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        int states = optimizer switch { Adam => 2, Sgd { Momentum: > 0 } => 1, _ => 0 };
        long parameters = 0, perRow = 0, width = inputs;
        foreach (var (units, activation) in hidden.Select(u => (u, hiddenActivation)).Append((outputs, outputActivation)))
        {
            long pre = activation?.Info.Kind == ActivationKind.Gated ? 2L * units : units;
            parameters += (width * pre) + pre;
            perRow += 2 * (pre + units);
            width = units;
        }

        return sizeof(float) * ((parameters * (2 + states)) + (perRow * rows));
    }

    /// <summary>The rows a training run's passes hold at once: its batches', or an evaluation's, whichever is more.</summary>
    public static int PassRows(int batch, int trainRows) => Math.Min(Math.Max(batch, EvaluationRows), Math.Max(trainRows, 1));

    /// <summary>
    /// Refuses a network of <paramref name="bytes"/> (<see cref="Bytes"/>) that exceeds the memory there is
    /// (<see cref="AvailableBytes"/>): <paramref name="network"/> describes it (<c>hidden layers 30000,30000</c>),
    /// <paramref name="instead"/> says what to do.
    /// </summary>
    /// <exception cref="UsageException">The network does not fit.</exception>
    public static void EnsureFits(long bytes, string network, string instead)
    {
        long available = AvailableBytes();
        if (bytes <= available) return;
        throw new UsageException($"Not enough memory for this network ({network}: about {Size(bytes)} of weights, gradients, optimiser state and layer buffers, and about {Size(available)} is available); {instead}.");
    }

    /// <summary>
    /// The memory the process may still take: the runtime's figure (the machine's memory, a container's limit or
    /// DOTNET_GCHeapHardLimit) less the heap it already holds (the data loaded), or less under a limit on the address
    /// space (<c>ulimit -v</c>, which that figure ignores). A screen that refuses only what can never fit: the runtime's
    /// own reservations and fragmentation can still leave a network that passes short.
    /// </summary>
    public static long AvailableBytes()
    {
        var info = GC.GetGCMemoryInfo();
        long available = Math.Max(0, info.TotalAvailableMemoryBytes - info.HeapSizeBytes);
        // The limit whole: the address space mapped now (VmSize) is mostly the runtime's reservation, which the heap grows
        // into, so taking it off refused networks that train (11000,11000 under ulimit -v 6000000).
        return AddressSpaceLimit() is { } limit ? Math.Min(available, limit) : available;
    }

    // The soft limit in /proc/self/limits ("Max address space  6144000000  6144000000  bytes"); null where there is
    // none ("unlimited").
    private static long? AddressSpaceLimit() => ProcNumber("/proc/self/limits", "Max address space");

    // The first number after the line of a /proc file that starts with name; null off Linux, without the file or line,
    // or where the field is not a number.
    private static long? ProcNumber(string file, string name)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            string? line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
            string[] fields = line?[name.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries) ?? [];
            return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Size(long bytes) => bytes >= 1e9
        ? (bytes / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + " GB"
        : Math.Max(1, (long)Math.Round(bytes / 1e6)).ToString("N0", CultureInfo.InvariantCulture) + " MB";
}
