using Containerize.Oci;

namespace Containerize.Attestations;

/// <summary>
/// Docker's attestation manifest (BuildKit's storage format: docs.docker.com/build/metadata/attestations/attestation-storage):
/// in-toto statements about one platform's image, as the layers of an image manifest that sits in the image index
/// beside that image, with the platform unknown/unknown so that `docker load`, `docker pull` and `docker run` pass it
/// by. Containerize writes it into an OCI archive, where there is no registry to hold referrers.
/// </summary>
/// <param name="Entry">Its descriptor in the image index: the platform unknown/unknown and the annotations naming the image it describes.</param>
/// <param name="Blobs">The manifest, its config and each statement, as blobs of the layout.</param>
public sealed record AttestationManifest(Descriptor Entry, IReadOnlyList<byte[]> Blobs)
{
    public const string ReferenceDigestAnnotation = "vnd.docker.reference.digest";
    public const string ReferenceTypeAnnotation = "vnd.docker.reference.type";
    public const string ReferenceType = "attestation-manifest";

    /// <param name="image">The platform manifest the statements are about (their subject).</param>
    /// <param name="statements">The in-toto statements, each a layer annotated with its predicate type.</param>
    public static AttestationManifest For(Descriptor image, IReadOnlyList<(string PredicateType, byte[] Statement)> statements)
    {
        var layers = statements.Select(entry => new Descriptor(InTotoStatement.MediaType, ManifestWriter.Digest(entry.Statement), entry.Statement.Length)
        {
            Annotations = new Dictionary<string, string> { [InTotoStatement.PredicateTypeAnnotation] = entry.PredicateType },
        }).ToList();

        // A valid image config, which readers ignore: the statements are its layers (diff_ids), uncompressed.
        var config = ManifestWriter.Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("architecture", Unknown.Architecture);
            writer.WriteString("os", Unknown.Os);
            writer.WriteStartObject("config");
            writer.WriteEndObject();
            writer.WriteStartObject("rootfs");
            writer.WriteString("type", "layers");
            writer.WriteStartArray("diff_ids");
            layers.ForEach(layer => writer.WriteStringValue(layer.Digest));
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
        var manifest = ManifestWriter.WriteManifest(MediaTypes.OciManifest, new Descriptor(MediaTypes.OciConfig, ManifestWriter.Digest(config), config.Length), layers);
        var entry = new Descriptor(MediaTypes.OciManifest, ManifestWriter.Digest(manifest), manifest.Length)
        {
            Platform = Unknown,
            Annotations = new Dictionary<string, string> { [ReferenceDigestAnnotation] = image.Digest, [ReferenceTypeAnnotation] = ReferenceType },
        };
        return new AttestationManifest(entry, [manifest, config, .. statements.Select(statement => statement.Statement)]);
    }

    private static Platform Unknown => new("unknown", "unknown");
}
