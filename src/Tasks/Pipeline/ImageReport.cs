using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Containerize.Diagnostics;
using Containerize.FileSystem;

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

    /// <summary>Written beside its place and moved there, so that CI never reads half a report.</summary>
    /// <exception cref="ContainerizeException">CTZ2021 when it cannot be written.</exception>
    public static void Write(string path, ContainerizeResult result)
    {
        var single = result.Sboms is [var only] ? only : null;
        var report = new
        {
            References = result.References,
            ImageId = result.ImageId,
            Digest = result.Digest,
            Base = new { Name = result.BaseName, Digest = result.BaseDigest },
            Backend = result.Backend,
            Platforms = result.Platforms,
            Sbom = single?.CycloneDx,
            Spdx = single?.Spdx,
            Sboms = Sboms(result),
            Provenance = result.Provenance,
            Signed = result.Signed,
        };
        var text = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(report, Options) + "\n");
        AtomicFile.Write(path, output => output.Write(text),
            reason => Errors.IntermediateFolderFailed(Path.GetDirectoryName(Path.GetFullPath(path))!, $"write {FileName}", reason));
    }

    /// <summary>
    /// "sboms": each platform's documents ({"cyclonedx": path, "spdx": path or null}), keyed as "platforms" names the
    /// platform (the image's own platform), or by the platform its runtime identifier names should "platforms" not
    /// name each once; empty for none.
    /// </summary>
    private static Dictionary<string, Dictionary<string, string?>> Sboms(ContainerizeResult result)
    {
        var byImage = result.Platforms.Distinct().Count() == result.Sboms.Count && result.Platforms.Count == result.Sboms.Count;
        return result.Sboms
            .Select((documents, index) => (Platform: byImage ? result.Platforms[index] : documents.Platform.ToString(), Documents: documents))
            .ToDictionary(entry => entry.Platform, entry => new Dictionary<string, string?> { ["cyclonedx"] = entry.Documents.CycloneDx, ["spdx"] = entry.Documents.Spdx });
    }
}
