using System.Text.Json;

namespace Containerize.Tests.Infrastructure;

/// <summary>The docker CLI, for checking what the engine holds independently of the code under test.</summary>
public static class DockerCli
{
    public static ProcessResult Run(params string[] arguments) =>
        ProcessRunner.Run("docker", arguments, timeout: TimeSpan.FromMinutes(5));

    /// <summary>docker image inspect, as JSON.</summary>
    public static JsonElement InspectImage(string reference)
    {
        var result = Run("image", "inspect", reference).ShouldSucceed();
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement[0].Clone();
    }

    public static bool ImageExists(string reference) => Run("image", "inspect", reference).ExitCode == 0;

    public static string[] Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(item => item.GetString()!).ToArray() : [];

    public static Dictionary<string, string> Labels(JsonElement image) =>
        image.GetProperty("Config").GetProperty("Labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    public static string[] LayerDiffIds(JsonElement image) => Strings(image.GetProperty("RootFS").GetProperty("Layers"));

    /// <summary>The engine's events of the given type between two times, one per line.</summary>
    public static string[] Events(DateTimeOffset since, DateTimeOffset until, string type)
    {
        static string Seconds(DateTimeOffset time) => (time.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        var result = Run("events", "--since", Seconds(since), "--until", Seconds(until), "--filter", "type=" + type, "--format", "{{.Action}} {{.Actor.ID}}").ShouldSucceed();
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
