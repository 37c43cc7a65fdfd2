using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// -t:GenerateDockerfile writes the generated Dockerfile into the project; ContainerDockerfile builds the user's own
/// (here: that one, edited) with the staged context and ContainerBuildArg build arguments.
/// </summary>
[TestClass]
[TestCategory("Integration")]
public sealed class OwnDockerfileTests
{
    private static ProcessResult Generate(TestProject project, IReadOnlyDictionary<string, string?>? environment = null, params string[] arguments) =>
        project.Dotnet(["build", project.ProjectPath, "-c", "Release", "-t:GenerateDockerfile", "-p:ContainerBaseRegistry=" + TestEnvironment.BaseRegistry, .. arguments], environment);

    [TestMethod]
    [TestCategory("Engine")]
    public void TheGeneratedDockerfileEditedWithABuildArgumentIsBuilt()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("OwnDockerfile", "Console.WriteLine(\"own dockerfile\");\n",
            properties: "<ContainerRepository>ctz-own-dockerfile</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>");
        var reference = project.Track("ctz-own-dockerfile:1.0.0");
        var dockerfile = Path.Combine(project.Directory, "Dockerfile");

        Generate(project).ShouldSucceed();

        var generated = File.ReadAllText(dockerfile);
        Assert.StartsWith("# Made by Containerize from the project (dotnet build -t:GenerateDockerfile), to keep and edit.", generated);
        StringAssert.Contains(generated, $"\nFROM {TestEnvironment.BaseRegistry}/dotnet/runtime:10.0\nWORKDIR /app\nUSER 1654\nENTRYPOINT [\"dotnet\", \"/app/OwnDockerfile.dll\"]\n");
        Assert.EndsWith("COPY layers/5-app/ /app/\n", generated);
        Assert.AreEqual("", DockerCli.Run("images", "-q", reference).ShouldSucceed().Output, "generating builds nothing");

        Generate(project).ShouldSucceed();

        var edited = generated.Replace("\nWORKDIR /app\n", "\nARG FLAVOR=plain\nRUN echo \"flavor=$FLAVOR\" > /etc/flavor\nWORKDIR /app\n");
        File.WriteAllText(dockerfile, edited);
        project.WriteFile("Directory.Build.targets", """
            <Project>
              <PropertyGroup><ContainerDockerfile>Dockerfile</ContainerDockerfile></PropertyGroup>
              <ItemGroup><ContainerBuildArg Include="FLAVOR" Value="blue" /></ItemGroup>
            </Project>
            """);

        project.Publish("-p:Containerize=true", "-p:ContainerizeBackend=docker", "-p:ContainerBuildNetwork=none").ShouldSucceed();

        Assert.AreEqual(edited, File.ReadAllText(project.DockerfilePath), "the staged Dockerfile is the user's");
        Assert.AreEqual("own dockerfile\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
        Assert.AreEqual("flavor=blue\n", DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "cat", reference, "/etc/flavor").ShouldSucceed().Output);
        StringAssert.Contains(DockerCli.Run("history", "--no-trunc", "--format", "{{.CreatedBy}}", reference).ShouldSucceed().Output, "|1 FLAVOR=blue /bin/sh -c echo \"flavor=$FLAVOR\" > /etc/flavor",
            "build arguments stay in the image history, as the docs warn");
        StringAssert.Contains(project.Publish("-p:Containerize=true", "-p:ContainerizeBackend=docker", "-p:ContainerBuildNetwork=none", "-v:n").ShouldSucceed().Output, "ctz-own-dockerfile:1.0.0 is up to date");
    }

    [TestMethod]
    public void WithoutAnEngineTheDockerfileIsGeneratedFromTheBaseImagesRegistry()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("GenerateDaemonless", "Console.WriteLine();\n", items: "<ContainerPackage Include=\"curl\" />");
        var noEngine = TestEnvironment.NoEngine(cache);

        var withoutManager = Generate(project, noEngine, "-p:ContainerizeBackend=daemonless");
        Assert.AreNotEqual(0, withoutManager.ExitCode);
        StringAssert.Contains(withoutManager.Output, "error CTZ2014: ContainerPackage items need the base image's package manager");

        Generate(project, noEngine, "-p:ContainerizeBackend=daemonless", "-p:ContainerPackageManager=apt", "-p:ContainerDockerfileOutputPath=docker/Dockerfile.generated").ShouldSucceed();

        var lines = File.ReadAllLines(Path.Combine(project.Directory, "docker", "Dockerfile.generated"));
        Assert.AreSequenceEqual(new[]
        {
            $"FROM {TestEnvironment.BaseRegistry}/dotnet/runtime:10.0",
            "USER root",
            "WORKDIR /app",
            "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
            "USER 1654",
        }, lines[3..8], "the app user is the base image's APP_UID, read from its registry");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void AnExistingDifferentDockerfileIsNotOverwrittenCTZ1043()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("KeepDockerfile", "Console.WriteLine();\n");
        project.WriteFile("Dockerfile", "FROM mine\n");

        var result = Generate(project);

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ1043: ContainerDockerfileOutputPath '{Path.Combine(project.Directory, "Dockerfile")}' already exists with other content; it is not overwritten.");
        Assert.AreEqual("FROM mine\n", File.ReadAllText(Path.Combine(project.Directory, "Dockerfile")));
    }

    [TestMethod]
    public void AnOwnDockerfileWithoutAnEngineIsCTZ2012()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("OwnDockerfileNoEngine", "Console.WriteLine();\n",
            properties: "<ContainerDockerfile>Dockerfile</ContainerDockerfile>");
        project.WriteFile("Dockerfile", "FROM mine\n");

        var result = project.Publish(TestEnvironment.NoEngine(cache),
            "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", $"-p:ContainerRegistry={TestEnvironment.OpenRegistry}/ctz-dl");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ2012: ContainerRunCommand and ContainerPackage run steps inside the image, and ContainerDockerfile is built by a Dockerfile builder");
    }
}
