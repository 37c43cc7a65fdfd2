using Containerize.Diagnostics;

namespace Containerize.Tests.Unit.Support;

/// <summary>An <see cref="IBuildLog"/> that keeps what it is told.</summary>
internal sealed class RecordingBuildLog : IBuildLog
{
    public List<string> Lines { get; } = [];

    public List<Diagnostic> Diagnostics { get; } = [];

    public void Info(string message) => Lines.Add(message);

    public void Important(string message) => Lines.Add(message);

    public void Detail(string message) => Lines.Add(message);

    public void Report(Diagnostic diagnostic) => Diagnostics.Add(diagnostic);
}
