namespace Containerize.Sbom;

/// <summary>The files of an image's file system that say what its operating system and its packages are; null when absent.</summary>
/// <param name="OsRelease">etc/os-release, else usr/lib/os-release.</param>
/// <param name="DpkgStatus">var/lib/dpkg/status.</param>
/// <param name="DpkgStatusD">var/lib/dpkg/status.d/* (distroless, chiseled), by file name, ordinal; *.md5sums and the like left out.</param>
/// <param name="ApkInstalled">lib/apk/db/installed (usr/lib/apk/db/installed on a merged-/usr Alpine).</param>
/// <param name="RpmDatabase">The path of an rpm database when the image has one (not read: see CTZ2032).</param>
public sealed record ImageOsFiles(
    byte[]? OsRelease,
    byte[]? DpkgStatus,
    IReadOnlyList<KeyValuePair<string, byte[]>> DpkgStatusD,
    byte[]? ApkInstalled,
    string? RpmDatabase)
{
    public static ImageOsFiles None { get; } = new(null, null, [], null, null);
}
