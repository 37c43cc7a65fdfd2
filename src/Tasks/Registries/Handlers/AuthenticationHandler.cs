using System.Net;
using System.Net.Http.Headers;
using Containerize.Diagnostics;

namespace Containerize.Registries.Handlers;

/// <summary>
/// Authenticates requests to the registry as it asks (<see cref="RegistryAuthenticator"/>): each request goes with
/// what is already known (nothing, Basic, or a token for its scopes); after a 401 answer of the registry it goes once
/// more with what the challenge wants. A 401 after that, or a 403, is the CTZ error at once, never tried again:
/// credentials refused (CTZ3001) or access denied (CTZ3002).
/// </summary>
internal sealed class AuthenticationHandler(RegistryEndpoint endpoint, RegistryAuthenticator authenticator, RegistryCredentials? credentials) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellation)
    {
        var context = RegistryRequestContext.Of(request);
        var access = context.Access ?? throw new InvalidOperationException($"The request {request.Method} {request.RequestUri} names no repository access.");
        var sent = await authenticator.AuthorizationAsync(access.Repository, access.Scopes, context.Idle);
        request.Headers.Authorization = sent;
        var response = await base.SendAsync(request, cancellation);
        if (response.StatusCode == HttpStatusCode.Unauthorized && endpoint.IsRegistry(response))
        {
            AuthenticationHeaderValue retry;
            try
            {
                retry = await authenticator.ChallengedAsync(response, access.Repository, access.Scopes, sent, context.Idle);
            }
            finally
            {
                response.Dispose();
            }

            var again = RegistryRequestContext.Copy(request, request.RequestUri!);
            again.Headers.Authorization = retry;
            response = await base.SendAsync(again, cancellation);
            if (response.StatusCode == HttpStatusCode.Unauthorized && endpoint.IsRegistry(response))
            {
                using (response)
                {
                    var body = await RegistryErrorBody.ReadAsync(response, cancellation);
                    var insufficient = AuthenticationChallenge.Of(response)?.Error == "insufficient_scope" || body.Has("DENIED");
                    throw new ContainerizeException(insufficient
                        ? Errors.RegistryDenied(endpoint.Registry, access.Repository, credentials)
                        : Errors.RegistryRejectedCredentials(endpoint.Registry, credentials));
                }
            }
        }

        if (response.StatusCode == HttpStatusCode.Forbidden && endpoint.IsRegistry(response))
        {
            response.Dispose();
            throw new ContainerizeException(Errors.RegistryDenied(endpoint.Registry, access.Repository, credentials));
        }

        return response;
    }
}
