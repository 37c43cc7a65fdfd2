using System.Text;
using System.Text.Json;
using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Registries;

namespace Containerize.Sbom;

/// <summary>
/// The OS files of a base image, kept beside the blob cache (os-scans/&lt;key&gt;.json) once they were read: the scan
/// is a function of the digests that fix the image's content — its layers' digests in a registry (daemonless, BuildKit
/// daemon), its image ID in an engine (a digest of the configuration, which lists the layers' own) — so the next build
/// on the same base reads a few kilobytes instead of decompressing the whole base image (needing none of its layers,
/// which a push only mounts) or making a container of it.
/// </summary>
/// <param name="folder">The blob cache's folder.</param>
public sealed class OsScanCache(string folder)
{
    /// <returns>The scan of these layers, or null when none is kept (or the kept one cannot be read: it is made again).</returns>
    public ImageOsScan? Find(IReadOnlyList<string> contentDigests)
    {
        try
        {
            var path = PathOf(contentDigests);
            return FileKinds.OfTarget(path) == FileKind.File ? JsonSerializer.Deserialize<ImageOsScan>(File.ReadAllBytes(path)) : null;
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException || FileFailures.IsFileSystem(exception))
        {
            return null;
        }
    }

    /// <exception cref="ContainerizeException">CTZ2022 (the blob cache is unusable) when it cannot be written.</exception>
    public void Save(IReadOnlyList<string> contentDigests, ImageOsScan scan) =>
        AtomicFile.Write(PathOf(contentDigests), output => JsonSerializer.Serialize(output, scan), reason => Errors.BlobCacheUnusable(folder, reason));

    /// <summary>os-scans/&lt;SHA-256 of the digests, one per line&gt;.json.</summary>
    private string PathOf(IReadOnlyList<string> contentDigests) =>
        Path.Combine(folder, "os-scans", Sha256Digest.Of(Encoding.UTF8.GetBytes(string.Join('\n', contentDigests)))[Sha256Digest.Prefix.Length..] + ".json");
}
