using Containerize.Oci;

namespace Containerize.Referrers;

/// <summary>
/// A document to attach to an image as an OCI 1.1 referrer: an SBOM, a provenance statement, a Sigstore bundle. It
/// becomes an artifact manifest whose one layer is <see cref="Content"/> and whose subject is the image.
/// </summary>
/// <param name="ArtifactType">The manifest's artifactType: what `oras discover --artifact-type` filters on.</param>
/// <param name="MediaType">The layer's media type.</param>
/// <param name="Content">The document's bytes.</param>
/// <param name="Annotations">The manifest's annotations (the referrers index repeats them).</param>
/// <param name="Title">The layer's org.opencontainers.image.title (the file name `oras pull` writes), or null.</param>
public sealed record Artifact(string ArtifactType, string MediaType, byte[] Content, IReadOnlyDictionary<string, string> Annotations, string? Title = null)
{
    public Descriptor Layer => new(MediaType, ManifestWriter.Digest(Content), Content.Length)
    {
        Annotations = Title is null ? null : new Dictionary<string, string> { ["org.opencontainers.image.title"] = Title },
    };

    /// <summary>The artifact manifest that refers to <paramref name="subject"/>.</summary>
    public byte[] Manifest(Descriptor subject) => ManifestWriter.WriteArtifactManifest(ArtifactType, Layer, subject, Annotations);

    /// <summary>The manifest's entry in the subject's referrers index: its descriptor with its artifactType and annotations.</summary>
    public Descriptor Referrer(Descriptor subject)
    {
        var manifest = Manifest(subject);
        return new Descriptor(MediaTypes.OciManifest, ManifestWriter.Digest(manifest), manifest.Length)
        {
            ArtifactType = ArtifactType,
            Annotations = Annotations.Count == 0 ? null : Annotations,
        };
    }
}
