using System.Net;
using System.Net.Sockets;

namespace Containerize.Tests.Infrastructure;

/// <summary>A TCP server on 127.0.0.1 at a free port that hands each connection to <see cref="ServeAsync"/> until disposed.</summary>
public abstract class LoopbackServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private int connections;

    protected LoopbackServer()
    {
        listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public string Endpoint => $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public int Connections => Volatile.Read(ref connections);

    protected CancellationTokenSource Stop { get; } = new();

    public void Dispose()
    {
        Stop.Cancel();
        listener.Stop();
        GC.SuppressFinalize(this);
    }

    protected abstract Task ServeAsync(TcpClient client);

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
                    await ServeAsync(client);
                }
            });
        }
    }
}
