using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Tests.Unit.Support;
using static Containerize.Tests.Unit.Support.ScriptedHttpHandler;

namespace Containerize.Tests.Unit;

/// <summary>RegistryClient's reads (manifests, blobs), its retries and its errors, against a scripted HTTP boundary.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class RegistryClientTests
{
    private const string Host = "registry.example";
    private const string ManifestJson = """{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{},"layers":[]}""";
    private const string MissingDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly TimeSpan[] TinyDelays = [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)];

    private readonly RecordingBuildLog log = new();

    private RegistryClient Client(ScriptedHttpHandler handler, string host = Host, bool plainHttp = false) =>
        new(host, null, plainHttp, new RetryPolicy(TinyDelays), log, handler);

    private static string DigestOf(string text) => DigestOf(Encoding.UTF8.GetBytes(text));

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private static HttpRequestException Refused() =>
        new(HttpRequestError.ConnectionError, "Connection refused (registry.example:443)", new SocketException((int)SocketError.ConnectionRefused));

    private static HttpRequestException Reset() =>
        new(HttpRequestError.Unknown, "An error occurred while sending the request.", new IOException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset)));

    [TestMethod]
    public async Task A_manifest_is_asked_for_in_the_four_manifest_types_and_returned_with_its_media_type_bytes_and_digest()
    {
        var handler = new ScriptedHttpHandler(_ => Answer(HttpStatusCode.OK, ManifestJson, ("Content-Type", MediaTypes.DockerManifest)));
        using var client = Client(handler);

        var manifest = await client.GetManifestAsync("dotnet/runtime", "10.0", CancellationToken.None);

        Assert.AreEqual(MediaTypes.DockerManifest, manifest.MediaType);
        Assert.AreEqual(ManifestJson, Encoding.UTF8.GetString(manifest.Content));
        Assert.AreEqual(DigestOf(ManifestJson), manifest.Digest);
        var request = handler.Requests.Single();
        Assert.AreEqual("https://registry.example/v2/dotnet/runtime/manifests/10.0", request.Uri.AbsoluteUri);
        CollectionAssert.AreEquivalent(
            new[] { MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest },
            request.Header("Accept")!.Split(", "));
    }

    [TestMethod]
    public async Task A_manifest_served_as_plain_json_takes_its_media_type_from_the_document()
    {
        var handler = new ScriptedHttpHandler(_ => Answer(HttpStatusCode.OK, ManifestJson));
        using var client = Client(handler);

        var manifest = await client.GetManifestAsync("dotnet/runtime", "10.0", CancellationToken.None);

        Assert.AreEqual(MediaTypes.DockerManifest, manifest.MediaType);
    }

    [TestMethod]
    public async Task A_manifest_asked_for_by_digest_is_returned_when_its_content_has_that_digest()
    {
        var digest = DigestOf(ManifestJson);
        var handler = new ScriptedHttpHandler(_ => Answer(HttpStatusCode.OK, ManifestJson, ("Content-Type", MediaTypes.DockerManifest), ("Docker-Content-Digest", digest)));
        using var client = Client(handler);

        var manifest = await client.GetManifestAsync("dotnet/runtime", digest, CancellationToken.None);

        Assert.AreEqual(digest, manifest.Digest);
        Assert.AreEqual("/v2/dotnet/runtime/manifests/" + digest, handler.Requests.Single().PathAndQuery);
    }

    [TestMethod]
    public async Task A_manifest_asked_for_by_digest_whose_content_differs_is_CTZ3013()
    {
        var handler = new ScriptedHttpHandler(_ => Answer(HttpStatusCode.OK, ManifestJson, ("Content-Type", MediaTypes.DockerManifest)));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("dotnet/runtime", MissingDigest, CancellationToken.None));

        Assert.AreEqual("CTZ3013", error.Diagnostic.Code);
        Assert.AreEqual(
            $"The content that registry.example served for {MissingDigest} hashes to {DigestOf(ManifestJson)}, so it is not the content that digest names. Run the build again; if it persists, the registry's storage (or a proxy or mirror in between) is damaged: check it, or use another registry.",
            error.Message);
    }

    [TestMethod]
    public async Task A_manifest_asked_for_by_digest_with_another_Docker_Content_Digest_is_CTZ3013()
    {
        var digest = DigestOf(ManifestJson);
        var handler = new ScriptedHttpHandler(_ => Answer(HttpStatusCode.OK, ManifestJson, ("Content-Type", MediaTypes.DockerManifest), ("Docker-Content-Digest", MissingDigest)));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("dotnet/runtime", digest, CancellationToken.None));

        Assert.AreEqual("CTZ3013", error.Diagnostic.Code);
    }

    [TestMethod]
    public async Task A_missing_manifest_is_CTZ3012_naming_the_image_without_a_retry()
    {
        var handler = new ScriptedHttpHandler(_ => Error(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN", "manifest unknown"));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("dotnet/runtime", "10.0", CancellationToken.None));

        Assert.AreEqual("CTZ3012", error.Diagnostic.Code);
        Assert.AreEqual(
            "The registry registry.example has no manifest of registry.example/dotnet/runtime:10.0: that base image is not in this registry. Check ContainerBaseImage (or ContainerBaseRegistry and ContainerFamily, from which it was inferred), and that the image was pushed there completely.",
            error.Message);
        Assert.HasCount(1, handler.Requests);
        Assert.IsEmpty(log.Diagnostics);
    }

    [TestMethod]
    public async Task A_missing_blob_is_CTZ3012_naming_the_blob()
    {
        var handler = new ScriptedHttpHandler(_ => Error(HttpStatusCode.NotFound, "BLOB_UNKNOWN", "blob unknown to registry"));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.DownloadBlobAsync("dotnet/runtime", MissingDigest, new MemoryStream(), CancellationToken.None));

        Assert.AreEqual("CTZ3012", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "has no blob " + MissingDigest + " of registry.example/dotnet/runtime");
        Assert.HasCount(1, handler.Requests);
    }

    [TestMethod]
    public async Task The_manifest_digest_comes_from_a_HEAD_request_and_is_null_when_there_is_none()
    {
        var digest = DigestOf(ManifestJson);
        var handler = new ScriptedHttpHandler(request => request.Uri.AbsolutePath.EndsWith("/1.0", StringComparison.Ordinal)
            ? Answer(HttpStatusCode.OK, null, ("Docker-Content-Digest", digest))
            : Answer(HttpStatusCode.NotFound));
        using var client = Client(handler);

        Assert.AreEqual(digest, await client.GetManifestDigestAsync("acme/app", "1.0", CancellationToken.None));
        Assert.IsNull(await client.GetManifestDigestAsync("acme/app", "2.0", CancellationToken.None));
        Assert.IsTrue(handler.Requests.All(r => r.Method == HttpMethod.Head));
    }

    [TestMethod]
    public async Task Without_a_Docker_Content_Digest_the_manifest_digest_is_computed_from_its_content()
    {
        var handler = new ScriptedHttpHandler(request => Answer(HttpStatusCode.OK, request.Method == HttpMethod.Head ? null : ManifestJson));
        using var client = Client(handler);

        Assert.AreEqual(DigestOf(ManifestJson), await client.GetManifestDigestAsync("acme/app", "1.0", CancellationToken.None));
        Assert.AreSequenceEqual(new[] { HttpMethod.Head, HttpMethod.Get }, handler.Requests.Select(r => r.Method).ToArray());
    }

    [TestMethod]
    public async Task A_blob_exists_when_its_HEAD_answers_200_and_not_when_404()
    {
        var present = DigestOf("present");
        var handler = new ScriptedHttpHandler(request => request.Uri.AbsolutePath.EndsWith(present, StringComparison.Ordinal) ? Answer(HttpStatusCode.OK) : Answer(HttpStatusCode.NotFound));
        using var client = Client(handler);

        Assert.IsTrue(await client.BlobExistsAsync("acme/app", present, CancellationToken.None));
        Assert.IsFalse(await client.BlobExistsAsync("acme/app", MissingDigest, CancellationToken.None));
        Assert.AreEqual("/v2/acme/app/blobs/" + present, handler.Requests[0].PathAndQuery);
    }

    [TestMethod]
    public async Task A_503_is_tried_again_with_a_message_and_then_succeeds()
    {
        var calls = 0;
        var handler = new ScriptedHttpHandler(_ => ++calls == 1
            ? Error(HttpStatusCode.ServiceUnavailable, "UNAVAILABLE", "service unavailable")
            : Answer(HttpStatusCode.OK, ManifestJson, ("Content-Type", MediaTypes.DockerManifest)));
        using var client = Client(handler);

        var manifest = await client.GetManifestAsync("acme/app", "1.0", CancellationToken.None);

        Assert.AreEqual(DigestOf(ManifestJson), manifest.Digest);
        Assert.AreEqual(2, calls);
        var retry = log.Diagnostics.Single();
        Assert.AreEqual(new Diagnostic("",
            "The registry registry.example failed to send the manifest of registry.example/acme/app:1.0 (503 Service Unavailable); trying again in 0 s (attempt 2 of 4).",
            Severity.Message), retry);
    }

    [TestMethod]
    public async Task A_429_is_tried_again_and_is_CTZ3010_when_it_lasts()
    {
        var handler = new ScriptedHttpHandler(_ => Error(HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS", "pull rate limit exceeded"));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual("CTZ3010", error.Diagnostic.Code);
        StringAssert.StartsWith(error.Message, "The registry registry.example answered 429 Too Many Requests when asked to send the manifest of registry.example/acme/app:1.0 (after 4 attempts): TOOMANYREQUESTS: pull rate limit exceeded.");
        Assert.HasCount(4, handler.Requests);
        Assert.HasCount(3, log.Diagnostics);
    }

    [TestMethod]
    public async Task A_5xx_that_lasts_is_CTZ3010_with_the_status_the_operation_the_registry_message_and_the_attempts()
    {
        var handler = new ScriptedHttpHandler(_ => Error(HttpStatusCode.InternalServerError, "UNKNOWN", "unknown error"));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.BlobExistsAsync("acme/app", MissingDigest, CancellationToken.None));

        Assert.AreEqual("CTZ3010", error.Diagnostic.Code);
        Assert.HasCount(4, handler.Requests);
        Assert.HasCount(3, log.Diagnostics);
        StringAssert.StartsWith(error.Message, $"The registry registry.example answered 500 Internal Server Error when asked to look up the blob {MissingDigest} in acme/app (after 4 attempts)");
    }

    [TestMethod]
    public async Task An_unexpected_4xx_is_CTZ3010_with_the_registry_error_and_no_retry()
    {
        var handler = new ScriptedHttpHandler(_ => Error(HttpStatusCode.BadRequest, "NAME_INVALID", "invalid repository name"));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual(
            "The registry registry.example answered 400 Bad Request when asked to send the manifest of registry.example/acme/app:1.0: NAME_INVALID: invalid repository name. Check that registry.example is an OCI distribution registry that allows this; its own log tells more.",
            error.Message);
        Assert.AreEqual("CTZ3010", error.Diagnostic.Code);
        Assert.HasCount(1, handler.Requests);
        Assert.IsEmpty(log.Diagnostics);
    }

    [TestMethod]
    public async Task A_refused_connection_is_CTZ3003_without_a_retry()
    {
        var handler = new ScriptedHttpHandler(_ => throw Refused());
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual("CTZ3003", error.Diagnostic.Code);
        StringAssert.EndsWith(error.Message, "can be reached from this machine — the build's HTTPS_PROXY, HTTP_PROXY and NO_PROXY apply.", "no advice about the engine's settings for the in-process client");
        StringAssert.StartsWith(error.Message, "The registry registry.example could not be reached: Connection refused");
        Assert.HasCount(1, handler.Requests);
        Assert.IsEmpty(log.Diagnostics);
    }

    [TestMethod]
    public async Task An_unknown_host_is_CTZ3003_without_a_retry()
    {
        var handler = new ScriptedHttpHandler(_ => throw new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (registry.example:443)"));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.BlobExistsAsync("acme/app", MissingDigest, CancellationToken.None));

        Assert.AreEqual("CTZ3003", error.Diagnostic.Code);
        Assert.HasCount(1, handler.Requests);
    }

    [TestMethod]
    public async Task A_reset_connection_is_tried_again_and_is_CTZ3003_when_it_lasts()
    {
        var handler = new ScriptedHttpHandler(_ => throw Reset());
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.BlobExistsAsync("acme/app", MissingDigest, CancellationToken.None));

        Assert.AreEqual("CTZ3003", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "Connection reset by peer, on each of 4 attempts");
        Assert.HasCount(4, handler.Requests);
        Assert.HasCount(3, log.Diagnostics);
        Assert.IsTrue(log.Diagnostics.All(d => d.Severity == Severity.Message && d.Message.Contains("Connection reset by peer", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task A_registry_that_does_not_answer_times_out_is_tried_again_and_is_CTZ3003()
    {
        var handler = new ScriptedHttpHandler(async (_, cancellation) =>
        {
            await Task.Delay(Timeout.Infinite, cancellation);
            return Answer(HttpStatusCode.OK);
        });
        using var client = new RegistryClient(Host, null, plainHttp: false, new RetryPolicy([TimeSpan.FromMilliseconds(1)]), log, handler)
        {
            IdleTimeout = TimeSpan.FromMilliseconds(50),
        };

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.BlobExistsAsync("acme/app", MissingDigest, CancellationToken.None));

        Assert.AreEqual("CTZ3003", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "no progress for 0.05 s, on each of 2 attempts");
        Assert.HasCount(2, handler.Requests);
    }

    [TestMethod]
    public async Task Cancellation_by_the_caller_is_not_a_timeout_and_not_retried()
    {
        using var cancellation = new CancellationTokenSource();
        var handler = new ScriptedHttpHandler(async (_, token) =>
        {
            cancellation.Cancel();
            await Task.Delay(Timeout.Infinite, token);
            return Answer(HttpStatusCode.OK);
        });
        using var client = Client(handler);

        await Assert.ThrowsAsync<OperationCanceledException>(() => client.BlobExistsAsync("acme/app", MissingDigest, cancellation.Token));

        Assert.HasCount(1, handler.Requests);
        Assert.IsEmpty(log.Diagnostics);
    }

    [TestMethod]
    public async Task An_https_request_to_a_plain_http_registry_is_CTZ3011_naming_ContainerInsecureRegistries()
    {
        var handler = new ScriptedHttpHandler(request => request.Uri.Scheme == "https"
            ? throw new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.", new AuthenticationException("Cannot determine the frame size or a corrupted frame was received."))
            : Answer(HttpStatusCode.OK, "{}"));
        using var client = Client(handler, "registry.example:5000");

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual(
            "The registry registry.example:5000 answers over plain HTTP, and Containerize reached for it over HTTPS. If it is meant to serve plain HTTP, add it to ContainerInsecureRegistries (for example: -p:ContainerInsecureRegistries=registry.example:5000); otherwise serve it over HTTPS.",
            error.Message);
        Assert.AreEqual("CTZ3011", error.Diagnostic.Code);
        Assert.AreSequenceEqual(
            new[] { "https://registry.example:5000/v2/acme/app/manifests/1.0", "http://registry.example:5000/v2/" },
            handler.Requests.Select(r => r.Uri.AbsoluteUri).ToArray());
    }

    [TestMethod]
    public async Task A_failed_tls_handshake_with_a_registry_that_does_not_speak_plain_http_is_CTZ3003()
    {
        var handler = new ScriptedHttpHandler(request => throw (request.Uri.Scheme == "https"
            ? new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established", new AuthenticationException("The remote certificate is invalid"))
            : Refused()));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual("CTZ3003", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "the TLS connection failed: The SSL connection could not be established: The remote certificate is invalid");
    }

    [TestMethod]
    public async Task A_plain_http_client_speaks_http_and_docker_io_is_reached_at_registry_1_with_library_images()
    {
        var handler = new ScriptedHttpHandler(_ => Answer(HttpStatusCode.OK));
        using (var local = Client(handler, "localhost:5000", plainHttp: true))
        {
            await local.BlobExistsAsync("acme/app", MissingDigest, CancellationToken.None);
        }

        using (var hub = Client(handler, "docker.io"))
        {
            await hub.BlobExistsAsync("ubuntu", MissingDigest, CancellationToken.None);
            Assert.AreEqual("docker.io", hub.Registry);
        }

        Assert.AreSequenceEqual(
            new[] { "http://localhost:5000/v2/acme/app/blobs/" + MissingDigest, "https://registry-1.docker.io/v2/library/ubuntu/blobs/" + MissingDigest },
            handler.Requests.Select(r => r.Uri.AbsoluteUri).ToArray());
    }

    [TestMethod]
    public async Task A_download_that_breaks_off_starts_again_from_the_beginning_of_the_destination()
    {
        var content = Encoding.UTF8.GetBytes("the whole blob");
        var calls = 0;
        var handler = new ScriptedHttpHandler(_ => ++calls == 1
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new BreakingStream(content[..5])) }
            : AnswerBytes(HttpStatusCode.OK, content));
        using var client = Client(handler);
        using var destination = new MemoryStream();
        destination.Write("prefix:"u8);

        await client.DownloadBlobAsync("acme/app", DigestOf(content), destination, CancellationToken.None);

        Assert.AreEqual("prefix:the whole blob", Encoding.UTF8.GetString(destination.ToArray()));
        Assert.AreEqual(2, calls);
        StringAssert.Contains(log.Diagnostics.Single().Message, "the answer broke off");
    }

    [TestMethod]
    public void Names_that_would_change_the_request_path_are_refused()
    {
        using var client = Client(new ScriptedHttpHandler(_ => Answer(HttpStatusCode.OK)));

        Assert.ThrowsExactly<ArgumentException>(() => client.BlobExistsAsync("acme/app", "sha256:../../v2/_catalog", CancellationToken.None));
        Assert.ThrowsExactly<ArgumentException>(() => client.GetManifestAsync("../acme", "1.0", CancellationToken.None));
        Assert.ThrowsExactly<ArgumentException>(() => client.GetManifestAsync("acme/app", "1.0/../../x", CancellationToken.None));
    }

    /// <summary>A response body that yields some bytes, then fails as a reset connection does.</summary>
    private sealed class BreakingStream(byte[] first) : MemoryStream(first)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("Connection reset by peer");
        }
    }
}
