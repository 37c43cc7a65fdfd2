using Containerize.Diagnostics;
using Containerize.Spec;

namespace Containerize.Lock;

/// <summary>A base image the lock pinned: as the project names it, as the build uses it (repository:tag@digest), and the lock's entry.</summary>
public sealed record PinnedBase(ImageReference Project, ImageReference Pinned, LockedBase Entry)
{
    /// <summary>CTZ2036: the locked image could not be had (the registry or the engine said why).</summary>
    public ContainerizeException Unavailable(string problem, string lockPath, Exception inner) =>
        new(Errors.LockedBaseUnavailable(Project.ToString(), Entry.Digest, problem, lockPath), inner);

    /// <summary>
    /// The manifest the locked digest led to for a platform must be one the lock records (it always is unless the lock
    /// was edited by hand: the index was read by its digest, and so is what the lock was made from).
    /// </summary>
    /// <exception cref="ContainerizeException">CTZ2036 when it is not.</exception>
    public void CheckManifest(string manifestDigest, Oci.Platform platform, string lockPath)
    {
        if (Entry.Platforms.Count > 0 && !Entry.Platforms.Values.Contains(manifestDigest))
        {
            throw new ContainerizeException(Errors.LockedBaseUnavailable(Project.ToString(), Entry.Digest,
                $"its image for {platform} is {manifestDigest}, which is not among the manifests the lock records ({string.Join(", ", Entry.Platforms.OrderBy(entry => entry.Key, StringComparer.Ordinal).Select(entry => $"{entry.Key} {entry.Value}"))})", lockPath));
        }
    }
}
