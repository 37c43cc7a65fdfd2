using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>Engines other than the default socket: a TLS engine on loopback, a docker context, Podman's socket.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class RemoteEngineTests
{
    private static Dictionary<string, string?> TlsEnvironment(string certificates) => new()
    {
        ["DOCKER_HOST"] = TestEnvironment.TlsEngine,
        ["DOCKER_TLS_VERIFY"] = "1",
        ["DOCKER_CERT_PATH"] = certificates,
    };

    /// <summary>The docker CLI against the TLS engine, to check what it holds.</summary>
    private static ProcessResult TlsDocker(params string[] arguments) =>
        ProcessRunner.Run("docker", arguments, environment: TlsEnvironment(TestEnvironment.TlsCertificates), timeout: TimeSpan.FromMinutes(2));

    [TestMethod]
    [TestCategory("Engine")]
    public void ATlsEngineWithClientCertificatesBuildsTheImage()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.OnTinyBase("OverTls", "ctz-over-tls");

        var result = project.Publish(TlsEnvironment(TestEnvironment.TlsCertificates), "-p:Containerize=true", "-getProperty:ContainerImageId");

        try
        {
            result.ShouldSucceed();
            Assert.AreEqual(result.Output.Trim(), TlsDocker("image", "inspect", "--format", "{{.Id}}", "ctz-over-tls:1.0.0").ShouldSucceed().Output.Trim());
            // In the engine-28 pass the TLS endpoint is another socket of the pass's own engine.
            var separateEngine = TlsDocker("info", "--format", "{{.ID}}").ShouldSucceed().Output != DockerCli.Run("info", "--format", "{{.ID}}").ShouldSucceed().Output;
            Assert.IsTrue(!separateEngine || !DockerCli.ImageExists("ctz-over-tls:1.0.0"), "built by the TLS engine, not the default one");
        }
        finally
        {
            TlsDocker("rmi", "-f", "ctz-over-tls:1.0.0");
        }
    }

    [TestMethod]
    public void APlainConnectionToATlsEngineSaysToSetTheCertificates()
    {
        using var project = TestProject.OnTinyBase("PlainToTls", "ctz-plain-to-tls");

        var result = project.Publish(new Dictionary<string, string?> { ["DOCKER_HOST"] = TestEnvironment.TlsEngine, ["DOCKER_TLS_VERIFY"] = null }, "-p:Containerize=true");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ2009: The engine at {TestEnvironment.TlsEngine}/ (from DOCKER_HOST) accepts only TLS connections.");
    }

    [TestMethod]
    public void TlsWithoutTheCertificateFilesNamesTheMissingFile()
    {
        using var empty = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("NoCertificates", "ctz-no-certificates");

        var result = project.Publish(TlsEnvironment(empty.Path), "-p:Containerize=true");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ2008: The engine needs TLS (DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), but {empty.Path}/ca.pem");
    }

    [TestMethod]
    public void TheCurrentDockerContextIsUsedWithItsTlsMaterial()
    {
        TestEnvironment.RequireEngine();
        using var config = new TemporaryFolder();
        var certificates = TestEnvironment.TlsCertificates;
        var cli = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config.Path, ["DOCKER_HOST"] = null };
        ProcessRunner.Run("docker", ["context", "create", "ctz-tls", "--docker",
            $"host={TestEnvironment.TlsEngine},ca={certificates}/ca.pem,cert={certificates}/cert.pem,key={certificates}/key.pem"], environment: cli).ShouldSucceed();
        ProcessRunner.Run("docker", ["context", "use", "ctz-tls"], environment: cli).ShouldSucceed();
        using var project = TestProject.OnTinyBase("FromContext", "ctz-from-context");

        var result = project.Publish(new Dictionary<string, string?>(cli) { ["DOCKER_TLS_VERIFY"] = null, ["DOCKER_CERT_PATH"] = null },
            "-p:Containerize=true", "-v:d");

        try
        {
            result.ShouldSucceed();
            StringAssert.Contains(result.Output, $"Docker engine: {TestEnvironment.TlsEngine}/ (from docker context 'ctz-tls')");
            TlsDocker("image", "inspect", "ctz-from-context:1.0.0").ShouldSucceed();
        }
        finally
        {
            TlsDocker("rmi", "-f", "ctz-from-context:1.0.0");
        }
    }

    [TestMethod]
    public void PodmansSocketIsFoundWhenNoOtherEngineIsThere()
    {
        TestEnvironment.RequireEngine();
        var socket = Path.Combine(TestEnvironment.PodmanRuntimeDirectory, "podman", "podman.sock");
        Assert.IsTrue(File.Exists(socket), $"Podman's socket {socket} exists (eng/env/up.sh starts Podman)");
        using var project = TestProject.OnTinyBase("OnPodman", "ctz-on-podman");
        project.Dotnet(["restore", project.ProjectPath]).ShouldSucceed();
        var podman = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + socket };

        // The default socket is hidden in a mount namespace of the build's own: /var/run is a fresh tmpfs there.
        var result = ProcessRunner.Run("unshare", ["-m", "sh", "-c", "mount -t tmpfs none /var/run && exec \"$@\"", "sh",
                "dotnet", "publish", project.ProjectPath, "--no-restore", "-p:Containerize=true", "-v:d", "-getProperty:ContainerImageId"],
            project.Directory,
            new Dictionary<string, string?>
            {
                ["NUGET_PACKAGES"] = PackedPackages.NuGetFolder,
                ["XDG_RUNTIME_DIR"] = TestEnvironment.PodmanRuntimeDirectory,
                ["DOCKER_HOST"] = null,
                ["DOCKER_CONTEXT"] = null,
                ["DOCKER_CONFIG"] = project.Directory,
            },
            TimeSpan.FromMinutes(5));

        try
        {
            result.ShouldSucceed();
            var id = ProcessRunner.Run("docker", ["image", "inspect", "--format", "{{.Id}}", "ctz-on-podman:1.0.0"], environment: podman).ShouldSucceed().Output.Trim();
            StringAssert.Contains(id, result.Output.Trim().Replace("sha256:", ""));
        }
        finally
        {
            ProcessRunner.Run("docker", ["rmi", "-f", "ctz-on-podman:1.0.0"], environment: podman);
        }
    }

    [TestMethod]
    public void APushThroughPodmanReportsTheDigestTheRegistryHolds()
    {
        TestEnvironment.RequireEngine();
        var podman = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + Path.Combine(TestEnvironment.PodmanRuntimeDirectory, "podman", "podman.sock") };
        using var project = TestProject.OnTinyBase("PushedByPodman", "pushed-by-podman");
        var registry = TestEnvironment.AuthRegistry + "/ctz-podman";
        var environment = new Dictionary<string, string?>(podman)
        {
            ["CONTAINERIZE_REGISTRY_USERNAME"] = TestEnvironment.AuthUser,
            ["CONTAINERIZE_REGISTRY_PASSWORD"] = TestEnvironment.AuthPassword,
        };

        try
        {
            var digest = project.Publish(environment, "-p:Containerize=true", "-p:ContainerRegistry=" + registry, "-getProperty:ContainerImageDigest").ShouldSucceed().Output.Trim();

            StringAssert.StartsWith(digest, "sha256:");
            Assert.AreEqual(digest, Skopeo.Digest($"{registry}/pushed-by-podman:1.0.0", $"{TestEnvironment.AuthUser}:{TestEnvironment.AuthPassword}"));
            using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
            Assert.AreEqual(digest, report.RootElement.GetProperty("digest").GetString());
        }
        finally
        {
            ProcessRunner.Run("docker", ["rmi", "-f", $"{registry}/pushed-by-podman:1.0.0", $"{registry}/pushed-by-podman:latest"], environment: podman);
        }
    }

    [TestMethod]
    public void AnArchiveWrittenThroughPodmanLoadsIntoDockerAsTheSameImageWithItsTags()
    {
        TestEnvironment.RequireEngine();
        var podman = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + Path.Combine(TestEnvironment.PodmanRuntimeDirectory, "podman", "podman.sock") };
        using var project = TestProject.Create("ArchivedByPodman", "Console.WriteLine(\"tiny\");\n",
            properties: $"<ContainerRepository>ctz-podman-archive</ContainerRepository><ContainerImageTags>1.0.0;latest</ContainerImageTags><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>");
        var archive = Path.Combine(project.Directory, "image.tar");
        string[] tags = ["ctz-podman-archive:1.0.0", "ctz-podman-archive:latest"];

        try
        {
            var id = Hex(project.Publish(podman, "-p:Containerize=true", "-p:ContainerArchiveOutputPath=" + archive, "-getProperty:ContainerImageId").ShouldSucceed().Output);

            Assert.AreEqual(64, id.Length, id);
            Assert.AreEqual(id, Hex(ProcessRunner.Run("docker", ["image", "inspect", "--format", "{{.Id}}", tags[0]], environment: podman).ShouldSucceed().Output));
            // Podman's docker save names the tags in full (docker.io/library/…); docker load takes them as the short names.
            var loaded = DockerCli.Run("load", "-i", archive).ShouldSucceed().Output;
            StringAssert.Contains(loaded, $"Loaded image: {tags[0]}");
            StringAssert.Contains(loaded, $"Loaded image: {tags[1]}");
            Assert.AreEqual(id, Hex(DockerCli.Run("image", "inspect", "--format", "{{.Id}}", tags[1]).ShouldSucceed().Output), "the same configuration, so the same image ID");
        }
        finally
        {
            ProcessRunner.Run("docker", ["rmi", "-f", .. tags], environment: podman);
            DockerCli.Run(["rmi", "-f", .. tags]);
        }
    }

    [TestMethod]
    [DataRow("docker", "Building ", DisplayName = "built by Podman (the engine backend)")]
    [DataRow("daemonless", "Making ", DisplayName = "made daemonless and loaded into Podman")]
    public void TheSecondRunThroughPodmanIsUpToDateThoughPodmanListsTheNamesInFull(string backend, string work)
    {
        TestEnvironment.RequireEngine();
        var podman = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + Path.Combine(TestEnvironment.PodmanRuntimeDirectory, "podman", "podman.sock") };
        var repository = "ctz-podman-again-" + backend;
        using var project = TestProject.OnTinyBase("AgainOnPodman", repository);
        string[] arguments = ["-p:Containerize=true", "-p:ContainerizeBackend=" + backend, "-v:n"];

        try
        {
            StringAssert.Contains(project.Publish(podman, arguments).ShouldSucceed().Output, work + repository + ":1.0.0");
            // Podman lists it as docker.io/library/… (built) or localhost/… (loaded), never as the name it was given.
            var listed = ProcessRunner.Run("docker", ["image", "inspect", "--format", "{{json .RepoTags}}", repository + ":1.0.0"], environment: podman).ShouldSucceed().Output.Trim();
            Assert.DoesNotContain($"\"{repository}:1.0.0\"", listed);

            var again = project.Publish(podman, arguments).ShouldSucceed().Output;

            StringAssert.Contains(again, $"{repository}:1.0.0 is up to date (");
            Assert.DoesNotContain(work + repository, again);
        }
        finally
        {
            ProcessRunner.Run("docker", ["rmi", "-f", repository + ":1.0.0"], environment: podman);
        }
    }

    /// <summary>An image ID as its 64 hex digits: Podman's API gives it without the "sha256:" Docker's has.</summary>
    private static string Hex(string id) => id.Trim().Replace("sha256:", "", StringComparison.Ordinal);

    [TestMethod]
    public void PodmanBuildsWithTheLegacyBuilderUnderAutoAndRefusesBuildKitBeforeBuilding()
    {
        TestEnvironment.RequireEngine();
        var socket = "unix://" + Path.Combine(TestEnvironment.PodmanRuntimeDirectory, "podman", "podman.sock");
        var podman = new Dictionary<string, string?> { ["DOCKER_HOST"] = socket };
        using var project = TestProject.OnTinyBase("PodmanBuilder", "ctz-podman-builder");

        try
        {
            var refused = project.Publish(podman, "-p:Containerize=true", "-p:ContainerizeBuilder=buildkit");
            Assert.AreNotEqual(0, refused.ExitCode);
            StringAssert.Contains(refused.Output, $"error CTZ2015: ContainerizeBuilder 'buildkit': the engine at {socket} (from DOCKER_HOST) does not offer BuildKit — it did not take up a BuildKit session (POST /session answered 404 Not Found).");
            Assert.AreNotEqual(0, ProcessRunner.Run("docker", ["image", "inspect", "ctz-podman-builder:1.0.0"], environment: podman).ExitCode, "nothing was built");

            var built = project.Publish(podman, "-p:Containerize=true", "-v:n").ShouldSucceed();
            StringAssert.Contains(built.Output, "Builder: the legacy builder (the engine offers no BuildKit: POST /session answered 404 Not Found)");
            Assert.AreEqual(0, ProcessRunner.Run("docker", ["image", "inspect", "ctz-podman-builder:1.0.0"], environment: podman).ExitCode);
        }
        finally
        {
            ProcessRunner.Run("docker", ["rmi", "-f", "ctz-podman-builder:1.0.0", "ctz-podman-builder:latest"], environment: podman);
        }
    }

    [TestMethod]
    public void PodmanRefusesBuildSecretsBeforeBuilding()
    {
        TestEnvironment.RequireEngine();
        var socket = "unix://" + Path.Combine(TestEnvironment.PodmanRuntimeDirectory, "podman", "podman.sock");
        var podman = new Dictionary<string, string?> { ["DOCKER_HOST"] = socket, ["CTZ_TEST_FEED_TOKEN"] = "token" };
        using var project = TestProject.Create("PodmanSecret", "Console.WriteLine();\n",
            properties: $"<ContainerRepository>ctz-podman-secret</ContainerRepository><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>",
            items: """
                <ContainerBuildSecret Include="feed_token" Environment="CTZ_TEST_FEED_TOKEN" />
                <ContainerRunCommand Include="token" Command="true" Secrets="feed_token" />
                """);

        var refused = project.Publish(podman, "-p:Containerize=true");

        Assert.AreNotEqual(0, refused.ExitCode);
        StringAssert.Contains(refused.Output, $"error CTZ2015: ContainerBuildSecret items need BuildKit: the engine at {socket} (from DOCKER_HOST) does not offer BuildKit — it did not take up a BuildKit session (POST /session answered 404 Not Found). Podman's Docker-compatible API has no BuildKit. Use an engine with BuildKit (Docker Engine 18.09 and later), or build without the secrets.");
        Assert.AreNotEqual(0, ProcessRunner.Run("docker", ["image", "inspect", "ctz-podman-secret:1.0.0"], environment: podman).ExitCode, "nothing was built");
    }
}
