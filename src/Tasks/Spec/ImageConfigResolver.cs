using System.Globalization;
using System.Text.RegularExpressions;
using Containerize.Diagnostics;

namespace Containerize.Spec;

/// <summary>
/// What the container runs with, the fields of the image's config: the working directory, the user, ports,
/// environment variables, labels (the OCI defaults from the project's metadata and ContainerLabel items), the health
/// check, and the command (ENTRYPOINT and CMD).
/// </summary>
internal static class ImageConfigResolver
{
    private const string OciLabel = "org.opencontainers.image.";

    private static readonly Regex EnvironmentNamePattern = new(@"^[A-Za-z_][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex LabelNamePattern = new(@"^[A-Za-z0-9][A-Za-z0-9._/-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex DurationPattern = new(@"^[0-9]+(ms|s|m|h)$", RegexOptions.CultureInvariant);

    /// <summary>ContainerWorkingDirectory, else <see cref="SpecResolver.DefaultWorkingDirectory"/>; without a trailing "/" (but "/" itself).</summary>
    public static string ResolveWorkingDirectory(string workingDirectory, ICollection<Diagnostic> diagnostics)
    {
        var value = workingDirectory.Length > 0 ? workingDirectory : SpecResolver.DefaultWorkingDirectory;
        if (!SettingRules.ImagePathPattern.IsMatch(value))
        {
            diagnostics.Add(Errors.InvalidWorkingDirectory(value));
        }

        return value.Length > 1 ? value.TrimEnd('/') : value;
    }

    /// <summary>ContainerUser, a user[:group]; null when not set (the base image's APP_UID then, <see cref="BaseImageCompletion"/>).</summary>
    public static string? ResolveUser(string user, ICollection<Diagnostic> diagnostics)
    {
        if (user.Length == 0)
        {
            return null;
        }

        if (!SettingRules.UserPattern.IsMatch(user))
        {
            diagnostics.Add(Errors.InvalidUser(user));
        }

        return user;
    }

    /// <summary>ContainerPort items: numbers from 1 to 65535, tcp or udp, each once.</summary>
    public static IReadOnlyList<ContainerPort> ResolvePorts(IReadOnlyList<PortSetting> ports, ICollection<Diagnostic> diagnostics)
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

    /// <summary>ContainerEnvironmentVariable items, then ContainerEnvironmentVariables (NAME=value;…); the last value given for a name winning.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ResolveEnvironment(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
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
            else if (SettingRules.HasLineBreakOrNul(pair.Value))
            {
                diagnostics.Add(Errors.UnrepresentableValue(source, pair.Key));
            }
        }

        return SettingRules.LastWins(pairs.Select(entry => entry.Pair));
    }

    /// <summary>The default OCI labels (unless ContainerGenerateLabels is false, or a label is turned off), then ContainerLabel items; the last value given for a name winning.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ResolveLabels(
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
                .Select(label => new KeyValuePair<string, string>(OciLabel + label.Name, SettingRules.OneLine(label.Value))));
        }

        foreach (var label in settings.Labels)
        {
            if (!LabelNamePattern.IsMatch(label.Key))
            {
                diagnostics.Add(Errors.InvalidLabelName(label.Key));
            }
            else if (SettingRules.HasLineBreakOrNul(label.Value))
            {
                diagnostics.Add(Errors.UnrepresentableValue("ContainerLabel", label.Key));
            }
        }

        return SettingRules.LastWins(labels.Concat(settings.Labels));
    }

    /// <summary>ContainerHealthCheck (the command, split at ';') and its durations and retries; null when not set.</summary>
    public static HealthCheck? ResolveHealthCheck(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
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

    /// <summary>
    /// The spec with its ENTRYPOINT and CMD: the app's command (ContainerAppCommand, else the app under the working
    /// directory) and ContainerAppCommandArgs, placed as ContainerAppCommandInstruction says, with ContainerDefaultArgs.
    /// </summary>
    public static ContainerSpec ResolveCommand(ContainerSpec spec, ProjectFacts project, ContainerSettings settings, ICollection<Diagnostic> diagnostics)
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
}
