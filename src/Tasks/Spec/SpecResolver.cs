using System.Globalization;
using Containerize.Diagnostics;
using Containerize.FileSystem;

namespace Containerize.Spec;

/// <summary>
/// Turns the project's facts and Container* settings into a <see cref="ContainerSpec"/>: defaults, inference and
/// validation. Every configuration mistake is collected as a diagnostic, all of them in one pass; none needs the engine,
/// and the disk is only asked through <see cref="ISpecFiles"/>. This class resolves the image's identity (base image,
/// registry, repository, tags, runtime identifiers, creation time) and leaves the rest to
/// <see cref="BackendSettingChecks"/>, <see cref="ImageConfigResolver"/>, <see cref="BuildStepsResolver"/> and
/// <see cref="ContainerFilesResolver"/>.
/// </summary>
public static class SpecResolver
{
    public const string DefaultWorkingDirectory = "/app";

    /// <summary>Resolves the spec with the disk's answers (<see cref="DiskSpecFiles"/>).</summary>
    /// <inheritdoc cref="Resolve(ProjectFacts, ContainerSettings, ISpecFiles, ICollection{Diagnostic})"/>
    public static ContainerSpec? Resolve(ProjectFacts project, ContainerSettings settings, ICollection<Diagnostic> diagnostics) =>
        Resolve(project, settings, DiskSpecFiles.Instance, diagnostics);

    /// <summary>Resolves the spec, asking <paramref name="files"/> what the paths the settings name are, and for the user's Dockerfile.</summary>
    /// <param name="diagnostics">Receives every error and warning, in the order of the checks.</param>
    /// <returns>The spec, or null when an error was reported.</returns>
    public static ContainerSpec? Resolve(ProjectFacts project, ContainerSettings settings, ISpecFiles files, ICollection<Diagnostic> diagnostics)
    {
        var errorsBefore = diagnostics.Count(d => d.Severity == Severity.Error);
        BackendSettingChecks.Check(settings, diagnostics);

        var baseImage = ResolveBaseImage(project, settings, diagnostics);
        var created = CreatedTime(settings, diagnostics);
        var spec = new ContainerSpec
        {
            Created = created ?? DateTimeOffset.UnixEpoch,
            BaseImage = baseImage ?? new ImageReference(null, "invalid", null, null),
            Registry = ResolveRegistry(settings.Registry, diagnostics),
            Repository = ResolveRepository(project, settings, diagnostics),
            Tags = ResolveTags(project, settings, diagnostics),
            WorkingDirectory = ImageConfigResolver.ResolveWorkingDirectory(settings.WorkingDirectory, diagnostics),
            User = ImageConfigResolver.ResolveUser(settings.User, diagnostics),
            Ports = ImageConfigResolver.ResolvePorts(settings.Ports, diagnostics),
            PortsFromBaseImage = settings.Ports.Count == 0 && project.UsesAspNetCore,
            Environment = ImageConfigResolver.ResolveEnvironment(settings, diagnostics),
            Labels = ImageConfigResolver.ResolveLabels(project, settings, baseImage, created, diagnostics),
            LabelBaseDigest = settings.GenerateLabels && !settings.DisabledLabels.Contains("base.digest"),
            Entrypoint = [],
            Cmd = [],
            RuntimeIdentifiers = ResolveRuntimeIdentifiers(settings.RuntimeIdentifiers, diagnostics),
            RunSteps = BuildStepsResolver.ResolveRunCommands(settings.RunCommands, diagnostics),
            Packages = BuildStepsResolver.ResolvePackages(settings.Packages, diagnostics),
            PackageManager = BuildStepsResolver.ResolvePackageManager(settings.PackageManager, diagnostics),
            BuildNetwork = settings.BuildNetwork.Trim(),
            HealthCheck = ImageConfigResolver.ResolveHealthCheck(settings, diagnostics),
            WritableDirectories = ContainerFilesResolver.ResolveWritableDirectories(settings.WritableDirectories, diagnostics),
            Files = ContainerFilesResolver.ResolveFiles(settings.Files, files, diagnostics),
            Dockerfile = BuildStepsResolver.ReadDockerfile(settings.Dockerfile, files, diagnostics),
            BuildArgs = BuildStepsResolver.ResolveBuildArgs(settings, diagnostics),
            BuildSecrets = BuildStepsResolver.ResolveBuildSecrets(settings, files, diagnostics),
        };
        spec = ImageConfigResolver.ResolveCommand(spec, project, settings, diagnostics);
        BuildStepsResolver.WarnOfSettingsTheDockerfileIgnores(settings, diagnostics);

        return diagnostics.Count(d => d.Severity == Severity.Error) > errorsBefore ? null : spec;
    }

    private static ImageReference? ResolveBaseImage(ProjectFacts project, ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        if (settings.BaseImage.Length > 0)
        {
            var explicitReference = ImageReference.TryParse(settings.BaseImage);
            if (explicitReference is null)
            {
                diagnostics.Add(Errors.InvalidBaseImage(settings.BaseImage, "ContainerBaseImage"));
            }

            return explicitReference;
        }

        if (settings.BaseRegistry.Length > 0 && !ReferenceRules.IsRegistryWithNamespace(settings.BaseRegistry.TrimEnd('/')))
        {
            diagnostics.Add(Errors.InvalidBaseRegistry(settings.BaseRegistry));
            return null;
        }

        if (settings.Family.Length > 0 && !ReferenceRules.IsTag("x-" + settings.Family))
        {
            diagnostics.Add(Errors.InvalidFamily(settings.Family));
            return null;
        }

        var inferred = BaseImageInference.Infer(project, settings.BaseRegistry, settings.Family, diagnostics);
        if (inferred.Length == 0)
        {
            return null;
        }

        var reference = ImageReference.TryParse(inferred);
        if (reference is null)
        {
            diagnostics.Add(Errors.InvalidBaseImage(inferred, "The inferred base image"));
        }

        return reference;
    }

    private static string ResolveRegistry(string registry, ICollection<Diagnostic> diagnostics)
    {
        var value = registry.Trim().TrimEnd('/');
        if (value.Length == 0)
        {
            return "";
        }

        if (!ReferenceRules.IsRegistryWithNamespace(value))
        {
            diagnostics.Add(Errors.InvalidRegistry(registry));
        }

        return value;
    }

    private static string ResolveRepository(ProjectFacts project, ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        var explicitName = settings.Repository.Trim();
        var repository = explicitName.Length > 0 ? explicitName : ReferenceRules.ToKebabRepository(project.AssemblyName);
        if (!ReferenceRules.IsRepository(repository))
        {
            diagnostics.Add(explicitName.Length > 0
                ? Errors.InvalidRepository(explicitName, "ContainerRepository")
                : Errors.InvalidRepository(repository, $"The repository derived from AssemblyName '{project.AssemblyName}' (set ContainerRepository)"));
        }

        return repository;
    }

    private static IReadOnlyList<string> ResolveTags(ProjectFacts project, ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        if (settings.ImageTag.Length > 0 && settings.ImageTags.Length > 0)
        {
            diagnostics.Add(Errors.BothTagProperties());
            return [];
        }

        List<string> tags;
        string source;
        if (settings.ImageTag.Length > 0)
        {
            (tags, source) = ([settings.ImageTag.Trim()], "ContainerImageTag");
        }
        else if (settings.ImageTags.Length > 0)
        {
            tags = settings.ImageTags.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            source = "ContainerImageTags";
        }
        else
        {
            var versionTag = project.Version.Replace('+', '-');
            if (versionTag != project.Version && ReferenceRules.IsTag(versionTag))
            {
                diagnostics.Add(Errors.VersionTagAdjusted(project.Version, versionTag));
            }

            (tags, source) = ([versionTag, "latest"], "Version");
        }

        foreach (var tag in tags.Where(tag => !ReferenceRules.IsTag(tag)))
        {
            diagnostics.Add(Errors.InvalidTag(tag, source));
        }

        return tags.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<string> ResolveRuntimeIdentifiers(string value, ICollection<Diagnostic> diagnostics)
    {
        var identifiers = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        var linux = identifiers.Where(identifier => identifier.StartsWith("linux-", StringComparison.Ordinal)).ToList();
        foreach (var identifier in identifiers.Except(linux))
        {
            diagnostics.Add(Errors.NotALinuxRuntimeIdentifier(identifier));
        }

        foreach (var same in linux.GroupBy(identifier => Oci.Platform.ForRuntimeIdentifier(identifier).ToString()).Where(group => group.Count() > 1))
        {
            diagnostics.Add(Errors.RuntimeIdentifiersOfOnePlatform(string.Join(" and ", same), same.Key));
        }

        return identifiers;
    }

    /// <summary>SOURCE_DATE_EPOCH (validated: CTZ1023), else the time of the source's last commit, else null (no created label, the Unix epoch in the config).</summary>
    private static DateTimeOffset? CreatedTime(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        if (settings.SourceDateEpoch.Length == 0)
        {
            return settings.SourceCommitTime is { } commitTime ? DateTimeOffset.FromUnixTimeSeconds(commitTime) : null;
        }

        if (!long.TryParse(settings.SourceDateEpoch, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799)
        {
            diagnostics.Add(Errors.InvalidSourceDateEpoch(settings.SourceDateEpoch));
            return null;
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}
