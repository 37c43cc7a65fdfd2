using System.Text.Json;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// The NuGet packages of the SBOM, checked against a peer: the CycloneDX .NET tool (dotnet-CycloneDX 6.3.1), run on the
/// same restored project with no network. Both read the restore's assets file, so they must list the same purls; where
/// they classify a package differently (the SBOM's <c>scope: excluded</c> means "no file in the image", the tool's
/// means "a development dependency": a package whose nuspec says developmentDependency, referenced directly or brought
/// only by others of its kind), each difference is expected by name and explained in docs/supply-chain.md, "Compared
/// with the CycloneDX .NET tool".
/// </summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory(TestPasses.Engine28Pass)]
public sealed class SbomPeerTests
{
    /// <summary>
    /// A dozen package references of different kinds: runtime packages with transitive graphs, meta-packages that only
    /// gather others (Microsoft.Data.Sqlite, Swashbuckle.AspNetCore, the latter bringing the build-only
    /// Microsoft.Extensions.ApiDescription.Server), a build-only reference (SourceLink) and a development dependency
    /// (StyleCop.Analyzers), both PrivateAssets="all", beside Containerize itself; and a project reference to a class
    /// library with a package of its own (CsvHelper). Versions whose dependencies the feed serves exactly (no NU1603).
    /// </summary>
    private const string DozenPackages = """
        <PackageReference Include="Humanizer.Core" Version="2.14.1" />
        <PackageReference Include="Serilog.AspNetCore" Version="10.0.0" />
        <PackageReference Include="Microsoft.Data.Sqlite" Version="10.0.0" />
        <PackageReference Include="Polly" Version="8.6.5" />
        <PackageReference Include="Microsoft.Extensions.Http.Polly" Version="10.0.0" />
        <PackageReference Include="Dapper" Version="2.1.66" />
        <PackageReference Include="Newtonsoft.Json" Version="13.0.3" />
        <PackageReference Include="FluentValidation" Version="12.0.0" />
        <PackageReference Include="Swashbuckle.AspNetCore" Version="10.0.1" />
        <PackageReference Include="Microsoft.SourceLink.GitHub" Version="8.0.0" PrivateAssets="all" />
        <PackageReference Include="StyleCop.Analyzers" Version="1.1.118" PrivateAssets="all" />
        <ProjectReference Include="Shapes/Shapes.csproj" />
        """;

    private const string DozenPackagesProgram = """
        var app = WebApplication.CreateBuilder(args).Build();
        app.MapGet("/", () => Humanizer.StringHumanizeExtensions.Humanize("made_with_humanizer") + " " + Shapes.Shape.Name);
        app.Run();

        """;

    /// <param name="name">samples/WebApi, or the web app with a dozen packages this class writes.</param>
    /// <param name="classifiedDifferently">
    /// The packages the SBOM marks as not in the image (scope excluded) that the tool calls required, as
    /// "purl ours=excluded tool=required" (docs/supply-chain.md explains each); any other difference of scope fails.
    /// </param>
    [TestMethod]
    [DataRow("WebApi", new string[0])]
    [DataRow("DozenPackages", new[]
    {
        // A meta-package: lib/netstandard2.0/_._, its three dependencies carry the files.
        "pkg:nuget/Microsoft.Data.Sqlite@10.0.0 ours=excluded tool=required",
        // Build-time OpenAPI document generation (build/*.props, *.targets and tools/ only), brought by Swashbuckle.AspNetCore.
        "pkg:nuget/Microsoft.Extensions.ApiDescription.Server@10.0.0 ours=excluded tool=required",
        // A meta-package: build/Swashbuckle.AspNetCore.props only; Swagger, SwaggerGen and SwaggerUI carry the files.
        "pkg:nuget/Swashbuckle.AspNetCore@10.0.1 ours=excluded tool=required",
    })]
    public void The_NuGet_purls_are_those_the_CycloneDX_tool_reports_for_the_project(string name, string[] classifiedDifferently)
    {
        var tool = TestEnvironment.RequireCycloneDxTool();
        using var cache = new TemporaryFolder();
        using var project = name == "WebApi" ? TestProject.FromSample("WebApi") : WithDozenPackages();
        var repository = $"ctz-sbom-peers/{name.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}";

        project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless",
            "-p:ContainerRegistry=" + TestEnvironment.OpenRegistry, "-p:ContainerRepository=" + repository).ShouldSucceed();

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        var ours = NuGetScopes(report.RootElement.GetProperty("sbom").GetString()!);
        var theirs = NuGetScopes(RunCycloneDxTool(tool, project));

        var onlyOurs = ours.Keys.Except(theirs.Keys).Order(StringComparer.Ordinal).ToList();
        var onlyTheirs = theirs.Keys.Except(ours.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.IsTrue(onlyOurs.Count == 0 && onlyTheirs.Count == 0,
            $"The SBOM and the CycloneDX tool list different NuGet purls.\nOnly in the SBOM:{Lines(onlyOurs)}\nOnly in the tool's:{Lines(onlyTheirs)}");
        Assert.IsTrue(ours.Count > 0, "the SBOM lists at least the Containerize package");

        // The purl sets being equal, the tool's build-only packages (scope excluded) taken out leave what it says the
        // app needs; the SBOM's packages in the image must be those, but for the expected differences.
        var differences = ours.Keys.Where(purl => ours[purl] != theirs[purl])
            .Order(StringComparer.Ordinal).Select(purl => $"{purl} ours={ours[purl]} tool={theirs[purl]}").ToList();
        Assert.IsTrue(differences.SequenceEqual(classifiedDifferently),
            $"The SBOM and the CycloneDX tool classify other packages differently than expected.\n" +
            $"Unexpected:{Lines(differences.Except(classifiedDifferently))}\nExpected but not seen:{Lines(classifiedDifferently.Except(differences))}");
    }

    /// <summary>The web app with a dozen package references and a class library (Shapes/, left out of the app's own items).</summary>
    private static TestProject WithDozenPackages()
    {
        var project = TestProject.Create("SbomPeers", DozenPackagesProgram, sdk: "Microsoft.NET.Sdk.Web",
            properties: "<DefaultItemExcludes>$(DefaultItemExcludes);Shapes/**</DefaultItemExcludes>", items: DozenPackages);
        project.WriteFile("Shapes/Shapes.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Version>2.3.0</Version>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="CsvHelper" Version="33.1.0" />
              </ItemGroup>
            </Project>
            """);
        project.WriteFile("Shapes/Shape.cs", "namespace Shapes;\n\npublic static class Shape\n{\n    public static string Name => \"square\";\n}\n");
        return project;
    }

    /// <summary>
    /// The tool on the project the publish restored, in a network namespace with nothing but loopback (we run as root)
    /// and without its own restore: it reads obj/project.assets.json and the nuspecs of the test's NuGet folder. Its
    /// default keeps development dependencies, with scope excluded (--exclude-dev, deprecated, would drop them).
    /// </summary>
    private static string RunCycloneDxTool(string tool, TestProject project)
    {
        var output = Path.Combine(project.Directory, "cyclonedx-tool");
        var run = ProcessRunner.Run("unshare", ["-n", tool, project.ProjectPath, "--disable-package-restore", "--output-format", "Json", "--spec-version", "1.6",
            "--output", output, "--filename", "bom.json"], project.Directory, new Dictionary<string, string?>
            {
                ["NUGET_PACKAGES"] = PackedPackages.NuGetFolder,
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                ["TMPDIR"] = project.TemporaryDirectory,
            }, TimeSpan.FromMinutes(2)).ShouldSucceed();
        var bom = Path.Combine(output, "bom.json");
        Assert.IsTrue(File.Exists(bom), $"The CycloneDX tool wrote no {bom}. Output:\n{run.Output}");
        return bom;
    }

    private static string Lines(IEnumerable<string> lines) => lines.Any() ? "\n  " + string.Join("\n  ", lines) : " (none)";

    /// <summary>Each pkg:nuget purl of a CycloneDX document, with its scope (required when the component names none).</summary>
    private static Dictionary<string, string> NuGetScopes(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("components").EnumerateArray()
            .Where(component => component.TryGetProperty("purl", out var purl) && purl.GetString()!.StartsWith("pkg:nuget/", StringComparison.Ordinal))
            .ToDictionary(component => component.GetProperty("purl").GetString()!,
                component => component.TryGetProperty("scope", out var scope) ? scope.GetString()! : "required", StringComparer.Ordinal);
    }
}
