namespace Containerize.Spec;

/// <summary>What MSBuild knows about the project being containerized.</summary>
public sealed record ProjectFacts
{
    public required string AssemblyName { get; init; }
    public string TargetFramework { get; init; } = "";
    public string TargetFrameworks { get; init; } = "";
    public string TargetFrameworkIdentifier { get; init; } = ".NETCoreApp";
    /// <summary>As MSBuild writes it: v10.0.</summary>
    public string TargetFrameworkVersion { get; init; } = "";
    public string RuntimeIdentifier { get; init; } = "";
    public bool SelfContained { get; init; }
    public bool PublishAot { get; init; }
    public bool PublishTrimmed { get; init; }
    public bool InvariantGlobalization { get; init; }
    /// <summary>True when the project references the Microsoft.AspNetCore.App framework.</summary>
    public bool UsesAspNetCore { get; init; }
    public string Version { get; init; } = "1.0.0";
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public string Authors { get; init; } = "";
    public string Company { get; init; } = "";
    public string ProjectUrl { get; init; } = "";
    public string LicenseExpression { get; init; } = "";
    public string RepositoryUrl { get; init; } = "";
    public string SourceRevisionId { get; init; } = "";
    /// <summary>obj/project.assets.json (ProjectAssetsFile): the NuGet graph the SBOM lists; empty when there is none.</summary>
    public string AssetsFile { get; init; } = "";
    /// <summary>The NuGet lock file (NuGetLockFilePath, else packages.lock.json beside the project), a full path; the provenance hashes it when it exists.</summary>
    public string NuGetLockFile { get; init; } = "";
}

/// <summary>A ContainerRunCommand item: the command (Command metadata, else Include) and whether it is exec form.</summary>
public sealed record RunCommandSetting(string Command, bool ExecForm)
{
    /// <summary>The ContainerBuildSecret ids the step mounts (Secrets metadata), at /run/secrets/&lt;id&gt;.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}

/// <summary>A ContainerPackage item: the package and its pinned version (Version metadata), if any.</summary>
public sealed record PackageSetting(string Name, string Version)
{
    /// <summary>The ContainerBuildSecret ids the install step mounts (Secrets metadata): a private repository's token.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}

/// <summary>
/// A ContainerBuildSecret item: its id (Include) and where its value is read just before the build — an environment
/// variable (Environment metadata) or a file (File metadata, a full path). The value itself is never part of a setting.
/// </summary>
public sealed record BuildSecret(string Id, string Environment, string File);

/// <summary>A ContainerFile item: the file or folder (its full path, and Include as written) and its metadata as written.</summary>
public sealed record FileSetting(string Source, string Include, string Destination, string Owner, string Mode);

/// <summary>A ContainerPort item as written: Include and Type metadata.</summary>
public sealed record PortSetting(string Port, string Type);

/// <summary>The Container* properties and items, as strings, before validation.</summary>
public sealed record ContainerSettings
{
    public string Backend { get; init; } = "";

    /// <summary>ContainerizeBuilder: auto, buildkit or legacy (the engine backend's builder).</summary>
    public string Builder { get; init; } = "";

    /// <summary>ContainerBuildKitHost: a standalone BuildKit daemon's address (unix:// or tcp://); empty for none.</summary>
    public string BuildKitHost { get; init; } = "";

    /// <summary>ContainerBuildKitCertificates: the folder of ca.pem, cert.pem and key.pem for a tcp:// BuildKit daemon; empty for none.</summary>
    public string BuildKitCertificates { get; init; } = "";

    /// <summary>Whether the image is built on a BuildKit daemon: ContainerizeBackend buildkit, or auto with ContainerBuildKitHost set.</summary>
    public bool UsesBuildKitDaemon => Backend.Trim().ToLowerInvariant() switch
    {
        "buildkit" => true,
        "" or "auto" => BuildKitHost.Trim().Length > 0,
        _ => false,
    };
    public string Registry { get; init; } = "";
    public string Repository { get; init; } = "";
    public string ImageTag { get; init; } = "";
    public string ImageTags { get; init; } = "";
    public string BaseImage { get; init; } = "";
    public string BaseRegistry { get; init; } = "";
    public string Family { get; init; } = "";
    public string WorkingDirectory { get; init; } = "";
    public string User { get; init; } = "";
    public IReadOnlyList<PortSetting> Ports { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, string>> EnvironmentVariables { get; init; } = [];
    /// <summary>The ContainerEnvironmentVariables property: A=1;B=2.</summary>
    public string EnvironmentVariablesProperty { get; init; } = "";
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];
    public IReadOnlyList<string> AppCommand { get; init; } = [];
    public IReadOnlyList<string> AppCommandArgs { get; init; } = [];
    public IReadOnlyList<string> DefaultArgs { get; init; } = [];
    public string AppCommandInstruction { get; init; } = "";
    public bool GenerateLabels { get; init; } = true;
    /// <summary>Default OCI labels switched off, by their name after org.opencontainers.image. (title, base.digest, …).</summary>
    public IReadOnlyCollection<string> DisabledLabels { get; init; } = [];
    public IReadOnlyList<RunCommandSetting> RunCommands { get; init; } = [];
    public IReadOnlyList<PackageSetting> Packages { get; init; } = [];
    public IReadOnlyList<FileSetting> Files { get; init; } = [];
    /// <summary>ContainerDockerfile: the full path of the user's own Dockerfile, or empty to generate one.</summary>
    public string Dockerfile { get; init; } = "";
    /// <summary>ContainerBuildArg items: name and Value.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> BuildArgs { get; init; } = [];
    /// <summary>ContainerBuildSecret items.</summary>
    public IReadOnlyList<BuildSecret> BuildSecrets { get; init; } = [];
    /// <summary>ContainerWritableDirectory items: absolute folders the app user owns.</summary>
    public IReadOnlyList<string> WritableDirectories { get; init; } = [];
    public string PackageManager { get; init; } = "";
    public string BuildNetwork { get; init; } = "";
    /// <summary>ContainerHealthCheck: the exec-form command, ';'-separated.</summary>
    public string HealthCheck { get; init; } = "";
    public string HealthCheckInterval { get; init; } = "";
    public string HealthCheckTimeout { get; init; } = "";
    public string HealthCheckStartPeriod { get; init; } = "";
    public string HealthCheckRetries { get; init; } = "";
    /// <summary>ContainerRuntimeIdentifiers: the Linux RIDs to make images for, ';'-separated (default: the project's RuntimeIdentifier).</summary>
    public string RuntimeIdentifiers { get; init; } = "";
    /// <summary>SOURCE_DATE_EPOCH from the environment, when set.</summary>
    public string SourceDateEpoch { get; init; } = "";
    /// <summary>The committer time of the source's last commit (<see cref="Spec.SourceCommitTime"/>), read when SOURCE_DATE_EPOCH is unset; null outside a git repository.</summary>
    public long? SourceCommitTime { get; init; }
}
