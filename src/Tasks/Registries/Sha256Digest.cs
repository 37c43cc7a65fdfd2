using System.Security.Cryptography;

namespace Containerize.Registries;

/// <summary>Content digests in the form registries use: "sha256:" and 64 lower-case hex digits.</summary>
internal static class Sha256Digest
{
    public const string Prefix = "sha256:";

    public static string Of(byte[] content) => Prefix + Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    public static string OfFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Prefix + Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant();
    }

    public static async Task<string> OfFileAsync(string path, CancellationToken cancellation)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Prefix + Convert.ToHexString(await SHA256.HashDataAsync(file, cancellation)).ToLowerInvariant();
    }
}
