using System.Net.Sockets;
using System.Text;

namespace Containerize.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP endpoint standing in for an engine that answers every request with 500 and a Docker-style
/// error body; <see cref="LoopbackServer.Connections"/> counts what reached it.
/// </summary>
public sealed class RefusingEngine(string message) : LoopbackServer
{
    private readonly string body = $"{{\"message\":\"{message}\"}}";

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

        await AnswerAsync(stream, "500 Internal Server Error", body);
    }
}
