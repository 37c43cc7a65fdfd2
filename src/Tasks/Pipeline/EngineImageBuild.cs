using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// The engine backend: skip the build when nothing changed (one engine request), else complete the spec from the
/// engine's base image (pulled with the registry's credentials if missing), stage the Dockerfile — generated, or the
/// user's own with the base images its FROM lines name — and context, build; then write the archive (docker save) if
/// one is asked for, and push what the registry still lacks.
/// </summary>
public sealed class EngineImageBuild(DockerEngineBackend engine, CredentialLookup credentials, RetryPolicy retries, IBuildLog log)
{
    public async Task<ContainerizeResult> RunAsync(ImageJob job, CancellationToken cancellation)
    {
        var spec = job.Spec;
        var bases = job.Bases;
        var finalBase = bases.Count > 0 ? bases[^1] : null;
        var record = BuildRecord.Load(job.RecordPath);
        var upToDate = record is not null && record.Fingerprint == job.Fingerprint && File.Exists(job.DockerfilePath)
            && (finalBase is null
                ? await engine.HoldsAsync(record.References, record.ImageId, cancellation)
                : await engine.IsUpToDateAsync(record, finalBase, cancellation));
        if (upToDate)
        {
            log.Info($"{spec.References.First()} is up to date ({record!.ImageId}).");
        }
        else
        {
            BaseImageFacts? baseImage;
            if (spec.Dockerfile is null)
            {
                (spec, baseImage) = await CompleteAsync(job, cancellation);
            }
            else
            {
                baseImage = await PullAsync(bases, job.PushHost, cancellation);
            }

            ContextStager.Stage(spec, job.Request.ContextDirectory);
            log.Info($"Building {string.Join(", ", spec.References)} from {job.DockerfilePath}");
            var references = spec.References.ToList();
            var options = new BuildOptions(spec.BuildNetwork, spec.BuildArgs, job.Request.Settings.Builder, spec.BuildSecrets,
                host => credentials.Find(host, RegistryAccess.Pull, job.PushHost), PullsDuringBuild: spec.Dockerfile is not null);
            var (imageId, platform) = await engine.BuildAsync(job.Request.ContextDirectory, references, job.FileTime, options, cancellation);
            record = new BuildRecord(job.Fingerprint, baseImage?.Id ?? "", baseImage?.Digest, imageId, platform, references);
            record.Save(job.RecordPath);
        }

        var archive = job.Request.ArchivePath;
        if (archive.Length > 0 && (!upToDate || !File.Exists(archive)))
        {
            await engine.SaveAsync(record!.References, archive, cancellation);
            log.Info($"Wrote {archive}");
        }

        if (job.NeedsPush(record!))
        {
            record = record! with { Digest = await PushAsync(record.References, job.PushHost!, cancellation), Pushed = record.References };
            record.Save(job.RecordPath);
        }

        return new ContainerizeResult(record!.ImageId, record.References, job.DockerfilePath, finalBase?.ToString() ?? "", record.BaseImageDigest,
            [record.Platform], upToDate, job.PushHost is null ? null : record.Digest, "docker") { InEngine = true, ArchivePath = archive };
    }

    /// <summary>
    /// The spec completed with what the generated Dockerfile needs from the base image (pulled if the engine lacks it):
    /// the app user, the ports, the package manager.
    /// </summary>
    public async Task<(ContainerSpec Spec, BaseImageFacts Base)> CompleteAsync(ImageJob job, CancellationToken cancellation)
    {
        var baseImage = (await PullAsync([job.Spec.BaseImage], job.PushHost, cancellation))!;
        var spec = BaseImageCompletion.Complete(job.Spec, baseImage);
        if (spec.Packages.Count > 0 && spec.PackageManager.Length == 0)
        {
            spec = spec with
            {
                PackageManager = await engine.FindPackageManagerAsync(spec.BaseImage.ToString(), cancellation)
                    ?? throw new ContainerizeException(Errors.NoPackageManagerInBase(spec.BaseImage.ToString())),
            };
        }

        return (spec, baseImage);
    }

    /// <summary>Makes sure the engine has each image, pulling it with its registry's credentials if not.</summary>
    /// <returns>What the engine has of the last one; null for none.</returns>
    private async Task<BaseImageFacts?> PullAsync(IReadOnlyList<ImageReference> images, string? pushHost, CancellationToken cancellation)
    {
        BaseImageFacts? facts = null;
        foreach (var reference in images)
        {
            var host = RegistryNames.HostOf(reference);
            facts = await engine.GetBaseImageAsync(reference, () => credentials.Find(host, RegistryAccess.Pull, pushHost), cancellation);
        }

        return facts;
    }

    /// <returns>The manifest digest the registry reported (the same for every tag of one image).</returns>
    private async Task<string> PushAsync(IReadOnlyList<string> references, string host, CancellationToken cancellation)
    {
        var pushCredentials = credentials.Find(host, RegistryAccess.Push, host);
        var digest = "";
        foreach (var reference in references)
        {
            log.Info($"Pushing {reference}");
            try
            {
                digest = await retries.RunAsync(
                    () => engine.PushAsync(reference, pushCredentials, cancellation),
                    exception => exception is RegistryPushException push
                        ? !push.EngineRetried && PushFailure.IsTransient(push.Message)
                        : DockerEngineBackend.IsTransient(exception, reachesRegistry: true),
                    (exception, attempt, delay) => log.Report(Errors.PushRetry(reference, exception.Message, attempt, retries.Attempts, delay)),
                    cancellation);
            }
            catch (RegistryPushException exception)
            {
                var attempts = PushFailure.IsTransient(exception.Message) && !exception.EngineRetried ? retries.Attempts : 1;
                throw new ContainerizeException(PushFailure.Explain(exception.Message, host, reference, pushCredentials, attempts));
            }

            log.Info($"Pushed {reference} ({digest})");
        }

        return digest;
    }
}
