using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Containerize.Signing;

/// <summary>
/// What kind of key a DER private key is, read from its algorithm identifier before it is imported, so that an RSA or
/// P-384 key is named as such (CTZ1087) rather than reported as unreadable. Only the structure is read: no key
/// bytes are kept or shown.
/// </summary>
internal static class KeyKinds
{
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string P256 = "1.2.840.10045.3.1.7";

    /// <summary>PBES2 (RFC 8018), the scheme of an "ENCRYPTED PRIVATE KEY" that OpenSSL 3 writes.</summary>
    private const string Pbes2 = "1.2.840.113549.1.5.13";

    /// <summary>scrypt as PBES2's key derivation (RFC 7914, <c>openssl pkcs8 -scrypt</c>), which .NET does not read.</summary>
    private const string ScryptKdf = "1.3.6.1.4.1.11591.4.11";

    private const string ExplicitCurve = "an ECDSA key whose curve is given by explicit parameters rather than by name (P-256 is named prime256v1 in OpenSSL)";

    /// <summary>
    /// What a PKCS#8 PrivateKeyInfo holds when it is not an ECDSA P-256 key ("an RSA key", "an ECDSA key on the curve
    /// P-384 (secp384r1)"); null for a P-256 key.
    /// </summary>
    /// <exception cref="FormatException">It is not a PrivateKeyInfo.</exception>
    public static string? OtherThanP256InPkcs8(ReadOnlyMemory<byte> der) => Read(() =>
    {
        var info = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        info.ReadInteger();
        var algorithm = info.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        return oid == EcPublicKey ? OtherThanP256(algorithm) : Algorithm(oid);
    });

    /// <summary>What a SEC1 ECPrivateKey holds when its curve is not P-256; null for P-256 or when it names no curve (the import then decides).</summary>
    /// <exception cref="FormatException">It is not an ECPrivateKey.</exception>
    public static string? OtherThanP256InSec1(ReadOnlyMemory<byte> der) => Read(() =>
    {
        var key = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        key.ReadInteger();
        key.ReadOctetString();
        var parameters = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        return key.HasData && key.PeekTag().HasSameClassAndValue(parameters) ? OtherThanP256(key.ReadSequence(parameters)) : null;
    });

    /// <summary>True when an EncryptedPrivateKeyInfo is encrypted with PBES2 and scrypt, which .NET cannot decrypt.</summary>
    /// <exception cref="FormatException">It is not an EncryptedPrivateKeyInfo.</exception>
    public static bool IsScryptEncrypted(ReadOnlyMemory<byte> der) => Read(() =>
    {
        var info = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        var algorithm = info.ReadSequence();
        info.ReadOctetString();
        if (algorithm.ReadObjectIdentifier() != Pbes2)
        {
            return false;
        }

        var derivation = algorithm.ReadSequence().ReadSequence();
        return derivation.ReadObjectIdentifier() == ScryptKdf;
    });

    /// <summary>What an imported key's curve is when it is not P-256; null for P-256.</summary>
    public static string? OtherThanP256(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        if (!curve.IsNamed)
        {
            return ExplicitCurve;
        }

        var oid = curve.Oid.Value ?? curve.Oid.FriendlyName switch
        {
            "nistP256" or "ECDSA_P256" => P256,
            _ => curve.Oid.FriendlyName ?? "",
        };
        return oid == P256 ? null : Curve(oid);
    }

    /// <summary>The ECParameters after the ecPublicKey algorithm or in a SEC1 key's [0]: a named curve, or explicit parameters.</summary>
    private static string? OtherThanP256(AsnReader parameters)
    {
        if (!parameters.HasData)
        {
            return "an ECDSA key that names no curve";
        }

        if (!parameters.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
        {
            return ExplicitCurve;
        }

        var curve = parameters.ReadObjectIdentifier();
        return curve == P256 ? null : Curve(curve);
    }

    private static string Curve(string oid) => "an ECDSA key on the curve " + oid switch
    {
        "1.3.132.0.34" => "P-384 (secp384r1)",
        "1.3.132.0.35" => "P-521 (secp521r1)",
        "1.3.132.0.33" => "P-224 (secp224r1)",
        "1.2.840.10045.3.1.1" => "P-192 (prime192v1)",
        "1.3.132.0.10" => "secp256k1",
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1",
        "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1",
        "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1",
        _ => oid,
    };

    private static string Algorithm(string oid) => oid switch
    {
        "1.2.840.113549.1.1.1" => "an RSA key",
        "1.2.840.113549.1.1.10" => "an RSA-PSS key",
        "1.2.840.10040.4.1" => "a DSA key",
        "1.3.101.112" => "an Ed25519 key",
        "1.3.101.113" => "an Ed448 key",
        "1.3.101.110" => "an X25519 key (for key agreement, not signing)",
        "1.3.101.111" => "an X448 key (for key agreement, not signing)",
        "1.2.840.10046.2.1" => "a Diffie-Hellman key (for key agreement, not signing)",
        "1.2.156.10197.1.301" => "an SM2 key",
        _ => $"a key of the algorithm {oid}",
    };

    private static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (AsnContentException exception)
        {
            throw new FormatException(exception.Message, exception);
        }
    }
}
