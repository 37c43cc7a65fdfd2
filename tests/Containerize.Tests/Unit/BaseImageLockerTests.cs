using System.Net;
using System.Security.Cryptography;
using System.Text;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Lock;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;
using static Containerize.Tests.Unit.Support.ScriptedHttpHandler;

namespace Containerize.Tests.Unit;

/// <summary>-t:UpdateContainerLock's registry side: what a tag names, read with the in-process registry client (a scripted registry here).</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class BaseImageLockerTests
{
    private const string Host = "localhost:5000";

    private readonly RecordingBuildLog log = new();

    public TestContext TestContext { get; set; } = null!;

    private static string DigestOf(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Digest(char digit) => "sha256:" + new string(digit, 64);

    private static readonly string Index = $$$"""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Digest('a')}}}","size":1,"platform":{"architecture":"amd64","os":"linux"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Digest('b')}}}","size":1,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Digest('c')}}}","size":1,"platform":{"architecture":"unknown","os":"unknown"},
         "annotations":{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"{{{Digest('a')}}}"}}]}
        """;

    private async Task<(BaseImageLock Lock, ScriptedHttpHandler Handler)> LockAsync(Func<RecordedRequest, HttpResponseMessage> registry, params string[] references)
    {
        var handler = new ScriptedHttpHandler(registry);
        var locker = new BaseImageLocker(host => new RegistryClient(host, null, plainHttp: true, new RetryPolicy([TimeSpan.FromMilliseconds(1)]), log, handler), log);
        return (await locker.LockAsync(references.Select(reference => ImageReference.TryParse(reference)!).ToList(), TestContext.CancellationToken), handler);
    }

    [TestMethod]
    public async Task An_index_is_locked_by_its_digest_with_each_platform_s_manifest_and_no_attestation()
    {
        var (baseLock, handler) = await LockAsync(_ => Answer(HttpStatusCode.OK, Index, ("Content-Type", MediaTypes.OciIndex)), "localhost:5000/dotnet/runtime:10.0");

        var entry = baseLock.Bases["localhost:5000/dotnet/runtime:10.0"];
        Assert.AreEqual(DigestOf(Index), entry.Digest);
        CollectionAssert.AreEquivalent(new Dictionary<string, string> { ["linux/amd64"] = Digest('a'), ["linux/arm64/v8"] = Digest('b') }, entry.Platforms.ToDictionary());
        Assert.AreEqual("http://localhost:5000/v2/dotnet/runtime/manifests/10.0", Assert.ContainsSingle(handler.Requests).Uri.AbsoluteUri);
    }

    [TestMethod]
    public async Task A_single_manifest_is_locked_by_its_digest_with_the_platform_its_config_names()
    {
        const string config = """{"architecture":"arm","os":"linux","variant":"v7","config":{}}""";
        var manifest = $$"""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"{{DigestOf(config)}}","size":{{config.Length}}},"layers":[]}""";

        var (baseLock, _) = await LockAsync(request => request.Uri.AbsolutePath.Contains("/manifests/")
            ? Answer(HttpStatusCode.OK, manifest, ("Content-Type", MediaTypes.DockerManifest))
            : AnswerBytes(HttpStatusCode.OK, Encoding.UTF8.GetBytes(config)), "localhost:5000/ctz-lock-test/base");

        var entry = baseLock.Bases["localhost:5000/ctz-lock-test/base"];
        Assert.AreEqual(DigestOf(manifest), entry.Digest);
        Assert.AreEqual(DigestOf(manifest), entry.Platforms["linux/arm/v7"]);
        Assert.HasCount(1, entry.Platforms);
    }

    [TestMethod]
    public async Task A_base_no_registry_has_is_CTZ2035_it_cannot_be_locked()
    {
        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => LockAsync(
            _ => Error(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN", "manifest unknown"), "localhost:5000/only-in-my-engine:1"));

        Assert.AreEqual("CTZ2035", exception.Diagnostic.Code);
        Assert.StartsWith("The base image localhost:5000/only-in-my-engine:1 cannot be locked: the registry localhost:5000 has no such image", exception.Diagnostic.Message);
        Assert.Contains("exists only in a local engine", exception.Diagnostic.Message);
    }

    [TestMethod]
    public async Task Every_base_is_asked_for_once_per_reference()
    {
        var (baseLock, handler) = await LockAsync(_ => Answer(HttpStatusCode.OK, Index, ("Content-Type", MediaTypes.OciIndex)),
            "localhost:5000/sdk:10.0", "localhost:5000/dotnet/runtime:10.0");

        CollectionAssert.AreEquivalent(new[] { "localhost:5000/sdk:10.0", "localhost:5000/dotnet/runtime:10.0" }, baseLock.Bases.Keys.ToArray());
        Assert.HasCount(2, handler.Requests);
    }
}
