using System.Net.Sockets;
using System.Text;

namespace Containerize.Tests.Infrastructure;

/// <summary>
/// A loopback TCP endpoint that forwards to the real engine's socket and records the request line of every
/// HTTP request it carries, so a test can count what the code under test asked the engine. With
/// <paramref name="failFirst"/>, the first connections get a 500 answer instead, as from an engine in trouble.
/// </summary>
/// <param name="socketPath">The engine's socket; the engine of this test pass (<see cref="TestEnvironment.EngineSocket"/>) when null.</param>
public sealed class CountingEngineProxy(int failFirst = 0, string? socketPath = null) : LoopbackServer
{
    private readonly List<string> requests = [];
    private int failuresLeft = failFirst;

    /// <summary>Request lines such as "GET /v1.41/images/json?... HTTP/1.1", in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (requests)
            {
                return requests.ToArray();
            }
        }
    }

    protected override async Task ServeAsync(TcpClient client)
    {
        if (Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            var stream = client.GetStream();
            _ = await stream.ReadAsync(new byte[65536], Stop.Token); // the request head; its content does not matter
            await AnswerAsync(stream, "500 Internal Server Error", "{\"message\":\"engine hiccup\"}");
            return;
        }

        using var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await engine.ConnectAsync(new UnixDomainSocketEndPoint(socketPath ?? TestEnvironment.EngineSocket));
        using var engineStream = new NetworkStream(engine, ownsSocket: false);
        var clientStream = client.GetStream();
        await Task.WhenAny(CopyAsync(clientStream, engineStream, Record), CopyAsync(engineStream, clientStream));
    }

    private Task Record(byte[] data)
    {
        lock (requests)
        {
            requests.AddRange(RequestLines(data));
        }

        return Task.CompletedTask;
    }

}
