using Containerize.Diagnostics;

namespace Containerize.Registries;

/// <summary>
/// What an engine's push error means. The engine reports registry failures as text in its progress stream;
/// these are the texts of the Docker engine (distribution, and containerd for its image store) and Podman for each kind of failure.
/// </summary>
public static class PushFailure
{
    private static readonly string[] TransientSigns =
    [
        "connection reset", "broken pipe", ": EOF", "unexpected EOF", "i/o timeout", "TLS handshake timeout", "Client.Timeout",
        "received unexpected HTTP status: 5", "500 Internal Server Error", "502 Bad Gateway", "503 Service Unavailable", "504 Gateway Timeout",
        "toomanyrequests",
    ];

    private static readonly string[] CredentialSigns = ["unauthorized", "authentication required", "no basic auth credentials", "incorrect username or password"];

    private static readonly string[] UnreachableSigns = ["connection refused", "no such host", "dial tcp", "network is unreachable", "i/o timeout", "no route to host"];

    /// <summary>True for a failure that may pass if tried again: a reset connection, a 5xx answer, a timeout, rate limiting.</summary>
    public static bool IsTransient(string message) =>
        TransientSigns.Any(sign => message.Contains(sign, StringComparison.OrdinalIgnoreCase)) || message.Trim() == "EOF";

    /// <summary>The CTZ error for a push that failed for good.</summary>
    public static Diagnostic Explain(string message, string registry, string reference, RegistryCredentials? credentials, int attempts)
    {
        if (CredentialSigns.Any(sign => message.Contains(sign, StringComparison.OrdinalIgnoreCase)))
        {
            return Errors.RegistryRejectedCredentials(registry, credentials);
        }

        // The containerd image store (Docker 28) reports a refusal as "unexpected status from HEAD request to …: 403 Forbidden".
        if (message.StartsWith("denied", StringComparison.OrdinalIgnoreCase) || message.Contains("requested access to the resource is denied", StringComparison.OrdinalIgnoreCase)
            || message.EndsWith(": 403 Forbidden", StringComparison.Ordinal))
        {
            return Errors.RegistryDenied(registry, reference, credentials);
        }

        if (message.Contains("server gave HTTP response to HTTPS client", StringComparison.OrdinalIgnoreCase))
        {
            return Errors.EngineRequiresHttps(registry, message);
        }

        if (UnreachableSigns.Any(sign => message.Contains(sign, StringComparison.OrdinalIgnoreCase)))
        {
            return Errors.RegistryUnreachable(registry, message, throughEngine: true);
        }

        return Errors.PushFailed(reference, message, attempts);
    }
}
