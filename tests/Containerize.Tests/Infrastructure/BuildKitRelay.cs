using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Containerize.Tests.Infrastructure;

/// <summary>
/// Makes a Docker engine's embedded BuildKit look like a standalone buildkitd, so that a BuildKit client (buildx's
/// remote driver, for one) can be pointed at <see cref="Address"/>. Each connection it accepts gets a connection of
/// its own to the engine's socket, upgraded with <c>POST /grpc</c> to h2c as the docker driver does it; from the
/// engine's 101 on, the relay copies bytes both ways, and the client speaks gRPC over HTTP/2 to the engine's BuildKit
/// (a whole buildx build, its Control/Session stream included, goes over one such connection).
/// </summary>
/// <remarks>
/// Engine 20.10's BuildKit has no "image", "docker" or "oci" exporter (Solve fails with 'exporter "image" could not be
/// found'); it has "moby" (into the engine's own image store, push ignored), "local" and "tar".
/// </remarks>
public sealed class BuildKitRelay : IAsyncDisposable, IDisposable
{
    private static readonly byte[] UpgradeRequest =
        "POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"u8.ToArray();

    /// <summary>The longest response head the relay reads from the engine before it gives up on the upgrade.</summary>
    private const int MaxResponseHead = 8192;

    private readonly Socket listener;
    private readonly string engineSocketPath;
    private readonly string? listenSocketPath;
    private readonly SslServerAuthenticationOptions? tls;
    private readonly X509Certificate2[] certificates;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> relays = [];
    private readonly Task acceptLoop;
    private int connections;
    private int disposed;

    private BuildKitRelay(Socket listener, string engineSocketPath, string? listenSocketPath, SslServerAuthenticationOptions? tls, X509Certificate2[] certificates)
    {
        this.listener = listener;
        this.engineSocketPath = engineSocketPath;
        this.listenSocketPath = listenSocketPath;
        this.tls = tls;
        this.certificates = certificates;
        listener.Listen();
        acceptLoop = Task.Run(AcceptAsync);
    }

    /// <summary>Where a BuildKit client finds the relay: unix:///path or tcp://127.0.0.1:PORT.</summary>
    public string Address => listenSocketPath is null
        ? $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}"
        : $"unix://{listenSocketPath}";

    /// <summary>Connections the relay accepted, whether or not they got through to the engine.</summary>
    public int Connections => Volatile.Read(ref connections);

    /// <summary>A relay on a unix socket at <paramref name="listenSocketPath"/>, taking plain HTTP/2 (h2c) as buildkitd --addr unix://… does.</summary>
    public static BuildKitRelay StartUnix(string engineSocketPath, string listenSocketPath)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(listenSocketPath));
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new BuildKitRelay(listener, engineSocketPath, listenSocketPath, tls: null, certificates: []);
    }

    /// <summary>
    /// A relay on 127.0.0.1 at a free port, taking TLS with the given server certificate (ALPN h2) from clients whose
    /// certificate chains to <paramref name="caPem"/>, as buildkitd --tlscacert does; clients without one are refused.
    /// </summary>
    public static BuildKitRelay StartTls(string engineSocketPath, string serverCertPem, string serverKeyPem, string caPem)
    {
        var serverCertificate = X509Certificate2.CreateFromPem(serverCertPem, serverKeyPem);
        var ca = X509Certificate2.CreateFromPem(caPem);
        var chainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        chainPolicy.CustomTrustStore.Add(ca);
        // Without a validation callback, SslStream accepts a client only when it sends a certificate that chains to the
        // CA under this policy.
        var tls = new SslServerAuthenticationOptions
        {
            ServerCertificate = serverCertificate,
            ClientCertificateRequired = true,
            CertificateChainPolicy = chainPolicy,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
        };
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return new BuildKitRelay(listener, engineSocketPath, listenSocketPath: null, tls, [serverCertificate, ca]);
    }

    /// <summary>Stops listening, closes every open connection and removes the unix socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync(); // closes the sockets of every relayed connection
        listener.Dispose();
        await acceptLoop;
        Task[] open;
        lock (relays)
        {
            open = [.. relays];
        }

        await Task.WhenAll(open);
        if (listenSocketPath is not null)
        {
            File.Delete(listenSocketPath);
        }

        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }

        stop.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop.Token);
            }
            catch (Exception exception) when (stop.IsCancellationRequested && exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref connections);
            lock (relays)
            {
                relays.Add(Task.Run(() => RelayAsync(client)));
            }
        }
    }

    /// <summary>One client connection: TLS if asked for, the upgrade on a connection to the engine, then bytes both ways.</summary>
    private async Task RelayAsync(Socket client)
    {
        using var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        // Closing the sockets ends every read and write on them, and so the relay, when the relay is disposed.
        using var closeOnStop = stop.Token.Register(() => Close(client, engine));
        try
        {
            await using var clientStream = await ClientStreamAsync(client);
            await engine.ConnectAsync(new UnixDomainSocketEndPoint(engineSocketPath), stop.Token);
            await using var engineStream = new NetworkStream(engine, ownsSocket: false);
            await engineStream.WriteAsync(UpgradeRequest, stop.Token);
            if (!await UpgradedAsync(engineStream))
            {
                return;
            }

            var toEngine = CopyAsync(clientStream, engineStream);
            var toClient = CopyAsync(engineStream, clientStream);
            await Task.WhenAny(toEngine, toClient);
            Close(client, engine);
            await Task.WhenAll(toEngine, toClient);
        }
        catch (Exception exception) when (exception is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // A client refused at the handshake, an engine that is not there, or a relay disposed midway.
        }
        finally
        {
            Close(client, engine);
        }
    }

    private async Task<Stream> ClientStreamAsync(Socket client)
    {
        var network = new NetworkStream(client, ownsSocket: false);
        if (tls is null)
        {
            return network;
        }

        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(tls, stop.Token);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }

        return ssl;
    }

    /// <summary>Reads the engine's answer to the upgrade up to the end of its head, byte by byte so that no HTTP/2 byte after it is taken; true for 101.</summary>
    private async Task<bool> UpgradedAsync(Stream engine)
    {
        var head = new byte[MaxResponseHead];
        var length = 0;
        while (!head.AsSpan(0, length).EndsWith("\r\n\r\n"u8))
        {
            if (length == head.Length || await engine.ReadAsync(head.AsMemory(length, 1), stop.Token) == 0)
            {
                return false;
            }

            length++;
        }

        var statusLine = Encoding.Latin1.GetString(head, 0, length).Split("\r\n")[0];
        return statusLine.Split(' ') is [_, "101", ..];
    }

    /// <summary>Copies one direction until it ends or fails (the other direction closed the sockets).</summary>
    private async Task CopyAsync(Stream from, Stream to)
    {
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static void Close(Socket client, Socket engine)
    {
        client.Dispose();
        engine.Dispose();
    }
}
