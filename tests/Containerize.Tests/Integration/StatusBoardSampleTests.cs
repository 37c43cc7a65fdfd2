using System.Net.Http;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>samples/StatusBoard, which uses several of the features the SDK lacks, built from a copy and run.</summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class StatusBoardSampleTests
{
    [TestMethod]
    public async Task TheSampleIsHealthyReadsItsFileAndWritesItsFolder()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("StatusBoard");
        var reference = project.Track("status-board:1.0.0");
        project.Track("status-board:latest");

        project.Publish("-p:Containerize=true").ShouldSucceed();

        var files = DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "sh", reference, "-c",
            "stat -c '%a %u %n' /etc/status-board/board.json /var/lib/status-board; cut -d' ' -f1 /etc/status-board/curl-version; ls /app | grep -c board.json").Output;
        Assert.AreEqual("400 1654 /etc/status-board/board.json\n755 1654 /var/lib/status-board\ncurl\n0\n", files, "the settings file is not in the publish output");
        var status = await DockerCli.HealthStatusAsync(reference, async () =>
        {
            using var http = new HttpClient();
            Assert.AreEqual("Status board: visit 1", await http.GetStringAsync("http://127.0.0.1:8080/"));
            Assert.AreEqual("Status board: visit 2", await http.GetStringAsync("http://127.0.0.1:8080/"));
        });

        Assert.AreEqual("healthy", status);
    }
}
