using System.Runtime.InteropServices;

namespace ActivationKit.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM (<c>kill</c>) as a cancellation, while a command that can stop cleanly holds one: the
/// first signal cancels <see cref="Token"/> instead of ending the process, so the command finishes what it is writing
/// and says what it kept; a second signal ends the process at once, as the signal does by default (for someone who
/// will not wait). Only the commands that pass <see cref="Token"/> down take one: a signal to any other command ends
/// it as before, where a cancelled token nobody reads would leave Ctrl-C doing nothing.
/// </summary>
/// <remarks>
/// The handler only cancels: exiting from it (<see cref="Environment.Exit"/>) would end the process while trial
/// files are half-written. Where the platform has no such signals the registration is skipped and the defaults stay.
/// </remarks>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signal;

    /// <summary>Starts listening; <paramref name="outer"/> (the command's own token) cancels <see cref="Token"/> too.</summary>
    public Interruption(CancellationToken outer)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, Handle));
            }
            catch (PlatformNotSupportedException)
            {
                // No such signal here: it keeps its default.
            }
        }
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM (or by the outer token).</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? Signal
    {
        get
        {
            int signal = Volatile.Read(ref _signal);
            return signal == 0 ? null : (PosixSignal)signal;
        }
    }

    /// <summary>
    /// The exit code for <see cref="Signal"/>: 128 + the signal's number, what a shell reports for a process the signal
    /// ended (<see cref="ExitCodes.Interrupted"/>, <see cref="ExitCodes.Terminated"/>).
    /// </summary>
    public int ExitCode => Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>How the signal is named to the user: "SIGINT" or "SIGTERM".</summary>
    public string SignalName => Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";

    /// <summary>Stops listening: signals end the process again.</summary>
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _registrations.Clear();
        _source.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        // PosixSignal's values are negative (SIGINT is -2), so 0 is free to mean "none yet".
        if (Interlocked.CompareExchange(ref _signal, (int)context.Signal, 0) != 0) return;
        context.Cancel = true;
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The command had already finished.
        }
    }
}
