using System.Runtime.InteropServices;

namespace ActivationKit.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM (<c>kill</c>) as a cancellation, while a command that can stop cleanly holds one: the
/// first signal cancels <see cref="Token"/> instead of ending the process, so the command finishes what it is writing
/// and says what it kept; a second signal ends the process at once, as the signal does by default (for someone who
/// will not wait) — but not while a finished result is being saved (<see cref="Saving"/>): then it ends the process as
/// soon as that save is done, milliseconds later. Only the commands that pass <see cref="Token"/> down take one: a signal to any other command ends
/// it as before, where a cancelled token nobody reads would leave Ctrl-C doing nothing.
/// </summary>
/// <remarks>
/// The first signal's handler only cancels: exiting from it (<see cref="Environment.Exit"/>) would end the process while
/// trial files are half-written. A second signal that ended the process by default during a save lost a trial whose
/// training had finished (its file was never renamed into place), and one during the removal of a comparison with no
/// trial left its manifest behind. Where the platform has no such signals the registration is skipped and the defaults
/// stay.
/// </remarks>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Action<int> _exit;
    private readonly Lock _gate = new();
    private int _signal;
    private int _saving;
    private int? _exitAfterSaving;

    /// <summary>Starts listening; <paramref name="outer"/> (the command's own token) cancels <see cref="Token"/> too.</summary>
    public Interruption(CancellationToken outer)
        : this(outer, Environment.Exit, listen: true)
    {
    }

    /// <summary>
    /// An interruption that ends the process with <paramref name="exit"/> after a deferred second signal, and listens to
    /// the process's signals only when <paramref name="listen"/> is true (a test delivers them through <see cref="Receive"/>).
    /// </summary>
    internal Interruption(CancellationToken outer, Action<int> exit, bool listen)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _exit = exit;
        if (!listen) return;
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

    /// <summary>
    /// Marks a save under way until the result is disposed: a finished trial's file being written, or a comparison with no
    /// trial being removed. A second signal in that time ends the process when the last such save is done, not during it.
    /// </summary>
    public IDisposable Saving()
    {
        lock (_gate) _saving++;
        return new SaveInProgress(this);
    }

    /// <summary>Stops listening: signals end the process again.</summary>
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _registrations.Clear();
        _source.Dispose();
    }

    /// <summary>
    /// Takes a signal: true when its default action (ending the process) is to be skipped. The first cancels
    /// <see cref="Token"/>; a later one ends the process by default at once, or, while a save is under way, after it.
    /// </summary>
    internal bool Receive(PosixSignal signal)
    {
        // PosixSignal's values are negative (SIGINT is -2), so 0 is free to mean "none yet".
        if (Interlocked.CompareExchange(ref _signal, (int)signal, 0) == 0)
        {
            try
            {
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The command had already finished.
            }

            return true;
        }

        lock (_gate)
        {
            if (_saving == 0) return false;
            // 128 + the signal's number, as its default action would have ended the process with.
            _exitAfterSaving = signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
            return true;
        }
    }

    private void Handle(PosixSignalContext context) => context.Cancel = Receive(context.Signal);

    private void SaveDone()
    {
        int? exit;
        lock (_gate)
        {
            exit = --_saving == 0 ? _exitAfterSaving : null;
        }

        if (exit is { } code) _exit(code);
    }

    /// <summary>One save of <see cref="Saving"/>; disposing it twice counts once.</summary>
    private sealed class SaveInProgress(Interruption owner) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) owner.SaveDone();
        }
    }
}
