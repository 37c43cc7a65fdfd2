using System.Net;
using System.Text;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Referrers;
using Containerize.Registries;
using Containerize.Tests.Infrastructure;
using Containerize.Tests.Unit.Support;
using static Containerize.Tests.Unit.Support.ScriptedHttpHandler;

namespace Containerize.Tests.Unit;

/// <summary>Artifact manifests, the referrers tag schema's index, and attaching both to a registry (OCI 1.1).</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ReferrersTests
{
    private const string SubjectDigest = "sha256:5e778de67cb38cdb6e14c839775a771cf8356b66672e926b901559ebfcf4e5ee";

    private static readonly Descriptor Subject = new(MediaTypes.DockerManifest, SubjectDigest, 527);

    private static readonly Artifact Sbom = new("application/vnd.cyclonedx+json", "application/vnd.cyclonedx+json", "{\"bomFormat\":\"CycloneDX\"}"u8.ToArray(),
        new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2025-01-31T12:00:00Z" }, "container-image.cdx.json");

    private readonly RecordingBuildLog log = new();

    [TestMethod]
    public void An_artifact_manifest_has_its_type_the_empty_config_the_document_as_its_layer_and_the_image_as_its_subject()
    {
        var manifest = Encoding.UTF8.GetString(Sbom.Manifest(Subject));

        Assert.AreEqual(
            $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.cyclonedx+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.cyclonedx+json","digest":"{{{ManifestWriter.Digest(Sbom.Content)}}}","size":25,"annotations":{"org.opencontainers.image.title":"container-image.cdx.json"}}],"subject":{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{{{SubjectDigest}}}","size":527},"annotations":{"org.opencontainers.image.created":"2025-01-31T12:00:00Z"}}
            """,
            manifest);
    }

    [TestMethod]
    public void A_referrer_entry_has_the_manifests_digest_size_artifactType_and_annotations()
    {
        var referrer = Sbom.Referrer(Subject);

        Assert.AreEqual(ManifestWriter.Digest(Sbom.Manifest(Subject)), referrer.Digest);
        Assert.AreEqual(Sbom.Manifest(Subject).Length, referrer.Size);
        Assert.AreEqual(MediaTypes.OciManifest, referrer.MediaType);
        Assert.AreEqual("application/vnd.cyclonedx+json", referrer.ArtifactType);
        Assert.AreEqual("2025-01-31T12:00:00Z", referrer.Annotations!["org.opencontainers.image.created"]);
    }

    [TestMethod]
    public void The_tag_of_a_referrers_index_is_the_subject_digest_with_a_dash()
    {
        Assert.AreEqual("sha256-5e778de67cb38cdb6e14c839775a771cf8356b66672e926b901559ebfcf4e5ee", ReferrersIndex.Tag(SubjectDigest));
    }

    [TestMethod]
    public void A_new_index_lists_the_referrer_as_oras_writes_it()
    {
        var referrer = Sbom.Referrer(Subject);

        var index = Encoding.UTF8.GetString(ReferrersIndex.Add(null, [referrer])!);

        Assert.AreEqual(
            $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{referrer.Digest}}","size":{{referrer.Size}},"annotations":{"org.opencontainers.image.created":"2025-01-31T12:00:00Z"},"artifactType":"application/vnd.cyclonedx+json"}]}""",
            index);
    }

    [TestMethod]
    public void Entries_cosign_or_oras_put_in_the_index_are_kept_and_one_already_there_is_not_added_twice()
    {
        var cosign = File.ReadAllBytes(Path.Combine(Repository.Root, "docs", "supply-chain-samples", "cosign-sign-referrers-tag-index.json"));
        var referrer = Sbom.Referrer(Subject);

        var index = ReferrersIndex.Add(cosign, [referrer])!;

        var manifests = System.Text.Json.JsonDocument.Parse(index).RootElement.GetProperty("manifests").EnumerateArray().ToList();
        Assert.HasCount(2, manifests);
        Assert.AreEqual("sha256:5f2e9a305a27895760c8d1cd4e90b3fc3547915ebaa11d0cb8851997b69dc838", manifests[0].GetProperty("digest").GetString());
        Assert.AreEqual(887, manifests[0].GetProperty("size").GetInt32());
        Assert.AreEqual("application/vnd.oci.empty.v1+json", manifests[0].GetProperty("artifactType").GetString(), "cosign's entry is kept as cosign wrote it");
        Assert.AreEqual(referrer.Digest, manifests[1].GetProperty("digest").GetString());
        Assert.IsNull(ReferrersIndex.Add(index, [referrer]), "nothing to add: the index is not put again");
    }

    [TestMethod]
    public void A_tag_that_holds_an_image_instead_of_an_index_is_refused()
    {
        var image = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{},"layers":[]}""");

        var error = Assert.ThrowsExactly<FormatException>(() => ReferrersIndex.Add(image, [Sbom.Referrer(Subject)]));

        Assert.AreEqual("it holds something other than an OCI image index of referrers", error.Message);
        Assert.ThrowsExactly<FormatException>(() => ReferrersIndex.Add("not json"u8.ToArray(), [Sbom.Referrer(Subject)]));
    }

    [TestMethod]
    public async Task Without_the_referrers_API_the_blobs_and_manifest_are_pushed_then_the_tag_index_is_read_and_put()
    {
        var registry = new MemoryRegistry();
        using var client = Client(registry.Handler);

        var attached = await new ReferrerPublisher(client, "acme/app").AttachAsync(Subject, [Sbom], CancellationToken.None);

        var referrer = Assert.ContainsSingle(attached);
        Assert.AreEqual(Sbom.Referrer(Subject), referrer);
        Assert.AreSequenceEqual(
            new[]
            {
                $"HEAD /v2/acme/app/blobs/{EmptyConfig.Descriptor.Digest}", "POST /v2/acme/app/blobs/uploads/", "PUT /v2/acme/app/blobs/uploads/1",
                $"HEAD /v2/acme/app/blobs/{Sbom.Layer.Digest}", "POST /v2/acme/app/blobs/uploads/", "PUT /v2/acme/app/blobs/uploads/2",
                $"PUT /v2/acme/app/manifests/{referrer.Digest}",
                $"GET /v2/acme/app/manifests/{ReferrersIndex.Tag(SubjectDigest)}",
                $"PUT /v2/acme/app/manifests/{ReferrersIndex.Tag(SubjectDigest)}",
            },
            registry.Handler.Requests.Select(request => $"{request.Method} {request.Uri.AbsolutePath}").ToArray());
        Assert.AreSequenceEqual(ReferrersIndex.Add(null, [referrer])!, registry.Manifests[ReferrersIndex.Tag(SubjectDigest)]);
        Assert.AreEqual(MediaTypes.OciIndex, registry.Handler.Requests[^1].Header("Content-Type"));
        Assert.AreSequenceEqual(Sbom.Content, registry.Blobs[Sbom.Layer.Digest]);
        Assert.AreSequenceEqual("{}"u8.ToArray(), registry.Blobs[EmptyConfig.Descriptor.Digest]);
    }

    [TestMethod]
    public async Task A_registry_with_the_referrers_API_says_so_with_OCI_Subject_and_no_tag_is_kept()
    {
        var registry = new MemoryRegistry { ReferrersApi = true };
        using var client = Client(registry.Handler);

        await new ReferrerPublisher(client, "acme/app").AttachAsync(Subject, [Sbom], CancellationToken.None);

        Assert.IsFalse(registry.Handler.Requests.Any(request => request.Uri.AbsolutePath.EndsWith(ReferrersIndex.Tag(SubjectDigest), StringComparison.Ordinal)));
        Assert.IsFalse(registry.Manifests.ContainsKey(ReferrersIndex.Tag(SubjectDigest)));
    }

    [TestMethod]
    public async Task Blobs_the_registry_has_are_not_sent_again_and_an_index_that_already_lists_the_referrer_is_not_put()
    {
        var registry = new MemoryRegistry();
        using var client = Client(registry.Handler);
        await new ReferrerPublisher(client, "acme/app").AttachAsync(Subject, [Sbom], CancellationToken.None);
        var before = registry.Handler.Requests.Count;

        await new ReferrerPublisher(client, "acme/app").AttachAsync(Subject, [Sbom], CancellationToken.None);

        Assert.AreSequenceEqual(
            new[] { "HEAD", "HEAD", "PUT", "GET" },
            registry.Handler.Requests.Skip(before).Select(request => request.Method.Method).ToArray(),
            "two blob checks, the manifest put again (idempotent), the index read and left as it is");
    }

    [TestMethod]
    public async Task A_tag_that_holds_something_else_is_CTZ3015_and_left_as_it_is()
    {
        var registry = new MemoryRegistry();
        registry.Manifests[ReferrersIndex.Tag(SubjectDigest)] = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}"}""");
        using var client = Client(registry.Handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => new ReferrerPublisher(client, "acme/app").AttachAsync(Subject, [Sbom], CancellationToken.None));

        Assert.AreEqual("CTZ3015", error.Diagnostic.Code);
        Assert.StartsWith("The image was pushed, but its SBOM, provenance and signatures could not be listed as its referrers: the tag sha256-5e778de6", error.Diagnostic.Message);
        Assert.Contains("of registry.example/acme/app", error.Diagnostic.Message);
        Assert.Contains("it holds something other than an OCI image index of referrers", error.Diagnostic.Message);
        Assert.AreEqual(HttpMethod.Get, registry.Handler.Requests[^1].Method, "nothing put over it");
    }

    private RegistryClient Client(ScriptedHttpHandler handler) =>
        new("registry.example", null, plainHttp: false, new RetryPolicy([TimeSpan.FromMilliseconds(1)]), log, handler);
}
