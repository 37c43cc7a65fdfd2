using System.Net;
using Containerize.Diagnostics;

namespace Containerize.Registries;

/// <summary>
/// How a registry's answers and failures become errors: a 5xx or 429 is a transient failure (tried again, CTZ3010
/// after the last attempt), any other unexpected status CTZ3010 at once, an answer that broke off a transient
/// CTZ3003; and the wording these messages share.
/// </summary>
internal static class RegistryFailures
{
    /// <summary>A 5xx answer or 429 Too Many Requests: worth trying again after a pause.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) => (int)status >= 500 || status == HttpStatusCode.TooManyRequests;

    /// <summary>The error for an answer the caller did not expect, with the registry's own error from its body; disposes the answer.</summary>
    public static async Task<Exception> UnexpectedAsync(RegistryEndpoint endpoint, HttpResponseMessage response, string operation, CancellationToken cancellation)
    {
        using (response)
        {
            return Unexpected(endpoint, response, operation, await RegistryErrorBody.ReadAsync(response, cancellation));
        }
    }

    /// <inheritdoc cref="UnexpectedAsync"/>
    public static Exception Unexpected(RegistryEndpoint endpoint, HttpResponseMessage response, string operation, RegistryErrorBody body)
    {
        var status = Status(response);
        var name = endpoint.NameOf(response);
        return IsTransientStatus(response.StatusCode)
            ? new TransientRegistryException(status, attempts => Errors.RegistryRequestFailed(name, operation, status, body.Summary, attempts))
            : new ContainerizeException(Errors.RegistryRequestFailed(name, operation, status, body.Summary));
    }

    /// <summary>An answer whose body broke off: a transient failure, CTZ3003 when it lasts.</summary>
    public static TransientRegistryException BrokenOff(string registry, Exception exception)
    {
        var reason = "the answer broke off: " + Reason(exception);
        return new TransientRegistryException(reason, attempts => Errors.RegistryUnreachable(registry, $"{reason}, {Times(attempts)}"), exception);
    }

    /// <summary>"404 Not Found", as messages show a status.</summary>
    public static string Status(HttpResponseMessage response) => $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();

    public static string Times(int attempts) => attempts == 1 ? "on the only attempt" : $"on each of {attempts} attempts";

    /// <summary>The exception's message and those of its causes, without repeats.</summary>
    public static string Reason(Exception exception)
    {
        var parts = new List<string>();
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (!parts.Any(part => part.Contains(current.Message, StringComparison.Ordinal)))
            {
                parts.Add(current.Message.TrimEnd('.'));
            }
        }

        return string.Join(": ", parts);
    }

    /// <summary>The exception or the first of its causes of type <typeparamref name="T"/>.</summary>
    public static T? Inner<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
