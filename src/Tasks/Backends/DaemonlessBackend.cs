using System.Text.Json;
using System.Text.Json.Nodes;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Backends;

/// <summary>
/// An OCI image made in-process from the same spec the Dockerfile comes from: the base image's manifest and config
/// from its registry, the app's layers written as reproducible gzip tars, the config and manifest in the base image's
/// format. It then goes to a registry, an archive, or the engine.
/// </summary>
public sealed class DaemonlessBackend(BlobCache cache, IBuildLog log)
{
    /// <summary>The base image for one platform: what its registry serves, and the config as JSON.</summary>
    public sealed record BaseImage(RegistryClient Client, string Repository, string ManifestMediaType, string ManifestDigest, Descriptor Config, JsonObject ConfigJson, IReadOnlyList<Descriptor> Layers)
    {
        public BaseImageFacts Facts => new(Config.Digest, ManifestDigest, Environment());

        private IReadOnlyDictionary<string, string> Environment() =>
            (ConfigJson["config"]?["Env"]?.AsArray() ?? [])
                .Select(entry => entry?.GetValue<string>().Split('=', 2) ?? [])
                .Where(parts => parts.Length == 2)
                .GroupBy(parts => parts[0])
                .ToDictionary(group => group.Key, group => group.Last()[1]);
    }

    /// <summary>A made image: its config and manifest, and every layer (the base image's, then the app's files on disk).</summary>
    public sealed record OciImage(byte[] Config, Descriptor ConfigDescriptor, byte[] Manifest, string ManifestMediaType, string ManifestDigest, IReadOnlyList<Descriptor> BaseLayers, IReadOnlyList<BuiltLayer> AppLayers, Platform Platform);

    /// <summary>The base image's manifest for the platform (chosen from an index if the reference names one) and its config.</summary>
    public async Task<BaseImage> GetBaseImageAsync(RegistryClient client, ImageReference reference, Platform platform, CancellationToken cancellation)
    {
        var manifest = await client.GetManifestAsync(reference.Repository, reference.Digest ?? reference.Tag ?? "latest", cancellation);
        if (MediaTypes.IsIndex(manifest.MediaType))
        {
            var entry = ImageIndex.Find(manifest.Content, platform)
                ?? throw new ContainerizeException(Errors.BasePlatformMissing(reference.ToString(), platform.ToString()));
            manifest = await client.GetManifestAsync(reference.Repository, entry.Digest, cancellation);
        }

        using var document = JsonDocument.Parse(manifest.Content);
        var config = document.RootElement.GetProperty("config").Deserialize<Descriptor>()!;
        var layers = document.RootElement.GetProperty("layers").Deserialize<List<Descriptor>>()!;
        var configPath = await BlobAsync(client, reference.Repository, config.Digest, cancellation);
        var configJson = JsonNode.Parse(await File.ReadAllBytesAsync(configPath, cancellation))!.AsObject();
        return new BaseImage(client, reference.Repository, manifest.MediaType, manifest.Digest, config, configJson, layers);
    }

    /// <summary>
    /// The config and the manifest (in the base image's format), and the app's layers in <paramref name="layerFolder"/>
    /// (written unless an earlier run left them there: <see cref="LayerWriter.WriteOrReuse"/>).
    /// </summary>
    /// <param name="time">The time of the layers' files; the config's is <see cref="ContainerSpec.Created"/>.</param>
    public OciImage Build(BaseImage baseImage, ContainerSpec spec, string layerFolder, DateTimeOffset time)
    {
        Directory.CreateDirectory(layerFolder);
        var (configType, layerType) = MediaTypes.For(baseImage.ManifestMediaType);
        var layers = spec.AllLayers.Select(layer => LayerWriter.WriteOrReuse(layer, spec.WorkingDirectory, layerFolder, time, layerType)).ToList();
        var config = ImageConfigWriter.Write(baseImage.ConfigJson.DeepClone().AsObject(), spec, layers, spec.Created);
        var configDescriptor = new Descriptor(configType, ManifestWriter.Digest(config), config.Length);
        var manifest = ManifestWriter.WriteManifest(baseImage.ManifestMediaType, configDescriptor, baseImage.Layers.Concat(layers.Select(layer => layer.Descriptor)).ToList());
        var platform = new Platform(baseImage.ConfigJson["os"]?.GetValue<string>() ?? "linux", baseImage.ConfigJson["architecture"]?.GetValue<string>() ?? "amd64")
        {
            Variant = baseImage.ConfigJson["variant"]?.GetValue<string>(),
        };
        return new OciImage(config, configDescriptor, manifest, baseImage.ManifestMediaType, ManifestWriter.Digest(manifest), baseImage.Layers, layers, platform);
    }

    /// <summary>
    /// Sends what the registry lacks — checked blob by blob, <see cref="ConcurrentUploads"/> at once, base layers mounted
    /// from the base repository when it is on the same registry — then the manifest for each tag.
    /// </summary>
    /// <returns>The manifest digest.</returns>
    public async Task<string> PushAsync(RegistryClient target, string repository, IReadOnlyList<string> tags, BaseImage baseImage, OciImage image, CancellationToken cancellation)
    {
        await PushBlobsAsync(target, repository, baseImage, image, cancellation);
        return await PutAsync(target, repository, tags, image.ManifestMediaType, image.Manifest, cancellation);
    }

    /// <summary>
    /// One image per platform, then an index of them for each tag: each manifest goes to the registry by its digest,
    /// the index (a Docker manifest list or an OCI index, as the base images' format) by tag.
    /// </summary>
    /// <returns>The index's digest.</returns>
    public async Task<string> PushIndexAsync(RegistryClient target, string repository, IReadOnlyList<string> tags, IReadOnlyList<(BaseImage Base, OciImage Image)> images, CancellationToken cancellation)
    {
        foreach (var (baseImage, image) in images)
        {
            await PushBlobsAsync(target, repository, baseImage, image, cancellation);
            await target.PutManifestAsync(repository, image.ManifestDigest, image.ManifestMediaType, image.Manifest, cancellation);
        }

        var indexType = images.Any(entry => MediaTypes.IsOci(entry.Image.ManifestMediaType)) ? MediaTypes.OciIndex : MediaTypes.DockerManifestList;
        return await PutAsync(target, repository, tags, indexType, Index(indexType, images.Select(entry => (entry.Image.Manifest, entry.Image.ManifestMediaType, entry.Image.Platform))), cancellation);
    }

    /// <summary>An image index (or Docker manifest list) of one manifest per platform.</summary>
    /// <param name="more">Entries after the images' (an OCI archive's attestation manifests).</param>
    public static byte[] Index(string indexMediaType, IEnumerable<(byte[] Manifest, string MediaType, Platform Platform)> manifests, IEnumerable<Descriptor>? more = null) =>
        ManifestWriter.WriteIndex(indexMediaType, manifests
            .Select(entry => new Descriptor(entry.MediaType, ManifestWriter.Digest(entry.Manifest), entry.Manifest.Length) { Platform = entry.Platform })
            .Concat(more ?? [])
            .ToList());

    private async Task<string> PutAsync(RegistryClient target, string repository, IReadOnlyList<string> tags, string mediaType, byte[] content, CancellationToken cancellation)
    {
        var digest = ManifestWriter.Digest(content);
        foreach (var tag in tags)
        {
            digest = await target.PutManifestAsync(repository, tag, mediaType, content, cancellation);
            log.Info($"Pushed {target.Registry}/{repository}:{tag} ({digest})");
        }

        return digest;
    }

    /// <summary>
    /// How many blobs are looked up, mounted or sent at once. Measured on the benchmark app (docs/design.md (n)): the
    /// small blobs and the mounts overlap the large upload, and the cold push takes about a fifth less than one at a time.
    /// </summary>
    internal const int ConcurrentUploads = 3;

    /// <summary>Every blob of the image the registry lacks: base layers mounted or sent, the app's layers, the config; <see cref="ConcurrentUploads"/> at a time.</summary>
    private async Task PushBlobsAsync(RegistryClient target, string repository, BaseImage baseImage, OciImage image, CancellationToken cancellation)
    {
        var sameRegistry = target.Registry == baseImage.Client.Registry;
        var blobs = image.BaseLayers.Select(layer => (Func<CancellationToken, Task>)(token => PushBaseLayerAsync(target, repository, baseImage, layer, sameRegistry, token)))
            .Concat(image.AppLayers.Select(layer => (Func<CancellationToken, Task>)(token => PushAppLayerAsync(target, repository, layer, token))))
            .Append(token => PushConfigAsync(target, repository, image, token));
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentUploads, CancellationToken = cancellation }, async (push, token) => await push(token));
    }

    private async Task PushBaseLayerAsync(RegistryClient target, string repository, BaseImage baseImage, Descriptor layer, bool sameRegistry, CancellationToken cancellation)
    {
        if (await target.BlobExistsAsync(repository, layer.Digest, cancellation)
            || (sameRegistry && await target.TryMountBlobAsync(repository, layer.Digest, baseImage.Repository, cancellation)))
        {
            return;
        }

        var path = await BlobAsync(baseImage.Client, baseImage.Repository, layer.Digest, cancellation);
        await target.UploadBlobAsync(repository, layer.Digest, layer.Size, () => File.OpenRead(path), cancellation);
    }

    private async Task PushAppLayerAsync(RegistryClient target, string repository, BuiltLayer layer, CancellationToken cancellation)
    {
        if (!await target.BlobExistsAsync(repository, layer.Descriptor.Digest, cancellation))
        {
            log.Info($"Uploading {layer.Descriptor.Digest} ({layer.Descriptor.Size:N0} bytes)");
            await target.UploadBlobAsync(repository, layer.Descriptor.Digest, layer.Descriptor.Size, () => File.OpenRead(layer.Path), cancellation);
        }
    }

    private static async Task PushConfigAsync(RegistryClient target, string repository, OciImage image, CancellationToken cancellation)
    {
        if (!await target.BlobExistsAsync(repository, image.ConfigDescriptor.Digest, cancellation))
        {
            await target.UploadBlobAsync(repository, image.ConfigDescriptor.Digest, image.Config.Length, () => new MemoryStream(image.Config, writable: false), cancellation);
        }
    }

    /// <summary>
    /// The manifest in OCI media types, for an OCI image layout (tools reading one look for OCI manifests): the same
    /// config and layer bytes, so only the manifest — and its digest — differ from a Docker-format one.
    /// </summary>
    public static byte[] OciManifest(OciImage image)
    {
        static Descriptor AsOci(Descriptor descriptor, string mediaType) => descriptor with { MediaType = mediaType };
        var layers = image.BaseLayers.Select(layer => layer.MediaType == MediaTypes.DockerLayerGzip ? AsOci(layer, MediaTypes.OciLayerGzip) : layer)
            .Concat(image.AppLayers.Select(layer => AsOci(layer.Descriptor, MediaTypes.OciLayerGzip)))
            .ToList();
        return MediaTypes.IsOci(image.ManifestMediaType)
            ? image.Manifest
            : ManifestWriter.WriteManifest(MediaTypes.OciManifest, AsOci(image.ConfigDescriptor, MediaTypes.OciConfig), layers);
    }

    /// <summary>Every layer of the image as a file: the base image's from the cache (downloaded once), the app's as written.</summary>
    public async Task<IReadOnlyList<(Descriptor Descriptor, string Path)>> LayerFilesAsync(BaseImage baseImage, OciImage image, CancellationToken cancellation)
    {
        var files = new List<(Descriptor, string)>();
        foreach (var layer in image.BaseLayers)
        {
            files.Add((layer, await BlobAsync(baseImage.Client, baseImage.Repository, layer.Digest, cancellation)));
        }

        files.AddRange(image.AppLayers.Select(layer => (layer.Descriptor, layer.Path)));
        return files;
    }

    /// <summary>
    /// The OS package files of a base image (dpkg, apk, os-release): its layers from the blob cache (downloaded once),
    /// read in order, whiteouts applied (<see cref="Sbom.ImageOsFilesReader"/>) — once per base: what they hold is kept
    /// in <see cref="Sbom.OsScanCache"/> for the next build.
    /// </summary>
    public async Task<Sbom.ImageOsScan> ScanBaseAsync(BaseImage baseImage, CancellationToken cancellation)
    {
        var scans = new Sbom.OsScanCache(cache.Folder);
        var digests = baseImage.Layers.Select(layer => layer.Digest).ToList();
        if (scans.Find(digests) is { } known)
        {
            log.Detail($"The base image's OS files: from {cache.Folder}/os-scans (its layers were read before).");
            return known;
        }

        var scan = await ReadBaseOsFilesAsync(baseImage, cancellation);
        scans.Save(digests, scan);
        return scan;
    }

    private async Task<Sbom.ImageOsScan> ReadBaseOsFilesAsync(BaseImage baseImage, CancellationToken cancellation)
    {
        var layers = new List<Sbom.LayerSource>();
        foreach (var layer in baseImage.Layers)
        {
            var path = await BlobAsync(baseImage.Client, baseImage.Repository, layer.Digest, cancellation);
            layers.Add(new Sbom.LayerSource(layer.Digest, () => File.OpenRead(path)));
        }

        return await Sbom.ImageOsFilesReader.ReadAsync(layers, layers.Count, cancellation);
    }

    private Task<string> BlobAsync(RegistryClient client, string repository, string digest, CancellationToken cancellation) => FileSystem.FileFailures.GuardAsync(
        () => cache.GetAsync(digest, client.Registry, stream => client.DownloadBlobAsync(repository, digest, stream, cancellation), cancellation), reason => Errors.BlobCacheUnusable(cache.Folder, reason));
}
