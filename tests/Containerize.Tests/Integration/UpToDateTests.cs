using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class UpToDateTests
{
    private const string Program = "Console.WriteLine(\"version one\");\n";

    [TestMethod]
    public void ASecondPublishWithNoChangeBuildsNothing()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("UpToDate", Program, properties: "<ContainerRepository>ctz-uptodate</ContainerRepository>");
        project.Track("ctz-uptodate:1.0.0");
        project.Track("ctz-uptodate:latest");
        project.Publish("-p:Containerize=true").ShouldSucceed();
        var firstId = DockerCli.InspectImage("ctz-uptodate:1.0.0").GetProperty("Id").GetString();
        var since = DateTimeOffset.UtcNow;

        var second = project.Publish("-p:Containerize=true", "-v:n").ShouldSucceed();

        var until = DateTimeOffset.UtcNow;
        StringAssert.Contains(second.Output, $"ctz-uptodate:1.0.0 is up to date ({firstId})");
        Assert.IsFalse(second.Output.Contains("Builder: "), second.Output);
        Assert.AreEqual("", string.Join('\n', DockerCli.Events(since, until, "container")), "no build container was created");
        Assert.AreEqual("", string.Join('\n', DockerCli.Events(since, until, "image")), "no image was built, pulled or tagged");
        Assert.AreEqual(firstId, DockerCli.InspectImage("ctz-uptodate:1.0.0").GetProperty("Id").GetString());
    }

    [TestMethod]
    public void AnImageNamedForDockerHubIsUpToDateThoughTheEngineListsItByItsFamiliarName()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.OnTinyBase("UpToDateHub", "acme/ctz-uptodate-hub");
        project.Track("acme/ctz-uptodate-hub:1.0.0");
        // Named docker.io/acme/…, built and kept in the engine (not pushed); the engine lists it as acme/… and finds
        // nothing when its image list is filtered by the name as written.
        string[] arguments = ["-p:Containerize=true", "-p:ContainerRegistry=docker.io", "-p:ContainerPush=false", "-v:n"];
        StringAssert.Contains(project.Publish(arguments).ShouldSucceed().Output, "Building docker.io/acme/ctz-uptodate-hub:1.0.0 ");
        var id = DockerCli.InspectImage("acme/ctz-uptodate-hub:1.0.0").GetProperty("Id").GetString();

        var second = project.Publish(arguments).ShouldSucceed().Output;

        StringAssert.Contains(second, $"docker.io/acme/ctz-uptodate-hub:1.0.0 is up to date ({id})");
        Assert.DoesNotContain("Building docker.io/acme/ctz-uptodate-hub", second);
    }

    [TestMethod]
    public void AWebAppsFirstImageHasItsWebConfigSoTheSecondPublishIsUpToDate()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("WebApi");
        var reference = project.Track("ctz-web-uptodate:1.0.0");
        project.Publish("-p:Containerize=true", "-p:ContainerRepository=ctz-web-uptodate", "-p:ContainerImageTag=1.0.0").ShouldSucceed();

        var second = project.Publish("-p:Containerize=true", "-p:ContainerRepository=ctz-web-uptodate", "-p:ContainerImageTag=1.0.0", "-v:n").ShouldSucceed();

        StringAssert.Contains(second.Output, "ctz-web-uptodate:1.0.0 is up to date", "the web SDK's post-publish steps (web.config) ran before the first image was made");
        Assert.AreEqual("/app/web.config\n", DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "ls", reference, "/app/web.config").ShouldSucceed().Output);
    }

    [TestMethod]
    public void AnUpToDateRunMakesExactlyOneEngineRequest()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("OneCall", Program, properties: "<ContainerRepository>ctz-onecall</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>");
        project.Track("ctz-onecall:1.0.0");
        project.Publish("-p:Containerize=true").ShouldSucceed();
        using var proxy = new CountingEngineProxy();

        project.Publish("-p:Containerize=true", "-p:ContainerDockerHost=" + proxy.Endpoint).ShouldSucceed();

        Assert.AreEqual(1, proxy.Requests.Count, string.Join("\n", proxy.Requests));
        StringAssert.StartsWith(proxy.Requests[0], "GET /");
        StringAssert.Contains(proxy.Requests[0], "/images/json");
    }

    [TestMethod]
    public void AnImageDeletedFromTheEngineIsBuiltAgain()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("Deleted", Program, properties: "<ContainerRepository>ctz-deleted</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>");
        var reference = project.Track("ctz-deleted:1.0.0");
        project.Publish("-p:Containerize=true").ShouldSucceed();
        DockerCli.Run("rmi", reference).ShouldSucceed();

        var again = project.Publish("-p:Containerize=true", "-v:n").ShouldSucceed();

        StringAssert.Contains(again.Output, "Builder: ");
        Assert.IsTrue(DockerCli.ImageExists(reference));
    }

    [TestMethod]
    public void AChangedBaseImageInTheEngineIsBuiltAgain()
    {
        TestEnvironment.RequireEngine();
        var baseReference = "localhost:5999/ctz-test/changing-base:1";
        using var project = TestProject.Create("BaseChange", Program,
            properties: $"<ContainerRepository>ctz-basechange</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{baseReference}</ContainerBaseImage>");
        var reference = project.Track("ctz-basechange:1.0.0");
        project.Track(baseReference);
        DockerCli.Run("tag", $"{TestEnvironment.BaseRegistry}/dotnet/runtime:10.0", baseReference).ShouldSucceed();
        project.Publish("-p:Containerize=true").ShouldSucceed();
        var firstId = DockerCli.InspectImage(reference).GetProperty("Id").GetString();

        var dockerfile = Path.Combine(project.Directory, "base.Dockerfile");
        File.WriteAllText(dockerfile, $"FROM {TestEnvironment.BaseRegistry}/dotnet/runtime:10.0\nLABEL base.revision=2\n");
        DockerCli.Run("build", "--network", "none", "-t", baseReference, "-f", dockerfile, project.Directory).ShouldSucceed();
        var again = project.Publish("-p:Containerize=true", "-v:n").ShouldSucceed();

        StringAssert.Contains(again.Output, "Builder: ");
        var rebuilt = DockerCli.InspectImage(reference);
        Assert.AreNotEqual(firstId, rebuilt.GetProperty("Id").GetString());
        Assert.AreEqual("2", DockerCli.Labels(rebuilt)["base.revision"]);
    }

    [TestMethod]
    public void ACodeChangeRebuildsOnlyTheLastLayer()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("CodeChange", Program,
            properties: "<ContainerRepository>ctz-codechange</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>",
            items: "<PackageReference Include=\"Humanizer.Core\" Version=\"2.14.1\" />");
        var reference = project.Track("ctz-codechange:1.0.0");
        project.Publish("-p:Containerize=true").ShouldSucceed();
        var before = DockerCli.LayerDiffIds(DockerCli.InspectImage(reference));

        project.WriteFile("Program.cs", "Console.WriteLine(\"version two\");\n");
        project.Publish("-p:Containerize=true").ShouldSucceed();

        var after = DockerCli.LayerDiffIds(DockerCli.InspectImage(reference));
        Assert.AreEqual(before.Length, after.Length);
        CollectionAssert.AreEqual(before[..^1], after[..^1], "every layer but the app's is unchanged");
        Assert.AreNotEqual(before[^1], after[^1]);
        Assert.AreEqual("version two\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
    }
}
