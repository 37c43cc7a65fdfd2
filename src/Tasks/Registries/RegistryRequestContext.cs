namespace Containerize.Registries;

/// <summary>
/// What the handlers of the registry pipeline need to know of a request beyond HTTP, carried in its options: the
/// attempt's idle timer (every step that makes progress touches it), what the request is for (for messages) and,
/// for requests to the registry's API, the repository access it needs (for authentication).
/// </summary>
internal sealed record RegistryRequestContext(IdleTimer Idle, string Operation, RepositoryAccess? Access)
{
    private static readonly HttpRequestOptionsKey<RegistryRequestContext> Key = new("Containerize.RegistryRequest");

    public HttpRequestMessage AttachTo(HttpRequestMessage request)
    {
        request.Options.Set(Key, this);
        return request;
    }

    public static RegistryRequestContext Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var context)
            ? context
            : throw new InvalidOperationException($"The request {request.Method} {request.RequestUri} was sent without its registry context.");

    /// <summary>
    /// A new request like <paramref name="request"/> (method, headers, options and content) for <paramref name="uri"/>:
    /// the same request sent once more, or a redirect's next hop. The content is shared, so it must be one that can be
    /// sent twice (bytes, or the blob ranges of <see cref="BlobUploadSource"/>).
    /// </summary>
    public static HttpRequestMessage Copy(HttpRequestMessage request, Uri uri)
    {
        var copy = new HttpRequestMessage(request.Method, uri) { Version = request.Version, VersionPolicy = request.VersionPolicy, Content = request.Content };
        foreach (var header in request.Headers.NonValidated)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        return copy;
    }
}
