using System.Text;
using System.Text.Json;

namespace Containerize.Backends.BuildKit;

/// <summary>The engine's build request for BuildKit: POST /build with the context as the body, and what its refusal says.</summary>
public static class BuildKitRequest
{
    /// <summary>The request's path and query: version=2 (BuildKit), in the session <paramref name="sessionId"/> when there is one to call back.</summary>
    public static string Path(string dockerfile, IReadOnlyList<string> references, string networkMode, IReadOnlyList<KeyValuePair<string, string>> buildArgs, string? sessionId)
    {
        var query = new StringBuilder("/build?version=2&rm=1&forcerm=1");
        void Add(string name, string value) => query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        Add("dockerfile", dockerfile);
        foreach (var reference in references)
        {
            Add("t", reference);
        }

        if (networkMode.Length > 0)
        {
            Add("networkmode", networkMode);
        }

        if (buildArgs.Count > 0)
        {
            Add("buildargs", JsonSerializer.Serialize(buildArgs.ToDictionary(argument => argument.Key, argument => argument.Value)));
        }

        if (sessionId is not null)
        {
            Add("session", sessionId);
        }

        return query.ToString();
    }

    /// <summary>The engine's message from a refusal's body ({"message": "…"}), else the body itself.</summary>
    public static string ErrorOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        return body.Trim();
    }
}
