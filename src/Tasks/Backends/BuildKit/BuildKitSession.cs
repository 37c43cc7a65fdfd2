using System.Net.Sockets;
using Containerize.Diagnostics;
using Containerize.Registries;
using Containerize.SessionHost;

namespace Containerize.Backends.BuildKit;

/// <summary>
/// A BuildKit session: a connection over which BuildKit calls back into this side with gRPC over HTTP/2 — for a secret
/// a RUN step mounts, for a registry's credentials when it pulls (or, for a standalone daemon, pushes), for the build
/// context (a standalone daemon's file sync), and to check the session's health. Through the engine the connection is
/// the one upgraded by POST /session; to a standalone daemon it is a Control.Session call (<see cref="SessionTunnel"/>).
/// The gRPC server is <see cref="SessionHostProcess"/>; this side pipes the connection to its socket. A build names the
/// session by <see cref="Id"/>; disposing ends both.
/// </summary>
public sealed class BuildKitSession : IAsyncDisposable
{
    /// <summary>The gRPC methods the session host serves, as BuildKit names them.</summary>
    public static readonly IReadOnlyList<string> Methods =
    [
        "/moby.buildkit.secrets.v1.Secrets/GetSecret",
        "/moby.filesync.v1.Auth/Credentials",
        "/grpc.health.v1.Health/Check",
    ];

    /// <summary>What a standalone daemon's session serves besides <see cref="Methods"/>: the context, by file sync.</summary>
    public const string FileSyncMethod = "/moby.filesync.v1.FileSync/DiffCopy";

    private readonly Stream engine;
    private SessionHostProcess? host;
    private Stream? hostConnection;
    private Task serving = Task.CompletedTask;
    private Task piping = Task.CompletedTask;

    private BuildKitSession(string id, Stream engine)
    {
        Id = id;
        this.engine = engine;
    }

    public string Id { get; }

    /// <summary>A session over a connection already made (a standalone daemon's Control.Session call).</summary>
    public static BuildKitSession Over(string id, Stream connection) => new(id, connection);

    /// <summary>Asks the engine for a session. Null, with the engine's answer, when it does not take one up: it has no BuildKit.</summary>
    public static async Task<(BuildKitSession? Session, string Answer)> RequestAsync(DockerEndpoint endpoint, CancellationToken cancellation)
    {
        var stream = await EngineConnection.OpenAsync(endpoint, cancellation);
        try
        {
            var id = Guid.NewGuid().ToString("N");
            var answer = await SessionUpgrade.RequestAsync(stream, id, Methods, cancellation);
            if (SessionUpgrade.Offered(answer))
            {
                return (new BuildKitSession(id, stream), answer);
            }

            await stream.DisposeAsync();
            return (null, answer);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the session host with the build's secrets (and, for a standalone daemon, the context's entries) and pipes
    /// the connection to it, both ways, until disposed. Returns when the host serves; disposing waits for a start still
    /// under way, so no host outlives it.
    /// </summary>
    internal Task ServeAsync(IReadOnlyDictionary<string, byte[]> secrets, IReadOnlyList<ContextEntry>? context, Func<string, RegistryCredentials?> credentials,
        IBuildLog log, CancellationToken cancellation) =>
        serving = StartServingAsync(secrets, context, credentials, log, cancellation);

    private async Task StartServingAsync(IReadOnlyDictionary<string, byte[]> secrets, IReadOnlyList<ContextEntry>? context, Func<string, RegistryCredentials?> credentials,
        IBuildLog log, CancellationToken cancellation)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        host = await SessionHostProcess.StartAsync(secrets, context, credentials, log, cancellation);
        log.Detail($"BuildKit session {Id}: served by the session host (ready in {started.ElapsedMilliseconds} ms)");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(host.Socket), cancellation);
        }
        catch (SocketException exception)
        {
            socket.Dispose();
            throw new ContainerizeException(Errors.SessionHostFailed($"its socket {host.Socket} does not answer: {exception.Message}"), exception);
        }

        hostConnection = new NetworkStream(socket, ownsSocket: true);
        piping = Task.WhenAll(PipeAsync(engine, hostConnection), PipeAsync(hostConnection, engine));
    }

    /// <summary>Copies one direction until it ends; then the other end is closed, which ends the other direction too.</summary>
    private static async Task PipeAsync(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // the session is over
        }
        finally
        {
            await to.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await serving;
        }
        catch
        {
            // reported by whoever awaited ServeAsync; the host, if it started, is ended below
        }

        await engine.DisposeAsync();
        if (hostConnection is not null)
        {
            await hostConnection.DisposeAsync();
        }

        await piping;
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }
}
