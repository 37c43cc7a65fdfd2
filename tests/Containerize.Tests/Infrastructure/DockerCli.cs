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

    /// <summary>
    /// Runs the image detached with network host, waits up to 30 s for its health check to say healthy, then removes
    /// the container and returns the last health status seen; <paramref name="whileRunning"/> runs first once healthy.
    /// </summary>
    public static async Task<string> HealthStatusAsync(string reference, Func<Task>? whileRunning = null)
    {
        var container = Run("run", "-d", "--network", "host", reference).ShouldSucceed().Output.Trim();
        try
        {
            var status = "";
            for (var attempt = 0; attempt < 60 && status != "healthy"; attempt++)
            {
                await Task.Delay(500);
                status = Run("inspect", "--format", "{{.State.Health.Status}}", container).ShouldSucceed().Output.Trim();
            }

            if (status == "healthy" && whileRunning is not null)
            {
                await whileRunning();
            }

            return status;
        }
        finally
        {
            Run("rm", "-f", container);
        }
    }

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
