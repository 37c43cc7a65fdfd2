using System.Net;
using Containerize.Diagnostics;

namespace Containerize.Registries.Handlers;

/// <summary>
/// Follows the redirects of GET and HEAD requests (the HTTP handler below follows none): at most 10, to http(s) URLs
/// only, CTZ3010 otherwise. Each hop is sent with the first request's headers; the <see cref="CredentialGuardHandler"/>
/// below takes the Authorization header off the hops that leave the registry.
/// </summary>
internal sealed class RedirectHandler(RegistryEndpoint endpoint) : DelegatingHandler
{
    private const int MaximumRedirects = 10;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellation)
    {
        var authorization = request.Headers.Authorization;
        var followable = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        var hop = request;
        for (var redirects = 0; ; redirects++)
        {
            var response = await base.SendAsync(hop, cancellation);
            if (!followable || !IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }

            var target = RegistryEndpoint.Resolve(response, location);
            response.Dispose();
            if (redirects == MaximumRedirects || (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp))
            {
                throw new ContainerizeException(Errors.RegistryRequestFailed(endpoint.Registry, RegistryRequestContext.Of(request).Operation,
                    $"a redirect to {target.GetLeftPart(UriPartial.Path)}", $"more than {MaximumRedirects} redirects, or not to an http(s) URL"));
            }

            if (hop != request)
            {
                hop.Dispose();
            }

            hop = RegistryRequestContext.Copy(request, target);
            hop.Headers.Authorization = authorization;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
