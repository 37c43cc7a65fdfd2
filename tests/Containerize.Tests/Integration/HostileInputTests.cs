using System.Diagnostics;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// Hostile input through MSBuild (issue 11): links and special files in ContainerFile, outputs that cannot be written,
/// an unusable blob cache, two publishes of one project at once. Each ends in CTZ errors — never MSB4018 with a stack
/// trace, never a hang — or both publishes succeed.
/// </summary>
[TestClass]
[TestCategory("Integration")]
[OSCondition(OperatingSystems.Linux)]
public sealed class HostileInputTests
{
    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.AreEqual(0, mkfifo.ExitCode);
    }

    private static void AssertFailedWithoutMSB4018(ProcessResult result)
    {
        Assert.AreNotEqual(0, result.ExitCode, result.Output);
        Assert.DoesNotContain("MSB4018", result.Output);
        Assert.DoesNotContain("   at Containerize.", result.Output, "no stack trace at the default verbosity");
    }

    [TestMethod]
    public void A_FIFO_a_link_to_nowhere_and_links_in_a_circle_are_CTZ_errors_before_anything_is_built()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("HostileFiles", "ctz-hostile-files");
        project.WriteProject(File.ReadAllText(project.ProjectPath).Replace("</Project>", """
              <ItemGroup>
                <ContainerFile Include="pipe" Destination="/opt/pipe" />
                <ContainerFile Include="current.json" Destination="/opt/current.json" />
                <ContainerFile Include="loop1" Destination="/opt/loop" />
              </ItemGroup>
            </Project>
            """));
        var pipe = Path.Combine(project.Directory, "pipe");
        MakeFifo(pipe);
        File.CreateSymbolicLink(Path.Combine(project.Directory, "current.json"), "v2.json");
        File.CreateSymbolicLink(Path.Combine(project.Directory, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(project.Directory, "loop2"), "loop1");

        var result = project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerArchiveOutputPath=image.tar");

        AssertFailedWithoutMSB4018(result);
        StringAssert.Contains(result.Output, $"error CTZ1060: ContainerFile 'pipe': {pipe} is a FIFO (named pipe), which Containerize does not read (reading it could wait for ever): only regular files, folders and links to them. Name a regular file instead, or remove it from the folder (or name the files beside it with ContainerFile items of their own).");
        StringAssert.Contains(result.Output, $"error CTZ1061: ContainerFile 'current.json': the symbolic link {Path.Combine(project.Directory, "current.json")} points to {Path.Combine(project.Directory, "v2.json")}, which does not exist. Links are followed (what they point to goes into the image under the link's name): fix the link or remove it.");
        StringAssert.Contains(result.Output, $"error CTZ1061: ContainerFile 'loop1': the symbolic link {Path.Combine(project.Directory, "loop1")} points in a circle (to itself, through other links).");
        Assert.IsFalse(File.Exists(Path.Combine(project.Directory, "image.tar")));
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void Links_in_ContainerFile_items_give_the_same_files_through_the_engine_and_daemonless()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("LinkedFiles", "ctz-linked-files");
        project.WriteProject(File.ReadAllText(project.ProjectPath).Replace("</Project>", """
              <ItemGroup>
                <ContainerFile Include="config/current.json" Destination="/opt/cfg/" />
                <ContainerFile Include="bundle" Destination="/opt/bundle" />
              </ItemGroup>
            </Project>
            """));
        project.WriteFile("config/v2/app.json", "{\"v\":2}\n");
        project.WriteFile("shared/ca.crt", "certificate\n");
        project.WriteFile("bundle/readme.txt", "read me\n");
        File.CreateSymbolicLink(Path.Combine(project.Directory, "config/current.json"), "v2/app.json");
        File.CreateSymbolicLink(Path.Combine(project.Directory, "bundle/ca.crt"), "../shared/ca.crt");
        Directory.CreateSymbolicLink(Path.Combine(project.Directory, "bundle/configs"), "../config/v2");
        const string Inspect = "for f in /opt/cfg/current.json /opt/bundle/ca.crt /opt/bundle/configs/app.json /opt/bundle/readme.txt; do if [ -L $f ]; then echo link $f; else echo file $f; cat $f; fi; done";
        const string Expected = "file /opt/cfg/current.json\n{\"v\":2}\nfile /opt/bundle/ca.crt\ncertificate\nfile /opt/bundle/configs/app.json\n{\"v\":2}\nfile /opt/bundle/readme.txt\nread me\n";

        var engine = project.Track("ctz-linked-files:engine");
        project.Publish("-p:Containerize=true", "-p:ContainerizeBackend=docker", "-p:ContainerImageTag=engine").ShouldSucceed();
        var daemonless = project.Track("ctz-linked-files:daemonless");
        project.Publish(new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cache.Path }, "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerImageTag=daemonless").ShouldSucceed();

        Assert.AreEqual(Expected, DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "sh", engine, "-c", Inspect).ShouldSucceed().Output);
        Assert.AreEqual(Expected, DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "sh", daemonless, "-c", Inspect).ShouldSucceed().Output);
    }

    [TestMethod]
    public void Outputs_that_cannot_be_written_are_CTZ1062_and_CTZ1063_before_anything_is_built()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("HostileOutputs", "ctz-hostile-outputs");
        project.WriteFile("artifacts", "a file where a folder must be");
        project.WriteFile("objfile", "a file where a folder must be");
        var archive = Path.Combine(project.Directory, "artifacts/images/app.tar");
        var intermediate = Path.Combine(project.Directory, "objfile/containerize/");

        var underFiles = project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless",
            "-p:ContainerArchiveOutputPath=artifacts/images/app.tar", "-p:ContainerizeIntermediateDirectory=objfile/containerize");
        var inProc = project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerArchiveOutputPath=/proc/app.tar");
        var toStdout = project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerArchiveOutputPath=/dev/stdout");

        AssertFailedWithoutMSB4018(underFiles);
        StringAssert.Contains(underFiles.Output, $"error CTZ1062: ContainerizeIntermediateDirectory '{intermediate}' cannot be written: {Path.Combine(project.Directory, "objfile")} is a file, and it would have to be a folder. Choose another ContainerizeIntermediateDirectory, or move that file away.");
        StringAssert.Contains(underFiles.Output, $"error CTZ1062: ContainerArchiveOutputPath '{archive}' cannot be written: {Path.Combine(project.Directory, "artifacts")} is a file, and it would have to be a folder. Choose another ContainerArchiveOutputPath, or move that file away.");
        AssertFailedWithoutMSB4018(inProc);
        StringAssert.Contains(inProc.Output, "error CTZ1063: ContainerArchiveOutputPath '/proc/app.tar' cannot be written: no file can be made in /proc (Could not find file '/proc/.containerize-probe-");
        AssertFailedWithoutMSB4018(toStdout);
        StringAssert.Contains(toStdout.Output, "error CTZ1064: ContainerArchiveOutputPath '/dev/stdout' is a FIFO (named pipe), and Containerize writes a regular file there (it never opens a device, FIFO or socket in its place: that could wait for ever). Name a regular file (for example: bin/image.tar or Dockerfile).", "the build's output is a pipe here");
        Assert.AreEqual("/proc/self/fd/1", new FileInfo("/dev/stdout").LinkTarget, "/dev/stdout is still the system's link");
    }

    [TestMethod]
    public void A_blob_cache_that_is_a_file_is_CTZ2022()
    {
        using var folder = new TemporaryFolder();
        var cacheHome = Path.Combine(folder.Path, "cache");
        File.WriteAllText(cacheHome, "a file where the cache folder must be");
        using var project = TestProject.OnTinyBase("HostileCache", "ctz-hostile-cache");

        var result = project.Publish(new Dictionary<string, string?> { ["DOCKER_HOST"] = "tcp://127.0.0.1:1", ["XDG_CACHE_HOME"] = cacheHome },
            "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", $"-p:ContainerRegistry={TestEnvironment.OpenRegistry}/ctz-hostile");

        AssertFailedWithoutMSB4018(result);
        StringAssert.Contains(result.Output, $"error CTZ2022: The daemonless backend's blob cache {cacheHome}/containerize/blobs (downloaded base image layers: $XDG_CACHE_HOME/containerize/blobs, else ~/.cache/containerize/blobs) cannot be used: ");
        StringAssert.Contains(result.Output, ". Point XDG_CACHE_HOME at a folder you may write to, or move away the file in the way.");
    }

    [TestMethod]
    public void Ctrl_C_while_a_large_layer_is_compressed_ends_the_publish_within_seconds()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("CtrlCLayer", "ctz-ctrlc-layer");
        project.WriteProject(File.ReadAllText(project.ProjectPath).Replace("</Project>", """
              <ItemGroup>
                <ContainerFile Include="data.bin" Destination="/opt/data.bin" />
              </ItemGroup>
            </Project>
            """));
        var block = new byte[1 << 20];
        var random = new Random(5);
        using (var data = File.Create(Path.Combine(project.Directory, "data.bin")))
        {
            for (var i = 0; i < 240; i++)
            {
                random.NextBytes(block);
                data.Write(block);
            }
        }

        project.Dotnet(["build", project.ProjectPath]).ShouldSucceed();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = project.StartPublish(output.Enqueue, TestEnvironment.NoEngine(cache),
            "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerArchiveOutputPath=image.tar", "-v:n");
        Assert.IsTrue(SpinWait.SpinUntil(() => output.Any(line => line.Contains("in-process (daemonless)", StringComparison.Ordinal)), TimeSpan.FromMinutes(2)), "the layers are being made");
        Thread.Sleep(500);
        var clock = Stopwatch.StartNew();

        Assert.IsTrue(TestProject.Interrupt(process, TimeSpan.FromSeconds(30)), "dotnet publish stopped after Ctrl+C");
        Assert.IsLessThan(TimeSpan.FromSeconds(5), clock.Elapsed, $"dotnet publish took {clock.Elapsed.TotalSeconds:0.0} s to stop (compressing the layer takes about 10 s)");
        Assert.AreNotEqual(0, process.ExitCode);
        var text = string.Join("\n", output);
        StringAssert.Contains(text, "Containerize: cancelled.");
        Assert.DoesNotContain("MSB4018", text);
        Assert.IsFalse(File.Exists(Path.Combine(project.Directory, "image.tar")));
    }

    [TestMethod]
    public void Two_daemonless_publishes_of_one_project_at_once_both_succeed_the_second_waiting_for_the_first()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("TwoAtOnce", "ctz-two-at-once");
        project.WriteProject(File.ReadAllText(project.ProjectPath).Replace("</Project>", """
              <ItemGroup>
                <ContainerFile Include="data.bin" Destination="/opt/data.bin" />
              </ItemGroup>
            </Project>
            """));
        var data = new byte[48 << 20];
        new Random(7).NextBytes(data);
        File.WriteAllBytes(Path.Combine(project.Directory, "data.bin"), data);
        project.Publish(TestEnvironment.NoEngine(cache), "-p:ContainerizeBackend=daemonless").ShouldSucceed();
        File.AppendAllText(Path.Combine(project.Directory, "data.bin"), "changed");
        string[] arguments = ["--no-build", "-v:n", "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerArchiveOutputPath=image.tar"];

        var runs = new[] { Task.Run(() => project.Publish(TestEnvironment.NoEngine(cache), arguments)), Task.Run(() => project.Publish(TestEnvironment.NoEngine(cache), arguments)) };
        Task.WaitAll(runs);

        runs[0].Result.ShouldSucceed();
        runs[1].Result.ShouldSucceed();
        var waited = runs.Count(run => run.Result.Output.Contains($"Waiting for another Containerize run of this project to finish (it holds {Path.Combine(project.ContextDirectory, ".containerize.lock")}).", StringComparison.Ordinal));
        Assert.AreEqual(1, waited, "the second run waits for the first");
        Assert.IsTrue(File.Exists(Path.Combine(project.Directory, "image.tar")));
        Assert.IsFalse(File.Exists(Path.Combine(project.Directory, "image.tar.partial")));
    }
}
