using System.Globalization;
using System.Text.Json.Nodes;
using Containerize.Dockerfile;
using Containerize.Spec;

namespace Containerize.Oci;

/// <summary>
/// The image config of the daemonless backend: the base image's config with the spec applied as the Dockerfile
/// would (ENV replaces a variable in place or appends it, LABEL and EXPOSE add to the base's, WORKDIR and USER set,
/// ENTRYPOINT resets CMD) and one rootfs diff id and history entry per layer. Only the base's platform, rootfs,
/// history, Volumes, StopSignal, Healthcheck (unless ContainerHealthCheck sets one, as HEALTHCHECK does) and Shell are
/// carried over — nothing of the machine it was built on
/// (no host name, container id or builder version). Compact UTF-8 JSON, keys in the order of the OCI image spec,
/// labels and ports by key (as Go's encoder writes maps), so the same inputs give the same digest.
/// </summary>
public static class ImageConfigWriter
{
    /// <summary>The history comment of each layer the backend adds.</summary>
    public const string HistoryComment = "containerize";

    private static readonly string[] PlatformKeys = ["architecture", "os", "os.version", "os.features", "variant"];

    /// <param name="baseConfig">The base image's config ("config", "rootfs", "history" may be missing, as for an image from scratch).</param>
    /// <param name="layers">The written layers, one for each of <see cref="ContainerSpec.AllLayers"/>, in that order.</param>
    /// <param name="created">The config's creation time and that of the new history entries.</param>
    public static byte[] Write(JsonObject baseConfig, ContainerSpec spec, IReadOnlyList<BuiltLayer> layers, DateTimeOffset created)
    {
        if (spec.User is null)
        {
            throw new InvalidOperationException("The spec has no user yet: complete it with the base image first.");
        }

        if (layers.Count != spec.AllLayers.Count())
        {
            throw new ArgumentException($"{layers.Count} layers were written for the spec's {spec.AllLayers.Count()}.", nameof(layers));
        }

        var time = Rfc3339(created);
        var image = new JsonObject { ["created"] = time };
        foreach (var key in PlatformKeys)
        {
            CopyIfPresent(baseConfig, image, key);
        }

        image["config"] = Config(baseConfig["config"] as JsonObject ?? [], spec);

        var diffIds = new JsonArray();
        foreach (var diffId in baseConfig["rootfs"]?["diff_ids"] as JsonArray ?? [])
        {
            diffIds.Add(diffId?.DeepClone());
        }

        foreach (var layer in layers)
        {
            diffIds.Add(layer.DiffId);
        }

        image["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = diffIds };

        var history = new JsonArray();
        foreach (var entry in baseConfig["history"] as JsonArray ?? [])
        {
            history.Add(entry?.DeepClone());
        }

        foreach (var layer in spec.AllLayers)
        {
            history.Add(new JsonObject
            {
                ["created"] = time,
                ["created_by"] = $"{DockerfileWriter.Copy(layer, spec.WorkingDirectory)} # {HistoryComment}",
                ["comment"] = HistoryComment,
            });
        }

        image["history"] = history;
        return ManifestWriter.Json(writer => image.WriteTo(writer));
    }

    /// <summary>RFC 3339 in UTC, with a fraction of a second only when there is one: 1970-01-01T00:00:00Z.</summary>
    public static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Config(JsonObject baseConfig, ContainerSpec spec)
    {
        var config = new JsonObject { ["User"] = spec.User };

        var ports = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (port, _) in baseConfig["ExposedPorts"] as JsonObject ?? [])
        {
            ports[port] = new JsonObject();
        }

        foreach (var port in spec.Ports)
        {
            ports[port.ToString()] = new JsonObject();
        }

        if (ports.Count > 0)
        {
            config["ExposedPorts"] = new JsonObject(ports);
        }

        var environment = MergedEnvironment(baseConfig["Env"] as JsonArray ?? [], spec.Environment);
        if (environment.Count > 0)
        {
            config["Env"] = new JsonArray(environment.Select(variable => (JsonNode)variable).ToArray());
        }

        // As in a Dockerfile: ENTRYPOINT drops the base's CMD; with no ENTRYPOINT, CMD replaces the base's.
        JsonNode? entrypoint = spec.Entrypoint.Count > 0 ? Strings(spec.Entrypoint) : baseConfig["Entrypoint"]?.DeepClone();
        JsonNode? cmd = spec.Cmd.Count > 0 ? Strings(spec.Cmd) : spec.Entrypoint.Count > 0 ? null : baseConfig["Cmd"]?.DeepClone();
        if (entrypoint is not null)
        {
            config["Entrypoint"] = entrypoint;
        }

        if (cmd is not null)
        {
            config["Cmd"] = cmd;
        }

        CopyIfPresent(baseConfig, config, "Volumes");
        config["WorkingDir"] = spec.WorkingDirectory;

        var labels = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in baseConfig["Labels"] as JsonObject ?? [])
        {
            labels[key] = value?.DeepClone();
        }

        foreach (var (key, value) in spec.Labels)
        {
            labels[key] = value;
        }

        if (labels.Count > 0)
        {
            config["Labels"] = new JsonObject(labels);
        }

        CopyIfPresent(baseConfig, config, "StopSignal");
        if (spec.HealthCheck is { } check)
        {
            config["Healthcheck"] = Healthcheck(check);
        }
        else
        {
            CopyIfPresent(baseConfig, config, "Healthcheck");
        }

        CopyIfPresent(baseConfig, config, "Shell");
        return config;
    }

    /// <summary>
    /// ContainerHealthCheck as HEALTHCHECK … CMD [exec form] makes it: the test ["CMD", …], durations in nanoseconds and
    /// the retries, each left out when not set (the engine's defaults then apply), in the engine's order.
    /// </summary>
    private static JsonObject Healthcheck(HealthCheck check)
    {
        var healthcheck = new JsonObject { ["Test"] = Strings(["CMD", .. check.Command]) };
        foreach (var (key, duration) in new[] { ("Interval", check.Interval), ("Timeout", check.Timeout), ("StartPeriod", check.StartPeriod) })
        {
            if (duration.Length > 0)
            {
                healthcheck[key] = Nanoseconds(duration);
            }
        }

        if (check.Retries.Length > 0)
        {
            healthcheck["Retries"] = int.Parse(check.Retries, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return healthcheck;
    }

    /// <summary>A duration as SpecResolver accepts it (30s, 1m, 500ms, 2h) in nanoseconds.</summary>
    private static long Nanoseconds(string duration)
    {
        var unit = duration.EndsWith("ms", StringComparison.Ordinal) ? "ms" : duration[^1..];
        var amount = long.Parse(duration[..^unit.Length], NumberStyles.None, CultureInfo.InvariantCulture);
        return amount * unit switch
        {
            "ms" => 1_000_000L,
            "s" => 1_000_000_000L,
            "m" => 60_000_000_000L,
            _ => 3_600_000_000_000L,
        };
    }

    /// <summary>The base's NAME=value list with the spec's variables replacing those of the same name in place, the others appended in spec order.</summary>
    private static List<string> MergedEnvironment(JsonArray baseEnvironment, IReadOnlyList<KeyValuePair<string, string>> environment)
    {
        var merged = baseEnvironment.Select(variable => variable?.GetValue<string>()).OfType<string>().ToList();
        foreach (var (name, value) in environment)
        {
            var index = merged.FindIndex(variable => NameOf(variable) == name);
            if (index >= 0)
            {
                merged[index] = name + "=" + value;
            }
            else
            {
                merged.Add(name + "=" + value);
            }
        }

        return merged;
    }

    private static string NameOf(string variable)
    {
        var equals = variable.IndexOf('=');
        return equals < 0 ? variable : variable[..equals];
    }

    private static JsonArray Strings(IReadOnlyList<string> values) => new(values.Select(value => (JsonNode)value).ToArray());

    private static void CopyIfPresent(JsonObject from, JsonObject to, string key)
    {
        if (from[key] is { } value)
        {
            to[key] = value.DeepClone();
        }
    }
}
