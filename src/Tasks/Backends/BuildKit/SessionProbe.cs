using System.Text;

namespace Containerize.Backends.BuildKit;

/// <summary>
/// Whether an engine offers BuildKit, asked of the engine itself: BuildKit is there when the engine takes up a
/// session — answers POST /session with 101 Switching Protocols (to HTTP/2). The /_ping header Builder-Version
/// only names the engine's default builder (engine 20.10 sends none, yet has BuildKit); Podman's compatible API
/// answers 404. The connection is closed right after the answer.
/// </summary>
public static class SessionProbe
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    /// <returns>The status line's code and reason, such as "101 Switching Protocols" or "404 Not Found".</returns>
    public static async Task<string> AskAsync(DockerEndpoint endpoint, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(AnswerTimeout);
        await using var stream = await EngineConnection.OpenAsync(endpoint, timeout.Token);
        var id = Guid.NewGuid().ToString("N");
        var request = "POST /session HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n"
            + $"X-Docker-Expose-Session-Uuid: {id}\r\nX-Docker-Expose-Session-Name: containerize\r\nX-Docker-Expose-Session-Sharedkey: {id}\r\n"
            + "Content-Length: 0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        var statusLine = await ReadStatusLineAsync(stream, timeout.Token);
        return statusLine.Length == 0 ? "nothing (the engine closed the connection)" : StatusOf(statusLine);
    }

    /// <summary>"HTTP/1.1 101 Switching Protocols" → "101 Switching Protocols".</summary>
    public static string StatusOf(string statusLine)
    {
        var space = statusLine.IndexOf(' ');
        return space < 0 ? statusLine : statusLine[(space + 1)..];
    }

    public static bool Offered(string status) => status.StartsWith("101", StringComparison.Ordinal);

    private static async Task<string> ReadStatusLineAsync(Stream stream, CancellationToken cancellation)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 1024 && await stream.ReadAsync(one, cancellation) == 1)
        {
            if (one[0] == '\n')
            {
                break;
            }

            line.Add(one[0]);
        }

        return Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
    }
}
