using Containerize.Diagnostics;

namespace Containerize.Registries;

/// <summary>
/// A registry failure that may pass when tried again (a 5xx answer, a reset connection, no answer in time).
/// The message is the reason, for retry messages; <see cref="Explain"/> gives the error once the attempts are used up.
/// </summary>
internal sealed class TransientRegistryException(string reason, Func<int, Diagnostic> explain, Exception? inner = null) : Exception(reason, inner)
{
    /// <summary>The CTZ error after this many attempts.</summary>
    public Diagnostic Explain(int attempts) => explain(attempts);
}
