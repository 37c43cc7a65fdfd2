using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>Pushing through the engine to the open and the htpasswd registry, checked with skopeo.</summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
[SupportedOSPlatform("linux")]
public sealed class PushTests
{
    /// <summary>An empty docker config folder and no credential variables: only what a test adds counts.</summary>
    private static Dictionary<string, string?> CleanEnvironment(string dockerConfig) => new()
    {
        ["DOCKER_CONFIG"] = dockerConfig,
        ["CONTAINERIZE_REGISTRY_USERNAME"] = null,
        ["CONTAINERIZE_REGISTRY_PASSWORD"] = null,
        ["DOTNET_CONTAINER_REGISTRY_UNAME"] = null,
        ["DOTNET_CONTAINER_REGISTRY_PWORD"] = null,
        ["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = null,
        ["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = null,
    };

    private static string Credentials => $"{TestEnvironment.AuthUser}:{TestEnvironment.AuthPassword}";

    [TestMethod]
    public void APushToTheOpenRegistryReportsTheDigestTheRegistryHolds()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("HelloDocker");
        var registry = TestEnvironment.OpenRegistry + "/ctz-push";
        var reference = project.Track($"{registry}/hello-docker:1.0.0");
        project.Track($"{registry}/hello-docker:latest");

        var result = project.Publish("-p:Containerize=true", "-p:ContainerRegistry=" + registry,
            "-getProperty:ContainerImageDigest", "-getItem:GeneratedContainerImage").ShouldSucceed();

        using var outputs = JsonDocument.Parse(result.Output);
        var digest = outputs.RootElement.GetProperty("Properties").GetProperty("ContainerImageDigest").GetString()!;
        StringAssert.StartsWith(digest, "sha256:");
        Assert.AreEqual(digest, Skopeo.Digest(reference));
        Assert.AreEqual(digest, Skopeo.Digest($"{registry}/hello-docker:latest"));
        var items = outputs.RootElement.GetProperty("Items").GetProperty("GeneratedContainerImage").EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { reference, $"{registry}/hello-docker:latest" }, items.Select(i => i.GetProperty("Identity").GetString()).ToArray());
        Assert.IsTrue(items.All(item => item.GetProperty("Digest").GetString() == digest));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        Assert.AreEqual(digest, report.RootElement.GetProperty("digest").GetString());
        Assert.AreEqual("1654", Skopeo.Inspect(reference, config: true).GetProperty("config").GetProperty("User").GetString());

        DockerCli.Run("rmi", reference, $"{registry}/hello-docker:latest").ShouldSucceed();
        DockerCli.Run("pull", "-q", reference).ShouldSucceed();
        Assert.AreEqual("Hello from Docker!\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output, "the pushed image, pulled back, runs");
    }

    [TestMethod]
    public void AnUnchangedImageIsNotPushedAgainAndKeepsItsDigest()
    {
        TestEnvironment.RequireEngine();
        var registry = TestEnvironment.OpenRegistry + "/ctz-push";
        using var project = TestProject.OnTinyBase("PushedOnce", "pushed-once");
        project.Track($"{registry}/pushed-once:1.0.0");
        var first = project.Publish("-p:Containerize=true", "-p:ContainerRegistry=" + registry, "-getProperty:ContainerImageDigest").ShouldSucceed().Output.Trim();
        using var engine = new CountingEngineProxy();

        var second = project.Publish("-p:Containerize=true", "-p:ContainerRegistry=" + registry, "-p:ContainerDockerHost=" + engine.Endpoint,
            "-getProperty:ContainerImageDigest").ShouldSucceed().Output.Trim();

        Assert.AreEqual(first, second);
        Assert.AreEqual(1, engine.Requests.Count, string.Join("\n", engine.Requests));
    }

    [TestMethod]
    public void TheSecondPushOfAnUnchangedImageUploadsNoLayer()
    {
        TestEnvironment.RequireEngine();
        using var proxy = new RegistryProxy(Port(TestEnvironment.OpenRegistry));
        using var project = TestProject.OnTinyBase("Reupload", "reupload");
        project.Track($"{proxy.Host}/ctz-push/reupload:1.0.0");
        project.Track($"{proxy.Host}/ctz-push/reupload:again");
        project.Publish("-p:Containerize=true", $"-p:ContainerRegistry={proxy.Host}/ctz-push").ShouldSucceed();
        var firstUploads = proxy.BlobUploads.Count;
        var bytesBefore = proxy.BytesSent;

        project.Publish("-p:Containerize=true", $"-p:ContainerRegistry={proxy.Host}/ctz-push", "-p:ContainerImageTag=again").ShouldSucceed();

        Assert.AreEqual(0, proxy.BlobUploads.Count - firstUploads, string.Join("\n", proxy.BlobUploads));
        Assert.IsTrue(proxy.BytesSent - bytesBefore < 64 * 1024, $"{proxy.BytesSent - bytesBefore} bytes sent for the second push");
        Assert.IsTrue(proxy.Requests.Any(line => line.StartsWith("PUT ") && line.Contains("/manifests/again")), "the new tag's manifest was pushed");
    }

    [TestMethod]
    public void ThePushRegistryTakesCredentialsFromContainerizeVariables()
    {
        TestEnvironment.RequireEngine();
        using var config = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("EnvCredentials", "env-credentials");
        var registry = TestEnvironment.AuthRegistry + "/ctz-push";
        project.Track($"{registry}/env-credentials:1.0.0");
        var environment = CleanEnvironment(config.Path);
        environment["CONTAINERIZE_REGISTRY_USERNAME"] = TestEnvironment.AuthUser;
        environment["CONTAINERIZE_REGISTRY_PASSWORD"] = TestEnvironment.AuthPassword;

        var digest = project.Publish(environment, "-p:Containerize=true", "-p:ContainerRegistry=" + registry, "-getProperty:ContainerImageDigest").ShouldSucceed().Output.Trim();

        Assert.AreEqual(digest, Skopeo.Digest($"{registry}/env-credentials:1.0.0", Credentials));
    }

    [TestMethod]
    public void TheSdksPasswordVariableWorksAndWarnsThatMSBuildLogsIt()
    {
        TestEnvironment.RequireEngine();
        using var config = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("SdkCredentials", "sdk-credentials");
        var registry = TestEnvironment.AuthRegistry + "/ctz-push";
        project.Track($"{registry}/sdk-credentials:1.0.0");
        var environment = CleanEnvironment(config.Path);
        environment["DOTNET_CONTAINER_REGISTRY_UNAME"] = TestEnvironment.AuthUser;
        environment["DOTNET_CONTAINER_REGISTRY_PWORD"] = TestEnvironment.AuthPassword;

        var result = project.Publish(environment, "-p:Containerize=true", "-p:ContainerRegistry=" + registry).ShouldSucceed();

        StringAssert.Contains(result.Output, "warning CTZ3007: A registry password is set in DOTNET_CONTAINER_REGISTRY_PWORD");
        Assert.AreEqual(64 + 7, Skopeo.Digest($"{registry}/sdk-credentials:1.0.0", Credentials).Length);
    }

    [TestMethod]
    public void ThePushRegistryTakesCredentialsStoredByDockerLogin()
    {
        TestEnvironment.RequireEngine();
        using var config = new TemporaryFolder();
        ProcessRunner.Run("docker", ["--config", config.Path, "login", TestEnvironment.AuthRegistry, "-u", TestEnvironment.AuthUser, "--password-stdin"],
            standardInput: TestEnvironment.AuthPassword).ShouldSucceed();
        using var project = TestProject.OnTinyBase("LoginCredentials", "login-credentials");
        var registry = TestEnvironment.AuthRegistry + "/ctz-push";
        project.Track($"{registry}/login-credentials:1.0.0");

        var digest = project.Publish(CleanEnvironment(config.Path), "-p:Containerize=true", "-p:ContainerRegistry=" + registry, "-getProperty:ContainerImageDigest")
            .ShouldSucceed().Output.Trim();

        StringAssert.Contains(File.ReadAllText(Path.Combine(config.Path, "config.json")), "\"auths\"");
        Assert.AreEqual(digest, Skopeo.Digest($"{registry}/login-credentials:1.0.0", Credentials));
    }

    [TestMethod]
    [DataRow("credHelpers")]
    [DataRow("credsStore")]
    public void ThePushRegistryTakesCredentialsFromACredentialHelper(string setting)
    {
        TestEnvironment.RequireEngine();
        using var config = new TemporaryFolder();
        var requests = Path.Combine(config.Path, "requests.log");
        var helper = Path.Combine(config.Path, "bin", "docker-credential-ctztest");
        Directory.CreateDirectory(Path.GetDirectoryName(helper)!);
        File.WriteAllText(helper, $$"""
            #!/bin/sh
            server=$(cat)
            echo "$1 $server" >> {{requests}}
            [ "$1" = get ] && [ "$server" = "{{TestEnvironment.AuthRegistry}}" ] || { echo "credentials not found in native keychain"; exit 1; }
            printf '{"ServerURL":"%s","Username":"{{TestEnvironment.AuthUser}}","Secret":"{{TestEnvironment.AuthPassword}}"}' "$server"
            """);
        File.SetUnixFileMode(helper, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(config.Path, "config.json"), setting == "credHelpers"
            ? "{\"credHelpers\": {\"" + TestEnvironment.AuthRegistry + "\": \"ctztest\"}}"
            : """{"credsStore": "ctztest"}""");
        using var project = TestProject.OnTinyBase("HelperCredentials" + setting, "helper-" + setting.ToLowerInvariant());
        var registry = TestEnvironment.AuthRegistry + "/ctz-push";
        project.Track($"{registry}/helper-{setting.ToLowerInvariant()}:1.0.0");
        var environment = CleanEnvironment(config.Path);
        environment["PATH"] = Path.GetDirectoryName(helper) + ":" + Environment.GetEnvironmentVariable("PATH");

        var digest = project.Publish(environment, "-p:Containerize=true", "-p:ContainerRegistry=" + registry, "-getProperty:ContainerImageDigest")
            .ShouldSucceed().Output.Trim();

        Assert.AreEqual($"get {TestEnvironment.AuthRegistry}\n", File.ReadAllText(requests));
        Assert.AreEqual(digest, Skopeo.Digest($"{registry}/helper-{setting.ToLowerInvariant()}:1.0.0", Credentials));
    }

    [TestMethod]
    public void AWrongPasswordIsItsOwnErrorAndTheNextRunWithTheRightOnePushesWithoutRebuilding()
    {
        TestEnvironment.RequireEngine();
        using var config = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("WrongPassword", "wrong-password");
        var registry = TestEnvironment.AuthRegistry + "/ctz-push";
        project.Track($"{registry}/wrong-password:1.0.0");
        var environment = CleanEnvironment(config.Path);
        environment["CONTAINERIZE_REGISTRY_USERNAME"] = TestEnvironment.AuthUser;
        environment["CONTAINERIZE_REGISTRY_PASSWORD"] = "not-the-password";

        var wrong = project.Publish(environment, "-p:Containerize=true", "-p:ContainerRegistry=" + registry);

        Assert.AreNotEqual(0, wrong.ExitCode);
        StringAssert.Contains(wrong.Output, $"error CTZ3001: The registry {TestEnvironment.AuthRegistry} did not accept the credentials from CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD.");
        environment["CONTAINERIZE_REGISTRY_PASSWORD"] = TestEnvironment.AuthPassword;
        var right = project.Publish(environment, "-p:Containerize=true", "-p:ContainerRegistry=" + registry, "-v:n").ShouldSucceed();
        StringAssert.Contains(right.Output, "is up to date");
        StringAssert.Contains(right.Output, $"Pushed {registry}/wrong-password:1.0.0 (sha256:");
        Assert.IsFalse(right.Output.Contains("Builder: "), "the image was not built again");
    }

    [TestMethod]
    public void AnAnonymousPushToARegistryThatNeedsCredentialsSaysHowToLogIn()
    {
        TestEnvironment.RequireEngine();
        using var config = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("Anonymous", "anonymous");

        var result = project.Publish(CleanEnvironment(config.Path), "-p:Containerize=true", $"-p:ContainerRegistry={TestEnvironment.AuthRegistry}/ctz-push");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ3001: The registry {TestEnvironment.AuthRegistry} did not accept a request without credentials");
        StringAssert.Contains(result.Output, $"docker login {TestEnvironment.AuthRegistry}");
    }

    [TestMethod]
    public void ARepositoryTheAccountMayNotWriteIsItsOwnError()
    {
        TestEnvironment.RequireEngine();
        using var registry = new DenyingRegistry();
        using var project = TestProject.OnTinyBase("Denied", "denied");

        var result = project.Publish("-p:Containerize=true", $"-p:ContainerRegistry={registry.Host}/acme");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ3002: The registry {registry.Host} refused a request without credentials");
        StringAssert.Contains(result.Output, $"access to {registry.Host}/acme/denied:1.0.0");
    }

    [TestMethod]
    public void AnUnreachableRegistryIsItsOwnErrorWithinSeconds()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.OnTinyBase("Unreachable", "unreachable");
        project.Dotnet(["build", project.ProjectPath]).ShouldSucceed();
        var clock = Stopwatch.StartNew();

        var result = project.Publish("-p:Containerize=true", "-p:ContainerRegistry=127.0.0.1:1/ctz-push");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ3003: The registry 127.0.0.1:1 could not be reached:");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [TestMethod]
    [DataRow(RegistryFault.Unavailable)]
    [DataRow(RegistryFault.Reset)]
    public void APushSucceedsAfterTransientRegistryFailuresAndLogsEachRetry(RegistryFault fault)
    {
        TestEnvironment.RequireEngine();
        using var proxy = new RegistryProxy(Port(TestEnvironment.OpenRegistry), fault, faults: 2);
        using var project = TestProject.OnTinyBase("Flaky" + fault, "flaky-" + fault.ToString().ToLowerInvariant());
        var reference = project.Track($"{proxy.Host}/ctz-push/flaky-{fault.ToString().ToLowerInvariant()}:1.0.0");

        var result = project.Publish("-p:Containerize=true", $"-p:ContainerRegistry={proxy.Host}/ctz-push", "-v:n", "-getProperty:ContainerImageDigest").ShouldSucceed();

        Assert.IsTrue(proxy.FaultsLeft <= 0, "both faults were met");
        Assert.AreEqual(result.Output.Trim(), Skopeo.Digest(reference));
    }

    [TestMethod]
    public void APushThatKeepsFailingStopsAfterBoundedRetriesWithAClearError()
    {
        TestEnvironment.RequireEngine();
        using var proxy = new RegistryProxy(Port(TestEnvironment.OpenRegistry), RegistryFault.Reset, faults: -1);
        using var project = TestProject.OnTinyBase("Broken", "broken");
        project.Dotnet(["build", project.ProjectPath]).ShouldSucceed();
        var clock = Stopwatch.StartNew();

        var result = project.Publish("-p:Containerize=true", $"-p:ContainerRegistry={proxy.Host}/ctz-push", "-v:n");

        Assert.AreNotEqual(0, result.ExitCode);
        Assert.AreEqual(3, result.Output.Split('\n').Count(line => line.Contains($"Pushing {proxy.Host}/ctz-push/broken:1.0.0 failed") && line.Contains("trying again")));
        StringAssert.Contains(result.Output, $"error CTZ3005: The engine could not push {proxy.Host}/ctz-push/broken:1.0.0 after 4 attempts:");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    private static int Port(string hostAndPort) => int.Parse(hostAndPort[(hostAndPort.LastIndexOf(':') + 1)..]);
}
