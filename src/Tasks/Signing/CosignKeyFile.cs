using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Containerize.Signing;

/// <summary>
/// cosign's own encrypted private key ("ENCRYPTED SIGSTORE PRIVATE KEY", before cosign 2.x "ENCRYPTED COSIGN PRIVATE
/// KEY"; the same body): the PEM block holds the JSON
/// <c>{"kdf":{"name":"scrypt","params":{"N":…,"r":…,"p":…},"salt":"…"},"cipher":{"name":"nacl/secretbox","nonce":"…"},"ciphertext":"…"}</c>
/// (go-securesystemslib's encrypted format). The key is scrypt(password, salt, N, r, p, 32); the ciphertext is NaCl's
/// secretbox, XSalsa20-Poly1305: the 16-byte Poly1305 tag, then the data XORed with the XSalsa20 keystream from its
/// byte 32 on (the first 32 bytes are the tag's one-time key). What it decrypts to is a PKCS#8 DER private key.
/// </summary>
internal static class CosignKeyFile
{
    public const string Label = "ENCRYPTED SIGSTORE PRIVATE KEY";
    public const string OlderLabel = "ENCRYPTED COSIGN PRIVATE KEY";

    private const int KeyLength = 32;
    private const int NonceLength = 24;
    private const int TagLength = 16;

    /// <summary>scrypt needs 128·N·r bytes: cosign's N=65536, r=8 take 64 MiB. More than this is not a key cosign wrote.</summary>
    private const long MaxScryptMemory = 256L * 1024 * 1024;

    /// <summary>p runs scrypt's work p times over (cosign: 1); bounded so that a hostile file cannot take minutes.</summary>
    private const long MaxScryptParallelism = 16;

    /// <summary>What the JSON of the PEM block says, checked; the password is not needed for this.</summary>
    internal sealed record Sealed(byte[] Salt, int N, int R, int P, byte[] Nonce, byte[] Ciphertext);

    /// <summary>Reads the JSON of the PEM block.</summary>
    /// <exception cref="FormatException">It is not the JSON cosign writes, or asks for what cosign never writes; the message says what, without the block's bytes.</exception>
    public static Sealed Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException exception)
        {
            // The parser's own message would quote the text: not shown.
            throw new FormatException("it is not JSON", exception);
        }

        using (document)
        {
            var root = document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement : throw new FormatException("it is not a JSON object");
            var kdf = Object(root, "kdf");
            var kdfName = Text(kdf, "kdf.name");
            if (kdfName != "scrypt")
            {
                throw new FormatException($"its key derivation is '{kdfName}', and cosign's is scrypt");
            }

            var parameters = Object(kdf, "kdf.params");
            var n = Number(parameters, "kdf.params.N");
            var r = Number(parameters, "kdf.params.r");
            var p = Number(parameters, "kdf.params.p");
            // scrypt wants N a power of 2 above 1 and below 2^(16·r); the bounds keep a hostile file from taking gigabytes or minutes.
            if (n < 2 || (n & (n - 1)) != 0 || r < 1 || r > MaxScryptMemory / 128 || n > MaxScryptMemory / 128 / r || (r == 1 && n >= 1 << 16)
                || p < 1 || p > MaxScryptParallelism)
            {
                throw new FormatException($"its scrypt parameters N={n}, r={r}, p={p} are not usable (N a power of 2, 128·N·r bytes at most 256 MiB, p at most 16; cosign writes N=65536, r=8, p=1)");
            }

            var salt = Base64(kdf, "kdf.salt");
            var cipher = Object(root, "cipher");
            var cipherName = Text(cipher, "cipher.name");
            if (cipherName != "nacl/secretbox")
            {
                throw new FormatException($"its cipher is '{cipherName}', and cosign's is nacl/secretbox");
            }

            var nonce = Base64(cipher, "cipher.nonce");
            if (nonce.Length != NonceLength)
            {
                throw new FormatException($"its cipher.nonce has {nonce.Length} bytes, and secretbox takes {NonceLength}");
            }

            var ciphertext = Base64(root, "ciphertext");
            if (ciphertext.Length <= TagLength)
            {
                throw new FormatException($"its ciphertext has {ciphertext.Length} bytes, less than a key and its {TagLength}-byte tag");
            }

            return new Sealed(salt, (int)n, (int)r, (int)p, nonce, ciphertext);
        }
    }

    /// <summary>
    /// The PKCS#8 DER key <paramref name="key"/> holds; null when <paramref name="password"/> does not open it (the
    /// tag does not match). The caller clears what it gets once imported.
    /// </summary>
    public static byte[]? Open(Sealed key, string password)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        var secretKey = SCrypt.Generate(passwordBytes, key.Salt, key.N, key.R, key.P, KeyLength);
        var data = key.Ciphertext.AsSpan(TagLength);
        var keystream = new byte[KeyLength + data.Length];
        try
        {
            var salsa = new XSalsa20Engine();
            salsa.Init(true, new ParametersWithIV(new KeyParameter(secretKey), key.Nonce));
            salsa.ProcessBytes(new byte[keystream.Length], 0, keystream.Length, keystream, 0);

            var poly1305 = new Poly1305();
            poly1305.Init(new KeyParameter(keystream, 0, KeyLength));
            poly1305.BlockUpdate(key.Ciphertext, TagLength, data.Length);
            var tag = new byte[TagLength];
            poly1305.DoFinal(tag, 0);
            if (!CryptographicOperations.FixedTimeEquals(tag, key.Ciphertext.AsSpan(0, TagLength)))
            {
                return null;
            }

            var plaintext = new byte[data.Length];
            for (var i = 0; i < plaintext.Length; i++)
            {
                plaintext[i] = (byte)(data[i] ^ keystream[KeyLength + i]);
            }

            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
            CryptographicOperations.ZeroMemory(secretKey);
            CryptographicOperations.ZeroMemory(keystream);
        }
    }

    /// <summary>The member at <paramref name="path"/> ("kdf.params.N") of <paramref name="parent"/>, the object its last name is in.</summary>
    private static JsonElement Member(JsonElement parent, string path) =>
        parent.TryGetProperty(path[(path.LastIndexOf('.') + 1)..], out var value) ? value : throw new FormatException($"it has no {path}");

    private static JsonElement Object(JsonElement parent, string path) =>
        Member(parent, path) is { ValueKind: JsonValueKind.Object } value ? value : throw new FormatException($"its {path} is not a JSON object");

    private static string Text(JsonElement parent, string path) =>
        Member(parent, path) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw new FormatException($"its {path} is not a string");

    private static long Number(JsonElement parent, string path) =>
        Member(parent, path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : throw new FormatException($"its {path} is not a whole number");

    private static byte[] Base64(JsonElement parent, string path)
    {
        var text = Text(parent, path);
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException exception)
        {
            throw new FormatException($"its {path} is not base64", exception);
        }
    }
}
