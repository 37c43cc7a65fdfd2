using Containerize.Diagnostics;
using Containerize.Spec;

namespace Containerize.Registries;

/// <summary>
/// Blobs by digest in a folder (sha256/HEX), shared by builds and by processes. A file is only ever there complete
/// and verified: downloads go to a temporary file beside it and are renamed into place once their digest matches,
/// and a file that does not match (damaged on disk) is downloaded again.
/// </summary>
public sealed class BlobCache(string folder, IBuildLog log)
{
    public string Folder { get; } = folder;

    /// <summary>$XDG_CACHE_HOME/containerize/blobs, else ~/.cache/containerize/blobs.</summary>
    public static string DefaultFolder(Func<string, string?> environment)
    {
        var cache = environment("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache))
        {
            var home = environment("HOME");
            cache = Path.Combine(string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home, ".cache");
        }

        return Path.Combine(cache, "containerize", "blobs");
    }

    public static BlobCache ForThisUser(IBuildLog log) => new(DefaultFolder(Environment.GetEnvironmentVariable), log);

    /// <summary>Where the blob is kept (whether or not it is there yet).</summary>
    public string PathOf(string digest)
    {
        if (!ReferenceRules.IsDigest(digest))
        {
            throw new ArgumentException($"'{digest}' is not a sha256 digest.", nameof(digest));
        }

        return Path.Combine(Folder, "sha256", digest[Sha256Digest.Prefix.Length..]);
    }

    /// <inheritdoc cref="GetAsync(string, string, Func{Stream, Task}, CancellationToken)"/>
    public Task<string> GetAsync(string digest, Func<Stream, Task> download, CancellationToken cancellation) =>
        GetAsync(digest, "the registry", download, cancellation);

    /// <summary>The path of the verified blob, downloaded first with <paramref name="download"/> when it is not in the cache.</summary>
    /// <param name="registry">Where the download comes from, for the error when its content does not match the digest.</param>
    /// <param name="download">Writes the blob's content to the stream it is given (a new file, seekable).</param>
    public async Task<string> GetAsync(string digest, string registry, Func<Stream, Task> download, CancellationToken cancellation)
    {
        var path = PathOf(digest);
        if (File.Exists(path))
        {
            if (await Sha256Digest.OfFileAsync(path, cancellation) == digest)
            {
                return path;
            }

            log.Report(Errors.CachedBlobReplaced(path, digest));
            File.Delete(path);
        }

        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await download(file);
            }

            var actual = await Sha256Digest.OfFileAsync(temporary, cancellation);
            if (actual != digest)
            {
                throw new ContainerizeException(Errors.ContentDigestMismatch(registry, digest, actual));
            }

            // Atomic on one file system: readers see no file or the whole one, and a concurrent download of the same blob is harmless.
            File.Move(temporary, path, overwrite: true);
            return path;
        }
        finally
        {
            FileSystem.FileFailures.TryDelete(temporary);
        }
    }
}
