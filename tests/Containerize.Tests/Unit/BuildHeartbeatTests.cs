using Containerize.Backends;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class BuildHeartbeatTests
{
    [TestMethod]
    public async Task AStepThatKeepsRunningIsNamedAgainAfterEachInterval()
    {
        var log = new RecordingBuildLog();
        await using (new BuildHeartbeat(log, () => "[3/3] RUN apt-get install -y curl", TimeSpan.FromMilliseconds(200)))
        {
            await Task.Delay(750);
        }

        Assert.IsInRange(2, 4, log.Lines.Count, string.Join("\n", log.Lines));
        Assert.IsTrue(log.Lines.All(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^  \[3/3\] RUN apt-get install -y curl: still running \([01] s\)$")), string.Join("\n", log.Lines));
    }

    [TestMethod]
    public async Task NothingIsSaidBetweenStepsOrAfterTheHeartbeatStops()
    {
        var log = new RecordingBuildLog();
        await using (new BuildHeartbeat(log, () => null, TimeSpan.FromMilliseconds(100)))
        {
            await Task.Delay(350);
        }

        var heartbeat = new BuildHeartbeat(log, () => "RUN sleep 10", TimeSpan.FromMilliseconds(100));
        await heartbeat.DisposeAsync();
        await Task.Delay(250);

        Assert.IsEmpty(log.Lines);
    }

    [TestMethod]
    public async Task ANewStepStartsItsOwnInterval()
    {
        var log = new RecordingBuildLog();
        var step = "[1/2] FROM base";
        await using (new BuildHeartbeat(log, () => Volatile.Read(ref step), TimeSpan.FromMilliseconds(300)))
        {
            await Task.Delay(150);
            Volatile.Write(ref step, "[2/2] RUN make");
            await Task.Delay(200);
        }

        Assert.IsEmpty(log.Lines, "neither step ran for a whole interval");
    }
}
