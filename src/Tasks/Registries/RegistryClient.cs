using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Security.Authentication;
using System.Text.Json;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Spec;

namespace Containerize.Registries;

/// <summary>
/// The OCI distribution API of one registry host: manifests, blobs, mounts and uploads, with the registry's
/// authentication (Basic or Bearer tokens), retries of transient failures and a CTZ error for every other one.
/// Safe to use from several tasks at once.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private const string DockerHubApiHost = "registry-1.docker.io";
    private const int MaximumRedirects = 10;
    private const int CopyBufferSize = 81920;

    private static readonly string[] ManifestMediaTypes = [MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest];

    private static readonly HttpStatusCode[] MonolithicRefusals =
    [
        HttpStatusCode.BadRequest, HttpStatusCode.MethodNotAllowed, HttpStatusCode.LengthRequired, HttpStatusCode.RequestEntityTooLarge,
        HttpStatusCode.RequestedRangeNotSatisfiable, HttpStatusCode.NotImplemented,
    ];

    private readonly string registry;
    private readonly Uri root;
    private readonly bool plainHttp;
    private readonly RegistryCredentials? credentials;
    private readonly RetryPolicy retries;
    private readonly IBuildLog log;
    private readonly HttpClient http;
    private readonly RegistryAuthenticator authenticator;
    private long bytesUploaded;

    /// <param name="host">host[:port] as in a reference ("127.0.0.1:5001", "ghcr.io"; "docker.io" is reached at registry-1.docker.io).</param>
    /// <param name="plainHttp">True for loopback hosts and those in ContainerInsecureRegistries (the caller decides).</param>
    /// <param name="handler">For tests: the HTTP boundary. It must not follow redirects (the client does, to keep credentials on this host).</param>
    public RegistryClient(string host, RegistryCredentials? credentials, bool plainHttp, RetryPolicy retries, IBuildLog log, HttpMessageHandler? handler = null)
    {
        registry = RegistryNames.Host(host);
        this.plainHttp = plainHttp;
        this.credentials = credentials;
        this.retries = retries;
        this.log = log;
        root = new Uri($"{(plainHttp ? "http" : "https")}://{(registry == RegistryNames.DockerHub ? DockerHubApiHost : registry)}/");
        http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(30) }, disposeHandler: handler is null)
        {
            // Large blobs take as long as they take: IdleTimeout bounds the time without progress instead.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Containerize", typeof(RegistryClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        authenticator = new RegistryAuthenticator(registry, credentials, SendOnceAsync);
    }

    /// <summary>How long an exchange may go without any progress (no answer, no body bytes moving) before it counts as timed out.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>The size of each PATCH when a registry refuses monolithic uploads (at least what the registry asks for in OCI-Chunk-Min-Length).</summary>
    public long ChunkSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>False sends every blob in chunks: for tests of the chunked path against a registry that takes both.</summary>
    internal bool MonolithicUploads { get; init; } = true;

    /// <summary>The registry's host[:port], as messages name it.</summary>
    public string Registry => registry;

    /// <summary>The blob body bytes this client sent, over all uploads and attempts.</summary>
    public long BytesUploaded => Interlocked.Read(ref bytesUploaded);

    /// <summary>Tokens fetched from the registry's token service (Bearer authentication).</summary>
    internal int TokensFetched => authenticator.TokensFetched;

    /// <summary>The manifest or index <paramref name="reference"/> (a tag or a digest) names; its digest is checked when the reference is one.</summary>
    public Task<ManifestResponse> GetManifestAsync(string repository, string reference, CancellationToken cancellation)
    {
        repository = Repository(repository);
        CheckReference(reference);
        var image = Display(repository, reference);
        var operation = $"send the manifest of {image}";
        return RunAsync(operation, async idle =>
        {
            using var response = await SendAsync(Access.Pull(repository), operation, () => ManifestRequest(HttpMethod.Get, repository, reference), idle);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ContainerizeException(Errors.BaseImageNotInRegistry(registry, image, "manifest"));
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await UnexpectedAsync(response, operation, idle);
            }

            var content = await ReadBodyAsync(response, idle);
            var digest = Sha256Digest.Of(content);
            if (ReferenceRules.IsDigest(reference))
            {
                var claimed = ContentDigest(response);
                if (digest != reference || (claimed is not null && claimed != reference))
                {
                    throw new ContainerizeException(Errors.ContentDigestMismatch(registry, reference, digest != reference ? digest : claimed!));
                }
            }

            return new ManifestResponse(MediaTypeOf(response, content), content, digest);
        }, cancellation);
    }

    /// <summary>The digest of the manifest <paramref name="reference"/> names (one HEAD request), or null when the registry has none.</summary>
    public Task<string?> GetManifestDigestAsync(string repository, string reference, CancellationToken cancellation)
    {
        repository = Repository(repository);
        CheckReference(reference);
        var operation = $"look up the manifest of {Display(repository, reference)}";
        return RunAsync<string?>(operation, async idle =>
        {
            using var response = await SendAsync(Access.Pull(repository), operation, () => ManifestRequest(HttpMethod.Head, repository, reference), idle);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await UnexpectedAsync(response, operation, idle);
            }

            if (ContentDigest(response) is { } digest)
            {
                return digest;
            }

            // Docker-Content-Digest is optional: without it only the content tells.
            using var full = await SendAsync(Access.Pull(repository), operation, () => ManifestRequest(HttpMethod.Get, repository, reference), idle);
            if (full.StatusCode != HttpStatusCode.OK)
            {
                throw await UnexpectedAsync(full, operation, idle);
            }

            return Sha256Digest.Of(await ReadBodyAsync(full, idle));
        }, cancellation);
    }

    public Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken cancellation)
    {
        repository = Repository(repository);
        CheckDigest(digest);
        var operation = $"look up the blob {digest} in {repository}";
        return RunAsync(operation, async idle =>
        {
            using var response = await SendAsync(Access.Pull(repository), operation, () => new HttpRequestMessage(HttpMethod.Head, BlobUri(repository, digest)), idle);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => true,
                HttpStatusCode.NotFound => false,
                _ => throw await UnexpectedAsync(response, operation, idle),
            };
        }, cancellation);
    }

    /// <summary>
    /// Writes the blob to <paramref name="destination"/>, following redirects (without credentials to other hosts).
    /// The caller verifies the digest. A transient failure mid-way starts again from the beginning, which needs a seekable destination.
    /// </summary>
    public Task DownloadBlobAsync(string repository, string digest, Stream destination, CancellationToken cancellation)
    {
        repository = Repository(repository);
        CheckDigest(digest);
        var operation = $"send the blob {digest} of {repository}";
        var start = destination.CanSeek ? destination.Position : 0;
        long written = 0;
        return RunAsync(operation, async idle =>
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

            using var response = await SendAsync(Access.Pull(repository), operation, () => new HttpRequestMessage(HttpMethod.Get, BlobUri(repository, digest)), idle);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ContainerizeException(Errors.BaseImageNotInRegistry(registry, $"{registry}/{repository}", "blob " + digest));
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await UnexpectedAsync(response, operation, idle);
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
                        : BrokenOff(exception);
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
    public Task<bool> TryMountBlobAsync(string repository, string digest, string fromRepository, CancellationToken cancellation)
    {
        repository = Repository(repository);
        fromRepository = Repository(fromRepository);
        CheckDigest(digest);
        var operation = $"mount the blob {digest} from {fromRepository} into {repository}";
        var access = Access.Mount(repository, fromRepository);
        var uri = new Uri(root, $"v2/{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(fromRepository)}");
        return RunAsync(operation, async idle =>
        {
            using var response = await SendAsync(access, operation, () => new HttpRequestMessage(HttpMethod.Post, uri), idle);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return true;
            }

            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw await UnexpectedAsync(response, operation, idle);
            }

            if (response.Headers.Location is { } location)
            {
                await CancelUploadAsync(access, Resolve(response, location), idle);
            }

            return false;
        }, cancellation);
    }

    /// <summary>
    /// Uploads a blob: one monolithic PUT of the whole content, or, when the registry refuses that, PATCHes of
    /// <see cref="ChunkSize"/> bytes and a closing PUT. <paramref name="open"/> gives the content from its start; it is
    /// read as it is sent, never held in memory, and opened again when an attempt has to start over.
    /// </summary>
    public Task UploadBlobAsync(string repository, string digest, long size, Func<Stream> open, CancellationToken cancellation)
    {
        repository = Repository(repository);
        CheckDigest(digest);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var operation = $"take the blob {digest} ({size} bytes) into {repository}";
        var access = Access.Push(repository);
        return RunAsync(operation, async idle =>
        {
            using var source = new BlobUploadSource(open, sent =>
            {
                Interlocked.Add(ref bytesUploaded, sent);
                idle.Touch();
            });
            try
            {
                var (location, minimumChunk) = await StartUploadAsync(access, operation, idle);
                if (MonolithicUploads)
                {
                    using var response = await SendAsync(access, operation, () => BodyRequest(HttpMethod.Put, WithQuery(location, "digest", digest), source.Content(0, size)), idle);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        return true;
                    }

                    var body = await RegistryErrorBody.ReadAsync(response, idle.Token);
                    if (!MonolithicRefusals.Contains(response.StatusCode) || body.Has("DIGEST_INVALID"))
                    {
                        throw Unexpected(response, operation, body);
                    }

                    log.Detail($"The registry {registry} refused a monolithic upload of {digest} ({(int)response.StatusCode} {response.ReasonPhrase}); uploading it in chunks.");
                    (location, minimumChunk) = await StartUploadAsync(access, operation, idle);
                }

                await UploadChunksAsync(access, operation, location, Math.Max(ChunkSize, minimumChunk), digest, size, source, idle);
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

    /// <summary>Puts a manifest or index under a tag or digest; returns its digest as the registry states it (or as computed).</summary>
    public Task<string> PutManifestAsync(string repository, string reference, string mediaType, byte[] content, CancellationToken cancellation)
    {
        repository = Repository(repository);
        CheckReference(reference);
        var operation = $"take the manifest {Display(repository, reference)}";
        return RunAsync(operation, async idle =>
        {
            using var response = await SendAsync(Access.Push(repository), operation, () =>
            {
                var body = new ByteArrayContent(content);
                body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return BodyRequest(HttpMethod.Put, ManifestUri(repository, reference), body);
            }, idle);
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
            {
                throw await UnexpectedAsync(response, operation, idle);
            }

            return ContentDigest(response) ?? Sha256Digest.Of(content);
        }, cancellation);
    }

    public void Dispose() => http.Dispose();

    /// <summary>One attempt of an operation per call of <paramref name="attempt"/>, tried again (with a message) after a transient failure.</summary>
    private async Task<T> RunAsync<T>(string operation, Func<IdleTimer, Task<T>> attempt, CancellationToken cancellation)
    {
        try
        {
            return await retries.RunAsync(
                async () =>
                {
                    using var idle = new IdleTimer(IdleTimeout, cancellation);
                    try
                    {
                        return await attempt(idle);
                    }
                    catch (OperationCanceledException exception) when (!cancellation.IsCancellationRequested)
                    {
                        var reason = $"no progress for {IdleTimeout.TotalSeconds:0.###} s";
                        throw new TransientRegistryException(reason, attempts => Errors.RegistryUnreachable(registry, $"{reason}, {Times(attempts)}"), exception);
                    }
                },
                exception => exception is TransientRegistryException,
                (exception, attempt, delay) => log.Report(Errors.RegistryRetry(registry, operation, exception.Message, attempt, retries.Attempts, delay)),
                cancellation);
        }
        catch (TransientRegistryException exception)
        {
            throw new ContainerizeException(exception.Explain(retries.Attempts), exception.InnerException);
        }
    }

    /// <summary>
    /// Sends a request with the authorization <paramref name="access"/> needs, authenticating (once) when the registry
    /// answers 401; turns 401 after that, 403 and 5xx answers into errors. Other answers are the caller's to judge.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Access access, string operation, Func<HttpRequestMessage> create, IdleTimer idle)
    {
        var authorization = await authenticator.AuthorizationAsync(access.Repository, access.Scopes, idle);
        var response = await SendFollowingRedirectsAsync(create, authorization, operation, idle);
        if (response.StatusCode == HttpStatusCode.Unauthorized && FromRegistry(response))
        {
            AuthenticationHeaderValue retry;
            try
            {
                retry = await authenticator.ChallengedAsync(response, access.Repository, access.Scopes, authorization, idle);
            }
            finally
            {
                response.Dispose();
            }

            response = await SendFollowingRedirectsAsync(create, retry, operation, idle);
            if (response.StatusCode == HttpStatusCode.Unauthorized && FromRegistry(response))
            {
                using (response)
                {
                    var body = await RegistryErrorBody.ReadAsync(response, idle.Token);
                    var insufficient = AuthenticationChallenge.Of(response)?.Error == "insufficient_scope" || body.Has("DENIED");
                    throw new ContainerizeException(insufficient
                        ? Errors.RegistryDenied(registry, access.Repository, credentials)
                        : Errors.RegistryRejectedCredentials(registry, credentials));
                }
            }
        }

        if (response.StatusCode == HttpStatusCode.Forbidden && FromRegistry(response))
        {
            response.Dispose();
            throw new ContainerizeException(Errors.RegistryDenied(registry, access.Repository, credentials));
        }

        if (IsTransientStatus(response.StatusCode))
        {
            throw await UnexpectedAsync(response, operation, idle);
        }

        return response;
    }

    /// <summary>Follows redirects of GET and HEAD requests; the Authorization header goes only to this registry.</summary>
    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(Func<HttpRequestMessage> create, AuthenticationHeaderValue? authorization, string operation, IdleTimer idle)
    {
        var request = create();
        for (var redirects = 0; ; redirects++)
        {
            request.Headers.Authorization = IsRegistry(request.RequestUri!) ? authorization : null;
            var response = await SendOnceAsync(request, idle);
            var followable = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
            if (!followable || !IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }

            var target = Resolve(response, location);
            response.Dispose();
            if (redirects == MaximumRedirects || (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp))
            {
                throw new ContainerizeException(Errors.RegistryRequestFailed(registry, operation, $"a redirect to {target.GetLeftPart(UriPartial.Path)}", $"more than {MaximumRedirects} redirects, or not to an http(s) URL"));
            }

            var next = new HttpRequestMessage(request.Method, target);
            foreach (var accept in request.Headers.Accept)
            {
                next.Headers.Accept.Add(accept);
            }

            request.Dispose();
            request = next;
        }
    }

    /// <summary>One request, as it is. A failure to connect becomes a CTZ error, or a transient failure when it may pass.</summary>
    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, IdleTimer idle)
    {
        idle.Touch();
        try
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token);
            response.RequestMessage ??= request;
            idle.Touch();
            return response;
        }
        catch (HttpRequestException exception)
        {
            throw await ExplainAsync(exception, request.RequestUri!, idle);
        }
    }

    private async Task<Exception> ExplainAsync(HttpRequestException exception, Uri uri, IdleTimer idle)
    {
        var name = IsRegistry(uri) ? registry : uri.Authority;
        var reason = Reason(exception);
        var socket = Inner<SocketException>(exception)?.SocketErrorCode;
        if (exception.HttpRequestError == HttpRequestError.NameResolutionError
            || socket is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NoData or SocketError.HostUnreachable
                or SocketError.NetworkUnreachable or SocketError.AddressNotAvailable)
        {
            return new ContainerizeException(Errors.RegistryUnreachable(name, reason), exception);
        }

        if (exception.HttpRequestError == HttpRequestError.SecureConnectionError || Inner<AuthenticationException>(exception) is not null)
        {
            return IsRegistry(uri) && !plainHttp && await AnswersPlainHttpAsync(idle)
                ? new ContainerizeException(Errors.RegistryAnswersPlainHttp(registry), exception)
                : new ContainerizeException(Errors.RegistryUnreachable(name, "the TLS connection failed: " + reason), exception);
        }

        return new TransientRegistryException(reason, attempts => Errors.RegistryUnreachable(name, $"{reason}, {Times(attempts)}"), exception);
    }

    /// <summary>Whether the registry answers plain HTTP on its port: the reason an HTTPS connection failed.</summary>
    private async Task<bool> AnswersPlainHttpAsync(IdleTimer idle)
    {
        try
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(root) { Scheme = Uri.UriSchemeHttp, Port = root.Port, Path = "/v2/" }.Uri);
            using var response = await http.SendAsync(probe, HttpCompletionOption.ResponseHeadersRead, idle.Token);
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<(Uri Location, long MinimumChunk)> StartUploadAsync(Access access, string operation, IdleTimer idle)
    {
        using var response = await SendAsync(access, operation, () => new HttpRequestMessage(HttpMethod.Post, new Uri(root, $"v2/{access.Repository}/blobs/uploads/")), idle);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw await UnexpectedAsync(response, operation, idle);
        }

        var location = response.Headers.Location
            ?? throw new ContainerizeException(Errors.RegistryRequestFailed(registry, operation, "202 Accepted", "the answer to starting an upload has no Location"));
        var minimum = response.Headers.TryGetValues("OCI-Chunk-Min-Length", out var values) && long.TryParse(values.FirstOrDefault(), out var value) ? value : 0;
        return (Resolve(response, location), minimum);
    }

    private async Task UploadChunksAsync(Access access, string operation, Uri location, long chunkSize, string digest, long size, BlobUploadSource source, IdleTimer idle)
    {
        for (long offset = 0; offset < size;)
        {
            var length = Math.Min(chunkSize, size - offset);
            var start = offset;
            using var response = await SendAsync(access, operation, () =>
            {
                var content = source.Content(start, length);
                // The distribution API's form, "first-last" without a unit, which the typed header cannot write.
                content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + length - 1}");
                return BodyRequest(HttpMethod.Patch, location, content);
            }, idle);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw await UnexpectedAsync(response, operation, idle);
            }

            location = response.Headers.Location is { } next ? Resolve(response, next) : location;
            offset += length;
        }

        using var closing = await SendAsync(access, operation, () => BodyRequest(HttpMethod.Put, WithQuery(location, "digest", digest), new ByteArrayContent([])), idle);
        if (closing.StatusCode != HttpStatusCode.Created)
        {
            throw await UnexpectedAsync(closing, operation, idle);
        }
    }

    /// <summary>Ends an upload session the registry opened in vain. Best effort: a session left open expires on its own.</summary>
    private async Task CancelUploadAsync(Access access, Uri location, IdleTimer idle)
    {
        try
        {
            using var response = await SendAsync(access, "cancel an upload", () => new HttpRequestMessage(HttpMethod.Delete, location), idle);
        }
        catch (Exception exception) when (exception is ContainerizeException or TransientRegistryException)
        {
            log.Detail($"The registry {registry} did not cancel the upload session it opened instead of a mount: {exception.Message}");
        }
    }

    private HttpRequestMessage ManifestRequest(HttpMethod method, string repository, string reference)
    {
        var request = new HttpRequestMessage(method, ManifestUri(repository, reference));
        foreach (var mediaType in ManifestMediaTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        return request;
    }

    private static HttpRequestMessage BodyRequest(HttpMethod method, Uri uri, HttpContent content)
    {
        var request = new HttpRequestMessage(method, uri) { Content = content };
        // A registry that refuses the request answers before the body is sent.
        request.Headers.ExpectContinue = true;
        return request;
    }

    private Uri ManifestUri(string repository, string reference) => new(root, $"v2/{repository}/manifests/{reference}");

    private Uri BlobUri(string repository, string digest) => new(root, $"v2/{repository}/blobs/{digest}");

    private bool IsRegistry(Uri uri) =>
        Uri.Compare(uri, root, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private bool FromRegistry(HttpResponseMessage response) => response.RequestMessage?.RequestUri is not { } uri || IsRegistry(uri);

    private static Uri Resolve(HttpResponseMessage response, Uri location) =>
        location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);

    private static Uri WithQuery(Uri uri, string name, string value)
    {
        var builder = new UriBuilder(uri);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length == 0 ? "" : query + "&") + name + "=" + Uri.EscapeDataString(value);
        return builder.Uri;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string? ContentDigest(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { Length: > 0 } digest ? digest.Trim() : null;

    /// <summary>Content-Type, unless it is a generic JSON type; then the document's own mediaType; else what its shape says.</summary>
    private static string MediaTypeOf(HttpResponseMessage response, byte[] content)
    {
        var header = response.Content.Headers.ContentType?.MediaType;
        if (header is not null && header is not ("application/json" or "text/plain" or "application/octet-stream"))
        {
            return header;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("mediaType", out var mediaType) && mediaType.ValueKind == JsonValueKind.String && mediaType.GetString() is { Length: > 0 } declared)
                {
                    return declared;
                }

                return root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
            }
        }
        catch (JsonException)
        {
        }

        return header ?? MediaTypes.OciManifest;
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, IdleTimer idle)
    {
        try
        {
            return await response.Content.ReadAsByteArrayAsync(idle.Token);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            throw BrokenOff(exception);
        }
    }

    private TransientRegistryException BrokenOff(Exception exception)
    {
        var reason = "the answer broke off: " + Reason(exception);
        return new TransientRegistryException(reason, attempts => Errors.RegistryUnreachable(registry, $"{reason}, {Times(attempts)}"), exception);
    }

    private async Task<Exception> UnexpectedAsync(HttpResponseMessage response, string operation, IdleTimer idle)
    {
        using (response)
        {
            return Unexpected(response, operation, await RegistryErrorBody.ReadAsync(response, idle.Token));
        }
    }

    private Exception Unexpected(HttpResponseMessage response, string operation, RegistryErrorBody body)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        var name = FromRegistry(response) ? registry : response.RequestMessage!.RequestUri!.Authority;
        return IsTransientStatus(response.StatusCode)
            ? new TransientRegistryException(status, attempts => Errors.RegistryRequestFailed(name, operation, status, body.Summary, attempts))
            : new ContainerizeException(Errors.RegistryRequestFailed(name, operation, status, body.Summary));
    }

    /// <summary>A 5xx answer or 429 Too Many Requests: worth trying again after a pause.</summary>
    internal static bool IsTransientStatus(HttpStatusCode status) => (int)status >= 500 || status == HttpStatusCode.TooManyRequests;

    /// <summary>The repository as the API names it: Docker Hub's official images live under library/.</summary>
    private string Repository(string repository)
    {
        if (!ReferenceRules.IsRepository(repository))
        {
            throw new ArgumentException($"'{repository}' is not a repository name.", nameof(repository));
        }

        return registry == RegistryNames.DockerHub && !repository.Contains('/') ? "library/" + repository : repository;
    }

    private static void CheckReference(string reference)
    {
        if (!ReferenceRules.IsTag(reference) && !ReferenceRules.IsDigest(reference))
        {
            throw new ArgumentException($"'{reference}' is neither a tag nor a sha256 digest.", nameof(reference));
        }
    }

    private static void CheckDigest(string digest)
    {
        if (!ReferenceRules.IsDigest(digest))
        {
            throw new ArgumentException($"'{digest}' is not a sha256 digest.", nameof(digest));
        }
    }

    private string Display(string repository, string reference) =>
        $"{registry}/{repository}" + (ReferenceRules.IsDigest(reference) ? "@" : ":") + reference;

    private static string Times(int attempts) => attempts == 1 ? "on the only attempt" : $"on each of {attempts} attempts";

    private static T? Inner<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>The exception's message and those of its causes, without repeats.</summary>
    private static string Reason(Exception exception)
    {
        var parts = new List<string>();
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (!parts.Any(part => part.Contains(current.Message, StringComparison.Ordinal)))
            {
                parts.Add(current.Message.TrimEnd('.'));
            }
        }

        return string.Join(": ", parts);
    }

    /// <summary>The repository a request is about and the token scopes it needs.</summary>
    private sealed record Access(string Repository, IReadOnlyList<string> Scopes)
    {
        public static Access Pull(string repository) => new(repository, [$"repository:{repository}:pull"]);

        public static Access Push(string repository) => new(repository, [$"repository:{repository}:pull,push"]);

        public static Access Mount(string repository, string from) => new(repository, [$"repository:{repository}:pull,push", $"repository:{from}:pull"]);
    }
}
