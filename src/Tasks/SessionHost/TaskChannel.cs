using System.Collections.Concurrent;

namespace Containerize.SessionHost;

/// <summary>
/// The host's side of <see cref="SessionMessages"/>: events and questions to the task on standard output, answers
/// from standard input. The end of standard input is the end of the session: the task closed it, or is gone.
/// </summary>
internal sealed class TaskChannel(TextReader input, TextWriter output)
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource<CredentialsAnswer>> pending = new();
    private readonly object writing = new();
    private int lastRequest;

    public HostConfiguration ReadConfiguration() =>
        SessionMessages.Parse<HostConfiguration>(input.ReadLine() ?? throw new InvalidOperationException("the task sent no configuration"));

    public void Send(HostEvent message)
    {
        lock (writing)
        {
            output.WriteLine(SessionMessages.Line(message));
            output.Flush();
        }
    }

    /// <summary>Asks the task for a registry's credentials (the task resolves them as for its own pulls).</summary>
    public async Task<CredentialsAnswer> AskCredentialsAsync(string host, CancellationToken cancellation)
    {
        var request = Interlocked.Increment(ref lastRequest);
        var answer = new TaskCompletionSource<CredentialsAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[request] = answer;
        try
        {
            Send(new HostEvent(SessionMessages.Credentials, Request: request, Host: host));
            return await answer.Task.WaitAsync(cancellation);
        }
        finally
        {
            pending.TryRemove(request, out _);
        }
    }

    /// <summary>Reads answers until standard input ends; questions still open then are cancelled.</summary>
    public async Task ReadAnswersAsync()
    {
        while (await input.ReadLineAsync() is { } line)
        {
            var answer = SessionMessages.Parse<CredentialsAnswer>(line);
            if (pending.TryGetValue(answer.Request, out var waiting))
            {
                waiting.TrySetResult(answer);
            }
        }

        foreach (var waiting in pending.Values)
        {
            waiting.TrySetCanceled();
        }
    }
}
