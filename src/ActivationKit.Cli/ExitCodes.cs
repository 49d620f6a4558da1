namespace ActivationKit.Cli;

/// <summary>actkit's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The command ran but found a problem: an accuracy bound exceeded, generated docs out of date, a warning or critical finding of check or diagnose (info-level findings alone are success); or it could not write its output: a closed standard output, or a file not written to its end (a full disk), whose destination is left as it was.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: unknown name or option, malformed file, invalid range, or more than the memory there is (a network too large to train). Nothing was written.</summary>
    public const int BadInput = 2;

    /// <summary>
    /// <c>report</c> rendered a comparison that lacks some of its trials (a shard not finished or not given): everything
    /// asked for was written, and a warning on stderr says how many trials are missing. Distinct from
    /// <see cref="Failed"/> so that a script can tell a partial report from a failed one (<c>--allow-incomplete</c>
    /// exits 0 instead).
    /// </summary>
    public const int Incomplete = 3;

    /// <summary>A bug in actkit (an unexpected exception).</summary>
    public const int InternalError = 70;

    /// <summary>
    /// <c>compare</c> stopped on SIGINT (Ctrl-C): 128 + 2, what a shell reports for a process that SIGINT ends, so a
    /// script's <c>$?</c> reads the same as for any other interrupted tool. The finished trials are saved.
    /// </summary>
    public const int Interrupted = 130;

    /// <summary><c>compare</c> stopped on SIGTERM (<c>kill</c>, a scheduler's pre-emption): 128 + 15, as for <see cref="Interrupted"/>.</summary>
    public const int Terminated = 143;
}
