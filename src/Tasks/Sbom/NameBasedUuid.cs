using System.Security.Cryptography;
using System.Text;

namespace Containerize.Sbom;

/// <summary>
/// RFC 9562 (formerly 4122) version 5 UUIDs: SHA-1 of a namespace UUID and a name, so the same name always gives the
/// same UUID. The SBOM's serial number is the one of "containerize:sbom:" + its seed (the image's config digest) in
/// the URL namespace (6ba7b811-9dad-11d1-80b4-00c04fd430c8): Python's
/// uuid.uuid5(uuid.NAMESPACE_URL, "containerize:sbom:" + seed) gives the same.
/// </summary>
internal static class NameBasedUuid
{
    private static readonly byte[] UrlNamespace = Convert.FromHexString("6ba7b8119dad11d180b400c04fd430c8");

    public static string ForSbom(string seed) => Version5(UrlNamespace, "containerize:sbom:" + seed);

    /// <summary>The lower-case 8-4-4-4-12 form.</summary>
    public static string Version5(byte[] namespaceId, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[namespaceId.Length + nameBytes.Length];
        namespaceId.CopyTo(input, 0);
        nameBytes.CopyTo(input, namespaceId.Length);

        // SHA-1 because version 5 is defined with it; it names, it does not protect anything.
        var hash = SHA1.HashData(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexString(hash, 0, 16).ToLowerInvariant();
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }
}
