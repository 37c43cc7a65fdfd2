using Containerize.Backends;
using Containerize.Diagnostics;

namespace Containerize.Registries;

/// <summary>
/// Runs one registry operation (a manifest read, an upload with its session and its chunks, …) as attempts: each
/// attempt gets its own idle timer, a transient failure is tried again as <see cref="RetryPolicy"/> allows with a
/// message, and once the attempts are used up it becomes its CTZ error. Whole operations are tried again, not single
/// requests: an upload that failed starts over with a new session.
/// </summary>
internal sealed class OperationRunner(string registry, RetryPolicy retries, IBuildLog log)
{
    /// <summary>How long an exchange may go without any progress (no answer, no body bytes moving) before it counts as timed out.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(100);

    public async Task<T> RunAsync<T>(string operation, Func<IdleTimer, Task<T>> attempt, CancellationToken cancellation)
    {
        try
        {
            return await retries.RunAsync(
                async () =>
                {
                    using var idle = new IdleTimer(IdleTimeout, cancellation);
                    try
                    {
                        return await attempt(idle);
                    }
                    catch (OperationCanceledException exception) when (!cancellation.IsCancellationRequested)
                    {
                        var reason = $"no progress for {IdleTimeout.TotalSeconds:0.###} s";
                        throw new TransientRegistryException(reason, attempts => Errors.RegistryUnreachable(registry, $"{reason}, {RegistryFailures.Times(attempts)}"), exception);
                    }
                },
                exception => exception is TransientRegistryException,
                (exception, attempt, delay) => log.Report(Errors.RegistryRetry(registry, operation, exception.Message, attempt, retries.Attempts, delay)),
                cancellation);
        }
        catch (TransientRegistryException exception)
        {
            throw new ContainerizeException(exception.Explain(retries.Attempts), exception.InnerException);
        }
    }
}
