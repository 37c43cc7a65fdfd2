using Containerize.Diagnostics;
using Microsoft.Build.Framework;

namespace Containerize.Tasks;

/// <summary>
/// What the Containerize tasks share: CTZ diagnostics into the MSBuild log, failures as one error — whatever is
/// thrown, never MSBuild's MSB4018 with a stack trace — and Ctrl+C (MSBuild's Cancel) stopping the work in progress,
/// the file work deep in the run included (<see cref="RunCancellation"/>).
/// </summary>
public abstract class EngineTask : Microsoft.Build.Utilities.Task, ICancelableTask, IBuildLog
{
    private readonly CancellationTokenSource cancellation = new();

    public void Cancel() => cancellation.Cancel();

    public sealed override bool Execute()
    {
        using var run = RunCancellation.Enter(cancellation.Token);
        try
        {
            return ExecuteAsync(cancellation.Token).GetAwaiter().GetResult() && !Log.HasLoggedErrors;
        }
        catch (ContainerizeException exception)
        {
            Report(exception.Diagnostic);
            return false;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Log.LogMessage(MessageImportance.High, "Containerize: cancelled.");
            return false;
        }
        catch (Exception exception)
        {
            // The last resort: a bug, reported as one CTZ error with what .NET said; where it came from at -v:diag.
            Report(Errors.Unexpected(exception.GetType().FullName ?? exception.GetType().Name, exception.Message));
            Log.LogMessage(MessageImportance.Low, $"CTZ2099 in detail: {exception}");
            return false;
        }
    }

    protected abstract Task<bool> ExecuteAsync(CancellationToken cancellation);

    public void Info(string message) => Log.LogMessage(MessageImportance.Normal, message);

    public void Important(string message) => Log.LogMessage(MessageImportance.High, message);

    public void Detail(string message) => Log.LogMessage(MessageImportance.Low, message);

    public void Report(Diagnostic diagnostic)
    {
        switch (diagnostic.Severity)
        {
            case Severity.Error:
                Log.LogError(null, diagnostic.Code, null, null, 0, 0, 0, 0, diagnostic.Message);
                break;
            case Severity.Warning:
                Log.LogWarning(null, diagnostic.Code, null, null, 0, 0, 0, 0, diagnostic.Message);
                break;
            default:
                Log.LogMessage(MessageImportance.Normal, diagnostic.Message);
                break;
        }
    }

    protected static string[] Values(ITaskItem[]? items) => (items ?? []).Select(item => item.ItemSpec).ToArray();

    protected static KeyValuePair<string, string>[] Pairs(ITaskItem[]? items) =>
        (items ?? []).Select(item => new KeyValuePair<string, string>(item.ItemSpec, item.GetMetadata("Value"))).ToArray();
}
