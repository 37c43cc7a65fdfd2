using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// ContainerizeBuilder on the engine of the pass (Docker Engine 20.10 and 28 both offer BuildKit): auto builds with
/// BuildKit, legacy with the legacy builder, and a long step is never silent at the default verbosity.
/// </summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class BuilderTests
{
    private const string BuildKitHistoryComment = "buildkit.dockerfile.v0";

    [TestMethod]
    [DataRow("auto", "Builder: BuildKit")]
    [DataRow("legacy", "Builder: the legacy builder (ContainerizeBuilder=legacy)")]
    public void ABrandNewConsoleProjectIsBuiltByTheChosenBuilderAndPushedWithTheRegistrysDigest(string builder, string logLine)
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Empty("Fresh" + builder);
        project.Dotnet(["new", "console", "-n", project.Name, "-o", project.Directory, "--force"]).ShouldSucceed();
        project.Dotnet(["add", project.ProjectPath, "package", "Containerize", "--version", PackedPackages.Version]).ShouldSucceed();
        var registry = TestEnvironment.OpenRegistry + "/ctz-builder";
        var reference = project.Track($"{registry}/fresh-{builder}:1.0.0");
        project.Track($"{registry}/fresh-{builder}:latest");

        var result = project.Publish("-p:Containerize=true", "-p:ContainerRepository=fresh-" + builder, "-p:ContainerRegistry=" + registry,
            "-p:ContainerizeBuilder=" + builder, "-v:n").ShouldSucceed();

        StringAssert.Contains(result.Output, logLine);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        var digest = report.RootElement.GetProperty("digest").GetString()!;
        Assert.AreEqual(Skopeo.Digest(reference), digest);
        var comments = DockerCli.Run("history", "--no-trunc", "--format", "{{.Comment}}", reference).ShouldSucceed().Output;
        Assert.AreEqual(builder == "auto", comments.Contains(BuildKitHistoryComment, StringComparison.Ordinal), comments);

        DockerCli.Run("rmi", reference, $"{registry}/fresh-{builder}:latest").ShouldSucceed();
        DockerCli.Run("pull", "-q", reference).ShouldSucceed();
        Assert.AreEqual("Hello, World!\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output, "the pushed image, pulled back, runs");
    }

    [TestMethod]
    [DataRow("auto")]
    [DataRow("legacy")]
    public void ALongStepSaysItIsStillRunningAtTheDefaultVerbosity(string builder)
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("LongStep" + builder, "Console.WriteLine();\n",
            properties: $"<ContainerRepository>ctz-long-step-{builder}</ContainerRepository><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>",
            // A step of its own on every run: the builders' caches would otherwise skip it the second time.
            items: $"""<ContainerRunCommand Include="wait" Command="sleep 12 %3B echo {Guid.NewGuid():N}" />""");
        project.Track($"ctz-long-step-{builder}:1.0.0");
        project.Track($"ctz-long-step-{builder}:latest");

        var result = project.Publish("-p:Containerize=true", "-p:ContainerizeBuilder=" + builder, "-p:ContainerBuildNetwork=none").ShouldSucceed();

        // The step is seen starting within a second of when it did.
        StringAssert.Matches(result.Output, new System.Text.RegularExpressions.Regex(@"RUN sleep 12 ; echo [0-9a-f]{32}: still running \(1[01] s\)"));
    }
}
