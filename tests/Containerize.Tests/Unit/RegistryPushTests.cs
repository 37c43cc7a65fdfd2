using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Tests.Unit.Support;
using static Containerize.Tests.Unit.Support.ScriptedHttpHandler;

namespace Containerize.Tests.Unit;

/// <summary>The daemonless push through the registry client: which blobs go, how many at once, and the manifest after them all.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class RegistryPushTests
{
    private const string Host = "registry.example";

    private readonly RecordingBuildLog log = new();

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>
    /// A registry that holds <paramref name="present"/>, mounts from dotnet/runtime, opens an upload session per POST,
    /// takes each PUT after a pause (so uploads overlap when they can) and records how many were in flight at once.
    /// </summary>
    private class SlowRegistry(IReadOnlySet<string> present)
    {
        private int inFlight;

        public int MostInFlight { get; private set; }

        public virtual async Task<HttpResponseMessage> AnswerAsync(RecordedRequest request, CancellationToken cancellation)
        {
            var path = request.Uri.AbsolutePath;
            if (request.Method == HttpMethod.Head)
            {
                return Answer(present.Contains(path[(path.LastIndexOf('/') + 1)..]) ? HttpStatusCode.OK : HttpStatusCode.NotFound);
            }

            if (request.Method == HttpMethod.Post)
            {
                return request.Uri.Query.Contains("mount=", StringComparison.Ordinal)
                    ? Answer(HttpStatusCode.Created)
                    : Answer(HttpStatusCode.Accepted, null, ("Location", $"/v2/acme/app/blobs/uploads/{Guid.NewGuid():N}"));
            }

            if (path.Contains("/manifests/", StringComparison.Ordinal))
            {
                return Answer(HttpStatusCode.Created, null, ("Docker-Content-Digest", DigestOf(request.Body)));
            }

            lock (this)
            {
                MostInFlight = Math.Max(MostInFlight, ++inFlight);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellation);
            lock (this)
            {
                inFlight--;
            }

            return Answer(HttpStatusCode.Created);
        }
    }

    private static readonly Descriptor PresentLayer = new(MediaTypes.DockerLayerGzip, DigestOf("present"u8.ToArray()), 7);
    private static readonly Descriptor MountedLayer = new(MediaTypes.DockerLayerGzip, DigestOf("mounted"u8.ToArray()), 7);

    private readonly TemporaryDirectory folder = new();

    [TestCleanup]
    public void Cleanup() => folder.Dispose();

    /// <summary>A base image with one layer the target repository holds and one to mount, and an image of it with four app layers and a config.</summary>
    private (SlowRegistry Registry, ScriptedHttpHandler Handler, RegistryClient Client, DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image, DaemonlessBackend Backend) Setup(SlowRegistry registry)
    {
        var appLayers = Enumerable.Range(1, 4).Select(n =>
        {
            var content = Encoding.UTF8.GetBytes($"app layer {n}");
            var path = folder.Combine($"{n}.tar.gz");
            File.WriteAllBytes(path, content);
            return new BuiltLayer(path, new Descriptor(MediaTypes.DockerLayerGzip, DigestOf(content), content.Length), DigestOf(content));
        }).ToList();
        var config = "{}"u8.ToArray();
        var manifest = "{\"schemaVersion\":2}"u8.ToArray();
        var handler = new ScriptedHttpHandler(registry.AnswerAsync);
        var client = new RegistryClient(Host, null, plainHttp: false, new RetryPolicy([TimeSpan.FromMilliseconds(1)]), log, handler);
        var baseImage = new DaemonlessBackend.BaseImage(client, "dotnet/runtime", MediaTypes.DockerManifest, DigestOf("base"u8.ToArray()),
            new Descriptor(MediaTypes.DockerConfig, DigestOf("base config"u8.ToArray()), 11), new JsonObject(), [PresentLayer, MountedLayer]);
        var image = new DaemonlessBackend.OciImage(config, new Descriptor(MediaTypes.DockerConfig, DigestOf(config), config.Length), manifest,
            MediaTypes.DockerManifest, DigestOf(manifest), baseImage.Layers, appLayers, new Platform("linux", "amd64"));
        return (registry, handler, client, baseImage, image, new DaemonlessBackend(new BlobCache(folder.Combine("cache"), log), log));
    }

    [TestMethod]
    public async Task Missing_blobs_are_sent_at_most_the_bound_at_once_base_layers_mounted_and_the_manifest_put_after_them_all()
    {
        var (registry, handler, client, baseImage, image, backend) = Setup(new SlowRegistry(new HashSet<string> { PresentLayer.Digest }));
        using var disposeClient = client;

        var digest = await backend.PushAsync(client, "acme/app", ["1.0", "latest"], baseImage, image, CancellationToken.None);

        Assert.AreEqual(DigestOf(image.Manifest), digest);
        var requests = handler.Requests.ToList();
        var blobPuts = requests.Where(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath.Contains("/blobs/uploads/", StringComparison.Ordinal)).ToList();
        CollectionAssert.AreEquivalent(
            image.AppLayers.Select(layer => layer.Descriptor.Digest).Append(image.ConfigDescriptor.Digest).ToList(),
            blobPuts.Select(put => Uri.UnescapeDataString(put.Uri.Query.Split("digest=")[1])).ToList());
        Assert.AreEqual($"/v2/acme/app/blobs/uploads/?mount={Uri.EscapeDataString(MountedLayer.Digest)}&from=dotnet%2Fruntime",
            requests.Single(r => r.Uri.Query.Contains("mount=", StringComparison.Ordinal)).PathAndQuery);
        var manifestPuts = requests.Select((r, index) => (r, index)).Where(x => x.r.Uri.AbsolutePath.Contains("/manifests/", StringComparison.Ordinal)).ToList();
        Assert.AreSequenceEqual(new[] { "/v2/acme/app/manifests/1.0", "/v2/acme/app/manifests/latest" }, manifestPuts.Select(x => x.r.PathAndQuery).ToArray());
        Assert.IsTrue(manifestPuts[0].index > requests.FindLastIndex(r => r.Uri.AbsolutePath.Contains("/blobs/", StringComparison.Ordinal)), "the manifest goes after every blob");
        Assert.IsTrue(registry.MostInFlight <= DaemonlessBackend.ConcurrentUploads, $"{registry.MostInFlight} uploads at once");
        if (DaemonlessBackend.ConcurrentUploads > 1)
        {
            Assert.IsTrue(registry.MostInFlight > 1, "uploads overlap");
        }
    }

    [TestMethod]
    public async Task A_blob_the_registry_refuses_fails_the_push_with_its_error_and_puts_no_manifest()
    {
        var (_, handler, client, baseImage, image, backend) = Setup(new RefusingRegistry(query => query.EndsWith(Uri.EscapeDataString(DigestOf("app layer 2"u8.ToArray())), StringComparison.Ordinal)));
        using var disposeClient = client;

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => backend.PushAsync(client, "acme/app", ["1.0"], baseImage, image, CancellationToken.None));

        Assert.AreEqual("CTZ3010", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, $"when asked to take the blob {DigestOf("app layer 2"u8.ToArray())} (11 bytes) into acme/app: DIGEST_INVALID");
        Assert.IsFalse(handler.Requests.Any(r => r.Uri.AbsolutePath.Contains("/manifests/", StringComparison.Ordinal)));
    }

    /// <summary>A <see cref="SlowRegistry"/> that refuses the PUT whose query <paramref name="refuses"/> picks with 400 DIGEST_INVALID.</summary>
    private sealed class RefusingRegistry(Func<string, bool> refuses) : SlowRegistry(new HashSet<string>())
    {
        public override Task<HttpResponseMessage> AnswerAsync(RecordedRequest request, CancellationToken cancellation) =>
            request.Method == HttpMethod.Put && refuses(request.Uri.Query)
                ? Task.FromResult(Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", "provided digest did not match uploaded content"))
                : base.AnswerAsync(request, cancellation);
    }
}
