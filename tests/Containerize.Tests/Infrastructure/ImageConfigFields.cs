using System.Text.Json;
using System.Text.Json.Nodes;

namespace Containerize.Tests.Infrastructure;

/// <summary>The image config fields the backends are compared on, read the same way from docker inspect and from skopeo.</summary>
public static class ImageConfigFields
{
    public static readonly string[] Compared = ["Env", "Entrypoint", "Cmd", "User", "WorkingDir", "ExposedPorts", "Labels", "Healthcheck", "StopSignal", "Volumes"];

    /// <summary>A config field as compact JSON, with object keys sorted and absent, null and empty treated alike.</summary>
    public static string Normalized(JsonElement config, string field)
    {
        if (!config.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null || value.ToString() is "" or "[]" or "{}")
        {
            return "absent";
        }

        return value.ValueKind == JsonValueKind.Object
            ? JsonSerializer.Serialize(value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
                .ToDictionary(p => p.Name, p => JsonNode.Parse(p.Value.GetRawText())?.ToJsonString() ?? "null"))
            : JsonNode.Parse(value.GetRawText())!.ToJsonString();
    }
}
