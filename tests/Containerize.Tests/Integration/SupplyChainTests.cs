using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// The SBOM, the provenance and the signatures attached to a pushed image as OCI referrers, found and checked with the
/// tools people use: `oras discover` (through the referrers tag schema, which the registry here needs), `cosign verify`
/// and `cosign verify-attestation` with the public key.
/// </summary>
[TestClass]
[TestCategory("Integration")]
public sealed class SupplyChainTests
{
    private const string Password = "test-Signing-pw1";

    private const string CycloneDx = "application/vnd.cyclonedx+json";
    private const string InToto = "application/vnd.in-toto+json";
    private const string Bundle = "application/vnd.dev.sigstore.bundle.v0.3+json";

    [TestMethod]
    [DataRow("daemonless")]
    [DataRow("docker")]
    public void A_brand_new_web_project_pushes_with_its_SBOM_and_provenance_attached_and_signed_so_that_cosign_verifies_them(string backend)
    {
        TestEnvironment.RequireEngine();
        using var home = new TemporaryFolder();
        using var project = TestProject.Empty("SignedWeb" + backend);
        project.Dotnet(["new", "web", "-n", project.Name, "-o", project.Directory, "--force"]).ShouldSucceed();
        project.Dotnet(["add", project.ProjectPath, "package", "Containerize", "--version", PackedPackages.Version]).ShouldSucceed();
        var (keyPath, publicKey) = WriteKeyPair(home);
        var repository = "ctz-signed-web-" + backend;
        project.Track(repository + ":1.0.0");
        project.Track(repository + ":latest");
        var environment = new Dictionary<string, string?> { ["CONTAINERIZE_SIGNING_KEY_PASSWORD"] = Password };
        string[] arguments = ["-p:Containerize=true", "-p:ContainerizeBackend=" + backend, "-p:ContainerRepository=" + repository,
            "-p:ContainerRegistry=" + TestEnvironment.OpenRegistry, "-p:ContainerSigningKey=" + keyPath];

        var publish = project.Publish(environment, [.. arguments, "-v:diag"]).ShouldSucceed();

        Assert.DoesNotContain(Password, publish.Output);
        Assert.DoesNotContain(File.ReadAllText(keyPath).Split('\n')[1], publish.Output, "no line of the key in the log");
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        var digest = report.RootElement.GetProperty("digest").GetString()!;
        var image = $"{TestEnvironment.OpenRegistry}/{repository}@{digest}";
        Assert.AreEqual(Path.Combine(project.ContextDirectory, "container-image.provenance.json"), report.RootElement.GetProperty("provenance").GetString());
        Assert.IsTrue(report.RootElement.GetProperty("signed").GetBoolean());

        // Found by oras through the tag schema: the registry has no referrers API.
        var referrers = SupplyChainTools.Discover(image);
        CollectionAssert.AreEquivalent(new[] { CycloneDx, InToto, Bundle, Bundle, Bundle }, referrers.Select(referrer => referrer.ArtifactType).ToList(),
            "the SBOM, the provenance, and signatures of the image, the SBOM and the provenance");
        var tags = ProcessRunner.Run("skopeo", ["list-tags", "--tls-verify=false", $"docker://{TestEnvironment.OpenRegistry}/{repository}"], timeout: TimeSpan.FromMinutes(1)).ShouldSucceed().Output;
        StringAssert.Contains(tags, $"\"sha256-{Hex(digest)}\"", "the referrers index is under the tag sha256-<hex>");
        Assert.AreSequenceEqual(File.ReadAllBytes(report.RootElement.GetProperty("sbom").GetString()!), Pull($"{TestEnvironment.OpenRegistry}/{repository}@{referrers.First(referrer => referrer.ArtifactType == CycloneDx).Digest}"),
            "the attached SBOM is the one on disk");
        var provenance = Pull($"{TestEnvironment.OpenRegistry}/{repository}@{referrers.First(referrer => referrer.ArtifactType == InToto).Digest}");
        Assert.AreSequenceEqual(File.ReadAllBytes(Path.Combine(project.ContextDirectory, "container-image.provenance.json")), provenance);
        using (var statement = JsonDocument.Parse(provenance))
        {
            Assert.AreEqual("https://slsa.dev/provenance/v1", statement.RootElement.GetProperty("predicateType").GetString());
            Assert.AreEqual(Hex(digest), statement.RootElement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString());
        }

        // cosign accepts the signature and both attestations with the public key, and refuses another key.
        var verified = SupplyChainTools.CosignVerify(home, "verify", publicKey, image).ShouldSucceed().Output;
        StringAssert.Contains(verified, "\"type\":\"https://sigstore.dev/cosign/sign/v1\"", "signed, not only attested");
        SupplyChainTools.CosignVerify(home, "verify-attestation", publicKey, image, "--type", "cyclonedx").ShouldSucceed();
        SupplyChainTools.CosignVerify(home, "verify-attestation", publicKey, image, "--type", "slsaprovenance1").ShouldSucceed();
        var (_, otherKey) = WriteKeyPair(home, "other");
        var refused = SupplyChainTools.CosignVerify(home, "verify", otherKey, image);
        Assert.AreNotEqual(0, refused.ExitCode, refused.Output);

        // Nothing changed: up to date, nothing attached again.
        var again = project.Publish(environment, [.. arguments, "-v:n"]).ShouldSucceed();
        StringAssert.Contains(again.Output, "is up to date");
        Assert.HasCount(5, SupplyChainTools.Discover(image));
    }

    [TestMethod]
    public void An_image_index_gets_an_SBOM_per_platform_attached_to_that_platforms_manifest_and_the_index_signed_so_that_cosign_verifies_them()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var home = new TemporaryFolder();
        const string repository = "ctz-signed-index";
        using var project = TestProject.Create("SignedIndex", "Console.WriteLine();\n",
            properties: $"<ContainerRepository>{repository}</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{TestEnvironment.MultiPlatformBase}</ContainerBaseImage>");
        var (keyPath, publicKey) = WriteKeyPair(home);
        var environment = new Dictionary<string, string?>(TestEnvironment.NoEngine(cache)) { ["CONTAINERIZE_SIGNING_KEY_PASSWORD"] = Password };
        string[] arguments = ["-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerRegistry=" + TestEnvironment.OpenRegistry,
            "-p:ContainerRuntimeIdentifiers=linux-x64%3Blinux-arm64", "-p:ContainerSigningKey=" + keyPath];

        project.Publish(environment, arguments).ShouldSucceed();

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        var digest = report.RootElement.GetProperty("digest").GetString()!;
        var index = $"{TestEnvironment.OpenRegistry}/{repository}@{digest}";
        Assert.AreEqual(JsonValueKind.Null, report.RootElement.GetProperty("sbom").ValueKind, "an index has no single SBOM");
        Assert.IsFalse(File.Exists(Path.Combine(project.ContextDirectory, "container-image.cdx.json")));
        Assert.IsTrue(report.RootElement.GetProperty("signed").GetBoolean());
        var raw = ProcessRunner.Run("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{TestEnvironment.OpenRegistry}/{repository}:1.0.0"]).ShouldSucceed().Output.TrimEnd('\n');
        Assert.AreEqual(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw))));
        using var manifests = JsonDocument.Parse(raw);
        var platforms = manifests.RootElement.GetProperty("manifests").EnumerateArray()
            .ToDictionary(entry => entry.GetProperty("platform").GetProperty("architecture").GetString()!, entry => entry.GetProperty("digest").GetString()!);
        CollectionAssert.AreEquivalent(new[] { "amd64", "arm64" }, platforms.Keys.ToArray());
        var sboms = report.RootElement.GetProperty("sboms");
        CollectionAssert.AreEqual(new[] { "linux/amd64", "linux/arm64/v8" }, sboms.EnumerateObject().Select(entry => entry.Name).ToArray());
        var written = new List<byte[]>();
        foreach (var (platform, architecture) in new[] { ("linux/amd64", "amd64"), ("linux/arm64/v8", "arm64") })
        {
            var path = sboms.GetProperty(platform).GetProperty("cyclonedx").GetString()!;
            Assert.AreEqual(Path.Combine(project.ContextDirectory, $"container-image.{platform.Replace('/', '-')}.cdx.json"), path);
            Assert.AreEqual(JsonValueKind.Null, sboms.GetProperty(platform).GetProperty("spdx").ValueKind);
            written.Add(File.ReadAllBytes(path));
            using (var sbom = JsonDocument.Parse(written[^1]))
            {
                Assert.AreEqual($"pkg:oci/{repository}@{platforms[architecture].Replace(":", "%3A", StringComparison.Ordinal)}?arch={architecture}&repository_url={TestEnvironment.OpenRegistry.Replace(":", "%3A", StringComparison.Ordinal)}/{repository}",
                    sbom.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("purl").GetString(), "the SBOM names its platform's manifest");
            }

            // Each platform's SBOM and its signed copy refer to that platform's manifest.
            var image = $"{TestEnvironment.OpenRegistry}/{repository}@{platforms[architecture]}";
            var referrers = SupplyChainTools.Discover(image);
            CollectionAssert.AreEquivalent(new[] { CycloneDx, Bundle }, referrers.Select(referrer => referrer.ArtifactType).ToList(), platform);
            Assert.AreSequenceEqual(written[^1], Pull($"{TestEnvironment.OpenRegistry}/{repository}@{referrers.First(referrer => referrer.ArtifactType == CycloneDx).Digest}"), "the attached SBOM is the one on disk");
        }

        // The provenance and the signature refer to the index.
        CollectionAssert.AreEquivalent(new[] { InToto, Bundle, Bundle }, SupplyChainTools.Discover(index).Select(referrer => referrer.ArtifactType).ToList());
        using (var provenance = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(project.ContextDirectory, "container-image.provenance.json"))))
        {
            Assert.AreEqual(Hex(digest), Assert.ContainsSingle(provenance.RootElement.GetProperty("subject").EnumerateArray().ToList()).GetProperty("digest").GetProperty("sha256").GetString());
        }

        var verified = SupplyChainTools.CosignVerify(home, "verify", publicKey, index).ShouldSucceed().Output;
        StringAssert.Contains(verified, "\"type\":\"https://sigstore.dev/cosign/sign/v1\"", "the index is signed, not only attested");
        StringAssert.Contains(verified, $"\"docker-manifest-digest\":\"{digest}\"");
        SupplyChainTools.CosignVerify(home, "verify-attestation", publicKey, index, "--type", "slsaprovenance1").ShouldSucceed();
        SupplyChainTools.CosignVerify(home, "verify-attestation", publicKey, $"{TestEnvironment.OpenRegistry}/{repository}@{platforms["arm64"]}", "--type", "cyclonedx").ShouldSucceed();
        var refused = SupplyChainTools.CosignVerify(home, "verify-attestation", publicKey, index, "--type", "cyclonedx");
        Assert.AreNotEqual(0, refused.ExitCode, "no SBOM is attached to the index itself: " + refused.Output);

        // Nothing changed: up to date, the same SBOMs, nothing attached again.
        var again = project.Publish(environment, [.. arguments, "-v:n"]).ShouldSucceed();
        StringAssert.Contains(again.Output, "is up to date");
        Assert.DoesNotContain("Attached to", again.Output);
        CollectionAssert.AreEqual(written[0], File.ReadAllBytes(Path.Combine(project.ContextDirectory, "container-image.linux-amd64.cdx.json")));
        CollectionAssert.AreEqual(written[1], File.ReadAllBytes(Path.Combine(project.ContextDirectory, "container-image.linux-arm64-v8.cdx.json")));
        Assert.HasCount(3, SupplyChainTools.Discover(index));
        Assert.HasCount(2, SupplyChainTools.Discover($"{TestEnvironment.OpenRegistry}/{repository}@{platforms["arm64"]}"));
    }

    [TestMethod]
    public void Attaching_to_the_registry_with_credentials_uses_them_and_without_a_key_nothing_is_signed()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("AttachAuth", "ctz-attach-auth");
        var environment = new Dictionary<string, string?>(TestEnvironment.NoEngine(cache))
        {
            ["CONTAINERIZE_REGISTRY_USERNAME"] = TestEnvironment.AuthUser, ["CONTAINERIZE_REGISTRY_PASSWORD"] = TestEnvironment.AuthPassword,
        };

        project.Publish(environment, "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerRegistry=" + TestEnvironment.AuthRegistry).ShouldSucceed();

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        var image = $"{TestEnvironment.AuthRegistry}/ctz-attach-auth@{report.RootElement.GetProperty("digest").GetString()}";
        var referrers = SupplyChainTools.Discover(image, "--plain-http", "-u", TestEnvironment.AuthUser, "-p", TestEnvironment.AuthPassword);
        CollectionAssert.AreEquivalent(new[] { CycloneDx, InToto }, referrers.Select(referrer => referrer.ArtifactType).ToList());
        Assert.IsFalse(report.RootElement.GetProperty("signed").GetBoolean());
    }

    [TestMethod]
    [TestCategory(TestPasses.Engine28Pass)]
    public void Ctrl_C_while_attaching_keeps_the_pushed_image_and_the_next_run_attaches_everything_without_pushing_it_again()
    {
        using var cache = new TemporaryFolder();
        using var home = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("AttachCtrlC", "ctz-attach-ctrlc");
        using var proxy = new RegistryProxy(int.Parse(TestEnvironment.OpenRegistry.Split(':')[1]), hold: new Regex("^PUT /v2/ctz-attach-ctrlc/manifests/sha256-"));
        var (keyPath, publicKey) = WriteKeyPair(home);
        var environment = new Dictionary<string, string?>(TestEnvironment.NoEngine(cache)) { ["CONTAINERIZE_SIGNING_KEY_PASSWORD"] = Password };
        string[] arguments = ["-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerRegistry=" + proxy.Host, "-p:ContainerSigningKey=" + keyPath, "-v:n"];
        var output = new ConcurrentQueue<string>();

        // The registry hangs on the referrers index, the last request of the attach step: the image is pushed, its
        // SBOM, provenance and signatures are in the registry, but nothing lists them yet.
        using (var process = project.StartPublish(output.Enqueue, environment, arguments))
        {
            Assert.IsTrue(proxy.Held.Wait(TimeSpan.FromMinutes(3)), "the referrers index was sent:\n" + string.Join("\n", output));
            Assert.IsTrue(TestProject.Interrupt(process, TimeSpan.FromSeconds(30)), "dotnet publish stopped after Ctrl+C");
            Assert.AreNotEqual(0, process.ExitCode);
        }

        var interrupted = string.Join("\n", output);
        StringAssert.Contains(interrupted, "Containerize: cancelled.");
        Assert.DoesNotContain("MSB4018", interrupted);

        // The next run finds the image pushed and attaches (and signs) what the interrupted one did not list.
        var written = proxy.Writes.Count;
        StringAssert.Contains(project.Publish(environment, arguments).ShouldSucceed().Output, "is up to date");
        var writes = proxy.Writes.Skip(written).ToList();
        Assert.IsFalse(writes.Any(line => line.StartsWith("PUT /v2/ctz-attach-ctrlc/manifests/", StringComparison.Ordinal) && !line.Contains("/manifests/sha256", StringComparison.Ordinal)),
            "no tag was pushed again:\n" + string.Join("\n", writes));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        Assert.IsTrue(report.RootElement.GetProperty("signed").GetBoolean());
        var image = $"{TestEnvironment.OpenRegistry}/ctz-attach-ctrlc@{report.RootElement.GetProperty("digest").GetString()}";
        CollectionAssert.AreEquivalent(new[] { CycloneDx, InToto, Bundle, Bundle, Bundle }, SupplyChainTools.Discover(image).Select(referrer => referrer.ArtifactType).ToList());
        SupplyChainTools.CosignVerify(home, "verify", publicKey, image).ShouldSucceed();
        SupplyChainTools.CosignVerify(home, "verify-attestation", publicKey, image, "--type", "cyclonedx").ShouldSucceed();

        // Then nothing is left to do.
        written = proxy.Writes.Count;
        project.Publish(environment, arguments).ShouldSucceed();
        Assert.IsEmpty(proxy.Writes.Skip(written));
    }

    [TestMethod]
    public void A_wrong_password_is_CTZ1089_before_anything_is_pushed()
    {
        using var cache = new TemporaryFolder();
        using var home = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("SignWrongPassword", "ctz-sign-wrong-password");
        var (keyPath, _) = WriteKeyPair(home);
        var environment = new Dictionary<string, string?>(TestEnvironment.NoEngine(cache)) { ["CONTAINERIZE_SIGNING_KEY_PASSWORD"] = "not-the-password" };

        var publish = project.Publish(environment, "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerRegistry=" + TestEnvironment.OpenRegistry,
            "-p:ContainerSigningKey=" + keyPath);

        Assert.AreNotEqual(0, publish.ExitCode);
        StringAssert.Contains(publish.Output, "error CTZ1089");
        Assert.DoesNotContain("not-the-password", publish.Output);
        var tags = ProcessRunner.Run("skopeo", ["list-tags", "--tls-verify=false", $"docker://{TestEnvironment.OpenRegistry}/ctz-sign-wrong-password"], timeout: TimeSpan.FromMinutes(1));
        Assert.AreNotEqual(0, tags.ExitCode, "the repository was never pushed to: " + tags.Output);
    }

    [TestMethod]
    public void An_OCI_archive_carries_its_SBOM_as_an_attestation_manifest_that_docker_load_on_engine_28_passes_by()
    {
        var engine28 = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + TestEnvironment.RequireEngine28Socket() };
        using var cache = new TemporaryFolder();
        using var output = new TemporaryFolder();
        using var project = TestProject.OnTinyBase("SbomArchive", "ctz-sbom-archive");
        var archive = Path.Combine(output.Path, "image.tar");

        project.Publish(TestEnvironment.NoEngine(cache), "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", "-p:ContainerArchiveOutputPath=" + archive,
            "-p:ContainerArchiveFormat=oci").ShouldSucceed();

        using var index = JsonDocument.Parse(ProcessRunner.Run("skopeo", ["inspect", "--raw", $"oci-archive:{archive}:1.0.0"], timeout: TimeSpan.FromMinutes(1)).ShouldSucceed().Output);
        var entries = index.RootElement.GetProperty("manifests").EnumerateArray().ToList();
        Assert.HasCount(2, entries, "the image and its attestation manifest");
        var image = entries[0].GetProperty("digest").GetString()!;
        Assert.AreEqual("unknown", entries[1].GetProperty("platform").GetProperty("os").GetString());
        Assert.AreEqual(image, entries[1].GetProperty("annotations").GetProperty("vnd.docker.reference.digest").GetString());
        Assert.AreEqual("attestation-manifest", entries[1].GetProperty("annotations").GetProperty("vnd.docker.reference.type").GetString());

        var blobs = Blobs(archive);
        using var attestation = JsonDocument.Parse(blobs[entries[1].GetProperty("digest").GetString()!]);
        var layer = attestation.RootElement.GetProperty("layers")[0];
        Assert.AreEqual("https://cyclonedx.org/bom", layer.GetProperty("annotations").GetProperty("in-toto.io/predicate-type").GetString());
        using var statement = JsonDocument.Parse(blobs[layer.GetProperty("digest").GetString()!]);
        Assert.AreEqual(Hex(image), statement.RootElement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString());
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")));
        using var sbom = JsonDocument.Parse(File.ReadAllBytes(report.RootElement.GetProperty("sbom").GetString()!));
        Assert.AreEqual(sbom.RootElement.GetProperty("serialNumber").GetString(), statement.RootElement.GetProperty("predicate").GetProperty("serialNumber").GetString(),
            "the predicate is the SBOM on disk");

        // Engine 28 loads the image and passes the attestation by: no image is made of it (an OCI 1.1 referrer listed in
        // index.json would be loaded as an untagged image of its own).
        var dangling = Dangling(engine28);
        var loaded = ProcessRunner.Run("docker", ["load", "-i", archive], environment: engine28, timeout: TimeSpan.FromMinutes(2)).ShouldSucceed().Output;
        var loadedId = loaded.Split('\n').Select(line => line.Trim()).Last(line => line.Length > 0);
        CollectionAssert.AreEquivalent(dangling, Dangling(engine28), loaded);
        ProcessRunner.Run("docker", ["rmi", "-f", loadedId.Split(": ", 2)[1]], environment: engine28, timeout: TimeSpan.FromMinutes(1));
    }

    /// <summary>Every blob of an OCI archive, by digest.</summary>
    private static Dictionary<string, byte[]> Blobs(string archive)
    {
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new System.Formats.Tar.TarReader(File.OpenRead(archive));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.StartsWith("blobs/sha256/", StringComparison.Ordinal) && entry.DataStream is { } data && entry.Length < 1024 * 1024)
            {
                using var copy = new MemoryStream();
                data.CopyTo(copy);
                blobs["sha256:" + entry.Name["blobs/sha256/".Length..]] = copy.ToArray();
            }
        }

        return blobs;
    }

    /// <summary>The ids of the engine's untagged images.</summary>
    private static List<string> Dangling(Dictionary<string, string?> engine) =>
        ProcessRunner.Run("docker", ["images", "-q", "--no-trunc", "-f", "dangling=true"], environment: engine, timeout: TimeSpan.FromMinutes(1)).ShouldSucceed()
            .Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>An ECDSA P-256 key pair: the private key as encrypted PKCS#8 PEM (openssl's format), the public key as PKIX PEM (cosign's --key).</summary>
    private static (string PrivateKey, string PublicKey) WriteKeyPair(TemporaryFolder folder, string name = "signing")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privateKey = Path.Combine(folder.Path, name + ".pem");
        var publicKey = Path.Combine(folder.Path, name + ".pub");
        File.WriteAllText(privateKey, key.ExportEncryptedPkcs8PrivateKeyPem(Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));
        File.WriteAllText(publicKey, key.ExportSubjectPublicKeyInfoPem());
        return (privateKey, publicKey);
    }

    /// <summary>The one file of an artifact, as `oras pull` writes it.</summary>
    private static byte[] Pull(string artifact)
    {
        var output = Directory.CreateTempSubdirectory("pull-").FullName;
        try
        {
            SupplyChainTools.Oras("pull", "-o", output, artifact).ShouldSucceed();
            return File.ReadAllBytes(Assert.ContainsSingle(Directory.GetFiles(output)));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static string Hex(string digest) => digest["sha256:".Length..];
}
