using System.Text.Json;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// The daemonless backend, with no engine to ask: DOCKER_HOST points at a port where nothing listens, so any engine
/// call would fail. Results are checked with skopeo and, where an image must run, with the real engine afterwards.
/// </summary>
[TestClass]
[TestCategory("Integration")]
public sealed class DaemonlessTests
{
    private static string Registry => TestEnvironment.OpenRegistry + "/ctz-dl";

    private static string Publish(TestProject project, TemporaryFolder cache, params string[] arguments) =>
        project.Publish(TestEnvironment.NoEngine(cache), ["-p:Containerize=true", "-p:ContainerizeBackend=daemonless", .. arguments, "-getProperty:ContainerImageDigest"])
            .ShouldSucceed().Output.Trim();

    private static string[] ManifestLayers(string reference)
    {
        using var manifest = JsonDocument.Parse(ProcessRunner.Run("skopeo", ["inspect", "--tls-verify=false", "--raw", "docker://" + reference]).ShouldSucceed().Output);
        return manifest.RootElement.GetProperty("layers").EnumerateArray().Select(layer => layer.GetProperty("digest").GetString()!).ToArray();
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void HelloDockerIsPushedWithNoEngineAndRunsWhenPulled()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.FromSample("HelloDocker");
        var reference = project.Track($"{Registry}/hello-docker:1.0.0");

        var digest = Publish(project, cache, "-p:ContainerRegistry=" + Registry);

        Assert.AreEqual(digest, Skopeo.Digest(reference));
        var config = Skopeo.Inspect(reference, config: true);
        Assert.AreEqual("1654", config.GetProperty("config").GetProperty("User").GetString());
        Assert.AreEqual("/app", config.GetProperty("config").GetProperty("WorkingDir").GetString());
        CollectionAssert.AreEqual(new[] { "dotnet", "/app/HelloDocker.dll" }, DockerCli.Strings(config.GetProperty("config").GetProperty("Entrypoint")));
        Assert.AreEqual("1970-01-01T00:00:00Z", config.GetProperty("created").GetString());
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        Assert.AreEqual("daemonless", report.RootElement.GetProperty("backend").GetString());
        CollectionAssert.AreEqual(new[] { "linux/amd64" }, DockerCli.Strings(report.RootElement.GetProperty("platforms")));
        DockerCli.Run("pull", "-q", reference).ShouldSucceed();
        Assert.AreEqual("Hello from Docker!\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
    }

    [TestMethod]
    public void WebApiGetsItsPortAndTheAspNetBaseWithNoEngine()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.FromSample("WebApi");

        Publish(project, cache, "-p:ContainerRegistry=" + Registry);

        var config = Skopeo.Inspect($"{Registry}/web-api:1.0.0", config: true).GetProperty("config");
        CollectionAssert.AreEqual(new[] { "8080/tcp" }, config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual($"{TestEnvironment.BaseRegistry}/dotnet/aspnet:10.0", config.GetProperty("Labels").GetProperty("org.opencontainers.image.base.name").GetString());
        CollectionAssert.Contains(DockerCli.Strings(config.GetProperty("Env")), "ASPNETCORE_HTTP_PORTS=8080");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void BothBackendsMakeTheSameConfigFromTheSameSpec()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.FromSample("WebApi");
        var engineImage = project.Track("ctz-backends:engine");
        string[] spec = ["-p:ContainerEnvironmentVariables=MODE=compare", "-p:ContainerHealthCheck=dotnet%3B/app/WebApi.dll%3B--health",
            "-p:ContainerHealthCheckInterval=10s", "-p:ContainerHealthCheckTimeout=500ms", "-p:ContainerHealthCheckStartPeriod=1m", "-p:ContainerHealthCheckRetries=3"];
        project.Publish(["-p:Containerize=true", "-p:ContainerizeBackend=docker", "-p:ContainerRepository=ctz-backends", "-p:ContainerImageTag=engine", .. spec]).ShouldSucceed();

        Publish(project, cache, ["-p:ContainerRegistry=" + Registry, "-p:ContainerRepository=ctz-backends", "-p:ContainerImageTag=daemonless", .. spec]);

        var byEngine = DockerCli.InspectImage(engineImage).GetProperty("Config");
        var daemonless = Skopeo.Inspect($"{Registry}/ctz-backends:daemonless", config: true).GetProperty("config");
        Assert.AreNotEqual("absent", ImageConfigFields.Normalized(daemonless, "Healthcheck"), "the health check reaches the daemonless image");
        foreach (var field in ImageConfigFields.Compared)
        {
            Assert.AreEqual(ImageConfigFields.Normalized(byEngine, field), ImageConfigFields.Normalized(daemonless, field), field);
        }
    }

    [TestMethod]
    public void TwoClonesGiveByteIdenticalManifestsAndDigests()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var first = TestProject.FromSample("HelloDocker");
        using var second = TestProject.FromSample("HelloDocker");

        var one = Publish(first, cache, "-p:ContainerRegistry=" + Registry, "-p:ContainerRepository=repro-one", $"-p:PathMap={first.Directory}=/src");
        var two = Publish(second, cache, "-p:ContainerRegistry=" + Registry, "-p:ContainerRepository=repro-one", "-p:ContainerImageTag=second", $"-p:PathMap={second.Directory}=/src");

        Assert.AreNotEqual(first.Directory, second.Directory);
        Assert.AreEqual(one, two);
        var raw = ProcessRunner.Run("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Registry}/repro-one:1.0.0"]).ShouldSucceed().Output;
        Assert.AreEqual(raw, ProcessRunner.Run("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Registry}/repro-one:second"]).ShouldSucceed().Output);
    }

    [TestMethod]
    public void ACodeChangeAddsExactlyOneNewLayer()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("DlChange", "Console.WriteLine(\"one\");\n",
            properties: "<ContainerRepository>dl-change</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>",
            items: "<PackageReference Include=\"Humanizer.Core\" Version=\"2.14.1\" />");
        Publish(project, cache, "-p:ContainerRegistry=" + Registry);
        var before = ManifestLayers($"{Registry}/dl-change:1.0.0");

        project.WriteFile("Program.cs", "Console.WriteLine(\"two\");\n");
        Publish(project, cache, "-p:ContainerRegistry=" + Registry);

        var after = ManifestLayers($"{Registry}/dl-change:1.0.0");
        Assert.AreEqual(before.Length, after.Length);
        Assert.AreEqual(1, after.Except(before).Count(), "one new layer blob");
        CollectionAssert.AreEqual(before[..^1], after[..^1]);
    }

    [TestMethod]
    public void AnUnchangedImageTakesOneRegistryRequestAndANewTagUploadsNoBlob()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var proxy = new RegistryProxy(int.Parse(TestEnvironment.OpenRegistry.Split(':')[1]));
        using var project = TestProject.OnTinyBase("DlUnchanged", "dl-unchanged");
        var registry = proxy.Host + "/ctz-dl";
        var first = Publish(project, cache, "-p:ContainerRegistry=" + registry);
        var requestsAfterFirst = proxy.Requests.Count;

        var second = Publish(project, cache, "-p:ContainerRegistry=" + registry);
        var upToDateRequests = proxy.Requests.Skip(requestsAfterFirst).ToList();
        var uploadsBefore = proxy.BlobUploads.Count;
        var bytesBefore = proxy.BytesSent;
        Publish(project, cache, "-p:ContainerRegistry=" + registry, "-p:ContainerImageTag=again");

        Assert.AreEqual(first, second);
        Assert.AreEqual(1, upToDateRequests.Count, string.Join("\n", upToDateRequests));
        StringAssert.StartsWith(upToDateRequests[0], "HEAD /v2/ctz-dl/dl-unchanged/manifests/1.0.0");
        Assert.AreEqual(uploadsBefore, proxy.BlobUploads.Count, "no blob was uploaded for the new tag");
        Assert.IsTrue(proxy.BytesSent - bytesBefore < 16 * 1024, $"{proxy.BytesSent - bytesBefore} bytes sent");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void AnArchiveIsWrittenThatDockerLoadAccepts()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var output = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("DlArchive", "dl-archive");
        project.Track("dl-archive:1.0.0");
        var archive = Path.Combine(output.Path, "image.tar");

        Publish(project, cache, "-p:ContainerArchiveOutputPath=" + archive);

        StringAssert.Contains(DockerCli.Run("load", "-i", archive).ShouldSucceed().Output, "Loaded image: dl-archive:1.0.0");
        Assert.AreEqual("1654", DockerCli.InspectImage("dl-archive:1.0.0").GetProperty("Config").GetProperty("User").GetString());
        Assert.AreEqual(0, DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "sh", "dl-archive:1.0.0", "-c", "test -f /app/DlArchive.dll").ExitCode, "the app is in /app");
    }

    [TestMethod]
    public void AnOciLayoutArchiveIsValid()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var output = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("DlOci", "dl-oci");
        var archive = Path.Combine(output.Path, "image-oci.tar");

        Publish(project, cache, "-p:ContainerArchiveOutputPath=" + archive, "-p:ContainerArchiveFormat=oci");

        var inspected = JsonDocument.Parse(ProcessRunner.Run("skopeo", ["inspect", "--config", "oci-archive:" + archive + ":1.0.0"]).ShouldSucceed().Output).RootElement;
        Assert.AreEqual("1654", inspected.GetProperty("config").GetProperty("User").GetString());
    }

    [TestMethod]
    public void ACorruptedCachedBlobIsDetectedAndFetchedAgain()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var output = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("DlCache", "dl-cache");
        var archive = Path.Combine(output.Path, "image.tar");
        Publish(project, cache, "-p:ContainerArchiveOutputPath=" + archive);
        var cached = Directory.GetFiles(Path.Combine(cache.Path, "containerize", "blobs", "sha256")).OrderByDescending(f => new FileInfo(f).Length).First();
        File.WriteAllText(cached, "damaged");
        File.Delete(archive);

        var result = project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerArchiveOutputPath=" + archive, "-v:n").ShouldSucceed();

        StringAssert.Contains(result.Output, $"The cached blob {cached} does not match its digest");
        Assert.AreEqual("sha256:" + Path.GetFileName(cached), "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(cached))).ToLowerInvariant());
        StringAssert.Contains(DockerCli.Run("load", "-i", archive).ShouldSucceed().Output, "Loaded image: dl-cache:1.0.0");
        DockerCli.Run("rmi", "-f", "dl-cache:1.0.0");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void WithAnEngineAndNoRegistryTheImageIsLoadedIntoTheEngine()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.FromSample("HelloDocker");
        var reference = project.Track("dl-loaded:1.0.0");

        string[] arguments = ["-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerRepository=dl-loaded", "-p:ContainerImageTag=1.0.0"];
        var environment = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cache.Path };
        var imageId = project.Publish(environment, [.. arguments, "-getProperty:ContainerImageId"]).ShouldSucceed().Output.Trim();

        Assert.AreEqual("Hello from Docker!\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
        Assert.AreEqual(DockerCli.InspectImage(reference).GetProperty("Id").GetString(), imageId, "the id the engine gave the loaded image");
        StringAssert.Contains(project.Publish(environment, [.. arguments, "-v:n"]).ShouldSucceed().Output, $"{reference} is up to date ({imageId}).");
    }

    [TestMethod]
    public void AutoWithNoEngineAnywhereIsDaemonless()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("DlAuto", "dl-auto");
        project.Dotnet(["restore", project.ProjectPath]).ShouldSucceed();

        // The default socket is hidden in a mount namespace of the build's own: /var/run is a fresh tmpfs there.
        var result = ProcessRunner.Run("unshare", ["-m", "sh", "-c", "mount -t tmpfs none /var/run && exec \"$@\"", "sh",
                "dotnet", "publish", project.ProjectPath, "--no-restore", "-p:Containerize=true", "-p:ContainerRegistry=" + Registry,
                "-p:ContainerBaseRegistry=" + TestEnvironment.BaseRegistry, "-getProperty:ContainerImageDigest"],
            project.Directory,
            new Dictionary<string, string?>
            {
                ["NUGET_PACKAGES"] = PackedPackages.NuGetFolder,
                ["XDG_CACHE_HOME"] = cache.Path,
                ["XDG_RUNTIME_DIR"] = cache.Path,
                ["DOCKER_HOST"] = null,
                ["DOCKER_CONTEXT"] = null,
                ["DOCKER_CONFIG"] = cache.Path,
            },
            TimeSpan.FromMinutes(5)).ShouldSucceed();

        Assert.AreEqual(result.Output.Trim(), Skopeo.Digest($"{Registry}/dl-auto:1.0.0"));
    }

    [TestMethod]
    public void TwoPlatformsMakeOneIndexWithAnImageForEach()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("DlMulti", "Console.WriteLine();\n",
            properties: $"<ContainerRepository>dl-multi</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{TestEnvironment.MultiPlatformBase}</ContainerBaseImage>");

        var digest = Publish(project, cache, "-p:ContainerRegistry=" + Registry, "-p:ContainerRuntimeIdentifiers=linux-x64%3Blinux-arm64");

        var raw = ProcessRunner.Run("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Registry}/dl-multi:1.0.0"]).ShouldSucceed().Output.TrimEnd('\n');
        Assert.AreEqual(digest, "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw))).ToLowerInvariant());
        using var index = JsonDocument.Parse(raw);
        var platforms = index.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(entry => entry.GetProperty("platform").GetProperty("os").GetString() + "/" + entry.GetProperty("platform").GetProperty("architecture").GetString())
            .ToArray();
        CollectionAssert.AreEqual(new[] { "linux/amd64", "linux/arm64" }, platforms);
        foreach (var (architecture, variant) in new[] { ("amd64", ""), ("arm64", "v8") })
        {
            var arguments = new List<string> { "inspect", "--tls-verify=false", "--config", "--override-os", "linux", "--override-arch", architecture };
            if (variant.Length > 0)
            {
                arguments.AddRange(["--override-variant", variant]);
            }

            using var config = JsonDocument.Parse(ProcessRunner.Run("skopeo", [.. arguments, $"docker://{Registry}/dl-multi:1.0.0"]).ShouldSucceed().Output);
            Assert.AreEqual(architecture, config.RootElement.GetProperty("architecture").GetString());
            Assert.AreEqual("1654", config.RootElement.GetProperty("config").GetProperty("User").GetString());
            CollectionAssert.AreEqual(new[] { "dotnet", "/app/DlMulti.dll" }, DockerCli.Strings(config.RootElement.GetProperty("config").GetProperty("Entrypoint")));
        }
    }

    [TestMethod]
    public void TwoPlatformsGoToAnOciLayoutArchiveAsAnIndex()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var output = new TemporaryFolder();
        using var project = TestProject.Create("DlMultiArchive", "Console.WriteLine();\n",
            properties: $"<ContainerRepository>dl-multi-archive</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{TestEnvironment.MultiPlatformBase}</ContainerBaseImage>");
        var archive = Path.Combine(output.Path, "multi.tar");

        Publish(project, cache, "-p:ContainerArchiveOutputPath=" + archive, "-p:ContainerArchiveFormat=oci", "-p:ContainerRuntimeIdentifiers=linux-x64%3Blinux-arm64");

        foreach (var architecture in new[] { "amd64", "arm64" })
        {
            using var config = JsonDocument.Parse(ProcessRunner.Run("skopeo",
                ["inspect", "--config", "--override-os", "linux", "--override-arch", architecture, $"oci-archive:{archive}:1.0.0"]).ShouldSucceed().Output);
            Assert.AreEqual(architecture, config.RootElement.GetProperty("architecture").GetString());
            Assert.AreEqual("/app", config.RootElement.GetProperty("config").GetProperty("WorkingDir").GetString());
        }
    }

    [TestMethod]
    public void ABaseIndexWithoutThePlatformIsCTZ2010()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("DlNoPlatform", "Console.WriteLine();\n",
            properties: $"<ContainerRepository>dl-no-platform</ContainerRepository><ContainerBaseImage>{TestEnvironment.MultiPlatformBase}</ContainerBaseImage>");

        var result = project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerRegistry=" + Registry,
            "-p:ContainerRuntimeIdentifiers=linux-arm");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ2010: The base image {TestEnvironment.MultiPlatformBase} has no image for linux/arm/v7.");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void TheEngineBackendWritesTheArchiveWithDockerSave()
    {
        TestEnvironment.RequireEngine();
        using var output = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("EngineArchive", "engine-archive");
        project.Track("engine-archive:1.0.0");
        var archive = Path.Combine(output.Path, "saved.tar");

        project.Publish("-p:Containerize=true", "-p:ContainerizeBackend=docker", "-p:ContainerArchiveOutputPath=" + archive).ShouldSucceed();

        DockerCli.Run("rmi", "engine-archive:1.0.0").ShouldSucceed();
        StringAssert.Contains(DockerCli.Run("load", "-i", archive).ShouldSucceed().Output, "Loaded image: engine-archive:1.0.0");
    }

    [TestMethod]
    [TestCategory(TestPasses.Engine28Pass)]
    public void ASelfContainedAppIsPublishedPerRuntimeForEachPlatform()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("DlPerRid", "Console.WriteLine();\n",
            properties: $"<ContainerRepository>dl-per-rid</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{TestEnvironment.MultiPlatformBase}</ContainerBaseImage>"
                + "<RuntimeIdentifier>linux-x64</RuntimeIdentifier><RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers><SelfContained>true</SelfContained>");

        var digest = Publish(project, cache, "-p:ContainerRegistry=" + Registry, "-p:ContainerRuntimeIdentifiers=linux-x64%3Blinux-arm64");

        using var index = JsonDocument.Parse(ProcessRunner.Run("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Registry}/dl-per-rid:1.0.0"]).ShouldSucceed().Output);
        var manifests = index.RootElement.GetProperty("manifests").EnumerateArray()
            .ToDictionary(entry => entry.GetProperty("platform").GetProperty("architecture").GetString()!, entry => entry.GetProperty("digest").GetString()!);
        CollectionAssert.AreEquivalent(new[] { "amd64", "arm64" }, manifests.Keys.ToArray());
        var amd64 = ManifestLayers($"{Registry}/dl-per-rid@{manifests["amd64"]}");
        var arm64 = ManifestLayers($"{Registry}/dl-per-rid@{manifests["arm64"]}");
        Assert.AreNotEqual(amd64[1], arm64[1], "each platform has its own runtime layer (the runtime pack of its RID)");
        Assert.IsTrue(Directory.Exists(Path.Combine(project.Directory, "bin", "Release", "net10.0", "linux-arm64", "publish")), "published for linux-arm64");
        StringAssert.StartsWith(digest, "sha256:");
        foreach (var (identifier, architecture) in new[] { ("linux-x64", "amd64"), ("linux-arm64", "arm64") })
        {
            // Each platform's SBOM names that platform's manifest and the runtime pack of its own publish.
            var name = "container-image." + (architecture == "amd64" ? "linux-amd64" : "linux-arm64-v8") + ".cdx.json";
            using var sbom = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(project.Directory, "obj", "Release", "net10.0", "linux-x64", "containerize", name)));
            var purls = sbom.RootElement.GetProperty("components").EnumerateArray()
                .Select(component => component.TryGetProperty("purl", out var purl) ? purl.GetString()! : "").ToList();
            Assert.IsTrue(purls.Any(purl => purl.StartsWith($"pkg:nuget/Microsoft.NETCore.App.Runtime.{identifier}@", StringComparison.Ordinal)), $"{name}: {string.Join(", ", purls)}");
            Assert.IsFalse(purls.Any(purl => purl.Contains(".App.Runtime.", StringComparison.Ordinal) && !purl.Contains(identifier, StringComparison.Ordinal)), $"{name} lists another RID's runtime pack");
            StringAssert.StartsWith(sbom.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("purl").GetString(),
                $"pkg:oci/dl-per-rid@{manifests[architecture].Replace(":", "%3A", StringComparison.Ordinal)}?arch={architecture}&");
        }
    }
}
