namespace Containerize.Diagnostics;

/// <summary>Where the components report progress; the MSBuild tasks forward it to the build log.</summary>
public interface IBuildLog
{
    /// <summary>Shown at normal verbosity: what the build is doing (engine build steps, the container's output).</summary>
    void Info(string message);

    /// <summary>Shown at every verbosity, the default (minimal) included: a long build step still running, say.</summary>
    void Important(string message);

    /// <summary>Shown at detailed verbosity.</summary>
    void Detail(string message);

    void Report(Diagnostic diagnostic);
}
