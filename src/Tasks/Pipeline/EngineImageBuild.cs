using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// The engine backend's steps: up to date when the engine still holds the image and its base (one request); the base
/// images pulled into the engine with the registry's credentials if missing (and looked into for a package manager
/// when ContainerPackage items need one); the build with BuildKit or the legacy builder; then the archive
/// (docker save) and the engine's push of what the registry still lacks.
/// </summary>
/// <remarks>Disposing it closes the engine connection.</remarks>
public sealed class EngineImageBuild(DockerEngineBackend engine, CredentialLookup credentials, RetryPolicy retries, Sbom.OsScanCache scans, IBuildLog log) : IImageBackend<BaseImageFacts, string>
{
    public string Name => "docker";

    public bool InEngine => true;

    public bool PushesInProcess => false;

    public async Task<bool> HoldsAsync(ImageJob job, BuildRecord record, CancellationToken cancellation) => job.FinalBase is { } finalBase
        ? await engine.Images.IsUpToDateAsync(record, finalBase, cancellation)
        : await engine.Images.HoldsAsync(record.References, record.ImageId, cancellation);

    /// <summary>Every base the build starts from (a user's Dockerfile's FROM lines, in order) is made sure of in the engine; the facts are the last one's.</summary>
    public async Task<(BaseImageFacts Base, BaseImageFacts Facts)?> ReadBaseAsync(ImageJob job, ContainerSpec spec, Platform platform, CancellationToken cancellation)
    {
        BaseImageFacts? facts = null;
        foreach (var reference in job.Bases)
        {
            var host = RegistryNames.HostOf(reference);
            try
            {
                facts = await engine.Images.GetBaseImageAsync(reference, () => credentials.Find(host, RegistryAccess.Pull, job.PushHost), cancellation);
            }
            catch (ContainerizeException exception) when (exception.Diagnostic.Code == Errors.BaseImageUnavailableCode && job.PinOf(reference) is { } pin)
            {
                throw pin.Unavailable($"the engine could not pull it ({exception.Diagnostic.Message})", job.Request.LockFile, exception);
            }
        }

        if (facts is not null && spec.Dockerfile is null && spec.Packages.Count > 0 && spec.PackageManager.Length == 0)
        {
            facts = facts with { PackageManager = await engine.Images.FindPackageManagerAsync(EngineImages.EngineName(spec.BaseImage), cancellation) ?? "" };
        }

        return facts is null ? null : (facts, facts);
    }

    public async Task<(BuildRecord Record, string Image)> BuildAsync(ImagePlan<BaseImageFacts> plan, CancellationToken cancellation)
    {
        var (job, spec) = (plan.Job, plan.Spec);
        log.Info($"Building {string.Join(", ", spec.References)} from {job.DockerfilePath}");
        var references = spec.References.ToList();
        var options = new BuildOptions(spec.BuildNetwork, spec.BuildArgs, job.Request.Settings.Builder, spec.BuildSecrets,
            host => credentials.Find(host, RegistryAccess.Pull, job.PushHost), PullsDuringBuild: spec.Dockerfile is not null);
        var (imageId, platform) = await engine.Builds.BuildAsync(job.Request.ContextDirectory, references, job.FileTime, options, cancellation);
        return (new BuildRecord(job.Fingerprint, plan.Facts?.Id ?? "", plan.Facts?.Digest, imageId, platform, references), imageId);
    }

    /// <summary>
    /// The OS package files read through containers made from the base image (once per base: kept with the scans) and
    /// from the image when a step of its Dockerfile may have changed them (RUN steps, packages, the user's own Dockerfile).
    /// </summary>
    public async Task<IReadOnlyList<BuiltImageContents>> ReadContentsAsync(ImagePlan<BaseImageFacts> plan, BuildRecord record, string image, CancellationToken cancellation)
    {
        var sameAsBase = plan.Spec.Dockerfile is null && !plan.Spec.HasBuildSteps;
        var scan = await engine.Files.ScanAsync(image, plan.Facts?.Id, sameAsBase, scans, cancellation);
        return [new(record.ImageId, record.Digest, record.Platform.Split('/').ElementAtOrDefault(1) ?? "", scan)];
    }

    /// <summary>The archive when this run built the image or the file is gone; the push when the record shows a tag not pushed.</summary>
    public async Task<BuildRecord> PublishAsync(ImageJob job, BuildRecord record, string? image, CancellationToken cancellation)
    {
        var archive = job.Request.ArchivePath;
        if (archive.Length > 0 && (image is not null || !File.Exists(archive)))
        {
            await engine.Images.SaveAsync(record.References, archive, cancellation);
            log.Info($"Wrote {archive}");
        }

        return job.NeedsPush(record)
            ? record with { Digest = await PushAsync(record.References, job.PushHost!, cancellation), Pushed = record.References }
            : record;
    }

    public void Dispose() => engine.Dispose();

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
                    () => engine.Images.PushAsync(reference, pushCredentials, cancellation),
                    exception => exception is RegistryPushException push
                        ? !push.EngineRetried && PushFailure.IsTransient(push.Message)
                        : EngineRequests.IsTransient(exception, reachesRegistry: true),
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
