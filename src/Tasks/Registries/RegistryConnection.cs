using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Registries.Handlers;

namespace Containerize.Registries;

/// <summary>
/// What the small clients of one registry share: its endpoint, the runner of operations (retries, idle timeout) and
/// the handler pipeline every request to the registry goes through, outermost first:
/// <see cref="TransientAnswerHandler"/> (5xx and 429 are tried again), <see cref="AuthenticationHandler"/> (Basic or
/// Bearer as the registry asks), <see cref="RedirectHandler"/> (followed here, not by the HTTP handler),
/// <see cref="CredentialGuardHandler"/> (Authorization to the registry only), <see cref="ConnectionFailureHandler"/>
/// (connection failures explained), then the HTTP handler. Token requests take the last two steps only.
/// </summary>
internal sealed class RegistryConnection : IDisposable
{
    private readonly HttpMessageInvoker registry;
    private readonly HttpMessageInvoker direct;

    /// <param name="handler">The HTTP boundary; it must not follow redirects. Disposed with the connection when <paramref name="ownsHandler"/>.</param>
    public RegistryConnection(RegistryEndpoint endpoint, RegistryCredentials? credentials, RetryPolicy retries, IBuildLog log, HttpMessageHandler handler, bool ownsHandler)
    {
        Endpoint = endpoint;
        Log = log;
        Runner = new OperationRunner(endpoint.Registry, retries, log);
        var connection = new ConnectionFailureHandler(endpoint) { InnerHandler = handler };
        direct = new HttpMessageInvoker(connection, disposeHandler: false);
        Authenticator = new RegistryAuthenticator(endpoint, credentials, SendDirectAsync);
        var pipeline = new TransientAnswerHandler(endpoint)
        {
            InnerHandler = new AuthenticationHandler(endpoint, Authenticator, credentials)
            {
                InnerHandler = new RedirectHandler(endpoint) { InnerHandler = new CredentialGuardHandler(endpoint) { InnerHandler = connection } },
            },
        };
        // Disposing a handler disposes those inside it, the HTTP handler included: only when it is this connection's.
        registry = new HttpMessageInvoker(pipeline, disposeHandler: ownsHandler);
    }

    public RegistryEndpoint Endpoint { get; }

    public OperationRunner Runner { get; }

    public RegistryAuthenticator Authenticator { get; }

    public IBuildLog Log { get; }

    /// <summary>
    /// Sends a request to the registry's API through the whole pipeline. The answer is one the caller has to judge:
    /// 401 and 403 of the registry, 5xx and 429 have already become errors. The request's content must be one that can be sent twice.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, RepositoryAccess access, string operation, IdleTimer idle) =>
        registry.SendAsync(new RegistryRequestContext(idle, operation, access).AttachTo(request), idle.Token);

    /// <summary>A request with a body; a registry that refuses it answers before the body is sent (Expect: 100-continue).</summary>
    public static HttpRequestMessage BodyRequest(HttpMethod method, Uri uri, HttpContent content)
    {
        var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.ExpectContinue = true;
        return request;
    }

    /// <summary>The error for an answer the caller did not expect (see <see cref="RegistryFailures.UnexpectedAsync"/>).</summary>
    public Task<Exception> UnexpectedAsync(HttpResponseMessage response, string operation, IdleTimer idle) =>
        RegistryFailures.UnexpectedAsync(Endpoint, response, operation, idle.Token);

    /// <summary>The whole body of an answer; one that breaks off is a transient failure.</summary>
    public async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, IdleTimer idle)
    {
        try
        {
            return await response.Content.ReadAsByteArrayAsync(idle.Token);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            throw RegistryFailures.BrokenOff(Endpoint.Registry, exception);
        }
    }

    public void Dispose()
    {
        registry.Dispose();
        direct.Dispose();
    }

    /// <summary>A request as it is, to the token service: no authentication of the registry's, no redirects.</summary>
    private Task<HttpResponseMessage> SendDirectAsync(HttpRequestMessage request, IdleTimer idle) =>
        direct.SendAsync(new RegistryRequestContext(idle, "authenticate", null).AttachTo(request), idle.Token);
}
