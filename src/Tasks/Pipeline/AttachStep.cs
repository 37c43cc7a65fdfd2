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
/// ContainerSigningKey — Sigstore bundles signing the image and each of them go to the registry as OCI 1.1 referrers,
/// whatever backend pushed it (docs/supply-chain.md, design (y)). The provenance and the image's signature refer to the
/// pushed manifest (an image index for several platforms); each platform's SBOM, and its signed copy, to that
/// platform's manifest.
/// </summary>
/// <param name="clientFor">The in-process registry client for the job's push registry, with its push credentials.</param>
public sealed class AttachStep(IBuildLog log, Func<ImageJob, RegistryClient> clientFor)
{
    public const string ProvenanceFileName = "container-image.provenance.json";

    private const string CreatedAnnotation = "org.opencontainers.image.created";

    /// <summary>
    /// What the job attaches to a pushed image, as the build record keeps it ("cyclonedx,spdx,provenance,signed:&lt;key
    /// hint&gt;"; each format once, however many platforms); empty when nothing is. A run that would attach something
    /// else attaches again.
    /// </summary>
    public static string What(ImageJob job)
    {
        var kinds = SbomStep.Paths(job).Select(path => SbomStep.IsSpdx(path) ? "spdx" : "cyclonedx").Distinct().ToList();
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

        var name = ImageName(job);
        var provenance = WriteProvenance(job, record, backendName, digest);
        using var client = clientFor(job);
        ManifestResponse manifest;
        try
        {
            manifest = await client.GetManifestAsync(job.PushRepository, digest, cancellation);
        }
        catch (ContainerizeException exception) when (!pushedInProcess && exception.Diagnostic.Code == Errors.RegistryUnreachableCode)
        {
            log.Report(Errors.AttachmentsNotAttached(Describe(what), $"{name}@{digest}", exception.Diagnostic.Message));
            return record;
        }

        var image = new Descriptor(manifest.MediaType, manifest.Digest, manifest.Content.Length);
        var platforms = PlatformManifests(job, image, manifest.Content);
        var publisher = new ReferrerPublisher(client, job.PushRepository);
        foreach (var group in Artifacts(job, image, platforms.Select(platform => platform.Manifest).ToList(), provenance).GroupBy(entry => entry.Subject, entry => entry.Artifact))
        {
            var artifacts = group.ToList();
            var attached = await publisher.AttachAsync(group.Key, artifacts, cancellation);
            var platform = platforms.FirstOrDefault(entry => entry.Manifest == group.Key).Platform;
            log.Info($"Attached to {name}@{group.Key.Digest}{(platform is null ? "" : $" ({platform})")}: {string.Join(", ", attached.Zip(artifacts, (referrer, artifact) => $"{Name(artifact)} ({referrer.Digest})"))}");
        }

        return record with { Attached = $"{digest} {what}" };
    }

    /// <summary>
    /// The image's name in the push registry (localhost:5000/webapi), as cosign attest writes it: the statements'
    /// subject name; the repository alone for an image that goes to no registry (an archive).
    /// </summary>
    public static string ImageName(ImageJob job) => job.Spec.Registry.Length == 0 ? job.Spec.Repository : $"{job.Spec.Registry}/{job.Spec.Repository}";

    /// <summary>An SBOM document (by its path) as an in-toto statement about the image <paramref name="subject"/> names.</summary>
    public static (string PredicateType, byte[] Statement) SbomStatement(ImageJob job, string path, byte[] document, Descriptor subject)
    {
        var predicateType = SbomStep.IsSpdx(path) ? PredicateTypes.Spdx : PredicateTypes.CycloneDx;
        return (predicateType, InTotoStatement.Write([InTotoSubject.Of(ImageName(job), subject.Digest)], predicateType, document));
    }

    /// <summary>
    /// The provenance statement of the image <paramref name="digest"/> names (its one subject: the pushed manifest or
    /// index, which names each platform's manifest by digest), written to disk before the registry is asked, so that
    /// it is there to attach by hand when this machine cannot reach the registry; null when the job writes none.
    /// </summary>
    private static byte[]? WriteProvenance(ImageJob job, BuildRecord record, string backendName, string digest)
    {
        if (ProvenancePath(job) is not { } path)
        {
            return null;
        }

        var statement = ProvenanceStep.Statement(ProvenanceStep.Input(job, record, backendName), digest, ImageName(job));
        AtomicFile.Write(path, output => output.Write(statement),
            reason => Errors.IntermediateFolderFailed(job.Request.ContextDirectory, $"write the provenance ({ProvenanceFileName})", reason));
        return statement;
    }

    /// <summary>
    /// The manifest each platform's SBOM is about, in the order of <see cref="SbomStep.Documents"/>: the pushed image's
    /// own, or for an image index the entry of that platform (as the base's platform was chosen; else the entry at
    /// the same place, the order the index was written in), without its platform.
    /// </summary>
    private static List<(Descriptor Manifest, Platform? Platform)> PlatformManifests(ImageJob job, Descriptor image, byte[] content)
    {
        var entries = MediaTypes.IsIndex(image.MediaType) ? ImageIndex.Manifests(content) : [];
        return SbomStep.Documents(job).Select((documents, index) =>
            (entries.FirstOrDefault(entry => entry.Platform?.Matches(documents.Platform) == true) ?? entries.ElementAtOrDefault(index)) is { } entry
                ? (new Descriptor(entry.MediaType, entry.Digest, entry.Size), entry.Platform)
                : (image, null)).ToList();
    }

    /// <summary>
    /// What to attach, each with the manifest it refers to, in a fixed order: the SBOM documents (each about its
    /// platform's manifest, <paramref name="sbomSubjects"/>), the provenance, then the signatures — the image's, and
    /// one per document about the same manifest as the document.
    /// </summary>
    private static IEnumerable<(Descriptor Subject, Artifact Artifact)> Artifacts(ImageJob job, Descriptor image, IReadOnlyList<Descriptor> sbomSubjects, byte[]? provenance)
    {
        var created = new Dictionary<string, string> { [CreatedAnnotation] = SbomJson.Time(job.Spec.Created) };
        var name = ImageName(job);
        var documents = new List<(Descriptor Subject, Artifact Artifact, string PredicateType, byte[] Statement)>();
        foreach (var (sboms, subject) in SbomStep.Documents(job).Zip(sbomSubjects))
        {
            foreach (var path in sboms.Paths)
            {
                var type = SbomStep.IsSpdx(path) ? SpdxWriter.MediaType : CycloneDxWriter.MediaType;
                var document = File.ReadAllBytes(path);
                var (predicateType, statement) = SbomStatement(job, path, document, subject);
                documents.Add((subject, new Artifact(type, type, document, created, Path.GetFileName(path)), predicateType, statement));
            }
        }

        if (provenance is not null)
        {
            documents.Add((image, new Artifact(InTotoStatement.MediaType, InTotoStatement.MediaType, provenance,
                new Dictionary<string, string>(created) { [InTotoStatement.PredicateTypeAnnotation] = PredicateTypes.SlsaProvenanceV1 }, ProvenanceFileName), PredicateTypes.SlsaProvenanceV1, provenance));
        }

        var artifacts = documents.Select(document => (document.Subject, document.Artifact));
        if (job.Signer is not { } signer)
        {
            return artifacts;
        }

        var statements = documents.Select(document => (document.Subject, document.PredicateType, document.Statement))
            .Prepend((Subject: image, PredicateType: PredicateTypes.CosignSign, Statement: InTotoStatement.Write([InTotoSubject.Of(name, image.Digest)], PredicateTypes.CosignSign, "{}"u8)));
        return artifacts.Concat(statements.Select(entry => (entry.Subject, new Artifact(SigstoreBundle.MediaType, SigstoreBundle.MediaType, SigstoreBundle.Sign(signer, entry.Statement),
            new Dictionary<string, string>(created) { ["dev.sigstore.bundle.content"] = "dsse-envelope", ["dev.sigstore.bundle.predicateType"] = entry.PredicateType }))));
    }

    /// <summary>An artifact as the log names it: "CycloneDX SBOM", "signature (https://slsa.dev/provenance/v1)".</summary>
    private static string Name(Artifact artifact) => artifact.ArtifactType switch
    {
        CycloneDxWriter.MediaType => "CycloneDX SBOM",
        SpdxWriter.MediaType => "SPDX SBOM",
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
