using System.Text.Json;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class HelloDockerTests
{
    [TestMethod]
    public void PublishWithContainerizeBuildsBothTagsAndTheImagePrintsTheGreeting()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("HelloDocker");
        project.Track("hello-docker:1.0.0");
        project.Track("hello-docker:latest");

        var publish = project.Publish("-p:Containerize=true").ShouldSucceed();

        StringAssert.Contains(publish.Output, "HelloDocker -> in the engine as hello-docker:1.0.0, hello-docker:latest (sha256:");
        var run = DockerCli.Run("run", "--rm", "--network", "none", "hello-docker:1.0.0").ShouldSucceed();
        Assert.AreEqual("Hello from Docker!\n", run.Output);
        Assert.AreEqual(DockerCli.InspectImage("hello-docker:1.0.0").GetProperty("Id").GetString(),
            DockerCli.InspectImage("hello-docker:latest").GetProperty("Id").GetString());
    }

    [TestMethod]
    public void ImageConfigHoldsTheUserWorkdirEntrypointEnvironmentAndLabels()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("HelloDocker");
        var reference = project.Track("ctz-config-test:1.0.0");

        project.Publish("-p:Containerize=true", "-p:ContainerRepository=ctz-config-test", "-p:ContainerImageTag=1.0.0",
            "-p:ContainerEnvironmentVariables=GREETING=hi", "-p:Authors=Ada").ShouldSucceed();

        var config = DockerCli.InspectImage(reference).GetProperty("Config");
        Assert.AreEqual("1654", config.GetProperty("User").GetString());
        Assert.AreEqual("/app", config.GetProperty("WorkingDir").GetString());
        CollectionAssert.AreEqual(new[] { "dotnet", "/app/HelloDocker.dll" }, DockerCli.Strings(config.GetProperty("Entrypoint")));
        Assert.AreEqual(JsonValueKind.Null, config.GetProperty("Cmd").ValueKind);
        CollectionAssert.Contains(DockerCli.Strings(config.GetProperty("Env")), "GREETING=hi");
        CollectionAssert.Contains(DockerCli.Strings(config.GetProperty("Env")), "APP_UID=1654");
        var labels = DockerCli.Labels(DockerCli.InspectImage(reference));
        Assert.AreEqual("HelloDocker", labels["org.opencontainers.image.title"]);
        Assert.AreEqual("1.0.0", labels["org.opencontainers.image.version"]);
        Assert.AreEqual("Ada", labels["org.opencontainers.image.authors"]);
        Assert.AreEqual($"{TestEnvironment.BaseRegistry}/dotnet/runtime:10.0", labels["org.opencontainers.image.base.name"]);
        StringAssert.StartsWith(labels["org.opencontainers.image.base.digest"], "sha256:");
        Assert.IsFalse(labels.ContainsKey("org.opencontainers.image.created"), "no creation time without SOURCE_DATE_EPOCH");
        Assert.IsFalse(config.TryGetProperty("ExposedPorts", out var ports) && ports.ValueKind == JsonValueKind.Object, "a console app exposes no port");
    }

    [TestMethod]
    public void OutputsNameTheImageTheDockerfileAndTheReport()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("HelloDocker");
        var reference = project.Track("ctz-outputs-test:7.1.0");

        var result = project.Publish("-p:Containerize=true", "-p:ContainerRepository=ctz-outputs-test", "-p:ContainerImageTag=7.1.0",
            "-getProperty:ContainerImageId", "-getProperty:ContainerDockerfilePath", "-getItem:GeneratedContainerImage").ShouldSucceed();

        var imageId = DockerCli.InspectImage(reference).GetProperty("Id").GetString()!;
        using var outputs = JsonDocument.Parse(result.Output);
        Assert.AreEqual(imageId, outputs.RootElement.GetProperty("Properties").GetProperty("ContainerImageId").GetString());
        Assert.AreEqual(project.DockerfilePath, outputs.RootElement.GetProperty("Properties").GetProperty("ContainerDockerfilePath").GetString());
        var images = outputs.RootElement.GetProperty("Items").GetProperty("GeneratedContainerImage");
        Assert.AreEqual(1, images.GetArrayLength());
        Assert.AreEqual(reference, images[0].GetProperty("Identity").GetString());
        Assert.AreEqual(imageId, images[0].GetProperty("ImageId").GetString());

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        CollectionAssert.AreEqual(new[] { reference }, DockerCli.Strings(report.RootElement.GetProperty("references")));
        Assert.AreEqual(imageId, report.RootElement.GetProperty("imageId").GetString());
        Assert.AreEqual("docker", report.RootElement.GetProperty("backend").GetString());
        Assert.AreEqual($"{TestEnvironment.BaseRegistry}/dotnet/runtime:10.0", report.RootElement.GetProperty("base").GetProperty("name").GetString());
        CollectionAssert.AreEqual(new[] { "linux/amd64" }, DockerCli.Strings(report.RootElement.GetProperty("platforms")));
    }

    [TestMethod]
    public void TheContextOnDiskRebuiltWithPlainDockerBuildGivesTheSameConfig()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("HelloDocker");
        var reference = project.Track("ctz-rebuild-test:1.0.0");
        var rebuilt = project.Track("ctz-rebuild-test:by-hand");
        project.Publish("-p:Containerize=true", "-p:ContainerRepository=ctz-rebuild-test", "-p:ContainerImageTag=1.0.0",
            "-p:ContainerEnvironmentVariables=MODE=by-hand").ShouldSucceed();

        DockerCli.Run("build", "--network", "none", "-t", rebuilt, project.ContextDirectory).ShouldSucceed();

        var original = DockerCli.InspectImage(reference).GetProperty("Config");
        var byHand = DockerCli.InspectImage(rebuilt).GetProperty("Config");
        foreach (var field in new[] { "User", "WorkingDir", "Entrypoint", "Cmd", "Env", "Labels", "ExposedPorts" })
        {
            Assert.AreEqual(Field(original, field), Field(byHand, field), field);
        }

        Assert.AreEqual("Hello from Docker!\n", DockerCli.Run("run", "--rm", "--network", "none", rebuilt).ShouldSucceed().Output);
    }

    private static string Field(JsonElement config, string name) =>
        config.TryGetProperty(name, out var value) ? value.GetRawText() : "absent";
}
