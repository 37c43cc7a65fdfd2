using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Containerize.Tests.Infrastructure;

/// <summary>A TCP server on 127.0.0.1 at a free port that hands each connection to <see cref="ServeAsync"/> until disposed.</summary>
public abstract partial class LoopbackServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private int connections;

    protected LoopbackServer()
    {
        listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public string Endpoint => $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public Uri Uri => new(Endpoint);

    public int Connections => Volatile.Read(ref connections);

    protected CancellationTokenSource Stop { get; } = new();

    public void Dispose()
    {
        Stop.Cancel();
        listener.Stop();
        GC.SuppressFinalize(this);
    }

    protected abstract Task ServeAsync(TcpClient client);

    /// <summary>An HTTP answer with a JSON body, closing the connection.</summary>
    protected static async Task AnswerAsync(Stream stream, string status, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        await stream.WriteAsync(body);
    }

    /// <summary>An HTTP request's line and headers, read up to the blank line that ends them (the body is left unread).</summary>
    protected static async Task<string> ReadRequestHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
        {
            head.Append((char)buffer[0]);
        }

        return head.ToString();
    }

    /// <summary>The HTTP request lines ("GET /v2/ HTTP/1.1") in a chunk of a client's stream.</summary>
    protected static IEnumerable<string> RequestLines(ReadOnlySpan<byte> data) =>
        RequestLine().Matches(Encoding.Latin1.GetString(data)).Select(match => match.Value.TrimEnd('\r'));

    /// <summary>Copies one direction of a connection until it closes, showing each chunk to <paramref name="observe"/> before it is passed on.</summary>
    protected async Task CopyAsync(Stream from, Stream to, Func<byte[], Task>? observe = null)
    {
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, Stop.Token)) > 0)
            {
                if (observe is not null)
                {
                    await observe(buffer[..read]);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), Stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    [GeneratedRegex(@"(?m)^(GET|HEAD|POST|PUT|PATCH|DELETE) /[^ ]* HTTP/1\.[01]\r?$")]
    private static partial Regex RequestLine();

    private async Task AcceptAsync()
    {
        while (!Stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(Stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref connections);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await ServeAsync(client);
                    }
                    catch (OperationCanceledException) when (Stop.IsCancellationRequested)
                    {
                        // Disposed while serving (a connection a test held open).
                    }
                }
            });
        }
    }
}
