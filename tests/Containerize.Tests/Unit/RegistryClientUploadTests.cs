using System.Net;
using System.Security.Cryptography;
using System.Text;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Tests.Unit.Support;
using static Containerize.Tests.Unit.Support.ScriptedHttpHandler;

namespace Containerize.Tests.Unit;

/// <summary>RegistryClient's writes: blob uploads (monolithic, chunked), mounts and manifest puts.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class RegistryClientUploadTests
{
    private const string Host = "registry.example";

    private static readonly byte[] Content = Encoding.UTF8.GetBytes("0123456789abcdefghij");
    private static readonly string Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Content));

    private readonly RecordingBuildLog log = new();

    private RegistryClient Client(ScriptedHttpHandler handler, long chunkSize = 8) =>
        new(Host, null, plainHttp: false, new RetryPolicy([TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)]), log, handler) { ChunkSize = chunkSize };

    /// <summary>A registry that opens upload sessions u1, u2, … and answers PUTs of a whole body with <paramref name="monolithic"/>.</summary>
    private static Func<RecordedRequest, HttpResponseMessage> UploadingRegistry(Func<RecordedRequest, HttpResponseMessage> monolithic)
    {
        var sessions = 0;
        var patches = 0;
        return request =>
        {
            if (request.Method == HttpMethod.Post)
            {
                sessions++;
                return Answer(HttpStatusCode.Accepted, null, ("Location", $"/v2/acme/app/blobs/uploads/u{sessions}?_state=s{sessions}-0"), ("Range", "0-0"));
            }

            if (request.Method == HttpMethod.Patch)
            {
                patches++;
                return Answer(HttpStatusCode.Accepted, null, ("Location", $"/v2/acme/app/blobs/uploads/u{sessions}?_state=s{sessions}-{patches}"));
            }

            return request.Body.Length > 0 ? monolithic(request) : Answer(HttpStatusCode.Created, null, ("Docker-Content-Digest", Digest));
        };
    }

    [TestMethod]
    public async Task A_blob_is_uploaded_with_one_post_and_one_monolithic_put_to_the_location_with_the_digest()
    {
        var handler = new ScriptedHttpHandler(UploadingRegistry(_ => Answer(HttpStatusCode.Created, null, ("Docker-Content-Digest", Digest))));
        using var client = Client(handler);

        await client.UploadBlobAsync("acme/app", Digest, Content.Length, () => new MemoryStream(Content), CancellationToken.None);

        var requests = handler.Requests;
        Assert.AreSequenceEqual(
            new[] { "POST /v2/acme/app/blobs/uploads/", $"PUT /v2/acme/app/blobs/uploads/u1?_state=s1-0&digest={Uri.EscapeDataString(Digest)}" },
            requests.Select(r => $"{r.Method} {r.PathAndQuery}").ToArray());
        var put = requests[1];
        Assert.AreSequenceEqual(Content, put.Body);
        Assert.AreEqual("application/octet-stream", put.Header("Content-Type"));
        Assert.AreEqual(Content.Length.ToString(), put.Header("Content-Length"));
        Assert.AreEqual(Content.Length, client.BytesUploaded);
    }

    [TestMethod]
    public async Task A_refused_monolithic_put_falls_back_to_chunks_with_content_ranges_and_a_closing_put()
    {
        var handler = new ScriptedHttpHandler(UploadingRegistry(_ => Error(HttpStatusCode.RequestedRangeNotSatisfiable, "BLOB_UPLOAD_INVALID", "monolithic uploads are not supported")));
        using var client = Client(handler, chunkSize: 8);

        await client.UploadBlobAsync("acme/app", Digest, Content.Length, () => new MemoryStream(Content), CancellationToken.None);

        var chunked = handler.Requests.Skip(2).ToList();
        Assert.AreSequenceEqual(
            new[]
            {
                "POST /v2/acme/app/blobs/uploads/",
                "PATCH /v2/acme/app/blobs/uploads/u2?_state=s2-0",
                "PATCH /v2/acme/app/blobs/uploads/u2?_state=s2-1",
                "PATCH /v2/acme/app/blobs/uploads/u2?_state=s2-2",
                $"PUT /v2/acme/app/blobs/uploads/u2?_state=s2-3&digest={Uri.EscapeDataString(Digest)}",
            },
            chunked.Select(r => $"{r.Method} {r.PathAndQuery}").ToArray());
        Assert.AreSequenceEqual(new[] { "0-7", "8-15", "16-19" }, chunked.Skip(1).Take(3).Select(r => r.Header("Content-Range")).ToArray());
        Assert.AreSequenceEqual(new[] { "01234567", "89abcdef", "ghij", "" }, chunked.Skip(1).Select(r => r.BodyText).ToArray());
        Assert.AreEqual("0", chunked[^1].Header("Content-Length"));
        StringAssert.Contains(log.Lines.Single(), "refused a monolithic upload");
        // The refused PUT's body was read by this fake registry, as a server that ignores Expect: 100-continue would.
        Assert.AreEqual(Content.Length * 2, client.BytesUploaded);
    }

    [TestMethod]
    public async Task Chunks_of_a_stream_that_cannot_seek_are_read_in_order_without_opening_it_again()
    {
        var opened = 0;
        var handler = new ScriptedHttpHandler(UploadingRegistry(_ => Answer(HttpStatusCode.MethodNotAllowed)));
        using var client = Client(handler, chunkSize: 6);

        await client.UploadBlobAsync("acme/app", Digest, Content.Length, () =>
        {
            opened++;
            return new ForwardOnlyStream(Content);
        }, CancellationToken.None);

        var patches = handler.Requests.Where(r => r.Method == HttpMethod.Patch).Select(r => r.BodyText).ToArray();
        Assert.AreSequenceEqual(new[] { "012345", "6789ab", "cdefgh", "ij" }, patches);
        // Once for the monolithic PUT, whose stream was read to the end, once for the chunks.
        Assert.AreEqual(2, opened);
    }

    [TestMethod]
    public async Task A_range_of_the_content_can_be_sent_twice_and_is_read_again_each_time()
    {
        var read = 0;
        using var source = new BlobUploadSource(() => new ForwardOnlyStream(Content), sent => read += sent);
        using var range = source.Content(4, 8);

        foreach (var _ in new[] { 1, 2 })
        {
            using var sent = new MemoryStream();
            await range.CopyToAsync(sent);
            Assert.AreEqual("456789ab", Encoding.UTF8.GetString(sent.ToArray()));
        }

        Assert.AreEqual(16, read);
        Assert.AreEqual(8, range.Headers.ContentLength);
    }

    [TestMethod]
    public async Task A_digest_the_registry_finds_wrong_is_CTZ3010_without_a_chunked_attempt()
    {
        var handler = new ScriptedHttpHandler(UploadingRegistry(_ => Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", "provided digest did not match uploaded content")));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.UploadBlobAsync("acme/app", Digest, Content.Length, () => new MemoryStream(Content), CancellationToken.None));

        Assert.AreEqual("CTZ3010", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, $"answered 400 Bad Request when asked to take the blob {Digest} (20 bytes) into acme/app: DIGEST_INVALID: provided digest did not match uploaded content");
        Assert.HasCount(2, handler.Requests);
    }

    [TestMethod]
    public async Task An_upload_that_fails_with_a_5xx_starts_over_with_a_new_session_and_the_content_from_its_start()
    {
        var puts = 0;
        var handler = new ScriptedHttpHandler(UploadingRegistry(_ => ++puts == 1 ? Answer(HttpStatusCode.BadGateway) : Answer(HttpStatusCode.Created)));
        using var client = Client(handler);

        await client.UploadBlobAsync("acme/app", Digest, Content.Length, () => new MemoryStream(Content), CancellationToken.None);

        Assert.AreSequenceEqual(new[] { "POST", "PUT", "POST", "PUT" }, handler.Requests.Select(r => r.Method.Method).ToArray());
        Assert.AreSequenceEqual(Content, handler.Requests[3].Body);
        Assert.HasCount(1, log.Diagnostics);
    }

    [TestMethod]
    public async Task A_content_that_cannot_be_read_fails_with_its_own_error_and_no_retry()
    {
        var handler = new ScriptedHttpHandler(UploadingRegistry(_ => Answer(HttpStatusCode.Created)));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<FileNotFoundException>(() => client.UploadBlobAsync("acme/app", Digest, Content.Length,
            () => throw new FileNotFoundException("layer.tar.gz is gone"), CancellationToken.None));

        Assert.AreEqual("layer.tar.gz is gone", error.Message);
        Assert.IsEmpty(log.Diagnostics);
    }

    [TestMethod]
    public async Task A_mount_answered_201_is_done_in_one_request()
    {
        var handler = new ScriptedHttpHandler(_ => Answer(HttpStatusCode.Created, null, ("Docker-Content-Digest", Digest)));
        using var client = Client(handler);

        Assert.IsTrue(await client.TryMountBlobAsync("acme/app", Digest, "dotnet/runtime", CancellationToken.None));

        var request = handler.Requests.Single();
        Assert.AreEqual(HttpMethod.Post, request.Method);
        Assert.AreEqual($"/v2/acme/app/blobs/uploads/?mount={Uri.EscapeDataString(Digest)}&from=dotnet%2Fruntime", request.PathAndQuery);
    }

    [TestMethod]
    public async Task A_mount_answered_202_is_false_and_the_upload_session_it_opened_is_cancelled()
    {
        var handler = new ScriptedHttpHandler(request => request.Method == HttpMethod.Post
            ? Answer(HttpStatusCode.Accepted, null, ("Location", "/v2/acme/app/blobs/uploads/u9"))
            : Answer(HttpStatusCode.NoContent));
        using var client = Client(handler);

        Assert.IsFalse(await client.TryMountBlobAsync("acme/app", Digest, "dotnet/runtime", CancellationToken.None));

        Assert.AreEqual("DELETE https://registry.example/v2/acme/app/blobs/uploads/u9", $"{handler.Requests[^1].Method} {handler.Requests[^1].Uri.AbsoluteUri}");
    }

    [TestMethod]
    public async Task A_mount_asks_for_a_token_to_push_here_and_pull_from_the_other_repository()
    {
        var handler = new ScriptedHttpHandler(request => request.Uri.Host == "auth.example"
            ? Answer(HttpStatusCode.OK, """{"token":"t"}""")
            : request.Authorization is null
                ? Answer(HttpStatusCode.Unauthorized, null, ("WWW-Authenticate", "Bearer realm=\"https://auth.example/token\",service=\"registry.example\""))
                : Answer(HttpStatusCode.Created));
        using var client = Client(handler);

        await client.TryMountBlobAsync("acme/app", Digest, "dotnet/runtime", CancellationToken.None);

        Assert.AreEqual(
            "?service=registry.example&scope=repository%3Aacme%2Fapp%3Apull%2Cpush&scope=repository%3Adotnet%2Fruntime%3Apull",
            handler.Requests.Single(r => r.Uri.Host == "auth.example").Uri.Query);
    }

    [TestMethod]
    public async Task A_manifest_is_put_with_its_media_type_and_the_registry_digest_is_returned()
    {
        var manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2}""");
        var handler = new ScriptedHttpHandler(_ => Answer(HttpStatusCode.Created, null, ("Docker-Content-Digest", Digest)));
        using var client = Client(handler);

        var digest = await client.PutManifestAsync("acme/app", "1.0.0", MediaTypes.OciManifest, manifest, CancellationToken.None);

        Assert.AreEqual(Digest, digest);
        var put = handler.Requests.Single();
        Assert.AreEqual("PUT /v2/acme/app/manifests/1.0.0", $"{put.Method} {put.PathAndQuery}");
        Assert.AreEqual(MediaTypes.OciManifest, put.Header("Content-Type"));
        Assert.AreSequenceEqual(manifest, put.Body);
        Assert.AreEqual(0, client.BytesUploaded, "manifests are not blob bytes");
    }

    [TestMethod]
    public async Task Without_a_Docker_Content_Digest_a_put_manifest_digest_is_computed()
    {
        var manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2}""");
        var handler = new ScriptedHttpHandler(_ => Answer(HttpStatusCode.Created));
        using var client = Client(handler);

        var digest = await client.PutManifestAsync("acme/app", "1.0.0", MediaTypes.OciManifest, manifest, CancellationToken.None);

        Assert.AreEqual("sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)), digest);
    }

    [TestMethod]
    public async Task A_manifest_the_registry_refuses_is_CTZ3010_with_its_reason()
    {
        var handler = new ScriptedHttpHandler(_ => Error(HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry"));
        using var client = Client(handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() =>
            client.PutManifestAsync("acme/app", "1.0.0", MediaTypes.OciManifest, "{}"u8.ToArray(), CancellationToken.None));

        Assert.AreEqual("CTZ3010", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "when asked to take the manifest registry.example/acme/app:1.0.0: MANIFEST_BLOB_UNKNOWN: blob unknown to registry");
    }

    /// <summary>A stream that can only be read front to back, as a pipe or a network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Position
        {
            get => base.Position;
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
