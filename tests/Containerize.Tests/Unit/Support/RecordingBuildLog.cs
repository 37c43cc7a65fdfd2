using Containerize.Diagnostics;

namespace Containerize.Tests.Unit.Support;

/// <summary>An <see cref="IBuildLog"/> that keeps what it is told (lines from any thread: lock <see cref="Lines"/> to read them meanwhile).</summary>
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

    public void Report(Diagnostic diagnostic) => Diagnostics.Add(diagnostic);
}
