namespace Containerize.Registries.Handlers;

/// <summary>
/// Keeps the Authorization header on requests to the registry itself: its scheme, host and port. A request anywhere
/// else — a redirect to a storage service, to plain HTTP, to another port of the same host, an upload location on
/// another host — goes without it.
/// </summary>
internal sealed class CredentialGuardHandler(RegistryEndpoint endpoint) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellation)
    {
        if (!endpoint.IsRegistry(request.RequestUri!))
        {
            request.Headers.Authorization = null;
        }

        return base.SendAsync(request, cancellation);
    }
}
