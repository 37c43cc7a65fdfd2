using System.Text.RegularExpressions;
using Containerize.Diagnostics;
using Docker.DotNet.Models;

namespace Containerize.Backends;

/// <summary>
/// The progress stream of one build, pull or push: logged line by line, without the per-chunk progress of transfers
/// or the engine's retry countdowns, and kept for what the caller needs from it: the first error, whether the engine
/// retried, the pushed manifest's digest, and of a build the step that ran last with its last output lines (for the
/// error when it fails: at the default verbosity the step output is not logged). Handled as each message arrives (Progress&lt;T&gt; would post to the thread
/// pool, and its last messages could come after the request returned).
/// </summary>
public sealed partial class EngineMessages(IBuildLog log) : IProgress<JSONMessage>
{
    private const string RetryPrefix = "Retrying in ";
    private readonly Dictionary<string, int> countdowns = [];
    private readonly StepOutputTail stepLines = new();

    public string? Error { get; private set; }

    /// <summary>The engine retried part of the work itself (it tries a layer upload five times over about a minute).</summary>
    public bool EngineRetried { get; private set; }

    /// <summary>
    /// The manifest digest the registry took, from a push's <c>aux</c> message (the engine's own image store) or,
    /// where there is none (the containerd image store, Podman), from its status line <c>TAG: digest: sha256:… size: N</c>.
    /// </summary>
    public string? Digest { get; private set; }

    /// <summary>The build step that started last (<c>RUN apt-get …</c>), from the legacy builder's <c>Step n/m : …</c> or Podman's <c>STEP n/m: …</c> lines.</summary>
    public string? Step { get; private set; }

    /// <summary>The last lines <see cref="Step"/> printed (at most 20), without the builder's own <c> ---&gt; </c> lines.</summary>
    public IReadOnlyList<string> StepOutput => stepLines.ToList();

    public void Report(JSONMessage message)
    {
        if (message.Aux?.ExtensionData?.TryGetValue("Digest", out var digest) == true)
        {
            Digest = digest?.ToString();
        }
        else if (Digest is null && message.Status is { } status && PushedDigest().Match(status) is { Success: true } pushed)
        {
            Digest = pushed.Groups["digest"].Value;
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

        var stream = message.Stream is null ? null : TerminalText.WithoutColours(message.Stream);
        if (stream is not null)
        {
            KeepStepOutput(stream);
        }

        var text = stream ?? (message.ID is { Length: > 0 } id ? $"{id}: {message.Status}" : message.Status);
        if (!string.IsNullOrWhiteSpace(text))
        {
            log.Info(text.TrimEnd('\n', '\r'));
        }
    }

    private void KeepStepOutput(string stream)
    {
        foreach (var line in stream.Split('\n').Select(line => line.TrimEnd('\r')))
        {
            if (BuildStep().Match(line) is { Success: true } step)
            {
                Step = step.Groups["step"].Value.Trim();
                stepLines.Clear();
            }
            else if (Step is not null && !line.StartsWith(" ---> ", StringComparison.Ordinal)
                && !line.StartsWith("Removing intermediate container ", StringComparison.Ordinal))
            {
                stepLines.Add(line);
            }
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

    [GeneratedRegex(@"^\S+: digest: (?<digest>sha256:[0-9a-f]{64}) size: \d+$")]
    private static partial Regex PushedDigest();

    [GeneratedRegex(@"^(Step|STEP) \d+/\d+ ?: (?<step>.*)$")]
    private static partial Regex BuildStep();
}
