using System.Net;
using System.Net.Http.Headers;
using Containerize.Diagnostics;
using Containerize.Spec;

namespace Containerize.Registries;

/// <summary>The manifests of one registry: read one (checked against its digest when asked for by one), look up a digest, put one.</summary>
internal sealed class ManifestClient(RegistryConnection connection)
{
    private RegistryEndpoint Endpoint => connection.Endpoint;

    /// <summary>The manifest or index <paramref name="reference"/> (a tag or a digest) names; its digest is checked when the reference is one.</summary>
    public Task<ManifestResponse> GetAsync(string repository, string reference, CancellationToken cancellation)
    {
        // FindAsync checks the names before it returns: a name that would change the request path throws here, not in the task.
        var found = FindAsync(repository, reference, cancellation);
        return Found();

        async Task<ManifestResponse> Found() => await found
            ?? throw new ContainerizeException(Errors.BaseImageNotInRegistry(Endpoint.Registry, Endpoint.Display(Endpoint.Repository(repository), reference), "manifest"));
    }

    /// <summary>The manifest or index <paramref name="reference"/> names, or null when the registry has none; its digest is checked when the reference is one.</summary>
    public Task<ManifestResponse?> FindAsync(string repository, string reference, CancellationToken cancellation)
    {
        repository = Endpoint.Repository(repository);
        RegistryEndpoint.CheckReference(reference);
        var image = Endpoint.Display(repository, reference);
        var operation = $"send the manifest of {image}";
        return connection.Runner.RunAsync<ManifestResponse?>(operation, async idle =>
        {
            using var response = await connection.SendAsync(Request(HttpMethod.Get, repository, reference), RepositoryAccess.Pull(repository), operation, idle);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await connection.UnexpectedAsync(response, operation, idle);
            }

            var content = await connection.ReadBodyAsync(response, idle);
            var digest = Sha256Digest.Of(content);
            if (ReferenceRules.IsDigest(reference))
            {
                var claimed = ContentDigest(response);
                if (digest != reference || (claimed is not null && claimed != reference))
                {
                    throw new ContainerizeException(Errors.ContentDigestMismatch(Endpoint.Registry, reference, digest != reference ? digest : claimed!));
                }
            }

            return new ManifestResponse(ManifestMediaType.Of(response, content), content, digest);
        }, cancellation);
    }

    /// <summary>The digest of the manifest <paramref name="reference"/> names (one HEAD request), or null when the registry has none.</summary>
    public Task<string?> GetDigestAsync(string repository, string reference, CancellationToken cancellation)
    {
        repository = Endpoint.Repository(repository);
        RegistryEndpoint.CheckReference(reference);
        var operation = $"look up the manifest of {Endpoint.Display(repository, reference)}";
        var access = RepositoryAccess.Pull(repository);
        return connection.Runner.RunAsync<string?>(operation, async idle =>
        {
            using var response = await connection.SendAsync(Request(HttpMethod.Head, repository, reference), access, operation, idle);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await connection.UnexpectedAsync(response, operation, idle);
            }

            if (ContentDigest(response) is { } digest)
            {
                return digest;
            }

            // Docker-Content-Digest is optional: without it only the content tells.
            using var full = await connection.SendAsync(Request(HttpMethod.Get, repository, reference), access, operation, idle);
            if (full.StatusCode != HttpStatusCode.OK)
            {
                throw await connection.UnexpectedAsync(full, operation, idle);
            }

            return Sha256Digest.Of(await connection.ReadBodyAsync(full, idle));
        }, cancellation);
    }

    /// <summary>Puts a manifest or index under a tag or digest; returns its digest as the registry states it (or as computed).</summary>
    public async Task<string> PutAsync(string repository, string reference, string mediaType, byte[] content, CancellationToken cancellation) =>
        (await PutReferrerAsync(repository, reference, mediaType, content, cancellation)).Digest;

    /// <summary>
    /// Puts a manifest; for one with a subject, <c>SubjectIndexed</c> says whether the registry lists it among the
    /// subject's referrers itself (its answer has the OCI-Subject header: it has the referrers API). Without it the
    /// client keeps the referrers tag (OCI distribution spec 1.1, "Pushing Manifests with Subject").
    /// </summary>
    public Task<(string Digest, bool SubjectIndexed)> PutReferrerAsync(string repository, string reference, string mediaType, byte[] content, CancellationToken cancellation)
    {
        repository = Endpoint.Repository(repository);
        RegistryEndpoint.CheckReference(reference);
        var operation = $"take the manifest {Endpoint.Display(repository, reference)}";
        return connection.Runner.RunAsync(operation, async idle =>
        {
            var body = new ByteArrayContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            using var response = await connection.SendAsync(RegistryConnection.BodyRequest(HttpMethod.Put, Endpoint.ManifestUri(repository, reference), body), RepositoryAccess.Push(repository), operation, idle);
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
            {
                throw await connection.UnexpectedAsync(response, operation, idle);
            }

            return (ContentDigest(response) ?? Sha256Digest.Of(content), response.Headers.Contains("OCI-Subject"));
        }, cancellation);
    }

    /// <summary>The Docker-Content-Digest header, if the answer has one.</summary>
    private static string? ContentDigest(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { Length: > 0 } digest ? digest.Trim() : null;

    private HttpRequestMessage Request(HttpMethod method, string repository, string reference) =>
        ManifestMediaType.AcceptAll(new HttpRequestMessage(method, Endpoint.ManifestUri(repository, reference)));
}
