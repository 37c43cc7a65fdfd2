using System.Formats.Tar;
using System.Text.Json.Nodes;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// The packed package in MSBuild's hands, with no engine (daemonless, to archives or the test registry): one framework
/// in TargetFrameworks, dotnet clean, settings from Directory.Build.targets, the SDK's own container targets in the
/// same build, the files a publish produced, and the image's creation time from the source's last commit.
/// </summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory(TestPasses.Engine28Pass)]
public sealed class MSBuildWiringTests
{
    private const string Program = "Console.WriteLine(\"wired\");\n";

    private static ProcessResult PublishDaemonless(TestProject project, TemporaryFolder cache, params string[] arguments) =>
        project.Publish(TestEnvironment.NoEngine(cache), ["-p:Containerize=true", "-p:ContainerizeBackend=daemonless", .. arguments]);

    /// <summary>The config of the image in a docker archive.</summary>
    private static JsonObject ArchiveConfig(string archive)
    {
        var entries = new Dictionary<string, byte[]>();
        using (var reader = new TarReader(File.OpenRead(archive)))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is not null)
                {
                    using var copy = new MemoryStream();
                    entry.DataStream.CopyTo(copy);
                    entries[entry.Name] = copy.ToArray();
                }
            }
        }

        var manifest = JsonNode.Parse(entries["manifest.json"])!.AsArray()[0]!;
        return JsonNode.Parse(entries[manifest["Config"]!.GetValue<string>()])!.AsObject();
    }

    /// <summary>The label lines of the generated Dockerfile.</summary>
    private static string[] Labels(string contextDirectory) =>
        File.ReadAllLines(Path.Combine(contextDirectory, "Dockerfile")).Where(line => line.Contains("\"=\"", StringComparison.Ordinal)).ToArray();

    /// <summary>Warning lines with this code, each once (MSBuild repeats them in its summary).</summary>
    private static List<string> Warnings(ProcessResult result, string code) =>
        result.Output.Split('\n').Select(line => line.Trim()).Where(line => line.Contains("warning " + code, StringComparison.Ordinal)).Distinct().ToList();

    private static void UseTargetFrameworks(TestProject project, string frameworks) =>
        File.WriteAllText(project.ProjectPath, File.ReadAllText(project.ProjectPath)
            .Replace("<TargetFramework>net10.0</TargetFramework>", $"<TargetFrameworks>{frameworks}</TargetFrameworks>"));

    [TestMethod]
    public void OneFrameworkInTargetFrameworksIsContainerizedAsWithTargetFramework()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("OneFramework", "one-framework");
        UseTargetFrameworks(project, "net10.0");

        var published = PublishDaemonless(project, cache, "-p:ContainerArchiveOutputPath=image.tar", "-getProperty:ContainerImageId").ShouldSucceed();
        var generated = project.Dotnet(["build", project.ProjectPath, "-t:GenerateDockerfile", "-p:ContainerizeBackend=daemonless", "-getProperty:ContainerDockerfilePath"],
            TestEnvironment.NoEngine(cache)).ShouldSucceed();

        StringAssert.StartsWith(published.Output.Trim(), "sha256:");
        Assert.IsTrue(File.Exists(Path.Combine(project.Directory, "image.tar")));
        Assert.AreEqual(Path.Combine(project.Directory, "Dockerfile"), generated.Output.Trim());
        Assert.AreEqual("FROM " + TestEnvironment.TinyBase, File.ReadAllLines(Path.Combine(project.Directory, "Dockerfile")).First(line => line.StartsWith("FROM ", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void SeveralFrameworksGiveCTZ1002ForGenerateDockerfileAndLeaveALibraryAlone()
    {
        using var app = TestProject.Create("SeveralFrameworks", Program);
        UseTargetFrameworks(app, "net10.0;net9.0");
        using var library = TestProject.Create("SeveralFrameworksLibrary", "", outputType: "Library");
        UseTargetFrameworks(library, "net10.0;net9.0");

        var result = app.Dotnet(["build", app.ProjectPath, "-t:GenerateDockerfile"]);
        var libraryResult = library.Dotnet(["build", library.ProjectPath, "-t:Containerize", "-t:GenerateDockerfile"]).ShouldSucceed();

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ1002: The project targets several frameworks (net10.0;net9.0). Choose the one to containerize with -f");
        Assert.IsFalse(result.Output.Contains("MSB4057", StringComparison.Ordinal), result.Output);
        Assert.IsFalse(libraryResult.Output.Contains("CTZ", StringComparison.Ordinal), libraryResult.Output);
    }

    [TestMethod]
    public void DotnetCleanRemovesTheContextFolderAndTheArchiveItWrote()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("CleanedUp", "cleaned-up");
        var archive = Path.Combine(project.Directory, "artifacts", "image.tar");
        PublishDaemonless(project, cache, "-p:ContainerArchiveOutputPath=artifacts/image.tar").ShouldSucceed();
        Assert.IsTrue(File.Exists(archive));
        Assert.IsTrue(File.Exists(Path.Combine(project.ContextDirectory, "layers", "5-app", "CleanedUp.dll")));

        project.Dotnet(["clean", project.ProjectPath, "-c", "Release"]).ShouldSucceed();

        Assert.IsFalse(Directory.Exists(project.ContextDirectory), "the staged context");
        Assert.IsFalse(File.Exists(archive), "the archive, though the clean was not told its path");
        Assert.IsFalse(File.Exists(Path.Combine(project.Directory, "obj", "Release", "net10.0", "containerize.files.txt")));
        Assert.IsTrue(File.Exists(project.ProjectPath));
    }

    [TestMethod]
    public void ARegistrySetInDirectoryBuildTargetsIsPushedToWithATagSetByAContainerizeDependsOnTarget()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("LateRegistry", "ctz-msbuild/late-registry");
        project.WriteFile("Directory.Build.targets", $"""
            <Project>
              <PropertyGroup>
                <ContainerRegistry>{TestEnvironment.OpenRegistry}</ContainerRegistry>
                <ContainerizeDependsOn>$(ContainerizeDependsOn);SetLateTag</ContainerizeDependsOn>
              </PropertyGroup>
              <Target Name="SetLateTag">
                <PropertyGroup><ContainerImageTag>late</ContainerImageTag></PropertyGroup>
              </Target>
            </Project>
            """);

        var digest = PublishDaemonless(project, cache, "-getProperty:ContainerImageDigest").ShouldSucceed().Output.Trim();

        StringAssert.StartsWith(digest, "sha256:", "ContainerPush defaults to true for a registry set after the package's targets");
        Assert.AreEqual(digest, Skopeo.Digest($"{TestEnvironment.OpenRegistry}/ctz-msbuild/late-registry:late"));
    }

    [TestMethod]
    public void TheSdksOwnContainerTargetsInTheSameBuildLeakNothingIntoContainerize()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("SdkNeighbour", Program);

        var result = project.Publish(TestEnvironment.NoEngine(cache), "-t:ComputeContainerConfig", "-t:Containerize", "-p:ContainerizeBackend=daemonless",
            "-p:ContainerArchiveOutputPath=image.tar", "-getProperty:ContainerImageTag", "-getProperty:ContainerRepository", "-getProperty:ContainerBaseImage").ShouldSucceed();

        var sdkValues = JsonNode.Parse(result.Output)!["Properties"]!;
        Assert.AreEqual("latest", sdkValues["ContainerImageTag"]!.GetValue<string>(), "the SDK's targets ran and wrote their values");
        Assert.AreEqual("sdkneighbour", sdkValues["ContainerRepository"]!.GetValue<string>());
        StringAssert.StartsWith(sdkValues["ContainerBaseImage"]!.GetValue<string>(), "mcr.microsoft.com/");
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")))!;
        CollectionAssert.AreEqual(new[] { "sdk-neighbour:1.0.0", "sdk-neighbour:latest" }, report["references"]!.AsArray().Select(node => node!.GetValue<string>()).ToArray());
        Assert.AreEqual($"{TestEnvironment.BaseRegistry}/dotnet/runtime:10.0", report["base"]!["name"]!.GetValue<string>());
        var labels = Labels(project.ContextDirectory);
        Assert.IsFalse(labels.Any(line => line.Contains("created", StringComparison.Ordinal) || line.Contains("net.dot.", StringComparison.Ordinal)), string.Join("\n", labels));
    }

    [TestMethod]
    public void AFileLeftInThePublishFolderIsLeftOutAndNamedInOneWarning()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("LeftOver", "left-over");
        var first = PublishDaemonless(project, cache, "-p:ContainerArchiveOutputPath=image.tar", "-getProperty:ContainerImageId").ShouldSucceed().Output.Trim();
        project.WriteFile("bin/Release/net10.0/publish/Removed.Package.dll", "from an earlier publish");
        project.WriteFile("bin/Release/net10.0/publish/notes/by-hand.txt", "put there by hand");

        var second = PublishDaemonless(project, cache, "-p:ContainerArchiveOutputPath=image.tar").ShouldSucceed();
        // The warning comes again (on standard error, before the value): the files are still there.
        var again = PublishDaemonless(project, cache, "-p:ContainerArchiveOutputPath=image.tar", "-getProperty:ContainerImageId").ShouldSucceed().Output.Trim().Split('\n').Last();

        var warnings = Warnings(second, "CTZ1070");
        Assert.HasCount(1, warnings, second.Output);
        StringAssert.Contains(warnings[0], $"The publish folder '{Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish")}/' holds 2 file(s) that this publish did not produce, left out of the image: Removed.Package.dll, notes/by-hand.txt.");
        Assert.AreEqual(first, again, "the same image as before the files appeared");
        Assert.IsFalse(File.Exists(Path.Combine(project.ContextDirectory, "layers", "5-app", "Removed.Package.dll")));
    }

    [TestMethod]
    public void AWebAppKeepsItsStaticAssetsAndWebConfigWithNoWarning()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("WiredWeb", "var app = WebApplication.CreateBuilder(args).Build();\napp.UseStaticFiles();\napp.Run();\n", sdk: "Microsoft.NET.Sdk.Web",
            properties: $"<ContainerRepository>wired-web</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>");
        project.WriteFile("wwwroot/index.html", "<p>static</p>\n");

        var result = PublishDaemonless(project, cache, "-p:ContainerArchiveOutputPath=image.tar").ShouldSucceed();

        Assert.IsFalse(result.Output.Contains("CTZ1070", StringComparison.Ordinal), result.Output);
        var app = Path.Combine(project.ContextDirectory, "layers", "5-app");
        Assert.IsTrue(File.Exists(Path.Combine(app, "wwwroot", "index.html")), "a static web asset");
        Assert.IsTrue(File.Exists(Path.Combine(app, "web.config")), "the Publish SDK's web.config");
        Assert.IsTrue(File.Exists(Path.Combine(app, "WiredWeb.staticwebassets.endpoints.json")));
    }

    [TestMethod]
    public void AFileLeftInAPerRuntimePublishFolderIsLeftOutOfThatPlatform()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("PerRidLeftOver", Program,
            properties: $"<ContainerRepository>per-rid-left-over</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{TestEnvironment.MultiPlatformBase}</ContainerBaseImage>"
                + "<RuntimeIdentifier>linux-x64</RuntimeIdentifier><RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers><UseAppHost>false</UseAppHost>");
        string[] arguments = ["-p:ContainerRuntimeIdentifiers=linux-x64%3Blinux-arm64", "-p:ContainerArchiveOutputPath=image.tar", "-p:ContainerArchiveFormat=oci"];
        PublishDaemonless(project, cache, arguments).ShouldSucceed();
        project.WriteFile("bin/Release/net10.0/linux-arm64/publish/Removed.Package.dll", "from an earlier publish");

        var result = PublishDaemonless(project, cache, arguments).ShouldSucceed();

        var warnings = Warnings(result, "CTZ1070");
        Assert.HasCount(1, warnings, result.Output);
        StringAssert.Contains(warnings[0], $"The publish folder '{Path.Combine(project.Directory, "bin", "Release", "net10.0", "linux-arm64", "publish")}/' holds 1 file(s) that this publish did not produce, left out of the image: Removed.Package.dll.");
    }

    [TestMethod]
    public void InAGitRepositoryTheImageIsCreatedAtTheLastCommitAndItsFilesAtTheEpoch()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("Committed", "committed");
        var environment = new Dictionary<string, string?> { ["GIT_COMMITTER_DATE"] = "@1700000000 +0000", ["GIT_AUTHOR_DATE"] = "@1700000000 +0000" };
        ProcessRunner.Run("git", ["init", "-q"], project.Directory).ShouldSucceed();
        ProcessRunner.Run("git", ["add", "."], project.Directory).ShouldSucceed();
        ProcessRunner.Run("git", ["-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-q", "-m", "first"], project.Directory, environment).ShouldSucceed();
        project.WriteFile("Program.cs", "Console.WriteLine(\"not committed yet\");\n");

        PublishDaemonless(project, cache, "-p:ContainerArchiveOutputPath=image.tar").ShouldSucceed();

        var config = ArchiveConfig(Path.Combine(project.Directory, "image.tar"));
        Assert.AreEqual("2023-11-14T22:13:20Z", config["created"]!.GetValue<string>());
        Assert.AreEqual("2023-11-14T22:13:20Z", config["config"]!["Labels"]!["org.opencontainers.image.created"]!.GetValue<string>());
        Assert.AreEqual("2023-11-14T22:13:20Z", config["history"]!.AsArray().Last()!["created"]!.GetValue<string>());
        using var layer = new TarReader(new System.IO.Compression.GZipStream(File.OpenRead(Directory.GetFiles(Path.Combine(project.ContextDirectory, "oci", "layers"), "*.tar.gz").First()), System.IO.Compression.CompressionMode.Decompress));
        Assert.AreEqual(DateTimeOffset.UnixEpoch, layer.GetNextEntry()!.ModificationTime, "file times stay at the epoch");
    }
}
