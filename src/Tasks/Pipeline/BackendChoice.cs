using Containerize.Backends;
using Containerize.Diagnostics;

namespace Containerize.Pipeline;

/// <summary>Who makes the image.</summary>
public enum BackendKind
{
    /// <summary>The Docker engine (or Podman's compatible API) builds the staged Dockerfile.</summary>
    Engine,

    /// <summary>The image is made in-process.</summary>
    Daemonless,

    /// <summary>A standalone BuildKit daemon (ContainerBuildKitHost) builds and pushes.</summary>
    BuildKitDaemon,
}

/// <summary>What the run knows when it chooses a backend: the settings and where the image goes, and the engine endpoint found.</summary>
/// <param name="Backend">ContainerizeBackend, validated: "", auto, docker, daemonless or buildkit (any case, spaces).</param>
/// <param name="BuildKitHost">Whether ContainerBuildKitHost is set.</param>
/// <param name="Platforms">How many ContainerRuntimeIdentifiers (more than one makes an index).</param>
/// <param name="Push">The image goes to a registry.</param>
/// <param name="Archive">ContainerArchiveOutputPath is set.</param>
/// <param name="OciArchive">That archive is an OCI layout.</param>
/// <param name="Endpoint">The engine endpoint resolved from the settings, or null when there is none (not looked for when the choice needs no engine).</param>
public sealed record BackendFacts(string Backend, bool BuildKitHost, int Platforms, bool Push, bool Archive, bool OciArchive, DockerEndpoint? Endpoint);

/// <summary>The backend chosen, and what it does besides making the image.</summary>
/// <param name="LoadInto">The engine the daemonless image is loaded into (when it goes to no registry and no archive); null for none.</param>
/// <param name="DaemonlessWhenEngineSilent">
/// An engine found by looking (not configured) that does not answer (CTZ2001) hands the run to the daemonless backend,
/// which has a registry or an archive to put the image in.
/// </param>
public sealed record BackendDecision(BackendKind Kind, DockerEndpoint? LoadInto = null, bool DaemonlessWhenEngineSilent = false);

/// <summary>
/// The backend choice, as docs/properties.md ("Backends") states it, as one function of the facts — no I/O, every
/// outcome tested (BackendChoiceTests). Refusals are configuration errors raised before anything is contacted.
/// </summary>
public static class BackendChoice
{
    /// <summary>Whether the choice needs the engine endpoint resolved: not for the BuildKit daemon, not for an index (daemonless only).</summary>
    public static bool NeedsEndpoint(string backend, bool buildKitHost, int platforms) =>
        Normalize(backend) switch
        {
            "buildkit" => false,
            "" or "auto" when buildKitHost => false,
            _ => platforms <= 1,
        };

    /// <exception cref="ContainerizeException">CTZ1029 (an index with nowhere to hold it), CTZ1019 (nowhere to put a daemonless image), CTZ1031 (an OCI archive through the engine).</exception>
    public static BackendDecision Choose(BackendFacts facts)
    {
        var backend = Normalize(facts.Backend);
        var auto = backend is "" or "auto";
        if (backend == "buildkit" || (auto && facts.BuildKitHost))
        {
            return new BackendDecision(BackendKind.BuildKitDaemon);
        }

        if (facts.Platforms > 1)
        {
            // An index: only a registry or an OCI layout holds one, and only the daemonless backend makes one.
            var canHoldAnIndex = (facts.Push && !facts.Archive) || facts.OciArchive;
            return backend == "docker" || !canHoldAnIndex
                ? throw new ContainerizeException(Errors.MultiPlatformNeedsARegistry())
                : new BackendDecision(BackendKind.Daemonless);
        }

        if (backend == "daemonless" || (auto && (facts.Endpoint is null || facts.OciArchive)))
        {
            var goesElsewhere = facts.Push || facts.Archive;
            return goesElsewhere || facts.Endpoint is not null
                ? new BackendDecision(BackendKind.Daemonless, LoadInto: goesElsewhere ? null : facts.Endpoint)
                : throw new ContainerizeException(Errors.NowhereToPutTheImage());
        }

        return facts.OciArchive
            ? throw new ContainerizeException(Errors.OciArchiveNeedsDaemonless())
            : new BackendDecision(BackendKind.Engine,
                DaemonlessWhenEngineSilent: auto && facts.Endpoint is { IsConfigured: false } && (facts.Push || facts.Archive));
    }

    private static string Normalize(string backend) => backend.Trim().ToLowerInvariant();
}
