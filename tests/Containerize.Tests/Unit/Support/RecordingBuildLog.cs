using Containerize.Diagnostics;

namespace Containerize.Tests.Unit.Support;

/// <summary>An <see cref="IBuildLog"/> that keeps what it is told (lines and diagnostics from any thread — parallel uploads report retries: lock the list to read it meanwhile).</summary>
internal sealed class RecordingBuildLog : IBuildLog
{
    public List<string> Lines { get; } = [];

    public List<Diagnostic> Diagnostics { get; } = [];

    public void Info(string message) => Add(message);

    public void Important(string message) => Add(message);

    public void Detail(string message) => Add(message);

    private void Add(string message)
    {
        lock (Lines)
        {
            Lines.Add(message);
        }
    }

    public void Report(Diagnostic diagnostic)
    {
        lock (Diagnostics)
        {
            Diagnostics.Add(diagnostic);
        }
    }
}
