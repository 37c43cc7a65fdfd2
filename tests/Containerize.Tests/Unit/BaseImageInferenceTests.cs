using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class BaseImageInferenceTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static string BaseOf(ProjectFacts project, ContainerSettings? settings = null) =>
        Resolution.Succeeds(project, settings).BaseImage.ToString();

    [TestMethod]
    public void A_console_app_runs_on_the_runtime_image_of_its_framework() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime:10.0", BaseOf(Projects.Console()));

    [TestMethod]
    public void An_app_referencing_AspNetCore_runs_on_the_aspnet_image() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/aspnet:10.0", BaseOf(Projects.Web()));

    [TestMethod]
    public void A_self_contained_app_runs_on_runtime_deps() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:10.0", BaseOf(Projects.SelfContained()));

    [TestMethod]
    public void A_self_contained_web_app_runs_on_runtime_deps_not_aspnet() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:10.0", BaseOf(Projects.Web() with { SelfContained = true, RuntimeIdentifier = "linux-x64" }));

    [TestMethod]
    public void An_AOT_app_runs_on_chiseled_runtime_deps_with_globalization_libraries() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-extra", BaseOf(Projects.Console() with { PublishAot = true, RuntimeIdentifier = "linux-x64" }));

    [TestMethod]
    public void An_AOT_app_with_invariant_globalization_runs_on_plain_chiseled_runtime_deps() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled",
            BaseOf(Projects.Console() with { PublishAot = true, InvariantGlobalization = true, RuntimeIdentifier = "linux-x64" }));

    [TestMethod]
    public void A_trimmed_self_contained_app_runs_on_chiseled_runtime_deps() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-extra", BaseOf(Projects.SelfContained() with { PublishTrimmed = true }));

    [TestMethod]
    public void A_trimmed_app_with_invariant_globalization_drops_the_extra_suffix() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled",
            BaseOf(Projects.SelfContained() with { PublishTrimmed = true, InvariantGlobalization = true }));

    [TestMethod]
    public void A_net8_AOT_app_runs_on_jammy_chiseled() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled-extra",
            BaseOf(Projects.Console().On("net8.0") with { PublishAot = true, RuntimeIdentifier = "linux-x64" }));

    [TestMethod]
    public void A_net9_AOT_app_runs_on_noble_chiseled() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:9.0-noble-chiseled-extra",
            BaseOf(Projects.Console().On("net9.0") with { PublishAot = true, RuntimeIdentifier = "linux-x64" }));

    [TestMethod]
    [DataRow("net6.0", "mcr.microsoft.com/dotnet/runtime:6.0")]
    [DataRow("net8.0", "mcr.microsoft.com/dotnet/runtime:8.0")]
    [DataRow("net9.0", "mcr.microsoft.com/dotnet/runtime:9.0")]
    [DataRow("net10.0", "mcr.microsoft.com/dotnet/runtime:10.0")]
    public void The_tag_is_the_target_framework_major_and_minor(string targetFramework, string expected) =>
        Assert.AreEqual(expected, BaseOf(Projects.Console().On(targetFramework)));

    [TestMethod]
    public void A_linux_musl_framework_dependent_app_runs_on_alpine() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime:10.0-alpine", BaseOf(Projects.Console() with { RuntimeIdentifier = "linux-musl-x64" }));

    [TestMethod]
    public void A_linux_musl_self_contained_app_runs_on_alpine_runtime_deps() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:10.0-alpine",
            BaseOf(Projects.SelfContained() with { RuntimeIdentifier = "linux-musl-arm64" }));

    [TestMethod]
    public void A_linux_musl_AOT_app_runs_on_alpine_rather_than_chiseled() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:10.0-alpine",
            BaseOf(Projects.Console() with { PublishAot = true, RuntimeIdentifier = "linux-musl-x64" }));

    [TestMethod]
    public void ContainerFamily_is_appended_to_the_tag() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", BaseOf(Projects.Web(), new ContainerSettings { Family = "noble-chiseled" }));

    [TestMethod]
    public void ContainerFamily_replaces_the_inferred_alpine_and_chiseled_suffixes()
    {
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime:10.0-azurelinux3.0",
            BaseOf(Projects.Console() with { RuntimeIdentifier = "linux-musl-x64" }, new ContainerSettings { Family = "azurelinux3.0" }));
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:10.0-noble",
            BaseOf(Projects.Console() with { PublishAot = true, RuntimeIdentifier = "linux-x64" }, new ContainerSettings { Family = "noble" }));
    }

    [TestMethod]
    public void ContainerBaseRegistry_replaces_mcr_for_inferred_images() =>
        Assert.AreEqual("localhost:5000/dotnet/runtime:10.0", BaseOf(Projects.Console(), new ContainerSettings { BaseRegistry = "localhost:5000" }));

    [TestMethod]
    public void ContainerBaseRegistry_may_be_a_mirror_with_a_path() =>
        Assert.AreEqual("mirror.example.com/mcr/dotnet/runtime:10.0", BaseOf(Projects.Console(), new ContainerSettings { BaseRegistry = "mirror.example.com/mcr" }));

    [TestMethod]
    public void An_AOT_app_before_NET_8_has_no_chiseled_image_to_run_on() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime-deps:7.0", BaseOf(Projects.Console().On("net7.0") with { PublishAot = true, RuntimeIdentifier = "linux-x64" }));

    [TestMethod]
    public void A_trailing_slash_on_ContainerBaseRegistry_is_ignored() =>
        Assert.AreEqual("mirror.example.com/dotnet/aspnet:10.0", BaseOf(Projects.Web(), new ContainerSettings { BaseRegistry = "mirror.example.com/" }));

    [TestMethod]
    public void An_explicit_base_image_with_a_tag_is_used_as_written()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings { BaseImage = "myregistry.example.com:5000/base/dotnet:10.0-custom" });

        Assert.AreEqual(new ImageReference("myregistry.example.com:5000", "base/dotnet", "10.0-custom", null), spec.BaseImage);
        Assert.AreEqual("myregistry.example.com:5000/base/dotnet:10.0-custom", spec.BaseImage.ToString());
    }

    [TestMethod]
    public void An_explicit_base_image_by_digest_keeps_the_digest_and_has_no_tag()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings { BaseImage = "mcr.microsoft.com/dotnet/runtime@" + Digest });

        Assert.AreEqual(new ImageReference("mcr.microsoft.com", "dotnet/runtime", null, Digest), spec.BaseImage);
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime@" + Digest, spec.BaseImage.ToString());
    }

    [TestMethod]
    public void An_explicit_base_image_with_tag_and_digest_keeps_both() =>
        Assert.AreEqual(new ImageReference("mcr.microsoft.com", "dotnet/runtime", "10.0", Digest),
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { BaseImage = "mcr.microsoft.com/dotnet/runtime:10.0@" + Digest }).BaseImage);

    [TestMethod]
    public void An_explicit_base_image_without_a_registry_has_none() =>
        Assert.AreEqual(new ImageReference(null, "ubuntu", "24.04", null),
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { BaseImage = "ubuntu:24.04" }).BaseImage);

    [TestMethod]
    public void An_explicit_base_image_ignores_family_and_base_registry() =>
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime:9.0",
            BaseOf(Projects.Console(), new ContainerSettings { BaseImage = "mcr.microsoft.com/dotnet/runtime:9.0", Family = "alpine", BaseRegistry = "localhost:5000" }));

    [TestMethod]
    public void An_explicit_base_image_lets_a_framework_without_dotnet_images_be_containerized() =>
        Assert.AreEqual("debian:12",
            BaseOf(Projects.Console() with { TargetFramework = "net48", TargetFrameworkIdentifier = ".NETFramework", TargetFrameworkVersion = "v4.8" },
                new ContainerSettings { BaseImage = "debian:12" }));
}
