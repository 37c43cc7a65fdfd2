using Containerize.Attestations;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Oci;
using Containerize.Referrers;
using Containerize.Registries;
using Containerize.Sbom;
using Containerize.Signing;

namespace Containerize.Pipeline;

/// <summary>
/// The step "attach" of <see cref="ImagePipeline"/>, after a push: the image's SBOM, its provenance and — with
/// ContainerSigningKey — Sigstore bundles signing the image and each of them go to the registry as OCI 1.1 referrers
/// of the pushed manifest, whatever backend pushed it (docs/supply-chain.md, design (y)).
/// </summary>
/// <param name="clientFor">The in-process registry client for the job's push registry, with its push credentials.</param>
public sealed class AttachStep(IBuildLog log, Func<ImageJob, RegistryClient> clientFor)
{
    public const string ProvenanceFileName = "container-image.provenance.json";

    private const string CycloneDxType = "application/vnd.cyclonedx+json";
    private const string SpdxType = "application/spdx+json";
    private const string CreatedAnnotation = "org.opencontainers.image.created";

    /// <summary>
    /// What the job attaches to a pushed image, as the build record keeps it ("cyclonedx,spdx,provenance,signed:&lt;key
    /// hint&gt;"); empty when nothing is. A run that would attach something else attaches again.
    /// </summary>
    public static string What(ImageJob job)
    {
        var kinds = SbomStep.Paths(job).Select(path => path.EndsWith(SbomStep.SpdxFileName, StringComparison.Ordinal) ? "spdx" : "cyclonedx").ToList();
        if (job.Request.Provenance)
        {
            kinds.Add("provenance");
        }

        if (job.Signer is { } signer)
        {
            kinds.Add("signed:" + signer.PublicKeyHint);
        }

        return string.Join(",", kinds);
    }

    /// <summary>Whether the record says that everything the job attaches is attached to the image it pushed.</summary>
    public static bool IsAttached(ImageJob job, BuildRecord record) => record.Digest is { } digest && record.Attached == $"{digest} {What(job)}";

    /// <summary>Where the job writes the provenance statement of a pushed image (an earlier one is removed when it writes none), or null.</summary>
    public static string? ProvenancePath(ImageJob job) =>
        job.PushHost is not null && job.Request.Provenance ? Path.Combine(job.Request.ContextDirectory, ProvenanceFileName) : null;

    /// <summary>Attaches what the job asks for to the pushed image, unless the record shows it attached already.</summary>
    /// <param name="backendName">The backend that made the image, for the provenance.</param>
    /// <param name="pushedInProcess">False when another process pushed (the engine, a BuildKit daemon): a registry this machine cannot reach is then a warning.</param>
    /// <returns>The record, saying what is attached.</returns>
    public async Task<BuildRecord> RunAsync(ImageJob job, BuildRecord record, string backendName, bool pushedInProcess, CancellationToken cancellation)
    {
        var what = What(job);
        if (ProvenancePath(job) is null)
        {
            File.Delete(Path.Combine(job.Request.ContextDirectory, ProvenanceFileName));
        }

        if (job.PushHost is null || record.Digest is not { } digest || what.Length == 0 || IsAttached(job, record))
        {
            return record;
        }

        var image = $"{job.Spec.Registry}/{job.Spec.Repository}@{digest}";
        var artifacts = Artifacts(job, record, backendName, digest);
        using var client = clientFor(job);
        ManifestResponse manifest;
        try
        {
            manifest = await client.GetManifestAsync(job.PushRepository, digest, cancellation);
        }
        catch (ContainerizeException exception) when (!pushedInProcess && exception.Diagnostic.Code == Errors.RegistryUnreachableCode)
        {
            log.Report(Errors.AttachmentsNotAttached(Describe(what), image, exception.Diagnostic.Message));
            return record;
        }

        var subject = new Descriptor(manifest.MediaType, manifest.Digest, manifest.Content.Length);
        var attached = await new ReferrerPublisher(client, job.PushRepository).AttachAsync(subject, artifacts, cancellation);
        log.Info($"Attached to {image}: {string.Join(", ", attached.Zip(artifacts, (referrer, artifact) => $"{Name(artifact)} ({referrer.Digest})"))}");
        return record with { Attached = $"{digest} {what}" };
    }

    /// <summary>
    /// The artifacts for the image <paramref name="digest"/> names, in a fixed order: the SBOM documents, the
    /// provenance (also written to disk), then the signatures.
    /// </summary>
    private static List<Artifact> Artifacts(ImageJob job, BuildRecord record, string backendName, string digest)
    {
        var created = new Dictionary<string, string> { [CreatedAnnotation] = SbomJson.Time(job.Spec.Created) };
        var statements = new List<(string PredicateType, byte[] Statement)>();
        var subjects = new[] { new InTotoSubject($"{job.Spec.Registry}/{job.Spec.Repository}", digest[Sha256Digest.Prefix.Length..]) };
        var artifacts = new List<Artifact>();
        foreach (var path in SbomStep.Paths(job))
        {
            var spdx = path.EndsWith(SbomStep.SpdxFileName, StringComparison.Ordinal);
            var document = File.ReadAllBytes(path);
            artifacts.Add(new Artifact(spdx ? SpdxType : CycloneDxType, spdx ? SpdxType : CycloneDxType, document, created, Path.GetFileName(path)));
            statements.Add((spdx ? PredicateTypes.Spdx : PredicateTypes.CycloneDx, InTotoStatement.Write(subjects, spdx ? PredicateTypes.Spdx : PredicateTypes.CycloneDx, document)));
        }

        if (ProvenancePath(job) is { } provenancePath)
        {
            var statement = ProvenanceStep.Statement(ProvenanceStep.Input(job, record, backendName), digest, subjects[0].Name);
            AtomicFile.Write(provenancePath, output => output.Write(statement),
                reason => Errors.IntermediateFolderFailed(job.Request.ContextDirectory, $"write the provenance ({ProvenanceFileName})", reason));
            artifacts.Add(new Artifact(InTotoStatement.MediaType, InTotoStatement.MediaType, statement,
                new Dictionary<string, string>(created) { [InTotoStatement.PredicateTypeAnnotation] = PredicateTypes.SlsaProvenanceV1 }, ProvenanceFileName));
            statements.Add((PredicateTypes.SlsaProvenanceV1, statement));
        }

        if (job.Signer is { } signer)
        {
            statements.Insert(0, (PredicateTypes.CosignSign, InTotoStatement.Write(subjects, PredicateTypes.CosignSign, "{}"u8)));
            artifacts.AddRange(statements.Select(entry => new Artifact(SigstoreBundle.MediaType, SigstoreBundle.MediaType, SigstoreBundle.Sign(signer, entry.Statement),
                new Dictionary<string, string>(created) { ["dev.sigstore.bundle.content"] = "dsse-envelope", ["dev.sigstore.bundle.predicateType"] = entry.PredicateType })));
        }

        return artifacts;
    }

    /// <summary>An artifact as the log names it: "CycloneDX SBOM", "signature (https://slsa.dev/provenance/v1)".</summary>
    private static string Name(Artifact artifact) => artifact.ArtifactType switch
    {
        CycloneDxType => "CycloneDX SBOM",
        SpdxType => "SPDX SBOM",
        InTotoStatement.MediaType => "SLSA provenance",
        _ => $"signature ({artifact.Annotations["dev.sigstore.bundle.predicateType"]})",
    };

    /// <summary>"the CycloneDX SBOM, the provenance and the signatures", from <see cref="What"/>.</summary>
    private static string Describe(string what)
    {
        var names = what.Split(',').Select(kind => kind switch
        {
            "cyclonedx" => "the CycloneDX SBOM",
            "spdx" => "the SPDX SBOM",
            "provenance" => "the provenance",
            _ => "the signatures",
        }).ToList();
        return names.Count == 1 ? names[0] : string.Join(", ", names[..^1]) + " and " + names[^1];
    }
}
