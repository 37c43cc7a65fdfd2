using System.Text;

namespace Containerize.Backends.BuildKit;

/// <summary>
/// The request that starts a BuildKit session: POST /session, asking the engine to upgrade the connection to HTTP/2,
/// with the gRPC methods this side serves named in its headers (BuildKit only calls methods named there). An engine
/// with BuildKit answers 101 Switching Protocols — that answer is how <c>auto</c> knows BuildKit is there: the /_ping
/// header Builder-Version only names the engine's default builder (engine 20.10 sends none, yet has BuildKit);
/// Podman's compatible API answers 404.
/// </summary>
public static class SessionUpgrade
{
    /// <summary>Sends the request and reads the answer's head, leaving the stream at its first byte after it (HTTP/2 from the engine on 101).</summary>
    /// <returns>The status line's code and reason, such as "101 Switching Protocols" or "404 Not Found".</returns>
    public static async Task<string> RequestAsync(Stream stream, string sessionId, IReadOnlyList<string> methods, CancellationToken cancellation)
    {
        var request = new StringBuilder("POST /session HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n")
            .Append($"X-Docker-Expose-Session-Uuid: {sessionId}\r\nX-Docker-Expose-Session-Name: containerize\r\nX-Docker-Expose-Session-Sharedkey: {sessionId}\r\n");
        foreach (var method in methods)
        {
            request.Append("X-Docker-Expose-Session-Grpc-Method: ").Append(method).Append("\r\n");
        }

        request.Append("Content-Length: 0\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellation);
        await stream.FlushAsync(cancellation);

        var statusLine = await ReadLineAsync(stream, cancellation);
        if (statusLine.Length == 0)
        {
            return "nothing (the engine closed the connection)";
        }

        while ((await ReadLineAsync(stream, cancellation)).Length > 0)
        {
            // the answer's headers: nothing in them is needed
        }

        return StatusOf(statusLine);
    }

    /// <summary>"HTTP/1.1 101 Switching Protocols" → "101 Switching Protocols".</summary>
    public static string StatusOf(string statusLine)
    {
        var space = statusLine.IndexOf(' ');
        return space < 0 ? statusLine : statusLine[(space + 1)..];
    }

    public static bool Offered(string status) => status.StartsWith("101", StringComparison.Ordinal);

    /// <summary>One line of the answer's head, byte by byte: nothing after the head may be read here.</summary>
    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellation)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 8192 && await stream.ReadAsync(one, cancellation) == 1)
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
