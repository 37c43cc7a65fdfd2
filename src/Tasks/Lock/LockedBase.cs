namespace Containerize.Lock;

/// <summary>
/// One base image in containerize.lock.json: the digest its tag named when the lock was written (an index for a
/// multi-platform image, else the one manifest), and the manifest that digest names for each platform.
/// </summary>
/// <param name="Digest">What the build uses: the reference becomes repository:tag@Digest.</param>
/// <param name="Platforms">"os/architecture[/variant]" → that platform's manifest digest; a record for reviewers and a check for the build.</param>
public sealed record LockedBase(string Digest, IReadOnlyDictionary<string, string> Platforms)
{
    /// <summary>Whether the lock records the platform (its variant ignored when one side names none, as a base's platform is chosen).</summary>
    public bool HasPlatform(Oci.Platform platform) => Platforms.Keys.Any(key => key.Split('/') is [var os, var architecture, ..] parts
        && os == platform.Os && architecture == platform.Architecture
        && (platform.Variant is null || parts.Length < 3 || parts[2] == platform.Variant));
}
