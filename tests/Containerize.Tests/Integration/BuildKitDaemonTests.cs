using System.Text.Json;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// The BuildKit daemon backend (ContainerBuildKitHost) against a real BuildKit: Docker Engine 28's built-in one
/// (containerd image store), reached through its POST /grpc endpoint by <see cref="BuildKitRelay"/>, which makes it
/// look like buildkitd on a unix socket or on TCP with TLS client certificates — as buildx's remote driver reaches
/// buildkitd in a cluster. The daemon pulls, builds and pushes; the results are checked in the registry with skopeo
/// and by running the image. Engine 20.10's built-in BuildKit, which cannot push, is refused with CTZ2018.
/// </summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory(TestPasses.Engine28Pass)]
public sealed class BuildKitDaemonTests
{
    /// <summary>The engine's BuildKit as buildkitd on TLS, with the TLS engines' server certificate, taking clients the tests' CA signed.</summary>
    private static BuildKitRelay TlsRelay(string engineSocket)
    {
        var server = TestEnvironment.TlsServerCertificates;
        return BuildKitRelay.StartTls(engineSocket, File.ReadAllText(Path.Combine(server, "server-cert.pem")),
            File.ReadAllText(Path.Combine(server, "server-key.pem")), File.ReadAllText(Path.Combine(TestEnvironment.TlsCertificates, "ca.pem")));
    }

    [TestMethod]
    public async Task The_daemon_builds_and_pushes_a_console_app_through_a_unix_socket_and_the_next_run_is_up_to_date()
    {
        var engine28 = TestEnvironment.RequireEngine28Socket();
        using var folder = new TemporaryFolder();
        await using var relay = BuildKitRelay.StartUnix(engine28, Path.Combine(folder.Path, "buildkitd.sock"));
        var message = "built by buildkitd " + Guid.NewGuid().ToString("N");
        using var project = TestProject.Create("OnBuildKit", $"Console.WriteLine(\"{message}\");\n", properties: "<ContainerRepository>ctz-buildkitd</ContainerRepository>");
        var reference = project.Track($"{TestEnvironment.OpenRegistry}/ctz-buildkitd:1.0.0");
        project.Track($"{TestEnvironment.OpenRegistry}/ctz-buildkitd:latest");
        string[] arguments = ["-p:Containerize=true", $"-p:ContainerBuildKitHost={relay.Address}", $"-p:ContainerRegistry={TestEnvironment.OpenRegistry}", "-v:n"];

        var result = project.Publish(arguments).ShouldSucceed();

        StringAssert.Contains(result.Output, $"at {relay.Address}\n");
        StringAssert.Contains(result.Output, "on the BuildKit daemon, which pushes it");
        StringAssert.Contains(result.Output, $"pushing manifest for {reference}@sha256:");
        Assert.IsGreaterThan(0, relay.Connections);
        var digest = Skopeo.Digest(reference);
        Assert.AreEqual(digest, Skopeo.Digest($"{TestEnvironment.OpenRegistry}/ctz-buildkitd:latest"));
        StringAssert.Contains(result.Output, $"Pushed {reference} ({digest})");
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json"))))
        {
            Assert.AreEqual("buildkit", report.RootElement.GetProperty("backend").GetString());
            Assert.AreEqual(digest, report.RootElement.GetProperty("digest").GetString());
        }

        // BuildKit's own history entries; the files and the image dated by SOURCE_DATE_EPOCH (unset: the epoch).
        var config = Skopeo.Inspect(reference, config: true);
        Assert.AreEqual("1970-01-01T00:00:00Z", config.GetProperty("created").GetString());
        var history = config.GetProperty("history").EnumerateArray().ToList();
        Assert.IsTrue(history.Any(entry => entry.TryGetProperty("comment", out var comment) && comment.GetString() == "buildkit.dockerfile.v0"),
            "the history has BuildKit's entries: " + config.GetProperty("history"));
        DockerCli.Run("pull", "-q", reference).ShouldSucceed();
        Assert.AreEqual(message + "\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
        Assert.AreEqual("0\n", DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "stat", reference, "-c", "%Y", "/app/OnBuildKit.dll").ShouldSucceed().Output);

        var again = project.Publish(arguments).ShouldSucceed();

        StringAssert.Contains(again.Output, $"{reference} is up to date ({digest}).");
        Assert.IsFalse(again.Output.Contains("on the BuildKit daemon", StringComparison.Ordinal), "nothing was built again");
    }

    [TestMethod]
    public async Task Over_TLS_a_RUN_step_reads_a_secret_and_the_daemon_pushes_with_the_registrys_credentials()
    {
        var engine28 = TestEnvironment.RequireEngine28Socket();
        await using var relay = TlsRelay(engine28);
        var token = "tok-" + Guid.NewGuid().ToString("N");
        using var project = TestProject.Create("OnBuildKitTls", "Console.WriteLine(\"tls\");\n",
            properties: $"<ContainerRepository>ctz-buildkitd-tls</ContainerRepository><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>",
            items: $"""
                <ContainerBuildSecret Include="feed_token" Environment="CTZ_TEST_FEED_TOKEN" />
                <ContainerRunCommand Include="token" Command="sha256sum /run/secrets/feed_token > /token.sha256 %3B echo {Guid.NewGuid():N}" Secrets="feed_token" />
                """);
        var registry = TestEnvironment.AuthRegistry;
        var reference = $"{registry}/ctz-buildkitd-tls:1.0.0";
        var environment = new Dictionary<string, string?>
        {
            ["CTZ_TEST_FEED_TOKEN"] = token,
            ["CONTAINERIZE_REGISTRY_USERNAME"] = TestEnvironment.AuthUser,
            ["CONTAINERIZE_REGISTRY_PASSWORD"] = TestEnvironment.AuthPassword,
        };

        var result = project.Publish(environment, "-p:Containerize=true", $"-p:ContainerBuildKitHost={relay.Address}",
            $"-p:ContainerBuildKitCertificates={TestEnvironment.TlsCertificates}", $"-p:ContainerRegistry={registry}", "-p:ContainerBuildNetwork=none", "-v:diag").ShouldSucceed();

        StringAssert.Contains(result.Output, $"BuildKit daemon: {relay.Address}/ (TLS, client certificate from {TestEnvironment.TlsCertificates})");
        StringAssert.Contains(result.Output, "BuildKit session: the build read secret 'feed_token'");
        StringAssert.Contains(result.Output, $"BuildKit session: the build reaches {registry} with the credentials from CONTAINERIZE_REGISTRY_USERNAME");
        var credentials = $"{TestEnvironment.AuthUser}:{TestEnvironment.AuthPassword}";
        var digest = Skopeo.Digest(reference, credentials);
        StringAssert.Contains(result.Output, $"Pushed {reference} ({digest})");
        Assert.IsFalse(result.Output.Contains(token, StringComparison.Ordinal), "the log at -v:diag holds the secret");
        Assert.IsFalse(result.Output.Contains(TestEnvironment.AuthPassword, StringComparison.Ordinal), "the log at -v:diag holds the registry password");

        // The step was given the value; no layer, and nothing in the config, holds it.
        using var saved = new TemporaryFolder();
        var archive = Path.Combine(saved.Path, "image.tar");
        ProcessRunner.Run("skopeo", ["copy", "--src-tls-verify=false", $"--src-creds={credentials}", "docker://" + reference, "docker-archive:" + archive], timeout: TimeSpan.FromMinutes(2)).ShouldSucceed();
        Assert.AreEqual(0, BuildSecretTests.EntriesHolding(archive, [token]).Count, "the image's layers hold the secret");
        Assert.IsFalse(Skopeo.Inspect(reference, credentials, config: true).ToString().Contains(token, StringComparison.Ordinal), "the image config holds the secret");
        var digests = BuildSecretTests.EntriesHolding(archive, [BuildSecretTests.Sha256(token) + "  /run/secrets/feed_token"]);
        Assert.AreEqual(1, digests.Count, "one layer holds the digest of the value the step read");
    }

    [TestMethod]
    public async Task A_step_that_fails_on_the_daemon_is_CTZ2005_naming_the_daemon_the_step_and_its_output()
    {
        var engine28 = TestEnvironment.RequireEngine28Socket();
        using var folder = new TemporaryFolder();
        await using var relay = BuildKitRelay.StartUnix(engine28, Path.Combine(folder.Path, "buildkitd.sock"));
        var marker = "ctz-" + Guid.NewGuid().ToString("N");
        using var project = TestProject.Create("DaemonStepFails", "Console.WriteLine();\n",
            properties: $"<ContainerRepository>ctz-buildkitd-fails</ContainerRepository><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>",
            items: $"""<ContainerRunCommand Include="fail" Command="echo {marker} %3B exit 3" />""");

        var result = project.Publish("-p:Containerize=true", $"-p:ContainerBuildKitHost={relay.Address}", $"-p:ContainerRegistry={TestEnvironment.OpenRegistry}", "-p:ContainerBuildNetwork=none");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ2005: BuildKit at {relay.Address} could not build the image: ");
        StringAssert.Contains(result.Output, $"The step that failed: [3/5] RUN echo {marker} ; exit 3. Its last line of output:");
        StringAssert.Contains(result.Output, $"error CTZ2005:     {marker} [", "the step's own output is in the error");
        Assert.IsFalse(result.Output.Contains("MSB4018", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task A_TLS_daemon_reached_without_certificates_is_CTZ2017()
    {
        var engine28 = TestEnvironment.RequireEngine28Socket();
        await using var relay = TlsRelay(engine28);
        using var project = TestProject.OnTinyBase("NoCertificates", "ctz-buildkitd-nocert");

        var result = project.Publish("-p:Containerize=true", $"-p:ContainerBuildKitHost={relay.Address}", $"-p:ContainerRegistry={TestEnvironment.OpenRegistry}");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ2017: No BuildKit daemon answers at {relay.Address}/ (ContainerBuildKitHost): ");
        Assert.IsFalse(result.Output.Contains("MSB4018", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task Ctrl_C_during_a_step_on_the_daemon_ends_the_build_and_the_session_host()
    {
        var engine28 = TestEnvironment.RequireEngine28Socket();
        using var folder = new TemporaryFolder();
        await using var relay = BuildKitRelay.StartUnix(engine28, Path.Combine(folder.Path, "buildkitd.sock"));
        var id = Guid.NewGuid().ToString("N");
        var marker = $"sleep 302 ; echo {id}";
        using var project = TestProject.Create("DaemonCtrlC", "Console.WriteLine();\n",
            properties: $"<ContainerRepository>ctz-buildkitd-ctrlc</ContainerRepository><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>",
            items: $"""<ContainerRunCommand Include="wait" Command="{marker.Replace(";", "%3B", StringComparison.Ordinal)}" />""");
        project.Dotnet(["build", project.ProjectPath]).ShouldSucceed();
        using var process = project.StartPublish(_ => { }, "-p:Containerize=true", $"-p:ContainerBuildKitHost={relay.Address}",
            $"-p:ContainerRegistry={TestEnvironment.OpenRegistry}", "-p:ContainerBuildNetwork=none", "-v:n");
        Assert.IsTrue(SpinWait.SpinUntil(() => BuildSecretTests.Processes(id) > 0, TimeSpan.FromMinutes(2)), "the step runs");

        Assert.IsTrue(TestProject.Interrupt(process, TimeSpan.FromSeconds(30)), "dotnet publish stopped after Ctrl+C");
        Assert.AreNotEqual(0, process.ExitCode);
        Assert.IsTrue(SpinWait.SpinUntil(() => BuildSecretTests.Processes(id) == 0, TimeSpan.FromSeconds(30)), "the daemon ended the step");
        Assert.IsTrue(SpinWait.SpinUntil(() => BuildSecretTests.Processes(project.TemporaryDirectory) == 0, TimeSpan.FromSeconds(10)), "the session host has ended");
        Assert.AreEqual(0, Directory.GetDirectories(project.TemporaryDirectory, "containerize-session-*").Length, "the session host's folder is left behind");
    }

    [TestMethod]
    public async Task Engine_20_10s_built_in_BuildKit_cannot_push_CTZ2018()
    {
        TestEnvironment.RequireEngine();
        using var folder = new TemporaryFolder();
        await using var relay = BuildKitRelay.StartUnix("/var/run/docker.sock", Path.Combine(folder.Path, "buildkitd.sock"));
        using var project = TestProject.OnTinyBase("OnOldBuildKit", "ctz-buildkitd-old");

        var result = project.Publish("-p:Containerize=true", $"-p:ContainerBuildKitHost={relay.Address}", $"-p:ContainerRegistry={TestEnvironment.OpenRegistry}");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ2018: The BuildKit at {relay.Address} (ContainerBuildKitHost) cannot export an image to push (exporter \"image\" could not be found): "
            + "it is a Docker engine's built-in BuildKit without the containerd image store");
    }
}
