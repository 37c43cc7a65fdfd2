using Containerize.Diagnostics;
using Containerize.Tasks;
using Containerize.Tests.Unit.Support;
using Microsoft.Build.Framework;

namespace Containerize.Tests.Unit;

/// <summary>What every Containerize task does with what its work throws: one CTZ error, never MSBuild's MSB4018.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class EngineTaskTests
{
    /// <summary>A task whose work is the given function.</summary>
    private sealed class ScriptedTask(Func<CancellationToken, Task<bool>> work) : EngineTask
    {
        protected override Task<bool> ExecuteAsync(CancellationToken cancellation) => work(cancellation);
    }

    private static (bool Result, RecordingBuildEngine Engine) Run(Func<CancellationToken, Task<bool>> work, Action<EngineTask>? during = null)
    {
        var engine = new RecordingBuildEngine();
        var task = new ScriptedTask(work) { BuildEngine = engine };
        during?.Invoke(task);
        return (task.Execute(), engine);
    }

    [TestMethod]
    public void An_unexpected_exception_is_one_CTZ2099_error_with_its_type_and_message_and_the_stack_trace_only_at_low_importance()
    {
        var (result, engine) = Run(_ => throw new InvalidOperationException("Sequence contains no elements"));

        Assert.IsFalse(result);
        var error = engine.Errors.Single();
        Assert.AreEqual("CTZ2099", error.Code);
        Assert.AreEqual("An unexpected error stopped Containerize: System.InvalidOperationException: Sequence contains no elements. This is a bug in Containerize: please report it to the Containerize maintainers with the build log (dotnet publish … -bl gives msbuild.binlog; -v:diag shows where the error came from).", error.Message);
        Assert.DoesNotContain(" at ", error.Message!, "no stack trace in the error");
        var detail = engine.Messages.Single(message => message.Message!.StartsWith("CTZ2099 in detail: ", StringComparison.Ordinal));
        Assert.AreEqual(MessageImportance.Low, detail.Importance);
        StringAssert.Contains(detail.Message, nameof(EngineTaskTests), "the stack trace, for -v:diag");
    }

    [TestMethod]
    public void An_exception_thrown_after_an_await_is_CTZ2099_too()
    {
        var (result, engine) = Run(async _ =>
        {
            await Task.Yield();
            throw new IOException("Too many levels of symbolic links : '/p/loop'");
        });

        Assert.IsFalse(result);
        Assert.AreEqual("An unexpected error stopped Containerize: System.IO.IOException: Too many levels of symbolic links : '/p/loop'. This is a bug in Containerize: please report it to the Containerize maintainers with the build log (dotnet publish … -bl gives msbuild.binlog; -v:diag shows where the error came from).", engine.Errors.Single().Message);
    }

    [TestMethod]
    public void A_CTZ_error_is_reported_as_it_is()
    {
        var (result, engine) = Run(_ => throw new ContainerizeException(Errors.SourceUnreadable("/p/app.dll", "Permission denied.")));

        Assert.IsFalse(result);
        Assert.AreEqual("CTZ2023", engine.Errors.Single().Code);
        Assert.AreEqual("/p/app.dll, a file the image is made of (from the publish output or a ContainerFile item), could not be read: Permission denied. Check that it exists and may be read (another build may have replaced it meanwhile), then publish again.", engine.Errors.Single().Message);
    }

    [TestMethod]
    [Timeout(10_000, CooperativeCancellation = true)]
    public void Cancel_ends_the_work_with_a_message_and_no_error_and_the_run_sees_its_token()
    {
        var started = new ManualResetEventSlim();
        var sawToken = false;
        var (result, engine) = Run(async cancellation =>
        {
            sawToken = RunCancellation.Token == cancellation;
            started.Set();
            await Task.Delay(Timeout.Infinite, cancellation);
            return true;
        }, task => Task.Run(() =>
        {
            started.Wait();
            ((ICancelableTask)task).Cancel();
        }));

        Assert.IsFalse(result);
        Assert.IsTrue(sawToken, "RunCancellation.Token is the task's token during the run");
        Assert.IsEmpty(engine.Errors);
        Assert.IsTrue(engine.Messages.Any(message => message.Message == "Containerize: cancelled."));
        Assert.AreEqual(CancellationToken.None, RunCancellation.Token, "the run's token is gone after the run");
    }
}
