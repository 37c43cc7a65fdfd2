using Containerize.Diagnostics;

namespace Containerize.Backends;

/// <summary>
/// While a build or pull runs, a line at the default verbosity whenever a step has been running for
/// <c>interval</c> (10 s) since it started or since the last such line, naming the step and how long it has run:
/// a long step (a base pull, apt-get in a RUN step) never makes a silent build.
/// </summary>
public sealed class BuildHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task beating;

    /// <param name="runningStep">The step running now, or null between steps; called from the timer's thread.</param>
    public BuildHeartbeat(IBuildLog log, Func<string?> runningStep, TimeSpan? interval = null)
    {
        beating = BeatAsync(log, runningStep, interval ?? TimeSpan.FromSeconds(10), stop.Token);
    }

    private static async Task BeatAsync(IBuildLog log, Func<string?> runningStep, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval / 10);
        string? step = null;
        var started = TimeProvider.System.GetTimestamp();
        var lastLine = started;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = runningStep();
                if (now != step)
                {
                    step = now;
                    started = lastLine = TimeProvider.System.GetTimestamp();
                }
                else if (step is not null && TimeProvider.System.GetElapsedTime(lastLine) >= interval)
                {
                    lastLine = TimeProvider.System.GetTimestamp();
                    log.Important($"  {step}: still running ({TimeProvider.System.GetElapsedTime(started).TotalSeconds:0} s)");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await beating;
        stop.Dispose();
    }
}
