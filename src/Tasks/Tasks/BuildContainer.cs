using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Layers;
using Containerize.Pipeline;
using Containerize.Registries;
using Containerize.Spec;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Containerize.Tasks;

/// <summary>The Containerize target's task: project properties and items in, image and Dockerfile out.</summary>
public sealed class BuildContainer : EngineTask
{
    [Required] public string AssemblyName { get; set; } = "";
    [Required] public string PublishDirectory { get; set; } = "";
    [Required] public string ContextDirectory { get; set; } = "";
    /// <summary>The project's folder: relative paths in item metadata (ContainerBuildSecret's File) are relative to it.</summary>
    public string ProjectDirectory { get; set; } = "";

    /// <summary>What relative paths are relative to: <see cref="ProjectDirectory"/>, else the current directory.</summary>
    private string FolderOfProject => ProjectDirectory.Length > 0 ? ProjectDirectory : Directory.GetCurrentDirectory();

    public string TargetFramework { get; set; } = "";
    public string TargetFrameworkIdentifier { get; set; } = "";
    public string TargetFrameworkVersion { get; set; } = "";
    public string RuntimeIdentifier { get; set; } = "";
    public bool SelfContained { get; set; }
    public bool PublishAot { get; set; }
    public bool PublishTrimmed { get; set; }
    public bool InvariantGlobalization { get; set; }
    public ITaskItem[] FrameworkReferences { get; set; } = [];
    /// <summary>What the publish produced (_ContainerizePublishedFiles): ResolvedFileToPublish items and the other files it wrote, each with RelativePath.</summary>
    public ITaskItem[] PublishedFiles { get; set; } = [];
    /// <summary>The files of each per-RID publish, with ContainerRuntimeIdentifier and ContainerPublishDirectory metadata.</summary>
    public ITaskItem[] RuntimePublishedFiles { get; set; } = [];
    public string Version { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public string Authors { get; set; } = "";
    public string Company { get; set; } = "";
    public string ProjectUrl { get; set; } = "";
    public string LicenseExpression { get; set; } = "";
    public string RepositoryUrl { get; set; } = "";
    public string SourceRevisionId { get; set; } = "";
    public string ProjectAssetsFile { get; set; } = "";
    /// <summary>NuGetLockFilePath: the NuGet lock file when the project names one; empty for packages.lock.json beside the project.</summary>
    public string NuGetLockFile { get; set; } = "";
    public bool Sbom { get; set; } = true;
    public string SbomFormat { get; set; } = "";
    /// <summary>ContainerProvenance: attach a SLSA provenance statement to the pushed image.</summary>
    public bool Provenance { get; set; } = true;
    /// <summary>ContainerSigningKey: the ECDSA P-256 private key (PEM) that signs the pushed image; its password is CONTAINERIZE_SIGNING_KEY_PASSWORD.</summary>
    public string SigningKey { get; set; } = "";

    public string Backend { get; set; } = "";

    public string Builder { get; set; } = "";

    /// <summary>ContainerBuildKitHost: a standalone BuildKit daemon to build on (unix:// or tcp://).</summary>
    public string BuildKitHost { get; set; } = "";

    /// <summary>ContainerBuildKitCertificates: the folder of ca.pem, cert.pem and key.pem for a tcp:// BuildKit daemon.</summary>
    public string BuildKitCertificates { get; set; } = "";
    public string Registry { get; set; } = "";
    public string Repository { get; set; } = "";
    public string ImageTag { get; set; } = "";
    public string ImageTags { get; set; } = "";
    public string BaseImage { get; set; } = "";
    public string BaseRegistry { get; set; } = "";
    public string Family { get; set; } = "";
    public string WorkingDirectory { get; set; } = "";
    public string User { get; set; } = "";
    public ITaskItem[] Ports { get; set; } = [];
    public ITaskItem[] EnvironmentVariables { get; set; } = [];
    public string EnvironmentVariablesProperty { get; set; } = "";
    public ITaskItem[] Labels { get; set; } = [];
    public ITaskItem[] AppCommand { get; set; } = [];
    public ITaskItem[] AppCommandArgs { get; set; } = [];
    public ITaskItem[] DefaultArgs { get; set; } = [];
    public string AppCommandInstruction { get; set; } = "";
    public bool GenerateLabels { get; set; } = true;
    public ITaskItem[] DisabledLabels { get; set; } = [];
    public string DockerHost { get; set; } = "";
    public string RuntimeIdentifiers { get; set; } = "";
    public ITaskItem[] RunCommands { get; set; } = [];
    public ITaskItem[] Packages { get; set; } = [];
    public ITaskItem[] WritableDirectories { get; set; } = [];
    public ITaskItem[] Files { get; set; } = [];
    public string Dockerfile { get; set; } = "";
    public ITaskItem[] BuildArgs { get; set; } = [];
    public ITaskItem[] BuildSecrets { get; set; } = [];
    /// <summary>Set by -t:GenerateDockerfile: write the generated Dockerfile here and build nothing.</summary>
    public string DockerfileOutputPath { get; set; } = "";
    public string PackageManager { get; set; } = "";
    public string BuildNetwork { get; set; } = "";
    public string HealthCheck { get; set; } = "";
    public string HealthCheckInterval { get; set; } = "";
    public string HealthCheckTimeout { get; set; } = "";
    public string HealthCheckStartPeriod { get; set; } = "";
    public string HealthCheckRetries { get; set; } = "";
    public bool Push { get; set; }
    public string ArchiveOutputPath { get; set; } = "";
    public string ArchiveFormat { get; set; } = "";
    public ITaskItem[] InsecureRegistries { get; set; } = [];
    /// <summary>ContainerLockFile: the base-image lock, used while the file exists.</summary>
    public string LockFile { get; set; } = "";
    /// <summary>ContainerLockedMode: fail when a base is not in the lock (or there is no lock).</summary>
    public bool LockedMode { get; set; }
    /// <summary>Set by -t:UpdateContainerLock: write the lock from the registries and build nothing.</summary>
    public bool UpdateLock { get; set; }

    [Output] public string ImageId { get; set; } = "";
    [Output] public string ImageDigest { get; set; } = "";
    [Output] public string DockerfilePath { get; set; } = "";
    [Output] public ITaskItem[] GeneratedImages { get; set; } = [];

    /// <summary>How often a run waiting for another run of the project looks at the lock again.</summary>
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(250);

    protected override async Task<bool> ExecuteAsync(CancellationToken cancellation)
    {
        var sourceDateEpoch = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH") ?? "";
        var request = new ContainerizeRequest
        {
            Project = new ProjectFacts
            {
                AssemblyName = AssemblyName, TargetFramework = TargetFramework, TargetFrameworkIdentifier = TargetFrameworkIdentifier,
                TargetFrameworkVersion = TargetFrameworkVersion, RuntimeIdentifier = RuntimeIdentifier, SelfContained = SelfContained,
                PublishAot = PublishAot, PublishTrimmed = PublishTrimmed, InvariantGlobalization = InvariantGlobalization,
                UsesAspNetCore = FrameworkReferences.Any(reference => reference.ItemSpec == "Microsoft.AspNetCore.App"),
                Version = Version, Title = Title, Description = Description, Authors = Authors, Company = Company, ProjectUrl = ProjectUrl,
                LicenseExpression = LicenseExpression, RepositoryUrl = RepositoryUrl, SourceRevisionId = SourceRevisionId,
                AssetsFile = ProjectAssetsFile,
                NuGetLockFile = Path.GetFullPath(NuGetLockFile.Length > 0 ? NuGetLockFile : "packages.lock.json", FolderOfProject),
            },
            Settings = new ContainerSettings
            {
                Backend = Backend, Builder = Builder, BuildKitHost = BuildKitHost, BuildKitCertificates = BuildKitCertificates, Registry = Registry, Repository = Repository, ImageTag = ImageTag, ImageTags = ImageTags,
                BaseImage = BaseImage, BaseRegistry = BaseRegistry, Family = Family, WorkingDirectory = WorkingDirectory, User = User,
                Ports = Ports.Select(port => new PortSetting(port.ItemSpec, port.GetMetadata("Type"))).ToList(),
                EnvironmentVariables = Pairs(EnvironmentVariables), EnvironmentVariablesProperty = EnvironmentVariablesProperty,
                Labels = Pairs(Labels), AppCommand = Values(AppCommand), AppCommandArgs = Values(AppCommandArgs), DefaultArgs = Values(DefaultArgs),
                AppCommandInstruction = AppCommandInstruction, GenerateLabels = GenerateLabels, DisabledLabels = Values(DisabledLabels),
                SourceDateEpoch = sourceDateEpoch,
                SourceCommitTime = sourceDateEpoch.Length == 0 ? SourceCommitTime.Read(ProjectDirectory) : null,
                RuntimeIdentifiers = RuntimeIdentifiers,
                RunCommands = RunCommands.Select(item => new RunCommandSetting(
                    item.GetMetadata("Command") is { Length: > 0 } command ? command : item.ItemSpec,
                    item.GetMetadata("Form").Equals("exec", StringComparison.OrdinalIgnoreCase)) { Secrets = List(item.GetMetadata("Secrets")) }).ToList(),
                Packages = Packages.Select(item => new PackageSetting(item.ItemSpec, item.GetMetadata("Version")) { Secrets = List(item.GetMetadata("Secrets")) }).ToList(),
                BuildSecrets = BuildSecrets.Select(item => new BuildSecret(item.ItemSpec.Trim(), item.GetMetadata("Environment").Trim(),
                    item.GetMetadata("File") is { Length: > 0 } file ? Path.GetFullPath(file, FolderOfProject) : "")).ToList(),
                WritableDirectories = Values(WritableDirectories),
                Files = Files.Select(item => new FileSetting(item.GetMetadata("FullPath").TrimEnd('/', '\\'), item.ItemSpec,
                    item.GetMetadata("Destination"), item.GetMetadata("Owner"), item.GetMetadata("Mode"))).ToList(),
                Dockerfile = Dockerfile, BuildArgs = Pairs(BuildArgs),
                PackageManager = PackageManager, BuildNetwork = BuildNetwork, HealthCheck = HealthCheck, HealthCheckInterval = HealthCheckInterval,
                HealthCheckTimeout = HealthCheckTimeout, HealthCheckStartPeriod = HealthCheckStartPeriod, HealthCheckRetries = HealthCheckRetries,
            },
            PublishDirectory = PublishDirectory,
            Origins = OriginsOf(PublishedFiles),
            Published = ProducedBy(PublishedFiles),
            RuntimePublishes = RuntimePublishedFiles
                .GroupBy(file => (Identifier: file.GetMetadata("ContainerRuntimeIdentifier"), Directory: file.GetMetadata("ContainerPublishDirectory")))
                .Select(group => new RuntimePublish(group.Key.Identifier, group.Key.Directory, OriginsOf(group), ProducedBy(group)))
                .ToList(),
            ContextDirectory = ContextDirectory,
            DockerHost = DockerHost,
            Push = Push,
            Sbom = Sbom,
            SbomFormat = SbomFormat.Length == 0 ? "cyclonedx" : SbomFormat.Trim().ToLowerInvariant(),
            ArchivePath = ArchiveOutputPath.Length == 0 ? "" : OutputPaths.WrittenPath(ArchiveOutputPath),
            ArchiveFormat = ArchiveFormat.Length == 0 ? "docker" : ArchiveFormat.ToLowerInvariant(),
            InsecureRegistries = Values(InsecureRegistries)
                .SelectMany(value => value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(host => host.ToLowerInvariant())
                .ToList(),
            LockFile = LockFile.Length == 0 ? "" : Path.GetFullPath(LockFile, FolderOfProject),
            LockedMode = LockedMode,
            Provenance = Provenance,
            SigningKey = SigningKey.Trim().Length == 0 ? null
                : new SigningKeySource(Path.GetFullPath(SigningKey.Trim(), FolderOfProject),
                    Environment.GetEnvironmentVariable(Signing.SigningKey.PasswordVariable)),
        };

        var publishes = request.RuntimePublishes.Count > 0
            ? request.RuntimePublishes.Select(publish => (publish.PublishDirectory, publish.Published))
            : [(request.PublishDirectory, request.Published)];
        foreach (var (directory, published) in publishes)
        {
            if (published is not null && LayerPlanner.Unpublished(directory, published) is { Count: > 0 } unpublished)
            {
                Report(Errors.UnpublishedFilesLeftOut(directory, unpublished));
            }
        }

        var containerizer = new Containerizer(this, DockerEndpointResolver.ForThisMachine(), CredentialResolver.ForThisProcess(), RetryPolicy.Default, BlobCache.ForThisUser(this));
        if (UpdateLock)
        {
            return await containerizer.UpdateLockAsync(request, cancellation);
        }

        if (DockerfileOutputPath.Length > 0)
        {
            if (OutputPaths.CheckFile("ContainerDockerfileOutputPath", DockerfileOutputPath) is { } problem)
            {
                throw new ContainerizeException(problem);
            }

            DockerfilePath = DockerfileOutputPath;
            return await containerizer.GenerateDockerfileAsync(request, DockerfileOutputPath, cancellation);
        }

        // One run at a time per containerize folder; none when that folder cannot be made (the run's checks report why: CTZ1062).
        using var runLock = OutputPaths.FileInTheWay(ContextDirectory) is null ? await RunLock.AcquireAsync(ContextDirectory, this, LockPoll, cancellation) : null;
        var result = await containerizer.RunAsync(request, cancellation);
        if (result is null)
        {
            return false;
        }

        ImageId = result.ImageId;
        ImageDigest = result.Digest ?? "";
        DockerfilePath = result.DockerfilePath;
        GeneratedImages = result.References.Select(reference => (ITaskItem)new TaskItem(reference, new Dictionary<string, string>
        {
            ["Digest"] = result.Digest ?? "",
            ["ImageId"] = result.ImageId,
            ["InEngine"] = result.InEngine ? "true" : "false",
            ["Archive"] = result.ArchivePath,
        })).ToArray();
        Log.LogMessage(MessageImportance.High, $"{AssemblyName} -> {result.Destinations()}");
        return true;
    }

    /// <summary>Where each published file came from, by its path in the publish folder (ResolvedFileToPublish metadata).</summary>
    private static Dictionary<string, PublishedFileOrigin> OriginsOf(IEnumerable<ITaskItem> files) =>
        files.Where(file => file.GetMetadata("RelativePath").Length > 0)
            .GroupBy(file => file.GetMetadata("RelativePath").Replace('\\', '/'))
            .ToDictionary(group => group.Key, group => new PublishedFileOrigin(
                group.First().GetMetadata("NuGetPackageId"), group.First().GetMetadata("NuGetPackageVersion"),
                group.First().GetMetadata("ReferenceSourceTarget") == "ProjectReference"));

    /// <summary>
    /// The relative paths ('/'-separated) one publish produced (the RelativePath of each item _ContainerizePublishedFiles
    /// gives), compared as the file system does; null when there are none, so that the whole folder is taken.
    /// </summary>
    private static IReadOnlySet<string>? ProducedBy(IEnumerable<ITaskItem> files)
    {
        var comparer = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var paths = files.Select(file => file.GetMetadata("RelativePath").Replace('\\', '/')).Where(path => path.Length > 0).ToHashSet(comparer);
        return paths.Count > 0 ? paths : null;
    }

    /// <summary>A ';'-separated metadata value as a list, empty entries left out.</summary>
    private static IReadOnlyList<string> List(string value) => value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
