namespace Containerize.Tests.Unit.Support;

/// <summary>
/// docker-credential-NAME shell scripts in a temporary folder that is first on this process's PATH while this object
/// lives (Unix only). Each script records its arguments and standard input before it answers, so a test can check
/// what the credential helper protocol sent. The unit tests do not run in parallel, so changing PATH is safe.
/// </summary>
internal sealed class FakeCredentialHelpers : IDisposable
{
    private readonly TemporaryDirectory folder = new();
    private readonly string? originalPath = Environment.GetEnvironmentVariable("PATH");

    public FakeCredentialHelpers() =>
        Environment.SetEnvironmentVariable("PATH", folder.Path + System.IO.Path.PathSeparator + originalPath);

    /// <summary>A helper that prints this JSON object and exits with 0.</summary>
    public static string Answering(string json) => $"cat <<'ANSWER'\n{json}\nANSWER\n";

    /// <summary>A helper that prints this text and exits with this code.</summary>
    public static string Failing(int exitCode, string output) => $"cat <<'ANSWER'\n{output}\nANSWER\nexit {exitCode}\n";

    /// <summary>Writes docker-credential-<paramref name="name"/>; it records what it received, then runs <paramref name="body"/>.</summary>
    public void Add(string name, string body) =>
        AddScript(name, $"printf '%s|' \"$@\" > '{RecordPath(name, "arguments")}'\ncat > '{RecordPath(name, "input")}'\n{body}");

    /// <summary>Writes docker-credential-<paramref name="name"/> that runs <paramref name="body"/> without reading its input.</summary>
    public void AddUnreading(string name, string body) => AddScript(name, body);

    private void AddScript(string name, string body)
    {
        var script = folder.WriteFile("docker-credential-" + name, "#!/bin/sh\n" + body);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Whether docker-credential-<paramref name="name"/> was run.</summary>
    public bool WasRun(string name) => File.Exists(RecordPath(name, "input"));

    /// <summary>The arguments the helper received, each followed by '|'.</summary>
    public string ArgumentsOf(string name) => File.ReadAllText(RecordPath(name, "arguments"));

    /// <summary>What the helper read from its standard input.</summary>
    public string InputOf(string name) => File.ReadAllText(RecordPath(name, "input"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PATH", originalPath);
        folder.Dispose();
    }

    private string RecordPath(string name, string what) => folder.Combine($"{name}.{what}");
}
