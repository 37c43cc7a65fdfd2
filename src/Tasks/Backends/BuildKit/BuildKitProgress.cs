using System.Globalization;
using System.Text.Json;
using Containerize.Backends.BuildKit.Protocol;
using Containerize.Diagnostics;
using Google.Protobuf;

namespace Containerize.Backends.BuildKit;

/// <summary>
/// The JSON stream of a BuildKit build through the engine (POST /build?version=2), logged as
/// <c>docker buildx build --progress=plain</c> prints it: <c>#n name</c> when a step starts, <c>#n seconds line</c>
/// for its output, <c>#n DONE 0.1s</c>, <c>#n CACHED</c> or <c>#n ERROR: …</c> when it ends. BuildKit sends a step
/// (a vertex) again each time it changes, so each of these lines is logged the first time only. Kept for the caller:
/// the image id, the first error with the step that failed and its last output lines, and the step running now (for
/// the heartbeat). Handled as each message arrives.
/// </summary>
public sealed class BuildKitProgress(IBuildLog log)
{
    private readonly Dictionary<string, VertexState> vertexes = [];
    private int announced;
    private IReadOnlyList<string> failedStepOutput = [];

    /// <summary>The built image's id (<c>sha256:…</c>; with the containerd image store, its manifest digest).</summary>
    public string? ImageId { get; private set; }

    /// <summary>The first error: the first step's that failed, or the engine's error message.</summary>
    public string? Error { get; private set; }

    /// <summary>The step that failed, named as BuildKit names it (<c>[3/3] RUN apt-get install -y nope</c>).</summary>
    public string? FailedStep { get; private set; }

    /// <summary>The last lines <see cref="FailedStep"/> printed (at most 20), without terminal colours.</summary>
    public IReadOnlyList<string> FailedStepOutput => failedStepOutput;

    /// <summary>The step that started first among those still running; null between steps.</summary>
    public string? RunningStep => Running()?.Name;

    /// <summary>One JSON message of the build response.</summary>
    public void Report(JsonElement message)
    {
        var id = message.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
        var aux = message.TryGetProperty("aux", out var auxValue) ? auxValue : default;
        if (id == "moby.buildkit.trace" && aux.ValueKind == JsonValueKind.String)
        {
            ReportTrace(aux.GetString()!);
        }
        else if (id == "moby.image.id" && aux.ValueKind == JsonValueKind.Object
            && aux.TryGetProperty("ID", out var imageId) && imageId.ValueKind == JsonValueKind.String)
        {
            ImageId = imageId.GetString();
        }

        if (message.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.String
            && stream.GetString() is { } text && !string.IsNullOrWhiteSpace(text))
        {
            log.Info(text.TrimEnd('\n', '\r'));
        }

        if (ErrorMessage(message) is { } error)
        {
            Error ??= error;
        }
    }

    private static string? ErrorMessage(JsonElement message)
    {
        if (message.TryGetProperty("errorDetail", out var detail) && detail.ValueKind == JsonValueKind.Object
            && detail.TryGetProperty("message", out var detailMessage) && detailMessage.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(detailMessage.GetString()))
        {
            return detailMessage.GetString()!.Trim();
        }

        return message.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(error.GetString()) ? error.GetString()!.Trim() : null;
    }

    private void ReportTrace(string aux)
    {
        StatusResponse status;
        try
        {
            status = StatusResponse.Parser.ParseFrom(Convert.FromBase64String(aux));
        }
        catch (Exception exception) when (exception is FormatException or InvalidProtocolBufferException)
        {
            // Progress only: a message this version cannot read must not end the build.
            log.Detail($"A BuildKit progress message could not be read: {exception.Message}");
            return;
        }

        Report(status);
    }

    /// <summary>One progress message: from the engine's trace, or a standalone daemon's Status stream.</summary>
    internal void Report(StatusResponse status)
    {
        // In the order buildx prints them: a step's start, its transfers, output and warnings, then its end; a step
        // this message says nothing more of ends at once, so that steps sent together read one after the other.
        var heardFrom = status.Statuses.Select(transfer => transfer.Vertex).Concat(status.Logs.Select(output => output.Vertex))
            .Concat(status.Warnings.Select(warning => warning.Vertex)).ToHashSet();
        foreach (var vertex in status.Vertexes)
        {
            var state = Update(vertex);
            if (state.Started is not null)
            {
                Announce(state);
            }

            if (!heardFrom.Contains(vertex.Digest))
            {
                Finish(state);
            }
        }

        foreach (var transfer in status.Statuses)
        {
            if (transfer.Completed is not null && vertexes.TryGetValue(transfer.Vertex, out var state)
                && state.Number > 0 && state.DoneTransfers.Add(transfer.ID))
            {
                log.Info($"#{state.Number} {(transfer.ID.Length > 0 ? transfer.ID : transfer.Name)} done");
            }
        }

        foreach (var output in status.Logs)
        {
            Print(output);
        }

        foreach (var warning in status.Warnings)
        {
            var state = Announce(State(warning.Vertex));
            var text = warning.Short.ToStringUtf8();
            if (state.Warnings.Add(text))
            {
                log.Info($"#{state.Number} WARNING: {text}");
            }
        }

        foreach (var digest in heardFrom.Where(vertexes.ContainsKey))
        {
            Finish(vertexes[digest]);
        }
    }

    private VertexState Update(Vertex vertex)
    {
        var state = State(vertex.Digest);
        if (vertex.Name.Length > 0)
        {
            state.Name = vertex.Name;
        }

        state.Started = vertex.Started?.ToDateTimeOffset();
        state.Completed = vertex.Completed?.ToDateTimeOffset();
        state.Cached = vertex.Cached;
        state.Error = vertex.Error;
        return state;
    }

    private VertexState State(string digest)
    {
        if (!vertexes.TryGetValue(digest, out var state))
        {
            state = new VertexState { Name = digest };
            vertexes[digest] = state;
        }

        return state;
    }

    /// <summary>Numbers a step and logs its name, the first time it is seen started (or heard from).</summary>
    private VertexState Announce(VertexState state)
    {
        if (state.Number == 0)
        {
            state.Number = ++announced;
            log.Info($"#{state.Number} {state.Name}");
        }

        return state;
    }

    private void Print(VertexLog output)
    {
        var state = Announce(State(output.Vertex));
        var text = output.Msg.ToStringUtf8();
        var lines = text.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var since = output.Timestamp is not null && state.Started is { } started
            ? Math.Max(0, (output.Timestamp.ToDateTimeOffset() - started).TotalSeconds) : 0;
        foreach (var piece in lines.Take(count))
        {
            var line = TerminalText.WithoutColours(piece.Replace("\r", "", StringComparison.Ordinal));
            log.Info($"#{state.Number} {since.ToString("0.000", CultureInfo.InvariantCulture)} {line}");
            state.Lines.Add(line);
        }
    }

    /// <summary>Logs how a step ended, the first time it is seen completed.</summary>
    private void Finish(VertexState state)
    {
        if (state.Completed is not { } completed || state.Finished)
        {
            return;
        }

        Announce(state);
        state.Finished = true;
        if (state.Error.Length > 0)
        {
            log.Info($"#{state.Number} ERROR: {state.Error}");
            if (FailedStep is null)
            {
                FailedStep = state.Name;
                failedStepOutput = state.Lines.ToList();
                Error ??= state.Error;
            }
        }
        else if (state.Cached)
        {
            log.Info($"#{state.Number} CACHED");
        }
        else
        {
            var seconds = state.Started is { } started ? Math.Max(0, (completed - started).TotalSeconds) : 0;
            log.Info($"#{state.Number} DONE {seconds.ToString("0.0", CultureInfo.InvariantCulture)}s");
        }
    }

    private VertexState? Running() => vertexes.Values
        .Where(state => state.Started is not null && state.Completed is null)
        .MinBy(state => state.Started);

    /// <summary>What is known of one vertex, from the last time BuildKit sent it, and what has been logged of it.</summary>
    private sealed class VertexState
    {
        public required string Name { get; set; }

        /// <summary>Its number in the log, from 1; 0 until it is announced.</summary>
        public int Number { get; set; }

        public DateTimeOffset? Started { get; set; }

        public DateTimeOffset? Completed { get; set; }

        public bool Cached { get; set; }

        public string Error { get; set; } = "";

        public bool Finished { get; set; }

        public StepOutputTail Lines { get; } = new();

        public HashSet<string> DoneTransfers { get; } = [];

        public HashSet<string> Warnings { get; } = [];
    }
}
