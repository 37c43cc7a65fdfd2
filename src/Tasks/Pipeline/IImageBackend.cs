using Containerize.Backends;
using Containerize.Oci;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// What <see cref="ImagePipeline"/> asks of a backend at each of its steps. The engine (BuildKit or the legacy
/// builder), the daemonless backend and a BuildKit daemon each answer them; what one cannot do it refuses, with its
/// CTZ code, before the pipeline starts.
/// </summary>
/// <typeparam name="TBase">The backend's own handle on a base image: what it needs of it to build.</typeparam>
/// <typeparam name="TImage">What the build step made, for the publish step: the engine's image id, the in-process images.</typeparam>
public interface IImageBackend<TBase, TImage> : IDisposable
{
    /// <summary>The backend's name in container-image.json: docker, daemonless, buildkit.</summary>
    string Name { get; }

    /// <summary>Whether the engine holds the image afterwards (built there, or loaded into it).</summary>
    bool InEngine { get; }

    /// <summary>Whether this process pushes the image (else the engine or a BuildKit daemon does, from wherever it runs).</summary>
    bool PushesInProcess { get; }

    /// <summary>Step "up to date?": whether what the record describes is still where this backend keeps it (one engine or registry request).</summary>
    Task<bool> HoldsAsync(ImageJob job, BuildRecord record, CancellationToken cancellation);

    /// <summary>
    /// Step "base": one platform's base image, read once — pulled into the engine, or its manifest and config read from
    /// its registry. Null when the build reads none itself.
    /// </summary>
    Task<(TBase Base, BaseImageFacts Facts)?> ReadBaseAsync(ImageJob job, ContainerSpec spec, Platform platform, CancellationToken cancellation);

    /// <summary>Step "build": the image, from the plan and the Dockerfile and context staged from it.</summary>
    /// <returns>The record of what was built (saved by the pipeline) and the image for <see cref="PublishAsync"/>.</returns>
    Task<(BuildRecord Record, TImage Image)> BuildAsync(ImagePlan<TBase> plan, CancellationToken cancellation);

    /// <summary>
    /// Step "SBOM", for the image this run built: what only the backend knows of each platform's image — its identity,
    /// its manifest digest if known, its architecture and the OS package files of it and of its base.
    /// </summary>
    /// <returns>One entry per platform of the plan, in its order.</returns>
    Task<IReadOnlyList<BuiltImageContents>> ReadContentsAsync(ImagePlan<TBase> plan, BuildRecord record, TImage image, CancellationToken cancellation);

    /// <summary>Step "publish": push, write the archive, load into the engine — what the job asks for and the record does not show done.</summary>
    /// <param name="image">What this run built; default when the image was up to date.</param>
    /// <returns>The record with what was published.</returns>
    Task<BuildRecord> PublishAsync(ImageJob job, BuildRecord record, TImage? image, CancellationToken cancellation);
}
