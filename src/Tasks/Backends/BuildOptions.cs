using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Backends;

/// <summary>How the engine builds an image, beyond its context.</summary>
/// <param name="NetworkMode">The network of RUN steps (ContainerBuildNetwork); empty for the engine's default.</param>
/// <param name="BuildArgs">Build arguments (ContainerBuildArg), as docker build --build-arg.</param>
/// <param name="Builder">ContainerizeBuilder: buildkit, legacy, or auto (BuildKit when the engine offers it).</param>
/// <param name="Secrets">ContainerBuildSecret items: read just before the build, given to it by BuildKit's session only.</param>
/// <param name="Credentials">A registry host's credentials for the pulls BuildKit makes (null: anonymous).</param>
/// <param name="PullsDuringBuild">
/// The build may pull images the engine was not given beforehand: a user's Dockerfile (COPY --from, RUN --mount=from,
/// a FROM made of build arguments), for which BuildKit asks the session for the registry's credentials. The base of a
/// generated Dockerfile is pulled before the build, so BuildKit finds it in the engine.
/// </param>
public sealed record BuildOptions(
    string NetworkMode,
    IReadOnlyList<KeyValuePair<string, string>> BuildArgs,
    string Builder,
    IReadOnlyList<BuildSecret> Secrets,
    Func<string, RegistryCredentials?> Credentials,
    bool PullsDuringBuild)
{
    /// <summary>Whether BuildKit may call back into the session, so a session host must serve it.</summary>
    public bool NeedsSessionServices => Secrets.Count > 0 || PullsDuringBuild;
}
