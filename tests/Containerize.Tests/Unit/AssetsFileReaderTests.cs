using System.Text;
using Containerize.Diagnostics;
using Containerize.Layers;
using Containerize.Sbom;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Unit;

/// <summary>
/// The restore's assets file as the SBOM reads it. Golden/Sbom/project.assets.json is a real one (SDK 10.0.401,
/// nuget.org), trimmed: an app for net10.0/linux-x64 with Newtonsoft.Json, Humanizer.Core, System.IO.Ports 8.0.0
/// (resolved to 9.0.23; of its 16 runtime.*.runtime.native packages, linux-x64 and linux-arm64 kept),
/// Microsoft.Extensions.Primitives with ExcludeAssets="runtime", Microsoft.SourceLink.GitHub with PrivateAssets="all",
/// and a ProjectReference to Lib 1.2.3.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class AssetsFileReaderTests
{
    private const string Folder = "/nuget/packages/";

    private static byte[] Fixture => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", "Sbom", "project.assets.json"));

    private static NuGetGraph ReadFixture(string? runtimeIdentifier = "linux-x64", Func<string, byte[]?>? readFile = null) =>
        AssetsFileReader.Read(Fixture, "net10.0", runtimeIdentifier, "project.assets.json", readFile);

    private static string Describe(NuGetComponent component) =>
        $"{component.Key} {component.Kind} {(component.InImage ? "in" : "out")} -> [{string.Join(", ", component.DependsOn)}]";

    [TestMethod]
    public void The_rid_target_lists_every_package_and_project_with_what_reaches_the_image_and_the_resolved_edges()
    {
        var graph = ReadFixture();

        CollectionAssert.AreEqual(new[]
        {
            "Humanizer.Core/2.14.1 Package in -> []",
            "Lib/1.2.3 Project in -> []",
            "Microsoft.Build.Tasks.Git/8.0.0 Package out -> []",
            "Microsoft.Extensions.Primitives/8.0.0 Package out -> []",
            "Microsoft.SourceLink.Common/8.0.0 Package out -> []",
            "Microsoft.SourceLink.GitHub/8.0.0 Package out -> [Microsoft.Build.Tasks.Git/8.0.0, Microsoft.SourceLink.Common/8.0.0]",
            "Newtonsoft.Json/13.0.3 Package in -> []",
            "runtime.linux-arm64.runtime.native.System.IO.Ports/9.0.23 Package out -> []",
            "runtime.linux-x64.runtime.native.System.IO.Ports/9.0.23 Package in -> []",
            "runtime.native.System.IO.Ports/9.0.23 Package out -> [runtime.linux-arm64.runtime.native.System.IO.Ports/9.0.23, runtime.linux-x64.runtime.native.System.IO.Ports/9.0.23]",
            "System.IO.Ports/9.0.23 Package in -> [runtime.native.System.IO.Ports/9.0.23]",
        }, graph.Components.Select(Describe).ToList());
    }

    [TestMethod]
    public void The_portable_target_puts_every_rids_native_file_in_the_image()
    {
        var graph = ReadFixture(runtimeIdentifier: null);

        var inImage = graph.Components.Where(component => component.InImage).Select(component => component.Key).ToList();
        CollectionAssert.AreEqual(new[]
        {
            "Humanizer.Core/2.14.1", "Lib/1.2.3", "Newtonsoft.Json/13.0.3",
            "runtime.linux-arm64.runtime.native.System.IO.Ports/9.0.23", "runtime.linux-x64.runtime.native.System.IO.Ports/9.0.23",
            "System.IO.Ports/9.0.23",
        }, inImage);
    }

    [TestMethod]
    public void Direct_references_are_the_projects_own_packages_and_projects_at_their_resolved_versions()
    {
        CollectionAssert.AreEqual(new[]
        {
            "Humanizer.Core/2.14.1", "Lib/1.2.3", "Microsoft.Extensions.Primitives/8.0.0", "Microsoft.SourceLink.GitHub/8.0.0",
            "Newtonsoft.Json/13.0.3", "System.IO.Ports/9.0.23",
        }, ReadFixture().Direct.ToList());
    }

    [TestMethod]
    public void The_sha512_nuget_recorded_becomes_lower_case_hex_and_projects_have_none()
    {
        var graph = ReadFixture();

        // NuGet's content hash of the package (its "sha512"), not the SHA-512 of the signed .nupkg file.
        Assert.AreEqual(
            "1eb0b9057765d3420ff73795fb467ce3c4163c0a02afd3f76c311982e23e8242dc04a00ec62c7fb4b1000070be52f0cd3efe1ad9dd7c94e45e1cc39a80f6becd",
            graph.Components.Single(component => component.Id == "Newtonsoft.Json").Sha512);
        Assert.IsNull(graph.Components.Single(component => component.Id == "Lib").Sha512);
        Assert.AreEqual("../Lib/Lib.csproj", graph.Components.Single(component => component.Id == "Lib").ProjectPath);
        CollectionAssert.AreEqual(new[] { Folder }, graph.PackageFolders.ToList());
    }

    [TestMethod]
    public void Licenses_come_from_each_packages_nuspec_in_the_package_folder()
    {
        var nuspecs = new Dictionary<string, string>
        {
            [Folder + "newtonsoft.json/13.0.3/newtonsoft.json.nuspec"] =
                """<?xml version="1.0" encoding="utf-8"?><package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata minClientVersion="2.12"><id>Newtonsoft.Json</id><license type="expression">MIT</license><licenseUrl>https://licenses.nuget.org/MIT</licenseUrl></metadata></package>""",
            [Folder + "humanizer.core/2.14.1/humanizer.core.nuspec"] =
                """<package xmlns="http://schemas.microsoft.com/packaging/2010/07/nuspec.xsd"><metadata><id>Humanizer.Core</id><licenseUrl>https://github.com/Humanizr/Humanizer/blob/main/LICENSE</licenseUrl></metadata></package>""",
            [Folder + "system.io.ports/9.0.23/system.io.ports.nuspec"] =
                """<package><metadata><license type="file">LICENSE.TXT</license><licenseUrl>https://aka.ms/deprecateLicenseUrl</licenseUrl></metadata></package>""",
        };
        var asked = new List<string>();
        var graph = ReadFixture(readFile: path =>
        {
            asked.Add(path);
            return nuspecs.TryGetValue(path, out var text) ? Encoding.UTF8.GetBytes(text) : null;
        });

        string Licenses(string id) => graph.Components.Single(component => component.Id == id) is var c ? $"{c.LicenseExpression}|{c.LicenseUrl}" : "";
        Assert.AreEqual("MIT|", Licenses("Newtonsoft.Json"));
        Assert.AreEqual("|https://github.com/Humanizr/Humanizer/blob/main/LICENSE", Licenses("Humanizer.Core"));
        Assert.AreEqual("|", Licenses("System.IO.Ports"));
        Assert.AreEqual("|", Licenses("Microsoft.SourceLink.GitHub"));
        Assert.AreEqual("|", Licenses("Lib"));
        Assert.Contains(Folder + "microsoft.sourcelink.github/8.0.0/microsoft.sourcelink.github.nuspec", asked);
        Assert.IsFalse(asked.Any(path => path.Contains("/Lib/", StringComparison.Ordinal)), "A project has no nuspec to read.");
    }

    [TestMethod]
    public void Load_reads_the_assets_file_and_the_nuspec_from_the_disk()
    {
        using var folder = new TemporaryFolder();
        var packages = Path.Combine(folder.Path, "packages");
        Directory.CreateDirectory(Path.Combine(packages, "newtonsoft.json", "13.0.3"));
        File.WriteAllText(Path.Combine(packages, "newtonsoft.json", "13.0.3", "newtonsoft.json.nuspec"),
            """<package><metadata><license type="expression">MIT OR Apache-2.0</license></metadata></package>""");
        var assets = Path.Combine(folder.Path, "project.assets.json");
        File.WriteAllText(assets, Encoding.UTF8.GetString(Fixture).Replace("\"" + Folder + "\"", System.Text.Json.JsonSerializer.Serialize(packages + "/"), StringComparison.Ordinal));

        var graph = AssetsFileReader.Load(assets, "net10.0", "linux-x64");

        Assert.AreEqual("MIT OR Apache-2.0", graph.Components.Single(component => component.Id == "Newtonsoft.Json").LicenseExpression);
        Assert.IsNull(graph.Components.Single(component => component.Id == "Humanizer.Core").LicenseExpression);
    }

    [TestMethod]
    public void A_missing_assets_file_is_CTZ2030()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "project.assets.json");

        var error = Assert.ThrowsExactly<ContainerizeException>(() => AssetsFileReader.Load(path, "net10.0", null));

        Assert.AreEqual("CTZ2030", error.Diagnostic.Code);
        StringAssert.Contains(error.Diagnostic.Message, path);
    }

    [TestMethod]
    public void Text_that_is_not_json_is_CTZ2030()
    {
        var error = Assert.ThrowsExactly<ContainerizeException>(() => AssetsFileReader.Read("{\"targets\": "u8.ToArray(), "net10.0", null, "obj/project.assets.json"));

        Assert.AreEqual("CTZ2030", error.Diagnostic.Code);
        StringAssert.Contains(error.Diagnostic.Message, "obj/project.assets.json cannot be read: it is not valid JSON");
    }

    [TestMethod]
    public void A_byte_order_mark_before_the_json_is_skipped()
    {
        var graph = AssetsFileReader.Read(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Fixture).ToArray(), "net10.0", "linux-x64", "project.assets.json");

        Assert.HasCount(11, graph.Components);
    }

    [TestMethod]
    public void Json_without_targets_is_CTZ2030()
    {
        var error = Assert.ThrowsExactly<ContainerizeException>(() => AssetsFileReader.Read("[1, 2]"u8.ToArray(), "net10.0", null, "a.json"));

        Assert.AreEqual("CTZ2030", error.Diagnostic.Code);
        StringAssert.Contains(error.Diagnostic.Message, "no \"targets\" object");
    }

    [TestMethod]
    public void A_target_the_restore_did_not_make_is_CTZ2031_naming_those_it_has()
    {
        var error = Assert.ThrowsExactly<ContainerizeException>(() => AssetsFileReader.Read(Fixture, "net10.0", "linux-arm64", "project.assets.json"));

        Assert.AreEqual("CTZ2031", error.Diagnostic.Code);
        StringAssert.Contains(error.Diagnostic.Message, "for 'net10.0/linux-arm64'");
        StringAssert.Contains(error.Diagnostic.Message, "(it has: net10.0, net10.0/linux-x64)");
    }

    [TestMethod]
    public void An_older_restores_full_framework_name_is_found_from_the_short_one()
    {
        var json = """
            {
              "targets": { ".NETCoreApp,Version=v8.0/linux-x64": { "A/1.0.0": { "type": "package", "runtime": { "lib/net8.0/A.dll": {} } } } },
              "projectFileDependencyGroups": { ".NETCoreApp,Version=v8.0": [ "A >= 1.0.0" ] }
            }
            """u8.ToArray();

        var graph = AssetsFileReader.Read(json, "net8.0", "linux-x64", "a.json");

        Assert.AreEqual("A/1.0.0", graph.Components.Single().Key);
        CollectionAssert.AreEqual(new[] { "A/1.0.0" }, graph.Direct.ToList());
    }

    [TestMethod]
    public void Resources_and_content_files_copied_to_the_output_count_and_placeholders_do_not()
    {
        var json = """
            {
              "targets": { "net10.0": {
                "Resources/1.0.0": { "type": "package", "resource": { "lib/net8.0/fr/R.resources.dll": { "locale": "fr" } } },
                "Content/1.0.0": { "type": "package", "contentFiles": { "contentFiles/any/any/data.txt": { "buildAction": "None", "copyToOutput": true, "outputPath": "data.txt" } } },
                "ContentNotCopied/1.0.0": { "type": "package", "contentFiles": { "contentFiles/any/any/x.cs": { "buildAction": "Compile", "copyToOutput": false } } },
                "Placeholders/1.0.0": { "type": "package", "runtime": { "lib/net8.0/_._": {} }, "native": { "_._": {} }, "compile": { "lib/net8.0/P.dll": {} } },
                "Analyzer/1.0.0": { "type": "package", "build": { "build/A.targets": {} } },
                "NoOutput/1.0.0": { "type": "project", "framework": ".NETCoreApp,Version=v10.0" }
              } }
            }
            """u8.ToArray();

        var graph = AssetsFileReader.Read(json, "net10.0", null, "a.json");

        CollectionAssert.AreEqual(new[] { "Analyzer/1.0.0 out", "Content/1.0.0 in", "ContentNotCopied/1.0.0 out", "NoOutput/1.0.0 out", "Placeholders/1.0.0 out", "Resources/1.0.0 in" },
            graph.Components.Select(component => $"{component.Key} {(component.InImage ? "in" : "out")}").ToList());
    }

    [TestMethod]
    public void Odd_shapes_in_a_well_formed_file_are_skipped_not_thrown()
    {
        var json = """
            {
              "targets": { "net10.0": {
                "NoSlash": {},
                "A/1.0.0": "not an object",
                "B/2.0.0": { "type": 5, "dependencies": [ "x" ], "runtime": [] },
                "C/3.0.0": { "dependencies": { "B": 7, "Pruned.Package": "1.0.0" } }
              } },
              "libraries": { "B/2.0.0": { "sha512": "not base64!", "path": 3 }, "C/3.0.0": { "sha512": "AAAA", "path": "../../etc" } },
              "packageFolders": [ "x" ],
              "projectFileDependencyGroups": { "net10.0": [ 1, "", "C" ] }
            }
            """u8.ToArray();

        var graph = AssetsFileReader.Read(json, "net10.0", null, "a.json", _ => throw new AssertFailedException("No nuspec path may be tried."));

        CollectionAssert.AreEqual(new[] { "B/2.0.0 Package out -> []", "C/3.0.0 Package out -> [B/2.0.0]" }, graph.Components.Select(Describe).ToList());
        Assert.IsNull(graph.Components[0].Sha512);
        Assert.IsNull(graph.Components[1].Sha512, "A hash that is not 64 bytes is no SHA-512.");
        CollectionAssert.AreEqual(new[] { "C/3.0.0" }, graph.Direct.ToList());
        Assert.IsEmpty(graph.PackageFolders);
    }

    [TestMethod]
    public void The_publish_output_decides_which_packages_are_in_the_image_when_given()
    {
        var graph = ReadFixture().WithPublishedFiles(
        [
            new PublishedFileOrigin("newtonsoft.json", "13.0.3", false),
            new PublishedFileOrigin("Microsoft.Extensions.Primitives", "8.0.0", false),
            new PublishedFileOrigin("", "", true),
        ]);

        CollectionAssert.AreEqual(new[] { "Lib/1.2.3", "Microsoft.Extensions.Primitives/8.0.0", "Newtonsoft.Json/13.0.3" },
            graph.Components.Where(component => component.InImage).Select(component => component.Key).ToList());
    }

    [TestMethod]
    public void A_nuspec_that_is_not_xml_or_has_a_dtd_gives_no_license()
    {
        Assert.IsNull(NuspecLicense.Parse("not xml"u8.ToArray()));
        Assert.IsNull(NuspecLicense.Parse("""<!DOCTYPE package [<!ENTITY x "MIT">]><package><metadata><license type="expression">&x;</license></metadata></package>"""u8.ToArray()));
        Assert.AreEqual(new NuspecLicense(null, null), NuspecLicense.Parse("<package />"u8.ToArray()));
    }
}
