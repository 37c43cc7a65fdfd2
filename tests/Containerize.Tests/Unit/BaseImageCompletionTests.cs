using Containerize.Diagnostics;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class BaseImageCompletionTests
{
    private const string BaseDigestLabel = "org.opencontainers.image.base.digest";

    [TestMethod]
    public void The_base_images_APP_UID_becomes_the_user() =>
        Assert.AreEqual("1654", BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console()), BaseImages.DotNet()).User);

    [TestMethod]
    public void An_explicit_ContainerUser_is_kept_over_APP_UID() =>
        Assert.AreEqual("app", BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console(), new ContainerSettings { User = "app" }), BaseImages.DotNet()).User);

    [TestMethod]
    public void An_APP_UID_the_app_sets_in_its_environment_becomes_the_user()
    {
        var resolved = Resolution.Succeeds(Projects.Console(), new ContainerSettings { EnvironmentVariables = [new("APP_UID", "2000")] });

        Assert.AreEqual("2000", BaseImageCompletion.Complete(resolved, BaseImages.DotNet()).User);
    }

    [TestMethod]
    public void An_explicit_ContainerUser_needs_no_APP_UID() =>
        Assert.AreEqual("root", BaseImageCompletion.Complete(
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { User = "root" }), BaseImages.WithEnvironment(("PATH", "/usr/bin"))).User);

    [TestMethod]
    public void A_base_without_APP_UID_and_no_ContainerUser_is_CTZ2004_never_root()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings { BaseImage = "debian:12" });

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => BaseImageCompletion.Complete(spec, BaseImages.WithEnvironment(("PATH", "/usr/bin"))));

        Assert.AreEqual("CTZ2004", exception.Diagnostic.Code);
        Assert.Contains("The base image debian:12 defines no APP_UID", exception.Diagnostic.Message);
        Assert.Contains("Set ContainerUser", exception.Diagnostic.Message);
    }

    [TestMethod]
    public void A_non_numeric_APP_UID_is_not_taken_as_the_user()
    {
        var spec = Resolution.Succeeds(Projects.Console());

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => BaseImageCompletion.Complete(spec, BaseImages.WithEnvironment(("APP_UID", "app"))));

        Assert.AreEqual("CTZ2004", exception.Diagnostic.Code);
    }

    [TestMethod]
    public void A_web_app_exposes_the_base_images_ASPNETCORE_HTTP_PORTS()
    {
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Web()), BaseImages.WithEnvironment(("APP_UID", "1654"), ("ASPNETCORE_HTTP_PORTS", "5000")));

        Assert.AreSequenceEqual(new ContainerPort[] { new(5000, "tcp") }, spec.Ports);
        Assert.IsFalse(spec.PortsFromBaseImage);
    }

    [TestMethod]
    public void The_apps_own_ASPNETCORE_HTTP_PORTS_overrides_the_base_images()
    {
        var resolved = Resolution.Succeeds(Projects.Web(), new ContainerSettings { EnvironmentVariables = [new("ASPNETCORE_HTTP_PORTS", "9000;9001")] });

        var spec = BaseImageCompletion.Complete(resolved, BaseImages.AspNet());

        Assert.AreSequenceEqual(new ContainerPort[] { new(9000, "tcp"), new(9001, "tcp") }, spec.Ports);
    }

    [TestMethod]
    [DataRow("http://+:5000", 5000)]
    [DataRow("http://*:5000;https://*:5001", 5000, 5001)]
    [DataRow("http://[::]:7000/", 7000)]
    [DataRow("https://localhost", 443)]
    public void ASPNETCORE_URLS_wins_over_the_port_variables_as_in_AspNetCore(string urls, params int[] expected)
    {
        var resolved = Resolution.Succeeds(Projects.Web(), new ContainerSettings { EnvironmentVariables = [new("ASPNETCORE_URLS", urls)] });

        var spec = BaseImageCompletion.Complete(resolved, BaseImages.AspNet());

        Assert.AreSequenceEqual(expected.Select(port => new ContainerPort(port, "tcp")).ToArray(), spec.Ports);
    }

    [TestMethod]
    public void HTTPS_ports_are_exposed_beside_HTTP_ports()
    {
        var resolved = Resolution.Succeeds(Projects.Web(), new ContainerSettings { EnvironmentVariablesProperty = "ASPNETCORE_HTTPS_PORTS=8443" });

        var spec = BaseImageCompletion.Complete(resolved, BaseImages.AspNet());

        Assert.AreSequenceEqual(new ContainerPort[] { new(8080, "tcp"), new(8443, "tcp") }, spec.Ports);
    }

    [TestMethod]
    public void A_web_app_exposes_8080_when_the_base_says_nothing()
    {
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Web()), BaseImages.DotNet());

        Assert.AreSequenceEqual(new ContainerPort[] { new(8080, "tcp") }, spec.Ports);
    }

    [TestMethod]
    public void Explicit_port_items_are_not_replaced_by_the_base_images_ports()
    {
        var resolved = Resolution.Succeeds(Projects.Web(), new ContainerSettings { Ports = [new("5000", "tcp")] });

        var spec = BaseImageCompletion.Complete(resolved, BaseImages.AspNet());

        Assert.AreSequenceEqual(new ContainerPort[] { new(5000, "tcp") }, spec.Ports);
    }

    [TestMethod]
    public void A_console_app_gets_no_port_from_an_aspnet_base()
    {
        var resolved = Resolution.Succeeds(Projects.Console(), new ContainerSettings { BaseImage = "mcr.microsoft.com/dotnet/aspnet:10.0" });

        Assert.IsEmpty(BaseImageCompletion.Complete(resolved, BaseImages.AspNet()).Ports);
    }

    [TestMethod]
    public void The_base_digest_label_is_added_last_when_the_digest_is_known()
    {
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console()), BaseImages.DotNet(BaseImages.RuntimeDigest));

        Assert.AreEqual(new KeyValuePair<string, string>(BaseDigestLabel, BaseImages.RuntimeDigest), spec.Labels[^1]);
        Assert.HasCount(4, spec.Labels);
    }

    [TestMethod]
    public void A_base_digest_label_the_user_set_is_kept_and_not_repeated()
    {
        var resolved = Resolution.Succeeds(Projects.Console(), new ContainerSettings { Labels = [new(BaseDigestLabel, "sha256:mine")] });

        var spec = BaseImageCompletion.Complete(resolved, BaseImages.DotNet(BaseImages.RuntimeDigest));

        Assert.AreEqual("sha256:mine", spec.Labels.Single(label => label.Key == BaseDigestLabel).Value);
    }

    [TestMethod]
    public void No_base_digest_label_when_the_digest_is_unknown() =>
        Assert.IsFalse(BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console()), BaseImages.DotNet(digest: null)).Labels.Any(label => label.Key == BaseDigestLabel));

    [TestMethod]
    public void No_base_digest_label_when_it_is_switched_off()
    {
        var resolved = Resolution.Succeeds(Projects.Console(), new ContainerSettings { DisabledLabels = ["base.digest"] });

        Assert.IsFalse(BaseImageCompletion.Complete(resolved, BaseImages.DotNet(BaseImages.RuntimeDigest)).Labels.Any(label => label.Key == BaseDigestLabel));
    }

    [TestMethod]
    public void No_base_digest_label_when_labels_are_not_generated()
    {
        var resolved = Resolution.Succeeds(Projects.Console(), new ContainerSettings { GenerateLabels = false });

        Assert.IsEmpty(BaseImageCompletion.Complete(resolved, BaseImages.DotNet(BaseImages.RuntimeDigest)).Labels);
    }

    [TestMethod]
    public void The_package_manager_found_in_the_base_installs_the_ContainerPackage_items()
    {
        var spec = Resolution.Succeeds(Projects.Console()) with { Packages = [new PackageSetting("curl", "")] };

        Assert.AreEqual("apk", BaseImageCompletion.Complete(spec, BaseImages.DotNet() with { PackageManager = "apk" }).PackageManager);
    }

    [TestMethod]
    public void ContainerPackageManager_is_kept_over_the_one_found() =>
        Assert.AreEqual("tdnf", BaseImageCompletion.Complete(
            Resolution.Succeeds(Projects.Console()) with { Packages = [new PackageSetting("curl", "")], PackageManager = "tdnf" },
            BaseImages.DotNet() with { PackageManager = "apt" }).PackageManager);

    [TestMethod]
    public void ContainerPackage_items_on_a_base_without_a_package_manager_are_CTZ2011()
    {
        var spec = Resolution.Succeeds(Projects.Console()) with { Packages = [new PackageSetting("curl", "")] };

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => BaseImageCompletion.Complete(spec, BaseImages.DotNet() with { PackageManager = "" }));

        Assert.AreEqual("CTZ2011", exception.Diagnostic.Code);
        Assert.StartsWith($"The base image {spec.BaseImage} has no package manager", exception.Diagnostic.Message);
    }

    [TestMethod]
    public void Without_ContainerPackage_items_no_package_manager_is_needed() =>
        Assert.AreEqual("", BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console()), BaseImages.DotNet() with { PackageManager = "" }).PackageManager);
}
