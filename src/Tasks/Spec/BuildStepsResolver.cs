using System.Text.RegularExpressions;
using Containerize.Diagnostics;
using Containerize.FileSystem;

namespace Containerize.Spec;

/// <summary>
/// What the image is built with besides the app: RUN commands, packages and their package manager, build secrets —
/// or the user's own Dockerfile (ContainerDockerfile) and its build arguments, with a warning for each setting such a
/// Dockerfile leaves without effect.
/// </summary>
internal static class BuildStepsResolver
{
    private static readonly Regex PackagePattern = new(@"^[A-Za-z0-9][A-Za-z0-9+._-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex PackageVersionPattern = new(@"^[A-Za-z0-9][A-Za-z0-9.+~:_-]*$", RegexOptions.CultureInvariant);
    private static readonly string[] PackageManagers = ["apt", "apk", "tdnf", "dnf"];
    private static readonly Regex BuildArgNamePattern = new(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
    private static readonly Regex SecretIdPattern = new(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);

    /// <summary>ContainerRunCommand items, trimmed; each must be one RUN line.</summary>
    public static IReadOnlyList<RunCommandSetting> ResolveRunCommands(IReadOnlyList<RunCommandSetting> commands, ICollection<Diagnostic> diagnostics)
    {
        foreach (var command in commands)
        {
            if (command.Command.Trim().Length == 0)
            {
                diagnostics.Add(Errors.InvalidRunCommand(command.Command, "is empty"));
            }
            else if (SettingRules.HasLineBreakOrNul(command.Command))
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

    /// <summary>ContainerPackage items: names and versions a package manager's command line can hold as they are.</summary>
    public static IReadOnlyList<PackageSetting> ResolvePackages(IReadOnlyList<PackageSetting> packages, ICollection<Diagnostic> diagnostics)
    {
        foreach (var package in packages.Where(p => !PackagePattern.IsMatch(p.Name) || (p.Version.Length > 0 && !PackageVersionPattern.IsMatch(p.Version))))
        {
            diagnostics.Add(Errors.InvalidPackage(package.Version.Length > 0 ? $"{package.Name} {package.Version}" : package.Name));
        }

        return packages;
    }

    /// <summary>ContainerPackageManager, lower case; empty when the base image is to tell.</summary>
    public static string ResolvePackageManager(string value, ICollection<Diagnostic> diagnostics)
    {
        var manager = value.Trim().ToLowerInvariant();
        if (manager.Length > 0 && !PackageManagers.Contains(manager))
        {
            diagnostics.Add(Errors.UnknownPackageManager(value));
        }

        return manager;
    }

    /// <summary>The text of the user's Dockerfile (ContainerDockerfile), read through <paramref name="files"/>; null when none is named or it cannot be read (reported).</summary>
    public static string? ReadDockerfile(string path, ISpecFiles files, ICollection<Diagnostic> diagnostics)
    {
        if (path.Length == 0)
        {
            return null;
        }

        var kind = SettingRules.KindOf(path, "ContainerDockerfile", files, diagnostics);
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
            return files.ReadText(path);
        }
        catch (Exception exception) when (FileFailures.IsFileSystem(exception))
        {
            diagnostics.Add(Errors.SourceUnreadable(path, exception.Message, "ContainerDockerfile"));
            return null;
        }
    }

    /// <summary>ContainerBuildArg items: names a Dockerfile's ARG can declare, the last value given for a name winning.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ResolveBuildArgs(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        foreach (var argument in settings.BuildArgs.Where(argument => !BuildArgNamePattern.IsMatch(argument.Key)))
        {
            diagnostics.Add(Errors.InvalidBuildArg(argument.Key));
        }

        return SettingRules.LastWins(settings.BuildArgs);
    }

    /// <summary>
    /// ContainerBuildSecret items, checked as far as they can be without reading a value: an id a RUN line can hold, one
    /// source that exists, steps that mount only declared ids, and a builder that can give secrets (BuildKit's session).
    /// </summary>
    public static IReadOnlyList<BuildSecret> ResolveBuildSecrets(ContainerSettings settings, ISpecFiles files, ICollection<Diagnostic> diagnostics)
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
            else if (BuildSecretValues.Problem(secret, files) is { } problem)
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
    public static void WarnOfSettingsTheDockerfileIgnores(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
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
}
