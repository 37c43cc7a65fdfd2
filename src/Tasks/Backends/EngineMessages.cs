using Containerize.Diagnostics;
using Docker.DotNet.Models;

namespace Containerize.Backends;

/// <summary>
/// The progress stream of one build, pull or push: logged line by line, without the per-chunk progress of transfers
/// or the engine's retry countdowns, and kept for what the caller needs from it: the first error, whether the engine
/// retried, the pushed manifest's digest. Handled as each message arrives (Progress&lt;T&gt; would post to the thread
/// pool, and its last messages could come after the request returned).
/// </summary>
public sealed class EngineMessages(IBuildLog log) : IProgress<JSONMessage>
{
    private const string RetryPrefix = "Retrying in ";
    private readonly Dictionary<string, int> countdowns = [];

    public string? Error { get; private set; }

    /// <summary>The engine retried part of the work itself (it tries a layer upload five times over about a minute).</summary>
    public bool EngineRetried { get; private set; }

    public string? Digest { get; private set; }

    public void Report(JSONMessage message)
    {
        if (message.Aux?.ExtensionData?.TryGetValue("Digest", out var digest) == true)
        {
            Digest = digest?.ToString();
        }

        if (!string.IsNullOrEmpty(message.Error?.Message))
        {
            Error ??= message.Error.Message.Trim();
            return;
        }

        EngineRetried |= message.Status?.StartsWith(RetryPrefix, StringComparison.Ordinal) == true;
        if (message.Progress is not null || message.Status is "Waiting" or "Preparing" || ContinuesCountdown(message))
        {
            return;
        }

        var text = message.Stream ?? (message.ID is { Length: > 0 } id ? $"{id}: {message.Status}" : message.Status);
        if (!string.IsNullOrWhiteSpace(text))
        {
            log.Info(text.TrimEnd('\n', '\r'));
        }
    }

    /// <summary>"Retrying in 5 seconds", "… 4 seconds", …: only the first line of each countdown is worth a log line.</summary>
    private bool ContinuesCountdown(JSONMessage message)
    {
        if (message.Status?.StartsWith(RetryPrefix, StringComparison.Ordinal) != true || message.ID is null)
        {
            return false;
        }

        var seconds = int.TryParse(message.Status[RetryPrefix.Length..].Split(' ')[0], out var value) ? value : 0;
        var continues = countdowns.TryGetValue(message.ID, out var previous) && seconds < previous;
        countdowns[message.ID] = seconds;
        return continues;
    }
}
