using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Spec;

namespace Containerize.Lock;

/// <summary>
/// Applies containerize.lock.json to a resolved spec, with no I/O: each base reference the lock has an entry for is
/// pinned to the locked digest (the generated Dockerfile's base, or the FROM lines of the user's Dockerfile, written
/// repository:tag@sha256:…). A base the lock lacks is a warning, or with ContainerLockedMode an error, before any
/// engine or registry call. A reference that already names a digest is its own lock and needs no entry.
/// </summary>
public static class LockedBases
{
    /// <summary>The base references the project resolves that a lock pins: those without a digest, each once, in order.</summary>
    public static IReadOnlyList<ImageReference> Lockable(ContainerSpec spec) =>
        (spec.Dockerfile is null ? [spec.BaseImage] : DockerfileBases.Find(spec.Dockerfile)).Where(reference => reference.Digest is null).Distinct().ToList();

    /// <param name="baseLock">The lock read from <paramref name="path"/>; null when there is no lock file.</param>
    /// <param name="lockedMode">ContainerLockedMode: every base must be in the lock, and a lock must exist.</param>
    /// <param name="diagnostics">Receives CTZ1080, CTZ1081, CTZ1083 and CTZ1084.</param>
    /// <returns>The spec with the locked bases pinned (unchanged without a lock), and what was pinned; null when an error was reported.</returns>
    public static (ContainerSpec Spec, IReadOnlyList<PinnedBase> Pinned)? Apply(
        ContainerSpec spec, BaseImageLock? baseLock, string path, bool lockedMode, ICollection<Diagnostic> diagnostics)
    {
        var lockable = Lockable(spec);
        if (baseLock is null)
        {
            if (lockedMode && lockable.Count > 0)
            {
                diagnostics.Add(Errors.LockFileMissing(path, lockable.Select(reference => reference.ToString()).ToList()));
                return null;
            }

            return (spec, []);
        }

        var pinned = new List<PinnedBase>();
        var missing = new List<string>();
        foreach (var reference in lockable)
        {
            if (baseLock.Bases.TryGetValue(reference.ToString(), out var entry))
            {
                pinned.Add(new PinnedBase(reference, reference with { Digest = entry.Digest }, entry));
            }
            else
            {
                missing.Add(reference.ToString());
            }
        }

        var locked = baseLock.Bases.Keys.Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            if (lockedMode)
            {
                diagnostics.Add(Errors.BaseNotInLockedMode(path, missing, locked));
                return null;
            }

            diagnostics.Add(Errors.BaseNotInLock(path, missing, locked));
        }

        // The platforms this build makes are known when RIDs are named; the lock records every platform of the locked index.
        if (spec.Dockerfile is null && pinned.Count == 1 && spec.RuntimeIdentifiers.Count > 0)
        {
            var absent = spec.RuntimeIdentifiers.Select(Oci.Platform.ForRuntimeIdentifier).Where(platform => !pinned[0].Entry.HasPlatform(platform)).ToList();
            if (absent.Count > 0)
            {
                diagnostics.Add(Errors.LockedBaseLacksPlatform(pinned[0].Project.ToString(), absent.Select(platform => platform.ToString()).ToList(), pinned[0].Entry.Platforms.Keys.Order(StringComparer.Ordinal).ToList(), path));
                return null;
            }
        }

        if (pinned.Count == 0)
        {
            return (spec, pinned);
        }

        var pinnedSpec = spec.Dockerfile is null
            ? spec with { BaseImage = pinned[0].Pinned }
            : spec with { Dockerfile = DockerfileBases.Pin(spec.Dockerfile, pinned.ToDictionary(entry => entry.Project, entry => entry.Pinned)) };
        return (pinnedSpec, pinned);
    }
}
