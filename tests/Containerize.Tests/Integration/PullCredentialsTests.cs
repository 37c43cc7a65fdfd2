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
}
