using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>What the SDK's container publishing cannot do: OS packages, RUN steps, health checks, local-only base images.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class BuildStepTests
{
    private const string Steps = """
        <ContainerPackage Include="curl" />
        <ContainerRunCommand Include="marker" Command="echo made-by-run > /etc/ctz-marker; chmod 644 /etc/ctz-marker" />
        """;

    [TestMethod]
    [TestCategory("Engine")]
    public void APackageIsInstalledWithTheBasesPackageManagerAndRunStepsRunAsRoot()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("WithSteps", "Console.WriteLine(\"steps\");\n",
            properties: "<ContainerRepository>ctz-steps</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBuildNetwork>host</ContainerBuildNetwork>",
            items: Steps);
        var reference = project.Track("ctz-steps:1.0.0");

        project.Publish("-p:Containerize=true").ShouldSucceed();

        var lines = File.ReadAllLines(project.DockerfilePath);
        CollectionAssert.AreEqual(new[]
        {
            $"FROM {TestEnvironment.BaseRegistry}/dotnet/runtime:10.0",
            "USER root",
            "WORKDIR /app",
            "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
            "RUN echo made-by-run > /etc/ctz-marker; chmod 644 /etc/ctz-marker",
        }, lines[1..6]);
        var run = DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "sh", reference, "-c", "curl --version | head -1; cat /etc/ctz-marker; id -u").ShouldSucceed().Output;
        StringAssert.StartsWith(run, "curl ");
        StringAssert.Contains(run, "made-by-run\n1654\n");
        Assert.AreEqual("steps\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
    }

    [TestMethod]
    [TestCategory("Engine")]
    public async Task AHealthCheckTurnsHealthyForTheWebApi()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("WebApi");
        project.WriteFile("Directory.Build.targets", "<Project><ItemGroup><ContainerPackage Include=\"curl\" /></ItemGroup></Project>");
        var reference = project.Track("ctz-healthy:1.0.0");

        project.Publish("-p:Containerize=true", "-p:ContainerRepository=ctz-healthy", "-p:ContainerImageTag=1.0.0", "-p:ContainerBuildNetwork=host",
            "-p:ContainerHealthCheck=curl%3B-fsS%3Bhttp://127.0.0.1:8080/healthz", "-p:ContainerHealthCheckInterval=1s", "-p:ContainerHealthCheckRetries=30").ShouldSucceed();

        StringAssert.Contains(File.ReadAllText(project.DockerfilePath), "\nHEALTHCHECK --interval=1s --retries=30 CMD [\"curl\", \"-fsS\", \"http://127.0.0.1:8080/healthz\"]\n");
        Assert.AreEqual("healthy", await DockerCli.HealthStatusAsync(reference));
    }

    [TestMethod]
    [TestCategory("Engine")]
    public async Task AHealthCheckCanAskTheAppItselfWithNoShellOrCurl()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("HealthByApp", """
            if (args is ["--health"])
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
                try { return (await http.GetAsync("http://127.0.0.1:8080/healthz")).IsSuccessStatusCode ? 0 : 1; }
                catch (HttpRequestException) { return 1; }
            }

            var app = WebApplication.Create(args);
            app.MapGet("/healthz", () => "healthy");
            app.Run();
            return 0;
            """, sdk: "Microsoft.NET.Sdk.Web",
            properties: "<ContainerRepository>ctz-health-by-app</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>"
                + "<ContainerHealthCheck>dotnet;/app/HealthByApp.dll;--health</ContainerHealthCheck><ContainerHealthCheckInterval>1s</ContainerHealthCheckInterval>");
        var reference = project.Track("ctz-health-by-app:1.0.0");

        project.Publish("-p:Containerize=true").ShouldSucceed();

        Assert.AreEqual("healthy", await DockerCli.HealthStatusAsync(reference), "the documented health check for images with no shell or curl");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void ABaseImageWithoutAPackageManagerIsCTZ2011()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("NoPackageManager", "Console.WriteLine();\n",
            properties: $"<ContainerRepository>ctz-no-package-manager</ContainerRepository><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>",
            items: "<ContainerPackage Include=\"curl\" />");

        var result = project.Publish("-p:Containerize=true", "-p:ContainerizeBackend=docker", "-v:n");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ2011: The base image {TestEnvironment.TinyBase} has no package manager");
        Assert.IsFalse(result.Output.Contains("Builder: "), "reported before anything is built");
    }

    [TestMethod]
    public void RunStepsWithoutAnEngineAreCTZ2012()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("StepsNoEngine", "Console.WriteLine();\n", items: Steps);

        var result = project.Publish(TestEnvironment.NoEngine(cache),
            "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", $"-p:ContainerRegistry={TestEnvironment.OpenRegistry}/ctz-dl");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ2012: ContainerRunCommand and ContainerPackage run steps inside the image, and ContainerDockerfile is built by a Dockerfile builder: only the engine can do that;");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void ABaseImageThatExistsOnlyInTheLocalEngineIsUsed()
    {
        TestEnvironment.RequireEngine();
        var localOnly = "ctz-local-only/base:1";
        DockerCli.Run("tag", $"{TestEnvironment.BaseRegistry}/dotnet/runtime:10.0", localOnly).ShouldSucceed();
        using var project = TestProject.Create("LocalBase", "Console.WriteLine(\"local base\");\n",
            properties: $"<ContainerRepository>ctz-local-base</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{localOnly}</ContainerBaseImage>");
        var reference = project.Track("ctz-local-base:1.0.0");
        project.Track(localOnly);

        project.Publish("-p:Containerize=true", "-p:ContainerizeBackend=docker").ShouldSucceed();

        Assert.AreEqual("local base\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void TheAppUserCanWriteAWritableDirectoryAndNotTheAppFolder()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("Writable", "Console.WriteLine();\n",
            properties: "<ContainerRepository>ctz-writable</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>",
            items: "<ContainerWritableDirectory Include=\"/app/data\" /><ContainerWritableDirectory Include=\"/var/cache/ctz\" />");
        var reference = project.Track("ctz-writable:1.0.0");

        project.Publish("-p:Containerize=true").ShouldSucceed();

        StringAssert.Contains(File.ReadAllText(project.DockerfilePath), "\nCOPY --chown=1654 layers/empty/ /app/data/\nCOPY --chown=1654 layers/empty/ /var/cache/ctz/\n");
        var run = DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "sh", reference, "-c",
            "touch /app/data/ok && touch /var/cache/ctz/ok && echo writable; touch /app/nope 2>/dev/null && echo app-writable || echo app-read-only; stat -c %U /app/Writable.dll").ShouldSucceed().Output;
        Assert.AreEqual("writable\napp-read-only\nroot\n", run);
    }
}
