using Containerize.Diagnostics;

namespace Containerize.Backends;

/// <summary>
/// A build the engine reported as failed (CTZ2005): its reason, the step that failed and that step's last output lines.
/// <see cref="IsTransient"/> when the engine itself failed and the same build passes when sent again.
/// </summary>
public sealed class EngineBuildException(string reason, string? step, IReadOnlyList<string> output) : Exception(reason)
{
    /// <summary>
    /// containerd's snapshot garbage collection racing the unpacking of a layer (the containerd image store, Docker
    /// Engine 28 and 29: "failed to prepare extraction snapshot …: parent snapshot sha256:… does not exist: not found",
    /// seen in this repository's suite; containerd/containerd#3787, ddev/ddev#8136).
    /// </summary>
    private static readonly string[] EngineRaceSigns = ["failed to prepare extraction snapshot"];

    public bool IsTransient => EngineRaceSigns.Any(sign => Message.Contains(sign, StringComparison.OrdinalIgnoreCase));

    public Diagnostic Diagnostic => Errors.BuildFailed(Message, step, output);
}
