using System.IO.Pipes;
using System.Net.Security;
using System.Net.Sockets;

namespace Containerize.Backends;

/// <summary>
/// A plain byte stream to an engine's endpoint (unix socket, TCP with or without TLS, Windows named pipe), for the
/// requests Docker.DotNet has no call for — those the engine answers by upgrading the connection (POST /session) — and
/// to a standalone BuildKit daemon, which speaks gRPC in it.
/// </summary>
public static class EngineConnection
{
    /// <param name="protocols">The application protocols TLS offers (ALPN): h2 for gRPC; none for the engine's HTTP/1.1.</param>
    public static async Task<Stream> OpenAsync(DockerEndpoint endpoint, CancellationToken cancellation, List<SslApplicationProtocol>? protocols = null)
    {
        var uri = endpoint.Uri;
        switch (uri.Scheme)
        {
            case "unix":
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(uri.LocalPath), cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            case "npipe":
            {
                var pipe = new NamedPipeClientStream(".", uri.Segments[^1], PipeDirection.InOut, PipeOptions.Asynchronous);
                await pipe.ConnectAsync(cancellation);
                return pipe;
            }

            default:
            {
                var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(uri.Host, uri.Port, cancellation);
                    Stream stream = client.GetStream();
                    if (endpoint.Tls is { } tls)
                    {
                        var secure = new SslStream(stream, leaveInnerStreamOpen: false, EngineTlsCredentials.ServerValidation(tls));
                        await secure.AuthenticateAsClientAsync(
                            new SslClientAuthenticationOptions
                            {
                                TargetHost = uri.Host, ClientCertificates = [EngineTlsCredentials.ClientCertificate(tls)], ApplicationProtocols = protocols,
                            }, cancellation);
                        stream = secure;
                    }

                    return stream;
                }
                catch
                {
                    client.Dispose();
                    throw;
                }
            }
        }
    }

    /// <summary>
    /// An HTTP client whose connections are <see cref="OpenAsync"/>'s (TLS, where the endpoint has it, is inside them):
    /// for the engine requests Docker.DotNet cannot make as needed. No timeout: a build takes as long as it takes.
    /// </summary>
    public static HttpClient CreateHttpClient(DockerEndpoint endpoint) =>
        new(new SocketsHttpHandler { ConnectCallback = async (_, cancellation) => await OpenAsync(endpoint, cancellation) })
        {
            BaseAddress = new Uri("http://docker/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
