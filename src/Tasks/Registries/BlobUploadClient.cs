using System.Net;
using System.Runtime.ExceptionServices;
using Containerize.Diagnostics;

namespace Containerize.Registries;

/// <summary>
/// Blob uploads to one registry: a session (POST), then one monolithic PUT of the whole content, or — when the
/// registry refuses that — PATCHes of <see cref="ChunkSize"/> bytes and a closing PUT in a new session.
/// </summary>
internal sealed class BlobUploadClient(RegistryConnection connection)
{
    private static readonly HttpStatusCode[] MonolithicRefusals =
    [
        HttpStatusCode.BadRequest, HttpStatusCode.MethodNotAllowed, HttpStatusCode.LengthRequired, HttpStatusCode.RequestEntityTooLarge,
        HttpStatusCode.RequestedRangeNotSatisfiable, HttpStatusCode.NotImplemented,
    ];

    private long bytesUploaded;

    /// <summary>The size of each PATCH when a registry refuses monolithic uploads (at least what the registry asks for in OCI-Chunk-Min-Length).</summary>
    public long ChunkSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>False sends every blob in chunks: for tests of the chunked path against a registry that takes both.</summary>
    public bool MonolithicUploads { get; set; } = true;

    /// <summary>The blob body bytes sent, over all uploads and attempts.</summary>
    public long BytesUploaded => Interlocked.Read(ref bytesUploaded);

    private RegistryEndpoint Endpoint => connection.Endpoint;

    /// <summary>
    /// Uploads a blob. <paramref name="open"/> gives the content from its start; it is read as it is sent, never held
    /// in memory, and opened again when an attempt has to start over. A content that cannot be read fails with its
    /// own error, not tried again.
    /// </summary>
    public Task UploadAsync(string repository, string digest, long size, Func<Stream> open, CancellationToken cancellation)
    {
        repository = Endpoint.Repository(repository);
        RegistryEndpoint.CheckDigest(digest);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var operation = $"take the blob {digest} ({size} bytes) into {repository}";
        var access = RepositoryAccess.Push(repository);
        return connection.Runner.RunAsync(operation, async idle =>
        {
            using var source = new BlobUploadSource(open, sent =>
            {
                Interlocked.Add(ref bytesUploaded, sent);
                idle.Touch();
            });
            try
            {
                var (location, minimumChunk) = await StartAsync(access, operation, idle);
                if (MonolithicUploads)
                {
                    if (await PutWholeAsync(access, operation, location, digest, source.Content(0, size), idle))
                    {
                        return true;
                    }

                    (location, minimumChunk) = await StartAsync(access, operation, idle);
                }

                await PutChunksAsync(access, operation, location, Math.Max(ChunkSize, minimumChunk), digest, size, source, idle);
                return true;
            }
            catch (Exception exception) when (source.Failure is { } failure && exception != failure)
            {
                // Reading the content failed here, not on the network: that is the error, and no retry helps.
                ExceptionDispatchInfo.Throw(failure);
                throw;
            }
        }, cancellation);
    }

    /// <summary>Ends an upload session the registry opened in vain. Best effort: a session left open expires on its own.</summary>
    public async Task CancelAsync(RepositoryAccess access, Uri location, IdleTimer idle)
    {
        try
        {
            using var response = await connection.SendAsync(new HttpRequestMessage(HttpMethod.Delete, location), access, "cancel an upload", idle);
        }
        catch (Exception exception) when (exception is ContainerizeException or TransientRegistryException)
        {
            connection.Log.Detail($"The registry {Endpoint.Registry} did not cancel the upload session it opened instead of a mount: {exception.Message}");
        }
    }

    /// <summary>Opens an upload session: its location, and the smallest chunk the registry takes.</summary>
    private async Task<(Uri Location, long MinimumChunk)> StartAsync(RepositoryAccess access, string operation, IdleTimer idle)
    {
        using var response = await connection.SendAsync(new HttpRequestMessage(HttpMethod.Post, Endpoint.UploadsUri(access.Repository)), access, operation, idle);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw await connection.UnexpectedAsync(response, operation, idle);
        }

        var location = response.Headers.Location
            ?? throw new ContainerizeException(Errors.RegistryRequestFailed(Endpoint.Registry, operation, "202 Accepted", "the answer to starting an upload has no Location"));
        var minimum = response.Headers.TryGetValues("OCI-Chunk-Min-Length", out var values) && long.TryParse(values.FirstOrDefault(), out var value) ? value : 0;
        return (RegistryEndpoint.Resolve(response, location), minimum);
    }

    /// <summary>The whole blob in one PUT: true when the registry took it, false when it refuses monolithic uploads (then chunks may do).</summary>
    private async Task<bool> PutWholeAsync(RepositoryAccess access, string operation, Uri location, string digest, HttpContent content, IdleTimer idle)
    {
        using var response = await connection.SendAsync(RegistryConnection.BodyRequest(HttpMethod.Put, RegistryEndpoint.WithQuery(location, "digest", digest), content), access, operation, idle);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return true;
        }

        var body = await RegistryErrorBody.ReadAsync(response, idle.Token);
        if (!MonolithicRefusals.Contains(response.StatusCode) || body.Has("DIGEST_INVALID"))
        {
            throw RegistryFailures.Unexpected(Endpoint, response, operation, body);
        }

        connection.Log.Detail($"The registry {Endpoint.Registry} refused a monolithic upload of {digest} ({(int)response.StatusCode} {response.ReasonPhrase}); uploading it in chunks.");
        return false;
    }

    private async Task PutChunksAsync(RepositoryAccess access, string operation, Uri location, long chunkSize, string digest, long size, BlobUploadSource source, IdleTimer idle)
    {
        for (long offset = 0; offset < size;)
        {
            var length = Math.Min(chunkSize, size - offset);
            var content = source.Content(offset, length);
            // The distribution API's form, "first-last" without a unit, which the typed header cannot write.
            content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
            using var response = await connection.SendAsync(RegistryConnection.BodyRequest(HttpMethod.Patch, location, content), access, operation, idle);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw await connection.UnexpectedAsync(response, operation, idle);
            }

            location = response.Headers.Location is { } next ? RegistryEndpoint.Resolve(response, next) : location;
            offset += length;
        }

        using var closing = await connection.SendAsync(RegistryConnection.BodyRequest(HttpMethod.Put, RegistryEndpoint.WithQuery(location, "digest", digest), new ByteArrayContent([])), access, operation, idle);
        if (closing.StatusCode != HttpStatusCode.Created)
        {
            throw await connection.UnexpectedAsync(closing, operation, idle);
        }
    }
}
