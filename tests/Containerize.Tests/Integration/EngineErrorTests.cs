using System.Diagnostics;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>Each failure a user can meet, as its own CTZ error, raised through a real dotnet publish.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class EngineErrorTests
{
    private const string Program = "Console.WriteLine(\"x\");\n";

    [TestMethod]
    public void AConfiguredSocketThatDoesNotExistIsTheEngineUnreachableError()
    {
        using var project = TestProject.Create("NoSocket", Program);

        var result = project.Publish("-p:Containerize=true", "-p:ContainerDockerHost=unix:///tmp/ctz-no-such.sock");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ2001: The Docker engine at unix:///tmp/ctz-no-such.sock (from ContainerDockerHost) did not answer:");
        StringAssert.Contains(result.Output, "point Containerize at a running one with ContainerDockerHost or DOCKER_HOST");
    }

    [TestMethod]
    public void ATcpEndpointThatRefusesConnectionsFailsQuicklyWithTheEngineUnreachableError()
    {
        using var project = TestProject.Create("NoTcp", Program);
        project.Dotnet(["restore", project.ProjectPath]).ShouldSucceed();
        var clock = Stopwatch.StartNew();

        var result = project.Dotnet(["publish", project.ProjectPath, "--no-restore", "-p:Containerize=true"],
            new Dictionary<string, string?> { ["DOCKER_HOST"] = "tcp://127.0.0.1:1" });

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ2001: The Docker engine at tcp://127.0.0.1:1/ (from DOCKER_HOST) did not answer:");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [TestMethod]
    public void AConfigurationMistakeIsReportedBeforeAnyEngineCall()
    {
        using var engine = new RefusingEngine("should never be asked");
        using var project = TestProject.Create("Mistake", Program);

        var result = project.Publish("-p:Containerize=true", "-p:ContainerDockerHost=" + engine.Endpoint, "-p:ContainerWorkingDirectory=app",
            "-p:ContainerImageTag=-bad");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ1007: ContainerWorkingDirectory 'app' must be an absolute Linux path");
        StringAssert.Contains(result.Output, "error CTZ1004: ContainerImageTag holds '-bad', which is not a valid image tag.");
        Assert.AreEqual(0, engine.Connections);
    }

    [TestMethod]
    public void AnEngineThatRefusesARequestIsItsOwnError()
    {
        using var engine = new RefusingEngine("engine on fire");
        using var project = TestProject.Create("Refused", Program);

        var result = project.Publish("-p:Containerize=true", "-p:ContainerDockerHost=" + engine.Endpoint);

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ2007: The Docker engine refused to inspect an image: {\"message\":\"engine on fire\"}.");
        Assert.IsTrue(engine.Connections > 0);
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void TransientEngineFailuresAreRetriedAndLogged()
    {
        TestEnvironment.RequireEngine();
        using var engine = new CountingEngineProxy(failFirst: 2);
        using var project = TestProject.OnTinyBase("FlakyEngine", "ctz-flaky-engine");
        project.Track("ctz-flaky-engine:1.0.0");

        var result = project.Publish("-p:Containerize=true", "-p:ContainerDockerHost=" + engine.Endpoint, "-v:n").ShouldSucceed();

        StringAssert.Contains(result.Output, "The engine failed to inspect an image (The Docker engine refused to inspect an image: {\"message\":\"engine hiccup\"}.); trying again in 1 s (attempt 2 of 4).");
        StringAssert.Contains(result.Output, "trying again in 3 s (attempt 3 of 4).");
        Assert.IsTrue(DockerCli.ImageExists("ctz-flaky-engine:1.0.0"));
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void ABaseImageThatCannotBePulledIsNamed()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("NoBase", Program);

        var result = project.Publish("-p:Containerize=true", "-p:ContainerBaseImage=localhost:5000/ctz-test/no-such-base:1");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ2003: The base image localhost:5000/ctz-test/no-such-base:1 is not in the engine and could not be pulled:");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void ABaseImageWithoutAppUidNeedsContainerUser()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("NoAppUid", Program);
        var baseImage = $"{TestEnvironment.BaseRegistry}/dotnet/runtime-deps:10.0-noappuid";

        var result = project.Publish("-p:Containerize=true", "-p:ContainerBaseImage=" + baseImage, "-v:n");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, $"error CTZ2004: The base image {baseImage} defines no APP_UID");
        Assert.IsFalse(result.Output.Contains("Builder: "), "reported before anything is built");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void ContainerUserRootOptsIntoRootOnABaseWithoutAppUid()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("RootUser", Program, properties: "<ContainerRepository>ctz-root-user</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><SelfContained>true</SelfContained><RuntimeIdentifier>linux-x64</RuntimeIdentifier>");
        var reference = project.Track("ctz-root-user:1.0.0");

        project.Publish("-p:Containerize=true", $"-p:ContainerBaseImage={TestEnvironment.BaseRegistry}/dotnet/runtime-deps:10.0-noappuid", "-p:ContainerUser=root").ShouldSucceed();

        Assert.AreEqual("root", DockerCli.InspectImage(reference).GetProperty("Config").GetProperty("User").GetString());
        Assert.AreEqual("x\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void AFailedBuildStepIsReportedWithTheEnginesReason()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("BadStep", Program, properties: "<ContainerRepository>ctz-bad-step</ContainerRepository>");

        var result = project.Publish("-p:Containerize=true", "-p:ContainerWorkingDirectory=/etc/passwd");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ2005: The engine could not build the image:");
        StringAssert.Contains(result.Output, "not a directory");
        Assert.IsFalse(DockerCli.ImageExists("ctz-bad-step:1.0.0"));
    }

    [TestMethod]
    [TestCategory("Engine")]
    [DataRow("buildkit")]
    [DataRow("legacy")]
    public void AFailedRunStepShowsItsLastOutputLinesAtTheDefaultVerbosity(string builder)
    {
        TestEnvironment.RequireEngine();
        // Everything on standard error: the builder may interleave the two streams in any order.
        using var project = TestProject.Create("FailingStep", Program, properties: $"<ContainerRepository>ctz-failing-step</ContainerRepository><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>",
            items: """<ContainerRunCommand Include="fail" Command="for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do echo &quot;line $i&quot;%3B done >&amp;2%3B echo 'E: Unable to locate package nope' >&amp;2%3B exit 100" />""");

        var result = project.Publish("-p:Containerize=true", "-p:ContainerizeBuilder=" + builder, "-p:ContainerBuildNetwork=none");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ2005: The engine could not build the image: ");
        // BuildKit names its steps "[n/m] RUN …" and ends its reason with "exit code: 100" (engine 20.10's "executor failed running …", 28's "did not complete successfully").
        StringAssert.Matches(result.Output, new System.Text.RegularExpressions.Regex(builder == "legacy"
            ? @"returned a non-zero code: 100\. The step that failed: RUN for i in 1 2 3 "
            : @"exit code: 100\. The step that failed: \[\d+/\d+\] RUN for i in 1 2 3 "));
        StringAssert.Contains(result.Output, "Its last 20 lines of output:");
        // MSBuild prints each line of a message as an error line of its own.
        StringAssert.Contains(result.Output, "error CTZ2005:     line 25 [");
        StringAssert.Contains(result.Output, "error CTZ2005:     E: Unable to locate package nope [");
        StringAssert.Contains(result.Output, "error CTZ2005:     line 7 [");
        Assert.IsFalse(result.Output.Contains("error CTZ2005:     line 6 [", StringComparison.Ordinal), "only the last 20 lines");
    }

    [TestMethod]
    public void SeveralTargetFrameworksWithoutFrameworkIsAnError()
    {
        using var project = TestProject.Create("MultiTarget", Program);
        File.WriteAllText(project.ProjectPath, File.ReadAllText(project.ProjectPath).Replace("<TargetFramework>net10.0</TargetFramework>", "<TargetFrameworks>net10.0;net9.0</TargetFrameworks>"));

        var result = project.Publish("-p:Containerize=true");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ1002: The project targets several frameworks (net10.0;net9.0). Choose the one to containerize with -f");
    }
}
