using System.Security.Cryptography;
using Containerize.Diagnostics;

namespace Containerize.Signing;

/// <summary>
/// An ECDSA P-256 private key read from a PEM file, to sign with as cosign signs: SHA-256, DER (RFC 3279) signatures.
/// Read are PKCS#8 (plain or encrypted), SEC1 and cosign's own encrypted keys (<see cref="Load"/>); the key stays in
/// this process and is never written anywhere.
/// </summary>
public sealed class SigningKey : IDisposable
{
    /// <summary>
    /// The environment variable the build reads the key's password from. Not an MSBuild property: properties end up in
    /// binary logs. A variable that is not set means no password; an empty one is the empty password (cosign allows one).
    /// </summary>
    public const string PasswordVariable = "CONTAINERIZE_SIGNING_KEY_PASSWORD";

    private readonly ECDsa key;
    private bool disposed;

    private SigningKey(ECDsa key)
    {
        this.key = key;
        var publicKey = key.ExportSubjectPublicKeyInfo();
        PublicKeyHint = Hint(publicKey);
        PublicKeyPem = new string(PemEncoding.Write("PUBLIC KEY", publicKey)) + "\n";
    }

    /// <summary>
    /// Base64 of the SHA-256 of the public key's DER SubjectPublicKeyInfo: what cosign writes as a Sigstore bundle's
    /// <c>verificationMaterial.publicKey.hint</c>, so that a verifier can tell which key to try.
    /// </summary>
    public string PublicKeyHint { get; }

    /// <summary>
    /// The public key as <c>openssl pkey -pubout</c> and <c>cosign generate-key-pair</c> (cosign.pub) write it: a
    /// "PUBLIC KEY" (SubjectPublicKeyInfo) PEM block, "\n" line ends, a final newline.
    /// </summary>
    public string PublicKeyPem { get; }

    /// <summary>Reads the private key in the PEM file at <paramref name="path"/>.</summary>
    /// <param name="path">A PEM file: PKCS#8 "PRIVATE KEY" or "ENCRYPTED PRIVATE KEY", SEC1 "EC PRIVATE KEY", cosign's
    /// "ENCRYPTED SIGSTORE PRIVATE KEY" or the older "ENCRYPTED COSIGN PRIVATE KEY". The first private key in it is read.</param>
    /// <param name="password">The password of an encrypted key (<see cref="PasswordVariable"/>); null when none is set,
    /// which only an encrypted key minds. The empty string is a password.</param>
    /// <exception cref="ContainerizeException">CTZ1086 when the file cannot be read or holds no private key in these
    /// formats, CTZ1087 when the key is not ECDSA P-256, CTZ1088 when it is encrypted and <paramref name="password"/>
    /// is null, CTZ1089 when the password does not decrypt it. No message holds the key or the password.</exception>
    public static SigningKey Load(string path, string? password)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new SigningKey(SigningKeyFile.Read(path, password));
    }

    /// <summary>Signs <paramref name="data"/>: ECDSA P-256 over its SHA-256, the signature DER-encoded (RFC 3279), as cosign's.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>Frees the key.</summary>
    public void Dispose()
    {
        disposed = true;
        key.Dispose();
    }

    /// <summary>The hint of a DER SubjectPublicKeyInfo: base64 of its SHA-256.</summary>
    internal static string Hint(ReadOnlySpan<byte> subjectPublicKeyInfo) => Convert.ToBase64String(SHA256.HashData(subjectPublicKeyInfo));
}
