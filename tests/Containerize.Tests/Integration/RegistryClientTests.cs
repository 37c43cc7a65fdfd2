using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Tests.Infrastructure;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Integration;

/// <summary>RegistryClient against the real registries of the test environment (the open one, the htpasswd one), checked with skopeo.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class RegistryClientTests
{
    private static readonly RetryPolicy Retries = new([TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500)]);

    private readonly RecordingBuildLog log = new();

    private RegistryClient Client(string host, RegistryCredentials? credentials = null, bool? plainHttp = null) =>
        new(host, credentials, plainHttp ?? RegistryNames.IsLoopback(host), Retries, log);

    private static byte[] RandomBytes(int size) => RandomNumberGenerator.GetBytes(size);

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>A repository of these tests; the blobs are random, so a blob is never there before a test puts it there.</summary>
    private static string Repository(string name) => "ctz-client/" + name;

    [TestMethod]
    public async Task ABlobUploadedInOnePieceIsThereDownloadsByteEqualAndMountsIntoAnotherRepository()
    {
        TestEnvironment.RequireEngine();
        using var client = Client(TestEnvironment.OpenRegistry);
        var content = RandomBytes(1024 * 1024 + 17);
        var digest = DigestOf(content);
        var repository = Repository("blobs");
        var other = Repository("mounted");
        Assert.IsFalse(await client.BlobExistsAsync(repository, digest, CancellationToken.None));

        await client.UploadBlobAsync(repository, digest, content.Length, () => new MemoryStream(content, writable: false), CancellationToken.None);

        Assert.AreEqual(content.Length, client.BytesUploaded);
        Assert.IsTrue(await client.BlobExistsAsync(repository, digest, CancellationToken.None));
        using var downloaded = new MemoryStream();
        await client.DownloadBlobAsync(repository, digest, downloaded, CancellationToken.None);
        Assert.AreSequenceEqual(content, downloaded.ToArray());
        Assert.IsFalse(await client.BlobExistsAsync(other, digest, CancellationToken.None));
        Assert.IsTrue(await client.TryMountBlobAsync(other, digest, repository, CancellationToken.None));
        Assert.IsTrue(await client.BlobExistsAsync(other, digest, CancellationToken.None));
        Assert.IsEmpty(log.Diagnostics);
    }

    [TestMethod]
    public async Task AMountFromARepositoryWithoutTheBlobIsFalseAndTheBlobCanStillBeUploaded()
    {
        TestEnvironment.RequireEngine();
        using var client = Client(TestEnvironment.OpenRegistry);
        var content = RandomBytes(1000);
        var digest = DigestOf(content);
        var repository = Repository("mount-miss");

        Assert.IsFalse(await client.TryMountBlobAsync(repository, digest, Repository("nowhere"), CancellationToken.None));

        await client.UploadBlobAsync(repository, digest, content.Length, () => new MemoryStream(content), CancellationToken.None);
        Assert.IsTrue(await client.BlobExistsAsync(repository, digest, CancellationToken.None));
    }

    [TestMethod]
    public async Task ABlobUploadedInChunksIsAcceptedByTheRegistry()
    {
        TestEnvironment.RequireEngine();
        using var client = new RegistryClient(TestEnvironment.OpenRegistry, null, plainHttp: true, Retries, log) { ChunkSize = 64 * 1024, MonolithicUploads = false };
        var content = RandomBytes(200 * 1024 + 3);
        var digest = DigestOf(content);
        var repository = Repository("chunks");

        await client.UploadBlobAsync(repository, digest, content.Length, () => new MemoryStream(content), CancellationToken.None);

        using var downloaded = new MemoryStream();
        await client.DownloadBlobAsync(repository, digest, downloaded, CancellationToken.None);
        Assert.AreSequenceEqual(content, downloaded.ToArray());
        Assert.AreEqual(content.Length, client.BytesUploaded);
    }

    [TestMethod]
    public async Task AnOciManifestPutIsReadBackWithTheDigestSkopeoSees()
    {
        TestEnvironment.RequireEngine();
        using var client = Client(TestEnvironment.OpenRegistry);
        var repository = Repository("manifest");
        var (layer, diffId) = Layer("hello.txt", "Hello from the registry client");
        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Env":["A=1"]},"rootfs":{"type":"layers","diff_ids":["{{{diffId}}}"]}}""");
        foreach (var blob in new[] { config, layer })
        {
            await client.UploadBlobAsync(repository, DigestOf(blob), blob.Length, () => new MemoryStream(blob), CancellationToken.None);
        }

        var manifest = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}","config":{"mediaType":"{{{MediaTypes.OciConfig}}}","digest":"{{{DigestOf(config)}}}","size":{{{config.Length}}}},"layers":[{"mediaType":"{{{MediaTypes.OciLayerGzip}}}","digest":"{{{DigestOf(layer)}}}","size":{{{layer.Length}}}}]}""");

        var pushed = await client.PutManifestAsync(repository, "1", MediaTypes.OciManifest, manifest, CancellationToken.None);

        Assert.AreEqual(DigestOf(manifest), pushed);
        var read = await client.GetManifestAsync(repository, "1", CancellationToken.None);
        Assert.AreEqual(MediaTypes.OciManifest, read.MediaType);
        Assert.AreSequenceEqual(manifest, read.Content);
        Assert.AreEqual(pushed, read.Digest);
        Assert.AreEqual(pushed, (await client.GetManifestAsync(repository, pushed, CancellationToken.None)).Digest);
        Assert.AreEqual(pushed, await client.GetManifestDigestAsync(repository, "1", CancellationToken.None));
        var reference = $"{TestEnvironment.OpenRegistry}/{repository}:1";
        var raw = ProcessRunner.Run("skopeo", ["inspect", "--tls-verify=false", "--raw", "docker://" + reference], timeout: TimeSpan.FromMinutes(2)).ShouldSucceed().Output.TrimEnd('\n');
        Assert.AreEqual(pushed, DigestOf(Encoding.UTF8.GetBytes(raw)));
        Assert.AreEqual(pushed, Skopeo.Digest(reference));
        Assert.AreEqual("A=1", Skopeo.Inspect(reference, config: true).GetProperty("config").GetProperty("Env")[0].GetString());
    }

    [TestMethod]
    public async Task TheHtpasswdRegistryRefusesAnonymousRequestsAndWrongPasswordsWithCtz3001AndTakesTheRightOnes()
    {
        TestEnvironment.RequireEngine();
        var repository = Repository("private");
        var content = RandomBytes(4096);
        var digest = DigestOf(content);

        using (var anonymous = Client(TestEnvironment.AuthRegistry))
        {
            var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => anonymous.BlobExistsAsync(repository, digest, CancellationToken.None));
            Assert.AreEqual("CTZ3001", error.Diagnostic.Code);
            StringAssert.Contains(error.Message, $"The registry {TestEnvironment.AuthRegistry} did not accept a request without credentials");
        }

        using (var wrong = Client(TestEnvironment.AuthRegistry, new RegistryCredentials(TestEnvironment.AuthUser, "not-the-Password-9", null, "a test")))
        {
            var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => wrong.BlobExistsAsync(repository, digest, CancellationToken.None));
            Assert.AreEqual("CTZ3001", error.Diagnostic.Code);
            StringAssert.Contains(error.Message, "the credentials from a test");
            Assert.DoesNotContain("not-the-Password-9", error.Message);
        }

        using var client = Client(TestEnvironment.AuthRegistry, new RegistryCredentials(TestEnvironment.AuthUser, TestEnvironment.AuthPassword, null, "a test"));
        await client.UploadBlobAsync(repository, digest, content.Length, () => new MemoryStream(content), CancellationToken.None);
        Assert.IsTrue(await client.BlobExistsAsync(repository, digest, CancellationToken.None));
        Assert.AreEqual(0, client.TokensFetched, "the htpasswd registry takes Basic credentials on every request");
    }

    [TestMethod]
    public async Task TheBaseImageManifestAndItsConfigBlobAreFetchedThroughTheBlobCache()
    {
        TestEnvironment.RequireEngine();
        using var client = Client(TestEnvironment.BaseRegistry);
        using var cacheFolder = new TemporaryFolder();
        var cache = new BlobCache(cacheFolder.Path, log);

        var manifest = await client.GetManifestAsync("dotnet/runtime", "10.0", CancellationToken.None);

        Assert.AreEqual(Skopeo.Digest($"{TestEnvironment.BaseRegistry}/dotnet/runtime:10.0"), manifest.Digest);
        if (MediaTypes.IsIndex(manifest.MediaType))
        {
            // A real mcr.microsoft.com: the index names one manifest per platform.
            using var index = JsonDocument.Parse(manifest.Content);
            var amd64 = index.RootElement.GetProperty("manifests").EnumerateArray()
                .First(m => m.GetProperty("platform").GetProperty("architecture").GetString() == "amd64").GetProperty("digest").GetString()!;
            manifest = await client.GetManifestAsync("dotnet/runtime", amd64, CancellationToken.None);
        }
        else
        {
            Assert.AreEqual(MediaTypes.DockerManifest, manifest.MediaType, "the local stand-in was pushed by the engine");
        }

        using var document = JsonDocument.Parse(manifest.Content);
        var configDigest = document.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
        var path = await cache.GetAsync(configDigest, client.Registry, stream => client.DownloadBlobAsync("dotnet/runtime", configDigest, stream, CancellationToken.None), CancellationToken.None);
        using var config = JsonDocument.Parse(File.ReadAllBytes(path));
        var environment = config.RootElement.GetProperty("config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("APP_UID=1654", environment);
        Assert.AreEqual(path, await cache.GetAsync(configDigest, stream => throw new InvalidOperationException("cached: not downloaded again"), CancellationToken.None));
    }

    [TestMethod]
    public async Task AMissingTagIsCtz3012()
    {
        TestEnvironment.RequireEngine();
        using var client = Client(TestEnvironment.OpenRegistry);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("dotnet/runtime", "no-such-tag", CancellationToken.None));

        Assert.AreEqual("CTZ3012", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "dotnet/runtime:no-such-tag");
    }

    [TestMethod]
    public async Task HttpsToThePlainHttpRegistryIsCtz3011()
    {
        TestEnvironment.RequireEngine();
        var host = "127.0.0.1:" + TestEnvironment.OpenRegistry.Split(':')[1];
        using var client = Client(host, plainHttp: false);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestDigestAsync("dotnet/runtime", "10.0", CancellationToken.None));

        Assert.AreEqual("CTZ3011", error.Diagnostic.Code, error.Message);
        StringAssert.Contains(error.Message, "-p:ContainerInsecureRegistries=" + host);
        Assert.IsEmpty(log.Diagnostics, "a TLS failure is not tried again");
    }

    [TestMethod]
    public async Task APortWhereNothingListensIsCtz3003WithoutARetry()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = Client("127.0.0.1:" + port);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("dotnet/runtime", "10.0", CancellationToken.None));

        Assert.AreEqual("CTZ3003", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "Connection refused");
        Assert.IsEmpty(log.Diagnostics);
    }

    /// <summary>A gzip layer with one file, and its diff_id (the digest of the uncompressed tar).</summary>
    private static (byte[] Layer, string DiffId) Layer(string name, string text)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)), Mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead };
            writer.WriteEntry(entry);
        }

        using var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Optimal, leaveOpen: true))
        {
            compressor.Write(tar.ToArray());
        }

        return (gzip.ToArray(), DigestOf(tar.ToArray()));
    }
}
