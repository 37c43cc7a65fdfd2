using System.Text.Json;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// The base-image lock against the local registry: -t:UpdateContainerLock writes containerize.lock.json with no
/// engine; then the base's tag is moved to another image (each test copies a base under a scratch repository of its
/// own with skopeo, and copies another image over its tag), and both backends still build from the locked digest;
/// ContainerLockedMode with a changed base fails before anything is pulled.
/// </summary>
[TestClass]
[TestCategory("Integration")]
public sealed class ContainerLockTests
{
    /// <summary>A second base with APP_UID, unlike the tiny base in every layer: what the tag is moved to.</summary>
    private static string OtherBase => $"{TestEnvironment.BaseRegistry}/dotnet/runtime:10.0";

    private static string ScratchRepository() => $"{TestEnvironment.OpenRegistry}/ctz-lock-test/base-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>skopeo copy within the local registries: the scratch base's tag made, or moved.</summary>
    private static void Copy(string from, string to) =>
        ProcessRunner.Run("skopeo", ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", "docker://" + from, "docker://" + to], timeout: TimeSpan.FromMinutes(3)).ShouldSucceed();

    /// <summary>Removes the scratch tag's manifests from the registry, where it allows that (it is the test's own repository).</summary>
    private static void DeleteScratch(string repository, params string[] digests)
    {
        foreach (var digest in digests)
        {
            ProcessRunner.Run("skopeo", ["delete", "--tls-verify=false", $"docker://{repository}@{digest}"], timeout: TimeSpan.FromMinutes(1));
        }
    }

    private static string[] ManifestLayers(string reference)
    {
        using var manifest = JsonDocument.Parse(ProcessRunner.Run("skopeo", ["inspect", "--tls-verify=false", "--raw", "docker://" + reference]).ShouldSucceed().Output);
        return manifest.RootElement.GetProperty("layers").EnumerateArray().Select(layer => layer.GetProperty("digest").GetString()!).ToArray();
    }

    private static ProcessResult UpdateLock(TestProject project, TemporaryFolder cache, params string[] arguments) =>
        project.Dotnet(["build", project.ProjectPath, "-t:UpdateContainerLock", .. arguments], TestEnvironment.NoEngine(cache));

    private static string LockPath(TestProject project) => Path.Combine(project.Directory, "containerize.lock.json");

    /// <summary>The lock's entry for a reference: its digest and its platforms.</summary>
    private static (string Digest, Dictionary<string, string> Platforms) Entry(TestProject project, string reference)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(LockPath(project)));
        Assert.AreEqual(1, document.RootElement.GetProperty("version").GetInt32());
        var entry = document.RootElement.GetProperty("bases").GetProperty(reference);
        return (entry.GetProperty("digest").GetString()!, entry.GetProperty("platforms").EnumerateObject().ToDictionary(platform => platform.Name, platform => platform.Value.GetString()!));
    }

    private static JsonElement Report(TestProject project)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        return report.RootElement.Clone();
    }

    [TestMethod]
    [TestCategory(TestPasses.Engine28Pass)]
    public void DaemonlessBuildsFromTheLockedDigestAfterTheTagMoved()
    {
        using var cache = new TemporaryFolder();
        var scratch = ScratchRepository();
        var baseReference = scratch + ":1";
        Copy(TestEnvironment.TinyBase, baseReference);
        var locked = Skopeo.Digest(baseReference);
        var registry = TestEnvironment.OpenRegistry + "/ctz-lock-test";
        using var project = TestProject.Create("LockDaemonless", "Console.WriteLine(\"locked\");\n",
            properties: $"<ContainerRepository>app-{scratch[^8..]}</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{baseReference}</ContainerBaseImage>");
        var image = $"{registry}/app-{scratch[^8..]}:1.0.0";
        var pushed = new List<string>();
        string? moved = null;
        try
        {
            var update = UpdateLock(project, cache).ShouldSucceed();

            Assert.Contains($"Locked {baseReference} to {locked}.", update.Output);
            var (digest, platforms) = Entry(project, baseReference);
            Assert.AreEqual(locked, digest);
            Assert.IsTrue(platforms.ContainsKey("linux/amd64"), string.Join(", ", platforms.Keys));
            var bytes = File.ReadAllBytes(LockPath(project));
            Assert.Contains("is up to date", UpdateLock(project, cache).ShouldSucceed().Output);
            CollectionAssert.AreEqual(bytes, File.ReadAllBytes(LockPath(project)), "an update that changes nothing leaves the same bytes");

            Copy(OtherBase, baseReference);
            moved = Skopeo.Digest(baseReference);
            Assert.AreNotEqual(locked, moved, "the tag moved");

            project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerRegistry=" + registry).ShouldSucceed();
            pushed.Add(Skopeo.Digest(image));

            var platformDigest = platforms["linux/amd64"];
            Assert.Contains($"FROM {baseReference}@{locked}\n", File.ReadAllText(project.DockerfilePath));
            var report = Report(project);
            Assert.AreEqual(baseReference, report.GetProperty("base").GetProperty("name").GetString());
            Assert.AreEqual(platformDigest, report.GetProperty("base").GetProperty("digest").GetString());
            var labels = Skopeo.Inspect(image, config: true).GetProperty("config").GetProperty("Labels");
            Assert.AreEqual(baseReference, labels.GetProperty("org.opencontainers.image.base.name").GetString());
            Assert.AreEqual(platformDigest, labels.GetProperty("org.opencontainers.image.base.digest").GetString());
            var baseLayers = ManifestLayers($"{scratch}@{platformDigest}");
            CollectionAssert.AreEqual(baseLayers, ManifestLayers(image).Take(baseLayers.Length).ToArray(), "the image starts with the locked base's layers");

            // Without the lock the moved tag is used: the lock was what kept the old base.
            File.Delete(LockPath(project));
            project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerRegistry=" + registry).ShouldSucceed();
            pushed.Add(Skopeo.Digest(image));
            Assert.AreNotEqual(platformDigest, Report(project).GetProperty("base").GetProperty("digest").GetString());
            Assert.Contains($"FROM {baseReference}\n", File.ReadAllText(project.DockerfilePath));

            // dotnet clean leaves a lock alone.
            UpdateLock(project, cache).ShouldSucceed();
            project.Dotnet(["clean", project.ProjectPath, "-c", "Release"]).ShouldSucceed();
            Assert.IsTrue(File.Exists(LockPath(project)));
            Assert.IsFalse(Directory.Exists(project.ContextDirectory));
        }
        finally
        {
            DeleteScratch(scratch, [locked, .. moved is null ? Array.Empty<string>() : [moved]]);
            DeleteScratch(image[..image.LastIndexOf(':')], [.. pushed.Distinct()]);
        }
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void EngineBuildsFromTheLockedDigestAfterTheTagMoved()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        var scratch = ScratchRepository();
        var baseReference = scratch + ":1";
        Copy(TestEnvironment.TinyBase, baseReference);
        var locked = Skopeo.Digest(baseReference);
        var repository = $"ctz-lock-engine-{scratch[^8..]}";
        using var project = TestProject.Create("LockEngine", "Console.WriteLine(\"locked\");\n",
            properties: $"<ContainerRepository>{repository}</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{baseReference}</ContainerBaseImage>");
        var image = project.Track($"{repository}:1.0.0");
        project.Track($"{scratch}@{locked}");
        project.Track(baseReference);
        string? moved = null;
        try
        {
            UpdateLock(project, cache).ShouldSucceed();
            Assert.AreEqual(locked, Entry(project, baseReference).Digest);
            Copy(OtherBase, baseReference);
            moved = Skopeo.Digest(baseReference);
            Assert.AreNotEqual(locked, moved, "the tag moved");

            var publish = project.Publish("-p:Containerize=true", "-p:ContainerizeBackend=docker").ShouldSucceed();

            Assert.Contains($"FROM {baseReference}@{locked}\n", File.ReadAllText(project.DockerfilePath));
            var built = DockerCli.InspectImage(image);
            var labels = DockerCli.Labels(built);
            Assert.AreEqual(baseReference, labels["org.opencontainers.image.base.name"]);
            Assert.AreEqual(locked, labels["org.opencontainers.image.base.digest"]);
            var report = Report(project);
            Assert.AreEqual(baseReference, report.GetProperty("base").GetProperty("name").GetString());
            Assert.AreEqual(locked, report.GetProperty("base").GetProperty("digest").GetString());
            var baseLayers = DockerCli.LayerDiffIds(DockerCli.InspectImage($"{scratch}@{locked}"));
            CollectionAssert.AreEqual(baseLayers, DockerCli.LayerDiffIds(built).Take(baseLayers.Length).ToArray(), "the image starts with the locked base's layers");
            Assert.IsFalse(DockerCli.ImageExists(baseReference), "the moved tag was never pulled:\n" + publish.Output);

            // Up to date by the locked base: the second run builds nothing.
            Assert.Contains("is up to date", project.Publish("-p:Containerize=true", "-p:ContainerizeBackend=docker", "-v:n").ShouldSucceed().Output);
        }
        finally
        {
            DeleteScratch(scratch, [locked, .. moved is null ? Array.Empty<string>() : [moved]]);
        }
    }

    [TestMethod]
    [TestCategory(TestPasses.Engine28Pass)]
    public void LockedModeWithAChangedBaseFailsWithCTZ1080BeforeAnythingIsPulled()
    {
        using var cache = new TemporaryFolder();
        var scratch = ScratchRepository();
        Copy(TestEnvironment.TinyBase, scratch + ":1");
        var locked = Skopeo.Digest(scratch + ":1");
        using var project = TestProject.Create("LockedMode", "Console.WriteLine(\"locked\");\n",
            properties: $"<ContainerRepository>ctz-locked-mode</ContainerRepository><ContainerBaseImage>{scratch}:1</ContainerBaseImage>");
        try
        {
            UpdateLock(project, cache).ShouldSucceed();

            // No engine answers and scratch:2 exists nowhere: any engine call would be CTZ2001, any pull CTZ2003 or CTZ3012.
            var result = project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=docker",
                "-p:ContainerLockedMode=true", $"-p:ContainerBaseImage={scratch}:2");

            Assert.AreNotEqual(0, result.ExitCode);
            Assert.Contains("error CTZ1080", result.Output);
            Assert.Contains($"has no entry for {scratch}:2, which the project builds from; it locks {scratch}:1.", result.Output);
            Assert.Contains("-t:UpdateContainerLock", result.Output);
            foreach (var code in new[] { "CTZ2001", "CTZ2003", "CTZ3012", "CTZ3003" })
            {
                Assert.DoesNotContain(code, result.Output);
            }

            Assert.DoesNotContain("Pulling", result.Output);
        }
        finally
        {
            DeleteScratch(scratch, locked);
        }
    }
}
