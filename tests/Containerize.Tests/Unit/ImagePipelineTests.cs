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

    private readonly MemoryRegistry registry = new();

    public ImagePipelineTests() => registry.Manifests[PushedDigest] = PushedManifest;

    public TestContext TestContext { get; set; } = null!;

    public void Dispose() => work.Dispose();

    /// <summary>The pipeline, its attach step talking to <see cref="registry"/>.</summary>
    private ImagePipeline Pipeline() => new(log, new AttachStep(log, _ => new RegistryClient("localhost:5000", null, plainHttp: true, new RetryPolicy([]), log, registry.Handler)));

    private ImageJob Job(string fingerprint = "fingerprint-1", Func<ContainerSpec, ContainerSpec>? change = null, bool sbom = false, string sbomFormat = "cyclonedx", bool provenance = false)
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
        return new ImageJob(request, change?.Invoke(spec) ?? spec, fingerprint);
    }

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
        CollectionAssert.AreEqual(new[] { cyclonedx, spdx }, result.Sboms.ToArray());
        using var document = JsonDocument.Parse(File.ReadAllBytes(cyclonedx));
        Assert.AreEqual("CycloneDX", document.RootElement.GetProperty("bomFormat").GetString());
        Assert.AreEqual("1.6", document.RootElement.GetProperty("specVersion").GetString());
        Assert.AreEqual("HelloDocker", document.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("name").GetString());
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(job.Request.ContextDirectory, ImageReport.FileName)));
        Assert.AreEqual(cyclonedx, report.RootElement.GetProperty("sbom").GetString());
        Assert.AreEqual(spdx, report.RootElement.GetProperty("spdx").GetString());
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
            CollectionAssert.AreEqual(new[] { cyclonedx }, result.Sboms.ToArray());
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
    public async Task An_image_index_gets_no_SBOM_yet_and_says_so_with_CTZ2037_as_a_message()
    {
        var job = Job(sbom: true) with { PlatformSpecs = [("linux-x64", Job().Spec), ("linux-arm64", Job().Spec)] };
        using var backend = new RecordingBackend();

        var result = await Pipeline().RunAsync(job, backend, TestContext.CancellationToken);

        Assert.IsEmpty(result.Sboms);
        var warning = Assert.ContainsSingle(log.Diagnostics);
        Assert.AreEqual("CTZ2037", warning.Code);
        Assert.AreEqual(Severity.Message, warning.Severity, "no warning in every multi-platform build while SBOMs are on by default");
        Assert.StartsWith("No SBOM is written for this image index of 2 platforms", warning.Message);
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
            return Task.FromResult((new BuildRecord(plan.Job.Fingerprint, "sha256:aaaa", null, "sha256:image", "linux/amd64", references), "image"));
        }

        public Task<BuiltImageContents> ReadContentsAsync(ImagePlan<string> plan, BuildRecord record, string image, CancellationToken cancellation)
        {
            Steps.Add("contents");
            return Task.FromResult(new BuiltImageContents(record.ImageId, KnowsManifestDigest ? "sha256:manifest" : null, "amd64", new ImageOsScan(ImageOsFiles.None, ImageOsFiles.None, [])));
        }

        public Task<BuildRecord> PublishAsync(ImageJob job, BuildRecord record, string? image, CancellationToken cancellation)
        {
            Steps.Add(image is null ? "publish up to date" : "publish built");
            return Task.FromResult(image is null ? record : record with { Digest = PushedDigest, Pushed = record.References });
        }

        public void Dispose()
        {
        }
    }
}
