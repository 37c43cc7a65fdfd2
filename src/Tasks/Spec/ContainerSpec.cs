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
    /// <summary>The image's creation time (the daemonless config's 'created' and the created label): SOURCE_DATE_EPOCH, else the source's last commit, else the Unix epoch.</summary>
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UnixEpoch;
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

    /// <summary>ContainerFile items: files and folders from outside the publish output, each to an absolute destination.</summary>
    public IReadOnlyList<FileCopy> Files { get; init; } = [];

    /// <summary>The layers of <see cref="Files"/>, one per destination folder and owner (<see cref="Layers.LayerPlanner.PlanFiles"/>).</summary>
    public IReadOnlyList<Layer> FileLayers { get; init; } = [];

    /// <summary>The text of the user's own Dockerfile (ContainerDockerfile), built instead of a generated one; null to generate.</summary>
    public string? Dockerfile { get; init; }

    /// <summary>ContainerBuildArg items: build arguments of the user's Dockerfile.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> BuildArgs { get; init; } = [];

    /// <summary>ContainerBuildSecret items: mounted by the steps that name them, given to the build by BuildKit's session only.</summary>
    public IReadOnlyList<BuildSecret> BuildSecrets { get; init; } = [];

    /// <summary>True when the generated Dockerfile has steps that run inside the image (RUN).</summary>
    public bool HasBuildSteps => RunSteps.Count > 0 || Packages.Count > 0;

    /// <summary>True when only the engine can make the image: steps run inside it, or the user's own Dockerfile.</summary>
    public bool NeedsEngine => HasBuildSteps || Dockerfile is not null;

    /// <summary>One empty layer per writable folder: the folder itself, owned by the app user.</summary>
    public IEnumerable<Layer> WritableDirectoryLayers =>
        WritableDirectories.Select(directory => new Layer(Layer.EmptyFolder, []) { Destination = directory, Owner = User ?? "" });

    /// <summary>
    /// Every layer added to the base image, in image order: the extra files, the writable folders, then the app's
    /// (whose <see cref="Layer.Destination"/> is empty: the working directory).
    /// </summary>
    public IEnumerable<Layer> AllLayers => FileLayers.Concat(WritableDirectoryLayers).Concat(Layers);

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

/// <summary>
/// One layer: files copied from the context folder layers/<see cref="Name"/> to a folder of the image — the app's
/// from the publish output to the working directory, extra files (ContainerFile) to their destination.
/// </summary>
public sealed record Layer(string Name, IReadOnlyList<LayerFile> Files)
{
    /// <summary>The context folder of the writable folders' layers: empty, copied with the app user as owner.</summary>
    public const string EmptyFolder = "empty";

    /// <summary>The absolute folder the files go to; empty: the working directory.</summary>
    public string Destination { get; init; } = "";

    /// <summary>The owner of what the layer adds (COPY --chown: uid[:gid] or a name); empty: root.</summary>
    public string Owner { get; init; } = "";

    /// <summary>The folder of the image the files go to: <see cref="Destination"/>, else the working directory.</summary>
    public string DestinationIn(string workingDirectory) => Destination.Length > 0 ? Destination : workingDirectory;
}

/// <summary>A file of a layer: where it is on disk, its path under the layer's destination ('/'-separated), and its mode if set.</summary>
public sealed record LayerFile(string SourcePath, string RelativePath)
{
    /// <summary>The permission bits in the image; null: 0755 when the file on disk is executable by its owner, else 0644.</summary>
    public UnixFileMode? Mode { get; init; }
}

/// <summary>A ContainerFile item, validated: the file or folder on disk, where it goes, its owner and mode ("" for the defaults).</summary>
/// <param name="Destination">Absolute; ending with '/' (or naming a folder source), the folder the source goes into.</param>
public sealed record FileCopy(string Source, string Destination, string Owner, UnixFileMode? Mode);
