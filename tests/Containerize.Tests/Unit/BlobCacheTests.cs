using System.Security.Cryptography;
using System.Text;
using Containerize.Diagnostics;
using Containerize.Registries;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class BlobCacheTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("a layer's bytes");
    private static readonly string Hex = Convert.ToHexStringLower(SHA256.HashData(Content));
    private static readonly string Digest = "sha256:" + Hex;

    private readonly TemporaryDirectory folder = new();
    private readonly RecordingBuildLog log = new();
    private int downloads;

    [TestCleanup]
    public void Cleanup() => folder.Dispose();

    private BlobCache Cache() => new(folder.Path, log);

    private Func<Stream, Task> Serving(byte[] content) => async stream =>
    {
        downloads++;
        await stream.WriteAsync(content);
    };

    private string[] FilesInCache() =>
        Directory.EnumerateFiles(folder.Path, "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(folder.Path, path)).ToArray();

    [TestMethod]
    public async Task A_downloaded_blob_is_verified_and_kept_under_sha256_and_its_hex()
    {
        var path = await Cache().GetAsync(Digest, Serving(Content), CancellationToken.None);

        Assert.AreEqual(Path.Combine(folder.Path, "sha256", Hex), path);
        Assert.AreSequenceEqual(Content, File.ReadAllBytes(path));
        Assert.AreSequenceEqual(new[] { Path.Combine("sha256", Hex) }, FilesInCache());
    }

    [TestMethod]
    public async Task A_blob_in_the_cache_is_not_downloaded_again()
    {
        await Cache().GetAsync(Digest, Serving(Content), CancellationToken.None);

        var path = await Cache().GetAsync(Digest, Serving(Content), CancellationToken.None);

        Assert.AreEqual(1, downloads);
        Assert.AreSequenceEqual(Content, File.ReadAllBytes(path));
        Assert.IsEmpty(log.Diagnostics);
    }

    [TestMethod]
    public async Task A_damaged_cached_blob_is_removed_with_a_message_and_downloaded_again()
    {
        var path = Cache().PathOf(Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "truncated");

        var result = await Cache().GetAsync(Digest, Serving(Content), CancellationToken.None);

        Assert.AreEqual(path, result);
        Assert.AreSequenceEqual(Content, File.ReadAllBytes(path));
        Assert.AreEqual(1, downloads);
        Assert.AreEqual(new Diagnostic("", $"The cached blob {path} does not match its digest {Digest}; it is removed and downloaded again.", Severity.Message), log.Diagnostics.Single());
    }

    [TestMethod]
    public async Task A_download_that_does_not_match_its_digest_is_CTZ3013_and_leaves_nothing_behind()
    {
        var wrong = Encoding.UTF8.GetBytes("something else");

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => Cache().GetAsync(Digest, "127.0.0.1:5000", Serving(wrong), CancellationToken.None));

        Assert.AreEqual("CTZ3013", error.Diagnostic.Code);
        StringAssert.StartsWith(error.Message, $"The content that 127.0.0.1:5000 served for {Digest} hashes to sha256:{Convert.ToHexStringLower(SHA256.HashData(wrong))}");
        Assert.IsEmpty(FilesInCache());
    }

    [TestMethod]
    public async Task A_download_that_fails_leaves_no_file_and_the_next_one_works()
    {
        await Assert.ThrowsExactlyAsync<IOException>(() => Cache().GetAsync(Digest, async stream =>
        {
            await stream.WriteAsync(Content.AsMemory(0, 3));
            throw new IOException("connection lost");
        }, CancellationToken.None));
        Assert.IsEmpty(FilesInCache());

        var path = await Cache().GetAsync(Digest, Serving(Content), CancellationToken.None);

        Assert.AreSequenceEqual(Content, File.ReadAllBytes(path));
    }

    [TestMethod]
    public void A_digest_that_is_not_sha256_hex_is_refused_before_it_becomes_a_path()
    {
        Assert.ThrowsExactly<ArgumentException>(() => Cache().PathOf("sha256:../../etc/passwd"));
        Assert.ThrowsExactly<ArgumentException>(() => Cache().PathOf("md5:abc"));
    }

    [TestMethod]
    public void The_default_folder_is_under_XDG_CACHE_HOME_else_under_the_home_folder()
    {
        Assert.AreEqual(Path.Combine("/xdg", "containerize", "blobs"),
            BlobCache.DefaultFolder(name => name == "XDG_CACHE_HOME" ? "/xdg" : "/home/me"));
        Assert.AreEqual(Path.Combine("/home/me", ".cache", "containerize", "blobs"),
            BlobCache.DefaultFolder(name => name == "HOME" ? "/home/me" : null));
    }
}
