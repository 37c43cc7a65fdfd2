using System.Text.Json;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Pipeline;
using Containerize.Registries;
using Containerize.Sbom;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>
/// The steps of <see cref="ImagePipeline"/> with a backend that only records what it is asked: which steps run, in
/// which order, with what plan, and what is recorded and reported.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ImagePipelineTests : IDisposable
{
    private readonly TemporaryDirectory work = new();
    private readonly RecordingBuildLog log = new();
    /// <summary>The manifest the recording backend's push puts into <see cref="registry"/>.</summary>
    private static readonly byte[] PushedManifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{},\"layers\":[]}"u8.ToArray();

    private static readonly string PushedDigest = ManifestWriter.Digest(PushedManifest);

    /// <summary>The manifests of the two platforms of an index the recording backend pushes: linux/amd64, linux/arm64/v8.</summary>
    private static readonly (Platform Platform, byte[] Manifest)[] PlatformManifests =
    [
        (new Platform("linux", "amd64"), "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"size\":1},\"layers\":[]}"u8.ToArray()),
        (new Platform("linux", "arm64") { Variant = "v8" }, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"size\":2},\"layers\":[]}"u8.ToArray()),
    ];

    /// <summary>The index of <see cref="PlatformManifests"/>, which the recording backend's push of several platforms puts into <see cref="registry"/>.</summary>
    private static readonly byte[] PushedIndex = DaemonlessBackend.Index(MediaTypes.OciIndex, PlatformManifests.Select(entry => (entry.Manifest, MediaTypes.OciManifest, entry.Platform)));

    private static readonly string PushedIndexDigest = ManifestWriter.Digest(PushedIndex);

    private readonly MemoryRegistry registry = new();

    public ImagePipelineTests()
    {
        registry.Manifests[PushedDigest] = PushedManifest;
        registry.Manifests[PushedIndexDigest] = PushedIndex;
        foreach (var (_, manifest) in PlatformManifests)
        {
            registry.Manifests[ManifestWriter.Digest(manifest)] = manifest;
        }
    }

    public TestContext TestContext { get; set; } = null!;

    public void Dispose() => work.Dispose();

    /// <summary>The pipeline, its attach step talking to <see cref="registry"/>.</summary>
    private ImagePipeline Pipeline() => new(log, new AttachStep(log, _ => new RegistryClient("localhost:5000", null, plainHttp: true, new RetryPolicy([]), log, registry.Handler)));

    private ImageJob Job(string fingerprint = "fingerprint-1", Func<ContainerSpec, ContainerSpec>? change = null, bool sbom = false, string sbomFormat = "cyclonedx", bool provenance = false,
        string[]? runtimeIdentifiers = null)
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings { Registry = "localhost:5000", ImageTags = "1.0.0;latest" });
        spec = spec with { Layers = [new Layer("app", [])] };
        var request = new ContainerizeRequest
        {
            Project = Projects.Console(),
            Settings = new ContainerSettings(),
            PublishDirectory = work.Combine("publish"),
            ContextDirectory = work.Combine("obj/containerize"),
            Push = true,
            Sbom = sbom,
            SbomFormat = sbomFormat,
            Provenance = provenance,
        };
        spec = change?.Invoke(spec) ?? spec;
        return new ImageJob(request, spec, fingerprint) { PlatformSpecs = runtimeIdentifiers?.Select(identifier => (identifier, spec)).ToList() ?? [] };
    }

    /// <summary>A job of the two platforms of <see cref="PushedIndex"/>.</summary>
    private ImageJob IndexJob(string fingerprint = "fingerprint-1", bool sbom = true, string sbomFormat = "cyclonedx", bool provenance = false) =>
        Job(fingerprint, sbom: sbom, sbomFormat: sbomFormat, provenance: provenance, runtimeIdentifiers: ["linux-x64", "linux-arm64"]);

    private static string Hex(string digest) => digest["sha256:".Length..];

    private string Context(string name) => Path.Combine(work.Combine("obj/containerize"), name);

    [TestMethod]
    public async Task A_first_run_reads_the_base_stages_builds_publishes_then_records_and_reports()
    {
        var job = Job();
        using var backend = new RecordingBackend();

        var result = await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { "base linux/amd64", "build", "publish built" }, backend.Steps);
        Assert.AreEqual("1654", backend.Plan!.Spec.User, "the plan's spec is completed from the base image's APP_UID");
        Assert.IsTrue(File.Exists(job.DockerfilePath), "the Dockerfile is staged before the build");
        var record = BuildRecord.Load(job.RecordPath)!;
        Assert.AreEqual(PushedDigest, record.Digest, "the record holds what the publish step added");
        Assert.AreEqual("fingerprint-1", record.Fingerprint);
        Assert.IsFalse(result.WasUpToDate);
        Assert.AreEqual(PushedDigest, result.Digest);
        Assert.AreEqual("recording", result.Backend);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(job.Request.ContextDirectory, ImageReport.FileName)));
        Assert.AreEqual(PushedDigest, report.RootElement.GetProperty("digest").GetString());
    }

    [TestMethod]
    public async Task A_base_the_lock_pinned_is_reported_by_the_name_the_project_gives_it_and_built_from_its_digest()
    {
        var digest = "sha256:" + new string('a', 64);
        var job = Job();
        var project = job.Spec.BaseImage;
        var pin = new Containerize.Lock.PinnedBase(project, project with { Digest = digest }, new Containerize.Lock.LockedBase(digest, new Dictionary<string, string>()));
        job = job with { Spec = job.Spec with { BaseImage = pin.Pinned }, Pinned = [pin] };
        using var backend = new RecordingBackend();

        var result = await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        Assert.AreEqual(project.ToString(), result.BaseName);
        Assert.Contains($"FROM {project}@{digest}\n", File.ReadAllText(job.DockerfilePath));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(job.Request.ContextDirectory, ImageReport.FileName)));
        Assert.AreEqual(project.ToString(), report.RootElement.GetProperty("base").GetProperty("name").GetString());
    }

    [TestMethod]
    public async Task An_unchanged_job_the_backend_still_holds_skips_base_and_build_and_still_publishes()
    {
        var job = Job();
        using (var first = new RecordingBackend())
        {
            await Pipeline().RunAsync(job, first, TestContext.CancellationToken);
        }

        using var backend = new RecordingBackend();
        var result = await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { $"holds {PushedDigest}", "publish up to date" }, backend.Steps);
        Assert.IsTrue(result.WasUpToDate);
        Assert.Contains($"localhost:5000/hello-docker:1.0.0 is up to date ({PushedDigest}).", log.Lines);
    }

    [TestMethod]
    public async Task A_changed_fingerprint_builds_again_without_asking_the_backend()
    {
        using (var first = new RecordingBackend())
        {
            await Pipeline().RunAsync(Job(), first, TestContext.CancellationToken);
        }

        using var backend = new RecordingBackend();
        await Pipeline().RunAsync(Job("fingerprint-2"), backend, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { "base linux/amd64", "build", "publish built" }, backend.Steps);
    }

    [TestMethod]
    public async Task An_image_the_backend_no_longer_holds_is_built_again()
    {
        var job = Job();
        using (var first = new RecordingBackend())
        {
            await Pipeline().RunAsync(job, first, TestContext.CancellationToken);
        }

        using var backend = new RecordingBackend { Holds = false };
        var result = await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { $"holds {PushedDigest}", "base linux/amd64", "build", "publish built" }, backend.Steps);
        Assert.IsFalse(result.WasUpToDate);
    }

    [TestMethod]
    public async Task Each_platform_gets_its_base_and_its_own_completed_spec()
    {
        var job = Job() with
        {
            PlatformSpecs = [("linux-x64", Job().Spec), ("linux-arm64", Job().Spec with { Layers = [new Layer("arm", [])] })],
        };
        using var backend = new RecordingBackend();

        await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { "base linux/amd64", "base linux/arm64/v8", "build", "publish built" }, backend.Steps);
        CollectionAssert.AreEqual(new[] { "app", "arm" }, backend.Plan!.Platforms.Select(platform => platform.Spec.Layers[0].Name).ToArray());
        Assert.IsTrue(backend.Plan.Platforms.All(platform => platform.Spec.User == "1654"));
    }

    [TestMethod]
    public async Task A_users_Dockerfile_is_built_as_written_whatever_the_base_tells()
    {
        var job = Job(change: spec => spec with { Dockerfile = "FROM localhost:5000/dotnet/runtime:10.0\n" });
        using var backend = new RecordingBackend();

        await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        Assert.IsNull(backend.Plan!.Spec.User, "no APP_UID merged into a Dockerfile the user wrote");
        Assert.AreEqual("sha256:aaaa", backend.Plan.Facts!.Id);
    }

    [TestMethod]
    public async Task A_failed_build_leaves_no_record_and_no_report()
    {
        var job = Job();
        using var backend = new RecordingBackend { BuildFails = true };

        await Assert.ThrowsExactlyAsync<ContainerizeException>(() => Pipeline().RunAsync(job, backend, TestContext.CancellationToken));

        Assert.IsFalse(File.Exists(job.RecordPath));
        Assert.IsFalse(File.Exists(Path.Combine(job.Request.ContextDirectory, ImageReport.FileName)));
    }

    [TestMethod]
    public async Task The_SBOM_is_written_after_the_publish_from_what_the_backend_reads_of_the_image()
    {
        var job = Job(sbom: true, sbomFormat: "spdx");
        using var backend = new RecordingBackend();

        var result = await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { "base linux/amd64", "build", "contents", "publish built" }, backend.Steps);
        var cyclonedx = Path.Combine(job.Request.ContextDirectory, "container-image.cdx.json");
        var spdx = Path.Combine(job.Request.ContextDirectory, "container-image.spdx.json");
        CollectionAssert.AreEqual(new[] { cyclonedx, spdx }, result.Sboms.SelectMany(documents => documents.Paths).ToArray());
        using var document = JsonDocument.Parse(File.ReadAllBytes(cyclonedx));
        Assert.AreEqual("CycloneDX", document.RootElement.GetProperty("bomFormat").GetString());
        Assert.AreEqual("1.6", document.RootElement.GetProperty("specVersion").GetString());
        Assert.AreEqual("HelloDocker", document.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("name").GetString());
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(job.Request.ContextDirectory, ImageReport.FileName)));
        Assert.AreEqual(cyclonedx, report.RootElement.GetProperty("sbom").GetString());
        Assert.AreEqual(spdx, report.RootElement.GetProperty("spdx").GetString());
        var sboms = report.RootElement.GetProperty("sboms");
        Assert.AreEqual("{\"linux/amd64\":{\"cyclonedx\":" + JsonSerializer.Serialize(cyclonedx) + ",\"spdx\":" + JsonSerializer.Serialize(spdx) + "}}",
            JsonSerializer.Serialize(sboms), "a single platform is listed in sboms too, under the platform of platforms");
        Assert.IsTrue(File.Exists(spdx));
    }

    [TestMethod]
    public async Task An_SBOM_written_before_the_push_names_the_digest_the_push_gave()
    {
        var job = Job(sbom: true);
        using var backend = new RecordingBackend { KnowsManifestDigest = false };

        await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(job.Request.ContextDirectory, "container-image.cdx.json")));
        StringAssert.StartsWith(document.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("purl").GetString(), $"pkg:oci/hello-docker@{PushedDigest.Replace(":", "%3A", StringComparison.Ordinal)}?");
    }

    [TestMethod]
    public async Task An_unchanged_image_keeps_its_SBOM_and_a_missing_one_builds_again()
    {
        var job = Job(sbom: true);
        using (var first = new RecordingBackend())
        {
            await Pipeline().RunAsync(job, first, TestContext.CancellationToken);
        }

        var cyclonedx = Path.Combine(job.Request.ContextDirectory, "container-image.cdx.json");
        var written = File.ReadAllBytes(cyclonedx);
        using (var second = new RecordingBackend())
        {
            var result = await Pipeline().RunAsync(job, second, TestContext.CancellationToken);
            CollectionAssert.AreEqual(new[] { $"holds {PushedDigest}", "publish up to date" }, second.Steps);
            CollectionAssert.AreEqual(new[] { cyclonedx }, result.Sboms.SelectMany(documents => documents.Paths).ToArray());
        }

        File.Delete(cyclonedx);
        using var third = new RecordingBackend();
        await Pipeline().RunAsync(job, third, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { "base linux/amd64", "build", "contents", "publish built" }, third.Steps);
        CollectionAssert.AreEqual(written, File.ReadAllBytes(cyclonedx), "the same image gives the same SBOM, byte for byte");
    }

    [TestMethod]
    public async Task With_ContainerSbom_false_no_SBOM_is_read_or_written_and_an_earlier_one_is_removed()
    {
        using (var first = new RecordingBackend())
        {
            await Pipeline().RunAsync(Job(sbom: true), first, TestContext.CancellationToken);
        }

        using var backend = new RecordingBackend();
        var result = await Pipeline().RunAsync(Job("fingerprint-2", sbom: false), backend, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { "base linux/amd64", "build", "publish built" }, backend.Steps);
        Assert.IsEmpty(result.Sboms);
        Assert.IsFalse(File.Exists(Path.Combine(work.Combine("obj/containerize"), "container-image.cdx.json")));
    }

    [TestMethod]
    public void The_documents_are_named_by_the_platform_for_an_index_and_container_image_for_one_platform()
    {
        var folder = work.Combine("obj/containerize");

        Assert.IsEmpty(SbomStep.Documents(Job(sbom: false)));
        Assert.IsEmpty(SbomStep.Documents(IndexJob(sbom: false)));
        Assert.AreEqual(new SbomDocuments(new Platform("linux", "amd64"), Path.Combine(folder, "container-image.cdx.json"), null), Assert.ContainsSingle(SbomStep.Documents(Job(sbom: true))));
        Assert.AreEqual(new SbomDocuments(new Platform("linux", "arm64") { Variant = "v8" }, Path.Combine(folder, "container-image.cdx.json"), Path.Combine(folder, "container-image.spdx.json")),
            Assert.ContainsSingle(SbomStep.Documents(Job(sbom: true, sbomFormat: "spdx", runtimeIdentifiers: ["linux-arm64"]))));
        CollectionAssert.AreEqual(
            new[] { "container-image.linux-amd64.cdx.json", "container-image.linux-amd64.spdx.json", "container-image.linux-arm64-v8.cdx.json", "container-image.linux-arm64-v8.spdx.json", "container-image.linux-arm-v7.cdx.json", "container-image.linux-arm-v7.spdx.json" },
            SbomStep.Paths(Job(sbom: true, sbomFormat: "spdx", runtimeIdentifiers: ["linux-x64", "linux-arm64", "linux-arm"])).Select(Path.GetFileName).ToArray());
        CollectionAssert.AreEqual(new[] { "linux/amd64", "linux/arm64/v8" }, SbomStep.Documents(IndexJob()).Select(documents => documents.Platform.ToString()).ToArray());
    }

    [TestMethod]
    public void Removing_the_other_documents_leaves_the_report_the_provenance_and_the_record()
    {
        var kept = new[] { "container-image.json", "container-image.provenance.json", "containerize.record.json", "container-image.linux-amd64.cdx.json", "container-image.linux-arm64-v8.cdx.json", "notes.cdx.json" };
        var removed = new[] { "container-image.cdx.json", "container-image.spdx.json", "container-image.linux-amd64.spdx.json", "container-image.linux-arm-v7.cdx.json" };
        Directory.CreateDirectory(Context(""));
        foreach (var name in kept.Concat(removed))
        {
            File.WriteAllText(Context(name), "{}");
        }

        SbomStep.RemoveOthers(IndexJob());

        CollectionAssert.AreEquivalent(kept, Directory.GetFiles(Context("")).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public async Task An_image_index_gets_an_SBOM_per_platform_each_about_that_platforms_image_and_the_report_lists_them_by_platform()
    {
        var job = IndexJob(sbomFormat: "spdx");
        using var backend = new RecordingBackend();

        var result = await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { "base linux/amd64", "base linux/arm64/v8", "build", "contents", "publish built" }, backend.Steps);
        Assert.IsEmpty(log.Diagnostics, "no CTZ2037 any more");
        Assert.IsFalse(File.Exists(Context("container-image.cdx.json")));
        using var report = JsonDocument.Parse(File.ReadAllText(Context(ImageReport.FileName)));
        Assert.AreEqual(JsonValueKind.Null, report.RootElement.GetProperty("sbom").ValueKind, "sbom and spdx are a single platform's");
        Assert.AreEqual(JsonValueKind.Null, report.RootElement.GetProperty("spdx").ValueKind);
        var sboms = report.RootElement.GetProperty("sboms");
        CollectionAssert.AreEqual(new[] { "linux/amd64", "linux/arm64/v8" }, sboms.EnumerateObject().Select(entry => entry.Name).ToArray());
        var serialNumbers = new HashSet<string>();
        foreach (var (platform, manifest) in PlatformManifests)
        {
            var name = "container-image." + platform.ToString().Replace('/', '-');
            var documents = sboms.GetProperty(platform.ToString());
            Assert.AreEqual(Context(name + ".cdx.json"), documents.GetProperty("cyclonedx").GetString());
            Assert.AreEqual(Context(name + ".spdx.json"), documents.GetProperty("spdx").GetString());
            using var cyclonedx = JsonDocument.Parse(File.ReadAllBytes(Context(name + ".cdx.json")));
            Assert.AreEqual($"pkg:oci/hello-docker@sha256%3A{Hex(ManifestWriter.Digest(manifest))}?arch={platform.Architecture}&repository_url=localhost%3A5000/hello-docker",
                cyclonedx.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("purl").GetString(), "the purl names the platform's manifest, not the index");
            Assert.AreEqual("urn:uuid:" + NameBasedUuid.ForSbom($"sha256:config-{platform.Architecture}"), cyclonedx.RootElement.GetProperty("serialNumber").GetString());
            serialNumbers.Add(cyclonedx.RootElement.GetProperty("serialNumber").GetString()!);
            using var spdx = JsonDocument.Parse(File.ReadAllBytes(Context(name + ".spdx.json")));
            Assert.AreEqual("SPDX-2.3", spdx.RootElement.GetProperty("spdxVersion").GetString());
        }

        Assert.HasCount(2, serialNumbers);
        CollectionAssert.AreEqual(SbomStep.Documents(job).ToArray(), result.Sboms.ToArray());
    }

    [TestMethod]
    public async Task Going_from_one_platform_to_several_and_back_removes_the_documents_of_the_other_naming()
    {
        using (var single = new RecordingBackend())
        {
            await Pipeline().RunAsync(Job(sbom: true), single, TestContext.CancellationToken);
        }

        var written = File.ReadAllBytes(Context("container-image.cdx.json"));
        using (var index = new RecordingBackend())
        {
            await Pipeline().RunAsync(IndexJob("fingerprint-2"), index, TestContext.CancellationToken);
        }

        CollectionAssert.AreEquivalent(new[] { "container-image.linux-amd64.cdx.json", "container-image.linux-arm64-v8.cdx.json" }, SbomFiles());
        var perPlatform = File.ReadAllBytes(Context("container-image.linux-amd64.cdx.json"));
        using (var unchanged = new RecordingBackend())
        {
            var result = await Pipeline().RunAsync(IndexJob("fingerprint-2"), unchanged, TestContext.CancellationToken);
            Assert.IsTrue(result.WasUpToDate);
        }

        File.Delete(Context("container-image.linux-arm64-v8.cdx.json"));
        using (var again = new RecordingBackend())
        {
            var result = await Pipeline().RunAsync(IndexJob("fingerprint-2"), again, TestContext.CancellationToken);
            Assert.IsFalse(result.WasUpToDate, "a platform's missing SBOM makes the image again");
        }

        CollectionAssert.AreEqual(perPlatform, File.ReadAllBytes(Context("container-image.linux-amd64.cdx.json")), "the same platform image gives the same SBOM, byte for byte");
        using (var back = new RecordingBackend())
        {
            await Pipeline().RunAsync(Job("fingerprint-3", sbom: true), back, TestContext.CancellationToken);
        }

        CollectionAssert.AreEquivalent(new[] { "container-image.cdx.json" }, SbomFiles());
        CollectionAssert.AreEqual(written, File.ReadAllBytes(Context("container-image.cdx.json")));

        string[] SbomFiles() => Directory.GetFiles(Context(""), "*.json").Select(Path.GetFileName).Where(name => name!.EndsWith(".cdx.json", StringComparison.Ordinal) || name.EndsWith(".spdx.json", StringComparison.Ordinal)).ToArray()!;
    }

    [TestMethod]
    public async Task An_index_gets_each_platforms_SBOM_attached_to_that_platforms_manifest_and_its_provenance_and_signature_attached_to_itself()
    {
        using var key = Containerize.Signing.SigningKey.Load(Path.Combine(AppContext.BaseDirectory, "Golden", "Signing", "pkcs8.pem"), null);
        var job = IndexJob(provenance: true) with { Signer = key };
        using (var backend = new RecordingBackend())
        {
            var result = await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);
            Assert.IsTrue(result.Signed);
        }

        var bundle = "application/vnd.dev.sigstore.bundle.v0.3+json";
        CollectionAssert.AreEqual(
            new[] { ("application/vnd.in-toto+json", "https://slsa.dev/provenance/v1"), (bundle, "https://sigstore.dev/cosign/sign/v1"), (bundle, "https://slsa.dev/provenance/v1") },
            Referrers(PushedIndexDigest, PushedIndex, MediaTypes.OciIndex));
        foreach (var (platform, manifest) in PlatformManifests)
        {
            var digest = ManifestWriter.Digest(manifest);
            CollectionAssert.AreEqual(new[] { ("application/vnd.cyclonedx+json", ""), (bundle, "https://cyclonedx.org/bom") }, Referrers(digest, manifest, MediaTypes.OciManifest), platform.ToString());
            using var index = JsonDocument.Parse(registry.Manifests["sha256-" + Hex(digest)]);
            var sbom = registry.Manifests[index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!];
            using var sbomManifest = JsonDocument.Parse(sbom);
            var layer = sbomManifest.RootElement.GetProperty("layers")[0];
            Assert.AreEqual("container-image." + platform.ToString().Replace('/', '-') + ".cdx.json", layer.GetProperty("annotations").GetProperty("org.opencontainers.image.title").GetString());
            CollectionAssert.AreEqual(File.ReadAllBytes(Context("container-image." + platform.ToString().Replace('/', '-') + ".cdx.json")), registry.Blobs[layer.GetProperty("digest").GetString()!]);
            using var signed = JsonDocument.Parse(registry.Manifests[index.RootElement.GetProperty("manifests")[1].GetProperty("digest").GetString()!]);
            using var envelope = JsonDocument.Parse(registry.Blobs[signed.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!]);
            using var statement = JsonDocument.Parse(envelope.RootElement.GetProperty("dsseEnvelope").GetProperty("payload").GetBytesFromBase64());
            var subject = Assert.ContainsSingle(statement.RootElement.GetProperty("subject").EnumerateArray().ToList());
            Assert.AreEqual("localhost:5000/hello-docker", subject.GetProperty("name").GetString());
            Assert.AreEqual(Hex(digest), subject.GetProperty("digest").GetProperty("sha256").GetString(), "the signed SBOM is about the platform's manifest");
        }

        using var provenance = JsonDocument.Parse(File.ReadAllBytes(Context("container-image.provenance.json")));
        var provenanceSubject = Assert.ContainsSingle(provenance.RootElement.GetProperty("subject").EnumerateArray().ToList());
        Assert.AreEqual(Hex(PushedIndexDigest), provenanceSubject.GetProperty("digest").GetProperty("sha256").GetString(), "the provenance is about the index, which names each platform's manifest");
        Assert.AreEqual($"{PushedIndexDigest} cyclonedx,provenance,signed:{key.PublicKeyHint}", BuildRecord.Load(job.RecordPath)!.Attached);
        Assert.Contains($"Attached to localhost:5000/hello-docker@{ManifestWriter.Digest(PlatformManifests[1].Manifest)} (linux/arm64/v8): CycloneDX SBOM (", string.Join("\n", log.Lines));

        var requests = registry.Handler.Requests.Count;
        using var second = new RecordingBackend();
        await Pipeline().RunAsync(job, second, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { $"holds {PushedIndexDigest}", "publish up to date" }, second.Steps);
        Assert.HasCount(requests, registry.Handler.Requests, "an index that has its attachments is not asked about again");
    }

    /// <summary>
    /// The referrers of a manifest in the tag schema's index (artifactType, predicate type), each checked to refer to it
    /// by its media type, digest and size, as the index lists it.
    /// </summary>
    private (string ArtifactType, string PredicateType)[] Referrers(string digest, byte[] manifest, string mediaType)
    {
        using var index = JsonDocument.Parse(registry.Manifests["sha256-" + Hex(digest)]);
        return index.RootElement.GetProperty("manifests").EnumerateArray().Select(entry =>
        {
            using var referrer = JsonDocument.Parse(registry.Manifests[entry.GetProperty("digest").GetString()!]);
            var subject = referrer.RootElement.GetProperty("subject");
            Assert.AreEqual(mediaType, subject.GetProperty("mediaType").GetString());
            Assert.AreEqual(digest, subject.GetProperty("digest").GetString());
            Assert.AreEqual(manifest.Length, subject.GetProperty("size").GetInt64());
            Assert.IsFalse(subject.TryGetProperty("platform", out _), "the subject is a plain descriptor");
            var annotations = entry.GetProperty("annotations");
            var predicateType = annotations.TryGetProperty("dev.sigstore.bundle.predicateType", out var type) ? type.GetString()!
                : annotations.TryGetProperty("in-toto.io/predicate-type", out var statementType) ? statementType.GetString()! : "";
            return (entry.GetProperty("artifactType").GetString()!, predicateType);
        }).ToArray();
    }

    [TestMethod]
    public async Task After_the_push_the_SBOM_and_the_provenance_are_attached_once_and_the_record_says_so()
    {
        var job = Job(sbom: true, provenance: true);
        using (var first = new RecordingBackend())
        {
            var result = await Pipeline().RunAsync(job, first, TestContext.CancellationToken);
            Assert.AreEqual(Path.Combine(job.Request.ContextDirectory, "container-image.provenance.json"), result.Provenance);
            Assert.IsFalse(result.Signed);
        }

        using var index = JsonDocument.Parse(registry.Manifests["sha256-" + PushedDigest["sha256:".Length..]]);
        CollectionAssert.AreEqual(
            new[] { "application/vnd.cyclonedx+json", "application/vnd.in-toto+json" },
            index.RootElement.GetProperty("manifests").EnumerateArray().Select(entry => entry.GetProperty("artifactType").GetString()).ToArray());
        Assert.AreEqual($"{PushedDigest} cyclonedx,provenance", BuildRecord.Load(job.RecordPath)!.Attached);
        using var statement = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(job.Request.ContextDirectory, "container-image.provenance.json")));
        Assert.AreEqual(PushedDigest["sha256:".Length..], statement.RootElement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString());
        Assert.AreEqual("recording", statement.RootElement.GetProperty("predicate").GetProperty("buildDefinition").GetProperty("internalParameters").GetProperty("backend").GetString());
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(job.Request.ContextDirectory, ImageReport.FileName)));
        Assert.AreEqual(Path.Combine(job.Request.ContextDirectory, "container-image.provenance.json"), report.RootElement.GetProperty("provenance").GetString());
        Assert.IsFalse(report.RootElement.GetProperty("signed").GetBoolean());

        var requests = registry.Handler.Requests.Count;
        using var second = new RecordingBackend();
        await Pipeline().RunAsync(job, second, TestContext.CancellationToken);

        CollectionAssert.AreEqual(new[] { $"holds {PushedDigest}", "publish up to date" }, second.Steps);
        Assert.HasCount(requests, registry.Handler.Requests, "an image that has its attachments is not asked about again");
    }

    [TestMethod]
    public async Task An_image_made_again_with_the_same_digest_attaches_nothing_again()
    {
        using (var first = new RecordingBackend())
        {
            await Pipeline().RunAsync(Job(sbom: true, provenance: true), first, TestContext.CancellationToken);
        }

        var requests = registry.Handler.Requests.Count;
        var job = Job("fingerprint-2", sbom: true, provenance: true);
        using var backend = new RecordingBackend();
        await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        CollectionAssert.Contains(backend.Steps, "build");
        Assert.HasCount(requests, registry.Handler.Requests, "a new tag of the same image: the registry has its attachments");
        Assert.AreEqual($"{PushedDigest} cyclonedx,provenance", BuildRecord.Load(job.RecordPath)!.Attached);
    }

    [TestMethod]
    public async Task With_nothing_to_attach_nothing_is_sent_and_an_earlier_provenance_file_is_removed()
    {
        using (var first = new RecordingBackend())
        {
            await Pipeline().RunAsync(Job(provenance: true), first, TestContext.CancellationToken);
        }

        var requests = registry.Handler.Requests.Count;
        using var backend = new RecordingBackend();
        var result = await Pipeline().RunAsync(Job("fingerprint-2"), backend, TestContext.CancellationToken);

        Assert.IsNull(result.Provenance);
        Assert.IsFalse(File.Exists(Path.Combine(work.Combine("obj/containerize"), "container-image.provenance.json")));
        Assert.HasCount(requests, registry.Handler.Requests);
    }

    [TestMethod]
    public async Task A_registry_this_machine_cannot_reach_after_another_process_pushed_is_warning_CTZ2039_and_the_next_run_tries_again()
    {
        var job = Job(sbom: true, provenance: true);
        var unreachable = new ImagePipeline(log, new AttachStep(log, _ => new RegistryClient("127.0.0.1:9", null, plainHttp: true, new RetryPolicy([]), log)));
        using var backend = new RecordingBackend { PushesInProcess = false };

        var result = await unreachable.RunAsync(job, backend, TestContext.CancellationToken);

        var warning = Assert.ContainsSingle(log.Diagnostics);
        Assert.AreEqual("CTZ2039", warning.Code);
        Assert.AreEqual(Severity.Warning, warning.Severity);
        Assert.StartsWith($"What should go with localhost:5000/hello-docker@{PushedDigest} to its registry (the CycloneDX SBOM and the provenance) was not attached to it: ", warning.Message);
        Assert.IsNull(BuildRecord.Load(job.RecordPath)!.Attached);
        Assert.IsFalse(result.Signed);
    }

    /// <summary>A backend that records each step it is asked for; its base is a .NET image, its push gives <see cref="PushedDigest"/>, which the registry holds.</summary>
    private sealed class RecordingBackend : IImageBackend<string, string>
    {
        public List<string> Steps { get; } = [];

        public ImagePlan<string>? Plan { get; private set; }

        public bool Holds { get; init; } = true;

        public bool BuildFails { get; init; }

        /// <summary>False: like the engine, the manifest digest is known only once the image is pushed.</summary>
        public bool KnowsManifestDigest { get; init; } = true;

        public string Name => "recording";

        public bool InEngine => false;

        public bool PushesInProcess { get; init; } = true;


        public Task<bool> HoldsAsync(ImageJob job, BuildRecord record, CancellationToken cancellation)
        {
            Steps.Add($"holds {record.Digest}");
            return Task.FromResult(Holds);
        }

        public Task<(string Base, BaseImageFacts Facts)?> ReadBaseAsync(ImageJob job, ContainerSpec spec, Platform platform, CancellationToken cancellation)
        {
            Steps.Add($"base {platform}");
            return Task.FromResult<(string, BaseImageFacts)?>(("base-handle", BaseImages.DotNet()));
        }

        public Task<(BuildRecord Record, string Image)> BuildAsync(ImagePlan<string> plan, CancellationToken cancellation)
        {
            Steps.Add("build");
            Plan = plan;
            if (BuildFails)
            {
                throw new ContainerizeException(Errors.StepsNeedTheEngine());
            }

            var references = plan.Job.Spec.References.ToList();
            var platforms = string.Join(",", plan.Platforms.Select(platform => platform.Platform.ToString()));
            return Task.FromResult((new BuildRecord(plan.Job.Fingerprint, "sha256:aaaa", null, "sha256:image", platforms, references), "image"));
        }

        /// <summary>One platform: its identity is the record's image id; several: each platform's config and its manifest in <see cref="PushedIndex"/>.</summary>
        public Task<IReadOnlyList<BuiltImageContents>> ReadContentsAsync(ImagePlan<string> plan, BuildRecord record, string image, CancellationToken cancellation)
        {
            Steps.Add("contents");
            var os = new ImageOsScan(ImageOsFiles.None, ImageOsFiles.None, []);
            return Task.FromResult<IReadOnlyList<BuiltImageContents>>(plan.Platforms.Count == 1
                ? [new BuiltImageContents(record.ImageId, KnowsManifestDigest ? "sha256:manifest" : null, "amd64", os)]
                : plan.Platforms.Select((platform, index) => new BuiltImageContents(
                    $"sha256:config-{platform.Platform.Architecture}", ManifestWriter.Digest(PlatformManifests[index].Manifest), platform.Platform.Architecture, os)).ToList());
        }

        public Task<BuildRecord> PublishAsync(ImageJob job, BuildRecord record, string? image, CancellationToken cancellation)
        {
            Steps.Add(image is null ? "publish up to date" : "publish built");
            var digest = job.Targets.Count == 1 ? PushedDigest : PushedIndexDigest;
            return Task.FromResult(image is null ? record : record with { Digest = digest, Pushed = record.References });
        }

        public void Dispose()
        {
        }
    }
}
