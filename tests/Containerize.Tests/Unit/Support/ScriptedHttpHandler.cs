using System.Net;
using System.Text;

namespace Containerize.Tests.Unit.Support;

/// <summary>A request as the fake registry received it: what the tests assert on.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string PathAndQuery => Uri.PathAndQuery;

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"{Method} {Uri}" + (Authorization is null ? "" : " (authorized)");
}

/// <summary>
/// The HTTP boundary of a unit test: each request is recorded (headers and the whole body) and answered by the
/// test's script, which may also throw what a network failure would.
/// </summary>
internal sealed class ScriptedHttpHandler : HttpMessageHandler
{
    private readonly Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> script;
    private readonly List<RecordedRequest> requests = [];

    public ScriptedHttpHandler(Func<RecordedRequest, HttpResponseMessage> script) => this.script = (request, _) => Task.FromResult(script(request));

    /// <summary>A script that may take its time (and see the request's cancellation), to play a registry that does not answer.</summary>
    public ScriptedHttpHandler(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> script) => this.script = script;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (requests)
            {
                return requests.ToList();
            }
        }
    }

    /// <summary>An answer with an optional JSON body and headers ("Location", "Docker-Content-Digest", "WWW-Authenticate", "Content-Type", …).</summary>
    public static HttpResponseMessage Answer(HttpStatusCode status, string? json = null, params (string Name, string Value)[] headers) =>
        Respond(status, json is null ? [] : Encoding.UTF8.GetBytes(json), json is null ? null : "application/json", headers);

    /// <summary>An answer with a binary body (a blob).</summary>
    public static HttpResponseMessage AnswerBytes(HttpStatusCode status, byte[] body, params (string Name, string Value)[] headers) =>
        Respond(status, body, "application/octet-stream", headers);

    private static HttpResponseMessage Respond(HttpStatusCode status, byte[] body, string? contentType, (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                response.Content.Headers.Remove("Content-Type");
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    /// <summary>A distribution error body: {"errors":[{"code","message"}]}.</summary>
    public static HttpResponseMessage Error(HttpStatusCode status, string code, string message, params (string Name, string Value)[] headers) =>
        Answer(status, $$"""{"errors":[{"code":"{{code}}","message":"{{message}}","detail":null}]}""", headers);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.NonValidated.ToDictionary(header => header.Key, header => string.Join(", ", header.Value), StringComparer.OrdinalIgnoreCase);
        var body = Array.Empty<byte>();
        if (request.Content is not null)
        {
            // Computed on first access, as HttpClient does when it writes the headers.
            _ = request.Content.Headers.ContentLength;
            foreach (var header in request.Content.Headers.NonValidated)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }

            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), headers, body);
        lock (requests)
        {
            requests.Add(recorded);
        }

        var response = await script(recorded, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}
