using Containerize.Backends.BuildKit;
using Containerize.Spec;

namespace Containerize.Tests.Unit;

/// <summary>What a standalone BuildKit daemon is asked to build: the Dockerfile frontend's attributes and the image exporter's.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class BuildKitSolveRequestTests
{
    private static DaemonBuild Build(string networkMode = "", bool insecure = false) => new(
        ["registry.example/shop/api:1.2.0", "registry.example/shop/api:latest"], "linux/arm64/v8", DateTimeOffset.FromUnixTimeSeconds(1700000000), insecure, networkMode,
        [new("FEED", "https://feed.example/v3")], [new BuildSecret("token", "TOKEN", "")], _ => null);

    private static string Attributes(IDictionary<string, string> attributes) =>
        string.Join("\n", attributes.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"));

    [TestMethod]
    public void The_Dockerfile_frontend_builds_for_the_images_platform_and_the_image_exporter_pushes_every_reference()
    {
        var request = BuildKitDaemon.SolveRequestFor(Build(), "build-1", "session-1");

        Assert.AreEqual("build-1", request.Ref);
        Assert.AreEqual("session-1", request.Session);
        Assert.AreEqual("dockerfile.v0", request.Frontend);
        Assert.AreEqual("build-arg:FEED=https://feed.example/v3\nbuild-arg:SOURCE_DATE_EPOCH=1700000000\nfilename=Dockerfile\nplatform=linux/arm64/v8",
            Attributes(request.FrontendAttrs));
        Assert.AreEqual("image", request.ExporterDeprecated);
        Assert.AreEqual("name=registry.example/shop/api:1.2.0,registry.example/shop/api:latest\npush=true\nrewrite-timestamp=true", Attributes(request.ExporterAttrsDeprecated));
        Assert.AreEqual(0, request.Entitlements.Count);
    }

    [TestMethod]
    public void The_host_network_is_forced_with_its_entitlement_and_an_insecure_registry_is_named_so()
    {
        var request = BuildKitDaemon.SolveRequestFor(Build("host", insecure: true), "build-1", "session-1");

        Assert.AreEqual("host", request.FrontendAttrs["force-network-mode"]);
        Assert.AreSequenceEqual(new[] { "network.host" }, request.Entitlements.ToArray());
        Assert.AreEqual("true", request.ExporterAttrsDeprecated["registry.insecure"]);
    }

    [TestMethod]
    public void No_network_is_forced_without_an_entitlement()
    {
        var request = BuildKitDaemon.SolveRequestFor(Build("none"), "build-1", "session-1");

        Assert.AreEqual("none", request.FrontendAttrs["force-network-mode"]);
        Assert.AreEqual(0, request.Entitlements.Count);
    }
}
