using System.Net;
using Containerize.Diagnostics;

namespace Containerize.Registries;

/// <summary>The blobs one registry holds: whether it has one, a download (following redirects), a mount from another repository.</summary>
internal sealed class BlobClient(RegistryConnection connection, BlobUploadClient uploads)
{
    private const int CopyBufferSize = 81920;

    private RegistryEndpoint Endpoint => connection.Endpoint;

    /// <summary>True when the registry answers the blob's HEAD with 200, false for 404 (an answer, not an error).</summary>
    public Task<bool> ExistsAsync(string repository, string digest, CancellationToken cancellation)
    {
        repository = Endpoint.Repository(repository);
        RegistryEndpoint.CheckDigest(digest);
        var operation = $"look up the blob {digest} in {repository}";
        return connection.Runner.RunAsync(operation, async idle =>
        {
            using var response = await connection.SendAsync(new HttpRequestMessage(HttpMethod.Head, Endpoint.BlobUri(repository, digest)), RepositoryAccess.Pull(repository), operation, idle);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => true,
                HttpStatusCode.NotFound => false,
                _ => throw await connection.UnexpectedAsync(response, operation, idle),
            };
        }, cancellation);
    }

    /// <summary>
    /// Writes the blob to <paramref name="destination"/>, following redirects (without credentials to other hosts).
    /// The caller verifies the digest. A transient failure mid-way starts again from the beginning, which needs a seekable destination.
    /// </summary>
    public Task DownloadAsync(string repository, string digest, Stream destination, CancellationToken cancellation)
    {
        repository = Endpoint.Repository(repository);
        RegistryEndpoint.CheckDigest(digest);
        var registry = Endpoint.Registry;
        var operation = $"send the blob {digest} of {repository}";
        var start = destination.CanSeek ? destination.Position : 0;
        long written = 0;
        return connection.Runner.RunAsync(operation, async idle =>
        {
            if (written > 0)
            {
                if (!destination.CanSeek)
                {
                    throw new ContainerizeException(Errors.RegistryUnreachable(registry, $"the download of {digest} broke off, and what was written cannot be taken back to start again"));
                }

                destination.Position = start;
                destination.SetLength(start);
                written = 0;
            }

            using var response = await connection.SendAsync(new HttpRequestMessage(HttpMethod.Get, Endpoint.BlobUri(repository, digest)), RepositoryAccess.Pull(repository), operation, idle);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ContainerizeException(Errors.BaseImageNotInRegistry(registry, $"{registry}/{repository}", "blob " + digest));
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await connection.UnexpectedAsync(response, operation, idle);
            }

            var buffer = new byte[CopyBufferSize];
            await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer, idle.Token);
                }
                catch (IOException exception)
                {
                    throw written > 0 && !destination.CanSeek
                        ? new ContainerizeException(Errors.RegistryUnreachable(registry, "the download of " + digest + " broke off: " + exception.Message), exception)
                        : RegistryFailures.BrokenOff(registry, exception);
                }

                if (read == 0)
                {
                    return true;
                }

                idle.Touch();
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellation);
                written += read;
            }
        }, cancellation);
    }

    /// <summary>
    /// Asks the registry to link a blob it holds in <paramref name="fromRepository"/> into <paramref name="repository"/>.
    /// True when it did (201); false when it started an upload instead (202), which is cancelled.
    /// </summary>
    public Task<bool> TryMountAsync(string repository, string digest, string fromRepository, CancellationToken cancellation)
    {
        repository = Endpoint.Repository(repository);
        fromRepository = Endpoint.Repository(fromRepository);
        RegistryEndpoint.CheckDigest(digest);
        var operation = $"mount the blob {digest} from {fromRepository} into {repository}";
        var access = RepositoryAccess.Mount(repository, fromRepository);
        var uri = Endpoint.UploadsUri(repository, $"?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(fromRepository)}");
        return connection.Runner.RunAsync(operation, async idle =>
        {
            using var response = await connection.SendAsync(new HttpRequestMessage(HttpMethod.Post, uri), access, operation, idle);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return true;
            }

            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw await connection.UnexpectedAsync(response, operation, idle);
            }

            if (response.Headers.Location is { } location)
            {
                await uploads.CancelAsync(access, RegistryEndpoint.Resolve(response, location), idle);
            }

            return false;
        }, cancellation);
    }
}
