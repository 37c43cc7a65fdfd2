using System.Text;
using System.Text.Json;
using Containerize.Diagnostics;
using Containerize.FileSystem;

namespace Containerize.Registries;

/// <summary>
/// The parts of the docker CLI's config.json ($DOCKER_CONFIG/config.json, else ~/.docker/config.json) that say
/// where credentials are: credHelpers (per registry), credsStore (for all) and auths (stored by docker login).
/// </summary>
public sealed class DockerConfigFile
{
    private DockerConfigFile(string path, IReadOnlyDictionary<string, JsonElement> auths, IReadOnlyDictionary<string, string> helpers, string? store)
    {
        Path = path;
        Auths = auths;
        CredentialHelpers = helpers;
        CredentialsStore = store;
    }

    public string Path { get; }

    /// <summary>By registry host (keys normalized with <see cref="RegistryNames.Host"/>).</summary>
    public IReadOnlyDictionary<string, JsonElement> Auths { get; }

    public IReadOnlyDictionary<string, string> CredentialHelpers { get; }

    public string? CredentialsStore { get; }

    /// <returns>The file named by DOCKER_CONFIG or HOME, or null when there is none.</returns>
    /// <exception cref="ContainerizeException">CTZ3008 when it is there and cannot be read: not a regular file (a FIFO is never opened), a read error, not JSON.</exception>
    public static DockerConfigFile? Load(Func<string, string?> environment)
    {
        var folder = environment("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(folder))
        {
            var home = environment("HOME");
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }

            folder = System.IO.Path.Combine(home, ".docker");
        }

        var path = System.IO.Path.Combine(folder, "config.json");
        var kind = FileKinds.OfTarget(path);
        if (kind is FileKind.Missing or FileKind.Folder)
        {
            return null;
        }

        if (kind != FileKind.File)
        {
            // Never opened: a FIFO would wait for a writer for ever, a device could be read for ever.
            throw new ContainerizeException(Errors.DockerConfigUnreadable(path, $"it is {FileKinds.Describe(kind)}, not a regular file, and is not read (reading it could wait for ever)"));
        }

        var text = FileFailures.Guard(() => File.ReadAllText(path), reason => Errors.DockerConfigUnreadable(path, reason));
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var auths = ByHost(Section(root, "auths"), value => value.Clone());
            var helpers = ByHost(Section(root, "credHelpers").Where(p => p.Value.ValueKind == JsonValueKind.String), value => value.GetString()!);
            var store = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("credsStore", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return new DockerConfigFile(path, auths, helpers, string.IsNullOrEmpty(store) ? null : store);
        }
        catch (JsonException exception)
        {
            throw new ContainerizeException(Errors.DockerConfigUnreadable(path, "it is not valid JSON (" + exception.Message + ")"));
        }
    }

    /// <summary>The user name and password (or identity token) docker login stored for a host, if any.</summary>
    public RegistryCredentials? StoredCredentials(string host)
    {
        if (!Auths.TryGetValue(host, out var entry) || entry.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var source = $"\"auths\" in {Path}";
        var token = entry.TryGetProperty("identitytoken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (entry.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && auth.GetString() is { Length: > 0 } encoded)
        {
            string pair;
            try
            {
                pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException)
            {
                throw new ContainerizeException(Errors.DockerConfigUnreadable(Path, $"the \"auth\" of {host} is not base64"));
            }

            var colon = pair.IndexOf(':');
            if (colon > 0)
            {
                return new RegistryCredentials(pair[..colon], pair[(colon + 1)..], string.IsNullOrEmpty(token) ? null : token, source);
            }
        }

        return string.IsNullOrEmpty(token) ? null : new RegistryCredentials("", "", token, source);
    }

    /// <summary>
    /// Entries by registry host. Several keys may name one host ("ghcr.io", "https://ghcr.io"): a key that is the host
    /// itself wins, otherwise the first one.
    /// </summary>
    private static Dictionary<string, T> ByHost<T>(IEnumerable<JsonProperty> entries, Func<JsonElement, T> value)
    {
        var result = new Dictionary<string, T>();
        foreach (var entry in entries)
        {
            var host = RegistryNames.Host(entry.Name);
            if (!result.ContainsKey(host) || entry.Name == host)
            {
                result[host] = value(entry.Value);
            }
        }

        return result;
    }

    private static IEnumerable<JsonProperty> Section(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var section) && section.ValueKind == JsonValueKind.Object
            ? section.EnumerateObject()
            : [];
}
