using System.Text;
using Containerize.Sbom;

namespace Containerize.Tests.Unit;

/// <summary>CycloneDX and SPDX documents of one input: exact bytes (Golden/Sbom), the same bytes every time, whatever the input's order.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class SbomWriterTests
{
    private static readonly string ConfigDigest = "sha256:" + new string('a', 64);

    private static readonly string ManifestDigest = "sha256:" + new string('b', 64);

    private static readonly string NewtonsoftSha512 = "1eb0b9057765d3420ff73795fb467ce3c4163c0a02afd3f76c311982e23e8242dc04a00ec62c7fb4b1000070be52f0cd3efe1ad9dd7c94e45e1cc39a80f6becd";

    /// <summary>A web app: two packages in the image (one with a license expression, one with only a URL), a project, a build-only package, ASP.NET Core from the base image, two OS packages and a ContainerFile.</summary>
    internal static SbomInput SmallInput() => new()
    {
        Name = "WebApi",
        Version = "1.2.0",
        Seed = ConfigDigest,
        Created = new DateTimeOffset(2025, 1, 31, 13, 0, 0, TimeSpan.FromHours(1)),
        ToolVersion = "0.1.0",
        Registry = "ghcr.io",
        Repository = "acme/webapi",
        Digest = ManifestDigest,
        Architecture = "amd64",
        NuGet = new NuGetGraph(
        [
            new NuGetComponent("Humanizer.Core", "2.14.1", NuGetComponentKind.Package) { LicenseUrl = "https://github.com/Humanizr/Humanizer/blob/main/LICENSE" },
            new NuGetComponent("Lib", "1.0.0", NuGetComponentKind.Project) { DependsOn = ["Newtonsoft.Json/13.0.3"], ProjectPath = "../Lib/Lib.csproj" },
            new NuGetComponent("Microsoft.SourceLink.GitHub", "8.0.0", NuGetComponentKind.Package) { InImage = false, LicenseExpression = "MIT" },
            new NuGetComponent("Newtonsoft.Json", "13.0.3", NuGetComponentKind.Package) { Sha512 = NewtonsoftSha512, LicenseExpression = "MIT" },
        ],
        ["Humanizer.Core/2.14.1", "Lib/1.0.0", "Microsoft.SourceLink.GitHub/8.0.0"],
        ["/nuget/packages/"]),
        Runtimes =
        [
            new DotNetRuntime(DotNetRuntime.AspNetCoreApp, "10.0.0", DotNetRuntime.FromBaseImage),
            new DotNetRuntime(DotNetRuntime.NetCoreApp, "10.0.0", DotNetRuntime.FromBaseImage),
        ],
        OsPackages =
        [
            new OsPackage("deb", "debian", "libc6", "2.36-9+deb12u7", "amd64") { SourceName = "glibc", Distro = "debian-12", Layer = OsPackage.BaseLayer },
            new OsPackage("deb", "debian", "curl", "7.88.1-10+deb12u8", "amd64") { Distro = "debian-12", Layer = OsPackage.AddedLayer },
        ],
        Files = [new SbomFile("app/config/settings.json", "sha256:" + new string('c', 64))],
    };

    /// <summary>The same input with every list in the opposite order.</summary>
    private static SbomInput Reversed(SbomInput input) => input with
    {
        NuGet = new NuGetGraph(input.NuGet.Components.Reverse().ToList(), input.NuGet.Direct.Reverse().ToList(), input.NuGet.PackageFolders),
        Runtimes = input.Runtimes.Reverse().ToList(),
        OsPackages = input.OsPackages.Reverse().ToList(),
        Files = input.Files.Reverse().ToList(),
    };

    private static void AssertMatchesGolden(string name, byte[] actual)
    {
        var expected = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", "Sbom", name));
        Assert.AreEqual(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual), $"Golden/Sbom/{name}");
        CollectionAssert.AreEqual(expected, actual, $"Golden/Sbom/{name}: same text, different bytes.");
    }

    [TestMethod]
    public void The_cyclonedx_document_of_a_small_input_is_exactly_the_golden_one()
    {
        AssertMatchesGolden("small.cdx.json", CycloneDxWriter.Write(SmallInput()));
    }

    [TestMethod]
    public void The_spdx_document_of_a_small_input_is_exactly_the_golden_one()
    {
        AssertMatchesGolden("small.spdx.json", SpdxWriter.Write(SmallInput()));
    }

    [TestMethod]
    public void The_same_input_gives_the_same_bytes_in_any_order()
    {
        var input = SmallInput();

        CollectionAssert.AreEqual(CycloneDxWriter.Write(input), CycloneDxWriter.Write(SmallInput()));
        CollectionAssert.AreEqual(CycloneDxWriter.Write(input), CycloneDxWriter.Write(Reversed(input)));
        CollectionAssert.AreEqual(SpdxWriter.Write(input), SpdxWriter.Write(Reversed(input)));
    }

    [TestMethod]
    public void The_serial_number_is_the_version_5_uuid_of_the_seed_and_changes_with_it()
    {
        // Python: uuid.uuid5(uuid.NAMESPACE_URL, "containerize:sbom:sha256:" + "a" * 64)
        StringAssert.Contains(Encoding.UTF8.GetString(CycloneDxWriter.Write(SmallInput())), "\"serialNumber\": \"urn:uuid:92161edb-9e21-5b45-ae22-146fe6b03bcb\"");
        Assert.AreEqual("6c3e25d8-2687-5d41-bbf8-422dce1accc7", NameBasedUuid.ForSbom("seed"));
        StringAssert.Contains(Encoding.UTF8.GetString(SpdxWriter.Write(SmallInput())), "\"documentNamespace\": \"https://spdx.org/spdxdocs/WebApi-92161edb-9e21-5b45-ae22-146fe6b03bcb\"");
        Assert.AreNotEqual(
            Encoding.UTF8.GetString(CycloneDxWriter.Write(SmallInput())),
            Encoding.UTF8.GetString(CycloneDxWriter.Write(SmallInput() with { Seed = "sha256:" + new string('d', 64) })));
    }

    [TestMethod]
    public void The_timestamp_is_the_images_creation_time_in_utc()
    {
        StringAssert.Contains(Encoding.UTF8.GetString(CycloneDxWriter.Write(SmallInput())), "\"timestamp\": \"2025-01-31T12:00:00Z\"");
        StringAssert.Contains(Encoding.UTF8.GetString(SpdxWriter.Write(SmallInput())), "\"created\": \"2025-01-31T12:00:00Z\"");
    }

    [TestMethod]
    public void Without_a_digest_the_app_has_no_purl_and_a_bom_ref_of_its_name_and_version()
    {
        var text = Encoding.UTF8.GetString(CycloneDxWriter.Write(SmallInput() with { Digest = null }));

        StringAssert.Contains(text, "\"bom-ref\": \"app:WebApi@1.2.0\"");
        Assert.IsFalse(text.Contains("pkg:oci", StringComparison.Ordinal));
    }

    [TestMethod]
    public void The_image_purl_follows_the_oci_type()
    {
        Assert.AreEqual($"pkg:oci/webapi@sha256%3A{new string('b', 64)}?arch=amd64&repository_url=ghcr.io/acme/webapi", SmallInput().ImagePurl);
        Assert.AreEqual($"pkg:oci/webapi@sha256%3A{new string('b', 64)}", (SmallInput() with { Registry = null, Architecture = null }).ImagePurl);
    }

    [TestMethod]
    public void Runtimes_come_from_the_base_images_variables_or_from_the_runtime_packs_published()
    {
        CollectionAssert.AreEqual(
            new[] { new DotNetRuntime(DotNetRuntime.NetCoreApp, "10.0.1", DotNetRuntime.FromBaseImage), new DotNetRuntime(DotNetRuntime.AspNetCoreApp, "10.0.1", DotNetRuntime.FromBaseImage) },
            DotNetRuntime.FromBaseImageEnvironment(new Dictionary<string, string> { ["DOTNET_VERSION"] = "10.0.1", ["ASPNET_VERSION"] = "10.0.1", ["APP_UID"] = "1654" }).ToList());
        Assert.IsEmpty(DotNetRuntime.FromBaseImageEnvironment(new Dictionary<string, string> { ["APP_UID"] = "1654" }));

        var packs = DotNetRuntime.FromRuntimePacks(
        [
            new Containerize.Layers.PublishedFileOrigin("Microsoft.NETCore.App.Runtime.linux-x64", "10.0.0", false),
            new Containerize.Layers.PublishedFileOrigin("Microsoft.NETCore.App.Runtime.linux-x64", "10.0.0", false),
            new Containerize.Layers.PublishedFileOrigin("Microsoft.AspNetCore.App.Runtime.linux-x64", "10.0.0", false),
            new Containerize.Layers.PublishedFileOrigin("Newtonsoft.Json", "13.0.3", false),
        ]);
        CollectionAssert.AreEqual(new[] { "Microsoft.AspNetCore.App 10.0.0 pkg:nuget/Microsoft.AspNetCore.App.Runtime.linux-x64@10.0.0", "Microsoft.NETCore.App 10.0.0 pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.0" },
            packs.Select(runtime => $"{runtime.Name} {runtime.Version} {runtime.Purl}").ToList());
    }
}
