using Containerize.Backends;
using Containerize.Backends.BuildKit;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Sbom;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// The BuildKit daemon backend's steps: up to date when the registry still has the image (one registry request); a
/// generated Dockerfile's base read from its registry as the daemonless backend reads it (the daemon pulls the base
/// itself); the build and the push in one Solve on the daemon, which reads the context by file sync — so the publish
/// step has nothing left to do.
/// </summary>
/// <param name="clientFor">A registry client for a host, with the credentials for that access.</param>
/// <param name="baseImages">Reads a base image's manifest and config from its registry.</param>
/// <param name="credentials">A registry host's credentials for what the daemon pulls and pushes.</param>
/// <remarks>Disposing it closes the daemon connection.</remarks>
public sealed class BuildKitImageBuild(
    BuildKitDaemon daemon, Func<string, RegistryAccess, RegistryClient> clientFor, DaemonlessBackend baseImages,
    Func<string, RegistryCredentials?> credentials, bool insecurePush, IBuildLog log) : IImageBackend<DaemonlessBackend.BaseImage, string>
{
    /// <summary>What a BuildKit daemon cannot do, refused before the daemon or a registry is contacted.</summary>
    public static void Refuse(ImageJob job)
    {
        var (request, spec) = (job.Request, job.Spec);
        if (spec.RuntimeIdentifiers.Count > 1)
        {
            throw new ContainerizeException(Errors.BuildKitBackendCannot("make a multi-platform image (several ContainerRuntimeIdentifiers)", "Use ContainerizeBackend=daemonless for an image index, or one RID."));
        }

        if (request.ArchivePath.Length > 0)
        {
            throw new ContainerizeException(Errors.BuildKitBackendCannot("write ContainerArchiveOutputPath (the image stays with the daemon and the registry)", "Remove ContainerArchiveOutputPath, or use ContainerizeBackend=daemonless or docker."));
        }

        if (job.PushHost is null)
        {
            throw new ContainerizeException(Errors.BuildKitBackendCannot("keep an image that goes to no registry (it would stay in the daemon's cache)", "Set ContainerRegistry and leave ContainerPush on, or use ContainerizeBackend=docker to keep the image in an engine."));
        }

        if (spec.Dockerfile is null && spec.Packages.Count > 0 && spec.PackageManager.Length == 0)
        {
            throw new ContainerizeException(Errors.PackageManagerNeedsTheEngine("the image is built on a BuildKit daemon (ContainerBuildKitHost)"));
        }
    }

    private RegistryClient? baseClient;

    public string Name => "buildkit";

    public bool InEngine => false;

    public bool PushesInProcess => false;

    public async Task<bool> HoldsAsync(ImageJob job, BuildRecord record, CancellationToken cancellation)
    {
        using var target = clientFor(job.PushHost!, RegistryAccess.Push);
        return await job.RegistryHoldsAsync(target, record, cancellation);
    }

    /// <summary>
    /// The daemon is asked what it is first (a daemon that does not answer fails before any registry is read); then a
    /// generated Dockerfile's base, from its registry; none for a user's Dockerfile (the daemon pulls what it names).
    /// </summary>
    public async Task<(DaemonlessBackend.BaseImage Base, BaseImageFacts Facts)?> ReadBaseAsync(ImageJob job, ContainerSpec spec, Platform platform, CancellationToken cancellation)
    {
        log.Info($"Builder: {await daemon.DescribeAsync(cancellation)} at {job.Request.Settings.BuildKitHost.Trim()}");
        if (spec.Dockerfile is not null)
        {
            return null;
        }

        // Kept until the backend is disposed: the SBOM step reads the base image's layers through it after the build.
        baseClient ??= clientFor(job.BaseHost, RegistryAccess.Pull);
        var baseImage = await LockedBaseReader.ReadAsync(job, spec.BaseImage, platform, () => baseImages.GetBaseImageAsync(baseClient, spec.BaseImage, platform, cancellation));
        return (baseImage, baseImage.Facts);
    }

    /// <summary>The build and the push, on the daemon.</summary>
    public async Task<(BuildRecord Record, string Image)> BuildAsync(ImagePlan<DaemonlessBackend.BaseImage> plan, CancellationToken cancellation)
    {
        var (job, spec, platform) = (plan.Job, plan.Spec, plan.Platforms[^1].Platform);
        var references = spec.References.ToList();
        log.Info($"Building {string.Join(", ", references)} from {job.DockerfilePath} on the BuildKit daemon, which pushes it");
        var build = new DaemonBuild(references, platform.ToString(), job.FileTime, insecurePush, spec.BuildNetwork, spec.BuildArgs, spec.BuildSecrets, credentials);
        var (digest, configDigest) = await daemon.BuildAndPushAsync(job.Request.ContextDirectory, build, cancellation);
        foreach (var reference in references)
        {
            log.Info($"Pushed {reference} ({digest})");
        }

        var record = new BuildRecord(job.Fingerprint, "", plan.Facts?.Digest, configDigest.Length > 0 ? configDigest : digest, platform.ToString(), references, digest, references);
        return (record, digest);
    }

    /// <summary>
    /// The base image's OS package files (from its registry, as the daemonless backend reads them) for the one platform
    /// a daemon makes (<see cref="Refuse"/>): what RUN steps or a user's Dockerfile installed is not read back from the
    /// daemon, and a CTZ2038 message says so.
    /// </summary>
    public async Task<IReadOnlyList<BuiltImageContents>> ReadContentsAsync(ImagePlan<DaemonlessBackend.BaseImage> plan, BuildRecord record, string image, CancellationToken cancellation)
    {
        var (spec, platform) = (plan.Spec, plan.Platforms[0]);
        var os = platform.Base is { } baseImage ? await baseImages.ScanBaseAsync(baseImage, cancellation) : new ImageOsScan(ImageOsFiles.None, ImageOsFiles.None, []);
        if (spec.Dockerfile is not null || spec.HasBuildSteps)
        {
            log.Report(Errors.SbomOsPackagesOfBaseOnly(spec.Dockerfile is not null ? "the image is built from your own Dockerfile (ContainerDockerfile)" : "the image has RUN steps or ContainerPackage items"));
        }

        return [new BuiltImageContents(record.ImageId, image, platform.Platform.Architecture, os)];
    }

    /// <summary>Nothing: the daemon pushed while building (<see cref="Refuse"/> allows no archive and no engine).</summary>
    public Task<BuildRecord> PublishAsync(ImageJob job, BuildRecord record, string? image, CancellationToken cancellation) => Task.FromResult(record);

    public void Dispose()
    {
        baseClient?.Dispose();
        daemon.Dispose();
    }
}
