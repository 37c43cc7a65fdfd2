using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// The engine backend: skip the build when nothing changed (one engine request), else complete the spec from the
/// engine's base image, stage the Dockerfile and context, build; then write the archive (docker save) if one is asked
/// for, and push what the registry still lacks.
/// </summary>
public sealed class EngineImageBuild(DockerEngineBackend engine, CredentialLookup credentials, RetryPolicy retries, IBuildLog log)
{
    public async Task<ContainerizeResult> RunAsync(ImageJob job, CancellationToken cancellation)
    {
        var spec = job.Spec;
        var record = BuildRecord.Load(job.RecordPath);
        var upToDate = record is not null && record.Fingerprint == job.Fingerprint && File.Exists(job.DockerfilePath)
            && await engine.IsUpToDateAsync(record, spec.BaseImage, cancellation);
        if (upToDate)
        {
            log.Info($"{spec.References.First()} is up to date ({record!.ImageId}).");
        }
        else
        {
            var baseImage = await engine.GetBaseImageAsync(spec.BaseImage, () => credentials.Find(job.BaseHost, RegistryAccess.Pull, job.PushHost), cancellation);
            spec = BaseImageCompletion.Complete(spec, baseImage);
            if (spec.Packages.Count > 0 && spec.PackageManager.Length == 0)
            {
                spec = spec with
                {
                    PackageManager = await engine.FindPackageManagerAsync(spec.BaseImage.ToString(), cancellation)
                        ?? throw new ContainerizeException(Errors.NoPackageManagerInBase(spec.BaseImage.ToString())),
                };
            }

            ContextStager.Stage(spec, job.Request.ContextDirectory);
            log.Info($"Building {string.Join(", ", spec.References)} from {job.DockerfilePath}");
            var references = spec.References.ToList();
            var (imageId, platform) = await engine.BuildAsync(job.Request.ContextDirectory, references, job.FileTime, spec.BuildNetwork, cancellation);
            record = new BuildRecord(job.Fingerprint, baseImage.Id, baseImage.Digest, imageId, platform, references);
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

        return new ContainerizeResult(record!.ImageId, record.References, job.DockerfilePath, spec.BaseImage.ToString(), record.BaseImageDigest,
            [record.Platform], upToDate, job.PushHost is null ? null : record.Digest, "docker");
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
