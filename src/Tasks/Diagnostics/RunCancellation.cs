namespace Containerize.Diagnostics;

/// <summary>
/// The cancellation of the run in progress (Ctrl+C), for the long synchronous file work deep in it — hashing and
/// compressing layers — which checks it chunk by chunk so that a cancelled run ends within about a second. The task
/// sets it for the run; the work reads it without a token parameter through every caller in between.
/// </summary>
public static class RunCancellation
{
    private static readonly AsyncLocal<CancellationToken> Current = new();

    /// <summary>The token of the run this code runs in; none outside a run.</summary>
    public static CancellationToken Token => Current.Value;

    /// <summary>Makes <paramref name="token"/> the run's token, in this async flow, until the returned scope is disposed.</summary>
    public static IDisposable Enter(CancellationToken token)
    {
        var previous = Current.Value;
        Current.Value = token;
        return new Scope(previous);
    }

    /// <summary>Throws <see cref="OperationCanceledException"/> when the run was cancelled.</summary>
    public static void ThrowIfCancelled() => Current.Value.ThrowIfCancellationRequested();

    private sealed class Scope(CancellationToken previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
