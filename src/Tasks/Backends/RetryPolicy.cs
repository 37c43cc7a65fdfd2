namespace Containerize.Backends;

/// <summary>Tries an operation again after a transient failure, a bounded number of times with growing pauses.</summary>
/// <param name="delays">The pause before each further attempt; its length + 1 is the number of attempts.</param>
public sealed class RetryPolicy(IReadOnlyList<TimeSpan> delays)
{
    public static RetryPolicy Default { get; } = new([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(9)]);

    public int Attempts => delays.Count + 1;

    /// <param name="isTransient">Whether a failure may pass when tried again.</param>
    /// <param name="onRetry">Called before each pause with the failure, the attempt that failed (1-based) and the pause.</param>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation, Func<Exception, bool> isTransient, Action<Exception, int, TimeSpan> onRetry, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation();
            }
            catch (Exception exception) when (attempt < Attempts && isTransient(exception))
            {
                var delay = delays[attempt - 1];
                onRetry(exception, attempt, delay);
                await Task.Delay(delay, cancellation);
            }
        }
    }
}
