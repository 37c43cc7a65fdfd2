using Containerize.Backends;
using Containerize.Dockerfile;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// The daemonless backend: skip the work when nothing changed and the destinations hold the image (one registry
/// request, the archive file, or one engine request), else make the OCI image in-process and put it where it goes —
/// the registry, an archive, or (when neither is asked for) the engine.
/// </summary>
/// <param name="clientFor">A registry client for a host, with the credentials for that access.</param>
/// <param name="engine">The engine to load the image into when it goes to no registry and no archive, or null.</param>
public sealed class DaemonlessImageBuild(DaemonlessBackend backend, Func<string, RegistryAccess, RegistryClient> clientFor, DockerEngineBackend? engine, Diagnostics.IBuildLog log)
{
    public async Task<ContainerizeResult> RunAsync(ImageJob job, CancellationToken cancellation)
    {
        var spec = job.Spec;
        var references = spec.References.ToList();
        var archive = job.Request.ArchivePath;
        var load = engine is not null;
        using var target = job.PushHost is null ? null : clientFor(job.PushHost, RegistryAccess.Push);
        var repository = RepositoryPath(spec);

        var record = BuildRecord.Load(job.RecordPath);
        var upToDate = record is not null && record.Fingerprint == job.Fingerprint && File.Exists(job.DockerfilePath)
            && (archive.Length == 0 || File.Exists(archive))
            && (target is null || (!job.NeedsPush(record) && await target.GetManifestDigestAsync(repository, spec.Tags[0], cancellation) == record.Digest))
            && (!load || await engine!.HoldsAsync(references, record.ImageId, cancellation));
        if (upToDate)
        {
            log.Info($"{references[0]} is up to date ({record!.Digest ?? record.ImageId}).");
            return Result(job, record!, upToDate: true);
        }

        using var baseClient = clientFor(job.BaseHost, RegistryAccess.Pull);
        if (spec.RuntimeIdentifiers.Count > 1)
        {
            return await RunMultiPlatformAsync(job, baseClient, target, repository, cancellation);
        }

        (spec, var baseImage) = await CompleteAsync(job, baseClient, cancellation);
        ContextStager.Stage(spec, job.Request.ContextDirectory);
        log.Info($"Making {string.Join(", ", references)} in-process (daemonless)");
        var image = backend.Build(baseImage, spec, LayerFolder(job), job.FileTime);
        LayerWriter.RemoveUnused(LayerFolder(job), image.AppLayers);

        var digest = target is null ? null : await backend.PushAsync(target, repository, spec.Tags, baseImage, image, cancellation);
        string? engineImageId = null;
        if (archive.Length > 0 || load)
        {
            var layers = await backend.LayerFilesAsync(baseImage, image, cancellation);
            if (archive.Length > 0)
            {
                WriteArchive(archive, job.Request.ArchiveFormat, image, layers, job.Request.ArchiveFormat == "oci" ? spec.Tags : references);
                log.Info($"Wrote {archive}");
            }

            if (load)
            {
                var loadable = Path.Combine(job.Request.ContextDirectory, "oci", "image.tar");
                WriteArchive(loadable, "docker", image, layers, references);
                engineImageId = await engine!.LoadAsync(loadable, references[0], cancellation);
                File.Delete(loadable);
                log.Info($"Loaded {string.Join(", ", references)} into the engine");
            }
        }

        // A loaded image is known by the id the engine gave it, so that the up-to-date check finds it there.
        record = new BuildRecord(job.Fingerprint, image.ConfigDescriptor.Digest, baseImage.ManifestDigest, engineImageId ?? image.ConfigDescriptor.Digest,
            image.Platform.ToString(), references, digest, digest is null ? null : references);
        record.Save(job.RecordPath);
        return Result(job, record, upToDate: false);
    }

    /// <summary>The spec completed from the base image's config in its registry (the platform's, for one platform).</summary>
    public async Task<(ContainerSpec Spec, DaemonlessBackend.BaseImage Base)> CompleteAsync(ImageJob job, RegistryClient baseClient, CancellationToken cancellation)
    {
        var platform = DaemonlessBackend.PlatformFor(job.Spec.RuntimeIdentifiers.FirstOrDefault() ?? job.Request.Project.RuntimeIdentifier);
        var baseImage = await backend.GetBaseImageAsync(baseClient, job.Spec.BaseImage, platform, cancellation);
        return (BaseImageCompletion.Complete(job.Spec, baseImage.Facts), baseImage);
    }

    /// <summary>
    /// One image per platform from the same portable publish output (the resolver allows several RIDs only for it):
    /// the platform's base image, the same app layers; pushed with an index for the tags.
    /// </summary>
    private async Task<ContainerizeResult> RunMultiPlatformAsync(ImageJob job, RegistryClient baseClient, RegistryClient? target, string repository, CancellationToken cancellation)
    {
        var images = new List<(DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image)>();
        ContainerSpec? completed = null;
        foreach (var (identifier, spec) in job.PlatformSpecs)
        {
            var platform = DaemonlessBackend.PlatformFor(identifier);
            var baseImage = await backend.GetBaseImageAsync(baseClient, spec.BaseImage, platform, cancellation);
            completed = BaseImageCompletion.Complete(spec, baseImage.Facts);
            log.Info($"Making the {platform} image of {job.Spec.References.First()} in-process (daemonless)");
            images.Add((baseImage, backend.Build(baseImage, completed, LayerFolder(job), job.FileTime)));
        }

        LayerWriter.RemoveUnused(LayerFolder(job), images.SelectMany(entry => entry.Image.AppLayers));

        ContextStager.Stage(completed!, job.Request.ContextDirectory);
        var references = job.Spec.References.ToList();
        var digest = target is null ? null : await backend.PushIndexAsync(target, repository, job.Spec.Tags, images, cancellation);
        if (job.Request.ArchivePath.Length > 0)
        {
            await WriteIndexArchiveAsync(job.Request.ArchivePath, images, job.Spec.Tags, cancellation);
            log.Info($"Wrote {job.Request.ArchivePath}");
        }

        var indexDigest = digest ?? ManifestWriter.Digest(OciIndex(images));
        var record = new BuildRecord(job.Fingerprint, images[0].Image.ConfigDescriptor.Digest, images[0].Base.ManifestDigest, indexDigest,
            string.Join(",", images.Select(entry => entry.Image.Platform.ToString())), references, digest, digest is null ? null : references);
        record.Save(job.RecordPath);
        return Result(job, record, upToDate: false);
    }

    /// <summary>The index of an OCI layout: OCI manifests throughout, as tools reading a layout expect.</summary>
    private static byte[] OciIndex(IEnumerable<(DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image)> images) =>
        DaemonlessBackend.Index(MediaTypes.OciIndex, images.Select(entry => (DaemonlessBackend.OciManifest(entry.Image), MediaTypes.OciManifest, entry.Image.Platform)));

    private async Task WriteIndexArchiveAsync(string path, IReadOnlyList<(DaemonlessBackend.BaseImage Base, DaemonlessBackend.OciImage Image)> images, IReadOnlyList<string> tags, CancellationToken cancellation)
    {
        var contents = new List<(byte[] Manifest, byte[] Config, IReadOnlyList<(Descriptor Descriptor, string Path)> Layers)>();
        foreach (var (baseImage, image) in images)
        {
            var layers = await backend.LayerFilesAsync(baseImage, image, cancellation);
            contents.Add((DaemonlessBackend.OciManifest(image), image.Config, layers.Select(layer => layer.Descriptor.MediaType == MediaTypes.DockerLayerGzip ? (layer.Descriptor with { MediaType = MediaTypes.OciLayerGzip }, layer.Path) : layer).ToList()));
        }

        WriteAtomically(path, output => ImageArchiveWriter.WriteOciIndexLayout(output, OciIndex(images), contents, tags));
    }

    /// <summary>Where the app's layers are written and kept for the next run (one folder for every platform).</summary>
    private static string LayerFolder(ImageJob job) => Path.Combine(job.Request.ContextDirectory, "oci", "layers");

    /// <summary>The repository path in the push registry: its namespace (if any) and the repository.</summary>
    public static string RepositoryPath(ContainerSpec spec)
    {
        var slash = spec.Registry.IndexOf('/');
        return slash < 0 ? spec.Repository : spec.Registry[(slash + 1)..] + "/" + spec.Repository;
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

    private ContainerizeResult Result(ImageJob job, BuildRecord record, bool upToDate) =>
        new(record.ImageId, record.References, job.DockerfilePath, job.Spec.BaseImage.ToString(), record.BaseImageDigest,
            record.Platform.Split(','), upToDate, record.Digest, "daemonless") { InEngine = engine is not null, ArchivePath = job.Request.ArchivePath };
}
