using System.Text.Encodings.Web;
using System.Text.Json;

namespace Containerize.Signing;

/// <summary>
/// A Sigstore bundle (v0.3) holding a DSSE envelope of an in-toto statement, signed with a key: what
/// <c>cosign sign --key</c> and <c>cosign attest --key</c> store (docs/supply-chain-samples/cosign-sign-bundle.json),
/// without a transparency-log entry or a certificate: the verifier is given the public key
/// (<c>cosign verify --key … --insecure-ignore-tlog</c>).
/// </summary>
public static class SigstoreBundle
{
    /// <summary>The bundle's media type: its own <c>mediaType</c>, and the OCI artifact and layer type of the referrer that carries it.</summary>
    public const string MediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /// <summary>The DSSE payload type of an in-toto statement.</summary>
    internal const string InTotoPayloadType = "application/vnd.in-toto+json";

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>
    /// The bundle of <paramref name="statement"/> signed with <paramref name="key"/>: compact UTF-8 JSON, keys in the
    /// order cosign writes them, no final newline:
    /// <c>{"mediaType":…,"verificationMaterial":{"publicKey":{"hint":…}},"dsseEnvelope":{"payload":…,"payloadType":"application/vnd.in-toto+json","signatures":[{"sig":…}]}}</c>.
    /// The signature is over <see cref="Dsse.Pae"/> of the payload type and the statement.
    /// </summary>
    /// <param name="key">The signing key; its <see cref="SigningKey.PublicKeyHint"/> names it in the bundle.</param>
    /// <param name="statement">The in-toto statement's JSON bytes, signed and stored as they are.</param>
    public static byte[] Sign(SigningKey key, byte[] statement)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(statement);
        var signature = key.Sign(Dsse.Pae(InTotoPayloadType, statement));

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            writer.WriteStartObject();
            writer.WriteString("mediaType", MediaType);
            writer.WriteStartObject("verificationMaterial");
            writer.WriteStartObject("publicKey");
            writer.WriteString("hint", key.PublicKeyHint);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject("dsseEnvelope");
            writer.WriteBase64String("payload", statement);
            writer.WriteString("payloadType", InTotoPayloadType);
            writer.WriteStartArray("signatures");
            writer.WriteStartObject();
            writer.WriteBase64String("sig", signature);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
