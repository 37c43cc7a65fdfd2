using System.Text.Encodings.Web;
using System.Text.Json;

namespace Containerize.Attestations;

/// <summary>What a statement is about: the image by its repository and manifest digest (hex, without "sha256:").</summary>
public sealed record InTotoSubject(string Name, string Sha256Hex)
{
    /// <summary>The image <paramref name="digest"/> ("sha256:…") names in the repository <paramref name="name"/>.</summary>
    public static InTotoSubject Of(string name, string digest) => new(name, digest[Registries.Sha256Digest.Prefix.Length..]);
}

/// <summary>The predicate types Containerize attests, as cosign's --type names them.</summary>
public static class PredicateTypes
{
    /// <summary>cosign's --type cyclonedx.</summary>
    public const string CycloneDx = "https://cyclonedx.org/bom";

    /// <summary>cosign's --type spdxjson.</summary>
    public const string Spdx = "https://spdx.dev/Document";

    /// <summary>cosign's --type slsaprovenance1.</summary>
    public const string SlsaProvenanceV1 = "https://slsa.dev/provenance/v1";

    /// <summary>What `cosign sign` signs in a Sigstore bundle: "this image is signed", with an empty predicate.</summary>
    public const string CosignSign = "https://sigstore.dev/cosign/sign/v1";
}

/// <summary>An in-toto Statement v1 (github.com/in-toto/attestation, spec/v1/statement.md): compact UTF-8 JSON.</summary>
public static class InTotoStatement
{
    public const string Type = "https://in-toto.io/Statement/v1";

    /// <summary>The media type of a statement as a blob (a referrer's artifactType, an attestation manifest's layer).</summary>
    public const string MediaType = "application/vnd.in-toto+json";

    /// <summary>The annotation that names a statement's predicate type where it is stored (the referrer, the layer).</summary>
    public const string PredicateTypeAnnotation = "in-toto.io/predicate-type";

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="predicateJson">The predicate, a JSON object (an SBOM document as written, the provenance), embedded compact: its members in their order, without the whitespace.</param>
    public static byte[] Write(IReadOnlyList<InTotoSubject> subjects, string predicateType, ReadOnlySpan<byte> predicateJson)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("_type", Type);
            writer.WriteStartArray("subject");
            foreach (var subject in subjects)
            {
                writer.WriteStartObject();
                writer.WriteString("name", subject.Name);
                writer.WriteStartObject("digest");
                writer.WriteString("sha256", subject.Sha256Hex);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("predicateType", predicateType);
            writer.WritePropertyName("predicate");
            var reader = new Utf8JsonReader(predicateJson);
            JsonElement.ParseValue(ref reader).WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
