namespace Containerize.Diagnostics;

/// <summary>
/// Every CTZ code and message, one file per range (Errors.Configuration.cs, Errors.Build.cs, Errors.Registries.cs), and
/// here the messages without a code (retries and notes). docs/errors.md lists the same codes; a test keeps the two in step.
/// CTZ1xxx: configuration (reported before any engine or registry call; CTZ1002 is raised by buildMultiTargeting/Containerize.targets).
/// CTZ2xxx: the engine and the build. CTZ3xxx: registries and credentials.
/// </summary>
public static partial class Errors
{
    public static Diagnostic VersionTagAdjusted(string version, string tag) => new("",
        $"The version '{version}' is not a valid image tag; it is tagged '{tag}' ('+' becomes '-').", Severity.Message);

    public static Diagnostic EngineRetry(string operation, string reason, int attempt, int attempts, TimeSpan delay) => new("",
        $"The engine failed to {operation} ({reason}); trying again in {delay.TotalSeconds:0.#} s (attempt {attempt + 1} of {attempts}).", Severity.Message);

    public static Diagnostic PushRetry(string reference, string reason, int attempt, int attempts, TimeSpan delay) => new("",
        $"Pushing {reference} failed ({reason}); trying again in {delay.TotalSeconds:0.#} s (attempt {attempt + 1} of {attempts}).", Severity.Message);

    public static Diagnostic RegistryRetry(string registry, string operation, string reason, int attempt, int attempts, TimeSpan delay) => new("",
        $"The registry {registry} failed to {operation} ({reason}); trying again in {delay.TotalSeconds:0.#} s (attempt {attempt + 1} of {attempts}).", Severity.Message);

    public static Diagnostic CachedBlobReplaced(string path, string digest) => new("",
        $"The cached blob {path} does not match its digest {digest}; it is removed and downloaded again.", Severity.Message);

    /// <summary>A message of .NET (an exception's) as a clause of ours: without its closing period.</summary>
    private static string Clause(string message) => message.Trim().TrimEnd('.');
}
