namespace Containerize.Registries;

/// <summary>A push the engine reported as failed, with the engine's text (see <see cref="PushFailure"/>).</summary>
/// <param name="engineRetried">
/// The engine already retried (its own layer uploads are tried five times over about a minute): trying the whole push
/// again would only multiply that wait.
/// </param>
public sealed class RegistryPushException(string message, bool engineRetried = false) : Exception(message)
{
    public bool EngineRetried { get; } = engineRetried;
}
