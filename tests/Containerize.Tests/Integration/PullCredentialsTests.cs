using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>A base image in a registry that asks for credentials is pulled with the pull credentials, and only with them.</summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class PullCredentialsTests
{
    private static string PrivateBase => $"{TestEnvironment.AuthRegistry}/ctz-private/tiny:1";

    private static void PutTheBaseInThePrivateRegistryOnly()
    {
        ProcessRunner.Run("skopeo", ["copy", "--src-tls-verify=false", "--dest-tls-verify=false",
            $"--dest-creds={TestEnvironment.AuthUser}:{TestEnvironment.AuthPassword}",
            "docker://" + TestEnvironment.TinyBase, "docker://" + PrivateBase], timeout: TimeSpan.FromMinutes(2)).ShouldSucceed();
        DockerCli.Run("rmi", "-f", PrivateBase);
    }

    private static TestProject Project(string name)
    {
        var project = TestProject.Create(name, "Console.WriteLine();\n",
            properties: $"<ContainerRepository>ctz-private-base</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{PrivateBase}</ContainerBaseImage>");
        project.Track("ctz-private-base:1.0.0");
        project.Track(PrivateBase);
        return project;
    }

    [TestMethod]
    public void APrivateBaseImageIsPulledWithThePullCredentials()
    {
        TestEnvironment.RequireEngine();
        PutTheBaseInThePrivateRegistryOnly();
        using var config = new TemporaryFolder();
        using var project = Project("PrivateBase");

        project.Publish(new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = config.Path,
            ["CONTAINERIZE_PULL_REGISTRY_USERNAME"] = TestEnvironment.AuthUser,
            ["CONTAINERIZE_PULL_REGISTRY_PASSWORD"] = TestEnvironment.AuthPassword,
        }, "-p:Containerize=true").ShouldSucceed();

        Assert.IsTrue(DockerCli.ImageExists("ctz-private-base:1.0.0"));
        Assert.AreEqual(PrivateBase, DockerCli.Labels(DockerCli.InspectImage("ctz-private-base:1.0.0"))["org.opencontainers.image.base.name"]);
    }

    [TestMethod]
    public void PushCredentialsAreNotSentToTheBaseImagesRegistry()
    {
        TestEnvironment.RequireEngine();
        PutTheBaseInThePrivateRegistryOnly();
        using var config = new TemporaryFolder();
        using var project = Project("PushCredentialsStayHome");

        var result = project.Publish(new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = config.Path,
            ["CONTAINERIZE_REGISTRY_USERNAME"] = TestEnvironment.AuthUser,
            ["CONTAINERIZE_REGISTRY_PASSWORD"] = TestEnvironment.AuthPassword,
        }, "-p:Containerize=true", $"-p:ContainerRegistry={TestEnvironment.OpenRegistry}/ctz-push");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ2003: The base image {PrivateBase} is not in the engine and could not be pulled:");
    }

    [TestMethod]
    public void AnImageTheUsersDockerfileCopiesFromIsPulledByBuildKitWithThePullCredentials()
    {
        TestEnvironment.RequireEngine();
        PutTheBaseInThePrivateRegistryOnly();
        using var config = new TemporaryFolder();
        using var project = TestProject.Create("CopyFromPrivate", "Console.WriteLine();\n",
            properties: "<ContainerRepository>ctz-copy-from-private</ContainerRepository><ContainerDockerfile>Dockerfile</ContainerDockerfile>");
        // Only FROM lines are pulled before the build: COPY --from is BuildKit's to pull, asking the session for credentials.
        project.WriteFile("Dockerfile", $"""
            FROM {TestEnvironment.TinyBase}
            COPY --from={PrivateBase} /etc/passwd /private-passwd
            """);
        project.Track("ctz-copy-from-private:1.0.0");
        project.Track("ctz-copy-from-private:latest");

        var result = project.Publish(new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = config.Path,
            ["CONTAINERIZE_PULL_REGISTRY_USERNAME"] = TestEnvironment.AuthUser,
            ["CONTAINERIZE_PULL_REGISTRY_PASSWORD"] = TestEnvironment.AuthPassword,
        }, "-p:Containerize=true", "-v:d").ShouldSucceed();

        StringAssert.Contains(result.Output, $"BuildKit session: the build reaches {TestEnvironment.AuthRegistry} with the credentials from CONTAINERIZE_PULL_REGISTRY_USERNAME");
        Assert.IsFalse(result.Output.Contains(TestEnvironment.AuthPassword, StringComparison.Ordinal), "the password is in the log");
        StringAssert.Contains(DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "cat", "ctz-copy-from-private:1.0.0", "/private-passwd").ShouldSucceed().Output, "app:x:1654:");
    }
}
