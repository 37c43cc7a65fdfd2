using System.Net.Sockets;
using System.Text;

namespace Containerize.Tests.Infrastructure;

/// <summary>
/// A registry that lets a client in (GET /v2/ answers 200) and denies every repository request with 403 DENIED,
/// as a registry does for an account without permission on the repository.
/// </summary>
public sealed class DenyingRegistry : LoopbackServer
{
    public string Host => Endpoint["tcp://".Length..];

    protected override async Task ServeAsync(TcpClient client)
    {
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        while (await reader.ReadLineAsync(Stop.Token) is { Length: > 0 } requestLine)
        {
            while (await reader.ReadLineAsync(Stop.Token) is { Length: > 0 })
            {
            }

            var path = requestLine.Split(' ')[1];
            var (status, body) = path == "/v2/"
                ? ("200 OK", "{}")
                : ("403 Forbidden", "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}");
            var answer = $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nDocker-Distribution-API-Version: registry/2.0\r\n" +
                $"Content-Length: {(requestLine.StartsWith("HEAD") ? 0 : body.Length)}\r\n\r\n{(requestLine.StartsWith("HEAD") ? "" : body)}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), Stop.Token);
        }
    }
}
