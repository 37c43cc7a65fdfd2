namespace Containerize.Registries;

/// <summary>
/// A cancellation that fires when an exchange with a registry makes no progress for a while. Unlike a timeout for the
/// whole request it lets an upload of hundreds of MB take as long as it needs, as long as bytes keep moving.
/// </summary>
internal sealed class IdleTimer : IDisposable
{
    private readonly CancellationTokenSource source;
    private readonly TimeSpan limit;

    public IdleTimer(TimeSpan limit, CancellationToken cancellation)
    {
        this.limit = limit;
        source = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        source.CancelAfter(limit);
    }

    public CancellationToken Token => source.Token;

    public TimeSpan Limit => limit;

    /// <summary>Progress was made: the idle time starts again.</summary>
    public void Touch()
    {
        try
        {
            source.CancelAfter(limit);
        }
        catch (ObjectDisposedException)
        {
            // A request body still being read after its attempt ended: nothing left to time.
        }
    }

    public void Dispose() => source.Dispose();
}
