using System.Text.Json;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Lock;

/// <summary>
/// -t:UpdateContainerLock: asks each base image's registry (with the in-process registry client, no engine) what its
/// tag names now — the index's digest and the manifest of each of its platforms, or the one manifest and the platform
/// of its config — and makes the lock of them.
/// </summary>
/// <param name="clientFor">A registry client for a host, with the pull credentials the build would use.</param>
public sealed class BaseImageLocker(Func<string, RegistryClient> clientFor, IBuildLog log)
{
    /// <exception cref="ContainerizeException">CTZ2035 when no registry holds a base (an image only in the engine cannot be locked); the registry client's CTZ3xxx otherwise.</exception>
    public async Task<BaseImageLock> LockAsync(IReadOnlyList<ImageReference> references, CancellationToken cancellation)
    {
        var bases = new Dictionary<string, LockedBase>(StringComparer.Ordinal);
        foreach (var group in references.GroupBy(RegistryNames.HostOf))
        {
            using var client = clientFor(group.Key);
            foreach (var reference in group)
            {
                bases[reference.ToString()] = await LockAsync(client, reference, cancellation);
                log.Detail($"{reference} is {bases[reference.ToString()].Digest}.");
            }
        }

        return new BaseImageLock(bases);
    }

    private static async Task<LockedBase> LockAsync(RegistryClient client, ImageReference reference, CancellationToken cancellation)
    {
        ManifestResponse manifest;
        try
        {
            manifest = await client.GetManifestAsync(reference.Repository, reference.Tag ?? "latest", cancellation);
        }
        catch (ContainerizeException exception) when (exception.Diagnostic.Code == Errors.BaseImageNotInRegistryCode)
        {
            throw new ContainerizeException(Errors.BaseCannotBeLocked(reference.ToString(), client.Registry), exception);
        }

        using var document = JsonDocument.Parse(manifest.Content);
        if (MediaTypes.IsIndex(manifest.MediaType))
        {
            var platforms = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.GetProperty("manifests").Deserialize<List<Descriptor>>()!)
            {
                // Attestations and other artifacts beside the images have no platform, or "unknown/unknown".
                if (entry.Platform is { Os: not "unknown" } platform)
                {
                    platforms.TryAdd(platform.ToString(), entry.Digest);
                }
            }

            return new LockedBase(manifest.Digest, platforms);
        }

        var config = document.RootElement.GetProperty("config").Deserialize<Descriptor>()!;
        using var buffer = new MemoryStream();
        await client.DownloadBlobAsync(reference.Repository, config.Digest, buffer, cancellation);
        using var configJson = JsonDocument.Parse(buffer.ToArray());
        var root = configJson.RootElement;
        var only = new Platform(Text(root, "os") ?? "linux", Text(root, "architecture") ?? "amd64") { Variant = Text(root, "variant") };
        return new LockedBase(manifest.Digest, new Dictionary<string, string> { [only.ToString()] = manifest.Digest });
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
