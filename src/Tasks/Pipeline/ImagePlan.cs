using Containerize.Oci;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>One platform of the image to make: its spec, complete, and its base image as the backend read it.</summary>
/// <param name="Base">The backend's own handle on the base image (the engine's facts, the registry's manifest and config); default when the build reads none itself (a user's Dockerfile on a BuildKit daemon, FROM scratch).</param>
/// <param name="Facts">What the base image told: id, digest, environment, package manager; null with <paramref name="Base"/>.</param>
public sealed record PlatformPlan<TBase>(Platform Platform, ContainerSpec Spec, TBase? Base, BaseImageFacts? Facts);

/// <summary>
/// The image to make, complete: the job, and for each platform the spec with everything its base image told merged
/// in once (<see cref="BaseImageCompletion"/>) — nothing left for a backend to fill in.
/// </summary>
public sealed record ImagePlan<TBase>(ImageJob Job, IReadOnlyList<PlatformPlan<TBase>> Platforms)
{
    /// <summary>The spec the Dockerfile is written from: the last platform's (the platforms differ only in their layers).</summary>
    public ContainerSpec Spec => Platforms[^1].Spec;

    /// <summary>What the final base image told (the last platform's), or null when the build read none.</summary>
    public BaseImageFacts? Facts => Platforms[^1].Facts;

    /// <summary>The plan from each platform's base image: a generated Dockerfile's spec is completed from it; a user's own Dockerfile is built as written.</summary>
    public static ImagePlan<TBase> Create(ImageJob job, IEnumerable<(Platform Platform, ContainerSpec Spec, (TBase Base, BaseImageFacts Facts)? Base)> platforms) =>
        new(job, platforms.Select(entry => new PlatformPlan<TBase>(
            entry.Platform,
            entry.Spec.Dockerfile is null && entry.Base is { } read ? BaseImageCompletion.Complete(entry.Spec, read.Facts) : entry.Spec,
            entry.Base is { } handle ? handle.Base : default,
            entry.Base?.Facts)).ToList());
}
