using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Containerize.Tests.Infrastructure;

/// <summary>
/// A loopback TCP endpoint that forwards to the real engine's socket and records the request line of every
/// HTTP request it carries, so a test can count what the code under test asked the engine.
/// </summary>
public sealed partial class CountingEngineProxy : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly List<string> requests = [];

    public CountingEngineProxy(string socketPath = "/var/run/docker.sock")
    {
        listener.Start();
        _ = Task.Run(() => AcceptAsync(socketPath));
    }

    public string Endpoint => $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

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

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }

    private async Task AcceptAsync(string socketPath)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(client, socketPath));
        }
    }

    private async Task ForwardAsync(TcpClient client, string socketPath)
    {
        using (client)
        using (var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await engine.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
            using var engineStream = new NetworkStream(engine, ownsSocket: false);
            var clientStream = client.GetStream();
            var upstream = CopyAsync(clientStream, engineStream, record: true);
            var downstream = CopyAsync(engineStream, clientStream, record: false);
            await Task.WhenAny(upstream, downstream);
        }
    }

    private async Task CopyAsync(Stream from, Stream to, bool record)
    {
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
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

                await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    [GeneratedRegex(@"(?m)^(GET|HEAD|POST|PUT|DELETE) /[^ ]* HTTP/1\.[01]\r?$")]
    private static partial Regex RequestLine();
}
