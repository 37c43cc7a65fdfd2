using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Containerize.Diagnostics;

namespace Containerize.Registries;

/// <summary>
/// The Authorization header for requests to one registry. Requests start anonymous; a 401 answer's challenge says
/// what the registry wants: Basic (the user name and password on every request) or Bearer (a token from the realm it
/// names, for the scopes a request needs, cached per scope). Credentials go to the registry and that realm only, and to
/// a plain HTTP realm only when the endpoint allows it (<see cref="RegistryEndpoint.MaySendCredentialsTo"/>; CTZ3014 otherwise).
/// </summary>
internal sealed class RegistryAuthenticator(RegistryEndpoint endpoint, RegistryCredentials? credentials, RegistryAuthenticator.Sender send)
{
    /// <summary>Sends one request as it is (no redirects, no authentication of its own).</summary>
    public delegate Task<HttpResponseMessage> Sender(HttpRequestMessage request, IdleTimer idle);

    // The token specification's default lifetime; a token is refreshed a little before it runs out.
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    private readonly string registry = endpoint.Registry;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> tokens = new();
    private readonly SemaphoreSlim fetching = new(1, 1);
    private volatile AuthenticationChallenge? challenge;
    private int tokensFetched;

    /// <summary>How many tokens were fetched from the realm.</summary>
    public int TokensFetched => Volatile.Read(ref tokensFetched);

    /// <summary>What to send up front: null until the registry asked for credentials, then Basic or a token for these scopes.</summary>
    public async Task<AuthenticationHeaderValue?> AuthorizationAsync(string repository, IReadOnlyList<string> scopes, IdleTimer idle)
    {
        var known = challenge;
        if (known is null)
        {
            return null;
        }

        if (known.IsBasic)
        {
            return Basic();
        }

        return await TokenAsync(known, repository, scopes, null, idle);
    }

    /// <summary>
    /// After a 401 answer to a request sent with <paramref name="sent"/>: what to send the one more time the request is
    /// tried. Throws the CTZ error when trying again cannot help (Basic credentials already refused, or none to send).
    /// </summary>
    public async Task<AuthenticationHeaderValue> ChallengedAsync(HttpResponseMessage unauthorized, string repository, IReadOnlyList<string> scopes, AuthenticationHeaderValue? sent, IdleTimer idle)
    {
        var received = AuthenticationChallenge.Of(unauthorized);
        if (received is null || (received.IsBearer && string.IsNullOrEmpty(received.Realm)))
        {
            throw new ContainerizeException(Errors.RegistryRejectedCredentials(registry, credentials));
        }

        challenge = received;
        if (received.IsBasic)
        {
            if (sent?.Scheme == "Basic")
            {
                throw new ContainerizeException(Errors.RegistryRejectedCredentials(registry, credentials));
            }

            return Basic();
        }

        return await TokenAsync(received, repository, scopes, sent?.Parameter, idle);
    }

    /// <summary>
    /// The cached token for these scopes unless it ran out or is <paramref name="refused"/>, else a new one. One fetch at
    /// a time: requests sent at once (the blobs of a push) that all need a token wait for the first one's.
    /// </summary>
    private async Task<AuthenticationHeaderValue> TokenAsync(AuthenticationChallenge bearer, string repository, IReadOnlyList<string> scopes, string? refused, IdleTimer idle)
    {
        await fetching.WaitAsync(idle.Token);
        try
        {
            return tokens.TryGetValue(Key(scopes), out var cached) && cached.Expires > DateTimeOffset.UtcNow && cached.Token != refused
                ? new AuthenticationHeaderValue("Bearer", cached.Token)
                : await FetchTokenAsync(bearer, repository, scopes, idle);
        }
        finally
        {
            fetching.Release();
        }
    }

    private AuthenticationHeaderValue Basic() =>
        credentials is { Username.Length: > 0 }
            ? AuthenticationChallenge.BasicHeader(credentials)
            : throw new ContainerizeException(Errors.RegistryRejectedCredentials(registry, credentials));

    /// <summary>Whether a token request carries credentials: Basic ones, or an identity token.</summary>
    private bool SendsCredentials => credentials is { Username.Length: > 0 } or { IdentityToken.Length: > 0 };

    private static string Key(IReadOnlyList<string> scopes) => string.Join(' ', scopes);

    private async Task<AuthenticationHeaderValue> FetchTokenAsync(AuthenticationChallenge bearer, string repository, IReadOnlyList<string> scopes, IdleTimer idle)
    {
        if (!Uri.TryCreate(bearer.Realm, UriKind.Absolute, out var realm) || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
        {
            throw new ContainerizeException(Errors.RegistryRequestFailed(registry, "authenticate", "401 Unauthorized", $"its challenge names the token service '{bearer.Realm}', which is not an http(s) URL"));
        }

        if (SendsCredentials && !endpoint.MaySendCredentialsTo(realm))
        {
            throw new ContainerizeException(Errors.CredentialsToPlainHttpTokenService(registry, realm.GetLeftPart(UriPartial.Path), credentials));
        }

        var operation = $"give a token for {string.Join(" and ", scopes)} on {registry}";
        using var request = TokenRequest(realm, bearer.Service, scopes);
        using var response = await send(request, idle);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new ContainerizeException(Errors.RegistryRejectedCredentials(registry, credentials));
        }

        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new ContainerizeException(Errors.RegistryDenied(registry, repository, credentials));
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await RegistryErrorBody.ReadAsync(response, idle.Token);
            var status = RegistryFailures.Status(response);
            if (RegistryFailures.IsTransientStatus(response.StatusCode))
            {
                throw new TransientRegistryException(status + " from " + realm.Authority, attempts => Errors.RegistryRequestFailed(realm.Authority, operation, status, body.Summary, attempts));
            }

            throw new ContainerizeException(Errors.RegistryRequestFailed(realm.Authority, operation, status, body.Summary));
        }

        var (token, lifetime) = await ReadTokenAsync(response, idle);
        if (token is null)
        {
            throw new ContainerizeException(Errors.RegistryRequestFailed(realm.Authority, operation, "200 OK", "the answer holds no token (neither \"token\" nor \"access_token\")"));
        }

        Interlocked.Increment(ref tokensFetched);
        tokens[Key(scopes)] = (token, DateTimeOffset.UtcNow + (lifetime > Margin * 2 ? lifetime - Margin : lifetime));
        return new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>
    /// GET realm?service=…&amp;scope=… with Basic credentials when there are any; with an identity token (what docker login
    /// stores for some registries) the OAuth2 refresh-token grant, POSTed as a form.
    /// </summary>
    private HttpRequestMessage TokenRequest(Uri realm, string? service, IReadOnlyList<string> scopes)
    {
        if (credentials?.IdentityToken is { Length: > 0 } identityToken)
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("refresh_token", identityToken),
                new("client_id", "containerize"),
                new("scope", string.Join(' ', scopes)),
            };
            if (!string.IsNullOrEmpty(service))
            {
                form.Add(new("service", service));
            }

            return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        }

        var query = (string.IsNullOrEmpty(service) ? [] : new[] { "service=" + Uri.EscapeDataString(service) })
            .Concat(scopes.Select(scope => "scope=" + Uri.EscapeDataString(scope)));
        var builder = new UriBuilder(realm);
        var existing = builder.Query.TrimStart('?');
        builder.Query = string.Join('&', (existing.Length == 0 ? [] : new[] { existing }).Concat(query));
        var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (credentials is { Username.Length: > 0 })
        {
            request.Headers.Authorization = AuthenticationChallenge.BasicHeader(credentials);
        }

        return request;
    }

    private async Task<(string? Token, TimeSpan Lifetime)> ReadTokenAsync(HttpResponseMessage response, IdleTimer idle)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(idle.Token));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, DefaultLifetime);
            }

            var token = new[] { "token", "access_token" }
                .Select(name => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null)
                .FirstOrDefault(value => !string.IsNullOrEmpty(value));
            var lifetime = root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt32(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : DefaultLifetime;
            return (token, lifetime);
        }
        catch (JsonException)
        {
            return (null, DefaultLifetime);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            throw new TransientRegistryException("the token service's answer broke off: " + exception.Message,
                attempts => Errors.RegistryUnreachable(registry, $"the token service's answer broke off {attempts} times ({exception.Message})"), exception);
        }
    }
}
