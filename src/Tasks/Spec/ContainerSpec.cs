namespace Containerize.Spec;

/// <summary>
/// The whole image, as data: what the Dockerfile and the image config are made from.
/// <see cref="User"/> is null until the base image's APP_UID is known (<see cref="BaseImageCompletion"/>).
/// </summary>
public sealed record ContainerSpec
{
    public required ImageReference BaseImage { get; init; }
    /// <summary>The push registry (host[:port][/namespace]), or empty for the local engine only.</summary>
    public string Registry { get; init; } = "";
    public required string Repository { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required string WorkingDirectory { get; init; }
    public string? User { get; init; }
    public required IReadOnlyList<ContainerPort> Ports { get; init; }
    /// <summary>True when the ports come from the base image (ASP.NET Core apps with no ContainerPort items).</summary>
    public bool PortsFromBaseImage { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; }
    /// <summary>Empty: keep the base image's entrypoint.</summary>
    public required IReadOnlyList<string> Entrypoint { get; init; }
    public required IReadOnlyList<string> Cmd { get; init; }
    public IReadOnlyList<Layer> Layers { get; init; } = [];

    /// <summary>ContainerRunCommand steps, in order; they run as root before the app user is set.</summary>
    public IReadOnlyList<RunCommandSetting> RunSteps { get; init; } = [];

    /// <summary>ContainerPackage items, installed in one step before the RUN steps.</summary>
    public IReadOnlyList<PackageSetting> Packages { get; init; } = [];

    /// <summary>apt, apk, tdnf or dnf; empty until known (ContainerPackageManager, or found in the base image).</summary>
    public string PackageManager { get; init; } = "";

    /// <summary>The network mode of build steps (ContainerBuildNetwork); empty: the engine's default.</summary>
    public string BuildNetwork { get; init; } = "";

    public HealthCheck? HealthCheck { get; init; }

    /// <summary>Absolute folders created for the app user (ContainerWritableDirectory), everything else staying root's.</summary>
    public IReadOnlyList<string> WritableDirectories { get; init; } = [];

    /// <summary>True when making the image needs the engine (steps run in the image; folders owned by the app user).</summary>
    public bool NeedsEngine => RunSteps.Count > 0 || Packages.Count > 0 || WritableDirectories.Count > 0;

    /// <summary>The Linux RIDs the image is made for; empty: the project's RuntimeIdentifier or this machine's. Several make an image index.</summary>
    public IReadOnlyList<string> RuntimeIdentifiers { get; init; } = [];

    /// <summary>Whether the base digest label is wanted once the digest is known.</summary>
    public bool LabelBaseDigest { get; init; }

    /// <summary>Every full reference the image is tagged with: [registry/]repository:tag.</summary>
    public IEnumerable<string> References =>
        Tags.Select(tag => (Registry.Length == 0 ? "" : Registry + "/") + Repository + ":" + tag);
}

/// <summary>A HEALTHCHECK: the exec-form command and its options (Docker durations such as 30s, or empty for the default).</summary>
public sealed record HealthCheck(IReadOnlyList<string> Command, string Interval, string Timeout, string StartPeriod, string Retries);

/// <summary>One layer of the app: files copied from the publish output to the working directory.</summary>
public sealed record Layer(string Name, IReadOnlyList<LayerFile> Files);

/// <summary>A file of a layer: where it is on disk, and its path under the working directory ('/'-separated).</summary>
public sealed record LayerFile(string SourcePath, string RelativePath);
