using System.IO.Enumeration;
using Containerize.SessionHost.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Containerize.SessionHost;

/// <summary>
/// The build context for a standalone BuildKit daemon, which reads it from the session (fsutil's DiffCopy, this side
/// the sender): every entry's stat in walk order, an empty stat to end the walk, then the content of each file the
/// daemon asks for — the daemon keeps the last build's copy and asks only for files whose size, time or mode changed —
/// and FIN when it says it has everything. Both of BuildKit's directory names, "context" and "dockerfile", are the
/// staged context (its Dockerfile is at the top). The daemon's include patterns and follow paths (the Dockerfile, the
/// .dockerignore) select entries, with their parent folders; its exclude patterns come from the staged .dockerignore,
/// whose rule the task applied already when it listed the entries.
/// </summary>
internal sealed class FileSyncService(HostConfiguration configuration) : FileSync.FileSyncBase
{
    private const int ChunkSize = 32 * 1024;
    private const uint GoModeDirectory = 1u << 31;

    public override async Task DiffCopy(IAsyncStreamReader<Packet> requestStream, IServerStreamWriter<Packet> responseStream, ServerCallContext context)
    {
        var directory = Values(context.RequestHeaders, "dir-name").FirstOrDefault() ?? "";
        if (configuration.Context is null || directory is not ("context" or "dockerfile"))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"no access allowed to dir \"{directory}\""));
        }

        var patterns = Values(context.RequestHeaders, "include-patterns").Concat(Values(context.RequestHeaders, "followpaths")).ToList();
        var entries = Select(configuration.Context, patterns);
        var files = new Dictionary<uint, ContextEntry>();
        for (var id = 0; id < entries.Count; id++)
        {
            var entry = entries[id];
            if (entry.Source is not null)
            {
                files[(uint)id] = entry;
            }

            await responseStream.WriteAsync(new Packet { Type = Packet.Types.PacketType.PacketStat, Stat = StatOf(entry) });
        }

        await responseStream.WriteAsync(new Packet { Type = Packet.Types.PacketType.PacketStat });
        var buffer = new byte[ChunkSize];
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var packet = requestStream.Current;
            switch (packet.Type)
            {
                case Packet.Types.PacketType.PacketReq when files.Remove(packet.ID, out var file):
                    await SendAsync(file, packet.ID, buffer, responseStream, context.CancellationToken);
                    break;
                case Packet.Types.PacketType.PacketReq:
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"invalid file id {packet.ID}"));
                case Packet.Types.PacketType.PacketErr:
                    throw new RpcException(new Status(StatusCode.Aborted, $"error from receiver: {packet.Data.ToStringUtf8()}"));
                case Packet.Types.PacketType.PacketFin:
                    await responseStream.WriteAsync(new Packet { Type = Packet.Types.PacketType.PacketFin });
                    return;
            }
        }
    }

    /// <summary>
    /// The entries the patterns select — an entry a pattern matches, or inside a folder one matches — with the folders
    /// that hold them, in walk order; all of them when there is no pattern. A pattern is matched with '*' and '?'
    /// (across '/', so it selects at least what BuildKit's own sender would).
    /// </summary>
    public static IReadOnlyList<ContextEntry> Select(IReadOnlyList<ContextEntry> entries, IReadOnlyList<string> patterns)
    {
        var cleaned = patterns.Select(pattern => pattern.Trim().TrimStart('/').Replace("./", "", StringComparison.Ordinal).TrimEnd('/'))
            .Where(pattern => pattern.Length > 0).ToList();
        if (cleaned.Count == 0)
        {
            return entries;
        }

        bool Matches(string name) => cleaned.Any(pattern => FileSystemName.MatchesSimpleExpression(pattern, name, ignoreCase: false));
        var selected = entries.Where(entry => Prefixes(entry.Name).Any(Matches)).Select(entry => entry.Name).ToHashSet(StringComparer.Ordinal);
        var folders = selected.SelectMany(name => Prefixes(name).SkipLast(1)).ToHashSet(StringComparer.Ordinal);
        return entries.Where(entry => selected.Contains(entry.Name) || folders.Contains(entry.Name)).ToList();
    }

    /// <summary>"a", "a/b", "a/b/c" for "a/b/c".</summary>
    private static IEnumerable<string> Prefixes(string name)
    {
        for (var slash = name.IndexOf('/'); slash >= 0; slash = name.IndexOf('/', slash + 1))
        {
            yield return name[..slash];
        }

        yield return name;
    }

    /// <summary>fsutil's stat: the mode as Go's os.FileMode, owned by root as in the engine's context tar.</summary>
    private static Stat StatOf(ContextEntry entry)
    {
        var mode = (uint)entry.Mode;
        var goMode = (mode & 0x1FF) | ((mode & 0x800) != 0 ? 1u << 23 : 0) | ((mode & 0x400) != 0 ? 1u << 22 : 0) | ((mode & 0x200) != 0 ? 1u << 20 : 0);
        return new Stat
        {
            Path = entry.Name,
            Mode = entry.Source is null ? goMode | GoModeDirectory : goMode,
            Size = entry.Source is null ? 0 : entry.Size,
            ModTime = entry.ModifiedNanoseconds,
        };
    }

    private static async Task SendAsync(ContextEntry file, uint id, byte[] buffer, IServerStreamWriter<Packet> responseStream, CancellationToken cancellation)
    {
        try
        {
            await using var content = new FileStream(file.Source!, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkSize, FileOptions.SequentialScan);
            int read;
            while ((read = await content.ReadAsync(buffer, cancellation)) > 0)
            {
                await responseStream.WriteAsync(new Packet { Type = Packet.Types.PacketType.PacketData, ID = id, Data = ByteString.CopyFrom(buffer, 0, read) });
            }
        }
        catch (IOException exception)
        {
            await responseStream.WriteAsync(new Packet { Type = Packet.Types.PacketType.PacketErr, Data = ByteString.CopyFromUtf8($"{file.Name}: {exception.Message}") });
            throw new RpcException(new Status(StatusCode.Unavailable, $"{file.Name} could not be read: {exception.Message}"));
        }

        await responseStream.WriteAsync(new Packet { Type = Packet.Types.PacketType.PacketData, ID = id });
    }

    /// <summary>
    /// A request header's values, URL-decoded when BuildKit marked them so (a "…-encoded: true" header). ASP.NET Core
    /// joins the fields of one name with ',' (BuildKit sends one field per value), so the values are split there again.
    /// </summary>
    private static IEnumerable<string> Values(Metadata headers, string key)
    {
        var encoded = headers.Where(entry => entry.Key == key + "-encoded").Any(entry => bool.TryParse(entry.Value, out var yes) && yes);
        return headers.Where(entry => entry.Key == key)
            .SelectMany(entry => entry.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(value => encoded ? Uri.UnescapeDataString(value.Replace('+', ' ')) : value);
    }
}
