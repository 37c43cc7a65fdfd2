using Containerize.Attestations;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// The daemonless backend's steps: up to date when every destination holds the image (one registry request, the
/// archive file, one engine request); each platform's base manifest and config read from its registry; the image made
/// in-process (<see cref="DaemonlessBackend"/>, one per platform); then pushed (an index for several platforms),
/// written to the archive, or loaded into the engine when it goes to no registry and no archive.
/// </summary>
/// <param name="clientFor">A registry client for a host, with the credentials for that access.</param>
/// <param name="engine">The engine to load the image into, or null; disposed with this.</param>
public sealed class DaemonlessImageBuild(DaemonlessBackend backend, Func<string, RegistryAccess, RegistryClient> clientFor, ImageJob job, DockerEngineBackend? engine, IBuildLog log)
    : IImageBackend<DaemonlessBackend.BaseImage, IReadOnlyList<(DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image)>>
{
    private readonly Lazy<RegistryClient?> pushClient = new(() => job.PushHost is null ? null : clientFor(job.PushHost, RegistryAccess.Push));
    private readonly Lazy<RegistryClient> baseClient = new(() => clientFor(job.BaseHost, RegistryAccess.Pull));

    /// <summary>
    /// What the daemonless backend cannot make, refused before a registry or engine is contacted: steps that run in the
    /// image, a user's Dockerfile, secrets, a chosen builder, owners by name (layers hold numbers).
    /// </summary>
    public static void Refuse(ImageJob job)
    {
        if (job.Spec.BuildSecrets.Count > 0)
        {
            throw new ContainerizeException(Errors.SecretsNeedBuildKit(
                "the daemonless backend (ContainerizeBackend auto, with no engine)", "Start a Docker engine or name one with ContainerDockerHost, or remove the ContainerBuildSecret items."));
        }

        if (job.Spec.NeedsEngine)
        {
            throw new ContainerizeException(Errors.StepsNeedTheEngine());
        }

        var builder = job.Request.Settings.Builder.Trim().ToLowerInvariant();
        if (builder is "buildkit" or "legacy")
        {
            throw new ContainerizeException(Errors.BuilderNeedsTheEngine(builder));
        }

        // Owners go into the layers as numbers (an unset user becomes the base image's numeric APP_UID).
        var namedOwner = job.Spec.FileLayers.Select(layer => (layer.Owner, What: $"ContainerFile content for {layer.Destination}"))
            .Append((Owner: job.Spec.WritableDirectories.Count > 0 ? job.Spec.User ?? "" : "", What: "ContainerWritableDirectory (the app user, ContainerUser)"))
            .FirstOrDefault(entry => !LayerWriter.IsNumericOwner(entry.Owner));
        if (namedOwner.Owner is not null)
        {
            throw new ContainerizeException(Errors.OwnerNeedsTheEngine(namedOwner.Owner, namedOwner.What));
        }
    }

    public string Name => "daemonless";

    public bool InEngine => engine is not null;

    public bool PushesInProcess => true;

    public async Task<bool> HoldsAsync(ImageJob job, BuildRecord record, CancellationToken cancellation) =>
        (job.Request.ArchivePath.Length == 0 || File.Exists(job.Request.ArchivePath))
        && (pushClient.Value is not { } target || await job.RegistryHoldsAsync(target, record, cancellation))
        && (engine is null || await engine.Images.HoldsAsync(record.References, record.ImageId, cancellation));

    public async Task<(DaemonlessBackend.BaseImage Base, BaseImageFacts Facts)?> ReadBaseAsync(ImageJob job, ContainerSpec spec, Platform platform, CancellationToken cancellation)
    {
        var baseImage = await LockedBaseReader.ReadAsync(job, spec.BaseImage, platform, () => backend.GetBaseImageAsync(baseClient.Value, spec.BaseImage, platform, cancellation));
        return (baseImage, baseImage.Facts);
    }

    public Task<(BuildRecord Record, IReadOnlyList<(DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image)> Image)> BuildAsync(
        ImagePlan<DaemonlessBackend.BaseImage> plan, CancellationToken cancellation)
    {
        var images = new List<(DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image)>();
        foreach (var platform in plan.Platforms)
        {
            log.Info(plan.Platforms.Count == 1
                ? $"Making {string.Join(", ", job.Spec.References)} in-process (daemonless)"
                : $"Making the {platform.Platform} image of {job.Spec.References.First()} in-process (daemonless)");
            images.Add((platform.Base!, backend.Build(platform.Base!, platform.Spec, LayerFolder, job.FileTime)));
        }

        LayerWriter.RemoveUnused(LayerFolder, images.SelectMany(entry => entry.Image.AppLayers));
        var first = images[0];
        var imageId = images.Count == 1 ? first.Image.ConfigDescriptor.Digest : ManifestWriter.Digest(OciIndex(images));
        var record = new BuildRecord(job.Fingerprint, first.Image.ConfigDescriptor.Digest, first.Base.ManifestDigest, imageId,
            string.Join(",", images.Select(entry => entry.Image.Platform.ToString())), job.Spec.References.ToList());
        return Task.FromResult<(BuildRecord, IReadOnlyList<(DaemonlessBackend.BaseImage, DaemonlessBackend.OciImage)>)>((record, images));
    }

    /// <summary>
    /// Each platform's OS package files, from its base image's layers (downloaded once into the blob cache; a push only
    /// mounts them): the daemonless image adds files to the app's folders only, so its OS packages are the base image's.
    /// </summary>
    public async Task<IReadOnlyList<BuiltImageContents>> ReadContentsAsync(ImagePlan<DaemonlessBackend.BaseImage> plan, BuildRecord record,
        IReadOnlyList<(DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image)> images, CancellationToken cancellation)
    {
        var contents = new List<BuiltImageContents>();
        foreach (var (baseImage, image) in images)
        {
            contents.Add(new BuiltImageContents(image.ConfigDescriptor.Digest, image.ManifestDigest, image.Platform.Architecture, await backend.ScanBaseAsync(baseImage, cancellation)));
        }

        return contents;
    }

    /// <summary>
    /// Nothing when the image was up to date (every destination held it); else the push (an index for several
    /// platforms), the archive, and the load into the engine, whose image id the record then keeps so that the next
    /// up-to-date check finds it there.
    /// </summary>
    public async Task<BuildRecord> PublishAsync(ImageJob job, BuildRecord record, IReadOnlyList<(DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image)>? images,
        CancellationToken cancellation)
    {
        if (images is null)
        {
            return record;
        }

        var (spec, archive) = (job.Spec, job.Request.ArchivePath);
        var target = pushClient.Value;
        var digest = target is null ? null
            : images.Count == 1 ? await backend.PushAsync(target, job.PushRepository, spec.Tags, images[0].Base, images[0].Image, cancellation)
            : await backend.PushIndexAsync(target, job.PushRepository, spec.Tags, images, cancellation);
        if (digest is not null)
        {
            record = record with { Digest = digest, Pushed = record.References };
            if (images.Count > 1)
            {
                record = record with { ImageId = digest };
            }
        }

        if (archive.Length > 0)
        {
            // An OCI archive carries the SBOMs inside (attestation manifests of its image index), a docker one cannot.
            if (images.Count == 1 && (job.Request.ArchiveFormat != "oci" || SbomStep.Documents(job).Count == 0))
            {
                var layers = await backend.LayerFilesAsync(images[0].Base, images[0].Image, cancellation);
                WriteArchive(archive, job.Request.ArchiveFormat, images[0].Image, layers, job.Request.ArchiveFormat == "oci" ? spec.Tags : record.References);
            }
            else
            {
                await WriteIndexArchiveAsync(archive, job, images, cancellation);
            }

            log.Info($"Wrote {archive}");
        }

        if (engine is not null)
        {
            var (baseImage, image) = images[0];
            var loadable = Path.Combine(job.Request.ContextDirectory, "oci", "image.tar");
            WriteArchive(loadable, "docker", image, await backend.LayerFilesAsync(baseImage, image, cancellation), record.References);
            record = record with { ImageId = await engine.Images.LoadAsync(loadable, record.References[0], cancellation) };
            File.Delete(loadable);
            log.Info($"Loaded {string.Join(", ", record.References)} into the engine");
        }

        return record;
    }

    public void Dispose()
    {
        if (pushClient.IsValueCreated)
        {
            pushClient.Value?.Dispose();
        }

        if (baseClient.IsValueCreated)
        {
            baseClient.Value.Dispose();
        }

        engine?.Dispose();
    }

    /// <summary>Where the app's layers are written and kept for the next run (one folder for every platform).</summary>
    private string LayerFolder => Path.Combine(job.Request.ContextDirectory, "oci", "layers");

    /// <summary>The index of an OCI layout: OCI manifests throughout, as tools reading a layout expect, then <paramref name="more"/>.</summary>
    private static byte[] OciIndex(IEnumerable<(DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image)> images, IEnumerable<Descriptor>? more = null) =>
        DaemonlessBackend.Index(MediaTypes.OciIndex, images.Select(entry => (DaemonlessBackend.OciManifest(entry.Image), MediaTypes.OciManifest, entry.Image.Platform)), more);

    /// <summary>
    /// An OCI layout whose top is an image index: the platforms' manifests and, for each platform with SBOM documents, Docker's attestation manifest holding them as
    /// in-toto statements about that platform's manifest in the archive — which `docker load` passes by and
    /// `skopeo copy --all` takes along.
    /// </summary>
    private async Task WriteIndexArchiveAsync(string path, ImageJob job, IReadOnlyList<(DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image)> images, CancellationToken cancellation)
    {
        var contents = new List<(byte[] Manifest, byte[] Config, IReadOnlyList<(Descriptor Descriptor, string Path)> Layers)>();
        foreach (var (baseImage, image) in images)
        {
            var layers = await backend.LayerFilesAsync(baseImage, image, cancellation);
            contents.Add((DaemonlessBackend.OciManifest(image), image.Config, layers.Select(layer => layer.Descriptor.MediaType == MediaTypes.DockerLayerGzip ? (layer.Descriptor with { MediaType = MediaTypes.OciLayerGzip }, layer.Path) : layer).ToList()));
        }

        var attestations = SbomStep.Documents(job).Zip(contents, (documents, content) =>
        {
            var manifest = new Descriptor(MediaTypes.OciManifest, ManifestWriter.Digest(content.Manifest), content.Manifest.Length);
            return AttestationManifest.For(manifest, documents.Paths.Select(document => AttachStep.SbomStatement(job, document, File.ReadAllBytes(document), manifest)).ToList());
        }).ToList();
        var index = OciIndex(images, attestations.Select(attestation => attestation.Entry));
        WriteAtomically(path, output => ImageArchiveWriter.WriteOciIndexLayout(output, index, contents, job.Spec.Tags, [.. attestations.SelectMany(attestation => attestation.Blobs)]));
    }

    private static void WriteArchive(string path, string format, DaemonlessBackend.OciImage image, IReadOnlyList<(Descriptor Descriptor, string Path)> layers, IReadOnlyList<string> names) =>
        WriteAtomically(path, output =>
        {
            if (format == "oci")
            {
                ImageArchiveWriter.WriteOciLayout(output, DaemonlessBackend.OciManifest(image), MediaTypes.OciManifest, image.Config, layers, names);
            }
            else
            {
                ImageArchiveWriter.WriteDockerArchive(output, image.Config, layers, names);
            }
        });

    /// <summary>Writes beside the destination first, so a failed run never leaves half an archive under its name.</summary>
    private static void WriteAtomically(string path, Action<Stream> write) => FileSystem.AtomicFile.Write(path, write);
}
