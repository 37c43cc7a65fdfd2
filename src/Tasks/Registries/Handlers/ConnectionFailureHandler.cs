using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using Containerize.Diagnostics;

namespace Containerize.Registries.Handlers;

/// <summary>
/// The innermost step of the registry pipeline: sends one request as it is (with the User-Agent), touches the
/// attempt's idle timer as it goes, and turns a failure to connect or to get an answer into what it stands for: a
/// refused connection, an unknown host, an unreachable network or a failed TLS handshake is CTZ3003 at once (CTZ3011
/// when the registry's port answers plain HTTP instead); anything else (a reset connection) is a transient failure.
/// </summary>
internal sealed class ConnectionFailureHandler(RegistryEndpoint endpoint) : DelegatingHandler
{
    private static readonly ProductInfoHeaderValue UserAgent =
        new("Containerize", typeof(ConnectionFailureHandler).Assembly.GetName().Version?.ToString(3) ?? "0");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellation)
    {
        var idle = RegistryRequestContext.Of(request).Idle;
        if (request.Headers.UserAgent.Count == 0)
        {
            request.Headers.UserAgent.Add(UserAgent);
        }

        idle.Touch();
        try
        {
            var response = await base.SendAsync(request, cancellation);
            response.RequestMessage ??= request;
            idle.Touch();
            return response;
        }
        catch (HttpRequestException exception)
        {
            throw await ExplainAsync(exception, request.RequestUri!, cancellation);
        }
    }

    private async Task<Exception> ExplainAsync(HttpRequestException exception, Uri uri, CancellationToken cancellation)
    {
        var name = endpoint.IsRegistry(uri) ? endpoint.Registry : uri.Authority;
        var reason = RegistryFailures.Reason(exception);
        var socket = RegistryFailures.Inner<SocketException>(exception)?.SocketErrorCode;
        if (exception.HttpRequestError == HttpRequestError.NameResolutionError
            || socket is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NoData or SocketError.HostUnreachable
                or SocketError.NetworkUnreachable or SocketError.AddressNotAvailable)
        {
            return new ContainerizeException(Errors.RegistryUnreachable(name, reason), exception);
        }

        if (exception.HttpRequestError == HttpRequestError.SecureConnectionError || RegistryFailures.Inner<AuthenticationException>(exception) is not null)
        {
            return endpoint.IsRegistry(uri) && !endpoint.PlainHttp && await AnswersPlainHttpAsync(cancellation)
                ? new ContainerizeException(Errors.RegistryAnswersPlainHttp(endpoint.Registry), exception)
                : new ContainerizeException(Errors.RegistryUnreachable(name, "the TLS connection failed: " + reason), exception);
        }

        return new TransientRegistryException(reason, attempts => Errors.RegistryUnreachable(name, $"{reason}, {RegistryFailures.Times(attempts)}"), exception);
    }

    /// <summary>Whether the registry answers plain HTTP on its port: the reason an HTTPS connection failed.</summary>
    private async Task<bool> AnswersPlainHttpAsync(CancellationToken cancellation)
    {
        try
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(endpoint.Root) { Scheme = Uri.UriSchemeHttp, Port = endpoint.Root.Port, Path = "/v2/" }.Uri);
            probe.Headers.UserAgent.Add(UserAgent);
            using var response = await base.SendAsync(probe, cancellation);
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }
}
