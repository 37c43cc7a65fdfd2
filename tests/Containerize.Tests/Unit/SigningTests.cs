using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Signing;
using Containerize.Tests.Infrastructure;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>
/// The signing primitives (src/Tasks/Signing): signing keys read from every PEM format Containerize takes, compared with
/// the public keys openssl and cosign derived (Golden/Signing, its README says how each was made); the CTZ1086–CTZ1089
/// errors; DSSE's pre-authentication encoding; and Sigstore bundles, checked against the one cosign wrote
/// (docs/supply-chain-samples) and against their own signatures.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class SigningTests : IDisposable
{
    private const string Password = "test-password";

    /// <summary>The end of every CTZ1086 message.</summary>
    private const string Formats = " Name a file that holds an ECDSA P-256 private key in PEM: PKCS#8 ('PRIVATE KEY', or 'ENCRYPTED PRIVATE KEY' with a password), SEC1 ('EC PRIVATE KEY') or cosign's own ('ENCRYPTED SIGSTORE PRIVATE KEY' as cosign generate-key-pair writes it, or the older 'ENCRYPTED COSIGN PRIVATE KEY').";

    /// <summary>The end of every CTZ1087 message.</summary>
    private const string HowToMakeAP256Key = " Containerize signs with ECDSA keys on the curve P-256 only, the kind cosign generate-key-pair makes. "
        + "Make one with 'cosign generate-key-pair' (cosign.key, encrypted with the password it asks for), or with "
        + "'openssl ecparam -name prime256v1 -genkey | openssl pkcs8 -topk8 -v2 aes-256-cbc -out signing-key.pem' (-nocrypt instead of -v2 aes-256-cbc for no password), "
        + "and give its public key to those who verify the image.";

    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "Signing", name);

    private static string Sample(string name) => Path.Combine(Repository.Root, "docs", "supply-chain-samples", name);

    /// <summary>The DER of the first PEM block of a file.</summary>
    private static byte[] PemBody(string path)
    {
        var text = File.ReadAllText(path);
        Assert.IsTrue(PemEncoding.TryFind(text, out var fields), $"{path} holds no PEM block");
        return Convert.FromBase64String(text[fields.Base64Data]);
    }

    /// <summary>
    /// Loading fails with <paramref name="code"/>; the message names the file and holds neither the password nor any
    /// line of the file's PEM body.
    /// </summary>
    private static Diagnostic LoadFails(string code, string path, string? password)
    {
        var exception = Assert.ThrowsExactly<ContainerizeException>(() => SigningKey.Load(path, password));
        var diagnostic = exception.Diagnostic;
        Assert.AreEqual(code, diagnostic.Code, diagnostic.Message);
        Assert.AreEqual(Severity.Error, diagnostic.Severity);
        Assert.Contains(path, diagnostic.Message);
        if (!string.IsNullOrEmpty(password))
        {
            Assert.DoesNotContain(password, diagnostic.Message);
        }

        // Never File.Exists: a FIFO is a file to .NET, and reading it would wait for ever.
        if (FileKinds.OfTarget(path) == FileKind.File)
        {
            foreach (var line in File.ReadLines(path).Where(line => line.Length >= 16 && line.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')))
            {
                Assert.DoesNotContain(line, diagnostic.Message);
            }
        }

        return diagnostic;
    }

    [TestMethod]
    [DataRow("cosign.key", Password, "cosign.pub", DisplayName = "cosign generate-key-pair: ENCRYPTED SIGSTORE PRIVATE KEY")]
    [DataRow("cosign-legacy-label.key", Password, "cosign.pub", DisplayName = "the older ENCRYPTED COSIGN PRIVATE KEY")]
    [DataRow("cosign-empty-password.key", "", "cosign-empty-password.pub", DisplayName = "cosign with the empty password")]
    [DataRow("pkcs8.pem", null, "pkcs8.pub", DisplayName = "PKCS#8 PRIVATE KEY")]
    [DataRow("pkcs8.pem", "ignored", "pkcs8.pub", DisplayName = "PKCS#8 PRIVATE KEY, a password given and not needed")]
    [DataRow("pkcs8-encrypted.pem", Password, "pkcs8-encrypted.pub", DisplayName = "PKCS#8 ENCRYPTED PRIVATE KEY")]
    [DataRow("sec1.pem", null, "sec1.pub", DisplayName = "SEC1 EC PRIVATE KEY after EC PARAMETERS")]
    public void Each_format_loads_and_gives_the_public_key_openssl_or_cosign_derived(string keyFile, string? password, string publicKeyFile)
    {
        using var key = SigningKey.Load(Fixture(keyFile), password);

        var expected = File.ReadAllText(Fixture(publicKeyFile));
        Assert.AreEqual(expected, key.PublicKeyPem);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", key.PublicKeyPem);
        Assert.AreEqual(Convert.ToBase64String(SHA256.HashData(PemBody(Fixture(publicKeyFile)))), key.PublicKeyHint);
    }

    [TestMethod]
    public void The_hint_is_base64_of_the_SHA_256_of_the_DER_public_key_as_cosign_writes_it()
    {
        using var key = SigningKey.Load(Fixture("cosign.key"), Password);
        var subjectPublicKeyInfo = PemBody(Fixture("cosign.pub"));

        Assert.AreEqual(Convert.ToBase64String(SHA256.HashData(subjectPublicKeyInfo)), key.PublicKeyHint);
        Assert.AreEqual("qGfakPJIaFg/yI3ZozZJ4qe7VA0N5UcagH9pHzZwqbg=", SigningKey.Hint(PemBody(Sample("cosign-sample.pub"))));

        // The sample bundle cosign wrote names its key by the same hint.
        using var bundle = JsonDocument.Parse(File.ReadAllBytes(Sample("cosign-sign-bundle.json")));
        Assert.AreEqual("qGfakPJIaFg/yI3ZozZJ4qe7VA0N5UcagH9pHzZwqbg=", bundle.RootElement.GetProperty("verificationMaterial").GetProperty("publicKey").GetProperty("hint").GetString());
    }

    [TestMethod]
    [DataRow("cosign.key", Password, "cosign.pub")]
    [DataRow("pkcs8-encrypted.pem", Password, "pkcs8-encrypted.pub")]
    [DataRow("sec1.pem", null, "sec1.pub")]
    public void A_signature_is_DER_ECDSA_over_SHA_256_and_verifies_with_the_public_key(string keyFile, string? password, string publicKeyFile)
    {
        using var key = SigningKey.Load(Fixture(keyFile), password);
        var data = Encoding.UTF8.GetBytes("what is signed");

        var signature = key.Sign(data);

        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(File.ReadAllText(Fixture(publicKeyFile)));
        Assert.AreEqual(0x30, signature[0], "an ASN.1 SEQUENCE (RFC 3279 Ecdsa-Sig-Value)");
        Assert.IsTrue(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.IsFalse(publicKey.VerifyData(Encoding.UTF8.GetBytes("something else"), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [TestMethod]
    public void A_disposed_key_signs_nothing()
    {
        var key = SigningKey.Load(Fixture("pkcs8.pem"), null);
        key.Dispose();

        Assert.ThrowsExactly<ObjectDisposedException>(() => key.Sign([1, 2, 3]));
    }

    [TestMethod]
    public void An_RSA_key_is_CTZ1087()
    {
        var path = Fixture("rsa-2048.pem");

        var diagnostic = LoadFails("CTZ1087", path, null);

        Assert.AreEqual($"The signing key {path} (ContainerSigningKey) is an RSA key." + HowToMakeAP256Key, diagnostic.Message);
    }

    [TestMethod]
    [DataRow("rsa-2048-pkcs1.pem", null, "an RSA key ('RSA PRIVATE KEY')")]
    [DataRow("rsa-2048-encrypted.pem", Password, "an RSA key")]
    [DataRow("ed25519.pem", null, "an Ed25519 key")]
    [DataRow("ed25519-encrypted.pem", Password, "an Ed25519 key")]
    public void Other_kinds_of_keys_are_CTZ1087_named_by_kind(string keyFile, string? password, string kind)
    {
        var path = Fixture(keyFile);

        var diagnostic = LoadFails("CTZ1087", path, password);

        Assert.AreEqual($"The signing key {path} (ContainerSigningKey) is {kind}." + HowToMakeAP256Key, diagnostic.Message);
    }

    [TestMethod]
    public void A_P_384_key_is_CTZ1087()
    {
        var path = Fixture("p384.pem");

        var diagnostic = LoadFails("CTZ1087", path, null);

        Assert.AreEqual($"The signing key {path} (ContainerSigningKey) is an ECDSA key on the curve P-384 (secp384r1)." + HowToMakeAP256Key, diagnostic.Message);
    }

    [TestMethod]
    public void A_P_384_key_in_SEC1_and_encrypted_PKCS8_is_CTZ1087_too()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var sec1 = work.WriteFile("p384-sec1.pem", p384.ExportECPrivateKeyPem());
        var encrypted = work.WriteFile("p384-encrypted.pem", p384.ExportEncryptedPkcs8PrivateKeyPem(Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));

        StringAssert.Contains(LoadFails("CTZ1087", sec1, null).Message, "is an ECDSA key on the curve P-384 (secp384r1).");
        StringAssert.Contains(LoadFails("CTZ1087", encrypted, Password).Message, "is an ECDSA key on the curve P-384 (secp384r1).");
    }

    [TestMethod]
    public void A_file_without_PEM_is_CTZ1086()
    {
        var path = Fixture("not-a-key.txt");

        var diagnostic = LoadFails("CTZ1086", path, null);

        Assert.AreEqual($"The signing key {path} (ContainerSigningKey) cannot be read: it holds no PEM block ('-----BEGIN …-----')." + Formats, diagnostic.Message);
    }

    [TestMethod]
    public void A_missing_file_is_CTZ1086()
    {
        var path = work.Combine("missing.key");

        var diagnostic = LoadFails("CTZ1086", path, Password);

        Assert.AreEqual($"The signing key {path} (ContainerSigningKey) cannot be read: it does not exist." + Formats, diagnostic.Message);
    }

    [TestMethod]
    public void A_public_key_is_CTZ1086_asking_for_the_private_one()
    {
        var path = Fixture("cosign.pub");

        var diagnostic = LoadFails("CTZ1086", path, null);

        Assert.AreEqual($"The signing key {path} (ContainerSigningKey) cannot be read: it holds a public key ('PUBLIC KEY'), and signing takes the private key (cosign.key, not cosign.pub)." + Formats, diagnostic.Message);
    }

    [TestMethod]
    public void Other_PEM_blocks_are_named_in_CTZ1086()
    {
        var path = work.WriteFile("certificate.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n");

        var diagnostic = LoadFails("CTZ1086", path, null);

        Assert.AreEqual($"The signing key {path} (ContainerSigningKey) cannot be read: it holds no private key in these formats (its PEM blocks: 'CERTIFICATE', 'EC PARAMETERS')." + Formats, diagnostic.Message);
    }

    [TestMethod]
    public void A_key_behind_symbolic_links_loads_as_a_mounted_Kubernetes_secret_holds_it_and_a_dangling_link_is_CTZ1086()
    {
        // A Secret volume: key -> ..data/key, ..data -> ..2026_12_04_17_00_00.1, the file inside that folder.
        var version = Directory.CreateDirectory(work.Combine("..2026_12_04_17_00_00.1")).FullName;
        File.Copy(Fixture("cosign.key"), Path.Combine(version, "cosign.key"));
        File.CreateSymbolicLink(work.Combine("..data"), "..2026_12_04_17_00_00.1");
        var mounted = File.CreateSymbolicLink(work.Combine("cosign.key"), "..data/cosign.key").FullName;
        var dangling = File.CreateSymbolicLink(work.Combine("gone.key"), "..data/gone.key").FullName;

        using var key = SigningKey.Load(mounted, Password);

        Assert.AreEqual(File.ReadAllText(Fixture("cosign.pub")), key.PublicKeyPem);
        Assert.AreEqual($"The signing key {dangling} (ContainerSigningKey) cannot be read: it is a symbolic link to ..data/gone.key, which does not exist." + Formats, LoadFails("CTZ1086", dangling, Password).Message);
    }

    [TestMethod]
    public void A_folder_a_FIFO_and_a_large_file_are_CTZ1086_without_being_read()
    {
        var fifo = Fifo.Make(work.Combine("key.fifo"));
        var large = work.WriteFile("large.pem", File.ReadAllText(Fixture("pkcs8.pem")) + new string('#', 70 * 1024));

        StringAssert.Contains(LoadFails("CTZ1086", work.Path, null).Message, "cannot be read: it is a folder, not a file.");
        StringAssert.Contains(LoadFails("CTZ1086", fifo, null).Message, "cannot be read: it is a FIFO (named pipe), not a file.");
        StringAssert.Contains(LoadFails("CTZ1086", large, null).Message, "cannot be read: it is larger than 64 KiB, which no PEM key is.");
    }

    [TestMethod]
    public void OpenSSL_legacy_encryption_and_scrypt_PKCS8_are_CTZ1086_saying_how_to_convert()
    {
        var legacy = Fixture("sec1-legacy-encrypted.pem");
        var scrypt = Fixture("pkcs8-scrypt.pem");

        Assert.AreEqual(
            $"The signing key {legacy} (ContainerSigningKey) cannot be read: its key is encrypted the old OpenSSL way ('Proc-Type: 4,ENCRYPTED' headers), which is not read; 'openssl pkcs8 -topk8 -v2 aes-256-cbc -in <file> -out signing-key.pem' rewrites it as an encrypted PKCS#8 key." + Formats,
            LoadFails("CTZ1086", legacy, Password).Message);
        Assert.AreEqual(
            $"The signing key {scrypt} (ContainerSigningKey) cannot be read: its 'ENCRYPTED PRIVATE KEY' block is encrypted with scrypt (openssl pkcs8 -scrypt), which .NET does not decrypt; 'openssl pkcs8 -topk8 -v2 aes-256-cbc -in <file> -out signing-key.pem' encrypts it with PBKDF2 instead." + Formats,
            LoadFails("CTZ1086", scrypt, Password).Message);
    }

    [TestMethod]
    public void An_OpenSSH_key_is_CTZ1086_saying_how_to_convert()
    {
        var path = Fixture("openssh.key");

        Assert.AreEqual(
            $"The signing key {path} (ContainerSigningKey) cannot be read: it holds an OpenSSH private key ('OPENSSH PRIVATE KEY'), which is not read; 'ssh-keygen -p -m PKCS8 -f <file>' rewrites it as PKCS#8." + Formats,
            LoadFails("CTZ1086", path, null).Message);
    }

    [TestMethod]
    public void Damaged_PKCS8_and_SEC1_blocks_are_CTZ1086()
    {
        var pkcs8 = work.WriteFile("pkcs8.pem", "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n");
        var sec1 = work.WriteFile("sec1.pem", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        var encrypted = work.WriteFile("encrypted.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");

        Assert.AreEqual($"The signing key {pkcs8} (ContainerSigningKey) cannot be read: its 'PRIVATE KEY' block is not a PKCS#8 private key." + Formats, LoadFails("CTZ1086", pkcs8, null).Message);
        Assert.AreEqual($"The signing key {sec1} (ContainerSigningKey) cannot be read: its 'EC PRIVATE KEY' block is not a SEC1 private key." + Formats, LoadFails("CTZ1086", sec1, null).Message);
        Assert.AreEqual($"The signing key {encrypted} (ContainerSigningKey) cannot be read: its 'ENCRYPTED PRIVATE KEY' block is not a PKCS#8 EncryptedPrivateKeyInfo." + Formats, LoadFails("CTZ1086", encrypted, Password).Message);
    }

    [TestMethod]
    public void An_encrypted_PKCS8_key_without_a_password_is_CTZ1088()
    {
        var path = Fixture("pkcs8-encrypted.pem");

        var diagnostic = LoadFails("CTZ1088", path, null);

        Assert.AreEqual(
            $"The signing key {path} (ContainerSigningKey) is encrypted ('ENCRYPTED PRIVATE KEY'), and CONTAINERIZE_SIGNING_KEY_PASSWORD, which gives its password, is not set. "
            + "Set that environment variable for the build (for a cosign key, to the password given to cosign generate-key-pair; an empty value is an empty password). "
            + "Not as an MSBuild property or a DOTNET_* variable: binary and diagnostic logs record those.",
            diagnostic.Message);
    }

    [TestMethod]
    [DataRow("cosign.key", "ENCRYPTED SIGSTORE PRIVATE KEY")]
    [DataRow("cosign-legacy-label.key", "ENCRYPTED COSIGN PRIVATE KEY")]
    public void A_cosign_key_without_a_password_is_CTZ1088(string keyFile, string label)
    {
        var path = Fixture(keyFile);

        var diagnostic = LoadFails("CTZ1088", path, null);

        Assert.AreEqual(
            $"The signing key {path} (ContainerSigningKey) is encrypted ('{label}'), and CONTAINERIZE_SIGNING_KEY_PASSWORD, which gives its password, is not set. "
            + "Set that environment variable for the build (for a cosign key, to the password given to cosign generate-key-pair; an empty value is an empty password). "
            + "Not as an MSBuild property or a DOTNET_* variable: binary and diagnostic logs record those.",
            diagnostic.Message);
    }

    [TestMethod]
    [DataRow("pkcs8-encrypted.pem", "ENCRYPTED PRIVATE KEY", "wrong-password")]
    [DataRow("pkcs8-encrypted.pem", "ENCRYPTED PRIVATE KEY", "")]
    [DataRow("rsa-2048-encrypted.pem", "ENCRYPTED PRIVATE KEY", "wrong-password")]
    [DataRow("ed25519-encrypted.pem", "ENCRYPTED PRIVATE KEY", "wrong-password")]
    [DataRow("cosign.key", "ENCRYPTED SIGSTORE PRIVATE KEY", "wrong-password")]
    [DataRow("cosign.key", "ENCRYPTED SIGSTORE PRIVATE KEY", "")]
    [DataRow("cosign-empty-password.key", "ENCRYPTED SIGSTORE PRIVATE KEY", Password)]
    public void A_wrong_password_is_CTZ1089(string keyFile, string label, string password)
    {
        var path = Fixture(keyFile);

        var diagnostic = LoadFails("CTZ1089", path, password);

        Assert.AreEqual(
            $"The password in CONTAINERIZE_SIGNING_KEY_PASSWORD does not decrypt the signing key {path} ('{label}'). "
            + "Set it to the password the key was encrypted with (for a cosign key, the one given to cosign generate-key-pair, COSIGN_PASSWORD), and look for a stray space or line end in the value.",
            diagnostic.Message);
    }

    /// <summary>The JSON of cosign.key with <paramref name="change"/> made to it, as a PEM file of cosign's label.</summary>
    private string CosignKeyWith(Func<string, string> change, string label = "ENCRYPTED SIGSTORE PRIVATE KEY")
    {
        var json = change(Encoding.UTF8.GetString(PemBody(Fixture("cosign.key"))));
        return work.WriteFile("changed.key", new string(PemEncoding.Write(label, Encoding.UTF8.GetBytes(json))) + "\n");
    }

    [TestMethod]
    public void A_cosign_key_whose_ciphertext_was_changed_fails_its_tag_CTZ1089()
    {
        var path = CosignKeyWith(json =>
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
            var ciphertext = Convert.FromBase64String(node["ciphertext"]!.GetValue<string>());
            ciphertext[^1] ^= 1;
            node["ciphertext"] = Convert.ToBase64String(ciphertext);
            return node.ToJsonString();
        });

        LoadFails("CTZ1089", path, Password);
    }

    [TestMethod]
    [DataRow("{", "it is not JSON")]
    [DataRow("[]", "it is not a JSON object")]
    [DataRow("""{"cipher":{}}""", "it has no kdf")]
    [DataRow("""{"kdf":{"name":"pbkdf2"}}""", "its key derivation is 'pbkdf2', and cosign's is scrypt")]
    [DataRow("""{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"%%"}}""", "its kdf.salt is not base64")]
    [DataRow("""{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":"1"},"salt":"AA=="}}""", "its kdf.params.p is not a whole number")]
    [DataRow("""{"kdf":{"name":"scrypt","params":{"N":1048576,"r":8,"p":1},"salt":"AA=="}}""", "its scrypt parameters N=1048576, r=8, p=1 are not usable (N a power of 2, 128·N·r bytes at most 256 MiB, p at most 16; cosign writes N=65536, r=8, p=1)")]
    [DataRow("""{"kdf":{"name":"scrypt","params":{"N":1000,"r":8,"p":1},"salt":"AA=="}}""", "its scrypt parameters N=1000, r=8, p=1 are not usable")]
    [DataRow("""{"kdf":{"name":"scrypt","params":{"N":9223372036854775807,"r":9223372036854775807,"p":1},"salt":"AA=="}}""", "its scrypt parameters N=9223372036854775807, r=9223372036854775807, p=1 are not usable")]
    [DataRow("""{"kdf":{"name":"scrypt","params":{"N":1024,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"aes-gcm"}}""", "its cipher is 'aes-gcm', and cosign's is nacl/secretbox")]
    [DataRow("""{"kdf":{"name":"scrypt","params":{"N":1024,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AAAA"}}""", "its cipher.nonce has 3 bytes, and secretbox takes 24")]
    [DataRow("""{"kdf":{"name":"scrypt","params":{"N":1024,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},"ciphertext":"AAAA"}""", "its ciphertext has 3 bytes")]
    public void A_cosign_key_that_is_not_what_cosign_writes_is_CTZ1086_before_any_password_is_tried(string json, string problem)
    {
        var path = CosignKeyWith(_ => json);

        var message = LoadFails("CTZ1086", path, Password).Message;

        Assert.StartsWith($"The signing key {path} (ContainerSigningKey) cannot be read: its 'ENCRYPTED SIGSTORE PRIVATE KEY' block is not what cosign writes: {problem}", message);
        Assert.EndsWith(Formats, message);
    }

    [TestMethod]
    public void A_cosign_key_that_decrypts_to_an_RSA_key_is_CTZ1087()
    {
        // What cosign import-key-pair makes of an RSA key: the same sealing around an RSA PKCS#8 key.
        var rsa = PemBody(Fixture("rsa-2048.pem"));
        var salt = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(24);
        var ciphertext = SecretBox(Org.BouncyCastle.Crypto.Generators.SCrypt.Generate(Encoding.UTF8.GetBytes(Password), salt, 1024, 8, 1, 32), nonce, rsa);
        var path = CosignKeyWith(_ => $$"""{"kdf":{"name":"scrypt","params":{"N":1024,"r":8,"p":1},"salt":"{{Convert.ToBase64String(salt)}}"},"cipher":{"name":"nacl/secretbox","nonce":"{{Convert.ToBase64String(nonce)}}"},"ciphertext":"{{Convert.ToBase64String(ciphertext)}}"}""");

        Assert.AreEqual($"The signing key {path} (ContainerSigningKey) is an RSA key." + HowToMakeAP256Key, LoadFails("CTZ1087", path, Password).Message);
    }

    /// <summary>NaCl's secretbox (XSalsa20-Poly1305), written here from the primitives to seal a key as cosign does.</summary>
    private static byte[] SecretBox(byte[] key, byte[] nonce, byte[] message)
    {
        var salsa = new Org.BouncyCastle.Crypto.Engines.XSalsa20Engine();
        salsa.Init(true, new Org.BouncyCastle.Crypto.Parameters.ParametersWithIV(new Org.BouncyCastle.Crypto.Parameters.KeyParameter(key), nonce));
        var stream = new byte[32 + message.Length];
        salsa.ProcessBytes(new byte[stream.Length], 0, stream.Length, stream, 0);
        var box = new byte[16 + message.Length];
        for (var i = 0; i < message.Length; i++)
        {
            box[16 + i] = (byte)(message[i] ^ stream[32 + i]);
        }

        var poly1305 = new Org.BouncyCastle.Crypto.Macs.Poly1305();
        poly1305.Init(new Org.BouncyCastle.Crypto.Parameters.KeyParameter(stream, 0, 32));
        poly1305.BlockUpdate(box, 16, message.Length);
        poly1305.DoFinal(box, 0);
        return box;
    }

    [TestMethod]
    public void The_first_private_key_of_a_file_is_read_whatever_comes_before_it()
    {
        var path = work.WriteFile("bundle.pem", File.ReadAllText(Fixture("cosign.pub")) + "some text\n" + File.ReadAllText(Fixture("pkcs8.pem")) + File.ReadAllText(Fixture("p384.pem")));

        using var key = SigningKey.Load(path, null);

        Assert.AreEqual(File.ReadAllText(Fixture("pkcs8.pub")), key.PublicKeyPem);
    }

    [TestMethod]
    public void The_pre_authentication_encoding_is_the_DSSE_spec_s()
    {
        // The test vector of DSSE's protocol.md.
        var encoding = Dsse.Pae("http://example.com/HelloWorld", "hello world"u8);

        Assert.AreEqual("DSSEv1 29 http://example.com/HelloWorld 11 hello world", Encoding.ASCII.GetString(encoding));
        CollectionAssert.AreEqual("DSSEv1 29 http://example.com/HelloWorld 11 hello world"u8.ToArray(), encoding);
    }

    [TestMethod]
    public void The_pre_authentication_encoding_counts_bytes_not_characters()
    {
        CollectionAssert.AreEqual("DSSEv1 0  0 "u8.ToArray(), Dsse.Pae("", []));
        CollectionAssert.AreEqual("DSSEv1 8 typ\u00e9/\u00e9 2 \u00e9"u8.ToArray(), Dsse.Pae("typ\u00e9/\u00e9", "\u00e9"u8));
    }

    [TestMethod]
    public void The_signature_of_cosign_s_sample_bundle_verifies_over_this_PAE()
    {
        using var bundle = JsonDocument.Parse(File.ReadAllBytes(Sample("cosign-sign-bundle.json")));
        var envelope = bundle.RootElement.GetProperty("dsseEnvelope");
        var payload = envelope.GetProperty("payload").GetBytesFromBase64();
        var payloadType = envelope.GetProperty("payloadType").GetString()!;
        var signature = envelope.GetProperty("signatures")[0].GetProperty("sig").GetBytesFromBase64();
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(File.ReadAllText(Sample("cosign-sample.pub")));

        Assert.AreEqual("application/vnd.in-toto+json", payloadType);
        CollectionAssert.AreEqual(File.ReadAllBytes(Sample("cosign-sign-statement.json")), payload);
        Assert.IsTrue(publicKey.VerifyData(Dsse.Pae(payloadType, payload), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.IsFalse(publicKey.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [TestMethod]
    public void A_bundle_has_cosign_s_shape_and_its_signature_verifies_with_the_public_key()
    {
        using var key = SigningKey.Load(Fixture("cosign.key"), Password);
        var statement = File.ReadAllBytes(Sample("cosign-sign-statement.json"));

        var bundle = SigstoreBundle.Sign(key, statement);

        using var document = JsonDocument.Parse(bundle);
        var envelope = document.RootElement.GetProperty("dsseEnvelope");
        var sig = envelope.GetProperty("signatures")[0].GetProperty("sig").GetString()!;
        Assert.AreEqual(
            "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{\"publicKey\":{\"hint\":\"" + key.PublicKeyHint + "\"}},"
            + "\"dsseEnvelope\":{\"payload\":\"" + Convert.ToBase64String(statement) + "\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"" + sig + "\"}]}}",
            Encoding.UTF8.GetString(bundle));
        Assert.AreEqual(SigstoreBundle.MediaType, document.RootElement.GetProperty("mediaType").GetString());

        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(File.ReadAllText(Fixture("cosign.pub")));
        Assert.IsTrue(publicKey.VerifyData(Dsse.Pae("application/vnd.in-toto+json", statement), Convert.FromBase64String(sig), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [TestMethod]
    public void A_bundle_keeps_the_statement_s_bytes_and_base64_as_cosign_writes_it()
    {
        using var key = SigningKey.Load(Fixture("pkcs8.pem"), null);
        // Bytes whose base64 has '+' and '/', which a JSON writer must not escape, and a statement that is not compact.
        var statement = new byte[] { 0xfb, 0xff, 0xbf, (byte)'{', (byte)' ', (byte)'}', (byte)'\n' };

        var text = Encoding.UTF8.GetString(SigstoreBundle.Sign(key, statement));

        StringAssert.Contains(text, "\"payload\":\"+/+/eyB9Cg==\"");
        Assert.IsFalse(text.EndsWith('\n'), "no final newline, as cosign writes it");
    }
}
