using System.Globalization;
using System.Text.RegularExpressions;
using Containerize.Diagnostics;
using Containerize.FileSystem;

namespace Containerize.Spec;

/// <summary>
/// Turns the project's facts and Container* settings into a <see cref="ContainerSpec"/>: defaults, inference and
/// validation. Every configuration mistake is collected as a diagnostic; none needs the engine.
/// </summary>
public static class SpecResolver
{
    public const string DefaultWorkingDirectory = "/app";
    private const string OciLabel = "org.opencontainers.image.";

    private static readonly Regex WorkingDirectoryPattern = new(@"^/[A-Za-z0-9._/@+-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex UserPattern = new(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$", RegexOptions.CultureInvariant);
    private static readonly Regex EnvironmentNamePattern = new(@"^[A-Za-z_][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex LabelNamePattern = new(@"^[A-Za-z0-9][A-Za-z0-9._/-]*$", RegexOptions.CultureInvariant);
    private static readonly string[] Backends = ["", "auto", "docker", "daemonless", "buildkit"];
    private static readonly string[] Builders = ["", "auto", "buildkit", "legacy"];

    public static ContainerSpec? Resolve(ProjectFacts project, ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        var errorsBefore = diagnostics.Count(d => d.Severity == Severity.Error);
        CheckBackend(settings.Backend, diagnostics);
        CheckBuilder(settings, diagnostics);
        CheckBuildKitDaemon(settings, diagnostics);

        var baseImage = ResolveBaseImage(project, settings, diagnostics);
        var created = CreatedTime(settings, diagnostics);
        var spec = new ContainerSpec
        {
            Created = created ?? DateTimeOffset.UnixEpoch,
            BaseImage = baseImage ?? new ImageReference(null, "invalid", null, null),
            Registry = ResolveRegistry(settings.Registry, diagnostics),
            Repository = ResolveRepository(project, settings, diagnostics),
            Tags = ResolveTags(project, settings, diagnostics),
            WorkingDirectory = ResolveWorkingDirectory(settings.WorkingDirectory, diagnostics),
            User = ResolveUser(settings.User, diagnostics),
            Ports = ResolvePorts(settings.Ports, diagnostics),
            PortsFromBaseImage = settings.Ports.Count == 0 && project.UsesAspNetCore,
            Environment = ResolveEnvironment(settings, diagnostics),
            Labels = ResolveLabels(project, settings, baseImage, created, diagnostics),
            LabelBaseDigest = settings.GenerateLabels && !settings.DisabledLabels.Contains("base.digest"),
            Entrypoint = [],
            Cmd = [],
            RuntimeIdentifiers = ResolveRuntimeIdentifiers(settings.RuntimeIdentifiers, diagnostics),
            RunSteps = ResolveRunCommands(settings.RunCommands, diagnostics),
            Packages = ResolvePackages(settings.Packages, diagnostics),
            PackageManager = ResolvePackageManager(settings.PackageManager, diagnostics),
            BuildNetwork = settings.BuildNetwork.Trim(),
            HealthCheck = ResolveHealthCheck(settings, diagnostics),
            WritableDirectories = ResolveWritableDirectories(settings.WritableDirectories, diagnostics),
            Files = ResolveFiles(settings.Files, diagnostics),
            Dockerfile = ReadDockerfile(settings.Dockerfile, diagnostics),
            BuildArgs = ResolveBuildArgs(settings, diagnostics),
            BuildSecrets = ResolveBuildSecrets(settings, diagnostics),
        };
        spec = ResolveCommand(spec, project, settings, diagnostics);
        WarnOfSettingsTheDockerfileIgnores(settings, diagnostics);

        return diagnostics.Count(d => d.Severity == Severity.Error) > errorsBefore ? null : spec;
    }

    private static void CheckBackend(string backend, ICollection<Diagnostic> diagnostics)
    {
        var value = backend.Trim().ToLowerInvariant();
        if (!Backends.Contains(value))
        {
            diagnostics.Add(Errors.UnknownBackend(backend));
        }
    }

    /// <summary>A builder of the engine's is no setting for the daemonless backend: asked for by name there, it would be dropped.</summary>
    private static void CheckBuilder(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        var builder = settings.Builder.Trim().ToLowerInvariant();
        if (!Builders.Contains(builder))
        {
            diagnostics.Add(Errors.UnknownBuilder(settings.Builder));
        }
        else if (builder is "buildkit" or "legacy" && settings.Backend.Trim().ToLowerInvariant() == "daemonless")
        {
            diagnostics.Add(Errors.BuilderNeedsTheEngine(builder));
        }
        else if (builder == "legacy" && settings.UsesBuildKitDaemon)
        {
            diagnostics.Add(Errors.BuildKitBackendCannot("use the engine's legacy builder (ContainerizeBuilder=legacy)", "Remove ContainerizeBuilder, or ContainerBuildKitHost to build with the engine."));
        }
    }

    /// <summary>
    /// The BuildKit daemon's address and certificates: well formed, and never set where they would be ignored. Whether
    /// the certificate files exist is checked when the daemon is reached (<see cref="Containerize.Backends.BuildKit.BuildKitEndpoint"/>).
    /// </summary>
    private static void CheckBuildKitDaemon(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        var backend = settings.Backend.Trim().ToLowerInvariant();
        var host = settings.BuildKitHost.Trim();
        if (host.Length == 0)
        {
            if (backend == "buildkit")
            {
                diagnostics.Add(Errors.BuildKitBackendNeedsAHost());
            }
        }
        else if (backend is "docker" or "daemonless")
        {
            diagnostics.Add(Errors.BuildKitHostUnused(backend));
        }
        else if (Containerize.Backends.BuildKit.BuildKitEndpoint.Parse(host) is null)
        {
            diagnostics.Add(Errors.InvalidBuildKitHost(settings.BuildKitHost));
        }

        if (settings.BuildKitCertificates.Trim().Length > 0 && !(host.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) && settings.UsesBuildKitDaemon))
        {
            diagnostics.Add(Errors.BuildKitCertificates($"it is set, but {(host.Length == 0 ? "ContainerBuildKitHost is empty" : $"ContainerBuildKitHost '{host}' is not a tcp:// address")}, so it would be ignored"));
        }
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
        foreach (var identifier in identifiers.Where(identifier => !identifier.StartsWith("linux-", StringComparison.Ordinal)))
        {
            diagnostics.Add(Errors.NotALinuxRuntimeIdentifier(identifier));
        }

        return identifiers;
    }

    private static readonly Regex PackagePattern = new(@"^[A-Za-z0-9][A-Za-z0-9+._-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex PackageVersionPattern = new(@"^[A-Za-z0-9][A-Za-z0-9.+~:_-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex DurationPattern = new(@"^[0-9]+(ms|s|m|h)$", RegexOptions.CultureInvariant);
    private static readonly string[] PackageManagers = ["apt", "apk", "tdnf", "dnf"];

    private static IReadOnlyList<RunCommandSetting> ResolveRunCommands(IReadOnlyList<RunCommandSetting> commands, ICollection<Diagnostic> diagnostics)
    {
        foreach (var command in commands)
        {
            if (command.Command.Trim().Length == 0)
            {
                diagnostics.Add(Errors.InvalidRunCommand(command.Command, "is empty"));
            }
            else if (HasLineBreakOrNul(command.Command))
            {
                diagnostics.Add(Errors.InvalidRunCommand(command.Command, "holds a newline, carriage return or NUL, which one RUN line cannot hold"));
            }
            else if (!command.ExecForm && command.Command.TrimEnd().EndsWith('\\'))
            {
                diagnostics.Add(Errors.InvalidRunCommand(command.Command, "ends with '\\', which would join the next line of the Dockerfile to it"));
            }
        }

        return commands.Select(command => command with { Command = command.Command.Trim() }).ToList();
    }

    private static IReadOnlyList<PackageSetting> ResolvePackages(IReadOnlyList<PackageSetting> packages, ICollection<Diagnostic> diagnostics)
    {
        foreach (var package in packages.Where(p => !PackagePattern.IsMatch(p.Name) || (p.Version.Length > 0 && !PackageVersionPattern.IsMatch(p.Version))))
        {
            diagnostics.Add(Errors.InvalidPackage(package.Version.Length > 0 ? $"{package.Name} {package.Version}" : package.Name));
        }

        return packages;
    }

    private static string ResolvePackageManager(string value, ICollection<Diagnostic> diagnostics)
    {
        var manager = value.Trim().ToLowerInvariant();
        if (manager.Length > 0 && !PackageManagers.Contains(manager))
        {
            diagnostics.Add(Errors.UnknownPackageManager(value));
        }

        return manager;
    }

    private static IReadOnlyList<string> ResolveWritableDirectories(IReadOnlyList<string> directories, ICollection<Diagnostic> diagnostics)
    {
        foreach (var directory in directories.Where(directory => !WorkingDirectoryPattern.IsMatch(directory) || directory.TrimEnd('/').Length == 0))
        {
            diagnostics.Add(Errors.InvalidWritableDirectory(directory));
        }

        return directories.Select(directory => directory.TrimEnd('/')).Distinct(StringComparer.Ordinal).ToList();
    }

    private static readonly Regex ModePattern = new(@"^0?[0-7]{3}$", RegexOptions.CultureInvariant);

    private static IReadOnlyList<FileCopy> ResolveFiles(IReadOnlyList<FileSetting> files, ICollection<Diagnostic> diagnostics)
    {
        var result = new List<FileCopy>();
        foreach (var file in files)
        {
            if (KindOf(file.Source, $"ContainerFile '{file.Include}'", diagnostics) is not { } kind)
            {
                continue;
            }

            var isFolder = kind == FileKind.Folder;
            if (kind == FileKind.Missing)
            {
                diagnostics.Add(Errors.ContainerFileMissing(file.Include, file.Source));
            }
            else if (!WorkingDirectoryPattern.IsMatch(file.Destination) || file.Destination.TrimEnd('/').Length == 0)
            {
                diagnostics.Add(Errors.InvalidContainerFile(file.Include, "Destination", file.Destination,
                    "an absolute path other than '/', made of letters, digits and '/', '.', '_', '-', '@', '+' (a folder when it ends with '/' or the item is a folder)"));
            }
            else if (file.Owner.Length > 0 && !UserPattern.IsMatch(file.Owner))
            {
                diagnostics.Add(Errors.InvalidContainerFile(file.Include, "Owner", file.Owner, "a user[:group], by name or number (for example: 1654 or app:app)"));
            }
            else if (file.Mode.Length > 0 && !ModePattern.IsMatch(file.Mode))
            {
                diagnostics.Add(Errors.InvalidContainerFile(file.Include, "Mode", file.Mode, "octal permission bits such as 0644, 0600 or 0755"));
            }
            else
            {
                var mode = file.Mode.Length == 0 ? (UnixFileMode?)null : (UnixFileMode)Convert.ToInt32(file.Mode, 8);
                result.Add(new FileCopy(file.Source, isFolder ? file.Destination.TrimEnd('/') + "/" : file.Destination, file.Owner, mode));
            }
        }

        return result;
    }

    /// <summary>What a path the project names is, its links followed (<see cref="SourceFiles"/>); null when that is refused (reported).</summary>
    /// <param name="what">Who names it, for the error: "ContainerFile 'certs'", "ContainerDockerfile".</param>
    private static FileKind? KindOf(string path, string what, ICollection<Diagnostic> diagnostics)
    {
        try
        {
            return SourceFiles.Follow(path, what).Kind;
        }
        catch (ContainerizeException exception)
        {
            diagnostics.Add(exception.Diagnostic);
            return null;
        }
    }

    private static readonly Regex BuildArgNamePattern = new(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    private static string? ReadDockerfile(string path, ICollection<Diagnostic> diagnostics)
    {
        if (path.Length == 0)
        {
            return null;
        }

        var kind = KindOf(path, "ContainerDockerfile", diagnostics);
        if (kind is not FileKind.File)
        {
            if (kind is not null)
            {
                diagnostics.Add(Errors.DockerfileMissing(path));
            }

            return null;
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception exception) when (FileFailures.IsFileSystem(exception))
        {
            diagnostics.Add(Errors.SourceUnreadable(path, exception.Message, "ContainerDockerfile"));
            return null;
        }
    }

    private static IReadOnlyList<KeyValuePair<string, string>> ResolveBuildArgs(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        foreach (var argument in settings.BuildArgs.Where(argument => !BuildArgNamePattern.IsMatch(argument.Key)))
        {
            diagnostics.Add(Errors.InvalidBuildArg(argument.Key));
        }

        return LastWins(settings.BuildArgs);
    }

    private static readonly Regex SecretIdPattern = new(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);

    /// <summary>
    /// ContainerBuildSecret items, checked as far as they can be without reading a value: an id a RUN line can hold, one
    /// source that exists, steps that mount only declared ids, and a builder that can give secrets (BuildKit's session).
    /// </summary>
    private static IReadOnlyList<BuildSecret> ResolveBuildSecrets(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        foreach (var secret in settings.BuildSecrets)
        {
            if (!SecretIdPattern.IsMatch(secret.Id))
            {
                diagnostics.Add(Errors.InvalidBuildSecret(secret.Id, "its id (Include) must be letters, digits, '_', '.' and '-', not starting with '.' or '-'"));
            }
            else if ((secret.Environment.Length > 0) == (secret.File.Length > 0))
            {
                diagnostics.Add(Errors.InvalidBuildSecret(secret.Id, "it needs exactly one source: Environment (the name of an environment variable) or File (a file's path)"));
            }
            else if (BuildSecretValues.Problem(secret) is { } problem)
            {
                diagnostics.Add(Errors.InvalidBuildSecret(secret.Id, problem));
            }
            else if (secret.Environment.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) || secret.Environment.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase))
            {
                diagnostics.Add(Errors.SecretInLoggedVariable(secret.Id, secret.Environment));
            }
        }

        foreach (var id in settings.BuildSecrets.GroupBy(secret => secret.Id, StringComparer.Ordinal).Where(group => group.Count() > 1).Select(group => group.Key))
        {
            diagnostics.Add(Errors.InvalidBuildSecret(id, "it is declared more than once"));
        }

        var declared = settings.BuildSecrets.Select(secret => secret.Id).ToHashSet(StringComparer.Ordinal);
        var mounts = settings.RunCommands.SelectMany(step => step.Secrets.Select(id => (Item: $"ContainerRunCommand '{step.Command}'", Id: id)))
            .Concat(settings.Packages.SelectMany(package => package.Secrets.Select(id => (Item: $"ContainerPackage '{package.Name}'", Id: id))))
            .ToList();
        foreach (var (item, id) in mounts.Where(mount => !declared.Contains(mount.Id)))
        {
            diagnostics.Add(Errors.UndeclaredBuildSecret(item, id));
        }

        if (settings.BuildSecrets.Count > 0)
        {
            var backend = settings.Backend.Trim().ToLowerInvariant();
            var builder = settings.Builder.Trim().ToLowerInvariant();
            if (backend == "daemonless" || builder == "legacy")
            {
                diagnostics.Add(backend == "daemonless"
                    ? Errors.SecretsNeedBuildKit("ContainerizeBackend=daemonless", "Use ContainerizeBackend=docker (or auto, with an engine), or remove the ContainerBuildSecret items.")
                    : Errors.SecretsNeedBuildKit("ContainerizeBuilder=legacy", "Remove ContainerizeBuilder=legacy, or the ContainerBuildSecret items."));
            }
            else if (settings.Dockerfile.Length == 0)
            {
                var mounted = mounts.Select(mount => mount.Id).ToHashSet(StringComparer.Ordinal);
                foreach (var unused in settings.BuildSecrets.Where(secret => !mounted.Contains(secret.Id)))
                {
                    diagnostics.Add(Errors.BuildSecretNotMounted(unused.Id));
                }
            }
        }

        return settings.BuildSecrets;
    }

    /// <summary>
    /// With ContainerDockerfile, the user's Dockerfile says what the image is: the settings that only become generated
    /// instructions do nothing, and build arguments do nothing without it. Each is a warning, not silence.
    /// </summary>
    private static void WarnOfSettingsTheDockerfileIgnores(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        if (settings.Dockerfile.Length == 0)
        {
            if (settings.BuildArgs.Count > 0)
            {
                diagnostics.Add(Errors.BuildArgsWithoutDockerfile());
            }

            return;
        }

        var ignored = new (string Name, bool IsSet)[]
        {
            ("ContainerRunCommand", settings.RunCommands.Count > 0),
            ("ContainerPackage", settings.Packages.Count > 0),
            ("ContainerHealthCheck", settings.HealthCheck.Length > 0),
            ("ContainerEnvironmentVariable", settings.EnvironmentVariables.Count > 0 || settings.EnvironmentVariablesProperty.Length > 0),
            ("ContainerLabel", settings.Labels.Count > 0),
            ("ContainerPort", settings.Ports.Count > 0),
            ("ContainerUser", settings.User.Length > 0),
            ("ContainerWorkingDirectory", settings.WorkingDirectory.Length > 0),
            ("ContainerAppCommand", settings.AppCommand.Count > 0 || settings.AppCommandArgs.Count > 0 || settings.DefaultArgs.Count > 0 || settings.AppCommandInstruction.Length > 0),
        }.Where(setting => setting.IsSet).Select(setting => setting.Name).ToList();
        if (ignored.Count > 0)
        {
            diagnostics.Add(Errors.SettingsIgnoredByOwnDockerfile(string.Join(", ", ignored)));
        }
    }

    private static HealthCheck? ResolveHealthCheck(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        if (settings.HealthCheck.Trim().Length == 0)
        {
            return null;
        }

        var command = settings.HealthCheck.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (command.Length == 0 || command.Any(argument => argument.Contains('\0')))
        {
            diagnostics.Add(Errors.InvalidHealthCheck("ContainerHealthCheck", settings.HealthCheck));
        }

        foreach (var (name, duration) in new[] { ("ContainerHealthCheckInterval", settings.HealthCheckInterval), ("ContainerHealthCheckTimeout", settings.HealthCheckTimeout), ("ContainerHealthCheckStartPeriod", settings.HealthCheckStartPeriod) })
        {
            if (duration.Length > 0 && !DurationPattern.IsMatch(duration))
            {
                diagnostics.Add(Errors.InvalidHealthCheck(name, duration));
            }
        }

        if (settings.HealthCheckRetries.Length > 0 && !uint.TryParse(settings.HealthCheckRetries, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            diagnostics.Add(Errors.InvalidHealthCheck("ContainerHealthCheckRetries", settings.HealthCheckRetries));
        }

        return new HealthCheck(command, settings.HealthCheckInterval, settings.HealthCheckTimeout, settings.HealthCheckStartPeriod, settings.HealthCheckRetries);
    }

    private static string ResolveWorkingDirectory(string workingDirectory, ICollection<Diagnostic> diagnostics)
    {
        var value = workingDirectory.Length > 0 ? workingDirectory : DefaultWorkingDirectory;
        if (!WorkingDirectoryPattern.IsMatch(value))
        {
            diagnostics.Add(Errors.InvalidWorkingDirectory(value));
        }

        return value.Length > 1 ? value.TrimEnd('/') : value;
    }

    private static string? ResolveUser(string user, ICollection<Diagnostic> diagnostics)
    {
        if (user.Length == 0)
        {
            return null;
        }

        if (!UserPattern.IsMatch(user))
        {
            diagnostics.Add(Errors.InvalidUser(user));
        }

        return user;
    }

    private static IReadOnlyList<ContainerPort> ResolvePorts(IReadOnlyList<PortSetting> ports, ICollection<Diagnostic> diagnostics)
    {
        var result = new List<ContainerPort>();
        foreach (var port in ports)
        {
            var type = port.Type.Length == 0 ? "tcp" : port.Type.ToLowerInvariant();
            if (!int.TryParse(port.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                diagnostics.Add(Errors.InvalidPort(port.Port));
            }
            else if (type is not ("tcp" or "udp"))
            {
                diagnostics.Add(Errors.InvalidPortType(port.Port, port.Type));
            }
            else if (!result.Contains(new ContainerPort(number, type)))
            {
                result.Add(new ContainerPort(number, type));
            }
        }

        return result;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> ResolveEnvironment(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        var pairs = settings.EnvironmentVariables.Select(pair => (Pair: pair, Source: "ContainerEnvironmentVariable")).ToList();
        foreach (var entry in settings.EnvironmentVariablesProperty.Split(';').Where(entry => !string.IsNullOrWhiteSpace(entry)))
        {
            var equals = entry.IndexOf('=');
            if (equals <= 0)
            {
                diagnostics.Add(Errors.InvalidEnvironmentVariablesProperty(entry));
                continue;
            }

            pairs.Add((new(entry[..equals].Trim(), entry[(equals + 1)..]), "ContainerEnvironmentVariables"));
        }

        foreach (var (pair, source) in pairs)
        {
            if (!EnvironmentNamePattern.IsMatch(pair.Key))
            {
                diagnostics.Add(Errors.InvalidEnvironmentVariableName(pair.Key, source));
            }
            else if (HasLineBreakOrNul(pair.Value))
            {
                diagnostics.Add(Errors.UnrepresentableValue(source, pair.Key));
            }
        }

        return LastWins(pairs.Select(entry => entry.Pair));
    }

    private static IReadOnlyList<KeyValuePair<string, string>> ResolveLabels(
        ProjectFacts project, ContainerSettings settings, ImageReference? baseImage, DateTimeOffset? created, ICollection<Diagnostic> diagnostics)
    {
        var labels = new List<KeyValuePair<string, string>>();
        if (settings.GenerateLabels)
        {
            var defaults = new (string Name, string Value)[]
            {
                ("created", created?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? ""),
                ("title", project.Title.Length > 0 ? project.Title : project.AssemblyName),
                ("description", project.Description),
                ("version", project.Version),
                ("authors", project.Authors),
                ("vendor", project.Company),
                ("url", project.ProjectUrl),
                ("documentation", project.ProjectUrl),
                ("licenses", project.LicenseExpression),
                ("source", project.RepositoryUrl),
                ("revision", project.SourceRevisionId),
                ("base.name", baseImage?.ToString() ?? ""),
            };
            labels.AddRange(defaults
                .Where(label => label.Value.Length > 0 && !settings.DisabledLabels.Contains(label.Name))
                .Select(label => new KeyValuePair<string, string>(OciLabel + label.Name, OneLine(label.Value))));
        }

        foreach (var label in settings.Labels)
        {
            if (!LabelNamePattern.IsMatch(label.Key))
            {
                diagnostics.Add(Errors.InvalidLabelName(label.Key));
            }
            else if (HasLineBreakOrNul(label.Value))
            {
                diagnostics.Add(Errors.UnrepresentableValue("ContainerLabel", label.Key));
            }
        }

        return LastWins(labels.Concat(settings.Labels));
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

    private static ContainerSpec ResolveCommand(ContainerSpec spec, ProjectFacts project, ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        var appPath = spec.WorkingDirectory.TrimEnd('/') + "/" + project.AssemblyName;
        IReadOnlyList<string> appCommand = settings.AppCommand.Count > 0 ? settings.AppCommand
            : project.SelfContained || project.PublishAot ? [appPath]
            : ["dotnet", appPath + ".dll"];

        foreach (var (source, values) in new[] { ("ContainerAppCommand", appCommand), ("ContainerAppCommandArgs", settings.AppCommandArgs), ("ContainerDefaultArgs", settings.DefaultArgs) })
        {
            if (values.Any(value => value.Contains('\0')))
            {
                diagnostics.Add(Errors.UnrepresentableCommand(source));
            }
        }

        var command = appCommand.Concat(settings.AppCommandArgs).ToList();
        return settings.AppCommandInstruction.ToLowerInvariant() switch
        {
            "" or "entrypoint" => spec with { Entrypoint = command, Cmd = settings.DefaultArgs },
            "defaultargs" => spec with { Entrypoint = [], Cmd = command.Concat(settings.DefaultArgs).ToList() },
            "none" => spec with { Entrypoint = [], Cmd = settings.DefaultArgs },
            _ => Invalid(),
        };

        ContainerSpec Invalid()
        {
            diagnostics.Add(Errors.InvalidAppCommandInstruction(settings.AppCommandInstruction));
            return spec;
        }
    }

    private static bool HasLineBreakOrNul(string value) => value.IndexOfAny(['\n', '\r', '\0']) >= 0;

    /// <summary>Project metadata such as a multi-line Description becomes one line for a default label.</summary>
    private static string OneLine(string value) =>
        string.Join(' ', value.Split(['\n', '\r', '\0'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Keeps the first position of each name and the last value given for it.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> LastWins(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var pair in pairs)
        {
            var index = result.FindIndex(existing => existing.Key == pair.Key);
            if (index >= 0)
            {
                result[index] = pair;
            }
            else
            {
                result.Add(pair);
            }
        }

        return result;
    }
}
