using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Containerize.Tests.Infrastructure;

/// <summary>What a <see cref="RegistryProxy"/> does to the first request of a connection, while faults last.</summary>
public enum RegistryFault
{
    /// <summary>Closes the connection without an answer (the client sees a reset or EOF).</summary>
    Reset,

    /// <summary>Answers 503 Service Unavailable and closes the connection.</summary>
    Unavailable,
}

/// <summary>
/// A loopback HTTP proxy in front of a real registry: it records every request line and counts the bytes the client
/// sent, and can fail the first requests (or all of them) to test retries. The engine treats 127.0.0.1:PORT as a
/// plain-HTTP registry, so pushing to <see cref="Host"/> goes through it.
/// </summary>
/// <param name="hold">
/// The first request whose request line matches is never passed on nor answered, as if the registry hung on it
/// (<see cref="Held"/> completes then); later ones pass.
/// </param>
public sealed partial class RegistryProxy(int upstreamPort, RegistryFault fault = RegistryFault.Unavailable, int faults = 0, Regex? hold = null) : LoopbackServer
{
    private readonly List<string> requests = [];
    private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>faults &lt; 0: every request fails.</summary>
    private readonly bool endless = faults < 0;
    private int faultsLeft = faults;
    private long bytesSent;

    public string Host => Endpoint["tcp://".Length..];

    /// <summary>Bytes the client sent through the proxy (requests and their bodies).</summary>
    public long BytesSent => Interlocked.Read(ref bytesSent);

    public int FaultsLeft => Volatile.Read(ref faultsLeft);

    /// <summary>Completes when the request to hold has come.</summary>
    public Task Held => held.Task;

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

    /// <summary>Requests that carry layer data to the registry (blob upload chunks and their completion).</summary>
    public IReadOnlyList<string> BlobUploads => Requests.Where(line => BlobUpload().IsMatch(line)).ToList();

    /// <summary>Requests that write to the registry (POST, PUT, PATCH), in order.</summary>
    public IReadOnlyList<string> Writes => Requests.Where(line => Write().IsMatch(line)).ToList();

    protected override async Task ServeAsync(TcpClient client)
    {
        var clientStream = client.GetStream();
        var head = await ReadHeadAsync(clientStream);
        if (head.Length == 0 || head[0] is < (byte)'A' or > (byte)'Z')
        {
            // Not HTTP: the engine first tries TLS. It falls back to plain HTTP when the answer is what a plain HTTP
            // server gives a TLS handshake ("server gave HTTP response to HTTPS client"); engine 20.10 also when the
            // connection just closes, the containerd image store's resolver only then.
            if (head.Length > 0)
            {
                await clientStream.WriteAsync("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
            }

            return;
        }

        await RecordAsync(head);
        if (endless || Interlocked.Decrement(ref faultsLeft) >= 0)
        {
            if (fault == RegistryFault.Unavailable)
            {
                await AnswerAsync(clientStream, "503 Service Unavailable", "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"service unavailable\"}]}");
            }

            return;
        }

        using var upstream = new TcpClient();
        await upstream.ConnectAsync("127.0.0.1", upstreamPort);
        var upstreamStream = upstream.GetStream();
        await upstreamStream.WriteAsync(head);
        await Task.WhenAny(CopyAsync(clientStream, upstreamStream, RecordAsync), CopyAsync(upstreamStream, clientStream));
    }

    /// <summary>Reads up to the end of the first request's headers (a request head fits one read in practice).</summary>
    private async Task<byte[]> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[65536];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), Stop.Token);
            if (read == 0)
            {
                break;
            }

            total += read;
            if (buffer[0] is < (byte)'A' or > (byte)'Z' || Encoding.Latin1.GetString(buffer, 0, total).Contains("\r\n\r\n"))
            {
                break;
            }
        }

        return buffer[..total];
    }

    /// <summary>Records the request lines a chunk from the client holds; never returns for the request to hold.</summary>
    private async Task RecordAsync(byte[] data)
    {
        Interlocked.Add(ref bytesSent, data.Length);
        var lines = RequestLines(data).ToList();
        lock (requests)
        {
            requests.AddRange(lines);
        }

        if (hold is not null && lines.Any(hold.IsMatch) && held.TrySetResult())
        {
            await Task.Delay(Timeout.Infinite, Stop.Token);
        }
    }

    [GeneratedRegex(@"^(PATCH|PUT) /v2/.+/blobs/uploads/")]
    private static partial Regex BlobUpload();

    [GeneratedRegex(@"^(POST|PUT|PATCH) ")]
    private static partial Regex Write();
}
