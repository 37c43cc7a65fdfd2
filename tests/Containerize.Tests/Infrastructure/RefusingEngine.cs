using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Containerize.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP endpoint standing in for an engine that answers every request with 500 and a Docker-style
/// error body; it counts the connections it accepted.
/// </summary>
public sealed class RefusingEngine : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private int connections;

    public RefusingEngine(string message)
    {
        listener.Start();
        _ = Task.Run(() => ServeAsync(message));
    }

    public string Endpoint => $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public int Connections => Volatile.Read(ref connections);

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }

    private async Task ServeAsync(string message)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"message\":\"{message}\"}}");
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

            Interlocked.Increment(ref connections);
            using (client)
            {
                var stream = client.GetStream();
                var buffer = new byte[8192];
                var request = new StringBuilder();
                while (!request.ToString().Contains("\r\n\r\n"))
                {
                    var read = await stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        break;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                var header = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(header);
                await stream.WriteAsync(body);
            }
        }
    }
}
