using System.Net.Sockets;
using Containerize.Diagnostics;
using Containerize.Registries;

namespace Containerize.Backends.BuildKit;

/// <summary>
/// A BuildKit session through the engine: the connection upgraded by POST /session, over which the engine's BuildKit
/// calls back into this side with gRPC over HTTP/2 — for a secret a RUN step mounts, for a registry's credentials when
/// it pulls, and to check the session's health. The gRPC server is <see cref="SessionHostProcess"/>; this side pipes
/// the upgraded connection to its socket. A build names the session by <see cref="Id"/>; disposing ends both.
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
    /// Starts the session host with the build's secrets and pipes the engine's connection to it, both ways, until
    /// disposed. Returns when the host serves; disposing waits for a start still under way, so no host outlives it.
    /// </summary>
    public Task ServeAsync(IReadOnlyDictionary<string, byte[]> secrets, Func<string, RegistryCredentials?> credentials, IBuildLog log, CancellationToken cancellation) =>
        serving = StartServingAsync(secrets, credentials, log, cancellation);

    private async Task StartServingAsync(IReadOnlyDictionary<string, byte[]> secrets, Func<string, RegistryCredentials?> credentials, IBuildLog log, CancellationToken cancellation)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        host = await SessionHostProcess.StartAsync(secrets, credentials, log, cancellation);
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
