using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Containerize.Diagnostics;
using Containerize.FileSystem;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Pkcs;

namespace Containerize.Signing;

/// <summary>
/// Reads the private key of a PEM file into an ECDSA P-256 key, or fails with CTZ1086–CTZ1089. The first PEM block
/// that holds a private key is read; others ("EC PARAMETERS" before an <c>openssl ecparam -genkey</c> key, a
/// certificate) are passed over. No message holds the key's bytes or the password.
/// </summary>
internal static class SigningKeyFile
{
    /// <summary>A PEM key is a few KiB at most (an RSA 4096 one 3.3 KiB): a larger file is not read.</summary>
    public const int MaxLength = 64 * 1024;

    private const string Pkcs8Label = "PRIVATE KEY";
    private const string EncryptedPkcs8Label = "ENCRYPTED PRIVATE KEY";
    private const string Sec1Label = "EC PRIVATE KEY";
    private const string Pkcs1RsaLabel = "RSA PRIVATE KEY";
    private const string DsaLabel = "DSA PRIVATE KEY";
    private const string OpenSshLabel = "OPENSSH PRIVATE KEY";

    /// <summary>The private-key blocks this reads, or names what is wrong with.</summary>
    private static readonly HashSet<string> KnownLabels = new(StringComparer.Ordinal)
    {
        Pkcs8Label, EncryptedPkcs8Label, Sec1Label, CosignKeyFile.Label, CosignKeyFile.OlderLabel, Pkcs1RsaLabel, DsaLabel, OpenSshLabel,
    };

    /// <exception cref="ContainerizeException">CTZ1086, CTZ1087, CTZ1088 or CTZ1089 (<see cref="SigningKey.Load"/>).</exception>
    public static ECDsa Read(string path, string? password)
    {
        var text = ReadText(path);
        var (label, der) = FindPrivateKey(path, text);
        try
        {
            return label switch
            {
                Pkcs8Label => Pkcs8(path, der, $"its '{label}' block"),
                EncryptedPkcs8Label => EncryptedPkcs8(path, der, password),
                Sec1Label => Sec1(path, der),
                CosignKeyFile.Label or CosignKeyFile.OlderLabel => Cosign(path, label, der, password),
                Pkcs1RsaLabel => throw NotP256(path, $"an RSA key ('{label}')"),
                DsaLabel => throw NotP256(path, $"a DSA key ('{label}')"),
                OpenSshLabel => throw Unreadable(path, $"it holds an OpenSSH private key ('{label}'), which is not read; 'ssh-keygen -p -m PKCS8 -f <file>' rewrites it as PKCS#8"),
                _ => throw new UnreachableException($"The PEM label {label} is found but not read."),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static ContainerizeException Unreadable(string path, string problem) => new(Errors.SigningKeyUnreadable(path, problem));

    private static ContainerizeException NotP256(string path, string kind) => new(Errors.SigningKeyNotP256(path, kind));

    /// <summary>The file's text: a regular file (a FIFO or a device is never opened), at most <see cref="MaxLength"/> bytes.</summary>
    private static string ReadText(string path)
    {
        switch (FileKinds.OfTarget(path))
        {
            case FileKind.File:
                break;
            case FileKind.Missing when FileKinds.Of(path) == FileKind.Link:
                throw Unreadable(path, $"it is a symbolic link to {new FileInfo(path).LinkTarget}, which does not exist");
            case FileKind.Missing:
                throw Unreadable(path, "it does not exist");
            case var kind:
                throw Unreadable(path, $"it is {FileKinds.Describe(kind)}, not a file");
        }

        var buffer = new byte[MaxLength + 1];
        try
        {
            int length;
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }
            catch (Exception exception) when (FileFailures.IsFileSystem(exception))
            {
                throw new ContainerizeException(Errors.SigningKeyUnreadable(path, exception.Message), exception);
            }

            if (length > MaxLength)
            {
                throw Unreadable(path, $"it is larger than {MaxLength / 1024} KiB, which no PEM key is");
            }

            // PEM is ASCII; a byte order mark, which some editors write, is passed over.
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(buffer, 0, length).TrimStart('\uFEFF');
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>The label and DER bytes of the first PEM block that holds a private key.</summary>
    private static (string Label, byte[] Der) FindPrivateKey(string path, string text)
    {
        var others = new List<string>();
        var rest = text.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var label = rest.Span[fields.Label].ToString();
            if (KnownLabels.Contains(label))
            {
                // TryFind only finds blocks whose base64 is valid.
                return (label, Convert.FromBase64String(rest.Span[fields.Base64Data].ToString()));
            }

            others.Add(label);
            rest = rest[fields.Location.End..];
        }

        if (text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            throw Unreadable(path, "its key is encrypted the old OpenSSL way ('Proc-Type: 4,ENCRYPTED' headers), which is not read; "
                + "'openssl pkcs8 -topk8 -v2 aes-256-cbc -in <file> -out signing-key.pem' rewrites it as an encrypted PKCS#8 key");
        }

        if (others.Count == 0)
        {
            throw Unreadable(path, "it holds no PEM block ('-----BEGIN …-----')");
        }

        if (others.TrueForAll(label => label == "PUBLIC KEY"))
        {
            throw Unreadable(path, "it holds a public key ('PUBLIC KEY'), and signing takes the private key (cosign.key, not cosign.pub)");
        }

        throw Unreadable(path, "it holds no private key in these formats (its PEM blocks: "
            + string.Join(", ", others.Distinct(StringComparer.Ordinal).Select(label => $"'{label}'")) + ")");
    }

    /// <param name="what">The block, as the message names it: "its 'PRIVATE KEY' block", "the key its 'ENCRYPTED SIGSTORE PRIVATE KEY' block decrypts to".</param>
    private static ECDsa Pkcs8(string path, byte[] der, string what) =>
        Checked(path, what, "PKCS#8", () => KeyKinds.OtherThanP256InPkcs8(der), key => key.ImportPkcs8PrivateKey(der, out _));

    private static ECDsa Sec1(string path, byte[] der) =>
        Checked(path, $"its '{Sec1Label}' block", "SEC1", () => KeyKinds.OtherThanP256InSec1(der), key => key.ImportECPrivateKey(der, out _));

    /// <summary>A key of the <paramref name="format"/>, checked to be P-256 before .NET imports it.</summary>
    /// <param name="otherKind">The key's kind when it is not P-256 ("an RSA key"), else null; FormatException when the bytes are not of the format.</param>
    private static ECDsa Checked(string path, string what, string format, Func<string?> otherKind, Action<ECDsa> import)
    {
        string? other;
        try
        {
            other = otherKind();
        }
        catch (FormatException exception)
        {
            throw new ContainerizeException(Errors.SigningKeyUnreadable(path, $"{what} is not a {format} private key"), exception);
        }

        if (other is not null)
        {
            throw NotP256(path, other);
        }

        return Import(path, what, format, import);
    }

    private static ECDsa EncryptedPkcs8(string path, byte[] der, string? password)
    {
        const string What = $"its '{EncryptedPkcs8Label}' block";
        bool scrypt;
        try
        {
            scrypt = KeyKinds.IsScryptEncrypted(der);
        }
        catch (FormatException exception)
        {
            throw new ContainerizeException(Errors.SigningKeyUnreadable(path, $"{What} is not a PKCS#8 EncryptedPrivateKeyInfo"), exception);
        }

        if (scrypt)
        {
            throw Unreadable(path, $"{What} is encrypted with scrypt (openssl pkcs8 -scrypt), which .NET does not decrypt; "
                + "'openssl pkcs8 -topk8 -v2 aes-256-cbc -in <file> -out signing-key.pem' encrypts it with PBKDF2 instead");
        }

        if (password is null)
        {
            throw new ContainerizeException(Errors.SigningKeyNeedsPassword(path, EncryptedPkcs8Label));
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportEncryptedPkcs8PrivateKey(password, der, out _);
        }
        catch (CryptographicException exception)
        {
            key.Dispose();

            // .NET says the same for a wrong password and for a key that is not ECDSA ("the password may be
            // incorrect"): a key of another kind that the password opens is named as such (CTZ1087).
            if (OtherKindOpened(der, password) is { } other)
            {
                throw NotP256(path, other);
            }

            throw new ContainerizeException(Errors.SigningKeyWrongPassword(path, EncryptedPkcs8Label), exception);
        }

        return CheckCurve(path, key);
    }

    /// <summary>
    /// What an encrypted PKCS#8 key that ECDsa could not import is, when the password opens it and it is not a P-256
    /// key ("an RSA key", "an Ed25519 key"); null when the password does not open it. .NET decrypts only into a key of
    /// the kind asked for, so this decrypts with BouncyCastle, only to tell which error it is; the key is then cleared.
    /// </summary>
    private static string? OtherKindOpened(byte[] der, string password)
    {
        var passwordCharacters = password.ToCharArray();
        byte[]? pkcs8 = null;
        try
        {
            pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(passwordCharacters, EncryptedPrivateKeyInfo.GetInstance(der)).GetEncoded();
            return KeyKinds.OtherThanP256InPkcs8(pkcs8);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever a wrong password makes of the key (bad padding, bytes that are no key), or a scheme BouncyCastle lacks.
            return null;
        }
        finally
        {
            Array.Clear(passwordCharacters);
            if (pkcs8 is not null)
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }
    }

    private static ECDsa Cosign(string path, string label, byte[] der, string? password)
    {
        CosignKeyFile.Sealed sealedKey;
        try
        {
            sealedKey = CosignKeyFile.Parse(der);
        }
        catch (FormatException exception)
        {
            throw new ContainerizeException(Errors.SigningKeyUnreadable(path, $"its '{label}' block is not what cosign writes: {exception.Message}"), exception);
        }

        if (password is null)
        {
            throw new ContainerizeException(Errors.SigningKeyNeedsPassword(path, label));
        }

        var pkcs8 = CosignKeyFile.Open(sealedKey, password) ?? throw new ContainerizeException(Errors.SigningKeyWrongPassword(path, label));
        try
        {
            return Pkcs8(path, pkcs8, $"the key its '{label}' block decrypts to");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static ECDsa Import(string path, string what, string format, Action<ECDsa> import)
    {
        var key = ECDsa.Create();
        try
        {
            import(key);
        }
        catch (CryptographicException exception)
        {
            key.Dispose();
            throw new ContainerizeException(Errors.SigningKeyUnreadable(path, $"{what} is not a valid {format} ECDSA private key"), exception);
        }

        return CheckCurve(path, key);
    }

    /// <summary>The key when it is on P-256 (the structure said so already; the imported key is checked all the same), else CTZ1087.</summary>
    private static ECDsa CheckCurve(string path, ECDsa key)
    {
        if (KeyKinds.OtherThanP256(key) is { } other)
        {
            key.Dispose();
            throw NotP256(path, other);
        }

        return key;
    }
}
