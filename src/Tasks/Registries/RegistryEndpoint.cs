using Containerize.Spec;

namespace Containerize.Registries;

/// <summary>
/// Where one registry is reached: its name as messages show it, the root of its API (https, or http when the caller
/// allows plain HTTP), the URLs of manifests, blobs and uploads in it, and the checks of the names that go into them.
/// </summary>
internal sealed class RegistryEndpoint
{
    private const string DockerHubApiHost = "registry-1.docker.io";

    /// <param name="host">host[:port] as in a reference ("127.0.0.1:5001", "ghcr.io"; "docker.io" is reached at registry-1.docker.io).</param>
    /// <param name="plainHttp">True for loopback hosts and those in ContainerInsecureRegistries (the caller decides).</param>
    public RegistryEndpoint(string host, bool plainHttp)
    {
        Registry = RegistryNames.Host(host);
        PlainHttp = plainHttp;
        Root = new Uri($"{(plainHttp ? "http" : "https")}://{(Registry == RegistryNames.DockerHub ? DockerHubApiHost : Registry)}/");
    }

    /// <summary>The registry's host[:port], as messages name it.</summary>
    public string Registry { get; }

    /// <summary>The API's root: https://host[:port]/, or http:// for a registry allowed plain HTTP.</summary>
    public Uri Root { get; }

    public bool PlainHttp { get; }

    /// <summary>The repository as the API names it (Docker Hub's official images live under library/); a name that is none is refused.</summary>
    public string Repository(string repository)
    {
        if (!ReferenceRules.IsRepository(repository))
        {
            throw new ArgumentException($"'{repository}' is not a repository name.", nameof(repository));
        }

        return Registry == RegistryNames.DockerHub && !repository.Contains('/') ? "library/" + repository : repository;
    }

    public static void CheckReference(string reference)
    {
        if (!ReferenceRules.IsTag(reference) && !ReferenceRules.IsDigest(reference))
        {
            throw new ArgumentException($"'{reference}' is neither a tag nor a sha256 digest.", nameof(reference));
        }
    }

    public static void CheckDigest(string digest)
    {
        if (!ReferenceRules.IsDigest(digest))
        {
            throw new ArgumentException($"'{digest}' is not a sha256 digest.", nameof(digest));
        }
    }

    /// <summary>registry/repository:tag or registry/repository@digest, for messages.</summary>
    public string Display(string repository, string reference) =>
        $"{Registry}/{repository}" + (ReferenceRules.IsDigest(reference) ? "@" : ":") + reference;

    public Uri ManifestUri(string repository, string reference) => new(Root, $"v2/{repository}/manifests/{reference}");

    public Uri BlobUri(string repository, string digest) => new(Root, $"v2/{repository}/blobs/{digest}");

    /// <summary>Where upload sessions start (POST), with an optional query such as a mount's.</summary>
    public Uri UploadsUri(string repository, string query = "") => new(Root, $"v2/{repository}/blobs/uploads/{query}");

    /// <summary>Whether the URL is on the registry itself: the same scheme, host and port as its API's root.</summary>
    public bool IsRegistry(Uri uri) =>
        Uri.Compare(uri, Root, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>Whether the answer came from the registry (not from a host a redirect or an upload location led to).</summary>
    public bool IsRegistry(HttpResponseMessage response) => response.RequestMessage?.RequestUri is not { } uri || IsRegistry(uri);

    /// <summary>Who gave the answer, for messages: the registry's name, or the other host's host[:port].</summary>
    public string NameOf(HttpResponseMessage response) => IsRegistry(response) ? Registry : response.RequestMessage!.RequestUri!.Authority;

    /// <summary>
    /// Whether credentials may go to <paramref name="uri"/> over plain HTTP: only when the registry itself is reached
    /// over plain HTTP (the user allowed it: a loopback name or ContainerInsecureRegistries) and the URL is on the
    /// registry's host or on a loopback name. An https URL always may.
    /// </summary>
    public bool MaySendCredentialsTo(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps
        || (PlainHttp && (uri.Host.Equals(Root.Host, StringComparison.OrdinalIgnoreCase) || RegistryNames.IsLoopback(uri.Authority)));

    /// <summary>A Location header's URL, made absolute against the request it answered.</summary>
    public static Uri Resolve(HttpResponseMessage response, Uri location) =>
        location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);

    /// <summary>The URL with one more query parameter.</summary>
    public static Uri WithQuery(Uri uri, string name, string value)
    {
        var builder = new UriBuilder(uri);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length == 0 ? "" : query + "&") + name + "=" + Uri.EscapeDataString(value);
        return builder.Uri;
    }
}
