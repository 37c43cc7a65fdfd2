using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containerize.Pipeline;

/// <summary>container-image.json: what CI steps read after a build. It never holds a secret.</summary>
public static class ImageReport
{
    public const string FileName = "container-image.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Write(string path, ContainerizeResult result)
    {
        var report = new
        {
            References = result.References,
            ImageId = result.ImageId,
            Digest = result.Digest,
            Base = new { Name = result.BaseName, Digest = result.BaseDigest },
            Backend = result.Backend,
            Platforms = result.Platforms,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(report, Options) + "\n");
    }
}
