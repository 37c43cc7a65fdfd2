using System.Net.Sockets;

namespace Containerize.Tests.Infrastructure;

/// <summary>A loopback endpoint that accepts connections and never answers: a registry that hangs.</summary>
public sealed class SilentRegistry : LoopbackServer
{
    public string Host => Endpoint["tcp://".Length..];

    protected override async Task ServeAsync(TcpClient client)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, Stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
