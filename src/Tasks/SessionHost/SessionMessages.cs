using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containerize.SessionHost;

/// <summary>
/// What the task and the session host say to each other: one JSON object per line, over the host's standard input
/// (task → host: the configuration, then answers) and standard output (host → task: events and questions).
/// Compiled into both assemblies, so the two sides cannot disagree.
/// </summary>
internal static class SessionMessages
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The host has started and serves its socket.</summary>
    public const string Ready = "ready";

    /// <summary>The build asked for a secret (<see cref="HostEvent.Id"/>; <see cref="HostEvent.Found"/> says whether it was given).</summary>
    public const string Secret = "secret";

    /// <summary>The build asks for a registry's credentials: the task answers with a <see cref="CredentialsAnswer"/> of the same request number.</summary>
    public const string Credentials = "credentials";

    /// <summary>The host failed (<see cref="HostEvent.Message"/>).</summary>
    public const string Failed = "failed";

    public static string Line<T>(T message) => JsonSerializer.Serialize(message, Options);

    public static T Parse<T>(string line) => JsonSerializer.Deserialize<T>(line, Options) ?? throw new JsonException("null message");
}

/// <summary>
/// The first line to the host: the build's secrets by id, base64-encoded, and — for a standalone BuildKit daemon,
/// which reads the context through the session — the context's entries in walk order (null when the context goes as
/// the request's body).
/// </summary>
internal sealed record HostConfiguration(IReadOnlyDictionary<string, string> Secrets, IReadOnlyList<ContextEntry>? Context = null);

/// <summary>One file or folder of the build context for the daemon's file sync.</summary>
/// <param name="Name">Its path in the context, '/'-separated.</param>
/// <param name="Mode">Its Unix permission bits (with setuid, setgid, sticky).</param>
/// <param name="Source">The file to read its content from; null for a folder.</param>
/// <param name="ModifiedNanoseconds">Its modification time in nanoseconds since the Unix epoch: what the daemon compares with the copy it kept from the last build.</param>
internal sealed record ContextEntry(string Name, int Mode, string? Source, long Size, long ModifiedNanoseconds);

/// <summary>A line from the host.</summary>
internal sealed record HostEvent(string Event, string? Id = null, bool? Found = null, int? Request = null, string? Host = null, string? Message = null);

/// <summary>The task's answer to a <see cref="SessionMessages.Credentials"/> question; empty for anonymous access.</summary>
internal sealed record CredentialsAnswer(int Request, string Username, string Secret);
