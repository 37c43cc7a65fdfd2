using System.Text.Json;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// The SBOM written beside container-image.json, checked against what the image really holds: the NuGet package with
/// the hash the restore recorded, the .NET runtime of the base image, and the OS packages dpkg-query lists inside it.
/// </summary>
[TestClass]
[TestCategory("Integration")]
public sealed class SbomTests
{
    private const string PackageReference = """<PackageReference Include="Humanizer.Core" Version="2.14.1" />""";

    private const string Program = "Console.WriteLine(Humanizer.StringHumanizeExtensions.Humanize(\"made_with_humanizer\"));\n";

    [TestMethod]
    public void A_daemonless_image_lists_its_package_its_runtime_and_the_base_images_OS_packages_and_the_next_run_keeps_it()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("SbomDaemonless", Program, properties: "<ContainerRepository>ctz-sbom-daemonless</ContainerRepository>", items: PackageReference);
        string[] arguments = ["-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerRegistry=" + TestEnvironment.OpenRegistry, "-p:ContainerSbomFormat=spdx"];

        project.Publish(arguments).ShouldSucceed();

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        var sbomPath = report.RootElement.GetProperty("sbom").GetString()!;
        Assert.AreEqual(Path.Combine(project.ContextDirectory, "container-image.cdx.json"), sbomPath);
        Assert.IsTrue(File.Exists(report.RootElement.GetProperty("spdx").GetString()), "ContainerSbomFormat=spdx writes the SPDX document as well");
        var digest = report.RootElement.GetProperty("digest").GetString()!;
        var written = File.ReadAllBytes(sbomPath);
        using var sbom = JsonDocument.Parse(written);
        var reference = $"{TestEnvironment.OpenRegistry}/ctz-sbom-daemonless@{digest}";

        Assert.AreEqual($"pkg:oci/ctz-sbom-daemonless@{digest.Replace(":", "%3A", StringComparison.Ordinal)}?arch=amd64&repository_url={TestEnvironment.OpenRegistry.Replace(":", "%3A", StringComparison.Ordinal)}/ctz-sbom-daemonless",
            sbom.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("purl").GetString());
        var humanizer = Component(sbom, "pkg:nuget/Humanizer.Core@2.14.1");
        Assert.AreEqual("SHA-512", humanizer.GetProperty("hashes")[0].GetProperty("alg").GetString());
        Assert.AreEqual(AssetsSha512(project, "Humanizer.Core/2.14.1"), humanizer.GetProperty("hashes")[0].GetProperty("content").GetString());
        var runtime = Components(sbom).Single(component => component.GetProperty("name").GetString() == "Microsoft.NETCore.App");
        Assert.AreEqual(BaseImageVariable("DOTNET_VERSION"), runtime.GetProperty("version").GetString(), "the runtime of the base image, not the build machine's");
        CollectionAssert.AreEquivalent(InstalledDebianPackages(reference), DebianPackages(sbom).Select(package => package.Name).ToList());

        var again = project.Publish([.. arguments, "-v:n"]).ShouldSucceed();

        StringAssert.Contains(again.Output, "is up to date");
        CollectionAssert.AreEqual(written, File.ReadAllBytes(sbomPath), "an unchanged image keeps its SBOM, byte for byte");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void An_engine_built_image_lists_the_OS_package_a_ContainerPackage_added_as_added()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("SbomEngine", Program,
            properties: "<ContainerRepository>ctz-sbom-engine</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBuildNetwork>host</ContainerBuildNetwork>",
            items: PackageReference + """<ContainerPackage Include="curl" />""");
        var reference = project.Track("ctz-sbom-engine:1.0.0");

        project.Publish("-p:Containerize=true", "-p:ContainerizeBackend=docker").ShouldSucceed();

        using var sbom = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(project.ContextDirectory, "container-image.cdx.json")));
        var packages = DebianPackages(sbom);
        CollectionAssert.AreEquivalent(InstalledDebianPackages(reference), packages.Select(package => package.Name).ToList());
        Assert.AreEqual("added", packages.Single(package => package.Name == "curl").Layer, "curl came with ContainerPackage");
        Assert.AreEqual("base", packages.Single(package => package.Name == "dpkg").Layer, "dpkg came with the base image");
        Assert.AreEqual(AssetsSha512(project, "Humanizer.Core/2.14.1"), Component(sbom, "pkg:nuget/Humanizer.Core@2.14.1").GetProperty("hashes")[0].GetProperty("content").GetString());
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void An_engine_built_image_without_build_steps_reads_its_base_images_OS_files_once_and_a_code_change_reads_none()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("SbomEngineKept", Program,
            properties: "<ContainerRepository>ctz-sbom-engine-kept</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>", items: PackageReference);
        var reference = project.Track("ctz-sbom-engine-kept:1.0.0");
        var environment = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cache.Path };
        string[] arguments = ["-p:Containerize=true", "-p:ContainerizeBackend=docker", "-v:d"];
        var baseId = DockerCli.Run("image", "inspect", "--format", "{{.Id}}", $"{TestEnvironment.BaseRegistry}/dotnet/runtime:10.0").ShouldSucceed().Output.Trim();

        var first = project.Publish(environment, arguments).ShouldSucceed().Output;

        StringAssert.Contains(first, $"Reading the OS files of image {baseId} through a container made from it.");
        Assert.AreEqual(1, Occurrences(first, "Reading the OS files of image "), "the image's own are the base's: no step could change them");
        var packages = DebianPackages(SbomOf(project));
        CollectionAssert.AreEquivalent(InstalledDebianPackages(reference), packages.Select(package => package.Name).ToList());
        Assert.IsTrue(packages.All(package => package.Layer == "base"), "every OS package came with the base image");

        File.WriteAllText(Path.Combine(project.Directory, "Program.cs"), Program + "Console.WriteLine(\"changed\");\n");
        var second = project.Publish(environment, arguments).ShouldSucceed().Output;

        StringAssert.Contains(second, $"The base image's OS files: kept from an earlier build on image {baseId}.");
        Assert.AreEqual(0, Occurrences(second, "Reading the OS files of image "), "a code change makes no container to read OS files");
        CollectionAssert.AreEqual(packages, DebianPackages(SbomOf(project)));
    }

    [TestMethod]
    public void With_ContainerSbom_false_no_SBOM_is_written()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("SbomOff", "ctz-sbom-off");

        project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerRegistry=" + TestEnvironment.OpenRegistry,
            "-p:ContainerSbom=false").ShouldSucceed();

        Assert.IsFalse(File.Exists(Path.Combine(project.ContextDirectory, "container-image.cdx.json")));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        Assert.AreEqual(JsonValueKind.Null, report.RootElement.GetProperty("sbom").ValueKind);
    }

    private static JsonDocument SbomOf(TestProject project) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(project.ContextDirectory, "container-image.cdx.json")));

    private static int Occurrences(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static IEnumerable<JsonElement> Components(JsonDocument sbom) => sbom.RootElement.GetProperty("components").EnumerateArray();

    private static JsonElement Component(JsonDocument sbom, string purl) =>
        Components(sbom).Single(component => component.TryGetProperty("purl", out var value) && value.GetString() == purl);

    /// <summary>The Debian packages the SBOM lists: name and the layer that brought them (base, added).</summary>
    private static List<(string Name, string? Layer)> DebianPackages(JsonDocument sbom) => Components(sbom)
        .Where(component => component.TryGetProperty("purl", out var purl) && purl.GetString()!.StartsWith("pkg:deb/", StringComparison.Ordinal))
        .Select(component => (component.GetProperty("name").GetString()!, component.TryGetProperty("properties", out var properties)
            ? properties.EnumerateArray().Where(property => property.GetProperty("name").GetString() == "containerize:layer").Select(property => property.GetProperty("value").GetString()).FirstOrDefault()
            : null))
        .ToList();

    /// <summary>What dpkg itself says is installed in the image, run inside it.</summary>
    private static List<string> InstalledDebianPackages(string reference) =>
        DockerCli.Run("run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "dpkg-query", reference, "-W", "-f", "${Status}|${Package}\\n").ShouldSucceed().Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("install ok installed|", StringComparison.Ordinal))
            .Select(line => line.Split('|')[1])
            .ToList();

    /// <summary>The SHA-512 the restore recorded for a library ("Id/Version"), as lower-case hex.</summary>
    private static string AssetsSha512(TestProject project, string library)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Directory, "obj", "project.assets.json")));
        return Convert.ToHexStringLower(Convert.FromBase64String(assets.RootElement.GetProperty("libraries").GetProperty(library).GetProperty("sha512").GetString()!));
    }

    private static string BaseImageVariable(string name) =>
        Skopeo.Inspect($"{TestEnvironment.BaseRegistry}/dotnet/runtime:10.0", config: true).GetProperty("config").GetProperty("Env").EnumerateArray()
            .Select(entry => entry.GetString()!).Single(entry => entry.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];
}
