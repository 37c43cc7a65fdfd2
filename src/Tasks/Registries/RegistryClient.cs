using Containerize.Backends;
using Containerize.Diagnostics;

namespace Containerize.Registries;

/// <summary>
/// The OCI distribution API of one registry host, as the daemonless backend uses it: manifests, blobs, mounts and
/// uploads. A facade over the small clients that do the work (<see cref="ManifestClient"/>, <see cref="BlobClient"/>,
/// <see cref="BlobUploadClient"/>) and the connection they share (<see cref="RegistryConnection"/>: authentication,
/// redirects, retries and a CTZ error for every failure). Safe to use from several tasks at once.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private readonly RegistryConnection connection;
    private readonly ManifestClient manifests;
    private readonly BlobClient blobs;
    private readonly BlobUploadClient uploads;

    /// <param name="host">host[:port] as in a reference ("127.0.0.1:5001", "ghcr.io"; "docker.io" is reached at registry-1.docker.io).</param>
    /// <param name="plainHttp">True for loopback hosts and those in ContainerInsecureRegistries (the caller decides).</param>
    /// <param name="handler">For tests: the HTTP boundary. It must not follow redirects (the client does, to keep credentials on this host).</param>
    public RegistryClient(string host, RegistryCredentials? credentials, bool plainHttp, RetryPolicy retries, IBuildLog log, HttpMessageHandler? handler = null)
    {
        connection = new RegistryConnection(new RegistryEndpoint(host, plainHttp), credentials, retries, log,
            handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(30) }, ownsHandler: handler is null);
        manifests = new ManifestClient(connection);
        uploads = new BlobUploadClient(connection);
        blobs = new BlobClient(connection, uploads);
    }

    /// <summary>How long an exchange may go without any progress (no answer, no body bytes moving) before it counts as timed out.</summary>
    public TimeSpan IdleTimeout
    {
        get => connection.Runner.IdleTimeout;
        init => connection.Runner.IdleTimeout = value;
    }

    /// <summary>The size of each PATCH when a registry refuses monolithic uploads (at least what the registry asks for in OCI-Chunk-Min-Length).</summary>
    public long ChunkSize
    {
        get => uploads.ChunkSize;
        init => uploads.ChunkSize = value;
    }

    /// <summary>False sends every blob in chunks: for tests of the chunked path against a registry that takes both.</summary>
    internal bool MonolithicUploads
    {
        get => uploads.MonolithicUploads;
        init => uploads.MonolithicUploads = value;
    }

    /// <summary>The registry's host[:port], as messages name it.</summary>
    public string Registry => connection.Endpoint.Registry;

    /// <summary>The blob body bytes this client sent, over all uploads and attempts.</summary>
    public long BytesUploaded => uploads.BytesUploaded;

    /// <summary>Tokens fetched from the registry's token service (Bearer authentication).</summary>
    internal int TokensFetched => connection.Authenticator.TokensFetched;

    /// <inheritdoc cref="ManifestClient.GetAsync"/>
    public Task<ManifestResponse> GetManifestAsync(string repository, string reference, CancellationToken cancellation) =>
        manifests.GetAsync(repository, reference, cancellation);

    /// <inheritdoc cref="ManifestClient.FindAsync"/>
    public Task<ManifestResponse?> FindManifestAsync(string repository, string reference, CancellationToken cancellation) =>
        manifests.FindAsync(repository, reference, cancellation);

    /// <inheritdoc cref="ManifestClient.GetDigestAsync"/>
    public Task<string?> GetManifestDigestAsync(string repository, string reference, CancellationToken cancellation) =>
        manifests.GetDigestAsync(repository, reference, cancellation);

    /// <inheritdoc cref="ManifestClient.PutAsync"/>
    public Task<string> PutManifestAsync(string repository, string reference, string mediaType, byte[] content, CancellationToken cancellation) =>
        manifests.PutAsync(repository, reference, mediaType, content, cancellation);

    /// <inheritdoc cref="ManifestClient.PutReferrerAsync"/>
    public Task<(string Digest, bool SubjectIndexed)> PutReferrerAsync(string repository, string mediaType, byte[] content, CancellationToken cancellation) =>
        manifests.PutReferrerAsync(repository, Sha256Digest.Of(content), mediaType, content, cancellation);

    /// <inheritdoc cref="BlobClient.ExistsAsync"/>
    public Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken cancellation) =>
        blobs.ExistsAsync(repository, digest, cancellation);

    /// <inheritdoc cref="BlobClient.DownloadAsync"/>
    public Task DownloadBlobAsync(string repository, string digest, Stream destination, CancellationToken cancellation) =>
        blobs.DownloadAsync(repository, digest, destination, cancellation);

    /// <inheritdoc cref="BlobClient.TryMountAsync"/>
    public Task<bool> TryMountBlobAsync(string repository, string digest, string fromRepository, CancellationToken cancellation) =>
        blobs.TryMountAsync(repository, digest, fromRepository, cancellation);

    /// <inheritdoc cref="BlobUploadClient.UploadAsync"/>
    public Task UploadBlobAsync(string repository, string digest, long size, Func<Stream> open, CancellationToken cancellation) =>
        uploads.UploadAsync(repository, digest, size, open, cancellation);

    public void Dispose() => connection.Dispose();
}
