using System.Diagnostics;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class RunContainerTests
{
    [TestMethod]
    public void RunContainerShowsTheOutputAndPassesTheArguments()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("HelloDocker");
        project.Track("ctz-run-test:1.0.0");

        var run = project.Publish("-p:Containerize=true", "-t:RunContainer", "-p:ContainerRepository=ctz-run-test", "-p:ContainerImageTag=1.0.0",
            "-p:ContainerRunArguments=one %22two words%22").ShouldSucceed();

        StringAssert.Contains(run.Output, "Hello from Docker!");
        StringAssert.Contains(run.Output, "Arguments (2): one, two words");
        Assert.AreEqual("", DockerCli.Run("ps", "-aq", "--filter", "ancestor=ctz-run-test:1.0.0").ShouldSucceed().Output, "the container is removed");
    }

    [TestMethod]
    public void RunContainerNeverRunsAnOlderImageOfTheNameWhenThisRunsImageWentToAnArchive()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("HelloDocker");
        project.Track("ctz-run-stale:1.0.0");
        string[] naming = ["-p:ContainerRepository=ctz-run-stale", "-p:ContainerImageTag=1.0.0"];
        project.Publish(["-p:Containerize=true", .. naming]).ShouldSucceed();
        var archive = Path.Combine(project.Directory, "image.tar");

        var run = project.Publish(["-p:Containerize=true", "-t:RunContainer", "-p:ContainerizeBackend=daemonless", $"-p:ContainerArchiveOutputPath={archive}", .. naming]);

        Assert.AreNotEqual(0, run.ExitCode);
        StringAssert.Contains(run.Output, $"HelloDocker -> written to {archive} as ctz-run-stale:1.0.0");
        StringAssert.Contains(run.Output, $"error CTZ2019: RunContainer runs the image this run made in the engine, and ctz-run-stale:1.0.0 was written to {archive}, not into the engine "
            + $"(an image of that name the engine may hold is an older one). Run it with: docker load -i {archive} && docker run --rm ctz-run-stale:1.0.0.");
        Assert.IsFalse(run.Output.Contains("Hello from Docker!", StringComparison.Ordinal), "the engine's older image of that name ran");
    }

    [TestMethod]
    public void RunContainerFailsWithTheContainersExitCode()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("HelloDocker");
        project.Track("ctz-run-fail:1.0.0");

        var run = project.Publish("-p:Containerize=true", "-t:RunContainer", "-p:ContainerRepository=ctz-run-fail", "-p:ContainerImageTag=1.0.0",
            "-p:ContainerRunArguments=--fail");

        Assert.AreNotEqual(0, run.ExitCode);
        StringAssert.Contains(run.Output, "Hello from Docker!");
        StringAssert.Contains(run.Output, "error CTZ2006: The container of ctz-run-fail:1.0.0 exited with code 3.");
        Assert.AreEqual("", DockerCli.Run("ps", "-aq", "--filter", "ancestor=ctz-run-fail:1.0.0").ShouldSucceed().Output);
    }

    [TestMethod]
    public void CtrlCStopsTheRunningContainerAndRemovesIt()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Create("Forever", """
            Console.WriteLine("started");
            Thread.Sleep(Timeout.Infinite);
            """, properties: "<ContainerRepository>ctz-ctrlc</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>");
        project.Track("ctz-ctrlc:1.0.0");
        project.Publish("-p:Containerize=true").ShouldSucceed();

        var started = new ManualResetEventSlim();
        using var process = project.StartPublish(line => { if (line.Contains("started")) { started.Set(); } }, "-t:RunContainer");
        Assert.IsTrue(started.Wait(TimeSpan.FromMinutes(2)), "the container printed 'started'");
        Assert.AreEqual(1, Running("ctz-ctrlc:1.0.0").Length);

        Assert.IsTrue(TestProject.Interrupt(process, TimeSpan.FromSeconds(60)), "dotnet publish stopped after Ctrl+C");
        Assert.AreNotEqual(0, process.ExitCode);
        Assert.AreEqual(0, Running("ctz-ctrlc:1.0.0").Length, "the container is gone");
    }

    [TestMethod]
    public void CtrlCStopsAContainerizeThatWaitsForTheEngine()
    {
        TestEnvironment.RequireEngine();
        using var registry = new SilentRegistry();
        using var project = TestProject.Create("Waiting", "Console.WriteLine();\n", properties: "<ContainerRepository>ctz-waiting</ContainerRepository>");
        project.Dotnet(["build", project.ProjectPath]).ShouldSucceed();
        var pulling = new ManualResetEventSlim();
        using var process = project.StartPublish(line => { if (line.Contains("Pulling ")) { pulling.Set(); } },
            "-p:Containerize=true", "-v:n", $"-p:ContainerBaseImage={registry.Host}/hangs/base:1");
        Assert.IsTrue(pulling.Wait(TimeSpan.FromMinutes(2)), "the pull of the base image started");
        Assert.IsTrue(SpinWait.SpinUntil(() => registry.Connections > 0, TimeSpan.FromSeconds(30)), "the engine reached the silent registry");

        Assert.IsTrue(TestProject.Interrupt(process, TimeSpan.FromSeconds(30)), "dotnet publish stopped after Ctrl+C");
        Assert.AreNotEqual(0, process.ExitCode);
    }

    private static string[] Running(string image) =>
        DockerCli.Run("ps", "-aq", "--filter", "ancestor=" + image).ShouldSucceed().Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
