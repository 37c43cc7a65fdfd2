using System.Net.Sockets;
using Grpc.Net.Client;

namespace Containerize.Tests.Unit.Support;

/// <summary>A gRPC channel to the session host's unix socket, as BuildKit reaches it (HTTP/2 without TLS).</summary>
internal static class SessionHostChannel
{
    public static GrpcChannel To(string socket) => GrpcChannel.ForAddress("http://session", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellation) =>
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellation);
                return new NetworkStream(client, ownsSocket: true);
            },
        },
    });
}
