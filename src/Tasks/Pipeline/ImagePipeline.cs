using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Dockerfile;

namespace Containerize.Pipeline;

/// <summary>
/// The steps of every run, whatever the backend: up to date? → base → Dockerfile and context → build → publish (push,
/// archive, load) → attach → record and report, with the SBOM of each platform written right after the build. The
/// backend (<see cref="IImageBackend{TBase, TImage}"/>) does what each step means for it; the pipeline decides which
/// steps run.
/// </summary>
public sealed class ImagePipeline(IBuildLog log, AttachStep attach)
{
    public async Task<ContainerizeResult> RunAsync<TBase, TImage>(ImageJob job, IImageBackend<TBase, TImage> backend, CancellationToken cancellation)
    {
        var record = BuildRecord.Load(job.RecordPath);
        var upToDate = record is not null && record.Fingerprint == job.Fingerprint && File.Exists(job.DockerfilePath) && SbomStep.Paths(job).All(File.Exists)
            && await backend.HoldsAsync(job, record, cancellation);
        TImage? image = default;
        IReadOnlyList<Sbom.SbomInput> sboms = [];
        if (upToDate)
        {
            log.Info($"{job.Spec.References.First()} is up to date ({record!.Digest ?? record.ImageId}).");
        }
        else
        {
            var plan = await PlanAsync(job, backend, cancellation);
            ContextStager.Stage(plan.Spec, job.Request.ContextDirectory);
            var attachedBefore = record?.Attached;
            (record, image) = await backend.BuildAsync(plan, cancellation);

            // What the registry holds for a digest stays true when the same image is made again (a new tag, say).
            record = record with { Attached = attachedBefore };
            record.Save(job.RecordPath);
            sboms = await WriteSbomAsync(job, backend, plan, record, image, cancellation);
        }

        var published = await backend.PublishAsync(job, record!, image, cancellation);
        if (published != record)
        {
            published.Save(job.RecordPath);
        }

        if (sboms is [{ Digest: null } sbom] && published.Digest is not null)
        {
            // The engine's push gave the manifest digest the image's purl names (an index's platforms are known at build time).
            SbomStep.Write(job, [sbom with { Digest = published.Digest }], log);
        }

        if (await attach.RunAsync(job, published, backend.Name, backend.PushesInProcess, cancellation) is var attached && attached != published)
        {
            published = attached;
            published.Save(job.RecordPath);
        }

        var result = new ContainerizeResult(published.ImageId, published.References, job.DockerfilePath, job.BaseName,
            published.BaseImageDigest, published.Platform.Split(','), upToDate, job.PushHost is null ? null : published.Digest, backend.Name)
        {
            InEngine = backend.InEngine,
            ArchivePath = job.Request.ArchivePath,
            Sboms = SbomStep.Documents(job),
            Provenance = AttachStep.ProvenancePath(job) is { } provenance && File.Exists(provenance) ? provenance : null,
            Signed = job.Signer is not null && AttachStep.IsAttached(job, published),
        };
        ImageReport.Write(Path.Combine(job.Request.ContextDirectory, ImageReport.FileName), result);
        return result;
    }

    /// <summary>
    /// Step "SBOM", right after the build (so that a push that fails leaves the image and its SBOM for the next run to
    /// push): the documents of each platform's image, from what the backend reads of it.
    /// </summary>
    /// <returns>What the documents of each platform say; empty when none was written.</returns>
    private async Task<IReadOnlyList<Sbom.SbomInput>> WriteSbomAsync<TBase, TImage>(ImageJob job, IImageBackend<TBase, TImage> backend, ImagePlan<TBase> plan,
        BuildRecord record, TImage image, CancellationToken cancellation)
    {
        SbomStep.RemoveOthers(job);
        if (SbomStep.Documents(job).Count == 0)
        {
            return [];
        }

        var contents = await backend.ReadContentsAsync(plan, record, image, cancellation);
        var inputs = contents.Select((platform, index) => SbomStep.Input(job, plan, index, platform, log, cancellation)).ToList();
        SbomStep.Write(job, inputs, log);
        return inputs;
    }

    /// <summary>Step "base": each platform's base image read once and merged into the plan.</summary>
    public static async Task<ImagePlan<TBase>> PlanAsync<TBase, TImage>(ImageJob job, IImageBackend<TBase, TImage> backend, CancellationToken cancellation)
    {
        var platforms = new List<(Oci.Platform, Spec.ContainerSpec, (TBase, Spec.BaseImageFacts)?)>();
        foreach (var (platform, spec) in job.Targets)
        {
            platforms.Add((platform, spec, await backend.ReadBaseAsync(job, spec, platform, cancellation)));
        }

        return ImagePlan<TBase>.Create(job, platforms);
    }
}
