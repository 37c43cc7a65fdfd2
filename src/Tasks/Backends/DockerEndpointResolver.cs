using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containerize.Diagnostics;
using Containerize.FileSystem;

namespace Containerize.Backends;

/// <summary>
/// Finds the engine to talk to, in the order the docker CLI uses plus Podman: ContainerDockerHost, DOCKER_HOST,
/// the current docker context (DOCKER_CONTEXT or config.json's currentContext), the default socket, Podman's socket.
/// A host from ContainerDockerHost or DOCKER_HOST uses TLS when DOCKER_TLS_VERIFY is set, with the PEM files in
/// DOCKER_CERT_PATH (default: the docker config folder); a context uses the TLS material stored with it.
/// </summary>
public sealed class DockerEndpointResolver(Func<string, string?> environment, Func<string, bool> fileExists)
{
    public const string DefaultSocket = "/var/run/docker.sock";

    public static DockerEndpointResolver ForThisMachine() =>
        new(Environment.GetEnvironmentVariable, File.Exists);

    /// <summary>The endpoint for work that needs an engine: the unreachable error (CTZ2001) when there is none.</summary>
    public DockerEndpoint ResolveRequired(string containerDockerHost) =>
        Resolve(containerDockerHost)
        ?? throw new ContainerizeException(Errors.EngineUnreachable("unix://" + DefaultSocket, "the default socket", "no engine socket exists"));

    /// <returns>The endpoint, or null when none is configured and no socket exists.</returns>
    public DockerEndpoint? Resolve(string containerDockerHost)
    {
        if (containerDockerHost.Length > 0)
        {
            return Configured(containerDockerHost, "ContainerDockerHost") with { Tls = TlsFromEnvironment() };
        }

        var dockerHost = environment("DOCKER_HOST");
        if (!string.IsNullOrEmpty(dockerHost))
        {
            return Configured(dockerHost, "DOCKER_HOST") with { Tls = TlsFromEnvironment() };
        }

        var context = CurrentContextEndpoint();
        if (context is not null)
        {
            return context;
        }

        if (fileExists(DefaultSocket))
        {
            return new DockerEndpoint(new Uri("unix://" + DefaultSocket), "the default socket", IsConfigured: false);
        }

        var runtimeDirectory = environment("XDG_RUNTIME_DIR");
        var podmanSockets = new[] { string.IsNullOrEmpty(runtimeDirectory) ? null : runtimeDirectory + "/podman/podman.sock", "/run/podman/podman.sock" };
        var podman = podmanSockets.FirstOrDefault(socket => socket is not null && fileExists(socket));
        return podman is null ? null : new DockerEndpoint(new Uri("unix://" + podman), "Podman's socket", IsConfigured: false);
    }

    private static DockerEndpoint Configured(string value, string source)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp" or "http" or "https" or "npipe"))
        {
            throw new ContainerizeException(Errors.InvalidDockerHost(value, source));
        }

        return new DockerEndpoint(uri, source, IsConfigured: true);
    }

    /// <summary>The docker CLI's folder: DOCKER_CONFIG, else ~/.docker.</summary>
    private string? ConfigDirectory()
    {
        var configDirectory = environment("DOCKER_CONFIG");
        if (!string.IsNullOrEmpty(configDirectory))
        {
            return configDirectory;
        }

        var home = environment("HOME");
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".docker");
    }

    private EngineTls? TlsFromEnvironment()
    {
        if (string.IsNullOrEmpty(environment("DOCKER_TLS_VERIFY")))
        {
            return null;
        }

        var folder = environment("DOCKER_CERT_PATH");
        folder = string.IsNullOrEmpty(folder) ? ConfigDirectory() : folder;
        return RequireFiles(new EngineTls(folder ?? ".", VerifyServer: true), "DOCKER_TLS_VERIFY and DOCKER_CERT_PATH", requireCa: true);
    }

    /// <param name="requireCa">As the docker CLI: DOCKER_CERT_PATH must hold ca.pem; a context without one trusts the system's roots.</param>
    private EngineTls RequireFiles(EngineTls tls, string source, bool requireCa)
    {
        var missing = tls.MissingFiles(fileExists, requireCa);
        return missing.Count == 0 ? tls : throw new ContainerizeException(Errors.EngineTlsFilesMissing(source, missing));
    }

    private DockerEndpoint? CurrentContextEndpoint()
    {
        var configDirectory = ConfigDirectory();
        if (configDirectory is null)
        {
            return null;
        }

        var name = environment("DOCKER_CONTEXT");
        if (string.IsNullOrEmpty(name))
        {
            // A config.json that cannot be read names no context (the credential lookup reports it, CTZ3008, when it needs the file).
            name = StringAt(ReadJson(Path.Combine(configDirectory, "config.json"), out _), "currentContext");
        }

        if (string.IsNullOrEmpty(name) || name == "default")
        {
            return null;
        }

        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name))).ToLowerInvariant();
        var metaPath = Path.Combine(configDirectory, "contexts", "meta", id, "meta.json");
        var meta = ReadJson(metaPath, out var problem);
        var host = StringAt(meta, "Endpoints", "docker", "Host");
        if (string.IsNullOrEmpty(host))
        {
            throw new ContainerizeException(Errors.DockerContextNotFound(name, metaPath, problem ?? "names no Endpoints.docker.Host"));
        }

        var source = $"docker context '{name}'";
        var endpoint = Configured(host, source);
        var tls = new EngineTls(Path.Combine(configDirectory, "contexts", "tls", id, "docker"), VerifyServer: true);
        if (!new[] { tls.CaPath, tls.CertificatePath, tls.KeyPath }.Any(fileExists))
        {
            return endpoint;
        }

        var skipVerify = StringAt(meta, "Endpoints", "docker", "SkipTLSVerify") == "true";
        return endpoint with { Tls = RequireFiles(tls with { VerifyServer = !skipVerify }, source, requireCa: false) };
    }

    /// <summary>
    /// A JSON file of the docker CLI (config.json, a context's meta.json). Only a regular file is opened (links followed):
    /// a FIFO would wait for a writer for ever, a device could be read for ever.
    /// </summary>
    /// <param name="problem">Why it was not read, as the end of a sentence that starts with its path ("is missing", "is a FIFO (named pipe), …"); null when it was read.</param>
    /// <returns>Its content, or null when it is not there or was not read.</returns>
    private JsonElement? ReadJson(string path, out string? problem)
    {
        problem = null;
        var kind = fileExists(path) ? FileKinds.OfTarget(path) : FileKind.Missing;
        if (kind == FileKind.Missing)
        {
            problem = "is missing";
            return null;
        }

        if (kind != FileKind.File)
        {
            problem = $"is {FileKinds.Describe(kind)}, not a regular file, and is not read (reading it could wait for ever)";
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            problem = "is not valid JSON";
        }
        catch (Exception exception) when (FileFailures.IsFileSystem(exception))
        {
            problem = $"could not be read ({exception.Message.Trim().TrimEnd('.')})";
        }

        return null;
    }

    /// <summary>The string (or true/false) at a path of properties; null when any of them is not there.</summary>
    private static string? StringAt(JsonElement? root, params string[] properties)
    {
        if (root is not { } element)
        {
            return null;
        }

        foreach (var property in properties)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out element))
            {
                return null;
            }
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }
}
