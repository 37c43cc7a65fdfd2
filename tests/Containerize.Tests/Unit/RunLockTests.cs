using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>One run at a time per containerize folder: a second run waits (and says so), and a lock is released on dispose.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class RunLockTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    [TestMethod]
    [Timeout(10_000, CooperativeCancellation = true)]
    public async Task A_second_run_waits_for_the_first_says_so_once_and_gets_the_lock_when_it_is_released()
    {
        var folder = work.Combine("obj/containerize");
        var log = new RecordingBuildLog();
        var first = await RunLock.AcquireAsync(folder, log, Poll, CancellationToken.None);

        var second = RunLock.AcquireAsync(folder, log, Poll, CancellationToken.None);
        await Task.Delay(200);
        Assert.IsFalse(second.IsCompleted, "the second run waits while the first holds the lock");
        first.Dispose();
        using var acquired = await second;

        Assert.AreSequenceEqual(new[] { $"Waiting for another Containerize run of this project to finish (it holds {Path.Combine(folder, ".containerize.lock")})." }, log.Lines);
        Assert.IsTrue(File.Exists(Path.Combine(folder, RunLock.FileName)));
    }

    [TestMethod]
    [Timeout(10_000, CooperativeCancellation = true)]
    public async Task Ctrl_C_ends_the_wait()
    {
        using var first = await RunLock.AcquireAsync(work.Path, new RecordingBuildLog(), Poll, CancellationToken.None);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAsync<OperationCanceledException>(() => RunLock.AcquireAsync(work.Path, new RecordingBuildLog(), Poll, cancellation.Token));
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public async Task A_folder_where_no_lock_can_be_made_is_CTZ2021()
    {
        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => RunLock.AcquireAsync("/proc/containerize", new RecordingBuildLog(), Poll, CancellationToken.None));

        Assert.AreEqual("CTZ2021", error.Diagnostic.Code);
        Assert.AreEqual("Containerize could not take the lock of the run in /proc/containerize (its folder under the project's obj folder, ContainerizeIntermediateDirectory): Could not find file '/proc/containerize'. Check that the disk has room and that the folder may be written; deleting it (dotnet clean) makes the next run start afresh.", error.Diagnostic.Message);
    }
}
