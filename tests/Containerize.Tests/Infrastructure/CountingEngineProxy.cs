using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Containerize.Tests.Infrastructure;

/// <summary>
/// A loopback TCP endpoint that forwards to the real engine's socket and records the request line of every
/// HTTP request it carries, so a test can count what the code under test asked the engine. With
/// <paramref name="failFirst"/>, the first connections get a 500 answer instead, as from an engine in trouble.
/// </summary>
public sealed partial class CountingEngineProxy(int failFirst = 0, string socketPath = "/var/run/docker.sock") : LoopbackServer
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
            var body = "{\"message\":\"engine hiccup\"}"u8.ToArray();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(body);
            return;
        }

        using var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await engine.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        using var engineStream = new NetworkStream(engine, ownsSocket: false);
        var clientStream = client.GetStream();
        await Task.WhenAny(CopyAsync(clientStream, engineStream, record: true), CopyAsync(engineStream, clientStream, record: false));
    }

    private async Task CopyAsync(Stream from, Stream to, bool record)
    {
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, Stop.Token)) > 0)
            {
                if (record)
                {
                    foreach (Match match in RequestLine().Matches(Encoding.Latin1.GetString(buffer, 0, read)))
                    {
                        lock (requests)
                        {
                            requests.Add(match.Value.TrimEnd('\r'));
                        }
                    }
                }

                await to.WriteAsync(buffer.AsMemory(0, read), Stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    [GeneratedRegex(@"(?m)^(GET|HEAD|POST|PUT|DELETE) /[^ ]* HTTP/1\.[01]\r?$")]
    private static partial Regex RequestLine();
}
