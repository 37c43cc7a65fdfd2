using Containerize.Backends;
using Containerize.Backends.BuildKit;
using Containerize.Dockerfile;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// The BuildKit daemon backend: skip the build when nothing changed and the registry still has the image (one
/// registry request), else complete the spec from the base image's config in its registry (as the daemonless backend
/// does — the daemon pulls the base itself), stage the Dockerfile and context, and let the daemon build and push.
/// </summary>
/// <param name="clientFor">A registry client for a host, with the credentials for that access.</param>
/// <param name="baseImages">Reads a base image's manifest and config from its registry.</param>
/// <param name="credentials">A registry host's credentials for what the daemon pulls and pushes.</param>
public sealed class BuildKitImageBuild(
    BuildKitDaemon daemon, Func<string, RegistryAccess, RegistryClient> clientFor, DaemonlessBackend baseImages,
    Func<string, RegistryCredentials?> credentials, bool insecurePush, Diagnostics.IBuildLog log)
{
    public async Task<ContainerizeResult> RunAsync(ImageJob job, CancellationToken cancellation)
    {
        var spec = job.Spec;
        var references = spec.References.ToList();
        using var target = clientFor(job.PushHost!, RegistryAccess.Push);
        var record = BuildRecord.Load(job.RecordPath);
        var upToDate = record is not null && record.Fingerprint == job.Fingerprint && File.Exists(job.DockerfilePath) && !job.NeedsPush(record)
            && await target.GetManifestDigestAsync(DaemonlessImageBuild.RepositoryPath(spec), spec.Tags[0], cancellation) == record.Digest;
        if (upToDate)
        {
            log.Info($"{references[0]} is up to date ({record!.Digest}).");
            return Result(job, record!, upToDate: true);
        }

        log.Info($"Builder: {await daemon.DescribeAsync(cancellation)} at {job.Request.Settings.BuildKitHost.Trim()}");
        var platform = DaemonlessBackend.PlatformFor(spec.RuntimeIdentifiers.FirstOrDefault() ?? job.Request.Project.RuntimeIdentifier);
        string? baseDigest = null;
        if (spec.Dockerfile is null)
        {
            using var baseClient = clientFor(job.BaseHost, RegistryAccess.Pull);
            var baseImage = await baseImages.GetBaseImageAsync(baseClient, spec.BaseImage, platform, cancellation);
            spec = BaseImageCompletion.Complete(spec, baseImage.Facts);
            baseDigest = baseImage.ManifestDigest;
        }

        ContextStager.Stage(spec, job.Request.ContextDirectory);
        log.Info($"Building {string.Join(", ", references)} from {job.DockerfilePath} on the BuildKit daemon, which pushes it");
        var build = new DaemonBuild(references, platform.ToString(), job.FileTime, insecurePush, spec.BuildNetwork, spec.BuildArgs, spec.BuildSecrets, credentials);
        var (digest, configDigest) = await daemon.BuildAndPushAsync(job.Request.ContextDirectory, build, cancellation);
        foreach (var reference in references)
        {
            log.Info($"Pushed {reference} ({digest})");
        }

        record = new BuildRecord(job.Fingerprint, "", baseDigest, configDigest.Length > 0 ? configDigest : digest, platform.ToString(), references, digest, references);
        record.Save(job.RecordPath);
        return Result(job, record, upToDate: false);
    }

    private static ContainerizeResult Result(ImageJob job, BuildRecord record, bool upToDate) =>
        new(record.ImageId, record.References, job.DockerfilePath, job.FinalBase?.ToString() ?? "", record.BaseImageDigest,
            [record.Platform], upToDate, record.Digest, "buildkit");
}
