using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Containerize.Layers;
using Containerize.Spec;

namespace Containerize.Dockerfile;

/// <summary>
/// The one place that knows Dockerfile syntax. Instructions that rarely change come first, then the dependency
/// layers, then LABEL (the version and revision labels change with every release and commit), then the app's own
/// layer, so a code change re-runs only the last COPY and a new commit only LABEL and that COPY. Values are quoted so that none can add or change an
/// instruction: ENV and LABEL values double-quoted with \, " and $ escaped; ENTRYPOINT and CMD as JSON arrays.
/// The spec must be complete (<see cref="ContainerSpec.User"/> set) and validated by <see cref="SpecResolver"/>.
/// </summary>
public static class DockerfileWriter
{
    public const string LayersFolder = "layers";

    private static readonly JsonSerializerOptions JsonArray = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The first line of the Dockerfile in the staged context.</summary>
    public const string Header = "# Made by Containerize from the project. Build it by hand with: docker build <this folder>\n";

    /// <summary>The first lines of the copy -t:GenerateDockerfile writes into the project.</summary>
    public const string EditableHeader =
        "# Made by Containerize from the project (dotnet build -t:GenerateDockerfile), to keep and edit. Build with it by\n"
        + "# setting <ContainerDockerfile> to this file: its context is the staged folder (obj/<configuration>/<tfm>/containerize),\n"
        + "# which holds every layer folder named below. Build arguments (ContainerBuildArg) stay in the image history: no secrets.\n";

    public static string Write(ContainerSpec spec, string header = Header)
    {
        if (spec.User is null)
        {
            throw new InvalidOperationException("The spec has no user yet: complete it with the base image first.");
        }

        var text = new StringBuilder(header);
        if (spec.BuildSecrets.Count > 0)
        {
            text.Append(SecretsHeader(spec.BuildSecrets));
        }

        text.Append("FROM ").Append(spec.BaseImage).Append('\n');
        if (spec.HasBuildSteps)
        {
            text.Append("USER root\n");
        }

        // The app folder first, as root's, when anything is copied or run before the app: BuildKit's COPY --chown would
        // otherwise create a missing /app (the parent of a ContainerFile or writable folder under it) for that owner,
        // and the app user must not be able to write the app's own files. RUN steps then run in the app folder.
        var appFolderFirst = spec.HasBuildSteps || spec.FileLayers.Count > 0 || spec.WritableDirectoryLayers.Any();
        if (appFolderFirst)
        {
            text.Append("WORKDIR ").Append(spec.WorkingDirectory).Append('\n');
        }

        if (spec.Packages.Count > 0)
        {
            text.Append("RUN ").Append(SecretMounts(spec.Packages.SelectMany(package => package.Secrets)))
                .Append(PackageInstall(spec.PackageManager, spec.Packages)).Append('\n');
        }

        // The extra files come before the RUN steps, which may use them (a certificate to register, a script to run).
        foreach (var layer in spec.FileLayers)
        {
            text.Append(Copy(layer, spec.WorkingDirectory)).Append('\n');
        }

        foreach (var step in spec.RunSteps)
        {
            text.Append("RUN ").Append(SecretMounts(step.Secrets)).Append(step.ExecForm ? ExecForm(Backends.CommandLine.Split(step.Command)) : step.Command).Append('\n');
        }

        foreach (var layer in spec.WritableDirectoryLayers)
        {
            text.Append(Copy(layer, spec.WorkingDirectory)).Append('\n');
        }

        AppendPairs(text, "ENV", spec.Environment, quoteKeys: false);
        if (spec.Ports.Count > 0)
        {
            text.Append("EXPOSE ").Append(string.Join(' ', spec.Ports)).Append('\n');
        }

        if (!appFolderFirst)
        {
            text.Append("WORKDIR ").Append(spec.WorkingDirectory).Append('\n');
        }

        text.Append("USER ").Append(spec.User).Append('\n');
        if (spec.Entrypoint.Count > 0)
        {
            text.Append("ENTRYPOINT ").Append(ExecForm(spec.Entrypoint)).Append('\n');
        }

        if (spec.Cmd.Count > 0)
        {
            text.Append("CMD ").Append(ExecForm(spec.Cmd)).Append('\n');
        }

        if (spec.HealthCheck is { } check)
        {
            text.Append("HEALTHCHECK");
            foreach (var (option, value) in new[] { ("interval", check.Interval), ("timeout", check.Timeout), ("start-period", check.StartPeriod), ("retries", check.Retries) })
            {
                if (value.Length > 0)
                {
                    text.Append(" --").Append(option).Append('=').Append(value);
                }
            }

            text.Append(" CMD ").Append(ExecForm(check.Command)).Append('\n');
        }

        var appLayer = spec.Layers.Count > 0 && spec.Layers[^1].Name == LayerPlanner.App ? spec.Layers[^1] : null;
        foreach (var layer in spec.Layers.Where(layer => layer != appLayer))
        {
            text.Append(Copy(layer, spec.WorkingDirectory)).Append('\n');
        }

        AppendPairs(text, "LABEL", spec.Labels, quoteKeys: true);
        if (appLayer is not null)
        {
            text.Append(Copy(appLayer, spec.WorkingDirectory)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// What a Dockerfile with secret mounts needs, said where a reader starts: BuildKit, and each secret's source to
    /// give docker build.
    /// </summary>
    public static string SecretsHeader(IReadOnlyList<BuildSecret> secrets) =>
        "# RUN --mount=type=secret needs BuildKit (docker build on Docker Engine 23 and later), given the secrets as:\n# docker build "
        + string.Join(' ', secrets.Select(secret => $"--secret id={secret.Id},{(secret.Environment.Length > 0 ? "env=" + secret.Environment : "src=" + secret.File)}"))
        + " <this folder>\n";

    /// <summary>The RUN flags that mount each secret once, at /run/secrets/&lt;id&gt;; empty for none.</summary>
    public static string SecretMounts(IEnumerable<string> ids) =>
        string.Concat(ids.Distinct(StringComparer.Ordinal).Select(id => $"--mount=type=secret,id={id} "));

    /// <summary>The COPY instruction of a layer: its context folder to its destination (the working directory when it has none), with its owner.</summary>
    public static string Copy(Layer layer, string workingDirectory)
    {
        var owner = layer.Owner.Length > 0 ? "--chown=" + layer.Owner + " " : "";
        return $"COPY {owner}{LayersFolder}/{layer.Name}/ {layer.DestinationIn(workingDirectory).TrimEnd('/')}/";
    }

    /// <summary>
    /// One shell command that installs the packages with the base image's package manager and leaves no cache behind
    /// (names and versions are validated by SpecResolver: no shell metacharacters).
    /// </summary>
    public static string PackageInstall(string manager, IReadOnlyList<PackageSetting> packages)
    {
        string Pin(PackageSetting package, string separator) => package.Version.Length == 0 ? package.Name : package.Name + separator + package.Version;
        return manager switch
        {
            "apt" => $"apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {string.Join(' ', packages.Select(p => Pin(p, "=")))} && rm -rf /var/lib/apt/lists/*",
            "apk" => $"apk add --no-cache {string.Join(' ', packages.Select(p => Pin(p, "=")))}",
            "tdnf" => $"tdnf install -y {string.Join(' ', packages.Select(p => Pin(p, "-")))} && tdnf clean all",
            "dnf" => $"dnf install -y {string.Join(' ', packages.Select(p => Pin(p, "-")))} && dnf clean all",
            _ => throw new InvalidOperationException("The package manager is not known yet: find it in the base image first."),
        };
    }

    /// <summary>A double-quoted Dockerfile word: \, " and $ escaped, nothing else changed.</summary>
    public static string Quote(string value)
    {
        if (value.IndexOfAny(['\n', '\r', '\0']) >= 0)
        {
            throw new ArgumentException("A Dockerfile word cannot hold a line break or NUL; SpecResolver reports such values (CTZ1011).", nameof(value));
        }

        return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("$", "\\$") + "\"";
    }

    public static string ExecForm(IEnumerable<string> arguments) =>
        "[" + string.Join(", ", arguments.Select(argument => JsonSerializer.Serialize(argument, JsonArray))) + "]";

    private static void AppendPairs(StringBuilder text, string instruction, IReadOnlyList<KeyValuePair<string, string>> pairs, bool quoteKeys)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        text.Append(instruction);
        for (var i = 0; i < pairs.Count; i++)
        {
            var key = quoteKeys ? Quote(pairs[i].Key) : pairs[i].Key;
            text.Append(i == 0 ? " " : " \\\n    ").Append(key).Append('=').Append(Quote(pairs[i].Value));
        }

        text.Append('\n');
    }
}
