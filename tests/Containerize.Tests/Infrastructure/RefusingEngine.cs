using System.Net.Sockets;
using System.Text;

namespace Containerize.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP endpoint standing in for an engine that answers every request with 500 and a Docker-style
/// error body; <see cref="LoopbackServer.Connections"/> counts what reached it.
/// </summary>
public sealed class RefusingEngine(string message) : LoopbackServer
{
    private readonly byte[] body = Encoding.UTF8.GetBytes($"{{\"message\":\"{message}\"}}");

    protected override async Task ServeAsync(TcpClient client)
    {
        var stream = client.GetStream();
        var buffer = new byte[8192];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var header = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(header);
        await stream.WriteAsync(body);
    }
}
